//! The linter's report over several files, as text or as one JSON
//! document; returns strings, never prints.
//!
//! JSON shape (fields are added, never renamed):
//! `{"files": [{"path", "statements": [{"sql", "line", "lock", "locks":
//! [{"relation", "mode"}], "held": [{"relation", "mode", "line"}],
//! "blocks": ["reads", "writes"], "rewrites", "scans", "transactional",
//! "findings": [{"rule", "level", "message", "fix"}]}]}]}`. `lock` is the
//! strongest mode the statement takes (`pg_locks` names such as
//! `AccessExclusiveLock`), null when it takes no table lock or on SQLite;
//! `held` the stronger locks earlier statements of its transaction still
//! hold; `blocks` what other sessions wait for while it runs, held locks
//! included.

use serde_json::{Value, json};

use super::locks::Mode;
use super::{Level, Linted};
use crate::escape;

/// One linted file.
pub struct File {
    /// As given on the command line (`-` for stdin).
    pub path: String,
    pub statements: Vec<Linted>,
}

/// Whether any finding is a warning or an error (the lint fails).
pub fn fails(files: &[File]) -> bool {
    files
        .iter()
        .flat_map(|f| &f.statements)
        .flat_map(|s| &s.findings)
        .any(|finding| finding.level >= Level::Warning)
}

/// Per file, per statement: where it is, its first line, what it locks,
/// and its findings with their fixes; a count at the end.
pub fn text(files: &[File]) -> String {
    let mut out = String::new();
    let mut counts = [0usize; 3];
    let mut statements = 0;
    for file in files {
        for linted in &file.statements {
            statements += 1;
            let first = linted.sql.lines().next().unwrap_or_default();
            let more = if linted.sql.contains('\n') {
                " …"
            } else {
                ""
            };
            out.push_str(&format!(
                "{}:{}: {}{more}\n",
                escape::visible(&file.path),
                linted.line,
                escape::visible(first)
            ));
            let facts = facts(linted);
            if !facts.is_empty() {
                out.push_str(&format!("  {}\n", facts.join("; ")));
            }
            for held in &linted.held {
                out.push_str(&format!(
                    "  still holding {} on {} from line {} ({})\n",
                    held.mode.name(),
                    escape::visible(&held.relation),
                    held.line,
                    blocks(held.mode)
                ));
            }
            for finding in &linted.findings {
                counts[finding.level as usize] += 1;
                out.push_str(&format!(
                    "  {} {}: {}\n    fix: {}\n",
                    finding.level.as_str(),
                    finding.rule,
                    escape::visible(&finding.message),
                    escape::visible(&finding.fix)
                ));
            }
        }
    }
    let [info, warnings, errors] = counts;
    out.push_str(&format!(
        "{} in {}: {} {}, {} {}, {} info\n",
        plural(statements, "statement"),
        plural(files.len(), "file"),
        errors,
        if errors == 1 { "error" } else { "errors" },
        warnings,
        if warnings == 1 { "warning" } else { "warnings" },
        info
    ));
    out
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// What other sessions wait for under `mode`, in words.
fn blocks(mode: Mode) -> &'static str {
    match (mode.blocks_reads(), mode.blocks_writes()) {
        (true, _) => "blocks reads and writes",
        (false, true) => "blocks writes",
        (false, false) => "blocks neither reads nor writes",
    }
}

/// The lock, rewrite, scan and transaction facts of one statement, in words.
fn facts(linted: &Linted) -> Vec<String> {
    let effect = &linted.effect;
    let mut facts: Vec<String> = effect
        .locks
        .iter()
        .map(|lock| {
            format!(
                "{} on {} ({})",
                lock.mode.name(),
                escape::visible(&lock.relation),
                blocks(lock.mode)
            )
        })
        .collect();
    if effect.rewrites {
        facts.push("rewrites the table".into());
    }
    if effect.scans {
        facts.push("scans the table".into());
    }
    if !effect.transactional {
        facts.push("cannot run in a transaction block".into());
    }
    facts
}

/// The JSON document (see the module's doc for its shape).
pub fn json(files: &[File]) -> String {
    let files: Vec<Value> = files
        .iter()
        .map(|file| {
            json!({
                "path": file.path,
                "statements": file.statements.iter().map(statement).collect::<Vec<_>>(),
            })
        })
        .collect();
    format!("{:#}\n", json!({ "files": files }))
}

