//! What the REPL does with a line typed at its question prompt, in a
//! pseudo-terminal: SQL runs as SQL without the model, questions (even
//! those that start with an SQL keyword) go to the model, `\ask` forces a
//! question, `[repl] detect_sql = false` sends everything to the model. Also
//! the prompt's transaction marks (`=*>`, `=!>`), the `\c` hint for a
//! database that does not exist, and `\?` paged in a small window.

use std::fs;
use std::path::PathBuf;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Repl, TestDb};

fn numbers(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute("create table t (n int); insert into t select g from generate_series(1, 7) g;");
    db
}

fn sql_reply(sql: &str) -> Reply {
    Reply::text(&format!("Here is the query.\n\n```sql\n{sql}\n```\n"))
}

/// The text of every message the fake model received in request `index`.
fn request_text(fake: &FakeLlm, index: usize) -> String {
    fake.requests()[index].body.to_string()
}

/// A REPL on `db` with the fake model, its HOME holding `config` when
/// given; the greeting must say how SQL is typed.
fn start(db: &TestDb, fake: &FakeLlm, config: Option<&str>) -> Repl {
    let home = harness::scratch_dir("home");
    if let Some(text) = config {
        let dir = home.join(".config/glance");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("config.toml"), text).unwrap();
    }
    let mut repl = Repl::spawn(
        harness::glance_bin(),
        ["repl", "-d", db.url()],
        &home,
        &fake.env(),
    );
    let detecting = config.is_none_or(|text| !text.contains("detect_sql = false"));
    repl.expect(if detecting {
        "Ask a question, or type SQL ending in ;"
    } else {
        "Ask a question, or type \\sql for SQL"
    });
    repl.expect_prompt();
    repl
}

#[test]
fn sql_typed_at_the_prompt_runs_without_the_model() {
    let db = numbers("typed_sql_runs");
    let fake = FakeLlm::openai(vec![
        sql_reply("select 'from the model' as source"),
        sql_reply("select 'asked anyway' as source"),
    ]);
    let mut repl = start(&db, &fake, None);
    repl.send_line("select count(*) as how_many from t;");
    repl.expect_all(&["how_many", "7", "1 row"]);
    repl.expect_prompt();
    // A statement over several lines waits for its `;` under `->`.
    repl.send_line("select n * 6 as answer");
    repl.expect("-> ");
    repl.send_line("from t where n = 7;");
    repl.expect_all(&["answer", "42", "1 row"]);
    repl.expect_prompt();
    assert!(
        fake.requests().is_empty(),
        "no request reaches the model for SQL:\n{}",
        repl.transcript()
    );

    repl.send_line("show me the top customers");
    repl.expect_all(&["from the model", "1 row"]);
    repl.expect_prompt();
    assert_eq!(fake.requests().len(), 1, "{}", repl.transcript());
    assert!(request_text(&fake, 0).contains("show me the top customers"));

    repl.send_line("\\ask select count(*) from t;");
    repl.expect_all(&["asked anyway", "1 row"]);
    repl.expect_prompt();
    assert_eq!(fake.requests().len(), 2, "{}", repl.transcript());
    assert!(request_text(&fake, 1).contains("select count(*) from t;"));

    // Typed SQL is logged like \sql's: its level, and no question.
    repl.send_line("\\log");
    let log = repl.expect("4 rows");
    let first = log
        .lines()
        .find(|line| line.trim_start().starts_with("1 |"))
        .unwrap_or_default();
    assert!(
        first.contains("read_only") && first.contains("select count") && first.contains("<null>"),
        "{log}"
    );
}

#[test]
fn with_detection_off_a_statement_goes_to_the_model() {
    let db = numbers("typed_sql_off");
    let fake = FakeLlm::openai(vec![sql_reply("select 'model wrote this' as source")]);
    let mut repl = start(&db, &fake, Some("[repl]\ndetect_sql = false\n"));
    repl.send_line("select count(*) from t;");
    repl.expect_all(&["model wrote this", "1 row"]);
    repl.expect_prompt();
    harness::wait_until("the model gets the line", || fake.requests().len() == 1);
    assert!(request_text(&fake, 0).contains("select count(*) from t;"));
    // \sql still runs SQL.
    repl.send_line("\\sql select 'by hand' as source;");
    repl.expect_all(&["by hand", "1 row"]);
    assert_eq!(fake.requests().len(), 1, "{}", repl.transcript());
}

#[test]
fn the_prompt_shows_the_transaction_state_on_postgresql() {
    let db = numbers("typed_sql_tx");
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect("=> ");
    repl.send_line("begin;");
    repl.expect("=*> ");
    repl.send_line("insert into t values (100);");
    repl.expect("=*> ");
    repl.send_line("insert into no_such_table values (1);");
    repl.expect("no_such_table");
    repl.expect("=!> ");
    repl.send_line("select 1;");
    repl.expect("current transaction is aborted");
    repl.expect("=!> ");
    repl.send_line("rollback;");
    let after = repl.expect("=> ");
    assert!(!after.contains("=!>") && !after.contains("=*>"), "{after}");
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("7"),
        "the rolled-back insert is gone\n{}",
        repl.transcript()
    );
    // COMMIT of a failed transaction rolls it back and ends it.
    repl.send_line("begin;");
    repl.expect("=*> ");
    repl.send_line("insert into no_such_table values (1);");
    repl.expect("=!> ");
    repl.send_line("commit;");
    let after = repl.expect("=> ");
    assert!(!after.contains("=!>") && !after.contains("=*>"), "{after}");
    // A statement continued over lines inside a transaction.
    repl.send_line("begin;");
    repl.expect("=*> ");
    repl.send_line("select (1 +");
    repl.expect("(*> ");
    repl.send_line("2) as three;");
    repl.expect_all(&["three", "1 row"]);
    repl.expect("=*> ");
    repl.send_line("rollback;");
    repl.expect("=> ");
}

#[test]
fn the_prompt_shows_an_open_transaction_on_sqlite() {
    let path: PathBuf = harness::scratch_dir("sqlite").join("tx.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch("create table items (id integer primary key);")
        .expect("seed sqlite file");
    drop(conn);
    let mut repl = harness::pty(["repl".into(), "-d".into(), path.clone().into_os_string()]);
    // Without a model, the greeting says SQL can be typed as it is.
    repl.expect("No LLM provider is configured: type SQL ending in ;");
    repl.expect("=> ");
    repl.send_line("begin;");
    repl.expect("=*> ");
    repl.send_line("insert into items values (1);");
    repl.expect("=*> ");
    repl.send_line("rollback;");
    let after = repl.expect("=> ");
    assert!(!after.contains("=*>"), "{after}");
}

#[test]
fn connecting_to_a_missing_database_gives_a_repl_hint() {
    let db = numbers("typed_sql_connect");
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\c no_such_database_here");
    let shown = repl.expect("Still connected");
    assert!(
        shown.contains("\\l lists the databases on this server; \\c NAME connects to one"),
        "{shown}"
    );
    assert!(
        !shown.contains("-d"),
        "no start-up advice in the REPL:\n{shown}"
    );
    repl.expect_prompt();
}

#[test]
fn help_is_paged_when_longer_than_the_window() {
    let db = numbers("typed_sql_help");
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\?");
    let first = repl.expect("-- page 1 of");
    assert!(first.contains("General"), "{first}");
    repl.send(" ");
    repl.expect("-- page 2 of");
    repl.send("q");
    repl.expect_prompt();
    repl.send_line("\\sql select 'still' || 'here' as s;");
    repl.expect("stillhere");
}
