//! `\export` and the result forms of `\yank`: the statement behind the last
//! result runs again — only when the classifier calls it `read_only`, and
//! inside the server guard — and its whole result is written in one format,
//! to a file or into memory.
//!
//! Invariants: a file is written to a temporary file in the same directory
//! and renamed into place only when everything succeeded, so a failure
//! (database error, Ctrl-C, full disk, file size limit) leaves no partial
//! file and leaves the target as it was; an existing file is replaced only
//! when asked, and then keeps its mode (and owner where the process may set
//! it). A symbolic link is followed, so the file it points to is replaced and
//! the link stays; a special file (`/dev/null`, a FIFO) is written directly,
//! as `\o` does, never replaced.
//!
//! Formats are the ones `glance ask --format` writes, drawn by the same
//! writers, with `sql` and `level` leading the `json` document as with
//! `ask --sql`. On PostgreSQL, CSV comes straight from
//! `COPY (…) TO STDOUT WITH (FORMAT csv, HEADER)`, which differs from the
//! CSV writer in two ways a CSV reader does not see, and one it does:
//! booleans are `t`/`f` (not `true`/`false`), and a text value with a
//! leading or trailing space is not quoted.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::chart::{self, Plot, svg::SvgError};
use crate::console::OutputFile;
use crate::db::{self, Dialect, OutcomeKind};
use crate::numbers::counted;
use crate::numbers::thousands;
use crate::render::{self, Format, JsonEnvelope, RenderOptions};
use crate::safety::Level;
use crate::session::{LastResult, NoRerun, Session};

/// The formats `\export` writes, by the names it takes.
pub const FORMATS: &[(&str, Format)] = &[
    ("csv", Format::Csv),
    ("json", Format::Json),
    ("ndjson", Format::Ndjson),
    ("md", Format::Markdown),
    ("markdown", Format::Markdown),
];

/// The format names, for messages.
pub const FORMAT_NAMES: &str = "csv, json, ndjson or md";

/// The size of a chart saved as SVG, in pixels.
pub const CHART_WIDTH: u32 = 800;
pub const CHART_HEIGHT: u32 = 500;

/// The format called `name` in [`FORMATS`].
pub fn format_named(name: &str) -> Option<Format> {
    FORMATS
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, format)| format)
}

/// The short name of `format`, as shown in messages.
pub fn format_name(format: Format) -> &'static str {
    match format {
        Format::Table => "table",
        Format::Expanded => "expanded",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Ndjson => "ndjson",
        Format::Markdown => "md",
        Format::Chart => "chart",
    }
}

/// What an export wrote.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    pub rows: u64,
    pub bytes: u64,
    pub format: Format,
}

impl Written {
    /// `100,000 rows`.
    pub fn rows_text(&self) -> String {
        match self.rows {
            1 => "1 row".to_string(),
            n => format!("{} rows", thousands(n)),
        }
    }

    /// `csv, 5.2 MB`.
    pub fn detail(&self) -> String {
        format!("{}, {}", format_name(self.format), size_text(self.bytes))
    }
}

/// Why an export or copy did not happen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    NoRerun(#[from] NoRerun),
    #[error("{} already exists", .0.display())]
    Exists(PathBuf),
    #[error("{} is a directory", .0.display())]
    IsDirectory(PathBuf),
    #[error("the directory {} does not exist", .0.display())]
    NoDirectory(PathBuf),
    #[error("cannot create a file in {}: {source}", dir.display())]
    Create { dir: PathBuf, source: io::Error },
    #[error("cannot write {}: {source}", path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("the result is larger than {}", size_text(*.0))]
    TooLarge(u64),
    #[error(transparent)]
    Database(db::Error),
    #[error("{0}: a chart is saved as SVG, so the file's name must end in .svg")]
    NotSvg(String),
    #[error(transparent)]
    Chart(#[from] SvgError),
}

