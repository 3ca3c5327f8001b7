//! Streaming a statement's rows from the server into a [`RowSink`].
//!
//! Invariants: rows reach the sink in batches of at most [`BATCH`] rows or
//! about [`BATCH_BYTES`] bytes, decoded only when handed over; a portal is
//! fetched in growing steps, fewer rows per fetch once rows are big, so
//! stopping early leaves the rest unread; time spent decoding and inside
//! the sink is never counted as database time, nor (for an interactive
//! sink) against the statement timeout.

use std::sync::Arc;
use std::time::{Duration, Instant};

use postgres::types::{ToSql, Type};
use postgres::{Client, Statement};

use super::deadline::Budget;
use super::{as_text, errors, value};
use crate::db::{Column, Error, OutcomeKind, Row, RowFlow, RowSink};

/// Rows asked of a portal per round trip: small first so the first page
/// shows fast, then large so big results pay few round trips. Rows are
/// decoded and drawn while the rest of a fetch is still arriving, so a large
/// fetch costs no memory; stopping early reads at most one fetch more.
const CHUNKS: [i32; 4] = [100, 1_000, 10_000, 50_000];

/// The most row bytes one fetch asks for: once big rows have been seen,
/// fetches ask for fewer rows (at least one), see [`fetch_size`].
const FETCH_BYTES: usize = 16 << 20;

/// The most rows handed to a sink at once.
const BATCH: usize = 1_000;

/// Pending rows are handed to the sink once they hold this many bytes, so a
/// big row is never kept waiting for others.
const BATCH_BYTES: usize = 4 << 20;

/// Adds up the time spent waiting for the server.
#[derive(Default)]
pub(super) struct Clock {
    pub(super) total: Duration,
    /// The statement-timeout budget of a guarded statement, paused while a
    /// person reads a page.
    pub(super) budget: Option<Arc<Budget>>,
}

impl Clock {
    pub(super) fn time<T>(&mut self, f: impl FnOnce() -> T) -> T {
        let start = Instant::now();
        let out = f();
        self.total += start.elapsed();
        out
    }
}

/// Prepares `sql`, and again with some columns read as text where
/// [`as_text`] says so.
pub(super) fn prepare(
    client: &mut impl postgres::GenericClient,
    sql: &str,
) -> Result<Statement, postgres::Error> {
    let stmt = client.prepare(sql)?;
    match as_text::wrapped(sql, stmt.columns()) {
        Some(wrapped) => client.prepare(&wrapped),
        None => Ok(stmt),
    }
}

fn columns_of(stmt: &Statement) -> Vec<Column> {
    stmt.columns()
        .iter()
        .map(|c| Column {
            name: c.name().to_string(),
            type_name: c.type_().name().to_string(),
        })
        .collect()
}

fn convert(
    rows: &[postgres::Row],
    types: &[Type],
    values: &value::DecodeSettings,
) -> Result<Vec<Row>, Error> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let mut cells = Vec::with_capacity(types.len());
        for (i, ty) in types.iter().enumerate() {
            let raw = row
                .try_get::<_, value::Raw<'_>>(i)
                .map_err(|e| Error::Other(errors::error_text(&e)))?;
            cells.push(value::decode(ty, raw.0, values));
        }
        out.push(cells);
    }
    Ok(out)
}

/// Collects rows as they arrive and hands them to the sink in batches of at
/// most [`BATCH`], decoding each batch only when it is handed over.
struct Batcher<'a> {
    sink: &'a mut dyn RowSink,
    types: Vec<Type>,
    values: &'a value::DecodeSettings,
    pending: Vec<postgres::Row>,
    /// Bytes the pending rows hold.
    pending_bytes: usize,
    /// The biggest row seen so far, in bytes, which sizes later fetches.
    largest_row: usize,
    count: u64,
    /// Time spent decoding and inside the sink, which is not database time.
    busy: Duration,
    /// The statement-timeout budget, paused while an interactive sink (a
    /// pager) has the rows.
    budget: Option<Arc<Budget>>,
}

