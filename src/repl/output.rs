//! The REPL side of `\export`, `\yank` and `\o`: runs them and says what
//! happened. Confirmations and errors always go to the terminal, never into
//! a `\o` file. A re-run that takes a while shows a spinner on stderr when
//! stderr is a terminal (`progress`).

use std::time::Duration;

use crate::analysis::{check, dbt};
use crate::clipboard;
use crate::command::Yank;
use crate::export::{self, Written};
use crate::render::Format;
use crate::report;
use crate::session::Session;
use crate::spinner::Spinner;

/// How long a re-run may take before a spinner says it is still running.
const SPINNER_DELAY: Duration = Duration::from_millis(300);

/// `\export FORMAT FILE[!]`.
pub fn export(session: &mut Session, format: Format, file: &str, overwrite: bool, progress: bool) {
    let mut spinner =
        Spinner::start_after(&format!("exporting to {file}…"), progress, SPINNER_DELAY);
    let exported = export::to_file(session, format, file, overwrite);
    spinner.stop();
    match exported {
        Ok((_, written)) => println!(
            "Wrote {} to {} ({}).",
            written.rows_text(),
            file,
            written.detail()
        ),
        Err(error) => {
            report_error("\\export", &error);
            if matches!(error, export::Error::Database(_)) {
                eprintln!("Nothing was written to {file}.");
            }
        }
    }
}

/// `\check … --export dbt [FILE[!]]`: the checks that held as dbt tests,
/// into FILE or onto the screen, then what was left out and why.
pub fn dbt(session: &mut Session, checks: &check::Report, target: &dbt::Target) {
    let export = match dbt::export(session, checks) {
        Ok(export) => export,
        Err(error) => return eprint!("{}", report::db_error(&error, None)),
    };
    match &target.file {
        None => {
            print!("{}", export.yaml);
            eprintln!("{}", export.summary());
        }
        Some(file) => match crate::export::write_text(file, target.overwrite, &export.yaml) {
            Ok(_) => println!("Wrote {file}. {}", export.summary()),
            Err(error) => report_error("\\check", &error),
        },
    }
}

/// `\yank [FORM]`.
pub fn yank(session: &mut Session, what: Yank, progress: bool) {
    match what {
        Yank::Sql => {
            let Some(sql) = session.last_sql() else {
                eprint!(
                    "{}",
                    report::error_line(
                        "\\yank sql: there is no SQL yet",
                        Some("run a statement or ask a question first"),
                    )
                );
                return;
            };
            let text = sql.trim();
            match clipboard::copy(text.as_bytes()) {
                Ok(via) => println!(
                    "Copied the last SQL ({}) to the clipboard {}.",
                    export::size_text(text.len() as u64),
                    via.describe()
                ),
                Err(error) => clipboard_error(&error),
            }
        }
        Yank::Result(format) => match read_result(session, format, progress) {
            Ok((bytes, written)) => match clipboard::copy(&bytes) {
                Ok(via) => println!("{}", copied(&written, &via.describe())),
                Err(error) => clipboard_error(&error),
            },
            Err(error) => report_error("\\yank", &error),
        },
    }
}

/// The last result run again and written in `format`, for the clipboard.
fn read_result(
    session: &mut Session,
    format: Format,
    progress: bool,
) -> Result<(Vec<u8>, Written), export::Error> {
    let _spinner = Spinner::start_after("running the last result again…", progress, SPINNER_DELAY);
    export::to_memory(session, format, clipboard::LIMIT)
}

/// `\o [FILE]`.
pub fn output(session: &mut Session, file: Option<&str>) {
    let Some(file) = file else {
        match session.console_mut().redirect(None) {
            Some(previous) => println!(
                "Results go to the terminal again ({} is closed).",
                previous.name
            ),
            None => println!("Results already go to the terminal."),
        }
        return;
    };
    match export::open_output(file) {
        Ok(output) => {
            let name = output.name.clone();
            session.console_mut().redirect(Some(output));
            println!("Results go to {name} now; \\o alone sends them back to the terminal.");
        }
        Err(error) => report_error("\\o", &error),
    }
}

/// `Copied 42 rows (csv, 1.3 kB) to the clipboard with xclip.`
fn copied(written: &Written, via: &str) -> String {
    format!(
        "Copied {} ({}) to the clipboard {via}.",
        written.rows_text(),
        written.detail()
    )
}

fn report_error(command: &str, error: &export::Error) {
    match error {
        export::Error::Database(db_error) => eprint!("{}", report::db_error(db_error, None)),
        _ => eprint!(
            "{}",
            report::error_line(&format!("{command}: {error}"), error.hint())
        ),
    }
}

fn clipboard_error(error: &std::io::Error) {
    eprint!(
        "{}",
        report::error_line(
            &format!("could not copy to the clipboard: {error}"),
            Some("install wl-copy, xclip or xsel, or run glance in a terminal"),
        )
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copied_names_rows_format_size_and_means() {
        let written = Written {
            rows: 42,
            bytes: 1_300,
            format: Format::Csv,
        };
        assert_eq!(
            copied(&written, "with xclip"),
            "Copied 42 rows (csv, 1.3 kB) to the clipboard with xclip."
        );
    }
}