impl Error {
    /// What the person can do about it when the file was a chart's.
    pub fn chart_hint(&self) -> Option<&'static str> {
        match self {
            Error::IsDirectory(_) => Some("give a file name, e.g. charts/out.svg"),
            error => error.hint(),
        }
    }

    /// What the person can do about it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Error::NoRerun(reason) => Some(reason.hint()),
            Error::Exists(_) => {
                Some("end the command with ! to replace it, e.g. \\export csv out.csv!")
            }
            Error::IsDirectory(_) => Some("give a file name, e.g. reports/out.csv"),
            Error::NoDirectory(_) => Some("create the directory first, or give another path"),
            Error::Create { source, .. } | Error::Write { source, .. }
                if source.kind() == io::ErrorKind::PermissionDenied =>
            {
                Some("choose a directory you can write to")
            }
            Error::Write { source, .. } if source.kind() == io::ErrorKind::StorageFull => {
                Some("free some space, or write somewhere else")
            }
            Error::Write { source, .. } if source.kind() == io::ErrorKind::FileTooLarge => Some(
                "the file size limit (ulimit -f) is smaller than the result; raise it, or select less",
            ),
            Error::TooLarge(_) => Some("write it to a file with \\export instead"),
            Error::NotSvg(_) => Some("name the file FILE.svg"),
            _ => None,
        }
    }
}

/// Writes the whole last result to `file` in `format`. Without `overwrite`
/// an existing file is left alone. Returns the path written and what went
/// into it.
pub fn to_file(
    session: &mut Session,
    format: Format,
    file: &str,
    overwrite: bool,
) -> Result<(PathBuf, Written), Error> {
    let last = session.last_result()?;
    let (target, (rows, bytes)) = write_file(file, overwrite, |handle| {
        write_to(session, format, &last, handle)
    })?;
    Ok((
        target,
        Written {
            rows,
            bytes,
            format,
        },
    ))
}

/// Writes `text` to `file` as `\export` writes a file: whole or not at
/// all, and an existing file replaced only with `overwrite`.
pub fn write_text(file: &str, overwrite: bool, text: &str) -> Result<PathBuf, Error> {
    let (path, _) = write_file(file, overwrite, |mut handle| {
        handle.write_all(text.as_bytes()).map_err(Failed::Output)?;
        Ok((0, text.len() as u64))
    })?;
    Ok(path)
}

/// Checks, without writing, that [`write_text`] could create `file` (not
/// replacing anything): it does not exist, is no directory, and its
/// directory exists and takes a new file (tried with a temporary file,
/// removed at once). Lets a command refuse a target before it runs
/// anything, then write at the end.
pub fn check_new_file(file: &str) -> Result<PathBuf, Error> {
    let target = expand_home(file);
    check_target(&target, false)?;
    TempFile::beside(&target).map_err(|source| Error::Create {
        dir: directory_of(&target),
        source,
    })?;
    Ok(target)
}

/// Writes `plot` as an SVG image of [`CHART_WIDTH`] × [`CHART_HEIGHT`]
/// pixels to `file`, whose name must end in `.svg`, as [`write_text`] does.
pub fn write_chart(file: &str, overwrite: bool, plot: &Plot) -> Result<PathBuf, Error> {
    if !file.to_ascii_lowercase().ends_with(".svg") {
        return Err(Error::NotSvg(file.to_string()));
    }
    let svg = chart::svg::render(plot, CHART_WIDTH, CHART_HEIGHT)?;
    write_text(file, overwrite, &svg)
}

