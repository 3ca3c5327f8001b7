//! `\export`, `\yank` and `\o`: whole results written to files in every
//! format and read back against the database, no overwrite without `!`, no
//! partial or temporary file after a failure, no re-run of a write, the
//! OSC 52 clipboard fallback byte for byte, and results sent to a file.

use std::fs;
use std::path::Path;

use base64::Engine as _;

use crate::harness::{self, Output, TestDb, glance};

/// Runs `glance repl -d target` with `lines` piped on stdin, in `home`.
pub fn script(target: &str, home: &Path, lines: &[&str]) -> Output {
    let mut input = lines.join("\n");
    input.push('\n');
    glance()
        .args(["repl", "-d", target])
        .home(home)
        .stdin(input)
        .run()
}

/// 100,000 rows with text holding commas, quotes and newlines, NULLs,
/// numerics, floats, timestamps and booleans.
fn seed_big(db: &TestDb) {
    db.execute(
        "create table big as
         select g as id,
                case when g % 7 = 0 then null
                     else 'text ' || g || ', \"quoted\" | piped'
                          || case when g % 5 = 0 then E'\\nline two' else '' end
                end as note,
                (g * 1.25)::numeric(12, 2) as amount,
                timestamp '2024-01-01 00:00:00' + g * interval '1 minute' as at,
                g / 3.0::float8 as ratio,
                g % 3 = 0 as flag
         from generate_series(1, 100000) g",
    );
}

/// One row of `big` as the database gives it in text.
struct Expected {
    id: String,
    note: Option<String>,
    amount: String,
    at: String,
    ratio: String,
    flag: bool,
}

fn expected_rows(db: &TestDb) -> Vec<Expected> {
    db.client()
        .query(
            "select id::text as i, note, amount::text as a, at::text as t, ratio::text as r, flag \
             from big order by id",
            &[],
        )
        .expect("read big")
        .iter()
        .map(|row| Expected {
            id: row.get(0),
            note: row.get(1),
            amount: row.get(2),
            at: row.get(3),
            ratio: row.get(4),
            flag: row.get(5),
        })
        .collect()
}

/// Checks one JSON row object against the database's row.
fn check_json_row(row: &serde_json::Value, want: &Expected) {
    let context = || format!("row {}: {row}", want.id);
    assert_eq!(
        row["id"].as_i64().map(|i| i.to_string()),
        Some(want.id.clone()),
        "{}",
        context()
    );
    assert_eq!(row["note"].as_str(), want.note.as_deref(), "{}", context());
    // Numbers are parsed by the same parser on both sides, so they agree
    // exactly when the texts do.
    let number = |text: &str| serde_json::from_str::<serde_json::Value>(text).ok();
    assert_eq!(
        Some(&row["amount"]),
        number(&want.amount).as_ref(),
        "{}",
        context()
    );
    assert_eq!(row["at"].as_str(), Some(want.at.as_str()), "{}", context());
    assert_eq!(
        Some(&row["ratio"]),
        number(&want.ratio).as_ref(),
        "{}",
        context()
    );
    assert_eq!(row["flag"].as_bool(), Some(want.flag), "{}", context());
}

