//! The migration linter: SQL text in, per statement the locks it takes,
//! whether it rewrites or scans a table, whether it may run in a
//! transaction, and findings with their safe rewrite. Pure: no connection,
//! no model, no printing (`report` writes the text and JSON the front end
//! prints).
//!
//! `locks` holds the PostgreSQL 15 table of effects, `rules` the findings.
//! Statements are cut by the tokenizer (`safety::statement_ranges`) and
//! parsed one by one, so a parse error names the line and column in the
//! file. What the parser cannot read, `recognise` may: PostgreSQL
//! statements common in migrations (REINDEX, CLUSTER, …), read from their
//! words.

mod dbmate;
mod locks;
mod recognise;
mod recognised;
pub mod report;
mod rule_table;
mod rules;
mod timeout;

use sqlparser::ast::{ObjectName, ObjectNamePart, Statement};
use sqlparser::dialect::Dialect as SqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::db::Dialect;
use crate::safety;

pub use locks::Effect;
pub use rules::{Finding, Level};

/// One statement of the input, linted.
#[derive(Clone, Debug)]
pub struct Linted {
    /// The statement's text, without its semicolon.
    pub sql: String,
    /// The line it starts on, from 1.
    pub line: usize,
    pub effect: Effect,
    /// Locks earlier statements of the same transaction took and still
    /// hold, where stronger than what this statement takes on the relation:
    /// other sessions wait on them while this statement runs.
    pub held: Vec<Held>,
    pub findings: Vec<Finding>,
}

impl Linted {
    /// The strongest lock in force while it runs: its own or one held.
    pub fn blocking(&self) -> Option<locks::Mode> {
        let held = self.held.iter().map(|h| h.mode);
        self.effect.strongest().into_iter().chain(held).max()
    }
}

/// A lock taken by the statement on `line` and held to the end of its
/// transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Held {
    pub relation: String,
    pub mode: locks::Mode,
    pub line: usize,
}

/// Input the parser cannot read: where, and what it expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A statement as read: by the parser, or by the recogniser.
pub enum Read {
    Parsed(Box<Parsed>),
    Recognised(recognise::Form),
}

/// A parsed statement, with what the parser could not carry.
pub struct Parsed {
    pub statement: Statement,
    /// `DROP INDEX CONCURRENTLY`, which the parser reads without its
    /// `CONCURRENTLY`.
    pub concurrently: bool,
}

/// Lints every statement of `sql` as `dialect` reads it.
pub fn statements(sql: &str, dialect: Dialect) -> Result<Vec<Linted>, ParseError> {
    lint_file(sql, dialect, false)
}

/// Lints `sql` as a migration tool runs it by default: the whole file in
/// one transaction, so a lock taken early is held to the end.
pub fn statements_in_one_transaction(
    sql: &str,
    dialect: Dialect,
) -> Result<Vec<Linted>, ParseError> {
    lint_file(sql, dialect, true)
}

/// Lints a migration file as its tool runs it: a dbmate file's up and
/// down sections each on its own (in a transaction unless its marker says
/// `transaction:false`), with the file's line numbers; any other file as
/// one unit, in one transaction when `in_transaction`.
pub fn file(sql: &str, dialect: Dialect, in_transaction: bool) -> Result<Vec<Linted>, ParseError> {
    let Some(sections) = dbmate::sections(sql) else {
        return lint_file(sql, dialect, in_transaction);
    };
    let mut linted = Vec::new();
    for section in sections {
        let before = sql[..section.range.start].matches('\n').count();
        let text = &sql[section.range];
        let shift = |line: usize| line + before;
        let statements = lint_file(text, dialect, section.transaction).map_err(|e| ParseError {
            line: shift(e.line),
            ..e
        })?;
        linted.extend(statements.into_iter().map(|mut s| {
            s.line = shift(s.line);
            for held in &mut s.held {
                held.line = shift(held.line);
            }
            s
        }));
    }
    Ok(linted)
}

