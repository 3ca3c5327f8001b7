//! The deep walk over one parsed statement: the statement's own kind, every
//! statement nested inside it, every query, expression and table factor.
//!
//! EXPLAIN's statement is judged as if it ran: with ANALYZE it does run, and
//! without it the planner still evaluates calls (it folds immutable ones,
//! estimates with stable ones, and `EXPLAIN EXECUTE` evaluates the
//! parameters), and SQLite applies a PRAGMA while preparing it. Only the
//! kind of an ordinary query or DML statement, which planning does not
//! carry out, is left out of a plain EXPLAIN's judgement.
//!
//! Each statement's own kind is judged in [`super::statement_kind`] (whose
//! fallback is destructive). Invariant: only the kinds of ordinary INSERT,
//! UPDATE, DELETE and MERGE count as effects a rollback undoes (see
//! `Judgement`).

use std::collections::HashSet;
use std::ops::ControlFlow;

use sqlparser::ast::{
    AccessExpr, BinaryOperator, DataType, Expr, Function, FunctionArg, FunctionArgExpr,
    FunctionArguments, Ident, MergeAction, ObjectName, ObjectNamePart, Query, Select, SetExpr,
    Statement, TableFactor, TableObject, TypedString, UtilityOption, Visit, Visitor,
};
use sqlparser::parser::Parser;

use super::functions::{Judged, secret_relation};
use super::statement_kind::{statement_kind, trial_refusal};
use super::{Judgement, Level, last_part, settings, tag, verify};
use super::{mysql, mysql_functions};
use crate::catalog::{Catalog, IDENTITY_DEFAULTS, generated_expression};
use crate::db::Dialect;

/// The database a statement is judged for: its dialect, and its catalog
/// when known (to verify the functions, operators and types it names).
#[derive(Clone, Copy)]
pub(super) struct TargetDatabase<'a> {
    pub dialect: Dialect,
    pub catalog: Option<&'a Catalog>,
}

/// Judges one top-level statement into `out`.
pub(super) fn assess(stmt: &Statement, target: TargetDatabase<'_>, out: &mut Judgement) {
    if let Statement::Explain {
        analyze,
        options,
        statement,
        ..
    } = stmt
    {
        let executes = explain_executes(*analyze, options.as_deref());
        let mut inner = Judgement::new();
        walk(statement, target, !executes, &mut inner);
        if inner.level > Level::ReadOnly {
            let what = tag::statement_tag(statement, target.dialect);
            let reason = if executes {
                format!("EXPLAIN ANALYZE executes {what}")
            } else {
                format!(
                    "EXPLAIN without ANALYZE still evaluates parts of {what}: judged as if it ran"
                )
            };
            out.add(inner.level, reason);
        }
        let write = matches!(
            **statement,
            Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_)
        );
        if target.dialect == Dialect::Mysql && write && !executes {
            out.add(
                Level::Write,
                "the server refuses EXPLAIN of a write inside the read-only transaction glance \
                 reads in, so it runs as typed once confirmed (a plain EXPLAIN changes nothing)"
                    .to_string(),
            );
        }
        out.merge(inner);
        return;
    }
    walk(stmt, target, false, out);
}

/// Walks `stmt`; `planning` leaves out the kinds of queries and ordinary DML
/// (and the locks and tables they would take or create), which a plain
/// EXPLAIN does not carry out.
fn walk(stmt: &Statement, target: TargetDatabase<'_>, planning: bool, out: &mut Judgement) {
    let main_body = match stmt {
        Statement::Query(q) => dml_body(q),
        _ => None,
    };
    let mut walker = Walker {
        target,
        out,
        main_body,
        query_depth: 0,
        cte_queries: HashSet::new(),
        cte_stack: Vec::new(),
        in_dml: false,
        planning,
        stalls: 0,
        reads_rows: false,
    };
    // The walker never breaks; the result carries nothing.
    let _ = stmt.visit(&mut walker);
    if walker.stalls > 1 || (walker.stalls == 1 && walker.reads_rows) {
        walker.out.add(
            Level::Write,
            "SLEEP or BENCHMARK called more than once, or once for every row of a table, holds \
             the session longer than one call's bound"
                .to_string(),
        );
    }
}

