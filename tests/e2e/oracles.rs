//! Independent tools as oracles. squawk (PyPI `squawk-cli`, the version
//! pinned in `.ci/run`) lints the same migration files as `glance lint`:
//! for every hazard both have a rule for, the two must agree on whether
//! each file has it, except where a row of `ON_PURPOSE` says why not.
//! dbmate (npm) and sqitch (Debian) run the migrations `glance migrate`
//! writes in their layouts against the test server: up, verify, down.
//! A missing tool fails the test with how to install it.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value as Json;

use crate::harness::{self, Cmd, TestDb, glance, scratch_dir};

/// How to get the squawk `.ci/run` installs.
const SQUAWK_INSTALL: &str = "python3 -m pip install squawk-cli==2.70.0 (as .ci/run does)";

/// glance's rule and squawk's rule for the same hazard. squawk rules left
/// out: `prefer-robust-stmts` (IF NOT EXISTS; glance validates a migration
/// instead of making it re-runnable), `require-statement-timeout` (glance
/// asks for `lock_timeout` only), `prefer-bigint-over-int` and the like
/// (style), and `adding-foreign-key-constraint` (the same hazard as
/// `constraint-missing-not-valid`).
/// squawk's `constraint-missing-not-valid` covers both a constraint added
/// without NOT VALID and one validated in the transaction that added it,
/// which glance tells apart.
const SAME_HAZARD: &[(&[&str], &str)] = &[
    (
        &["require-concurrent-index"],
        "require-concurrent-index-creation",
    ),
    (
        &["require-concurrent-index-drop"],
        "require-concurrent-index-deletion",
    ),
    (
        &["foreign-key-not-valid", "validate-in-transaction"],
        "constraint-missing-not-valid",
    ),
    (&["set-not-null-needs-check"], "adding-not-nullable-field"),
    (&["change-column-type"], "changing-column-type"),
    (&["volatile-default"], "adding-field-with-default"),
    (&["rename-column"], "renaming-column"),
    (&["drop-column"], "ban-drop-column"),
    (&["require-lock-timeout"], "require-lock-timeout"),
    (
        &["outside-transaction"],
        "ban-concurrent-index-creation-in-transaction",
    ),
];

/// Migration files: a name and the SQL.
const FILES: &[(&str, &str)] = &[
    (
        "create_index",
        "create index customers_email on customers (email);",
    ),
    ("drop_index", "drop index customers_email;"),
    (
        "add_foreign_key",
        "alter table orders add constraint orders_customer_fk \
         foreign key (customer_id) references customers (id);",
    ),
    (
        "set_not_null",
        "alter table customers alter column email set not null;",
    ),
    (
        "alter_column_type",
        "alter table customers alter column id type bigint;",
    ),
    (
        "volatile_default",
        "alter table customers add column token uuid default gen_random_uuid();",
    ),
    (
        "rename_column",
        "alter table customers rename column email to email_address;",
    ),
    ("drop_column", "alter table customers drop column email;"),
    (
        "safe",
        "set lock_timeout = '2s';\n\
         alter table customers add column note text;\n\
         create index concurrently if not exists customers_note on customers (note);",
    ),
    (
        "foreign_key_not_valid",
        "set lock_timeout = '2s';\n\
         alter table orders add constraint orders_customer_fk \
         foreign key (customer_id) references customers (id) not valid;\n\
         alter table orders validate constraint orders_customer_fk;",
    ),
    (
        "not_null_after_check",
        "set lock_timeout = '2s';\n\
         alter table customers add constraint customers_email_nn \
         check (email is not null) not valid;\n\
         alter table customers validate constraint customers_email_nn;\n\
         alter table customers alter column email set not null;",
    ),
    (
        "new_table",
        "create table notes (id bigint primary key, customer_id bigint);\n\
         create index notes_customer on notes (customer_id);",
    ),
];

/// Where the two disagree on purpose: the file, glance's rule (squawk
/// finds its counterpart, glance does not), and why.
const ON_PURPOSE: &[(&str, &str, &str)] = &[
    (
        "create_index",
        "require-lock-timeout",
        // A queued SHARE lock holds up writers of one table; glance asks
        // for lock_timeout where a queued ACCESS EXCLUSIVE lock would hold
        // up every query, readers too.
        "glance asks for lock_timeout before ACCESS EXCLUSIVE locks only",
    ),
    (
        "add_foreign_key",
        "require-lock-timeout",
        // SHARE ROW EXCLUSIVE, as above: readers are not queued.
        "glance asks for lock_timeout before ACCESS EXCLUSIVE locks only",
    ),
    (
        "new_table",
        "require-concurrent-index",
        // glance reads the file in order: a table created earlier in it is
        // empty and unseen by others, so its index blocks nobody.
        "the index is on a table the same file creates",
    ),
    (
        "new_table",
        "require-lock-timeout",
        "the index is on a table the same file creates",
    ),
];

