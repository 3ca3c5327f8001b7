//! `\indexes advise --workload` and `glance indexes advise --workload`:
//! index advice for the statements that cost this database the most, the
//! top of `pg_stat_statements` (read as `\slow` reads it). Each statement
//! is judged and planned as single-statement advice does; one advice could
//! not plan is skipped and named in a note. With hypopg, the candidates of
//! every statement are chosen from greedily ([`greedy`]), the chosen ones
//! staying in place as hypothetical indexes until the end; without it, the
//! statements' suggestions from statistics are merged and marked
//! unverified. Nothing is created, and the hypothetical indexes are reset
//! however advice ends.

use serde_json::{Value as Json, json};

use super::candidates::{Candidate, Column};
use super::greedy::{self, MAX_INDEXES, MIN_GAIN, Round};
use super::postgres::{self, FACTOR, Hypothetical, MIN_COST};
use super::{Context, Suggestion, notes_text};
use crate::analysis::explain::Failed;
use crate::analysis::slow::{self, Floor, Listed, Order};
use crate::db::{self, Dialect};
use crate::escape;
use crate::numbers::thousands;
use crate::one_line;
use crate::session::{Executed, Session};

/// A statement counts when called at least this often, this long each.
pub const FLOOR: Floor = Floor {
    calls: 50,
    mean_ms: 5.0,
};
/// The statements with the most total time considered, at most.
pub const STATEMENTS: usize = 10;
/// Candidates tried for one workload, at most.
const MAX_CANDIDATES: usize = 40;
/// Characters of a statement shown beside a suggestion.
const SHOWN: usize = 60;

/// One statement of the workload, numbered as in the top list.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub n: usize,
    /// Its text as `pg_stat_statements` keeps it.
    pub query: String,
    pub calls: u64,
    pub mean_ms: f64,
    /// The planner's cost without and with the suggested indexes.
    pub cost_before: f64,
    pub cost_after: Option<f64>,
}

/// A statement an index helps: its number, its cost before and after.
#[derive(Clone, Debug, PartialEq)]
pub struct Helped {
    pub n: usize,
    pub before: f64,
    pub after: Option<f64>,
}

/// One index for the workload. Its `cost_before` and `cost_after` are
/// weighted (Σ calls × cost) over the statements it helps.
#[derive(Clone, Debug, PartialEq)]
pub struct Advice {
    pub suggestion: Suggestion,
    pub statements: Vec<Helped>,
}

/// What workload advice found.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub statements: Vec<Statement>,
    pub hypopg: bool,
    pub suggestions: Vec<Advice>,
    /// Skipped statements, how to get hypopg, why nothing is suggested.
    pub notes: Vec<String>,
}

/// Why there is no workload to advise on.
#[derive(Debug)]
pub enum Error {
    /// Not PostgreSQL: a usage error.
    NeedsPostgres(String),
    /// `pg_stat_statements` cannot be read here: how to enable it.
    NoStatistics(String),
    Failed(Failed),
}

impl Report {
    /// Σ calls × cost before, and after when the suggestions were verified.
    pub fn weighted(&self) -> (f64, Option<f64>) {
        let before = self
            .statements
            .iter()
            .map(|s| s.calls as f64 * s.cost_before)
            .sum();
        let after = self
            .statements
            .iter()
            .map(|s| s.cost_after.map(|after| s.calls as f64 * after))
            .sum();
        (before, after)
    }

    /// The notes, the statements, each suggestion with the statements it
    /// helps, then the workload's cost before and after.
    pub fn text(&self) -> String {
        let mut out = notes_text(&self.notes);
        if self.statements.is_empty() {
            out.push_str("No statement to advise on.\n");
            return out;
        }
        out.push_str(&format!(
            "Workload: the top of pg_stat_statements (at least {} calls of {} ms on average), by total time:\n",
            FLOOR.calls, FLOOR.mean_ms
        ));
        out.push_str(&format!(
            "{:>3}  {:>8}  {:>10}  {:>12}  query\n",
            "n", "calls", "mean ms", "cost"
        ));
        for s in &self.statements {
            out.push_str(&format!(
                "{:>3}  {:>8}  {:>10.1}  {:>12.2}  {}\n",
                s.n,
                s.calls,
                s.mean_ms,
                s.cost_before,
                one_line::cut(&one_line::fold(&s.query), SHOWN)
            ));
        }
        if self.suggestions.is_empty() {
            out.push_str("No index to suggest.\n");
        }
        for advice in &self.suggestions {
            let s = &advice.suggestion;
            out.push_str(&escape::visible(&s.title(false)));
            out.push_str("\n  ");
            out.push_str(&escape::visible(&s.create));
            out.push('\n');
            for helped in &advice.statements {
                out.push_str(&self.helped_line(helped));
            }
        }
        if let (before, Some(after)) = self.weighted() {
            out.push_str(&format!(
                "Workload cost (calls × cost): {} → {}",
                thousands(before.round() as u64),
                thousands(after.round() as u64)
            ));
            if before > 0.0 && after < before {
                let saved = (100.0 * (1.0 - after / before)).floor();
                out.push_str(&format!(" (-{saved:.0}%)"));
            }
            out.push('\n');
        }
        out
    }

