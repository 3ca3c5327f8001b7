//! Bad and extreme input: every PostgreSQL type in every output format with
//! a faithful value, very wide and very large results, NUL bytes, 1 MB
//! lines, binary junk and invalid UTF-8 on stdin. Nothing may panic or
//! crash; every refusal says what was wrong.

use std::path::{Path, PathBuf};

use serde_json::{Value as Json, json};

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Output, glance};

const FORMATS: [&str; 6] = ["table", "expanded", "csv", "json", "ndjson", "markdown"];

/// `ask --sql SQL --format FORMAT` against `target`, which must succeed.
fn ask_sql(target: &str, sql: &str, format: &str) -> Output {
    let out = glance()
        .args([
            "ask",
            "--no-history",
            "-d",
            target,
            "--sql",
            sql,
            "--format",
            format,
        ])
        .run();
    out.success();
    assert!(!out.stderr.contains("panicked"), "{out}");
    out
}

const EVERY_TYPE: &str = "select
  array[[1,2],[3,null]]::int[] as int2d, array['a', null, 'b\"c']::text[] as textarr,
  int4range(1,10) as r, numrange(1.5, null) as nr, int4multirange(int4range(1,3), int4range(5,7)) as mr,
  interval '1 year 2 mons 3 days 04:05:06.789' as iv,
  'NaN'::numeric as nan, 'Infinity'::numeric as inf, '-Infinity'::numeric as ninf,
  12345678901234567890.123456789::numeric as bignum, 9007199254740993::int8 as big8, 42::int8 as small8,
  12.50::numeric as exact, 'NaN'::float8 as fnan, '-Infinity'::float4 as fninf,
  '\\x00ff41'::bytea as by, 12.34::money as m,
  '192.168.0.1/24'::inet as ip, '10.0.0.0/8'::cidr as net, '08:00:2b:01:02:03'::macaddr as mac,
  point(1,2) as pt, line(point(0,0),point(1,1)) as ln, lseg(point(0,0),point(1,1)) as ls,
  box(point(0,0),point(1,1)) as bx, path '((0,0),(1,1),(2,0))' as pa,
  polygon '((0,0),(1,1),(2,0))' as pg, circle(point(0,0), 2) as ci,
  B'1010' as bit, B'101'::varbit as vb, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid as u,
  '<a>x</a>'::xml as x, '{\"a\":[1,2.5,null]}'::json as j, '{\"b\":true}'::jsonb as jb,
  'a fat cat'::tsvector as tv, 'fat & cat'::tsquery as tq,
  'pg_class'::regclass as rc, 'int4'::regtype as rt, 1259::oid as o, '=r/postgres'::aclitem as acl,
  '12:00+02'::timetz as ttz, 'infinity'::date as dinf, '(1,2)'::tid as tid,
  'happy'::mood as mood, 'sad'::sad_mood as dmood, row(1, 'x')::pair as comp,
  array['happy', 'ok']::mood[] as moods";

fn typed_db() -> harness::TestDb {
    let db = harness::db("bad_input_types");
    db.execute(
        "create type mood as enum ('sad', 'ok', 'happy');
         create domain sad_mood as mood check (value <> 'happy');
         create type pair as (n int, s text);",
    );
    db
}

