//! The level of a statement by its kind alone: what it contains (calls,
//! relations, nested statements) is judged by the walk ([`super::walk`]).
//!
//! Invariant: every `Statement` variant the classifier treats as anything but
//! destructive is named in [`statement_kind`]; the fallback arm is
//! destructive, so a statement kind added by a newer parser is never quietly
//! read-only.

use std::ops::ControlFlow;

use sqlparser::ast::{
    AlterColumnOperation, AlterTableOperation, BinaryOperator, CopyTarget, CreatePolicyType,
    DiscardObject, Expr, MergeAction, Statement, UnaryOperator, Value, Visit, Visitor,
};

use super::functions::{Judged, judge_pragma};
use super::{Level, last_part, settings};

fn judged(level: Level, reason: impl Into<String>) -> Judged {
    (level, Some(reason.into()))
}

/// The level of a statement by its kind alone; what it contains is judged by
/// the walk.
pub(super) fn statement_kind(stmt: &Statement) -> Judged {
    use Level::{Destructive, ReadOnly, Write};
    match stmt {
        Statement::Query(_) => (ReadOnly, None),
        s if reports(s) => (ReadOnly, None),
        Statement::Insert(_) => judged(Write, "INSERT adds rows"),
        Statement::Update(u) => update_kind(u.selection.as_ref()),
        Statement::Delete(d) => match d.selection {
            None => judged(Destructive, "DELETE without WHERE removes every row"),
            Some(_) => judged(Destructive, "DELETE removes rows"),
        },
        Statement::Merge(m) => {
            let deletes = m
                .clauses
                .iter()
                .any(|c| matches!(c.action, MergeAction::Delete { .. }));
            if deletes {
                judged(Destructive, "MERGE … DELETE removes rows")
            } else {
                judged(Write, "MERGE changes rows")
            }
        }
        Statement::Truncate(_) => judged(Destructive, "TRUNCATE removes every row"),
        Statement::Drop { object_type, .. } => {
            let what = object_type.to_string();
            judged(
                Destructive,
                format!("DROP {what} removes a {}", what.to_lowercase()),
            )
        }
        Statement::DropFunction(_) => judged(Destructive, "DROP FUNCTION removes a function"),
        Statement::DropProcedure { .. } => {
            judged(Destructive, "DROP PROCEDURE removes a procedure")
        }
        Statement::DropTrigger(_) => judged(Destructive, "DROP TRIGGER removes a trigger"),
        Statement::DropExtension(_) => judged(Destructive, "DROP EXTENSION removes an extension"),
        Statement::DropDomain(_)
        | Statement::DropSecret { .. }
        | Statement::DropPolicy(_)
        | Statement::DropConnector { .. }
        | Statement::DropOperator(_)
        | Statement::DropOperatorFamily(_)
        | Statement::DropOperatorClass(_) => judged(Destructive, "DROP removes an object"),
        Statement::AlterTable(a) => {
            if a.operations.iter().any(drops_something) {
                judged(Destructive, "ALTER TABLE … DROP removes part of a table")
            } else if a.operations.iter().any(weakens_protection) {
                judged(
                    Destructive,
                    "ALTER TABLE switches off row-level security, a NOT NULL, a trigger or a rule",
                )
            } else {
                judged(Write, "ALTER TABLE changes a table")
            }
        }
        Statement::AlterIndex { .. }
        | Statement::AlterView { .. }
        | Statement::AlterSchema(_)
        | Statement::AlterFunction(_)
        | Statement::AlterType(_)
        | Statement::AlterCollation(_)
        | Statement::AlterOperator(_)
        | Statement::AlterOperatorFamily(_)
        | Statement::AlterOperatorClass(_)
        | Statement::AlterTextSearch(_)
        | Statement::AlterConnector { .. }
        | Statement::AlterSession { .. } => judged(Write, "ALTER changes the schema"),
        Statement::AlterPolicy(_) => judged(
            Destructive,
            "ALTER POLICY can widen which rows a role may see or change",
        ),
        Statement::CreatePolicy(p) if p.policy_type != Some(CreatePolicyType::Restrictive) => {
            judged(
                Destructive,
                "CREATE POLICY (permissive) widens which rows a role may see or change",
            )
        }
        Statement::AlterRole { operation, .. } => match settings::alter_role_reason(operation) {
            Some(reason) => judged(Destructive, reason),
            None => judged(Destructive, "roles and their privileges change"),
        },
        Statement::CreateRole(_) | Statement::CreateUser(_) | Statement::AlterUser(_) => {
            judged(Destructive, "roles and their privileges change")
        }
        Statement::Grant(_) | Statement::Deny(_) | Statement::Revoke(_) => {
            judged(Destructive, "GRANT/REVOKE changes privileges")
        }
        Statement::CreateExtension(_) => judged(
            Destructive,
            "CREATE EXTENSION installs code into the server",
        ),
        Statement::CreateTable(t) if t.temporary => {
            judged(Write, "CREATE TEMP TABLE creates a table")
        }
        Statement::CreateTable(_)
        | Statement::CreateView(_)
        | Statement::CreateVirtualTable { .. }
        | Statement::CreateIndex(_)
        | Statement::CreateSecret { .. }
        | Statement::CreateServer(_)
        | Statement::CreatePolicy(_)
        | Statement::CreateConnector(_)
        | Statement::CreateOperator(_)
        | Statement::CreateOperatorFamily(_)
        | Statement::CreateOperatorClass(_)
        | Statement::CreateTextSearch(_)
        | Statement::CreateCollation(_)
        | Statement::CreateSchema { .. }
        | Statement::CreateDatabase { .. }
        | Statement::CreateFunction(_)
        | Statement::CreateTrigger(_)
        | Statement::CreateProcedure { .. }
        | Statement::CreateMacro { .. }
        | Statement::CreateSequence { .. }
        | Statement::CreateDomain(_)
        | Statement::CreateType { .. } => judged(Write, "CREATE adds to the schema"),
        Statement::Comment { .. } => judged(Write, "COMMENT changes a description"),
        Statement::Set(set) => settings::judge_set(set),
        Statement::Reset(r) => settings::judge_reset(&r.reset),
        Statement::Discard {
            object_type: DiscardObject::ALL,
        } => judged(
            Destructive,
            "DISCARD ALL resets the session, its role and standard_conforming_strings included",
        ),
        Statement::Discard { .. } => judged(Write, "DISCARD resets session state"),
        Statement::Deallocate { .. } => judged(Write, "DEALLOCATE drops a prepared statement"),
        Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. }
        | Statement::Savepoint { .. }
        | Statement::ReleaseSavepoint { .. } => judged(Write, "transaction control"),
        Statement::LISTEN { .. } | Statement::UNLISTEN { .. } => {
            judged(Write, "LISTEN/UNLISTEN changes session state")
        }
        Statement::NOTIFY { .. } => judged(Write, "NOTIFY sends a notification"),
        Statement::Prepare { .. } => judged(Write, "PREPARE stores a statement"),
        Statement::Declare { .. } => judged(Write, "DECLARE opens a cursor"),
        Statement::Fetch { .. } | Statement::Close { .. } => {
            judged(Write, "cursor commands change session state")
        }
        Statement::Analyze(_) => judged(Write, "ANALYZE updates statistics"),
        Statement::Vacuum(_) => judged(Write, "VACUUM rewrites storage"),
        Statement::Lock(_) | Statement::LockTables { .. } | Statement::UnlockTables => {
            judged(Write, "LOCK takes table locks")
        }
        Statement::Use(_) => judged(Write, "USE changes the session's database"),
        Statement::Pragma { name, value, is_eq } => {
            let pragma = last_part(name).to_lowercase();
            judge_pragma(&pragma, value.is_some(), *is_eq)
        }
        Statement::Copy { to, target, .. } => copy_kind(*to, target),
        Statement::Execute { .. } => judged(
            Destructive,
            "EXECUTE runs a prepared statement not shown here",
        ),
        Statement::Call(_) => judged(Destructive, "CALL runs a procedure"),
        Statement::AttachDatabase { .. }
        | Statement::AttachDuckDBDatabase { .. }
        | Statement::DetachDuckDBDatabase { .. } => {
            judged(Destructive, "ATTACH/DETACH opens or closes a database file")
        }
        Statement::Kill { .. } => judged(Destructive, "KILL ends another session"),
        Statement::Install { .. } | Statement::Load { .. } => {
            judged(Destructive, "loading an extension runs native code")
        }
        _ => judged(Destructive, "a statement kind the classifier does not know"),
    }
}

