//! `\design TEXT` and `glance design TEXT` at the front: the design
//! ([`design::design`]) printed as `\d+` descriptions, a Mermaid diagram
//! and the linter's findings (or as JSON), saved to a file, or applied
//! in one confirmed transaction. In the REPL, `\design TEXT`
//! refines the current draft and `\design new TEXT` starts over; after a
//! draft is shown, `y` applies it, `s` saves it, `n` leaves it.

use crate::agent::Agent;
use crate::design::{self, Design, Round, tables};
use crate::escape;
use crate::exit::Failure;
use crate::gate::Origin;
use crate::lint::report;
use crate::llm;
use crate::session::{Consent, Decision, Session};
use crate::usage::Tally;

use super::batch::{self, Batch};
use super::describe::write_failure;

/// Asks for the design of `round`; the model's cost comes back also when
/// it failed.
pub fn ask(
    session: &mut Session,
    agent: Option<&Agent>,
    round: &Round,
) -> (Tally, Result<Design, Failure>) {
    if round.request.trim().is_empty() {
        return (
            Tally::default(),
            Err(Failure::Usage {
                message: "say what the design should hold".into(),
                hint: Some("glance design \"a library with members and loans\"".into()),
            }),
        );
    }
    let dialect = session.info().dialect;
    if !dialect.transactional_ddl() {
        return (
            Tally::default(),
            Err(without_transactional_ddl("design", dialect)),
        );
    }
    let Some(agent) = agent else {
        return (
            Tally::default(),
            Err(Failure::Runtime {
                message: "designing a schema needs an LLM provider, and none is configured".into(),
                hint: Some(llm::SETUP_HINT.into()),
            }),
        );
    };
    let (tally, designed) = design::design(session, agent, round, &mut |error, sql| {
        eprintln!(
            "The database rejected the draft at `{}`: {}; asking the model to fix it (a second \
             request).",
            escape::visible(sql.lines().next().unwrap_or_default()),
            escape::visible(&error.to_string())
        );
    });
    let designed = designed.map_err(|failed| match failed {
        design::Failed::Database(error) => Failure::database(&error, None),
        failed => Failure::runtime(escape::visible(&failed.to_string()).into_owned()),
    });
    (tally, designed)
}

/// Prints `design`: as JSON, or the model's notes (on stderr, as `ask`
/// prints its explanation), the DDL, tables, diagram and findings. A
/// design that did not validate is an error (exit 1) saying why.
pub fn show(session: &Session, design: &Design, json: bool) -> Result<(), Failure> {
    if json {
        println!("{}", crate::render::json_text(&tables::json(design)));
    } else {
        if !design.notes.is_empty() {
            eprintln!("{}\n", escape::visible(&design.notes));
        }
        println!("{}", escape::visible(design.ddl.trim_end()));
        println!();
        if let Ok(proposed) = &design.validated {
            for description in tables::descriptions(proposed) {
                session
                    .present(&description, false)
                    .map_err(Failure::from_io)?;
                println!();
            }
            println!("{}", escape::visible(tables::diagram(proposed).trim_end()));
            eprintln!("{}", validated_where(session.info().dialect));
        }
        if design.findings.iter().any(|s| !s.findings.is_empty()) {
            let file = report::File {
                path: "design".into(),
                statements: design.findings.clone(),
            };
            eprint!("{}", report::text(&[file]));
        } else if design.validated.is_ok() {
            eprintln!("Lint: no findings.");
        }
    }
    match &design.validated {
        Ok(_) => Ok(()),
        Err(invalid) => Err(Failure::runtime(format!(
            "the design did not validate: {}",
            escape::visible(&invalid.to_string())
        ))),
    }
}

/// Where a design that validated was created, and that it is gone.
fn validated_where(dialect: crate::db::Dialect) -> &'static str {
    match dialect {
        crate::db::Dialect::Postgres => {
            "Validated: created in a throwaway schema, in a transaction that was rolled back; \
             nothing in the database changed."
        }
        crate::db::Dialect::Sqlite => {
            "Validated: created in an in-memory database beside copies of your tables; \
             your database file was not opened for writing."
        }
        crate::db::Dialect::Mysql => unreachable!("ask refuses MySQL"),
    }
}

