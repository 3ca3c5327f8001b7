//! The MySQL/MariaDB catalog through the real binary against the throwaway
//! MariaDB: the `\d` family, the server listings, `glance docs`, `\explain`,
//! and the schema text a fake model receives.

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{Output, glance};
use crate::mariadb_server::{TestMariaDb, mariadb};

/// A shop with enums, a set, generated and auto-increment columns,
/// composite and unique keys, foreign keys, comments, a view, a stored
/// function and procedure, a trigger and check constraints.
fn shop(hint: &str) -> TestMariaDb {
    let db = mariadb().create_db(hint);
    db.execute(
        "CREATE TABLE customers (
           id int unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
           email varchar(200) NOT NULL COMMENT 'login address',
           tier enum('free','pro','enterprise') NOT NULL DEFAULT 'free',
           flags set('beta','vip') DEFAULT NULL,
           UNIQUE KEY customers_email (email)
         ) COMMENT='people who buy';
         CREATE TABLE orders (
           id bigint NOT NULL AUTO_INCREMENT PRIMARY KEY,
           customer_id int unsigned NOT NULL,
           region char(2) NOT NULL,
           status enum('new','paid','it''s shipped') NOT NULL DEFAULT 'new',
           amount decimal(10,2) NOT NULL,
           tax decimal(10,2) AS (amount * 0.2) STORED,
           note text,
           UNIQUE KEY orders_region_id (region, id),
           KEY orders_customer (customer_id, status),
           FULLTEXT KEY orders_note (note),
           CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id)
             REFERENCES customers (id) ON DELETE CASCADE,
           CONSTRAINT amount_small CHECK (amount < 1000000)
         ) COMMENT='what was bought';
         CREATE TABLE `order items` (
           order_id bigint NOT NULL,
           line int NOT NULL,
           PRIMARY KEY (order_id, line),
           FOREIGN KEY (order_id) REFERENCES orders (id)
         );
         CREATE VIEW paid_orders AS SELECT id, amount FROM orders WHERE status = 'paid';
         CREATE FUNCTION net(a decimal(10,2)) RETURNS decimal(10,2) DETERMINISTIC NO SQL
           RETURN a * 0.8;
         CREATE PROCEDURE touch_order(IN oid bigint) MODIFIES SQL DATA
           UPDATE orders SET note = 'x' WHERE id = oid;
         CREATE TRIGGER orders_audit BEFORE UPDATE ON orders FOR EACH ROW
           SET NEW.note = 'changed';
         INSERT INTO customers (email, tier) VALUES ('a@x', 'free'), ('b@x', 'pro');
         INSERT INTO orders (customer_id, region, status, amount)
           VALUES (1, 'EU', 'paid', 10), (2, 'US', 'new', 20);",
    );
    db
}

/// Pipes `commands` (one per line) into `glance repl`.
fn repl(db: &TestMariaDb, commands: &str) -> Output {
    let out = glance()
        .args(["repl", "-d", &db.url()])
        .stdin(format!("{commands}\n"))
        .run();
    out.success();
    out
}

#[test]
fn mysql_backslash_dt_dv_and_di_list_the_database_objects() {
    let db = shop("mycat_lists");
    let out = repl(&db, "\\dt\n\\dv\n\\di+");
    for name in ["customers", "orders", "order items", "paid_orders"] {
        out.stdout_has(name);
    }
    out.stdout_has("List of relations")
        .stdout_has("| view")
        .stdout_has("List of indexes")
        .stdout_has("KEY orders_customer USING btree (customer_id, status)")
        .stdout_has("FULLTEXT KEY orders_note (note)");
    for system in [
        "information_schema",
        "performance_schema",
        "mysql |",
        "sys |",
    ] {
        out.never_shows(system);
    }
    repl(&db, "\\dt+")
        .stdout_has("people who buy")
        .stdout_has("Size");
}

#[test]
fn mysql_backslash_d_name_shows_types_keys_references_triggers_and_checks() {
    let db = shop("mycat_d");
    let out = repl(&db, "\\d orders");
    out.stdout_has(&format!("Table \"{}.orders\"", db.name()))
        .stdout_has("enum('new','paid','it''s shipped')")
        .stdout_has("auto_increment")
        .stdout_has("generated always as (`amount` * 0.2) stored")
        .stdout_has("\"PRIMARY\" PRIMARY KEY, btree (id)")
        .stdout_has("\"orders_region_id\" UNIQUE CONSTRAINT, btree (region, id)")
        .stdout_has("\"orders_note\" fulltext (note)")
        .stdout_has(
            "\"orders_customer_fk\" FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE",
        )
        .stdout_has("TABLE \"order items\" CONSTRAINT")
        .stdout_has("\"amount_small\" CHECK (`amount` < 1000000)")
        .stdout_has("Triggers:")
        .stdout_has("orders_audit BEFORE UPDATE ON orders FOR EACH ROW")
        .stdout_has("what was bought");
    let verbose = repl(&db, "\\d+ customers\n\\d+ paid_orders\n\\d `order items`");
    verbose
        .stdout_has("set('beta','vip')")
        .stdout_has("login address")
        .stdout_has("View definition:")
        .stdout_has("'paid'")
        .stdout_has(&format!("Table \"{}.order items\"", db.name()));
}

#[test]
fn mysql_server_listings_read_information_schema_or_say_why_not() {
    let db = shop("mycat_server");
    let out = repl(&db, "\\df\n\\dd\n\\l\n\\dT\n\\dx");
    out.stdout_has("net")
        .stdout_has("touch_order")
        .stdout_has("| proc")
        .stdout_has("customers.email")
        .stdout_has("List of databases")
        .stdout_has(db.name())
        .stderr_has("MySQL and MariaDB have no user-defined types")
        .stderr_has("SHOW PLUGINS");
}

