//! One connection and what a person did with it: runs statements through
//! the safety gate (classify → confirm → guarded or direct run), draws the
//! results, keeps the query log (and the persistent history, when on), and
//! caches the catalog. Both front ends, `repl` and `ask`, drive a `Session`;
//! it never reads from the user itself — confirmation comes from the
//! caller's [`Confirm`].

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::time::{Duration, Instant};

use crate::catalog::Catalog;
use crate::connection::Choice;
use crate::db::{self, Backend, Guard, Outcome, OutcomeKind, RowFlow, RowSink};
use crate::history::{self, History};
use crate::interrupt::Interrupts;
use crate::preview::{self, FirstRows};
use crate::querylog::{Entry, QueryLog, QuestionNote};
use crate::render::Description;
use crate::render::{self, Expanded, Format, RenderOptions, ResultWriter};
use crate::safety::{self, Level, Verdict};
use crate::term::Term;
use crate::timings::{self, Phase};

/// Display and guard settings a session starts with and `\x`/`\timing` change.
#[derive(Clone, Debug)]
pub struct Settings {
    pub format: Format,
    pub expanded: Expanded,
    pub timing: bool,
    pub null: String,
    /// Rows per page; the window height when `None`.
    pub page_size: Option<usize>,
    /// Page results with keys (REPL on a terminal).
    pub paged: bool,
    /// Read the distinct values of low-cardinality text columns into the
    /// catalog, for the LLM prompt (`--share-samples`).
    pub share_samples: bool,
    /// `[safety] trusted_functions`, handed to the classifier with the
    /// catalog.
    pub trusted_functions: Vec<String>,
}

/// The caller's answer to "run this destructive statement?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Run,
    /// Run it in a transaction, show what changed, and ask again.
    Preview,
    /// The person said no.
    Decline,
    /// Nobody could be asked (no terminal) and no flag allowed it.
    Refuse,
}

/// Asks for confirmation of a statement and its verdict.
pub type Confirm<'a> = &'a mut dyn FnMut(&Consent) -> Decision;

/// What a person is asked to agree to.
#[derive(Clone, Debug)]
pub struct Consent<'a> {
    pub sql: &'a str,
    pub verdict: &'a Verdict,
    /// The planner's estimate of the rows a write touches (PostgreSQL).
    pub estimate: Option<u64>,
    /// Whether the person may ask for a preview ([`Decision::Preview`]).
    pub can_preview: bool,
    /// After a preview: what the write did inside its still-open transaction;
    /// [`Decision::Run`] now commits it and anything else rolls it back.
    pub previewed: Option<Outcome>,
}

/// Who wrote a statement, which decides when glance asks before running it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Typed by the person: only destructive statements are confirmed.
    Typed,
    /// Written by the LLM: writes are confirmed too.
    Generated,
}

/// One statement to run and the extra fields of its JSON document.
pub struct Run<'a> {
    pub sql: &'a str,
    pub origin: Origin,
    /// For generated SQL: the question, recorded in the query log.
    pub question: Option<QuestionNote>,
    pub json_prefix: Vec<(String, serde_json::Value)>,
    pub json_timings: Vec<(String, f64)>,
}

impl<'a> Run<'a> {
    /// A statement typed by the person, with `sql` and `level` leading its JSON.
    pub fn typed(sql: &'a str) -> Run<'a> {
        Run {
            sql,
            origin: Origin::Typed,
            question: None,
            json_prefix: Vec::new(),
            json_timings: Vec::new(),
        }
    }
}

/// What a statement that ran produced, for the agent's memory and the footer.
#[derive(Debug)]
pub struct Ran {
    pub columns: Vec<String>,
    /// Rows returned or affected, when known.
    pub rows: Option<u64>,
    pub db_time: Duration,
}

/// How running one statement ended.
#[derive(Debug)]
pub enum Executed {
    Ran(Ran),
    /// The person said no.
    Declined,
    Refused {
        verdict: Verdict,
    },
    /// The connection is read-only (a `read_only` profile) and the
    /// statement is not.
    Forbidden {
        verdict: Verdict,
    },
    /// glance could not read the statement and the database, asked to
    /// parse it without running it, rejected it (a typo): nothing ran,
    /// nobody was asked, and there is no verdict to show.
    Rejected {
        error: db::Error,
    },
    /// The database (or the guard) said no; `verdict` is what glance judged.
    Failed {
        verdict: Verdict,
        error: db::Error,
        /// The error went into output the statement had started (the JSON
        /// document), so no separate error document is needed.
        shown: bool,
    },
    /// Writing the result failed: a closed pipe ends output quietly.
    Output(io::Error),
}

/// How a `\copy … from` load ended ([`Session::load`]).
#[derive(Debug)]
pub enum Loaded {
    Ran(u64),
    Declined,
    Refused,
    Forbidden(Verdict),
    /// The row (0-based) the database named, when it did.
    Failed(Option<usize>, db::Error),
}

/// A file that results go to instead of the terminal (`\o FILE`).
#[derive(Debug)]
pub struct OutputFile {
    /// The name the person gave, for messages.
    pub name: String,
    pub file: File,
}

/// Why the last result cannot be fetched again.
#[derive(Debug, thiserror::Error)]
pub enum NoRerun {
    #[error("there is no result yet")]
    NoResult,
    #[error(
        "the last result came from a statement that writes ({reasons}), and running it again would write again"
    )]
    Writes { reasons: String },
}

