//! `\design TEXT` and `glance design TEXT`: the model proposes DDL for the
//! connected dialect ([`prompt`]); glance keeps only schema creation
//! ([`ddl`]), validates it where nothing of it can stay — SQLite: a fresh
//! in-memory database ([`memory`]); PostgreSQL: a throwaway schema inside a
//! transaction that is always rolled back ([`scratch`]) — reads back what
//! it created, and lints it. [`tables`] writes what was read back as `\d`
//! descriptions, a Mermaid diagram and JSON. Nothing here prints, and
//! nothing here runs the design on the person's database.

pub mod ddl;
mod memory;
mod prompt;
mod scratch;
pub mod tables;

use std::collections::BTreeMap;

use crate::agent::{Agent, extract, feedback};
use crate::analysis::aside::{self, Aside};
use crate::catalog::Catalog;
use crate::db::{self, Dialect};
use crate::docs::model::Check;
use crate::lint::{self, Linted};
use crate::llm;
use crate::render::truncate;
use crate::session::Session;
use crate::usage::Tally;

/// A design: what was asked, the DDL, what validating it found, and the
/// linter's findings.
#[derive(Debug)]
pub struct Design {
    /// The person's words for this round (the latest refinement).
    pub request: String,
    /// The DDL as the model wrote it.
    pub ddl: String,
    /// What the model said beside the DDL, cut to [`NOTES_WIDTH`].
    pub notes: String,
    pub validated: Result<Proposed, Invalid>,
    /// The linted statements (none when the linter cannot read the DDL).
    pub findings: Vec<Linted>,
}

/// What the DDL created, read back from the database.
#[derive(Clone, Debug, Default)]
pub struct Proposed {
    /// The new relations only, in the schema they would be created in.
    pub catalog: Catalog,
    /// CHECK constraints by table name.
    pub checks: BTreeMap<String, Vec<Check>>,
}

