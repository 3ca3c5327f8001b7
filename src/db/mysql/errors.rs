//! MySQL errors as glance's: a failed connection with its likely cause, a
//! server error with its number and SQLSTATE, a cancel, a lost connection.
//!
//! Invariant: no message made here holds a password; the driver's own
//! texts never include one.

use std::io::ErrorKind;

use mysql::{DriverError, MySqlError};

use crate::db::{ConnectCause, ConnectError, Dialect, Error, ServerError};

/// `Access denied for user …`.
const ACCESS_DENIED: u16 = 1045;
/// `Unknown database …`.
const UNKNOWN_DATABASE: u16 = 1049;
/// `Access denied for user … to database …`: the database is missing or
/// the user may not use it; the server does not say which.
const DATABASE_DENIED: u16 = 1044;
/// `Query execution was interrupted`: `KILL QUERY`.
pub(super) const QUERY_INTERRUPTED: u16 = 1317;
/// MariaDB's `max_statement_time exceeded` and MySQL's
/// `maximum statement execution time exceeded`.
const STATEMENT_TIMEOUTS: [u16; 2] = [1969, 3024];
/// `Server shutdown in progress`.
const SERVER_SHUTDOWN: u16 = 1053;
/// MariaDB's `Connection was killed`.
const CONNECTION_KILLED: u16 = 1927;
/// The client library's `server has gone away` / `lost connection`.
const GONE_AWAY: [u16; 2] = [2006, 2013];

/// A failed connection attempt; `password_given` tells an access denied
/// for want of a password from a wrong one.
pub fn connect_error(error: &mysql::Error, location: &str, password_given: bool) -> Error {
    let (cause, message) = match error {
        mysql::Error::MySqlError(e) => {
            let cause = match e.code {
                ACCESS_DENIED if !password_given => ConnectCause::PasswordMissing,
                ACCESS_DENIED => ConnectCause::Authentication,
                UNKNOWN_DATABASE | DATABASE_DENIED => ConnectCause::DatabaseMissing,
                _ => ConnectCause::Other,
            };
            (cause, format!("{cause}: {}", server_text(&e.message)))
        }
        mysql::Error::IoError(e) => (io_cause(e.kind()), e.to_string()),
        mysql::Error::DriverError(DriverError::CouldNotConnect(Some((_, text, kind)))) => {
            (io_cause(*kind), text.clone())
        }
        mysql::Error::DriverError(DriverError::ConnectTimeout | DriverError::Timeout) => (
            ConnectCause::Timeout,
            "the server did not answer in time".into(),
        ),
        mysql::Error::DriverError(DriverError::TlsNotSupported) => (
            ConnectCause::Tls,
            "the server does not support TLS, which ssl-mode asks for".into(),
        ),
        mysql::Error::TlsError(e) => (ConnectCause::Tls, e.to_string()),
        mysql::Error::UrlError(e) => (ConnectCause::BadConnectionString, e.to_string()),
        other => (ConnectCause::Other, other.to_string()),
    };
    Error::Connect(ConnectError {
        dialect: Dialect::Mysql,
        location: location.to_string(),
        message,
        cause,
    })
}

/// The server's message without `(using password: YES)`, which the cause
/// already says and which reads like a secret.
fn server_text(message: &str) -> &str {
    match message.find(" (using password: ") {
        Some(at) => &message[..at],
        None => message,
    }
}

fn io_cause(kind: ErrorKind) -> ConnectCause {
    match kind {
        ErrorKind::TimedOut | ErrorKind::WouldBlock => ConnectCause::Timeout,
        _ => ConnectCause::ServerNotRunning,
    }
}

/// An error while running a statement; `cancel_requested` turns the
/// interruption `KILL QUERY` causes into [`Error::Cancelled`].
pub fn query_error(error: mysql::Error, cancel_requested: bool) -> Error {
    match error {
        mysql::Error::MySqlError(e) if e.code == QUERY_INTERRUPTED && cancel_requested => {
            Error::Cancelled
        }
        mysql::Error::MySqlError(e)
            if e.code == SERVER_SHUTDOWN
                || e.code == CONNECTION_KILLED
                || GONE_AWAY.contains(&e.code) =>
        {
            Error::ConnectionLost(e.message)
        }
        mysql::Error::MySqlError(e) => server_error(e),
        mysql::Error::IoError(e) => Error::ConnectionLost(e.to_string()),
        mysql::Error::CodecError(e) => Error::ConnectionLost(e.to_string()),
        other => Error::Other(other.to_string()),
    }
}

/// Privilege refusals: `Access denied …` for a database, a table, a
/// column, a routine, or a privilege such as FILE or SUPER.
const PRIVILEGE_DENIED: [&str; 5] = ["1044", "1142", "1143", "1227", "1370"];

/// Whether a server error (as [`server_error`] makes it) refuses a
/// privilege rather than the statement's text.
pub fn is_privilege(e: &ServerError) -> bool {
    e.severity
        .as_deref()
        .and_then(|s| s.strip_prefix("ERROR "))
        .is_some_and(|code| PRIVILEGE_DENIED.contains(&code))
}

/// Whether the server stopped the statement at its time limit.
pub fn is_timeout(error: &mysql::Error) -> bool {
    matches!(error, mysql::Error::MySqlError(e) if STATEMENT_TIMEOUTS.contains(&e.code))
}

