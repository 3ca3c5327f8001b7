//! Saved queries with parameters: `\ns`, `\n`, `\np`, `\nd`, `\share` and
//! `glance run`. `scan` finds the placeholders, `bind` turns arguments into
//! bound values, `file` is the format of one query's file and `store`
//! where the files live. Nothing here prints or runs SQL: the front ends
//! run the bound statement through the session's gate.

pub mod bind;
pub mod command;
pub mod file;
pub mod scan;
pub mod store;

use std::collections::BTreeMap;

use self::bind::parameters;
use self::scan::Key;
use self::store::Found;
use crate::db::{Column, Dialect, Param, Value};
use crate::render::Description;

/// The saved queries as a result set: name, whose, description (else the
/// question it answered), and the parameters each takes (`status`, `note?`, `limit=10`, `"column"`).
pub fn listing(found: &[Found], dialect: Dialect) -> Description {
    let column = |name: &str| Column {
        name: name.to_string(),
        type_name: "text".to_string(),
    };
    let rows = found
        .iter()
        .map(|f| {
            let params: Vec<String> = parameters(&f.saved.sql, dialect)
                .iter()
                .map(bind::Parameter::summary)
                .collect();
            vec![
                Value::Text(f.name.clone()),
                Value::Text(f.place.word().to_string()),
                f.saved
                    .description
                    .clone()
                    .or_else(|| f.saved.question.clone())
                    .map_or(Value::Null, Value::Text),
                Value::Text(params.join(", ")),
            ]
        })
        .collect();
    Description {
        title: Some("Saved queries (\\n NAME [ARGS] runs one)".to_string()),
        columns: ["Name", "Where", "Description", "Parameters"]
            .into_iter()
            .map(column)
            .collect(),
        rows,
        sections: Vec::new(),
    }
}

/// `\np NAME`: where the query lives, then its file as written.
pub fn printed(found: &Found) -> String {
    format!(
        "-- {} query {}\n{}",
        found.place.word(),
        found.path.display(),
        file::render(&found.saved)
    )
}

/// The values a saved query ran with, for the JSON document: each
/// parameter by name (`$1` for positional ones), NULL as null.
pub fn params_json(values: &BTreeMap<Key, Param>) -> serde_json::Value {
    values
        .iter()
        .map(|(key, value)| (key.label(), serde_json::json!(value)))
        .collect::<serde_json::Map<_, _>>()
        .into()
}

/// The error for required parameters no argument gave.
pub fn missing_message(name: &str, missing: &[Key]) -> String {
    let names: Vec<String> = missing.iter().map(Key::label).collect();
    let many = if names.len() == 1 { "" } else { "s" };
    format!(
        "the saved query `{name}` needs the argument{many} {}",
        names.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::saved::file::Saved;
    use crate::saved::store::Place;

    #[test]
    fn the_listing_shows_each_querys_parameters() {
        let found = Found {
            name: "by_status".into(),
            place: Place::Team,
            path: "by_status.sql".into(),
            saved: Saved {
                description: Some("orders in a status".into()),
                sql: "select * from :\"t\" where s = :s and n = :n? limit :l=5".into(),
                ..Saved::default()
            },
        };
        let listed = listing(&[found], Dialect::Postgres);
        assert_eq!(
            listed.rows[0],
            [
                Value::Text("by_status".into()),
                Value::Text("team".into()),
                Value::Text("orders in a status".into()),
                Value::Text("\"t\", s, n?, l=5".into()),
            ]
        );
    }

    #[test]
    fn json_params_name_each_value() {
        let values = BTreeMap::from([
            (Key::Named("s".into()), Some("x".to_string())),
            (Key::Positional(1), None),
        ]);
        assert_eq!(
            params_json(&values),
            serde_json::json!({"$1": null, "s": "x"})
        );
        assert_eq!(
            missing_message("q", &[Key::Named("a".into())]),
            "the saved query `q` needs the argument a"
        );
    }
}
