//! The safety classifier: how dangerous is a piece of SQL?
//!
//! Pure and deny-by-default: every statement gets a [`Level`], the input gets
//! the worst, and anything the classifier does not positively recognise as
//! harmless (unparseable text, unknown statement kinds, unknown functions) is
//! never `read_only`. See DESIGN: this is the first of two locks; the server
//! guard in `db` is the second.
//!
//! The input is cut into statements by the tokenizer, each statement is
//! parsed on its own (`U&"…"` names decoded first, other spellings the parser
//! rejects respelled, see `rewrite`), and the parsed tree is walked in full
//! (see `walk`). Whatever the tokens show that the parser might miss (psql
//! meta-commands, `U&"…"` names that do not decode, empty names, a statement
//! count the parser does not confirm) is judged destructive. MySQL and
//! MariaDB, where a read-only transaction holds much less, have rules of
//! their own (see `mysql` and `mysql_functions`).
//!
//! Besides the level, a verdict says whether a rollback undoes everything
//! the input does (what may be previewed), whether sequences advance, and
//! why glance may not try it in a transaction it rolls back (schema changes
//! included, see [`Verdict::trial_refusals`]).

#[cfg(test)]
mod corpus;
mod extensions;
mod functions;
#[cfg(any(test, fuzzing))]
pub mod invariants;
mod keywords;
mod mysql;
mod mysql_functions;
#[cfg(test)]
mod mysql_tests;
#[cfg(test)]
mod proptests;
mod rewrite;
mod settings;
mod statement_kind;
mod tag;
#[cfg(test)]
mod tests;
mod verify;
mod walk;

use std::ops::Range;

use sqlparser::ast::{ObjectName, ObjectNamePart};
use sqlparser::dialect::Dialect as SqlDialect;
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
    /// Whether a rollback undoes everything the input does: reads and
    /// ordinary INSERT, UPDATE, DELETE and MERGE in which nothing else (no
    /// call, lock, setting or other statement kind) raised the level. Only
    /// such input may be previewed in a transaction that is rolled back.
    pub rollback_undoes: bool,
    /// Whether running it advances sequences (`nextval`, or an INSERT into a
    /// table whose column default calls `nextval`), which no rollback undoes.
    pub advances_sequences: bool,
    /// Whether some of it could not be read at all (the tokenizer or the
    /// parser failed and nothing recognised it): such input is destructive,
    /// and before anyone is asked about it the database is asked whether it
    /// is SQL at all (see `Backend::check`), so a typo is reported as the
    /// database's syntax error instead.
    pub unreadable: bool,
    /// Why a trial of the input in a transaction glance always rolls back
    /// is refused: what a rollback would not undo, or what glance cannot
    /// verify it undoes. Empty when a rollback verifiably undoes all of it:
    /// reads, plain DML, and transactional DDL (CREATE/ALTER/DROP of
    /// tables, views, indexes without CONCURRENTLY, types, schemas,
    /// sequences, functions; COMMENT ON; SET LOCAL). Unlike
    /// `rollback_undoes`, schema changes may be tried.
    pub trial_refusals: Box<[String]>,
}

