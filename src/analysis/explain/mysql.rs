//! MySQL's and MariaDB's tabular `EXPLAIN` read into a [`Report`]: one
//! line per table access, grouped by the `SELECT` it belongs to, and the
//! findings the access types and `Extra` notes show. Pure: rows in, report
//! out. The tabular form is read because both servers print it alike
//! (MySQL 8 adds `partitions` and `filtered`), where their JSON differs.

use serde_json::json;

use super::{Finding, Report};
use crate::analysis::scan_sizes::LARGE_TABLE_ROWS;
use crate::db::{Row, Value};
use crate::numbers::thousands;

/// What `\explain analyze` says on MySQL and MariaDB.
pub const NO_ANALYZE: &str = "not run: on MySQL and MariaDB an analyzed plan (EXPLAIN ANALYZE, \
     ANALYZE FORMAT=JSON) executes the statement, and glance treats that as a write it cannot \
     verify; \\explain without analyze shows the plan";

/// One row of the tabular `EXPLAIN`.
#[derive(Debug, Default, PartialEq)]
struct Access {
    id: String,
    select_type: String,
    table: String,
    access: String,
    key: String,
    reference: String,
    rows: Option<u64>,
    extra: String,
}

/// A cell as text; `""` for NULL.
fn cell(row: &Row, at: usize) -> String {
    match row.get(at) {
        Some(Value::Text(s) | Value::Numeric(s) | Value::Json(s)) => s.clone(),
        Some(Value::Int(n)) => n.to_string(),
        Some(Value::Float(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        Some(Value::Bytes(b)) => String::from_utf8_lossy(b).into_owned(),
        Some(Value::Null) | None => String::new(),
    }
}

/// The rows as accesses: MySQL 8 has 12 columns (`partitions` after
/// `table`, `filtered` after `rows`), MariaDB 10 columns.
fn accesses(rows: &[Row]) -> Vec<Access> {
    rows.iter()
        .map(|row| {
            let shift = usize::from(row.len() >= 12);
            let at = |i: usize| cell(row, if i >= 3 { i + shift } else { i });
            Access {
                id: at(0),
                select_type: at(1),
                table: at(2),
                access: at(3),
                key: at(5),
                reference: at(7),
                rows: at(8).parse().ok(),
                extra: cell(row, row.len().saturating_sub(1)),
            }
        })
        .collect()
}

/// `orders: full scan, ~200 rows (Using where)`.
fn describe(a: &Access) -> String {
    let how = match a.access.as_str() {
        "ALL" => "full scan".to_string(),
        "index" => format!("full index scan using {}", a.key),
        "" | "NULL" => String::new(),
        kind if a.key.is_empty() => kind.to_string(),
        kind => format!("{kind} using {}", a.key),
    };
    let mut line = if a.table.is_empty() {
        "no table".to_string()
    } else {
        a.table.clone()
    };
    if !how.is_empty() {
        line.push_str(&format!(": {how}"));
    }
    if !a.reference.is_empty() && a.reference != "NULL" {
        line.push_str(&format!(" on {}", a.reference));
    }
    if let Some(rows) = a.rows {
        let s = if rows == 1 { "" } else { "s" };
        line.push_str(&format!(", ~{} row{s}", thousands(rows)));
    }
    if !a.extra.is_empty() {
        line.push_str(&format!(" ({})", a.extra));
    }
    line
}

/// The report of the tabular `EXPLAIN` rows of `sql`.
pub fn report(sql: &str, rows: &[Row]) -> Report {
    let accesses = accesses(rows);
    let mut tree = Vec::new();
    let mut findings = Vec::new();
    let mut select: Option<(&str, &str)> = None;
    for a in &accesses {
        if select != Some((a.id.as_str(), a.select_type.as_str())) {
            select = Some((a.id.as_str(), a.select_type.as_str()));
            tree.push(format!("Select #{} ({})", a.id, a.select_type));
        }
        tree.push(format!("  -> {}", describe(a)));
        findings.extend(judge(a));
    }
    let plan = accesses
        .iter()
        .map(|a| {
            json!({"id": a.id, "select_type": a.select_type, "table": a.table,
                   "type": a.access, "key": a.key, "ref": a.reference,
                   "rows": a.rows, "extra": a.extra})
        })
        .collect();
    Report::planned(sql, plan, tree, findings)
}

/// What is worth fixing in one access: a full scan of a large table, a
/// join without an index, a temporary table, a sort outside an index.
fn judge(a: &Access) -> Vec<Finding> {
    let mut found = Vec::new();
    let node = format!("{} (select #{})", a.table, a.id);
    let mut add = |kind, detail: String, weight| {
        found.push(Finding {
            kind,
            node: node.clone(),
            detail,
            weight,
        })
    };
    if a.access == "ALL" && a.rows.is_some_and(|n| n > LARGE_TABLE_ROWS) {
        add(
            "full_scan",
            format!(
                "reads every row of {} (about {}); an index on the filtered or joined \
                 columns would read only those",
                a.table,
                thousands(a.rows.unwrap_or(0))
            ),
            1.0,
        );
    }
    if a.extra.contains("Using join buffer") {
        add(
            "join_buffer",
            format!(
                "joins {} without an index, through a join buffer; an index on its join \
                 columns would look rows up instead",
                a.table
            ),
            0.8,
        );
    }
    if a.extra.contains("Using temporary") {
        add(
            "temp_table",
            "builds a temporary table (GROUP BY, DISTINCT or UNION); an index in the grouped \
             order may avoid it"
                .into(),
            0.5,
        );
    }
    if a.extra.contains("Using filesort") {
        add(
            "filesort",
            "sorts the rows outside any index; an index in the ORDER BY order would avoid it"
                .into(),
            0.4,
        );
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Value {
        match s {
            "" => Value::Null,
            s => Value::Text(s.into()),
        }
    }

    fn mariadb_row(cells: [&str; 10]) -> Row {
        cells.iter().map(|c| t(c)).collect()
    }

    #[test]
    fn mariadb_rows_become_a_tree_by_select() {
        let rows = [
            mariadb_row([
                "1",
                "PRIMARY",
                "o",
                "ALL",
                "",
                "",
                "",
                "",
                "20000",
                "Using where; Using temporary; Using filesort",
            ]),
            mariadb_row([
                "1",
                "PRIMARY",
                "c",
                "eq_ref",
                "PRIMARY",
                "PRIMARY",
                "4",
                "shop.o.customer_id",
                "1",
                "",
            ]),
            mariadb_row([
                "2",
                "SUBQUERY",
                "i",
                "ALL",
                "",
                "",
                "",
                "",
                "50",
                "Using join buffer (flat, BNL join)",
            ]),
        ];
        let report = report("select …", &rows);
        assert_eq!(
            report.tree,
            [
                "Select #1 (PRIMARY)",
                "  -> o: full scan, ~20,000 rows (Using where; Using temporary; Using filesort)",
                "  -> c: eq_ref using PRIMARY on shop.o.customer_id, ~1 row",
                "Select #2 (SUBQUERY)",
                "  -> i: full scan, ~50 rows (Using join buffer (flat, BNL join))",
            ]
        );
        let kinds: Vec<_> = report.findings.iter().map(|f| f.kind).collect();
        assert_eq!(
            kinds,
            ["full_scan", "join_buffer", "temp_table", "filesort"]
        );
        assert_eq!(report.plan[1]["key"], "PRIMARY");
        assert!(!report.analyze);
    }

    #[test]
    fn mysql_8_rows_have_partitions_and_filtered() {
        let mut row: Row = [
            "1",
            "SIMPLE",
            "orders",
            "",
            "ref",
            "by_customer",
            "by_customer",
            "4",
            "const",
            "",
            "100.00",
            "Using index",
        ]
        .iter()
        .map(|c| t(c))
        .collect();
        row[9] = Value::Int(12);
        let report = report("q", &[row]);
        assert_eq!(
            report.tree[1],
            "  -> orders: ref using by_customer on const, ~12 rows (Using index)"
        );
        assert!(report.findings.is_empty());
        let none = mariadb_row(["1", "SIMPLE", "", "", "", "", "", "", "", "No tables used"]);
        assert_eq!(report_line(&none), "  -> no table (No tables used)");
    }

    fn report_line(row: &Row) -> String {
        report("q", std::slice::from_ref(row)).tree[1].clone()
    }
}
