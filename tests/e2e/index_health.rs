//! `glance indexes health` and `\indexes health`: one seeded defect of each
//! kind, found with its fix; after the fixes run, nothing is found.

use crate::harness::{self, glance};

/// (kind, table, index) of every finding, and the fixes.
fn findings(json: &serde_json::Value) -> (Vec<(String, String, String)>, Vec<String>) {
    let found = json["findings"].as_array().expect("findings");
    let keys = found
        .iter()
        .map(|f| {
            (
                f["kind"].as_str().unwrap().to_string(),
                f["table"].as_str().unwrap().to_string(),
                f["index"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let fixes = found
        .iter()
        .map(|f| f["fix"].as_str().unwrap().to_string())
        .collect();
    (keys, fixes)
}

fn health(target: &str, format: &str) -> harness::Output {
    let out = glance()
        .args(["indexes", "health", "-d", target, "--format", format])
        .run();
    out.success();
    out
}

#[test]
fn each_postgres_finding_comes_with_a_fix_that_clears_it() {
    let db = harness::db("index_health");
    db.execute(
        "create schema unused_s;
         create table unused_s.events (id int primary key, kind int);
         insert into unused_s.events select g, g % 7 from generate_series(1, 12000) g;
         create index events_kind on unused_s.events (kind);
         analyze unused_s.events;
         create schema dup_s;
         create table dup_s.orders (id int primary key, customer_id int, day date);
         create index orders_customer on dup_s.orders (customer_id);
         create index orders_customer_day on dup_s.orders (customer_id, day);
         create unique index orders_id_again on dup_s.orders (id);
         create schema invalid_s;
         create table invalid_s.codes (code int);
         insert into invalid_s.codes values (1), (1);
         create schema fk_s;
         create table fk_s.customers (id int primary key);
         create table fk_s.orders (id int primary key, customer_id int references fk_s.customers);
         create table fk_s.paid (id int primary key, customer_id int references fk_s.customers);
         create index paid_customer on fk_s.paid (customer_id, id);",
    );
    // A concurrent unique build over duplicates fails and leaves the index invalid.
    assert!(
        db.client()
            .batch_execute("create unique index concurrently codes_code on invalid_s.codes (code)")
            .is_err()
    );

    let out = health(db.url(), "json");
    let (mut keys, fixes) = findings(&out.json());
    keys.sort();
    let key = |kind: &str, table: &str, index: &str| (kind.into(), table.into(), index.into());
    assert_eq!(
        keys,
        vec![
            key("duplicate", "dup_s.orders", "dup_s.orders_customer"),
            key("duplicate", "dup_s.orders", "dup_s.orders_id_again"),
            key("invalid", "invalid_s.codes", "invalid_s.codes_code"),
            key("unindexed_foreign_key", "fk_s.orders", ""),
            key("unused", "unused_s.events", "unused_s.events_kind"),
        ],
        "{out}"
    );
    for expected in [
        "DROP INDEX CONCURRENTLY dup_s.orders_customer;",
        "DROP INDEX CONCURRENTLY unused_s.events_kind;",
        "REINDEX INDEX CONCURRENTLY invalid_s.codes_code;",
        "CREATE INDEX CONCURRENTLY ON fk_s.orders (customer_id);",
    ] {
        assert!(fixes.iter().any(|fix| fix == expected), "{expected}\n{out}");
    }

    let text = health(db.url(), "table");
    text.stdout_has("invalid index: invalid_s.codes_code on invalid_s.codes (code)")
        .stdout_has("foreign key without an index: fk_s.orders (customer_id)")
        .stdout_has("  fix: DROP INDEX CONCURRENTLY unused_s.events_kind;");
    let repl = glance()
        .args(["repl", "-d", db.url()])
        .stdin("\\indexes health\n")
        .run();
    repl.success();
    repl.stdout_has("duplicate index: dup_s.orders_customer on dup_s.orders (customer_id)");

    // The invalid index's cause goes first; then each fix, one at a time
    // (CONCURRENTLY runs outside a transaction).
    db.execute("delete from invalid_s.codes where ctid = (select max(ctid) from invalid_s.codes)");
    for fix in &fixes {
        db.execute(fix);
    }
    let after = health(db.url(), "json");
    assert_eq!(after.json()["findings"], serde_json::json!([]), "{after}");
    health(db.url(), "table").stdout_has("Found no unused indexes, duplicate indexes, invalid indexes or foreign keys without an index.");
}

#[test]
fn sqlite_finds_duplicates_and_unindexed_foreign_keys() {
    let path = harness::scratch_dir("index_health_sqlite").join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table customers (id integer primary key);
         create table orders (id integer primary key, customer_id int references customers(id), day text);
         create table paid (id integer primary key, customer_id int references customers(id));
         create index paid_customer on paid (customer_id);
         create index orders_day on orders (day);
         create index orders_day_customer on orders (day, customer_id);",
    )
    .expect("seed sqlite file");
    let target = path.to_str().unwrap();

    let out = health(target, "json");
    let (keys, fixes) = findings(&out.json());
    assert_eq!(
        keys,
        vec![
            ("duplicate".into(), "orders".into(), "orders_day".into()),
            (
                "unindexed_foreign_key".into(),
                "orders".into(),
                String::new()
            ),
        ],
        "{out}"
    );
    assert_eq!(
        fixes,
        [
            "DROP INDEX orders_day;",
            "CREATE INDEX orders_customer_id_idx ON orders (customer_id);"
        ]
    );
    for fix in &fixes {
        conn.execute_batch(fix).expect("the fix runs");
    }
    assert_eq!(
        health(target, "json").json()["findings"],
        serde_json::json!([])
    );
}
