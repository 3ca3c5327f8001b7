//! `\describe TABLE` and `glance describe TABLE` at the front: the model's
//! draft of comments ([`comments::draft`]) printed as JSON, written out
//! (SQL or tbls YAML, to a file or stdout; with JSON only to a file), or
//! opened in the editor and what is saved run as `COMMENT ON` statements
//! through the gate.

use std::path::PathBuf;

use crate::agent::Agent;
use crate::analysis::comment_file;
use crate::analysis::comments::{self, Draft, Export, Options};
use crate::db::Dialect;
use crate::escape;
use crate::exit::Failure;
use crate::gate::Origin;
use crate::llm;
use crate::session::{Consent, Decision, Session};
use crate::usage::Tally;

use super::batch::{self, Batch};
use super::edit;

/// How the front end runs a draft.
pub struct Setup<'a> {
    pub options: &'a Options,
    /// Print the draft as JSON and run nothing.
    pub json: bool,
    /// A terminal to open the editor in; without one the draft runs as it is.
    pub editor: bool,
    /// Someone can confirm the writes (a terminal, or a flag that allows them).
    pub confirmable: bool,
    /// What to say when nobody can: how to allow the writes.
    pub unconfirmed_hint: &'a str,
    /// A spinner on stderr while the model is silent.
    pub progress: bool,
}

/// Drafts, then writes out or runs the draft; `confirm` answers once for
/// the whole file the person just edited. Returns what asking the model cost (also when a
/// later step failed) and how it ended.
pub fn run(
    session: &mut Session,
    agent: Option<&Agent>,
    setup: &Setup,
    confirm: &mut dyn FnMut(&Consent) -> Decision,
) -> (Tally, Result<(), Failure>) {
    let options = setup.options;
    let export = options
        .export
        .or(options.output.as_ref().map(|_| Export::Sql));
    let runs = export.is_none() && !setup.json;
    if runs && let Err(failure) = can_run(session, setup) {
        return (Tally::default(), Err(failure));
    }
    if export == Some(Export::Sql) {
        let message = match session.info().dialect {
            Dialect::Postgres => None,
            Dialect::Sqlite => Some(
                "SQLite has no COMMENT ON, so the draft cannot be written as SQL \
                 statements there; nothing was drafted",
            ),
            Dialect::Mysql => Some(MYSQL_NO_SQL),
        };
        if let Some(message) = message {
            return (
                Tally::default(),
                Err(Failure::Usage {
                    message: message.into(),
                    hint: Some(SQLITE_HINT.into()),
                }),
            );
        }
    }
    if setup.json && options.export.is_some() && options.output.is_none() {
        return (
            Tally::default(),
            Err(Failure::Usage {
                message: "--export writes the draft on stdout, where --format json prints its \
                          document"
                    .into(),
                hint: Some(
                    "add -o FILE to write the export there and print the JSON, or leave out \
                     --format json"
                        .into(),
                ),
            }),
        );
    }
    // A file that cannot be written is said before the model is asked.
    if let Some(file) = &options.output {
        let target = crate::export::expand_home(file);
        if let Err(error) = crate::export::check_target(&target, false) {
            return (Tally::default(), Err(write_failure(error)));
        }
    }
    let Some(agent) = agent else {
        return (
            Tally::default(),
            Err(Failure::Runtime {
                message: "drafting comments needs an LLM provider, and none is configured".into(),
                hint: Some(llm::SETUP_HINT.into()),
            }),
        );
    };
    let (tally, drafted) =
        comments::draft(session, agent, &options.table, options.all, setup.progress);
    let draft = match drafted {
        Ok(draft) => draft,
        Err(comments::Failed::NoTable(name)) => {
            let message = format!("no table or view named `{}`", escape::visible(&name));
            let hint = Some("\\dt lists the tables".into());
            return (tally, Err(Failure::Usage { message, hint }));
        }
        Err(comments::Failed::Database(error)) => {
            return (tally, Err(Failure::database(&error, None)));
        }
        Err(error) => {
            let message = escape::visible(&error.to_string()).into_owned();
            return (tally, Err(Failure::runtime(message)));
        }
    };
    let ended = if setup.json {
        json_out(&draft, export, options.output.as_deref())
    } else {
        eprintln!("{}", escape::visible(&comment_file::summary(&draft)));
        match export {
            Some(export) => write_out(&draft, export, options.output.as_deref()),
            None => edit_and_run(session, &draft, setup, confirm),
        }
    };
    (tally, ended)
}