    /// `    n  text  calls, cost before → after`.
    fn helped_line(&self, helped: &Helped) -> String {
        let Some(statement) = self.statements.iter().find(|s| s.n == helped.n) else {
            return String::new();
        };
        let mut line = format!(
            "  {:>3}  {}  {} calls, cost {:.2}",
            helped.n,
            one_line::cut(&one_line::fold(&statement.query), SHOWN),
            statement.calls,
            helped.before
        );
        if let Some(after) = helped.after {
            line.push_str(&format!(" → {after:.2}"));
        }
        line.push('\n');
        line
    }

    /// `{"workload": [{"n", "query", "calls", "mean_ms", "cost_before",
    /// "cost_after"}], "hypopg", "suggestions": [{"create", "table",
    /// "columns", "cost_before", "cost_after", "size_bytes", "verified",
    /// "why", "statements": [n…]}], "weighted_cost_before",
    /// "weighted_cost_after", "notes"}`; a suggestion's costs are weighted
    /// (Σ calls × cost) over its statements.
    pub fn json(&self) -> Json {
        let workload: Vec<Json> = self
            .statements
            .iter()
            .map(|s| {
                json!({
                    "n": s.n,
                    "query": s.query,
                    "calls": s.calls,
                    "mean_ms": s.mean_ms,
                    "cost_before": s.cost_before,
                    "cost_after": s.cost_after,
                })
            })
            .collect();
        let suggestions: Vec<Json> = self
            .suggestions
            .iter()
            .map(|advice| {
                let mut json = advice.suggestion.json();
                let statements: Vec<usize> = advice.statements.iter().map(|h| h.n).collect();
                json["statements"] = json!(statements);
                json
            })
            .collect();
        let (before, after) = self.weighted();
        json!({
            "workload": workload,
            "hypopg": self.hypopg,
            "suggestions": suggestions,
            "weighted_cost_before": before,
            "weighted_cost_after": after,
            "notes": self.notes,
        })
    }
}

/// A statement advice can plan, with what it filters on and its cost.
struct Planned<'a> {
    n: usize,
    query: &'a slow::Query,
    context: Context<'a>,
    columns: Vec<Column>,
    candidates: Vec<Candidate>,
    cost: f64,
}

