//! The safety gate against a real PostgreSQL. The differential test runs
//! every statement of the adversarial corpus (`tests/corpus/safety.tsv`) as
//! a model's answer through the real binary, without a terminal, and checks
//! a fingerprint of the database (every table's rows, sequences, roles,
//! settings, privileges, large objects, locks, notifications…) after each:
//! a statement judged read-only runs through the server guard and changes
//! nothing; any other is refused (exit 3) and changes nothing either. Also:
//! the catalog's function volatility decides unknown functions.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::Value as Json;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, TestDb, glance};

/// The schema every corpus statement is written against.
const SEED: &str = r#"
    do $$ begin
        create role glance_reader nologin;
    exception when duplicate_object or unique_violation then null;
    end $$;
    do $$ begin
        create role glance_other nologin;
    exception when duplicate_object or unique_violation then null;
    end $$;
    create table film (
        film_id int primary key, title text not null, rating text, length int,
        rental_rate numeric(5,2), release_year int, special_features text[],
        description text, tags jsonb
    );
    insert into film values
        (1, 'Academy Dinosaur', 'PG', 86, 0.99, 2006, '{Trailers,"Deleted Scenes"}', 'A drama of a dog', '{"lang": "en"}'),
        (2, 'Ace Goldfinger', 'G', 48, 4.99, 2006, '{Trailers}', 'A tale of a cat', '{"lang": "fr"}'),
        (3, 'Adaptation Holes', 'NC-17', 50, 2.99, 2007, '{}', 'An epic drama', null),
        (4, 'Zorro Ark', 'PG', 129, 4.99, 2007, '{Commentaries}', null, '{"lang": "en"}');
    comment on table film is 'Films for rent';
    create table customer (
        customer_id int primary key, first_name text, last_name text, email text,
        active bool, created date
    );
    insert into customer values
        (1, 'Mary', 'Smith', 'mary.smith@example.com', true, '2023-05-01'),
        (2, 'Linda', 'Williams', 'linda.w@example.com', false, '2023-06-11'),
        (3, 'Ada', '', null, true, '2024-01-02');
    create table payment (
        payment_id serial primary key, customer_id int references customer,
        film_id int references film, amount numeric(6,2), payment_date timestamptz
    );
    insert into payment (customer_id, film_id, amount, payment_date) values
        (1, 1, 2.99, '2024-01-03 10:00+00'), (1, 2, 0.99, '2024-01-05 12:30+00'),
        (2, 1, 5.99, '2024-01-05 18:00+00'), (2, 4, 1.99, '2024-02-01 09:15+00'),
        (3, 3, 3.99, '2024-02-14 20:45+00');
    create table docs (id int primary key, body jsonb);
    insert into docs values
        (1, '{"kind": "memo", "author": {"name": "Ann"}, "tags": ["x", "y"], "n": 3}'),
        (2, '{"kind": "note", "tags": ["z"]}');
    create table places (id int primary key, name text, geom point);
    insert into places values (1, 'Origin', point(0, 0)), (2, 'Near', point(3, 4)),
        (3, 'Far', point(30, 40));
    create table employees (id int primary key, name text, manager_id int, dept text, salary numeric);
    insert into employees values (1, 'Boss', null, 'exec', 300), (2, 'Ann', 1, 'eng', 200),
        (3, 'Bob', 2, 'eng', 150), (4, 'Cy', 1, 'ops', 120);
    create table t (id int primary key, x int, v text);
    insert into t values (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c');
    create table s (id int primary key, v text);
    insert into s values (1, 'x'), (4, 'y');
    create table visits (id serial primary key, note text);
    create sequence seq;
    create view v as select * from film;
    create materialized view mv as select rating, count(*) as films from film group by rating;
    grant select on film to glance_reader;
    create function st_dwithin(a point, b point, d float8) returns boolean
        language sql immutable as $f$ select a <-> b <= d $f$;
    create function st_astext(p point) returns text language sql immutable as $f$ select p::text $f$;
    create function st_distance(a point, b point) returns float8
        language sql immutable as $f$ select a <-> b $f$;
    create function st_x(p point) returns float8 language sql immutable as $f$ select p[0] $f$;
    create function full_name(c customer) returns text language sql stable
        as $f$ select c.first_name || ' ' || c.last_name $f$;
    create function log_visit(note text) returns int language plpgsql volatile
        as $f$ begin insert into visits (note) values (note); return 1; end $f$;
    create function touch(c customer) returns int language sql volatile
        as $f$ insert into visits (note) values ('touch'); select 1 $f$;
    create function volatile_cmp(a int, b int) returns boolean language sql volatile
        as $f$ insert into visits (note) values ('operator'); select a = b $f$;
    create operator <%> (leftarg = int, rightarg = int, function = volatile_cmp);
    create procedure p() language sql as $f$ insert into visits (note) values ('p') $f$;
    select lo_from_bytea(4242, 'large object');
    analyze;
"#;

/// The hostile objects of the verification rows: functions whose declared
/// volatility lies, an aggregate with a writing state function, an overload
/// of a harmless name, a domain and a cast that call plpgsql, functions whose
/// argument default writes or whose argument is that domain or a type with an
/// implicit plpgsql cast, an index whose
/// operator class compares with plpgsql (also on a child table), a foreign
/// partition, a SQL function whose own search_path reaches `evil`, an
/// operator whose negator is plpgsql, views over
/// volatile functions, a read policy calling a SECURITY DEFINER function
/// (on a table a non-superuser owns), contrib extensions that run SQL given
/// as text (tablefunc, xml2, dblink), isn, pg_trgm in a schema of its own, a
/// file_fdw foreign table, and a schema `evil` off the search path.
const HOSTILE: &str = r#"
    create extension tablefunc;
    create extension xml2;
    create extension dblink;
    create extension isn;
    create extension file_fdw;
    create server files foreign data wrapper file_fdw;
    create foreign table ft (line text) server files
        options (filename '/nonexistent/glance-foreign-table');
    create schema trgm;
    create extension pg_trgm schema trgm;
    create schema evil;
    create function evil.lower(t text) returns text language plpgsql immutable
        as $f$ begin insert into public.visits (note) values ('evil.lower'); return t; end $f$;
    create function evil.similarity(a text, b text) returns real language plpgsql immutable
        as $f$ begin insert into public.visits (note) values ('evil.similarity'); return 1; end $f$;
    create function same_film(a int, b int) returns boolean language sql immutable
        set work_mem = '64MB' as $f$ select a = b $f$;
    create function logging_ne(a int, b int) returns boolean language plpgsql as $f$
        begin insert into visits (note) values ('negator'); return a <> b; end $f$;
    create operator %% (leftarg = int, rightarg = int, function = logging_ne);
    create operator %= (leftarg = int, rightarg = int, function = same_film,
                        negator = operator(public.%%));
    create function path_lower(t text) returns text language sql
        set search_path = evil, pg_catalog as $f$ select lower(t) $f$;
    create function path_count() returns bigint language sql stable
        set search_path = pg_catalog, public as $f$ select count(*) from film $f$;
    create function film_count() returns bigint language sql stable
        as $f$ select count(*) from film $f$;
    create function atomic_count() returns bigint stable begin atomic select count(*) from film; end;
    create function atomic_write() returns int
        begin atomic insert into visits (note) values ('atomic'); select 1; end;
    create function lying_kill() returns bigint language sql stable as $f$
        select count(pg_terminate_backend(pid)) from pg_stat_activity
        where application_name = 'glance_victim' $f$;
    create function lying_write(note text) returns int language plpgsql immutable
        as $f$ begin insert into visits (note) values (note); return 1; end $f$;
    create function remote_write(x text) returns text language sql immutable as $f$
        select dblink_exec('dbname=' || current_database(),
                           'insert into visits (note) values (''remote'')') $f$;
    create function logging_state(s int, v int) returns int language plpgsql as $f$
        begin insert into visits (note) values ('aggregate'); return coalesce(s, 0) + v; end $f$;
    create aggregate logging_sum(int) (sfunc = logging_state, stype = int);
    create function random(n int) returns float8 language plpgsql as $f$
        begin insert into visits (note) values ('random'); return n; end $f$;
    create function check_logs(v int) returns boolean language plpgsql as $f$
        begin insert into visits (note) values ('domain'); return true; end $f$;
    create domain logged_int as int check (check_logs(value));
    create function defaulted_write(n int default lying_write('default')) returns int
        language sql as $f$ select n + 0 $f$;
    create function takes_logged(n logged_int) returns int language sql as $f$ select n + 0 $f$;
    create type tally as (n int);
    create function int_to_tally(n int) returns tally language plpgsql as $f$
        begin insert into visits (note) values ('implicit cast'); return row(n); end $f$;
    create cast (int as tally) with function int_to_tally(int) as implicit;
    create function tally_n(t tally) returns int language sql as $f$ select t.n $f$;
    create function logging_cmp(a int, b int) returns int language plpgsql as $f$
        begin insert into visits (note) values ('opclass'); return btint4cmp(a, b); end $f$;
    create operator class logging_ops for type int using btree as
        operator 1 <, operator 2 <=, operator 3 =, operator 4 >=, operator 5 >,
        function 1 logging_cmp(int, int);
    create table ranked (n int);
    insert into ranked select generate_series(1, 100);
    create index ranked_n on ranked (n logging_ops);
    create table archive (n int);
    create table archive_2024 () inherits (archive);
    create index archive_2024_n on archive_2024 (n logging_ops);
    create table readings (id int) partition by list (id);
    create table readings_local partition of readings for values in (1);
    create foreign table readings_remote partition of readings for values in (2)
        server files options (filename '/dev/null');
    delete from visits where note = 'opclass';
    create type mood as enum ('ok');
    create function text_to_mood(t text) returns mood language plpgsql as $f$
        begin insert into visits (note) values ('cast'); return 'ok'; end $f$;
    create cast (text as mood) with function text_to_mood(text);
    create view v_volatile as select film_id, log_visit('view') from film;
    create view v_nested as select film_id from v_volatile;
    create function audit_read() returns boolean language plpgsql volatile security definer
        as $f$ begin insert into public.visits (note) values ('policy'); return true; end $f$;
    grant create on schema public to glance_other;
    set role glance_other;
    create table ledger (id int primary key, amount int);
    insert into ledger values (1, 10);
    alter table ledger enable row level security;
    create policy audited on ledger for select using (audit_read());
    grant select on ledger to public;
    reset role;
"#;

/// Everything a statement could change that the database can show, as
/// (part, query of text values) from a superuser connection; each part's
/// values are sorted and joined.
const PARTS: &[(&str, &str)] = &[
    (
        "relations",
        "select n.nspname || '.' || c.relname || ':' || c.relkind::text || ':' \
                || coalesce(c.relacl::text, '') || ':' || c.relowner::regrole::text \
         from pg_class c join pg_namespace n on n.oid = c.relnamespace \
         where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast') \
           and n.nspname !~ '^pg_(toast_)?temp_'",
    ),
    (
        "columns",
        "select a.attrelid::regclass::text || '.' || a.attname || ':' \
                || a.atttypid::regtype::text || ':' || a.attnotnull \
         from pg_attribute a join pg_class c on c.oid = a.attrelid \
         join pg_namespace n on n.oid = c.relnamespace \
         where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped",
    ),
    (
        "schemas",
        "select nspname || ':' || coalesce(nspacl::text, '') from pg_namespace \
         where nspname !~ '^pg_(toast_)?temp_'",
    ),
    (
        "functions",
        "select p.oid::regprocedure::text || ':' || p.provolatile::text || ':' || p.prosrc \
         from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'",
    ),
    (
        "operators",
        "select oprname || ':' || oprcode::text from pg_operator o \
         join pg_namespace n on n.oid = o.oprnamespace where n.nspname = 'public'",
    ),
    (
        "sequences",
        "select sequencename || '=' || coalesce(last_value::text, 'unset') from pg_sequences",
    ),
    (
        "comments",
        "select objoid::text || ':' || objsubid || ':' || description from pg_description \
         where objoid >= 16384",
    ),
    (
        "roles",
        "select rolname || ':' || rolsuper || rolinherit || rolcreaterole || rolcreatedb \
                || rolcanlogin || rolbypassrls || ':' || coalesce(rolconfig::text, '') \
         from pg_roles where rolname in ('glance_reader', 'glance_other', 'intruder')",
    ),
    (
        "memberships",
        "select roleid::regrole::text || '>' || member::regrole::text from pg_auth_members \
         where roleid::regrole::text in ('glance_reader', 'glance_other') \
            or member::regrole::text in ('glance_reader', 'glance_other')",
    ),
    (
        "role settings",
        "select coalesce(setdatabase::text, '') || ':' || setrole::text || ':' || setconfig::text \
         from pg_db_role_setting",
    ),
    (
        "settings",
        "select name || '=' || setting from pg_settings where context in ('user', 'superuser')",
    ),
    ("auto.conf", "select pg_read_file('postgresql.auto.conf')"),
    (
        "database",
        "select datname || ':' || coalesce(datacl::text, '') || ':' || datallowconn \
         from pg_database where datname = current_database()",
    ),
    (
        "default privileges",
        "select defaclacl::text from pg_default_acl",
    ),
    ("extensions", "select extname::text from pg_extension"),
    (
        "large objects",
        "select oid::text || ':' || coalesce(lomacl::text, '') from pg_largeobject_metadata",
    ),
    (
        "large object data",
        "select md5(string_agg(data, ''::bytea order by loid, pageno)) from pg_largeobject",
    ),
    (
        "advisory locks",
        "select count(*)::text from pg_locks where locktype = 'advisory' \
         and database = (select oid from pg_database where datname = current_database())",
    ),
    (
        "victim session alive",
        "select count(*)::text from pg_stat_activity where application_name = 'glance_victim'",
    ),
    (
        "advisory locks anywhere",
        "select count(*)::text from pg_locks where locktype = 'advisory'",
    ),
    (
        "sequence states",
        "select format('%s=%s', s.oid::regclass, pg_sequence_last_value(s.oid)) \
         from pg_class s where s.relkind = 'S'",
    ),
    (
        "prepared transactions",
        "select count(*)::text from pg_prepared_xacts where database = current_database()",
    ),
    (
        "replication slots",
        "select count(*)::text from pg_replication_slots",
    ),
];

/// The fingerprint of a database: [`PARTS`] plus every user table's rows
/// (tables that appear later are caught by `relations`).
pub fn fingerprint(client: &mut postgres::Client) -> BTreeMap<String, String> {
    let tables: Vec<String> = client
        .query(
            "select format('%I.%I', n.nspname, c.relname) from pg_class c \
             join pg_namespace n on n.oid = c.relnamespace \
             where c.relkind in ('r', 'm', 'p') and n.nspname = 'public' order by 1",
            &[],
        )
        .expect("list tables")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let parts = PARTS
        .iter()
        .map(|(name, query)| (name.to_string(), query.to_string()))
        .chain(
            tables
                .iter()
                .map(|t| (format!("rows of {t}"), format!("select r::text from {t} r"))),
        );
    let sql: Vec<String> = parts
        .map(|(name, query)| {
            format!("select '{name}', string_agg(v, '|' order by v) from ({query}) q(v)")
        })
        .collect();
    client
        .query(&sql.join(" union all "), &[])
        .unwrap_or_else(|e| panic!("fingerprint query failed: {e:?}"))
        .iter()
        .map(|row| {
            let value: Option<String> = row.get(1);
            (row.get(0), value.unwrap_or_default())
        })
        .collect()
}

/// The parts of two fingerprints that differ, one line each.
pub fn differences(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
) -> Vec<String> {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    keys.into_iter()
        .filter(|k| before.get(*k) != after.get(*k))
        .map(|k| format!("{k}: {:.300?} -> {:.300?}", before.get(k), after.get(k)))
        .collect()
}

/// The corpus rows of `dialect` (`pg`, `mysql`): line, expected level,
/// statement.
pub fn corpus(dialect: &str) -> Vec<(usize, String, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/safety.tsv");
    let text = std::fs::read_to_string(path).expect("read the corpus");
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|(i, l)| {
            let fields: Vec<&str> = l.split('\t').collect();
            (fields.get(1) == Some(&dialect))
                .then(|| (i + 1, fields[0].to_string(), fields[2].replace('↵', "\n")))
        })
        .collect()
}