#[test]
fn exports_100000_rows_from_postgresql_in_every_format() {
    let db = harness::db("export_big");
    seed_big(&db);
    let home = harness::scratch_dir("export-big");
    let out = script(
        db.url(),
        &home,
        &[
            "\\o shown.txt",
            "\\sql select * from big order by id",
            "\\o",
            "\\export csv big.csv",
            "\\export json big.json",
            "\\export ndjson big.ndjson",
            "\\export md big.md",
        ],
    );
    out.success();
    for (file, format) in [
        ("big.csv", "csv"),
        ("big.json", "json"),
        ("big.ndjson", "ndjson"),
        ("big.md", "md"),
    ] {
        out.stdout_has(&format!("Wrote 100,000 rows to {file} ({format}, "));
    }
    let want = expected_rows(&db);
    assert_eq!(want.len(), 100_000);

    // CSV (through COPY): every field as the database writes it.
    let mut reader = csv::Reader::from_path(home.join("big.csv")).expect("open big.csv");
    assert_eq!(
        reader.headers().expect("header").iter().collect::<Vec<_>>(),
        ["id", "note", "amount", "at", "ratio", "flag"]
    );
    let records: Vec<csv::StringRecord> = reader
        .records()
        .collect::<Result<_, _>>()
        .expect("valid CSV");
    assert_eq!(records.len(), want.len());
    for (record, want) in records.iter().zip(&want) {
        let fields: Vec<&str> = record.iter().collect();
        let flag = if want.flag { "t" } else { "f" };
        assert_eq!(
            fields,
            [
                want.id.as_str(),
                want.note.as_deref().unwrap_or(""),
                want.amount.as_str(),
                want.at.as_str(),
                want.ratio.as_str(),
                flag,
            ],
            "CSV row {}",
            want.id
        );
    }

    // JSON: one document.
    let text = fs::read_to_string(home.join("big.json")).expect("read big.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    assert_eq!(doc["sql"], "select * from big order by id");
    assert_eq!(doc["level"], "read_only");
    assert_eq!(doc["row_count"], 100_000);
    assert_eq!(doc["complete"], true);
    let rows = doc["rows"].as_array().expect("rows");
    assert_eq!(rows.len(), want.len());
    for (row, want) in rows.iter().zip(&want) {
        check_json_row(row, want);
    }

    // NDJSON: one object per line.
    let text = fs::read_to_string(home.join("big.ndjson")).expect("read big.ndjson");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), want.len());
    for (line, want) in lines.iter().zip(&want) {
        check_json_row(&serde_json::from_str(line).expect("valid JSON line"), want);
    }

    // Markdown: header, alignment row, one line per row.
    let text = fs::read_to_string(home.join("big.md")).expect("read big.md");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), want.len() + 2);
    assert!(lines[0].contains("| id |"), "{}", lines[0]);
    assert!(
        lines[2 + 4].contains("| 5 | text 5, \"quoted\" \\| piped<br>line two |"),
        "{}",
        lines[2 + 4]
    );
    assert!(
        lines[2 + 6].starts_with("| 7 |  |"),
        "NULL is an empty cell: {}",
        lines[2 + 6]
    );

    let shown = fs::read_to_string(home.join("shown.txt")).expect("read shown.txt");
    assert!(
        shown.contains("(100000 rows)"),
        "the \\o file has the whole table"
    );
    out.never_shows("(100000 rows)");
}

#[test]
fn exports_have_the_shape_of_ask_output() {
    let db = harness::db("export_shape");
    seed_big(&db);
    let home = harness::scratch_dir("export-shape");
    let sql = "select id, note, amount, at, ratio from big where id <= 40 order by id";
    let out = script(
        db.url(),
        &home,
        &[
            &format!("\\sql {sql}"),
            "\\export csv shape.csv",
            "\\export json shape.json",
            "\\export ndjson shape.ndjson",
            "\\export md shape.md",
        ],
    );
    out.success();
    for (file, format) in [
        ("shape.csv", "csv"),
        ("shape.json", "json"),
        ("shape.ndjson", "ndjson"),
        ("shape.md", "markdown"),
    ] {
        let asked = glance()
            .args(["ask", "--sql", sql, "--format", format, "-d", db.url()])
            .run();
        asked.success();
        let exported = fs::read_to_string(home.join(file)).expect("read export");
        if format == "json" {
            let without_timings = |text: &str| {
                let mut doc: serde_json::Value = serde_json::from_str(text).expect("JSON");
                doc.as_object_mut().expect("object").remove("timings");
                doc
            };
            assert_eq!(without_timings(&exported), without_timings(&asked.stdout));
        } else {
            assert_eq!(
                exported, asked.stdout,
                "{file} differs from ask --format {format}"
            );
        }
    }
}

