//! The built-in tools as the agent offers them to the model: a subset of
//! [`tools::builtins`] (looks at the schema and the data, never the server's
//! other activity), each call run by [`tools::call`] through the session's
//! guarded paths and answered as JSON text.

use crate::db;
use crate::llm::{ToolCall, ToolSpec};
use crate::session::Session;
use crate::tool_rounds::{Stopped, Toolbox};
use crate::tools::{self, Limits, ToolError};

/// The tools the agent offers, of those [`tools::builtins`] lists
/// (`distinct_values` is there only with `--share-samples`).
const OFFERED: [&str; 5] = [
    "list_tables",
    "describe_table",
    "distinct_values",
    "run_read_only_sql",
    "explain",
];

/// glance's own read-only tools.
#[derive(Default)]
pub struct Builtins;

impl Toolbox for Builtins {
    fn specs(&self, session: &Session) -> Vec<ToolSpec> {
        tools::builtins(session.settings.share_samples)
            .into_iter()
            .filter(|spec| OFFERED.contains(&spec.name))
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
            let names = OFFERED.join(", ");
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
