//! One turn of the agent, a question from start to finish: ask the model,
//! show its SQL, classify, confirm, run, and — when the database rejects the
//! SQL — send the error back for a corrected statement, a bounded number of
//! times. The front end supplies a [`Ui`]; this module decides nothing about
//! terminals: the spinner that shows while the model has not answered is
//! drawn only when the `Ui` says stderr is a terminal, and is erased before
//! the first reply text reaches the `Ui`.

use std::time::Duration;

use crate::agent::context::SchemaText;
use crate::agent::{Agent, Proposal};
use crate::db;
use crate::escape;
use crate::gate::Origin;
use crate::llm::{self, Request, Usage};
use crate::numbers::thousands;
use crate::price::Cost;
use crate::querylog::QuestionNote;
use crate::render::format_duration;
use crate::safety::Verdict;
use crate::session::{Consent, Decision, Executed, Ran, Run, Session};
use crate::spinner::Spinner;
use crate::tool_rounds::{self, Rounds, Show, Toolbox};
use crate::unrun;

/// How long reading the schema may take before a spinner says so: a schema
/// already read returns far sooner, and shows nothing.
const SCHEMA_SPINNER_DELAY: Duration = Duration::from_millis(300);

/// How the front end shows the steps of an answer and asks for consent.
pub trait Ui: Show {
    /// The reply's SQL, about to be run if the verdict allows it; `None`
    /// when the database rejected it on a check without running it (glance
    /// could not read it: a typo), so it has no verdict.
    fn proposed(&mut self, reply: &str, sql: &str, verdict: Option<&Verdict>);
    /// Whether to run a statement that needs consent.
    fn confirm(&mut self, consent: &Consent) -> Decision;
    /// A statement failed and is being sent back to the model.
    fn retrying(&mut self, attempt: u32, sql: &str, error: &db::Error);
}

/// How a question ended.
#[derive(Debug)]
pub enum End {
    /// The model answered in prose, with no SQL.
    Prose,
    Ran(Ran),
    Declined,
    Refused {
        sql: String,
        verdict: Verdict,
    },
    /// The connection is read-only and the statement is not.
    Forbidden {
        sql: String,
        verdict: Verdict,
    },
    Failed {
        sql: String,
        error: db::Error,
        /// The error already went into the result's output (JSON).
        shown: bool,
        /// The database rejected it when asked to parse it (see
        /// [`Session::judge`]): it never ran and has no verdict.
        rejected: bool,
    },
    Llm(llm::Error),
    /// The schema could not be read.
    Catalog(db::Error),
    Output(std::io::Error),
}

/// A question's outcome with what it cost.
#[derive(Debug)]
pub struct Answered {
    pub end: End,
    /// The last reply's text.
    pub reply: String,
    /// Model calls made (1 plus corrections).
    pub attempts: u32,
    /// Tokens over all attempts.
    pub usage: Usage,
    pub llm_time: Duration,
    /// Tables sent in full and by name only, when the schema did not fit.
    pub partial_schema: Option<(usize, usize)>,
    /// The tools the model called, one line each: `describe_table(orders)`.
    pub tool_calls: Vec<String>,
}

