//! What the REPL shows around an answer: a spinner while the model has not
//! answered yet (on a terminal only), the model's Markdown rendered (plain in
//! a pipe), the SQL shown once, the pager's exact count once every row is
//! in, and `\export`/`\yank` re-runs logged but not added to `\history`.

use std::time::Duration;

use crate::export::script;
use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Repl, TestDb, glance};

/// What the spinner says while the fake model is silent.
const ASKING: &str = "asking gpt-5-mini…";
/// Start of line, erase the line: how the spinner leaves.
const ERASE: &[u8] = b"\r\x1b[2K";

fn repl_with(db: &TestDb, fake: &FakeLlm, extra_env: &[(&str, String)]) -> Repl {
    let mut env: Vec<(&str, String)> = fake.env().into_iter().collect();
    env.extend(extra_env.iter().cloned());
    let home = harness::scratch_dir("reading_home");
    let mut repl = Repl::spawn(harness::glance_bin(), ["repl", "-d", db.url()], &home, &env);
    repl.expect_prompt();
    repl
}

/// The bytes written after the last spinner frame.
fn after_spinner(repl: &Repl) -> Vec<u8> {
    let raw = repl.raw_transcript();
    let frame = ASKING.as_bytes();
    let last = raw
        .windows(frame.len())
        .rposition(|w| w == frame)
        .unwrap_or_else(|| panic!("no spinner frame:\n{}", repl.transcript()));
    raw[last..].to_vec()
}

/// What each row of `raw` finally shows, roughly as a terminal would: a
/// row's text after its last erase, escape sequences dropped.
fn final_rows(raw: &[u8]) -> String {
    let mut screen = Vec::new();
    for row in raw.split(|&b| b == b'\n') {
        let start = row
            .windows(ERASE.len())
            .rposition(|w| w == ERASE)
            .map_or(0, |at| at + ERASE.len());
        let mut bytes = row[start..].iter().copied().peekable();
        while let Some(b) = bytes.next() {
            match b {
                0x1b => {
                    if bytes.next_if_eq(&b'[').is_some() {
                        bytes.by_ref().find(|b| (0x40..=0x7e).contains(b));
                    }
                }
                b'\r' => {}
                b => screen.push(b),
            }
        }
        screen.push(b'\n');
    }
    String::from_utf8_lossy(&screen).into_owned()
}

