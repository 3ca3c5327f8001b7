//! Text from outside glance (the model's replies, the database's names,
//! values and error messages, stored history) made safe to print on a
//! terminal: every control character except newline and tab (C0, DEL, C1)
//! is shown as a visible escape such as `\x1b` instead of being sent to the
//! terminal, so such text can neither run terminal commands (OSC 52 writing
//! the clipboard) nor move the cursor to draw over what glance printed.
//!
//! Invariant: the result of [`visible`] contains no control character other
//! than `\n` and `\t`, and escaping is applied per character, so text split
//! anywhere (a streamed reply) escapes the same as when whole. [`Visible`]
//! does the same to a byte stream (CSV or JSON written to a terminal),
//! however its writes split the UTF-8.

use std::borrow::Cow;
use std::io::{self, Write};

/// `text` with its control characters other than newline and tab escaped:
/// C0 and DEL as `\x1b`, C1 as `\u{9b}`. Borrowed when there is nothing to
/// escape.
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

/// Writes through to `W` with control characters escaped as [`visible`]
/// does, for output formats that are exact when piped but land on a
/// terminal.
pub struct Visible<W: Write> {
    inner: W,
    /// The first byte of a two-byte UTF-8 character from U+0080 to U+00BF,
    /// held until the next byte says whether it is a C1 control.
    pending_c2: bool,
}

impl<W: Write> Visible<W> {
    pub fn new(inner: W) -> Visible<W> {
        Visible {
            inner,
            pending_c2: false,
        }
    }
}

impl<W: Write> Write for Visible<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut out = String::new();
        let mut bytes = Vec::with_capacity(buf.len());
        for &b in buf {
            if std::mem::take(&mut self.pending_c2) {
                if (0x80..=0x9f).contains(&b) {
                    out.clear();
                    push_visible(&mut out, char::from(b));
                    bytes.extend_from_slice(out.as_bytes());
                    continue;
                }
                bytes.push(0xc2);
            }
            match b {
                0xc2 => self.pending_c2 = true,
                b if b.is_ascii() => {
                    out.clear();
                    push_visible(&mut out, char::from(b));
                    bytes.extend_from_slice(out.as_bytes());
                }
                b => bytes.push(b),
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
    /// A lone first byte at the very end is written as it came.
    fn drop(&mut self) {
        if self.pending_c2 {
            let _ = self.inner.write_all(&[0xc2]);
        }
    }
}

/// True for the characters [`visible`] escapes.
fn needs_escape(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible_text() {
        assert_eq!(visible("a\x1b]52;c;aGk=\x07b"), "a\\x1b]52;c;aGk=\\x07b");
        assert_eq!(visible("\x1b[2A\x1b[8m"), "\\x1b[2A\\x1b[8m");
        assert_eq!(visible("x\ry\x7f\u{9b}2J\0"), "x\\x0dy\\x7f\\u{9b}2J\\x00");
    }

    #[test]
    fn newlines_tabs_and_other_text_pass_unchanged() {
        let text = "line one\n\tZoë 日本 \\x1b ^[";
        assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
    }

    #[test]
    fn byte_streams_escape_like_text_however_the_writes_split() {
        let text = "a,\x1b]52;c;eA==\x07\n\"Zoë\u{9b}2J\u{85}\u{a0}\"\t\x7f";
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
