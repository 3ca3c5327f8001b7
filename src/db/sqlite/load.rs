//! Filling a table of an in-memory database with rows read elsewhere (a
//! federated question's sources), values bound as parameters, never
//! spliced into SQL text.

use rusqlite::types::Value as Sql;

use super::SqliteBackend;
use super::errors::map_error;
use crate::db::{Dialect, Error, Row, Value};

impl SqliteBackend {
    /// Creates `table` with `columns` (no declared types: each value keeps
    /// the type it came with) and inserts `rows`, in one transaction.
    pub fn load(&mut self, table: &str, columns: &[String], rows: &[Row]) -> Result<(), Error> {
        let quote = |name: &str| Dialect::Sqlite.quote_ident_always(name);
        let names: Vec<String> = columns.iter().map(|c| quote(c)).collect();
        let create = format!("CREATE TABLE {} ({})", quote(table), names.join(", "));
        let marks = vec!["?"; columns.len()].join(", ");
        let insert = format!("INSERT INTO {} VALUES ({marks})", quote(table));
        let transaction = self.conn.transaction().map_err(map_error)?;
        transaction.execute(&create, []).map_err(map_error)?;
        {
            let mut statement = transaction.prepare(&insert).map_err(map_error)?;
            for row in rows {
                let values = row.iter().map(sqlite_value);
                statement
                    .execute(rusqlite::params_from_iter(values))
                    .map_err(map_error)?;
            }
        }
        transaction.commit().map_err(map_error)
    }
}

/// A value as SQLite stores it: exact decimals as integers when they are
/// whole (so ids from different databases compare equal), else as reals.
fn sqlite_value(value: &Value) -> Sql {
    match value {
        Value::Null => Sql::Null,
        Value::Bool(b) => Sql::Integer(i64::from(*b)),
        Value::Int(i) => Sql::Integer(*i),
        Value::Float(f) => Sql::Real(*f),
        Value::Numeric(text) => match (text.parse::<i64>(), text.parse::<f64>()) {
            (Ok(i), _) => Sql::Integer(i),
            (_, Ok(f)) => Sql::Real(f),
            _ => Sql::Text(text.clone()),
        },
        Value::Text(text) | Value::Json(text) => Sql::Text(text.clone()),
        Value::Bytes(bytes) => Sql::Blob(bytes.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{Backend, Guard, RowFlow, RowSink};

    struct Count(usize);

    impl RowSink for Count {
        fn columns(&mut self, _: &[crate::db::Column]) -> RowFlow {
            RowFlow::Continue
        }
        fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
            self.0 += rows.len();
            RowFlow::Continue
        }
    }

    #[test]
    fn loaded_rows_keep_their_types_and_odd_names() {
        let mut db = SqliteBackend::in_memory().unwrap();
        let rows = vec![
            vec![Value::Numeric("7".into()), Value::Text("a'b".into())],
            vec![Value::Int(8), Value::Null],
        ];
        db.load("t x", &["id".into(), "na\"me".into()], &rows)
            .unwrap();
        let mut count = Count(0);
        db.run(
            "select * from \"t x\" where id in (7, 8) and typeof(id) = 'integer'",
            &[],
            Guard::Direct,
            &mut count,
        )
        .unwrap();
        assert_eq!(count.0, 2);
    }
}
