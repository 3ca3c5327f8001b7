//! The rules' tests: each rule fires and its safe rewrite does not.

use super::*;
use crate::lint::statements;

/// The rules that fire on the last statement of `sql`.
fn rules(sql: &str, dialect: Dialect) -> Vec<&'static str> {
    let linted = statements(sql, dialect).unwrap();
    let last = linted.last().expect("a statement");
    last.findings.iter().map(|f| f.rule).collect()
}

const SAFE: &str = "set lock_timeout = '2s';\n";

fn pg(sql: &str) -> Vec<&'static str> {
    rules(&format!("{SAFE}{sql}"), Dialect::Postgres)
}

#[test]
fn every_rule_fires_and_its_safe_rewrite_does_not() {
    let cases: &[(&str, &[&str])] = &[
        ("create index i on t (c)", &["require-concurrent-index"]),
        (
            "create index concurrently i on t (c)",
            &["non-transactional"],
        ),
        ("drop index i", &["require-concurrent-index-drop"]),
        ("drop index concurrently i", &["non-transactional"]),
        ("reindex table t", &["require-concurrent-reindex"]),
        ("reindex index i", &["require-concurrent-reindex"]),
        (
            "reindex database",
            &["non-transactional", "require-concurrent-reindex"],
        ),
        ("reindex system", &["non-transactional"]),
        ("reindex index concurrently i", &["non-transactional"]),
        ("create table q (id int);\nreindex table q", &[]),
        (
            "refresh materialized view m",
            &["require-concurrent-refresh"],
        ),
        ("refresh materialized view concurrently m", &[]),
        (
            "create materialized view m as select 1 as x;\nrefresh materialized view m",
            &[],
        ),
        ("refresh materialized view m with no data", &[]),
        (
            "alter table r detach partition r1",
            &["require-concurrent-detach"],
        ),
        (
            "alter table r detach partition r1 concurrently",
            &["non-transactional"],
        ),
        (
            "alter table r attach partition r2 for values in (2)",
            &["attach-partition-scan"],
        ),
        (
            "create table r2 (id int);\nalter table r attach partition r2 default",
            &[],
        ),
        (
            "create table r (id int) partition by list (id);\n\
             alter table r attach partition r2 for values in (2)",
            &["attach-partition-scan"],
        ),
        ("cluster t using i", &["cluster-rewrites"]),
        ("cluster", &["non-transactional", "cluster-rewrites"]),
        ("alter table t alter column c set statistics 500", &[]),
        ("create statistics s on a, b from t", &[]),
        (
            "alter table t add constraint f foreign key (c) references p (id)",
            &["foreign-key-not-valid"],
        ),
        (
            "alter table t add constraint f foreign key (c) references p (id) not valid",
            &[],
        ),
        (
            "alter table t add column c int references p (id)",
            &["foreign-key-not-valid"],
        ),
        ("alter table t validate constraint f", &[]),
        (
            "alter table t add constraint k check (c > 0)",
            &["check-not-valid"],
        ),
        (
            "alter table t add constraint k check (c > 0) not valid",
            &[],
        ),
        (
            "alter table t alter column c set not null",
            &["set-not-null-needs-check"],
        ),
        (
            "alter table t alter column c type bigint",
            &["change-column-type"],
        ),
        ("alter table t rename column c to d", &["rename-column"]),
        ("alter table t rename to u", &["rename-table"]),
        ("alter table t drop column c", &["drop-column"]),
        ("drop table t", &["drop-table"]),
        (
            "alter table t add column c uuid default gen_random_uuid()",
            &["volatile-default"],
        ),
        ("alter table t add column c int default 0", &[]),
        ("alter table t add column c timestamptz default now()", &[]),
        (
            "alter table t add column c bigserial",
            &["volatile-default"],
        ),
        (
            "alter table t add constraint u unique (c)",
            &["unique-using-index"],
        ),
        (
            "alter table t add primary key (id)",
            &["unique-using-index"],
        ),
        ("alter table t add constraint u unique using index i", &[]),
        (
            "alter table t add column c int not null",
            &["not-null-without-default"],
        ),
        ("alter table t add column c int not null default 0", &[]),
        (
            "alter table t add column c int generated always as identity",
            &["volatile-default"],
        ),
        (
            "begin;\ncreate index concurrently i on t (c)",
            &["outside-transaction"],
        ),
        ("begin;\ncommit;\nvacuum t", &["non-transactional"]),
        (
            "begin;\nalter table t add constraint k check (c > 0) not valid;\n\
             alter table t validate constraint k",
            &["validate-in-transaction"],
        ),
        (
            "begin;\nalter table t add constraint k check (c > 0) not valid;\ncommit;\n\
             alter table t validate constraint k",
            &[],
        ),
        ("select 1", &[]),
        ("do $$ begin perform 1; end $$", &["unchecked-do-block"]),
    ];
    let mut fired: HashSet<&str> = ["require-lock-timeout", "sqlite-alter-limits"].into();
    for (sql, expected) in cases {
        assert_eq!(pg(sql), *expected, "{sql}");
        fired.extend(expected.iter());
    }
    let listed: HashSet<&str> = RULES.iter().map(|(name, ..)| *name).collect();
    assert_eq!(
        fired, listed,
        "every listed rule is tested, every rule fired is listed"
    );
}

