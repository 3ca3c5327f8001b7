//! `\explain` and `glance explain`: the plan of one statement as an
//! indented tree and at most five findings, worst first. Plan reading is
//! pure (PostgreSQL's `EXPLAIN (FORMAT JSON)`, SQLite's `EXPLAIN QUERY
//! PLAN` or MySQL's tabular `EXPLAIN` rows in, a [`Report`] out); [`explain`] builds the EXPLAIN and runs
//! it through the session, which judges it with the classifier: a read runs
//! in the read-only guard, an EXPLAIN ANALYZE that executes a write is
//! confirmed and rolled back. Text with parameters (`$1`) gets its generic
//! plan ([`generic`]).

use serde_json::{Value as Json, json};

mod mysql;

use super::{generic, scan_sizes};
use crate::db::{self, Dialect};
use crate::numbers::thousands;
use crate::session::{Confirm, Executed, Session};

/// The first line of a generic plan's text.
const GENERIC_NOTE: &str =
    "Generic plan: the statement has parameters, so it is planned for any values of them.\n";

/// Findings shown at most.
const MAX_FINDINGS: usize = 5;
/// A node holding more than this share of the exclusive time is `slow_node`,
/// when that time is at least [`SLOW_MS`] (below, nothing is worth fixing).
const SLOW_SHARE: f64 = 0.5;
const SLOW_MS: f64 = 1.0;
/// Planned and actual rows this many times apart are a `misestimate`.
const MISESTIMATE: f64 = 10.0;
/// A sequential scan reading more rows than this, with a filter removing
/// at least [`SEQ_SCAN_REMOVED`] of them, is a `seq_scan`.
const SEQ_SCAN_ROWS: f64 = 10_000.0;
const SEQ_SCAN_REMOVED: f64 = 0.9;
/// A nested loop whose inner side runs this many times is a `nested_loop`.
const NESTED_LOOPS: f64 = 1_000.0;
/// An index-only scan fetching at least this many heap rows, and at least
/// [`HEAP_FETCH_SHARE`] of the rows it returns, is `heap_fetches`.
const HEAP_FETCHES: f64 = 1_000.0;
const HEAP_FETCH_SHARE: f64 = 0.1;
/// JIT compilation taking more than this share of the run is `jit`.
const JIT_SHARE: f64 = 0.1;

/// One thing worth fixing in a plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// `slow_node`, `misestimate`, `seq_scan`, `spill`, `nested_loop`,
    /// `heap_fetches`, `jit` (PostgreSQL); `full_scan`, `temp_btree` (SQLite);
    /// `full_scan`, `join_buffer`, `temp_table`, `filesort` (MySQL).
    pub kind: &'static str,
    /// The plan node it is about, as the tree names it.
    pub node: String,
    pub detail: String,
    /// How bad it is, for ordering: the node's share of the time, or a
    /// fixed weight per kind without timings.
    weight: f64,
}

/// A statement's plan, drawn and judged.
#[derive(Clone, Debug)]
pub struct Report {
    pub sql: String,
    pub analyze: bool,
    /// Planned for any values of the text's parameters (`$1`, …), not
    /// for particular ones ([`generic`]).
    pub generic: bool,
    /// The plan as the database gave it (SQLite: its rows as objects).
    pub plan: Json,
    /// The indented tree, one line per node.
    pub tree: Vec<String>,
    pub findings: Vec<Finding>,
}

impl Report {
    /// The report of a plan read without running the statement (SQLite's
    /// and MySQL's): its steps as JSON objects, the tree, the findings.
    fn planned(sql: &str, plan: Vec<Json>, tree: Vec<String>, findings: Vec<Finding>) -> Report {
        Report {
            sql: sql.to_string(),
            analyze: false,
            generic: false,
            plan: Json::Array(plan),
            tree,
            findings: worst_first(findings),
        }
    }

    /// The tree, then the findings.
    pub fn text(&self) -> String {
        let mut text = String::new();
        if self.generic {
            text.push_str(GENERIC_NOTE);
        }
        for line in &self.tree {
            text.push_str(&crate::escape::visible(line));
            text.push('\n');
        }
        if self.findings.is_empty() {
            text.push_str("No findings.\n");
        } else {
            text.push_str("Findings:\n");
            for finding in &self.findings {
                text.push_str(&crate::escape::visible(&format!(
                    "  {}: {}: {}\n",
                    finding.kind, finding.node, finding.detail
                )));
            }
        }
        text
    }

