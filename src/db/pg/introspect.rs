//! Reading a PostgreSQL schema into a [`Catalog`].
//!
//! Invariant: a fixed number of catalog queries ([`QUERIES`]), one round
//! trip each (unprepared, typed queries), whatever the size of the schema:
//! each query covers every relation at once and rows are matched to
//! relations by OID here. System schemas (`pg_catalog`,
//! `information_schema`, `pg_toast`, temporary schemas) are left out, but
//! for the safety classifier the volatility of built-in functions is read
//! from `pg_catalog` too (those not named `pg_…`, which the classifier
//! judges by its own lists).
//! Partitions are listed as tables of their own, as psql lists them.

use std::collections::HashMap;

use postgres::types::Type;
use postgres::{Client, Row};

use crate::catalog::{
    Catalog, ColumnInfo, EnumType, ForeignKey, Index, Key, Relation, RelationKind, Schema,
    Volatility,
};

/// How many catalog queries [`load`] runs.
pub const QUERIES: usize = 5;

/// The user-visible schemas, as a condition on `n.nspname`.
macro_rules! user_schemas {
    () => {
        "n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') \
         AND n.nspname !~ '^pg_(toast_)?temp_'"
    };
}

const NAMESPACE_OBJECTS: &str = concat!(
    "SELECT 's' AS kind, n.nspname::text AS a, NULL::text AS b, \
            pg_get_userbyid(n.nspowner)::text AS c, \
            obj_description(n.oid, 'pg_namespace') AS d, NULL::text[] AS labels \
     FROM pg_namespace n WHERE ",
    user_schemas!(),
    " UNION ALL \
     SELECT 'e', n.nspname::text, t.typname::text, NULL, obj_description(t.oid, 'pg_type'), \
            array_agg(e.enumlabel::text ORDER BY e.enumsortorder) \
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
          JOIN pg_enum e ON e.enumtypid = t.oid WHERE ",
    user_schemas!(),
    " GROUP BY n.nspname, t.typname, t.oid \
     UNION ALL \
     SELECT 'f', lower(p.proname::text), \
            CASE WHEN bool_or(p.provolatile = 'v') THEN 'v' \
                 WHEN bool_or(p.provolatile = 's') THEN 's' ELSE 'i' END, NULL, NULL, NULL \
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
     WHERE (n.nspname = 'pg_catalog' AND p.proname !~ '^pg_') OR (",
    user_schemas!(),
    ") GROUP BY lower(p.proname::text) \
     UNION ALL \
     SELECT 'o', o.oprname::text, \
            CASE WHEN bool_or(p.provolatile = 'v') THEN 'v' \
                 WHEN bool_or(p.provolatile = 's') THEN 's' ELSE 'i' END, NULL, NULL, NULL \
     FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace \
          JOIN pg_proc p ON p.oid = o.oprcode WHERE ",
    user_schemas!(),
    " GROUP BY o.oprname \
     ORDER BY 1, 2, 3"
);

const RELATIONS: &str = concat!(
    "SELECT c.oid::int8, n.nspname::text, c.relname::text, c.relkind::text, \
            pg_get_userbyid(c.relowner)::text, d.description, \
            c.reltuples::float8, \
            CASE WHEN c.relkind IN ('r', 'm') THEN pg_total_relation_size(c.oid) END, \
            CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END \
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
          LEFT JOIN pg_description d ON d.objoid = c.oid \
               AND d.classoid = 'pg_class'::regclass AND d.objsubid = 0 \
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ",
    user_schemas!(),
    " ORDER BY n.nspname, c.relname"
);

const COLUMNS: &str = concat!(
    "SELECT a.attrelid::int8, a.attname::text, format_type(a.atttypid, a.atttypmod), \
            a.attnotnull, pg_get_expr(d.adbin, d.adrelid), cd.description \
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid \
          JOIN pg_namespace n ON n.oid = c.relnamespace \
          LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
          LEFT JOIN pg_description cd ON cd.objoid = a.attrelid \
               AND cd.classoid = 'pg_class'::regclass AND cd.objsubid = a.attnum \
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f') AND ",
    user_schemas!(),
    " ORDER BY a.attrelid, a.attnum"
);

/// Keys and foreign keys. Copies a foreign key makes for each partition of
/// the table it references are left out (they repeat their parent).
const CONSTRAINTS: &str = concat!(
    "SELECT con.conrelid::int8, con.conname::text, con.contype::text, \
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(num, ord) \
                  JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num \
                  ORDER BY k.ord), \
            fn.nspname::text, fc.relname::text, \
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(num, ord) \
                  JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num \
                  ORDER BY k.ord), \
            con.confdeltype::text, con.confupdtype::text \
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
          JOIN pg_namespace n ON n.oid = c.relnamespace \
          LEFT JOIN pg_class fc ON fc.oid = con.confrelid \
          LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace \
     WHERE con.contype IN ('p', 'u', 'f') \
       AND NOT EXISTS (SELECT 1 FROM pg_constraint pc \
                       WHERE pc.oid = con.conparentid AND pc.conrelid = con.conrelid) AND ",
    user_schemas!(),
    " ORDER BY con.conrelid, con.conname"
);

const INDEXES: &str = concat!(
    "SELECT i.indrelid::int8, ic.relname::text, pg_get_indexdef(i.indexrelid), \
            i.indisunique, i.indisprimary \
     FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid \
          JOIN pg_class c ON c.oid = i.indrelid \
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ",
    user_schemas!(),
    " ORDER BY i.indrelid, i.indisprimary DESC, ic.relname"
);

/// Reads the whole schema in [`QUERIES`] queries.
pub fn load(client: &mut Client) -> Result<Catalog, postgres::Error> {
    let mut catalog = Catalog::default();
    for row in client.query_typed(NAMESPACE_OBJECTS, &[])? {
        add_namespace_object(&mut catalog, &row)?;
    }
    let mut by_oid: HashMap<i64, usize> = HashMap::new();
    for row in client.query_typed(RELATIONS, &[])? {
        if let Some(rel) = relation(&row)? {
            by_oid.insert(row.try_get(0)?, catalog.relations.len());
            catalog.relations.push(rel);
        }
    }
    for row in client.query_typed(COLUMNS, &[])? {
        if let Some(&i) = by_oid.get(&row.try_get::<_, i64>(0)?) {
            catalog.relations[i].columns.push(ColumnInfo {
                name: row.try_get(1)?,
                type_name: row.try_get(2)?,
                nullable: !row.try_get::<_, bool>(3)?,
                default: row.try_get(4)?,
                comment: row.try_get(5)?,
                samples: Vec::new(),
            });
        }
    }
    for row in client.query_typed(CONSTRAINTS, &[])? {
        if let Some(&i) = by_oid.get(&row.try_get::<_, i64>(0)?) {
            add_constraint(&mut catalog.relations[i], &row)?;
        }
    }
    for row in client.query_typed(INDEXES, &[])? {
        if let Some(&i) = by_oid.get(&row.try_get::<_, i64>(0)?) {
            catalog.relations[i].indexes.push(Index {
                name: row.try_get(1)?,
                definition: row.try_get(2)?,
                unique: row.try_get(3)?,
                primary: row.try_get(4)?,
            });
        }
    }
    catalog.round_trips = QUERIES;
    Ok(catalog)
}

/// Distinct values of text-like columns the planner's statistics say have
/// few of them, one row per value, from `pg_stats` (no table is scanned;
/// columns never analyzed have no statistics and get no samples).
const SAMPLES: &str = concat!(
    "SELECT s.schemaname::text, s.tablename::text, s.attname::text, v, c.reltuples::float8 \
     FROM pg_stats s \
     JOIN pg_namespace n ON n.nspname = s.schemaname \
     JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = s.tablename \
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = s.attname \
     CROSS JOIN LATERAL unnest(s.most_common_vals::text::text[]) AS v \
     WHERE a.atttypid IN ('text'::regtype, 'varchar'::regtype, 'bpchar'::regtype) \
       AND NOT s.inherited \
       AND (s.n_distinct BETWEEN 1 AND $1 OR -s.n_distinct * c.reltuples BETWEEN 1 AND $1) \
       AND ",
    user_schemas!(),
    " ORDER BY 1, 2, 3, 4"
);

/// Adds sample values to `catalog` in one query (see [`SAMPLES`]).
pub fn load_samples(client: &mut Client, catalog: &mut Catalog) -> Result<(), postgres::Error> {
    let limit = crate::catalog::MAX_SAMPLES as f32;
    let mut current: Option<(String, String, String)> = None;
    let mut values = Vec::new();
    let mut rows = 0;
    for row in client.query_typed(SAMPLES, &[(&limit, Type::FLOAT4)])? {
        let key: (String, String, String) = (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        if current.as_ref() != Some(&key) {
            if let Some((s, t, c)) = current.take() {
                catalog.set_samples(&s, &t, &c, std::mem::take(&mut values), rows);
            }
            current = Some(key);
        }
        values.push(row.try_get(3)?);
        rows = row.try_get::<_, f64>(4)?.max(0.0) as u64;
    }
    if let Some((s, t, c)) = current {
        catalog.set_samples(&s, &t, &c, values, rows);
    }
    Ok(())
}

fn add_namespace_object(catalog: &mut Catalog, row: &Row) -> Result<(), postgres::Error> {
    let kind: String = row.try_get(0)?;
    let a: String = row.try_get(1)?;
    let b: Option<String> = row.try_get(2)?;
    match kind.as_str() {
        "s" => catalog.schemas.push(Schema {
            name: a,
            owner: row.try_get(3)?,
            comment: row.try_get(4)?,
        }),
        "e" => catalog.enums.push(EnumType {
            schema: a,
            name: b.unwrap_or_default(),
            labels: row
                .try_get::<_, Option<Vec<String>>>(5)?
                .unwrap_or_default(),
            comment: row.try_get(4)?,
        }),
        kind => {
            let volatility = match b.as_deref() {
                Some("i") => Volatility::Immutable,
                Some("s") => Volatility::Stable,
                _ => Volatility::Volatile,
            };
            let map = if kind == "o" {
                &mut catalog.operators
            } else {
                &mut catalog.functions
            };
            map.insert(a, volatility);
        }
    }
    Ok(())
}

fn relation(row: &Row) -> Result<Option<Relation>, postgres::Error> {
    let kind = match row.try_get::<_, String>(3)?.as_str() {
        "r" => RelationKind::Table,
        "p" => RelationKind::PartitionedTable,
        "v" => RelationKind::View,
        "m" => RelationKind::MaterializedView,
        "f" => RelationKind::ForeignTable,
        _ => return Ok(None),
    };
    let reltuples: f64 = row.try_get(6)?;
    Ok(Some(Relation {
        schema: row.try_get(1)?,
        name: row.try_get(2)?,
        kind,
        owner: row.try_get(4)?,
        columns: Vec::new(),
        primary_key: None,
        unique_keys: Vec::new(),
        foreign_keys: Vec::new(),
        indexes: Vec::new(),
        comment: row.try_get(5)?,
        row_estimate: (reltuples >= 0.0).then_some(reltuples as i64),
        size_bytes: row.try_get(7)?,
        definition: row.try_get(8)?,
    }))
}

fn add_constraint(rel: &mut Relation, row: &Row) -> Result<(), postgres::Error> {
    let name: String = row.try_get(1)?;
    let columns: Vec<String> = row.try_get(3)?;
    match row.try_get::<_, String>(2)?.as_str() {
        "p" => rel.primary_key = Some(Key { name, columns }),
        "u" => rel.unique_keys.push(Key { name, columns }),
        _ => rel.foreign_keys.push(ForeignKey {
            name,
            columns,
            ref_schema: row.try_get::<_, Option<String>>(4)?.unwrap_or_default(),
            ref_table: row.try_get::<_, Option<String>>(5)?.unwrap_or_default(),
            ref_columns: row.try_get(6)?,
            on_delete: action(&row.try_get::<_, String>(7)?),
            on_update: action(&row.try_get::<_, String>(8)?),
        }),
    }
    Ok(())
}

/// A referential action code as SQL words; `None` for NO ACTION.
fn action(code: &str) -> Option<String> {
    let words = match code {
        "r" => "RESTRICT",
        "c" => "CASCADE",
        "n" => "SET NULL",
        "d" => "SET DEFAULT",
        _ => return None,
    };
    Some(words.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referential_actions() {
        assert_eq!(action("a"), None);
        assert_eq!(action("c").as_deref(), Some("CASCADE"));
        assert_eq!(action("n").as_deref(), Some("SET NULL"));
        assert_eq!(action("d").as_deref(), Some("SET DEFAULT"));
        assert_eq!(action("r").as_deref(), Some("RESTRICT"));
    }

    #[test]
    fn every_query_skips_system_schemas() {
        for q in [NAMESPACE_OBJECTS, RELATIONS, COLUMNS, CONSTRAINTS, INDEXES] {
            assert!(
                q.contains("'pg_catalog', 'information_schema', 'pg_toast'"),
                "{q}"
            );
        }
    }
}