/// `glance ask` with the model answering `sql`, no terminal, no --allow-*,
/// no second try, JSON output.
fn ask_with(db: &TestDb, fake: &FakeLlm) -> Cmd {
    let mut cmd = glance().args([
        "ask",
        "--retries",
        "0",
        "--format",
        "json",
        "-d",
        db.url(),
        "answer the question",
    ]);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd
}

/// glance's JSON document, `Null` when it printed none.
pub fn document(stdout: &str) -> Json {
    serde_json::from_str(stdout.trim()).unwrap_or(Json::Null)
}

/// The level glance printed in its JSON document, if any. A statement that
/// fails after its columns were sent leaves the document unfinished, so the
/// first `"level"` field is read from the text.
pub fn printed_level(stdout: &str) -> Option<String> {
    let rest = &stdout[stdout.find("\"level\":\"")? + "\"level\":\"".len()..];
    Some(rest[..rest.find('"')?].to_string())
}

/// How the corpus statements ended.
#[derive(Default)]
pub struct Tally {
    pub ran: usize,
    /// Read-only statements the server rejected: line and error.
    pub failed_on_server: Vec<String>,
    pub refused_by_glance: usize,
    /// Statements glance cannot read that the server would not parse
    /// either: reported as the server's error, never run, nobody asked.
    pub rejected_on_parse: usize,
    pub no_sql: usize,
    pub problems: Vec<String>,
}

