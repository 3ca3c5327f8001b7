//! What a new user sees of a model's reply: `ask` shows the SQL it runs and
//! its verdict, dry runs show the SQL, prose is printed whole, a bare-SQL
//! reply runs, SQL a reply holds besides its first statement is named as
//! not run (ask, JSON, REPL), and bare `glance` opens the REPL.

use serde_json::Value as Json;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, TestDb, glance};

fn shop(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table customers (id int primary key, name text not null);
         create table orders (id int primary key, customer_id int references customers(id), total numeric);
         insert into customers values (1, 'Ada'), (2, 'Brendan');
         insert into orders values (10, 1, 12.5), (11, 1, 7), (12, 2, 3.25);",
    );
    db
}

fn ask(db: &TestDb, fake: &FakeLlm, args: &[&str]) -> Cmd {
    let mut cmd = glance().args(["ask", "-d", db.url()]).args(args);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd
}

/// Fails, showing `shown`, unless the three orders are still there.
#[track_caller]
fn orders_kept(db: &TestDb, shown: &dyn std::fmt::Display) {
    assert_eq!(
        db.query_scalar("select count(*) from orders").as_deref(),
        Some("3"),
        "{shown}"
    );
}

const TWO_BLOCKS: &str = "Orders per customer:\n\n```sql\nselect customer_id, count(*) as n from orders group by customer_id order by customer_id;\n```\n\nThen, to clean up:\n\n```sql\ndelete from orders;\n```\n";

#[test]
fn ask_shows_the_explanation_the_sql_and_the_verdict_on_stderr() {
    let db = shop("replies_shows_sql");
    let fake = FakeLlm::openai(vec![Reply::text(
        "Revenue per customer, summing their orders:\n\n```sql\nselect sum(total) as revenue from orders\n```\n",
    )]);
    let out = ask(&db, &fake, &["--format", "csv", "revenue?"]).run();
    out.success();
    assert_eq!(out.stdout, "revenue\n22.75\n", "stdout stays data\n{out}");
    let explanation = out
        .stderr
        .find("Revenue per customer, summing their orders:")
        .unwrap_or_else(|| panic!("explanation missing\n{out}"));
    let sql = out
        .stderr
        .find("select sum(total) as revenue from orders;")
        .unwrap_or_else(|| panic!("SQL missing\n{out}"));
    let verdict = out
        .stderr
        .find("→ read_only")
        .unwrap_or_else(|| panic!("verdict missing\n{out}"));
    assert!(explanation < sql && sql < verdict, "order\n{out}");
    assert!(
        !out.stderr.contains('\u{1b}'),
        "no colour without a terminal\n{out}"
    );
}

#[test]
fn a_question_dry_run_prints_the_sql_level_and_reasons_and_runs_nothing() {
    let db = shop("replies_dry_run");
    let fake = FakeLlm::openai(vec![Reply::text("```sql\ndelete from orders\n```")]);
    let out = ask(&db, &fake, &["--dry-run", "remove every order"]).run();
    out.success()
        .stdout_has("delete from orders;")
        .stdout_has("level: destructive")
        .stdout_has("reason: ");
    orders_kept(&db, &out);
}

#[test]
fn a_sql_dry_run_prints_the_statement_first() {
    let db = shop("replies_sql_dry_run");
    let out = glance()
        .args([
            "ask",
            "--dry-run",
            "--sql",
            "update orders set total = 0 where id = 10",
            "-d",
        ])
        .arg(db.url())
        .run();
    out.success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("update orders set total = 0 where id = 10;"),
        "{out}"
    );
    assert_eq!(lines.get(1).copied(), Some("level: write"), "{out}");
}

#[test]
fn a_prose_reply_is_printed_whole() {
    let db = shop("replies_prose");
    let prose = "Revenue per category, summing order lines:\n\nthe schema has no category table.\nWhich table holds the categories?";
    let fake = FakeLlm::openai(vec![Reply::text(prose)]);
    let out = ask(&db, &fake, &["revenue per category"]).run();
    out.success();
    assert_eq!(out.stdout.trim_end(), prose, "{out}");
}

#[test]
fn a_bare_sql_reply_runs_as_the_statement() {
    let db = shop("replies_bare_sql");
    let fake = FakeLlm::openai(vec![Reply::text("SELECT count(*) AS n FROM customers;")]);
    let out = ask(&db, &fake, &["--format", "csv", "how many customers?"]).run();
    out.success().stderr_has("→ read_only");
    assert_eq!(out.stdout, "n\n2\n", "{out}");
}

#[test]
fn prose_that_starts_with_a_keyword_is_not_run() {
    let db = shop("replies_keyword_prose");
    let prose = "Select the orders placed in March, or all of them?";
    let fake = FakeLlm::openai(vec![Reply::text(prose)]);
    let out = ask(&db, &fake, &["--format", "json", "orders in march"]).run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["sql"], Json::Null, "{out}");
    assert_eq!(doc["answer"], prose, "{out}");
    assert_eq!(doc["not_run"], serde_json::json!([]), "{out}");
}

