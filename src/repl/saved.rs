//! Saved queries in the REPL: `\ns` saves, `\n` lists or runs with the
//! arguments bound (asking for any required one not given), `\np` prints,
//! `\nd` deletes, `\share` copies into the team folder. A saved query runs
//! through the session's gate as [`Origin::Saved`], so a write always asks.

use super::input::Input;
use super::{Repl, confirm_typed, history, show};
use crate::escape;
use crate::gate::Origin;
use crate::querylog::QuestionNote;
use crate::report;
use crate::saved::bind::{self, Bound, Parameter};
use crate::saved::command::{Command, Source};
use crate::saved::file::Saved;
use crate::saved::scan::Key;
use crate::saved::store::{Found, Store, StoreError};
use crate::saved::{self, params_json};
use crate::session::{Consent, Run, Session};

/// What to say when a saved write meets piped input.
const SAVED_REFUSED: super::Refusal = (
    "not run: this saved query writes, which needs a confirmation, and input is not a terminal",
    Some("start glance with --yes to run it from a script"),
);

impl Repl {
    /// One saved-query command.
    pub(super) fn saved(&mut self, session: &mut Session, input: &mut Input, command: Command) {
        let store = Store::open(self.config.team.as_ref());
        let dialect = session.info().dialect;
        match command {
            Command::List => match store.list() {
                Ok(found) => show(session, &saved::listing(&found, dialect), false),
                Err(error) => store_error(&error),
            },
            Command::Print(name) => match store.find(&name) {
                Ok(found) => print!("{}", escape::visible(&saved::printed(&found))),
                Err(error) => store_error(&error),
            },
            Command::Delete(name) => match store.delete(&name) {
                Ok(path) => {
                    println!("Deleted `{name}` ({}).", path.display());
                    input.set_saved(names(&self.config));
                }
                Err(error) => store_error(&error),
            },
            Command::Share(name) => match store.share(&name) {
                Ok(path) => println!(
                    "Shared `{name}` as {}; commit it so the team has it.",
                    path.display()
                ),
                Err(error) => store_error(&error),
            },
            Command::Save { name, source } => {
                save(session, input, &store, &name, source);
                input.set_saved(names(&self.config));
            }
            Command::Run { name, args } => match store.find(&name) {
                Ok(found) => self.run_saved(session, input, &found, &args),
                Err(error) => store_error(&error),
            },
        }
    }

    /// `\n NAME ARGS`: binds the arguments, asks for missing ones, runs.
    fn run_saved(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        found: &Found,
        args: &[String],
    ) {
        let dialect = session.info().dialect;
        let params = bind::parameters(&found.saved.sql, dialect);
        let mut resolved = match bind::resolve(&params, args) {
            Ok(resolved) => resolved,
            Err(error) => return arg_error(&error.to_string(), &found.name),
        };
        for key in std::mem::take(&mut resolved.missing) {
            if !input.is_terminal() {
                let message = saved::missing_message(&found.name, &[key]);
                return arg_error(&message, &found.name);
            }
            let prompt = format!("{}{}: ", key.label(), about(&found.saved, &key));
            match input.ask(&escape::visible(&prompt)) {
                Some(value) => resolved.values.insert(key, Some(value)),
                None => return println!("Not run."),
            };
        }
        let bound = match bind::bind(&found.saved.sql, dialect, &resolved.values) {
            Ok(bound) => bound,
            Err(error) => return arg_error(&error.to_string(), &found.name),
        };
        let prefix = vec![
            (
                "saved".to_string(),
                serde_json::Value::from(found.name.as_str()),
            ),
            ("params".to_string(), params_json(&resolved.values)),
        ];
        self.run_bound(session, input, bound, prefix);
    }

