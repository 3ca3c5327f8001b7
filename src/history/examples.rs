//! Question/SQL pairs glance learned from answers the person accepted,
//! kept in the history file beside the statements, with an FTS5 index
//! over question, tables and SQL for finding the ones like a new question.
//! The same tables, in memory, index the team's examples.

use rusqlite::{Connection, OptionalExtension, params};

use super::History;
use crate::agent::knowledge::Source;

/// The examples table and its index (history schema step 2). The index
/// stems English words (`orders` finds `order`), and splits names at `_`.
pub const SCHEMA: &str = "CREATE TABLE examples (
         id INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         database_id TEXT NOT NULL,
         fingerprint TEXT NOT NULL,
         question TEXT NOT NULL,
         sql TEXT NOT NULL,
         tables TEXT NOT NULL,
         source TEXT NOT NULL
     );
     CREATE INDEX examples_database ON examples (database_id);
     CREATE VIRTUAL TABLE examples_fts USING fts5(
         question, tables, sql, content = 'examples', content_rowid = 'id',
         tokenize = 'porter unicode61'
     );
     CREATE TRIGGER examples_fts_insert AFTER INSERT ON examples BEGIN
         INSERT INTO examples_fts (rowid, question, tables, sql)
             VALUES (new.id, new.question, new.tables, new.sql);
     END;
     CREATE TRIGGER examples_fts_delete AFTER DELETE ON examples BEGIN
         INSERT INTO examples_fts (examples_fts, rowid, question, tables, sql)
             VALUES ('delete', old.id, old.question, old.tables, old.sql);
     END;
     CREATE TRIGGER examples_fts_update AFTER UPDATE ON examples BEGIN
         INSERT INTO examples_fts (examples_fts, rowid, question, tables, sql)
             VALUES ('delete', old.id, old.question, old.tables, old.sql);
         INSERT INTO examples_fts (rowid, question, tables, sql)
             VALUES (new.id, new.question, new.tables, new.sql);
     END;";

/// BM25 weights of the indexed columns: the question's words count most,
/// the tables next, the SQL's words least.
const WEIGHTS: &str = "3.0, 2.0, 1.0";

/// A pair to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pair {
    /// The database it ran on ([`crate::recall::database_id`]).
    pub database: String,
    pub question: String,
    pub sql: String,
    /// The relations the statement reads, as the catalog names them.
    pub tables: Vec<String>,
    /// The columns of those tables when it was kept.
    pub fingerprint: String,
    pub source: Source,
}

/// A kept pair read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Learned {
    /// Its number, as `\examples rm` takes it.
    pub id: i64,
    pub pair: Pair,
}

