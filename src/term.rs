//! Facts about the terminal, read once at start-up: whether stdin and stdout
//! are terminals, whether to colour, and the window size. Paging, colour and
//! prompting all derive from this one value.

use std::io::IsTerminal;

use serde::Deserialize;

/// Whether output is coloured (`--no-color`, `[display] color`).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR or TERM=dumb says otherwise.
    #[default]
    Auto,
    Always,
    Never,
}

/// What the process is connected to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Term {
    pub stdin_tty: bool,
    pub stdout_tty: bool,
    pub stderr_tty: bool,
    /// Colour on stdout: see [`Term::detect`].
    pub color: bool,
    /// Colour on stderr, by the same rules with stderr's terminal.
    pub stderr_color: bool,
}

impl Term {
    /// Reads the facts from the process's streams and environment.
    /// `NO_COLOR` wins over `color = "always"`; `--no-color` arrives as
    /// [`ColorChoice::Never`].
    pub fn detect(color: ColorChoice) -> Term {
        let stdout_tty = std::io::stdout().is_terminal();
        let stderr_tty = std::io::stderr().is_terminal();
        let no_color_env = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
        let colors = |tty: bool| match color {
            ColorChoice::Never => false,
            ColorChoice::Always => !no_color_env,
            ColorChoice::Auto => tty && !no_color_env && !dumb,
        };
        Term {
            stdin_tty: std::io::stdin().is_terminal(),
            stdout_tty,
            stderr_tty,
            color: colors(stdout_tty),
            stderr_color: colors(stderr_tty),
        }
    }

    /// A person is there to answer questions: stdin and stderr are terminals.
    pub fn can_ask(&self) -> bool {
        self.stdin_tty && self.stderr_tty
    }

    /// Current window size (columns, rows) when stdout is a terminal.
    pub fn size(&self) -> Option<(u16, u16)> {
        if !self.stdout_tty {
            return None;
        }
        crossterm::terminal::size()
            .ok()
            .filter(|&(w, h)| w > 0 && h > 0)
    }
}

/// Whether the locale says the terminal shows UTF-8: the first of
/// `LC_ALL`, `LC_CTYPE` and `LANG` that is set names UTF-8. Charts fall
/// back to ASCII otherwise.
pub fn utf8_locale() -> bool {
    let setting = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()));
    setting.is_some_and(|v| {
        let v = v.to_ascii_lowercase();
        v.contains("utf-8") || v.contains("utf8")
    })
}

impl Term {
    /// Columns to draw in: the window's width, else `$COLUMNS`, else 80.
    pub fn width_or_default(&self) -> usize {
        self.size()
            .map(|(w, _)| usize::from(w))
            .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
            .filter(|&w| w > 0)
            .unwrap_or(80)
    }
}

/// `text` dimmed when `color` is on (footers, tool calls, notes).
pub fn dim(text: &str, color: bool) -> String {
    if color {
        use owo_colors::OwoColorize;
        text.dimmed().to_string()
    } else {
        text.to_string()
    }
}

/// Throws away keys typed before a question appeared, so that only what the
/// person types after reading it can answer (a `y` pressed while an answer
/// streamed must not confirm a statement nobody has seen yet). Does nothing
/// when stdin is not a terminal: piped input is read as it comes.
pub fn discard_typeahead() {
    #[cfg(unix)]
    {
        let stdin = std::io::stdin();
        if stdin.is_terminal() {
            // Failing to flush leaves the keys queued; the question is still asked.
            let _ = rustix::termios::tcflush(&stdin, rustix::termios::QueueSelector::IFlush);
        }
    }
}

/// The terminal in raw mode (keys arrive one by one, unechoed) for as long
/// as the value lives: the pager's keys, a password typed unseen.
pub struct RawMode;

impl RawMode {
    pub fn enable() -> std::io::Result<RawMode> {
        crossterm::terminal::enable_raw_mode()?;
        Ok(RawMode)
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // Nothing better can be done if the terminal refuses.
        let _ = crossterm::terminal::disable_raw_mode();
    }
}
