//! Reads the SQL out of a model's reply, and the explanation around it.
//!
//! A reply is Markdown: prose with fenced code blocks (```` ``` ```` or
//! `~~~`). The SQL is the first block tagged as SQL, else the first untagged
//! block that starts like a statement; a reply without one is a prose answer
//! (for instance a clarifying question). The invariant: [`sql`] and [`prose`]
//! agree on which block is the SQL, so the explanation never repeats it.
//! Pure functions; line endings may be `\n` or `\r\n`.

/// Info-string tags that mark a block as SQL (compared case-insensitively).
const SQL_TAGS: [&str; 5] = ["sql", "postgresql", "postgres", "sqlite", "pgsql"];

/// First words that make an untagged block count as SQL.
const SQL_KEYWORDS: [&str; 25] = [
    "ALTER", "ANALYZE", "BEGIN", "CALL", "COMMENT", "COPY", "CREATE", "DELETE", "DO", "DROP",
    "EXPLAIN", "GRANT", "INSERT", "MERGE", "PRAGMA", "REFRESH", "REINDEX", "REVOKE", "SELECT",
    "SHOW", "TABLE", "TRUNCATE", "UPDATE", "VALUES", "WITH",
];

/// The SQL statement(s) proposed in `reply`, trimmed and without a trailing
/// `;`; `None` when the reply has no SQL block.
pub fn sql(reply: &str) -> Option<String> {
    let lines = split_lines(reply);
    find_sql(&lines).map(|b| b.sql)
}

