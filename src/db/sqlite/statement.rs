//! What a statement's text says before SQLite prepares it: its leading
//! keyword, the PRAGMA it is or explains, and whether the read-only guard
//! refuses it. SQLite applies a setting PRAGMA while preparing it, so these
//! checks come first and read the text alone, through sqlparser's tokenizer
//! with SQLite's rules for strings, quoted names and comments (not nested,
//! no backslash escapes), as the safety classifier reads it.

use sqlparser::dialect::SQLiteDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::db::Error;

/// Refuses, before it is even prepared (SQLite applies a setting pragma
/// while preparing it), what `query_only` alone would let through:
/// ATTACH/DETACH (which open other files), transaction control (which would
/// outlive the statement) and PRAGMAs that take an argument, also under
/// `EXPLAIN [QUERY PLAN]`, except those whose argument only names what to
/// report on. A PRAGMA or EXPLAIN whose text the tokenizer cannot read to
/// its end is refused too, since what it would do cannot be told.
pub(super) fn check_read_only_text(sql: &str) -> Result<(), Error> {
    let words = Words::of(sql);
    if let Some(pragma) = words.pragma()
        && (pragma.iter().any(is_assignment)
            || (pragma.contains(&Token::LParen) && !reporting_pragma(pragma)))
    {
        return Err(Error::Guard(
            "a PRAGMA that sets a value is not allowed in a read-only statement".into(),
        ));
    }
    match words.leading_keyword().as_deref() {
        Some("pragma" | "explain") if !words.complete => Err(Error::Guard(
            "a PRAGMA or EXPLAIN that cannot be read to its end is not allowed in a read-only \
             statement"
                .into(),
        )),
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
    let bare_journal_mode = Words::of(sql)
        .pragma()
        .is_some_and(|pragma| pragma_name(pragma).as_deref() == Some("journal_mode"));
    if stmt.readonly() || bare_journal_mode {
        Ok(())
    } else {
        Err(Error::Guard(
            "the statement would write to the database".into(),
        ))
    }
}

/// Whether a statement without a result set reports a count of changed rows.
pub(super) fn reports_changes(sql: &str) -> bool {
    matches!(
        Words::of(sql).leading_keyword().as_deref(),
        Some("insert" | "update" | "delete" | "replace" | "with")
    )
}

/// A statement's tokens as SQLite reads them, without whitespace and
/// comments: `--` in a string, a keyword inside a quoted name, a `=` in a
/// comment are not code.
struct Words {
    tokens: Vec<Token>,
    /// Whether the tokenizer read the text to its end; it stops at an
    /// unterminated string, quoted name or comment, keeping what came before.
    complete: bool,
}

impl Words {
    fn of(sql: &str) -> Words {
        let mut read = Vec::new();
        let complete = Tokenizer::new(&SQLiteDialect {}, sql)
            .tokenize_with_location_into_buf(&mut read)
            .is_ok();
        let tokens = read
            .into_iter()
            .map(|t| t.token)
            .filter(|t| !matches!(t, Token::Whitespace(_)))
            .collect();
        Words { tokens, complete }
    }

    /// The first keyword, lower-cased, after any opening parentheses.
    fn leading_keyword(&self) -> Option<String> {
        match self.tokens.iter().find(|t| **t != Token::LParen)? {
            Token::Word(word) if word.quote_style.is_none() => {
                Some(word.value.to_ascii_lowercase())
            }
            _ => None,
        }
    }

    /// The tokens after the `PRAGMA` keyword (trailing `;` left out) of a
    /// statement that is a PRAGMA or an EXPLAIN that mentions one anywhere.
    fn pragma(&self) -> Option<&[Token]> {
        let head = self.leading_keyword()?;
        if head != "pragma" && head != "explain" {
            return None;
        }
        let at = self.tokens.iter().position(|t| {
            matches!(t, Token::Word(w) if w.quote_style.is_none()
                && w.value.eq_ignore_ascii_case("pragma"))
        })?;
        let mut rest = &self.tokens[at + 1..];
        while let [before @ .., Token::SemiColon] = rest {
            rest = before;
        }
        Some(rest)
    }
}

/// A token SQLite reads as `=` (it takes `==` for `=` too), or one that
/// holds a `=` where SQLite sees two tokens (`=>`).
fn is_assignment(token: &Token) -> bool {
    matches!(token, Token::Eq | Token::DoubleEq | Token::RArrow)
}

/// The pragma's name, lower-cased and without its schema, when the tokens
/// after `PRAGMA` are `[schema.]name` and nothing else.
fn pragma_name(pragma: &[Token]) -> Option<String> {
    match pragma {
        [Token::Word(name)] | [Token::Word(_), Token::Period, Token::Word(name)] => {
            Some(name.value.to_ascii_lowercase())
        }
        _ => None,
    }
}

/// Whether `pragma` (the tokens after `PRAGMA`) is `[schema.]name(argument)`
/// for a pragma whose argument names what to report on
/// (`table_info(items)`), never a new value as in `journal_mode(wal)`.
fn reporting_pragma(pragma: &[Token]) -> bool {
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
    let Some(open) = pragma.iter().position(|t| *t == Token::LParen) else {
        return false;
    };
    !pragma.iter().any(is_assignment)
        && pragma_name(&pragma[..open]).is_some_and(|name| REPORTING.contains(&name.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leading_keyword(sql: &str) -> Option<String> {
        Words::of(sql).leading_keyword()
    }

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
        assert_eq!(leading_keyword("\"pragma\" = 1"), None, "a quoted name");
        assert_eq!(leading_keyword("'begin'"), None, "a string");
    }

    #[test]
    fn keywords_and_signs_in_strings_names_and_comments_are_not_code() {
        let refused = |sql: &str| check_read_only_text(sql).is_err();
        // `=` and `(` that are not code leave a reporting PRAGMA alone.
        for sql in [
            "PRAGMA table_info('a=b')",
            "PRAGMA table_info(\"x(\")",
            "PRAGMA journal_mode -- = wal",
            "PRAGMA main.index_list([t=1]) /* = */;",
            "EXPLAIN SELECT 'pragma x = 1'",
            "EXPLAIN SELECT \"pragma\" FROM t WHERE a = 1",
            "SELECT 'attach' -- begin",
            "/* begin */ SELECT 1",
        ] {
            assert!(!refused(sql), "{sql} must be allowed");
        }
        // What is code is read as code, whatever surrounds it.
        for sql in [
            "PRAGMA foreign_keys == 0",
            "/* 'x' */ PRAGMA foreign_keys = OFF",
            "PRAGMA \"journal_mode\"(wal)",
            "EXPLAIN QUERY PLAN SELECT 1; PRAGMA x = 1",
            "-- note\n ATTACH 'x.db' AS x",
            "( BEGIN",
            "PRAGMA table_info(t) /* never closed",
            "EXPLAIN SELECT 'never closed",
        ] {
            assert!(refused(sql), "{sql} must be refused");
        }
    }

    #[test]
    fn pragmas_are_named_without_their_schema() {
        let name = |sql: &str| Words::of(sql).pragma().and_then(pragma_name);
        assert_eq!(
            name("PRAGMA journal_mode;").as_deref(),
            Some("journal_mode")
        );
        assert_eq!(
            name("explain pragma Main.Journal_Mode").as_deref(),
            Some("journal_mode")
        );
        assert_eq!(name("PRAGMA journal_mode = wal"), None);
        assert_eq!(name("SELECT journal_mode"), None);
    }
}
