//! `glance docs --coverage`: how much of the schema has comments — per
//! schema, the share of tables (views included) and of their columns with
//! a comment. Pure: computed from the catalog.

use serde_json::{Value, json};

use super::{Form, markdown};
use crate::catalog::Catalog;
use crate::db::{Column, Value as Cell};
use crate::render::Description;

/// The counts of one schema, or of all of them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub schema: String,
    pub tables: u64,
    pub tables_commented: u64,
    pub columns: u64,
    pub columns_commented: u64,
}

/// Counts per schema (sorted by name, schemas without relations left
/// out), then the total.
pub fn count(catalog: &Catalog) -> (Vec<Counts>, Counts) {
    let mut per: std::collections::BTreeMap<&str, Counts> = Default::default();
    let mut total = Counts::default();
    for r in &catalog.relations {
        let counts = per.entry(&r.schema).or_insert_with(|| Counts {
            schema: r.schema.clone(),
            ..Counts::default()
        });
        let commented = |c: &Option<String>| c.as_deref().is_some_and(|c| !c.trim().is_empty());
        for counts in [&mut *counts, &mut total] {
            counts.tables += 1;
            counts.tables_commented += u64::from(commented(&r.comment));
            counts.columns += r.columns.len() as u64;
            counts.columns_commented +=
                r.columns.iter().filter(|c| commented(&c.comment)).count() as u64;
        }
    }
    (per.into_values().collect(), total)
}

/// `part` of `whole` in percent, to one decimal; 0 of nothing is 0.
fn percent(part: u64, whole: u64) -> f64 {
    match whole {
        0 => 0.0,
        _ => (part as f64 * 1000.0 / whole as f64).round() / 10.0,
    }
}

/// The table `--coverage` prints; the last row, `(all)`, is the total.
pub fn describe(catalog: &Catalog) -> Description {
    let (schemas, total) = count(catalog);
    let names = [
        "Schema",
        "Tables",
        "Commented",
        "%",
        "Columns",
        "Commented",
        "%",
    ];
    let row = |c: &Counts, name: &str| {
        vec![
            Cell::Text(name.to_string()),
            Cell::Int(c.tables as i64),
            Cell::Int(c.tables_commented as i64),
            Cell::Numeric(format!("{:.1}", percent(c.tables_commented, c.tables))),
            Cell::Int(c.columns as i64),
            Cell::Int(c.columns_commented as i64),
            Cell::Numeric(format!("{:.1}", percent(c.columns_commented, c.columns))),
        ]
    };
    let mut rows: Vec<_> = schemas.iter().map(|c| row(c, &c.schema)).collect();
    rows.push(row(&total, "(all)"));
    Description {
        title: Some("Comment coverage".into()),
        columns: names
            .iter()
            .enumerate()
            .map(|(at, n)| Column {
                name: n.to_string(),
                type_name: if at == 0 { "text" } else { "numeric" }.into(),
            })
            .collect(),
        rows,
        sections: Vec::new(),
    }
}

/// The JSON form: `{"schemas": [counts…], "total": counts}`, each with
/// `tables`, `tables_commented`, `tables_percent`, `columns`,
/// `columns_commented`, `columns_percent` in that order (a schema's
/// counts start with its `schema`).
pub fn json(catalog: &Catalog) -> Value {
    let (schemas, total) = count(catalog);
    let one = |c: &Counts, schema: Option<&str>| {
        let mut object = serde_json::Map::new();
        if let Some(schema) = schema {
            object.insert("schema".into(), json!(schema));
        }
        for (key, value) in [
            ("tables", json!(c.tables)),
            ("tables_commented", json!(c.tables_commented)),
            (
                "tables_percent",
                json!(percent(c.tables_commented, c.tables)),
            ),
            ("columns", json!(c.columns)),
            ("columns_commented", json!(c.columns_commented)),
            (
                "columns_percent",
                json!(percent(c.columns_commented, c.columns)),
            ),
        ] {
            object.insert(key.into(), value);
        }
        Value::Object(object)
    };
    json!({
        "schemas": schemas.iter().map(|c| one(c, Some(&c.schema))).collect::<Vec<_>>(),
        "total": one(&total, None),
    })
}

/// The coverage as a file of `form`: `coverage.md` (the table) or
/// `coverage.json` (the JSON form), as (file name, text).
pub fn file(catalog: &Catalog, form: Form) -> (String, String) {
    match form {
        Form::Markdown => ("coverage.md".into(), markdown::coverage(&describe(catalog))),
        Form::Json => (
            "coverage.json".into(),
            format!("{}\n", crate::render::json_pretty(&json(catalog))),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ColumnInfo, Relation, RelationKind};

    #[test]
    fn counts_tables_and_columns_with_comments() {
        let column = |comment: Option<&str>| ColumnInfo {
            comment: comment.map(Into::into),
            ..Default::default()
        };
        let mut a = Relation::new("s", "a", RelationKind::Table);
        a.comment = Some("yes".into());
        a.columns = vec![column(Some("c")), column(None), column(Some(" "))];
        let b = Relation::new("s", "b", RelationKind::View);
        let mut c = Relation::new("t", "c", RelationKind::Table);
        c.columns = vec![column(Some("c"))];
        let catalog = Catalog {
            relations: vec![a, b, c],
            ..Default::default()
        };
        let value = json(&catalog);
        assert_eq!(value["schemas"][0]["tables_percent"], 50.0);
        assert_eq!(value["schemas"][0]["columns_percent"], 33.3);
        assert_eq!(value["total"]["columns_commented"], 2);
        assert_eq!(value["total"]["columns_percent"], 50.0);
        let d = describe(&catalog);
        assert_eq!(d.rows.len(), 3);
        assert_eq!(d.rows[2][0], Cell::Text("(all)".into()));
        assert_eq!(d.rows[0][3], Cell::Numeric("50.0".into()));
        let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(keys(&value["schemas"][0])[1..], keys(&value["total"])[..]);
        let (name, text) = file(&catalog, Form::Markdown);
        assert_eq!(name, "coverage.md");
        assert!(
            text.contains("| Schema | Tables | Commented | % |"),
            "{text}"
        );
        assert!(text.contains("| --- | --: | --: | --: |"), "{text}");
        assert!(
            text.contains("| s | 2 | 1 | 50.0 | 3 | 1 | 33.3 |"),
            "{text}"
        );
    }
}