/// `reply` without the block [`sql`] takes, blank-line runs collapsed and
/// trimmed; the whole reply (normalised) when there is no SQL block.
pub fn prose(reply: &str) -> String {
    let lines = split_lines(reply);
    let skip = find_sql(&lines).map(|b| b.lines);
    let mut out = String::new();
    let mut blank_run = 0;
    for (i, line) in lines.iter().enumerate() {
        if skip.as_ref().is_some_and(|r| r.contains(&i)) {
            continue;
        }
        if line.trim().is_empty() {
            blank_run += 1;
            if blank_run > 1 {
                continue;
            }
        } else {
            blank_run = 0;
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.trim().to_string()
}

/// Lines without their `\n` or `\r\n`.
fn split_lines(text: &str) -> Vec<&str> {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// The chosen SQL block: its cleaned text and the lines it spans, fences
/// included.
struct SqlBlock {
    sql: String,
    lines: std::ops::Range<usize>,
}

fn find_sql(lines: &[&str]) -> Option<SqlBlock> {
    let blocks = fenced_blocks(lines);
    let tagged = blocks.iter().find_map(|b| {
        let tag = b.tag.as_deref()?;
        SQL_TAGS
            .iter()
            .any(|t| t.eq_ignore_ascii_case(tag))
            .then(|| clean(&b.body, b))
            .flatten()
    });
    tagged.or_else(|| {
        blocks
            .iter()
            .filter(|b| b.tag.is_none() && looks_like_sql(&b.body))
            .find_map(|b| clean(&b.body, b))
    })
}

/// Trims the body and drops trailing `;`s (and any whitespace among them);
/// `None` when nothing is left.
fn clean(body: &str, block: &Fenced) -> Option<SqlBlock> {
    let sql = body
        .trim()
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    (!sql.is_empty()).then(|| SqlBlock {
        sql: sql.to_string(),
        lines: block.lines.clone(),
    })
}

/// One fenced code block.
struct Fenced {
    /// First word of the info string, if any (`sql` in ```` ```sql title ````).
    tag: Option<String>,
    body: String,
    lines: std::ops::Range<usize>,
}

/// Every fenced block in order. A block runs from an opening fence (three or
/// more backticks or tildes, optionally indented and followed by an info
/// string) to a closing fence of the same character and at least the same
/// length, or to the end of the reply when it is never closed.
fn fenced_blocks(lines: &[&str]) -> Vec<Fenced> {
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let Some((fence_char, fence_len, info)) = opening_fence(lines[i]) else {
            i += 1;
            continue;
        };
        let start = i;
        let mut body = Vec::new();
        i += 1;
        while i < lines.len() && !is_closing_fence(lines[i], fence_char, fence_len) {
            body.push(lines[i]);
            i += 1;
        }
        let end = (i + 1).min(lines.len());
        blocks.push(Fenced {
            tag: info.split_whitespace().next().map(str::to_string),
            body: body.join("\n"),
            lines: start..end,
        });
        i = end;
    }
    blocks
}

/// `(char, length, info string)` when `line` opens a fence.
fn opening_fence(line: &str) -> Option<(char, usize, &str)> {
    let trimmed = line.trim_start();
    let fence_char = trimmed.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = trimmed.chars().take_while(|c| *c == fence_char).count();
    if len < 3 {
        return None;
    }
    let info = trimmed[len..].trim();
    // A backtick fence's info string may not contain backticks (CommonMark).
    if fence_char == '`' && info.contains('`') {
        return None;
    }
    Some((fence_char, len, info))
}

fn is_closing_fence(line: &str, fence_char: char, open_len: usize) -> bool {
    let trimmed = line.trim();
    let len = trimmed.chars().take_while(|c| *c == fence_char).count();
    len >= open_len && len == trimmed.chars().count()
}

/// True when the first word after any leading `--` comment lines or `(` is
/// a statement keyword.
fn looks_like_sql(body: &str) -> bool {
    let code = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("--"))
        .unwrap_or("");
    let word: String = code
        .trim_start_matches('(')
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    SQL_KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tagged_block_is_taken_trimmed_without_semicolon() {
        let reply =
            "Here you go:\n\n```sql\nSELECT *\nFROM orders\nLIMIT 100;\n```\n\nThis lists orders.";
        assert_eq!(
            sql(reply).as_deref(),
            Some("SELECT *\nFROM orders\nLIMIT 100")
        );
        assert_eq!(prose(reply), "Here you go:\n\nThis lists orders.");
    }

    /// Found by the extraction fuzz target: whitespace other than spaces,
    /// tabs and newlines between trailing semicolons.
    #[test]
    fn every_trailing_semicolon_goes_whatever_whitespace_separates_them() {
        for body in [
            "select 1;\u{c};",
            "select 1 ;\r; ;\u{b}",
            "select 1;;\u{a0};",
        ] {
            let reply = format!("```sql\n{body}\n```");
            assert_eq!(sql(&reply).as_deref(), Some("select 1"), "{body:?}");
        }
    }

    #[test]
    fn tags_are_case_insensitive_and_include_dialect_names() {
        for tag in [
            "SQL",
            "postgresql",
            "Postgres",
            "sqlite",
            "pgsql",
            "sql title=q",
        ] {
            let reply = format!("```{tag}\nselect 1\n```");
            assert_eq!(sql(&reply).as_deref(), Some("select 1"), "{tag}");
        }
    }

    #[test]
    fn first_tagged_block_wins_over_earlier_untagged_and_later_blocks() {
        let reply = "```\nSELECT 'untagged'\n```\n```python\nprint(1)\n```\n\
                     ```sql\nSELECT 'first'\n```\n```sql\nSELECT 'second'\n```";
        assert_eq!(sql(reply).as_deref(), Some("SELECT 'first'"));
        let rest = prose(reply);
        assert!(rest.contains("SELECT 'untagged'"));
        assert!(rest.contains("SELECT 'second'"));
        assert!(!rest.contains("'first'"));
    }

    #[test]
    fn untagged_block_counts_only_when_it_starts_like_sql() {
        assert_eq!(
            sql("Try:\n```\n-- top customers\nwith t as (select 1) select * from t;\n```")
                .as_deref(),
            Some("-- top customers\nwith t as (select 1) select * from t")
        );
        assert_eq!(
            sql("```\n(SELECT 1) UNION (SELECT 2)\n```").as_deref(),
            Some("(SELECT 1) UNION (SELECT 2)")
        );
        assert_eq!(sql("```\n id | name\n----+-----\n  1 | a\n```"), None);
        assert_eq!(sql("```text\nSELECT 1\n```"), None);
        assert_eq!(sql("```\nselection of rows\n```"), None);
    }

    #[test]
    fn prose_only_reply_has_no_sql() {
        let reply = "Which table holds the invoices: billing.invoices or sales.invoices?";
        assert_eq!(sql(reply), None);
        assert_eq!(prose(reply), reply);
        assert_eq!(sql(""), None);
        assert_eq!(prose(""), "");
    }

    #[test]
    fn inline_backticks_are_not_fences() {
        let reply = "Use `SELECT 1` or ``SELECT 2``.";
        assert_eq!(sql(reply), None);
    }

    #[test]
    fn crlf_line_endings() {
        let reply = "Counts per status:\r\n\r\n```sql\r\nSELECT status, count(*)\r\nFROM orders\r\nGROUP BY status;\r\n```\r\nDone.\r\n";
        assert_eq!(
            sql(reply).as_deref(),
            Some("SELECT status, count(*)\nFROM orders\nGROUP BY status")
        );
        assert_eq!(prose(reply), "Counts per status:\n\nDone.");
    }

    #[test]
    fn tilde_fences_indentation_and_spaces() {
        assert_eq!(sql("~~~sql\nSELECT 1\n~~~").as_deref(), Some("SELECT 1"));
        assert_eq!(
            sql("  ```  sql  \n  SELECT 2  \n  ```  ").as_deref(),
            Some("SELECT 2")
        );
        assert_eq!(
            sql("````sql\nSELECT '```'\n````").as_deref(),
            Some("SELECT '```'")
        );
        // A tilde block is not closed by backticks.
        assert_eq!(
            sql("~~~sql\nSELECT 3\n```\n~~~").as_deref(),
            Some("SELECT 3\n```")
        );
    }

    #[test]
    fn unterminated_final_fence_takes_the_rest() {
        let reply = "Here:\n```sql\nSELECT *\nFROM t;;  \n";
        assert_eq!(sql(reply).as_deref(), Some("SELECT *\nFROM t"));
        assert_eq!(prose(reply), "Here:");
    }

    #[test]
    fn empty_sql_block_falls_through() {
        assert_eq!(
            sql("```sql\n;\n```\n```sql\nSELECT 1\n```").as_deref(),
            Some("SELECT 1")
        );
        assert_eq!(sql("```sql\n```"), None);
    }
}
