//! The findings on the statements `recognise` reads: REINDEX, REFRESH
//! MATERIALIZED VIEW and DETACH PARTITION have a CONCURRENTLY form, ATTACH
//! PARTITION can skip its scan, CLUSTER has no online form, a DO block is
//! code glance does not read.

use super::recognise::{Action, Form, Name, ReindexOf};
use super::rules::{Finding, finding};

/// The findings on `form`; `existing` says whether a relation (folded
/// name) was not created earlier in the file.
pub fn findings(form: &Form, existing: impl Fn(&str) -> bool) -> Vec<Finding> {
    let mut found = Vec::new();
    match form {
        Form::Reindex {
            of,
            name,
            concurrently: false,
        } if *of != ReindexOf::System
            && name
                .as_ref()
                .is_none_or(|n| !of.one_relation() || existing(&n.folded)) =>
        {
            let target = name
                .as_ref()
                .map_or(String::new(), |n| format!(" {}", n.written));
            let kind = of.keyword();
            found.push(finding(
                "require-concurrent-reindex",
                "rebuilds under a SHARE lock on the table and an ACCESS EXCLUSIVE lock on each \
                 index: writes wait, and so do reads (the planner opens every index of a table)"
                    .into(),
                format!(
                    "REINDEX {kind} CONCURRENTLY{target}; (outside a transaction block; after a \
                     failure, drop the INVALID _ccnew index it leaves)"
                ),
            ));
        }
        Form::Refresh {
            view,
            concurrently: false,
            no_data: false,
        } if existing(&view.folded) => found.push(finding(
            "require-concurrent-refresh",
            format!(
                "runs the view's query under an ACCESS EXCLUSIVE lock: reads of {} wait until it \
                 is done",
                view.written
            ),
            format!(
                "REFRESH MATERIALIZED VIEW CONCURRENTLY {}; (needs a unique index on the view \
                 covering all rows, and the view populated)",
                view.written
            ),
        )),
        Form::Cluster { table, .. } if table.as_ref().is_none_or(|t| existing(&t.folded)) => {
            let table = table
                .as_ref()
                .map_or("each clustered table", |t| &t.written);
            found.push(finding(
                "cluster-rewrites",
                format!(
                    "rewrites {table} in index order under an ACCESS EXCLUSIVE lock: reads and \
                     writes wait until it is done"
                ),
                "there is no online CLUSTER: run it in a maintenance window, or reorder the \
                 table with an online tool (pg_repack) instead"
                    .into(),
            ));
        }
        Form::AlterTable { table, actions } => {
            for action in actions {
                alter_table(table, action, &existing, &mut found);
            }
        }
        Form::Do => found.push(finding(
            "unchecked-do-block",
            "glance cannot see what a DO block does (its statements are code it does not read): \
             the locks it takes, rewrites and scans are not reported"
                .into(),
            "check its statements by hand, or write them as plain statements so they are linted"
                .into(),
        )),
        _ => {}
    }
    found
}

fn alter_table(
    table: &Name,
    action: &Action,
    existing: &impl Fn(&str) -> bool,
    found: &mut Vec<Finding>,
) {
    match action {
        Action::DetachPartition {
            partition,
            concurrently: false,
        } if existing(&table.folded) => found.push(finding(
            "require-concurrent-detach",
            format!(
                "takes an ACCESS EXCLUSIVE lock on {}: reads and writes of every partition wait",
                table.written
            ),
            format!(
                "ALTER TABLE {} DETACH PARTITION {} CONCURRENTLY; (outside a transaction block, \
                 not with a default partition; after a failure, DETACH PARTITION … FINALIZE)",
                table.written, partition.written
            ),
        )),
        Action::AttachPartition(partition) if existing(&partition.folded) => {
            found.push(finding(
                "attach-partition-scan",
                format!(
                    "reads every row of {} under an ACCESS EXCLUSIVE lock to check that it fits \
                     the partition bound",
                    partition.written
                ),
                format!(
                    "first ALTER TABLE {p} ADD CONSTRAINT {c}_bound CHECK (…the bound…) NOT \
                     VALID; then ALTER TABLE {p} VALIDATE CONSTRAINT {c}_bound; then attach \
                     (no scan), then DROP CONSTRAINT {c}_bound",
                    p = partition.written,
                    c = partition.folded
                ),
            ));
        }
        _ => {}
    }
}