/// The statement a query's body is, when the query is DML written with a
/// `WITH` prefix (`WITH … DELETE …`): that DML is the statement itself, not
/// something smuggled inside a query.
fn dml_body(q: &Query) -> Option<*const Statement> {
    match q.body.as_ref() {
        SetExpr::Insert(s) | SetExpr::Update(s) | SetExpr::Delete(s) | SetExpr::Merge(s) => {
            Some(s as *const Statement)
        }
        _ => None,
    }
}

/// Whether EXPLAIN runs the statement: the ANALYZE flag, an `ANALYZE` (or
/// `ANALYSE`) option that is not explicitly switched off, or any option this
/// classifier does not know (deny by default).
fn explain_executes(analyze: bool, options: Option<&[UtilityOption]>) -> bool {
    const PLANNING_ONLY: &[&str] = &[
        "verbose",
        "costs",
        "settings",
        "generic_plan",
        "buffers",
        "wal",
        "timing",
        "summary",
        "memory",
        "serialize",
        "format",
    ];
    analyze
        || options.unwrap_or_default().iter().any(|o| {
            let name = o.name.value.to_ascii_lowercase();
            match name.as_str() {
                "analyze" | "analyse" => option_enabled(o.arg.as_ref()),
                other => !PLANNING_ONLY.contains(&other),
            }
        })
}

fn option_enabled(arg: Option<&Expr>) -> bool {
    let Some(arg) = arg else { return true };
    let text = arg.to_string();
    let word = text.trim_matches('\'').to_ascii_lowercase();
    !matches!(word.as_str(), "false" | "off" | "0" | "no")
}

struct Walker<'a, 'c> {
    target: TargetDatabase<'c>,
    out: &'a mut Judgement,
    /// The DML statement that is the body of the top-level query, if any.
    main_body: Option<*const Statement>,
    query_depth: usize,
    /// Addresses of the queries that are CTE definitions seen so far.
    cte_queries: HashSet<*const Query>,
    /// For each open query: is it a CTE definition?
    cte_stack: Vec<bool>,
    /// Whether the statement is or holds INSERT, UPDATE, DELETE or MERGE.
    in_dml: bool,
    /// Judging what a plain EXPLAIN evaluates (see [`walk`]).
    planning: bool,
    /// MySQL's `SLEEP` and `BENCHMARK` calls written in the statement:
    /// each is bounded alone, not in sum.
    stalls: usize,
    /// Whether the statement reads a relation, so a call may run per row.
    reads_rows: bool,
}

impl Walker<'_, '_> {
    fn record(&mut self, (level, reason): Judged) {
        match reason {
            Some(reason) => self.out.add(level, reason),
            None => self.out.raise(level),
        }
    }

    /// Records what running code (a call, an operator, a cast, a view)
    /// does: anything glance cannot verify as read-only is also code a
    /// rollback may not undo (`dblink_exec`, a C function), so no trial.
    fn record_code(&mut self, judged: Judged, what: impl FnOnce() -> String) {
        if judged.0 > Level::ReadOnly {
            self.out.refuse_trial(format!(
                "{}: glance cannot verify that a rollback undoes what it does",
                what()
            ));
        }
        self.record(judged);
    }

    fn in_cte(&self) -> bool {
        self.cte_stack.iter().any(|&cte| cte)
    }

    fn function(&mut self, name: &ObjectName, args: Option<usize>) {
        let judged = judge_name(name, args, self.target);
        self.record_code(judged, || format!("it calls {}", last_part(name)));
        if last_part(name).eq_ignore_ascii_case("nextval") && !self.planning {
            self.out.advance_sequences();
        }
    }

