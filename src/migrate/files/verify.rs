//! sqitch's verify script: for each statement of the deploy step, a query
//! that fails when what it made is absent (a cast to `regclass` for a new
//! relation, a select of a new column, a division by zero when a
//! constraint, its validation or a NOT NULL is missing or a dropped column
//! is still there). Statements with no such query get a comment naming
//! them, so the script says what it does not check.

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, Ident, ObjectName, RenameTableNameKind, Statement,
    TableConstraint,
};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

/// The verify queries for `up`, one line each, ending in a newline.
pub fn checks(up: &str) -> String {
    let statements = match Parser::parse_sql(&PostgreSqlDialect {}, up) {
        Ok(statements) => statements,
        Err(error) => {
            return format!(
                "-- the deploy script did not parse ({error}), so no check was derived;\n\
                 -- write a query here that fails when the change is absent\n"
            );
        }
    };
    let mut text = String::new();
    for statement in &statements {
        let queries = statement_checks(statement);
        if queries.is_empty() && changes_schema(statement) {
            let first = statement.to_string();
            let first: String = first.chars().take(100).collect();
            text.push_str(&format!("-- not checked: {}\n", first.replace('\n', " ")));
        }
        for query in queries {
            text.push_str(&query);
            text.push('\n');
        }
    }
    text
}

/// Whether `statement` is a change worth verifying (a `SET`, a transaction
/// command or a query is not).
fn changes_schema(statement: &Statement) -> bool {
    !matches!(
        statement,
        Statement::Set(_)
            | Statement::StartTransaction { .. }
            | Statement::Commit { .. }
            | Statement::Rollback { .. }
            | Statement::Query(_)
    )
}

fn statement_checks(statement: &Statement) -> Vec<String> {
    match statement {
        Statement::CreateTable(create) => vec![relation(&create.name)],
        Statement::CreateView(view) => vec![relation(&view.name)],
        Statement::CreateIndex(index) => index.name.iter().map(relation).collect(),
        Statement::CreateSequence { name, .. } => vec![relation(name)],
        Statement::AlterTable(alter) => alter
            .operations
            .iter()
            .filter_map(|op| operation(&alter.name, op))
            .collect(),
        _ => Vec::new(),
    }
}

fn operation(table: &ObjectName, op: &AlterTableOperation) -> Option<String> {
    match op {
        AlterTableOperation::AddColumn { column_def, .. } => {
            Some(select_column(table, &column_def.name))
        }
        AlterTableOperation::RenameColumn {
            new_column_name, ..
        } => Some(select_column(table, new_column_name)),
        AlterTableOperation::DropColumn { column_names, .. } => {
            let column = column_names.first()?;
            Some(format!(
                "SELECT 1 / (count(*) = 0)::int FROM pg_catalog.pg_attribute \
                 WHERE attrelid = {} AND attname = {} AND NOT attisdropped;",
                regclass(table),
                literal(&folded(column))
            ))
        }
        AlterTableOperation::AlterColumn {
            column_name,
            op: AlterColumnOperation::SetNotNull,
        } => Some(format!(
            "SELECT 1 / count(*) FROM pg_catalog.pg_attribute \
             WHERE attrelid = {} AND attname = {} AND attnotnull;",
            regclass(table),
            literal(&folded(column_name))
        )),
        AlterTableOperation::AddConstraint { constraint, .. } => {
            let name = match constraint {
                TableConstraint::Unique(c) => c.name.as_ref(),
                TableConstraint::PrimaryKey(c) => c.name.as_ref(),
                TableConstraint::ForeignKey(c) => c.name.as_ref(),
                TableConstraint::Check(c) => c.name.as_ref(),
                _ => None,
            }?;
            Some(format!(
                "SELECT 1 / count(*) FROM pg_catalog.pg_constraint \
                 WHERE conrelid = {} AND conname = {};",
                regclass(table),
                literal(&folded(name))
            ))
        }
        AlterTableOperation::ValidateConstraint { name } => Some(format!(
            "SELECT 1 / count(*) FROM pg_catalog.pg_constraint \
             WHERE conrelid = {} AND conname = {} AND convalidated;",
            regclass(table),
            literal(&folded(name))
        )),
        AlterTableOperation::RenameTable {
            table_name: RenameTableNameKind::To(name) | RenameTableNameKind::As(name),
        } => {
            // The new name stays in the table's schema.
            let mut renamed = table.0.clone();
            let last = name.0.last()?.clone();
            *renamed.last_mut()? = last;
            Some(relation(&ObjectName(renamed)))
        }
        _ => None,
    }
}

/// Fails when the relation `name` does not exist.
fn relation(name: &ObjectName) -> String {
    format!("SELECT {};", regclass(name))
}

/// Fails when `table` has no column `column`.
fn select_column(table: &ObjectName, column: &Ident) -> String {
    format!("SELECT {column} FROM {table} WHERE false;")
}

/// `'name'::regclass`, which fails when there is no such relation.
fn regclass(name: &ObjectName) -> String {
    format!("{}::regclass", literal(&name.to_string()))
}

/// The name PostgreSQL stores for `ident`: unquoted names fold to lowercase.
fn folded(ident: &Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

/// `text` as an SQL string literal.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_change_gets_a_query_that_fails_when_it_is_absent() {
        let cases = [
            (
                "create table public.t (id int)",
                "SELECT 'public.t'::regclass;",
            ),
            (
                "create index concurrently i on t (c)",
                "SELECT 'i'::regclass;",
            ),
            (
                "create materialized view m as select 1",
                "SELECT 'm'::regclass;",
            ),
            (
                "alter table t add column deleted_at timestamptz",
                "SELECT deleted_at FROM t WHERE false;",
            ),
            (
                "alter table t rename column a to b",
                "SELECT b FROM t WHERE false;",
            ),
            ("alter table s.t rename to u", "SELECT 's.u'::regclass;"),
            (
                "alter table t drop column \"Old\"",
                "SELECT 1 / (count(*) = 0)::int FROM pg_catalog.pg_attribute \
                 WHERE attrelid = 't'::regclass AND attname = 'Old' AND NOT attisdropped;",
            ),
            (
                "alter table t alter column C set not null",
                "SELECT 1 / count(*) FROM pg_catalog.pg_attribute \
                 WHERE attrelid = 't'::regclass AND attname = 'c' AND attnotnull;",
            ),
            (
                "alter table t add constraint k check (c > 0) not valid",
                "SELECT 1 / count(*) FROM pg_catalog.pg_constraint \
                 WHERE conrelid = 't'::regclass AND conname = 'k';",
            ),
            (
                "alter table t validate constraint k",
                "SELECT 1 / count(*) FROM pg_catalog.pg_constraint \
                 WHERE conrelid = 't'::regclass AND conname = 'k' AND convalidated;",
            ),
            ("set lock_timeout = '2s'", ""),
        ];
        for (sql, expected) in cases {
            assert_eq!(checks(sql).trim_end(), expected, "{sql}");
        }
    }

    #[test]
    fn what_is_not_checked_is_named() {
        let text = checks("comment on table t is 'x';\ncreate table u (id int);");
        assert_eq!(
            text,
            "-- not checked: COMMENT ON TABLE t IS 'x'\nSELECT 'u'::regclass;\n"
        );
        assert!(checks("create tabel").starts_with("-- the deploy script did not parse"));
    }
}
