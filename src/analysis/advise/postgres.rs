//! Index advice on PostgreSQL. With hypopg, each candidate becomes a
//! hypothetical index (`hypopg_create_index`) and the statement is planned
//! again: a candidate is suggested when the planner's total cost falls by
//! half from at least [`MIN_COST`], and a second column only when it halves
//! the cost of its first column alone. Every query is glance's own, inside
//! the read-only guard; hypothetical indexes live only in this connection's
//! backend, and [`Hypothetical`] resets them on every way out. Without
//! hypopg, candidates are ranked by `pg_stats` and marked unverified.

use serde_json::Value as Json;

use super::candidates::{Candidate, Column, Use};
use super::{Context, MIN_ROWS, Plans, Report, Suggestion, best_per_table, column_list, selective};
use crate::analysis::explain::{self, Failed};
use crate::analysis::generic;
use crate::db::{self, Value};
use crate::ident::{quote_ident, quote_literal};
use crate::session::{Executed, Session};

/// Below this cost a statement is cheap already.
pub(super) const MIN_COST: f64 = 100.0;
/// The share of the cost a suggested index must leave at most.
pub(super) const FACTOR: f64 = 0.5;
/// Candidates planned at most, for a statement naming many columns.
const MAX_CANDIDATES: usize = 24;

pub(super) fn advise(session: &mut Session, context: &Context) -> Result<Report, Failed> {
    let before = plan(session, context)?;
    let cost_before = explain::total_cost(&before);
    let (columns, candidates) = context.candidates(session)?;
    let hypopg = hypopg_schema(session).map_err(|e| context.failed(e))?;
    let mut report = Report {
        sql: context.sql.to_string(),
        hypopg: hypopg.is_some(),
        suggestions: Vec::new(),
        notes: Vec::new(),
        plans: None,
    };
    let after = match hypopg {
        Some(schema) => {
            let mut hypothetical = Hypothetical::new(session, schema);
            if cost_before < MIN_COST {
                report.notes.push(format!(
                    "The statement's estimated cost is {cost_before:.2}, under {MIN_COST:.0}: \
                     an index would not make it noticeably cheaper."
                ));
            } else {
                report.suggestions = hypothetical.verified(context, &candidates, cost_before)?;
            }
            if context.plans && !report.suggestions.is_empty() {
                let all: Vec<Candidate> = report.suggestions.iter().map(candidate_of).collect();
                Some(hypothetical.plan_with(context, &all)?)
            } else {
                None
            }
        }
        None => {
            report.notes.push(install_note(session));
            report.suggestions = heuristic(session, context, &columns, &candidates, cost_before)?;
            None
        }
    };
    if context.plans {
        report.plans = Some(Plans {
            before: explain::from_postgres(context.sql, false, before),
            after: after.map(|plan| explain::from_postgres(context.sql, false, plan)),
        });
    }
    Ok(report)
}

/// The schema hypopg is installed in, when it is.
pub(super) fn hypopg_schema(session: &mut Session) -> Result<Option<String>, db::Error> {
    let (_, rows) = session.catalog_query(
        "SELECT n.nspname::text FROM pg_catalog.pg_extension e \
         JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'",
    )?;
    Ok(match rows.first().map(Vec::as_slice) {
        Some([Value::Text(schema)]) => Some(schema.clone()),
        _ => None,
    })
}

/// Why suggestions are unverified, and how to get hypopg.
pub(super) fn install_note(session: &Session) -> String {
    let major = session
        .info()
        .server_version
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap_or("")
        .to_string();
    format!(
        "hypopg is not installed in this database, so glance cannot check these \
         suggestions with the planner. Install the package postgresql-{major}-hypopg \
         (Debian/Ubuntu; hypopg elsewhere), then run CREATE EXTENSION hypopg; in this \
         database."
    )
}

/// The statement's plan as JSON: its generic plan when it holds
/// parameters (`$1`, as pg_stat_statements stores text).
pub(super) fn plan(session: &mut Session, context: &Context) -> Result<Json, Failed> {
    if generic::is_parameterised(context.sql) {
        return generic::plan(session, context.sql);
    }
    explain::read_plan(&context.plan(session)?)
}

