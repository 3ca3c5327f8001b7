//! Database access: one [`Backend`] trait, one value model, two implementations.
//!
//! Backends push rows into a [`RowSink`] chunk by chunk, so memory stays flat
//! whatever the size of a result, and the sink decides when to stop. Backends
//! return data and typed errors; they never print.

mod dialect;
pub mod mysql;
pub mod postgres;
pub mod sqlite;

use std::fmt;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::catalog::Catalog;

pub use dialect::Dialect;

/// One cell of a result.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// An exact decimal in its canonical text form (`numeric`, `money` digits).
    Numeric(String),
    /// Text, and every type shown as text (dates, times, uuids, enums, arrays…).
    Text(String),
    /// A JSON document (`json`, `jsonb`), kept as its text.
    Json(String),
    Bytes(Vec<u8>),
}

impl Value {
    /// True for values that are drawn right-aligned in tables.
    pub fn is_number(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Float(_) | Value::Numeric(_))
    }
}

/// One row of a result, in column order.
pub type Row = Vec<Value>;

/// A result column: its name and the database's name for its type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    pub type_name: String,
}

/// What a [`RowSink`] wants next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RowFlow {
    Continue,
    Stop,
}

/// Receives a result as it streams from the server.
pub trait RowSink {
    /// Called once, before any rows, for every statement that returns rows
    /// (also when it returns none).
    fn columns(&mut self, columns: &[Column]) -> RowFlow;
    /// Called with each chunk of rows as it arrives. Returning [`RowFlow::Stop`]
    /// ends the fetch early; the rest of the result is never read.
    fn rows(&mut self, rows: Vec<Row>) -> RowFlow;
    /// Whether [`RowSink::rows`] may wait for a person (a pager waiting for
    /// a key): that time does not count against the statement timeout.
    fn interactive(&self) -> bool {
        false
    }
}

/// How a statement is run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// Inside the server guard: one statement, read-only transaction,
    /// timeouts, always rolled back (PostgreSQL); `PRAGMA query_only` (SQLite).
    ReadOnly { statement_timeout: Duration },
    /// As [`Guard::ReadOnly`], with prepared statements planned generically
    /// (PostgreSQL's `plan_cache_mode = force_generic_plan`), for the
    /// `EXPLAIN EXECUTE` of text with parameters; SQLite has no such
    /// setting and runs it as [`Guard::ReadOnly`].
    GenericPlans { statement_timeout: Duration },
    /// As typed, in autocommit (or in the user's own open transaction).
    Direct,
}

/// What running one statement produced.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub kind: OutcomeKind,
    /// Time spent waiting for the database (not drawing or writing rows).
    pub db_time: Duration,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OutcomeKind {
    /// A result set: how many rows were delivered, and whether that was all
    /// of them (false when the sink stopped early).
    Rows { count: u64, complete: bool },
    /// A command without a result set; `affected` rows where the server says.
    Command { affected: Option<u64> },
}

/// Interrupts the statement a backend is running, from any thread.
pub trait Canceller: Send + Sync {
    fn cancel(&self);
}

/// What a backend says about the connection it holds, for `\conninfo`,
/// prompts and footers. Never holds a password.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnInfo {
    pub dialect: Dialect,
    /// Where: `host:port/database` for PostgreSQL (or the socket directory),
    /// the file path for SQLite.
    pub location: String,
    /// Database name (file stem for SQLite).
    pub database: String,
    pub user: Option<String>,
    pub server_version: String,
    /// Whether the session may bypass permissions (PostgreSQL superuser).
    pub superuser: bool,
    /// TLS in use, e.g. `TLSv1.3`; `None` when the connection is not encrypted.
    pub tls: Option<String>,
    /// The server lets this user only read (MySQL: `SHOW GRANTS` holds
    /// nothing beyond SELECT, SHOW VIEW and USAGE), read at connect.
    pub grants_only_reads: bool,
}

/// The state of the person's own transaction, as psql's prompt shows it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Transaction {
    /// No transaction open: `=>`.
    #[default]
    Idle,
    /// Inside a transaction: `=*>`.
    Open,
    /// Inside a transaction a failed statement aborted: `=!>`, until
    /// ROLLBACK (or COMMIT, which then rolls back).
    Failed,
}

/// A value bound to one of a statement's placeholders: text the database
/// reads as the type the statement needs there, or NULL (`None`). Values
/// travel as protocol parameters and are never pasted into the SQL.
pub type Param = Option<String>;

