//! SQLite backend: one database file, opened read-write, foreign keys on.
//!
//! Invariants: [`SqliteBackend::run`] executes at most one prepared statement
//! and refuses input where anything but whitespace or comments follows it;
//! under [`Guard::ReadOnly`] the connection is `PRAGMA query_only` for exactly
//! the duration of that statement (switched off again on every path) and a
//! statement timeout is enforced by a progress handler. Introspection reads
//! the schema in a constant number of queries through SQLite's table-valued
//! pragma functions.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, InterruptHandle, OpenFlags, ffi};

use super::{
    Backend, Canceller, Column, ConnInfo, ConnectCause, ConnectError, Dialect, Error, Flow, Guard,
    Outcome, OutcomeKind, Row, RowSink, ServerError, Transaction, Value,
};
use crate::catalog::{Catalog, ColumnInfo, ForeignKey, Index, Key, Relation, RelationKind, Schema};

/// Rows in the first chunk handed to the sink, so the first page shows at once.
const FIRST_CHUNK: usize = 100;
/// Rows in every later chunk.
const CHUNK: usize = 1_000;
/// A chunk is handed over once its values hold this many bytes, so big
/// values (`randomblob`, long text) never pile up in memory.
const CHUNK_BYTES: usize = 4 << 20;
/// SQLite virtual-machine instructions between two statement-timeout checks.
const PROGRESS_OPS: i32 = 1_000;
/// Databases up to this size get per-relation sizes from `dbstat` (which
/// reads every page); larger ones report no sizes.
const SIZE_SCAN_LIMIT: i64 = 256 * 1024 * 1024;
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
        };
        Ok(SqliteBackend { conn, info })
    }

    /// An empty in-memory database, for tests.
    #[cfg(test)]
    pub fn in_memory() -> Self {
        let conn = Connection::open_in_memory().expect("in-memory database");
        Self::prepare_connection(conn, ":memory:".into(), "memory".into()).expect("settings apply")
    }

    /// Runs `sql` read-only: `query_only` on, a statement timeout, and both
    /// removed again whatever happens.
    fn run_read_only(
        &mut self,
        sql: &str,
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
            .and_then(|()| execute(&self.conn, sql, true, sink, timer.as_deref()));
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

    fn run(&mut self, sql: &str, guard: Guard, sink: &mut dyn RowSink) -> Result<Outcome, Error> {
        super::reject_nul(sql)?;
        match guard {
            Guard::Direct => execute(&self.conn, sql, false, sink, None),
            Guard::ReadOnly { statement_timeout } => {
                self.run_read_only(sql, statement_timeout, sink)
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

/// Statement-timeout bookkeeping: time in the database only, so a slow sink
/// (a pager waiting for a key) never counts against the statement.
struct Timer {
    start: Instant,
    limit: Duration,
    sink_nanos: AtomicU64,
    fired: AtomicBool,
}

impl Timer {
    fn new(limit: Duration) -> Self {
        Timer {
            start: Instant::now(),
            limit,
            sink_nanos: AtomicU64::new(0),
            fired: AtomicBool::new(false),
        }
    }

    /// True (and remembered) once the database time exceeds the limit.
    fn expired(&self) -> bool {
        let in_sink = Duration::from_nanos(self.sink_nanos.load(Ordering::Relaxed));
        let expired = self.start.elapsed().saturating_sub(in_sink) > self.limit;
        if expired {
            self.fired.store(true, Ordering::Relaxed);
        }
        expired
    }

    fn add_sink_time(&self, spent: Duration) {
        let nanos = u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX);
        self.sink_nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// Prepares and runs exactly one statement, streaming rows into `sink`.
fn execute(
    conn: &Connection,
    sql: &str,
    read_only: bool,
    sink: &mut dyn RowSink,
    timer: Option<&Timer>,
) -> Result<Outcome, Error> {
    let started = Instant::now();
    if read_only {
        check_read_only_text(sql)?;
    }
    let mut stmt = conn.prepare(sql).map_err(|e| map_run_error(e, timer))?;
    if read_only {
        check_read_only_statement(sql, &stmt)?;
    }
    let columns: Vec<Column> = stmt
        .columns()
        .map(|c| Column {
            name: c.name().to_string(),
            type_name: c.decl_type().unwrap_or("").to_string(),
        })
        .collect();
    if columns.is_empty() {
        let changes = stmt.raw_execute().map_err(|e| map_run_error(e, timer))?;
        let affected = reports_changes(sql).then_some(changes as u64);
        return Ok(Outcome {
            kind: OutcomeKind::Command { affected },
            db_time: started.elapsed(),
        });
    }
    let mut clock = SinkClock {
        in_sink: Duration::ZERO,
        timer,
    };
    if clock.time(|| sink.columns(&columns)) == Flow::Stop {
        let db_time = started.elapsed().saturating_sub(clock.in_sink);
        return Ok(Outcome {
            kind: OutcomeKind::Rows {
                count: 0,
                complete: false,
            },
            db_time,
        });
    }
    let width = columns.len();
    let mut rows = stmt.raw_query();
    let mut count = 0u64;
    let mut chunk_size = FIRST_CHUNK;
    let mut chunk: Vec<Row> = Vec::with_capacity(chunk_size);
    let mut chunk_bytes = 0usize;
    let complete = loop {
        let Some(row) = rows.next().map_err(|e| map_run_error(e, timer))? else {
            count += chunk.len() as u64;
            if !chunk.is_empty() {
                clock.time(|| sink.rows(chunk));
            }
            break true;
        };
        let values: Row = (0..width)
            .map(|i| row.get_ref(i).map_or(Value::Null, convert))
            .collect();
        chunk_bytes += values.iter().map(value_bytes).sum::<usize>();
        chunk.push(values);
        if chunk.len() >= chunk_size || chunk_bytes >= CHUNK_BYTES {
            count += chunk.len() as u64;
            chunk_size = CHUNK;
            chunk_bytes = 0;
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if clock.time(|| sink.rows(full)) == Flow::Stop {
                break false;
            }
        }
    };
    let db_time = started.elapsed().saturating_sub(clock.in_sink);
    Ok(Outcome {
        kind: OutcomeKind::Rows { count, complete },
        db_time,
    })
}

/// The heap bytes a value holds.
fn value_bytes(value: &Value) -> usize {
    match value {
        Value::Text(s) | Value::Json(s) | Value::Numeric(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => 0,
    }
}

/// Measures time spent in the sink, so it counts neither as database time
/// nor against the statement timeout.
struct SinkClock<'a> {
    in_sink: Duration,
    timer: Option<&'a Timer>,
}

impl SinkClock<'_> {
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        let spent = t.elapsed();
        self.in_sink += spent;
        if let Some(timer) = self.timer {
            timer.add_sink_time(spent);
        }
        out
    }
}

/// Refuses, before it is even prepared (SQLite applies a setting pragma
/// while preparing it), what `query_only` alone would let through:
/// ATTACH/DETACH (which open other files), transaction control (which would
/// outlive the statement) and PRAGMAs that take an argument, also under
/// `EXPLAIN [QUERY PLAN]`, except those whose argument only names what to
/// report on.
fn check_read_only_text(sql: &str) -> Result<(), Error> {
    if let Some(pragma) = pragma_text(sql)
        && (pragma.contains('=') || (pragma.contains('(') && !reporting_pragma(&pragma)))
    {
        return Err(Error::Guard(
            "a PRAGMA that sets a value is not allowed in a read-only statement".into(),
        ));
    }
    match leading_keyword(sql).as_deref() {
        Some(word @ ("attach" | "detach")) => Err(Error::Guard(format!(
            "{} is not allowed in a read-only statement",
            word.to_uppercase()
        ))),
        Some("begin" | "commit" | "end" | "rollback" | "savepoint" | "release") => Err(
            Error::Guard("transaction control is not allowed in a read-only statement".into()),
        ),
        _ => Ok(()),
    }
}

/// After [`check_read_only_text`], refuses what SQLite marks as writing,
/// except a bare `PRAGMA journal_mode`, which only reports the mode.
fn check_read_only_statement(sql: &str, stmt: &rusqlite::Statement<'_>) -> Result<(), Error> {
    let bare_journal_mode = pragma_text(sql).is_some_and(|p| {
        p.strip_prefix("pragma")
            .is_some_and(|name| name.trim().rsplit('.').next() == Some("journal_mode"))
    });
    if stmt.readonly() || bare_journal_mode {
        Ok(())
    } else {
        Err(Error::Guard(
            "the statement would write to the database".into(),
        ))
    }
}

/// The PRAGMA `sql` is or may explain, lower-cased from the first `pragma`
/// on, its words joined by single spaces: `explain query plan pragma x = 1`
/// gives `pragma x = 1`. An EXPLAIN that mentions `pragma` anywhere counts.
fn pragma_text(sql: &str) -> Option<String> {
    let head = leading_keyword(sql)?;
    let lower = sql.trim().trim_end_matches(';').to_ascii_lowercase();
    let at = lower.find("pragma")?;
    (head == "pragma" || head == "explain")
        .then(|| lower[at..].split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether `pragma` (see [`pragma_text`]) is `pragma [schema.]name(argument)`
/// for a pragma whose argument names what to report on
/// (`table_info(items)`), never a new value as in `journal_mode(wal)`.
fn reporting_pragma(pragma: &str) -> bool {
    const REPORTING: &[&str] = &[
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "foreign_key_check",
        "integrity_check",
        "quick_check",
    ];
    let Some((head, _)) = pragma
        .strip_prefix("pragma")
        .and_then(|rest| rest.split_once('('))
    else {
        return false;
    };
    let name = head.rsplit('.').next().unwrap_or_default().trim();
    !pragma.contains('=') && REPORTING.contains(&name)
}

/// Whether a statement without a result set reports a count of changed rows.
fn reports_changes(sql: &str) -> bool {
    matches!(
        leading_keyword(sql).as_deref(),
        Some("insert" | "update" | "delete" | "replace" | "with")
    )
}

/// The first keyword of `sql`, lower-cased, after whitespace, comments and
/// opening parentheses.
fn leading_keyword(sql: &str) -> Option<String> {
    let mut rest = sql;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, tail)| tail);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, tail)| tail);
        } else {
            break;
        }
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    (!word.is_empty()).then(|| word.to_ascii_lowercase())
}

