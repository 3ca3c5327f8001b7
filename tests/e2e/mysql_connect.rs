//! Connecting to MySQL and MariaDB: by URL, socket, MYSQL_* variables,
//! `~/.my.cnf` and profiles; TLS; failures that name where and why without
//! the password; rows in every format; `\conninfo`; Ctrl-C.

use std::fs;
use std::path::Path;

use crate::harness::{self, glance};
use crate::mariadb_server::{TestMariaDb, mariadb};

const READER: &str = "t_glance_reader";
const READER_PW: &str = "reader-pw-9137";
const WRONG_PW: &str = "wrong-pw-5521";

/// A fresh database holding a small table.
fn seeded(hint: &str) -> TestMariaDb {
    let db = mariadb().create_db(hint);
    db.execute(
        "create table items (id int primary key, name varchar(20), price decimal(8,2)); \
                insert into items values (1, 'apple', 1.50), (2, 'pear', 2.25)",
    );
    db
}

/// A user with only SELECT on `db` and a password.
fn reader_on(db: &TestMariaDb) {
    mariadb()
        .run(
            "",
            &format!(
                "create user if not exists '{READER}'@'%' identified by '{READER_PW}'; \
                 grant select on `{}`.* to '{READER}'@'%'",
                db.name()
            ),
        )
        .expect("create the reader");
}

fn ask(url: &str, sql: &str, format: &str) -> harness::Output {
    glance()
        .args(["ask", "--sql", sql, "-d", url, "--format", format])
        .run()
}

/// `glance ask --sql SQL --format csv` with `target` (`-d …` or `-p …`).
fn ask_csv(sql: &str, target: [&str; 2]) -> harness::Cmd {
    glance()
        .args(["ask", "--sql", sql, "--format", "csv"])
        .args(target)
}

#[test]
fn mysql_rows_come_in_every_format() {
    let db = seeded("my_formats");
    let sql = "select id, name, price from items order by id";
    ask(&db.url(), sql, "table")
        .success()
        .stderr_has("a user with only SELECT grants is safer")
        .stdout_has("apple")
        .stdout_has("2.25")
        .stdout_has("(2 rows)");
    ask(&db.url(), sql, "csv")
        .success()
        .stdout_has("id,name,price")
        .stdout_has("1,apple,1.50");
    let json = ask(&db.url(), sql, "json");
    json.success();
    let text = json.json().to_string();
    assert!(text.contains("\"pear\"") && text.contains("2.25"), "{text}");
}

#[test]
fn mysql_connects_through_the_socket() {
    let db = seeded("my_socket");
    let socket = mariadb().socket().expect("the test server has a socket");
    let url = format!(
        "mysql://root@localhost/{}?socket={}",
        db.name(),
        socket.display()
    );
    ask(&url, "select name from items where id = 2", "csv")
        .success()
        .stdout_has("pear");
}

#[test]
fn mysql_reads_the_mysql_variables() {
    let db = seeded("my_env");
    reader_on(&db);
    let url = format!("mariadb://{READER}@/{}", db.name());
    let out = ask_csv("select current_user() as who", ["-d", &url])
        .env("MYSQL_HOST", "127.0.0.1")
        .env("MYSQL_TCP_PORT", mariadb().port().to_string())
        .env("MYSQL_PWD", READER_PW)
        .run();
    out.success().stdout_has(READER).never_shows(READER_PW);
}

#[test]
fn mysql_reads_client_settings_from_my_cnf() {
    let db = seeded("my_cnf");
    reader_on(&db);
    let home = harness::scratch_dir("home");
    fs::write(
        home.join(".my.cnf"),
        format!(
            "[mysqld]\nuser = nobody\n[client]\n# from the test\nuser = {READER}\n\
             password = \"{READER_PW}\"\nhost = 127.0.0.1\nport = {}\ndatabase = {}\n",
            mariadb().port(),
            db.name()
        ),
    )
    .unwrap();
    ask_csv("select name from items where id = 1", ["-d", "mysql://"])
        .home(&home)
        .run()
        .success()
        .stdout_has("apple")
        .never_shows(READER_PW);
}

#[test]
fn mysql_profiles_take_a_driver_and_parts() {
    let db = seeded("my_profile");
    reader_on(&db);
    let home = harness::scratch_dir("home");
    let dir = home.join(".config/glance");
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("config.toml"),
        format!(
            "[connections.shop]\ndriver = \"mysql\"\nhost = \"127.0.0.1\"\nport = {}\n\
             database = \"{}\"\nuser = \"{READER}\"\npassword_env = \"SHOP_PW\"\n",
            mariadb().port(),
            db.name()
        ),
    )
    .unwrap();
    ask_csv("select count(*) as n from items", ["-p", "shop"])
        .env("SHOP_PW", READER_PW)
        .home(&home)
        .run()
        .success()
        .stdout_has("n\n2")
        .never_shows(READER_PW);
    let socket = mariadb().socket().expect("the test server has a socket");
    fs::write(
        dir.join("config.toml"),
        format!(
            "[connections.local]\ndriver = \"mysql\"\nsocket = \"{}\"\nsslmode = \"disable\"\n\
             database = \"{}\"\nuser = \"{READER}\"\npassword_env = \"SHOP_PW\"\n",
            socket.display(),
            db.name()
        ),
    )
    .unwrap();
    ask_csv("select count(*) as n from items", ["-p", "local"])
        .env("SHOP_PW", READER_PW)
        .home(&home)
        .run()
        .success()
        .stdout_has("n\n2");
}

