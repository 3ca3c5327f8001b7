//! `\i FILE` and `\ir FILE`: the lines of a file run as if typed, like
//! `psql -f`. The file is not trusted: its statements meet the same gate and
//! confirmations as typed ones. A failing line is reported with the file
//! name and line number, and the lines after it still run (psql's default;
//! glance has no `ON_ERROR_STOP`). `\q` in a file ends glance, and Ctrl-C
//! cancelling a statement stops the file (and the files around it), as in
//! psql.

use std::path::{Path, PathBuf};

use super::input::Input;
use super::{AfterLine, Repl};
use crate::export;
use crate::files;
use crate::report;
use crate::session::Session;

/// How deep `\i` may nest (a file that includes itself stops here).
pub const MAX_DEPTH: usize = 16;

/// The largest file `\i` reads.
pub const MAX_FILE: u64 = 16 * 1024 * 1024;

/// The files being read, innermost last, and the line being run.
#[derive(Default)]
pub struct Scripts {
    pub files: Vec<PathBuf>,
    /// `file:line` of the line being run, for error messages.
    pub location: Option<String>,
    /// Ctrl-C cancelled a statement: the files being read stop.
    pub cancelled: bool,
}

impl Scripts {
    /// `file:line: ` before an error, while a file is being run.
    pub fn prefix(&self) -> String {
        match &self.location {
            Some(location) => format!("{location}: "),
            None => String::new(),
        }
    }
}

impl Repl {
    /// `\i FILE` (`relative`: `\ir`, resolved from the directory of the file
    /// being read, or the current directory at the prompt).
    pub(super) fn include(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        file: &str,
        relative: bool,
    ) -> AfterLine {
        let mut path = export::expand_home(file);
        if relative
            && path.is_relative()
            && let Some(dir) = self.scripts.files.last().and_then(|f| f.parent())
        {
            path = dir.join(path);
        }
        let word = if relative { "\\ir" } else { "\\i" };
        if self.scripts.files.len() >= MAX_DEPTH {
            eprint!(
                "{}{}",
                self.scripts.prefix(),
                report::error_line(
                    &format!("{word} {file}: files nest more than {MAX_DEPTH} deep; not read"),
                    Some("a file that includes itself, directly or not, never ends"),
                )
            );
            return AfterLine::Continue;
        }
        let text = match files::read_text_capped(&path, MAX_FILE) {
            Ok(text) => text,
            Err(error) => {
                eprint!(
                    "{}{}",
                    self.scripts.prefix(),
                    report::error_line(&format!("{word}: cannot read {file}: {error}"), None)
                );
                return AfterLine::Continue;
            }
        };
        let outer = self.scripts.location.take();
        self.scripts.files.push(path.clone());
        let mut flow = AfterLine::Continue;
        for (number, line) in text.lines().enumerate() {
            self.scripts.location = Some(format!("{}:{}", shown(&path), number + 1));
            flow = self.handle(session, input, line.trim_end_matches('\r'));
            if flow == AfterLine::Quit || self.output_closed || self.scripts.cancelled {
                break;
            }
        }
        self.scripts.files.pop();
        if self.scripts.cancelled && self.scripts.files.is_empty() {
            self.scripts.cancelled = false;
            eprintln!(
                "{}: cancelled; the rest of the file was not run",
                self.scripts.location.as_deref().unwrap_or(file)
            );
        }
        self.scripts.location = outer;
        flow
    }
}

fn shown(path: &Path) -> String {
    crate::escape::visible(&path.display().to_string()).into_owned()
}
