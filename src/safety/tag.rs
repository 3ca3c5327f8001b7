//! Command tags: the psql-style verb(s) shown on a statement's status line
//! ("INSERT", "CREATE TABLE", "BEGIN").
//!
//! Invariant: a tag is upper-case words taken from the statement itself (its
//! parsed shape where that matters, its leading keywords otherwise); it never
//! judges danger, that is the classifier's job.

use sqlparser::ast::{Query, SetExpr, Statement};
use sqlparser::tokenizer::{Token, Tokenizer};

use super::significant;
use crate::db::Dialect;

/// The tag of a parsed statement.
pub(super) fn statement_tag(stmt: &Statement, dialect: Dialect) -> String {
    match stmt {
        Statement::Query(q) => query_tag(q).to_string(),
        _ => tag_from_text(&stmt.to_string(), dialect),
    }
}

/// The tag of a query: what its body does (`WITH … DELETE` is a DELETE).
pub(super) fn query_tag(q: &Query) -> &'static str {
    match q.body.as_ref() {
        SetExpr::Insert(_) => "INSERT",
        SetExpr::Update(_) => "UPDATE",
        SetExpr::Delete(_) => "DELETE",
        SetExpr::Merge(_) => "MERGE",
        SetExpr::Select(_)
        | SetExpr::Query(_)
        | SetExpr::SetOperation { .. }
        | SetExpr::Values(_)
        | SetExpr::Table(_) => "SELECT",
    }
}

fn tag_from_text(text: &str, dialect: Dialect) -> String {
    let d = dialect.parser();
    match Tokenizer::new(d.as_ref(), text).tokenize() {
        Ok(tokens) => {
            let significant: Vec<Token> = tokens.into_iter().filter(significant).collect();
            tag_from_tokens(&significant)
        }
        Err(_) => text
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_uppercase(),
    }
}

/// The tag from a statement's significant tokens (no whitespace or comments).
pub(super) fn tag_from_tokens(tokens: &[Token]) -> String {
    let words: Vec<String> = tokens
        .iter()
        .skip_while(|t| matches!(t, Token::LParen))
        .map_while(|t| match t {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_uppercase()),
            _ => None,
        })
        .collect();
    let Some(first) = words.first() else {
        return String::new();
    };
    let rest = &words[1..];
    match first.as_str() {
        "SELECT" | "VALUES" | "TABLE" | "WITH" => "SELECT".to_string(),
        "START" => "START TRANSACTION".to_string(),
        "END" => "COMMIT".to_string(),
        "ABORT" => "ROLLBACK".to_string(),
        "REFRESH" => "REFRESH MATERIALIZED VIEW".to_string(),
        "DECLARE" => "DECLARE CURSOR".to_string(),
        "CLOSE" => "CLOSE CURSOR".to_string(),
        "DISCARD" => join(first, rest.iter().take(1)),
        "CREATE" | "DROP" | "ALTER" => object_tag(first, rest),
        _ => first.clone(),
    }
}

/// `CREATE`/`DROP`/`ALTER` plus the kind of object, without modifiers:
/// `CREATE OR REPLACE TEMP VIEW` is `CREATE VIEW`.
fn object_tag(verb: &str, rest: &[String]) -> String {
    const MODIFIERS: &[&str] = &[
        "OR",
        "REPLACE",
        "TEMP",
        "TEMPORARY",
        "UNIQUE",
        "UNLOGGED",
        "GLOBAL",
        "LOCAL",
        "RECURSIVE",
        "TRUSTED",
        "PROCEDURAL",
        "CONSTRAINT",
    ];
    let object: Vec<&String> = rest
        .iter()
        .skip_while(|w| MODIFIERS.contains(&w.as_str()))
        .collect();
    let Some(kind) = object.first() else {
        return verb.to_string();
    };
    let next = object.get(1).map(|w| w.as_str());
    let words = match (kind.as_str(), next) {
        ("MATERIALIZED" | "EVENT" | "ACCESS" | "VIRTUAL" | "DEFAULT", Some(_)) => 2,
        ("FOREIGN", Some("TABLE")) => 2,
        ("FOREIGN", Some(_)) => 3,
        ("TEXT", Some(_)) => 3,
        ("USER", Some("MAPPING")) => 2,
        ("OPERATOR", Some("CLASS" | "FAMILY")) => 2,
        _ => 1,
    };
    join(verb, object.into_iter().take(words))
}

fn join<'a>(first: &str, rest: impl Iterator<Item = &'a String>) -> String {
    let mut tag = first.to_string();
    for word in rest {
        tag.push(' ');
        tag.push_str(word);
    }
    tag
}
