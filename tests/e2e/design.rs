//! `glance design TEXT` and `\design TEXT`: the model's DDL is validated
//! where nothing of it stays (SQLite: an in-memory database; PostgreSQL: a
//! throwaway schema in a rolled-back transaction), shown as tables with a
//! Mermaid diagram or as JSON, saved without replacing a file, applied
//! only when allowed, fixed once and refined in the REPL with the previous
//! DDL sent back to the model; the database is unchanged otherwise.

use std::fs;
use std::path::PathBuf;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, glance};

const LIBRARY: &str = "Here is a design.\n\n```sql\n\
CREATE TABLE members ( -- people who borrow\n  \
  id INTEGER PRIMARY KEY,\n  \
  name TEXT NOT NULL -- full name\n);\n\n\
CREATE TABLE loans (\n  \
  id INTEGER PRIMARY KEY,\n  \
  member_id INTEGER NOT NULL REFERENCES members (id),\n  \
  customer_id INTEGER REFERENCES customers (id),\n  \
  days INTEGER NOT NULL CHECK (days > 0)\n);\n\n\
CREATE INDEX loans_member_id ON loans (member_id);\n```\n";

const REFINED: &str = "```sql\n\
CREATE TABLE members (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n\
CREATE TABLE loans (id INTEGER PRIMARY KEY, member_id INTEGER NOT NULL REFERENCES members (id), \
due_on TEXT NOT NULL);\n\
CREATE INDEX loans_member_id ON loans (member_id);\n```\n";

/// A SQLite file with one table of the person's, and its path.
fn shop(hint: &str) -> (PathBuf, String) {
    let dir = harness::scratch_dir(hint);
    let path = dir.join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch("create table customers (id integer primary key, name text);")
        .expect("schema");
    let url = path.display().to_string();
    (dir, url)
}

/// `glance design` on `url` with the fake model, `args` after `design`.
fn design(fake: &FakeLlm, url: &str, args: &[&str]) -> harness::Output {
    fake.on(glance())
        .args(["--no-history", "-d", url, "design"])
        .args(args.iter().copied())
        .run()
}

/// The file's schema text, which nothing but --apply may change.
fn schema(url: &str) -> String {
    let conn = rusqlite::Connection::open(url).expect("sqlite");
    let mut stmt = conn
        .prepare("select group_concat(sql, ';') from sqlite_master")
        .expect("prepare");
    stmt.query_row([], |row| row.get::<_, String>(0))
        .expect("schema")
}

#[test]
fn design_shows_tables_and_diagram_and_leaves_the_file_alone() {
    let (_dir, url) = shop("design_show");
    let before = schema(&url);
    let fake = FakeLlm::openai(vec![Reply::text(LIBRARY)]);
    let out = design(&fake, &url, &["a library with members and loans"]);
    out.success()
        .stdout_has("Table \"main.members\"")
        .stdout_has("people who borrow")
        .stdout_has("Check constraints:")
        .stdout_has("CHECK (days > 0)")
        .stdout_has("loans_member_id")
        .stdout_has("erDiagram")
        .stdout_has("main__loans }|--|| main__members")
        .stderr_has("Validated: created in an in-memory database")
        .stderr_has("Here is a design.\n\n")
        .stderr_has("Lint: no findings.");
    assert!(out.stdout.starts_with("CREATE TABLE members"), "{out}");
    assert_eq!(schema(&url), before);
    let body: String = fake.requests().iter().map(|r| r.body.to_string()).collect();
    assert!(
        body.contains("customers"),
        "the existing tables are named: {body}"
    );
}

