//! `\indexes health` and `glance indexes health`: indexes that cost writes
//! and space for nothing, and foreign keys that make deletes slow, each with
//! the statement that would fix it. PostgreSQL: unused, duplicate and
//! invalid indexes and foreign-key columns no index starts with; SQLite:
//! duplicates and unindexed foreign keys from its catalog; MySQL:
//! duplicates (InnoDB indexes every foreign key itself). Every query is
//! glance's own read-only query through [`Session::catalog_query`]; glance
//! runs none of the fixes.

use serde_json::json;

use crate::db::{self, Dialect, Value};
use crate::escape;
use crate::ident::quote_ident;
use crate::session::Session;

/// What is wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Scanned at most [`UNUSED_SCANS`] times on a table of at least
    /// [`UNUSED_ROWS`] rows, and enforcing nothing.
    Unused,
    /// Its columns lead another index on the same table with the same method
    /// and predicate, which serves every query it serves.
    Duplicate,
    /// Left invalid by a failed concurrent build: updated, never used.
    Invalid,
    /// A foreign key whose columns no index starts with.
    UnindexedForeignKey,
}

impl Kind {
    /// The JSON `kind`.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unused => "unused",
            Kind::Duplicate => "duplicate",
            Kind::Invalid => "invalid",
            Kind::UnindexedForeignKey => "unindexed_foreign_key",
        }
    }

    /// The kind in the plural, for a report that found none.
    fn nothing(self) -> &'static str {
        match self {
            Kind::Unused => "unused indexes",
            Kind::Duplicate => "duplicate indexes",
            Kind::Invalid => "invalid indexes",
            Kind::UnindexedForeignKey => "foreign keys without an index",
        }
    }

    fn title(self) -> &'static str {
        match self {
            Kind::Unused => "unused index",
            Kind::Duplicate => "duplicate index",
            Kind::Invalid => "invalid index",
            Kind::UnindexedForeignKey => "foreign key without an index",
        }
    }
}

/// At most this many scans counts as unused…
pub const UNUSED_SCANS: i64 = 50;
/// …on a table with at least this many rows (the planner's estimate).
pub const UNUSED_ROWS: i64 = 10_000;

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub kind: Kind,
    /// `schema.table` on PostgreSQL, the table on SQLite.
    pub table: String,
    /// The index at fault; `None` for a foreign key.
    pub index: Option<String>,
    /// The index's key columns (expressions as written), or the foreign
    /// key's columns.
    pub columns: Vec<String>,
    pub detail: String,
    /// The statement that would fix it; glance does not run it.
    pub fix: String,
}

/// Everything `\indexes health` found, worst kinds first.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub findings: Vec<Finding>,
    /// What was looked for: a database without statistics or with
    /// indexes on every foreign key has fewer kinds to find.
    pub checked: &'static [Kind],
}

impl Report {
    /// One paragraph per finding, its fix indented below.
    pub fn text(&self) -> String {
        if self.findings.is_empty() {
            let kinds: Vec<&str> = self.checked.iter().map(|k| k.nothing()).collect();
            let list = match kinds.split_last() {
                Some((last, [])) => last.to_string(),
                Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
                None => String::new(),
            };
            return format!("Found no {list}.\n");
        }
        let mut out = String::new();
        for finding in &self.findings {
            let on = match &finding.index {
                Some(index) => format!("{index} on {}", finding.table),
                None => finding.table.clone(),
            };
            let line = format!(
                "{}: {on} ({}): {}",
                finding.kind.title(),
                finding.columns.join(", "),
                finding.detail
            );
            out.push_str(&escape::visible(&line));
            out.push_str("\n  fix: ");
            out.push_str(&escape::visible(&finding.fix));
            out.push('\n');
        }
        out
    }

    /// `{"findings": [{"kind", "table", "index", "columns", "detail", "fix"}]}`.
    pub fn json(&self) -> String {
        let findings: Vec<_> = self
            .findings
            .iter()
            .map(|f| {
                json!({
                    "kind": f.kind.name(),
                    "table": f.table,
                    "index": f.index,
                    "columns": f.columns,
                    "detail": f.detail,
                    "fix": f.fix,
                })
            })
            .collect();
        format!("{:#}\n", json!({ "findings": findings }))
    }
}

