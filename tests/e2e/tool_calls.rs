//! The model's tool calls end to end: the real binary, a real PostgreSQL
//! and fake servers scripting tool calls in each provider's wire format.
//! Asserts what each request offered and carried back, what the person
//! sees (one line per call), what the database holds, and the limits:
//! the round limit, a refused write, a model that takes no tools.

use serde_json::{Value, json};

use crate::fake_llm::{FakeLlm, Reply};
use crate::fake_tool_calls::{offered, results};
use crate::harness::{self, Cmd, TestDb, glance};

fn shop(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table customers (id int primary key, name text not null);
         create table orders (id int primary key, customer_id int not null references customers(id),
                              total numeric(10,2) not null);
         insert into customers values (1, 'Ada'), (2, 'Brendan');
         insert into orders values (10, 1, 12.50), (11, 1, 7.00), (12, 2, 3.25);",
    );
    db
}

fn ask(db: &TestDb, fake: &FakeLlm, args: &[&str]) -> Cmd {
    let mut cmd = glance()
        .args(["ask", "-d", db.url(), "how many orders are there?"])
        .args(args);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd
}

/// The model describes `orders`, counts them with a read-only query, then
/// answers; each later request carries the earlier result back, fenced.
fn look_then_answer(fake: &FakeLlm, db: &TestDb, args: &[&str]) {
    let out = ask(
        db,
        fake,
        &[
            &["--share-samples", "--share-rows", "--format", "json"],
            args,
        ]
        .concat(),
    )
    .run();
    out.success()
        .stderr_has("→ describe_table(orders)")
        .stderr_has("→ run_read_only_sql(select count(*) as n from orders)");
    let doc = out.json();
    assert_eq!(doc["rows"][0]["n"], 3, "{out}");
    assert_eq!(
        doc["tool_calls"],
        json!([
            "describe_table(orders)",
            "run_read_only_sql(select count(*) as n from orders)"
        ]),
        "{out}"
    );
    let requests = fake.requests();
    assert_eq!(requests.len(), 3, "{out}");
    let names = offered(&requests[0].body);
    for name in [
        "list_tables",
        "describe_table",
        "distinct_values",
        "run_read_only_sql",
        "explain",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} not offered: {names:?}"
        );
    }
    assert!(!names.iter().any(|n| n == "classify_sql"), "{names:?}");
    assert!(results(&requests[0].body).is_empty());
    let first = results(&requests[1].body);
    assert_eq!(first.len(), 1, "{:#}", requests[1].body);
    assert!(first[0].1.starts_with("Tool result"), "{}", first[0].1);
    assert!(first[0].1.contains("<tool_result>"), "{}", first[0].1);
    assert!(first[0].1.contains("customer_id"), "{}", first[0].1);
    let second = results(&requests[2].body);
    assert_eq!(
        second.len(),
        2,
        "both results go back: {:#}",
        requests[2].body
    );
    assert!(second[1].1.contains('3'), "{}", second[1].1);
}

fn look_then_answer_script() -> Vec<Reply> {
    vec![
        Reply::call("describe_table", json!({"table": "orders"})),
        Reply::call(
            "run_read_only_sql",
            json!({"sql": "select count(*) as n from orders"}),
        ),
        Reply::sql("select count(*) as n from orders"),
    ]
}

#[test]
fn the_model_looks_then_answers_through_openai() {
    let db = shop("tools_openai");
    let fake = FakeLlm::openai(look_then_answer_script());
    look_then_answer(&fake, &db, &[]);
    let requests = fake.requests();
    let called = &requests[1].body["messages"][2];
    assert_eq!(called["tool_calls"][0]["id"], "call_0");
    assert_eq!(
        called["tool_calls"][0]["function"]["arguments"],
        r#"{"table":"orders"}"#
    );
    assert_eq!(requests[1].body["messages"][3]["tool_call_id"], "call_0");
}

#[test]
fn the_model_looks_then_answers_through_azure() {
    let db = shop("tools_azure");
    let fake = FakeLlm::azure(look_then_answer_script());
    look_then_answer(&fake, &db, &["--model", "prod-gpt"]);
}

#[test]
fn the_model_looks_then_answers_through_anthropic() {
    let db = shop("tools_anthropic");
    let fake = FakeLlm::anthropic(look_then_answer_script());
    look_then_answer(&fake, &db, &[]);
    let body = &fake.requests()[1].body;
    assert_eq!(body["messages"][1]["content"][0]["type"], "tool_use");
    assert_eq!(
        body["messages"][1]["content"][0]["input"],
        json!({"table": "orders"})
    );
    assert_eq!(body["messages"][2]["content"][0]["tool_use_id"], "toolu_0");
}

