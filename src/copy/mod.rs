//! `\copy`, with psql's syntax: a table or a query written to a file (or
//! stdout), or a file's rows loaded into a table. The file is on the
//! client; the server never opens it.
//!
//! `to`: `SELECT … FROM TABLE` or the query runs only when the classifier
//! calls it `read_only`, inside the server guard, and the file is written
//! through [`crate::export::write_file`] (a temporary file renamed into place; an
//! existing file is never replaced). `from`: the whole file is read (at
//! most [`run::MAX_FILE`]) and parsed first, so a bad line stops everything
//! before anything is sent; the rows then go in as one statement
//! (PostgreSQL `COPY … FROM STDIN`) or one transaction of prepared INSERTs
//! (SQLite), which the safety gate judges like any write.
//!
//! Formats: `csv` (RFC 4180 quoting, NULL as an unquoted empty field by
//! default) and psql's default `text` (tab-separated, `\N` for NULL,
//! backslash escapes); options `header`, `delimiter 'c'`, `null 'text'`.
//! `binary` is not supported.
//!
//! This module reads the `\copy` line; [`format`] reads and writes the
//! files, and [`run`] runs a copy against the session, returning what
//! happened for the REPL to report.

mod format;
mod run;

use crate::db::Dialect;

pub use run::{Copied, prepare_load, unload};

/// A parsed `\copy` command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopySpec {
    pub source: Source,
    /// True for `from` (load into the table), false for `to`.
    pub from: bool,
    pub endpoint: Endpoint,
    pub options: Options,
}

/// What is copied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A table (as written, quotes kept) and its columns, if listed.
    Table { name: String, columns: Vec<String> },
    /// `(QUERY)`: the text between the parentheses.
    Query(String),
}

/// Where rows go or come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    File(String),
    Stdout,
    Stdin,
}

/// The data format.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub csv: bool,
    pub header: bool,
    pub delimiter: char,
    pub null: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            csv: false,
            header: false,
            delimiter: '\t',
            null: "\\N".to_string(),
        }
    }
}

const USAGE: &str = "\\copy TABLE [(COLUMNS)] to|from FILE [with] [(format csv, header, delimiter ',', null '')], or \\copy (QUERY) to FILE …";

/// One word of a `\copy` line.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// A bare word or a double-quoted identifier, as written.
    Word(String),
    /// A single-quoted string, unquoted.
    Quoted(String),
    /// `(QUERY)` or `(a, b)`: the text inside balanced parentheses.
    Group(String),
    Comma,
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == ',' {
            tokens.push(Token::Comma);
            i += 1;
        } else if c == '\'' {
            let mut value = String::new();
            i += 1;
            loop {
                match chars.get(i) {
                    None => return Err("\\copy: a quoted string is not closed".into()),
                    Some('\'') if chars.get(i + 1) == Some(&'\'') => {
                        value.push('\'');
                        i += 2;
                    }
                    Some('\'') => {
                        i += 1;
                        break;
                    }
                    Some(&other) => {
                        value.push(other);
                        i += 1;
                    }
                }
            }
            tokens.push(Token::Quoted(value));
        } else if c == '(' {
            let start = i + 1;
            let mut depth = 0;
            let mut quote: Option<char> = None;
            loop {
                let Some(&ch) = chars.get(i) else {
                    return Err("\\copy: a parenthesis is not closed".into());
                };
                match (quote, ch) {
                    (Some(q), ch) if ch == q => quote = None,
                    (Some(_), _) => {}
                    (None, '\'' | '"') => quote = Some(ch),
                    (None, '(') => depth += 1,
                    (None, ')') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            tokens.push(Token::Group(chars[start..i].iter().collect()));
            i += 1;
        } else {
            let mut word = String::new();
            let mut quoted = false;
            while let Some(&ch) = chars.get(i) {
                if ch == '"' {
                    quoted = !quoted;
                } else if !quoted && (ch.is_whitespace() || ch == ',' || ch == '(' || ch == '\'') {
                    break;
                }
                word.push(ch);
                i += 1;
            }
            if quoted {
                return Err("\\copy: a double-quoted name is not closed".into());
            }
            tokens.push(Token::Word(word));
        }
    }
    Ok(tokens)
}

/// Whether `text` is a name glance may put into SQL as it is: dotted parts,
/// each a plain identifier or a double-quoted one.
fn is_name(text: &str) -> bool {
    let mut rest = text;
    let mut parts = 0;
    loop {
        parts += 1;
        if let Some(inner) = rest.strip_prefix('"') {
            // A quoted part: up to a lone `"`.
            let mut end = None;
            let bytes = inner.as_bytes();
            let mut k = 0;
            while k < bytes.len() {
                if bytes[k] == b'"' {
                    if bytes.get(k + 1) == Some(&b'"') {
                        k += 2;
                        continue;
                    }
                    end = Some(k);
                    break;
                }
                k += 1;
            }
            let Some(end) = end else { return false };
            if end == 0 {
                return false;
            }
            rest = &inner[end + 1..];
        } else {
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .unwrap_or(rest.len());
            let part = &rest[..len];
            if part.is_empty() || part.starts_with(|c: char| c.is_ascii_digit() || c == '$') {
                return false;
            }
            rest = &rest[len..];
        }
        match rest.strip_prefix('.') {
            Some(next) if parts < 3 => rest = next,
            Some(_) => return false,
            None => return rest.is_empty(),
        }
    }
}

