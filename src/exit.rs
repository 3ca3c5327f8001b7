//! Exit codes are a contract (see `cli::EXIT_CODES`): every way `glance`
//! can fail maps to one [`Failure`], which knows its code and its message.

use std::io;

use crate::escape;
use crate::report;

/// Why a command did not succeed.
#[derive(Debug)]
pub enum Failure {
    /// Bad flags, input or config file: exit 2.
    Usage {
        message: String,
        hint: Option<String>,
    },
    /// Something failed at run time: exit 1.
    Runtime {
        message: String,
        hint: Option<String>,
    },
    /// A database error, already formatted psql-style: exit 1.
    Database { text: String },
    /// Needed a confirmation nobody could give: exit 3.
    Refused(String),
    /// stdout was closed by the reader (`glance … | head`): not an error.
    OutputClosed,
}

impl Failure {
    pub fn code(&self) -> i32 {
        match self {
            Failure::Usage { .. } => 2,
            Failure::Runtime { .. } | Failure::Database { .. } => 1,
            Failure::Refused(_) => 3,
            Failure::OutputClosed => 0,
        }
    }

    /// What to print on stderr.
    pub fn message(&self) -> String {
        match self {
            Failure::Usage { message, hint } => report::error_line(message, hint.as_deref()),
            Failure::Runtime { message, hint } => report::error_line(message, hint.as_deref()),
            Failure::Database { text } => text.clone(),
            Failure::Refused(message) => format!("glance: refused: {}\n", escape::visible(message)),
            Failure::OutputClosed => String::new(),
        }
    }

    /// A failed write to stdout: a closed pipe is success, anything else a runtime error.
    pub fn from_io(error: io::Error) -> Failure {
        if error.kind() == io::ErrorKind::BrokenPipe {
            Failure::OutputClosed
        } else {
            Failure::Runtime {
                message: format!("could not write output: {error}"),
                hint: None,
            }
        }
    }

    pub fn usage(message: impl Into<String>) -> Failure {
        Failure::Usage {
            message: message.into(),
            hint: None,
        }
    }

    pub fn runtime(message: impl Into<String>) -> Failure {
        Failure::Runtime {
            message: message.into(),
            hint: None,
        }
    }

    /// A database error, written psql-style (with the statement's line and
    /// caret when `sql` is given).
    pub fn database(error: &crate::db::Error, sql: Option<&str>) -> Failure {
        Failure::Database {
            text: report::db_error(error, sql),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_the_contract() {
        assert_eq!(Failure::usage("x").code(), 2);
        assert_eq!(Failure::runtime("x").code(), 1);
        assert_eq!(
            Failure::Database {
                text: String::new()
            }
            .code(),
            1
        );
        assert_eq!(Failure::Refused("x".into()).code(), 3);
        assert_eq!(
            Failure::from_io(io::Error::from(io::ErrorKind::BrokenPipe)).code(),
            0
        );
        assert_eq!(Failure::from_io(io::Error::other("disk full")).code(), 1);
    }
}