    /// What an INSERT into `table` (naming `columns`, or every column when
    /// empty) does besides adding rows: column defaults that call `nextval`
    /// advance sequences, and in SQLite a column named like its table is an
    /// FTS command (`'delete-all'`, `'rebuild'`…), not a row.
    fn insert_into(&mut self, table: &ObjectName, columns: &[ObjectName]) {
        let named = |column: &str| {
            columns
                .iter()
                .any(|c| last_part(c).eq_ignore_ascii_case(column))
        };
        let table_name = last_part(table);
        if self.target.dialect == Dialect::Sqlite && named(&table_name) {
            self.out.add(
                Level::Destructive,
                format!(
                    "the column {table_name} names its table: an FTS command that can delete or \
                     rebuild the whole index"
                ),
            );
        }
        let path = table
            .0
            .iter()
            .filter_map(ObjectNamePart::as_ident)
            .map(|i| i.value.as_str())
            .collect::<Vec<_>>()
            .join(".");
        let Some(relation) = self.target.catalog.and_then(|c| c.find(&path)) else {
            return;
        };
        for column in &relation.columns {
            if let Some(default) = column.default.as_deref() {
                let used = columns.is_empty() || !named(&column.name);
                self.column_default(&column.name, default, used);
            }
        }
    }

    /// A column default an INSERT may evaluate, as the catalog records it:
    /// `nextval('seq'::regclass)` and an identity column advance a sequence
    /// (when `used`: the INSERT leaves the column out); a generated column's
    /// expression runs on every insert; any other default is walked like the
    /// statement's own expressions, so what it calls is judged too.
    fn column_default(&mut self, column: &str, default: &str, used: bool) {
        if IDENTITY_DEFAULTS.contains(&default) {
            if used && !self.planning {
                self.out.advance_sequences();
            }
            return;
        }
        let expression = generated_expression(default).unwrap_or(default);
        let d = self.target.dialect.parser();
        let parsed = Parser::new(d.as_ref())
            .try_with_sql(expression)
            .and_then(|mut p| p.parse_expr());
        match parsed {
            Ok(Expr::Function(f)) if is_plain_nextval(&f) => {
                if used && !self.planning {
                    self.out.advance_sequences();
                }
            }
            Ok(expr) => {
                let _ = expr.visit(&mut *self);
            }
            Err(_) => self.out.add(
                Level::Write,
                format!("the default of column {column} could not be read"),
            ),
        }
    }

    /// An operator, which may be a user's: its function must be verified.
    fn operator(&mut self, symbol: &str) {
        if self.target.dialect == Dialect::Postgres {
            let judged = verify::operator(symbol, self.target.catalog);
            self.record_code(judged, || format!("it uses the operator {symbol}"));
        }
    }

    /// A field name that may call a function in attribute notation.
    fn attribute(&mut self, part: &Ident) {
        if self.target.dialect != Dialect::Postgres {
            return;
        }
        if let Some(judged) = verify::attribute(&ident_key(part), self.target.catalog) {
            self.record_code(judged, || format!("it reads {}", part.value));
        }
    }

    /// A cast or typed literal: a domain's CHECKs and user casts run.
    fn cast(&mut self, data_type: &DataType) {
        let DataType::Custom(name, _) = data_type else {
            return;
        };
        if self.target.dialect != Dialect::Postgres {
            return;
        }
        if let Some((schema, key)) = split_name(name) {
            let judged = verify::cast(schema.as_deref(), &key, self.target.catalog);
            self.record_code(judged, || format!("it casts to {key}"));
        }
    }
}

impl Visitor for Walker<'_, '_> {
    type Break = ();

