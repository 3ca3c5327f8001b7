//! What one statement does to the tables it touches on PostgreSQL 15: the
//! lock it takes on each, whether it rewrites a table or reads all of it to
//! check something, and whether it may run inside a transaction block.
//!
//! Every row was measured on a PostgreSQL 15 server (`pg_locks` of the
//! backend that ran the statement inside `BEGIN … ROLLBACK`), and
//! `tests/e2e/lint.rs` measures each again. Statements the table does not
//! know take no lock on a table as far as it says; an `ALTER TABLE` action
//! it does not know counts as the strongest lock, `ACCESS EXCLUSIVE`.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, ColumnDef, ColumnOption, DataType, Expr,
    LockTableMode, ObjectName, ObjectType, Statement, TableConstraint, visit_expressions,
};

use super::recognise::{Action, Form, IndexAction, ReindexOf};
use super::{Parsed, table_name};

/// A table lock mode, weakest first (PostgreSQL's order of strength).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mode {
    AccessShare,
    RowShare,
    RowExclusive,
    ShareUpdateExclusive,
    Share,
    ShareRowExclusive,
    Exclusive,
    AccessExclusive,
}

impl Mode {
    /// The name `pg_locks.mode` shows: `AccessExclusiveLock`, …
    pub fn name(self) -> &'static str {
        match self {
            Mode::AccessShare => "AccessShareLock",
            Mode::RowShare => "RowShareLock",
            Mode::RowExclusive => "RowExclusiveLock",
            Mode::ShareUpdateExclusive => "ShareUpdateExclusiveLock",
            Mode::Share => "ShareLock",
            Mode::ShareRowExclusive => "ShareRowExclusiveLock",
            Mode::Exclusive => "ExclusiveLock",
            Mode::AccessExclusive => "AccessExclusiveLock",
        }
    }

    /// Whether other sessions' plain SELECTs wait for it.
    pub fn blocks_reads(self) -> bool {
        self == Mode::AccessExclusive
    }

    /// Whether other sessions' INSERT, UPDATE and DELETE wait for it.
    pub fn blocks_writes(self) -> bool {
        self >= Mode::Share
    }
}

/// A lock on one relation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lock {
    /// The relation as the statement names it (for DROP INDEX, the index:
    /// its table is locked in the same mode).
    pub relation: String,
    pub mode: Mode,
}

/// What a statement does besides its result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effect {
    /// Table locks, strongest per relation, in the order the statement names them.
    pub locks: Vec<Lock>,
    /// Whether it writes the whole table anew (time grows with its size,
    /// under the lock).
    pub rewrites: bool,
    /// Whether it reads the whole table (or builds an index from it) under the lock.
    pub scans: bool,
    /// Whether it may run inside a transaction block.
    pub transactional: bool,
}

impl Effect {
    fn new() -> Self {
        Effect {
            locks: Vec::new(),
            rewrites: false,
            scans: false,
            transactional: true,
        }
    }

    /// The strongest lock it takes, if any.
    pub fn strongest(&self) -> Option<Mode> {
        self.locks.iter().map(|lock| lock.mode).max()
    }

    fn lock(&mut self, name: &ObjectName, mode: Mode) {
        self.lock_relation(table_name(name), mode);
    }

    fn lock_relation(&mut self, relation: String, mode: Mode) {
        match self.locks.iter_mut().find(|l| l.relation == relation) {
            Some(lock) => lock.mode = lock.mode.max(mode),
            None => self.locks.push(Lock { relation, mode }),
        }
    }
}

/// Functions a column default may call without PostgreSQL writing the
/// value into every row: it evaluates a non-volatile default once and
/// stores it in the catalog.
const NOT_VOLATILE: &[&str] = &[
    "now",
    "current_timestamp",
    "current_date",
    "current_time",
    "localtimestamp",
    "localtime",
    "statement_timestamp",
    "transaction_timestamp",
    "current_user",
    "session_user",
    "current_setting",
    "lower",
    "upper",
    "coalesce",
    "make_date",
    "make_timestamp",
    "make_timestamptz",
    "to_timestamp",
    "to_date",
    "jsonb_build_object",
    "json_build_object",
    "jsonb_build_array",
    "json_build_array",
];

/// Types whose column gets a sequence's `nextval` as its default.
const SERIAL_TYPES: &[&str] = &[
    "serial",
    "serial2",
    "serial4",
    "serial8",
    "smallserial",
    "bigserial",
];