/// Index advice for the top of this database's `pg_stat_statements`.
pub fn advise(session: &mut Session) -> Result<Report, Error> {
    if session.info().dialect != Dialect::Postgres {
        return Err(Error::NeedsPostgres(
            "index advice for a workload reads PostgreSQL's pg_stat_statements, which SQLite \
             does not have; advise on one statement instead"
                .into(),
        ));
    }
    let queries = match slow::statements(session, Order::Total, Some(FLOOR), STATEMENTS) {
        Ok(Listed::Statements(queries)) => queries,
        Ok(Listed::Unavailable { preloaded }) => {
            return Err(Error::NoStatistics(slow::enable_hint(preloaded)));
        }
        Err(error) => return Err(Error::Failed(rejected(error))),
    };
    let mut skipped: Vec<(&'static str, Vec<usize>)> = Vec::new();
    let mut planned = Vec::new();
    for (i, query) in queries.iter().enumerate() {
        match plan(session, i + 1, query) {
            Ok(statement) => planned.push(statement),
            Err(reason) => match skipped.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, numbers)) => numbers.push(i + 1),
                None => skipped.push((reason, vec![i + 1])),
            },
        }
    }
    let mut notes: Vec<String> = skipped
        .iter()
        .map(|(reason, numbers)| {
            let numbers: Vec<String> = numbers.iter().map(usize::to_string).collect();
            format!(
                "Skipped {} ({}): {reason}.",
                if numbers.len() == 1 {
                    "1 statement".to_string()
                } else {
                    format!("{} statements", numbers.len())
                },
                numbers.join(", ")
            )
        })
        .collect();
    if queries.is_empty() {
        notes.push(format!(
            "pg_stat_statements holds no statement of this database called at least {} times \
             at {} ms or more on average.",
            FLOOR.calls, FLOOR.mean_ms
        ));
    }
    let hypopg = postgres::hypopg_schema(session).map_err(|e| Error::Failed(rejected(e)))?;
    let mut report = Report {
        statements: Vec::new(),
        hypopg: hypopg.is_some(),
        suggestions: Vec::new(),
        notes,
    };
    if planned.is_empty() {
        return Ok(report);
    }
    match hypopg {
        Some(schema) => verified(session, schema, &planned, &mut report)?,
        None => {
            report.notes.push(postgres::install_note(session));
            report.suggestions = unverified(session, &planned)?;
            report.statements = statements(&planned, None);
        }
    }
    Ok(report)
}

/// `query` judged, read and planned, or why advice skips it.
fn plan<'a>(
    session: &mut Session,
    n: usize,
    query: &'a slow::Query,
) -> Result<Planned<'a>, &'static str> {
    let sql = query.query.trim().trim_end_matches(';').trim_end();
    let context = Context::new(session, sql, false).map_err(|failed| match failed {
        Failed::Executed(Executed::Forbidden { .. }) => "the connection's rules forbid them",
        Failed::Other(_) => "planning them may run code glance cannot verify",
        Failed::Executed(_) => "glance could not read them",
    })?;
    let (columns, candidates) = context
        .candidates(session)
        .map_err(|_| "index advice reads a SELECT, UPDATE or DELETE only")?;
    let cost = postgres::plan(session, &context)
        .map(|plan| crate::analysis::explain::total_cost(&plan))
        .map_err(|_| "the planner could not plan them")?;
    Ok(Planned {
        n,
        query,
        context,
        columns,
        candidates,
        cost,
    })
}

fn rejected(error: db::Error) -> Failed {
    Failed::Executed(Executed::Rejected { error })
}

/// The workload's statements, with their costs after when known.
fn statements(planned: &[Planned], after: Option<&[f64]>) -> Vec<Statement> {
    planned
        .iter()
        .enumerate()
        .map(|(i, p)| Statement {
            n: p.n,
            query: p.query.query.clone(),
            calls: p.query.calls,
            mean_ms: p.query.mean_ms,
            cost_before: p.cost,
            cost_after: after.map(|after| after[i]),
        })
        .collect()
}