/// One statement's JSON object (see the module's doc).
pub fn statement(linted: &Linted) -> Value {
    let effect = &linted.effect;
    let strongest = effect.strongest();
    let blocking = linted.blocking();
    let mut blocks = Vec::new();
    if blocking.is_some_and(|m| m.blocks_reads()) {
        blocks.push("reads");
    }
    if blocking.is_some_and(|m| m.blocks_writes()) {
        blocks.push("writes");
    }
    json!({
        "sql": linted.sql,
        "line": linted.line,
        "lock": strongest.map(|m| m.name()),
        "locks": effect.locks.iter().map(|l| json!({
            "relation": l.relation,
            "mode": l.mode.name(),
        })).collect::<Vec<_>>(),
        "held": linted.held.iter().map(|h| json!({
            "relation": h.relation,
            "mode": h.mode.name(),
            "line": h.line,
        })).collect::<Vec<_>>(),
        "blocks": blocks,
        "rewrites": effect.rewrites,
        "scans": effect.scans,
        "transactional": effect.transactional,
        "findings": linted.findings.iter().map(|f| json!({
            "rule": f.rule,
            "level": f.level.as_str(),
            "message": f.message,
            "fix": f.fix,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Dialect;

    fn file(sql: &str) -> File {
        File {
            path: "-".into(),
            statements: crate::lint::statements(sql, Dialect::Postgres).unwrap(),
        }
    }

    #[test]
    fn text_names_place_lock_and_fix() {
        let text = text(&[file("select 1;\ncreate index i on t (c);")]);
        assert!(text.contains("-:2: create index i on t (c)\n"), "{text}");
        assert!(
            text.contains("  ShareLock on t (blocks writes); scans the table\n"),
            "{text}"
        );
        assert!(
            text.contains("  warning require-concurrent-index: "),
            "{text}"
        );
        assert!(
            text.contains("    fix: CREATE INDEX CONCURRENTLY i ON t(c);"),
            "{text}"
        );
        assert!(
            text.ends_with("2 statements in 1 file: 0 errors, 1 warning, 0 info\n"),
            "{text}"
        );
    }

    #[test]
    fn json_has_the_documented_shape() {
        let files = [file("alter table t drop column c")];
        let document: Value = serde_json::from_str(&json(&files)).unwrap();
        let statement = &document["files"][0]["statements"][0];
        assert_eq!(document["files"][0]["path"], "-");
        assert_eq!(statement["lock"], "AccessExclusiveLock");
        assert_eq!(statement["blocks"], json!(["reads", "writes"]));
        assert_eq!(statement["locks"][0]["relation"], "t");
        assert_eq!(statement["rewrites"], false);
        assert_eq!(statement["transactional"], true);
        assert_eq!(statement["line"], 1);
        let rules: Vec<&str> = statement["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert_eq!(rules, ["require-lock-timeout", "drop-column"]);
        assert!(fails(&files));
        assert!(!fails(&[file("select 1")]));
    }

    #[test]
    fn a_statement_in_a_transaction_shows_the_locks_still_held() {
        let sql = "begin;\nalter table orders add column c int;\ncreate index i on orders (c);\n\
                   create index j on items (c);\ncommit;\ncreate index k on orders (c)";
        let files = [file(sql)];
        let text = text(&files);
        assert!(
            text.contains(
                "-:3: create index i on orders (c)\n  ShareLock on orders (blocks writes); scans \
                 the table\n  still holding AccessExclusiveLock on orders from line 2 (blocks \
                 reads and writes)\n"
            ),
            "{text}"
        );
        assert!(
            text.contains("-:4: create index j on items (c)\n  ShareLock on items (blocks writes); scans the table\n  still holding AccessExclusiveLock on orders from line 2"),
            "{text}"
        );
        assert_eq!(text.matches("still holding").count(), 2, "{text}");
        let document: Value = serde_json::from_str(&json(&files)).unwrap();
        let index = &document["files"][0]["statements"][2];
        assert_eq!(index["lock"], "ShareLock");
        assert_eq!(
            index["held"],
            json!([{"relation": "orders", "mode": "AccessExclusiveLock", "line": 2}])
        );
        assert_eq!(index["blocks"], json!(["reads", "writes"]));
        let after_commit = &document["files"][0]["statements"][5];
        assert_eq!(after_commit["held"], json!([]));
        assert_eq!(after_commit["blocks"], json!(["writes"]));
    }

    #[test]
    fn control_characters_in_the_file_are_escaped() {
        let text = text(&[file("select '\u{1b}[2J'")]);
        assert!(!text.contains('\u{1b}'), "{text}");
    }
}
