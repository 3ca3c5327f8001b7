//! What `glance docs` documents, gathered from the session: the schema
//! catalog (sorted, without the safety classifier's code), PostgreSQL's
//! view definitions, and what the catalog does not hold — check
//! constraints and triggers — read in one query of glance's own through
//! [`Session::catalog_query`]. Nothing here renders or writes.

use std::collections::BTreeMap;

use sqlparser::tokenizer::Token;

use crate::catalog::{Catalog, RelationKind};
use crate::db::{self, Dialect, Row, Value};
use crate::ident::quote_ident_always;
use crate::session::Session;

/// The documentation of one database.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Model {
    /// The database's name.
    pub database: String,
    /// Schemas and relations, sorted by name; relations keep their
    /// columns in table order, with indexes and foreign keys sorted by name.
    pub catalog: Catalog,
    /// Check constraints and triggers, by (schema, relation).
    pub extras: BTreeMap<(String, String), Extras>,
}

/// What a relation's page shows beyond the catalog.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extras {
    pub checks: Vec<Check>,
    pub triggers: Vec<Trigger>,
    /// A partitioned table's key (`RANGE (at)`), PostgreSQL.
    pub partition_key: Option<String>,
    /// A partitioned table's partitions, sorted by schema and name.
    pub partitions: Vec<Partition>,
}

/// A partition of a partitioned table and its bound
/// (`FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`, `DEFAULT`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Partition {
    pub schema: String,
    pub name: String,
    pub bound: String,
}

/// A CHECK constraint: its name and definition (`CHECK (qty > 0)`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub name: String,
    pub definition: String,
}

/// A trigger: when it fires and what it runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub name: String,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: String,
    /// `INSERT OR UPDATE`…
    pub event: String,
    /// `row` or `statement`.
    pub level: String,
    /// The function it executes (`public.touch()`); on SQLite its body.
    pub runs: String,
}

impl Model {
    /// The partitioned table `schema.name` is a partition of, with its
    /// entry there.
    pub fn partition_of(
        &self,
        schema: &str,
        name: &str,
    ) -> Option<(&(String, String), &Partition)> {
        self.extras.iter().find_map(|(parent, extras)| {
            extras
                .partitions
                .iter()
                .find(|p| p.schema == schema && p.name == name)
                .map(|p| (parent, p))
        })
    }

