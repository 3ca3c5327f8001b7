//! The safety classifier: how dangerous is a piece of SQL?
//!
//! Pure and deny-by-default: every statement gets a [`Level`], the input gets
//! the worst, and anything the classifier does not positively recognise as
//! harmless (unparseable text, unknown statement kinds, unknown functions) is
//! never `read_only`. See DESIGN: this is the first of two locks; the server
//! guard in `db` is the second.
//!
//! The input is cut into statements by the tokenizer, each statement is
//! parsed on its own, and the parsed tree is walked in full (see `walk`).
//! Whatever the tokens show that the parser might miss (psql meta-commands,
//! `U&"…"` identifiers, empty names, a statement count the parser does not
//! confirm) is judged destructive.

#[cfg(test)]
mod corpus;
mod extensions;
mod functions;
#[cfg(any(test, fuzzing))]
pub mod invariants;
mod keywords;
#[cfg(test)]
mod proptests;
mod rewrite;
mod tag;
#[cfg(test)]
mod tests;
mod verify;
mod walk;

use std::ops::Range;

use sqlparser::dialect::{Dialect as SqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer};

use crate::catalog::Catalog;
use crate::db::Dialect;

/// How dangerous SQL is, ordered from harmless to worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    ReadOnly,
    Write,
    Destructive,
}

impl Level {
    /// The stable machine name: `read_only`, `write`, `destructive`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::ReadOnly => "read_only",
            Level::Write => "write",
            Level::Destructive => "destructive",
        }
    }
}

/// The classifier's judgement of one input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub level: Level,
    /// Why, in words shown to the user ("data-modifying CTE", …). Empty for
    /// plain read-only queries.
    pub reasons: Vec<String>,
    /// How many statements the input holds.
    pub statements: usize,
}

/// Classifies `sql` in `dialect`. With a catalog, user code (functions,
/// views, policies, domains…) is read and verified (see `verify`); without
/// one, unknown functions count as writes.
pub fn classify(sql: &str, dialect: Dialect, catalog: Option<&Catalog>) -> Verdict {
    let mut judgement = Judgement::new();
    let scan = match scan(sql, dialect) {
        Ok(scan) => scan,
        Err(message) => {
            judgement.add(
                Level::Destructive,
                format!("could not be parsed: {message}"),
            );
            // Unread, the input counts as one statement, as the splitter returns it.
            return judgement.into_verdict(1);
        }
    };
    if scan.pieces.is_empty() {
        judgement.add(
            Level::Destructive,
            "empty input: no statement to run".into(),
        );
    }
    for trap in &scan.traps {
        judgement.add(Level::Destructive, trap.clone());
    }
    let ctx = walk::Context { dialect, catalog };
    let d = parser_dialect(dialect);
    for piece in &scan.pieces {
        let text = &sql[piece.range.clone()];
        match Parser::parse_sql(d.as_ref(), text) {
            Ok(statements) if statements.len() == 1 => {
                walk::assess(&statements[0], ctx, &mut judgement);
            }
            Ok(statements) => judgement.add(
                Level::Destructive,
                format!(
                    "the parser read {} statements where the tokens show one",
                    statements.len()
                ),
            ),
            Err(error) => match respelled(sql, piece, d.as_ref()) {
                Some(statement) => walk::assess(&statement, ctx, &mut judgement),
                None => match keywords::recognise(&piece.tokens) {
                    Some((level, Some(reason))) => judgement.add(level, reason),
                    Some((level, None)) => judgement.raise(level),
                    None => judgement.add(
                        Level::Destructive,
                        format!("could not be parsed: {}", parser_message(&error)),
                    ),
                },
            },
        }
    }
    judgement.into_verdict(scan.pieces.len())
}

/// The one statement a piece the parser rejected parses to once respelled
/// (see `rewrite`), if it does.
fn respelled(sql: &str, piece: &Piece, d: &dyn SqlDialect) -> Option<sqlparser::ast::Statement> {
    let text = rewrite::respell(sql, piece)?;
    let mut statements = Parser::parse_sql(d, &text).ok()?;
    (statements.len() == 1).then(|| statements.remove(0))
}

