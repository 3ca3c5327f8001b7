//! SQLite's errors as the database layer's: messages as SQLite words them,
//! the result code's name as the detail, and the character position of a
//! syntax error where SQLite gives one.

use rusqlite::ffi;

use crate::db::{Error, ServerError};

/// Maps a rusqlite error into the database layer's error.
pub(super) fn map_error(error: rusqlite::Error) -> Error {
    match error {
        rusqlite::Error::SqliteFailure(e, _) if e.code == ffi::ErrorCode::OperationInterrupted => Error::Cancelled,
        rusqlite::Error::SqliteFailure(e, message) => Error::from(ServerError {
            severity: Some("ERROR".into()),
            message: message.unwrap_or_else(|| e.to_string()),
            detail: Some(code_name(e.extended_code)),
            ..ServerError::default()
        }),
        rusqlite::Error::SqlInputError { error, msg, sql, offset } => Error::from(ServerError {
            severity: Some("ERROR".into()),
            message: msg,
            detail: Some(code_name(error.extended_code)),
            position: usize::try_from(offset).ok().and_then(|o| sql.get(..o)).map(|head| head.chars().count() + 1),
            ..ServerError::default()
        }),
        rusqlite::Error::MultipleStatement => Error::from(ServerError {
            severity: Some("ERROR".into()),
            message: "cannot run more than one statement at a time: remove what follows the first statement".into(),
            ..ServerError::default()
        }),
        rusqlite::Error::Empty => Error::Other("no SQL statement to run".into()),
        other => Error::Other(other.to_string()),
    }
}

/// SQLite's name for an (extended) result code, e.g. `SQLITE_CONSTRAINT_UNIQUE`.
fn code_name(extended: i32) -> String {
    let name = match extended {
        ffi::SQLITE_CONSTRAINT_CHECK => "SQLITE_CONSTRAINT_CHECK",
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => "SQLITE_CONSTRAINT_FOREIGNKEY",
        ffi::SQLITE_CONSTRAINT_NOTNULL => "SQLITE_CONSTRAINT_NOTNULL",
        ffi::SQLITE_CONSTRAINT_PRIMARYKEY => "SQLITE_CONSTRAINT_PRIMARYKEY",
        ffi::SQLITE_CONSTRAINT_UNIQUE => "SQLITE_CONSTRAINT_UNIQUE",
        ffi::SQLITE_CONSTRAINT_TRIGGER => "SQLITE_CONSTRAINT_TRIGGER",
        ffi::SQLITE_CONSTRAINT_DATATYPE => "SQLITE_CONSTRAINT_DATATYPE",
        ffi::SQLITE_READONLY_DBMOVED => "SQLITE_READONLY_DBMOVED",
        _ => match extended & 0xff {
            ffi::SQLITE_ERROR => "SQLITE_ERROR",
            ffi::SQLITE_PERM => "SQLITE_PERM",
            ffi::SQLITE_ABORT => "SQLITE_ABORT",
            ffi::SQLITE_BUSY => "SQLITE_BUSY",
            ffi::SQLITE_LOCKED => "SQLITE_LOCKED",
            ffi::SQLITE_NOMEM => "SQLITE_NOMEM",
            ffi::SQLITE_READONLY => "SQLITE_READONLY",
            ffi::SQLITE_IOERR => "SQLITE_IOERR",
            ffi::SQLITE_CORRUPT => "SQLITE_CORRUPT",
            ffi::SQLITE_FULL => "SQLITE_FULL",
            ffi::SQLITE_CANTOPEN => "SQLITE_CANTOPEN",
            ffi::SQLITE_CONSTRAINT => "SQLITE_CONSTRAINT",
            ffi::SQLITE_MISMATCH => "SQLITE_MISMATCH",
            ffi::SQLITE_AUTH => "SQLITE_AUTH",
            ffi::SQLITE_RANGE => "SQLITE_RANGE",
            ffi::SQLITE_NOTADB => "SQLITE_NOTADB",
            _ => return format!("SQLite result code {extended}"),
        },
    };
    name.to_string()
}

/// The message for a file that opened but could not be used.
pub(super) fn describe_open_failure(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(ffi::ErrorCode::NotADatabase) => "file is not a SQLite database".into(),
        Some(ffi::ErrorCode::DatabaseBusy) => "the database is locked by another process".into(),
        _ => error.to_string(),
    }
}
