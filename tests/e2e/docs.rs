//! `glance docs` and `\docs`: Markdown pages and schema.json written from a
//! real catalog, byte-identical on a second run, hostile names escaped,
//! comment coverage, SQLite, and the errors.

use std::collections::BTreeMap;
use std::path::Path;

use crate::harness::{self, TestDb, glance};

fn fixture() -> TestDb {
    let db = harness::db("docs");
    db.execute(
        r#"create schema shop;
         create schema audit;
         comment on schema shop is 'The shop';
         create table shop.customers (id int primary key, email varchar(320) not null unique);
         comment on table shop.customers is 'People who buy';
         comment on column shop.customers.email is 'Login address';
         create table shop.notes (id int primary key, body text default 'a|`b`<i>x</i>');
         create table shop.orders (
             id int primary key,
             customer_id int not null references shop.customers,
             note_id int references shop.notes,
             qty int not null default 1 constraint qty_positive check (qty > 0));
         comment on table shop.orders is 'One | per purchase';
         create table shop.profiles (customer_id int unique references shop.customers, bio text);
         create view shop.order_totals as select customer_id, sum(qty) as qty from shop.orders group by 1;
         comment on view shop.order_totals is 'Totals';
         create function shop.touch() returns trigger language plpgsql as 'begin return new; end';
         create trigger orders_touch before insert or update on shop.orders
             for each row execute function shop.touch();
         create table audit.log (at timestamptz, "who`s | <b>name</b>" text);
         create table audit."we|ird ""quoted"" naïve" (id int primary key);
         comment on column audit."we|ird ""quoted"" naïve".id is 'line one
# line two';
         analyze;"#,
    );
    db
}

/// Every file under `dir` with its bytes.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn markdown_pages_hold_what_the_catalog_says_and_runs_are_identical() {
    let db = fixture();
    let scratch = harness::scratch_dir("docs");
    let (one, two) = (scratch.join("one"), scratch.join("two/nested"));
    for dir in [&one, &two] {
        glance()
            .args(["docs", "-d", db.url(), "-o"])
            .arg(dir.as_os_str())
            .run()
            .success()
            .stderr_has("glance: wrote 8 files to");
    }
    let files = tree(&one);
    assert_eq!(files, tree(&two), "two runs differ");
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "audit.log.md",
            "audit.we%7Cird%20%22quoted%22%20naïve.md",
            "index.md",
            "shop.customers.md",
            "shop.notes.md",
            "shop.order_totals.md",
            "shop.orders.md",
            "shop.profiles.md",
        ]
    );

    let index = read(&one, "index.md");
    assert!(index.starts_with(&format!("# {}\n", db.name())), "{index}");
    for line in [
        "| shop | The shop |",
        "| [shop.orders](shop.orders.md) | table | 0 | One \\| per purchase |",
        "| [shop.order_totals](shop.order_totals.md) | view |  | Totals |",
        "| [audit.we\\|ird \"quoted\" naïve](audit.we%257Cird%2520%2522quoted%2522%2520naïve.md) | table | 0 |  |",
        "  shop__orders }|--|| shop__customers : \"customer_id\"",
        "  shop__orders }o--|| shop__notes : \"note_id\"",
        "  shop__profiles |o--|| shop__customers : \"customer_id\"",
        "  audit__we_ird__quoted__na_ve[\"audit.we#124;ird #34;quoted#34; naïve\"] {",
    ] {
        assert!(index.contains(line), "{line:?} missing:\n{index}");
    }

    let orders = read(&one, "shop.orders.md");
    let comment = db
        .query_scalar("select obj_description('shop.orders'::regclass, 'pg_class')")
        .unwrap();
    assert_eq!(comment, "One | per purchase");
    for line in [
        "# shop.orders\n\nTable in [",
        "\nOne \\| per purchase\n",
        "| qty | `integer` | no | `1` |  |",
        "| orders_pkey | primary key | id |",
        "| orders_customer_id_fkey | customer_id | [shop.customers](shop.customers.md) (id) |  |  |",
        "| qty_positive | `CHECK (qty > 0)` |",
        "| orders_touch | BEFORE | INSERT OR UPDATE | row | `shop.touch()` |",
        "| orders_pkey | `CREATE UNIQUE INDEX orders_pkey ON shop.orders USING btree (id)` |",
        "## Diagram",
    ] {
        assert!(orders.contains(line), "{line:?} missing:\n{orders}");
    }
    let notes = read(&one, "shop.notes.md");
    assert!(
        notes.contains("| body | `text` | yes | 'a\\|\\`b\\`\\<i\\>x\\</i\\>'::text |  |"),
        "a default with a pipe is escaped, not a code span:\n{notes}"
    );
    let customers = read(&one, "shop.customers.md");
    for line in [
        "| email | `character varying(320)` | no |  | Login address |",
        "    varchar email UK\n",
        "| [shop.orders](shop.orders.md) | orders_customer_id_fkey | customer_id | id |",
        "| customers_email_key | unique | email |",
    ] {
        assert!(customers.contains(line), "{line:?} missing:\n{customers}");
    }
    assert!(
        customers.contains("shop__profiles") && !customers.contains("shop__notes"),
        "the diagram shows direct neighbours only:\n{customers}"
    );
    let view = read(&one, "shop.order_totals.md");
    assert!(
        view.contains("## Definition\n\n```sql\nSELECT orders.customer_id,"),
        "{view}"
    );
    let hostile = read(&one, "audit.log.md");
    assert!(
        hostile.contains("| who\\`s \\| \\<b\\>name\\</b\\> | `text` | yes |"),
        "{hostile}"
    );
    let weird = read(&one, "audit.we%7Cird%20%22quoted%22%20naïve.md");
    assert!(
        weird.contains("| id | `integer` | no |  | line one<br># line two |"),
        "{weird}"
    );
}

