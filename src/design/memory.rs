//! Validating a design on SQLite: in a fresh in-memory database that holds
//! nothing of the person's but the `CREATE TABLE` text of their tables
//! (read through the session), so the design may reference them. The
//! design's statements run there, and what they created is read back by
//! the same introspection as any SQLite database.

use std::collections::BTreeMap;

use crate::db::sqlite::SqliteBackend;
use crate::db::{self, Backend, Column, Dialect, Guard, Row, RowFlow, RowSink};
use crate::session::Session;

use super::{Invalid, Proposed, ddl};

/// The person's tables as SQLite stores them: name, `CREATE TABLE` text.
const TABLES: &str = "SELECT name, sql FROM main.sqlite_master \
     WHERE type = 'table' AND sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
       AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rowid";

/// Creates `statements` in a scratch database beside copies of the
/// person's tables; the relations they created (the copies left out), or
/// the first statement the database rejected. SQLite keeps no catalog of
/// CHECK constraints: they are read from the statements.
pub(super) fn validate(
    session: &mut Session,
    statements: &[String],
) -> Result<Result<Proposed, Invalid>, db::Error> {
    let (_, rows) = session.catalog_query(TABLES)?;
    let mut scratch = SqliteBackend::in_memory()?;
    let mut existing = Vec::new();
    for row in &rows {
        if let [db::Value::Text(name), db::Value::Text(sql)] = row.as_slice() {
            scratch.run(sql, &[], Guard::Direct, &mut Discard)?;
            existing.push(name.to_lowercase());
        }
    }
    for sql in statements {
        if let Err(error) = scratch.run(sql, &[], Guard::Direct, &mut Discard) {
            return Ok(Err(Invalid::Database {
                error,
                sql: sql.clone(),
            }));
        }
    }
    let mut catalog = scratch.introspect()?;
    catalog
        .relations
        .retain(|r| !existing.contains(&r.name.to_lowercase()));
    let mut checks: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for (table, check) in ddl::checks(statements, Dialect::Sqlite) {
        checks.entry(table).or_default().push(check);
    }
    Ok(Ok(Proposed { catalog, checks }))
}

/// Drops whatever rows a statement returns.
struct Discard;

impl RowSink for Discard {
    fn columns(&mut self, _: &[Column]) -> RowFlow {
        RowFlow::Continue
    }

    fn rows(&mut self, _: Vec<Row>) -> RowFlow {
        RowFlow::Continue
    }
}
