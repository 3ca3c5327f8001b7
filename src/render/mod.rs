//! Drawing results: tables, expanded records, CSV, JSON, NDJSON, Markdown,
//! and the interactive pager.
//!
//! Every format is a [`ResultWriter`]: a [`RowSink`] that writes rows as they
//! stream in, so memory stays flat when output is not a terminal. Rendering
//! never touches the database.
//!
//! The backend calls `columns` once (only for statements that return rows),
//! then `rows` per chunk, then the caller calls [`ResultWriter::finish`] with
//! the outcome. A failed write (a closed pipe) makes `rows` return
//! [`RowFlow::Stop`](crate::db::RowFlow::Stop); the error comes back from
//! `finish` (kept once for every streamed format, in [`streamed`]). Each
//! format's exact
//! output is documented in its module: [`csv`], [`json`] (json and ndjson),
//! [`markdown`], [`table`], [`expanded`], [`aligned`] (streamed table and
//! expanded output with its footer) and [`pager`].

mod aligned;
mod csv;
mod cut;
mod description;
mod envelope;
mod expanded;
mod footer;
mod json;
mod markdown;
mod paged_text;
mod pager;
mod spill;
mod streamed;
mod table;
pub(crate) mod text;

pub use description::Description;
pub use envelope::JsonEnvelope;

use std::io::{self, Write};
use std::time::Duration;

use crate::db::{Outcome, OutcomeKind, RowSink};
use crate::escape;

pub use footer::format_duration;
pub use json::{pretty as json_pretty, text as json_text, write_value as json_value};
pub use paged_text::show_paged;
pub use text::{truncate, width};

/// Output formats, as named by `--format`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Aligned table (paged on a terminal)
    #[default]
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
    /// Only a chart of the result, drawn in the terminal (glance ask)
    Chart,
}

/// psql's `\x` setting.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expanded {
    #[default]
    Off,
    On,
    /// Expanded when a row would not fit the terminal width.
    Auto,
}

/// Draws a [`Description`] (a listing such as `\d` or `\log`): its title
/// and sections for people (control characters escaped), its rows in any
/// format. `out` gives the sink for each part.
pub fn present<'a>(
    description: &Description,
    options: &RenderOptions,
    out: &mut dyn FnMut() -> Box<dyn Write + 'a>,
) -> io::Result<()> {
    let human = matches!(options.format, Format::Table | Format::Expanded);
    if human && let Some(title) = &description.title {
        let mut sink = out();
        writeln!(sink, "{}", escape::visible(title))?;
        sink.flush()?;
    }
    let mut writer = writer(options, out());
    writer.columns(&description.columns);
    writer.rows(description.rows.clone());
    let outcome = Outcome {
        kind: OutcomeKind::Rows {
            count: description.rows.len() as u64,
            complete: true,
        },
        db_time: Duration::ZERO,
    };
    writer.finish(&outcome)?;
    drop(writer);
    if human {
        let mut sink = out();
        for (heading, lines) in &description.sections {
            // A section without lines is a one-line fact, printed whole.
            if lines.is_empty() {
                writeln!(sink, "{}", escape::visible(heading))?;
                continue;
            }
            writeln!(sink, "{}:", escape::visible(heading))?;
            for line in lines {
                writeln!(sink, "    {}", escape::visible(line))?;
            }
        }
        sink.flush()?;
    }
    Ok(())
}

/// How to draw one result. The default is plain piped output: a table
/// without colour, paging, footer or timing, NULL as nothing, no envelope;
/// callers name what differs.
#[derive(Clone, Debug, Default)]
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
    /// Rows per page in the pager; the window height when `None`.
    pub page_size: Option<usize>,
    /// Show the footer (rows, time) after tables.
    pub footer: bool,
    /// Include the database time in the footer (`\timing`).
    pub timing: bool,
    /// The statement's command tag (`INSERT`, `CREATE TABLE`…) for the
    /// status line of statements without a result set.
    pub command_tag: String,
    /// The caller's fields around the result in the `json` format.
    pub json: JsonEnvelope,
}

/// A sink that draws a result in one format.
pub trait ResultWriter: RowSink {
    /// Completes the output once the backend is done (closing brackets,
    /// footer, last page) and reports any write error, such as a closed pipe.
    fn finish(&mut self, outcome: &Outcome) -> io::Result<()>;
    /// Ends output that a statement started before it failed, with `error`
    /// (the JSON `error` object) where the format has a place for it, and
    /// says whether it did; the caller then prints no error document.
    fn fail(&mut self, error: &serde_json::Value) -> io::Result<bool> {
        let _ = error;
        Ok(false)
    }
}

