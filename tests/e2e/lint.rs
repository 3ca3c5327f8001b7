//! `glance lint`: the lock table measured again on the server (each
//! statement run in a transaction that is rolled back, its locks read from
//! `pg_locks` of the same backend), exit codes, stdin, several files,
//! SQLite, the JSON shape, and parse errors with their place.

use std::fs;

use serde_json::Value as Json;

use crate::harness::{self, Output, glance};

/// A table `t` with a row, an index, a NOT VALID check and foreign key to `p`.
const SCHEMA: &str = "
    create type e as enum ('a');
    create table p (id int primary key);
    create table t (id int primary key, c int, v varchar(10), pid int, n numeric(10, 2));
    create index i on t (c);
    create unique index ui on t (v);
    alter table t add constraint k check (c > 0) not valid;
    alter table t add constraint f foreign key (pid) references p (id) not valid;
    insert into p values (1);
    insert into t values (1, 1, 'a', 1, 1);";

/// Statements that run in a transaction block; each row of the lock table.
const IN_TRANSACTION: &[&str] = &[
    "alter table t add column z int",
    "alter table t add column z int default 5",
    "alter table t add column z timestamptz default now()",
    "alter table t add column z uuid default gen_random_uuid()",
    "alter table t add column z float default random()",
    "alter table t add column z timestamptz default clock_timestamp()",
    "alter table t add column z serial",
    "alter table t add column z int generated always as (c + 1) stored",
    "alter table t add column z int generated always as identity",
    "alter table t alter column c set not null",
    "alter table t alter column c drop not null",
    "alter table t alter column c set default 1",
    "alter table t alter column c drop default",
    "alter table t alter column c type bigint",
    "alter table t alter column v type varchar(20)",
    "alter table t alter column v type text",
    "alter table t alter column v type text using v || ''",
    "alter table t alter column n type numeric",
    "alter table t drop column c",
    "alter table t rename column c to d",
    "alter table t rename to u",
    "alter table t add constraint k2 check (c > 0)",
    "alter table t add constraint k2 check (c > 0) not valid",
    "alter table t add constraint u2 unique (c)",
    "alter table t drop constraint t_pkey, add primary key (c)",
    "alter table t add constraint u2 unique using index ui",
    "alter table t drop constraint k",
    "alter table t add constraint f2 foreign key (pid) references p (id)",
    "alter table t add constraint f2 foreign key (pid) references p (id) not valid",
    "alter table t add column z int references p (id)",
    "alter table t validate constraint f",
    "alter table t validate constraint k",
    "alter table t set (fillfactor = 50)",
    "alter table t enable row level security",
    "alter table t disable row level security",
    "alter table t force row level security",
    "alter table t disable trigger user",
    "alter table t enable trigger all",
    "create policy pol on t using (true)",
    "create index j on t (c)",
    "create unique index j on t (c)",
    "drop index i",
    "drop table t",
    "truncate t",
    "truncate t, p",
    "create trigger tr after insert on t for each row \
     execute function suppress_redundant_updates_trigger()",
    "comment on table t is 'x'",
    "lock table t in share mode",
    "create table q (id int references t (id))",
    "insert into t (id) values (2)",
    "update t set c = 2 where id = 1",
    "delete from t where id = 1",
    "alter type e add value 'x'",
    "select * from t",
];

/// Statements PostgreSQL refuses inside a transaction block.
const OUTSIDE_TRANSACTION: &[&str] = &[
    "create index concurrently j on t (c)",
    "drop index concurrently i",
    "vacuum t",
    "vacuum full t",
    "create database lint_never_created",
    "reindex table concurrently t",
    "reindex index concurrently i",
    "reindex schema public",
    "cluster",
];

