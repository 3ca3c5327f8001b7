//! The surfaces around the gate, from outside: SQL with a NUL byte, a
//! session whose `standard_conforming_strings` was turned off, a
//! `search_path` that puts a hostile schema first, the guard role, the
//! statement timeout across fetches and memory with big values.

use std::path::{Path, PathBuf};

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, Output, glance};

/// `glance ask` with the model answering `sql`, no terminal, no second try.
fn ask_model(target: &str, sql: &str, extra: &[&str]) -> Output {
    let fake = FakeLlm::openai(vec![Reply::text(&format!(
        "This answers it.\n\n```sql\n{sql}\n```\n"
    ))]);
    let mut cmd = glance()
        .args(["ask", "--no-history", "--retries", "0", "-d", target])
        .args(extra)
        .arg("answer the question");
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd.run()
}

/// `glance ask --sql -` with `sql` on stdin.
fn ask_stdin(target: &str, sql: &[u8]) -> Cmd {
    glance()
        .args(["ask", "--no-history", "-d", target, "--sql", "-"])
        .stdin(sql.to_vec())
}

fn genres(dir: &Path) -> PathBuf {
    let path = dir.join("music.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table Genre (GenreId integer primary key, Name text);
         with recursive n(i) as (select 1 union all select i + 1 from n where i < 25)
         insert into Genre select i, 'genre ' || i from n;",
    )
    .expect("seed sqlite file");
    path
}

fn rocks(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open sqlite file");
    conn.query_row("select count(*) from Genre where Name = 'Rock'", [], |r| {
        r.get(0)
    })
    .expect("count")
}

#[test]
fn sql_with_a_nul_byte_is_refused_before_anything_runs() {
    let path = genres(&harness::scratch_dir("nul"));
    let target = path.to_str().expect("utf-8 path");
    let update = "UPDATE Genre SET Name = 'Rock' /* keep\0 */ WHERE GenreId = 1";
    // Typed, even with every permission.
    ask_stdin(target, update.as_bytes())
        .args(["--allow-destructive", "--allow-write"])
        .run()
        .code(2)
        .stderr_has("NUL byte");
    // Written by the model and allowed to write.
    let out = ask_model(target, update, &["--allow-write", "--allow-destructive"]);
    out.code(2).stderr_has("NUL byte");
    assert_eq!(rocks(&path), 0, "the update ran\n{out}");
    // PostgreSQL: the same clear error, not a lost connection.
    let db = harness::db("guard_nul");
    ask_stdin(db.url(), b"select 1 /* \0 */")
        .run()
        .code(2)
        .stderr_has("NUL byte")
        .never_shows("connection lost");
    ask_model(db.url(), "select 1 /* \0 */", &[])
        .code(2)
        .stderr_has("NUL byte");
}

/// `url` with one more query parameter.
fn with_param(url: &str, param: &str) -> String {
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{param}")
}

/// A file only the probe should ever read, and its secret text.
fn secret_file() -> (PathBuf, String) {
    use std::os::unix::fs::PermissionsExt;
    let dir = harness::scratch_dir("strings");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).expect("chmod dir");
    let path = dir.join("hostname");
    let secret = format!("glance-secret-{}", std::process::id());
    std::fs::write(&path, &secret).expect("write the secret");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod file");
    (path, secret)
}

#[test]
fn strings_are_read_the_classifiers_way_whatever_the_session_was_told() {
    let db = harness::db("guard_strings");
    db.execute(&format!(
        "alter database \"{}\" set standard_conforming_strings = off",
        db.name()
    ));
    let (path, secret) = secret_file();
    // With standard_conforming_strings off the server reads `'x\', '` as one
    // string and runs pg_read_file; the classifier reads no call at all.
    let probe = format!(
        "SELECT 'x\\', ' , pg_read_file('{}') AS leak\n--'",
        path.display()
    );
    let url_off = with_param(db.url(), "options=-c%20standard_conforming_strings%3Doff");
    for target in [db.url(), url_off.as_str()] {
        let out = ask_model(target, &probe, &["--format", "csv"]);
        out.never_shows(&secret);
        ask_stdin(target, probe.as_bytes())
            .arg("--format")
            .arg("csv")
            .env("PGOPTIONS", "-c standard_conforming_strings=off")
            .run()
            .never_shows(&secret);
        // The session glance keeps reads backslashes as plain characters.
        let out = ask_stdin(target, br"select 'a\' as v")
            .args(["--format", "csv"])
            .run();
        out.success();
        assert_eq!(out.stdout, "v\na\\\n", "{out}");
    }
}

