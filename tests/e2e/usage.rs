//! Tokens and cost: the figures in `ask --format json` and the footer come
//! from what the provider reported, priced by the built-in table or the
//! config's `[prices]`; `\usage` adds up a session and `glance usage` the
//! history.

use std::path::Path;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, TestDb, glance};

fn with_fake(cmd: Cmd, fake: &FakeLlm) -> Cmd {
    fake.env()
        .into_iter()
        .fold(cmd, |cmd, (name, value)| cmd.env(name, value))
}

fn ask(db: &TestDb, fake: &FakeLlm, home: &Path, model: &str) -> Cmd {
    with_fake(
        glance().home(home).args([
            "ask",
            "-d",
            db.url(),
            "--model",
            model,
            "--format",
            "json",
            "what is two times twenty-one?",
        ]),
        fake,
    )
}

fn close(actual: &serde_json::Value, expected: f64) -> bool {
    actual.as_f64().is_some_and(|a| (a - expected).abs() < 1e-9)
}

#[test]
fn json_and_footer_carry_tokens_and_the_cost_from_the_price_table() {
    let db = harness::db("usage_cost");
    let home = harness::scratch_dir("home");
    let fake = FakeLlm::openai(vec![Reply::sql("select 2 * 21 as answer"); 2]);
    fake.set_usage(1000, 200);
    let out = ask(&db, &fake, &home, "gpt-5-mini").run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["llm"]["input_tokens"], 1000, "{out}");
    assert_eq!(doc["llm"]["output_tokens"], 200, "{out}");
    // 1,000 × $0.25/M + 200 × $2.00/M
    assert!(close(&doc["llm"]["cost_usd"], 0.00065), "{out}");

    let out = with_fake(
        glance().home(&home).args([
            "ask",
            "-d",
            db.url(),
            "--model",
            "gpt-5-mini",
            "what is two times twenty-one?",
        ]),
        &fake,
    )
    .run();
    out.success()
        .stderr_has("gpt-5-mini · 1,000 in / 200 out tokens · $0.00065 · LLM");
}

#[test]
fn config_prices_override_and_unknown_models_say_so() {
    let db = harness::db("usage_prices");
    let home = harness::scratch_dir("home");
    let config = home.join(".config/glance");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        "[prices.\"house-model\"]\ninput_per_mtok = 10\noutput_per_mtok = 100\n",
    )
    .unwrap();
    let fake = FakeLlm::openai(vec![Reply::sql("select 42 as answer"); 2]);
    fake.set_usage(1000, 100);
    let priced = ask(&db, &fake, &home, "house-model").run();
    priced.success();
    assert!(close(&priced.json()["llm"]["cost_usd"], 0.02), "{priced}");

    let unknown = with_fake(
        glance().home(&home).args([
            "ask",
            "-d",
            db.url(),
            "--model",
            "mystery-model",
            "what is the answer?",
        ]),
        &fake,
    )
    .run();
    unknown.success().stderr_has("· cost unknown ·");
}

#[test]
fn the_session_and_the_history_add_up_model_use() {
    let db = harness::db("usage_totals");
    let home = harness::scratch_dir("home");
    let fake = FakeLlm::openai(vec![
        Reply::sql("select 1 as one"),
        Reply::sql("select 2 as two"),
        Reply::sql("select 3 as three"),
    ]);
    fake.set_usage(500, 50);
    let out = with_fake(
        glance()
            .home(&home)
            .args([
                "repl",
                "-d",
                db.url(),
                "--model",
                "gpt-5-nano",
                "--format",
                "csv",
            ])
            .stdin("first question\nsecond question\n\\usage\n"),
        &fake,
    )
    .run();
    out.success();
    // Two calls of 500 in / 50 out at $0.05/M in and $0.40/M out.
    out.stdout_has("Provider,Model,Calls,Input tokens,Output tokens,Cached,Reasoning,Cost (USD),Unpriced calls")
        .stdout_has("openai,gpt-5-nano,2,1000,100,0,0,0.000090,0");

    ask(&db, &fake, &home, "gpt-5-nano").run().success();
    let report = glance()
        .home(&home)
        .args(["usage", "--days", "1", "--format", "json"])
        .run();
    report.success();
    let doc = report.json();
    let row = &doc["rows"][0];
    assert_eq!(row["Provider"], "openai", "{report}");
    assert_eq!(row["Calls"], 3, "{report}");
    assert_eq!(row["Input tokens"], 1500, "{report}");
    assert_eq!(row["Output tokens"], 150, "{report}");

    glance()
        .home(&home)
        .args(["usage", "--no-history"])
        .run()
        .code(2)
        .stderr_has("history is off");
}

#[test]
fn a_plan_explanation_counts_in_the_session_and_the_history() {
    let db = harness::db("usage_explain");
    let home = harness::scratch_dir("home");
    let fake = FakeLlm::openai(vec![
        Reply::text("The scan of the one row dominates."),
        Reply::text("Nothing to fix here."),
    ]);
    fake.set_usage(700, 70);
    let out = with_fake(
        glance()
            .home(&home)
            .args(["repl", "-d", db.url(), "--model", "gpt-5-nano"])
            .stdin("\\explain select 1\n\\usage\n"),
        &fake,
    )
    .run();
    out.success()
        .stdout_has("The scan of the one row dominates.")
        .stdout_has("gpt-5-nano");
    let usage = out.stdout.lines().find(|line| line.contains("gpt-5-nano"));
    assert!(
        usage.is_some_and(|line| line.contains("700") && line.contains("70")),
        "the session's tally holds the explanation\n{out}"
    );

    with_fake(
        glance().home(&home).args([
            "explain",
            "-d",
            db.url(),
            "--model",
            "gpt-5-nano",
            "select 2",
        ]),
        &fake,
    )
    .run()
    .success();
    let report = glance()
        .home(&home)
        .args(["usage", "--days", "1", "--format", "json"])
        .run();
    report.success();
    let row = &report.json()["rows"][0];
    assert_eq!(row["Calls"], 2, "{report}");
    assert_eq!(row["Input tokens"], 1400, "{report}");
    assert_eq!(row["Output tokens"], 140, "{report}");
}
