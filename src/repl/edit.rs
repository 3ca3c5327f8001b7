//! `\e`, as in psql: the last SQL or question goes into a temporary file,
//! the person's editor opens it, and what they save is run. This module
//! finds and runs the editor and decides whether the result is SQL or a
//! question; the REPL runs it through the usual paths (and safety gate).

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::process::Command;

use tempfile::TempPath;

use crate::db::Dialect;
use crate::safety;

/// The last thing the person ran: what `\e` starts from, and what it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recall {
    Sql(String),
    Question(String),
}

/// What an empty file says, so the editor does not open on nothing.
const EMPTY_HINT: &str =
    "-- Write SQL or a question, save and quit to run it; leave it empty to run nothing.";

/// Why nothing was run.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    #[error("could not start the editor `{command}`: {source}")]
    Start { command: String, source: io::Error },
    #[error("the editor `{command}` exited with {status}; nothing was run")]
    Failed {
        command: String,
        status: std::process::ExitStatus,
    },
    #[error("could not use a temporary file for the editor: {0}")]
    File(io::Error),
}

impl EditError {
    /// What to do about it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            EditError::Start { .. } => {
                Some("set VISUAL or EDITOR to your editor, e.g. EDITOR=nano")
            }
            EditError::Failed { .. } | EditError::File(_) => None,
        }
    }
}

/// The editor command: `$VISUAL`, else `$EDITOR`, else `vi`; split on
/// whitespace, so `code --wait` works. Empty variables count as unset.
pub fn editor_command(visual: Option<String>, editor: Option<String>) -> Vec<String> {
    [visual, editor]
        .into_iter()
        .flatten()
        .map(|command| {
            command
                .split_whitespace()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .find(|words| !words.is_empty())
        .unwrap_or_else(|| vec!["vi".to_string()])
}

/// Opens the editor on `start` (or on a one-line hint when there is
/// nothing yet) and returns what was saved; `None` when it is empty. The
/// temporary file is removed afterwards.
pub fn edit(start: Option<&Recall>) -> Result<Option<String>, EditError> {
    let text = match start {
        Some(Recall::Sql(text) | Recall::Question(text)) => format!("{}\n", text.trim_end()),
        None => format!("{EMPTY_HINT}\n"),
    };
    let mut file = tempfile::Builder::new()
        .prefix("glance-")
        .suffix(".sql")
        .tempfile()
        .map_err(EditError::File)?;
    file.write_all(text.as_bytes()).map_err(EditError::File)?;
    let path = file.into_temp_path();
    run_editor(&path)?;
    let saved = fs::read_to_string(&path).map_err(EditError::File)?;
    Ok(content(&saved))
}

/// Runs the person's editor on `path` and waits for it.
fn run_editor(path: &Path) -> Result<(), EditError> {
    let words = editor_command(std::env::var("VISUAL").ok(), std::env::var("EDITOR").ok());
    let command = words.join(" ");
    let status = Command::new(&words[0])
        .args(&words[1..])
        .arg(path)
        .status()
        .map_err(|source| EditError::Start {
            command: command.clone(),
            source,
        })?;
    if !status.success() {
        return Err(EditError::Failed { command, status });
    }
    Ok(())
}

/// A draft the person saved in the editor, and its file: removed when
/// dropped, unless kept ([`TempPath::keep`]).
pub struct Saved {
    pub text: String,
    pub file: TempPath,
}

/// Opens the editor on `draft` in a temporary `.sql` file and returns what
/// was saved; `None` when the file was saved empty, or left as it was
/// without saving (its modification time unchanged).
pub fn edit_draft(draft: &str) -> Result<Option<Saved>, EditError> {
    let mut file = tempfile::Builder::new()
        .prefix("glance-describe-")
        .suffix(".sql")
        .tempfile()
        .map_err(EditError::File)?;
    file.write_all(draft.as_bytes()).map_err(EditError::File)?;
    let path = file.into_temp_path();
    let modified = || fs::metadata(&path).and_then(|meta| meta.modified()).ok();
    let before = modified();
    run_editor(&path)?;
    let text = fs::read_to_string(&path).map_err(EditError::File)?;
    let unsaved = modified() == before && text == draft;
    if unsaved || text.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(Saved { text, file: path }))
}

/// The saved text without the hint line, trimmed; `None` when nothing is left.
fn content(saved: &str) -> Option<String> {
    let text: Vec<&str> = saved.lines().filter(|line| *line != EMPTY_HINT).collect();
    let text = text.join("\n").trim().to_string();
    (!text.is_empty()).then_some(text)
}

/// How edited `text` runs. It is SQL when the REPL is in SQL mode, when
/// the editor was opened on SQL, or when it parses as SQL in `dialect`;
/// otherwise it is a question for the model.
pub fn decide(text: String, start: Option<&Recall>, sql_mode: bool, dialect: Dialect) -> Recall {
    let sql = sql_mode || matches!(start, Some(Recall::Sql(_))) || safety::parses(&text, dialect);
    if sql {
        Recall::Sql(text)
    } else {
        Recall::Question(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn visual_then_editor_then_vi_split_on_whitespace() {
        let some = |s: &str| Some(s.to_string());
        assert_eq!(
            editor_command(some("code --wait"), some("nano")),
            words(&["code", "--wait"])
        );
        assert_eq!(editor_command(some("  "), some("nano")), words(&["nano"]));
        assert_eq!(
            editor_command(None, some("emacs -nw")),
            words(&["emacs", "-nw"])
        );
        assert_eq!(editor_command(None, None), words(&["vi"]));
    }

    #[test]
    fn the_hint_line_and_blank_space_are_not_content() {
        assert_eq!(content(&format!("{EMPTY_HINT}\n\n")), None);
        assert_eq!(
            content(&format!("{EMPTY_HINT}\nselect 1;\n")),
            Some("select 1;".to_string())
        );
        assert_eq!(
            content("select 1 -- keep\n  from t;\n"),
            Some("select 1 -- keep\n  from t;".to_string())
        );
    }

    #[test]
    fn sql_or_question() {
        let pg = Dialect::Postgres;
        let question = Recall::Question("how many films".into());
        let sql = Recall::Sql("select 1".into());
        let decide = |text: &str, start, sql_mode| decide(text.to_string(), start, sql_mode, pg);
        assert_eq!(
            decide("select count(*) from film", Some(&question), false),
            Recall::Sql("select count(*) from film".into()),
            "text that parses as SQL runs as SQL"
        );
        assert_eq!(
            decide("select the top films by rentals", Some(&question), false),
            Recall::Question("select the top films by rentals".into())
        );
        assert_eq!(
            decide("selec 1", Some(&sql), false),
            Recall::Sql("selec 1".into()),
            "started as SQL stays SQL, so broken SQL is not sent to the model"
        );
        assert_eq!(
            decide("how many", None, true),
            Recall::Sql("how many".into()),
            "SQL mode"
        );
        assert_eq!(
            decide("how many films", None, false),
            Recall::Question("how many films".into())
        );
    }
}
