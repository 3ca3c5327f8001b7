//! The findings: statements that lock out readers or writers for longer
//! than they need, rewrite or scan a table under a lock, break the running
//! application, or fail on a table that has rows, each with its safe
//! rewrite. Rules read the file in order: a table created earlier in the
//! same file is new and empty, so what would be slow or breaking on a live
//! table is fine on it; `SET lock_timeout` and validated `CHECK (c IS NOT
//! NULL)` constraints count from where they appear.

use std::collections::HashSet;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, Expr, ObjectName,
    Statement, TableConstraint, UnaryOperator,
};

use super::locks::{self, Effect, Mode, column_rewrites, volatile_call};
use super::rule_table::RULES;
use super::{Held, Linted, Parsed, Read, recognised, table_name, timeout};
use crate::db::Dialect;

/// How much a finding matters: warnings and errors fail the lint (exit 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Info,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// One rule's finding on one statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's name, kebab-case (`require-concurrent-index`).
    pub rule: &'static str,
    pub level: Level,
    pub message: String,
    /// The safe way to do it.
    pub fix: String,
}

/// What the rules know from the statements above the current one.
#[derive(Default)]
struct Context {
    /// Tables and indexes created earlier in the file.
    created: HashSet<String>,
    /// The last `SET lock_timeout` set a timeout (0, in any unit, is none).
    lock_timeout: bool,
    /// `require-lock-timeout` has been reported (once per file).
    timeout_reported: bool,
    /// Inside `BEGIN … COMMIT`, or in the one transaction the whole file
    /// is assumed to run in.
    in_transaction: bool,
    /// The whole file runs in one transaction its migration tool opens.
    wrapped: bool,
    /// Tables the current transaction holds a lock on stronger than
    /// SHARE UPDATE EXCLUSIVE, with the lock and the line that took it.
    held: Vec<Held>,
    /// `CHECK (column IS NOT NULL)` constraints: table, column, name, validated.
    not_null_checks: Vec<(String, String, Option<String>, bool)>,
}

impl Context {
    fn existing(&self, name: &ObjectName) -> bool {
        !self.created.contains(&table_name(name))
    }

    fn checked_not_null(&self, table: &str, column: &str) -> bool {
        self.not_null_checks
            .iter()
            .any(|(t, c, _, validated)| t == table && c == column && *validated)
    }
}

/// Lints the statements read, in file order: each one's effect and
/// findings; `wrapped` when the whole file runs in one transaction (as
/// migration tools run each file by default).
pub fn lint(read: Vec<(String, usize, Read)>, dialect: Dialect, wrapped: bool) -> Vec<Linted> {
    let mut context = Context {
        in_transaction: wrapped,
        wrapped,
        ..Context::default()
    };
    read.into_iter()
        .map(|(sql, line, read)| {
            let (effect, findings) = match (read, dialect) {
                (Read::Parsed(parsed), Dialect::Postgres) => {
                    let effect = locks::postgres(&parsed);
                    let mut findings = common(&effect, &mut context);
                    findings.extend(postgres(&parsed, &mut context));
                    (effect, findings)
                }
                (Read::Parsed(parsed), Dialect::Sqlite) => {
                    (locks::sqlite(&parsed), sqlite(&parsed, &mut context))
                }
                (Read::Parsed(_), Dialect::Mysql) => unreachable!("lint_file refuses MySQL"),
                (Read::Recognised(form), _) => {
                    let effect = locks::recognised(&form);
                    let mut findings = common(&effect, &mut context);
                    findings.extend(recognised::findings(&form, |name| {
                        !context.created.contains(name)
                    }));
                    (effect, findings)
                }
            };
            let held = still_held(&context.held, &effect);
            if context.in_transaction {
                for lock in &effect.locks {
                    if lock.mode > Mode::ShareUpdateExclusive {
                        context.held.push(Held {
                            relation: lock.relation.clone(),
                            mode: lock.mode,
                            line,
                        });
                    }
                }
            }
            Linted {
                sql,
                line,
                effect,
                held,
                findings,
            }
        })
        .collect()
}

/// Of the locks `held` by the transaction, per relation the strongest
/// (the first statement that took it) where stronger than what `effect`
/// takes on it.
fn still_held(held: &[Held], effect: &Effect) -> Vec<Held> {
    let mut strongest: Vec<Held> = Vec::new();
    for lock in held {
        match strongest.iter_mut().find(|h| h.relation == lock.relation) {
            Some(known) if lock.mode > known.mode => *known = lock.clone(),
            Some(_) => {}
            None => strongest.push(lock.clone()),
        }
    }
    strongest.retain(|h| {
        let own = effect
            .locks
            .iter()
            .find(|l| l.relation == h.relation)
            .map(|l| l.mode);
        own.is_none_or(|own| h.mode > own)
    });
    strongest
}

