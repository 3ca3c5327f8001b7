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
