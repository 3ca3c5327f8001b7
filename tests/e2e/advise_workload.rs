//! `glance indexes advise --workload` and `\indexes advise --workload`:
//! index advice for the top of pg_stat_statements, greedy over every
//! statement's candidates with hypopg, from statistics without it; nothing
//! is created unless the REPL is told yes, and no hypothetical index
//! outlives the command.

use crate::harness::{self, TestDb, glance};

const BY_CUSTOMER: &str = "select * from orders where customer_id = $1";
const BY_STATUS: &str = "select count(*) from orders where status = $1";
const DELETE: &str = "delete from orders where customer_id = $1";
const INSERT: &str = "insert into tallies select count(*) from orders where status = $1";

/// 200,000 orders with no index but the key, 10 per customer and a
/// three-value status, and a workload over them: each statement called 60
/// times, every call a sequential scan of several milliseconds. The
/// DELETE finds nothing to delete; the INSERT is no statement advice reads.
fn workload(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create extension pg_stat_statements;
         create table orders (id int primary key, customer_id int, status text, note text);
         create table tallies (n bigint);
         insert into orders
           select g, g / 10, (array['new', 'paid', 'shipped'])[g % 3 + 1], repeat('x', 100)
           from generate_series(0, 199999) g;
         analyze orders;",
    );
    let mut client = db.client();
    for i in 0..60 {
        client.query(BY_CUSTOMER, &[&(i * 7)]).expect("by customer");
        client.query(BY_STATUS, &[&"new"]).expect("by status");
        client.execute(DELETE, &[&-i]).expect("delete");
        client.execute(INSERT, &[&"paid"]).expect("insert");
    }
    let slowest = db
        .query_scalar(&format!(
            "select count(*) = 4 and min(mean_exec_time) >= 5 from pg_stat_statements \
             where query in ('{BY_CUSTOMER}', '{BY_STATUS}', '{DELETE}', '{INSERT}') \
               and calls = 60"
        ))
        .expect("the workload is in pg_stat_statements");
    assert_eq!(slowest, "t", "each call takes 5 ms or more");
    db
}

fn index_count(db: &TestDb) -> String {
    db.query_scalar("select count(*) from pg_indexes where schemaname = 'public'")
        .unwrap()
}

/// The workload number of `query` in a JSON report.
fn number_of(json: &serde_json::Value, query: &str) -> serde_json::Value {
    json["workload"]
        .as_array()
        .expect("workload")
        .iter()
        .find(|s| s["query"] == query)
        .unwrap_or_else(|| panic!("{query} is not in the workload: {json}"))["n"]
        .clone()
}

