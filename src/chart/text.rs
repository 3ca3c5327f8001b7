//! Draws a [`Plot`] as text sized to a width and height: braille dots for
//! lines and scatter, block bars with eighths for bars and histogram bins,
//! axes with round ticks, and plain ASCII when the terminal cannot show
//! more. Hand-written rather than through textplots or ratatui's Chart
//! because neither draws horizontal bars with labels, dates on the X axis,
//! numbers with thousands separators, or an ASCII-only fallback. Pure.

use owo_colors::{AnsiColors, OwoColorize};

use super::ticks::{Axis, Fit, number_axis, number_label, spread, time_axis, value_label};
use super::{Bin, Data, Kind, Plot, Points, Scale, Series};
use crate::numbers::thousands;
use crate::render::text::{truncate, width as text_width};

/// The characters a chart may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Glyphs {
    /// Braille, block elements and box drawing.
    Unicode,
    /// Printable ASCII only.
    Ascii,
}

/// How big and in what characters to draw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Style {
    /// Columns, at least 20.
    pub width: usize,
    /// Lines, at least 5.
    pub height: usize,
    pub glyphs: Glyphs,
    /// One colour per series (ANSI escapes).
    pub color: bool,
}

impl Style {
    /// A chart for `term`: its width (or `$COLUMNS`, or 80), a height of
    /// at most 20 lines that leaves room for the prompt, its colour, and
    /// ASCII when the locale is not UTF-8.
    pub fn for_terminal(term: &crate::term::Term) -> Style {
        let height = term
            .size()
            .map_or(20, |(_, rows)| usize::from(rows).saturating_sub(6).min(20));
        Style {
            width: term.columns(),
            height: height.max(8),
            glyphs: if crate::term::utf8_locale() {
                Glyphs::Unicode
            } else {
                Glyphs::Ascii
            },
            color: term.color,
        }
    }
}

/// Series colours, in order.
const PALETTE: [AnsiColors; 6] = [
    AnsiColors::Cyan,
    AnsiColors::Magenta,
    AnsiColors::Yellow,
    AnsiColors::Green,
    AnsiColors::Blue,
    AnsiColors::Red,
];

/// Marks that tell series apart without colour.
const MARKS_ASCII: [char; 6] = ['*', '+', 'o', 'x', '#', '@'];
const MARKS_UNICODE: [char; 6] = ['•', '+', '∘', '×', '▪', '◆'];