/// Reads the findings of the session's database.
pub fn gather(session: &mut Session) -> Result<Report, db::Error> {
    match session.info().dialect {
        Dialect::Sqlite => return sqlite(session),
        Dialect::Mysql => return mysql(session),
        Dialect::Postgres => {}
    }
    let mut findings = Vec::new();
    for kind in [
        Kind::Invalid,
        Kind::Duplicate,
        Kind::Unused,
        Kind::UnindexedForeignKey,
    ] {
        let (_, rows) = session.catalog_query(&postgres_sql(kind))?;
        findings.extend(rows.iter().filter_map(|row| postgres_finding(kind, row)));
    }
    Ok(Report {
        findings,
        checked: &[
            Kind::Unused,
            Kind::Duplicate,
            Kind::Invalid,
            Kind::UnindexedForeignKey,
        ],
    })
}

/// Schemas glance leaves alone: PostgreSQL's own.
const USER_SCHEMA: &str = "n.nspname NOT IN ('pg_catalog', 'information_schema') \
     AND n.nspname NOT LIKE 'pg\\_toast%'";

/// An index `x`'s key columns as a JSON array of text.
const KEY_COLUMNS: &str = "to_json(ARRAY(SELECT pg_catalog.pg_get_indexdef(x.indexrelid, g, true) \
     FROM generate_series(1, x.indnkeyatts::int) g))::text";

/// The query for one kind; each row: schema, table, index (NULL for a
/// foreign key), columns as a JSON array, detail.
fn postgres_sql(kind: Kind) -> String {
    let from = "FROM pg_catalog.pg_index x \
         JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid \
         JOIN pg_catalog.pg_class t ON t.oid = x.indrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace";
    let head = format!("SELECT n.nspname::text, t.relname::text, i.relname::text, {KEY_COLUMNS}");
    match kind {
        Kind::Invalid => format!(
            "{head}, 'invalid since a concurrent build or reindex failed: updated on every write, \
             never used' {from} WHERE NOT x.indisvalid AND {USER_SCHEMA} ORDER BY 1, 2, 3"
        ),
        Kind::Unused => format!(
            "{head}, format('%s scans since statistics were reset, on a table of about %s rows; \
             %s', s.idx_scan, t.reltuples::bigint, \
             pg_catalog.pg_size_pretty(pg_catalog.pg_relation_size(x.indexrelid))) \
             {from} JOIN pg_catalog.pg_stat_user_indexes s ON s.indexrelid = x.indexrelid \
             WHERE s.idx_scan <= {UNUSED_SCANS} AND t.reltuples >= {UNUSED_ROWS} \
               AND x.indisvalid AND NOT x.indisunique AND NOT x.indisprimary \
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c \
                               WHERE c.conindid = x.indexrelid) \
               AND {USER_SCHEMA} \
             ORDER BY pg_catalog.pg_relation_size(x.indexrelid) DESC, 1, 2, 3"
        ),
        // Index `x` is covered by `b` when its key columns, operator classes
        // and expressions lead b's, with the same method and predicate. A
        // unique index is covered only by an identical unique one, and of
        // two identical indexes only one is reported.
        Kind::Duplicate => format!(
            "WITH ix AS ( \
               SELECT x.indexrelid, x.indrelid, x.indisunique, x.indisprimary, i.relam, \
                 x.indnatts = x.indnkeyatts AS no_include, \
                 (string_to_array(x.indkey::text, ' ')::int2[])[1:x.indnkeyatts] AS keys, \
                 string_to_array(x.indclass::text, ' ') AS classes, \
                 coalesce(pg_catalog.pg_get_expr(x.indpred, x.indrelid), '') AS pred, \
                 coalesce(pg_catalog.pg_get_expr(x.indexprs, x.indrelid), '') AS exprs \
               {from} WHERE x.indisvalid AND {USER_SCHEMA}) \
             {head}, format('its columns lead %s: %s', b_index.relname, \
                            pg_catalog.pg_get_indexdef(b.indexrelid)) \
             FROM ix a JOIN ix b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid \
               AND b.relam = a.relam AND b.pred = a.pred AND b.exprs = a.exprs \
               AND cardinality(a.keys) <= cardinality(b.keys) \
               AND a.keys = b.keys[1:cardinality(a.keys)] \
               AND a.classes = b.classes[1:cardinality(a.classes)] \
             JOIN pg_catalog.pg_index x ON x.indexrelid = a.indexrelid \
             JOIN pg_catalog.pg_class i ON i.oid = a.indexrelid \
             JOIN pg_catalog.pg_class b_index ON b_index.oid = b.indexrelid \
             JOIN pg_catalog.pg_class t ON t.oid = a.indrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
             WHERE a.no_include AND NOT a.indisprimary \
               AND (NOT a.indisunique OR (b.indisunique AND a.keys = b.keys)) \
               AND (a.keys <> b.keys OR a.indisunique <> b.indisunique OR b.indisprimary \
                    OR a.indexrelid > b.indexrelid) \
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c \
                               WHERE c.conindid = a.indexrelid) \
             ORDER BY 1, 2, 3"
        ),
        Kind::UnindexedForeignKey => format!(
            "SELECT n.nspname::text, t.relname::text, NULL::text, \
               to_json(ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(attnum, o) \
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
                 ORDER BY k.o))::text, \
               format('foreign key %s references %s: deleting or updating a referenced row \
                       reads this whole table', c.conname, c.confrelid::regclass) \
             FROM pg_catalog.pg_constraint c \
             JOIN pg_catalog.pg_class t ON t.oid = c.conrelid \
             JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
             WHERE c.contype = 'f' AND {USER_SCHEMA} \
               AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index x \
                 WHERE x.indrelid = c.conrelid AND x.indpred IS NULL AND x.indisvalid \
                   AND (string_to_array(x.indkey::text, ' ')::int2[]) \
                         [1:least(cardinality(c.conkey), x.indnkeyatts)] @> c.conkey) \
             ORDER BY 1, 2, 4"
        ),
    }
}

