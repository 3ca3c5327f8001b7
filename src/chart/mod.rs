//! Charts of results. `pick` chooses the kind and the columns from a
//! result's columns and first rows (or takes the person's choice), `collect`
//! gathers the numbers from rows as they stream with bounded memory, `text`
//! draws a [`Plot`] in the terminal and `svg` writes it as an SVG document.
//! Pure: nothing here runs SQL or prints.

use std::fmt;

use crate::escape;
use crate::term;

pub mod collect;
pub mod pick;
pub mod svg;
pub mod text;
pub mod ticks;
pub mod words;

/// What a front end prints for a chart: what was chosen (dim), the chart,
/// and the plot's notes (dim).
pub fn framed(sentence: &str, plot: &Plot, style: &text::Style) -> String {
    let dim = |line: &str| format!("{}\n", term::dim(line, style.color));
    let mut out = dim(&escape::visible_name(
        &format!("{}.", capitalised(sentence)),
        false,
    ));
    out.push_str(&text::render(plot, style));
    for note in &plot.notes {
        out.push_str(&dim(&escape::visible(note)));
    }
    out
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The kinds of chart glance draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Horizontal bars, one per row, in the result's order.
    Bar,
    /// Lines over an ordered X axis (numbers or times).
    Line,
    /// How the values of one numeric column are distributed.
    Histogram,
    /// Points, one per row: two numeric columns.
    Scatter,
}

impl Kind {
    /// The kind a word names: `bar`, `line`, `hist` (or `histogram`), `scatter`.
    pub fn parse(word: &str) -> Option<Kind> {
        match word.to_ascii_lowercase().as_str() {
            "bar" | "bars" => Some(Kind::Bar),
            "line" | "lines" => Some(Kind::Line),
            "hist" | "histogram" => Some(Kind::Histogram),
            "scatter" => Some(Kind::Scatter),
            _ => None,
        }
    }

    /// The word the person types for it.
    pub fn word(self) -> &'static str {
        match self {
            Kind::Bar => "bar",
            Kind::Line => "line",
            Kind::Histogram => "hist",
            Kind::Scatter => "scatter",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.word())
    }
}

/// What the person asked for (`\chart [KIND] [X] [Y…]`, `--chart [KIND]`):
/// anything left out is chosen from the columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Request {
    pub kind: Option<Kind>,
    /// The X column's name.
    pub x: Option<String>,
    /// The Y columns' names.
    pub y: Vec<String>,
}

/// How values along an axis read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scale {
    /// Plain numbers.
    Number,
    /// Instants as seconds since 1970-01-01 UTC, shown as dates (or
    /// dates and times when the span is short).
    Time,
}

/// A chart ready to draw: every number gathered, nothing left to decide
/// but the glyphs.
#[derive(Clone, Debug, PartialEq)]
pub struct Plot {
    pub kind: Kind,
    /// The X axis's name (a column's name; "value" or the column for a
    /// histogram).
    pub x_name: String,
    /// The Y axis's name: the one series' column, or empty with a legend.
    pub y_name: String,
    pub data: Data,
    /// What the person should know about what is drawn: NULLs skipped,
    /// only the first rows, rows binned or thinned. Complete sentences.
    pub notes: Vec<String>,
}

/// The numbers of a [`Plot`], by kind.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// One bar per label, in the result's order; every series holds one
    /// value per label (`None` where the row had NULL).
    Bars {
        labels: Vec<String>,
        series: Vec<Series>,
    },
    /// Line and scatter charts: each series' points as (x, y), x in the
    /// given scale, in the result's order.
    Points { x_scale: Scale, series: Vec<Points> },
    /// Equal-width bins, low to high, covering every value counted.
    Bins { x_scale: Scale, bins: Vec<Bin> },
}

/// One bar series: its column's name and a value per label.
#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<Option<f64>>,
    /// The database's own digits of each value that was an exact number
    /// (an integer or a numeric), which the bar's value shows: the `f64`
    /// may have lost some (bigint beyond 2^53, long numerics). One per
    /// value, or empty when none were kept.
    pub digits: Vec<Option<String>>,
}

/// One line or scatter series: its column's name and its points.
#[derive(Clone, Debug, PartialEq)]
pub struct Points {
    pub name: String,
    pub points: Vec<(f64, f64)>,
}

/// One histogram bin: values in `low..high` (the last bin includes `high`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bin {
    pub low: f64,
    pub high: f64,
    pub count: u64,
}

/// A plot without notes, for the renderers' tests.
#[cfg(test)]
pub fn test_plot(kind: Kind, x_name: &str, y_name: &str, data: Data) -> Plot {
    Plot {
        kind,
        x_name: x_name.into(),
        y_name: y_name.into(),
        data,
        notes: Vec::new(),
    }
}
