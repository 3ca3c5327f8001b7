//! The non-paged `table` and `expanded` writer: lays out the first rows,
//! then streams every later chunk with the same layout, then the footer.
//!
//! The layout is measured on the first [`LAYOUT_ROWS`] rows (or all of them
//! when fewer arrive). Piped, nothing is cut and a longer later value widens
//! only its own cell, so alignment may shift below it; on a terminal the
//! layout fits the width and longer values are cut with `…`. With
//! [`Expanded::Auto`] the choice between table and records is made once, on
//! those first rows, and only on a terminal (piped output has no width to
//! fit, so it stays a table). Invariant: at most `LAYOUT_ROWS` rows are held.

use std::io::{self, BufWriter, Write};

use super::expanded::RecordLayout;
use super::footer::footer;
use super::table::{TableLayout, natural_widths, total_width};
use super::{Expanded, Format, RenderOptions, ResultWriter, Sticky};
use crate::db::{Column, Outcome, Row, RowFlow, RowSink};

/// Rows measured before the layout is fixed.
pub const LAYOUT_ROWS: usize = 1000;

/// A fixed layout: an aligned table or expanded records.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mode {
    Table(TableLayout),
    Records(RecordLayout),
}

impl Mode {
    /// Chooses and measures the layout for `rows`, fitting `max_width` when given.
    pub fn choose(
        options: &RenderOptions,
        columns: &[Column],
        rows: &[Row],
        max_width: Option<usize>,
    ) -> Mode {
        let null = options.null.as_str();
        let records = match (options.format, options.expanded) {
            (Format::Expanded, _) | (_, Expanded::On) => true,
            (_, Expanded::Off) => false,
            (_, Expanded::Auto) => {
                max_width.is_some_and(|max| total_width(&natural_widths(columns, rows, null)) > max)
            }
        };
        if records {
            Mode::Records(RecordLayout::new(columns, rows, null, max_width))
        } else {
            Mode::Table(TableLayout::new(columns, rows, null, max_width))
        }
    }

    /// Writes what comes before the first row (the table header).
    pub fn write_start<W: Write + ?Sized>(
        &self,
        out: &mut W,
        columns: &[Column],
        color: bool,
    ) -> io::Result<()> {
        match self {
            Mode::Table(table) => table.write_header(out, columns, color),
            Mode::Records(_) => Ok(()),
        }
    }

    /// Writes `rows`, the first of which is row number `first` (1-based).
    pub fn write_rows<W: Write + ?Sized>(
        &self,
        out: &mut W,
        first: u64,
        columns: &[Column],
        rows: &[Row],
        options: &RenderOptions,
    ) -> io::Result<()> {
        let (null, color) = (options.null.as_str(), options.color);
        for (number, row) in (first..).zip(rows) {
            match self {
                Mode::Table(table) => table.write_row(out, row, null, color)?,
                Mode::Records(records) => {
                    records.write_record(out, number, columns, row, null, color)?
                }
            }
        }
        Ok(())
    }
}

/// Streams a table or records, then the footer.
pub struct AlignedWriter<W: Write> {
    out: BufWriter<W>,
    options: RenderOptions,
    columns: Option<Vec<Column>>,
    pending: Vec<Row>,
    mode: Option<Mode>,
    drawn: u64,
    sticky: Sticky,
}

impl<W: Write> AlignedWriter<W> {
    pub fn new(options: &RenderOptions, out: W) -> Self {
        AlignedWriter {
            out: BufWriter::with_capacity(64 * 1024, out),
            options: options.clone(),
            columns: None,
            pending: Vec::new(),
            mode: None,
            drawn: 0,
            sticky: Sticky::default(),
        }
    }

    fn max_width(&self) -> Option<usize> {
        self.options.terminal.map(|(w, _)| usize::from(w))
    }

    /// Fixes the layout on the pending rows and draws them.
    fn start(&mut self) -> io::Result<()> {
        let columns = self.columns.take().unwrap_or_default();
        let rows = std::mem::take(&mut self.pending);
        let mode = Mode::choose(&self.options, &columns, &rows, self.max_width());
        mode.write_start(&mut self.out, &columns, self.options.color)?;
        self.mode = Some(mode);
        self.columns = Some(columns);
        self.draw(&rows)
    }

    fn draw(&mut self, rows: &[Row]) -> io::Result<()> {
        if let (Some(mode), Some(columns)) = (&self.mode, &self.columns) {
            mode.write_rows(&mut self.out, self.drawn + 1, columns, rows, &self.options)?;
            self.drawn += rows.len() as u64;
        }
        self.out.flush()
    }

    fn accept(&mut self, rows: Vec<Row>) -> io::Result<()> {
        if self.mode.is_some() {
            return self.draw(&rows);
        }
        self.pending.extend(rows);
        if self.pending.len() >= LAYOUT_ROWS {
            self.start()
        } else {
            Ok(())
        }
    }
}