#[test]
fn lock_timeout_is_required_once_before_the_first_access_exclusive_lock() {
    let linted = statements(
        "create index concurrently i on t (c);\nalter table t drop column c;\nalter table t drop column d;",
        Dialect::Postgres,
    )
    .unwrap();
    let rules: Vec<Vec<&str>> = linted
        .iter()
        .map(|l| l.findings.iter().map(|f| f.rule).collect())
        .collect();
    assert_eq!(
        rules,
        [
            vec!["non-transactional"],
            vec!["require-lock-timeout", "drop-column"],
            vec!["drop-column"],
        ]
    );
    for off in ["0", "'0s'", "'0ms'", "'0min'", "default"] {
        let rules = rules_of(&format!(
            "set lock_timeout = {off};\nalter table t drop column c"
        ));
        assert!(rules.contains(&"require-lock-timeout"), "{off}: {rules:?}");
    }
    let unset = rules_of(
        "set lock_timeout = '2s';\nset lock_timeout to '0s';\nalter table t drop column c",
    );
    assert!(unset.contains(&"require-lock-timeout"), "{unset:?}");
    let set =
        rules_of("set lock_timeout = 0;\nset lock_timeout = 1500;\nalter table t drop column c");
    assert_eq!(set, ["drop-column"]);
    let local = rules_of("begin;\nset local lock_timeout to '1s';\nalter table t drop column c");
    assert_eq!(local, ["drop-column"]);
}

fn rules_of(sql: &str) -> Vec<&'static str> {
    rules(sql, Dialect::Postgres)
}

#[test]
fn a_table_created_in_the_same_file_is_new_and_empty() {
    let created = "create table t (id int primary key, c int);\n";
    for sql in [
        "create index i on t (c)",
        "alter table t add column d int not null",
        "alter table t add constraint f foreign key (c) references t (id)",
        "alter table t alter column c set not null",
        "alter table t drop column c",
        "alter table t add column u uuid default gen_random_uuid()",
        "drop table t",
    ] {
        assert_eq!(
            rules_of(&format!("{created}{sql}")),
            [] as [&str; 0],
            "{sql}"
        );
    }
    // An index created above is no one's yet either.
    assert_eq!(
        rules_of("create index i on t (c);\ndrop index i"),
        [] as [&str; 0]
    );
}

#[test]
fn a_validated_not_null_check_makes_set_not_null_safe() {
    let validated = "alter table t add constraint c_nn check (c is not null) not valid;\n\
                     alter table t validate constraint c_nn;\n\
                     alter table t alter column c set not null";
    assert_eq!(pg(validated), [] as [&str; 0]);
    let unvalidated = "alter table t add constraint c_nn check (c is not null) not valid;\n\
                       alter table t alter column c set not null";
    assert_eq!(pg(unvalidated), ["set-not-null-needs-check"]);
    let other_column = "alter table t add constraint d_nn check (d is not null) not valid;\n\
                        alter table t validate constraint d_nn;\n\
                        alter table t alter column c set not null";
    assert_eq!(pg(other_column), ["set-not-null-needs-check"]);
}

