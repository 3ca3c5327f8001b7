//! Exit codes as a contract: 0 success, 1 database or runtime error, 2 usage
//! error, 3 refused for want of a confirmation. Also the safety gate end to
//! end: what is refused leaves the database untouched.

use std::path::Path;

use crate::harness::{self, TestDb, glance};

fn db_with_table(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute("create table t (id int); insert into t values (1), (2);");
    db
}

#[test]
fn a_database_error_exits_1_with_message_sqlstate_and_caret() {
    let db = harness::db("err_nope");
    let out = glance()
        .args(["ask", "--sql", "select * from nope", "-d", db.url()])
        .run();
    out.code(1)
        .stderr_has("relation \"nope\" does not exist")
        .stderr_has("42P01");
    let lines: Vec<&str> = out.stderr.lines().collect();
    let caret_at = lines
        .iter()
        .position(|l| l.trim() == "^")
        .unwrap_or_else(|| panic!("no caret line under the error position\n{out}"));
    let statement_line = caret_at
        .checked_sub(1)
        .map(|i| lines[i])
        .filter(|l| l.contains("select * from nope"))
        .unwrap_or_else(|| panic!("the statement is not shown right above the caret\n{out}"));
    let caret_col = lines[caret_at].find('^').unwrap_or_default();
    let nope_col = statement_line.find("nope").unwrap_or_default();
    assert_eq!(caret_col, nope_col, "caret is not under `nope`\n{out}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout for a failed statement\n{out}"
    );
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    glance().args(["ask", "--no-such-flag"]).run().code(2);
}

#[test]
fn ask_with_nothing_to_run_is_a_usage_error() {
    let db = harness::db("nothing");
    let out = glance().args(["ask", "-d", db.url()]).stdin("").run();
    out.code(2);
    assert!(
        !out.stderr.trim().is_empty(),
        "a usage error explains itself\n{out}"
    );
}

#[test]
fn sql_from_empty_stdin_is_a_usage_error() {
    let db = harness::db("empty_stdin");
    glance()
        .args(["ask", "-d", db.url(), "--sql"])
        .stdin("  \n")
        .run()
        .code(2);
}

#[test]
fn a_bad_format_is_a_usage_error() {
    let db = harness::db("bad_format");
    glance()
        .args([
            "ask",
            "--sql",
            "select 1",
            "-d",
            db.url(),
            "--format",
            "xml",
        ])
        .run()
        .code(2)
        .stderr_has("xml");
}

#[test]
fn several_statements_for_ask_sql_are_a_usage_error_naming_the_count() {
    let db = harness::db("two_statements");
    let out = glance()
        .args(["ask", "--sql", "select 1; select 2", "-d", db.url()])
        .run();
    out.code(2).stderr_has("2 statements");
    assert!(out.stdout.is_empty(), "nothing runs\n{out}");
}

#[test]
fn destructive_without_a_terminal_is_refused_with_exit_3() {
    let db = db_with_table("refuse_drop");
    let out = glance()
        .args(["ask", "--sql", "drop table t", "-d", db.url()])
        .run();
    out.code(3).stderr_has("--allow-destructive");
    assert!(db.relation_exists("t"), "the refused DROP ran\n{out}");
}

#[test]
fn delete_without_a_terminal_is_refused_with_exit_3() {
    let db = db_with_table("refuse_delete");
    let out = glance()
        .args(["ask", "--sql", "delete from t", "-d", db.url()])
        .run();
    out.code(3);
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("2"),
        "{out}"
    );
}

#[test]
fn allow_destructive_runs_the_drop() {
    let db = db_with_table("allow_drop");
    let out = glance()
        .args([
            "ask",
            "--sql",
            "drop table t",
            "--allow-destructive",
            "-d",
            db.url(),
        ])
        .run();
    out.success();
    assert!(!db.relation_exists("t"), "table still there\n{out}");
}

#[test]
fn yes_also_allows_a_destructive_statement() {
    let db = db_with_table("yes_drop");
    let out = glance()
        .args(["--yes", "ask", "--sql", "drop table t", "-d", db.url()])
        .run();
    out.success();
    assert!(!db.relation_exists("t"), "table still there\n{out}");
}

#[test]
fn a_destructive_statement_smuggled_after_a_read_is_refused() {
    let db = db_with_table("smuggled");
    let out = glance()
        .args(["ask", "--sql", "select 1; drop table t", "-d", db.url()])
        .run();
    assert!(
        matches!(out.code, Some(2 | 3)),
        "expected exit 2 or 3\n{out}"
    );
    assert!(db.relation_exists("t"), "the smuggled DROP ran\n{out}");
}

#[test]
fn a_slow_read_hits_the_statement_timeout() {
    let db = harness::db("timeout");
    let out = glance()
        .args([
            "ask",
            "--sql",
            "select count(*) from generate_series(1, 100000000)",
            "--statement-timeout",
            "300ms",
            "-d",
            db.url(),
        ])
        .run();
    // The server's message shows the timeout, not the count, ended it.
    out.code(1).stderr_has("statement timeout");
}

#[test]
fn a_read_inside_the_persons_own_transaction_sees_it_and_leaves_it_open() {
    let db = db_with_table("own_transaction");
    let out = glance()
        .args(["repl", "-d", db.url(), "--format", "csv"])
        .stdin("\\sql begin;\n\\sql insert into t values (3);\n\\sql select count(*) as n from t;\n\\sql rollback;\n")
        .run();
    out.success().stdout_has("n\n3\n");
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("2"),
        "the person's ROLLBACK must undo the insert, so glance must not have committed it\n{out}"
    );
}

/// Runs `glance repl` on `db` with `script` on stdin and its stdout read
/// only up to the first line (`| head -n 1`); stderr ends with glance's
/// `exit=N`.
fn repl_into_head(db: &Path, script: &str) -> harness::Output {
    harness::Cmd::new("sh")
        .env("GLANCE", harness::glance_bin())
        .env("DB", db)
        .args([
            "-c",
            "{ \"$GLANCE\" repl --no-history -d \"$DB\"; echo \"exit=$?\" >&2; } | head -n 1",
        ])
        .stdin(script)
        .run()
}

#[test]
fn a_closed_stdout_ends_the_repl_quietly_with_exit_0() {
    let dir = harness::scratch_dir("exit-closed-stdout");
    let path = dir.join("big.db");
    let conn = rusqlite::Connection::open(&path).expect("create big.db");
    conn.execute_batch(
        "create table t as with recursive n(i) as (select 1 union all select i + 1 from n where i < 5000)
         select i as id, printf('%.200c', 'x') as pad from n;",
    )
    .expect("seed big.db");
    drop(conn);
    // Each result (1 MB) outgrows the pipe, so glance writes after head left.
    let results = "\\sql select * from t;\n".repeat(3);
    // Plain messages, 2000 of them, past the pipe's 64 KiB as well.
    let messages = "\\o\n".repeat(2000);
    for script in [results, messages] {
        let out = repl_into_head(&path, &script);
        out.success().stderr_has("exit=0");
        out.never_shows("Broken pipe").never_shows("panicked");
    }
}
