//! One connection and what a person did with it: runs statements through
//! the safety gate (classify → confirm → guarded or direct run), draws the
//! results, keeps the query log, and caches the catalog. Both front ends,
//! `repl` and `ask`, drive a `Session`; it never reads from the user itself —
//! confirmation comes from the caller's [`Confirm`].

use std::io::{self, BufWriter, Write};
use std::time::{Duration, Instant};

use crate::catalog::{Catalog, Description};
use crate::db::{self, Backend, Guard, Outcome, OutcomeKind};
use crate::interrupt::Interrupts;
use crate::querylog::{Entry, QueryLog};
use crate::render::{self, Expanded, Format, RenderOptions};
use crate::safety::{self, Level, Verdict};
use crate::term::Term;

/// Display and guard settings a session starts with and `\x`/`\timing` change.
#[derive(Clone, Debug)]
pub struct Settings {
    pub format: Format,
    pub expanded: Expanded,
    pub timing: bool,
    pub statement_timeout: Duration,
    pub null: String,
    /// Page results with keys (REPL on a terminal).
    pub paged: bool,
}

/// The caller's answer to "run this destructive statement?".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    Run,
    /// The person said no.
    Decline,
    /// Nobody could be asked (no terminal) and no flag allowed it.
    Refuse,
}

/// Asks for confirmation of a statement and its verdict.
pub type Confirm<'a> = &'a mut dyn FnMut(&str, &Verdict) -> Decision;

/// How running one statement ended.
#[derive(Debug)]
pub enum Executed {
    Ran,
    /// The person said no.
    Declined,
    Refused {
        verdict: Verdict,
    },
    /// The database (or the guard) said no; `verdict` is what glance judged.
    Failed {
        verdict: Verdict,
        error: db::Error,
    },
    /// Writing the result failed: a closed pipe ends output quietly.
    Output(io::Error),
}

pub struct Session {
    backend: Box<dyn Backend>,
    catalog: Option<Catalog>,
    pub settings: Settings,
    pub log: QueryLog,
    term: Term,
    interrupts: Interrupts,
}

impl Session {
    pub fn new(
        backend: Box<dyn Backend>,
        settings: Settings,
        term: Term,
        interrupts: Interrupts,
    ) -> Session {
        Session {
            backend,
            catalog: None,
            settings,
            log: QueryLog::default(),
            term,
            interrupts,
        }
    }

    pub fn info(&self) -> &db::ConnInfo {
        self.backend.info()
    }

    /// Classifies `sql` in this connection's dialect.
    pub fn classify(&self, sql: &str) -> Verdict {
        safety::classify(sql, self.info().dialect, self.catalog.as_ref())
    }

    /// The schema, introspected on first use and after statements that may
    /// have changed it.
    pub fn catalog(&mut self) -> Result<&Catalog, db::Error> {
        if self.catalog.is_none() {
            self.catalog = Some(self.backend.introspect()?);
        }
        Ok(self.catalog.as_ref().expect("catalog was just loaded"))
    }

    /// Runs one statement through the safety gate and draws its result on stdout.
    pub fn execute(
        &mut self,
        sql: &str,
        confirm: Confirm,
        json_prefix: Vec<(String, serde_json::Value)>,
    ) -> Executed {
        let verdict = self.classify(sql);
        if verdict.level == Level::Destructive {
            match confirm(sql, &verdict) {
                Decision::Run => {}
                Decision::Decline => {
                    self.record(sql, &verdict, None, Duration::ZERO, None);
                    return Executed::Declined;
                }
                Decision::Refuse => {
                    self.record(
                        sql,
                        &verdict,
                        None,
                        Duration::ZERO,
                        Some("refused: needs confirmation".into()),
                    );
                    return Executed::Refused { verdict };
                }
            }
        }
        let guard = match verdict.level {
            Level::ReadOnly => Guard::ReadOnly {
                statement_timeout: self.settings.statement_timeout,
            },
            Level::Write | Level::Destructive => Guard::Direct,
        };
        let mut options = self.render_options(json_prefix);
        options.command_tag = safety::command_tag(sql, self.info().dialect);
        let stdout = io::stdout();
        let mut writer = render::writer(&options, Box::new(BufWriter::new(stdout.lock())));
        let canceller = self.backend.canceller();
        let started = Instant::now();
        let backend = &mut self.backend;
        let result = self
            .interrupts
            .cancellable(canceller, || backend.run(sql, guard, &mut *writer));
        let elapsed = started.elapsed();
        if guard == Guard::Direct {
            self.catalog = None;
        }
        match result {
            Ok(outcome) => {
                let written = writer.finish(&outcome);
                drop(writer);
                let rows = match outcome.kind {
                    OutcomeKind::Rows { count, .. } => Some(count),
                    OutcomeKind::Command { affected } => affected,
                };
                self.record(sql, &verdict, Some(rows), elapsed, None);
                match written {
                    Ok(()) => Executed::Ran,
                    Err(error) => Executed::Output(error),
                }
            }
            Err(error) => {
                drop(writer);
                self.record(sql, &verdict, Some(None), elapsed, Some(error.to_string()));
                Executed::Failed { verdict, error }
            }
        }
    }

    /// Draws a describe result: title, rows through the renderer (with a
    /// row-count footer when `footer`), then the sections.
    pub fn present(&self, description: &Description, footer: bool) -> io::Result<()> {
        let human = matches!(self.settings.format, Format::Table | Format::Expanded);
        let stdout = io::stdout();
        if human && let Some(title) = &description.title {
            writeln!(stdout.lock(), "{title}")?;
        }
        let mut options = self.render_options(Vec::new());
        options.footer = footer;
        options.timing = false;
        let mut writer = render::writer(&options, Box::new(BufWriter::new(stdout.lock())));
        writer.columns(&description.columns);
        writer.rows(description.rows.clone());
        let count = description.rows.len() as u64;
        let outcome = Outcome {
            kind: OutcomeKind::Rows {
                count,
                complete: true,
            },
            db_time: Duration::ZERO,
        };
        writer.finish(&outcome)?;
        drop(writer);
        if human {
            let mut out = stdout.lock();
            for (heading, lines) in &description.sections {
                writeln!(out, "{heading}:")?;
                for line in lines {
                    writeln!(out, "    {line}")?;
                }
            }
            out.flush()?;
        }
        Ok(())
    }

    fn render_options(&self, json_prefix: Vec<(String, serde_json::Value)>) -> RenderOptions {
        let s = &self.settings;
        RenderOptions {
            format: s.format,
            expanded: s.expanded,
            color: self.term.color,
            terminal: self.term.size(),
            paged: s.paged && matches!(s.format, Format::Table | Format::Expanded),
            null: s.null.clone(),
            footer: true,
            timing: s.timing,
            command_tag: String::new(),
            json_prefix,
        }
    }

    fn record(
        &mut self,
        sql: &str,
        verdict: &Verdict,
        ran: Option<Option<u64>>,
        duration: Duration,
        error: Option<String>,
    ) {
        self.log.record(Entry {
            at: jiff::Timestamp::now(),
            sql: sql.to_string(),
            level: verdict.level,
            ran: ran.is_some(),
            duration,
            rows: ran.flatten(),
            error,
        });
    }
}
