//! The analysis commands change nothing: the database's fingerprint
//! (`TestDb::fingerprint`: rows, indexes, extensions, sequences,
//! constraints) is the same before and after each of them, an EXPLAIN
//! ANALYZE of a DELETE confirmed in the REPL and index advice (hypothetical
//! indexes, an offer declined) included.

use crate::harness::{self, TestDb, glance};

/// A small shop with a defect or two, statistics, an extension and
/// statements in pg_stat_statements.
fn shop() -> TestDb {
    let db = harness::db("fingerprint");
    db.execute(
        "create extension if not exists pg_stat_statements;
         create table customers (id serial primary key, email text, status text);
         insert into customers (email, status) select 'c' || g || '@x.org',
             case when g % 3 = 0 then 'Active' else 'active' end from generate_series(1, 200) g;
         create table orders (id serial primary key, customer_id int, total numeric, placed_on date);
         insert into orders (customer_id, total, placed_on) select g % 250, g - 5,
             date '2024-01-01' + g from generate_series(1, 500) g;
         create index orders_customer on orders (customer_id);
         create index orders_customer_again on orders (customer_id);
         create materialized view totals as select customer_id, sum(total) from orders group by 1;
         analyze;
         select count(*) from orders where total > 10;",
    );
    db
}

/// Runs glance with `args` against `db`; the fingerprint must not move.
fn unchanged(db: &TestDb, args: &[&str]) {
    let before = db.fingerprint();
    let out = glance().args(args).args(["-d", db.url()]).run();
    out.success();
    assert_eq!(
        db.fingerprint(),
        before,
        "glance {args:?} changed the database\n{out}"
    );
}

#[test]
fn explain_changes_nothing() {
    let db = shop();
    unchanged(&db, &["explain", "select * from orders where total > 100"]);
    unchanged(
        &db,
        &[
            "explain",
            "--analyze",
            "select customer_id, count(*) from orders group by 1",
        ],
    );
}

#[test]
fn explain_analyze_of_a_delete_confirmed_in_the_repl_changes_nothing() {
    let db = shop();
    let before = db.fingerprint();
    let mut repl = harness::pty(["repl", "--no-history", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\explain analyze delete from orders where total > 100");
    repl.expect("Run it? [y/N]");
    repl.send_line("y");
    repl.expect("Delete on orders");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
    assert_eq!(db.fingerprint(), before);
}

#[test]
fn slow_and_index_health_change_nothing() {
    let db = shop();
    unchanged(&db, &["slow"]);
    unchanged(&db, &["indexes", "health"]);
}

#[test]
fn index_advice_and_generic_plans_change_nothing() {
    let db = shop();
    db.execute(
        "create extension if not exists hypopg;
         create table visits (id int primary key, customer_id int, page text);
         insert into visits select g, g % 2000, 'p' || (g % 7) from generate_series(1, 20000) g;
         analyze visits;",
    );
    unchanged(
        &db,
        &[
            "indexes",
            "advise",
            "--plans",
            "select * from visits where customer_id = 42",
        ],
    );
    unchanged(
        &db,
        &[
            "indexes",
            "advise",
            "select * from visits where customer_id = $1",
        ],
    );
    unchanged(
        &db,
        &["explain", "select * from orders where customer_id = $1"],
    );

    // Declining the offer in the REPL creates nothing either.
    let before = db.fingerprint();
    let mut repl = harness::pty(["repl", "--no-history", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\indexes advise select * from visits where customer_id = 42");
    repl.expect("[y/N]");
    repl.send_line("n");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
    assert_eq!(db.fingerprint(), before);
}

#[test]
fn check_changes_nothing_sampled_or_exact() {
    let db = shop();
    unchanged(&db, &["check", "--all"]);
    unchanged(&db, &["check", "--all", "--exact"]);
    unchanged(&db, &["check", "--all", "--sample", "50"]);
}

#[test]
fn the_fingerprint_sees_rows_indexes_and_sequences() {
    let db = shop();
    let before = db.fingerprint();
    for change in [
        "update customers set status = 'closed' where id = 1",
        "create index customers_email on customers (email)",
        "select nextval('orders_id_seq')",
        "alter table orders add constraint total_positive check (total > 0) not valid",
    ] {
        let seen = db.fingerprint();
        db.execute(change);
        assert_ne!(db.fingerprint(), seen, "{change} went unseen");
    }
    assert_ne!(db.fingerprint(), before);
}
