//! `\copy`, with psql's syntax: a table or a query written to a file (or
//! stdout), or a file's rows loaded into a table. The file is on the
//! client; the server never opens it.
//!
//! `to`: `SELECT … FROM TABLE` or the query runs only when the classifier
//! calls it `read_only`, inside the server guard, and the file is written
//! through [`export::write_file`] (a temporary file renamed into place; an
//! existing file is never replaced). `from`: the whole file is read (at
//! most [`MAX_FILE`]) and parsed first, so a bad line stops everything
//! before anything is sent; the rows then go in as one statement
//! (PostgreSQL `COPY … FROM STDIN`) or one transaction of prepared INSERTs
//! (SQLite), which the safety gate judges like any write.
//!
//! Formats: `csv` (RFC 4180 quoting, NULL as an unquoted empty field by
//! default) and psql's default `text` (tab-separated, `\N` for NULL,
//! backslash escapes); options `header`, `delimiter 'c'`, `null 'text'`.
//! `binary` is not supported.

use std::fs::File;
use std::io::{self, BufWriter, Write};

use crate::db::{self, Column, Dialect, Row, RowFlow, RowSink, Value};
use crate::export::{self, Failed};
use crate::files;
use crate::report;
use crate::safety::Level;
use crate::session::{Confirm, Loaded, Session};

/// The largest file `\copy … from` reads.
pub const MAX_FILE: u64 = 256 * 1024 * 1024;

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
            Dialect::Sqlite => format!(
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

/// The rows read from a file: each with the line it starts on.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Records {
    pub lines: Vec<usize>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// Parses a whole file. An error names the line.
pub fn read_records(
    text: &str,
    options: &Options,
    expected: Option<usize>,
) -> Result<Records, String> {
    let mut records = Records::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut line = 1;
    let mut chars = text.chars().peekable();
    let mut first = true;
    while chars.peek().is_some() {
        let start = line;
        let row = if options.csv {
            csv_record(&mut chars, options, &mut line)?
        } else {
            text_record(&mut chars, options, &mut line)?
        };
        if first && options.header {
            first = false;
            continue;
        }
        first = false;
        if options.csv && row.len() == 1 && row[0].as_deref() == Some("\\.") {
            break;
        }
        if !options.csv && row.len() == 1 && row[0].as_deref() == Some("\\.") {
            break;
        }
        let want = expected.or_else(|| records.rows.first().map(Vec::len));
        if let Some(want) = want
            && row.len() != want
        {
            return Err(format!(
                "line {start}: {} field{}, expected {want}",
                row.len(),
                if row.len() == 1 { "" } else { "s" }
            ));
        }
        records.lines.push(start);
        records.rows.push(row);
    }
    Ok(records)
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// One CSV record; `line` advances past it.
fn csv_record(
    chars: &mut Chars,
    options: &Options,
    line: &mut usize,
) -> Result<Vec<Option<String>>, String> {
    let start = *line;
    let mut row = Vec::new();
    loop {
        let mut field = String::new();
        let mut quoted = false;
        if chars.peek() == Some(&'"') {
            chars.next();
            quoted = true;
            loop {
                match chars.next() {
                    None => {
                        return Err(format!(
                            "line {start}: a quoted field is not closed before the end of the file"
                        ));
                    }
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => {
                        if c == '\n' {
                            *line += 1;
                        }
                        field.push(c);
                    }
                }
            }
        }
        loop {
            match chars.peek().copied() {
                None | Some('\n') => break,
                Some('\r') => {
                    chars.next();
                    if chars.peek() == Some(&'\n') {
                        break;
                    }
                    return Err(format!("line {}: a carriage return inside a field", *line));
                }
                Some(c) if c == options.delimiter => break,
                Some('"') => {
                    return Err(format!(
                        "line {}: a quote inside a field that is not quoted",
                        *line
                    ));
                }
                Some(c) if quoted => {
                    return Err(format!(
                        "line {}: `{c}` after a closing quote, expected `{}` or the end of the line",
                        *line, options.delimiter
                    ));
                }
                Some(c) => {
                    chars.next();
                    field.push(c);
                }
            }
        }
        row.push((quoted || field != options.null).then_some(field));
        match chars.next() {
            Some(c) if c == options.delimiter => {}
            Some('\n') => {
                *line += 1;
                return Ok(row);
            }
            _ => return Ok(row),
        }
    }
}

/// One line of psql's text format; `line` advances past it.
fn text_record(
    chars: &mut Chars,
    options: &Options,
    line: &mut usize,
) -> Result<Vec<Option<String>>, String> {
    let mut raw = String::new();
    for c in chars.by_ref() {
        if c == '\n' {
            break;
        }
        raw.push(c);
    }
    let here = *line;
    *line += 1;
    let raw = raw.strip_suffix('\r').unwrap_or(&raw);
    let mut row = Vec::new();
    for field in raw.split(options.delimiter) {
        if field == options.null {
            row.push(None);
            continue;
        }
        let mut value = String::new();
        let mut it = field.chars();
        while let Some(c) = it.next() {
            if c != '\\' {
                value.push(c);
                continue;
            }
            match it.next() {
                Some('n') => value.push('\n'),
                Some('r') => value.push('\r'),
                Some('t') => value.push('\t'),
                Some('b') => value.push('\u{8}'),
                Some('f') => value.push('\u{c}'),
                Some('v') => value.push('\u{b}'),
                Some(other) => value.push(other),
                None => return Err(format!("line {here}: a backslash at the end of the line")),
            }
        }
        row.push(Some(value));
    }
    Ok(row)
}

/// The text of a value as `COPY … TO` writes it (booleans `t`/`f`, bytes
/// as `\x` hex); `None` for NULL.
fn value_text(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => (if *b { "t" } else { "f" }).to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.is_nan() => "NaN".to_string(),
        Value::Float(f) if f.is_infinite() => {
            (if *f > 0.0 { "Infinity" } else { "-Infinity" }).to_string()
        }
        Value::Float(f) => f.to_string(),
        Value::Numeric(s) | Value::Text(s) | Value::Json(s) => s.clone(),
        Value::Bytes(bytes) => {
            let mut text = String::from("\\x");
            for b in bytes {
                text.push_str(&format!("{b:02x}"));
            }
            text
        }
    })
}

