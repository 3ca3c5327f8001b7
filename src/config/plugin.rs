//! `[tools.NAME]`: the person's own tools, programs glance runs when the
//! model (or the person, with `\tool`) calls them. Read and checked here;
//! running them is `plugins`' job.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value as Json;
use toml::Spanned;

use super::file::FileError;

/// How long a plugin may run when its table gives no `timeout`.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// One `[tools.NAME]` table as written.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PluginFile {
    /// The program and its arguments.
    pub command: Vec<String>,
    pub description: Option<String>,
    /// JSON Schema of the arguments, written as a TOML table.
    pub parameters: Option<toml::Table>,
    pub read_only: bool,
    #[serde(deserialize_with = "super::file::duration")]
    pub timeout: Option<Duration>,
    /// Whether the call's `context` carries the session's last result.
    pub last_result: bool,
}

/// One `[mcp.NAME]` table as written: an MCP server glance starts.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct McpFile {
    pub command: Vec<String>,
    #[serde(deserialize_with = "super::file::duration")]
    pub timeout: Option<Duration>,
}

/// An MCP server whose tools are offered as `NAME__tool`.
#[derive(Clone, Debug, PartialEq)]
pub struct McpServer {
    pub name: String,
    pub command: Vec<String>,
    /// How long it may take to start or to answer one call.
    pub timeout: Duration,
}

/// The file's MCP servers, by name.
pub fn servers(mcp: BTreeMap<String, Spanned<McpFile>>) -> Vec<McpServer> {
    mcp.into_iter()
        .map(|(name, file)| {
            let file = file.into_inner();
            McpServer {
                name,
                command: file.command,
                timeout: file.timeout.unwrap_or(DEFAULT_TIMEOUT),
            }
        })
        .collect()
}

/// A plugin, ready to offer and run.
#[derive(Clone, Debug, PartialEq)]
pub struct Plugin {
    pub name: String,
    pub command: Vec<String>,
    pub description: String,
    /// A JSON Schema object; `{"type": "object"}` when not given.
    pub parameters: Json,
    /// Whether it only reads: others are asked about before every call.
    pub read_only: bool,
    pub timeout: Duration,
    /// Whether the call's `context` carries the session's last result
    /// (`last_result = true`): its rows go to the program.
    pub last_result: bool,
}

impl Plugin {
    fn from_file(name: &str, file: PluginFile) -> Plugin {
        let parameters = file
            .parameters
            .and_then(|table| serde_json::to_value(table).ok())
            .unwrap_or_else(|| serde_json::json!({"type": "object"}));
        Plugin {
            name: name.to_string(),
            description: file
                .description
                .unwrap_or_else(|| format!("the {name} plugin")),
            command: file.command,
            parameters,
            read_only: file.read_only,
            timeout: file.timeout.unwrap_or(DEFAULT_TIMEOUT),
            last_result: file.last_result,
        }
    }
}

/// The file's plugins, by name.
pub fn plugins(tools: BTreeMap<String, Spanned<PluginFile>>) -> Vec<Plugin> {
    tools
        .into_iter()
        .map(|(name, file)| Plugin::from_file(&name, file.into_inner()))
        .collect()
}

/// Checks each `[tools.NAME]` of the file at `path`: a name a model accepts
/// and a command to run.
pub fn check(
    path: &Path,
    text: &str,
    tools: &BTreeMap<String, Spanned<PluginFile>>,
    mcp: &BTreeMap<String, Spanned<McpFile>>,
) -> Result<(), FileError> {
    let tables = tools
        .iter()
        .map(|(name, table)| ("tools", name, table.span(), &table.get_ref().command))
        .chain(
            mcp.iter()
                .map(|(name, table)| ("mcp", name, table.span(), &table.get_ref().command)),
        );
    for (section, name, span, command) in tables {
        let problem = if !valid_name(name) || name.contains("__") {
            Some("a tool's name is letters, digits, `_` and `-` (at most 64, no `__`)")
        } else if command.first().is_none_or(String::is_empty) {
            Some("`command` needs the program to run, e.g. command = [\"/path/to/tool\"]")
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(FileError::at(
                path,
                text,
                Some(span),
                Some(format!("{section}.{name}")),
                problem.to_string(),
            ));
        }
    }
    Ok(())
}

/// What providers accept as a tool name.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<Vec<Plugin>, String> {
        let path = Path::new("config.toml");
        super::super::file::parse(path, text)
            .map(|loaded| plugins(loaded.file.tools))
            .map_err(|error| error.to_string())
    }

    #[test]
    fn a_plugin_table_reads_with_defaults() {
        let found = read(
            "[tools.weather]\ncommand = [\"/bin/w\", \"-q\"]\n\
             [tools.count]\ncommand = [\"c\"]\nread_only = true\ntimeout = \"2s\"\n\
             description = \"counts\"\n[tools.count.parameters]\ntype = \"object\"\n",
        )
        .unwrap();
        assert_eq!(found[0].name, "count");
        assert!(found[0].read_only);
        assert_eq!(found[0].timeout, Duration::from_secs(2));
        assert_eq!(found[0].parameters, serde_json::json!({"type": "object"}));
        assert_eq!(found[1].command, ["/bin/w", "-q"]);
        assert!(!found[1].read_only);
        assert_eq!(found[1].timeout, DEFAULT_TIMEOUT);
    }

    #[test]
    fn mistakes_name_the_line_and_the_key() {
        let error = read("[tools.x]\ndescription = \"no command\"\n").unwrap_err();
        assert!(
            error.contains("line 1") && error.contains("tools.x"),
            "{error}"
        );
        assert!(error.contains("`command`"), "{error}");
        let error = read("[tools.\"a b\"]\ncommand = [\"x\"]\n").unwrap_err();
        assert!(error.contains("letters, digits"), "{error}");
        let error = read("[tools.x]\ncommand = [\"x\"]\ntimeout = \"soon\"\n").unwrap_err();
        assert!(error.contains("line 3"), "{error}");
        let error = read("[mcp.db]\ntimeout = \"5s\"\n").unwrap_err();
        assert!(error.contains("key `mcp.db`"), "{error}");
        let error = read("[mcp.a__b]\ncommand = [\"x\"]\n").unwrap_err();
        assert!(error.contains("no `__`"), "{error}");
        let error = read("[tools.x]\ncommand = [\"x\"]\nreadonly = true\n").unwrap_err();
        assert!(error.contains("readonly"), "{error}");
    }
}
