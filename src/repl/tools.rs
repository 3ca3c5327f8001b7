//! `\tools`, `\tool NAME [JSON]` and `\NAME ARGS` (a plugin by hand), and
//! the question asked before a plugin that is not read-only runs.

use serde_json::Value as Json;

use crate::agent_tools::{Builtins, Tools};
use crate::config::Plugin;
use crate::escape;
use crate::llm::ToolCall;
use crate::plugins::Kit;
use crate::report;
use crate::session::Session;
use crate::tool_rounds::Toolbox;

/// Asks on the terminal before each call of a plugin that is not
/// read-only; without a terminal nobody can say yes, so it is refused.
pub fn permit(terminal: bool) -> impl FnMut(&Plugin, &Json) -> Result<(), String> {
    move |plugin, arguments| {
        if !terminal {
            return Err(format!(
                "not run: tool {} may change things and there is no terminal to ask",
                plugin.name
            ));
        }
        println!("{}", escape::visible(&question(plugin, arguments)));
        match super::input::ask_fresh("Run it? [y/N] ") {
            Some(answer) if crate::confirm::is_yes(&answer) => Ok(()),
            _ => Err(format!(
                "not run: the person declined to run tool {}",
                plugin.name
            )),
        }
    }
}

/// What is said before a plugin that is not read-only runs: its command
/// (secrets hidden), its arguments, and whether your last result's rows go
/// along (`last_result = true`). Pure.
fn question(plugin: &Plugin, arguments: &Json) -> String {
    let rows = if plugin.last_result {
        "; your last result's rows go along (last_result = true)"
    } else {
        ""
    };
    format!(
        "tool {} is not read-only; it would run {} with {}{rows}",
        plugin.name,
        crate::redact::command_line(&plugin.command),
        arguments,
    )
}

/// `\tools`: one line per tool: name, read-only or not, where it comes
/// from, what it does.
pub fn list(session: &Session, kit: &Kit) -> String {
    let mut lines = Vec::new();
    for spec in Builtins.specs(session) {
        lines.push((
            spec.name,
            "read-only",
            "built-in".to_string(),
            spec.description,
        ));
    }
    for plugin in kit.all() {
        let access = if plugin.read_only {
            "read-only"
        } else {
            "asks first"
        };
        let mut from = kit.origin(plugin);
        let word = format!("\\{}", plugin.name);
        if crate::command::is_command(&word) {
            from.push_str(&format!("; only by \\tool: {word} is a meta-command"));
        } else if crate::command::is_psql_command(&plugin.name) {
            from.push_str(&format!(
                "; only by \\tool: {word} is a psql command, kept for it"
            ));
        } else {
            from.push_str(&format!("; also {word} ARGS"));
        }
        lines.push((
            plugin.name.clone(),
            access,
            from,
            plugin.description.clone(),
        ));
    }
    let width = lines.iter().map(|line| line.0.len()).max().unwrap_or(0);
    let mut text = String::new();
    for (name, access, from, description) in lines {
        let description = description.lines().next().unwrap_or_default().to_string();
        text.push_str(&escape::visible(&format!(
            "{name:width$}  {access:10}  {description} ({from})\n"
        )));
    }
    text
}

/// `\tool NAME [JSON]`: runs one tool as the model would, and prints its
/// result or its error.
pub fn call(session: &mut Session, kit: &mut Kit, name: &str, arguments: &str, terminal: bool) {
    let arguments = if arguments.is_empty() {
        Json::Object(Default::default())
    } else {
        match serde_json::from_str::<Json>(arguments) {
            Ok(value @ Json::Object(_)) => value,
            _ => {
                return eprint!(
                    "{}",
                    report::error_line(
                        "\\tool: the arguments are not a JSON object",
                        Some(
                            "write them as JSON, e.g. \\tool describe_table {\"table\": \"orders\"}"
                        ),
                    )
                );
            }
        }
    };
    run(session, kit, name, arguments, terminal);
}