#[test]
fn fixes_are_statements_to_run() {
    let linted = statements("create unique index i on t (c)", Dialect::Postgres).unwrap();
    assert_eq!(
        linted[0].findings[0].fix,
        "CREATE UNIQUE INDEX CONCURRENTLY i ON t(c); (outside a transaction block)"
    );
    let linted = statements(
        "alter table t add constraint f foreign key (c) references p (id)",
        Dialect::Postgres,
    )
    .unwrap();
    let fix = &linted[0].findings[0].fix;
    assert!(fix.contains("REFERENCES p(id) NOT VALID;"), "{fix}");
    assert!(fix.contains("VALIDATE CONSTRAINT f;"), "{fix}");
}

#[test]
fn sqlite_findings() {
    let sqlite = |sql| rules(sql, Dialect::Sqlite);
    assert_eq!(sqlite("alter table t drop column c"), ["drop-column"]);
    assert_eq!(
        sqlite("alter table t rename column c to d"),
        ["rename-column"]
    );
    assert_eq!(sqlite("alter table t rename to u"), ["rename-table"]);
    assert_eq!(sqlite("drop table t"), ["drop-table"]);
    assert_eq!(
        sqlite("alter table t add column c int not null"),
        ["not-null-without-default"]
    );
    assert_eq!(
        sqlite("alter table t add column c int not null default 0"),
        [] as [&str; 0]
    );
    assert_eq!(
        sqlite("alter table t add column c int default -1"),
        [] as [&str; 0]
    );
    for sql in [
        "alter table t alter column c set not null",
        "alter table t add constraint k check (c > 0)",
        "alter table t add column c text default current_timestamp",
        "alter table t add column c int unique",
        "create table t (id int);\nalter table t add column c int primary key",
    ] {
        assert_eq!(sqlite(sql), ["sqlite-alter-limits"], "{sql}");
    }
    assert_eq!(sqlite("create index i on t (c)"), [] as [&str; 0]);
    assert_eq!(
        sqlite("create table t (id int);\nalter table t add column c int not null"),
        [] as [&str; 0]
    );
}

#[test]
fn a_file_run_in_one_transaction_holds_its_locks_to_the_end() {
    let sql = "alter table t add constraint f foreign key (c) references p (id) not valid;\n\
               alter table t validate constraint f;\ncreate index concurrently i on t (c)";
    let wrapped = super::super::statements_in_one_transaction(sql, Dialect::Postgres).unwrap();
    let rules: Vec<Vec<&str>> = wrapped
        .iter()
        .map(|l| l.findings.iter().map(|f| f.rule).collect())
        .collect();
    assert_eq!(
        rules,
        [
            vec![],
            vec!["validate-in-transaction"],
            vec!["outside-transaction"]
        ]
    );
    assert!(
        wrapped[1].findings[0]
            .message
            .contains("ShareRowExclusiveLock"),
        "{:?}",
        wrapped[1].findings
    );
    assert!(wrapped[1].findings[0].fix.contains("migration of its own"));
    let apart = statements(sql, Dialect::Postgres).unwrap();
    assert!(apart[1].findings.is_empty(), "{:?}", apart[1].findings);
}

#[test]
fn held_locks_are_the_strongest_per_relation_and_stronger_than_its_own() {
    let sql = "begin;\nalter table t add constraint f foreign key (c) references p (id) not valid;\n\
               alter table t drop column d;\nalter table p add column e int;\n\
               alter table t drop column e;\nrollback;\nalter table t drop column f";
    let linted = statements(sql, Dialect::Postgres).unwrap();
    let held = |i: usize| -> Vec<(&str, Mode, usize)> {
        linted[i]
            .held
            .iter()
            .map(|h| (h.relation.as_str(), h.mode, h.line))
            .collect()
    };
    assert_eq!(held(1), []);
    assert_eq!(held(2), [("p", Mode::ShareRowExclusive, 2)]);
    assert_eq!(
        held(3),
        [("t", Mode::AccessExclusive, 3)],
        "p's own lock is stronger"
    );
    assert_eq!(held(4), [("p", Mode::AccessExclusive, 4)]);
    assert_eq!(held(6), []);
    let apart = statements(
        "alter table t drop column d;\nalter table p add e int",
        Dialect::Postgres,
    )
    .unwrap();
    assert!(apart[1].held.is_empty());
}

#[test]
fn every_rule_is_listed_once() {
    let mut names: Vec<&str> = RULES.iter().map(|(name, ..)| *name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), RULES.len());
}
