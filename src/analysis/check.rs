//! `\check` and `glance check`: data-quality checks generated from the
//! catalog (orphans, NULLs, duplicates, NOT VALID CHECK violations, values
//! out of range, spelling variants). Every check is one SELECT glance
//! builds; the classifier must rate it read-only before it runs in the
//! session's read-only guard, so a check can never change the database.
//! Large tables are sampled (PostgreSQL `TABLESAMPLE SYSTEM`, a row bound on
//! SQLite) unless the caller asks for exact counts.

use serde_json::json;

use crate::catalog::{Catalog, ColumnInfo, Relation, RelationKind};
use crate::db::Column;
use crate::db::{self, Dialect, Value};
use crate::describe;
use crate::ident::quote_ident_always as quote;
use crate::numbers::thousands;
use crate::render::Description;
use crate::safety::Level;
use crate::session::Session;

/// Tables with at least this many estimated rows are sampled by default.
pub const SAMPLE_THRESHOLD: i64 = 100_000;
/// The share of a large table read when no `--sample` is given.
pub const DEFAULT_SAMPLE_PCT: u32 = 10;
/// The rows of a SQLite table a check reads unless `--exact`.
pub const SQLITE_ROW_BOUND: u64 = 100_000;
/// How many distinct offending values a check shows.
const SAMPLE_VALUES: usize = 5;
/// Text columns with at most this many distinct values count as categories.
pub const CATEGORY_LIMIT: usize = 50;
/// Column names that should hold one value per row.
const KEY_NAMES: [&str; 6] = ["email", "slug", "sku", "code", "username", "uuid"];
/// Numeric column names where a negative value is a defect.
const AMOUNT_WORDS: [&str; 5] = ["amount", "price", "total", "cost", "quantity"];

/// Which tables to check and how much of each to read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// One table; every table when `None`.
    pub table: Option<String>,
    /// Sample every table at this percentage (PostgreSQL).
    pub sample: Option<u32>,
    /// Read every row of every table.
    pub exact: bool,
}

/// What a check looks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Orphans,
    Nulls,
    Duplicates,
    CheckViolation,
    OutOfRange,
    Variants,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Orphans => "orphans",
            Kind::Nulls => "nulls",
            Kind::Duplicates => "duplicates",
            Kind::CheckViolation => "check_violation",
            Kind::OutOfRange => "out_of_range",
            Kind::Variants => "variants",
        }
    }
}

/// One check and, once run, what it found.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub kind: Kind,
    /// `schema.table` as a person would type it.
    pub table: String,
    /// The table's own name, without its schema.
    pub name: String,
    pub columns: Vec<String>,
    /// Offending rows (duplicates, variants: offending groups).
    pub count: i64,
    /// Up to [`SAMPLE_VALUES`] offending values.
    pub sample: Vec<String>,
    pub sql: String,
    /// `count` is an estimate from `pg_stats`, not a count of rows.
    pub estimated: bool,
    /// Every row was read: no sample, bound or estimate.
    pub whole: bool,
    /// Orphans of one column: the parent table's name and key column.
    pub parent: Option<(String, String)>,
    /// Variants: a query for the column's distinct values (at most one
    /// more than a category has), for exports.
    pub values_sql: Option<String>,
}

/// Every check run and how the tables were read.
#[derive(Clone, Debug, PartialEq)]
pub struct Report {
    pub checks: Vec<Check>,
    /// Tables read in part, each with how (`10% TABLESAMPLE SYSTEM`).
    pub sampled: Vec<(String, String)>,
    /// Checks not run because the classifier did not rate them read-only.
    pub skipped: Vec<Skipped>,
}

/// A check left out, and the classifier's reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Skipped {
    pub kind: Kind,
    pub table: String,
    pub columns: Vec<String>,
    pub sql: String,
    pub reason: String,
}

/// Check kinds with the columns each was run on.
type ColumnsByKind<'a> = Vec<(&'a str, Vec<String>)>;