    fn pre_visit_statement(&mut self, stmt: &Statement) -> ControlFlow<()> {
        let dialect = self.target.dialect;
        let kind = match dialect {
            Dialect::Mysql => mysql::statement_kind(stmt, || tag::statement_tag(stmt, dialect)),
            Dialect::Postgres | Dialect::Sqlite => statement_kind(stmt),
        };
        let is_main = self.main_body == Some(stmt as *const Statement);
        let dml = matches!(
            stmt,
            Statement::Insert(_)
                | Statement::Update(_)
                | Statement::Delete(_)
                | Statement::Merge(_)
        );
        self.in_dml |= dml;
        // On MySQL a table of a non-transactional engine keeps what DML did
        // after a rollback, and glance cannot tell the engines apart.
        let undoable = dml && dialect != Dialect::Mysql;
        // Column defaults are expressions: the planner folds them too.
        match stmt {
            Statement::Insert(insert) => {
                if let TableObject::TableName(table) = &insert.table {
                    self.insert_into(table, &insert.columns);
                }
            }
            Statement::Merge(merge) => {
                if let TableFactor::Table { name, .. } = &merge.table {
                    for clause in &merge.clauses {
                        if let MergeAction::Insert(insert) = &clause.action {
                            self.insert_into(name, &insert.columns);
                        }
                    }
                }
            }
            _ => {}
        }
        if self.planning && (dml || matches!(stmt, Statement::Query(_))) {
            return ControlFlow::Continue(());
        }
        if self.query_depth > 0 && !is_main {
            let what = tag::statement_tag(stmt, self.target.dialect);
            let place = if self.in_cte() {
                "data-modifying CTE"
            } else {
                "data-modifying statement inside a query"
            };
            let reason = format!("{place} ({what})");
            let level = kind.0.max(Level::Write);
            if undoable {
                self.out.add_undoable(level, reason);
            } else {
                self.out.add(level, reason);
            }
        }
        let tag = || tag::statement_tag(stmt, dialect);
        let refusal = match dialect {
            Dialect::Mysql => mysql::trial_refusal(stmt, tag),
            Dialect::Postgres | Dialect::Sqlite => trial_refusal(stmt, tag),
        };
        if let Some(reason) = refusal {
            self.out.refuse_trial(reason);
        }
        match (undoable, kind) {
            (true, (level, Some(reason))) => self.out.add_undoable(level, reason),
            (_, kind) => self.record(kind),
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_relation(&mut self, relation: &ObjectName) -> ControlFlow<()> {
        self.reads_rows = true;
        let lower = last_part(relation).to_lowercase();
        // SQLite reads `FROM pragma_x` as the table-valued pragma `pragma_x()`.
        if self.target.dialect == Dialect::Sqlite && lower.starts_with("pragma_") {
            self.function(relation, None);
        }
        if let Some((schema, key)) = split_name(relation) {
            let system = schema
                .as_deref()
                .is_none_or(|s| s == "pg_catalog" || s == "information_schema");
            let secret = match self.target.dialect {
                Dialect::Postgres => secret_relation(&key).filter(|_| system),
                Dialect::Mysql => mysql_functions::secret_relation(schema.as_deref(), &key),
                Dialect::Sqlite => None,
            };
            match secret {
                Some(what) => self.out.add(Level::Write, format!("reading {key} {what}")),
                _ => {
                    let judged = verify::relation(
                        schema.as_deref(),
                        &key,
                        self.target.dialect,
                        self.target.catalog,
                    );
                    self.record_code(judged, || format!("it reads {key}"));
                }
            }
        }
        let schema_table = lower.starts_with("sqlite_");
        if self.in_dml && self.target.dialect == Dialect::Sqlite && schema_table {
            self.out.add(
                Level::Destructive,
                format!("changing {relation} can corrupt the database file"),
            );
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        self.query_depth += 1;
        let is_cte = self.cte_queries.contains(&(query as *const Query));
        self.cte_stack.push(is_cte);
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.cte_queries.insert(&*cte.query as *const Query);
            }
        }
        for lock in query.locks.iter().filter(|_| !self.planning) {
            self.out.add(
                Level::Write,
                format!("FOR {} locks the rows it reads", lock.lock_type),
            );
        }
        ControlFlow::Continue(())
    }

    fn post_visit_query(&mut self, _query: &Query) -> ControlFlow<()> {
        self.query_depth = self.query_depth.saturating_sub(1);
        self.cte_stack.pop();
        ControlFlow::Continue(())
    }

    /// Any name may be a type outside a cast (column types of a function's
    /// alias list, `XMLTABLE` columns): a domain or cast target it names
    /// must be verified.
    fn pre_visit_ident(&mut self, ident: &Ident) -> ControlFlow<()> {
        if self.target.dialect == Dialect::Postgres
            && let Some(judged) = verify::type_mention(&ident_key(ident), self.target.catalog)
        {
            self.record(judged);
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_select(&mut self, select: &Select) -> ControlFlow<()> {
        if select.into.is_some() && !self.planning {
            let reason = match self.target.dialect {
                Dialect::Mysql => "INTO @variable writes user variables",
                Dialect::Postgres | Dialect::Sqlite => "SELECT … INTO creates a table",
            };
            self.out.add(Level::Write, reason.to_string());
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        match expr {
            Expr::Function(f) if self.target.dialect == Dialect::Mysql => {
                let name = last_part(&f.name);
                if name.eq_ignore_ascii_case("sleep") || name.eq_ignore_ascii_case("benchmark") {
                    self.stalls += 1;
                }
                let judged = mysql_functions::expression_call(
                    f,
                    argument_count(&f.args),
                    self.target.catalog,
                );
                self.record_code(judged, || format!("it calls {}", last_part(&f.name)));
                if last_part(&f.name).eq_ignore_ascii_case("nextval") && !self.planning {
                    self.out.advance_sequences();
                }
            }
            Expr::Function(f) => {
                self.function(&f.name, Some(argument_count(&f.args)));
                if let Some(judged) =
                    settings::judge_set_config(&f.name, settings::call_arguments(f))
                {
                    self.record(judged);
                }
            }
            // PostgreSQL reads `row.f` as `f(row)`: a field name may be a call.
            Expr::CompoundIdentifier(parts) if self.target.dialect == Dialect::Mysql => {
                let last = parts.last().filter(|p| p.quote_style.is_none());
                if let Some(judged) =
                    last.and_then(|p| mysql_functions::sequence_attribute(&p.value))
                {
                    self.record_code(judged, || format!("it reads {expr}"));
                }
            }
            Expr::CompoundIdentifier(parts) => {
                for part in &parts[1..] {
                    self.attribute(part);
                }
            }
            Expr::BinaryOp { op, .. }
            | Expr::AnyOp { compare_op: op, .. }
            | Expr::AllOp { compare_op: op, .. } => self.operator(&binary_symbol(op)),
            Expr::UnaryOp { op, .. } => self.operator(&op.to_string()),
            // Constructs that compare through operators without naming them.
            Expr::InList { .. }
            | Expr::InSubquery { .. }
            | Expr::InUnnest { .. }
            | Expr::IsDistinctFrom(..)
            | Expr::IsNotDistinctFrom(..)
            | Expr::Case {
                operand: Some(_), ..
            } => self.operator("="),
            Expr::Between { .. } => {
                self.operator(">=");
                self.operator("<=");
            }
            Expr::Like { .. } => self.operator("~~"),
            Expr::ILike { .. } => self.operator("~~*"),
            Expr::Cast { data_type, .. } | Expr::TypedString(TypedString { data_type, .. }) => {
                self.cast(data_type)
            }
            Expr::CompoundFieldAccess { access_chain, .. } => {
                for access in access_chain {
                    if let AccessExpr::Dot(Expr::Identifier(part)) = access {
                        self.attribute(part);
                    }
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        let call = match factor {
            TableFactor::Table {
                name,
                args: Some(args),
                ..
            } => Some((name, args.args.as_slice())),
            TableFactor::Function { name, args, .. } => Some((name, args.as_slice())),
            _ => None,
        };
        if let Some(judged) = call.and_then(|(name, args)| settings::judge_set_config(name, args)) {
            self.record(judged);
        }
        match factor {
            TableFactor::Table {
                name,
                args: Some(args),
                ..
            } => self.function(name, Some(args.args.len())),
            TableFactor::Function { name, args, .. } => self.function(name, Some(args.len())),
            // Plain tables read; the rest carry expressions and queries the
            // walk visits on its own.
            TableFactor::Table { args: None, .. }
            | TableFactor::Derived { .. }
            | TableFactor::TableFunction { .. }
            | TableFactor::UNNEST { .. }
            | TableFactor::JsonTable { .. }
            | TableFactor::OpenJsonTable { .. }
            | TableFactor::NestedJoin { .. }
            | TableFactor::Pivot { .. }
            | TableFactor::Unpivot { .. }
            | TableFactor::UnpivotExpr { .. }
            | TableFactor::MatchRecognize { .. }
            | TableFactor::XmlTable { .. } => {}
            TableFactor::SemanticView { .. } => self.out.add(
                Level::Write,
                "semantic views are not understood here".to_string(),
            ),
        }
        ControlFlow::Continue(())
    }
}

/// `nextval('name')` with a literal argument (cast or not): a sequence
/// advance and nothing else.
fn is_plain_nextval(call: &Function) -> bool {
    let literal = |e: &Expr| match e {
        Expr::Cast { expr, .. } => matches!(**expr, Expr::Value(_)),
        other => matches!(other, Expr::Value(_)),
    };
    last_part(&call.name).eq_ignore_ascii_case("nextval")
        && matches!(settings::call_arguments(call),
            [FunctionArg::Unnamed(FunctionArgExpr::Expr(arg))] if literal(arg))
}

/// Judges a call by name: the last part, lower-cased unless quoted, in the
/// schema it is qualified with.
fn judge_name(name: &ObjectName, args: Option<usize>, target: TargetDatabase<'_>) -> Judged {
    let Some(last) = name.0.last() else {
        return (
            Level::Destructive,
            Some("a function call without a name".to_string()),
        );
    };
    let ObjectNamePart::Identifier(ident) = last else {
        return (Level::Write, Some(format!("{name} has a computed name")));
    };
    if ident.value.is_empty() {
        return (
            Level::Destructive,
            Some("a function call with an empty name".to_string()),
        );
    }
    match split_name(name) {
        Some((schema, key)) => verify::call(
            schema.as_deref(),
            &key,
            args,
            target.dialect,
            target.catalog,
        ),
        None => (Level::Write, Some(format!("{name} has a computed name"))),
    }
}

/// How many arguments a call passes.
fn argument_count(args: &FunctionArguments) -> usize {
    match args {
        FunctionArguments::None => 0,
        FunctionArguments::Subquery(_) => 1,
        FunctionArguments::List(list) => list.args.len(),
    }
}

/// An object name as PostgreSQL looks it up: its schema (the part before
/// the last, `None` when unqualified) and its name, each lower-cased unless
/// quoted. `None` when a part is computed.
fn split_name(name: &ObjectName) -> Option<(Option<String>, String)> {
    let mut parts = name.0.iter().rev();
    let key = ident_key(parts.next()?.as_ident()?);
    let schema = match parts.next() {
        Some(part) => Some(ident_key(part.as_ident()?)),
        None => None,
    };
    Some((schema, key))
}

/// An operator's symbol: `OPERATOR(schema.+++)` is `+++`.
fn binary_symbol(op: &BinaryOperator) -> String {
    match op {
        BinaryOperator::PGCustomBinaryOperator(parts) => parts.last().cloned().unwrap_or_default(),
        _ => op.to_string(),
    }
}

/// A name as PostgreSQL looks it up: lower-cased unless quoted.
fn ident_key(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}