/// Creates or (with `overwrite`) replaces `file` with what `fill` writes
/// into a temporary file beside it, renamed into place only when `fill`
/// succeeded; a special file (`/dev/null`, a FIFO) is written directly.
/// Without `overwrite` an existing file is left alone. Returns the path
/// and what `fill` returned (rows and bytes).
pub fn write_file(
    file: &str,
    overwrite: bool,
    fill: impl FnOnce(&File) -> Result<(u64, u64), Failed>,
) -> Result<(PathBuf, (u64, u64)), Error> {
    let target = expand_home(file);
    check_target(&target, overwrite)?;
    let write_error = |source| Error::Write {
        path: target.clone(),
        source,
    };
    // Only a replacement follows links: without `!` an existing name, link
    // or not, was refused above.
    let place = if overwrite {
        resolve_links(&target).map_err(write_error)?
    } else {
        target.clone()
    };
    let existing = fs::metadata(&place).ok();
    if existing.as_ref().is_some_and(is_special) {
        let device = OpenOptions::new()
            .write(true)
            .open(&place)
            .map_err(write_error)?;
        let counts = fill(&device).map_err(|e| e.at(&target))?;
        return Ok((target.clone(), counts));
    }
    let temp = TempFile::beside(&place).map_err(|source| Error::Create {
        dir: directory_of(&place),
        source,
    })?;
    if let Some(meta) = &existing {
        keep_owner_and_mode(&temp.file, meta).map_err(write_error)?;
    }
    let counts = fill(&temp.file).map_err(|e| e.at(&target))?;
    temp.file.sync_all().map_err(write_error)?;
    temp.persist(&place, overwrite).map_err(|source| {
        if source.kind() == io::ErrorKind::AlreadyExists {
            Error::Exists(target.clone())
        } else {
            write_error(source)
        }
    })?;
    Ok((target.clone(), counts))
}

/// Writes the result into `file` (buffered); returns the rows and bytes.
fn write_to(
    session: &mut Session,
    format: Format,
    last: &LastResult,
    file: &File,
) -> Result<(u64, u64), Failed> {
    let mut out = Measured::new(BufWriter::new(file), u64::MAX);
    let rows = write_result(session, format, last, &mut out)?;
    Ok((rows, out.bytes))
}

/// Whether `meta` is a file that is written in place rather than replaced:
/// a character or block device, a FIFO or a socket.
fn is_special(meta: &fs::Metadata) -> bool {
    !meta.is_file() && !meta.is_dir()
}

/// Follows `path` through symbolic links to the name they end at (which
/// need not exist yet), as opening it for writing would.
fn resolve_links(path: &Path) -> io::Result<PathBuf> {
    /// Linux's limit on links followed in one lookup.
    const MAX_LINKS: usize = 40;
    let mut path = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                // A relative link is relative to the link's directory; an
                // absolute one replaces the path.
                path = directory_of(&path).join(fs::read_link(&path)?);
            }
            _ => return Ok(path),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Gives the new file the replaced file's owner and group (where the
/// process may: root, or a group it belongs to), then its mode, so a private
/// file stays private.
fn keep_owner_and_mode(file: &File, old: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::{MetadataExt, fchown};
    if fchown(file, Some(old.uid()), Some(old.gid())).is_err() {
        // Not allowed to give the file away: keep at least the group.
        let _ = fchown(file, None, Some(old.gid()));
    }
    // After chown, which may clear set-id bits.
    file.set_permissions(old.permissions())
}

/// Writes the whole last result into memory in `format`, up to `limit`
/// bytes (more is [`Error::TooLarge`]).
pub fn to_memory(
    session: &mut Session,
    format: Format,
    limit: u64,
) -> Result<(Vec<u8>, Written), Error> {
    let last = session.last_result()?;
    let mut out = Measured::new(Vec::new(), limit);
    let rows = write_result(session, format, &last, &mut out).map_err(|failed| match failed {
        // Writing into memory fails only at the limit.
        Failed::Output(_) => Error::TooLarge(limit),
        Failed::Database(error) => Error::Database(error),
    })?;
    let written = Written {
        rows,
        bytes: out.bytes,
        format,
    };
    Ok((out.inner, written))
}

/// Opens `file` for `\o`, emptying it as psql does.
pub fn open_output(file: &str) -> Result<OutputFile, Error> {
    let path = expand_home(file);
    if path.is_dir() {
        return Err(Error::IsDirectory(path));
    }
    let dir = directory_of(&path);
    if !dir.is_dir() {
        return Err(Error::NoDirectory(dir));
    }
    let file_handle = File::create(&path).map_err(|source| Error::Write { path, source })?;
    Ok(OutputFile {
        name: file.to_string(),
        file: file_handle,
    })
}

/// `~/x` → `$HOME/x`; anything else as given.
pub fn expand_home(file: &str) -> PathBuf {
    let home = dirs::home_dir();
    match (file.strip_prefix("~/"), home) {
        (Some(rest), Some(home)) => home.join(rest),
        (None, Some(home)) if file == "~" => home,
        _ => PathBuf::from(file),
    }
}

