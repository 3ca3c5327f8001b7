//! Turning driver errors into glance's typed errors, and connect hints.
//!
//! Invariant: every failure maps to exactly one [`Error`]; connection
//! failures carry a [`ConnectCause`] chosen from the SQLSTATE or the OS
//! error, never from guesswork about the wording when a code is available.

use std::error::Error as _;
use std::io;

use postgres::error::{DbError, ErrorPosition};

use crate::db::{ConnectCause, ConnectError, Error, ServerError};

/// The driver's message with every cause in its chain, e.g.
/// `error connecting to server: Connection refused (os error 111)`.
pub fn error_text(err: &postgres::Error) -> String {
    if let Some(db) = err.as_db_error() {
        return db.message().to_string();
    }
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The first I/O error kind in the error's cause chain.
fn io_kind(err: &postgres::Error) -> Option<io::ErrorKind> {
    let mut source = err.source();
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        source = s.source();
    }
    None
}

/// Picks the cause of a failed connection from its SQLSTATE, I/O error kind
/// and (for TLS and authentication, which the driver reports without codes)
/// the driver's wording.
pub fn classify(sqlstate: Option<&str>, io: Option<io::ErrorKind>, text: &str) -> ConnectCause {
    match sqlstate {
        Some("28P01" | "28000") => return ConnectCause::Authentication,
        Some("3D000") => return ConnectCause::DatabaseMissing,
        Some("57P03") => return ConnectCause::ServerNotRunning,
        Some(_) => return ConnectCause::Other,
        None => {}
    }
    if text.starts_with("error performing TLS handshake")
        || text.contains("server does not support TLS")
    {
        return ConnectCause::Tls;
    }
    if text.contains("password missing") {
        return ConnectCause::PasswordMissing;
    }
    if text.starts_with("authentication error") {
        return ConnectCause::Authentication;
    }
    match io {
        Some(
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::NotFound
            | io::ErrorKind::AddrNotAvailable,
        ) => ConnectCause::ServerNotRunning,
        Some(io::ErrorKind::TimedOut) => ConnectCause::Timeout,
        _ if text.starts_with("timeout") => ConnectCause::Timeout,
        _ => ConnectCause::Other,
    }
}

/// One connection failure as a [`ConnectError`] at `location`.
pub fn connect_error(err: &postgres::Error, location: &str) -> Error {
    let code = err.code().map(|c| c.code());
    // The whole chain: a configuration error says what is wrong only in its
    // cause (`invalid configuration: password missing`).
    let message = error_text(err);
    Error::Connect(ConnectError {
        dialect: crate::db::Dialect::Postgres,
        location: location.to_string(),
        cause: classify(code, io_kind(err), &message),
        message,
    })
}

/// A failure while running a statement. `cancel_requested` says whether the
/// user asked to cancel, which turns `query_canceled` into [`Error::Cancelled`].
pub fn query_error(err: &postgres::Error, cancel_requested: bool) -> Error {
    if let Some(db) = err.as_db_error() {
        if db.code().code() == "57014" && cancel_requested {
            return Error::Cancelled;
        }
        if matches!(db.severity(), "FATAL" | "PANIC") {
            return Error::ConnectionLost(db.message().to_string());
        }
        return Error::from(server_error(db));
    }
    if err.is_closed() || io_kind(err).is_some() {
        return Error::ConnectionLost(error_text(err));
    }
    Error::Other(error_text(err))
}

/// The server's error report, field by field.
pub fn server_error(db: &DbError) -> ServerError {
    ServerError {
        severity: Some(db.severity().to_string()),
        sqlstate: Some(db.code().code().to_string()),
        message: db.message().to_string(),
        detail: db.detail().map(str::to_string),
        hint: db.hint().map(str::to_string),
        position: match db.position() {
            Some(ErrorPosition::Original(p)) => usize::try_from(*p).ok(),
            _ => None,
        },
    }
}

