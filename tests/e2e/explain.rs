//! `\explain` and `glance explain`: plans drawn as trees, one query per
//! finding on PostgreSQL, the JSON document, EXPLAIN ANALYZE of a write
//! refused without consent and rolled back with it, and SQLite's query plan.

use serde_json::Value as Json;

use crate::harness::{self, Output, TestDb, glance};

/// A table of 20,000 rows, `v` cycling through 0–999, with fresh statistics.
pub fn big(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table big (id int primary key, v int not null);
         insert into big select g, g % 1000 from generate_series(1, 20000) g;
         analyze big;",
    );
    db
}

/// `glance explain ARGS` on `db`.
pub fn explain(db: &TestDb, args: &[&str]) -> Output {
    glance()
        .arg("explain")
        .args(args.iter().copied())
        .args(["-d", db.url()])
        .run()
}

/// The kinds of the findings of an `--analyze --format json` run of `sql`.
fn finding_kinds(db: &TestDb, sql: &str) -> Vec<String> {
    let out = explain(db, &["--analyze", "--format", "json", sql]);
    out.success();
    let document = out.json();
    document["findings"]
        .as_array()
        .unwrap_or_else(|| panic!("no findings array\n{out}"))
        .iter()
        .map(|finding| finding["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn assert_finds(db: &TestDb, sql: &str, kind: &str) {
    let kinds = finding_kinds(db, sql);
    assert!(
        kinds.iter().any(|k| k == kind),
        "expected a {kind} finding for {sql}, got {kinds:?}"
    );
}

#[test]
fn explain_of_a_read_draws_the_plan_as_a_tree() {
    let db = big("explain_tree");
    let out = explain(&db, &["select count(*) from big where v = 7"]);
    out.success()
        .stdout_has("Aggregate  rows 1  cost ")
        .stdout_has("  -> Seq Scan on big  rows 20");
}

#[test]
fn explain_analyze_json_has_the_sql_the_plan_and_findings() {
    let db = big("explain_json");
    let sql = "select count(*) from big where v = 7";
    let out = explain(&db, &["--analyze", "--format", "json", sql]);
    out.success();
    let document = out.json();
    assert_eq!(document["sql"], Json::from(sql), "{out}");
    assert_eq!(document["analyze"], Json::from(true), "{out}");
    assert_eq!(
        document["plan"][0]["Plan"]["Node Type"],
        Json::from("Aggregate"),
        "{out}"
    );
    assert!(document["plan"][0]["Execution Time"].is_number(), "{out}");
    for finding in document["findings"].as_array().expect("findings") {
        for key in ["kind", "node", "detail"] {
            assert!(finding[key].is_string(), "{key} in {finding}\n{out}");
        }
    }
    let text = explain(&db, &["--analyze", sql]);
    text.success()
        .stdout_has("rows 1 → 1  loops 1")
        .stdout_has("buffers hit=");
}

#[test]
fn a_filtered_sequential_scan_is_found() {
    let db = big("explain_seq_scan");
    assert_finds(&db, "select * from big where v = 7", "seq_scan");
}

#[test]
fn a_node_holding_most_of_the_time_is_found() {
    let db = big("explain_slow_node");
    assert_finds(
        &db,
        "select count(*) from big where md5(md5(md5(v::text))) like 'a%'",
        "slow_node",
    );
}

#[test]
fn a_row_misestimate_is_found() {
    let db = big("explain_misestimate");
    // The planner guesses 0.5% for an equality on an expression; every row matches.
    assert_finds(&db, "select * from big where v * 0 = 0", "misestimate");
}

#[test]
fn a_sort_spilling_to_disk_is_found() {
    let db = big("explain_spill");
    db.execute(&format!(
        "alter database {} set work_mem = '64kB'",
        db.name()
    ));
    assert_finds(&db, "select * from big order by v, id desc", "spill");
}

#[test]
fn a_nested_loop_with_many_inner_loops_is_found() {
    let db = big("explain_nested_loop");
    db.execute(&format!(
        "alter database {0} set enable_hashjoin = off; alter database {0} set enable_mergejoin = off",
        db.name()
    ));
    assert_finds(
        &db,
        "select count(*) from big a join big b on b.id = a.id where a.v < 100",
        "nested_loop",
    );
}

#[test]
fn heap_fetches_in_an_index_only_scan_are_found() {
    let db = harness::db("explain_heap_fetches");
    db.execute(&format!(
        "create table unvacuumed (id int primary key) with (autovacuum_enabled = off);
         insert into unvacuumed select generate_series(1, 20000);
         analyze unvacuumed;
         alter database {0} set enable_seqscan = off;
         alter database {0} set enable_bitmapscan = off",
        db.name()
    ));
    assert_finds(
        &db,
        "select id from unvacuumed where id < 5000",
        "heap_fetches",
    );
}

#[test]
fn jit_taking_much_of_a_short_run_is_found() {
    let db = big("explain_jit");
    db.execute(&format!(
        "alter database {0} set jit = on; alter database {0} set jit_above_cost = 0;
         alter database {0} set jit_optimize_above_cost = 0; alter database {0} set jit_inline_above_cost = 0",
        db.name()
    ));
    assert_finds(&db, "select sum(v) from big where id < 10", "jit");
}

fn items(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table items (id serial primary key, name text not null);
         insert into items (name) values ('pen'), ('ink'), ('pad');",
    );
    db
}

fn items_count(db: &TestDb) -> String {
    db.query_scalar("select count(*) from items")
        .unwrap_or_default()
}

#[test]
fn explain_of_a_write_without_analyze_plans_it_and_runs_nothing() {
    let db = items("explain_write_plain");
    let out = explain(&db, &["delete from items"]);
    out.success().stdout_has("Delete on items");
    assert_eq!(items_count(&db), "3", "{out}");
}

#[test]
fn explain_analyze_of_a_write_needs_consent_and_is_rolled_back() {
    let db = items("explain_write_analyze");
    let update = "update items set name = 'x' where id = 1";
    let out = explain(&db, &["--analyze", update]);
    out.code(3).stderr_has("--allow-write");
    let out = explain(&db, &["--analyze", "--allow-write", update]);
    out.success().stdout_has("Update on items  rows");
    let names = db.query_scalar("select string_agg(name, ',' order by id) from items");
    assert_eq!(names.as_deref(), Some("pen,ink,pad"), "rolled back\n{out}");

    // DELETE is destructive, and follows the destructive rules.
    let delete = "delete from items where id = 1";
    let out = explain(&db, &["--analyze", delete]);
    out.code(3).stderr_has("--allow-destructive");
    let out = explain(&db, &["--analyze", "--allow-write", delete]);
    out.code(3);
    assert_eq!(items_count(&db), "3", "{out}");
    let out = explain(&db, &["--analyze", "--allow-destructive", delete]);
    out.success().stdout_has("Delete on items  rows");
    assert_eq!(items_count(&db), "3", "rolled back\n{out}");
}

#[test]
fn a_read_only_profile_refuses_explain_analyze_of_a_write_but_plans_it() {
    let db = items("explain_read_only");
    let home = crate::advise::read_only_home(&db, "explain_read_only_home");
    let delete = "delete from items where id = 1";
    let out = glance()
        .home(&home)
        .args(["-p", "ro", "explain", "--analyze", "--yes", delete])
        .run();
    out.code(3).stderr_has("read-only");
    assert_eq!(items_count(&db), "3", "{out}");
    let out = glance()
        .home(&home)
        .args(["-p", "ro", "explain", delete])
        .run();
    out.success().stdout_has("Delete on items");
}

#[test]
fn backslash_explain_alone_explains_the_last_statement() {
    let db = items("explain_repl_last");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin("\\sql select count(*) from items;\n\\explain\n\\explain analyze delete from items where id = 2\n")
        .run();
    out.success()
        .stdout_has("Aggregate  rows 1  cost ")
        .stdout_has("  -> Seq Scan on items")
        .stderr_has("EXPLAIN ANALYZE executes this write");
    assert_eq!(items_count(&db), "3", "{out}");
}

#[test]
fn backslash_explain_analyze_asks_naming_what_a_rollback_leaves() {
    let db = items("explain_repl_confirm");
    let mut repl = harness::pty(["repl", "--no-history", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\explain analyze insert into items (name) values ('cap')");
    repl.expect("does not undo sequence values");
    repl.expect("Run it? [y/N]");
    repl.send_line("y");
    repl.expect("Insert on items");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
    assert_eq!(items_count(&db), "3");
    // The sequence advanced although the row was rolled back.
    assert_eq!(
        db.query_scalar("select last_value from items_id_seq")
            .as_deref(),
        Some("4")
    );
}

#[test]
fn sqlite_query_plans_are_trees_with_temp_btrees_and_full_scans_of_large_tables() {
    let path = harness::scratch_dir("explain_sqlite").join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table items (id integer primary key, name text, price real);
         insert into items values (1, 'pen', 1.5), (2, 'ink', null);
         create table events (id integer primary key, kind text);
         with recursive n(i) as (select 1 union all select i + 1 from n where i < 10001)
         insert into events select i, 'k' || (i % 7) from n;",
    )
    .expect("seed sqlite file");
    let sql = "select name from items where price > 1 order by name";
    let out = glance().args(["explain", sql, "-d"]).arg(&path).run();
    out.success()
        .stdout_has("SCAN items\n")
        .stdout_has("temp_btree: USE TEMP B-TREE FOR ORDER BY");
    assert!(!out.stdout.contains("full_scan"), "a small table: {out}");
    let out = glance()
        .args(["explain", "--format", "json", sql, "-d"])
        .arg(&path)
        .run();
    out.success();
    let document = out.json();
    assert_eq!(document["analyze"], Json::from(false), "{out}");
    assert_eq!(
        document["plan"][0]["detail"],
        Json::from("SCAN items"),
        "{out}"
    );
    assert_eq!(
        document["findings"][0]["kind"],
        Json::from("temp_btree"),
        "{out}"
    );
    // A large table, counted (no statistics), then estimated from sqlite_stat1.
    let large = "select * from events as e where kind = 'k3'";
    for analysed in [false, true] {
        if analysed {
            conn.execute_batch("analyze").expect("analyze");
        }
        glance()
            .args(["explain", large, "-d"])
            .arg(&path)
            .run()
            .success()
            .stdout_has("full_scan: SCAN e: reads every row of e (more than 10,000)");
    }
}
