//! One statement through the binary protocol (prepare, execute, close),
//! its rows streamed to a [`RowSink`] chunk by chunk as they arrive.
//!
//! Invariant: statement text reaches the server only as a prepared
//! statement, so one call runs at most one statement, and the statement
//! is closed afterwards whatever happened.

use std::sync::Arc;
use std::time::{Duration, Instant};

use mysql::Conn;
use mysql::prelude::Queryable;

use super::value::{Kind, type_name};
use crate::db::postgres::deadline::Budget;
use crate::db::{Column, OutcomeKind, Param, Row, RowFlow, RowSink, whole_number};

/// Rows handed to the sink at a time.
const CHUNK_ROWS: usize = 500;

/// Time spent waiting for the server (not in the sink).
#[derive(Default)]
pub struct Clock {
    pub total: Duration,
    /// The statement-timeout budget of a guarded statement whose sink may
    /// wait for a person: paused while it does.
    pub budget: Option<Arc<Budget>>,
}

impl Clock {
    pub fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.total += start.elapsed();
        out
    }
}

/// Prepares, runs and closes `sql`, streaming any rows into `sink`. When
/// the sink stops early, `stop` ends the statement on the server (`KILL
/// QUERY`), so the rest of the result is not read just to be dropped.
pub fn run(
    conn: &mut Conn,
    sql: &str,
    params: &[Param],
    sink: &mut dyn RowSink,
    clock: &mut Clock,
    stop: &dyn Fn(),
) -> Result<OutcomeKind, mysql::Error> {
    let stmt = clock.time(|| conn.prep(sql))?;
    let outcome = execute(conn, &stmt, positional(params), sink, clock, stop);
    let closed = clock.time(|| conn.close(stmt));
    let outcome = outcome?;
    closed?;
    Ok(outcome)
}

/// Prepares and closes `sql` without running it.
pub fn parse_only(conn: &mut Conn, sql: &str, clock: &mut Clock) -> Result<(), mysql::Error> {
    let stmt = clock.time(|| conn.prep(sql))?;
    clock.time(|| conn.close(stmt))
}

/// `params` for the binary protocol: NULL, a whole number as an integer
/// (`LIMIT ?` takes nothing else), anything else as a string, which the
/// server converts as it would a quoted literal in that place.
fn positional(params: &[Param]) -> mysql::Params {
    if params.is_empty() {
        return mysql::Params::Empty;
    }
    let values = params.iter().map(|param| match param.as_deref() {
        None => mysql::Value::NULL,
        Some(text) => match whole_number(text) {
            Some(n) => mysql::Value::Int(n),
            None => mysql::Value::Bytes(text.as_bytes().to_vec()),
        },
    });
    mysql::Params::Positional(values.collect())
}

fn execute(
    conn: &mut Conn,
    stmt: &mysql::Statement,
    params: mysql::Params,
    sink: &mut dyn RowSink,
    clock: &mut Clock,
    stop: &dyn Fn(),
) -> Result<OutcomeKind, mysql::Error> {
    let mut result = clock.time(|| conn.exec_iter(stmt, params))?;
    let metadata = result.columns();
    let metadata = metadata.as_ref();
    if metadata.is_empty() {
        return Ok(OutcomeKind::Command {
            affected: Some(result.affected_rows()),
        });
    }
    let columns: Vec<Column> = metadata
        .iter()
        .map(|c| Column {
            name: c.name_str().into_owned(),
            type_name: type_name(c),
        })
        .collect();
    let kinds: Vec<Kind> = metadata.iter().map(Kind::of).collect();
    let mut count = 0u64;
    if sink.columns(&columns) == RowFlow::Stop {
        stop();
        clock.time(|| drop(result));
        return Ok(OutcomeKind::Rows {
            count,
            complete: false,
        });
    }
    let mut chunk: Vec<Row> = Vec::with_capacity(CHUNK_ROWS);
    loop {
        let Some(row) = clock.time(|| result.next()) else {
            break;
        };
        let values = row?.unwrap_raw();
        chunk.push(
            values
                .into_iter()
                .zip(&kinds)
                .map(|(value, kind)| kind.decode(value.unwrap_or(mysql::Value::NULL)))
                .collect(),
        );
        if chunk.len() == CHUNK_ROWS {
            count += CHUNK_ROWS as u64;
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK_ROWS));
            let flow = match clock.budget.as_ref().filter(|_| sink.interactive()) {
                Some(budget) => budget.paused(|| sink.rows(full)),
                None => sink.rows(full),
            };
            if flow == RowFlow::Stop {
                // Dropping the result reads and discards what is left,
                // which the server ends early once stopped.
                stop();
                clock.time(|| drop(result));
                return Ok(OutcomeKind::Rows {
                    count,
                    complete: false,
                });
            }
        }
    }
    if !chunk.is_empty() {
        count += chunk.len() as u64;
        // Every row has been delivered: whether the sink wants more no longer matters.
        let _ = sink.rows(chunk);
    }
    Ok(OutcomeKind::Rows {
        count,
        complete: true,
    })
}
