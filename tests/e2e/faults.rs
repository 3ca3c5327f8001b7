//! Faults injected from outside, and what the person sees: a PostgreSQL
//! session ended under glance (`pg_terminate_backend`, as a restart does),
//! an LLM server that fails, stalls, or is cut off by Ctrl-C, and a disk
//! that refuses (locked history, unwritable data directory, full disk).

use std::path::Path;
use std::time::{Duration, Instant};

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Repl, TestDb, glance};

/// How many sessions glance has open on `db`.
fn glance_sessions(db: &TestDb) -> String {
    db.query_scalar(&format!(
        "select count(*) || ' ' || coalesce(string_agg(state || ':' || query, ', '), '') \
         from pg_stat_activity where datname = '{}' and application_name = 'glance'",
        db.name()
    ))
    .unwrap_or_default()
}

/// Ends glance's session on `db` from another connection, as a server
/// restart would, and waits until it is gone.
fn terminate_glance(db: &TestDb) {
    db.execute(&format!(
        "select pg_terminate_backend(pid) from pg_stat_activity \
         where datname = '{}' and application_name = 'glance'",
        db.name()
    ));
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let sessions = glance_sessions(db);
        if sessions.starts_with("0 ") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "glance's backend is still there: {sessions}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn repl_on(db: &TestDb) -> Repl {
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    repl
}

#[test]
fn a_lost_connection_is_reopened_by_the_next_command_which_says_so_once() {
    let db = harness::db("faults_reconnect");
    db.execute("create table t (id int)");
    let mut repl = repl_on(&db);
    repl.send_line("\\sql begin;");
    repl.expect("BEGIN ·");
    repl.send_line("\\sql insert into t values (1);");
    repl.expect("INSERT, 1 row");
    terminate_glance(&db);
    // Wait for the row-count footer: a bare number could match the port.
    repl.send_line("\\sql select 40 + 2 as answer;");
    let shown = repl.expect("1 row");
    assert!(
        shown.contains("was lost; reconnected; your open transaction was rolled back"),
        "{shown}"
    );
    assert!(shown.lines().any(|line| line.trim() == "42"), "{shown}");
    repl.expect_prompt();
    repl.send_line("\\sql select count(*) + 100 as n from t;");
    let shown = repl.expect("1 row");
    assert!(shown.lines().any(|line| line.trim() == "100"), "{shown}");
    assert!(!shown.contains("reconnected"), "said twice:\n{shown}");
    repl.expect_prompt();
}

#[test]
fn a_query_running_when_the_connection_ends_fails_clearly_and_the_repl_goes_on() {
    let db = harness::db("faults_query_lost");
    let mut repl = repl_on(&db);
    repl.send_line("\\sql select pg_sleep(30);");
    // glance's own backend, in the sleep: not this query, which matches the
    // pattern too.
    harness::wait_until("pg_sleep runs", || {
        db.query_scalar(&format!(
            "select count(*) from pg_stat_activity where datname = '{}' \
             and application_name = 'glance' and state = 'active' \
             and query like '%pg_sleep(30)%' and pid <> pg_backend_pid()",
            db.name()
        ))
        .as_deref()
            == Some("1")
    });
    terminate_glance(&db);
    repl.expect_all(&["connection lost", "reconnects with the next command"]);
    repl.expect_prompt();
    repl.send_line("\\sql select 'ba' || 'ck' as state;");
    repl.expect_all(&["reconnected", "back"]);
    repl.expect_prompt();
}

#[test]
fn a_write_whose_connection_is_lost_says_it_was_not_committed() {
    let db = harness::db("faults_write_lost");
    db.execute("create table t (id int); insert into t values (1), (2)");
    let mut repl = repl_on(&db);
    // Another session holds the table, so the confirmed DELETE waits.
    let mut holder = db.client();
    let mut lock = holder.transaction().expect("begin");
    lock.execute("lock table t in access exclusive mode", &[])
        .expect("lock t");
    repl.send_line("\\sql delete from t;");
    repl.expect("[y/N]");
    repl.send_line("y");
    harness::wait_until("the delete waits for the lock", || {
        db.query_scalar(&format!(
            "select count(*) from pg_stat_activity where datname = '{}' and application_name = 'glance' and wait_event_type = 'Lock'",
            db.name()
        ))
        .as_deref()
            == Some("1")
    });
    terminate_glance(&db);
    repl.expect("before the server confirmed the change, so it was not committed");
    repl.expect_prompt();
    lock.rollback().expect("release the lock");
    assert_eq!(
        db.query_scalar("select count(*) from t").as_deref(),
        Some("2")
    );
    repl.send_line("\\sql select count(*) + 100 as n from t;");
    repl.expect_all(&["reconnected", "102"]);
}

