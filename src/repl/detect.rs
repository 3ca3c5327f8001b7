//! Whether a line typed at the question prompt is SQL or a question, and
//! what a statement still being typed is waiting for (the `->` prompts).
//!
//! The rule, as documented in the README:
//!
//! * Only text whose first word is one of [`keywords`] (for the
//!   connection's dialect) can be SQL; everything else is a question.
//! * Text that ends with `;` is SQL when every statement in it parses
//!   (sqlparser, the connection's dialect) and it does not read as a
//!   question (below). Otherwise it is a question.
//! * Text that does not end with `;` never runs at once, as in psql: when
//!   it is the start of a statement (it parses, or the parser ran out of
//!   input, or a string, quoted name or comment is still open) and does not
//!   read as a question, more lines are read, with the `->` prompt, until
//!   one ends with `;` (or `\g`); otherwise it is a question.
//! * Text reads as a question when it ends with `?`; when it is a
//!   PostgreSQL `SHOW` followed by several words (SHOW takes one name);
//!   or, without a `;`, when it is four or more plain words with no
//!   punctuation, digits, quotes or operators ("select all customers from
//!   Paris").

use sqlparser::dialect::Dialect as SqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

use crate::db::Dialect;
use crate::safety;

/// How the REPL takes what was typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Typed {
    /// Run it as SQL, through the gate.
    Sql,
    /// The start of a statement: read more lines until `;`.
    Unfinished,
    /// A question for the model.
    Question,
}

/// First words that can start SQL typed at the question prompt.
/// Deliberately short: words people also start sentences with and that
/// rarely begin a hand-typed statement (`do`, `call`, `analyze`, `lock`,
/// `close`, `end`) are left out, so those lines stay questions.
const POSTGRES_KEYWORDS: &[&str] = &[
    "SELECT",
    "WITH",
    "TABLE",
    "VALUES",
    "INSERT",
    "UPDATE",
    "DELETE",
    "MERGE",
    "CREATE",
    "ALTER",
    "DROP",
    "TRUNCATE",
    "EXPLAIN",
    "SHOW",
    "SET",
    "RESET",
    "BEGIN",
    "START",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "GRANT",
    "REVOKE",
    "COMMENT",
    "COPY",
    "VACUUM",
    "DISCARD",
    "PREPARE",
    "EXECUTE",
    "DEALLOCATE",
    "LISTEN",
    "NOTIFY",
    "UNLISTEN",
    "REFRESH",
    "REINDEX",
];

/// SQLite's statements: no TABLE, SHOW or SET; PRAGMA and REPLACE instead.
const SQLITE_KEYWORDS: &[&str] = &[
    "SELECT",
    "WITH",
    "VALUES",
    "INSERT",
    "REPLACE",
    "UPDATE",
    "DELETE",
    "CREATE",
    "ALTER",
    "DROP",
    "EXPLAIN",
    "BEGIN",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "PRAGMA",
    "VACUUM",
    "REINDEX",
    "ATTACH",
    "DETACH",
];

/// MySQL and MariaDB statements (`SHOW`, `DESCRIBE`, `USE`, `HANDLER`…).
const MYSQL_KEYWORDS: &[&str] = &[
    "SELECT",
    "WITH",
    "TABLE",
    "VALUES",
    "INSERT",
    "REPLACE",
    "UPDATE",
    "DELETE",
    "CREATE",
    "ALTER",
    "DROP",
    "TRUNCATE",
    "RENAME",
    "EXPLAIN",
    "ANALYZE",
    "DESCRIBE",
    "DESC",
    "SHOW",
    "USE",
    "SET",
    "BEGIN",
    "START",
    "COMMIT",
    "ROLLBACK",
    "SAVEPOINT",
    "RELEASE",
    "LOCK",
    "UNLOCK",
    "GRANT",
    "REVOKE",
    "CALL",
    "DO",
    "HANDLER",
    "LOAD",
    "OPTIMIZE",
    "REPAIR",
    "CHECK",
    "CHECKSUM",
    "FLUSH",
    "KILL",
    "PREPARE",
    "EXECUTE",
    "DEALLOCATE",
];

/// The first words that can start SQL at the question prompt.
pub fn keywords(dialect: Dialect) -> &'static [&'static str] {
    match dialect {
        Dialect::Postgres => POSTGRES_KEYWORDS,
        Dialect::Sqlite => SQLITE_KEYWORDS,
        Dialect::Mysql => MYSQL_KEYWORDS,
    }
}

/// Plain words in a row that make a line without `;` a question.
const QUESTION_WORDS: usize = 4;

