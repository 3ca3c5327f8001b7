//! A side question to the model, outside the conversation (a plan to
//! explain, comments to draft, a migration to write): a spinner on stderr
//! while the model is silent, Ctrl-C abandons the request, and the call is
//! recorded in the history as the question the person typed, with its
//! tokens and cost, so `glance usage` counts it, also when it failed.

use std::time::Instant;

use crate::agent::Agent;
use crate::llm;
use crate::querylog::QuestionNote;
use crate::session::Session;
use crate::spinner::Spinner;
use crate::usage::Tally;

/// One side question.
pub struct Aside<'a> {
    /// What the history records as the question (`\migrate TEXT`).
    pub question: String,
    pub system: String,
    pub content: String,
    /// What the spinner says while the model is silent.
    pub waiting: &'a str,
    /// Show the spinner (stderr is a terminal).
    pub progress: bool,
}

/// Asks `aside`, passing the reply's text to `on_text` as it streams;
/// returns what it cost and the reply.
pub fn ask(
    session: &mut Session,
    agent: &Agent,
    aside: Aside,
    on_text: &mut dyn FnMut(&str),
) -> (Tally, Result<llm::Reply, llm::Error>) {
    let canceller = agent.provider().canceller();
    let label = format!("asking {} {}", agent.provider().model(), aside.waiting);
    let mut waiting = Spinner::start(&label, aside.progress);
    let started = Instant::now();
    let (system, content) = (aside.system, aside.content);
    let reply = session.interrupts().cancellable(canceller, || {
        agent.aside(system, content, &mut |text| {
            waiting.stop();
            on_text(text)
        })
    });
    waiting.stop();
    let usage = reply
        .as_ref()
        .ok()
        .and_then(|r| r.usage)
        .unwrap_or_default();
    let note = QuestionNote {
        question: aside.question,
        llm_time: started.elapsed(),
        usage,
        cost: agent.cost(&usage),
        provider: agent.provider().name().to_string(),
        model: agent.provider().model().to_string(),
    };
    let error = reply.as_ref().err().map(ToString::to_string);
    session.record_question(&note, error.as_deref());
    (Tally::of(1, &note.usage, note.cost), reply)
}
