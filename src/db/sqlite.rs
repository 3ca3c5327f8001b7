//! SQLite backend.

use std::path::Path;
use std::sync::Arc;

use super::{Backend, Canceller, ConnInfo, Error, Guard, Outcome, RowSink};
use crate::catalog::Catalog;

/// An open SQLite database.
pub struct SqliteBackend {
    info: ConnInfo,
}

impl SqliteBackend {
    /// Opens the database file at `path`.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let _ = path;
        todo!("sqlite connect")
    }
}

impl Backend for SqliteBackend {
    fn info(&self) -> &ConnInfo {
        &self.info
    }
    fn introspect(&mut self) -> Result<Catalog, Error> {
        todo!("sqlite introspection")
    }
    fn run(&mut self, sql: &str, guard: Guard, sink: &mut dyn RowSink) -> Result<Outcome, Error> {
        let _ = (sql, guard, sink);
        todo!("sqlite run")
    }
    fn canceller(&self) -> Arc<dyn Canceller> {
        todo!("sqlite cancel")
    }
}