/// Tables, a materialized view and partitions for the statements only
/// the recogniser reads.
const RECOGNISED_SCHEMA: &str = "
    create table t (id int primary key, c int, v varchar(10));
    create index i on t (c);
    insert into t values (1, 1, 'a');
    create table p (id int);
    create materialized view m as select id, c from t;
    create unique index mi on m (id);
    create table r (id int, k int) partition by range (k);
    create table r1 partition of r for values from (0) to (10);
    create table r2 (id int, k int);
    create view vv as select id, c from t;
    create sequence s;
    create trigger tr before update on t for each row \
        execute function suppress_redundant_updates_trigger();
    create policy pol on t using (true);
    create rule rr as on delete to p do instead nothing;";

/// Statements the parser does not read, in a transaction block.
const RECOGNISED: &[&str] = &[
    "reindex table t",
    "REINDEX (verbose) INDEX public.i",
    "cluster t using i",
    "refresh materialized view m",
    "refresh materialized view concurrently m",
    "refresh materialized view m with no data",
    "create statistics s on c, v from t",
    "alter table r attach partition r2 for values from (10) to (20)",
    "alter table r detach partition r1",
    "alter table t alter column c set statistics 500",
    "alter table t alter c set (n_distinct = 5), alter column v set storage plain",
    "alter table t cluster on i",
    "alter table t set without cluster",
    "alter table t reset (fillfactor)",
    "alter table t set tablespace pg_default",
    "alter table t set schema public",
    "alter table t inherit p",
    "alter index i set tablespace pg_default",
    "alter index i set (fillfactor = 50)",
];

/// Statements the parser reads that lock relations other than `t` and
/// `p`, or need the schema above, measured the same way.
const PARSED_ELSEWHERE: &[&str] = &[
    "alter table t set unlogged",
    "alter index i rename to j",
    "drop trigger tr on t",
    "create or replace view vv as select id, c from t",
    "drop view vv",
    "create policy pol2 on t using (true)",
    "alter policy pol on t using (false)",
    "drop policy pol on t",
    "alter sequence s restart",
    "alter sequence if exists s increment by 2 no cycle",
    "alter sequence s rename to s2",
    "create rule r as on insert to t do instead nothing",
    "drop rule rr on p",
];

/// Statements the parser does not read, refused in a transaction block.
const RECOGNISED_OUTSIDE: &[&str] = &["alter table r detach partition r1 concurrently"];

/// Lints `sql` as one file given on stdin, as JSON.
fn lint_json(sql: &str, args: &[&str]) -> (Output, Json) {
    let out = glance()
        .args(["lint", "--format", "json"])
        .args(args.iter().copied())
        .stdin(sql)
        .run();
    let document = out.json();
    (out, document)
}

/// The strongest of `modes` (names as `pg_locks` shows them).
fn strongest(modes: &[String]) -> Option<String> {
    const ORDER: &[&str] = &[
        "AccessShareLock",
        "RowShareLock",
        "RowExclusiveLock",
        "ShareUpdateExclusiveLock",
        "ShareLock",
        "ShareRowExclusiveLock",
        "ExclusiveLock",
        "AccessExclusiveLock",
    ];
    modes
        .iter()
        .max_by_key(|m| ORDER.iter().position(|o| o == m))
        .cloned()
}

