//! Asking a person before a destructive statement runs: the SQL, its level
//! in colour, and the reasons, then `[y/N]` where anything but yes is no.

use std::io::{self, BufRead, Write};

use owo_colors::OwoColorize;

use crate::safety::{Level, Verdict};
use crate::session::Decision;

/// The question put to the person, without the final `[y/N]` prompt.
pub fn explain(sql: &str, verdict: &Verdict, color: bool) -> String {
    let level = verdict.level.as_str();
    let level = match (color, verdict.level) {
        (false, _) => level.to_string(),
        (true, Level::Destructive) => level.red().bold().to_string(),
        (true, Level::Write) => level.yellow().bold().to_string(),
        (true, Level::ReadOnly) => level.green().to_string(),
    };
    let mut text = format!("{}\n  level: {level}\n", sql.trim());
    for reason in &verdict.reasons {
        text.push_str(&format!("  - {reason}\n"));
    }
    text
}

/// The prompt after [`explain`].
pub const PROMPT: &str = "Run it? [y/N] ";

/// True only for an explicit yes.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Asks on stderr and reads the answer from stdin (a terminal).
pub fn ask_on_terminal(sql: &str, verdict: &Verdict, color: bool) -> Decision {
    let mut err = io::stderr().lock();
    let _ = write!(err, "{}{PROMPT}", explain(sql, verdict, color));
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
        let text = explain("drop table t", &verdict, false);
        assert_eq!(
            text,
            "drop table t\n  level: destructive\n  - DROP TABLE removes a table\n"
        );
    }
}
