//! One connection and what a person did with it: the connection and its
//! rules, the catalog cache, Ctrl-C, and the last statement and result.
//! Statements go through the safety gate ([`crate::gate`] decides, [`run`]
//! acts), each ending recorded once in the [`Journal`]; results and
//! messages go to the front end's [`Console`]. Both front ends, `repl` and
//! `ask`, drive a `Session`; it never reads from the user itself —
//! confirmation comes from the caller's [`Confirm`] — and never picks an
//! output stream.

pub mod kept;
mod learned;
mod parked;
mod probe;
mod rolled_back;
mod run;
pub mod trial;

pub use learned::LearnError;
#[cfg(test)]
pub(crate) use run::tests::session_with as test_session;

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::catalog::Catalog;
use crate::choice::Choice;
use crate::console::Console;
use crate::db::{self, Backend, Guard, Outcome, OutcomeKind, RowSink};
use crate::gate::Origin;
use crate::interrupt::Interrupts;
use crate::journal::{Journal, Place, Recorded, Statement};
use crate::querylog::QuestionNote;
use crate::render::Description;
use crate::render::{self, Expanded, Format, JsonEnvelope, RenderOptions};
use crate::safety::{self, Level, Verdict};
use crate::term::Term;
use crate::timings::{self, Phase};

pub use parked::Parked;
use probe::Collect;

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
    /// The model may run read-only queries and read their rows
    /// (`--share-rows`).
    pub share_rows: bool,
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
    /// The values bound to the SQL, each beside its placeholder as the SQL
    /// writes it (`$1`, `?1`; on MySQL `?#1` for the first `?`).
    pub bound: &'a [(String, db::Param)],
    pub verdict: &'a Verdict,
    /// The planner's estimate of the rows a write touches (PostgreSQL).
    pub estimate: Option<u64>,
    /// Whether the person may ask for a preview ([`Decision::Preview`]).
    pub can_preview: bool,
    /// After a preview: what the write did inside its still-open transaction;
    /// [`Decision::Run`] now commits it and anything else rolls it back.
    pub previewed: Option<Outcome>,
}

impl<'a> Consent<'a> {
    /// The question for `sql` with no estimate and no preview.
    pub fn plain(sql: &'a str, verdict: &'a Verdict) -> Consent<'a> {
        Consent {
            sql,
            bound: &[],
            verdict,
            estimate: None,
            can_preview: false,
            previewed: None,
        }
    }
}

/// One statement to run and the extra fields of its JSON document.
pub struct Run<'a> {
    pub sql: &'a str,
    /// The values bound to the statement's placeholders, in the
    /// database's own syntax (`$1`, `?1`, `?`); empty for most statements.
    pub params: Vec<db::Param>,
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
            params: Vec::new(),
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

/// The statement behind the last result set and the values bound to its
/// placeholders (empty unless it was a saved query run with arguments).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LastResult {
    pub sql: String,
    pub params: Vec<db::Param>,
}

pub struct Session {
    /// What this connection is and its rules (profile, read-only, timeout).
    choice: Choice,
    backend: Box<dyn Backend>,
    catalog: Option<Catalog>,
    pub settings: Settings,
    /// The query log and the persistent history.
    pub journal: Journal,
    term: Term,
    interrupts: Interrupts,
    /// The last statement glance was asked to run, for `\yank sql`.
    last_sql: Option<String>,
    /// The values bound to the statement [`Session::execute`] is running,
    /// recorded beside its SQL.
    bound: Vec<db::Param>,
    /// The last statement that produced a result set, with the values
    /// bound to it, for `\export`, `\chart all` and plugins.
    last_result: Option<LastResult>,
    /// The first rows of the last result shown, for `\chart`.
    kept: kept::Kept,
    /// Where results and messages go, as the front end chose.
    console: Console,
    /// Add glance's own time per phase ([`timings`]) to JSON documents:
    /// for `ask`, where one process answers one question.
    pub glance_timings: bool,
    /// The team folder's examples, offered with the kept pairs.
    team_examples: crate::recall::TeamExamples,
}

