//! Tab completion for the REPL's line editor.

use rustyline::completion::{Completer, Pair};
use rustyline::{Context, Helper, Highlighter, Hinter, Validator};

use crate::command::COMMANDS;

/// Tab completion: meta-commands after `\`, relation names elsewhere.
#[derive(Default, Helper, Highlighter, Hinter, Validator)]
pub struct ReplHelper {
    pub names: Vec<String>,
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos]
            .rfind(|c: char| c.is_whitespace() || c == ',' || c == '(')
            .map_or(0, |i| i + 1);
        let word = &line[start..pos];
        let candidates: Vec<&str> = if word.starts_with('\\') {
            COMMANDS
                .iter()
                .map(|spec| spec.name)
                .filter(|name| name.starts_with(word))
                .collect()
        } else if word.is_empty() {
            Vec::new()
        } else {
            self.names
                .iter()
                .map(String::as_str)
                .filter(|name| name.starts_with(word))
                .collect()
        };
        let pairs = candidates
            .into_iter()
            .map(|c| Pair {
                display: c.to_string(),
                replacement: c.to_string(),
            })
            .collect();
        Ok((start, pairs))
    }
}
