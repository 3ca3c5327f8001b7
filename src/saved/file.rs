//! The file of one saved query, `NAME.sql`: a header of `--` comment
//! lines, then the SQL exactly as saved.
//!
//! ```sql
//! -- description: orders in one status, newest first
//! -- question: which orders shipped this week?
//! -- param: status  the order status (pending, shipped, delivered)
//! select * from orders where status = :status order by placed_at desc
//! ```
//!
//! Each header line is optional; `param:` names a parameter and says what
//! it takes, one line each. The header ends at the first line that is not
//! one of them, so any other comment belongs to the SQL. The file stays a
//! plain SQL file other tools read.

/// A saved query as its file holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Saved {
    pub description: Option<String>,
    /// The question the SQL answered, when it was saved after one.
    pub question: Option<String>,
    /// `param:` lines: a parameter's name and what it takes.
    pub notes: Vec<(String, String)>,
    pub sql: String,
}

const DESCRIPTION: &str = "description:";
const QUESTION: &str = "question:";
const PARAM: &str = "param:";

/// Reads a saved query's file text.
pub fn parse(text: &str) -> Saved {
    let mut saved = Saved::default();
    let mut rest = text;
    while !rest.is_empty() {
        let (line, next) = rest.split_once('\n').unwrap_or((rest, ""));
        let Some(comment) = line.trim().strip_prefix("--").map(str::trim) else {
            break;
        };
        if let Some(value) = comment.strip_prefix(DESCRIPTION) {
            saved.description = Some(value.trim().to_string());
        } else if let Some(value) = comment.strip_prefix(QUESTION) {
            saved.question = Some(value.trim().to_string());
        } else if let Some(value) = comment.strip_prefix(PARAM) {
            let value = value.trim();
            let (name, about) = value.split_once(char::is_whitespace).unwrap_or((value, ""));
            saved
                .notes
                .push((name.to_string(), about.trim().to_string()));
        } else {
            break;
        }
        rest = next;
    }
    saved.sql = rest.trim().to_string();
    saved
}

/// The file text for `saved`; a line break inside a header value becomes
/// a space, so the header stays one line per field.
pub fn render(saved: &Saved) -> String {
    let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::new();
    if let Some(description) = &saved.description {
        out.push_str(&format!("-- {DESCRIPTION} {}\n", one_line(description)));
    }
    if let Some(question) = &saved.question {
        out.push_str(&format!("-- {QUESTION} {}\n", one_line(question)));
    }
    for (name, about) in &saved.notes {
        match one_line(about) {
            about if about.is_empty() => out.push_str(&format!("-- {PARAM} {name}\n")),
            about => out.push_str(&format!("-- {PARAM} {name}  {about}\n")),
        }
    }
    out.push_str(saved.sql.trim());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_reads_back_as_written() {
        let saved = Saved {
            description: Some("orders in one status".into()),
            question: Some("which orders\nshipped?".into()),
            notes: vec![("status".into(), "pending or shipped".into())],
            sql: "-- kept: a comment of the SQL\nselect * from orders where status = :status"
                .into(),
        };
        let text = render(&saved);
        assert_eq!(
            text,
            "-- description: orders in one status\n-- question: which orders shipped?\n\
             -- param: status  pending or shipped\n\
             -- kept: a comment of the SQL\nselect * from orders where status = :status\n"
        );
        let read = parse(&text);
        assert_eq!(read.question.as_deref(), Some("which orders shipped?"));
        assert_eq!(read.notes, saved.notes);
        assert_eq!(read.sql, saved.sql);
        assert_eq!(parse(&render(&read)), read);
    }

    #[test]
    fn a_plain_sql_file_is_all_sql() {
        let read = parse("select 1;\n");
        assert_eq!(read.sql, "select 1;");
        assert_eq!(read.description, None);
        let commented = parse("-- just a note\nselect 2");
        assert_eq!(commented.sql, "-- just a note\nselect 2");
    }
}
