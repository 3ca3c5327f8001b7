//! Long text (the `\?` help) paged on a terminal with the result pager's
//! keys and status line: pages of one window less a line, printed one after
//! another; the last page ends the pager without a prompt.

use std::io::{self, Write};

use owo_colors::OwoColorize;

use super::pager::{Keys, PagerAction, Pages, Step, TerminalKeys, on_key, page_text};
use super::text::truncate;

/// Writes `text` to `out` (the terminal), paged when it is longer than the
/// window (`size` is the terminal's width and height).
pub fn show_paged(
    text: &str,
    size: (u16, u16),
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    page(text, size, color, out, &mut TerminalKeys)
}

/// The pager itself, over any output and keys.
fn page<W: Write + ?Sized, K: Keys>(
    text: &str,
    (width, height): (u16, u16),
    color: bool,
    out: &mut W,
    keys: &mut K,
) -> io::Result<()> {
    let lines: Vec<&str> = text.lines().collect();
    let per_page = usize::from(height).saturating_sub(1).max(1);
    if lines.len() <= per_page {
        out.write_all(text.as_bytes())?;
        return out.flush();
    }
    let pages = Pages::new(per_page);
    let last = pages.count(lines.len()) - 1;
    let mut at = 0;
    loop {
        for line in &lines[pages.range(at, lines.len())] {
            writeln!(out, "{line}")?;
        }
        if at == last {
            return out.flush();
        }
        let command = loop {
            let status = format!(
                "-- {} · Enter/Space/n next · b back · g first · G last · q quit --",
                page_text(at, last + 1, true)
            );
            let status = truncate(&status, usize::from(width).saturating_sub(1)).into_owned();
            if color {
                write!(out, "{}", status.reversed())?;
            } else {
                out.write_all(status.as_bytes())?;
            }
            out.flush()?;
            let key = keys.next_key();
            out.write_all(b"\r\x1b[2K")?;
            out.flush()?;
            // Page numbers are not offered here: digits are ignored.
            if let Step::Do(command) = on_key(&key?, "") {
                break command;
            }
        };
        at = match command {
            PagerAction::Next => at + 1,
            PagerAction::Previous => at.saturating_sub(1),
            PagerAction::First => 0,
            PagerAction::Last => last,
            PagerAction::Jump(number) => number.clamp(1, last + 1) - 1,
            PagerAction::Quit => return out.flush(),
        };
    }
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;

    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use super::*;

    struct Script(VecDeque<KeyCode>);

    impl Keys for Script {
        fn next_key(&mut self) -> io::Result<KeyEvent> {
            let code = self.0.pop_front().ok_or(io::ErrorKind::UnexpectedEof)?;
            Ok(KeyEvent::new(code, KeyModifiers::NONE))
        }
    }

    fn run(text: &str, height: u16, keys: &[KeyCode]) -> String {
        let mut out = Vec::new();
        let mut keys = Script(keys.iter().copied().collect());
        page(text, (80, height), false, &mut out, &mut keys).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn numbered(n: usize) -> String {
        (1..=n).map(|i| format!("line {i}\n")).collect()
    }

    #[test]
    fn short_text_is_printed_whole() {
        assert_eq!(run(&numbered(4), 5, &[]), numbered(4));
    }

    #[test]
    fn long_text_pages_until_the_last_page_or_q() {
        let shown = run(&numbered(10), 5, &[KeyCode::Char(' '), KeyCode::Enter]);
        assert!(shown.contains("-- page 1 of 3 ·"), "{shown}");
        assert!(shown.contains("-- page 2 of 3 ·"), "{shown}");
        assert!(shown.contains("line 10\n"), "{shown}");
        assert!(
            !shown.contains("page 3 of 3"),
            "no prompt on the last page: {shown}"
        );
        let stopped = run(&numbered(10), 5, &[KeyCode::Char('q')]);
        assert!(stopped.contains("line 4\n") && !stopped.contains("line 5"));
    }

    #[test]
    fn back_and_last_move_between_pages() {
        let shown = run(&numbered(10), 5, &[KeyCode::Char('G')]);
        assert!(shown.ends_with("line 9\nline 10\n"), "{shown}");
        let shown = run(
            &numbered(10),
            5,
            &[KeyCode::Char('n'), KeyCode::Char('b'), KeyCode::Char('q')],
        );
        assert_eq!(shown.matches("line 1\n").count(), 2, "{shown}");
    }
}