fn position(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

const MARKDOWN_REPLY: &str = "## Orders\n\nThe **largest** order is `o_12`, in *euros*:\n\n\
                              - first point\n- second point\n\n```sql\nselect 12 as largest_id\n```\n";

#[test]
fn a_spinner_shows_while_the_model_is_silent_and_is_erased_before_its_text() {
    let db = harness::db("reading_spinner");
    let fake = FakeLlm::openai(vec![Reply::Delayed(
        Duration::from_millis(1500),
        "Here it is:\n\n```sql\nselect 41 + 1 as answer\n```\n".into(),
    )]);
    let mut repl = repl_with(&db, &fake, &[]);
    repl.send_line("what is the answer");
    repl.expect(ASKING);
    repl.expect_all(&["Here it is:", "answer", "42", "1 row"]);
    repl.expect_prompt();
    let after = after_spinner(&repl);
    let erased = position(&after, ERASE).expect("the spinner line is erased");
    let text = position(&after, b"Here it is:").expect("the reply follows");
    assert!(
        erased < text,
        "the line is erased before the reply is written:\n{}",
        String::from_utf8_lossy(&after)
    );
    assert!(
        !String::from_utf8_lossy(&after[erased..]).contains("asking"),
        "nothing of the spinner comes back:\n{}",
        repl.transcript()
    );
}

#[test]
fn ask_on_a_terminal_shows_the_spinner_and_erases_it_before_the_answer() {
    let db = harness::db("reading_ask_spinner");
    let fake = FakeLlm::openai(vec![Reply::Delayed(
        Duration::from_millis(1500),
        "Here it is:\n\n```sql\nselect 41 + 1 as answer\n```\n".into(),
    )]);
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let mut run = harness::pty_with_env(["ask", "-d", db.url(), "what is the answer"], &env);
    assert_eq!(run.expect_exit(), 0, "{}", run.transcript());
    let raw = run.raw_transcript();
    let frame = ASKING.as_bytes();
    let last = raw
        .windows(frame.len())
        .rposition(|w| w == frame)
        .unwrap_or_else(|| panic!("no spinner frame:\n{}", run.transcript()));
    let after = &raw[last..];
    let erased = position(after, ERASE).expect("the spinner line is erased");
    let text = position(after, b"Here it is:").expect("the explanation follows");
    assert!(
        erased < text,
        "the line is erased before the explanation:\n{}",
        String::from_utf8_lossy(after)
    );
    assert!(run.transcript().contains("42"), "{}", run.transcript());
}

#[test]
fn ctrl_c_while_the_model_is_silent_erases_the_spinner() {
    let db = harness::db("reading_spinner_ctrl_c");
    let fake = FakeLlm::openai(vec![Reply::Stalled(
        String::new(),
        Duration::from_secs(120),
    )]);
    let mut repl = repl_with(&db, &fake, &[]);
    repl.send_line("anything");
    repl.expect(ASKING);
    // The spinner starts before the request is sent; Ctrl-C before the
    // model has it would leave the scripted reply unasked for.
    harness::wait_until("the model has the question", || fake.requests().len() == 1);
    repl.ctrl('c');
    repl.expect_nocase("cancel");
    repl.expect_prompt();
    let after = after_spinner(&repl);
    let erased = position(&after, ERASE).expect("the spinner line is erased");
    let cancelled = String::from_utf8_lossy(&after[erased..]).to_lowercase();
    assert!(
        cancelled.contains("cancel") && !cancelled.contains("asking"),
        "the line is erased before the cancellation is reported:\n{cancelled}"
    );
}

#[test]
fn without_a_terminal_there_is_no_spinner_and_markdown_is_kept_as_written() {
    let db = harness::db("reading_pipe");
    let fake = FakeLlm::openai(vec![
        Reply::text(MARKDOWN_REPLY),
        Reply::text(MARKDOWN_REPLY),
    ]);
    let home = harness::scratch_dir("reading_pipe");
    let out = fake
        .on(glance())
        .args(["repl", "-d", db.url()])
        .home(&home)
        .stdin("largest order\n")
        .run();
    out.success().never_shows(ASKING).never_shows("\x1b");
    assert!(
        out.stdout.contains("The **largest** order is `o_12`")
            && out.stdout.contains("```sql\nselect 12 as largest_id\n```"),
        "a pipe gets the Markdown as the model wrote it:\n{out}"
    );
    let out = fake
        .on(glance())
        .args(["ask", "-d", db.url(), "largest order", "--format", "csv"])
        .home(&home)
        .run();
    out.success().never_shows(ASKING).never_shows("\x1b");
    assert_eq!(out.stdout, "largest_id\n12\n", "{out}");
}

#[test]
fn markdown_is_rendered_on_a_terminal_and_the_sql_shown_once() {
    let db = harness::db("reading_markdown");
    let fake = FakeLlm::openai(vec![Reply::text(MARKDOWN_REPLY)]);
    let mut repl = repl_with(&db, &fake, &[]);
    repl.send_line("largest order");
    repl.expect_all(&["largest_id", "12", "1 row"]);
    repl.expect_prompt();
    // The words show as they stream; each line is redrawn rendered.
    let shown = final_rows(&after_spinner(&repl));
    for line in [
        "Orders",
        "The largest order is o_12, in euros:",
        "• first point",
        "• second point",
        "select 12 as largest_id",
        "→ read_only",
    ] {
        assert!(
            shown.lines().any(|shown| shown.trim_end() == line),
            "{line:?} is shown:\n{shown}"
        );
    }
    for marker in ["##", "**", "`", "- first"] {
        assert!(!shown.contains(marker), "{marker:?} is not shown:\n{shown}");
    }
    assert_eq!(
        shown.matches("select 12 as largest_id").count(),
        1,
        "the SQL is shown once:\n{shown}"
    );
    let raw = repl.raw_transcript();
    assert!(
        position(raw, b"\x1b[1mlargest\x1b[22m").is_some(),
        "bold is drawn as bold"
    );
}

#[test]
fn a_write_s_confirmation_does_not_print_the_sql_again() {
    let db = harness::db("reading_write_once");
    db.execute("create table orders (id int primary key); insert into orders values (12);");
    let fake = FakeLlm::openai(vec![Reply::text(
        "Adding it:\n\n```sql\ninsert into orders values (13)\n```\n",
    )]);
    let mut repl = repl_with(&db, &fake, &[]);
    repl.send_line("add order 13");
    let shown = repl.expect("Run it? [y/N]");
    assert_eq!(
        shown.matches("insert into orders values (13)").count(),
        1,
        "the SQL is shown once, in the reply:\n{shown}"
    );
    assert!(
        shown.contains("→ write") && shown.contains("  level: write"),
        "{shown}"
    );
    repl.send_line("n");
    repl.expect("Not run");
    repl.expect_prompt();
    assert_eq!(
        db.query_scalar("select count(*) from orders").as_deref(),
        Some("1")
    );
}

#[test]
fn a_result_that_has_all_arrived_says_how_many_pages_and_rows_it_has() {
    let db = harness::db("reading_pager_count");
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    // 40 rows on a 24-line terminal: two pages, all rows in one chunk.
    repl.send_line("\\sql select g from generate_series(1, 40) g;");
    let status = repl.expect("page 1 of 2 · 40 rows ·");
    assert!(
        !status.contains('≥') && !status.contains("so far"),
        "the status line reads as complete:\n{status}"
    );
    repl.send("G");
    repl.expect("page 2 of 2 · 40 rows ·");
    repl.send("q");
    repl.expect("40 rows");
    repl.expect_prompt();
}

#[test]
fn export_re_runs_are_logged_with_their_rows_but_are_no_new_history_entries() {
    let db = harness::db("reading_rerun_history");
    let home = harness::scratch_dir("reading_rerun_history");
    let out = script(
        db.url(),
        &home,
        &[
            "\\sql select g from generate_series(1, 7) g;",
            "\\export csv seven.csv",
            "\\export json seven.json",
            "\\log",
            "\\history",
        ],
    );
    out.success();
    let log = out
        .stdout
        .split("Query log")
        .nth(1)
        .and_then(|rest| rest.split("History").next())
        .unwrap_or_else(|| panic!("no \\log:\n{out}"));
    let logged: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("generate_series"))
        .collect();
    assert_eq!(
        logged.len(),
        3,
        "the run and both re-runs are logged:\n{log}"
    );
    assert!(
        logged.iter().all(|line| line.contains("|    7 |")),
        "each shows its 7 rows:\n{log}"
    );
    let history = out
        .stdout
        .split("History")
        .nth(1)
        .unwrap_or_else(|| panic!("no \\history:\n{out}"));
    let entries = history
        .lines()
        .filter(|line| line.contains("generate_series"))
        .count();
    assert_eq!(
        entries, 1,
        "one history entry for the statement:\n{history}"
    );
}