/// Splits input into statements at top-level semicolons, using the tokenizer
/// (never a character scan), returning each statement's exact text without
/// the terminating semicolon, trimmed. Empty statements are dropped. Input
/// the tokenizer cannot read comes back whole, as one statement.
pub fn split_statements(sql: &str, dialect: Dialect) -> Vec<String> {
    match scan(sql, dialect) {
        Ok(scan) => scan
            .pieces
            .iter()
            .map(|p| sql[p.range.clone()].to_string())
            .collect(),
        Err(_) if sql.trim().is_empty() => Vec::new(),
        Err(_) => vec![sql.trim().to_string()],
    }
}

/// The psql-style command tag of the first statement in `sql`, upper-case:
/// `SELECT`, `INSERT`, `CREATE TABLE`, `DROP INDEX`, `BEGIN`… Empty when the
/// input holds no statement.
pub fn command_tag(sql: &str, dialect: Dialect) -> String {
    let Ok(scan) = scan(sql, dialect) else {
        return sql
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_uppercase();
    };
    let Some(piece) = scan.pieces.first() else {
        return String::new();
    };
    let d = parser_dialect(dialect);
    match Parser::parse_sql(d.as_ref(), &sql[piece.range.clone()]).as_deref() {
        Ok([sqlparser::ast::Statement::Query(q)]) => tag::query_tag(q).to_string(),
        _ => tag::tag_from_tokens(&piece.tokens),
    }
}

/// Whether `text` parses as SQL in `dialect` (one statement or more).
pub fn parses(text: &str, dialect: Dialect) -> bool {
    let d = parser_dialect(dialect);
    Parser::parse_sql(d.as_ref(), text).is_ok_and(|statements| !statements.is_empty())
}

/// The parser dialect for a backend.
fn parser_dialect(dialect: Dialect) -> Box<dyn SqlDialect> {
    match dialect {
        Dialect::Postgres => Box::new(PostgreSqlDialect {}),
        Dialect::Sqlite => Box::new(SQLiteDialect {}),
    }
}

/// Whether a token carries meaning (is neither whitespace nor a comment).
fn significant(token: &Token) -> bool {
    !matches!(token, Token::Whitespace(_) | Token::EOF)
}

fn parser_message(error: &sqlparser::parser::ParserError) -> String {
    let text = error.to_string();
    text.strip_prefix("sql parser error: ")
        .unwrap_or(&text)
        .to_string()
}

/// The accumulating judgement over an input: the worst level so far and the
/// reasons, each once.
struct Judgement {
    level: Level,
    reasons: Vec<String>,
}

impl Judgement {
    fn new() -> Self {
        Judgement {
            level: Level::ReadOnly,
            reasons: Vec::new(),
        }
    }

    /// Raises the level to at least `level`, for `reason`.
    fn add(&mut self, level: Level, reason: String) {
        self.raise(level);
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }

    fn raise(&mut self, level: Level) {
        self.level = self.level.max(level);
    }

    fn merge(&mut self, other: Judgement) {
        self.raise(other.level);
        for reason in other.reasons {
            self.add(other.level, reason);
        }
    }

    fn into_verdict(self, statements: usize) -> Verdict {
        Verdict {
            level: self.level,
            reasons: self.reasons,
            statements,
        }
    }
}

/// One statement as the tokens see it.
struct Piece {
    /// Byte range of the trimmed statement text, without its semicolon.
    range: Range<usize>,
    /// Its tokens, without whitespace and comments.
    tokens: Vec<Token>,
    /// Each token's byte range in the input.
    spans: Vec<Range<usize>>,
}

/// The token-level view of an input.
struct Scan {
    /// Non-empty statements, in order.
    pieces: Vec<Piece>,
    /// Destructive findings the parser could miss.
    traps: Vec<String>,
}

/// Tokenizes `sql` and cuts it at top-level semicolons (see [`Nesting`]).
fn scan(sql: &str, dialect: Dialect) -> Result<Scan, String> {
    let d = parser_dialect(dialect);
    let tokens = Tokenizer::new(d.as_ref(), sql)
        .tokenize_with_location()
        .map_err(|e| e.to_string())?;
    let mut cursor = Cursor::new(sql);
    let mut scan = Scan {
        pieces: Vec::new(),
        traps: Vec::new(),
    };
    let mut start = 0;
    let mut current: Vec<(TokenWithSpan, Range<usize>)> = Vec::new();
    let mut nesting = Nesting::default();
    for t in tokens {
        if !significant(&t.token) {
            continue;
        }
        if t.token == Token::SemiColon && nesting.at_top() {
            let end = cursor.seek(t.span.start);
            push_piece(&mut scan, sql, start..end, std::mem::take(&mut current));
            start = cursor.seek(t.span.end);
            continue;
        }
        let in_create = current.first().is_some_and(
            |(f, _)| matches!(&f.token, Token::Word(w) if w.keyword == Keyword::CREATE),
        );
        nesting.step(&t.token, in_create);
        let bytes = cursor.seek(t.span.start)..cursor.seek(t.span.end);
        current.push((t, bytes));
    }
    push_piece(&mut scan, sql, start..sql.len(), current);
    Ok(scan)
}

