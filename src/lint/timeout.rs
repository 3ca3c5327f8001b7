//! A time setting's value as PostgreSQL reads it (`lock_timeout = '2s'`):
//! a number, then optionally a unit (`us`, `ms`, `s`, `min`, `h`, `d`,
//! case-sensitive, blanks allowed between), milliseconds when none;
//! `DEFAULT` is the built-in default, 0.

/// The value of `text` (as written, quotes included or not) in
/// milliseconds, rounded as the server rounds it; `None` when the server
/// would refuse it (no number, an unknown unit, a negative value).
pub fn milliseconds(text: &str) -> Option<u64> {
    let text = text.trim();
    let text = text
        .strip_prefix('\'')
        .and_then(|t| t.strip_suffix('\''))
        .unwrap_or(text)
        .trim();
    if text.eq_ignore_ascii_case("default") {
        return Some(0);
    }
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let per_unit = match unit.trim() {
        "" | "ms" => 1.0,
        "us" => 0.001,
        "s" => 1_000.0,
        "min" => 60_000.0,
        "h" => 3_600_000.0,
        "d" => 86_400_000.0,
        _ => return None,
    };
    let value = (number * per_unit).round();
    (value.is_finite() && value >= 0.0).then_some(value as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_units_as_postgres_reads_them() {
        for zero in [
            "0", "'0'", "'0s'", "'0ms'", "'0min'", "'0 h'", "'0.4ms'", "'100us'", "DEFAULT",
        ] {
            assert_eq!(milliseconds(zero), Some(0), "{zero}");
        }
        assert_eq!(milliseconds("'2s'"), Some(2_000));
        assert_eq!(milliseconds("500"), Some(500));
        assert_eq!(milliseconds("'1.5min'"), Some(90_000));
        assert_eq!(milliseconds("' 1 d '"), Some(86_400_000));
        assert_eq!(milliseconds("'0.6ms'"), Some(1));
        for refused in ["'2S'", "'2 seconds'", "'-1'", "'abc'", "''"] {
            assert_eq!(milliseconds(refused), None, "{refused}");
        }
    }
}