impl Report {
    /// The findings (checks that counted something) as a table, then the
    /// checks that found nothing; with `show_sql`, a section per check with
    /// its SQL.
    pub fn describe(&self, show_sql: bool) -> Description {
        let findings: Vec<&Check> = self.checks.iter().filter(|c| c.count > 0).collect();
        let title = format!(
            "Data-quality checks: {} run, {} found something",
            self.checks.len(),
            findings.len()
        );
        let columns = ["kind", "table", "columns", "count", "sample"]
            .into_iter()
            .map(|name| Column {
                name: name.into(),
                type_name: "text".into(),
            })
            .collect();
        let rows = findings
            .iter()
            .map(|c| {
                vec![
                    Value::Text(c.kind.name().into()),
                    Value::Text(c.table.clone()),
                    Value::Text(c.columns.join(", ")),
                    Value::Text(if c.estimated {
                        format!("~{}", c.count)
                    } else {
                        c.count.to_string()
                    }),
                    Value::Text(c.sample.join(", ")),
                ]
            })
            .collect();
        let mut sections = Vec::new();
        // One line per table, the columns by kind: `orders: nulls total,
        // placed_on; orphans customer_id` (a key of several columns in
        // parentheses).
        let mut held: Vec<(&str, ColumnsByKind)> = Vec::new();
        for check in self.checks.iter().filter(|c| c.count == 0) {
            let columns = match check.columns.as_slice() {
                [one] => one.clone(),
                many => format!("({})", many.join(", ")),
            };
            let at = match held.iter().position(|(table, _)| *table == check.table) {
                Some(at) => at,
                None => {
                    held.push((&check.table, Vec::new()));
                    held.len() - 1
                }
            };
            let kinds = &mut held[at].1;
            match kinds
                .iter_mut()
                .find(|(kind, _)| *kind == check.kind.name())
            {
                Some((_, all)) => all.push(columns),
                None => kinds.push((check.kind.name(), vec![columns])),
            }
        }
        let held: Vec<String> = held
            .into_iter()
            .map(|(table, kinds)| {
                let kinds: Vec<String> = kinds
                    .into_iter()
                    .map(|(kind, columns)| format!("{kind} {}", columns.join(", ")))
                    .collect();
                format!("{table}: {}", kinds.join("; "))
            })
            .collect();
        if !held.is_empty() {
            sections.push(("Found nothing".to_string(), held));
        }
        if !self.sampled.is_empty() {
            let lines = self
                .sampled
                .iter()
                .map(|(table, how)| {
                    format!("{table}: {how} (counts are of the sample; --exact counts all rows)")
                })
                .collect();
            sections.push(("Sampled".to_string(), lines));
        }
        if findings.iter().any(|c| c.estimated) {
            sections.push((
                "Estimated".to_string(),
                vec!["~N: NULL counts of analysed columns from pg_stats.null_frac; --exact counts rows".into()],
            ));
        }
        if !self.skipped.is_empty() {
            let lines = self
                .skipped
                .iter()
                .map(|c| {
                    format!(
                        "{} on {} ({}): {}",
                        c.kind.name(),
                        c.table,
                        c.columns.join(", "),
                        c.reason
                    )
                })
                .collect();
            sections.push(("Not run: not rated read-only".to_string(), lines));
        }
        if show_sql {
            for check in &self.checks {
                sections.push((
                    format!(
                        "{} on {} ({})",
                        check.kind.name(),
                        check.table,
                        check.columns.join(", ")
                    ),
                    check.sql.lines().map(str::to_string).collect(),
                ));
            }
        }
        Description {
            title: Some(title),
            columns,
            rows,
            sections,
        }
    }

    /// The stable JSON form: `{"checks": [{"kind", "table", "columns",
    /// "count", "sample", "sql", "estimated"}], "sampled": [{"table",
    /// "sample"}], "skipped": [{"kind", "table", "columns", "sql",
    /// "reason"}]}`.
    pub fn json(&self) -> serde_json::Value {
        let checks: Vec<_> = self
            .checks
            .iter()
            .map(|c| {
                json!({
                    "kind": c.kind.name(),
                    "table": c.table,
                    "columns": c.columns,
                    "count": c.count,
                    "sample": c.sample,
                    "sql": c.sql,
                    "estimated": c.estimated,
                })
            })
            .collect();
        let sampled: Vec<_> = self
            .sampled
            .iter()
            .map(|(table, how)| json!({"table": table, "sample": how}))
            .collect();
        let skipped: Vec<_> = self
            .skipped
            .iter()
            .map(|c| {
                json!({
                    "kind": c.kind.name(),
                    "table": c.table,
                    "columns": c.columns,
                    "sql": c.sql,
                    "reason": c.reason,
                })
            })
            .collect();
        json!({"checks": checks, "sampled": sampled, "skipped": skipped})
    }
}