#[test]
fn writing_replaces_only_glances_files() {
    let db = fixture();
    let dir = harness::scratch_dir("docs-own");
    std::fs::write(dir.join("README.md"), "mine").unwrap();
    std::fs::write(dir.join("index.md"), "stale").unwrap();
    glance()
        .args(["docs", "-d", db.url(), "-o"])
        .arg(dir.as_os_str())
        .run()
        .success();
    assert_eq!(read(&dir, "README.md"), "mine");
    assert!(read(&dir, "index.md").contains("## Tables and views"));

    let file = dir.join("README.md");
    glance()
        .args(["docs", "-d", db.url(), "-o"])
        .arg(file.as_os_str())
        .run()
        .code(2)
        .stderr_has("is a file, not a directory")
        .stderr_has("-o DIR");
    glance()
        .args(["docs", "-d", db.url(), "--format", "csv", "-o"])
        .arg(dir.as_os_str())
        .run()
        .code(2)
        .stderr_has("glance docs writes Markdown or JSON, not csv");
}

#[test]
fn json_has_one_document_with_a_stable_shape() {
    let db = fixture();
    let dir = harness::scratch_dir("docs-json");
    for _ in 0..2 {
        glance()
            .args(["docs", "-d", db.url(), "--format", "json", "-o"])
            .arg(dir.as_os_str())
            .run()
            .success();
    }
    let names: Vec<String> = tree(&dir).into_keys().collect();
    assert_eq!(names, ["schema.json"]);
    let doc: serde_json::Value = serde_json::from_str(&read(&dir, "schema.json")).unwrap();
    assert_eq!(doc["database"], db.name());
    let orders = doc["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["schema"] == "shop" && r["name"] == "orders")
        .expect("shop.orders");
    assert_eq!(orders["kind"], "table");
    assert_eq!(orders["comment"], "One | per purchase");
    assert_eq!(orders["checks"][0]["definition"], "CHECK (qty > 0)");
    assert_eq!(orders["triggers"][0]["runs"], "shop.touch()");
    assert_eq!(
        orders["foreign_keys"][0]["references"]["table"],
        "customers"
    );
    assert_eq!(orders["columns"][3]["default"], "1");
    assert_eq!(orders["primary_key"]["columns"][0], "id");
}

#[test]
fn coverage_counts_comments_per_schema() {
    let db = fixture();
    let out = glance()
        .args(["docs", "--coverage", "-d", db.url(), "--format", "json"])
        .run();
    out.success();
    let json = out.json();
    let shop = &json["schemas"][1];
    assert_eq!(shop["schema"], "shop");
    // customers, orders, order_totals of 5; email of 12 columns.
    assert_eq!(
        (shop["tables"].as_u64(), shop["tables_commented"].as_u64()),
        (Some(5), Some(3))
    );
    assert_eq!(shop["tables_percent"], 60.0);
    assert_eq!(
        (shop["columns"].as_u64(), shop["columns_commented"].as_u64()),
        (Some(12), Some(1))
    );
    assert_eq!(json["total"]["columns"], 15);
    assert_eq!(json["total"]["columns_commented"], 2);
    glance()
        .args(["docs", "--coverage", "-d", db.url(), "--format", "csv"])
        .run()
        .success()
        .stdout_has("Schema,Tables,Commented,%,Columns,Commented,%\naudit,2,0,0.0,3,1,33.3\nshop,5,3,60.0,12,1,8.3\n(all),7,3,42.9,15,2,13.3\n");
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&json["total"]),
        keys(&json["schemas"][0])[1..],
        "the total has the schemas' keys in their order"
    );
    glance()
        .args(["docs", "--coverage", "-d", db.url(), "--format", "markdown"])
        .run()
        .success()
        .stdout_has("|---|--:|--:|--:|--:|--:|--:|\n| audit | 2 | 0 | 0.0 | 3 | 1 | 33.3 |");
    glance()
        .args(["docs", "--coverage", "-d", db.url()])
        .run()
        .success()
        .stdout_has(" shop   |      5 |         3 | 60.0 |      12 |         1 |  8.3\n");
}

