//! Settings, merged once at start-up from (strongest first) flags, the
//! environment, the chosen connection profile, the config file's sections
//! and built-in defaults. Everything else reads the merged [`Config`].

pub mod duration;
mod file;
mod plugin;
mod show;
mod team;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::exit::Failure;
use crate::llm::ProviderSettings;
use crate::render::{Expanded, Format};

pub use crate::term::ColorChoice;
pub use file::Profile;
#[cfg(test)]
pub use file::parse as parse_file;
pub use plugin::{McpServer, Plugin};
pub use show::redact_url;

/// What the command line sets over the config file: the flags, and the
/// `GLANCE_*` variables that stand in for them.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    /// `--config FILE`, or `GLANCE_CONFIG`.
    pub config: Option<PathBuf>,
    /// `--team-dir DIR`, or `GLANCE_TEAM_DIR`.
    pub team_dir: Option<PathBuf>,
    pub no_history: bool,
    pub format: Option<Format>,
    pub no_color: bool,
    pub statement_timeout: Option<Duration>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub context_tokens: Option<usize>,
    pub share_samples: bool,
    /// `--share-rows`.
    pub share_rows: bool,
    pub retries: Option<u32>,
    /// `--no-tools`.
    pub no_tools: bool,
    /// `--federate-rows N`.
    pub federate_rows: Option<usize>,
    /// The variables among `GLANCE_CONFIG`, `GLANCE_PROVIDER` and
    /// `GLANCE_MODEL` that gave their option its value (no flag did).
    pub from_env: Vec<&'static str>,
}

/// The commented template `glance config init` writes.
pub const TEMPLATE: &str = include_str!("template.toml");

/// Statement timeout when nothing sets one.
const DEFAULT_STATEMENT_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest config file glance reads.
const MAX_FILE_BYTES: u64 = 1 << 20;
/// Correction attempts when nothing sets them.
const DEFAULT_RETRIES: u32 = 2;

/// Every setting glance runs with, merged.
#[derive(Clone, Debug)]
pub struct Config {
    /// The file the settings came from, when one was read.
    pub source: Option<PathBuf>,
    /// `[connections.NAME]`, by name: the config file's, then the team
    /// folder's under names the file does not use.
    pub profiles: BTreeMap<String, Profile>,
    /// The names in `profiles` that come from the team folder.
    pub team_profiles: BTreeSet<String>,
    /// Team profiles not used because the config file has one of the
    /// same name.
    pub team_profiles_replaced: BTreeSet<String>,
    pub format: Format,
    pub expanded: Expanded,
    /// Rows per page; the window height when `None`.
    pub page_size: Option<usize>,
    pub null: String,
    pub color: ColorChoice,
    pub provider: Option<String>,
    pub model: Option<String>,
    /// Where `provider` and `model` came from: a flag, a variable or the
    /// config file's `[llm]`.
    pub provider_from: Option<String>,
    pub model_from: Option<String>,
    pub providers: BTreeMap<String, ProviderSettings>,
    pub retries: u32,
    pub context_tokens: usize,
    /// The longest reply asked of the model, in tokens.
    pub reply_tokens: u32,
    pub share_samples: bool,
    /// The model may run read-only queries and read their first rows.
    pub share_rows: bool,
    /// `[agent] tools` unless `--no-tools`: the model may call tools.
    pub tools: bool,
    /// `[agent] max_tool_calls`: tool calls one question may make.
    pub max_tool_calls: u32,
    /// `--statement-timeout`, which wins over every profile.
    statement_timeout_flag: Option<Duration>,
    /// `[query] statement_timeout` or the built-in default.
    statement_timeout_default: Duration,
    pub history: bool,
    /// `[repl] detect_sql`: lines typed at the question prompt that read as
    /// SQL run as SQL.
    pub detect_sql: bool,
    /// `[repl] federate_rows`: the rows a federated question loads from
    /// each source query at most.
    pub federate_rows: usize,
    /// `[safety] trusted_functions`: `schema.name` of functions that run as
    /// reads although glance cannot read them.
    pub trusted_functions: Vec<String>,
    /// `[prices."MODEL"]`, over the built-in price table.
    pub prices: BTreeMap<String, crate::price::Price>,
    /// Things worth saying about the file (unknown keys, loose permissions).
    pub warnings: Vec<String>,
    /// The team folder in use, if any.
    pub team: Option<crate::team::Team>,
    /// The team folder's glossary, sent with every question.
    pub glossary: Vec<crate::agent::knowledge::Term>,
    /// Team files skipped for a problem, each with how to fix it.
    pub team_problems: Vec<String>,
    /// `[tools.NAME]`: the person's own tools.
    pub plugins: Vec<Plugin>,
    /// `[mcp.NAME]`: MCP servers to start for their tools.
    pub mcp_servers: Vec<McpServer>,
}