    /// `{"sql", "analyze", "generic", "plan", "findings": [{"kind", "node", "detail"}]}`.
    pub fn json(&self) -> Json {
        let findings: Vec<Json> = self
            .findings
            .iter()
            .map(|f| json!({"kind": f.kind, "node": f.node, "detail": f.detail}))
            .collect();
        json!({
            "sql": self.sql,
            "analyze": self.analyze,
            "generic": self.generic,
            "plan": self.plan,
            "findings": findings,
        })
    }
}

/// Why a plan could not be shown.
#[derive(Debug)]
pub enum Failed {
    /// The gate or the database ended it (refused, declined, an error).
    Executed(Executed),
    /// `analyze` on a database that cannot, or a plan glance cannot read.
    Other(String),
}

/// Plans `sql` on the session's database (executing it too when
/// `analyze`, on PostgreSQL) and reads the plan.
pub fn explain(
    session: &mut Session,
    sql: &str,
    analyze: bool,
    confirm: Confirm,
) -> Result<Report, Failed> {
    let sql = sql.trim().trim_end_matches(';').trim_end();
    if sql.is_empty() {
        return Err(Failed::Other("there is no statement to explain".into()));
    }
    match session.info().dialect {
        Dialect::Mysql => {
            if analyze {
                return Err(Failed::Other(mysql::NO_ANALYZE.into()));
            }
            let rows = session
                .run_rolled_back(&format!("EXPLAIN {sql}"), confirm)
                .map_err(Failed::Executed)?;
            Ok(mysql::report(sql, &rows))
        }
        Dialect::Postgres => {
            let options = if analyze {
                "ANALYZE, BUFFERS, FORMAT JSON"
            } else {
                "FORMAT JSON"
            };
            if generic::is_parameterised(sql) {
                if analyze {
                    return Err(Failed::Other(
                        "not run: EXPLAIN ANALYZE runs the statement, and this one has \
                         parameters ($1, …) with no values; put values in their place to \
                         analyze it, or leave out analyze for its generic plan"
                            .into(),
                    ));
                }
                let plan = generic::plan(session, sql)?;
                let mut report = from_postgres(sql, false, plan);
                report.generic = true;
                report.estimate_scans(&table_rows(session));
                return Ok(report);
            }
            let wrapped = format!("EXPLAIN ({options}) {sql}");
            let rows = session
                .run_rolled_back(&wrapped, confirm)
                .map_err(Failed::Executed)?;
            let mut report = from_postgres(sql, analyze, read_plan(&rows)?);
            if !analyze {
                report.estimate_scans(&table_rows(session));
            }
            Ok(report)
        }
        Dialect::Sqlite => {
            if analyze {
                return Err(Failed::Other(
                    "SQLite has no EXPLAIN ANALYZE; \\explain without analyze shows its plan"
                        .into(),
                ));
            }
            let rows = session
                .run_rolled_back(&format!("EXPLAIN QUERY PLAN {sql}"), confirm)
                .map_err(Failed::Executed)?;
            Ok(sqlite_report(session, sql, &sqlite_steps(&rows)))
        }
    }
}

/// The plan in the rows of PostgreSQL's `EXPLAIN (FORMAT JSON)`.
pub(super) fn read_plan(rows: &[db::Row]) -> Result<Json, Failed> {
    let text = match rows.first().and_then(|row| row.first()) {
        Some(db::Value::Json(text) | db::Value::Text(text)) => text,
        _ => return Err(Failed::Other("the database returned no plan".into())),
    };
    serde_json::from_str(text).map_err(|e| Failed::Other(format!("could not read the plan: {e}")))
}

/// The planner's estimated total cost of a plan's top node.
pub fn total_cost(plan: &Json) -> f64 {
    plan.get(0)
        .and_then(|top| top.get("Plan"))
        .map_or(0.0, |root| number(root, "Total Cost"))
}

/// SQLite's `EXPLAIN QUERY PLAN` rows as (id, parent, detail).
pub fn sqlite_steps(rows: &[db::Row]) -> Vec<(i64, i64, String)> {
    rows.iter()
        .filter_map(|row| match row.as_slice() {
            [
                db::Value::Int(id),
                db::Value::Int(parent),
                _,
                db::Value::Text(detail),
            ] => Some((*id, *parent, detail.clone())),
            _ => None,
        })
        .collect()
}

/// One PostgreSQL plan node with what glance derives from it.
struct Node<'a> {
    plan: &'a Json,
    depth: usize,
    label: String,
    /// Time spent in this node alone over all its loops, in ms.
    exclusive: f64,
    /// Whether a `Limit` above may have stopped reading this node's rows
    /// early, so fewer rows than planned say nothing about the estimate.
    cut_short: bool,
}