/// Why a design did not validate.
#[derive(Debug, thiserror::Error)]
pub enum Invalid {
    #[error("{0}")]
    NotDdl(#[from] ddl::NotDdl),
    #[error("the database rejected `{sql}`: {error}")]
    Database { error: db::Error, sql: String },
    #[error("the design creates tables that already exist: {}", .0.join(", "))]
    Exists(Vec<String>),
    #[error("the design creates no table")]
    Empty,
}

/// Why there is no design.
#[derive(Debug, thiserror::Error)]
pub enum Failed {
    #[error("could not read the schema: {0}")]
    Database(#[from] db::Error),
    #[error("the model could not design the schema: {0}")]
    Model(#[from] llm::Error),
    /// The reply's start, cut.
    #[error("the model's reply holds no DDL; it begins: {0}")]
    NoDdl(String),
}

/// One round of designing.
pub struct Round<'a> {
    /// What the person asked (a refinement when `previous` is given).
    pub request: &'a str,
    /// The DDL of the draft being refined.
    pub previous: Option<&'a str>,
    /// Send a rejected draft's error back to the model once for a fix.
    pub retry: bool,
    /// A spinner on stderr while the model is silent.
    pub progress: bool,
}

/// How much of the model's words beside the DDL a design keeps.
pub const NOTES_WIDTH: usize = 600;

/// How much of a reply without DDL its error quotes.
const REPLY_START: usize = 120;

/// Asks the model for the design `round` describes, validates and lints
/// it; with `retry`, a draft the database rejects goes back to the model
/// once with the error, after `retrying` is told the error and statement. Returns what the
/// model calls cost (also on failure) and the design.
pub fn design(
    session: &mut Session,
    agent: &Agent,
    round: &Round,
    retrying: &mut dyn FnMut(&db::Error, &str),
) -> (Tally, Result<Design, Failed>) {
    let mut tally = Tally::default();
    let mut rejected: Option<(String, String)> = None;
    loop {
        let (cost, ddl) = propose(session, agent, round, rejected.as_ref());
        tally.add(&cost);
        let (ddl, notes) = match ddl {
            Ok(drafted) => drafted,
            Err(failed) => return (tally, Err(failed)),
        };
        let design = match check(session, round.request, ddl, notes) {
            Ok(design) => design,
            Err(error) => return (tally, Err(error.into())),
        };
        if let Err(Invalid::Database { error, sql }) = &design.validated
            && round.retry
            && rejected.is_none()
        {
            retrying(error, sql);
            let words = feedback::describe(error, sql, session.settings.share_samples);
            rejected = Some((design.ddl.clone(), words));
            continue;
        }
        return (tally, Ok(design));
    }
}

/// The model's DDL for `round` and its words beside it; `rejected` is a
/// draft and the error it met.
fn propose(
    session: &mut Session,
    agent: &Agent,
    round: &Round,
    rejected: Option<&(String, String)>,
) -> (Tally, Result<(String, String), Failed>) {
    let dialect = session.info().dialect;
    let existing = match session.catalog() {
        Ok(catalog) => existing_names(catalog, dialect),
        Err(error) => return (Tally::default(), Err(error.into())),
    };
    let previous = rejected.map(|(ddl, _)| ddl.as_str()).or(round.previous);
    let error = rejected.map(|(_, error)| error.as_str());
    let aside = Aside {
        system: prompt::system(dialect),
        content: prompt::content(round.request, &existing, previous, error),
        about: "for a design…",
        question: format!("\\design {}", round.request),
        progress: round.progress,
    };
    let (reply, tally) = aside::ask(session, agent, aside, &mut |_| {});
    let ddl = reply.map_err(Failed::from).and_then(|reply| {
        let Some(first) = extract::sql(&reply.text) else {
            let start = reply.text.split_whitespace().collect::<Vec<_>>().join(" ");
            return Err(Failed::NoDdl(truncate(&start, REPLY_START).into_owned()));
        };
        let mut statements = vec![first];
        statements.extend(extract::others(&reply.text));
        let notes = truncate(&extract::prose(&reply.text), NOTES_WIDTH).into_owned();
        Ok((format!("{};\n", statements.join(";\n\n")), notes))
    });
    (tally, ddl)
}

/// The names of the person's relations as the model is told them:
/// schema-qualified outside `public` (PostgreSQL).
fn existing_names(catalog: &Catalog, dialect: Dialect) -> Vec<String> {
    catalog
        .relations
        .iter()
        .map(|r| match (dialect, r.schema.as_str()) {
            (Dialect::Postgres, schema) if schema != "public" => format!("{schema}.{}", r.name),
            _ => r.name.clone(),
        })
        .collect()
}

/// Validates and lints `ddl`, never on the person's database.
fn check(
    session: &mut Session,
    request: &str,
    ddl: String,
    notes: String,
) -> Result<Design, db::Error> {
    let dialect = session.info().dialect;
    let findings = lint::statements(&ddl, dialect).unwrap_or_default();
    let validated = match ddl::statements(&ddl, dialect) {
        Err(not_ddl) => Err(Invalid::from(not_ddl)),
        Ok(statements) => {
            let created = match dialect {
                Dialect::Sqlite => memory::validate(session, &statements)?,
                Dialect::Postgres => scratch::validate(session, &statements)?,
                Dialect::Mysql => unreachable!("repl::design::ask refuses MySQL"),
            };
            created.and_then(|proposed| new_only(session, proposed))
        }
    };
    Ok(Design {
        request: request.to_string(),
        ddl,
        notes,
        validated,
        findings,
    })
}

/// `proposed`, unless it creates nothing or a relation the person has.
fn new_only(session: &mut Session, proposed: Proposed) -> Result<Proposed, Invalid> {
    if proposed.catalog.relations.is_empty() {
        return Err(Invalid::Empty);
    }
    if let Ok(mine) = session.catalog() {
        let taken: Vec<String> = proposed
            .catalog
            .relations
            .iter()
            .filter(|new| {
                mine.relations
                    .iter()
                    .any(|r| r.schema == new.schema && r.name == new.name)
            })
            .map(|r| r.name.clone())
            .collect();
        if !taken.is_empty() {
            return Err(Invalid::Exists(taken));
        }
    }
    Ok(proposed)
}