impl Tally {
    /// One paragraph of counts for the test's output.
    pub fn report(&self, test: &str, rows: usize, started: Instant) -> String {
        format!(
            "{test}: {rows} statements: {} read-only ran through the guard, {} read-only failed \
             on the server ({:#?}), {} refused by glance, {} rejected by the server's parse, {} \
             held no SQL; {:.1} s",
            self.ran,
            self.failed_on_server.len(),
            self.failed_on_server,
            self.refused_by_glance,
            self.rejected_on_parse,
            self.no_sql,
            started.elapsed().as_secs_f64()
        )
    }

    /// Judges one run of the corpus statement on `line`.
    pub fn add(&mut self, (line, expected, sql): &(usize, String, String), out: &harness::Output) {
        let place = format!("line {line}: {sql:?}");
        let doc = document(&out.stdout);
        if doc["sql"].is_null() && doc["executed"] == false && out.code == Some(0) {
            // The reply's block held no statement: nothing ran.
            self.no_sql += 1;
            return;
        }
        match (expected.as_str(), out.code) {
            ("read_only", Some(0)) => self.ran += 1,
            // An error this statement earns on the seeded schema: the
            // fingerprint still shows whether anything changed.
            ("read_only", Some(1)) => {
                let error = out
                    .stderr
                    .lines()
                    .find(|line| !line.starts_with("glance: warning:"))
                    .unwrap_or_default();
                self.failed_on_server.push(format!("line {line}: {error}"));
            }
            (_, Some(3)) if expected != "read_only" => self.refused_by_glance += 1,
            (_, Some(1))
                if expected != "read_only"
                    && doc["level"].is_null()
                    && doc["executed"] == false
                    && doc["error"]["kind"] == "database" =>
            {
                // No verdict to compare: the server's parse said no first.
                self.rejected_on_parse += 1;
                return;
            }
            _ => self.problems.push(format!(
                "{place}: expected {expected}, exit {:?}\n{}",
                out.code, out.stderr
            )),
        }
        let level = printed_level(&out.stdout);
        if level.as_deref() != Some(expected.as_str()) {
            self.problems.push(format!(
                "{place}: glance judged it {level:?}, the corpus says {expected}\n{:.2000}",
                out.stdout
            ));
        }
    }
}