/// The PostgreSQL 15 effect of `parsed`.
pub fn postgres(parsed: &Parsed) -> Effect {
    let mut effect = Effect::new();
    match &parsed.statement {
        Statement::AlterTable(alter) => {
            for operation in &alter.operations {
                alter_table(&alter.name, operation, &mut effect);
            }
        }
        Statement::CreateIndex(index) => {
            effect.scans = true;
            if index.concurrently {
                effect.transactional = false;
                effect.lock(&index.table_name, Mode::ShareUpdateExclusive);
            } else {
                effect.lock(&index.table_name, Mode::Share);
            }
        }
        Statement::CreateTable(create) => {
            for column in &create.columns {
                for target in column_references(column) {
                    effect.lock(target, Mode::ShareRowExclusive);
                }
            }
            for constraint in &create.constraints {
                if let TableConstraint::ForeignKey(fk) = constraint {
                    effect.lock(&fk.foreign_table, Mode::ShareRowExclusive);
                }
            }
        }
        Statement::Drop {
            object_type, names, ..
        } => {
            let mode = match object_type {
                ObjectType::Index if parsed.concurrently => {
                    effect.transactional = false;
                    Some(Mode::ShareUpdateExclusive)
                }
                ObjectType::Table
                | ObjectType::View
                | ObjectType::MaterializedView
                | ObjectType::Index
                | ObjectType::Sequence => Some(Mode::AccessExclusive),
                ObjectType::Database => {
                    effect.transactional = false;
                    None
                }
                _ => None,
            };
            for name in names.iter().filter(|_| mode.is_some()) {
                effect.lock(name, mode.unwrap_or(Mode::AccessExclusive));
            }
        }
        Statement::Truncate(truncate) => {
            for target in &truncate.table_names {
                effect.lock(&target.name, Mode::AccessExclusive);
            }
        }
        Statement::Insert(insert) => {
            if let sqlparser::ast::TableObject::TableName(name) = &insert.table {
                effect.lock(name, Mode::RowExclusive);
            }
        }
        Statement::Update(update) => {
            if let sqlparser::ast::TableFactor::Table { name, .. } = &update.table.relation {
                effect.lock(name, Mode::RowExclusive);
            }
        }
        Statement::Delete(delete) => {
            let tables = match &delete.from {
                sqlparser::ast::FromTable::WithFromKeyword(t)
                | sqlparser::ast::FromTable::WithoutKeyword(t) => t,
            };
            for table in tables {
                if let sqlparser::ast::TableFactor::Table { name, .. } = &table.relation {
                    effect.lock(name, Mode::RowExclusive);
                }
            }
        }
        Statement::CreateTrigger(trigger) => {
            effect.lock(&trigger.table_name, Mode::ShareRowExclusive);
        }
        Statement::DropTrigger(trigger) => {
            if let Some(table) = &trigger.table_name {
                effect.lock(table, Mode::AccessExclusive);
            }
        }
        Statement::CreateView(view) if view.or_replace && !view.materialized => {
            effect.lock(&view.name, Mode::AccessExclusive);
        }
        Statement::CreatePolicy(policy) => effect.lock(&policy.table_name, Mode::AccessExclusive),
        Statement::DropPolicy(policy) => effect.lock(&policy.table_name, Mode::AccessExclusive),
        Statement::AlterPolicy(policy) => effect.lock(&policy.table_name, Mode::AccessExclusive),
        Statement::Comment {
            object_type: sqlparser::ast::CommentObject::Table,
            object_name,
            ..
        } => effect.lock(object_name, Mode::ShareUpdateExclusive),
        Statement::Lock(lock) => {
            let mode = lock
                .lock_mode
                .as_ref()
                .map_or(Mode::AccessExclusive, lock_mode);
            for target in &lock.tables {
                effect.lock(&target.name, mode);
            }
        }
        Statement::Vacuum(vacuum) => {
            effect.transactional = false;
            if let Some(name) = &vacuum.table_name {
                let mode = if vacuum.full {
                    Mode::AccessExclusive
                } else {
                    Mode::ShareUpdateExclusive
                };
                effect.lock(name, mode);
                effect.rewrites = vacuum.full;
            }
        }
        Statement::AlterIndex { name, .. } => effect.lock(name, Mode::ShareUpdateExclusive),
        Statement::CreateDatabase { .. } => effect.transactional = false,
        _ => {}
    }
    effect
}