/// The chart as lines of text, each at most `style.width` columns, at most
/// `style.height` lines.
pub fn render(plot: &Plot, style: &Style) -> String {
    let style = Style {
        width: style.width.max(20),
        height: style.height.max(5),
        ..*style
    };
    let lines = match &plot.data {
        Data::Bars { labels, series } => bars(labels, series, &style),
        Data::Bins { x_scale, bins } => histogram(&plot.x_name, *x_scale, bins, &style),
        Data::Points { x_scale, series } => points(plot, *x_scale, series, &style),
    };
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn paint(text: &str, series: usize, color: bool) -> String {
    if color {
        text.color(PALETTE[series % PALETTE.len()]).to_string()
    } else {
        text.to_string()
    }
}

/// One horizontal bar to draw.
struct BarLine {
    label: String,
    value: f64,
    text: String,
    series: usize,
}

fn bars(labels: &[String], series: &[Series], style: &Style) -> Vec<String> {
    let names = series.iter().map(|s| s.name.as_str());
    let mut lines = vec![header(names, style, |i| fill(i, style).unwrap_or('█'))];
    let mut rows = Vec::new();
    for (i, label) in labels.iter().enumerate() {
        for (n, s) in series.iter().enumerate() {
            let shown = if n == 0 { label.clone() } else { String::new() };
            let (value, text) = match s.values[i] {
                Some(v) => match s.digits.get(i).cloned().flatten() {
                    Some(digits) => (v, grouped_digits(&digits)),
                    None => (v, value_text(v)),
                },
                None => (0.0, "NULL".to_string()),
            };
            rows.push(BarLine {
                label: shown,
                value,
                text,
                series: n,
            });
        }
    }
    lines.extend(bar_lines(rows, style, style.height - 1));
    lines
}

fn histogram(name: &str, scale: Scale, bins: &[Bin], style: &Style) -> Vec<String> {
    let mut lines = vec![format!("rows per range of {name}")];
    let room = style.height - 1;
    let mut bins = bins.to_vec();
    while bins.len() > room {
        bins = bins
            .chunks(2)
            .map(|pair| Bin {
                low: pair[0].low,
                // A last bin alone keeps the doubled width.
                high: pair[0].low + 2.0 * (pair[0].high - pair[0].low),
                count: pair.iter().map(|b| b.count).sum(),
            })
            .collect();
    }
    let step = bins.first().map_or(1.0, |b| b.high - b.low);
    let dash = if style.glyphs == Glyphs::Ascii {
        "-"
    } else {
        "–"
    };
    let rows = bins
        .iter()
        .map(|bin| BarLine {
            label: format!(
                "{} {dash} {}",
                value_label(bin.low, step, scale, true),
                value_label(bin.high, step, scale, !same_day(bin.low, bin.high))
            ),
            value: bin.count as f64,
            text: thousands(bin.count),
            series: 0,
        })
        .collect();
    lines.extend(bar_lines(rows, style, room));
    lines
}

/// Whether two times (seconds) fall on the same UTC day.
fn same_day(a: f64, b: f64) -> bool {
    (a / 86_400.0).floor() == (b / 86_400.0).floor()
}

/// Draws bars in `room` lines: a label column, the bars from a zero line,
/// and each value after its bar.
fn bar_lines(mut rows: Vec<BarLine>, style: &Style, room: usize) -> Vec<String> {
    let hidden = rows.len().saturating_sub(room);
    if hidden > 0 {
        rows.truncate(room - 1);
    }
    let label_width = rows
        .iter()
        .map(|r| text_width(&r.label))
        .max()
        .unwrap_or(0)
        .min(style.width / 3);
    let value_width = rows.iter().map(|r| r.text.len()).max().unwrap_or(0);
    let bar_width = style
        .width
        .saturating_sub(label_width + value_width + 3)
        .max(1);
    let low = rows.iter().map(|r| r.value).fold(0.0, f64::min);
    let high = rows.iter().map(|r| r.value).fold(0.0, f64::max);
    let per_cell = if high > low {
        (high - low) / bar_width as f64
    } else {
        1.0
    };
    let zero = (-low / per_cell).round() as usize;
    let axis = if style.glyphs == Glyphs::Ascii {
        '|'
    } else {
        '│'
    };
    let mut lines: Vec<String> = rows
        .iter()
        .map(|row| {
            let label = cut(&row.label, label_width, style.glyphs);
            let pad = label_width - text_width(&label);
            let fill = fill(row.series, style);
            let bar = if row.value < 0.0 || fill.is_some() {
                let cells = (row.value.abs() / per_cell).round() as usize;
                let fill = fill.unwrap_or('█');
                let (pad, cells) = if row.value < 0.0 {
                    (zero.saturating_sub(cells), cells.min(zero))
                } else {
                    (zero, cells)
                };
                format!("{}{}", " ".repeat(pad), fill.to_string().repeat(cells))
            } else {
                format!("{}{}", " ".repeat(zero), blocks(row.value / per_cell))
            };
            let bar_cells = text_width(&bar);
            let bar = paint(&bar, row.series, style.color);
            let gap = " ".repeat(bar_width.saturating_sub(bar_cells) + 1);
            let value = &row.text;
            format!("{}{label} {axis}{bar}{gap}{value}", " ".repeat(pad))
                .trim_end()
                .to_string()
        })
        .collect();
    if hidden > 0 {
        let ellipsis = match style.glyphs {
            Glyphs::Ascii => "...",
            _ => "…",
        };
        lines.push(format!("{ellipsis} {} more", thousands(hidden as u64 + 1)));
    }
    lines
}

/// The one character a series' bars are filled with, in whole cells:
/// `None` for the first series in Unicode (or any with colour), drawn in
/// blocks with eighths. Without colour each series gets its own fill.
fn fill(series: usize, style: &Style) -> Option<char> {
    const ASCII: [char; 6] = ['#', '=', '*', '+', 'o', 'x'];
    const SHADES: [char; 4] = ['█', '▓', '▒', '░'];
    match style.glyphs {
        Glyphs::Ascii if style.color => Some('#'),
        Glyphs::Ascii => Some(ASCII[series % ASCII.len()]),
        Glyphs::Unicode if style.color || series == 0 => None,
        Glyphs::Unicode => Some(SHADES[series % SHADES.len()]),
    }
}

/// `cells` (fractional) of bar: full blocks then an eighth block.
fn blocks(cells: f64) -> String {
    const EIGHTHS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (cells * 8.0).round() as usize;
    let mut bar = "█".repeat(eighths / 8);
    if !eighths.is_multiple_of(8) {
        bar.push(EIGHTHS[eighths % 8]);
    }
    bar
}

/// The first line: the one series' name, or a legend of several, each
/// name after its series' mark.
fn header<'a>(
    names: impl Iterator<Item = &'a str>,
    style: &Style,
    mark: impl Fn(usize) -> char,
) -> String {
    let names: Vec<&str> = names.collect();
    if names.len() == 1 {
        return truncate(names[0], style.width).into_owned();
    }
    let parts: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, name)| format!("{} {name}", paint(&mark(i).to_string(), i, style.color)))
        .collect();
    truncate(&parts.join("   "), style.width).into_owned()
}

