//! The safety classifier: how dangerous is a piece of SQL?
//!
//! Pure and deny-by-default: every statement gets a [`Level`], the input gets
//! the worst, and anything the classifier does not positively recognise as
//! harmless (unparseable text, unknown statement kinds, unknown functions) is
//! never `read_only`. See DESIGN: this is the first of two locks; the server
//! guard in `db` is the second.

use crate::catalog::Catalog;
use crate::db::Dialect;

/// How dangerous SQL is, ordered from harmless to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    ReadOnly,
    Write,
    Destructive,
}

impl Level {
    /// The stable machine name: `read_only`, `write`, `destructive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::ReadOnly => "read_only",
            Level::Write => "write",
            Level::Destructive => "destructive",
        }
    }
}

/// The classifier's judgement of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub level: Level,
    /// Why, in words shown to the user ("data-modifying CTE", …). Empty for
    /// plain read-only queries.
    pub reasons: Vec<String>,
    /// How many statements the input holds.
    pub statements: usize,
}

/// Classifies `sql` in `dialect`. With a catalog, user functions are judged by
/// their recorded volatility; without one, unknown functions count as writes.
pub fn classify(sql: &str, dialect: Dialect, catalog: Option<&Catalog>) -> Verdict {
    let _ = (sql, dialect, catalog);
    todo!("classifier")
}

/// Splits input into statements at top-level semicolons, using the tokenizer
/// (never a character scan), returning each statement's exact text without
/// the terminating semicolon, trimmed. Empty statements are dropped.
pub fn split_statements(sql: &str, dialect: Dialect) -> Vec<String> {
    let _ = (sql, dialect);
    todo!("statement splitter")
}
