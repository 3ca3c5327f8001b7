//! SQLite files opened by path or `sqlite:` URL.

use std::path::{Path, PathBuf};

use crate::harness::{self, glance};

fn shop_file(name: &str) -> PathBuf {
    let path = harness::scratch_dir("sqlite").join(name);
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table items (id integer primary key, name text, price real);
         insert into items values (1, 'pen', 1.5), (2, 'ink, blue', null);",
    )
    .expect("seed sqlite file");
    path
}

fn count_items(path: &Path) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open sqlite file");
    conn.query_row("select count(*) from items", [], |r| r.get(0))
        .expect("count")
}

#[test]
fn a_path_ending_in_db_opens_sqlite() {
    let path = shop_file("shop.db");
    let out = glance()
        .args([
            "ask",
            "--sql",
            "select id, name, price from items order by id",
            "--format",
            "csv",
            "-d",
        ])
        .arg(&path)
        .run();
    out.success();
    assert_eq!(
        out.stdout, "id,name,price\n1,pen,1.5\n2,\"ink, blue\",\n",
        "{out}"
    );
}

#[test]
fn a_sqlite_url_opens_sqlite() {
    let path = shop_file("shop.data");
    let out = glance()
        .args([
            "ask",
            "--sql",
            "select count(*) as n from items",
            "--format",
            "csv",
        ])
        .arg("-d")
        .arg(format!("sqlite:{}", path.display()))
        .run();
    out.success().stdout_has("n\n2\n");
}

#[test]
fn sqlite_writes_run_and_destructive_statements_are_refused() {
    let path = shop_file("writes.db");
    glance()
        .args([
            "ask",
            "--sql",
            "insert into items (name) values ('cup')",
            "-d",
        ])
        .arg(&path)
        .run()
        .success();
    assert_eq!(count_items(&path), 3);
    glance()
        .args(["ask", "--sql", "delete from items", "-d"])
        .arg(&path)
        .run()
        .code(3);
    assert_eq!(count_items(&path), 3);
}

#[test]
fn a_missing_sqlite_file_is_an_error_saying_it_does_not_exist() {
    let path = harness::scratch_dir("sqlite_missing").join("missing.db");
    let out = glance()
        .args(["ask", "--sql", "select 1", "-d"])
        .arg(&path)
        .run();
    out.code(1)
        .stderr_has("does not exist")
        .stderr_has("missing.db");
    assert!(!path.exists(), "glance created the missing file\n{out}");
}

#[test]
fn a_sqlite_error_exits_1() {
    let path = shop_file("errors.db");
    glance()
        .args(["ask", "--sql", "select * from nope", "-d"])
        .arg(&path)
        .run()
        .code(1)
        .stderr_has("nope");
}

#[test]
fn a_broken_view_is_skipped_with_one_warning_and_the_rest_is_described() {
    let path = shop_file("broken-view.db");
    let conn = rusqlite::Connection::open(&path).expect("open sqlite file");
    conn.execute_batch(
        "create view cheap as select name from items where price < 2;
         create table gone (id integer);
         create view orphan as select * from gone;
         drop table gone;",
    )
    .expect("a view over a dropped table");
    drop(conn);
    let warning = "glance: warning: skipped the view `orphan`, which cannot be read: no such table: main.gone";

    let out = glance()
        .args(["repl", "--no-history", "-d"])
        .arg(&path)
        .stdin("\\d\n\\d cheap\n\\d items\n")
        .run();
    out.success()
        .stdout_has("cheap")
        .stdout_has("items")
        .stdout_has("View \"main.cheap\"")
        .stdout_has("Table \"main.items\"")
        .stderr_has(warning);
    assert_eq!(out.stderr.matches(warning).count(), 1, "{out}");

    // A question still reaches the model with the readable schema.
    let fake = crate::fake_llm::FakeLlm::openai(vec![crate::fake_llm::Reply::text(
        "Here it is.\n\n```sql\nselect count(*) as n from items\n```\n",
    )]);
    let out = fake
        .env()
        .into_iter()
        .fold(glance(), |cmd, (name, value)| cmd.env(name, value))
        .args(["ask", "--no-history", "--format", "csv", "-d"])
        .arg(&path)
        .arg("how many items are there?")
        .run();
    out.success().stderr_has(warning);
    assert_eq!(out.stdout, "n\n2\n", "{out}");
    let sent = fake.requests()[0].body.to_string();
    assert!(sent.contains("cheap") && sent.contains("items"), "{sent}");
    assert!(!sent.contains("orphan"), "{sent}");
}
