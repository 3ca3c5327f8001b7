//! Reading a PostgreSQL schema into a [`Catalog`].
//!
//! Invariant: a fixed number of catalog queries ([`QUERIES`]), one round
//! trip each (unprepared, typed queries), whatever the size of the schema:
//! each query covers every relation at once and rows are matched to
//! relations by OID here. System schemas (`pg_catalog`,
//! `information_schema`, `pg_toast`, temporary schemas) are left out of the
//! schema, but the safety classifier gets the volatility of built-in
//! functions (those not named `pg_…`, which it judges by its own lists) and
//! the code it verifies: every routine, operator, cast, domain and read
//! policy that is not built in, with definitions, and the search path.
//! Every name in these queries is qualified with `pg_catalog`, and they run
//! under a search path of `pg_catalog` alone (see [`load`]).
//! Partitions are listed as tables of their own, as psql lists them.

use std::collections::HashMap;

use postgres::types::Type;
use postgres::{Client, Row};

use crate::catalog::{
    Cast, Catalog, Child, ColumnInfo, Domain, EnumType, ForeignKey, FunctionRef, Index, IndexCode,
    Key, Operator, Policy, Relation, RelationKind, Routine, Schema, Volatility,
};

/// How many catalog queries [`load`] runs.
pub const QUERIES: usize = 5;

/// The user-visible schemas, as a condition on `n` (a `pg_namespace`): the
/// session's own temporary schema is one (its views and tables are read
/// like any other); other sessions' are not.
macro_rules! user_schemas {
    () => {
        "n.nspname OPERATOR(pg_catalog.<>) ALL \
         (ARRAY['pg_catalog', 'information_schema', 'pg_toast']::pg_catalog.name[]) \
         AND (n.nspname OPERATOR(pg_catalog.!~) '^pg_(toast_)?temp_' \
              OR n.oid OPERATOR(pg_catalog.=) pg_catalog.pg_my_temp_schema())"
    };
}