fn number(node: &Json, key: &str) -> f64 {
    node.get(key).and_then(Json::as_f64).unwrap_or(0.0)
}

fn text<'a>(node: &'a Json, key: &str) -> Option<&'a str> {
    node.get(key).and_then(Json::as_str)
}

fn children(node: &Json) -> &[Json] {
    node.get("Plans")
        .and_then(Json::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Time in this node and its children over all loops, in ms.
fn inclusive(node: &Json) -> f64 {
    number(node, "Actual Total Time") * number(node, "Actual Loops").max(1.0)
}

/// `Seq Scan on orders`, `Index Scan using orders_pkey on orders`, `Delete
/// on orders`, `Parallel Seq Scan on events`, `HashAggregate`: named as
/// text EXPLAIN names them (a ModifyTable node by its operation, an
/// aggregate by its strategy, a parallel-aware node with `Parallel`).
fn label(node: &Json) -> String {
    let kind = text(node, "Node Type").unwrap_or("?");
    let mut label = match (kind, text(node, "Operation"), text(node, "Strategy")) {
        ("ModifyTable", Some(operation), _) => operation.to_string(),
        ("Aggregate", _, Some("Sorted")) => "GroupAggregate".to_string(),
        ("Aggregate", _, Some("Hashed")) => "HashAggregate".to_string(),
        ("Aggregate", _, Some("Mixed")) => "MixedAggregate".to_string(),
        _ => kind.to_string(),
    };
    if node.get("Parallel Aware").and_then(Json::as_bool) == Some(true) {
        label.insert_str(0, "Parallel ");
    }
    if let Some(index) = text(node, "Index Name") {
        // A bitmap index scan reads only the index, and is named on it.
        let word = if kind == "Bitmap Index Scan" {
            "on"
        } else {
            "using"
        };
        label.push_str(&format!(" {word} {index}"));
    }
    if let Some(relation) = text(node, "Relation Name") {
        match text(node, "Schema") {
            Some(schema) => label.push_str(&format!(" on {schema}.{relation}")),
            None => label.push_str(&format!(" on {relation}")),
        }
    }
    label
}

/// Whether a node reads all of its input before it returns a row (a sort,
/// a hash, an aggregate that is not fed in group order): a `Limit` above
/// it does not cut its input short.
fn reads_everything(node: &Json) -> bool {
    match text(node, "Node Type") {
        Some("Sort" | "Hash") => true,
        Some("Aggregate") => text(node, "Strategy") != Some("Sorted"),
        _ => false,
    }
}

fn flatten<'a>(plan: &'a Json, depth: usize, cut_short: bool, nodes: &mut Vec<Node<'a>>) {
    let under: f64 = children(plan).iter().map(inclusive).sum();
    nodes.push(Node {
        plan,
        depth,
        label: label(plan),
        exclusive: (inclusive(plan) - under).max(0.0),
        cut_short,
    });
    let children_cut =
        text(plan, "Node Type") == Some("Limit") || (cut_short && !reads_everything(plan));
    for child in children(plan) {
        flatten(child, depth + 1, children_cut, nodes);
    }
}

fn count(value: f64) -> String {
    thousands(value.round() as u64)
}

/// Reads PostgreSQL's `EXPLAIN (FORMAT JSON)` of `sql`.
pub fn from_postgres(sql: &str, analyze: bool, plan: Json) -> Report {
    let top = plan.get(0).cloned().unwrap_or(Json::Null);
    let mut nodes = Vec::new();
    if let Some(root) = top.get("Plan") {
        flatten(root, 0, false, &mut nodes);
    }
    let total: f64 = nodes.iter().map(|n| n.exclusive).sum();
    let tree = nodes
        .iter()
        .map(|node| tree_line(node, analyze, total))
        .collect();
    let mut findings: Vec<Finding> = Vec::new();
    if analyze {
        for node in &nodes {
            node_findings(node, total, nodes.len(), &mut findings);
        }
        let jit = top
            .get("JIT")
            .and_then(|jit| jit.get("Timing"))
            .map_or(0.0, |timing| number(timing, "Total"));
        let run = number(&top, "Execution Time");
        if run > 0.0 && jit / run > JIT_SHARE {
            findings.push(Finding {
                kind: "jit",
                node: "JIT".into(),
                detail: format!(
                    "compiling took {jit:.1} ms of {run:.1} ms ({:.0}%); \
                     SET jit = off, or raise jit_above_cost, for statements this short",
                    100.0 * jit / run
                ),
                weight: jit / run,
            });
        }
    }
    Report {
        sql: sql.to_string(),
        analyze,
        generic: false,
        plan,
        tree,
        findings: worst_first(findings),
    }
}

fn tree_line(node: &Node, analyze: bool, total: f64) -> String {
    let plan = node.plan;
    let indent = "  ".repeat(node.depth);
    let arrow = if node.depth == 0 { "" } else { "-> " };
    let planned = count(number(plan, "Plan Rows"));
    if !analyze {
        return format!(
            "{indent}{arrow}{}  rows {planned}  cost {:.2}",
            node.label,
            number(plan, "Total Cost")
        );
    }
    let loops = number(plan, "Actual Loops");
    if plan.get("Actual Loops").is_some() && loops == 0.0 {
        return format!(
            "{indent}{arrow}{}  rows {planned}  (never executed)",
            node.label
        );
    }
    let share = if total > 0.0 {
        100.0 * node.exclusive / total
    } else {
        0.0
    };
    let mut line = format!(
        "{indent}{arrow}{}  rows {planned} → {}  loops {}  {:.3} ms ({share:.0}%)",
        node.label,
        count(number(plan, "Actual Rows")),
        count(loops),
        node.exclusive,
    );
    let hit = number(plan, "Shared Hit Blocks");
    let read = number(plan, "Shared Read Blocks");
    let temp = number(plan, "Temp Written Blocks");
    if hit + read + temp > 0.0 {
        line.push_str(&format!(
            "  buffers hit={} read={}",
            count(hit),
            count(read)
        ));
        if temp > 0.0 {
            line.push_str(&format!(" temp written={}", count(temp)));
        }
    }
    line
}

fn node_findings(node: &Node, total: f64, nodes: usize, findings: &mut Vec<Finding>) {
    let plan = node.plan;
    let share = if total > 0.0 {
        node.exclusive / total
    } else {
        0.0
    };
    let mut add = |kind, detail: String| {
        findings.push(Finding {
            kind,
            node: node.label.clone(),
            detail,
            weight: share,
        })
    };
    let loops = number(plan, "Actual Loops");
    if plan.get("Actual Loops").is_none() || loops == 0.0 {
        return;
    }
    if nodes > 1 && share > SLOW_SHARE && node.exclusive >= SLOW_MS {
        add(
            "slow_node",
            format!(
                "{:.0}% of the time is spent here ({:.1} ms)",
                100.0 * share,
                node.exclusive
            ),
        );
    }
    let planned = number(plan, "Plan Rows").max(1.0);
    let actual = number(plan, "Actual Rows").max(1.0);
    let off = (planned / actual).max(actual / planned);
    if off >= MISESTIMATE && !(node.cut_short && actual < planned) {
        add(
            "misestimate",
            format!(
                "planned {} rows, got {} ({off:.0}× off); ANALYZE the table, or raise its \
                 statistics target",
                count(number(plan, "Plan Rows")),
                count(number(plan, "Actual Rows"))
            ),
        );
    }
    if text(plan, "Node Type") == Some("Seq Scan") {
        let removed = number(plan, "Rows Removed by Filter") * loops;
        let read = number(plan, "Actual Rows") * loops + removed;
        if read > SEQ_SCAN_ROWS && removed / read >= SEQ_SCAN_REMOVED {
            add(
                "seq_scan",
                format!(
                    "read {} rows to keep {} ({:.0}% removed by the filter); an index on the \
                     filtered columns would read only those",
                    count(read),
                    count(read - removed),
                    100.0 * removed / read
                ),
            );
        }
    }
    let disk_sort = text(plan, "Sort Space Type") == Some("Disk");
    let batches = number(plan, "Hash Batches");
    if disk_sort || batches > 1.0 {
        let what = if disk_sort {
            format!(
                "the sort spilled {} kB to disk",
                count(number(plan, "Sort Space Used"))
            )
        } else {
            format!("the hash spilled to disk in {} batches", count(batches))
        };
        add("spill", format!("{what}; raise work_mem for this query"));
    }
    if text(plan, "Node Type") == Some("Nested Loop") {
        let inner = children(plan)
            .iter()
            .find(|child| text(child, "Parent Relationship") == Some("Inner"));
        let inner_loops = inner.map_or(0.0, |child| number(child, "Actual Loops"));
        if inner_loops >= NESTED_LOOPS {
            add(
                "nested_loop",
                format!(
                    "the inner side ran {} times; a hash or merge join, or an index on the \
                     join column, may do better",
                    count(inner_loops)
                ),
            );
        }
    }
    if text(plan, "Node Type") == Some("Index Only Scan") {
        let fetches = number(plan, "Heap Fetches");
        let returned = number(plan, "Actual Rows") * loops;
        if fetches >= HEAP_FETCHES && fetches >= HEAP_FETCH_SHARE * returned {
            add(
                "heap_fetches",
                format!(
                    "{} heap fetches for {} rows: the visibility map is stale; VACUUM the table",
                    count(fetches),
                    count(returned)
                ),
            );
        }
    }
}

/// The catalog's row estimate of each table, by name, for
/// [`Report::estimate_scans`]; none when the catalog cannot be read.
fn table_rows(session: &mut Session) -> Vec<(String, f64)> {
    session.catalog().map_or_else(
        |_| Vec::new(),
        |catalog| {
            catalog
                .relations
                .iter()
                .filter_map(|r| Some((r.name.clone(), r.row_estimate? as f64)))
                .collect()
        },
    )
}

impl Report {
    /// For a plan without ANALYZE: a `seq_scan` finding for each
    /// sequential scan of a table of more than [`SEQ_SCAN_ROWS`] rows (by
    /// `table_rows`) whose filter the planner expects to keep at most
    /// 1 − [`SEQ_SCAN_REMOVED`] of them.
    pub fn estimate_scans(&mut self, table_rows: &[(String, f64)]) {
        let mut found = std::mem::take(&mut self.findings);
        if let Some(root) = self.plan.get(0).and_then(|top| top.get("Plan")) {
            estimated_scans(root, 1.0, table_rows, &mut found);
        }
        self.findings = worst_first(found);
    }
}

/// [`Report::estimate_scans`] over `node` and its children; `sharing` is
/// how many processes a parallel-aware node's planned rows are split among.
fn estimated_scans(
    node: &Json,
    sharing: f64,
    table_rows: &[(String, f64)],
    found: &mut Vec<Finding>,
) {
    let sharing = match text(node, "Node Type") {
        Some("Gather" | "Gather Merge") => number(node, "Workers Planned") + 1.0,
        _ => sharing,
    };
    let rows = text(node, "Relation Name")
        .and_then(|name| table_rows.iter().find(|(table, _)| table == name))
        .map(|(_, rows)| *rows);
    if let (Some("Seq Scan"), Some(rows), Some(_)) =
        (text(node, "Node Type"), rows, node.get("Filter"))
    {
        let parallel = node.get("Parallel Aware").and_then(Json::as_bool) == Some(true);
        let kept = number(node, "Plan Rows") * if parallel { sharing } else { 1.0 };
        if rows > SEQ_SCAN_ROWS && kept <= rows * (1.0 - SEQ_SCAN_REMOVED) {
            found.push(Finding {
                kind: "seq_scan",
                node: label(node),
                detail: format!(
                    "reads all of about {} rows to keep an estimated {} (planned, not run); \
                     an index on the filtered columns would read only those",
                    count(rows),
                    count(kept)
                ),
                weight: 1.0 - kept / rows,
            });
        }
    }
    for child in children(node) {
        estimated_scans(child, sharing, table_rows, found);
    }
}

/// The findings by weight, heaviest first, at most [`MAX_FINDINGS`].
fn worst_first(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| b.weight.total_cmp(&a.weight));
    findings.truncate(MAX_FINDINGS);
    findings
}

