//! A throwaway MariaDB server for the tests, started the first time a test
//! asks for it, like the PostgreSQL cluster: `mariadb-install-db` into the
//! scratch directory, then `mariadbd` (as an unprivileged user when the
//! tests run as root) on its own socket and on a free port of 127.0.0.1,
//! reading no system configuration, so a system MariaDB on 3306 is neither
//! used nor needed. It is killed when the test process exits, or by the
//! next test process when this one died first. [`MARIADB_URL_VAR`] names an
//! existing server instead.
//!
//! The server has TLS, with a certificate for 127.0.0.1 and localhost from
//! a test CA ([`MariaDb::ca_file`]); a second CA signs nothing
//! ([`MariaDb::wrong_ca_file`]).
//!
//! The tests reach it through the `mariadb` command-line client.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::harness::{
    as_user, ensure_user, free_port, log_tail, new_ca, sanitize, scratch_root, server_cert,
    unprivileged_user, wait_until,
};

/// The environment variable naming an existing server to use instead of a
/// throwaway one: `mysql://user[:password]@host[:port]`, a user that may
/// create and drop databases, without percent-escapes.
pub const MARIADB_URL_VAR: &str = "GLANCE_TEST_MARIADB_URL";

/// The directory under the scratch root holding the server.
const DIR: &str = "mariadb";
const PID_FILE: &str = "mariadbd.pid";

/// The MariaDB server the tests talk to.
pub struct MariaDb {
    host: String,
    port: u16,
    user: String,
    password: Option<String>,
    /// The server's Unix socket, when this process started it.
    socket: Option<PathBuf>,
    /// The CA that signed the server's certificate and one that did not,
    /// when this process started it.
    ca_files: Option<(PathBuf, PathBuf)>,
}

static MARIADB: OnceLock<Result<MariaDb, String>> = OnceLock::new();

/// The shared MariaDB server, started on first use.
pub fn mariadb() -> &'static MariaDb {
    match MARIADB.get_or_init(start_or_connect) {
        Ok(server) => server,
        Err(message) => panic!("{message}"),
    }
}

impl MariaDb {
    /// TCP port of the server (on 127.0.0.1 when started here).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The server's Unix socket; `None` for a server named by
    /// [`MARIADB_URL_VAR`].
    pub fn socket(&self) -> Option<&Path> {
        self.socket.as_deref()
    }

    /// The test CA's certificate (PEM file) that signed the server's.
    pub fn ca_file(&self) -> &Path {
        &self.ca_files.as_ref().expect("the test server has TLS").0
    }

    /// A CA certificate that did not sign the server's.
    pub fn wrong_ca_file(&self) -> &Path {
        &self.ca_files.as_ref().expect("the test server has TLS").1
    }

