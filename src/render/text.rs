//! Text forms of values shared by every writer: PostgreSQL-style floats,
//! `\x` hex for bytes, one-line display text for terminal cells, display
//! widths and truncation with `…`.
//!
//! Invariant: display text never contains a control character, so data can
//! neither move the cursor nor break the one-line-per-row layout; the exact
//! forms (CSV, JSON) are written without any heap allocation per cell.

use std::borrow::Cow;
use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::db::Value;
use crate::escape;

/// A float in PostgreSQL's output form, held on the stack.
///
/// Shortest round-trip digits; exponent notation (`1e+300`, `1.5e-05`) when
/// the decimal exponent is below -4 or at least 15, like PostgreSQL's
/// `float8out`; `NaN`, `Infinity` and `-Infinity` for the special values.
pub struct FloatText {
    buf: [u8; 40],
    len: usize,
}

impl FloatText {
    pub fn new(f: f64) -> FloatText {
        let mut text = FloatText {
            buf: [0; 40],
            len: 0,
        };
        if f.is_nan() {
            text.push(b"NaN");
        } else if f.is_infinite() {
            text.push(if f > 0.0 { b"Infinity" } else { b"-Infinity" });
        } else {
            text.push_finite(f);
        }
        text
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII is ever pushed.
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("NaN")
    }

    fn push(&mut self, bytes: &[u8]) {
        let end = (self.len + bytes.len()).min(self.buf.len());
        let n = end - self.len;
        self.buf[self.len..end].copy_from_slice(&bytes[..n]);
        self.len = end;
    }

    fn push_finite(&mut self, f: f64) {
        // `{:e}` gives the shortest digits that round-trip: `-1.25e-7`.
        let mut sci = [0u8; 40];
        let mut cursor = io::Cursor::new(&mut sci[..]);
        if write!(cursor, "{f:e}").is_err() {
            return;
        }
        let written = usize::try_from(cursor.position()).unwrap_or(0);
        let sci = &sci[..written];
        let Some(e_at) = sci.iter().position(|&b| b == b'e') else {
            return;
        };
        let (mantissa, exp) = (&sci[..e_at], &sci[e_at + 1..]);
        let exp: i32 = std::str::from_utf8(exp)
            .ok()
            .and_then(|e| e.parse().ok())
            .unwrap_or(0);
        let negative = mantissa.first() == Some(&b'-');
        let mantissa = if negative { &mantissa[1..] } else { mantissa };
        if negative {
            self.push(b"-");
        }
        if !(-4..15).contains(&exp) {
            self.push(mantissa);
            self.push(if exp < 0 { b"e-" } else { b"e+" });
            let abs = exp.unsigned_abs();
            if abs < 10 {
                self.push(b"0");
            }
            let mut digits = [0u8; 4];
            let mut c = io::Cursor::new(&mut digits[..]);
            let _ = write!(c, "{abs}");
            let n = usize::try_from(c.position()).unwrap_or(0);
            self.push(&digits[..n]);
            return;
        }
        let mut digits = [0u8; 20];
        let mut count = 0;
        for &b in mantissa.iter().filter(|b| b.is_ascii_digit()) {
            if count < digits.len() {
                digits[count] = b;
                count += 1;
            }
        }
        let digits = &digits[..count];
        if exp < 0 {
            self.push(b"0.");
            for _ in 0..(-exp - 1) {
                self.push(b"0");
            }
            self.push(digits);
        } else {
            let int_len = usize::try_from(exp).unwrap_or(0) + 1;
            if digits.len() <= int_len {
                self.push(digits);
                for _ in digits.len()..int_len {
                    self.push(b"0");
                }
            } else {
                self.push(&digits[..int_len]);
                self.push(b".");
                self.push(&digits[int_len..]);
            }
        }
    }
}

/// An integer in decimal, held on the stack.
pub struct IntText {
    buf: [u8; 20],
    start: usize,
}

impl IntText {
    pub fn new(i: i64) -> IntText {
        let mut text = IntText {
            buf: [0; 20],
            start: 20,
        };
        let mut rest = i.unsigned_abs();
        loop {
            text.start -= 1;
            text.buf[text.start] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        if i < 0 {
            text.start -= 1;
            text.buf[text.start] = b'-';
        }
        text
    }

    pub fn as_str(&self) -> &str {
        // Only ASCII digits and `-` are ever written.
        std::str::from_utf8(&self.buf[self.start..]).unwrap_or("0")
    }
}

/// Writes a value in the plain text form shared by CSV and Markdown: NULL
/// as nothing, booleans as `true`/`false`, floats as PostgreSQL prints them,
/// bytes as `\x` hex, and text (also exact numerics and JSON) through
/// `write_text`, which applies the format's quoting or escaping.
pub fn write_plain<W: Write>(
    out: &mut W,
    value: &Value,
    write_text: fn(&mut W, &str) -> io::Result<()>,
) -> io::Result<()> {
    match value {
        Value::Null => Ok(()),
        Value::Bool(b) => out.write_all(if *b { b"true" } else { b"false" }),
        Value::Int(i) => out.write_all(IntText::new(*i).as_str().as_bytes()),
        Value::Float(f) => out.write_all(FloatText::new(*f).as_str().as_bytes()),
        Value::Numeric(s) | Value::Text(s) | Value::Json(s) => write_text(out, s),
        Value::Bytes(b) => write_hex(out, b),
    }
}

/// Writes bytes as PostgreSQL's `bytea` hex form: `\x` and lowercase hex.
pub fn write_hex<W: Write + ?Sized>(out: &mut W, bytes: &[u8]) -> io::Result<()> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.write_all(b"\\x")?;
    for chunk in bytes.chunks(64) {
        let mut buf = [0u8; 128];
        for (i, b) in chunk.iter().enumerate() {
            buf[2 * i] = HEX[usize::from(b >> 4)];
            buf[2 * i + 1] = HEX[usize::from(b & 0x0f)];
        }
        out.write_all(&buf[..2 * chunk.len()])?;
    }
    Ok(())
}

