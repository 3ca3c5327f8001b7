//! The first rows of the last result, kept as they stream past the
//! writer so `\chart` can draw it without running it again: capped in
//! rows and bytes, and cleared when the next result starts.

use crate::chart::pick::{Choice, PickError};
use crate::chart::{Plot, Request, collect};
use crate::db::{Column, Row, Value};
use crate::numbers::thousands;

/// Rows kept at most.
pub const MAX_ROWS: usize = 5_000;
/// Bytes of values kept at most (roughly: text and byte lengths plus a
/// word per value).
pub const MAX_BYTES: usize = 4 << 20;

/// The last result's columns and first rows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Kept {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Every row of the result is in `rows`.
    pub complete: bool,
    /// Rows the result had (so far), kept or not.
    pub seen: u64,
    /// The output stopped before the last row was fetched (the pager was
    /// quit): the result may have had more rows than `seen`.
    pub stopped: bool,
    /// The statement the result came from.
    pub sql: String,
    bytes: usize,
}

impl Kept {
    /// Forgets the previous result and starts keeping the one `sql`
    /// returns, with `columns`.
    pub fn start(&mut self, sql: &str, columns: &[Column]) {
        *self = Kept {
            columns: columns.to_vec(),
            complete: true,
            sql: sql.to_string(),
            ..Kept::default()
        };
    }

    /// The output stopped fetching rows (the pager was quit).
    pub fn stop(&mut self) {
        self.stopped = true;
        self.complete = false;
    }

    /// Keeps what fits of the next chunk of rows.
    pub fn take(&mut self, rows: &[Row]) {
        self.seen += rows.len() as u64;
        for row in rows {
            let size = row.iter().map(size_of_value).sum::<usize>();
            if !self.complete || self.rows.len() == MAX_ROWS || self.bytes + size > MAX_BYTES {
                self.complete = false;
                return;
            }
            self.bytes += size;
            self.rows.push(row.clone());
        }
    }

    /// The chart of the kept rows: what was chosen and the plot; when the
    /// rows are not the whole result a note says so, and `hint` tells how
    /// to draw them all.
    pub fn plot(&self, request: &Request, hint: &str) -> Result<(Choice, Plot), PickError> {
        let (choice, mut plot) = collect::plot_rows(&self.columns, &self.rows, request)?;
        if self.stopped {
            plot.notes.push(format!(
                "Drawn from the first {} rows, fetched before the output stopped; {hint}.",
                thousands(self.rows.len() as u64)
            ));
        } else if !self.complete {
            plot.notes.push(format!(
                "Drawn from the first {} of {} rows; {hint}.",
                thousands(self.rows.len() as u64),
                thousands(self.seen)
            ));
        }
        Ok((choice, plot))
    }

    /// Forgets everything (a new connection).
    pub fn clear(&mut self) {
        *self = Kept::default();
    }
}

fn size_of_value(value: &Value) -> usize {
    let heap = match value {
        Value::Numeric(s) | Value::Text(s) | Value::Json(s) => s.len(),
        Value::Bytes(b) => b.len(),
        _ => 0,
    };
    heap + std::mem::size_of::<Value>()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_beyond_the_cap_are_counted_not_kept() {
        let mut kept = Kept::default();
        kept.start(
            "select",
            &[Column {
                name: "n".into(),
                type_name: "int".into(),
            }],
        );
        let rows: Vec<Row> = (0..MAX_ROWS as i64 + 10)
            .map(|i| vec![Value::Int(i)])
            .collect();
        kept.take(&rows[..100]);
        assert!(kept.complete);
        kept.take(&rows[100..]);
        assert_eq!(
            (kept.rows.len(), kept.seen, kept.complete),
            (MAX_ROWS, MAX_ROWS as u64 + 10, false)
        );
        kept.start("select", &[]);
        assert_eq!((kept.rows.len(), kept.seen), (0, 0));
    }

    #[test]
    fn a_stopped_output_says_the_rows_are_only_the_first() {
        let mut kept = Kept::default();
        kept.start(
            "select",
            &[Column {
                name: "v".into(),
                type_name: "int".into(),
            }],
        );
        kept.take(&[vec![Value::Int(1)], vec![Value::Int(2)]]);
        kept.stop();
        let (_, plot) = kept.plot(&Request::default(), "try again").unwrap();
        assert!(
            plot.notes.iter().any(|n| n
                == "Drawn from the first 2 rows, fetched before the output stopped; try again."),
            "{:?}",
            plot.notes
        );
    }

    #[test]
    fn big_values_stop_keeping_early() {
        let mut kept = Kept::default();
        kept.start("select", &[]);
        let big = vec![Value::Text("x".repeat(MAX_BYTES / 2))];
        kept.take(&[big.clone(), big.clone(), big]);
        assert_eq!((kept.rows.len(), kept.complete), (1, false));
    }
}