/// A bound value as a whole number, when it is written as one exactly as
/// the number prints (`42`, `-7`; not `042`, `+1` or `1.0`): SQLite and
/// MySQL need one for `LIMIT ?`.
pub fn whole_number(value: &str) -> Option<i64> {
    value.parse::<i64>().ok().filter(|n| n.to_string() == value)
}

/// A live connection.
pub trait Backend {
    fn info(&self) -> &ConnInfo;
    /// Reads the whole schema in a constant number of catalog queries.
    fn introspect(&mut self) -> Result<Catalog, Error>;
    /// Fills in the distinct values of low-cardinality text columns
    /// ([`Catalog::set_samples`]), for `--share-samples`.
    fn sample_values(&mut self, catalog: &mut Catalog) -> Result<(), Error>;
    /// Runs exactly one statement, byte-identical, with `params` bound to
    /// its placeholders in the database's own syntax (`$1`, `?1`, `?`),
    /// streaming any rows into `sink`.
    fn run(
        &mut self,
        sql: &str,
        params: &[Param],
        guard: Guard,
        sink: &mut dyn RowSink,
    ) -> Result<Outcome, Error>;
    /// Asks the database whether it accepts one statement, without running
    /// it: on PostgreSQL a Parse (and Describe) of the extended protocol and
    /// never an Execute, inside a read-only transaction (or a read-only
    /// savepoint in the person's own) with the guard's timeouts, rolled
    /// back; on SQLite `prepare` without a step, under `PRAGMA query_only`.
    /// For statements the classifier cannot read: `Err` holds the
    /// database's own error (a syntax error, with its position); `Ok`
    /// says only that it is SQL there, never that it is harmless.
    fn check(&mut self, sql: &str, statement_timeout: Duration) -> Result<(), Error>;
    /// A handle that cancels whatever this backend is running when called.
    fn canceller(&self) -> Arc<dyn Canceller>;
    /// Whether the server closed the connection or it broke (a restart, a
    /// terminated backend), as far as can be told without a round trip.
    fn is_lost(&mut self) -> bool {
        false
    }
    /// Settings glance put back since last asked, because a statement the
    /// person confirmed changed one glance relies on (PostgreSQL's
    /// `standard_conforming_strings`); the caller says so.
    fn take_restored(&mut self) -> Vec<String> {
        Vec::new()
    }
    /// The notices and warnings the server sent since the last statement
    /// began (`run`, `preview`, `copy_out`; earlier ones are dropped then),
    /// each as psql prints it (`NOTICE:  text`), text from the server as is;
    /// the caller shows them.
    fn take_notices(&mut self) -> Vec<String> {
        Vec::new()
    }

    /// Whether the person has a transaction of their own open.
    fn in_transaction(&self) -> bool {
        false
    }
    /// Where the person's own transaction stands, for the prompt.
    fn transaction(&self) -> Transaction {
        if self.in_transaction() {
            Transaction::Open
        } else {
            Transaction::Idle
        }
    }
    /// Whether [`Backend::preview`] is available right now.
    fn can_preview(&self) -> bool {
        false
    }
    /// Runs a write inside a transaction of its own, with `statement_timeout`
    /// and a lock timeout, streaming any rows (from RETURNING) into `sink`,
    /// and leaves that transaction open for [`Backend::end_preview`].
    fn preview(
        &mut self,
        sql: &str,
        statement_timeout: Duration,
        sink: &mut dyn RowSink,
    ) -> Result<Outcome, Error> {
        let _ = (sql, statement_timeout, sink);
        Err(Error::Other("previewing a write needs PostgreSQL".into()))
    }
    /// Commits or rolls back the transaction [`Backend::preview`] left open.
    fn end_preview(&mut self, commit: bool) -> Result<(), Error> {
        let _ = commit;
        Err(Error::Other("no preview is open".into()))
    }

    /// Loads `rows` (text or NULL per field) with `sql` in one statement
    /// or transaction, so a failure loads nothing: PostgreSQL's `COPY …
    /// FROM STDIN WITH (FORMAT csv)`, SQLite's INSERT with one `?` per
    /// field. Returns the rows loaded; an error names the row (0-based)
    /// when the database said which.
    fn load(&mut self, sql: &str, rows: &[Vec<Option<String>>]) -> Result<u64, LoadError> {
        let _ = (sql, rows);
        Err((
            None,
            Error::Other("loading rows is not supported here".into()),
        ))
    }

