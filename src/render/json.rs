//! JSON output: one streamed document per result (`json`) or one object per
//! row per line (`ndjson`). This is a contract for scripts: fields may be
//! added, never renamed.
//!
//! `json` writes one compact document and a newline:
//!
//! ```text
//! {<envelope prefix fields…>,"columns":[{"name":"id","type":"int4"}],
//!  "rows":[{"id":1}],"row_count":1,"complete":true,"timings":{"db_ms":1.234}}
//! ```
//!
//! For a command (no result set) `columns` and `rows` are empty, `row_count`
//! is 0 and `"rows_affected"` (a number, or null when the server does not
//! say) follows `timings`. `timings` holds the caller's
//! envelope timings (e.g. `llm_ms`, see [`super::envelope`]), then for `glance ask` glance's own time
//! per phase (`startup_ms`, `connect_ms`, `introspect_ms`, `context_ms`,
//! `render_ms`, and `glance_ms`, everything but the LLM and the database),
//! before `db_ms`. `complete` is false when the fetch stopped early.
//!
//! `ndjson` writes each row as one object on its own line and nothing else;
//! a command writes one line `{"rows_affected":N}` (or null).
//!
//! Rows are objects keyed by column name in column order; a repeated name
//! gets a suffix (`id`, `id_2`, `id_3`…) that no other column has. Values:
//! NULL → `null`; booleans as JSON; integers as numbers up to ±2^53 and
//! strings beyond (readers that parse numbers as doubles would lose digits);
//! floats as numbers, except NaN and infinities → the strings `"NaN"`,
//! `"Infinity"`, `"-Infinity"`; numeric → a number when its text is a valid
//! JSON number with at most 15 significant digits (exact as a double), else
//! a string;
//! text → string; json/jsonb → embedded as is, except that line breaks
//! between its tokens become spaces (so an `ndjson` record is one line);
//! bytes → string `"\\x…"` hex.
//!
//! Every control character in a string is escaped (`\u001b`, and also DEL
//! and C1 as `\u007f`, `\u009b`, which JSON allows but does not require),
//! so a document printed on a terminal cannot drive it; json/jsonb values,
//! embedded as they are, get the same escapes for DEL and C1.
//!
//! Invariant: a document is valid JSON however the rows are chunked, and
//! keys are escaped once per result, not once per row.

use std::collections::HashSet;
use std::io::{self, BufWriter, Write};

use super::envelope::JsonEnvelope;
use super::streamed::{Sticky, StreamedWriter};
use super::text::{FloatText, IntText, write_hex};
use crate::db::{Column, Outcome, OutcomeKind, Row, Value};

/// Writes a result as one JSON document.
pub struct JsonWriter<W: Write> {
    out: BufWriter<W>,
    envelope: JsonEnvelope,
    keys: Vec<Vec<u8>>,
    started: bool,
    written: u64,
    sticky: Sticky,
}

impl<W: Write> JsonWriter<W> {
    /// The document is wrapped in `envelope`'s fields.
    pub fn new(out: W, envelope: JsonEnvelope) -> Self {
        JsonWriter {
            out: BufWriter::with_capacity(64 * 1024, out),
            envelope,
            keys: Vec::new(),
            started: false,
            written: 0,
            sticky: Sticky::default(),
        }
    }

    fn write_head(&mut self, columns: &[Column]) -> io::Result<()> {
        self.started = true;
        self.keys = object_keys(columns)?;
        self.out.write_all(b"{")?;
        self.envelope.write_prefix(&mut self.out)?;
        self.out.write_all(b"\"columns\":[")?;
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            self.out.write_all(b"{\"name\":")?;
            write_str(&mut self.out, &column.name)?;
            self.out.write_all(b",\"type\":")?;
            write_str(&mut self.out, &column.type_name)?;
            self.out.write_all(b"}")?;
        }
        self.out.write_all(b"],\"rows\":[")
    }

    fn write_rows(&mut self, rows: &[Row]) -> io::Result<()> {
        for row in rows {
            if self.written > 0 {
                self.out.write_all(b",")?;
            }
            write_object(&mut self.out, &self.keys, row)?;
            self.written += 1;
        }
        self.out.flush()
    }

    fn write_tail(&mut self, outcome: &Outcome) -> io::Result<()> {
        if !self.started {
            self.write_head(&[])?;
        }
        let (count, complete) = match outcome.kind {
            OutcomeKind::Rows { count, complete } => (count, complete),
            OutcomeKind::Command { .. } => (0, true),
        };
        write!(
            self.out,
            "],\"row_count\":{count},\"complete\":{complete},\"timings\":{{"
        )?;
        self.envelope.write_timings(&mut self.out)?;
        let db_ms = outcome.db_time.as_secs_f64() * 1000.0;
        write!(self.out, "\"db_ms\":{db_ms:.3}}}")?;
        if let OutcomeKind::Command { affected } = outcome.kind {
            self.out.write_all(b",\"rows_affected\":")?;
            write_affected(&mut self.out, affected)?;
        }
        self.out.write_all(b"}\n")?;
        self.out.flush()
    }
}

