//! The indexes worth trying for one statement, read from its syntax tree:
//! columns compared with a value in WHERE, joined in JOIN … ON, sorted by
//! ORDER BY or grouped by GROUP BY, each resolved to its table through the
//! FROM list (aliases, schema-qualified names) and the catalog. Single
//! columns come first, then pairs led by an equality column; a candidate an
//! existing btree index (or key) already starts with is left out. Pure.

use sqlparser::ast::{
    BinaryOperator, Expr, FromTable, GroupByExpr, JoinConstraint, JoinOperator, ObjectName,
    ObjectNamePart, OrderByKind, Query, SetExpr, Statement, TableFactor, TableWithJoins,
};
use sqlparser::parser::Parser;

use crate::catalog::{Catalog, Relation};
use crate::db::Dialect;

/// How a statement uses a column, best for an index first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Use {
    /// `col = value`, `col IN (…)`, `col IS NULL`, or a join.
    Equality,
    /// `col < value`, `BETWEEN`.
    Range,
    /// ORDER BY or GROUP BY.
    Sort,
}

/// One column of a table the statement filters, joins or sorts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub schema: String,
    pub table: String,
    pub name: String,
    pub usage: Use,
}

/// One index to try: its table and key columns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub schema: String,
    pub table: String,
    pub columns: Vec<String>,
}

/// Why there is nothing to try.
#[derive(Debug, PartialEq, Eq)]
pub enum Unreadable {
    /// The parser could not read it, or it is not one SELECT, UPDATE or
    /// DELETE.
    NotAQuery,
}

/// The columns `sql` filters, joins or sorts on, each once (its best use),
/// in the order they appear.
pub fn columns(sql: &str, dialect: Dialect, catalog: &Catalog) -> Result<Vec<Column>, Unreadable> {
    let parsed = Parser::parse_sql(dialect.parser().as_ref(), sql);
    let statements = parsed.map_err(|_| Unreadable::NotAQuery)?;
    let [statement] = statements.as_slice() else {
        return Err(Unreadable::NotAQuery);
    };
    let mut walk = Walk {
        catalog,
        any_case: dialect == Dialect::Sqlite,
        tables: Vec::new(),
        found: Vec::new(),
    };
    match statement {
        Statement::Query(query) => walk.query(query),
        Statement::Update(update) => {
            walk.from(std::slice::from_ref(&update.table));
            if let Some(selection) = &update.selection {
                walk.filter(selection);
            }
        }
        Statement::Delete(delete) => {
            let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
            walk.from(from);
            walk.from(delete.using.as_deref().unwrap_or_default());
            if let Some(selection) = &delete.selection {
                walk.filter(selection);
            }
        }
        _ => return Err(Unreadable::NotAQuery),
    }
    Ok(walk.found)
}

/// Single columns first, then pairs (an equality column, then another
/// column of its table), leaving out what `covered` says an index has; a
/// pair extends only a single column no index starts with yet.
pub fn candidates(columns: &[Column], covered: impl Fn(&Candidate) -> bool) -> Vec<Candidate> {
    let one = |c: &Column, names: Vec<String>| Candidate {
        schema: c.schema.clone(),
        table: c.table.clone(),
        columns: names,
    };
    let mut out: Vec<Candidate> = columns
        .iter()
        .map(|c| one(c, vec![c.name.clone()]))
        .filter(|candidate| !covered(candidate))
        .collect();
    let leads: Vec<&Column> = columns
        .iter()
        .filter(|c| c.usage == Use::Equality)
        .filter(|c| {
            out.iter().any(|o| {
                o.table == c.table && o.schema == c.schema && o.columns == [c.name.clone()]
            })
        })
        .collect();
    for lead in leads {
        for next in columns {
            if next.schema == lead.schema && next.table == lead.table && next.name != lead.name {
                out.push(one(lead, vec![lead.name.clone(), next.name.clone()]));
            }
        }
    }
    out
}

/// Whether an index or key of `relation` already starts with `columns`.
pub fn covered(relation: &Relation, columns: &[String]) -> bool {
    // Names that differ in case alone count as one: an index SQLite users
    // wrote as (EMAIL) covers the column Email.
    let leads = |keys: &[String]| {
        keys.len() >= columns.len()
            && keys
                .iter()
                .zip(columns)
                .all(|(key, column)| key.eq_ignore_ascii_case(column))
    };
    relation.primary_key.iter().any(|k| leads(&k.columns))
        || relation.unique_keys.iter().any(|k| leads(&k.columns))
        || relation
            .indexes
            .iter()
            .filter_map(|index| btree_keys(&index.definition))
            .any(|keys| leads(&keys))
}