/// Builds the checks for the tables `options` names and runs each through
/// the session's read-only guard.
pub fn run(session: &mut Session, options: &Options) -> Result<Report, db::Error> {
    let dialect = session.info().dialect;
    if dialect == Dialect::Mysql {
        return Err(db::Error::Other(
            "the data-quality checks are written in PostgreSQL's and SQLite's SQL, not yet in \
             MySQL's; nothing was checked"
                .into(),
        ));
    }
    if dialect == Dialect::Sqlite && options.sample.is_some() {
        return Err(db::Error::Other(format!(
            "--sample needs PostgreSQL's TABLESAMPLE; on SQLite a check reads at most {SQLITE_ROW_BOUND} rows of a table, all with --exact"
        )));
    }
    let facts = match dialect {
        Dialect::Postgres => read_facts(session)?,
        _ => Facts::default(),
    };
    let catalog = session.catalog()?.clone();
    let tables = chosen_tables(&catalog, options.table.as_deref())?;
    let mut planned = Vec::new();
    let mut sampled = Vec::new();
    for table in &tables {
        let mut source = Source::of(table, dialect, options);
        if dialect == Dialect::Sqlite && !source.exact && beyond_bound(session, table)? {
            source.how = Some(format!("first {} rows", thousands(SQLITE_ROW_BOUND)));
        }
        if let Some(how) = &source.how {
            sampled.push((display_name(table, dialect), how.clone()));
        }
        planned.extend(plan(&catalog, table, &source, &facts, dialect));
    }
    let mut checks = Vec::new();
    let mut skipped = Vec::new();
    for check in planned {
        // A NOT VALID CHECK may call a function the classifier cannot
        // clear: that one check is left out and said so, the rest still run.
        match not_read_only(session, &check.sql) {
            Some(reason) => skipped.push(Skipped {
                kind: check.kind,
                table: check.table,
                columns: check.columns,
                sql: check.sql,
                reason,
            }),
            None => checks.push(execute(session, check)?),
        }
    }
    Ok(Report {
        checks,
        sampled,
        skipped,
    })
}

/// What the PostgreSQL catalog adds to introspection: NOT VALID CHECK
/// constraints and the columns whose statistics say every value differs.
#[derive(Clone, Debug, Default)]
struct Facts {
    /// (schema, table, constraint, expression).
    unvalidated_checks: Vec<(String, String, String, String)>,
    /// (schema, table, column) of analysed columns, with whether
    /// `pg_stats.n_distinct = -1` (every value differs).
    analysed: Vec<(String, String, String, bool)>,
}

const UNVALIDATED_CHECKS_SQL: &str = "SELECT n.nspname::text, c.relname::text, con.conname::text, \
     pg_get_expr(con.conbin, con.conrelid) \
     FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE con.contype = 'c' AND NOT con.convalidated ORDER BY 1, 2, 3";

const ANALYSED_SQL: &str = "SELECT schemaname::text, tablename::text, attname::text, \
     n_distinct = -1 FROM pg_stats \
     WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2, 3";

/// Whether SQLite table `table` has more rows than a check reads of it.
fn beyond_bound(session: &mut Session, table: &Relation) -> Result<bool, db::Error> {
    let sql = format!(
        "SELECT count(*) FROM (SELECT 1 FROM {} LIMIT {})",
        qualified(table, Dialect::Sqlite),
        SQLITE_ROW_BOUND + 1
    );
    let (_, rows) = guarded(session, &sql)?;
    Ok(
        matches!(rows.first().map(Vec::as_slice), Some([Value::Int(n)]) if n.unsigned_abs() > SQLITE_ROW_BOUND),
    )
}

fn read_facts(session: &mut Session) -> Result<Facts, db::Error> {
    let text = |value: &Value| match value {
        Value::Text(text) => text.clone(),
        _ => String::new(),
    };
    let (_, rows) = guarded(session, UNVALIDATED_CHECKS_SQL)?;
    let unvalidated_checks = rows
        .iter()
        .filter(|row| row.len() == 4)
        .map(|row| (text(&row[0]), text(&row[1]), text(&row[2]), text(&row[3])))
        .collect();
    let (_, rows) = guarded(session, ANALYSED_SQL)?;
    let analysed = rows
        .iter()
        .filter(|row| row.len() == 4)
        .map(|row| {
            let all_distinct = row[3] == Value::Bool(true);
            (text(&row[0]), text(&row[1]), text(&row[2]), all_distinct)
        })
        .collect();
    Ok(Facts {
        unvalidated_checks,
        analysed,
    })
}

/// Classifies `sql` and runs it in the read-only guard only when the
/// classifier rates it read-only: glance's checks must never be anything else.
pub(super) fn guarded(
    session: &mut Session,
    sql: &str,
) -> Result<(Vec<db::Column>, Vec<db::Row>), db::Error> {
    if let Some(reason) = not_read_only(session, sql) {
        return Err(db::Error::Other(format!(
            "not run: a data-quality check must only read ({reason})"
        )));
    }
    session.catalog_query(sql)
}

