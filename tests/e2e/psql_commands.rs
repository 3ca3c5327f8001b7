//! psql's `\i`, `\watch` and `\copy`: a script file run as if typed (through
//! a pipe), a query watched in a pseudo-terminal until Ctrl-C, and tables
//! written to and loaded from CSV files on PostgreSQL and SQLite, loads
//! asking first.

use std::fs;
use std::path::{Path, PathBuf};

use crate::harness::{self, Repl, TestDb, glance};

fn items(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table items (id int primary key, name text not null, price numeric(6,2));
         insert into items values (1, 'pen', 1.50), (2, 'ink, blue', null);",
    );
    db
}

fn count(db: &TestDb) -> String {
    db.query_scalar("select count(*) from items")
        .unwrap_or_default()
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("write a scratch file");
    path
}

fn pty(db: &TestDb) -> Repl {
    let mut repl = harness::pty(["repl", "--no-history", "-d", db.url()]);
    repl.expect_prompt();
    repl
}

#[test]
fn backslash_i_runs_sql_and_meta_commands_from_a_file_and_reports_failing_lines() {
    let db = items("psql_include");
    let dir = harness::scratch_dir("include");
    let inner = write(&dir, "inner.sql", "select 'from-inner' as marker;\n");
    let script = write(
        &dir,
        "script.sql",
        &format!(
            "\\sql\nselect count(*) as n\n  from items;\nselect nosuch from items;\n\\nosuch\n\\i {}\nselect 'after-errors' as tail;\n",
            inner.display()
        ),
    );
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin(format!("\\i {}\n", script.display()))
        .run();
    out.success()
        .stdout_has("from-inner")
        .stdout_has("after-errors")
        .stderr_has("script.sql:4: ")
        .stderr_has("nosuch")
        .stderr_has("script.sql:5: ");
    assert!(out.stdout.contains(" 2\n"), "the count ran:\n{out}");
}

#[test]
fn backslash_i_stops_nesting_with_a_clear_error() {
    let db = items("psql_include_depth");
    let dir = harness::scratch_dir("include_depth");
    let file = dir.join("self.sql");
    write(
        &dir,
        "self.sql",
        "\\sql select 'level' as l;\n\\ir self.sql\n",
    );
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin(format!("\\i {}\n", file.display()))
        .run();
    out.success().stderr_has("nest more than 16 deep");
    assert_eq!(out.stdout.matches("(1 row)").count(), 16, "{out}");
}

#[test]
fn writes_in_an_included_file_are_refused_without_a_terminal_when_destructive() {
    let db = items("psql_include_gate");
    let dir = harness::scratch_dir("include_gate");
    let file = write(&dir, "drop.sql", "\\sql delete from items;\n");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin(format!("\\i {}\n", file.display()))
        .run();
    out.stderr_has("drop.sql:1: ").stderr_has("not run");
    assert_eq!(count(&db), "2", "{out}");
}

#[test]
fn backslash_watch_repeats_a_query_until_ctrl_c() {
    let db = items("psql_watch");
    let mut repl = pty(&db);
    repl.send_line("\\sql select 'tick-' || count(*) as t from items;");
    repl.expect("tick-2");
    repl.expect_prompt();
    repl.send_line("\\watch 0.2");
    let shown = repl.expect_with("two headers and results", |t| {
        t.matches("(every 0.2s)").count() >= 2 && t.matches("tick-2").count() >= 2
    });
    assert!(shown.contains("(every 0.2s)"), "{shown}");
    repl.ctrl('c');
    repl.expect_prompt();
    repl.send_line("\\sql select 'still-here' as s;");
    repl.expect("still-here");
}

#[test]
fn backslash_watch_refuses_a_write_and_nothing_to_watch() {
    let db = items("psql_watch_write");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin("\\watch 1\n\\sql insert into items values (3, 'cup', 2);\n\\watch 0.1\n")
        .run();
    out.stderr_has("there is no SQL to run again")
        .stderr_has("\\watch runs only read-only SQL");
    assert_eq!(count(&db), "3", "the insert ran once:\n{out}");
}

#[test]
fn backslash_watch_with_a_count_runs_that_many_times() {
    let db = items("psql_watch_count");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin("\\sql select 'run' as r;\n\\watch 0.01 c=3\n")
        .run();
    out.success();
    assert_eq!(out.stdout.matches("(every 0.01s)").count(), 3, "{out}");
}