/// One SQLite value as a glance value, by storage class.
fn convert(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

/// Maps an error from running a statement; an interruption is a timeout when
/// the timer fired, a user cancel otherwise.
fn map_run_error(error: rusqlite::Error, timer: Option<&Timer>) -> Error {
    if error.sqlite_error_code() == Some(ffi::ErrorCode::OperationInterrupted)
        && timer.is_some_and(|t| t.fired.load(Ordering::Relaxed))
    {
        return Error::from(ServerError {
            message: "canceling statement due to statement timeout".into(),
            ..ServerError::default()
        });
    }
    map_error(error)
}

/// Maps a rusqlite error into the database layer's error.
fn map_error(error: rusqlite::Error) -> Error {
    match error {
        rusqlite::Error::SqliteFailure(e, _) if e.code == ffi::ErrorCode::OperationInterrupted => Error::Cancelled,
        rusqlite::Error::SqliteFailure(e, message) => Error::from(ServerError {
            severity: Some("ERROR".into()),
            message: message.unwrap_or_else(|| e.to_string()),
            detail: Some(code_name(e.extended_code)),
            ..ServerError::default()
        }),
        rusqlite::Error::SqlInputError { error, msg, sql, offset } => Error::from(ServerError {
            severity: Some("ERROR".into()),
            message: msg,
            detail: Some(code_name(error.extended_code)),
            position: usize::try_from(offset).ok().and_then(|o| sql.get(..o)).map(|head| head.chars().count() + 1),
            ..ServerError::default()
        }),
        rusqlite::Error::MultipleStatement => Error::from(ServerError {
            severity: Some("ERROR".into()),
            message: "cannot run more than one statement at a time: remove what follows the first statement".into(),
            ..ServerError::default()
        }),
        rusqlite::Error::Empty => Error::Other("no SQL statement to run".into()),
        other => Error::Other(other.to_string()),
    }
}

/// SQLite's name for an (extended) result code, e.g. `SQLITE_CONSTRAINT_UNIQUE`.
fn code_name(extended: i32) -> String {
    let name = match extended {
        ffi::SQLITE_CONSTRAINT_CHECK => "SQLITE_CONSTRAINT_CHECK",
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => "SQLITE_CONSTRAINT_FOREIGNKEY",
        ffi::SQLITE_CONSTRAINT_NOTNULL => "SQLITE_CONSTRAINT_NOTNULL",
        ffi::SQLITE_CONSTRAINT_PRIMARYKEY => "SQLITE_CONSTRAINT_PRIMARYKEY",
        ffi::SQLITE_CONSTRAINT_UNIQUE => "SQLITE_CONSTRAINT_UNIQUE",
        ffi::SQLITE_CONSTRAINT_TRIGGER => "SQLITE_CONSTRAINT_TRIGGER",
        ffi::SQLITE_CONSTRAINT_DATATYPE => "SQLITE_CONSTRAINT_DATATYPE",
        ffi::SQLITE_READONLY_DBMOVED => "SQLITE_READONLY_DBMOVED",
        _ => match extended & 0xff {
            ffi::SQLITE_ERROR => "SQLITE_ERROR",
            ffi::SQLITE_PERM => "SQLITE_PERM",
            ffi::SQLITE_ABORT => "SQLITE_ABORT",
            ffi::SQLITE_BUSY => "SQLITE_BUSY",
            ffi::SQLITE_LOCKED => "SQLITE_LOCKED",
            ffi::SQLITE_NOMEM => "SQLITE_NOMEM",
            ffi::SQLITE_READONLY => "SQLITE_READONLY",
            ffi::SQLITE_IOERR => "SQLITE_IOERR",
            ffi::SQLITE_CORRUPT => "SQLITE_CORRUPT",
            ffi::SQLITE_FULL => "SQLITE_FULL",
            ffi::SQLITE_CANTOPEN => "SQLITE_CANTOPEN",
            ffi::SQLITE_CONSTRAINT => "SQLITE_CONSTRAINT",
            ffi::SQLITE_MISMATCH => "SQLITE_MISMATCH",
            ffi::SQLITE_AUTH => "SQLITE_AUTH",
            ffi::SQLITE_RANGE => "SQLITE_RANGE",
            ffi::SQLITE_NOTADB => "SQLITE_NOTADB",
            _ => return format!("SQLite result code {extended}"),
        },
    };
    name.to_string()
}

/// The message for a file that opened but could not be used.
fn describe_open_failure(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ffi::ErrorCode::NotADatabase) => "file is not a SQLite database".into(),
        Some(ffi::ErrorCode::DatabaseBusy) => "the database is locked by another process".into(),
        _ => error.to_string(),
    }
}

