//! Which chart a result makes: the kind and the columns, from the columns'
//! types and a sample of the first rows (SQLite's types are weak, so dates
//! are recognised in text and numbers in the values themselves), or from
//! what the person asked for. Pure.

use super::{Kind, Request, Scale};
use crate::db::{Column, Row, Value};

/// The longest label a bar chart's text column may hold (in the sample)
/// for the column to be chosen without being asked for; at least half its
/// labels must be this short (longer ones are cut when drawn).
const SHORT_TEXT: usize = 40;

/// Whole numbers in this range, every one of them, read as years.
const YEARS: std::ops::RangeInclusive<i64> = 1000..=3000;

/// At most this many Y columns are chosen without being asked for.
pub const AUTO_SERIES: usize = 4;

/// What a column holds, judged from its values (its type where every
/// sampled value is NULL).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    Number,
    Time,
    Text,
}

impl Class {
    fn word(self) -> &'static str {
        match self {
            Class::Number => "number",
            Class::Time => "date",
            Class::Text => "text",
        }
    }
}

/// The chart chosen for a result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    pub kind: Kind,
    /// The X column (labels for bars, the axis for lines and scatter);
    /// `None` for a histogram.
    pub x: Option<usize>,
    /// The plotted columns: one for a histogram, one series each otherwise.
    pub y: Vec<usize>,
    /// How the X values read (the histogram's values for a histogram).
    pub x_scale: Scale,
    /// What was chosen, for the person: "line chart of revenue by month".
    pub sentence: String,
    /// Numeric columns left out because at most [`AUTO_SERIES`] series are
    /// chosen unasked.
    pub left_out: Vec<usize>,
}

/// Why a result cannot be drawn as asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PickError {
    #[error("no numeric column to plot; columns are {columns}")]
    NoNumbers { columns: String },
    #[error("no column named `{name}`; columns are {columns}")]
    UnknownColumn { name: String, columns: String },
    #[error("column `{name}` holds {class}, not numbers; columns are {columns}")]
    NotNumeric {
        name: String,
        class: &'static str,
        columns: String,
    },
    #[error("a scatter chart needs two numeric columns; columns are {columns}")]
    ScatterNeedsTwo { columns: String },
    #[error("a line chart needs an X column of numbers or dates; columns are {columns}")]
    LineNeedsAxis { columns: String },
    #[error("the result has no columns to plot")]
    NoColumns,
    #[error("the result has no rows")]
    NoRows,
}