#[test]
fn every_postgres_type_renders_faithfully_in_every_format() {
    let db = typed_db();
    for format in FORMATS {
        let out = ask_sql(db.url(), EVERY_TYPE, format);
        for text in [
            "pg_class",
            "=r/postgres",
            "<(0,0),2>",
            "'fat' & 'cat'",
            "happy",
        ] {
            out.stdout_has(text);
        }
    }
    let doc = ask_sql(db.url(), EVERY_TYPE, "json").json();
    let row = &doc["rows"][0];
    let want: Vec<(&str, Json)> = vec![
        ("int2d", json!("{{1,2},{3,NULL}}")),
        ("textarr", json!("{a,NULL,\"b\\\"c\"}")),
        ("r", json!("[1,10)")),
        ("nr", json!("[1.5,)")),
        ("mr", json!("{[1,3),[5,7)}")),
        ("iv", json!("1 year 2 mons 3 days 04:05:06.789")),
        ("nan", json!("NaN")),
        ("inf", json!("Infinity")),
        ("ninf", json!("-Infinity")),
        ("bignum", json!("12345678901234567890.123456789")),
        ("big8", json!("9007199254740993")),
        ("small8", json!(42)),
        ("fnan", json!("NaN")),
        ("fninf", json!("-Infinity")),
        ("by", json!("\\x00ff41")),
        ("ip", json!("192.168.0.1/24")),
        ("net", json!("10.0.0.0/8")),
        ("mac", json!("08:00:2b:01:02:03")),
        ("pt", json!("(1,2)")),
        ("ln", json!("{1,-1,0}")),
        ("ls", json!("[(0,0),(1,1)]")),
        ("bx", json!("(1,1),(0,0)")),
        ("pa", json!("((0,0),(1,1),(2,0))")),
        ("pg", json!("((0,0),(1,1),(2,0))")),
        ("ci", json!("<(0,0),2>")),
        ("bit", json!("1010")),
        ("vb", json!("101")),
        ("u", json!("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")),
        ("x", json!("<a>x</a>")),
        ("j", json!({"a": [1, 2.5, null]})),
        ("jb", json!({"b": true})),
        ("tv", json!("'a' 'cat' 'fat'")),
        ("tq", json!("'fat' & 'cat'")),
        ("rc", json!("pg_class")),
        ("rt", json!("integer")),
        ("o", json!(1259)),
        ("acl", json!("=r/postgres")),
        ("ttz", json!("12:00:00+02")),
        ("dinf", json!("infinity")),
        ("tid", json!("(1,2)")),
        ("mood", json!("happy")),
        ("dmood", json!("sad")),
        ("comp", json!("(1,x)")),
        ("moods", json!("{happy,ok}")),
    ];
    for (name, value) in &want {
        assert_eq!(&row[*name], value, "column {name} in {row}");
    }
    // Exact numerics keep their digits.
    let text = ask_sql(db.url(), "select 12.50::numeric as exact", "json").stdout;
    assert!(text.contains("\"exact\":12.50"), "{text}");
    // CSV carries the same text forms.
    let csv = ask_sql(db.url(), EVERY_TYPE, "csv").stdout;
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let record = reader.records().next().unwrap().unwrap();
    let field = |name: &str| &record[headers.iter().position(|h| h == name).unwrap()];
    assert_eq!(field("bignum"), "12345678901234567890.123456789");
    assert_eq!(field("textarr"), "{a,NULL,\"b\\\"c\"}");
    assert_eq!(field("acl"), "=r/postgres");
    assert_eq!(field("rc"), "pg_class");
    assert_eq!(field("by"), "\\x00ff41");
}

#[test]
fn wide_and_large_postgres_results_render_in_every_format() {
    let db = harness::db("bad_input_wide_pg");
    let columns: Vec<String> = (0..1600).map(|i| format!("{i} as c{i}")).collect();
    let wide = format!("select {}", columns.join(", "));
    let big = "select repeat('x', 1048576) as big, 'tail' as t";
    for format in FORMATS {
        ask_sql(db.url(), &wide, format).stdout_has("c1599");
        let out = ask_sql(db.url(), big, format);
        out.stdout_has("tail");
        if matches!(format, "table" | "expanded") {
            // Tables and records show the start of a long value and say so.
            out.stdout_has(&format!("{}…[cut: 1048576 bytes in all]", "x".repeat(100)));
            assert!(out.stdout.len() < 50_000, "{format}: {}", out.stdout.len());
        } else {
            assert!(
                out.stdout.len() > 1_000_000,
                "{format}: {} bytes",
                out.stdout.len()
            );
        }
    }
}

