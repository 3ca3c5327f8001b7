//! The model's explanation of a plan as both front ends print it: after a
//! blank line, streamed to stdout as prose, its text escaped.

use std::io::{self, Write};

use crate::agent::Agent;
use crate::analysis::explain::Report;
use crate::analysis::narrate;
use crate::escape;
use crate::llm;
use crate::prose;
use crate::session::Session;
use crate::term::Term;

/// Streams the model's explanation of `report` to stdout and returns its
/// text; a spinner shows on stderr (when a terminal) until it starts.
pub fn print(
    session: &Session,
    agent: &Agent,
    report: &Report,
    term: Term,
) -> Result<String, llm::Error> {
    let width = term.size().map_or(0, |(width, _)| usize::from(width));
    let mut drawn = prose::Reply::new(term.color, width);
    let mut streamed = false;
    let explained = narrate::explain(session, agent, report, term.stderr_tty, &mut |text| {
        if !streamed {
            println!();
            streamed = true;
        }
        print!("{}", drawn.push(&escape::visible(text)));
        let _ = io::stdout().flush();
    });
    print!("{}", drawn.finish());
    let ended = explained
        .as_ref()
        .map_or(streamed, |text| !text.ends_with('\n'));
    if streamed && ended {
        println!();
    }
    explained
}
