//! `\indexes advise` and `glance indexes advise`: the indexes that would
//! make one statement cheaper. Candidates come from the statement's syntax
//! tree ([`candidates`]); PostgreSQL tries each as a hypothetical index
//! (hypopg) and compares the planner's costs ([`postgres`]), SQLite builds
//! each in a transaction it rolls back and compares query plans
//! ([`sqlite`]). Without either check the suggestions come from statistics
//! and say they are unverified. The statement is judged by the classifier
//! first and only ever planned, never run; glance creates no index here
//! (the REPL offers to, through the gate).

mod candidates;
mod greedy;
mod postgres;
mod sqlite;
pub mod workload;

use serde_json::{Value as Json, json};

use super::explain::{self, Failed};
use crate::db::{self, Dialect};
use crate::escape;
use crate::ident::quote_ident;
use crate::numbers::thousands;
use crate::safety::{Level, Verdict};
use crate::session::{Executed, Session};

/// Share of the rows one value may hold for its column to be worth an
/// index by statistics alone: a three-value `status` is not.
const MAX_SHARE: f64 = 0.1;
/// A table of fewer rows is read whole about as fast as through an index:
/// nothing is suggested for it (SQLite), or not from statistics alone
/// (PostgreSQL, where the planner's cost already says so when verified).
const MIN_ROWS: i64 = 1_000;

/// One index worth creating.
#[derive(Clone, Debug, PartialEq)]
pub struct Suggestion {
    /// The statement that creates it; glance runs it only when asked in the REPL.
    pub create: String,
    /// `schema.table` on PostgreSQL, the table on SQLite.
    pub table: String,
    pub columns: Vec<String>,
    /// The planner's total cost without and with it (PostgreSQL).
    pub cost_before: Option<f64>,
    pub cost_after: Option<f64>,
    /// Its estimated size (hypopg).
    pub size_bytes: Option<i64>,
    /// Whether the database's planner chose it; false for suggestions
    /// from statistics alone.
    pub verified: bool,
    /// What showed it helps, in words.
    pub why: String,
}

impl Suggestion {
    /// `Suggested index on TABLE (COLUMNS)`, with the planner's costs before
    /// and after when `costs` (and known), and its size when known.
    fn title(&self, costs: bool) -> String {
        let mut line = format!(
            "{} index on {} ({})",
            if self.verified {
                "Suggested"
            } else {
                "Unverified suggestion:"
            },
            self.table,
            self.columns.join(", ")
        );
        if let (true, Some(before), Some(after)) = (costs, self.cost_before, self.cost_after) {
            line.push_str(&format!(": cost {before:.2} → {after:.2}"));
            if before > 0.0 {
                let saved = (100.0 * (1.0 - after / before)).floor();
                line.push_str(&format!(" (-{saved:.0}%)"));
            }
        }
        if let Some(bytes) = self.size_bytes {
            line.push_str(&format!(", about {}", crate::numbers::pg_size(bytes)));
        }
        line
    }

    /// `{"create", "table", "columns", "cost_before", "cost_after",
    /// "size_bytes", "verified", "why"}`.
    fn json(&self) -> Json {
        json!({
            "create": self.create,
            "table": self.table,
            "columns": self.columns,
            "cost_before": self.cost_before,
            "cost_after": self.cost_after,
            "size_bytes": self.size_bytes,
            "verified": self.verified,
            "why": self.why,
        })
    }
}

/// The notes, escaped, one a line.
fn notes_text(notes: &[String]) -> String {
    let mut out = String::new();
    for note in notes {
        out.push_str(&escape::visible(note));
        out.push('\n');
    }
    out
}

/// The plan before and after, when asked for.
#[derive(Clone, Debug)]
pub struct Plans {
    pub before: explain::Report,
    /// With every suggested index in place (hypothetical or rolled back).
    pub after: Option<explain::Report>,
}

/// What `\indexes advise` found for one statement.
#[derive(Clone, Debug)]
pub struct Report {
    pub sql: String,
    /// Whether hypopg verified the PostgreSQL suggestions (false on SQLite).
    pub hypopg: bool,
    pub suggestions: Vec<Suggestion>,
    /// What the person should know: why nothing is suggested, how to get
    /// verified suggestions.
    pub notes: Vec<String>,
    pub plans: Option<Plans>,
}

