//! Putting text on the system clipboard. A clipboard program is used where
//! the environment has one: `wl-copy` under Wayland (`WAYLAND_DISPLAY`),
//! `xclip` or `xsel` under X11 (`DISPLAY`), `pbcopy` on macOS, `clip.exe`
//! on WSL — the first that runs and succeeds. Otherwise the text is sent to
//! the terminal (`/dev/tty`) as an OSC 52 escape, `ESC ] 52 ; c ; BASE64 BEL`,
//! which a terminal that allows clipboard access puts on the clipboard of
//! the machine it runs on, also over SSH. Inside tmux (`TMUX`) the escape is
//! wrapped in tmux's passthrough (`ESC P tmux; … ESC \`), which needs
//! `set -g allow-passthrough on`.

use std::io::{self, Write};
use std::process::{Command, Stdio};

use base64::Engine as _;

/// The most glance puts on the clipboard: 10 MB.
pub const LIMIT: u64 = 10_000_000;

/// How the text reached the clipboard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Via {
    /// A clipboard program, by name.
    Program(&'static str),
    /// The OSC 52 escape, written to the terminal.
    Terminal,
}

impl Via {
    /// `with xclip`, or how the terminal was used and what it must allow.
    pub fn describe(self) -> String {
        match self {
            Via::Program(name) => format!("with {name}"),
            Via::Terminal => {
                "through the terminal (OSC 52); your terminal must allow clipboard access"
                    .to_string()
            }
        }
    }
}

/// Copies `text` to the clipboard and says how.
pub fn copy(text: &[u8]) -> io::Result<Via> {
    let desktop = Desktop::detect();
    for program in programs(desktop) {
        if run(program, text).is_ok() {
            return Ok(Via::Program(program.name));
        }
    }
    let mut tty = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/tty")
        .map_err(|e| {
            io::Error::new(
                e.kind(),
                format!(
                    "no clipboard program (wl-copy, xclip, xsel, pbcopy, clip.exe) worked, \
                     and there is no terminal to send OSC 52 to ({e})"
                ),
            )
        })?;
    tty.write_all(&osc52(text, desktop.tmux))?;
    tty.flush()?;
    Ok(Via::Terminal)
}

/// What the environment says about clipboards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct Desktop {
    wayland: bool,
    x11: bool,
    macos: bool,
    wsl: bool,
    tmux: bool,
}

impl Desktop {
    fn detect() -> Desktop {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        Desktop {
            wayland: set("WAYLAND_DISPLAY"),
            x11: set("DISPLAY"),
            macos: cfg!(target_os = "macos"),
            wsl: set("WSL_DISTRO_NAME") || set("WSL_INTEROP"),
            tmux: set("TMUX"),
        }
    }
}

/// A clipboard program and the arguments that make it read stdin.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Program {
    name: &'static str,
    args: &'static [&'static str],
}

/// The programs to try, in order, for `desktop`.
fn programs(desktop: Desktop) -> Vec<Program> {
    let mut list = Vec::new();
    if desktop.wayland {
        list.push(Program {
            name: "wl-copy",
            args: &[],
        });
    }
    if desktop.x11 {
        list.push(Program {
            name: "xclip",
            args: &["-selection", "clipboard"],
        });
        list.push(Program {
            name: "xsel",
            args: &["--clipboard", "--input"],
        });
    }
    if desktop.macos {
        list.push(Program {
            name: "pbcopy",
            args: &[],
        });
    }
    if desktop.wsl {
        list.push(Program {
            name: "clip.exe",
            args: &[],
        });
    }
    list
}

/// Feeds `text` to `program`; an error when it is missing or fails. Its
/// output is discarded, so a program that stays behind to serve the
/// selection (xclip, wl-copy) does not hold glance up.
fn run(program: Program, text: &[u8]) -> io::Result<()> {
    let mut child = Command::new(program.name)
        .args(program.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let written = child
        .stdin
        .take()
        .map_or(Ok(()), |mut stdin| stdin.write_all(text));
    let status = child.wait()?;
    written?;
    if status.success() {
        Ok(())
    } else {
        Err(io::Error::other(format!(
            "{} failed: {status}",
            program.name
        )))
    }
}

/// The OSC 52 escape that sets the clipboard to `text`, wrapped for tmux's
/// passthrough when `tmux`.
fn osc52(text: &[u8], tmux: bool) -> Vec<u8> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let sequence = format!("\x1b]52;c;{encoded}\x07");
    if tmux {
        format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b")).into_bytes()
    } else {
        sequence.into_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_is_base64_between_the_markers() {
        assert_eq!(osc52(b"hi", false), b"\x1b]52;c;aGk=\x07");
        assert_eq!(osc52(b"", false), b"\x1b]52;c;\x07");
        assert_eq!(
            osc52(b"hi", true),
            b"\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\".to_vec()
        );
    }

    #[test]
    fn programs_follow_the_environment() {
        let names = |desktop| -> Vec<&str> { programs(desktop).iter().map(|p| p.name).collect() };
        assert!(names(Desktop::default()).is_empty());
        let x11 = Desktop {
            x11: true,
            ..Desktop::default()
        };
        assert_eq!(names(x11), ["xclip", "xsel"]);
        let both = Desktop {
            wayland: true,
            x11: true,
            ..Desktop::default()
        };
        assert_eq!(names(both), ["wl-copy", "xclip", "xsel"]);
        let wsl = Desktop {
            wsl: true,
            ..Desktop::default()
        };
        assert_eq!(names(wsl), ["clip.exe"]);
    }

    #[test]
    fn describes_how_it_copied() {
        assert_eq!(Via::Program("xclip").describe(), "with xclip");
        assert!(Via::Terminal.describe().contains("OSC 52"));
    }

    #[test]
    fn a_missing_program_is_an_error() {
        let missing = Program {
            name: "glance-no-such-clipboard-program",
            args: &[],
        };
        assert!(run(missing, b"x").is_err());
    }
}