/// Why the classifier does not rate `sql` read-only, if it does not.
fn not_read_only(session: &mut Session, sql: &str) -> Option<String> {
    let verdict = session.classify(sql);
    (verdict.level != Level::ReadOnly).then(|| verdict.reasons.join("; "))
}

fn chosen_tables(catalog: &Catalog, name: Option<&str>) -> Result<Vec<Relation>, db::Error> {
    let is_table =
        |r: &Relation| matches!(r.kind, RelationKind::Table | RelationKind::PartitionedTable);
    match name {
        None => Ok(catalog
            .relations
            .iter()
            .filter(|r| is_table(r))
            .cloned()
            .collect()),
        Some(name) => {
            let found = describe::resolve(catalog, name).and_then(|(schema, table)| {
                catalog
                    .relations
                    .iter()
                    .find(|r| r.schema == schema && r.name == table && is_table(r))
            });
            match found {
                Some(relation) => Ok(vec![relation.clone()]),
                None => Err(db::Error::Other(format!(
                    "did not find a table named \"{}\"",
                    crate::escape::visible(name)
                ))),
            }
        }
    }
}

fn display_name(table: &Relation, dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => format!("{}.{}", table.schema, table.name),
        _ => table.name.clone(),
    }
}

fn qualified(table: &Relation, dialect: Dialect) -> String {
    match dialect {
        Dialect::Postgres => format!("{}.{}", quote(&table.schema), quote(&table.name)),
        _ => quote(&table.name),
    }
}

/// The `FROM` item a check reads its table through, aliased `t`.
struct Source {
    from: String,
    /// Every row is read (`--exact`).
    exact: bool,
    /// How the table is sampled, when it is.
    how: Option<String>,
}

impl Source {
    fn of(table: &Relation, dialect: Dialect, options: &Options) -> Source {
        let name = qualified(table, dialect);
        if options.exact {
            return Source {
                from: format!("{name} AS t"),
                exact: true,
                how: None,
            };
        }
        match dialect {
            Dialect::Postgres => {
                let large = table.row_estimate.unwrap_or(0) >= SAMPLE_THRESHOLD;
                match options.sample.or(large.then_some(DEFAULT_SAMPLE_PCT)) {
                    Some(pct) => Source {
                        from: format!("{name} AS t TABLESAMPLE SYSTEM ({pct})"),
                        exact: false,
                        how: Some(format!("{pct}% TABLESAMPLE SYSTEM")),
                    },
                    None => Source {
                        from: format!("{name} AS t"),
                        exact: false,
                        how: None,
                    },
                }
            }
            _ => Source {
                from: format!("(SELECT * FROM {name} LIMIT {SQLITE_ROW_BOUND}) AS t"),
                exact: false,
                how: None,
            },
        }
    }
}

/// A check before it runs.
struct Planned {
    kind: Kind,
    table: String,
    name: String,
    columns: Vec<String>,
    /// Returns one row: the count and the sample values joined by U+001F.
    sql: String,
    /// The count is the planner's statistics, not a count of rows.
    estimated: bool,
    /// Every row is read.
    whole: bool,
    parent: Option<(String, String)>,
    values_sql: Option<String>,
}