impl NoRerun {
    /// What the person can do instead.
    pub fn hint(&self) -> &'static str {
        match self {
            NoRerun::NoResult => "run a query first; its whole result is what gets written",
            NoRerun::Writes { .. } => {
                "run a SELECT that reads the rows you want (e.g. from the table the write changed), then try again"
            }
        }
    }
}

pub struct Session {
    /// What this connection is and its rules (profile, read-only, timeout).
    choice: Choice,
    backend: Box<dyn Backend>,
    catalog: Option<Catalog>,
    pub settings: Settings,
    pub log: QueryLog,
    /// The persistent history, when it is on.
    pub history: Option<History>,
    term: Term,
    interrupts: Interrupts,
    /// The last statement glance was asked to run, for `\yank sql`.
    last_sql: Option<String>,
    /// The last statement that produced a result set, for `\export`.
    last_result: Option<String>,
    /// Where results go when not to the terminal (`\o`).
    output: Option<OutputFile>,
    /// Add glance's own time per phase ([`timings`]) to JSON documents:
    /// for `ask`, where one process answers one question.
    pub glance_timings: bool,
}

impl Session {
    pub fn new(
        choice: Choice,
        backend: Box<dyn Backend>,
        settings: Settings,
        term: Term,
        interrupts: Interrupts,
    ) -> Session {
        Session {
            choice,
            backend,
            catalog: None,
            settings,
            log: QueryLog::default(),
            history: None,
            term,
            interrupts,
            last_sql: None,
            last_result: None,
            output: None,
            glance_timings: false,
        }
    }

    /// Switches to another connection (`\c`), keeping display settings and
    /// the log; the catalog is read again when next needed. The last result
    /// came from the old database, so `\export` has nothing to run again.
    pub fn reconnect(&mut self, choice: Choice, backend: Box<dyn Backend>) {
        self.choice = choice;
        self.backend = backend;
        self.catalog = None;
        self.last_result = None;
    }

    /// Connects again, with the same choice, when the connection was lost
    /// (a restarted server, a terminated backend), and says what happened:
    /// `None` while the connection is fine. The catalog is read again when
    /// next needed; a transaction the person had open is gone.
    pub fn revive(&mut self) -> Option<String> {
        if !self.backend.is_lost() {
            return None;
        }
        let location = self.info().location.clone();
        let rolled_back = if self.backend.in_transaction() {
            "; your open transaction was rolled back"
        } else {
            ""
        };
        Some(match crate::connection::connect_again(&self.choice) {
            Ok(backend) => {
                self.backend = backend;
                self.catalog = None;
                format!("connection to {location} was lost; reconnected{rolled_back}\n")
            }
            Err(failure) => format!(
                "connection to {location} was lost{rolled_back}; reconnecting failed (glance tries again with the next command):\n{}",
                failure.message()
            ),
        })
    }

    /// The Ctrl-C flag, for cancelling work that is not a statement (a
    /// question to the model).
    pub fn interrupts(&self) -> &Interrupts {
        &self.interrupts
    }

    /// What this session is connected to, and under which rules.
    pub fn choice(&self) -> &Choice {
        &self.choice
    }

    /// The config profile the connection came from, if any.
    pub fn profile(&self) -> Option<&str> {
        self.choice.profile.as_deref()
    }

    /// Why a statement was [`Executed::Forbidden`], for the person.
    pub fn read_only_refusal(&self, verdict: &Verdict) -> String {
        let connection = match self.profile() {
            Some(name) => format!("connection profile \"{name}\""),
            None => "this connection".to_string(),
        };
        format!(
            "this is a {} statement ({}), and {connection} is read-only; nothing was run",
            verdict.level.as_str(),
            verdict.reasons.join("; ")
        )
    }

