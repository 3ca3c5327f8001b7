//! Persistent history: written by `ask` and the REPL, listed, searched,
//! shown in full and re-run; two processes writing at once; a corrupt file
//! moved aside; `--no-history`; the line history across REPL sessions.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::thread;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, glance};

/// A SQLite file with a small `items` table.
fn items_file() -> PathBuf {
    let path = harness::scratch_dir("history-db").join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table items (id integer primary key, name text);
         insert into items values (1, 'pen'), (2, 'ink');",
    )
    .expect("seed sqlite file");
    path
}

fn history_dir(home: &Path) -> PathBuf {
    home.join(".local/share/glance")
}

fn history_db(home: &Path) -> rusqlite::Connection {
    let path = history_dir(home).join("history.db");
    rusqlite::Connection::open(&path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()))
}

fn count(conn: &rusqlite::Connection, sql: &str) -> i64 {
    conn.query_row(sql, [], |r| r.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// `glance repl -d FILE` reading `script` from a pipe, with HOME `home`.
fn repl_script(home: &Path, file: &Path, script: &str) -> Cmd {
    glance()
        .home(home)
        .arg("repl")
        .arg("-d")
        .arg(file)
        .stdin(script)
}

#[test]
fn ask_and_the_repl_write_history_that_lists_and_searches() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    glance()
        .home(&home)
        .args(["ask", "--sql", "select name from items order by id", "-d"])
        .arg(&file)
        .run()
        .success();
    let out = repl_script(
        &home,
        &file,
        "\\sql select count(*) as n from items\n\
         \\sql select nonsense from nowhere\n\
         \\history\n\
         \\history nowh\n\
         \\history items count\n",
    )
    .run();
    out.success();
    let (_, listing) = out
        .stdout
        .split_once("History (newest first")
        .unwrap_or_else(|| panic!("no listing\n{out}"));
    let (recent, searches) = listing.split_once("History matching").expect("search");
    let order: Vec<usize> = [
        "select nonsense from nowhere",
        "select count(*) as n from items",
        "select name from items order by id",
    ]
    .iter()
    .map(|sql| {
        recent
            .find(sql)
            .unwrap_or_else(|| panic!("{sql} not listed\n{out}"))
    })
    .collect();
    assert!(order.is_sorted(), "newest first\n{out}");
    assert!(
        recent.contains(" 3 |") && recent.contains("failed"),
        "{out}"
    );
    let (by_prefix, by_two_words) = searches
        .split_once("History matching")
        .expect("second search");
    assert!(
        by_prefix.contains("select nonsense from nowhere") && by_prefix.contains("(1 row)"),
        "prefix search finds the failed statement only\n{out}"
    );
    assert!(
        by_two_words.contains("select count(*) as n from items")
            && by_two_words.contains("(1 row)"),
        "both words must match\n{out}"
    );

    let db = history_db(&home);
    assert_eq!(count(&db, "select count(*) from entries"), 3);
    let (database, level, ran, rows, error): (String, String, bool, Option<i64>, Option<String>) =
        db.query_row(
            "select database_name, level, ran, row_count, error from entries where id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    assert_eq!(
        (database.as_str(), level.as_str(), ran, rows, error),
        ("shop", "read_only", true, Some(2), None)
    );
    let error: String = db
        .query_row("select error from entries where id = 3", [], |r| r.get(0))
        .unwrap();
    assert!(error.contains("nowhere"), "{error}");
}

#[test]
fn history_n_shows_one_entry_in_full_in_every_format() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    let long_name = "x".repeat(150);
    repl_script(
        &home,
        &file,
        &format!("\\sql\nselect id,\n       '{long_name}' as long_one\n  from items;\n"),
    )
    .run()
    .success();
    let out = repl_script(&home, &file, "\\history 1\n\\history 2\n").run();
    out.success()
        .stdout_has("History entry 1")
        .stdout_has("SQL:\n    select id,\n")
        .stdout_has(&format!("       '{long_name}' as long_one\n"))
        .stdout_has("      from items\n")
        .stderr_has("there is no history entry 2");
    for field in [
        "Time", "Database", "Level", "Status", "Rows", "DB time", "Model",
    ] {
        assert!(out.stdout.contains(&format!(" {field} ")), "{field}\n{out}");
    }

    let json = repl_script(&home, &file, "\\history 1\n")
        .args(["--format", "json"])
        .run();
    json.success();
    let doc = json.json();
    let field = |name: &str| {
        doc["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|row| row["Field"] == name)
            .unwrap_or_else(|| panic!("no {name}\n{json}"))["Value"]
            .clone()
    };
    assert_eq!(
        field("SQL"),
        format!("select id,\n       '{long_name}' as long_one\n  from items").as_str()
    );
    assert_eq!(field("Rows"), "2");
    assert_eq!(field("Status"), "ok");
    assert!(field("Question").is_null());
}

#[test]
fn rerun_runs_the_sql_again_and_a_destructive_rerun_is_refused_without_a_terminal() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    let out = repl_script(
        &home,
        &file,
        "\\sql insert into items (name) values ('cup')\n\
         \\rerun 1\n\
         \\sql delete from items\n\
         \\rerun 3\n\
         \\rerun 42\n\
         \\rerun\n",
    )
    .run();
    out.success()
        .stderr_has("there is no history entry 42")
        .stderr_has("\\rerun needs the number of a history entry");
    assert_eq!(
        out.stderr
            .matches("destructive statements need a confirmation")
            .count(),
        2,
        "typed and re-run deletes are both refused\n{out}"
    );
    let shop = rusqlite::Connection::open(&file).unwrap();
    assert_eq!(
        count(&shop, "select count(*) from items where name = 'cup'"),
        2,
        "the insert ran twice\n{out}"
    );
    assert_eq!(count(&shop, "select count(*) from items"), 4, "{out}");
    let db = history_db(&home);
    assert_eq!(
        count(
            &db,
            "select count(*) from entries where sql like 'delete%' and not ran"
        ),
        2
    );
}