#[test]
fn a_confirmed_statement_that_turns_standard_strings_off_is_undone_and_said() {
    let db = harness::db("guard_strings_restored");
    for set in [
        "set standard_conforming_strings = off;",
        "select set_config('standard_conforming_strings', 'off', false);",
    ] {
        let out = glance()
            .args(["repl", "--no-history", "-y", "-d", db.url()])
            .stdin(format!(
                "\\sql {set}\n\\sql show standard_conforming_strings;\n"
            ))
            .run();
        out.stderr_has("changed standard_conforming_strings; glance set it back to on");
        let shown = out.stdout.rsplit("standard_conforming_strings").next();
        assert!(
            shown.is_some_and(|rest| rest.contains(" on\n") && !rest.contains(" off\n")),
            "the setting is on again\n{out}"
        );
    }
}

/// A schema `evil` whose functions shadow built-ins glance calls and record
/// every call, put first on the database's search_path.
const HIJACK: &str = r#"
    create schema evil;
    create table evil.calls (name text);
    grant usage on schema evil to public;
    grant insert on evil.calls to public;
    create function evil.current_setting(text) returns text language sql
        as $$ insert into evil.calls values ('current_setting'); select pg_catalog.current_setting($1) $$;
    create function evil.current_setting(text, boolean) returns text language sql
        as $$ insert into evil.calls values ('current_setting'); select pg_catalog.current_setting($1, $2) $$;
    create function evil.current_database() returns name language sql
        as $$ insert into evil.calls values ('current_database'); select pg_catalog.current_database() $$;
    create function evil.pg_backend_pid() returns int language sql
        as $$ insert into evil.calls values ('pg_backend_pid'); select pg_catalog.pg_backend_pid() $$;
    create function evil.pg_has_role(name, oid, text) returns boolean language sql
        as $$ insert into evil.calls values ('pg_has_role'); select pg_catalog.pg_has_role($1, $2, $3) $$;
    create function evil.version() returns text language sql
        as $$ insert into evil.calls values ('version'); select pg_catalog.version() $$;
    create function evil.set_config(text, text, boolean) returns text language sql
        as $$ insert into evil.calls values ('set_config'); select pg_catalog.set_config($1, $2, $3) $$;
    create function evil.lower(text) returns text language sql
        as $$ insert into evil.calls values ('lower'); select pg_catalog.lower($1) $$;
    create function evil.obj_description(oid, name) returns text language sql
        as $$ insert into evil.calls values ('obj_description'); select pg_catalog.obj_description($1, $2) $$;
    create function evil.pg_get_userbyid(oid) returns name language sql
        as $$ insert into evil.calls values ('pg_get_userbyid'); select pg_catalog.pg_get_userbyid($1) $$;
    create function evil.format_type(oid, integer) returns text language sql
        as $$ insert into evil.calls values ('format_type'); select pg_catalog.format_type($1, $2) $$;
    create function evil.pg_get_viewdef(oid) returns text language sql
        as $$ insert into evil.calls values ('pg_get_viewdef'); select pg_catalog.pg_get_viewdef($1) $$;
    create function evil.pg_get_indexdef(oid) returns text language sql
        as $$ insert into evil.calls values ('pg_get_indexdef'); select pg_catalog.pg_get_indexdef($1) $$;
    create function evil.array_to_string(anyarray, text) returns text language sql
        as $$ insert into evil.calls values ('array_to_string'); select pg_catalog.array_to_string($1, $2) $$;
    create function evil.array_remove(anycompatiblearray, anycompatible) returns anycompatiblearray language sql
        as $$ insert into evil.calls values ('array_remove'); select pg_catalog.array_remove($1, $2) $$;
    create function evil.pg_encoding_to_char(integer) returns name language sql
        as $$ insert into evil.calls values ('pg_encoding_to_char'); select pg_catalog.pg_encoding_to_char($1) $$;
    create function evil.pg_get_function_result(oid) returns text language sql
        as $$ insert into evil.calls values ('pg_get_function_result'); select pg_catalog.pg_get_function_result($1) $$;
    create function evil.pg_get_function_arguments(oid) returns text language sql
        as $$ insert into evil.calls values ('pg_get_function_arguments'); select pg_catalog.pg_get_function_arguments($1) $$;
"#;

