//! Index advice on SQLite. Each candidate is built for real in a
//! transaction that is always rolled back ([`Session::trial`];
//! SQLite's DDL is transactional) and the statement planned again with
//! `EXPLAIN QUERY PLAN`: it is suggested when the plan now searches with it
//! where it scanned a table, or it spares a temporary B-tree. Only on tables
//! of at most [`MAX_ROWS`] rows, on a connection that may write, outside the
//! person's own transaction; otherwise candidates are ranked by a sample of
//! their values and marked unverified. Tables under [`MIN_ROWS`] rows get
//! no suggestion.

use super::candidates::{Candidate, Column, Use};
use super::{Context, MIN_ROWS, Plans, Report, Suggestion, best_per_table, column_list, selective};
use crate::analysis::explain::{self, Failed};
use crate::db::{self, Value};
use crate::ident::quote_ident;
use crate::session::Session;
use crate::session::trial::TrialLimits;

/// Tables up to this many rows get each candidate built and rolled back;
/// building an index reads the whole table while holding the write lock.
pub const MAX_ROWS: i64 = 200_000;
/// The name candidate indexes are built under, inside the rolled-back
/// transaction.
const TRIAL_NAME: &str = "glance_advice_candidate";
/// Rows sampled for the statistics of a suggestion without a check.
const SAMPLE_ROWS: i64 = 10_000;

/// Why a candidate on a table cannot be built and rolled back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Unchecked {
    ReadOnly,
    InTransaction,
    TooBig,
}

impl Unchecked {
    fn note(self, table: &str) -> String {
        match self {
            Unchecked::ReadOnly => {
                "this connection is read-only, and checking a candidate builds it in a \
                 transaction glance rolls back; these suggestions are unverified"
                    .into()
            }
            Unchecked::InTransaction => {
                "a transaction of yours is open, and checking a candidate needs one of glance's \
                 own; these suggestions are unverified (COMMIT or ROLLBACK, then ask again)"
                    .into()
            }
            Unchecked::TooBig => format!(
                "{table} has more than {} rows, too many to build a candidate index on while \
                 holding the write lock; its suggestions are unverified",
                crate::numbers::thousands(MAX_ROWS as u64)
            ),
        }
    }
}

/// Whether candidates on a table of `rows` rows can be checked.
fn checkable(read_only: bool, in_transaction: bool, rows: i64) -> Result<(), Unchecked> {
    if read_only {
        Err(Unchecked::ReadOnly)
    } else if in_transaction {
        Err(Unchecked::InTransaction)
    } else if rows > MAX_ROWS {
        Err(Unchecked::TooBig)
    } else {
        Ok(())
    }
}

pub(super) fn advise(session: &mut Session, context: &Context) -> Result<Report, Failed> {
    let before = context.plan(session)?;
    let before = explain::sqlite_steps(&before);
    let (columns, candidates) = context.candidates(session)?;
    let read_only = session.choice().read_only;
    let in_transaction = session.transaction() != db::Transaction::Idle;
    let mut report = Report {
        sql: context.sql.to_string(),
        hypopg: false,
        suggestions: Vec::new(),
        notes: Vec::new(),
        plans: None,
    };
    let mut tables: Vec<(String, i64)> = Vec::new();
    for candidate in &candidates {
        if !tables.iter().any(|(t, _)| *t == candidate.table) {
            let rows = count(session, context, &candidate.table, None)?;
            tables.push((candidate.table.clone(), rows));
        }
    }
    let mut checked = Vec::new();
    let mut unchecked = Vec::new();
    for candidate in &candidates {
        let rows = tables
            .iter()
            .find(|(t, _)| *t == candidate.table)
            .map_or(0, |(_, rows)| *rows);
        if rows < MIN_ROWS {
            let note = format!(
                "{} has {} rows, few enough to read whole about as fast as through an index",
                candidate.table,
                crate::numbers::thousands(rows.max(0) as u64)
            );
            if !report.notes.contains(&note) {
                report.notes.push(note);
            }
            continue;
        }
        match checkable(read_only, in_transaction, rows) {
            Ok(()) => checked.push(candidate),
            Err(why) => {
                let note = why.note(&candidate.table);
                if !report.notes.contains(&note) {
                    report.notes.push(note);
                }
                unchecked.push((candidate, rows));
            }
        }
    }
    let mut scored: Vec<(Score, Suggestion)> = Vec::new();
    for candidate in checked {
        let after = trial(session, context, std::slice::from_ref(candidate))?;
        let score = score(&before, &after);
        let prefix = scored
            .iter()
            .find(|(_, s)| s.table == candidate.table && s.columns[..] == candidate.columns[..1])
            .map(|(score, _)| *score);
        if score.helps() && prefix.is_none_or(|prefix| score > prefix) {
            scored.push((score, suggestion(candidate, true, score.why())));
        }
    }
    scored.sort_by_key(|(score, _)| std::cmp::Reverse(*score));
    report.suggestions = best_per_table(scored.into_iter().map(|(_, s)| s).collect());
    let tried: Vec<String> = report.suggestions.iter().map(|s| s.table.clone()).collect();
    let mut guessed = heuristic(session, context, &columns, &unchecked)?;
    guessed.retain(|s| !tried.contains(&s.table));
    report.suggestions.extend(guessed);
    if context.plans {
        let verified: Vec<Candidate> = report
            .suggestions
            .iter()
            .filter(|s| s.verified)
            .map(|s| Candidate {
                schema: String::new(),
                table: s.table.clone(),
                columns: s.columns.clone(),
            })
            .collect();
        let after = if verified.is_empty() {
            None
        } else {
            // The trial names read as the names the suggestions give.
            let steps = trial(session, context, &verified)?
                .into_iter()
                .map(|(id, parent, mut detail)| {
                    for (at, candidate) in verified.iter().enumerate().rev() {
                        detail = detail.replace(&trial_name(at), &index_name(candidate));
                    }
                    (id, parent, detail)
                })
                .collect::<Vec<_>>();
            Some(explain::sqlite_report(session, context.sql, &steps))
        };
        report.plans = Some(Plans {
            before: explain::sqlite_report(session, context.sql, &before),
            after,
        });
    }
    Ok(report)
}

