//! Ticks for a chart's axes, shared by the text and SVG renderers: where
//! they go and how they read. Numbers on steps of 1, 2, 2.5 or 5 times a
//! power of ten with thousands separators; times (seconds since 1970 UTC)
//! on whole seconds, minutes, hours, days, Mondays, months or years, shown
//! as dates with the time of day when the step is shorter. Pure.

use std::ops::Range;

use crate::chart::Scale;
use crate::numbers::thousands;

/// One axis: its range, the values that get a tick and each tick's label.
pub struct Axis {
    pub range: Range<f64>,
    pub ticks: Vec<f64>,
    pub labels: Vec<String>,
}

impl Axis {
    /// The label of the tick at `value` (ticks are handed to plotters and
    /// come back unchanged).
    pub fn label(&self, value: &f64) -> String {
        self.ticks
            .iter()
            .position(|t| t == value)
            .map(|i| self.labels[i].clone())
            .unwrap_or_default()
    }
}

/// How an axis's range is chosen from its data's.
#[derive(Clone, Copy)]
pub struct Fit {
    /// Widen the range to whole tick steps.
    pub nice_ends: bool,
    /// Only whole-number ticks (counts).
    pub integers: bool,
}

/// A range that is not empty and whose span is a finite number: `lo < hi`
/// (values beyond half of `f64::MAX` are cut to it).
pub fn spread(scale: Scale, lo: f64, hi: f64) -> (f64, f64) {
    if !lo.is_finite() || !hi.is_finite() || lo > hi {
        return (0.0, 1.0);
    }
    let (lo, hi) = (lo.max(-f64::MAX / 2.0), hi.min(f64::MAX / 2.0));
    if lo < hi {
        return (lo, hi);
    }
    let half = match scale {
        // A single date (midnight): the days before and after it, so the
        // ticks stay on whole days.
        Scale::Time if lo.rem_euclid(DAY as f64) == 0.0 => DAY as f64,
        Scale::Time => 43_200.0,
        Scale::Number if lo == 0.0 => 1.0,
        Scale::Number => lo.abs() / 10.0,
    };
    (lo - half, hi + half)
}

/// Multiples of a power of ten an axis steps by.
pub const TICK_STEPS: [f64; 4] = [1.0, 2.0, 2.5, 5.0];
/// Multiples of a power of ten a histogram's bins are wide: no 2.5, so
/// whole-number bins stay whole.
pub const BIN_STEPS: [f64; 3] = [1.0, 2.0, 5.0];

/// The smallest of `multiples` times a power of ten that is at least
/// `rough` (1 when `rough` is not a positive finite number).
pub fn nice_step(rough: f64, multiples: &[f64]) -> f64 {
    if rough <= 0.0 || !rough.is_finite() {
        return 1.0;
    }
    let magnitude = 10f64.powf(rough.log10().floor());
    multiples
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= rough)
        .unwrap_or(10.0 * magnitude)
}

/// Ticks at a "nice" step (1, 2, 2.5 or 5 times a power of ten), at most
/// about `count` of them, labelled with thousands separators.
pub fn number_axis(lo: f64, hi: f64, count: usize, fit: Fit) -> Axis {
    let raw = (hi - lo) / count.max(1) as f64;
    let step = if fit.integers && raw < 10.0 {
        // Below ten a step of 2.5 would put counts on halves.
        nice_step(raw.max(1.0), &BIN_STEPS)
    } else {
        nice_step(raw, &TICK_STEPS)
    };
    let (lo, hi) = if fit.nice_ends {
        ((lo / step).floor() * step, (hi / step).ceil() * step)
    } else {
        (lo, hi)
    };
    let first = (lo / step - 1e-9).ceil() as i64;
    let last = (hi / step + 1e-9).floor() as i64;
    let decimals = decimals(step);
    let ticks: Vec<f64> = (first..=last).map(|k| k as f64 * step).collect();
    let labels = ticks.iter().map(|t| number_label(*t, decimals)).collect();
    Axis {
        range: lo..hi,
        ticks,
        labels,
    }
}

