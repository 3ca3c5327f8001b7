//! Tests of the harness itself: they pass with any build of the binary, so a
//! broken harness is never mistaken for a broken glance.

use std::time::Duration;

use crate::harness::{self, Cmd, PASSWORD, PASSWORD_ROLE};
use crate::mariadb_server;

#[test]
fn cluster_starts_and_answers() {
    let cluster = harness::cluster();
    let mut client = cluster.connect("postgres");
    let row = client
        .query_one(
            "select current_user::text, current_setting('port')::int",
            &[],
        )
        .expect("query");
    assert_eq!(row.get::<_, String>(0), "postgres");
    assert_eq!(row.get::<_, i32>(1), i32::from(cluster.port()));
}

#[test]
fn a_test_database_can_be_seeded_and_queried() {
    let db = harness::db("seeded");
    db.execute("create table t (id int, name text); insert into t values (1, 'one'), (2, null);");
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("2")
    );
    assert_eq!(db.query_scalar("select name from t where id = 2"), None);
    assert_eq!(
        db.query_scalar("select current_database()").as_deref(),
        Some(db.name())
    );
    assert!(db.relation_exists("t"));
    assert!(!db.relation_exists("nope"));
    assert!(
        db.url()
            .ends_with(&format!("/{}?sslmode=disable", db.name()))
            || std::env::var(harness::DATABASE_URL_VAR).is_ok()
    );
}

#[test]
fn two_tests_get_different_databases() {
    let a = harness::db("same");
    let b = harness::db("same");
    assert_ne!(a.name(), b.name());
    a.execute("create table only_in_a (x int)");
    assert!(a.relation_exists("only_in_a"));
    assert!(!b.relation_exists("only_in_a"));
}

#[test]
fn a_dropped_test_database_is_removed() {
    let name = {
        let db = harness::db("dropped");
        db.name().to_string()
    };
    let mut admin = harness::cluster().connect("postgres");
    let left = admin
        .query("select 1 from pg_database where datname = $1", &[&name])
        .expect("query");
    assert!(left.is_empty(), "database {name} still exists after drop");
}

#[test]
fn the_password_role_logs_in_only_with_its_password() {
    let db = harness::db("pw");
    let cluster = harness::cluster();
    let good = cluster.url_as(PASSWORD_ROLE, PASSWORD, db.name());
    let mut client =
        postgres::Client::connect(&good, postgres::NoTls).expect("right password connects");
    let row = client
        .query_one("select current_user::text", &[])
        .expect("query");
    assert_eq!(row.get::<_, String>(0), PASSWORD_ROLE);
    if std::env::var(harness::DATABASE_URL_VAR).is_err() {
        let bad = cluster.url_as(PASSWORD_ROLE, "wrong-pw-456", db.name());
        let err = postgres::Client::connect(&bad, postgres::NoTls)
            .err()
            .expect("wrong password must fail");
        let code = err.as_db_error().map(|e| e.code().code().to_string());
        assert_eq!(code.as_deref(), Some("28P01"), "{err:?}");
    }
}

#[test]
fn free_ports_have_no_listener() {
    let port = harness::free_port();
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn commands_run_in_a_clean_environment() {
    let out = Cmd::new("sh").args(["-c", "env"]).env("EXTRA", "1").run();
    out.success();
    let home = out
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("HOME="))
        .expect("HOME is set")
        .to_string();
    assert!(
        home.contains("glance-e2e-"),
        "HOME is not private: {home}\n{out}"
    );
    for line in out.stdout.lines() {
        let name = line.split('=').next().unwrap_or_default();
        let allowed = [
            "PATH",
            "HOME",
            "LANG",
            "XDG_CONFIG_HOME",
            "XDG_DATA_HOME",
            "XDG_CACHE_HOME",
            "TMPDIR",
            "OLLAMA_HOST",
            "EXTRA",
            "PWD",
            "SHLVL",
            "_",
        ];
        assert!(
            allowed.contains(&name),
            "unexpected variable {name} leaked into the environment\n{out}"
        );
    }
    assert!(
        out.stdout.contains(&format!("TMPDIR={home}/.tmp\n")),
        "{out}"
    );
    assert!(
        out.stdout
            .contains(&format!("XDG_DATA_HOME={home}/.local/share")),
        "{out}"
    );
}

#[test]
fn stdin_is_fed_and_exit_codes_are_reported() {
    let out = Cmd::new("sh")
        .args(["-c", "cat; echo err >&2; exit 7"])
        .stdin("piped text")
        .run();
    out.code(7).stdout_has("piped text").stderr_has("err");
}

#[test]
#[should_panic(expected = "timed out")]
fn a_hanging_command_is_killed_at_the_timeout() {
    Cmd::new("sleep")
        .arg("30")
        .timeout(Duration::from_millis(300))
        .run();
}

#[test]
fn the_binary_runs_through_pipes() {
    harness::glance()
        .arg("--version")
        .run()
        .success()
        .stdout_has("glance");
}

#[test]
fn the_pseudo_terminal_has_the_fixed_size_and_a_terminal_type() {
    let home = harness::scratch_dir("pty");
    let mut term = harness::Repl::spawn(
        "sh",
        [
            "-c",
            "stty size; echo \"term=$TERM\"; read line; echo \"got:$line\"",
        ],
        &home,
        &[],
    );
    term.expect(&format!("{} {}", harness::PTY_ROWS, harness::PTY_COLS));
    term.expect("term=xterm-256color");
    term.send_line("hello");
    term.expect("got:hello");
    assert_eq!(term.expect_exit(), 0);
}

