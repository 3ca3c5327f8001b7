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