/// The key columns of a plain btree index from its definition
/// (`CREATE INDEX i ON t USING btree (a, b DESC)`, or SQLite's `CREATE
/// INDEX i ON t(a, b)`); `None` for a partial index or another method. An
/// expression key reads as text no column has.
fn btree_keys(definition: &str) -> Option<Vec<String>> {
    let lower = definition.to_ascii_lowercase();
    let on = lower.find(" on ")?;
    if lower.contains(" where ") || (lower.contains(" using ") && !lower.contains("using btree")) {
        return None;
    }
    let open = on + definition[on..].find('(')?;
    let mut depth = 0;
    let mut keys = Vec::new();
    let mut current = String::new();
    for c in definition[open + 1..].chars() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => break,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                keys.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    keys.push(current);
    Some(
        keys.iter()
            .map(|key| {
                let key = key.trim();
                let close = match key.chars().next() {
                    Some('"') => '"',
                    Some('`') => '`',
                    Some('[') => ']',
                    _ => return key.split_whitespace().next().unwrap_or("").to_string(),
                };
                key[1..].split(close).next().unwrap_or("").to_string()
            })
            .collect(),
    )
}

/// A table named in FROM, and what the statement calls it.
struct InFrom<'a> {
    relation: &'a Relation,
    /// The alias, or the table's own name.
    called: String,
}

struct Walk<'a> {
    catalog: &'a Catalog,
    /// SQLite matches names in any case; PostgreSQL matches them exactly,
    /// once unquoted ones are folded to lower case.
    any_case: bool,
    tables: Vec<InFrom<'a>>,
    found: Vec<Column>,
}

/// An identifier as the database reads it: unquoted names fold to lower case.
fn folded(ident: &sqlparser::ast::Ident) -> String {
    match ident.quote_style {
        Some(_) => ident.value.clone(),
        None => ident.value.to_lowercase(),
    }
}

fn name_parts(name: &ObjectName) -> Vec<String> {
    name.0
        .iter()
        .filter_map(|part| match part {
            ObjectNamePart::Identifier(ident) => Some(folded(ident)),
            ObjectNamePart::Function(_) => None,
        })
        .collect()
}

impl<'a> Walk<'a> {
    fn same(&self, a: &str, b: &str) -> bool {
        if self.any_case {
            a.eq_ignore_ascii_case(b)
        } else {
            a == b
        }
    }

    fn query(&mut self, query: &Query) {
        let SetExpr::Select(select) = query.body.as_ref() else {
            return;
        };
        self.from(&select.from);
        if let Some(selection) = &select.selection {
            self.filter(selection);
        }
        if let GroupByExpr::Expressions(exprs, _) = &select.group_by {
            for expr in exprs {
                self.add(expr, Use::Sort);
            }
        }
        if let Some(order_by) = &query.order_by
            && let OrderByKind::Expressions(exprs) = &order_by.kind
        {
            for order in exprs {
                self.add(&order.expr, Use::Sort);
            }
        }
    }

    fn from(&mut self, from: &[TableWithJoins]) {
        for table in from {
            self.table(&table.relation);
            for join in &table.joins {
                self.table(&join.relation);
                let constraint = match &join.join_operator {
                    JoinOperator::Join(c)
                    | JoinOperator::Inner(c)
                    | JoinOperator::Left(c)
                    | JoinOperator::LeftOuter(c)
                    | JoinOperator::Right(c)
                    | JoinOperator::RightOuter(c)
                    | JoinOperator::FullOuter(c) => c,
                    _ => continue,
                };
                if let JoinConstraint::On(on) = constraint {
                    self.filter(on);
                }
            }
        }
    }

    fn table(&mut self, factor: &TableFactor) {
        let TableFactor::Table { name, alias, .. } = factor else {
            return;
        };
        let parts = name_parts(name);
        let relation = self.catalog.find(&parts.join(".")).or_else(|| {
            let (table, schema) = parts.split_last()?;
            self.catalog.relations.iter().find(|r| {
                self.any_case
                    && r.name.eq_ignore_ascii_case(table)
                    && schema.iter().all(|s| r.schema.eq_ignore_ascii_case(s))
            })
        });
        let Some(relation) = relation else {
            return;
        };
        let called = match alias {
            Some(alias) => folded(&alias.name),
            None => relation.name.clone(),
        };
        self.tables.push(InFrom { relation, called });
    }

