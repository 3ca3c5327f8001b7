//! What a statement's text says before SQLite prepares it: its leading
//! keyword, the PRAGMA it is or explains, and whether the read-only guard
//! refuses it. SQLite applies a setting PRAGMA while preparing it, so these
//! checks come first and read the text alone.

use crate::db::Error;

/// Refuses, before it is even prepared (SQLite applies a setting pragma
/// while preparing it), what `query_only` alone would let through:
/// ATTACH/DETACH (which open other files), transaction control (which would
/// outlive the statement) and PRAGMAs that take an argument, also under
/// `EXPLAIN [QUERY PLAN]`, except those whose argument only names what to
/// report on.
pub(super) fn check_read_only_text(sql: &str) -> Result<(), Error> {
    if let Some(pragma) = pragma_text(sql)
        && (pragma.contains('=') || (pragma.contains('(') && !reporting_pragma(&pragma)))
    {
        return Err(Error::Guard(
            "a PRAGMA that sets a value is not allowed in a read-only statement".into(),
        ));
    }
    match leading_keyword(sql).as_deref() {
        Some(word @ ("attach" | "detach")) => Err(Error::Guard(format!(
            "{} is not allowed in a read-only statement",
            word.to_uppercase()
        ))),
        Some("begin" | "commit" | "end" | "rollback" | "savepoint" | "release") => Err(
            Error::Guard("transaction control is not allowed in a read-only statement".into()),
        ),
        _ => Ok(()),
    }
}

/// After [`check_read_only_text`], refuses what SQLite marks as writing,
/// except a bare `PRAGMA journal_mode`, which only reports the mode.
pub(super) fn check_read_only_statement(
    sql: &str,
    stmt: &rusqlite::Statement<'_>,
) -> Result<(), Error> {
    let bare_journal_mode = pragma_text(sql).is_some_and(|p| {
        p.strip_prefix("pragma")
            .is_some_and(|name| name.trim().rsplit('.').next() == Some("journal_mode"))
    });
    if stmt.readonly() || bare_journal_mode {
        Ok(())
    } else {
        Err(Error::Guard(
            "the statement would write to the database".into(),
        ))
    }
}

/// The PRAGMA `sql` is or may explain, lower-cased from the first `pragma`
/// on, its words joined by single spaces: `explain query plan pragma x = 1`
/// gives `pragma x = 1`. An EXPLAIN that mentions `pragma` anywhere counts.
fn pragma_text(sql: &str) -> Option<String> {
    let head = leading_keyword(sql)?;
    let lower = sql.trim().trim_end_matches(';').to_ascii_lowercase();
    let at = lower.find("pragma")?;
    (head == "pragma" || head == "explain")
        .then(|| lower[at..].split_whitespace().collect::<Vec<_>>().join(" "))
}

/// Whether `pragma` (see [`pragma_text`]) is `pragma [schema.]name(argument)`
/// for a pragma whose argument names what to report on
/// (`table_info(items)`), never a new value as in `journal_mode(wal)`.
fn reporting_pragma(pragma: &str) -> bool {
    const REPORTING: &[&str] = &[
        "table_info",
        "table_xinfo",
        "table_list",
        "index_list",
        "index_info",
        "index_xinfo",
        "foreign_key_list",
        "foreign_key_check",
        "integrity_check",
        "quick_check",
    ];
    let Some((head, _)) = pragma
        .strip_prefix("pragma")
        .and_then(|rest| rest.split_once('('))
    else {
        return false;
    };
    let name = head.rsplit('.').next().unwrap_or_default().trim();
    !pragma.contains('=') && REPORTING.contains(&name)
}

/// Whether a statement without a result set reports a count of changed rows.
pub(super) fn reports_changes(sql: &str) -> bool {
    matches!(
        leading_keyword(sql).as_deref(),
        Some("insert" | "update" | "delete" | "replace" | "with")
    )
}

/// The first keyword of `sql`, lower-cased, after whitespace, comments and
/// opening parentheses.
fn leading_keyword(sql: &str) -> Option<String> {
    let mut rest = sql;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
        if let Some(after) = rest.strip_prefix("--") {
            rest = after.split_once('\n').map_or("", |(_, tail)| tail);
        } else if let Some(after) = rest.strip_prefix("/*") {
            rest = after.split_once("*/").map_or("", |(_, tail)| tail);
        } else {
            break;
        }
    }
    let word: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    (!word.is_empty()).then(|| word.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leading_keyword_skips_comments_and_parentheses() {
        assert_eq!(
            leading_keyword("  /* a */ -- b\n (select 1)").as_deref(),
            Some("select")
        );
        assert_eq!(
            leading_keyword("WITH x AS (SELECT 1) DELETE FROM t").as_deref(),
            Some("with")
        );
        assert_eq!(leading_keyword("-- only a comment"), None);
    }
}