/// Writes rows in the chosen format, keeping the first write error.
pub struct Writer<W: Write> {
    out: W,
    options: Options,
    pub rows: u64,
    pub bytes: u64,
    pub error: Option<io::Error>,
}

impl<W: Write> Writer<W> {
    pub fn new(out: W, options: &Options) -> Self {
        Writer {
            out,
            options: options.clone(),
            rows: 0,
            bytes: 0,
            error: None,
        }
    }

    fn field(&self, value: Option<&str>) -> String {
        let Some(value) = value else {
            return self.options.null.clone();
        };
        if self.options.csv {
            let d = self.options.delimiter;
            let quote = value.is_empty()
                || value == self.options.null
                || value.contains([d, '"', '\n', '\r']);
            if quote {
                format!("\"{}\"", value.replace('"', "\"\""))
            } else {
                value.to_string()
            }
        } else {
            let mut text = String::with_capacity(value.len());
            for c in value.chars() {
                match c {
                    '\\' => text.push_str("\\\\"),
                    '\n' => text.push_str("\\n"),
                    '\r' => text.push_str("\\r"),
                    '\t' => text.push_str("\\t"),
                    c if c == self.options.delimiter => {
                        text.push('\\');
                        text.push(c);
                    }
                    c => text.push(c),
                }
            }
            text
        }
    }

    fn line(&mut self, fields: Vec<String>) -> RowFlow {
        let mut line = fields.join(&self.options.delimiter.to_string());
        line.push('\n');
        match self.out.write_all(line.as_bytes()) {
            Ok(()) => {
                self.bytes += line.len() as u64;
                RowFlow::Continue
            }
            Err(error) => {
                self.error.get_or_insert(error);
                RowFlow::Stop
            }
        }
    }

