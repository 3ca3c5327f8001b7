//! Acting on the gate's decision: asking through the caller's [`Confirm`]
//! (with a preview in a transaction where one is safe), running under the
//! guard the gate chose, drawing the result on the console, and recording
//! how the statement ended — once, in the journal. What to do is decided
//! by [`gate::decide`]; this module only carries it out.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use super::kept::Kept;
use super::{Confirm, Consent, Decision, Executed, LastResult, Loaded, Ran, Run, Session, rows_of};
use crate::console::Console;
use crate::db::{self, Backend, Guard, Outcome, OutcomeKind, RowFlow, RowSink};
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
    /// Values bound to placeholders travel beside the SQL to the
    /// database and into the journal; such a statement is never previewed.
    pub fn execute(&mut self, run: Run, confirm: Confirm) -> Executed {
        self.execute_to(run, confirm, None)
    }

    /// As [`Session::execute`], handing the result's columns and rows to
    /// `sink` instead of drawing them: the same gate, guard and record.
    pub fn execute_into(&mut self, run: Run, confirm: Confirm, sink: &mut dyn RowSink) -> Executed {
        self.execute_to(run, confirm, Some(sink))
    }

    fn execute_to(
        &mut self,
        run: Run,
        confirm: Confirm,
        capture: Option<&mut dyn RowSink>,
    ) -> Executed {
        self.bound.clone_from(&run.params);
        let executed = self.execute_bound(run, confirm, capture);
        self.bound.clear();
        executed
    }

    fn execute_bound(
        &mut self,
        run: Run,
        confirm: Confirm,
        capture: Option<&mut dyn RowSink>,
    ) -> Executed {
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
        self.run_guarded(run, verdict, guard, capture)
    }

    /// The values bound to the statement being run, each with the
    /// placeholder that takes it.
    fn labelled_bound(&self) -> Vec<(String, db::Param)> {
        let dialect = self.info().dialect;
        let numbered = self.bound.iter().enumerate();
        numbered
            .map(|(i, p)| (dialect.placeholder_label(i + 1), p.clone()))
            .collect()
    }

    /// The connection's rules, for the gate.
    pub(super) fn rules(&self) -> Rules {
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
        // The planner's estimate and a preview run the SQL without the
        // values bound to it, so a statement with some gets neither.
        let unbound = self.bound.is_empty();
        let bound = self.labelled_bound();
        let mut consent = Consent {
            sql,
            bound: &bound,
            verdict: &verdict,
            estimate: unbound
                .then(|| self.estimate_rows(sql, verdict.level))
                .flatten(),
            can_preview: unbound && self.can_preview(&verdict),
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
    fn run_guarded(
        &mut self,
        run: Run,
        verdict: Verdict,
        guard: Guard,
        mut capture: Option<&mut dyn RowSink>,
    ) -> Executed {
        let sql = run.sql;
        let question = run.question.as_ref();
        let mut options = self.render_options(run.json_prefix);
        options.json.timings = run.json_timings;
        if self.glance_timings {
            options.json.late_timings = Some(|| timings::split().json_entries());
        }
        options.command_tag = safety::command_tag(sql, self.info().dialect);
        if options.command_tag == "COPY" && verdict.level == Level::ReadOnly {
            if capture.is_some() {
                let error = db::Error::Other(
                    "COPY … TO STDOUT writes text, not rows: run the query without COPY".into(),
                );
                return self.not_run(sql, question, verdict, error);
            }
            if matches!(options.format, Format::Json | Format::Ndjson) {
                let error = db::Error::Other(
                    "COPY … TO STDOUT writes its own text format, not JSON; run the query \
                     without COPY, or use --format csv"
                        .into(),
                );
                return self.not_run(sql, question, verdict, error);
            }
            if !run.params.is_empty() {
                let error = db::Error::BadInput(
                    "COPY takes no bound values: write the values into the saved query".into(),
                );
                return self.not_run(sql, question, verdict, error);
            }
            return self.copy_to_results(sql, question, verdict);
        }
        let (result, elapsed, written, shown, columns) = {
            let capturing = capture.is_some();
            let mut sink = Recording {
                writer: render::writer(&options, self.console.results()),
                columns: Vec::new(),
                capture: capture.take(),
                kept: &mut self.kept,
                sql,
            };
            let canceller = self.backend.canceller();
            let backend = &mut self.backend;
            let started = Instant::now();
            let result = self.interrupts.cancellable(canceller, || {
                backend.run(sql, &run.params, guard, &mut sink)
            });
            let elapsed = started.elapsed();
            report_notices(backend.as_mut(), &self.console);
            let db_time = result.as_ref().map_or(elapsed, |o| o.db_time);
            timings::add(Phase::Db, db_time);
            timings::add(Phase::Render, elapsed.saturating_sub(db_time));
            let (written, shown) = match &result {
                Ok(_) if capturing => (Ok(()), false),
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
        // `\export` runs the last result again, with the same values bound.
        if let Ok(outcome) = &result
            && let OutcomeKind::Rows { .. } = outcome.kind
        {
            self.last_result = Some(LastResult {
                sql: sql.to_string(),
                params: run.params.clone(),
            });
        }
        let reached = Reached {
            result,
            elapsed,
            written,
            shown,
            columns,
        };
        self.conclude(sql, question, verdict, reached)
    }

    /// How a statement that reached the database ended: recorded once, and
    /// told to the front end.
    fn conclude(
        &mut self,
        sql: &str,
        question: Option<&QuestionNote>,
        verdict: Verdict,
        reached: Reached,
    ) -> Executed {
        let elapsed = reached.elapsed;
        match reached.result {
            Ok(outcome) => {
                let rows = rows_of(&outcome);
                self.record(sql, question, &verdict, Recorded::Ran { rows, elapsed });
                match reached.written {
                    Ok(()) => Executed::Ran(Ran {
                        columns: reached.columns,
                        rows,
                        db_time: outcome.db_time,
                    }),
                    Err(error) => Executed::Output(error),
                }
            }
            Err(error) => {
                self.record(sql, question, &verdict, Recorded::failed(&error, elapsed));
                let shown = reached.shown;
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
    pub(super) fn not_run(
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
        let reached = Reached {
            result,
            elapsed,
            written,
            shown: false,
            columns: Vec::new(),
        };
        self.conclude(sql, question, verdict, reached)
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
            self.last_result = Some(LastResult {
                sql: sql.to_string(),
                params: Vec::new(),
            });
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
                let consent = Consent::plain(sql, &verdict);
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
    pub(super) fn report_restored(&mut self) {
        for setting in self.backend.take_restored() {
            let undone = match setting.as_str() {
                // MySQL and MariaDB.
                "sql_mode" => {
                    "glance removed ANSI_QUOTES and NO_BACKSLASH_ESCAPES from it again, because it \
                     checks every statement with \"…\" read as a string and backslashes in strings \
                     as escapes"
                }
                _ => {
                    "glance set it back to on, because it checks every statement with backslashes \
                     in strings read as plain characters"
                }
            };
            self.console.message(&format!(
                "glance: warning: the statement changed {setting}; {undone}"
            ));
        }
    }
}

/// Shows beside the results, as psql does, the notices and warnings the
/// server sent while the person's statement ran, control characters made
/// visible.
pub(super) fn report_notices(backend: &mut dyn Backend, console: &Console) {
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

/// Passes a result to the writer, or to the caller's sink when there is
/// one, and remembers its column names; keeps the first rows of a result
/// the writer shows, for `\chart`.
struct Recording<'a, 'b, 'k> {
    writer: Box<dyn ResultWriter + 'a>,
    columns: Vec<String>,
    capture: Option<&'b mut dyn RowSink>,
    kept: &'k mut Kept,
    /// The statement whose result this is.
    sql: &'a str,
}

impl RowSink for Recording<'_, '_, '_> {
    fn columns(&mut self, columns: &[db::Column]) -> RowFlow {
        self.columns = columns.iter().map(|c| c.name.clone()).collect();
        match self.capture.as_mut() {
            Some(capture) => capture.columns(columns),
            None => {
                self.kept.start(self.sql, columns);
                self.writer.columns(columns)
            }
        }
    }

    fn rows(&mut self, rows: Vec<db::Row>) -> RowFlow {
        match self.capture.as_mut() {
            Some(capture) => capture.rows(rows),
            None => {
                self.kept.take(&rows);
                let flow = self.writer.rows(rows);
                if flow == RowFlow::Stop {
                    self.kept.stop();
                }
                flow
            }
        }
    }

    fn interactive(&self) -> bool {
        self.capture.is_none() && self.writer.interactive()
    }
}

/// A statement that reached the database, as it ended.
struct Reached {
    result: Result<Outcome, db::Error>,
    elapsed: Duration,
    /// Whether its output was written out (results, or COPY's data).
    written: io::Result<()>,
    /// Whether the error is already in the output (a JSON document).
    shown: bool,
    /// The result's column names.
    columns: Vec<String>,
}

#[cfg(test)]
pub(super) mod tests {
    use std::cell::Cell;
    use std::path::PathBuf;

    use super::*;
    use crate::choice::Choice;
    use crate::console::{Console, OutputFile};
    use crate::db::Target;
    use crate::interrupt::Interrupts;
    use crate::render::Expanded;
    use crate::session::Settings;
    use crate::term::Term;

    /// A session on a fresh SQLite file holding `t(a)` with one row, its
    /// results going to a file; `read_only` as a profile would set it.
    pub(in crate::session) fn session(tag: &str, read_only: bool) -> (Session, PathBuf) {
        session_on(
            tag,
            "create table t(a int); insert into t values (1);",
            read_only,
        )
    }

    /// A session like [`session`] on a database made by `script`, in a
    /// folder of its own: tests sharing a `tag` may run at once.
    pub(crate) fn session_with(tag: &str, script: &str) -> (Session, PathBuf) {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        session_on(&format!("{tag}-{n}"), script, false)
    }

    fn session_on(tag: &str, script: &str, read_only: bool) -> (Session, PathBuf) {
        let dir = std::env::temp_dir().join(format!("glance-session-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("t.db");
        let _ = std::fs::remove_file(&path);
        let db = rusqlite::Connection::open(&path).unwrap();
        db.execute_batch(script).unwrap();
        drop(db);
        let backend = Box::new(db::sqlite::SqliteBackend::open(&path).unwrap());
        let choice = Choice {
            target: Target::Sqlite(path),
            profile: None,
            read_only,
            statement_timeout: Duration::from_secs(30),
            guard_role: None,
        };
        let settings = Settings {
            format: Format::Csv,
            expanded: Expanded::Off,
            timing: false,
            null: String::new(),
            page_size: None,
            paged: false,
            share_samples: false,
            share_rows: false,
            trusted_functions: Vec::new(),
        };
        let term = Term {
            stdin_tty: false,
            stdout_tty: false,
            stderr_tty: false,
            color: false,
            stderr_color: false,
        };
        let results = dir.join("results.csv");
        let mut console = Console::default();
        console.redirect(Some(OutputFile {
            name: "results.csv".into(),
            file: std::fs::File::create(&results).unwrap(),
        }));
        let interrupts = Interrupts::install().unwrap();
        let session = Session::new(choice, backend, settings, term, interrupts, console);
        (session, results)
    }

    /// The log's status column, one per statement.
    fn statuses(session: &Session) -> Vec<String> {
        session
            .journal
            .log
            .describe()
            .rows
            .iter()
            .map(|row| match &row[3] {
                db::Value::Text(status) => status.clone(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn a_read_runs_unasked_and_is_recorded_once() {
        let (mut session, results) = session("read", false);
        let asked = Cell::new(0);
        let executed = session.execute(Run::typed("select a from t"), &mut |_| {
            asked.set(asked.get() + 1);
            Decision::Run
        });
        assert!(
            matches!(executed, Executed::Ran(Ran { rows: Some(1), .. })),
            "{executed:?}"
        );
        assert_eq!(asked.get(), 0);
        assert_eq!(statuses(&session), ["ok"]);
        assert_eq!(std::fs::read_to_string(results).unwrap(), "a\n1\n");
    }

    #[test]
    fn a_write_on_a_read_only_connection_is_forbidden_without_asking() {
        let (mut session, _) = session("forbid", true);
        let executed = session.execute(Run::typed("insert into t values (2)"), &mut |_| {
            panic!("nobody is asked about a forbidden statement")
        });
        assert!(
            matches!(executed, Executed::Forbidden { .. }),
            "{executed:?}"
        );
        assert_eq!(
            statuses(&session),
            ["error: refused: the connection is read-only"]
        );
    }

    #[test]
    fn what_the_gate_asks_about_ends_as_the_answer_says() {
        let (mut session, _) = session("ask", false);
        let drop = Run::typed("drop table t");
        let declined = session.execute(drop, &mut |_| Decision::Decline);
        assert!(matches!(declined, Executed::Declined), "{declined:?}");
        let generated = Run {
            origin: Origin::Generated,
            ..Run::typed("insert into t values (2)")
        };
        let refused = session.execute(generated, &mut |_| Decision::Refuse);
        assert!(matches!(refused, Executed::Refused { .. }), "{refused:?}");
        let ran = session.execute(Run::typed("drop table t"), &mut |_| Decision::Run);
        assert!(matches!(ran, Executed::Ran(_)), "{ran:?}");
        assert_eq!(
            statuses(&session),
            ["not run", "error: refused: needs confirmation", "ok"]
        );
    }

    #[test]
    fn a_load_is_always_asked() {
        let (mut session, _) = session("load", false);
        let asked = Cell::new(0);
        let rows = vec![vec![Some("2".to_string())]];
        let loaded = session.load("insert into t values (?)", &rows, &mut |_| {
            asked.set(asked.get() + 1);
            Decision::Decline
        });
        assert!(matches!(loaded, Loaded::Declined), "{loaded:?}");
        assert_eq!(asked.get(), 1);
        assert_eq!(statuses(&session), ["not run"]);
    }
}
