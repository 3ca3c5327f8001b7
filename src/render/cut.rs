//! Long values cut for display. A table or expanded record shows at most
//! [`DISPLAY_CHARS`] characters of a value, then a marker saying how long
//! the whole value is, so a 50 MB value is neither held while the layout is
//! measured nor poured onto the terminal. CSV, JSON, NDJSON, Markdown and
//! exports keep whole values.
//!
//! Invariant: every row reaches the table and expanded writers through
//! [`CutLong`], and a cut value keeps none of the memory of the whole one.

use std::io;

use super::ResultWriter;
use crate::db::{Column, Outcome, Row, RowFlow, RowSink, Value};

/// The most characters of one value a table cell or record line shows.
pub const DISPLAY_CHARS: usize = 10_000;

/// Cuts long values, then hands the rows to the writer it wraps.
pub struct CutLong<'a> {
    inner: Box<dyn ResultWriter + 'a>,
}

impl<'a> CutLong<'a> {
    pub fn wrap(inner: Box<dyn ResultWriter + 'a>) -> Box<dyn ResultWriter + 'a> {
        Box::new(CutLong { inner })
    }
}

impl RowSink for CutLong<'_> {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        self.inner.columns(columns)
    }

    fn rows(&mut self, mut rows: Vec<Row>) -> RowFlow {
        for value in rows.iter_mut().flatten() {
            cut(value);
        }
        self.inner.rows(rows)
    }

    fn interactive(&self) -> bool {
        self.inner.interactive()
    }
}

impl ResultWriter for CutLong<'_> {
    fn finish(&mut self, outcome: &Outcome) -> io::Result<()> {
        self.inner.finish(outcome)
    }

    fn fail(&mut self, error: &serde_json::Value) -> io::Result<bool> {
        self.inner.fail(error)
    }
}

/// Replaces a value longer than [`DISPLAY_CHARS`] with its beginning and
/// `…[cut: N bytes in all]`; bytes become their `\x` hex text.
fn cut(value: &mut Value) {
    match value {
        Value::Text(s) | Value::Json(s) | Value::Numeric(s) if s.len() > DISPLAY_CHARS => {
            if let Some((end, _)) = s.char_indices().nth(DISPLAY_CHARS) {
                let marker = marker(s.len());
                let mut kept = String::with_capacity(end + marker.len());
                kept.push_str(&s[..end]);
                kept.push_str(&marker);
                *s = kept;
            }
        }
        Value::Bytes(b) if b.len() * 2 > DISPLAY_CHARS => {
            let mut text = String::with_capacity(DISPLAY_CHARS + 40);
            text.push_str("\\x");
            for byte in &b[..DISPLAY_CHARS / 2] {
                text.push_str(&format!("{byte:02x}"));
            }
            text.push_str(&marker(b.len()));
            *value = Value::Text(text);
        }
        _ => {}
    }
}

fn marker(bytes: usize) -> String {
    format!("…[cut: {bytes} bytes in all]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_with_a_marker_and_short_ones_kept() {
        let mut long = Value::Text("é".repeat(DISPLAY_CHARS + 5));
        cut(&mut long);
        let Value::Text(text) = &long else {
            panic!("text stays text")
        };
        assert!(text.starts_with(&"é".repeat(DISPLAY_CHARS)));
        assert!(text.ends_with(&format!("…[cut: {} bytes in all]", 2 * (DISPLAY_CHARS + 5))));
        assert!(
            text.capacity() < 3 * DISPLAY_CHARS,
            "the whole value is freed"
        );

        let mut bytes = Value::Bytes(vec![0xab; DISPLAY_CHARS]);
        cut(&mut bytes);
        let Value::Text(text) = &bytes else {
            panic!("bytes become their hex text")
        };
        assert!(text.starts_with("\\xabab"));
        assert!(text.ends_with(&format!("[cut: {DISPLAY_CHARS} bytes in all]")));

        for mut kept in [
            Value::Text("x".repeat(DISPLAY_CHARS)),
            Value::Bytes(vec![1; DISPLAY_CHARS / 2]),
            Value::Int(7),
            Value::Null,
        ] {
            let before = kept.clone();
            cut(&mut kept);
            assert_eq!(kept, before);
        }
    }
}