#[test]
fn the_model_looks_then_answers_through_gemini() {
    let db = shop("tools_gemini");
    let fake = FakeLlm::gemini(look_then_answer_script());
    look_then_answer(&fake, &db, &[]);
    let body = &fake.requests()[1].body;
    assert_eq!(
        body["contents"][1]["parts"][0]["functionCall"]["name"],
        "describe_table"
    );
    assert_eq!(
        body["contents"][1]["parts"][0]["thoughtSignature"], "fake-signature-0",
        "Gemini 3 refuses a call sent back without its signature"
    );
    assert_eq!(body["contents"][2]["role"], "user");
}

#[test]
fn the_model_looks_then_answers_through_ollama() {
    let db = shop("tools_ollama");
    let fake = FakeLlm::ollama(look_then_answer_script());
    look_then_answer(&fake, &db, &["--provider", "ollama", "--model", "llama3.2"]);
    let body = &fake.requests()[1].body;
    assert_eq!(
        body["messages"][2]["tool_calls"][0]["function"]["arguments"],
        json!({"table": "orders"})
    );
    assert_eq!(body["messages"][3]["tool_name"], "describe_table");
}

#[test]
fn the_round_limit_asks_for_the_answer_with_calls_closed() {
    let db = shop("tools_limit");
    let dir = harness::scratch_dir("tools_limit");
    let config = dir.join("config.toml");
    std::fs::write(&config, "[agent]\nmax_tool_calls = 2\n").unwrap();
    let fake = FakeLlm::openai(vec![
        Reply::call("list_tables", json!({})),
        Reply::call("describe_table", json!({"table": "orders"})),
        Reply::sql("select count(*) as n from orders"),
    ]);
    let out = ask(&db, &fake, &["--format", "csv"])
        .env("GLANCE_CONFIG", &config)
        .run();
    out.success()
        .stdout_has("n\n3\n")
        .stderr_has("→ list_tables()")
        .stderr_has("made the 2 tool calls a question may make");
    let requests = fake.requests();
    assert_eq!(requests[0].body.get("tool_choice"), None);
    assert_eq!(requests[2].body["tool_choice"], "none", "{out}");
    let last = requests[2].body["messages"]
        .as_array()
        .unwrap()
        .last()
        .unwrap();
    assert_eq!(last["role"], "user");
    assert!(
        last["content"].as_str().unwrap().contains("last tool call"),
        "{last}"
    );
}

/// A model that calls tools again once its calls are closed gets a clear
/// error, in `ask` (exit 1) and in the REPL (which goes on).
#[test]
fn a_model_that_keeps_calling_after_its_calls_are_closed_is_an_error() {
    let db = shop("tools_kept_calling");
    let dir = harness::scratch_dir("tools_kept_calling");
    let config = dir.join("config.toml");
    std::fs::write(&config, "[agent]\nmax_tool_calls = 1\n").unwrap();
    let kept_calling = || {
        vec![
            Reply::call("list_tables", json!({})),
            Reply::call("describe_table", json!({"table": "orders"})),
        ]
    };
    let fake = FakeLlm::openai(kept_calling());
    let out = ask(&db, &fake, &["--format", "csv"])
        .env("GLANCE_CONFIG", &config)
        .run();
    out.code(1)
        .stderr_has("kept calling tools after its 1 calls; no SQL was written")
        .stderr_has("raise `max_tool_calls` under [agent]");
    assert_eq!(out.stdout, "", "{out}");
    assert_eq!(fake.requests().len(), 2, "{out}");

    let fake =
        FakeLlm::openai([kept_calling(), vec![Reply::sql("select 40 + 2 as answer")]].concat());
    let mut cmd = glance()
        .args(["repl", "-d", db.url()])
        .env("GLANCE_CONFIG", &config)
        .stdin("how many orders are there?\nthe next question\n");
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    let out = cmd.run();
    out.success()
        .stderr_has("kept calling tools after its 1 calls")
        .stdout_has("42");
}

#[test]
fn a_drop_through_run_read_only_sql_is_refused_and_nothing_dropped() {
    let db = shop("tools_drop");
    let fake = FakeLlm::openai(vec![
        Reply::call("run_read_only_sql", json!({"sql": "drop table orders"})),
        Reply::sql("select count(*) as n from orders"),
    ]);
    let out = ask(&db, &fake, &["--share-rows", "--format", "csv"]).run();
    out.success().stdout_has("n\n3\n");
    let refused = results(&fake.requests()[1].body);
    assert!(refused[0].1.contains("refused"), "{}", refused[0].1);
    assert!(refused[0].1.contains("destructive"), "{}", refused[0].1);
    assert_eq!(
        db.query_scalar("select count(*) from orders").as_deref(),
        Some("3")
    );
}