/// Statements run at once; the fingerprint is checked after each batch.
const PARALLEL: usize = 4;

/// Runs each corpus row of `rows` as the model's answer through the command
/// `ask` builds for a fake model, [`PARALLEL`] at once, each slot in a home
/// (config, history) of its own reused from run to run. After each batch
/// `changed` says what moved since the baseline (nothing: empty), which
/// becomes a problem naming the batch's lines.
pub fn run_corpus(
    rows: &[(usize, String, String)],
    ask: impl Fn(&FakeLlm) -> Cmd + Sync,
    mut changed: impl FnMut() -> Vec<String>,
) -> Tally {
    let homes: Vec<_> = (0..PARALLEL)
        .map(|_| harness::scratch_dir("safety_home"))
        .collect();
    let mut tally = Tally::default();
    for batch in rows.chunks(PARALLEL) {
        let outputs: Vec<harness::Output> = std::thread::scope(|scope| {
            let runs: Vec<_> = batch
                .iter()
                .zip(&homes)
                .map(|((_, _, sql), home)| {
                    let ask = &ask;
                    scope.spawn(move || {
                        let fake = FakeLlm::openai(vec![Reply::sql(sql)]);
                        // The harness's run timeout: four runs share a
                        // loaded machine.
                        ask(&fake).home(home).run()
                    })
                })
                .collect();
            runs.into_iter()
                .map(|run| run.join().expect("a run panicked"))
                .collect()
        });
        for (row, out) in batch.iter().zip(&outputs) {
            tally.add(row, out);
        }
        let changed = changed();
        if !changed.is_empty() {
            let lines: Vec<String> = batch.iter().map(|(line, ..)| line.to_string()).collect();
            tally.problems.push(format!(
                "one of lines {} changed the database:\n  {}",
                lines.join(", "),
                changed.join("\n  ")
            ));
        }
    }
    tally
}

