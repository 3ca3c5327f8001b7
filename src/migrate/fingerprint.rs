//! glance's own read-only catalog queries for validating a migration: the
//! schema's fingerprint (a deterministic text of every user object), the
//! filenodes of the tables (a rewrite gives a table a new one), and a
//! table's size before anything runs.

use crate::db::{self, Dialect};

/// User schemas: everything but the system's, TOAST and temporary ones.
const USER_SCHEMAS: &str = "select oid, nspname from pg_catalog.pg_namespace \
     where nspname not in ('pg_catalog', 'information_schema') \
     and nspname not like 'pg\\_toast%' and nspname not like 'pg\\_temp\\_%'";

/// One line per schema, relation, column (by position among the live
/// columns, so adding and dropping one leaves the others as they were),
/// constraint, index, type, function, trigger and comment, sorted.
const POSTGRES: &str = "with ns as (USER_SCHEMAS), \
     rel as (select c.oid, c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name \
       from pg_catalog.pg_class c join ns n on n.oid = c.relnamespace \
       where c.relkind in ('r', 'p', 'v', 'm', 'f', 'S', 'c')) \
     select line from ( \
       select 'schema ' || quote_ident(nspname) as line from ns \
       union all \
       select 'relation ' || name || ' ' || relkind::text \
         || coalesce(' comment ' || quote_literal(pg_catalog.obj_description(oid, 'pg_class')), '') \
         || coalesce(' view ' || pg_catalog.pg_get_viewdef(oid), '') from rel \
       union all \
       select 'column ' || r.name || ' #' || row_number() over (partition by a.attrelid order by a.attnum) \
         || ' ' || quote_ident(a.attname) || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) \
         || case when a.attnotnull then ' not null' else '' end \
         || coalesce(' default ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '') \
         || coalesce(' comment ' || quote_literal(pg_catalog.col_description(a.attrelid, a.attnum)), '') \
         from rel r join pg_catalog.pg_attribute a on a.attrelid = r.oid \
         left join pg_catalog.pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum \
         where a.attnum > 0 and not a.attisdropped \
       union all \
       select 'constraint ' || coalesce((select name from rel where rel.oid = k.conrelid), \
           pg_catalog.format_type(k.contypid, null)) \
         || ' ' || quote_ident(k.conname) || ' ' || pg_catalog.pg_get_constraintdef(k.oid) \
         || case when k.convalidated then '' else ' not validated' end \
         from pg_catalog.pg_constraint k join ns n on n.oid = k.connamespace \
       union all \
       select 'index ' || pg_catalog.pg_get_indexdef(i.indexrelid) \
         || coalesce(' comment ' || quote_literal(pg_catalog.obj_description(i.indexrelid, 'pg_class')), '') \
         || case when i.indisvalid then '' else ' invalid' end \
         from pg_catalog.pg_index i join rel r on r.oid = i.indrelid \
       union all \
       select 'type ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname) || ' ' || t.typtype::text \
         || coalesce(' ' || pg_catalog.format_type(nullif(t.typbasetype, 0), t.typtypmod), '') \
         || coalesce(' (' || (select string_agg(quote_literal(e.enumlabel), ', ' order by e.enumsortorder) \
           from pg_catalog.pg_enum e where e.enumtypid = t.oid) || ')', '') \
         || coalesce(' comment ' || quote_literal(pg_catalog.obj_description(t.oid, 'pg_type')), '') \
         from pg_catalog.pg_type t join ns n on n.oid = t.typnamespace \
         where t.typtype in ('e', 'd', 'r', 'm') \
       union all \
       select 'function ' || quote_ident(n.nspname) || '.' || quote_ident(p.proname) \
         || '(' || pg_catalog.pg_get_function_identity_arguments(p.oid) || ') ' \
         || pg_catalog.format_type(p.prorettype, null) || ' ' || md5(coalesce(p.prosrc, '')) \
         || coalesce(' comment ' || quote_literal(pg_catalog.obj_description(p.oid, 'pg_proc')), '') \
         from pg_catalog.pg_proc p join ns n on n.oid = p.pronamespace \
       union all \
       select 'trigger ' || pg_catalog.pg_get_triggerdef(g.oid) \
         from pg_catalog.pg_trigger g join rel r on r.oid = g.tgrelid where not g.tgisinternal \
     ) lines order by line collate \"C\"";

/// SQLite keeps every object's definition in `sqlite_master`.
const SQLITE: &str = "select type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') \
     from sqlite_master where name not like 'sqlite\\_%' escape '\\' order by 1";

/// The fingerprint query for `dialect`: one text column, one line a row.
pub fn schema_sql(dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => POSTGRES.replace("USER_SCHEMAS", USER_SCHEMAS),
        Dialect::Sqlite => SQLITE.to_string(),
        Dialect::Mysql => unreachable!("migrate refuses MySQL"),
    }
}

/// The filenode of every user table and materialized view (PostgreSQL).
pub fn filenodes_sql() -> String {
    format!(
        "with ns as ({USER_SCHEMAS}) \
         select quote_ident(n.nspname) || '.' || quote_ident(c.relname), \
         pg_catalog.pg_relation_filenode(c.oid)::text \
         from pg_catalog.pg_class c join ns n on n.oid = c.relnamespace \
         where c.relkind in ('r', 'm') order by 1"
    )
}

/// The planner's row estimate and the size in bytes of the table `name`
/// (as a statement names it), no rows when there is none (PostgreSQL).
pub fn size_sql(name: &str) -> String {
    format!(
        "select greatest(c.reltuples, 0)::bigint, pg_catalog.pg_total_relation_size(c.oid) \
         from pg_catalog.pg_class c where c.oid = pg_catalog.to_regclass({})",
        crate::ident::quote_literal(name)
    )
}

/// The rows of a one-column text query, as lines.
pub fn lines(rows: &[db::Row]) -> Vec<String> {
    rows.iter()
        .map(|row| match row.first() {
            Some(db::Value::Text(text)) => text.clone(),
            Some(other) => format!("{other:?}"),
            None => String::new(),
        })
        .collect()
}

/// A two-column text query as (name, value) pairs.
pub fn pairs(rows: &[db::Row]) -> Vec<(String, String)> {
    rows.iter()
        .filter_map(|row| match row.as_slice() {
            [db::Value::Text(name), db::Value::Text(value)] => Some((name.clone(), value.clone())),
            _ => None,
        })
        .collect()
}