/// Adds the distinct values of text columns of tables that have few of
/// them. SQLite keeps no value statistics, so this asks each text column for
/// one more distinct value than may be shared; it reads tables, and runs only
/// when the person asked to share samples.
fn load_samples(conn: &Connection, catalog: &mut Catalog) -> rusqlite::Result<()> {
    let mut found = Vec::new();
    for relation in catalog
        .relations
        .iter()
        .filter(|r| r.kind == RelationKind::Table)
    {
        let text_columns: Vec<&ColumnInfo> = relation
            .columns
            .iter()
            .filter(|c| is_text_type(&c.type_name))
            .collect();
        if text_columns.is_empty() {
            continue;
        }
        let count = format!("SELECT count(*) FROM {}", quote_ident(&relation.name));
        let rows: i64 = conn.query_row(&count, [], |row| row.get(0))?;
        for column in text_columns {
            let sql = format!(
                "SELECT DISTINCT CAST({col} AS TEXT) FROM {table} WHERE {col} IS NOT NULL ORDER BY 1 LIMIT {limit}",
                col = quote_ident(&column.name),
                table = quote_ident(&relation.name),
                limit = crate::catalog::MAX_SAMPLES + 1,
            );
            let mut stmt = conn.prepare(&sql)?;
            let values = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            found.push((
                relation.schema.clone(),
                relation.name.clone(),
                column.name.clone(),
                values,
                rows,
            ));
        }
    }
    for (schema, table, column, values, rows) in found {
        catalog.set_samples(
            &schema,
            &table,
            &column,
            values,
            u64::try_from(rows).unwrap_or(0),
        );
    }
    Ok(())
}

