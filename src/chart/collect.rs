//! Gathers a chart's numbers from rows as they arrive, in bounded memory
//! whatever the row count: bars keep the first labels, lines keep min/max
//! buckets that double in size, scatter points are thinned to every k-th,
//! and histogram bins widen (neighbours merged) as the range grows. Pure.

use std::collections::BTreeMap;

use super::pick::{self, Choice, PickError};
use super::ticks::{BIN_STEPS, nice_step};
use super::{Bin, Data, Kind, Plot, Points, Request, Scale, Series};
use crate::db::{Column, Row, RowFlow, RowSink, Value};
use crate::escape;
use crate::numbers::thousands;

/// Bars kept; the rows after them are counted.
pub const MAX_BARS: usize = 200;
/// Min/max buckets kept per line series (each gives up to two points).
const MAX_BUCKETS: usize = 1024;
/// Points kept per scatter series.
const MAX_POINTS: usize = 2048;
/// Histogram values kept exactly before bins are fixed.
const RAW_VALUES: usize = 4096;
/// Bins kept while values stream in.
const MAX_BINS: i64 = 256;
/// Bins in a finished histogram, at most.
const SHOWN_BINS: i64 = 30;

/// Builds a [`Plot`] from rows fed one at a time.
pub struct Collector {
    kind: Kind,
    x: Option<usize>,
    y: Vec<usize>,
    x_name: String,
    y_names: Vec<String>,
    x_scale: Scale,
    state: State,
    /// Rows skipped for a NULL in a plotted column.
    null_rows: u64,
    /// Rows skipped for a value that is not a number (or a date).
    odd_rows: u64,
    /// The names of the numeric columns the choice left out.
    left_out: Vec<String>,
}

enum State {
    Bars {
        labels: Vec<String>,
        values: Vec<Vec<Option<f64>>>,
        digits: Vec<Vec<Option<String>>>,
        more: u64,
    },
    Lines(Vec<Buckets>),
    Scatter(Vec<Stride>),
    Bins(Binner),
}

impl Collector {
    pub fn new(choice: &Choice, columns: &[Column]) -> Collector {
        let name = |i: usize| escape::visible_name(&columns[i].name, false).into_owned();
        let series = choice.y.len();
        let state = match choice.kind {
            Kind::Bar => State::Bars {
                labels: Vec::new(),
                values: vec![Vec::new(); series],
                digits: vec![Vec::new(); series],
                more: 0,
            },
            Kind::Line => State::Lines((0..series).map(|_| Buckets::default()).collect()),
            Kind::Scatter => State::Scatter((0..series).map(|_| Stride::default()).collect()),
            Kind::Histogram => State::Bins(Binner::default()),
        };
        Collector {
            kind: choice.kind,
            x: choice.x,
            y: choice.y.clone(),
            x_name: choice.x.map(name).unwrap_or_else(|| name(choice.y[0])),
            y_names: choice.y.iter().map(|&i| name(i)).collect(),
            x_scale: choice.x_scale,
            state,
            null_rows: 0,
            odd_rows: 0,
            left_out: choice.left_out.iter().map(|&i| name(i)).collect(),
        }
    }

    /// Takes one row of the result.
    pub fn push(&mut self, row: &Row) {
        let ys: Vec<Option<f64>> = self.y.iter().map(|&i| pick::number_of(&row[i])).collect();
        let has_null = self.y.iter().chain(&self.x).any(|&i| row[i] == Value::Null);
        let skip = |c: &mut Collector| {
            if has_null {
                c.null_rows += 1;
            } else {
                c.odd_rows += 1;
            }
        };
        match &mut self.state {
            State::Bars {
                labels,
                values,
                digits,
                more,
            } => {
                if ys.iter().all(Option::is_none) {
                    return skip(self);
                }
                if labels.len() == MAX_BARS {
                    *more += 1;
                    return;
                }
                labels.push(label(&row[self.x.unwrap_or(0)]));
                for (kept, y) in values.iter_mut().zip(ys) {
                    kept.push(y);
                }
                for (kept, &i) in digits.iter_mut().zip(&self.y) {
                    kept.push(exact_digits(&row[i]));
                }
            }
            State::Bins(binner) => match ys[0] {
                Some(v) => binner.push(v),
                None => skip(self),
            },
            State::Lines(_) | State::Scatter(_) => {
                let x = self.x.and_then(|i| pick::number_of(&row[i]));
                let (Some(x), true) = (x, ys.iter().any(Option::is_some)) else {
                    return skip(self);
                };
                for (i, y) in ys.into_iter().enumerate() {
                    let Some(y) = y else { continue };
                    match &mut self.state {
                        State::Lines(series) => series[i].push(x, y),
                        State::Scatter(series) => series[i].push(x, y),
                        _ => unreachable!("matched above"),
                    }
                }
            }
        }
    }

