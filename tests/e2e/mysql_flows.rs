//! glance end to end on MariaDB, as a person uses it: a question becomes SQL
//! through the fake model and rows come back; a DROP and a `SELECT … INTO
//! OUTFILE` from `ask` are refused (exit 3) and leave the table and the
//! file system as they were; every output format on MySQL's types (NULL,
//! DECIMAL, DATE, DATETIME, JSON, binary, ENUM, BIGINT UNSIGNED beyond
//! 2^63); `\export` to CSV and JSON files; the history; and a REPL session
//! in a pseudo-terminal confirming an INSERT the model wrote.

use std::fs;

use serde_json::{Value as Json, json};

use crate::export::script;
use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Output, glance};
use crate::mariadb_server::{TestMariaDb, mariadb};

/// A small shop: films and one row of every kind of MySQL value beside a
/// row of NULLs and empty strings.
fn shop(hint: &str) -> TestMariaDb {
    let db = mariadb().create_db(hint);
    db.execute(
        r#"
        create table film (film_id int primary key, title varchar(100) not null, rating varchar(5));
        insert into film values (1, 'Academy Dinosaur', 'PG'), (2, 'Ace Goldfinger', 'G'),
            (3, 'Adaptation Holes', 'NC-17');
        create table t (id int primary key);
        insert into t values (1), (2);
        create table sample (
            id int primary key,
            note varchar(40),
            amount decimal(10,2),
            day date,
            at datetime(3),
            doc json,
            raw varbinary(8),
            mood enum('happy', 'sad'),
            big bigint unsigned
        );
        insert into sample values
            (1, null, 12.50, '2024-01-02', '2024-01-02 03:04:05.678', '{"k": [1, 2]}',
             x'deadbeef', 'happy', 18446744073709551615),
            (2, '', -3.25, null, null, null, null, 'sad', 0);
        "#,
    );
    db
}

fn ask_sql(db: &TestMariaDb, sql: &str, format: &str) -> Output {
    glance()
        .args(["ask", "--format", format, "--sql", sql, "-d"])
        .arg(db.url())
        .run()
}

const ALL_COLUMNS: &str = "select * from sample order by id";

#[test]
fn mysql_a_question_becomes_sql_and_rows() {
    let db = shop("mysql_flow_question");
    let fake = FakeLlm::openai(vec![Reply::sql(
        "select rating, count(*) as films from film group by rating order by rating",
    )]);
    let out = fake
        .on(glance()
            .args(["ask", "--format", "csv", "-d"])
            .arg(db.url()))
        .arg("how many films per rating?")
        .run();
    out.success();
    assert_eq!(out.stdout, "rating,films\nG,1\nNC-17,1\nPG,1\n", "{out}");
    let requests = fake.requests();
    assert_eq!(requests.len(), 1, "{out}");
    assert!(
        requests[0]
            .body
            .to_string()
            .contains("how many films per rating?"),
        "the question did not reach the model: {}",
        requests[0].body
    );
}

#[test]
fn mysql_a_view_in_another_database_is_not_trusted_unread() {
    let db = shop("mysql_flow_other_db");
    let other = mariadb().create_db("mysql_flow_other_view");
    other.execute("CREATE VIEW v AS SELECT 1 AS a");
    let sql = format!("select a from `{}`.v", other.name());
    let fake = FakeLlm::openai(vec![Reply::sql(&sql)]);
    let out = fake
        .on(glance()
            .args(["ask", "--format", "json", "-d"])
            .arg(db.url()))
        .arg("what does the other view say?")
        .run();
    out.code(3);
    let json = out.json();
    assert_eq!(json["level"], "write", "{out}");
    assert!(
        json["reasons"]
            .to_string()
            .contains("whose views and functions glance has not read"),
        "{out}"
    );
}

#[test]
fn mysql_typed_sql_is_judged_with_the_views_it_reads() {
    let db = shop("mysql_flow_typed_view");
    db.execute(
        "CREATE FUNCTION remember() RETURNS int NO SQL RETURN IS_FREE_LOCK('glance_probe');
         CREATE VIEW remembering AS SELECT remember() AS a;",
    );
    let out = glance()
        .args(["ask", "--sql", "select a from remembering", "--dry-run"])
        .args(["--format", "json", "-d", &db.url()])
        .run();
    out.success();
    let json = out.json();
    assert_eq!(json["level"], "write", "{out}");
    assert!(json["reasons"].to_string().contains("the view"), "{out}");
}