fn fake_env(cmd: harness::Cmd, fake: &FakeLlm) -> harness::Cmd {
    fake.env()
        .into_iter()
        .fold(cmd, |cmd, (name, value)| cmd.env(name, value))
}

#[test]
fn ctrl_c_while_the_model_streams_abandons_the_question_and_keeps_the_session() {
    let db = harness::db("faults_llm_ctrl_c");
    let fake = FakeLlm::openai(vec![
        // Far longer than the test may take: only Ctrl-C ends the wait.
        Reply::Stalled("Let me think about".into(), Duration::from_secs(600)),
        Reply::sql("select 40 + 2 as answer"),
    ]);
    let mut repl = harness::pty_with_env(["repl", "-d", db.url()], &fake.env());
    repl.expect_prompt();
    repl.send_line("the first question");
    repl.expect("Let me think about");
    repl.ctrl('c');
    repl.expect("cancelled");
    repl.expect_prompt();
    harness::wait_until("the stalled connection is closed", || fake.abandoned() == 1);
    repl.send_line("the second question");
    repl.expect("42");
    repl.expect_prompt();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2);
    assert!(
        !requests[1].body.to_string().contains("the first question"),
        "the abandoned question was remembered: {}",
        requests[1].body
    );
}

#[test]
fn every_llm_failure_is_reported_and_the_repl_answers_the_next_question() {
    let db = harness::db("faults_llm_repl");
    let fake = FakeLlm::openai(vec![
        Reply::Status(503, String::new(), None),
        Reply::Status(503, String::new(), None),
        Reply::Status(503, String::new(), None),
        Reply::Truncated("Here is the".into()),
        Reply::Malformed("Here is the".into()),
        // Far longer than the test may take: only the timeout ends the wait.
        Reply::Stalled("Here is".into(), Duration::from_secs(600)),
        Reply::sql("select 'still here' as state"),
    ]);
    let script = "overloaded?\ncut?\nmalformed?\nstalled?\nfine?\n";
    let out = fake_env(glance(), &fake)
        .args(["repl", "-d", db.url()])
        .env("GLANCE_LLM_TIMEOUT_MS", "2000")
        .stdin(script)
        .run();
    out.stderr_has("overloaded")
        .stderr_has("before the answer was complete")
        .stderr_has("sent a response glance cannot read")
        .stderr_has("timed out waiting for the answer")
        .stdout_has("still here");
}

#[test]
fn a_malformed_chunk_fails_ask_with_the_cause() {
    let db = harness::db("faults_llm_malformed");
    let fake = FakeLlm::anthropic(vec![Reply::Malformed("Here is".into())]);
    let out = fake_env(glance(), &fake)
        .args(["ask", "-d", db.url(), "anything"])
        .run();
    out.code(1)
        .stderr_has("anthropic")
        .stderr_has("sent a response glance cannot read");
}

#[test]
fn a_slow_first_byte_within_the_timeout_is_waited_for() {
    let db = harness::db("faults_llm_slow");
    let fake = FakeLlm::openai(vec![Reply::Delayed(
        Duration::from_millis(1500),
        "Here is the query.\n\n```sql\nselect 7 as n\n```\n".into(),
    )]);
    // The timeout is ten times the wait, so a loaded machine stays within it.
    let out = fake_env(glance(), &fake)
        .args(["ask", "-d", db.url(), "anything", "--format", "csv"])
        .env("GLANCE_LLM_TIMEOUT_MS", "15000")
        .run();
    out.success();
    assert_eq!(out.stdout, "n\n7\n", "{out}");
}

#[test]
fn a_rate_limit_asking_for_too_long_a_wait_is_reported_at_once() {
    let db = harness::db("faults_llm_long_wait");
    let fake = FakeLlm::openai(vec![Reply::Status(429, String::new(), Some(3600))]);
    let out = fake_env(glance(), &fake)
        .args(["ask", "-d", db.url(), "anything"])
        .run();
    // Waiting the hour would pass the harness's run timeout; one request
    // shows there was no retry.
    out.code(1).stderr_has("rate limiting");
    assert_eq!(fake.requests().len(), 1);
}