/// The names SQLite's `SCAN` steps read whole (not through an index).
fn full_scans(steps: &[(i64, i64, String)]) -> Vec<&str> {
    steps
        .iter()
        .filter_map(|(_, _, detail)| full_scan(detail))
        .collect()
}

fn full_scan(detail: &str) -> Option<&str> {
    detail
        .strip_prefix("SCAN ")
        .filter(|_| !detail.contains(" USING "))
}

/// The report of SQLite's `EXPLAIN QUERY PLAN` steps of `sql`, with the
/// sizes of the tables it scans read from the session.
pub fn sqlite_report(session: &mut Session, sql: &str, steps: &[(i64, i64, String)]) -> Report {
    let sizes = scan_sizes::read(session, sql, &full_scans(steps));
    from_sqlite(sql, steps, &sizes)
}

/// Reads SQLite's `EXPLAIN QUERY PLAN` rows (id, parent, detail) of `sql`;
/// `sizes` holds the rows of the tables its `SCAN` steps name, and a scan
/// is `full_scan` only of a table with more than
/// [`scan_sizes::LARGE_TABLE_ROWS`].
fn from_sqlite(sql: &str, steps: &[(i64, i64, String)], sizes: &[(String, u64)]) -> Report {
    let mut tree = Vec::new();
    let mut findings = Vec::new();
    // Children follow their parent in SQLite's output; depth is the parent's plus one.
    let mut depths: Vec<(i64, usize)> = Vec::new();
    for (id, parent, detail) in steps {
        let depth = depths
            .iter()
            .find(|(seen, _)| seen == parent)
            .map_or(0, |(_, depth)| depth + 1);
        depths.push((*id, depth));
        let arrow = if depth == 0 { "" } else { "-> " };
        tree.push(format!("{}{arrow}{detail}", "  ".repeat(depth)));
        let rows = full_scan(detail)
            .and_then(|table| sizes.iter().find(|(name, _)| name == table))
            .map(|(table, rows)| (table, *rows));
        if let Some((table, rows)) = rows
            && rows > scan_sizes::LARGE_TABLE_ROWS
        {
            findings.push(Finding {
                kind: "full_scan",
                node: detail.clone(),
                detail: format!(
                    "reads every row of {table} (more than {}); an index on the filtered \
                     or joined columns would read only those",
                    thousands(scan_sizes::LARGE_TABLE_ROWS)
                ),
                weight: 1.0,
            });
        }
        if let Some(purpose) = detail.strip_prefix("USE TEMP B-TREE FOR ") {
            findings.push(Finding {
                kind: "temp_btree",
                node: detail.clone(),
                detail: format!(
                    "sorts into a temporary B-tree for {purpose}; an index in that order \
                     would avoid it"
                ),
                weight: 0.5,
            });
        }
    }
    let plan = steps
        .iter()
        .map(|(id, parent, detail)| json!({"id": id, "parent": parent, "detail": detail}))
        .collect();
    Report::planned(sql, plan, tree, findings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(report: &Report) -> Vec<&'static str> {
        report.findings.iter().map(|f| f.kind).collect()
    }

    /// An analyzed plan with `root` as its top node.
    fn analyzed(root: Json) -> Report {
        from_postgres("q", true, json!([{"Plan": root, "Execution Time": 100.0}]))
    }

    #[test]
    fn a_plain_plan_is_a_tree_of_planned_rows_and_costs_without_findings() {
        let plan = json!([{"Plan": {
            "Node Type": "Aggregate", "Plan Rows": 1, "Total Cost": 25.89,
            "Plans": [{"Node Type": "Seq Scan", "Relation Name": "big", "Schema": "public",
                       "Parent Relationship": "Outer", "Plan Rows": 1270, "Total Cost": 22.7}]
        }}]);
        let report = from_postgres("select 1", false, plan.clone());
        assert_eq!(
            report.tree,
            [
                "Aggregate  rows 1  cost 25.89",
                "  -> Seq Scan on public.big  rows 1,270  cost 22.70"
            ]
        );
        assert!(report.findings.is_empty());
        assert_eq!(
            report.json(),
            json!({"sql": "select 1", "analyze": false, "generic": false, "plan": plan,
                   "findings": []})
        );
        assert!(report.text().ends_with("No findings.\n"));
    }

    #[test]
    fn exclusive_time_subtracts_the_children_over_their_loops() {
        let report = analyzed(json!({
            "Node Type": "Nested Loop", "Plan Rows": 10, "Actual Rows": 10, "Actual Loops": 1,
            "Actual Total Time": 50.0,
            "Plans": [
                {"Node Type": "Seq Scan", "Relation Name": "a", "Parent Relationship": "Outer",
                 "Plan Rows": 10, "Actual Rows": 10, "Actual Loops": 1, "Actual Total Time": 10.0},
                {"Node Type": "Index Scan", "Index Name": "b_pkey", "Relation Name": "b",
                 "Parent Relationship": "Inner", "Plan Rows": 1, "Actual Rows": 1,
                 "Actual Loops": 10, "Actual Total Time": 3.0, "Shared Hit Blocks": 30}
            ]
        }));
        assert_eq!(
            report.tree[2],
            "  -> Index Scan using b_pkey on b  rows 1 → 1  loops 10  30.000 ms (60%)  buffers hit=30 read=0"
        );
        assert_eq!(
            report.tree[0],
            "Nested Loop  rows 10 → 10  loops 1  10.000 ms (20%)"
        );
        assert_eq!(kinds(&report), ["slow_node"]);
        assert_eq!(report.findings[0].node, "Index Scan using b_pkey on b");
    }

    #[test]
    fn a_plain_plan_flags_a_scan_expected_to_keep_few_rows_of_a_big_table() {
        let plan = |kept: u32| {
            json!([{"Plan": {"Node Type": "Gather", "Workers Planned": 2, "Plan Rows": 24,
                "Plans": [{"Node Type": "Seq Scan", "Parallel Aware": true,
                    "Relation Name": "events", "Filter": "(user_id = $1)", "Plan Rows": kept}]}}])
        };
        let sizes = [("events".to_string(), 2_000_000.0)];
        let mut report = from_postgres("q", false, plan(8));
        report.estimate_scans(&sizes);
        assert_eq!(kinds(&report), ["seq_scan"]);
        assert_eq!(report.findings[0].node, "Parallel Seq Scan on events");
        assert!(
            report.findings[0].detail.contains("keep an estimated 24 "),
            "planned rows times the three processes: {}",
            report.findings[0].detail
        );
        // Keeping a third of the table, or a small table, is no finding.
        for (kept, sizes) in [(300_000, sizes.clone()), (8, [("events".into(), 9_000.0)])] {
            let mut report = from_postgres("q", false, plan(kept));
            report.estimate_scans(&sizes);
            assert!(kinds(&report).is_empty(), "{kept} of {sizes:?}");
        }
    }

    #[test]
    fn nodes_are_named_as_text_explain_names_them() {
        let cases = [
            (
                json!({"Node Type": "Aggregate", "Strategy": "Hashed"}),
                "HashAggregate",
            ),
            (
                json!({"Node Type": "Aggregate", "Strategy": "Sorted"}),
                "GroupAggregate",
            ),
            (
                json!({"Node Type": "Aggregate", "Strategy": "Plain"}),
                "Aggregate",
            ),
            (
                json!({"Node Type": "Seq Scan", "Parallel Aware": true, "Relation Name": "events"}),
                "Parallel Seq Scan on events",
            ),
            (
                json!({"Node Type": "ModifyTable", "Operation": "Delete", "Relation Name": "t"}),
                "Delete on t",
            ),
            (
                json!({"Node Type": "Bitmap Index Scan", "Index Name": "t_a_idx"}),
                "Bitmap Index Scan on t_a_idx",
            ),
        ];
        for (node, expected) in cases {
            assert_eq!(label(&node), expected);
        }
    }

    #[test]
    fn rows_a_limit_stopped_reading_are_no_misestimate() {
        let node = |kind: &str, planned: u32, actual: u32, plans: Json| {
            json!({"Node Type": kind, "Plan Rows": planned, "Actual Rows": actual,
                "Actual Loops": 1, "Actual Total Time": 0.1, "Plans": plans})
        };
        // Limit → Sort → Aggregate: the sort was cut short, the aggregate
        // under it read everything.
        let report = analyzed(node(
            "Limit",
            5,
            5,
            json!([node(
                "Sort",
                582,
                5,
                json!([node("Aggregate", 582, 582, json!([]))])
            )]),
        ));
        assert!(kinds(&report).is_empty(), "{:?}", report.findings);
        // A sort that read all of a badly estimated aggregate still says so.
        let report = analyzed(node(
            "Limit",
            5,
            5,
            json!([node(
                "Sort",
                582,
                5,
                json!([node("Aggregate", 10, 582, json!([]))])
            )]),
        ));
        assert_eq!(kinds(&report), ["misestimate"]);
        assert_eq!(report.findings[0].node, "Aggregate");
        // More rows than planned under a Limit is still a misestimate.
        let report = analyzed(node(
            "Limit",
            5,
            5,
            json!([node("Seq Scan", 1, 500, json!([]))]),
        ));
        assert_eq!(kinds(&report), ["misestimate"]);
    }

    #[test]
    fn each_kind_of_finding_is_found() {
        let scan = |extra: Json| {
            let mut node = json!({"Node Type": "Seq Scan", "Relation Name": "t",
                "Plan Rows": 100, "Actual Rows": 100, "Actual Loops": 1, "Actual Total Time": 1.0});
            node.as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            node
        };
        let misestimate = analyzed(scan(json!({"Plan Rows": 5, "Actual Rows": 500})));
        assert_eq!(kinds(&misestimate), ["misestimate"]);
        let seq = analyzed(scan(json!({"Rows Removed by Filter": 20_000})));
        assert_eq!(kinds(&seq), ["seq_scan"]);
        let kept_most = analyzed(scan(json!({"Actual Rows": 15_000, "Plan Rows": 15_000,
            "Rows Removed by Filter": 5_000})));
        assert!(kinds(&kept_most).is_empty());
        let sort = analyzed(json!({"Node Type": "Sort", "Sort Space Type": "Disk",
            "Sort Space Used": 2048, "Plan Rows": 1, "Actual Rows": 1, "Actual Loops": 1}));
        assert_eq!(kinds(&sort), ["spill"]);
        let hash = analyzed(json!({"Node Type": "Hash", "Hash Batches": 4,
            "Plan Rows": 1, "Actual Rows": 1, "Actual Loops": 1}));
        assert_eq!(kinds(&hash), ["spill"]);
        let index_only = analyzed(json!({"Node Type": "Index Only Scan", "Heap Fetches": 4999,
            "Plan Rows": 4999, "Actual Rows": 4999, "Actual Loops": 1}));
        assert_eq!(kinds(&index_only), ["heap_fetches"]);
        let loops = analyzed(json!({"Node Type": "Nested Loop", "Plan Rows": 2000,
            "Actual Rows": 2000, "Actual Loops": 1, "Plans": [
                {"Node Type": "Index Scan", "Parent Relationship": "Inner", "Plan Rows": 1,
                 "Actual Rows": 1, "Actual Loops": 2000}]}));
        assert_eq!(kinds(&loops), ["nested_loop"]);
        let jit = from_postgres(
            "q",
            true,
            json!([{"Plan": scan(json!({})),
            "Execution Time": 60.0, "JIT": {"Timing": {"Total": 50.0}}}]),
        );
        assert_eq!(kinds(&jit), ["jit"]);
    }

    #[test]
    fn unexecuted_nodes_and_plain_plans_give_no_findings() {
        let never = analyzed(json!({"Node Type": "Seq Scan", "Plan Rows": 1,
            "Actual Rows": 0, "Actual Loops": 0, "Rows Removed by Filter": 0}));
        assert!(never.findings.is_empty());
        assert!(never.tree[0].ends_with("(never executed)"));
        let plain = from_postgres(
            "q",
            false,
            json!([{"Plan": {"Node Type": "Sort",
            "Sort Space Type": "Disk", "Plan Rows": 1}}]),
        );
        assert!(plain.findings.is_empty());
    }

    #[test]
    fn findings_are_the_worst_five_heaviest_first() {
        let findings = (0..7)
            .map(|n| Finding {
                kind: "misestimate",
                node: format!("n{n}"),
                detail: String::new(),
                weight: f64::from(n),
            })
            .collect();
        let shown: Vec<String> = worst_first(findings).into_iter().map(|f| f.node).collect();
        assert_eq!(shown, ["n6", "n5", "n4", "n3", "n2"]);
    }

    #[test]
    fn a_modify_node_is_named_by_its_operation() {
        let report = from_postgres(
            "q",
            false,
            json!([{"Plan": {"Node Type": "ModifyTable",
            "Operation": "Delete", "Relation Name": "items", "Plan Rows": 0, "Total Cost": 1.0}}]),
        );
        assert_eq!(report.tree[0], "Delete on items  rows 0  cost 1.00");
    }

    #[test]
    fn sqlite_steps_nest_by_parent_and_flag_full_scans_and_temp_btrees() {
        let steps = [
            (2, 0, "SCAN orders".to_string()),
            (
                5,
                0,
                "SEARCH customers USING INTEGER PRIMARY KEY (rowid=?)".to_string(),
            ),
            (9, 0, "CORRELATED SCALAR SUBQUERY 1".to_string()),
            (
                12,
                9,
                "SCAN items USING COVERING INDEX items_order".to_string(),
            ),
            (20, 0, "USE TEMP B-TREE FOR ORDER BY".to_string()),
        ];
        let report = from_sqlite("q", &steps, &[("orders".into(), 10_001)]);
        assert_eq!(
            report.tree[3],
            "  -> SCAN items USING COVERING INDEX items_order"
        );
        assert_eq!(report.tree[0], "SCAN orders");
        assert_eq!(kinds(&report), ["full_scan", "temp_btree"]);
        assert_eq!(
            report.json()["plan"][3],
            json!({"id": 12, "parent": 9, "detail": "SCAN items USING COVERING INDEX items_order"})
        );
    }

    #[test]
    fn a_full_scan_is_a_finding_only_of_a_large_table() {
        let steps = [
            (2, 0, "SCAN small".to_string()),
            (4, 0, "SCAN big".to_string()),
            (6, 0, "SCAN recent".to_string()),
        ];
        let sizes = [("small".to_string(), 10_000), ("big".to_string(), 10_001)];
        let report = from_sqlite("q", &steps, &sizes);
        assert_eq!(kinds(&report), ["full_scan"]);
        assert_eq!(report.findings[0].node, "SCAN big");
        assert!(
            report.findings[0].detail.contains("more than 10,000"),
            "{:?}",
            report.findings
        );
        assert_eq!(full_scans(&steps), ["small", "big", "recent"]);
    }
}