fn marks(glyphs: Glyphs) -> &'static [char; 6] {
    match glyphs {
        Glyphs::Ascii => &MARKS_ASCII,
        Glyphs::Unicode => &MARKS_UNICODE,
    }
}

/// A bar's value: whole numbers grouped, others with two decimals.
fn value_text(v: f64) -> String {
    number_label(v, if v.fract() == 0.0 { 0 } else { 2 })
}

/// `label` cut to `max` columns, ending in "…", or "..." in ASCII.
fn cut(label: &str, max: usize, glyphs: Glyphs) -> String {
    if glyphs != Glyphs::Ascii || text_width(label) <= max {
        return truncate(label, max).into_owned();
    }
    let head = truncate(label, max.saturating_sub(2));
    let head = head.strip_suffix('…').unwrap_or(&head);
    format!("{head}{}", ".".repeat(max.min(3)))
}

/// A number's own digits (`-1234567.50`) with the whole part grouped by
/// thousands (`-1,234,567.50`), however long: nothing is lost to `f64`.
fn grouped_digits(digits: &str) -> String {
    let (sign, rest) = match digits.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", digits.strip_prefix('+').unwrap_or(digits)),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (rest, None),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return digits.to_string();
    }
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    match fraction {
        Some(fraction) => format!("{sign}{grouped}.{fraction}"),
        None => format!("{sign}{grouped}"),
    }
}

/// A grid of character cells, each holding braille dots or a mark, and the
/// series that drew it last.
struct Canvas {
    columns: usize,
    rows: usize,
    /// Braille dots (2 by 4 per cell); otherwise one mark per cell.
    braille: bool,
    cells: Vec<(u8, Option<char>, Option<usize>)>,
}

impl Canvas {
    fn dots_wide(&self) -> usize {
        self.columns * if self.braille { 2 } else { 1 }
    }

    fn dots_high(&self) -> usize {
        self.rows * if self.braille { 4 } else { 1 }
    }