    /// The extras of `schema.name` (none when it has none).
    pub fn extras(&self, schema: &str, name: &str) -> Extras {
        self.extras
            .get(&(schema.to_string(), name.to_string()))
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads the model through the session: the catalog, then (PostgreSQL)
/// every view definition and the checks and triggers, each in one query
/// inside the read-only guard.
pub fn gather(session: &mut Session) -> Result<Model, db::Error> {
    let dialect = session.info().dialect;
    let database = session.info().database.clone();
    let mut catalog = documented(session.catalog()?);
    if dialect == Dialect::Postgres {
        let views: Vec<(String, String)> = catalog
            .relations
            .iter()
            .filter(|r| matches!(r.kind, RelationKind::View | RelationKind::MaterializedView))
            .map(|r| (r.schema.clone(), r.name.clone()))
            .collect();
        if !views.is_empty() {
            let (_, rows) = session.catalog_query(&db::postgres::view_definitions_sql(&views))?;
            for row in rows {
                if let [
                    Value::Text(schema),
                    Value::Text(name),
                    Value::Text(definition),
                ] = row.as_slice()
                {
                    catalog.set_definition(schema, name, definition.trim().to_string());
                }
            }
        }
    }
    let schemas: Vec<String> = catalog.schemas.iter().map(|s| s.name.clone()).collect();
    let (_, rows) = session.catalog_query(&extras_sql(dialect, &schemas))?;
    Ok(Model {
        database,
        extras: extras_from_rows(&rows),
        catalog,
    })
}

/// The part of `catalog` the documentation shows, in a stable order.
pub fn documented(catalog: &Catalog) -> Catalog {
    let mut schemas = catalog.schemas.clone();
    schemas.sort_by(|a, b| a.name.cmp(&b.name));
    let mut relations = catalog.relations.clone();
    relations.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    for r in &mut relations {
        r.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        r.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        r.unique_keys.sort_by(|a, b| a.name.cmp(&b.name));
        r.size_bytes = None;
        for c in &mut r.columns {
            c.samples.clear();
        }
    }
    let mut enums = catalog.enums.clone();
    enums.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    Catalog {
        schemas,
        relations,
        enums,
        ..Catalog::default()
    }
}

/// The one query that reads check constraints and triggers of every
/// relation, and on PostgreSQL partition keys and partitions. Rows: kind
/// (`c`, `t`, `k` or `p`), schema, relation, name, then a check's
/// definition, or a trigger's timing, event, level and function
/// (PostgreSQL; MySQL gives its statement as the function) or its
/// `CREATE TRIGGER` text (SQLite, one `UNION ALL` arm per schema in `schemas`), or a partition key (`k`, no name), or a
/// partition's bound and schema (`p`, named by the partition, on the row
/// of its parent). Every PostgreSQL name and operator is
/// `pg_catalog`-qualified.
pub fn extras_sql(dialect: Dialect, schemas: &[String]) -> String {
    match dialect {
        // MySQL: the connected database's (the catalog's one schema). The
        // NATURAL JOIN matches TABLE_NAME too where CHECK_CONSTRAINTS has
        // one (MariaDB); MySQL 8's has none, and names checks uniquely.
        Dialect::Mysql => {
            "SELECT 'c' AS kind, CONSTRAINT_SCHEMA AS `schema`, TABLE_NAME AS relation, \
                    CONSTRAINT_NAME AS name, CONCAT('CHECK (', CHECK_CLAUSE, ')') AS a, \
                    NULL AS b, NULL AS c, NULL AS d \
             FROM information_schema.CHECK_CONSTRAINTS \
                  NATURAL JOIN information_schema.TABLE_CONSTRAINTS \
             WHERE CONSTRAINT_TYPE = 'CHECK' AND CONSTRAINT_SCHEMA = DATABASE() \
             UNION ALL \
             SELECT 't', EVENT_OBJECT_SCHEMA, EVENT_OBJECT_TABLE, TRIGGER_NAME, ACTION_TIMING, \
                    EVENT_MANIPULATION, LOWER(ACTION_ORIENTATION), ACTION_STATEMENT \
             FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = DATABASE() \
             ORDER BY 1, 2, 3, 4"
                .to_string()
        }
        Dialect::Postgres => {
            let bit = |n: u8| {
                format!(
                    "(t.tgtype::pg_catalog.int4 OPERATOR(pg_catalog.&) {n}) OPERATOR(pg_catalog.<>) 0"
                )
            };
            let event = |n: u8, word: &str| format!("CASE WHEN {} THEN '{word}' END", bit(n));
            format!(
                "SELECT 'c'::pg_catalog.text AS kind, n.nspname::pg_catalog.text AS schema, \
                        c.relname::pg_catalog.text AS relation, k.conname::pg_catalog.text AS name, \
                        pg_catalog.pg_get_constraintdef(k.oid, true) AS a, \
                        NULL::pg_catalog.text AS b, NULL::pg_catalog.text AS c, \
                        NULL::pg_catalog.text AS d \
                 FROM pg_catalog.pg_constraint k \
                 JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) k.conrelid \
                 JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
                 WHERE k.contype OPERATOR(pg_catalog.=) 'c'::pg_catalog.\"char\" \
                 UNION ALL \
                 SELECT 't', n.nspname::pg_catalog.text, c.relname::pg_catalog.text, \
                        t.tgname::pg_catalog.text, \
                        CASE WHEN {before} THEN 'BEFORE' WHEN {instead} THEN 'INSTEAD OF' \
                             ELSE 'AFTER' END, \
                        pg_catalog.array_to_string(pg_catalog.array_remove(ARRAY[{insert}, {update}, \
                            {delete}, {truncate}]::pg_catalog.text[], NULL::pg_catalog.text), ' OR '), \
                        CASE WHEN {row} THEN 'row' ELSE 'statement' END, \
                        pn.nspname::pg_catalog.text OPERATOR(pg_catalog.||) '.' \
                          OPERATOR(pg_catalog.||) p.proname::pg_catalog.text \
                          OPERATOR(pg_catalog.||) '()' \
                 FROM pg_catalog.pg_trigger t \
                 JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.tgrelid \
                 JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
                 JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) t.tgfoid \
                 JOIN pg_catalog.pg_namespace pn ON pn.oid OPERATOR(pg_catalog.=) p.pronamespace \
                 WHERE NOT t.tgisinternal \
                 UNION ALL \
                 SELECT 'k', n.nspname::pg_catalog.text, c.relname::pg_catalog.text, '', \
                        pg_catalog.pg_get_partkeydef(c.oid), NULL, NULL, NULL \
                 FROM pg_catalog.pg_partitioned_table pt \
                 JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) pt.partrelid \
                 JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
                 UNION ALL \
                 SELECT 'p', pn.nspname::pg_catalog.text, pc.relname::pg_catalog.text, \
                        c.relname::pg_catalog.text, \
                        pg_catalog.pg_get_expr(c.relpartbound, c.oid, true), \
                        n.nspname::pg_catalog.text, NULL, NULL \
                 FROM pg_catalog.pg_inherits i \
                 JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.inhrelid \
                 JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
                 JOIN pg_catalog.pg_class pc ON pc.oid OPERATOR(pg_catalog.=) i.inhparent \
                 JOIN pg_catalog.pg_namespace pn ON pn.oid OPERATOR(pg_catalog.=) pc.relnamespace \
                 WHERE c.relispartition \
                 ORDER BY 1, 2, 3, 4, 6",
                before = bit(2),
                instead = bit(64),
                insert = event(4, "INSERT"),
                update = event(16, "UPDATE"),
                delete = event(8, "DELETE"),
                truncate = event(32, "TRUNCATE"),
                row = bit(1),
            )
        }
        Dialect::Sqlite => {
            let arms: Vec<String> = schemas
                .iter()
                .map(|schema| {
                    let hex: String = schema.bytes().map(|b| format!("{b:02x}")).collect();
                    format!(
                        "SELECT 't' AS kind, CAST(X'{hex}' AS TEXT) AS schema, tbl_name, name, sql, \
                                NULL, NULL, NULL \
                         FROM {}.sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL",
                        quote_ident_always(schema)
                    )
                })
                .collect();
            match arms.is_empty() {
                true => "SELECT NULL WHERE 0".to_string(),
                false => format!("{} ORDER BY 1, 2, 3, 4", arms.join(" UNION ALL ")),
            }
        }
    }
}