/// What the user can do about a failed connection.
pub fn connect_hint(err: &ConnectError) -> String {
    let (host, port, db) = split_location(&err.location);
    match err.cause {
        ConnectCause::ServerNotRunning if host.starts_with('/') => format!(
            "is the server running locally and accepting connections on the Unix socket \"{host}/.s.PGSQL.{port}\"?"
        ),
        ConnectCause::ServerNotRunning => {
            format!("is the server running on {host} port {port} and accepting TCP connections?")
        }
        ConnectCause::Authentication => {
            "check the user name and password (PGPASSWORD, ~/.pgpass)".to_string()
        }
        ConnectCause::PasswordMissing => password_hint(host, port, db),
        ConnectCause::DatabaseMissing => {
            format!("create it with: createdb {db}, or pick another with -d")
        }
        ConnectCause::Tls => tls_hint(&err.message).to_string(),
        ConnectCause::Timeout => format!(
            "the server at {host} port {port} did not answer in time; check the host and firewall, or raise connect_timeout"
        ),
        ConnectCause::BadConnectionString => "use a URL like postgres://user@host:5432/dbname or key=value pairs like \"host=localhost dbname=shop\"".to_string(),
        ConnectCause::Other
        | ConnectCause::FileMissing
        | ConnectCause::NotADatabase
        | ConnectCause::GuardRole => {
            "check the server log for details".to_string()
        }
    }
}

/// Where a password can come from when there is no terminal to ask on (or
/// `-w` forbids asking): every source glance reads, the way psql users know.
fn password_hint(host: &str, port: &str, db: &str) -> String {
    let db = if db.is_empty() { "DB" } else { db };
    format!(
        "give the password in PGPASSWORD, in ~/.pgpass (a line {host}:{port}:{db}:USER:PASSWORD, \
         mode 0600), in the profile's password_env, or in the URL as \
         postgres://USER:PASSWORD@HOST/DB; in a terminal glance asks for it unless -w is given"
    )
}

/// The hint for a failed TLS handshake. rustls reports no code through the
/// driver, so its wording picks the two failures with one clear remedy.
fn tls_hint(message: &str) -> &'static str {
    if message.contains("UnknownIssuer") {
        "the server's certificate is not signed by a CA glance trusts; set sslrootcert to the PEM file of the CA that signed it"
    } else if message.contains("not valid for name") || message.contains("NotValidForName") {
        "the server's certificate does not name the host glance connected to; connect by a name the certificate lists, or use sslmode=verify-ca to check the CA (sslrootcert) but not the name"
    } else {
        "the server's certificate could not be verified or TLS could not be negotiated; check sslrootcert or use sslmode=require (or sslmode=disable for a server without TLS)"
    }
}

