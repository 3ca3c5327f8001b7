//! Where the REPL's lines come from: rustyline on a terminal, plain lines
//! from a pipe (like `psql < script`), and the confirmation question.

use std::io::{self, BufRead, Write};

use rustyline::error::ReadlineError;
use rustyline::history::DefaultHistory;
use rustyline::{CompletionType, Config, Editor};

use super::helper::{Mode, ReplHelper};
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
        // Tab completes as far as the candidates agree; a second Tab lists them.
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .build();
        let mut editor = Editor::with_config(config)
            .map_err(|e| Failure::runtime(format!("could not start the line editor: {e}")))?;
        editor.set_helper(Some(ReplHelper {
            color: term.color,
            ..ReplHelper::default()
        }));
        Ok(Input::Terminal(Box::new(editor)))
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
        let mode = editor
            .helper_mut()
            .map(|helper| std::mem::replace(&mut helper.mode, Mode::Answer));
        let answer = editor.readline(confirm::prompt(consent));
        if let (Some(helper), Some(mode)) = (editor.helper_mut(), mode) {
            helper.mode = mode;
        }
        match answer {
            Ok(answer) => confirm::decide(&answer, consent),
            Err(_) => Decision::Decline,
        }
    }

    /// Tells completion and highlighting whether plain lines are SQL.
    pub fn set_sql_mode(&mut self, on: bool) {
        if let Some(helper) = self.helper() {
            helper.mode = if on { Mode::Sql } else { Mode::Question };
        }
    }

    /// Lets `\c NAME` complete the config's connection profiles.
    #[allow(dead_code)] // called once config profiles are loaded at start
    pub fn set_profiles(&mut self, profiles: Vec<String>) {
        if let Some(helper) = self.helper() {
            helper.vocabulary.profiles = profiles;
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
            Input::Terminal(editor) => editor.helper_mut(),
            Input::Script(_) => None,
        }
    }
}
