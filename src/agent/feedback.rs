//! What the model learns about a statement the database rejected, so it can
//! write a corrected one.
//!
//! The invariant: without `--share-samples`, nothing of the database's own
//! words is sent, because an error message can hold row data (a value that
//! failed a cast, a number in a date, the text of a `RAISE` in a function or
//! trigger, a SQLite `RAISE(ABORT, …)`). The model gets the error's code
//! (SQLSTATE, or SQLite's result code name), a fixed description chosen by
//! that code (or, on SQLite, by which known message it is), and the position
//! with the failed SQL's own text at that point — text the model wrote.

use crate::db::{self, ServerError};

/// Characters of the failed SQL shown from the error position on.
const EXCERPT_CHARS: usize = 40;

/// The error text for the correction request. With `share_samples` the
/// server's message follows the fixed parts.
pub fn describe(error: &db::Error, sql: &str, share_samples: bool) -> String {
    let db::Error::Server(server) = error else {
        return "the statement failed".to_string();
    };
    let mut text = match code(server) {
        Some(code) => format!("error {code}: {}", meaning(server)),
        None => format!("error: {}", meaning(server)),
    };
    if let Some(position) = server.position {
        text.push_str(&format!("\nat character {position} of the failed SQL"));
        if let Some(excerpt) = excerpt(sql, position) {
            text.push_str(&format!(", which reads: {excerpt}"));
        }
    }
    if share_samples {
        text.push_str(&format!("\nmessage: {}", server.message));
    }
    text
}

/// The SQLSTATE, or SQLite's result code name (kept in `detail`).
fn code(server: &ServerError) -> Option<&str> {
    if let Some(sqlstate) = server.sqlstate.as_deref() {
        return Some(sqlstate)
            .filter(|s| s.len() == 5 && s.bytes().all(|b| b.is_ascii_alphanumeric()));
    }
    server.detail.as_deref().filter(|name| {
        name.starts_with("SQLITE_") && name.bytes().all(|b| b.is_ascii_uppercase() || b == b'_')
    })
}

/// A fixed description: by SQLSTATE, else by SQLite's result code and which
/// known message it is.
fn meaning(server: &ServerError) -> &'static str {
    match server.sqlstate.as_deref() {
        Some(sqlstate) => postgres_meaning(sqlstate),
        None => sqlite_meaning(&server.message, server.detail.as_deref().unwrap_or("")),
    }
}

fn postgres_meaning(sqlstate: &str) -> &'static str {
    match sqlstate {
        "42601" => "syntax error",
        "42703" => "a column that does not exist",
        "42P01" => "a table or view that does not exist",
        "42883" => "no function or operator with this name takes these argument types",
        "42702" => "an ambiguous column reference: qualify it with its table",
        "42725" => "an ambiguous function call: cast the arguments",
        "42P09" => "an ambiguous alias",
        "42803" => "a column must appear in GROUP BY or be used in an aggregate function",
        "42804" => "a value of the wrong type for where it is used",
        "42846" => "a cast between types that is not possible",
        "42P18" => "a value whose type cannot be determined: add a cast",
        "42704" => "a type, collation or other object that does not exist",
        "42P10" => "an invalid column reference (ORDER BY with DISTINCT, or a bad position)",
        "42P02" => "a parameter that does not exist",
        "42501" => "permission denied",
        "3F000" => "a schema that does not exist",
        "22P02" => "a value that is not valid input for its type",
        "22003" => "a numeric value out of range",
        "22012" => "division by zero",
        "22008" => "a date or time field value out of range",
        "22007" => "a date or time in an invalid format",
        "22001" => "a string too long for its type",
        "22023" => "an invalid parameter value",
        "2201B" => "an invalid regular expression",
        "22004" | "22002" => "a null value where none is allowed",
        "21000" => "a subquery used as an expression returned more than one row",
        "23505" => "a unique constraint was violated",
        "23503" => "a foreign key constraint was violated",
        "23502" => "a not-null constraint was violated",
        "23514" => "a check constraint was violated",
        "25006" => "the statement tried to change data in a read-only transaction",
        "57014" => "the statement was cancelled (a statement timeout)",
        "P0001" => "a function or trigger raised an error",
        "0A000" => "a feature the server does not support",
        "54001" => "the statement is too complex",
        _ => postgres_class(sqlstate.get(..2).unwrap_or_default()),
    }
}

/// The meaning of a SQLSTATE class (its first two characters).
fn postgres_class(class: &str) -> &'static str {
    match class {
        "22" => "a value was invalid for its type or operation",
        "23" => "an integrity constraint was violated",
        "42" => "a syntax error or an access rule violation",
        "0A" => "a feature the server does not support",
        "21" => "a cardinality violation",
        "25" => "an invalid transaction state",
        "40" => "the transaction was rolled back (serialization failure or deadlock)",
        "53" => "the server ran out of a resource",
        "54" => "a program limit was exceeded",
        "55" => "an object is not in the state the statement needs",
        "57" => "the statement was stopped by the server",
        "P0" => "a function or trigger raised an error",
        "XX" => "an internal server error",
        _ => "the database rejected the statement",
    }
}

