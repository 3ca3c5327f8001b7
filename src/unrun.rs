//! The SQL of a model's reply that glance did not run. glance runs one
//! statement per reply (the first SQL block, or the first statement of a
//! bare-SQL reply); a second block ("then, to clean up: DELETE …") is never
//! run, and this module says so, with each statement's level, so nobody
//! believes it happened. Returns text and JSON; the front ends print.

use crate::agent::extract;
use crate::escape;
use crate::safety::Level;
use crate::session::Session;

/// One statement of the reply that was not run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unrun {
    pub sql: String,
    pub level: Level,
}

/// The SQL in `reply` besides the statement glance takes, classified on
/// `session`'s database.
pub fn of(session: &mut Session, reply: &str) -> Vec<Unrun> {
    extract::others(reply)
        .into_iter()
        .map(|sql| Unrun {
            level: session.classify(&sql).level,
            sql,
        })
        .collect()
}

/// The note for a terminal, one line per statement; `None` when all the
/// reply's SQL was the statement taken. The model's SQL is shown with its
/// control characters escaped, safe for the terminal.
pub fn note(unrun: &[Unrun]) -> Option<String> {
    if unrun.is_empty() {
        return None;
    }
    let mut text = String::from("not run (glance runs only the first statement of a reply):\n");
    for item in unrun {
        let sql = escape::visible(&item.sql);
        text.push_str(&format!("  ({}) {sql};\n", item.level.as_str()));
    }
    Some(text)
}

/// The `not_run` field of `ask --format json`: `[{"sql": …, "level": …}]`,
/// empty when nothing was left out.
pub fn json(unrun: &[Unrun]) -> serde_json::Value {
    unrun
        .iter()
        .map(|item| serde_json::json!({ "sql": item.sql, "level": item.level.as_str() }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unrun(sql: &str, level: Level) -> Unrun {
        Unrun {
            sql: sql.into(),
            level,
        }
    }

    #[test]
    fn the_note_names_each_statement_with_its_level() {
        assert_eq!(note(&[]), None);
        let two = note(&[
            unrun("DELETE FROM orders /* \x1b[2K */", Level::Destructive),
            unrun("select 1", Level::ReadOnly),
        ]);
        assert_eq!(
            two.as_deref(),
            Some(
                "not run (glance runs only the first statement of a reply):\n  \
                 (destructive) DELETE FROM orders /* \\x1b[2K */;\n  (read_only) select 1;\n"
            )
        );
    }

    #[test]
    fn json_lists_sql_and_level() {
        assert_eq!(
            json(&[unrun("DELETE FROM orders", Level::Destructive)]),
            serde_json::json!([{ "sql": "DELETE FROM orders", "level": "destructive" }])
        );
        assert_eq!(json(&[]), serde_json::json!([]));
    }
}
