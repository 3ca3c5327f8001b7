//! The one redactor. Every string glance prints or stores that may carry a
//! connection string, a config line or a provider's words passes through
//! [`text`], which hides a secret in every form glance accepts one: URL
//! user info (`scheme://user:SECRET@host`, even with an unencoded `/`, `?`
//! or `@` in the secret), `password=SECRET` in a URL query or a libpq
//! `key=value` string (`password='…'` quoted too), `password = "SECRET"`
//! lines in TOML, `PGPASSWORD=SECRET`, a URL's query parameters named like
//! a secret (`?api_key=SECRET`, `&token=SECRET`), and, wherever they
//! appear, the passwords and API keys this process holds ([`remember`]).
//! [`command`] does the same for a program's words (a plugin's or an MCP
//! server's command line), where secrets also come as options
//! (`--token=X`, `--password X`, `-u user:X`), headers (`Authorization:
//! Bearer X`) and environment words (`API_KEY=X`).
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
    let mut out = secret_query_values(text);
    out = user_info(&out);
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
    each_url(text, |word, out| {
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
    })
}

/// `text` with the word after every `://` (up to white space or a quote)
/// written by `rewrite`, and the rest copied.
fn each_url(text: &str, mut rewrite: impl FnMut(&str, &mut String)) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let word_end = after
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '`' | '<' | '>'))
            .unwrap_or(after.len());
        rewrite(&after[..word_end], &mut out);
        rest = &after[word_end..];
    }
    out.push_str(rest);
    out
}

/// Whether a parameter, option, header or variable named `name` holds a
/// secret: its words (split at `-`, `_` and case changes are not needed,
/// lower case is compared) include one that names one.
fn secret_name(name: &str) -> bool {
    const SECRET_WORDS: [&str; 10] = [
        "password",
        "passwd",
        "secret",
        "token",
        "key",
        "apikey",
        "auth",
        "authorization",
        "credential",
        "credentials",
    ];
    const SECRET_NAMES: [&str; 4] = ["pw", "pwd", "sig", "signature"];
    let lower = name.to_ascii_lowercase();
    let lower = lower.trim_start_matches('-');
    SECRET_NAMES.contains(&lower)
        || lower
            .split(['-', '_', '.'])
            .any(|word| SECRET_WORDS.contains(&word) || word.ends_with("password"))
}

/// Hides the values of a URL's query parameters named like a secret
/// (`?api_key=X`, `&token=X`), in every URL (`scheme://…?…`) of `text`.
fn secret_query_values(text: &str) -> String {
    each_url(text, |word, out| {
        let Some((head, query)) = word.split_once('?') else {
            return out.push_str(word);
        };
        let (query, fragment) = match query.split_once('#') {
            Some((query, fragment)) => (query, Some(fragment)),
            None => (query, None),
        };
        out.push_str(head);
        out.push('?');
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, value)) if secret_name(name) && !value.is_empty() => {
                    format!("{name}={MARK}")
                }
                _ => pair.to_string(),
            })
            .collect();
        out.push_str(&pairs.join("&"));
        if let Some(fragment) = fragment {
            out.push('#');
            out.push_str(fragment);
        }
    })
}

/// A program's words (`[tools.NAME] command`, `[mcp.NAME] command`) with
/// every secret hidden: each word as [`text`] hides them, and besides
/// `--NAME=X` and `NAME=X` for a secret NAME, the word after a secret
/// option (`--password X`, `--token X`), the password of `-u`/`--user
/// USER:X`, and a secret header's value (`Authorization: Bearer X`).
pub fn command(words: &[String]) -> Vec<String> {
    let mut shown = Vec::with_capacity(words.len());
    let mut previous: Option<&str> = None;
    for word in words {
        let hidden = match previous {
            Some(option) if is_option(option) && !option.contains('=') => {
                option_value(option, word)
            }
            _ => None,
        };
        let hidden = hidden
            .or_else(|| assignment(word))
            .or_else(|| header(word))
            .unwrap_or_else(|| word.clone());
        shown.push(text(&hidden));
        previous = Some(word);
    }
    shown
}

/// [`command`]'s words joined with spaces, for a line of text.
pub fn command_line(words: &[String]) -> String {
    command(words).join(" ")
}

fn is_option(word: &str) -> bool {
    word.starts_with('-') && word.len() > 1
}

