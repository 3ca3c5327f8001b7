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
    Cast, Catalog, ColumnInfo, Domain, EnumType, ForeignKey, FunctionRef, Index, Key, Operator,
    Policy, Relation, RelationKind, Routine, Schema, Volatility,
};

/// How many catalog queries [`load`] runs.
pub const QUERIES: usize = 6;

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
     ORDER BY 1, 2, 3"
);

/// What the safety classifier reads to verify user code: built-in
/// functions' volatility by name (`b`), routines that are not built in
/// (`f`), user operators (`o`), user casts that call a function (`c`),
/// domains (`d`), read policies of tables with row-level security (`p`) and
/// the search path (`s`). Columns: kind, oid, schema, name, a, b, c, body,
/// extension, flag, texts, the functions the object calls (oids, schemas,
/// names), and a routine's arity (arguments, defaults, variadic). Every name is qualified: this runs before anything is
/// verified.
const CODE: &str = "\
    WITH calls AS (\
        SELECT f.oid AS oid, n.nspname::pg_catalog.text AS schema, \
               f.proname::pg_catalog.text AS name \
        FROM pg_catalog.pg_proc f \
             JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) f.pronamespace) \
    SELECT 'b'::pg_catalog.text AS kind, NULL::pg_catalog.int8 AS oid, \
           NULL::pg_catalog.text AS schema, \
           pg_catalog.lower(p.proname::pg_catalog.text) AS name, \
           CASE WHEN pg_catalog.bool_or(p.provolatile OPERATOR(pg_catalog.=) 'v') THEN 'v' \
                WHEN pg_catalog.bool_or(p.provolatile OPERATOR(pg_catalog.=) 's') THEN 's' \
                ELSE 'i' END AS a, \
           NULL::pg_catalog.text AS b, NULL::pg_catalog.text AS c, \
           NULL::pg_catalog.text AS body, NULL::pg_catalog.text AS extension, \
           false AS flag, NULL::pg_catalog.text[] AS texts, \
           NULL::pg_catalog.int8[] AS call_oids, NULL::pg_catalog.text[] AS call_schemas, \
           NULL::pg_catalog.text[] AS call_names, NULL::pg_catalog.int8[] AS arity \
    FROM pg_catalog.pg_proc p \
    WHERE p.pronamespace OPERATOR(pg_catalog.=) 'pg_catalog'::pg_catalog.regnamespace \
      AND p.oid OPERATOR(pg_catalog.<) 16384 \
      AND p.proname OPERATOR(pg_catalog.!~) '^pg_' \
    GROUP BY pg_catalog.lower(p.proname::pg_catalog.text) \
    UNION ALL \
    SELECT 'f', p.oid::pg_catalog.int8, n.nspname::pg_catalog.text, p.proname::pg_catalog.text, \
           p.provolatile::pg_catalog.text, l.lanname::pg_catalog.text, p.prokind::pg_catalog.text, \
           CASE WHEN l.lanname OPERATOR(pg_catalog.<>) 'sql' THEN NULL \
                WHEN p.prosrc OPERATOR(pg_catalog.<>) '' \
                  OR p.prokind OPERATOR(pg_catalog.=) 'a' THEN p.prosrc \
                ELSE pg_catalog.pg_get_functiondef(p.oid) END, \
           x.extname::pg_catalog.text, p.prosecdef, NULL, \
           s.oids, s.schemas, s.names, \
           ARRAY[p.pronargs, p.pronargdefaults, \
                 (p.provariadic OPERATOR(pg_catalog.<>) 0)::pg_catalog.int4]::pg_catalog.int8[] \
    FROM pg_catalog.pg_proc p \
         JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace \
         JOIN pg_catalog.pg_language l ON l.oid OPERATOR(pg_catalog.=) p.prolang \
         LEFT JOIN pg_catalog.pg_depend d \
              ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass \
             AND d.objid OPERATOR(pg_catalog.=) p.oid AND d.deptype OPERATOR(pg_catalog.=) 'e' \
         LEFT JOIN pg_catalog.pg_extension x ON x.oid OPERATOR(pg_catalog.=) d.refobjid \
         LEFT JOIN pg_catalog.pg_aggregate g ON g.aggfnoid OPERATOR(pg_catalog.=) p.oid \
         LEFT JOIN LATERAL ( \
             SELECT pg_catalog.array_agg(c.oid::pg_catalog.int8) AS oids, \
                    pg_catalog.array_agg(c.schema) AS schemas, \
                    pg_catalog.array_agg(c.name) AS names \
             FROM pg_catalog.unnest(ARRAY[g.aggtransfn, g.aggfinalfn, g.aggcombinefn, \
                      g.aggserialfn, g.aggdeserialfn, g.aggmtransfn, g.aggminvtransfn, \
                      g.aggmfinalfn]::pg_catalog.oid[]) AS u(f) \
                  JOIN calls c ON c.oid OPERATOR(pg_catalog.=) u.f) s ON true \
    WHERE p.oid OPERATOR(pg_catalog.>=) 16384 \
    UNION ALL \
    SELECT 'o', o.oid::pg_catalog.int8, n.nspname::pg_catalog.text, o.oprname::pg_catalog.text, \
           NULL, NULL, NULL, NULL, NULL, false, NULL, \
           ARRAY[c.oid::pg_catalog.int8], ARRAY[c.schema], ARRAY[c.name], NULL \
    FROM pg_catalog.pg_operator o \
         JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) o.oprnamespace \
         JOIN calls c ON c.oid OPERATOR(pg_catalog.=) o.oprcode \
    WHERE o.oid OPERATOR(pg_catalog.>=) 16384 \
    UNION ALL \
    SELECT 'c', k.oid::pg_catalog.int8, n.nspname::pg_catalog.text, t.typname::pg_catalog.text, \
           k.castcontext::pg_catalog.text, NULL, NULL, NULL, NULL, false, NULL, \
           ARRAY[c.oid::pg_catalog.int8], ARRAY[c.schema], ARRAY[c.name], NULL \
    FROM pg_catalog.pg_cast k \
         JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) k.casttarget \
         JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.typnamespace \
         JOIN calls c ON c.oid OPERATOR(pg_catalog.=) k.castfunc \
    WHERE k.oid OPERATOR(pg_catalog.>=) 16384 \
    UNION ALL \
    SELECT 'd', t.oid::pg_catalog.int8, n.nspname::pg_catalog.text, t.typname::pg_catalog.text, \
           bn.nspname::pg_catalog.text, b.typname::pg_catalog.text, b.typtype::pg_catalog.text, \
           NULL, NULL, false, \
           ARRAY(SELECT pg_catalog.pg_get_constraintdef(k.oid) FROM pg_catalog.pg_constraint k \
                 WHERE k.contypid OPERATOR(pg_catalog.=) t.oid \
                   AND k.contype OPERATOR(pg_catalog.=) 'c' ORDER BY k.conname), \
           NULL, NULL, NULL, NULL \
    FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.typnamespace \
         JOIN pg_catalog.pg_type b ON b.oid OPERATOR(pg_catalog.=) t.typbasetype \
         JOIN pg_catalog.pg_namespace bn ON bn.oid OPERATOR(pg_catalog.=) b.typnamespace \
    WHERE t.typtype OPERATOR(pg_catalog.=) 'd' AND t.oid OPERATOR(pg_catalog.>=) 16384 \
    UNION ALL \
    SELECT 'p', y.oid::pg_catalog.int8, n.nspname::pg_catalog.text, r.relname::pg_catalog.text, \
           y.polname::pg_catalog.text, NULL, NULL, pg_catalog.pg_get_expr(y.polqual, y.polrelid), \
           NULL, false, NULL, NULL, NULL, NULL, NULL \
    FROM pg_catalog.pg_policy y \
         JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) y.polrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) r.relnamespace \
    WHERE r.relrowsecurity AND y.polcmd OPERATOR(pg_catalog.=) ANY (ARRAY['r', '*']::pg_catalog.\"char\"[]) \
    UNION ALL \
    SELECT 's', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, false, \
           pg_catalog.current_schemas(true)::pg_catalog.text[], NULL, NULL, NULL, NULL";

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
    for row in client.query_typed(CODE, &[])? {
        add_code(&mut catalog, &row)?;
    }
    catalog.round_trips = QUERIES;
    Ok(catalog)
}

