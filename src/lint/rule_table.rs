//! The rules `glance lint` applies, in the order README lists them.

use super::rules::Level;

/// The rules, in the order README lists them: name, level, what it finds.
pub const RULES: &[(&str, Level, &str)] = &[
    (
        "require-concurrent-index",
        Level::Warning,
        "CREATE INDEX without CONCURRENTLY on an existing table blocks writes while it builds",
    ),
    (
        "require-concurrent-index-drop",
        Level::Warning,
        "DROP INDEX without CONCURRENTLY blocks reads and writes of its table",
    ),
    (
        "require-concurrent-reindex",
        Level::Warning,
        "REINDEX without CONCURRENTLY blocks writes of the table and, through its indexes, reads",
    ),
    (
        "require-concurrent-refresh",
        Level::Warning,
        "REFRESH MATERIALIZED VIEW without CONCURRENTLY blocks reads of the view while it runs",
    ),
    (
        "require-concurrent-detach",
        Level::Warning,
        "DETACH PARTITION without CONCURRENTLY blocks reads and writes of the partitioned table",
    ),
    (
        "attach-partition-scan",
        Level::Warning,
        "ATTACH PARTITION reads the whole partition under an ACCESS EXCLUSIVE lock to check its bound",
    ),
    (
        "cluster-rewrites",
        Level::Warning,
        "CLUSTER rewrites the table under an ACCESS EXCLUSIVE lock",
    ),
    (
        "foreign-key-not-valid",
        Level::Warning,
        "a foreign key added without NOT VALID checks every row while both tables are locked against writes",
    ),
    (
        "check-not-valid",
        Level::Warning,
        "a CHECK added without NOT VALID reads the whole table under an ACCESS EXCLUSIVE lock",
    ),
    (
        "set-not-null-needs-check",
        Level::Warning,
        "SET NOT NULL without a validated CHECK (col IS NOT NULL) first scans the table under an ACCESS EXCLUSIVE lock",
    ),
    (
        "change-column-type",
        Level::Warning,
        "ALTER COLUMN TYPE rewrites the table (unless it only widens a varchar) and breaks code that expects the old type",
    ),
    (
        "rename-column",
        Level::Warning,
        "renaming a column breaks the running application",
    ),
    (
        "rename-table",
        Level::Warning,
        "renaming a table breaks the running application",
    ),
    (
        "drop-column",
        Level::Warning,
        "dropping a column breaks the running application if it still uses it",
    ),
    (
        "drop-table",
        Level::Warning,
        "dropping a table breaks the running application if it still uses it",
    ),
    (
        "volatile-default",
        Level::Warning,
        "ADD COLUMN with a volatile default (gen_random_uuid(), random(), a serial…) rewrites the table",
    ),
    (
        "require-lock-timeout",
        Level::Warning,
        "an ACCESS EXCLUSIVE lock requested without SET lock_timeout first queues every later query behind it",
    ),
    (
        "unique-using-index",
        Level::Warning,
        "ADD UNIQUE or PRIMARY KEY without USING INDEX builds the index under an ACCESS EXCLUSIVE lock",
    ),
    (
        "not-null-without-default",
        Level::Error,
        "ADD COLUMN … NOT NULL without a default fails on a table that has rows",
    ),
    (
        "outside-transaction",
        Level::Error,
        "a statement that cannot run in a transaction block (CONCURRENTLY, VACUUM, CREATE DATABASE) after BEGIN, or in a file run in one transaction",
    ),
    (
        "validate-in-transaction",
        Level::Warning,
        "VALIDATE CONSTRAINT in the transaction that added the constraint keeps its strong lock through the scan",
    ),
    (
        "non-transactional",
        Level::Info,
        "a statement that cannot run in a transaction block: run it as its own migration step",
    ),
    (
        "unchecked-do-block",
        Level::Warning,
        "a DO block runs code glance does not read: its locks, rewrites and scans are unchecked",
    ),
    (
        "sqlite-alter-limits",
        Level::Error,
        "SQLite's ALTER TABLE cannot do it: only ADD COLUMN (constant default, no UNIQUE or PRIMARY KEY), RENAME and DROP COLUMN",
    ),
];
