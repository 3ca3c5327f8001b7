//! The statement tools. `run_read_only_sql` runs a statement only when the
//! classifier verifies it reads, through `Session::execute_into` (the gate,
//! the read-only guard, the journal) with a confirmation that always says
//! no, so even a verdict that changed between the two judgements runs
//! nothing; `explain` plans a read through `analysis::explain` without
//! ANALYZE; `classify_sql` is the classifier's verdict alone.

use serde_json::{Value as Json, json};

use super::rows::Capped;
use super::{Arguments, Limits, Output, Spec, ToolError};
use crate::analysis::explain::{self, Failed};
use crate::gate::Origin;
use crate::one_line;
use crate::safety::{Level, Verdict};
use crate::session::{Confirm, Decision, Executed, Run, Session};

pub(super) fn run_spec() -> Spec {
    Spec {
        name: "run_read_only_sql",
        description: "Run one SQL query that only reads, and get its first rows. Anything glance \
                      cannot verify as read-only is refused with the reasons and runs nothing.",
        parameters: json!({
            "type": "object",
            "properties": {
                "sql": {"type": "string", "description": "the query, in the database's dialect"},
                "max_rows": {"type": "integer", "minimum": 1, "description": "return at most this many rows"}
            },
            "required": ["sql"],
            "additionalProperties": false
        }),
        read_only: true,
    }
}

pub(super) fn explain_spec() -> Spec {
    Spec {
        name: "explain",
        description: "The planner's plan for a read-only query (no ANALYZE: nothing is \
                      executed), with glance's findings such as sequential scans of big tables.",
        parameters: sql_only("the query to plan"),
        read_only: true,
    }
}

pub(super) fn classify_spec() -> Spec {
    Spec {
        name: "classify_sql",
        description: "Judge SQL without running it: level (read_only, write, destructive), \
                      the reasons, and how many statements it holds.",
        parameters: sql_only("the SQL to judge"),
        read_only: true,
    }
}

/// A schema with one required `sql` argument.
pub(super) fn sql_only(description: &str) -> Json {
    json!({
        "type": "object",
        "properties": {"sql": {"type": "string", "description": description}},
        "required": ["sql"],
        "additionalProperties": false
    })
}

pub(super) fn run(
    session: &mut Session,
    arguments: &Arguments,
    limits: &Limits,
) -> Result<Output, ToolError> {
    let (sql, limits) = statement(arguments, limits)?;
    reads_only(session, sql)?;
    let mut output = execute(session, sql, &limits, &mut |_| Decision::Refuse)?;
    output.summary = one_line::call("run_read_only_sql", sql);
    Ok(output)
}

/// The `sql` and `max_rows` arguments, the latter as the row cap.
pub(super) fn statement<'a>(
    arguments: &Arguments<'a>,
    limits: &Limits,
) -> Result<(&'a str, Limits), ToolError> {
    let sql = arguments.text("sql")?;
    let max_rows = arguments
        .count("max_rows", limits.max_rows)?
        .unwrap_or(limits.max_rows);
    Ok((
        sql,
        Limits {
            max_rows,
            ..*limits
        },
    ))
}

/// Runs `sql` through the gate as the model's statement would run
/// (writes asked through `confirm`), keeping the first rows within
/// `limits`: `{"columns", "rows", "truncated", "row_count"}`.
pub(super) fn execute(
    session: &mut Session,
    sql: &str,
    limits: &Limits,
    confirm: Confirm,
) -> Result<Output, ToolError> {
    let mut capped = Capped::new(*limits);
    let run = Run {
        origin: Origin::Generated,
        ..Run::typed(sql)
    };
    match session.execute_into(run, confirm, &mut capped) {
        Executed::Ran(ran) => {
            let truncated = capped.truncated;
            let mut data = capped.json();
            data["row_count"] = json!(ran.rows);
            Ok(Output {
                data,
                summary: one_line::call("run_sql", sql),
                truncated,
            })
        }
        other => Err(not_run(session, other)),
    }
}

/// The error for a statement that did not run.
pub(super) fn not_run(session: &Session, executed: Executed) -> ToolError {
    match executed {
        Executed::Refused { verdict } => refused(verdict),
        Executed::Forbidden { verdict } => {
            let why = session.read_only_refusal(&verdict);
            ToolError::Refused { verdict, why }
        }
        Executed::Declined => {
            ToolError::Declined("declined: the person said no; nothing was run".into())
        }
        Executed::Rejected { error } | Executed::Failed { error, .. } => ToolError::Database(error),
        Executed::Output(error) => {
            ToolError::Declined(format!("could not keep the result: {error}"))
        }
        Executed::Ran(_) => unreachable!("a statement that ran is not an error"),
    }
}

/// `Err` unless the classifier verifies `sql` only reads; a statement glance
/// cannot read is first checked by the database, whose syntax error is the
/// answer then.
fn reads_only(session: &mut Session, sql: &str) -> Result<Verdict, ToolError> {
    let verdict = session.judge(sql, None)?;
    if verdict.level == Level::ReadOnly {
        Ok(verdict)
    } else {
        Err(refused(verdict))
    }
}