/// Decides how `text` (one line, or the first line of a statement) is taken.
pub fn detect(text: &str, dialect: Dialect) -> Typed {
    let scan = scan(text);
    let Some(first) = first_word(text) else {
        return Typed::Question;
    };
    if !keywords(dialect).contains(&first.to_ascii_uppercase().as_str()) {
        return Typed::Question;
    }
    let d = dialect.parser();
    if let Some(open) = scan.open_at {
        // A string, quoted name or comment still open: the statement goes
        // on if what comes before it could start one.
        let before = &text[..open];
        return if !apostrophe(before, scan.open)
            && prefix_of_sql(before, d.as_ref())
            && !reads_as_question(before, dialect, false)
        {
            Typed::Unfinished
        } else {
            Typed::Question
        };
    }
    let Ok(tokens) = Tokenizer::new(d.as_ref(), text).tokenize() else {
        return Typed::Question;
    };
    let significant: Vec<&Token> = tokens.iter().filter(|t| significant(t)).collect();
    let ends_with_semicolon = significant.last() == Some(&&Token::SemiColon);
    if reads_as_question(text, dialect, ends_with_semicolon) {
        return Typed::Question;
    }
    if ends_with_semicolon {
        return if classifier_reads(text, dialect) {
            Typed::Sql
        } else {
            Typed::Question
        };
    }
    if classifier_reads(text, dialect) || prefix_of_sql(text, d.as_ref()) {
        Typed::Unfinished
    } else {
        Typed::Question
    }
}

/// Whether the safety classifier can read every statement in `text`: it
/// parses, after the respellings the classifier applies (`TABLE name`).
fn classifier_reads(text: &str, dialect: Dialect) -> bool {
    safety::reads(text, dialect)
}

/// Whether a `'` left open right after a word is an apostrophe
/// (`customer's`) rather than a string: only `E'…'`, `B'…'`, `X'…'` and
/// `N'…'` put a string straight after letters.
fn apostrophe(before: &str, open: Option<Open>) -> bool {
    if open != Some(Open::Quote) {
        return false;
    }
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    !word.is_empty() && !matches!(word.to_ascii_lowercase().as_str(), "e" | "b" | "x" | "n")
}

/// Whether `text` parses, or would with more text after it: the parser's
/// only complaint is that the input ended.
fn prefix_of_sql(text: &str, dialect: &dyn SqlDialect) -> bool {
    match Parser::parse_sql(dialect, text) {
        Ok(_) => true,
        Err(error) => error.to_string().contains("found: EOF"),
    }
}

/// The question-shaped cases of the module rule.
fn reads_as_question(text: &str, dialect: Dialect, ends_with_semicolon: bool) -> bool {
    let d = dialect.parser();
    let Ok(tokens) = Tokenizer::new(d.as_ref(), text).tokenize() else {
        return false;
    };
    let mut significant: Vec<&Token> = tokens.iter().filter(|t| significant(t)).collect();
    while significant.last() == Some(&&Token::SemiColon) {
        significant.pop();
    }
    if text
        .trim_end()
        .trim_end_matches(';')
        .trim_end()
        .ends_with('?')
    {
        return true;
    }
    let plain = |token: &&Token| matches!(token, Token::Word(word) if word.quote_style.is_none());
    if dialect == Dialect::Postgres && is_word(significant.first(), "SHOW") {
        let rest: Vec<&Token> = significant[1..].to_vec();
        let words: Vec<String> = rest
            .iter()
            .filter_map(|t| match t {
                Token::Word(w) => Some(w.value.to_ascii_uppercase()),
                _ => None,
            })
            .collect();
        let several = rest.len() > 1 && rest.iter().all(plain);
        let known = matches!(
            words.join(" ").as_str(),
            "TIME ZONE" | "TRANSACTION ISOLATION LEVEL" | "SESSION AUTHORIZATION"
        );
        if several && !known {
            return true;
        }
    }
    !ends_with_semicolon && significant.len() >= QUESTION_WORDS && significant.iter().all(plain)
}

fn is_word(token: Option<&&Token>, keyword: &str) -> bool {
    matches!(token, Some(Token::Word(word)) if word.quote_style.is_none() && word.value.eq_ignore_ascii_case(keyword))
}

fn significant(token: &Token) -> bool {
    !matches!(token, Token::Whitespace(_) | Token::EOF)
}

/// The first word of `text` after whitespace, comments and opening
/// parentheses.
fn first_word(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut i = 0;
    loop {
        // `(select …) union (select …)` starts with its first keyword too.
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'(') {
            i += 1;
        }
        if b[i..].starts_with(b"--") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            let end = scan(&text[i..]);
            match end.comment_end {
                Some(len) => i += len,
                None => return None,
            }
        } else {
            break;
        }
    }
    let rest = &text[i..];
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    (len > 0).then(|| &rest[..len])
}

