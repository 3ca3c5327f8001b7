//! The end-to-end test harness: a throwaway PostgreSQL cluster shared by the
//! whole test process, one fresh database per test, and runners for the real
//! `glance` binary through pipes ([`Cmd`]) and through a pseudo-terminal
//! ([`Repl`]). A second, TLS-only cluster ([`tls_cluster`]) starts only
//! when a TLS test first asks for it; `mariadb_server` starts a MariaDB
//! one the same way.
//!
//! Invariants: the binary always runs in a clean environment (no PG*, no API
//! keys, HOME and the XDG directories inside a private temporary directory);
//! every file the harness creates lives under one directory named after the
//! test process id, removed when the process exits, and directories left by
//! dead processes are swept at start-up. A missing PostgreSQL never skips a
//! test: it fails with instructions.

use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// The environment variable naming an existing server to use instead of a
/// throwaway cluster; it must be a superuser URL.
pub const DATABASE_URL_VAR: &str = "GLANCE_TEST_DATABASE_URL";
/// A role that logs in over TCP with a password (scram-sha-256).
pub const PASSWORD_ROLE: &str = "glance_pw";
/// The password of [`PASSWORD_ROLE`]; it must never appear in glance's output.
pub const PASSWORD: &str = "sekret-pw-123";
/// How long a piped run of the binary may take before it is killed.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a pseudo-terminal expectation waits: long enough for a loaded
/// machine, as it only bounds how long a failing test takes.
pub const PTY_TIMEOUT: Duration = Duration::from_secs(60);

const DIR_PREFIX: &str = "glance-e2e-";
/// The directories under the scratch root holding the plain cluster and the
/// TLS-only one.
const PLAIN_DIR: &str = "pg";
const TLS_DIR: &str = "pg-tls";

// ---------------------------------------------------------------------------
// The per-process scratch directory
// ---------------------------------------------------------------------------

/// The directory holding everything this test process creates:
/// `<tmp>/glance-e2e-<pid>`. Stale siblings from dead processes are swept the
/// first time it is asked for.
pub fn scratch_root() -> &'static Path {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        sweep_stale_dirs();
        let root = std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id()));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", root.display()));
        // Readable by the unprivileged cluster owner, who needs to reach pg/.
        let _ = fs::set_permissions(&root, fs::Permissions::from_mode(0o755));
        register_exit_cleanup();
        root
    })
}

/// A fresh empty directory under the scratch root, named after `hint`.
pub fn scratch_dir(hint: &str) -> PathBuf {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir = scratch_root().join(format!("{}-{n}", sanitize(hint)));
    fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// `hint` as a lower-case identifier of at most 30 characters.
pub fn sanitize(hint: &str) -> String {
    let cleaned: String = hint
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(30)
        .collect();
    if cleaned.is_empty() {
        "x".into()
    } else {
        cleaned
    }
}

/// Removes scratch directories of test processes that no longer run,
/// stopping any cluster they left behind.
pub fn sweep_stale_dirs() {
    let Ok(entries) = fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(DIR_PREFIX)
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if pid == std::process::id() || Path::new(&format!("/proc/{pid}")).exists() {
            continue;
        }
        crate::mariadb_server::stop_stale(&entry.path());
        for dir in [PLAIN_DIR, TLS_DIR] {
            let data = entry.path().join(dir).join("data");
            if data.join("postmaster.pid").exists()
                && let Ok(bin) = find_pg_bin()
            {
                let owner = cluster_user();
                let _ = as_user(owner.as_deref(), &bin.join("pg_ctl"))
                    .args(["stop", "-m", "immediate", "-D"])
                    .arg(&data)
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status();
            }
        }
        let _ = fs::remove_dir_all(entry.path());
    }
}

fn register_exit_cleanup() {
    extern "C" fn cleanup() {
        if let Some(Ok(cluster)) = CLUSTER.get() {
            cluster.stop();
        }
        if let Some(Ok(tls)) = TLS_CLUSTER.get() {
            tls.cluster.stop();
        }
        crate::mariadb_server::stop();
        let _ = fs::remove_dir_all(
            std::env::temp_dir().join(format!("{DIR_PREFIX}{}", std::process::id())),
        );
    }
    // SAFETY: `cleanup` is a plain function with C ABI that does not unwind.
    unsafe {
        libc::atexit(cleanup);
    }
}

// ---------------------------------------------------------------------------
// The cluster
// ---------------------------------------------------------------------------

/// The PostgreSQL server the tests talk to.
pub struct Cluster {
    host: String,
    port: u16,
    /// `scheme://user[:password]@host:port` of the superuser.
    admin_authority: String,
    /// Query string appended to every URL (`?sslmode=disable`), may be empty.
    query: String,
    /// Present when this process started the server and must stop it.
    owned: Option<OwnedCluster>,
}

struct OwnedCluster {
    bin: PathBuf,
    data: PathBuf,
    user: Option<String>,
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

/// The shared server, started on first use.
pub fn cluster() -> &'static Cluster {
    match CLUSTER.get_or_init(start_or_connect) {
        Ok(cluster) => cluster,
        Err(message) => panic!("{message}"),
    }
}

impl Cluster {
    /// Host the server listens on (TCP).
    pub fn host(&self) -> &str {
        &self.host
    }

