//! What a statement typed in Direct mode does to the person's own
//! transaction, read from its leading words: glance tracks whether a
//! transaction is open (and failed) without asking the server.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// What a statement typed in Direct mode does to the user's transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Control {
    Begin,
    End,
    /// Leaves the transaction as it is but may change session settings:
    /// `SET`, `RESET`, `DISCARD`, `COMMIT`/`ROLLBACK AND CHAIN`.
    Settings,
    /// `ROLLBACK TO [SAVEPOINT]`: the transaction goes on, no longer failed.
    RollbackTo,
    None,
}

impl Control {
    pub(super) fn may_change_settings(self) -> bool {
        matches!(self, Control::End | Control::Settings)
    }
}

/// Recognises transaction control from the statement's leading words,
/// skipping comments. `ROLLBACK TO`, `… PREPARED` and `… AND CHAIN` leave
/// the transaction state as it is; `PREPARE TRANSACTION` ends it.
pub(super) fn transaction_control(sql: &str) -> Control {
    let words = leading_words(sql, 4);
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    let chained = w.windows(2).any(|p| p == ["AND", "CHAIN"]);
    match w.as_slice() {
        ["BEGIN", ..] | ["START", "TRANSACTION", ..] => Control::Begin,
        ["ROLLBACK" | "ABORT", "TO", ..]
        | ["ROLLBACK" | "ABORT", "WORK" | "TRANSACTION", "TO", ..] => Control::RollbackTo,
        ["COMMIT" | "ROLLBACK", "PREPARED", ..] => Control::None,
        ["COMMIT" | "END" | "ROLLBACK" | "ABORT", ..] if chained => Control::Settings,
        ["COMMIT" | "END" | "ROLLBACK" | "ABORT", ..] | ["PREPARE", "TRANSACTION", ..] => {
            Control::End
        }
        ["SET" | "RESET" | "DISCARD", ..] => Control::Settings,
        _ => Control::None,
    }
}

/// The first `n` words of `sql` in upper case, after whitespace and
/// comments (nested `/* */` as PostgreSQL reads them): the words up to the
/// first token that is not a bare word. Read with sqlparser's tokenizer;
/// what follows an unterminated string or comment is not needed.
pub(super) fn leading_words(sql: &str, n: usize) -> Vec<String> {
    let mut read = Vec::new();
    let _ = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize_with_location_into_buf(&mut read);
    read.into_iter()
        .map(|t| t.token)
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .map_while(|t| match t {
            Token::Word(word) if word.quote_style.is_none() => {
                Some(word.value.to_ascii_uppercase())
            }
            _ => None,
        })
        .take(n)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transaction_control_words() {
        let cases = [
            ("BEGIN", Control::Begin),
            ("  begin isolation level serializable", Control::Begin),
            (
                "/* a /* nested */ comment */ START TRANSACTION READ WRITE",
                Control::Begin,
            ),
            ("-- note\nCOMMIT", Control::End),
            ("end", Control::End),
            ("ROLLBACK", Control::End),
            ("abort work", Control::End),
            ("ROLLBACK TO SAVEPOINT s", Control::RollbackTo),
            ("rollback work to s", Control::RollbackTo),
            ("COMMIT PREPARED 'x'", Control::None),
            ("ROLLBACK PREPARED 'x'", Control::None),
            ("PREPARE TRANSACTION 'x'", Control::End),
            ("PREPARE q AS SELECT 1", Control::None),
            ("COMMIT AND CHAIN", Control::Settings),
            ("COMMIT AND NO CHAIN", Control::End),
            ("SET TimeZone = 'UTC'", Control::Settings),
            ("select 1", Control::None),
            ("START", Control::None),
            ("", Control::None),
            // Words in comments, names and strings are not statements.
            ("/* a /* nested */ BEGIN */ select 1", Control::None),
            ("\"begin\"", Control::None),
            ("-- COMMIT\n'rollback'", Control::None),
            ("BEGIN; SELECT 'never closed", Control::Begin),
        ];
        for (sql, want) in cases {
            assert_eq!(transaction_control(sql), want, "{sql}");
        }
    }
}