    /// Runs a bound statement from a saved query or from the history
    /// (`\rerun` of one): writes ask, `--yes` answers for them.
    pub(super) fn run_bound(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        bound: Bound,
        json_prefix: Vec<(String, serde_json::Value)>,
    ) {
        let (allowed, color) = (self.allowed, self.term.color);
        let run = Run {
            sql: &bound.sql,
            params: bound.params.clone(),
            origin: Origin::Saved,
            question: None,
            json_prefix,
            json_timings: Vec::new(),
        };
        let executed = session.execute(run, &mut |consent: &Consent| {
            confirm_typed(input, consent, allowed, color)
        });
        self.report_executed(session, executed, &bound.sql, SAVED_REFUSED);
    }
}

/// The saved queries' names, for completion; none when they cannot be read.
pub(super) fn names(config: &crate::config::Config) -> Vec<String> {
    let found = Store::open(config.team.as_ref()).list().unwrap_or_default();
    found.into_iter().map(|f| f.name).collect()
}

/// `\ns NAME [SQL|N]`: saves SQL, a history entry, or the last statement
/// (with the question it answered); asks before replacing one.
fn save(session: &mut Session, input: &mut Input, store: &Store, name: &str, source: Source) {
    let (sql, question, bound) = match source {
        Source::Sql(sql) => (sql, None, false),
        Source::Entry(number) => match history::to_rerun(session, number) {
            Some(rerun) => (
                rerun.sql,
                rerun.question.map(|q| q.question),
                !rerun.params.is_empty(),
            ),
            None => return,
        },
        Source::Last => match session.journal.log.last() {
            Some(entry) => (
                entry.sql.clone(),
                entry
                    .question
                    .as_ref()
                    .map(|q: &QuestionNote| q.question.clone()),
                !entry.params.is_empty(),
            ),
            None => {
                return eprint!(
                    "{}",
                    report::error_line(
                        "there is no statement to save yet",
                        Some("run one first, or give the SQL: \\ns NAME SELECT …"),
                    )
                );
            }
        },
    };
    if bound {
        return eprint!(
            "{}",
            report::error_line(
                "not saved: that statement ran a saved query with bound values, and saved \
                 as it ran it would hold placeholders ($1, ?1) with no names",
                Some(
                    "\\np OTHER shows the saved query's text; save a copy with \\ns NAME \
                     followed by that text"
                ),
            )
        );
    }
    let sql = sql.trim().trim_end_matches(';').trim_end().to_string();
    if let Err(error) = bind::one_statement(&sql, session.info().dialect) {
        return eprint!("{}", report::error_line(&error.to_string(), None));
    }
    let notes = bind::parameters(&sql, session.info().dialect)
        .iter()
        .filter(|p| !matches!(p.key, Key::Positional(_)))
        .map(|p: &Parameter| (p.key.label(), String::new()))
        .collect();
    let saved = Saved {
        description: None,
        question,
        notes,
        sql,
    };
    let mut replace = false;
    if store.has_personal(name) {
        let asked = format!("A saved query named `{name}` exists. Replace it? [y/N] ");
        match input.ask(&asked) {
            Some(answer) if matches!(answer.to_ascii_lowercase().as_str(), "y" | "yes") => {
                replace = true;
            }
            Some(_) => return println!("Kept the saved query `{name}` as it was."),
            None => {}
        }
    }
    match store.save(name, &saved, replace) {
        Ok(path) => println!(
            "Saved `{name}` ({}); run it with \\n {name}.",
            path.display()
        ),
        Err(error) => store_error(&error),
    }
}

/// ` (what the param: line says)`, when it says something.
fn about(saved: &Saved, key: &Key) -> String {
    let label = key.label();
    saved
        .notes
        .iter()
        .find(|(name, about)| *name == label && !about.is_empty())
        .map(|(_, about)| format!(" ({about})"))
        .unwrap_or_default()
}

fn store_error(error: &StoreError) {
    eprint!(
        "{}",
        report::error_line(
            &escape::visible(&error.to_string()),
            error.hint().as_deref()
        )
    );
}

fn arg_error(message: &str, name: &str) {
    eprint!(
        "{}",
        report::error_line(
            &escape::visible(message),
            Some(&format!(
                "give them as \\n {name} VALUE … or NAME=VALUE; \\np {name} shows the query"
            )),
        )
    );
}