    /// The server's address as `127.0.0.1:PORT` (or the external host).
    pub fn address(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    /// The URL of database `db` for the administrative user, over TCP.
    pub fn url(&self, db: &str) -> String {
        let password = self
            .password
            .as_ref()
            .map(|p| format!(":{p}"))
            .unwrap_or_default();
        format!(
            "mysql://{}{password}@{}:{}/{db}",
            self.user, self.host, self.port
        )
    }

    /// A `mariadb` client command for the administrative user, through the
    /// socket when there is one, else over TCP; it reads no option files.
    pub fn client(&self) -> Command {
        let mut cmd = Command::new("mariadb");
        cmd.arg("--no-defaults")
            .arg(format!("--user={}", self.user));
        match &self.socket {
            Some(socket) => cmd.arg(format!("--socket={}", socket.display())),
            None => cmd.args([
                "--protocol=TCP".to_string(),
                format!("--host={}", self.host),
                format!("--port={}", self.port),
            ]),
        };
        if let Some(password) = &self.password {
            cmd.env("MYSQL_PWD", password);
        }
        cmd
    }

    /// Runs `sql` (several statements allowed) in database `db` (none when
    /// empty) and returns the rows: tab-separated columns, no header.
    pub fn run(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = self
            .client()
            .args(["--batch", "--raw", "--skip-column-names"])
            .arg(format!("--execute={sql}"))
            .args((!db.is_empty()).then_some(db))
            .stdin(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run the mariadb client: {e}\n{}", install_hint()))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).into_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }
}

/// Kills the server this process started, if any.
pub fn stop() {
    kill_server(&scratch_root().join(DIR));
}

/// Kills a server left in `scratch`, the directory of a dead test process.
pub fn stop_stale(scratch: &Path) {
    kill_server(&scratch.join(DIR));
}

/// Kills the `mariadbd` whose pid file is in `base`, if it still runs.
fn kill_server(base: &Path) {
    let Some(pid) = fs::read_to_string(base.join(PID_FILE))
        .ok()
        .and_then(|text| text.trim().parse::<i32>().ok())
    else {
        return;
    };
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    if String::from_utf8_lossy(&cmdline).contains("mariadbd") {
        // SAFETY: kill has no memory preconditions; the pid is a mariadbd
        // whose pid file lies in this test directory.
        unsafe {
            libc::kill(pid, libc::SIGKILL);
        }
    }
}

fn start_or_connect() -> Result<MariaDb, String> {
    match std::env::var(MARIADB_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => external(url.trim()),
        _ => start(),
    }
}

/// The server named by `mysql://user[:password]@host[:port]`.
fn external(url: &str) -> Result<MariaDb, String> {
    let bad = || {
        format!("{MARIADB_URL_VAR} must look like mysql://user[:password]@host[:port], not {url}")
    };
    let rest = url
        .strip_prefix("mysql://")
        .or_else(|| url.strip_prefix("mariadb://"))
        .ok_or_else(bad)?;
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let (credentials, address) = authority.rsplit_once('@').ok_or_else(bad)?;
    let (user, password) = match credentials.split_once(':') {
        Some((user, password)) => (user, Some(password.to_string())),
        None => (credentials, None),
    };
    let (host, port) = match address.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().map_err(|_| bad())?),
        None => (address, 3306),
    };
    if user.is_empty() || host.is_empty() {
        return Err(bad());
    }
    Ok(MariaDb {
        host: host.into(),
        port,
        user: user.into(),
        password,
        socket: None,
        ca_files: None,
    })
}

fn install_hint() -> String {
    format!(
        "The MariaDB server and client (mariadb-install-db, mariadbd, mariadb) were not found \
         on PATH nor in /usr/sbin. Install them (Debian/Ubuntu: `apt-get install \
         mariadb-server mariadb-client`; Fedora: `dnf install mariadb-server`; macOS: `brew \
         install mariadb`), or set {MARIADB_URL_VAR} to the URL of an existing server \
         (e.g. mysql://root:secret@127.0.0.1:3306)."
    )
}

/// The path of server program `name`, from PATH or the sbin directories
/// (which an ordinary user's PATH often lacks).
fn find_program(name: &str) -> Result<PathBuf, String> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(["/usr/sbin", "/usr/local/sbin", "/usr/bin"].map(PathBuf::from))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .ok_or_else(install_hint)
}

