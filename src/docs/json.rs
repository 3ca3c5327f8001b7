//! `schema.json`: the documentation model as one JSON document. Keys keep
//! the order written here, arrays the model's (sorted) order; fields may be
//! added, never renamed. Pure.

use serde_json::{Value, json};

use super::model::Model;
use crate::catalog::{ColumnInfo, ForeignKey, Key};

/// The name of the file.
pub const FILE: &str = "schema.json";

/// A column as the document has it (`glance design`'s JSON too).
pub fn column(c: &ColumnInfo) -> Value {
    json!({
        "name": c.name,
        "type": c.type_name,
        "nullable": c.nullable,
        "default": c.default,
        "comment": c.comment,
    })
}

/// A constraint's name; `null` for one declared without a name (SQLite).
fn name(name: &str) -> Option<&str> {
    (!name.is_empty()).then_some(name)
}

/// A primary or unique key as the document has it.
pub fn key(k: &Key) -> Value {
    json!({"name": name(&k.name), "columns": k.columns})
}

/// A foreign key as the document has it.
pub fn foreign_key(fk: &ForeignKey) -> Value {
    json!({
        "name": name(&fk.name),
        "columns": fk.columns,
        "references": {
            "schema": fk.ref_schema,
            "table": fk.ref_table,
            "columns": fk.ref_columns,
        },
        "on_delete": fk.on_delete,
        "on_update": fk.on_update,
    })
}

/// The document, pretty-printed, ending in a newline.
pub fn document(model: &Model) -> String {
    let relations: Vec<Value> = model
        .catalog
        .relations
        .iter()
        .map(|r| {
            let extras = model.extras(&r.schema, &r.name);
            json!({
                "schema": r.schema,
                "name": r.name,
                "kind": r.kind.label(),
                "comment": r.comment,
                "row_estimate": r.row_estimate,
                "columns": r.columns.iter().map(column).collect::<Vec<_>>(),
                "primary_key": r.primary_key.as_ref().map(key),
                "unique_keys": r.unique_keys.iter().map(key).collect::<Vec<_>>(),
                "indexes": r.indexes.iter().map(|i| json!({
                    "name": i.name,
                    "definition": i.definition,
                    "unique": i.unique,
                    "primary": i.primary,
                })).collect::<Vec<_>>(),
                "foreign_keys": r.foreign_keys.iter().map(foreign_key).collect::<Vec<_>>(),
                "checks": extras.checks.iter().map(|c| json!({
                    "name": c.name,
                    "definition": c.definition,
                })).collect::<Vec<_>>(),
                "triggers": extras.triggers.iter().map(|t| json!({
                    "name": t.name,
                    "timing": t.timing,
                    "event": t.event,
                    "level": t.level,
                    "runs": t.runs,
                })).collect::<Vec<_>>(),
                "definition": r.definition,
                "partition_key": extras.partition_key,
                "partitions": extras.partitions.iter().map(|p| json!({
                    "schema": p.schema,
                    "name": p.name,
                    "bound": p.bound,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let document = json!({
        "database": model.database,
        "schemas": model.catalog.schemas.iter().map(|s| json!({
            "name": s.name,
            "comment": s.comment,
        })).collect::<Vec<_>>(),
        "relations": relations,
    });
    let mut text = serde_json::to_string_pretty(&document).expect("a JSON value serialises");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Relation, RelationKind};

    #[test]
    fn keys_keep_their_order() {
        let mut model = Model {
            database: "shop".into(),
            ..Model::default()
        };
        model
            .catalog
            .relations
            .push(Relation::new("public", "t", RelationKind::View));
        let text = document(&model);
        let value: Value = serde_json::from_str(&text).unwrap();
        let keys: Vec<&String> = value["relations"][0].as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "schema",
                "name",
                "kind",
                "comment",
                "row_estimate",
                "columns",
                "primary_key",
                "unique_keys",
                "indexes",
                "foreign_keys",
                "checks",
                "triggers",
                "definition",
                "partition_key",
                "partitions"
            ]
        );
        assert_eq!(value["relations"][0]["kind"], "view");
        assert!(text.ends_with("}\n"));
    }
}