    /// The plot of every row pushed, with notes on what was skipped or
    /// reduced.
    pub fn finish(self) -> Plot {
        let mut notes = Vec::new();
        if self.null_rows > 0 {
            let rows = counted(self.null_rows, "row", "rows");
            notes.push(format!("{rows} with NULL skipped."));
        }
        if self.odd_rows > 0 {
            let rows = counted(self.odd_rows, "row", "rows");
            notes.push(format!("{rows} whose values are not numbers skipped."));
        }
        if !self.left_out.is_empty() {
            notes.push(format!(
                "{} not drawn, since at most {} series are chosen unasked: {}; name the columns to draw them.",
                counted(self.left_out.len() as u64, "numeric column", "numeric columns"),
                pick::AUTO_SERIES,
                self.left_out.join(", ")
            ));
        }
        let single = self.y_names.len() == 1;
        let y_name = if single {
            self.y_names[0].clone()
        } else {
            String::new()
        };
        let data = match self.state {
            State::Bars {
                labels,
                values,
                digits,
                more,
            } => {
                if more > 0 {
                    notes.push(format!(
                        "Only the first {} bars are drawn; {} more not shown.",
                        labels.len(),
                        counted(more, "row", "rows")
                    ));
                }
                let series = self
                    .y_names
                    .iter()
                    .zip(values.into_iter().zip(digits))
                    .map(|(name, (values, digits))| Series {
                        name: name.clone(),
                        values,
                        digits,
                    })
                    .collect();
                Data::Bars { labels, series }
            }
            State::Lines(buckets) => {
                let series = self.y_names.iter().zip(buckets).map(|(name, b)| {
                    if b.size > 1 {
                        notes.push(format!(
                            "{name}: the lowest and highest of every {} points drawn ({} in all).",
                            thousands(b.size),
                            thousands(b.seen)
                        ));
                    }
                    let mut points = b.points();
                    points.sort_by(|a, b| a.0.total_cmp(&b.0));
                    Points {
                        name: name.clone(),
                        points,
                    }
                });
                Data::Points {
                    x_scale: self.x_scale,
                    series: series.collect(),
                }
            }
            State::Scatter(strides) => {
                let series = self.y_names.iter().zip(strides).map(|(name, s)| {
                    if s.every > 1 {
                        notes.push(format!(
                            "{name}: 1 point in every {} drawn ({} in all).",
                            thousands(s.every),
                            thousands(s.seen)
                        ));
                    }
                    Points {
                        name: name.clone(),
                        points: s.kept,
                    }
                });
                Data::Points {
                    x_scale: self.x_scale,
                    series: series.collect(),
                }
            }
            State::Bins(binner) => {
                let count = binner.count;
                let bins = binner.finish();
                if count > 0 {
                    let values = counted(count, "value", "values");
                    notes.push(format!("{values} counted in equal bins."));
                }
                Data::Bins {
                    x_scale: self.x_scale,
                    bins,
                }
            }
        };
        Plot {
            kind: self.kind,
            x_name: self.x_name,
            y_name,
            data,
            notes,
        }
    }
}

/// `n` grouped by thousands and its noun: `1,200 rows`, `1 row`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// A bar's label: text as it is (control characters made visible), other
/// values as they read.
/// The digits of an exact number as the database wrote them.
fn exact_digits(value: &Value) -> Option<String> {
    match value {
        Value::Int(n) => Some(n.to_string()),
        Value::Numeric(s) if s.trim().parse::<f64>().is_ok_and(f64::is_finite) => {
            Some(s.trim().to_string())
        }
        _ => None,
    }
}

fn label(value: &Value) -> String {
    match value {
        Value::Null => "NULL".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(n) => n.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Numeric(s) | Value::Text(s) | Value::Json(s) => {
            escape::visible_name(s, false).into_owned()
        }
        Value::Bytes(b) => format!("({} bytes)", b.len()),
    }
}