/// What the server takes for `sql`: the modes on `t` and on `p`, and
/// whether `t` got a new file (a rewrite), run in a transaction rolled back.
fn measure(client: &mut postgres::Client, sql: &str) -> (Option<String>, Option<String>, bool) {
    client.batch_execute("begin").unwrap();
    let row = client
        .query_one(
            "select 't'::regclass::oid, 'p'::regclass::oid, pg_relation_filenode('t')",
            &[],
        )
        .unwrap();
    let (t, p, before): (u32, u32, u32) = (row.get(0), row.get(1), row.get(2));
    client
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let modes = |client: &mut postgres::Client, oid: u32| -> Vec<String> {
        client
            .query(
                "select mode from pg_locks where pid = pg_backend_pid() and relation = $1::oid",
                &[&postgres::types::Oid::from(oid)],
            )
            .unwrap()
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    let on_t = strongest(&modes(client, t));
    let on_p = strongest(&modes(client, p));
    let after: Option<u32> = client
        .query_one(
            "select pg_relation_filenode($1::oid)",
            &[&postgres::types::Oid::from(t)],
        )
        .unwrap()
        .get(0);
    client.batch_execute("rollback").unwrap();
    (on_t, on_p, after.is_some_and(|a| a != before))
}

#[test]
fn every_lock_row_matches_what_the_server_takes() {
    let db = harness::db("lint_locks");
    db.execute(SCHEMA);
    let file = IN_TRANSACTION.join(";\n");
    let (out, document) = lint_json(&file, &[]);
    let statements = document["files"][0]["statements"]
        .as_array()
        .unwrap_or_else(|| panic!("no statements\n{out}"));
    assert_eq!(statements.len(), IN_TRANSACTION.len(), "{out}");
    let mut client = db.client();
    for (sql, linted) in IN_TRANSACTION.iter().zip(statements) {
        let (on_t, on_p, rewritten) = measure(&mut client, sql);
        let said = linted["lock"].as_str().map(str::to_string);
        // Reads take ACCESS SHARE, which the linter leaves out as harmless.
        let on_t = on_t.filter(|m| m != "AccessShareLock");
        assert_eq!(said, on_t, "strongest lock on t for {sql}\n{linted:#}");
        let on_p_said = linted["locks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["relation"] == "p")
            .map(|l| l["mode"].as_str().unwrap().to_string());
        if let Some(mode) = on_p_said {
            assert_eq!(Some(mode), on_p, "lock on p for {sql}");
        }
        if sql.starts_with("alter table") {
            assert_eq!(linted["rewrites"], rewritten, "rewrite of t for {sql}");
        }
        assert_eq!(linted["transactional"], true, "{sql}");
    }
}

#[test]
fn statements_said_to_need_no_transaction_are_refused_in_one() {
    let db = harness::db("lint_outside");
    db.execute(SCHEMA);
    let (out, document) = lint_json(&OUTSIDE_TRANSACTION.join(";\n"), &[]);
    let statements = document["files"][0]["statements"].as_array().unwrap();
    assert_eq!(statements.len(), OUTSIDE_TRANSACTION.len(), "{out}");
    let mut client = db.client();
    for (sql, linted) in OUTSIDE_TRANSACTION.iter().zip(statements) {
        assert_eq!(linted["transactional"], false, "{sql}");
        client.batch_execute("begin").unwrap();
        let error = client
            .batch_execute(sql)
            .expect_err("refused in a transaction block");
        client.batch_execute("rollback").unwrap();
        let message = error.as_db_error().map(|e| e.message().to_string());
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains("cannot run inside a transaction block")),
            "{sql}: {error}"
        );
    }
}

#[test]
fn findings_fail_the_lint_and_clean_migrations_pass() {
    let out = glance()
        .arg("lint")
        .stdin(
            "-- add a token\nalter table orders add column token uuid default gen_random_uuid();\n",
        )
        .run();
    out.code(1)
        .stdout_has("-:2: alter table orders add column token uuid default gen_random_uuid()\n")
        .stdout_has(
            "  AccessExclusiveLock on orders (blocks reads and writes); rewrites the table\n",
        )
        .stdout_has("  warning volatile-default: ")
        .stdout_has("  warning require-lock-timeout: ")
        .stdout_has("    fix: ")
        .stdout_has("1 statement in 1 file: 0 errors, 2 warnings, 0 info")
        .stderr_has("lint found warnings or errors");
    for off in ["0", "'0s'", "'0ms'", "'0min'"] {
        glance()
            .arg("lint")
            .stdin(format!(
                "set lock_timeout = {off};\nalter table orders drop column note;\n"
            ))
            .run()
            .code(1)
            .stdout_has("  warning require-lock-timeout: ");
    }
    glance()
        .arg("lint")
        .stdin("set lock_timeout = '1.5s';\nalter table orders drop column note;\n")
        .run()
        .code(1)
        .never_shows("require-lock-timeout");
    glance()
        .arg("lint")
        .stdin("drop trigger orders_audit on orders;\n")
        .run()
        .code(1)
        .stdout_has("  AccessExclusiveLock on orders (blocks reads and writes)\n")
        .stdout_has("  warning require-lock-timeout: ");
    let clean = "set lock_timeout = '2s';\ncreate index concurrently i on orders (token);\n";
    glance()
        .args(["lint", "-"])
        .stdin(clean)
        .run()
        .success()
        .stdout_has("  info non-transactional: ")
        .stdout_has("2 statements in 1 file: 0 errors, 0 warnings, 1 info");
}