    /// Walks a condition: comparisons of a column with a value, and joins
    /// of two columns.
    fn filter(&mut self, expr: &Expr) {
        match expr {
            Expr::BinaryOp { left, op, right } => match op {
                BinaryOperator::And | BinaryOperator::Or => {
                    self.filter(left);
                    self.filter(right);
                }
                BinaryOperator::Eq => {
                    let (l, r) = (self.resolve(left), self.resolve(right));
                    match (l, r) {
                        (Some(l), Some(r)) => {
                            self.push(l, Use::Equality);
                            self.push(r, Use::Equality);
                        }
                        (Some(c), None) | (None, Some(c)) => self.push(c, Use::Equality),
                        (None, None) => {}
                    }
                }
                BinaryOperator::Lt
                | BinaryOperator::LtEq
                | BinaryOperator::Gt
                | BinaryOperator::GtEq => {
                    let (l, r) = (self.resolve(left), self.resolve(right));
                    if let (Some(c), None) | (None, Some(c)) = (l, r) {
                        self.push(c, Use::Range);
                    }
                }
                _ => {}
            },
            Expr::Nested(inner) => self.filter(inner),
            Expr::InList {
                expr,
                negated: false,
                ..
            }
            | Expr::IsNull(expr) => self.add(expr, Use::Equality),
            Expr::Between {
                expr,
                negated: false,
                ..
            } => self.add(expr, Use::Range),
            _ => {}
        }
    }

    fn add(&mut self, expr: &Expr, usage: Use) {
        if let Some(column) = self.resolve(expr) {
            self.push(column, usage);
        }
    }

    fn push(&mut self, (schema, table, name): (String, String, String), usage: Use) {
        match self
            .found
            .iter_mut()
            .find(|c| c.schema == schema && c.table == table && c.name == name)
        {
            Some(seen) => seen.usage = seen.usage.min(usage),
            None => self.found.push(Column {
                schema,
                table,
                name,
                usage,
            }),
        }
    }