#[test]
fn backslash_copy_to_a_file_writes_the_table_as_csv() {
    let db = items("psql_copy_to");
    let dir = harness::scratch_dir("copy_to");
    let file = dir.join("items.csv");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin(format!(
            "\\copy items to '{}' csv header\n\\copy (select name from items where id = 2) to '{}' with (format csv)\n\\copy items to '{}' csv\n",
            file.display(),
            dir.join("one.csv").display(),
            file.display()
        ))
        .run();
    out.stdout_has("COPY 2")
        .stdout_has("COPY 1")
        .stderr_has("already exists");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "id,name,price\n1,pen,1.50\n2,\"ink, blue\",\n"
    );
    assert_eq!(
        fs::read_to_string(dir.join("one.csv")).unwrap(),
        "\"ink, blue\"\n"
    );
}

#[test]
fn backslash_copy_to_refuses_a_query_that_writes() {
    let db = items("psql_copy_to_write");
    let dir = harness::scratch_dir("copy_to_write");
    let file = dir.join("gone.csv");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin(format!(
            "\\copy (delete from items returning *) to '{}' csv\n",
            file.display()
        ))
        .run();
    out.stderr_has("read-only");
    assert!(!file.exists());
    assert_eq!(count(&db), "2");
}

#[test]
fn backslash_copy_from_asks_and_loads_only_on_yes() {
    let db = items("psql_copy_from");
    let dir = harness::scratch_dir("copy_from");
    let file = write(
        &dir,
        "new.csv",
        "id,name,price\n3,cup,2.00\n4,\"a \"\"b\"\"\",\n",
    );
    let mut repl = pty(&db);
    let line = format!("\\copy items from '{}' csv header", file.display());
    repl.send_line(&line);
    repl.expect_all(&["2 rows", "Run it? [y/N]"]);
    repl.send_line("n");
    repl.expect("Not run.");
    repl.expect_prompt();
    assert_eq!(count(&db), "2", "{}", repl.transcript());
    repl.send_line(&line);
    repl.expect("Run it? [y/N]");
    repl.send_line("y");
    repl.expect("COPY 2");
    repl.expect_prompt();
    assert_eq!(count(&db), "4", "{}", repl.transcript());
    assert_eq!(
        db.query_scalar("select name from items where id = 4 and price is null"),
        Some("a \"b\"".to_string())
    );
}

#[test]
fn backslash_copy_from_a_bad_file_names_the_line_and_loads_nothing() {
    let db = items("psql_copy_from_bad");
    let dir = harness::scratch_dir("copy_from_bad");
    let short = write(&dir, "short.csv", "id,name,price\n3,cup,2\n4,mug\n");
    let typed = write(&dir, "typed.csv", "3,cup,2\n4,mug,lots\n5,jar,1\n");
    let out = glance()
        .args(["repl", "--yes", "--no-history", "-d", db.url()])
        .stdin(format!(
            "\\copy items from '{}' csv header\n\\copy items from '{}' csv\n",
            short.display(),
            typed.display()
        ))
        .run();
    out.stderr_has("short.csv line 3")
        .stderr_has("typed.csv line 2")
        .never_shows("COPY");
    assert_eq!(count(&db), "2", "{out}");
}

#[test]
fn backslash_copy_from_without_a_terminal_needs_yes() {
    let db = items("psql_copy_from_pipe");
    let dir = harness::scratch_dir("copy_from_pipe");
    let file = write(&dir, "one.csv", "3,cup,2\n");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin(format!("\\copy items from '{}' csv\n", file.display()))
        .run();
    out.stderr_has("--yes");
    assert_eq!(count(&db), "2", "{out}");
    let out = glance()
        .args(["repl", "--yes", "--no-history", "-d", db.url()])
        .stdin(format!("\\copy items from '{}' csv\n", file.display()))
        .run();
    out.stdout_has("COPY 1");
    assert_eq!(count(&db), "3", "{out}");
}

fn sqlite_items(dir: &Path) -> PathBuf {
    let path = dir.join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table items (id integer primary key, name text not null, price real);
         insert into items values (1, 'pen', 1.5), (2, 'ink, blue', null);",
    )
    .expect("seed sqlite file");
    path
}

