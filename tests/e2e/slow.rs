//! `glance slow` and `\slow`: the statements that took the most time, from
//! pg_stat_statements when a database has it (the test cluster preloads
//! it), else from what runs now and glance's own history; SQLite from the
//! history.

use std::path::Path;

use crate::harness::{self, Output, glance};

/// `glance slow -d TARGET ARGS…` with its HOME at `home`.
fn slow(target: &str, home: &Path, args: &[&str]) -> Output {
    let out = glance()
        .args(["slow", "-d", target])
        .args(args)
        .home(home)
        .run();
    out.success();
    out
}

/// The listed statements as (query, from) pairs.
fn listed(json: &serde_json::Value) -> Vec<(String, String)> {
    json["queries"]
        .as_array()
        .expect("queries")
        .iter()
        .map(|q| {
            (
                q["query"].as_str().unwrap_or_default().to_string(),
                q["from"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// The values of `field` down the list.
fn column(json: &serde_json::Value, field: &str) -> Vec<f64> {
    json["queries"]
        .as_array()
        .expect("queries")
        .iter()
        .map(|q| q[field].as_f64().expect("a number"))
        .collect()
}

fn descending(values: &[f64]) -> bool {
    values.windows(2).all(|pair| pair[0] >= pair[1])
}

#[test]
fn statements_come_from_pg_stat_statements_ordered_by_each_key() {
    let db = harness::db("slow_statements");
    db.execute("create extension pg_stat_statements");
    let mut client = db.client();
    for _ in 0..3 {
        client
            .batch_execute("select count(*) as slow_marker from generate_series(1, 20000)")
            .expect("run the marked statement");
    }
    let home = harness::scratch_dir("slow_statements");

    let out = slow(db.url(), &home, &["--format", "json", "--limit", "50"]);
    let json = out.json();
    assert_eq!(json["source"], "pg_stat_statements", "{out}");
    let marked = json["queries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["query"].as_str().unwrap().contains("slow_marker"))
        .unwrap_or_else(|| panic!("the marked statement is listed\n{out}"));
    assert_eq!(marked["calls"], 3, "{out}");
    assert_eq!(marked["rows"], 3, "{out}");
    assert!(marked["n"].as_u64().unwrap() >= 1);
    assert!(descending(&column(&json, "total_ms")), "{out}");

    let by_mean = slow(db.url(), &home, &["--by", "mean", "--format", "json"]).json();
    assert!(descending(&column(&by_mean, "mean_ms")), "{by_mean}");
    let by_io = slow(
        db.url(),
        &home,
        &["--by", "io", "--limit", "2", "--format", "json"],
    )
    .json();
    assert!(by_io["queries"].as_array().unwrap().len() <= 2, "{by_io}");

    let text = slow(db.url(), &home, &["--limit", "50"]);
    text.stdout_has("Top statements (pg_stat_statements)")
        .stdout_has("mean ms")
        .stdout_has("slow_marker");
    assert!(!text.stdout.contains("shared_preload_libraries"), "{text}");

    // The REPL takes the order and the count in either order.
    let repl = glance()
        .args(["repl", "-d", db.url()])
        .stdin("\\slow 50 mean\n")
        .home(&home)
        .run();
    repl.success();
    repl.stdout_has("Top statements (pg_stat_statements)")
        .stdout_has("slow_marker");
}

#[test]
fn without_the_extension_it_says_how_and_lists_running_and_own_statements() {
    let db = harness::db("slow_fallback");
    let home = harness::scratch_dir("slow_fallback");
    glance()
        .args(["ask", "-d", db.url(), "--sql", "select 42 as own_marker"])
        .home(&home)
        .run()
        .success();
    let sleeper = {
        let mut client = db.client();
        std::thread::spawn(move || {
            client.batch_execute("select pg_sleep(120) /* running_marker */")
        })
    };
    let running = "select count(*) from pg_stat_activity \
                   where query like '%running_marker%' and state = 'active' \
                   and pid <> pg_backend_pid()";
    harness::wait_until("the sleeper runs", || {
        db.query_scalar(running).as_deref() == Some("1")
    });

    let out = slow(db.url(), &home, &["--format", "json"]);
    let json = out.json();
    assert_eq!(json["source"], "pg_stat_activity+history", "{out}");
    assert!(
        json["notes"][0]
            .as_str()
            .unwrap()
            .contains("CREATE EXTENSION pg_stat_statements"),
        "{out}"
    );
    let queries = listed(&json);
    assert!(
        queries
            .iter()
            .any(|(q, from)| q.contains("running_marker") && from == "pg_stat_activity"),
        "{out}"
    );
    assert!(
        queries
            .iter()
            .any(|(q, from)| q.contains("own_marker") && from == "history"),
        "{out}"
    );
    assert!(
        !queries.iter().any(|(q, _)| q.contains("pg_backend_pid")),
        "glance's own query is left out\n{out}"
    );

    let text = slow(db.url(), &home, &[]);
    text.stdout_has("CREATE EXTENSION pg_stat_statements")
        .stdout_has("Running now")
        .stdout_has("running_marker")
        .stdout_has("glance ran")
        .stdout_has("own_marker");

    db.execute(
        "select pg_cancel_backend(pid) from pg_stat_activity \
         where query like '%running_marker%' and pid <> pg_backend_pid()",
    );
    assert!(sleeper.join().expect("the sleeper thread").is_err());
}

#[test]
fn sqlite_lists_the_statements_glance_ran() {
    let home = harness::scratch_dir("slow_sqlite");
    let path = home.join("lite.db");
    rusqlite::Connection::open(&path)
        .and_then(|conn| conn.execute_batch("create table t (x int); insert into t values (1);"))
        .expect("seed sqlite file");
    let target = path.to_str().unwrap();
    for _ in 0..2 {
        glance()
            .args([
                "ask",
                "-d",
                target,
                "--sql",
                "select x as lite_marker from t",
            ])
            .home(&home)
            .run()
            .success();
    }
    let json = slow(target, &home, &["--format", "json"]).json();
    assert_eq!(json["source"], "history", "{json}");
    let first = &json["queries"][0];
    assert_eq!(first["query"], "select x as lite_marker from t", "{json}");
    assert_eq!(
        (first["n"].as_u64(), first["calls"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(first["rows"], 2, "{json}");
}

#[test]
fn explain_takes_an_entry_of_the_last_slow_list() {
    let db = harness::db("slow_explain_chain");
    db.execute("create extension pg_stat_statements");
    db.execute(
        "create function chain_marker() returns bigint language sql \
         as 'select count(*) from generate_series(1, 2000000)'",
    );
    // No constants, so pg_stat_statements keeps the text as it ran; the
    // count puts it first by total time.
    db.execute("select chain_marker()");
    let home = harness::scratch_dir("slow_explain_chain");

    // --yes: glance cannot verify what planning a call to a user function
    // runs, so it would ask first.
    let repl = glance()
        .args(["repl", "--yes", "-d", db.url()])
        .stdin("\\explain 1\n\\slow 1\n\\explain 1\n")
        .home(&home)
        .run();
    repl.stderr_has("the last \\slow list has no entry 1");
    let listed = repl.stdout.find("select chain_marker()");
    let planned = repl.stdout.find("Result");
    assert!(
        matches!((listed, planned), (Some(l), Some(p)) if l < p),
        "listed, then its plan:\n{repl}"
    );
}
