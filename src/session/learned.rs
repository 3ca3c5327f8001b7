//! The session's side of learning from accepted answers: keeping a pair in
//! the history under this database's identity, forgetting one, and
//! choosing the examples for a question among the kept pairs and the
//! team's, against the schema as it is now.

use super::Session;
use crate::agent::knowledge::Source;
use crate::db;
use crate::history::examples::{self, Pair};
use crate::recall::{self, Number, Scored, TeamExamples};

/// Why a pair could not be kept or forgotten.
#[derive(Debug, thiserror::Error)]
pub enum LearnError {
    #[error("the history is off (--no-history, or it could not be opened), so nothing is kept")]
    NoHistory,
    #[error("{0} is a team example: edit examples.tsv in the team folder to change it")]
    Team(Number),
    #[error("there is no kept example {0} for this database; \\examples lists them")]
    Missing(i64),
    #[error("the history could not be read or written: {0}")]
    History(#[from] rusqlite::Error),
    #[error(transparent)]
    Catalog(#[from] db::Error),
}

impl Session {
    /// Uses `team` as the team folder's examples.
    pub fn set_team_examples(&mut self, team: TeamExamples) {
        self.team_examples = team;
    }

    /// Keeps `question` and the `sql` that answered it as an example of
    /// this database; returns its number.
    pub fn keep_example(
        &mut self,
        question: &str,
        sql: &str,
        source: Source,
    ) -> Result<i64, LearnError> {
        if self.journal.history.is_none() {
            return Err(LearnError::NoHistory);
        }
        let dialect = self.info().dialect;
        let database = recall::database_id(self.info());
        let catalog = self.catalog()?;
        let tables = recall::tables_read(sql, dialect, catalog);
        let pair = Pair {
            database,
            question: crate::redact::text(question),
            sql: crate::redact::text(sql),
            fingerprint: recall::fingerprint(&tables, catalog),
            tables,
            source,
        };
        let history = self.journal.history.as_ref().ok_or(LearnError::NoHistory)?;
        Ok(examples::keep(history.examples(), &pair)?)
    }

    /// Forgets kept example `number` of this database.
    pub fn forget_example(&mut self, number: Number) -> Result<Pair, LearnError> {
        let Number::Kept(id) = number else {
            return Err(LearnError::Team(number));
        };
        let history = self.journal.history.as_ref().ok_or(LearnError::NoHistory)?;
        let database = recall::database_id(self.info());
        let conn = history.examples();
        let kept = examples::all(conn, &database)?;
        let pair = kept
            .into_iter()
            .find(|learned| learned.id == id)
            .ok_or(LearnError::Missing(id))?
            .pair;
        examples::forget(conn, &database, id)?;
        Ok(pair)
    }

    /// The examples for `question`: kept pairs of this database (when the
    /// history is on) and the team's, as [`recall::choose`] picks them.
    pub fn examples_for(&mut self, question: &str) -> Result<Vec<Scored>, db::Error> {
        let database = recall::database_id(self.info());
        self.catalog()?;
        let Some(catalog) = &self.catalog else {
            return Ok(Vec::new());
        };
        let history = self.journal.history.as_ref().map(|h| h.examples());
        let exist = |table: &str| catalog.find(table).is_some();
        Ok(recall::choose(
            question,
            history,
            &database,
            &self.team_examples,
            &exist,
        ))
    }

    /// Every kept pair of this database and every team example; with
    /// `words`, those matching them, scored, best first.
    pub fn listed_examples(&self, words: Option<&str>) -> Result<Vec<Scored>, LearnError> {
        let database = recall::database_id(self.info());
        let history = self.journal.history.as_ref().map(|h| h.examples());
        if let Some(words) = words {
            let team = &self.team_examples;
            return Ok(recall::matching(words, history, &database, team));
        }
        let mut listed = Vec::new();
        if let Some(conn) = history {
            listed.extend(examples::all(conn, &database)?.into_iter().map(|l| Scored {
                number: Number::Kept(l.id),
                pair: l.pair,
                score: 0.0,
                rank: 0.0,
            }));
        }
        listed.extend(self.team_examples.all());
        Ok(listed)
    }
}
