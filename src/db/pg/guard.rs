//! The read-only guard on the server: a statement run under
//! [`Guard::ReadOnly`](crate::db::Guard::ReadOnly) runs in a read-only
//! transaction of its own, or a read-only savepoint inside the person's
//! transaction, with statement, lock and idle timeouts, and is always rolled
//! back. The transaction is still read-only at the end, or the result is
//! refused; a [`Watchdog`] cancels the statement once its time is spent.

use std::io::{BufRead, Write};
use std::time::Duration;

use postgres::types::ToSql;

use super::deadline::Watchdog;
use super::stream::{Clock, prepare, run_unbracketed, stream_portal};
use super::{PgBackend, STANDARD_STRINGS, errors};
use crate::db::{Error, OutcomeKind, RowSink};

/// How long a guarded transaction may sit idle while someone reads a page.
const GUARD_IDLE_TIMEOUT_MS: u128 = 600_000;

/// The longest a guarded statement waits for a lock.
const GUARD_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

impl PgBackend {
    /// `SET LOCAL` lines that start every guard: timeouts, the string rule,
    /// when `work` runs anything the guard role, and for [`Work::Generic`]
    /// generic plans. A Parse runs
    /// nothing, and is made as the session's own user so that names
    /// (`$user` in the search path, schemas the reader role cannot use)
    /// resolve as they will when the person runs the statement.
    fn guard_settings(&self, statement_timeout: Duration, work: &Work<'_>) -> String {
        let mut setup = format!(
            "SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = {}; \
             SET LOCAL {STANDARD_STRINGS} = on",
            statement_timeout.as_millis(),
            lock_timeout(statement_timeout).as_millis()
        );
        if let Some(role) = self.guard_role.as_ref().filter(|_| !work.parse_only()) {
            setup.push_str(&format!("; SET LOCAL ROLE {role}"));
        }
        if matches!(work, Work::Generic(..)) {
            setup.push_str("; SET LOCAL plan_cache_mode = force_generic_plan");
        }
        setup
    }

    /// Guarded work: a read-only savepoint inside the user's open
    /// transaction, otherwise a read-only transaction of its own.
    /// The statement timeout holds from the first Execute to the last row:
    /// a [`Watchdog`] cancels the statement when the time over every fetch
    /// passes it (time a person spends on a page does not count).
    pub(super) fn run_guarded_work(
        &mut self,
        work: Work<'_>,
        statement_timeout: Duration,
        clock: &mut Clock,
    ) -> Result<OutcomeKind, Error> {
        let canceller = self.canceller.clone();
        let watchdog = Watchdog::start(statement_timeout, move || canceller.send_cancel());
        clock.budget = watchdog.as_ref().map(Watchdog::budget);
        let result = if self.in_transaction {
            self.run_guarded_in_transaction(work, statement_timeout, clock)
        } else {
            self.run_guarded(work, statement_timeout, clock)
        };
        drop(watchdog);
        match (result, clock.budget.take()) {
            (Err(_), Some(budget)) if budget.fired() && !self.canceller.was_requested() => {
                Err(budget.error())
            }
            (result, _) => result,
        }
    }

    /// A guarded statement in its own read-only transaction, always rolled back.
    fn run_guarded(
        &mut self,
        work: Work<'_>,
        statement_timeout: Duration,
        clock: &mut Clock,
    ) -> Result<OutcomeKind, Error> {
        let cancel = self.canceller.clone();
        let err = |e: postgres::Error| errors::query_error(&e, cancel.was_requested());
        let setup = format!(
            "{}; SET LOCAL idle_in_transaction_session_timeout = {GUARD_IDLE_TIMEOUT_MS}",
            self.guard_settings(statement_timeout, &work)
        );
        let mut tx = clock
            .time(|| self.client.build_transaction().read_only(true).start())
            .map_err(err)?;
        let values = &self.values;
        let outcome = (|| -> Result<OutcomeKind, Error> {
            clock.time(|| tx.batch_execute(&setup)).map_err(err)?;
            // Takes the snapshot, so the transaction can no longer be made read-write.
            clock.time(|| tx.execute("SELECT 1", &[])).map_err(err)?;
            let kind = match work {
                Work::Rows(sql, args, sink) | Work::Generic(sql, args, sink) => {
                    let stmt = clock.time(|| prepare(&mut tx, sql)).map_err(err)?;
                    if stmt.columns().is_empty() {
                        clock
                            .time(|| tx.execute(&stmt, args))
                            .map(|n| OutcomeKind::Command { affected: Some(n) })
                            .map_err(err)?
                    } else {
                        stream_portal(&mut tx, &stmt, args, sink, values, clock, &err)?
                    }
                }
                Work::CopyOut(sql, out) => copy_to(&mut tx, sql, out, clock, &err)?,
                Work::Parse(sql) => parse_only(&mut tx, sql, clock, &err)?,
            };
            let row = clock
                .time(|| tx.query_one("SHOW transaction_read_only", &[]))
                .map_err(err)?;
            check_still_read_only(row.try_get::<_, String>(0).ok().as_deref())?;
            Ok(kind)
        })();
        let rollback = clock.time(|| tx.rollback()).map_err(err);
        let kind = outcome?;
        rollback?;
        Ok(kind)
    }

