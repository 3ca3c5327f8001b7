//! The two file formats of `\copy`, both ways: `csv` (RFC 4180 quoting)
//! and psql's `text` (tab-separated, `\N` for NULL, backslash escapes).
//! A file is parsed whole, so a bad line is found before anything is sent.

use std::io::{self, Write};

use super::Options;
use crate::db::{Column, Row, RowFlow, RowSink, Value};
use crate::numbers::counted;

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
                "line {start}: {}, expected {want}",
                counted(row.len() as u64, "field", "fields")
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::copy::parse;

    fn csv() -> Options {
        parse("t to 'f' csv").unwrap().options
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
