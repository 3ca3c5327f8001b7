//! `glance check` and `\check`: one seeded defect per data-quality kind,
//! counted exactly, in JSON and as text, on PostgreSQL and SQLite; the
//! database is the same afterwards.

use serde_json::Value;

use crate::harness::{self, Output, TestDb, glance};

const SEED: &str = r#"
    create schema dq;
    create table dq.customers (id int primary key, email text, status text);
    insert into dq.customers values
        (1, 'a@x.org', 'active'), (2, 'a@x.org', 'Active'),
        (3, 'b@x.org', 'active '), (4, 'c@x.org', 'closed');
    create table dq.orders (
        id int primary key, customer_id int, total numeric, placed_on date, note text
    );
    insert into dq.orders values
        (1, 1, 10, '2024-01-01', 'x'), (2, 99, 20, '2999-01-01', null),
        (3, 99, -1, '1850-01-01', null), (4, 2, 5, '2024-02-02', 'y');
    alter table dq.orders add constraint orders_customer_fk
        foreign key (customer_id) references dq.customers (id) not valid;
    alter table dq.orders add constraint total_not_negative check (total >= 0) not valid;
    create table dq.payments (id int primary key, order_id int, amount numeric);
    insert into dq.payments values (1, 1, 10), (2, 500, -5);
"#;

fn seeded() -> TestDb {
    let db = harness::db("check");
    db.execute(SEED);
    db
}

/// `glance check -d TARGET ARGS…`.
fn check(target: &str, args: &[&str]) -> Output {
    glance()
        .args(["check", "-d", target])
        .args(args.iter().copied())
        .run()
}

/// The one check of `kind` on `table` over `columns`.
fn find<'a>(checks: &'a [Value], kind: &str, table: &str, columns: &[&str]) -> &'a Value {
    checks
        .iter()
        .find(|c| {
            c["kind"] == kind && c["table"] == table && c["columns"] == serde_json::json!(columns)
        })
        .unwrap_or_else(|| panic!("no {kind} check on {table} {columns:?} in {checks:#?}"))
}

#[test]
fn exact_check_counts_one_seeded_defect_per_kind_and_changes_nothing() {
    let db = seeded();
    let before = db.fingerprint();
    let out = check(db.url(), &["--all", "--exact", "--format", "json"]);
    out.success();
    let json = out.json();
    let checks = json["checks"].as_array().expect("checks array");
    for check in checks {
        for field in ["kind", "table", "columns", "count", "sample", "sql"] {
            assert!(check.get(field).is_some(), "{field} missing in {check}");
        }
        assert!(
            check["sql"].as_str().unwrap().starts_with("WITH q AS"),
            "{check}"
        );
        assert!(
            !check["sql"].as_str().unwrap().contains("TABLESAMPLE"),
            "{check}"
        );
    }
    let expect = |kind, table, columns: &[&str], count: i64, sample: &[&str]| {
        let check = find(checks, kind, table, columns);
        assert_eq!(check["count"], count, "{check}");
        assert_eq!(check["sample"], serde_json::json!(sample), "{check}");
    };
    expect("orphans", "dq.orders", &["customer_id"], 2, &["99"]);
    expect("orphans", "dq.payments", &["order_id"], 1, &["500"]);
    expect("nulls", "dq.orders", &["note"], 2, &[]);
    expect("duplicates", "dq.customers", &["email"], 1, &["a@x.org"]);
    expect(
        "check_violation",
        "dq.orders",
        &["total_not_negative"],
        1,
        &["(3,99,-1,1850-01-01,)"],
    );
    expect(
        "out_of_range",
        "dq.orders",
        &["placed_on"],
        2,
        &["1850-01-01", "2999-01-01"],
    );
    expect("out_of_range", "dq.orders", &["total"], 1, &["-1"]);
    expect("out_of_range", "dq.payments", &["amount"], 1, &["-5"]);
    let variants = find(checks, "variants", "dq.customers", &["status"]);
    assert_eq!(variants["count"], 1, "{variants}");
    let mut spellings: Vec<&str> = variants["sample"][0]
        .as_str()
        .unwrap()
        .split(" | ")
        .collect();
    spellings.sort_unstable();
    assert_eq!(
        spellings,
        ["\"Active\"", "\"active \"", "\"active\""],
        "{variants}"
    );
    expect("variants", "dq.orders", &["note"], 0, &[]);
    assert_eq!(json["sampled"], serde_json::json!([]));
    assert_eq!(json["skipped"], serde_json::json!([]));
    assert_eq!(db.fingerprint(), before, "the database changed");
}