impl Config {
    /// Reads the config file (a missing default file is fine) and merges it
    /// with the flags and environment in `overrides`.
    pub fn load(overrides: &Overrides) -> Result<Config, Failure> {
        let path = path(overrides.config.as_deref())?;
        let explicit = overrides.config.is_some();
        let text = match crate::files::read_text_capped(&path, MAX_FILE_BYTES) {
            Ok(text) => Some(text),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound && !explicit => None,
            Err(error) => {
                return Err(Failure::Usage {
                    message: format!("cannot read the config file {}: {error}", path.display()),
                    hint: Some(if explicit {
                        "check --config or GLANCE_CONFIG, or create the file with `glance config init`"
                            .into()
                    } else {
                        "fix its permissions, or point --config at another file".into()
                    }),
                });
            }
        };
        let Some(text) = text else {
            let config = Config::merge(overrides, file::File::default(), None, Vec::new());
            return Ok(config.with_team(overrides, None));
        };
        let loaded = file::parse(&path, &text).map_err(|error| Failure::Usage {
            message: format!("in the config file {error}"),
            hint: Some("fix the file, or start with a fresh one from `glance config init`".into()),
        })?;
        for profile in loaded.file.connections.values() {
            if let Some(password) = &profile.get_ref().password {
                crate::redact::remember(password);
            }
        }
        let mut warnings = loaded.unknown_keys;
        warnings.extend(password_warning(&path, &loaded.file));
        warnings.extend(unqualified_trust(&loaded.file));
        // A relative `[team] dir` is read from the config file's folder.
        let configured_team = loaded
            .file
            .team
            .dir
            .as_ref()
            .map(|dir| match path.parent() {
                Some(folder) => folder.join(dir),
                None => dir.clone(),
            });
        let config = Config::merge(overrides, loaded.file, Some(path), warnings);
        Ok(config.with_team(overrides, configured_team.as_deref()))
    }

    /// Finds the team folder from the flag or variable, `[team] dir`, or
    /// the current directory's ancestors, and adds its profiles and
    /// glossary; its problems are warnings.
    fn with_team(mut self, overrides: &Overrides, configured: Option<&Path>) -> Config {
        let cwd = std::env::current_dir().ok();
        let (found, warning) =
            crate::team::find(overrides.team_dir.as_deref(), configured, cwd.as_deref());
        self.warnings.extend(warning);
        if let Some(folder) = &found {
            let shared = team::read(folder);
            self.warnings.extend(shared.warnings);
            self.warnings.extend(shared.problems.iter().cloned());
            self.team_problems = shared.problems;
            self.glossary = shared.glossary;
            let merged = team::merge_profiles(&mut self.profiles, shared.profiles);
            self.team_profiles = merged.used;
            self.team_profiles_replaced = merged.replaced;
        }
        self.team = found;
        self
    }

