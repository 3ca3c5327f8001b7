//! `\history` and `\rerun` in the REPL: the persistent history drawn as
//! result sets, and the SQL of an entry handed back to be run again with the
//! rules of whoever wrote it: an entry with a question was written by the
//! model, so running it again asks before any write, as it did then.

use super::history_view;
use crate::escape;
use crate::history::{History, Stored};
use crate::querylog::QuestionNote;
use crate::render::Format;
use crate::report;
use crate::session::Session;

/// Entries `\history` lists.
const LISTED: usize = 25;

/// `\history [WORDS]`: the newest entries, or those matching every word.
pub fn list(session: &Session, words: Option<&str>) {
    let Some(history) = enabled_history(session) else {
        return;
    };
    let (found, title) = match words {
        None => (
            history.recent(LISTED),
            "History (newest first; \\history N shows entry N in full)".to_string(),
        ),
        Some(words) => (
            history.search(words, LISTED),
            format!("History matching \"{words}\" (newest first)"),
        ),
    };
    match found {
        Ok(entries) => super::show(session, &history_view::describe_list(&entries, title), true),
        Err(error) => report_read_error(&error),
    }
}

/// `\history N`: entry N with every field.
pub fn show_entry(session: &Session, number: i64) {
    let Some(entry) = find(session, number) else {
        return;
    };
    let human = matches!(session.settings.format, Format::Table | Format::Expanded);
    super::show(session, &history_view::describe_entry(&entry, human), false);
}

/// A statement from the history to run again.
pub struct Rerun {
    pub sql: String,
    /// For a statement the model wrote: the question it answered, which
    /// the new entry keeps so that it too is known as the model's.
    pub question: Option<QuestionNote>,
    /// The values bound to its placeholders (a saved query's arguments).
    pub params: Vec<crate::db::Param>,
}

/// Entry N for `\rerun`, its SQL printed (escaped) so the person sees what
/// runs; `None` (after saying why) when there is no such entry or it has no
/// SQL.
pub fn to_rerun(session: &Session, number: i64) -> Option<Rerun> {
    let entry = find(session, number)?;
    let Some(sql) = entry.sql else {
        eprint!(
            "{}",
            report::error_line(
                &format!(
                    "history entry {number} has no SQL to run: the question was answered without a statement"
                ),
                None,
            )
        );
        return None;
    };
    println!("{}", escape::visible(&sql));
    if !entry.params.is_empty() {
        let params = crate::querylog::params_text(&entry.params);
        println!("{}", escape::visible(&params));
    }
    Some(Rerun {
        sql,
        params: entry.params,
        question: entry.question.map(QuestionNote::rerun),
    })
}

fn find(session: &Session, number: i64) -> Option<Stored> {
    let history = enabled_history(session)?;
    match history.get(number) {
        Ok(Some(entry)) => Some(entry),
        Ok(None) => {
            eprint!(
                "{}",
                report::error_line(
                    &format!("there is no history entry {number}"),
                    Some("\\history lists the entries with their numbers"),
                )
            );
            None
        }
        Err(error) => {
            report_read_error(&error);
            None
        }
    }
}

/// The history, or `None` after saying that it is off.
fn enabled_history(session: &Session) -> Option<&History> {
    if session.journal.history.is_none() {
        eprint!(
            "{}",
            report::error_line(
                "history is off in this session",
                Some(
                    "it is off with --no-history or `[history] enabled = false`, or when the history file could not be opened (see the warning at start)"
                ),
            )
        );
    }
    session.journal.history.as_ref()
}

fn report_read_error(error: &rusqlite::Error) {
    eprint!(
        "{}",
        report::error_line(&format!("could not read the history: {error}"), None)
    );
}