#[test]
fn a_search_path_hijack_never_runs_at_connect_or_around_statements() {
    let db = harness::db("guard_hijack");
    db.execute(HIJACK);
    db.execute(
        "create table film (id serial primary key, title text); insert into film values (1, 'A')",
    );
    db.execute(&format!(
        "alter database \"{}\" set search_path = evil, pg_catalog, public",
        db.name()
    ));
    let calls = || db.query_scalar("select count(*) from evil.calls");
    ask_stdin(db.url(), b"select 1 as one").run().success();
    ask_stdin(db.url(), b"select title from film")
        .run()
        .success();
    assert_eq!(calls().as_deref(), Some("0"), "a hijacking function ran");
    let out = glance()
        .args(["repl", "--no-history", "-y", "-d", db.url()])
        .stdin(
            "\\conninfo\n\\d\n\\dt\n\\d film\n\\d+ film\n\\dt+\n\\sql select 2 as two;\n\
             \\sql insert into film values (2, 'B');\n\
             \\du\n\\dx\n\\l\n\\ds\n\\dT\n\\df\n",
        )
        .run();
    out.success()
        .stdout_has("two")
        .stdout_has("film")
        .stdout_has("List of roles")
        .stdout_has("plpgsql")
        .stdout_has("film_id_seq")
        .stdout_has("List of data types")
        .stdout_has("List of functions")
        .never_shows("read-only transaction");
    assert_eq!(
        calls().as_deref(),
        Some("0"),
        "a hijacking function ran\n{out}"
    );
    ask_model(db.url(), "select title from film order by id", &[]).success();
    assert_eq!(calls().as_deref(), Some("0"), "a hijacking function ran");
}

/// A config file with one profile, `t`, reaching `url` with `extra` lines.
fn profile_home(url: &str, extra: &str) -> PathBuf {
    let home = harness::scratch_dir("home");
    let dir = home.join(".config/glance");
    std::fs::create_dir_all(&dir).expect("config dir");
    std::fs::write(
        dir.join("config.toml"),
        format!("[connections.t]\nurl = \"{url}\"\n{extra}\n"),
    )
    .expect("write the config file");
    home
}

#[test]
fn the_guard_role_holds_what_runs_without_asking_to_its_privileges() {
    let db = harness::db("guard_role");
    let role = format!("glance_guard_{}", std::process::id());
    let setup = glance().args(["setup-reader", &role]).run();
    setup.success().stdout_has("NOLOGIN");
    glance()
        .args(["setup-reader", ""])
        .run()
        .code(2)
        .stderr_has("the role name is empty");
    db.execute(&format!(
        "create table secret (pin int); insert into secret values (4242);
         create table open (n int); insert into open values (7);
         do $$ begin execute '{}'; exception when duplicate_object then null; end $$;",
        format!("create role {role} nologin").replace('\'', "''")
    ));
    db.execute(&format!("grant select on open to {role}"));
    let home = profile_home(db.url(), &format!("guard_role = \"{role}\""));
    let run = |sql: &str| {
        glance()
            .home(&home)
            .args([
                "ask",
                "--no-history",
                "-p",
                "t",
                "--format",
                "csv",
                "--sql",
                sql,
            ])
            .run()
    };
    let out = run("select current_user as who, n from open");
    out.success();
    assert_eq!(out.stdout, format!("who,n\n{role},7\n"), "{out}");
    // Read-only by the classifier, refused by the server: the role cannot read it.
    run("select pin from secret")
        .code(1)
        .stderr_has("permission denied")
        .never_shows("4242");
    // A function that claims to be stable but reads a server file, written
    // by the model: whether the classifier asks (exit 3) or trusts it, the
    // guard role cannot read the file.
    let (path, hidden) = secret_file();
    db.execute(&format!(
        "create function peek() returns text language sql stable \
         as $$ select pg_catalog.pg_read_file('{}') $$",
        path.display()
    ));
    let fake = FakeLlm::openai(vec![Reply::text(
        "This answers it.\n\n```sql\nselect peek() as p\n```\n",
    )]);
    let mut cmd = glance().home(&home).args([
        "ask",
        "--no-history",
        "--retries",
        "0",
        "-p",
        "t",
        "what is in it?",
    ]);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    let out = cmd.run();
    out.never_shows(&hidden);
    assert!(
        out.code == Some(3) || (out.code == Some(1) && out.stderr.contains("permission denied")),
        "{out}"
    );
    // A role made by setup-reader reads everything.
    let reader = format!("glance_reader_{}", std::process::id());
    let script = glance().args(["setup-reader", &reader]).run();
    script.success();
    db.execute(&script.stdout);
    let home = profile_home(db.url(), &format!("guard_role = \"{reader}\""));
    let out = glance()
        .home(&home)
        .args(["ask", "--no-history", "-p", "t", "--format", "csv"])
        .args(["--sql", "select current_user as who, pin from secret"])
        .run();
    out.success();
    assert_eq!(out.stdout, format!("who,pin\n{reader},4242\n"), "{out}");
    assert_eq!(
        db.query_scalar(&format!(
            "select rolcanlogin::text from pg_roles where rolname = '{reader}'"
        ))
        .as_deref(),
        Some("false")
    );
    // A role that does not exist stops the connection with a hint.
    let home = profile_home(db.url(), "guard_role = \"no_such_role_here\"");
    glance()
        .home(&home)
        .args(["ask", "--no-history", "-p", "t", "--sql", "select 1"])
        .run()
        .code(1)
        .stderr_has("guard_role \"no_such_role_here\" does not exist")
        .stderr_has("glance setup-reader");
}