/// `512 bytes`, `1.3 kB`, `5.2 MB`, `1.1 GB` (powers of 1000).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return counted(bytes, "byte", "bytes");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 999.95 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

/// How writing a result failed.
pub enum Failed {
    /// Writing the output failed (or it grew past its limit).
    Output(io::Error),
    Database(db::Error),
}

impl Failed {
    /// The export error, for a file the person called `path`.
    fn at(self, path: &Path) -> Error {
        match self {
            Failed::Output(source) => Error::Write {
                path: path.to_path_buf(),
                source,
            },
            Failed::Database(error) => Error::Database(error),
        }
    }
}

/// Runs `last` again and writes its whole result to `out`; returns the
/// rows. When both fail, the write is reported: it is what stopped the fetch.
fn write_result<W: Write>(
    session: &mut Session,
    format: Format,
    last: &LastResult,
    out: &mut Measured<W>,
) -> Result<u64, Failed> {
    let sql = last.sql.as_str();
    // COPY takes no bound values: a result with some goes through the writer.
    let copy = match last.params.is_empty() {
        true => copy_statement(session, format, sql),
        false => None,
    };
    let result =
        match copy {
            Some(copy) => {
                let mut records = CsvRecords::new(&mut *out);
                let copied = session
                    .copy_out(sql, &copy, &mut records)
                    .map(|_| records.rows())
                    .map_err(Failed::Database);
                if let Ok(rows) = copied {
                    session.count_copied_rows(rows);
                }
                copied
            }
            None => {
                let options = options(session, format, sql);
                let mut writer = render::writer(&options, Box::new(&mut *out));
                match session.rerun_last(last, &mut *writer) {
                    Ok(outcome) => writer.finish(&outcome).map_err(Failed::Output).map(|()| {
                        match outcome.kind {
                            OutcomeKind::Rows { count, .. } => count,
                            OutcomeKind::Command { .. } => 0,
                        }
                    }),
                    Err(error) => Err(Failed::Database(error)),
                }
            }
        };
    // A failed flush is kept in `out.error`, like every failed write.
    let _ = out.flush();
    match out.error.take() {
        Some(error) => Err(Failed::Output(error)),
        None => result,
    }
}

/// `COPY (sql) TO STDOUT WITH (FORMAT csv, HEADER)` for CSV on PostgreSQL,
/// when the classifier calls that statement `read_only` (COPY takes the
/// query); otherwise `None`, and the rows go through the CSV writer.
fn copy_statement(session: &mut Session, format: Format, sql: &str) -> Option<String> {
    if format != Format::Csv || session.info().dialect != Dialect::Postgres {
        return None;
    }
    let query = sql.trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    let copy = format!("COPY (\n{query}\n) TO STDOUT WITH (FORMAT csv, HEADER)");
    let verdict = session.classify(&copy);
    (verdict.level == Level::ReadOnly && verdict.statements == 1).then_some(copy)
}

/// Plain output for a file or the clipboard: no colour, no paging, no
/// terminal width, no footer; JSON led by `sql` and `level` as `ask --sql`.
fn options(session: &Session, format: Format, sql: &str) -> RenderOptions {
    RenderOptions {
        format,
        null: session.settings.null.clone(),
        json: JsonEnvelope {
            prefix: vec![
                ("sql".to_string(), sql.into()),
                ("level".to_string(), Level::ReadOnly.as_str().into()),
            ],
            ..JsonEnvelope::default()
        },
        ..RenderOptions::default()
    }
}

pub fn check_target(target: &Path, overwrite: bool) -> Result<(), Error> {
    if target.is_dir() {
        return Err(Error::IsDirectory(target.to_path_buf()));
    }
    let dir = directory_of(target);
    if !dir.is_dir() {
        return Err(Error::NoDirectory(dir));
    }
    if !overwrite && fs::symlink_metadata(target).is_ok() {
        return Err(Error::Exists(target.to_path_buf()));
    }
    Ok(())
}

