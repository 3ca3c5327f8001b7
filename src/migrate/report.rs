//! A checked migration as text or as one JSON document; returns strings,
//! never prints.
//!
//! JSON shape: `{"request", "up", "down", "statements": [{"sql", "lock",
//! "rewrites", "scans", "transactional", "findings": [{"rule", "level",
//! "message", "fix"}]}], "validation": {"mode", "up", "down", "restored"},
//! "files": [...], "applied"}`, with `"reason"` when validation failed or
//! was refused. `statements` holds the up step's statements, then the down
//! step's; `lock` is the strongest lock (`pg_locks` names), null when none.

use serde_json::{Value, json};

use super::Plan;
use super::check::Validation;
use crate::escape;
use crate::lint::report::{self, File};

/// What became of a checked migration.
pub struct Outcome<'a> {
    pub plan: &'a Plan,
    pub validation: Option<&'a Validation>,
    /// Files written, as paths.
    pub files: Vec<String>,
    pub applied: bool,
    /// Why it failed, when not (only) validation says.
    pub reason: Option<String>,
}

impl Outcome<'_> {
    /// Why the migration failed, if it did.
    pub fn reason(&self) -> Option<&str> {
        self.reason
            .as_deref()
            .or(self.validation.and_then(|v| v.reason.as_deref()))
    }
}

/// The JSON document (see the module's doc).
pub fn json(outcome: &Outcome) -> String {
    let plan = outcome.plan;
    let statements: Vec<Value> = [&plan.up, &plan.down]
        .into_iter()
        .flat_map(|step| &step.statements)
        .map(|linted| {
            let full = report::statement(linted);
            let mut kept = serde_json::Map::new();
            for key in [
                "sql",
                "lock",
                "rewrites",
                "scans",
                "transactional",
                "findings",
            ] {
                kept.insert(key.into(), full[key].clone());
            }
            Value::Object(kept)
        })
        .collect();
    let validation = outcome.validation.map(|v| {
        json!({
            "mode": v.mode.as_str(),
            "up": v.up.as_str(),
            "down": v.down.as_str(),
            "restored": v.restored,
        })
    });
    let mut document = json!({
        "request": plan.request,
        "up": plan.up.text,
        "down": plan.down.text,
        "statements": statements,
        "validation": validation,
        "files": outcome.files,
        "applied": outcome.applied,
    });
    if let Some(reason) = outcome.reason() {
        document["reason"] = json!(reason);
    }
    format!("{document:#}\n")
}

/// The lint of both steps, as `glance lint` writes it, the files named `up`
/// and `down`.
pub fn lint_text(plan: &Plan) -> String {
    let files = [("up", &plan.up), ("down", &plan.down)].map(|(name, step)| File {
        path: name.into(),
        statements: step.statements.clone(),
    });
    report::text(&files)
}

/// The validation, line by line.
pub fn validation_text(validation: &Validation) -> String {
    let mut out = format!("Validation ({}):\n", validation.mode.as_str());
    for line in &validation.lines {
        out.push_str(&format!("  {}\n", escape::visible(line)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Dialect;
    use crate::migrate::Steps;

    #[test]
    fn json_has_the_documented_shape_and_the_reason() {
        let steps = Steps {
            up: "alter table t add column d int".into(),
            down: "alter table t drop column d".into(),
        };
        let plan = Plan::new(Some("add d".into()), &steps, Dialect::Postgres).unwrap();
        let outcome = Outcome {
            plan: &plan,
            validation: None,
            files: Vec::new(),
            applied: false,
            reason: Some("refused".into()),
        };
        let document: Value = serde_json::from_str(&json(&outcome)).unwrap();
        let keys: Vec<&str> = document
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in [
            "request",
            "up",
            "down",
            "statements",
            "validation",
            "files",
            "applied",
            "reason",
        ] {
            assert!(keys.contains(&key), "{key} in {keys:?}");
        }
        let statement = &document["statements"][0];
        let mut fields: Vec<&str> = statement
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        fields.sort_unstable();
        assert_eq!(
            fields,
            [
                "findings",
                "lock",
                "rewrites",
                "scans",
                "sql",
                "transactional"
            ]
        );
        assert_eq!(statement["lock"], "AccessExclusiveLock");
        assert_eq!(document["statements"].as_array().unwrap().len(), 2);
        assert_eq!(document["reason"], "refused");
    }
}
