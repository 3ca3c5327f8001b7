//! A connection set aside while another is current (`\c+`): what belongs
//! to the connection itself — its choice, backend (the server session and
//! any transaction the person has open in it), catalog and last statement —
//! without the display settings, journal and console the session keeps for
//! whichever connection is current.

use super::Session;
use crate::catalog::Catalog;
use crate::choice::Choice;
use crate::db::{self, Backend};

pub struct Parked {
    choice: Choice,
    backend: Box<dyn Backend>,
    catalog: Option<Catalog>,
    last_sql: Option<String>,
    last_result: Option<super::LastResult>,
}

impl Parked {
    /// A connection nothing has run on yet.
    pub fn new(choice: Choice, backend: Box<dyn Backend>) -> Parked {
        Parked {
            choice,
            backend,
            catalog: None,
            last_sql: None,
            last_result: None,
        }
    }

    pub fn choice(&self) -> &Choice {
        &self.choice
    }

    pub fn info(&self) -> &db::ConnInfo {
        self.backend.info()
    }

    pub fn transaction(&self) -> db::Transaction {
        self.backend.transaction()
    }
}

impl Session {
    /// Makes `parked` the session's connection and parks the one it had in
    /// its place. Nothing reconnects: each server session goes on as it was.
    pub fn trade(&mut self, parked: &mut Parked) {
        std::mem::swap(&mut self.choice, &mut parked.choice);
        std::mem::swap(&mut self.backend, &mut parked.backend);
        std::mem::swap(&mut self.catalog, &mut parked.catalog);
        std::mem::swap(&mut self.last_sql, &mut parked.last_sql);
        std::mem::swap(&mut self.last_result, &mut parked.last_result);
        self.kept.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::sqlite::SqliteBackend;
    use crate::session::run::tests::session;

    #[test]
    fn trading_swaps_the_connection_and_keeps_the_rest() {
        let (mut session, _) = session("parked", false);
        session.last_sql = Some("select 1".into());
        session.settings.null = "NULL".into();
        let first = session.info().location.clone();
        let mut choice = session.choice().clone();
        choice.read_only = true;
        let mut parked = Parked::new(choice, Box::new(SqliteBackend::in_memory().unwrap()));
        session.trade(&mut parked);
        assert_eq!(session.info().location, ":memory:");
        assert!(session.choice().read_only);
        assert_eq!(session.last_sql(), None);
        assert_eq!(parked.info().location, first);
        assert_eq!(parked.transaction(), db::Transaction::Idle);
        session.trade(&mut parked);
        assert_eq!(session.info().location, first);
        assert_eq!(session.last_sql(), Some("select 1"));
        assert_eq!(session.settings.null, "NULL");
    }
}
