//! `glance indexes advise` and `\indexes advise`: hypothetical indexes on
//! PostgreSQL (hypopg), unverified suggestions from statistics without it,
//! rolled-back trial indexes on SQLite; nothing is left behind, and the
//! REPL creates an index only on a yes, through the gate.

use crate::harness::{self, Output, TestDb, glance};

/// The test server's hypopg, or a failure saying how to install it.
fn with_hypopg(db: &TestDb) {
    if let Err(error) = db.client().batch_execute("create extension hypopg") {
        panic!(
            "hypopg is not available to the test server ({error}); install it, e.g. \
             apt-get install -y postgresql-$MAJOR-hypopg for the server's major version"
        );
    }
}

/// 20,000 orders: ~2,000 customers (10 orders each, stored together) and
/// a three-value status; analysed.
fn orders(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table orders (id int primary key, customer_id int, status text, shape box);
         insert into orders
           select g, g / 10, (array['new', 'paid', 'shipped'])[g % 3 + 1],
                  box(point(g, g), point(g + 1, g + 1))
           from generate_series(0, 19999) g;
         analyze orders;",
    );
    db
}

/// `glance indexes advise -d TARGET ARGS…`.
fn advise(target: &str, args: &[&str]) -> Output {
    glance()
        .args(["indexes", "advise", "-d", target])
        .args(args.iter().copied())
        .run()
}

const QUERY: &str = "select * from orders where customer_id = 42 and status = 'new'";

fn index_count(db: &TestDb) -> String {
    db.query_scalar("select count(*) from pg_indexes where schemaname = 'public'")
        .unwrap()
}

#[test]
fn hypopg_verifies_the_selective_column_and_leaves_no_index() {
    let db = orders("advise_hypopg");
    with_hypopg(&db);
    let indexes = index_count(&db);
    let out = advise(db.url(), &["--format", "json", QUERY]);
    out.success();
    let json = out.json();
    assert_eq!(json["hypopg"], true, "{json}");
    let suggestions = json["suggestions"].as_array().expect("suggestions");
    assert_eq!(suggestions.len(), 1, "{json}");
    let s = &suggestions[0];
    assert_eq!(s["columns"], serde_json::json!(["customer_id"]), "{json}");
    assert_eq!(s["table"], "public.orders");
    assert_eq!(s["verified"], true);
    assert_eq!(
        s["create"],
        "CREATE INDEX CONCURRENTLY ON public.orders (customer_id);"
    );
    let before = s["cost_before"].as_f64().expect("cost before");
    let after = s["cost_after"].as_f64().expect("cost after");
    assert!(before >= 100.0 && after < before / 2.0, "{json}");
    assert!(s["size_bytes"].as_i64().expect("size") > 0, "{json}");
    assert_eq!(index_count(&db), indexes, "no index was created");

    let out = advise(db.url(), &["--plans", QUERY]);
    out.success()
        .stdout_has("Suggested index on public.orders (customer_id): cost ")
        .stdout_has("CREATE INDEX CONCURRENTLY ON public.orders (customer_id);")
        .stdout_has("Plan before:\n  Seq Scan on orders  rows 3  cost ")
        .stdout_has("Plan with the suggested indexes:\n");
    assert!(
        out.stdout.contains(" using <"),
        "a hypothetical index\n{out}"
    );
}

#[test]
fn hypothetical_indexes_are_gone_in_the_same_session_also_after_an_error() {
    let db = orders("advise_reset");
    with_hypopg(&db);
    // box has an = operator but no btree operator class: creating the
    // hypothetical index on it fails after the one on customer_id.
    let out = glance()
        .args(["repl", "--yes", "--no-history", "-d", db.url()])
        .stdin(format!(
            "\\indexes advise {QUERY}\n\
             \\sql select 'left=' || count(*) from hypopg_list_indexes\n\
             \\indexes advise select * from orders where customer_id = 7 and shape = box '((1,1),(2,2))'\n\
             \\sql select 'after error=' || count(*) from hypopg_list_indexes\n"
        ))
        .run();
    out.stdout_has("Suggested index on public.orders (customer_id)")
        .stdout_has("left=0")
        .stderr_has("no default operator class")
        .stdout_has("after error=0");
}