/// The PostgreSQL 15 effect of a statement the recogniser read. REINDEX
/// TABLE also takes ACCESS EXCLUSIVE on each index of the table (named
/// `indexes of TABLE`): the planner opens every index of a table, so
/// queries on it wait too.
pub fn recognised(form: &Form) -> Effect {
    let mut effect = Effect::new();
    match form {
        Form::Reindex {
            of,
            name,
            concurrently,
        } => {
            effect.scans = of.one_relation();
            effect.transactional = !concurrently && of.one_relation();
            if let Some(name) = name.as_ref().filter(|_| of.one_relation()) {
                let relation = name.folded.clone();
                if *concurrently {
                    effect.lock_relation(relation, Mode::ShareUpdateExclusive);
                } else if *of == ReindexOf::Table {
                    let indexes = format!("indexes of {relation}");
                    effect.lock_relation(relation, Mode::Share);
                    effect.lock_relation(indexes, Mode::AccessExclusive);
                } else {
                    effect.lock_relation(relation, Mode::AccessExclusive);
                }
            }
        }
        Form::Cluster { table, index } => {
            effect.transactional = table.is_some();
            effect.rewrites = table.is_some();
            for name in table.iter().chain(index) {
                effect.lock_relation(name.folded.clone(), Mode::AccessExclusive);
            }
        }
        Form::Refresh {
            view,
            concurrently,
            no_data,
        } => {
            let mode = if *concurrently {
                Mode::Exclusive
            } else {
                Mode::AccessExclusive
            };
            effect.lock_relation(view.folded.clone(), mode);
            effect.rewrites = !concurrently;
            effect.scans = *concurrently && !no_data;
        }
        Form::CreateStatistics { table } => {
            effect.lock_relation(table.folded.clone(), Mode::ShareUpdateExclusive);
        }
        Form::AlterTable { table, actions } => {
            effect.lock_relation(table.folded.clone(), Mode::AccessShare);
            for action in actions {
                recognised_action(&table.folded, action, &mut effect);
            }
        }
        Form::AlterSequence { sequence, catalog } => {
            let mode = if *catalog {
                Mode::AccessExclusive
            } else {
                Mode::ShareRowExclusive
            };
            effect.lock_relation(sequence.folded.clone(), mode);
        }
        Form::Rule { table } => {
            effect.lock_relation(table.folded.clone(), Mode::AccessExclusive);
        }
        // What the block runs is not read: see `unchecked-do-block`.
        Form::Do => {}
        Form::AlterIndex { index, action } => {
            let mode = match action {
                IndexAction::SetTablespace => Mode::AccessExclusive,
                IndexAction::Settings => Mode::ShareUpdateExclusive,
            };
            effect.lock_relation(index.folded.clone(), mode);
        }
    }
    effect
}

fn recognised_action(table: &str, action: &Action, effect: &mut Effect) {
    let mode = match action {
        Action::AttachPartition(partition) => {
            effect.scans = true;
            effect.lock_relation(partition.folded.clone(), Mode::AccessExclusive);
            Mode::ShareUpdateExclusive
        }
        Action::DetachPartition {
            partition,
            concurrently,
        } => {
            effect.transactional &= !concurrently;
            effect.lock_relation(partition.folded.clone(), Mode::AccessExclusive);
            if *concurrently {
                Mode::ShareUpdateExclusive
            } else {
                Mode::AccessExclusive
            }
        }
        Action::Settings => Mode::ShareUpdateExclusive,
        Action::Catalog => Mode::AccessExclusive,
        Action::SetTablespace => {
            effect.rewrites = true;
            Mode::AccessExclusive
        }
        Action::Inherit(parent) => {
            effect.lock_relation(parent.folded.clone(), Mode::ShareUpdateExclusive);
            Mode::AccessExclusive
        }
        Action::NoInherit(_) => Mode::AccessExclusive,
    };
    effect.lock_relation(table.to_string(), mode);
}

/// The SQLite effect of `parsed`: no table locks (a write locks the whole
/// database), but `DROP COLUMN` rewrites the table and `VACUUM` cannot run
/// in a transaction.
pub fn sqlite(parsed: &Parsed) -> Effect {
    let mut effect = Effect::new();
    match &parsed.statement {
        Statement::AlterTable(alter) => {
            effect.rewrites = alter
                .operations
                .iter()
                .any(|op| matches!(op, AlterTableOperation::DropColumn { .. }));
        }
        Statement::CreateIndex(_) => effect.scans = true,
        Statement::Vacuum(_) => {
            effect.transactional = false;
            effect.rewrites = true;
        }
        _ => {}
    }
    effect
}

fn lock_mode(mode: &LockTableMode) -> Mode {
    match mode {
        LockTableMode::AccessShare => Mode::AccessShare,
        LockTableMode::RowShare => Mode::RowShare,
        LockTableMode::RowExclusive => Mode::RowExclusive,
        LockTableMode::ShareUpdateExclusive => Mode::ShareUpdateExclusive,
        LockTableMode::Share => Mode::Share,
        LockTableMode::ShareRowExclusive => Mode::ShareRowExclusive,
        LockTableMode::Exclusive => Mode::Exclusive,
        LockTableMode::AccessExclusive => Mode::AccessExclusive,
    }
}

