//! A typo is a typo: SQL glance cannot read is first parsed by the database
//! without running it. What the database rejects is reported as its own
//! error, with position and caret, exit 1, no question and no advice to
//! allow anything; what it accepts stays destructive, "glance cannot read
//! it", and runs only with consent. A model's typo goes back to the model.

use std::path::{Path, PathBuf};

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, TestDb, glance};

fn shop(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table customers (id int primary key, name text not null);
         create table orders (id int primary key, customer_id int not null, total numeric);
         create table tickets (id int generated always as identity primary key, body text);
         insert into customers values (1, 'Ada'), (2, 'Brendan');
         insert into orders values (10, 1, 12.50), (11, 2, 7.00);",
    );
    db
}

/// PostgreSQL accepts it, sqlparser 0.63 cannot parse it, and it writes.
const UNREADABLE_INSERT: &str =
    "INSERT INTO tickets (id, body) OVERRIDING SYSTEM VALUE VALUES (100, 'smuggled')";

fn ask_sql(url: &str, sql: &str) -> Cmd {
    glance().args(["ask", "-d", url, "--sql", sql])
}

fn tickets(db: &TestDb) -> String {
    db.query_scalar("select count(*) from tickets")
        .unwrap_or_default()
}

#[test]
fn ask_reports_a_typo_as_the_servers_syntax_error_with_a_caret() {
    let db = shop("typo_ask");
    let out = ask_sql(db.url(), "selec * from orders").run();
    out.code(1)
        .stderr_has("ERROR:  syntax error at or near \"selec\"  (SQLSTATE 42601)")
        .stderr_has("LINE 1: selec * from orders\n        ^\n")
        .never_shows("--allow-destructive")
        .never_shows("destructive")
        .never_shows("cannot read");
}

#[test]
fn a_typo_in_json_is_an_error_document_without_a_level() {
    let db = shop("typo_json");
    let out = ask_sql(db.url(), "select * from orders where total >")
        .args(["--format", "json"])
        .run();
    out.code(1).never_shows("--allow-destructive");
    let doc = out.json();
    assert_eq!(doc["level"], serde_json::Value::Null, "{out}");
    assert_eq!(doc["exit_code"], 1, "{out}");
    assert_eq!(doc["error"]["kind"], "database", "{out}");
    assert_eq!(doc["error"]["sqlstate"], "42601", "{out}");
    assert_eq!(doc["error"]["position"], 35, "{out}");
}

#[test]
fn dry_run_reports_a_typo_as_the_servers_error() {
    let db = shop("typo_dry_run");
    ask_sql(db.url(), "selec * from orders")
        .arg("--dry-run")
        .run()
        .code(1)
        .stderr_has("syntax error at or near \"selec\"")
        .stderr_has("LINE 1: selec * from orders")
        .never_shows("destructive");
}

#[test]
fn names_are_resolved_by_the_check_and_reported() {
    let db = shop("typo_names");
    ask_sql(
        db.url(),
        "INSERT INTO nosuch OVERRIDING SYSTEM VALUE VALUES (1)",
    )
    .run()
    .code(1)
    .stderr_has("relation \"nosuch\" does not exist")
    .stderr_has("LINE 1: INSERT INTO nosuch")
    .never_shows("--allow-destructive");
}

#[test]
fn sql_the_server_accepts_but_glance_cannot_read_still_needs_consent_and_the_check_runs_nothing() {
    let db = shop("typo_unreadable");
    let out = ask_sql(db.url(), UNREADABLE_INSERT).run();
    out.code(3)
        .stderr_has("destructive (glance cannot read it:")
        .stderr_has("--allow-destructive");
    assert_eq!(tickets(&db), "0", "the check ran the statement\n{out}");

    let json = ask_sql(db.url(), UNREADABLE_INSERT)
        .args(["--format", "json"])
        .run();
    json.code(3);
    assert_eq!(tickets(&db), "0", "the check ran the statement\n{json}");

    ask_sql(db.url(), UNREADABLE_INSERT)
        .arg("--allow-destructive")
        .run()
        .success();
    assert_eq!(tickets(&db), "1");
}

#[test]
fn the_repl_shows_a_typo_and_asks_nothing() {
    let db = shop("typo_repl");
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\sql selec * from orders;");
    repl.expect_all(&[
        "syntax error at or near \"selec\"",
        "LINE 1: selec * from orders",
    ]);
    repl.expect_prompt();
    // Were a question pending, this line would be its answer.
    repl.send_line("\\sql select 'still' || 'here' as s;");
    repl.expect("stillhere");
    repl.expect_prompt();
    let transcript = repl.transcript().to_string();
    assert!(!transcript.contains("Run it?"), "{transcript}");
    assert!(!transcript.contains("destructive"), "{transcript}");
}

