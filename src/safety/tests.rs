//! Table tests for the classifier, the statement splitter and command tags.
//! Each row is `(sql, expected level)`; a failure names the SQL.

use std::collections::HashMap;

use super::corpus::{routine, seeded_catalog};
use super::*;
use crate::catalog::{Code, Volatility};

use Level::{Destructive as D, ReadOnly as R, Write as W};

/// PostgreSQL rows: genuine reads first, then writes, then the traps.
#[rustfmt::skip]
const POSTGRES: &[(&str, Level)] = &[
    // --- plain reads that must never be flagged
    ("select 1", R),
    ("SELECT * FROM film", R),
    ("select 1;", R),
    ("  select 1 ;  ", R),
    ("/* drop table t */ select 1", R),
    ("select 1 -- delete from t", R),
    ("select 'drop table t; delete from t'", R),
    ("select $$;delete from t;$$ as body", R),
    ("select $tag$ drop table x; $tag$", R),
    ("select E'it\\'s; drop'", R),
    ("select \"select\" from \"delete\"", R),
    ("select title, rank() over (partition by rating order by length desc) from film", R),
    ("select sum(amount) over (order by payment_date rows between 1 preceding and current row) from payment", R),
    ("select row_number() over w, lag(amount) over w from payment window w as (order by payment_id)", R),
    ("select * from customer c, lateral (select * from payment p where p.customer_id = c.customer_id limit 3) p", R),
    ("select * from customer c cross join lateral generate_series(1, 3) g", R),
    ("with recursive t(n) as (select 1 union all select n + 1 from t where n < 10) select sum(n) from t", R),
    ("with a as (select 1 as x), b as (select x + 1 as y from a) select * from b", R),
    ("with a as materialized (select * from film) select count(*) from a", R),
    ("select data->'name', data->>'age' from people", R),
    ("select * from docs where body @> '{\"a\": 1}'", R),
    ("select body #>> '{a,b}' from docs", R),
    ("select * from docs where body ? 'key'", R),
    ("select jsonb_array_elements(body->'items') from docs", R),
    ("select jsonb_build_object('a', 1, 'b', to_jsonb(now()))", R),
    ("select * from jsonb_each('{\"a\":1}'::jsonb)", R),
    ("select * from json_to_recordset('[{\"a\":1}]') as x(a int)", R),
    ("select distinct on (customer_id) customer_id, amount from payment order by customer_id, amount desc", R),
    ("select count(*) filter (where amount > 5) from payment", R),
    ("select rating, count(*) from film group by grouping sets ((rating), ())", R),
    ("select rating, rental_duration, count(*) from film group by rollup (rating, rental_duration)", R),
    ("select rating, rental_duration, count(*) from film group by cube (rating, rental_duration)", R),
    ("select percentile_cont(0.5) within group (order by amount) from payment", R),
    ("select mode() within group (order by rating) from film", R),
    ("select array[1,2,3] || 4, (array[1,2])[1], array_length(array[1], 1)", R),
    ("select * from film where special_features && array['Trailers']", R),
    ("select unnest(array[1,2,3])", R),
    ("select * from unnest(array[1,2]) with ordinality as u(x, n)", R),
    ("select * from generate_series(1, 10) as g(n)", R),
    ("select g from generate_series('2024-01-01'::date, '2024-02-01', interval '1 day') g", R),
    ("select '42'::int + 1, cast('2024-01-01' as date), 3.5::numeric(10,2)", R),
    ("select case when amount > 5 then 'big' else 'small' end from payment", R),
    ("select * from film f where exists (select 1 from inventory i where i.film_id = f.film_id)", R),
    ("select * from film where film_id in (select film_id from inventory)", R),
    ("select * from film where film_id not in (1, 2, 3) and rating between 'G' and 'R'", R),
    ("select 1 union select 2 intersect select 2 except select 3", R),
    ("select a from x union all select b from y order by 1 limit 5 offset 2", R),
    ("values (1, 'a'), (2, 'b')", R),
    ("select * from (values (1), (2)) as v(x)", R),
    ("table film", R),
    ("TABLE public.film", R),
    ("show search_path", R),
    ("show all", R),
    ("select * from information_schema.tables where table_schema = 'public'", R),
    ("select c.relname, pg_size_pretty(pg_total_relation_size(c.oid)) from pg_catalog.pg_class c join pg_namespace n on n.oid = c.relnamespace", R),
    ("select pg_typeof(1), version(), current_setting('search_path'), current_database()", R),
    ("select format_type(atttypid, atttypmod) from pg_attribute", R),
    ("select obj_description('film'::regclass), col_description('film'::regclass, 1)", R),
    ("select has_table_privilege('film', 'select')", R),
    ("select pg_catalog.pg_get_viewdef('v'::regclass)", R),
    ("select now(), clock_timestamp(), random(), gen_random_uuid()", R),
    ("select date_trunc('month', payment_date), extract(year from payment_date) from payment", R),
    ("select current_date, current_timestamp, current_user, localtimestamp", R),
    ("select upper(first_name) || ' ' || lower(last_name), length(email), substring(email from 2 for 3) from customer", R),
    ("select trim(both ' ' from title), position('a' in title), coalesce(null, 1), nullif(1, 2) from film", R),
    ("select regexp_replace(title, '[aeiou]', '', 'g'), split_part(email, '@', 2) from customer", R),
    ("select string_agg(title, ', ' order by title) from film", R),
    ("select to_char(payment_date, 'YYYY-MM') from payment", R),
    ("select round(avg(amount)::numeric, 2), stddev(amount), max(amount) from payment", R),
    ("select f.title from film f join language l using (language_id) left join film_actor fa on fa.film_id = f.film_id", R),
    ("select * from film natural join language", R),
    ("select x from t tablesample system (10)", R),
    ("select count(*) from pg_stat_activity", R),
    ("select * from pg_catalog.pg_tables", R),
    ("(select 1) union (select 2)", R),
    ("select (select max(amount) from payment) as top", R),
    ("select greatest(1, 2), least(3, 4), abs(-1), ceil(1.5), floor(1.5), power(2, 3)", R),
    ("select md5('x'), encode('x'::bytea, 'hex')", R),
    ("select to_tsvector('english', description) @@ to_tsquery('dog') from film", R),
    ("select x is distinct from y, x is null, x is not true from t", R),
    ("select * from film where title ilike '%dog%' or title similar to '%cat%'", R),
    ("select interval '1 day' * 3, now() at time zone 'utc'", R),
    ("select currval('s'), lastval()", R),
    ("select int4(x), float8(y), text(z), numeric(w) from t", R),
    ("select similarity(a, b) from t", W),
    ("explain select * from film", R),
    ("explain delete from film", R),
    ("explain update film set title = 'x'", R),
    ("explain (costs off, format json) insert into t values (1)", R),
    ("explain (analyze false) delete from t", R),
    ("explain analyze select * from film", R),
    ("explain select pg_read_file('/etc/passwd')", D),
    ("copy (select * from film) to stdout", R),
    ("copy film to stdout with (format csv, header)", R),
    ("select 1 as \"drop\", 2 as \"delete\"", R),
    ("select 'a;b', $x$c;d$x$", R),
    ("/* /* */ select 1 */ select 2", R),
    ("/* /* */ delete from t; /* */ */ select 1", R),
    ("select 1 <-> 2, '1.2.3.4'::inet << '1.2.3.0/24'::inet", R),
    // --- writes
    ("insert into t values (1)", W),
    ("insert into t select * from s", W),
    ("insert into t values (1) on conflict (id) do update set v = excluded.v", W),
    ("insert into t (id) values (nextval('seq')) returning id", W),
    ("update film set rental_rate = 1 where film_id = 3", W),
    ("update film set rental_rate = 1 where 1 = 0", W),
    ("update f set x = 1 from g where f.id = g.id", W),
    ("merge into t using s on t.id = s.id when matched then update set v = s.v when not matched then insert (id, v) values (s.id, s.v)", W),
    ("create table t (id int primary key)", W),
    ("create temp table t as select 1", W),
    ("create index on film (title)", W),
    ("create view v as select * from film", W),
    ("create schema s", W),
    ("create sequence s", W),
    ("create or replace function f() returns int language sql as $$ delete from t; select 1 $$", W),
    ("comment on table film is 'films'", W),
    ("alter table film add column x int", W),
    ("alter table film rename column x to y", W),
    ("alter table film alter column x set default 1", W),
    ("set search_path = public", W),
    ("set local statement_timeout = '5s'", W),
    ("reset search_path", W),
    ("begin", W),
    ("begin read only", W),
    ("start transaction isolation level serializable", W),
    ("commit", W),
    ("rollback", W),
    ("savepoint a", W),
    ("release savepoint a", W),
    ("rollback to savepoint a", W),
    ("listen chan", W),
    ("unlisten chan", W),
    ("notify chan, 'hi'", W),
    ("prepare q as select * from film where film_id = $1", W),
    ("deallocate q", W),
    ("discard all", D),
    ("vacuum", W),
    ("vacuum full film", W),
    ("vacuum (verbose, analyze) film", W),
    ("analyze film", W),
    ("reindex table film", W),
    ("cluster film using film_pkey", W),
    ("refresh materialized view mv", W),
    ("lock table film in access exclusive mode", W),
    ("select nextval('s')", W),
    ("select setval('s', 1)", W),
    ("select set_config('search_path', 'x', false)", W),
    ("select pg_advisory_lock(1)", W),
    ("select pg_try_advisory_xact_lock(1)", W),
    ("select pg_notify('c', 'x')", W),
    ("select pg_sleep(10)", W),
    ("select txid_current()", W),
    ("select lo_create(0)", W),
    ("select pg_catalog.some_unknown_thing()", W),
    ("select pg_something_new()", W),
    ("select my_function(1)", W),
    ("select * from my_set_function(1)", W),
    ("select * from film for share", W),
    ("select * from film for update", W),
    ("select * from film f where f.film_id in (select film_id from inventory for update)", W),
    ("select * into new_table from film", W),
    ("select title into temp t2 from film where film_id < 10", W),
    ("explain analyze insert into t values (1)", W),
    ("explain (analyze true) insert into t values (1)", W),
    ("explain (analyze, buffers) update t set x = 1 where id = 2", W),
    ("copy t from stdin", W),
    ("copy (select pg_read_file('x')) to stdout", D),
    ("copy (delete from t returning *) to stdout", D),
    ("select (1; drop table t)", D),
    ("(delete from t)", D),
    ("((delete from t where id = 1))", D),
    ("(insert into t values (1))", W),
    ("(update t set x = 1 where id = 1)", W),
    ("select * from (delete from t returning *) x", D),
    ("select 1); drop table t", D),
    ("drop owned by bob", D),
    ("reassign owned by bob to alice", D),
    ("security label on table t is 'x'", D),
    ("import foreign schema s from server x into y", D),
    ("load 'auto_explain'", D),
    ("declare c cursor for select * from film", W),
    ("fetch 10 from c", W),
    ("close c", W),
    ("select 1; commit", W),
    ("select * from film; insert into t values (1)", W),
    ("with s as (select nextval('q')) select * from s", W),
    ("select * from film where film_id = (select max(x) from (select setval('s', 5) as x) y)", W),
    // --- destructive
    ("delete from t where id = 1", D),
    ("delete from t", D),
    ("update film set rental_rate = 1", D),
    ("update film set rental_rate = 1 where true", D),
    ("update film set rental_rate = 1 where 1 = 1", D),
    ("update film set rental_rate = 1 where 'a' = 'a'", D),
    ("update film set rental_rate = 1 where film_id = 3 or 1 = 1", D),
    ("update film set rental_rate = 1 where (true)", D),
    ("update film set rental_rate = 1 where 2 > 1", D),
    ("truncate film", D),
    ("drop table t", D),
    ("drop table if exists t cascade", D),
    ("drop index i", D),
    ("drop view v", D),
    ("drop schema s cascade", D),
    ("drop function f()", D),
    ("drop database d", D),
    ("alter table film drop column x", D),
    ("alter table film drop constraint c", D),
    ("merge into t using s on t.id = s.id when matched then delete", D),
    ("grant select on film to bob", D),
    ("revoke all on film from public", D),
    ("create role bob login", D),
    ("create user bob", D),
    ("alter role bob superuser", D),
    ("drop role bob", D),
    ("alter system set work_mem = '1GB'", D),
    ("do $$ begin delete from t; end $$", D),
    ("call p()", D),
    ("execute q(1)", D),
    ("create extension dblink", D),
    ("copy t to '/tmp/t.csv'", D),
    ("copy t from '/etc/passwd'", D),
    ("copy t from program 'rm -rf /'", D),
    ("copy (select 1) to program 'curl evil'", D),
    ("select pg_read_file('/etc/passwd')", D),
    ("select PG_READ_FILE('/etc/passwd')", D),
    ("select pg_catalog.pg_read_binary_file('/etc/passwd')", D),
    ("select * from pg_ls_dir('.')", D),
    ("select pg_stat_file('postgresql.conf')", D),
    ("select lo_import('/etc/passwd')", D),
    ("select lo_export(1234, '/tmp/x')", D),
    ("select lo_unlink(1234)", D),
    ("select * from dblink('host=x', 'select 1') as t(a int)", D),
    ("select dblink_exec('host=x', 'drop table t')", D),
    ("select pg_terminate_backend(pid) from pg_stat_activity", D),
    ("select pg_cancel_backend(123)", D),
    ("select pg_reload_conf()", D),
    ("select pg_rotate_logfile()", D),
    ("select pg_promote()", D),
    ("select pg_switch_wal()", D),
    ("select pg_file_write('x', 'y', false)", D),
    ("select query_to_xml('delete from t returning *', true, false, '')", D),
    ("select cursor_to_xml('c', 1, false, false, '')", D),
    ("select \"pg_read_file\"('/etc/passwd')", D),
    ("select x from t where x in (select pg_read_file('/etc/passwd'))", D),
    ("select (select (select lo_export(1, '/tmp/x')))", D),
    ("select * from film order by pg_terminate_backend(1)", D),
    ("select * from film group by 1 having pg_reload_conf()", D),
    ("select case when true then pg_read_file('x') end", D),
    ("select * from lateral pg_ls_dir('.') as d", D),
    // data-modifying CTEs at depth
    ("with d as (delete from t returning *) select * from d", D),
    ("with a as (select 1), b as (update t set x = 1 returning *) select * from b", D),
    ("with a as (with b as (delete from t returning *) select * from b) select * from a", D),
    ("with i as (insert into t values (1) returning *) select * from i", W),
    ("select * from (with d as (delete from t returning id) select id from d) s", D),
    ("with d as (delete from t returning *) insert into log select * from d", D),
    ("with x as (select 1) delete from t", D),
    // EXPLAIN that executes
    ("explain analyze delete from t", D),
    ("explain (analyze) delete from t", D),
    ("explain (format json, analyze on) delete from t", D),
    ("explain analyze select pg_read_file('x')", D),
    ("explain analyze update t set x = 1", D),
    // statement smuggling
    ("select 1; drop table t", D),
    ("COMMIT; DROP TABLE t", D),
    ("select 1;delete from t", D),
    ("select 1; select 2; truncate t", D),
    ("-- select\ndelete from t", D),
    ("/* select */ delete from t", D),
    ("select 1 /* ; */; drop table t", D),
    ("select ';'; drop table t", D),
    ("select '\\'; drop table t; -- '", D),
    ("select $$;$$; drop table t", D),
    // parser traps and unparseable input
    ("select U&\"d\\0061t\\+000061\" from t", R),
    ("select u&\"x\" from t", R),
    ("select U&\"\\zz\" from t", D),
    ("select U&\"\\0070g_read_file\"('x')", D),
    ("select \"\" from t", D),
    ("\\d film", D),
    ("select 1 \\g", D),
    ("select * from t; \\! rm -rf /", D),
    ("select * from t for no key update", W),
    ("", D),
    ("   ", D),
    (";", D),
    ("-- only a comment", D),
    ("selec 1", D),
    ("select (1", D),
    ("delete", D),
    ("table film; drop table film", D),
    ("table pg_read_file('x')", D),
    ("select 'unterminated", D),
    ("checkpoint; select pg_read_file('x')", D),
    ("vacuum into '/tmp/x'", D),
];

