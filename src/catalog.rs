//! The schema model: what introspection found, independent of the backend.
//!
//! Backends fill a [`Catalog`]; the describe commands (`\d` and friends), the
//! safety classifier's function lookup and the LLM context read it. Nothing
//! here talks to a database.

use std::collections::HashMap;

/// Everything glance knows about a database's schema.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Catalog {
    pub schemas: Vec<Schema>,
    pub relations: Vec<Relation>,
    pub enums: Vec<EnumType>,
    /// Functions by lower-case name, with the worst volatility of their
    /// overloads: every function in a user schema, and the built-in ones
    /// (`pg_catalog`) whose names do not start with `pg_`.
    pub functions: HashMap<String, Volatility>,
    /// Operators defined in user schemas, by symbol, with the worst
    /// volatility of the functions behind them.
    pub operators: HashMap<String, Volatility>,
    /// Catalog queries introspection ran (a constant, whatever the schema size).
    pub round_trips: usize,
    /// What introspection skipped and why (a view that no longer resolves),
    /// for the front end to show once.
    pub warnings: Vec<String>,
}

/// A namespace (PostgreSQL schema; SQLite has one, `main`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub name: String,
    pub owner: Option<String>,
    pub comment: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RelationKind {
    Table,
    PartitionedTable,
    View,
    MaterializedView,
    ForeignTable,
}

impl RelationKind {
    /// The word psql uses in its listings.
    pub fn label(self) -> &'static str {
        match self {
            RelationKind::Table => "table",
            RelationKind::PartitionedTable => "partitioned table",
            RelationKind::View => "view",
            RelationKind::MaterializedView => "materialized view",
            RelationKind::ForeignTable => "foreign table",
        }
    }
}

/// A table, view, materialized view or foreign table.
#[derive(Clone, Debug, PartialEq)]
pub struct Relation {
    pub schema: String,
    pub name: String,
    pub kind: RelationKind,
    pub owner: Option<String>,
    pub columns: Vec<ColumnInfo>,
    pub primary_key: Option<Key>,
    pub unique_keys: Vec<Key>,
    /// Foreign keys from this relation to others. Incoming keys are found by
    /// scanning the other relations (see [`Catalog::referencing`]).
    pub foreign_keys: Vec<ForeignKey>,
    pub indexes: Vec<Index>,
    pub comment: Option<String>,
    /// The planner's row estimate (`reltuples`), `None` when never analyzed.
    pub row_estimate: Option<i64>,
    /// On-disk size in bytes where the backend knows it.
    pub size_bytes: Option<i64>,
    /// View definition, for views and materialized views.
    pub definition: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ColumnInfo {
    pub name: String,
    /// Formatted type, e.g. `character varying(80)` or `order_status`.
    pub type_name: String,
    pub nullable: bool,
    pub default: Option<String>,
    pub comment: Option<String>,
    /// Every distinct value of a low-cardinality text column, when the
    /// person chose to share samples with the LLM (`--share-samples`).
    pub samples: Vec<String>,
}

/// A text column with at most this many distinct values gets samples.
pub const MAX_SAMPLES: usize = 12;
/// Sample values are cut to this many characters.
pub const SAMPLE_CHARS: usize = 40;
/// A column's values are categories only when each repeats this many times
/// on average; in smaller tables they would be row data.
const ROWS_PER_VALUE: u64 = 10;
/// Column names whose values are never shared, whatever their count.
const PRIVATE_WORDS: &[&str] = &[
    "password", "passwd", "secret", "token", "hash", "salt", "key", "email", "phone", "ssn", "iban",
];

impl Catalog {
    /// Records `values` — all the distinct values of `schema.table.column`,
    /// a table of `rows` rows — as the column's samples, each cut to
    /// [`SAMPLE_CHARS`] characters on one line. Only categories are kept:
    /// none when there are more than [`MAX_SAMPLES`] values, when values
    /// repeat fewer than ten times on average, when the column alone is a
    /// primary or unique key, or when its name suggests private data
    /// (password, token, email…).
    pub fn set_samples(
        &mut self,
        schema: &str,
        table: &str,
        column: &str,
        values: Vec<String>,
        rows: u64,
    ) {
        let count = values.len() as u64;
        if count == 0 || values.len() > MAX_SAMPLES || rows < count * ROWS_PER_VALUE {
            return;
        }
        let lower = column.to_lowercase();
        if PRIVATE_WORDS.iter().any(|word| lower.contains(word)) {
            return;
        }
        let Some(relation) = self
            .relations
            .iter_mut()
            .find(|r| r.schema == schema && r.name == table)
        else {
            return;
        };
        let is_key = |key: &Key| key.columns.len() == 1 && key.columns[0] == column;
        if relation
            .primary_key
            .iter()
            .chain(&relation.unique_keys)
            .any(is_key)
        {
            return;
        }
        if let Some(info) = relation.columns.iter_mut().find(|c| c.name == column) {
            info.samples = values
                .into_iter()
                .map(|v| {
                    v.replace(['\n', '\r'], " ")
                        .chars()
                        .take(SAMPLE_CHARS)
                        .collect()
                })
                .collect();
        }
    }
}

/// A primary key or unique constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Key {
    pub name: String,
    pub columns: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_schema: String,
    pub ref_table: String,
    pub ref_columns: Vec<String>,
    /// Referential actions as SQL words (`CASCADE`, `SET NULL`…); `None` for NO ACTION.
    pub on_delete: Option<String>,
    pub on_update: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    /// Full definition, e.g. `CREATE UNIQUE INDEX … USING btree (email)`.
    pub definition: String,
    pub unique: bool,
    pub primary: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnumType {
    pub schema: String,
    pub name: String,
    pub labels: Vec<String>,
    pub comment: Option<String>,
}

/// How a function may behave, per PostgreSQL's `provolatile`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Volatility {
    Immutable,
    Stable,
    Volatile,
}

