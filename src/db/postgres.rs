//! PostgreSQL backend over the synchronous `postgres` driver, with rustls.
//!
//! Invariants: statement text reaches the server only through the extended
//! protocol (prepare, bind, execute), so one call runs at most one command;
//! a [`Guard::ReadOnly`] statement runs inside a read-only transaction (or a
//! read-only savepoint within the user's own transaction) that is always
//! rolled back, never committed; glance never commits or rolls back a
//! transaction the user opened. Rows stream to the sink in growing chunks
//! (fewer rows per fetch once rows are big), and time spent inside the sink
//! is not counted as database time. glance's own SQL names every object with
//! its schema, and every statement glance classifies is read by the server
//! with `standard_conforming_strings` on, as the classifier reads it.

#[path = "pg/as_text.rs"]
mod as_text;
#[path = "pg/conninfo.rs"]
pub mod conninfo;
#[path = "pg/deadline.rs"]
mod deadline;
#[path = "pg/errors.rs"]
mod errors;
#[path = "pg/introspect.rs"]
mod introspect;
#[path = "pg/tls.rs"]
mod tls;
#[path = "pg/value.rs"]
mod value;

pub use introspect::{sizes_sql, view_definitions_sql};

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use postgres::types::{ToSql, Type};
use postgres::{CancelToken, Client, Statement};
use tokio_postgres_rustls::MakeRustlsConnect;

use self::conninfo::{Endpoint, Settings, SslMode};
use self::deadline::{Budget, Watchdog};
use super::{
    Backend, Canceller, Column, ConnInfo, ConnectCause, ConnectError, ConnectOptions, Dialect,
    Error, Flow, Guard, Outcome, OutcomeKind, Row, RowSink, Transaction,
};
use crate::catalog::Catalog;

pub use self::errors::connect_hint;

/// Rows asked of a portal per round trip: small first so the first page
/// shows fast, then large so big results pay few round trips. Rows are
/// decoded and drawn while the rest of a fetch is still arriving, so a large
/// fetch costs no memory; stopping early reads at most one fetch more.
const CHUNKS: [i32; 4] = [100, 1_000, 10_000, 50_000];

/// The most row bytes one fetch asks for: once big rows have been seen,
/// fetches ask for fewer rows (at least one), see [`fetch_size`].
const FETCH_BYTES: usize = 16 << 20;

/// The most rows handed to a sink at once.
const BATCH: usize = 1_000;

/// Pending rows are handed to the sink once they hold this many bytes, so a
/// big row is never kept waiting for others.
const BATCH_BYTES: usize = 4 << 20;

/// Set at connect (as a startup option, which outranks `options=-c …`,
/// `PGOPTIONS` and `ALTER DATABASE/ROLE … SET`) and inside every guard: the
/// classifier reads `'x\'` as a whole string, and so must the server.
const STANDARD_STRINGS: &str = "standard_conforming_strings";

/// How long a guarded transaction may sit idle while someone reads a page.
const GUARD_IDLE_TIMEOUT_MS: u128 = 600_000;

/// The longest a guarded statement waits for a lock.
const GUARD_LOCK_TIMEOUT: Duration = Duration::from_secs(10);

/// How long [`Backend::is_lost`] listens to the socket: long enough for the
/// driver to read what the server sent while glance was idle.
const LIVENESS_WAIT: Duration = Duration::from_millis(5);

/// A connection to a PostgreSQL server.
pub struct PgBackend {
    client: Client,
    info: ConnInfo,
    values: value::Context,
    canceller: Arc<PgCanceller>,
    /// True while the user has a transaction of their own open.
    in_transaction: bool,
    /// True when a statement failed inside that transaction, so the server
    /// refuses everything until it ends (or rolls back to a savepoint).
    failed: bool,
    /// The role the read-only guard switches to (`SET LOCAL ROLE`), quoted.
    guard_role: Option<String>,
    /// Settings glance put back after a statement changed them, not yet reported.
    restored: Vec<String>,
    /// Notices and warnings the server sent since the person's last
    /// statement began (those of glance's own queries are dropped then).
    notices: Notices,
}

/// Where the driver's notice callback leaves the server's notices, as psql
/// prints them.
type Notices = Arc<Mutex<Vec<String>>>;

/// psql's lines for a notice: `SEVERITY:  message`, then its detail and hint.
fn notice_lines(notice: &postgres::error::DbError) -> String {
    let mut text = format!("{}:  {}", notice.severity(), notice.message());
    if let Some(detail) = notice.detail() {
        text.push_str(&format!("\nDETAIL:  {detail}"));
    }
    if let Some(hint) = notice.hint() {
        text.push_str(&format!("\nHINT:  {hint}"));
    }
    text
}

