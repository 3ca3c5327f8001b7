//! MySQL and MariaDB backend over the synchronous `mysql` crate, with rustls.
//!
//! Invariants: statement text from a person or the model reaches the
//! server only as a prepared statement (binary protocol), one statement,
//! closed after use; glance's own constant statements use the text
//! protocol. A [`Guard::ReadOnly`] statement runs inside the guard of
//! [`guard`], always rolled back. The session's `sql_mode` never holds
//! ANSI_QUOTES or NO_BACKSLASH_ESCAPES, so the server reads statement text
//! as the classifier does. Rows stream to the sink in chunks; memory stays
//! flat whatever the size of a result.

#[path = "mysql/connect.rs"]
mod connect;
#[path = "mysql/errors.rs"]
mod errors;
#[path = "mysql/guard.rs"]
mod guard;
#[path = "mysql/introspect.rs"]
mod introspect;
#[path = "mysql/params.rs"]
pub mod params;
#[path = "mysql/stream.rs"]
mod stream;
#[path = "mysql/value.rs"]
mod value;

pub use errors::connect_hint;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mysql::prelude::Queryable;
use mysql::{Conn, Opts};

use self::guard::{Work, transaction_open};
use self::stream::Clock;
use super::postgres::Login;
use super::{
    Backend, Canceller, ConnInfo, ConnectOptions, Dialect, Error, Guard, Outcome, OutcomeKind,
    Param, RowSink, Transaction,
};
use crate::catalog::Catalog;

/// `Cannot execute statement in a READ ONLY transaction`, as a warning.
const READ_ONLY_TRANSACTION: u32 = 1792;
/// How long a connection sits idle before [`Backend::is_lost`] asks the
/// server whether it is still there.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(5);

/// Whether `-d` names a MySQL server.
pub fn is_url(text: &str) -> bool {
    let lower = text.get(..10).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("mysql://") || lower.starts_with("mariadb://")
}

/// The [`Login`] a URL names, and whether it gives a password (URL,
/// MYSQL_PWD or `~/.my.cnf`).
pub fn login(url: &str) -> Result<(Login, bool), String> {
    let params = params::Params::resolve(url, &params::Defaults::from_environment())?;
    let socket = params.socket_path(|path| path.exists());
    Ok((
        Login {
            dialect: Dialect::Mysql,
            host: match &socket {
                Some(path) => path.to_string_lossy().into_owned(),
                None => params.host.clone().unwrap_or_else(|| "localhost".into()),
            },
            port: params.tcp_port(),
            user: params.user_or_login(),
            location: params.location(socket.as_deref()),
        },
        params.password.is_some(),
    ))
}

/// A connection to a MySQL or MariaDB server.
pub struct MysqlBackend {
    conn: Conn,
    info: ConnInfo,
    mariadb: bool,
    canceller: Arc<MysqlCanceller>,
    /// True while the person has a transaction of their own open.
    in_transaction: bool,
    /// Set when the connection broke.
    lost: bool,
    /// When glance last heard from the server.
    last_used: Instant,
    restored: Vec<String>,
    notices: Vec<String>,
}

impl MysqlBackend {
    /// Connects to what `url` names, or with an empty URL to what the
    /// MYSQL_* variables and `~/.my.cnf` say.
    pub fn connect(url: &str, options: &ConnectOptions) -> Result<Self, Error> {
        let opened = connect::open(url, options)?;
        let location = opened.location;
        let mut conn = opened.conn;
        let fail = |e: mysql::Error| errors::connect_error(&e, &location, true);
        connect::keep_sql_mode(&mut conn).map_err(fail)?;
        let session = connect::Session::read(&mut conn).map_err(fail)?;
        let canceller = Arc::new(MysqlCanceller {
            opts: opened.opts,
            id: conn.connection_id(),
            requested: AtomicBool::new(false),
        });
        Ok(MysqlBackend {
            conn,
            info: ConnInfo {
                dialect: Dialect::Mysql,
                location,
                database: session.database,
                user: Some(opened.user),
                server_version: session.server_version,
                superuser: session.superuser,
                tls: session.tls,
                grants_only_reads: session.grants_only_reads,
            },
            mariadb: session.mariadb,
            canceller,
            in_transaction: false,
            lost: false,
            last_used: Instant::now(),
            restored: Vec::new(),
            notices: Vec::new(),
        })
    }

    /// Starts a statement: earlier notices and cancels are forgotten.
    fn begin(&mut self, sql: &str) -> Result<(), Error> {
        super::reject_nul(sql)?;
        self.notices.clear();
        self.canceller.requested.store(false, Ordering::SeqCst);
        Ok(())
    }