#[test]
fn design_json_has_the_documented_shape() {
    let (_dir, url) = shop("design_json");
    let fake = FakeLlm::openai(vec![Reply::text(LIBRARY)]);
    let out = design(&fake, &url, &["--format", "json", "a library"]);
    let doc: serde_json::Value = serde_json::from_str(&out.success().stdout).expect("JSON");
    assert_eq!(doc["request"], "a library");
    assert_eq!(doc["notes"], "Here is a design.");
    assert_eq!(doc["validated"], true);
    assert!(doc["ddl"].as_str().unwrap().contains("CREATE TABLE loans"));
    assert!(doc["diagram"].as_str().unwrap().contains("erDiagram"));
    let table = |name: &str| {
        doc["tables"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .expect("the table")
            .clone()
    };
    let loans = table("loans");
    assert_eq!(loans["primary_key"]["columns"], serde_json::json!(["id"]));
    assert_eq!(loans["columns"][1]["name"], "member_id");
    assert_eq!(loans["columns"][1]["nullable"], false);
    let referenced: Vec<&str> = loans["foreign_keys"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|fk| fk["references"]["table"].as_str())
        .collect();
    assert!(
        referenced.contains(&"customers") && referenced.contains(&"members"),
        "{referenced:?}"
    );
    let members_fk = loans["foreign_keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|fk| fk["references"]["table"] == "members")
        .expect("the key to members");
    assert_eq!(
        members_fk["references"],
        serde_json::json!({"schema": "main", "table": "members", "columns": ["id"]})
    );
    assert!(
        loans["foreign_keys"]
            .as_array()
            .unwrap()
            .iter()
            .all(|fk| fk["name"].is_null()),
        "SQLite keeps no name for an unnamed foreign key, and none is invented: {loans}"
    );
    assert_eq!(loans["checks"][0]["definition"], "CHECK (days > 0)");
    assert_eq!(loans["indexes"][0]["name"], "loans_member_id");
    let members = table("members");
    assert_eq!(members["comment"], "people who borrow");
    assert_eq!(members["columns"][1]["comment"], "full name");
}

#[test]
fn a_rejected_design_exits_1_with_the_database_error() {
    let (_dir, url) = shop("design_invalid");
    let fake = FakeLlm::openai(vec![Reply::text(
        "```sql\nCREATE TABLE customers (id INTEGER PRIMARY KEY);\n```",
    )]);
    let out = design(&fake, &url, &["customers again"]);
    out.code(1)
        .stderr_has(
            "glance: error: the design did not validate: the database rejected \
             `CREATE TABLE customers (id INTEGER PRIMARY KEY)`: ",
        )
        .stderr_has("table customers already exists")
        .never_shows("Lint: no findings.");
    let fake = FakeLlm::openai(vec![Reply::text("```sql\nDROP TABLE customers;\n```")]);
    let out = design(&fake, &url, &["drop it"]);
    out.code(1).stderr_has("a design holds only CREATE");
    assert!(schema(&url).contains("customers"));
    let fake = FakeLlm::openai(vec![Reply::text(
        "I would rather not.\u{1b}]0;pwned\u{7} Ask me about \n\n  something else.",
    )]);
    design(&fake, &url, &["anything"])
        .code(1)
        .stderr_has("the model's reply holds no DDL; it begins: I would rather not.")
        .stderr_has("Ask me about something else.")
        .never_shows("\u{1b}]0;");
    let fake = FakeLlm::openai(Vec::new());
    design(&fake, &url, &["  "])
        .code(2)
        .stderr_has("say what the design should hold");
}

#[test]
fn save_never_replaces_a_file_and_apply_needs_permission() {
    let (dir, url) = shop("design_save");
    let file = dir.join("library.sql");
    let file_arg = file.display().to_string();
    let fake = FakeLlm::openai(vec![Reply::text(LIBRARY)]);
    design(&fake, &url, &["a library", "--save", &file_arg])
        .success()
        .stderr_has("Wrote");
    assert!(
        fs::read_to_string(&file)
            .unwrap()
            .contains("CREATE TABLE loans")
    );
    let fake = FakeLlm::openai(Vec::new());
    design(&fake, &url, &["a library", "--save", &file_arg])
        .code(2)
        .stderr_has("glance never replaces a file");
    let fake = FakeLlm::openai(Vec::new());
    design(&fake, &url, &["a library", "--apply"])
        .code(3)
        .stderr_has("--allow-write");
    assert!(!schema(&url).contains("loans"));
    let fake = FakeLlm::openai(vec![Reply::text(LIBRARY)]);
    design(&fake, &url, &["a library", "--apply", "--allow-write"])
        .success()
        .stderr_has("Created 3 objects.")
        .never_shows("covers them all");
    assert!(schema(&url).contains("CREATE TABLE loans"));
}

#[test]
fn backslash_design_fixes_a_rejected_draft_once_saves_refines_and_applies_after_yes() {
    let (dir, url) = shop("design_repl");
    let rejected = "```sql\nCREATE TABLE customers (id INTEGER PRIMARY KEY);\n```";
    let fake = FakeLlm::openai(vec![
        Reply::text(rejected),
        Reply::text(LIBRARY),
        Reply::text(REFINED),
    ]);
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let mut repl = harness::pty_with_env(["repl", "--no-history", "-d", &url], &env);
    repl.expect_prompt();
    repl.send_line("\\design a library with members and loans");
    repl.expect_all(&[
        "The database rejected the draft at `CREATE TABLE customers",
        "asking the model to fix it (a second request)",
        "Here is a design.",
        "erDiagram",
        "[y/s/N]",
    ]);
    repl.send_line("s");
    repl.expect("Save the DDL to:");
    let saved = dir.join("draft.sql");
    repl.send_line(&saved.display().to_string());
    repl.expect("Wrote");
    repl.expect_prompt();
    assert!(
        fs::read_to_string(&saved)
            .unwrap()
            .contains("CREATE TABLE loans")
    );
    repl.send_line("\\design loans need a due date");
    repl.expect_all(&["due_on", "[y/s/N]"]);
    repl.send_line("y");
    repl.expect_all(&["CREATE INDEX loans_member_id ON loans (member_id)", "[y/N]"]);
    repl.send_line("y");
    repl.expect("Created 3 objects.");
    repl.expect_prompt();
    let requests = fake.requests();
    let fix = requests[1].body.to_string();
    assert!(
        fix.contains("database_error") && fix.contains("CREATE TABLE customers"),
        "{fix}"
    );
    let refinement = requests[2].body.to_string();
    assert!(
        refinement.contains("current_ddl")
            && refinement.contains("days INTEGER NOT NULL CHECK (days > 0)")
            && refinement.contains("loans need a due date"),
        "{refinement}"
    );
    assert!(schema(&url).contains("due_on"));
}

const PG_LIBRARY: &str = "```sql\n\
CREATE TABLE members (\n  \
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  \
  name text NOT NULL\n);\n\
CREATE TABLE loans (\n  \
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  \
  member_id bigint NOT NULL REFERENCES members (id),\n  \
  customer_id int REFERENCES customers (id),\n  \
  days int NOT NULL CHECK (days > 0)\n);\n\
CREATE INDEX loans_member_id ON loans (member_id);\n\
COMMENT ON TABLE members IS 'People who borrow';\n\
COMMENT ON COLUMN loans.days IS 'How long the loan runs';\n```\n";

/// A PostgreSQL database with one table of the person's, and a row.
fn pg_shop(hint: &str) -> harness::TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table customers (id int primary key, name text); \
         insert into customers values (1, 'Ann');",
    );
    db
}