/// SQLite rows.
#[rustfmt::skip]
const SQLITE: &[(&str, Level)] = &[
    ("select * from albums", R),
    ("select name from sqlite_master where type = 'table'", R),
    ("select * from pragma_table_info('albums')", R),
    ("select typeof(1), length('x'), substr('abc', 1, 2), ifnull(null, 1), iif(1, 2, 3)", R),
    ("select json_extract(data, '$.a'), json_each.value from t, json_each(t.data)", R),
    ("select group_concat(name, ', ') from artists", R),
    ("select date('now'), strftime('%Y', 'now'), datetime('now', '-1 day')", R),
    ("select count(*) over (partition by artist_id) from albums", R),
    ("with recursive c(x) as (select 1 union all select x + 1 from c where x < 5) select * from c", R),
    ("pragma table_info(albums)", R),
    ("pragma table_info('albums')", R),
    ("pragma index_list('albums')", R),
    ("pragma foreign_key_list(tracks)", R),
    ("pragma user_version", R),
    ("pragma foreign_keys", R),
    ("pragma main.table_info(albums)", R),
    ("pragma main.user_version = 3", W),
    ("pragma wal_checkpoint(truncate)", W),
    ("pragma table_info(albums) ; select 1", R),
    ("explain query plan select * from albums", R),
    ("select last_insert_rowid(), changes()", R),
    ("pragma user_version = 3", W),
    ("pragma journal_mode = wal", W),
    ("pragma user_version(3)", W),
    ("pragma optimize", W),
    ("insert into t values (1)", W),
    ("insert or replace into t values (1)", W),
    ("replace into t values (1)", W),
    ("update t set x = 1 where id = 2", W),
    ("create table t (id integer primary key)", W),
    ("create virtual table f using fts5(body)", W),
    ("begin transaction", W),
    ("vacuum", W),
    ("analyze", W),
    ("reindex", W),
    ("select my_app_function(1)", W),
    ("update t set x = 1", D),
    ("update t set x = 1 where 1", D),
    ("delete from t", D),
    ("drop table t", D),
    ("attach database '/tmp/x.db' as x", D),
    ("detach database x", D),
    ("vacuum into '/tmp/copy.db'", D),
    ("create trigger t after insert on a begin delete from b; end", D),
    ("create trigger t after insert on a begin select 1; end; drop table a", D),
    ("select load_extension('evil.so')", D),
    ("select readfile('/etc/passwd')", D),
    ("select writefile('/tmp/x', 'y')", D),
    ("select edit('x')", D),
    ("select fts3_tokenizer('simple')", D),
    ("select * from albums; drop table albums", D),
    ("\\d albums", D),
    ("select '\\'; drop table t; -- '", D),
    ("select `a`, [b], x'41' from t", R),
];