    fn err(&self) -> impl Fn(mysql::Error) -> Error + use<> {
        let cancel = self.canceller.clone();
        move |e| errors::query_error(e, cancel.was_requested())
    }

    /// Notes a lost connection, so [`Backend::is_lost`] can tell.
    fn noting<T>(&mut self, result: Result<T, Error>) -> Result<T, Error> {
        if let Err(Error::ConnectionLost(_)) = &result {
            self.lost = true;
        }
        self.last_used = Instant::now();
        result
    }

    /// A statement as typed, in autocommit or the person's transaction.
    fn run_direct(
        &mut self,
        sql: &str,
        params: &[Param],
        sink: &mut dyn RowSink,
        clock: &mut Clock,
    ) -> Result<OutcomeKind, Error> {
        let err = self.err();
        let canceller = self.canceller.clone();
        let stop = move || canceller.kill();
        let result = stream::run(&mut self.conn, sql, params, sink, clock, &stop).map_err(&err);
        self.collect_warnings();
        if let Ok(open) = transaction_open(&mut self.conn, self.mariadb) {
            self.in_transaction = open;
        }
        self.keep_sql_mode();
        self.follow_database();
        result
    }

    /// Keeps the current database as `USE` left it, for the prompt and
    /// `\conninfo`.
    fn follow_database(&mut self) {
        let Ok(Some(current)) = self
            .conn
            .query_first::<Option<String>, _>("SELECT DATABASE()")
        else {
            return;
        };
        let current = current.unwrap_or_default();
        if current != self.info.database {
            if let Some((place, _)) = self.info.location.rsplit_once('/') {
                self.info.location = format!("{place}/{current}");
            }
            self.info.database = current;
        }
    }

    /// `SHOW WARNINGS` after a statement that reported some, but for
    /// those the guard itself causes: MariaDB warns that it could not save
    /// table statistics while `information_schema` or `SHOW TABLE STATUS`
    /// reads them in a read-only transaction.
    fn collect_warnings(&mut self) {
        if self.conn.warnings() == 0 {
            return;
        }
        let rows: Result<Vec<(String, u32, String)>, _> = self.conn.query("SHOW WARNINGS");
        if let Ok(rows) = rows {
            self.notices.extend(
                rows.into_iter()
                    .filter(|(_, code, _)| *code != READ_ONLY_TRANSACTION)
                    .map(|(level, code, message)| format!("{level} {code}: {message}")),
            );
        }
    }

    /// Puts `sql_mode` back when a confirmed statement set a flag glance
    /// cannot read statements under, and remembers to say so.
    fn keep_sql_mode(&mut self) {
        if connect::keep_sql_mode(&mut self.conn).unwrap_or(false) {
            self.restored.push("sql_mode".into());
        }
    }

    /// Runs `read` on the connection inside a read-only transaction that is
    /// rolled back (or, in the person's transaction, as it stands).
    fn read_only<T>(
        &mut self,
        read: impl FnOnce(&mut Conn) -> Result<T, mysql::Error>,
    ) -> Result<T, Error> {
        let err = self.err();
        if self.in_transaction {
            return read(&mut self.conn).map_err(err);
        }
        self.conn
            .query_drop("START TRANSACTION READ ONLY")
            .map_err(&err)?;
        let result = read(&mut self.conn);
        let rollback = self.conn.query_drop("ROLLBACK");
        let value = result.map_err(&err)?;
        rollback.map_err(&err)?;
        Ok(value)
    }

    fn load_rows(
        &mut self,
        sql: &str,
        rows: &[Vec<Option<String>>],
    ) -> Result<u64, super::LoadError> {
        let err = self.err();
        let stmt = self.conn.prep(sql).map_err(|e| (None, err(e)))?;
        let mut loaded = 0;
        for (i, row) in rows.iter().enumerate() {
            let params: Vec<mysql::Value> = row
                .iter()
                .map(|f| {
                    f.as_ref().map_or(mysql::Value::NULL, |v| {
                        mysql::Value::Bytes(v.clone().into_bytes())
                    })
                })
                .collect();
            if let Err(e) = self.conn.exec_drop(&stmt, params) {
                let _ = self.conn.close(stmt);
                return Err((Some(i), err(e)));
            }
            loaded += 1;
        }
        self.conn.close(stmt).map_err(|e| (None, err(e)))?;
        Ok(loaded)
    }
}

impl Backend for MysqlBackend {
    fn info(&self) -> &ConnInfo {
        &self.info
    }

