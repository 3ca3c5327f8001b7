//! CSV output (RFC 4180, LF line ends, like `psql --csv`), streamed row by row.
//!
//! Encoding, a contract for scripts: a header row with the column names;
//! fields separated by `,`; a field is quoted (with `"` doubled) when it
//! contains `,`, `"`, `\n` or `\r`, starts or ends with a space, or is an
//! empty string, so NULL (an empty unquoted field) and `''` (`""`) differ.
//! Booleans are `true`/`false`, floats use PostgreSQL's text form (`1e+300`,
//! `NaN`, `Infinity`), numeric, JSON and text values are written as they
//! are, bytes as `\x` and lowercase hex. No footer. Written to a terminal
//! rather than a pipe or file, control characters other than newline and tab
//! are shown as `\x1b`-style escapes (see [`super::writer`]).
//!
//! The `csv` crate cannot quote an empty string, which is why this small
//! encoder exists. Invariant: nothing is kept between chunks but the
//! buffered writer, and no heap allocation happens per cell.

use std::io::{self, BufWriter, Write};

use super::streamed::{Sticky, StreamedWriter};
use super::text::write_plain;
use crate::db::{Column, Outcome, Row};

/// Writes a result as CSV.
pub struct CsvWriter<W: Write> {
    out: BufWriter<W>,
    sticky: Sticky,
}

impl<W: Write> CsvWriter<W> {
    pub fn new(out: W) -> Self {
        CsvWriter {
            out: BufWriter::with_capacity(64 * 1024, out),
            sticky: Sticky::default(),
        }
    }

    fn write_header(&mut self, columns: &[Column]) -> io::Result<()> {
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            write_field(&mut self.out, &column.name)?;
        }
        self.out.write_all(b"\n")
    }

    fn write_rows(&mut self, rows: &[Row]) -> io::Result<()> {
        for row in rows {
            for (i, value) in row.iter().enumerate() {
                if i > 0 {
                    self.out.write_all(b",")?;
                }
                write_plain(&mut self.out, value, write_field)?;
            }
            self.out.write_all(b"\n")?;
        }
        self.out.flush()
    }
}

/// Writes text as a field, quoting it when needed (see the module doc).
fn write_field<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    let bytes = s.as_bytes();
    let needs_quotes = bytes.is_empty()
        || bytes[0] == b' '
        || bytes[bytes.len() - 1] == b' '
        || bytes
            .iter()
            .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'));
    if !needs_quotes {
        return out.write_all(bytes);
    }
    out.write_all(b"\"")?;
    let mut parts = bytes.split(|&b| b == b'"');
    if let Some(first) = parts.next() {
        out.write_all(first)?;
    }
    for part in parts {
        out.write_all(b"\"\"")?;
        out.write_all(part)?;
    }
    out.write_all(b"\"")
}

impl<W: Write> StreamedWriter for CsvWriter<W> {
    fn sticky(&mut self) -> &mut Sticky {
        &mut self.sticky
    }

    fn write_columns(&mut self, columns: &[Column]) -> io::Result<()> {
        self.write_header(columns)
    }

    fn write_chunk(&mut self, rows: Vec<Row>) -> io::Result<()> {
        self.write_rows(&rows)
    }

    fn write_end(&mut self, _outcome: &Outcome) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::ResultWriter;
    use super::super::tests::{command, done, sample_columns, sample_rows, stream};
    use super::*;
    use crate::db::{RowFlow, RowSink};

    #[test]
    fn writes_header_rows_and_quoting() {
        let mut buf = Vec::new();
        let mut w = CsvWriter::new(&mut buf);
        stream(&mut w, &sample_columns(), sample_rows(), 2);
        w.finish(&done(4)).unwrap();
        drop(w);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "id,name,score,note,ok,raw\n\
             1,alice,1.5,\"a, \"\"quoted\"\"\nline\",true,\\x00ff\n\
             2,\"\",,,false,\n\
             3,Zoë 日本,1e+300,\" padded\",,\\x\n\
             -4,,NaN,\"{\"\"k\"\": [1, 2]}\",true,\n"
        );
    }

    #[test]
    fn zero_rows_is_just_the_header_and_commands_print_nothing() {
        let mut buf = Vec::new();
        let mut w = CsvWriter::new(&mut buf);
        stream(&mut w, &sample_columns(), Vec::new(), 1);
        w.finish(&done(0)).unwrap();
        drop(w);
        assert_eq!(
            String::from_utf8(buf).unwrap(),
            "id,name,score,note,ok,raw\n"
        );

        let mut buf = Vec::new();
        let mut w = CsvWriter::new(&mut buf);
        w.finish(&command(Some(3))).unwrap();
        drop(w);
        assert!(buf.is_empty());
    }

    #[test]
    fn a_failed_write_stops_the_fetch_and_is_reported() {
        let mut w = CsvWriter::new(super::super::tests::Broken);
        assert_eq!(w.columns(&sample_columns()), RowFlow::Continue);
        assert_eq!(w.rows(sample_rows()), RowFlow::Stop);
        assert_eq!(w.rows(sample_rows()), RowFlow::Stop);
        assert!(w.finish(&done(4)).is_err());
    }
}
