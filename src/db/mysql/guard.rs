//! The read-only guard on a MySQL or MariaDB server. `START TRANSACTION
//! READ ONLY` stops far less there than on PostgreSQL (DDL commits
//! implicitly and escapes it; locks and files outlive a rollback), so the
//! classifier carries most of the safety; the guard adds what the server
//! can: a read-only transaction with a statement timeout, a check that the
//! transaction is still open afterwards (an implicit commit is reported,
//! never accepted), a rollback, and the release of any locks taken.
//!
//! Inside the person's own transaction a savepoint takes the place of the
//! transaction (MySQL cannot make a savepoint read-only), rolled back to
//! and released; a statement that ends that transaction is reported.

use std::time::Duration;

use mysql::Conn;
use mysql::prelude::Queryable;

use super::stream::{self, Clock};
use super::{MysqlBackend, errors};
use crate::db::{Error, OutcomeKind, RowSink};

/// `Transaction characteristics can't be changed while a transaction is
/// in progress`: the answer that says a transaction is open.
const TRANSACTION_IN_PROGRESS: u16 = 1568;

/// What runs inside the guard.
pub enum Work<'a> {
    Rows(&'a str, &'a mut dyn RowSink),
    /// Prepared and closed, never executed.
    Parse(&'a str),
}

/// Whether a transaction is open on `conn`: MariaDB says so in
/// `@@in_transaction`; on MySQL, changing the next transaction's
/// characteristics is refused exactly while one is open.
pub fn transaction_open(conn: &mut Conn, mariadb: bool) -> Result<bool, mysql::Error> {
    if mariadb {
        let open: Option<i64> = conn.query_first("SELECT @@in_transaction")?;
        return Ok(open == Some(1));
    }
    match conn.query_drop("SET TRANSACTION READ WRITE") {
        Ok(()) => Ok(false),
        Err(mysql::Error::MySqlError(e)) if e.code == TRANSACTION_IN_PROGRESS => Ok(true),
        Err(other) => Err(other),
    }
}

/// The statement that bounds how long one statement may run.
pub fn timeout_statement(mariadb: bool, timeout: Option<Duration>) -> String {
    match (mariadb, timeout) {
        (true, Some(t)) => format!("SET SESSION max_statement_time = {:.3}", t.as_secs_f64()),
        (false, Some(t)) => format!("SET SESSION max_execution_time = {}", t.as_millis().max(1)),
        (true, None) => "SET SESSION max_statement_time = DEFAULT".into(),
        (false, None) => "SET SESSION max_execution_time = DEFAULT".into(),
    }
}

const IMPLICIT_COMMIT: &str = "the statement ended the read-only transaction (an implicit commit): \
     what it changed is not rolled back; run statements like it only after confirming them";

impl MysqlBackend {
    /// Runs `work` inside the guard, in a read-only transaction of its own
    /// or a savepoint in the person's.
    pub(super) fn run_guarded(
        &mut self,
        work: Work<'_>,
        statement_timeout: Duration,
        clock: &mut Clock,
    ) -> Result<OutcomeKind, Error> {
        let cancel = self.canceller.clone();
        let err = move |e: mysql::Error| errors::query_error(e, cancel.was_requested());
        let mariadb = self.mariadb;
        let nested = self.in_transaction;
        let open = if nested {
            "SAVEPOINT glance_guard"
        } else {
            "START TRANSACTION READ ONLY"
        };
        clock
            .time(|| {
                self.conn
                    .query_drop(timeout_statement(mariadb, Some(statement_timeout)))?;
                self.conn.query_drop(open)
            })
            .map_err(&err)?;
        let conn = &mut self.conn;
        let outcome = match work {
            Work::Rows(sql, sink) => stream::run(conn, sql, sink, clock),
            Work::Parse(sql) => stream::parse_only(conn, sql, clock)
                .map(|()| OutcomeKind::Command { affected: None }),
        };
        let still_open = clock.time(|| transaction_open(&mut self.conn, mariadb));
        let ended = clock.time(|| self.end_guard(nested, still_open.as_ref().is_ok_and(|o| *o)));
        let kind = outcome.map_err(&err)?;
        if !still_open.map_err(&err)? {
            if nested {
                self.in_transaction = false;
            }
            return Err(Error::Guard(IMPLICIT_COMMIT.into()));
        }
        ended.map_err(&err)?;
        Ok(kind)
    }

    /// Rolls back what the guard opened, releases locks a statement took
    /// (outside the person's transaction, whose locks are theirs), and
    /// puts the statement timeout back.
    fn end_guard(&mut self, nested: bool, open: bool) -> Result<(), mysql::Error> {
        let reset = timeout_statement(self.mariadb, None);
        if nested {
            if open {
                self.conn.query_drop("ROLLBACK TO SAVEPOINT glance_guard")?;
                self.conn.query_drop("RELEASE SAVEPOINT glance_guard")?;
            }
            return self.conn.query_drop(reset);
        }
        self.conn.query_drop("ROLLBACK")?;
        self.conn.query_drop("DO RELEASE_ALL_LOCKS()")?;
        self.conn.query_drop("UNLOCK TABLES")?;
        self.conn.query_drop(reset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_use_each_servers_setting() {
        let t = Some(Duration::from_millis(2500));
        assert_eq!(
            timeout_statement(true, t),
            "SET SESSION max_statement_time = 2.500"
        );
        assert_eq!(
            timeout_statement(false, t),
            "SET SESSION max_execution_time = 2500"
        );
        assert!(timeout_statement(true, None).ends_with("DEFAULT"));
    }
}
