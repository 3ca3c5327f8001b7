//! `glance ask --sql`: running one statement without prompts, every output
//! format, SQL from stdin, global options in either position, dry runs and
//! the demo database.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value as Json;

use crate::harness::{self, Output, TestDb, glance};

/// A table with one row of every interesting kind of value and one row of
/// NULLs and empty strings.
fn sample_db(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        r#"
        create table sample (
            id int primary key,
            note text,
            amount numeric(10,2),
            label text,
            at timestamptz,
            doc jsonb,
            ok boolean,
            raw bytea
        );
        insert into sample values
            (1, null, 12.50, 'say "hi", bye', '2024-01-02 03:04:05+00', '{"k": [1, 2]}', true, '\xdeadbeef'),
            (2, '', -3.25, 'plain', null, null, false, null);
        "#,
    );
    db
}

fn ask_sql(db: &TestDb, sql: &str, format: &str) -> Output {
    glance()
        .args(["ask", "--sql", sql, "-d", db.url(), "--format", format])
        .run()
}

const ALL_COLUMNS: &str = "select * from sample order by id";

#[test]
fn csv_has_a_header_and_tells_null_from_empty_string() {
    let db = sample_db("csv_null");
    let out = ask_sql(&db, "select id, note from sample order by id", "csv");
    out.success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines, ["id,note", "1,", "2,\"\""], "{out}");
}

#[test]
fn csv_quotes_commas_and_quotes_and_shows_every_type() {
    let db = sample_db("csv_types");
    let out = ask_sql(&db, ALL_COLUMNS, "csv");
    out.success();
    let mut lines = out.stdout.lines();
    assert_eq!(
        lines.next(),
        Some("id,note,amount,label,at,doc,ok,raw"),
        "{out}"
    );
    let first = lines.next().unwrap_or_default();
    assert!(
        first.starts_with("1,,12.50,\"say \"\"hi\"\", bye\",2024-01-0"),
        "first row: {first}\n{out}"
    );
    assert!(first.contains("deadbeef"), "bytea value missing\n{out}");
    assert!(first.contains("\"k\""), "jsonb value missing\n{out}");
    assert!(out.stdout.contains("-3.25"), "{out}");
    assert_eq!(
        out.stdout.lines().count(),
        3,
        "header and two rows expected\n{out}"
    );
}

#[test]
fn json_is_one_document_with_columns_rows_and_counts() {
    let db = sample_db("json");
    let out = ask_sql(&db, ALL_COLUMNS, "json");
    out.success();
    let doc = out.json();
    assert_eq!(doc["sql"], ALL_COLUMNS, "{out}");
    assert_eq!(doc["level"], "read_only", "{out}");
    assert_eq!(doc["row_count"], 2, "{out}");
    assert_eq!(doc["complete"], true, "{out}");
    assert!(
        doc["timings"]["db_ms"].is_number(),
        "timings.db_ms missing\n{out}"
    );

    let columns = doc["columns"]
        .as_array()
        .unwrap_or_else(|| panic!("columns is not an array\n{out}"));
    let names: Vec<&str> = columns.iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(
        names,
        ["id", "note", "amount", "label", "at", "doc", "ok", "raw"],
        "{out}"
    );
    let types: BTreeMap<&str, &str> = columns
        .iter()
        .filter_map(|c| Some((c["name"].as_str()?, c["type"].as_str()?)))
        .collect();
    assert!(
        types.get("id").is_some_and(|t| t.starts_with("int")),
        "type of id: {types:?}\n{out}"
    );
    assert!(
        types.get("ok").is_some_and(|t| t.starts_with("bool")),
        "type of ok: {types:?}\n{out}"
    );
    assert_eq!(types.get("doc"), Some(&"jsonb"), "{out}");

    let rows = doc["rows"]
        .as_array()
        .unwrap_or_else(|| panic!("rows is not an array\n{out}"));
    assert_eq!(rows.len(), 2, "{out}");
    let (first, second) = (&rows[0], &rows[1]);
    assert_eq!(first["id"], 1, "{out}");
    assert_eq!(first["note"], Json::Null, "NULL must be null\n{out}");
    assert_eq!(second["note"], "", "'' must be an empty string\n{out}");
    assert_eq!(first["label"], "say \"hi\", bye", "{out}");
    assert_eq!(first["ok"], true, "{out}");
    assert_eq!(second["ok"], false, "{out}");
    let amount = &first["amount"];
    assert!(
        amount == "12.50" || amount.as_f64() == Some(12.5),
        "numeric 12.50 came out as {amount}\n{out}"
    );
    assert!(
        first["at"]
            .as_str()
            .is_some_and(|t| t.starts_with("2024-01-0")),
        "{out}"
    );
    assert!(
        first["doc"].to_string().contains('k'),
        "jsonb value missing\n{out}"
    );
    assert!(
        first["raw"].to_string().contains("deadbeef"),
        "bytea value missing\n{out}"
    );
    assert_eq!(second["raw"], Json::Null, "{out}");
}

