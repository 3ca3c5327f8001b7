//! A design as the front ends show it: each new relation `\d+`-style, a
//! Mermaid `erDiagram`, and the JSON document of `--format json`. Pure.
//!
//! JSON shape (fields are added, never renamed): `{"request", "ddl",
//! "tables": [{"name", "columns": [{"name", "type", "nullable",
//! "default", "comment"}], "primary_key": [column…] | null,
//! "foreign_keys": [{"name", "columns", "references": {"table",
//! "columns"}, "on_delete", "on_update"}], "indexes": [{"name",
//! "definition", "unique"}], "checks": [{"name", "definition"}],
//! "comment"}], "diagram", "validated", "error", "findings": [{"line",
//! "rule", "level", "message", "fix"}]}`. `tables` is empty and `diagram`
//! null when the design did not validate; `error` then says why.

use serde_json::{Value, json};

use super::{Design, Proposed};
use crate::catalog::Relation;
use crate::describe::{self, Details};
use crate::docs::mermaid;
use crate::ident::quote_ident_always;
use crate::render::Description;

/// Each new relation as `\d+` describes it, with its CHECK constraints.
pub fn descriptions(proposed: &Proposed) -> Vec<Description> {
    proposed
        .catalog
        .relations
        .iter()
        .filter_map(|r| {
            let details = Details {
                checks: proposed
                    .checks
                    .get(&r.name)
                    .into_iter()
                    .flatten()
                    .map(|c| match c.name.is_empty() {
                        true => c.definition.clone(),
                        false => format!("\"{}\" {}", c.name, c.definition),
                    })
                    .collect(),
                ..Details::default()
            };
            let name = format!(
                "{}.{}",
                quote_ident_always(&r.schema),
                quote_ident_always(&r.name)
            );
            describe::relation_with(&proposed.catalog, &name, true, &details)
        })
        .collect()
}

/// The Mermaid diagram of the new relations and the foreign keys between
/// them.
pub fn diagram(proposed: &Proposed) -> String {
    mermaid::diagram(&proposed.catalog, None, mermaid::Detail::Columns)
}

/// The JSON document of `design` (see the module's doc).
pub fn json(design: &Design) -> Value {
    let (tables, diagram, error) = match &design.validated {
        Ok(proposed) => (
            proposed
                .catalog
                .relations
                .iter()
                .map(|r| table(proposed, r))
                .collect(),
            Value::from(diagram(proposed)),
            Value::Null,
        ),
        Err(invalid) => (Vec::new(), Value::Null, Value::from(invalid.to_string())),
    };
    let findings: Vec<Value> = design
        .findings
        .iter()
        .flat_map(|linted| {
            linted.findings.iter().map(|f| {
                json!({
                    "line": linted.line,
                    "rule": f.rule,
                    "level": f.level.as_str(),
                    "message": f.message,
                    "fix": f.fix,
                })
            })
        })
        .collect();
    json!({
        "request": design.request,
        "ddl": design.ddl,
        "tables": tables,
        "diagram": diagram,
        "validated": design.validated.is_ok(),
        "error": error,
        "findings": findings,
    })
}

/// One relation of the `tables` array.
fn table(proposed: &Proposed, r: &Relation) -> Value {
    let columns: Vec<Value> = r
        .columns
        .iter()
        .map(|c| {
            json!({
                "name": c.name,
                "type": c.type_name,
                "nullable": c.nullable,
                "default": c.default,
                "comment": c.comment,
            })
        })
        .collect();
    let foreign_keys: Vec<Value> = r
        .foreign_keys
        .iter()
        .map(|fk| {
            // SQLite keeps no name for a foreign key declared without one.
            json!({
                "name": (!fk.name.is_empty()).then_some(&fk.name),
                "columns": fk.columns,
                "references": {"table": fk.ref_table, "columns": fk.ref_columns},
                "on_delete": fk.on_delete,
                "on_update": fk.on_update,
            })
        })
        .collect();
    let indexes: Vec<Value> = r
        .indexes
        .iter()
        .filter(|i| !i.primary)
        .map(|i| json!({"name": i.name, "definition": i.definition, "unique": i.unique}))
        .collect();
    let checks: Vec<Value> = proposed
        .checks
        .get(&r.name)
        .into_iter()
        .flatten()
        .map(|c| json!({"name": c.name, "definition": c.definition}))
        .collect();
    json!({
        "name": r.name,
        "columns": columns,
        "primary_key": r.primary_key.as_ref().map(|k| &k.columns),
        "foreign_keys": foreign_keys,
        "indexes": indexes,
        "checks": checks,
        "comment": r.comment,
    })
}