/// How each file is linted: as it stands, and as run in one transaction
/// (`--assume-in-transaction`, which both tools spell the same).
const MODES: &[&[&str]] = &[&[], &["--assume-in-transaction"]];

/// The rule names `glance lint --format json` reports for `path`.
fn glance_rules(path: &Path, mode: &[&str]) -> BTreeSet<String> {
    let out = glance()
        .args(["lint", "--format", "json"])
        .args(mode.iter().copied())
        .arg(path)
        .run();
    assert!(
        matches!(out.code, Some(0 | 1)),
        "glance lint failed on {}\n{out}",
        path.display()
    );
    let document = out.json();
    document["files"][0]["statements"]
        .as_array()
        .unwrap_or_else(|| panic!("no statements in\n{out}"))
        .iter()
        .flat_map(|s| s["findings"].as_array().cloned().unwrap_or_default())
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// The rule names `squawk FILE --reporter json` reports for `path`.
fn squawk_rules(path: &Path, mode: &[&str]) -> BTreeSet<String> {
    let out = Cmd::new("squawk")
        .args(mode.iter().copied())
        .arg(path)
        .args(["--reporter", "json"])
        .run();
    assert!(
        matches!(out.code, Some(0 | 1)),
        "squawk failed on {}\n{out}",
        path.display()
    );
    let findings: Json = serde_json::from_str(&out.stdout)
        .unwrap_or_else(|e| panic!("squawk printed no JSON ({e})\n{out}"));
    findings
        .as_array()
        .unwrap_or_else(|| panic!("squawk's JSON is not a list\n{out}"))
        .iter()
        .map(|f| f["rule_name"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn squawk_agrees_with_glance_lint_on_each_shared_hazard() {
    let found = Command::new("squawk").arg("--version").output();
    let version = match found {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).into_owned(),
        other => panic!(
            "squawk is needed as an oracle and is not runnable ({other:?}); install it: {SQUAWK_INSTALL}"
        ),
    };
    let dir = scratch_dir("oracles");
    let mut fired = BTreeSet::new();
    let mut wrong = Vec::new();
    for (name, sql) in FILES {
        let path = dir.join(format!("{name}.sql"));
        fs::write(&path, format!("{sql}\n")).unwrap();
        for mode in MODES {
            let (ours, theirs) = (glance_rules(&path, mode), squawk_rules(&path, mode));
            for (glance_rules, squawk_rule) in SAME_HAZARD {
                let fired_here: Vec<&str> = glance_rules
                    .iter()
                    .copied()
                    .filter(|rule| ours.contains(*rule))
                    .collect();
                let (g, s) = (!fired_here.is_empty(), theirs.contains(*squawk_rule));
                if g && s {
                    fired.extend(fired_here);
                }
                let glance_rule = glance_rules.join("/");
                let on_purpose = ON_PURPOSE
                    .iter()
                    .any(|(file, rule, _)| file == name && glance_rules.contains(rule));
                // A disagreement on purpose is squawk finding what glance does
                // not; where squawk agrees (a file run in one transaction tells
                // it the table is new), both stay quiet.
                let expected = if on_purpose && s {
                    (false, true)
                } else {
                    (s, s)
                };
                if (g, s) != expected {
                    wrong.push(format!(
                        "{name}.sql {mode:?}: glance {glance_rule} {g}, squawk {squawk_rule} {s}{}",
                        if on_purpose {
                            " (listed as on purpose)"
                        } else {
                            ""
                        }
                    ));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "glance lint and {} disagree:\n{}",
        version.trim(),
        wrong.join("\n")
    );
    // Every row of the table is exercised: a renamed rule on either side
    // shows up here rather than as a silent agreement on "absent".
    let unexercised: Vec<&str> = SAME_HAZARD
        .iter()
        .flat_map(|(g, _)| g.iter().copied())
        .filter(|g| !fired.contains(g))
        .collect();
    assert!(
        unexercised.is_empty(),
        "no file has both tools find {unexercised:?}"
    );
}

/// How to get the migration tools `.ci/run` installs.
const DBMATE_INSTALL: &str = "npm install -g dbmate@2.36.0 (as .ci/run does)";
const SQITCH_INSTALL: &str = "apt-get install sqitch libdbd-pg-perl (as .ci/run does)";

/// A soft-delete column and a validated NOT NULL through a CHECK: one up
/// step that runs in a transaction, for `glance migrate` to write.
const UP: &str = "alter table customers add column deleted_at timestamptz;\n\
                  alter table customers add constraint customers_name_nn \
                  check (name is not null) not valid;\n";
const DOWN: &str = "alter table customers drop constraint customers_name_nn;\n\
                    alter table customers drop column deleted_at;\n";

/// A database with rows, and a migration `glance migrate` validated and
/// wrote into a directory in `tool`'s layout.
fn written(tool: &str) -> (TestDb, PathBuf) {
    let db = harness::db(&format!("oracle_{tool}"));
    db.execute(
        "create table customers (id int primary key, name text);
         insert into customers select g, 'c' || g from generate_series(1, 20) g;",
    );
    let dir = scratch_dir(&format!("oracle_{tool}"));
    let files = dir.join("migrations");
    let (up, down) = (dir.join("up.sql"), dir.join("down.sql"));
    fs::write(&up, UP).unwrap();
    fs::write(&down, DOWN).unwrap();
    glance()
        .args(["migrate", "--no-history", "-d", db.url(), "--up"])
        .arg(&up)
        .arg("--down")
        .arg(&down)
        .arg("--dir")
        .arg(&files)
        .args(["--tool", tool, "--name", "soft delete customers"])
        .run()
        .success();
    (db, files)
}

/// Panics with how to install `program` unless it runs.
fn runnable(program: &str, version_flag: &str, install: &str) {
    match Command::new(program).arg(version_flag).output() {
        Ok(out) if out.status.success() => {}
        other => panic!(
            "{program} is needed as an oracle and is not runnable ({other:?}); install it: {install}"
        ),
    }
}

/// The column and constraint the migration adds, as the server has them.
fn migrated(db: &TestDb) -> String {
    db.query_scalar(
        "select count(*) filter (where attname = 'deleted_at') || ' ' ||
                (select count(*) from pg_constraint where conname = 'customers_name_nn')
         from pg_attribute where attrelid = 'customers'::regclass and not attisdropped",
    )
    .unwrap_or_default()
}

#[test]
fn dbmate_applies_and_reverts_what_glance_migrate_writes() {
    runnable("dbmate", "--version", DBMATE_INSTALL);
    let (db, files) = written("dbmate");
    let dbmate = |command: &str| {
        Cmd::new("dbmate")
            .args(["--url", db.url(), "--migrations-dir"])
            .arg(&files)
            .args(["--no-dump-schema", command])
            .run()
    };
    assert_eq!(migrated(&db), "0 0");
    dbmate("up").success().stdout_has("Applied: ");
    assert_eq!(migrated(&db), "1 1");
    dbmate("down").success().stdout_has("Rolled back: ");
    assert_eq!(migrated(&db), "0 0");
}

#[test]
fn sqitch_deploys_verifies_and_reverts_what_glance_migrate_writes() {
    runnable("sqitch", "--version", SQITCH_INSTALL);
    let (db, files) = written("sqitch");
    let target = format!(
        "db:pg://postgres@{}:{}/{}",
        harness::cluster().host(),
        harness::cluster().port(),
        db.name()
    );
    let sqitch = |args: &[&str]| {
        Cmd::new("sqitch")
            .arg("--chdir")
            .arg(&files)
            .args(args.iter().copied())
            .arg(&target)
            .run()
    };
    sqitch(&["deploy", "--verify"]).success();
    assert_eq!(migrated(&db), "1 1");
    sqitch(&["verify"]).success();
    // The verify script catches a change that is no longer there.
    db.execute("alter table customers drop constraint customers_name_nn");
    let failed = sqitch(&["verify"]);
    assert_ne!(
        failed.code,
        Some(0),
        "verify passed without the constraint\n{failed}"
    );
    db.execute(
        "alter table customers add constraint customers_name_nn check (name is not null) not valid",
    );
    sqitch(&["revert", "-y"]).success();
    assert_eq!(migrated(&db), "0 0");
}
