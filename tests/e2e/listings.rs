//! The psql listings the server's catalogs answer (`\du`, `\dx`, `\l`,
//! `\ds`, `\dT`, `\df`), piped into `glance repl` against real objects.

use crate::harness::{self, Output, TestDb, glance};

/// A database with one of each kind of object; the role is named after the
/// database, since roles belong to the whole cluster.
fn objects() -> (TestDb, String) {
    let db = harness::db("listings");
    let role = format!("{}_auditor", db.name());
    db.execute(&format!(
        "create role {role} nologin createdb;
         grant pg_read_all_data to {role};
         create extension isn;
         create sequence invoice_numbers;
         create schema billing;
         create sequence billing.ticket_numbers;
         create type mood as enum ('sad', 'ok', 'happy');
         comment on type mood is 'How a customer feels';
         create domain positive as int check (value > 0);
         create type pair as (a int, b int);
         create table plain (id int);
         create function add_one(n int) returns int language sql as 'select n + 1';
         create procedure tidy() language sql as 'select 1';
         create aggregate total_of(int) (sfunc = int4pl, stype = int);"
    ));
    (db, role)
}

/// Pipes `commands` (one per line) into `glance repl`.
fn run(url: &str, commands: &str) -> Output {
    let out = glance()
        .args(["repl", "-d", url])
        .stdin(format!("{commands}\n"))
        .run();
    out.success();
    out
}

#[test]
fn backslash_du_lists_roles_with_their_attributes_and_memberships() {
    let (db, role) = objects();
    let out = run(db.url(), "\\du");
    let line = out
        .stdout
        .lines()
        .find(|l| l.contains(&role))
        .unwrap_or_else(|| panic!("no line for {role}\n{out}"));
    for word in ["Create DB", "Cannot login", "pg_read_all_data"] {
        assert!(line.contains(word), "{word} missing from {line:?}\n{out}");
    }
    assert!(!line.contains("Superuser"), "{line:?}");
    run(db.url(), "\\du nobody_by_that_name").never_shows(&role);
}

#[test]
fn backslash_dx_lists_installed_extensions() {
    let (db, _) = objects();
    run(db.url(), "\\dx")
        .stdout_has("isn")
        .stdout_has("plpgsql")
        .stdout_has("public")
        .stdout_has("PL/pgSQL procedural language");
    run(db.url(), "\\dx is*")
        .stdout_has("isn")
        .never_shows("plpgsql");
}

#[test]
fn backslash_l_lists_databases() {
    let (db, _) = objects();
    run(db.url(), "\\l")
        .stdout_has(db.name())
        .stdout_has("template1")
        .stdout_has("UTF8");
    run(db.url(), &format!("\\l {}", db.name())).never_shows("template1");
}

#[test]
fn backslash_ds_lists_sequences_in_every_schema_or_by_pattern() {
    let (db, _) = objects();
    run(db.url(), "\\ds")
        .stdout_has("invoice_numbers")
        .stdout_has("ticket_numbers")
        .stdout_has("sequence");
    run(db.url(), "\\ds billing.*")
        .stdout_has("ticket_numbers")
        .never_shows("invoice_numbers");
}

#[test]
fn backslash_dt_capital_lists_enums_domains_and_composites_but_not_table_types() {
    let (db, _) = objects();
    let out = run(db.url(), "\\dT");
    out.stdout_has("mood")
        .stdout_has("How a customer feels")
        .stdout_has("positive")
        .stdout_has("pair")
        .never_shows("plain")
        .never_shows("_mood");
}

#[test]
fn backslash_df_lists_functions_procedures_and_aggregates() {
    let (db, _) = objects();
    let out = run(db.url(), "\\df");
    let line = |name: &str| {
        out.stdout
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no line for {name}\n{out}"))
            .to_string()
    };
    let add_one = line("add_one");
    assert!(
        add_one.contains("n integer") && add_one.contains("func"),
        "{add_one}"
    );
    assert!(line("tidy").contains("proc"));
    assert!(line("total_of").contains("agg"));
    run(db.url(), "\\df add*")
        .stdout_has("add_one")
        .never_shows("tidy");
}

#[test]
fn backslash_dd_lists_comments_of_tables_views_columns_and_functions() {
    let (db, _) = objects();
    db.execute(
        "comment on table plain is 'Plain | table';
         comment on column plain.id is 'The key';
         create view plain_view as select id from plain;
         comment on view plain_view is 'A view';
         comment on function add_one(int) is 'Adds one';
         create table billing.bills (id int);
         comment on table billing.bills is 'Bills';
         comment on type mood is 'not listed: a type';",
    );
    let out = glance()
        .args(["repl", "-d", db.url(), "--format", "csv"])
        .stdin("\\dd\n")
        .run();
    out.success();
    let rows: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        rows,
        [
            "Schema,Name,Object,Description",
            "billing,bills,table,Bills",
            "public,add_one,function,Adds one",
            "public,plain,table,Plain | table",
            "public,plain.id,column,The key",
            "public,plain_view,view,A view",
        ],
        "{out}"
    );
    run(db.url(), "\\dd plain*")
        .stdout_has("The key")
        .stdout_has("A view")
        .never_shows("Adds one")
        .never_shows("Bills");
    run(db.url(), "\\dd billing.*")
        .stdout_has("Bills")
        .never_shows("The key");
}

#[test]
fn the_listings_work_in_other_output_formats() {
    let (db, _) = objects();
    let out = glance()
        .args(["repl", "-d", db.url(), "--format", "csv"])
        .stdin("\\ds public.*\n")
        .run();
    out.success().stdout_has("public,invoice_numbers,sequence,");
}

#[test]
fn on_sqlite_the_listings_say_they_are_postgresql_commands() {
    let path = harness::scratch_dir("listings").join("empty.db");
    rusqlite::Connection::open(&path).expect("create sqlite file");
    let out = run(&path.to_string_lossy(), "\\du\n\\df\n\\l\n\\dd");
    out.stderr_has("\\du lists PostgreSQL roles")
        .stderr_has("\\dd lists comments made with COMMENT ON, which SQLite does not have")
        .stderr_has("\\df lists PostgreSQL functions")
        .stderr_has("\\l lists PostgreSQL databases");
}
