//! A [`Plot`] written as a standalone SVG document through plotters' SVG
//! backend. Built without plotters' `ttf` feature: text widths are
//! plotters' own estimate, so no font files or system libraries are needed,
//! and the layout below sizes label areas with the same estimate. Text from
//! the database is cleaned of control characters here and XML-escaped by
//! the backend. Same plot, same bytes. Pure.

use std::ops::Range;

use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint, Ranged};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use unicode_width::UnicodeWidthStr;

use super::ticks::{Axis, Fit, number_axis, spread, time_axis};
use super::{Bin, Data, Kind, Plot, Points, Scale, Series};
use crate::escape;

/// Why a chart could not be written.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SvgError {
    #[error(
        "a {width}×{height} pixel chart is too small for this plot: give at least {min_width}×{min_height}"
    )]
    TooSmall {
        width: u32,
        height: u32,
        min_width: u32,
        min_height: u32,
    },
    #[error("the chart could not be drawn: {0}")]
    Draw(String),
}

/// The plot as an SVG document `width` by `height` pixels: the chart, a
/// legend above it when there are several series (or one without an axis
/// name), and the plot's notes as a caption under it.
pub fn render(plot: &Plot, width: u32, height: u32) -> Result<String, SvgError> {
    let legend = legend_rows(plot, width);
    let notes = note_lines(&plot.notes, width);
    let legend_height = if legend.is_empty() {
        0
    } else {
        legend.len() as u32 * LEGEND_ROW + PAD
    };
    let notes_height = if notes.is_empty() {
        0
    } else {
        notes.len() as u32 * NOTE_LINE + PAD
    };
    let min_height = legend_height + notes_height + MIN_CHART_HEIGHT;
    if width < MIN_WIDTH || height < min_height {
        return Err(SvgError::TooSmall {
            width,
            height,
            min_width: MIN_WIDTH,
            min_height,
        });
    }
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        drawn(root.fill(&WHITE))?;
        let (legend_area, rest) = root.split_vertically(legend_height);
        let (chart_area, notes_area) = rest.split_vertically(height - legend_height - notes_height);
        draw_legend(&legend_area, plot.kind, &legend)?;
        draw_chart(&chart_area, plot)?;
        draw_notes(&notes_area, &notes)?;
        drawn(root.present())?;
    }
    Ok(out)
}

/// Series colours (Tableau 10), taken in order and reused after the tenth.
const PALETTE: [RGBColor; 10] = [
    RGBColor(0x4e, 0x79, 0xa7),
    RGBColor(0xf2, 0x8e, 0x2b),
    RGBColor(0xe1, 0x57, 0x59),
    RGBColor(0x76, 0xb7, 0xb2),
    RGBColor(0x59, 0xa1, 0x4f),
    RGBColor(0xed, 0xc9, 0x48),
    RGBColor(0xb0, 0x7a, 0xa1),
    RGBColor(0xff, 0x9d, 0xa7),
    RGBColor(0x9c, 0x75, 0x5f),
    RGBColor(0xba, 0xb0, 0xac),
];
const FONT: &str = "sans-serif";
/// Font sizes as plotters takes them (it writes `size / 1.24` to the SVG).
const TICK_SIZE: f64 = 14.0;
const DESC_SIZE: f64 = 15.0;
const LEGEND_SIZE: f64 = 14.0;
const NOTE_SIZE: f64 = 13.0;
const TEXT_COLOR: RGBColor = RGBColor(0x33, 0x33, 0x33);
const NOTE_COLOR: RGBColor = RGBColor(0x66, 0x66, 0x66);
const GRID_COLOR: RGBColor = RGBColor(0xe0, 0xe0, 0xe0);
/// Space around the chart and between its parts, in pixels.
const PAD: u32 = 12;
const LEGEND_ROW: u32 = 22;
const NOTE_LINE: u32 = 17;
/// Height of the X axis's tick labels and of an axis name.
const TICK_LINE: u32 = 22;
const DESC_LINE: u32 = 24;
const MIN_WIDTH: u32 = 240;
const MIN_CHART_HEIGHT: u32 = 160;
/// Labels longer than this many characters end in "…".
const MAX_LABEL_CHARS: usize = 32;
const POINT_RADIUS: i32 = 3;
const LINE_WIDTH: u32 = 2;

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;
type Frame<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Ticked, Ticked>>;