#[test]
fn a_destructive_rerun_asks_on_a_terminal() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    repl_script(&home, &file, "\\sql drop table items\n")
        .run()
        .success();
    let mut repl = harness::pty_with_home(["repl", "-d", &file.to_string_lossy()], &home);
    repl.expect_prompt();
    repl.send_line("\\rerun 1");
    repl.expect("Run it? [y/N]");
    repl.send_line("n");
    repl.expect("Not run.");
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
    let shop = rusqlite::Connection::open(&file).unwrap();
    assert_eq!(count(&shop, "select count(*) from items"), 2);
}

#[test]
fn two_processes_writing_at_once_lose_nothing() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    let writers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|tag| {
            let (home, file) = (home.clone(), file.clone());
            thread::spawn(move || {
                let script: String = (0..500)
                    .map(|n| format!("\\sql select {n} as {tag}\n"))
                    .collect();
                repl_script(&home, &file, &script).run()
            })
        })
        .collect();
    for writer in writers {
        let out = writer.join().expect("writer thread");
        out.success();
        assert!(!out.stderr.contains("warning"), "{out}");
    }
    let db = history_db(&home);
    assert_eq!(count(&db, "select count(*) from entries"), 1000);
    assert_eq!(
        count(&db, "select count(distinct sql) from entries where ran"),
        1000
    );
    let out = repl_script(&home, &file, "\\history \"b\"\n").run();
    out.success().stdout_has("select 499 as b");
}

#[test]
fn a_corrupt_history_is_moved_aside_and_a_new_one_started() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    let dir = history_dir(&home);
    std::fs::create_dir_all(&dir).unwrap();
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 + 3) as u8).collect();
    std::fs::write(dir.join("history.db"), &garbage).unwrap();
    // Private, as glance makes them, so the only thing to say is the move.
    for (path, mode) in [(dir.clone(), 0o700), (dir.join("history.db"), 0o600)] {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
    }

    let out = glance()
        .home(&home)
        .args(["ask", "--sql", "select 1 as one", "-d"])
        .arg(&file)
        .run();
    out.success()
        .stdout_has("one")
        .stderr_has("warning: the history file could not be read")
        .stderr_has("history.db.corrupt-");
    assert_eq!(out.stderr.lines().count(), 1, "one line of warning\n{out}");
    let moved: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".corrupt-"))
        .collect();
    assert_eq!(moved.len(), 1, "{moved:?}");
    assert_eq!(std::fs::read(&moved[0]).unwrap(), garbage, "kept as it was");
    assert_eq!(count(&history_db(&home), "select count(*) from entries"), 1);

    let again = glance()
        .home(&home)
        .args(["ask", "--sql", "select 2", "-d"])
        .arg(&file)
        .run();
    again.success();
    assert!(again.stderr.is_empty(), "{again}");
    assert_eq!(count(&history_db(&home), "select count(*) from entries"), 2);
}

