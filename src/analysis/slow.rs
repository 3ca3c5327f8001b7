//! `\slow` and `glance slow`: the statements that took the most time. From
//! `pg_stat_statements` when it is installed in the database and preloaded;
//! otherwise how to enable it, then the longest-running active statements
//! (`pg_stat_activity`, glance's own backend left out) and the slowest
//! statements glance itself ran here (its history). MySQL and MariaDB:
//! `performance_schema`'s statement digests when it is on, else the
//! history. SQLite: the history.
//! Every query is glance's own read-only query through
//! [`Session::catalog_query`].

use serde_json::json;

use crate::db::{self, Dialect, Value};
use crate::one_line;
use crate::session::Session;

/// How many statements a list holds when no number is given.
pub const DEFAULT_LIMIT: u16 = 10;

/// What the list is ordered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Order {
    /// Total execution time over every call.
    #[default]
    Total,
    /// Mean execution time of one call.
    Mean,
    /// Shared blocks read from outside PostgreSQL's buffers.
    Io,
}

impl Order {
    /// The order a word (`total`, `mean`, `io`) names.
    pub fn named(word: &str) -> Option<Order> {
        match word {
            "total" => Some(Order::Total),
            "mean" => Some(Order::Mean),
            "io" => Some(Order::Io),
            _ => None,
        }
    }
}

/// Where the statements came from (the JSON `source`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Statements,
    /// MySQL's `performance_schema.events_statements_summary_by_digest`.
    Digests,
    ActivityAndHistory,
    History,
}

impl Source {
    fn name(self) -> &'static str {
        match self {
            Source::Statements => "pg_stat_statements",
            Source::Digests => "performance_schema",
            Source::ActivityAndHistory => "pg_stat_activity+history",
            Source::History => "history",
        }
    }
}

/// One listed statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    /// Its text as the source keeps it (normalised by `pg_stat_statements`).
    pub query: String,
    pub calls: u64,
    pub total_ms: f64,
    pub mean_ms: f64,
    /// Rows returned or affected, when the source counts them.
    pub rows: Option<u64>,
    /// Share of the total time of every statement the source counts.
    pub share: Option<f64>,
    /// `pg_stat_statements`, `pg_stat_activity` (running now) or `history`.
    pub from: &'static str,
}

/// The list `\slow` shows, numbered from 1 for `\explain N`.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub source: Source,
    pub queries: Vec<Query>,
    /// What the person should know first: how to enable
    /// `pg_stat_statements`, what could not be read.
    pub notes: Vec<String>,
}

impl Report {
    /// The text of entry `n` (counted from 1).
    pub fn query(&self, n: usize) -> Option<&str> {
        self.queries
            .get(n.checked_sub(1)?)
            .map(|query| query.query.as_str())
    }

    /// The list as a table fitted to `width` columns, notes first.
    pub fn text(&self, width: usize) -> String {
        let mut out = String::new();
        for note in &self.notes {
            out.push_str(note);
            out.push('\n');
        }
        if !self.notes.is_empty() {
            out.push('\n');
        }
        let mut from = "";
        for (n, query) in self.queries.iter().enumerate() {
            if query.from != from {
                from = query.from;
                out.push_str(&format!("{}:\n", heading(from)));
                out.push_str(&format!(
                    "{:>3}  {:>8}  {:>8}  {:>10}  {:>11}  {:>5}  query\n",
                    "n", "calls", "rows", "mean ms", "total ms", "share"
                ));
            }
            let rows = query
                .rows
                .map_or_else(|| "-".into(), |rows| rows.to_string());
            let share = query
                .share
                .map_or_else(|| "-".into(), |share| format!("{:.0}%", share * 100.0));
            let line = format!(
                "{:>3}  {:>8}  {:>8}  {:>10.1}  {:>11.1}  {:>5}  ",
                n + 1,
                query.calls,
                rows,
                query.mean_ms,
                query.total_ms,
                share
            );
            let room = width.saturating_sub(line.chars().count()).max(20);
            out.push_str(&line);
            out.push_str(&one_line::cut(&one_line::fold(&query.query), room));
            out.push('\n');
        }
        if self.queries.is_empty() {
            out.push_str("No statements to show.\n");
        }
        out
    }

