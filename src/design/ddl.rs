//! What a design may hold: the statements that create a schema and nothing
//! else, so validating it (and applying it) can only create tables,
//! indexes, views, types and their comments. Pure.

use sqlparser::ast::Statement;
use sqlparser::dialect::{Dialect as SqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::Parser;

use crate::db::Dialect;
use crate::docs::model::Check;
use crate::safety;

/// A statement of the design that is not schema creation, or does not parse.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason}: {sql}")]
pub struct NotDdl {
    pub sql: String,
    pub reason: String,
}

/// The statements of `ddl`, each without its semicolon, when every one is
/// `CREATE TABLE`, `CREATE INDEX`, `CREATE VIEW`, `CREATE TYPE` or
/// `COMMENT ON`.
pub fn statements(ddl: &str, dialect: Dialect) -> Result<Vec<String>, NotDdl> {
    let statements = safety::split_statements(ddl, dialect);
    for sql in &statements {
        let parsed = parse(sql, dialect).map_err(|reason| NotDdl {
            sql: sql.clone(),
            reason,
        })?;
        let creates = matches!(
            parsed,
            Statement::CreateTable(_)
                | Statement::CreateIndex(_)
                | Statement::CreateView(_)
                | Statement::CreateType { .. }
                | Statement::Comment { .. }
        );
        if !creates {
            return Err(NotDdl {
                sql: sql.clone(),
                reason: "a design holds only CREATE TABLE, INDEX, VIEW, TYPE and COMMENT ON".into(),
            });
        }
    }
    Ok(statements)
}

/// The one statement `sql` as `dialect` reads it.
fn parse(sql: &str, dialect: Dialect) -> Result<Statement, String> {
    let sql_dialect: &dyn SqlDialect = match dialect {
        Dialect::Postgres => &PostgreSqlDialect {},
        Dialect::Sqlite => &SQLiteDialect {},
    };
    let mut parsed = Parser::parse_sql(sql_dialect, sql).map_err(|e| e.to_string())?;
    match (parsed.pop(), parsed.is_empty()) {
        (Some(statement), true) => Ok(statement),
        _ => Err("expected one statement".into()),
    }
}

/// The CHECK constraints `CREATE TABLE` statements among `statements`
/// declare, by table name, as `CHECK (…)` (SQLite keeps no catalog of them).
pub fn checks(statements: &[String], dialect: Dialect) -> Vec<(String, Check)> {
    let mut found = Vec::new();
    for sql in statements {
        let Ok(Statement::CreateTable(table)) = parse(sql, dialect) else {
            continue;
        };
        let name = table
            .name
            .0
            .last()
            .and_then(|part| part.as_ident())
            .map(|ident| ident.value.clone())
            .unwrap_or_default();
        let column_checks = table.columns.iter().flat_map(|column| {
            column
                .options
                .iter()
                .filter_map(|option| match &option.option {
                    sqlparser::ast::ColumnOption::Check(check) => Some(check),
                    _ => None,
                })
        });
        let table_checks = table.constraints.iter().filter_map(|c| match c {
            sqlparser::ast::TableConstraint::Check(check) => Some(check),
            _ => None,
        });
        for check in column_checks.chain(table_checks) {
            found.push((
                name.clone(),
                Check {
                    name: check
                        .name
                        .as_ref()
                        .map(|n| n.value.clone())
                        .unwrap_or_default(),
                    definition: format!("CHECK ({})", check.expr),
                },
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_schema_creation_passes() {
        let ddl = "CREATE TABLE a (id int PRIMARY KEY, n int CHECK (n > 0));\n\
                   CREATE INDEX a_n ON a (n);\nCOMMENT ON TABLE a IS 'x';";
        assert_eq!(statements(ddl, Dialect::Postgres).unwrap().len(), 3);
        for bad in [
            "CREATE TABLE a (id int); DROP TABLE customers",
            "ATTACH DATABASE '/tmp/x' AS x",
            "INSERT INTO a VALUES (1)",
        ] {
            let refused = statements(bad, Dialect::Sqlite).unwrap_err();
            assert!(refused.reason.contains("only CREATE"), "{bad}: {refused}");
        }
        assert!(statements("CREATE TABLE (", Dialect::Sqlite).is_err());
    }

    #[test]
    fn checks_come_from_columns_and_constraints() {
        let sql = "CREATE TABLE loans (due int CHECK (due > 0), \
                   out int, CONSTRAINT order_ok CHECK (out < due))"
            .to_string();
        let found = checks(&[sql], Dialect::Sqlite);
        let definitions: Vec<_> = found
            .iter()
            .map(|(t, c)| (t.as_str(), c.name.as_str(), c.definition.as_str()))
            .collect();
        assert_eq!(
            definitions,
            [
                ("loans", "", "CHECK (due > 0)"),
                ("loans", "order_ok", "CHECK (out < due)")
            ]
        );
    }
}
