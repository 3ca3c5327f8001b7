//! A request to the model outside the conversation (a plan's explanation,
//! a draft of comments): a spinner while the model is silent, Ctrl-C
//! abandons it, and it is recorded in the history as a question with its
//! tokens and cost whether it succeeds or not, so `glance usage` counts it.

use std::time::Instant;

use crate::agent::Agent;
use crate::llm;
use crate::querylog::QuestionNote;
use crate::session::Session;
use crate::spinner::Spinner;
use crate::usage::Tally;

/// One side request.
pub struct Aside<'a> {
    /// How the history names it: `\explain SQL`, `\describe TABLE`.
    pub question: String,
    pub system: String,
    pub content: String,
    /// What the spinner says the model is asked, after `asking MODEL `.
    pub about: &'a str,
    /// Show the spinner on stderr.
    pub progress: bool,
}

/// Sends `aside`, passing the reply's text to `on_text` as it streams, and
/// records it; returns the reply and what it cost.
pub fn ask(
    session: &mut Session,
    agent: &Agent,
    aside: Aside,
    on_text: &mut dyn FnMut(&str),
) -> (Result<llm::Reply, llm::Error>, Tally) {
    let provider = agent.provider();
    let canceller = provider.canceller();
    let label = format!("asking {} {}", provider.model(), aside.about);
    let mut waiting = Spinner::start(&label, aside.progress);
    let started = Instant::now();
    let reply = session.interrupts().cancellable(canceller, || {
        agent.aside(aside.system, aside.content, &mut |text| {
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
        provider: provider.name().to_string(),
        model: provider.model().to_string(),
        tool_calls: Vec::new(),
    };
    let error = reply.as_ref().err().map(ToString::to_string);
    session.record_question(&note, error.as_deref());
    (reply, Tally::of(1, &note.usage, note.cost))
}