#[test]
fn ndjson_prints_one_object_per_row() {
    let db = sample_db("ndjson");
    let out = ask_sql(&db, ALL_COLUMNS, "ndjson");
    out.success();
    let rows: Vec<Json> = out
        .stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            serde_json::from_str(l).unwrap_or_else(|e| panic!("line is not JSON ({e}): {l}\n{out}"))
        })
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!(rows[0]["id"], 1, "{out}");
    assert_eq!(rows[1]["id"], 2, "{out}");
    assert_eq!(rows[0]["note"], Json::Null, "{out}");
    assert_eq!(rows[1]["note"], "", "{out}");
}

#[test]
fn markdown_is_a_pipe_table() {
    let db = sample_db("markdown");
    let out = ask_sql(&db, "select id, label from sample order by id", "markdown");
    out.success();
    assert!(out.stdout.starts_with("| "), "{out}");
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert!(
        lines.len() >= 4,
        "header, separator and two rows expected\n{out}"
    );
    assert!(
        lines[0].contains("id") && lines[0].contains("label"),
        "{out}"
    );
    assert!(lines[1].contains("---"), "{out}");
    out.stdout_has("plain").stdout_has("say");
}

#[test]
fn table_shows_values_and_a_row_count_footer_when_piped() {
    let db = sample_db("table");
    let out = ask_sql(&db, ALL_COLUMNS, "table");
    out.success()
        .stdout_has("id")
        .stdout_has("label")
        .stdout_has("say \"hi\", bye")
        .stdout_has("12.50")
        .stdout_has("-3.25")
        .stdout_has("plain")
        .stdout_has("deadbeef")
        .stdout_has("(2 rows)");
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no colour codes when piped\n{out}"
    );
}

#[test]
fn table_footer_says_one_row_in_the_singular() {
    let db = sample_db("table_one");
    let out = ask_sql(&db, "select 41 + 1 as answer", "table");
    out.success()
        .stdout_has("answer")
        .stdout_has("42")
        .stdout_has("(1 row)");
}

#[test]
fn table_is_the_default_format() {
    let db = sample_db("table_default");
    glance()
        .args(["ask", "--sql", "select 'v' as k", "-d", db.url()])
        .run()
        .success()
        .stdout_has("k")
        .stdout_has("(1 row)");
}

#[test]
fn expanded_prints_one_block_per_record() {
    let db = sample_db("expanded");
    let out = ask_sql(&db, "select id, label from sample order by id", "expanded");
    out.success()
        .stdout_has("-[ RECORD 1 ]")
        .stdout_has("-[ RECORD 2 ]")
        .stdout_has("label")
        .stdout_has("plain");
}

#[test]
fn global_options_work_before_and_after_the_subcommand() {
    let db = harness::db("global_opts");
    let before = glance()
        .args([
            "-d",
            db.url(),
            "--format",
            "csv",
            "ask",
            "--sql",
            "select 1 as one",
        ])
        .run();
    before.success();
    let after = glance()
        .args([
            "ask",
            "--sql",
            "select 1 as one",
            "-d",
            db.url(),
            "--format",
            "csv",
        ])
        .run();
    after.success();
    assert_eq!(before.stdout, "one\n1\n", "{before}");
    assert_eq!(after.stdout, before.stdout, "{after}");
}

