//! glance's comment convention for SQLite, which has no `COMMENT ON`:
//! table and column comments are read from `--` comments in the stored
//! `CREATE TABLE` text.

use crate::catalog::Relation;

/// Fills table and column comments from `--` comments in the stored
/// `CREATE TABLE` text (see [`parse_comments`]).
pub(super) fn apply_comments(relation: &mut Relation, sql: &str) {
    let names: Vec<&str> = relation.columns.iter().map(|c| c.name.as_str()).collect();
    let comments = parse_comments(sql, &names);
    relation.comment = comments.table;
    for (column, comment) in comments.columns {
        if let Some(c) = relation.columns.iter_mut().find(|c| c.name == column) {
            c.comment = Some(comment);
        }
    }
}

/// Comments found in a `CREATE TABLE` statement.
#[derive(Debug, Default, PartialEq)]
struct Comments {
    table: Option<String>,
    /// (column name, comment), in the order found.
    columns: Vec<(String, String)>,
}

/// Reads glance's comment convention for SQLite, which has no `COMMENT ON`:
/// - a `--` comment on the line of the opening parenthesis, or on comment-only
///   lines before the first column, describes the table;
/// - a `--` comment at the end of a line that starts with a column's name
///   describes that column: `email TEXT NOT NULL, -- login and contact address`.
///
/// `--` inside quotes is not a comment. Lines are matched against the known
/// column `names` (case-insensitively), so constraint lines are never taken
/// for columns.
fn parse_comments(sql: &str, names: &[&str]) -> Comments {
    let mut out = Comments::default();
    let mut table_lines: Vec<String> = Vec::new();
    let mut opened = false;
    let mut seen_column = false;
    for line in sql.lines() {
        let (code, comment) = split_comment(line);
        let code = if opened {
            code
        } else {
            match code.split_once('(') {
                Some((_, after)) => {
                    opened = true;
                    after
                }
                None => continue,
            }
        };
        let column = first_identifier(code)
            .and_then(|id| names.iter().find(|n| n.eq_ignore_ascii_case(&id)));
        match (column, comment) {
            (Some(name), Some(text)) => {
                seen_column = true;
                out.columns.push(((*name).to_string(), text));
            }
            (Some(_), None) => seen_column = true,
            (None, Some(text)) if !seen_column && code.trim().is_empty() => table_lines.push(text),
            _ => {}
        }
    }
    out.table = (!table_lines.is_empty()).then(|| table_lines.join(" "));
    out
}

/// Splits a line into code and the text of a trailing `--` comment (trimmed,
/// `None` when absent or empty), ignoring `--` inside quotes.
fn split_comment(line: &str) -> (&str, Option<String>) {
    let mut quote: Option<char> = None;
    let mut prev_dash = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q || (q == '[' && c == ']') => quote = None,
            Some(_) => {}
            None if matches!(c, '\'' | '"' | '`' | '[') => quote = Some(c),
            None if c == '-' && prev_dash => {
                let text = line[i + 1..].trim();
                return (&line[..i - 1], (!text.is_empty()).then(|| text.to_string()));
            }
            None => {}
        }
        prev_dash = quote.is_none() && c == '-' && !prev_dash;
    }
    (line, None)
}

/// The identifier a line of code starts with, without its quotes.
fn first_identifier(code: &str) -> Option<String> {
    let code = code.trim_start();
    let mut chars = code.chars();
    let close = match chars.next()? {
        '"' => '"',
        '`' => '`',
        '[' => ']',
        c if c.is_alphabetic() || c == '_' => {
            return Some(
                code.chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '$')
                    .collect(),
            );
        }
        _ => return None,
    };
    let inner: String = chars.take_while(|&c| c != close).collect();
    (!inner.is_empty()).then_some(inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_parser_follows_the_convention() {
        let sql = "CREATE TABLE \"t\" (\n  -- first line\n  -- second line\n  \"id\" INTEGER,\n  \
                   [Name] TEXT, -- shown name\n  CHECK (id > 0), -- not a column\n  url TEXT DEFAULT 'a--b'\n)";
        let comments = parse_comments(sql, &["id", "Name", "url"]);
        assert_eq!(comments.table.as_deref(), Some("first line second line"));
        assert_eq!(
            comments.columns,
            vec![("Name".to_string(), "shown name".to_string())]
        );
        assert_eq!(
            split_comment("a '--' b -- c"),
            ("a '--' b ", Some("c".to_string()))
        );
        assert_eq!(split_comment("x - y --"), ("x - y ", None));
    }
}
