//! What the MCP server offers and answers: the built-in tools under their
//! MCP names with JSON Schemas and hints (`readOnlyHint`), and a tool's
//! outcome as a `tools/call` result — the data as fenced text and as
//! `structuredContent`, errors with `isError`.

use serde_json::{Value as Json, json};

use crate::db::Dialect;
use crate::tools::{self, Output, ToolError};

/// The MCP name of the statement tool.
pub const RUN_SQL: &str = "run_sql";

/// The built-in tool an MCP name stands for; `None` for a name the server
/// does not offer.
pub fn builtin(name: &str, share_samples: bool) -> Option<&'static str> {
    let wanted = match name {
        RUN_SQL => "run_read_only_sql",
        "run_read_only_sql" => return None,
        other => other,
    };
    tools::builtins(share_samples)
        .into_iter()
        .map(|spec| spec.name)
        .find(|builtin| *builtin == wanted)
}

/// The `tools/list` result on a `dialect` database; `write` when `run_sql`
/// may run writes (asking the person through the client). On SQLite
/// `index_advice` builds each candidate in a transaction it rolls back,
/// holding the write lock meanwhile: not read-only, though not destructive.
pub fn list(share_samples: bool, write: bool, dialect: Dialect) -> Json {
    let tools: Vec<Json> = tools::builtins(share_samples)
        .into_iter()
        .map(|spec| {
            let statement = spec.name == "run_read_only_sql";
            let name = if statement { RUN_SQL } else { spec.name };
            let locks = spec.name == "index_advice" && dialect == Dialect::Sqlite;
            let destructive = !spec.read_only || (statement && write);
            let read_only = !destructive && !locks;
            let description = match (statement, write) {
                (true, true) => {
                    "Run one SQL statement and get its first rows. Reads run at once in a \
                     read-only transaction; anything that writes is shown to the person, who \
                     is asked whether to run it."
                }
                _ => spec.description,
            };
            json!({
                "name": name,
                "title": name.replace('_', " "),
                "description": description,
                "inputSchema": spec.parameters,
                "annotations": {
                    "readOnlyHint": read_only,
                    "destructiveHint": destructive,
                    "idempotentHint": read_only,
                    "openWorldHint": false,
                },
            })
        })
        .collect();
    json!({"tools": tools})
}

/// A `tools/call` result for what a tool gave; `hint` follows a refusal's
/// text (how to allow writes).
pub fn result(outcome: &Result<Output, ToolError>, hint: Option<&str>) -> Json {
    match outcome {
        Ok(output) => {
            let mut data = output.data.clone();
            if let Some(object) = data.as_object_mut() {
                object.insert("truncated".into(), output.truncated.into());
            }
            json!({
                "content": [{"type": "text", "text": tools::fenced(&data)}],
                "structuredContent": data,
                "isError": false,
            })
        }
        Err(error) => {
            let mut text = crate::escape::visible(&error.to_string()).into_owned();
            if let (ToolError::Refused { .. }, Some(hint)) = (error, hint) {
                text.push_str("; ");
                text.push_str(hint);
            }
            let mut data = error.json();
            data["error"] = text.clone().into();
            json!({
                "content": [{"type": "text", "text": text}],
                "structuredContent": data,
                "isError": true,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_sql_stands_for_the_read_only_tool_and_is_read_only_unless_writes_are_allowed() {
        assert_eq!(builtin("run_sql", false), Some("run_read_only_sql"));
        assert_eq!(builtin("run_read_only_sql", false), None);
        assert_eq!(builtin("describe_table", false), Some("describe_table"));
        assert_eq!(builtin("distinct_values", false), None);
        assert_eq!(builtin("distinct_values", true), Some("distinct_values"));
        let hint = |listed: &Json, name: &str| {
            listed["tools"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["name"] == name)
                .map(|t| t["annotations"]["readOnlyHint"].clone())
        };
        let pg = Dialect::Postgres;
        assert_eq!(hint(&list(false, false, pg), "run_sql"), Some(json!(true)));
        assert_eq!(hint(&list(false, true, pg), "run_sql"), Some(json!(false)));
        assert_eq!(hint(&list(false, true, pg), "explain"), Some(json!(true)));
        assert_eq!(hint(&list(false, false, pg), "run_read_only_sql"), None);
        assert_eq!(
            hint(&list(false, false, pg), "index_advice"),
            Some(json!(true))
        );
        assert_eq!(
            hint(&list(false, false, Dialect::Sqlite), "index_advice"),
            Some(json!(false))
        );
        for tool in list(true, false, pg)["tools"].as_array().unwrap() {
            assert_eq!(tool["inputSchema"]["type"], "object", "{tool}");
        }
    }

    #[test]
    fn errors_are_results_with_is_error() {
        let refused: Result<Output, ToolError> =
            Err(ToolError::Declined("not \u{1b}[31mshared".into()));
        let answer = result(&refused, Some("see --allow-write"));
        assert_eq!(answer["isError"], true);
        assert_eq!(answer["content"][0]["text"], "not \\x1b[31mshared");
        let ok = Ok(Output {
            data: json!({"rows": []}),
            summary: String::new(),
            truncated: true,
        });
        let answer = result(&ok, None);
        assert_eq!(answer["isError"], false);
        assert_eq!(
            answer["structuredContent"],
            json!({"rows": [], "truncated": true})
        );
    }
}
