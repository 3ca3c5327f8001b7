//! Learning from answers in the REPL. An answer whose SQL only read and
//! returned rows waits; the next question settles it: a rephrasing
//! ([`recall::is_rephrasing`]) drops it, anything else keeps it as
//! accepted, and so does a clean exit or `\c`. `\reset` drops it. `\good` keeps
//! the last answer as marked; `\bad` drops it, or forgets it if it was
//! kept already. `\examples` lists what is kept.

use crate::agent::knowledge::Source;
use crate::catalog::Catalog;
use crate::escape;
use crate::history::examples::Pair;
use crate::recall::{self, Number, Scored};
use crate::render::Description;
use crate::report;
use crate::session::Session;

/// A question and the SQL that answered it.
#[derive(Clone, Debug)]
struct Answer {
    question: String,
    sql: String,
}

/// The last answer, waiting or kept.
#[derive(Default)]
pub struct Learning {
    /// Answered, not settled yet.
    pending: Option<Answer>,
    /// Settled as accepted this session, with its number: what `\bad`
    /// forgets and `\good` marks.
    kept: Option<(i64, Answer)>,
}

impl Learning {
    /// `question` was answered by `sql`, a read that returned rows.
    pub fn answered(&mut self, question: &str, sql: &str) {
        self.pending = Some(Answer {
            question: question.to_string(),
            sql: sql.to_string(),
        });
    }

    /// Settles the waiting answer before `next` is asked: kept unless
    /// `next` rephrases it.
    pub fn before_question(&mut self, session: &mut Session, next: &str) {
        if let Some(answer) = self.pending.take() {
            self.kept = None;
            if !recall::is_rephrasing(&answer.question, next) {
                self.keep(session, answer);
            }
        }
    }

    /// Accepts the waiting answer: at a clean exit, and before `\c`
    /// leaves its database.
    pub fn settle(&mut self, session: &mut Session) {
        if let Some(answer) = self.pending.take() {
            self.keep(session, answer);
        }
    }

    /// `\reset`: the waiting answer is not kept.
    pub fn reset(&mut self) {
        self.pending = None;
    }

    /// `\good`: keeps the last answer as marked; says what it did.
    pub fn good(&mut self, session: &mut Session) {
        let Some(answer) = self
            .pending
            .take()
            .or_else(|| self.kept.take().map(|(_, a)| a))
        else {
            eprintln!("glance: nothing to mark: ask a question whose SQL runs first");
            return;
        };
        match session.keep_example(&answer.question, &answer.sql, Source::Marked) {
            Ok(id) => {
                println!(
                    "Kept as example {id} (marked good): {}",
                    escape::visible(&answer.question)
                );
                self.kept = Some((id, answer));
            }
            Err(error) => eprint!("{}", report::error_line(&error.to_string(), None)),
        }
    }

    /// `\bad`: the last answer is not kept, or is forgotten if it was.
    pub fn bad(&mut self, session: &mut Session) {
        if let Some(answer) = self.pending.take() {
            println!(
                "Not kept as an example: {}",
                escape::visible(&answer.question)
            );
            return;
        }
        let Some((id, answer)) = self.kept.take() else {
            eprintln!("glance: nothing to forget: \\bad refers to the last answer of this session");
            return;
        };
        match session.forget_example(Number::Kept(id)) {
            Ok(_) => println!("Forgot example {id}: {}", escape::visible(&answer.question)),
            Err(error) => eprint!("{}", report::error_line(&error.to_string(), None)),
        }
    }

    /// Keeps `answer` as accepted; a failure is said, never fatal.
    fn keep(&mut self, session: &mut Session, answer: Answer) {
        match session.keep_example(&answer.question, &answer.sql, Source::Accepted) {
            Ok(id) => self.kept = Some((id, answer)),
            Err(crate::session::LearnError::NoHistory) => {}
            Err(error) => eprint!("{}", report::error_line(&error.to_string(), None)),
        }
    }
}

