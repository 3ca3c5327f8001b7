//! `\chart`: draws the last result from the rows the session kept, or with
//! `all` runs its statement again (read-only, Ctrl-C cancels) and charts
//! every row in bounded memory.

use std::time::Duration;

use super::Repl;
use crate::chart::collect::{self, Charting};
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
        let kept = session.kept();
        if kept.columns.is_empty() {
            eprint!(
                "{}",
                report::error_line(
                    "\\chart: there is no result to draw",
                    Some("run a query first, then \\chart")
                )
            );
            return;
        }
        match collect::plot_rows(&kept.columns, &kept.rows, &request) {
            Ok((choice, plot)) => {
                let shown = (!kept.complete).then_some((
                    kept.rows.len() as u64,
                    kept.seen,
                    "\\chart all draws every row",
                ));
                print!("{}", chart::framed(&choice.sentence, &plot, &style, shown));
            }
            Err(error) => eprint!("{}", report::error_line(&format!("\\chart: {error}"), None)),
        }
    }
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