#[test]
fn a_model_that_rejects_tools_gets_the_single_request_said_once() {
    let db = shop("tools_refused");
    let refusal =
        r#"{"error":"registry.ollama.ai/library/llama3.2:latest does not support tools"}"#;
    let fake = FakeLlm::ollama(vec![
        Reply::Status(400, refusal.into(), None),
        Reply::sql("select count(*) as n from orders"),
    ]);
    let out = ask(
        &db,
        &fake,
        &[
            "--provider",
            "ollama",
            "--model",
            "llama3.2",
            "--format",
            "csv",
        ],
    )
    .run();
    out.success().stdout_has("n\n3\n");
    assert_eq!(
        out.stderr.matches("does not take tool calls").count(),
        1,
        "{out}"
    );
    let requests = fake.requests();
    assert!(!offered(&requests[0].body).is_empty());
    assert!(
        requests[1].body.get("tools").is_none(),
        "{:#}",
        requests[1].body
    );
    let system = requests[1].body["messages"][0]["content"].as_str().unwrap();
    assert!(!system.contains("tools offered"), "{system}");
}

#[test]
fn without_share_samples_no_tool_returns_rows() {
    let db = shop("tools_private");
    let fake = FakeLlm::openai(vec![
        Reply::call(
            "run_read_only_sql",
            json!({"sql": "select name from customers"}),
        ),
        Reply::sql("select count(*) as n from orders"),
    ]);
    ask(&db, &fake, &["--format", "csv"]).run().success();
    let requests = fake.requests();
    assert_eq!(
        offered(&requests[0].body),
        ["list_tables", "describe_table", "explain"]
    );
    let refused = results(&requests[1].body);
    assert!(refused[0].1.contains("no tool named"), "{}", refused[0].1);
    assert!(!refused[0].1.contains("Ada"), "{}", refused[0].1);

    // Category samples do not let the model read rows of its choosing.
    let fake = FakeLlm::openai(vec![Reply::sql("select count(*) as n from orders")]);
    ask(&db, &fake, &["--share-samples", "--format", "csv"])
        .run()
        .success();
    assert_eq!(
        offered(&fake.requests()[0].body),
        [
            "list_tables",
            "describe_table",
            "distinct_values",
            "explain"
        ]
    );
}

#[test]
fn no_tools_offers_none() {
    let db = shop("tools_off");
    let fake = FakeLlm::openai(vec![Reply::sql("select count(*) as n from orders")]);
    ask(&db, &fake, &["--no-tools", "--format", "csv"])
        .run()
        .success();
    assert!(fake.requests()[0].body.get("tools").is_none());
}

#[test]
fn the_repl_shows_each_call_on_a_line_and_the_log_keeps_them() {
    let db = shop("tools_repl");
    let fake = FakeLlm::anthropic(look_then_answer_script());
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let mut repl = harness::pty_with_env(["repl", "--share-rows", "-d", db.url()], &env);
    repl.expect_prompt();
    repl.send_line("how many orders are there?");
    repl.expect_all(&[
        "→ describe_table(orders)",
        "→ run_read_only_sql(select count(*) as n from orders)",
        "read_only",
    ]);
    repl.expect_prompt();
    repl.send_line("\\x on");
    repl.expect_prompt();
    repl.send_line("\\log");
    repl.expect("tools: describe_table(orders); run_r");
    let transcript = repl.transcript();
    let body: &Value = &fake.requests()[2].body;
    assert_eq!(results(body).len(), 2, "{transcript}");
}

#[test]
fn ctrl_c_between_tool_calls_stops_the_question_and_keeps_the_session() {
    let db = shop("tools_ctrl_c");
    let fake = FakeLlm::openai(vec![
        Reply::call("describe_table", json!({"table": "orders"})),
        // Far longer than the test may take: only Ctrl-C ends the wait.
        Reply::Stalled("Now I know".into(), std::time::Duration::from_secs(600)),
        Reply::sql("select 40 + 2 as answer"),
    ]);
    let mut repl = harness::pty_with_env(["repl", "-d", db.url()], &fake.env());
    repl.expect_prompt();
    repl.send_line("how many orders are there?");
    repl.expect_all(&["→ describe_table(orders)", "Now I know"]);
    repl.ctrl('c');
    repl.expect("cancelled");
    repl.expect_prompt();
    harness::wait_until("the stalled connection is closed", || fake.abandoned() == 1);
    repl.send_line("the next question");
    repl.expect("42");
    repl.expect_prompt();
    assert_eq!(fake.requests().len(), 3, "{}", repl.transcript());
}

#[test]
fn a_prose_answer_after_tool_calls_lists_them_in_json() {
    let db = shop("tools_prose");
    let fake = FakeLlm::gemini(vec![
        Reply::call("list_tables", json!({})),
        Reply::text("There are two tables: customers and orders."),
    ]);
    let out = ask(&db, &fake, &["--format", "json"]).run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["tool_calls"], json!(["list_tables()"]), "{out}");
    assert_eq!(doc["executed"], false, "{out}");
    let listed = results(&fake.requests()[1].body);
    assert!(listed[0].1.contains("customers"), "{}", listed[0].1);
}