fn refused(verdict: Verdict) -> ToolError {
    let why = format!(
        "this is a {} statement ({}), and only statements glance verifies as read-only run here",
        verdict.level.as_str(),
        verdict.reasons.join("; ")
    );
    ToolError::Refused { verdict, why }
}

pub(super) fn explain(session: &mut Session, arguments: &Arguments) -> Result<Output, ToolError> {
    let sql = arguments.text("sql")?;
    reads_only(session, sql)?;
    match explain::explain(session, sql, false, &mut |_| Decision::Refuse) {
        Ok(report) => Ok(Output {
            data: report.json(),
            summary: one_line::call("explain", sql),
            truncated: false,
        }),
        Err(Failed::Executed(executed)) => Err(not_run(session, executed)),
        Err(Failed::Other(message)) => Err(ToolError::Declined(message)),
    }
}

pub(super) fn classify(session: &mut Session, arguments: &Arguments) -> Result<Output, ToolError> {
    let sql = arguments.text("sql")?;
    let verdict = session.classify(sql);
    Ok(Output {
        data: verdict_json(&verdict),
        summary: one_line::call("classify_sql", sql),
        truncated: false,
    })
}

/// `{"level", "reasons", "statements", "rollback_undoes",
/// "advances_sequences", "unreadable"}`.
fn verdict_json(verdict: &Verdict) -> Json {
    json!({
        "level": verdict.level.as_str(),
        "reasons": verdict.reasons,
        "statements": verdict.statements,
        "rollback_undoes": verdict.rollback_undoes,
        "advances_sequences": verdict.advances_sequences,
        "unreadable": verdict.unreadable,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::tests::{call, fail, session};

    #[test]
    fn a_read_runs_and_its_rows_are_capped() {
        let mut session = session();
        let out = call(
            &mut session,
            "run_read_only_sql",
            json!({"sql": "select id from orders order by id", "max_rows": 2}),
        );
        assert_eq!(out.data["rows"], json!([{"id": 1}, {"id": 2}]));
        assert!(out.truncated);
        assert_eq!(
            out.summary,
            "run_read_only_sql(select id from orders order by id)"
        );
        let out = call(
            &mut session,
            "run_read_only_sql",
            json!({"sql": "select count(*) as n from orders"}),
        );
        assert_eq!(out.data["rows"], json!([{"n": 3}]));
        assert!(!out.truncated);
    }

    #[test]
    fn a_write_is_refused_with_its_verdict_and_runs_nothing() {
        let mut session = session();
        for sql in [
            "update orders set status = 'x'",
            "drop table orders",
            "select 1; delete from orders",
        ] {
            let error = fail(&mut session, "run_read_only_sql", json!({"sql": sql}));
            let ToolError::Refused { verdict, .. } = &error else {
                panic!("{sql}: {error:?}");
            };
            assert_ne!(verdict.level, Level::ReadOnly, "{sql}");
            assert!(error.json()["reasons"].is_array());
        }
        let out = call(
            &mut session,
            "run_read_only_sql",
            json!({"sql": "select count(*) as n from orders where status = 'x'"}),
        );
        assert_eq!(out.data["rows"], json!([{"n": 0}]));
    }

    #[test]
    fn a_typo_is_the_databases_error() {
        let mut session = session();
        let error = fail(&mut session, "run_read_only_sql", json!({"sql": "selec 1"}));
        assert!(matches!(error, ToolError::Database(_)), "{error:?}");
        let error = fail(
            &mut session,
            "run_read_only_sql",
            json!({"sql": "select 1", "max_rows": "x"}),
        );
        assert!(
            error.to_string().starts_with("argument \"max_rows\""),
            "{error}"
        );
    }

    #[test]
    fn classify_judges_without_running() {
        let mut session = session();
        let out = call(
            &mut session,
            "classify_sql",
            json!({"sql": "update orders set status = 'x' where id = 1"}),
        );
        assert_eq!(out.data["level"], "write", "{}", out.data);
        let out = call(
            &mut session,
            "classify_sql",
            json!({"sql": "delete from orders"}),
        );
        assert_eq!(out.data["level"], "destructive");
        let out = call(
            &mut session,
            "run_read_only_sql",
            json!({"sql": "select count(*) as n from orders"}),
        );
        assert_eq!(out.data["rows"], json!([{"n": 3}]));
    }

    #[test]
    fn explain_plans_reads_only() {
        let mut session = session();
        let out = call(
            &mut session,
            "explain",
            json!({"sql": "select * from orders where status = 'paid'"}),
        );
        assert!(out.data.is_object(), "{}", out.data);
        let error = fail(
            &mut session,
            "explain",
            json!({"sql": "delete from orders"}),
        );
        assert!(matches!(error, ToolError::Refused { .. }), "{error:?}");
    }
}