#[test]
fn a_file_assumed_in_one_transaction_keeps_its_locks_to_the_end() {
    let sql = "set lock_timeout = '2s';\n\
               alter table orders add constraint orders_customer_fk foreign key (customer_id) \
               references customers (id) not valid;\n\
               alter table orders validate constraint orders_customer_fk;\n";
    glance()
        .args(["lint", "-"])
        .stdin(sql)
        .run()
        .success()
        .stdout_has("0 errors, 0 warnings");
    glance()
        .args(["lint", "--assume-in-transaction", "-"])
        .stdin(sql)
        .run()
        .code(1)
        .stdout_has("-:3: alter table orders validate constraint orders_customer_fk\n")
        .stdout_has(
            "  warning validate-in-transaction: validates orders_customer_fk while this \
             transaction still holds the ShareRowExclusiveLock",
        )
        .stdout_has("    fix: move ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_fk; to a migration of its own");
    let sql = "set lock_timeout = '2s';\nalter table orders add column token uuid;\n\
               create index orders_token on orders (token);\n";
    glance()
        .args(["lint", "--assume-in-transaction", "-"])
        .stdin(sql)
        .run()
        .code(1)
        .stdout_has(
            "-:3: create index orders_token on orders (token)\n  ShareLock on orders (blocks \
             writes); scans the table\n  still holding AccessExclusiveLock on orders from line 2 \
             (blocks reads and writes)\n",
        );
    let (_, document) = lint_json(sql, &["--assume-in-transaction"]);
    let index = &document["files"][0]["statements"][2];
    assert_eq!(index["lock"], "ShareLock", "{document}");
    assert_eq!(
        index["held"],
        serde_json::json!([{"relation": "orders", "mode": "AccessExclusiveLock", "line": 2}])
    );
    assert_eq!(index["blocks"], serde_json::json!(["reads", "writes"]));
    let (_, document) = lint_json(sql, &[]);
    assert_eq!(
        document["files"][0]["statements"][2]["held"],
        serde_json::json!([])
    );
    let (out, document) = lint_json(
        "create index concurrently i on orders (token);\n",
        &["--assume-in-transaction"],
    );
    out.code(1);
    let rules = &document["files"][0]["statements"][0]["findings"][0];
    assert_eq!(rules["rule"], "outside-transaction", "{document}");
    assert_eq!(rules["level"], "error", "{document}");
}

