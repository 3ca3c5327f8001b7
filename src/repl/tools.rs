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
    let schema = kit
        .find(name)
        .map(|tool| tool.parameters.clone())
        .or_else(|| {
            Builtins
                .specs(session)
                .into_iter()
                .find(|spec| spec.name == name)
                .map(|spec| spec.parameters)
        });
    if let Some(schema) = schema
        && let Err(problem) = check_arguments(&schema, &arguments)
    {
        return eprint!(
            "{}",
            report::error_line(
                &escape::visible(&format!("\\tool {name}: {problem}")),
                Some(&escape::visible(&parameters_hint(&schema))),
            )
        );
    }
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
                    "{}; write key=value words, JSON ({{\"key\": \"value\"}}), or \\tool {name} {{…}}",
                    parameters_hint(&tool.parameters)
                ))),
            )
        ),
    }
}

/// The arguments of `\NAME ARGS` for a tool whose JSON Schema is
/// `parameters`: a JSON object as it is; `key=value` words (quoted as in a
/// shell), each value read as the property's type says (an integer, a
/// number, `true`/`false`, else text), each name once; or one bare word,
/// given to the only required parameter when there is exactly one. Either
/// way checked by [`check_arguments`]. Pure.
pub fn shortcut_arguments(parameters: &Json, rest: &str) -> Result<Json, String> {
    let rest = rest.trim();
    if rest.starts_with('{') {
        let arguments = match serde_json::from_str::<Json>(rest) {
            Ok(value @ Json::Object(_)) => value,
            _ => return Err("the arguments are not a JSON object".into()),
        };
        check_arguments(parameters, &arguments)?;
        return Ok(arguments);
    }
    let words = shlex::split(rest).ok_or("an argument has an unclosed quote")?;
    let required = required_names(parameters);
    let mut arguments = serde_json::Map::new();
    match words.as_slice() {
        [word] if !word.contains('=') => match required.as_slice() {
            [only] => {
                arguments.insert(only.to_string(), typed(parameters, only, word)?);
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
                if arguments.contains_key(key) {
                    return Err(format!("`{key}` is given twice; give it once"));
                }
                arguments.insert(key.to_string(), typed(parameters, key, value)?);
            }
        }
    }
    let arguments = Json::Object(arguments);
    check_arguments(parameters, &arguments)?;
    Ok(arguments)
}

/// A `key=value` word's value as the type of `key` in `parameters` says:
/// an error when it is not one (`n=abc` for an integer). Pure.
fn typed(parameters: &Json, key: &str, value: &str) -> Result<Json, String> {
    let read = match parameters["properties"][key]["type"].as_str() {
        Some(kind @ "integer") => value.parse::<i64>().ok().map(Json::from).ok_or(kind),
        Some(kind @ "number") => value.parse::<f64>().ok().map(Json::from).ok_or(kind),
        Some("boolean") => value.parse::<bool>().map(Json::from).map_err(|_| "boolean"),
        _ => Ok(Json::String(value.to_string())),
    };
    read.map_err(|kind| match kind {
        "boolean" => format!("`{key}` is true or false, not `{value}`"),
        kind => format!("`{key}` is {} {kind}, not `{value}`", article(kind)),
    })
}