impl Report {
    /// The suggestions with their statements, the notes, then the plans.
    pub fn text(&self) -> String {
        let mut out = notes_text(&self.notes);
        if self.suggestions.is_empty() {
            out.push_str("No index to suggest.\n");
        }
        for s in &self.suggestions {
            out.push_str(&escape::visible(&s.title(true)));
            out.push_str("\n  ");
            out.push_str(&escape::visible(&s.why));
            out.push_str("\n  ");
            out.push_str(&escape::visible(&s.create));
            out.push('\n');
        }
        if let Some(plans) = &self.plans {
            out.push_str("\nPlan before:\n");
            push_tree(&mut out, &plans.before);
            if let Some(after) = &plans.after {
                out.push_str("Plan with the suggested indexes:\n");
                push_tree(&mut out, after);
            }
        }
        out
    }

    /// `{"sql", "hypopg", "suggestions": [{"create", "table", "columns",
    /// "cost_before", "cost_after", "size_bytes", "verified", "why"}],
    /// "notes", "plans": {"before", "after"}}` (`plans` when asked).
    pub fn json(&self) -> Json {
        let suggestions: Vec<Json> = self.suggestions.iter().map(Suggestion::json).collect();
        let mut doc = json!({
            "sql": self.sql,
            "hypopg": self.hypopg,
            "suggestions": suggestions,
            "notes": self.notes,
        });
        if let Some(plans) = &self.plans {
            doc["plans"] = json!({
                "before": plans.before.plan,
                "after": plans.after.as_ref().map(|after| &after.plan),
            });
        }
        doc
    }
}

fn push_tree(out: &mut String, report: &explain::Report) {
    for line in &report.tree {
        out.push_str("  ");
        out.push_str(&escape::visible(line));
        out.push('\n');
    }
}

/// Suggests indexes for `sql` on the session's database, with the plans
/// before and after when `plans`. The statement is judged first: one the
/// connection forbids is never planned.
pub fn advise(session: &mut Session, sql: &str, plans: bool) -> Result<Report, Failed> {
    let sql = sql.trim().trim_end_matches(';').trim_end();
    if sql.is_empty() {
        return Err(Failed::Other("there is no statement to advise on".into()));
    }
    let adviser = match session.info().dialect {
        Dialect::Postgres => postgres::advise,
        Dialect::Sqlite => sqlite::advise,
        Dialect::Mysql => {
            return Err(Failed::Other(
                "index advice needs PostgreSQL or SQLite: MySQL and MariaDB cannot plan with an \
                 index that is not built; \\explain shows the plan"
                    .into(),
            ));
        }
    };
    let context = Context::new(session, sql, plans)?;
    adviser(session, &context)
}

/// What both databases' advisers share.
struct Context<'a> {
    sql: &'a str,
    /// The statement's EXPLAIN, which the classifier rates read-only.
    explain_sql: String,
    plans: bool,
    /// The classifier's verdict on the statement, for errors.
    verdict: Verdict,
}

impl<'a> Context<'a> {
    /// `sql` judged for advice: a statement the connection forbids, or
    /// whose planning the classifier does not rate read-only, is refused.
    fn new(session: &mut Session, sql: &'a str, plans: bool) -> Result<Self, Failed> {
        let verdict = session.screen(sql).map_err(Failed::Executed)?;
        let explain_sql = match session.info().dialect {
            Dialect::Postgres => format!("EXPLAIN (FORMAT JSON) {sql}"),
            Dialect::Sqlite => format!("EXPLAIN QUERY PLAN {sql}"),
            Dialect::Mysql => format!("EXPLAIN {sql}"),
        };
        // Advice plans the statement once per candidate without asking:
        // only a plan the classifier can verify is read-only will do.
        let planned = session.classify(&explain_sql);
        if planned.level != Level::ReadOnly {
            return Err(Failed::Other(format!(
                "planning this statement may run code glance cannot verify ({}), and index \
                 advice plans it many times without asking; \\explain plans it once, asking first",
                planned.reasons.join("; ")
            )));
        }
        Ok(Context {
            sql,
            explain_sql,
            plans,
            verdict,
        })
    }

    /// The statement's plan, read in the read-only guard.
    fn plan(&self, session: &mut Session) -> Result<Vec<db::Row>, Failed> {
        session
            .catalog_query(&self.explain_sql)
            .map(|(_, rows)| rows)
            .map_err(|e| self.failed(e))
    }

    /// A database error as the front ends show one.
    fn failed(&self, error: db::Error) -> Failed {
        Failed::Executed(Executed::Failed {
            verdict: self.verdict.clone(),
            error,
            shown: false,
        })
    }