/// Parses what follows `\copy`.
pub fn parse(text: &str) -> Result<CopySpec, String> {
    let tokens = tokenize(text)?;
    let mut at;
    let usage = || format!("usage: {USAGE}");
    let source = match tokens.first() {
        Some(Token::Group(query)) => {
            at = 1;
            if query.trim().is_empty() {
                return Err(format!(
                    "\\copy: the query in parentheses is empty; {}",
                    usage()
                ));
            }
            Source::Query(query.trim().to_string())
        }
        Some(Token::Word(name)) if !name.eq_ignore_ascii_case("to") => {
            if !is_name(name) {
                return Err(format!("\\copy: `{name}` is not a table name"));
            }
            at = 1;
            let mut columns = Vec::new();
            if let Some(Token::Group(list)) = tokens.get(1) {
                at = 2;
                for column in list.split(',').map(str::trim) {
                    if !is_name(column) || column.contains('.') {
                        return Err(format!("\\copy: `{column}` is not a column name"));
                    }
                    columns.push(column.to_string());
                }
            }
            Source::Table {
                name: name.clone(),
                columns,
            }
        }
        _ => return Err(format!("\\copy needs a table or a (query); {}", usage())),
    };
    let from = match tokens.get(at) {
        Some(Token::Word(w)) if w.eq_ignore_ascii_case("to") => false,
        Some(Token::Word(w)) if w.eq_ignore_ascii_case("from") => true,
        _ => return Err(format!("\\copy: expected `to` or `from`; {}", usage())),
    };
    at += 1;
    let endpoint = match tokens.get(at) {
        Some(Token::Quoted(file)) if !file.is_empty() => Endpoint::File(file.clone()),
        Some(Token::Word(w)) if ["stdout", "pstdout"].contains(&w.to_lowercase().as_str()) => {
            Endpoint::Stdout
        }
        Some(Token::Word(w)) if ["stdin", "pstdin"].contains(&w.to_lowercase().as_str()) => {
            Endpoint::Stdin
        }
        Some(Token::Word(w)) if w.eq_ignore_ascii_case("program") => {
            return Err("\\copy … program is not supported: glance runs no shell commands".into());
        }
        Some(Token::Word(file)) => Endpoint::File(file.clone()),
        _ => return Err(format!("\\copy needs a file name; {}", usage())),
    };
    at += 1;
    if matches!(&source, Source::Query(_)) && from {
        return Err("\\copy (QUERY) only goes to a file; to load rows, name a table".into());
    }
    let mut options = Options::default();
    let mut rest: Vec<Token> = tokens[at..].to_vec();
    if matches!(rest.first(), Some(Token::Word(w)) if w.eq_ignore_ascii_case("with")) {
        rest.remove(0);
    }
    if let [Token::Group(list)] = rest.as_slice() {
        rest = tokenize(list)?;
    } else if rest.iter().any(|t| matches!(t, Token::Group(_))) {
        return Err(format!("\\copy: unexpected parentheses; {}", usage()));
    }
    parse_options(&rest, &mut options)?;
    Ok(CopySpec {
        source,
        from,
        endpoint,
        options,
    })
}

