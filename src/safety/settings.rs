//! Settings the gate itself depends on: the role whose privileges a session
//! has (`role`, `session_authorization`) and how the server reads the text
//! of a statement (`standard_conforming_strings`, `client_encoding`). With
//! `standard_conforming_strings` off the server reads `'x\'` as an unfinished
//! string where the classifier sees a finished one, so the two would judge
//! different statements. Changing any of them is destructive, however it is
//! spelled: `SET [SESSION | LOCAL]`, `SET NAMES`, `RESET`, `RESET ALL`,
//! `ALTER ROLE … SET`, `ALTER DATABASE … SET` or a `set_config` call.
//!
//! Invariant: a setting name this module cannot read (a computed
//! `set_config` argument) counts as one of these.

use sqlparser::ast::{
    AlterRoleOperation, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments,
    ObjectName, Reset, ResetConfig, Set,
};
use sqlparser::tokenizer::Token;

use super::functions::Judged;
use super::{Level, last_part};

/// What changing the string-reading settings risks.
const READING: &str = "changes how the server reads strings, so glance and the server would read \
                       later statements differently";

/// What changing `setting` does to the gate, when it matters.
pub(super) fn gate_setting(setting: &str) -> Option<&'static str> {
    match setting.to_ascii_lowercase().as_str() {
        "role" | "session_authorization" => Some("switches to another role's privileges"),
        "standard_conforming_strings" | "client_encoding" => Some(READING),
        _ => None,
    }
}

/// The reason a change of the setting `name` is destructive, if it is.
fn named(verb: &str, name: &ObjectName) -> Option<String> {
    let setting = last_part(name);
    gate_setting(&setting).map(|what| format!("{verb} {setting} {what}"))
}

/// Judges a `SET` statement.
pub(super) fn judge_set(set: &Set) -> Judged {
    let reason = match set {
        Set::SetRole { .. } | Set::SetSessionAuthorization(_) => {
            Some("SET ROLE/SESSION AUTHORIZATION switches to another role's privileges".to_string())
        }
        Set::SetNames { .. } | Set::SetNamesDefault {} => Some(format!("SET NAMES {READING}")),
        Set::SingleAssignment { variable, .. } => named("SET", variable),
        Set::ParenthesizedAssignments { variables, .. } => {
            variables.iter().find_map(|v| named("SET", v))
        }
        Set::MultipleAssignments { assignments } => {
            assignments.iter().find_map(|a| named("SET", &a.name))
        }
        Set::SetSessionParam(_) | Set::SetTimeZone { .. } | Set::SetTransaction { .. } => None,
    };
    match reason {
        Some(reason) => (Level::Destructive, Some(reason)),
        None => (
            Level::Write,
            Some("SET changes a session setting".to_string()),
        ),
    }
}

/// Judges a `RESET` statement: `RESET ALL` resets the string-reading
/// settings to whatever the session started with.
pub(super) fn judge_reset(reset: &Reset) -> Judged {
    let reason = match reset {
        Reset::SessionAuthorization => {
            Some("RESET SESSION AUTHORIZATION leaves the role the session was given".to_string())
        }
        Reset::ConfigurationParameter(name) => named("RESET", name),
        Reset::ALL => Some(format!(
            "RESET ALL restores the session's standard_conforming_strings, which {READING}"
        )),
    };
    match reason {
        Some(reason) => (Level::Destructive, Some(reason)),
        None => (
            Level::Write,
            Some("RESET changes a session setting".to_string()),
        ),
    }
}

/// The extra reason an `ALTER ROLE` (destructive anyway) touches a setting
/// the gate depends on.
pub(super) fn alter_role_reason(operation: &AlterRoleOperation) -> Option<String> {
    match operation {
        AlterRoleOperation::Set { config_name, .. } => named("ALTER ROLE … SET", config_name),
        AlterRoleOperation::Reset {
            config_name: ResetConfig::ConfigName(name),
            ..
        } => named("ALTER ROLE … RESET", name),
        AlterRoleOperation::Reset {
            config_name: ResetConfig::ALL,
            ..
        } => Some(format!(
            "ALTER ROLE … RESET ALL restores standard_conforming_strings, which {READING}"
        )),
        _ => None,
    }
}

/// The arguments of a call in an expression; none for shapes that are not
/// a plain list.
pub(super) fn call_arguments(call: &Function) -> &[FunctionArg] {
    match &call.args {
        FunctionArguments::List(list) => &list.args,
        FunctionArguments::None | FunctionArguments::Subquery(_) => &[],
    }
}

/// Judges a call of `set_config(setting, value, is_local)`, in an expression
/// or in FROM, by its setting name; `None` for any other function.
pub(super) fn judge_set_config(name: &ObjectName, args: &[FunctionArg]) -> Option<Judged> {
    if !last_part(name).eq_ignore_ascii_case("set_config") {
        return None;
    }
    let reason = match setting_argument(args) {
        Some(setting) => {
            gate_setting(&setting).map(|what| format!("set_config of {setting} {what}"))
        }
        None => Some(
            "set_config with a computed setting name may switch the role or how strings are read"
                .to_string(),
        ),
    };
    reason.map(|reason| (Level::Destructive, Some(reason)))
}

/// The literal setting name a `set_config` call is given, if it is one.
fn setting_argument(args: &[FunctionArg]) -> Option<String> {
    let arg = args.iter().find_map(|arg| match arg {
        FunctionArg::Named { name, arg, .. } if name.value.eq_ignore_ascii_case("setting_name") => {
            Some(arg)
        }
        FunctionArg::Unnamed(arg) => Some(arg),
        _ => None,
    })?;
    let FunctionArgExpr::Expr(expr) = arg else {
        return None;
    };
    literal_text(expr)
}

fn literal_text(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Value(v) => v.value.clone().into_string(),
        Expr::Nested(inner) => literal_text(inner),
        Expr::Cast { expr, .. } => literal_text(expr),
        _ => None,
    }
}

/// For a statement the parser rejected: why it is destructive when it is a
/// `SET`, `RESET` or `ALTER` that names a string-reading setting (the word
/// `role` is too common in such statements to tell a setting by).
pub(super) fn named_in_tokens(tokens: &[Token]) -> Option<String> {
    let head = match tokens.first()? {
        Token::Word(w) if w.quote_style.is_none() => w.value.to_ascii_uppercase(),
        _ => return None,
    };
    if !matches!(head.as_str(), "SET" | "RESET" | "ALTER") {
        return None;
    }
    tokens.iter().find_map(|t| {
        let text = match t {
            Token::Word(w) => &w.value,
            Token::SingleQuotedString(s) => s,
            _ => return None,
        };
        (gate_setting(text) == Some(READING)).then(|| format!("{head} of {text} {READING}"))
    })
}
