//! Opening a MySQL or MariaDB connection: socket or TCP, TLS as `ssl-mode`
//! asks, and what the session says about itself (server, user, grants,
//! TLS), with the `sql_mode` glance's classifier relies on.

use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, SslOpts};

use super::errors;
use super::params::{Defaults, Params, SslMode};
use crate::db::{ConnectCause, ConnectError, ConnectOptions, Dialect, Error};

/// How long a connection attempt may take when nothing says otherwise.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// `sql_mode` flags that change how statement text reads: with them `"…"`
/// would be a name and `\` no escape, unlike what the classifier reads;
/// and the combination modes that set one of them again when the mode is
/// written back.
const UNWANTED_MODES: [&str; 8] = [
    "ANSI_QUOTES",
    "NO_BACKSLASH_ESCAPES",
    "ANSI",
    "DB2",
    "MAXDB",
    "MSSQL",
    "ORACLE",
    "POSTGRESQL",
];

/// An open connection and what is needed to open another like it.
pub struct Opened {
    pub conn: Conn,
    /// The options it was opened with (password included), for the
    /// second connection that sends `KILL QUERY`.
    pub opts: Opts,
    pub location: String,
    pub user: String,
}

/// Opens a connection to what `url` (or, when empty, the environment and
/// `~/.my.cnf`) names.
pub fn open(url: &str, options: &ConnectOptions) -> Result<Opened, Error> {
    let params = Params::resolve(url, &Defaults::from_environment()).map_err(|message| {
        Error::Connect(ConnectError {
            dialect: Dialect::Mysql,
            location: "MySQL".into(),
            message,
            cause: ConnectCause::BadConnectionString,
        })
    })?;
    let socket = params.socket_path(|path| path.exists());
    let location = params.location(socket.as_deref());
    let user = params.user_or_login();
    let timeout = options
        .connect_timeout
        .or(params.connect_timeout)
        .unwrap_or(DEFAULT_CONNECT_TIMEOUT);
    let builder = OptsBuilder::new()
        .user(Some(user.clone()))
        .pass(params.password.clone())
        .db_name(params.database.clone())
        .ip_or_hostname(Some(
            params.host.clone().unwrap_or_else(|| "localhost".into()),
        ))
        .tcp_port(params.tcp_port())
        .socket(socket.as_ref().map(|s| s.to_string_lossy().into_owned()))
        .prefer_socket(false)
        .tcp_connect_timeout(Some(timeout))
        // Statements are closed after each use: a long session never
        // reaches max_prepared_stmt_count.
        .stmt_cache_size(0);
    let mode = match (&socket, params.ssl_mode) {
        // A socket is on this machine: nothing to encrypt unless asked.
        (Some(_), None | Some(SslMode::Preferred)) => SslMode::Disabled,
        (_, Some(mode)) => mode,
        (None, None) => SslMode::Preferred,
    };
    let password_given = params.password.is_some();
    let fail = |e: &mysql::Error| errors::connect_error(e, &location, password_given);
    let tls = ssl_opts(mode, &params).map(|ssl| builder.clone().ssl_opts(ssl));
    let attempt = |b: OptsBuilder| {
        let opts = Opts::from(b);
        Conn::new(opts.clone()).map(|conn| (conn, opts))
    };
    let (conn, opts) = match tls {
        None => attempt(builder).map_err(|e| fail(&e))?,
        Some(with_tls) => match attempt(with_tls) {
            Err(mysql::Error::DriverError(mysql::DriverError::TlsNotSupported))
                if mode == SslMode::Preferred =>
            {
                attempt(builder).map_err(|e| fail(&e))?
            }
            other => other.map_err(|e| fail(&e))?,
        },
    };
    Ok(Opened {
        conn,
        opts,
        location,
        user,
    })
}

/// The TLS options for `mode`; `None` for no TLS.
fn ssl_opts(mode: SslMode, params: &Params) -> Option<SslOpts> {
    let ca = params.ssl_ca.clone();
    let base = || match &ca {
        Some(path) => SslOpts::default().with_root_cert_path(Some(path.clone())),
        None => SslOpts::default(),
    };
    match mode {
        SslMode::Disabled => None,
        SslMode::Preferred | SslMode::Required => Some(
            SslOpts::default()
                .with_danger_accept_invalid_certs(true)
                .with_danger_skip_domain_validation(true),
        ),
        SslMode::VerifyCa => Some(base().with_danger_skip_domain_validation(true)),
        SslMode::VerifyIdentity => Some(base()),
    }
}

/// What the session says about itself at connect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    /// `MariaDB 10.11.6` or `MySQL 8.0.36`.
    pub server_version: String,
    pub mariadb: bool,
    pub database: String,
    pub tls: Option<String>,
    pub superuser: bool,
    pub grants_only_reads: bool,
}

impl Session {
    pub fn read(conn: &mut Conn) -> Result<Session, mysql::Error> {
        let (version, database): (String, Option<String>) = conn
            .query_first("SELECT VERSION(), DATABASE()")?
            .unwrap_or_default();
        let tls: Option<(String, String)> =
            conn.query_first("SHOW SESSION STATUS LIKE 'Ssl_version'")?;
        // A server that will not list the grants (a proxy, a restricted
        // account) claims no superuser and no read-only user.
        let grants: Vec<String> = conn.query("SHOW GRANTS").unwrap_or_default();
        let (server_version, mariadb) = product(&version);
        Ok(Session {
            server_version,
            mariadb,
            database: database.unwrap_or_default(),
            tls: tls.map(|(_, v)| v).filter(|v| !v.is_empty()),
            superuser: grants.iter().any(|g| is_superuser(g)),
            grants_only_reads: only_reads(&grants),
        })
    }
}