/// Adds one row of [`CODE`] to the catalog.
fn add_code(catalog: &mut Catalog, row: &Row) -> Result<(), postgres::Error> {
    let kind: String = row.try_get(0)?;
    let oid = row.try_get::<_, Option<i64>>(1)?.unwrap_or_default() as u32;
    let schema: String = row.try_get::<_, Option<String>>(2)?.unwrap_or_default();
    let name: String = row.try_get::<_, Option<String>>(3)?.unwrap_or_default();
    let a: Option<String> = row.try_get(4)?;
    let text = |i: usize| row.try_get::<_, Option<String>>(i);
    let texts = row
        .try_get::<_, Option<Vec<String>>>(10)?
        .unwrap_or_default();
    let calls = calls(row)?;
    let first_call = || calls.first().cloned().unwrap_or_default();
    let code = &mut catalog.code;
    match kind.as_str() {
        "b" => {
            catalog.functions.insert(name, volatility(a.as_deref()));
        }
        "f" => {
            let language = text(5)?.unwrap_or_default();
            // A standard-SQL body comes as its `pg_get_functiondef`.
            let body = text(7)?.map(|body| match body.starts_with("CREATE ") {
                true => standard_body(&body),
                false => body,
            });
            let arity = row.try_get::<_, Option<Vec<i64>>>(14)?.unwrap_or_default();
            let count = |i: usize| arity.get(i).copied().unwrap_or_default().max(0) as usize;
            code.routines.push(Routine {
                function: FunctionRef { oid, schema, name },
                // A variadic parameter may take no argument only with a default.
                min_args: count(0).saturating_sub(count(1) + count(2)),
                max_args: (count(2) == 0).then_some(count(0)),
                language,
                volatility: volatility(a.as_deref()),
                body,
                extension: text(8)?,
                security_definer: row.try_get(9)?,
                support: calls,
            });
        }
        "o" => code.operators.push(Operator {
            symbol: name,
            function: first_call(),
        }),
        "c" => code.casts.push(Cast {
            schema,
            target: name,
            function: first_call(),
            implicit: a.as_deref() != Some("e"),
        }),
        "d" => {
            let base_name = text(5)?.unwrap_or_default();
            let base_is_domain = text(6)?.as_deref() == Some("d");
            code.domains.push(Domain {
                schema,
                name,
                checks: texts,
                base: base_is_domain.then(|| (a.unwrap_or_default(), base_name)),
            });
        }
        "p" => code.policies.push(Policy {
            schema,
            table: name,
            name: a.unwrap_or_default(),
            using: text(7)?,
        }),
        _ => code.search_path = Some(texts),
    }
    Ok(())
}