#[test]
fn mysql_a_drop_from_ask_is_refused_and_the_table_stays() {
    let db = shop("mysql_flow_drop");
    let out = ask_sql(&db, "drop table t", "table");
    out.code(3);
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("2"),
        "{out}"
    );
    // Not even with the text of a read in front of it.
    let out = ask_sql(&db, "select 1; drop table t", "table");
    assert_ne!(out.code, Some(0), "{out}");
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("2"),
        "{out}"
    );
}

#[test]
fn mysql_select_into_outfile_is_refused_and_writes_no_file() {
    let db = shop("mysql_flow_outfile");
    let dir = db
        .query_scalar("select @@secure_file_priv")
        .expect("the test server has a secure_file_priv directory");
    for (sql, file) in [
        ("select * from film into outfile '{}'", "films.csv"),
        (
            "select title from film limit 1 into dumpfile '{}'",
            "film.bin",
        ),
    ] {
        let path = std::path::Path::new(&dir).join(format!("{}-{file}", db.name()));
        let sql = sql.replace("{}", &path.display().to_string());
        let out = ask_sql(&db, &sql, "table");
        out.code(3);
        assert!(!path.exists(), "{sql} wrote {}\n{out}", path.display());
    }
}

#[test]
fn mysql_csv_shows_every_type_and_tells_null_from_empty() {
    let db = shop("mysql_flow_csv");
    let out = ask_sql(&db, ALL_COLUMNS, "csv");
    out.success();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("id,note,amount,day,at,doc,raw,mood,big"),
        "{out}"
    );
    assert_eq!(lines.len(), 3, "{out}");
    assert!(
        lines[1]
            .starts_with("1,,12.50,2024-01-02,2024-01-02 03:04:05.678,\"{\"\"k\"\": [1, 2]}\","),
        "first row: {}\n{out}",
        lines[1]
    );
    assert!(lines[1].ends_with(",happy,18446744073709551615"), "{out}");
    assert!(lines[1].contains("deadbeef"), "binary value missing\n{out}");
    assert_eq!(lines[2], "2,\"\",-3.25,,,,,sad,0", "{out}");
}

#[test]
fn mysql_json_encodes_every_type() {
    let db = shop("mysql_flow_json");
    let out = ask_sql(&db, ALL_COLUMNS, "json");
    out.success();
    let doc = out.json();
    let head = ["sql", "level", "row_count", "complete"].map(|key| doc[key].clone());
    assert_eq!(
        head,
        [
            json!(ALL_COLUMNS),
            json!("read_only"),
            json!(2),
            json!(true)
        ],
        "{out}"
    );
    let names: Vec<&str> = doc["columns"]
        .as_array()
        .unwrap_or_else(|| panic!("no columns\n{out}"))
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(
        names,
        [
            "id", "note", "amount", "day", "at", "doc", "raw", "mood", "big"
        ],
        "{out}"
    );
    let rows = doc["rows"].as_array().expect("rows");
    let (first, second) = (&rows[0], &rows[1]);
    assert_eq!(first["id"], 1, "{out}");
    assert_eq!(first["note"], Json::Null, "NULL must be null\n{out}");
    assert_eq!(second["note"], "", "'' must be an empty string\n{out}");
    assert_eq!(first["amount"].as_f64(), Some(12.5), "{out}");
    assert!(out.stdout.contains("12.50"), "exact digits kept\n{out}");
    assert_eq!(second["amount"].as_f64(), Some(-3.25), "{out}");
    assert_eq!(first["day"], "2024-01-02", "{out}");
    assert_eq!(first["at"], "2024-01-02 03:04:05.678", "{out}");
    // A JSON column is embedded as JSON, or is its text when the server
    // does not say it is JSON (MariaDB's JSON is LONGTEXT).
    let embedded = match &first["doc"] {
        Json::String(text) => serde_json::from_str(text).unwrap_or(Json::Null),
        other => other.clone(),
    };
    assert_eq!(embedded, json!({"k": [1, 2]}), "{out}");
    assert_eq!(first["raw"], "\\xdeadbeef", "{out}");
    assert_eq!(second["raw"], Json::Null, "{out}");
    assert_eq!(first["mood"], "happy", "{out}");
    assert_eq!(
        first["big"], "18446744073709551615",
        "an integer beyond 2^53 is a string\n{out}"
    );
    assert_eq!(second["big"], 0, "{out}");
}

