//! Statements the parser does not read but whose tokens alone settle their
//! level: destructive commands named by their first keywords (`DO`,
//! `ALTER SYSTEM`, `DETACH`, `CREATE RULE`, `CREATE PUBLICATION`…), changes
//! of the settings the gate depends on (see `settings`), `ALTER SEQUENCE`,
//! maintenance commands (`REINDEX`, `CLUSTER`, `REFRESH MATERIALIZED VIEW`,
//! `VACUUM (…)`, `CHECKPOINT`, `LOCK`) and SQLite pragmas whose argument is a
//! bare name (`PRAGMA table_info(albums)`), also under `EXPLAIN [QUERY PLAN]`,
//! which SQLite applies while preparing.
//!
//! Invariant: only token shapes that cannot evaluate an expression are
//! recognised (words, numbers, literals and name punctuation, no function
//! call syntax beyond a pragma's one argument), so nothing recognised here
//! can call a function or carry another statement. Anything else stays
//! unparseable, which the classifier treats as the worst case.

use sqlparser::tokenizer::Token;

use super::functions::{Judged, judge_pragma};
use super::{Level, settings};

/// Statements the parser rejects that are destructive whatever follows their
/// first keywords, and why.
const DESTRUCTIVE_STARTS: &[(&[&str], &str)] = &[
    (&["DO"], "DO runs procedural code"),
    (
        &["ALTER", "SYSTEM"],
        "ALTER SYSTEM changes the server configuration",
    ),
    (&["DETACH"], "DETACH closes a database file"),
    (&["VACUUM", "INTO"], "VACUUM INTO writes a database file"),
    (
        &["REASSIGN", "OWNED"],
        "REASSIGN OWNED changes who owns objects",
    ),
    (&["DROP", "OWNED"], "DROP OWNED removes objects"),
    (
        &["SECURITY", "LABEL"],
        "SECURITY LABEL changes security labels",
    ),
    (
        &["IMPORT", "FOREIGN"],
        "IMPORT FOREIGN SCHEMA reaches another server",
    ),
    (&["LOAD"], "LOAD loads native code into the server"),
    (
        &["ALTER", "DATABASE"],
        "ALTER DATABASE changes the database or every new session's defaults",
    ),
    (
        &["CREATE", "RULE"],
        "CREATE RULE rewrites later statements on a table",
    ),
    (
        &["CREATE", "OR", "REPLACE", "RULE"],
        "CREATE RULE rewrites later statements on a table",
    ),
    (&["DROP", "RULE"], "DROP RULE removes a rewrite rule"),
    (
        &["CREATE", "PUBLICATION"],
        "CREATE PUBLICATION sends table changes to other servers",
    ),
    (
        &["ALTER", "PUBLICATION"],
        "ALTER PUBLICATION changes what is sent to other servers",
    ),
    (
        &["DROP", "PUBLICATION"],
        "DROP PUBLICATION removes a publication",
    ),
    (
        &["CREATE", "SUBSCRIPTION"],
        "CREATE SUBSCRIPTION connects to another server and copies its data in",
    ),
    (
        &["ALTER", "SUBSCRIPTION"],
        "ALTER SUBSCRIPTION changes a link to another server",
    ),
    (
        &["DROP", "SUBSCRIPTION"],
        "DROP SUBSCRIPTION removes a subscription",
    ),
];

/// Judges a statement the parser rejected, when its tokens settle it.
pub(super) fn recognise(tokens: &[Token]) -> Option<Judged> {
    let first = keyword(tokens.first()?)?;
    if let Some(reason) = settings::named_in_tokens(tokens) {
        return Some((Level::Destructive, Some(reason)));
    }
    if let Some(reason) = destructive_start(tokens) {
        return Some((Level::Destructive, Some(reason.to_string())));
    }
    match first.as_str() {
        "PRAGMA" => pragma(&tokens[1..]),
        "EXPLAIN" => explained_pragma(&tokens[1..]),
        "ALTER" => alter_sequence(tokens),
        _ => maintenance(&first, tokens),
    }
}