#[test]
fn no_history_writes_nothing_and_says_so_when_asked() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    glance()
        .home(&home)
        .args(["ask", "--no-history", "--sql", "select 1", "-d"])
        .arg(&file)
        .run()
        .success();
    let out = repl_script(&home, &file, "\\sql select 2\n\\history\n\\rerun 1\n")
        .arg("--no-history")
        .run();
    out.success().stderr_has("history is off");
    assert!(
        !history_dir(&home).join("history.db").exists(),
        "no history file"
    );

    let mut repl = harness::pty_with_home(
        ["repl", "--no-history", "-d", &file.to_string_lossy()],
        &home,
    );
    repl.expect_prompt();
    repl.send_line("\\sql select 3 as three");
    repl.expect("1 row");
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
    assert!(
        !history_dir(&home).join("line_history").exists(),
        "no line history"
    );
    assert!(!history_dir(&home).join("history.db").exists());
}

/// Question, SQL, level, provider, model, input tokens.
type Asked = (String, Option<String>, Option<String>, String, String, i64);

#[test]
fn questions_are_recorded_with_provider_model_and_tokens() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    let fake = FakeLlm::openai(vec![
        Reply::text("Here it is.\n\n```sql\nselect count(*) as n from items\n```\n"),
        Reply::text("A primary key identifies each row of a table."),
    ]);
    for question in ["how many items are there?", "what is a primary key?"] {
        let mut cmd = glance()
            .home(&home)
            .args(["ask", question, "-d"])
            .arg(&file);
        for (name, value) in fake.env() {
            cmd = cmd.env(name, value);
        }
        cmd.run().success();
    }
    let db = history_db(&home);
    let rows: Vec<Asked> = db
        .prepare(
            "select question, sql, level, provider, model, input_tokens from entries order by id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        rows,
        vec![
            (
                "how many items are there?".to_string(),
                Some("select count(*) as n from items".to_string()),
                Some("read_only".to_string()),
                "openai".to_string(),
                "gpt-5-mini".to_string(),
                812
            ),
            (
                "what is a primary key?".to_string(),
                None,
                None,
                "openai".to_string(),
                "gpt-5-mini".to_string(),
                812
            ),
        ]
    );
    let out = repl_script(&home, &file, "\\history primary\n\\rerun 2\n").run();
    out.success()
        .stdout_has("what is a primary key?")
        .stdout_has("answered")
        .stderr_has("history entry 2 has no SQL to run");
}

#[test]
fn typed_lines_come_back_with_arrow_up_in_the_next_session() {
    let home = harness::scratch_dir("home");
    let file = items_file();
    let path = file.to_string_lossy().into_owned();
    let mut first = harness::pty_with_home(["repl", "-d", &path], &home);
    first.expect_prompt();
    first.send_line("\\sql select 42 as answer");
    first.expect("1 row");
    first.expect_prompt();
    first.ctrl('d');
    assert_eq!(first.expect_exit(), 0, "{}", first.transcript());
    assert!(history_dir(&home).join("line_history").exists());

    let mut second = harness::pty_with_home(["repl", "-d", &path], &home);
    second.expect_prompt();
    second.send("\x1b[A");
    second.expect("select 42 as answer");
    second.send("\r");
    second.expect_all(&["answer", "42", "1 row"]);
    second.expect_prompt();
    second.ctrl('d');
    assert_eq!(second.expect_exit(), 0, "{}", second.transcript());
}
