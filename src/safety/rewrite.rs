//! Other spellings for PostgreSQL the parser cannot read, so that a read-only
//! query is not refused for its spelling alone: `TABLE name` where a query
//! stands (`(TABLE t)`, `… UNION TABLE t`, `TABLE t ORDER BY 1`) becomes
//! `SELECT * FROM name`, which the PostgreSQL manual defines it to be; a
//! window frame's `EXCLUDE CURRENT ROW | GROUP | TIES | NO OTHERS`,
//! `trim(BOTH | LEADING | TRAILING FROM x)`'s two keywords, `SYMMETRIC` after
//! `BETWEEN`, `xmlelement(NAME x …)`'s `NAME` and the descendant marker in
//! `TABLE name *` are dropped.
//!
//! Invariant: the new text is the input with only those keyword tokens
//! replaced, cut from the original bytes (literals and names are never
//! re-rendered), so every call, name and expression of the original is still
//! there for the walk. A piece with nothing to respell gives `None`.

use std::ops::Range;

use sqlparser::tokenizer::Token;

use super::Piece;

/// Words after `EXCLUDE` in a window frame.
const FRAME_EXCLUSIONS: &[&[&str]] = &[
    &["CURRENT", "ROW"],
    &["GROUP"],
    &["TIES"],
    &["NO", "OTHERS"],
];

/// Words before a `TABLE` that starts a query.
const BEFORE_A_QUERY: &[&str] = &["UNION", "INTERSECT", "EXCEPT", "ALL", "DISTINCT"];

/// The index of the `*` in `[ONLY] name[.name] *` starting at `at`: the
/// descendant marker, which changes nothing (descendants are read anyway).
fn descendants_marker(tokens: &[Token], at: usize) -> Option<usize> {
    let only = matches!(&tokens.get(at)?, Token::Word(w) if w.value.eq_ignore_ascii_case("only"));
    let mut i = at + usize::from(only);
    matches!(tokens.get(i)?, Token::Word(_)).then_some(())?;
    if tokens.get(i + 1) == Some(&Token::Period)
        && matches!(tokens.get(i + 2), Some(Token::Word(_)))
    {
        i += 2;
    }
    (tokens.get(i + 1) == Some(&Token::Mul)).then_some(i + 1)
}

/// The piece's text respelled, when any rule applies.
pub(super) fn respell(sql: &str, piece: &Piece) -> Option<String> {
    let tokens = &piece.tokens;
    let word = |i: usize| -> Option<String> {
        match tokens.get(i)? {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    };
    let mut edits: Vec<(Range<usize>, &str)> = Vec::new();
    for i in 0..tokens.len() {
        let Some(current) = word(i) else { continue };
        let opens_call = tokens.get(i + 1) == Some(&Token::LParen);
        match current.as_str() {
            "TABLE" => {
                let starts_query = i == 0
                    || tokens[i - 1] == Token::LParen
                    || word(i - 1).is_some_and(|w| BEFORE_A_QUERY.contains(&w.as_str()));
                if starts_query {
                    edits.push((piece.spans[i].clone(), "SELECT * FROM"));
                    if let Some(star) = descendants_marker(tokens, i + 1) {
                        edits.push((piece.spans[star].clone(), " "));
                    }
                }
            }
            "EXCLUDE" => {
                let rest = FRAME_EXCLUSIONS.iter().find(|words| {
                    words
                        .iter()
                        .enumerate()
                        .all(|(k, w)| word(i + 1 + k).as_deref() == Some(*w))
                });
                if let Some(rest) = rest {
                    let end = piece.spans[i + rest.len()].end;
                    edits.push((piece.spans[i].start..end, " "));
                }
            }
            "TRIM" if opens_call => {
                let side = word(i + 2)
                    .is_some_and(|w| matches!(w.as_str(), "BOTH" | "LEADING" | "TRAILING"));
                if side && word(i + 3).as_deref() == Some("FROM") {
                    edits.push((piece.spans[i + 2].start..piece.spans[i + 3].end, " "));
                }
            }
            "BETWEEN" if word(i + 1).is_some_and(|w| w == "SYMMETRIC" || w == "ASYMMETRIC") => {
                edits.push((piece.spans[i + 1].clone(), " "));
            }
            "XMLELEMENT" | "XMLPI" if opens_call && word(i + 2).as_deref() == Some("NAME") => {
                edits.push((piece.spans[i + 2].clone(), " "));
            }
            _ => {}
        }
    }
    if edits.is_empty() {
        return None;
    }
    let mut text = String::new();
    let mut at = piece.range.start;
    for (range, replacement) in edits {
        text.push_str(&sql[at..range.start]);
        text.push_str(replacement);
        at = range.end;
    }
    text.push_str(&sql[at..piece.range.end]);
    Some(text)
}