#[test]
fn mysql_connection_failures_say_where_and_why_without_the_password() {
    let db = seeded("my_fail");
    reader_on(&db);
    let address = mariadb().address();
    let wrong = format!("mysql://{READER}:{WRONG_PW}@{address}/{}", db.name());
    ask(&wrong, "select 1", "csv")
        .code(1)
        .stderr_has(&format!("{address}/{}", db.name()))
        .stderr_has_nocase("authentication")
        .stderr_has("MYSQL_PWD")
        .never_shows(WRONG_PW);
    let missing = format!("mysql://root@{address}/no_such_db_here");
    ask(&missing, "select 1", "csv")
        .code(1)
        .stderr_has("no_such_db_here")
        .stderr_has_nocase("does not exist");
    let denied = format!("mysql://{READER}:{READER_PW}@{address}/no_such_db_here");
    ask(&denied, "select 1", "csv")
        .code(1)
        .stderr_has("`no_such_db_here` does not exist, or this user may not use it")
        .never_shows(READER_PW);
    let port = harness::free_port();
    let down = format!("mysql://root:{WRONG_PW}@127.0.0.1:{port}/x");
    ask(&down, "select 1", "csv")
        .code(1)
        .stderr_has(&format!("127.0.0.1:{port}"))
        .stderr_has_nocase("running")
        .never_shows(WRONG_PW);
    let no_password = format!("mysql://{READER}@{address}/{}", db.name());
    ask(&no_password, "select 1", "csv")
        .code(1)
        .stderr_has_nocase("password");
}

#[test]
fn mysql_tls_is_used_and_verified() {
    let db = seeded("my_tls");
    let address = mariadb().address();
    let status = "select variable_value as v from information_schema.session_status \
                  where variable_name = 'Ssl_version'";
    let required = format!("mysql://root@{address}/{}?ssl-mode=REQUIRED", db.name());
    ask(&required, status, "csv").success().stdout_has("TLSv1.");
    let verify = |mode: &str, file: &Path| {
        format!(
            "mysql://root@{address}/{}?ssl-mode={mode}&ssl-ca={}",
            db.name(),
            file.display()
        )
    };
    for mode in ["VERIFY_CA", "VERIFY_IDENTITY"] {
        ask(&verify(mode, mariadb().ca_file()), status, "csv")
            .success()
            .stdout_has("TLSv1.");
        ask(&verify(mode, mariadb().wrong_ca_file()), status, "csv")
            .code(1)
            .stderr_has_nocase("tls");
    }
    let plain = format!("mysql://root@{address}/{}?ssl-mode=DISABLED", db.name());
    ask(&plain, status, "csv").success().never_shows("TLSv1.");
}

#[test]
fn mysql_conninfo_names_server_tls_and_a_reader_user() {
    let db = seeded("my_conninfo");
    reader_on(&db);
    let url = format!(
        "mysql://{READER}:{READER_PW}@{}/{}?ssl-mode=REQUIRED",
        mariadb().address(),
        db.name()
    );
    let mut repl = harness::pty(["repl", "-d", &url]);
    repl.expect_prompt();
    repl.send_line("\\conninfo");
    let shown = repl.expect("only reads");
    assert!(shown.contains("connected to MariaDB "), "{shown}");
    assert!(!shown.contains("MySQL MariaDB"), "{shown}");
    assert!(shown.contains(&format!("as {READER}")), "{shown}");
    assert!(shown.contains("(TLSv1."), "{shown}");
    assert!(!repl.transcript().contains(READER_PW));
}

#[test]
fn mysql_ctrl_c_stops_a_running_statement_and_the_prompt_returns() {
    let db = seeded("my_ctrl_c");
    let mut repl = harness::pty(["repl", "-d", &db.url()]);
    repl.expect_prompt();
    repl.send_line(
        "\\sql select count(*) from seq_1_to_100000 a, seq_1_to_100000 b, seq_1_to_1000 c;",
    );
    harness::wait_until("the long count runs", || {
        db.query_scalar(
            "select count(*) from information_schema.processlist \
             where info like '%seq_1_to_100000 a%' and id <> connection_id()",
        )
        .as_deref()
            == Some("1")
    });
    repl.ctrl('c');
    repl.expect_nocase("cancel");
    repl.expect_prompt();
    repl.send_line("\\sql select 42 as answer;");
    repl.expect_all(&["answer", "42"]);
}

