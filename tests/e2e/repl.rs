//! The interactive REPL in a 24×100 pseudo-terminal: prompts, SQL mode,
//! paging keys, expanded display, confirmation of destructive statements,
//! Ctrl-C and Ctrl-D, help, hints and the statement log.

use crate::harness::{self, Repl, TestDb};

fn start(db: &TestDb) -> Repl {
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    repl
}

/// Reads the last `page X of Y` (or `page X of ≥Y` while rows are still
/// being fetched) in `text`.
fn page_numbers(text: &str) -> Option<(u32, u32)> {
    let at = text.rfind("page ")?;
    let mut words = text[at + 5..].split_whitespace();
    let current = words.next()?.parse().ok()?;
    (words.next()? == "of").then_some(())?;
    let total: String = words
        .next()?
        .trim_start_matches('≥')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    Some((current, total.parse().ok()?))
}

/// The page number shown last in `text`.
fn page(text: &str) -> Option<u32> {
    page_numbers(text).map(|(current, _)| current)
}

#[test]
fn the_prompt_appears_and_ctrl_d_exits_with_status_0() {
    let db = harness::db("repl_ctrl_d");
    let mut repl = start(&db);
    repl.ctrl('d');
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
}

#[test]
fn backslash_q_exits_with_status_0() {
    let db = harness::db("repl_q");
    let mut repl = start(&db);
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
}

#[test]
fn backslash_sql_with_a_statement_runs_it() {
    let db = harness::db("repl_sql_once");
    let mut repl = start(&db);
    repl.send_line("\\sql select 1 as x;");
    let shown = repl.expect("1 row");
    assert!(
        shown.contains('x') && shown.contains('1'),
        "column x and value 1 expected:\n{shown}"
    );
    repl.expect_prompt();
}

#[test]
fn sql_mode_has_its_own_prompts_and_reads_until_the_semicolon() {
    let db = harness::db("repl_sql_mode");
    let mut repl = start(&db);
    repl.send_line("\\sql");
    repl.expect_sql_prompt();
    repl.send_line("select 40 +");
    repl.expect("sql-> ");
    repl.send_line("2 as total;");
    repl.expect_all(&["total", "42", "1 row"]);
    repl.expect_sql_prompt();
    repl.send_line("\\sql");
    let back = repl.expect_prompt();
    assert!(
        !back.contains("sql=>"),
        "\\sql again leaves SQL mode:\n{back}"
    );
}

#[test]
fn a_long_result_is_paged_and_the_keys_move_between_pages() {
    let db = harness::db("repl_pager");
    let mut repl = start(&db);
    // Values no database name, port or status line can contain.
    repl.send_line("\\sql select 'row-' || g as r from generate_series(1, 200) g;");
    let first = repl.expect_with("page 1", |t| page(t) == Some(1));
    assert!(
        first.contains("row-17") && !first.contains("row-150"),
        "the first page shows the first rows only:\n{first}"
    );

    repl.send("n");
    repl.expect_with("page 2", |t| page(t) == Some(2));
    repl.send(" ");
    repl.expect_with("page 3", |t| page(t) == Some(3));
    repl.send("b");
    repl.expect_with("page 2 after b", |t| page(t) == Some(2));
    repl.send("G");
    let last = repl.expect_with("the last page", |t| {
        page_numbers(t).is_some_and(|(p, total)| p == total) && t.contains("row-200")
    });
    let (total, _) = page_numbers(&last).unwrap_or_default();
    assert!(
        total >= 8,
        "200 rows in a 24-row terminal need many pages, got {total}:\n{last}"
    );
    assert!(
        last.contains("row-199") && !last.contains("≥"),
        "the last page shows the last rows and the exact count:\n{last}"
    );
    repl.send("g");
    repl.expect_with("page 1 after g", |t| page_numbers(t) == Some((1, total)));
    repl.send("\r");
    repl.expect_with("page 2 after Enter", |t| {
        page_numbers(t) == Some((2, total))
    });
    repl.send("4\r");
    repl.expect_with("page 4 after 4 Enter", |t| {
        page_numbers(t) == Some((4, total))
    });
    repl.send("q");
    repl.expect_prompt();
    repl.send_line("\\sql select 'after' || 'paging' as done;");
    repl.expect("afterpaging");
}

#[test]
fn backslash_x_toggles_expanded_display() {
    let db = harness::db("repl_expanded");
    let mut repl = start(&db);
    repl.send_line("\\x");
    repl.expect_prompt();
    repl.send_line("\\sql select 1 as a, 'two' as b;");
    repl.expect_all(&["-[ RECORD 1 ]", "two"]);
    repl.expect_prompt();
    repl.send_line("\\x");
    repl.expect_prompt();
    repl.send_line("\\sql select 3 as c;");
    let shown = repl.expect("1 row");
    assert!(
        !shown.contains("RECORD"),
        "\\x again turns expanded display off:\n{shown}"
    );
}