#[test]
fn nulls_of_analysed_columns_are_estimated_from_pg_stats_unless_exact() {
    let db = seeded();
    db.execute("analyze dq.orders");
    for (exact, estimated) in [(false, true), (true, false)] {
        let mut args = vec!["dq.orders", "--format", "json"];
        if exact {
            args.push("--exact");
        }
        let out = check(db.url(), &args);
        out.success();
        let json = out.json();
        let nulls = find(
            json["checks"].as_array().unwrap(),
            "nulls",
            "dq.orders",
            &["note"],
        );
        assert_eq!(nulls["count"], 2, "{nulls}");
        assert_eq!(nulls["estimated"], estimated, "{nulls}");
        assert_eq!(
            nulls["sql"].as_str().unwrap().contains("pg_stats"),
            estimated,
            "{nulls}"
        );
    }
    check(db.url(), &["dq.orders"])
        .success()
        .stdout_has("~2")
        .stdout_has("pg_stats.null_frac");
}

#[test]
fn a_check_the_classifier_cannot_clear_is_left_out_and_named() {
    let db = seeded();
    db.execute(
        "create table dq.log (n int);
         create function dq.audited() returns boolean language plpgsql as
             $$ begin insert into dq.log values (1); return true; end $$;
         alter table dq.payments add constraint payments_audited check (dq.audited()) not valid;",
    );
    let out = check(db.url(), &["dq.payments", "--exact", "--format", "json"]);
    out.success();
    let json = out.json();
    let skipped = json["skipped"].as_array().expect("skipped array");
    assert_eq!(skipped.len(), 1, "{json:#}");
    assert_eq!(skipped[0]["kind"], "check_violation");
    assert_eq!(
        skipped[0]["columns"],
        serde_json::json!(["payments_audited"])
    );
    assert!(!skipped[0]["reason"].as_str().unwrap().is_empty());
    find(
        json["checks"].as_array().unwrap(),
        "orphans",
        "dq.payments",
        &["order_id"],
    );
    assert_eq!(
        db.query_scalar("select count(*) from dq.log").as_deref(),
        Some("0")
    );
    check(db.url(), &["dq.payments"])
        .success()
        .stdout_has("Not run: not rated read-only")
        .stdout_has("check_violation on dq.payments (payments_audited)");
}

#[test]
fn a_sample_is_named_in_the_output_and_in_the_sql() {
    let db = seeded();
    let out = check(db.url(), &["dq.payments", "--sample", "50", "--show-sql"]);
    out.success()
        .stdout_has("dq.payments: 50% TABLESAMPLE SYSTEM")
        .stdout_has("Found nothing:\n    dq.payments: ")
        .stdout_has("TABLESAMPLE SYSTEM (50)")
        .stdout_has("WITH q AS");
    assert!(!out.stdout.contains("dq.orders"), "{out}");
}

#[test]
fn check_needs_a_table_or_all() {
    let db = seeded();
    check(db.url(), &[]).code(2);
    check(db.url(), &["nosuch"])
        .code(1)
        .stderr_has("did not find a table named \"nosuch\"");
}