#[test]
#[allow(clippy::print_stdout)] // the counts are this test's report
fn every_corpus_statement_changes_nothing_and_only_reads_run() {
    let started = Instant::now();
    let db = seeded("safety_differential");
    // Another session, which statements that end sessions would end.
    let mut victim = db.client();
    victim
        .batch_execute("set application_name = 'glance_victim'")
        .expect("name the victim session");
    let mut checker = db.client();
    checker
        .batch_execute("listen chan")
        .expect("listen for notifications");
    let baseline = fingerprint(&mut checker);
    let rows = corpus("pg");
    assert!(
        rows.len() >= 300,
        "only {} PostgreSQL corpus rows",
        rows.len()
    );
    let mut notified = false;
    let tally = run_corpus(
        &rows,
        |fake| ask_with(&db, fake),
        || {
            let mut changed = differences(&baseline, &fingerprint(&mut checker));
            if !notified && !checker.notifications().is_empty() {
                notified = true;
                changed.push("a notification was sent".into());
            }
            changed
        },
    );
    println!("{}", tally.report("differential test", rows.len(), started));
    assert!(
        tally.problems.is_empty(),
        "{} problems:\n{}",
        tally.problems.len(),
        tally.problems.join("\n")
    );
    victim
        .batch_execute("select 1")
        .expect("the victim session is still alive");
    assert!(
        tally.ran > 10 * tally.failed_on_server.len(),
        "most read-only statements should run: {} ran, these failed: {:#?}",
        tally.ran,
        tally.failed_on_server
    );
}