    /// The warning for a superuser connection, printed once when a session
    /// starts: `None` for any other role.
    pub fn superuser_warning(&self) -> Option<&'static str> {
        self.info().superuser.then_some(
            "warning: connected as a superuser, who can read server files and run programs; \
             a less privileged role is safer for everyday use, or a guard_role in the profile \
             for what runs without asking (see glance setup-reader)",
        )
    }

    /// The last statement glance was asked to run (typed or generated).
    pub fn last_sql(&self) -> Option<&str> {
        self.last_sql.as_deref()
    }

    /// The statement behind the last result set, when running it again can
    /// only read: the classifier must call it `read_only` now.
    pub fn last_result(&mut self) -> Result<String, NoRerun> {
        let sql = self.last_result.clone().ok_or(NoRerun::NoResult)?;
        let sql = sql.as_str();
        let verdict = self.classify(sql);
        if verdict.level == Level::ReadOnly {
            Ok(sql.to_string())
        } else {
            Err(NoRerun::Writes {
                reasons: verdict.reasons.join("; "),
            })
        }
    }

    /// Runs a `read_only` statement again inside the server guard, streaming
    /// its rows into `sink`; Ctrl-C cancels it. Recorded in the query log.
    pub fn rerun(&mut self, sql: &str, sink: &mut dyn RowSink) -> Result<Outcome, db::Error> {
        self.run_read_only(sql, sql, |backend, statement_timeout| {
            backend.run(sql, Guard::ReadOnly { statement_timeout }, sink)
        })
    }

    /// Runs `copy`, a `read_only` `COPY (query) TO STDOUT`, inside the
    /// server guard, writing its output to `out` (PostgreSQL only, see
    /// [`Backend::copy_out`]). The log and history record `query`, the
    /// statement the person ran.
    pub fn copy_out(
        &mut self,
        query: &str,
        copy: &str,
        out: &mut dyn Write,
    ) -> Result<Outcome, db::Error> {
        self.run_read_only(copy, query, |backend, statement_timeout| {
            backend.copy_out(copy, statement_timeout, out)
        })
    }

    /// Gives the statement just logged by [`Session::copy_out`] the rows
    /// its output held: the server's `COPY` count does not reach glance.
    pub fn count_copied_rows(&mut self, rows: u64) {
        self.log.count_rows_of_last(rows);
    }

    /// `\copy … from`: loads `rows` with `sql` (see [`Backend::load`])
    /// through the gate: a read-only connection refuses, and `confirm` is
    /// asked for every load, since it writes whoever typed it. Recorded in
    /// the query log and history like any statement.
    pub fn load(&mut self, sql: &str, rows: &[Vec<Option<String>>], confirm: Confirm) -> Loaded {
        self.last_sql = Some(sql.to_string());
        let verdict = self.classify(sql);
        if let Err(error) = db::reject_nul(sql) {
            self.record(sql, None, &verdict, None, Duration::ZERO, None);
            return Loaded::Failed(None, error);
        }
        if self.choice.read_only && verdict.level > Level::ReadOnly {
            let error = Some("refused: the connection is read-only".to_string());
            self.record(sql, None, &verdict, None, Duration::ZERO, error);
            return Loaded::Forbidden(verdict);
        }
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
                self.record(sql, None, &verdict, None, Duration::ZERO, None);
                return Loaded::Declined;
            }
            Decision::Refuse => {
                let error = Some("refused: needs confirmation".to_string());
                self.record(sql, None, &verdict, None, Duration::ZERO, error);
                return Loaded::Refused;
            }
        }
        let canceller = self.backend.canceller();
        let backend = &mut self.backend;
        let started = Instant::now();
        let result = self
            .interrupts
            .cancellable(canceller, || backend.load(sql, rows));
        let elapsed = started.elapsed();
        report_notices(self.backend.as_mut());
        match result {
            Ok(count) => {
                self.record(sql, None, &verdict, Some(Some(count)), elapsed, None);
                Loaded::Ran(count)
            }
            Err((row, error)) => {
                let message = Some(error.to_string());
                self.record(sql, None, &verdict, Some(None), elapsed, message);
                Loaded::Failed(row, error)
            }
        }
    }

    fn run_read_only(
        &mut self,
        sql: &str,
        recorded: &str,
        work: impl FnOnce(&mut dyn Backend, Duration) -> Result<Outcome, db::Error>,
    ) -> Result<Outcome, db::Error> {
        db::reject_nul(sql)?;
        let verdict = self.classify(sql);
        if verdict.level != Level::ReadOnly {
            return Err(db::Error::Other(format!(
                "not run: glance runs a statement again only when it reads ({})",
                verdict.reasons.join("; ")
            )));
        }
        let canceller = self.backend.canceller();
        let timeout = self.choice.statement_timeout;
        let backend = &mut self.backend;
        let started = Instant::now();
        let result = self
            .interrupts
            .cancellable(canceller, || work(backend.as_mut(), timeout));
        let elapsed = started.elapsed();
        let (rows, error) = match &result {
            Ok(outcome) => (
                match outcome.kind {
                    OutcomeKind::Rows { count, .. } => Some(count),
                    OutcomeKind::Command { affected } => affected,
                },
                None,
            ),
            Err(error) => (None, Some(error.to_string())),
        };
        // A re-run (`\export`, `\yank`) is logged with its rows but is no
        // new history entry: the statement is there from its first run.
        let entry = entry(recorded, None, &verdict, Some(rows), elapsed, error);
        self.log.record(entry);
        result
    }

    /// Runs one of glance's own catalog queries (a psql listing such as
    /// `\\du`) inside the read-only server guard and returns its columns
    /// and rows; Ctrl-C cancels it. Not logged: the person did not write it.
    pub fn catalog_query(
        &mut self,
        sql: &str,
    ) -> Result<(Vec<db::Column>, Vec<db::Row>), db::Error> {
        let canceller = self.backend.canceller();
        let guard = Guard::ReadOnly {
            statement_timeout: self.choice.statement_timeout,
        };
        let backend = &mut self.backend;
        let mut answer = Collect::default();
        self.interrupts
            .cancellable(canceller, || backend.run(sql, guard, &mut answer))?;
        Ok((answer.columns, answer.rows))
    }

    /// Sends results to `output` from now on (`None`: to the terminal) and
    /// returns where they went before.
    pub fn set_output(&mut self, output: Option<OutputFile>) -> Option<OutputFile> {
        std::mem::replace(&mut self.output, output)
    }

    pub fn info(&self) -> &db::ConnInfo {
        self.backend.info()
    }

    /// Where the person's own transaction stands, for the prompt.
    pub fn transaction(&self) -> db::Transaction {
        self.backend.transaction()
    }

    /// Classifies `sql` in this connection's dialect. SQL holding a NUL byte
    /// is never run ([`db::reject_nul`]) and is judged the worst.
    /// Definitions of the views it may read are read first, once each
    /// ([`Session::read_view_definitions`]).
    pub fn classify(&mut self, sql: &str) -> Verdict {
        if db::reject_nul(sql).is_err() {
            return Verdict {
                level: Level::Destructive,
                reasons: vec!["holds a NUL byte, where the database would stop reading".into()],
                statements: 1,
                rollback_undoes: false,
                advances_sequences: false,
                unreadable: false,
            };
        }
        self.read_view_definitions(sql);
        safety::classify(sql, self.info().dialect, self.catalog.as_ref())
    }

    /// Reads, in one catalog query inside the read-only guard, the
    /// definitions of the views `sql` (or user code it may call) names and
    /// of the views they read: introspection leaves PostgreSQL's out, as
    /// most are never needed. On an error (say, in a transaction that has
    /// failed) they stay unread, and the verifier asks about any statement
    /// that reads them.
    pub fn read_view_definitions(&mut self, sql: &str) {
        if self.info().dialect != db::Dialect::Postgres {
            return;
        }
        let Some(catalog) = self.catalog.as_ref() else {
            return;
        };
        let views = catalog.unread_views_named_in(sql);
        if views.is_empty() {
            return;
        }
        let query = db::postgres::view_definitions_sql(&views);
        // Reading the schema, timed as introspection.
        let read = timings::time(Phase::Introspect, || self.catalog_query(&query));
        let Ok((_, rows)) = read else {
            return;
        };
        let Some(catalog) = self.catalog.as_mut() else {
            return;
        };
        for row in rows {
            if let [
                db::Value::Text(schema),
                db::Value::Text(name),
                db::Value::Text(definition),
            ] = row.as_slice()
            {
                catalog.set_definition(schema, name, definition.clone());
            }
        }
    }

    /// Classifies `sql` like [`Session::classify`], and when glance cannot
    /// read it, first asks the database whether it is SQL at all, without
    /// running it ([`Backend::check`]; Ctrl-C cancels). `Err` is the
    /// database's error (a typo), recorded in the log as not run with
    /// `question`; `Ok` a verdict that stays destructive when unreadable.
    pub fn judge(
        &mut self,
        sql: &str,
        question: Option<&QuestionNote>,
    ) -> Result<Verdict, db::Error> {
        let verdict = self.classify(sql);
        if !verdict.unreadable || db::reject_nul(sql).is_err() {
            return Ok(verdict);
        }
        let checked = self.check_pieces(sql);
        // Notices of a statement that never ran are nobody's business.
        self.backend.take_notices();
        match checked {
            Ok(()) => Ok(verdict),
            Err(error) => {
                let message = Some(error.to_string());
                self.record(sql, question, &verdict, None, Duration::ZERO, message);
                Err(error)
            }
        }
    }

    /// The schema if it is loaded, for filling in what is read on demand
    /// (sizes for `\\d+` listings).
    pub fn cached_catalog_mut(&mut self) -> Option<&mut Catalog> {
        self.catalog.as_mut()
    }

    /// Has the database check each statement of `sql` glance cannot read;
    /// an error's position is made to count from the start of `sql`.
    fn check_pieces(&mut self, sql: &str) -> Result<(), db::Error> {
        let dialect = self.info().dialect;
        let pieces = safety::split_statements(sql, dialect);
        let timeout = self.choice.statement_timeout;
        if pieces.len() <= 1 {
            return self.check_one(sql, timeout);
        }
        let mut from = 0;
        for piece in pieces {
            let at = sql[from..].find(&piece).map_or(from, |i| from + i);
            from = at + piece.len();
            if !safety::classify(&piece, dialect, self.catalog.as_ref()).unreadable {
                continue;
            }
            if let Err(mut error) = self.check_one(&piece, timeout) {
                if let db::Error::Server(server) = &mut error {
                    let before = sql[..at].chars().count();
                    server.position = server.position.map(|p| p + before);
                }
                return Err(error);
            }
        }
        Ok(())
    }

    fn check_one(&mut self, sql: &str, timeout: Duration) -> Result<(), db::Error> {
        let canceller = self.backend.canceller();
        let backend = &mut self.backend;
        self.interrupts
            .cancellable(canceller, || backend.check(sql, timeout))
    }

    /// The schema, introspected on first use and after statements that may
    /// have changed it.
    pub fn catalog(&mut self) -> Result<&Catalog, db::Error> {
        if self.catalog.is_none() {
            let backend = &mut self.backend;
            let share_samples = self.settings.share_samples;
            let trusted_functions = self.settings.trusted_functions.clone();
            let catalog = timings::time(Phase::Introspect, || {
                let mut catalog = backend.introspect()?;
                catalog.code.trusted = trusted_functions;
                if share_samples {
                    backend.sample_values(&mut catalog)?;
                }
                Ok::<_, db::Error>(catalog)
            })?;
            self.catalog = Some(catalog);
        }
        Ok(self.catalog.as_ref().expect("catalog was just loaded"))
    }

    /// Lets go of the schema without freeing it, for a process about to
    /// exit (one `ask`): on a big schema, freeing tens of thousands of
    /// columns one allocation at a time costs more than the rest of the
    /// exit, and the operating system takes the memory back at once anyway.
    /// A later use introspects again.
    pub fn leak_catalog(&mut self) {
        if let Some(catalog) = self.catalog.take() {
            std::mem::forget(catalog);
        }
    }

    /// What introspection skipped (a broken view), once: later calls return
    /// nothing until the schema is read again.
    pub fn take_catalog_warnings(&mut self) -> Vec<String> {
        self.catalog
            .as_mut()
            .map(|catalog| std::mem::take(&mut catalog.warnings))
            .unwrap_or_default()
    }

    /// The schema if it is loaded, without introspecting.
    pub fn cached_catalog(&self) -> Option<&Catalog> {
        self.catalog.as_ref()
    }

    /// Runs one statement through the safety gate and draws its result on
    /// stdout. Statements a person typed ask only when destructive; those the
    /// LLM wrote ask for every write too.
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
        if self.choice.read_only && verdict.level > Level::ReadOnly {
            let error = Some("refused: the connection is read-only".to_string());
            self.record(sql, question, &verdict, None, Duration::ZERO, error);
            return Executed::Forbidden { verdict };
        }
        let asks_from = match run.origin {
            Origin::Typed => Level::Destructive,
            Origin::Generated => Level::Write,
        };
        if verdict.level >= asks_from {
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
                    return self.end_preview(
                        sql,
                        question,
                        &verdict,
                        previewed,
                        decision == Decision::Run,
                    );
                }
                match decision {
                    Decision::Run => break,
                    Decision::Preview if consent.can_preview => match self.preview(sql) {
                        Ok(outcome) => consent.previewed = Some(outcome),
                        Err(error) => {
                            self.record(
                                sql,
                                question,
                                &verdict,
                                Some(None),
                                Duration::ZERO,
                                Some(error.to_string()),
                            );
                            return Executed::Failed {
                                verdict,
                                error,
                                shown: false,
                            };
                        }
                    },
                    Decision::Preview | Decision::Decline => {
                        self.record(sql, question, &verdict, None, Duration::ZERO, None);
                        return Executed::Declined;
                    }
                    Decision::Refuse => {
                        let error = Some("refused: needs confirmation".to_string());
                        self.record(sql, question, &verdict, None, Duration::ZERO, error);
                        return Executed::Refused { verdict };
                    }
                }
            }
        }
        let guard = match verdict.level {
            Level::ReadOnly => Guard::ReadOnly {
                statement_timeout: self.choice.statement_timeout,
            },
            Level::Write | Level::Destructive => Guard::Direct,
        };
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
                writer: render::writer(&options, results(&self.output)),
                columns: Vec::new(),
            };
            let canceller = self.backend.canceller();
            let backend = &mut self.backend;
            let started = Instant::now();
            let result = self
                .interrupts
                .cancellable(canceller, || backend.run(sql, guard, &mut sink));
            let elapsed = started.elapsed();
            report_notices(backend.as_mut());
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
                let rows = match outcome.kind {
                    OutcomeKind::Rows { count, .. } => {
                        self.last_result = Some(sql.to_string());
                        Some(count)
                    }
                    OutcomeKind::Command { affected } => affected,
                };
                self.record(sql, question, &verdict, Some(rows), elapsed, None);
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
                self.record(
                    sql,
                    question,
                    &verdict,
                    Some(None),
                    elapsed,
                    Some(error.to_string()),
                );
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
        let message = Some(error.to_string());
        self.record(sql, question, &verdict, None, Duration::ZERO, message);
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
        let mut out = results(&self.output);
        let started = Instant::now();
        let result = self
            .interrupts
            .cancellable(canceller, || backend.copy_out(sql, timeout, &mut out));
        let elapsed = started.elapsed();
        report_notices(backend.as_mut());
        let written = out.flush();
        drop(out);
        match result {
            Ok(outcome) => {
                let rows = match outcome.kind {
                    OutcomeKind::Rows { count, .. } => Some(count),
                    OutcomeKind::Command { affected } => affected,
                };
                self.record(sql, question, &verdict, Some(rows), elapsed, None);
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
                let message = Some(error.to_string());
                self.record(sql, question, &verdict, Some(None), elapsed, message);
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
        let stdout = io::stdout();
        let mut writer = render::writer(&options, Box::new(BufWriter::new(stdout.lock())));
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
        report_notices(self.backend.as_mut());
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
            println!(
                "{count} rows changed; the first {} are shown.",
                preview::SHOWN_ROWS
            );
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
        let rows = match previewed.kind {
            OutcomeKind::Rows { count, .. } => {
                self.last_result = Some(sql.to_string());
                Some(count)
            }
            OutcomeKind::Command { affected } => affected,
        };
        let ended = match self.backend.end_preview(commit) {
            Err(db::Error::ConnectionLost(cause)) => Err(unconfirmed(cause)),
            other => other,
        };
        report_notices(self.backend.as_mut());
        self.report_restored();
        match ended {
            Ok(()) if commit => {
                self.record(sql, question, verdict, Some(rows), previewed.db_time, None);
                Executed::Ran(Ran {
                    columns: Vec::new(),
                    rows,
                    db_time: previewed.db_time,
                })
            }
            Ok(()) => {
                self.record(
                    sql,
                    question,
                    verdict,
                    None,
                    previewed.db_time,
                    Some("previewed, rolled back".into()),
                );
                Executed::Declined
            }
            Err(error) => {
                self.record(
                    sql,
                    question,
                    verdict,
                    Some(None),
                    previewed.db_time,
                    Some(error.to_string()),
                );
                Executed::Failed {
                    verdict: verdict.clone(),
                    error,
                    shown: false,
                }
            }
        }
    }

    /// Whether the person may preview `verdict`'s statement in a transaction
    /// that is rolled back unless they confirm: the backend can, the
    /// statement is one whose every effect a rollback undoes (see
    /// [`Verdict::rollback_undoes`]), and nothing the statement cannot show
    /// runs with it (see [`Session::hidden_code_free`]).
    fn can_preview(&mut self, verdict: &Verdict) -> bool {
        verdict.rollback_undoes
            && verdict.statements == 1
            && self.backend.can_preview()
            && self.hidden_code_free()
    }

    /// Whether the database holds nothing a write runs without naming it:
    /// no user trigger (its function may be any code), no rewrite rule of a
    /// user table (`DO ALSO NOTIFY` …), no row-level security policy, no
    /// constraint, default or index that calls a user function, and no
    /// foreign table (another server's rollback is not this one's). Asked
    /// inside the read-only guard; an answer that cannot be had counts as no.
    fn hidden_code_free(&mut self) -> bool {
        // Every name and operator qualified: the session's search_path may
        // put another schema first.
        const QUERY: &str = "SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_trigger \
                                                WHERE NOT tgisinternal) \
                                AND NOT EXISTS (SELECT FROM pg_catalog.pg_rewrite \
                                                WHERE ev_class OPERATOR(pg_catalog.>=) \
                                                      16384::pg_catalog.oid \
                                                  AND rulename OPERATOR(pg_catalog.<>) \
                                                      '_RETURN'::pg_catalog.name) \
                                AND NOT EXISTS (SELECT FROM pg_catalog.pg_policy) \
                                AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend \
                                    WHERE refclassid OPERATOR(pg_catalog.=) \
                                          'pg_catalog.pg_proc'::pg_catalog.regclass \
                                      AND refobjid OPERATOR(pg_catalog.>=) 16384::pg_catalog.oid \
                                      AND classid OPERATOR(pg_catalog.=) ANY (ARRAY[ \
                                          'pg_catalog.pg_attrdef'::pg_catalog.regclass, \
                                          'pg_catalog.pg_constraint'::pg_catalog.regclass, \
                                          'pg_catalog.pg_class'::pg_catalog.regclass])) \
                                AND NOT EXISTS (SELECT FROM pg_catalog.pg_foreign_table)";
        let guard = Guard::ReadOnly {
            statement_timeout: self.choice.statement_timeout,
        };
        let mut answer = Collect::default();
        if self.backend.run(QUERY, guard, &mut answer).is_err() {
            return false;
        }
        matches!(
            answer.rows.first().and_then(|row| row.first()),
            Some(db::Value::Bool(true))
        )
    }

    /// Says which settings glance turned back on after a statement the
    /// person confirmed turned them off.
    fn report_restored(&mut self) {
        for setting in self.backend.take_restored() {
            eprintln!(
                "glance: warning: the statement changed {setting}; glance set it back to on, \
                 because it checks every statement with backslashes in strings read as plain characters"
            );
        }
    }

    /// The planner's estimate of rows a write touches, from a plain EXPLAIN
    /// (never ANALYZE) inside the read-only guard; `None` on SQLite, for
    /// reads, or when the plan cannot be had. It runs before the person
    /// answers, so only when glance judges that EXPLAIN itself read-only:
    /// planning evaluates calls (and `EXPLAIN EXECUTE` its parameters), and
    /// nothing may be evaluated before consent.
    fn estimate_rows(&mut self, sql: &str, level: Level) -> Option<u64> {
        if level == Level::ReadOnly || self.info().dialect != db::Dialect::Postgres {
            return None;
        }
        let explain = format!("EXPLAIN (FORMAT JSON) {sql}");
        let judged = self.classify(&explain);
        if judged.level != Level::ReadOnly || judged.statements != 1 {
            return None;
        }
        let guard = Guard::ReadOnly {
            statement_timeout: self.choice.statement_timeout,
        };
        let mut plan = Collect::default();
        self.backend.run(&explain, guard, &mut plan).ok()?;
        let text = match plan.rows.first()?.first()? {
            db::Value::Json(text) | db::Value::Text(text) => text.clone(),
            _ => return None,
        };
        plan_rows(&serde_json::from_str(&text).ok()?)
    }

    /// Draws a describe result: title, rows through the renderer (with a
    /// row-count footer when `footer`), then the sections.
    pub fn present(&self, description: &Description, footer: bool) -> io::Result<()> {
        let mut options = self.render_options(Vec::new());
        options.footer = footer;
        options.timing = false;
        render::present(description, &options, &mut || results(&self.output))
    }

    /// Options for drawing a result where results go: a file set with `\o`
    /// gets no colour, no paging and the piped footer.
    fn render_options(&self, json_prefix: Vec<(String, serde_json::Value)>) -> RenderOptions {
        let s = &self.settings;
        let terminal = self.output.is_none();
        RenderOptions {
            format: s.format,
            expanded: s.expanded,
            color: self.term.color && terminal,
            terminal: self.term.size().filter(|_| terminal),
            paged: s.paged && terminal && matches!(s.format, Format::Table | Format::Expanded),
            null: s.null.clone(),
            page_size: s.page_size,
            footer: true,
            timing: s.timing,
            command_tag: String::new(),
            json_prefix,
            json_timings: Vec::new(),
            json_late_timings: None,
        }
    }

    fn record(
        &mut self,
        sql: &str,
        question: Option<&QuestionNote>,
        verdict: &Verdict,
        ran: Option<Option<u64>>,
        duration: Duration,
        error: Option<String>,
    ) {
        let entry = entry(sql, question, verdict, ran, duration, error);
        if let Some(history) = &mut self.history {
            let database = &self.backend.info().database;
            history.record(&history::Record::statement(
                &entry,
                self.choice.profile.as_deref(),
                database,
            ));
        }
        self.log.record(entry);
    }

    /// Records in the history a question that produced no statement: one
    /// answered in prose, or one the model failed on (`error`).
    pub fn record_question(&mut self, note: &QuestionNote, error: Option<&str>) {
        if let Some(history) = &mut self.history {
            let database = &self.backend.info().database;
            history.record(&history::Record::question(
                note,
                error,
                self.choice.profile.as_deref(),
                database,
            ));
        }
    }
}

