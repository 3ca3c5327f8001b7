//! `\watch [SECONDS]`: the last SQL again and again, each run under a
//! psql-like header (the time and the interval), until Ctrl-C, which
//! returns to the prompt. Only SQL the classifier calls `read_only` is
//! watched, and every run goes through the gate and the read-only guard
//! again; results are not paged while watching.

use std::time::Duration;

use super::Repl;
use super::edit::Recall;
use crate::db;
use crate::report;
use crate::safety::{self, Level};
use crate::session::{Decision, Executed, Run, Session};

impl Repl {
    pub(super) fn watch(&mut self, session: &mut Session, every: Duration, count: Option<u64>) {
        let text = if !self.buffer.trim().is_empty() {
            let text = std::mem::take(&mut self.buffer);
            self.last = Some(Recall::Sql(text.clone()));
            text
        } else if let Some(Recall::Sql(last)) = &self.last {
            last.clone()
        } else {
            eprint!(
                "{}{}",
                self.scripts.prefix(),
                report::error_line(
                    "\\watch: there is no SQL to run again",
                    Some("run a query first, e.g. \\sql select now();, then \\watch 5"),
                )
            );
            return;
        };
        let statements = safety::split_statements(&text, session.info().dialect);
        for sql in &statements {
            let verdict = session.classify(sql);
            if verdict.level != Level::ReadOnly {
                eprint!(
                    "{}{}",
                    self.scripts.prefix(),
                    report::error_line(
                        &format!(
                            "\\watch runs only read-only SQL, and the last SQL is {} ({})",
                            verdict.level.as_str(),
                            verdict.reasons.join("; ")
                        ),
                        Some("run a SELECT first, then \\watch"),
                    )
                );
                return;
            }
        }
        let paged = session.settings.paged;
        session.settings.paged = false;
        session.interrupts().take();
        let mut runs = 0u64;
        'watching: loop {
            println!("{}\n", header(every));
            for sql in &statements {
                // Read-only SQL never asks; nothing else gets this far.
                let executed = session.execute(Run::typed(sql), &mut |_| Decision::Refuse);
                if let Executed::Failed {
                    error: db::Error::Cancelled,
                    ..
                } = executed
                {
                    break 'watching;
                }
                if !self.report_executed(session, executed, sql, super::TYPED_REFUSED)
                    || self.output_closed
                {
                    break 'watching;
                }
            }
            runs += 1;
            if count.is_some_and(|count| runs >= count) {
                break;
            }
            println!();
            if session.interrupts().sleep(every) {
                break;
            }
        }
        session.settings.paged = paged;
    }
}

/// `Sun 06 Dec 2026 07:00:01 AM UTC (every 2s)`, as psql shows it.
fn header(every: Duration) -> String {
    let now = jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::system());
    let seconds = every.as_secs_f64();
    let interval = if seconds.fract() == 0.0 {
        format!("{seconds:.0}s")
    } else {
        format!("{seconds}s")
    };
    format!(
        "{} (every {interval})",
        now.strftime("%a %d %b %Y %I:%M:%S %p %Z")
    )
}
