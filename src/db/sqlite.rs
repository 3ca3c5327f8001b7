//! SQLite backend: one database file, opened read-write, foreign keys on.
//!
//! Invariants: [`SqliteBackend::run`] executes at most one prepared statement
//! and refuses input where anything but whitespace or comments follows it;
//! under [`Guard::ReadOnly`] the connection is `PRAGMA query_only` for exactly
//! the duration of that statement (switched off again on every path) and a
//! statement timeout is enforced by a progress handler. Introspection reads
//! the schema in a constant number of queries through SQLite's table-valued
//! pragma functions.

mod comments;
mod constraints;
pub use constraints::code_tokens;
mod errors;
mod introspect;
mod load;
mod run;
mod statement;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rusqlite::{Connection, InterruptHandle, OpenFlags, ffi};

use self::errors::{describe_open_failure, map_error};
use self::introspect::{introspect, load_samples};
use self::run::{Timer, execute};
use super::{
    Backend, Canceller, ConnInfo, ConnectCause, ConnectError, Dialect, Error, Guard, Outcome,
    Param, RowSink, Transaction,
};
use crate::catalog::Catalog;

/// SQLite virtual-machine instructions between two statement-timeout checks.
const PROGRESS_OPS: i32 = 1_000;
/// How long to wait for a lock held by another connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open SQLite database.
pub struct SqliteBackend {
    conn: Connection,
    info: ConnInfo,
}

impl SqliteBackend {
    /// Opens the database file at `path`. A missing file is an error (never
    /// silently created), and so is a file that is not a SQLite database.
    pub fn open(path: &Path) -> Result<Self, Error> {
        let location = path.display().to_string();
        let connect_error = |cause, message: String| {
            Error::Connect(ConnectError {
                dialect: crate::db::Dialect::Sqlite,
                location: location.clone(),
                message,
                cause,
            })
        };
        if !path.exists() {
            return Err(connect_error(
                ConnectCause::FileMissing,
                "file does not exist".into(),
            ));
        }
        if path.is_dir() {
            return Err(connect_error(
                ConnectCause::FileMissing,
                "is a directory, not a database file".into(),
            ));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| connect_error(ConnectCause::Other, e.to_string()))?;
        let database = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Self::prepare_connection(conn, location.clone(), database).map_err(|e| {
            let cause = match e.sqlite_error_code() {
                Some(ffi::ErrorCode::NotADatabase) => ConnectCause::NotADatabase,
                _ => ConnectCause::Other,
            };
            connect_error(cause, describe_open_failure(&e))
        })
    }

    /// Applies connection settings and checks that the file is a database.
    fn prepare_connection(
        conn: Connection,
        location: String,
        database: String,
    ) -> rusqlite::Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        conn.execute_batch("PRAGMA foreign_keys = ON")?;
        // Reading the schema is what detects a file that is not a database.
        conn.query_row("SELECT count(*) FROM sqlite_schema", [], |r| {
            r.get::<_, i64>(0)
        })?;
        let info = ConnInfo {
            dialect: Dialect::Sqlite,
            location,
            database,
            user: None,
            server_version: rusqlite::version().to_string(),
            superuser: false,
            tls: None,
            grants_only_reads: false,
        };
        Ok(SqliteBackend { conn, info })
    }

    /// An empty in-memory database of its own, attached to nothing: a
    /// scratch place to create a schema in (and for tests).
    pub fn in_memory() -> Result<Self, Error> {
        let conn = Connection::open_in_memory().map_err(map_error)?;
        Self::prepare_connection(conn, ":memory:".into(), "memory".into()).map_err(map_error)
    }

    /// Runs `sql` read-only: `query_only` on, a statement timeout, and both
    /// removed again whatever happens.
    fn run_read_only(
        &mut self,
        sql: &str,
        params: &[Param],
        timeout: Duration,
        sink: &mut dyn RowSink,
    ) -> Result<Outcome, Error> {
        self.conn
            .execute_batch("PRAGMA query_only = ON")
            .map_err(map_error)?;
        let timer = (!timeout.is_zero()).then(|| Arc::new(Timer::new(timeout)));
        let installed = match &timer {
            Some(t) => {
                let t = Arc::clone(t);
                self.conn
                    .progress_handler(PROGRESS_OPS, Some(move || t.expired()))
            }
            None => Ok(()),
        };
        let result = installed
            .map_err(map_error)
            .and_then(|()| execute(&self.conn, sql, params, true, sink, timer.as_deref()));
        let removed = self.conn.progress_handler(0, None::<fn() -> bool>);
        let reset = self.conn.execute_batch("PRAGMA query_only = OFF");
        let outcome = result?;
        removed.map_err(map_error)?;
        reset.map_err(map_error)?;
        Ok(outcome)
    }
}