    /// `{"source", "queries": [{"n", "query", "calls", "total_ms",
    /// "mean_ms", "rows", "share", "from"}], "notes"}`.
    pub fn json(&self) -> String {
        let queries: Vec<_> = self
            .queries
            .iter()
            .enumerate()
            .map(|(n, query)| {
                json!({
                    "n": n + 1,
                    "query": query.query,
                    "calls": query.calls,
                    "total_ms": query.total_ms,
                    "mean_ms": query.mean_ms,
                    "rows": query.rows,
                    "share": query.share,
                    "from": query.from,
                })
            })
            .collect();
        let document = json!({
            "source": self.source.name(),
            "queries": queries,
            "notes": self.notes,
        });
        format!("{document:#}\n")
    }
}

fn heading(from: &str) -> &'static str {
    match from {
        "pg_stat_statements" => "Top statements (pg_stat_statements)",
        "pg_stat_activity" => "Running now, longest first (pg_stat_activity)",
        "performance_schema" => "Top statements (performance_schema digests)",
        _ => "Slowest statements glance ran on this database (history)",
    }
}

/// The statements of the session's database ordered by `order`, at most
/// `limit` from each source.
pub fn gather(session: &mut Session, order: Order, limit: usize) -> Result<Report, db::Error> {
    let mut notes = Vec::new();
    match session.info().dialect {
        Dialect::Sqlite => {}
        Dialect::Mysql => {
            let (_, rows) = session.catalog_query("SELECT @@performance_schema")?;
            if matches!(rows.first().map(Vec::as_slice), Some([Value::Int(1)])) {
                let (_, rows) = session.catalog_query(&digests_sql(order, limit))?;
                return Ok(Report {
                    source: Source::Digests,
                    queries: rows
                        .iter()
                        .filter_map(|row| timed(row, "performance_schema"))
                        .collect(),
                    notes,
                });
            }
            notes.push(
                "performance_schema is off, so the server keeps no statement statistics: \
                 set performance_schema = ON under [mysqld] and restart the server to list \
                 every statement."
                    .into(),
            );
        }
        Dialect::Postgres => return from_postgres(session, order, limit, notes),
    }
    let queries = from_history(session, order, limit, &mut notes);
    Ok(Report {
        source: Source::History,
        queries,
        notes,
    })
}

/// The statement digests of the connected MySQL database ordered by
/// `order` (rows examined stand in for blocks read), at most `limit`:
/// text, calls, total and mean milliseconds, rows, share of the time.
fn digests_sql(order: Order, limit: usize) -> String {
    let by = match order {
        Order::Total => "SUM_TIMER_WAIT",
        Order::Mean => "AVG_TIMER_WAIT",
        Order::Io => "SUM_ROWS_EXAMINED",
    };
    format!(
        "SELECT DIGEST_TEXT, COUNT_STAR, SUM_TIMER_WAIT / 1000000000.0, \
                AVG_TIMER_WAIT / 1000000000.0, SUM_ROWS_SENT + SUM_ROWS_AFFECTED, \
                SUM_TIMER_WAIT / NULLIF((SELECT SUM(SUM_TIMER_WAIT) \
                   FROM performance_schema.events_statements_summary_by_digest \
                   WHERE SCHEMA_NAME = DATABASE()), 0) \
         FROM performance_schema.events_statements_summary_by_digest \
         WHERE SCHEMA_NAME = DATABASE() AND DIGEST_TEXT IS NOT NULL \
         ORDER BY {by} DESC LIMIT {limit}"
    )
}

/// PostgreSQL's statements: `pg_stat_statements`, or else what runs now
/// and the history.
fn from_postgres(
    session: &mut Session,
    order: Order,
    limit: usize,
    mut notes: Vec<String>,
) -> Result<Report, db::Error> {
    let preloaded = match statements(session, order, None, limit)? {
        Listed::Statements(queries) => {
            return Ok(Report {
                source: Source::Statements,
                queries,
                notes,
            });
        }
        Listed::Unavailable { preloaded } => preloaded,
    };
    notes.push(enable_hint(preloaded));
    let (_, rows) = session.catalog_query(&activity_sql(limit))?;
    let mut queries: Vec<Query> = rows
        .iter()
        .filter_map(|row| timed(row, "pg_stat_activity"))
        .collect();
    queries.extend(from_history(session, order, limit, &mut notes));
    Ok(Report {
        source: Source::ActivityAndHistory,
        queries,
        notes,
    })
}