/// A row of [`postgres_sql`] as a finding with its fix.
fn postgres_finding(kind: Kind, row: &db::Row) -> Option<Finding> {
    let [schema, table, index, columns, detail] = row.as_slice() else {
        return None;
    };
    let (schema, table, detail) = (text(schema)?, text(table)?, text(detail)?);
    let columns: Vec<String> = serde_json::from_str(&text(columns)?).ok()?;
    let qualified = format!("{}.{}", quote_ident(&schema), quote_ident(&table));
    let index = text(index);
    let fix = match (kind, &index) {
        (Kind::UnindexedForeignKey, _) => format!(
            "CREATE INDEX CONCURRENTLY ON {qualified} ({});",
            quoted_list(&columns)
        ),
        (Kind::Invalid, Some(index)) => format!(
            "REINDEX INDEX CONCURRENTLY {}.{};",
            quote_ident(&schema),
            quote_ident(index)
        ),
        (_, Some(index)) => format!(
            "DROP INDEX CONCURRENTLY {}.{};",
            quote_ident(&schema),
            quote_ident(index)
        ),
        (_, None) => return None,
    };
    Some(Finding {
        kind,
        table: format!("{schema}.{table}"),
        index: index.map(|index| format!("{schema}.{index}")),
        columns,
        detail,
        fix,
    })
}

/// SQLite's indexes and foreign keys, compared here.
fn sqlite(session: &mut Session) -> Result<Report, db::Error> {
    let (_, rows) = session.catalog_query(SQLITE_INDEXES)?;
    let indexes: Vec<Shape> = rows.iter().filter_map(sqlite_index).collect();
    let (_, rows) = session.catalog_query(SQLITE_FOREIGN_KEYS)?;
    let mut findings = duplicates(&indexes, Dialect::Sqlite);
    for row in &rows {
        let [
            Value::Text(table),
            Value::Text(target),
            Value::Text(columns),
        ] = row.as_slice()
        else {
            continue;
        };
        let Ok(columns) = serde_json::from_str::<Vec<String>>(columns) else {
            continue;
        };
        let covered = indexes.iter().any(|index| {
            &index.table == table
                && !index.partial
                && index.columns.len() >= columns.len()
                && columns
                    .iter()
                    .all(|c| index.columns[..columns.len()].contains(c))
        });
        if !covered {
            let name = format!("{table}_{}_idx", columns.join("_"));
            findings.push(Finding {
                kind: Kind::UnindexedForeignKey,
                table: table.clone(),
                index: None,
                fix: format!(
                    "CREATE INDEX {} ON {} ({});",
                    quote_ident(&name),
                    quote_ident(table),
                    quoted_list(&columns)
                ),
                detail: format!(
                    "foreign key to {target}: deleting or updating a referenced row reads this whole table"
                ),
                columns,
            });
        }
    }
    Ok(Report {
        findings,
        checked: &[Kind::Duplicate, Kind::UnindexedForeignKey],
    })
}

