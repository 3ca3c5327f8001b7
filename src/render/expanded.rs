//! psql's expanded display (`\x`): one block per row, a `-[ RECORD n ]`
//! line and then one `name | value` line per column, names padded.
//!
//! The record line is drawn as psql draws it: dashes to the width of the
//! block, with a `+` above the `|` when the record label is shorter than the
//! names. Values are one line (see [`display_text`]); with a maximum width
//! (a terminal) names take at most half of it and values are cut with `…`.
//! Invariant: a layout is fixed once made, so records stream chunk by chunk.

use std::io::{self, Write};

use super::table::{Style, write_repeated, write_styled};
use super::text::{display_text, one_line, truncate, width};
use crate::db::{Column, Row, Value};

/// Fixed widths for drawing records chunk by chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordLayout {
    name_width: usize,
    value_width: usize,
    /// Cut names and values to these widths (terminal output).
    limits: Option<(usize, usize)>,
}

impl RecordLayout {
    /// Measures `rows`; with `max_width`, keeps every line within it.
    pub fn new(columns: &[Column], rows: &[Row], null: &str, max_width: Option<usize>) -> Self {
        let names = columns
            .iter()
            .map(|c| width(&one_line(&c.name)))
            .max()
            .unwrap_or(0);
        let values = rows
            .iter()
            .flat_map(|row| row.iter().map(|v| width(&display_text(v, null))))
            .max()
            .unwrap_or(0);
        match max_width {
            None => RecordLayout {
                name_width: names,
                value_width: values,
                limits: None,
            },
            Some(max) => {
                let name_width = names.min((max / 2).max(1));
                let value_max = max.saturating_sub(name_width + 3).max(1);
                RecordLayout {
                    name_width,
                    value_width: values.min(value_max),
                    limits: Some((name_width, value_max)),
                }
            }
        }
    }

    /// Writes record number `number` (1-based).
    pub fn write_record<W: Write + ?Sized>(
        &self,
        out: &mut W,
        number: u64,
        columns: &[Column],
        row: &Row,
        null: &str,
        color: bool,
    ) -> io::Result<()> {
        out.write_all(record_line(number, self.name_width, self.value_width).as_bytes())?;
        out.write_all(b"\n")?;
        for (column, value) in columns.iter().zip(row) {
            let name = one_line(&column.name);
            let text = display_text(value, null);
            let (name, text) = match self.limits {
                Some((n, v)) => (truncate(&name, n).into_owned(), truncate(&text, v)),
                None => (name.into_owned(), text),
            };
            write_styled(out, &name, if color { Style::Bold } else { Style::Plain })?;
            write_repeated(out, b' ', self.name_width.saturating_sub(width(&name)))?;
            out.write_all(b" | ")?;
            let dim = color && matches!(value, Value::Null);
            write_styled(out, &text, if dim { Style::Dim } else { Style::Plain })?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }

    /// Terminal lines one record takes.
    pub fn lines_per_record(columns: usize) -> usize {
        columns + 1
    }
}

/// psql's record separator for border 1, e.g. `-[ RECORD 1 ]----+------`.
pub fn record_line(number: u64, name_width: usize, value_width: usize) -> String {
    let mut line = format!("-[ RECORD {number} ]");
    let label = line.chars().count();
    for _ in label..name_width {
        line.push('-');
    }
    let mut over = label as isize - name_width as isize;
    for c in ['-', '+', '-'] {
        if over <= 0 {
            line.push(c);
        }
        over -= 1;
    }
    for _ in usize::try_from(over).unwrap_or(0)..value_width {
        line.push('-');
    }
    line
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sample_columns, sample_rows};
    use super::*;

    #[test]
    fn record_lines_match_psql() {
        assert_eq!(record_line(1, 1, 1), "-[ RECORD 1 ]");
        assert_eq!(record_line(1, 16, 5), "-[ RECORD 1 ]----+------");
        assert_eq!(record_line(12, 4, 20), "-[ RECORD 12 ]-------------");
        assert_eq!(record_line(1, 12, 3), "-[ RECORD 1 ]+----");
    }

    #[test]
    fn records_list_one_column_per_line() {
        let rows = sample_rows();
        let layout = RecordLayout::new(&sample_columns(), &rows[..2], "<null>", None);
        let mut out = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            layout
                .write_record(
                    &mut out,
                    i as u64 + 1,
                    &sample_columns(),
                    row,
                    "<null>",
                    false,
                )
                .unwrap();
        }
        let expected = "
-[ RECORD 1 ]-----------
id    | 1
name  | alice
score | 1.5
note  | a, \"quoted\"↵line
ok    | true
raw   | \\x00ff
-[ RECORD 2 ]-----------
id    | 2
name  | 
score | <null>
note  | <null>
ok    | false
raw   | <null>
-[ RECORD 3 ]-----------
id    | 3
name  | Zoë 日本
score | 1e+300
note  |  padded
ok    | <null>
raw   | \\x
-[ RECORD 4 ]-----------
id    | -4
name  | <null>
score | NaN
note  | {\"k\": [1, 2]}
ok    | true
raw   | <null>
";
        assert_eq!(String::from_utf8(out).unwrap(), &expected[1..]);
    }

    #[test]
    fn values_are_cut_to_the_terminal() {
        let rows = sample_rows();
        let layout = RecordLayout::new(&sample_columns(), &rows, "<null>", Some(16));
        let mut out = Vec::new();
        layout
            .write_record(&mut out, 1, &sample_columns(), &rows[0], "<null>", false)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\nnote  | a, \"quo…\n"), "{text}");
        assert!(text.lines().all(|l| width(l) <= 16), "{text}");
    }
}
