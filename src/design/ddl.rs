//! What a design may hold: the statements that create a schema and nothing
//! else, so validating it (and applying it) can only create new tables,
//! views and types, with indexes and comments on those alone. Checked on
//! the parsed statements, before anything reaches a database. Pure.

use sqlparser::ast::{CommentObject, ObjectName, Statement};
use sqlparser::parser::Parser;

use crate::db::Dialect;
use crate::docs::model::Check;
use crate::lint::table_name;
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
/// `COMMENT ON` and creates only new things ([`new_only`]).
pub fn statements(ddl: &str, dialect: Dialect) -> Result<Vec<String>, NotDdl> {
    let statements = safety::split_statements(ddl, dialect);
    let mut created = Created::default();
    for sql in &statements {
        let refuse = |reason: String| NotDdl {
            sql: sql.clone(),
            reason,
        };
        let parsed = parse(sql, dialect).map_err(refuse)?;
        new_only(&parsed, &mut created).map_err(refuse)?;
    }
    Ok(statements)
}

/// How many of a design's `statements` create an object (the rest are
/// comments).
pub fn creations(statements: &[String], dialect: Dialect) -> usize {
    statements
        .iter()
        .filter(|sql| !matches!(parse(sql, dialect), Ok(Statement::Comment { .. })))
        .count()
}

/// What earlier statements of a design created, by folded name.
#[derive(Default)]
struct Created {
    /// Tables and views.
    relations: Vec<String>,
    types: Vec<String>,
    indexes: Vec<String>,
}

/// Why `statement` is not part of a design, given what the statements
/// before it `created` (which it joins). A design names every new object
/// without a schema (it is created in the connection's current schema),
/// never replaces one (`OR REPLACE`), never makes a table part of another
/// (`PARTITION OF`, `INHERITS`) unless the design creates that one too, and
/// indexes and comments only what it creates itself: changing what exists
/// is a migration.
fn new_only(statement: &Statement, created: &mut Created) -> Result<(), String> {
    match statement {
        Statement::CreateTable(table) => {
            let name = unqualified(&table.name, "table")?;
            if table.or_replace {
                return Err(replaces("table"));
            }
            let parents = table
                .partition_of
                .iter()
                .chain(table.inherits.iter().flatten());
            for parent in parents {
                if !ours(parent, &created.relations) {
                    return Err(format!(
                        "a design only creates new tables, and this one would become part of \
                         the existing table {parent}; partition or extend it with glance migrate"
                    ));
                }
            }
            created.relations.push(name);
        }
        Statement::CreateView(view) => {
            let name = unqualified(&view.name, "view")?;
            if view.or_replace || view.or_alter {
                return Err(replaces("view"));
            }
            created.relations.push(name);
        }
        Statement::CreateType { name, .. } => {
            let name = unqualified(name, "type")?;
            created.types.push(name);
        }
        Statement::CreateIndex(index) => {
            if !ours(&index.table_name, &created.relations) {
                let table = &index.table_name;
                return Err(format!(
                    "a design only creates new tables, and this index is on {table}, which it \
                     does not create; add an index to {table} with glance migrate"
                ));
            }
            if let Some(name) = &index.name {
                created.indexes.push(table_name(name));
            }
        }
        Statement::Comment {
            object_type,
            object_name,
            ..
        } => {
            let parts = object_name.0.len();
            let (target, own) = match object_type {
                CommentObject::Column if parts == 2 => {
                    let table = ObjectName(object_name.0[..1].to_vec());
                    (table_name(&table), &created.relations)
                }
                CommentObject::Table | CommentObject::View | CommentObject::MaterializedView
                    if parts == 1 =>
                {
                    (table_name(object_name), &created.relations)
                }
                CommentObject::Type if parts == 1 => (table_name(object_name), &created.types),
                CommentObject::Index if parts == 1 => (table_name(object_name), &created.indexes),
                _ => {
                    return Err(format!(
                        "a design comments only on the tables, columns, views, types and \
                         indexes it creates, named without a schema, not on {object_type} \
                         {object_name}"
                    ));
                }
            };
            if !own.contains(&target) {
                return Err(format!(
                    "a design only comments on what it creates, and it does not create \
                     {target}; change the comment on {target} with glance describe"
                ));
            }
        }
        _ => {
            return Err(
                "a design holds only CREATE TABLE, INDEX, VIEW, TYPE and COMMENT ON".into(),
            );
        }
    }
    Ok(())
}