/// One line bucket: how many points it took, and its lowest and highest
/// point with their order of arrival.
#[derive(Clone, Copy)]
struct Bucket {
    count: u64,
    low: (u64, f64, f64),
    high: (u64, f64, f64),
}

impl Bucket {
    fn merge(self, other: Bucket) -> Bucket {
        Bucket {
            count: self.count + other.count,
            low: if other.low.2 < self.low.2 {
                other.low
            } else {
                self.low
            },
            high: if other.high.2 > self.high.2 {
                other.high
            } else {
                self.high
            },
        }
    }
}

/// A line series reduced to buckets of `size` consecutive points, each
/// keeping its lowest and highest point, so spikes survive thinning.
struct Buckets {
    buckets: Vec<Bucket>,
    size: u64,
    seen: u64,
}

impl Default for Buckets {
    fn default() -> Buckets {
        Buckets {
            buckets: Vec::new(),
            size: 1,
            seen: 0,
        }
    }
}

impl Buckets {
    fn push(&mut self, x: f64, y: f64) {
        let point = (self.seen, x, y);
        self.seen += 1;
        let fresh = Bucket {
            count: 1,
            low: point,
            high: point,
        };
        match self.buckets.last_mut() {
            Some(last) if last.count < self.size => *last = last.merge(fresh),
            _ => self.buckets.push(fresh),
        }
        if self.buckets.len() > MAX_BUCKETS {
            self.buckets = self
                .buckets
                .chunks(2)
                .map(|pair| pair.iter().copied().reduce(Bucket::merge).unwrap())
                .collect();
            self.size *= 2;
        }
    }

    fn points(&self) -> Vec<(f64, f64)> {
        let mut points = Vec::with_capacity(self.buckets.len() * 2);
        for b in &self.buckets {
            let (first, second) = if b.low.0 <= b.high.0 {
                (b.low, b.high)
            } else {
                (b.high, b.low)
            };
            points.push((first.1, first.2));
            if second.0 != first.0 {
                points.push((second.1, second.2));
            }
        }
        points
    }
}

/// A scatter series thinned to every `every`-th point, `every` doubling
/// whenever more than [`MAX_POINTS`] are kept.
struct Stride {
    kept: Vec<(f64, f64)>,
    every: u64,
    seen: u64,
}

impl Default for Stride {
    fn default() -> Stride {
        Stride {
            kept: Vec::new(),
            every: 1,
            seen: 0,
        }
    }
}

impl Stride {
    fn push(&mut self, x: f64, y: f64) {
        if self.seen.is_multiple_of(self.every) {
            self.kept.push((x, y));
        }
        self.seen += 1;
        if self.kept.len() > MAX_POINTS {
            let mut i = 0;
            self.kept.retain(|_| {
                i += 1;
                i % 2 == 1
            });
            self.every *= 2;
        }
    }
}

/// Histogram counts: the first values kept exactly, then counts on a grid
/// of equal bins whose width doubles (neighbours merged) whenever the
/// values span more than [`MAX_BINS`] of them.
#[derive(Default)]
struct Binner {
    raw: Vec<f64>,
    grid: Option<Grid>,
    count: u64,
}

struct Grid {
    width: f64,
    /// Bin `k` holds values in `k*width..(k+1)*width`.
    counts: BTreeMap<i64, u64>,
}

impl Grid {
    fn add(&mut self, v: f64, n: u64) {
        *self
            .counts
            .entry((v / self.width).floor() as i64)
            .or_default() += n;
        while self.span() > MAX_BINS {
            self.widen();
        }
    }

    fn span(&self) -> i64 {
        match (self.counts.first_key_value(), self.counts.last_key_value()) {
            (Some((lo, _)), Some((hi, _))) => hi.saturating_sub(*lo).saturating_add(1),
            _ => 0,
        }
    }

    /// Doubles the width, each pair of neighbours becoming one bin.
    fn widen(&mut self) {
        let mut wider = BTreeMap::new();
        for (k, n) in std::mem::take(&mut self.counts) {
            *wider.entry(k.div_euclid(2)).or_default() += n;
        }
        self.counts = wider;
        self.width *= 2.0;
    }