fn lint_file(sql: &str, dialect: Dialect, wrapped: bool) -> Result<Vec<Linted>, ParseError> {
    if dialect == Dialect::Mysql {
        return Err(ParseError {
            line: 1,
            column: 1,
            message: "the linter knows the locks of PostgreSQL and SQLite, not MySQL's".into(),
        });
    }
    let ranges = safety::statement_ranges(sql, dialect).map_err(|message| {
        let (message, line, column) = located(&message);
        ParseError {
            line: line.unwrap_or(1),
            column: column.unwrap_or(1),
            message,
        }
    })?;
    let mut parsed = Vec::with_capacity(ranges.len());
    for mut range in ranges {
        range.start += leading_comments(&sql[range.clone()], dialect);
        let (line, column) = position(sql, range.start);
        let text = &sql[range];
        let statement = read(text, dialect).map_err(|(message, at_line, at_column)| {
            let at_line = at_line.unwrap_or(1);
            ParseError {
                line: line + at_line - 1,
                column: if at_line == 1 {
                    column + at_column.unwrap_or(1) - 1
                } else {
                    at_column.unwrap_or(1)
                },
                message,
            }
        })?;
        parsed.push((text.to_string(), line, statement));
    }
    Ok(rules::lint(parsed, dialect, wrapped))
}

/// Reads one statement: parsed, or else (PostgreSQL) recognised; the
/// parser's error when neither reads it.
fn read(text: &str, dialect: Dialect) -> Result<Read, (String, Option<usize>, Option<usize>)> {
    match parse(text, dialect) {
        Ok(parsed) => Ok(Read::Parsed(Box::new(parsed))),
        Err(error) => match dialect {
            Dialect::Postgres => recognise::form(text).map(Read::Recognised).ok_or(error),
            Dialect::Sqlite | Dialect::Mysql => Err(error),
        },
    }
}

/// Parses one statement; `DROP INDEX CONCURRENTLY …` is read without the
/// word the parser does not know. An error carries the parser's message
/// and its line and column within `text`.
fn parse(text: &str, dialect: Dialect) -> Result<Parsed, (String, Option<usize>, Option<usize>)> {
    let d = dialect.parser();
    let failed = |error: sqlparser::parser::ParserError| {
        let text = error.to_string();
        located(text.strip_prefix("sql parser error: ").unwrap_or(&text))
    };
    let (text, concurrently) = match concurrent_drop(text, d.as_ref()) {
        Some(plain) => (plain, true),
        None => (text.to_string(), false),
    };
    let mut statements = Parser::parse_sql(d.as_ref(), &text).map_err(failed)?;
    match statements.len() {
        1 => Ok(Parsed {
            statement: statements.remove(0),
            concurrently,
        }),
        n => Err((format!("expected one statement, read {n}"), None, None)),
    }
}

/// `text` with the `CONCURRENTLY` of a leading `DROP INDEX CONCURRENTLY`
/// blanked out (positions kept), when it starts so.
fn concurrent_drop(text: &str, d: &dyn SqlDialect) -> Option<String> {
    let tokens = Tokenizer::new(d, text).tokenize_with_location().ok()?;
    let mut words = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .take(3);
    let word = |t: Option<&sqlparser::tokenizer::TokenWithSpan>, expected: &str| {
        t.is_some_and(|t| {
            matches!(&t.token, Token::Word(w)
            if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(expected))
        })
    };
    if !(word(words.next(), "drop") && word(words.next(), "index")) {
        return None;
    }
    let third = words.next()?;
    if !word(Some(third), "concurrently") {
        return None;
    }
    let start = byte_at(text, third.span.start.line, third.span.start.column)?;
    let end = start + "concurrently".len();
    Some(format!(
        "{}{}{}",
        &text[..start],
        " ".repeat(end - start),
        &text[end..]
    ))
}

/// How many bytes of comments and blank space `text` starts with.
fn leading_comments(text: &str, dialect: Dialect) -> usize {
    let d = dialect.parser();
    Tokenizer::new(d.as_ref(), text)
        .tokenize_with_location()
        .ok()
        .and_then(|tokens| {
            let first = tokens
                .iter()
                .find(|t| !matches!(t.token, Token::Whitespace(_)))?;
            byte_at(text, first.span.start.line, first.span.start.column)
        })
        .unwrap_or(0)
}

