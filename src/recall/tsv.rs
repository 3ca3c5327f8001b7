//! The team's `examples.tsv`: a header line `question<TAB>sql`, then one
//! pair a line, with `\n`, `\t` and `\\` written escaped. A bad line is
//! reported with its number and left out; it never stops glance.

/// The first line of the file.
pub const HEADER: &str = "question\tsql";

/// The largest `examples.tsv` read.
pub const MAX_BYTES: u64 = 16 << 20;

/// A line that could not be read, numbered from 1.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    pub line: usize,
    pub message: String,
}

/// The pairs in `text` (question, SQL), and the lines left out.
pub fn parse(text: &str) -> (Vec<(String, String)>, Vec<Problem>) {
    let mut pairs = Vec::new();
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        let number = index + 1;
        if number == 1 {
            if line != HEADER {
                problems.push(Problem {
                    line: 1,
                    message: "the first line must be the header `question<TAB>sql`".into(),
                });
            }
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        match pair(line) {
            Ok(pair) => pairs.push(pair),
            Err(message) => problems.push(Problem {
                line: number,
                message,
            }),
        }
    }
    (pairs, problems)
}

fn pair(line: &str) -> Result<(String, String), String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [question, sql] = fields[..] else {
        return Err(format!(
            "expected a question and its SQL separated by one tab, found {} field{}",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        ));
    };
    let (question, sql) = (unescape(question)?, unescape(sql)?);
    if question.trim().is_empty() || sql.trim().is_empty() {
        return Err("the question and the SQL must both be given".into());
    }
    Ok((question, sql))
}

/// `text` with `\n`, `\t` and `\\` read back.
fn unescape(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('\\') => out.push('\\'),
            other => {
                let found = other.map(|c| format!("\\{c}")).unwrap_or("\\".into());
                return Err(format!(
                    "unknown escape {found}: write a backslash as \\\\, a newline as \\n, a tab as \\t"
                ));
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_read_with_their_escapes() {
        let text = "question\tsql\r\nhow many orders?\tselect count(*)\\n  from orders\n\n\
                    tab\\there\tselect '\\\\'\n";
        let (pairs, problems) = parse(text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            pairs,
            [
                (
                    "how many orders?".to_string(),
                    "select count(*)\n  from orders".to_string()
                ),
                ("tab\there".to_string(), "select '\\'".to_string()),
            ]
        );
    }

    #[test]
    fn bad_lines_are_numbered_and_left_out() {
        let text = "q\ts\nno tab here\na\tb\tc\nfine\tselect 1\nodd\\x\tselect 2\n\tselect 3\n";
        let (pairs, problems) = parse(text);
        assert_eq!(pairs, [("fine".to_string(), "select 1".to_string())]);
        let lines: Vec<usize> = problems.iter().map(|p| p.line).collect();
        assert_eq!(lines, [1, 2, 3, 5, 6]);
        assert!(problems[0].message.contains("header"), "{problems:?}");
        assert!(
            problems[1].message.contains("found 1 field"),
            "{problems:?}"
        );
        assert!(problems[3].message.contains("\\x"), "{problems:?}");
    }
}