    /// Applies the precedence rules to one parsed file.
    fn merge(
        overrides: &Overrides,
        file: file::File,
        source: Option<PathBuf>,
        warnings: Vec<String>,
    ) -> Config {
        // The file's model belongs to the file's provider: a provider named
        // by a flag or GLANCE_PROVIDER starts from its own default.
        let file_model = match (&overrides.provider, &file.llm.provider) {
            (Some(flag), Some(configured)) if !flag.eq_ignore_ascii_case(configured) => None,
            _ => file.llm.model,
        };
        let in_file = |key: &str| match &source {
            Some(path) => format!("from {key} under [llm] in {}", path.display()),
            None => format!("from {key} under [llm]"),
        };
        let origin = |flag: &Option<String>, var: &'static str, option: &str, from_file: bool| {
            if flag.is_some() {
                Some(if overrides.from_env.contains(&var) {
                    format!("from the environment variable {var}")
                } else {
                    format!("from the --{option} flag")
                })
            } else {
                from_file.then(|| in_file(option))
            }
        };
        let provider_from = origin(
            &overrides.provider,
            crate::llm::PROVIDER_VAR,
            "provider",
            file.llm.provider.is_some(),
        );
        let model_from = origin(
            &overrides.model,
            crate::llm::MODEL_VAR,
            "model",
            file_model.is_some(),
        );
        Config {
            source,
            profiles: file
                .connections
                .into_iter()
                .map(|(name, profile)| (name, profile.into_inner()))
                .collect(),
            team_profiles: BTreeSet::new(),
            team_profiles_replaced: BTreeSet::new(),
            format: overrides
                .format
                .or(file.display.format)
                .unwrap_or(Format::Table),
            expanded: file.display.expanded.unwrap_or_default(),
            page_size: file.display.page_size.map(|size| size.into_inner()),
            null: file.display.null.unwrap_or_else(|| "<null>".to_string()),
            color: if overrides.no_color {
                ColorChoice::Never
            } else {
                file.display.color.unwrap_or_default()
            },
            provider: overrides.provider.clone().or(file.llm.provider),
            model: overrides.model.clone().or(file_model),
            provider_from,
            model_from,
            providers: file.providers,
            retries: overrides
                .retries
                .or(file.agent.retries)
                .unwrap_or(DEFAULT_RETRIES),
            context_tokens: overrides
                .context_tokens
                .or(file.agent.context_tokens.map(|budget| budget.into_inner()))
                .unwrap_or(crate::agent::context::DEFAULT_BUDGET),
            reply_tokens: file
                .agent
                .reply_tokens
                .map_or(crate::agent::DEFAULT_REPLY_TOKENS, |limit| {
                    limit.into_inner()
                }),
            share_samples: overrides.share_samples || file.agent.share_samples.unwrap_or(false),
            share_rows: overrides.share_rows || file.agent.share_rows.unwrap_or(false),
            tools: !overrides.no_tools && file.agent.tools.unwrap_or(true),
            max_tool_calls: file
                .agent
                .max_tool_calls
                .unwrap_or(crate::agent::DEFAULT_MAX_TOOL_CALLS),
            statement_timeout_flag: overrides.statement_timeout,
            statement_timeout_default: file
                .query
                .statement_timeout
                .unwrap_or(DEFAULT_STATEMENT_TIMEOUT),
            history: !overrides.no_history && file.history.enabled.unwrap_or(true),
            detect_sql: file.repl.detect_sql.unwrap_or(true),
            federate_rows: overrides
                .federate_rows
                .or(file.repl.federate_rows.map(std::num::NonZeroUsize::get))
                .unwrap_or(crate::federate::DEFAULT_ROWS),
            trusted_functions: file.safety.trusted_functions,
            prices: file.prices,
            plugins: plugin::plugins(file.tools),
            mcp_servers: plugin::servers(file.mcp),
            warnings,
            team: None,
            team_problems: Vec::new(),
            glossary: Vec::new(),
        }
    }

    /// Built-in defaults only, as with no flags and no file.
    #[cfg(test)]
    pub fn built_in() -> Config {
        Config::merge(
            &Overrides::default(),
            file::File::default(),
            None,
            Vec::new(),
        )
    }

    /// What the agent takes from the configuration.
    pub fn agent_settings(&self) -> crate::agent::AgentSettings {
        crate::agent::AgentSettings {
            context_tokens: self.context_tokens,
            reply_tokens: self.reply_tokens,
            retries: self.retries,
            max_tool_calls: if self.tools { self.max_tool_calls } else { 0 },
            prices: self.prices.clone(),
            glossary: self.glossary.clone(),
        }
    }

    /// What the team folder in use holds (`glance team`, `\team`).
    pub fn team_summary(&self) -> Option<crate::team::summary::Summary> {
        let team = self.team.as_ref()?;
        let profiles = crate::team::summary::Profiles {
            used: self.team_profiles.iter().cloned().collect(),
            replaced: self.team_profiles_replaced.iter().cloned().collect(),
        };
        Some(crate::team::summary::gather(
            team,
            self.glossary.len(),
            profiles,
            &self.team_problems,
        ))
    }

    /// The statement timeout for a connection from `profile` (or none).
    pub fn statement_timeout(&self, profile: Option<&Profile>) -> Duration {
        self.statement_timeout_flag
            .or(profile.and_then(|p| p.statement_timeout))
            .unwrap_or(self.statement_timeout_default)
    }

    /// The merged settings as TOML, passwords redacted (`glance config show`).
    pub fn show(&self) -> String {
        let env = |name: &str| std::env::var(name).ok();
        show::render(self, &self.llm_in_effect(&env))
    }

    /// The merged settings as JSON (`glance config show --format json`).
    pub fn show_json(&self) -> serde_json::Value {
        let env = |name: &str| std::env::var(name).ok();
        show::json(self, &self.llm_in_effect(&env))
    }

    /// The provider and model questions go to, with where each comes from.
    pub fn llm_in_effect(&self, env: &dyn Fn(&str) -> Option<String>) -> crate::llm::InEffect {
        crate::llm::in_effect(
            with_origin(&self.provider, &self.provider_from),
            with_origin(&self.model, &self.model_from),
            &self.providers,
            env,
        )
    }
}