/// The folded name of a new `kind` of object, refused with a schema.
fn unqualified(name: &ObjectName, kind: &str) -> Result<String, String> {
    if name.0.len() > 1 {
        return Err(format!(
            "a design creates every {kind} in the current schema: name it without a schema"
        ));
    }
    Ok(table_name(name))
}

/// Whether `name` is, without a schema, one of the design's own `created`.
fn ours(name: &ObjectName, created: &[String]) -> bool {
    name.0.len() == 1 && created.contains(&table_name(name))
}

/// Why `OR REPLACE` is refused.
fn replaces(kind: &str) -> String {
    format!("a design only creates new objects: drop OR REPLACE from this {kind}")
}

/// The one statement `sql` as `dialect` reads it.
fn parse(sql: &str, dialect: Dialect) -> Result<Statement, String> {
    let mut parsed =
        Parser::parse_sql(dialect.parser().as_ref(), sql).map_err(|e| e.to_string())?;
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
    fn only_new_objects_pass() {
        let ddl = "CREATE TABLE notes (id int PRIMARY KEY, body text);\n\
                   CREATE TABLE notes_2024 PARTITION OF notes FOR VALUES IN (1);\n\
                   CREATE INDEX notes_body ON notes (body);\n\
                   CREATE VIEW recent AS SELECT * FROM notes;\n\
                   CREATE TYPE mood AS ENUM ('ok');\n\
                   COMMENT ON TABLE notes IS 'x'; COMMENT ON COLUMN Notes.body IS 'y';\n\
                   COMMENT ON VIEW recent IS 'z'; COMMENT ON TYPE mood IS 'w';\n\
                   COMMENT ON INDEX notes_body IS 'v'";
        assert_eq!(statements(ddl, Dialect::Postgres).unwrap().len(), 10);
        let new = "CREATE TABLE notes (id int PRIMARY KEY);";
        for (bad, why) in [
            (
                "CREATE INDEX c_name ON customers (name)",
                "add an index to customers with glance migrate",
            ),
            (
                "CREATE INDEX n_id ON public.notes (id)",
                "add an index to public.notes with glance migrate",
            ),
            (
                "CREATE TABLE n2 PARTITION OF public.notes FOR VALUES IN (3)",
                "existing table public.notes",
            ),
            (
                "COMMENT ON TABLE customers IS 'x'",
                "does not create customers",
            ),
            (
                "COMMENT ON COLUMN customers.name IS 'x'",
                "does not create customers",
            ),
            ("COMMENT ON SCHEMA public IS 'x'", "not on SCHEMA public"),
            (
                "COMMENT ON TABLE audit.notes IS 'x'",
                "named without a schema",
            ),
            (
                "CREATE TABLE audit.notes3 (id int)",
                "name it without a schema",
            ),
            (
                "CREATE VIEW audit.v AS SELECT 1",
                "name it without a schema",
            ),
            (
                "CREATE TABLE p2 PARTITION OF part FOR VALUES IN (2)",
                "existing table part",
            ),
            (
                "CREATE TABLE child (x int) INHERITS (customers)",
                "existing table customers",
            ),
            (
                "CREATE OR REPLACE VIEW customers_v AS SELECT 1",
                "drop OR REPLACE",
            ),
        ] {
            let refused = statements(&format!("{new}\n{bad}"), Dialect::Postgres).unwrap_err();
            assert_eq!(refused.sql, bad);
            assert!(refused.reason.contains(why), "{bad}: {refused}");
        }
        // An index before the table it is on names an existing table.
        let early = "CREATE INDEX n ON notes (id); CREATE TABLE notes (id int)";
        assert!(statements(early, Dialect::Sqlite).is_err());
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