fn start() -> Result<MariaDb, String> {
    let install_db = find_program("mariadb-install-db")?;
    let mariadbd = find_program("mariadbd")?;
    find_program("mariadb")?;
    let user = unprivileged_user("mysql");
    let base = scratch_root().join(DIR);
    fs::create_dir_all(&base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
    fs::set_permissions(&base, fs::Permissions::from_mode(0o700)).map_err(|e| e.to_string())?;
    if let Some(user) = &user {
        let (uid, gid) = ensure_user(user)?;
        std::os::unix::fs::chown(&base, Some(uid), Some(gid))
            .map_err(|e| format!("cannot hand {} to {user}: {e}", base.display()))?;
    }
    let data = base.join("data");
    let socket = base.join("mariadbd.sock");
    let log = base.join("server.log");
    let files = base.join("files");
    for dir in [&files, &base.join("tmp")] {
        let made = as_user(user.as_deref(), Path::new("mkdir"))
            .arg(dir)
            .output();
        if !dir.is_dir() {
            return Err(format!("cannot create {}: {made:?}", dir.display()));
        }
    }
    // Root logs in with an empty password, through the socket or over TCP.
    let installed = as_user(user.as_deref(), &install_db)
        .current_dir(&base)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .args([
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            "--skip-name-resolve",
        ])
        .output()
        .map_err(|e| {
            format!(
                "cannot run {}: {e}\n{}",
                install_db.display(),
                install_hint()
            )
        })?;
    if !installed.status.success() {
        return Err(format!(
            "mariadb-install-db failed ({}):\n{}\n{}",
            installed.status,
            String::from_utf8_lossy(&installed.stdout),
            String::from_utf8_lossy(&installed.stderr)
        ));
    }
    let tls = write_certificates(&base)?;
    let port = free_port();
    let child = as_user(user.as_deref(), &mariadbd)
        .current_dir(&base)
        .arg("--no-defaults")
        .arg(format!("--datadir={}", data.display()))
        .arg(format!("--socket={}", socket.display()))
        .arg(format!("--port={port}"))
        .arg(format!("--pid-file={}", base.join(PID_FILE).display()))
        .arg(format!("--log-error={}", log.display()))
        .arg(format!("--secure-file-priv={}", files.display()))
        .arg(format!("--tmpdir={}", base.join("tmp").display()))
        .arg(format!("--ssl-ca={}", tls.ca.display()))
        .arg(format!("--ssl-cert={}", tls.cert.display()))
        .arg(format!("--ssl-key={}", tls.key.display()))
        .args([
            "--bind-address=127.0.0.1",
            "--skip-networking=0",
            "--skip-name-resolve",
            "--character-set-server=utf8mb4",
            "--innodb-buffer-pool-size=32M",
            "--innodb-flush-log-at-trx-commit=0",
            "--max-connections=100",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", mariadbd.display()))?;
    let server = MariaDb {
        host: "127.0.0.1".into(),
        port,
        user: "root".into(),
        password: None,
        socket: Some(socket),
        ca_files: Some((tls.ca, tls.wrong_ca)),
    };
    let child = Mutex::new(child);
    let exited = || matches!(child.lock().map(|mut c| c.try_wait()), Ok(Ok(Some(_))));
    wait_until("the test MariaDB server answers or exits", || {
        exited() || server.run("", "select 1").is_ok()
    });
    if exited() {
        return Err(format!(
            "the test MariaDB server did not start.\nserver log ({}):\n{}",
            log.display(),
            log_tail(&log)
        ));
    }
    Ok(server)
}

/// The files of the server's TLS setup.
struct TlsFiles {
    ca: PathBuf,
    wrong_ca: PathBuf,
    cert: PathBuf,
    key: PathBuf,
}

/// Writes a test CA, a server certificate it signs for 127.0.0.1 and
/// localhost, and an unrelated CA into `base`, readable by the server.
fn write_certificates(base: &Path) -> Result<TlsFiles, String> {
    let ca = new_ca("glance test MariaDB CA")?;
    let wrong = new_ca("glance unrelated CA")?;
    let (cert, key) = server_cert(&ca, &["127.0.0.1", "localhost"])?;
    let files = TlsFiles {
        ca: base.join("ca.pem"),
        wrong_ca: base.join("wrong-ca.pem"),
        cert: base.join("server-cert.pem"),
        key: base.join("server-key.pem"),
    };
    for (path, pem) in [
        (&files.ca, &ca.pem),
        (&files.wrong_ca, &wrong.pem),
        (&files.cert, &cert),
        (&files.key, &key),
    ] {
        fs::write(path, pem).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        fs::set_permissions(path, fs::Permissions::from_mode(0o644))
            .map_err(|e| format!("cannot open {} to the server: {e}", path.display()))?;
    }
    Ok(files)
}

// ---------------------------------------------------------------------------
// Per-test databases
// ---------------------------------------------------------------------------

/// A database of its own for one test, dropped when the value is dropped.
pub struct TestMariaDb {
    name: String,
}

impl MariaDb {
    /// Creates a fresh, empty database named after `hint`.
    pub fn create_db(&self, hint: &str) -> TestMariaDb {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let name = format!("t_{}_{}_{n}", sanitize(hint), std::process::id());
        self.run("", &format!("create database `{name}`"))
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        TestMariaDb { name }
    }
}

impl TestMariaDb {
    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The administrative URL of this database, as passed to `glance -d`.
    pub fn url(&self) -> String {
        mariadb().url(&self.name)
    }

    /// Runs `sql` (several statements allowed) directly, panicking on error.
    pub fn execute(&self, sql: &str) {
        mariadb()
            .run(&self.name, sql)
            .unwrap_or_else(|e| panic!("seeding SQL failed: {e}\n{sql}"));
    }

    /// The first column of the first row of `sql`, as text (`None` for no
    /// row, and for NULL, which the client prints as the word `NULL`).
    pub fn query_scalar(&self, sql: &str) -> Option<String> {
        let rows = mariadb()
            .run(&self.name, sql)
            .unwrap_or_else(|e| panic!("check query failed: {e}\n{sql}"));
        let first = rows.lines().next()?.split('\t').next()?;
        (first != "NULL").then(|| first.to_string())
    }
}

impl Drop for TestMariaDb {
    fn drop(&mut self) {
        if let Some(Ok(server)) = MARIADB.get() {
            let _ = server.run("", &format!("drop database if exists `{}`", self.name));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_external_server_url_is_read() {
        let server = external("mysql://admin:pw@db.example:3307/ignored").expect("valid");
        assert_eq!(server.url("x"), "mysql://admin:pw@db.example:3307/x");
        assert_eq!(server.socket(), None);
        let server = external("mariadb://root@127.0.0.1").expect("valid");
        assert_eq!(server.port(), 3306);
        for bad in ["postgres://root@h", "mysql://h:1", "mysql://u@h:port"] {
            let err = external(bad).err().expect(bad);
            assert!(err.contains(MARIADB_URL_VAR), "{err}");
        }
    }
}