/// The greedy selection over every statement's candidates, as
/// hypothetical indexes in `schema`'s hypopg.
fn verified(
    session: &mut Session,
    schema: String,
    planned: &[Planned],
    report: &mut Report,
) -> Result<(), Error> {
    let mut union: Vec<(Candidate, Vec<usize>)> = Vec::new();
    for (s, statement) in planned.iter().enumerate() {
        for candidate in &statement.candidates {
            match union.iter_mut().find(|(c, _)| c == candidate) {
                Some((_, serves)) => serves.push(s),
                None => union.push((candidate.clone(), vec![s])),
            }
        }
    }
    if union.len() > MAX_CANDIDATES {
        report.notes.push(format!(
            "The statements name {} candidate indexes; the first {MAX_CANDIDATES} were tried.",
            union.len()
        ));
        union.truncate(MAX_CANDIDATES);
    }
    let mut hypothetical = Hypothetical::new(session, schema);
    let mut tried: Vec<(Candidate, Vec<usize>, i64)> = Vec::new();
    for (candidate, serves) in union {
        match hypothetical.create(&candidate) {
            Ok((id, size)) => {
                hypothetical.drop_index(id).map_err(Error::Failed)?;
                tried.push((candidate, serves, size));
            }
            Err(Failed::Executed(Executed::Rejected { error })) => report.notes.push(format!(
                "hypopg could not create an index on {}.{} ({}): {error}",
                candidate.schema,
                candidate.table,
                candidate.columns.join(", ")
            )),
            Err(failed) => return Err(Error::Failed(failed)),
        }
    }
    let calls: Vec<f64> = planned.iter().map(|p| p.query.calls as f64).collect();
    let sizes: Vec<i64> = tried.iter().map(|(_, _, size)| *size).collect();
    let before: Vec<f64> = planned.iter().map(|p| p.cost).collect();
    // The hypothetical indexes in place, kept equal to each round's chosen set.
    let mut in_place = Vec::new();
    let selection = greedy::select(&calls, &sizes, |chosen, trying| {
        for (c, id) in std::mem::take(&mut in_place) {
            if chosen.contains(&c) {
                in_place.push((c, id));
            } else {
                hypothetical.drop_index(id)?;
            }
        }
        for &c in chosen {
            if !in_place.iter().any(|(placed, _)| *placed == c) {
                let (id, _) = hypothetical.create(&tried[c].0)?;
                in_place.push((c, id));
            }
        }
        let base = if chosen.is_empty() {
            before.clone()
        } else {
            planned
                .iter()
                .map(|p| hypothetical.cost(&p.context))
                .collect::<Result<_, _>>()?
        };
        let mut with = Vec::new();
        for &c in trying {
            let (id, _) = hypothetical.create(&tried[c].0)?;
            let costs: Result<Vec<Option<f64>>, Failed> = planned
                .iter()
                .enumerate()
                .map(|(s, p)| {
                    if tried[c].1.contains(&s) {
                        hypothetical.cost(&p.context).map(Some)
                    } else {
                        Ok(None)
                    }
                })
                .collect();
            hypothetical.drop_index(id)?;
            with.push((c, costs?));
        }
        Ok(Round { base, with })
    })
    .map_err(Error::Failed)?;
    drop(hypothetical);
    report.statements = statements(planned, Some(&selection.after));
    for pick in &selection.picks {
        let (candidate, _, size) = &tried[pick.candidate];
        let weigh = |cost: fn(&(usize, f64, f64)) -> f64| -> f64 {
            pick.statements.iter().map(|h| calls[h.0] * cost(h)).sum()
        };
        report.suggestions.push(Advice {
            suggestion: Suggestion {
                create: format!("{};", postgres::create(candidate, true)),
                table: format!("{}.{}", candidate.schema, candidate.table),
                columns: candidate.columns.clone(),
                cost_before: Some(weigh(|h| h.1)),
                cost_after: Some(weigh(|h| h.2)),
                size_bytes: Some(*size),
                verified: true,
                why: "the planner chose it as a hypothetical index (hypopg)".into(),
            },
            statements: pick
                .statements
                .iter()
                .map(|&(s, before, after)| Helped {
                    n: planned[s].n,
                    before,
                    after: Some(after),
                })
                .collect(),
        });
    }
    if selection.picks.is_empty() {
        report.notes.push(format!(
            "No index cuts a statement's cost by {:.0}% (from at least {MIN_COST:.0}) and saves \
             {:.0}% of the workload's cost (calls × cost).",
            100.0 * (1.0 - FACTOR),
            100.0 * MIN_GAIN
        ));
    }
    Ok(())
}

/// Each statement's suggestions from statistics, merged per table and
/// columns, at most [`MAX_INDEXES`].
fn unverified(session: &mut Session, planned: &[Planned]) -> Result<Vec<Advice>, Error> {
    let mut merged: Vec<Advice> = Vec::new();
    for p in planned {
        let found = postgres::heuristic(session, &p.context, &p.columns, &p.candidates, p.cost)
            .map_err(Error::Failed)?;
        for suggestion in found {
            let helped = Helped {
                n: p.n,
                before: p.cost,
                after: None,
            };
            let weight = p.query.calls as f64 * p.cost;
            match merged.iter_mut().find(|a| {
                a.suggestion.table == suggestion.table && a.suggestion.columns == suggestion.columns
            }) {
                Some(advice) => {
                    advice.statements.push(helped);
                    advice.suggestion.cost_before =
                        Some(advice.suggestion.cost_before.unwrap_or(0.0) + weight);
                }
                None => merged.push(Advice {
                    suggestion: Suggestion {
                        cost_before: Some(weight),
                        ..suggestion
                    },
                    statements: vec![helped],
                }),
            }
        }
    }
    merged.truncate(MAX_INDEXES);
    Ok(merged)
}
