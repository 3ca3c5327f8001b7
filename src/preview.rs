//! Preview before commit: a write runs inside a transaction that stays open
//! while the person looks at what it changed. This module holds the pure
//! parts: asking the statement to return its changed rows, and keeping only
//! the first few of them for display while counting all.

use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

use crate::db::{Column, Row, RowFlow, RowSink};

/// Changed rows shown in a preview.
pub const SHOWN_ROWS: usize = 10;

/// `sql` with `RETURNING *` added when it is one INSERT, UPDATE or DELETE
/// without a RETURNING clause of its own; `None` when it cannot take one.
/// The clause goes on a new line, so a trailing `--` comment cannot swallow it.
pub fn with_returning(sql: &str) -> Option<String> {
    let statements = Parser::parse_sql(&PostgreSqlDialect {}, sql).ok()?;
    let [statement] = statements.as_slice() else {
        return None;
    };
    let open = match statement {
        Statement::Insert(insert) => insert.returning.is_none(),
        Statement::Update(update) => update.returning.is_none(),
        Statement::Delete(delete) => delete.returning.is_none(),
        _ => false,
    };
    let body = sql.trim_end().trim_end_matches(';').trim_end();
    open.then(|| format!("{body}\nRETURNING *"))
}

/// Passes the first [`SHOWN_ROWS`] rows on to `inner` and counts the rest.
pub struct FirstRows<'a> {
    inner: &'a mut dyn RowSink,
    shown: usize,
}

impl<'a> FirstRows<'a> {
    pub fn new(inner: &'a mut dyn RowSink) -> FirstRows<'a> {
        FirstRows { inner, shown: 0 }
    }
}

impl RowSink for FirstRows<'_> {
    fn columns(&mut self, columns: &[Column]) -> RowFlow {
        self.inner.columns(columns)
    }

    /// Always continues: the statement must run to its end either way.
    fn rows(&mut self, mut rows: Vec<Row>) -> RowFlow {
        let room = SHOWN_ROWS - self.shown;
        rows.truncate(room);
        self.shown += rows.len();
        if !rows.is_empty() {
            let _ = self.inner.rows(rows);
        }
        RowFlow::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Value;

    #[test]
    fn returning_is_added_to_plain_dml_only() {
        assert_eq!(
            with_returning("update t set a = 1 where id = 2;").as_deref(),
            Some("update t set a = 1 where id = 2\nRETURNING *")
        );
        assert_eq!(
            with_returning("delete from t where a > 1 -- old rows").as_deref(),
            Some("delete from t where a > 1 -- old rows\nRETURNING *")
        );
        assert!(with_returning("insert into t values (1)").is_some());
        assert_eq!(
            with_returning("insert into t values (1) returning id"),
            None
        );
        assert_eq!(with_returning("create table t (a int)"), None);
        assert_eq!(with_returning("update t set a = 1; delete from t"), None);
        assert_eq!(with_returning("not sql at all"), None);
    }

    #[derive(Default)]
    struct Count {
        rows: usize,
    }

    impl RowSink for Count {
        fn columns(&mut self, _: &[Column]) -> RowFlow {
            RowFlow::Continue
        }
        fn rows(&mut self, rows: Vec<Row>) -> RowFlow {
            self.rows += rows.len();
            RowFlow::Continue
        }
    }

    #[test]
    fn only_the_first_rows_reach_the_display() {
        let mut count = Count::default();
        let mut first = FirstRows::new(&mut count);
        for _ in 0..3 {
            assert_eq!(first.rows(vec![vec![Value::Int(1)]; 4]), RowFlow::Continue);
        }
        assert_eq!(count.rows, SHOWN_ROWS);
    }
}