impl PgBackend {
    /// Connects using a URL, a `key=value` string, or (when empty) the PG*
    /// environment and psql's defaults.
    pub fn connect(conninfo: &str, options: &ConnectOptions) -> Result<Self, Error> {
        let settings = settings(conninfo, options)?;
        let location = settings.location();
        let home_rootcert = dirs::home_dir()
            .map(|h| h.join(".postgresql/root.crt"))
            .filter(|p| p.is_file())
            .and_then(|p| p.to_str().map(str::to_string));
        let tls_config = tls::client_config(
            settings.sslmode,
            settings.sslrootcert.as_deref(),
            home_rootcert.as_deref(),
        )
        .map_err(|message| {
            Error::Connect(ConnectError {
                location: location.clone(),
                message,
                cause: ConnectCause::Tls,
            })
        })?;
        let tls = MakeRustlsConnect::new(tls_config);
        let notices = Notices::default();
        let mut client = open(&settings, tls.clone(), &location, &notices)?;
        let session =
            Session::read(&mut client).map_err(|e| errors::connect_error(&e, &location))?;
        if session.standard_strings != "on" {
            // Only a server that ignores the startup option gets here.
            client
                .batch_execute(&format!("SET {STANDARD_STRINGS} = on"))
                .map_err(|e| errors::connect_error(&e, &location))?;
        }
        if let Some(role) = &options.guard_role {
            check_guard_role(&mut client, role, &location)?;
        }
        let values =
            value::Context::for_zone(&session.timezone).unwrap_or_else(value::Context::utc);
        let canceller = Arc::new(PgCanceller {
            token: client.cancel_token(),
            tls,
            requested: AtomicBool::new(false),
        });
        Ok(PgBackend {
            client,
            info: ConnInfo {
                dialect: Dialect::Postgres,
                location,
                database: session.database,
                user: Some(session.user),
                server_version: session.server_version,
                superuser: session.superuser,
                tls: session.tls,
            },
            values,
            canceller,
            in_transaction: false,
            failed: false,
            guard_role: options.guard_role.as_deref().map(quote_ident),
            restored: Vec::new(),
            notices,
        })
    }