/// Why `command` (design, migrate) cannot run on `dialect`: it proves a
/// change by trying it where nothing stays, which needs DDL a rollback undoes.
pub fn without_transactional_ddl(command: &str, dialect: crate::db::Dialect) -> Failure {
    Failure::Runtime {
        message: format!(
            "glance {command} tries every change where nothing stays, and {} commits each \
             CREATE, ALTER and DROP at once, so nothing it tried could be undone",
            dialect.name()
        ),
        hint: Some(
            "run it on a PostgreSQL or SQLite copy of the schema; \\d+ and glance docs \
             describe this one"
                .into(),
        ),
    }
}

/// Writes the DDL to `file`, never replacing one.
pub fn save(design: &Design, file: &str) -> Result<(), Failure> {
    crate::export::write_text(file, false, &design.ddl).map_err(write_failure)?;
    eprintln!("Wrote {}.", escape::visible(file));
    Ok(())
}

/// Creates the design on the connected database: one confirmation for
/// the whole DDL, then one transaction ([`batch::apply`]).
pub fn apply(
    session: &mut Session,
    design: &Design,
    json: bool,
    confirm: &mut dyn FnMut(&Consent) -> Decision,
) -> Result<(), Failure> {
    let dialect = session.info().dialect;
    let statements = design::ddl::statements(&design.ddl, dialect)
        .map_err(|refused| Failure::runtime(escape::visible(&refused.to_string()).into_owned()))?;
    let created = design::ddl::creations(&statements, dialect);
    let batch = Batch {
        text: design.ddl.trim_end(),
        statements,
        origin: Origin::Generated,
        transaction: true,
        lock_timeout: Some(batch::LOCK_TIMEOUT),
        what: "the design",
        unconfirmed_hint: "pass --allow-write or --yes to apply without asking",
        done: format!("Created {}.", batch::counted(created, "object")),
        declined: "Not run.",
        json,
    };
    batch::apply(session, &batch, confirm)?;
    Ok(())
}

impl super::Repl {
    /// `\design [new] TEXT`: designs (refining the current draft unless
    /// `new`), shows it, then asks what to do with it. A draft the
    /// database rejects goes back to the model once with the error.
    pub(super) fn design(
        &mut self,
        session: &mut Session,
        input: &mut super::input::Input,
        text: &str,
        new: bool,
    ) {
        if new {
            self.design = None;
        }
        let round = Round {
            request: text,
            previous: self.design.as_deref(),
            retry: true,
            progress: self.term.stderr_tty,
        };
        let agent = self.agent.as_ref();
        let (tally, designed) = ask(session, agent, &round);
        self.count_aside(tally);
        let json = matches!(session.settings.format, crate::render::Format::Json);
        let ended = designed.and_then(|design| {
            self.design = Some(design.ddl.clone());
            show(session, &design, json)?;
            self.after_design(session, input, &design)
        });
        if let Err(failure) = ended {
            eprint!("{}", failure.message());
        }
    }

    /// `y` apply, `s` save, `n` (or anything else) leave the draft.
    fn after_design(
        &mut self,
        session: &mut Session,
        input: &mut super::input::Input,
        design: &Design,
    ) -> Result<(), Failure> {
        let Some(answer) = input.ask("y apply it, s save it to a file, n nothing [y/s/N] ") else {
            return Ok(());
        };
        let color = self.term.color;
        let json = matches!(session.settings.format, crate::render::Format::Json);
        match answer.to_lowercase().as_str() {
            "y" | "yes" => apply(session, design, json, &mut |consent: &Consent| {
                input.confirm(consent, color, false)
            }),
            "s" | "save" => match input.ask("Save the DDL to: ") {
                Some(file) if !file.is_empty() => save(design, &file),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}