    fn introspect(&mut self) -> Result<Catalog, Error> {
        let result = self.read_only(introspect::catalog);
        self.noting(result)
    }

    fn sample_values(&mut self, catalog: &mut Catalog) -> Result<(), Error> {
        let result = self.read_only(|conn| introspect::sample_values(conn, catalog));
        self.noting(result)
    }

    fn run(
        &mut self,
        sql: &str,
        params: &[Param],
        guard: Guard,
        sink: &mut dyn RowSink,
    ) -> Result<Outcome, Error> {
        self.begin(sql)?;
        let mut clock = Clock::default();
        let kind = match guard {
            Guard::Direct => self.run_direct(sql, params, sink, &mut clock),
            Guard::ReadOnly { statement_timeout } | Guard::GenericPlans { statement_timeout } => {
                self.run_guarded(Work::Rows(sql, params, sink), statement_timeout, &mut clock)
            }
        };
        let kind = self.noting(kind)?;
        Ok(Outcome {
            kind,
            db_time: clock.total,
        })
    }

    fn check(&mut self, sql: &str, statement_timeout: Duration) -> Result<(), Error> {
        self.begin(sql)?;
        let mut clock = Clock::default();
        let checked = self.run_guarded(Work::Parse(sql), statement_timeout, &mut clock);
        match self.noting(checked) {
            // Privileges are checked when a statement is prepared: a
            // refusal says the server read it, which is all a check tells.
            Err(Error::Server(e)) if errors::is_privilege(&e) => Ok(()),
            checked => checked.map(|_| ()),
        }
    }

    fn canceller(&self) -> Arc<dyn Canceller> {
        self.canceller.clone()
    }

    /// A connection that broke during a statement is lost; one idle for a
    /// while is asked (a ping), since servers end idle sessions
    /// (`wait_timeout`) and restart without a word to the client.
    fn is_lost(&mut self) -> bool {
        if !self.lost && self.last_used.elapsed() >= IDLE_BEFORE_PING {
            self.lost = self.conn.ping().is_err();
            self.last_used = Instant::now();
        }
        self.lost
    }

    fn take_restored(&mut self) -> Vec<String> {
        std::mem::take(&mut self.restored)
    }

    fn take_notices(&mut self) -> Vec<String> {
        std::mem::take(&mut self.notices)
    }

    fn in_transaction(&self) -> bool {
        self.in_transaction
    }

    fn transaction(&self) -> Transaction {
        if self.in_transaction {
            Transaction::Open
        } else {
            Transaction::Idle
        }
    }

    /// INSERTs `sql` (one `?` per field) for every row in one transaction
    /// (a savepoint in the person's own), undone on the first error.
    fn load(&mut self, sql: &str, rows: &[Vec<Option<String>>]) -> Result<u64, super::LoadError> {
        self.begin(sql).map_err(|e| (None, e))?;
        let err = self.err();
        let (open, undo, done) = if self.in_transaction {
            (
                "SAVEPOINT glance_load",
                "ROLLBACK TO SAVEPOINT glance_load",
                "RELEASE SAVEPOINT glance_load",
            )
        } else {
            ("START TRANSACTION", "ROLLBACK", "COMMIT")
        };
        self.conn.query_drop(open).map_err(|e| (None, err(e)))?;
        let loaded = match self.load_rows(sql, rows) {
            Ok(n) => self
                .conn
                .query_drop(done)
                .map(|()| n)
                .map_err(|e| (None, err(e))),
            Err(e) => {
                let _ = self.conn.query_drop(undo);
                Err(e)
            }
        };
        self.keep_sql_mode();
        self.last_used = Instant::now();
        if let Err((_, Error::ConnectionLost(_))) = &loaded {
            self.lost = true;
        }
        loaded
    }
}

/// Interrupts the running statement with `KILL QUERY` from a second
/// connection, opened with the same options.
struct MysqlCanceller {
    opts: Opts,
    id: u32,
    /// Set when the person cancelled during the current statement, so the
    /// interruption reads as their cancel.
    requested: AtomicBool,
}

impl MysqlCanceller {
    fn was_requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// Sends `KILL QUERY`, without marking it as the person's cancel.
    fn kill(&self) {
        // Nothing useful to do when the second connection cannot be made:
        // the statement runs on, as with a lost PostgreSQL cancel request.
        if let Ok(mut conn) = Conn::new(self.opts.clone()) {
            let _ = conn.query_drop(format!("KILL QUERY {}", self.id));
        }
    }
}

impl Canceller for MysqlCanceller {
    fn cancel(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.kill();
    }
}