/// A drawing result with plotters' error turned into ours.
fn drawn<T, E: std::fmt::Display>(result: Result<T, E>) -> Result<T, SvgError> {
    result.map_err(|e| SvgError::Draw(e.to_string()))
}

fn color(series: usize) -> RGBColor {
    PALETTE[series % PALETTE.len()]
}

/// How wide `text` is at `size`, by plotters' estimate without font files
/// (0.7 em a character, em = size / 1.24²), counting wide characters (CJK)
/// twice.
fn text_width(text: &str, size: f64) -> u32 {
    (size / 1.24 / 1.24 * 0.7 * text.width() as f64).ceil() as u32
}

/// Text from the database made fit for the document: line breaks and tabs
/// become spaces, other control, bidirectional and zero-width characters
/// (and U+FFFE/U+FFFF, which XML forbids) are dropped, and it is cut to
/// `max` characters with "…". XML escaping is the backend's.
fn clean(text: &str, max: usize) -> String {
    let mut kept: String = text
        .chars()
        .filter_map(|c| match c {
            '\n' | '\r' | '\t' => Some(' '),
            '\u{fffe}' | '\u{ffff}' => None,
            c if escape::needs_escape(c) => None,
            c => Some(c),
        })
        .collect();
    if kept.chars().count() > max {
        kept = kept.chars().take(max.saturating_sub(1)).collect();
        kept.push('…');
    }
    kept
}

fn text_style(size: f64, color: RGBColor, pos: Pos) -> TextStyle<'static> {
    (FONT, size).into_font().color(&color).pos(pos)
}

// ---- legend and notes ----

/// The legend's entries, row by row, as (x offset, name); empty when the
/// plot has one named series or none.
fn legend_rows(plot: &Plot, width: u32) -> Vec<Vec<(u32, String)>> {
    let names: Vec<&str> = match &plot.data {
        Data::Bars { series, .. } => series.iter().map(|s| s.name.as_str()).collect(),
        Data::Points { series, .. } => series.iter().map(|s| s.name.as_str()).collect(),
        Data::Bins { .. } => Vec::new(),
    };
    if names.len() < 2 && !(names.len() == 1 && plot.y_name.is_empty()) {
        return Vec::new();
    }
    let mut rows: Vec<Vec<(u32, String)>> = vec![Vec::new()];
    let mut x = PAD;
    for name in names {
        let name = clean(name, MAX_LABEL_CHARS);
        let entry = SWATCH + 6 + text_width(&name, LEGEND_SIZE) + 18;
        let row = rows.last_mut().expect("rows start with one");
        if !row.is_empty() && x + entry > width - PAD {
            rows.push(Vec::new());
            x = PAD;
        }
        rows.last_mut()
            .expect("rows start with one")
            .push((x, name));
        x += entry;
    }
    rows
}

/// Width of a legend's colour mark.
const SWATCH: u32 = 18;

fn draw_legend(area: &Area, kind: Kind, rows: &[Vec<(u32, String)>]) -> Result<(), SvgError> {
    let style = text_style(LEGEND_SIZE, TEXT_COLOR, Pos::new(HPos::Left, VPos::Center));
    let mut series = 0;
    for (row, entries) in rows.iter().enumerate() {
        let y = (PAD + row as u32 * LEGEND_ROW + LEGEND_ROW / 2) as i32;
        for (x, name) in entries {
            let x = *x as i32;
            let color = color(series);
            let swatch = SWATCH as i32;
            match kind {
                Kind::Line => drawn(area.draw(&PathElement::new(
                    vec![(x, y), (x + swatch, y)],
                    color.stroke_width(LINE_WIDTH),
                )))?,
                Kind::Scatter => drawn(area.draw(&Circle::new(
                    (x + swatch / 2, y),
                    POINT_RADIUS + 1,
                    color.filled(),
                )))?,
                Kind::Bar | Kind::Histogram => drawn(area.draw(&Rectangle::new(
                    [(x + 3, y - 6), (x + swatch - 3, y + 6)],
                    color.filled(),
                )))?,
            }
            drawn(area.draw(&Text::new(name.clone(), (x + swatch + 6, y), &style)))?;
            series += 1;
        }
    }
    Ok(())
}