pub(super) fn finding(rule: &'static str, message: String, fix: String) -> Finding {
    let level = RULES
        .iter()
        .find(|(name, ..)| *name == rule)
        .map_or(Level::Warning, |(_, level, _)| *level);
    Finding {
        rule,
        level,
        message,
        fix,
    }
}

/// The findings on any PostgreSQL statement's effect: transaction blocks
/// and lock timeouts.
fn common(effect: &Effect, context: &mut Context) -> Vec<Finding> {
    let mut found = Vec::new();
    if !effect.transactional && context.in_transaction {
        let (block, fix) = if context.wrapped {
            (
                "the transaction the whole file runs in",
                "move it to a migration of its own that runs without a transaction",
            )
        } else {
            (
                "the transaction block opened above",
                "end the transaction (COMMIT) before it, and run it on its own",
            )
        };
        found.push(finding(
            "outside-transaction",
            format!("this statement cannot run inside {block}"),
            fix.into(),
        ));
    } else if !effect.transactional {
        found.push(finding(
            "non-transactional",
            "cannot run in a transaction block: a migration tool that wraps each file in one \
             fails on it, and if it fails midway nothing is rolled back (a failed CREATE INDEX \
             CONCURRENTLY leaves an INVALID index)"
                .into(),
            "run it as a migration step of its own, without a transaction; after a failure, \
             drop what it left (DROP INDEX CONCURRENTLY) and run it again"
                .into(),
        ));
    }
    let exclusive_on_existing = effect.locks.iter().any(|lock| {
        let relation = lock.relation.strip_prefix("indexes of ");
        lock.mode == Mode::AccessExclusive
            && !context.created.contains(relation.unwrap_or(&lock.relation))
    });
    if exclusive_on_existing && !context.lock_timeout && !context.timeout_reported {
        context.timeout_reported = true;
        found.push(finding(
            "require-lock-timeout",
            "takes an ACCESS EXCLUSIVE lock with no lock_timeout set: while it waits for the \
             lock, every query on the table queues behind it"
                .into(),
            "start the migration with SET lock_timeout = '2s'; and retry it when it times out"
                .into(),
        ));
    }
    found
}

