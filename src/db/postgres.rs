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
#[path = "pg/connect.rs"]
mod connect;
#[path = "pg/conninfo.rs"]
pub mod conninfo;
#[path = "pg/control.rs"]
mod control;
#[path = "pg/deadline.rs"]
pub(super) mod deadline;
#[path = "pg/errors.rs"]
mod errors;
#[path = "pg/guard.rs"]
mod guard;
#[path = "pg/introspect.rs"]
mod introspect;
#[path = "pg/stream.rs"]
mod stream;
#[path = "pg/text_param.rs"]
mod text_param;
#[path = "pg/tls.rs"]
mod tls;
#[path = "pg/value.rs"]
mod value;

pub use connect::{Login, login};
pub use introspect::{action, sizes_sql, view_definitions_sql};

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use postgres::types::ToSql;
use postgres::{CancelToken, Client};
use tokio_postgres_rustls::MakeRustlsConnect;

use self::connect::{Notices, Session, check_guard_role, open, settings};
use self::control::{Control, transaction_control};
use self::guard::{Work, lock_timeout};
use self::stream::{Clock, prepare, run_unbracketed, stream_all, stream_portal};
use self::text_param::{references, text_params};
use super::{
    Backend, Canceller, ConnInfo, ConnectCause, ConnectError, ConnectOptions, Dialect, Error,
    Guard, Outcome, OutcomeKind, Param, RowSink, Transaction,
};
use crate::catalog::Catalog;
use crate::ident::quote_ident_always;

pub use self::errors::connect_hint;

/// Set at connect (as a startup option, which outranks `options=-c …`,
/// `PGOPTIONS` and `ALTER DATABASE/ROLE … SET`) and inside every guard: the
/// classifier reads `'x\'` as a whole string, and so must the server.
const STANDARD_STRINGS: &str = "standard_conforming_strings";

/// How long [`Backend::is_lost`] listens to the socket: long enough for the
/// driver to read what the server sent while glance was idle.
const LIVENESS_WAIT: Duration = Duration::from_millis(5);

/// A connection to a PostgreSQL server.
pub struct PgBackend {
    client: Client,
    info: ConnInfo,
    values: value::DecodeSettings,
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

impl PgBackend {
    /// Connects using a URL, a `key=value` string, or (when empty) the PG*
    /// environment and psql's defaults. Warnings for the person (a password
    /// file others may read) go to `warnings`, whether or not it connects.
    pub fn connect(
        conninfo: &str,
        options: &ConnectOptions,
        warnings: &mut Vec<String>,
    ) -> Result<Self, Error> {
        let settings = settings(conninfo, options, warnings)?;
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
                dialect: crate::db::Dialect::Postgres,
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
        let values = value::DecodeSettings::for_zone(&session.timezone)
            .unwrap_or_else(value::DecodeSettings::utc);
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
                grants_only_reads: false,
            },
            values,
            canceller,
            in_transaction: false,
            failed: false,
            guard_role: options.guard_role.as_deref().map(quote_ident_always),
            restored: Vec::new(),
            notices,
        })
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
            self.values =
                value::DecodeSettings::for_zone(&zone).unwrap_or_else(value::DecodeSettings::utc);
        }
    }

    fn run_direct(
        &mut self,
        sql: &str,
        args: &[&(dyn ToSql + Sync)],
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
                .time(|| self.client.execute(&stmt, args))
                .map(|n| OutcomeKind::Command { affected: Some(n) })
                .map_err(err)
        } else if self.in_transaction {
            stream_all(
                &mut self.client,
                &stmt,
                args,
                sink,
                &self.values,
                clock,
                &err,
            )
        } else {
            let mut tx = clock.time(|| self.client.transaction()).map_err(err)?;
            let outcome = stream_portal(&mut tx, &stmt, args, sink, &self.values, clock, &err);
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
        let result = run_unbracketed(client, sql, &[], sink, values, &mut clock, &err);
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

    fn run(
        &mut self,
        sql: &str,
        params: &[Param],
        guard: Guard,
        sink: &mut dyn RowSink,
    ) -> Result<Outcome, Error> {
        super::reject_nul(sql)?;
        let texts = text_params(params);
        let args = references(&texts);
        // What glance's own catalog queries drew from the server is not shown.
        self.take_notices();
        self.canceller.requested.store(false, Ordering::SeqCst);
        let mut clock = Clock::default();
        let kind = match guard {
            Guard::Direct => self.run_direct(sql, &args, sink, &mut clock)?,
            Guard::ReadOnly { statement_timeout } => {
                self.run_guarded_work(Work::Rows(sql, &args, sink), statement_timeout, &mut clock)?
            }
            Guard::GenericPlans { statement_timeout } => self.run_guarded_work(
                Work::Generic(sql, &args, sink),
                statement_timeout,
                &mut clock,
            )?,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_data_quotes_every_value_and_leaves_null_bare() {
        let rows = vec![vec![Some("a\"b".into()), None, Some(String::new())]];
        assert_eq!(copy_csv(&rows), b"\"a\"\"b\",,\"\"\n");
        assert_eq!(copy_line("COPY items, line 3, column id: \"x\""), Some(3));
    }
}