/// Every index: table, name, key columns as a JSON array (NULL names for
/// expressions), unique, how it was made (`c` for CREATE INDEX), partial.
const SQLITE_INDEXES: &str = "SELECT m.name, il.name, \
       (SELECT json_group_array(name) FROM \
          (SELECT ii.name AS name FROM pragma_index_info(il.name) ii ORDER BY ii.seqno)), \
       il.\"unique\", il.origin, il.partial \
     FROM sqlite_master m, pragma_index_list(m.name) il \
     WHERE m.type = 'table' ORDER BY m.name, il.name";

/// Every foreign key: table, referenced table, its columns as a JSON array
/// (the pragma gives them in key order).
const SQLITE_FOREIGN_KEYS: &str = "SELECT m.name, fk.\"table\", json_group_array(fk.\"from\") \
     FROM sqlite_master m, pragma_foreign_key_list(m.name) fk \
     WHERE m.type = 'table' GROUP BY m.name, fk.id ORDER BY m.name, fk.id";

/// MySQL's indexes in the connected database: table, name, key columns
/// joined by U+001F, unique, droppable (not the primary key), partial (an
/// expression or a column prefix makes it so, and it is left out).
const MYSQL_INDEXES: &str = "SELECT TABLE_NAME, INDEX_NAME, \
       GROUP_CONCAT(COLUMN_NAME ORDER BY SEQ_IN_INDEX SEPARATOR X'1F'), \
       MAX(NON_UNIQUE) = 0, INDEX_NAME <> 'PRIMARY', \
       MAX(COLUMN_NAME IS NULL OR SUB_PART IS NOT NULL) \
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
     GROUP BY TABLE_NAME, INDEX_NAME ORDER BY TABLE_NAME, INDEX_NAME";

/// MySQL's duplicate indexes. InnoDB makes an index for every foreign key
/// that has none, so none is unindexed; unused indexes would need
/// performance_schema, which is often off.
fn mysql(session: &mut Session) -> Result<Report, db::Error> {
    let (_, rows) = session.catalog_query(MYSQL_INDEXES)?;
    let indexes: Vec<Shape> = rows.iter().filter_map(mysql_index).collect();
    Ok(Report {
        checked: &[Kind::Duplicate],
        findings: duplicates(&indexes, Dialect::Mysql),
    })
}

fn mysql_index(row: &db::Row) -> Option<Shape> {
    let [table, name, columns, unique, droppable, partial] = row.as_slice() else {
        return None;
    };
    Some(Shape {
        table: text(table)?,
        name: text(name)?,
        columns: text(columns)?.split('\u{1f}').map(str::to_string).collect(),
        unique: matches!(unique, Value::Int(1)),
        created: matches!(droppable, Value::Int(1)),
        partial: matches!(partial, Value::Int(1)),
    })
}

/// An index as the duplicate rule compares them.
struct Shape {
    table: String,
    name: String,
    columns: Vec<String>,
    unique: bool,
    /// Made by CREATE INDEX (not by a UNIQUE or PRIMARY KEY constraint),
    /// so DROP INDEX can remove it.
    created: bool,
    partial: bool,
}

fn sqlite_index(row: &db::Row) -> Option<Shape> {
    let [table, name, columns, unique, origin, partial] = row.as_slice() else {
        return None;
    };
    Some(Shape {
        table: text(table)?,
        name: text(name)?,
        // An expression column reads as null, and such an index is skipped.
        columns: serde_json::from_str(&text(columns)?).ok()?,
        unique: matches!(unique, Value::Int(1)),
        created: text(origin).as_deref() == Some("c"),
        partial: matches!(partial, Value::Int(1)),
    })
}

/// Indexes made by CREATE INDEX (SQLite) or other than the primary key
/// (MySQL) whose columns lead another index of their table, under the
/// same rules as on PostgreSQL.
fn duplicates(indexes: &[Shape], dialect: Dialect) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (a_at, a) in indexes.iter().enumerate() {
        let covering = indexes.iter().enumerate().find(|(b_at, b)| {
            let same = a.columns == b.columns;
            *b_at != a_at
                && b.table == a.table
                && !a.partial
                && !b.partial
                && a.created
                && b.columns.starts_with(&a.columns)
                && (!a.unique || (b.unique && same))
                && (!same || a.unique != b.unique || !b.created || a_at > *b_at)
        });
        if let Some((_, b)) = covering {
            findings.push(Finding {
                kind: Kind::Duplicate,
                table: a.table.clone(),
                index: Some(a.name.clone()),
                columns: a.columns.clone(),
                detail: format!("its columns lead {} ({})", b.name, b.columns.join(", ")),
                fix: match dialect {
                    Dialect::Mysql => {
                        let quote = |name| dialect.quoting().quote(name).into_owned();
                        format!("DROP INDEX {} ON {};", quote(&a.name), quote(&a.table))
                    }
                    Dialect::Postgres | Dialect::Sqlite => {
                        format!("DROP INDEX {};", quote_ident(&a.name))
                    }
                },
            });
        }
    }
    findings
}

