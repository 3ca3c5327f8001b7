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
    last_result: Option<String>,
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
    }
}