#[test]
fn control_keys_reach_the_program_in_the_terminal() {
    let home = harness::scratch_dir("pty");
    let mut term = harness::Repl::spawn(
        "sh",
        [
            "-c",
            "trap 'echo caught-int; exit 5' INT; echo ready; while :; do sleep 0.1; done",
        ],
        &home,
        &[],
    );
    term.expect("ready");
    term.ctrl('c');
    term.expect("caught-int");
    assert_eq!(term.expect_exit(), 5);
}

#[test]
fn scratch_dirs_of_dead_processes_are_swept() {
    // Far above any pid_max, so no live process owns it.
    let stale = std::env::temp_dir().join("glance-e2e-3999999999");
    std::fs::create_dir_all(stale.join("pg")).expect("create stale dir");
    std::fs::write(stale.join("pg").join("left-over"), "x").expect("write");
    harness::sweep_stale_dirs();
    assert!(!stale.exists(), "{} survived the sweep", stale.display());
}

fn processes_mentioning(text: &str) -> Vec<String> {
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|raw| String::from_utf8_lossy(&raw).replace('\0', " "))
        .filter(|cmd| cmd.contains(text))
        .collect()
}

#[test]
fn the_cluster_and_scratch_dir_are_gone_when_a_test_process_exits() {
    if std::env::var_os(harness::DATABASE_URL_VAR).is_some() {
        // With an external server there is no cluster of ours to stop; the
        // scratch directory is still checked by the other branch.
        return;
    }
    let exe = std::env::current_exe().expect("current test binary");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "harness_selftest::cluster_starts_and_answers",
            "--test-threads=1",
        ])
        .env_remove(harness::DATABASE_URL_VAR)
        .output()
        .expect("run the test binary");
    assert!(
        out.status.success(),
        "child test run failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1 passed"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // The child's pid is not known here, so look for any scratch dir or
    // server process that is not ours and whose owner is dead.
    let ours = format!("glance-e2e-{}", std::process::id());
    let leftovers: Vec<String> = std::fs::read_dir(std::env::temp_dir())
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("glance-e2e-") && *n != ours)
        .filter(|n| {
            let pid = n.trim_start_matches("glance-e2e-");
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
        })
        .collect();
    assert!(
        leftovers.is_empty(),
        "scratch dirs left behind: {leftovers:?}"
    );
    let servers: Vec<String> = processes_mentioning("glance-e2e-")
        .into_iter()
        .filter(|cmd| cmd.contains("postgres") && !cmd.contains(&ours))
        .filter(|cmd| {
            let pid: String = cmd
                .split("glance-e2e-")
                .nth(1)
                .unwrap_or_default()
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            !std::path::Path::new(&format!("/proc/{pid}")).exists()
        })
        .collect();
    assert!(servers.is_empty(), "servers left running: {servers:?}");
}

#[test]
fn a_mariadb_test_database_can_be_seeded_and_queried() {
    let server = mariadb_server::mariadb();
    let db = server.create_db("maria seeded");
    db.execute("create table t (id int primary key, name text); insert into t values (1, 'one'), (2, null);");
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("2")
    );
    assert_eq!(
        db.query_scalar("select name from t where id = 1")
            .as_deref(),
        Some("one")
    );
    assert_eq!(db.query_scalar("select name from t where id = 2"), None);
    assert_eq!(
        db.query_scalar("select database()").as_deref(),
        Some(db.name())
    );
    assert!(db.url().ends_with(&format!("/{}", db.name())));
    let other = server.create_db("maria seeded");
    assert_ne!(other.name(), db.name());
    assert_eq!(other.query_scalar("show tables like 't'"), None);
}

#[test]
fn the_mariadb_server_is_private_unprivileged_and_reachable_over_tcp() {
    let server = mariadb_server::mariadb();
    if std::env::var(mariadb_server::MARIADB_URL_VAR).is_ok() {
        return;
    }
    let db = server.create_db("maria own");
    assert_ne!(
        server.port(),
        3306,
        "the system server's port is never used"
    );
    assert_eq!(
        db.query_scalar("select @@port"),
        Some(server.port().to_string())
    );
    let socket = server.socket().expect("a server started here has a socket");
    assert_eq!(
        db.query_scalar("select @@socket").as_deref(),
        socket.to_str()
    );
    // Over TCP, as glance connects with the URL.
    let tcp = Cmd::new("mariadb")
        .args([
            "--no-defaults",
            "--protocol=TCP",
            "--host=127.0.0.1",
            "--user=root",
        ])
        .arg(format!("--port={}", server.port()))
        .args([
            "--batch",
            "--skip-column-names",
            "--execute=select database()",
            db.name(),
        ])
        .run();
    tcp.success().stdout_has(db.name());
    // Run as root, the tests start the server as another user.
    let pid_file = db.query_scalar("select @@pid_file").expect("pid_file");
    let pid = std::fs::read_to_string(pid_file).expect("pid file");
    let status = std::fs::read_to_string(format!("/proc/{}/status", pid.trim())).expect("status");
    let uid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().next())
        .expect("Uid line");
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if me == 0 {
        assert_ne!(uid, "0", "mariadbd runs as root");
    } else {
        assert_eq!(uid, me.to_string());
    }
}

#[test]
fn a_dropped_mariadb_test_database_is_removed() {
    let server = mariadb_server::mariadb();
    let name = server.create_db("maria dropped").name().to_string();
    let left = server
        .run("", &format!("show databases like '{name}'"))
        .expect("show databases");
    assert!(
        left.trim().is_empty(),
        "database {name} still exists after drop"
    );
}
