//! Running one prepared statement and streaming its rows to a [`RowSink`].
//!
//! Invariants: rows reach the sink in chunks, small first so the first page
//! shows at once, and never holding much more than [`CHUNK_BYTES`]; time
//! spent inside the sink counts neither as database time nor against the
//! statement timeout.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use rusqlite::{Connection, ffi};

use super::errors::map_error;
use super::statement::{check_read_only_statement, check_read_only_text, reports_changes};
use crate::db::{
    Column, Error, Outcome, OutcomeKind, Param, Row, RowFlow, RowSink, ServerError, Value,
    whole_number,
};

/// Rows in the first chunk handed to the sink, so the first page shows at once.
const FIRST_CHUNK: usize = 100;
/// Rows in every later chunk.
const CHUNK: usize = 1_000;
/// A chunk is handed over once its values hold this many bytes, so big
/// values (`randomblob`, long text) never pile up in memory.
const CHUNK_BYTES: usize = 4 << 20;

/// Statement-timeout bookkeeping: time in the database only, so a slow sink
/// (a pager waiting for a key) never counts against the statement.
pub(super) struct Timer {
    start: Instant,
    limit: Duration,
    sink_nanos: AtomicU64,
    fired: AtomicBool,
}

impl Timer {
    pub(super) fn new(limit: Duration) -> Self {
        Timer {
            start: Instant::now(),
            limit,
            sink_nanos: AtomicU64::new(0),
            fired: AtomicBool::new(false),
        }
    }

    /// True (and remembered) once the database time exceeds the limit.
    pub(super) fn expired(&self) -> bool {
        let in_sink = Duration::from_nanos(self.sink_nanos.load(Ordering::Relaxed));
        let expired = self.start.elapsed().saturating_sub(in_sink) > self.limit;
        if expired {
            self.fired.store(true, Ordering::Relaxed);
        }
        expired
    }

    fn add_sink_time(&self, spent: Duration) {
        let nanos = u64::try_from(spent.as_nanos()).unwrap_or(u64::MAX);
        self.sink_nanos.fetch_add(nanos, Ordering::Relaxed);
    }
}

/// Binds `params` to `?1`, `?2`, …: NULL, a whole number as an integer
/// (so `LIMIT ?1` works), anything else as text, which SQLite compares by
/// the column's affinity.
fn bind(stmt: &mut rusqlite::Statement<'_>, params: &[Param]) -> rusqlite::Result<()> {
    for (index, param) in params.iter().enumerate() {
        let value = match param.as_deref() {
            None => rusqlite::types::Value::Null,
            Some(text) => match whole_number(text) {
                Some(n) => rusqlite::types::Value::Integer(n),
                None => rusqlite::types::Value::Text(text.to_string()),
            },
        };
        stmt.raw_bind_parameter(index + 1, value)?;
    }
    Ok(())
}

/// Prepares and runs exactly one statement, streaming rows into `sink`.
pub(super) fn execute(
    conn: &Connection,
    sql: &str,
    params: &[Param],
    read_only: bool,
    sink: &mut dyn RowSink,
    timer: Option<&Timer>,
) -> Result<Outcome, Error> {
    let started = Instant::now();
    if read_only {
        check_read_only_text(sql)?;
    }
    let mut stmt = conn.prepare(sql).map_err(|e| map_run_error(e, timer))?;
    if read_only {
        check_read_only_statement(sql, &stmt)?;
    }
    bind(&mut stmt, params).map_err(|e| map_run_error(e, timer))?;
    let columns: Vec<Column> = stmt
        .columns()
        .map(|c| Column {
            name: c.name().to_string(),
            type_name: c.decl_type().unwrap_or("").to_string(),
        })
        .collect();
    if columns.is_empty() {
        let changes = stmt.raw_execute().map_err(|e| map_run_error(e, timer))?;
        let affected = reports_changes(sql).then_some(changes as u64);
        return Ok(Outcome {
            kind: OutcomeKind::Command { affected },
            db_time: started.elapsed(),
        });
    }
    let mut clock = SinkClock {
        in_sink: Duration::ZERO,
        timer,
    };
    if clock.time(|| sink.columns(&columns)) == RowFlow::Stop {
        let db_time = started.elapsed().saturating_sub(clock.in_sink);
        return Ok(Outcome {
            kind: OutcomeKind::Rows {
                count: 0,
                complete: false,
            },
            db_time,
        });
    }
    let width = columns.len();
    let mut rows = stmt.raw_query();
    let mut count = 0u64;
    let mut chunk_size = FIRST_CHUNK;
    let mut chunk: Vec<Row> = Vec::with_capacity(chunk_size);
    let mut chunk_bytes = 0usize;
    let complete = loop {
        let Some(row) = rows.next().map_err(|e| map_run_error(e, timer))? else {
            count += chunk.len() as u64;
            if !chunk.is_empty() {
                clock.time(|| sink.rows(chunk));
            }
            break true;
        };
        let values: Row = (0..width)
            .map(|i| row.get_ref(i).map_or(Value::Null, convert))
            .collect();
        chunk_bytes += values.iter().map(value_bytes).sum::<usize>();
        chunk.push(values);
        if chunk.len() >= chunk_size || chunk_bytes >= CHUNK_BYTES {
            count += chunk.len() as u64;
            chunk_size = CHUNK;
            chunk_bytes = 0;
            let full = std::mem::replace(&mut chunk, Vec::with_capacity(CHUNK));
            if clock.time(|| sink.rows(full)) == RowFlow::Stop {
                break false;
            }
        }
    };
    let db_time = started.elapsed().saturating_sub(clock.in_sink);
    Ok(Outcome {
        kind: OutcomeKind::Rows { count, complete },
        db_time,
    })
}

/// The heap bytes a value holds.
fn value_bytes(value: &Value) -> usize {
    match value {
        Value::Text(s) | Value::Json(s) | Value::Numeric(s) => s.len(),
        Value::Bytes(b) => b.len(),
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::Float(_) => 0,
    }
}

/// Measures time spent in the sink, so it counts neither as database time
/// nor against the statement timeout.
struct SinkClock<'a> {
    in_sink: Duration,
    timer: Option<&'a Timer>,
}

impl SinkClock<'_> {
    fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        let spent = t.elapsed();
        self.in_sink += spent;
        if let Some(timer) = self.timer {
            timer.add_sink_time(spent);
        }
        out
    }
}

/// One SQLite value as a glance value, by storage class.
fn convert(value: ValueRef<'_>) -> Value {
    match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(i) => Value::Int(i),
        ValueRef::Real(f) => Value::Float(f),
        ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
    }
}

/// Maps an error from running a statement; an interruption is a timeout when
/// the timer fired, a user cancel otherwise.
fn map_run_error(error: rusqlite::Error, timer: Option<&Timer>) -> Error {
    if error.sqlite_error_code() == Some(ffi::ErrorCode::OperationInterrupted)
        && timer.is_some_and(|t| t.fired.load(Ordering::Relaxed))
    {
        return Error::from(ServerError {
            message: "canceling statement due to statement timeout".into(),
            ..ServerError::default()
        });
    }
    map_error(error)
}
