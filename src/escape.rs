//! Text from outside glance (the model's replies, the database's names,
//! values and error messages, stored history) made safe to print on a
//! terminal: every control character except newline and tab (C0, DEL, C1)
//! is shown as a visible escape such as `\x1b` instead of being sent to the
//! terminal, so such text can neither run terminal commands (OSC 52 writing
//! the clipboard) nor move the cursor to draw over what glance printed.
//! Bidirectional and zero-width format characters (U+200B–U+200F,
//! U+202A–U+202E, U+2066–U+2069, U+FEFF) are escaped too, so text cannot
//! show in an order, or with parts hidden, other than what it holds.
//!
//! Invariant: the result of [`visible`] contains no control character other
//! than `\n` and `\t`, and escaping is applied per character, so text split
//! anywhere (a streamed reply) escapes the same as when whole. [`Visible`]
//! does the same to a byte stream (CSV or JSON written to a terminal),
//! however its writes split the UTF-8.

use std::borrow::Cow;
use std::io::{self, Write};

/// `text` with its control characters other than newline and tab escaped:
/// C0 and DEL as `\x1b`, C1 and format characters as `\u{9b}`. Borrowed
/// when there is nothing to escape.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

/// Appends `c` to `out`, escaped if it is a control character other than
/// newline and tab.
pub fn push_visible(out: &mut String, c: char) {
    match c {
        c if !needs_escape(c) => out.push(c),
        c if (c as u32) < 0x80 => out.push_str(&format!("\\x{:02x}", c as u32)),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// A name (a table's, a column's) for a one-line label: as [`visible`],
/// and newline and tab shown as `\n` and `\t` too, so the label keeps its
/// width and line; with `ascii_only` every other non-ASCII character as
/// `\u{…}` as well, for a terminal that cannot show it.
pub fn visible_name(text: &str, ascii_only: bool) -> Cow<'_, str> {
    let plain =
        |c: char| !needs_escape(c) && c != '\n' && c != '\t' && (c.is_ascii() || !ascii_only);
    if text.chars().all(plain) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if plain(c) || needs_escape(c) => push_visible(&mut out, c),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// Writes through to `W` with control characters escaped as [`visible`]
/// does, for output formats that are exact when piped but land on a
/// terminal.
pub struct Visible<W: Write> {
    inner: W,
    /// The start of a UTF-8 character, held until its last byte says which
    /// character it is.
    pending: Vec<u8>,
}

impl<W: Write> Visible<W> {
    pub fn new(inner: W) -> Visible<W> {
        Visible {
            inner,
            pending: Vec::with_capacity(4),
        }
    }
}

/// The length of the UTF-8 character that starts with `lead`, if it
/// starts one of more than one byte.
fn utf8_len(lead: u8) -> Option<usize> {
    match lead {
        0xc0..=0xdf => Some(2),
        0xe0..=0xef => Some(3),
        0xf0..=0xf7 => Some(4),
        _ => None,
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = String::new();
        let mut bytes = Vec::with_capacity(buf.len());
        for &b in buf {
            if !self.pending.is_empty() {
                if (0x80..=0xbf).contains(&b) {
                    self.pending.push(b);
                    if Some(self.pending.len()) == utf8_len(self.pending[0]) {
                        match std::str::from_utf8(&self.pending) {
                            Ok(text) => {
                                out.clear();
                                text.chars().for_each(|c| push_visible(&mut out, c));
                                bytes.extend_from_slice(out.as_bytes());
                            }
                            Err(_) => bytes.extend_from_slice(&self.pending),
                        }
                        self.pending.clear();
                    }
                    continue;
                }
                bytes.append(&mut self.pending);
            }
            if b.is_ascii() {
                out.clear();
                push_visible(&mut out, char::from(b));
                bytes.extend_from_slice(out.as_bytes());
            } else if utf8_len(b).is_some() {
                self.pending.push(b);
            } else {
                bytes.push(b);
            }
        }
        self.inner.write_all(&bytes)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

impl<W: Write> Drop for Visible<W> {
    /// An unfinished character at the very end is written as it came.
    fn drop(&mut self) {
        let _ = self.inner.write_all(&self.pending);
    }
}

/// True for the characters [`visible`] escapes: controls other than newline
/// and tab, bidirectional and zero-width format characters.
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_to_one_line_and_ascii_when_asked() {
        assert_eq!(
            visible_name("a\nb\tc\u{202e}d", false),
            "a\\nb\\tc\\u{202e}d"
        );
        assert_eq!(visible_name("列\u{1b}", false), "列\\x1b");
        assert_eq!(visible_name("列é", true), "\\u{5217}\\u{e9}");
        assert!(matches!(
            visible_name("plain", true),
            Cow::Borrowed("plain")
        ));
    }

    #[test]
    fn control_characters_become_visible_text() {
        assert_eq!(visible("a\x1b]52;c;aGk=\x07b"), "a\\x1b]52;c;aGk=\\x07b");
        assert_eq!(visible("\x1b[2A\x1b[8m"), "\\x1b[2A\\x1b[8m");
        assert_eq!(visible("x\ry\x7f\u{9b}2J\0"), "x\\x0dy\\x7f\\u{9b}2J\\x00");
    }

    #[test]
    fn bidi_and_zero_width_characters_become_visible_text() {
        assert_eq!(
            visible("a\u{202e}b\u{2066}c\u{200b}d\u{feff}e\u{200f}"),
            "a\\u{202e}b\\u{2066}c\\u{200b}d\\u{feff}e\\u{200f}"
        );
        assert_eq!(visible("\u{2069}\u{202a}"), "\\u{2069}\\u{202a}");
    }

    #[test]
    fn newlines_tabs_and_other_text_pass_unchanged() {
        let text = "line one\n\tZoë 日本 \\x1b ^[";
        assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn byte_streams_escape_like_text_however_the_writes_split() {
        let text =
            "a,\x1b]52;c;eA==\x07\n\"Zoë\u{9b}2J\u{85}\u{a0}\"\t\x7f\u{202e}日\u{feff}🦀\u{2069}";
        for at in 0..=text.len() {
            let mut out = Vec::new();
            let mut visible_out = Visible::new(&mut out);
            visible_out.write_all(&text.as_bytes()[..at]).unwrap();
            visible_out.write_all(&text.as_bytes()[at..]).unwrap();
            drop(visible_out);
            assert_eq!(
                String::from_utf8(out).unwrap(),
                visible(text),
                "split at {at}"
            );
        }
    }

    #[test]
    fn escaping_is_the_same_however_the_text_is_split() {
        let text = "prose \x1b]52;c;eA==\x07 then \u{9b}31m end";
        let whole = visible(text).into_owned();
        for at in text.char_indices().map(|(i, _)| i) {
            let (a, b) = text.split_at(at);
            assert_eq!(format!("{}{}", visible(a), visible(b)), whole);
        }
        assert!(!whole.chars().any(needs_escape));
    }
}
