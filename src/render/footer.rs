//! The line printed after a table or expanded result: how many rows, whether
//! that was all of them, and (on a terminal) the time spent in the database.
//!
//! Invariant: piped footers never contain a time, so output sent to files
//! and other programs is the same from one run to the next.

use std::time::Duration;

use crate::db::{Outcome, OutcomeKind};
use crate::numbers::counted;

/// Formats a duration with about three significant digits:
/// `0.42 ms`, `12.3 ms`, `250 ms`, `1.52 s`, `2 min 3 s`, `1 h 5 min`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 9.995 {
        format!("{ms:.2} ms")
    } else if ms < 99.95 {
        format!("{ms:.1} ms")
    } else if ms < 999.5 {
        format!("{ms:.0} ms")
    } else if ms < 9_995.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms < 59_950.0 {
        format!("{:.1} s", ms / 1000.0)
    } else {
        let secs = d.as_secs() + u64::from(d.subsec_millis() >= 500);
        if secs < 3600 {
            format!("{} min {} s", secs / 60, secs % 60)
        } else {
            format!("{} h {} min", secs / 3600, secs % 3600 / 60)
        }
    }
}

/// `1 row`, `2 rows`.
pub fn rows_text(n: u64) -> String {
    counted(n, "row", "rows")
}

/// The footer for `outcome`; `tag` is the statement's command tag
/// (`INSERT`, `CREATE TABLE`…), used for statements without a result set.
///
/// On a terminal: `3 rows · 1.20 ms`, `300 rows, not fetched completely ·
/// 1.20 ms`, `INSERT, 3 rows affected · 0.80 ms`, `CREATE TABLE · 2.10 ms`.
/// Piped, psql-like and without time: `(3 rows)`, `(300 rows, not fetched
/// completely)`, `INSERT, 3 rows affected`, `CREATE TABLE`. `timing` off
/// (`\timing off`) leaves the time out on terminals too.
pub fn footer(outcome: &Outcome, tag: &str, terminal: bool, timing: bool) -> String {
    let text = match &outcome.kind {
        OutcomeKind::Rows { count, complete } => {
            let rows = rows_text(*count);
            let rows = if *complete {
                rows
            } else {
                format!("{rows}, not fetched completely")
            };
            if terminal { rows } else { format!("({rows})") }
        }
        OutcomeKind::Command { affected } => command_text(tag, *affected),
    };
    if terminal && timing {
        format!("{text} · {}", format_duration(outcome.db_time))
    } else {
        text
    }
}

/// `INSERT, 3 rows affected` for statements that change rows, the bare tag
/// (`CREATE TABLE`) for the others, `OK` when there is no tag.
fn command_text(tag: &str, affected: Option<u64>) -> String {
    const ROW_COMMANDS: &[&str] = &["INSERT", "UPDATE", "DELETE", "MERGE", "COPY"];
    let name = if tag.is_empty() { "OK" } else { tag };
    match affected {
        Some(n) if ROW_COMMANDS.contains(&tag) || n > 0 => {
            format!("{name}, {} affected", rows_text(n))
        }
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(count: u64, complete: bool) -> Outcome {
        Outcome {
            kind: OutcomeKind::Rows { count, complete },
            db_time: Duration::from_micros(1200),
        }
    }

    #[test]
    fn durations_keep_three_digits() {
        assert_eq!(format_duration(Duration::from_micros(420)), "0.42 ms");
        assert_eq!(format_duration(Duration::from_micros(12_340)), "12.3 ms");
        assert_eq!(format_duration(Duration::from_micros(250_400)), "250 ms");
        assert_eq!(format_duration(Duration::from_millis(1520)), "1.52 s");
        assert_eq!(format_duration(Duration::from_millis(15_250)), "15.2 s");
        assert_eq!(format_duration(Duration::from_millis(123_400)), "2 min 3 s");
        assert_eq!(format_duration(Duration::from_secs(3900)), "1 h 5 min");
    }

    #[test]
    fn footers_for_terminals_and_pipes() {
        assert_eq!(footer(&rows(1, true), "SELECT", false, true), "(1 row)");
        assert_eq!(footer(&rows(3, true), "SELECT", false, true), "(3 rows)");
        assert_eq!(
            footer(&rows(3, true), "SELECT", true, true),
            "3 rows · 1.20 ms"
        );
        assert_eq!(footer(&rows(3, true), "SELECT", true, false), "3 rows");
        assert_eq!(
            footer(&rows(300, false), "SELECT", false, true),
            "(300 rows, not fetched completely)"
        );
        let cmd = Outcome {
            kind: OutcomeKind::Command { affected: Some(3) },
            db_time: Duration::from_micros(800),
        };
        assert_eq!(
            footer(&cmd, "INSERT", true, true),
            "INSERT, 3 rows affected · 0.80 ms"
        );
        assert_eq!(
            footer(&cmd, "UPDATE", false, true),
            "UPDATE, 3 rows affected"
        );
        let ddl = Outcome {
            kind: OutcomeKind::Command { affected: Some(0) },
            ..cmd.clone()
        };
        assert_eq!(footer(&ddl, "CREATE TABLE", false, true), "CREATE TABLE");
        assert_eq!(
            footer(&ddl, "DELETE", false, true),
            "DELETE, 0 rows affected"
        );
        let none = Outcome {
            kind: OutcomeKind::Command { affected: None },
            ..cmd
        };
        assert_eq!(footer(&none, "", false, true), "OK");
        assert_eq!(footer(&none, "SET", true, false), "SET");
    }
}