impl Backend for SqliteBackend {
    fn info(&self) -> &ConnInfo {
        &self.info
    }

    /// Open when the connection has left autocommit (`BEGIN`); SQLite has
    /// no failed state: a failed statement leaves the transaction usable.
    fn transaction(&self) -> Transaction {
        if self.conn.is_autocommit() {
            Transaction::Idle
        } else {
            Transaction::Open
        }
    }

    fn introspect(&mut self) -> Result<Catalog, Error> {
        introspect(&self.conn).map_err(map_error)
    }

    fn sample_values(&mut self, catalog: &mut Catalog) -> Result<(), Error> {
        load_samples(&self.conn, catalog).map_err(map_error)
    }

    fn run(
        &mut self,
        sql: &str,
        params: &[Param],
        guard: Guard,
        sink: &mut dyn RowSink,
    ) -> Result<Outcome, Error> {
        super::reject_nul(sql)?;
        match guard {
            Guard::Direct => execute(&self.conn, sql, params, false, sink, None),
            Guard::ReadOnly { statement_timeout } | Guard::GenericPlans { statement_timeout } => {
                self.run_read_only(sql, params, statement_timeout, sink)
            }
        }
    }

    /// `prepare` and never a step, under `query_only`. Text that mentions
    /// a PRAGMA anywhere is not prepared at all (SQLite applies some
    /// settings while preparing them): it is taken as accepted, which
    /// leaves it to the person to confirm.
    fn check(&mut self, sql: &str, _statement_timeout: Duration) -> Result<(), Error> {
        super::reject_nul(sql)?;
        if sql.to_ascii_lowercase().contains("pragma") {
            return Ok(());
        }
        self.conn
            .execute_batch("PRAGMA query_only = ON")
            .map_err(map_error)?;
        let prepared = self.conn.prepare(sql).map(drop).map_err(map_error);
        let reset = self.conn.execute_batch("PRAGMA query_only = OFF");
        prepared?;
        reset.map_err(map_error)
    }

    fn canceller(&self) -> Arc<dyn Canceller> {
        Arc::new(SqliteCanceller(self.conn.get_interrupt_handle()))
    }

    /// Prepared INSERTs inside a savepoint, so a failed row loads nothing,
    /// inside or outside a transaction the person opened.
    fn load(&mut self, sql: &str, rows: &[Vec<Option<String>>]) -> Result<u64, super::LoadError> {
        super::reject_nul(sql).map_err(|e| (None, e))?;
        let savepoint = self.conn.savepoint().map_err(|e| (None, map_error(e)))?;
        {
            let mut statement = savepoint.prepare(sql).map_err(|e| (None, map_error(e)))?;
            for (index, row) in rows.iter().enumerate() {
                statement
                    .execute(rusqlite::params_from_iter(row.iter()))
                    .map_err(|e| (Some(index), map_error(e)))?;
            }
        }
        savepoint.commit().map_err(|e| (None, map_error(e)))?;
        Ok(rows.len() as u64)
    }
}

/// Interrupts the running statement through SQLite's interrupt handle.
struct SqliteCanceller(InterruptHandle);