    /// The table and column an expression names, when it is a column of a
    /// table in FROM: `col`, `alias.col`, `table.col`, `schema.table.col`.
    fn resolve<'s>(&'s self, expr: &Expr) -> Option<(String, String, String)> {
        let parts: Vec<String> = match expr {
            Expr::Identifier(ident) => vec![folded(ident)],
            Expr::CompoundIdentifier(idents) => idents.iter().map(folded).collect(),
            Expr::Nested(inner) => return self.resolve(inner),
            _ => return None,
        };
        let (qualifier, column) = parts.split_last().map(|(c, q)| (q, c))?;
        // The column as the catalog names it, in each table in FROM.
        let named = |t: &'s InFrom<'a>| {
            let found = t
                .relation
                .columns
                .iter()
                .find(|c| self.same(&c.name, column))?;
            Some((t, &found.name))
        };
        let mut matching = self
            .tables
            .iter()
            .filter_map(named)
            .filter(|(t, _)| match qualifier {
                [] => true,
                [name] => self.same(&t.called, name),
                [schema, name] => {
                    self.same(&t.relation.schema, schema) && self.same(&t.relation.name, name)
                }
                _ => false,
            });
        let (table, name) = matching.next()?;
        if matching.next().is_some() {
            return None;
        }
        Some((
            table.relation.schema.clone(),
            table.relation.name.clone(),
            name.clone(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ColumnInfo, Index, Key, RelationKind};

    fn table(schema: &str, name: &str, columns: &[&str]) -> Relation {
        let mut relation = Relation::new(schema, name, RelationKind::Table);
        relation.columns = columns
            .iter()
            .map(|c| ColumnInfo {
                name: c.to_string(),
                ..ColumnInfo::default()
            })
            .collect();
        relation
    }

    fn catalog() -> Catalog {
        let mut orders = table(
            "public",
            "orders",
            &["id", "customer_id", "status", "placed"],
        );
        orders.primary_key = Some(Key {
            name: "orders_pkey".into(),
            columns: vec!["id".into()],
        });
        let customers = table("sales", "customers", &["id", "name", "region"]);
        Catalog {
            relations: vec![orders, customers],
            ..Catalog::default()
        }
    }

    fn found(sql: &str) -> Vec<(String, String, Use)> {
        columns(sql, Dialect::Postgres, &catalog())
            .unwrap()
            .into_iter()
            .map(|c| (c.table, c.name, c.usage))
            .collect()
    }

    fn col(table: &str, name: &str, usage: Use) -> (String, String, Use) {
        (table.into(), name.into(), usage)
    }

    #[test]
    fn where_join_order_and_group_columns_resolve_through_aliases() {
        assert_eq!(
            found(
                "SELECT c.region, count(*) FROM orders o JOIN sales.customers c ON c.id = o.customer_id \
                 WHERE o.status = 'new' AND placed > now() - interval '1 day' \
                 GROUP BY c.region ORDER BY 2"
            ),
            [
                col("customers", "id", Use::Equality),
                col("orders", "customer_id", Use::Equality),
                col("orders", "status", Use::Equality),
                col("orders", "placed", Use::Range),
                col("customers", "region", Use::Sort),
            ]
        );
    }

    #[test]
    fn sqlite_names_match_in_any_case_and_keep_the_catalogs_spelling() {
        let mut customer = table("main", "Customer", &["CustomerId", "Email"]);
        customer.indexes = vec![Index {
            name: "IFK_Email".into(),
            definition: "CREATE INDEX [IFK_Email] ON [Customer] ([EMAIL])".into(),
            ..Index::default()
        }];
        let catalog = Catalog {
            relations: vec![customer],
            ..Catalog::default()
        };
        let found = columns(
            "select * from customer c where c.email = 'x' and CUSTOMERID > 3",
            Dialect::Sqlite,
            &catalog,
        )
        .unwrap();
        let names: Vec<_> = found.iter().map(|c| (&*c.table, &*c.name)).collect();
        assert_eq!(names, [("Customer", "Email"), ("Customer", "CustomerId")]);
        assert!(covered(&catalog.relations[0], &["Email".to_string()]));
        // PostgreSQL folds unquoted names to lower case and matches exactly.
        assert!(
            columns(
                "select * from customer where email = 'x'",
                Dialect::Postgres,
                &catalog
            )
            .unwrap()
            .is_empty()
        );
    }

    #[test]
    fn a_column_keeps_its_best_use_and_unknown_or_ambiguous_names_are_skipped() {
        assert_eq!(
            found(
                "select * from orders where (customer_id between 1 and 5 or customer_id in (7)) \
                 and nope = 1 order by customer_id"
            ),
            [col("orders", "customer_id", Use::Equality)]
        );
        // `id` is a column of both tables: ambiguous, left out.
        assert_eq!(
            found("select * from orders, sales.customers where id = 3 and Status = 'x'"),
            [col("orders", "status", Use::Equality)]
        );
        assert_eq!(
            found("update orders set status = 'x' where public.orders.customer_id = 4"),
            [col("orders", "customer_id", Use::Equality)]
        );
        assert_eq!(
            found(
                "delete from orders o using sales.customers c \
                 where c.id = o.customer_id and c.region = 'x'"
            ),
            [
                col("customers", "id", Use::Equality),
                col("orders", "customer_id", Use::Equality),
                col("customers", "region", Use::Equality),
            ]
        );
        assert_eq!(found("delete from orders"), []);
        assert_eq!(
            columns(
                "insert into orders (id) values (1)",
                Dialect::Postgres,
                &catalog()
            ),
            Err(Unreadable::NotAQuery)
        );
        assert_eq!(
            columns("select 1; select 2", Dialect::Postgres, &catalog()),
            Err(Unreadable::NotAQuery)
        );
    }

    #[test]
    fn singles_come_first_then_pairs_led_by_an_equality_column() {
        let cols = columns(
            "select * from orders where customer_id = 1 and placed > now() and id = 4",
            Dialect::Postgres,
            &catalog(),
        )
        .unwrap();
        let relation = catalog().relations[0].clone();
        let shown: Vec<Vec<String>> = candidates(&cols, |c| covered(&relation, &c.columns))
            .into_iter()
            .map(|c| c.columns)
            .collect();
        assert_eq!(
            shown,
            [
                vec!["customer_id"],
                vec!["placed"],
                vec!["customer_id", "placed"],
                vec!["customer_id", "id"],
            ]
        );
    }

    #[test]
    fn btree_indexes_cover_their_leading_columns_only() {
        let mut relation = table("public", "t", &["a", "b", "c"]);
        relation.indexes = vec![
            Index {
                name: "t_ab".into(),
                definition: "CREATE INDEX t_ab ON public.t USING btree (a, \"b\" DESC)".into(),
                ..Index::default()
            },
            Index {
                name: "t_c".into(),
                definition: "CREATE INDEX t_c ON public.t USING gin (c)".into(),
                ..Index::default()
            },
            Index {
                name: "t_c_part".into(),
                definition: "CREATE INDEX t_c_part ON t(c) WHERE c > 0".into(),
                ..Index::default()
            },
        ];
        let cover = |cols: &[&str]| {
            covered(
                &relation,
                &cols.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            )
        };
        assert!(cover(&["a"]));
        assert!(cover(&["a", "b"]));
        assert!(!cover(&["b"]));
        assert!(!cover(&["c"]));
        assert_eq!(
            btree_keys("CREATE INDEX i ON t(lower(x), y)"),
            Some(vec!["lower(x)".to_string(), "y".to_string()])
        );
    }
}