/// A setting with where it came from ("from the command line" when unsaid).
fn with_origin<'a>(
    value: &'a Option<String>,
    from: &'a Option<String>,
) -> Option<(&'a str, &'a str)> {
    value
        .as_deref()
        .map(|value| (value, from.as_deref().unwrap_or("from the command line")))
}

/// Where the config file is: `--config`/`GLANCE_CONFIG`, else
/// `$XDG_CONFIG_HOME/glance/config.toml` (`~/.config/…` without it).
pub fn path(flag: Option<&Path>) -> Result<PathBuf, Failure> {
    if let Some(path) = flag {
        return Ok(path.to_path_buf());
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| dirs::home_dir().map(|home| home.join(".config")))
        .ok_or_else(|| Failure::Usage {
            message: "cannot find the config directory: neither XDG_CONFIG_HOME nor HOME is set"
                .into(),
            hint: Some("set HOME, or name a file with --config".into()),
        })?;
    Ok(base.join("glance").join("config.toml"))
}

/// The profile names in the config file at `path`, then those of the team
/// folder (`team_dir`, else `[team] dir`, else a `.glance/` above the
/// current directory) the file does not use, with a short description of
/// each (its URL, passwords redacted, or host and database), for shell
/// completion. Unreadable files give no names.
pub fn profile_names(path: &Path, team_dir: Option<&Path>) -> Vec<(String, String)> {
    let table = read_table(path).unwrap_or_default();
    let mut names = connections_in(&table, "");
    let configured = table
        .get("team")
        .and_then(|team| team.get("dir"))
        .and_then(toml::Value::as_str)
        .map(|dir| path.parent().unwrap_or(Path::new("")).join(dir));
    let cwd = std::env::current_dir().ok();
    let (found, _) = crate::team::find(team_dir, configured.as_deref(), cwd.as_deref());
    if let Some(table) = found.and_then(|team| read_table(&team.profiles_path())) {
        for (name, about) in connections_in(&table, " (team folder)") {
            if !names.iter().any(|(known, _)| *known == name) {
                names.push((name, about));
            }
        }
    }
    names
}

