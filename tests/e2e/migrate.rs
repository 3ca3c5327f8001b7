//! `glance migrate` and `\migrate`: the model's (or a hand-written) up and
//! down steps, linted, validated live in a transaction that is always
//! rolled back (the database is left as it was), refused before running
//! when a step rewrites a table, failed when the down does not restore the
//! schema, applied with `--apply` only after a confirmation.

use std::fs;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, TestDb, glance};

const SOFT_DELETE: &str = "Here it is.\n```sql up\nALTER TABLE customers ADD COLUMN deleted_at timestamptz;\nCOMMENT ON COLUMN customers.deleted_at IS 'When the customer was deleted';\n```\n\n```sql down\nALTER TABLE customers DROP COLUMN deleted_at;\n```\n";

fn shop(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table customers (id int primary key, name text not null);
         create table orders (id int primary key, customer_id int references customers (id));
         insert into customers select g, 'c' || g from generate_series(1, 50) g;",
    );
    db
}

fn migrate(db: &TestDb, args: &[&str]) -> Cmd {
    glance()
        .arg("migrate")
        .args(args.iter().copied())
        .args(["--no-history", "-d", db.url()])
}

/// Writes `up` and `down` into files and returns their paths.
fn pair(hint: &str, up: &str, down: &str) -> (String, String) {
    let dir = harness::scratch_dir(hint);
    let (up_file, down_file) = (dir.join("up.sql"), dir.join("down.sql"));
    fs::write(&up_file, up).expect("write up");
    fs::write(&down_file, down).expect("write down");
    (
        up_file.display().to_string(),
        down_file.display().to_string(),
    )
}

#[test]
fn the_model_path_validates_live_and_leaves_the_database_as_it_was() {
    let db = shop("migrate_model");
    let before = db.fingerprint();
    let fake = FakeLlm::openai(vec![Reply::text(SOFT_DELETE)]);
    let out = fake
        .on(migrate(&db, &["add a soft delete column to customers"]))
        .run();
    out.success()
        .stdout_has("SET lock_timeout = '2s';")
        .stdout_has("ALTER TABLE customers ADD COLUMN deleted_at timestamptz;")
        .stdout_has("AccessExclusiveLock on customers (blocks reads and writes)")
        .stdout_has("Validation (live):")
        .stdout_has("up: no table rewritten (filenodes unchanged)")
        .stdout_has("the schema is restored (fingerprint equal)");
    assert_eq!(db.fingerprint(), before, "live validation changed nothing");
    let body: String = fake.requests().iter().map(|r| r.body.to_string()).collect();
    assert!(body.contains("customers"), "the schema went to the model");
    assert!(
        body.contains("add a soft delete column to customers"),
        "{body}"
    );
}

#[test]
fn json_has_the_documented_shape() {
    let db = shop("migrate_json");
    let (up, down) = pair(
        "migrate_json",
        "alter table customers add column deleted_at timestamptz;",
        "alter table customers drop column deleted_at;",
    );
    let out = migrate(&db, &["--up", &up, "--down", &down, "--format", "json"]).run();
    out.success();
    let document = out.json();
    assert_eq!(document["request"], serde_json::Value::Null);
    assert!(
        document["up"]
            .as_str()
            .unwrap()
            .starts_with("SET lock_timeout = '2s';\nSET statement_timeout = '30s';")
    );
    let statement = &document["statements"][0];
    assert_eq!(
        statement["sql"],
        "alter table customers add column deleted_at timestamptz"
    );
    assert_eq!(statement["lock"], "AccessExclusiveLock");
    assert_eq!(statement["rewrites"], false);
    assert_eq!(statement["transactional"], true);
    assert!(statement["findings"].is_array());
    assert_eq!(
        document["validation"],
        serde_json::json!({"mode": "live", "up": "passed", "down": "passed", "restored": true})
    );
    assert_eq!(document["files"], serde_json::json!([]));
    assert_eq!(document["applied"], false);
    assert!(document.get("reason").is_none(), "{document}");
}

#[test]
fn a_pair_that_sets_its_own_lock_timeout_validates_with_it_kept() {
    let db = shop("migrate_own_timeout");
    let before = db.fingerprint();
    let (up, down) = pair(
        "migrate_own_timeout",
        "SET lock_timeout = '5s';\nalter table customers add column deleted_at timestamptz;\n",
        "SET lock_timeout = '5s';\nalter table customers drop column deleted_at;\n",
    );
    let out = migrate(&db, &["--up", &up, "--down", &down]).run();
    out.success()
        .stdout_has(
            "SET statement_timeout = '30s';\n\nSET lock_timeout = '5s';\nalter table customers",
        )
        .stdout_has("down: ran 2 statements, the schema is restored");
    assert!(!out.stdout.contains("SET lock_timeout = '2s'"), "{out}");
    assert_eq!(db.fingerprint(), before);
}