#[test]
fn a_second_sql_block_is_named_as_not_run_with_its_level() {
    let db = shop("replies_second_block");
    let fake = FakeLlm::openai(vec![Reply::text(TWO_BLOCKS)]);
    let out = ask(&db, &fake, &["--format", "csv", "orders per customer"]).run();
    out.success()
        .stderr_has("not run (glance runs only the first statement of a reply)")
        .stderr_has("(destructive) delete from orders;");
    assert_eq!(out.stdout, "customer_id,n\n1,2\n2,1\n", "{out}");
    orders_kept(&db, &out);
}

#[test]
fn json_documents_list_the_sql_not_run() {
    let db = shop("replies_not_run_json");
    let fake = FakeLlm::openai(vec![
        Reply::text(TWO_BLOCKS),
        Reply::text("select 1 as one;\ndrop table orders;"),
        Reply::text(TWO_BLOCKS),
    ]);
    let not_run = |sql: &str, level: &str| serde_json::json!([{ "sql": sql, "level": level }]);

    let out = ask(&db, &fake, &["--format", "json", "orders per customer"]).run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["row_count"], 2, "{out}");
    assert_eq!(
        doc["not_run"],
        not_run("delete from orders", "destructive"),
        "{out}"
    );

    let out = ask(&db, &fake, &["--format", "json", "one"]).run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["sql"], "select 1 as one", "{out}");
    assert_eq!(
        doc["not_run"],
        not_run("drop table orders", "destructive"),
        "{out}"
    );
    assert!(db.relation_exists("orders"), "{out}");

    let out = ask(&db, &fake, &["--format", "json", "--dry-run", "again"]).run();
    out.success();
    assert_eq!(
        out.json()["not_run"],
        not_run("delete from orders", "destructive"),
        "{out}"
    );
}

#[test]
fn the_repl_names_the_sql_not_run_after_the_answer() {
    let db = shop("replies_repl_not_run");
    let fake = FakeLlm::openai(vec![Reply::text(TWO_BLOCKS)]);
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let mut repl = harness::pty_with_env(["-d", db.url()], &env);
    repl.expect_prompt();
    repl.send_line("orders per customer");
    repl.expect_all(&[
        "→ read_only",
        "2 rows",
        "not run (glance runs only the first statement of a reply)",
        "(destructive) delete from orders;",
    ]);
    repl.expect_prompt();
    orders_kept(&db, &repl.transcript());
}

#[test]
fn bare_glance_opens_the_repl_in_a_terminal() {
    let db = shop("replies_bare_glance");
    let mut repl = harness::pty(["-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\sql select 41 + 1 as answer;");
    repl.expect_all(&["answer", "42"]);
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());

    let mut demo = harness::pty(["--demo"]);
    demo.expect_prompt();
    demo.send_line("\\q");
    assert_eq!(demo.expect_exit(), 0, "{}", demo.transcript());
}

#[test]
fn bare_glance_reads_a_pipe_like_glance_repl() {
    let db = shop("replies_bare_pipe");
    let out = glance()
        .args(["-d", db.url()])
        .stdin("\\sql select count(*) as n from customers;\n")
        .run();
    out.success().stdout_has("2");
}

#[test]
fn help_says_what_bare_glance_does_and_an_unknown_command_is_a_usage_error() {
    glance()
        .arg("--help")
        .run()
        .success()
        .stdout_has("Without a command, glance opens the interactive session");
    glance()
        .arg("nosuchcommand")
        .run()
        .code(2)
        .stderr_has("nosuchcommand");
}

#[test]
fn ask_in_a_terminal_highlights_the_sql() {
    let db = shop("replies_highlight");
    let fake = FakeLlm::openai(vec![Reply::text(
        "```sql\nselect count(*) as n from orders\n```",
    )]);
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let mut run = harness::pty_with_env(["ask", "-d", db.url(), "how many orders?"], &env);
    assert_eq!(run.expect_exit(), 0, "{}", run.transcript());
    let raw = String::from_utf8_lossy(run.raw_transcript()).into_owned();
    assert!(
        raw.contains("\u{1b}[34mselect"),
        "the keyword is coloured:\n{raw:?}"
    );
    assert!(run.transcript().contains("read_only"), "{raw:?}");
}

#[test]
fn bare_glance_with_a_profile_opens_the_repl_on_it() {
    let db = shop("replies_bare_profile");
    let home = harness::scratch_dir("home");
    let dir = home.join(".config/glance");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("[connections.shop]\nurl = \"{}\"\n", db.url()),
    )
    .unwrap();
    let mut repl = harness::pty_with_home(["-p", "shop"], &home);
    repl.expect_prompt();
    repl.send_line("\\conninfo");
    repl.expect("profile shop");
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
}