/// Chooses the chart for a result with `columns`, whose first rows are
/// `sample`; what `request` names wins over the automatic choice.
pub fn pick(columns: &[Column], sample: &[Row], request: &Request) -> Result<Choice, PickError> {
    if columns.is_empty() {
        return Err(PickError::NoColumns);
    }
    if sample.is_empty() {
        return Err(PickError::NoRows);
    }
    let classes: Vec<Class> = (0..columns.len())
        .map(|i| classify(&columns[i], sample.iter().map(|row| &row[i])))
        .collect();
    let listing = listing(columns, &classes);
    let find = |name: &str| {
        columns
            .iter()
            .position(|c| c.name == name)
            .or_else(|| {
                columns
                    .iter()
                    .position(|c| c.name.eq_ignore_ascii_case(name))
            })
            .ok_or_else(|| PickError::UnknownColumn {
                name: name.to_string(),
                columns: listing.clone(),
            })
    };
    let numeric = |i: usize| {
        if classes[i] == Class::Number {
            Ok(i)
        } else {
            Err(PickError::NotNumeric {
                name: columns[i].name.clone(),
                class: classes[i].word(),
                columns: listing.clone(),
            })
        }
    };
    let asked_x = request.x.as_deref().map(find).transpose()?;
    let asked_y = request
        .y
        .iter()
        .map(|name| find(name).and_then(numeric))
        .collect::<Result<Vec<_>, _>>()?;
    let numbers: Vec<usize> = (0..columns.len())
        .filter(|&i| classes[i] == Class::Number)
        .collect();
    // Numeric columns that name rows (ids, keys, years) are labels, not
    // measures, as long as another numeric column is left to measure.
    let keys: Vec<usize> = numbers
        .iter()
        .copied()
        .filter(|&i| is_key_like(&columns[i], i, sample.iter().map(|row| &row[i])))
        .collect();
    let measures: Vec<usize> = match numbers.iter().copied().filter(|i| !keys.contains(i)) {
        rest if keys.len() < numbers.len() => rest.collect(),
        _ => numbers.clone(),
    };
    let key = keys.first().copied().filter(|k| !measures.contains(k));
    let of_class = |class: Class| (0..columns.len()).find(|&i| classes[i] == class);
    let short_text = (0..columns.len()).find(|&i| {
        let labels: Vec<usize> = sample
            .iter()
            .filter_map(|row| match &row[i] {
                Value::Text(s) => Some(s.chars().count()),
                _ => None,
            })
            .collect();
        classes[i] == Class::Text
            && labels.iter().filter(|&&n| n <= SHORT_TEXT).count() * 2 >= labels.len()
    });
    let no_numbers = || PickError::NoNumbers {
        columns: listing.clone(),
    };
    // The Y columns: as asked, or every other numeric column.
    let series = |x: Option<usize>| -> Result<Vec<usize>, PickError> {
        if !asked_y.is_empty() {
            return Ok(asked_y.clone());
        }
        let rest: Vec<usize> = measures
            .iter()
            .copied()
            .filter(|&i| Some(i) != x)
            .take(AUTO_SERIES)
            .collect();
        if rest.is_empty() {
            Err(no_numbers())
        } else {
            Ok(rest)
        }
    };
    let kind = match request.kind {
        Some(kind) => kind,
        None if asked_x.is_some() => match asked_x.map(|i| classes[i]) {
            Some(Class::Time) => Kind::Line,
            Some(Class::Text) => Kind::Bar,
            _ if asked_y.is_empty() && numbers.len() == 1 => Kind::Histogram,
            _ => Kind::Scatter,
        },
        None if of_class(Class::Time).is_some() && !numbers.is_empty() => Kind::Line,
        None if (short_text.is_some() || key.is_some()) && !measures.is_empty() => Kind::Bar,
        None if measures.len() >= 2 || (numbers.len() == 1 && asked_y.len() > 1) => Kind::Scatter,
        None => Kind::Histogram,
    };
    let (x, y) = match kind {
        Kind::Histogram => {
            let column = match (asked_x, asked_y.first()) {
                (Some(x), _) => numeric(x)?,
                (None, Some(&y)) => y,
                (None, None) => *measures.first().ok_or_else(no_numbers)?,
            };
            (None, vec![column])
        }
        Kind::Bar => {
            let x = asked_x
                .or(short_text)
                .or(key)
                .or(of_class(Class::Text))
                .or(of_class(Class::Time));
            let x = x.unwrap_or(0);
            (Some(x), series(Some(x))?)
        }
        Kind::Line => {
            let x = asked_x
                .or(of_class(Class::Time))
                .or(key)
                .or_else(|| numbers.first().copied().filter(|_| numbers.len() > 1))
                .ok_or_else(|| PickError::LineNeedsAxis {
                    columns: listing.clone(),
                })?;
            if classes[x] == Class::Text {
                return Err(PickError::LineNeedsAxis { columns: listing });
            }
            (Some(x), series(Some(x))?)
        }
        Kind::Scatter => {
            let x = match asked_x {
                Some(x) => numeric(x)?,
                None => *key
                    .iter()
                    .chain(&measures)
                    .find(|&&i| !asked_y.contains(&i))
                    .ok_or_else(|| scatter_error(&numbers, &listing))?,
            };
            let y = series(Some(x)).map_err(|_| scatter_error(&numbers, &listing))?;
            (Some(x), y)
        }
    };
    let x_scale = match x.or(y.first().copied()).map(|i| classes[i]) {
        Some(Class::Time) if kind != Kind::Bar => Scale::Time,
        _ => Scale::Number,
    };
    let sentence = sentence(kind, x.map(|i| columns[i].name.as_str()), &y, columns);
    let left_out = match kind {
        Kind::Histogram => Vec::new(),
        _ if !asked_y.is_empty() => Vec::new(),
        _ => measures
            .iter()
            .copied()
            .filter(|&i| Some(i) != x && !y.contains(&i))
            .collect(),
    };
    Ok(Choice {
        kind,
        x,
        y,
        x_scale,
        sentence,
        left_out,
    })
}

/// Whether a numeric column names rows rather than measures them: called
/// `id`, `…_id` or `year`, every value a whole number that reads as a year,
/// or (as the first column) whole numbers counting up by one, as a key
/// sequence does.
fn is_key_like<'a>(column: &Column, index: usize, values: impl Iterator<Item = &'a Value>) -> bool {
    let name = column.name.to_ascii_lowercase();
    if name == "id" || name.ends_with("_id") || name == "year" {
        return true;
    }
    let whole: Option<Vec<i64>> = values
        .filter(|v| !matches!(v, Value::Null))
        .map(|v| match v {
            Value::Int(n) => Some(*n),
            Value::Numeric(s) => s.parse::<i64>().ok(),
            _ => None,
        })
        .collect();
    let Some(whole) = whole.filter(|w| !w.is_empty()) else {
        return false;
    };
    whole.iter().all(|n| YEARS.contains(n))
        || (index == 0 && whole.len() >= 3 && whole.windows(2).all(|w| w[1] == w[0] + 1))
}