/// A TOML file as a table, if it can be read and parsed.
fn read_table(path: &Path) -> Option<toml::Table> {
    let text = crate::files::read_text_capped(path, MAX_FILE_BYTES).ok()?;
    text.parse::<toml::Table>().ok()
}

/// The `[connections.NAME]` tables of `table`: each name with its URL
/// (redacted) or host and database, then `mark`.
fn connections_in(table: &toml::Table, mark: &str) -> Vec<(String, String)> {
    let Some(toml::Value::Table(connections)) = table.get("connections") else {
        return Vec::new();
    };
    let text_of = |profile: &toml::Table, key: &str| {
        profile
            .get(key)
            .and_then(toml::Value::as_str)
            .map(str::to_string)
    };
    connections
        .iter()
        .map(|(name, profile)| {
            let about = match profile.as_table() {
                Some(profile) => match text_of(profile, "url") {
                    Some(url) => redact_url(&url),
                    None => [text_of(profile, "host"), text_of(profile, "database")]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join("/"),
                },
                None => String::new(),
            };
            (
                name.clone(),
                format!("{about}{mark}").trim_start().to_string(),
            )
        })
        .collect()
}

/// Writes the template to `path`, never over an existing file, readable
/// by its owner only (it is meant to hold connection settings); a new
/// directory for it is private too.
pub fn init(path: &Path) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty())
        && !dir.is_dir()
    {
        crate::files::private_dir(dir).map_err(|error| {
            Failure::runtime(format!(
                "cannot create the directory {}: {error}",
                dir.display()
            ))
        })?;
    }
    let mut file = crate::files::create_private(path).map_err(|error| match error.kind() {
        std::io::ErrorKind::AlreadyExists => Failure::Usage {
            message: format!("{} already exists; it was left as it is", path.display()),
            hint: Some("edit it, or move it away first to start from the template".into()),
        },
        _ => Failure::runtime(format!("cannot create {}: {error}", path.display())),
    })?;
    std::io::Write::write_all(&mut file, TEMPLATE.as_bytes())
        .map_err(|error| Failure::runtime(format!("cannot write {}: {error}", path.display())))
}

/// A warning for each trusted function named without its schema: it would
/// match nothing, since glance trusts `schema.name` only.
fn unqualified_trust(file: &file::File) -> Vec<String> {
    file.safety
        .trusted_functions
        .iter()
        .filter(|name| !name.contains('.'))
        .map(|name| {
            format!(
                "[safety] trusted_functions: {name:?} has no schema and trusts nothing; write it as \"schema.{name}\""
            )
        })
        .collect()
}

/// A warning when the file holds a plain password others can read.
fn password_warning(path: &Path, file: &file::File) -> Option<String> {
    let with_password: Vec<&str> = file
        .connections
        .iter()
        .filter(|(_, profile)| profile.get_ref().password.is_some())
        .map(|(name, _)| name.as_str())
        .collect();
    if with_password.is_empty() || !readable_by_others(path) {
        return None;
    }
    Some(format!(
        "{} holds a password (connections.{}) and can be read by other users; \
         run `chmod 600 {}`, or use password_env (or ~/.pgpass for PostgreSQL, ~/.my.cnf \
         for MySQL) instead",
        path.display(),
        with_password.join(", connections."),
        path.display()
    ))
}