#[test]
fn without_hypopg_suggestions_come_from_statistics_and_say_how_to_verify() {
    let db = orders("advise_no_hypopg");
    let out = advise(db.url(), &[QUERY]);
    out.success()
        .stdout_has("-hypopg (Debian/Ubuntu; hypopg elsewhere)")
        .stdout_has("CREATE EXTENSION hypopg;")
        .stdout_has("Unverified suggestion: index on public.orders (customer_id)")
        .never_shows("(status)");
    let json = advise(db.url(), &["--format", "json", QUERY]).json();
    assert_eq!(json["hypopg"], false);
    let s = &json["suggestions"][0];
    assert_eq!(s["verified"], false, "{json}");
    assert_eq!(s["columns"], serde_json::json!(["customer_id"]));
    assert_eq!(s["cost_after"], serde_json::Value::Null);
    assert_eq!(json["suggestions"].as_array().unwrap().len(), 1, "{json}");
}

#[test]
fn advise_n_takes_an_entry_of_the_last_slow_list() {
    let db = orders("advise_slow");
    with_hypopg(&db);
    db.execute("create extension pg_stat_statements");
    // pg_stat_statements keeps `customer_id = $1`, planned generically;
    // run often enough to lead the list by total time.
    db.execute("select pg_stat_statements_reset()");
    db.execute(&"select * from orders where customer_id = 42;\n".repeat(50));
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin("\\indexes advise 1\n\\slow 1\n\\indexes advise 1\n")
        .run();
    out.stderr_has("the last \\slow list has no entry 1")
        .stderr_has("then \\indexes advise N")
        .stdout_has("Suggested index on public.orders (customer_id)");
}

/// A profile `ro` that is read-only, in a fresh HOME.
pub fn read_only_home(db: &TestDb, hint: &str) -> std::path::PathBuf {
    let home = harness::scratch_dir(hint);
    std::fs::create_dir_all(home.join(".config/glance")).expect("config dir");
    std::fs::write(
        home.join(".config/glance/config.toml"),
        format!(
            "[connections.ro]\nurl = \"{}\"\nread_only = true\n",
            db.url()
        ),
    )
    .expect("config file");
    home
}