    fn bins(&self) -> Vec<Bin> {
        let (Some((&lo, _)), Some((&hi, _))) =
            (self.counts.first_key_value(), self.counts.last_key_value())
        else {
            return Vec::new();
        };
        (lo..=hi)
            .map(|k| Bin {
                low: k as f64 * self.width,
                high: (k + 1) as f64 * self.width,
                count: self.counts.get(&k).copied().unwrap_or(0),
            })
            .collect()
    }
}

impl Binner {
    fn push(&mut self, v: f64) {
        self.count += 1;
        match &mut self.grid {
            Some(grid) => grid.add(v, 1),
            None => {
                self.raw.push(v);
                if self.raw.len() > RAW_VALUES {
                    self.grid = Some(grid_for(&std::mem::take(&mut self.raw), MAX_BINS / 4));
                }
            }
        }
    }

    fn finish(self) -> Vec<Bin> {
        let mut grid = match self.grid {
            Some(grid) => grid,
            None if self.raw.is_empty() => return Vec::new(),
            None => {
                let target = ((self.raw.len() as f64).sqrt().ceil() as i64).clamp(5, 20);
                grid_for(&self.raw, target)
            }
        };
        while grid.span() > SHOWN_BINS {
            grid.widen();
        }
        grid.bins()
    }
}

/// A grid of about `target` bins of a round width over `values`, holding
/// them; whole numbers get whole widths.
fn grid_for(values: &[f64], target: i64) -> Grid {
    let (lo, hi) = values
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
    let whole = values.iter().all(|v| v.fract() == 0.0);
    let range = hi - lo;
    let mut width = if range > 0.0 {
        nice_step(range / target as f64, &BIN_STEPS)
    } else {
        nice_step(lo.abs().max(1.0) / 10.0, &BIN_STEPS)
    };
    if whole {
        width = width.max(1.0).round();
    }
    let mut grid = Grid {
        width,
        counts: BTreeMap::new(),
    };
    for &v in values {
        grid.add(v, 1);
    }
    grid
}

/// The chart of rows already at hand (the first rows of a result).
pub fn plot_rows(
    columns: &[Column],
    rows: &[Row],
    request: &Request,
) -> Result<(Choice, Plot), PickError> {
    let sample = &rows[..rows.len().min(SAMPLE_ROWS)];
    let choice = pick::pick(columns, sample, request)?;
    let mut collector = Collector::new(&choice, columns);
    rows.iter().for_each(|row| collector.push(row));
    Ok((choice, collector.finish()))
}

/// A [`RowSink`] that chooses the chart from the first rows, then feeds
/// every row to a [`Collector`]: a whole result charted in bounded memory.
pub struct Charting {
    request: Request,
    columns: Vec<Column>,
    sample: Vec<Row>,
    collector: Option<Collector>,
    error: Option<PickError>,
    choice: Option<Choice>,
}

/// Rows looked at before the chart is chosen.
const SAMPLE_ROWS: usize = 200;

impl Charting {
    pub fn new(request: Request) -> Charting {
        Charting {
            request,
            columns: Vec::new(),
            sample: Vec::new(),
            collector: None,
            error: None,
            choice: None,
        }
    }

    fn choose(&mut self) {
        match pick::pick(&self.columns, &self.sample, &self.request) {
            Ok(choice) => {
                let mut collector = Collector::new(&choice, &self.columns);
                for row in self.sample.drain(..) {
                    collector.push(&row);
                }
                self.collector = Some(collector);
                self.choice = Some(choice);
            }
            Err(error) => self.error = Some(error),
        }
    }

    /// What was chosen and the plot of every row, or why there is none.
    pub fn finish(mut self) -> Result<(Choice, Plot), PickError> {
        if self.collector.is_none() && self.error.is_none() {
            self.choose();
        }
        match (self.error, self.choice, self.collector) {
            (Some(error), _, _) => Err(error),
            (None, Some(choice), Some(collector)) => Ok((choice, collector.finish())),
            _ => Err(PickError::NoColumns),
        }
    }
}

impl RowSink for Charting {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        self.columns = columns.to_vec();
        RowFlow::Continue
    }

    fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
        if self.error.is_some() {
            return RowFlow::Stop;
        }
        match &mut self.collector {
            Some(collector) => rows.iter().for_each(|row| collector.push(row)),
            None => {
                self.sample.extend(rows);
                if self.sample.len() >= SAMPLE_ROWS {
                    self.choose();
                }
            }
        }
        RowFlow::Continue
    }
}

#[cfg(test)]
mod tests;
