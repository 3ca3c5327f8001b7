//! Acting on the gate's decision: asking through the caller's [`Confirm`]
//! (with a preview in a transaction where one is safe), running under the
//! guard the gate chose, drawing the result on the console, and recording
//! how the statement ended — once, in the journal. What to do is decided
//! by [`gate::decide`]; this module only carries it out.

use std::io::Write;
use std::time::{Duration, Instant};

use super::{Confirm, Consent, Decision, Executed, Loaded, Ran, Run, Session, rows_of};
use crate::console::Console;
use crate::db::{self, Backend, Flow, Guard, Outcome, OutcomeKind, RowSink};
use crate::escape;
use crate::gate::{self, Gate, Origin, Rules};
use crate::journal::Recorded;
use crate::preview::{self, FirstRows};
use crate::querylog::QuestionNote;
use crate::render::{self, Format, ResultWriter};
use crate::safety::{self, Level, Verdict};
use crate::timings::{self, Phase};

impl Session {
    /// Runs one statement through the safety gate and draws its result on
    /// the console. Statements a person typed ask only when destructive;
    /// those the LLM wrote ask for every write too.
    pub fn execute(&mut self, run: Run, confirm: Confirm) -> Executed {
        let sql = run.sql;
        let question = run.question.as_ref();
        self.last_sql = Some(sql.to_string());
        let verdict = match self.judge(sql, question) {
            Ok(verdict) => verdict,
            Err(error) => return Executed::Rejected { error },
        };
        if let Err(error) = db::reject_nul(sql) {
            return self.not_run(sql, question, verdict, error);
        }
        let (verdict, guard) = match gate::decide(verdict.level, run.origin, self.rules()) {
            Gate::Forbid => {
                self.record(sql, question, &verdict, Recorded::forbidden());
                return Executed::Forbidden { verdict };
            }
            Gate::Run(guard) => (verdict, guard),
            Gate::Ask(guard) => match self.ask(sql, question, verdict, confirm) {
                Ok(verdict) => (verdict, guard),
                Err(ended) => return ended,
            },
        };
        self.run_guarded(run, verdict, guard)
    }

    /// The connection's rules, for the gate.
    fn rules(&self) -> Rules {
        Rules {
            read_only: self.choice.read_only,
            statement_timeout: self.choice.statement_timeout,
        }
    }

    /// Asks the person about a statement, previewing it first when they
    /// want and can: `Ok` gives the verdict back to run it, `Err` is how it
    /// ended instead (declined, refused, or settled by the preview).
    fn ask(
        &mut self,
        sql: &str,
        question: Option<&QuestionNote>,
        verdict: Verdict,
        confirm: Confirm,
    ) -> Result<Verdict, Executed> {
        let mut consent = Consent {
            sql,
            verdict: &verdict,
            estimate: self.estimate_rows(sql, verdict.level),
            can_preview: self.can_preview(&verdict),
            previewed: None,
        };
        loop {
            let decision = confirm(&consent);
            if let Some(previewed) = consent.previewed {
                let commit = decision == Decision::Run;
                return Err(self.end_preview(sql, question, &verdict, previewed, commit));
            }
            match decision {
                Decision::Run => break,
                Decision::Preview if consent.can_preview => match self.preview(sql) {
                    Ok(outcome) => consent.previewed = Some(outcome),
                    Err(error) => {
                        let ending = Recorded::failed(&error, Duration::ZERO);
                        self.record(sql, question, &verdict, ending);
                        return Err(Executed::Failed {
                            verdict: verdict.clone(),
                            error,
                            shown: false,
                        });
                    }
                },
                Decision::Preview | Decision::Decline => {
                    self.record(sql, question, &verdict, Recorded::NotRun(None));
                    return Err(Executed::Declined);
                }
                Decision::Refuse => {
                    self.record(sql, question, &verdict, Recorded::refused());
                    return Err(Executed::Refused {
                        verdict: verdict.clone(),
                    });
                }
            }
        }
        Ok(verdict)
    }