fn article(kind: &str) -> &'static str {
    if kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn required_names(parameters: &Json) -> Vec<&str> {
    parameters["required"]
        .as_array()
        .map(|names| names.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default()
}

/// Checks `arguments` against the tool's JSON Schema `parameters`, as far
/// as a person typing them needs: every required parameter given, no name
/// the schema does not list (unless `additionalProperties` allows it), and
/// each value of its property's `type`. The rest of JSON Schema is the
/// tool's to check; a crate for all of it would be far more than this
/// needs. Pure.
pub fn check_arguments(parameters: &Json, arguments: &Json) -> Result<(), String> {
    let Some(given) = arguments.as_object() else {
        return Err("the arguments are not a JSON object".into());
    };
    let properties = parameters["properties"].as_object();
    let closed = !matches!(
        parameters.get("additionalProperties"),
        Some(Json::Bool(true) | Json::Object(_))
    );
    if let Some(properties) = properties
        && closed
        && let Some(unknown) = given.keys().find(|key| !properties.contains_key(*key))
    {
        return Err(format!("unknown parameter `{unknown}`"));
    }
    if let Some(missing) = required_names(parameters)
        .into_iter()
        .find(|name| !given.contains_key(*name))
    {
        return Err(format!("the required parameter `{missing}` is missing"));
    }
    for (key, value) in given {
        let Some(declared) = properties.and_then(|p| p.get(key)).map(|p| &p["type"]) else {
            continue;
        };
        let kinds: Vec<&str> = match declared {
            Json::String(kind) => vec![kind.as_str()],
            Json::Array(kinds) => kinds.iter().filter_map(Json::as_str).collect(),
            _ => continue,
        };
        if !kinds.is_empty() && !kinds.iter().any(|kind| is_of_type(value, kind)) {
            return Err(format!(
                "`{key}` is {} {}, not {value}",
                article(kinds[0]),
                kinds.join(" or ")
            ));
        }
    }
    Ok(())
}

fn is_of_type(value: &Json, kind: &str) -> bool {
    match kind {
        "string" => value.is_string(),
        "integer" => value.is_i64() || value.is_u64(),
        "number" => value.is_number(),
        "boolean" => value.is_boolean(),
        "array" => value.is_array(),
        "object" => value.is_object(),
        "null" => value.is_null(),
        _ => true,
    }
}

/// The parameters a tool takes, for a hint: `takes metric (string,
/// required), n (integer)`, or that it takes none.
fn parameters_hint(parameters: &Json) -> String {
    let required = required_names(parameters);
    let Some(properties) = parameters["properties"]
        .as_object()
        .filter(|p| !p.is_empty())
    else {
        return "the tool declares no parameters".into();
    };
    let listed: Vec<String> = properties
        .iter()
        .map(|(name, property)| {
            let kind = property["type"].as_str().unwrap_or("any");
            let required = if required.contains(&name.as_str()) {
                ", required"
            } else {
                ""
            };
            format!("{name} ({kind}{required})")
        })
        .collect();
    format!("it takes {}", listed.join(", "))
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
        for (given, read) in [
            ("items", json!({"metric": "items"})),
            (
                "metric='two words' n=5 on=true",
                json!({"metric": "two words", "n": 5, "on": true}),
            ),
            (r#"{"metric": "x"}"#, json!({"metric": "x"})),
            ("metric=5", json!({"metric": "5"})),
        ] {
            assert_eq!(shortcut_arguments(&schema, given).unwrap(), read, "{given}");
        }
        assert_eq!(
            shortcut_arguments(&json!({"type": "object"}), "").unwrap(),
            json!({})
        );
    }

    #[test]
    fn shortcut_arguments_that_do_not_fit_the_schema_are_refused() {
        let schema = json!({
            "type": "object",
            "properties": {
                "metric": {"type": "string"},
                "n": {"type": "integer"},
                "x": {"type": "number"},
                "on": {"type": "boolean"}
            },
            "required": ["metric"]
        });
        for (given, problem) in [
            ("", "the required parameter `metric` is missing"),
            ("n=5", "the required parameter `metric` is missing"),
            ("metric=a zz=1", "unknown parameter `zz`"),
            ("metric=a n=abc", "`n` is an integer, not `abc`"),
            ("metric=a n=1.5", "`n` is an integer, not `1.5`"),
            ("metric=a x=big", "`x` is a number, not `big`"),
            ("metric=a on=yes", "`on` is true or false, not `yes`"),
            ("metric=a metric=b", "`metric` is given twice; give it once"),
            (r#"{"metric": 5}"#, "`metric` is a string, not 5"),
            (
                r#"{"metric": "a", "n": "5"}"#,
                "`n` is an integer, not \"5\"",
            ),
            ("a b", "`a` is not key=value"),
            ("metric='open", "an argument has an unclosed quote"),
            ("{not json", "the arguments are not a JSON object"),
        ] {
            assert_eq!(
                shortcut_arguments(&schema, given).unwrap_err(),
                problem,
                "{given}"
            );
        }
        assert!(
            shortcut_arguments(&json!({}), "bare")
                .unwrap_err()
                .contains("0 required")
        );
    }

    #[test]
    fn checks_follow_the_schema_and_leave_open_ones_open() {
        let open = json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": true});
        assert_eq!(check_arguments(&open, &json!({"a": "x", "b": 1})), Ok(()));
        let untyped = json!({"type": "object"});
        assert_eq!(check_arguments(&untyped, &json!({"any": 1})), Ok(()));
        let either = json!({"properties": {"v": {"type": ["integer", "null"]}}});
        assert_eq!(check_arguments(&either, &json!({"v": null})), Ok(()));
        assert_eq!(
            check_arguments(&either, &json!({"v": "x"})).unwrap_err(),
            "`v` is an integer or null, not \"x\""
        );
        assert_eq!(
            parameters_hint(&json!({"properties": {"m": {"type": "string"}}, "required": ["m"]})),
            "it takes m (string, required)"
        );
    }
}
