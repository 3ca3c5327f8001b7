//! `glance config show`: the merged settings as TOML a person could paste
//! back into the file (or as JSON), with passwords replaced by a marker.

use std::time::Duration;

use toml::{Table, Value};

use super::{ColorChoice, Config, Profile};
use crate::db::postgres::conninfo;
use crate::llm::InEffect;
use crate::render::{Expanded, Format};

/// What stands in for a password.
const REDACTED: &str = crate::redact::MARK;

/// The settings as TOML; `[llm]` holds the provider and model questions go
/// to (`llm`), each with a comment saying where it comes from.
pub fn render(config: &Config, llm: &InEffect) -> String {
    let root = settings(config);
    let source = match &config.source {
        Some(path) => format!(
            "# Settings in effect: flags and environment over {}, over built-in defaults.\n",
            path.display()
        ),
        None => {
            "# Settings in effect: flags and environment over built-in defaults (no config file).\n"
                .to_string()
        }
    };
    let body = toml::to_string(&root).unwrap_or_default();
    let unset = if config.page_size.is_none() {
        "# display.page_size is unset: pages fill the window.\n"
    } else {
        ""
    };
    let team = match &config.team {
        Some(team) if !config.team_profiles.is_empty() => format!(
            "# From the team folder {}: connections.{}.\n",
            team.dir.display(),
            config
                .team_profiles
                .iter()
                .cloned()
                .collect::<Vec<_>>()
                .join(", connections.")
        ),
        _ => String::new(),
    };
    format!("{source}{unset}{team}\n{}\n{body}", llm_section(llm))
}

/// The settings as one JSON object: the tables of [`render`], with `llm`
/// holding the provider and model and where each comes from.
pub fn json(config: &Config, llm: &InEffect) -> serde_json::Value {
    let mut root = serde_json::to_value(settings(config)).unwrap_or_default();
    root["llm"] = serde_json::json!({
        "provider": llm.provider,
        "provider_from": llm.provider_from,
        "model": (!llm.model.is_empty()).then_some(&llm.model),
        "model_from": llm.model_from,
    });
    root["source"] = serde_json::json!(
        config
            .source
            .as_ref()
            .map(|path| path.display().to_string())
    );
    root
}

/// Every setting but `[llm]`, as TOML tables.
fn settings(config: &Config) -> Table {
    let mut root = Table::new();
    if !config.providers.is_empty() {
        let providers = config
            .providers
            .iter()
            .map(|(name, settings)| {
                let mut table = Table::new();
                put(&mut table, "api_key_env", settings.api_key_env.clone());
                put(
                    &mut table,
                    "base_url",
                    settings.base_url.as_deref().map(crate::redact::text),
                );
                put(&mut table, "model", settings.model.clone());
                (name.clone(), Value::Table(table))
            })
            .collect();
        root.insert("providers".into(), Value::Table(providers));
    }
    let mut display = Table::new();
    put(&mut display, "format", Some(format_name(config.format)));
    put(
        &mut display,
        "expanded",
        Some(expanded_name(config.expanded)),
    );
    put(
        &mut display,
        "page_size",
        config.page_size.map(|n| n as i64),
    );
    put(&mut display, "null", Some(config.null.clone()));
    put(&mut display, "color", Some(color_name(config.color)));
    root.insert("display".into(), Value::Table(display));
    let mut agent = Table::new();
    put(&mut agent, "retries", Some(i64::from(config.retries)));
    put(
        &mut agent,
        "context_tokens",
        Some(config.context_tokens as i64),
    );
    put(
        &mut agent,
        "reply_tokens",
        Some(i64::from(config.reply_tokens)),
    );
    put(&mut agent, "share_samples", Some(config.share_samples));
    put(&mut agent, "share_rows", Some(config.share_rows));
    put(&mut agent, "tools", Some(config.tools));
    put(
        &mut agent,
        "max_tool_calls",
        Some(i64::from(config.max_tool_calls)),
    );
    root.insert("agent".into(), Value::Table(agent));
    let mut query = Table::new();
    put(
        &mut query,
        "statement_timeout",
        Some(duration(config.statement_timeout(None))),
    );
    root.insert("query".into(), Value::Table(query));
    let mut history = Table::new();
    put(&mut history, "enabled", Some(config.history));
    root.insert("history".into(), Value::Table(history));
    let mut repl = Table::new();
    put(&mut repl, "detect_sql", Some(config.detect_sql));
    put(
        &mut repl,
        "federate_rows",
        Some(i64::try_from(config.federate_rows).unwrap_or(i64::MAX)),
    );
    root.insert("repl".into(), Value::Table(repl));
    let mut safety = Table::new();
    let trusted = config
        .trusted_functions
        .iter()
        .map(|name| Value::String(name.clone()))
        .collect();
    safety.insert("trusted_functions".into(), Value::Array(trusted));
    root.insert("safety".into(), Value::Table(safety));
    if !config.profiles.is_empty() {
        let connections = config
            .profiles
            .iter()
            .map(|(name, profile)| (name.clone(), Value::Table(profile_table(config, profile))))
            .collect();
        root.insert("connections".into(), Value::Table(connections));
    }
    if !config.plugins.is_empty() {
        let tools = config
            .plugins
            .iter()
            .map(|plugin| (plugin.name.clone(), Value::Table(plugin_table(plugin))))
            .collect();
        root.insert("tools".into(), Value::Table(tools));
    }
    if !config.mcp_servers.is_empty() {
        let servers = config
            .mcp_servers
            .iter()
            .map(|server| {
                let mut table = Table::new();
                table.insert("command".into(), strings(&server.command));
                put(&mut table, "timeout", Some(duration(server.timeout)));
                (server.name.clone(), Value::Table(table))
            })
            .collect();
        root.insert("mcp".into(), Value::Table(servers));
    }
    root
}