impl<W: Write> StreamedWriter for JsonWriter<W> {
    fn sticky(&mut self) -> &mut Sticky {
        &mut self.sticky
    }

    fn write_columns(&mut self, columns: &[Column]) -> io::Result<()> {
        self.write_head(columns)
    }

    fn write_chunk(&mut self, rows: Vec<Row>) -> io::Result<()> {
        self.write_rows(&rows)
    }

    fn write_end(&mut self, outcome: &Outcome) -> io::Result<()> {
        self.write_tail(outcome)
    }

    /// Closes a started document as incomplete, with the error, so the
    /// output stays one valid JSON document.
    fn write_failure(&mut self, error: &serde_json::Value) -> io::Result<bool> {
        self.sticky.take()?;
        if !self.started {
            return Ok(false);
        }
        writeln!(
            self.out,
            "],\"row_count\":{},\"complete\":false,\"error\":{error}}}",
            self.written
        )?;
        self.out.flush()?;
        Ok(true)
    }
}

/// Writes each row as one JSON object per line.
pub struct NdjsonWriter<W: Write> {
    out: BufWriter<W>,
    keys: Vec<Vec<u8>>,
    sticky: Sticky,
}

impl<W: Write> NdjsonWriter<W> {
    pub fn new(out: W) -> Self {
        NdjsonWriter {
            out: BufWriter::with_capacity(64 * 1024, out),
            keys: Vec::new(),
            sticky: Sticky::default(),
        }
    }

    fn write_rows(&mut self, rows: &[Row]) -> io::Result<()> {
        for row in rows {
            write_object(&mut self.out, &self.keys, row)?;
            self.out.write_all(b"\n")?;
        }
        self.out.flush()
    }
}

impl<W: Write> StreamedWriter for NdjsonWriter<W> {
    fn sticky(&mut self) -> &mut Sticky {
        &mut self.sticky
    }

    fn write_columns(&mut self, columns: &[Column]) -> io::Result<()> {
        self.keys = object_keys(columns)?;
        Ok(())
    }

    fn write_chunk(&mut self, rows: Vec<Row>) -> io::Result<()> {
        self.write_rows(&rows)
    }

    fn write_end(&mut self, outcome: &Outcome) -> io::Result<()> {
        if let OutcomeKind::Command { affected } = outcome.kind {
            self.out.write_all(b"{\"rows_affected\":")?;
            write_affected(&mut self.out, affected)?;
            self.out.write_all(b"}\n")?;
        }
        self.out.flush()
    }
}

/// The escaped `"name":` prefix of each column, with repeated names made
/// unique by a `_2`, `_3`… suffix.
fn object_keys(columns: &[Column]) -> io::Result<Vec<Vec<u8>>> {
    let taken: HashSet<&str> = columns.iter().map(|c| c.name.as_str()).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut suffixed: HashSet<String> = HashSet::new();
    let mut keys = Vec::with_capacity(columns.len());
    for column in columns {
        let name = column.name.as_str();
        let key = if seen.insert(name) {
            name.to_owned()
        } else {
            (2..)
                .map(|n| format!("{name}_{n}"))
                .find(|k| !taken.contains(k.as_str()) && !suffixed.contains(k))
                .unwrap_or_default()
        };
        suffixed.insert(key.clone());
        let mut encoded = Vec::with_capacity(key.len() + 3);
        write_str(&mut encoded, &key)?;
        encoded.push(b':');
        keys.push(encoded);
    }
    Ok(keys)
}