#[test]
fn repl_check_shows_findings_and_sql_with_plus() {
    let db = seeded();
    let out = glance()
        .args(["repl", "-d", db.url()])
        .stdin("\\check dq.customers\n\\check+ dq.payments\n\\check\n")
        .run();
    out.success()
        .stdout_has("duplicates")
        .stdout_has("a@x.org")
        .stdout_has("\"active \"")
        .stdout_has("NOT EXISTS (SELECT 1 FROM \"dq\".\"orders\" AS p")
        .stderr_has("name one table or --all");
}

#[test]
fn repl_check_honours_format_json() {
    let db = seeded();
    let out = glance()
        .args(["repl", "--format", "json", "-d", db.url()])
        .stdin("\\check dq.payments --exact\n")
        .run();
    out.success();
    let json = out.json();
    let orphans = find(
        json["checks"].as_array().unwrap(),
        "orphans",
        "dq.payments",
        &["order_id"],
    );
    assert_eq!(orphans["count"], 1, "{json:#}");
}

#[test]
fn sqlite_check_counts_orphans_duplicates_ranges_variants_and_nulls() {
    let path = harness::scratch_dir("check").join("dq.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "pragma foreign_keys = off;
         create table customers (id integer primary key, email text, status text);
         insert into customers values (1, 'a@x.org', 'open'), (2, 'a@x.org', 'Open'), (3, null, 'open');
         create table orders (id integer primary key, customer_id integer references customers(id),
                              price real, placed_on date);
         insert into orders values (1, 1, 5, '2024-01-01'), (2, 7, -2, '2999-01-01');",
    )
    .expect("seed sqlite file");
    drop(conn);
    let before = std::fs::read(&path).expect("read sqlite file");
    let target = path.to_str().expect("a UTF-8 path");
    for exact in [true, false] {
        let mut args = vec!["--all", "--format", "json"];
        if exact {
            args.push("--exact");
        }
        let out = check(target, &args);
        out.success();
        let json = out.json();
        let checks = json["checks"].as_array().expect("checks array");
        let count =
            |kind, table, columns: &[&str]| find(checks, kind, table, columns)["count"].clone();
        assert_eq!(count("orphans", "orders", &["customer_id"]), 1);
        assert_eq!(count("duplicates", "customers", &["email"]), 1);
        assert_eq!(count("nulls", "customers", &["email"]), 1);
        assert_eq!(count("out_of_range", "orders", &["price"]), 1);
        assert_eq!(count("out_of_range", "orders", &["placed_on"]), 1);
        assert_eq!(count("variants", "customers", &["status"]), 1);
        assert_eq!(out.stdout.contains("LIMIT 100000"), !exact, "{out}");
    }
    check(target, &["--all", "--sample", "5"])
        .code(1)
        .stderr_has("--sample needs PostgreSQL");
    assert_eq!(
        std::fs::read(&path).expect("read sqlite file"),
        before,
        "the file changed"
    );
}

/// A table whose every check holds, with a name that needs quoting.
const HOLDING: &str = r#"
    create table dq.items (
        id int primary key, order_id int references dq.orders (id),
        sku text, kind text, "note: -it's" text, price numeric
    );
    insert into dq.items values
        (1, 1, 'A1', 'pen', 'say "hi"', 1.5), (2, 4, 'B2', 'ink', 'say "hi"', 2);
"#;

/// (model, column, test) of each test in a file `--export dbt` wrote.
fn exported_tests(yaml: &str) -> Vec<(String, String, String)> {
    let (mut model, mut column) = (String::new(), String::new());
    let mut tests = Vec::new();
    for line in yaml.lines() {
        if let Some(name) = line.strip_prefix("  - name: ") {
            model = name.trim_matches('"').to_string();
        } else if let Some(name) = line.strip_prefix("      - name: ") {
            column = name.trim_matches('"').to_string();
        } else if let Some(test) = line.strip_prefix("          - ") {
            let test = test.trim_end_matches(':').to_string();
            tests.push((model.clone(), column.clone(), test));
        }
    }
    tests
}

