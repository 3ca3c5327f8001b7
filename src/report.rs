//! How errors look to a person: one `glance: error: …` line with an optional
//! `hint:` line, and database errors in psql's shape (severity, SQLSTATE,
//! message, the statement line with a caret under the error position,
//! DETAIL, HINT). Returns text; the caller decides where it goes.
//!
//! Invariant: the text is for a terminal, so the control characters of the
//! messages (which may carry row data or model text) are escaped.

use crate::db::{self, ServerError};
use crate::escape;

/// A one-line error with an optional hint, as printed on stderr.
pub fn error_line(message: &str, hint: Option<&str>) -> String {
    let mut text = format!("glance: error: {message}\n");
    if let Some(hint) = hint {
        text.push_str(&format!("hint: {hint}\n"));
    }
    escape::visible(&crate::redact::text(&text)).into_owned()
}

/// Everything the user should see about a database-layer error; `sql` is the
/// statement that failed, for the caret line.
pub fn db_error(err: &db::Error, sql: Option<&str>) -> String {
    match err {
        db::Error::Server(server) => crate::redact::text(&server_error(server, sql)),
        db::Error::Connect(connect) => error_line(&err.to_string(), Some(&connect.hint())),
        db::Error::ConnectionLost(_) => error_line(
            &err.to_string(),
            Some(
                "the server closed the connection (restarted, or the session was ended); the REPL reconnects with the next command, otherwise check that the server is running and try again",
            ),
        ),
        db::Error::Guard(_) => error_line(
            &err.to_string(),
            Some(
                "the statement tried to change data inside the read-only guard; nothing was changed",
            ),
        ),
        db::Error::Cancelled | db::Error::Other(_) | db::Error::BadInput(_) => {
            error_line(&err.to_string(), None)
        }
    }
}

/// The `error` object of the JSON output: `message`, and for a server error
/// `sqlstate`, `detail`, `hint` and `position` where the server gave them.
pub fn error_json(error: &db::Error) -> serde_json::Value {
    let mut detail = serde_json::Map::new();
    detail.insert("message".into(), error.to_string().into());
    if let db::Error::Server(server) = error {
        let fields = [
            ("sqlstate", &server.sqlstate),
            ("detail", &server.detail),
            ("hint", &server.hint),
        ];
        for (key, value) in fields {
            if let Some(value) = value {
                detail.insert(key.into(), value.as_str().into());
            }
        }
        if let Some(position) = server.position {
            detail.insert("position".into(), position.into());
        }
    }
    detail.into()
}

/// psql-style rendering of a server error.
pub fn server_error(err: &ServerError, sql: Option<&str>) -> String {
    let severity = err.severity.as_deref().unwrap_or("ERROR");
    let head = match &err.sqlstate {
        Some(code) => format!("{severity}:  {}  (SQLSTATE {code})\n", err.message),
        None => format!("{severity}:  {}\n", err.message),
    };
    let mut text = escape::visible(&head).into_owned();
    if let (Some(sql), Some(position)) = (sql, err.position) {
        text.push_str(&caret_lines(sql, position));
    }
    if let Some(detail) = &err.detail {
        text.push_str(&format!("DETAIL:  {}\n", escape::visible(detail)));
    }
    if let Some(hint) = &err.hint {
        text.push_str(&format!("HINT:  {}\n", escape::visible(hint)));
    }
    text
}

/// `LINE n: …` and a caret under the 1-based character `position` of `sql`,
/// the line's control characters escaped.
fn caret_lines(sql: &str, position: usize) -> String {
    let target = position.saturating_sub(1);
    let mut line_start_char = 0;
    for (number, line) in sql.split('\n').enumerate() {
        let line_chars = line.chars().count();
        if target <= line_start_char + line_chars {
            let prefix = format!("LINE {}: ", number + 1);
            let column = target - line_start_char;
            let before: String = line.chars().take(column).collect();
            let shown_column = escape::visible(&before).chars().count();
            let pad = " ".repeat(prefix.chars().count() + shown_column);
            let shown = escape::visible(line.trim_end_matches('\r'));
            return format!("{prefix}{shown}\n{pad}^\n");
        }
        line_start_char += line_chars + 1;
    }
    String::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_points_at_the_position_on_its_line() {
        let err = ServerError {
            sqlstate: Some("42P01".into()),
            message: "relation \"nope\" does not exist".into(),
            position: Some(15),
            ..Default::default()
        };
        let text = server_error(&err, Some("select * from nope"));
        assert_eq!(
            text,
            "ERROR:  relation \"nope\" does not exist  (SQLSTATE 42P01)\n\
             LINE 1: select * from nope\n\
             \x20                     ^\n"
        );
    }

    #[test]
    fn caret_finds_later_lines() {
        let text = caret_lines("select 1,\n  nope", 13);
        assert_eq!(text, "LINE 2:   nope\n          ^\n");
    }

    #[test]
    fn control_characters_in_messages_and_statements_are_escaped() {
        let err = ServerError {
            message: "bad \x1b[2Avalue".into(),
            detail: Some("d\x07".into()),
            position: Some(13),
            ..Default::default()
        };
        assert_eq!(
            server_error(&err, Some("select '\x1b', nope")),
            "ERROR:  bad \\x1b[2Avalue\n\
             LINE 1: select '\\x1b', nope\n\
             \x20                      ^\n\
             DETAIL:  d\\x07\n"
        );
        assert_eq!(
            error_line("a\u{9b}b", Some("\r")),
            "glance: error: a\\u{9b}b\nhint: \\x0d\n"
        );
    }

    #[test]
    fn detail_and_hint_follow() {
        let err = ServerError {
            message: "m".into(),
            detail: Some("d".into()),
            hint: Some("h".into()),
            ..Default::default()
        };
        assert_eq!(
            server_error(&err, None),
            "ERROR:  m\nDETAIL:  d\nHINT:  h\n"
        );
    }
}