/// The byte offset of 1-based `line` and `column` (in characters) in `text`.
fn byte_at(text: &str, line: u64, column: u64) -> Option<usize> {
    let mut offset = 0;
    for (n, content) in text.split_inclusive('\n').enumerate() {
        if n as u64 + 1 == line {
            let skip = usize::try_from(column.checked_sub(1)?).ok()?;
            return content.char_indices().nth(skip).map(|(i, _)| offset + i);
        }
        offset += content.len();
    }
    None
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// A parser or tokenizer message split from its ` at Line: L, Column: C`.
fn located(message: &str) -> (String, Option<usize>, Option<usize>) {
    let Some(at) = message.rfind(" at Line: ") else {
        return (message.to_string(), None, None);
    };
    let mut numbers = message[at + " at Line: ".len()..]
        .split(", Column: ")
        .map(|n| n.trim().parse::<usize>().ok());
    let line = numbers.next().flatten();
    let column = numbers.next().flatten();
    (message[..at].to_string(), line, column)
}

/// A relation's name as the server folds it: the last part, lower-cased
/// unless quoted.
pub(crate) fn table_name(name: &ObjectName) -> String {
    match name.0.last().and_then(ObjectNamePart::as_ident) {
        Some(ident) if ident.quote_style.is_some() => ident.value.clone(),
        Some(ident) => ident.value.to_lowercase(),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_keep_their_lines() {
        let linted = statements(
            "set lock_timeout = '1s';\n\n-- new\ncreate table a (id int);\nselect 1",
            Dialect::Postgres,
        )
        .unwrap();
        let lines: Vec<usize> = linted.iter().map(|l| l.line).collect();
        assert_eq!(lines, [1, 4, 5]);
        assert_eq!(linted[1].sql, "create table a (id int)");
    }

    #[test]
    fn a_parse_error_names_the_line_and_column_in_the_file() {
        let error =
            statements("select 1;\n\n  alter tabel t add x int;", Dialect::Postgres).unwrap_err();
        assert_eq!((error.line, error.column), (3, 9), "{error:?}");
        assert!(error.message.contains("tabel"), "{error:?}");
        let error = statements("select 1;\nselect\n  1 1;", Dialect::Postgres).unwrap_err();
        assert_eq!((error.line, error.column), (3, 5), "{error:?}");
    }

    #[test]
    fn a_tokenizer_error_is_a_parse_error() {
        let error = statements("select 1;\nselect 'open", Dialect::Postgres).unwrap_err();
        assert_eq!(error.line, 2, "{error:?}");
    }

    #[test]
    fn drop_index_concurrently_is_read() {
        let parsed = parse("DROP INDEX CONCURRENTLY IF EXISTS i", Dialect::Postgres).unwrap();
        assert!(parsed.concurrently);
        assert!(matches!(parsed.statement, Statement::Drop { .. }));
        assert!(
            !parse("drop index i", Dialect::Postgres)
                .unwrap()
                .concurrently
        );
    }

    #[test]
    fn what_the_parser_cannot_read_is_recognised_on_postgres_only() {
        let recognised = read("reindex /* all */ table t", Dialect::Postgres).unwrap();
        assert!(matches!(recognised, Read::Recognised(_)));
        assert!(read("reindex table t", Dialect::Sqlite).is_err());
        let Err((message, ..)) = read("reindex t", Dialect::Postgres) else {
            panic!("read")
        };
        assert!(message.contains("reindex"), "{message}");
        let linted = statements(
            "select 1;\n\nREFRESH MATERIALIZED VIEW m;",
            Dialect::Postgres,
        )
        .unwrap();
        assert_eq!(linted[1].line, 3);
    }

    #[test]
    fn dbmate_sections_are_linted_apart_with_the_files_lines() {
        let sql = "-- migrate:up\nset lock_timeout = '2s';\nalter table t add column c int;\n\
                   create index concurrently i on t (c);\n\n\
                   -- migrate:down transaction:false\nalter table t drop column c;\n";
        let linted = file(sql, Dialect::Postgres, false).unwrap();
        let lines: Vec<usize> = linted.iter().map(|l| l.line).collect();
        assert_eq!(lines, [2, 3, 4, 7]);
        let rules = |i: usize| -> Vec<&str> { linted[i].findings.iter().map(|f| f.rule).collect() };
        // The up section runs in a transaction: the index cannot, and
        // statement 3 still holds line 3's lock.
        assert_eq!(rules(2), ["outside-transaction"]);
        assert_eq!(linted[2].held[0].line, 3);
        // The down section starts afresh: no lock_timeout set there.
        assert_eq!(rules(3), ["require-lock-timeout", "drop-column"]);
        assert!(linted[3].held.is_empty());
        let error = file(
            "-- migrate:up\nselect 1;\n-- migrate:down\n\nalter tabel t;\n",
            Dialect::Postgres,
            false,
        )
        .unwrap_err();
        assert_eq!((error.line, error.column), (5, 7), "{error:?}");
    }

    #[test]
    fn names_fold_as_the_server_folds_them() {
        let parsed = parse("drop table S.\"Big\", Small", Dialect::Postgres).unwrap();
        let Statement::Drop { names, .. } = parsed.statement else {
            panic!()
        };
        assert_eq!(table_name(&names[0]), "Big");
        assert_eq!(table_name(&names[1]), "small");
    }
}