impl Canceller for SqliteCanceller {
    fn cancel(&self) {
        self.0.interrupt();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Column, OutcomeKind, Row, RowFlow, Value};

    /// Collects everything a statement streams.
    #[derive(Default)]
    struct Collect {
        columns: Vec<Column>,
        rows: Vec<Row>,
        chunks: Vec<usize>,
        stop_after: Option<usize>,
    }

    impl RowSink for Collect {
        fn columns(&mut self, columns: &[Column]) -> RowFlow {
            self.columns = columns.to_vec();
            RowFlow::Continue
        }
        fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
            self.chunks.push(rows.len());
            self.rows.extend(rows);
            match self.stop_after {
                Some(n) if self.rows.len() >= n => RowFlow::Stop,
                _ => RowFlow::Continue,
            }
        }
    }

    const READ_ONLY: Guard = Guard::ReadOnly {
        statement_timeout: Duration::from_secs(5),
    };

    fn backend(setup: &str) -> SqliteBackend {
        let b = SqliteBackend::in_memory().unwrap();
        b.conn.execute_batch(setup).expect("setup runs");
        b
    }

    fn run(b: &mut SqliteBackend, sql: &str, guard: Guard) -> (Result<Outcome, Error>, Collect) {
        let mut sink = Collect::default();
        (b.run(sql, &[], guard, &mut sink), sink)
    }

    fn count(b: &SqliteBackend, table: &str) -> i64 {
        b.conn
            .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            .expect("count")
    }
    #[test]
    fn open_refuses_missing_file_and_non_database() {
        let dir = std::env::temp_dir().join(format!("glance-sqlite-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let missing = dir.join("missing.db");
        match SqliteBackend::open(&missing) {
            Err(Error::Connect(e)) => {
                assert_eq!(e.cause, ConnectCause::FileMissing);
                assert!(e.message.contains("does not exist"), "{}", e.message);
                assert_eq!(e.location, missing.display().to_string());
            }
            other => panic!("expected a connect error, got {:?}", other.err()),
        }
        assert!(!missing.exists(), "opening must not create the file");

        let text = dir.join("notes.db");
        std::fs::write(
            &text,
            "these are not the pages you are looking for, not at all".repeat(20),
        )
        .expect("write");
        match SqliteBackend::open(&text) {
            Err(Error::Connect(e)) => {
                assert!(e.message.contains("not a SQLite database"), "{}", e.message)
            }
            other => panic!("expected a connect error, got {:?}", other.err()),
        }

        let real = dir.join("shop.sqlite");
        Connection::open(&real)
            .and_then(|c| c.execute_batch("CREATE TABLE t(x)"))
            .expect("create db");
        let b = SqliteBackend::open(&real).expect("opens");
        assert_eq!(b.info().database, "shop");
        assert_eq!(b.info().dialect, Dialect::Sqlite);
        assert_eq!(b.info().server_version, rusqlite::version());
        let fk: i64 = b
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(fk, 1);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
    #[test]
    fn rows_stream_in_growing_chunks_with_values_and_types() {
        let mut b = backend(
            "CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n);
             INSERT INTO t VALUES (1, 1.5, 'x', x'00ff', NULL);",
        );
        let (out, sink) = run(&mut b, "SELECT * FROM t", Guard::Direct);
        assert_eq!(
            out.expect("runs").kind,
            OutcomeKind::Rows {
                count: 1,
                complete: true
            }
        );
        let types: Vec<&str> = sink.columns.iter().map(|c| c.type_name.as_str()).collect();
        assert_eq!(types, ["INTEGER", "REAL", "TEXT", "BLOB", ""]);
        assert_eq!(
            sink.rows[0],
            vec![
                Value::Int(1),
                Value::Float(1.5),
                Value::Text("x".into()),
                Value::Bytes(vec![0, 255]),
                Value::Null
            ]
        );

        let series = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2500) SELECT x FROM n";
        let (out, sink) = run(&mut b, series, Guard::Direct);
        assert_eq!(
            out.expect("runs").kind,
            OutcomeKind::Rows {
                count: 2500,
                complete: true
            }
        );
        assert_eq!(sink.chunks, [100, 1000, 1000, 400]);

        // Big values are handed over as soon as a chunk holds CHUNK_BYTES.
        let blobs = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 5) \
                     SELECT randomblob(3 * 1024 * 1024) FROM n";
        let (out, sink) = run(&mut b, blobs, Guard::Direct);
        out.expect("runs");
        assert_eq!(sink.chunks, [2, 2, 1]);

        let mut stopping = Collect {
            stop_after: Some(100),
            ..Collect::default()
        };
        let out = b
            .run(series, &[], Guard::Direct, &mut stopping)
            .expect("runs");
        assert_eq!(
            out.kind,
            OutcomeKind::Rows {
                count: 100,
                complete: false
            }
        );
    }
    #[test]
    fn commands_report_changes_only_for_dml() {
        let mut b = backend("CREATE TABLE t(x)");
        let (out, _) = run(&mut b, "INSERT INTO t VALUES (1), (2)", Guard::Direct);
        assert_eq!(
            out.expect("runs").kind,
            OutcomeKind::Command { affected: Some(2) }
        );
        let (out, _) = run(&mut b, "CREATE TABLE u(y)", Guard::Direct);
        assert_eq!(
            out.expect("runs").kind,
            OutcomeKind::Command { affected: None }
        );
        let (out, _) = run(&mut b, "-- tidy\nDELETE FROM t WHERE x = 1", Guard::Direct);
        assert_eq!(
            out.expect("runs").kind,
            OutcomeKind::Command { affected: Some(1) }
        );
    }
    #[test]
    fn trailing_statements_are_refused_and_nothing_runs() {
        let mut b = backend("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        for sql in [
            "select 1; drop table t",
            "DELETE FROM t; SELECT 1",
            "select 1; /* c */ drop table t -- x",
        ] {
            let (out, sink) = run(&mut b, sql, Guard::Direct);
            assert!(matches!(out, Err(Error::Server(_))), "{sql}");
            assert!(sink.rows.is_empty(), "{sql}");
            assert_eq!(count(&b, "t"), 1, "{sql}");
        }
        let (out, _) = run(&mut b, "select 1; -- done\n /* really */ ;", Guard::Direct);
        assert!(out.is_ok(), "a tail of comments is allowed");
    }
    #[test]
    fn check_prepares_without_running_and_reports_the_error_with_its_place() {
        let mut b = backend("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        let timeout = Duration::from_secs(5);
        b.check("INSERT INTO t VALUES (2)", timeout)
            .expect("valid SQL is accepted");
        b.check("DROP TABLE t", timeout)
            .expect("valid SQL is accepted");
        assert_eq!(count(&b, "t"), 1, "the check ran a statement");
        match b.check("select x from t where x = = 1", timeout) {
            Err(Error::Server(e)) => {
                assert!(e.message.contains("syntax error"), "{e:?}");
                assert_eq!(e.position, Some(27), "{e:?}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        // A PRAGMA is never prepared: SQLite applies some while preparing.
        b.check("PRAGMA user_version = 7", timeout)
            .expect("taken as accepted");
        let version: i64 = b
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .expect("user_version");
        assert_eq!(version, 0);
        let (out, _) = run(&mut b, "INSERT INTO t VALUES (3)", Guard::Direct);
        assert!(out.is_ok(), "query_only must be off again: {out:?}");
    }
    #[test]
    fn read_only_guard_refuses_writes_and_switches_off_afterwards() {
        let mut b = backend("CREATE TABLE t(x); INSERT INTO t VALUES (1);");
        for sql in [
            "DELETE FROM t",
            "INSERT INTO t VALUES (2)",
            "CREATE TABLE u(y)",
            "ATTACH 'other.db' AS o",
            "PRAGMA foreign_keys = OFF",
            "VACUUM INTO 'copy.db'",
            "BEGIN",
        ] {
            let (out, _) = run(&mut b, sql, READ_ONLY);
            assert!(out.is_err(), "{sql} must be refused");
        }
        assert_eq!(count(&b, "t"), 1);
        assert!(b.conn.is_autocommit(), "no transaction was left open");
        assert!(!Path::new("other.db").exists() && !Path::new("copy.db").exists());
        let (out, sink) = run(&mut b, "SELECT x FROM t", READ_ONLY);
        assert!(out.is_ok());
        assert_eq!(sink.rows, vec![vec![Value::Int(1)]]);
        let (out, _) = run(&mut b, "INSERT INTO t VALUES (2)", Guard::Direct);
        assert!(out.is_ok(), "query_only must be off again: {out:?}");
        assert_eq!(count(&b, "t"), 2);
    }
    #[test]
    fn read_only_guard_runs_reporting_pragmas_and_refuses_settings_under_explain() {
        let mut b = backend("CREATE TABLE t(x);");
        for sql in [
            "PRAGMA table_info(t)",
            "pragma main.index_list('t')",
            "PRAGMA journal_mode",
            "pragma main.journal_mode",
        ] {
            let (out, _) = run(&mut b, sql, READ_ONLY);
            assert!(out.is_ok(), "{sql} must run: {out:?}");
        }
        for sql in [
            "PRAGMA journal_mode(wal)",
            "PRAGMA journal_mode = wal",
            "EXPLAIN PRAGMA foreign_keys = 0",
            "explain query plan pragma ignore_check_constraints = 1",
            "/* note */ PRAGMA foreign_keys = OFF",
            "EXPLAIN PRAGMA main.locking_mode(exclusive)",
        ] {
            let (out, _) = run(&mut b, sql, READ_ONLY);
            assert!(out.is_err(), "{sql} must be refused");
        }
        let on: i64 = b
            .conn
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .expect("pragma");
        assert_eq!(on, 1, "foreign keys stay on");
    }
    #[test]
    fn statement_timeout_and_cancel_are_reported_apart() {
        let mut b = backend("");
        let endless = "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT count(*) FROM n";
        let guard = Guard::ReadOnly {
            statement_timeout: Duration::from_millis(50),
        };
        match run(&mut b, endless, guard).0 {
            Err(Error::Server(e)) => {
                assert!(e.message.contains("statement timeout"), "{}", e.message)
            }
            other => panic!("expected a timeout, got {other:?}"),
        }
        let canceller = b.canceller();
        let thread = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            canceller.cancel();
        });
        let out = run(&mut b, endless, Guard::Direct).0;
        thread.join().expect("cancel thread");
        assert!(matches!(out, Err(Error::Cancelled)), "{out:?}");
        assert!(
            run(&mut b, "SELECT 1", Guard::Direct).0.is_ok(),
            "the connection stays usable"
        );
    }
    #[test]
    fn errors_carry_message_code_and_position() {
        let mut b = backend("CREATE TABLE t(x UNIQUE); INSERT INTO t VALUES (1);");
        match run(&mut b, "INSERT INTO t VALUES (1)", Guard::Direct).0 {
            Err(Error::Server(e)) => {
                assert!(
                    e.message.contains("UNIQUE constraint failed"),
                    "{}",
                    e.message
                );
                assert_eq!(e.detail.as_deref(), Some("SQLITE_CONSTRAINT_UNIQUE"));
                assert_eq!(e.sqlstate, None);
            }
            other => panic!("expected a server error, got {other:?}"),
        }
        match run(&mut b, "SELECT nope FROM t", Guard::Direct).0 {
            Err(Error::Server(e)) => {
                assert!(e.message.contains("no such column"), "{}", e.message);
                assert_eq!(e.position, Some(8));
            }
            other => panic!("expected a server error, got {other:?}"),
        }
    }
}