#[test]
fn export_dbt_writes_exactly_the_checks_that_held() {
    let db = seeded();
    db.execute(HOLDING);
    let before = db.fingerprint();
    let out = check(db.url(), &["dq.items", "--exact", "--export", "dbt"]);
    out.success().stderr_has(
        "Exported 9 checks that held as dbt tests; left out 1: 1 with no dbt test (out_of_range",
    );
    assert_eq!(
        out.stdout,
        r#"version: 2

models:
  - name: "items"
    columns:
      - name: "order_id"
        data_tests:
          - relationships:
              arguments:
                to: "ref('orders')"
                field: "id"
          - not_null
      - name: "sku"
        data_tests:
          - not_null
          - unique
      - name: "kind"
        data_tests:
          - not_null
          - accepted_values:
              arguments:
                values: ["ink", "pen"]
      - name: "note: -it's"
        data_tests:
          - not_null
          - accepted_values:
              arguments:
                values: ["say \"hi\""]
      - name: "price"
        data_tests:
          - not_null
"#
    );

    // Every table: the tests are the checks that counted nothing.
    let json = check(db.url(), &["--all", "--exact", "--format", "json"]);
    json.success();
    let mut held: Vec<(String, String, String)> = json.json()["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["count"] == 0)
        .filter_map(|c| {
            let test = match c["kind"].as_str().unwrap() {
                "nulls" => "not_null",
                "duplicates" => "unique",
                "orphans" => "relationships",
                "variants" => "accepted_values",
                _ => return None,
            };
            let table = c["table"].as_str().unwrap().trim_start_matches("dq.");
            let column = c["columns"][0].as_str().unwrap();
            Some((table.to_string(), column.to_string(), test.to_string()))
        })
        .collect();
    held.sort();
    let file = harness::scratch_dir("check_dbt").join("schema.yml");
    let file_arg = file.to_str().expect("a UTF-8 path");
    let export = ["--all", "--exact", "--export", "dbt", "-o", file_arg];
    let out = check(db.url(), &export);
    out.success()
        .stderr_has("left out 10: 9 found something, 1 with no dbt test");
    assert_eq!(out.stdout, "", "the file has the YAML");
    let mut tests = exported_tests(&std::fs::read_to_string(&file).expect("read schema.yml"));
    tests.sort();
    assert_eq!(tests, held);
    // An existing file is never replaced.
    check(db.url(), &export)
        .code(1)
        .stderr_has("already exists");
    assert_eq!(db.fingerprint(), before, "the database changed");
}

#[test]
fn export_dbt_leaves_out_checks_of_a_sample() {
    let db = seeded();
    db.execute(HOLDING);
    check(db.url(), &["dq.items", "--sample", "50", "--export", "dbt"])
        .success()
        .stdout_has("models: []")
        .stderr_has(
            "Exported 0 checks that held as dbt tests; left out 10: 10 read a sample or an estimate",
        );
}

#[test]
fn repl_check_export_dbt_writes_a_file_and_replaces_it_only_with_bang() {
    let db = seeded();
    db.execute(HOLDING);
    let dir = harness::scratch_dir("check_dbt_repl");
    let file = dir.join("my schema.yml");
    std::fs::write(&file, "keep me").expect("write a file");
    let line = |bang: &str| {
        format!(
            "\\check dq.items --exact --export dbt {}{bang}\n",
            file.display()
        )
    };
    let out = glance()
        .args(["repl", "-d", db.url()])
        .stdin(line(""))
        .run();
    out.success().stderr_has("already exists");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");
    let out = glance()
        .args(["repl", "-d", db.url()])
        .stdin(line("!"))
        .run();
    out.success()
        .stdout_has("Wrote ")
        .stdout_has("Exported 9 checks that held as dbt tests; left out 1");
    let yaml = std::fs::read_to_string(&file).unwrap();
    assert!(yaml.starts_with("version: 2\n"), "{yaml}");
    assert_eq!(exported_tests(&yaml).len(), 9, "{yaml}");
}
