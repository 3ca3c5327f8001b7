//! The SQL dialect a backend speaks: its parser, its quoting, what its
//! DDL allows.

use sqlparser::dialect::{
    Dialect as ParserDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};

use crate::ident::{self, Quoting};

/// The SQL dialect a backend speaks; the safety classifier parses with it.
/// PostgreSQL by default, as glance connects when told nothing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Dialect {
    #[default]
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

    /// How it quotes identifiers: `"…"`, or backticks on MySQL, where
    /// `"…"` is a string.
    pub fn quoting(self) -> Quoting {
        match self {
            Dialect::Mysql => Quoting::Backtick,
            Dialect::Postgres | Dialect::Sqlite => Quoting::Double,
        }
    }

    /// `name` quoted whatever it is: for SQL glance builds and sends itself.
    pub fn quote_ident_always(self, name: &str) -> String {
        self.quoting().quote_always(name)
    }

    /// `'text'` as a string literal: `'` doubled, and on MySQL, where a
    /// backslash escapes the next character, `\` doubled too.
    pub fn quote_literal(self, text: &str) -> String {
        match self {
            Dialect::Mysql => ident::quote_literal(&text.replace('\\', "\\\\")),
            Dialect::Postgres | Dialect::Sqlite => ident::quote_literal(text),
        }
    }

    /// The `n`th bound value's placeholder (from 1): `$n`, `?n`, or on
    /// MySQL, where each `?` takes the next value, `?`.
    pub fn placeholder(self, n: usize) -> String {
        match self {
            Dialect::Postgres => format!("${n}"),
            Dialect::Sqlite => format!("?{n}"),
            Dialect::Mysql => "?".to_string(),
        }
    }

    /// The `n`th placeholder as a person reads it: as [`Self::placeholder`]
    /// but numbered on MySQL too (`?#2` for the second `?`).
    pub fn placeholder_label(self, n: usize) -> String {
        match self {
            Dialect::Mysql => format!("?#{n}"),
            Dialect::Postgres | Dialect::Sqlite => self.placeholder(n),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_in_each_dialect() {
        let each = |n| {
            [Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql]
                .map(|d| (d.placeholder(n), d.placeholder_label(n)))
        };
        assert_eq!(
            each(2),
            [
                ("$2".into(), "$2".into()),
                ("?2".into(), "?2".into()),
                ("?".into(), "?#2".into())
            ]
        );
    }

    #[test]
    fn each_dialect_quotes_identifiers_its_own_way() {
        assert_eq!(Dialect::Mysql.quote_ident_always("a`b"), "`a``b`");
        assert_eq!(Dialect::Sqlite.quote_ident_always("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn mysql_literals_double_backslashes_as_well_as_quotes() {
        assert_eq!(Dialect::Mysql.quote_literal(r"it's a\b"), r"'it''s a\\b'");
        assert_eq!(Dialect::Postgres.quote_literal(r"it's a\b"), r"'it''s a\b'");
    }
}
