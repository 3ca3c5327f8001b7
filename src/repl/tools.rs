//! `\tools` and `\tool NAME [JSON]`, and the question asked before a
//! plugin that is not read-only runs.

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
        println!(
            "tool {} is not read-only; it would run {} with {}",
            escape::visible(&plugin.name),
            escape::visible(&plugin.command.join(" ")),
            escape::visible(&arguments.to_string()),
        );
        match super::input::ask_fresh("Run it? [y/N] ") {
            Some(answer) if crate::confirm::is_yes(&answer) => Ok(()),
            _ => Err(format!(
                "not run: the person declined to run tool {}",
                plugin.name
            )),
        }
    }
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
        let from = kit.origin(plugin);
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