    /// The columns the statement filters, joins or sorts on, and the
    /// candidates no index covers yet.
    fn candidates(
        &self,
        session: &mut Session,
    ) -> Result<(Vec<candidates::Column>, Vec<candidates::Candidate>), Failed> {
        let dialect = session.info().dialect;
        let catalog = session.catalog().map_err(|e| self.failed(e))?;
        let columns = candidates::columns(self.sql, dialect, catalog).map_err(|_| {
            Failed::Other(
                "index advice reads one SELECT, UPDATE or DELETE; give one, e.g. \\indexes advise \
                 SELECT * FROM orders WHERE customer_id = 42"
                    .into(),
            )
        })?;
        let all = candidates::candidates(&columns, |candidate| {
            catalog
                .relations
                .iter()
                .find(|r| r.schema == candidate.schema && r.name == candidate.table)
                .is_some_and(|r| candidates::covered(r, &candidate.columns))
        });
        Ok((columns, all))
    }
}

/// The quoted column list of an index.
fn column_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote_ident(c).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Keeps the best suggestion of each table (the first of those listed
/// best first), so two indexes never compete for one table's scan.
fn best_per_table(sorted: Vec<Suggestion>) -> Vec<Suggestion> {
    let mut kept: Vec<Suggestion> = Vec::new();
    for suggestion in sorted {
        if !kept.iter().any(|k| k.table == suggestion.table) {
            kept.push(suggestion);
        }
    }
    kept
}

/// A column by its statistics, for suggestions without a check: the
/// share of rows one value holds, when it is small enough to be worth an
/// index, and the words that say why.
fn selective(distinct: f64, null_frac: f64, rows: f64) -> Option<(f64, String)> {
    if distinct <= 0.0 {
        return None;
    }
    let share = (1.0 - null_frac) / distinct;
    (share <= MAX_SHARE).then(|| {
        (
            share,
            format!(
                "from statistics: about {} distinct values in {} rows",
                thousands(distinct.round() as u64),
                thousands(rows.round() as u64)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suggestion(table: &str, columns: &[&str], verified: bool) -> Suggestion {
        Suggestion {
            create: format!("CREATE INDEX ON {table} ({});", columns.join(", ")),
            table: table.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            cost_before: verified.then_some(400.0),
            cost_after: verified.then_some(100.0),
            size_bytes: verified.then_some(450_560),
            verified,
            why: "because".into(),
        }
    }

    #[test]
    fn text_and_json_show_each_suggestion_with_its_numbers() {
        let report = Report {
            sql: "select 1".into(),
            hypopg: true,
            suggestions: vec![
                suggestion("public.orders", &["customer_id"], true),
                suggestion("public.items", &["sku"], false),
            ],
            notes: vec!["a note".into()],
            plans: None,
        };
        let text = report.text();
        assert!(
            text.contains(
                "Suggested index on public.orders (customer_id): cost 400.00 → 100.00 (-75%), about 440 kB\n  because\n  CREATE INDEX ON public.orders (customer_id);"
            ),
            "{text}"
        );
        assert!(text.contains("Unverified suggestion: index on public.items (sku)\n"));
        assert!(text.starts_with("a note\n"));
        let json = report.json();
        assert_eq!(json["suggestions"][0]["size_bytes"], 450_560);
        assert_eq!(json["suggestions"][1]["cost_after"], Json::Null);
        assert_eq!(json["suggestions"][1]["verified"], false);
        assert!(json.get("plans").is_none());
    }

    #[test]
    fn one_suggestion_per_table_and_low_selectivity_is_dropped() {
        let kept = best_per_table(vec![
            suggestion("t", &["a", "b"], true),
            suggestion("t", &["a"], true),
            suggestion("u", &["c"], true),
        ]);
        let shown: Vec<_> = kept.iter().map(|s| s.columns.join(",")).collect();
        assert_eq!(shown, ["a,b", "c"]);
        assert!(selective(3.0, 0.0, 20_000.0).is_none(), "a 3-value status");
        let (share, why) = selective(2_000.0, 0.0, 20_000.0).unwrap();
        assert_eq!(share, 0.0005);
        assert_eq!(
            why,
            "from statistics: about 2,000 distinct values in 20,000 rows"
        );
        assert!(selective(0.0, 0.0, 10.0).is_none());
    }
}
