//! `\chart`: draws the last result from the rows the session kept, or with
//! `all` runs its statement again (read-only, Ctrl-C cancels) and charts
//! every row in bounded memory; `save FILE` writes the same chart as SVG;
//! and the chart after a question that asks for one.

use std::time::Duration;

use super::Repl;
use crate::chart::collect::Charting;
use crate::chart::pick::{Choice, PickError};
use crate::chart::text::Style;
use crate::chart::{self, Plot, Request};
use crate::command::SaveAs;
use crate::report;
use crate::session::Session;
use crate::spinner::Spinner;

/// How long a re-run may take before a spinner says it is still running.
const SPINNER_DELAY: Duration = Duration::from_millis(300);

impl Repl {
    /// `\chart [save FILE[!]] [all] [KIND] [X] [Y…]`.
    pub(super) fn chart(
        &mut self,
        session: &mut Session,
        all: bool,
        request: Request,
        save: Option<SaveAs>,
    ) {
        let style = Style::for_terminal(&self.term);
        let charted = if all {
            chart_all(session, request, self.term.stderr_tty)
        } else if session.kept().columns.is_empty() {
            Err(report::error_line(
                "\\chart: there is no result to draw",
                Some("run a query first, then \\chart"),
            ))
        } else {
            kept_plot(session, &request).map_err(|error| chart_error(&error))
        };
        let (choice, plot) = match charted {
            Ok(charted) => charted,
            Err(message) => return eprint!("{message}"),
        };
        if let Some(line) = (!all).then(|| earlier(session)).flatten() {
            println!("{}", crate::term::dim(&line, style.color));
        }
        let Some(save) = save else {
            return print!("{}", chart::framed(&choice.sentence, &plot, &style));
        };
        match crate::export::write_chart(&save.file, save.overwrite, &plot) {
            Ok(path) => println!(
                "Saved the {} to {}.",
                crate::escape::visible_name(&choice.sentence, false),
                crate::escape::visible(&path.display().to_string())
            ),
            Err(error) => eprint!(
                "{}",
                report::error_line(
                    &format!("\\chart save: {error}"),
                    match &error {
                        crate::export::Error::Exists(_) => {
                            Some("end the file's name with ! to replace it")
                        }
                        error => error.chart_hint(),
                    }
                )
            ),
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
        match kept_plot(session, &request) {
            Ok((choice, plot)) => print!("{}", chart::framed(&choice.sentence, &plot, &style)),
            Err(error) => println!(
                "{}",
                crate::term::dim(&format!("No chart: {error}."), style.color)
            ),
        }
    }
}

/// A line saying the chart is of an earlier statement's result, when the
/// last statement run was another (it failed, or returned no rows).
fn earlier(session: &Session) -> Option<String> {
    let kept = &session.kept().sql;
    session
        .last_sql()
        .is_some_and(|last| last != kept)
        .then(|| {
            let shown = crate::one_line::cut(&crate::one_line::fold(kept), 60);
            format!(
                "The last statement returned no rows to draw; this is the result of: {}",
                crate::escape::visible(&shown)
            )
        })
}

/// The chart of the rows the session kept of the last result.
fn kept_plot(session: &Session, request: &Request) -> Result<(Choice, Plot), PickError> {
    session.kept().plot(request, "\\chart all draws every row")
}

fn chart_error(error: &PickError) -> String {
    report::error_line(&format!("\\chart: {error}"), None)
}

/// `\chart all`: the last result's statement run again into the chart;
/// an error as the line to print.
fn chart_all(
    session: &mut Session,
    request: Request,
    progress: bool,
) -> Result<(Choice, Plot), String> {
    let last = session.last_result().map_err(|error| {
        let hint = match error {
            crate::session::NoRerun::NoResult => "run a query first, then \\chart all",
            ref error => error.hint(),
        };
        report::error_line(&format!("\\chart all: {error}"), Some(hint))
    })?;
    let mut spinner = Spinner::start_after("running the query again…", progress, SPINNER_DELAY);
    let mut sink = Charting::new(request);
    let ran = session.rerun_last(&last, &mut sink);
    spinner.stop();
    ran.map_err(|error| report::db_error(&error, Some(&last.sql)))?;
    sink.finish().map_err(|error| chart_error(&error))
}