/// What describe can give on SQLite and MySQL.
const SQLITE_HINT: &str = "give --export tbls for a tbls config (-o FILE to write it there), or \
                           --format json for the draft as JSON";

/// Why describe writes no SQL on MySQL and MariaDB.
const MYSQL_NO_SQL: &str = "MySQL and MariaDB have no COMMENT ON: a column's comment is set by \
     ALTER TABLE … MODIFY COLUMN with the column's whole definition, a statement that commits \
     at once and can change the column if any part of that definition is read wrong, so glance \
     does not write it; nothing was drafted";

/// Whether the draft could run here, asked before the model is: SQLite and
/// MySQL have no `COMMENT ON`, a read-only connection writes nothing, and
/// a write needs someone to confirm it.
fn can_run(session: &Session, setup: &Setup) -> Result<(), Failure> {
    let absent = match session.info().dialect {
        Dialect::Postgres => None,
        Dialect::Sqlite => Some(
            "SQLite has no COMMENT ON: describe can only write the draft out there; \
             nothing was drafted",
        ),
        Dialect::Mysql => Some(MYSQL_NO_SQL),
    };
    if let Some(message) = absent {
        return Err(Failure::Usage {
            message: message.into(),
            hint: Some(SQLITE_HINT.into()),
        });
    }
    if session.choice().read_only {
        let connection = match session.profile() {
            Some(name) => format!("connection profile \"{name}\""),
            None => "this connection".to_string(),
        };
        return Err(Failure::Refused(format!(
            "COMMENT ON writes, and {connection} is read-only; nothing was drafted \
             (--export or -o FILE writes the draft out instead)"
        )));
    }
    if !setup.confirmable {
        return Err(Failure::Refused(format!(
            "COMMENT ON writes and needs a confirmation, but there is no terminal to ask; \
             nothing was drafted ({})",
            setup.unconfirmed_hint
        )));
    }
    Ok(())
}

/// The draft as SQL or tbls YAML, into `output` (never replacing a file)
/// or onto stdout.
fn write_out(draft: &Draft, export: Export, output: Option<&str>) -> Result<(), Failure> {
    let text = match export {
        Export::Sql => comment_file::statements(draft),
        Export::Tbls => comment_file::tbls(draft),
    };
    let Some(file) = output else {
        for line in text.lines() {
            println!("{}", escape::visible(line));
        }
        return Ok(());
    };
    crate::export::write_text(file, false, &text).map_err(write_failure)?;
    eprintln!("Wrote {}.", escape::visible(file));
    Ok(())
}

/// With `--format json`: the file written first, when `-o` names one, then
/// the draft as JSON with `written` saying what went where (null when
/// nothing was written).
fn json_out(draft: &Draft, export: Option<Export>, output: Option<&str>) -> Result<(), Failure> {
    let mut document = comment_file::json(draft);
    if let (Some(export), Some(file)) = (export, output) {
        write_out(draft, export, Some(file))?;
        let export = match export {
            Export::Sql => "sql",
            Export::Tbls => "tbls",
        };
        document["written"] = serde_json::json!({ "file": file, "export": export });
    }
    println!("{}", crate::render::json_text(&document));
    Ok(())
}