#[test]
fn coverage_with_a_directory_is_written_there() {
    let db = fixture();
    let dir = harness::scratch_dir("docs-coverage").join("out");
    glance()
        .args(["docs", "--coverage", "-d", db.url(), "-o"])
        .arg(dir.as_os_str())
        .run()
        .success()
        .stderr_has("glance: wrote 1 file to");
    let names: Vec<String> = tree(&dir).into_keys().collect();
    assert_eq!(names, ["coverage.md"]);
    let text = read(&dir, "coverage.md");
    assert!(
        text.starts_with("# Comment coverage\n\n| Schema |"),
        "{text}"
    );
    assert!(
        text.contains("| shop | 5 | 3 | 60.0 | 12 | 1 | 8.3 |"),
        "{text}"
    );
    glance()
        .args([
            "docs",
            "--coverage",
            "--format",
            "json",
            "-d",
            db.url(),
            "-o",
        ])
        .arg(dir.as_os_str())
        .run()
        .success();
    let doc: serde_json::Value = serde_json::from_str(&read(&dir, "coverage.json")).unwrap();
    assert_eq!(doc["total"]["tables"], 7);
}

#[test]
fn partitioned_tables_show_their_key_and_partitions() {
    let db = harness::db("docs-part");
    db.execute(
        "create table events (at date not null, kind text) partition by range (at);
         create table events_2024 partition of events
             for values from ('2024-01-01') to ('2025-01-01');
         create table events_rest partition of events default;",
    );
    let dir = harness::scratch_dir("docs-part");
    glance()
        .args(["docs", "-d", db.url(), "-o"])
        .arg(dir.as_os_str())
        .run()
        .success();
    let events = read(&dir, "public.events.md");
    for line in [
        "\nPartition key: `RANGE (at)`\n",
        "## Partitions\n\n| Name | Bound |\n| --- | --- |\n\
         | [public.events_2024](public.events_2024.md) | `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')` |\n\
         | [public.events_rest](public.events_rest.md) | `DEFAULT` |\n",
    ] {
        assert!(events.contains(line), "{line:?} missing:\n{events}");
    }
    let part = read(&dir, "public.events_2024.md");
    assert!(
        part.contains("\nPartition of [public.events](public.events.md): `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`\n"),
        "{part}"
    );
    glance()
        .args(["docs", "--format", "json", "-d", db.url(), "-o"])
        .arg(dir.as_os_str())
        .run()
        .success();
    let doc: serde_json::Value = serde_json::from_str(&read(&dir, "schema.json")).unwrap();
    let events = &doc["relations"][0];
    assert_eq!(events["name"], "events");
    assert_eq!(events["partition_key"], "RANGE (at)");
    assert_eq!(events["partitions"][1]["name"], "events_rest");
    assert_eq!(events["partitions"][1]["bound"], "DEFAULT");
}

