//! Schema discovery through the describe commands, run by piping commands
//! into `glance repl` (stdin not a terminal: commands are read line by line,
//! without prompts or paging, like `psql < file`).

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Output, TestDb, glance};

const SCHEMA: &str = r#"
    create schema sales;
    create type order_status as enum ('pending', 'shipped', 'cancelled');
    create table customers (
        id serial primary key,
        name text not null,
        email text unique
    );
    comment on table customers is 'People who buy things';
    create table orders (
        id serial primary key,
        customer_id int not null references customers(id),
        status order_status not null default 'pending',
        total numeric(10,2),
        placed_at timestamptz default now()
    );
    comment on table orders is 'One row per checkout';
    comment on column orders.total is 'Sum of line items in euros';
    create index orders_placed_at_idx on orders (placed_at);
    create table order_items (
        order_id int not null references orders(id),
        sku text not null,
        qty int not null default 1
    );
    create view recent_orders as
        select * from orders where placed_at > now() - interval '7 days';
    create materialized view order_counts as
        select customer_id, count(*) as n from orders group by customer_id;
    create table sales.regions (id int primary key, name text not null);
    create table sales.targets (
        region_id int references sales.regions(id),
        amount numeric
    );
    create view sales.region_totals as
        select r.name, sum(t.amount) as total
        from sales.regions r join sales.targets t on t.region_id = r.id
        group by r.name;
"#;

fn shop() -> TestDb {
    let db = harness::db("introspect");
    db.execute(SCHEMA);
    db
}

/// Pipes `commands` (one per line) into `glance repl`.
fn describe(db: &TestDb, commands: &str) -> Output {
    let out = glance()
        .args(["repl", "-d", db.url()])
        .stdin(format!("{commands}\n"))
        .run();
    out.success();
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no escape codes when piped\n{out}"
    );
    out
}

#[test]
fn backslash_d_lists_tables_views_and_materialized_views() {
    let db = shop();
    describe(&db, "\\d")
        .stdout_has("customers")
        .stdout_has("orders")
        .stdout_has("order_items")
        .stdout_has("recent_orders")
        .stdout_has("order_counts");
}

#[test]
fn backslash_dt_lists_only_tables() {
    let db = shop();
    let out = describe(&db, "\\dt");
    out.stdout_has("customers")
        .stdout_has("orders")
        .stdout_has("order_items");
    assert!(
        !out.stdout.contains("recent_orders"),
        "a view is listed by \\dt\n{out}"
    );
    assert!(
        !out.stdout.contains("order_counts"),
        "a materialized view is listed by \\dt\n{out}"
    );
}

#[test]
fn backslash_dt_with_a_schema_pattern_lists_that_schema() {
    let db = shop();
    let out = describe(&db, "\\dt sales.*");
    out.stdout_has("regions")
        .stdout_has("targets")
        .stdout_has("sales");
    assert!(
        !out.stdout.contains("customers"),
        "public tables listed for sales.*\n{out}"
    );
}

#[test]
fn backslash_dv_lists_views() {
    let db = shop();
    let out = describe(&db, "\\dv\n\\dv sales.*");
    out.stdout_has("recent_orders").stdout_has("region_totals");
    assert!(
        !out.stdout.contains("order_items"),
        "a table is listed by \\dv\n{out}"
    );
}

#[test]
fn backslash_dn_lists_schemas() {
    let db = shop();
    describe(&db, "\\dn")
        .stdout_has("public")
        .stdout_has("sales");
}

#[test]
fn backslash_di_lists_indexes_with_their_tables() {
    let db = shop();
    describe(&db, "\\di")
        .stdout_has("orders_placed_at_idx")
        .stdout_has("customers_pkey")
        .stdout_has("customers_email_key")
        .stdout_has("orders");
}

#[test]
fn backslash_d_table_shows_columns_types_keys_and_references() {
    let db = shop();
    let out = describe(&db, "\\d orders");
    out.stdout_has("customer_id")
        .stdout_has("placed_at")
        .stdout_has("order_status")
        .stdout_has("numeric(10,2)")
        .stdout_has("orders_pkey")
        .stdout_has("orders_placed_at_idx")
        .stdout_has("FOREIGN KEY")
        .stdout_has("REFERENCES customers")
        .stdout_has("Referenced by")
        .stdout_has("order_items");
}

#[test]
fn backslash_d_on_a_schema_qualified_table_shows_its_foreign_key() {
    let db = shop();
    describe(&db, "\\d sales.targets")
        .stdout_has("region_id")
        .stdout_has("FOREIGN KEY")
        .stdout_has("REFERENCES sales.regions");
}

#[test]
fn backslash_d_plus_adds_comments() {
    let db = shop();
    describe(&db, "\\d+ orders")
        .stdout_has("Sum of line items in euros")
        .stdout_has("One row per checkout")
        .stdout_has("FOREIGN KEY");
}

#[test]
fn backslash_d_on_an_unknown_name_says_so_and_keeps_going() {
    let db = shop();
    let out = glance()
        .args(["repl", "-d", db.url()])
        .stdin("\\d no_such_relation\n\\dn\n")
        .run();
    assert!(
        out.stderr.contains("no_such_relation") || out.stdout.contains("no_such_relation"),
        "the unknown name is reported\n{out}"
    );
    out.stdout_has("sales");
}

