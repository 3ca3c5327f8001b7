//! The config file as written: its TOML model, and reading it with errors
//! that point at a line, a column and a key. Unknown keys are collected as
//! warnings instead of failing, so a file written for a newer glance still
//! works.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::llm::ProviderSettings;
use crate::price::Price;
use crate::render::{Expanded, Format};
use crate::term::ColorChoice;

/// `~/.config/glance/config.toml`, field for field. Everything is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct File {
    pub llm: Llm,
    pub providers: BTreeMap<String, ProviderSettings>,
    pub display: Display,
    pub agent: Agent,
    pub query: Query,
    pub history: History,
    pub repl: Repl,
    pub safety: Safety,
    pub team: TeamSettings,
    pub connections: BTreeMap<String, Spanned<Profile>>,
    /// `[prices."MODEL"]`: dollars per million tokens.
    pub prices: BTreeMap<String, Price>,
    /// `[tools.NAME]`: the person's own tools (plugins).
    pub tools: BTreeMap<String, Spanned<super::plugin::PluginFile>>,
    /// `[mcp.NAME]`: MCP servers whose tools are offered too.
    pub mcp: BTreeMap<String, Spanned<super::plugin::McpFile>>,
}

/// `[llm]`: which provider and model answer questions.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Llm {
    pub provider: Option<String>,
    pub model: Option<String>,
}

/// `[display]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Display {
    pub format: Option<Format>,
    pub expanded: Option<Expanded>,
    /// Rows per page in the pager; the window height when unset.
    pub page_size: Option<Spanned<usize>>,
    pub null: Option<String>,
    pub color: Option<ColorChoice>,
}

/// `[agent]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Agent {
    pub retries: Option<u32>,
    pub context_tokens: Option<Spanned<usize>>,
    pub reply_tokens: Option<Spanned<u32>>,
    pub share_samples: Option<bool>,
    /// Whether the model may run read-only queries and read their rows.
    pub share_rows: Option<bool>,
    /// Whether the model may call glance's tools before it answers.
    pub tools: Option<bool>,
    /// The most tool calls one question may make.
    pub max_tool_calls: Option<u32>,
}

/// `[query]`: defaults for every connection.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Query {
    #[serde(deserialize_with = "duration")]
    pub statement_timeout: Option<Duration>,
}

/// `[history]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct History {
    pub enabled: Option<bool>,
}

/// `[repl]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Repl {
    /// Run a line typed at the question prompt as SQL when it reads as a
    /// statement (on by default).
    pub detect_sql: Option<bool>,
    /// Rows a federated question loads from each source query at most.
    pub federate_rows: Option<std::num::NonZeroUsize>,
}

/// `[team]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TeamSettings {
    /// The team folder, instead of a `.glance/` found above the current
    /// directory.
    pub dir: Option<PathBuf>,
}

/// `[safety]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Safety {
    /// Functions (`schema.name`) that run as reads although glance cannot
    /// read their code.
    pub trusted_functions: Vec<String>,
}

/// `[connections.NAME]`: one database a person uses by name.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct Profile {
    /// A postgres:// or mysql:// URL, a libpq `key=value` string, or a SQLite path.
    pub url: Option<String>,
    /// `postgres` (the default) or `mysql` (also `mariadb`): which server
    /// `host`/`port`/`database`/`user` name.
    pub driver: Option<String>,
    pub host: Option<String>,
    pub port: Option<u16>,
    pub database: Option<String>,
    pub user: Option<String>,
    pub sslmode: Option<String>,
    pub sslrootcert: Option<String>,
    /// The server's Unix socket (MySQL; PostgreSQL names its socket's
    /// directory as `host`).
    pub socket: Option<String>,
    /// The variable that holds the password.
    pub password_env: Option<String>,
    /// A pgpass-format file to look the password up in.
    pub passfile: Option<String>,
    /// A password in plain text (discouraged: glance warns when the file
    /// can be read by others).
    pub password: Option<String>,
    /// Refuse every statement that is not read-only, whoever wrote it.
    pub read_only: bool,
    /// A role the read-only guard switches to (`SET LOCAL ROLE`), so what
    /// runs without asking has only that role's privileges (PostgreSQL).
    pub guard_role: Option<String>,
    #[serde(deserialize_with = "duration")]
    pub statement_timeout: Option<Duration>,
    pub default: bool,
}