/// `CREATE INDEX CONCURRENTLY ON schema.table (columns);`
pub(super) fn create(candidate: &Candidate, concurrently: bool) -> String {
    format!(
        "CREATE INDEX {}ON {}.{} ({})",
        if concurrently { "CONCURRENTLY " } else { "" },
        quote_ident(&candidate.schema),
        quote_ident(&candidate.table),
        column_list(&candidate.columns)
    )
}

fn candidate_of(suggestion: &Suggestion) -> Candidate {
    let (schema, table) = suggestion
        .table
        .split_once('.')
        .unwrap_or(("", &suggestion.table));
    Candidate {
        schema: schema.into(),
        table: table.into(),
        columns: suggestion.columns.clone(),
    }
}

/// The session while hypothetical indexes may exist in its backend: they
/// are reset when this is dropped, however advice ends (an error, Ctrl-C).
pub(super) struct Hypothetical<'s> {
    session: &'s mut Session,
    /// Where hypopg's functions are, quoted.
    schema: String,
}

impl Drop for Hypothetical<'_> {
    fn drop(&mut self) {
        // A lost connection took its hypothetical indexes with it.
        let _ = self.session.catalog_query(&format!(
            "SELECT {}.hypopg_reset()",
            quote_ident(&self.schema)
        ));
    }
}

impl<'s> Hypothetical<'s> {
    /// `session`, whose hypothetical indexes (in hypopg's `schema`) are
    /// reset when this is dropped.
    pub(super) fn new(session: &'s mut Session, schema: String) -> Self {
        Hypothetical { session, schema }
    }

    /// Creates `candidate` hypothetically: its id and estimated size.
    pub(super) fn create(&mut self, candidate: &Candidate) -> Result<(i64, i64), Failed> {
        let hypopg = quote_ident(&self.schema);
        let sql = format!(
            "SELECT indexrelid::bigint, {hypopg}.hypopg_relation_size(indexrelid)::bigint \
             FROM {hypopg}.hypopg_create_index({})",
            quote_literal(&create(candidate, false))
        );
        let (_, rows) = self.session.catalog_query(&sql).map_err(rejected)?;
        match rows.first().map(Vec::as_slice) {
            Some([Value::Int(id), Value::Int(size)]) => Ok((*id, *size)),
            _ => Err(Failed::Other("hypopg created no index".into())),
        }
    }

    pub(super) fn drop_index(&mut self, id: i64) -> Result<(), Failed> {
        let sql = format!(
            "SELECT {}.hypopg_drop_index({id})",
            quote_ident(&self.schema)
        );
        self.session.catalog_query(&sql).map(drop).map_err(rejected)
    }

    /// The statement's total cost with the hypothetical indexes in place.
    pub(super) fn cost(&mut self, context: &Context) -> Result<f64, Failed> {
        plan(self.session, context).map(|plan| explain::total_cost(&plan))
    }

    /// The plan with every one of `candidates` in place.
    fn plan_with(&mut self, context: &Context, candidates: &[Candidate]) -> Result<Json, Failed> {
        let mut ids = Vec::new();
        for candidate in candidates {
            ids.push(self.create(candidate)?.0);
        }
        let planned = plan(self.session, context)?;
        for id in ids {
            self.drop_index(id)?;
        }
        Ok(planned)
    }

    /// Plans the statement with each candidate alone, and suggests those
    /// that halve the cost (a pair: that also halve its first column's).
    fn verified(
        &mut self,
        context: &Context,
        candidates: &[Candidate],
        cost_before: f64,
    ) -> Result<Vec<Suggestion>, Failed> {
        let mut tried: Vec<(&Candidate, f64)> = Vec::new();
        let mut suggested = Vec::new();
        for candidate in candidates.iter().take(MAX_CANDIDATES) {
            let (id, size) = self.create(candidate)?;
            let planned = self.cost(context);
            self.drop_index(id)?;
            let cost = planned?;
            let prefix = match candidate.columns.as_slice() {
                [_] => cost_before,
                [first, ..] => tried
                    .iter()
                    .find(|(c, _)| {
                        c.schema == candidate.schema
                            && c.table == candidate.table
                            && c.columns == [first.clone()]
                    })
                    .map_or(cost_before, |(_, cost)| *cost),
                [] => continue,
            };
            tried.push((candidate, cost));
            if cost <= cost_before * FACTOR && cost <= prefix * FACTOR {
                suggested.push(Suggestion {
                    create: format!("{};", create(candidate, true)),
                    table: format!("{}.{}", candidate.schema, candidate.table),
                    columns: candidate.columns.clone(),
                    cost_before: Some(cost_before),
                    cost_after: Some(cost),
                    size_bytes: Some(size),
                    verified: true,
                    why: "the planner chose it as a hypothetical index (hypopg)".into(),
                });
            }
        }
        suggested.sort_by(|a, b| {
            a.cost_after
                .unwrap_or(0.0)
                .total_cmp(&b.cost_after.unwrap_or(0.0))
        });
        Ok(best_per_table(suggested))
    }
}

