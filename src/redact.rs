//! The one redactor. Every string glance prints or stores that may carry a
//! connection string, a config line or a provider's words passes through
//! [`text`], which hides a secret in every form glance accepts one: URL
//! user info (`scheme://user:SECRET@host`, even with an unencoded `/`, `?`
//! or `@` in the secret), `password=SECRET` in a URL query or a libpq
//! `key=value` string (`password='…'` quoted too), `password = "SECRET"`
//! lines in TOML, `PGPASSWORD=SECRET`, and, wherever they appear, the
//! passwords and API keys this process holds ([`remember`]).
//! Invariant: redaction only removes; it never adds a secret.

use std::sync::Mutex;

/// What stands in for a secret.
pub const MARK: &str = "<redacted>";

/// The user info hints show in the URL form (`postgres://USER:PASSWORD@HOST/DB`).
const PLACEHOLDER: &str = "USER:PASSWORD";

/// Secrets shorter than this are not searched for in free text: replacing
/// every `a` in a message would hide the message, not the secret.
const SHORTEST_KNOWN: usize = 4;

/// The passwords and API keys this process holds.
static KNOWN: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records a password or API key so [`text`] hides it wherever it shows.
pub fn remember(secret: &str) {
    if secret.chars().count() < SHORTEST_KNOWN {
        return;
    }
    let mut known = KNOWN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if !known.iter().any(|k| k == secret) {
        known.push(secret.to_string());
        // Longest first, so a secret that contains another goes whole.
        known.sort_by_key(|k| std::cmp::Reverse(k.len()));
    }
}

/// `text` with every secret in it replaced by [`MARK`].
pub fn text(text: &str) -> String {
    let mut out = user_info(text);
    out = password_values(&out);
    let known = KNOWN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    for secret in known.iter() {
        if out.contains(secret.as_str()) {
            out = out.replace(secret.as_str(), MARK);
        }
    }
    out
}

/// Hides what follows the first `:` of the user info of every URL: the
/// user info runs from `://` to the last `@` of the URL's word, so a
/// password with an unencoded `/`, `?` or `@` goes whole.
fn user_info(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let word_end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .unwrap_or(after.len());
        let word = &after[..word_end];
        match word.rfind('@').and_then(|last| {
            let colon = word[..last].find(':')?;
            // The placeholder of hints and help hides nothing.
            (&word[..last] != PLACEHOLDER).then_some((colon, last))
        }) {
            Some((colon, last)) => {
                out.push_str(&word[..=colon]);
                out.push_str(MARK);
                out.push_str(&word[last..]);
            }
            None => out.push_str(word),
        }
        rest = &after[word_end..];
    }
    out.push_str(rest);
    out
}

/// Hides the value after every `password` key (any case, with any prefix
/// such as `PG` or `ssl`) followed by `=` or `:`: up to the closing quote
/// when quoted, else up to white space, `&` or a comma.
fn password_values(text: &str) -> String {
    const KEY: &str = "password";
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower[from..].find(KEY) {
        let key_end = from + found + KEY.len();
        from = key_end;
        let Some((value_start, quote)) = value_after(text, key_end) else {
            continue;
        };
        let value_end = match quote {
            Some(quote) => quoted_end(text, value_start, quote),
            None => text[value_start..]
                .find(|c: char| c.is_whitespace() || matches!(c, '&' | ',' | ';'))
                .map_or(text.len(), |end| value_start + end),
        };
        if value_end == value_start {
            continue;
        }
        out.push_str(&text[copied..value_start]);
        out.push_str(MARK);
        copied = value_end;
        from = value_end;
    }
    out.push_str(&text[copied..]);
    out
}

/// Where the value after a key ending at `key_end` starts, and its quote:
/// an optional closing quote of the key, spaces, `=` or `:`, spaces, and an
/// optional opening quote.
fn value_after(text: &str, key_end: usize) -> Option<(usize, Option<char>)> {
    let rest = &text[key_end..];
    let rest = rest.strip_prefix(['"', '\'']).unwrap_or(rest);
    let rest = rest.trim_start_matches([' ', '\t']);
    let rest = rest.strip_prefix(['=', ':'])?;
    let rest = rest.trim_start_matches([' ', '\t']);
    let start = text.len() - rest.len();
    match rest.chars().next() {
        Some(quote @ ('"' | '\'')) => Some((start + 1, Some(quote))),
        Some(_) => Some((start, None)),
        None => None,
    }
}

/// The end of a value quoted with `quote` starting at `start`: the closing
/// quote (a backslash escapes the next character), or the end of the line.
fn quoted_end(text: &str, start: usize, quote: char) -> usize {
    let mut chars = text[start..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '\n' => return start + at,
            c if c == quote => return start + at,
            _ => {}
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_form_of_a_password_is_hidden() {
        for (given, shown) in [
            (
                "postgres://ann:s3cret@db:5432/shop?sslmode=require",
                "postgres://ann:<redacted>@db:5432/shop?sslmode=require",
            ),
            (
                "could not connect: postgres://u:a/b?c@d@h/db failed",
                "could not connect: postgres://u:<redacted>@h/db failed",
            ),
            (
                "postgres://h/db?user=u&password=s3cret&sslmode=disable",
                "postgres://h/db?user=u&password=<redacted>&sslmode=disable",
            ),
            (
                "host=db password='s3 cret\\' x' dbname=shop",
                "host=db password='<redacted>' dbname=shop",
            ),
            ("host=db password=s3cret", "host=db password=<redacted>"),
            (
                "  3 | password = \"s3cret\"",
                "  3 | password = \"<redacted>\"",
            ),
            ("password = \"unterminated", "password = \"<redacted>"),
            ("PGPASSWORD=s3cret glance", "PGPASSWORD=<redacted> glance"),
            (
                "{\"password\": \"s3cret\"}",
                "{\"password\": \"<redacted>\"}",
            ),
            (
                "password authentication failed for user \"u\"",
                "password authentication failed for user \"u\"",
            ),
            ("password_env = \"WORK_PW\"", "password_env = \"WORK_PW\""),
            ("postgres://ann@db/shop", "postgres://ann@db/shop"),
            (
                "as postgres://USER:PASSWORD@HOST/DB;",
                "as postgres://USER:PASSWORD@HOST/DB;",
            ),
            (
                "postgres://ann:PASSWORD@db/shop",
                "postgres://ann:<redacted>@db/shop",
            ),
            ("/data/shop.db", "/data/shop.db"),
        ] {
            assert_eq!(text(given), shown, "{given}");
        }
    }

    #[test]
    fn remembered_secrets_are_hidden_anywhere() {
        remember("sk-remembered-0042");
        remember("ab");
        assert_eq!(
            text("Incorrect API key provided: sk-remembered-0042."),
            "Incorrect API key provided: <redacted>."
        );
        assert_eq!(text("a b ab"), "a b ab");
    }

    #[test]
    fn text_that_is_not_ascii_survives() {
        assert_eq!(text("é💥 password=é💥 ü"), "é💥 password=<redacted> ü");
        assert_eq!(text("é://💥:x@y"), "é://💥:<redacted>@y");
        assert_eq!(text("passwordé=1"), "passwordé=1");
    }
}
