//! The saved-query meta-commands' arguments: `\ns NAME [SQL|N]`,
//! `\n [NAME [ARGS…]]`, `\np NAME`, `\nd NAME`, `\share NAME`. Arguments
//! are words; `'…'` or `"…"` keeps spaces and the other quote inside one.

use super::store::check_name;

/// What a saved-query command asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// `\ns NAME [SQL|N]`.
    Save { name: String, source: Source },
    /// `\n NAME [ARGS…]`.
    Run { name: String, args: Vec<String> },
    /// `\n` alone.
    List,
    /// `\np NAME`.
    Print(String),
    /// `\nd NAME`.
    Delete(String),
    /// `\share NAME`.
    Share(String),
}

/// The SQL `\ns` saves.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The last statement given (with its question, when the model wrote it).
    Last,
    /// History entry N.
    Entry(i64),
    /// SQL typed after the name.
    Sql(String),
}

/// Parses the command `base` (`\ns`, `\n`, …) with the rest of its line.
pub fn parse(base: &str, rest: &str) -> Result<Command, String> {
    let (name, after) = match rest.find(char::is_whitespace) {
        Some(at) => (&rest[..at], rest[at..].trim()),
        None => (rest, ""),
    };
    let usage = |text: &str| format!("{base} needs a query name: {text}");
    if name.is_empty() {
        return match base {
            "\\n" => Ok(Command::List),
            "\\ns" => Err(usage("\\ns NAME [SQL | N] (N: a \\history entry)")),
            _ => Err(usage(&format!("{base} NAME (\\n lists them)"))),
        };
    }
    check_name(name).map_err(|error| format!("{error} (e.g. orders_by_status)"))?;
    let name = name.to_string();
    let alone = |command: Command| {
        if after.is_empty() {
            Ok(command)
        } else {
            Err(format!("{base} takes only a name; `{after}` is left over"))
        }
    };
    match base {
        "\\ns" => {
            let source = match after {
                "" => Source::Last,
                digits if digits.bytes().all(|b| b.is_ascii_digit()) => Source::Entry(
                    digits
                        .parse()
                        .map_err(|_| format!("`{digits}` is too big"))?,
                ),
                sql => Source::Sql(sql.to_string()),
            };
            Ok(Command::Save { name, source })
        }
        "\\n" => Ok(Command::Run {
            name,
            args: words(after)?,
        }),
        "\\np" => alone(Command::Print(name)),
        "\\nd" => alone(Command::Delete(name)),
        _ => alone(Command::Share(name)),
    }
}

/// Splits arguments at spaces; quotes keep a word together.
pub fn words(text: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        let mut word = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '\'' || c == '"' {
                let mut closed = false;
                for inner in chars.by_ref() {
                    if inner == c {
                        closed = true;
                        break;
                    }
                    word.push(inner);
                }
                if !closed {
                    return Err(format!("a {c} is not closed in `{text}`"));
                }
            } else {
                word.push(c);
            }
        }
        out.push(word);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_command_reads_its_arguments() {
        let s = |t: &str| t.to_string();
        assert_eq!(parse("\\n", ""), Ok(Command::List));
        assert_eq!(
            parse("\\n", "q a 'b c' k=\"x' or '1'='1\""),
            Ok(Command::Run {
                name: s("q"),
                args: vec![s("a"), s("b c"), s("k=x' or '1'='1")]
            })
        );
        assert_eq!(
            parse("\\ns", "q"),
            Ok(Command::Save {
                name: s("q"),
                source: Source::Last
            })
        );
        assert_eq!(
            parse("\\ns", "q 12"),
            Ok(Command::Save {
                name: s("q"),
                source: Source::Entry(12)
            })
        );
        assert_eq!(
            parse("\\ns", "q select 1"),
            Ok(Command::Save {
                name: s("q"),
                source: Source::Sql(s("select 1"))
            })
        );
        assert_eq!(parse("\\nd", "q"), Ok(Command::Delete(s("q"))));
        assert_eq!(parse("\\share", "q"), Ok(Command::Share(s("q"))));
        assert_eq!(parse("\\np", "q"), Ok(Command::Print(s("q"))));
    }

    #[test]
    fn mistakes_say_what_to_write() {
        assert!(parse("\\ns", "").unwrap_err().contains("\\ns NAME"));
        assert!(parse("\\nd", "").unwrap_err().contains("\\n lists"));
        assert!(
            parse("\\n", "a.b")
                .unwrap_err()
                .contains("not a saved query name")
        );
        assert!(parse("\\np", "q extra").unwrap_err().contains("left over"));
        assert!(words("a 'b").unwrap_err().contains("not closed"));
    }
}