impl Answered {
    /// `model · 1,234 in / 210 out tokens · LLM 1.8 s · db 12 ms`.
    pub fn footer(&self, model: &str, cost: Cost) -> String {
        let mut text = format!(
            "{model} · {} in / {} out tokens",
            thousands(self.usage.input_tokens),
            thousands(self.usage.output_tokens),
        );
        let details: Vec<String> = [
            self.usage
                .cached_tokens
                .filter(|&n| n > 0)
                .map(|n| format!("{} cached", thousands(n))),
            self.usage
                .reasoning_tokens
                .filter(|&n| n > 0)
                .map(|n| format!("{} reasoning", thousands(n))),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !details.is_empty() {
            text.push_str(&format!(" ({})", details.join(", ")));
        }
        text.push_str(&format!(
            " · {} · LLM {}",
            cost.text(),
            format_duration(self.llm_time)
        ));
        if let End::Ran(ran) = &self.end {
            text.push_str(&format!(" · db {}", format_duration(ran.db_time)));
        }
        if let Some((full, named)) = self.partial_schema {
            text.push_str(&format!(
                " · {full} of {} tables sent in full",
                thousands((full + named) as u64)
            ));
        }
        text
    }
}

/// The request `question` would send, built on `session`'s schema, and the
/// schema context it carries.
pub fn request(
    session: &mut Session,
    agent: &Agent,
    question: &str,
) -> Result<(Request, SchemaText), db::Error> {
    let info = session.info().clone();
    let examples: Vec<_> = session
        .examples_for(question)?
        .iter()
        .map(|scored| scored.example())
        .collect();
    Ok(agent.request(question, session.catalog()?, &info, &examples))
}

/// Answers `question` on `session`'s database.
pub fn answer(
    session: &mut Session,
    (agent, toolbox): (&mut Agent, &mut dyn Toolbox),
    question: &str,
    ui: &mut dyn Ui,
) -> Answered {
    answer_with(session, (agent, toolbox), question, None, ui)
}

/// Answers `question` like [`answer`], with `attachment` (context glance
/// gathered for it, such as a plan) after the question in what the model
/// is sent; the history and the conversation keep the question alone.
pub fn answer_with(
    session: &mut Session,
    (agent, toolbox): (&mut Agent, &mut dyn Toolbox),
    question: &str,
    attachment: Option<&str>,
    ui: &mut dyn Ui,
) -> Answered {
    let mut answered = Answered {
        end: End::Prose,
        reply: String::new(),
        attempts: 0,
        usage: Usage::default(),
        llm_time: Duration::ZERO,
        partial_schema: None,
        tool_calls: Vec::new(),
    };
    let mut rounds = Rounds::new(agent);
    let mut reading = Spinner::start_after(
        "reading the schema…",
        ui.shows_progress(),
        SCHEMA_SPINNER_DELAY,
    );
    let prepared = request(session, agent, question);
    reading.stop();
    let mut request = match prepared {
        Ok((mut request, context)) => {
            if let (Some(attachment), Some(asked)) = (attachment, request.messages.last_mut()) {
                asked.content.push_str("\n\n");
                asked.content.push_str(attachment);
            }
            if context.tables_named > 0 {
                answered.partial_schema = Some((context.tables_full.len(), context.tables_named));
            }
            request
        }
        Err(error) => {
            answered.end = End::Catalog(error);
            return answered;
        }
    };
    loop {
        answered.attempts += 1;
        let asked = tool_rounds::propose(session, agent, &mut request, (toolbox, &mut rounds), ui);
        answered.tool_calls.clone_from(&rounds.calls);
        let proposal = match asked {
            Ok(proposal) => proposal,
            Err(error) => {
                let failed = error.to_string();
                let note = note(question, None, agent, &rounds);
                session.record_question(&note, Some(&failed));
                answered.end = End::Llm(error);
                return answered;
            }
        };
        add_cost(&mut answered, &proposal);
        answered.reply = proposal.reply.clone();
        let Some(sql) = proposal.sql.clone() else {
            session.record_question(&note(question, Some(&proposal), agent, &rounds), None);
            agent.remember(question, None, &[], None);
            answered.end = End::Prose;
            return answered;
        };
        let asked_note = note(question, Some(&proposal), agent, &rounds);
        let (error, shown, rejected) = match session.judge(&sql, Some(&asked_note)) {
            Err(error) => {
                ui.proposed(&proposal.reply, &sql, None);
                (error, false, true)
            }
            Ok(verdict) => {
                ui.proposed(&proposal.reply, &sql, Some(&verdict));
                let run = Run {
                    sql: &sql,
                    params: Vec::new(),
                    origin: Origin::Generated,
                    question: Some(asked_note),
                    json_prefix: [
                        json_prefix(question, &sql, &verdict, &answered, agent),
                        vec![(
                            "not_run".into(),
                            unrun::json(&unrun::of(session, &proposal.reply)),
                        )],
                    ]
                    .concat(),
                    json_timings: vec![(
                        "llm_ms".to_string(),
                        answered.llm_time.as_secs_f64() * 1000.0,
                    )],
                };
                match session.execute(run, &mut |consent: &Consent| ui.confirm(consent)) {
                    Executed::Ran(ran) => {
                        agent.remember(question, Some(&sql), &ran.columns, ran.rows);
                        answered.end = End::Ran(ran);
                        return answered;
                    }
                    Executed::Declined => {
                        answered.end = End::Declined;
                        return answered;
                    }
                    Executed::Refused { verdict } => {
                        answered.end = End::Refused { sql, verdict };
                        return answered;
                    }
                    Executed::Forbidden { verdict } => {
                        answered.end = End::Forbidden { sql, verdict };
                        return answered;
                    }
                    Executed::Output(error) => {
                        answered.end = End::Output(error);
                        return answered;
                    }
                    Executed::Rejected { error } => (error, false, true),
                    Executed::Failed { error, shown, .. } => (error, shown, false),
                }
            }
        };
        // A failed run and a statement the database would not parse (a
        // typo: no one is asked to confirm it) both go back to the model.
        let correctable = matches!(error, db::Error::Server(_));
        if !correctable || answered.attempts > agent.retries() {
            answered.end = End::Failed {
                sql,
                error,
                shown,
                rejected,
            };
            return answered;
        }
        ui.retrying(answered.attempts, &sql, &error);
        let share_samples = session.settings.share_samples;
        request = Agent::correction(&request, &proposal.reply, &sql, &error, share_samples);
    }
}

/// What the front ends print when a failed statement goes back to the
/// model, the error's control characters escaped.
pub fn retrying_line(attempt: u32, error: &db::Error) -> String {
    let error = error.to_string();
    format!(
        "attempt {attempt} failed: {}; asking the model for a corrected statement\n",
        escape::visible(&error)
    )
}

/// The note of one model call, recorded with its statement: `proposal` is
/// `None` when the call failed.
fn note(
    question: &str,
    proposal: Option<&Proposal>,
    agent: &Agent,
    rounds: &Rounds,
) -> QuestionNote {
    let usage = proposal.and_then(|p| p.usage).unwrap_or_default();
    QuestionNote {
        question: question.to_string(),
        llm_time: proposal.map(|p| p.llm_time).unwrap_or_default(),
        usage,
        cost: agent.cost(&usage),
        provider: agent.provider().name().to_string(),
        model: agent.provider().model().to_string(),
        tool_calls: rounds.calls.clone(),
    }
}

fn add_cost(answered: &mut Answered, proposal: &Proposal) {
    answered.llm_time += proposal.llm_time;
    if let Some(usage) = &proposal.usage {
        answered.usage.add(usage);
    }
}

/// The leading fields of the JSON document of a question's result.
fn json_prefix(
    question: &str,
    sql: &str,
    verdict: &Verdict,
    answered: &Answered,
    agent: &Agent,
) -> Vec<(String, serde_json::Value)> {
    vec![
        ("question".into(), question.into()),
        ("sql".into(), sql.into()),
        ("level".into(), verdict.level.as_str().into()),
        ("reasons".into(), verdict.reasons.clone().into()),
        ("executed".into(), true.into()),
        ("llm".into(), llm_json(agent, &answered.usage)),
        ("attempts".into(), answered.attempts.into()),
    ]
    .into_iter()
    .chain(
        (!answered.tool_calls.is_empty())
            .then(|| ("tool_calls".into(), answered.tool_calls.clone().into())),
    )
    .collect()
}

/// `{provider, model, input_tokens, output_tokens, cached_tokens,
/// reasoning_tokens, cost_usd}`; counts a provider did not report, and an
/// unknown cost, are `null`.
pub fn llm_json(agent: &Agent, usage: &Usage) -> serde_json::Value {
    serde_json::json!({
        "provider": agent.provider().name(),
        "model": agent.provider().model(),
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cached_tokens": usage.cached_tokens,
        "reasoning_tokens": usage.reasoning_tokens,
        "cost_usd": agent.cost(usage).json(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn footer_names_model_tokens_cost_and_times() {
        let answered = |usage: Usage, partial_schema| Answered {
            end: End::Prose,
            reply: String::new(),
            attempts: 1,
            usage,
            llm_time: Duration::from_millis(1800),
            partial_schema,
            tool_calls: Vec::new(),
        };
        let usage = Usage {
            input_tokens: 1234,
            output_tokens: 210,
            ..Usage::default()
        };
        assert_eq!(
            answered(usage, None).footer("gpt-5-mini", Cost::Dollars(0.0007)),
            "gpt-5-mini · 1,234 in / 210 out tokens · $0.0007 · LLM 1.80 s"
        );
        let detailed = Usage {
            cached_tokens: Some(1000),
            reasoning_tokens: Some(64),
            ..usage
        };
        assert_eq!(
            answered(detailed, None).footer("m", Cost::Unknown),
            "m · 1,234 in / 210 out tokens (1,000 cached, 64 reasoning) · cost unknown · LLM 1.80 s"
        );
        assert!(
            answered(usage, Some((39, 1961)))
                .footer("m", Cost::Local)
                .ends_with(" · 39 of 2,000 tables sent in full")
        );
    }
}