/// The notes wrapped at word boundaries to the document's width.
fn note_lines(notes: &[String], width: u32) -> Vec<String> {
    let per_char = text_width("0", NOTE_SIZE).max(1);
    let max_chars = (width.saturating_sub(2 * PAD) / per_char).max(10) as usize;
    let mut lines = Vec::new();
    for note in notes {
        let mut line = String::new();
        for word in clean(note, usize::MAX).split_whitespace() {
            let word = clean(word, max_chars);
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > max_chars {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(&word);
        }
        if !line.is_empty() {
            lines.push(line);
        }
    }
    lines
}

fn draw_notes(area: &Area, lines: &[String]) -> Result<(), SvgError> {
    let style = text_style(NOTE_SIZE, NOTE_COLOR, Pos::new(HPos::Left, VPos::Top));
    for (i, line) in lines.iter().enumerate() {
        let y = (i as u32 * NOTE_LINE) as i32;
        drawn(area.draw(&Text::new(line.clone(), (PAD as i32, y), &style)))?;
    }
    Ok(())
}

// ---- axes ----

impl Axis {
    /// The estimated width of its longest tick label, in pixels.
    fn widest(&self) -> u32 {
        self.labels
            .iter()
            .map(|l| text_width(l, TICK_SIZE))
            .max()
            .unwrap_or(0)
    }

    fn coord(&self) -> Ticked {
        Ticked {
            inner: self.range.clone().into(),
            ticks: self.ticks.clone(),
        }
    }
}

/// A linear axis with the ticks chosen here. Plotters' own `WithKeyPoints`
/// over `f64` cannot take label formatters, so this stands in for it.
struct Ticked {
    inner: RangedCoordf64,
    ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    // The ticks as bold points; no light grid lines between them.
    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }
}

/// Which way an axis runs, for how many of its labels fit.
#[derive(Clone, Copy)]
enum Along {
    Horizontal,
    Vertical,
}

/// The axis over `lo..=hi` with as many ticks as fit in `pixels`.
fn value_axis(scale: Scale, lo: f64, hi: f64, pixels: u32, along: Along, fit: Fit) -> Axis {
    let (lo, hi) = spread(scale, lo, hi);
    let most = (pixels / 40).clamp(2, 12) as usize;
    let build = |count| match scale {
        Scale::Time => time_axis(lo, hi, count).unwrap_or_else(|| number_axis(lo, hi, count, fit)),
        Scale::Number => number_axis(lo, hi, count, fit),
    };
    (1..=most)
        .rev()
        .map(build)
        .find(|axis| fits(axis, pixels, along))
        .unwrap_or_else(|| build(1))
}

/// Whether neighbouring tick labels keep clear of each other in `pixels`
/// (along a horizontal axis, less half the widest label, which may stick
/// out past the end).
fn fits(axis: &Axis, pixels: u32, along: Along) -> bool {
    let (room, gap) = match along {
        Along::Horizontal => (pixels.saturating_sub(axis.widest() / 2), 12.0),
        Along::Vertical => (pixels, 4.0),
    };
    let span = axis.range.end - axis.range.start;
    let at = |tick: f64| (tick - axis.range.start) / span * f64::from(room);
    let size = |label: &str| match along {
        Along::Horizontal => f64::from(text_width(label, TICK_SIZE)),
        Along::Vertical => f64::from(TICK_LINE),
    };
    let ticks = axis.ticks.windows(2);
    ticks
        .zip(axis.labels.windows(2))
        .all(|(t, l)| at(t[1]) - at(t[0]) >= (size(&l[0]) + size(&l[1])) / 2.0 + gap)
}

// ---- the chart ----

/// Axis names, each cleaned.
struct Names {
    x: String,
    y: String,
}

fn draw_chart(area: &Area, plot: &Plot) -> Result<(), SvgError> {
    let names = |x: &str, y: &str| Names {
        x: clean(x, 80),
        y: clean(y, 80),
    };
    match &plot.data {
        Data::Bars { labels, series } => {
            draw_bars(area, names(&plot.y_name, &plot.x_name), labels, series)
        }
        Data::Points { x_scale, series } => draw_points(
            area,
            names(&plot.x_name, &plot.y_name),
            plot.kind,
            *x_scale,
            series,
        ),
        Data::Bins { x_scale, bins } => {
            let y = if plot.y_name.is_empty() {
                "count"
            } else {
                &plot.y_name
            };
            draw_bins(area, names(&plot.x_name, y), *x_scale, bins)
        }
    }
}

