//! Validating a design on PostgreSQL: inside one trial transaction, which
//! is always rolled back, a throwaway schema `glance_design_<random>` goes
//! first on the search path (then `public`, so the design may reference
//! the person's tables); the design's statements run there, and what they
//! created is read back from the catalog in one query before the rollback.
//! Names in what is read back are given the schema the design would be
//! created in (the session's current schema), not the throwaway one.

use std::time::Duration;

use serde::Deserialize;

use crate::catalog::{ColumnInfo, ForeignKey, Index, Key, Relation, RelationKind};
use crate::db::postgres::action;
use crate::db::{self, Value};
use crate::docs::model::Check;
use crate::session::Session;
use crate::session::trial::TrialLimits;

use super::{Invalid, Proposed};

/// How long a design statement may wait for a lock, and run.
const LIMITS: TrialLimits = TrialLimits {
    lock_timeout: Duration::from_millis(500),
    statement_timeout: Duration::from_secs(5),
};

/// Creates `statements` in a throwaway schema inside a rolled-back trial.
pub(super) fn validate(
    session: &mut Session,
    statements: &[String],
) -> Result<Result<Proposed, Invalid>, db::Error> {
    let schema = format!("glance_design_{:016x}", random());
    session.trial(LIMITS, |t| {
        let target = match t
            .query("SELECT pg_catalog.current_schema()::pg_catalog.text")?
            .first()
        {
            Some(row) => match row.first() {
                Some(Value::Text(name)) => name.clone(),
                _ => "public".to_string(),
            },
            None => "public".to_string(),
        };
        t.run(&format!("CREATE SCHEMA {schema}"))?;
        t.run(&format!("SET LOCAL search_path = {schema}, public"))?;
        for sql in statements {
            if let Err(error) = t.run(sql) {
                return Ok(Err(Invalid::Database {
                    error,
                    sql: sql.clone(),
                }));
            }
        }
        let rows = t.query(&readback_sql(&schema))?;
        Ok(Ok(read(&rows, &schema, &target)))
    })
}

/// A number no other design of this process or another has drawn, as far
/// as chance goes (the standard library's per-process hash keys).
fn random() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.finish()
}

/// The query that reads every relation of `schema`: name, kind, comment,
/// then its columns, constraints and indexes as JSON arrays.
fn readback_sql(schema: &str) -> String {
    format!(
        "SELECT c.relname::pg_catalog.text, c.relkind::pg_catalog.text, \
                pg_catalog.obj_description(c.oid, 'pg_class'), \
                (SELECT pg_catalog.json_agg(pg_catalog.json_build_object( \
                     'name', a.attname, 'type', pg_catalog.format_type(a.atttypid, a.atttypmod), \
                     'not_null', a.attnotnull, \
                     'default', pg_catalog.pg_get_expr(d.adbin, d.adrelid), \
                     'identity', a.attidentity, 'generated', a.attgenerated, \
                     'comment', pg_catalog.col_description(c.oid, a.attnum)) ORDER BY a.attnum) \
                 FROM pg_catalog.pg_attribute a \
                 LEFT JOIN pg_catalog.pg_attrdef d \
                        ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid \
                       AND d.adnum OPERATOR(pg_catalog.=) a.attnum \
                 WHERE a.attrelid OPERATOR(pg_catalog.=) c.oid \
                   AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped)::pg_catalog.text, \
                (SELECT pg_catalog.json_agg(pg_catalog.json_build_object( \
                     'name', k.conname, 'type', k.contype, \
                     'columns', (SELECT pg_catalog.json_agg(a.attname ORDER BY u.n) \
                         FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY u(num, n) \
                         JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.conrelid \
                          AND a.attnum OPERATOR(pg_catalog.=) u.num), \
                     'ref_schema', fn.nspname, 'ref_table', fc.relname, \
                     'ref_columns', (SELECT pg_catalog.json_agg(a.attname ORDER BY u.n) \
                         FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY u(num, n) \
                         JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) k.confrelid \
                          AND a.attnum OPERATOR(pg_catalog.=) u.num), \
                     'on_delete', k.confdeltype, 'on_update', k.confupdtype, \
                     'definition', pg_catalog.pg_get_constraintdef(k.oid, true)) ORDER BY k.conname) \
                 FROM pg_catalog.pg_constraint k \
                 LEFT JOIN pg_catalog.pg_class fc ON fc.oid OPERATOR(pg_catalog.=) k.confrelid \
                 LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid OPERATOR(pg_catalog.=) fc.relnamespace \
                 WHERE k.conrelid OPERATOR(pg_catalog.=) c.oid)::pg_catalog.text, \
                (SELECT pg_catalog.json_agg(pg_catalog.json_build_object( \
                     'name', ic.relname, 'definition', pg_catalog.pg_get_indexdef(i.indexrelid), \
                     'unique', i.indisunique, 'primary', i.indisprimary) ORDER BY ic.relname) \
                 FROM pg_catalog.pg_index i \
                 JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid \
                 WHERE i.indrelid OPERATOR(pg_catalog.=) c.oid)::pg_catalog.text \
         FROM pg_catalog.pg_class c \
         JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
         WHERE n.nspname OPERATOR(pg_catalog.=) '{schema}' \
           AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm']::pg_catalog.\"char\"[]) \
         ORDER BY c.oid"
    )
}

#[derive(Deserialize)]
struct ColumnRow {
    name: String,
    r#type: String,
    not_null: bool,
    default: Option<String>,
    identity: String,
    generated: String,
    comment: Option<String>,
}