    /// Runs one `COPY … TO STDOUT` statement inside the same read-only
    /// guard as [`Guard::ReadOnly`], writing the server's bytes to `out` as
    /// they arrive. Dates, intervals, floats and bytes are written in the
    /// forms glance's own decoding produces (ISO, hex). Only PostgreSQL has
    /// COPY; a failed write to `out` ends the copy with [`Error::Other`].
    fn copy_out(
        &mut self,
        sql: &str,
        statement_timeout: Duration,
        out: &mut dyn Write,
    ) -> Result<Outcome, Error> {
        let _ = (sql, statement_timeout, out);
        Err(Error::Other("COPY needs PostgreSQL".into()))
    }
}

/// Why [`Backend::load`] failed, and at which row when known.
pub type LoadError = (Option<usize>, Error);

/// Where to connect, as given by the user.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A `postgres://` URL, a libpq `key=value` string, or empty for the
    /// PG* environment and psql's defaults.
    Postgres(String),
    Sqlite(PathBuf),
    /// A `mysql://` or `mariadb://` URL, or empty for MYSQL_* variables
    /// and `~/.my.cnf` alone.
    Mysql(String),
}

impl Target {
    /// The SQL dialect spoken there.
    pub fn dialect(&self) -> Dialect {
        match self {
            Target::Postgres(_) => Dialect::Postgres,
            Target::Sqlite(_) => Dialect::Sqlite,
            Target::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Reads `-d`: `sqlite:PATH` or a path ending in .db/.sqlite/.sqlite3 is
    /// SQLite; a `mysql://` or `mariadb://` URL is MySQL; anything else (or
    /// nothing) is PostgreSQL.
    pub fn parse(database: Option<&str>) -> Target {
        let Some(s) = database else {
            return Target::Postgres(String::new());
        };
        if mysql::is_url(s) {
            return Target::Mysql(s.to_string());
        }
        if let Some(path) = s
            .strip_prefix("sqlite://")
            .or_else(|| s.strip_prefix("sqlite:"))
        {
            return Target::Sqlite(PathBuf::from(path));
        }
        let lower = s.to_ascii_lowercase();
        if [".db", ".sqlite", ".sqlite3"]
            .iter()
            .any(|ext| lower.ends_with(ext))
            && !lower.starts_with("postgres")
        {
            return Target::Sqlite(PathBuf::from(s));
        }
        Target::Postgres(s.to_string())
    }
}

/// Options that apply to every connection.
#[derive(Clone, Debug, Default)]
pub struct ConnectOptions {
    /// Overrides `connect_timeout` from the URL or environment.
    pub connect_timeout: Option<Duration>,
    /// A role the read-only guard switches to with `SET LOCAL ROLE`
    /// (PostgreSQL), so statements that run without asking have only its
    /// privileges.
    pub guard_role: Option<String>,
}

/// Opens a connection to `target`. What the person should be told on the
/// way, whether or not it opens (libpq's warning about a password file
/// others may read, which is then ignored), is added to `warnings` for the
/// front end to show: backends never print.
pub fn connect(
    target: &Target,
    options: &ConnectOptions,
    warnings: &mut Vec<String>,
) -> Result<Box<dyn Backend>, Error> {
    match target {
        Target::Postgres(conninfo) => Ok(Box::new(postgres::PgBackend::connect(
            conninfo, options, warnings,
        )?)),
        Target::Sqlite(path) => Ok(Box::new(sqlite::SqliteBackend::open(path)?)),
        Target::Mysql(url) => Ok(Box::new(mysql::MysqlBackend::connect(url, options)?)),
    }
}

/// Refuses SQL holding a NUL byte before anything else looks at it: SQLite
/// stops reading at `\0`, so it would run less than glance classified and
/// showed, and PostgreSQL's protocol cannot carry it at all.
pub fn reject_nul(sql: &str) -> Result<(), Error> {
    match sql.find('\0') {
        None => Ok(()),
        Some(at) => Err(Error::BadInput(format!(
            "the SQL holds a NUL byte (\\0) at character {}; glance runs no SQL that holds one, \
             because the database would not read the statement as it was shown: remove it",
            sql[..at].chars().count() + 1
        ))),
    }
}

/// A database error as the server reported it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerError {
    pub severity: Option<String>,
    pub sqlstate: Option<String>,
    pub message: String,
    pub detail: Option<String>,
    pub hint: Option<String>,
    /// 1-based character position in the statement, where the server gave one.
    pub position: Option<usize>,
}

/// Why a connection could not be opened: where, what, and what to do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectError {
    /// Which kind of server it was, which decides the hint's wording.
    pub dialect: Dialect,
    /// `host:port/database` or a file path; never a password.
    pub location: String,
    pub message: String,
    pub cause: ConnectCause,
}

