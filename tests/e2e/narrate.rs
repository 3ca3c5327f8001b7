//! The model's short explanation after `\explain` and `glance explain`: it
//! streams after the plan, its request holds the statement, the plan and
//! the findings and never a row, JSON carries it as `explanation`, and
//! without a model (or with `--no-explanation`) nothing is asked. In the
//! REPL, asking why the last statement is slow attaches its plan.

use serde_json::Value as Json;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, TestDb, glance};

/// A value only the table's rows hold: it must never reach the model.
const SECRET: &str = "zebra_secret_7731";

const SQL: &str = "select * from vault where id > 0";

const EXPLANATION: &str = "The sequential scan on vault dominates; an index on vault.id would let \
                           PostgreSQL read only the rows it keeps.";

fn vault(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(&format!(
        "create table vault (id int, secret text);
         insert into vault select g, '{SECRET}' from generate_series(1, 200) g;
         analyze vault;"
    ));
    db
}

fn explain(db: &TestDb, fake: &FakeLlm, args: &[&str]) -> Cmd {
    fake.on(glance().arg("explain").args(args.iter().copied()))
        .args(["-d", db.url()])
}

/// The text of every request the fake received.
fn sent(fake: &FakeLlm) -> String {
    fake.requests()
        .iter()
        .map(|request| request.body.to_string())
        .collect()
}

#[test]
fn the_explanation_follows_the_plan_and_the_model_sees_no_rows() {
    let db = vault("narrate_text");
    let fake = FakeLlm::openai(vec![Reply::text(EXPLANATION)]);
    let out = explain(&db, &fake, &["--analyze", SQL]).run();
    out.success()
        .stdout_has("Seq Scan on vault  rows 200 → 200")
        .stdout_has("an index on vault.id would let");
    let plan_at = out.stdout.find("Seq Scan on vault").unwrap_or_default();
    let said_at = out
        .stdout
        .find("sequential scan on vault")
        .unwrap_or_default();
    assert!(plan_at < said_at, "the plan, then the explanation\n{out}");

    let body = sent(&fake);
    assert!(body.contains("select * from vault where id > 0"), "{body}");
    assert!(
        body.contains("Seq Scan on vault  rows 200"),
        "the tree\n{body}"
    );
    assert!(body.contains("Actual Rows"), "the plan's JSON\n{body}");
    assert!(!body.contains(SECRET), "no row reaches the model\n{body}");
}

#[test]
fn json_carries_the_explanation_or_null() {
    let db = vault("narrate_json");
    let fake = FakeLlm::openai(vec![Reply::text(EXPLANATION)]);
    let out = explain(&db, &fake, &["--format", "json", SQL]).run();
    out.success();
    assert_eq!(out.json()["explanation"], Json::from(EXPLANATION), "{out}");

    let out = glance()
        .args(["explain", "--format", "json", SQL, "-d", db.url()])
        .run();
    out.success();
    let document = out.json();
    assert!(
        document.get("explanation").is_some_and(Json::is_null),
        "no model, no explanation\n{out}"
    );
}

#[test]
fn no_explanation_skips_the_model() {
    let db = vault("narrate_skipped");
    let fake = FakeLlm::openai(Vec::new());
    let out = explain(&db, &fake, &["--no-explanation", SQL]).run();
    out.success().stdout_has("Seq Scan on vault");
    assert!(fake.requests().is_empty(), "{out}");
}

#[test]
fn a_model_failure_still_shows_the_plan_and_exits_1() {
    let db = vault("narrate_failure");
    let fake = FakeLlm::openai(Vec::new());
    let out = explain(&db, &fake, &[SQL])
        .env("OPENAI_API_KEY", "sk-wrong")
        .run();
    out.code(1)
        .stdout_has("Seq Scan on vault")
        .stderr_has("the model could not explain the plan");

    let out = explain(&db, &fake, &["--format", "json", SQL])
        .env("OPENAI_API_KEY", "sk-wrong")
        .run();
    out.code(1);
    assert!(out.json()["explanation"].is_null(), "{out}");
}

#[test]
fn backslash_explain_streams_the_explanation_in_the_repl() {
    let db = vault("narrate_repl");
    let fake = FakeLlm::openai(vec![Reply::text(EXPLANATION)]);
    let out = fake
        .on(glance().args(["repl", "--no-history", "-d", db.url()]))
        .stdin(format!("\\explain {SQL}\n"))
        .run();
    out.success()
        .stdout_has("Seq Scan on vault")
        .stdout_has("an index on vault.id would let");
    assert!(!sent(&fake).contains(SECRET));
}

#[test]
fn asking_why_the_last_statement_is_slow_attaches_its_plan() {
    let db = vault("narrate_why_slow");
    let fake = FakeLlm::openai(vec![
        Reply::text("The scan of vault reads every row."),
        Reply::text("I am glance's model."),
    ]);
    let mut repl = harness::pty_with_env(["repl", "--no-history", "-d", db.url()], &fake.env());
    repl.expect_prompt();
    repl.send_line("select count(*) from vault where id > 0;");
    repl.expect("200");
    repl.expect_prompt();
    repl.send_line("why is this slow?");
    repl.expect("attached the plan of the last statement, from EXPLAIN ANALYZE");
    repl.expect("The scan of vault reads every row.");
    repl.expect_prompt();
    repl.send_line("who are you?");
    repl.expect("I am glance's model.");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    let first = requests[0].body.to_string();
    assert!(first.contains("why is this slow?"), "{first}");
    assert!(
        first.contains("Seq Scan on vault  rows 200 → 200"),
        "the tree\n{first}"
    );
    assert!(first.contains("Actual Rows"), "the analyzed plan\n{first}");
    assert!(!first.contains(SECRET), "no row reaches the model\n{first}");
    let second = requests[1].body.to_string();
    assert!(!second.contains("Seq Scan"), "{second}");
}
