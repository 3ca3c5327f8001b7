//! PostgreSQL connection settings: URL and `key=value` parsing, the PG*
//! environment, psql's defaults and `~/.pgpass`.
//!
//! Everything here is pure: the environment, the OS user, the socket
//! directory and the pgpass text are passed in, so the whole resolution is
//! testable without touching the process. The result, [`Settings`], is
//! complete (every field has its final value) and is never changed later.

use std::collections::BTreeMap;
use std::collections::HashMap;
use std::time::Duration;

/// How hard to insist on TLS, as libpq's `sslmode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    /// libpq's `allow`, treated like `prefer`.
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    fn parse(s: &str) -> Result<SslMode, String> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            other => return Err(format!("invalid sslmode value: \"{other}\"")),
        })
    }
}

/// Where the server is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    /// A host name or IP address, reached over TCP.
    Tcp(String),
    /// A directory holding the Unix socket `.s.PGSQL.<port>`.
    Socket(String),
}

/// Fully resolved settings for one connection.
#[derive(Clone, PartialEq, Eq)]
pub struct Settings {
    pub endpoint: Endpoint,
    pub port: u16,
    pub user: String,
    pub password: Option<String>,
    pub dbname: String,
    pub sslmode: SslMode,
    /// A PEM file, or `system` for the built-in root set.
    pub sslrootcert: Option<String>,
    pub connect_timeout: Option<Duration>,
    pub application_name: String,
    /// Where to look for a password when none is given.
    pub passfile: Option<String>,
    /// Server options (`-c name=value …`), passed through.
    pub options: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("endpoint", &self.endpoint)
            .field("port", &self.port)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("dbname", &self.dbname)
            .field("sslmode", &self.sslmode)
            .field("sslrootcert", &self.sslrootcert)
            .field("connect_timeout", &self.connect_timeout)
            .field("application_name", &self.application_name)
            .field("passfile", &self.passfile)
            .finish()
    }
}

impl Settings {
    /// `host:port/database` or `socket-dir:port/database`; never a password.
    pub fn location(&self) -> String {
        let host = match &self.endpoint {
            Endpoint::Tcp(h) if h.contains(':') => format!("[{h}]"),
            Endpoint::Tcp(h) | Endpoint::Socket(h) => h.clone(),
        };
        format!("{host}:{}/{}", self.port, self.dbname)
    }

    /// The host as pgpass and hints see it.
    pub fn host(&self) -> &str {
        match &self.endpoint {
            Endpoint::Tcp(h) | Endpoint::Socket(h) => h,
        }
    }
}

/// Facts about the machine that decide the defaults.
#[derive(Clone, Debug, Default)]
pub struct Defaults {
    /// The current OS user name.
    pub os_user: String,
    /// The first existing default socket directory, if any.
    pub socket_dir: Option<String>,
    /// The home directory, for `~/.pgpass`.
    pub home: Option<String>,
}

/// Socket directories psql looks in, in order.
pub const SOCKET_DIRS: [&str; 2] = ["/var/run/postgresql", "/tmp"];

const KEYS: [&str; 13] = [
    "host",
    "hostaddr",
    "port",
    "user",
    "password",
    "dbname",
    "sslmode",
    "sslrootcert",
    "connect_timeout",
    "application_name",
    "fallback_application_name",
    "passfile",
    "options",
];

/// Parameters given explicitly, by their libpq names.
pub type Params = BTreeMap<String, String>;

/// Parses a URL, a `key=value` string, or a bare database name (as psql's
/// `-d NAME`). An empty string gives no parameters.
pub fn parse(conninfo: &str) -> Result<Params, String> {
    let s = conninfo.trim();
    let params = if s.is_empty() {
        Params::new()
    } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
        parse_url(s)?
    } else if s.contains('=') {
        parse_keywords(s)?
    } else {
        Params::from([("dbname".to_string(), s.to_string())])
    };
    for key in params.keys() {
        if !KEYS.contains(&key.as_str()) {
            return Err(format!("invalid connection option \"{key}\""));
        }
    }
    Ok(params)
}