/// How a value on an axis stepping by `step` reads: a number with the
/// decimals the step needs, or a time (`step` in seconds) as a date, with
/// the time of day when the step is shorter than a day and `with_date`
/// says whether a sub-day time shows its date too.
pub fn value_label(value: f64, step: f64, scale: Scale, with_date: bool) -> String {
    match scale {
        Scale::Number => number_label(value, decimals(step)),
        Scale::Time => jiff::Timestamp::from_second(value.round() as i64)
            .map(|t| t.strftime(time_format(step, with_date)).to_string())
            .unwrap_or_else(|_| number_label(value, 0)),
    }
}

/// How many decimals show a multiple of `step` exactly.
fn decimals(step: f64) -> usize {
    (0..=12)
        .find(|d| {
            let scaled = step * 10f64.powi(*d as i32);
            (scaled - scaled.round()).abs() < 1e-6 * scaled.max(1.0)
        })
        .unwrap_or(12)
}

/// `1234567.5` with 1 decimal → `1,234,567.5`; very large values in
/// scientific notation.
pub fn number_label(value: f64, decimals: usize) -> String {
    if value.abs() >= 1e15 {
        return format!("{value:.2e}");
    }
    let digits = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = match digits.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (digits.as_str(), None),
    };
    let zero = digits.chars().all(|c| c == '0' || c == '.');
    let mut out = String::new();
    if value < 0.0 && !zero {
        out.push('-');
    }
    out.push_str(
        &whole
            .parse()
            .map(thousands)
            .unwrap_or_else(|_| whole.to_string()),
    );
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

/// A step between time ticks.
#[derive(Clone, Copy)]
enum TimeStep {
    Seconds(i64),
    Months(i32),
}

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const TIME_STEPS: [TimeStep; 34] = {
    use TimeStep::{Months, Seconds};
    [
        Seconds(1),
        Seconds(2),
        Seconds(5),
        Seconds(10),
        Seconds(15),
        Seconds(30),
        Seconds(MINUTE),
        Seconds(2 * MINUTE),
        Seconds(5 * MINUTE),
        Seconds(10 * MINUTE),
        Seconds(15 * MINUTE),
        Seconds(30 * MINUTE),
        Seconds(HOUR),
        Seconds(2 * HOUR),
        Seconds(3 * HOUR),
        Seconds(6 * HOUR),
        Seconds(12 * HOUR),
        Seconds(DAY),
        Seconds(2 * DAY),
        Seconds(7 * DAY),
        Seconds(14 * DAY),
        Months(1),
        Months(3),
        Months(6),
        Months(12),
        Months(24),
        Months(60),
        Months(120),
        Months(240),
        Months(600),
        Months(1200),
        Months(2400),
        Months(6000),
        Months(12000),
    ]
};

impl TimeStep {
    fn seconds(self) -> f64 {
        match self {
            TimeStep::Seconds(s) => s as f64,
            TimeStep::Months(m) => m as f64 * 30.44 * DAY as f64,
        }
    }
}

/// How a time on an axis stepping by `step` seconds reads (UTC): with the
/// date alone from a day up (the month from four weeks, the year from a
/// year), with the time of day below it, then also with the date when
/// `with_date`.
fn time_format(step: f64, with_date: bool) -> &'static str {
    let day = DAY as f64;
    match step {
        s if s < MINUTE as f64 && with_date => "%Y-%m-%d %H:%M:%S",
        s if s < MINUTE as f64 => "%H:%M:%S",
        s if s < day && with_date => "%Y-%m-%d %H:%M",
        s if s < day => "%H:%M",
        s if s < 28.0 * day => "%Y-%m-%d",
        s if s < 365.0 * day => "%Y-%m",
        _ => "%Y",
    }
}