/// Declared types SQLite gives text affinity (or none at all).
fn is_text_type(declared: &str) -> bool {
    let upper = declared.to_ascii_uppercase();
    upper.is_empty() || ["CHAR", "CLOB", "TEXT"].iter().any(|t| upper.contains(t))
}

/// `name` as a quoted SQLite identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Matches user objects in `sqlite_schema` (internal `sqlite_*` ones excluded).
const USER_OBJECT: &str = r"m.name NOT LIKE 'sqlite\_%' ESCAPE '\'";

/// Reads the whole schema in a constant number of queries.
fn introspect(conn: &Connection) -> rusqlite::Result<Catalog> {
    let mut round_trips = 0;
    let mut query = |sql: &str| {
        round_trips += 1;
        conn.prepare(sql)
    };

    // Every object: relations, index definitions, whether sqlite_stat1 exists.
    let mut stmt =
        query("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY name")?;
    let objects: Vec<(String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    let has_stat1 = objects
        .iter()
        .any(|(kind, name, _, _)| kind == "table" && name == "sqlite_stat1");
    let index_sql: HashMap<&str, &str> = objects
        .iter()
        .filter(|(kind, _, _, sql)| kind == "index" && !sql.is_empty())
        .map(|(_, name, _, sql)| (name.as_str(), sql.as_str()))
        .collect();

    // Columns and primary keys, in one query; a view or virtual table whose
    // definition no longer resolves makes it fail, so then each relation is
    // read alone and the ones that cannot be read are left out.
    let joined = query(&columns_sql()).and_then(|mut stmt| read_columns(&mut stmt, []));
    let (columns, warnings) = match joined {
        Ok(columns) => (columns, Vec::new()),
        Err(_) => columns_one_by_one(&mut query(RELATION_COLUMNS_SQL)?, &objects),
    };
    let readable = |object: &SchemaObject| {
        is_user_relation(object) && !warnings.iter().any(|w| w.relation == object.1)
    };
    let mut relations: Vec<Relation> = objects
        .iter()
        .filter(|o| readable(o))
        .map(|(kind, name, _, sql)| new_relation(kind, name, sql))
        .collect();
    let position: HashMap<String, usize> = relations
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.clone(), i))
        .collect();
    let mut pk_columns: HashMap<usize, Vec<(i64, String)>> = HashMap::new();
    for column in columns {
        let Some(&i) = position.get(&column.relation) else {
            continue;
        };
        if column.hidden {
            continue;
        }
        if column.pk > 0 {
            pk_columns
                .entry(i)
                .or_default()
                .push((column.pk, column.info.name.clone()));
        }
        relations[i].columns.push(column.info);
    }
    for (i, mut cols) in pk_columns {
        cols.sort();
        let name = format!("{}_pkey", relations[i].name);
        relations[i].primary_key = Some(Key {
            name,
            columns: cols.into_iter().map(|(_, c)| c).collect(),
        });
    }

    let plain_tables =
        format!("m.type = 'table' AND {USER_OBJECT} AND m.sql NOT LIKE 'CREATE VIRTUAL%'");
    read_foreign_keys(
        &mut query(&format!(
            "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f \
         WHERE {plain_tables} ORDER BY m.name, f.id DESC, f.seq"
        ))?,
        &position,
        &mut relations,
    )?;
    read_indexes(
        &mut query(&format!(
            "SELECT m.name, l.name, l.\"unique\", l.origin, i.name \
         FROM sqlite_schema m JOIN pragma_index_list(m.name) l LEFT JOIN pragma_index_info(l.name) i \
         WHERE {plain_tables} ORDER BY m.name, l.name, i.seqno"
        ))?,
        &position,
        &index_sql,
        &mut relations,
    )?;

    if has_stat1 {
        let mut stmt =
            query("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = position.get(&r.get::<_, String>(0)?) {
                relations[i].row_estimate = r.get(1)?;
            }
        }
    }
    read_sizes(conn, &position, &mut relations, &mut round_trips);
    for (relation, (_, _, _, sql)) in relations
        .iter_mut()
        .zip(objects.iter().filter(|o| readable(o)))
    {
        if relation.kind == RelationKind::Table {
            apply_comments(relation, sql);
        }
    }
    let referenced_pks: Vec<Option<Key>> =
        relations.iter().map(|r| r.primary_key.clone()).collect();
    for relation in &mut relations {
        for fk in &mut relation.foreign_keys {
            if fk.ref_columns.is_empty()
                && let Some(Some(pk)) = position.get(&fk.ref_table).map(|&j| &referenced_pks[j])
            {
                fk.ref_columns = pk.columns.clone();
            }
        }
    }
    Ok(Catalog {
        schemas: vec![Schema {
            name: "main".into(),
            owner: None,
            comment: None,
        }],
        relations,
        round_trips,
        warnings: warnings.into_iter().map(|w| w.to_string()).collect(),
        ..Catalog::default()
    })
}

