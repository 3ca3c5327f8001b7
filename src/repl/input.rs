//! Where the REPL's lines come from: rustyline on a terminal, plain lines
//! from a pipe (like `psql < script`), and the confirmation question.

use std::io::{self, BufRead, Write};

use rustyline::Editor;
use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;

use super::complete::ReplHelper;
use crate::confirm;
use crate::exit::Failure;
use crate::report;
use crate::session::{Consent, Decision};
use crate::term::Term;

pub enum Read {
    Line(String),
    Interrupted,
    End,
}

/// Where lines come from: rustyline on a terminal, plain lines from a pipe.
pub enum Input {
    Terminal(Box<Editor<ReplHelper, DefaultHistory>>),
    Script(io::StdinLock<'static>),
}

impl Input {
    pub fn open(term: Term) -> Result<Input, Failure> {
        if !term.stdin_tty {
            return Ok(Input::Script(io::stdin().lock()));
        }
        let mut editor = Editor::new()
            .map_err(|e| Failure::runtime(format!("could not start the line editor: {e}")))?;
        editor.set_helper(Some(ReplHelper::default()));
        Ok(Input::Terminal(Box::new(editor)))
    }

    /// Whether a person is typing (not a piped script).
    pub fn is_terminal(&self) -> bool {
        matches!(self, Input::Terminal(_))
    }

    pub fn read(&mut self, prompt: &str) -> Read {
        match self {
            Input::Terminal(editor) => match editor.readline(prompt) {
                Ok(line) => {
                    if !line.trim().is_empty() {
                        let _ = editor.add_history_entry(line.as_str());
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
            Input::Script(stdin) => {
                let mut line = String::new();
                match stdin.read_line(&mut line) {
                    Ok(0) | Err(_) => Read::End,
                    Ok(_) => Read::Line(line.trim_end_matches(['\n', '\r']).to_string()),
                }
            }
        }
    }

    pub fn confirm(&mut self, consent: &Consent, color: bool) -> Decision {
        let Input::Terminal(editor) = self else {
            return Decision::Refuse;
        };
        if consent.previewed.is_none() {
            print!("{}", confirm::explain(consent, color));
        }
        let _ = io::stdout().flush();
        match editor.readline(confirm::prompt(consent)) {
            Ok(answer) => confirm::decide(&answer, consent),
            Err(_) => Decision::Decline,
        }
    }

    /// Lets completion offer the catalog's relation names.
    pub fn learn_names(&mut self, catalog: &crate::catalog::Catalog) {
        if let Input::Terminal(editor) = self
            && let Some(helper) = editor.helper_mut()
        {
            helper.names = catalog.relations.iter().map(|r| r.name.clone()).collect();
            helper.names.sort();
            helper.names.dedup();
        }
    }
}
