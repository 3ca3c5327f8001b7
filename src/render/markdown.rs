//! GitHub-flavoured Markdown tables, streamed.
//!
//! The header and the alignment row are written with the first chunk (or at
//! the end for an empty result); a column is right-aligned (`--:`) when its
//! first non-NULL value in that chunk is a number. In cells `|` becomes
//! `\|`, line breaks become `<br>` and other control characters visible
//! escapes (`\x1b`); NULL is an empty cell. There is no
//! footer, and a command writes nothing, so the output pastes cleanly.
//!
//! Invariant: only the column names are kept between chunks.

use std::io::{self, BufWriter, Write};

use super::text::write_plain;
use super::{ResultWriter, Sticky};
use crate::db::{Column, Outcome, Row, RowFlow, RowSink, Value};
use crate::escape;

/// Writes a result as a Markdown table.
pub struct MarkdownWriter<W: Write> {
    out: BufWriter<W>,
    names: Option<Vec<String>>,
    header_written: bool,
    sticky: Sticky,
}

impl<W: Write> MarkdownWriter<W> {
    pub fn new(out: W) -> Self {
        MarkdownWriter {
            out: BufWriter::new(out),
            names: None,
            header_written: false,
            sticky: Sticky::default(),
        }
    }

    fn write_header(&mut self, first: &[Row]) -> io::Result<()> {
        self.header_written = true;
        let Some(names) = &self.names else {
            return Ok(());
        };
        self.out.write_all(b"|")?;
        for name in names {
            self.out.write_all(b" ")?;
            write_cell(&mut self.out, name)?;
            self.out.write_all(b" |")?;
        }
        self.out.write_all(b"\n|")?;
        for i in 0..names.len() {
            let numeric = first
                .iter()
                .filter_map(|row| row.get(i))
                .find(|v| !matches!(v, Value::Null))
                .is_some_and(Value::is_number);
            self.out
                .write_all(if numeric { b"--:|" } else { b"---|" })?;
        }
        self.out.write_all(b"\n")
    }

    fn write_rows(&mut self, rows: &[Row]) -> io::Result<()> {
        if !self.header_written {
            self.write_header(rows)?;
        }
        for row in rows {
            self.out.write_all(b"|")?;
            for value in row {
                self.out.write_all(b" ")?;
                write_plain(&mut self.out, value, write_cell)?;
                self.out.write_all(b" |")?;
            }
            self.out.write_all(b"\n")?;
        }
        self.out.flush()
    }
}

/// Writes cell text with `|` escaped, line breaks as `<br>` and other
/// control characters made visible ([`escape::visible`]).
fn write_cell<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    let mut rest = s;
    while let Some(at) = rest.find(['|', '\n', '\r']) {
        out.write_all(escape::visible(&rest[..at]).as_bytes())?;
        let tail = &rest[at..];
        let (replacement, skip) = if tail.starts_with('|') {
            ("\\|", 1)
        } else if tail.starts_with("\r\n") {
            ("<br>", 2)
        } else {
            ("<br>", 1)
        };
        out.write_all(replacement.as_bytes())?;
        rest = &tail[skip..];
    }
    out.write_all(escape::visible(rest).as_bytes())
}

impl<W: Write> RowSink for MarkdownWriter<W> {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        self.names = Some(columns.iter().map(|c| c.name.clone()).collect());
        RowFlow::Continue
    }

    fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
        if self.sticky.failed() {
            return RowFlow::Stop;
        }
        let result = self.write_rows(&rows);
        self.sticky.flow(result)
    }
}

impl<W: Write> ResultWriter for MarkdownWriter<W> {
    fn finish(&mut self, _outcome: &Outcome) -> io::Result<()> {
        self.sticky.take()?;
        if !self.header_written {
            self.write_header(&[])?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{command, done, sample_columns, sample_rows, stream};
    use super::*;

    fn render(rows: Vec<Row>, chunk: usize) -> String {
        let mut buf = Vec::new();
        let mut w = MarkdownWriter::new(&mut buf);
        stream(&mut w, &sample_columns(), rows, chunk);
        w.finish(&done(4)).unwrap();
        drop(w);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn writes_a_github_table() {
        let mut rows = sample_rows();
        rows[1][1] = Value::Text("a|b\r\nc\x1b".into());
        let expected = "\
| id | name | score | note | ok | raw |
|--:|---|--:|---|---|---|
| 1 | alice | 1.5 | a, \"quoted\"<br>line | true | \\x00ff |
| 2 | a\\|b<br>c\\x1b |  |  | false |  |
| 3 | Zoë 日本 | 1e+300 |  padded |  | \\x |
| -4 |  | NaN | {\"k\": [1, 2]} | true |  |
";
        assert_eq!(render(rows.clone(), 2), expected);
        assert_eq!(render(rows, 10), expected);
    }

    #[test]
    fn empty_results_keep_the_header_and_commands_write_nothing() {
        assert_eq!(
            render(Vec::new(), 1),
            "| id | name | score | note | ok | raw |\n|---|---|---|---|---|---|\n"
        );
        let mut buf = Vec::new();
        let mut w = MarkdownWriter::new(&mut buf);
        w.finish(&command(None)).unwrap();
        drop(w);
        assert!(buf.is_empty());
    }
}
