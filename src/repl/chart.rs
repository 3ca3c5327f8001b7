//! `\chart`: draws the last result from the rows the session kept, or with
//! `all` runs its statement again (read-only, Ctrl-C cancels) and charts
//! every row in bounded memory; and the chart after a question that asks
//! for one.

use std::time::Duration;

use super::Repl;
use crate::chart::collect::Charting;
use crate::chart::pick::PickError;
use crate::chart::text::Style;
use crate::chart::{self, Request};
use crate::report;
use crate::session::Session;
use crate::spinner::Spinner;

/// How long a re-run may take before a spinner says it is still running.
const SPINNER_DELAY: Duration = Duration::from_millis(300);

impl Repl {
    /// `\chart [all] [KIND] [X] [Y…]`.
    pub(super) fn chart(&mut self, session: &mut Session, all: bool, request: Request) {
        let style = Style::for_terminal(&self.term);
        if all {
            return chart_all(session, request, &style, self.term.stderr_tty);
        }
        if session.kept().columns.is_empty() {
            eprint!(
                "{}",
                report::error_line(
                    "\\chart: there is no result to draw",
                    Some("run a query first, then \\chart")
                )
            );
            return;
        }
        match kept_chart(session, &request, &style) {
            Ok(text) => print!("{text}"),
            Err(error) => eprint!("{}", report::error_line(&format!("\\chart: {error}"), None)),
        }
    }

    /// Draws the result of a question whose words (or the model's
    /// `-- chart: KIND` line) ask for a chart; says in one line when the
    /// result cannot be drawn.
    pub(super) fn chart_for_question(&mut self, session: &Session, question: &str, reply: &str) {
        let model_kind = crate::agent::extract::chart_kind(reply);
        let Some(request) = chart::words::for_question(question, model_kind) else {
            return;
        };
        let style = Style::for_terminal(&self.term);
        match kept_chart(session, &request, &style) {
            Ok(text) => print!("{text}"),
            Err(error) => println!(
                "{}",
                crate::term::dim(&format!("No chart: {error}."), style.color)
            ),
        }
    }
}

/// The chart of the rows the session kept of the last result.
fn kept_chart(session: &Session, request: &Request, style: &Style) -> Result<String, PickError> {
    session
        .kept()
        .chart(request, style, "\\chart all draws every row")
}

/// `\chart all`: the last result's statement run again into the chart.
fn chart_all(session: &mut Session, request: Request, style: &Style, progress: bool) {
    let sql = match session.last_result() {
        Ok(sql) => sql,
        Err(error) => {
            let message = format!("\\chart all: {error}");
            eprint!("{}", report::error_line(&message, Some(error.hint())));
            return;
        }
    };
    let mut spinner = Spinner::start_after("running the query again…", progress, SPINNER_DELAY);
    let mut sink = Charting::new(request);
    let ran = session.rerun(&sql, &mut sink);
    spinner.stop();
    if let Err(error) = ran {
        eprint!("{}", report::db_error(&error, Some(&sql)));
        return;
    }
    match sink.finish() {
        Ok((choice, plot)) => print!("{}", chart::framed(&choice.sentence, &plot, style, None)),
        Err(error) => eprint!("{}", report::error_line(&format!("\\chart: {error}"), None)),
    }
}