/// Writes one row as a JSON object with the given pre-encoded keys.
fn write_object<W: Write>(out: &mut W, keys: &[Vec<u8>], row: &Row) -> io::Result<()> {
    out.write_all(b"{")?;
    for (i, (key, value)) in keys.iter().zip(row).enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(key)?;
        write_value(out, value)?;
    }
    out.write_all(b"}")
}

/// Writes one value in the encoding described in the module doc.
pub fn write_value<W: Write>(out: &mut W, value: &Value) -> io::Result<()> {
    match value {
        Value::Null => out.write_all(b"null"),
        Value::Bool(b) => out.write_all(if *b { b"true" } else { b"false" }),
        Value::Int(i) if i.unsigned_abs() <= MAX_EXACT_INT => {
            out.write_all(IntText::new(*i).as_str().as_bytes())
        }
        Value::Int(i) => write!(out, "\"{i}\""),
        Value::Float(f) if f.is_finite() => out.write_all(FloatText::new(*f).as_str().as_bytes()),
        Value::Float(f) => {
            out.write_all(b"\"")?;
            out.write_all(FloatText::new(*f).as_str().as_bytes())?;
            out.write_all(b"\"")
        }
        Value::Numeric(s) if is_json_number(s) && exact_as_double(s) => out.write_all(s.as_bytes()),
        Value::Numeric(s) | Value::Text(s) => write_str(out, s),
        Value::Json(s) => write_json_text(out, s),
        Value::Bytes(b) => {
            out.write_all(b"\"")?;
            // JSON escapes the backslash of `\x`.
            out.write_all(b"\\")?;
            write_hex(out, b)?;
            out.write_all(b"\"")
        }
    }
}

/// A JSON document from the database, on one line: in valid JSON a line
/// break can only be whitespace between tokens (inside strings it is
/// escaped), so it becomes a space and the value keeps its meaning. DEL and
/// C1 are escaped as everywhere else.
fn write_json_text<W: Write>(out: &mut W, text: &str) -> io::Result<()> {
    for (i, line) in text.split(['\n', '\r']).enumerate() {
        if i > 0 {
            out.write_all(b" ")?;
        }
        write_escaping_c1(out, line)?;
    }
    Ok(())
}

/// The largest integer a double holds exactly, 2^53.
const MAX_EXACT_INT: u64 = 1 << 53;

/// Whether a JSON number's decimal value survives a trip through a double:
/// at most 15 significant digits, within the double's range.
fn exact_as_double(number: &str) -> bool {
    let mantissa = number.split(['e', 'E']).next().unwrap_or(number);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let significant = digits.trim_start_matches('0').trim_end_matches('0');
    significant.len() <= 15
        && number
            .parse::<f64>()
            .is_ok_and(|f| f.is_finite() && (f != 0.0 || significant.is_empty()))
}

/// `value` as one line of compact JSON with every control character
/// escaped, for documents printed outside a result (`ask`'s errors).
pub fn text(value: &serde_json::Value) -> String {
    let mut out = Vec::new();
    // Writing to a Vec cannot fail, and the output is UTF-8.
    let _ = write_serialized(&mut out, value);
    String::from_utf8(out).unwrap_or_default()
}

/// `value` as indented JSON with every control character escaped, for
/// people (`--show-prompt`, `\prompt`).
pub fn pretty(value: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let mut out = Vec::with_capacity(text.len());
    // serde_json escapes C0; DEL and C1 can only stand inside its strings.
    let _ = write_escaping_c1(&mut out, &text);
    String::from_utf8(out).unwrap_or_default()
}

pub(super) fn write_str<W: Write>(out: &mut W, s: &str) -> io::Result<()> {
    write_serialized(out, s)
}

/// `value` as compact JSON with every control character escaped.
pub(super) fn write_serialized<W: Write, T: serde::Serialize + ?Sized>(
    out: &mut W,
    value: &T,
) -> io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, EscapeControls);
    value.serialize(&mut serializer).map_err(io::Error::from)
}

/// serde_json's compact form, with DEL and C1 escaped in strings too (it
/// escapes only the characters below U+0020).
struct EscapeControls;

impl serde_json::ser::Formatter for EscapeControls {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        write_escaping_c1(writer, fragment)
    }
}