#[test]
fn exports_from_sqlite_match_ask_output() {
    let dir = harness::scratch_dir("export-sqlite");
    let path = dir.join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table items (id integer primary key, name text, price real);
         with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000)
         insert into items
         select i, case when i % 10 = 0 then null else 'item ' || i || ', \"big\"' || char(10) || 'end' end,
                case when i % 4 = 0 then null else i * 0.5 end
         from n;",
    )
    .expect("seed sqlite file");
    drop(conn);
    let target = path.to_str().expect("utf-8 path");
    let sql = "select id, name, price from items order by id";
    let out = script(
        target,
        &dir,
        &[
            &format!("\\sql {sql}"),
            "\\export csv items.csv",
            "\\export ndjson items.ndjson",
        ],
    );
    out.success();
    out.stdout_has("Wrote 1,000 rows to items.csv (csv, ");
    out.stdout_has("Wrote 1,000 rows to items.ndjson (ndjson, ");
    let csv_text = fs::read_to_string(dir.join("items.csv")).expect("read items.csv");
    let asked = glance()
        .args(["ask", "--sql", sql, "--format", "csv", "-d", target])
        .run();
    asked.success();
    assert_eq!(csv_text, asked.stdout);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("CSV");
    assert_eq!(records.len(), 1000);
    assert_eq!(&records[1][1], "item 2, \"big\"\nend");
    assert_eq!(&records[3][2], "", "NULL price");
    assert_eq!(&records[9][1], "", "NULL name");
    let ndjson = fs::read_to_string(dir.join("items.ndjson")).expect("read items.ndjson");
    let first: serde_json::Value =
        serde_json::from_str(ndjson.lines().next().expect("a line")).expect("JSON");
    assert_eq!(
        first,
        serde_json::json!({"id": 1, "name": "item 1, \"big\"\nend", "price": 0.5})
    );
}

#[test]
fn an_existing_file_is_replaced_only_with_a_bang() {
    let db = harness::db("export_bang");
    let home = harness::scratch_dir("export-bang");
    fs::write(home.join("keep.csv"), "precious").expect("write keep.csv");
    let out = script(
        db.url(),
        &home,
        &["\\sql select 1 as one", "\\export csv keep.csv"],
    );
    out.stderr_has("keep.csv already exists")
        .stderr_has("end the command with !");
    assert_eq!(
        fs::read_to_string(home.join("keep.csv")).expect("read"),
        "precious"
    );
    let out = script(
        db.url(),
        &home,
        &["\\sql select 1 as one", "\\export csv keep.csv!"],
    );
    out.stdout_has("Wrote 1 row to keep.csv (csv, 6 bytes).");
    assert_eq!(
        fs::read_to_string(home.join("keep.csv")).expect("read"),
        "one\n1\n"
    );
    assert_only(&home, &["keep.csv"]);
}

