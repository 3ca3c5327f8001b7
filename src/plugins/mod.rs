//! The person's own tools: programs glance runs when the model or the
//! person calls them (`[tools.NAME]` in the config file), and the tools of
//! MCP servers glance starts (`[mcp.NAME]`, in [`mcp`]). A plugin gets the
//! call as JSON on stdin and no way into the database: no connection, no
//! URL, no credentials (see [`run`]). What it prints is data for the
//! model; SQL in it is never run. Nothing here prints or asks.

mod mcp;
mod run;

use serde_json::{Value as Json, json};

use crate::config::{McpServer, Plugin};
use crate::db::Dialect;
use crate::session::Session;
use crate::tool_rounds::Stopped;

#[cfg(test)]
use run::PASSED_VARIABLES;
pub use run::Printed;

/// The word a plugin's `context.dialect` holds.
fn dialect_word(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Postgres => "postgresql",
        Dialect::Sqlite => "sqlite",
        Dialect::Mysql => "mysql",
    }
}

/// Every tool of the person's: the plugins and the MCP servers' tools.
#[derive(Default)]
pub struct Kit {
    plugins: Vec<Plugin>,
    servers: Vec<mcp::Client>,
}

impl Kit {
    /// `plugins`, and `servers` started; a server that does not start is
    /// left out, with a warning that names it.
    pub fn start(plugins: &[Plugin], servers: &[McpServer]) -> (Kit, Vec<String>) {
        let mut warnings = Vec::new();
        let servers = servers
            .iter()
            .filter_map(|server| {
                mcp::Client::start(server)
                    .map_err(|error| {
                        warnings.push(format!(
                            "MCP server {}: {error}; its tools are not offered",
                            server.name
                        ));
                    })
                    .ok()
            })
            .collect();
        let kit = Kit {
            plugins: plugins.to_vec(),
            servers,
        };
        (kit, warnings)
    }

    /// Every tool, plugins first.
    pub fn all(&self) -> impl Iterator<Item = &Plugin> {
        self.plugins
            .iter()
            .chain(self.servers.iter().flat_map(|client| &client.tools))
    }

    /// The tool named `name`, if any.
    pub fn find(&self, name: &str) -> Option<&Plugin> {
        self.all().find(|plugin| plugin.name == name)
    }

    /// Where `tool` comes from, for `\tools`.
    pub fn origin(&self, tool: &Plugin) -> String {
        match self.server_of(&tool.name) {
            Some(at) => format!("MCP server {}", self.servers[at].server.name),
            None => format!("plugin: {}", crate::redact::command_line(&tool.command)),
        }
    }

    fn server_of(&self, name: &str) -> Option<usize> {
        self.servers
            .iter()
            .position(|client| client.tools.iter().any(|tool| tool.name == name))
    }

    /// Runs the tool `name` (one [`Kit::find`] found) with `arguments`:
    /// what it printed or why not; `Err` when Ctrl-C stopped it.
    pub fn call(
        &mut self,
        session: &mut Session,
        name: &str,
        arguments: &Json,
    ) -> Result<Result<Printed, String>, Stopped> {
        let arguments = match arguments {
            Json::Null => json!({}),
            Json::Object(_) => arguments.clone(),
            _ => {
                return Ok(Err(format!(
                    "tool {name}: the arguments must be a JSON object"
                )));
            }
        };
        let interrupts = session.interrupts().clone();
        // A Ctrl-C from before the call is not meant for it.
        interrupts.take();
        if let Some(at) = self.server_of(name) {
            let result = self.servers[at].call(name, &arguments, &|| interrupts.take())?;
            return Ok(result.map_err(|error| format!("tool {name}: {error}")));
        }
        let Some(plugin) = self.plugins.iter().find(|plugin| plugin.name == name) else {
            return Ok(Err(format!("there is no tool named \"{name}\"")));
        };
        let info = session.info();
        let mut input = json!({
            "arguments": arguments,
            "context": {"database": info.database, "dialect": dialect_word(info.dialect)},
        });
        if plugin.last_result {
            let context = &mut input["context"];
            match crate::tools::last_result(session) {
                Ok(result) => context["last_result"] = result,
                Err(why) => {
                    context["last_result"] = Json::Null;
                    context["last_result_note"] = json!(why);
                }
            }
        }
        match run::run(plugin, &input, &|| interrupts.take()) {
            Ok(printed) => Ok(Ok(printed)),
            Err(run::Failure::Interrupted) => Err(Stopped),
            Err(failure) => Ok(Err(format!("tool {name}: {failure}"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn plugin(script: &str, timeout: Duration) -> Plugin {
        Plugin {
            name: "t".into(),
            command: vec!["/bin/sh".into(), "-c".into(), script.into()],
            description: String::new(),
            parameters: json!({"type": "object"}),
            read_only: true,
            timeout,
            last_result: false,
        }
    }

    #[test]
    fn stdout_is_the_result_as_json_or_text() {
        let second = Duration::from_secs(10);
        let input = json!({"arguments": {"n": 2}});
        let printed = run::run(&plugin("cat", second), &input, &|| false).unwrap();
        assert_eq!(printed.data, input);
        let printed = run::run(&plugin("echo hello", second), &input, &|| false).unwrap();
        assert_eq!(printed.data, json!("hello"));
        let printed = run::run(
            &plugin("head -c 40000 /dev/zero | tr '\\0' a", second),
            &input,
            &|| false,
        )
        .unwrap();
        assert!(printed.truncated);
    }

    #[test]
    fn failures_say_why() {
        let second = Duration::from_secs(10);
        let error = run::run(
            &plugin("echo broke >&2; exit 3", second),
            &json!({}),
            &|| false,
        )
        .unwrap_err();
        assert_eq!(error.to_string(), "exited with status 3: broke");
        let error = run::run(
            &plugin("sleep 30", Duration::from_millis(100)),
            &json!({}),
            &|| false,
        )
        .unwrap_err();
        assert!(
            error.to_string().contains("did not finish within 0.1s"),
            "{error}"
        );
        let error = run::run(&plugin("sleep 30", second), &json!({}), &|| true).unwrap_err();
        assert!(matches!(error, run::Failure::Interrupted), "{error}");
        let mut missing = plugin("", second);
        missing.command = vec!["/nonexistent/tool".into()];
        let error = run::run(&missing, &json!({}), &|| false).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot start /nonexistent/tool"),
            "{error}"
        );
    }

    #[test]
    fn only_the_listed_variables_pass() {
        let printed = run::run(&plugin("env", Duration::from_secs(10)), &json!({}), &|| {
            false
        })
        .unwrap();
        let text = printed.data.as_str().unwrap_or_default().to_string();
        for line in text.lines() {
            let name = line.split('=').next().unwrap_or_default();
            assert!(
                PASSED_VARIABLES.contains(&name) || name == "PWD" || name == "SHLVL" || name == "_",
                "{line}"
            );
        }
    }
}