/// The server's error as the mysql client shows it: `ERROR 1146` with its
/// SQLSTATE and message.
pub fn server_error(e: MySqlError) -> Error {
    ServerError {
        severity: Some(format!("ERROR {}", e.code)),
        sqlstate: Some(e.state),
        message: e.message,
        ..ServerError::default()
    }
    .into()
}

/// What to do about a failed MySQL connection, for the `hint:` line.
pub fn connect_hint(err: &ConnectError) -> String {
    let place = err.location.rsplit_once('/').map_or("", |(place, _)| place);
    let db = err.location.rsplit_once('/').map_or("", |(_, db)| db);
    match err.cause {
        ConnectCause::ServerNotRunning if place.starts_with('/') => format!(
            "is the server running locally with its socket at {place}? \
             Give another with ?socket=PATH, or a host with -d mysql://USER@HOST:3306/DB"
        ),
        ConnectCause::ServerNotRunning => {
            format!("is the server running on {place} and accepting TCP connections?")
        }
        ConnectCause::Authentication => {
            "check the user name and password (URL, MYSQL_PWD, ~/.my.cnf [client])".to_string()
        }
        ConnectCause::PasswordMissing => {
            "give the password in the URL as mysql://USER:PASSWORD@HOST/DB, in MYSQL_PWD, on a \
             password line under [client] in ~/.my.cnf, or in the profile's password_env; in a \
             terminal glance asks for it unless -w is given"
                .to_string()
        }
        ConnectCause::DatabaseMissing => format!(
            "`{db}` does not exist, or this user may not use it (the server does not say \
             which to users without grants): pick another with -d, or create it with: \
             mysql -e 'CREATE DATABASE `{db}`'"
        ),
        ConnectCause::Tls => {
            "check ssl-mode and ssl-ca: VERIFY_CA and VERIFY_IDENTITY need the server's CA \
             certificate (?ssl-ca=PATH); ssl-mode=PREFERRED falls back to no encryption"
                .to_string()
        }
        ConnectCause::Timeout => format!(
            "the server at {place} did not answer in time; check the host and firewall, or raise connect_timeout"
        ),
        ConnectCause::BadConnectionString => {
            "use a URL like mysql://user@host:3306/dbname?ssl-mode=REQUIRED".to_string()
        }
        _ => "check the server's error log for details".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(code: u16) -> mysql::Error {
        mysql::Error::MySqlError(MySqlError {
            state: "28000".into(),
            message: format!("error {code}"),
            code,
        })
    }

    fn cause(error: Error) -> ConnectCause {
        match error {
            Error::Connect(e) => e.cause,
            other => panic!("not a connect error: {other}"),
        }
    }

    #[test]
    fn connect_errors_have_causes() {
        assert_eq!(
            cause(connect_error(&server(1045), "h:1/d", false)),
            ConnectCause::PasswordMissing
        );
        assert_eq!(
            cause(connect_error(&server(1045), "h:1/d", true)),
            ConnectCause::Authentication
        );
        assert_eq!(
            cause(connect_error(&server(1049), "h:1/d", true)),
            ConnectCause::DatabaseMissing
        );
        let refused = mysql::Error::IoError(std::io::Error::from(ErrorKind::ConnectionRefused));
        assert_eq!(
            cause(connect_error(&refused, "h:1/d", true)),
            ConnectCause::ServerNotRunning
        );
        let tls = mysql::Error::DriverError(DriverError::TlsNotSupported);
        assert_eq!(cause(connect_error(&tls, "h:1/d", true)), ConnectCause::Tls);
    }

    #[test]
    fn connect_messages_say_the_cause_first() {
        let denied = mysql::Error::MySqlError(MySqlError {
            state: "28000".into(),
            message: "Access denied for user 'a'@'h' (using password: YES)".into(),
            code: 1045,
        });
        let Error::Connect(e) = connect_error(&denied, "h:1/d", true) else {
            panic!()
        };
        assert_eq!(
            e.message,
            "authentication failed: Access denied for user 'a'@'h'"
        );
    }

    #[test]
    fn query_errors_keep_number_and_state() {
        let Error::Server(e) = query_error(server(1146), false) else {
            panic!()
        };
        assert_eq!(e.severity.as_deref(), Some("ERROR 1146"));
        assert_eq!(e.sqlstate.as_deref(), Some("28000"));
        assert!(matches!(query_error(server(1317), true), Error::Cancelled));
        assert!(matches!(query_error(server(1317), false), Error::Server(_)));
        assert!(matches!(
            query_error(server(1927), false),
            Error::ConnectionLost(_)
        ));
    }

    #[test]
    fn privilege_refusals_are_told_from_other_errors() {
        let error = |code: &str| ServerError {
            severity: Some(format!("ERROR {code}")),
            ..ServerError::default()
        };
        assert!(is_privilege(&error("1227")));
        assert!(is_privilege(&error("1142")));
        assert!(!is_privilege(&error("1064")));
        assert!(!is_privilege(&ServerError::default()));
    }

    #[test]
    fn hints_name_the_place() {
        let e = |cause, location: &str| ConnectError {
            dialect: Dialect::Mysql,
            location: location.into(),
            message: String::new(),
            cause,
        };
        assert!(
            connect_hint(&e(ConnectCause::ServerNotRunning, "/run/m.sock/shop"))
                .contains("/run/m.sock")
        );
        assert!(
            connect_hint(&e(ConnectCause::ServerNotRunning, "db:3306/shop")).contains("db:3306")
        );
        assert!(connect_hint(&e(ConnectCause::DatabaseMissing, "db:3306/shop")).contains("`shop`"));
    }
}