impl<'a> Batcher<'a> {
    /// Announces the columns; `None` when the sink wants no rows at all.
    fn start(
        stmt: &Statement,
        sink: &'a mut dyn RowSink,
        values: &'a value::DecodeSettings,
        clock: &Clock,
    ) -> Option<Batcher<'a>> {
        if sink.columns(&columns_of(stmt)) == RowFlow::Stop {
            return None;
        }
        let budget = clock.budget.clone().filter(|_| sink.interactive());
        Some(Batcher {
            sink,
            types: stmt.columns().iter().map(|c| c.type_().clone()).collect(),
            values,
            pending: Vec::with_capacity(CHUNKS[0] as usize),
            pending_bytes: 0,
            largest_row: 0,
            count: 0,
            busy: Duration::ZERO,
            budget,
        })
    }

    /// Adds one row, handing a full batch (by rows or bytes) to the sink.
    fn push(&mut self, row: postgres::Row) -> Result<RowFlow, Error> {
        let bytes = row.raw_size_bytes();
        self.largest_row = self.largest_row.max(bytes);
        self.pending_bytes += bytes;
        self.pending.push(row);
        if self.pending.len() >= BATCH || self.pending_bytes >= BATCH_BYTES {
            self.flush()
        } else {
            Ok(RowFlow::Continue)
        }
    }

    /// Hands whatever is pending to the sink.
    fn flush(&mut self) -> Result<RowFlow, Error> {
        if self.pending.is_empty() {
            return Ok(RowFlow::Continue);
        }
        let start = Instant::now();
        let budget = self.budget.clone();
        let result = match &budget {
            Some(budget) => budget.paused(|| self.hand_over()),
            None => self.hand_over(),
        };
        self.busy += start.elapsed();
        result
    }

    fn hand_over(&mut self) -> Result<RowFlow, Error> {
        let rows = convert(&self.pending, &self.types, self.values)?;
        self.count += self.pending.len() as u64;
        self.pending.clear();
        self.pending_bytes = 0;
        Ok(self.sink.rows(rows))
    }

    fn outcome(&self, complete: bool) -> OutcomeKind {
        OutcomeKind::Rows {
            count: self.count,
            complete,
        }
    }
}

/// Reads one fetch of at most `max_rows` rows (unlimited when `None`) from
/// `iter` into the batcher, decoding and drawing while the server sends the
/// rest. Returns `Some(complete)` when the sink stopped, `None` when it
/// wants more and the fetch ended with `max_rows` rows (more may follow).
/// Only the time spent waiting for rows is added to `clock`.
fn drain(
    iter: &mut postgres::RowIter<'_>,
    max_rows: Option<usize>,
    batcher: &mut Batcher<'_>,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<Option<bool>, Error> {
    use postgres::fallible_iterator::FallibleIterator;
    let start = Instant::now();
    let busy_before = batcher.busy;
    let mut got = 0usize;
    let result = (|| {
        while let Some(row) = iter.next().map_err(err)? {
            got += 1;
            if batcher.push(row)? == RowFlow::Stop {
                let last =
                    max_rows.is_some_and(|n| got == n) || iter.next().map_err(err)?.is_none();
                return Ok(Some(last && max_rows.is_none_or(|n| got < n)));
            }
        }
        if batcher.flush()? == RowFlow::Stop || max_rows.is_none_or(|n| got < n) {
            return Ok(Some(max_rows.is_none_or(|n| got < n)));
        }
        Ok(None)
    })();
    clock.total += start.elapsed().saturating_sub(batcher.busy - busy_before);
    result
}