    /// TCP port of the server.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The superuser URL of database `name`.
    pub fn url(&self, name: &str) -> String {
        format!("{}/{name}{}", self.admin_authority, self.query)
    }

    /// The URL of database `name` for `user` with `password`, over TCP.
    pub fn url_as(&self, user: &str, password: &str, name: &str) -> String {
        format!(
            "postgres://{user}:{password}@{}:{}/{name}{}",
            self.host, self.port, self.query
        )
    }

    /// A new superuser connection to database `name`.
    pub fn connect(&self, name: &str) -> postgres::Client {
        let url = self.url(name);
        postgres::Client::connect(&url, postgres::NoTls)
            .unwrap_or_else(|e| panic!("cannot connect to the test server at {url}: {e}"))
    }

    fn stop(&self) {
        if let Some(owned) = &self.owned {
            let _ = as_user(owned.user.as_deref(), &owned.bin.join("pg_ctl"))
                .args(["stop", "-m", "immediate", "-D"])
                .arg(&owned.data)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

fn start_or_connect() -> Result<Cluster, String> {
    let cluster = match std::env::var(DATABASE_URL_VAR) {
        Ok(url) if !url.trim().is_empty() => external_cluster(url.trim())?,
        _ => start_cluster()?,
    };
    create_password_role(&cluster)?;
    Ok(cluster)
}

fn external_cluster(url: &str) -> Result<Cluster, String> {
    let config: postgres::Config = url
        .parse()
        .map_err(|e| format!("{DATABASE_URL_VAR} is not a valid URL: {e}"))?;
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        _ => {
            return Err(format!(
                "{DATABASE_URL_VAR} must name a TCP host (postgres://user@host:port/db)"
            ));
        }
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let (without_query, query) = match url.split_once('?') {
        Some((base, q)) => (base, format!("?{q}")),
        None => (url, String::new()),
    };
    let scheme_end = without_query
        .find("://")
        .map(|i| i + 3)
        .ok_or_else(|| format!("{DATABASE_URL_VAR} must be a postgres:// URL"))?;
    let authority_end = without_query[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(without_query.len());
    Ok(Cluster {
        host,
        port,
        admin_authority: without_query[..authority_end].to_string(),
        query,
        owned: None,
    })
}

fn install_hint() -> String {
    format!(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found on PATH nor under \
         /usr/lib/postgresql/*/bin. Install them (Debian/Ubuntu: `apt-get install postgresql`; \
         Fedora: `dnf install postgresql-server`; macOS: `brew install postgresql`), or set \
         {DATABASE_URL_VAR} to the superuser URL of an existing server \
         (e.g. postgres://postgres:secret@127.0.0.1:5432/postgres)."
    )
}

/// The directory holding `initdb`, `pg_ctl` and `postgres`.
pub fn find_pg_bin() -> Result<PathBuf, String> {
    let has_all = |dir: &Path| {
        ["initdb", "pg_ctl", "postgres"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            if has_all(&dir) {
                return Ok(dir);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            has_all(&bin).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin).ok_or_else(install_hint)
}

/// The unprivileged user that runs the cluster when the tests run as root.
fn cluster_user() -> Option<String> {
    unprivileged_user("postgres")
}

/// The user a server runs as: none (the current one) unless the tests run
/// as root, then `preferred` when it exists, else `glance-test`.
pub fn unprivileged_user(preferred: &str) -> Option<String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return None;
    }
    if user_ids(preferred).is_some() {
        return Some(preferred.into());
    }
    Some("glance-test".into())
}

fn user_ids(user: &str) -> Option<(u32, u32)> {
    let id = |flag: &str| -> Option<u32> {
        let out = Command::new("id").args([flag, user]).output().ok()?;
        if !out.status.success() {
            return None;
        }
        String::from_utf8_lossy(&out.stdout).trim().parse().ok()
    };
    Some((id("-u")?, id("-g")?))
}

/// The uid and gid of `user`, created as a system user when missing.
pub fn ensure_user(user: &str) -> Result<(u32, u32), String> {
    if let Some(ids) = user_ids(user) {
        return Ok(ids);
    }
    let out = Command::new("useradd")
        .args([
            "--system",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
            user,
        ])
        .output()
        .map_err(|e| format!("cannot run useradd to create the unprivileged user {user}: {e}"))?;
    if !out.status.success() && user_ids(user).is_none() {
        return Err(format!(
            "a test server refuses to run as root and creating user {user} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    user_ids(user).ok_or_else(|| format!("user {user} still missing after useradd"))
}

/// A command for `program`, run as `user` through `runuser` when given.
pub fn as_user(user: Option<&str>, program: &Path) -> Command {
    match user {
        Some(user) => {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", user, "--"]).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

/// Polls `check` until it holds, failing the test after a minute: tests
/// wait for conditions, never for fixed times.
pub fn wait_until(what: &str, check: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !check() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        thread::sleep(Duration::from_millis(50));
    }
}

/// A TCP port on 127.0.0.1 that nothing listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("cannot bind 127.0.0.1:0");
    listener
        .local_addr()
        .expect("bound socket has an address")
        .port()
}

/// What differs between the plain cluster and the TLS one.
struct Spec<'a> {
    /// Directory under the scratch root.
    dir: &'a str,
    /// `listen_addresses`.
    listen: &'a str,
    /// The whole `pg_hba.conf`.
    hba: &'a str,
    /// More `postgresql.conf` lines.
    conf: &'a str,
    /// Files written into the data directory before the start, owned by the
    /// cluster user with mode 0600: name and contents.
    files: Vec<(&'a str, String)>,
    /// Appended to every URL.
    query: &'a str,
}

fn start_cluster() -> Result<Cluster, String> {
    start_cluster_with(Spec {
        dir: PLAIN_DIR,
        listen: "127.0.0.1",
        hba: "local all all trust\n\
              host all postgres 127.0.0.1/32 trust\n\
              host all all 127.0.0.1/32 scram-sha-256\n",
        // `glance slow` reads pg_stat_statements, which only a preloaded
        // library fills.
        conf: "shared_preload_libraries = 'pg_stat_statements'\n",
        files: Vec::new(),
        query: "?sslmode=disable",
    })
}

fn start_cluster_with(spec: Spec<'_>) -> Result<Cluster, String> {
    let bin = find_pg_bin()?;
    let user = cluster_user();
    let base = scratch_root().join(spec.dir);
    fs::create_dir_all(&base).map_err(|e| format!("cannot create {}: {e}", base.display()))?;
    fs::set_permissions(&base, fs::Permissions::from_mode(0o700)).map_err(|e| e.to_string())?;
    let ids = match &user {
        Some(user) => {
            let (uid, gid) = ensure_user(user)?;
            std::os::unix::fs::chown(&base, Some(uid), Some(gid))
                .map_err(|e| format!("cannot hand {} to {user}: {e}", base.display()))?;
            Some((uid, gid))
        }
        None => None,
    };
    let data = base.join("data");
    let sockets = base.join("sock");
    let log = base.join("server.log");
    run_checked(
        as_user(user.as_deref(), &bin.join("initdb"))
            .current_dir(&base)
            .args([
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
                "-D",
            ])
            .arg(&data),
        "initdb",
    )?;
    let mkdir = as_user(user.as_deref(), Path::new("mkdir"))
        .arg(&sockets)
        .output();
    if !sockets.is_dir() {
        return Err(format!(
            "cannot create socket directory {}: {mkdir:?}",
            sockets.display()
        ));
    }
    let port = free_port();
    append(
        &data.join("postgresql.conf"),
        &format!(
            "\n# glance test cluster\nlisten_addresses = '{}'\nport = {port}\n\
             unix_socket_directories = '{}'\nfsync = off\nsynchronous_commit = off\n\
             full_page_writes = off\nmax_connections = 100\nshared_buffers = 32MB\n\
             password_encryption = 'scram-sha-256'\n{}",
            spec.listen,
            sockets.display(),
            spec.conf
        ),
    )?;
    fs::write(data.join("pg_hba.conf"), spec.hba)
        .map_err(|e| format!("cannot write pg_hba.conf: {e}"))?;
    for (name, contents) in &spec.files {
        write_private(&data.join(name), contents, ids)?;
    }
    let started = as_user(user.as_deref(), &bin.join("pg_ctl"))
        .current_dir(&base)
        .args(["-w", "-t", "60", "-l"])
        .arg(&log)
        .arg("-D")
        .arg(&data)
        .arg("start")
        .output();
    let ok = matches!(&started, Ok(out) if out.status.success());
    let cluster = Cluster {
        host: "127.0.0.1".into(),
        port,
        admin_authority: format!("postgres://postgres@127.0.0.1:{port}"),
        query: spec.query.into(),
        owned: Some(OwnedCluster { bin, data, user }),
    };
    if !ok {
        cluster.stop();
        return Err(format!(
            "the test PostgreSQL cluster did not start ({started:?}).\nserver log ({}):\n{}",
            log.display(),
            log_tail(&log)
        ));
    }
    Ok(cluster)
}

/// The last 30 lines of a server's log file, shown when it fails to start.
pub fn log_tail(log: &Path) -> String {
    let text = fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// Writes `contents` to `path` with mode 0600 (as PostgreSQL demands of a
/// private key), owned by `ids` when given.
fn write_private(path: &Path, contents: &str, ids: Option<(u32, u32)>) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    fs::write(path, contents).map_err(fail)?;
    fs::set_permissions(path, fs::Permissions::from_mode(0o600)).map_err(fail)?;
    if let Some((uid, gid)) = ids {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(fail)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// The TLS cluster
// ---------------------------------------------------------------------------

/// A second throwaway server that accepts only TLS connections, started the
/// first time a TLS test asks for it. Its certificate, signed by a CA the
/// test generated, names `127.0.0.1` and `localhost`; it also listens on
/// `127.0.0.2`, an address the certificate does not name.
pub struct TlsCluster {
    cluster: Cluster,
    /// The CA that signed the server's certificate (PEM).
    ca_file: PathBuf,
    /// A CA that signed nothing the server has (PEM).
    wrong_ca_file: PathBuf,
}

static TLS_CLUSTER: OnceLock<Result<TlsCluster, String>> = OnceLock::new();

/// The TLS-only server, started on first use (always a local throwaway
/// cluster, even when [`DATABASE_URL_VAR`] names a server for the rest).
pub fn tls_cluster() -> &'static TlsCluster {
    match TLS_CLUSTER.get_or_init(start_tls_cluster) {
        Ok(cluster) => cluster,
        Err(message) => panic!("{message}"),
    }
}

impl TlsCluster {
    /// TCP port of the server (on 127.0.0.1 and 127.0.0.2).
    pub fn port(&self) -> u16 {
        self.cluster.port
    }

    /// The PEM file of the CA that signed the server's certificate.
    pub fn ca_file(&self) -> &Path {
        &self.ca_file
    }

    /// The PEM file of an unrelated CA.
    pub fn wrong_ca_file(&self) -> &Path {
        &self.wrong_ca_file
    }

    /// The superuser URL of the `postgres` database at `host`, with `query`
    /// (e.g. `sslmode=require`) as its query string.
    pub fn url(&self, host: &str, query: &str) -> String {
        format!(
            "postgres://postgres@{host}:{}/postgres?{query}",
            self.cluster.port
        )
    }
}

/// A certificate authority made for the tests.
pub struct TestCa {
    /// The CA's own certificate (PEM).
    pub pem: String,
    issuer: rcgen::Issuer<'static, rcgen::KeyPair>,
}

pub fn new_ca(name: &str) -> Result<TestCa, String> {
    let fail = |e: rcgen::Error| format!("cannot make the test CA {name}: {e}");
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).map_err(fail)?;
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::KeyCertSign,
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::CrlSign,
    ];
    let key = rcgen::KeyPair::generate().map_err(fail)?;
    let pem = params.self_signed(&key).map_err(fail)?.pem();
    Ok(TestCa {
        pem,
        issuer: rcgen::Issuer::new(params, key),
    })
}

/// A server certificate for `names` signed by `ca`: certificate and key (PEM).
pub fn server_cert(ca: &TestCa, names: &[&str]) -> Result<(String, String), String> {
    let fail = |e: rcgen::Error| format!("cannot make the test server certificate: {e}");
    let names: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    let mut params = rcgen::CertificateParams::new(names).map_err(fail)?;
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "glance test server");
    params.use_authority_key_identifier_extension = true;
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let key = rcgen::KeyPair::generate().map_err(fail)?;
    let cert = params.signed_by(&key, &ca.issuer).map_err(fail)?;
    Ok((cert.pem(), key.serialize_pem()))
}

fn start_tls_cluster() -> Result<TlsCluster, String> {
    let ca = new_ca("glance test CA")?;
    let wrong_ca = new_ca("glance unrelated CA")?;
    let (cert, key) = server_cert(&ca, &["127.0.0.1", "localhost"])?;
    // Readable by the tests, whoever owns the cluster.
    let client_dir = scratch_dir("tls-client");
    let ca_file = client_dir.join("ca.pem");
    let wrong_ca_file = client_dir.join("wrong-ca.pem");
    for (path, pem) in [(&ca_file, &ca.pem), (&wrong_ca_file, &wrong_ca.pem)] {
        fs::write(path, pem).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let cluster = start_cluster_with(Spec {
        dir: TLS_DIR,
        listen: "127.0.0.1,127.0.0.2",
        // Only TLS over TCP: a plain-text connection is refused outright.
        hba: "local all all trust\n\
              hostssl all all 127.0.0.0/8 trust\n",
        conf: "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n",
        files: vec![("server.crt", cert), ("server.key", key)],
        query: "",
    })?;
    Ok(TlsCluster {
        cluster,
        ca_file,
        wrong_ca_file,
    })
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    let mut file = fs::OpenOptions::new()
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    file.write_all(text.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn run_checked(cmd: &mut Command, what: &str) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {what}: {e}\n{}", install_hint()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}):\n{}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn create_password_role(cluster: &Cluster) -> Result<(), String> {
    let url = cluster.url("postgres");
    let mut client = postgres::Client::connect(&url, postgres::NoTls)
        .map_err(|e| format!("cannot connect to {url}: {e}"))?;
    let exists = client
        .query_opt(
            "select 1 from pg_roles where rolname = $1",
            &[&PASSWORD_ROLE],
        )
        .map_err(|e| e.to_string())?
        .is_some();
    let verb = if exists { "alter" } else { "create" };
    client
        .batch_execute(&format!(
            "{verb} role {PASSWORD_ROLE} login password '{PASSWORD}'"
        ))
        .map_err(|e| format!("cannot set up role {PASSWORD_ROLE}: {e}"))
}

// ---------------------------------------------------------------------------
// Per-test databases
// ---------------------------------------------------------------------------

/// A database of its own for one test, dropped when the value is dropped.
pub struct TestDb {
    name: String,
    url: String,
}

/// Creates a fresh, empty database named after `hint`.
pub fn db(hint: &str) -> TestDb {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let cluster = cluster();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let name = format!("t_{}_{}_{n}", sanitize(hint), std::process::id());
    let mut admin = cluster.connect("postgres");
    admin
        .batch_execute(&format!("create database \"{name}\""))
        .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
    TestDb {
        url: cluster.url(&name),
        name,
    }
}

impl TestDb {
    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The superuser URL of this database, as passed to `glance -d`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// A new direct connection to this database.
    pub fn client(&self) -> postgres::Client {
        cluster().connect(&self.name)
    }

    /// Runs `sql` (several statements allowed) directly, panicking on error.
    pub fn execute(&self, sql: &str) {
        self.client()
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("seeding SQL failed: {e}\n{sql}"));
    }

    /// The first column of the first row of `sql`, as text (`None` for NULL
    /// or no row).
    pub fn query_scalar(&self, sql: &str) -> Option<String> {
        let messages = self
            .client()
            .simple_query(sql)
            .unwrap_or_else(|e| panic!("check query failed: {e}\n{sql}"));
        messages.into_iter().find_map(|m| match m {
            postgres::SimpleQueryMessage::Row(row) => Some(row.get(0).map(str::to_string)),
            _ => None,
        })?
    }

    /// Everything in this database an analysis must leave as it was: every
    /// table and materialized view outside the system schemas with its row
    /// count and a hash of its rows in order, every index definition, every
    /// extension with its version, every sequence's last value, and every
    /// constraint with whether it is validated. Prepared statements (other
    /// backends cannot see them) and pg_stat_statements (it counts what
    /// ran) are left out.
    pub fn fingerprint(&self) -> String {
        const USER: &str = "n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast')";
        let relations = self
            .query_scalar(&format!(
                "select string_agg(format('%I.%I', n.nspname, c.relname), ',' order by n.nspname, c.relname)
                 from pg_class c join pg_namespace n on n.oid = c.relnamespace
                 where c.relkind in ('r', 'm', 'p') and {USER}"
            ))
            .unwrap_or_default();
        let mut parts = Vec::new();
        for relation in relations.split(',').filter(|r| !r.is_empty()) {
            let rows = self.query_scalar(&format!(
                "select count(*) || ' ' || coalesce(md5(string_agg(t::text, chr(31) order by t::text)), '-')
                 from {relation} t"
            ));
            parts.push(format!("{relation}: {}", rows.unwrap_or_default()));
        }
        for (what, sql) in [
            ("indexes", "select string_agg(schemaname || '.' || indexname || ' ' || indexdef, chr(10) order by schemaname, indexname) from pg_indexes".to_string()),
            ("extensions", "select string_agg(extname || ' ' || extversion, ', ' order by extname) from pg_extension".to_string()),
            ("sequences", "select string_agg(schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, '-'), ', ' order by schemaname, sequencename) from pg_sequences".to_string()),
            ("constraints", format!(
                "select string_agg(c.conrelid::regclass || ' ' || c.conname || ' ' || c.convalidated, ', ' order by c.conrelid::regclass::text, c.conname)
                 from pg_constraint c join pg_namespace n on n.oid = c.connamespace where {USER}"
            )),
        ] {
            parts.push(format!("{what}: {}", self.query_scalar(&sql).unwrap_or_default()));
        }
        parts.join("\n")
    }

    /// True when a table (or view) called `name` (optionally schema-qualified)
    /// exists.
    pub fn relation_exists(&self, name: &str) -> bool {
        self.query_scalar(&format!("select to_regclass('{name}') is not null"))
            .as_deref()
            == Some("t")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(Ok(cluster)) = CLUSTER.get()
            && let Ok(mut admin) =
                postgres::Client::connect(&cluster.url("postgres"), postgres::NoTls)
        {
            let sql = format!("drop database if exists \"{}\" with (force)", self.name);
            let _ = admin.batch_execute(&sql);
        }
    }
}

// ---------------------------------------------------------------------------
// Running the binary through pipes
// ---------------------------------------------------------------------------

/// Path of the binary under test.
pub fn glance_bin() -> &'static str {
    env!("CARGO_BIN_EXE_glance")
}

/// A builder that runs a program in a clean environment with a timeout.
pub struct Cmd {
    program: OsString,
    args: Vec<OsString>,
    envs: Vec<(OsString, OsString)>,
    stdin: Option<Vec<u8>>,
    home: PathBuf,
    timeout: Duration,
}

/// A run of the `glance` binary with a fresh private HOME.
pub fn glance() -> Cmd {
    Cmd::new(glance_bin())
}

/// The variables every run starts from: PATH, HOME, TMPDIR and XDG dirs
/// under `home` (so a file glance leaves, such as a kept draft, goes with
/// the scratch directory), a UTF-8 locale, and an `OLLAMA_HOST` where
/// nothing listens (so a local Ollama never answers for a test that
/// configures no provider). Nothing else from the outer environment leaks
/// in.
pub fn clean_env(home: &Path) -> Vec<(OsString, OsString)> {
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    let mut vars = vec![
        ("PATH".into(), path),
        ("HOME".into(), home.as_os_str().to_owned()),
        ("LANG".into(), "C.UTF-8".into()),
        ("OLLAMA_HOST".into(), "127.0.0.1:1".into()),
    ];
    for (var, dir) in [
        ("XDG_CONFIG_HOME", ".config"),
        ("XDG_DATA_HOME", ".local/share"),
        ("XDG_CACHE_HOME", ".cache"),
        ("TMPDIR", ".tmp"),
    ] {
        let full = home.join(dir);
        let _ = fs::create_dir_all(&full);
        vars.push((var.into(), full.into_os_string()));
    }
    vars
}

impl Cmd {
    /// A run of `program` with a fresh private HOME.
    pub fn new(program: impl Into<OsString>) -> Cmd {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            envs: Vec::new(),
            stdin: None,
            home: scratch_dir("home"),
            timeout: RUN_TIMEOUT,
        }
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl Into<OsString>) -> Cmd {
        self.args.push(arg.into());
        self
    }

    /// Sets an extra environment variable.
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Cmd {
        self.envs.push((key.into(), value.into()));
        self
    }

    /// Feeds `input` on stdin (otherwise stdin is empty and not a terminal).
    pub fn stdin(mut self, input: impl Into<Vec<u8>>) -> Cmd {
        self.stdin = Some(input.into());
        self
    }

    /// Uses `home` as HOME (and XDG dirs under it), e.g. to share state
    /// between two runs.
    pub fn home(mut self, home: &Path) -> Cmd {
        self.home = home.to_path_buf();
        self
    }

    /// Changes the kill-after timeout.
    pub fn timeout(mut self, timeout: Duration) -> Cmd {
        self.timeout = timeout;
        self
    }

    fn describe(&self) -> String {
        let mut text = self.program.to_string_lossy().into_owned();
        for arg in &self.args {
            text.push(' ');
            text.push_str(&shell_quote(&arg.to_string_lossy()));
        }
        text
    }

    /// Runs to completion; panics (with all output so far) when the timeout
    /// passes.
    pub fn run(self) -> Output {
        let command_line = self.describe();
        let mut cmd = Command::new(&self.program);
        cmd.args(&self.args)
            .env_clear()
            .envs(clean_env(&self.home))
            .envs(self.envs.iter().cloned());
        cmd.current_dir(&self.home);
        cmd.stdin(if self.stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        });
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let started = Instant::now();
        let mut child = cmd
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command_line}: {e}"));
        let writer = child.stdin.take().map(|mut pipe| {
            let input = self.stdin.clone().unwrap_or_default();
            thread::spawn(move || {
                let _ = pipe.write_all(&input);
            })
        });
        let stdout = reader_thread(child.stdout.take());
        let stderr = reader_thread(child.stderr.take());
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break Some(status),
                Ok(None) if started.elapsed() > self.timeout => {
                    let _ = child.kill();
                    let _ = child.wait();
                    break None;
                }
                Ok(None) => thread::sleep(Duration::from_millis(10)),
                Err(e) => panic!("waiting for {command_line} failed: {e}"),
            }
        };
        if let Some(writer) = writer {
            let _ = writer.join();
        }
        let output = Output {
            command_line,
            code: status.and_then(|s| s.code()),
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
            elapsed: started.elapsed(),
        };
        if status.is_none() {
            panic!(
                "command timed out after {:?} and was killed\n{output}",
                self.timeout
            );
        }
        output
    }
}

fn reader_thread<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
}

fn shell_quote(text: &str) -> String {
    if !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
    {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// What a finished run printed and how it ended. `Display` shows everything,
/// so assertion messages can include it whole.
#[derive(Debug)]
pub struct Output {
    pub command_line: String,
    /// Exit code; `None` when killed by a signal.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: Duration,
}

impl fmt::Display for Output {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "command: {}", self.command_line)?;
        writeln!(f, "exit code: {:?} (after {:?})", self.code, self.elapsed)?;
        writeln!(f, "--- stdout ---\n{}", self.stdout)?;
        write!(f, "--- stderr ---\n{}\n--- end ---", self.stderr)
    }
}

impl Output {
    /// Asserts the exit code.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(self.code, Some(expected), "unexpected exit code\n{self}");
        self
    }

    /// Asserts success (exit code 0).
    #[track_caller]
    pub fn success(&self) -> &Self {
        self.code(0)
    }

    /// Asserts stdout contains `needle`.
    #[track_caller]
    pub fn stdout_has(&self, needle: &str) -> &Self {
        assert!(
            self.stdout.contains(needle),
            "stdout lacks {needle:?}\n{self}"
        );
        self
    }

    /// Asserts stderr contains `needle`.
    #[track_caller]
    pub fn stderr_has(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.contains(needle),
            "stderr lacks {needle:?}\n{self}"
        );
        self
    }

    /// Asserts stderr contains `needle`, ignoring ASCII case.
    #[track_caller]
    pub fn stderr_has_nocase(&self, needle: &str) -> &Self {
        assert!(
            self.stderr.to_lowercase().contains(&needle.to_lowercase()),
            "stderr lacks {needle:?} (any case)\n{self}"
        );
        self
    }

    /// Asserts neither stdout nor stderr contains `needle`.
    #[track_caller]
    pub fn never_shows(&self, needle: &str) -> &Self {
        assert!(
            !self.stdout.contains(needle) && !self.stderr.contains(needle),
            "output shows {needle:?}, which it must never do\n{self}"
        );
        self
    }

    /// Parses stdout as one JSON document.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document: {e}\n{self}"))
    }
}

// ---------------------------------------------------------------------------
// Running the binary in a pseudo-terminal
// ---------------------------------------------------------------------------

/// Terminal size the REPL sees.
pub const PTY_ROWS: u16 = 24;
pub const PTY_COLS: u16 = 100;

/// The binary running in a 24×100 pseudo-terminal. Output is read with
/// ANSI escape codes stripped; every expectation times out after
/// [`PTY_TIMEOUT`] with a message showing what was seen.
pub struct Repl {
    session: rexpect::session::PtySession,
    /// Everything read so far that no expectation has consumed yet.
    pending: String,
    /// Everything read since the start, for failure messages.
    transcript: String,
    /// Every byte read since the start, escape sequences included.
    raw_transcript: Vec<u8>,
    /// Bytes read but not yet turned into text: an escape sequence or a
    /// UTF-8 character cut off at the end of a read.
    raw: Vec<u8>,
    command_line: String,
    /// How the program ended, once seen (it can be collected only once).
    exited: Option<rexpect::process::WaitStatus>,
}

/// Starts `glance ARGS…` in a pseudo-terminal with a fresh private HOME.
pub fn pty<I, S>(args: I) -> Repl
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    pty_with_home(args, &scratch_dir("home"))
}

/// Starts `glance ARGS…` in a pseudo-terminal with `home` as HOME.
pub fn pty_with_home<I, S>(args: I, home: &Path) -> Repl
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    Repl::spawn(glance_bin(), args, home, &[])
}

/// Starts `glance ARGS…` in a pseudo-terminal with extra variables, such as
/// a fake LLM's address and key.
pub fn pty_with_env<I, S>(args: I, env: &[(&str, String)]) -> Repl
where
    I: IntoIterator<Item = S>,
    S: Into<OsString>,
{
    Repl::spawn(glance_bin(), args, &scratch_dir("home"), env)
}

impl Repl {
    /// Starts `program ARGS…` in a pseudo-terminal of [`PTY_ROWS`]×[`PTY_COLS`].
    pub fn spawn<I, S>(program: &str, args: I, home: &Path, env: &[(&str, String)]) -> Repl
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let mut command_line = program.to_string();
        for arg in &args {
            command_line.push(' ');
            command_line.push_str(&shell_quote(&arg.to_string_lossy()));
        }
        // The size is set from inside the terminal before the program starts,
        // so it never sees another size.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!(
                "stty rows {PTY_ROWS} cols {PTY_COLS} && exec \"$0\" \"$@\""
            ))
            .arg(program)
            .args(&args)
            .env_clear()
            .envs(clean_env(home))
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .env("TERM", "xterm-256color")
            .current_dir(home);
        let options = rexpect::session::Options::new()
            .timeout_ms(Some(PTY_TIMEOUT.as_millis() as u64))
            .strip_ansi_escape_codes(false);
        let session = rexpect::session::spawn_with_options(cmd, options)
            .unwrap_or_else(|e| panic!("cannot start {command_line} in a pseudo-terminal: {e}"));
        Repl {
            session,
            pending: String::new(),
            transcript: String::new(),
            raw_transcript: Vec::new(),
            raw: Vec::new(),
            command_line,
            exited: None,
        }
    }

    /// Records the program's end status if it has ended; true when it has.
    fn has_exited(&mut self) -> bool {
        use rexpect::process::WaitStatus;
        if self.exited.is_none() {
            match self.session.process().status() {
                Some(WaitStatus::StillAlive) | None => {}
                Some(status) => self.exited = Some(status),
            }
        }
        self.exited.is_some()
    }

    /// Reads what the terminal shows: bytes are collected (the pty hands
    /// them over one per `char`), escape sequences removed, and complete
    /// UTF-8 decoded; an incomplete tail waits for the next read.
    fn pull(&mut self) -> bool {
        let mut got = false;
        while let Some(c) = self.session.try_read() {
            let byte = u8::try_from(u32::from(c)).unwrap_or(b'?');
            self.raw.push(byte);
            self.raw_transcript.push(byte);
            got = true;
        }
        if got {
            let (visible, rest) = strip_escapes(&self.raw);
            let (text, tail) = decode_utf8(&visible);
            let mut carry = tail.to_vec();
            carry.extend_from_slice(&self.raw[rest..]);
            self.pending.push_str(&text);
            self.transcript.push_str(&text);
            self.raw = carry;
        }
        got
    }

    /// Waits until the unconsumed output satisfies `done`; returns that
    /// output and consumes it. Panics with the transcript on timeout.
    #[track_caller]
    pub fn expect_with(&mut self, what: &str, done: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + PTY_TIMEOUT;
        let mut idle_since_exit: Option<Instant> = None;
        loop {
            if done(&self.pending) {
                return std::mem::take(&mut self.pending);
            }
            let problem = if Instant::now() > deadline {
                Some(format!("timed out after {PTY_TIMEOUT:?}"))
            } else if idle_since_exit.is_some_and(|t| t.elapsed() > Duration::from_millis(300)) {
                Some(format!("the program ended ({:?})", self.exited))
            } else {
                None
            };
            if let Some(problem) = problem {
                panic!(
                    "{problem} waiting for {what}\ncommand: {}\n--- unconsumed output ---\n{}\n--- full transcript ---\n{}\n--- end ---",
                    self.command_line, self.pending, self.transcript
                );
            }
            if self.pull() {
                idle_since_exit = None;
            } else {
                if self.has_exited() {
                    idle_since_exit.get_or_insert_with(Instant::now);
                }
                thread::sleep(Duration::from_millis(10));
            }
        }
    }

    /// Waits for `needle`; consumes output up to and including it and
    /// returns what came before it.
    #[track_caller]
    pub fn expect(&mut self, needle: &str) -> String {
        let seen = self.expect_with(&format!("{needle:?}"), |text| text.contains(needle));
        let at = seen.find(needle).unwrap_or(0);
        self.pending = seen[at + needle.len()..].to_string();
        seen[..at].to_string()
    }

    /// Waits for every needle in any order; returns and consumes all output
    /// read by then.
    #[track_caller]
    pub fn expect_all(&mut self, needles: &[&str]) -> String {
        let seen = self.expect_with(&format!("all of {needles:?}"), |text| {
            needles.iter().all(|n| text.contains(n))
        });
        let end = needles
            .iter()
            .filter_map(|n| seen.find(n).map(|at| at + n.len()))
            .max()
            .unwrap_or(0);
        self.keep_after(seen, end)
    }

    /// Waits for `needle`, ignoring ASCII case.
    #[track_caller]
    pub fn expect_nocase(&mut self, needle: &str) -> String {
        let lower = needle.to_ascii_lowercase();
        let seen = self.expect_with(&format!("{needle:?} (any case)"), |text| {
            text.to_ascii_lowercase().contains(&lower)
        });
        let end = seen
            .to_ascii_lowercase()
            .find(&lower)
            .map_or(0, |at| at + lower.len());
        self.keep_after(seen, end)
    }

    /// Leaves the output after byte `end` of `seen` unconsumed, so a prompt
    /// printed after what was awaited can still be awaited; returns the rest.
    fn keep_after(&mut self, seen: String, end: usize) -> String {
        let mut rest = seen[end..].to_string();
        rest.push_str(&self.pending);
        self.pending = rest;
        seen[..end].to_string()
    }

    /// Waits for a prompt (every prompt ends in `> `).
    #[track_caller]
    pub fn expect_prompt(&mut self) -> String {
        self.expect("> ")
    }

    /// Waits for the SQL-mode prompt (`…sql=> `).
    #[track_caller]
    pub fn expect_sql_prompt(&mut self) -> String {
        self.expect("sql=> ")
    }

    /// Types `text` without pressing Enter.
    pub fn send(&mut self, text: &str) {
        self.session
            .send(text)
            .and_then(|_| self.session.flush())
            .unwrap_or_else(|e| panic!("cannot write to the terminal: {e}"));
    }

    /// Types `line` and presses Enter.
    pub fn send_line(&mut self, line: &str) {
        self.send(line);
        self.send("\r");
    }

    /// Presses Ctrl + `key` (e.g. `'c'`, `'d'`).
    pub fn ctrl(&mut self, key: char) {
        self.session
            .send_control(key)
            .unwrap_or_else(|e| panic!("cannot send Ctrl-{key}: {e}"));
    }

    /// Waits for the program to exit and returns its exit code.
    #[track_caller]
    pub fn expect_exit(&mut self) -> i32 {
        use rexpect::process::WaitStatus;
        let deadline = Instant::now() + PTY_TIMEOUT;
        while !self.has_exited() {
            self.pull();
            if Instant::now() > deadline {
                panic!(
                    "{} did not exit within {PTY_TIMEOUT:?}\n--- transcript ---\n{}",
                    self.command_line, self.transcript
                );
            }
            thread::sleep(Duration::from_millis(20));
        }
        self.pull();
        match self.exited {
            Some(WaitStatus::Exited(_, code)) => code,
            other => panic!(
                "{} ended abnormally: {other:?}\n--- transcript ---\n{}",
                self.command_line, self.transcript
            ),
        }
    }

    /// Everything the terminal showed so far.
    pub fn transcript(&self) -> &str {
        &self.transcript
    }

    /// Every byte the program wrote so far, escape sequences included.
    pub fn raw_transcript(&self) -> &[u8] {
        &self.raw_transcript
    }
}

/// Removes terminal escape sequences (CSI `ESC [ … final`, OSC `ESC ] … BEL`
/// or `ESC \\`, and two-byte `ESC x`) from `bytes`. Returns the visible
/// bytes and how many input bytes were used; an unfinished sequence at the
/// end is left unused.
fn strip_escapes(bytes: &[u8]) -> (Vec<u8>, usize) {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != 0x1b {
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        let Some(&kind) = bytes.get(i + 1) else {
            return (out, i);
        };
        let end = match kind {
            b'[' => bytes[i + 2..]
                .iter()
                .position(|b| (0x40..=0x7e).contains(b))
                .map(|p| i + 2 + p + 1),
            b']' => bytes[i + 2..]
                .windows(2)
                .enumerate()
                .find_map(|(p, w)| match w {
                    [0x07, _] => Some(i + 2 + p + 1),
                    [0x1b, b'\\'] => Some(i + 2 + p + 2),
                    _ => None,
                }),
            _ => Some(i + 2),
        };
        match end {
            Some(end) => i = end,
            None => return (out, i),
        }
    }
    (out, i)
}

/// Decodes the complete UTF-8 prefix of `bytes`, returning the text and any
/// cut-off character at the end.
fn decode_utf8(bytes: &[u8]) -> (String, &[u8]) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_string(), &[]),
        Err(e) if e.error_len().is_none() => {
            let (good, tail) = bytes.split_at(e.valid_up_to());
            (String::from_utf8_lossy(good).into_owned(), tail)
        }
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), &[]),
    }
}