/// The plan with `candidates` built, in a transaction rolled back.
fn trial(
    session: &mut Session,
    context: &Context,
    candidates: &[Candidate],
) -> Result<Vec<(i64, i64, String)>, Failed> {
    let setup: Vec<String> = candidates
        .iter()
        .enumerate()
        .map(|(at, c)| {
            format!(
                "CREATE INDEX {} ON {} ({})",
                quote_ident(&trial_name(at)),
                quote_ident(&c.table),
                column_list(&c.columns)
            )
        })
        .collect();
    // The connection's own timeout: building an index reads the whole table.
    let timeout = session.choice().statement_timeout;
    let limits = TrialLimits {
        lock_timeout: timeout,
        statement_timeout: timeout,
    };
    let rows = session
        .trial(limits, |trial| {
            for sql in &setup {
                trial.run(sql)?;
            }
            trial.query(&context.explain_sql)
        })
        .map_err(|e| context.failed(e))?;
    Ok(explain::sqlite_steps(&rows))
}

/// The name trial index `at` is built under.
fn trial_name(at: usize) -> String {
    format!("{TRIAL_NAME}_{at}")
}

/// The name a suggestion gives its index: `table_columns_idx`.
fn index_name(candidate: &Candidate) -> String {
    format!("{}_{}_idx", candidate.table, candidate.columns.join("_"))
}

fn suggestion(candidate: &Candidate, verified: bool, why: String) -> Suggestion {
    Suggestion {
        create: format!(
            "CREATE INDEX {} ON {} ({});",
            quote_ident(&index_name(candidate)),
            quote_ident(&candidate.table),
            column_list(&candidate.columns)
        ),
        table: candidate.table.clone(),
        columns: candidate.columns.clone(),
        cost_before: None,
        cost_after: None,
        size_bytes: None,
        verified,
        why,
    }
}

/// What a candidate changed in the plan, compared field by field in order.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    /// Full scans it turned into searches.
    scans: usize,
    /// Temporary B-trees it spared.
    sorts: usize,
    /// Terms its search constrains (`a=? AND b>?`).
    terms: usize,
}

impl Score {
    fn helps(self) -> bool {
        self.scans > 0 || self.sorts > 0
    }

    fn why(self) -> String {
        let mut parts = Vec::new();
        if self.scans > 0 {
            parts.push("searches with it instead of scanning the table");
        }
        if self.sorts > 0 {
            parts.push("needs no temporary B-tree to sort");
        }
        format!("built and rolled back, the plan {}", parts.join(" and "))
    }
}

fn full_scans(steps: &[(i64, i64, String)]) -> usize {
    steps
        .iter()
        .filter(|(_, _, d)| d.starts_with("SCAN ") && !d.contains(" USING "))
        .count()
}

fn temp_btrees(steps: &[(i64, i64, String)]) -> usize {
    steps
        .iter()
        .filter(|(_, _, d)| d.starts_with("USE TEMP B-TREE"))
        .count()
}

/// How the plan `after` a trial index compares with the one `before`;
/// nothing unless the plan uses the trial index.
fn score(before: &[(i64, i64, String)], after: &[(i64, i64, String)]) -> Score {
    let Some((_, _, using)) = after.iter().find(|(_, _, d)| d.contains(TRIAL_NAME)) else {
        return Score::default();
    };
    Score {
        scans: if using.starts_with("SEARCH ") {
            full_scans(before).saturating_sub(full_scans(after))
        } else {
            0
        },
        sorts: temp_btrees(before).saturating_sub(temp_btrees(after)),
        terms: using.matches('?').count(),
    }
}

