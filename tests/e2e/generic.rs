//! Generic plans of text with parameters (`$1`), as pg_stat_statements
//! stores it: `glance explain` and `\explain N` after `\slow` plan it for any
//! values, leave no prepared statement behind, and refuse EXPLAIN ANALYZE.

use serde_json::Value as Json;

use crate::explain::{big, explain};
use crate::harness;

#[test]
fn a_parameterised_read_gets_its_generic_plan() {
    let db = big("generic_read");
    let sql = "select v from big where id = $1";
    explain(&db, &[sql])
        .success()
        .stdout_has("Generic plan: the statement has parameters")
        .stdout_has("Index Scan using big_pkey on big  rows 1");

    let out = explain(&db, &["--format", "json", sql]);
    out.success();
    let document = out.json();
    assert_eq!(document["generic"], Json::from(true), "{out}");
    assert_eq!(document["sql"], Json::from(sql), "{out}");
    assert_eq!(
        document["plan"][0]["Plan"]["Node Type"],
        Json::from("Index Scan"),
        "{out}"
    );

    // A `$1` in a string or a comment is no parameter.
    let out = explain(&db, &["--format", "json", "select '$1' as s -- $2"]);
    out.success();
    assert_eq!(out.json()["generic"], Json::from(false), "{out}");
}

#[test]
fn a_parameterised_write_is_planned_and_nothing_changes() {
    let db = big("generic_write");
    explain(&db, &["update big set v = $1 where id = $2"])
        .success()
        .stdout_has("Generic plan")
        .stdout_has("Update on big");
    let changed = db.query_scalar("select count(*) from big where v <> id % 1000");
    assert_eq!(changed.as_deref(), Some("0"));
}

#[test]
fn explain_analyze_of_parameterised_text_is_refused() {
    let db = big("generic_analyze");
    explain(&db, &["--analyze", "select v from big where id = $1"])
        .code(2)
        .stderr_has("has parameters ($1, …) with no values");
}

#[test]
fn an_error_in_parameterised_text_is_the_database_s() {
    let db = big("generic_error");
    explain(&db, &["select nosuch from big where id = $1"])
        .code(1)
        .stderr_has("column \"nosuch\" does not exist");
}

#[test]
fn explain_n_of_a_slow_entry_with_parameters_plans_it_and_frees_it() {
    let db = big("generic_slow_chain");
    db.execute("create extension pg_stat_statements");
    let mut client = db.client();
    for _ in 0..3 {
        client
            .batch_execute("select v as generic_marker from big where id = 42")
            .expect("run the marked statement");
    }
    let home = harness::scratch_dir("generic_slow_chain");
    let mut repl = harness::pty_with_home(["repl", "--no-history", "-d", db.url()], &home);
    repl.expect_prompt();
    repl.send_line("\\slow 50");
    // The entry's number starts the line that names the marker.
    let listing = repl.expect("generic_marker");
    let line = listing.lines().last().unwrap_or_default();
    let n = line
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_string();
    repl.expect_prompt();
    repl.send_line(&format!("\\explain {n}"));
    repl.expect("Generic plan");
    repl.expect("Index Scan using big_pkey on big");
    repl.expect_prompt();
    // A PREPARE that fails leaves nothing behind either.
    repl.send_line("\\explain select nosuch from big where id = $1");
    repl.expect("column \"nosuch\" does not exist");
    repl.expect_prompt();
    repl.send_line(
        "\\sql select 'prepared:' || count(*) as left_over from pg_prepared_statements where from_sql;",
    );
    repl.expect("prepared:0");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
}

#[test]
fn a_generic_plan_flags_a_scan_expected_to_keep_few_rows() {
    let db = big("generic_scan");
    explain(&db, &["select id from big where v = $1"])
        .success()
        .stdout_has("Seq Scan on big")
        .stdout_has(
            "seq_scan: Seq Scan on big: reads all of about 20,000 rows to keep an estimated 20 \
             (planned, not run)",
        );
    // Most rows kept: nothing to say.
    explain(&db, &["select id from big where v > $1"])
        .success()
        .stdout_has("No findings.");
}
