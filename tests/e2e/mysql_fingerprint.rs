//! The fingerprint of a MariaDB server for the MySQL differential test:
//! everything a statement could change that a rollback does not undo, or
//! that should not change at all. Every table's definition (`SHOW CREATE
//! TABLE`, with its `AUTO_INCREMENT` counter, which a rolled-back insert
//! still moves) and content (`CHECKSUM TABLE`; sequences by their row), the
//! definitions of views, routines, triggers and events, the databases, the
//! accounts and their privileges (the `mysql` schema's grant tables), server
//! objects (plugins, user-defined functions, foreign servers, persistent
//! statistics), GLOBAL variables, the files in the server's
//! `secure_file_priv` directory, held locks seen from another connection
//! (user locks by name, tables in use after `LOCK TABLES`), and whether a
//! bystander session is still alive (`KILL`).
//!
//! Tests of the same process run beside this one on the shared server: the
//! databases and accounts of other tests (named `t_…`, as
//! `TestMariaDb` names its databases) are left out, and so are tables other
//! sessions have open in the server's own schemas (a listing reading
//! `mysql.global_priv` shows there as in use). The tests that change or
//! watch server-wide state hold [`server_wide`] while they run.

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use mysql::prelude::Queryable;
use mysql::{Conn, Opts, Row, Value};

use crate::mariadb_server::{TestMariaDb, mariadb};

/// The schemas of the server itself; the grant and server-object tables of
/// `mysql` are read on their own.
const SYSTEM_SCHEMAS: &str = "'mysql', 'information_schema', 'performance_schema', 'sys'";

/// The tables of the `mysql` schema that hold what a statement could grant,
/// create, install or persist. The InnoDB statistics tables are left out:
/// the server rewrites them by itself after a table changes.
const MYSQL_TABLES: &[&str] = &[
    "global_priv",
    "db",
    "tables_priv",
    "columns_priv",
    "procs_priv",
    "proxies_priv",
    "roles_mapping",
    "func",
    "plugin",
    "servers",
    "table_stats",
    "column_stats",
    "index_stats",
];

/// GLOBAL variables that move by themselves: the GTID positions advance
/// with every transaction other tests commit when binary logging is on.
const MOVING_VARIABLES: &[&str] = &[
    "gtid_binlog_pos",
    "gtid_binlog_state",
    "gtid_current_pos",
    "gtid_slave_pos",
];

/// Held by the tests that change server-wide state (accounts, GLOBAL
/// variables, locks) or watch it, so that they do not see each other.
pub fn server_wide() -> MutexGuard<'static, ()> {
    static SERVER_WIDE: Mutex<()> = Mutex::new(());
    SERVER_WIDE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Watches one test database and the server around it.
pub struct Fingerprint {
    db: String,
    url: String,
    conn: Conn,
    /// A bystander session that `KILL` must not reach.
    victim: Conn,
    /// The user lock names to ask about with `IS_USED_LOCK`.
    lock_names: Vec<String>,
    /// The server's `secure_file_priv` directory.
    files: Option<PathBuf>,
}

impl Fingerprint {
    /// Watches `db`, asking about the user locks `lock_names`.
    pub fn new(db: &TestMariaDb, lock_names: Vec<String>) -> Fingerprint {
        let url = db.url();
        let mut conn = connect(&url);
        let files: Option<String> = conn
            .query_first("select @@secure_file_priv")
            .expect("read secure_file_priv")
            .flatten();
        let files = files.filter(|f| !f.is_empty()).map(PathBuf::from);
        assert!(
            files.as_deref().is_some_and(Path::is_dir),
            "the test server needs a secure_file_priv directory on this machine, not {files:?}"
        );
        Fingerprint {
            db: db.name().to_string(),
            victim: connect(&url),
            url,
            conn,
            lock_names,
            files,
        }
    }