/// Why the draft's file could not be written.
pub(super) fn write_failure(error: crate::export::Error) -> Failure {
    let hint = match &error {
        crate::export::Error::Exists(_) => {
            Some("glance never replaces a file: remove it or name another".into())
        }
        error => error.hint().map(str::to_string),
    };
    Failure::Runtime {
        message: escape::visible(&error.to_string()).into_owned(),
        hint,
    }
}

/// Opens the editor on the draft (with `setup.editor`) and runs what is
/// saved in one confirmed transaction ([`batch::apply`]); without an
/// editor the draft runs as it is. A file with anything but `COMMENT ON`
/// in it is refused and kept.
fn edit_and_run(
    session: &mut Session,
    draft: &Draft,
    setup: &Setup,
    confirm: &mut dyn FnMut(&Consent) -> Decision,
) -> Result<(), Failure> {
    let (editor, unconfirmed_hint) = (setup.editor, setup.unconfirmed_hint);
    if draft.drafted().next().is_none() {
        println!("Nothing to run: there is no drafted comment.");
        return Ok(());
    }
    let dialect = session.info().dialect;
    let (text, file) = if editor {
        match edit::edit_draft(&comment_file::editor_text(draft)) {
            Ok(Some(saved)) => (saved.text, Some(saved.file)),
            Ok(None) => {
                println!("Nothing was run: the file was saved empty, or not saved.");
                return Ok(());
            }
            Err(error) => {
                return Err(Failure::Runtime {
                    message: error.to_string(),
                    hint: error.hint().map(str::to_string),
                });
            }
        }
    } else {
        (comment_file::statements(draft), None)
    };
    let statements = match comment_file::accept(&text, dialect) {
        Ok(statements) => statements,
        Err(refused) => {
            let kept = file.and_then(|file| file.keep().ok());
            return Err(refusal(&refused, kept));
        }
    };
    if statements.is_empty() {
        println!("Nothing was run: the file holds no statement.");
        return Ok(());
    }
    let text = format!("{};", statements.join(";\n"));
    let saved = statements.len();
    let batch = Batch {
        text: &text,
        statements,
        origin: Origin::Generated,
        transaction: true,
        lock_timeout: Some(batch::LOCK_TIMEOUT),
        what: "COMMENT ON",
        unconfirmed_hint,
        done: format!("Saved {}.", batch::counted(saved, "comment")),
        declined: "Not run.",
        json: false,
    };
    batch::apply(session, &batch, confirm)?;
    Ok(())
}

/// The error for an edited file with more than comments in it.
fn refusal(refused: &comment_file::NotAComment, kept: Option<PathBuf>) -> Failure {
    Failure::Usage {
        message: format!("nothing was run: {}", escape::visible(&refused.to_string())),
        hint: Some(match kept {
            Some(path) => format!(
                "your edits are kept in {}; run what you mean from there with \\i",
                escape::visible(&path.display().to_string())
            ),
            None => "write only COMMENT ON statements".into(),
        }),
    }
}

impl super::Repl {
    /// `\describe TABLE …`: drafts, then writes out or edits and runs; a
    /// failure is said and the session goes on. The person confirms the
    /// writes at the terminal (`--yes` does not cover what the model
    /// wrote); the model's tokens join the session's tally.
    pub(super) fn describe_draft(
        &mut self,
        session: &mut Session,
        input: &mut super::input::Input,
        options: &Options,
    ) {
        let terminal = input.is_terminal();
        let setup = Setup {
            options,
            json: matches!(session.settings.format, crate::render::Format::Json),
            editor: terminal,
            confirmable: terminal,
            unconfirmed_hint: "in a script, --export sql -o FILE writes the statements out",
            progress: self.term.stderr_tty,
        };
        let color = self.term.color;
        let agent = self.agent.as_ref();
        let (tally, ended) = run(session, agent, &setup, &mut |consent: &Consent| {
            input.confirm(consent, color, false)
        });
        self.count_aside(tally);
        if let Err(failure) = ended {
            eprint!("{}", failure.message());
        }
    }
}
