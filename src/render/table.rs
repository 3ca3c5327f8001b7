//! psql-style aligned tables: ` id | name`, a `----+------` rule under the
//! centred header, numbers right-aligned, no outer border.
//!
//! Column widths come from the rows a layout is measured on; when a maximum
//! width is given (a terminal), the widest columns shrink until the table
//! fits and longer cells are cut with `…`. Without one nothing is cut, and a
//! later value longer than its column simply widens its own cell.
//!
//! The table is drawn by hand rather than with comfy-table because the
//! layout must stay fixed across streamed chunks (comfy-table lays out a
//! whole table at once) and because cells are truncated to one line with `…`
//! where comfy-table wraps them. Invariant: every row is exactly one line
//! (cells go through [`display_text`]).

use std::borrow::Cow;
use std::io::{self, Write};

use owo_colors::OwoColorize;

use super::text::{display_text, one_line, truncate, width};
use crate::db::{Column, Row, Value};

/// How one cell is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Plain,
    Bold,
    Dim,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Align {
    Left,
    Center,
    Right,
}

/// Fixed column widths for drawing a table chunk by chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableLayout {
    pub widths: Vec<usize>,
    /// Cut cells longer than their column (terminal output).
    pub truncate: bool,
}

impl TableLayout {
    /// Measures `rows`; with `max_width`, shrinks the table to fit it.
    pub fn new(columns: &[Column], rows: &[Row], null: &str, max_width: Option<usize>) -> Self {
        let natural = natural_widths(columns, rows, null);
        match max_width {
            Some(max) => TableLayout {
                widths: fit(&natural, max),
                truncate: true,
            },
            None => TableLayout {
                widths: natural,
                truncate: false,
            },
        }
    }

    /// Writes the header line and the rule under it.
    pub fn write_header<W: Write + ?Sized>(
        &self,
        out: &mut W,
        columns: &[Column],
        color: bool,
    ) -> io::Result<()> {
        let style = if color { Style::Bold } else { Style::Plain };
        let cells = columns
            .iter()
            .map(|c| (one_line(&c.name), Align::Center, style));
        self.write_line(out, cells)?;
        for (i, w) in self.widths.iter().enumerate() {
            if i > 0 {
                out.write_all(b"+")?;
            }
            write_repeated(out, b'-', w + 2)?;
        }
        out.write_all(b"\n")
    }

    /// Writes one row as one line.
    pub fn write_row<W: Write + ?Sized>(
        &self,
        out: &mut W,
        row: &Row,
        null: &str,
        color: bool,
    ) -> io::Result<()> {
        let cells = row.iter().map(|value| {
            let align = if value.is_number() {
                Align::Right
            } else {
                Align::Left
            };
            let style = if color && matches!(value, Value::Null) {
                Style::Dim
            } else {
                Style::Plain
            };
            (display_text(value, null), align, style)
        });
        self.write_line(out, cells)
    }

    fn write_line<'v, W: Write + ?Sized>(
        &self,
        out: &mut W,
        cells: impl ExactSizeIterator<Item = (Cow<'v, str>, Align, Style)>,
    ) -> io::Result<()> {
        let count = cells.len();
        out.write_all(b" ")?;
        for (i, (text, align, style)) in cells.enumerate() {
            if i > 0 {
                out.write_all(b" | ")?;
            }
            let w = self.widths.get(i).copied().unwrap_or(0);
            let text = if self.truncate {
                truncate(&text, w)
            } else {
                Cow::Borrowed(text.as_ref())
            };
            let pad = w.saturating_sub(width(&text));
            let (left, right) = match align {
                Align::Left => (0, pad),
                Align::Right => (pad, 0),
                Align::Center => (pad / 2, pad - pad / 2),
            };
            write_repeated(out, b' ', left)?;
            write_styled(out, &text, style)?;
            if i + 1 < count {
                write_repeated(out, b' ', right)?;
            }
        }
        out.write_all(b"\n")
    }
}

/// The width of a table line for these column widths.
pub fn total_width(widths: &[usize]) -> usize {
    widths
        .iter()
        .map(|w| w + 3)
        .sum::<usize>()
        .saturating_sub(1)
}

/// Each column's width: its widest cell or header.
pub fn natural_widths(columns: &[Column], rows: &[Row], null: &str) -> Vec<usize> {
    let mut widths: Vec<usize> = columns.iter().map(|c| width(&one_line(&c.name))).collect();
    for row in rows {
        for (w, value) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(&display_text(value, null)));
        }
    }
    widths
}