/// A SQLite file with one table, in `dir`.
fn sqlite_file(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("data.db");
    let conn = rusqlite::Connection::open(&path).expect("create data.db");
    conn.execute_batch("create table t (id integer); insert into t values (1), (2), (3);")
        .expect("seed data.db");
    path
}

#[test]
fn a_locked_history_is_reported_and_the_query_still_runs() {
    let home = harness::scratch_dir("faults-locked");
    let data = sqlite_file(&home);
    glance()
        .home(&home)
        .args(["ask", "-d"])
        .arg(&data)
        .args(["--sql", "select 1 as one"])
        .run()
        .success();
    let history = home.join(".local/share/glance/history.db");
    let holder = rusqlite::Connection::open(&history).expect("open history.db");
    holder
        .execute_batch("begin exclusive;")
        .expect("lock history.db");
    let out = glance()
        .home(&home)
        .args(["ask", "-d"])
        .arg(&data)
        .args(["--sql", "select count(*) as n from t", "--format", "csv"])
        .timeout(Duration::from_secs(60))
        .run();
    out.success().stderr_has("history");
    assert_eq!(out.stdout, "n\n3\n", "{out}");
    holder.execute_batch("rollback").expect("unlock");
}

#[test]
fn an_unwritable_data_directory_is_reported_and_glance_still_works() {
    let home = harness::scratch_dir("faults-rodata");
    let data = sqlite_file(&home);
    // A regular file where the data directory's parent should be: nothing
    // can be created below it, even by root.
    let blocker = home.join("not-a-dir");
    std::fs::write(&blocker, "x").expect("write the blocker");
    let out = glance()
        .home(&home)
        .env("XDG_DATA_HOME", blocker.join("share"))
        .args(["ask", "-d"])
        .arg(&data)
        .args(["--sql", "select count(*) as n from t", "--format", "csv"])
        .run();
    out.success().stderr_has("history");
    assert_eq!(out.stdout, "n\n3\n", "{out}");
    let mut repl = harness::Repl::spawn(
        harness::glance_bin(),
        ["repl", "-d", data.to_str().unwrap()],
        &home,
        &[("XDG_DATA_HOME", blocker.join("share").display().to_string())],
    );
    repl.expect_prompt();
    repl.send_line("\\sql select 5 * 5 as n;");
    repl.expect("25");
    repl.expect_prompt();
}

/// Exports 1 MB past a 64 KiB file size limit set by `shell_setup`, and
/// checks that each fails with EFBIG, leaves no file, and glance goes on.
fn export_past_a_file_size_limit(hint: &str, shell_setup: &str) {
    let db = harness::db(hint);
    db.execute(
        "create table t as select g as id, repeat('x', 200) as pad from generate_series(1, 5000) g",
    );
    let home = harness::scratch_dir(hint);
    let script = "\\sql select * from t;\n\\export csv big.csv\n\\export json big.json\n\\sql select 'alive' as state;\n";
    let out = harness::Cmd::new("sh")
        .home(&home)
        .env("GLANCE", harness::glance_bin())
        .env("URL", db.url())
        .args([
            "-c",
            &format!("{shell_setup}; exec \"$GLANCE\" repl --no-history -d \"$URL\""),
        ])
        .stdin(script)
        .run();
    out.success()
        .stderr_has("cannot write big.csv: File too large")
        .stderr_has("cannot write big.json: File too large")
        .stderr_has("ulimit -f")
        .stdout_has("alive");
    out.never_shows("Wrote");
    let left: Vec<_> = std::fs::read_dir(&home)
        .expect("read home")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains("big"))
        .collect();
    assert!(left.is_empty(), "partial files left: {left:?}\n{out}");
}

#[test]
fn a_full_disk_during_an_export_leaves_no_file_and_glance_goes_on() {
    // A file size limit of 64 KiB; SIGXFSZ ignored so writes fail with EFBIG.
    export_past_a_file_size_limit("faults_full_disk", "trap '' XFSZ; ulimit -f 128");
}

#[test]
fn a_file_size_limit_does_not_kill_glance_mid_export() {
    // SIGXFSZ left at its default action, which would end the process.
    export_past_a_file_size_limit("faults_ulimit", "ulimit -f 128");
}