/// Whether `stmt` only reports: EXPLAIN (whose statement the walk judges),
/// DESCRIBE and the SHOW family.
pub(super) fn reports(stmt: &Statement) -> bool {
    matches!(
        stmt,
        Statement::Explain { .. }
            | Statement::ExplainTable { .. }
            | Statement::ShowFunctions { .. }
            | Statement::ShowVariable { .. }
            | Statement::ShowStatus { .. }
            | Statement::ShowVariables { .. }
            | Statement::ShowCreate { .. }
            | Statement::ShowColumns { .. }
            | Statement::ShowCatalogs { .. }
            | Statement::ShowDatabases { .. }
            | Statement::ShowProcessList { .. }
            | Statement::ShowSchemas { .. }
            | Statement::ShowCharset(_)
            | Statement::ShowObjects(_)
            | Statement::ShowTables { .. }
            | Statement::ShowViews { .. }
            | Statement::ShowCollation { .. }
    )
}

/// Why a trial in a transaction glance rolls back may not run `stmt`, by
/// its kind alone (what it calls is judged by the walk); `None` when a
/// rollback undoes it. Deny by default: only the kinds named here are
/// tried, anything else is refused with its `tag`.
pub(super) fn trial_refusal(stmt: &Statement, tag: impl FnOnce() -> String) -> Option<String> {
    use sqlparser::ast::{ContextModifier, ObjectType, Set};
    let reason = match stmt {
        Statement::Query(_)
        | Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Merge(_)
        | Statement::Truncate(_)
        | Statement::CreateTable(_)
        | Statement::CreateView(_)
        | Statement::CreateSchema { .. }
        | Statement::CreateType { .. }
        | Statement::CreateDomain(_)
        | Statement::CreateSequence { .. }
        | Statement::CreateFunction(_)
        | Statement::CreateTrigger(_)
        | Statement::Comment { .. }
        | Statement::AlterTable(_)
        | Statement::AlterIndex { .. }
        | Statement::AlterView { .. }
        | Statement::AlterSchema(_)
        | Statement::AlterType(_)
        | Statement::DropFunction(_)
        | Statement::DropTrigger(_)
        | Statement::DropDomain(_) => return None,
        Statement::CreateIndex(index) if !index.concurrently => return None,
        Statement::CreateIndex(_) => "CREATE INDEX CONCURRENTLY cannot run inside a transaction",
        Statement::Drop { object_type, .. } => match object_type {
            ObjectType::Table
            | ObjectType::View
            | ObjectType::MaterializedView
            | ObjectType::Index
            | ObjectType::Schema
            | ObjectType::Sequence
            | ObjectType::Type => return None,
            ObjectType::Database => "DROP DATABASE cannot run inside a transaction",
            _ => "DROP of a role or another server-wide object is not tried",
        },
        Statement::Set(Set::SingleAssignment {
            scope: Some(ContextModifier::Local),
            ..
        }) => return None,
        Statement::Set(_) | Statement::Reset(_) => {
            "SET without LOCAL changes the session; only SET LOCAL is tried"
        }
        Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. }
        | Statement::Savepoint { .. }
        | Statement::ReleaseSavepoint { .. } => {
            "transaction control would end or split the transaction glance rolls back"
        }
        Statement::Copy { .. } => "COPY moves data in or out of the database",
        Statement::NOTIFY { .. } | Statement::LISTEN { .. } | Statement::UNLISTEN { .. } => {
            "LISTEN/NOTIFY reaches other sessions"
        }
        Statement::Vacuum(_) => "VACUUM cannot run inside a transaction",
        Statement::CreateDatabase { .. } => "CREATE DATABASE cannot run inside a transaction",
        _ => {
            return Some(format!(
                "{} is not a statement glance knows a rollback undoes",
                tag()
            ));
        }
    };
    Some(reason.to_string())
}