#[test]
fn mysql_ndjson_markdown_table_and_expanded_show_the_rows() {
    let db = shop("mysql_flow_formats");
    let out = ask_sql(&db, ALL_COLUMNS, "ndjson");
    out.success();
    let rows: Vec<Json> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert_eq!(rows.len(), 2, "{out}");
    assert_eq!(rows[0]["big"], "18446744073709551615", "{out}");
    assert_eq!(rows[1]["mood"], "sad", "{out}");

    let out = ask_sql(&db, ALL_COLUMNS, "markdown");
    out.success();
    let lines: Vec<&str> = out.stdout.lines().filter(|l| l.starts_with('|')).collect();
    assert_eq!(lines.len(), 4, "header, separator, two rows\n{out}");
    assert!(
        lines[0].contains("| id |") && lines[0].contains("| big |"),
        "{out}"
    );
    assert!(
        lines[2].contains("| 12.50 |") && lines[2].contains("| happy |"),
        "{out}"
    );

    let out = ask_sql(&db, ALL_COLUMNS, "table");
    out.success()
        .stdout_has("12.50")
        .stdout_has("-3.25")
        .stdout_has("2024-01-02 03:04:05.678")
        .stdout_has("18446744073709551615")
        .stdout_has("happy")
        .stdout_has("deadbeef")
        .stdout_has("(2 rows)");

    let out = ask_sql(&db, ALL_COLUMNS, "expanded");
    out.success()
        .stdout_has("-[ RECORD 1 ]")
        .stdout_has("-[ RECORD 2 ]")
        .stdout_has("18446744073709551615");
}

#[test]
fn mysql_export_writes_csv_and_json_files() {
    let db = shop("mysql_flow_export");
    let home = harness::scratch_dir("mysql-export");
    let out = script(
        &db.url(),
        &home,
        &[
            "\\sql select id, amount, mood, big from sample order by id",
            "\\export csv sample.csv",
            "\\export json sample.json",
        ],
    );
    out.success()
        .stdout_has("Wrote 2 rows to sample.csv (csv, ")
        .stdout_has("Wrote 2 rows to sample.json (json, ");
    let csv = fs::read_to_string(home.join("sample.csv")).expect("read sample.csv");
    assert_eq!(
        csv, "id,amount,mood,big\n1,12.50,happy,18446744073709551615\n2,-3.25,sad,0\n",
        "{out}"
    );
    let text = fs::read_to_string(home.join("sample.json")).expect("read sample.json");
    let doc: Json = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(doc["row_count"], 2, "{text}");
    assert_eq!(doc["rows"][0]["big"], "18446744073709551615", "{text}");
    assert_eq!(doc["rows"][1]["mood"], "sad", "{text}");
}

#[test]
fn mysql_history_shows_the_statements() {
    let db = shop("mysql_flow_history");
    let home = harness::scratch_dir("mysql-history");
    glance()
        .home(&home)
        .args([
            "ask",
            "--sql",
            "select title from film where film_id = 2",
            "-d",
        ])
        .arg(db.url())
        .run()
        .success();
    let out = script(
        &db.url(),
        &home,
        &["\\sql select count(*) as n from `film`", "\\history"],
    );
    out.success();
    let (_, listing) = out
        .stdout
        .split_once("History (newest first")
        .unwrap_or_else(|| panic!("no listing\n{out}"));
    let newer = listing
        .find("select count(*) as n from `film`")
        .unwrap_or_else(|| panic!("the REPL's statement is not listed\n{out}"));
    let older = listing
        .find("select title from film where film_id = 2")
        .unwrap_or_else(|| panic!("ask's statement is not listed\n{out}"));
    assert!(newer < older, "newest first\n{out}");
}

#[test]
fn mysql_a_write_the_model_proposes_runs_once_confirmed_in_the_repl() {
    let db = shop("mysql_flow_confirm");
    let fake = FakeLlm::openai(vec![Reply::sql(
        "insert into film (film_id, title, rating) values (4, 'Zorro Ark', 'PG')",
    )]);
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let url = db.url();
    let mut repl = harness::pty_with_env(["repl", "--no-history", "-d", url.as_str()], &env);
    repl.expect_prompt();
    repl.send_line("add the film Zorro Ark, rated PG, as film 4");
    repl.expect("Run it? [y/N]");
    assert_eq!(
        db.query_scalar("select count(*) from film").as_deref(),
        Some("3"),
        "the INSERT ran before it was confirmed\n{}",
        repl.transcript()
    );
    repl.send_line("y");
    repl.expect_prompt();
    repl.send_line("\\q");
    repl.expect_exit();
    assert_eq!(
        db.query_scalar("select title from film where film_id = 4")
            .as_deref(),
        Some("Zorro Ark"),
        "the confirmed INSERT did not stay\n{}",
        repl.transcript()
    );
}
