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
    /// Built-in functions (`pg_catalog`, OID below 16384) whose names do not
    /// start with `pg_`, by lower-case name, with the worst volatility of
    /// their overloads.
    pub functions: HashMap<String, Volatility>,
    /// The user code a statement may run, for the safety classifier to read.
    pub code: Code,
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

impl Relation {
    /// An empty relation of `kind`: no columns, keys, indexes or statistics.
    #[cfg(test)]
    pub fn new(schema: &str, name: &str, kind: RelationKind) -> Relation {
        Relation {
            schema: schema.into(),
            name: name.into(),
            kind,
            owner: None,
            columns: Vec::new(),
            primary_key: None,
            unique_keys: Vec::new(),
            foreign_keys: Vec::new(),
            indexes: Vec::new(),
            comment: None,
            row_estimate: None,
            size_bytes: None,
            definition: None,
        }
    }
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
}

/// Everything outside the built-ins that a statement can execute, as the
/// safety classifier needs it to verify the statement: user and extension
/// routines with their definitions, operators, casts, domains, row-level
/// security policies, and the search path that resolves names.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Code {
    /// Routines with an OID of 16384 or more (user and extension code), in
    /// any schema.
    pub routines: Vec<Routine>,
    pub operators: Vec<Operator>,
    /// Casts created by users that call a function.
    pub casts: Vec<Cast>,
    pub domains: Vec<Domain>,
    /// Policies of tables with row-level security enabled, for reads.
    pub policies: Vec<Policy>,
    /// Indexes whose operator classes call functions that are not built in.
    pub index_code: Vec<IndexCode>,
    /// Partitions and inheritance children (`pg_inherits`): reading a
    /// table reads them too.
    pub children: Vec<Child>,
    /// The session's effective search path (`current_schemas(true)`), in
    /// order; `None` when unknown (every schema may then be searched).
    pub search_path: Option<Vec<String>>,
    /// Functions the person trusts by name (`[safety] trusted_functions`),
    /// as `schema.name`.
    pub trusted: Vec<String>,
}

/// A function, procedure or aggregate that is not built in.
#[derive(Clone, Debug, PartialEq)]
pub struct Routine {
    pub function: FunctionRef,
    /// How many arguments a call needs (those without defaults).
    pub min_args: usize,
    /// How many arguments a call may pass; `None` when variadic.
    pub max_args: Option<usize>,
    /// The language's name: `sql`, `plpgsql`, `c`, `internal`…
    pub language: String,
    /// The SQL of a `sql` routine: its `prosrc`, or its standard
    /// (`BEGIN ATOMIC` / `RETURN`) body.
    pub body: Option<String>,
    /// The extension it belongs to (`pg_depend` deptype `e`).
    pub extension: Option<String>,
    pub security_definer: bool,
    /// For an aggregate, the functions it calls (state, final, combine…).
    pub support: Vec<FunctionRef>,
    /// Its argument defaults as the catalog prints them (`1, f(2)`), which
    /// a call that leaves arguments out evaluates.
    pub defaults: Option<String>,
    /// The settings it runs with (`SET name = value` clauses), as
    /// `name=value`.
    pub settings: Vec<String>,
    /// Its argument and result types (or their element types) outside
    /// `pg_catalog`, as (`schema`, `name`): a call coerces to them, which
    /// runs a domain's CHECKs or a user cast.
    pub types: Vec<(String, String)>,
}

/// A function by OID, schema and name.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FunctionRef {
    pub oid: u32,
    pub schema: String,
    pub name: String,
}

impl FunctionRef {
    /// Whether PostgreSQL itself defines it (`pg_catalog`, OID below 16384).
    pub fn is_builtin(&self) -> bool {
        self.schema == "pg_catalog" && self.oid < FIRST_USER_OID
    }
}

/// The first OID a user object can have (`FirstNormalObjectId`).
pub const FIRST_USER_OID: u32 = 16384;

impl std::fmt::Display for FunctionRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.schema, self.name)
    }
}

/// An operator defined outside the built-ins and the function behind it.
#[derive(Clone, Debug, PartialEq)]
pub struct Operator {
    pub symbol: String,
    pub function: FunctionRef,
}

/// A user cast into `schema.target` carried out by `function`.
#[derive(Clone, Debug, PartialEq)]
pub struct Cast {
    pub schema: String,
    pub target: String,
    pub function: FunctionRef,
    /// Whether PostgreSQL applies it without an explicit cast (implicit or
    /// in assignment).
    pub implicit: bool,
}

/// A domain and the CHECK constraints a cast to it evaluates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Domain {
    pub schema: String,
    pub name: String,
    /// Each constraint as `CHECK (…)`.
    pub checks: Vec<String>,
    /// The domain it is based on, when that is a domain too (`schema`, `name`).
    pub base: Option<(String, String)>,
}

/// A row-level security policy that applies to reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Policy {
    pub schema: String,
    pub table: String,
    pub name: String,
    /// Its `USING` expression.
    pub using: Option<String>,
}

/// An operator class of an index on `schema.table` whose family holds
/// functions (support functions or operators' functions) that are not
/// built in: an index scan calls them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IndexCode {
    pub schema: String,
    pub table: String,
    pub opclass: String,
    pub functions: Vec<FunctionRef>,
}

/// A partition or inheritance child `child_schema.child` of `schema.table`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Child {
    pub schema: String,
    pub table: String,
    pub child_schema: String,
    pub child: String,
}

impl Code {
    /// Whether an unqualified name may resolve in `schema`.
    pub fn on_search_path(&self, schema: &str) -> bool {
        self.search_path
            .as_ref()
            .is_none_or(|path| schema == "pg_catalog" || path.iter().any(|s| s == schema))
    }

    /// Whether `written`, a schema named in SQL, is `schema`: the same name,
    /// or `pg_temp` for the session's own temporary schema (`pg_temp_N`).
    pub fn names_schema(&self, written: &str, schema: &str) -> bool {
        written == schema
            || (written == "pg_temp"
                && schema.starts_with("pg_temp_")
                && self.on_search_path(schema))
    }

    /// The routines a call of `name` with `args` arguments (`None`: any
    /// number) may reach: in `schema` when given, else in any schema on the
    /// search path.
    pub fn routines_named<'a>(
        &'a self,
        schema: Option<&'a str>,
        name: &'a str,
        args: Option<usize>,
    ) -> impl Iterator<Item = &'a Routine> + 'a {
        self.routines.iter().filter(move |r| {
            r.function.name == name
                && args.is_none_or(|n| n >= r.min_args && r.max_args.is_none_or(|max| n <= max))
                && schema.map_or_else(
                    || self.on_search_path(&r.function.schema),
                    |s| self.names_schema(s, &r.function.schema),
                )
        })
    }

    pub fn routine(&self, oid: u32) -> Option<&Routine> {
        self.routines.iter().find(|r| r.function.oid == oid)
    }

    /// Whether the person trusts `function` by name.
    pub fn trusts(&self, function: &FunctionRef) -> bool {
        let name = function.to_string();
        self.trusted.contains(&name)
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
