//! Asking the model for a migration: the schema text and the change go
//! out as a request of its own ([`Agent::aside`]), recorded in the history
//! as the question `\migrate TEXT` with its tokens and cost, and the up and
//! down steps are read from the reply ([`reply::parse`]).

use super::reply::{self, Steps};
use crate::agent::Agent;
use crate::analysis::aside::{self, Aside};
use crate::db;
use crate::llm;
use crate::session::Session;
use crate::usage::Tally;

/// Why there are no steps.
#[derive(Debug, thiserror::Error)]
pub enum Failed {
    #[error("could not read the schema: {0}")]
    Database(#[from] db::Error),
    #[error("the model could not write the migration: {0}")]
    Model(#[from] llm::Error),
    #[error("the model's reply was not an up and a down step: {0}")]
    Reply(String),
}

/// Asks the model for the up and down steps of `request`, with a spinner
/// on stderr while it is silent when `progress`; Ctrl-C abandons the
/// request. What it cost comes back also when the reply was unusable.
pub fn steps(
    session: &mut Session,
    agent: &Agent,
    request: &str,
    progress: bool,
) -> (Tally, Result<Steps, Failed>) {
    let schema = match session.catalog() {
        Ok(catalog) => agent.schema_text(catalog, request).text,
        Err(error) => return (Tally::default(), Err(error.into())),
    };
    let aside = Aside {
        question: format!("\\migrate {request}"),
        system: reply::system(session.info().dialect),
        content: reply::content(&schema, request),
        about: "to write the migration…",
        progress,
    };
    let (answer, tally) = aside::ask(session, agent, aside, &mut |_| {});
    let steps = answer
        .map_err(Failed::from)
        .and_then(|answer| reply::parse(&answer.text).map_err(Failed::Reply));
    (tally, steps)
}
