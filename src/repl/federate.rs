//! `@A,@B QUESTION`: a question over several open connections. The model
//! writes a read-only query per source and a final SQLite query
//! ([`crate::federate`]); every query is shown first, each source query is
//! checked and run through its own connection's session, the rows are
//! loaded into an in-memory SQLite database, and the final query runs
//! there through the same session machinery on a read-only connection.

use super::{GENERATED_REFUSED, NO_PROVIDER, Repl};
use crate::analysis::aside;
use crate::choice::Choice;
use crate::db::Target;
use crate::db::sqlite::SqliteBackend;
use crate::escape;
use crate::federate::{self, Capped, Plan, Source};
use crate::gate::Origin;
use crate::highlight;
use crate::llm;
use crate::querylog::QuestionNote;
use crate::report;
use crate::safety::Level;
use crate::session::{Decision, Executed, Parked, Run, Session};

impl Repl {
    /// Answers `question` over the connections in slots `at`.
    pub(super) fn federate(&mut self, session: &mut Session, at: &[usize], question: &str) {
        if self.agent.is_none() {
            eprint!("{}", report::error_line(NO_PROVIDER, Some(llm::SETUP_HINT)));
            return;
        }
        let Some((plan, note)) = self.federated_plan(session, at, question) else {
            return;
        };
        let color = self.term.color;
        for part in &plan.parts {
            println!(
                "-- on @{}, loaded into {}:",
                escape::visible(&part.source),
                part.table
            );
            println!("{}", highlight::paint(&escape::visible(&part.sql), color));
        }
        println!("-- joined in SQLite:");
        println!("{}", highlight::paint(&escape::visible(&plan.join), color));
        // Every source query is judged before any runs.
        for part in &plan.parts {
            let slot = self.slot(at, &part.source);
            let verdict = self.on_slot(session, slot, |session| session.classify(&part.sql));
            if verdict.level != Level::ReadOnly {
                eprint!(
                    "{}",
                    report::error_line(
                        &format!(
                            "not run: the query on @{} is not read-only ({}); a federated question runs only reads, so nothing ran",
                            escape::visible(&part.source),
                            verdict.reasons.join("; ")
                        ),
                        None,
                    )
                );
                return;
            }
        }
        let mut scratch = match SqliteBackend::in_memory() {
            Ok(scratch) => scratch,
            Err(error) => {
                eprint!("{}", report::db_error(&error, None));
                return;
            }
        };
        for part in &plan.parts {
            let slot = self.slot(at, &part.source);
            let cap = self.config.federate_rows;
            let mut rows = Capped::new(cap);
            let back = self.current_slot();
            self.make_current(session, slot);
            let run = generated(&part.sql, &note);
            let executed = session.execute_into(run, &mut |_| Decision::Refuse, &mut rows);
            let ran = matches!(executed, Executed::Ran(_));
            if !ran {
                self.report_executed(session, executed, &part.sql, GENERATED_REFUSED);
            }
            self.make_current(session, back);
            if !ran {
                return;
            }
            if rows.hit {
                eprintln!(
                    "glance: note: the query on @{} was stopped at {cap} rows (--federate-rows); the answer may be incomplete",
                    escape::visible(&part.source)
                );
            }
            if let Err(error) = scratch.load(&part.table, &rows.columns, &rows.rows) {
                eprint!("{}", report::db_error(&error, None));
                return;
            }
        }
        let choice = Choice {
            target: Target::Sqlite(":memory:".into()),
            profile: Some("federated".into()),
            read_only: true,
            statement_timeout: session.choice().statement_timeout,
            guard_role: None,
        };
        let mut joined = Parked::new(choice, Box::new(scratch));
        session.trade(&mut joined);
        let executed = session.execute(generated(&plan.join, &note), &mut |_| Decision::Refuse);
        match executed {
            Executed::Forbidden { verdict } => eprint!(
                "{}",
                report::error_line(
                    &format!(
                        "not run: the joining query is a {} statement ({}); it may only read the rows fetched, so nothing ran",
                        verdict.level.as_str(),
                        verdict.reasons.join("; ")
                    ),
                    None,
                )
            ),
            executed => {
                self.report_executed(session, executed, &plan.join, GENERATED_REFUSED);
            }
        }
        session.trade(&mut joined);
    }

    /// Asks the model for the queries, each source's schema in the
    /// request; `None` when that failed, said.
    fn federated_plan(
        &mut self,
        session: &mut Session,
        at: &[usize],
        question: &str,
    ) -> Option<(Plan, QuestionNote)> {
        let agent = self.agent.take()?;
        let mut described = Vec::new();
        for &slot in at {
            let name = self.slot_name(slot).to_string();
            let schema = self.on_slot(session, slot, |session| {
                let info = session.info().clone();
                session
                    .catalog()
                    .map(|catalog| (info, agent.schema_text(catalog, question)))
            });
            match schema {
                Ok((info, text)) => described.push((name, info, text)),
                Err(error) => {
                    eprint!("{}", report::db_error(&error, None));
                    self.agent = Some(agent);
                    return None;
                }
            }
        }
        let sources: Vec<Source> = described
            .iter()
            .map(|(name, info, schema)| Source { name, info, schema })
            .collect();
        let system = federate::system(&sources, self.config.federate_rows);
        let started = std::time::Instant::now();
        let request = aside::Aside {
            question: question.to_string(),
            system,
            content: question.to_string(),
            about: "for a query per connection",
            progress: self.term.stderr_tty,
        };
        let (reply, tally) = aside::ask(session, &agent, request, &mut |_| {});
        let llm_time = started.elapsed();
        let provider = agent.provider().name().to_string();
        let model = agent.provider().model().to_string();
        let usage = reply
            .as_ref()
            .ok()
            .and_then(|r| r.usage)
            .unwrap_or_default();
        let cost = agent.cost(&usage);
        self.agent = Some(agent);
        self.count_aside(tally);
        let reply = match reply {
            Ok(reply) => reply,
            // Ctrl-C is the person's choice, not a failure.
            Err(error @ llm::Error::Cancelled { .. }) => {
                eprintln!("{error}");
                return None;
            }
            Err(error) => {
                eprint!("{}", report::error_line(&error.to_string(), None));
                return None;
            }
        };
        let names: Vec<&str> = described.iter().map(|(name, ..)| name.as_str()).collect();
        match federate::parse(&reply.text, &names) {
            Ok(plan) => Some((
                plan,
                QuestionNote {
                    question: question.to_string(),
                    llm_time,
                    usage,
                    cost,
                    provider,
                    model,
                    tool_calls: Vec::new(),
                },
            )),
            Err(message) => {
                println!("{}", escape::visible(&reply.text));
                eprint!(
                    "{}",
                    report::error_line(
                        &format!("{message}; nothing ran"),
                        Some("ask again, perhaps naming the tables on each connection"),
                    )
                );
                None
            }
        }
    }

    /// The slot of source `name`, one of the slots `at` the question named.
    fn slot(&self, at: &[usize], name: &str) -> usize {
        at.iter()
            .copied()
            .find(|&slot| self.slot_name(slot) == name)
            .unwrap_or(at[0])
    }
}

/// A statement the model wrote for `note`'s question.
fn generated<'a>(sql: &'a str, note: &QuestionNote) -> Run<'a> {
    let mut run = Run::typed(sql);
    run.origin = Origin::Generated;
    run.question = Some(note.clone());
    run
}
