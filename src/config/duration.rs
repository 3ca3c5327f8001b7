//! Durations as flags and the config file write them (`30s`, `500ms`,
//! `2m`, `1h`, bare seconds), bounded by the longest statement timeout
//! PostgreSQL accepts, so a flag and the file agree on what is valid.

use std::time::Duration;

/// The longest statement timeout: PostgreSQL's limit (2^31 - 1 ms, about
/// 596 hours).
pub const MAX_STATEMENT_TIMEOUT: Duration = Duration::from_millis(i32::MAX as u64);

/// `duration`, unless it is longer than [`MAX_STATEMENT_TIMEOUT`]; `shown`
/// is how it was written, for the error.
pub fn within_limit(duration: Duration, shown: &str) -> Result<Duration, String> {
    if duration > MAX_STATEMENT_TIMEOUT {
        return Err(format!(
            "`{shown}` is longer than the longest statement timeout, 596h; use 0 to turn the timeout off"
        ));
    }
    Ok(duration)
}

/// Reads `30s`, `500ms`, `2m`, `1h` or bare seconds, up to
/// [`MAX_STATEMENT_TIMEOUT`].
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration; write e.g. 30s, 500ms or 2m"))?;
    let seconds = match unit.trim() {
        "" | "s" => value,
        "ms" => value / 1000.0,
        "m" | "min" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}`; use ms, s, m or h"
            ));
        }
    };
    let too_long = || within_limit(Duration::MAX, text);
    match Duration::try_from_secs_f64(seconds) {
        Ok(duration) => within_limit(duration, text),
        Err(_) => too_long(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("30"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("3 weeks").is_err());
        for huge in ["99999999999999999999", "597h", "1e400", "2147484s"] {
            assert!(parse_duration(huge).is_err(), "{huge}");
        }
        assert_eq!(parse_duration("596h"), Ok(Duration::from_secs(596 * 3600)));
    }
}