fn quoted_list(columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| quote_ident(c).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Text(text) | Value::Json(text) => Some(text.clone()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(name: &str, columns: &[&str], unique: bool, created: bool) -> Shape {
        Shape {
            table: "orders".into(),
            name: name.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            unique,
            created,
            partial: false,
        }
    }

    #[test]
    fn a_leading_prefix_is_a_duplicate_once() {
        let indexes = [
            index("by_customer", &["customer_id"], false, true),
            index("by_customer_day", &["customer_id", "day"], false, true),
            index("by_customer_again", &["customer_id"], false, true),
            index("by_day", &["day"], false, true),
        ];
        let found = duplicates(&indexes, Dialect::Sqlite);
        let names: Vec<_> = found.iter().filter_map(|f| f.index.as_deref()).collect();
        assert_eq!(names, ["by_customer", "by_customer_again"]);
        assert_eq!(found[0].fix, "DROP INDEX by_customer;");
        let on_mysql = duplicates(&indexes, Dialect::Mysql);
        assert_eq!(on_mysql[0].fix, "DROP INDEX by_customer ON orders;");
    }

    #[test]
    fn an_empty_report_names_only_what_was_looked_for() {
        let empty = |checked| Report {
            findings: Vec::new(),
            checked,
        };
        assert_eq!(
            empty(&[Kind::Duplicate]).text(),
            "Found no duplicate indexes.\n"
        );
        assert_eq!(
            empty(&[
                Kind::Unused,
                Kind::Duplicate,
                Kind::Invalid,
                Kind::UnindexedForeignKey
            ])
            .text(),
            "Found no unused indexes, duplicate indexes, invalid indexes or foreign keys without \
             an index.\n"
        );
    }

    #[test]
    fn mysql_rows_read_as_index_shapes() {
        let row = |name: &str, columns: &str, unique: i64, partial: i64| {
            vec![
                Value::Text("orders".into()),
                Value::Text(name.into()),
                Value::Text(columns.into()),
                Value::Int(unique),
                Value::Int(i64::from(name != "PRIMARY")),
                Value::Int(partial),
            ]
        };
        let shapes: Vec<Shape> = [
            row("PRIMARY", "id", 1, 0),
            row("by_customer", "customer_id\u{1f}day", 0, 0),
            row("by_note", "note", 0, 1),
        ]
        .iter()
        .filter_map(mysql_index)
        .collect();
        assert_eq!(shapes[1].columns, ["customer_id", "day"]);
        assert!(shapes[0].unique && !shapes[0].created);
        assert!(shapes[2].partial && shapes[2].created);
    }

    #[test]
    fn a_unique_index_is_kept_unless_an_identical_one_enforces_it() {
        let found = duplicates(
            &[
                index("code_key", &["code"], true, true),
                index("code_name", &["code", "name"], false, true),
                index("code_plain", &["code"], false, true),
                index("constraint", &["code"], true, false),
            ],
            Dialect::Sqlite,
        );
        let names: Vec<_> = found.iter().filter_map(|f| f.index.as_deref()).collect();
        assert_eq!(names, ["code_key", "code_plain"]);
    }

    #[test]
    fn findings_read_as_text_and_json() {
        let report = Report {
            findings: vec![Finding {
                kind: Kind::UnindexedForeignKey,
                table: "public.orders".into(),
                index: None,
                columns: vec!["customer_id".into()],
                detail: "foreign key".into(),
                fix: "CREATE INDEX CONCURRENTLY ON public.orders (customer_id);".into(),
            }],
            checked: &[Kind::UnindexedForeignKey],
        };
        assert!(report.text().starts_with(
            "foreign key without an index: public.orders (customer_id): foreign key\n  fix: CREATE"
        ));
        let value: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(value["findings"][0]["kind"], "unindexed_foreign_key");
        assert_eq!(value["findings"][0]["index"], serde_json::Value::Null);
    }
}