#[test]
fn ask_warns_once_about_a_superuser_connection() {
    let db = harness::db("guard_superuser");
    let out = ask_stdin(db.url(), b"select 1").run();
    out.success();
    assert_eq!(
        out.stderr.matches("connected as a superuser").count(),
        1,
        "{out}"
    );
    let out = ask_model(db.url(), "select 1", &[]);
    out.success();
    assert_eq!(
        out.stderr.matches("connected as a superuser").count(),
        1,
        "{out}"
    );
}

#[test]
fn the_statement_timeout_bounds_a_result_streamed_over_many_fetches() {
    let db = harness::db("guard_timeout");
    // Each fetch is quick, the whole result is not: the server's own timer
    // starts again with every fetch and never fires.
    let out = glance()
        .args([
            "ask",
            "--no-history",
            "--statement-timeout",
            "2s",
            "--format",
            "csv",
        ])
        .args(["-d", db.url(), "--sql"])
        .arg("select generate_series(1, 1000000000000) as n, pg_catalog.repeat('x', 100) as pad")
        .timeout(std::time::Duration::from_secs(600))
        .run();
    out.code(1)
        .stderr_has("statement timeout of 2 s was reached")
        .stderr_has("--statement-timeout");
    assert!(
        out.stdout.starts_with("n,pad\n1,"),
        "rows streamed first\n{out}"
    );
}

/// Peak RSS in KiB of `glance ARGS… > /dev/null`, from `/usr/bin/time`.
fn peak_rss_kib(args: &[&str]) -> u64 {
    let time = Path::new("/usr/bin/time");
    assert!(
        time.is_file(),
        "/usr/bin/time is missing: install it (Debian/Ubuntu: apt-get install time)"
    );
    let report = harness::scratch_dir("rss").join("time.out");
    let mut line = format!(
        "exec /usr/bin/time -f %M -o '{}' '{}'",
        report.display(),
        harness::glance_bin()
    );
    for arg in args {
        line.push_str(&format!(" '{}'", arg.replace('\'', r"'\''")));
    }
    line.push_str(" > /dev/null");
    let out = Cmd::new("sh")
        .args(["-c", &line])
        .timeout(std::time::Duration::from_secs(600))
        .run();
    out.success();
    let text = std::fs::read_to_string(&report).expect("read /usr/bin/time's report");
    text.trim()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or_else(|| panic!("no peak RSS in {text:?}\n{out}"))
}

/// Bytes in each of the 20 big values of the memory tests.
const BIG_ROW: u64 = 50_000_000;

/// Runs `sql` (20 rows of [`BIG_ROW`] bytes) on `target` in each format and
/// checks the peak RSS against 3 × the largest row + 64 MiB.
#[allow(clippy::print_stdout)] // the peak memory is this test's report
fn assert_memory_bounded(what: &str, target: &str, sql: &str, formats: &[&str]) {
    let limit_kib = (3 * BIG_ROW + (64 << 20)) / 1024;
    for format in formats {
        let peak = peak_rss_kib(&[
            "ask",
            "--no-history",
            "--statement-timeout",
            "0",
            "--format",
            format,
            "-d",
            target,
            "--sql",
            sql,
        ]);
        println!("{what}, --format {format}: peak RSS {peak} KiB (limit {limit_kib} KiB)");
        assert!(
            peak <= limit_kib,
            "{what}, --format {format}: peak RSS {peak} KiB, over 3 × the largest row + 64 MiB \
             ({limit_kib} KiB)"
        );
    }
}

#[test]
fn memory_stays_bounded_by_the_largest_row_with_big_values() {
    let db = harness::db("guard_memory");
    let sql =
        format!("select n, pg_catalog.repeat('x', {BIG_ROW}) as big from generate_series(1, 20) n");
    assert_memory_bounded(
        "PostgreSQL, 20 rows of 50 MB",
        db.url(),
        &sql,
        &["table", "csv", "json"],
    );
}

#[test]
fn memory_stays_bounded_by_the_largest_row_with_big_sqlite_blobs() {
    let path = harness::scratch_dir("memory").join("blobs.db");
    rusqlite::Connection::open(&path)
        .and_then(|c| c.execute_batch("create table t (n integer)"))
        .expect("create sqlite file");
    let sql = format!(
        "with recursive n(i) as (select 1 union all select i + 1 from n where i < 20) \
         select i, randomblob({BIG_ROW}) as big from n"
    );
    let target = path.to_str().expect("utf-8 path");
    assert_memory_bounded("SQLite, 20 blobs of 50 MB", target, &sql, &["table", "csv"]);
}