    pub fn finish(mut self) -> Result<(u64, u64), io::Error> {
        if let Some(error) = self.error.take() {
            return Err(error);
        }
        self.out.flush()?;
        Ok((self.rows, self.bytes))
    }
}

impl<W: Write> RowSink for Writer<W> {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        if !self.options.header {
            return RowFlow::Continue;
        }
        let names = columns.iter().map(|c| self.field(Some(&c.name))).collect();
        self.line(names)
    }

    fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
        for row in rows {
            let fields = row
                .iter()
                .map(|v| self.field(value_text(v).as_deref()))
                .collect();
            if self.line(fields) == RowFlow::Stop {
                return RowFlow::Stop;
            }
            self.rows += 1;
        }
        RowFlow::Continue
    }
}

/// `\copy … to FILE`: runs `query` (read-only, guarded) through `run` into
/// a new file; returns the rows written.
pub fn write_to_file(
    file: &str,
    options: &Options,
    run: impl FnOnce(&mut dyn RowSink) -> Result<(), db::Error>,
) -> Result<u64, export::Error> {
    let (_, (rows, _)) = export::write_file(file, false, |handle: &File| {
        let mut writer = Writer::new(BufWriter::new(handle), options);
        let ran = run(&mut writer);
        let finished = writer.finish();
        match (ran, finished) {
            (_, Err(error)) => Err(Failed::Output(error)),
            (Err(error), _) => Err(Failed::Database(error)),
            (Ok(()), Ok(counts)) => Ok(counts),
        }
    })?;
    Ok(rows)
}

/// Runs a `\copy` and says what happened: `COPY N` on stdout like
/// psql, errors on stderr. `confirm` answers for loads (`from`).
/// `place` (`file:line: ` inside `\i`) goes before errors.
pub fn run(session: &mut Session, spec: &CopySpec, place: &str, confirm: Confirm) {
    let failure = if spec.from {
        load(session, spec, confirm)
    } else {
        unload(session, spec)
    };
    if let Some(text) = failure {
        eprint!("{place}{text}");
    }
}

fn fail(message: &str, hint: Option<&str>) -> Option<String> {
    Some(report::error_line(message, hint))
}

/// `to`: the query's rows into a new file, or stdout.
fn unload(session: &mut Session, spec: &CopySpec) -> Option<String> {
    let query = spec.query();
    let verdict = session.classify(&query);
    if verdict.level != Level::ReadOnly || verdict.statements != 1 {
        return fail(
            &format!(
                "\\copy … to: the query is {} ({}); \\copy writes out only what one read-only query returns",
                verdict.level.as_str(),
                verdict.reasons.join("; ")
            ),
            Some("run the statement itself first, then \\copy (SELECT …) to FILE"),
        );
    }
    let copied = match &spec.endpoint {
        Endpoint::Stdin => return fail("\\copy … to stdin: rows go to stdout or a file", None),
        Endpoint::Stdout => {
            let stdout = io::stdout();
            let mut writer = Writer::new(BufWriter::new(stdout.lock()), &spec.options);
            let ran = session.rerun(&query, &mut writer);
            match (ran, writer.finish()) {
                (Err(error), _) => Err(export::Error::Database(error)),
                (_, Err(source)) => Err(export::Error::Write {
                    path: "stdout".into(),
                    source,
                }),
                (Ok(_), Ok((rows, _))) => Ok(rows),
            }
        }
        Endpoint::File(file) => write_to_file(file, &spec.options, |sink| {
            session.rerun(&query, sink).map(|_| ())
        }),
    };
    match copied {
        Ok(rows) => {
            println!("COPY {rows}");
            None
        }
        Err(export::Error::Exists(path)) => fail(
            &format!("\\copy: {} already exists", path.display()),
            Some("\\copy never replaces a file: remove it first, or choose another name"),
        ),
        Err(export::Error::Database(error)) => {
            let mut text = report::db_error(&error, Some(&query));
            if let Endpoint::File(file) = &spec.endpoint {
                text.push_str(&format!("Nothing was written to {file}.\n"));
            }
            Some(text)
        }
        Err(error) => fail(&format!("\\copy: {error}"), error.hint()),
    }
}