impl<W: Write> RowSink for AlignedWriter<W> {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        self.columns = Some(columns.to_vec());
        RowFlow::Continue
    }

    fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
        if self.sticky.failed() {
            return RowFlow::Stop;
        }
        let result = self.accept(rows);
        self.sticky.flow(result)
    }
}

impl<W: Write> ResultWriter for AlignedWriter<W> {
    fn finish(&mut self, outcome: &Outcome) -> io::Result<()> {
        self.sticky.take()?;
        if self.mode.is_none() && self.columns.is_some() {
            self.start()?;
        }
        if self.options.footer {
            writeln!(
                self.out,
                "{}",
                footer(
                    outcome,
                    &self.options.command_tag,
                    self.options.terminal.is_some(),
                    self.options.timing,
                )
            )?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{command, done, options, sample_columns, sample_rows, stream};
    use super::*;
    use crate::db::Value;

    fn render(options: &RenderOptions, rows: Vec<Row>, chunk: usize) -> String {
        let mut buf = Vec::new();
        let mut w = AlignedWriter::new(options, &mut buf);
        let count = rows.len() as u64;
        stream(&mut w, &sample_columns(), rows, chunk);
        w.finish(&done(count)).unwrap();
        drop(w);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn piped_table_with_footer() {
        let text = render(&options(Format::Table), sample_rows(), 3);
        let expected = "
 id |   name   | score  |       note       |   ok   |  raw
----+----------+--------+------------------+--------+--------
  1 | alice    |    1.5 | a, \"quoted\"↵line | true   | \\x00ff
  2 |          | <null> | <null>           | false  | <null>
  3 | Zoë 日本 | 1e+300 |  padded          | <null> | \\x
 -4 | <null>   |    NaN | {\"k\": [1, 2]}    | true   | <null>
(4 rows)
";
        assert_eq!(text, &expected[1..]);
    }

    #[test]
    fn later_chunks_keep_the_first_layout() {
        let columns = vec![Column {
            name: "v".into(),
            type_name: "text".into(),
        }];
        let mut rows: Vec<Row> = (0..LAYOUT_ROWS)
            .map(|_| vec![Value::Text("ab".into())])
            .collect();
        rows.push(vec![Value::Text("longer".into())]);
        rows.push(vec![Value::Text("c".into())]);
        let mut buf = Vec::new();
        let mut w = AlignedWriter::new(&options(Format::Table), &mut buf);
        stream(&mut w, &columns, rows, 250);
        w.finish(&done(1002)).unwrap();
        drop(w);
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(&lines[..3], [" v", "----", " ab"]);
        assert_eq!(&lines[lines.len() - 3..], [" longer", " c", "(1002 rows)"]);
    }

    #[test]
    fn zero_rows_and_commands() {
        let text = render(&options(Format::Table), Vec::new(), 1);
        assert_eq!(
            text,
            " id | name | score | note | ok | raw\n----+------+-------+------+----+-----\n(0 rows)\n"
        );
        let text = render(&options(Format::Expanded), Vec::new(), 1);
        assert_eq!(text, "(0 rows)\n");

        let mut buf = Vec::new();
        let mut w = AlignedWriter::new(&options(Format::Table), &mut buf);
        w.finish(&command(Some(1))).unwrap();
        drop(w);
        assert_eq!(String::from_utf8(buf).unwrap(), "OK, 1 row affected\n");
    }

    #[test]
    fn expanded_streams_numbered_records() {
        let text = render(&options(Format::Expanded), sample_rows(), 1);
        assert!(
            text.starts_with("-[ RECORD 1 ]-----------\nid    | 1\n"),
            "{text}"
        );
        assert!(
            text.contains("-[ RECORD 4 ]-----------\nid    | -4\n"),
            "{text}"
        );
        assert!(text.ends_with("raw   | <null>\n(4 rows)\n"), "{text}");
    }

    #[test]
    fn auto_expands_only_when_the_table_is_too_wide() {
        let mut opts = options(Format::Table);
        opts.expanded = Expanded::Auto;
        opts.terminal = Some((80, 24));
        let wide = render(&opts, sample_rows(), 2);
        assert!(wide.starts_with(" id |"), "{wide}");
        assert!(wide.ends_with("4 rows · 1.20 ms\n"), "{wide}");
        opts.terminal = Some((40, 24));
        let narrow = render(&opts, sample_rows(), 2);
        assert!(narrow.starts_with("-[ RECORD 1 ]"), "{narrow}");
        opts.expanded = Expanded::On;
        opts.terminal = None;
        assert!(render(&opts, sample_rows(), 2).starts_with("-[ RECORD 1 ]"));
    }

    #[test]
    fn terminal_tables_fit_the_width() {
        let mut opts = options(Format::Table);
        opts.terminal = Some((50, 24));
        let text = render(&opts, sample_rows(), 2);
        assert!(
            text.lines().all(|l| super::super::text::width(l) <= 50),
            "{text}"
        );
        assert!(text.contains("…"), "{text}");
    }
}
