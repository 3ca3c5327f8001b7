//! Typing help in the REPL, through a pseudo-terminal: Tab completion of
//! table names, SQL highlighting of the line being typed, and `\e` with an
//! editor that is a small shell script.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Repl, TestDb};

/// A database with two tables sharing a prefix, and one to drop.
fn films(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table film_actor (actor_id int, film_id int);
         create table film_category (film_id int, category_id int);
         create table victim (id int);",
    );
    db
}

/// Starts the REPL on `db` with extra variables and waits for the prompt.
fn start(db: &TestDb, env: &[(&str, String)]) -> Repl {
    let mut repl = harness::pty_with_env(["repl", "-d", db.url()], env);
    repl.expect_prompt();
    repl
}

/// An executable shell script to stand in for the editor; it gets the
/// file to edit as `$1`.
fn editor(body: &str) -> String {
    let path: PathBuf = harness::scratch_dir("editor").join("edit.sh");
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write the editor script");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("make it executable");
    path.display().to_string()
}

#[test]
fn tab_completes_a_table_prefix_and_lists_the_candidates() {
    let db = films("typing_tab");
    let mut repl = start(&db, &[]);
    repl.send("\\sql select * from film_a\t");
    repl.expect("film_actor");
    repl.send(";\r");
    repl.expect_all(&["actor_id", "0 rows"]);
    repl.expect_prompt();
    repl.send("\\sql select * from film_\t\t");
    repl.expect_all(&["film_actor", "film_category"]);
    repl.send("c\t;\r");
    repl.expect_all(&["category_id", "0 rows"]);
    repl.expect_prompt();
    repl.send("\\sql select film_actor.act\t");
    repl.expect("film_actor.actor_id");
    repl.send(" from film_actor;\r");
    repl.expect("0 rows");
    repl.expect_prompt();
    repl.send("\\tim\t");
    repl.expect("\\timing");
    repl.send("\r");
    repl.expect("Timing is");
}

#[test]
fn the_completion_list_shows_each_tables_comment() {
    let db = films("typing_comments");
    db.execute(
        "comment on table film_actor is 'Who played in which film';
         comment on table film_category is E'Genres of a film\\nand more';",
    );
    let mut repl = start(&db, &[]);
    repl.send("\\sql select * from film_\t\t");
    repl.expect_all(&[
        "film_actor     — Who played in which film",
        "film_category  — Genres of a film\r",
    ]);
    repl.send("c\t;\r");
    repl.expect_all(&["category_id", "0 rows"]);
}

#[test]
fn an_empty_word_after_from_lists_the_relations_and_new_comments_show() {
    let db = films("typing_empty");
    let mut repl = start(&db, &[]);
    repl.send("\\sql select * from \t\t");
    repl.expect_all(&["film_actor", "film_category", "victim"]);
    repl.send("victim;\r");
    repl.expect("0 rows");
    repl.expect_prompt();
    repl.send("\\sql comment on table victim is 'Set up to be dropped';\r");
    // The status line (the typed text is lower case; each keystroke's
    // redraw shows a prompt, so the prompt alone would match too early).
    repl.expect("COMMENT");
    repl.expect_prompt();
    assert_eq!(
        db.query_scalar("select obj_description('victim'::regclass, 'pg_class')")
            .as_deref(),
        Some("Set up to be dropped"),
        "{}",
        repl.transcript()
    );
    repl.send("\\sql select * from vi\t\t");
    repl.expect("victim");
    repl.send("\x15\\sql select * from \t\t");
    repl.expect("victim         — Set up to be dropped");
}

#[test]
fn typed_sql_is_echoed_highlighted_and_a_question_is_not() {
    let db = harness::db("typing_highlight");
    let mut repl = start(&db, &[]);
    repl.send_line("\\sql select 7 as seven;");
    repl.expect_all(&["seven", "1 row"]);
    repl.expect_prompt();
    let raw = String::from_utf8_lossy(repl.raw_transcript()).to_string();
    assert!(
        raw.contains("mselect\u{1b}["),
        "the keyword is wrapped in SGR codes:\n{raw:?}"
    );
    let before = repl.raw_transcript().len();
    repl.send("select from a question");
    repl.expect("question");
    let raw = String::from_utf8_lossy(&repl.raw_transcript()[before..]).to_string();
    assert!(
        !raw.contains("mselect"),
        "a question is not highlighted:\n{raw:?}"
    );
}

#[test]
fn backslash_e_runs_what_the_editor_saved() {
    let db = harness::db("typing_edit");
    let script = editor("printf 'select 41 + 1 as answer;\\n' > \"$1\"");
    let mut repl = start(&db, &[("EDITOR", script)]);
    repl.send_line("\\e");
    repl.expect_all(&["answer", "42", "1 row"]);
    repl.expect_prompt();
}

#[test]
fn backslash_e_starts_from_the_last_sql() {
    let db = harness::db("typing_edit_last");
    let script = editor("sed -i 's/41/99/' \"$1\"");
    let mut repl = start(&db, &[("VISUAL", script)]);
    repl.send_line("\\sql select 41 as n;");
    repl.expect("1 row");
    repl.expect_prompt();
    repl.send_line("\\e");
    repl.expect_all(&["select 99 as n", "99", "1 row"]);
    repl.expect_prompt();
}

#[test]
fn backslash_e_still_asks_before_a_destructive_statement() {
    let db = films("typing_edit_drop");
    let script = editor("printf 'drop table victim;\\n' > \"$1\"");
    let mut repl = start(&db, &[("EDITOR", script)]);
    repl.send_line("\\e");
    repl.expect("[y/N]");
    repl.send_line("n");
    repl.expect("Not run.");
    repl.expect_prompt();
    assert!(db.relation_exists("victim"), "{}", repl.transcript());
}

#[test]
fn a_failing_editor_runs_nothing() {
    let db = harness::db("typing_edit_fail");
    let script = editor("printf 'create table made (id int);\\n' > \"$1\"; exit 3");
    let mut repl = start(&db, &[("EDITOR", script)]);
    repl.send_line("\\e");
    repl.expect_all(&["exited with", "nothing was run"]);
    repl.expect_prompt();
    assert!(!db.relation_exists("made"), "{}", repl.transcript());
}

#[test]
fn a_missing_editor_is_a_clear_error() {
    let db = harness::db("typing_edit_missing");
    let env = [("EDITOR", "/nonexistent/editor --wait".to_string())];
    let mut repl = start(&db, &env);
    repl.send_line("\\e");
    repl.expect_all(&["could not start the editor", "EDITOR"]);
    repl.expect_prompt();
}

#[test]
fn backslash_e_on_a_question_asks_the_edited_question() {
    let db = harness::db("typing_edit_question");
    let fake = FakeLlm::openai(vec![Reply::text("About two."), Reply::text("About three.")]);
    let mut env: Vec<(&str, String)> = fake.env().into_iter().collect();
    env.push(("EDITOR", editor("sed -i 's/films/actors/' \"$1\"")));
    let mut repl = start(&db, &env);
    repl.send_line("how many films are there");
    repl.expect("About two.");
    repl.expect_prompt();
    repl.send_line("\\e");
    repl.expect_all(&["how many actors are there", "About three."]);
    repl.expect_prompt();
    let requests = fake.requests();
    assert_eq!(requests.len(), 2, "{}", repl.transcript());
    assert!(
        requests[1]
            .body
            .to_string()
            .contains("how many actors are there"),
        "{}",
        requests[1].body
    );
}