/// How many throwaway design schemas the database holds.
fn scratch_schemas(db: &harness::TestDb) -> String {
    db.query_scalar(
        "select count(*)::text from pg_namespace where nspname like 'glance\\_design\\_%'",
    )
    .unwrap_or_default()
}

#[test]
fn postgres_design_validates_in_a_rolled_back_schema_and_applies_when_allowed() {
    let db = pg_shop("design_pg");
    let before = db.fingerprint();
    let fake = FakeLlm::openai(vec![Reply::text(PG_LIBRARY)]);
    design(&fake, db.url(), &["a library"])
        .success()
        .stdout_has("Table \"public.loans\"")
        .stdout_has("generated always as identity")
        .stdout_has("\"loans_days_check\" CHECK (days > 0)")
        .stdout_has("REFERENCES customers(id)")
        .stdout_has("How long the loan runs")
        .stdout_has("public__loans }|--|| public__members")
        .stdout_has("  public__customers[\"public.customers\"]\n")
        .stdout_has("public__loans }o--|| public__customers")
        .stderr_has(
            "Validated: created in a throwaway schema, in a transaction that was rolled back",
        );
    assert_eq!(db.fingerprint(), before);
    assert_eq!(scratch_schemas(&db), "0");

    let fake = FakeLlm::openai(vec![Reply::text(PG_LIBRARY)]);
    let out = design(&fake, db.url(), &["--format", "json", "a library"]);
    out.never_shows("glance_design_");
    let doc: serde_json::Value = serde_json::from_str(&out.success().stdout).expect("JSON");
    let members = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "members")
        .expect("members")
        .clone();
    assert_eq!(members["comment"], "People who borrow");
    assert_eq!(
        members["primary_key"],
        serde_json::json!({"name": "members_pkey", "columns": ["id"]})
    );
    let loans = doc["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "loans")
        .expect("loans");
    assert!(
        loans["foreign_keys"].as_array().unwrap().iter().any(|fk| fk["references"]
            == serde_json::json!({"schema": "public", "table": "customers", "columns": ["id"]})),
        "{loans}"
    );
    assert_eq!(
        members["columns"][0]["default"],
        "generated always as identity"
    );
    assert_eq!(doc["validated"], true);

    let fake = FakeLlm::openai(vec![Reply::text(
        "```sql\nCREATE TABLE loans (id int PRIMARY KEY, member_id int REFERENCES nowhere (id));\n```",
    )]);
    design(&fake, db.url(), &["loans"])
        .code(1)
        .stderr_has("relation \"nowhere\" does not exist");
    let fake = FakeLlm::openai(vec![Reply::text(
        "```sql\nCREATE TABLE customers (id int PRIMARY KEY);\n```",
    )]);
    design(&fake, db.url(), &["customers"])
        .code(1)
        .stderr_has("already exist: customers");
    assert_eq!(db.fingerprint(), before);
    assert_eq!(scratch_schemas(&db), "0");

    db.execute("create table part (k int) partition by list (k)");
    let before = db.fingerprint();
    for (extra, why) in [
        (
            "CREATE INDEX customers_name ON customers (name);",
            "this index is on customers, which it does not create; \
             add an index to customers with glance migrate: CREATE INDEX customers_name",
        ),
        (
            "COMMENT ON TABLE customers IS 'overwritten';",
            "it does not create customers",
        ),
        (
            "CREATE TABLE audit.notes3 (id int);",
            "name it without a schema: CREATE TABLE audit.notes3",
        ),
        (
            "CREATE TABLE p2 PARTITION OF part FOR VALUES IN (2);",
            "part of the existing table part",
        ),
    ] {
        let ddl = PG_LIBRARY.replace("```\n", &format!("{extra}\n```\n"));
        let fake = FakeLlm::openai(vec![Reply::text(&ddl), Reply::text(&ddl)]);
        design(&fake, db.url(), &["a library", "--apply", "--allow-write"])
            .code(1)
            .stderr_has(why);
        design(&fake, db.url(), &["--format", "json", "a library"])
            .code(1)
            .stdout_has("\"validated\":false");
    }
    assert_eq!(db.fingerprint(), before);
    assert_eq!(scratch_schemas(&db), "0");

    let fake = FakeLlm::openai(vec![Reply::text(PG_LIBRARY)]);
    design(&fake, db.url(), &["a library", "--apply", "--allow-write"])
        .success()
        .stderr_has("Created 3 objects.");
    assert_eq!(
        db.query_scalar("select obj_description('public.members'::regclass, 'pg_class')")
            .as_deref(),
        Some("People who borrow")
    );
}

#[test]
fn apply_on_a_read_only_profile_is_refused_before_the_model_is_asked() {
    let (dir, url) = shop("design_read_only");
    let home = dir.join("home");
    fs::create_dir_all(home.join(".config/glance")).expect("config dir");
    fs::write(
        home.join(".config/glance/config.toml"),
        format!("[connections.ro]\nurl = \"{url}\"\nread_only = true\n"),
    )
    .expect("config file");
    let fake = FakeLlm::openai(Vec::new());
    fake.on(glance().home(&home))
        .args([
            "-p",
            "ro",
            "design",
            "a library",
            "--apply",
            "--allow-write",
        ])
        .run()
        .code(3)
        .stderr_has("read-only");
    assert!(!schema(&url).contains("loans"));
}