fn plan(
    catalog: &Catalog,
    table: &Relation,
    source: &Source,
    facts: &Facts,
    dialect: Dialect,
) -> Vec<Planned> {
    let from = &source.from;
    let name = display_name(table, dialect);
    // `inner` selects one text column `v`, one row per offending row or group.
    let whole = source.how.is_none();
    let planned = |kind, columns: Vec<String>, inner: String| Planned {
        kind,
        table: name.clone(),
        name: table.name.clone(),
        columns,
        sql: wrap(&inner, dialect),
        estimated: false,
        whole,
        parent: None,
        values_sql: None,
    };
    let text = |expr: &str| format!("CAST({expr} AS TEXT)");
    let mut out = Vec::new();

    // Declared foreign keys, then undeclared `<x>_id` columns:
    // (columns, parent's qualified name, parent's name, parent's columns).
    let mut references: Vec<(Vec<String>, String, String, Vec<String>)> = table
        .foreign_keys
        .iter()
        .filter_map(|fk| {
            let parent = catalog
                .relations
                .iter()
                .find(|r| r.schema == fk.ref_schema && r.name == fk.ref_table)?;
            Some((
                fk.columns.clone(),
                qualified(parent, dialect),
                parent.name.clone(),
                fk.ref_columns.clone(),
            ))
        })
        .collect();
    for column in &table.columns {
        if references
            .iter()
            .any(|(cols, _, _, _)| cols.contains(&column.name))
        {
            continue;
        }
        if let Some(parent) = implied_parent(catalog, table, column) {
            let key = parent
                .primary_key
                .as_ref()
                .map(|k| k.columns.clone())
                .unwrap_or_default();
            references.push((
                vec![column.name.clone()],
                qualified(parent, dialect),
                parent.name.clone(),
                key,
            ));
        }
    }
    for (columns, parent, parent_name, keys) in references {
        let present = columns
            .iter()
            .map(|c| format!("t.{} IS NOT NULL", quote(c)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let matches = columns
            .iter()
            .zip(&keys)
            .map(|(c, k)| format!("p.{} = t.{}", quote(k), quote(c)))
            .collect::<Vec<_>>()
            .join(" AND ");
        let value = columns
            .iter()
            .map(|c| text(&format!("t.{}", quote(c))))
            .collect::<Vec<_>>()
            .join(" || ', ' || ");
        let single = match keys.as_slice() {
            [key] if columns.len() == 1 => Some((parent_name, key.clone())),
            _ => None,
        };
        out.push(Planned {
            parent: single,
            ..planned(
                Kind::Orphans,
                columns.clone(),
                format!(
                    "SELECT {value} AS v FROM {from} WHERE {present} AND NOT EXISTS (SELECT 1 FROM {parent} AS p WHERE {matches})"
                ),
            )
        });
    }

    for column in table.columns.iter().filter(|c| c.nullable) {
        let analysed = facts
            .analysed
            .iter()
            .any(|(s, t, c, _)| *s == table.schema && *t == table.name && *c == column.name);
        if analysed && !source.exact {
            out.push(Planned {
                kind: Kind::Nulls,
                table: name.clone(),
                name: table.name.clone(),
                columns: vec![column.name.clone()],
                sql: null_estimate_sql(table, &column.name),
                estimated: true,
                whole: false,
                parent: None,
                values_sql: None,
            });
            continue;
        }
        out.push(planned(
            Kind::Nulls,
            vec![column.name.clone()],
            format!(
                "SELECT NULL AS v FROM {from} WHERE t.{} IS NULL",
                quote(&column.name)
            ),
        ));
    }

    for column in &table.columns {
        // Every value differing makes a would-be key only in a type keys
        // have: times and amounts are mostly distinct without being keys.
        let all_distinct = is_key_type(&column.type_name)
            && facts.analysed.iter().any(|(s, t, c, all)| {
                *all && *s == table.schema && *t == table.name && *c == column.name
            });
        if (KEY_NAMES.contains(&column.name.as_str()) || all_distinct)
            && !is_unique(table, &column.name)
        {
            let c = format!("t.{}", quote(&column.name));
            out.push(planned(
                Kind::Duplicates,
                vec![column.name.clone()],
                format!(
                    "SELECT {} AS v FROM {from} WHERE {c} IS NOT NULL GROUP BY {c} HAVING count(*) > 1",
                    text(&c)
                ),
            ));
        }
    }

    for (_, _, constraint, expression) in facts
        .unvalidated_checks
        .iter()
        .filter(|(s, t, _, _)| *s == table.schema && *t == table.name)
    {
        out.push(planned(
            Kind::CheckViolation,
            vec![constraint.clone()],
            format!(
                "SELECT {} AS v FROM {from} WHERE ({expression}) IS FALSE",
                text("t")
            ),
        ));
    }

    for column in &table.columns {
        let c = format!("t.{}", quote(&column.name));
        let condition = if is_temporal(&column.type_name) {
            let now = match dialect {
                Dialect::Postgres => "CURRENT_TIMESTAMP",
                _ => "datetime('now')",
            };
            format!("{c} > {now} OR {c} < '1900-01-01'")
        } else if is_numeric(&column.type_name) && is_amount(&column.name) {
            format!("{c} < 0")
        } else {
            continue;
        };
        out.push(planned(
            Kind::OutOfRange,
            vec![column.name.clone()],
            format!("SELECT {} AS v FROM {from} WHERE {condition}", text(&c)),
        ));
    }

    for column in &table.columns {
        if !is_text(&column.type_name) || KEY_NAMES.contains(&column.name.as_str()) {
            continue;
        }
        let c = quote(&column.name);
        let spellings = match dialect {
            Dialect::Postgres => {
                "string_agg(DISTINCT '\"' || c || '\"', ' | ' ORDER BY '\"' || c || '\"')"
                    .to_string()
            }
            _ => "group_concat(DISTINCT '\"' || c || '\"')".to_string(),
        };
        out.push(Planned {
            values_sql: Some(format!(
                "SELECT DISTINCT {} AS v FROM {from} WHERE t.{c} IS NOT NULL ORDER BY 1 LIMIT {}",
                text(&format!("t.{c}")),
                CATEGORY_LIMIT + 1
            )),
            ..planned(
                Kind::Variants,
                vec![column.name.clone()],
                format!(
                    "SELECT {spellings} AS v FROM (SELECT t.{c} AS c FROM {from}) AS s WHERE c IS NOT NULL \
                     GROUP BY lower(trim(c)) HAVING count(DISTINCT c) > 1 \
                     AND (SELECT count(*) FROM (SELECT DISTINCT t.{c} FROM {from}) AS d) <= {CATEGORY_LIMIT}"
                ),
            )
        });
    }
    out
}

/// A NULL count from the statistics of an analysed column:
/// `pg_stats.null_frac` times the table's row estimate. Names travel
/// hex-encoded, so no quoting of theirs can change the query.
fn null_estimate_sql(table: &Relation, column: &str) -> String {
    let text = |s: &str| {
        format!(
            "convert_from(decode('{}', 'hex'), 'UTF8')",
            describe::hex(s)
        )
    };
    format!(
        "SELECT CAST(round(s.null_frac * greatest(c.reltuples, 0)) AS bigint) AS count, \
         CAST(NULL AS text) AS sample\nFROM pg_stats AS s\n\
         JOIN pg_namespace AS n ON n.nspname = s.schemaname\n\
         JOIN pg_class AS c ON c.relnamespace = n.oid AND c.relname = s.tablename\n\
         WHERE s.schemaname = {} AND s.tablename = {} AND s.attname = {}\n\
         ORDER BY s.inherited LIMIT 1",
        text(&table.schema),
        text(&table.name),
        text(column)
    )
}

/// The table an undeclared `<x>_id` column seems to point at: `x` or `xs`
/// in the same schema, with a single-column primary key of the same type.
fn implied_parent<'a>(
    catalog: &'a Catalog,
    table: &Relation,
    column: &ColumnInfo,
) -> Option<&'a Relation> {
    let stem = column.name.strip_suffix("_id")?;
    if stem.is_empty() {
        return None;
    }
    catalog.relations.iter().find(|r| {
        r.schema == table.schema
            && (r.name == stem || r.name == format!("{stem}s"))
            && r.primary_key.as_ref().is_some_and(|key| {
                key.columns.len() == 1
                    && r.columns
                        .iter()
                        .find(|c| c.name == key.columns[0])
                        .is_some_and(|c| same_type(&c.type_name, &column.type_name))
            })
    })
}