fn alter_table(table: &ObjectName, operation: &AlterTableOperation, effect: &mut Effect) {
    use AlterTableOperation as Op;
    // The altered table first, so that it leads the list; upgraded below.
    effect.lock(table, Mode::AccessShare);
    let mode = match operation {
        Op::AddColumn { column_def, .. } => {
            effect.rewrites |= column_rewrites(column_def);
            for target in column_references(column_def) {
                effect.lock(target, Mode::ShareRowExclusive);
            }
            effect.scans |= column_def.options.iter().any(|o| {
                matches!(
                    o.option,
                    ColumnOption::Check(_) | ColumnOption::Unique(_) | ColumnOption::PrimaryKey(_)
                )
            });
            Mode::AccessExclusive
        }
        Op::AddConstraint {
            constraint,
            not_valid,
        } => match constraint {
            TableConstraint::ForeignKey(fk) => {
                effect.scans |= !not_valid;
                effect.lock(&fk.foreign_table, Mode::ShareRowExclusive);
                Mode::ShareRowExclusive
            }
            TableConstraint::Check(_) => {
                effect.scans |= !not_valid;
                Mode::AccessExclusive
            }
            TableConstraint::Unique(_) | TableConstraint::PrimaryKey(_) => {
                effect.scans = true;
                Mode::AccessExclusive
            }
            _ => Mode::AccessExclusive,
        },
        Op::AlterColumn { op, .. } => match op {
            AlterColumnOperation::SetNotNull => {
                effect.scans = true;
                Mode::AccessExclusive
            }
            AlterColumnOperation::SetDataType {
                data_type, using, ..
            } => {
                effect.rewrites |= using.is_some() || !keeps_bytes(data_type);
                Mode::AccessExclusive
            }
            _ => Mode::AccessExclusive,
        },
        Op::ValidateConstraint { .. } => {
            effect.scans = true;
            Mode::ShareUpdateExclusive
        }
        Op::SetOptionsParens { .. } => Mode::ShareUpdateExclusive,
        Op::EnableTrigger { .. } | Op::DisableTrigger { .. } => Mode::ShareRowExclusive,
        Op::SetLogged | Op::SetUnlogged => {
            effect.rewrites = true;
            Mode::AccessExclusive
        }
        _ => Mode::AccessExclusive,
    };
    effect.lock(table, mode);
}

/// The tables a column definition's `REFERENCES` clauses name.
fn column_references(column: &ColumnDef) -> impl Iterator<Item = &ObjectName> {
    column.options.iter().filter_map(|o| match &o.option {
        ColumnOption::ForeignKey(fk) => Some(&fk.foreign_table),
        _ => None,
    })
}

/// Whether adding `column` writes a value into every row: a default that
/// may be volatile, a serial type, an identity or a stored generated column.
pub fn column_rewrites(column: &ColumnDef) -> bool {
    let serial = matches!(&column.data_type, DataType::Custom(name, _)
        if SERIAL_TYPES.contains(&table_name(name).as_str()));
    serial
        || column.options.iter().any(|o| match &o.option {
            ColumnOption::Default(expr) => volatile_call(expr).is_some(),
            ColumnOption::Identity(_) | ColumnOption::Generated { .. } => true,
            _ => false,
        })
}

/// The first function `expr` calls that is not known to be non-volatile.
pub fn volatile_call(expr: &Expr) -> Option<String> {
    let mut found = None;
    let _ = visit_expressions(expr, |e| {
        if let Expr::Function(function) = e {
            let name = table_name(&function.name);
            if !NOT_VOLATILE.contains(&name.as_str()) {
                found = Some(name);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    found
}

/// Whether changing a column to `target` can keep its stored bytes, as a
/// varchar or text column widened to `text`, `varchar` or a longer
/// `varchar(n)`, or a numeric to an unconstrained `numeric`, does. From
/// another type, or to a shorter `varchar(n)`, the server rewrites.
fn keeps_bytes(target: &DataType) -> bool {
    matches!(
        target,
        DataType::Text
            | DataType::Varchar(_)
            | DataType::CharacterVarying(_)
            | DataType::Numeric(sqlparser::ast::ExactNumberInfo::None)
            | DataType::Decimal(sqlparser::ast::ExactNumberInfo::None)
    )
}

#[cfg(test)]
#[path = "locks_tests.rs"]
mod tests;