/// `text` with DEL and C1 characters as `\u007f`…`\u009f`. Valid inside a
/// JSON string, and in JSON text they can only stand inside strings.
fn write_escaping_c1<W: ?Sized + Write>(out: &mut W, text: &str) -> io::Result<()> {
    let mut rest = text;
    while let Some((at, c)) = rest
        .char_indices()
        .find(|&(_, c)| ('\u{7f}'..='\u{9f}').contains(&c))
    {
        out.write_all(&rest.as_bytes()[..at])?;
        write!(out, "\\u{:04x}", u32::from(c))?;
        rest = &rest[at + c.len_utf8()..];
    }
    out.write_all(rest.as_bytes())
}

fn write_affected<W: Write>(out: &mut W, affected: Option<u64>) -> io::Result<()> {
    match affected {
        Some(n) => write!(out, "{n}"),
        None => out.write_all(b"null"),
    }
}

/// True when `s` matches JSON's number grammar: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`.
pub fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    let int_start = i;
    let int_len = digits(&mut i);
    if int_len == 0 || (int_len > 1 && b[int_start] == b'0') {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::ResultWriter;
    use super::super::tests::{Broken, command, done, sample_columns, sample_rows, stream};
    use super::*;
    use crate::db::{RowFlow, RowSink};

    fn col(name: &str) -> Column {
        Column {
            name: name.into(),
            type_name: "int4".into(),
        }
    }

    fn document(columns: &[Column], rows: Vec<Row>, chunk: usize, outcome: &Outcome) -> String {
        let mut buf = Vec::new();
        let prefix = vec![
            ("sql".to_owned(), serde_json::json!("select \"x\"")),
            ("level".to_owned(), serde_json::json!("read_only")),
        ];
        let envelope = JsonEnvelope {
            prefix,
            ..JsonEnvelope::default()
        };
        let mut w = JsonWriter::new(&mut buf, envelope);
        stream(&mut w, columns, rows, chunk);
        w.finish(outcome).unwrap();
        drop(w);
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn document_is_exact_and_valid_when_chunked() {
        let text = document(&sample_columns(), sample_rows(), 3, &done(4));
        assert_eq!(
            text,
            concat!(
                r#"{"sql":"select \"x\"","level":"read_only","columns":["#,
                r#"{"name":"id","type":"int4"},{"name":"name","type":"text"},"#,
                r#"{"name":"score","type":"float8"},{"name":"note","type":"text"},"#,
                r#"{"name":"ok","type":"bool"},{"name":"raw","type":"bytea"}],"rows":["#,
                r#"{"id":1,"name":"alice","score":1.5,"note":"a, \"quoted\"\nline","ok":true,"raw":"\\x00ff"},"#,
                r#"{"id":2,"name":"","score":null,"note":null,"ok":false,"raw":null},"#,
                r#"{"id":3,"name":"Zoë 日本","score":1e+300,"note":" padded","ok":null,"raw":"\\x"},"#,
                r#"{"id":-4,"name":null,"score":"NaN","note":{"k": [1, 2]},"ok":true,"raw":null}],"#,
                r#""row_count":4,"complete":true,"timings":{"db_ms":1.200}}"#,
                "\n"
            )
        );
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["rows"][2]["score"], serde_json::json!(1e300));
        assert_eq!(parsed["rows"][3]["note"]["k"][1], 2);
        for chunk in [1, 2, 4, 10] {
            assert_eq!(
                document(&sample_columns(), sample_rows(), chunk, &done(4)),
                text
            );
        }
    }

    #[test]
    fn zero_rows_and_commands_are_valid_documents() {
        let text = document(&[col("n")], Vec::new(), 1, &done(0));
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["rows"], serde_json::json!([]));
        assert_eq!(parsed["row_count"], 0);
        assert!(parsed.get("rows_affected").is_none());

        let text = document(&[], Vec::new(), 1, &command(Some(3)));
        assert_eq!(
            text,
            concat!(
                r#"{"sql":"select \"x\"","level":"read_only","columns":[],"rows":[],"#,
                r#""row_count":0,"complete":true,"timings":{"db_ms":0.800},"rows_affected":3}"#,
                "\n"
            )
        );
        let text = document(&[], Vec::new(), 1, &command(None));
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["rows_affected"], serde_json::Value::Null);
    }

    #[test]
    fn incomplete_results_say_so() {
        let outcome = Outcome {
            kind: OutcomeKind::Rows {
                count: 1,
                complete: false,
            },
            db_time: Duration::ZERO,
        };
        let text = document(&[col("n")], vec![vec![Value::Int(1)]], 1, &outcome);
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed["complete"], false);
    }

    #[test]
    fn repeated_column_names_get_unique_suffixes() {
        let columns = [col("id"), col("id"), col("id_2"), col("id")];
        let row = vec![Value::Int(1), Value::Int(2), Value::Int(3), Value::Int(4)];
        let text = document(&columns, vec![row], 1, &done(1));
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            parsed["rows"][0],
            serde_json::json!({"id": 1, "id_3": 2, "id_2": 3, "id_4": 4})
        );
    }

    #[test]
    fn numeric_text_becomes_a_number_only_when_valid() {
        let encode = |v: Value| {
            let mut out = Vec::new();
            write_value(&mut out, &v).unwrap();
            String::from_utf8(out).unwrap()
        };
        assert_eq!(encode(Value::Numeric("12.50".into())), "12.50");
        assert_eq!(encode(Value::Numeric("-0.5e10".into())), "-0.5e10");
        assert_eq!(encode(Value::Numeric("NaN".into())), "\"NaN\"");
        assert_eq!(
            encode(Value::Numeric("12345678901234567890.123456789".into())),
            "\"12345678901234567890.123456789\""
        );
        assert_eq!(encode(Value::Numeric("1e400".into())), "\"1e400\"");
        assert_eq!(encode(Value::Numeric("1e-400".into())), "\"1e-400\"");
        assert_eq!(encode(Value::Numeric("0.000".into())), "0.000");
        assert_eq!(encode(Value::Int(1 << 53)), "9007199254740992");
        assert_eq!(encode(Value::Int((1 << 53) + 1)), "\"9007199254740993\"");
        assert_eq!(encode(Value::Int(i64::MIN)), "\"-9223372036854775808\"");
        assert_eq!(encode(Value::Numeric("Infinity".into())), "\"Infinity\"");
        assert_eq!(encode(Value::Numeric("01".into())), "\"01\"");
        assert_eq!(encode(Value::Numeric("1.".into())), "\"1.\"");
        assert_eq!(encode(Value::Float(f64::NEG_INFINITY)), "\"-Infinity\"");
        assert_eq!(encode(Value::Text("tab\t\u{1}".into())), r#""tab\t\u0001""#);
        assert_eq!(
            encode(Value::Json("{\"a\":\r\n  [1,\n\"x\\ny\"]}".into())),
            r#"{"a":    [1, "x\ny"]}"#
        );
        assert_eq!(
            encode(Value::Text("\x1b]52\u{7f}\u{9b}\u{a0}".into())),
            r#""\u001b]52\u007f\u009b\u00a0""#.replace("\\u00a0", "\u{a0}")
        );
        assert_eq!(
            pretty(&serde_json::json!({"k": "\u{1b}\u{9b}"})),
            "{\n  \"k\": \"\\u001b\\u009b\"\n}"
        );
        assert_eq!(
            encode(Value::Json("{\"k\": \"\u{9b}2J\"}".into())),
            r#"{"k": "\u009b2J"}"#
        );
        assert!(is_json_number("0"));
        assert!(!is_json_number(""));
        assert!(!is_json_number("-"));
        assert!(!is_json_number("1e"));
    }

    #[test]
    fn ndjson_writes_one_object_per_line() {
        let mut buf = Vec::new();
        let mut w = NdjsonWriter::new(&mut buf);
        stream(&mut w, &sample_columns(), sample_rows(), 3);
        w.finish(&done(4)).unwrap();
        drop(w);
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert_eq!(
            lines[1],
            r#"{"id":2,"name":"","score":null,"note":null,"ok":false,"raw":null}"#
        );
        for line in lines {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }

        let mut buf = Vec::new();
        let mut w = NdjsonWriter::new(&mut buf);
        w.finish(&command(Some(2))).unwrap();
        drop(w);
        assert_eq!(String::from_utf8(buf).unwrap(), "{\"rows_affected\":2}\n");
    }

    #[test]
    fn write_errors_stop_the_fetch() {
        let mut w = JsonWriter::new(Broken, JsonEnvelope::default());
        w.columns(&sample_columns());
        assert_eq!(w.rows(sample_rows()), RowFlow::Stop);
        assert!(w.finish(&done(4)).is_err());
    }
}
