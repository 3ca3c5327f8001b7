//! What the REPL shows around an answer: a spinner while the model has not
//! answered yet (on a terminal only), the model's Markdown rendered (plain in
//! a pipe), the SQL shown once, the pager's exact count once every row is
//! in, and `\export`/`\yank` re-runs logged but not added to `\history`.

use std::path::Path;

use crate::harness::{self, Output, glance};

/// Runs `glance repl -d target` with `lines` piped on stdin, in `home`.
fn script(target: &str, home: &Path, lines: &[&str]) -> Output {
    let mut input = lines.join("\n");
    input.push('\n');
    glance()
        .args(["repl", "-d", target])
        .home(home)
        .stdin(input)
        .run()
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