#[test]
fn sql_without_a_value_is_read_from_stdin() {
    let db = harness::db("stdin_sql");
    glance()
        .args(["ask", "-d", db.url(), "--format", "csv", "--sql"])
        .stdin("select 'from stdin' as src\n")
        .run()
        .success()
        .stdout_has("src\nfrom stdin\n");
}

#[test]
fn sql_dash_is_read_from_stdin() {
    let db = harness::db("stdin_dash");
    glance()
        .args(["ask", "--sql", "-", "-d", db.url(), "--format", "csv"])
        .stdin("select 7 * 6 as product;\n")
        .run()
        .success()
        .stdout_has("product\n42\n");
}

#[test]
fn a_write_typed_with_sql_runs_without_confirmation() {
    let db = harness::db("insert");
    db.execute("create table t (id int)");
    glance()
        .args(["ask", "--sql", "insert into t values (5)", "-d", db.url()])
        .run()
        .success();
    assert_eq!(
        db.query_scalar("select string_agg(id::text, ',') from t")
            .as_deref(),
        Some("5")
    );
}

#[test]
fn dry_run_names_the_level_and_reasons_and_runs_nothing() {
    let db = harness::db("dry_text");
    db.execute("create table t (id int); insert into t values (1);");
    let out = glance()
        .args(["ask", "--dry-run", "--sql", "drop table t", "-d", db.url()])
        .run();
    out.success().stdout_has("destructive");
    assert!(
        out.stdout.to_lowercase().matches("drop").count() >= 1,
        "reasons should mention DROP\n{out}"
    );
    assert!(db.relation_exists("t"), "dry run dropped the table\n{out}");
}

#[test]
fn dry_run_json_is_exactly_the_verdict() {
    let db = harness::db("dry_json");
    db.execute("create table t (id int)");
    let out = glance()
        .args([
            "ask",
            "--dry-run",
            "--format",
            "json",
            "--sql",
            "insert into t values (1)",
            "-d",
            db.url(),
        ])
        .run();
    out.success();
    let doc = out.json();
    let object = doc
        .as_object()
        .unwrap_or_else(|| panic!("not an object\n{out}"));
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["level", "reasons", "sql", "statements"], "{out}");
    assert_eq!(doc["sql"], "insert into t values (1)", "{out}");
    assert_eq!(doc["level"], "write", "{out}");
    assert!(doc["reasons"].is_array(), "{out}");
    assert_eq!(doc["statements"], 1, "{out}");
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("0"),
        "dry run inserted\n{out}"
    );
}

#[test]
fn dry_run_of_a_read_says_read_only() {
    let db = harness::db("dry_read");
    let out = glance()
        .args([
            "ask",
            "--dry-run",
            "--format",
            "json",
            "--sql",
            "select 1",
            "-d",
            db.url(),
        ])
        .run();
    out.success();
    let doc = out.json();
    assert_eq!(doc["level"], "read_only", "{out}");
    assert_eq!(doc["reasons"], Json::Array(vec![]), "{out}");
}

fn files_under(dir: &Path) -> BTreeMap<PathBuf, (u64, SystemTime)> {
    let mut found = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                stack.push(path);
            } else if let Ok(modified) = meta.modified() {
                found.insert(path, (meta.len(), modified));
            }
        }
    }
    found
}