#[test]
fn several_files_each_with_its_path() {
    let dir = harness::scratch_dir("lint_files");
    let first = dir.join("001_add.sql");
    let second = dir.join("002_index.sql");
    fs::write(
        &first,
        "set lock_timeout = '1s';\nalter table t add column c int;\n",
    )
    .unwrap();
    fs::write(&second, "\n\ncreate index i on t (c);\n").unwrap();
    let out = glance()
        .args(["lint", "--format", "json"])
        .arg(&first)
        .arg(&second)
        .run();
    out.code(1);
    let document = out.json();
    let files = document["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{out}");
    assert_eq!(files[0]["path"], first.display().to_string());
    assert_eq!(files[1]["path"], second.display().to_string());
    let index = &files[1]["statements"][0];
    assert_eq!(index["line"], 3);
    assert_eq!(index["sql"], "create index i on t (c)");
    assert_eq!(index["lock"], "ShareLock");
    assert_eq!(index["blocks"], serde_json::json!(["writes"]));
    assert_eq!(index["scans"], true);
    assert_eq!(index["rewrites"], false);
    let finding = &index["findings"][0];
    assert_eq!(finding["rule"], "require-concurrent-index");
    assert_eq!(finding["level"], "warning");
    assert!(finding["message"].is_string() && finding["fix"].is_string());
    assert_eq!(files[0]["statements"][1]["findings"], serde_json::json!([]));
}

#[test]
fn a_dbmate_file_lints_its_up_and_down_sections_apart() {
    let dir = harness::scratch_dir("lint_dbmate");
    let path = dir.join("20240601000000_token.sql");
    fs::write(
        &path,
        "-- migrate:up\nset lock_timeout = '2s';\nalter table orders add column token uuid;\n\
         create index orders_token on orders (token);\n\n\
         -- migrate:down\nalter table orders drop column token;\n",
    )
    .unwrap();
    let out = glance().args(["lint", "--format", "json"]).arg(&path).run();
    out.code(1);
    let statements = out.json()["files"][0]["statements"].clone();
    let lines: Vec<i64> = statements
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, [2, 3, 4, 7], "{out}");
    // The up section runs in one transaction: line 3's lock is held.
    assert_eq!(statements[2]["held"][0]["line"], 3, "{out}");
    // The down section is its own run: no lock_timeout, no table created.
    let rules: Vec<&str> = statements[3]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["require-lock-timeout", "drop-column"], "{out}");
    fs::write(
        &path,
        "-- migrate:up transaction:false\ncreate index concurrently i on orders (token);\n\
         -- migrate:down transaction:false\ndrop index concurrently i;\n",
    )
    .unwrap();
    glance()
        .args(["lint", "--assume-in-transaction"])
        .arg(&path)
        .run()
        .success()
        .stdout_has(":2: create index concurrently i on orders (token)\n")
        .stdout_has(":4: drop index concurrently i\n")
        .stdout_has("0 errors, 0 warnings, 2 info");
}

#[test]
fn formats_other_than_text_and_json_are_refused() {
    for format in ["csv", "ndjson", "markdown", "expanded"] {
        glance()
            .args(["lint", "--format", format])
            .stdin("select 1;\n")
            .run()
            .code(2)
            .stderr_has(&format!("glance lint writes text or JSON, not {format}"))
            .stderr_has("leave --format out for text, or give --format json");
    }
    glance()
        .args(["lint", "--format", "table"])
        .stdin("select 1;\n")
        .run()
        .success()
        .stdout_has("1 statement in 1 file: 0 errors, 0 warnings, 0 info");
}

#[test]
fn a_file_that_does_not_parse_names_its_line_and_column() {
    let dir = harness::scratch_dir("lint_parse");
    let path = dir.join("bad.sql");
    fs::write(&path, "select 1;\n\nalter tabel t add c int;\n").unwrap();
    glance()
        .arg("lint")
        .arg(&path)
        .run()
        .code(2)
        .stderr_has(&format!("{}:3:7: cannot parse: ", path.display()))
        .stderr_has("tabel");
    glance()
        .args(["lint", "/nonexistent/migration.sql"])
        .run()
        .code(2)
        .stderr_has("cannot read /nonexistent/migration.sql");
}