/// A database error of glance's own hypopg query: no verdict to show.
fn rejected(error: db::Error) -> Failed {
    Failed::Executed(Executed::Rejected { error })
}

/// Candidates of one column compared with a value, ranked by how few rows
/// one value holds (`pg_stats`), on tables of at least [`MIN_ROWS`] rows.
pub(super) fn heuristic(
    session: &mut Session,
    context: &Context,
    columns: &[Column],
    candidates: &[Candidate],
    cost_before: f64,
) -> Result<Vec<Suggestion>, Failed> {
    let filtered: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| {
            c.columns.len() == 1
                && columns.iter().any(|col| {
                    col.schema == c.schema
                        && col.table == c.table
                        && col.name == c.columns[0]
                        && col.usage != Use::Sort
                })
        })
        .collect();
    if filtered.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<String> = filtered
        .iter()
        .map(|c| {
            format!(
                "({}, {}, {})",
                quote_literal(&c.schema),
                quote_literal(&c.table),
                quote_literal(&c.columns[0])
            )
        })
        .collect();
    let sql = format!(
        "SELECT s.schemaname::text, s.tablename::text, s.attname::text, \
           s.null_frac::float8, s.n_distinct::float8, c.reltuples::float8 \
         FROM pg_catalog.pg_stats s \
         JOIN pg_catalog.pg_namespace n ON n.nspname = s.schemaname \
         JOIN pg_catalog.pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename \
         WHERE NOT s.inherited AND (s.schemaname::text, s.tablename::text, s.attname::text) IN ({})",
        wanted.join(", ")
    );
    let (_, rows) = session.catalog_query(&sql).map_err(|e| context.failed(e))?;
    let mut ranked = Vec::new();
    for row in &rows {
        let [
            Value::Text(schema),
            Value::Text(table),
            Value::Text(column),
            Value::Float(null_frac),
            Value::Float(n_distinct),
            Value::Float(reltuples),
        ] = row.as_slice()
        else {
            continue;
        };
        let distinct = if *n_distinct < 0.0 {
            -n_distinct * reltuples
        } else {
            *n_distinct
        };
        if *reltuples < MIN_ROWS as f64 {
            continue;
        }
        let Some((share, why)) = selective(distinct, *null_frac, *reltuples) else {
            continue;
        };
        let candidate = Candidate {
            schema: schema.clone(),
            table: table.clone(),
            columns: vec![column.clone()],
        };
        ranked.push((
            share,
            Suggestion {
                create: format!("{};", create(&candidate, true)),
                table: format!("{schema}.{table}"),
                columns: candidate.columns,
                cost_before: Some(cost_before),
                cost_after: None,
                size_bytes: None,
                verified: false,
                why,
            },
        ));
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(best_per_table(ranked.into_iter().map(|(_, s)| s).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_quotes_what_needs_it() {
        let candidate = Candidate {
            schema: "Sales".into(),
            table: "orders".into(),
            columns: vec!["customer_id".into(), "order".into()],
        };
        assert_eq!(
            create(&candidate, true),
            "CREATE INDEX CONCURRENTLY ON \"Sales\".orders (customer_id, \"order\")"
        );
        assert_eq!(
            create(&candidate, false),
            "CREATE INDEX ON \"Sales\".orders (customer_id, \"order\")"
        );
    }
}
