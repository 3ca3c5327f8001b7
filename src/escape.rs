//! Text from outside glance (the model's replies, the database's names,
//! values and error messages, stored history) made safe to print on a
//! terminal: every control character except newline and tab (C0, DEL, C1)
//! is shown as a visible escape such as `\x1b` instead of being sent to the
//! terminal, so such text can neither run terminal commands (OSC 52 writing
//! the clipboard) nor move the cursor to draw over what glance printed.
//!
//! Invariant: the result of [`visible`] contains no control character other
//! than `\n` and `\t`, and escaping is applied per character, so text split
//! anywhere (a streamed reply) escapes the same as when whole.

use std::borrow::Cow;

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
