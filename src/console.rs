//! Where a session's output goes, chosen by the front end that owns the
//! terminal: results to stdout or to the file `\o` named, previews always
//! to stdout (the person decides on what they see), server notices and
//! warnings to stderr. A session writes through its `Console` and never
//! picks a stream itself.

#![allow(clippy::print_stdout, clippy::print_stderr)] // the one place a session's output is written

use std::fs::File;
use std::io::{self, BufWriter, Write};

/// A file that results go to instead of the terminal (`\o FILE`).
#[derive(Debug)]
pub struct OutputFile {
    /// The name the person gave, for messages.
    pub name: String,
    pub file: File,
}

impl OutputFile {
    /// stderr as a file: results sent aside, leaving stdout to one document.
    pub fn stderr() -> io::Result<OutputFile> {
        use std::os::fd::AsFd;
        let stderr = io::stderr().as_fd().try_clone_to_owned()?;
        Ok(OutputFile {
            name: "stderr".into(),
            file: File::from(stderr),
        })
    }
}

/// The standard streams, with results sent to a file while `\o` says so.
#[derive(Debug, Default)]
pub struct Console {
    output: Option<OutputFile>,
}

impl Console {
    /// Where results are written: the `\o` file, or stdout.
    pub fn results(&self) -> Box<dyn Write + '_> {
        match &self.output {
            Some(output) => Box::new(BufWriter::new(&output.file)),
            None => Box::new(BufWriter::new(io::stdout().lock())),
        }
    }

    /// Whether results reach the terminal (no `\o` file): only then do
    /// colour, the window's size and paging apply.
    pub fn results_on_terminal(&self) -> bool {
        self.output.is_none()
    }

    /// Where a preview of a write is drawn: stdout, even while results go
    /// to a file.
    pub fn preview(&self) -> Box<dyn Write + '_> {
        Box::new(BufWriter::new(io::stdout().lock()))
    }

    /// A line after a preview, on stdout with it.
    pub fn preview_note(&self, line: &str) {
        println!("{line}");
    }

    /// A message beside the results, on stderr: a server notice (shown as
    /// psql does) or a warning.
    pub fn message(&self, line: &str) {
        eprintln!("{line}");
    }

    /// Sends results to `output` from now on (`None`: to the terminal) and
    /// returns where they went before.
    pub fn redirect(&mut self, output: Option<OutputFile>) -> Option<OutputFile> {
        std::mem::replace(&mut self.output, output)
    }
}
