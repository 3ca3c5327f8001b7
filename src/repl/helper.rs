//! The rustyline helper: a thin layer that hands the line being edited to
//! [`complete::complete`] for Tab (listed with [`complete::labels`]) and
//! to [`highlight::sql`] for colour. The REPL sets the mode before each
//! read, so both know whether the line is SQL or a question.

use std::borrow::Cow;

use rustyline::completion::{Completer, Pair};
use rustyline::highlight::{CmdKind, Highlighter};
use rustyline::{Context, Helper, Hinter, Validator};

use super::complete::{self, Vocabulary};
use crate::highlight;
use crate::term::Term;

/// What the line being read is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Mode {
    /// A question, or a meta-command.
    #[default]
    Question,
    /// SQL mode: a line is SQL unless it is a meta-command.
    Sql,
}

/// Completion and highlighting for the line editor.
#[derive(Default, Helper, Hinter, Validator)]
pub struct ReplHelper {
    pub vocabulary: Vocabulary,
    pub mode: Mode,
    /// Whether to colour SQL (`Term::color`).
    pub color: bool,
    /// The terminal, whose width decides whether the completion list has
    /// room for comments; `None`: names only.
    pub term: Option<Term>,
}

/// Lines longer than this (in bytes) are not coloured: colouring redraws
/// the whole line at every keystroke, which makes typing a long line slow
/// in proportion to its length squared.
const LONGEST_COLOURED_LINE: usize = 1024;

impl ReplHelper {
    /// Where the SQL in `line` starts, if the line has any (and is short
    /// enough to colour).
    fn sql_start(&self, line: &str) -> Option<usize> {
        if line.len() > LONGEST_COLOURED_LINE {
            return None;
        }
        complete::sql_start(line, self.mode == Mode::Sql)
    }
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let found = complete::complete(line, pos, self.mode == Mode::Sql, &self.vocabulary);
        let width = self
            .term
            .and_then(|t| t.size())
            .map(|(w, _)| usize::from(w));
        let labels = complete::labels(&found.candidates, &self.vocabulary, width);
        let pairs = labels
            .into_iter()
            .zip(found.candidates)
            .map(|(display, replacement)| Pair {
                display,
                replacement,
            })
            .collect();
        Ok((found.start, pairs))
    }
}

impl Highlighter for ReplHelper {
    /// Colours the SQL part of the line; only SGR codes are added, so the
    /// line keeps its width and the cursor stays where it is.
    fn highlight<'l>(&self, line: &'l str, _pos: usize) -> Cow<'l, str> {
        match self.sql_start(line) {
            Some(at) if self.color => {
                Cow::Owned(format!("{}{}", &line[..at], highlight::sql(&line[at..])))
            }
            _ => Cow::Borrowed(line),
        }
    }

    /// Every keystroke may change the colours of a SQL line.
    fn highlight_char(&self, line: &str, _pos: usize, _kind: CmdKind) -> bool {
        self.color && self.sql_start(line).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn helper(mode: Mode, color: bool) -> ReplHelper {
        ReplHelper {
            mode,
            color,
            ..ReplHelper::default()
        }
    }

    #[test]
    fn only_sql_is_coloured_and_only_with_colour_on() {
        let sql = "select 1";
        assert!(helper(Mode::Sql, true).highlight(sql, 0).contains('\u{1b}'));
        assert_eq!(helper(Mode::Sql, false).highlight(sql, 0), sql);
        assert_eq!(helper(Mode::Question, true).highlight(sql, 0), sql);
        let line = "\\sql select 1";
        let painted = helper(Mode::Question, true).highlight(line, 0);
        assert!(painted.starts_with("\\sql ") && painted.contains('\u{1b}'));
        assert!(!helper(Mode::Question, true).highlight_char("how many", 3, CmdKind::Other));
        let long = format!("select {}", "1+".repeat(LONGEST_COLOURED_LINE));
        assert_eq!(helper(Mode::Sql, true).highlight(&long, 0), long);
        assert!(!helper(Mode::Sql, true).highlight_char(&long, 0, CmdKind::Other));
    }
}