/// What the safety classifier reads to verify user code: built-in
/// functions' volatility by name (`b`), routines that are not built in
/// (`f`), user operators (`o`, one row for its function and one for each of
/// its negator's and commutator's, which the planner may use instead), user casts that call a function (`c`),
/// domains (`d`), read policies of tables with row-level security (`p`) and
/// index operator classes whose families call functions that are not built
/// in (`x`), and partitions and inheritance children (`i`).
/// A routine's `a` is its own settings (`proconfig`) as a JSON array, its `c`
/// its argument defaults and its `texts` its argument and
/// result types (or their element types) outside `pg_catalog`, as schema,
/// name pairs. Columns: kind, oid, schema, name, a, b, c, body,
/// extension, flag, texts, the functions the object calls (oids, schemas,
/// names), and a routine's arity (arguments, defaults, variadic). Every name is qualified: this runs before anything is
/// verified.
const CODE: &str = concat!(
    "WITH before AS MATERIALIZED (\
        SELECT pg_catalog.current_schemas(true)::pg_catalog.text[] AS path, \
               pg_catalog.current_setting('search_path') AS setting, \
               pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', false) AS safe), \
    calls AS (\
        SELECT f.oid AS oid, n.nspname::pg_catalog.text AS schema, \
               f.proname::pg_catalog.text AS name \
        FROM pg_catalog.pg_proc f \
             JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) f.pronamespace) \
    SELECT 's'::pg_catalog.text AS kind, NULL::pg_catalog.int8 AS oid, \
           NULL::pg_catalog.text AS schema, b.setting AS name, NULL::pg_catalog.text AS a, \
           NULL::pg_catalog.text AS b, NULL::pg_catalog.text AS c, \
           NULL::pg_catalog.text AS body, NULL::pg_catalog.text AS extension, \
           false AS flag, b.path AS texts, \
           NULL::pg_catalog.int8[] AS call_oids, NULL::pg_catalog.text[] AS call_schemas, \
           NULL::pg_catalog.text[] AS call_names, NULL::pg_catalog.int8[] AS arity \
    FROM before b \
    UNION ALL \
    SELECT 'n', NULL, n.nspname::pg_catalog.text, NULL, \
           pg_catalog.pg_get_userbyid(n.nspowner)::pg_catalog.text, NULL, NULL, \
           pg_catalog.obj_description(n.oid, 'pg_namespace'), NULL, false, NULL, \
           NULL, NULL, NULL, NULL \
    FROM pg_catalog.pg_namespace n WHERE ",
    user_schemas!(),
    " UNION ALL \
    SELECT 'e', NULL, n.nspname::pg_catalog.text, t.typname::pg_catalog.text, NULL, NULL, NULL, \
           pg_catalog.obj_description(t.oid, 'pg_type'), NULL, false, \
           pg_catalog.array_agg(e.enumlabel::pg_catalog.text ORDER BY e.enumsortorder), \
           NULL, NULL, NULL, NULL \
    FROM pg_catalog.pg_type t \
         JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.typnamespace \
         JOIN pg_catalog.pg_enum e ON e.enumtypid OPERATOR(pg_catalog.=) t.oid WHERE ",
    user_schemas!(),
    " GROUP BY n.nspname, t.typname, t.oid \
    UNION ALL \
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
           pg_catalog.array_to_json(p.proconfig)::pg_catalog.text, l.lanname::pg_catalog.text, \
           pg_catalog.pg_get_expr(p.proargdefaults, 0::pg_catalog.oid), \
           CASE WHEN l.lanname OPERATOR(pg_catalog.<>) 'sql' THEN NULL \
                WHEN p.prosrc OPERATOR(pg_catalog.<>) '' \
                  OR p.prokind OPERATOR(pg_catalog.=) 'a' THEN p.prosrc \
                ELSE pg_catalog.pg_get_functiondef(p.oid) END, \
           x.extname::pg_catalog.text, p.prosecdef, \
           ARRAY(SELECT w.v FROM pg_catalog.unnest(pg_catalog.array_cat( \
                     COALESCE(p.proallargtypes, p.proargtypes::pg_catalog.oid[]), \
                     ARRAY[p.prorettype])) WITH ORDINALITY AS u(t, k) \
                 JOIN pg_catalog.pg_type ty ON ty.oid OPERATOR(pg_catalog.=) u.t \
                 JOIN pg_catalog.pg_type dt \
                      ON dt.oid OPERATOR(pg_catalog.=) CASE WHEN ty.typelem OPERATOR(pg_catalog.=) 0 \
                                                           OR ty.typtype OPERATOR(pg_catalog.=) 'd' \
                                                           THEN ty.oid ELSE ty.typelem END \
                 JOIN pg_catalog.pg_namespace dn ON dn.oid OPERATOR(pg_catalog.=) dt.typnamespace \
                  AND dn.nspname OPERATOR(pg_catalog.<>) 'pg_catalog' \
                 CROSS JOIN LATERAL (VALUES (1, dn.nspname::pg_catalog.text), \
                                            (2, dt.typname::pg_catalog.text)) AS w(j, v) \
                 ORDER BY u.k, w.j), \
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
         LEFT JOIN pg_catalog.pg_operator neg ON neg.oid OPERATOR(pg_catalog.=) o.oprnegate \
         LEFT JOIN pg_catalog.pg_operator com ON com.oid OPERATOR(pg_catalog.=) o.oprcom \
         JOIN calls c ON c.oid OPERATOR(pg_catalog.=) ANY \
              (ARRAY[o.oprcode, neg.oprcode, com.oprcode]::pg_catalog.oid[]) \
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
    SELECT 'x', NULL, n.nspname::pg_catalog.text, r.relname::pg_catalog.text, \
           k.opcname::pg_catalog.text, NULL, NULL, NULL, NULL, false, NULL, \
           s.oids, s.schemas, s.names, NULL \
    FROM pg_catalog.pg_index i \
         JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) i.indrelid \
         JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) r.relnamespace \
         JOIN pg_catalog.pg_opclass k \
              ON k.oid OPERATOR(pg_catalog.=) ANY (i.indclass::pg_catalog.oid[]) \
         CROSS JOIN LATERAL ( \
             SELECT pg_catalog.array_agg(c.oid::pg_catalog.int8) AS oids, \
                    pg_catalog.array_agg(c.schema) AS schemas, \
                    pg_catalog.array_agg(c.name) AS names \
             FROM calls c \
             WHERE c.oid OPERATOR(pg_catalog.>=) 16384 \
               AND c.oid OPERATOR(pg_catalog.=) ANY (ARRAY( \
                   SELECT a.amproc FROM pg_catalog.pg_amproc a \
                   WHERE a.amprocfamily OPERATOR(pg_catalog.=) k.opcfamily \
                   UNION ALL \
                   SELECT o.oprcode::pg_catalog.oid FROM pg_catalog.pg_amop a \
                        JOIN pg_catalog.pg_operator o ON o.oid OPERATOR(pg_catalog.=) a.amopopr \
                   WHERE a.amopfamily OPERATOR(pg_catalog.=) k.opcfamily))) s \
    WHERE s.oids IS NOT NULL \
    UNION ALL \
    SELECT 'i', NULL, pn.nspname::pg_catalog.text, p.relname::pg_catalog.text, \
           cn.nspname::pg_catalog.text, c.relname::pg_catalog.text, NULL, NULL, NULL, false, \
           NULL, NULL, NULL, NULL, NULL \
    FROM pg_catalog.pg_inherits h \
         JOIN pg_catalog.pg_class p ON p.oid OPERATOR(pg_catalog.=) h.inhparent \
         JOIN pg_catalog.pg_namespace pn ON pn.oid OPERATOR(pg_catalog.=) p.relnamespace \
         JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) h.inhrelid \
         JOIN pg_catalog.pg_namespace cn ON cn.oid OPERATOR(pg_catalog.=) c.relnamespace \
    WHERE c.relkind OPERATOR(pg_catalog.<>) ALL (ARRAY['i', 'I']::pg_catalog.\"char\"[]) \
 \
    ORDER BY 1, 3, 4"
);