/// `\NAME ARGS` naming one of the person's tools in `kit`, when `\NAME`
/// is no meta-command (those win) nor one of psql's (kept for them): the
/// tool's name and the arguments' text.
pub fn shortcut_of<'a>(kit: &Kit, line: &'a str) -> Option<(&'a str, &'a str)> {
    let (word, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
    let name = word.strip_prefix('\\')?;
    (kit.find(name).is_some()
        && !crate::command::is_command(word)
        && !crate::command::is_psql_command(name))
    .then_some((name, rest))
}

/// `\NAME ARGS`: runs the person's tool `name` by hand (a plugin or an MCP
/// server's tool whose name is no meta-command), its arguments read by
/// [`shortcut_arguments`].
pub fn shortcut(session: &mut Session, kit: &mut Kit, name: &str, rest: &str, terminal: bool) {
    let Some(tool) = kit.find(name) else {
        return;
    };
    match shortcut_arguments(&tool.parameters, rest) {
        Ok(arguments) => run(session, kit, name, arguments, terminal),
        Err(problem) => eprint!(
            "{}",
            report::error_line(
                &escape::visible(&format!("\\{name}: {problem}")),
                Some(&escape::visible(&format!(
                    "write key=value words, JSON ({{\"key\": \"value\"}}), or \\tool {name} {{…}}"
                ))),
            )
        ),
    }
}

/// The arguments of `\NAME ARGS` for a tool whose JSON Schema is
/// `parameters`: a JSON object as it is; `key=value` words (quoted as in a
/// shell), each value read as the property's type says (a number, a
/// boolean, else text); or one bare word, given to the only required
/// parameter when there is exactly one. Pure.
pub fn shortcut_arguments(parameters: &Json, rest: &str) -> Result<Json, String> {
    let rest = rest.trim();
    if rest.starts_with('{') {
        return match serde_json::from_str::<Json>(rest) {
            Ok(value @ Json::Object(_)) => Ok(value),
            _ => Err("the arguments are not a JSON object".into()),
        };
    }
    let words = shlex::split(rest).ok_or("an argument has an unclosed quote")?;
    let required: Vec<&str> = parameters["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let typed = |key: &str, value: &str| -> Json {
        let kind = parameters["properties"][key]["type"].as_str();
        let read = match kind {
            Some("integer") => value.parse::<i64>().ok().map(Json::from),
            Some("number") => value.parse::<f64>().ok().map(Json::from),
            Some("boolean") => value.parse::<bool>().ok().map(Json::from),
            _ => None,
        };
        read.unwrap_or_else(|| Json::String(value.to_string()))
    };
    let mut arguments = serde_json::Map::new();
    match words.as_slice() {
        [word] if !word.contains('=') => match required.as_slice() {
            [only] => {
                arguments.insert(only.to_string(), typed(only, word));
            }
            _ => {
                return Err(format!(
                    "`{word}` is not key=value, and the tool has {} required parameters, not one",
                    required.len()
                ));
            }
        },
        words => {
            for word in words {
                let Some((key, value)) = word.split_once('=') else {
                    return Err(format!("`{word}` is not key=value"));
                };
                arguments.insert(key.to_string(), typed(key, value));
            }
        }
    }
    Ok(Json::Object(arguments))
}

/// Runs `name` with `arguments` as the model would, and prints its result
/// or its error.
fn run(session: &mut Session, kit: &mut Kit, name: &str, arguments: Json, terminal: bool) {
    let mut permit = permit(terminal);
    let mut tools = Tools {
        kit,
        permit: &mut permit,
    };
    let call = ToolCall {
        id: "typed".into(),
        name: name.to_string(),
        arguments,
        signature: None,
    };
    let Ok(answer) = tools.call(session, &call) else {
        return eprintln!("cancelled");
    };
    let answer: Json = serde_json::from_str(&answer).unwrap_or(Json::String(answer));
    match answer.get("error") {
        Some(error) => eprint!(
            "{}",
            report::error_line(&escape::visible(error.as_str().unwrap_or_default()), None)
        ),
        None => {
            let result = answer.get("result").unwrap_or(&answer);
            let text = match result {
                Json::String(text) => text.clone(),
                other => serde_json::to_string_pretty(other).unwrap_or_default(),
            };
            println!("{}", escape::visible(&text));
            if answer.get("truncated").is_some() {
                eprintln!("(the output was cut to its first bytes)");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_question_names_the_rows_that_go_along() {
        let mut plugin = Plugin {
            name: "wr".into(),
            command: vec!["/bin/wr".into(), "--password".into(), "pw".into()],
            description: String::new(),
            parameters: json!({"type": "object"}),
            read_only: false,
            timeout: std::time::Duration::from_secs(1),
            last_result: false,
        };
        let arguments = json!({"n": 1});
        assert_eq!(
            question(&plugin, &arguments),
            "tool wr is not read-only; it would run /bin/wr --password <redacted> with {\"n\":1}"
        );
        plugin.last_result = true;
        assert!(
            question(&plugin, &arguments)
                .ends_with("; your last result's rows go along (last_result = true)")
        );
    }

    #[test]
    fn shortcut_arguments_read_words_json_or_the_only_required_parameter() {
        let schema = json!({
            "type": "object",
            "properties": {"metric": {"type": "string"}, "n": {"type": "integer"}, "on": {"type": "boolean"}},
            "required": ["metric"]
        });
        assert_eq!(
            shortcut_arguments(&schema, "items").unwrap(),
            json!({"metric": "items"})
        );
        assert_eq!(
            shortcut_arguments(&schema, "metric='two words' n=5 on=true").unwrap(),
            json!({"metric": "two words", "n": 5, "on": true})
        );
        assert_eq!(
            shortcut_arguments(&schema, "n=five").unwrap(),
            json!({"n": "five"})
        );
        assert_eq!(
            shortcut_arguments(&schema, r#"{"metric": "x"}"#).unwrap(),
            json!({"metric": "x"})
        );
        assert_eq!(shortcut_arguments(&schema, "").unwrap(), json!({}));
        assert!(
            shortcut_arguments(&schema, "a b")
                .unwrap_err()
                .contains("`a` is not key=value")
        );
        assert!(
            shortcut_arguments(&json!({}), "bare")
                .unwrap_err()
                .contains("0 required")
        );
        assert!(shortcut_arguments(&schema, "metric='open").is_err());
        assert!(shortcut_arguments(&schema, "{not json").is_err());
    }
}