fn postgres(parsed: &Parsed, context: &mut Context) -> Vec<Finding> {
    let mut found = Vec::new();
    match &parsed.statement {
        Statement::Set(sqlparser::ast::Set::SingleAssignment {
            variable, values, ..
        }) => {
            let value = values
                .first()
                .and_then(|v| timeout::milliseconds(&v.to_string()));
            if let Some(ms) = value.filter(|_| table_name(variable) == "lock_timeout") {
                context.lock_timeout = ms > 0;
            }
        }
        Statement::StartTransaction { .. } => context.in_transaction = true,
        Statement::Commit { .. } | Statement::Rollback { .. } => {
            context.in_transaction = false;
            context.held.clear();
        }
        Statement::CreateTable(create) => {
            context.created.insert(table_name(&create.name));
        }
        Statement::CreateView(view) if view.materialized => {
            context.created.insert(table_name(&view.name));
        }
        Statement::CreateIndex(index) => {
            if let Some(name) = &index.name {
                context.created.insert(table_name(name));
            }
            if !index.concurrently && context.existing(&index.table_name) {
                let mut concurrent = index.clone();
                concurrent.concurrently = true;
                found.push(finding(
                    "require-concurrent-index",
                    format!(
                        "builds the index under a SHARE lock: writes to {} wait until it is built",
                        index.table_name
                    ),
                    format!("{concurrent}; (outside a transaction block)"),
                ));
            }
        }
        Statement::Drop {
            object_type: sqlparser::ast::ObjectType::Index,
            names,
            if_exists,
            ..
        } if !parsed.concurrently && names.iter().any(|n| context.existing(n)) => {
            found.push(finding(
                "require-concurrent-index-drop",
                "takes an ACCESS EXCLUSIVE lock on the index's table: reads and writes wait".into(),
                format!(
                    "DROP INDEX CONCURRENTLY {}{}; (outside a transaction block, one index at a time)",
                    if *if_exists { "IF EXISTS " } else { "" },
                    names
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        Statement::Drop {
            object_type: sqlparser::ast::ObjectType::Table,
            names,
            ..
        } => found.extend(drop_tables(names, context)),
        Statement::AlterTable(alter) if context.existing(&alter.name) => {
            for operation in &alter.operations {
                alter_postgres(&alter.name, operation, context, &mut found);
            }
        }
        Statement::AlterTable(alter) => {
            for operation in &alter.operations {
                note_checks(&alter.name, operation, context);
            }
        }
        _ => {}
    }
    found
}

/// `drop-table` for each of `names` that existed before the file.
fn drop_tables<'a>(
    names: &'a [ObjectName],
    context: &'a Context,
) -> impl Iterator<Item = Finding> + 'a {
    names.iter().filter(|n| context.existing(n)).map(|name| {
        finding(
            "drop-table",
            format!("drops {name}: running code that still reads or writes it fails"),
            deploy_first("table"),
        )
    })
}

/// The fix for dropping a table or a column that running code may use.
fn deploy_first(what: &str) -> String {
    format!("first deploy code that no longer uses the {what}, then drop it")
}

/// Records `CHECK (c IS NOT NULL)` constraints added and validated.
fn note_checks(table: &ObjectName, operation: &AlterTableOperation, context: &mut Context) {
    let table = table_name(table);
    match operation {
        AlterTableOperation::AddConstraint {
            constraint: TableConstraint::Check(check),
            not_valid,
        } => {
            if let Expr::IsNotNull(inner) = &*check.expr
                && let Expr::Identifier(column) = &**inner
            {
                context.not_null_checks.push((
                    table,
                    column.value.to_lowercase(),
                    check.name.as_ref().map(|n| n.value.to_lowercase()),
                    !not_valid,
                ));
            }
        }
        AlterTableOperation::ValidateConstraint { name } => {
            let name = name.value.to_lowercase();
            for check in &mut context.not_null_checks {
                if check.0 == table && check.2.as_deref() == Some(name.as_str()) {
                    check.3 = true;
                }
            }
        }
        _ => {}
    }
}

fn alter_postgres(
    table: &ObjectName,
    operation: &AlterTableOperation,
    context: &mut Context,
    found: &mut Vec<Finding>,
) {
    use AlterTableOperation as Op;
    note_checks(table, operation, context);
    match operation {
        Op::AddColumn { column_def, .. } => {
            if column_rewrites(column_def) {
                let call = column_def.options.iter().find_map(|o| match &o.option {
                    ColumnOption::Default(expr) => volatile_call(expr),
                    _ => None,
                });
                found.push(finding(
                    "volatile-default",
                    format!(
                        "adding {} {} writes a value into every row of {table} under an ACCESS \
                         EXCLUSIVE lock",
                        column_def.name,
                        match call {
                            Some(call) =>
                                format!("with default {call}() (volatile, or not known not to be)"),
                            None => "(a serial, identity or generated column)".into(),
                        },
                    ),
                    format!(
                        "add the column without the default, then SET DEFAULT for new rows, and \
                         fill existing rows in batches: ALTER TABLE {table} ADD COLUMN {} {}; \
                         ALTER TABLE {table} ALTER COLUMN {} SET DEFAULT …; UPDATE … in batches",
                        column_def.name, column_def.data_type, column_def.name
                    ),
                ));
            }
            if not_null_without_default(column_def) {
                found.push(not_null(table, column_def));
            }
            if column_def
                .options
                .iter()
                .any(|o| matches!(o.option, ColumnOption::ForeignKey(_)))
            {
                found.push(finding(
                    "foreign-key-not-valid",
                    format!(
                        "the REFERENCES of {} checks every row of {table} while both tables are \
                         locked against writes",
                        column_def.name
                    ),
                    format!(
                        "add the column without REFERENCES, then ALTER TABLE {table} ADD \
                         CONSTRAINT … FOREIGN KEY ({}) REFERENCES … NOT VALID; and in a separate \
                         transaction ALTER TABLE {table} VALIDATE CONSTRAINT …;",
                        column_def.name
                    ),
                ));
            }
        }
        Op::AddConstraint {
            constraint,
            not_valid,
        } => match constraint {
            TableConstraint::ForeignKey(fk) if !not_valid => found.push(finding(
                "foreign-key-not-valid",
                format!(
                    "checks every row of {table} while {table} and {} are locked against writes",
                    fk.foreign_table
                ),
                not_valid_then_validate(table, constraint, fk.name.as_ref()),
            )),
            TableConstraint::Check(check) if !not_valid => found.push(finding(
                "check-not-valid",
                format!("reads every row of {table} under an ACCESS EXCLUSIVE lock"),
                not_valid_then_validate(table, constraint, check.name.as_ref()),
            )),
            TableConstraint::Unique(_) | TableConstraint::PrimaryKey(_) => {
                let kind = if matches!(constraint, TableConstraint::Unique(_)) {
                    "UNIQUE"
                } else {
                    "PRIMARY KEY"
                };
                found.push(finding(
                    "unique-using-index",
                    format!(
                        "builds the {kind} index under an ACCESS EXCLUSIVE lock: reads and \
                         writes of {table} wait"
                    ),
                    format!(
                        "CREATE UNIQUE INDEX CONCURRENTLY name ON {table} (…); then ALTER TABLE \
                         {table} ADD CONSTRAINT name {kind} USING INDEX name;"
                    ),
                ));
            }
            _ => {}
        },
        Op::AlterColumn { column_name, op } => match op {
            AlterColumnOperation::SetNotNull
                if !context
                    .checked_not_null(&table_name(table), &column_name.value.to_lowercase()) =>
            {
                found.push(finding(
                    "set-not-null-needs-check",
                    format!("reads every row of {table} under an ACCESS EXCLUSIVE lock"),
                    format!(
                        "ALTER TABLE {table} ADD CONSTRAINT {column_name}_not_null CHECK \
                         ({column_name} IS NOT NULL) NOT VALID; then ALTER TABLE {table} VALIDATE \
                         CONSTRAINT {column_name}_not_null; then SET NOT NULL (no scan), then \
                         DROP CONSTRAINT {column_name}_not_null"
                    ),
                ));
            }
            AlterColumnOperation::SetDataType { data_type, .. } => found.push(finding(
                "change-column-type",
                format!(
                    "changing {column_name} to {data_type} rewrites {table} under an ACCESS \
                     EXCLUSIVE lock (unless it only widens a varchar or text), and code that \
                     expects the old type may break"
                ),
                "add a new column of the new type, fill it in batches, switch the code to it, \
                 then drop the old one"
                    .into(),
            )),
            _ => {}
        },
        Op::DropColumn { column_names, .. } => {
            for column in column_names {
                found.push(drop_column(table, column));
            }
        }
        Op::RenameColumn {
            old_column_name,
            new_column_name,
        } => found.push(rename_column(table, old_column_name, new_column_name)),
        Op::RenameTable { .. } => found.push(rename_table(table)),
        Op::ValidateConstraint { name } => {
            let relation = table_name(table);
            let held = context
                .held
                .iter()
                .filter(|held| held.relation == relation)
                .map(|held| held.mode)
                .max();
            if let Some(mode) = held {
                found.push(finding(
                    "validate-in-transaction",
                    format!(
                        "validates {name} while this transaction still holds the {} an earlier \
                         statement took on {table}: the scan runs with that lock held, which is \
                         what NOT VALID was meant to avoid",
                        mode.name()
                    ),
                    if context.wrapped {
                        format!(
                            "move ALTER TABLE {table} VALIDATE CONSTRAINT {name}; to a migration \
                             of its own, after this one"
                        )
                    } else {
                        format!(
                            "COMMIT after adding the constraint NOT VALID, then ALTER TABLE \
                             {table} VALIDATE CONSTRAINT {name}; in a transaction of its own"
                        )
                    },
                ));
            }
        }
        _ => {}
    }
}

/// The fix for a constraint that checks every row as it is added: add it
/// NOT VALID, then validate it (`name` where the statement gives none).
fn not_valid_then_validate(
    table: &ObjectName,
    constraint: &TableConstraint,
    name: Option<&sqlparser::ast::Ident>,
) -> String {
    let name = name.map_or_else(|| "name".to_string(), ToString::to_string);
    format!(
        "ALTER TABLE {table} ADD {constraint} NOT VALID; then, in a separate transaction, \
         ALTER TABLE {table} VALIDATE CONSTRAINT {name};"
    )
}

fn not_null(table: &ObjectName, column: &ColumnDef) -> Finding {
    finding(
        "not-null-without-default",
        format!(
            "adding NOT NULL column {} without a default fails when {table} has rows",
            column.name
        ),
        format!(
            "give it a default (ADD COLUMN {} {} NOT NULL DEFAULT …), or add it nullable, fill \
             it, then set NOT NULL",
            column.name, column.data_type
        ),
    )
}

fn drop_column(table: &ObjectName, column: &sqlparser::ast::Ident) -> Finding {
    finding(
        "drop-column",
        format!("drops {table}.{column}: running code that still names it fails"),
        deploy_first("column"),
    )
}

fn rename_column(
    table: &ObjectName,
    old: &sqlparser::ast::Ident,
    new: &sqlparser::ast::Ident,
) -> Finding {
    finding(
        "rename-column",
        format!("renames {table}.{old} to {new}: running code that names {old} fails"),
        format!(
            "add {new}, write both, move readers to {new}, then drop {old} (or a view that \
             keeps the old name)"
        ),
    )
}

fn rename_table(table: &ObjectName) -> Finding {
    finding(
        "rename-table",
        format!("renames {table}: running code that names it fails"),
        "create the new table name as a view or copy, move the code to it, then drop the old \
         name"
            .into(),
    )
}

/// Whether `column` is NOT NULL with nothing to fill existing rows.
fn not_null_without_default(column: &ColumnDef) -> bool {
    let not_null = column.options.iter().any(|o| {
        matches!(
            o.option,
            ColumnOption::NotNull | ColumnOption::PrimaryKey(_)
        )
    });
    let filled = column.options.iter().any(|o| {
        matches!(
            o.option,
            ColumnOption::Default(_) | ColumnOption::Generated { .. } | ColumnOption::Identity(_)
        )
    });
    not_null && !filled && !column_rewrites(column)
}

fn sqlite(parsed: &Parsed, context: &mut Context) -> Vec<Finding> {
    use AlterTableOperation as Op;
    let mut found = Vec::new();
    match &parsed.statement {
        Statement::CreateTable(create) => {
            context.created.insert(table_name(&create.name));
        }
        Statement::Drop {
            object_type: sqlparser::ast::ObjectType::Table,
            names,
            ..
        } => found.extend(drop_tables(names, context)),
        Statement::AlterTable(alter) => {
            let table = &alter.name;
            let existing = context.existing(table);
            for operation in &alter.operations {
                match operation {
                    Op::AddColumn { column_def, .. } => {
                        if let Some(why) = sqlite_add_column_limit(column_def) {
                            found.push(sqlite_limit(table, why));
                        } else if existing && not_null_without_default(column_def) {
                            found.push(not_null(table, column_def));
                        }
                    }
                    Op::DropColumn { column_names, .. } if existing => {
                        for column in column_names {
                            found.push(drop_column(table, column));
                        }
                    }
                    Op::RenameColumn {
                        old_column_name,
                        new_column_name,
                    } if existing => {
                        found.push(rename_column(table, old_column_name, new_column_name));
                    }
                    Op::RenameTable { .. } if existing => found.push(rename_table(table)),
                    Op::DropColumn { .. } | Op::RenameColumn { .. } | Op::RenameTable { .. } => {}
                    _ => found.push(sqlite_limit(
                        table,
                        "SQLite's ALTER TABLE only adds, renames and drops columns and renames tables",
                    )),
                }
            }
        }
        _ => {}
    }
    found
}

fn sqlite_limit(table: &ObjectName, why: &str) -> Finding {
    finding(
        "sqlite-alter-limits",
        format!("fails: {why}"),
        format!(
            "rebuild the table: CREATE TABLE new_{table} (…) with the change; INSERT INTO \
             new_{table} SELECT … FROM {table}; DROP TABLE {table}; ALTER TABLE new_{table} \
             RENAME TO {table}; in one transaction"
        ),
    )
}

/// Why SQLite refuses to add `column`, if it does.
fn sqlite_add_column_limit(column: &ColumnDef) -> Option<&'static str> {
    column.options.iter().find_map(|o| match &o.option {
        ColumnOption::PrimaryKey(_) => Some("SQLite cannot add a PRIMARY KEY column"),
        ColumnOption::Unique(_) => Some("SQLite cannot add a UNIQUE column"),
        ColumnOption::Default(expr) if !constant(expr) => {
            Some("SQLite cannot add a column with a non-constant default")
        }
        _ => None,
    })
}

/// Whether `expr` is a literal (maybe signed or parenthesised).
fn constant(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) => true,
        Expr::Nested(inner) => constant(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Minus | UnaryOperator::Plus,
            expr,
        } => constant(expr),
        _ => false,
    }
}

#[cfg(test)]
#[path = "rules_tests.rs"]
mod tests;
