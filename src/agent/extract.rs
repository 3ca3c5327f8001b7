//! Reads the SQL out of a model's reply, and the explanation around it.
//!
//! A reply is Markdown: prose with fenced code blocks (```` ``` ```` or
//! `~~~`). The SQL is the first block tagged as SQL, else the first untagged
//! block that starts like a statement; a block holding only comments is no
//! SQL. A reply without such a block that is, as a whole, SQL (one or more
//! statements the parser accepts, as small local models often write it) is
//! taken as SQL too: its first statement runs and the others are listed.
//! Anything else is a prose answer (for instance a clarifying question).
//! The invariants: [`sql`] and [`prose`] agree on which block is the SQL, so
//! the explanation never repeats it, and every other SQL statement of the
//! reply is in [`others`], so nothing the model wrote is dropped unseen.
//! Pure functions; line endings may be `\n` or `\r\n`.

use crate::db::Dialect;
use crate::safety;

/// Info-string tags that mark a block as SQL (compared case-insensitively).
const SQL_TAGS: [&str; 5] = ["sql", "postgresql", "postgres", "sqlite", "pgsql"];

/// First words that make an untagged block count as SQL.
const SQL_KEYWORDS: [&str; 25] = [
    "ALTER", "ANALYZE", "BEGIN", "CALL", "COMMENT", "COPY", "CREATE", "DELETE", "DO", "DROP",
    "EXPLAIN", "GRANT", "INSERT", "MERGE", "PRAGMA", "REFRESH", "REINDEX", "REVOKE", "SELECT",
    "SHOW", "TABLE", "TRUNCATE", "UPDATE", "VALUES", "WITH",
];

/// First words that let a reply without a fence count as SQL: the statements
/// whose grammar leaves no room for a sentence (`SHOW`, `CALL` or `ANALYZE`
/// followed by words parse, so "Show me the invoices" would be SQL).
const BARE_KEYWORDS: [&str; 14] = [
    "ALTER", "CREATE", "DELETE", "DROP", "EXPLAIN", "INSERT", "MERGE", "PRAGMA", "SELECT", "TABLE",
    "TRUNCATE", "UPDATE", "VALUES", "WITH",
];

/// The kind of chart a reply's SQL asks for with a `-- chart: KIND` line
/// (see the system prompt); `None` without one or with an unknown kind.
pub fn chart_kind(reply: &str) -> Option<crate::chart::Kind> {
    sql(reply)?.lines().find_map(|line| {
        let rest = line.trim().strip_prefix("--")?.trim_start();
        let (word, kind) = rest.split_once(':')?;
        if !word.trim().eq_ignore_ascii_case("chart") {
            return None;
        }
        crate::chart::Kind::parse(kind.trim())
    })
}

/// The SQL statement(s) proposed in `reply`, trimmed and without a trailing
/// `;`; `None` when the reply has no SQL.
pub fn sql(reply: &str) -> Option<String> {
    let lines = split_lines(reply);
    find_sql(&lines).map(|b| b.sql)
}

/// The reply's other SQL, which glance does not run: the statements of every
/// further SQL block (and the statements after the first of a bare-SQL
/// reply), in the order the reply has them.
pub fn others(reply: &str) -> Vec<String> {
    let lines = split_lines(reply);
    find_sql(&lines).map(|b| b.others).unwrap_or_default()
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

/// The chosen SQL: its cleaned text, the lines it spans (fences included),
/// and the SQL the reply holds besides.
struct SqlBlock {
    sql: String,
    lines: std::ops::Range<usize>,
    others: Vec<String>,
}

fn find_sql(lines: &[&str]) -> Option<SqlBlock> {
    let blocks = fenced_blocks(lines);
    let is_tagged = |b: &Fenced| {
        b.tag
            .as_deref()
            .is_some_and(|tag| SQL_TAGS.iter().any(|t| t.eq_ignore_ascii_case(tag)))
    };
    let candidates: Vec<(bool, &Fenced, String)> = blocks
        .iter()
        .filter_map(|b| {
            let tagged = is_tagged(b);
            let counts = tagged || (b.tag.is_none() && starts_with(&b.body, &SQL_KEYWORDS));
            counts.then(|| clean(&b.body).map(|sql| (tagged, b, sql)))?
        })
        .collect();
    let Some(chosen) = candidates
        .iter()
        .position(|(tagged, ..)| *tagged)
        .or((!candidates.is_empty()).then_some(0))
    else {
        return bare_sql(lines);
    };
    let others = candidates
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != chosen)
        .map(|(_, (_, _, sql))| sql.clone())
        .collect();
    let (_, block, sql) = &candidates[chosen];
    Some(SqlBlock {
        sql: sql.clone(),
        lines: block.lines.clone(),
        others,
    })
}

