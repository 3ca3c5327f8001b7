//! Asking for a password on the terminal, without echo, as psql does:
//! `Password for user NAME: `, Enter ends it, Ctrl-C or Ctrl-D cancels.
//!
//! Invariant: nothing typed is ever written anywhere (no echo, no `*`s, no
//! line history); the terminal is back in its normal mode whatever happens.
//! The keys are read in raw mode (crossterm, already used by the pager), so
//! Ctrl-C arrives as a key and cancels the prompt instead of reaching the
//! interrupt handler.

use std::io::{self, Write};

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::term::RawMode;

/// Shows `prompt` on the terminal and reads a password; `None` when the
/// person cancelled (Ctrl-C, Ctrl-D, Esc).
pub fn ask(prompt: &str) -> io::Result<Option<String>> {
    let mut out = terminal_output();
    let typed = {
        // Raw mode before the prompt shows: keys typed the moment it
        // appears must not be echoed by the terminal.
        let _raw = RawMode::enable()?;
        write!(out, "{prompt}")?;
        out.flush()?;
        collect(&mut || loop {
            if let Event::Key(key) = event::read()?
                && key.kind != KeyEventKind::Release
            {
                return Ok(key);
            }
        })
    };
    // The Enter (or the cancel) was not echoed either: end the prompt's line.
    writeln!(out)?;
    out.flush()?;
    typed
}

/// Where the prompt goes: the controlling terminal, as psql writes to
/// /dev/tty, so it shows even when stderr is redirected; else stderr.
fn terminal_output() -> Box<dyn Write> {
    match std::fs::OpenOptions::new().write(true).open("/dev/tty") {
        Ok(tty) => Box::new(tty),
        Err(_) => Box::new(io::stderr()),
    }
}

/// Builds the password from key presses until Enter (`Some`) or a cancel
/// (`None`). Backspace removes the last character, Ctrl-U the whole line.
fn collect(next: &mut dyn FnMut() -> io::Result<KeyEvent>) -> io::Result<Option<String>> {
    let mut password = String::new();
    loop {
        let key = next()?;
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Enter => return Ok(Some(password)),
            KeyCode::Char('j' | 'm') if control => return Ok(Some(password)),
            KeyCode::Char('c' | 'd') if control => return Ok(None),
            KeyCode::Esc => return Ok(None),
            KeyCode::Char('u') if control => password.clear(),
            KeyCode::Char('h') if control => {
                password.pop();
            }
            KeyCode::Backspace => {
                password.pop();
            }
            KeyCode::Char(_) if control => {}
            KeyCode::Char(c) => password.push(c),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed(keys: &[KeyEvent]) -> Option<String> {
        let mut keys = keys.iter().copied();
        collect(&mut || {
            keys.next()
                .ok_or_else(|| io::Error::from(io::ErrorKind::UnexpectedEof))
        })
        .unwrap()
    }

    fn chars(text: &str) -> Vec<KeyEvent> {
        text.chars()
            .map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
            .collect()
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn enter() -> KeyEvent {
        KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)
    }

    #[test]
    fn enter_ends_the_password_and_editing_keys_work() {
        let mut keys = chars("s3cr;t é");
        keys.push(enter());
        assert_eq!(typed(&keys).as_deref(), Some("s3cr;t é"));
        let mut keys = chars("wrong");
        keys.push(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        keys.push(ctrl('u'));
        keys.extend(chars("right"));
        keys.push(KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
        keys.push(ctrl('m'));
        assert_eq!(typed(&keys).as_deref(), Some("righ"));
        assert_eq!(typed(&[enter()]).as_deref(), Some(""));
    }

    #[test]
    fn ctrl_c_ctrl_d_and_escape_cancel() {
        for cancel in [
            ctrl('c'),
            ctrl('d'),
            KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
        ] {
            let mut keys = chars("half");
            keys.push(cancel);
            keys.push(enter());
            assert_eq!(typed(&keys), None);
        }
    }
}
