//! What a session remembers of the statements it was given: the query log
//! (`\log`) and the persistent history, both written from one [`Recorded`]
//! per statement, so they never disagree about how a statement ended.

use std::time::Duration;

use crate::history::{self, History};
use crate::querylog::{Entry, QueryLog, QuestionNote};
use crate::safety::Level;

/// How one statement ended, as the log and history keep it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Recorded {
    /// It never reached the database: the person said no (`None`), or the
    /// reason it was stopped.
    NotRun(Option<String>),
    /// It ran in a transaction for a preview, which the person then had
    /// rolled back.
    RolledBack(Duration),
    /// It ran; the rows it returned or affected, when known.
    Ran {
        rows: Option<u64>,
        elapsed: Duration,
    },
    /// It reached the database (or was being previewed) and failed.
    Failed { error: String, elapsed: Duration },
}

impl Recorded {
    /// A statement that needed a confirmation nobody could give.
    pub fn refused() -> Recorded {
        Recorded::NotRun(Some("refused: needs confirmation".into()))
    }

    /// A statement that writes, on a read-only connection.
    pub fn forbidden() -> Recorded {
        Recorded::NotRun(Some("refused: the connection is read-only".into()))
    }

    /// A statement that failed before it ran, or after.
    pub fn failed(error: &impl ToString, elapsed: Duration) -> Recorded {
        Recorded::Failed {
            error: error.to_string(),
            elapsed,
        }
    }

    /// The query log's entry for `statement` ending so.
    fn entry(self, statement: &Statement) -> Entry {
        let (ran, duration, rows, error) = match self {
            Recorded::NotRun(why) => (false, Duration::ZERO, None, why),
            Recorded::RolledBack(elapsed) => {
                (false, elapsed, None, Some("previewed, rolled back".into()))
            }
            Recorded::Ran { rows, elapsed } => (true, elapsed, rows, None),
            Recorded::Failed { error, elapsed } => (true, elapsed, None, Some(error)),
        };
        Entry {
            at: jiff::Timestamp::now(),
            sql: statement.sql.to_string(),
            params: statement.params.to_vec(),
            level: statement.level,
            ran,
            duration,
            rows,
            error,
            question: statement.question.cloned(),
        }
    }
}

/// The statement a [`Recorded`] is about.
#[derive(Clone, Copy, Debug)]
pub struct Statement<'a> {
    pub sql: &'a str,
    /// The values bound to its placeholders, kept apart from the SQL.
    pub params: &'a [crate::db::Param],
    /// For generated SQL: the question it answered.
    pub question: Option<&'a QuestionNote>,
    pub level: Level,
}

/// The connection a history entry belongs to.
#[derive(Clone, Copy, Debug)]
pub struct Place<'a> {
    pub profile: Option<&'a str>,
    pub database: &'a str,
}

/// The query log of this session, and the persistent history when it is on.
#[derive(Default)]
pub struct Journal {
    pub log: QueryLog,
    pub history: Option<History>,
}

impl Journal {
    /// Records how a statement the person (or the model) gave ended, in the
    /// log and the history.
    pub fn statement(&mut self, statement: Statement, recorded: Recorded, place: Place) {
        let entry = recorded.entry(&statement);
        if let Some(history) = &mut self.history {
            history.record(&history::Record::statement(
                &entry,
                place.profile,
                place.database,
            ));
        }
        self.log.record(entry);
    }

    /// Records a statement run again (`\export`, `\yank`) in the log only:
    /// the history has it from its first run.
    pub fn rerun(&mut self, statement: Statement, recorded: Recorded) {
        self.log.record(recorded.entry(&statement));
    }

    /// Records in the history a question that produced no statement: one
    /// answered in prose, or one the model failed on (`error`).
    pub fn question(&mut self, note: &QuestionNote, error: Option<&str>, place: Place) {
        if let Some(history) = &mut self.history {
            history.record(&history::Record::question(
                note,
                error,
                place.profile,
                place.database,
            ));
        }
    }

    /// Gives the statement just logged the rows its output held, when the
    /// database did not count them (`COPY … TO STDOUT`).
    pub fn count_rows_of_last(&mut self, rows: u64) {
        self.log.count_rows_of_last(rows);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select() -> Statement<'static> {
        Statement {
            sql: "select 1",
            params: &[],
            question: None,
            level: Level::ReadOnly,
        }
    }

    #[test]
    fn each_ending_becomes_its_log_entry() {
        let second = Duration::from_secs(1);
        let cases = [
            (Recorded::NotRun(None), false, Duration::ZERO, None, None),
            (
                Recorded::refused(),
                false,
                Duration::ZERO,
                None,
                Some("refused: needs confirmation"),
            ),
            (
                Recorded::forbidden(),
                false,
                Duration::ZERO,
                None,
                Some("refused: the connection is read-only"),
            ),
            (
                Recorded::RolledBack(second),
                false,
                second,
                None,
                Some("previewed, rolled back"),
            ),
            (
                Recorded::Ran {
                    rows: Some(3),
                    elapsed: second,
                },
                true,
                second,
                Some(3),
                None,
            ),
            (
                Recorded::failed(&"boom", second),
                true,
                second,
                None,
                Some("boom"),
            ),
        ];
        for (recorded, ran, duration, rows, error) in cases {
            let entry = recorded.clone().entry(&select());
            assert_eq!(
                (
                    entry.ran,
                    entry.duration,
                    entry.rows,
                    entry.error.as_deref()
                ),
                (ran, duration, rows, error),
                "{recorded:?}"
            );
            assert_eq!(
                (entry.sql.as_str(), entry.level),
                ("select 1", Level::ReadOnly)
            );
        }
    }

    #[test]
    fn the_log_keeps_every_statement_without_a_history() {
        let mut journal = Journal::default();
        let place = Place {
            profile: None,
            database: "shop",
        };
        journal.statement(select(), Recorded::refused(), place);
        journal.rerun(select(), Recorded::NotRun(None));
        assert_eq!(journal.log.describe().rows.len(), 2);
    }
}