    /// `SET LOCAL` lines that start every guard: timeouts, the string rule
    /// and, when `work` runs anything, the guard role. A Parse runs
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
        setup
    }

    /// Turns `standard_conforming_strings` back on when a statement the
    /// person confirmed turned it off, and remembers to say so.
    fn keep_strings_standard(&mut self) {
        let show = format!("SHOW {STANDARD_STRINGS}");
        let Ok(row) = self.client.query_one(show.as_str(), &[]) else {
            // An aborted transaction answers nothing; its ROLLBACK comes here again.
            return;
        };
        if row.try_get::<_, String>(0).ok().as_deref() != Some("on")
            && self
                .client
                .batch_execute(&format!("SET {STANDARD_STRINGS} = on"))
                .is_ok()
        {
            self.restored.push(STANDARD_STRINGS.to_string());
        }
    }

    /// Re-reads the session time zone after a statement that may change it.
    fn refresh_timezone(&mut self) {
        let zone = self
            .client
            .query_one("SELECT pg_catalog.current_setting('TimeZone')", &[])
            .and_then(|row| row.try_get::<_, String>(0));
        if let Ok(zone) = zone {
            self.values = value::Context::for_zone(&zone).unwrap_or_else(value::Context::utc);
        }
    }

    fn run_direct(
        &mut self,
        sql: &str,
        sink: &mut dyn RowSink,
        clock: &mut Clock,
    ) -> Result<OutcomeKind, Error> {
        let cancel = self.canceller.clone();
        let err = |e: postgres::Error| errors::query_error(&e, cancel.was_requested());
        let control = transaction_control(sql);
        let stmt = match clock.time(|| prepare(&mut self.client, sql)) {
            Ok(stmt) => stmt,
            Err(error) => {
                // A statement the server refuses to prepare aborts the
                // transaction it was sent in.
                self.failed |= self.in_transaction;
                return Err(err(error));
            }
        };
        let result = if stmt.columns().is_empty() {
            clock
                .time(|| self.client.execute(&stmt, &[]))
                .map(|n| OutcomeKind::Command { affected: Some(n) })
                .map_err(err)
        } else if self.in_transaction {
            stream_all(&mut self.client, &stmt, sink, &self.values, clock, &err)
        } else {
            let mut tx = clock.time(|| self.client.transaction()).map_err(err)?;
            let outcome = stream_portal(&mut tx, &stmt, sink, &self.values, clock, &err);
            match outcome {
                Ok(kind) => clock.time(|| tx.commit()).map(|()| kind).map_err(err),
                Err(e) => {
                    let _ = clock.time(|| tx.rollback());
                    Err(e)
                }
            }
        };
        match control {
            Control::Begin if result.is_ok() => self.in_transaction = true,
            Control::End => {
                self.in_transaction = false;
                self.failed = false;
            }
            Control::RollbackTo if result.is_ok() => self.failed = false,
            _ if result.is_err() && self.in_transaction => self.failed = true,
            _ => {}
        }
        if control.may_change_settings() {
            self.refresh_timezone();
        }
        self.keep_strings_standard();
        result
    }

    /// Guarded work: a read-only savepoint inside the user's open
    /// transaction, otherwise a read-only transaction of its own.
    /// The statement timeout holds from the first Execute to the last row:
    /// a [`Watchdog`] cancels the statement when the time over every fetch
    /// passes it (time a person spends on a page does not count).
    fn run_guarded_work(
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
                Work::Rows(sql, sink) => {
                    let stmt = clock.time(|| prepare(&mut tx, sql)).map_err(err)?;
                    if stmt.columns().is_empty() {
                        clock
                            .time(|| tx.execute(&stmt, &[]))
                            .map(|n| OutcomeKind::Command { affected: Some(n) })
                            .map_err(err)?
                    } else {
                        stream_portal(&mut tx, &stmt, sink, values, clock, &err)?
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
                Work::Rows(sql, sink) => run_unbracketed(client, sql, sink, values, clock, &err)?,
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

impl Backend for PgBackend {
    fn info(&self) -> &ConnInfo {
        &self.info
    }

    fn introspect(&mut self) -> Result<Catalog, Error> {
        introspect::load(&mut self.client).map_err(|e| errors::query_error(&e, false))
    }

    /// Listens to the connection for a moment: a server that ended the
    /// session has sent its FATAL message and closed the socket.
    fn is_lost(&mut self) -> bool {
        if self.client.is_closed() {
            return true;
        }
        // Notifications are not used by glance; waiting a moment for one
        // lets the driver read the socket and notice the session has ended.
        use postgres::fallible_iterator::FallibleIterator;
        let polled = self
            .client
            .notifications()
            .timeout_iter(LIVENESS_WAIT)
            .next();
        polled.is_err() || self.client.is_closed()
    }

    fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    fn transaction(&self) -> Transaction {
        match (self.in_transaction, self.failed) {
            (false, _) => Transaction::Idle,
            (true, false) => Transaction::Open,
            (true, true) => Transaction::Failed,
        }
    }

    /// Not inside the person's own transaction: glance would have to commit
    /// or roll back on their behalf.
    fn can_preview(&self) -> bool {
        !self.in_transaction
    }

    fn preview(
        &mut self,
        sql: &str,
        statement_timeout: Duration,
        sink: &mut dyn RowSink,
    ) -> Result<Outcome, Error> {
        super::reject_nul(sql)?;
        if self.in_transaction {
            return Err(Error::Other(
                "cannot preview inside your own transaction; COMMIT or ROLLBACK it first".into(),
            ));
        }
        self.take_notices();
        self.canceller.requested.store(false, Ordering::SeqCst);
        let cancel = self.canceller.clone();
        let err = |e: postgres::Error| errors::query_error(&e, cancel.was_requested());
        let mut clock = Clock::default();
        let setup = format!(
            "BEGIN; SET LOCAL statement_timeout = {}; SET LOCAL lock_timeout = {}; \
             SET LOCAL {STANDARD_STRINGS} = on",
            statement_timeout.as_millis(),
            lock_timeout(statement_timeout).as_millis()
        );
        clock
            .time(|| self.client.batch_execute(&setup))
            .map_err(err)?;
        let client = &mut self.client;
        let values = &self.values;
        let result = run_unbracketed(client, sql, sink, values, &mut clock, &err);
        match result {
            Ok(kind) => Ok(Outcome {
                kind,
                db_time: clock.total,
            }),
            Err(error) => {
                let _ = self.client.batch_execute("ROLLBACK");
                Err(error)
            }
        }
    }

    fn end_preview(&mut self, commit: bool) -> Result<(), Error> {
        let word = if commit { "COMMIT" } else { "ROLLBACK" };
        let ended = self
            .client
            .batch_execute(word)
            .map_err(|e| errors::query_error(&e, false));
        self.keep_strings_standard();
        ended
    }

    fn take_restored(&mut self) -> Vec<String> {
        std::mem::take(&mut self.restored)
    }

    fn take_notices(&mut self) -> Vec<String> {
        self.notices
            .lock()
            .map(|mut notices| std::mem::take(&mut *notices))
            .unwrap_or_default()
    }

    fn sample_values(&mut self, catalog: &mut Catalog) -> Result<(), Error> {
        introspect::load_samples(&mut self.client, catalog)
            .map_err(|e| errors::query_error(&e, false))
    }

    fn run(&mut self, sql: &str, guard: Guard, sink: &mut dyn RowSink) -> Result<Outcome, Error> {
        super::reject_nul(sql)?;
        // What glance's own catalog queries drew from the server is not shown.
        self.take_notices();
        self.canceller.requested.store(false, Ordering::SeqCst);
        let mut clock = Clock::default();
        let kind = match guard {
            Guard::Direct => self.run_direct(sql, sink, &mut clock)?,
            Guard::ReadOnly { statement_timeout } => {
                self.run_guarded_work(Work::Rows(sql, sink), statement_timeout, &mut clock)?
            }
        };
        Ok(Outcome {
            kind,
            db_time: clock.total,
        })
    }

    fn check(&mut self, sql: &str, statement_timeout: Duration) -> Result<(), Error> {
        super::reject_nul(sql)?;
        self.take_notices();
        self.canceller.requested.store(false, Ordering::SeqCst);
        let mut clock = Clock::default();
        self.run_guarded_work(Work::Parse(sql), statement_timeout, &mut clock)?;
        Ok(())
    }

    fn copy_out(
        &mut self,
        sql: &str,
        statement_timeout: Duration,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        super::reject_nul(sql)?;
        self.take_notices();
        self.canceller.requested.store(false, Ordering::SeqCst);
        let mut clock = Clock::default();
        let kind = self.run_guarded_work(Work::CopyOut(sql, out), statement_timeout, &mut clock)?;
        Ok(Outcome {
            kind,
            db_time: clock.total,
        })
    }

    fn canceller(&self) -> Arc<dyn Canceller> {
        self.canceller.clone()
    }

    fn load(&mut self, sql: &str, rows: &[Vec<Option<String>>]) -> Result<u64, super::LoadError> {
        super::reject_nul(sql).map_err(|e| (None, e))?;
        self.take_notices();
        self.canceller.requested.store(false, Ordering::SeqCst);
        let cancel = self.canceller.clone();
        let err = |e: postgres::Error| {
            let row = e
                .as_db_error()
                .and_then(|db| db.where_())
                .and_then(copy_line)
                .and_then(|line| line.checked_sub(1));
            (row, errors::query_error(&e, cancel.was_requested()))
        };
        let data = copy_csv(rows);
        let loaded = match self.client.copy_in(sql) {
            Ok(mut writer) => {
                let written = writer.write_all(&data);
                match (writer.finish(), written) {
                    (Ok(count), Ok(())) => Ok(count),
                    (Err(e), _) => Err(err(e)),
                    (Ok(_), Err(e)) => Err((None, Error::Other(e.to_string()))),
                }
            }
            Err(e) => Err(err(e)),
        };
        self.keep_strings_standard();
        loaded
    }
}

/// The rows as CSV for `COPY … FROM STDIN WITH (FORMAT csv)`: NULL as an
/// unquoted empty field, every value quoted.
fn copy_csv(rows: &[Vec<Option<String>>]) -> Vec<u8> {
    let mut out = Vec::new();
    for row in rows {
        for (i, field) in row.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if let Some(value) = field {
                out.push(b'"');
                out.extend_from_slice(value.replace('"', "\"\"").as_bytes());
                out.push(b'"');
            }
        }
        out.push(b'\n');
    }
    out
}

/// The line number in a COPY error's context (`COPY t, line 3, column a: …`).
fn copy_line(context: &str) -> Option<usize> {
    let at = context.find(", line ")? + ", line ".len();
    let digits: String = context[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// Sends cancel requests for one connection, over the same TLS setup.
struct PgCanceller {
    token: CancelToken,
    tls: MakeRustlsConnect,
    /// Set when a cancel was sent during the current statement, so that the
    /// server's `query_canceled` reads as the user's cancel, not a timeout.
    requested: AtomicBool,
}

impl PgCanceller {
    fn was_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }
}

impl PgCanceller {
    /// Asks the server to cancel the running statement, without marking it
    /// as the person's cancel.
    fn send_cancel(&self) {
        // Nothing useful to do if the request cannot be delivered: the
        // statement simply runs on.
        let _ = self.token.cancel_query(self.tls.clone());
    }
}

impl Canceller for PgCanceller {
    fn cancel(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.send_cancel();
    }
}

/// Adds up the time spent waiting for the server.
#[derive(Default)]
struct Clock {
    total: Duration,
    /// The statement-timeout budget of a guarded statement, paused while a
    /// person reads a page.
    budget: Option<Arc<Budget>>,
}

impl Clock {
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.total += start.elapsed();
        out
    }
}

/// What a guarded run does once the guard is up.
enum Work<'a> {
    /// A statement whose rows, if any, stream into the sink.
    Rows(&'a str, &'a mut dyn RowSink),
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

/// What the server said about the session right after connecting.
struct Session {
    server_version: String,
    database: String,
    user: String,
    superuser: bool,
    timezone: String,
    tls: Option<String>,
    standard_strings: String,
}

impl Session {
    /// Every function, operator, type and relation is named with its schema,
    /// as psql does, so a schema put first on the `search_path` (`ALTER
    /// DATABASE … SET search_path = evil, pg_catalog`) cannot stand in for
    /// them.
    const QUERY: &'static str = "SELECT pg_catalog.current_setting('server_version'), \
         pg_catalog.current_database()::pg_catalog.text, current_user::pg_catalog.text, \
         coalesce((SELECT r.rolsuper FROM pg_catalog.pg_roles r \
                   WHERE r.rolname OPERATOR(pg_catalog.=) current_user), false), \
         pg_catalog.current_setting('TimeZone'), \
         (SELECT s.version FROM pg_catalog.pg_stat_ssl s \
          WHERE s.pid OPERATOR(pg_catalog.=) pg_catalog.pg_backend_pid() AND s.ssl), \
         pg_catalog.current_setting('standard_conforming_strings')";

    fn read(client: &mut Client) -> Result<Session, postgres::Error> {
        let row = client.query_one(Self::QUERY, &[])?;
        Ok(Session {
            server_version: row.try_get(0)?,
            database: row.try_get(1)?,
            user: row.try_get(2)?,
            superuser: row.try_get(3)?,
            timezone: row.try_get(4)?,
            tls: row.try_get(5)?,
            standard_strings: row.try_get(6)?,
        })
    }
}

/// Refuses a `guard_role` the connecting user cannot switch to, at connect
/// rather than at every statement.
fn check_guard_role(client: &mut Client, role: &str, location: &str) -> Result<(), Error> {
    let refused = |message: String| {
        Error::Connect(ConnectError {
            location: location.to_string(),
            message,
            cause: ConnectCause::GuardRole,
        })
    };
    let member = client
        .query_opt(
            "SELECT pg_catalog.pg_has_role(current_user, r.oid, 'MEMBER') \
             FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) $1",
            &[&role],
        )
        .map_err(|e| {
            refused(format!(
                "could not check guard_role \"{role}\": {}",
                errors::error_text(&e)
            ))
        })?;
    match member.map(|row| row.try_get::<_, bool>(0)) {
        Some(Ok(true)) => Ok(()),
        Some(_) => Err(refused(format!(
            "guard_role \"{role}\": the connecting user is not a member of it, so the \
             read-only guard cannot switch to it"
        ))),
        None => Err(refused(format!("guard_role \"{role}\" does not exist"))),
    }
}

/// `"name"`, with any `"` doubled: an SQL identifier.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Who a connection string logs in as and where, after the environment
/// and psql's defaults (`~/.pgpass` not read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Login {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// `host:port/database`, as errors name it.
    pub location: String,
}

impl Login {
    /// Same server and user: a password typed for one is good for the other.
    pub fn same_server_and_user(&self, other: &Login) -> bool {
        (&self.host, self.port, &self.user) == (&other.host, other.port, &other.user)
    }
}

/// The [`Login`] of a connection string.
pub fn login(conninfo: &str) -> Result<Login, Error> {
    let settings = resolved(conninfo)?;
    Ok(Login {
        host: settings.host().to_string(),
        port: settings.port,
        location: settings.location(),
        user: settings.user,
    })
}

/// Resolves the connection settings from the string, the environment and
/// the machine's defaults, and looks up `~/.pgpass` when no password is given.
fn settings(conninfo: &str, options: &ConnectOptions) -> Result<Settings, Error> {
    let mut settings = resolved(conninfo)?;
    if let Some(t) = options.connect_timeout {
        settings.connect_timeout = conninfo::normalize_timeout(t);
    }
    if settings.password.is_none() {
        settings.password = settings
            .passfile
            .as_deref()
            .and_then(|file| read_pgpass(file, &settings));
    }
    Ok(settings)
}

/// The settings of a connection string, the environment and the machine's
/// defaults, before `~/.pgpass`.
fn resolved(conninfo: &str) -> Result<Settings, Error> {
    let bad = |message: String| {
        Error::Connect(ConnectError {
            location: "connection string".to_string(),
            message,
            cause: ConnectCause::BadConnectionString,
        })
    };
    let params = conninfo::parse(conninfo).map_err(bad)?;
    let env: HashMap<String, String> = std::env::vars().collect();
    let defaults = conninfo::Defaults {
        os_user: whoami::username().unwrap_or_default(),
        socket_dir: conninfo::SOCKET_DIRS
            .iter()
            .find(|d| Path::new(d).is_dir())
            .map(|d| d.to_string()),
        home: dirs::home_dir().and_then(|h| h.to_str().map(str::to_string)),
    };
    conninfo::resolve(&params, &env, &defaults).map_err(bad)
}

/// The password for `settings` from a pgpass file, which is ignored (with
/// libpq's warning) when group or others may read it.
fn read_pgpass(file: &str, settings: &Settings) -> Option<String> {
    let meta = std::fs::metadata(file).ok().filter(|m| m.is_file())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            #[allow(clippy::print_stderr)] // moves to the front end in the Session split
            {
                eprintln!(
                    "WARNING: password file \"{file}\" has group or world access; permissions should be u=rw (0600) or less"
                );
            }
            return None;
        }
    }
    #[cfg(not(unix))]
    let _ = meta;
    let text = crate::files::read_text_capped(std::path::Path::new(file), 1 << 20).ok()?;
    conninfo::pgpass_lookup(
        &text,
        settings.host(),
        settings.port,
        &settings.dbname,
        &settings.user,
    )
}