    /// The fingerprint now, as (part, value). A session a statement ended is
    /// opened again, and shows as a part of its own.
    pub fn take(&mut self) -> BTreeMap<String, String> {
        let mut parts = BTreeMap::new();
        if self.conn.ping().is_err() {
            parts.insert("checker session".into(), "ended".into());
            self.conn = connect(&self.url);
        }
        let victim_alive = self.victim.query_drop("do 1").is_ok();
        parts.insert("victim session alive".into(), victim_alive.to_string());
        if !victim_alive {
            self.victim = connect(&self.url);
        }
        let others = format!(
            "schema_name not like 't\\_%' or schema_name = '{}'",
            self.db
        );
        parts.insert(
            "databases".into(),
            self.values(&format!(
                "select concat_ws(':', schema_name, default_character_set_name, \
                 default_collation_name) from information_schema.schemata where {others}"
            )),
        );
        let watched = format!(
            "table_schema not in ({SYSTEM_SCHEMAS}) and (table_schema not like 't\\_%' \
             or table_schema = '{}')",
            self.db
        );
        let tables: Vec<(String, String, String)> = self
            .conn
            .query(format!(
                "select table_schema, table_name, table_type from information_schema.tables \
                 where {watched} order by 1, 2"
            ))
            .expect("list the tables");
        for (schema, table, kind) in tables {
            let name = format!("`{schema}`.`{}`", table.replace('`', "``"));
            let (what, content) = match kind.as_str() {
                "VIEW" => ("view", format!("show create view {name}")),
                "SEQUENCE" => ("sequence", format!("select * from {name}")),
                _ => ("table", format!("checksum table {name}")),
            };
            let definition = if what == "view" {
                String::new()
            } else {
                self.values(&format!("show create table {name}"))
            };
            let content = self.values(&content);
            parts.insert(format!("{what} {name}"), format!("{definition}\n{content}"));
        }
        for (part, sql) in [
            (
                "routines",
                format!(
                    "select concat_ws(':', routine_schema, routine_type, routine_name, \
                     security_type, sql_data_access, is_deterministic, definer, sql_mode, \
                     routine_definition) from information_schema.routines where {}",
                    watched.replace("table_schema", "routine_schema")
                ),
            ),
            (
                "triggers",
                format!(
                    "select concat_ws(':', trigger_schema, trigger_name, event_manipulation, \
                     event_object_table, action_timing, action_statement) \
                     from information_schema.triggers where {}",
                    watched.replace("table_schema", "trigger_schema")
                ),
            ),
            (
                "events",
                format!(
                    "select concat_ws(':', event_schema, event_name, status, event_definition, \
                     interval_value, interval_field) from information_schema.events where {}",
                    watched.replace("table_schema", "event_schema")
                ),
            ),
            (
                "plugins",
                "select concat_ws(':', plugin_name, plugin_status, plugin_library) \
                 from information_schema.plugins"
                    .to_string(),
            ),
            (
                "global variables",
                format!(
                    "select concat(variable_name, '=', coalesce(variable_value, 'NULL')) \
                     from information_schema.global_variables \
                     where lower(variable_name) not in ({})",
                    quoted(MOVING_VARIABLES)
                ),
            ),
            (
                "tables in use (LOCK TABLES)",
                format!(
                    "show open tables where in_use > 0 and `database` not in ({SYSTEM_SCHEMAS}) \
                     and (`database` not like 't\\_%' or `database` = '{}')",
                    self.db
                ),
            ),
            ("replication", "show all slaves status".to_string()),
        ] {
            parts.insert(part.into(), self.values(&sql));
        }
        for table in MYSQL_TABLES {
            let rows = self.values(&format!("select * from mysql.{table}"));
            let db = &self.db;
            let rows = rows
                .lines()
                .filter(|row| {
                    !row.split('\t')
                        .any(|field| field.starts_with("t_") && field != db)
                })
                .collect::<Vec<_>>()
                .join("\n");
            parts.insert(format!("mysql.{table}"), rows);
        }
        if !self.lock_names.is_empty() {
            let held = self
                .lock_names
                .iter()
                .map(|name| {
                    format!("select concat('{name}=', coalesce(is_used_lock('{name}'), 'free'))")
                })
                .collect::<Vec<_>>()
                .join(" union all ");
            parts.insert("user locks".into(), self.values(&held));
        }
        if let Some(dir) = &self.files {
            parts.insert("secure_file_priv files".into(), files_in(dir));
        }
        parts
    }

    /// The rows of `sql` as text, one line each, sorted.
    fn values(&mut self, sql: &str) -> String {
        let rows: Vec<Row> = self
            .conn
            .query(sql)
            .unwrap_or_else(|e| panic!("fingerprint query failed: {e}\n{sql}"));
        let mut lines: Vec<String> = rows
            .into_iter()
            .map(|row| {
                row.unwrap()
                    .iter()
                    .map(|v| match v {
                        Value::Bytes(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                        other => other.as_sql(false),
                    })
                    .collect::<Vec<_>>()
                    .join("\t")
            })
            .collect();
        lines.sort();
        lines.join("\n")
    }
}

fn connect(url: &str) -> Conn {
    let opts = Opts::from_url(url).unwrap_or_else(|e| panic!("bad test URL {url}: {e}"));
    Conn::new(opts).unwrap_or_else(|e| panic!("cannot connect to the test MariaDB: {e}"))
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("'{n}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every file under `dir` with its size and a hash of its content, sorted.
fn files_in(dir: &Path) -> String {
    let mut found = BTreeSet::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.insert(format!("{}/", path.display()));
                pending.push(path);
            } else {
                let content = std::fs::read(&path).unwrap_or_default();
                let mut hasher = DefaultHasher::new();
                content.hash(&mut hasher);
                found.insert(format!(
                    "{} {} bytes {:x}",
                    path.display(),
                    content.len(),
                    hasher.finish()
                ));
            }
        }
    }
    found.into_iter().collect::<Vec<_>>().join("\n")
}