/// `from`: the file's rows into the table, all or nothing.
fn load(session: &mut Session, spec: &CopySpec, confirm: Confirm) -> Option<String> {
    let file = match &spec.endpoint {
        Endpoint::File(file) => file,
        Endpoint::Stdin => {
            return fail(
                "\\copy … from stdin is not supported",
                Some("save the rows in a file and give its name"),
            );
        }
        Endpoint::Stdout => return fail("\\copy … from stdout: rows come from a file", None),
    };
    let path = export::expand_home(file);
    let text = match files::read_text_capped(&path, MAX_FILE) {
        Ok(text) => text,
        Err(error) => return fail(&format!("\\copy: cannot read {file}: {error}"), None),
    };
    let expected = match &spec.source {
        Source::Table { columns, .. } if !columns.is_empty() => Some(columns.len()),
        _ => None,
    };
    let records = match read_records(&text, &spec.options, expected) {
        Ok(records) => records,
        Err(error) => {
            return fail(
                &format!("\\copy: {file} {error}"),
                Some("nothing was loaded; fix that line and run \\copy again"),
            );
        }
    };
    let fields = records.rows.first().map_or(0, Vec::len);
    let sql = spec.load_statement(session.info().dialect, fields);
    let count = records.rows.len();
    println!(
        "{count} row{} from {file} to load into {}.",
        if count == 1 { "" } else { "s" },
        spec.table()
    );
    match session.load(&sql, &records.rows, confirm) {
        Loaded::Ran(count) => {
            println!("COPY {count}");
            None
        }
        Loaded::Declined => {
            println!("Not run.");
            None
        }
        Loaded::Refused => fail(
            "not run: \\copy … from writes, which needs a confirmation, and input is not a terminal",
            Some("start glance with --yes to load files from a script"),
        ),
        Loaded::Forbidden(verdict) => fail(&session.read_only_refusal(&verdict), None),
        Loaded::Failed(row, error) => {
            let place = row
                .and_then(|row| records.lines.get(row))
                .map(|line| format!("{file} line {line}: "))
                .unwrap_or_default();
            fail(
                &format!("\\copy: {place}{error}"),
                Some("nothing was loaded"),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv() -> Options {
        let mut options = Options::default();
        parse_options(&[Token::Word("csv".into())], &mut options).unwrap();
        options
    }

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

    #[test]
    fn reads_csv_with_quotes_nulls_and_line_numbers() {
        let text = "id,name\n1,\"a, \"\"b\"\"\"\n2,\n3,\"\"\n4,\"two\nlines\"\n5,x\n";
        let mut options = csv();
        options.header = true;
        let records = read_records(text, &options, None).unwrap();
        assert_eq!(records.lines, vec![2, 3, 4, 5, 7]);
        assert_eq!(records.rows[0][1].as_deref(), Some("a, \"b\""));
        assert_eq!(records.rows[1][1], None);
        assert_eq!(records.rows[2][1].as_deref(), Some(""));
        assert_eq!(records.rows[3][1].as_deref(), Some("two\nlines"));

        let bad = "1,a\n2,b\n3,c,extra\n";
        let error = read_records(bad, &csv(), None).unwrap_err();
        assert!(error.starts_with("line 3:"), "{error}");
        let open = "1,a\n2,\"b\n";
        let error = read_records(open, &csv(), None).unwrap_err();
        assert!(error.starts_with("line 2:"), "{error}");
    }

    #[test]
    fn text_format_round_trips() {
        let options = Options::default();
        let mut writer = Writer::new(Vec::new(), &options);
        let _ = writer.rows(vec![vec![
            Value::Text("a\tb\\c\nd".into()),
            Value::Null,
            Value::Bool(true),
        ]]);
        let out = String::from_utf8(writer.out.clone()).unwrap();
        assert_eq!(out, "a\\tb\\\\c\\nd\t\\N\tt\n");
        let records = read_records(&out, &options, None).unwrap();
        assert_eq!(
            records.rows,
            vec![vec![Some("a\tb\\c\nd".into()), None, Some("t".into())]]
        );
    }
}