/// Every column of every user table and view, joined in one query.
fn columns_sql() -> String {
    format!(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
         FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p \
         WHERE m.type IN ('table', 'view') AND {USER_OBJECT} ORDER BY m.name, p.cid"
    )
}

/// The columns of one relation, in the shape of [`columns_sql`].
const RELATION_COLUMNS_SQL: &str = "SELECT ?1, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
     FROM pragma_table_xinfo(?1) p ORDER BY p.cid";

/// A column as `pragma_table_xinfo` describes it.
struct ColumnRow {
    relation: String,
    info: ColumnInfo,
    /// Position in the primary key (from 1), or 0.
    pk: i64,
    /// A hidden column of a virtual table.
    hidden: bool,
}

fn read_columns(
    stmt: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Vec<ColumnRow>> {
    stmt.query_map(params, |r| {
        let not_null: bool = r.get(3)?;
        let pk: i64 = r.get(5)?;
        Ok(ColumnRow {
            relation: r.get(0)?,
            info: ColumnInfo {
                name: r.get(1)?,
                type_name: r.get(2)?,
                nullable: !not_null && pk == 0,
                default: r.get(4)?,
                comment: None,
                samples: Vec::new(),
            },
            pk,
            hidden: r.get::<_, i64>(6)? == 1,
        })
    })?
    .collect()
}

/// A relation introspection left out.
struct Skipped {
    relation: String,
    kind: String,
    reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "skipped the {} `{}`, which cannot be read: {}",
            self.kind, self.relation, self.reason
        )
    }
}

/// The columns of each user relation read one at a time, with the
/// relations that fail (a view over a dropped table) skipped.
fn columns_one_by_one(
    stmt: &mut rusqlite::Statement<'_>,
    objects: &[SchemaObject],
) -> (Vec<ColumnRow>, Vec<Skipped>) {
    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    for (kind, name, _, _) in objects.iter().filter(|o| is_user_relation(o)) {
        match read_columns(stmt, [name]) {
            Ok(found) => columns.extend(found),
            Err(error) => skipped.push(Skipped {
                relation: name.clone(),
                kind: kind.clone(),
                reason: error.to_string(),
            }),
        }
    }
    (columns, skipped)
}

/// A row of `sqlite_schema`: type, name, table name, SQL text.
type SchemaObject = (String, String, String, String);

/// Tables and views the user made (not SQLite's internal `sqlite_*` tables).
fn is_user_relation((kind, name, _, _): &SchemaObject) -> bool {
    (kind == "table" || kind == "view") && !name.starts_with("sqlite_")
}