/// The user lock names in `sql` texts: the first string argument of every
/// `GET_LOCK(` call, plus `extra`.
pub fn lock_names<'a>(sqls: impl Iterator<Item = &'a str>, extra: &[&str]) -> Vec<String> {
    let mut names: BTreeSet<String> = extra.iter().map(|n| n.to_string()).collect();
    for sql in sqls {
        let lower = sql.to_ascii_lowercase();
        for (at, _) in lower.match_indices("get_lock(") {
            let rest = sql[at + "get_lock(".len()..].trim_start();
            let Some(quote) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') else {
                continue;
            };
            if let Some(end) = rest[1..].find(quote) {
                let name = &rest[1..1 + end];
                if !name.contains(['\'', '\\']) {
                    names.insert(name.to_string());
                }
            }
        }
    }
    names.into_iter().collect()
}

/// A new direct connection to the test server as its administrator, for
/// tests that hold something (a lock) from a session of their own.
pub fn admin_connection(db: &TestMariaDb) -> Conn {
    connect(&mariadb().url(db.name()))
}

#[test]
fn mysql_fingerprint_sees_what_a_rollback_leaves_behind() {
    let _server_wide = server_wide();
    let db = mariadb().create_db("mysql_fingerprint");
    db.execute(
        "create table t (id int auto_increment primary key, v text);
         insert into t (v) values ('a'), ('b');
         create sequence seq;
         create view v as select id from t;
         create function f() returns int deterministic return 1;",
    );
    let mut fingerprint = Fingerprint::new(&db, vec!["glance_fp_lock".into()]);
    let before = fingerprint.take();
    assert_eq!(
        fingerprint.take(),
        before,
        "the fingerprint moved by itself"
    );
    let mut other = admin_connection(&db);
    let files = fingerprint
        .files
        .clone()
        .expect("a secure_file_priv directory");
    let outfile = files.join(format!("{}.txt", db.name()));
    for (what, change) in [
        ("a row", "update t set v = 'c' where id = 1".to_string()),
        (
            "an AUTO_INCREMENT counter",
            "start transaction; insert into t (v) values ('x'); rollback".into(),
        ),
        ("a sequence", "select nextval(seq)".into()),
        (
            "a view",
            "create or replace view v as select v from t".into(),
        ),
        ("a routine", "drop function f".into()),
        (
            "a global variable",
            "set global max_sp_recursion_depth = 1".into(),
        ),
        (
            "an account",
            "create user t_other_test_account, glance_fp_user".into(),
        ),
        (
            "a file",
            format!("select 1 into outfile '{}'", outfile.display()),
        ),
        ("a database", "create database glance_fp_db".into()),
    ] {
        let seen = fingerprint.take();
        other
            .query_drop(format!("use `{}`; {change}", db.name()))
            .unwrap_or_else(|e| panic!("{change}: {e}"));
        assert_ne!(fingerprint.take(), seen, "{what} went unseen: {change}");
    }
    let seen = fingerprint.take();
    let _: Option<i64> = other
        .query_first("select get_lock('glance_fp_lock', 0)")
        .expect("take a lock");
    assert_ne!(fingerprint.take(), seen, "a user lock went unseen");
    let seen = fingerprint.take();
    other
        .query_drop("lock tables t read")
        .expect("lock a table");
    assert_ne!(fingerprint.take(), seen, "LOCK TABLES went unseen");
    other.query_drop("unlock tables").expect("unlock");
    let seen = fingerprint.take();
    let id = fingerprint.victim.connection_id();
    other.query_drop(format!("kill {id}")).expect("kill");
    assert_ne!(fingerprint.take(), seen, "a killed session went unseen");
    other
        .query_drop(
            "drop user glance_fp_user; drop user t_other_test_account; \
             drop database glance_fp_db; set global max_sp_recursion_depth = 0",
        )
        .expect("clean up");
    let _ = std::fs::remove_file(outfile);
}

#[test]
fn mysql_fingerprint_finds_lock_names() {
    let names = lock_names(
        [
            "select get_lock('a', 1), GET_LOCK( \"b\" ,0)",
            "select is_free_lock('c')",
        ]
        .into_iter(),
        &["d"],
    );
    assert_eq!(names, ["a", "b", "d"]);
}
