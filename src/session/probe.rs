//! What glance reads from the database before asking about a write, inside
//! the read-only guard and never evaluating the statement itself: whether a
//! preview is safe (no hidden code runs with the write) and the planner's
//! estimate of the rows it touches.

use super::Session;
use crate::db::{self, Guard, RowFlow, RowSink};
use crate::safety::{Level, Verdict};

impl Session {
    /// Whether the person may preview `verdict`'s statement in a transaction
    /// that is rolled back unless they confirm: the backend can, the
    /// statement is one whose every effect a rollback undoes (see
    /// [`Verdict::rollback_undoes`]), and nothing the statement cannot show
    /// runs with it (see [`Session::hidden_code_free`]).
    pub(super) fn can_preview(&mut self, verdict: &Verdict) -> bool {
        verdict.rollback_undoes
            && verdict.statements == 1
            && self.backend.can_preview()
            && self.hidden_code_free()
    }

    /// Whether the database holds nothing a write runs without naming it:
    /// no user trigger (its function may be any code), no rewrite rule of a
    /// user table (`DO ALSO NOTIFY` …), no row-level security policy, no
    /// constraint, default or index that calls a user function, and no
    /// foreign table (another server's rollback is not this one's). Asked
    /// inside the read-only guard; an answer that cannot be had counts as no.
    fn hidden_code_free(&mut self) -> bool {
        // Every name and operator qualified: the session's search_path may
        // put another schema first.
        const QUERY: &str = "SELECT NOT EXISTS (SELECT FROM pg_catalog.pg_trigger \
                                                WHERE NOT tgisinternal) \
                                AND NOT EXISTS (SELECT FROM pg_catalog.pg_rewrite \
                                                WHERE ev_class OPERATOR(pg_catalog.>=) \
                                                      16384::pg_catalog.oid \
                                                  AND rulename OPERATOR(pg_catalog.<>) \
                                                      '_RETURN'::pg_catalog.name) \
                                AND NOT EXISTS (SELECT FROM pg_catalog.pg_policy) \
                                AND NOT EXISTS (SELECT FROM pg_catalog.pg_depend \
                                    WHERE refclassid OPERATOR(pg_catalog.=) \
                                          'pg_catalog.pg_proc'::pg_catalog.regclass \
                                      AND refobjid OPERATOR(pg_catalog.>=) 16384::pg_catalog.oid \
                                      AND classid OPERATOR(pg_catalog.=) ANY (ARRAY[ \
                                          'pg_catalog.pg_attrdef'::pg_catalog.regclass, \
                                          'pg_catalog.pg_constraint'::pg_catalog.regclass, \
                                          'pg_catalog.pg_class'::pg_catalog.regclass])) \
                                AND NOT EXISTS (SELECT FROM pg_catalog.pg_foreign_table)";
        let guard = Guard::ReadOnly {
            statement_timeout: self.choice.statement_timeout,
        };
        let mut answer = Collect::default();
        if self.backend.run(QUERY, &[], guard, &mut answer).is_err() {
            return false;
        }
        matches!(
            answer.rows.first().and_then(|row| row.first()),
            Some(db::Value::Bool(true))
        )
    }

    /// The planner's estimate of rows a write touches, from a plain EXPLAIN
    /// (never ANALYZE) inside the read-only guard; `None` on SQLite, for
    /// reads, or when the plan cannot be had. It runs before the person
    /// answers, so only when glance judges that EXPLAIN itself read-only:
    /// planning evaluates calls (and `EXPLAIN EXECUTE` its parameters), and
    /// nothing may be evaluated before consent.
    pub(super) fn estimate_rows(&mut self, sql: &str, level: Level) -> Option<u64> {
        if level == Level::ReadOnly || self.info().dialect != db::Dialect::Postgres {
            return None;
        }
        let explain = format!("EXPLAIN (FORMAT JSON) {sql}");
        let judged = self.classify(&explain);
        if judged.level != Level::ReadOnly || judged.statements != 1 {
            return None;
        }
        let guard = Guard::ReadOnly {
            statement_timeout: self.choice.statement_timeout,
        };
        let mut plan = Collect::default();
        self.backend.run(&explain, &[], guard, &mut plan).ok()?;
        let text = match plan.rows.first()?.first()? {
            db::Value::Json(text) | db::Value::Text(text) => text.clone(),
            _ => return None,
        };
        plan_rows(&serde_json::from_str(&text).ok()?)
    }
}

/// Keeps every row of a small result.
#[derive(Default)]
pub(super) struct Collect {
    pub(super) columns: Vec<db::Column>,
    pub(super) rows: Vec<db::Row>,
}

impl RowSink for Collect {
    fn columns(&mut self, columns: &[db::Column]) -> RowFlow {
        self.columns = columns.to_vec();
        RowFlow::Continue
    }

    fn rows(&mut self, mut rows: Vec<db::Row>) -> RowFlow {
        self.rows.append(&mut rows);
        RowFlow::Continue
    }
}

/// Rows the planner expects a statement to touch, from `EXPLAIN (FORMAT
/// JSON)`: for INSERT/UPDATE/DELETE/MERGE the rows fed to the modify node.
fn plan_rows(explain: &serde_json::Value) -> Option<u64> {
    let plan = explain.get(0)?.get("Plan")?;
    let node = match plan.get("Node Type")?.as_str()? {
        "ModifyTable" => plan.get("Plans")?.get(0)?,
        _ => plan,
    };
    node.get("Plan Rows")?
        .as_f64()
        .map(|rows| rows.round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_rows_reads_the_node_under_modify_table() {
        let update = serde_json::json!([{"Plan": {"Node Type": "ModifyTable", "Plan Rows": 0,
            "Plans": [{"Node Type": "Seq Scan", "Plan Rows": 1234.0}]}}]);
        assert_eq!(plan_rows(&update), Some(1234));
        let select = serde_json::json!([{"Plan": {"Node Type": "Seq Scan", "Plan Rows": 7}}]);
        assert_eq!(plan_rows(&select), Some(7));
        assert_eq!(plan_rows(&serde_json::json!({})), None);
    }
}