/// A relation with what `sqlite_schema` alone says about it.
fn new_relation(kind: &str, name: &str, sql: &str) -> Relation {
    let view = kind == "view";
    let kind = if view {
        RelationKind::View
    } else {
        RelationKind::Table
    };
    Relation {
        definition: view.then(|| view_body(sql).to_string()),
        ..Relation::new("main", name, kind)
    }
}

/// The query of a `CREATE VIEW … AS query` statement (the whole text when
/// the `AS` cannot be found).
fn view_body(sql: &str) -> &str {
    let bytes = sql.as_bytes();
    let boundary =
        |i: usize| i >= bytes.len() || !(bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_');
    let found = (1..bytes.len().saturating_sub(2)).find(|&i| {
        bytes[i].eq_ignore_ascii_case(&b'a')
            && bytes[i + 1].eq_ignore_ascii_case(&b's')
            && (bytes[i - 1].is_ascii_whitespace() || bytes[i - 1] == b')')
            && boundary(i + 2)
    });
    found.map_or(sql, |i| sql[i + 2..].trim())
}

/// Foreign keys from `pragma_foreign_key_list`, one row per column pair
/// (SQLite numbers them last-declared first; the query reverses that).
fn read_foreign_keys(
    stmt: &mut rusqlite::Statement<'_>,
    position: &HashMap<String, usize>,
    relations: &mut [Relation],
) -> rusqlite::Result<()> {
    let mut rows = stmt.query([])?;
    let mut current: Option<(usize, i64)> = None;
    while let Some(r) = rows.next()? {
        let Some(&i) = position.get(&r.get::<_, String>(0)?) else {
            continue;
        };
        let id: i64 = r.get(1)?;
        let from: String = r.get(3)?;
        let to: Option<String> = r.get(4)?;
        if current != Some((i, id)) {
            current = Some((i, id));
            let action = |word: String| (word != "NO ACTION").then_some(word);
            relations[i].foreign_keys.push(ForeignKey {
                name: String::new(),
                columns: Vec::new(),
                ref_schema: "main".into(),
                ref_table: r.get(2)?,
                ref_columns: Vec::new(),
                on_update: action(r.get(5)?),
                on_delete: action(r.get(6)?),
            });
        }
        if let Some(fk) = relations[i].foreign_keys.last_mut() {
            fk.columns.push(from);
            fk.ref_columns.extend(to);
        }
    }
    for relation in relations.iter_mut() {
        for fk in &mut relation.foreign_keys {
            fk.name = format!("{}_{}_fkey", relation.name, fk.columns.join("_"));
        }
    }
    Ok(())
}

/// Indexes from `pragma_index_list` joined to their columns; automatic ones
/// (for PRIMARY KEY and UNIQUE constraints) get a synthesised definition.
fn read_indexes(
    stmt: &mut rusqlite::Statement<'_>,
    position: &HashMap<String, usize>,
    index_sql: &HashMap<&str, &str>,
    relations: &mut [Relation],
) -> rusqlite::Result<()> {
    struct Found {
        relation: usize,
        name: String,
        unique: bool,
        origin: String,
        columns: Vec<String>,
    }
    let mut found: Vec<Found> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(&relation) = position.get(&r.get::<_, String>(0)?) else {
            continue;
        };
        let name: String = r.get(1)?;
        let column = r
            .get::<_, Option<String>>(4)?
            .unwrap_or_else(|| "<expression>".into());
        match found.last_mut() {
            Some(f) if f.relation == relation && f.name == name => f.columns.push(column),
            _ => found.push(Found {
                relation,
                name,
                unique: r.get(2)?,
                origin: r.get(3)?,
                columns: vec![column],
            }),
        }
    }
    for f in found {
        let relation = &mut relations[f.relation];
        let definition = match index_sql.get(f.name.as_str()) {
            Some(sql) => (*sql).to_string(),
            None => format!(
                "CREATE {}INDEX {} ON {} ({})",
                if f.unique { "UNIQUE " } else { "" },
                f.name,
                relation.name,
                f.columns.join(", ")
            ),
        };
        if f.origin == "u" {
            relation.unique_keys.push(Key {
                name: f.name.clone(),
                columns: f.columns.clone(),
            });
        }
        relation.indexes.push(Index {
            name: f.name,
            definition,
            unique: f.unique,
            primary: f.origin == "pk",
        });
    }
    Ok(())
}

/// Per-relation sizes from `dbstat`, for databases small enough to scan.
/// Sizes are a nicety: any failure leaves them unknown.
fn read_sizes(
    conn: &Connection,
    position: &HashMap<String, usize>,
    relations: &mut [Relation],
    round_trips: &mut usize,
) {
    *round_trips += 1;
    let total: rusqlite::Result<i64> = conn.query_row(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        [],
        |r| r.get(0),
    );
    if !total.is_ok_and(|bytes| bytes <= SIZE_SCAN_LIMIT) {
        return;
    }
    *round_trips += 1;
    let sizes = conn
        .prepare("SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                .collect::<Result<Vec<_>, _>>()
        });
    for (name, bytes) in sizes.unwrap_or_default() {
        if let Some(&i) = position.get(&name) {
            relations[i].size_bytes = Some(bytes);
        }
    }
}

