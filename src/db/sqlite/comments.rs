//! glance's comment convention for SQLite, which has no `COMMENT ON`:
//! table and column comments are read from `--` comments in the stored
//! `CREATE TABLE` text.

use sqlparser::dialect::SQLiteDialect;
use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

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
/// The text is read by sqlparser's tokenizer (SQLite dialect), so `--` inside
/// quotes or a block comment is not a comment. Lines are matched against the
/// known column `names` (case-insensitively), so constraint lines are never
/// taken for columns.
fn parse_comments(sql: &str, names: &[&str]) -> Comments {
    let mut out = Comments::default();
    let mut table_lines: Vec<String> = Vec::new();
    let mut seen_column = false;
    for line in lines(sql) {
        let column = match &line.first {
            Some(Token::Word(word)) => names.iter().find(|n| n.eq_ignore_ascii_case(&word.value)),
            _ => None,
        };
        match (column, line.comment) {
            (Some(name), Some(text)) => {
                seen_column = true;
                out.columns.push(((*name).to_string(), text));
            }
            (Some(_), None) => seen_column = true,
            (None, Some(text)) if !seen_column && line.first.is_none() => table_lines.push(text),
            _ => {}
        }
    }
    out.table = (!table_lines.is_empty()).then(|| table_lines.join(" "));
    out
}

/// One line of a `CREATE TABLE` statement from its opening parenthesis on.
struct Line {
    /// The first token of code on the line, if any.
    first: Option<Token>,
    /// The text of a `--` comment ending the line (trimmed; `None` when empty).
    comment: Option<String>,
}

/// The lines of `sql` after its first `(`, as tokens; a line that a
/// string or quoted name runs on to belongs to the line it began on. Text
/// SQLite stored is whole statements; should the tokenizer stop early, what
/// it read is used.
fn lines(sql: &str) -> Vec<Line> {
    let mut read = Vec::new();
    let _ = Tokenizer::new(&SQLiteDialect {}, sql).tokenize_with_location_into_buf(&mut read);
    let Some(open) = read.iter().position(|t| t.token == Token::LParen) else {
        return Vec::new();
    };
    // Each line with the last line its code reaches.
    let mut lines: Vec<(u64, Line)> = Vec::new();
    for token in read.into_iter().skip(open + 1) {
        let (start, end) = (token.span.start.line, token.span.end.line);
        let comment = match &token.token {
            Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => {
                Some(comment.trim().to_string())
            }
            Token::Whitespace(_) => continue,
            _ => None,
        };
        if lines.last().is_none_or(|(reach, _)| *reach < start) {
            let empty = Line {
                first: None,
                comment: None,
            };
            lines.push((start, empty));
        }
        let Some((reach, line)) = lines.last_mut() else {
            continue;
        };
        match comment {
            Some(text) => line.comment = (!text.is_empty()).then_some(text),
            None => {
                *reach = end.max(*reach);
                line.first.get_or_insert(token.token);
            }
        }
    }
    lines.into_iter().map(|(_, line)| line).collect()
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
    }

    #[test]
    fn dashes_in_strings_names_and_block_comments_are_not_comments() {
        let sql = "CREATE TABLE t ( /* -- not the table's */\n  \
                   a TEXT DEFAULT '--', -- c\n  \
                   \"b--x\" INT, /* -- */\n  \
                   x INT DEFAULT (1 - 2), --\n  \
                   y TEXT DEFAULT 'two\n-- lines' -- why\n)";
        let comments = parse_comments(sql, &["a", "b--x", "x", "y"]);
        assert_eq!(comments.table, None);
        assert_eq!(
            comments.columns,
            vec![
                ("a".to_string(), "c".to_string()),
                ("y".to_string(), "why".to_string())
            ]
        );
    }
}