#[test]
fn mysql_copy_from_loads_in_one_transaction_and_names_a_bad_line() {
    let db = seeded("my_load");
    let dir = harness::scratch_dir("my_load");
    let good = dir.join("good.csv");
    fs::write(&good, "3,plum,0.75\n4,fig,\n").unwrap();
    let bad = dir.join("bad.csv");
    fs::write(&bad, "5,kiwi,1\n1,dup,2\n6,lime,3\n").unwrap();
    let out = glance()
        .args(["repl", "--yes", "--no-history", "-d", &db.url()])
        .stdin(format!(
            "\\copy items from '{}' csv\n\\copy items from '{}' csv\n",
            good.display(),
            bad.display()
        ))
        .run();
    out.stdout_has("COPY 2").stderr_has("bad.csv line 2");
    assert_eq!(
        db.query_scalar("select count(*) from items").as_deref(),
        Some("4"),
        "{out}"
    );
    assert_eq!(
        db.query_scalar("select count(*) from items where id = 4 and price is null")
            .as_deref(),
        Some("1")
    );
}

#[test]
fn mysql_server_warnings_are_shown_with_their_number() {
    let db = seeded("my_warnings");
    ask(&db.url(), "select cast('12abc' as signed) as n", "csv")
        .success()
        .stdout_has("12")
        .stderr_has("Warning 1292");
}

#[test]
fn mysql_a_confirmed_write_runs_as_typed_and_sql_mode_stays_readable() {
    let db = seeded("my_direct");
    glance()
        .args(["ask", "--yes", "-d", &db.url()])
        .args(["--sql", "insert into items values (3, 'fig', 0.5)"])
        .run()
        .success();
    assert_eq!(
        db.query_scalar("select name from items where id = 3")
            .as_deref(),
        Some("fig")
    );
    // A confirmed statement that makes "…" a name is undone, and said.
    glance()
        .args(["ask", "--yes", "-d", &db.url()])
        .args(["--sql", "set session sql_mode = 'ANSI'"])
        .run()
        .success()
        .stderr_has("changed sql_mode")
        .stderr_has("removed ANSI_QUOTES");
}

#[test]
fn mysql_a_missing_password_is_asked_for_and_reused_for_another_database() {
    let db = seeded("my_pw_prompt");
    let other = seeded("my_pw_prompt_other");
    reader_on(&db);
    reader_on(&other);
    let url = format!("mysql://{READER}@{}/{}", mariadb().address(), db.name());
    let mut repl = harness::pty(["repl", "-d", &url]);
    repl.expect(&format!("Password for user {READER}: "));
    repl.send_line(READER_PW);
    repl.expect_prompt();
    repl.send_line("\\sql select count(*) as n from items;");
    repl.expect_all(&["n", "2", "1 row"]);
    repl.expect_prompt();
    repl.send_line(&format!("\\c {}", other.name()));
    let shown = repl.expect_prompt();
    assert!(!shown.contains("Password for user"), "{shown}");
    repl.send_line("\\sql select database() as here;");
    repl.expect_all(&[other.name(), "1 row"]);
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
    assert!(
        !repl.transcript().contains(READER_PW),
        "{}",
        repl.transcript()
    );
}

#[test]
fn mysql_the_statement_timeout_bounds_a_streamed_result() {
    let db = seeded("my_timeout");
    let out = glance()
        .args([
            "ask",
            "--no-history",
            "--statement-timeout",
            "2s",
            "--format",
            "csv",
        ])
        .args(["-d", &db.url(), "--sql"])
        .arg("select a.seq as n, b.seq as m from seq_1_to_1000000 a, seq_1_to_1000000 b")
        .timeout(std::time::Duration::from_secs(600))
        .run();
    out.code(1)
        .stderr_has("statement timeout of 2 s was reached")
        .stderr_has("--statement-timeout");
    assert!(
        out.stdout.starts_with("n,m\n1,"),
        "rows streamed first\n{out}"
    );
}

#[test]
fn mysql_a_typo_gets_the_servers_own_error_with_number_and_sqlstate() {
    let db = seeded("my_typo");
    let out = ask(&db.url(), "selec name from items", "csv");
    out.code(1)
        .stderr_has("ERROR 1064")
        .stderr_has("SQLSTATE 42000")
        .stderr_has("near 'selec name from items'");
}

#[test]
fn mysql_dry_run_gives_the_verdict_when_the_server_refuses_a_privilege() {
    let db = seeded("my_dry_run");
    reader_on(&db);
    let url = format!(
        "mysql://{READER}:{READER_PW}@{}/{}",
        mariadb().address(),
        db.name()
    );
    let out = glance()
        .args([
            "ask",
            "--sql",
            "select * from items into outfile '/tmp/glance-no-file'",
        ])
        .args(["--dry-run", "--format", "json", "-d", &url])
        .run();
    out.success();
    let json = out.json();
    assert_eq!(json["level"], "destructive", "{out}");
    assert!(
        json["reasons"][0]
            .as_str()
            .is_some_and(|r| r.contains("INTO OUTFILE")),
        "{out}"
    );
    assert!(!std::path::Path::new("/tmp/glance-no-file").exists());
}