impl Profile {
    /// Whether the profile names a MySQL or MariaDB server.
    pub fn is_mysql(&self) -> bool {
        self.driver
            .as_deref()
            .is_some_and(|d| d.eq_ignore_ascii_case("mysql") || d.eq_ignore_ascii_case("mariadb"))
            || self.url.as_deref().is_some_and(crate::db::mysql::is_url)
    }
}

/// What is wrong with a profile's `driver` and the settings only one kind
/// of server has.
fn driver_problem(p: &Profile) -> Option<String> {
    if let Some(driver) = &p.driver
        && !["postgres", "postgresql", "mysql", "mariadb"]
            .iter()
            .any(|d| d.eq_ignore_ascii_case(driver))
    {
        return Some(format!(
            "driver \"{driver}\" is not known: use \"postgres\" or \"mysql\""
        ));
    }
    let url_mysql = p.url.as_deref().is_some_and(crate::db::mysql::is_url);
    let driver_mysql = p
        .driver
        .as_deref()
        .map(|d| d.eq_ignore_ascii_case("mysql") || d.eq_ignore_ascii_case("mariadb"));
    if p.url.is_some() && driver_mysql.is_some_and(|mysql| mysql != url_mysql) {
        return Some("`driver` does not match the kind of server `url` names".into());
    }
    if !p.is_mysql() && p.socket.is_some() {
        return Some(
            "`socket` is for MySQL; a PostgreSQL profile names its socket's directory as `host`"
                .into(),
        );
    }
    if p.is_mysql() && (p.guard_role.is_some() || p.passfile.is_some()) {
        return Some(
            "`guard_role` and `passfile` are for PostgreSQL; on MySQL give a user with only \
             SELECT grants, and the password in `password_env` or ~/.my.cnf"
                .into(),
        );
    }
    None
}