#[test]
fn backslash_gx_in_a_terminal_expands_only_that_result() {
    let db = harness::db("repl_gx_terminal");
    let mut repl = start(&db);
    repl.send_line("\\sql select 1 as a, 'two' as b \\gx");
    repl.expect_all(&["-[ RECORD 1 ]", "two"]);
    repl.expect_prompt();
    repl.send_line("\\sql");
    repl.expect_sql_prompt();
    repl.send_line("select 3 as c");
    repl.expect("sql-> ");
    repl.send_line("\\g");
    let shown = repl.expect("1 row");
    assert!(
        !shown.contains("RECORD"),
        "expanded display was for the \\gx result only:\n{shown}"
    );
    repl.expect_sql_prompt();
}

#[test]
fn a_notice_from_a_read_shows_in_a_terminal() {
    let db = harness::db("repl_notice_terminal");
    db.execute(
        "create function noisy() returns int language plpgsql stable as \
         $$ begin raise notice 'counted'; return 7; end $$",
    );
    let mut repl = harness::pty(["repl", "-y", "-d", db.url()]);
    repl.expect_prompt();
    repl.send_line("\\sql select noisy() as n;");
    repl.expect_all(&["NOTICE:  counted", "1 row"]);
    repl.expect_prompt();
}

#[test]
fn answering_no_to_a_destructive_statement_keeps_the_table() {
    let db = harness::db("repl_confirm_no");
    db.execute("create table keepme (id int); insert into keepme values (1);");
    let mut repl = start(&db);
    repl.send_line("\\sql drop table keepme;");
    repl.expect("[y/N]");
    repl.send_line("n");
    repl.expect_prompt();
    assert!(
        db.relation_exists("keepme"),
        "the table was dropped after answering n\n{}",
        repl.transcript()
    );
    repl.send_line("\\sql select count(*) as still from keepme;");
    repl.expect("still");
}

#[test]
fn answering_yes_to_a_destructive_statement_runs_it() {
    let db = harness::db("repl_confirm_yes");
    db.execute("create table keepme (id int)");
    let mut repl = start(&db);
    repl.send_line("\\sql drop table keepme;");
    repl.expect("[y/N]");
    repl.send_line("y");
    repl.expect_prompt();
    harness::wait_until("keepme is dropped", || !db.relation_exists("keepme"));
}

#[test]
fn ctrl_c_cancels_a_running_statement_and_the_repl_goes_on() {
    let db = harness::db("repl_cancel");
    let mut repl = start(&db);
    repl.send_line("\\sql select pg_sleep(30);");
    harness::wait_until("pg_sleep runs", || {
        db.query_scalar(&format!(
            "select count(*) from pg_stat_activity \
             where datname = '{}' and application_name = 'glance' \
             and query like '%pg_sleep(30)%' and pid <> pg_backend_pid()",
            db.name()
        ))
        .as_deref()
            == Some("1")
    });
    // Without a cancel the sleep ends with a result that never says so.
    repl.ctrl('c');
    repl.expect_nocase("cancel");
    repl.expect_prompt();
    repl.send_line("\\sql select 42 as answer;");
    repl.expect_all(&["answer", "42"]);
}

#[test]
fn ctrl_c_at_the_prompt_clears_the_line_and_keeps_running() {
    let db = harness::db("repl_ctrl_c_prompt");
    let mut repl = start(&db);
    repl.send("\\sql select 'half-typed'");
    // The line is redrawn as it is typed: wait for the last of it, so the
    // prompt awaited next is the one drawn after Ctrl-C.
    repl.expect("'half-typed'");
    repl.ctrl('c');
    repl.expect_prompt();
    repl.send_line("\\sql select 'fresh' || 'line' as f;");
    let shown = repl.expect("freshline");
    assert!(
        !shown.contains("half-typedfresh"),
        "the cleared text was kept:\n{shown}"
    );
    repl.expect_prompt();
    repl.ctrl('d');
    assert_eq!(repl.expect_exit(), 0);
}

#[test]
fn help_lists_the_meta_commands() {
    let db = harness::db("repl_help");
    let mut repl = start(&db);
    repl.send_line("\\?");
    // Longer than the 24-line window, so paged: Space through every page.
    let mut shown = String::new();
    loop {
        let at_prompt = |text: &str| text.lines().last().is_some_and(|l| l.contains("=> "));
        let part = repl.expect_with("a pager status line or the prompt", |text| {
            text.contains(" quit --") || at_prompt(text)
        });
        shown.push_str(&part);
        if !part.contains(" quit --") {
            break;
        }
        repl.send(" ");
    }
    for name in ["\\sql", "\\d", "\\x", "\\q", "\\ask", "Keys"] {
        assert!(shown.contains(name), "{name} missing from help:\n{shown}");
    }
}