#[test]
fn mysql_docs_write_markdown_mermaid_and_json() {
    let db = shop("mycat_docs");
    let dir = crate::harness::scratch_dir("mycat_docs");
    glance()
        .args(["docs", "-d", &db.url(), "-o"])
        .arg(&dir)
        .run()
        .success();
    let page = std::fs::read_to_string(dir.join(format!("{}.orders.md", db.name())))
        .expect("a page for orders");
    for expected in [
        "enum('new','paid','it''s shipped')",
        "amount_small",
        "orders_audit",
        "```mermaid",
        "orders_customer_fk",
    ] {
        assert!(page.contains(expected), "{expected} missing:\n{page}");
    }
    let json_dir = dir.join("json");
    glance()
        .args(["docs", "--format", "json", "-d", &db.url(), "-o"])
        .arg(&json_dir)
        .run()
        .success();
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(json_dir.join("schema.json")).expect("schema.json"),
    )
    .expect("JSON");
    let relations = doc["relations"].as_array().expect("relations");
    assert!(
        relations
            .iter()
            .any(|r| r["name"] == "paid_orders" && r["kind"] == "view"),
        "{doc}"
    );
}

#[test]
fn mysql_explain_draws_the_plan_and_refuses_analyze_with_a_reason() {
    let db = shop("mycat_explain");
    glance()
        .args([
            "explain",
            "-d",
            &db.url(),
            "select status, count(*) from orders group by status order by 2",
        ])
        .run()
        .success()
        .stdout_has("Select #1 (SIMPLE)")
        .stdout_has("-> orders: ");
    let refused = glance()
        .args(["explain", "--analyze", "-d", &db.url(), "select 1"])
        .run();
    refused.stderr_has("executes the statement");
    assert_ne!(refused.code, Some(0), "{refused}");
}

#[test]
fn mysql_schema_text_sent_to_the_model_holds_enum_labels_and_the_server() {
    let db = shop("mycat_prompt");
    let fake = FakeLlm::openai(vec![Reply::sql(
        "select o.status, count(i.line) as n from orders o left join `order items` i on i.order_id = o.id group by o.status order by o.status",
    )]);
    let mut cmd = glance().args(["ask", "-d", &db.url(), "orders by status?"]);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd.run().success().stdout_has("paid");
    let requests = fake.requests();
    let system = requests[0].body["messages"][0]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for expected in [
        "The database is MariaDB 1",
        "Write SQL for MariaDB only",
        "enum('new','paid','it''s shipped')",
        "set('beta','vip')",
        "`order items`",
        "backticks",
        "people who buy",
    ] {
        assert!(
            system.contains(expected),
            "the prompt lacks {expected:?}:\n{system}"
        );
    }
    assert!(!system.contains("MySQL MariaDB"), "{system}");
    assert!(!system.contains("\"order items\""), "{system}");
}

#[test]
fn mysql_check_and_index_health_say_why_not_and_slow_lists_history() {
    let db = shop("mycat_analysis");
    let check = glance().args(["check", "-d", &db.url(), "orders"]).run();
    check.stderr_has("not yet in MySQL's; nothing was checked");
    assert_ne!(check.code, Some(0), "{check}");
    repl(&db, "\\indexes health\n\\slow")
        .stderr_has("index health reads PostgreSQL's and SQLite's catalogs")
        .never_shows("pg_stat_statements");
}

#[test]
fn mysql_share_samples_adds_category_values_and_nothing_private() {
    let db = shop("mycat_samples");
    db.execute(
        "CREATE TABLE tickets (id int PRIMARY KEY AUTO_INCREMENT, state varchar(10) NOT NULL,
                               password varchar(20) NOT NULL, subject varchar(40) NOT NULL);
         INSERT INTO tickets (state, password, subject)
           VALUES ('open', 'hunter2', 's1'), ('closed', 'hunter2', 's2'), ('waiting', 'hunter2', 's3');
         INSERT INTO tickets (state, password, subject)
           SELECT t.state, t.password, CONCAT(t.subject, a.id, b.id)
           FROM tickets t, tickets a, tickets b;
         INSERT INTO tickets (state, password, subject)
           SELECT t.state, t.password, CONCAT(t.subject, 'x', a.id)
           FROM tickets t, (SELECT id FROM tickets LIMIT 3) a;
         ANALYZE TABLE tickets;",
    );
    let fake = FakeLlm::openai(vec![]);
    // The system text `--show-prompt` prints, with `extra` flags.
    let system = |extra: &[&str]| -> String {
        let out = fake
            .on(glance())
            .args(["ask", "--show-prompt", "--format", "json", "-d", &db.url()])
            .args(extra.iter().copied())
            .arg("how many tickets are open?")
            .run();
        out.success();
        out.json()["system"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_default()
    };
    crate::agent::shares_only_categories(&system(&["--share-samples"]), "'s1");
    assert!(
        !system(&[]).contains("'open'"),
        "without the flag no values are sent"
    );
}

#[test]
fn mysql_describe_writes_no_comment_sql_and_says_why() {
    let db = shop("mycat_describe");
    let fake = FakeLlm::openai(vec![]);
    for args in [
        &["--allow-write"][..],
        &["--export", "sql"][..],
        &["-o", "comments.sql"][..],
    ] {
        fake.on(glance())
            .args(["describe", "orders", "-d", &db.url()])
            .args(args.iter().copied())
            .run()
            .code(2)
            .stderr_has("MySQL and MariaDB have no COMMENT ON")
            .stderr_has("MODIFY COLUMN")
            .stderr_has("--export tbls");
    }
    assert!(fake.requests().is_empty(), "refused before asking");
}