/// The pixels left for the plot inside `area` once the margins and the X
/// axis's labels are taken: (width before the Y labels, height).
fn plot_space(area: &Area) -> (u32, u32) {
    let (width, height) = area.dim_in_pixel();
    let width = width.saturating_sub(3 * PAD);
    let height = height.saturating_sub(3 * PAD + TICK_LINE + DESC_LINE);
    (width, height)
}

/// The chart's frame: axes, ticks, grid lines and axis names.
fn frame<'a, 'b>(
    area: &'a Area<'b>,
    names: &Names,
    x: &Axis,
    y: &Axis,
    y_labels: &[String],
    y_grid: bool,
) -> Result<Frame<'a, 'b>, SvgError> {
    let widest_y = y_labels
        .iter()
        .map(|l| text_width(l, TICK_SIZE))
        .max()
        .unwrap_or(0);
    let mut chart = drawn(
        ChartBuilder::on(area)
            .margin(PAD)
            .margin_top(2 * PAD)
            .margin_right(2 * PAD + x.widest() / 2)
            .x_label_area_size(TICK_LINE + DESC_LINE)
            .y_label_area_size(widest_y + 12 + DESC_LINE)
            .build_cartesian_2d(x.coord(), y.coord()),
    )?;
    let x_label = |v: &f64| x.label(v);
    let y_label = |v: &f64| y.label(v);
    let mut mesh = chart.configure_mesh();
    mesh.x_label_formatter(&x_label)
        .y_label_formatter(&y_label)
        .label_style(text_style(TICK_SIZE, TEXT_COLOR, Pos::default()))
        .axis_desc_style(text_style(DESC_SIZE, TEXT_COLOR, Pos::default()))
        .bold_line_style(GRID_COLOR)
        .axis_style(TEXT_COLOR);
    // An empty name (several series, named in the legend) draws nothing.
    if !names.x.is_empty() {
        mesh.x_desc(names.x.as_str());
    }
    if !names.y.is_empty() {
        mesh.y_desc(names.y.as_str());
    }
    if !y_grid {
        mesh.disable_y_mesh();
    }
    drawn(mesh.draw())?;
    Ok(chart)
}

/// "No values to draw." in the middle of an empty chart.
fn draw_nothing(chart: &Frame) -> Result<(), SvgError> {
    let area = chart.plotting_area().strip_coord_spec();
    let (width, height) = area.dim_in_pixel();
    let style = text_style(DESC_SIZE, NOTE_COLOR, Pos::new(HPos::Center, VPos::Center));
    let center = ((width / 2) as i32, (height / 2) as i32);
    drawn(area.draw(&Text::new("No values to draw.", center, &style)))
}

/// Horizontal bars: one slot per label, top to bottom in the result's
/// order, the series side by side inside it; the labels on the Y axis
/// (every few when they would not fit).
fn draw_bars(
    area: &Area,
    names: Names,
    labels: &[String],
    series: &[Series],
) -> Result<(), SvgError> {
    let (width, height) = plot_space(area);
    let slots = labels.len().max(1) as f64;
    let every = (labels.len() as u32 * TICK_LINE)
        .div_ceil(height.max(1))
        .max(1) as usize;
    let label_chars = (width * 35 / 100 / text_width("0", TICK_SIZE).max(1)) as usize;
    let shown: Vec<usize> = (0..labels.len()).step_by(every).collect();
    let categories = Axis {
        range: 0.0..slots,
        ticks: shown.iter().map(|i| slots - *i as f64 - 0.5).collect(),
        labels: shown
            .iter()
            .map(|i| clean(&labels[*i], label_chars.clamp(4, MAX_LABEL_CHARS)))
            .collect(),
    };
    let values = || {
        series
            .iter()
            .flat_map(|s| s.values.iter().flatten())
            .copied()
    };
    let finite = || values().filter(|v| v.is_finite());
    let lo = finite().fold(0.0, f64::min);
    let hi = finite().fold(0.0, f64::max);
    // Bars grow from zero: with nothing but zeros the axis is 0 to 1.
    let (lo, hi) = if lo == hi { (0.0, 1.0) } else { (lo, hi) };
    let fit = Fit {
        nice_ends: true,
        integers: false,
    };
    let plot_width = width.saturating_sub(categories.widest() + 12 + DESC_LINE);
    let x = value_axis(Scale::Number, lo, hi, plot_width, Along::Horizontal, fit);
    let mut chart = frame(area, &names, &x, &categories, &categories.labels, false)?;
    let band = 0.8 / series.len().max(1) as f64;
    let mut drew = false;
    for (s, one) in series.iter().enumerate() {
        let style = color(s).filled();
        let bars = one.values.iter().enumerate().filter_map(|(i, v)| {
            let v = v.filter(|v| v.is_finite())?;
            let top = slots - i as f64 - 0.1 - s as f64 * band;
            Some(Rectangle::new([(0.0, top - band), (v, top)], style))
        });
        let bars: Vec<_> = bars.collect();
        drew |= !bars.is_empty();
        drawn(chart.draw_series(bars))?;
    }
    if !drew {
        draw_nothing(&chart)?;
    }
    Ok(())
}