    fn set(&mut self, x: usize, y: usize, series: usize, mark: char) {
        let (column, row) = if self.braille { (x / 2, y / 4) } else { (x, y) };
        if column >= self.columns || row >= self.rows {
            return;
        }
        let cell = &mut self.cells[row * self.columns + column];
        if self.braille {
            const BITS: [[u8; 2]; 4] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]];
            cell.0 |= BITS[y % 4][x % 2];
        } else {
            cell.1 = Some(mark);
        }
        cell.2 = Some(series);
    }

    fn line(&mut self, from: (i64, i64), to: (i64, i64), series: usize, mark: char) {
        let (mut x, mut y) = from;
        let (dx, dy) = ((to.0 - x).abs(), -(to.1 - y).abs());
        let (sx, sy) = (if x < to.0 { 1 } else { -1 }, if y < to.1 { 1 } else { -1 });
        let mut err = dx + dy;
        loop {
            self.set(x as usize, y as usize, series, mark);
            if (x, y) == to {
                break;
            }
            let e2 = 2 * err;
            if e2 >= dy {
                err += dy;
                x += sx;
            }
            if e2 <= dx {
                err += dx;
                y += sy;
            }
        }
    }

    fn row_text(&self, row: usize, color: bool) -> String {
        let mut out = String::new();
        for &(bits, mark, series) in &self.cells[row * self.columns..(row + 1) * self.columns] {
            let glyph = match (self.braille, mark) {
                (true, _) if bits > 0 => char::from_u32(0x2800 + bits as u32).unwrap_or('?'),
                (false, Some(mark)) => mark,
                _ => ' ',
            };
            match series {
                Some(s) if glyph != ' ' => out.push_str(&paint(&glyph.to_string(), s, color)),
                _ => out.push(glyph),
            }
        }
        out
    }
}

fn points(plot: &Plot, scale: Scale, series: &[Points], style: &Style) -> Vec<String> {
    let all = || series.iter().flat_map(|s| s.points.iter());
    if all().next().is_none() {
        return vec!["(no points to draw)".to_string()];
    }
    let (x_low, x_high) = all().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.0), hi.max(p.0))
    });
    let (x_low, x_high) = spread(scale, x_low, x_high);
    let (y_min, y_max) = all().fold((f64::MAX, f64::MIN), |(lo, hi), p| {
        (lo.min(p.1), hi.max(p.1))
    });
    let (y_min, y_max) = spread(Scale::Number, y_min, y_max);
    let ascii = style.glyphs == Glyphs::Ascii;
    // Braille dots cannot tell series apart without colour: marks do.
    let braille = !ascii && (series.len() == 1 || style.color);
    let plot_rows = style.height.saturating_sub(3).max(2);
    let fit = Fit {
        nice_ends: true,
        integers: false,
    };
    let y_axis = number_axis(y_min, y_max, (plot_rows / 2).max(2), fit);
    let (y_low, y_high) = (y_axis.range.start, y_axis.range.end);
    let y_labels: Vec<(usize, String)> = {
        let mut labels: Vec<(usize, String)> = y_axis
            .ticks
            .iter()
            .zip(y_axis.labels)
            .map(|(&t, label)| {
                let row = ((y_high - t) / (y_high - y_low) * (plot_rows - 1) as f64).round();
                (row as usize, label)
            })
            .collect();
        labels.sort();
        labels.dedup_by_key(|l| l.0);
        labels
    };
    let label_width = y_labels.iter().map(|l| l.1.len()).max().unwrap_or(1);
    let columns = style.width.saturating_sub(label_width + 2).max(10);
    let mut canvas = Canvas {
        columns,
        rows: plot_rows,
        braille,
        cells: vec![(0, None, None); columns * plot_rows],
    };
    let (wide, high) = (canvas.dots_wide() as f64, canvas.dots_high() as f64);
    let at = |p: &(f64, f64)| {
        let x = ((p.0 - x_low) / (x_high - x_low) * (wide - 1.0)).round() as i64;
        let y = ((y_high - p.1) / (y_high - y_low) * (high - 1.0)).round() as i64;
        (x, y)
    };
    for (n, s) in series.iter().enumerate() {
        let mark = marks(style.glyphs)[n % 6];
        let mut previous = None;
        for p in &s.points {
            let here = at(p);
            match previous {
                Some(before) if plot.kind == Kind::Line => canvas.line(before, here, n, mark),
                _ => canvas.set(here.0 as usize, here.1 as usize, n, mark),
            }
            previous = Some(here);
        }
    }
    let legend_mark = |i: usize| match (braille, plot.kind) {
        (false, _) => marks(style.glyphs)[i % 6],
        (true, Kind::Line) => '─',
        (true, _) => '⣿',
    };
    let names = series.iter().map(|s| s.name.as_str());
    let mut lines = vec![header(names, style, legend_mark)];
    let (tee, bar) = if ascii { ('+', '|') } else { ('┤', '│') };
    for row in 0..plot_rows {
        let (label, edge) = match y_labels.iter().find(|l| l.0 == row) {
            Some((_, text)) => (text.as_str(), tee),
            None => ("", bar),
        };
        let cells = canvas.row_text(row, style.color);
        lines.push(
            format!("{label:>label_width$} {edge}{cells}")
                .trim_end()
                .to_string(),
        );
    }
    lines.extend(x_axis(
        plot,
        scale,
        (x_low, x_high),
        label_width,
        columns,
        ascii,
    ));
    lines
}