/// The functions a [`CODE`] row says its object calls.
fn calls(row: &Row) -> Result<Vec<FunctionRef>, postgres::Error> {
    let oids = row.try_get::<_, Option<Vec<i64>>>(11)?.unwrap_or_default();
    let schemas = row
        .try_get::<_, Option<Vec<String>>>(12)?
        .unwrap_or_default();
    let names = row
        .try_get::<_, Option<Vec<String>>>(13)?
        .unwrap_or_default();
    Ok(oids
        .into_iter()
        .zip(schemas)
        .zip(names)
        .map(|((oid, schema), name)| FunctionRef {
            oid: oid as u32,
            schema,
            name,
        })
        .collect())
}

fn volatility(code: Option<&str>) -> Volatility {
    match code {
        Some("i") => Volatility::Immutable,
        Some("s") => Volatility::Stable,
        _ => Volatility::Volatile,
    }
}

/// The statements of a standard-SQL function body from its
/// `pg_get_functiondef` text: what lies between `BEGIN ATOMIC` and the last
/// `END`, or the expression after `RETURN` as a `SELECT`. Anything else is
/// returned whole (and will not parse, so the function asks).
fn standard_body(definition: &str) -> String {
    if let Some(start) = definition.find("\nBEGIN ATOMIC\n") {
        let inner = &definition[start + "\nBEGIN ATOMIC\n".len()..];
        let end = inner.rfind("END").unwrap_or(inner.len());
        return inner[..end].to_string();
    }
    if let Some(start) = definition.find("\nRETURN ") {
        return format!("SELECT {}", &definition[start + "\nRETURN ".len()..]);
    }
    definition.to_string()
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
        _ => {}
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
