//! Opening a connection: the settings of a connection string after the
//! environment, psql's defaults and `~/.pgpass`; the driver's configuration;
//! a start-up bounded by `connect_timeout`; and what the server says about
//! the session once in. `standard_conforming_strings` is a start-up option,
//! so it holds before the first statement glance sends.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use postgres::Client;
use tokio_postgres_rustls::MakeRustlsConnect;

use super::conninfo::{self, Endpoint, Settings, SslMode};
use super::{STANDARD_STRINGS, errors};
use crate::db::{ConnectCause, ConnectError, ConnectOptions, Error};

/// Where the driver's notice callback leaves the server's notices, as psql
/// prints them.
pub(super) type Notices = Arc<Mutex<Vec<String>>>;

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

/// What the server said about the session right after connecting.
pub(super) struct Session {
    pub(super) server_version: String,
    pub(super) database: String,
    pub(super) user: String,
    pub(super) superuser: bool,
    pub(super) timezone: String,
    pub(super) tls: Option<String>,
    pub(super) standard_strings: String,
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

    pub(super) fn read(client: &mut Client) -> Result<Session, postgres::Error> {
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
pub(super) fn check_guard_role(
    client: &mut Client,
    role: &str,
    location: &str,
) -> Result<(), Error> {
    let refused = |message: String| {
        Error::Connect(ConnectError {
            dialect: crate::db::Dialect::Postgres,
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

/// Who a connection string logs in as and where, after the environment
/// and psql's defaults (`~/.pgpass` not read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Login {
    /// Which kind of server: a password typed for one is never tried on another.
    pub dialect: crate::db::Dialect,
    pub host: String,
    pub port: u16,
    pub user: String,
    /// `host:port/database`, as errors name it.
    pub location: String,
}

impl Login {
    /// Same server and user: a password typed for one is good for the other.
    pub fn same_server_and_user(&self, other: &Login) -> bool {
        (self.dialect, &self.host, self.port, &self.user)
            == (other.dialect, &other.host, other.port, &other.user)
    }
}

/// The [`Login`] of a connection string.
pub fn login(conninfo: &str) -> Result<Login, Error> {
    let settings = resolved(conninfo)?;
    Ok(Login {
        dialect: crate::db::Dialect::Postgres,
        host: settings.host().to_string(),
        port: settings.port,
        location: settings.location(),
        user: settings.user,
    })
}

/// Resolves the connection settings from the string, the environment and
/// the machine's defaults, and looks up `~/.pgpass` when no password is
/// given; what the person should be told about that file goes to `warnings`.
pub(super) fn settings(
    conninfo: &str,
    options: &ConnectOptions,
    warnings: &mut Vec<String>,
) -> Result<Settings, Error> {
    let mut settings = resolved(conninfo)?;
    if let Some(t) = options.connect_timeout {
        settings.connect_timeout = conninfo::normalize_timeout(t);
    }
    if settings.password.is_none() {
        settings.password = settings
            .passfile
            .as_deref()
            .and_then(|file| read_pgpass(file, &settings, warnings));
    }
    Ok(settings)
}

/// The settings of a connection string, the environment and the machine's
/// defaults, before `~/.pgpass`.
fn resolved(conninfo: &str) -> Result<Settings, Error> {
    let bad = |message: String| {
        Error::Connect(ConnectError {
            dialect: crate::db::Dialect::Postgres,
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
/// libpq's warning, added to `warnings`) when group or others may read it.
fn read_pgpass(file: &str, settings: &Settings, warnings: &mut Vec<String>) -> Option<String> {
    let meta = std::fs::metadata(file).ok().filter(|m| m.is_file())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            warnings.push(format!(
                "WARNING: password file \"{file}\" has group or world access; permissions should be u=rw (0600) or less"
            ));
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
pub(super) fn open(
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
            dialect: crate::db::Dialect::Postgres,
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

#[cfg(test)]
mod tests {
    use super::*;

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

    #[cfg(unix)]
    #[test]
    fn a_password_file_others_can_read_gives_a_warning_not_a_password() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("glance-pgpass-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let file = dir.join("pgpass");
        std::fs::write(&file, "*:*:*:*:secret\n").expect("write");
        let path = file.to_str().expect("a UTF-8 path");
        let params = conninfo::parse("host=db user=u dbname=d").unwrap();
        let s =
            conninfo::resolve(&params, &HashMap::new(), &conninfo::Defaults::default()).unwrap();
        let mut warnings = Vec::new();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        assert_eq!(read_pgpass(path, &s, &mut warnings), None);
        assert_eq!(
            warnings,
            [format!(
                "WARNING: password file \"{path}\" has group or world access; \
                 permissions should be u=rw (0600) or less"
            )]
        );
        warnings.clear();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        assert_eq!(
            read_pgpass(path, &s, &mut warnings).as_deref(),
            Some("secret")
        );
        assert!(warnings.is_empty(), "{warnings:?}");
        std::fs::remove_dir_all(&dir).expect("clean up");
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