#[test]
fn the_workload_gets_the_selective_index_verified_and_nothing_is_left_behind() {
    let db = workload("advise_workload");
    let indexes = index_count(&db);

    // Without hypopg: from statistics, marked unverified.
    let out = glance()
        .args(["indexes", "advise", "--workload", "-d", db.url()])
        .run();
    out.success()
        .stdout_has("CREATE EXTENSION hypopg;")
        .stdout_has("Unverified suggestion: index on public.orders (customer_id)")
        .stdout_has(BY_CUSTOMER)
        .stdout_has("): index advice reads a SELECT, UPDATE or DELETE only.")
        .never_shows("(status)");

    db.execute("create extension hypopg");
    let out = glance()
        .args([
            "indexes",
            "advise",
            "--workload",
            "-d",
            db.url(),
            "--format",
            "json",
        ])
        .run();
    out.success();
    let json = out.json();
    assert_eq!(json["hypopg"], true, "{json}");
    let helped = serde_json::json!([number_of(&json, BY_CUSTOMER), number_of(&json, DELETE)]);
    number_of(&json, BY_STATUS);
    let insert = json["workload"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["query"] != INSERT);
    assert!(insert, "the INSERT is skipped: {json}");
    let notes = json["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{json}");
    let note = notes[0].as_str().unwrap();
    assert!(
        note.starts_with("Skipped 1 statement (")
            && note.ends_with("): index advice reads a SELECT, UPDATE or DELETE only."),
        "{note}"
    );
    let suggestions = json["suggestions"].as_array().expect("suggestions");
    assert_eq!(suggestions.len(), 1, "{json}");
    let s = &suggestions[0];
    assert_eq!(s["columns"], serde_json::json!(["customer_id"]), "{json}");
    assert_eq!(
        s["create"],
        "CREATE INDEX CONCURRENTLY ON public.orders (customer_id);"
    );
    assert_eq!(s["verified"], true);
    let mut statements = s["statements"].as_array().expect("statements").clone();
    statements.sort_by_key(|n| n.as_u64());
    let mut helped = helped.as_array().unwrap().clone();
    helped.sort_by_key(|n| n.as_u64());
    assert_eq!(statements, helped, "the select and the delete: {json}");
    assert!(s["size_bytes"].as_i64().expect("size") > 0, "{json}");
    let (before, after) = (
        s["cost_before"].as_f64().expect("cost before"),
        s["cost_after"].as_f64().expect("cost after"),
    );
    assert!(after < before / 2.0, "{json}");
    let total_before = json["weighted_cost_before"].as_f64().expect("before");
    let total_after = json["weighted_cost_after"].as_f64().expect("after");
    assert!(total_after < total_before, "{json}");
    assert_eq!(index_count(&db), indexes, "no index was created");

    let out = glance()
        .args(["indexes", "advise", "--workload", "-d", db.url()])
        .run();
    out.success()
        .stdout_has("Workload: the top of pg_stat_statements (at least 50 calls of 5 ms on average), by total time:")
        .stdout_has("Suggested index on public.orders (customer_id), about ")
        .stdout_has("  CREATE INDEX CONCURRENTLY ON public.orders (customer_id);\n")
        .stdout_has(&format!("  {BY_CUSTOMER}  60 calls, cost "))
        .stdout_has(&format!("  {DELETE}  60 calls, cost "))
        .stdout_has("Workload cost (calls × cost): ");

    // In the REPL: a no creates nothing, and no hypothetical index is left
    // in the session.
    let mut repl = harness::pty(["repl", "--no-history", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\indexes advise --workload");
    repl.expect("create the index on public.orders (customer_id)? [y/N]");
    repl.send_line("n");
    repl.expect("Not created.");
    repl.expect_prompt();
    repl.send_line("\\sql select 'left=' || count(*) from hypopg_list_indexes");
    repl.expect("left=0");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
    assert_eq!(index_count(&db), indexes, "no index was created");
}

#[test]
fn without_pg_stat_statements_or_on_sqlite_the_workload_is_refused_with_how() {
    let db = harness::db("advise_workload_none");
    let out = glance()
        .args(["indexes", "advise", "--workload", "-d", db.url()])
        .run();
    out.code(1)
        .stderr_has("CREATE EXTENSION pg_stat_statements;");
    assert!(out.stdout.is_empty(), "{out}");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin("\\indexes advise --workload\n\\indexes advise+ --workload\n\\sql select 'still here'\n")
        .run();
    out.stderr_has("CREATE EXTENSION pg_stat_statements;")
        .stderr_has("shows no plans: drop the +")
        .stdout_has("still here");

    let dir = harness::scratch_dir("advise_workload_sqlite");
    let path = dir.join("shop.db");
    rusqlite::Connection::open(&path)
        .expect("create sqlite file")
        .execute_batch("create table t (a int)")
        .expect("seed sqlite file");
    let out = glance()
        .args([
            "indexes",
            "advise",
            "--workload",
            "-d",
            path.to_str().unwrap(),
        ])
        .run();
    out.code(2)
        .stderr_has("reads PostgreSQL's pg_stat_statements, which SQLite does not have");

    let out = glance()
        .args(["indexes", "advise", "--workload", "--plans", "-d", db.url()])
        .run();
    out.code(2).stderr_has("--plans");
}