/// Parses `postgres[ql]://[user[:password]@][host][:port][/dbname][?k=v&…]`.
pub fn parse_url(url: &str) -> Result<Params, String> {
    let rest = url
        .split_once("://")
        .map(|(_, r)| r)
        .ok_or_else(|| format!("invalid URI: \"{url}\""))?;
    let (rest, query) = match rest.split_once('?') {
        Some((r, q)) => (r, Some(q)),
        None => (rest, None),
    };
    let (authority, path) = match rest.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (rest, None),
    };
    if !authority.contains('@') && leaks_user_info(authority, path, query) {
        return Err(
            "the URI has an \"@\" after its host part: a \"/\", \"?\", \"#\" or \"@\" in a user \
             name or password must be percent-encoded (%2F, %3F, %23, %40)"
                .to_string(),
        );
    }
    let mut params = Params::new();
    let hostport = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            put(&mut params, "user", &percent_decode("user name", user)?);
            if let Some(p) = password {
                put(&mut params, "password", &percent_decode("password", p)?);
            }
            hostport
        }
        None => authority,
    };
    if hostport.contains(',') {
        return Err("multiple hosts in one URI are not supported".to_string());
    }
    let (host, port) = split_host_port(hostport)?;
    put(&mut params, "host", &percent_decode("host", host)?);
    if let Some(port) = port {
        put(&mut params, "port", &percent_decode("port", port)?);
    }
    if let Some(db) = path {
        put(&mut params, "dbname", &percent_decode("database name", db)?);
    }
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').ok_or_else(|| {
            "a URI query parameter has no \"=\"; write them as ?key=value&key=value".to_string()
        })?;
        let key = percent_decode("query parameter name", k)?;
        let key = match key.as_str() {
            "ssl" if v == "true" => {
                params.insert("sslmode".into(), "require".into());
                continue;
            }
            _ => key,
        };
        let value = percent_decode(&format!("value of {key}"), v)?;
        params.insert(key, value);
    }
    Ok(params)
}

fn put(params: &mut Params, key: &str, value: &str) {
    if !value.is_empty() {
        params.insert(key.to_string(), value.to_string());
    }
}

/// Splits `host:port`, `[v6]:port` or either without a port.
fn split_host_port(s: &str) -> Result<(&str, Option<&str>), String> {
    if let Some(rest) = s.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| format!("missing \"]\" in IPv6 host address in URI: \"{s}\""))?;
        return match after {
            "" => Ok((host, None)),
            a => a
                .strip_prefix(':')
                .map(|p| (host, Some(p)))
                .ok_or_else(|| format!("unexpected \"{a}\" after IPv6 host address in URI")),
        };
    }
    Ok(match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (s, None),
    })
}

/// Whether a URI without user info still has an `@` where a password with
/// an unencoded `/`, `?` or `#` would put it: `postgres://u:a/b@h/d` reads as
/// host `u`, port `a`, database `b@h/d`, and an error quoting any of those
/// would show part of the password.
fn leaks_user_info(authority: &str, path: Option<&str>, query: Option<&str>) -> bool {
    let port_is_not_a_number = authority
        .rsplit_once(':')
        .is_some_and(|(_, port)| !port.chars().all(|c| c.is_ascii_digit()));
    path.is_some_and(|p| p.contains('@'))
        || (port_is_not_a_number && query.is_some_and(|q| q.contains('@')))
}

/// Decodes `%XX` escapes (and leaves `+` alone, as libpq does). An error
/// names the `field`, never its value (it may be a password).
pub fn percent_decode(field: &str, s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| {
                    format!(
                        "invalid percent-encoding in the URI's {field} (each \"%\" must be followed \
                         by two hex digits; write a literal \"%\" as %25)"
                    )
                })?;
            if hex == 0 {
                return Err(format!("forbidden value %00 in the URI's {field}"));
            }
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out)
        .map_err(|_| format!("invalid UTF-8 in the URI's percent-encoded {field}"))
}

/// Parses libpq's `key=value key2='quoted \' value'` form.
pub fn parse_keywords(s: &str) -> Result<Params, String> {
    let mut params = Params::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            return Ok(params);
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            return Err(format!(
                "missing \"=\" after \"{key}\" in connection info string"
            ));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    None => {
                        return Err("unterminated quoted string in connection info string".into());
                    }
                    Some('\'') => break,
                    Some('\\') => value.extend(chars.next()),
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    value.extend(chars.next());
                } else {
                    value.push(c);
                }
            }
        }
        params.insert(key, value);
    }
}