/// Adds `pair`, or when the same question and SQL are kept for its
/// database already, gives that one `pair`'s source, fingerprint and time.
/// Returns its number.
pub fn keep(conn: &Connection, pair: &Pair) -> rusqlite::Result<i64> {
    let at = jiff::Timestamp::now().to_string();
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM examples WHERE database_id = ?1 AND question = ?2 AND sql = ?3",
            params![pair.database, pair.question, pair.sql],
            |row| row.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        conn.execute(
            "UPDATE examples SET source = ?2, fingerprint = ?3, tables = ?4, at = ?5 WHERE id = ?1",
            params![
                id,
                pair.source.name(),
                pair.fingerprint,
                pair.tables.join(" "),
                at
            ],
        )?;
        return Ok(id);
    }
    conn.execute(
        "INSERT INTO examples (at, database_id, fingerprint, question, sql, tables, source) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            at,
            pair.database,
            pair.fingerprint,
            pair.question,
            pair.sql,
            pair.tables.join(" "),
            pair.source.name()
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Forgets pair `id` of `database`; whether there was one.
pub fn forget(conn: &Connection, database: &str, id: i64) -> rusqlite::Result<bool> {
    let removed = conn.execute(
        "DELETE FROM examples WHERE id = ?1 AND database_id = ?2",
        params![id, database],
    )?;
    Ok(removed > 0)
}

/// Every pair kept for `database`, oldest first.
pub fn all(conn: &Connection, database: &str) -> rusqlite::Result<Vec<Learned>> {
    conn.prepare(
        "SELECT id, database_id, question, sql, tables, fingerprint, source FROM examples \
         WHERE database_id = ?1 ORDER BY id",
    )?
    .query_map([database], learned)?
    .collect()
}

/// The `limit` pairs of `database` that best match `expression` (an FTS5
/// query), best first, with their BM25 rank (more negative is better).
pub fn nearest(
    conn: &Connection,
    database: &str,
    expression: &str,
    limit: usize,
) -> rusqlite::Result<Vec<(Learned, f64)>> {
    if expression.is_empty() {
        return Ok(Vec::new());
    }
    conn.prepare(&format!(
        "SELECT e.id, e.database_id, e.question, e.sql, e.tables, e.fingerprint, e.source, \
                bm25(examples_fts, {WEIGHTS}) AS rank \
         FROM examples_fts JOIN examples e ON e.id = examples_fts.rowid \
         WHERE examples_fts MATCH ?1 AND e.database_id = ?2 \
         ORDER BY rank LIMIT ?3"
    ))?
    .query_map(
        params![
            expression,
            database,
            i64::try_from(limit).unwrap_or(i64::MAX)
        ],
        |row| Ok((learned(row)?, row.get(7)?)),
    )?
    .collect()
}

fn learned(row: &rusqlite::Row) -> rusqlite::Result<Learned> {
    let tables: String = row.get(4)?;
    let source: String = row.get(6)?;
    Ok(Learned {
        id: row.get(0)?,
        pair: Pair {
            database: row.get(1)?,
            question: row.get(2)?,
            sql: row.get(3)?,
            tables: tables.split_whitespace().map(str::to_string).collect(),
            fingerprint: row.get(5)?,
            source: match source.as_str() {
                "marked" => Source::Marked,
                "team" => Source::Team,
                _ => Source::Accepted,
            },
        },
    })
}

impl History {
    /// The history's connection, for the examples kept in it.
    pub fn examples(&self) -> &Connection {
        &self.conn
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(question: &str, sql: &str) -> Pair {
        Pair {
            database: "postgres:localhost:5432/shop".into(),
            question: question.into(),
            sql: sql.into(),
            tables: vec!["orders".into(), "order_items".into()],
            fingerprint: "orders(id,total)".into(),
            source: Source::Accepted,
        }
    }

    fn memory() -> Connection {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn
    }

    #[test]
    fn kept_pairs_read_back_and_the_same_pair_is_kept_once() {
        let conn = memory();
        let first = pair("how many orders?", "select count(*) from orders");
        let id = keep(&conn, &first).unwrap();
        let marked = Pair {
            source: Source::Marked,
            ..first.clone()
        };
        assert_eq!(keep(&conn, &marked).unwrap(), id);
        let kept = all(&conn, &first.database).unwrap();
        assert_eq!(kept, [Learned { id, pair: marked }]);
        assert!(all(&conn, "sqlite:/elsewhere.db").unwrap().is_empty());
    }

    #[test]
    fn nearest_ranks_by_words_in_question_tables_and_sql() {
        let conn = memory();
        let orders = keep(
            &conn,
            &pair("how many orders?", "select count(*) from orders"),
        )
        .unwrap();
        let items = keep(
            &conn,
            &pair("best selling product", "select product_id from order_items"),
        )
        .unwrap();
        let found = nearest(&conn, &pair("", "").database, "\"order\"", 10).unwrap();
        assert_eq!(found[0].0.id, orders, "{found:?}");
        let found = nearest(&conn, &pair("", "").database, "\"items\"", 10).unwrap();
        assert_eq!(found.len(), 2, "every pair lists order_items");
        let found = nearest(&conn, &pair("", "").database, "\"selling\"", 10).unwrap();
        assert_eq!(found[0].0.id, items);
        assert!(nearest(&conn, "other", "\"order\"", 10).unwrap().is_empty());
    }

    #[test]
    fn a_forgotten_pair_leaves_the_index() {
        let conn = memory();
        let p = pair("how many orders?", "select count(*) from orders");
        let id = keep(&conn, &p).unwrap();
        assert!(!forget(&conn, "other", id).unwrap(), "another database's");
        assert!(forget(&conn, &p.database, id).unwrap());
        assert!(
            nearest(&conn, &p.database, "\"order\"", 10)
                .unwrap()
                .is_empty()
        );
        assert!(!forget(&conn, &p.database, id).unwrap());
    }
}