/// Opens the connection. The driver's own timeout covers only the TCP
/// connect; libpq's `connect_timeout` bounds the whole start-up (TLS and
/// authentication included), so the attempt runs on its own thread and is
/// abandoned when the time is up.
fn open(
    settings: &Settings,
    tls: MakeRustlsConnect,
    location: &str,
    notices: &Notices,
) -> Result<Client, Error> {
    let failed = |e: postgres::Error| match errors::connect_error(&e, location) {
        Error::Connect(mut error) if error.cause == ConnectCause::PasswordMissing => {
            error.message = format!(
                "the server asks for a password for user \"{}\", and none was given",
                settings.user
            );
            Error::Connect(error)
        }
        other => other,
    };
    let mut config = driver_config(settings);
    let notices = Arc::clone(notices);
    config.notice_callback(move |notice| {
        if let Ok(mut notices) = notices.lock() {
            notices.push(notice_lines(&notice));
        }
    });
    let Some(limit) = settings.connect_timeout else {
        return config.connect(tls).map_err(failed);
    };
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        // The receiver is gone if the attempt took too long; nothing to report then.
        let _ = tx.send(config.connect(tls));
    });
    match rx.recv_timeout(limit) {
        Ok(result) => result.map_err(failed),
        Err(_) => Err(Error::Connect(ConnectError {
            location: location.to_string(),
            message: format!("timeout expired after {} seconds", limit.as_secs()),
            cause: ConnectCause::Timeout,
        })),
    }
}