/// The value word after `option`, hidden when the option names a secret,
/// or when it names a user (`-u`, `--user`) and the value carries a
/// password after its `:`.
fn option_value(option: &str, value: &str) -> Option<String> {
    if matches!(option, "-u" | "--user" | "-U") {
        return value
            .split_once(':')
            .map(|(user, _)| format!("{user}:{MARK}"));
    }
    secret_name(option).then(|| MARK.to_string())
}

/// `--NAME=X`, `-NAME=X` or `NAME=X` with a secret NAME: `X` hidden.
fn assignment(word: &str) -> Option<String> {
    let (name, value) = word.split_once('=')?;
    let bare = name.trim_start_matches('-');
    let is_name = !bare.is_empty()
        && bare
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    (is_name && !value.is_empty() && secret_name(bare)).then(|| format!("{name}={MARK}"))
}

/// `NAME: VALUE` for a secret header NAME (`Authorization`, `X-Api-Key`):
/// the value hidden as [`header_value`] hides it.
fn header(word: &str) -> Option<String> {
    let (name, value) = word.split_once(':')?;
    let is_header = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !is_header {
        return None;
    }
    header_value(name, value.trim_start()).map(|value| format!("{name}: {value}"))
}

/// The value of the HTTP header `name` with its secret hidden, keeping its
/// scheme (`Bearer`, `Basic`), when the name says it holds one
/// (`Authorization`, `X-Api-Key`, `x-goog-api-key`); `None` otherwise.
pub fn header_value(name: &str, value: &str) -> Option<String> {
    if value.is_empty() || !secret_name(name) {
        return None;
    }
    Some(match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} {MARK}"),
        None => MARK.to_string(),
    })
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
    fn secret_query_parameters_are_hidden() {
        for (given, shown) in [
            (
                "https://user:hunter2@proxy.example.com/v1?api_key=sk-q&x=1",
                "https://user:<redacted>@proxy.example.com/v1?api_key=<redacted>&x=1",
            ),
            (
                "error at https://h/x?key=SECRET#top: refused",
                "error at https://h/x?key=<redacted>#top: refused",
            ),
            (
                "https://h/x?access_token=a&sig=b&page=2",
                "https://h/x?access_token=<redacted>&sig=<redacted>&page=2",
            ),
            (
                "https://h/x?monkey=1&limit=5",
                "https://h/x?monkey=1&limit=5",
            ),
            ("where key=5 and token='x'", "where key=5 and token='x'"),
        ] {
            assert_eq!(text(given), shown, "{given}");
        }
    }

    #[test]
    fn every_form_of_a_secret_in_a_command_is_hidden() {
        let words = |line: &[&str]| line.iter().map(|w| w.to_string()).collect::<Vec<_>>();
        for (given, shown) in [
            (&["tool", "--token=sk-1"][..], "tool --token=<redacted>"),
            (&["tool", "--password", "pw1"], "tool --password <redacted>"),
            (&["tool", "--api-key", "k1"], "tool --api-key <redacted>"),
            (&["curl", "-u", "bob:pw"], "curl -u bob:<redacted>"),
            (&["curl", "-u", "bob"], "curl -u bob"),
            (
                &["curl", "-H", "Authorization: Bearer sk-2"],
                "curl -H Authorization: Bearer <redacted>",
            ),
            (
                &["curl", "-H", "X-Api-Key: k2"],
                "curl -H X-Api-Key: <redacted>",
            ),
            (&["env", "API_KEY=k3", "run"], "env API_KEY=<redacted> run"),
            (&["env", "GITHUB_TOKEN=t"], "env GITHUB_TOKEN=<redacted>"),
            (&["env", "MY_SECRET=s"], "env MY_SECRET=<redacted>"),
            (&["env", "DB_PASSWORD=s"], "env DB_PASSWORD=<redacted>"),
            (
                &["x", "https://bob:pa55w0rd@example.com/x?key=SECRETKEY"],
                "x https://bob:<redacted>@example.com/x?key=<redacted>",
            ),
            (
                &["glance", "mcp", "-d", "postgres://u:pw@h/db"],
                "glance mcp -d postgres://u:<redacted>@h/db",
            ),
            (
                &["tool", "--verbose", "file.txt"],
                "tool --verbose file.txt",
            ),
            (
                &["tool", "--limit=5", "Host: db"],
                "tool --limit=5 Host: db",
            ),
            (&["tool", "--keyboard", "us"], "tool --keyboard us"),
            (&["tool", "--passwordless"], "tool --passwordless"),
        ] {
            assert_eq!(command_line(&words(given)), shown, "{given:?}");
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