/// A database with the seeded schema and the hostile objects.
pub fn seeded(hint: &str) -> TestDb {
    let db = harness::db(hint);
    let available = db.query_scalar(&format!(
        "select count(*) from pg_available_extensions where name in ({})",
        CONTRIB.map(|name| format!("'{name}'")).join(", ")
    ));
    assert_eq!(
        available.as_deref(),
        Some(CONTRIB.len().to_string().as_str()),
        "the fixture needs PostgreSQL's contrib extensions {CONTRIB:?}; \
         install them (Debian: apt-get install postgresql-contrib)"
    );
    db.execute(SEED);
    db.execute(HOSTILE);
    db
}

/// The contrib extensions [`HOSTILE`] creates.
const CONTRIB: [&str; 6] = ["tablefunc", "xml2", "dblink", "isn", "file_fdw", "pg_trgm"];

#[test]
fn user_code_that_writes_or_cannot_be_read_is_refused_and_writes_nothing() {
    let db = seeded("safety_volatile");
    for (sql, reason) in [
        (
            "select log_visit('from a select')",
            "public.log_visit is plpgsql: glance cannot read it",
        ),
        (
            "select c.touch from customer c",
            "public.touch runs SQL that is not a verified read: INSERT adds rows",
        ),
        (
            "select count(*) from film where 1 <%> 1",
            "the operator <%> calls public.volatile_cmp",
        ),
        (
            "select lying_write('x')",
            "public.lying_write is plpgsql: glance cannot read it",
        ),
        (
            "select * from v_nested",
            "the view public.v_nested runs SQL",
        ),
        (
            "select count(*) from ledger",
            "the row-level security policy audited on public.ledger",
        ),
        (
            "select 1::logged_int",
            "a CHECK of the domain public.logged_int",
        ),
        (
            "select logging_sum(x) from t",
            "the aggregate public.logging_sum calls public.logging_state",
        ),
        (
            "select * from crosstab('select 1::text, 2::text, 3::text') as ct(a text, b text)",
            "public.crosstab is c from the extension tablefunc: glance cannot read it",
        ),
        (
            "select * from only v_nested",
            "the view public.v_nested runs SQL",
        ),
        (
            "select n from ranked where n = 5",
            "an index on public.ranked uses the operator class logging_ops",
        ),
        (
            "select * from readings where id = 1",
            "public.readings reads its partition or child table: public.readings_remote is a foreign table",
        ),
        (
            "select * from archive",
            "public.archive reads its partition or child table: an index on public.archive_2024",
        ),
        (
            "select title from film where not (film_id %= 1)",
            "the operator %= calls public.logging_ne",
        ),
        (
            "select path_lower('X')",
            "public.path_lower runs SQL that is not a verified read: evil.lower is plpgsql",
        ),
        (
            "select tally_n(7)",
            "public.tally_n takes or returns public.tally: the cast to public.tally",
        ),
        (
            "select defaulted_write()",
            "a default argument of public.defaulted_write runs SQL",
        ),
        (
            "select takes_logged(1)",
            "public.takes_logged takes or returns public.logged_int: a CHECK of the domain",
        ),
    ] {
        let fake = FakeLlm::openai(vec![Reply::sql(sql)]);
        let out = ask_with(&db, &fake).run();
        out.code(3);
        assert_eq!(
            printed_level(&out.stdout).as_deref(),
            Some("write"),
            "{out}"
        );
        out.stderr_has(reason);
        assert_eq!(
            db.query_scalar("select count(*) from visits").as_deref(),
            Some("0"),
            "{sql:?} wrote\n{out}"
        );
    }
}

