//! The SQL dialect a backend speaks. A leaf that depends only on the SQL
//! parser, so that the pure modules built on it (the safety classifier)
//! can be compiled on their own, as the fuzz targets in `fuzz/` do.

use sqlparser::dialect::{
    Dialect as ParserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};

/// The SQL dialect a backend speaks; the safety classifier parses with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Sqlite,
    /// MySQL 8 and MariaDB 10.6+, which share a wire protocol and most SQL.
    Mysql,
}

impl Dialect {
    /// Human name, as shown in the footer and prompts.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
            Dialect::Mysql => "MySQL",
        }
    }

    /// Whether DDL runs inside a transaction a rollback undoes: what
    /// `design` and `migrate` need to try a change and leave nothing
    /// behind. MySQL and MariaDB commit before and after every DDL statement.
    pub fn transactional_ddl(self) -> bool {
        self != Dialect::Mysql
    }

    /// The parser's dialect: how the classifier, the linter and the
    /// prompt's SQL detection read this database's SQL.
    pub fn parser(self) -> Box<dyn ParserDialect> {
        match self {
            Dialect::Postgres => Box::new(PostgreSqlDialect {}),
            Dialect::Sqlite => Box::new(SQLiteDialect {}),
            Dialect::Mysql => Box::new(MySqlDialect {}),
        }
    }
}