/// The least a statement needs to be listed: calls and mean time of one.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Floor {
    pub calls: u64,
    pub mean_ms: f64,
}

/// What `pg_stat_statements` holds for this database, if it can be read.
#[derive(Clone, Debug, PartialEq)]
pub enum Listed {
    Statements(Vec<Query>),
    /// Not installed here; `preloaded` says whether the server loads it.
    Unavailable {
        preloaded: bool,
    },
}

/// This database's statements from `pg_stat_statements` ordered by
/// `order`, at most `limit`, and only those at or above `floor`.
pub fn statements(
    session: &mut Session,
    order: Order,
    floor: Option<Floor>,
    limit: usize,
) -> Result<Listed, db::Error> {
    let (_, rows) = session.catalog_query(PROBE_SQL)?;
    let (schema, preloaded) = match rows.first().map(Vec::as_slice) {
        Some([schema, Value::Bool(preloaded)]) => (text(schema), *preloaded),
        _ => (None, false),
    };
    let (Some(schema), true) = (schema, preloaded) else {
        return Ok(Listed::Unavailable { preloaded });
    };
    let (_, rows) = session.catalog_query(&statements_sql(&schema, order, floor, limit))?;
    Ok(Listed::Statements(
        rows.iter()
            .filter_map(|row| timed(row, "pg_stat_statements"))
            .collect(),
    ))
}

/// How to turn `pg_stat_statements` on, from where this server stands.
pub fn enable_hint(preloaded: bool) -> String {
    let create = "run `CREATE EXTENSION pg_stat_statements;` in this database as a superuser \
                  (glance never creates extensions)";
    if preloaded {
        format!("pg_stat_statements is preloaded but not installed here: {create}.")
    } else {
        format!(
            "pg_stat_statements is not enabled: add `shared_preload_libraries = \
             'pg_stat_statements'` to postgresql.conf and restart the server, then {create}."
        )
    }
}

/// The schema `pg_stat_statements` is installed in (NULL when it is not),
/// and whether the server preloads it.
const PROBE_SQL: &str = "SELECT (SELECT n.nspname::text FROM pg_catalog.pg_extension e \
       JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace \
       WHERE e.extname = 'pg_stat_statements'), \
     coalesce(current_setting('shared_preload_libraries', true), '') ~ 'pg_stat_statements'";

/// This database's statements, ordered; each row: query, calls, total ms,
/// mean ms, rows, share of all statements' time (of those listed under a
/// floor).
fn statements_sql(schema: &str, order: Order, floor: Option<Floor>, limit: usize) -> String {
    let key = match order {
        Order::Total => "total_exec_time",
        Order::Mean => "mean_exec_time",
        Order::Io => "shared_blks_read",
    };
    let floor = floor.map_or_else(String::new, |floor| {
        format!(
            " AND calls >= {} AND mean_exec_time >= {:?}",
            floor.calls, floor.mean_ms
        )
    });
    format!(
        "SELECT query, calls, total_exec_time, mean_exec_time, rows, \
                total_exec_time / nullif(sum(total_exec_time) OVER (), 0) \
         FROM {}.pg_stat_statements \
         WHERE dbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database()){floor} \
         ORDER BY {key} DESC LIMIT {limit}",
        crate::ident::quote_ident_always(schema)
    )
}

/// Active statements in this database other than glance's own, longest
/// running first, in the same row shape as [`statements_sql`].
fn activity_sql(limit: usize) -> String {
    format!(
        "SELECT query, 1::bigint, ms, ms, NULL::bigint, NULL::float8 FROM ( \
           SELECT query, extract(epoch FROM clock_timestamp() - query_start)::float8 * 1000 AS ms \
           FROM pg_catalog.pg_stat_activity \
           WHERE state = 'active' AND pid <> pg_catalog.pg_backend_pid() \
             AND datname = current_database() AND query_start IS NOT NULL \
             AND backend_type = 'client backend') a \
         ORDER BY ms DESC LIMIT {limit}"
    )
}

/// A row of [`statements_sql`]'s shape as a [`Query`].
fn timed(row: &db::Row, from: &'static str) -> Option<Query> {
    let [query, calls, total, mean, rows, share] = row.as_slice() else {
        return None;
    };
    Some(Query {
        query: text(query)?,
        calls: count(calls)?,
        total_ms: number(total)?,
        mean_ms: number(mean)?,
        rows: count(rows),
        share: number(share),
        from,
    })
}