#[test]
fn the_sessions_temporary_views_are_verified_like_any_other() {
    let db = seeded("safety_temp_view");
    let fake = FakeLlm::openai(vec![
        Reply::sql("select * from tv"),
        Reply::sql("select * from pg_temp.tv"),
    ]);
    let mut cmd = glance().args(["repl", "--no-history", "-d", db.url()]);
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    let out = cmd
        .stdin(
            "\\sql create temp view tv as select film_id, log_visit('temp') from film;\n\
             what is in tv?\n\
             and in pg_temp.tv?\n",
        )
        .run();
    assert_eq!(
        out.stdout.matches("→ write: the view pg_temp_").count(),
        2,
        "{out}"
    );
    assert_eq!(
        out.stderr
            .matches("not run: this statement needs a confirmation")
            .count(),
        2,
        "{out}"
    );
    assert_eq!(
        db.query_scalar("select count(*) from visits").as_deref(),
        Some("0"),
        "a temporary view's function ran\n{out}"
    );
}

#[test]
fn a_search_path_that_shadows_built_ins_makes_them_ask_and_introspection_calls_none() {
    let db = seeded("safety_search_path");
    // Functions and an operator with the signatures glance's own catalog
    // queries use, in a schema the database puts before pg_catalog.
    db.execute(
        r#"
        create function evil.log(name text) returns void language plpgsql
            as $f$ begin insert into public.visits (note) values (name); end $f$;
        create function evil.obj_description(o oid, c name) returns text language plpgsql
            as $f$ begin perform evil.log('obj_description'); return null; end $f$;
        create function evil.pg_get_userbyid(o oid) returns name language plpgsql
            as $f$ begin perform evil.log('pg_get_userbyid'); return 'x'; end $f$;
        create function evil.format_type(o oid, m int4) returns text language plpgsql
            as $f$ begin perform evil.log('format_type'); return 'x'; end $f$;
        create function evil.pg_get_viewdef(o oid) returns text language plpgsql
            as $f$ begin perform evil.log('pg_get_viewdef'); return 'x'; end $f$;
        create function evil.pg_get_indexdef(o oid) returns text language plpgsql
            as $f$ begin perform evil.log('pg_get_indexdef'); return 'x'; end $f$;
        create function evil.current_schemas(b boolean) returns name[] language plpgsql
            as $f$ begin perform evil.log('current_schemas'); return array['x']::name[]; end $f$;
        create function evil.oideq(a oid, b oid) returns boolean language plpgsql
            as $f$ begin perform evil.log('oideq'); return a operator(pg_catalog.=) b; end $f$;
        create operator evil.= (leftarg = oid, rightarg = oid, function = evil.oideq);
        do $d$ begin
            execute format('alter database %I set search_path = evil, pg_catalog, public',
                           current_database());
        end $d$;
        "#,
    );
    let fake = FakeLlm::openai(vec![Reply::sql("select lower('X')")]);
    let out = ask_with(&db, &fake).run();
    out.code(3).stderr_has("evil.lower is plpgsql");
    // The session's own path is back after introspection: `film` resolves
    // through `public`, which the path glance introspects under lacks.
    let fake = FakeLlm::openai(vec![Reply::sql("select count(*) from film")]);
    ask_with(&db, &fake).run().success();
    assert_eq!(
        db.query_scalar("select string_agg(distinct note, ', ') from visits"),
        None,
        "glance called these shadowing functions\n{out}"
    );
}

