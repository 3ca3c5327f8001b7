//! The built-in tools as the agent offers them to the model: a subset of
//! [`tools::builtins`] (looks at the schema and the data, never the server's
//! other activity), each call run by [`tools::call`] through the session's
//! guarded paths and answered as JSON text.
//!
//! Invariant: no row data leaves the machine unless the person said so:
//! `distinct_values` is offered only with `--share-samples` (the samples'
//! privacy rules), `run_read_only_sql` only with `--share-rows`, and on
//! MySQL/MariaDB `explain` only with `--share-rows` too, since their
//! planner evaluates subqueries on constant rows and a plan can show
//! whether a condition on the data holds.

use serde_json::Value as Json;

use crate::config::Plugin;
use crate::db;
use crate::llm::{ToolCall, ToolSpec};
use crate::plugins::Kit;
use crate::session::{Session, Settings};
use crate::tool_rounds::{Stopped, Toolbox};
use crate::tools::{self, Limits, ToolError};

/// The tools the agent offers, of those [`tools::builtins`] lists.
const OFFERED: [&str; 5] = [
    "list_tables",
    "describe_table",
    "distinct_values",
    "run_read_only_sql",
    "explain",
];
/// Whether the model may have tool `name` with these settings, on a
/// database of `dialect`.
fn allowed(name: &str, settings: &Settings, dialect: db::Dialect) -> bool {
    match name {
        "distinct_values" => settings.share_samples,
        "run_read_only_sql" => settings.share_rows,
        "explain" => settings.share_rows || dialect != db::Dialect::Mysql,
        _ => true,
    }
}

/// glance's own read-only tools.
#[derive(Default)]
pub struct Builtins;

impl Toolbox for Builtins {
    fn specs(&self, session: &Session) -> Vec<ToolSpec> {
        let share_samples = session.settings.share_samples;
        tools::builtins(share_samples)
            .into_iter()
            .filter(|spec| OFFERED.contains(&spec.name))
            .filter(|spec| allowed(spec.name, &session.settings, session.info().dialect))
            .map(|spec| ToolSpec {
                name: spec.name.to_string(),
                description: spec.description.to_string(),
                parameters: spec.parameters,
            })
            .collect()
    }

    /// `{"result": …, "truncated"?: true}` or `{"error": …}`; a name not
    /// offered is an error (the model may not reach the other built-ins).
    fn call(&mut self, session: &mut Session, call: &ToolCall) -> Result<String, Stopped> {
        if !self
            .specs(session)
            .iter()
            .any(|spec| spec.name == call.name)
        {
            let offered = self.specs(session);
            let names: Vec<&str> = offered.iter().map(|spec| spec.name.as_str()).collect();
            let names = names.join(", ");
            let error = format!(
                "there is no tool named \"{}\"; the tools are: {names}",
                call.name
            );
            return Ok(serde_json::json!({ "error": error }).to_string());
        }
        match tools::call(session, &call.name, &call.arguments, &Limits::default()) {
            Ok(output) => {
                let mut document = serde_json::json!({ "result": output.data });
                if output.truncated {
                    document["truncated"] = true.into();
                }
                Ok(document.to_string())
            }
            Err(ToolError::Database(db::Error::Cancelled)) => Err(Stopped),
            Err(error) => Ok(error.json().to_string()),
        }
    }
}

/// Whether a plugin call that is not read-only may run: `Err` says why
/// not, for the model.
pub type Permit<'a> = &'a mut dyn FnMut(&Plugin, &Json) -> Result<(), String>;

/// The built-ins and the person's plugins, each plugin that is not
/// read-only run only when `permit` lets it.
pub struct Tools<'a> {
    pub kit: &'a mut Kit,
    pub permit: Permit<'a>,
}

impl Toolbox for Tools<'_> {
    fn specs(&self, session: &Session) -> Vec<ToolSpec> {
        let mut specs = Builtins.specs(session);
        specs.extend(self.kit.all().map(|plugin| ToolSpec {
            name: plugin.name.clone(),
            description: plugin.description.clone(),
            parameters: plugin.parameters.clone(),
        }));
        specs
    }

    /// A plugin's output as `{"result": …, "truncated"?: true}`, or
    /// `{"error": …}` when it failed or was not allowed to run.
    fn call(&mut self, session: &mut Session, call: &ToolCall) -> Result<String, Stopped> {
        let Some(plugin) = self.kit.find(&call.name) else {
            return Builtins.call(session, call);
        };
        if !plugin.read_only
            && let Err(why) = (self.permit)(&plugin.clone(), &call.arguments)
        {
            return Ok(serde_json::json!({ "error": why }).to_string());
        }
        let document = match self.kit.call(session, &call.name, &call.arguments)? {
            Ok(printed) => {
                let mut document = serde_json::json!({ "result": printed.data });
                if printed.truncated {
                    document["truncated"] = true.into();
                }
                document
            }
            Err(error) => serde_json::json!({ "error": error }),
        };
        Ok(document.to_string())
    }
}

/// The names of the tools a question would offer the model; `None` when
/// tool calls are off.
pub fn offered(
    session: &Session,
    agent: &crate::agent::Agent,
    kit: &mut Kit,
) -> Option<Vec<String>> {
    if agent.tool_calls_allowed() == 0 {
        return None;
    }
    let mut not_called = |_: &Plugin, _: &Json| Ok(());
    let tools = Tools {
        kit,
        permit: &mut not_called,
    };
    Some(
        tools
            .specs(session)
            .into_iter()
            .map(|spec| spec.name)
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Dialect;

    fn settings(share_samples: bool, share_rows: bool) -> Settings {
        Settings {
            format: crate::render::Format::Table,
            expanded: crate::render::Expanded::Off,
            timing: false,
            null: String::new(),
            page_size: None,
            paged: false,
            share_samples,
            share_rows,
            trusted_functions: Vec::new(),
        }
    }

    #[test]
    fn rows_reach_the_model_only_as_the_person_allows() {
        let none = settings(false, false);
        let samples = settings(true, false);
        let rows = settings(false, true);
        for dialect in [Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql] {
            assert!(allowed("describe_table", &none, dialect));
            assert!(!allowed("run_read_only_sql", &none, dialect));
            assert!(!allowed("run_read_only_sql", &samples, dialect));
            assert!(allowed("run_read_only_sql", &rows, dialect));
            assert!(!allowed("distinct_values", &rows, dialect));
            assert!(allowed("distinct_values", &samples, dialect));
            assert!(allowed("explain", &rows, dialect));
        }
        // MySQL's planner evaluates subqueries on constant rows: a plan can
        // tell whether a condition on the data holds.
        assert!(allowed("explain", &samples, Dialect::Postgres));
        assert!(allowed("explain", &none, Dialect::Sqlite));
        assert!(!allowed("explain", &samples, Dialect::Mysql));
    }
}
