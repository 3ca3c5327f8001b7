//! Asking a person before a destructive statement runs: the SQL, its level
//! in colour, the reasons and what a rollback would not undo, then `[y/N]`
//! where anything but yes is no. `p` (a preview in a transaction rolled back
//! unless confirmed) is offered only where the session allows it, which is
//! only for statements whose every effect a rollback undoes. The SQL and the
//! reasons may come from the model or the database, so their control
//! characters are escaped: they cannot draw over the question.

use std::io::{self, BufRead, Write};

use owo_colors::OwoColorize;

use crate::escape;
use crate::highlight;
use crate::numbers::counted;
use crate::querylog;
use crate::safety::{Level, Verdict};
use crate::session::{Consent, Decision};
use crate::term;

/// The question put to the person, without the final `[y/N]` prompt.
pub fn explain(consent: &Consent, color: bool) -> String {
    let sql = highlight::paint(&escape::visible(consent.sql.trim()), color);
    format!("{sql}\n{}", details(consent, color))
}

/// The question without the SQL, for a statement just shown (a model's
/// reply): the values bound to it, the level, reasons, estimate and what a
/// rollback would not undo.
pub fn details(consent: &Consent, color: bool) -> String {
    let verdict = consent.verdict;
    let level = paint_level(verdict.level, color);
    let mut text = String::new();
    for (placeholder, value) in consent.bound {
        let value = querylog::param_literal(value);
        text.push_str(&format!("  {placeholder} = {}\n", escape::visible(&value)));
    }
    text.push_str(&format!("  level: {level}\n"));
    for reason in &verdict.reasons {
        text.push_str(&format!("  - {}\n", escape::visible(reason)));
    }
    if let Some(rows) = consent.estimate {
        let rows = counted(rows, "row", "rows");
        text.push_str(&format!("  the planner estimates {rows} affected\n"));
    }
    if verdict.advances_sequences {
        text.push_str(
            "  sequences advance (nextval): a rollback would not undo that, \
             a rolled-back preview included\n",
        );
    }
    text
}