/// Reads the rows of [`extras_sql`].
pub fn extras_from_rows(rows: &[Row]) -> BTreeMap<(String, String), Extras> {
    let mut extras: BTreeMap<(String, String), Extras> = BTreeMap::new();
    for row in rows {
        let cell = |i: usize| match row.get(i) {
            Some(Value::Text(s)) => s.clone(),
            _ => String::new(),
        };
        let entry = extras.entry((cell(1), cell(2))).or_default();
        match cell(0).as_str() {
            "c" => entry.checks.push(Check {
                name: cell(3),
                definition: cell(4),
            }),
            "t" if matches!(row.get(5), Some(Value::Text(_))) => entry.triggers.push(Trigger {
                name: cell(3),
                timing: cell(4),
                event: cell(5),
                level: cell(6),
                runs: cell(7),
            }),
            "t" => entry.triggers.push(sqlite_trigger(&cell(3), &cell(4))),
            "k" => entry.partition_key = Some(cell(4)),
            "p" => entry.partitions.push(Partition {
                schema: cell(5),
                name: cell(3),
                bound: cell(4),
            }),
            _ => {}
        }
    }
    for entry in extras.values_mut() {
        entry
            .partitions
            .sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    }
    extras
}

/// A SQLite trigger read from its `CREATE TRIGGER` text: the words between
/// its name and `ON` give the timing (`BEFORE` when none is written) and
/// event; SQLite has only row triggers; what it runs is its body.
fn sqlite_trigger(name: &str, sql: &str) -> Trigger {
    let tokens = db::sqlite::code_tokens(sql);
    let is = |at: usize, w: &str| matches!(tokens.get(at), Some(Token::Word(x)) if x.quote_style.is_none() && x.value.eq_ignore_ascii_case(w));
    let text = |from: usize, to: usize| {
        tokens[from.min(to)..to]
            .iter()
            .map(Token::to_string)
            .collect::<Vec<_>>()
            .join(" ")
            .replace(" ,", ",")
    };
    let mut at = (0..tokens.len())
        .find(|&i| is(i, "TRIGGER"))
        .map_or(tokens.len(), |i| i + 1);
    if is(at, "IF") {
        at += 3;
    }
    // The name, perhaps schema-qualified.
    at += if matches!(tokens.get(at + 1), Some(Token::Period)) {
        3
    } else {
        1
    };
    let timing = if is(at, "BEFORE") || is(at, "AFTER") {
        at += 1;
        text(at - 1, at).to_ascii_uppercase()
    } else if is(at, "INSTEAD") {
        at += 2;
        "INSTEAD OF".to_string()
    } else {
        "BEFORE".to_string()
    };
    let on = (at..tokens.len())
        .find(|&i| is(i, "ON"))
        .unwrap_or(tokens.len());
    let begin = (on..tokens.len())
        .find(|&i| is(i, "BEGIN"))
        .unwrap_or(tokens.len());
    Trigger {
        name: name.to_string(),
        timing,
        event: text(at, on),
        level: "row".to_string(),
        runs: text(begin, tokens.len()).replace(" ;", ";"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_triggers_are_read_from_their_text() {
        let t = sqlite_trigger(
            "stamp",
            "CREATE TRIGGER stamp AFTER UPDATE OF qty ON items\nBEGIN\n  UPDATE items SET n = 1;\nEND",
        );
        assert_eq!(
            (t.timing.as_str(), t.event.as_str(), t.level.as_str()),
            ("AFTER", "UPDATE OF qty", "row")
        );
        assert_eq!(t.runs, "BEGIN UPDATE items SET n = 1; END");
        let t = sqlite_trigger(
            "odd name",
            "CREATE TRIGGER IF NOT EXISTS \"odd name\" INSTEAD OF DELETE ON v BEGIN SELECT 1; END",
        );
        assert_eq!(
            (t.timing.as_str(), t.event.as_str()),
            ("INSTEAD OF", "DELETE")
        );
        let t = sqlite_trigger(
            "d",
            "create temp trigger main.d insert on t begin select 1; end",
        );
        assert_eq!((t.timing.as_str(), t.event.as_str()), ("BEFORE", "insert"));
    }

    #[test]
    fn rows_become_checks_and_triggers() {
        let t = |s: &str| Value::Text(s.into());
        let rows = vec![
            vec![
                t("c"),
                t("s"),
                t("r"),
                t("qty_positive"),
                t("CHECK (qty > 0)"),
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                t("t"),
                t("s"),
                t("r"),
                t("touch"),
                t("BEFORE"),
                t("INSERT OR UPDATE"),
                t("row"),
                t("s.touch()"),
            ],
            vec![t("k"), t("s"), t("r"), t(""), t("LIST (kind)")],
            vec![t("p"), t("s"), t("r"), t("r_b"), t("DEFAULT"), t("s")],
            vec![
                t("p"),
                t("s"),
                t("r"),
                t("r_a"),
                t("FOR VALUES IN (1)"),
                t("s"),
            ],
        ];
        let extras = extras_from_rows(&rows);
        let e = &extras[&("s".to_string(), "r".to_string())];
        assert_eq!(e.partition_key.as_deref(), Some("LIST (kind)"));
        let names: Vec<&str> = e.partitions.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["r_a", "r_b"]);
        assert_eq!(e.checks[0].definition, "CHECK (qty > 0)");
        assert_eq!(e.triggers[0].runs, "s.touch()");
        assert_eq!(e.triggers[0].event, "INSERT OR UPDATE");
    }

    #[test]
    fn the_postgres_query_names_only_pg_catalog_operators() {
        let sql = extras_sql(Dialect::Postgres, &[]);
        let mut bare = sql.clone();
        for op in ["=", "<>", "&", "||"] {
            bare = bare.replace(&format!("OPERATOR(pg_catalog.{op})"), "");
        }
        for op in [" = ", "<>", " & ", "||"] {
            assert!(!bare.contains(op), "{op} in {sql}");
        }
        let sql = extras_sql(Dialect::Sqlite, &["main".into(), "o'x".into()]);
        assert!(
            sql.contains("X'6f2778'") && sql.contains("\"o'x\".sqlite_master"),
            "{sql}"
        );
    }

    #[test]
    fn the_mysql_query_reads_the_connected_database_only() {
        let sql = extras_sql(Dialect::Mysql, &["shop".into()]);
        assert_eq!(sql.matches("= DATABASE()").count(), 2, "{sql}");
        assert!(sql.contains("NATURAL JOIN information_schema.TABLE_CONSTRAINTS"));
    }
}