/// Classifies `sql` in `dialect`. With a catalog, user code (functions,
/// views, policies, domains…) is read and verified (see `verify`); without
/// one, unknown functions count as writes.
pub fn classify(sql: &str, dialect: Dialect, catalog: Option<&Catalog>) -> Verdict {
    let mut judgement = Judgement::new();
    let scan = match scan(sql, dialect) {
        Ok(scan) => scan,
        Err(message) => {
            judgement.unreadable(message);
            // Unread, the input counts as one statement, as the splitter returns it.
            return judgement.into_verdict(1);
        }
    };
    if scan.pieces.is_empty() {
        judgement.add(
            Level::Destructive,
            "empty input: no statement to run".into(),
        );
        judgement.refuse_trial("empty input: no statement to run".into());
    }
    for (level, trap) in &scan.traps {
        judgement.add(*level, trap.clone());
        judgement.refuse_trial(trap.clone());
    }
    let target = walk::TargetDatabase { dialect, catalog };
    let d = dialect.parser();
    for piece in &scan.pieces {
        let misread = rewrite::respell(sql, piece, rewrite::Rules::Misread);
        let text = misread.as_deref().unwrap_or(&sql[piece.range.clone()]);
        match Parser::parse_sql(d.as_ref(), text) {
            Ok(statements) if statements.len() == 1 => {
                walk::assess(&statements[0], target, &mut judgement);
            }
            Ok(statements) => {
                let reason = format!(
                    "the parser read {} statements where the tokens show one",
                    statements.len()
                );
                judgement.add(Level::Destructive, reason.clone());
                judgement.refuse_trial(reason);
            }
            Err(error) => match respelled(sql, piece, d.as_ref()) {
                Some(statement) => walk::assess(&statement, target, &mut judgement),
                None => match recognise(&piece.tokens, dialect) {
                    Some((level, reason)) => {
                        judgement.refuse_trial(format!(
                            "{} is read from its words only, so glance cannot verify a \
                             rollback undoes it",
                            tag::tag_from_tokens(&piece.tokens)
                        ));
                        match reason {
                            Some(reason) => judgement.add(level, reason),
                            None => judgement.raise(level),
                        }
                    }
                    None => judgement.unreadable(parser_message(&error)),
                },
            },
        }
    }
    judgement.into_verdict(scan.pieces.len())
}