fn check(rows: &[(&str, Level)], dialect: Dialect) {
    let failures: Vec<String> = rows
        .iter()
        .filter_map(|(sql, want)| {
            let verdict = classify(sql, dialect, None);
            (verdict.level != *want).then(|| {
                format!(
                    "{sql:?}: expected {}, got {} {:?}",
                    want.as_str(),
                    verdict.level.as_str(),
                    verdict.reasons
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} {} rows misclassified:\n{}",
        failures.len(),
        rows.len(),
        dialect.name(),
        failures.join("\n")
    );
}

#[test]
fn postgres_table() {
    check(POSTGRES, Dialect::Postgres);
}

#[test]
fn sqlite_table() {
    check(SQLITE, Dialect::Sqlite);
}

#[test]
fn table_has_at_least_150_rows() {
    assert!(POSTGRES.len() + SQLITE.len() >= 150);
}

/// The false-positive rate over every read-only row: must be zero.
#[test]
fn no_read_only_row_is_flagged() {
    let rows: Vec<(&str, Dialect)> = POSTGRES
        .iter()
        .map(|r| (r, Dialect::Postgres))
        .chain(SQLITE.iter().map(|r| (r, Dialect::Sqlite)))
        .filter(|((_, want), _)| *want == R)
        .map(|((sql, _), d)| (*sql, d))
        .collect();
    let flagged: Vec<&str> = rows
        .iter()
        .filter(|(sql, d)| classify(sql, *d, None).level != R)
        .map(|(sql, _)| *sql)
        .collect();
    assert!(rows.len() >= 100, "only {} read-only rows", rows.len());
    assert!(
        flagged.is_empty(),
        "{} of {} read-only rows flagged: {flagged:#?}",
        flagged.len(),
        rows.len()
    );
}

fn reasons(sql: &str) -> Vec<String> {
    classify(sql, Dialect::Postgres, None).reasons
}

fn has_reason(sql: &str, needle: &str) -> bool {
    reasons(sql).iter().any(|r| r.contains(needle))
}

#[test]
fn reasons_name_the_trap() {
    let cases = [
        (
            "with d as (delete from t returning *) select * from d",
            "data-modifying CTE (DELETE)",
        ),
        (
            "explain analyze delete from t",
            "EXPLAIN ANALYZE executes DELETE",
        ),
        (
            "explain (analyze) insert into t values (1)",
            "EXPLAIN ANALYZE executes INSERT",
        ),
        (
            "select pg_read_file('/etc/passwd')",
            "pg_read_file reads server files",
        ),
        ("drop table t", "DROP TABLE removes a table"),
        (
            "update t set x = 1",
            "UPDATE without WHERE changes every row",
        ),
        ("update t set x = 1 where true", "always-true WHERE"),
        ("select * from t for update", "FOR UPDATE"),
        ("select * into x from t", "SELECT … INTO"),
        ("select 1 from t where u&\"\\d800\" = 1", "U&"),
        ("\\dt", "psql meta-command"),
        ("selec 1", "glance cannot read it"),
        ("", "empty input"),
        ("do $$ begin end $$", "DO runs procedural code"),
        ("alter system set work_mem = '1GB'", "ALTER SYSTEM"),
        (
            "(delete from t)",
            "data-modifying statement inside a query (DELETE)",
        ),
        (
            "select dblink_exec('x', 'y')",
            "dblink_exec reaches another database",
        ),
        ("select nextval('s')", "nextval advances a sequence"),
    ];
    for (sql, needle) in cases {
        assert!(
            has_reason(sql, needle),
            "{sql:?}: no reason with {needle:?} in {:?}",
            reasons(sql)
        );
    }
}

/// The user is always told why: a verdict above read-only carries reasons.
#[test]
fn every_flagged_row_has_a_reason() {
    let rows = POSTGRES
        .iter()
        .map(|(sql, _)| (*sql, Dialect::Postgres))
        .chain(SQLITE.iter().map(|(sql, _)| (*sql, Dialect::Sqlite)));
    for (sql, dialect) in rows {
        let v = classify(sql, dialect, None);
        assert!(
            v.level == R || !v.reasons.is_empty(),
            "{sql:?}: {} without a reason",
            v.level.as_str()
        );
    }
}

#[test]
fn plain_reads_have_no_reasons() {
    for sql in [
        "select 1",
        "select * from film where film_id = 1",
        "explain delete from t",
    ] {
        assert_eq!(reasons(sql), Vec::<String>::new(), "{sql:?}");
    }
}

#[test]
fn reasons_are_not_repeated() {
    let r = reasons("select pg_read_file('a'), pg_read_file('b'); select pg_read_file('c')");
    let dedup: std::collections::HashSet<&String> = r.iter().collect();
    assert_eq!(dedup.len(), r.len(), "{r:?}");
}

#[test]
fn counts_statements() {
    let count = |sql| classify(sql, Dialect::Postgres, None).statements;
    assert_eq!(count("select 1"), 1);
    assert_eq!(count("select 1;"), 1);
    assert_eq!(count("select 1; select 2"), 2);
    assert_eq!(count("select 1;; ;select 2; -- tail"), 2);
    assert_eq!(count("select ';'"), 1);
    assert_eq!(count(""), 0);
    assert_eq!(count("select 'open"), 1);
}

#[test]
fn the_worst_statement_wins() {
    let v = classify(
        "select 1; insert into t values (1); select 2",
        Dialect::Postgres,
        None,
    );
    assert_eq!((v.level, v.statements), (W, 3));
}

fn catalog_with(functions: &[(&str, Volatility)]) -> Catalog {
    Catalog {
        functions: functions
            .iter()
            .map(|(n, v)| (n.to_string(), *v))
            .collect::<HashMap<_, _>>(),
        ..Catalog::default()
    }
}

#[test]
fn user_functions_are_verified_by_reading_them() {
    let catalog = seeded_catalog();
    let verdict = |sql| classify(sql, Dialect::Postgres, Some(&catalog));
    let level = |sql| verdict(sql).level;
    assert_eq!(level("select full_name(c) from customer c"), R);
    assert_eq!(level("select public.st_x(geom) from places"), R);
    assert_eq!(level("select * from FULL_NAME(1)"), R);
    assert_eq!(level("select touch(c) from customer c"), W);
    assert_eq!(level("select not_in_catalog()"), W);
    assert_eq!(level("select public.lower('x')"), W);
    // Quoted names are exact: the catalog holds lower-case names.
    assert_eq!(level("select \"Full_Name\"(1)"), W);
    // A body that calls a body: reasons name each object.
    let reasons = verdict("select lying_kill()").reasons.join(" ");
    assert!(reasons.contains("public.lying_kill runs SQL"), "{reasons}");
    assert!(reasons.contains("pg_terminate_backend"), "{reasons}");
    assert_eq!(level("select lying_kill()"), D);
    let reasons = verdict("select lying_write('x')").reasons.join(" ");
    assert!(
        reasons.contains("public.lying_write is plpgsql: glance cannot read it"),
        "{reasons}"
    );
    // A catalog never makes a system or dangerous function harmless.
    let tricky = catalog_with(&[
        ("pg_read_file", Volatility::Immutable),
        ("pg_whatever", Volatility::Immutable),
    ]);
    let level = |sql| classify(sql, Dialect::Postgres, Some(&tricky)).level;
    assert_eq!(level("select pg_read_file('x')"), D);
    assert_eq!(level("select pg_whatever()"), W);
    // Without a catalog an unknown or schema-qualified function is a write.
    for sql in ["select full_name(1)", "select public.lower('x')"] {
        assert_eq!(classify(sql, Dialect::Postgres, None).level, W, "{sql}");
    }
}

#[test]
fn definitions_are_followed_to_a_bound_and_cycles_ask() {
    let body = |n: usize| match n {
        0 => "select 1".to_string(),
        n => format!("select f{}()", n - 1),
    };
    let chain = |len: usize| Catalog {
        code: Code {
            routines: (0..len)
                .map(|n| {
                    routine(
                        16400 + n as u32,
                        &format!("public.f{n}"),
                        "sql",
                        Some(&body(n)),
                    )
                })
                .collect(),
            ..Code::default()
        },
        ..Catalog::default()
    };
    let level = |catalog: &Catalog, sql| classify(sql, Dialect::Postgres, Some(catalog)).level;
    let short = chain(4);
    assert_eq!(level(&short, "select f3()"), R);
    let long = chain(20);
    assert_eq!(level(&long, "select f19()"), W);
    let mut cycle = chain(2);
    cycle.code.routines[0].body = Some("select f1()".into());
    let verdict = classify("select f1()", Dialect::Postgres, Some(&cycle));
    assert_eq!(verdict.level, W);
    assert!(
        verdict.reasons.join(" ").contains("refers to itself"),
        "{verdict:?}"
    );
}

#[test]
fn names_resolve_through_the_search_path() {
    let mut catalog = seeded_catalog();
    let level = |catalog: &Catalog, sql| classify(sql, Dialect::Postgres, Some(catalog)).level;
    // evil.lower is not on the path: lower is the built-in.
    assert_eq!(level(&catalog, "select lower('X')"), R);
    assert_eq!(level(&catalog, "select evil.lower('X')"), W);
    catalog.code.search_path = Some(vec!["evil".into(), "pg_catalog".into(), "public".into()]);
    assert_eq!(level(&catalog, "select lower('X')"), W);
    // Unknown order: every schema may hold the function.
    catalog.code.search_path = None;
    assert_eq!(level(&catalog, "select lower('X')"), W);
    assert_eq!(level(&catalog, "select pg_catalog.lower('X')"), R);
}

#[test]
fn trusted_functions_run_by_name() {
    let mut catalog = seeded_catalog();
    let level = |catalog: &Catalog| {
        classify("select lying_write('x')", Dialect::Postgres, Some(catalog)).level
    };
    assert_eq!(level(&catalog), W);
    catalog.code.trusted = vec!["public.lying_write".into()];
    assert_eq!(level(&catalog), R);
    catalog.code.trusted = vec!["lying_write".into()];
    assert_eq!(level(&catalog), W, "a trusted name is schema-qualified");
}

#[test]
fn splits_at_top_level_semicolons_only() {
    let split = |sql| split_statements(sql, Dialect::Postgres);
    assert_eq!(split("select 1; select 2"), ["select 1", "select 2"]);
    assert_eq!(split("select 1;"), ["select 1"]);
    assert_eq!(
        split("  select 1  ;;  ; select 2 ;  "),
        ["select 1", "select 2"]
    );
    assert_eq!(
        split("select 'a;b'; select 2"),
        ["select 'a;b'", "select 2"]
    );
    assert_eq!(
        split("select $$a;b$$; select $x$;$x$"),
        ["select $$a;b$$", "select $x$;$x$"]
    );
    assert_eq!(split("select \"a;b\" from t"), ["select \"a;b\" from t"]);
    assert_eq!(
        split("select 1 /* ; */ ; select 2"),
        ["select 1 /* ; */", "select 2"]
    );
    assert_eq!(
        split("select 1 -- ; not a break\n; select 2"),
        ["select 1 -- ; not a break", "select 2"]
    );
    assert_eq!(
        split("-- leading\nselect 1; -- trailing only"),
        ["-- leading\nselect 1"]
    );
    assert_eq!(
        split("select E'\\';' ; select 2"),
        ["select E'\\';'", "select 2"]
    );
    assert_eq!(split(""), Vec::<String>::new());
    assert_eq!(split(" ; -- nothing\n ; "), Vec::<String>::new());
}

#[test]
fn split_keeps_the_exact_text() {
    let sql = "SELECT  'héllo wörld;' AS \"ü\"\n  FROM t\t;\nselect\n\t2";
    assert_eq!(
        split_statements(sql, Dialect::Postgres),
        ["SELECT  'héllo wörld;' AS \"ü\"\n  FROM t", "select\n\t2"]
    );
    let crlf = "select 1;\r\nselect 'é';\r\n";
    assert_eq!(
        split_statements(crlf, Dialect::Postgres),
        ["select 1", "select 'é'"]
    );
}

#[test]
fn split_of_untokenizable_input_is_the_whole_input() {
    assert_eq!(
        split_statements(" select 'open; select 2 ", Dialect::Postgres),
        ["select 'open; select 2"]
    );
}

#[test]
fn split_keeps_routine_and_trigger_bodies_whole() {
    let trigger = "create trigger t after insert on a begin update b set n = n + 1; \
                   select case when 1 then 2 end; end";
    assert_eq!(
        split_statements(&format!("{trigger}; select 1"), Dialect::Sqlite),
        [trigger, "select 1"]
    );
    let atomic = "create function f() returns int language sql begin atomic select 1; end";
    assert_eq!(
        split_statements(&format!("{atomic};\nselect 2;"), Dialect::Postgres),
        [atomic, "select 2"]
    );
    // Outside CREATE, BEGIN is a transaction and the semicolon splits.
    assert_eq!(
        split_statements("begin; select 1; end;", Dialect::Postgres),
        ["begin", "select 1", "end"]
    );
    // A CASE … END in a CREATE statement without a block does not nest.
    assert_eq!(
        split_statements(
            "create view v as select case when true then 1 end; drop view v",
            Dialect::Postgres
        ),
        [
            "create view v as select case when true then 1 end",
            "drop view v"
        ]
    );
}

#[test]
fn split_in_sqlite() {
    assert_eq!(
        split_statements("select 'a;b'; pragma table_info(t);", Dialect::Sqlite),
        ["select 'a;b'", "pragma table_info(t)"]
    );
}

#[test]
fn command_tags() {
    let cases = [
        ("select 1", "SELECT"),
        ("  -- c\n select 1", "SELECT"),
        ("values (1)", "SELECT"),
        ("table film", "SELECT"),
        ("with a as (select 1) select * from a", "SELECT"),
        ("with d as (select 1) delete from t", "DELETE"),
        ("insert into t values (1)", "INSERT"),
        ("update t set x = 1", "UPDATE"),
        ("delete from t", "DELETE"),
        (
            "merge into t using s on true when matched then delete",
            "MERGE",
        ),
        ("create table t (id int)", "CREATE TABLE"),
        ("create temp table t (id int)", "CREATE TABLE"),
        ("create unique index i on t (x)", "CREATE INDEX"),
        ("create or replace view v as select 1", "CREATE VIEW"),
        (
            "create materialized view mv as select 1",
            "CREATE MATERIALIZED VIEW",
        ),
        ("drop index i", "DROP INDEX"),
        ("drop table if exists t", "DROP TABLE"),
        ("alter table t add column x int", "ALTER TABLE"),
        ("begin", "BEGIN"),
        ("start transaction", "START TRANSACTION"),
        ("commit", "COMMIT"),
        ("end", "COMMIT"),
        ("rollback", "ROLLBACK"),
        ("set search_path = x", "SET"),
        ("show search_path", "SHOW"),
        ("explain analyze delete from t", "EXPLAIN"),
        ("copy t to stdout", "COPY"),
        ("truncate t", "TRUNCATE"),
        ("grant select on t to u", "GRANT"),
        ("refresh materialized view mv", "REFRESH MATERIALIZED VIEW"),
        ("select 1; drop table t", "SELECT"),
        ("", ""),
    ];
    for (sql, want) in cases {
        assert_eq!(command_tag(sql, Dialect::Postgres), want, "{sql:?}");
    }
    assert_eq!(
        command_tag("pragma user_version", Dialect::Sqlite),
        "PRAGMA"
    );
    assert_eq!(
        command_tag("create virtual table f using fts5(x)", Dialect::Sqlite),
        "CREATE VIRTUAL TABLE"
    );
}

#[test]
fn builtin_volatility_outranks_the_reader_lists_except_harmless_names() {
    let mut catalog = catalog_with(&[
        // Volatile built-ins that change nothing.
        ("random", Volatility::Volatile),
        ("clock_timestamp", Volatility::Volatile),
        ("uuid_generate_v4", Volatility::Volatile),
        // A volatile built-in on no list.
        ("brin_summarize_new_values", Volatility::Volatile),
        ("chr", Volatility::Volatile),
    ]);
    catalog.code = seeded_catalog().code;
    let verdict = |sql| classify(sql, Dialect::Postgres, Some(&catalog));
    let level = |sql| verdict(sql).level;
    assert!(
        verdict("select chr(65)")
            .reasons
            .iter()
            .any(|r| r.contains("chr is a volatile function (pg_proc)")),
        "{:?}",
        verdict("select chr(65)").reasons
    );
    assert_eq!(level("select random(), clock_timestamp()"), R);
    assert_eq!(level("select uuid_generate_v4()"), R);
    assert_eq!(level("select brin_summarize_new_values('t'::regclass)"), W);
    // A user overload of a harmless name is verified, not trusted by name.
    assert_eq!(level("select random(1)"), W);
    // Attribute notation: `c.touch` is `touch(c)`.
    assert_eq!(level("select c.touch from customer c"), W);
    assert_eq!(level("select (c).touch from customer c"), W);
    assert_eq!(level("select c.name from customer c"), R);
    // Operators backed by functions that write; built-in operators run.
    assert_eq!(level("select 1 <%> 2"), W);
    assert_eq!(level("select 1 <~> 2"), R);
    // Constructs that compare through an operator without naming it.
    let mut shadowed = seeded_catalog();
    shadowed.code.operators[0].symbol = "=".into();
    let level = |sql| classify(sql, Dialect::Postgres, Some(&shadowed)).level;
    for sql in [
        "select 1 in (1, 2)",
        "select 1 is distinct from 2",
        "select case 1 when 1 then 'a' end",
        "select 1 = any(array[1])",
    ] {
        assert_eq!(level(sql), W, "{sql}");
    }
    // Without a catalog neither is judged by name.
    assert_eq!(
        classify("select c.touch from customer c", Dialect::Postgres, None).level,
        R
    );
}

#[test]
fn views_policies_domains_and_aggregates_are_verified() {
    let catalog = seeded_catalog();
    let verdict = |sql| classify(sql, Dialect::Postgres, Some(&catalog));
    let says = |sql, words: &str| {
        let v = verdict(sql);
        assert_eq!(v.level, W, "{sql}: {v:?}");
        assert!(v.reasons.join(" ").contains(words), "{sql}: {v:?}");
    };
    assert_eq!(verdict("select * from v").level, R);
    says(
        "select * from v_volatile",
        "the view public.v_volatile runs SQL",
    );
    says(
        "select * from public.v_nested",
        "public.log_visit is plpgsql",
    );
    says(
        "select count(*) from ledger",
        "policy audited on public.ledger",
    );
    says(
        "select 1::logged_int",
        "a CHECK of the domain public.logged_int",
    );
    says("select cast(1 as public.logged_int)", "check_logs");
    says("select * from ft", "public.ft is a foreign table");
    says(
        "select * from jsonb_to_record('{\"a\": 1}') as r(a logged_int)",
        "a CHECK of the domain public.logged_int",
    );
    says(
        "select logging_sum(x) from t",
        "the aggregate public.logging_sum calls public.logging_state",
    );
    says(
        "select table_to_xml('film', true, false, '')",
        "reads relations named at run time",
    );
    says(
        "select database_to_xml(true, false, '')",
        "reads relations named at run time",
    );
    assert_eq!(
        verdict("select table_to_xmlschema('film', true, false, '')").level,
        R
    );
}

#[test]
fn extension_members_count_only_for_extensions_that_compute() {
    let catalog = seeded_catalog();
    let level = |sql| classify(sql, Dialect::Postgres, Some(&catalog)).level;
    assert_eq!(
        level("select trgm.similarity('a', 'b'), trgm.word_similarity('a', 'b')"),
        R
    );
    assert_eq!(level("select is_valid('978-0-393-04002-9'::isbn13)"), R);
    assert_eq!(level("select trgm.set_limit(0.5)"), W);
    // Not on the search path, and a name alone is not membership.
    assert_eq!(level("select similarity('a', 'b')"), W);
    assert_eq!(level("select isn_weak(true)"), W);
    assert_eq!(
        level("select evil.similarity('a', 'b')"),
        W,
        "a name is not membership"
    );
    let v = classify(
        "select * from crosstab('select 1') as ct(a text)",
        Dialect::Postgres,
        Some(&catalog),
    );
    assert_eq!(v.level, W);
    assert!(
        v.reasons
            .join(" ")
            .contains("public.crosstab is c from the extension tablefunc: glance cannot read it"),
        "{v:?}"
    );
}

#[test]
fn secret_catalogs_ask_with_the_reason() {
    for (sql, words) in [
        ("select rolpassword from pg_authid", "password hashes"),
        ("select * from pg_catalog.pg_shadow", "password hashes"),
        (
            "select umoptions from pg_user_mappings",
            "foreign-server passwords",
        ),
        ("select * from pg_hba_file_rules", "pg_hba.conf"),
        ("select * from pg_file_settings", "configuration files"),
        ("select * from pg_ident_file_mappings", "pg_ident.conf"),
        ("select * from pg_statistic", "sampled"),
    ] {
        let v = classify(sql, Dialect::Postgres, None);
        assert_eq!(v.level, W, "{sql}");
        assert!(v.reasons.join(" ").contains(words), "{sql}: {v:?}");
    }
    assert_eq!(
        classify(
            "select * from information_schema.user_mapping_options",
            Dialect::Postgres,
            None
        )
        .level,
        W
    );
    assert_eq!(
        classify("select * from pg_roles", Dialect::Postgres, None).level,
        R
    );
}

#[test]
fn sqlite_views_are_verified_too() {
    let mut catalog = seeded_catalog();
    catalog.code = Code::default();
    catalog.relations.push(crate::catalog::Relation {
        name: "files".into(),
        definition: Some("SELECT writefile('/nonexistent/x', 'y') AS w".into()),
        ..catalog.relations[catalog.relations.len() - 1].clone()
    });
    let level = |sql| classify(sql, Dialect::Sqlite, Some(&catalog)).level;
    assert_eq!(level("select * from files"), D);
    assert_eq!(level("select * from FILES"), D);
    assert_eq!(level("select * from v"), R);
}

#[test]
fn role_switches_are_destructive() {
    for sql in [
        "set role postgres",
        "set local role postgres",
        "set session authorization postgres",
        "set role = 'postgres'",
        "reset role",
        "reset session authorization",
        "discard all",
        "reset all",
    ] {
        assert_eq!(classify(sql, Dialect::Postgres, None).level, D, "{sql:?}");
    }
    for sql in ["set work_mem = '1MB'", "discard plans"] {
        assert_eq!(classify(sql, Dialect::Postgres, None).level, W, "{sql:?}");
    }
}

#[test]
fn respelled_queries_keep_their_literals_and_calls() {
    let level = |sql| classify(sql, Dialect::Postgres, None).level;
    assert_eq!(
        level("select * from (table film) f where 'a'' table b' <> ''"),
        R
    );
    assert_eq!(level("select trim(both from 'it''s (table x)')"), R);
    assert_eq!(level("select trim(leading from 'x'), pg_read_file('y')"), D);
    assert_eq!(level("select 'exclude current row' from (table t) x"), R);
    assert_eq!(level("with a as (table t) select nextval('s') from a"), W);
}

#[test]
fn only_ordinary_dml_with_verified_calls_is_undone_by_a_rollback() {
    let catalog = corpus::seeded_catalog();
    let undoes = |sql| classify(sql, Dialect::Postgres, Some(&catalog)).rollback_undoes;
    for sql in [
        "select * from film",
        "insert into t values (4, 40, 'd')",
        "update t set x = 1 where id = 2",
        "update t set x = 1",
        "delete from t where id = 1",
        "merge into t using s on t.id = s.id when matched then delete",
        "with d as (delete from t returning *) insert into s select id, v from d",
        "update t set v = upper(v) where id in (select id from s)",
    ] {
        assert!(undoes(sql), "{sql:?} should be undone by a rollback");
    }
    for sql in [
        "select pg_terminate_backend(1)",
        "delete from t where pg_terminate_backend(1)",
        "insert into visits (note) values (log_visit('x'))",
        "update t set x = nextval('seq') where id = 1",
        "insert into t select pg_advisory_lock(1), 1, 'x'",
        "copy t to program 'true'",
        "truncate t",
        "create table n (a int)",
        "select * from t for update",
        "notify chan",
        "explain analyze delete from t",
        "execute q(1)",
        "update t set x = 1 where id = 2; vacuum t",
        "select pg_notify('chan', 'x')",
        "set standard_conforming_strings = off",
        // Index maintenance, an argument default, an implicit cast: user
        // code that may reach outside the transaction.
        "insert into ranked values (5)",
        "update ranked set n = 6 where n = 5",
        "delete from t where id = defaulted_write()",
        "update t set x = tally_n(7) where id = 2",
    ] {
        assert!(!undoes(sql), "{sql:?} is not undone by a rollback");
    }
}

#[test]
fn sequences_advance_with_nextval_and_serial_defaults() {
    let mut catalog = corpus::seeded_catalog();
    // This test's `visits`, with its serial default, replaces the seeded one.
    catalog.relations.retain(|r| r.name != "visits");
    catalog.relations.push(crate::catalog::Relation {
        columns: vec![
            crate::catalog::ColumnInfo {
                name: "id".into(),
                default: Some("nextval('visits_id_seq'::regclass)".into()),
                ..Default::default()
            },
            crate::catalog::ColumnInfo {
                name: "note".into(),
                ..Default::default()
            },
        ],
        ..crate::catalog::Relation::new("public", "visits", crate::catalog::RelationKind::Table)
    });
    let visits = catalog.relations.len() - 1;
    let mut evil = catalog.relations[visits].clone();
    evil.name = "evil".into();
    evil.columns[1].default = Some("pg_terminate_backend(1)".into());
    catalog.relations[visits].columns[1].default = Some("now()".into());
    catalog.relations.push(evil);
    let verdict = |sql| classify(sql, Dialect::Postgres, Some(&catalog));
    let killing = verdict("insert into evil (id) values (1)");
    assert_eq!(killing.level, D, "{killing:?}");
    assert!(!killing.rollback_undoes);
    let planned = verdict("explain insert into evil (id) values (1)");
    assert_eq!(planned.level, D, "the planner folds defaults too");
    for sql in [
        "insert into visits (note) values ('x')",
        "insert into visits values (default, 'x')",
        "insert into public.visits default values",
        "select nextval('seq')",
        "merge into visits v using s on v.id = s.id when not matched then insert (note) values (s.v)",
    ] {
        assert!(verdict(sql).advances_sequences, "{sql:?}");
    }
    let mut tickets = catalog.relations[visits].clone();
    tickets.name = "tickets".into();
    tickets.columns[0].default = Some("generated always as identity".into());
    tickets.columns[1].default = Some("generated always as (upper(note)) stored".into());
    catalog.relations.push(tickets);
    let verdict = |sql| classify(sql, Dialect::Postgres, Some(&catalog));
    let ticket = verdict("insert into tickets (note) values ('x')");
    assert!(
        ticket.advances_sequences,
        "identity columns advance: {ticket:?}"
    );
    assert_eq!(ticket.level, W, "{ticket:?}");
    assert!(!verdict("insert into tickets (id, note) values (1, 'x')").advances_sequences);
    let plain = verdict("insert into visits (note) values ('x')");
    assert!(
        plain.rollback_undoes,
        "a serial default alone still previews"
    );
    for sql in [
        "insert into visits (id, note) values (7, 'x')",
        "insert into t values (4, 40, 'd')",
        "update visits set note = 'y' where id = 1",
        "select currval('seq')",
        "explain select nextval('seq')",
        "explain insert into visits (note) values ('x')",
    ] {
        assert!(!verdict(sql).advances_sequences, "{sql:?}");
    }
}

#[test]
fn unicode_names_are_read_as_the_server_reads_them() {
    let level = |sql| classify(sql, Dialect::Postgres, None).level;
    assert_eq!(level("select * from U&\"\\0066ilm\""), R);
    assert_eq!(level("select * from U&\"!0066ilm\" UESCAPE '!'"), R);
    assert_eq!(level("select U&\"\\0070g_read_file\"('/etc/hostname')"), D);
    assert_eq!(level("select U&\"pg_read_\\+000066ile\"('x')"), D);
    assert_eq!(
        level("select * from U&\"\\0066ilm\" where U&\"\\0074ouch\"(1) > 0"),
        W
    );
    // Escapes that do not decode keep the trap.
    assert_eq!(level("select U&\"\\d83d\" from t"), D);
    assert_eq!(level("select U&\"x\" uescape 'a' from t"), D);
    // SQLite has no U& names: it reads u & "x", as the parser does, but asks.
    assert_eq!(
        classify("select u&\"x\" from t", Dialect::Sqlite, None).level,
        D
    );
}

#[test]
fn ordinary_domains_and_policies_are_reads() {
    let mut catalog = seeded_catalog();
    catalog.code.domains = vec![crate::catalog::Domain {
        schema: "public".into(),
        name: "slug".into(),
        checks: vec![
            "CHECK ((VALUE > 0))".into(),
            "CHECK ((VALUE ~ '^[a-z]+$'::text)) NOT VALID".into(),
        ],
        base: None,
    }];
    catalog.code.policies = vec![crate::catalog::Policy {
        schema: "public".into(),
        table: "ledger".into(),
        name: "tenant".into(),
        using: Some(
            "((id = (current_setting('app.tenant'::text))::integer) OR (CURRENT_USER = 'admin'::name))"
                .into(),
        ),
    }];
    let level = |sql| classify(sql, Dialect::Postgres, Some(&catalog)).level;
    assert_eq!(level("select 'abc'::slug"), R);
    assert_eq!(level("select count(*) from ledger"), R);
}

#[test]
fn only_a_single_comment_statement_is_a_comment() {
    let pg = Dialect::Postgres;
    assert!(is_comment("COMMENT ON TABLE t IS 'x'", pg));
    assert!(is_comment(
        "comment on column public.\"T\".c is 'it''s'",
        pg
    ));
    assert!(is_comment("COMMENT ON COLUMN t.c IS NULL", pg));
    assert!(!is_comment("COMMENT ON TABLE t IS 'x'; DROP TABLE t", pg));
    assert!(!is_comment("DROP TABLE t", pg));
    assert!(!is_comment("select 1", pg));
    assert!(!is_comment("", pg));
}

#[test]
fn transactional_ddl_and_plain_dml_may_be_tried_in_a_rolled_back_transaction() {
    let catalog = corpus::seeded_catalog();
    let refusals = |sql| classify(sql, Dialect::Postgres, Some(&catalog)).trial_refusals;
    for sql in [
        "create table n (a int primary key, b text not null)",
        "alter table t add column deleted_at timestamptz",
        "alter table t drop column v",
        "alter table t add constraint c check (x > 0) not valid",
        "create index t_x on t (x)",
        "create unique index t_v on t (v) where x > 0",
        "drop index t_x",
        "drop table if exists n",
        "comment on column t.v is 'the value'",
        "create type mood as enum ('ok', 'sad')",
        "create view tv as select id, v from t",
        "create schema audit",
        "set local lock_timeout = '100ms'",
        "insert into t values (4, 40, 'd')",
        "update t set x = 1 where id = 2",
        "truncate t",
        "select * from film",
    ] {
        assert!(
            refusals(sql).is_empty(),
            "{sql:?} may be tried: {:?}",
            refusals(sql)
        );
    }
    // The preview's rule is unchanged: a rollback undoing DDL is not a
    // reason to preview it as a write.
    assert!(!classify("create table n (a int)", Dialect::Postgres, Some(&catalog)).rollback_undoes);
}

#[test]
fn what_a_rollback_may_not_undo_is_refused_a_trial_with_its_reason() {
    let catalog = corpus::seeded_catalog();
    let refusal = |sql| classify(sql, Dialect::Postgres, Some(&catalog)).trial_refusals;
    for (sql, says) in [
        ("create index concurrently t_x on t (x)", "CONCURRENTLY"),
        ("vacuum t", "VACUUM"),
        ("create database scratch", "CREATE DATABASE"),
        ("drop database scratch", "DROP DATABASE"),
        (
            "select dblink_exec('host=x', 'drop table t')",
            "dblink_exec",
        ),
        (
            "alter table t add column w text default dblink_exec('x', 'y')",
            "dblink_exec",
        ),
        ("select nextval('seq')", "sequence"),
        ("update t set x = nextval('seq') where id = 1", "sequence"),
        ("copy t from stdin", "COPY"),
        ("notify jobs", "NOTIFY"),
        ("set lock_timeout = '1s'", "SET LOCAL"),
        ("set session statement_timeout = 0", "SET LOCAL"),
        ("commit", "transaction control"),
        ("begin", "transaction control"),
        ("savepoint a", "transaction control"),
        ("create extension dblink", "CREATE EXTENSION"),
        ("grant select on t to public", "GRANT"),
        ("reindex table t", "REINDEX"),
        ("this is not sql", "cannot read"),
        ("alter table t add column \\x int", "meta-command"),
    ] {
        let reasons = refusal(sql);
        assert!(
            reasons.iter().any(|r| r.contains(says)),
            "{sql:?}: {reasons:?} should name {says:?}"
        );
    }
}

#[test]
fn only_plain_literals_name_no_schema_object() {
    for dialect in [Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql] {
        assert!(!names_schema_objects("select 1", dialect));
        assert!(!names_schema_objects("SELECT 1, 'a', null, true;", dialect));
        for named in ["select * from t", "select f()", "select 1 as x", "table t"] {
            assert!(names_schema_objects(named, dialect), "{named}");
        }
    }
    assert!(names_schema_objects("select `t`", Dialect::Mysql));
    assert!(names_schema_objects(
        "select 'unterminated",
        Dialect::Postgres
    ));
}
