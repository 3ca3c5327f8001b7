//! Generic plans for text with parameters (`$1`, `$2`, as
//! pg_stat_statements stores it), which no single set of values stands
//! for. PostgreSQL before 16 has no `EXPLAIN (GENERIC_PLAN)`, so the text
//! is prepared, explained as an `EXECUTE` with a NULL per parameter while
//! the plan cache makes generic plans, and deallocated on every way out.
//! The classifier judges the statement's EXPLAIN first (a statement it
//! does not rate read-only is never prepared), and all three steps run
//! through the session's read-only guard.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::Value as Json;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use super::explain::{Failed, read_plan};
use crate::db::{self, Dialect};
use crate::safety::Level;
use crate::session::{Executed, Session};

/// Numbers the prepared statements of this process, so none meets another.
static PREPARED: AtomicU64 = AtomicU64::new(1);

/// SQLSTATE `duplicate_prepared_statement`: the name was someone else's,
/// which glance must not deallocate.
const DUPLICATE_PREPARED: &str = "42P05";

/// Whether `sql` holds a `$N` parameter outside strings, comments and
/// quoted names.
pub fn is_parameterised(sql: &str) -> bool {
    parameters(sql) > 0
}

/// The highest `$N` parameter of `sql` (the number of values an
/// `EXECUTE` of it takes); 0 when there is none or the text cannot be
/// tokenized.
fn parameters(sql: &str) -> usize {
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize() else {
        return 0;
    };
    tokens
        .iter()
        .filter_map(|token| match token {
            Token::Placeholder(name) => name.strip_prefix('$')?.parse::<usize>().ok(),
            _ => None,
        })
        .max()
        .unwrap_or(0)
}

/// PostgreSQL's `EXPLAIN (FORMAT JSON)` of `sql` planned for any values of
/// its parameters (text without parameters gets its one plan). `sql` is one
/// statement PostgreSQL can prepare (SELECT, INSERT, UPDATE, DELETE, MERGE,
/// VALUES); planning it must rate read-only, since nobody is asked.
pub fn plan(session: &mut Session, sql: &str) -> Result<Json, Failed> {
    let sql = sql.trim().trim_end_matches(';').trim_end();
    if session.info().dialect != Dialect::Postgres {
        return Err(Failed::Other("generic plans need PostgreSQL".into()));
    }
    let verdict = session
        .judge(&format!("EXPLAIN (FORMAT JSON) {sql}"), None)
        .map_err(|error| Failed::Executed(Executed::Rejected { error }))?;
    if verdict.statements != 1 {
        return Err(Failed::Other("give one statement at a time".into()));
    }
    if verdict.level != Level::ReadOnly {
        return Err(Failed::Other(format!(
            "not planned: glance plans text with parameters only when planning it can only \
             read, and this {} statement may not ({}); put values in place of the parameters \
             and explain that",
            verdict.level.as_str(),
            verdict.reasons.join("; ")
        )));
    }
    let name = format!(
        "glance_generic_{}",
        PREPARED.fetch_add(1, Ordering::Relaxed)
    );
    let prefix = format!("PREPARE {name} AS ");
    let prepared = session
        .catalog_query(&format!("{prefix}{sql}"))
        .map_err(|error| from_prefixed(error, &prefix));
    if let Err(db::Error::Server(server)) = &prepared
        && server.sqlstate.as_deref() == Some(DUPLICATE_PREPARED)
    {
        return Err(Failed::Other(format!(
            "a prepared statement named {name} already exists in this session; \
             DEALLOCATE it and try again"
        )));
    }
    let planned = prepared.and_then(|_| {
        let nulls = vec!["NULL"; parameters(sql)].join(", ");
        let execute = if nulls.is_empty() {
            format!("EXECUTE {name}")
        } else {
            format!("EXECUTE {name}({nulls})")
        };
        session.generic_plan_query(&format!("EXPLAIN (FORMAT JSON) {execute}"))
    });
    // Always, also after an error or Ctrl-C: a PREPARE outlives the
    // rollback of the guard's transaction. When PREPARE itself failed
    // there is nothing to free, and this fails harmlessly.
    let freed = session.catalog_query(&format!("DEALLOCATE {name}"));
    let (_, rows) = planned.map_err(|error| {
        Failed::Executed(Executed::Failed {
            verdict: verdict.clone(),
            error,
            shown: false,
        })
    })?;
    freed.map_err(|error| {
        Failed::Other(format!(
            "the plan was made, but freeing its prepared statement {name} failed: {error}"
        ))
    })?;
    read_plan(&rows)
}

/// A server error about `PREPARE name AS sql`, placed in `sql`.
fn from_prefixed(mut error: db::Error, prefix: &str) -> db::Error {
    if let db::Error::Server(server) = &mut error {
        let before = prefix.chars().count();
        server.position = server.position.map(|p| p.saturating_sub(before).max(1));
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_count_placeholders_in_code_only() {
        let cases = [
            ("select * from t where id = $1", 1),
            ("select $2, $1 from t where a in ($3, $12)", 12),
            ("select 1", 0),
            ("select '$1' from t", 0),
            ("select \"$1\" from t", 0),
            ("select 1 -- where id = $1", 0),
            ("select /* $1 */ 1", 0),
            ("select $$ $1 $$, $tag$ $2 $tag$", 0),
            ("select E'\\' $1' from t", 0),
            ("select * from t where id = ?", 0),
            ("select 'unterminated $1", 0),
            ("select x::text from t where y = $1 -- $2", 1),
        ];
        for (sql, expected) in cases {
            assert_eq!(parameters(sql), expected, "{sql}");
            assert_eq!(is_parameterised(sql), expected > 0, "{sql}");
        }
    }

    #[test]
    fn an_error_position_counts_from_the_start_of_the_statement() {
        let server = |position| {
            db::Error::Server(Box::new(db::ServerError {
                severity: None,
                sqlstate: None,
                message: "syntax error".into(),
                detail: None,
                hint: None,
                position,
            }))
        };
        let placed = |error| match error {
            db::Error::Server(server) => server.position,
            _ => unreachable!(),
        };
        let prefix = "PREPARE glance_generic_1 AS ";
        assert_eq!(placed(from_prefixed(server(Some(36)), prefix)), Some(8));
        assert_eq!(placed(from_prefixed(server(None), prefix)), None);
    }
}