#[test]
fn the_repl_creates_an_index_on_yes_only_and_a_read_only_connection_refuses() {
    let db = orders("advise_create");
    with_hypopg(&db);
    let mut repl = harness::pty(["repl", "--no-history", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line(&format!("\\indexes advise {QUERY}"));
    repl.expect("create the index on public.orders (customer_id)? [y/N]");
    repl.send_line("n");
    repl.expect("Not created.");
    repl.expect_prompt();
    assert_eq!(index_count(&db), "1", "only the primary key");
    repl.send_line(&format!("\\indexes advise {QUERY}"));
    repl.expect("create the index on public.orders (customer_id)? [y/N]");
    repl.send_line("y");
    repl.expect("CREATE INDEX");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
    assert_eq!(
        db.query_scalar(
            "select string_agg(indexrelid::regclass::text || ':' || indisvalid, ',') \
             from pg_index where indrelid = 'orders'::regclass and not indisprimary"
        )
        .as_deref(),
        Some("orders_customer_id_idx:true")
    );

    let other = orders("advise_create_ro");
    with_hypopg(&other);
    let home = read_only_home(&other, "advise_ro_home");
    let mut repl = harness::pty_with_home(["-p", "ro", "repl", "--no-history"], &home);
    repl.expect_prompt();
    repl.send_line(&format!("\\indexes advise {QUERY}"));
    repl.expect("create the index on public.orders (customer_id)? [y/N]");
    repl.send_line("y");
    repl.expect("read-only");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
    assert_eq!(index_count(&other), "1", "nothing was created");
}

#[test]
fn a_statement_the_connection_forbids_is_not_planned() {
    let db = orders("advise_forbidden");
    with_hypopg(&db);
    db.execute("create extension pg_stat_statements");
    let home = read_only_home(&db, "advise_forbidden_home");
    let update = "update orders set status = 'gone' where customer_id = 42";
    let out = glance()
        .home(&home)
        .args(["-p", "ro", "indexes", "advise", update])
        .run();
    out.code(3).stderr_has("read-only");
    assert!(out.stdout.is_empty(), "{out}");
    assert_eq!(
        db.query_scalar(
            "select count(*) from pg_stat_statements where query like '%orders set status%'"
        )
        .as_deref(),
        Some("0"),
        "the update was never planned"
    );
}

#[test]
fn sqlite_checks_candidates_in_a_rolled_back_transaction() {
    let dir = harness::scratch_dir("advise_sqlite");
    let path = dir.join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table orders (id integer primary key, customer_id int, status text);
         with recursive g(n) as (select 0 union all select n + 1 from g where n < 19999)
         insert into orders select n, n / 10, case n % 3 when 0 then 'new' when 1 then 'paid'
           else 'shipped' end from g;",
    )
    .expect("seed sqlite file");
    let schema = |conn: &rusqlite::Connection| -> Vec<String> {
        let mut statement = conn
            .prepare("select type || ' ' || name || ' ' || coalesce(sql, '') from sqlite_master order by 1")
            .unwrap();
        statement
            .query_map([], |row| row.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    let before = schema(&conn);
    let target = path.to_str().unwrap();
    let out = advise(
        target,
        &[
            "--format",
            "json",
            "select * from orders o where o.customer_id = 42",
        ],
    );
    out.success();
    let json = out.json();
    let s = &json["suggestions"][0];
    assert_eq!(s["verified"], true, "{json}");
    assert_eq!(s["columns"], serde_json::json!(["customer_id"]));
    assert_eq!(
        s["create"],
        "CREATE INDEX orders_customer_id_idx ON orders (customer_id);"
    );
    assert_eq!(schema(&conn), before, "the schema is unchanged");

    let out = advise(target, &["--plans", "select * from orders order by status"]);
    out.success()
        .stdout_has("Suggested index on orders (status)")
        .stdout_has("needs no temporary B-tree")
        .stdout_has("Plan before:\n  SCAN orders\n  USE TEMP B-TREE FOR ORDER BY")
        .stdout_has(
            "Plan with the suggested indexes:\n  SCAN orders USING INDEX orders_status_idx",
        );
    assert_eq!(schema(&conn), before, "the schema is unchanged");
}

#[test]
fn sqlite_names_match_in_any_case_and_small_tables_get_no_index() {
    let dir = harness::scratch_dir("advise_sqlite_case");
    let path = dir.join("music.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table [Track] ([TrackId] integer primary key, [Composer] text);
         with recursive g(n) as (select 0 union all select n + 1 from g where n < 4999)
         insert into Track select n, 'composer ' || (n % 700) from g;
         create table [Genre] ([GenreId] integer primary key, [Name] text);
         insert into Genre values (1, 'Rock'), (2, 'Jazz');",
    )
    .expect("seed sqlite file");
    let target = path.to_str().unwrap();
    let out = advise(
        target,
        &["select * from track where COMPOSER = 'composer 7'"],
    );
    out.success()
        .stdout_has("Suggested index on Track (Composer)")
        .stdout_has(r#"CREATE INDEX "Track_Composer_idx" ON "Track" ("Composer");"#);

    let out = advise(target, &["select * from genre where name = 'Rock'"]);
    out.success()
        .stdout_has("Genre has 2 rows, few enough to read whole about as fast as through an index")
        .stdout_has("No index to suggest.");
}