#[test]
fn a_slow_export_shows_a_spinner_that_is_gone_before_the_report() {
    let db = harness::db("reading_export_spinner");
    let home = harness::scratch_dir("reading_export_spinner");
    let mut repl = Repl::spawn(harness::glance_bin(), ["repl", "-d", db.url()], &home, &[]);
    repl.expect_prompt();
    db.execute("create table slow (n int); insert into slow values (1);");
    repl.send_line("\\sql select n from slow;");
    repl.expect("1 row");
    repl.expect_prompt();
    // The re-run waits for a lock the test holds until the spinner shows.
    let mut client = db.client();
    let mut lock = client.transaction().expect("begin");
    lock.batch_execute("lock table slow in access exclusive mode")
        .expect("lock slow");
    repl.send_line("\\export csv slow.csv");
    repl.expect("exporting to slow.csv…");
    lock.commit().expect("release the lock");
    repl.expect("Wrote 1 row to slow.csv");
    repl.expect_prompt();
    let raw = repl.raw_transcript();
    let frame = raw
        .windows(b"exporting to".len())
        .rposition(|w| w == b"exporting to")
        .expect("a spinner frame");
    let after = &raw[frame..];
    let erased = position(after, ERASE).expect("the spinner line is erased");
    let report = position(after, b"Wrote 1 row").expect("the report follows");
    assert!(erased < report, "{}", repl.transcript());
}