    /// A guarded statement inside the user's open transaction: a read-only
    /// savepoint, always rolled back to and released.
    fn run_guarded_in_transaction(
        &mut self,
        work: Work<'_>,
        statement_timeout: Duration,
        clock: &mut Clock,
    ) -> Result<OutcomeKind, Error> {
        let cancel = self.canceller.clone();
        let err = |e: postgres::Error| errors::query_error(&e, cancel.was_requested());
        let setup = format!(
            "SAVEPOINT glance_guard; SET LOCAL transaction_read_only = on; {}",
            self.guard_settings(statement_timeout, &work)
        );
        if let Err(error) = clock.time(|| self.client.batch_execute(&setup)) {
            // The savepoint may have been taken: the transaction is aborted.
            self.failed = true;
            return Err(err(error));
        }
        let client = &mut self.client;
        let values = &self.values;
        let outcome = (|| -> Result<OutcomeKind, Error> {
            let kind = match work {
                Work::Rows(sql, args, sink) | Work::Generic(sql, args, sink) => {
                    run_unbracketed(client, sql, args, sink, values, clock, &err)?
                }
                Work::CopyOut(sql, out) => copy_to(client, sql, out, clock, &err)?,
                Work::Parse(sql) => parse_only(client, sql, clock, &err)?,
            };
            let row = clock
                .time(|| client.query_one("SHOW transaction_read_only", &[]))
                .map_err(err)?;
            check_still_read_only(row.try_get::<_, String>(0).ok().as_deref())?;
            Ok(kind)
        })();
        let undo = clock
            .time(|| {
                client.batch_execute(
                    "ROLLBACK TO SAVEPOINT glance_guard; RELEASE SAVEPOINT glance_guard",
                )
            })
            .map_err(err);
        if undo.is_err() {
            self.failed = true;
        }
        let kind = outcome?;
        undo?;
        Ok(kind)
    }
}

/// The values bound to a statement's placeholders, as the client takes them.
pub(super) type Args<'a> = &'a [&'a (dyn ToSql + Sync)];

/// What a guarded run does once the guard is up.
pub(super) enum Work<'a> {
    /// A statement, with the values bound to its placeholders, whose rows,
    /// if any, stream into the sink.
    Rows(&'a str, Args<'a>, &'a mut dyn RowSink),
    /// As `Rows`, with prepared statements planned generically.
    Generic(&'a str, Args<'a>, &'a mut dyn RowSink),
    /// A `COPY … TO STDOUT` whose output is written as it arrives.
    CopyOut(&'a str, &'a mut dyn Write),
    /// A statement the server only parses: Parse and Describe, no Execute.
    Parse(&'a str),
}

impl Work<'_> {
    fn parse_only(&self) -> bool {
        matches!(self, Work::Parse(_))
    }
}

/// Has the server parse and analyse `sql` as a prepared statement (the
/// extended protocol's Parse and Describe, then Sync) and never execute it;
/// the statement is closed again when dropped.
fn parse_only(
    client: &mut impl postgres::GenericClient,
    sql: &str,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<OutcomeKind, Error> {
    clock.time(|| client.prepare(sql)).map_err(err)?;
    Ok(OutcomeKind::Command { affected: None })
}

/// Settings under which COPY writes values the way [`value::decode`] does.
const COPY_SETTINGS: &str = "SET LOCAL DateStyle = 'ISO, MDY'; \
     SET LOCAL IntervalStyle = 'postgres'; SET LOCAL bytea_output = 'hex'; \
     SET LOCAL extra_float_digits = 1";

/// Runs a `COPY … TO STDOUT` (over the extended protocol) and writes its
/// bytes to `out`; time spent writing is not counted as database time.
fn copy_to(
    client: &mut impl postgres::GenericClient,
    sql: &str,
    out: &mut dyn Write,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<OutcomeKind, Error> {
    clock
        .time(|| client.batch_execute(COPY_SETTINGS))
        .map_err(err)?;
    let mut reader = clock.time(|| client.copy_out(sql)).map_err(err)?;
    loop {
        let chunk = clock.time(|| reader.fill_buf()).map_err(|e| {
            match e
                .into_inner()
                .map(|inner| inner.downcast::<postgres::Error>())
            {
                Some(Ok(error)) => err(*error),
                Some(Err(other)) => Error::ConnectionLost(other.to_string()),
                None => Error::ConnectionLost("COPY stopped".into()),
            }
        })?;
        if chunk.is_empty() {
            return Ok(OutcomeKind::Command { affected: None });
        }
        let len = chunk.len();
        out.write_all(chunk)
            .map_err(|e| Error::Other(format!("could not write the COPY output: {e}")))?;
        reader.consume(len);
    }
}

/// `lock_timeout` for a guarded statement: never longer than the statement
/// may run, and at most [`GUARD_LOCK_TIMEOUT`].
pub(super) fn lock_timeout(statement_timeout: Duration) -> Duration {
    if statement_timeout.is_zero() {
        GUARD_LOCK_TIMEOUT
    } else {
        statement_timeout.min(GUARD_LOCK_TIMEOUT)
    }
}

fn check_still_read_only(setting: Option<&str>) -> Result<(), Error> {
    match setting {
        Some("on") => Ok(()),
        other => Err(Error::Guard(format!(
            "the statement left the transaction read-write (transaction_read_only = {})",
            other.unwrap_or("unknown")
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guard_timeouts() {
        assert_eq!(lock_timeout(Duration::ZERO), Duration::from_secs(10));
        assert_eq!(lock_timeout(Duration::from_secs(3)), Duration::from_secs(3));
        assert_eq!(
            lock_timeout(Duration::from_secs(60)),
            Duration::from_secs(10)
        );
    }

    #[test]
    fn read_only_check() {
        assert!(check_still_read_only(Some("on")).is_ok());
        assert!(matches!(
            check_still_read_only(Some("off")),
            Err(Error::Guard(_))
        ));
        assert!(matches!(check_still_read_only(None), Err(Error::Guard(_))));
    }
}