/// Lines (one path per series, in the result's order) or scatter points.
fn draw_points(
    area: &Area,
    names: Names,
    kind: Kind,
    x_scale: Scale,
    series: &[Points],
) -> Result<(), SvgError> {
    let (width, height) = plot_space(area);
    let finite = || {
        series
            .iter()
            .flat_map(|s| s.points.iter())
            .filter(|(x, y)| x.is_finite() && y.is_finite())
    };
    let bounds = |pick: fn(&(f64, f64)) -> f64| {
        finite()
            .map(pick)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            })
    };
    let (x_lo, x_hi) = bounds(|p| p.0);
    let (y_lo, y_hi) = bounds(|p| p.1);
    let fit = Fit {
        nice_ends: true,
        integers: false,
    };
    let y = value_axis(Scale::Number, y_lo, y_hi, height, Along::Vertical, fit);
    let plot_width = width.saturating_sub(y.widest() + 12 + DESC_LINE);
    let x_fit = Fit {
        nice_ends: x_scale == Scale::Number,
        integers: false,
    };
    let x = value_axis(x_scale, x_lo, x_hi, plot_width, Along::Horizontal, x_fit);
    let mut chart = frame(area, &names, &x, &y, &y.labels, true)?;
    for (s, one) in series.iter().enumerate() {
        let points: Vec<(f64, f64)> = one
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let color = color(s);
        if kind == Kind::Line && points.len() > 1 {
            let line = PathElement::new(points, color.stroke_width(LINE_WIDTH));
            drawn(chart.draw_series(std::iter::once(line)))?;
        } else {
            let dots = points
                .into_iter()
                .map(|p| Circle::new(p, POINT_RADIUS, color.filled()));
            drawn(chart.draw_series(dots))?;
        }
    }
    if finite().next().is_none() {
        draw_nothing(&chart)?;
    }
    Ok(())
}

/// Histogram bars, one per bin with values, edge to edge.
fn draw_bins(area: &Area, names: Names, x_scale: Scale, bins: &[Bin]) -> Result<(), SvgError> {
    let (width, height) = plot_space(area);
    let finite = || {
        bins.iter()
            .filter(|b| b.low.is_finite() && b.high.is_finite())
    };
    let lo = finite().map(|b| b.low).fold(f64::INFINITY, f64::min);
    let hi = finite().map(|b| b.high).fold(f64::NEG_INFINITY, f64::max);
    let most = finite().map(|b| b.count).max().unwrap_or(0);
    let counts = Fit {
        nice_ends: true,
        integers: true,
    };
    let y = value_axis(
        Scale::Number,
        0.0,
        most as f64,
        height,
        Along::Vertical,
        counts,
    );
    let plot_width = width.saturating_sub(y.widest() + 12 + DESC_LINE);
    let exact = Fit {
        nice_ends: false,
        integers: false,
    };
    let x = value_axis(x_scale, lo, hi, plot_width, Along::Horizontal, exact);
    let mut chart = frame(area, &names, &x, &y, &y.labels, true)?;
    let filled: Vec<&Bin> = finite().filter(|b| b.count > 0).collect();
    let corners = |b: &Bin| [(b.low, 0.0), (b.high, b.count as f64)];
    let style = color(0).filled();
    drawn(chart.draw_series(filled.iter().map(|b| Rectangle::new(corners(b), style))))?;
    // White outlines keep neighbouring bins apart.
    let outline = WHITE.stroke_width(1);
    drawn(chart.draw_series(filled.iter().map(|b| Rectangle::new(corners(b), outline))))?;
    if filled.is_empty() {
        draw_nothing(&chart)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