/// A reply that is nothing but SQL, without a fence: it must start like a
/// statement and parse as a whole, in either dialect glance speaks (the
/// backend's own classification follows). Its first statement is the SQL.
fn bare_sql(lines: &[&str]) -> Option<SqlBlock> {
    let text = lines.join("\n");
    if !starts_with(&text, &BARE_KEYWORDS) {
        return None;
    }
    let dialect = [Dialect::Postgres, Dialect::Sqlite]
        .into_iter()
        .find(|d| safety::parses(&text, *d))?;
    let mut statements = safety::split_statements(&text, dialect).into_iter();
    let sql = clean(&statements.next()?)?;
    Some(SqlBlock {
        sql,
        lines: 0..lines.len(),
        others: statements.filter_map(|s| clean(&s)).collect(),
    })
}

/// Trims the body and drops trailing `;`s (and any whitespace among them);
/// `None` when nothing is left or only comments are.
fn clean(body: &str) -> Option<String> {
    let sql = body
        .trim()
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    let statement = !safety::split_statements(sql, Dialect::Postgres).is_empty();
    (statement && !sql.is_empty()).then(|| sql.to_string())
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
/// one of `keywords`.
fn starts_with(body: &str, keywords: &[&str]) -> bool {
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
    keywords.iter().any(|k| k.eq_ignore_ascii_case(&word))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chart_line_in_the_sql_names_the_kind() {
        let reply = "```sql\n-- chart: line\nselect month, revenue from sales\n```";
        assert_eq!(chart_kind(reply), Some(crate::chart::Kind::Line));
        assert_eq!(
            chart_kind("```sql\n-- Chart: HIST\nselect 1\n```"),
            Some(crate::chart::Kind::Histogram)
        );
        assert_eq!(chart_kind("```sql\nselect 1 -- chart: pie\n```"), None);
        assert_eq!(chart_kind("```sql\nselect 1\n```"), None);
    }

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
        assert_eq!(others(reply), ["SELECT 'untagged'", "SELECT 'second'"]);
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
    fn every_further_sql_block_is_listed_as_not_run_in_order() {
        let reply = "Top customers:\n```sql\nSELECT name FROM customers;\n```\n\
                     Then, to clean up:\n```sql\nDELETE FROM customers;\n```\n\
                     ```\nUPDATE t SET a = 1\n```\n```text\nDROP TABLE t\n```";
        assert_eq!(sql(reply).as_deref(), Some("SELECT name FROM customers"));
        assert_eq!(
            others(reply),
            ["DELETE FROM customers", "UPDATE t SET a = 1"]
        );
        assert_eq!(others("```sql\nSELECT 1\n```"), Vec::<String>::new());
        assert_eq!(others("no SQL here"), Vec::<String>::new());
    }

    #[test]
    fn a_bare_sql_reply_is_the_statement() {
        for (reply, expected, rest) in [
            (
                "SELECT count(*) AS n FROM customers;",
                "SELECT count(*) AS n FROM customers",
                vec![],
            ),
            ("select 1", "select 1", vec![]),
            (
                "\n  -- how many\nSELECT count(*)\r\nFROM orders;\n\n",
                "-- how many\nSELECT count(*)\nFROM orders",
                vec![],
            ),
            (
                "WITH t AS (SELECT 1 AS a) SELECT a FROM t;",
                "WITH t AS (SELECT 1 AS a) SELECT a FROM t",
                vec![],
            ),
            (
                "SELECT * FROM orders;\nDELETE FROM orders;",
                "SELECT * FROM orders",
                vec!["DELETE FROM orders"],
            ),
            (
                "insert into t values (1)",
                "insert into t values (1)",
                vec![],
            ),
        ] {
            assert_eq!(sql(reply).as_deref(), Some(expected), "{reply:?}");
            assert_eq!(others(reply), rest, "{reply:?}");
            assert_eq!(prose(reply), "", "{reply:?}");
        }
    }

    /// Prose that opens with a statement keyword is still prose: the whole
    /// reply must parse as SQL.
    #[test]
    fn prose_that_starts_with_a_keyword_stays_prose() {
        for reply in [
            "Select the orders placed in March, then group them by week.",
            "With pleasure, here is how to count them: use count(*).",
            "Show me which table holds the invoices?",
            "Explain why you need the deleted rows?",
            "Update: the orders table has no price column.",
            "Delete is not possible on a read-only connection.",
            "Values in status are pending, paid and shipped.",
            "Table orders has no customer column; which table do you mean?",
            "Create a view first, or ask for the rows directly?",
            "Begin by telling me which year you mean.",
            "SELECT count(*) FROM orders;\nThis counts every order.",
            "Here is the query: SELECT 1;",
            "Revenue per category, summing order lines:",
        ] {
            assert_eq!(sql(reply), None, "{reply:?}");
            assert_eq!(prose(reply), reply, "{reply:?}");
            assert!(others(reply).is_empty(), "{reply:?}");
        }
    }

    #[test]
    fn a_block_of_comments_only_is_no_sql() {
        let reply = "Revenue per category, summing order lines:\n```sql\n-- there is no order lines table\n```";
        assert_eq!(sql(reply), None);
        assert_eq!(prose(reply), reply);
        assert_eq!(
            sql("```sql\n-- nothing\n```\n```sql\nSELECT 2\n```").as_deref(),
            Some("SELECT 2")
        );
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
