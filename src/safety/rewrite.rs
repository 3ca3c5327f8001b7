//! Other spellings for PostgreSQL the parser cannot read, so that a read-only
//! query is not refused for its spelling alone: `TABLE name` where a query
//! stands (`(TABLE t)`, `… UNION TABLE t`, `TABLE t ORDER BY 1`) becomes
//! `SELECT * FROM name`, which the PostgreSQL manual defines it to be; a
//! window frame's `EXCLUDE CURRENT ROW | GROUP | TIES | NO OTHERS`,
//! `trim(BOTH | LEADING | TRAILING FROM x)`'s two keywords, `SYMMETRIC` after
//! `BETWEEN`, `xmlelement(NAME x …)`'s `NAME`, the descendant marker in
//! `TABLE name *` and the no-op locking clause `FOR READ ONLY` are dropped;
//! so is the `ONLY` of `FROM ONLY name`, always (the parser reads it as a
//! relation called `only`, aliased with the real name, without an error);
//! `FOR NO KEY UPDATE` and `FOR KEY SHARE` become the stronger `FOR UPDATE`
//! and `FOR SHARE` (a lock either way); `ROWS FROM (f(…), g(…))` in FROM
//! becomes `UNNEST (f(…), g(…))`, the same calls in a table factor.
//!
//! On MySQL, `LOCK IN SHARE MODE` becomes `FOR SHARE` (the same lock), MariaDB's
//! `NEXT VALUE FOR seq` and `PREVIOUS VALUE FOR seq` become `nextval(seq)` and
//! `lastval(seq)`, `:=` in a `SET` becomes `=` and `INTO @a, @b` is dropped
//! (the scanner reports the variables written), so that these are judged
//! by what they do rather than refused for their spelling.
//!
//! `U&"…"` identifiers are another matter: the parser reads `U&"d\0061ta"` as
//! `U & "d\0061ta"` without an error, so they are always respelled (the
//! others only when the parser fails): decoded by PostgreSQL's rules into
//! the plain quoted name they stand for (`"data"`). One that cannot be
//! decoded is left to the scanner's trap.
//!
//! Invariant: the new text is the input with only those tokens replaced, cut
//! from the original bytes (literals and other names are never re-rendered),
//! so every call, name and expression of the original is still there for the
//! walk, under the name the server resolves. A piece with nothing to respell
//! gives `None`.

use std::ops::Range;

use sqlparser::tokenizer::Token;

use super::Piece;
use crate::ident::quote_ident_always;

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

/// Words after which `ONLY name` names a relation without its descendants.
const BEFORE_A_RELATION: &[&str] = &["FROM", "JOIN", "UPDATE", "TABLE", "INTO", "USING"];

/// Whether the token at `i` is the `ONLY` of `FROM ONLY name` (after `FROM`,
/// `JOIN`, a comma…), which the parser misreads as a relation called `only`
/// with the real name as its alias. Dropped, the real relation is read and
/// verified; it names the same relation, descendants aside.
fn inheritance_only(tokens: &[Token], i: usize) -> bool {
    let bare = |t: Option<&Token>, word: &str| matches!(t, Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word));
    let after_relation_word = i > 0
        && (tokens[i - 1] == Token::Comma
            || BEFORE_A_RELATION.iter().any(|w| bare(tokens.get(i - 1), w)));
    bare(tokens.get(i), "only")
        && after_relation_word
        && matches!(tokens.get(i + 1), Some(Token::Word(_) | Token::LParen))
}

/// The index of the last token of the (possibly qualified) sequence name
/// starting at `at`, in MySQL's `NEXT VALUE FOR name`.
fn sequence_name(tokens: &[Token], at: usize) -> Option<usize> {
    matches!(tokens.get(at)?, Token::Word(_)).then_some(())?;
    if tokens.get(at + 1) == Some(&Token::Period)
        && matches!(tokens.get(at + 2), Some(Token::Word(_)))
    {
        return Some(at + 2);
    }
    Some(at)
}