/// `EXPLAIN [QUERY PLAN] PRAGMA …`: SQLite applies the pragma while
/// preparing the EXPLAIN, so it takes the pragma's level.
fn explained_pragma(rest: &[Token]) -> Option<Judged> {
    let rest = match rest {
        [q, p, rest @ ..] if keyword(q)? == "QUERY" && keyword(p)? == "PLAN" => rest,
        rest => rest,
    };
    (keyword(rest.first()?)? == "PRAGMA").then(|| pragma(&rest[1..]))?
}

/// `ALTER SEQUENCE name …` written in words and numbers only: `RESTART`
/// hands out numbers again (keys may collide), anything else changes how
/// the sequence counts.
fn alter_sequence(tokens: &[Token]) -> Option<Judged> {
    if keyword(tokens.get(1)?)? != "SEQUENCE" {
        return None;
    }
    let plain = tokens.iter().all(|t| {
        matches!(
            t,
            Token::Word(_) | Token::Number(..) | Token::Period | Token::Minus | Token::Plus
        )
    });
    if !plain {
        return None;
    }
    let restarts = tokens
        .iter()
        .any(|t| keyword(t).is_some_and(|k| k == "RESTART"));
    Some(if restarts {
        (
            Level::Destructive,
            Some("ALTER SEQUENCE … RESTART hands out numbers again".to_string()),
        )
    } else {
        (
            Level::Write,
            Some("ALTER SEQUENCE changes how a sequence counts".to_string()),
        )
    })
}

fn destructive_start(tokens: &[Token]) -> Option<&'static str> {
    DESTRUCTIVE_STARTS
        .iter()
        .find(|(words, _)| {
            words.len() <= tokens.len()
                && words
                    .iter()
                    .zip(tokens)
                    .all(|(w, t)| keyword(t).is_some_and(|k| k == *w))
        })
        .map(|(_, reason)| *reason)
}

/// An unquoted word, upper-cased.
fn keyword(token: &Token) -> Option<String> {
    match token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

fn maintenance(first: &str, tokens: &[Token]) -> Option<Judged> {
    let what = match first {
        "REINDEX" => "REINDEX",
        "CLUSTER" => "CLUSTER",
        "REFRESH" => "REFRESH MATERIALIZED VIEW",
        "VACUUM" => "VACUUM",
        "ANALYZE" | "ANALYSE" => "ANALYZE",
        "CHECKPOINT" => "CHECKPOINT",
        "LOCK" => "LOCK",
        _ => return None,
    };
    let plain = tokens.iter().all(|t| {
        matches!(
            t,
            Token::Word(_)
                | Token::Number(..)
                | Token::Comma
                | Token::Period
                | Token::LParen
                | Token::RParen
                | Token::Mul
        )
    });
    plain.then(|| {
        (
            Level::Write,
            Some(format!(
                "{what} is maintenance (recognised by its keywords)"
            )),
        )
    })
}

/// `PRAGMA [schema.]name`, `PRAGMA [schema.]name(arg)` or
/// `PRAGMA [schema.]name = arg`, with one literal or bare-word argument.
fn pragma(rest: &[Token]) -> Option<Judged> {
    let (name, after) = match rest {
        [Token::Word(_), Token::Period, Token::Word(name), after @ ..]
        | [Token::Word(name), after @ ..] => (name, after),
        _ => return None,
    };
    let single = |t: &Token| {
        matches!(
            t,
            Token::Word(_) | Token::Number(..) | Token::SingleQuotedString(_)
        )
    };
    let (has_value, is_assignment) = match after {
        [] => (false, false),
        [Token::LParen, arg, Token::RParen] if single(arg) => (true, false),
        [Token::Eq, arg] if single(arg) => (true, true),
        [Token::Eq, Token::Minus, Token::Number(..)] => (true, true),
        _ => return None,
    };
    Some(judge_pragma(
        &name.value.to_lowercase(),
        has_value,
        is_assignment,
    ))
}