/// `[llm]` with the provider and model in effect, each followed by where
/// it comes from; a model that only the server will name is a comment.
fn llm_section(llm: &InEffect) -> String {
    let quoted = |text: &str| Value::String(text.to_string()).to_string();
    let one_line = |text: &str| text.replace(['\n', '\r'], " ");
    let mut text = format!(
        "[llm]\nprovider = {}  # {}\n",
        quoted(&llm.provider),
        one_line(&llm.provider_from)
    );
    if llm.model.is_empty() {
        text.push_str(&format!("# model: {}\n", one_line(&llm.model_from)));
    } else {
        text.push_str(&format!(
            "model = {}  # {}\n",
            quoted(&llm.model),
            one_line(&llm.model_from)
        ));
    }
    text
}

fn profile_table(config: &Config, profile: &Profile) -> Table {
    let mut table = Table::new();
    put(&mut table, "url", profile.url.as_deref().map(redact_url));
    put(&mut table, "driver", profile.driver.clone());
    put(&mut table, "host", profile.host.clone());
    put(&mut table, "port", profile.port.map(i64::from));
    put(&mut table, "database", profile.database.clone());
    put(&mut table, "user", profile.user.clone());
    put(&mut table, "sslmode", profile.sslmode.clone());
    put(&mut table, "sslrootcert", profile.sslrootcert.clone());
    put(&mut table, "socket", profile.socket.clone());
    put(&mut table, "password_env", profile.password_env.clone());
    put(&mut table, "passfile", profile.passfile.clone());
    put(
        &mut table,
        "password",
        profile.password.as_ref().map(|_| REDACTED.to_string()),
    );
    put(&mut table, "read_only", Some(profile.read_only));
    put(&mut table, "guard_role", profile.guard_role.clone());
    put(
        &mut table,
        "statement_timeout",
        Some(duration(config.statement_timeout(Some(profile)))),
    );
    put(&mut table, "default", Some(profile.default));
    table
}

/// A `[tools.NAME]` table: the plugin as glance runs it.
fn plugin_table(plugin: &super::plugin::Plugin) -> Table {
    let mut table = Table::new();
    table.insert("command".into(), strings(&plugin.command));
    put(&mut table, "description", Some(plugin.description.clone()));
    put(&mut table, "read_only", Some(plugin.read_only));
    put(&mut table, "timeout", Some(duration(plugin.timeout)));
    put(&mut table, "last_result", Some(plugin.last_result));
    if let Ok(Value::Table(parameters)) = Value::try_from(&plugin.parameters) {
        table.insert("parameters".into(), Value::Table(parameters));
    }
    table
}

/// A program and its arguments, with their secrets redacted.
fn strings(words: &[String]) -> Value {
    Value::Array(
        crate::redact::command(words)
            .into_iter()
            .map(Value::String)
            .collect(),
    )
}

/// A URL or `key=value` string with any password replaced: the password
/// the connection-string parser finds (however it was given), and anything
/// the redactor recognises as one even where the parser gives up.
pub fn redact_url(url: &str) -> String {
    let mut shown = crate::redact::text(url);
    if let Ok(params) = conninfo::parse(url)
        && let Some(password) = params.get("password").filter(|p| !p.is_empty())
    {
        shown = shown.replace(password.as_str(), REDACTED);
    }
    shown
}

fn put<T: Into<Value>>(table: &mut Table, key: &str, value: Option<T>) {
    if let Some(value) = value {
        table.insert(key.to_string(), value.into());
    }
}

fn duration(duration: Duration) -> String {
    let millis = duration.as_millis();
    if millis.is_multiple_of(1000) {
        format!("{}s", millis / 1000)
    } else {
        format!("{millis}ms")
    }
}

fn format_name(format: Format) -> String {
    use clap::ValueEnum;
    format
        .to_possible_value()
        .map(|value| value.get_name().to_string())
        .unwrap_or_default()
}

fn expanded_name(expanded: Expanded) -> String {
    match expanded {
        Expanded::Off => "off",
        Expanded::On => "on",
        Expanded::Auto => "auto",
    }
    .to_string()
}

fn color_name(color: ColorChoice) -> String {
    match color {
        ColorChoice::Auto => "auto",
        ColorChoice::Always => "always",
        ColorChoice::Never => "never",
    }
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_in_urls_are_redacted() {
        assert_eq!(
            redact_url("postgres://ann:s3cret@db:5432/shop?sslmode=require"),
            "postgres://ann:<redacted>@db:5432/shop?sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://ann@db/shop"),
            "postgres://ann@db/shop"
        );
        assert_eq!(
            redact_url("host=db password='s3 cret' dbname=shop"),
            "host=db password='<redacted>' dbname=shop"
        );
        assert_eq!(
            redact_url("postgres://db/shop?password=s3cret&user=ann"),
            "postgres://db/shop?password=<redacted>&user=ann"
        );
        assert_eq!(
            redact_url("postgres://db/shop?pass%77ord=s3cret"),
            "postgres://db/shop?pass%77ord=<redacted>"
        );
        assert_eq!(redact_url("host=db dbname=shop"), "host=db dbname=shop");
        assert_eq!(redact_url("/data/shop.db"), "/data/shop.db");
    }
}