/// The X axis line with its tick marks, and the tick labels under it with
/// the axis's name at the end when it fits.
fn x_axis(
    plot: &Plot,
    scale: Scale,
    (low, high): (f64, f64),
    indent: usize,
    columns: usize,
    ascii: bool,
) -> [String; 2] {
    let axis = x_ticks(scale, low, high, indent, columns);
    let (corner, rule, tick) = if ascii {
        ('+', '-', '+')
    } else {
        ('└', '─', '┬')
    };
    let mut line: Vec<char> = vec![rule; columns];
    let mut labels = String::new();
    for (t, text) in axis.ticks.iter().zip(&axis.labels) {
        let column = tick_column(*t, (low, high), columns);
        let start = label_start(column, text, indent, columns);
        if start >= labels.len() {
            line[column.min(columns - 1)] = tick;
            labels.push_str(&" ".repeat(start - labels.len()));
            labels.push_str(text);
            labels.push(' ');
        }
    }
    let name = &plot.x_name;
    let room = (indent + 2 + columns).saturating_sub(labels.trim_end().len() + 2);
    if text_width(name) <= room {
        let used = labels.trim_end().len();
        labels = format!(
            "{}{}{name}",
            labels.trim_end(),
            " ".repeat(indent + 2 + columns - used - text_width(name))
        );
    }
    let line: String = line.into_iter().collect();
    [
        format!("{} {corner}{line}", " ".repeat(indent)),
        labels.trim_end().to_string(),
    ]
}

/// The X axis's ticks: as many as fit with every label shown (one
/// column apart), at most one per 12 columns; at least two, whose
/// labels may then be left out where they would overlap.
fn x_ticks(scale: Scale, low: f64, high: f64, indent: usize, columns: usize) -> Axis {
    let axis = |count: usize| match scale {
        Scale::Time => {
            time_axis(low, high, count).unwrap_or_else(|| number_axis(low, high, count, X_FIT))
        }
        Scale::Number => number_axis(low, high, count, X_FIT),
    };
    let most = (columns / 12).max(2);
    (2..=most)
        .rev()
        .map(axis)
        .find(|a| labels_fit(a, (low, high), indent, columns))
        .unwrap_or_else(|| axis(2))
}

/// The X axis keeps the data's range and ticks any number.
const X_FIT: Fit = Fit {
    nice_ends: false,
    integers: false,
};

/// Whether every label of `axis` has room under its tick.
fn labels_fit(axis: &Axis, range: (f64, f64), indent: usize, columns: usize) -> bool {
    let mut end = 0;
    for (t, text) in axis.ticks.iter().zip(&axis.labels) {
        let start = label_start(tick_column(*t, range, columns), text, indent, columns);
        if start < end {
            return false;
        }
        end = start + text.len() + 1;
    }
    true
}

/// The column (from the axis's start) of the tick at `t`.
fn tick_column(t: f64, (low, high): (f64, f64), columns: usize) -> usize {
    ((t - low) / (high - low) * (columns - 1) as f64).round() as usize
}

/// Where a tick's label starts on its line: centred under the tick, kept
/// inside the chart's width.
fn label_start(column: usize, text: &str, indent: usize, columns: usize) -> usize {
    let start = (indent + 2 + column).saturating_sub(text.len() / 2);
    start.min((indent + 2 + columns).saturating_sub(text.len()))
}

#[cfg(test)]
mod tests;