const RELATIONS: &str = concat!(
    "SELECT c.oid::pg_catalog.int8, n.nspname::pg_catalog.text, c.relname::pg_catalog.text, c.relkind::pg_catalog.text, \
            pg_catalog.pg_get_userbyid(c.relowner)::pg_catalog.text, d.description, \
            c.reltuples::pg_catalog.float8 \
     FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
          LEFT JOIN pg_catalog.pg_description d ON d.objoid OPERATOR(pg_catalog.=) c.oid \
               AND d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objsubid OPERATOR(pg_catalog.=) 0 \
     WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'f']::pg_catalog.\"char\"[]) AND ",
    user_schemas!(),
    " ORDER BY n.nspname, c.relname"
);

const COLUMNS: &str = concat!(
    "SELECT a.attrelid::pg_catalog.int8, a.attname::pg_catalog.text, pg_catalog.format_type(a.atttypid, a.atttypmod), \
            a.attnotnull, \
            CASE WHEN a.attidentity OPERATOR(pg_catalog.=) 'a' THEN 'generated always as identity' \
                 WHEN a.attidentity OPERATOR(pg_catalog.=) 'd' THEN 'generated by default as identity' \
                 WHEN a.attgenerated OPERATOR(pg_catalog.=) 's' \
                 THEN 'generated always as (' OPERATOR(pg_catalog.||) \
                      pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) OPERATOR(pg_catalog.||) ') stored' \
                 ELSE pg_catalog.pg_get_expr(d.adbin, d.adrelid) END, \
            cd.description \
     FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) a.attrelid \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
          LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid OPERATOR(pg_catalog.=) a.attrelid AND d.adnum OPERATOR(pg_catalog.=) a.attnum \
          LEFT JOIN pg_catalog.pg_description cd ON cd.objoid OPERATOR(pg_catalog.=) a.attrelid \
               AND cd.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass AND cd.objsubid OPERATOR(pg_catalog.=) a.attnum \
     WHERE a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'f']::pg_catalog.\"char\"[]) AND ",
    user_schemas!(),
    " ORDER BY a.attrelid, a.attnum"
);