#[test]
fn a_down_that_does_not_restore_the_schema_fails_with_its_reason() {
    let db = shop("migrate_unrestored");
    let before = db.fingerprint();
    let (up, down) = pair(
        "migrate_unrestored",
        "alter table customers add column deleted_at timestamptz;\ncreate index customers_deleted on customers (deleted_at);",
        "drop index customers_deleted;",
    );
    let dir = harness::scratch_dir("migrate_unrestored_files");
    let dir_arg = dir.display().to_string();
    let out = migrate(
        &db,
        &[
            "--up", &up, "--down", &down, "--format", "json", "--dir", &dir_arg, "--tool", "dbmate",
        ],
    )
    .run();
    out.code(1)
        .stderr_has("the migration did not pass")
        .stderr_has("write a down step that undoes exactly what the up step does");
    let document = out.json();
    assert_eq!(document["validation"]["restored"], false);
    assert_eq!(document["validation"]["down"], "passed");
    assert_eq!(document["files"], serde_json::json!([]));
    let reason = document["reason"].as_str().unwrap();
    assert!(reason.contains("does not restore the schema"), "{reason}");
    assert!(reason.contains("deleted_at"), "{reason}");
    assert_eq!(db.fingerprint(), before);
    let written = fs::read_dir(&dir).map_or(0, |entries| entries.count());
    assert_eq!(written, 0, "no files written");
}

#[test]
fn a_validated_migration_is_written_in_the_tool_the_directory_uses() {
    let db = shop("migrate_files");
    let dir = harness::scratch_dir("migrate_files_dir");
    fs::write(
        dir.join("20240101000000_create_customers.sql"),
        "-- migrate:up\ncreate table customers ();\n\n-- migrate:down\ndrop table customers;\n",
    )
    .expect("seed a dbmate migration");
    let fake = FakeLlm::openai(vec![Reply::text(SOFT_DELETE)]);
    let dir_arg = dir.display().to_string();
    let out = fake
        .on(migrate(
            &db,
            &[
                "add a soft delete column to customers",
                "--dir",
                &dir_arg,
                "--format",
                "json",
            ],
        ))
        .run();
    out.success();
    let document = out.json();
    let files = document["files"].as_array().expect("files");
    assert_eq!(files.len(), 1, "{document}");
    let path = files[0].as_str().unwrap();
    assert!(
        path.ends_with("_add_a_soft_delete_column_to_customers.sql"),
        "{path}"
    );
    let text = fs::read_to_string(path).expect("written");
    assert!(text.contains("-- migrate:up"), "{text}");
    assert!(text.contains("SET lock_timeout = '2s';"), "{text}");
    assert!(
        text.contains("-- migrate:down") && text.contains("DROP COLUMN deleted_at"),
        "{text}"
    );
}

#[test]
fn a_volatile_default_rewrites_the_table_and_is_refused_for_live_validation() {
    let db = shop("migrate_rewrite");
    db.execute("insert into customers select g, 'c' || g from generate_series(51, 20000) g; analyze customers;");
    let before = db.fingerprint();
    let (up, down) = pair(
        "migrate_rewrite",
        "alter table customers add column token uuid default gen_random_uuid();",
        "alter table customers drop column token;",
    );
    let out = migrate(&db, &["--up", &up, "--down", &down]).run();
    out.code(1)
        .stdout_has("rewrites the table")
        .stdout_has("refused: the up step rewrites customers")
        .stdout_has("--scratch URL");
    assert_eq!(db.fingerprint(), before);
}

#[test]
fn a_rewrite_of_a_small_table_is_caught_by_its_filenode() {
    let db = shop("migrate_filenode");
    let before = db.fingerprint();
    let (up, down) = pair(
        "migrate_filenode",
        "alter table customers add column token uuid default gen_random_uuid();",
        "alter table customers drop column token;",
    );
    let out = migrate(&db, &["--up", &up, "--down", &down]).run();
    out.code(1)
        .stdout_has("the up step rewrites public.customers (its filenode changed)");
    assert_eq!(db.fingerprint(), before);
}

#[test]
fn a_step_that_cannot_run_in_a_transaction_is_refused_before_anything_runs() {
    let db = shop("migrate_concurrently");
    let (up, down) = pair(
        "migrate_concurrently",
        "create index concurrently customers_name on customers (name);",
        "drop index concurrently customers_name;",
    );
    let out = migrate(&db, &["--up", &up, "--down", &down]).run();
    out.code(1)
        .stdout_has("SET statement_timeout = 0;")
        .stdout_has("cannot run in a transaction");
    assert!(!db.relation_exists("customers_name"));
}

#[test]
fn apply_runs_the_up_step_only_when_confirmed() {
    let db = shop("migrate_apply");
    let (up, down) = pair(
        "migrate_apply",
        "alter table customers add column deleted_at timestamptz;",
        "alter table customers drop column deleted_at;",
    );
    let column = "select count(*) from information_schema.columns where column_name = 'deleted_at'";
    let refused = migrate(&db, &["--up", &up, "--down", &down, "--apply"]).run();
    refused.code(3).stderr_has("needs a confirmation");
    assert_eq!(db.query_scalar(column).as_deref(), Some("0"));
    let out = migrate(
        &db,
        &[
            "--up", &up, "--down", &down, "--apply", "--yes", "--format", "json",
        ],
    )
    .run();
    out.success().stderr_has("Applied the up step.");
    assert_eq!(out.json()["applied"], true);
    assert_eq!(db.query_scalar(column).as_deref(), Some("1"));
}