fn parse_options(tokens: &[Token], options: &mut Options) -> Result<(), String> {
    let mut null_given = false;
    let mut delimiter_given = false;
    let mut i = 0;
    let word = |t: Option<&Token>| match t {
        Some(Token::Word(w)) => Some(w.to_lowercase()),
        _ => None,
    };
    while i < tokens.len() {
        if tokens[i] == Token::Comma {
            i += 1;
            continue;
        }
        let Some(name) = word(tokens.get(i)) else {
            return Err(format!("\\copy: unexpected {:?} in the options", tokens[i]));
        };
        i += 1;
        // `delimiter as ','`, `null as ''`
        if word(tokens.get(i)).as_deref() == Some("as") {
            i += 1;
        }
        let mut value = || -> Option<String> {
            let v = match tokens.get(i) {
                Some(Token::Quoted(v)) | Some(Token::Word(v)) => Some(v.clone()),
                _ => None,
            };
            if v.is_some() {
                i += 1;
            }
            v
        };
        match name.as_str() {
            "csv" => options.csv = true,
            "text" => options.csv = false,
            "binary" => return Err("\\copy: the binary format is not supported".into()),
            "format" => match value().map(|v| v.to_lowercase()).as_deref() {
                Some("csv") => options.csv = true,
                Some("text") => options.csv = false,
                Some("binary") => {
                    return Err("\\copy: the binary format is not supported".into());
                }
                other => {
                    return Err(format!(
                        "\\copy: unknown format {}; use csv or text",
                        other.unwrap_or("(none)")
                    ));
                }
            },
            "header" => {
                options.header = match word(tokens.get(i)).as_deref() {
                    Some("true" | "on" | "1") => {
                        i += 1;
                        true
                    }
                    Some("false" | "off" | "0") => {
                        i += 1;
                        false
                    }
                    _ => true,
                }
            }
            "delimiter" => {
                let v = value().unwrap_or_default();
                let mut chars = v.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if c != '\n' && c != '\r' && c != '"' => {
                        options.delimiter = c;
                        delimiter_given = true;
                    }
                    _ => {
                        return Err(format!(
                            "\\copy: the delimiter must be one character, e.g. delimiter ';' (got `{v}`)"
                        ));
                    }
                }
            }
            "null" => match tokens.get(i) {
                Some(Token::Quoted(v)) => {
                    options.null = v.clone();
                    null_given = true;
                    i += 1;
                }
                _ => return Err("\\copy: null takes a quoted string, e.g. null ''".into()),
            },
            other => {
                return Err(format!(
                    "\\copy: unknown option `{other}`; glance takes format, csv, text, header, delimiter and null"
                ));
            }
        }
    }
    if options.csv {
        if !delimiter_given {
            options.delimiter = ',';
        }
        if !null_given {
            options.null = String::new();
        }
    }
    Ok(())
}

impl CopySpec {
    /// The query whose rows `to` writes.
    pub fn query(&self) -> String {
        match &self.source {
            Source::Query(query) => query.clone(),
            Source::Table { name, columns } if columns.is_empty() => {
                format!("SELECT * FROM {name}")
            }
            Source::Table { name, columns } => {
                format!("SELECT {} FROM {name}", columns.join(", "))
            }
        }
    }

    /// The statement that loads rows (`from`): PostgreSQL's `COPY … FROM
    /// STDIN` in CSV, or SQLite's INSERT with `fields` placeholders.
    pub fn load_statement(&self, dialect: Dialect, fields: usize) -> String {
        let Source::Table { name, columns } = &self.source else {
            return String::new();
        };
        let list = if columns.is_empty() {
            String::new()
        } else {
            format!(" ({})", columns.join(", "))
        };
        match dialect {
            Dialect::Postgres => format!("COPY {name}{list} FROM STDIN WITH (FORMAT csv)"),
            Dialect::Sqlite | Dialect::Mysql => format!(
                "INSERT INTO {name}{list} VALUES ({})",
                vec!["?"; fields.max(1)].join(", ")
            ),
        }
    }

    /// The table, for messages.
    pub fn table(&self) -> &str {
        match &self.source {
            Source::Table { name, .. } => name,
            Source::Query(_) => "the query",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_psql_forms() {
        let spec = parse("items to 'out.csv' csv header").unwrap();
        assert_eq!(
            spec.source,
            Source::Table {
                name: "items".into(),
                columns: vec![]
            }
        );
        assert!(!spec.from);
        assert_eq!(spec.endpoint, Endpoint::File("out.csv".into()));
        assert!(spec.options.csv && spec.options.header);
        assert_eq!(spec.options.delimiter, ',');

        let spec = parse(
            "public.items (id, \"Name\") from data.txt with (format csv, header, delimiter ';', null 'NULL')",
        )
        .unwrap();
        assert!(spec.from);
        assert_eq!(
            spec.source,
            Source::Table {
                name: "public.items".into(),
                columns: vec!["id".into(), "\"Name\"".into()]
            }
        );
        assert_eq!(spec.options.delimiter, ';');
        assert_eq!(spec.options.null, "NULL");

        let spec = parse("(select 1, ')') to stdout").unwrap();
        assert_eq!(spec.source, Source::Query("select 1, ')'".into()));
        assert_eq!(spec.endpoint, Endpoint::Stdout);
        assert!(!spec.options.csv);
        assert_eq!(spec.options.null, "\\N");
    }

    #[test]
    fn refuses_what_it_cannot_do_safely() {
        assert!(parse("items; drop table x to 'f'").is_err());
        assert!(parse("items (a; b) to 'f'").is_err());
        assert!(parse("(select 1) from 'f'").is_err());
        assert!(parse("items to program 'ls'").is_err());
        assert!(parse("items to 'f' binary").is_err());
        assert!(parse("items").is_err());
        assert!(parse("items to 'f' unknown").is_err());
        assert!(is_name("\"a b\".\"c\"\"d\""));
        assert!(!is_name("\"a\" b"));
        assert!(!is_name("a.b.c.d"));
    }
}