#[test]
fn the_repl_asks_before_sql_glance_cannot_read_and_no_runs_nothing() {
    let db = shop("typo_repl_unreadable");
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line(&format!("\\sql {UNREADABLE_INSERT};"));
    let shown = repl.expect("Run it? [y/N]");
    assert!(shown.contains("glance cannot read it"), "{shown}");
    assert_eq!(tickets(&db), "0", "{}", repl.transcript());
    repl.send_line("n");
    repl.expect("Not run");
    repl.expect_prompt();
    assert_eq!(tickets(&db), "0", "{}", repl.transcript());
}

fn sqlite_file(name: &str) -> PathBuf {
    let path = harness::scratch_dir("typo_sqlite").join(name);
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch("create table t (a integer); insert into t values (1);")
        .expect("seed sqlite file");
    path
}

fn path_arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 scratch path")
}

#[test]
fn sqlite_reports_a_typo_as_its_error_in_ask_and_in_the_repl() {
    let path = sqlite_file("typo.db");
    ask_sql(path_arg(&path), "selec * from t")
        .run()
        .code(1)
        .stderr_has("near \"selec\": syntax error")
        .stderr_has("LINE 1: selec * from t\n        ^\n")
        .never_shows("--allow-destructive")
        .never_shows("destructive");

    let mut repl = harness::pty(["repl", "-d", path_arg(&path)]);
    repl.expect_prompt();
    repl.send_line("\\sql selec * from t;");
    repl.expect("near \"selec\": syntax error");
    repl.expect_prompt();
    repl.send_line("\\sql select 'still' || 'here' as s;");
    repl.expect("stillhere");
    repl.expect_prompt();
    let transcript = repl.transcript().to_string();
    assert!(!transcript.contains("Run it?"), "{transcript}");
}

#[test]
fn a_models_typo_goes_back_to_the_model_and_is_never_confirmed() {
    let db = shop("typo_model");
    let fake = FakeLlm::openai(vec![
        Reply::sql("selec name from customers order by id"),
        Reply::sql("select name from customers order by id"),
    ]);
    let mut cmd = glance().args(["ask", "-d", db.url(), "list the customer names"]);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    let out = cmd.args(["--format", "csv"]).run();
    out.success()
        .stderr_has("attempt 1 failed")
        .stderr_has("syntax error")
        .never_shows("destructive")
        .never_shows("--allow-destructive");
    assert_eq!(out.stdout, "name\nAda\nBrendan\n", "{out}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "{out}");
    let retry = requests[1].body["messages"].to_string();
    assert!(
        retry.contains("42601") && retry.contains("selec name"),
        "the server's error goes back to the model: {retry}"
    );
}

#[test]
fn a_dry_run_of_a_models_typo_shows_the_sql_and_the_servers_error() {
    let db = shop("typo_model_dry_run");
    let fake = FakeLlm::openai(vec![Reply::sql("selec name from customers")]);
    let mut cmd = glance().args(["ask", "--dry-run", "-d", db.url(), "list the names"]);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd.run()
        .code(1)
        .stdout_has("selec name from customers;")
        .stderr_has("syntax error at or near \"selec\"")
        .never_shows("destructive");
}

#[test]
fn a_typo_inside_your_own_transaction_is_checked_in_a_savepoint_and_asks_nothing() {
    let db = shop("typo_in_transaction");
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\sql begin;");
    repl.expect("BEGIN");
    repl.expect_prompt();
    repl.send_line("\\sql insert into customers values (3, 'Grace');");
    repl.expect("1 row affected");
    repl.expect_prompt();
    repl.send_line("\\sql selec * from customers;");
    repl.expect("syntax error at or near \"selec\"");
    repl.expect_prompt();
    // The check's savepoint is undone: the transaction goes on.
    repl.send_line(&format!("\\sql {UNREADABLE_INSERT};"));
    repl.expect("Run it? [y/N]");
    repl.send_line("y");
    repl.expect("1 row affected");
    repl.expect_prompt();
    repl.send_line("\\sql commit;");
    repl.expect("COMMIT");
    repl.expect_prompt();
    assert_eq!(
        db.query_scalar("select count(*) from customers").as_deref(),
        Some("3"),
        "{}",
        repl.transcript()
    );
    assert_eq!(tickets(&db), "1", "{}", repl.transcript());
}