impl Session {
    pub fn new(
        choice: Choice,
        backend: Box<dyn Backend>,
        settings: Settings,
        term: Term,
        interrupts: Interrupts,
        console: Console,
    ) -> Session {
        Session {
            choice,
            backend,
            catalog: None,
            settings,
            journal: Journal::default(),
            term,
            interrupts,
            last_sql: None,
            bound: Vec::new(),
            last_result: None,
            kept: kept::Kept::default(),
            console,
            glance_timings: false,
            team_examples: crate::recall::TeamExamples::none(),
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
        self.kept.clear();
    }

    /// Connects again through `connect_again`, with the same choice, when
    /// the connection was lost (a restarted server, a terminated backend),
    /// and says what happened: `None` while the connection is fine. The
    /// catalog is read again when next needed; a transaction the person had
    /// open is gone. `connect_again`'s error is the message to show.
    pub fn revive(
        &mut self,
        connect_again: impl FnOnce(&Choice) -> Result<Box<dyn Backend>, String>,
    ) -> Option<String> {
        if !self.backend.is_lost() {
            return None;
        }
        let location = self.info().location.clone();
        let rolled_back = if self.backend.in_transaction() {
            "; your open transaction was rolled back"
        } else {
            ""
        };
        Some(match connect_again(&self.choice) {
            Ok(backend) => {
                self.backend = backend;
                self.catalog = None;
                format!("connection to {location} was lost; reconnected{rolled_back}\n")
            }
            Err(message) => format!(
                "connection to {location} was lost{rolled_back}; reconnecting failed (glance tries again with the next command):\n{message}"
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
        let warning = match self.info().dialect {
            db::Dialect::Mysql => {
                "warning: connected as a superuser (ALL PRIVILEGES or SUPER on *.*), who can \
                 change every database, user and server setting and write server files; a user \
                 with only SELECT grants is safer for everyday use"
            }
            _ => {
                "warning: connected as a superuser, who can read server files and run programs; \
                 a less privileged role is safer for everyday use, or a guard_role in the profile \
                 for what runs without asking (see glance setup-reader)"
            }
        };
        self.info().superuser.then_some(warning)
    }

    /// The last statement glance was asked to run (typed or generated).
    pub fn last_sql(&self) -> Option<&str> {
        self.last_sql.as_deref()
    }

    /// The columns and first rows of the last result shown.
    pub fn kept(&self) -> &kept::Kept {
        &self.kept
    }

    /// The statement behind the last result set, when running it again can
    /// only read: the classifier must call it `read_only` now.
    pub fn last_result(&mut self) -> Result<LastResult, NoRerun> {
        let last = self.last_result.clone().ok_or(NoRerun::NoResult)?;
        let verdict = self.classify(&last.sql);
        if verdict.level == Level::ReadOnly {
            Ok(last)
        } else {
            Err(NoRerun::Writes {
                reasons: verdict.reasons.join("; "),
            })
        }
    }

    /// Runs a `read_only` statement again inside the server guard, streaming
    /// its rows into `sink`; Ctrl-C cancels it. Recorded in the query log.
    pub fn rerun(&mut self, sql: &str, sink: &mut dyn RowSink) -> Result<Outcome, db::Error> {
        self.rerun_last(
            &LastResult {
                sql: sql.to_string(),
                params: Vec::new(),
            },
            sink,
        )
    }

    /// As [`Session::rerun`], binding the last result's values again.
    pub fn rerun_last(
        &mut self,
        last: &LastResult,
        sink: &mut dyn RowSink,
    ) -> Result<Outcome, db::Error> {
        let sql = last.sql.as_str();
        let params = last.params.as_slice();
        self.run_read_only(sql, sql, params, |backend, statement_timeout| {
            backend.run(sql, params, Guard::ReadOnly { statement_timeout }, sink)
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
        self.run_read_only(copy, query, &[], |backend, statement_timeout| {
            backend.copy_out(copy, statement_timeout, out)
        })
    }

    /// Gives the statement just logged by [`Session::copy_out`] the rows
    /// its output held: the server's `COPY` count does not reach glance.
    pub fn count_copied_rows(&mut self, rows: u64) {
        self.journal.count_rows_of_last(rows);
    }

    fn run_read_only(
        &mut self,
        sql: &str,
        recorded: &str,
        params: &[db::Param],
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
        let ending = match &result {
            Ok(outcome) => Recorded::Ran {
                rows: rows_of(outcome),
                elapsed,
            },
            Err(error) => Recorded::failed(error, elapsed),
        };
        let statement = Statement {
            sql: recorded,
            params,
            question: None,
            level: verdict.level,
        };
        self.journal.rerun(statement, ending);
        result
    }

    /// Runs one of glance's own catalog queries (a psql listing such as
    /// `\\du`) inside the read-only server guard and returns its columns
    /// and rows; Ctrl-C cancels it. Not logged: the person did not write it.
    pub fn catalog_query(
        &mut self,
        sql: &str,
    ) -> Result<(Vec<db::Column>, Vec<db::Row>), db::Error> {
        let guard = Guard::ReadOnly {
            statement_timeout: self.choice.statement_timeout,
        };
        self.guarded_query(sql, guard)
    }

    /// Runs glance's own `EXPLAIN EXECUTE` of a statement it prepared like
    /// [`Session::catalog_query`], with prepared statements planned
    /// generically ([`Guard::GenericPlans`]).
    pub fn generic_plan_query(
        &mut self,
        sql: &str,
    ) -> Result<(Vec<db::Column>, Vec<db::Row>), db::Error> {
        let guard = Guard::GenericPlans {
            statement_timeout: self.choice.statement_timeout,
        };
        self.guarded_query(sql, guard)
    }

    fn guarded_query(
        &mut self,
        sql: &str,
        guard: Guard,
    ) -> Result<(Vec<db::Column>, Vec<db::Row>), db::Error> {
        let canceller = self.backend.canceller();
        let backend = &mut self.backend;
        let mut answer = Collect::default();
        self.interrupts
            .cancellable(canceller, || backend.run(sql, &[], guard, &mut answer))?;
        Ok((answer.columns, answer.rows))
    }

    /// Where results go, for `\o` to send them elsewhere.
    pub fn console_mut(&mut self) -> &mut Console {
        &mut self.console
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
    /// ([`Session::read_view_definitions`]), and the schema before that
    /// when it is not loaded yet.
    pub fn classify(&mut self, sql: &str) -> Verdict {
        if db::reject_nul(sql).is_err() {
            let reason = "holds a NUL byte, where the database would stop reading".to_string();
            return Verdict {
                level: Level::Destructive,
                reasons: vec![reason.clone()],
                statements: 1,
                rollback_undoes: false,
                advances_sequences: false,
                unreadable: false,
                trial_refusals: Box::new([reason]),
            };
        }
        let dialect = self.info().dialect;
        // Without the schema a view reads as a table: what it runs (a
        // stored function, dblink) would go unverified. Read it first.
        if self.catalog.is_none()
            && safety::names_schema_objects(sql, dialect)
            && let Some(error) = self.catalog().err()
        {
            let mut verdict = safety::classify(sql, dialect, None);
            verdict.level = verdict.level.max(Level::Write);
            verdict.reasons.push(format!(
                "the schema could not be read ({error}), so glance cannot verify what the views \
                 and functions it names do"
            ));
            return verdict;
        }
        self.read_view_definitions(sql);
        safety::classify(sql, dialect, self.catalog.as_ref())
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
                let ending = Recorded::NotRun(Some(error.to_string()));
                self.record(sql, question, &verdict, ending);
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

    /// That the history could not be written, once: the first failed write
    /// is kept until asked for.
    pub fn take_history_warning(&mut self) -> Option<crate::history::Warning> {
        self.journal.history.as_mut()?.take_warning()
    }

    /// The schema if it is loaded, without introspecting.
    pub fn cached_catalog(&self) -> Option<&Catalog> {
        self.catalog.as_ref()
    }

    /// Draws a describe result: title, rows through the renderer (with a
    /// row-count footer when `footer`), then the sections.
    pub fn present(&self, description: &Description, footer: bool) -> io::Result<()> {
        let mut options = self.render_options(Vec::new());
        options.footer = footer;
        options.timing = false;
        render::present(description, &options, &mut || self.console.results())
    }

    /// Options for drawing a result where results go: a file set with `\o`
    /// gets no colour, no paging and the piped footer.
    fn render_options(&self, json_prefix: Vec<(String, serde_json::Value)>) -> RenderOptions {
        let s = &self.settings;
        let terminal = self.console.results_on_terminal();
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
            json: JsonEnvelope {
                prefix: json_prefix,
                ..JsonEnvelope::default()
            },
            ..RenderOptions::default()
        }
    }

    /// Records how a statement ended, in the log and the history.
    fn record(
        &mut self,
        sql: &str,
        question: Option<&QuestionNote>,
        verdict: &Verdict,
        ending: Recorded,
    ) {
        let statement = Statement {
            sql,
            params: &self.bound,
            question,
            level: verdict.level,
        };
        let place = Place {
            profile: self.choice.profile.as_deref(),
            database: &self.backend.info().database,
        };
        self.journal.statement(statement, ending, place);
    }

    /// Records in the history a question that produced no statement: one
    /// answered in prose, or one the model failed on (`error`).
    pub fn record_question(&mut self, note: &QuestionNote, error: Option<&str>) {
        let place = Place {
            profile: self.choice.profile.as_deref(),
            database: &self.backend.info().database,
        };
        self.journal.question(note, error, place);
    }
}

/// Rows a statement returned or affected, when known.
fn rows_of(outcome: &Outcome) -> Option<u64> {
    match outcome.kind {
        OutcomeKind::Rows { count, .. } => Some(count),
        OutcomeKind::Command { affected } => affected,
    }
}