/// `\examples [WORDS]`.
pub fn list(session: &mut Session, words: Option<&str>) {
    // Says which tables are gone; a catalog that cannot be read is
    // reported when next needed.
    let _ = session.catalog();
    match session.listed_examples(words) {
        Ok(listed) => {
            let described = describe(&listed, words, session.cached_catalog());
            super::show(session, &described, true);
        }
        Err(error) => eprint!("{}", report::error_line(&error.to_string(), None)),
    }
}

/// `\examples rm N`.
pub fn remove(session: &mut Session, number: Number) {
    match session.forget_example(number) {
        Ok(pair) => println!(
            "Forgot example {number}: {}",
            escape::visible(&pair.question)
        ),
        Err(error) => eprint!("{}", report::error_line(&error.to_string(), None)),
    }
}

/// A kept pair's tables, and whether they are gone (the pair is not sent)
/// or their columns changed since it was kept.
fn tables(pair: &Pair, catalog: Option<&Catalog>) -> String {
    let named = pair.tables.join(", ");
    let Some(catalog) = catalog.filter(|_| pair.source != Source::Team) else {
        return named;
    };
    if pair
        .tables
        .iter()
        .any(|table| catalog.find(table).is_none())
    {
        format!("{named} (gone: not sent)")
    } else if recall::fingerprint(&pair.tables, catalog) != pair.fingerprint {
        format!("{named} (columns changed)")
    } else {
        named
    }
}

/// The examples as a table: number, source, question, tables (with what
/// became of them in `catalog`), and with `words` the score (the share of
/// the words each holds).
fn describe(listed: &[Scored], words: Option<&str>, catalog: Option<&Catalog>) -> Description {
    use crate::db::Value;
    let mut spec = vec![
        ("#", "text"),
        ("Source", "text"),
        ("Question", "text"),
        ("Tables", "text"),
    ];
    if words.is_some() {
        spec.push(("Score", "numeric"));
    }
    let rows = listed
        .iter()
        .map(|scored| {
            let pair = &scored.pair;
            let mut row = vec![
                Value::Text(scored.number.to_string()),
                Value::Text(pair.source.name().into()),
                Value::Text(super::history_view::shorten(&pair.question)),
                Value::Text(tables(&scored.pair, catalog)),
            ];
            if words.is_some() {
                row.push(Value::Text(format!("{:.2}", scored.score)));
            }
            row
        })
        .collect();
    let title = match words {
        Some(words) => format!(
            "Examples matching \"{words}\" (best first; a score of {:.2} or more is sent)",
            recall::CUT_OFF
        ),
        None => "Examples (\\examples rm N forgets one)".to_string(),
    };
    Description {
        title: Some(title),
        columns: super::history_view::columns(&spec),
        rows,
        sections: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Relation, RelationKind};

    #[test]
    fn tables_say_when_they_are_gone_or_changed() {
        let mut catalog = Catalog::default();
        catalog
            .relations
            .push(Relation::new("public", "orders", RelationKind::Table));
        let pair = |tables: &[&str], fingerprint: &str| Pair {
            database: "db".into(),
            question: "q".into(),
            sql: "select 1".into(),
            tables: tables.iter().map(|t| t.to_string()).collect(),
            fingerprint: fingerprint.into(),
            source: Source::Accepted,
        };
        let same = recall::fingerprint(&["orders".into()], &catalog);
        assert_eq!(tables(&pair(&["orders"], &same), Some(&catalog)), "orders");
        assert_eq!(
            tables(&pair(&["orders"], "orders(id)"), Some(&catalog)),
            "orders (columns changed)"
        );
        assert_eq!(
            tables(&pair(&["orders", "gone"], &same), Some(&catalog)),
            "orders, gone (gone: not sent)"
        );
        assert_eq!(tables(&pair(&["gone"], ""), None), "gone");
    }
}