/// The log entry of a statement: `ran` is `None` when it never reached the
/// database, else the rows it returned or affected when known.
fn entry(
    sql: &str,
    question: Option<&QuestionNote>,
    verdict: &Verdict,
    ran: Option<Option<u64>>,
    duration: Duration,
    error: Option<String>,
) -> Entry {
    Entry {
        at: jiff::Timestamp::now(),
        sql: sql.to_string(),
        level: verdict.level,
        ran: ran.is_some(),
        duration,
        rows: ran.flatten(),
        error,
        question: question.cloned(),
    }
}

/// Shows on stderr, as psql does, the notices and warnings the server sent
/// while the person's statement ran, control characters made visible.
fn report_notices(backend: &mut dyn Backend) {
    for notice in backend.take_notices() {
        eprintln!("{}", crate::escape::visible(&notice));
    }
}

/// Where results are written: the `\o` file, or stdout.
/// A write whose connection was lost before the server answered: the
/// server rolls back work it never confirmed, so nothing was committed.
fn unconfirmed(cause: String) -> db::Error {
    db::Error::ConnectionLost(format!(
        "{cause}; the connection was lost before the server confirmed the change, so it was not committed"
    ))
}

fn results(output: &Option<OutputFile>) -> Box<dyn Write + '_> {
    match output {
        Some(output) => Box::new(BufWriter::new(&output.file)),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    }
}

