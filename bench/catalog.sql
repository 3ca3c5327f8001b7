-- One hand-written catalog query: every table and view outside the system
-- schemas with its columns, their types and nullability, whether each column
-- is in the primary key and the column each foreign key points it at, in a
-- single round trip. The introspection case compares glance's catalog load
-- with this.
with keys as (
    select k.conrelid, k.contype, key.attnum,
           case when k.contype = 'f'
                then format('%I.%I.%I', tn.nspname, t.relname, ta.attname) end as target
    from pg_constraint k
    cross join lateral unnest(k.conkey, k.confkey) as key (attnum, ref_attnum)
    left join pg_class t on t.oid = k.confrelid
    left join pg_namespace tn on tn.oid = t.relnamespace
    left join pg_attribute ta on ta.attrelid = k.confrelid and ta.attnum = key.ref_attnum
    where k.contype in ('p', 'f')
)
select n.nspname as schema,
       c.relname as relation,
       c.relkind as kind,
       a.attnum as position,
       a.attname as column,
       format_type(a.atttypid, a.atttypmod) as type,
       not a.attnotnull as nullable,
       bool_or(keys.contype = 'p') is true as primary_key,
       string_agg(keys.target, ', ') as references
from pg_class c
join pg_namespace n on n.oid = c.relnamespace
join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
left join keys on keys.conrelid = c.oid and keys.attnum = a.attnum
where c.relkind in ('r', 'p', 'v', 'm', 'f')
  and n.nspname not in ('pg_catalog', 'information_schema')
  and n.nspname not like 'pg\_toast%'
group by n.nspname, c.relname, c.relkind, a.attnum, a.attname, a.atttypid, a.atttypmod, a.attnotnull
order by n.nspname, c.relname, a.attnum;