#[test]
fn sqlite_has_no_lock_levels_but_its_own_limits() {
    let sql = "alter table t alter column c set not null;\nalter table t drop column c;\n";
    let (out, document) = lint_json(sql, &["--dialect", "sqlite"]);
    out.code(1);
    let statements = &document["files"][0]["statements"];
    assert_eq!(statements[0]["lock"], Json::Null);
    assert_eq!(statements[0]["findings"][0]["rule"], "sqlite-alter-limits");
    assert_eq!(statements[0]["findings"][0]["level"], "error");
    assert_eq!(statements[1]["rewrites"], true);
    assert_eq!(statements[1]["findings"][0]["rule"], "drop-column");
    // -d picks the dialect without opening the database.
    let dir = harness::scratch_dir("lint_sqlite");
    let database = dir.join("app.db");
    let (out, document) = lint_json(sql, &["-d", database.to_str().unwrap()]);
    out.code(1);
    assert_eq!(
        document["files"][0]["statements"][0]["findings"][0]["rule"],
        "sqlite-alter-limits"
    );
    assert!(!database.exists(), "lint opened the database");
}

/// Every relation's strongest mode but ACCESS SHARE, and its kind
/// (`pg_class.relkind`), as `sql` takes them in a transaction rolled back.
/// Whether `relation` got a new file is the last element (one renamed
/// counts as not).
fn measure_all(
    client: &mut postgres::Client,
    sql: &str,
    relation: &str,
) -> (Vec<(String, String, String)>, bool) {
    let filenode = |client: &mut postgres::Client| -> Option<u32> {
        client
            .query_one("select pg_relation_filenode(to_regclass($1))", &[&relation])
            .unwrap()
            .get(0)
    };
    // Relations as they were before and after, so that one the statement
    // drops is still named.
    let relations = |client: &mut postgres::Client| -> Vec<(u32, String, String)> {
        client
            .query(
                "select oid, relname::text, relkind::text from pg_class \
                 where relnamespace = 'public'::regnamespace",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    };
    client.batch_execute("begin").unwrap();
    let before = filenode(client);
    let mut named = relations(client);
    client
        .batch_execute(sql)
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    let after = filenode(client);
    named.extend(relations(client));
    let rows = client
        .query(
            "select relation, array_agg(mode) from pg_locks \
             where pid = pg_backend_pid() and relation is not null group by 1",
            &[],
        )
        .unwrap();
    client.batch_execute("rollback").unwrap();
    let modes = rows
        .iter()
        .filter_map(|row| {
            let oid: u32 = row.get(0);
            let (_, name, kind) = named.iter().find(|(o, ..)| *o == oid)?;
            let mode = strongest(&row.get::<_, Vec<String>>(1))?;
            (mode != "AccessShareLock").then(|| (name.clone(), kind.clone(), mode))
        })
        .collect();
    (
        modes,
        before.is_some() && after.is_some() && after != before,
    )
}

#[test]
fn statements_the_parser_does_not_read_lock_what_the_server_takes() {
    let db = harness::db("lint_recognised");
    db.execute(RECOGNISED_SCHEMA);
    let all: Vec<&str> = RECOGNISED.iter().chain(PARSED_ELSEWHERE).copied().collect();
    let (out, document) = lint_json(&all.join(";\n"), &[]);
    let statements = document["files"][0]["statements"]
        .as_array()
        .unwrap_or_else(|| panic!("no statements\n{out}"));
    assert_eq!(statements.len(), all.len(), "{out}");
    let mut client = db.client();
    for (sql, linted) in all.iter().zip(statements) {
        let first = linted["locks"][0]["relation"].as_str().unwrap_or_default();
        let (measured, rewritten) = measure_all(&mut client, sql, first);
        // Rewrites are of tables (an index rebuilt is a scan, a sequence
        // is one page); SET TABLESPACE to the table's own tablespace
        // copies nothing.
        let not_table = measured
            .iter()
            .any(|(r, kind, _)| r == first && (kind == "i" || kind == "S"));
        if !not_table && !sql.contains("tablespace") {
            assert_eq!(
                linted["rewrites"], rewritten,
                "rewrite of {first} for {sql}"
            );
        }
        let said: Vec<(String, String)> = linted["locks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                (
                    l["relation"].as_str().unwrap().into(),
                    l["mode"].as_str().unwrap().into(),
                )
            })
            .collect();
        let modes: Vec<String> = measured.iter().map(|(.., mode)| mode.clone()).collect();
        assert_eq!(
            linted["lock"].as_str().map(str::to_string),
            strongest(&modes),
            "strongest lock for {sql}\n{measured:?}\n{linted:#}"
        );
        for (relation, kind, mode) in &measured {
            let named = said.iter().find(|(r, _)| r == relation);
            if let Some((_, said_mode)) = named {
                assert_eq!(said_mode, mode, "lock on {relation} for {sql}");
            } else {
                // Indexes of the table are not named; nor is the table of
                // REINDEX INDEX, which takes SHARE on it.
                let index_table = sql.contains("INDEX") && mode == "ShareLock";
                assert!(
                    kind == "i" || index_table,
                    "{sql} locks {relation} ({mode}), not said\n{linted:#}"
                );
            }
        }
        assert_eq!(linted["transactional"], true, "{sql}");
    }
    let (out, document) = lint_json(&RECOGNISED_OUTSIDE.join(";\n"), &[]);
    for (sql, linted) in RECOGNISED_OUTSIDE
        .iter()
        .zip(document["files"][0]["statements"].as_array().unwrap())
    {
        assert_eq!(linted["transactional"], false, "{sql}\n{out}");
        client.batch_execute("begin").unwrap();
        let error = client
            .batch_execute(sql)
            .expect_err("refused in a transaction block");
        client.batch_execute("rollback").unwrap();
        assert!(
            error
                .as_db_error()
                .map_or(String::new(), |e| e.message().to_string())
                .contains("cannot run inside a transaction block"),
            "{sql}: {error}"
        );
    }
}