/// Whether a token is a MySQL user variable (`@name`).
fn user_variable(token: Option<&Token>) -> bool {
    matches!(token, Some(Token::Word(w)) if w.value.starts_with('@') && !w.value.starts_with("@@"))
}

/// Which rules to apply.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Rules {
    /// Only what the parser misreads without failing (`U&"…"` names).
    Misread,
    /// Everything, for a piece the parser rejected.
    All,
}

/// The decoded name of the PostgreSQL `U&"…"` identifier the tokens start
/// with (`U`, `&` and a quoted word written together, then an optional
/// `UESCAPE 'c'`), and how many tokens it takes; `None` when they do not
/// start with one, or it does not decode.
pub(super) fn unicode_name(tokens: &[Token], spans: &[Range<usize>]) -> Option<(String, usize)> {
    let [Token::Word(u), Token::Ampersand, Token::Word(quoted), ..] = tokens else {
        return None;
    };
    let together = spans[0].end == spans[1].start && spans[1].end == spans[2].start;
    let is_u = u.quote_style.is_none() && u.value.eq_ignore_ascii_case("u");
    if !(together && is_u && quoted.quote_style == Some('"')) {
        return None;
    }
    let uescape = match tokens.get(3..5) {
        Some([Token::Word(w), Token::SingleQuotedString(c)])
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("uescape") =>
        {
            Some(c)
        }
        _ => None,
    };
    let escape = match uescape {
        None => '\\',
        Some(c) => {
            let mut chars = c.chars();
            let (Some(e), None) = (chars.next(), chars.next()) else {
                return None;
            };
            let forbidden = e.is_ascii_hexdigit() || e.is_whitespace() || "+'\"".contains(e);
            (!forbidden).then_some(e)?
        }
    };
    let name = decode_unicode_escapes(&quoted.value, escape)?;
    Some((name, if uescape.is_some() { 5 } else { 3 }))
}

/// PostgreSQL's decoding of a `U&` body: `<e>XXXX`, `<e>+XXXXXX` and `<e><e>`;
/// anything else after the escape character, a surrogate, NUL or a code
/// point beyond Unicode fails (the server would reject the name too).
fn decode_unicode_escapes(body: &str, escape: char) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != escape {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&escape) {
            chars.next();
            out.push(escape);
            continue;
        }
        let digits = if chars.peek() == Some(&'+') {
            chars.next();
            6
        } else {
            4
        };
        let hex: String = chars.by_ref().take(digits).collect();
        if hex.len() != digits || !hex.chars().all(|h| h.is_ascii_hexdigit()) {
            return None;
        }
        let code = u32::from_str_radix(&hex, 16).ok()?;
        out.push(char::from_u32(code).filter(|&ch| ch != '\0')?);
    }
    Some(out)
}