#[test]
fn a_question_without_an_llm_provider_prints_a_hint() {
    let db = harness::db("repl_no_llm");
    let mut repl = start(&db);
    repl.send_line("how many customers are there");
    repl.expect_nocase("provider");
    repl.expect_prompt();
    repl.send_line("\\sql select 'still' || 'alive' as s;");
    repl.expect("stillalive");
}

#[test]
fn backslash_log_lists_statements_run_before() {
    let db = harness::db("repl_log");
    let mut repl = start(&db);
    repl.send_line("\\sql select 'marker' || '_123' as m;");
    repl.expect("marker_123");
    repl.expect_prompt();
    repl.send_line("\\log");
    repl.expect("'marker' || '_123'");
}

#[test]
fn describe_commands_work_in_the_terminal() {
    let db = harness::db("repl_describe");
    db.execute("create table gadgets (id int primary key, label text)");
    let mut repl = start(&db);
    repl.send_line("\\d gadgets");
    repl.expect_all(&["label", "gadgets_pkey"]);
}

#[test]
fn pager_status_lines_are_read_correctly() {
    assert_eq!(
        page_numbers("rows 1-20  page 3 of 10  (n)ext"),
        Some((3, 10))
    );
    assert_eq!(page_numbers("page 1 of 9\r\npage 2 of 9)"), Some((2, 9)));
    assert_eq!(page_numbers("no status here"), None);
    assert_eq!(page_numbers("page x of 2"), None);
    assert_eq!(page_numbers("page 1 of ≥5 · 100 rows"), Some((1, 5)));
}

/// Runs a piped REPL session (no terminal, `--yes`) on `db`.
fn piped(db: &TestDb, script: &str) -> harness::Output {
    harness::glance()
        .args(["repl", "--no-history", "-y", "-d", db.url()])
        .stdin(script.to_string())
        .run()
}

#[test]
fn backslash_g_and_gx_end_and_run_a_statement() {
    let db = harness::db("repl_backslash_g");
    let out = piped(
        &db,
        "\\sql select 1 as one, 2 as two \\gx\n\
         \\sql\n\
         select 'plain' as kind\n\
         \\g\n\
         select 3 as three \\gx\n\
         select 4 as four\\g\n\
         \\gx\n\
         \\sql select 5 as five \\gx\n",
    );
    assert_eq!(out.code, Some(0), "{out:?}");
    let records: Vec<&str> = out
        .stdout
        .lines()
        .filter(|line| line.starts_with("-[ RECORD 1 ]"))
        .collect();
    assert_eq!(
        records.len(),
        4,
        "\\gx shows its own result expanded, \\g does not:\n{}",
        out.stdout
    );
    for expanded in ["one", "two", "three", "five"] {
        assert!(
            out.stdout
                .lines()
                .any(|line| line.starts_with(expanded) && line.contains('|')),
            "{expanded} is shown as an expanded field:\n{}",
            out.stdout
        );
    }
    let table_header = |name: &str| out.stdout.lines().any(|line| line.trim() == name);
    assert!(
        table_header("kind") && table_header("four"),
        "\\g shows a table:\n{}",
        out.stdout
    );
    assert!(
        out.stdout
            .lines()
            .any(|line| line.starts_with("four") && line.contains('|')),
        "\\gx alone runs the last statement again, expanded:\n{}",
        out.stdout
    );
}

#[test]
fn backslash_g_with_nothing_typed_says_there_is_nothing_to_run() {
    let db = harness::db("repl_backslash_g_empty");
    let out = piped(&db, "\\g\n");
    assert!(
        out.stderr.contains("there is no SQL to run"),
        "{}",
        out.stderr
    );
}

#[test]
fn server_notices_and_warnings_print_as_psql_prints_them() {
    let db = harness::db("repl_notices");
    let out = piped(
        &db,
        "\\sql commit;\n\
         \\sql do $$ begin raise notice 'hello'; end $$;\n\
         \\sql do $$ begin raise notice E'bell\\007here'; end $$;\n",
    );
    assert!(
        out.stderr
            .lines()
            .any(|line| line == "WARNING:  there is no transaction in progress"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.lines().any(|line| line == "NOTICE:  hello"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr
            .lines()
            .any(|line| line == "NOTICE:  bell\\x07here"),
        "control characters in a notice are escaped:\n{}",
        out.stderr
    );
    assert!(!out.stdout.contains("NOTICE"), "{}", out.stdout);
}
