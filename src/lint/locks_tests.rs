//! The lock table's rows, and what each mode blocks.

use super::*;
use crate::db::Dialect;
use crate::lint::statements;

/// `(sql, strongest mode on the first relation, rewrites, scans, transactional)`.
const POSTGRES: &[(&str, Option<Mode>, bool, bool, bool)] = &[
    (
        "alter table t add column z int",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t add column z int default 5",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t add column z timestamptz default now()",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t add column z uuid default gen_random_uuid()",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter table t add column z float default random()",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter table t add column z timestamptz default clock_timestamp()",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter table t add column z serial",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter table t add column z int generated always as (c + 1) stored",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter table t add column z int generated always as identity",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter table t alter column c set not null",
        Some(Mode::AccessExclusive),
        false,
        true,
        true,
    ),
    (
        "alter table t alter column c drop not null",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t alter column c set default 1",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t alter column c drop default",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t alter column c type bigint",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter table t alter column v type varchar(20)",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t alter column v type text",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t alter column v type text using v || ''",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter table t alter column n type numeric",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t drop column c",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t rename column c to d",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t rename to u",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t add constraint k2 check (c > 0)",
        Some(Mode::AccessExclusive),
        false,
        true,
        true,
    ),
    (
        "alter table t add constraint k2 check (c > 0) not valid",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t add constraint u2 unique (c)",
        Some(Mode::AccessExclusive),
        false,
        true,
        true,
    ),
    (
        "alter table t add primary key (c)",
        Some(Mode::AccessExclusive),
        false,
        true,
        true,
    ),
    (
        "alter table t add constraint u2 unique using index ui",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t drop constraint k",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t add constraint f2 foreign key (pid) references p (id)",
        Some(Mode::ShareRowExclusive),
        false,
        true,
        true,
    ),
    (
        "alter table t add constraint f2 foreign key (pid) references p (id) not valid",
        Some(Mode::ShareRowExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t add column z int references p (id)",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t validate constraint f",
        Some(Mode::ShareUpdateExclusive),
        false,
        true,
        true,
    ),
    (
        "alter table t set (fillfactor = 50)",
        Some(Mode::ShareUpdateExclusive),
        false,
        false,
        true,
    ),
    (
        "alter table t enable row level security",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "create index j on t (c)",
        Some(Mode::Share),
        false,
        true,
        true,
    ),
    (
        "create unique index j on t (c)",
        Some(Mode::Share),
        false,
        true,
        true,
    ),
    (
        "create index concurrently j on t (c)",
        Some(Mode::ShareUpdateExclusive),
        false,
        true,
        false,
    ),
    (
        "drop index i",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "drop index concurrently i",
        Some(Mode::ShareUpdateExclusive),
        false,
        false,
        false,
    ),
    (
        "drop table t",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "truncate t",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "create trigger tr after insert on t for each row execute function f()",
        Some(Mode::ShareRowExclusive),
        false,
        false,
        true,
    ),
    (
        "comment on table t is 'x'",
        Some(Mode::ShareUpdateExclusive),
        false,
        false,
        true,
    ),
    (
        "lock table t in share mode",
        Some(Mode::Share),
        false,
        false,
        true,
    ),
    (
        "create table q (id int references t (id))",
        Some(Mode::ShareRowExclusive),
        false,
        false,
        true,
    ),
    (
        "insert into t (id) values (2)",
        Some(Mode::RowExclusive),
        false,
        false,
        true,
    ),
    (
        "update t set c = 2 where id = 1",
        Some(Mode::RowExclusive),
        false,
        false,
        true,
    ),
    (
        "delete from t where id = 1",
        Some(Mode::RowExclusive),
        false,
        false,
        true,
    ),
    (
        "vacuum t",
        Some(Mode::ShareUpdateExclusive),
        false,
        false,
        false,
    ),
    (
        "vacuum full t",
        Some(Mode::AccessExclusive),
        true,
        false,
        false,
    ),
    (
        "alter table t set unlogged",
        Some(Mode::AccessExclusive),
        true,
        false,
        true,
    ),
    (
        "alter index i rename to j",
        Some(Mode::ShareUpdateExclusive),
        false,
        false,
        true,
    ),
    ("alter type e add value 'x'", None, false, false, true),
    (
        "drop trigger tr on t",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "create or replace view v as select 1",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    ("create view v as select 1", None, false, false, true),
    (
        "create policy p on t using (true)",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "alter policy p on t using (false)",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    (
        "drop policy p on t",
        Some(Mode::AccessExclusive),
        false,
        false,
        true,
    ),
    ("create database x", None, false, false, false),
    ("select * from t", None, false, false, true),
];

#[test]
fn every_postgres_row() {
    for &(sql, mode, rewrites, scans, transactional) in POSTGRES {
        let linted = &statements(sql, Dialect::Postgres).unwrap()[0];
        let effect = &linted.effect;
        assert_eq!(effect.locks.first().map(|l| l.mode), mode, "{sql}");
        assert_eq!(effect.strongest(), mode, "{sql}");
        assert_eq!(
            (effect.rewrites, effect.scans, effect.transactional),
            (rewrites, scans, transactional),
            "{sql}"
        );
    }
}

#[test]
fn recognised_statements_lock_what_postgres_takes() {
    use Mode::*;
    type Row = (
        &'static str,
        &'static [(&'static str, Mode)],
        bool,
        bool,
        bool,
    );
    let cases: &[Row] = &[
        (
            "reindex table t",
            &[("t", Share), ("indexes of t", AccessExclusive)],
            false,
            true,
            true,
        ),
        (
            "reindex index i",
            &[("i", AccessExclusive)],
            false,
            true,
            true,
        ),
        (
            "reindex table concurrently t",
            &[("t", ShareUpdateExclusive)],
            false,
            true,
            false,
        ),
        ("reindex schema s", &[], false, false, false),
        (
            "alter sequence s restart",
            &[("s", ShareRowExclusive)],
            false,
            false,
            true,
        ),
        (
            "alter sequence s rename to s2",
            &[("s", AccessExclusive)],
            false,
            false,
            true,
        ),
        (
            "create rule r as on insert to t do nothing",
            &[("t", AccessExclusive)],
            false,
            false,
            true,
        ),
        (
            "cluster t using i",
            &[("t", AccessExclusive), ("i", AccessExclusive)],
            true,
            false,
            true,
        ),
        ("cluster", &[], false, false, false),
        (
            "refresh materialized view m",
            &[("m", AccessExclusive)],
            true,
            false,
            true,
        ),
        (
            "refresh materialized view concurrently m",
            &[("m", Exclusive)],
            false,
            true,
            true,
        ),
        (
            "alter table r attach partition r2 default",
            &[("r", ShareUpdateExclusive), ("r2", AccessExclusive)],
            false,
            true,
            true,
        ),
        (
            "alter table r detach partition r1",
            &[("r", AccessExclusive), ("r1", AccessExclusive)],
            false,
            false,
            true,
        ),
        (
            "alter table r detach partition r1 concurrently",
            &[("r", ShareUpdateExclusive), ("r1", AccessExclusive)],
            false,
            false,
            false,
        ),
        (
            "alter table t alter column c set statistics 100",
            &[("t", ShareUpdateExclusive)],
            false,
            false,
            true,
        ),
        (
            "alter table t set tablespace x",
            &[("t", AccessExclusive)],
            true,
            false,
            true,
        ),
        (
            "alter table t inherit p",
            &[("t", AccessExclusive), ("p", ShareUpdateExclusive)],
            false,
            false,
            true,
        ),
        (
            "create statistics s on a, b from t",
            &[("t", ShareUpdateExclusive)],
            false,
            false,
            true,
        ),
        (
            "alter index i set tablespace x",
            &[("i", AccessExclusive)],
            false,
            false,
            true,
        ),
    ];
    for &(sql, locks, rewrites, scans, transactional) in cases {
        let effect = &statements(sql, Dialect::Postgres).unwrap()[0].effect;
        let said: Vec<(&str, Mode)> = effect
            .locks
            .iter()
            .map(|l| (l.relation.as_str(), l.mode))
            .collect();
        assert_eq!(said, locks, "{sql}");
        assert_eq!(
            (effect.rewrites, effect.scans, effect.transactional),
            (rewrites, scans, transactional),
            "{sql}"
        );
    }
}

#[test]
fn a_foreign_key_locks_both_tables() {
    for sql in [
        "alter table t add constraint f foreign key (pid) references p (id)",
        "alter table t add column z int references p (id)",
    ] {
        let effect = &statements(sql, Dialect::Postgres).unwrap()[0].effect;
        let relations: Vec<&str> = effect.locks.iter().map(|l| l.relation.as_str()).collect();
        assert_eq!(relations, ["t", "p"], "{sql}");
        assert_eq!(effect.locks[1].mode, Mode::ShareRowExclusive, "{sql}");
    }
}

#[test]
fn modes_block_what_postgres_says() {
    assert!(Mode::AccessExclusive.blocks_reads() && Mode::AccessExclusive.blocks_writes());
    assert!(!Mode::Exclusive.blocks_reads() && Mode::Exclusive.blocks_writes());
    assert!(Mode::Share.blocks_writes() && Mode::ShareRowExclusive.blocks_writes());
    assert!(!Mode::ShareUpdateExclusive.blocks_writes());
    assert!(!Mode::RowExclusive.blocks_writes());
    assert_eq!(
        Mode::ShareUpdateExclusive.name(),
        "ShareUpdateExclusiveLock"
    );
}

#[test]
fn sqlite_takes_no_table_locks() {
    for (sql, rewrites, transactional) in [
        ("alter table t drop column c", true, true),
        ("alter table t add column c int", false, true),
        ("create index i on t (c)", false, true),
        ("vacuum", true, false),
    ] {
        let effect = &statements(sql, Dialect::Sqlite).unwrap()[0].effect;
        assert!(effect.locks.is_empty(), "{sql}");
        assert_eq!(
            (effect.rewrites, effect.transactional),
            (rewrites, transactional),
            "{sql}"
        );
    }
}
