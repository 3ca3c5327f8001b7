//! The adversarial corpus (`tests/corpus/safety.tsv`) run through the
//! classifier: every row must get its expected level. The test prints the
//! corpus size, the writes judged read-only (must be 0) and the over-blocking
//! rate, and fails listing every mismatch.
//!
//! Rows are classified with the catalog of the differential test's seeded
//! schema (its user functions and their volatility), as glance classifies a
//! model's SQL once it has read the schema.

use std::collections::HashMap;

use super::{Level, classify};
use crate::catalog::{Catalog, Volatility};
use crate::db::Dialect;

const CORPUS: &str = include_str!("../../tests/corpus/safety.tsv");

/// One corpus row.
struct Row {
    line: usize,
    level: Level,
    dialect: Dialect,
    sql: String,
    /// Read-only in effect, asked about on purpose.
    harmless: bool,
}

fn parse(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [level, dialect, sql, note] = fields[..] else {
            panic!("corpus line {}: expected 4 tab-separated fields", i + 1);
        };
        let level = match level {
            "read_only" => Level::ReadOnly,
            "write" => Level::Write,
            "destructive" => Level::Destructive,
            other => panic!("corpus line {}: unknown level {other:?}", i + 1),
        };
        let dialect = match dialect {
            "pg" => Dialect::Postgres,
            "sqlite" => Dialect::Sqlite,
            other => panic!("corpus line {}: unknown dialect {other:?}", i + 1),
        };
        assert!(!note.is_empty(), "corpus line {}: the note is empty", i + 1);
        rows.push(Row {
            line: i + 1,
            level,
            dialect,
            sql: sql.replace('↵', "\n"),
            harmless: note.starts_with("harmless:"),
        });
    }
    rows
}

/// The user functions and operators of the seeded schema (see
/// `tests/e2e/safety.rs`), and a few volatile built-ins as the server
/// records them.
pub(super) fn seeded_catalog() -> Catalog {
    let functions = [
        ("st_dwithin", Volatility::Immutable),
        ("st_astext", Volatility::Immutable),
        ("st_distance", Volatility::Immutable),
        ("st_x", Volatility::Immutable),
        ("full_name", Volatility::Stable),
        ("log_visit", Volatility::Volatile),
        ("touch", Volatility::Volatile),
        ("random", Volatility::Volatile),
        ("gen_random_uuid", Volatility::Volatile),
        ("clock_timestamp", Volatility::Volatile),
        ("timeofday", Volatility::Volatile),
        ("brin_summarize_new_values", Volatility::Volatile),
    ];
    Catalog {
        functions: functions
            .iter()
            .map(|(n, v)| (n.to_string(), *v))
            .collect::<HashMap<_, _>>(),
        operators: HashMap::from([("<%>".to_string(), Volatility::Volatile)]),
        ..Catalog::default()
    }
}

#[test]
fn corpus_rows_get_their_expected_level() {
    let rows = parse(CORPUS);
    let catalog = seeded_catalog();
    let mut mismatches = Vec::new();
    let mut writes_judged_read_only = 0;
    let mut read_only_rows = 0;
    let mut over_blocked = 0;
    for row in &rows {
        let catalog = (row.dialect == Dialect::Postgres).then_some(&catalog);
        let verdict = classify(&row.sql, row.dialect, catalog);
        if row.level > Level::ReadOnly && verdict.level == Level::ReadOnly {
            writes_judged_read_only += 1;
        }
        if row.level == Level::ReadOnly || row.harmless {
            read_only_rows += 1;
            if verdict.level > Level::ReadOnly {
                over_blocked += 1;
            }
        }
        if verdict.level != row.level {
            mismatches.push(format!(
                "line {}: {:?}: expected {}, got {} {:?}",
                row.line,
                row.sql,
                row.level.as_str(),
                verdict.level.as_str(),
                verdict.reasons
            ));
        }
    }
    let rate = 100.0 * over_blocked as f64 / read_only_rows.max(1) as f64;
    println!(
        "safety corpus: {} statements, {} writes judged read-only, over-blocking {over_blocked} of {read_only_rows} read-only statements ({rate:.1}%)",
        rows.len(),
        writes_judged_read_only
    );
    assert!(rows.len() >= 300, "the corpus has only {} rows", rows.len());
    assert!(
        mismatches.is_empty(),
        "{} of {} corpus rows misclassified:\n{}",
        mismatches.len(),
        rows.len(),
        mismatches.join("\n")
    );
}