/// Shrinks the widest columns until the table is at most `max` wide: every
/// column wider than some cap is cut to it, and the space left over goes
/// back to those columns from the left. Columns never go below 1.
pub fn fit(natural: &[usize], max: usize) -> Vec<usize> {
    if total_width(natural) <= max || natural.is_empty() {
        return natural.to_vec();
    }
    let budget = max.saturating_sub(total_width(&vec![0; natural.len()]));
    let capped = |cap: usize| natural.iter().map(|&w| w.min(cap)).sum::<usize>();
    let (mut lo, mut hi) = (1, natural.iter().copied().max().unwrap_or(1));
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if capped(mid) <= budget {
            lo = mid
        } else {
            hi = mid - 1
        }
    }
    let mut widths: Vec<usize> = natural.iter().map(|&w| w.min(lo)).collect();
    let mut spare = budget.saturating_sub(capped(lo));
    for (w, &n) in widths.iter_mut().zip(natural) {
        if spare > 0 && n > *w {
            *w += 1;
            spare -= 1;
        }
    }
    widths
}

pub(super) fn write_styled<W: Write + ?Sized>(
    out: &mut W,
    text: &str,
    style: Style,
) -> io::Result<()> {
    match style {
        Style::Plain => out.write_all(text.as_bytes()),
        Style::Bold => write!(out, "{}", text.bold()),
        Style::Dim => write!(out, "{}", text.dimmed()),
    }
}

pub(super) fn write_repeated<W: Write + ?Sized>(out: &mut W, byte: u8, n: usize) -> io::Result<()> {
    let run = [byte; 64];
    let mut left = n;
    while left > 0 {
        let k = left.min(run.len());
        out.write_all(&run[..k])?;
        left -= k;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::tests::{sample_columns, sample_rows};
    use super::*;

    fn draw(layout: &TableLayout, rows: &[Row], color: bool) -> String {
        let mut out = Vec::new();
        layout
            .write_header(&mut out, &sample_columns(), color)
            .unwrap();
        for row in rows {
            layout.write_row(&mut out, row, "<null>", color).unwrap();
        }
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn draws_psql_style_with_natural_widths() {
        let rows = sample_rows();
        let layout = TableLayout::new(&sample_columns(), &rows, "<null>", None);
        assert_eq!(layout.widths, vec![2, 8, 6, 16, 6, 6]);
        let expected = "
 id |   name   | score  |       note       |   ok   |  raw
----+----------+--------+------------------+--------+--------
  1 | alice    |    1.5 | a, \"quoted\"↵line | true   | \\x00ff
  2 |          | <null> | <null>           | false  | <null>
  3 | Zoë 日本 | 1e+300 |  padded          | <null> | \\x
 -4 | <null>   |    NaN | {\"k\": [1, 2]}    | true   | <null>
";
        assert_eq!(draw(&layout, &rows, false), &expected[1..]);
        assert_eq!(total_width(&layout.widths), 61);
    }

    #[test]
    fn truncates_to_fit_a_terminal() {
        let rows = sample_rows();
        let layout = TableLayout::new(&sample_columns(), &rows, "<null>", Some(50));
        assert_eq!(total_width(&layout.widths), 50);
        assert_eq!(layout.widths, vec![2, 7, 6, 6, 6, 6]);
        let expected = "
 id |  name   | score  |  note  |   ok   |  raw
----+---------+--------+--------+--------+--------
  1 | alice   |    1.5 | a, \"q… | true   | \\x00ff
  2 |         | <null> | <null> | false  | <null>
  3 | Zoë 日… | 1e+300 |  padd… | <null> | \\x
 -4 | <null>  |    NaN | {\"k\":… | true   | <null>
";
        assert_eq!(draw(&layout, &rows, false), &expected[1..]);
    }

    #[test]
    fn fit_shrinks_the_widest_columns_first() {
        assert_eq!(fit(&[3, 10, 40], 80), vec![3, 10, 40]);
        assert_eq!(fit(&[3, 10, 40], 30), vec![3, 10, 9]);
        assert_eq!(fit(&[3, 30, 40], 30), vec![3, 10, 9]);
        assert_eq!(fit(&[5, 5], 3), vec![1, 1]);
        assert!(fit(&[], 10).is_empty());
    }

    #[test]
    fn colour_makes_headers_bold_and_nulls_dim() {
        let columns = [Column {
            name: "a".into(),
            type_name: "text".into(),
        }];
        let layout = TableLayout {
            widths: vec![6],
            truncate: false,
        };
        let mut out = Vec::new();
        layout.write_header(&mut out, &columns, true).unwrap();
        layout
            .write_row(&mut out, &vec![Value::Null], "<null>", true)
            .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "   \u{1b}[1ma\u{1b}[0m\n--------\n \u{1b}[2m<null>\u{1b}[0m\n"
        );
    }
}