/// The directory holds exactly `names` besides the harness's dot-dirs, so
/// no temporary or partial file was left.
#[track_caller]
fn assert_only(dir: &Path, names: &[&str]) {
    let mut found: Vec<String> = fs::read_dir(dir)
        .expect("list dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| ![".config", ".local", ".cache", ".tmp"].contains(&n.as_str()))
        .collect();
    found.sort();
    assert_eq!(found, names, "files in {}", dir.display());
    let tmp = fs::read_dir(dir.join(".tmp")).map_or(0, |entries| entries.count());
    assert_eq!(tmp, 0, "files left in {}/.tmp", dir.display());
}

#[test]
fn a_failed_export_leaves_no_file_behind() {
    let db = harness::db("export_fail");
    db.execute("create table t as select g as id from generate_series(1, 20000) g");
    let home = harness::scratch_dir("export-fail");
    let out = script(
        db.url(),
        &home,
        &[
            "\\o shown.txt",
            "\\sql select id, 1000000 / id as q from t",
            "\\o",
            // Row 20000 now divides by zero, after 19,999 rows were written.
            "\\sql update t set id = 0 where id = 20000",
            "\\export csv fail.csv",
            "\\export json fail.json",
            "\\export csv /proc/fail.csv",
            "\\export csv missing/fail.csv",
        ],
    );
    out.stderr_has("division by zero")
        .stderr_has("Nothing was written to fail.csv.")
        .stderr_has("Nothing was written to fail.json.")
        .stderr_has("cannot create a file in /proc")
        .stderr_has("the directory missing does not exist");
    out.never_shows("Wrote");
    assert_only(&home, &["shown.txt"]);
    assert!(!Path::new("/proc/fail.csv").exists());
}

#[test]
fn the_result_of_a_write_is_not_run_again() {
    let db = harness::db("export_write");
    db.execute("create table w (id int)");
    let home = harness::scratch_dir("export-write");
    let out = script(
        db.url(),
        &home,
        &[
            "\\sql insert into w values (1) returning id",
            "\\export csv w.csv",
            "\\yank csv",
        ],
    );
    out.stderr_has("\\export: the last result came from a statement that writes")
        .stderr_has("running it again would write again")
        .stderr_has("hint: run a SELECT")
        .stderr_has("\\yank: the last result came from a statement that writes");
    assert_eq!(
        db.query_scalar("select count(*) from w").as_deref(),
        Some("1")
    );
    assert_only(&home, &[]);
}

#[test]
fn export_before_any_result_and_bad_arguments_say_what_to_do() {
    let db = harness::db("export_usage");
    let home = harness::scratch_dir("export-usage");
    let out = script(
        db.url(),
        &home,
        &[
            "\\export csv early.csv",
            "\\export xlsx out.xlsx",
            "\\export csv",
            "\\yank sql",
        ],
    );
    out.stderr_has("\\export: there is no result yet")
        .stderr_has("run a query first")
        .stderr_has("unknown format `xlsx`; use csv, json, ndjson or md")
        .stderr_has("\\export csv needs a file name")
        .stderr_has("\\yank sql: there is no SQL yet");
    assert_only(&home, &[]);
}

#[test]
fn backslash_o_sends_results_to_a_file_until_backslash_o_alone() {
    let db = harness::db("export_o");
    let home = harness::scratch_dir("export-o");
    fs::write(home.join("out.txt"), "old content\n").expect("write out.txt");
    let out = script(
        db.url(),
        &home,
        &[
            "\\o out.txt",
            "\\sql select 'in the file' as place",
            "\\o",
            "\\sql select 'on the terminal' as place",
            "\\o",
        ],
    );
    out.success()
        .stdout_has("Results go to out.txt now; \\o alone sends them back to the terminal.")
        .stdout_has("Results go to the terminal again (out.txt is closed).")
        .stdout_has("on the terminal")
        .stdout_has("Results already go to the terminal.");
    out.never_shows("in the file");
    let file = fs::read_to_string(home.join("out.txt")).expect("read out.txt");
    assert_eq!(file, "    place\n-------------\n in the file\n(1 row)\n");
}

/// `ESC ] 52 ; c ; BASE64 BEL` for `text`.
fn osc52(text: &str) -> Vec<u8> {
    let mut bytes = b"\x1b]52;c;".to_vec();
    bytes.extend(
        base64::engine::general_purpose::STANDARD
            .encode(text)
            .bytes(),
    );
    bytes.push(0x07);
    bytes
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn yank_falls_back_to_osc52_in_a_terminal_without_clipboard_programs() {
    let db = harness::db("export_yank");
    let sql = "select 1 as a, 'x,y' as b";
    // The clean environment has no DISPLAY, WAYLAND_DISPLAY or WSL variables,
    // so no clipboard program is tried.
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line(&format!("\\sql {sql}"));
    repl.expect("1 row");
    repl.expect_prompt();

    repl.send_line("\\yank csv");
    repl.expect(
        "Copied 1 row (csv, 12 bytes) to the clipboard through the terminal (OSC 52); \
         your terminal must allow clipboard access.",
    );
    repl.expect_prompt();
    let csv = osc52("a,b\n1,\"x,y\"\n");
    assert!(
        contains(repl.raw_transcript(), &csv),
        "expected {:?} in {:?}",
        String::from_utf8_lossy(&csv),
        String::from_utf8_lossy(repl.raw_transcript())
    );

    repl.send_line("\\yank sql");
    repl.expect("Copied the last SQL (25 bytes) to the clipboard through the terminal (OSC 52)");
    repl.expect_prompt();
    assert!(contains(repl.raw_transcript(), &osc52(sql)));

    // The table is the piped table output without its footer.
    let piped = glance()
        .args(["ask", "--sql", sql, "--format", "table", "-d", db.url()])
        .run();
    piped.success();
    let table = piped.stdout.replace("(1 row)\n", "");
    repl.send_line("\\yank");
    repl.expect("Copied 1 row (table, ");
    repl.expect_prompt();
    assert!(
        contains(repl.raw_transcript(), &osc52(&table)),
        "expected the table {table:?} in {:?}",
        String::from_utf8_lossy(repl.raw_transcript())
    );
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0);
}

#[test]
fn ctrl_c_cancels_an_export_and_leaves_no_file() {
    let db = harness::db("export_cancel");
    db.execute("create table t as select g from generate_series(1, 10) g");
    let home = harness::scratch_dir("export-cancel");
    let mut repl = harness::pty_with_home(["repl", "-d", db.url()], &home);
    repl.expect_prompt();
    repl.send_line("\\sql select count(*) as n from t a, t b, t c");
    repl.expect("1 row");
    repl.expect_prompt();
    // The same statement now counts billions of rows.
    repl.send_line("\\sql insert into t select g from generate_series(1, 2000) g");
    repl.expect("INSERT");
    repl.expect_prompt();
    repl.send_line("\\export csv slow.csv");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    // This test's export: other tests export at the same time.
    while db
        .query_scalar(&format!(
            "select count(*) from pg_stat_activity \
             where datname = '{}' and query like 'COPY (%' and pid <> pg_backend_pid()",
            db.name()
        ))
        .as_deref()
        == Some("0")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the export never started:\n{}",
            repl.transcript()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    repl.ctrl('c');
    repl.expect("canceling statement due to user request");
    repl.expect("Nothing was written to slow.csv.");
    repl.expect_prompt();
    assert_only(&home, &[]);
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0);
}

