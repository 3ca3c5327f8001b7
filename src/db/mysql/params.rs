//! Where and as whom to connect: a `mysql://` or `mariadb://` URL, the
//! `MYSQL_PWD`, `MYSQL_HOST` and `MYSQL_TCP_PORT` variables, and the
//! `[client]` group of `~/.my.cnf`, as the mysql client reads them. A value
//! in the URL beats the environment, which beats the option file.
//!
//! Invariant: a password never appears in [`Params::location`] or in an
//! error message made here.

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The MySQL client's default port.
pub const DEFAULT_PORT: u16 = 3306;

/// Where the server's socket usually is when the host is `localhost`.
pub const DEFAULT_SOCKETS: [&str; 3] = [
    "/run/mysqld/mysqld.sock",
    "/var/run/mysqld/mysqld.sock",
    "/tmp/mysql.sock",
];

/// The mysql client's `--ssl-mode`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SslMode {
    Disabled,
    /// Encrypt when the server can; the default over TCP.
    Preferred,
    /// Encrypt, without checking the certificate.
    Required,
    /// Encrypt and check the certificate's chain, not its name.
    VerifyCa,
    /// Encrypt and check the chain and the host name.
    VerifyIdentity,
}

impl SslMode {
    fn parse(text: &str) -> Result<SslMode, String> {
        match text.to_ascii_uppercase().replace('-', "_").as_str() {
            // PostgreSQL's spellings too, as profiles share `sslmode`.
            "DISABLED" | "DISABLE" => Ok(SslMode::Disabled),
            "PREFERRED" | "PREFER" => Ok(SslMode::Preferred),
            "REQUIRED" | "REQUIRE" => Ok(SslMode::Required),
            "VERIFY_CA" => Ok(SslMode::VerifyCa),
            "VERIFY_IDENTITY" | "VERIFY_FULL" => Ok(SslMode::VerifyIdentity),
            _ => Err(format!(
                "ssl-mode \"{text}\" is not one of DISABLED, PREFERRED, REQUIRED, VERIFY_CA, VERIFY_IDENTITY"
            )),
        }
    }
}

/// Everything needed to open a connection, resolved from all sources.
#[derive(Clone, PartialEq, Eq)]
pub struct Params {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub socket: Option<PathBuf>,
    pub user: Option<String>,
    pub password: Option<String>,
    pub database: Option<String>,
    pub ssl_mode: Option<SslMode>,
    pub ssl_ca: Option<PathBuf>,
    pub connect_timeout: Option<Duration>,
}

impl std::fmt::Debug for Params {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Params")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("socket", &self.socket)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("database", &self.database)
            .field("ssl_mode", &self.ssl_mode)
            .field("ssl_ca", &self.ssl_ca)
            .finish()
    }
}

/// The environment and option-file values a connection falls back to.
#[derive(Clone, Debug, Default)]
pub struct Defaults {
    /// `[client]` of `~/.my.cnf`, as key/value pairs in file order.
    pub my_cnf: Vec<(String, String)>,
    pub mysql_pwd: Option<String>,
    pub mysql_host: Option<String>,
    pub mysql_tcp_port: Option<String>,
}

impl Defaults {
    /// Reads the real environment and `~/.my.cnf`.
    pub fn from_environment() -> Defaults {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let my_cnf = dirs::home_dir()
            .map(|home| home.join(".my.cnf"))
            .and_then(|path| std::fs::read_to_string(path).ok())
            .map(|text| client_group(&text))
            .unwrap_or_default();
        Defaults {
            my_cnf,
            mysql_pwd: var("MYSQL_PWD"),
            mysql_host: var("MYSQL_HOST"),
            mysql_tcp_port: var("MYSQL_TCP_PORT"),
        }
    }
}

impl Params {
    /// Reads `url` (or nothing, for the defaults alone) over `defaults`.
    pub fn resolve(url: &str, defaults: &Defaults) -> Result<Params, String> {
        let mut params = Params {
            host: None,
            port: None,
            socket: None,
            user: None,
            password: None,
            database: None,
            ssl_mode: None,
            ssl_ca: None,
            connect_timeout: None,
        };
        for (key, value) in &defaults.my_cnf {
            match key.as_str() {
                "user" => params.user = Some(value.clone()),
                "password" => params.password = Some(value.clone()),
                "host" => params.host = Some(value.clone()),
                "port" => params.port = Some(parse_port(value, "~/.my.cnf")?),
                "socket" => params.socket = Some(PathBuf::from(value)),
                "database" => params.database = Some(value.clone()),
                "ssl_mode" => params.ssl_mode = Some(SslMode::parse(value)?),
                "ssl_ca" => params.ssl_ca = Some(PathBuf::from(value)),
                _ => {}
            }
        }
        if let Some(password) = &defaults.mysql_pwd {
            params.password = Some(password.clone());
        }
        if let Some(host) = &defaults.mysql_host {
            params.host = Some(host.clone());
        }
        if let Some(port) = &defaults.mysql_tcp_port {
            params.port = Some(parse_port(port, "MYSQL_TCP_PORT")?);
        }
        if !url.is_empty() {
            params.read_url(url)?;
        }
        Ok(params)
    }