/// Reads `30s`, `500ms`, `2m` strings, or a number of seconds.
pub(super) fn duration<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Duration>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(u64),
        Text(String),
    }
    match Raw::deserialize(deserializer)? {
        Raw::Seconds(seconds) => {
            super::duration::within_limit(Duration::from_secs(seconds), &seconds.to_string())
                .map(Some)
                .map_err(serde::de::Error::custom)
        }
        Raw::Text(text) => super::duration::parse_duration(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// A mistake in the config file, located.
#[derive(Debug)]
pub struct FileError {
    pub path: PathBuf,
    /// 1-based line and column, when the mistake has a place.
    pub position: Option<(usize, usize)>,
    /// The key the mistake is in, as `section.key`.
    pub key: Option<String>,
    pub message: String,
    /// The offending line, for a caret under the column.
    pub line_text: Option<String>,
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some((line, column)) = self.position {
            write!(f, ", line {line}, column {column}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ", key `{key}`")?;
        }
        write!(f, ": {}", self.message)?;
        if let (Some(text), Some((line, column))) = (&self.line_text, self.position) {
            let gutter = line.to_string().len();
            write!(
                f,
                "\n  {line} | {text}\n  {:gutter$} | {:>column$}",
                "", "^"
            )?;
        }
        Ok(())
    }
}

impl FileError {
    pub fn at(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        key: Option<String>,
        message: String,
    ) -> FileError {
        let position = span.map(|span| line_column(text, span.start));
        // The message and the line may quote a password.
        let secret = key.as_deref().is_some_and(|key| {
            key.rsplit('.')
                .next()
                .is_some_and(|k| k.contains("password"))
        });
        let message = if secret {
            "this value is not valid here (it is not shown: it may be a secret)".to_string()
        } else {
            crate::redact::text(&message)
        };
        FileError {
            path: path.to_path_buf(),
            position,
            key,
            message,
            line_text: position.and_then(|(line, _)| {
                let line = text.lines().nth(line - 1)?;
                Some(crate::redact::text(&shorten(line)))
            }),
        }
    }
}

/// A file read successfully, with the keys glance did not know.
#[derive(Debug, Default)]
pub struct Loaded {
    pub file: File,
    /// `path:line: unknown key `a.b`` lines, in file order.
    pub unknown_keys: Vec<String>,
}

/// Parses the text of a config file read from `path`.
pub fn parse(path: &Path, text: &str) -> Result<Loaded, FileError> {
    let (file, unknown_keys) = parse_toml::<File>(path, text)?;
    validate(path, text, &file)?;
    Ok(Loaded { file, unknown_keys })
}

/// Reads `text` (from `path`) as a `T`: errors located at a line, a column
/// and a key, and the keys `T` does not know as `path, line N: unknown key`
/// warnings. The config file and the team folder's files all read this way.
pub fn parse_toml<T: serde::de::DeserializeOwned>(
    path: &Path,
    text: &str,
) -> Result<(T, Vec<String>), FileError> {
    let document = toml::de::DeTable::parse(text).map_err(|error| {
        FileError::at(path, text, error.span(), None, first_line(error.message()))
    })?;
    let mut ignored = Vec::new();
    let deserializer = toml::de::Deserializer::from(document.clone());
    let value: T = serde_ignored::deserialize(deserializer, |key| ignored.push(key.to_string()))
        .map_err(|mut error| {
            let span = error.span();
            let message = first_line(error.message());
            // Without the input, the error's text names the key it is in.
            error.set_input(None);
            let key = error.to_string().lines().find_map(|line| {
                line.strip_prefix("in `")?
                    .strip_suffix('`')
                    .map(str::to_string)
            });
            FileError::at(path, text, span, key, message)
        })?;
    let mut spans = HashMap::new();
    key_spans(document.get_ref(), String::new(), &mut spans);
    let lines = Lines::new(text);
    let mut unknown_keys: Vec<(usize, String)> = ignored
        .into_iter()
        .map(|key| {
            // `Spanned` tables add a marker segment of their own to the path.
            let key = key
                .split('.')
                .filter(|part| !part.starts_with("$__serde_spanned"))
                .collect::<Vec<_>>()
                .join(".");
            let line = spans.get(&key).map_or(0, |span| lines.line(span.start));
            (line, key)
        })
        .collect();
    unknown_keys.sort();
    let more = unknown_keys.len().saturating_sub(MAX_UNKNOWN_KEYS_SHOWN);
    let mut unknown_keys: Vec<String> = unknown_keys
        .into_iter()
        .take(MAX_UNKNOWN_KEYS_SHOWN)
        .map(|(line, key)| {
            let key = shorten(&key);
            match line {
                0 => format!("{}: unknown key `{key}` is ignored", path.display()),
                line => format!(
                    "{}, line {line}: unknown key `{key}` is ignored",
                    path.display()
                ),
            }
        })
        .collect();
    if more > 0 {
        unknown_keys.push(format!(
            "{}: {more} more unknown keys are ignored",
            path.display()
        ));
    }
    Ok((value, unknown_keys))
}

/// Checks what TOML types alone cannot say.
fn validate(path: &Path, text: &str, file: &File) -> Result<(), FileError> {
    let error = |span, key: String, message: &str| at_key(path, text, span, key, message);
    if let Some(size) = &file.display.page_size
        && *size.get_ref() == 0
    {
        return error(
            size.span(),
            "display.page_size".into(),
            "a page needs at least 1 row",
        );
    }
    if let Some(budget) = &file.agent.context_tokens {
        let min = crate::agent::context::MIN_BUDGET;
        if *budget.get_ref() < min {
            return error(
                budget.span(),
                "agent.context_tokens".into(),
                &format!("the budget must be at least {min} tokens"),
            );
        }
    }
    if let Some(limit) = &file.agent.reply_tokens {
        let min = crate::agent::MIN_REPLY_TOKENS;
        if *limit.get_ref() < min {
            return error(
                limit.span(),
                "agent.reply_tokens".into(),
                &format!("a reply needs at least {min} tokens"),
            );
        }
    }
    check_profiles(path, text, &file.connections)?;
    super::plugin::check(path, text, &file.tools, &file.mcp)
}

/// A mistake in the value at `span`, under `key`.
fn at_key(
    path: &Path,
    text: &str,
    span: Range<usize>,
    key: String,
    message: &str,
) -> Result<(), FileError> {
    Err(FileError::at(
        path,
        text,
        Some(span),
        Some(key),
        message.to_string(),
    ))
}

/// Checks each `[connections.NAME]` table of the file at `path`: one way
/// to name the server, one source of the password, at most one default.
pub fn check_profiles(
    path: &Path,
    text: &str,
    connections: &BTreeMap<String, Spanned<Profile>>,
) -> Result<(), FileError> {
    let error = |span, key: String, message: &str| at_key(path, text, span, key, message);
    let defaults: Vec<&String> = connections
        .iter()
        .filter(|(_, profile)| profile.get_ref().default)
        .map(|(name, _)| name)
        .collect();
    for (name, profile) in connections {
        let key = format!("connections.{name}");
        let p = profile.get_ref();
        if p.url.is_some()
            && (p.host.is_some() || p.port.is_some() || p.database.is_some() || p.user.is_some())
        {
            return error(
                profile.span(),
                key,
                "give either `url` or `host`/`port`/`database`/`user`, not both",
            );
        }
        if let Some(problem) = driver_problem(p) {
            return error(profile.span(), key, &problem);
        }
        if p.url.is_none() && p.host.is_none() && p.database.is_none() {
            return error(
                profile.span(),
                key,
                "a connection needs `url`, `host` or `database`",
            );
        }
        if [&p.password, &p.password_env, &p.passfile]
            .iter()
            .filter(|v| v.is_some())
            .count()
            > 1
        {
            return error(
                profile.span(),
                key,
                "give only one of `password_env`, `passfile` and `password`",
            );
        }
        if p.default && defaults.len() > 1 {
            let names = defaults
                .iter()
                .map(|n| n.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            return error(
                profile.span(),
                key,
                &format!(
                    "only one connection can be the default, and {names} all say `default = true`"
                ),
            );
        }
    }
    Ok(())
}

/// Unknown keys listed one by one; the rest are counted.
const MAX_UNKNOWN_KEYS_SHOWN: usize = 20;

/// Records where every key of `table` (and of the tables in it) is
/// written, by its dotted path, in one walk of the document.
fn key_spans(
    table: &toml::de::DeTable<'_>,
    prefix: String,
    spans: &mut HashMap<String, Range<usize>>,
) {
    for (key, value) in table.iter() {
        let path = if prefix.is_empty() {
            key.get_ref().to_string()
        } else {
            format!("{prefix}.{}", key.get_ref())
        };
        if let toml::de::DeValue::Table(inner) = value.get_ref() {
            key_spans(inner, path.clone(), spans);
        }
        spans.insert(path, key.span());
    }
}

/// Where each line of a text starts, for turning many offsets into lines
/// without reading the text again for each.
struct Lines(Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Lines(starts)
    }

    /// The 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|start| *start <= offset)
    }
}

/// 1-based line and column of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Lines longer than this are cut in error messages.
const LONGEST_SHOWN_LINE: usize = 200;

/// `line`, cut after [`LONGEST_SHOWN_LINE`] characters.
fn shorten(line: &str) -> String {
    match line.char_indices().nth(LONGEST_SHOWN_LINE) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Loaded, FileError> {
        parse(Path::new("/c/config.toml"), text)
    }

    #[test]
    fn a_full_file_reads() {
        let loaded = parse_text(
            r#"
[llm]
provider = "anthropic"
[providers.openai]
base_url = "http://127.0.0.1:9/v1"
api_key_env = "WORK_OPENAI_KEY"
[display]
format = "csv"
expanded = "auto"
page_size = 20
null = "∅"
color = "never"
[agent]
retries = 1
context_tokens = 4000
reply_tokens = 8192
share_samples = true
[query]
statement_timeout = "2m"
[history]
enabled = false
[prices."my-model"]
input_per_mtok = 0.5
output_per_mtok = 1.5
[connections.prod]
host = "db.example.com"
database = "shop"
read_only = true
statement_timeout = 5
default = true
"#,
        )
        .unwrap();
        let f = loaded.file;
        assert!(loaded.unknown_keys.is_empty());
        assert_eq!(f.llm.provider.as_deref(), Some("anthropic"));
        assert_eq!(
            f.providers["openai"].api_key_env.as_deref(),
            Some("WORK_OPENAI_KEY")
        );
        assert_eq!(f.display.format, Some(Format::Csv));
        assert_eq!(f.display.expanded, Some(Expanded::Auto));
        assert_eq!(f.display.color, Some(ColorChoice::Never));
        assert_eq!(f.query.statement_timeout, Some(Duration::from_secs(120)));
        assert_eq!(f.history.enabled, Some(false));
        assert_eq!(f.agent.reply_tokens.map(|t| t.into_inner()), Some(8192));
        assert_eq!(f.prices["my-model"].output_per_mtok, 1.5);
        let prod = f.connections["prod"].get_ref();
        assert!(prod.read_only && prod.default);
        assert_eq!(prod.statement_timeout, Some(Duration::from_secs(5)));
    }

    #[test]
    fn type_errors_name_line_column_and_key() {
        let error = parse_text("[display]\nnull = \"-\"\npage_size = \"big\"\n").unwrap_err();
        assert_eq!(error.position, Some((3, 13)));
        assert_eq!(error.key.as_deref(), Some("display.page_size"));
        let text = error.to_string();
        assert!(
            text.starts_with("/c/config.toml, line 3, column 13, key `display.page_size`: "),
            "{text}"
        );
        assert!(text.contains("page_size = \"big\""), "{text}");
    }

    #[test]
    fn bad_values_name_their_key() {
        let error = parse_text("[query]\nstatement_timeout = \"soon\"\n").unwrap_err();
        assert_eq!(error.position.map(|p| p.0), Some(2));
        assert_eq!(error.key.as_deref(), Some("query.statement_timeout"));
        assert!(
            error.message.contains("not a duration"),
            "{}",
            error.message
        );
        let error = parse_text("[display]\nexpanded = \"sometimes\"\n").unwrap_err();
        assert_eq!(error.key.as_deref(), Some("display.expanded"));
        assert!(error.message.contains("sometimes"), "{}", error.message);
    }

    #[test]
    fn prices_need_both_rates_and_known_keys() {
        let error = parse_text("[prices.\"m\"]\ninput_per_mtok = 1\n").unwrap_err();
        assert!(
            error.message.contains("output_per_mtok"),
            "{}",
            error.message
        );
        let error =
            parse_text("[prices.\"m\"]\ninput_per_mtok = 1\noutput_per_mtok = 2\nsurcharge = 3\n")
                .unwrap_err();
        assert!(error.message.contains("surcharge"), "{}", error.message);
        assert_eq!(error.position.map(|p| p.0), Some(4));
    }

    #[test]
    fn errors_never_show_a_password() {
        for text in [
            "[connections.a]\nhost = \"h\"\npassword = \"s3cret\n",
            "[connections.a]\nhost = \"h\"\npassword = 12345678\n",
            "[connections.a]\nhost = \"h\"\npassword = \"s3cret\" x\n",
            "[connections.a]\nurl = \"postgres://u:s3cret@h/d\" x\n",
            "[connections.a]\nurl = \"postgres://h/d?password=s3cret\" x\n",
        ] {
            let shown = parse_text(text).unwrap_err().to_string();
            assert!(
                !shown.contains("s3cret") && !shown.contains("12345678"),
                "{shown}"
            );
        }
    }

    #[test]
    fn syntax_errors_have_a_place() {
        let error = parse_text("[llm]\nprovider = \n").unwrap_err();
        assert_eq!(error.position.map(|p| p.0), Some(2));
    }

    #[test]
    fn unknown_keys_are_warnings_with_lines() {
        let loaded = parse_text(
            "[display]\ncolour = \"never\"\n\n[connections.a]\nhost = \"h\"\nhots = \"x\"\n",
        )
        .unwrap();
        assert_eq!(
            loaded.unknown_keys,
            [
                "/c/config.toml, line 2: unknown key `display.colour` is ignored",
                "/c/config.toml, line 6: unknown key `connections.a.hots` is ignored",
            ]
        );
    }

    #[test]
    fn many_unknown_keys_are_counted_not_listed() {
        let mut text = "[display]\n".to_string();
        for n in 0..30 {
            text.push_str(&format!("k{n:02} = 1\n"));
        }
        let loaded = parse_text(&text).unwrap();
        assert_eq!(loaded.unknown_keys.len(), MAX_UNKNOWN_KEYS_SHOWN + 1);
        assert_eq!(
            loaded.unknown_keys[0],
            "/c/config.toml, line 2: unknown key `display.k00` is ignored"
        );
        assert!(loaded.unknown_keys[20].ends_with(": 10 more unknown keys are ignored"));
        let lines = Lines::new("a\nbc\n\nd");
        assert_eq!(
            [0, 1, 2, 4, 5, 6].map(|at| lines.line(at)),
            [1, 1, 2, 2, 3, 4]
        );
    }

    #[test]
    fn profiles_are_checked() {
        let both =
            parse_text("[connections.a]\nurl = \"postgres://h/d\"\nhost = \"h\"\n").unwrap_err();
        assert_eq!(both.key.as_deref(), Some("connections.a"));
        assert_eq!(both.position.map(|p| p.0), Some(1));
        let empty = parse_text("[connections.a]\nread_only = true\n").unwrap_err();
        assert!(empty.message.contains("needs `url`"));
        let two = parse_text(
            "[connections.a]\nhost = \"h\"\ndefault = true\n[connections.b]\nhost = \"h\"\ndefault = true\n",
        )
        .unwrap_err();
        assert!(two.message.contains("a, b"), "{}", two.message);
        let secrets =
            parse_text("[connections.a]\nhost = \"h\"\npassword = \"x\"\npassword_env = \"P\"\n")
                .unwrap_err();
        assert!(secrets.message.contains("only one"));
    }

    #[test]
    fn mysql_profiles_are_checked() {
        let unknown =
            parse_text("[connections.a]\ndriver = \"oracle\"\nhost = \"h\"\n").unwrap_err();
        assert!(unknown.message.contains("\"mysql\""), "{}", unknown.message);
        let mismatch =
            parse_text("[connections.a]\ndriver = \"mysql\"\nurl = \"postgres://h/d\"\n")
                .unwrap_err();
        assert!(
            mismatch.message.contains("does not match"),
            "{}",
            mismatch.message
        );
        let role =
            parse_text("[connections.a]\nurl = \"mysql://h/d\"\nguard_role = \"r\"\n").unwrap_err();
        assert!(role.message.contains("PostgreSQL"), "{}", role.message);
        assert!(parse_text("[connections.a]\ndriver = \"MariaDB\"\nhost = \"h\"\n").is_ok());
        assert!(
            parse_text("[connections.a]\ndriver = \"postgres\"\nurl = \"postgres://h/d\"\n")
                .is_ok()
        );
    }
}