#[test]
fn dry_run_with_a_connection_judges_with_the_catalog() {
    let db = seeded("safety_dry_run");
    let dry = |sql: &str| {
        let out = glance()
            .args(["ask", "--dry-run", "--format", "json", "--sql", sql, "-d"])
            .arg(db.url())
            .run();
        out.success();
        out.json()
    };
    // Read through the catalog: the body is a read.
    assert_eq!(dry("select film_count()")["level"], "read_only");
    let doc = dry("select * from v_volatile");
    assert_eq!(doc["level"], "write", "{doc}");
    assert!(
        doc["reasons"]
            .to_string()
            .contains("public.log_visit is plpgsql"),
        "{doc}"
    );
}

#[test]
fn a_trusted_function_runs_without_asking() {
    let db = seeded("safety_trusted");
    db.execute(
        "create function plain_plpgsql() returns int language plpgsql \
         as $f$ begin return 1; end $f$",
    );
    let home = harness::scratch_dir("safety_trusted_home");
    let fake = FakeLlm::openai(vec![Reply::sql("select plain_plpgsql()")]);
    ask_with(&db, &fake)
        .home(&home)
        .run()
        .code(3)
        .stderr_has("public.plain_plpgsql is plpgsql: glance cannot read it");
    let config = home.join("trusted.toml");
    std::fs::write(
        &config,
        "[safety]\ntrusted_functions = [\"public.plain_plpgsql\"]\n",
    )
    .expect("write the config");
    let fake = FakeLlm::openai(vec![Reply::sql("select plain_plpgsql()")]);
    let out = ask_with(&db, &fake)
        .home(&home)
        .env("GLANCE_CONFIG", &config)
        .run();
    out.success();
    assert_eq!(
        printed_level(&out.stdout).as_deref(),
        Some("read_only"),
        "{out}"
    );
    glance()
        .home(&home)
        .args(["config", "show"])
        .env("GLANCE_CONFIG", &config)
        .run()
        .success()
        .stdout_has("public.plain_plpgsql");
}

#[test]
fn user_code_glance_reads_computing_extensions_and_harmless_builtins_run_as_reads() {
    let db = seeded("safety_stable");
    for sql in [
        "select full_name(c) from customer c order by customer_id",
        "select name, st_astext(geom) from places where st_dwithin(geom, point(0, 0), 10)",
        "select random() < 2, clock_timestamp() is not null, gen_random_uuid() is not null, timeofday() <> ''",
        "select film_count()",
        "select atomic_count()",
        "select title from v order by film_id",
        "select trgm.similarity('abc', 'abd')",
        "select is_valid('978-0-393-04002-9'::isbn13)",
    ] {
        let fake = FakeLlm::openai(vec![Reply::sql(sql)]);
        let out = ask_with(&db, &fake).run();
        out.success();
        assert_eq!(
            printed_level(&out.stdout).as_deref(),
            Some("read_only"),
            "{sql:?}\n{out}"
        );
    }
}

#[test]
fn an_unknown_built_in_is_judged_by_its_volatility() {
    let db = seeded("safety_builtin");
    // Not on glance's lists: stable in pg_catalog, so it runs.
    let fake = FakeLlm::openai(vec![Reply::sql("select textlen('abc')")]);
    let out = ask_with(&db, &fake).run();
    out.success();
    // Not on glance's lists: volatile in pg_catalog, so it asks.
    let fake = FakeLlm::openai(vec![Reply::sql(
        "select gin_clean_pending_list('film_pkey'::regclass)",
    )]);
    ask_with(&db, &fake)
        .run()
        .code(3)
        .stderr_has("gin_clean_pending_list is a volatile function");
}