    fn read_url(&mut self, url: &str) -> Result<(), String> {
        let rest = ["mysql://", "mariadb://"]
            .iter()
            .find_map(|scheme| {
                url.get(..scheme.len())
                    .filter(|s| s.eq_ignore_ascii_case(scheme))
                    .map(|_| &url[scheme.len()..])
            })
            .ok_or_else(|| "a MySQL URL starts with mysql:// or mariadb://".to_string())?;
        let (rest, query) = match rest.split_once('?') {
            Some((rest, query)) => (rest, Some(query)),
            None => (rest, None),
        };
        let (authority, path) = match rest.split_once('/') {
            Some((authority, path)) => (authority, Some(path)),
            None => (rest, None),
        };
        let hostport = match authority.rsplit_once('@') {
            Some((userinfo, hostport)) => {
                let (user, password) = match userinfo.split_once(':') {
                    Some((user, password)) => (user, Some(password)),
                    None => (userinfo, None),
                };
                if !user.is_empty() {
                    self.user = Some(decode(user)?);
                }
                if let Some(password) = password {
                    self.password = Some(decode(password)?);
                }
                hostport
            }
            None => authority,
        };
        self.read_host_port(hostport)?;
        if let Some(db) = path.filter(|p| !p.is_empty()) {
            self.database = Some(decode(db)?);
        }
        for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = decode(value)?;
            match key.to_ascii_lowercase().replace('-', "_").as_str() {
                "ssl_mode" | "sslmode" => self.ssl_mode = Some(SslMode::parse(&value)?),
                "ssl_ca" => self.ssl_ca = Some(PathBuf::from(value)),
                "socket" => self.socket = Some(PathBuf::from(value)),
                "connect_timeout" => {
                    let seconds: u64 = value.parse().map_err(|_| {
                        format!("connect_timeout \"{value}\" is not a number of seconds")
                    })?;
                    self.connect_timeout = Some(Duration::from_secs(seconds));
                }
                "user" => self.user = Some(value),
                "password" => self.password = Some(value),
                "database" => self.database = Some(value),
                other => {
                    return Err(format!(
                        "unknown URL option \"{other}\" (known: ssl-mode, ssl-ca, socket, connect_timeout, user, password, database)"
                    ));
                }
            }
        }
        Ok(())
    }

    fn read_host_port(&mut self, hostport: &str) -> Result<(), String> {
        if hostport.is_empty() {
            return Ok(());
        }
        let (host, port) = if let Some(inner) = hostport.strip_prefix('[') {
            let (host, after) = inner
                .split_once(']')
                .ok_or_else(|| format!("\"{hostport}\": an IPv6 address needs a closing ]"))?;
            (host, after.strip_prefix(':'))
        } else {
            match hostport.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (hostport, None),
            }
        };
        if !host.is_empty() {
            self.host = Some(decode(host)?);
        }
        if let Some(port) = port.filter(|p| !p.is_empty()) {
            self.port = Some(parse_port(port, "the URL")?);
        }
        Ok(())
    }

    /// The port to use over TCP.
    pub fn tcp_port(&self) -> u16 {
        self.port.unwrap_or(DEFAULT_PORT)
    }

    /// Whether the host means this machine through its socket, as the
    /// mysql client reads `localhost` (or no host at all).
    pub fn wants_local_socket(&self) -> bool {
        self.host.as_deref().is_none_or(|h| h == "localhost")
    }

    /// The socket to connect through: the one named, or for `localhost`
    /// the first of the usual paths that exists.
    pub fn socket_path(&self, exists: impl Fn(&Path) -> bool) -> Option<PathBuf> {
        if let Some(socket) = &self.socket {
            return Some(socket.clone());
        }
        if !self.wants_local_socket() {
            return None;
        }
        DEFAULT_SOCKETS
            .iter()
            .map(PathBuf::from)
            .find(|path| exists(path))
    }

    /// `host:port/db` or `socket/db`, as errors and `\conninfo` name it.
    pub fn location(&self, socket: Option<&Path>) -> String {
        let db = self.database.as_deref().unwrap_or("");
        match socket {
            Some(socket) => format!("{}/{db}", socket.display()),
            None => {
                let host = self.host.as_deref().unwrap_or("localhost");
                if host.contains(':') {
                    format!("[{host}]:{}/{db}", self.tcp_port())
                } else {
                    format!("{host}:{}/{db}", self.tcp_port())
                }
            }
        }
    }

    /// The user to log in as: the one given, else the login name, as the
    /// mysql client does.
    pub fn user_or_login(&self) -> String {
        self.user
            .clone()
            .unwrap_or_else(|| whoami::username().unwrap_or_else(|_| "root".into()))
    }
}