#[test]
fn reindex_refresh_and_partitions_are_linted_not_parse_errors() {
    let sql = "set lock_timeout = '2s';\n-- nightly\nREINDEX TABLE app.\"Orders\";\n\
               refresh materialized view concurrently m;\n\
               alter table r detach partition r1;\n";
    glance()
        .arg("lint")
        .stdin(sql)
        .run()
        .code(1)
        .stdout_has("-:3: REINDEX TABLE app.\"Orders\"\n")
        .stdout_has(
            "  ShareLock on Orders (blocks writes); AccessExclusiveLock on indexes of Orders \
             (blocks reads and writes); scans the table\n",
        )
        .stdout_has("  warning require-concurrent-reindex: ")
        .stdout_has("    fix: REINDEX TABLE CONCURRENTLY app.\"Orders\"; (outside")
        .stdout_has("-:4: refresh materialized view concurrently m\n  ExclusiveLock on m (blocks writes); scans the table\n")
        .stdout_has("    fix: ALTER TABLE r DETACH PARTITION r1 CONCURRENTLY;")
        .stdout_has("4 statements in 1 file: 0 errors, 2 warnings, 0 info");
    glance()
        .arg("lint")
        .stdin(
            "set lock_timeout = '2s';\ndo $$\nbegin\n  execute 'alter table t add c int';\n\
             end $$;\ncreate index i on t (c);\n",
        )
        .run()
        .code(1)
        .stdout_has(
            "-:2: do $$ …\n  warning unchecked-do-block: glance cannot see what a DO block does",
        )
        .stdout_has("    fix: check its statements by hand")
        .stdout_has("-:6: create index i on t (c)\n")
        .stdout_has("  warning require-concurrent-index: ")
        .stdout_has("3 statements in 1 file: 0 errors, 2 warnings, 0 info");
    glance()
        .arg("lint")
        .stdin("reindex table t;\ncluster t using;\n")
        .run()
        .code(2)
        .stderr_has("-:2:1: cannot parse: ");
}