/// Fills table and column comments from `--` comments in the stored
/// `CREATE TABLE` text (see [`parse_comments`]).
fn apply_comments(relation: &mut Relation, sql: &str) {
    let names: Vec<&str> = relation.columns.iter().map(|c| c.name.as_str()).collect();
    let comments = parse_comments(sql, &names);
    relation.comment = comments.table;
    for (column, comment) in comments.columns {
        if let Some(c) = relation.columns.iter_mut().find(|c| c.name == column) {
            c.comment = Some(comment);
        }
    }
}

/// Comments found in a `CREATE TABLE` statement.
#[derive(Debug, Default, PartialEq)]
struct Comments {
    table: Option<String>,
    /// (column name, comment), in the order found.
    columns: Vec<(String, String)>,
}

/// Reads glance's comment convention for SQLite, which has no `COMMENT ON`:
/// - a `--` comment on the line of the opening parenthesis, or on comment-only
///   lines before the first column, describes the table;
/// - a `--` comment at the end of a line that starts with a column's name
///   describes that column: `email TEXT NOT NULL, -- login and contact address`.
///
/// `--` inside quotes is not a comment. Lines are matched against the known
/// column `names` (case-insensitively), so constraint lines are never taken
/// for columns.
fn parse_comments(sql: &str, names: &[&str]) -> Comments {
    let mut out = Comments::default();
    let mut table_lines: Vec<String> = Vec::new();
    let mut opened = false;
    let mut seen_column = false;
    for line in sql.lines() {
        let (code, comment) = split_comment(line);
        let code = if opened {
            code
        } else {
            match code.split_once('(') {
                Some((_, after)) => {
                    opened = true;
                    after
                }
                None => continue,
            }
        };
        let column = first_identifier(code)
            .and_then(|id| names.iter().find(|n| n.eq_ignore_ascii_case(&id)));
        match (column, comment) {
            (Some(name), Some(text)) => {
                seen_column = true;
                out.columns.push(((*name).to_string(), text));
            }
            (Some(_), None) => seen_column = true,
            (None, Some(text)) if !seen_column && code.trim().is_empty() => table_lines.push(text),
            _ => {}
        }
    }
    out.table = (!table_lines.is_empty()).then(|| table_lines.join(" "));
    out
}

/// Splits a line into code and the text of a trailing `--` comment (trimmed,
/// `None` when absent or empty), ignoring `--` inside quotes.
fn split_comment(line: &str) -> (&str, Option<String>) {
    let mut quote: Option<char> = None;
    let mut prev_dash = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q || (q == '[' && c == ']') => quote = None,
            Some(_) => {}
            None if matches!(c, '\'' | '"' | '`' | '[') => quote = Some(c),
            None if c == '-' && prev_dash => {
                let text = line[i + 1..].trim();
                return (&line[..i - 1], (!text.is_empty()).then(|| text.to_string()));
            }
            None => {}
        }
        prev_dash = quote.is_none() && c == '-' && !prev_dash;
    }
    (line, None)
}