/// Writes parameters as a `key='value'` string that [`parse`] reads back.
pub fn to_keywords(params: &Params) -> String {
    params
        .iter()
        .map(|(key, value)| {
            let quoted = value.replace('\\', "\\\\").replace('\'', "\\'");
            format!("{key}='{quoted}'")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Combines explicit parameters, the PG* environment and the defaults.
pub fn resolve(
    params: &Params,
    env: &HashMap<String, String>,
    defaults: &Defaults,
) -> Result<Settings, String> {
    let get = |key: &str, var: &str| -> Option<String> {
        params
            .get(key)
            .cloned()
            .or_else(|| env.get(var).cloned())
            .filter(|v| !v.is_empty())
    };
    let host = get("host", "PGHOST").or_else(|| params.get("hostaddr").cloned());
    let endpoint = match host {
        Some(h) if h.starts_with('/') => Endpoint::Socket(h),
        Some(h) => Endpoint::Tcp(h),
        None => match &defaults.socket_dir {
            Some(dir) => Endpoint::Socket(dir.clone()),
            None => Endpoint::Tcp("localhost".to_string()),
        },
    };
    let port = match get("port", "PGPORT") {
        Some(p) => p
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or_else(|| {
                "invalid port number: it must be a number from 1 to 65535".to_string()
            })?,
        None => 5432,
    };
    let user = get("user", "PGUSER").unwrap_or_else(|| defaults.os_user.clone());
    if user.is_empty() {
        return Err("no user name given and the OS user name is unknown".to_string());
    }
    let dbname = get("dbname", "PGDATABASE").unwrap_or_else(|| user.clone());
    let sslmode = match get("sslmode", "PGSSLMODE") {
        Some(m) => SslMode::parse(&m)?,
        None => SslMode::Prefer,
    };
    let connect_timeout = match get("connect_timeout", "PGCONNECT_TIMEOUT") {
        Some(t) => parse_timeout(&t)?,
        None => None,
    };
    let application_name = get("application_name", "PGAPPNAME")
        .or_else(|| params.get("fallback_application_name").cloned())
        .unwrap_or_else(|| "glance".to_string());
    let passfile = get("passfile", "PGPASSFILE").or_else(|| {
        defaults
            .home
            .as_ref()
            .map(|h| format!("{}/.pgpass", h.trim_end_matches('/')))
    });
    Ok(Settings {
        endpoint,
        port,
        user,
        password: params
            .get("password")
            .cloned()
            .or_else(|| env.get("PGPASSWORD").cloned()),
        dbname,
        sslmode,
        sslrootcert: get("sslrootcert", "PGSSLROOTCERT"),
        connect_timeout,
        application_name,
        passfile,
        options: get("options", "PGOPTIONS"),
    })
}

/// libpq's `connect_timeout`: whole seconds, 0 (or less) for none, and at
/// least 2 seconds otherwise.
pub fn parse_timeout(s: &str) -> Result<Option<Duration>, String> {
    let secs: i64 = s.trim().parse().map_err(|_| {
        format!("invalid integer value \"{s}\" for connection option \"connect_timeout\"")
    })?;
    Ok(normalize_timeout(Duration::from_secs(
        secs.max(0).unsigned_abs(),
    )))
}

/// Applies libpq's rules to a timeout: zero is none, anything shorter than
/// two seconds becomes two.
pub fn normalize_timeout(t: Duration) -> Option<Duration> {
    if t.is_zero() {
        None
    } else {
        Some(t.max(Duration::from_secs(2)))
    }
}

/// Finds the password for a connection in pgpass text: the first line whose
/// host, port, database and user fields match (`*` matches anything).
pub fn pgpass_lookup(
    text: &str,
    host: &str,
    port: u16,
    dbname: &str,
    user: &str,
) -> Option<String> {
    let is_default_socket = host.starts_with('/')
        && SOCKET_DIRS
            .iter()
            .any(|d| d.trim_end_matches('/') == host.trim_end_matches('/'));
    let port = port.to_string();
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(split_pgpass_line)
        .find(|f| {
            let host_ok = f[0] == "*" || f[0] == host || (is_default_socket && f[0] == "localhost");
            host_ok
                && (f[1] == "*" || f[1] == port)
                && (f[2] == "*" || f[2] == dbname)
                && (f[3] == "*" || f[3] == user)
        })
        .map(|mut f| f.swap_remove(4))
}

/// Splits one pgpass line into its five fields, undoing `\:` and `\\`.
fn split_pgpass_line(line: &str) -> Option<Vec<String>> {
    let mut fields = vec![String::new()];
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => fields.last_mut()?.extend(chars.next()),
            ':' if fields.len() < 5 => fields.push(String::new()),
            c => fields.last_mut()?.push(c),
        }
    }
    (fields.len() == 5).then_some(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip() {
        let params = Params::from([
            ("host".to_string(), "db".to_string()),
            ("password".to_string(), "it's a \\ secret".to_string()),
            ("dbname".to_string(), String::new()),
        ]);
        assert_eq!(parse(&to_keywords(&params)).unwrap(), params);
    }

    fn defaults() -> Defaults {
        Defaults {
            os_user: "alice".into(),
            socket_dir: Some("/var/run/postgresql".into()),
            home: Some("/home/alice".into()),
        }
    }

    fn resolve_str(s: &str, env: &[(&str, &str)]) -> Result<Settings, String> {
        let env = env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        resolve(&parse(s)?, &env, &defaults())
    }

    #[test]
    fn empty_string_uses_socket_and_os_user() {
        let s = resolve_str("", &[]).unwrap();
        assert_eq!(s.endpoint, Endpoint::Socket("/var/run/postgresql".into()));
        assert_eq!(
            (s.port, s.user.as_str(), s.dbname.as_str()),
            (5432, "alice", "alice")
        );
        assert_eq!(s.sslmode, SslMode::Prefer);
        assert_eq!(s.application_name, "glance");
        assert_eq!(s.passfile.as_deref(), Some("/home/alice/.pgpass"));
        assert_eq!(s.location(), "/var/run/postgresql:5432/alice");
    }

    #[test]
    fn no_socket_falls_back_to_localhost() {
        let d = Defaults {
            socket_dir: None,
            ..defaults()
        };
        let s = resolve(&Params::new(), &HashMap::new(), &d).unwrap();
        assert_eq!(s.endpoint, Endpoint::Tcp("localhost".into()));
    }

    #[test]
    fn url_with_everything() {
        let p = parse(
            "postgresql://bob:p%40ss%3Aw@db.example.com:6543/shop?sslmode=verify-full&sslrootcert=/ca.pem&connect_timeout=1&application_name=x",
        )
        .unwrap();
        assert_eq!(p["user"], "bob");
        assert_eq!(p["password"], "p@ss:w");
        assert_eq!(p["host"], "db.example.com");
        assert_eq!(p["port"], "6543");
        assert_eq!(p["dbname"], "shop");
        let s = resolve(&p, &HashMap::new(), &defaults()).unwrap();
        assert_eq!(s.sslmode, SslMode::VerifyFull);
        assert_eq!(s.sslrootcert.as_deref(), Some("/ca.pem"));
        assert_eq!(s.connect_timeout, Some(Duration::from_secs(2)));
        assert_eq!(s.application_name, "x");
        assert_eq!(s.location(), "db.example.com:6543/shop");
        assert!(!format!("{s:?}").contains("p@ss"));
    }

    #[test]
    fn url_ipv6_and_sockets() {
        let p = parse("postgres://[::1]:5999/x").unwrap();
        assert_eq!((p["host"].as_str(), p["port"].as_str()), ("::1", "5999"));
        let s = resolve(&p, &HashMap::new(), &defaults()).unwrap();
        assert_eq!(s.location(), "[::1]:5999/x");
        let p = parse("postgres://%2Fvar%2Flib%2Fpg/db").unwrap();
        assert_eq!(p["host"], "/var/lib/pg");
        let s = resolve_str("postgresql:///db?host=/tmp/sock&port=5433", &[]).unwrap();
        assert_eq!(s.endpoint, Endpoint::Socket("/tmp/sock".into()));
        assert_eq!(s.location(), "/tmp/sock:5433/db");
        let s = resolve_str("postgres://", &[("PGHOST", "h")]).unwrap();
        assert_eq!(s.endpoint, Endpoint::Tcp("h".into()));
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        assert!(parse("postgres://[::1/x").unwrap_err().contains("]"));
        assert!(parse("postgres://h:abc/x").is_ok());
        assert!(
            resolve_str("postgres://h:abc/x", &[])
                .unwrap_err()
                .contains("port")
        );
        assert!(parse("postgres://h/x?sslmode").unwrap_err().contains("="));
        assert!(
            parse("postgres://h/x?bogus=1")
                .unwrap_err()
                .contains("bogus")
        );
        assert!(parse("postgres://h/%zz").unwrap_err().contains("percent"));
        assert!(
            resolve_str("postgres://h/x?sslmode=always", &[])
                .unwrap_err()
                .contains("sslmode")
        );
        assert!(parse("postgres://a,b/x").is_err());
    }

    #[test]
    fn errors_never_quote_what_may_be_a_password() {
        for url in [
            "postgres://u:50%off@h/d",
            "postgres://u:s3cr%zz@h/d",
            "postgres://u:a/s3cret@h/d",
            "postgres://u:a?s3cret@h/d",
            "postgres://u:pw@h/d?x%zz=1",
            "postgres://u:pw@h/d?s3cret",
        ] {
            let error = parse(url).unwrap_err();
            for part in ["50%off", "s3cr", "s3cret", "%zz"] {
                assert!(!error.contains(part), "{url}: {error}");
            }
        }
        assert!(
            parse("postgres://u:a/b@h/d")
                .unwrap_err()
                .contains("percent-encoded")
        );
        assert!(parse("postgres://h/d?user=me@srv").is_ok());
        assert!(parse("postgres://u:p%2Fw@h/d").is_ok());
    }

    #[test]
    fn keyword_strings_with_quotes_and_escapes() {
        let p =
            parse(r"host=localhost port = 5433 dbname='my db' password='it\'s \\ ok' user=u\ v")
                .unwrap();
        assert_eq!(p["host"], "localhost");
        assert_eq!(p["port"], "5433");
        assert_eq!(p["dbname"], "my db");
        assert_eq!(p["password"], r"it's \ ok");
        assert_eq!(p["user"], "u v");
        assert!(parse("host='x").unwrap_err().contains("unterminated"));
        assert!(parse("host=x port").unwrap_err().contains("="));
        assert!(parse("nosuch=1").unwrap_err().contains("nosuch"));
        assert_eq!(parse("dbname=").unwrap()["dbname"], "");
    }

    #[test]
    fn bare_word_is_a_database_name() {
        let s = resolve_str("pagila", &[]).unwrap();
        assert_eq!(s.dbname, "pagila");
    }

    #[test]
    fn environment_is_the_fallback() {
        let env = [
            ("PGHOST", "10.0.0.1"),
            ("PGPORT", "6000"),
            ("PGUSER", "envuser"),
            ("PGPASSWORD", "secret"),
            ("PGDATABASE", "envdb"),
            ("PGSSLMODE", "require"),
            ("PGSSLROOTCERT", "system"),
            ("PGCONNECT_TIMEOUT", "10"),
            ("PGPASSFILE", "/etc/pgpass"),
            ("PGAPPNAME", "app"),
        ];
        let s = resolve_str("", &env).unwrap();
        assert_eq!(s.endpoint, Endpoint::Tcp("10.0.0.1".into()));
        assert_eq!(
            (s.port, s.user.as_str(), s.dbname.as_str()),
            (6000, "envuser", "envdb")
        );
        assert_eq!(s.password.as_deref(), Some("secret"));
        assert_eq!(s.sslmode, SslMode::Require);
        assert_eq!(s.sslrootcert.as_deref(), Some("system"));
        assert_eq!(s.connect_timeout, Some(Duration::from_secs(10)));
        assert_eq!(s.passfile.as_deref(), Some("/etc/pgpass"));
        assert_eq!(s.application_name, "app");
        let s = resolve_str("host=/sock dbname=given user=me", &env).unwrap();
        assert_eq!(s.endpoint, Endpoint::Socket("/sock".into()));
        assert_eq!((s.user.as_str(), s.dbname.as_str()), ("me", "given"));
    }

    #[test]
    fn connect_timeout_follows_libpq() {
        assert_eq!(parse_timeout("0").unwrap(), None);
        assert_eq!(parse_timeout("-3").unwrap(), None);
        assert_eq!(parse_timeout("1").unwrap(), Some(Duration::from_secs(2)));
        assert_eq!(parse_timeout("7").unwrap(), Some(Duration::from_secs(7)));
        assert!(
            parse_timeout("soon")
                .unwrap_err()
                .contains("connect_timeout")
        );
    }

    #[test]
    fn pgpass_matching() {
        let text = "# comment\n\
                    db.example.com:5432:shop:bob:first\n\
                    *:5432:*:bob:second\n\
                    localhost:*:*:carol:sock\\:pw\\\\x\n\
                    other\\:host:1:*:*:escaped:colon:in:password\n";
        assert_eq!(
            pgpass_lookup(text, "db.example.com", 5432, "shop", "bob").as_deref(),
            Some("first")
        );
        assert_eq!(
            pgpass_lookup(text, "elsewhere", 5432, "x", "bob").as_deref(),
            Some("second")
        );
        assert_eq!(pgpass_lookup(text, "elsewhere", 5433, "x", "bob"), None);
        assert_eq!(
            pgpass_lookup(text, "/var/run/postgresql", 5432, "x", "carol").as_deref(),
            Some("sock:pw\\x")
        );
        assert_eq!(pgpass_lookup(text, "/srv/custom", 5432, "x", "carol"), None);
        assert_eq!(
            pgpass_lookup(text, "other:host", 1, "d", "u").as_deref(),
            Some("escaped:colon:in:password")
        );
        assert_eq!(
            pgpass_lookup("too:few:fields\n", "too", 1, "few", "x"),
            None
        );
    }
}