/// Ticks on whole seconds, minutes, hours, days, Mondays, months or years,
/// at most about `count`, labelled as UTC dates (with the time when the
/// step is under a day). A range from midnight to midnight (dates) steps
/// by whole days at least. `None` when the range is outside the dates jiff
/// can show.
pub fn time_axis(lo: f64, hi: f64, count: usize) -> Option<Axis> {
    let span = hi - lo;
    let dates = lo.rem_euclid(DAY as f64) == 0.0 && hi.rem_euclid(DAY as f64) == 0.0;
    let step = TIME_STEPS
        .iter()
        .copied()
        .filter(|s| !dates || s.seconds() >= DAY as f64)
        .find(|s| span / s.seconds() <= count.max(1) as f64)
        .unwrap_or(TimeStep::Months(12000));
    let (first, last) = (lo.ceil() as i64, hi.floor() as i64);
    jiff::Timestamp::from_second(first).ok()?;
    jiff::Timestamp::from_second(last).ok()?;
    let ticks: Vec<i64> = match step {
        TimeStep::Seconds(s) => {
            // Weeks start on Mondays: 1970-01-05 is one.
            let offset = if s % (7 * DAY) == 0 { 4 * DAY } else { 0 };
            let start = (first - offset).div_euclid(s) * s + offset;
            let start = if start < first { start + s } else { start };
            (0..)
                .map(|k| start + k * s)
                .take_while(|t| *t <= last)
                .collect()
        }
        TimeStep::Months(m) => month_ticks(first, last, m)?,
    };
    let labels = ticks
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let new_day = i == 0 || t.div_euclid(DAY) != ticks[i - 1].div_euclid(DAY);
            jiff::Timestamp::from_second(*t)
                .map(|ts| {
                    ts.strftime(time_format(step.seconds(), new_day))
                        .to_string()
                })
                .unwrap_or_default()
        })
        .collect();
    Some(Axis {
        range: lo..hi,
        ticks: ticks.into_iter().map(|t| t as f64).collect(),
        labels,
    })
}