/// Types equal up to case and serial-ness (`serial` keys hold `integer`).
fn same_type(a: &str, b: &str) -> bool {
    let base = |t: &str| match t.to_ascii_lowercase().as_str() {
        "serial" | "int4" | "int" => "integer".to_string(),
        "bigserial" | "int8" => "bigint".to_string(),
        other => other.to_string(),
    };
    base(a) == base(b)
}

/// Whether a unique constraint, primary key or unique index holds on
/// `column` alone.
fn is_unique(table: &Relation, column: &str) -> bool {
    let alone = |columns: &[String]| columns.len() == 1 && columns[0] == column;
    table
        .primary_key
        .as_ref()
        .is_some_and(|k| alone(&k.columns))
        || table.unique_keys.iter().any(|k| alone(&k.columns))
        || table.indexes.iter().any(|index| {
            index.unique
                && (index.definition.ends_with(&format!("({column})"))
                    || index.definition.ends_with(&format!("({})", quote(column))))
        })
}

fn is_temporal(type_name: &str) -> bool {
    let t = type_name.to_ascii_lowercase();
    t == "date" || t.starts_with("timestamp") || t == "datetime"
}

fn is_numeric(type_name: &str) -> bool {
    let t = type_name.to_ascii_lowercase();
    [
        "int", "numeric", "decimal", "real", "double", "float", "money",
    ]
    .iter()
    .any(|word| t.contains(word))
}

fn is_text(type_name: &str) -> bool {
    let t = type_name.to_ascii_lowercase();
    t == "text" || t.contains("char")
}

/// Text, integers and UUIDs: the types keys are made of.
fn is_key_type(type_name: &str) -> bool {
    let t = type_name.to_ascii_lowercase();
    is_text(&t)
        || t == "uuid"
        || [
            "int", "smallint", "integer", "bigint", "int2", "int4", "int8",
        ]
        .contains(&t.as_str())
}

fn is_amount(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    AMOUNT_WORDS.iter().any(|word| name.contains(word))
}

