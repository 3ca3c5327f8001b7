//! What every streamed format shares: the first write error is kept, the
//! rows after it stop the fetch ([`RowFlow::Stop`]), and `finish` reports it.
//! A format implements [`StreamedWriter`] (how it writes) and gets its
//! [`RowSink`] and [`ResultWriter`] from here.

use std::io;

use super::ResultWriter;
use crate::db::{Column, Outcome, Row, RowFlow, RowSink};

/// Keeps the first write error so `rows` can stop the fetch and `finish`
/// can report it.
#[derive(Debug, Default)]
pub(super) struct Sticky {
    error: Option<io::Error>,
}

impl Sticky {
    /// Continue on success; remember the error and stop on failure.
    pub(super) fn flow(&mut self, result: io::Result<()>) -> RowFlow {
        match result {
            Ok(()) => RowFlow::Continue,
            Err(e) => {
                self.error.get_or_insert(e);
                RowFlow::Stop
            }
        }
    }

    pub(super) fn failed(&self) -> bool {
        self.error.is_some()
    }

    /// The remembered error, once.
    pub(super) fn take(&mut self) -> io::Result<()> {
        self.error.take().map_or(Ok(()), Err)
    }
}

/// A format written as rows arrive, keeping its first write error in a
/// [`Sticky`].
pub(super) trait StreamedWriter {
    /// Where the first write error is kept.
    fn sticky(&mut self) -> &mut Sticky;
    /// Takes the result's columns: writes a header, or keeps them for later.
    fn write_columns(&mut self, columns: &[Column]) -> io::Result<()>;
    /// Writes (or holds) one chunk of rows; not called after a failed write.
    fn write_chunk(&mut self, rows: Vec<Row>) -> io::Result<()>;
    /// Completes the output once the backend is done; not called after a
    /// failed write, whose error `finish` returns instead.
    fn write_end(&mut self, outcome: &Outcome) -> io::Result<()>;
    /// [`ResultWriter::fail`]; by default the format has no place for an
    /// error.
    fn write_failure(&mut self, error: &serde_json::Value) -> io::Result<bool> {
        let _ = error;
        Ok(false)
    }
}

impl<T: StreamedWriter> RowSink for T {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        let result = self.write_columns(columns);
        self.sticky().flow(result)
    }

    fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
        if self.sticky().failed() {
            return RowFlow::Stop;
        }
        let result = self.write_chunk(rows);
        self.sticky().flow(result)
    }
}

impl<T: StreamedWriter> ResultWriter for T {
    fn finish(&mut self, outcome: &Outcome) -> io::Result<()> {
        self.sticky().take()?;
        self.write_end(outcome)
    }

    fn fail(&mut self, error: &serde_json::Value) -> io::Result<bool> {
        self.write_failure(error)
    }
}