/// The directory a file goes in (`.` for a bare name).
fn directory_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A temporary file beside the target, removed when dropped unless it was
/// renamed into place.
struct TempFile {
    path: PathBuf,
    file: File,
    renamed: bool,
}

impl TempFile {
    fn beside(target: &Path) -> io::Result<TempFile> {
        let dir = directory_of(target);
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let pid = std::process::id();
        let mut attempt = 0;
        loop {
            let path = dir.join(format!(".{name}.glance-{pid}-{attempt}.tmp"));
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(file) => {
                    return Ok(TempFile {
                        path,
                        file,
                        renamed: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Puts the file at `target`. Without `overwrite` this never replaces
    /// a file, even one created while the export ran (a hard link fails
    /// when the name is taken); where hard links are not supported, it
    /// checks and renames.
    fn persist(mut self, target: &Path, overwrite: bool) -> io::Result<()> {
        if !overwrite {
            match fs::hard_link(&self.path, target) {
                // The temporary name is removed on drop.
                Ok(()) => return Ok(()),
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(e),
                Err(e) if fs::symlink_metadata(target).is_ok() => {
                    return Err(io::Error::new(io::ErrorKind::AlreadyExists, e));
                }
                Err(_) => {}
            }
        }
        fs::rename(&self.path, target)?;
        self.renamed = true;
        Ok(())
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.renamed {
            // Nothing more can be done if the temporary file cannot be removed.
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Counts the bytes written, refuses to go past `limit`, and keeps the
/// first error, which the writers above it only see as a stop.
struct Measured<W: Write> {
    inner: W,
    bytes: u64,
    limit: u64,
    error: Option<io::Error>,
}

impl<W: Write> Measured<W> {
    fn new(inner: W, limit: u64) -> Self {
        Measured {
            inner,
            bytes: 0,
            limit,
            error: None,
        }
    }

    /// Remembers `error` (the first one) and returns a copy for the caller.
    fn fail(&mut self, error: io::Error) -> io::Error {
        let copy = io::Error::new(error.kind(), error.to_string());
        if error.kind() != io::ErrorKind::Interrupted {
            self.error.get_or_insert(error);
        }
        copy
    }
}

impl<W: Write> Write for Measured<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.bytes.saturating_add(buf.len() as u64) > self.limit {
            let error = io::Error::new(io::ErrorKind::FileTooLarge, "over the size limit");
            return Err(self.fail(error));
        }
        match self.inner.write(buf) {
            Ok(n) => {
                self.bytes += n as u64;
                Ok(n)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().map_err(|e| self.fail(e))
    }
}

/// Counts the records of CSV passing through (line ends outside quotes),
/// less the header, for COPY output, whose row count the driver does not give.
struct CsvRecords<'a> {
    out: &'a mut dyn Write,
    quoted: bool,
    lines: u64,
}

impl<'a> CsvRecords<'a> {
    fn new(out: &'a mut dyn Write) -> Self {
        CsvRecords {
            out,
            quoted: false,
            lines: 0,
        }
    }

    fn rows(&self) -> u64 {
        self.lines.saturating_sub(1)
    }
}

impl Write for CsvRecords<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        for &b in &buf[..n] {
            match b {
                b'"' => self.quoted = !self.quoted,
                b'\n' if !self.quoted => self.lines += 1,
                _ => {}
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_is_checked_before_anything_is_written() {
        let dir = std::env::temp_dir().join(format!("glance-check-new-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let fresh = dir.join("fresh.svg");
        assert_eq!(check_new_file(fresh.to_str().unwrap()).unwrap(), fresh);
        assert_eq!(
            fs::read_dir(&dir).unwrap().count(),
            0,
            "nothing left behind"
        );
        fs::write(&fresh, "x").unwrap();
        assert!(matches!(
            check_new_file(fresh.to_str().unwrap()),
            Err(Error::Exists(_))
        ));
        assert!(matches!(
            check_new_file(dir.to_str().unwrap()),
            Err(Error::IsDirectory(_))
        ));
        let missing = dir.join("nope").join("a.svg");
        assert!(matches!(
            check_new_file(missing.to_str().unwrap()),
            Err(Error::NoDirectory(_))
        ));
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_charts_directory_hint_names_an_svg() {
        let error = Error::IsDirectory(PathBuf::from("charts"));
        assert_eq!(
            error.chart_hint(),
            Some("give a file name, e.g. charts/out.svg")
        );
        assert_eq!(error.hint(), Some("give a file name, e.g. reports/out.csv"));
    }

    #[test]
    fn sizes_read_like_a_file_manager() {
        assert_eq!(size_text(0), "0 bytes");
        assert_eq!(size_text(1), "1 byte");
        assert_eq!(size_text(999), "999 bytes");
        assert_eq!(size_text(1_300), "1.3 kB");
        assert_eq!(size_text(5_200_000), "5.2 MB");
        assert_eq!(size_text(999_960), "1.0 MB");
        assert_eq!(size_text(3_000_000_000_000_000), "3000.0 TB");
    }

    #[test]
    fn written_says_rows_format_and_size() {
        let written = Written {
            rows: 100_000,
            bytes: 5_234_567,
            format: Format::Csv,
        };
        assert_eq!(written.rows_text(), "100,000 rows");
        assert_eq!(written.detail(), "csv, 5.2 MB");
        let one = Written {
            rows: 1,
            bytes: 10,
            format: Format::Markdown,
        };
        assert_eq!(one.rows_text(), "1 row");
        assert_eq!(one.detail(), "md, 10 bytes");
    }

    #[test]
    fn formats_by_name() {
        assert_eq!(format_named("csv"), Some(Format::Csv));
        assert_eq!(format_named("MD"), Some(Format::Markdown));
        assert_eq!(format_named("markdown"), Some(Format::Markdown));
        assert_eq!(format_named("ndjson"), Some(Format::Ndjson));
        assert_eq!(format_named("xlsx"), None);
        assert_eq!(format_named("table"), None);
    }

    #[test]
    fn home_is_expanded_only_at_the_start() {
        let home = dirs::home_dir().expect("a home directory");
        assert_eq!(expand_home("~/out.csv"), home.join("out.csv"));
        assert_eq!(expand_home("~"), home);
        assert_eq!(expand_home("a/~/b"), PathBuf::from("a/~/b"));
        assert_eq!(expand_home("~user/x"), PathBuf::from("~user/x"));
    }

    #[test]
    fn csv_records_skip_quoted_line_ends_and_the_header() {
        let mut buf = Vec::new();
        let mut records = CsvRecords::new(&mut buf);
        for part in ["a,b\n1,\"x\ny\"\n", "2,\"say \"\"hi\"\"\"", "\n3,\"\n\"\n"] {
            records.write_all(part.as_bytes()).unwrap();
        }
        assert_eq!(records.rows(), 3);
    }

    #[test]
    fn measured_stops_at_the_limit_and_keeps_the_error() {
        let mut out = Measured::new(Vec::new(), 5);
        out.write_all(b"abc").unwrap();
        let err = out.write_all(b"def").unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::FileTooLarge);
        assert_eq!(out.bytes, 3);
        assert_eq!(
            out.error.take().map(|e| e.kind()),
            Some(io::ErrorKind::FileTooLarge)
        );
    }

    #[test]
    fn temp_files_are_removed_unless_persisted_and_never_clobber() {
        let dir = std::env::temp_dir().join(format!("glance-export-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let target = dir.join("out.csv");
        let _ = fs::remove_file(&target);

        let temp = TempFile::beside(&target).unwrap();
        let path = temp.path.clone();
        assert!(path.exists());
        drop(temp);
        assert!(!path.exists(), "a dropped temporary file is removed");

        fs::write(&target, "keep").unwrap();
        let mut temp = TempFile::beside(&target).unwrap();
        temp.file.write_all(b"new").unwrap();
        let err = temp.persist(&target, false).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&target).unwrap(), "keep");

        let mut temp = TempFile::beside(&target).unwrap();
        temp.file.write_all(b"new").unwrap();
        temp.persist(&target, true).unwrap();
        assert_eq!(fs::read_to_string(&target).unwrap(), "new");
        let left: Vec<_> = fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 1, "only the target is left: {left:?}");
        fs::remove_dir_all(&dir).unwrap();
    }
}