#[test]
fn sqlite_files_get_pages_with_triggers_and_views() {
    let dir = harness::scratch_dir("docs-sqlite");
    let path = dir.join("shop.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "create table customers (id integer primary key, -- the key
             name text not null);
         create table orders (id integer primary key, customer_id int references customers(id));
         create view names as select name from customers;
         create trigger stamp after insert on orders begin select 1; end;
         create table [Invoice] ([InvoiceId] integer not null, [CustomerId] int not null,
             constraint [PK_Invoice] primary key ([InvoiceId]),
             constraint [FK_InvoiceCustomerId] foreign key ([CustomerId]) references customers (id));",
    )
    .unwrap();
    drop(conn);
    let out_dir = dir.join("out");
    glance()
        .args(["docs", "-d"])
        .arg(path.as_os_str())
        .arg("-o")
        .arg(out_dir.as_os_str())
        .run()
        .success();
    let orders = read(&out_dir, "main.orders.md");
    assert!(
        orders.contains("| stamp | AFTER | insert | row | `begin select 1; end` |"),
        "{orders}"
    );
    assert!(
        orders.contains("main__orders }o--|| main__customers"),
        "{orders}"
    );
    assert!(
        orders.contains("| (unnamed) | customer_id | [main.customers](main.customers.md) (id) |"),
        "no invented name: {orders}"
    );
    let invoice = read(&out_dir, "main.Invoice.md");
    for line in [
        "| PK_Invoice | primary key | InvoiceId |",
        "| FK_InvoiceCustomerId | CustomerId | [main.customers](main.customers.md) (id) |",
    ] {
        assert!(invoice.contains(line), "{line:?} missing:\n{invoice}");
    }
    let index = read(&out_dir, "index.md");
    for line in [
        "| [main.orders](main.orders.md) | table | — |  |",
        "| [main.names](main.names.md) | view |  |  |",
        "\nRows are the database's estimates; — where it has none (SQLite keeps them only after `ANALYZE`).\n",
        "main__orders }o--|| main__customers : \"customer_id\"",
    ] {
        assert!(index.contains(line), "{line:?} missing:\n{index}");
    }
    let view = read(&out_dir, "main.names.md");
    assert!(
        view.contains("```sql\nselect name from customers\n```"),
        "{view}"
    );
    assert!(
        read(&out_dir, "main.customers.md").contains("| id | `INTEGER` | "),
        "page"
    );
}

#[test]
fn backslash_docs_writes_the_pages_from_the_repl() {
    let db = fixture();
    let dir = harness::scratch_dir("docs-repl").join("out");
    let out = glance()
        .args(["repl", "-d", db.url()])
        .stdin(format!("\\docs {}\n", dir.display()))
        .run();
    out.success().stdout_has("Wrote 8 files to");
    assert!(read(&dir, "shop.orders.md").contains("# shop.orders"));
}

#[test]
fn backslash_docs_takes_the_options_of_glance_docs() {
    let db = fixture();
    let home = harness::scratch_dir("docs-repl-options");
    let out = glance()
        .args(["repl", "-d", db.url()])
        .home(&home)
        .stdin(
            "\\docs --coverage\n\\docs -o pages\n\\docs --format json --output=json\n\
             \\docs --coverage -o cov\n\\docs --covrage\n\\docs -o\n",
        )
        .run();
    out.success()
        .stdout_has("Comment coverage")
        .stdout_has(" shop   |      5 |         3 | 60.0 |")
        .stdout_has("Wrote 8 files to pages.")
        .stdout_has("Wrote 1 file to json.")
        .stdout_has("Wrote 1 file to cov.")
        .stderr_has("\\docs: unknown option `--covrage`; use \\docs [-o DIR | DIR] [--coverage]")
        .stderr_has("\\docs: -o needs a directory");
    assert!(read(&home.join("pages"), "index.md").contains("## Tables and views"));
    assert!(read(&home.join("json"), "schema.json").contains("\"relations\""));
    assert!(read(&home.join("cov"), "coverage.md").contains("| shop | 5 |"));
    let dashed: Vec<String> = std::fs::read_dir(&home)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('-'))
        .collect();
    assert!(
        dashed.is_empty(),
        "directories named after options: {dashed:?}"
    );
}