/// What a statement being typed is inside of, for psql's prompt character.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Open {
    /// `'…`: `'`
    Quote,
    /// `"…`: `"`
    Identifier,
    /// `$$…` or `$tag$…`: `$`
    Dollar,
    /// `/* …`: `*`
    Comment,
    /// An unclosed `(`: `(`
    Paren,
    /// Nothing: `-`
    Nothing,
}

impl Open {
    /// psql's character for it in the continuation prompt (`db'> `).
    pub fn mark(self) -> char {
        match self {
            Open::Quote => '\'',
            Open::Identifier => '"',
            Open::Dollar => '$',
            Open::Comment => '*',
            Open::Paren => '(',
            Open::Nothing => '-',
        }
    }
}

/// What the SQL typed so far leaves open.
pub fn open_at_end(text: &str) -> Open {
    let scan = scan(text);
    match scan.open {
        Some(open) => open,
        None if scan.depth > 0 => Open::Paren,
        None => Open::Nothing,
    }
}

struct Scan {
    /// The construct left open at the end, if any, and where it starts.
    open: Option<Open>,
    open_at: Option<usize>,
    /// Parentheses still open.
    depth: usize,
    /// For text starting with `/*`: the length of that comment.
    comment_end: Option<usize>,
}

/// A small lexer: strings (`'…'` with `''`, `E'…'` with backslash
/// escapes), quoted names, dollar quotes, `--` and nested `/* */`
/// comments, and parentheses outside all of them.
fn scan(text: &str) -> Scan {
    let b = text.as_bytes();
    let mut i = 0;
    let mut depth = 0usize;
    let mut comment_end = None;
    let open = |kind, at| Scan {
        open: Some(kind),
        open_at: Some(at),
        depth: 0,
        comment_end: None,
    };
    while i < b.len() {
        let start = i;
        match b[i] {
            b'-' if b[i..].starts_with(b"--") => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b[i..].starts_with(b"/*") => {
                let mut nesting = 0;
                loop {
                    if i >= b.len() {
                        return open(Open::Comment, start);
                    }
                    if b[i..].starts_with(b"/*") {
                        nesting += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        nesting -= 1;
                        i += 2;
                        if nesting == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                if start == 0 {
                    comment_end = Some(i);
                }
            }
            b'\'' => {
                let escapes = start > 0
                    && matches!(b[start - 1], b'e' | b'E')
                    && (start < 2
                        || !(b[start - 2].is_ascii_alphanumeric() || b[start - 2] == b'_'));
                match past_quoted(b, i, b'\'', escapes) {
                    Some(end) => i = end,
                    None => return open(Open::Quote, start),
                }
            }
            b'"' => match past_quoted(b, i, b'"', false) {
                Some(end) => i = end,
                None => return open(Open::Identifier, start),
            },
            b'$' if dollar_tag(&text[i..]).is_some() => {
                let tag = dollar_tag(&text[i..]).unwrap_or("$$");
                match text[i + tag.len()..].find(tag) {
                    Some(at) => i += tag.len() + at + tag.len(),
                    None => return open(Open::Dollar, start),
                }
            }
            b'(' => {
                depth += 1;
                i += 1;
            }
            b')' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' => {
                // Skip a whole word, so `a$1$` is not read as a dollar quote.
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    Scan {
        open: None,
        open_at: None,
        depth,
        comment_end,
    }
}

/// `$$` or `$tag$` at the start of `text`.
fn dollar_tag(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('$')?;
    let len = rest.find('$')?;
    let tag = &rest[..len];
    let valid = tag.is_empty()
        || (tag
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && tag.chars().all(|c| c.is_alphanumeric() || c == '_'));
    valid.then(|| &text[..len + 2])
}

/// The index just past the string or quoted name that opens at `b[start]`
/// with `quote` (a doubled quote stands for itself; with `backslash`, as in
/// `E'…'`, a backslash escapes the next byte); `None` while it is still open.
fn past_quoted(b: &[u8], start: usize, quote: u8, backslash: bool) -> Option<usize> {
    let mut i = start + 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
        } else if b[i] == quote {
            if b.get(i + 1) != Some(&quote) {
                return Some(i + 1);
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks every case, then names all those that went the wrong way.
    fn expect_all(texts: &[&str], dialect: Dialect, expected: Typed) {
        let wrong: Vec<String> = texts
            .iter()
            .map(|text| (text, detect(text, dialect)))
            .filter(|(_, got)| *got != expected)
            .map(|(text, got)| format!("{text:?} -> {got:?}"))
            .collect();
        assert!(
            wrong.is_empty(),
            "expected {expected:?}:\n{}",
            wrong.join("\n")
        );
    }

    const QUESTIONS: &[&str] = &[
        "show me the top customers",
        "explain why sales dropped",
        "select the best customers for a promo",
        "delete nothing, just tell me how many orders failed",
        "with whom did customer 5 place orders?",
        "update me on revenue this week",
        "create a list of products under $5",
        "table of orders by month",
        "values of the status column?",
        "how many films are there",
        "which customers spent the most last month?",
        "select all customers from Paris",
        "show me sales by region",
        "drop me a summary of yesterday's orders",
        "insert a short summary of revenue here",
        "begin by listing the tables",
        "set up a report of late orders",
        "commit to a number: how many rentals in 2005?",
        "explain the orders table",
        "show the customer's last order",
        "what does select * from film return?",
        "copy the top 10 films into a list",
        "grant me a summary of the payments",
        "do we have customers in Berlin?",
        "do it",
        "call it",
        "rollback happened yesterday, which orders were lost?",
        "call it: which store sells more",
        "with the 2005 data, what was the best month",
        "select the customer's orders",
        "update Ada's address",
        "",
        "   ",
    ];

    const STATEMENTS: &[&str] = &[
        "select count(*) from t;",
        "SELECT count(*) FROM film;",
        "select 1;",
        "TABLE film;",
        "table film;",
        "show search_path;",
        "SHOW TIME ZONE;",
        "show transaction isolation level;",
        "values (1), (2);",
        "with x as (select 1) select * from x;",
        "insert into t values (1, 'a');",
        "update t set a = 1 where id = 2;",
        "delete from t where id = 3;",
        "create table t2 (id int);",
        "drop table t2;",
        "alter table t add column b text;",
        "explain select * from film;",
        "begin;",
        "commit;",
        "rollback;",
        "set search_path = public;",
        "select 1; select 2;",
        "-- a comment first\nselect 1;",
        "/* a block */ select 1;",
        "select 1;  -- and a trailing comment",
        "select name from customers where name = 'what?';",
        "  select\n    name\n  from customers;",
        "(select 1) union (select 2);",
        "Select Name From Customers Where Id = 1;",
    ];

    #[test]
    fn questions_stay_questions() {
        assert!(QUESTIONS.len() >= 20);
        expect_all(QUESTIONS, Dialect::Postgres, Typed::Question);
    }

    #[test]
    fn statements_are_sql() {
        assert!(STATEMENTS.len() >= 20);
        expect_all(STATEMENTS, Dialect::Postgres, Typed::Sql);
    }

    #[test]
    fn the_start_of_a_statement_waits_for_its_semicolon() {
        let starts = &[
            "select",
            "select *",
            "select count(*) from film",
            "select id, name",
            "SELECT id,",
            "select * from film where title = 'it''s",
            "select E'it\\'s",
            "select \"odd",
            "create function f() returns int as $$",
            "select 1 /* still",
            "select (1 +",
            "with recent as (",
            "begin",
            "show search_path",
            "table film",
            "insert into t",
        ];
        expect_all(starts, Dialect::Postgres, Typed::Unfinished);
    }

    #[test]
    fn sqlite_has_its_own_words() {
        let lite = Dialect::Sqlite;
        assert_eq!(detect("pragma table_info(t);", lite), Typed::Sql);
        assert_eq!(detect("select count(*) from t;", lite), Typed::Sql);
        assert_eq!(detect("show tables;", lite), Typed::Question);
        assert_eq!(detect("table t;", lite), Typed::Question);
        assert_eq!(detect("show me the top customers", lite), Typed::Question);
    }

    #[test]
    fn continuation_marks_follow_psql() {
        assert_eq!(open_at_end("select 1"), Open::Nothing);
        assert_eq!(open_at_end("select 'a"), Open::Quote);
        assert_eq!(open_at_end("select 'a''b"), Open::Quote);
        assert_eq!(open_at_end("select 'a''b'"), Open::Nothing);
        assert_eq!(open_at_end("select E'a\\'"), Open::Quote);
        assert_eq!(open_at_end("select \"a"), Open::Identifier);
        assert_eq!(open_at_end("select $f$ a"), Open::Dollar);
        assert_eq!(open_at_end("select $f$ a $f$"), Open::Nothing);
        assert_eq!(open_at_end("select /* a /* b */"), Open::Comment);
        assert_eq!(open_at_end("select (1, (2"), Open::Paren);
        assert_eq!(open_at_end("select (1) -- ("), Open::Nothing);
        assert_eq!(open_at_end("select $1"), Open::Nothing);
        assert_eq!(Open::Paren.mark(), '(');
    }
}