fn scatter_error(numbers: &[usize], listing: &str) -> PickError {
    if numbers.is_empty() {
        PickError::NoNumbers {
            columns: listing.to_string(),
        }
    } else {
        PickError::ScatterNeedsTwo {
            columns: listing.to_string(),
        }
    }
}

/// "line chart of revenue and cost by month".
fn sentence(kind: Kind, x: Option<&str>, y: &[usize], columns: &[Column]) -> String {
    let names: Vec<&str> = y.iter().map(|&i| columns[i].name.as_str()).collect();
    let ys = match names.as_slice() {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    };
    match (kind, x) {
        (Kind::Histogram, _) | (_, None) => format!("histogram of {ys}"),
        (Kind::Bar, Some(x)) => format!("bar chart of {ys} by {x}"),
        (Kind::Line, Some(x)) => format!("line chart of {ys} by {x}"),
        (Kind::Scatter, Some(x)) => format!("scatter chart of {ys} against {x}"),
    }
}

/// "a (text), b (number)".
fn listing(columns: &[Column], classes: &[Class]) -> String {
    let parts: Vec<String> = columns
        .iter()
        .zip(classes)
        .map(|(c, class)| format!("{} ({})", c.name, class.word()))
        .collect();
    parts.join(", ")
}

/// What a column holds: numbers when every non-NULL sampled value is one,
/// dates when every one is text that reads as a date or a timestamp.
pub fn classify<'a>(column: &Column, values: impl Iterator<Item = &'a Value>) -> Class {
    let mut seen = None;
    for value in values {
        let class = match value {
            Value::Null => continue,
            Value::Int(_) | Value::Float(_) => Class::Number,
            Value::Numeric(s) if s.parse::<f64>().is_ok() => Class::Number,
            Value::Text(s) if seconds_of(s).is_some() => Class::Time,
            _ => Class::Text,
        };
        match seen {
            None => seen = Some(class),
            Some(before) if before != class => return Class::Text,
            Some(_) => {}
        }
    }
    seen.unwrap_or_else(|| class_of_type(&column.type_name))
}

/// A column's class from its type's name alone (every sampled value NULL).
fn class_of_type(type_name: &str) -> Class {
    let t = type_name.to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| t.contains(w));
    if has(&["date", "time"]) {
        Class::Time
    } else if has(&[
        "int", "real", "float", "double", "numeric", "decimal", "money", "serial",
    ]) {
        Class::Number
    } else {
        Class::Text
    }
}

/// A value as a number to plot: numbers as they are, dates and timestamps
/// as seconds since 1970-01-01 UTC; `None` for NULL and anything else.
pub fn number_of(value: &Value) -> Option<f64> {
    match value {
        Value::Int(n) => Some(*n as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        Value::Numeric(s) => s.parse::<f64>().ok().filter(|f| f.is_finite()),
        Value::Text(s) => seconds_of(s).map(|s| s as f64),
        _ => None,
    }
}

/// Seconds since 1970-01-01 UTC of an ISO date (`2024-03-01`), a month
/// (`2024-03`), or a timestamp with or without a zone (`2024-03-01
/// 12:30:00`, `2024-03-01T12:30:00Z`, `2024-03-01 12:30:00+02`), taken as
/// UTC without one.
pub fn seconds_of(text: &str) -> Option<i64> {
    let text = text.trim();
    // Only text that starts like a date: jiff would read other forms too.
    let bytes = text.as_bytes();
    if bytes.len() < 7 || !bytes[..4].iter().all(u8::is_ascii_digit) || bytes[4] != b'-' {
        return None;
    }
    if let Ok(ts) = text.parse::<jiff::Timestamp>() {
        return Some(ts.as_second());
    }
    let utc = jiff::tz::TimeZone::UTC;
    if let Ok(dt) = text.parse::<jiff::civil::DateTime>() {
        return utc.to_timestamp(dt).ok().map(|ts| ts.as_second());
    }
    let date = match text.parse::<jiff::civil::Date>() {
        Ok(date) => date,
        Err(_) if bytes.len() == 7 => format!("{text}-01").parse::<jiff::civil::Date>().ok()?,
        Err(_) => return None,
    };
    let dt = date.to_datetime(jiff::civil::Time::midnight());
    utc.to_timestamp(dt).ok().map(|ts| ts.as_second())
}

#[cfg(test)]
mod tests;
