//! The analysis tools, each the JSON form of a command the person has:
//! `slow_queries` (`\slow`), `index_advice` (`\indexes advise`) and
//! `check_quality` (`\check`). They read through the analysis modules,
//! which use the session's guarded paths.

use serde_json::{Value as Json, json};

use super::sql::sql_only;
use super::{Arguments, Limits, Output, Spec, ToolError};
use crate::analysis::explain::Failed;
use crate::analysis::{advise, check, slow};
use crate::one_line;
use crate::session::Session;

/// Statements listed when the caller names no limit.
const DEFAULT_SLOW: usize = 10;

pub(super) fn slow_spec() -> Spec {
    Spec {
        name: "slow_queries",
        description: "The statements that took the most time (pg_stat_statements, \
                      performance_schema, or glance's own history), with calls and times.",
        parameters: json!({
            "type": "object",
            "properties": {
                "order": {"type": "string", "enum": ["total", "mean", "io"], "description": "default total"},
                "limit": {"type": "integer", "minimum": 1, "description": "default 10"}
            },
            "additionalProperties": false
        }),
        read_only: true,
    }
}

pub(super) fn advice_spec() -> Spec {
    Spec {
        name: "index_advice",
        description: "Indexes that would make one query cheaper, checked with the planner \
                      where hypopg is installed (PostgreSQL) and on SQLite. Leaves nothing \
                      behind; on SQLite each candidate is built in a transaction that is \
                      always rolled back, which holds the database file's write lock \
                      meanwhile.",
        parameters: sql_only("the query to advise on"),
        read_only: true,
    }
}

pub(super) fn check_spec() -> Spec {
    Spec {
        name: "check_quality",
        description: "Data-quality checks on one table or all: orphaned foreign keys, \
                      unexpected nulls, duplicates in key-like columns, check violations, \
                      out-of-range amounts, spelling variants in categories.",
        parameters: json!({
            "type": "object",
            "properties": {"table": {"type": "string", "description": "default: every table"}},
            "additionalProperties": false
        }),
        read_only: true,
    }
}

pub(super) fn slow(
    session: &mut Session,
    arguments: &Arguments,
    limits: &Limits,
) -> Result<Output, ToolError> {
    let word = arguments.optional_text("order")?.unwrap_or("total");
    let order = slow::Order::named(word)
        .ok_or_else(|| super::bad("order", "expected one of total, mean, io"))?;
    let limit = arguments
        .count("limit", limits.max_rows)?
        .unwrap_or(DEFAULT_SLOW.min(limits.max_rows));
    let report = slow::gather(session, order, limit)?;
    Ok(Output {
        data: parsed(&report.json()),
        summary: one_line::call("slow_queries", word),
        truncated: false,
    })
}

pub(super) fn advice(session: &mut Session, arguments: &Arguments) -> Result<Output, ToolError> {
    let sql = arguments.text("sql")?;
    match advise::advise(session, sql, false) {
        Ok(report) => Ok(Output {
            data: report.json(),
            summary: one_line::call("index_advice", sql),
            truncated: false,
        }),
        Err(Failed::Executed(executed)) => Err(super::sql::not_run(session, executed)),
        Err(Failed::Other(message)) => Err(ToolError::Declined(message)),
    }
}

pub(super) fn check(
    session: &mut Session,
    arguments: &Arguments,
    limits: &Limits,
) -> Result<Output, ToolError> {
    let table = arguments.optional_text("table")?;
    let options = check::Options {
        table: table.map(str::to_string),
        ..check::Options::default()
    };
    let report = check::run(session, &options)?;
    let mut data = report.json();
    let truncated = cap_list(&mut data["checks"], limits.max_rows);
    Ok(Output {
        data,
        summary: one_line::call("check_quality", table.unwrap_or("")),
        truncated,
    })
}

/// Keeps the first `most` entries of a list; whether any were left out.
fn cap_list(list: &mut Json, most: usize) -> bool {
    match list.as_array_mut() {
        Some(items) if items.len() > most => {
            items.truncate(most);
            true
        }
        _ => false,
    }
}

/// A report's JSON text as data.
fn parsed(text: &str) -> Json {
    serde_json::from_str(text).unwrap_or_else(|_| Json::String(text.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::tests::{call, fail, session};

    #[test]
    fn slow_queries_reads_the_history_on_sqlite() {
        let mut session = session();
        let out = call(
            &mut session,
            "slow_queries",
            json!({"order": "mean", "limit": 3}),
        );
        assert_eq!(out.data["source"], "history");
        let error = fail(&mut session, "slow_queries", json!({"order": "fast"}));
        assert_eq!(
            error.to_string(),
            "argument \"order\": expected one of total, mean, io"
        );
    }

    #[test]
    fn index_advice_suggests_for_a_filter() {
        let mut session = session();
        let out = call(
            &mut session,
            "index_advice",
            json!({"sql": "select * from orders where status = 'paid'"}),
        );
        assert!(out.data["suggestions"].is_array(), "{}", out.data);
        let error = fail(&mut session, "index_advice", json!({}));
        assert_eq!(error.to_string(), "argument \"sql\": is required");
    }

    #[test]
    fn check_quality_runs_on_one_table_or_says_which_is_missing() {
        let mut session = session();
        let out = call(&mut session, "check_quality", json!({"table": "orders"}));
        assert!(out.data["checks"].is_array(), "{}", out.data);
        assert!(
            fail(&mut session, "check_quality", json!({"table": "nope"}))
                .to_string()
                .contains("nope")
        );
    }

    #[test]
    fn lists_are_capped() {
        let mut list = json!([1, 2, 3]);
        assert!(cap_list(&mut list, 2));
        assert_eq!(list, json!([1, 2]));
        assert!(!cap_list(&mut list, 2));
    }
}
