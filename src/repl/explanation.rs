//! Plans and the model at the front: the explanation of a plan as both
//! front ends print it (after a blank line, streamed to stdout as prose,
//! its text escaped), and the REPL's plan of the last statement attached
//! to a question about its speed.

use std::io::{self, Write};
use std::time::Duration;

use crate::agent::Agent;
use crate::analysis::explain::{self, Report};
use crate::analysis::narrate;
use crate::escape;
use crate::llm;
use crate::prose;
use crate::safety::Level;
use crate::session::{Decision, Session};
use crate::spinner::Spinner;
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

/// How long planning the last statement may take before a spinner says so.
const PLANNING_SPINNER_DELAY: Duration = Duration::from_millis(300);

/// For a question about speed ([`narrate::asks_about_speed`]) after a
/// statement ran: that statement's plan, to attach to the question, and a
/// dim line saying so. EXPLAIN ANALYZE in the read-only guard when the
/// classifier rates the statement read-only, plain EXPLAIN otherwise; what
/// would need a confirmation is not planned at all. `None` for any other
/// question, or when planning failed (said in the dim line).
pub fn plan_for_question(session: &mut Session, question: &str, term: Term) -> Option<String> {
    if !narrate::asks_about_speed(question) {
        return None;
    }
    let sql = session.last_sql()?.to_string();
    let analyze = session.classify(&sql).level == Level::ReadOnly;
    let how = if analyze {
        "EXPLAIN ANALYZE"
    } else {
        "EXPLAIN"
    };
    let mut spinner = Spinner::start_after(
        &format!("running {how} on the last statement…"),
        term.stderr_tty,
        PLANNING_SPINNER_DELAY,
    );
    let planned = explain::explain(session, &sql, analyze, &mut |_| Decision::Decline);
    spinner.stop();
    match planned {
        Ok(report) => {
            println!(
                "{}",
                super::dim(
                    &format!("(attached the plan of the last statement, from {how})"),
                    term.color
                )
            );
            Some(narrate::attachment(&report))
        }
        Err(_) => {
            println!(
                "{}",
                super::dim(
                    "(could not plan the last statement; asking without it)",
                    term.color
                )
            );
            None
        }
    }
}