/// Passes a result to the writer and remembers its column names.
struct Recording<'a> {
    writer: Box<dyn ResultWriter + 'a>,
    columns: Vec<String>,
}

impl RowSink for Recording<'_> {
    fn columns(&mut self, columns: &[db::Column]) -> RowFlow {
        self.columns = columns.iter().map(|c| c.name.clone()).collect();
        self.writer.columns(columns)
    }

    fn rows(&mut self, rows: Vec<db::Row>) -> RowFlow {
        self.writer.rows(rows)
    }

    fn interactive(&self) -> bool {
        self.writer.interactive()
    }
}

/// Keeps every row of a small result.
#[derive(Default)]
struct Collect {
    columns: Vec<db::Column>,
    rows: Vec<db::Row>,
}

impl RowSink for Collect {
    fn columns(&mut self, columns: &[db::Column]) -> RowFlow {
        self.columns = columns.to_vec();
        RowFlow::Continue
    }

    fn rows(&mut self, mut rows: Vec<db::Row>) -> RowFlow {
        self.rows.append(&mut rows);
        RowFlow::Continue
    }
}

/// Rows the planner expects a statement to touch, from `EXPLAIN (FORMAT
/// JSON)`: for INSERT/UPDATE/DELETE/MERGE the rows fed to the modify node.
fn plan_rows(explain: &serde_json::Value) -> Option<u64> {
    let plan = explain.get(0)?.get("Plan")?;
    let node = match plan.get("Node Type")?.as_str()? {
        "ModifyTable" => plan.get("Plans")?.get(0)?,
        _ => plan,
    };
    node.get("Plan Rows")?
        .as_f64()
        .map(|rows| rows.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_rows_reads_the_node_under_modify_table() {
        let update = serde_json::json!([{"Plan": {"Node Type": "ModifyTable", "Plan Rows": 0,
            "Plans": [{"Node Type": "Seq Scan", "Plan Rows": 1234.0}]}}]);
        assert_eq!(plan_rows(&update), Some(1234));
        let select = serde_json::json!([{"Plan": {"Node Type": "Seq Scan", "Plan Rows": 7}}]);
        assert_eq!(plan_rows(&select), Some(7));
        assert_eq!(plan_rows(&serde_json::json!({})), None);
    }
}