/// A URL with the password set to `password` (typed at a prompt).
pub fn with_password(url: &str, password: &str) -> String {
    with_option(url, "password", password)
}

/// A URL with one more query option (a later one wins).
pub fn with_option(url: &str, key: &str, value: &str) -> String {
    let encoded = encode(value);
    if url.is_empty() {
        return format!("mysql://?{key}={encoded}");
    }
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}{key}={encoded}")
}

/// A URL built from a profile's parts.
pub fn url_from_parts(
    host: Option<&str>,
    port: Option<u16>,
    database: Option<&str>,
    user: Option<&str>,
) -> String {
    let mut url = "mysql://".to_string();
    if let Some(user) = user {
        url.push_str(&encode(user));
        url.push('@');
    }
    match host {
        Some(host) if host.contains(':') => url.push_str(&format!("[{host}]")),
        Some(host) => url.push_str(&encode(host)),
        None => {}
    }
    if let Some(port) = port {
        url.push_str(&format!(":{port}"));
    }
    url.push('/');
    if let Some(database) = database {
        url.push_str(&encode(database));
    }
    url
}

fn parse_port(text: &str, from: &str) -> Result<u16, String> {
    text.trim()
        .parse()
        .map_err(|_| format!("port \"{text}\" in {from} is not a port number"))
}

/// Percent-decodes one URL part.
fn decode(text: &str) -> Result<String, String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| "a % in the URL is not followed by two hex digits".to_string())?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the URL decodes to text that is not UTF-8".to_string())
}

/// Percent-encodes everything but unreserved characters.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The `[client]` group of an option file, keys lowercased with `-` as
/// `_`, values unquoted, in file order (a later value wins).
pub fn client_group(text: &str) -> Vec<(String, String)> {
    let mut in_client = false;
    let mut pairs = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        if let Some(group) = line.strip_prefix('[') {
            let name = group.split(']').next().unwrap_or("").trim();
            in_client = name.eq_ignore_ascii_case("client");
            continue;
        }
        if !in_client || line.starts_with('!') {
            continue;
        }
        let (key, value) = match line.split_once('=') {
            Some((key, value)) => (key.trim(), option_value(value.trim())),
            None => (line, String::new()),
        };
        pairs.push((key.to_ascii_lowercase().replace('-', "_"), value));
    }
    pairs
}