    /// Runs a statement the gate let through, under `guard`, drawing its
    /// result on the console.
    fn run_guarded(&mut self, run: Run, verdict: Verdict, guard: Guard) -> Executed {
        let sql = run.sql;
        let question = run.question.as_ref();
        let mut options = self.render_options(run.json_prefix);
        options.json_timings = run.json_timings;
        if self.glance_timings {
            options.json_late_timings = Some(|| timings::split().json_entries());
        }
        options.command_tag = safety::command_tag(sql, self.info().dialect);
        if options.command_tag == "COPY" && verdict.level == Level::ReadOnly {
            if matches!(options.format, Format::Json | Format::Ndjson) {
                let error = db::Error::Other(
                    "COPY … TO STDOUT writes its own text format, not JSON; run the query \
                     without COPY, or use --format csv"
                        .into(),
                );
                return self.not_run(sql, question, verdict, error);
            }
            return self.copy_to_results(sql, question, verdict);
        }
        let (result, elapsed, written, shown, columns) = {
            let mut sink = Recording {
                writer: render::writer(&options, self.console.results()),
                columns: Vec::new(),
            };
            let canceller = self.backend.canceller();
            let backend = &mut self.backend;
            let started = Instant::now();
            let result = self
                .interrupts
                .cancellable(canceller, || backend.run(sql, guard, &mut sink));
            let elapsed = started.elapsed();
            report_notices(backend.as_mut(), &self.console);
            let db_time = result.as_ref().map_or(elapsed, |o| o.db_time);
            timings::add(Phase::Db, db_time);
            timings::add(Phase::Render, elapsed.saturating_sub(db_time));
            let (written, shown) = match &result {
                Ok(outcome) => (
                    timings::time(Phase::Render, || sink.writer.finish(outcome)),
                    false,
                ),
                Err(error) => (
                    Ok(()),
                    sink.writer
                        .fail(&crate::report::error_json(error))
                        .unwrap_or(false),
                ),
            };
            (result, elapsed, written, shown, sink.columns)
        };
        if guard == Guard::Direct {
            self.catalog = None;
            self.report_restored();
        }
        let result = match result {
            Err(db::Error::ConnectionLost(cause)) if guard == Guard::Direct => {
                Err(unconfirmed(cause))
            }
            other => other,
        };
        match result {
            Ok(outcome) => {
                if let OutcomeKind::Rows { .. } = outcome.kind {
                    self.last_result = Some(sql.to_string());
                }
                let rows = rows_of(&outcome);
                self.record(sql, question, &verdict, Recorded::Ran { rows, elapsed });
                match written {
                    Ok(()) => Executed::Ran(Ran {
                        columns,
                        rows,
                        db_time: outcome.db_time,
                    }),
                    Err(error) => Executed::Output(error),
                }
            }
            Err(error) => {
                self.record(sql, question, &verdict, Recorded::failed(&error, elapsed));
                Executed::Failed {
                    verdict,
                    error,
                    shown,
                }
            }
        }
    }

    /// A statement refused before it reached the database: recorded as not
    /// run, with `error`.
    fn not_run(
        &mut self,
        sql: &str,
        question: Option<&QuestionNote>,
        verdict: Verdict,
        error: db::Error,
    ) -> Executed {
        let ending = Recorded::NotRun(Some(error.to_string()));
        self.record(sql, question, &verdict, ending);
        Executed::Failed {
            verdict,
            error,
            shown: false,
        }
    }

    /// `COPY … TO STDOUT` inside the read-only guard: its data goes where
    /// results go, as in psql.
    fn copy_to_results(
        &mut self,
        sql: &str,
        question: Option<&QuestionNote>,
        verdict: Verdict,
    ) -> Executed {
        let canceller = self.backend.canceller();
        let timeout = self.choice.statement_timeout;
        let backend = &mut self.backend;
        let mut out = self.console.results();
        let started = Instant::now();
        let result = self
            .interrupts
            .cancellable(canceller, || backend.copy_out(sql, timeout, &mut out));
        let elapsed = started.elapsed();
        report_notices(backend.as_mut(), &self.console);
        let written = out.flush();
        drop(out);
        match result {
            Ok(outcome) => {
                let rows = rows_of(&outcome);
                self.record(sql, question, &verdict, Recorded::Ran { rows, elapsed });
                match written {
                    Ok(()) => Executed::Ran(Ran {
                        columns: Vec::new(),
                        rows,
                        db_time: outcome.db_time,
                    }),
                    Err(error) => Executed::Output(error),
                }
            }
            Err(error) => {
                self.record(sql, question, &verdict, Recorded::failed(&error, elapsed));
                Executed::Failed {
                    verdict,
                    error,
                    shown: false,
                }
            }
        }
    }

    /// Runs a write in a transaction left open, showing the first changed
    /// rows (through RETURNING where the statement can take it).
    fn preview(&mut self, sql: &str) -> Result<Outcome, db::Error> {
        let returning = preview::with_returning(sql);
        let options = self.render_options(Vec::new());
        let mut writer = render::writer(&options, self.console.preview());
        let canceller = self.backend.canceller();
        let timeout = self.choice.statement_timeout;
        let backend = &mut self.backend;
        let outcome = self.interrupts.cancellable(canceller, || {
            backend.preview(
                returning.as_deref().unwrap_or(sql),
                timeout,
                &mut FirstRows::new(&mut *writer),
            )
        });
        report_notices(self.backend.as_mut(), &self.console);
        let outcome = outcome?;
        let shown = match outcome.kind {
            OutcomeKind::Rows { count, .. } => Outcome {
                kind: OutcomeKind::Rows {
                    count: count.min(preview::SHOWN_ROWS as u64),
                    complete: true,
                },
                ..outcome.clone()
            },
            OutcomeKind::Command { .. } => outcome.clone(),
        };
        let _ = writer.finish(&shown);
        drop(writer);
        if let OutcomeKind::Rows { count, .. } = outcome.kind
            && count > preview::SHOWN_ROWS as u64
        {
            self.console.preview_note(&format!(
                "{count} rows changed; the first {} are shown.",
                preview::SHOWN_ROWS
            ));
        }
        Ok(outcome)
    }