/// The driver's configuration for resolved settings.
fn driver_config(s: &Settings) -> postgres::Config {
    let mut config = postgres::Config::new();
    let ssl_mode = match (&s.endpoint, s.sslmode) {
        // libpq never uses TLS over a Unix socket
        (Endpoint::Socket(_), _) | (_, SslMode::Disable) => postgres::config::SslMode::Disable,
        (_, SslMode::Allow | SslMode::Prefer) => postgres::config::SslMode::Prefer,
        _ => postgres::config::SslMode::Require,
    };
    match &s.endpoint {
        Endpoint::Tcp(host) => config.host(host),
        Endpoint::Socket(dir) => config.host_path(dir),
    };
    config
        .port(s.port)
        .user(&s.user)
        .dbname(&s.dbname)
        .application_name(&s.application_name)
        .ssl_mode(ssl_mode);
    if let Some(p) = &s.password {
        config.password(p);
    }
    if let Some(t) = s.connect_timeout {
        config.connect_timeout(t);
    }
    config.options(&startup_options(s.options.as_deref()));
    config
}

/// The server options of the connection string or `PGOPTIONS`, then
/// `standard_conforming_strings = on`, which wins over any earlier `-c` of
/// the same setting (and, as a startup option, over database and role
/// settings).
fn startup_options(given: Option<&str>) -> String {
    let ours = format!("-c {STANDARD_STRINGS}=on");
    match given.map(str::trim).filter(|o| !o.is_empty()) {
        Some(given) => format!("{given} {ours}"),
        None => ours,
    }
}