/// `count(*)` of `table`, or of its first `limit` rows, in the guard.
fn count(
    session: &mut Session,
    context: &Context,
    table: &str,
    limit: Option<i64>,
) -> Result<i64, Failed> {
    let from = match limit {
        Some(limit) => format!("(SELECT 1 FROM {} LIMIT {limit})", quote_ident(table)),
        None => quote_ident(table).into_owned(),
    };
    let (_, rows) = session
        .catalog_query(&format!("SELECT count(*) FROM {from}"))
        .map_err(|e| context.failed(e))?;
    match rows.first().map(Vec::as_slice) {
        Some([Value::Int(n)]) => Ok(*n),
        _ => Ok(0),
    }
}

/// Unchecked single columns compared with a value, ranked by the distinct
/// values among the first [`SAMPLE_ROWS`] rows of their table.
fn heuristic(
    session: &mut Session,
    context: &Context,
    columns: &[Column],
    unchecked: &[(&Candidate, i64)],
) -> Result<Vec<Suggestion>, Failed> {
    let mut ranked = Vec::new();
    for (candidate, rows) in unchecked {
        let [column] = candidate.columns.as_slice() else {
            continue;
        };
        let compared = columns
            .iter()
            .any(|c| c.table == candidate.table && &c.name == column && c.usage != Use::Sort);
        if !compared {
            continue;
        }
        let sql = format!(
            "SELECT count(DISTINCT {c}), count({c}), count(*) FROM (SELECT {c} FROM {t} LIMIT {SAMPLE_ROWS})",
            c = quote_ident(column),
            t = quote_ident(&candidate.table)
        );
        let (_, found) = session.catalog_query(&sql).map_err(|e| context.failed(e))?;
        let Some(
            [
                Value::Int(distinct),
                Value::Int(filled),
                Value::Int(sampled),
            ],
        ) = found.first().map(Vec::as_slice)
        else {
            continue;
        };
        if *sampled == 0 {
            continue;
        }
        let null_frac = 1.0 - *filled as f64 / *sampled as f64;
        let Some((share, _)) = selective(*distinct as f64, null_frac, *sampled as f64) else {
            continue;
        };
        let why = format!(
            "from a sample: {} distinct values in its first {} of {} rows",
            crate::numbers::thousands(*distinct as u64),
            crate::numbers::thousands(*sampled as u64),
            crate::numbers::thousands(*rows as u64)
        );
        ranked.push((share, suggestion(candidate, false, why)));
    }
    ranked.sort_by(|a, b| a.0.total_cmp(&b.0));
    Ok(best_per_table(ranked.into_iter().map(|(_, s)| s).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps(details: &[&str]) -> Vec<(i64, i64, String)> {
        details
            .iter()
            .enumerate()
            .map(|(at, d)| (at as i64 + 2, 0, d.to_string()))
            .collect()
    }

    #[test]
    fn checking_needs_a_writable_connection_no_open_transaction_and_a_small_table() {
        assert_eq!(checkable(false, false, MAX_ROWS), Ok(()));
        assert_eq!(
            checkable(false, false, MAX_ROWS + 1),
            Err(Unchecked::TooBig)
        );
        assert_eq!(checkable(true, false, 10), Err(Unchecked::ReadOnly));
        assert_eq!(checkable(false, true, 10), Err(Unchecked::InTransaction));
    }

    #[test]
    fn a_search_replacing_a_scan_or_a_spared_sort_helps() {
        let before = steps(&["SCAN o", "USE TEMP B-TREE FOR ORDER BY"]);
        let search = score(
            &before,
            &steps(&[
                "SEARCH o USING INDEX glance_advice_candidate_0 (customer_id=?)",
                "USE TEMP B-TREE FOR ORDER BY",
            ]),
        );
        assert_eq!(
            search,
            Score {
                scans: 1,
                sorts: 0,
                terms: 1
            }
        );
        assert!(search.helps());
        let pair = score(
            &before,
            &steps(&[
                "SEARCH o USING INDEX glance_advice_candidate_0 (customer_id=? AND status=?)",
            ]),
        );
        assert!(pair > search);
        let sorted = score(
            &before,
            &steps(&["SCAN o USING INDEX glance_advice_candidate_0"]),
        );
        assert_eq!(sorted.sorts, 1);
        assert_eq!(sorted.scans, 0);
        assert!(!score(&before, &before).helps());
        assert_eq!(
            pair.why(),
            "built and rolled back, the plan searches with it instead of scanning the table and needs no temporary B-tree to sort"
        );
    }
}