/// The piece's text respelled by `rules`, when any applies.
pub(super) fn respell(sql: &str, piece: &Piece, rules: Rules) -> Option<String> {
    let tokens = &piece.tokens;
    let word = |i: usize| -> Option<String> {
        match tokens.get(i)? {
            Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
            _ => None,
        }
    };
    let mut edits: Vec<(Range<usize>, String)> = Vec::new();
    let mut skip_to = 0;
    for i in 0..tokens.len() {
        if i < skip_to {
            continue;
        }
        if piece.unicode_names
            && let Some((name, taken)) = unicode_name(&tokens[i..], &piece.spans[i..])
        {
            let quoted = quote_ident_always(&name);
            edits.push((piece.spans[i].start..piece.spans[i + taken - 1].end, quoted));
            skip_to = i + taken;
            continue;
        }
        if inheritance_only(tokens, i) {
            edits.push((piece.spans[i].clone(), " ".to_string()));
            continue;
        }
        if rules == Rules::Misread {
            continue;
        }
        // MySQL's `SET @v := x` is its `SET @v = x`.
        if piece.mysql && tokens[i] == Token::Assignment && word(0).as_deref() == Some("SET") {
            edits.push((piece.spans[i].clone(), "=".to_string()));
            continue;
        }
        let Some(current) = word(i) else { continue };
        let opens_call = tokens.get(i + 1) == Some(&Token::LParen);
        let drop = |from: usize, to: usize| {
            (
                piece.spans[from].start..piece.spans[to].end,
                " ".to_string(),
            )
        };
        match current.as_str() {
            "TABLE" => {
                let starts_query = i == 0
                    || tokens[i - 1] == Token::LParen
                    || word(i - 1).is_some_and(|w| BEFORE_A_QUERY.contains(&w.as_str()));
                if starts_query {
                    edits.push((piece.spans[i].clone(), "SELECT * FROM".to_string()));
                    if let Some(star) = descendants_marker(tokens, i + 1) {
                        edits.push(drop(star, star));
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
                    edits.push(drop(i, i + rest.len()));
                }
            }
            "TRIM" if opens_call => {
                let side = word(i + 2)
                    .is_some_and(|w| matches!(w.as_str(), "BOTH" | "LEADING" | "TRAILING"));
                if side && word(i + 3).as_deref() == Some("FROM") {
                    edits.push(drop(i + 2, i + 3));
                }
            }
            "BETWEEN" if word(i + 1).is_some_and(|w| w == "SYMMETRIC" || w == "ASYMMETRIC") => {
                edits.push(drop(i + 1, i + 1));
            }
            "XMLELEMENT" | "XMLPI" if opens_call && word(i + 2).as_deref() == Some("NAME") => {
                edits.push(drop(i + 2, i + 2));
            }
            "FOR" => {
                let next = [word(i + 1), word(i + 2), word(i + 3)];
                match next.each_ref().map(|w| w.as_deref()) {
                    [Some("READ"), Some("ONLY"), _] => edits.push(drop(i, i + 2)),
                    [Some("NO"), Some("KEY"), Some("UPDATE")] => edits.push(drop(i + 1, i + 2)),
                    [Some("KEY"), Some("SHARE"), _] => edits.push(drop(i + 1, i + 1)),
                    _ => {}
                }
            }
            "LOCK"
                if piece.mysql
                    && [word(i + 1), word(i + 2), word(i + 3)]
                        .each_ref()
                        .map(|w| w.as_deref())
                        == [Some("IN"), Some("SHARE"), Some("MODE")] =>
            {
                edits.push((
                    piece.spans[i].start..piece.spans[i + 3].end,
                    "FOR SHARE".to_string(),
                ));
            }
            // `INTO @a, @b` after FROM, which the parser does not take: the
            // scanner reports the variables written (see `mysql::token_traps`).
            "INTO" if piece.mysql && user_variable(tokens.get(i + 1)) => {
                let mut last = i + 1;
                while tokens.get(last + 1) == Some(&Token::Comma)
                    && user_variable(tokens.get(last + 2))
                {
                    last += 2;
                }
                edits.push(drop(i, last));
                skip_to = last + 1;
            }
            "NEXT" | "PREVIOUS"
                if piece.mysql
                    && word(i + 1).as_deref() == Some("VALUE")
                    && word(i + 2).as_deref() == Some("FOR") =>
            {
                if let Some(last) = sequence_name(tokens, i + 3) {
                    let call = if current == "NEXT" {
                        "nextval("
                    } else {
                        "lastval("
                    };
                    edits.push((
                        piece.spans[i].start..piece.spans[i + 2].end,
                        call.to_string(),
                    ));
                    let end = piece.spans[last].end;
                    edits.push((end..end, ")".to_string()));
                    skip_to = last + 1;
                }
            }
            "ROWS"
                if word(i + 1).as_deref() == Some("FROM")
                    && tokens.get(i + 2) == Some(&Token::LParen)
                    && i > 0
                    && (tokens[i - 1] == Token::Comma
                        || word(i - 1).is_some_and(|w| {
                            matches!(w.as_str(), "FROM" | "JOIN" | "LATERAL")
                        })) =>
            {
                edits.push((
                    piece.spans[i].start..piece.spans[i + 1].end,
                    "UNNEST".to_string(),
                ));
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
        text.push_str(&replacement);
        at = range.end;
    }
    text.push_str(&sql[at..piece.range.end]);
    Some(text)
}