/// Keys and foreign keys. Copies a foreign key makes for each partition of
/// the table it references are left out (they repeat their parent).
const CONSTRAINTS: &str = concat!(
    "SELECT con.conrelid::pg_catalog.int8, con.conname::pg_catalog.text, con.contype::pg_catalog.text, \
            ARRAY(SELECT a.attname::pg_catalog.text FROM pg_catalog.unnest(con.conkey) WITH ORDINALITY k(num, ord) \
                  JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) con.conrelid AND a.attnum OPERATOR(pg_catalog.=) k.num \
                  ORDER BY k.ord), \
            fn.nspname::pg_catalog.text, fc.relname::pg_catalog.text, \
            ARRAY(SELECT a.attname::pg_catalog.text FROM pg_catalog.unnest(con.confkey) WITH ORDINALITY k(num, ord) \
                  JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) con.confrelid AND a.attnum OPERATOR(pg_catalog.=) k.num \
                  ORDER BY k.ord), \
            con.confdeltype::pg_catalog.text, con.confupdtype::pg_catalog.text \
     FROM pg_catalog.pg_constraint con JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) con.conrelid \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
          LEFT JOIN pg_catalog.pg_class fc ON fc.oid OPERATOR(pg_catalog.=) con.confrelid \
          LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid OPERATOR(pg_catalog.=) fc.relnamespace \
     WHERE con.contype OPERATOR(pg_catalog.=) ANY (ARRAY['p', 'u', 'f']::pg_catalog.\"char\"[]) \
       AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint pc \
                       WHERE pc.oid OPERATOR(pg_catalog.=) con.conparentid AND pc.conrelid OPERATOR(pg_catalog.=) con.conrelid) AND ",
    user_schemas!(),
    " ORDER BY con.conrelid, con.conname"
);

const INDEXES: &str = concat!(
    "SELECT i.indrelid::pg_catalog.int8, ic.relname::pg_catalog.text, pg_catalog.pg_get_indexdef(i.indexrelid), \
            i.indisunique, i.indisprimary \
     FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid \
          JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.indrelid \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace WHERE ",
    user_schemas!(),
    " UNION ALL \
     SELECT -1, NULL, pg_catalog.set_config('search_path', $1, false), false, false \
     ORDER BY 1, 5 DESC, 2"
);

/// Reads the whole schema in [`QUERIES`] queries. The first ([`CODE`])
/// reads the session's search path (for the classifier, and to restore it)
/// and switches to one that holds only `pg_catalog`; the last
/// ([`INDEXES`]) puts it back. Some built-ins glance calls
/// (`pg_get_viewdef`) run SQL of their own, which a schema placed before
/// `pg_catalog` could otherwise hijack. On an error the path is restored
/// with one more statement.
pub fn load(client: &mut Client) -> Result<Catalog, postgres::Error> {
    let mut setting = None;
    let loaded = load_catalog(client, &mut setting);
    if loaded.is_err()
        && let Some(setting) = &setting
    {
        // Best effort: the error that matters is the first one.
        let _ = client.query_typed(RESTORE_PATH, &[(setting, Type::TEXT)]);
    }
    loaded
}

/// Puts the session's search path back, after an error.
const RESTORE_PATH: &str = "SELECT pg_catalog.set_config('search_path', $1, false)";

/// [`load`]'s queries; `setting` receives the search path to restore as
/// soon as it is known.
fn load_catalog(
    client: &mut Client,
    setting: &mut Option<String>,
) -> Result<Catalog, postgres::Error> {
    let mut catalog = Catalog::default();
    for row in client.query_typed(CODE, &[])? {
        add_code(&mut catalog, &row, setting)?;
    }
    let restore = setting.clone().unwrap_or_default();
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
    for row in client.query_typed(INDEXES, &[(&restore, Type::TEXT)])? {
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

/// Adds one row of [`CODE`] to the catalog.
fn add_code(
    catalog: &mut Catalog,
    row: &Row,
    setting: &mut Option<String>,
) -> Result<(), postgres::Error> {
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
    match kind.as_str() {
        "s" => {
            *setting = Some(name);
            catalog.code.search_path = Some(texts);
        }
        "n" => catalog.schemas.push(Schema {
            name: schema,
            owner: a,
            comment: text(7)?,
        }),
        "e" => catalog.enums.push(EnumType {
            schema,
            name,
            labels: texts,
            comment: text(7)?,
        }),
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
            catalog.code.routines.push(Routine {
                function: FunctionRef { oid, schema, name },
                // A variadic parameter may take no argument only with a default.
                min_args: count(0).saturating_sub(count(1) + count(2)),
                max_args: (count(2) == 0).then_some(count(0)),
                language,
                body,
                extension: text(8)?,
                security_definer: row.try_get(9)?,
                support: calls,
                defaults: text(6)?,
                settings: a
                    .and_then(|json| serde_json::from_str(&json).ok())
                    .unwrap_or_default(),
                types: texts
                    .chunks_exact(2)
                    .map(|pair| (pair[0].clone(), pair[1].clone()))
                    .collect(),
            });
        }
        "o" => catalog.code.operators.push(Operator {
            symbol: name,
            function: first_call(),
        }),
        "c" => catalog.code.casts.push(Cast {
            schema,
            target: name,
            function: first_call(),
            implicit: a.as_deref() != Some("e"),
        }),
        "d" => {
            let base_name = text(5)?.unwrap_or_default();
            let base_is_domain = text(6)?.as_deref() == Some("d");
            catalog.code.domains.push(Domain {
                schema,
                name,
                checks: texts,
                base: base_is_domain.then(|| (a.unwrap_or_default(), base_name)),
            });
        }
        "i" => catalog.code.children.push(Child {
            schema,
            table: name,
            child_schema: a.unwrap_or_default(),
            child: text(5)?.unwrap_or_default(),
        }),
        "x" => catalog.code.index_code.push(IndexCode {
            schema,
            table: name,
            opclass: a.unwrap_or_default(),
            functions: calls,
        }),
        "p" => catalog.code.policies.push(Policy {
            schema,
            table: name,
            name: a.unwrap_or_default(),
            using: text(7)?,
        }),
        _ => {}
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
    "SELECT s.schemaname::pg_catalog.text, s.tablename::pg_catalog.text, s.attname::pg_catalog.text, v, c.reltuples::pg_catalog.float8 \
     FROM pg_catalog.pg_stats s \
     JOIN pg_catalog.pg_namespace n ON n.nspname OPERATOR(pg_catalog.=) s.schemaname \
     JOIN pg_catalog.pg_class c ON c.relnamespace OPERATOR(pg_catalog.=) n.oid AND c.relname OPERATOR(pg_catalog.=) s.tablename \
     JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid AND a.attname OPERATOR(pg_catalog.=) s.attname \
     CROSS JOIN LATERAL pg_catalog.unnest(s.most_common_vals::pg_catalog.text::pg_catalog.text[]) AS v \
     WHERE a.atttypid OPERATOR(pg_catalog.=) ANY (ARRAY['pg_catalog.text', 'pg_catalog.varchar', \
                                                       'pg_catalog.bpchar']::pg_catalog.regtype[]) \
       AND NOT s.inherited \
       AND ((s.n_distinct OPERATOR(pg_catalog.>=) 1 AND s.n_distinct OPERATOR(pg_catalog.<=) $1) \
            OR ((OPERATOR(pg_catalog.-) s.n_distinct) OPERATOR(pg_catalog.*) c.reltuples \
                OPERATOR(pg_catalog.>=) 1 \
                AND (OPERATOR(pg_catalog.-) s.n_distinct) OPERATOR(pg_catalog.*) c.reltuples \
                OPERATOR(pg_catalog.<=) $1)) \
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
    let schema: String = row.try_get(1)?;
    let name: String = row.try_get(2)?;
    // Sizes are read when asked for, by `\\d+` listings; view definitions
    // by the safety verifier and `\\d+ VIEW` ([`view_definitions_sql`]).
    Ok(Some(Relation {
        owner: row.try_get(4)?,
        comment: row.try_get(5)?,
        row_estimate: (reltuples >= 0.0).then_some(reltuples as i64),
        ..Relation::new(&schema, &name, kind)
    }))
}

/// The one catalog query that reads the definitions of the views and
/// materialized views named by `views` (schema, name pairs) and of every
/// view they read, directly or
/// through other views (`pg_depend` of their rewrite rules). Rows: schema,
/// name, definition. It runs inside the read-only guard, which rolls back
/// the search path it sets: `pg_get_viewdef` runs SQL of its own, which a
/// schema placed before `pg_catalog` could otherwise hijack. Names travel
/// hex-encoded, so nothing in them can change the query.
pub fn view_definitions_sql(views: &[(String, String)]) -> String {
    let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    let list = |part: &dyn Fn(&(String, String)) -> &str| {
        views
            .iter()
            .map(|v| format!("\"{}\"", hex(part(v))))
            .collect::<Vec<_>>()
            .join(",")
    };
    let schemas = list(&|v| &v.0);
    let names = list(&|v| &v.1);
    format!(
        "WITH RECURSIVE before AS MATERIALIZED (\
             SELECT pg_catalog.set_config('search_path', 'pg_catalog, pg_temp', true) AS safe), \
         named(schema, name) AS (\
             SELECT pg_catalog.convert_from(pg_catalog.decode(u.s, 'hex'), 'UTF8'), \
                    pg_catalog.convert_from(pg_catalog.decode(u.t, 'hex'), 'UTF8') \
             FROM ROWS FROM (pg_catalog.unnest('{{{schemas}}}'::pg_catalog.text[]), \
                                    pg_catalog.unnest('{{{names}}}'::pg_catalog.text[])) AS u(s, t)), \
         wanted(oid) AS (\
             SELECT c.oid FROM pg_catalog.pg_class c \
                  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
                  JOIN named w ON w.schema OPERATOR(pg_catalog.=) n.nspname::pg_catalog.text \
                              AND w.name OPERATOR(pg_catalog.=) c.relname::pg_catalog.text \
             WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['v', 'm']::pg_catalog.\"char\"[]) \
             UNION \
             SELECT d.refobjid FROM wanted v \
                  JOIN pg_catalog.pg_rewrite r ON r.ev_class OPERATOR(pg_catalog.=) v.oid \
                  JOIN pg_catalog.pg_depend d \
                       ON d.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_rewrite'::pg_catalog.regclass \
                      AND d.objid OPERATOR(pg_catalog.=) r.oid \
                      AND d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass \
                  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.refobjid \
             WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['v', 'm']::pg_catalog.\"char\"[])) \
         SELECT v.schema, v.name, v.definition \
         FROM before b CROSS JOIN LATERAL (\
             SELECT n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name, \
                    pg_catalog.pg_get_viewdef(c.oid) AS definition \
             FROM wanted w JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) w.oid \
                  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
             WHERE b.safe IS NOT NULL) v \
         ORDER BY 1, 2"
    )
}

/// The one catalog query that reads the on-disk sizes of the tables and
/// materialized views named by `relations` (schema, name pairs), for the
/// listings that show them. Rows: schema, name, bytes.
pub fn sizes_sql(relations: &[(String, String)]) -> String {
    let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    let list = |part: &dyn Fn(&(String, String)) -> &str| {
        relations
            .iter()
            .map(|v| format!("\"{}\"", hex(part(v))))
            .collect::<Vec<_>>()
            .join(",")
    };
    format!(
        "SELECT n.nspname::pg_catalog.text, c.relname::pg_catalog.text, \
                pg_catalog.pg_total_relation_size(c.oid) \
         FROM ROWS FROM (pg_catalog.unnest('{{{}}}'::pg_catalog.text[]), pg_catalog.unnest('{{{}}}'::pg_catalog.text[])) AS u(s, t) \
              JOIN pg_catalog.pg_namespace n \
                   ON n.nspname::pg_catalog.text OPERATOR(pg_catalog.=) \
                      pg_catalog.convert_from(pg_catalog.decode(u.s, 'hex'), 'UTF8') \
              JOIN pg_catalog.pg_class c ON c.relnamespace OPERATOR(pg_catalog.=) n.oid \
                   AND c.relname::pg_catalog.text OPERATOR(pg_catalog.=) \
                       pg_catalog.convert_from(pg_catalog.decode(u.t, 'hex'), 'UTF8') \
         WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'm']::pg_catalog.\"char\"[])",
        list(&|v| &v.0),
        list(&|v| &v.1)
    )
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

/// A referential action code (`pg_constraint.confdeltype`) as SQL words;
/// `None` for NO ACTION.
pub fn action(code: &str) -> Option<String> {
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
        for q in [CODE, RELATIONS, COLUMNS, CONSTRAINTS, INDEXES] {
            assert!(
                q.contains("'pg_catalog', 'information_schema', 'pg_toast'"),
                "{q}"
            );
        }
    }
}