/// Streams through a portal inside `tx`, so stopping early leaves the rest
/// of the result unread on the server: at most one fetch is in flight.
pub(super) fn stream_portal(
    tx: &mut postgres::Transaction<'_>,
    stmt: &Statement,
    args: &[&(dyn ToSql + Sync)],
    sink: &mut dyn RowSink,
    values: &value::DecodeSettings,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<OutcomeKind, Error> {
    let portal = clock.time(|| tx.bind(stmt, args)).map_err(err)?;
    let Some(mut batcher) = Batcher::start(stmt, sink, values, clock) else {
        return Ok(OutcomeKind::Rows {
            count: 0,
            complete: false,
        });
    };
    for step in 0.. {
        if let Some(budget) = clock.budget.as_ref().filter(|b| b.spent()) {
            return Err(budget.error());
        }
        let n = fetch_size(step, batcher.largest_row);
        let mut iter = clock
            .time(|| tx.query_portal_raw(&portal, n))
            .map_err(err)?;
        let max = usize::try_from(n).unwrap_or(usize::MAX);
        if let Some(complete) = drain(&mut iter, Some(max), &mut batcher, clock, err)? {
            return Ok(batcher.outcome(complete));
        }
    }
    unreachable!("the fetches go on until the result ends")
}

/// Rows to ask for in fetch number `step` (from 0): the growing steps of
/// [`CHUNKS`], but no more than fit in [`FETCH_BYTES`] at the biggest row
/// seen so far, and always at least one.
fn fetch_size(step: usize, largest_row: usize) -> i32 {
    let planned = CHUNKS[step.min(CHUNKS.len() - 1)];
    let fit = i32::try_from(FETCH_BYTES / largest_row.max(1)).unwrap_or(i32::MAX);
    planned.min(fit).max(1)
}

/// Prepares and runs `sql` in whatever transaction the session is in,
/// streaming rows with the unnamed portal.
pub(super) fn run_unbracketed(
    client: &mut Client,
    sql: &str,
    args: &[&(dyn ToSql + Sync)],
    sink: &mut dyn RowSink,
    values: &value::DecodeSettings,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<OutcomeKind, Error> {
    let stmt = clock.time(|| prepare(client, sql)).map_err(err)?;
    if stmt.columns().is_empty() {
        clock
            .time(|| client.execute(&stmt, args))
            .map(|n| OutcomeKind::Command { affected: Some(n) })
            .map_err(err)
    } else {
        stream_all(client, &stmt, args, sink, values, clock, err)
    }
}

/// Streams with the unnamed portal, for when glance may not open a
/// transaction (the user has one open): one fetch of every row.
pub(super) fn stream_all(
    client: &mut Client,
    stmt: &Statement,
    args: &[&(dyn ToSql + Sync)],
    sink: &mut dyn RowSink,
    values: &value::DecodeSettings,
    clock: &mut Clock,
    err: &dyn Fn(postgres::Error) -> Error,
) -> Result<OutcomeKind, Error> {
    let mut iter = clock
        .time(|| client.query_raw(stmt, args.iter().copied()))
        .map_err(err)?;
    let Some(mut batcher) = Batcher::start(stmt, sink, values, clock) else {
        return Ok(OutcomeKind::Rows {
            count: 0,
            complete: false,
        });
    };
    let complete = drain(&mut iter, None, &mut batcher, clock, err)?;
    Ok(batcher.outcome(complete.unwrap_or(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fetches_grow_but_shrink_to_fit_big_rows() {
        let steps: Vec<i32> = (0..6).map(|step| fetch_size(step, 100)).collect();
        assert_eq!(steps, [100, 1_000, 10_000, 50_000, 50_000, 50_000]);
        // Nothing seen yet: the plan.
        assert_eq!(fetch_size(0, 0), 100);
        // 1 KiB rows: 16,384 fit in a fetch.
        assert_eq!(fetch_size(3, 1024), 16_384);
        // 1 MiB rows: 16 at a time, whatever the step.
        assert_eq!(fetch_size(1, 1 << 20), 16);
        // Rows bigger than a whole fetch come one at a time.
        assert_eq!(fetch_size(5, 50 << 20), 1);
    }
}