    /// Commits or rolls back a previewed write, as the person decided.
    fn end_preview(
        &mut self,
        sql: &str,
        question: Option<&QuestionNote>,
        verdict: &Verdict,
        previewed: Outcome,
        commit: bool,
    ) -> Executed {
        self.catalog = None;
        if let OutcomeKind::Rows { .. } = previewed.kind {
            self.last_result = Some(sql.to_string());
        }
        let rows = rows_of(&previewed);
        let ended = match self.backend.end_preview(commit) {
            Err(db::Error::ConnectionLost(cause)) => Err(unconfirmed(cause)),
            other => other,
        };
        report_notices(self.backend.as_mut(), &self.console);
        self.report_restored();
        let elapsed = previewed.db_time;
        match ended {
            Ok(()) if commit => {
                self.record(sql, question, verdict, Recorded::Ran { rows, elapsed });
                Executed::Ran(Ran {
                    columns: Vec::new(),
                    rows,
                    db_time: elapsed,
                })
            }
            Ok(()) => {
                self.record(sql, question, verdict, Recorded::RolledBack(elapsed));
                Executed::Declined
            }
            Err(error) => {
                self.record(sql, question, verdict, Recorded::failed(&error, elapsed));
                Executed::Failed {
                    verdict: verdict.clone(),
                    error,
                    shown: false,
                }
            }
        }
    }

    /// `\copy … from`: loads `rows` with `sql` (see [`Backend::load`])
    /// through the gate: a read-only connection refuses, and `confirm` is
    /// asked for every load, since it writes whoever typed it. Recorded in
    /// the query log and history like any statement.
    pub fn load(&mut self, sql: &str, rows: &[Vec<Option<String>>], confirm: Confirm) -> Loaded {
        self.last_sql = Some(sql.to_string());
        let verdict = self.classify(sql);
        if let Err(error) = db::reject_nul(sql) {
            self.record(sql, None, &verdict, Recorded::NotRun(None));
            return Loaded::Failed(None, error);
        }
        match gate::decide(verdict.level, Origin::Load, self.rules()) {
            Gate::Forbid => {
                self.record(sql, None, &verdict, Recorded::forbidden());
                return Loaded::Forbidden(verdict);
            }
            Gate::Run(_) => {}
            Gate::Ask(_) => {
                let consent = Consent {
                    sql,
                    verdict: &verdict,
                    estimate: None,
                    can_preview: false,
                    previewed: None,
                };
                match confirm(&consent) {
                    Decision::Run => {}
                    Decision::Preview | Decision::Decline => {
                        self.record(sql, None, &verdict, Recorded::NotRun(None));
                        return Loaded::Declined;
                    }
                    Decision::Refuse => {
                        self.record(sql, None, &verdict, Recorded::refused());
                        return Loaded::Refused;
                    }
                }
            }
        }
        let canceller = self.backend.canceller();
        let backend = &mut self.backend;
        let started = Instant::now();
        let result = self
            .interrupts
            .cancellable(canceller, || backend.load(sql, rows));
        let elapsed = started.elapsed();
        report_notices(self.backend.as_mut(), &self.console);
        match result {
            Ok(count) => {
                let ending = Recorded::Ran {
                    rows: Some(count),
                    elapsed,
                };
                self.record(sql, None, &verdict, ending);
                Loaded::Ran(count)
            }
            Err((row, error)) => {
                self.record(sql, None, &verdict, Recorded::failed(&error, elapsed));
                Loaded::Failed(row, error)
            }
        }
    }

    /// Says which settings glance turned back on after a statement the
    /// person confirmed turned them off.
    fn report_restored(&mut self) {
        for setting in self.backend.take_restored() {
            self.console.message(&format!(
                "glance: warning: the statement changed {setting}; glance set it back to on, \
                 because it checks every statement with backslashes in strings read as plain characters"
            ));
        }
    }
}

/// Shows beside the results, as psql does, the notices and warnings the
/// server sent while the person's statement ran, control characters made
/// visible.
fn report_notices(backend: &mut dyn Backend, console: &Console) {
    for notice in backend.take_notices() {
        console.message(&escape::visible(&notice));
    }
}

/// A write whose connection was lost before the server answered: the
/// server rolls back work it never confirmed, so nothing was committed.
fn unconfirmed(cause: String) -> db::Error {
    db::Error::ConnectionLost(format!(
        "{cause}; the connection was lost before the server confirmed the change, so it was not committed"
    ))
}

/// Passes a result to the writer and remembers its column names.
struct Recording<'a> {
    writer: Box<dyn ResultWriter + 'a>,
    columns: Vec<String>,
}

impl RowSink for Recording<'_> {
    fn columns(&mut self, columns: &[db::Column]) -> Flow {
        self.columns = columns.iter().map(|c| c.name.clone()).collect();
        self.writer.columns(columns)
    }

    fn rows(&mut self, rows: Vec<db::Row>) -> Flow {
        self.writer.rows(rows)
    }

    fn interactive(&self) -> bool {
        self.writer.interactive()
    }
}
