//! Where the REPL's lines come from: rustyline on a terminal, plain lines
//! from a pipe (like `psql < script`), and the confirmation question. On a
//! terminal, typed lines persist in the line-history file (arrow-up in the
//! next session); a file that cannot be read is never written over. A
//! confirmation is read with a fresh line editor that has no history, so
//! arrow-up cannot bring back an earlier "y".

use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, DefaultEditor, Editor};

use super::helper::{Mode, ReplHelper};
use crate::confirm;
use crate::exit::Failure;
use crate::report;
use crate::session::{Consent, Decision};
use crate::term::{self, Term};

pub enum Read {
    Line(String),
    Interrupted,
    End,
}

/// Lines kept in the line-history file.
const LINE_HISTORY_SIZE: usize = 1000;

/// Where lines come from: rustyline on a terminal (with the line-history
/// file, when there is one), plain lines from a pipe.
pub enum Input {
    Terminal(Box<Editor<ReplHelper, DefaultHistory>>, Option<PathBuf>),
    Script(io::StdinLock<'static>),
}

impl Input {
    /// Reads from the terminal, or from stdin when it is not one. On a
    /// terminal, `line_history` names the file arrow-up history is loaded
    /// from and appended to.
    pub fn open(term: Term, line_history: Option<PathBuf>) -> Result<Input, Failure> {
        if !term.stdin_tty {
            return Ok(Input::Script(io::stdin().lock()));
        }
        let failed = |e| Failure::runtime(format!("could not start the line editor: {e}"));
        // Tab completes as far as the candidates agree; a second Tab lists them.
        let config = Config::builder()
            .max_history_size(LINE_HISTORY_SIZE)
            .map_err(failed)?
            .completion_type(CompletionType::List)
            .build();
        let mut editor = Editor::with_config(config).map_err(failed)?;
        editor.set_helper(Some(ReplHelper {
            color: term.color,
            term: Some(term),
            ..ReplHelper::default()
        }));
        let line_history = line_history.filter(|path| load_lines(&mut editor, path));
        Ok(Input::Terminal(Box::new(editor), line_history))
    }

    /// Whether a person is typing (not a piped script).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Input::Terminal(..))
    }

    pub fn read(&mut self, prompt: &str) -> Read {
        match self {
            Input::Terminal(editor, line_history) => match editor.readline(prompt) {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(crate::redact::text(&line));
                        if let Some(path) = line_history.as_deref()
                            && let Err(error) = editor.append_history(path)
                        {
                            eprintln!(
                                "glance: warning: could not save the line history to {}: {error}; lines typed now will not be saved",
                                path.display()
                            );
                            *line_history = None;
                        }
                    }
                    Read::Line(line)
                }
                Err(ReadlineError::Interrupted) => Read::Interrupted,
                Err(ReadlineError::Eof) => Read::End,
                Err(error) => {
                    eprint!(
                        "{}",
                        report::error_line(&format!("could not read input: {error}"), None)
                    );
                    Read::End
                }
            },
            Input::Script(stdin) => loop {
                let mut bytes = Vec::new();
                match stdin.read_until(b'\n', &mut bytes) {
                    Ok(0) => return Read::End,
                    Ok(_) => match String::from_utf8(bytes) {
                        Ok(line) => {
                            return Read::Line(line.trim_end_matches(['\n', '\r']).to_string());
                        }
                        // One bad line does not end the script: it is skipped, saying so.
                        Err(_) => eprint!(
                            "{}",
                            report::error_line(
                                "skipped a line of input that is not UTF-8 text",
                                Some(
                                    "glance reads scripts as UTF-8; convert the file, e.g. with iconv"
                                ),
                            )
                        ),
                    },
                    Err(error) => {
                        eprint!(
                            "{}",
                            report::error_line(&format!("could not read input: {error}"), None)
                        );
                        return Read::End;
                    }
                }
            },
        }
    }

    /// Asks whether to run a statement. The answer is typed on a fresh line
    /// editor with no history, no completion and no hints: only what the
    /// person types now can say yes. `sql_shown`: the statement is on the
    /// screen just above (a model's reply), so only its level and reasons
    /// are repeated.
    pub fn confirm(&mut self, consent: &Consent, color: bool, sql_shown: bool) -> Decision {
        if !self.is_terminal() {
            return Decision::Refuse;
        }
        match (&consent.previewed, sql_shown) {
            (Some(_), _) => {}
            (None, true) => print!("{}", confirm::details(consent, color)),
            (None, false) => print!("{}", confirm::explain(consent, color)),
        }
        let _ = io::stdout().flush();
        term::discard_typeahead();
        let answer =
            DefaultEditor::new().and_then(|mut fresh| fresh.readline(confirm::prompt(consent)));
        match answer {
            Ok(answer) => confirm::decide(&answer, consent),
            Err(_) => Decision::Decline,
        }
    }

    /// One answer to `prompt`, read with a fresh line editor; `None`
    /// without a terminal, or on Ctrl-C or Ctrl-D.
    pub fn ask(&mut self, prompt: &str) -> Option<String> {
        if !self.is_terminal() {
            return None;
        }
        ask_fresh(prompt)
    }

    /// Tells completion and highlighting whether plain lines are SQL.
    pub fn set_sql_mode(&mut self, on: bool) {
        if let Some(helper) = self.helper() {
            helper.mode = if on { Mode::Sql } else { Mode::Question };
        }
    }

    /// Lets `\c NAME` complete the config's connection profiles.
    pub fn set_profiles(&mut self, profiles: Vec<String>) {
        if let Some(helper) = self.helper() {
            helper.vocabulary.profiles = profiles;
        }
    }

    /// Lets `\n NAME` and its kin complete saved queries' names.
    pub fn set_saved(&mut self, names: Vec<String>) {
        if let Some(helper) = self.helper() {
            helper.vocabulary.saved = names;
        }
    }

    /// Lets completion offer the open connections' names.
    pub fn set_connections(&mut self, names: Vec<String>) {
        if let Some(helper) = self.helper() {
            helper.vocabulary.connections = names;
        }
    }

    /// Lets completion offer the catalog's relation and column names.
    pub fn learn_names(&mut self, catalog: &crate::catalog::Catalog) {
        if let Some(helper) = self.helper() {
            helper.vocabulary.learn(catalog);
        }
    }

    fn helper(&mut self) -> Option<&mut ReplHelper> {
        match self {
            Input::Terminal(editor, _) => editor.helper_mut(),
            Input::Script(_) => None,
        }
    }
}

/// Loads the saved lines into `editor`. False (after a warning) when the
/// file exists but cannot be read: then it is not written this session, so
/// nothing in it is lost.
fn load_lines(editor: &mut Editor<ReplHelper, DefaultHistory>, path: &Path) -> bool {
    match editor.load_history(path) {
        Ok(()) => true,
        Err(ReadlineError::Io(error)) if error.kind() == io::ErrorKind::NotFound => true,
        Err(error) => {
            eprintln!(
                "glance: warning: could not read the line history {}: {error}; lines typed now will not be saved",
                path.display()
            );
            false
        }
    }
}

/// One answer to `prompt` on a fresh line editor (no history, no
/// completion: only what is typed now); `None` on Ctrl-C or Ctrl-D.
pub fn ask_fresh(prompt: &str) -> Option<String> {
    term::discard_typeahead();
    let answer = DefaultEditor::new().and_then(|mut fresh| fresh.readline(prompt));
    answer.ok().map(|answer| answer.trim().to_string())
}