/// An option file value: quoted with `'` or `"` (escapes read), or bare
/// up to a `#` comment.
fn option_value(raw: &str) -> String {
    let mut chars = raw.chars();
    match chars.next() {
        Some(quote @ ('\'' | '"')) => {
            let mut out = String::new();
            while let Some(c) = chars.next() {
                match c {
                    c if c == quote => break,
                    '\\' => match chars.next() {
                        Some('n') => out.push('\n'),
                        Some('t') => out.push('\t'),
                        Some('s') => out.push(' '),
                        Some(other) => out.push(other),
                        None => {}
                    },
                    c => out.push(c),
                }
            }
            out
        }
        _ => raw.split('#').next().unwrap_or("").trim_end().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve(url: &str, defaults: &Defaults) -> Params {
        Params::resolve(url, defaults).unwrap()
    }

    #[test]
    fn urls_give_every_part_percent_decoded() {
        let p = resolve(
            "mysql://ann%40x:p%3As%2Fw@db.example:3307/sh%20op?ssl-mode=verify_ca&ssl-ca=/ca.pem&connect_timeout=4",
            &Defaults::default(),
        );
        assert_eq!(p.user.as_deref(), Some("ann@x"));
        assert_eq!(p.password.as_deref(), Some("p:s/w"));
        assert_eq!(p.host.as_deref(), Some("db.example"));
        assert_eq!(p.port, Some(3307));
        assert_eq!(p.database.as_deref(), Some("sh op"));
        assert_eq!(p.ssl_mode, Some(SslMode::VerifyCa));
        assert_eq!(p.ssl_ca, Some(PathBuf::from("/ca.pem")));
        assert_eq!(p.connect_timeout, Some(Duration::from_secs(4)));
        assert_eq!(p.location(None), "db.example:3307/sh op");
        let v6 = resolve("mariadb://[::1]:3310/x", &Defaults::default());
        assert_eq!(v6.host.as_deref(), Some("::1"));
        assert_eq!(v6.location(None), "[::1]:3310/x");
        assert!(!format!("{p:?}").contains("p:s/w"));
    }

    #[test]
    fn bad_urls_say_what_is_wrong() {
        for (url, says) in [
            ("mysql://h:99999/x", "port"),
            ("mysql://h/x?ssl-mode=maybe", "VERIFY_CA"),
            ("mysql://h/x?colour=red", "colour"),
            ("mysql://h/%zz", "hex"),
            ("postgres://h/x", "mysql://"),
        ] {
            let error = Params::resolve(url, &Defaults::default()).unwrap_err();
            assert!(error.contains(says), "{url}: {error}");
        }
    }

    #[test]
    fn url_beats_environment_beats_my_cnf() {
        let defaults = Defaults {
            my_cnf: client_group(
                "[client]\nuser = cnfuser\npassword = \"cnf pw\" # quoted\nhost=cnfhost\nport=3301\ndatabase=cnfdb\n",
            ),
            mysql_pwd: Some("envpw".into()),
            mysql_host: Some("envhost".into()),
            mysql_tcp_port: Some("3302".into()),
        };
        let p = resolve("", &defaults);
        assert_eq!(p.user.as_deref(), Some("cnfuser"));
        assert_eq!(p.password.as_deref(), Some("envpw"));
        assert_eq!((p.host.as_deref(), p.port), (Some("envhost"), Some(3302)));
        assert_eq!(p.database.as_deref(), Some("cnfdb"));
        let p = resolve("mysql://u:urlpw@urlhost:3303/urldb", &defaults);
        assert_eq!(p.password.as_deref(), Some("urlpw"));
        assert_eq!((p.host.as_deref(), p.port), (Some("urlhost"), Some(3303)));
        assert_eq!(p.database.as_deref(), Some("urldb"));
    }

    #[test]
    fn my_cnf_is_read_as_the_mysql_client_reads_it() {
        let text = "# comment\n[mysqld]\nuser=server\n[client]\n; another\nuser = a\nuser = b\n\
                    password='it''s'\nsocket = /tmp/s.sock   # trailing\nno-beep\n!include /x\n\
                    ssl-mode = REQUIRED\n[mysql]\nuser=other\n";
        let pairs = client_group(text);
        let get = |k: &str| {
            pairs
                .iter()
                .rev()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("user"), Some("b"));
        assert_eq!(get("password"), Some("it"));
        assert_eq!(get("socket"), Some("/tmp/s.sock"));
        assert_eq!(get("no_beep"), Some(""));
        assert_eq!(get("ssl_mode"), Some("REQUIRED"));
        assert_eq!(option_value(r#""a\"b\\c""#), r#"a"b\c"#);
        let p = resolve(
            "",
            &Defaults {
                my_cnf: pairs,
                ..Defaults::default()
            },
        );
        assert_eq!(p.ssl_mode, Some(SslMode::Required));
        assert_eq!(p.socket_path(|_| false), Some(PathBuf::from("/tmp/s.sock")));
    }

    #[test]
    fn localhost_looks_for_the_usual_sockets() {
        let d = Defaults::default();
        let local = resolve("mysql://localhost/x", &d);
        let found = local.socket_path(|p| p == Path::new("/var/run/mysqld/mysqld.sock"));
        assert_eq!(found, Some(PathBuf::from("/var/run/mysqld/mysqld.sock")));
        assert_eq!(
            local.location(found.as_deref()),
            "/var/run/mysqld/mysqld.sock/x"
        );
        assert_eq!(resolve("", &d).socket_path(|_| false), None);
        assert_eq!(
            resolve("mysql://127.0.0.1/x", &d).socket_path(|_| true),
            None
        );
    }

    #[test]
    fn profile_parts_and_typed_passwords_make_urls() {
        let url = url_from_parts(Some("db"), Some(3307), Some("shop"), Some("ann b"));
        assert_eq!(url, "mysql://ann%20b@db:3307/shop");
        let typed = with_password(&url, "p&w");
        assert_eq!(
            resolve(&typed, &Defaults::default()).password.as_deref(),
            Some("p&w")
        );
        assert_eq!(
            resolve(&with_password("", "x"), &Defaults::default())
                .password
                .as_deref(),
            Some("x")
        );
    }
}