#[derive(Deserialize)]
struct ConstraintRow {
    name: String,
    r#type: String,
    columns: Option<Vec<String>>,
    ref_schema: Option<String>,
    ref_table: Option<String>,
    ref_columns: Option<Vec<String>>,
    on_delete: String,
    on_update: String,
    definition: String,
}

#[derive(Deserialize)]
struct IndexRow {
    name: String,
    definition: String,
    unique: bool,
    primary: bool,
}

/// The rows of [`readback_sql`] as relations in `target` with their checks;
/// `scratch` becomes `target` wherever the server wrote it.
fn read(rows: &[db::Row], scratch: &str, target: &str) -> Proposed {
    let moved = |text: &str| text.replace(&format!("{scratch}."), &format!("{target}."));
    let text = |row: &db::Row, i: usize| match row.get(i) {
        Some(Value::Text(s) | Value::Json(s)) => Some(moved(s)),
        _ => None,
    };
    fn list<T: for<'de> Deserialize<'de>>(json: Option<String>) -> Vec<T> {
        json.and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default()
    }
    let mut proposed = Proposed::default();
    for row in rows {
        let name = text(row, 0).unwrap_or_default();
        let kind = match text(row, 1).as_deref() {
            Some("v") => RelationKind::View,
            Some("m") => RelationKind::MaterializedView,
            Some("p") => RelationKind::PartitionedTable,
            _ => RelationKind::Table,
        };
        let mut relation = Relation::new(target, &name, kind);
        relation.comment = text(row, 2);
        relation.columns = list::<ColumnRow>(text(row, 3))
            .into_iter()
            .map(|c| ColumnInfo {
                default: match (c.identity.as_str(), c.generated.as_str()) {
                    ("a", _) => Some(crate::catalog::IDENTITY_DEFAULTS[0].to_string()),
                    ("d", _) => Some(crate::catalog::IDENTITY_DEFAULTS[1].to_string()),
                    (_, "s") => c
                        .default
                        .map(|e| format!("generated always as ({e}) stored")),
                    _ => c.default,
                },
                name: c.name,
                type_name: c.r#type,
                nullable: !c.not_null,
                comment: c.comment,
                samples: Vec::new(),
            })
            .collect();
        let mut checks = Vec::new();
        for k in list::<ConstraintRow>(text(row, 4)) {
            let columns = k.columns.unwrap_or_default();
            match k.r#type.as_str() {
                "p" => {
                    relation.primary_key = Some(Key {
                        name: k.name,
                        columns,
                    })
                }
                "u" => relation.unique_keys.push(Key {
                    name: k.name,
                    columns,
                }),
                "f" => relation.foreign_keys.push(ForeignKey {
                    name: k.name,
                    columns,
                    ref_schema: match k.ref_schema.unwrap_or_default() {
                        s if s == scratch => target.to_string(),
                        s => s,
                    },
                    ref_table: k.ref_table.unwrap_or_default(),
                    ref_columns: k.ref_columns.unwrap_or_default(),
                    on_delete: action(&k.on_delete),
                    on_update: action(&k.on_update),
                }),
                "c" => checks.push(Check {
                    name: k.name,
                    definition: k.definition,
                }),
                _ => {}
            }
        }
        relation.indexes = list::<IndexRow>(text(row, 5))
            .into_iter()
            .map(|i| Index {
                name: i.name,
                definition: i.definition,
                unique: i.unique,
                primary: i.primary,
            })
            .collect();
        if !checks.is_empty() {
            proposed.checks.insert(name, checks);
        }
        proposed.catalog.relations.push(relation);
    }
    proposed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_become_relations_in_the_target_schema() {
        let t = |s: &str| Value::Text(s.into());
        let row = vec![
            t("loans"),
            t("r"),
            t("One loan of a copy"),
            t(
                r#"[{"name":"id","type":"bigint","not_null":true,"default":null,"identity":"a","generated":"","comment":null},
                  {"name":"copy_id","type":"bigint","not_null":true,"default":null,"identity":"","generated":"","comment":"the copy"}]"#,
            ),
            t(
                r#"[{"name":"loans_pkey","type":"p","columns":["id"],"ref_schema":null,"ref_table":null,"ref_columns":null,"on_delete":" ","on_update":" ","definition":"PRIMARY KEY (id)"},
                  {"name":"loans_copy_fk","type":"f","columns":["copy_id"],"ref_schema":"glance_design_1","ref_table":"copies","ref_columns":["id"],"on_delete":"c","on_update":"a","definition":"FOREIGN KEY"},
                  {"name":"loans_check","type":"c","columns":["id"],"ref_schema":null,"ref_table":null,"ref_columns":null,"on_delete":" ","on_update":" ","definition":"CHECK (id > 0)"}]"#,
            ),
            t(
                r#"[{"name":"loans_copy_id_idx","definition":"CREATE INDEX loans_copy_id_idx ON glance_design_1.loans USING btree (copy_id)","unique":false,"primary":false}]"#,
            ),
        ];
        let proposed = read(&[row], "glance_design_1", "public");
        let r = &proposed.catalog.relations[0];
        assert_eq!((r.schema.as_str(), r.name.as_str()), ("public", "loans"));
        assert_eq!(
            r.columns[0].default.as_deref(),
            Some("generated always as identity")
        );
        assert_eq!(r.primary_key.as_ref().unwrap().columns, ["id"]);
        assert_eq!(r.foreign_keys[0].ref_schema, "public");
        assert_eq!(r.foreign_keys[0].on_delete.as_deref(), Some("CASCADE"));
        assert!(r.indexes[0].definition.contains("ON public.loans"));
        assert_eq!(proposed.checks["loans"][0].definition, "CHECK (id > 0)");
    }
}