/// Makes the writer for `options`, writing to `out`. CSV written to a
/// terminal (`options.terminal`) has its control characters escaped
/// ([`escape::Visible`]); piped, it is exact.
///
/// `table` and `expanded` page through the result when `options.paged` and
/// `options.terminal` are both set; the caller sets `paged` only when stdin
/// and stdout are terminals, since the pager reads keys from the terminal.
pub fn writer<'a>(options: &RenderOptions, out: Box<dyn Write + 'a>) -> Box<dyn ResultWriter + 'a> {
    // CSV keeps every byte when piped; on a terminal, control characters in
    // the data are shown, not obeyed (the other formats escape them always).
    let out: Box<dyn Write + 'a> = match options.format {
        Format::Csv if options.terminal.is_some() => Box::new(escape::Visible::new(out)),
        _ => out,
    };
    match options.format {
        Format::Csv => Box::new(csv::CsvWriter::new(out)),
        Format::Json => Box::new(json::JsonWriter::new(out, options.json.clone())),
        Format::Ndjson => Box::new(json::NdjsonWriter::new(out)),
        Format::Markdown => Box::new(markdown::MarkdownWriter::new(out)),
        Format::Chart => Box::new(NoRows),
        Format::Table | Format::Expanded if options.paged && options.terminal.is_some() => {
            cut::CutLong::wrap(Box::new(pager::Pager::new(
                options,
                out,
                pager::TerminalKeys,
            )))
        }
        Format::Table | Format::Expanded => {
            cut::CutLong::wrap(Box::new(aligned::AlignedWriter::new(options, out)))
        }
    }
}

/// `chart` writes no rows: the front end draws the chart, from the rows
/// the session keeps or by streaming the result into it.
struct NoRows;

impl RowSink for NoRows {
    fn columns(&mut self, _: &[crate::db::Column]) -> crate::db::RowFlow {
        crate::db::RowFlow::Continue
    }

    fn rows(&mut self, _: Vec<crate::db::Row>) -> crate::db::RowFlow {
        crate::db::RowFlow::Continue
    }
}

impl ResultWriter for NoRows {
    fn finish(&mut self, _: &Outcome) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::time::Duration;

    use super::*;
    use crate::db::{Column, OutcomeKind, Row, RowFlow, Value};

    /// Columns of the sample result every format is tested with.
    pub fn sample_columns() -> Vec<Column> {
        [
            ("id", "int4"),
            ("name", "text"),
            ("score", "float8"),
            ("note", "text"),
            ("ok", "bool"),
            ("raw", "bytea"),
        ]
        .into_iter()
        .map(|(name, type_name)| Column {
            name: name.into(),
            type_name: type_name.into(),
        })
        .collect()
    }

    /// NULLs, an empty string, numbers, unicode, a value with a comma, quotes
    /// and a newline, a leading space, JSON and bytes.
    pub fn sample_rows() -> Vec<Row> {
        use Value::*;
        vec![
            vec![
                Int(1),
                Text("alice".into()),
                Float(1.5),
                Text("a, \"quoted\"\nline".into()),
                Bool(true),
                Bytes(vec![0, 255]),
            ],
            vec![Int(2), Text(String::new()), Null, Null, Bool(false), Null],
            vec![
                Int(3),
                Text("Zoë 日本".into()),
                Float(1e300),
                Text(" padded".into()),
                Null,
                Bytes(Vec::new()),
            ],
            vec![
                Int(-4),
                Null,
                Float(f64::NAN),
                Json("{\"k\": [1, 2]}".into()),
                Bool(true),
                Null,
            ],
        ]
    }

    /// Options for piped output of `format` with the footer on.
    pub fn options(format: Format) -> RenderOptions {
        RenderOptions {
            format,
            null: "<null>".into(),
            footer: true,
            timing: true,
            ..RenderOptions::default()
        }
    }

    /// Feeds `rows` to `sink` in chunks of `chunk` rows, as a backend would.
    pub fn stream(sink: &mut dyn RowSink, columns: &[Column], rows: Vec<Row>, chunk: usize) {
        assert_eq!(sink.columns(columns), RowFlow::Continue);
        for part in rows.chunks(chunk) {
            assert_eq!(sink.rows(part.to_vec()), RowFlow::Continue);
        }
    }

    /// A complete result of `count` rows that took 1.2 ms.
    pub fn done(count: u64) -> Outcome {
        Outcome {
            kind: OutcomeKind::Rows {
                count,
                complete: true,
            },
            db_time: Duration::from_micros(1200),
        }
    }

    /// A command that took 0.8 ms.
    pub fn command(affected: Option<u64>) -> Outcome {
        Outcome {
            kind: OutcomeKind::Command { affected },
            db_time: Duration::from_micros(800),
        }
    }

    /// A destination whose every write fails, like a closed pipe.
    pub struct Broken;

    impl Write for Broken {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }

        fn flush(&mut self) -> io::Result<()> {
            Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"))
        }
    }

    #[test]
    fn writer_picks_the_format() {
        for format in [
            Format::Csv,
            Format::Json,
            Format::Ndjson,
            Format::Markdown,
            Format::Table,
            Format::Expanded,
        ] {
            let mut buf = Vec::new();
            let mut w = writer(&options(format), Box::new(&mut buf));
            stream(&mut *w, &sample_columns(), sample_rows(), 3);
            w.finish(&done(4)).unwrap();
            drop(w);
            assert!(
                String::from_utf8(buf).unwrap().contains("Zoë 日本"),
                "{format:?}"
            );
        }
    }
}