fn update_kind(selection: Option<&Expr>) -> Judged {
    match selection {
        None => judged(Level::Destructive, "UPDATE without WHERE changes every row"),
        Some(e) if always_true(e) => judged(
            Level::Destructive,
            "UPDATE with an always-true WHERE changes every row",
        ),
        Some(_) => judged(Level::Write, "UPDATE changes rows"),
    }
}

fn copy_kind(to: bool, target: &CopyTarget) -> Judged {
    match (to, target) {
        (true, CopyTarget::Stdout) => (Level::ReadOnly, None),
        (false, CopyTarget::Stdin) => judged(Level::Write, "COPY FROM STDIN adds rows"),
        (_, CopyTarget::Program { .. }) => {
            judged(Level::Destructive, "COPY … PROGRAM runs a shell command")
        }
        (true, CopyTarget::File { .. }) => {
            judged(Level::Destructive, "COPY … TO a file writes server files")
        }
        (false, CopyTarget::File { .. }) => {
            judged(Level::Destructive, "COPY … FROM a file reads server files")
        }
        (true, CopyTarget::Stdin) | (false, CopyTarget::Stdout) => {
            judged(Level::Destructive, "COPY in an unexpected direction")
        }
    }
}

/// ALTER TABLE operations that remove something.
fn drops_something(op: &AlterTableOperation) -> bool {
    matches!(
        op,
        AlterTableOperation::DropConstraint { .. }
            | AlterTableOperation::DropColumn { .. }
            | AlterTableOperation::DropPrimaryKey { .. }
            | AlterTableOperation::DropForeignKey { .. }
            | AlterTableOperation::DropIndex { .. }
            | AlterTableOperation::DropPartitions { .. }
            | AlterTableOperation::DropProjection { .. }
            | AlterTableOperation::DropClusteringKey
    )
}