/// `lock_timeout` for a guarded statement: never longer than the statement
/// may run, and at most [`GUARD_LOCK_TIMEOUT`].
fn lock_timeout(statement_timeout: Duration) -> Duration {
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

/// Prepares `sql`, and again with some columns read as text where
/// [`as_text`] says so.
fn prepare(
    client: &mut impl postgres::GenericClient,
    sql: &str,
) -> Result<Statement, postgres::Error> {
    let stmt = client.prepare(sql)?;
    match as_text::wrapped(sql, stmt.columns()) {
        Some(wrapped) => client.prepare(&wrapped),
        None => Ok(stmt),
    }
}

fn columns_of(stmt: &Statement) -> Vec<Column> {
    stmt.columns()
        .iter()
        .map(|c| Column {
            name: c.name().to_string(),
            type_name: c.type_().name().to_string(),
        })
        .collect()
}

fn convert(
    rows: &[postgres::Row],
    types: &[Type],
    values: &value::Context,
) -> Result<Vec<Row>, Error> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut cells = Vec::with_capacity(types.len());
        for (i, ty) in types.iter().enumerate() {
            let raw = row
                .try_get::<_, value::Raw<'_>>(i)
                .map_err(|e| Error::Other(errors::error_text(&e)))?;
            cells.push(value::decode(ty, raw.0, values));
        }
        out.push(cells);
    }
    Ok(out)
}

/// Collects rows as they arrive and hands them to the sink in batches of at
/// most [`BATCH`], decoding each batch only when it is handed over.
struct Batcher<'a> {
    sink: &'a mut dyn RowSink,
    types: Vec<Type>,
    values: &'a value::Context,
    pending: Vec<postgres::Row>,
    /// Bytes the pending rows hold.
    pending_bytes: usize,
    /// The biggest row seen so far, in bytes, which sizes later fetches.
    largest_row: usize,
    count: u64,
    /// Time spent decoding and inside the sink, which is not database time.
    busy: Duration,
    /// The statement-timeout budget, paused while an interactive sink (a
    /// pager) has the rows.
    budget: Option<Arc<Budget>>,
}

impl<'a> Batcher<'a> {
    /// Announces the columns; `None` when the sink wants no rows at all.
    fn start(
        stmt: &Statement,
        sink: &'a mut dyn RowSink,
        values: &'a value::Context,
        clock: &Clock,
    ) -> Option<Batcher<'a>> {
        if sink.columns(&columns_of(stmt)) == Flow::Stop {
            return None;
        }
        let budget = clock.budget.clone().filter(|_| sink.interactive());
        Some(Batcher {
            sink,
            types: stmt.columns().iter().map(|c| c.type_().clone()).collect(),
            values,
            pending: Vec::with_capacity(CHUNKS[0] as usize),
            pending_bytes: 0,
            largest_row: 0,
            count: 0,
            busy: Duration::ZERO,
            budget,
        })
    }

    /// Adds one row, handing a full batch (by rows or bytes) to the sink.
    fn push(&mut self, row: postgres::Row) -> Result<Flow, Error> {
        let bytes = row.raw_size_bytes();
        self.largest_row = self.largest_row.max(bytes);
        self.pending_bytes += bytes;
        self.pending.push(row);
        if self.pending.len() >= BATCH || self.pending_bytes >= BATCH_BYTES {
            self.flush()
        } else {
            Ok(Flow::Continue)
        }
    }

    /// Hands whatever is pending to the sink.
    fn flush(&mut self) -> Result<Flow, Error> {
        if self.pending.is_empty() {
            return Ok(Flow::Continue);
        }
        let start = Instant::now();
        let budget = self.budget.clone();
        let result = match &budget {
            Some(budget) => budget.paused(|| self.hand_over()),
            None => self.hand_over(),
        };
        self.busy += start.elapsed();
        result
    }

    fn hand_over(&mut self) -> Result<Flow, Error> {
        let rows = convert(&self.pending, &self.types, self.values)?;
        self.count += self.pending.len() as u64;
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(self.sink.rows(rows))
    }

    fn outcome(&self, complete: bool) -> OutcomeKind {
        OutcomeKind::Rows {
            count: self.count,
            complete,
        }
    }
}