#[cfg(unix)]
fn readable_by_others(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|meta| meta.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn readable_by_others(_: &Path) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn global(args: &[&str]) -> Overrides {
        let mut argv = vec!["glance"];
        argv.extend(args);
        argv.push("repl");
        crate::cli::Cli::try_parse_from(argv)
            .unwrap()
            .global
            .overrides()
    }

    fn merged(args: &[&str], text: &str) -> Config {
        let loaded = file::parse(Path::new("c.toml"), text).unwrap();
        Config::merge(&global(args), loaded.file, None, Vec::new())
    }

    #[test]
    fn trusted_functions_come_from_the_safety_section() {
        let text = "[safety]\ntrusted_functions = [\"public.f\", \"g\"]\n";
        assert_eq!(merged(&[], text).trusted_functions, ["public.f", "g"]);
        let loaded = file::parse(Path::new("c.toml"), text).unwrap();
        let warnings = unqualified_trust(&loaded.file);
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].contains("\"g\""), "{warnings:?}");
        assert!(merged(&[], "").trusted_functions.is_empty());
    }

    #[test]
    fn built_in_defaults_fill_what_nothing_sets() {
        let config = merged(&[], "");
        assert_eq!(config.format, Format::Table);
        assert_eq!(config.null, "<null>");
        assert_eq!(config.retries, 2);
        assert_eq!(config.statement_timeout(None), Duration::from_secs(30));
        assert!(config.history);
        assert_eq!(config.provider, None);
    }

    #[test]
    fn flags_beat_profile_beat_file() {
        let text = "[query]\nstatement_timeout = \"10s\"\n[agent]\nretries = 5\n\
                    [display]\nformat = \"csv\"\n[connections.p]\nhost = \"h\"\nstatement_timeout = \"3s\"\n";
        let config = merged(&[], text);
        let profile = &config.profiles["p"];
        assert_eq!(config.statement_timeout(None), Duration::from_secs(10));
        assert_eq!(
            config.statement_timeout(Some(profile)),
            Duration::from_secs(3)
        );
        assert_eq!(config.retries, 5);
        assert_eq!(config.format, Format::Csv);
        let config = merged(
            &[
                "--statement-timeout",
                "1s",
                "--retries",
                "0",
                "--format",
                "json",
            ],
            text,
        );
        assert_eq!(
            config.statement_timeout(Some(&config.profiles["p"])),
            Duration::from_secs(1)
        );
        assert_eq!(config.retries, 0);
        assert_eq!(config.format, Format::Json);
    }

    #[test]
    fn the_file_model_goes_with_the_file_provider() {
        let text = "[llm]\nprovider = \"openai\"\nmodel = \"gpt-5\"\n";
        let config = merged(&[], text);
        assert_eq!(
            (config.provider.as_deref(), config.model.as_deref()),
            (Some("openai"), Some("gpt-5"))
        );
        let config = merged(&["--provider", "anthropic"], text);
        assert_eq!(
            (config.provider.as_deref(), config.model.as_deref()),
            (Some("anthropic"), None)
        );
        let config = merged(&["--model", "gpt-5-nano"], text);
        assert_eq!(config.model.as_deref(), Some("gpt-5-nano"));
    }

    #[test]
    fn history_and_colour_switch_off_from_either_side() {
        assert!(!merged(&["--no-history"], "").history);
        assert!(!merged(&[], "[history]\nenabled = false\n").history);
        assert_eq!(
            merged(&["--no-color"], "[display]\ncolor = \"always\"\n").color,
            ColorChoice::Never
        );
        assert_eq!(
            merged(&[], "[display]\ncolor = \"always\"\n").color,
            ColorChoice::Always
        );
    }

    #[test]
    fn sql_detection_is_on_unless_the_file_turns_it_off() {
        assert!(merged(&[], "").detect_sql);
        assert!(!merged(&[], "[repl]\ndetect_sql = false\n").detect_sql);
    }

    #[test]
    fn the_template_is_a_valid_config_with_nothing_set() {
        let loaded = file::parse(Path::new("t.toml"), TEMPLATE).unwrap();
        assert!(loaded.unknown_keys.is_empty());
        assert!(loaded.file.connections.is_empty());
        assert!(TEMPLATE.lines().filter(|l| l.starts_with("# [")).count() >= 6);
    }

    #[test]
    fn init_never_overwrites() {
        let dir = std::env::temp_dir().join(format!("glance-init-{}", std::process::id()));
        let path = dir.join("sub").join("config.toml");
        init(&path).unwrap();
        std::fs::write(&path, "# mine\n").unwrap();
        let error = init(&path).unwrap_err();
        assert!(error.message().contains("already exists"));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
