//! What must hold for any input, whatever it is: checked by the property
//! tests on every run and by the fuzz targets in `fuzz/` (compiled there
//! with `--cfg fuzzing`). Each check panics with the offending input.

use std::collections::HashMap;

use super::{Level, classify, command_tag, parses, split_statements};
use crate::agent::extract;
use crate::catalog::{Catalog, Code, FunctionRef, Operator, Routine, Volatility};
use crate::db::Dialect;

/// A catalog with a writing user function, one that calls itself, and an
/// operator over the first, so the classifier's verification paths run too.
pub fn sample_catalog() -> Catalog {
    let function = |oid, name: &str| FunctionRef {
        oid,
        schema: "public".into(),
        name: name.into(),
    };
    let routine = |oid, name: &str, body: &str| Routine {
        function: function(oid, name),
        min_args: 0,
        max_args: None,
        language: "sql".into(),
        body: Some(body.into()),
        extension: None,
        security_definer: false,
        support: Vec::new(),
        defaults: None,
        types: Vec::new(),
        settings: Vec::new(),
    };
    Catalog {
        functions: HashMap::from([("lower".to_string(), Volatility::Immutable)]),
        code: Code {
            routines: vec![
                routine(16400, "touch", "insert into visits values (1); select 1"),
                routine(16401, "full_name", "select touch(1) + full_name(2)"),
            ],
            operators: vec![Operator {
                symbol: "<%>".into(),
                function: function(16400, "touch"),
            }],
            ..Code::default()
        },
        ..Catalog::default()
    }
}

/// Runs every classifier entry point on `sql` in every dialect, with and
/// without a catalog: no panic, a statement count that agrees with the
/// splitter, a reason for every verdict above read-only, empty input never
/// read-only, and the whole never milder than its worst statement.
pub fn check_classifier(sql: &str) {
    let catalog = sample_catalog();
    for dialect in [Dialect::Postgres, Dialect::Sqlite, Dialect::Mysql] {
        let plain = classify(sql, dialect, None);
        let informed = classify(sql, dialect, Some(&catalog));
        let pieces = split_statements(sql, dialect);
        let _ = command_tag(sql, dialect);
        let _ = parses(sql, dialect);
        assert_eq!(plain.statements, pieces.len(), "statement count of {sql:?}");
        assert_eq!(informed.statements, plain.statements, "{sql:?}");
        if pieces.is_empty() {
            assert_ne!(
                plain.level,
                Level::ReadOnly,
                "empty input read-only: {sql:?}"
            );
        }
        for verdict in [&plain, &informed] {
            assert!(
                verdict.level == Level::ReadOnly || !verdict.reasons.is_empty(),
                "{} without a reason: {sql:?}",
                verdict.level.as_str()
            );
        }
        for piece in &pieces {
            let alone = classify(piece, dialect, None);
            assert!(
                alone.level <= plain.level,
                "statement {piece:?} is {} but the whole {sql:?} is {}",
                alone.level.as_str(),
                plain.level.as_str()
            );
            assert!(
                alone.rollback_undoes || !plain.rollback_undoes,
                "a rollback does not undo {piece:?} but undoes the whole {sql:?}"
            );
        }
    }
}

/// Extraction from a model reply: no panic; trimmed prose; SQL, when found,
/// is non-empty, trimmed, without its final semicolon, and a part of the
/// reply (line endings normalised); the SQL not run is shaped the same, and
/// there is none without SQL.
pub fn check_extract(reply: &str) {
    let prose = extract::prose(reply);
    assert_eq!(prose, prose.trim(), "prose is not trimmed: {reply:?}");
    let others = extract::others(reply);
    let Some(sql) = extract::sql(reply) else {
        assert!(others.is_empty(), "SQL not run but none taken: {reply:?}");
        return;
    };
    for other in &others {
        assert!(!other.is_empty() && !other.ends_with(';'), "{other:?}");
        assert_eq!(other, other.trim(), "other SQL is not trimmed: {other:?}");
    }
    assert!(!sql.is_empty(), "empty SQL from {reply:?}");
    assert!(!sql.ends_with(';'), "SQL keeps its semicolon: {sql:?}");
    assert_eq!(sql, sql.trim(), "SQL is not trimmed: {sql:?}");
    assert!(
        reply.replace("\r\n", "\n").contains(&sql),
        "SQL {sql:?} is not part of the reply {reply:?}"
    );
}

/// Words for token soups: keywords, names, literals, comments and
/// punctuation, dangerous and not.
#[rustfmt::skip]
pub const SOUP_WORDS: &[&str] = &[
    "select", "from", "where", "insert", "into", "update", "set", "delete", "drop", "table",
    "create", "temp", "with", "as", "recursive", "union", "all", "explain", "analyze",
    "copy", "to", "stdout", "stdin", "program", "begin", "commit", "rollback", "end",
    "abort", "do", "call", "prepare", "execute", "deallocate", "grant", "revoke", "merge",
    "using", "when", "matched", "then", "truncate", "vacuum", "lock", "for", "share", "no",
    "key", "returning", "values", "lateral", "join", "on", "order", "by", "group", "having",
    "limit", "over", "partition", "within", "filter", "role", "session", "authorization",
    "reset", "discard", "listen", "notify", "alter", "system", "show", "pragma", "attach",
    "case", "else", "and", "or", "not", "null", "true", "is", "in", "exists", "array",
    "pg_read_file", "nextval", "pg_sleep", "lo_export", "dblink_exec", "set_config",
    "pg_terminate_backend", "random", "count", "sum", "touch", "full_name", "pg_catalog",
    "generate_series", "percentile_cont", "jsonb_each", "t", "film", "c", "x",
    "(", ")", ";", ",", ".", "*", "=", "<>", "+", "-", "::", "->", "->>", "@>", "<%>", "?",
    "1", "0", "'x'", "';'", "''", "E'\\''", "$$", "$$;drop table t$$", "$tag$", "$1",
    "--", "\n", "/*", "*/", "/* /* */", "\"", "\"delete\"", "\"\"", "U&\"d\\0061t\"",
    "U&", "&", "\\", "\\g", "rows", "read", "only", "uescape", "plan",
    "standard_conforming_strings", "[", "]", "`", "x'41'", "@", "#", "%", "^", "|", "~", "!",
    "/*!", "/*M!", "/*+", "get_lock", "outfile", "handler", "tables", "global", "@@global.x",
    ":=", "@a", "`a;b`", "'x\\'", "next", "value", "straight_join", "json_table",
];

/// The token soup `data` spells, one word per byte: SQL-shaped text rather
/// than noise.
pub fn soup(data: &[u8]) -> String {
    let words: Vec<&str> = data
        .iter()
        .map(|b| SOUP_WORDS[*b as usize % SOUP_WORDS.len()])
        .collect();
    words.join(" ")
}