/// Reads one fetch of at most `max_rows` rows (unlimited when `None`) from
/// `iter` into the batcher, decoding and drawing while the server sends the
/// rest. Returns `Some(complete)` when the sink stopped, `None` when it
/// wants more and the fetch ended with `max_rows` rows (more may follow).
/// Only the time spent waiting for rows is added to `clock`.
fn drain(
    iter: &mut postgres::RowIter<'_>,
    max_rows: Option<usize>,
    batcher: &mut Batcher<'_>,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<Option<bool>, Error> {
    use postgres::fallible_iterator::FallibleIterator;
    let start = Instant::now();
    let busy_before = batcher.busy;
    let mut got = 0usize;
    let result = (|| {
        while let Some(row) = iter.next().map_err(err)? {
            got += 1;
            if batcher.push(row)? == Flow::Stop {
                let last =
                    max_rows.is_some_and(|n| got == n) || iter.next().map_err(err)?.is_none();
                return Ok(Some(last && max_rows.is_none_or(|n| got < n)));
            }
        }
        if batcher.flush()? == Flow::Stop || max_rows.is_none_or(|n| got < n) {
            return Ok(Some(max_rows.is_none_or(|n| got < n)));
        }
        Ok(None)
    })();
    clock.total += start.elapsed().saturating_sub(batcher.busy - busy_before);
    result
}