/// The one statement a piece the parser rejected parses to once respelled
/// (see `rewrite`), if it does.
fn respelled(sql: &str, piece: &Piece, d: &dyn SqlDialect) -> Option<sqlparser::ast::Statement> {
    let text = rewrite::respell(sql, piece, rewrite::Rules::All)?;
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

/// Where each statement of `sql` is: the byte range of its trimmed text
/// without the semicolon, cut as [`split_statements`] cuts. Input the
/// tokenizer cannot read is an error, with the tokenizer's message.
pub fn statement_ranges(sql: &str, dialect: Dialect) -> Result<Vec<Range<usize>>, String> {
    Ok(scan(sql, dialect)?
        .pieces
        .into_iter()
        .map(|p| p.range)
        .collect())
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
    let d = dialect.parser();
    match Parser::parse_sql(d.as_ref(), &sql[piece.range.clone()]).as_deref() {
        Ok([sqlparser::ast::Statement::Query(q)]) => tag::query_tag(q).to_string(),
        _ => tag::tag_from_tokens(&piece.tokens),
    }
}

/// Whether the classifier can read every statement in `sql`: each parses,
/// as written or after the respellings `classify` applies (`TABLE name`),
/// or is one of the statements it knows by their words (`PRAGMA …`).
/// False for empty input and for text the tokenizer cannot read.
pub fn reads(sql: &str, dialect: Dialect) -> bool {
    let Ok(scan) = scan(sql, dialect) else {
        return false;
    };
    let d = dialect.parser();
    !scan.pieces.is_empty()
        && scan.pieces.iter().all(|piece| {
            Parser::parse_sql(d.as_ref(), &sql[piece.range.clone()])
                .is_ok_and(|statements| statements.len() == 1)
                || respelled(sql, piece, d.as_ref()).is_some()
                || recognise(&piece.tokens, dialect).is_some()
        })
}

/// Judges a statement the parser rejected by its tokens, when they settle it.
fn recognise(tokens: &[Token], dialect: Dialect) -> Option<functions::Judged> {
    match dialect {
        Dialect::Mysql => mysql::recognise(tokens),
        Dialect::Postgres | Dialect::Sqlite => keywords::recognise(tokens),
    }
}

/// Whether `sql` is exactly one `COMMENT ON …` statement, as the parser
/// reads it.
pub fn is_comment(sql: &str, dialect: Dialect) -> bool {
    let d = dialect.parser();
    matches!(
        Parser::parse_sql(d.as_ref(), sql).as_deref(),
        Ok([sqlparser::ast::Statement::Comment { .. }])
    )
}

/// Whether `text` parses as SQL in `dialect` (one statement or more).
pub fn parses(text: &str, dialect: Dialect) -> bool {
    let d = dialect.parser();
    Parser::parse_sql(d.as_ref(), text).is_ok_and(|statements| !statements.is_empty())
}

/// Whether `sql` may name something a schema defines (a table, view,
/// function, type or operator's operand column): any word but a handful of
/// keywords. `select 1` does not, so it is judged without reading the
/// schema; text that does not tokenize counts as naming one.
pub fn names_schema_objects(sql: &str, dialect: Dialect) -> bool {
    const PLAIN: &[&str] = &["select", "null", "true", "false", "and", "or", "not"];
    let d = dialect.parser();
    let Ok(tokens) = Tokenizer::new(d.as_ref(), sql).tokenize() else {
        return true;
    };
    tokens.iter().any(|token| match token {
        Token::Word(word) => {
            word.quote_style.is_some() || !PLAIN.contains(&word.value.to_ascii_lowercase().as_str())
        }
        _ => false,
    })
}

/// The last part of a name, as written (quotes removed, case kept); empty
/// when it is not a plain identifier.
fn last_part(name: &ObjectName) -> String {
    name.0
        .last()
        .and_then(ObjectNamePart::as_ident)
        .map(|i| i.value.clone())
        .unwrap_or_default()
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

/// The accumulating judgement over an input: the worst level so far, the
/// reasons, each once, and whether a rollback still undoes all of it.
///
/// Deny by default: anything that raises the level through [`Judgement::add`]
/// or [`Judgement::raise`] makes the input one a rollback may not undo; only
/// the ordinary DML statement kinds go through [`Judgement::add_undoable`].
struct Judgement {
    level: Level,
    reasons: Vec<String>,
    rollback_undoes: bool,
    advances_sequences: bool,
    unreadable: bool,
    trial_refusals: Vec<String>,
}

impl Judgement {
    fn new() -> Self {
        Judgement {
            level: Level::ReadOnly,
            reasons: Vec::new(),
            rollback_undoes: true,
            advances_sequences: false,
            unreadable: false,
            trial_refusals: Vec::new(),
        }
    }

    /// Input the classifier cannot read at all: destructive, saying so
    /// with what the tokenizer or parser reported.
    fn unreadable(&mut self, message: String) {
        self.unreadable = true;
        let reason = format!("glance cannot read it: {message}");
        self.refuse_trial(reason.clone());
        self.add(Level::Destructive, reason);
    }

    /// Records why a trial in a rolled-back transaction may not run it.
    fn refuse_trial(&mut self, reason: String) {
        if !self.trial_refusals.contains(&reason) {
            self.trial_refusals.push(reason);
        }
    }

    /// Raises the level to at least `level`, for `reason`.
    fn add(&mut self, level: Level, reason: String) {
        self.raise(level);
        self.note(reason);
    }

    fn raise(&mut self, level: Level) {
        self.level = self.level.max(level);
        if level > Level::ReadOnly {
            self.rollback_undoes = false;
        }
    }

    /// Like [`Judgement::add`], for an effect a rollback undoes: the kind
    /// of an ordinary INSERT, UPDATE, DELETE or MERGE.
    fn add_undoable(&mut self, level: Level, reason: String) {
        self.level = self.level.max(level);
        self.note(reason);
    }

    /// Records that sequences advance; what else that takes is judged apart.
    fn advance_sequences(&mut self) {
        self.advances_sequences = true;
    }

    fn note(&mut self, reason: String) {
        if !self.reasons.contains(&reason) {
            self.reasons.push(reason);
        }
    }

    fn merge(&mut self, other: Judgement) {
        self.level = self.level.max(other.level);
        self.rollback_undoes &= other.rollback_undoes;
        self.advances_sequences |= other.advances_sequences;
        self.unreadable |= other.unreadable;
        for reason in other.reasons {
            self.note(reason);
        }
        for reason in other.trial_refusals {
            self.refuse_trial(reason);
        }
    }

    fn into_verdict(mut self, statements: usize) -> Verdict {
        if self.advances_sequences {
            self.refuse_trial("it advances a sequence, which no rollback undoes".into());
        }
        Verdict {
            level: self.level,
            reasons: self.reasons,
            statements,
            rollback_undoes: self.rollback_undoes,
            advances_sequences: self.advances_sequences,
            unreadable: self.unreadable,
            trial_refusals: self.trial_refusals.into(),
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
    /// Whether it holds PostgreSQL `U&"…"` names that decode (see `rewrite`).
    unicode_names: bool,
    /// Whether it is MySQL, whose own spellings `rewrite` also respells.
    mysql: bool,
}

/// The token-level view of an input.
struct Scan {
    /// Non-empty statements, in order.
    pieces: Vec<Piece>,
    /// Findings the parser could miss, with their level.
    traps: Vec<(Level, String)>,
}

/// Tokenizes `sql` and cuts it at top-level semicolons (see [`Nesting`]).
fn scan(sql: &str, dialect: Dialect) -> Result<Scan, String> {
    let d = dialect.parser();
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
    // Where each token is, on MySQL (see `mysql::executable_comment`).
    let mut raw_spans = Vec::new();
    for t in tokens {
        let bytes = cursor.seek(t.span.start)..cursor.seek(t.span.end);
        if dialect == Dialect::Mysql {
            raw_spans.push(bytes.clone());
            if let Some(trap) = mysql::comment_trap(&t.token)
                && !scan.traps.contains(&trap)
            {
                scan.traps.push(trap);
            }
        }
        if !significant(&t.token) {
            continue;
        }
        if t.token == Token::SemiColon && nesting.at_top() {
            push_piece(
                &mut scan,
                sql,
                dialect,
                start..bytes.start,
                std::mem::take(&mut current),
            );
            start = bytes.end;
            continue;
        }
        let in_create = current.first().is_some_and(
            |(f, _)| matches!(&f.token, Token::Word(w) if w.keyword == Keyword::CREATE),
        );
        nesting.step(&t.token, in_create);
        current.push((t, bytes));
    }
    push_piece(&mut scan, sql, dialect, start..sql.len(), current);
    if let Some(trap) = mysql::executable_comment(sql, &raw_spans) {
        scan.traps.push(trap);
    }
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
    dialect: Dialect,
    range: Range<usize>,
    tokens: Vec<(TokenWithSpan, Range<usize>)>,
) {
    if tokens.is_empty() {
        return;
    }
    let (tokens, spans): (Vec<TokenWithSpan>, Vec<Range<usize>>) = tokens.into_iter().unzip();
    let tokens: Vec<Token> = tokens.into_iter().map(|t| t.token).collect();
    let unicode_names = dialect == Dialect::Postgres;
    let mut traps: Vec<(Level, String)> = token_traps(&tokens, &spans, unicode_names)
        .into_iter()
        .map(|trap| (Level::Destructive, trap))
        .collect();
    if dialect == Dialect::Mysql {
        traps.extend(mysql::token_traps(&tokens, &spans));
    }
    for trap in traps {
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
        tokens,
        spans,
        unicode_names,
        mysql: dialect == Dialect::Mysql,
    });
}

/// What the tokens show that the parser may read wrongly. `U&"…"` names
/// that `decodes` (PostgreSQL names that decode) are respelled instead.
fn token_traps(tokens: &[Token], spans: &[Range<usize>], decodes: bool) -> Vec<String> {
    let mut traps = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        match t {
            Token::Backslash => {
                traps.push("a psql meta-command (backslash) inside SQL".to_string())
            }
            Token::Word(w) if w.quote_style.is_some() && w.value.is_empty() => {
                traps.push("an empty quoted name".to_string())
            }
            Token::Word(w)
                if w.quote_style.is_none()
                    && w.value.eq_ignore_ascii_case("u")
                    && unicode_identifier(&tokens[i..], &spans[i..])
                    && !(decodes && rewrite::unicode_name(&tokens[i..], &spans[i..]).is_some()) =>
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
fn unicode_identifier(tokens: &[Token], spans: &[Range<usize>]) -> bool {
    let [_, amp, quoted, ..] = tokens else {
        return false;
    };
    matches!(amp, Token::Ampersand)
        && matches!(quoted, Token::Word(w) if w.quote_style.is_some())
        && spans[0].end == spans[1].start
        && spans[1].end == spans[2].start
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