#[test]
fn an_export_inside_an_open_transaction_sees_it_and_leaves_it_open() {
    let db = harness::db("export_in_tx");
    let home = harness::scratch_dir("export-in-tx");
    let out = script(
        db.url(),
        &home,
        &[
            "\\sql begin",
            "\\sql create table tx (a int)",
            "\\sql insert into tx values (1), (2)",
            "\\sql select a from tx order by a",
            "\\export csv tx.csv",
            "\\export json tx.json",
            "\\sql insert into tx values (3)",
            "\\sql commit",
        ],
    );
    out.success()
        .stdout_has("Wrote 2 rows to tx.csv (csv, ")
        .stdout_has("Wrote 2 rows to tx.json (json, ");
    assert_eq!(
        fs::read_to_string(home.join("tx.csv")).expect("read"),
        "a\n1\n2\n"
    );
    assert_eq!(
        db.query_scalar("select count(*) from tx").as_deref(),
        Some("3")
    );
}

/// Opens the FIFO at `path` for reading without waiting for a writer, so a
/// test never hangs when glance does not open it.
fn open_fifo_reader(path: &Path) -> fs::File {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .expect("open the FIFO for reading")
}

/// Everything the writers of a FIFO have written and closed.
fn drain(mut reader: fs::File) -> String {
    use std::io::Read;
    let mut text = String::new();
    reader
        .read_to_string(&mut text)
        .expect("read what was written to the FIFO");
    text
}