/// Removes the `sql_mode` flags glance cannot read statements under;
/// returns whether any was set.
pub fn keep_sql_mode(conn: &mut Conn) -> Result<bool, mysql::Error> {
    let mode: Option<String> = conn.query_first("SELECT @@session.sql_mode")?;
    let Some(kept) = readable_sql_mode(&mode.unwrap_or_default()) else {
        return Ok(false);
    };
    // Flag names are letters and underscores from the server itself.
    conn.query_drop(format!("SET SESSION sql_mode = '{kept}'"))?;
    Ok(true)
}

/// `mode` without [`UNWANTED_MODES`]; `None` when it has none of them.
fn readable_sql_mode(mode: &str) -> Option<String> {
    let flags: Vec<&str> = mode.split(',').filter(|flag| !flag.is_empty()).collect();
    let kept: Vec<&str> = flags
        .iter()
        .copied()
        .filter(|flag| !UNWANTED_MODES.contains(&flag.to_ascii_uppercase().as_str()))
        .collect();
    (kept.len() != flags.len()).then(|| kept.join(","))
}

/// `10.11.6-MariaDB-0+deb12u1` → `MariaDB 10.11.6`; `8.0.36` → `MySQL 8.0.36`.
pub fn product(version: &str) -> (String, bool) {
    let number = version.split('-').next().unwrap_or(version);
    if version.to_ascii_lowercase().contains("mariadb") {
        (format!("MariaDB {number}"), true)
    } else {
        (format!("MySQL {number}"), false)
    }
}

/// `GRANT ALL PRIVILEGES ON *.* …` or SUPER on `*.*`.
fn is_superuser(grant: &str) -> bool {
    let upper = grant.to_ascii_uppercase();
    let Some((privileges, on)) = grant_parts(&upper) else {
        return false;
    };
    on.starts_with("*.*")
        && privileges
            .split(',')
            .map(str::trim)
            .any(|p| p == "ALL PRIVILEGES" || p == "ALL" || p == "SUPER")
}

/// Every grant gives only SELECT, SHOW VIEW or USAGE, without GRANT
/// OPTION; a role or proxy grant (whose privileges are not listed) is not.
pub fn only_reads(grants: &[String]) -> bool {
    !grants.is_empty()
        && grants.iter().all(|grant| {
            let upper = grant.to_ascii_uppercase();
            let Some((privileges, on)) = grant_parts(&upper) else {
                return false;
            };
            !on.contains("WITH GRANT OPTION")
                && privileges.split(',').map(str::trim).all(|p| {
                    p == "SELECT" || p == "SHOW VIEW" || p == "USAGE" || p.starts_with("SELECT (")
                })
        })
}

/// `GRANT <privileges> ON <rest>` → (privileges, rest).
fn grant_parts(upper: &str) -> Option<(&str, &str)> {
    let rest = upper.strip_prefix("GRANT ")?;
    let at = rest.find(" ON ")?;
    Some((&rest[..at], &rest[at + 4..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_mode_loses_what_changes_how_text_reads() {
        assert_eq!(
            readable_sql_mode("STRICT_TRANS_TABLES,NO_ENGINE_SUBSTITUTION"),
            None
        );
        assert_eq!(
            readable_sql_mode("REAL_AS_FLOAT,PIPES_AS_CONCAT,ANSI_QUOTES,IGNORE_SPACE,ANSI")
                .as_deref(),
            Some("REAL_AS_FLOAT,PIPES_AS_CONCAT,IGNORE_SPACE")
        );
        assert_eq!(
            readable_sql_mode("NO_BACKSLASH_ESCAPES").as_deref(),
            Some("")
        );
        assert_eq!(
            readable_sql_mode("PIPES_AS_CONCAT,ANSI_QUOTES,ORACLE,SIMULTANEOUS_ASSIGNMENT")
                .as_deref(),
            Some("PIPES_AS_CONCAT,SIMULTANEOUS_ASSIGNMENT")
        );
    }

    #[test]
    fn versions_name_the_product() {
        assert_eq!(
            product("10.11.6-MariaDB-0+deb12u1"),
            ("MariaDB 10.11.6".into(), true)
        );
        assert_eq!(product("8.0.36"), ("MySQL 8.0.36".into(), false));
        assert_eq!(
            product("8.0.36-0ubuntu0.22.04.1"),
            ("MySQL 8.0.36".into(), false)
        );
    }

    #[test]
    fn grants_tell_readers_and_superusers() {
        let g = |lines: &[&str]| lines.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let reader = g(&[
            "GRANT USAGE ON *.* TO `r`@`%` IDENTIFIED BY PASSWORD '*AB'",
            "GRANT SELECT, SHOW VIEW ON `shop`.* TO `r`@`%`",
        ]);
        assert!(only_reads(&reader));
        assert!(!reader.iter().any(|l| is_superuser(l)));
        let writer = g(&["GRANT SELECT, INSERT ON `shop`.* TO `w`@`%`"]);
        assert!(!only_reads(&writer));
        assert!(!only_reads(&g(&[
            "GRANT SELECT ON `shop`.* TO `r`@`%` WITH GRANT OPTION"
        ])));
        assert!(!only_reads(&g(&["GRANT `analyst` TO `r`@`%`"])));
        assert!(!only_reads(&[]));
        assert!(is_superuser(
            "GRANT ALL PRIVILEGES ON *.* TO `root`@`localhost` WITH GRANT OPTION"
        ));
        assert!(is_superuser("GRANT SELECT, SUPER ON *.* TO `a`@`%`"));
        assert!(!is_superuser("GRANT ALL PRIVILEGES ON `shop`.* TO `a`@`%`"));
    }
}
