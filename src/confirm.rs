//! Asking a person before a destructive statement runs: the SQL, its level
//! in colour, and the reasons, then `[y/N]` where anything but yes is no.

use std::io::{self, BufRead, Write};

use owo_colors::OwoColorize;

use crate::safety::{Level, Verdict};
use crate::session::{Consent, Decision};

/// The question put to the person, without the final `[y/N]` prompt.
pub fn explain(consent: &Consent, color: bool) -> String {
    let (sql, verdict) = (consent.sql, consent.verdict);
    let level = paint_level(verdict.level, color);
    let mut text = format!("{}\n  level: {level}\n", sql.trim());
    for reason in &verdict.reasons {
        text.push_str(&format!("  - {reason}\n"));
    }
    if let Some(rows) = consent.estimate {
        let noun = if rows == 1 { "row" } else { "rows" };
        text.push_str(&format!("  the planner estimates {rows} {noun} affected\n"));
    }
    text
}

/// One line with the level (coloured) and reasons, shown under generated SQL.
pub fn verdict_line(verdict: &Verdict, color: bool) -> String {
    let mut line = format!("→ {}", paint_level(verdict.level, color));
    if !verdict.reasons.is_empty() {
        line.push_str(&format!(": {}", verdict.reasons.join("; ")));
    }
    line
}

fn paint_level(level: Level, color: bool) -> String {
    let name = level.as_str();
    match (color, level) {
        (false, _) => name.to_string(),
        (true, Level::Destructive) => name.red().bold().to_string(),
        (true, Level::Write) => name.yellow().bold().to_string(),
        (true, Level::ReadOnly) => name.green().to_string(),
    }
}

/// The prompt after [`explain`].
pub const PROMPT: &str = "Run it? [y/N] ";

/// True only for an explicit yes.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Asks on stderr and reads the answer from stdin (a terminal).
pub fn ask_on_terminal(consent: &Consent, color: bool) -> Decision {
    let mut err = io::stderr().lock();
    let _ = write!(err, "{}{PROMPT}", explain(consent, color));
    let _ = err.flush();
    let mut answer = String::new();
    match io::stdin().lock().read_line(&mut answer) {
        Ok(_) if is_yes(&answer) => Decision::Run,
        _ => Decision::Decline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_is_yes() {
        assert!(is_yes("y\n"));
        assert!(is_yes(" YES "));
        assert!(!is_yes(""));
        assert!(!is_yes("n"));
        assert!(!is_yes("yep"));
    }

    #[test]
    fn explanation_shows_level_and_reasons() {
        let verdict = Verdict {
            level: Level::Destructive,
            reasons: vec!["DROP TABLE removes a table".into()],
            statements: 1,
        };
        let consent = Consent {
            sql: "drop table t",
            verdict: &verdict,
            estimate: None,
        };
        let text = explain(&consent, false);
        assert_eq!(
            text,
            "drop table t\n  level: destructive\n  - DROP TABLE removes a table\n"
        );
        let consent = Consent {
            estimate: Some(3),
            ..consent
        };
        assert!(explain(&consent, false).ends_with("  the planner estimates 3 rows affected\n"));
    }
}