/// The exact text of a value, the same as CSV writes it (`None` for NULL).
fn plain_text(value: &Value) -> Option<Cow<'_, str>> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
        Value::Int(i) => Cow::Owned(IntText::new(*i).as_str().to_owned()),
        Value::Float(f) => Cow::Owned(FloatText::new(*f).as_str().to_owned()),
        Value::Numeric(s) | Value::Text(s) | Value::Json(s) => Cow::Borrowed(s.as_str()),
        Value::Bytes(b) => {
            let mut out = Vec::with_capacity(2 + 2 * b.len());
            // Writing to a Vec cannot fail.
            let _ = write_hex(&mut out, b);
            Cow::Owned(String::from_utf8_lossy(&out).into_owned())
        }
    })
}

/// The one-line text of a value in a terminal cell: `null` for NULL, line
/// breaks as `↵`, tabs as a space, other control characters escaped
/// ([`escape::visible`]).
pub fn display_text<'v>(value: &'v Value, null: &'v str) -> Cow<'v, str> {
    match plain_text(value) {
        None => Cow::Borrowed(null),
        Some(Cow::Borrowed(s)) => one_line(s),
        Some(Cow::Owned(s)) => Cow::Owned(one_line(&s).into_owned()),
    }
}

/// Replaces control characters so the text stays on one line (see [`display_text`]).
pub fn one_line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('↵');
            }
            '\n' => out.push('↵'),
            '\t' => out.push(' '),
            c => escape::push_visible(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// Columns the text takes on a terminal (wide characters count two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` at a character boundary so it fits in `max` columns, ending
/// with `…` when anything was cut.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut used = 0;
    let mut end = 0;
    for (i, c) in s.char_indices() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        end = i + c.len_utf8();
    }
    Cow::Owned(format!("{}…", &s[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn float(f: f64) -> String {
        FloatText::new(f).as_str().to_owned()
    }

    #[test]
    fn floats_use_postgres_forms() {
        assert_eq!(float(1.5), "1.5");
        assert_eq!(float(-0.25), "-0.25");
        assert_eq!(float(0.0), "0");
        assert_eq!(float(-0.0), "-0");
        assert_eq!(float(100.0), "100");
        assert_eq!(float(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(float(1e300), "1e+300");
        assert_eq!(float(123456789012345.0), "123456789012345");
        assert_eq!(float(1e15), "1e+15");
        assert_eq!(float(0.0001), "0.0001");
        assert_eq!(float(0.00001), "1e-05");
        assert_eq!(float(-1.5e-7), "-1.5e-07");
        assert_eq!(float(f64::MIN_POSITIVE), "2.2250738585072014e-308");
        assert_eq!(float(f64::NAN), "NaN");
        assert_eq!(float(f64::INFINITY), "Infinity");
        assert_eq!(float(f64::NEG_INFINITY), "-Infinity");
    }

    #[test]
    fn ints_match_std_formatting() {
        for i in [0, 1, -1, 9, 10, -10, 4_294_967_295, i64::MAX, i64::MIN] {
            assert_eq!(IntText::new(i).as_str(), i.to_string());
        }
    }

    #[test]
    fn bytes_are_lowercase_hex() {
        let mut out = Vec::new();
        write_hex(&mut out, &[0xde, 0xad, 0x01]).unwrap();
        assert_eq!(out, b"\\xdead01");
        let long: Vec<u8> = (0..=255).collect();
        let mut out = Vec::new();
        write_hex(&mut out, &long).unwrap();
        assert_eq!(out.len(), 2 + 512);
        assert!(out.ends_with(b"feff"));
    }

    #[test]
    fn display_text_is_one_line_and_safe() {
        let v = Value::Text("a\r\nb\nc\td\u{1b}[31m".into());
        assert_eq!(display_text(&v, "<null>"), "a↵b↵c d\\x1b[31m");
        assert_eq!(display_text(&Value::Null, "<null>"), "<null>");
        assert_eq!(display_text(&Value::Bool(false), ""), "false");
        assert_eq!(display_text(&Value::Bytes(vec![1]), ""), "\\x01");
    }

    #[test]
    fn truncation_respects_display_width() {
        assert_eq!(truncate("hello", 5), "hello");
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("日本語テキスト", 5), "日本…");
        assert_eq!(truncate("日本語", 4), "日…");
        assert_eq!(truncate("abc", 1), "…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(width("日本"), 4);
    }
}