/// The identifier a line of code starts with, without its quotes.
fn first_identifier(code: &str) -> Option<String> {
    let code = code.trim_start();
    let mut chars = code.chars();
    let close = match chars.next()? {
        '"' => '"',
        '`' => '`',
        '[' => ']',
        c if c.is_alphabetic() || c == '_' => {
            return Some(
                code.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                    .collect(),
            );
        }
        _ => return None,
    };
    let inner: String = chars.take_while(|&c| c != close).collect();
    (!inner.is_empty()).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Collects everything a statement streams.
    #[derive(Default)]
    struct Collect {
        columns: Vec<Column>,
        rows: Vec<Row>,
        chunks: Vec<usize>,
        stop_after: Option<usize>,
    }

    impl RowSink for Collect {
        fn columns(&mut self, columns: &[Column]) -> Flow {
            self.columns = columns.to_vec();
            Flow::Continue
        }
        fn rows(&mut self, rows: Vec<Row>) -> Flow {
            self.chunks.push(rows.len());
            self.rows.extend(rows);
            match self.stop_after {
                Some(n) if self.rows.len() >= n => Flow::Stop,
                _ => Flow::Continue,
            }
        }
    }

    const READ_ONLY: Guard = Guard::ReadOnly {
        statement_timeout: Duration::from_secs(5),
    };

    fn backend(setup: &str) -> SqliteBackend {
        let b = SqliteBackend::in_memory();
        b.conn.execute_batch(setup).expect("setup runs");
        b
    }

    fn run(b: &mut SqliteBackend, sql: &str, guard: Guard) -> (Result<Outcome, Error>, Collect) {
        let mut sink = Collect::default();
        (b.run(sql, guard, &mut sink), sink)
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
        let out = b.run(series, Guard::Direct, &mut stopping).expect("runs");
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

    #[test]
    fn introspection_skips_a_view_that_no_longer_resolves() {
        let mut b = backend(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);
             CREATE VIEW good AS SELECT note FROM t;
             CREATE VIEW broken AS SELECT * FROM nosuch;
             CREATE TABLE z (id INTEGER REFERENCES t);",
        );
        let catalog = b.introspect().expect("introspects");
        let names: Vec<&str> = catalog.relations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["good", "t", "z"]);
        assert_eq!(catalog.relations[0].columns[0].name, "note");
        assert_eq!(catalog.relations[2].foreign_keys[0].ref_table, "t");
        assert_eq!(
            catalog.warnings,
            ["skipped the view `broken`, which cannot be read: no such table: main.nosuch"]
        );
    }

    #[test]
    fn introspection_reads_keys_indexes_views_and_comments() {
        let mut b = backend(
            "CREATE TABLE customers ( -- people who buy things
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL UNIQUE, -- login and contact address
                note TEXT DEFAULT 'n/a' -- free text, '--' allowed
             );
             CREATE TABLE orders (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers ON DELETE CASCADE,
                status TEXT NOT NULL
             );
             CREATE INDEX orders_customer_id_idx ON orders(customer_id);
             CREATE VIEW big AS SELECT * FROM orders WHERE id > 10;
             INSERT INTO customers(email) VALUES ('a@x'), ('b@x');
             ANALYZE;",
        );
        let catalog = b.introspect().expect("introspects");
        assert!(catalog.round_trips <= 8, "{}", catalog.round_trips);
        assert_eq!(catalog.schemas[0].name, "main");
        let names: Vec<&str> = catalog.relations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["big", "customers", "orders"]);

        let customers = catalog.find("customers").expect("customers");
        assert_eq!(customers.comment.as_deref(), Some("people who buy things"));
        assert_eq!(
            customers.primary_key.as_ref().map(|k| k.columns.clone()),
            Some(vec!["id".to_string()])
        );
        assert_eq!(customers.row_estimate, Some(2));
        assert!(customers.size_bytes.is_some());
        let email = &customers.columns[1];
        assert_eq!((email.type_name.as_str(), email.nullable), ("TEXT", false));
        assert_eq!(email.comment.as_deref(), Some("login and contact address"));
        assert_eq!(customers.columns[2].default.as_deref(), Some("'n/a'"));
        assert_eq!(
            customers.columns[2].comment.as_deref(),
            Some("free text, '--' allowed")
        );
        assert_eq!(customers.unique_keys.len(), 1);
        assert!(customers.indexes[0].unique && !customers.indexes[0].primary);

        let orders = catalog.find("orders").expect("orders");
        let fk = &orders.foreign_keys[0];
        assert_eq!(fk.name, "orders_customer_id_fkey");
        assert_eq!(
            (fk.ref_table.as_str(), fk.ref_columns.clone()),
            ("customers", vec!["id".to_string()])
        );
        assert_eq!(
            (fk.on_delete.as_deref(), fk.on_update.as_deref()),
            (Some("CASCADE"), None)
        );
        assert_eq!(
            orders.indexes[0].definition,
            "CREATE INDEX orders_customer_id_idx ON orders(customer_id)"
        );
        assert_eq!(
            orders.row_estimate, None,
            "an empty table has no statistics"
        );

        let view = catalog.find("big").expect("view");
        assert_eq!(view.kind, RelationKind::View);
        assert_eq!(
            view.definition.as_deref(),
            Some("SELECT * FROM orders WHERE id > 10")
        );
        assert_eq!(view.columns.len(), 3);
    }

    #[test]
    fn comment_parser_follows_the_convention() {
        let sql = "CREATE TABLE \"t\" (\n  -- first line\n  -- second line\n  \"id\" INTEGER,\n  \
                   [Name] TEXT, -- shown name\n  CHECK (id > 0), -- not a column\n  url TEXT DEFAULT 'a--b'\n)";
        let comments = parse_comments(sql, &["id", "Name", "url"]);
        assert_eq!(comments.table.as_deref(), Some("first line second line"));
        assert_eq!(
            comments.columns,
            vec![("Name".to_string(), "shown name".to_string())]
        );
        assert_eq!(
            split_comment("a '--' b -- c"),
            ("a '--' b ", Some("c".to_string()))
        );
        assert_eq!(split_comment("x - y --"), ("x - y ", None));
    }

    #[test]
    fn leading_keyword_skips_comments_and_parentheses() {
        assert_eq!(
            leading_keyword("  /* a */ -- b\n (select 1)").as_deref(),
            Some("select")
        );
        assert_eq!(
            leading_keyword("WITH x AS (SELECT 1) DELETE FROM t").as_deref(),
            Some("with")
        );
        assert_eq!(leading_keyword("-- only a comment"), None);
    }
}