/// A SQLite file with NUL bytes in text and blobs, a 1 MB cell, and a
/// 2,000-column table.
fn odd_sqlite(dir: &Path) -> PathBuf {
    let path = dir.join("odd.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("create table t (a text, b blob, n real)")
        .unwrap();
    conn.execute(
        "insert into t values (?1, ?2, ?3)",
        rusqlite::params!["a\0b", vec![0u8, 1, 255], f64::NAN],
    )
    .unwrap();
    conn.execute(
        "insert into t values (?1, null, 1e308)",
        ["y".repeat(1 << 20)],
    )
    .unwrap();
    let columns: Vec<String> = (0..2000).map(|i| format!("c{i} int")).collect();
    conn.execute_batch(&format!("create table wide ({});", columns.join(", ")))
        .unwrap();
    conn.execute("insert into wide (c0, c1999) values (1, 2)", [])
        .unwrap();
    path
}

#[test]
fn nul_bytes_a_megabyte_cell_and_two_thousand_columns_from_sqlite() {
    let dir = harness::scratch_dir("bad-input-sqlite");
    let path = odd_sqlite(&dir);
    let target = path.to_str().unwrap();
    for format in FORMATS {
        ask_sql(target, "select a, b, n from t", format).stdout_has("\\x0001ff");
        ask_sql(target, "select * from wide", format).stdout_has("c1999");
    }
    let out = ask_sql(target, "select a, b from t", "ndjson");
    let first: Json = serde_json::from_str(out.stdout.lines().next().unwrap()).unwrap();
    assert_eq!(first["a"], "a\0b", "{}", out.stdout);
    let second: Json = serde_json::from_str(out.stdout.lines().nth(1).unwrap()).unwrap();
    assert_eq!(second["a"].as_str().map(str::len), Some(1 << 20));
    let csv = ask_sql(target, "select a from t limit 1", "csv").stdout;
    assert_eq!(csv, "a\na\0b\n");
}

#[test]
fn megabyte_lines_and_junk_on_stdin_get_clear_answers() {
    let db = harness::db("bad_input_stdin");
    let run = |args: &[&str], input: Vec<u8>| {
        let out = glance()
            .args(["ask", "--no-history", "-d", db.url()])
            .args(args)
            .stdin(input)
            .timeout(std::time::Duration::from_secs(120))
            .run();
        assert!(!out.stderr.contains("panicked"), "{out}");
        out
    };
    // A 1 MB string literal on one line.
    let literal = format!("select length('{}') as n", "z".repeat(1 << 20));
    let out = run(&["--sql", "-", "--format", "csv"], literal.into_bytes());
    out.success();
    assert_eq!(out.stdout, "n\n1048576\n");
    // An expression nested 100,000 deep: glance checks it, the server refuses it.
    let deep = format!("select {} as n", vec!["1"; 100_000].join("+"));
    run(&["--sql", "-"], deep.into_bytes())
        .code(1)
        .stderr_has("stack depth limit exceeded");
    // Binary junk and invalid UTF-8.
    let junk: Vec<u8> = (0..5000u32).map(|i| 128 + (i * 7919 % 127) as u8).collect();
    run(&["--sql", "-"], junk.clone())
        .code(2)
        .stderr_has("stdin is not UTF-8 text");
    run(&[], b"how many \xff\xfe rows?".to_vec())
        .code(2)
        .stderr_has("stdin is not UTF-8 text");
    // A NUL byte in SQL is bad input, refused before anything else.
    run(&["--sql", "-"], b"select 1 \x00 as n".to_vec())
        .code(2)
        .stderr_has("NUL byte");
    // A 1 MB question goes to the model like any other.
    let fake = FakeLlm::openai(vec![Reply::text(
        "Here is the query.\n\n```sql\nselect 3 as n\n```\n",
    )]);
    let mut cmd = glance()
        .args(["ask", "--no-history", "-d", db.url(), "--format", "csv"])
        .stdin(format!("how many rows? {}", "q".repeat(1 << 20)));
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    let out = cmd.run();
    out.success();
    assert_eq!(out.stdout, "n\n3\n", "{out}");
    // A script keeps going past a line that is not UTF-8.
    let mut script = b"\\sql select 1 as one;\n".to_vec();
    script.extend_from_slice(&junk);
    script.extend_from_slice(b"\n\\sql select 40 + 2 as answer;\n");
    let out = glance()
        .args(["repl", "--no-history", "-d", db.url()])
        .stdin(script)
        .run();
    out.stderr_has("skipped a line of input that is not UTF-8 text")
        .stdout_has("42");
}

#[test]
fn a_statement_failing_after_its_first_rows_still_gives_one_json_document() {
    let db = harness::db("bad_input_late_error");
    // How many rows arrive before the error depends on the fetch size; what
    // matters is that they are all in one valid document.
    for (sql, failing_row) in [
        ("select 1 / (g - 3) as x from generate_series(1, 5) g", 3),
        (
            "select 1 / (g - 30000) as x from generate_series(1, 50000) g",
            30000,
        ),
    ] {
        let out = glance()
            .args([
                "ask",
                "--no-history",
                "-d",
                db.url(),
                "--sql",
                sql,
                "--format",
                "json",
            ])
            .run();
        out.code(1).stderr_has("division by zero");
        let doc = out.json();
        assert_eq!(doc["complete"], false, "{out}");
        let rows = doc["rows"].as_array().map_or(0, Vec::len);
        assert_eq!(doc["row_count"], rows, "{out}");
        assert!(rows < failing_row, "{rows} rows before row {failing_row}");
        if failing_row > 3 {
            assert!(rows > 0, "the error came after some rows were sent");
        }
        assert_eq!(doc["error"]["sqlstate"], "22012", "{out}");
    }
}

#[test]
fn reals_print_as_postgresql_prints_them_in_every_format() {
    let db = harness::db("bad_input_reals");
    let sql = "select 0.1::real as tenth, 1234567::real as big, \
               array[0.1, 2.5]::real[] as reals, 0.1::float8 as double";
    let server: Vec<String> = ["0.1::real", "1234567::real", "array[0.1, 2.5]::real[]"]
        .iter()
        .map(|value| {
            db.query_scalar(&format!("select ({value})::text"))
                .expect("the server's text")
        })
        .collect();
    assert_eq!(server, ["0.1", "1.234567e+06", "{0.1,2.5}"]);
    for format in FORMATS {
        let out = ask_sql(db.url(), sql, format);
        out.never_shows("0.1000000014");
        for text in &server {
            out.stdout_has(text);
        }
    }
    let json = ask_sql(db.url(), sql, "json").stdout;
    assert!(
        json.contains(r#""tenth":0.1,"big":1.234567e+06,"reals":"{0.1,2.5}","double":0.1"#),
        "{json}"
    );
    let csv = ask_sql(db.url(), sql, "csv").stdout;
    assert_eq!(
        csv,
        "tenth,big,reals,double\n0.1,1.234567e+06,\"{0.1,2.5}\",0.1\n"
    );
}

#[test]
fn json_values_with_line_breaks_stay_one_ndjson_record() {
    let db = harness::db("bad_input_json_lines");
    let sql = "select g as n, format(E'{\"a\":\\n  %s,\\r\\n \"b\": \"x\\\\ny\"}', g)::json as j \
               from generate_series(1, 3) g";
    let out = ask_sql(db.url(), sql, "ndjson");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "one line per row:\n{out}");
    for (i, line) in lines.iter().enumerate() {
        let row: Json = serde_json::from_str(line).expect("each line is a JSON object");
        assert_eq!(row, json!({"n": i + 1, "j": {"a": i + 1, "b": "x\ny"}}));
    }
    let doc = ask_sql(db.url(), sql, "json").json();
    assert_eq!(doc["rows"][2]["j"], json!({"a": 3, "b": "x\ny"}));
}