fn sqlite_count(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open sqlite file");
    conn.query_row("select count(*) from items", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn backslash_copy_works_on_sqlite_both_ways() {
    let dir = harness::scratch_dir("copy_sqlite");
    let db = sqlite_items(&dir);
    let out_file = dir.join("out.csv");
    let good = write(&dir, "good.csv", "id,name,price\n3,cup,2\n4,\"\",\n");
    let bad = write(&dir, "bad.csv", "5,jar,1\n1,dup,1\n");
    let out = glance()
        .args(["repl", "--yes", "--no-history", "-d"])
        .arg(&db)
        .stdin(format!(
            "\\copy items to '{}' csv header\n\\copy items from '{}' csv header\n\\copy items from '{}' csv\n",
            out_file.display(),
            good.display(),
            bad.display()
        ))
        .run();
    assert_eq!(
        fs::read_to_string(&out_file).unwrap(),
        "id,name,price\n1,pen,1.5\n2,\"ink, blue\",\n",
        "{out}"
    );
    // A quoted empty field is '', an unquoted one NULL; bad.csv's second
    // line repeats a key, so none of its rows stay.
    out.stdout_has("COPY 2").stderr_has("bad.csv line 2");
    assert_eq!(sqlite_count(&db), 4, "{out}");
    let conn = rusqlite::Connection::open(&db).expect("open sqlite file");
    let (name, price): (String, Option<f64>) = conn
        .query_row("select name, price from items where id = 4", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row 4");
    assert_eq!((name.as_str(), price), ("", None));
}

#[test]
fn backslash_copy_from_is_refused_on_a_read_only_profile() {
    let dir = harness::scratch_dir("copy_read_only");
    let db = sqlite_items(&dir);
    let file = write(&dir, "one.csv", "3,cup,2\n");
    let home = harness::scratch_dir("home");
    fs::create_dir_all(home.join(".config/glance")).unwrap();
    fs::write(
        home.join(".config/glance/config.toml"),
        format!(
            "[connections.ro]\nurl = \"sqlite:{}\"\nread_only = true\n",
            db.display()
        ),
    )
    .unwrap();
    let out = glance()
        .home(&home)
        .args(["-p", "ro", "repl", "--yes", "--no-history"])
        .stdin(format!("\\copy items from '{}' csv\n", file.display()))
        .run();
    out.stderr_has("is read-only").never_shows("COPY");
    assert_eq!(sqlite_count(&db), 2, "{out}");
}

#[test]
fn ctrl_c_cancels_a_statement_of_an_included_file_and_stops_the_file() {
    let db = items("psql_include_cancel");
    let dir = harness::scratch_dir("include_cancel");
    let file = write(
        &dir,
        "slow.sql",
        "\\sql select 'slow-' || pg_sleep(60);\n\\sql select 'after-' || 'sleep' as t;\n",
    );
    let mut repl = pty(&db);
    repl.send_line(&format!("\\i {}", file.display()));
    let started = std::time::Instant::now();
    while db
        .query_scalar(
            "select count(*) from pg_stat_activity \
             where query like '%''slow-'' || pg_sleep(60)%' \
             and datname = current_database() and pid <> pg_backend_pid()",
        )
        .as_deref()
        != Some("1")
    {
        assert!(
            started.elapsed() < std::time::Duration::from_secs(60),
            "the slow statement never started:\n{}",
            repl.transcript()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    repl.ctrl('c');
    repl.expect("the rest of the file was not run");
    repl.expect_prompt();
    repl.send_line("\\sql select 'alive' as a;");
    repl.expect("alive");
    assert!(
        !repl.transcript().contains("after-sleep"),
        "{}",
        repl.transcript()
    );
}

#[test]
fn a_destructive_statement_in_an_included_file_asks_in_a_terminal() {
    let db = items("psql_include_asks");
    let dir = harness::scratch_dir("include_asks");
    let file = write(
        &dir,
        "wipe.sql",
        "\\sql delete from items;\n\\sql select 'next-line' as n;\n",
    );
    let mut repl = pty(&db);
    repl.send_line(&format!("\\i {}", file.display()));
    repl.expect("Run it? [y/N]");
    repl.send_line("n");
    repl.expect_all(&["Not run.", "next-line"]);
    repl.expect_prompt();
    assert_eq!(count(&db), "2", "{}", repl.transcript());
}