#[test]
fn demo_database_is_created_in_the_data_dir_and_reused() {
    let home = harness::scratch_dir("demo_home");
    let data = home.join(".local/share");
    let run = || {
        glance()
            .home(&home)
            .args([
                "ask",
                "--demo",
                "--no-history",
                "--sql",
                "select count(*) from customers",
                "--format",
                "csv",
            ])
            .run()
    };
    let first = run();
    first.success();
    let mut lines = first.stdout.lines();
    assert!(
        lines.next().is_some_and(|h| h.starts_with("count")),
        "header expected\n{first}"
    );
    let count: u64 = lines
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or_else(|| panic!("no count\n{first}"));
    assert!(count > 0, "the demo has customers\n{first}");
    let created = files_under(&data);
    assert!(
        created.keys().any(|p| p.starts_with(&data)),
        "no demo database under XDG_DATA_HOME ({})\n{first}",
        data.display()
    );
    let second = run();
    second.success();
    assert_eq!(second.stdout, first.stdout, "{second}");
    let demo_files = |files: &BTreeMap<PathBuf, (u64, SystemTime)>| {
        files
            .iter()
            .filter(|(p, _)| {
                p.extension()
                    .is_some_and(|e| e == "db" || e == "sqlite" || e == "sqlite3")
            })
            .map(|(p, v)| (p.clone(), *v))
            .collect::<Vec<_>>()
    };
    let before = demo_files(&created);
    assert!(
        !before.is_empty(),
        "no demo database file under {}: {created:?}",
        data.display()
    );
    assert_eq!(
        demo_files(&files_under(&data)),
        before,
        "the second run rebuilt the demo database"
    );
}

#[test]
fn copy_to_stdout_prints_its_data_as_psql_does() {
    let db = harness::db("ask_copy_stdout");
    let out = glance()
        .args([
            "ask",
            "-d",
            db.url(),
            "--sql",
            "copy (select n, 'x,' || n as label from generate_series(1, 3) n) to stdout with (format csv, header)",
        ])
        .run();
    out.success();
    assert_eq!(
        out.stdout, "n,label\n1,\"x,1\"\n2,\"x,2\"\n3,\"x,3\"\n",
        "{out}"
    );
}

/// The one JSON document on stdout of a failed `ask --format json`.
fn error_document(out: &Output) -> Json {
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one document on stdout:\n{out}");
    serde_json::from_str(lines[0]).expect("stdout is JSON")
}

/// `glance ask --format json --sql SQL -d TARGET`, which must exit with `code`.
fn failed_sql_json(target: &str, sql: &str, code: i32) -> Json {
    let out = glance()
        .args(["ask", "--format", "json", "--sql", sql, "-d", target])
        .run();
    out.code(code);
    error_document(&out)
}

#[test]
fn ask_format_json_prints_one_error_document_for_every_failure() {
    let db = harness::db("ask_json_errors");
    let port = harness::free_port();

    // Connection refused.
    let nowhere = format!("postgres://glance@127.0.0.1:{port}/nothing");
    let doc = failed_sql_json(&nowhere, "select 1", 1);
    assert_eq!(doc["error"]["kind"], "connection", "{doc}");
    assert_eq!(doc["exit_code"], 1);
    assert!(
        doc["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("could not connect")),
        "{doc}"
    );
    assert!(doc["error"]["hint"].is_string(), "{doc}");

    // A destructive statement with nobody to confirm it.
    db.execute("create table keep (id int)");
    let doc = failed_sql_json(db.url(), "drop table keep", 3);
    assert_eq!(doc["error"]["kind"], "refused", "{doc}");
    assert_eq!(doc["exit_code"], 3);
    assert!(db.relation_exists("keep"));

    // The model cannot be reached.
    let out = glance()
        .args(["ask", "--format", "json", "-d", db.url(), "how many?"])
        .env("OPENAI_API_KEY", "sk-test")
        .env("OPENAI_BASE_URL", format!("http://127.0.0.1:{port}/v1"))
        .run();
    out.code(1);
    let doc = error_document(&out);
    assert_eq!(doc["error"]["kind"], "model", "{doc}");
    assert_eq!(doc["exit_code"], 1);

    // Bad input found before connecting.
    let out = glance()
        .args([
            "ask", "--format", "json", "-p", "nosuch", "--sql", "select 1",
        ])
        .run();
    out.code(2);
    let doc = error_document(&out);
    assert_eq!(doc["error"]["kind"], "usage", "{doc}");
    assert_eq!(doc["exit_code"], 2);

    // A failed statement keeps its document, with the same fields added.
    let doc = failed_sql_json(db.url(), "select nosuch", 1);
    assert_eq!(doc["sql"], "select nosuch");
    assert_eq!(doc["error"]["kind"], "database", "{doc}");
    assert_eq!(doc["error"]["sqlstate"], "42703", "{doc}");
    assert_eq!(doc["exit_code"], 1);
}
