//! Rows as JSON within [`Limits`]: a [`RowSink`] that keeps the first rows
//! of a result until the row or byte cap, and the same cap for the rows of
//! a describe listing. Each row is an object keyed by column name, values
//! in the encoding of glance's JSON output.

use serde_json::{Map, Value as Json, json};

use super::Limits;
use crate::db::{Column, Row, RowFlow, RowSink, Value};
use crate::render::Description;

/// The first rows of a result, as JSON objects, within the limits.
pub(super) struct Capped {
    columns: Vec<String>,
    rows: Vec<Json>,
    bytes: usize,
    limits: Limits,
    pub(super) truncated: bool,
}

impl Capped {
    pub(super) fn new(limits: Limits) -> Capped {
        Capped {
            columns: Vec::new(),
            rows: Vec::new(),
            bytes: 0,
            limits,
            truncated: false,
        }
    }

    /// Keeps `row` if it fits; `false` once the cap is reached.
    fn keep(&mut self, row: &Row) -> bool {
        if self.rows.len() >= self.limits.max_rows {
            self.truncated = true;
            return false;
        }
        let object: Map<String, Json> = self
            .columns
            .iter()
            .cloned()
            .zip(row.iter().map(value))
            .collect();
        let object = Json::Object(object);
        let size = object.to_string().len();
        if self.bytes + size > self.limits.max_bytes {
            self.truncated = true;
            return false;
        }
        self.bytes += size;
        self.rows.push(object);
        true
    }

    /// `{"columns": [...], "rows": [{...}], "truncated"}`.
    pub(super) fn json(self) -> Json {
        json!({"columns": self.columns, "rows": self.rows, "truncated": self.truncated})
    }
}

impl RowSink for Capped {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        // Of several result sets, the last one's rows are kept.
        self.columns = columns.iter().map(|c| c.name.clone()).collect();
        self.rows.clear();
        self.bytes = 0;
        RowFlow::Continue
    }

    fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
        for row in &rows {
            if !self.keep(row) {
                return RowFlow::Stop;
            }
        }
        RowFlow::Continue
    }
}

/// A describe listing as data: `{"title", "columns", "rows", "truncated",
/// "sections": {heading: [lines]}}`, its rows within the limits.
pub(super) fn description(described: &Description, limits: Limits) -> (Json, bool) {
    let mut capped = Capped::new(limits);
    capped.columns(&described.columns);
    capped.rows(described.rows.clone());
    let truncated = capped.truncated;
    let sections: Map<String, Json> = described
        .sections
        .iter()
        .map(|(heading, lines)| (heading.clone(), json!(lines)))
        .collect();
    let mut document = capped.json();
    document["title"] = json!(described.title);
    document["sections"] = Json::Object(sections);
    (document, truncated)
}

/// One value as glance's JSON output writes it (`render::json`).
pub(super) fn value(value: &Value) -> Json {
    let mut text = Vec::new();
    crate::render::json_value(&mut text, value).expect("writing to memory does not fail");
    serde_json::from_slice(&text)
        .unwrap_or_else(|_| Json::String(String::from_utf8_lossy(&text).into_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str) -> Column {
        Column {
            name: name.into(),
            type_name: "text".into(),
        }
    }

    #[test]
    fn rows_stop_at_the_row_cap_and_say_so() {
        let mut capped = Capped::new(Limits {
            max_rows: 2,
            max_bytes: 1000,
            max_result_bytes: 1 << 20,
        });
        capped.columns(&[col("a")]);
        let rows = (1..=3).map(|i| vec![Value::Int(i)]).collect();
        assert_eq!(capped.rows(rows), RowFlow::Stop);
        assert_eq!(
            capped.json(),
            json!({"columns": ["a"], "rows": [{"a": 1}, {"a": 2}], "truncated": true})
        );
    }

    #[test]
    fn rows_stop_at_the_byte_cap() {
        let mut capped = Capped::new(Limits {
            max_rows: 100,
            max_bytes: 30,
            max_result_bytes: 1 << 20,
        });
        capped.columns(&[col("t")]);
        let rows = vec![vec![Value::Text("x".repeat(10))]; 3];
        assert_eq!(capped.rows(rows), RowFlow::Stop);
        assert!(capped.truncated);
        assert_eq!(capped.json()["rows"].as_array().unwrap().len(), 1);
    }

    #[test]
    fn values_keep_their_json_encoding() {
        assert_eq!(value(&Value::Null), Json::Null);
        assert_eq!(
            value(&Value::Json("{\"k\": [1]}".into())),
            json!({"k": [1]})
        );
        assert_eq!(value(&Value::Bytes(vec![1, 255])), json!("\\x01ff"));
        assert_eq!(value(&Value::Int(i64::MAX)), json!(i64::MAX.to_string()));
    }
}