#[test]
fn backslash_migrate_offers_to_apply_or_save_once_validated() {
    let db = shop("migrate_repl");
    let fake = FakeLlm::openai(vec![
        Reply::text(SOFT_DELETE),
        Reply::text(SOFT_DELETE),
        Reply::text(SOFT_DELETE),
    ]);
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let mut repl = harness::pty_with_env(["repl", "--no-history", "-d", db.url()], &env);
    repl.expect_prompt();
    let column = "select count(*) from information_schema.columns where column_name = 'deleted_at'";
    repl.send_line("\\migrate add a soft delete column to customers");
    repl.expect_all(&["the schema is restored", "[y/s/N]"]);
    repl.send_line("n");
    repl.expect("Not applied.");
    repl.expect_prompt();
    assert_eq!(
        db.query_scalar(column).as_deref(),
        Some("0"),
        "{}",
        repl.transcript()
    );

    let dir = harness::scratch_dir("migrate_repl_files");
    repl.send_line("\\migrate add a soft delete column to customers");
    repl.expect("[y/s/N]");
    repl.send_line("s");
    repl.expect("Directory for the files:");
    repl.send_line(&dir.display().to_string());
    repl.expect("Migration tool (");
    repl.send_line("golang-migrate");
    repl.expect("Wrote ");
    repl.expect_prompt();
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names[0].ends_with("_add_a_soft_delete_column_to_customers.down.sql"),
        "{names:?}"
    );
    assert_eq!(
        db.query_scalar(column).as_deref(),
        Some("0"),
        "saving applies nothing"
    );

    repl.send_line("\\migrate add a soft delete column to customers");
    repl.expect("[y/s/N]");
    repl.send_line("y");
    repl.expect("[y/N]");
    repl.send_line("y");
    repl.expect("Applied the up step.");
    repl.expect_prompt();
    assert_eq!(
        db.query_scalar(column).as_deref(),
        Some("1"),
        "{}",
        repl.transcript()
    );
}

#[test]
fn scratch_round_trips_on_a_copy_of_the_schema_and_never_touches_the_connected_database() {
    let db = shop("migrate_scratch");
    let scratch = harness::db("migrate_scratch_copy");
    let before = db.fingerprint();
    let (up, down) = pair(
        "migrate_scratch",
        "alter table customers add column token uuid default gen_random_uuid();",
        "alter table customers drop column token;",
    );
    let out = migrate(
        &db,
        &[
            "--up",
            &up,
            "--down",
            &down,
            "--scratch",
            scratch.url(),
            "--format",
            "json",
        ],
    )
    .run();
    out.success();
    assert_eq!(
        out.json()["validation"],
        serde_json::json!({"mode": "scratch", "up": "passed", "down": "passed", "restored": true})
    );
    assert_eq!(
        db.fingerprint(),
        before,
        "the connected database is untouched"
    );
    let token = "select count(*) from information_schema.columns where column_name = 'token'";
    assert_eq!(
        scratch.query_scalar(token).as_deref(),
        Some("1"),
        "up ran there"
    );
    assert_eq!(
        scratch
            .query_scalar("select count(*) from customers")
            .as_deref(),
        Some("0")
    );

    let same = migrate(&db, &["--up", &up, "--down", &down, "--scratch", db.url()]).run();
    same.code(1)
        .stdout_has("the scratch database is the connected database");
    assert_eq!(db.fingerprint(), before);
}

#[test]
fn sqlite_validates_in_a_rolled_back_transaction_too() {
    let dir = harness::scratch_dir("migrate_sqlite");
    let path = dir.join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch("create table customers (id integer primary key, name text not null);")
        .expect("seed sqlite file");
    let schema = |conn: &rusqlite::Connection| -> Vec<String> {
        conn.prepare("select coalesce(sql, '') from sqlite_master order by name")
            .expect("prepare")
            .query_map([], |row| row.get(0))
            .expect("query")
            .map(|row| row.expect("row"))
            .collect()
    };
    let before = schema(&conn);
    let (up, down) = pair(
        "migrate_sqlite",
        "alter table customers add column deleted_at text;\ncreate index customers_deleted on customers (deleted_at);",
        "drop index customers_deleted;\nalter table customers drop column deleted_at;",
    );
    let db = path.display().to_string();
    let out = glance()
        .args(["migrate", "--up", &up, "--down", &down, "--format", "json"])
        .args(["--no-history", "-d", &db])
        .run();
    out.success();
    let document = out.json();
    assert_eq!(document["validation"]["restored"], true, "{document}");
    assert!(
        document["up"]
            .as_str()
            .unwrap()
            .starts_with("alter table customers"),
        "no timeouts on SQLite: {document}"
    );
    assert_eq!(schema(&conn), before);
}