/// The SQL a check runs: the count of `inner`'s rows and its first
/// distinct values.
fn wrap(inner: &str, dialect: Dialect) -> String {
    let agg = match dialect {
        Dialect::Postgres => "string_agg(v, chr(31))",
        _ => "group_concat(v, char(31))",
    };
    format!(
        "WITH q AS ({inner})\nSELECT (SELECT count(*) FROM q) AS count,\n       \
         (SELECT {agg} FROM (SELECT DISTINCT v FROM q WHERE v IS NOT NULL ORDER BY v LIMIT {SAMPLE_VALUES}) AS s) AS sample"
    )
}

fn execute(session: &mut Session, planned: Planned) -> Result<Check, db::Error> {
    let sql = planned.sql;
    let (_, rows) = session.catalog_query(&sql)?;
    let (count, sample) = match rows.first().map(Vec::as_slice) {
        Some([count, sample]) => {
            let count = match count {
                Value::Int(n) => *n,
                Value::Numeric(text) | Value::Text(text) => text.parse().unwrap_or(0),
                _ => 0,
            };
            let sample = match sample {
                Value::Text(text) => text.split('\u{1f}').map(str::to_string).collect(),
                _ => Vec::new(),
            };
            (count, sample)
        }
        _ => (0, Vec::new()),
    };
    Ok(Check {
        kind: planned.kind,
        table: planned.table,
        name: planned.name,
        columns: planned.columns,
        count,
        sample,
        sql,
        estimated: planned.estimated,
        whole: planned.whole,
        parent: planned.parent,
        values_sql: planned.values_sql,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ForeignKey, Key};
    use crate::safety;

    fn column(name: &str, type_name: &str) -> ColumnInfo {
        crate::testing::column(name, type_name, true)
    }

    /// customers(id, email, status) and orders(id, customer_id → customers,
    /// total, placed_on) plus payments(order_id) without a declared key.
    fn shop(schema: &str) -> Catalog {
        let mut customers = Relation::new(schema, "customers", RelationKind::Table);
        customers.columns = vec![
            column("id", "integer"),
            column("email", "text"),
            column("status", "text"),
        ];
        customers.primary_key = Some(Key {
            name: "customers_pkey".into(),
            columns: vec!["id".into()],
        });
        let mut orders = Relation::new(schema, "orders", RelationKind::Table);
        orders.columns = vec![
            column("id", "integer"),
            column("customer_id", "integer"),
            column("total", "numeric"),
            column("placed_on", "date"),
        ];
        orders.primary_key = Some(Key {
            name: "orders_pkey".into(),
            columns: vec!["id".into()],
        });
        orders.foreign_keys = vec![ForeignKey {
            name: "orders_customer_fk".into(),
            columns: vec!["customer_id".into()],
            ref_schema: schema.into(),
            ref_table: "customers".into(),
            ref_columns: vec!["id".into()],
            ..ForeignKey::default()
        }];
        let mut payments = Relation::new(schema, "payments", RelationKind::Table);
        payments.columns = vec![column("order_id", "integer"), column("amount", "numeric")];
        Catalog {
            relations: vec![customers, orders, payments],
            ..Catalog::default()
        }
    }

    fn facts() -> Facts {
        Facts {
            unvalidated_checks: vec![(
                "public".into(),
                "orders".into(),
                "total_not_negative".into(),
                "(total >= (0)::numeric)".into(),
            )],
            analysed: vec![
                ("public".into(), "customers".into(), "status".into(), false),
                ("public".into(), "orders".into(), "customer_id".into(), true),
                ("public".into(), "orders".into(), "placed_on".into(), true),
                ("public".into(), "orders".into(), "total".into(), true),
            ],
        }
    }

    fn planned(dialect: Dialect, options: &Options) -> Vec<Planned> {
        let schema = if dialect == Dialect::Postgres {
            "public"
        } else {
            "main"
        };
        let catalog = shop(schema);
        let facts = facts();
        catalog
            .relations
            .iter()
            .flat_map(|table| {
                let source = Source::of(table, dialect, options);
                plan(&catalog, table, &source, &facts, dialect)
            })
            .collect()
    }

    #[test]
    fn every_generated_check_is_rated_read_only() {
        let options = [
            Options::default(),
            Options {
                exact: true,
                ..Options::default()
            },
            Options {
                sample: Some(5),
                ..Options::default()
            },
        ];
        for dialect in [Dialect::Postgres, Dialect::Sqlite] {
            for options in &options {
                let checks = planned(dialect, options);
                assert!(checks.len() > 10, "{dialect:?}");
                for check in checks {
                    let verdict = safety::classify(&check.sql, dialect, None);
                    assert_eq!(
                        verdict.level,
                        Level::ReadOnly,
                        "{}\n{:?}",
                        check.sql,
                        verdict
                    );
                }
            }
        }
        for sql in [UNVALIDATED_CHECKS_SQL, ANALYSED_SQL] {
            let verdict = safety::classify(sql, Dialect::Postgres, None);
            assert_eq!(verdict.level, Level::ReadOnly, "{sql}");
        }
    }

    #[test]
    fn each_kind_is_planned_where_the_catalog_calls_for_it() {
        let checks = planned(Dialect::Postgres, &Options::default());
        let has = |kind: Kind, table: &str, column: &str| {
            checks
                .iter()
                .any(|c| c.kind == kind && c.table == table && c.columns == [column])
        };
        assert!(has(Kind::Orphans, "public.orders", "customer_id"));
        assert!(
            has(Kind::Orphans, "public.payments", "order_id"),
            "undeclared <x>_id"
        );
        assert!(!has(Kind::Orphans, "public.orders", "id"));
        assert!(has(Kind::Duplicates, "public.customers", "email"));
        assert!(
            !has(Kind::Duplicates, "public.customers", "id"),
            "a primary key is unique"
        );
        assert!(
            has(Kind::Duplicates, "public.orders", "customer_id"),
            "every value differs"
        );
        for (column, why) in [("placed_on", "a date"), ("total", "an amount")] {
            assert!(
                !has(Kind::Duplicates, "public.orders", column),
                "{why} that differs everywhere is no key"
            );
        }
        assert!(has(
            Kind::CheckViolation,
            "public.orders",
            "total_not_negative"
        ));
        assert!(has(Kind::OutOfRange, "public.orders", "placed_on"));
        assert!(has(Kind::OutOfRange, "public.orders", "total"));
        assert!(has(Kind::OutOfRange, "public.payments", "amount"));
        assert!(!has(Kind::OutOfRange, "public.orders", "customer_id"));
        assert!(has(Kind::Variants, "public.customers", "status"));
        assert!(!has(Kind::Variants, "public.customers", "email"));
        let status_nulls = checks
            .iter()
            .find(|c| c.kind == Kind::Nulls && c.columns == ["status"])
            .expect("nulls of status");
        assert!(status_nulls.estimated && status_nulls.sql.contains("pg_stats"));
        let email_nulls = checks
            .iter()
            .find(|c| c.kind == Kind::Nulls && c.columns == ["email"])
            .expect("nulls of email");
        assert!(!email_nulls.estimated, "not analysed: counted");
    }

    #[test]
    fn checks_that_found_nothing_are_listed_by_table_and_kind() {
        let check = |kind, table: &str, columns: &[&str], count| Check {
            kind,
            table: table.into(),
            name: table.into(),
            columns: columns.iter().map(|c| c.to_string()).collect(),
            count,
            sample: Vec::new(),
            sql: String::new(),
            estimated: false,
            whole: true,
            parent: None,
            values_sql: None,
        };
        let report = Report {
            checks: vec![
                check(Kind::Nulls, "orders", &["total"], 0),
                check(Kind::Orphans, "orders", &["customer_id"], 3),
                check(Kind::Nulls, "orders", &["placed_on"], 0),
                check(Kind::Duplicates, "orders", &["region", "code"], 0),
                check(Kind::Variants, "customers", &["status"], 0),
            ],
            sampled: Vec::new(),
            skipped: Vec::new(),
        };
        let description = report.describe(false);
        assert_eq!(description.rows.len(), 1);
        assert_eq!(
            description.sections[0],
            (
                "Found nothing".to_string(),
                vec![
                    "orders: nulls total, placed_on; duplicates (region, code)".to_string(),
                    "customers: variants status".to_string(),
                ]
            )
        );
    }

    #[test]
    fn large_tables_are_sampled_unless_exact() {
        let mut table = Relation::new("public", "big", RelationKind::Table);
        table.row_estimate = Some(SAMPLE_THRESHOLD);
        let source = Source::of(&table, Dialect::Postgres, &Options::default());
        assert_eq!(
            source.from,
            "\"public\".\"big\" AS t TABLESAMPLE SYSTEM (10)"
        );
        assert_eq!(source.how.as_deref(), Some("10% TABLESAMPLE SYSTEM"));
        table.row_estimate = Some(SAMPLE_THRESHOLD - 1);
        let source = Source::of(&table, Dialect::Postgres, &Options::default());
        assert_eq!(
            (source.from.as_str(), source.how),
            ("\"public\".\"big\" AS t", None)
        );
        let exact = Options {
            exact: true,
            ..Options::default()
        };
        let source = Source::of(&table, Dialect::Sqlite, &exact);
        assert_eq!(source.from, "\"big\" AS t");
        let source = Source::of(&table, Dialect::Sqlite, &Options::default());
        assert_eq!(source.from, "(SELECT * FROM \"big\" LIMIT 100000) AS t");
    }
}