/// The slowest statements glance ran on this database, grouped by text;
/// a history that cannot be read becomes a note.
fn from_history(
    session: &Session,
    order: Order,
    limit: usize,
    notes: &mut Vec<String>,
) -> Vec<Query> {
    let Some(history) = &session.journal.history else {
        notes.push("The history is off, so glance's own statements are not listed.".into());
        return Vec::new();
    };
    if order == Order::Io {
        notes.push("Only pg_stat_statements counts blocks read; glance's own statements are ordered by total time.".into());
    }
    match history.slowest(&session.info().database, order == Order::Mean, limit) {
        Ok(timed) => timed
            .into_iter()
            .map(|timed| Query {
                mean_ms: timed.total_ms / timed.calls.max(1) as f64,
                query: timed.sql,
                calls: timed.calls,
                total_ms: timed.total_ms,
                rows: timed.rows,
                share: None,
                from: "history",
            })
            .collect(),
        Err(error) => {
            notes.push(format!("could not read the history: {error}"));
            Vec::new()
        }
    }
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::Text(text) => Some(text.clone()),
        _ => None,
    }
}

fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Float(n) => Some(*n),
        Value::Int(n) => Some(*n as f64),
        Value::Numeric(n) => n.parse().ok(),
        _ => None,
    }
}

fn count(value: &Value) -> Option<u64> {
    number(value).map(|n| n.max(0.0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mysql_digest_query_is_read_only_in_every_order() {
        for order in [Order::Total, Order::Mean, Order::Io] {
            let sql = digests_sql(order, 10);
            let verdict = crate::safety::classify(&sql, Dialect::Mysql, None);
            assert_eq!(verdict.level, crate::safety::Level::ReadOnly, "{sql}");
        }
    }

    fn report() -> Report {
        Report {
            source: Source::Statements,
            queries: vec![Query {
                query: "select *\n  from orders where id = $1".into(),
                calls: 3,
                total_ms: 30.0,
                mean_ms: 10.0,
                rows: Some(3),
                share: Some(0.75),
                from: "pg_stat_statements",
            }],
            notes: Vec::new(),
        }
    }

    #[test]
    fn entries_count_from_one() {
        let report = report();
        assert_eq!(
            report.query(1),
            Some("select *\n  from orders where id = $1")
        );
        assert_eq!(report.query(0), None);
        assert_eq!(report.query(2), None);
    }

    #[test]
    fn text_is_one_line_per_statement_cut_to_the_width() {
        let text = report().text(80);
        let line = text.lines().find(|line| line.contains("select")).unwrap();
        assert!(line.contains("75%"), "{line}");
        assert!(line.chars().count() <= 80, "{line}");
        assert!(line.ends_with('…'), "{line}");
        assert!(
            report()
                .text(200)
                .contains("select * from orders where id = $1\n")
        );
    }

    #[test]
    fn json_has_the_documented_fields() {
        let value: serde_json::Value = serde_json::from_str(&report().json()).unwrap();
        assert_eq!(value["source"], "pg_stat_statements");
        let first = &value["queries"][0];
        assert_eq!(first["n"], 1);
        assert_eq!(first["calls"], 3);
        assert_eq!(first["rows"], 3);
        assert_eq!(first["mean_ms"], 10.0);
    }

    #[test]
    fn a_floor_filters_calls_and_mean_time() {
        let sql = statements_sql(
            "public",
            Order::Total,
            Some(Floor {
                calls: 50,
                mean_ms: 5.0,
            }),
            10,
        );
        assert!(
            sql.contains("current_database()) AND calls >= 50 AND mean_exec_time >= 5.0 ORDER BY total_exec_time DESC LIMIT 10"),
            "{sql}"
        );
        assert!(!statements_sql("public", Order::Mean, None, 3).contains("calls >="));
    }

    #[test]
    fn orders_are_named() {
        assert_eq!(Order::named("io"), Some(Order::Io));
        assert_eq!(Order::named("fast"), None);
    }

    #[test]
    fn the_hint_names_what_is_missing() {
        assert!(enable_hint(false).contains("shared_preload_libraries"));
        assert!(!enable_hint(true).contains("shared_preload_libraries"));
        assert!(enable_hint(true).contains("CREATE EXTENSION pg_stat_statements"));
    }
}