/// The likely cause of a failed connection, which decides the hint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectCause {
    ServerNotRunning,
    Authentication,
    /// The server asks for a password and none was given (URL, PGPASSWORD,
    /// pgpass, profile); the caller may ask the person for one.
    PasswordMissing,
    Tls,
    DatabaseMissing,
    Timeout,
    BadConnectionString,
    /// A SQLite path that does not name an existing file.
    FileMissing,
    /// A file that is not a SQLite database.
    NotADatabase,
    /// The profile's `guard_role` is missing or not granted to the user.
    GuardRole,
    Other,
}

impl ConnectError {
    /// What the user can do about it, for the `hint:` line.
    pub fn hint(&self) -> String {
        match self.cause {
            ConnectCause::FileMissing => {
                "check the path; glance opens existing SQLite files and never creates one \
                 (make one with: sqlite3 FILE \"vacuum\"), or try --demo"
                    .to_string()
            }
            ConnectCause::NotADatabase => {
                "the file exists but is not a SQLite database; check the path".to_string()
            }
            ConnectCause::GuardRole => {
                "create the role with `glance setup-reader NAME` (it prints the SQL) and grant it \
                 to the user glance connects as, or remove guard_role from the profile"
                    .to_string()
            }
            _ if self.dialect == Dialect::Mysql => mysql::connect_hint(self),
            _ => postgres::connect_hint(self),
        }
    }
}

/// Errors from the database layer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("could not connect to {}: {}", .0.location, .0.message)]
    Connect(ConnectError),
    #[error("{}", .0.message)]
    Server(Box<ServerError>),
    #[error("canceling statement due to user request")]
    Cancelled,
    #[error("connection lost: {0}")]
    ConnectionLost(String),
    /// The server guard caught something the classifier let through.
    #[error("refused by the read-only guard: {0}")]
    Guard(String),
    /// The statement text itself is unacceptable; nothing was sent.
    #[error("{0}")]
    BadInput(String),
    #[error("{0}")]
    Other(String),
}

impl From<ServerError> for Error {
    fn from(error: ServerError) -> Self {
        Error::Server(Box::new(error))
    }
}

impl fmt::Display for ConnectCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectCause::ServerNotRunning => "server not running or not accepting connections",
            ConnectCause::Authentication => "authentication failed",
            ConnectCause::PasswordMissing => "password required",
            ConnectCause::Tls => "TLS negotiation failed",
            ConnectCause::DatabaseMissing => "database does not exist",
            ConnectCause::Timeout => "connection timed out",
            ConnectCause::BadConnectionString => "invalid connection string",
            ConnectCause::FileMissing => "database file not found",
            ConnectCause::NotADatabase => "not a database file",
            ConnectCause::GuardRole => "guard role unusable",
            ConnectCause::Other => "connection failed",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nul_byte_is_refused_with_its_place() {
        assert!(reject_nul("select 1").is_ok());
        let Err(Error::BadInput(message)) = reject_nul("select 'é' /* a\0 */") else {
            panic!("a NUL byte must be refused")
        };
        assert!(message.contains("at character 16"), "{message}");
    }

    #[test]
    fn target_parse_picks_backend_by_form() {
        assert_eq!(Target::parse(None), Target::Postgres(String::new()));
        assert_eq!(Target::parse(Some("sqlite:x")), Target::Sqlite("x".into()));
        assert_eq!(
            Target::parse(Some("shop.DB")),
            Target::Sqlite("shop.DB".into())
        );
        assert_eq!(
            Target::parse(Some("a/b.sqlite3")),
            Target::Sqlite("a/b.sqlite3".into())
        );
        assert_eq!(
            Target::parse(Some("postgres://u@h/x.db")),
            Target::Postgres("postgres://u@h/x.db".into())
        );
        assert_eq!(
            Target::parse(Some("MariaDB://h/x.db")),
            Target::Mysql("MariaDB://h/x.db".into())
        );
        assert_eq!(
            Target::parse(Some("dbname=x")),
            Target::Postgres("dbname=x".into())
        );
    }
}