/// Splits `host:port/db` (host may be `[v6]` or a socket directory): the
/// port is the first run of digits between a `:` and a `/`.
fn split_location(location: &str) -> (&str, &str, &str) {
    for (i, _) in location.match_indices(':') {
        if let Some((port, db)) = location[i + 1..].split_once('/')
            && !port.is_empty()
            && port.bytes().all(|b| b.is_ascii_digit())
        {
            let host = location[..i].trim_start_matches('[').trim_end_matches(']');
            return (host, port, db);
        }
    }
    (location, "5432", "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_from_codes_and_os_errors() {
        assert_eq!(
            classify(Some("28P01"), None, "db error"),
            ConnectCause::Authentication
        );
        assert_eq!(
            classify(Some("28000"), None, "db error"),
            ConnectCause::Authentication
        );
        assert_eq!(
            classify(Some("3D000"), None, "db error"),
            ConnectCause::DatabaseMissing
        );
        assert_eq!(
            classify(Some("53300"), None, "db error"),
            ConnectCause::Other
        );
        assert_eq!(
            classify(
                None,
                Some(io::ErrorKind::ConnectionRefused),
                "error connecting to server"
            ),
            ConnectCause::ServerNotRunning
        );
        assert_eq!(
            classify(
                None,
                Some(io::ErrorKind::NotFound),
                "error connecting to server"
            ),
            ConnectCause::ServerNotRunning
        );
        assert_eq!(
            classify(
                None,
                Some(io::ErrorKind::TimedOut),
                "error connecting to server"
            ),
            ConnectCause::Timeout
        );
        assert_eq!(
            classify(None, None, "timeout waiting for server"),
            ConnectCause::Timeout
        );
        assert_eq!(
            classify(
                None,
                Some(io::ErrorKind::InvalidData),
                "error performing TLS handshake"
            ),
            ConnectCause::Tls
        );
        assert_eq!(
            classify(None, None, "authentication error"),
            ConnectCause::Authentication
        );
        assert_eq!(
            classify(None, None, "invalid configuration: password missing"),
            ConnectCause::PasswordMissing
        );
        assert_eq!(
            classify(None, None, "unexpected message from server"),
            ConnectCause::Other
        );
    }

    fn hint(location: &str, cause: ConnectCause) -> String {
        connect_hint(&ConnectError {
            dialect: crate::db::Dialect::Postgres,
            location: location.into(),
            message: String::new(),
            cause,
        })
    }

    #[test]
    fn hints_name_the_place() {
        assert_eq!(
            hint("127.0.0.1:5999/shop", ConnectCause::ServerNotRunning),
            "is the server running on 127.0.0.1 port 5999 and accepting TCP connections?"
        );
        assert!(
            hint(
                "/var/run/postgresql:5432/shop",
                ConnectCause::ServerNotRunning
            )
            .contains("/var/run/postgresql/.s.PGSQL.5432")
        );
        assert!(
            hint("[::1]:5432/shop", ConnectCause::ServerNotRunning).contains("on ::1 port 5432")
        );
        assert_eq!(
            hint("h:5432/shop", ConnectCause::DatabaseMissing),
            "create it with: createdb shop, or pick another with -d"
        );
        assert!(hint("h:5432/x", ConnectCause::Authentication).contains("~/.pgpass"));
        assert!(hint("h:5432/x", ConnectCause::Tls).contains("sslrootcert"));
    }

    #[test]
    fn a_missing_password_names_every_place_one_can_come_from() {
        let text = hint("db.example.com:5433/shop", ConnectCause::PasswordMissing);
        for needle in [
            "PGPASSWORD",
            "~/.pgpass",
            "db.example.com:5433:shop:USER:PASSWORD",
            "password_env",
            "postgres://USER:PASSWORD@HOST/DB",
            "-w",
        ] {
            assert!(text.contains(needle), "{needle} missing from: {text}");
        }
        assert!(!text.contains("server log"), "{text}");
    }

    #[test]
    fn tls_hints_follow_the_certificate_error() {
        use rustls::CertificateError;
        use rustls::pki_types::ServerName;
        let handshake = |e: CertificateError| {
            format!(
                "error performing TLS handshake: {}",
                rustls::Error::InvalidCertificate(e)
            )
        };
        let unknown = tls_hint(&handshake(CertificateError::UnknownIssuer));
        assert!(unknown.contains("not signed by a CA"), "{unknown}");
        assert!(unknown.contains("sslrootcert"), "{unknown}");
        let name = ServerName::try_from("db.example.com").expect("a name");
        for error in [
            CertificateError::NotValidForName,
            CertificateError::NotValidForNameContext {
                expected: name.to_owned(),
                presented: vec!["DnsName(\"other.example.com\")".into()],
            },
        ] {
            let hint = tls_hint(&handshake(error));
            assert!(hint.contains("does not name the host"), "{hint}");
            assert!(hint.contains("sslmode=verify-ca"), "{hint}");
        }
        let other = tls_hint("error performing TLS handshake: server does not support TLS");
        assert!(other.contains("sslmode=disable"), "{other}");
    }
}