impl Catalog {
    /// Finds a relation by `name` or `schema.name`; an unqualified name
    /// prefers `public` (PostgreSQL) or `main` (SQLite), then any schema.
    pub fn find(&self, name: &str) -> Option<&Relation> {
        let (schema, table) = match name.split_once('.') {
            Some((s, t)) => (Some(s), t),
            None => (None, name),
        };
        let matches = |r: &&Relation| r.name == table && schema.is_none_or(|s| r.schema == s);
        let exact = self.relations.iter().filter(matches);
        let mut best: Option<&Relation> = None;
        for r in exact {
            if r.schema == "public" || r.schema == "main" {
                return Some(r);
            }
            best.get_or_insert(r);
        }
        best.or_else(|| {
            let lower = name.to_lowercase();
            (lower != name).then(|| self.find(&lower)).flatten()
        })
    }

    /// Foreign keys in other relations that point at `target`, with the
    /// relation that holds each.
    pub fn referencing<'a>(&'a self, target: &Relation) -> Vec<(&'a Relation, &'a ForeignKey)> {
        self.relations
            .iter()
            .flat_map(|r| r.foreign_keys.iter().map(move |fk| (r, fk)))
            .filter(|(_, fk)| fk.ref_schema == target.schema && fk.ref_table == target.name)
            .collect()
    }

    /// Volatility of a function by (lower-case) name, if the catalog has it.
    pub fn function_volatility(&self, name: &str) -> Option<Volatility> {
        self.functions.get(name).copied()
    }
}

/// A describe command's answer (`\dt`, `\d NAME` …): a titled result set,
/// drawn by the same renderer as queries, plus text sections after it
/// (indexes, foreign keys, "Referenced by", comment), psql-style.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Description {
    pub title: Option<String>,
    pub columns: Vec<crate::db::Column>,
    pub rows: Vec<crate::db::Row>,
    /// Section heading and its lines, e.g. `("Indexes", ["\"users_pkey\" PRIMARY KEY, btree (id)"])`.
    pub sections: Vec<(String, Vec<String>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn catalog() -> Catalog {
        let column = |name: &str| ColumnInfo {
            name: name.into(),
            type_name: "text".into(),
            ..Default::default()
        };
        Catalog {
            relations: vec![Relation {
                schema: "public".into(),
                name: "orders".into(),
                kind: RelationKind::Table,
                owner: None,
                columns: vec![
                    column("status"),
                    column("code"),
                    column("api_token"),
                    column("note"),
                ],
                primary_key: None,
                unique_keys: vec![Key {
                    name: "orders_code_key".into(),
                    columns: vec!["code".into()],
                }],
                foreign_keys: Vec::new(),
                indexes: Vec::new(),
                comment: None,
                row_estimate: None,
                size_bytes: None,
                definition: None,
            }],
            ..Default::default()
        }
    }

    fn samples(catalog: &Catalog, column: &str) -> Vec<String> {
        let relation = &catalog.relations[0];
        relation
            .columns
            .iter()
            .find(|c| c.name == column)
            .map(|c| c.samples.clone())
            .unwrap_or_default()
    }

    #[test]
    fn only_categories_are_kept_as_samples() {
        let mut c = catalog();
        let two = || vec!["paid".to_string(), "line\nbreak".to_string()];
        c.set_samples("public", "orders", "status", two(), 100);
        assert_eq!(samples(&c, "status"), ["paid", "line break"]);
        c.set_samples("public", "orders", "note", two(), 19);
        assert!(
            samples(&c, "note").is_empty(),
            "values that barely repeat are row data"
        );
        c.set_samples("public", "orders", "code", two(), 100);
        assert!(samples(&c, "code").is_empty(), "a unique key names rows");
        c.set_samples("public", "orders", "api_token", two(), 100);
        assert!(
            samples(&c, "api_token").is_empty(),
            "private-looking names are never shared"
        );
        let many: Vec<String> = (0..=MAX_SAMPLES).map(|i| i.to_string()).collect();
        c.set_samples("public", "orders", "note", many, 10_000);
        assert!(samples(&c, "note").is_empty(), "too many values");
        c.set_samples("public", "orders", "note", vec!["x".repeat(100)], 100);
        assert_eq!(samples(&c, "note")[0].chars().count(), SAMPLE_CHARS);
    }
}