/// Midnights (UTC) of the first day of every `months`-th month in
/// `first..=last`, counted from year 0 so the ticks fall on round dates.
fn month_ticks(first: i64, last: i64, months: i32) -> Option<Vec<i64>> {
    let utc = jiff::tz::TimeZone::UTC;
    let start = jiff::Timestamp::from_second(first)
        .ok()?
        .to_zoned_datetime(utc.clone());
    let index = i32::from(start.year()) * 12 + i32::from(start.month()) - 1;
    let mut index = index.div_euclid(months) * months;
    let mut ticks = Vec::new();
    loop {
        let year = i16::try_from(index.div_euclid(12)).ok()?;
        let month = (index.rem_euclid(12) + 1) as i8;
        let date = jiff::civil::Date::new(year, month, 1).ok()?;
        let second = date
            .to_zoned_datetime(utc.clone())
            .ok()?
            .timestamp()
            .as_second();
        if second > last {
            return Some(ticks);
        }
        if second >= first {
            ticks.push(second);
        }
        index += months;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const JAN_1_2024: f64 = 1_704_067_200.0;

    #[test]
    fn numbers_read_with_thousands_separators() {
        assert_eq!(number_label(1_234_567.5, 1), "1,234,567.5");
        assert_eq!(number_label(-2500.0, 0), "-2,500");
        assert_eq!(number_label(-0.0001, 2), "0.00");
        assert_eq!(number_label(0.25, 2), "0.25");
        assert_eq!(number_label(3e18, 0), "3.00e18");
    }

    #[test]
    fn steps_are_round_and_bins_skip_quarters() {
        assert_eq!(nice_step(0.7, &TICK_STEPS), 1.0);
        assert_eq!(nice_step(1.3, &TICK_STEPS), 2.0);
        assert_eq!(nice_step(2.2, &TICK_STEPS), 2.5);
        assert_eq!(nice_step(2.2, &BIN_STEPS), 5.0);
        assert_eq!(nice_step(7000.0, &BIN_STEPS), 10_000.0);
        assert_eq!(nice_step(f64::INFINITY, &BIN_STEPS), 1.0);
    }

    #[test]
    fn values_read_at_their_step() {
        assert_eq!(value_label(0.75, 0.25, Scale::Number, false), "0.75");
        assert_eq!(value_label(-1500.0, 500.0, Scale::Number, false), "-1,500");
        let march = JAN_1_2024 + 60.0 * 86_400.0;
        assert_eq!(
            value_label(march, 31.0 * 86_400.0, Scale::Time, false),
            "2024-03"
        );
        assert_eq!(
            value_label(march, 86_400.0, Scale::Time, false),
            "2024-03-01"
        );
        assert_eq!(
            value_label(march, 3_600.0, Scale::Time, true),
            "2024-03-01 00:00"
        );
        assert_eq!(value_label(march, 3_600.0, Scale::Time, false), "00:00");
    }

    #[test]
    fn weeks_start_on_mondays() {
        let day = 86_400.0;
        let weeks = time_axis(JAN_1_2024, JAN_1_2024 + 40.0 * day, 6).expect("in range");
        assert_eq!(weeks.labels[..2], ["2024-01-01", "2024-01-08"]);
    }

    #[test]
    fn extreme_ranges_still_give_a_span() {
        let (lo, hi) = spread(Scale::Number, -f64::MAX, f64::MAX);
        assert!((hi - lo).is_finite() && lo < hi);
        assert_eq!(spread(Scale::Number, 5.0, 5.0), (4.5, 5.5));
        assert_eq!(spread(Scale::Time, 3_600.0, 3_600.0), (-39_600.0, 46_800.0));
        assert_eq!(spread(Scale::Time, 0.0, 0.0), (-86_400.0, 86_400.0));
        assert_eq!(spread(Scale::Number, f64::NAN, 1.0), (0.0, 1.0));
    }

    #[test]
    fn number_ticks_fall_on_round_steps() {
        let fit = Fit {
            nice_ends: true,
            integers: false,
        };
        let axis = number_axis(3.0, 97.0, 5, fit);
        assert_eq!(axis.labels, ["0", "20", "40", "60", "80", "100"]);
        assert_eq!(axis.range, 0.0..100.0);
        let small = number_axis(0.0, 1.0, 4, fit);
        assert_eq!(small.labels, ["0.00", "0.25", "0.50", "0.75", "1.00"]);
        let counts = Fit {
            nice_ends: true,
            integers: true,
        };
        assert_eq!(
            number_axis(0.0, 3.0, 10, counts).labels,
            ["0", "1", "2", "3"]
        );
        assert_eq!(number_axis(0.0, 9.0, 4, counts).labels, ["0", "5", "10"]);
    }

    #[test]
    fn time_ticks_fall_on_days_months_and_years() {
        let day = 86_400.0;
        let days = time_axis(JAN_1_2024, JAN_1_2024 + 4.0 * day, 5).expect("in range");
        assert_eq!(
            days.labels,
            [
                "2024-01-01",
                "2024-01-02",
                "2024-01-03",
                "2024-01-04",
                "2024-01-05"
            ]
        );
        let months = time_axis(JAN_1_2024 + day, JAN_1_2024 + 360.0 * day, 5).expect("in range");
        assert_eq!(months.labels, ["2024-04", "2024-07", "2024-10"]);
        let years = time_axis(JAN_1_2024, JAN_1_2024 + 3650.0 * day, 6).expect("in range");
        assert_eq!(years.labels, ["2024", "2026", "2028", "2030", "2032"]);
        let hours = time_axis(JAN_1_2024, JAN_1_2024 + 6.0 * 3600.0, 4).expect("in range");
        assert_eq!(hours.labels[..3], ["2024-01-01 00:00", "02:00", "04:00"]);
        assert!(time_axis(1e15, 2e15, 5).is_none());
    }

    #[test]
    fn dates_tick_on_whole_days_even_when_few() {
        let day = 86_400.0;
        // Four dates on an axis with room for twelve ticks: no half days.
        let few = time_axis(JAN_1_2024, JAN_1_2024 + 3.0 * day, 12).expect("in range");
        assert_eq!(
            few.labels,
            ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"]
        );
        // One date: the days around it.
        let (lo, hi) = spread(Scale::Time, JAN_1_2024, JAN_1_2024);
        let one = time_axis(lo, hi, 12).expect("in range");
        assert_eq!(one.labels, ["2023-12-31", "2024-01-01", "2024-01-02"]);
    }
}