/// One line with the level (coloured) and reasons, shown under generated SQL.
pub fn verdict_line(verdict: &Verdict, color: bool) -> String {
    let mut line = format!("→ {}", paint_level(verdict.level, color));
    if !verdict.reasons.is_empty() {
        line.push_str(&format!(
            ": {}",
            escape::visible(&verdict.reasons.join("; "))
        ));
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

/// The question after [`explain`]: whether to run, with `p` offered where a
/// preview is possible; after a preview, whether to commit.
pub fn prompt(consent: &Consent) -> &'static str {
    match (&consent.previewed, consent.can_preview) {
        (Some(_), _) => "Nothing is committed yet. Commit? [y/N] ",
        (None, true) => "Run it? [y/N] (or p to preview it in a transaction) ",
        (None, false) => "Run it? [y/N] ",
    }
}

/// The person's answer: yes runs (or commits), `p` previews where offered,
/// anything else is no.
pub fn decide(answer: &str, consent: &Consent) -> Decision {
    let previewable = consent.can_preview && consent.previewed.is_none();
    if is_yes(answer) {
        Decision::Run
    } else if previewable && answer.trim().eq_ignore_ascii_case("p") {
        Decision::Preview
    } else {
        Decision::Decline
    }
}

/// True only for an explicit yes.
pub fn is_yes(answer: &str) -> bool {
    matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// Asks on stderr and reads the answer from stdin (a terminal).
pub fn ask_on_terminal(consent: &Consent, color: bool) -> Decision {
    let mut err = io::stderr().lock();
    if consent.previewed.is_none() {
        let _ = write!(err, "{}", explain(consent, color));
    }
    let _ = write!(err, "{}", prompt(consent));
    let _ = err.flush();
    term::discard_typeahead();
    let mut answer = String::new();
    match io::stdin().lock().read_line(&mut answer) {
        Ok(_) => decide(&answer, consent),
        Err(_) => Decision::Decline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(level: Level, reasons: &[&str]) -> Verdict {
        Verdict {
            level,
            reasons: reasons.iter().map(|r| r.to_string()).collect(),
            statements: 1,
            rollback_undoes: false,
            advances_sequences: false,
            unreadable: false,
            trial_refusals: Box::default(),
        }
    }

    /// Consent to run `sql` with `verdict`, no estimate and no preview.
    fn consent<'a>(sql: &'a str, verdict: &'a Verdict) -> Consent<'a> {
        Consent::plain(sql, verdict)
    }

    #[test]
    fn p_previews_only_where_offered_and_only_once() {
        let verdict = Verdict {
            rollback_undoes: true,
            ..verdict(Level::Write, &[])
        };
        let mut consent = Consent {
            can_preview: true,
            ..consent("update t set a = 1", &verdict)
        };
        assert_eq!(decide("p", &consent), Decision::Preview);
        assert_eq!(decide("y", &consent), Decision::Run);
        assert_eq!(decide("", &consent), Decision::Decline);
        assert!(prompt(&consent).contains("p to preview"));
        consent.previewed = Some(crate::db::Outcome {
            kind: crate::db::OutcomeKind::Command { affected: Some(1) },
            db_time: std::time::Duration::ZERO,
        });
        assert_eq!(decide("p", &consent), Decision::Decline);
        assert!(prompt(&consent).starts_with("Nothing is committed yet. Commit?"));
        let plain = Consent {
            can_preview: false,
            previewed: None,
            ..consent
        };
        assert_eq!(decide("p", &plain), Decision::Decline);
        assert_eq!(prompt(&plain), "Run it? [y/N] ");
    }

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
        let verdict = verdict(Level::Destructive, &["DROP TABLE removes a table"]);
        let consent = consent("drop table t", &verdict);
        let text = explain(&consent, false);
        assert_eq!(
            text,
            "drop table t\n  level: destructive\n  - DROP TABLE removes a table\n"
        );
        assert_eq!(
            details(&consent, false),
            "  level: destructive\n  - DROP TABLE removes a table\n"
        );
        let consent = Consent {
            estimate: Some(3),
            ..consent
        };
        assert!(explain(&consent, false).ends_with("  the planner estimates 3 rows affected\n"));
        let advancing = Verdict {
            advances_sequences: true,
            ..verdict.clone()
        };
        let consent = Consent {
            verdict: &advancing,
            ..consent
        };
        assert!(
            explain(&consent, false)
                .ends_with("  sequences advance (nextval): a rollback would not undo that, a rolled-back preview included\n")
        );
    }

    #[test]
    fn bound_values_are_shown_under_the_sql() {
        let verdict = verdict(Level::Write, &[]);
        let bound = [
            ("?1".to_string(), Some("1 or 1=1".to_string())),
            ("?2".to_string(), None),
            ("?3".to_string(), Some("it's \x1b[2J".to_string())),
        ];
        let consent = Consent {
            bound: &bound,
            ..consent("delete from t where id = ?1", &verdict)
        };
        assert_eq!(
            explain(&consent, false),
            "delete from t where id = ?1\n  ?1 = '1 or 1=1'\n  ?2 = NULL\n  \
             ?3 = 'it''s \\x1b[2J'\n  level: write\n"
        );
    }

    #[test]
    fn control_characters_in_sql_and_reasons_are_shown_not_sent() {
        let verdict = verdict(Level::Write, &["calls \x1b[8mf"]);
        let consent = consent("delete from t /* \x1b[2A\x1b[2K */", &verdict);
        for color in [false, true] {
            let text = explain(&consent, color);
            assert!(text.contains("\\x1b[2A\\x1b[2K"), "{text:?}");
            assert!(text.contains("  - calls \\x1b[8mf\n"), "{text:?}");
            assert!(!text.contains("\x1b[2A"), "{text:?}");
        }
        assert_eq!(verdict_line(&verdict, false), "→ write: calls \\x1b[8mf");
    }
}