/// Where a semicolon does not end a statement: inside parentheses, or inside
/// the `BEGIN … END` body of a `CREATE` statement (SQLite triggers,
/// PostgreSQL `BEGIN ATOMIC` routines), as psql and SQLite judge it.
#[derive(Default)]
struct Nesting {
    parens: usize,
    blocks: usize,
}

impl Nesting {
    fn at_top(&self) -> bool {
        self.parens == 0 && self.blocks == 0
    }

    fn step(&mut self, token: &Token, in_create: bool) {
        match token {
            Token::LParen => self.parens += 1,
            Token::RParen => self.parens = self.parens.saturating_sub(1),
            Token::Word(w) if in_create && w.quote_style.is_none() => match w.keyword {
                Keyword::BEGIN => self.blocks += 1,
                Keyword::CASE if self.blocks > 0 => self.blocks += 1,
                Keyword::END => self.blocks = self.blocks.saturating_sub(1),
                _ => {}
            },
            _ => {}
        }
    }
}

fn push_piece(
    scan: &mut Scan,
    sql: &str,
    range: Range<usize>,
    tokens: Vec<(TokenWithSpan, Range<usize>)>,
) {
    if tokens.is_empty() {
        return;
    }
    let (tokens, spans): (Vec<TokenWithSpan>, Vec<Range<usize>>) = tokens.into_iter().unzip();
    for trap in token_traps(&tokens) {
        if !scan.traps.contains(&trap) {
            scan.traps.push(trap);
        }
    }
    let text = &sql[range.clone()];
    let lead = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    let begin = range.start + lead;
    scan.pieces.push(Piece {
        range: begin..begin + trimmed.len(),
        tokens: tokens.into_iter().map(|t| t.token).collect(),
        spans,
    });
}

/// What the tokens show that the parser may read wrongly.
fn token_traps(tokens: &[TokenWithSpan]) -> Vec<String> {
    let mut traps = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match &t.token {
            Token::Backslash => {
                traps.push("a psql meta-command (backslash) inside SQL".to_string())
            }
            Token::Word(w) if w.quote_style.is_some() && w.value.is_empty() => {
                traps.push("an empty quoted name".to_string())
            }
            Token::Word(w)
                if w.quote_style.is_none()
                    && w.value.eq_ignore_ascii_case("u")
                    && unicode_identifier(&tokens[i..]) =>
            {
                traps.push("a U&\"…\" identifier the parser misreads as U & \"…\"".to_string())
            }
            _ => {}
        }
    }
    traps
}

/// Whether the tokens start with `U`, `&` and a quoted name written together,
/// PostgreSQL's `U&"…"` identifier.
fn unicode_identifier(tokens: &[TokenWithSpan]) -> bool {
    let [u, amp, quoted, ..] = tokens else {
        return false;
    };
    matches!(amp.token, Token::Ampersand)
        && matches!(&quoted.token, Token::Word(w) if w.quote_style.is_some())
        && u.span.end == amp.span.start
        && amp.span.end == quoted.span.start
}

/// Turns the tokenizer's line/column locations into byte offsets, moving
/// forward only, counting exactly as the tokenizer does (a newline starts a
/// line, any other character is one column).
struct Cursor<'a> {
    chars: std::str::CharIndices<'a>,
    len: usize,
    byte: usize,
    line: u64,
    column: u64,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor {
            chars: text.char_indices(),
            len: text.len(),
            byte: 0,
            line: 1,
            column: 1,
        }
    }

    /// The byte offset of `loc`; locations must come in increasing order.
    fn seek(&mut self, loc: Location) -> usize {
        while (self.line, self.column) < (loc.line, loc.column) {
            let Some((_, c)) = self.chars.next() else {
                self.byte = self.len;
                break;
            };
            self.byte += c.len_utf8();
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.byte
    }
}
