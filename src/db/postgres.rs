//! PostgreSQL backend.

use std::sync::Arc;

use super::{Backend, Canceller, ConnInfo, ConnectOptions, Error, Guard, Outcome, RowSink};
use crate::catalog::Catalog;

/// A connection to a PostgreSQL server.
pub struct PgBackend {
    info: ConnInfo,
}

impl PgBackend {
    /// Connects using a URL, a `key=value` string, or (when empty) the PG*
    /// environment and psql's defaults.
    pub fn connect(conninfo: &str, options: &ConnectOptions) -> Result<Self, Error> {
        let _ = (conninfo, options);
        todo!("postgres connect")
    }
}

impl Backend for PgBackend {
    fn info(&self) -> &ConnInfo {
        &self.info
    }
    fn introspect(&mut self) -> Result<Catalog, Error> {
        todo!("postgres introspection")
    }
    fn run(&mut self, sql: &str, guard: Guard, sink: &mut dyn RowSink) -> Result<Outcome, Error> {
        let _ = (sql, guard, sink);
        todo!("postgres run")
    }
    fn canceller(&self) -> Arc<dyn Canceller> {
        todo!("postgres cancel")
    }
}