/// SQLite has no SQLSTATE: its known messages for mistakes in a statement,
/// else the meaning of the result code.
fn sqlite_meaning(message: &str, code: &str) -> &'static str {
    const KNOWN: [(&str, &str); 12] = [
        ("no such column", "a column that does not exist"),
        ("no such table", "a table or view that does not exist"),
        ("no such function", "a function that does not exist"),
        (
            "wrong number of arguments",
            "a function called with the wrong number of arguments",
        ),
        (
            "ambiguous column name",
            "an ambiguous column reference: qualify it with its table",
        ),
        (
            "misuse of aggregate",
            "an aggregate function used where it is not allowed",
        ),
        (
            "misuse of window function",
            "a window function used where it is not allowed",
        ),
        ("a GROUP BY clause is required", "HAVING without GROUP BY"),
        (
            "ORDER BY term",
            "an ORDER BY term that matches no result column",
        ),
        (
            "do not have the same number of result columns",
            "the parts of a UNION, INTERSECT or EXCEPT have different numbers of columns",
        ),
        ("syntax error", "syntax error"),
        ("malformed JSON", "a value that is not well-formed JSON"),
    ];
    if code == "SQLITE_ERROR"
        && let Some((_, meaning)) = KNOWN.iter().find(|(known, _)| message.contains(known))
    {
        return meaning;
    }
    match code {
        "SQLITE_CONSTRAINT_UNIQUE" | "SQLITE_CONSTRAINT_PRIMARYKEY" => {
            "a unique constraint was violated"
        }
        "SQLITE_CONSTRAINT_FOREIGNKEY" => "a foreign key constraint was violated",
        "SQLITE_CONSTRAINT_NOTNULL" => "a not-null constraint was violated",
        "SQLITE_CONSTRAINT_CHECK" => "a check constraint was violated",
        "SQLITE_CONSTRAINT_TRIGGER" => "a trigger raised an error",
        "SQLITE_CONSTRAINT_DATATYPE" => "a value of the wrong type for a strict table",
        "SQLITE_MISMATCH" => "a value of the wrong type",
        "SQLITE_READONLY" => "the statement tried to change a read-only database",
        "SQLITE_BUSY" | "SQLITE_LOCKED" => "the database is locked",
        "SQLITE_RANGE" => "a parameter index out of range",
        _ => "the database rejected the statement",
    }
}

/// The failed SQL from the 1-based character `position` on, to the end of
/// its line, at most [`EXCERPT_CHARS`] characters, on one line.
fn excerpt(sql: &str, position: usize) -> Option<String> {
    let rest: String = sql
        .chars()
        .skip(position.checked_sub(1)?)
        .take_while(|&c| c != '\n' && c != '\r')
        .take(EXCERPT_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let rest = rest.trim_end();
    (!rest.is_empty()).then(|| rest.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(
        sqlstate: Option<&str>,
        message: &str,
        detail: Option<&str>,
        position: Option<usize>,
    ) -> db::Error {
        db::Error::from(ServerError {
            severity: Some("ERROR".into()),
            sqlstate: sqlstate.map(str::to_string),
            message: message.into(),
            detail: detail.map(str::to_string),
            hint: Some("Perhaps you meant \"secret\".".into()),
            position,
        })
    }

    #[test]
    fn the_code_a_fixed_meaning_and_the_sql_at_the_position_are_sent() {
        let sql = "select nme from customers";
        let error = server(
            Some("42703"),
            "column \"nme\" does not exist",
            None,
            Some(8),
        );
        assert_eq!(
            describe(&error, sql, false),
            "error 42703: a column that does not exist\n\
             at character 8 of the failed SQL, which reads: nme from customers"
        );
    }

    #[test]
    fn no_words_of_the_database_are_sent_without_share_samples() {
        let cases = [
            server(
                Some("22008"),
                "date field value out of range: 424242-13-01",
                None,
                None,
            ),
            server(
                Some("P0001"),
                "ssn 123-45-6789 belongs to ada@example.org",
                Some("x"),
                None,
            ),
            server(
                Some("22P02"),
                "invalid input syntax for type integer: \"b\"",
                None,
                None,
            ),
            server(
                None,
                "malformed JSON: 'sk-live-abc'",
                Some("SQLITE_ERROR"),
                None,
            ),
            server(
                None,
                "key sk-live-abc",
                Some("SQLITE_CONSTRAINT_TRIGGER"),
                None,
            ),
            server(
                None,
                "no such column: sk-live-abc",
                Some("sk-live-abc"),
                None,
            ),
            server(Some("42703\n424242"), "424242", None, None),
        ];
        for error in &cases {
            let sent = describe(error, "select b from t", false);
            for secret in ["424242", "123-45", "ada@", "sk-live", "\"b\"", "secret"] {
                assert!(!sent.contains(secret), "{secret} in {sent:?}");
            }
        }
        assert_eq!(
            describe(&cases[0], "", false),
            "error 22008: a date or time field value out of range"
        );
        assert_eq!(
            describe(&cases[3], "", false),
            "error SQLITE_ERROR: a value that is not well-formed JSON"
        );
    }

    #[test]
    fn share_samples_adds_the_message() {
        let error = server(
            Some("22008"),
            "date field value out of range: 2024-13-01",
            None,
            None,
        );
        assert!(
            describe(&error, "", true)
                .ends_with("\nmessage: date field value out of range: 2024-13-01")
        );
    }

    #[test]
    fn unknown_codes_fall_back_to_their_class() {
        assert_eq!(
            postgres_meaning("22Z99"),
            "a value was invalid for its type or operation"
        );
        assert_eq!(
            postgres_meaning("ZZ000"),
            "the database rejected the statement"
        );
        assert_eq!(
            sqlite_meaning("no such table: x", "SQLITE_ERROR"),
            "a table or view that does not exist"
        );
    }
}
