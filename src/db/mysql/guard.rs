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
use crate::db::postgres::deadline::{Watchdog, timed_out};
use crate::db::{Error, OutcomeKind, Param, RowSink};

/// `Transaction characteristics can't be changed while a transaction is
/// in progress`: the answer that says a transaction is open.
const TRANSACTION_IN_PROGRESS: u16 = 1568;

/// What runs inside the guard.
pub enum Work<'a> {
    /// A statement, the values bound to its `?` placeholders, and where
    /// its rows go.
    Rows(&'a str, &'a [Param], &'a mut dyn RowSink),
    /// Prepared and closed, never executed.
    Parse(&'a str),
}

/// Whether a transaction is open on `conn`: MariaDB says so in
/// `@@in_transaction`; on MySQL, changing the next transaction's
/// characteristics is refused exactly while one is open.
pub fn transaction_open(conn: &mut Conn, mariadb: bool) -> Result<bool, mysql::Error> {
    if mariadb {
        let open: Option<i64> = retried(|| conn.query_first("SELECT @@in_transaction"))?;
        return Ok(open == Some(1));
    }
    match retried(|| conn.query_drop("SET TRANSACTION READ WRITE")) {
        Ok(()) => Ok(false),
        Err(mysql::Error::MySqlError(e)) if e.code == TRANSACTION_IN_PROGRESS => Ok(true),
        Err(other) => Err(other),
    }
}

/// Runs one of glance's own statements, once more when a `KILL QUERY`
/// meant for the statement before it arrived late and interrupted it.
pub fn retried<T>(mut run: impl FnMut() -> Result<T, mysql::Error>) -> Result<T, mysql::Error> {
    match run() {
        Err(mysql::Error::MySqlError(e)) if e.code == errors::QUERY_INTERRUPTED => run(),
        other => other,
    }
}

/// How long the server waits for glance to read more rows while a person
/// reads a page (its default, 60 s, would end the connection).
const PAGING_WRITE_TIMEOUT_SECS: u32 = 600;

/// The settings a guarded statement runs with: the server's statement
/// timeout when `limit` is given (MySQL applies it to SELECT only), and,
/// when a person may read pages (`paging`), a long wait for glance to read
/// more rows.
pub fn guard_settings(mariadb: bool, limit: Option<Duration>, paging: bool) -> Vec<String> {
    let mut settings = Vec::new();
    match (mariadb, limit) {
        (true, Some(t)) => settings.push(format!(
            "SET SESSION max_statement_time = {:.3}",
            t.as_secs_f64()
        )),
        (false, Some(t)) => settings.push(format!(
            "SET SESSION max_execution_time = {}",
            t.as_millis().max(1)
        )),
        (_, None) => {}
    }
    if paging {
        settings.push(format!(
            "SET SESSION net_write_timeout = {PAGING_WRITE_TIMEOUT_SECS}"
        ));
    }
    settings
}

/// What puts [`guard_settings`] back.
pub fn reset_settings(mariadb: bool) -> [&'static str; 2] {
    let statement = if mariadb {
        "SET SESSION max_statement_time = DEFAULT"
    } else {
        "SET SESSION max_execution_time = DEFAULT"
    };
    [statement, "SET SESSION net_write_timeout = DEFAULT"]
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
        // A person reading a page stops the server's clock as much as
        // glance's: a watchdog that skips that time cancels the statement,
        // not the server's own timeout.
        let interactive = matches!(&work, Work::Rows(_, _, sink) if sink.interactive());
        let server_limit = (!interactive).then_some(statement_timeout);
        let watchdog = interactive
            .then(|| {
                let canceller = self.canceller.clone();
                Watchdog::start(statement_timeout, move || canceller.kill())
            })
            .flatten();
        clock.budget = watchdog.as_ref().map(Watchdog::budget);
        let mut setup = guard_settings(mariadb, server_limit, interactive);
        setup.push(open.to_string());
        clock
            .time(|| setup.iter().try_for_each(|sql| self.conn.query_drop(sql)))
            .map_err(&err)?;
        let conn = &mut self.conn;
        let canceller = self.canceller.clone();
        let stop = move || canceller.kill();
        let outcome = match work {
            Work::Rows(sql, params, sink) => stream::run(conn, sql, params, sink, clock, &stop),
            Work::Parse(sql) => stream::parse_only(conn, sql, clock)
                .map(|()| OutcomeKind::Command { affected: None }),
        };
        self.collect_warnings();
        let still_open = clock.time(|| transaction_open(&mut self.conn, mariadb));
        // Unless the transaction surely ended, what the guard opened is undone.
        let open = !matches!(still_open, Ok(false));
        let ended = clock.time(|| self.end_guard(nested, open));
        drop(watchdog);
        let watchdog_fired = clock
            .budget
            .take()
            .filter(|b| b.fired() && !self.canceller.was_requested());
        let kind = match (outcome, watchdog_fired) {
            (Err(_), Some(budget)) => return Err(budget.error()),
            (Err(e), None) if errors::is_timeout(&e) => return Err(timed_out(statement_timeout)),
            (outcome, _) => outcome.map_err(&err)?,
        };
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
    /// puts the timeouts back.
    fn end_guard(&mut self, nested: bool, open: bool) -> Result<(), mysql::Error> {
        let reset = reset_settings(self.mariadb);
        let steps: &[&str] = match (nested, open) {
            (true, true) => &[
                "ROLLBACK TO SAVEPOINT glance_guard",
                "RELEASE SAVEPOINT glance_guard",
            ],
            (true, false) => &[],
            (false, _) => &["ROLLBACK", "DO RELEASE_ALL_LOCKS()", "UNLOCK TABLES"],
        };
        for step in steps.iter().chain(&reset) {
            retried(|| self.conn.query_drop(step))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_late_kill_is_retried_once() {
        let interrupted = || {
            mysql::Error::MySqlError(mysql::MySqlError {
                state: "70100".into(),
                message: "Query execution was interrupted".into(),
                code: errors::QUERY_INTERRUPTED,
            })
        };
        let mut calls = 0;
        let once = retried(|| {
            calls += 1;
            if calls == 1 {
                Err(interrupted())
            } else {
                Ok(calls)
            }
        });
        assert_eq!(once.ok(), Some(2));
        let mut calls = 0;
        let twice = retried(|| -> Result<(), _> {
            calls += 1;
            Err(interrupted())
        });
        assert!(twice.is_err());
        assert_eq!(calls, 2);
    }

    #[test]
    fn timeouts_use_each_servers_setting() {
        let t = Some(Duration::from_millis(2500));
        assert_eq!(
            guard_settings(true, t, false),
            ["SET SESSION max_statement_time = 2.500"]
        );
        assert_eq!(
            guard_settings(false, t, false),
            ["SET SESSION max_execution_time = 2500"]
        );
        assert_eq!(
            guard_settings(true, None, true),
            ["SET SESSION net_write_timeout = 600"]
        );
        assert!(reset_settings(true).iter().all(|s| s.ends_with("DEFAULT")));
    }
}