/// Streams through a portal inside `tx`, so stopping early leaves the rest
/// of the result unread on the server: at most one fetch is in flight.
fn stream_portal(
    tx: &mut postgres::Transaction<'_>,
    stmt: &Statement,
    sink: &mut dyn RowSink,
    values: &value::Context,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<OutcomeKind, Error> {
    let portal = clock.time(|| tx.bind(stmt, &[])).map_err(err)?;
    let Some(mut batcher) = Batcher::start(stmt, sink, values, clock) else {
        return Ok(OutcomeKind::Rows {
            count: 0,
            complete: false,
        });
    };
    for step in 0.. {
        if let Some(budget) = clock.budget.as_ref().filter(|b| b.spent()) {
            return Err(budget.error());
        }
        let n = fetch_size(step, batcher.largest_row);
        let mut iter = clock
            .time(|| tx.query_portal_raw(&portal, n))
            .map_err(err)?;
        let max = usize::try_from(n).unwrap_or(usize::MAX);
        if let Some(complete) = drain(&mut iter, Some(max), &mut batcher, clock, err)? {
            return Ok(batcher.outcome(complete));
        }
    }
    unreachable!("the fetches go on until the result ends")
}

/// Rows to ask for in fetch number `step` (from 0): the growing steps of
/// [`CHUNKS`], but no more than fit in [`FETCH_BYTES`] at the biggest row
/// seen so far, and always at least one.
fn fetch_size(step: usize, largest_row: usize) -> i32 {
    let planned = CHUNKS[step.min(CHUNKS.len() - 1)];
    let fit = i32::try_from(FETCH_BYTES / largest_row.max(1)).unwrap_or(i32::MAX);
    planned.min(fit).max(1)
}
/// Prepares and runs `sql` in whatever transaction the session is in,
/// streaming rows with the unnamed portal.
fn run_unbracketed(
    client: &mut Client,
    sql: &str,
    sink: &mut dyn RowSink,
    values: &value::Context,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<OutcomeKind, Error> {
    let stmt = clock.time(|| prepare(client, sql)).map_err(err)?;
    if stmt.columns().is_empty() {
        clock
            .time(|| client.execute(&stmt, &[]))
            .map(|n| OutcomeKind::Command { affected: Some(n) })
            .map_err(err)
    } else {
        stream_all(client, &stmt, sink, values, clock, err)
    }
}

/// Streams with the unnamed portal, for when glance may not open a
/// transaction (the user has one open): one fetch of every row.
fn stream_all(
    client: &mut Client,
    stmt: &Statement,
    sink: &mut dyn RowSink,
    values: &value::Context,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<OutcomeKind, Error> {
    let no_params: [&(dyn ToSql + Sync); 0] = [];
    let mut iter = clock
        .time(|| client.query_raw(stmt, no_params))
        .map_err(err)?;
    let Some(mut batcher) = Batcher::start(stmt, sink, values, clock) else {
        return Ok(OutcomeKind::Rows {
            count: 0,
            complete: false,
        });
    };
    let complete = drain(&mut iter, None, &mut batcher, clock, err)?;
    Ok(batcher.outcome(complete.unwrap_or(true)))
}

/// What a statement typed in Direct mode does to the user's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Control {
    Begin,
    End,
    /// Leaves the transaction as it is but may change session settings:
    /// `SET`, `RESET`, `DISCARD`, `COMMIT`/`ROLLBACK AND CHAIN`.
    Settings,
    /// `ROLLBACK TO [SAVEPOINT]`: the transaction goes on, no longer failed.
    RollbackTo,
    None,
}

impl Control {
    fn may_change_settings(self) -> bool {
        matches!(self, Control::End | Control::Settings)
    }
}

/// Recognises transaction control from the statement's leading words,
/// skipping comments. `ROLLBACK TO`, `… PREPARED` and `… AND CHAIN` leave
/// the transaction state as it is; `PREPARE TRANSACTION` ends it.
fn transaction_control(sql: &str) -> Control {
    let words = leading_words(sql, 4);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let chained = w.windows(2).any(|p| p == ["AND", "CHAIN"]);
    match w.as_slice() {
        ["BEGIN", ..] | ["START", "TRANSACTION", ..] => Control::Begin,
        ["ROLLBACK" | "ABORT", "TO", ..]
        | ["ROLLBACK" | "ABORT", "WORK" | "TRANSACTION", "TO", ..] => Control::RollbackTo,
        ["COMMIT" | "ROLLBACK", "PREPARED", ..] => Control::None,
        ["COMMIT" | "END" | "ROLLBACK" | "ABORT", ..] if chained => Control::Settings,
        ["COMMIT" | "END" | "ROLLBACK" | "ABORT", ..] | ["PREPARE", "TRANSACTION", ..] => {
            Control::End
        }
        ["SET" | "RESET" | "DISCARD", ..] => Control::Settings,
        _ => Control::None,
    }
}

/// The first `n` words of `sql` in upper case, after whitespace and
/// `--` / nested `/* */` comments.
fn leading_words(sql: &str, n: usize) -> Vec<String> {
    let b = sql.as_bytes();
    let mut i = 0;
    let mut words = Vec::new();
    while i < b.len() && words.len() < n {
        if b[i].is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"--") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let mut depth = 0;
            while i < b.len() {
                if b[i..].starts_with(b"/*") {
                    depth += 1;
                    i += 2;
                } else if b[i..].starts_with(b"*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
        } else if b[i].is_ascii_alphabetic() || b[i] == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            words.push(sql[start..i].to_ascii_uppercase());
        } else {
            break;
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_data_quotes_every_value_and_leaves_null_bare() {
        let rows = vec![vec![Some("a\"b".into()), None, Some(String::new())]];
        assert_eq!(copy_csv(&rows), b"\"a\"\"b\",,\"\"\n");
        assert_eq!(copy_line("COPY items, line 3, column id: \"x\""), Some(3));
    }

    #[test]
    fn transaction_control_words() {
        let cases = [
            ("BEGIN", Control::Begin),
            ("  begin isolation level serializable", Control::Begin),
            (
                "/* a /* nested */ comment */ START TRANSACTION READ WRITE",
                Control::Begin,
            ),
            ("-- note\nCOMMIT", Control::End),
            ("end", Control::End),
            ("ROLLBACK", Control::End),
            ("abort work", Control::End),
            ("ROLLBACK TO SAVEPOINT s", Control::RollbackTo),
            ("rollback work to s", Control::RollbackTo),
            ("COMMIT PREPARED 'x'", Control::None),
            ("ROLLBACK PREPARED 'x'", Control::None),
            ("PREPARE TRANSACTION 'x'", Control::End),
            ("PREPARE q AS SELECT 1", Control::None),
            ("COMMIT AND CHAIN", Control::Settings),
            ("COMMIT AND NO CHAIN", Control::End),
            ("SET TimeZone = 'UTC'", Control::Settings),
            ("select 1", Control::None),
            ("START", Control::None),
            ("", Control::None),
        ];
        for (sql, want) in cases {
            assert_eq!(transaction_control(sql), want, "{sql}");
        }
    }

    #[test]
    fn fetches_grow_but_shrink_to_fit_big_rows() {
        let steps: Vec<i32> = (0..6).map(|step| fetch_size(step, 100)).collect();
        assert_eq!(steps, [100, 1_000, 10_000, 50_000, 50_000, 50_000]);
        // Nothing seen yet: the plan.
        assert_eq!(fetch_size(0, 0), 100);
        // 1 KiB rows: 16,384 fit in a fetch.
        assert_eq!(fetch_size(3, 1024), 16_384);
        // 1 MiB rows: 16 at a time, whatever the step.
        assert_eq!(fetch_size(1, 1 << 20), 16);
        // Rows bigger than a whole fetch come one at a time.
        assert_eq!(fetch_size(5, 50 << 20), 1);
    }

    #[test]
    fn strings_stay_standard_after_any_given_options() {
        assert_eq!(startup_options(None), "-c standard_conforming_strings=on");
        assert_eq!(
            startup_options(Some("  ")),
            "-c standard_conforming_strings=on"
        );
        assert_eq!(
            startup_options(Some("-c standard_conforming_strings=off")),
            "-c standard_conforming_strings=off -c standard_conforming_strings=on"
        );
    }

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

    #[test]
    fn driver_config_never_uses_tls_on_sockets() {
        let params = conninfo::parse("host=/tmp sslmode=require user=u dbname=d").unwrap();
        let s =
            conninfo::resolve(&params, &HashMap::new(), &conninfo::Defaults::default()).unwrap();
        let c = driver_config(&s);
        assert_eq!(c.get_ssl_mode(), postgres::config::SslMode::Disable);
        let params = conninfo::parse("host=db sslmode=verify-ca user=u dbname=d").unwrap();
        let s =
            conninfo::resolve(&params, &HashMap::new(), &conninfo::Defaults::default()).unwrap();
        assert_eq!(
            driver_config(&s).get_ssl_mode(),
            postgres::config::SslMode::Require
        );
        assert_eq!(driver_config(&s).get_application_name(), Some("glance"));
    }
}
