//! Drawing results: tables, expanded records, CSV, JSON, NDJSON, Markdown,
//! and the interactive pager.
//!
//! Every format is a [`ResultWriter`]: a [`RowSink`] that writes rows as they
//! stream in, so memory stays flat when output is not a terminal. Rendering
//! never touches the database.

use std::io::{self, Write};

use crate::db::{Outcome, RowSink};

/// Output formats, as named by `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned table (paged on a terminal)
    Table,
    /// One record per block, one line per column (psql's \x)
    Expanded,
    /// RFC 4180 CSV with a header row
    Csv,
    /// One JSON document with columns, rows and counts
    Json,
    /// One JSON object per row, one per line
    Ndjson,
    /// GitHub-flavoured Markdown table
    Markdown,
}

/// psql's `\x` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Expanded {
    #[default]
    Off,
    On,
    /// Expanded when a row would not fit the terminal width.
    Auto,
}

/// How to draw one result.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub format: Format,
    pub expanded: Expanded,
    pub color: bool,
    /// Terminal size when drawing for a person; `None` when output is piped.
    pub terminal: Option<(u16, u16)>,
    /// Page through the result with keys (only when stdin and stdout are terminals).
    pub paged: bool,
    /// What a NULL looks like in tables.
    pub null: String,
    /// Show the footer (rows, time) after tables.
    pub footer: bool,
    /// Include the database time in the footer (`\timing`).
    pub timing: bool,
    /// Fields written first in the `json` document (e.g. `sql`, `level`).
    pub json_prefix: Vec<(String, serde_json::Value)>,
}

/// A sink that draws a result in one format.
pub trait ResultWriter: RowSink {
    /// Completes the output once the backend is done (closing brackets,
    /// footer, last page) and reports any write error, such as a closed pipe.
    fn finish(&mut self, outcome: &Outcome) -> io::Result<()>;
}

/// Makes the writer for `options`, writing to `out`.
pub fn writer<'a>(options: &RenderOptions, out: Box<dyn Write + 'a>) -> Box<dyn ResultWriter + 'a> {
    let _ = (options, out);
    todo!("writers")
}
