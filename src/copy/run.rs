//! Running a `\copy` against the session. `to`: the query runs only when
//! the classifier calls it `read_only`, inside the server guard, into a new
//! file (through [`export::write_file`]) or the writer the caller gives for
//! stdout. `from`: the whole file is read and parsed first ([`prepare_load`]),
//! then loaded as one statement that the safety gate judges like any write.
//! Nothing here prints: the outcome, or the error text, goes back to the
//! caller.

use std::fs::File;
use std::io::{BufWriter, Write};

use super::format::{Records, Writer, read_records};
use super::{CopySpec, Endpoint, Options, Source};
use crate::db::{self, RowSink};
use crate::export::{self, Failed};
use crate::files;
use crate::numbers::counted;
use crate::report;
use crate::safety::Level;
use crate::session::{Confirm, Loaded, Session};

/// The largest file `\copy … from` reads.
pub const MAX_FILE: u64 = 256 * 1024 * 1024;

/// What a `\copy` did, reported as psql does.
#[derive(Debug, PartialEq, Eq)]
pub enum Copied {
    /// Rows written or loaded: `COPY N`.
    Rows(u64),
    /// The person declined the load: `Not run.`
    Declined,
}

/// The error lines of a failed `\copy`, ready for stderr.
fn fail(message: &str, hint: Option<&str>) -> String {
    report::error_line(message, hint)
}

/// `\copy … to FILE`: runs `query` (read-only, guarded) through `run` into
/// a new file; returns the rows written.
fn write_to_file(
    file: &str,
    options: &Options,
    run: impl FnOnce(&mut dyn RowSink) -> Result<(), db::Error>,
) -> Result<u64, export::Error> {
    let (_, (rows, _)) = export::write_file(file, false, |handle: &File| {
        let mut writer = Writer::new(BufWriter::new(handle), options);
        let ran = run(&mut writer);
        let finished = writer.finish();
        match (ran, finished) {
            (_, Err(error)) => Err(Failed::Output(error)),
            (Err(error), _) => Err(Failed::Database(error)),
            (Ok(()), Ok(counts)) => Ok(counts),
        }
    })?;
    Ok(rows)
}

/// `to`: the query's rows into a new file, or into `stdout()` (opened only
/// when the rows go there).
pub fn unload<'a>(
    session: &mut Session,
    spec: &CopySpec,
    stdout: impl FnOnce() -> Box<dyn Write + 'a>,
) -> Result<Copied, String> {
    let query = spec.query();
    let verdict = session.classify(&query);
    if verdict.level != Level::ReadOnly || verdict.statements != 1 {
        return Err(fail(
            &format!(
                "\\copy … to: the query is {} ({}); \\copy writes out only what one read-only query returns",
                verdict.level.as_str(),
                verdict.reasons.join("; ")
            ),
            Some("run the statement itself first, then \\copy (SELECT …) to FILE"),
        ));
    }
    let copied = match &spec.endpoint {
        Endpoint::Stdin => {
            return Err(fail("\\copy … to stdin: rows go to stdout or a file", None));
        }
        Endpoint::Stdout => {
            let mut writer = Writer::new(stdout(), &spec.options);
            let ran = session.rerun(&query, &mut writer);
            match (ran, writer.finish()) {
                (Err(error), _) => Err(export::Error::Database(error)),
                (_, Err(source)) => Err(export::Error::Write {
                    path: "stdout".into(),
                    source,
                }),
                (Ok(_), Ok((rows, _))) => Ok(rows),
            }
        }
        Endpoint::File(file) => write_to_file(file, &spec.options, |sink| {
            session.rerun(&query, sink).map(|_| ())
        }),
    };
    match copied {
        Ok(rows) => Ok(Copied::Rows(rows)),
        Err(export::Error::Exists(path)) => Err(fail(
            &format!("\\copy: {} already exists", path.display()),
            Some("\\copy never replaces a file: remove it first, or choose another name"),
        )),
        Err(export::Error::Database(error)) => {
            let mut text = report::db_error(&error, Some(&query));
            if let Endpoint::File(file) = &spec.endpoint {
                text.push_str(&format!("Nothing was written to {file}.\n"));
            }
            Err(text)
        }
        Err(error) => Err(fail(&format!("\\copy: {error}"), error.hint())),
    }
}

/// A `\copy … from` whose file is read and parsed, ready to load.
pub struct Load<'a> {
    spec: &'a CopySpec,
    file: &'a str,
    sql: String,
    records: Records,
}

/// `from`, first step: reads and parses the whole file, so a bad line
/// stops everything before anything is sent.
pub fn prepare_load<'a>(session: &Session, spec: &'a CopySpec) -> Result<Load<'a>, String> {
    let file = match &spec.endpoint {
        Endpoint::File(file) => file,
        Endpoint::Stdin => {
            return Err(fail(
                "\\copy … from stdin is not supported",
                Some("save the rows in a file and give its name"),
            ));
        }
        Endpoint::Stdout => {
            return Err(fail("\\copy … from stdout: rows come from a file", None));
        }
    };
    let path = export::expand_home(file);
    let text = files::read_text_capped(&path, MAX_FILE)
        .map_err(|error| fail(&format!("\\copy: cannot read {file}: {error}"), None))?;
    let expected = match &spec.source {
        Source::Table { columns, .. } if !columns.is_empty() => Some(columns.len()),
        _ => None,
    };
    let records = read_records(&text, &spec.options, expected).map_err(|error| {
        fail(
            &format!("\\copy: {file} {error}"),
            Some("nothing was loaded; fix that line and run \\copy again"),
        )
    })?;
    let fields = records.rows.first().map_or(0, Vec::len);
    Ok(Load {
        spec,
        file,
        sql: spec.load_statement(session.info().dialect, fields),
        records,
    })
}

impl Load<'_> {
    /// What is about to be loaded, said before the gate may ask.
    pub fn summary(&self) -> String {
        let count = self.records.rows.len();
        format!(
            "{} from {} to load into {}.",
            counted(count as u64, "row", "rows"),
            self.file,
            self.spec.table()
        )
    }

    /// `from`, second step: the rows into the table, all or nothing.
    /// `confirm` answers when the gate asks.
    pub fn run(self, session: &mut Session, confirm: Confirm) -> Result<Copied, String> {
        match session.load(&self.sql, &self.records.rows, confirm) {
            Loaded::Ran(count) => Ok(Copied::Rows(count)),
            Loaded::Declined => Ok(Copied::Declined),
            Loaded::Refused => Err(fail(
                "not run: \\copy … from writes, which needs a confirmation, and input is not a terminal",
                Some("start glance with --yes to load files from a script"),
            )),
            Loaded::Forbidden(verdict) => Err(fail(&session.read_only_refusal(&verdict), None)),
            Loaded::Failed(row, error) => {
                let place = row
                    .and_then(|row| self.records.lines.get(row))
                    .map(|line| format!("{} line {line}: ", self.file))
                    .unwrap_or_default();
                Err(fail(
                    &format!("\\copy: {place}{error}"),
                    Some("nothing was loaded"),
                ))
            }
        }
    }
}