#[test]
fn piped_sql_runs_through_backslash_sql() {
    let db = shop();
    db.execute("insert into customers (name) values ('Ada'), ('Grace');");
    describe(&db, "\\sql select name from customers order by name;")
        .stdout_has("Ada")
        .stdout_has("Grace")
        .stdout_has("(2 rows)");
}

const PARTITIONED: &str = r#"
    create table readings (id int, taken date not null) partition by range (taken);
    create table readings_2024 partition of readings
        for values from ('2024-01-01') to ('2025-01-01');
    create table readings_2025 partition of readings
        for values from ('2025-01-01') to ('2026-01-01');
    create function stamp() returns trigger language plpgsql as $$begin return new; end$$;
    create trigger readings_stamp before insert on readings
        for each row execute function stamp();
    create table notes (
        id int generated always as identity,
        body text,
        shout text generated always as (upper(body)) stored
    );
    create trigger notes_stamp before insert on notes for each row execute function stamp();
    create trigger notes_audit after update on notes for each row execute function stamp();
    alter table notes disable trigger notes_audit;
"#;

fn partitioned() -> TestDb {
    let db = harness::db("partitions");
    db.execute(PARTITIONED);
    db
}

#[test]
fn backslash_d_shows_triggers_and_marks_disabled_ones_like_psql() {
    let db = partitioned();
    let out = describe(&db, "\\d notes");
    out.stdout_has(
        "Triggers:\n    notes_stamp BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION stamp()\n",
    )
    .stdout_has(
        "Disabled user triggers:\n    notes_audit AFTER UPDATE ON notes FOR EACH ROW EXECUTE FUNCTION stamp()\n",
    )
    .stdout_has("generated always as identity")
    .stdout_has("generated always as (upper(body)) stored");
}

#[test]
fn backslash_d_on_a_partitioned_table_shows_its_key_and_partitions() {
    let db = partitioned();
    let out = describe(&db, "\\d readings");
    out.stdout_has("Partitioned table \"public.readings\"")
        .stdout_has("Partition key: RANGE (taken)\n")
        .stdout_has("readings_stamp BEFORE INSERT ON readings")
        .stdout_has("Number of partitions: 2 (Use \\d+ to list them.)\n");
    let plus = describe(&db, "\\d+ readings");
    plus.stdout_has(
        "Partitions: readings_2024 FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'),\n            \
         readings_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')\n",
    );
}

#[test]
fn backslash_d_on_a_partition_names_its_parent_and_bound() {
    let db = partitioned();
    describe(&db, "\\d readings_2025")
        .stdout_has("Partition of: readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')\n")
        .stdout_has(
            "readings_stamp BEFORE INSERT ON readings_2025 FOR EACH ROW EXECUTE FUNCTION stamp(), ON TABLE readings\n",
        );
}

#[test]
fn a_void_result_prints_an_empty_cell() {
    let db = partitioned();
    let out = describe(&db, "\\sql select pg_sleep(0) as slept");
    out.stdout_has("slept");
    assert!(!out.stdout.contains("\\x"), "void prints empty\n{out}");
}

#[test]
fn backslash_d_on_sqlite_shows_triggers() {
    let path = harness::scratch_dir("sqlite-triggers").join("log.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table items (id integer primary key, name text);
         create table log (item int);
         create trigger items_log after insert on items begin insert into log values (new.id); end;",
    )
    .expect("seed sqlite file");
    drop(conn);
    let out = glance()
        .args(["repl", "-d"])
        .arg(&path)
        .stdin("\\d items\n")
        .run();
    out.success();
    out.stdout_has("Triggers:\n    items_log after insert on items begin insert into log values (new.id); end\n");
}

#[test]
fn backslash_d_plus_listings_read_sizes_and_view_definitions_when_asked() {
    let db = shop();
    db.execute("insert into customers (name) select 'c' || g from generate_series(1, 50) g");
    let out = describe(&db, "\\dt+\n\\d+ recent_orders");
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains(" customers "))
        .unwrap_or_default();
    assert!(
        line.contains(" kB") || line.contains(" bytes"),
        "the size of customers is shown\n{out}"
    );
    out.stdout_has("View definition:")
        .stdout_has("FROM public.orders");
}

/// A model's `ask` with no `--allow-*`: what it proposes runs only if it reads.
fn ask_model(db: &TestDb, sql: &str) -> Output {
    let fake = FakeLlm::openai(vec![Reply::text(&format!(
        "This answers it.\n\n```sql\n{sql}\n```\n"
    ))]);
    let mut cmd = glance().args(["ask", "--retries", "0", "-d", db.url(), "the question"]);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd.run()
}

#[test]
fn views_read_after_introspection_are_still_verified_before_they_run() {
    let db = harness::db("late_views");
    db.execute(
        "create table visits (n int);
         create table film (id int);
         create function bump() returns int language sql volatile
             as 'insert into visits values (1) returning n';
         create view counting as select id, bump() as b from film;
         create view outer_view as select id from counting;
         create view calm as select id from film;",
    );
    // A view whose definition calls a writing function asks, also when
    // the statement reaches it only through another view.
    for sql in ["select * from counting", "select id from outer_view"] {
        let out = ask_model(&db, sql);
        out.code(3).stderr_has("the view public.counting");
    }
    assert_eq!(
        db.query_scalar("select count(*) from visits").as_deref(),
        Some("0")
    );
    // A view that only reads still runs without asking.
    ask_model(&db, "select id from calm").success();
}
