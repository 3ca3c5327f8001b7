//! How many rows the tables in a SQLite plan's `SCAN` lines hold, so that
//! `\explain` reports `full_scan` only for large tables while its plan
//! reading stays pure. A `SCAN` line names a table as the statement wrote it
//! or by its alias; the statement's own FROM items say which table that is.
//! The rows come from the catalog's `sqlite_stat1` estimate, else from a
//! count bounded at [`LARGE_TABLE_ROWS`] + 1, read through
//! `Session::catalog_query`. A name that is no table of the catalog (a CTE,
//! a subquery, a view) gets no size.

use std::ops::ControlFlow;

use sqlparser::ast::{ObjectName, ObjectNamePart, Query, TableFactor, Visit, Visitor};
use sqlparser::dialect::SQLiteDialect;
use sqlparser::parser::Parser;

use crate::catalog::RelationKind;
use crate::ident::quote_ident_always as quote;
use crate::session::Session;

/// A table with more rows than this is large: reading all of it is a
/// finding (as PostgreSQL's `seq_scan` needs more than 10,000 rows read).
pub const LARGE_TABLE_ROWS: u64 = 10_000;

/// The rows of each table that `names` (the names `SCAN` lines give) stand
/// for in `sql`, counted at most to [`LARGE_TABLE_ROWS`] + 1 when the
/// catalog has no estimate. Names without a table are left out.
pub fn read(session: &mut Session, sql: &str, names: &[&str]) -> Vec<(String, u64)> {
    let from = from_items(sql);
    let mut sizes = Vec::new();
    for name in names {
        let Some((schema, table)) = resolve(&from, name) else {
            continue;
        };
        if let Some(rows) = rows(session, &schema, &table) {
            sizes.push((name.to_string(), rows));
        }
    }
    sizes
}

/// A FROM item: the name a plan shows for it (its alias, else its name
/// as written, parts joined by dots) and the table's name parts; CTE names
/// have no parts.
type FromItem = (String, Vec<String>);

/// The FROM items of `sql` and its CTE names (empty when it does not parse).
fn from_items(sql: &str) -> Vec<FromItem> {
    let Ok(statements) = Parser::parse_sql(&SQLiteDialect {}, sql) else {
        return Vec::new();
    };
    let mut collector = Collector(Vec::new());
    let _ = statements.visit(&mut collector);
    collector.0
}

struct Collector(Vec<FromItem>);

impl Visitor for Collector {
    type Break = ();

    fn pre_visit_query(&mut self, query: &Query) -> ControlFlow<()> {
        for cte in query.with.iter().flat_map(|with| &with.cte_tables) {
            self.0.push((cte.alias.name.value.clone(), Vec::new()));
        }
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        if let TableFactor::Table {
            name,
            alias,
            args: None,
            ..
        } = factor
            && let Some(parts) = parts(name)
        {
            let shown = alias
                .as_ref()
                .map_or_else(|| parts.join("."), |alias| alias.name.value.clone());
            self.0.push((shown, parts));
        }
        ControlFlow::Continue(())
    }
}

fn parts(name: &ObjectName) -> Option<Vec<String>> {
    name.0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(ident) => Some(ident.value.clone()),
            ObjectNamePart::Function(_) => None,
        })
        .collect()
}

/// The (schema, table) a plan's `name` stands for: a CTE of that name wins,
/// as it does in SQLite; names compare without case, as SQLite's do.
fn resolve(from: &[FromItem], name: &str) -> Option<(String, String)> {
    let (_, parts) = from
        .iter()
        .find(|(shown, _)| shown.eq_ignore_ascii_case(name))?;
    match parts.as_slice() {
        [table] => Some(("main".into(), table.clone())),
        [schema, table] => Some((schema.clone(), table.clone())),
        _ => None,
    }
}

/// The rows of table `schema.table`: the catalog's estimate, else a count
/// bounded just above [`LARGE_TABLE_ROWS`]; `None` when it is no table.
fn rows(session: &mut Session, schema: &str, table: &str) -> Option<u64> {
    let relation = session.catalog().ok()?.relations.iter().find(|r| {
        r.kind == RelationKind::Table
            && r.schema.eq_ignore_ascii_case(schema)
            && r.name.eq_ignore_ascii_case(table)
    })?;
    if let Some(estimate) = relation.row_estimate {
        return u64::try_from(estimate).ok();
    }
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {}.{} LIMIT {})",
        quote(&relation.schema),
        quote(&relation.name),
        LARGE_TABLE_ROWS + 1
    );
    let (_, found) = session.catalog_query(&sql).ok()?;
    match found.first().and_then(|row| row.first()) {
        Some(crate::db::Value::Int(n)) => u64::try_from(*n).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_names_resolve_through_aliases_schemas_and_ctes() {
        let from = from_items(
            "with recent as (select * from orders) \
             select * from \"My Items\" as i join main.customers on 1 \
             join recent on 1 where exists (select 1 from Orders)",
        );
        assert_eq!(
            resolve(&from, "i"),
            Some(("main".into(), "My Items".into()))
        );
        assert_eq!(
            resolve(&from, "main.customers"),
            Some(("main".into(), "customers".into()))
        );
        assert_eq!(
            resolve(&from, "Orders"),
            Some(("main".into(), "orders".into()))
        );
        assert_eq!(resolve(&from, "recent"), None, "a CTE is no table");
        assert_eq!(resolve(&from, "nosuch"), None);
        assert!(from_items("not sql at all").is_empty());
    }

    #[test]
    fn writes_name_their_target_table() {
        let from = from_items("delete from items where price > 1");
        assert_eq!(
            resolve(&from, "items"),
            Some(("main".into(), "items".into()))
        );
    }
}
