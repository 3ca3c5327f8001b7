//! Performance plumbing seen from outside: `ask --timings` on stderr, the
//! per-phase `timings` of `ask --format json`, and results that span many
//! fetches arriving whole and in order.

use serde_json::Value as Json;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, glance};

#[test]
fn timings_go_to_stderr_and_leave_stdout_alone() {
    let db = harness::db("timings_line");
    let out = glance()
        .args(["ask", "--sql", "select 1 as one", "-d", db.url()])
        .args(["--format", "csv", "--timings"])
        .run();
    out.success();
    assert_eq!(out.stdout, "one\n1\n", "{out}");
    for phase in [
        "timings: start-up ",
        "connect ",
        "introspection ",
        "context ",
        "LLM ",
        "database ",
        "render ",
        "other ",
        "glance's own ",
    ] {
        out.stderr_has(phase);
    }
}

#[test]
fn json_timings_split_a_question_by_phase() {
    let db = harness::db("timings_json");
    db.execute("create table t (id int primary key, name text); insert into t values (1, 'a');");
    let fake = FakeLlm::openai(vec![Reply::text("```sql\nselect name from t\n```\n")]);
    let mut cmd = glance().args(["ask", "-d", db.url(), "--format", "json", "names?"]);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    let out = cmd.run();
    out.success();
    let doc = out.json();
    let timings = doc["timings"]
        .as_object()
        .unwrap_or_else(|| panic!("timings is not an object\n{out}"));
    let keys: Vec<&str> = timings.keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "llm_ms",
            "startup_ms",
            "connect_ms",
            "introspect_ms",
            "context_ms",
            "render_ms",
            "other_ms",
            "glance_ms",
            "db_ms"
        ],
        "{out}"
    );
    assert!(timings.values().all(Json::is_number), "{out}");
    // The question needed the schema and a context, so both took some time.
    assert!(timings["introspect_ms"].as_f64() > Some(0.0), "{out}");
    assert!(timings["context_ms"].as_f64() > Some(0.0), "{out}");
}

#[test]
fn a_result_spanning_every_fetch_size_arrives_whole_and_in_order() {
    let db = harness::db("timings_fetch");
    let rows = 61_234;
    let sql = format!("select g from generate_series(1, {rows}) g");
    let out = glance()
        .args(["ask", "--sql", &sql, "-d", db.url(), "--format", "csv"])
        .run();
    out.success();
    let mut lines = out.stdout.lines();
    assert_eq!(lines.next(), Some("g"), "{out}");
    let values: Vec<u64> = lines.map(|l| l.parse().expect("a number")).collect();
    assert_eq!(values.len(), rows, "row count");
    assert!(
        values.iter().copied().eq(1..=rows as u64),
        "rows out of order"
    );

    let out = glance()
        .args(["ask", "--sql", &sql, "-d", db.url(), "--format", "json"])
        .run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["row_count"], rows, "{out}");
    assert_eq!(doc["complete"], true, "{out}");
}