/// ALTER TABLE operations that switch off a protection: row-level
/// security, a NOT NULL constraint, a trigger or a rewrite rule.
fn weakens_protection(op: &AlterTableOperation) -> bool {
    matches!(
        op,
        AlterTableOperation::DisableRowLevelSecurity
            | AlterTableOperation::NoForceRowLevelSecurity
            | AlterTableOperation::DisableTrigger { .. }
            | AlterTableOperation::DisableRule { .. }
            | AlterTableOperation::AlterColumn {
                op: AlterColumnOperation::DropNotNull,
                ..
            }
    )
}

/// Whether a WHERE condition holds for every row: a disjunct that does not
/// refer to the row at all and is not a literal false.
fn always_true(e: &Expr) -> bool {
    match e {
        Expr::Nested(inner) => always_true(inner),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Or,
            right,
        } => always_true(left) || always_true(right),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => always_true(left) && always_true(right),
        _ => !refers_to_row(e) && constant_truth(e) != Some(false),
    }
}

/// Whether an expression can depend on the row: a column or a subquery.
fn refers_to_row(e: &Expr) -> bool {
    struct Finder(bool);
    impl Visitor for Finder {
        type Break = ();
        fn pre_visit_expr(&mut self, e: &Expr) -> ControlFlow<()> {
            if matches!(
                e,
                Expr::Identifier(_)
                    | Expr::CompoundIdentifier(_)
                    | Expr::CompoundFieldAccess { .. }
                    | Expr::Subquery(_)
                    | Expr::Exists { .. }
                    | Expr::InSubquery { .. }
            ) {
                self.0 = true;
                return ControlFlow::Break(());
            }
            ControlFlow::Continue(())
        }
    }
    let mut finder = Finder(false);
    let _ = e.visit(&mut finder);
    finder.0
}

/// The truth of a constant condition, when it is plain to see.
fn constant_truth(e: &Expr) -> Option<bool> {
    match e {
        Expr::Nested(inner) => constant_truth(inner),
        Expr::UnaryOp {
            op: UnaryOperator::Not,
            expr,
        } => constant_truth(expr).map(|b| !b),
        Expr::Value(v) => match &v.value {
            Value::Boolean(b) => Some(*b),
            Value::Null => Some(false),
            Value::Number(n, _) => n.parse::<f64>().ok().map(|x| x != 0.0),
            _ => None,
        },
        Expr::BinaryOp { left, op, right } => compare_literals(left, op, right),
        _ => None,
    }
}

fn compare_literals(left: &Expr, op: &BinaryOperator, right: &Expr) -> Option<bool> {
    use std::cmp::Ordering;
    let (Expr::Value(l), Expr::Value(r)) = (left, right) else {
        return None;
    };
    let ordering = match (&l.value, &r.value) {
        (Value::Number(a, _), Value::Number(b, _)) => a
            .parse::<f64>()
            .ok()?
            .partial_cmp(&b.parse::<f64>().ok()?)?,
        (Value::SingleQuotedString(a), Value::SingleQuotedString(b)) => a.cmp(b),
        _ => return None,
    };
    Some(match op {
        BinaryOperator::Eq => ordering == Ordering::Equal,
        BinaryOperator::NotEq => ordering != Ordering::Equal,
        BinaryOperator::Lt => ordering == Ordering::Less,
        BinaryOperator::LtEq => ordering != Ordering::Greater,
        BinaryOperator::Gt => ordering == Ordering::Greater,
        BinaryOperator::GtEq => ordering != Ordering::Less,
        _ => return None,
    })
}