#[test]
fn replacing_a_special_file_writes_into_it_and_reports_a_full_device() {
    use std::os::unix::fs::FileTypeExt;
    let db = harness::db("export_special");
    let home = harness::scratch_dir("export-special");
    let fifo = home.join("pipe.fifo");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("run mkfifo (coreutils)");
    assert!(made.success(), "mkfifo failed");
    std::os::unix::fs::symlink("pipe.fifo", home.join("to-pipe")).expect("symlink to the FIFO");
    let reader = open_fifo_reader(&fifo);
    let out = script(
        db.url(),
        &home,
        &[
            "\\sql select g as n from generate_series(1, 5) g",
            "\\export csv /dev/null!",
            "\\export csv /dev/full!",
            "\\export json pipe.fifo!",
            "\\export csv to-pipe!",
            "\\sql select 'alive' as state",
        ],
    );
    out.stdout_has("Wrote 5 rows to /dev/null (csv, 12 bytes).")
        .stderr_has("\\export: cannot write /dev/full: No space left on device")
        .stdout_has("Wrote 5 rows to pipe.fifo (json, ")
        .stdout_has("Wrote 5 rows to to-pipe (csv, 12 bytes).")
        .stdout_has("alive");
    out.never_shows("Wrote 5 rows to /dev/full");
    for device in ["/dev/null", "/dev/full"] {
        let kind = fs::metadata(device).expect("stat device").file_type();
        assert!(kind.is_char_device(), "{device} is no longer a device");
    }
    let kind = fs::symlink_metadata(&fifo).expect("stat FIFO").file_type();
    assert!(kind.is_fifo(), "pipe.fifo is no longer a FIFO");
    let link = fs::symlink_metadata(home.join("to-pipe")).expect("stat link");
    assert!(link.file_type().is_symlink(), "to-pipe is no longer a link");
    let received = drain(reader);
    let (json, csv) = received.split_once('\n').expect("two writes");
    let doc: serde_json::Value = serde_json::from_str(json).expect("JSON through the FIFO");
    assert_eq!(doc["row_count"], 5);
    assert_eq!(csv, "n\n1\n2\n3\n4\n5\n");
    assert_only(&home, &["pipe.fifo", "to-pipe"]);
}

#[test]
fn a_replaced_file_keeps_its_mode_and_a_link_to_it_stays_a_link() {
    use std::os::unix::fs::PermissionsExt;
    let db = harness::db("export_mode");
    let home = harness::scratch_dir("export-mode");
    let private = home.join("private.csv");
    fs::write(&private, "secret\n").expect("write private.csv");
    fs::set_permissions(&private, fs::Permissions::from_mode(0o600)).expect("chmod 600");
    fs::write(home.join("shared.csv"), "old\n").expect("write shared.csv");
    fs::set_permissions(home.join("shared.csv"), fs::Permissions::from_mode(0o664))
        .expect("chmod 664");
    std::os::unix::fs::symlink("private.csv", home.join("latest.csv")).expect("symlink");
    let out = script(
        db.url(),
        &home,
        &[
            "\\sql select 1 as one",
            "\\export csv latest.csv!",
            "\\export csv shared.csv!",
            "\\export csv latest.csv",
        ],
    );
    out.stdout_has("Wrote 1 row to latest.csv (csv, 6 bytes).")
        .stdout_has("Wrote 1 row to shared.csv (csv, 6 bytes).")
        .stderr_has("latest.csv already exists");
    let link = fs::symlink_metadata(home.join("latest.csv")).expect("stat link");
    assert!(link.file_type().is_symlink(), "the link became a file");
    assert_eq!(fs::read_to_string(&private).expect("read"), "one\n1\n");
    let mode = |name: &str| {
        fs::metadata(home.join(name))
            .expect("stat")
            .permissions()
            .mode()
            & 0o7777
    };
    assert_eq!(mode("private.csv"), 0o600, "a private file became readable");
    assert_eq!(mode("shared.csv"), 0o664);
    assert_only(&home, &["latest.csv", "private.csv", "shared.csv"]);
}
