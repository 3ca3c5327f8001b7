//! Validating a migration without touching data, live: refused before
//! anything runs when a statement cannot run in a transaction or rewrites
//! or scans a table bigger than [`MAX_ROWS`] rows or [`MAX_BYTES`] bytes;
//! otherwise one trial transaction ([`Session::trial`], lock timeout
//! 100 ms, statement timeout 2 s) takes the schema's fingerprint and the
//! tables' filenodes, runs the up step, checks the schema changed and no
//! table was rewritten, runs the down step, checks the fingerprint is the
//! original again, and rolls back.

use std::time::Duration;

use super::fingerprint;
use super::{Plan, Step};
use crate::db::{self, Dialect};
use crate::numbers::{pg_size, thousands};
use crate::session::Session;
use crate::session::trial::{Trial, TrialLimits};

/// A table the up or down step rewrites or scans must be at most this many
/// rows (the planner's estimate) to be validated live.
pub const MAX_ROWS: i64 = 10_000;

/// … and at most this many bytes, indexes and TOAST included.
pub const MAX_BYTES: i64 = 10 * 1024 * 1024;

/// The limits of the live trial: metadata changes take no time, so a wait
/// for a lock or a long statement means the step does more than that.
pub const LIMITS: TrialLimits = TrialLimits {
    lock_timeout: Duration::from_millis(100),
    statement_timeout: Duration::from_secs(2),
};

/// How a step fared.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ran {
    Passed,
    Failed,
    NotRun,
}

impl Ran {
    pub fn as_str(self) -> &'static str {
        match self {
            Ran::Passed => "passed",
            Ran::Failed => "failed",
            Ran::NotRun => "not run",
        }
    }
}

/// Where a migration was validated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Live,
    Scratch,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Scratch => "scratch",
        }
    }
}

/// What validation found, line by line for the text report.
#[derive(Clone, Debug)]
pub struct Validation {
    pub mode: Mode,
    pub up: Ran,
    pub down: Ran,
    /// Whether the down step gave back the original fingerprint; `None`
    /// when it did not get that far.
    pub restored: Option<bool>,
    /// What was checked, in order.
    pub lines: Vec<String>,
    /// Why validation failed or was refused; `None` when it passed.
    pub reason: Option<String>,
}

impl Validation {
    pub(super) fn new(mode: Mode) -> Self {
        Validation {
            mode,
            up: Ran::NotRun,
            down: Ran::NotRun,
            restored: None,
            lines: Vec::new(),
            reason: None,
        }
    }

    /// Whether the migration passed: both steps ran and the schema is back.
    pub fn passed(&self) -> bool {
        self.reason.is_none() && self.restored == Some(true)
    }

    pub(super) fn fail(mut self, reason: String) -> Self {
        self.lines.push(format!("failed: {reason}"));
        self.reason = Some(reason);
        self
    }
}

/// What to do when live validation is refused.
const SCRATCH_HINT: &str = "validate it on a scratch database instead: --scratch URL";

/// Validates `plan` live on the session's database (see the module's doc).
pub fn live(session: &mut Session, plan: &Plan) -> Validation {
    let validation = Validation::new(Mode::Live);
    let dialect = session.info().dialect;
    if let Err(reason) = refusal(session, plan, dialect) {
        return validation.fail(format!("refused: {reason}; {SCRATCH_HINT}"));
    }
    let body = |trial: &mut Trial<'_>| Ok(round_trip(trial, plan, dialect, validation.clone()));
    match session.trial(LIMITS, body) {
        Ok(validation) => validation,
        Err(error) => Validation::new(Mode::Live).fail(format!(
            "the trial transaction could not run: {}",
            crate::escape::visible(&error.to_string())
        )),
    }
}

/// Why `plan` may not be validated live, read before anything runs.
fn refusal(session: &mut Session, plan: &Plan, dialect: Dialect) -> Result<(), String> {
    for (name, step) in [("up", &plan.up), ("down", &plan.down)] {
        if let Some(linted) = step.statements.iter().find(|s| !s.effect.transactional) {
            return Err(format!(
                "the {name} step's `{}` cannot run in a transaction",
                first_line(&linted.sql)
            ));
        }
    }
    if dialect != Dialect::Postgres {
        return Ok(());
    }
    for (name, step) in [("up", &plan.up), ("down", &plan.down)] {
        for linted in &step.statements {
            let effect = &linted.effect;
            if !(effect.rewrites || effect.scans) {
                continue;
            }
            let what = if effect.rewrites { "rewrites" } else { "scans" };
            for lock in &effect.locks {
                let query = fingerprint::size_sql(&lock.relation);
                let rows = session
                    .catalog_query(&query)
                    .map_err(|e| format!("could not read the size of {}: {e}", lock.relation))?
                    .1;
                if let Some([db::Value::Int(rows), db::Value::Int(bytes)]) =
                    rows.first().map(Vec::as_slice)
                    && (*rows > MAX_ROWS || *bytes > MAX_BYTES)
                {
                    return Err(format!(
                        "the {name} step {what} {} (about {} rows, {}; live validation allows \
                         {} rows and {})",
                        lock.relation,
                        thousands(u64::try_from(*rows).unwrap_or(0)),
                        pg_size(*bytes),
                        thousands(MAX_ROWS as u64),
                        pg_size(MAX_BYTES)
                    ));
                }
            }
        }
    }
    Ok(())
}

fn first_line(sql: &str) -> String {
    crate::escape::visible(sql.lines().next().unwrap_or_default()).into_owned()
}

/// Inside the trial: fingerprint, up, checks, down, fingerprint.
fn round_trip(
    trial: &mut Trial<'_>,
    plan: &Plan,
    dialect: Dialect,
    mut validation: Validation,
) -> Validation {
    let read = |trial: &mut Trial<'_>| {
        let schema = trial.query(&fingerprint::schema_sql(dialect))?;
        let nodes = match dialect {
            Dialect::Postgres => fingerprint::pairs(&trial.query(&fingerprint::filenodes_sql())?),
            Dialect::Sqlite => Vec::new(),
            Dialect::Mysql => unreachable!("migrate refuses MySQL"),
        };
        Ok::<_, db::Error>((fingerprint::lines(&schema), nodes))
    };
    let (original, nodes) = match read(trial) {
        Ok(read) => read,
        Err(error) => return validation.fail(format!("could not read the schema: {error}")),
    };
    validation.lines.push(format!(
        "fingerprint of the schema: {} objects",
        original.len()
    ));
    if let Err(reason) = run_step(trial, &plan.up, "up") {
        validation.up = Ran::Failed;
        return validation.fail(reason);
    }
    validation.up = Ran::Passed;
    let (changed, changed_nodes) = match read(trial) {
        Ok(read) => read,
        Err(error) => return validation.fail(format!("could not read the schema: {error}")),
    };
    let differences = changed_lines(&original, &changed);
    if differences == 0 {
        return validation.fail("the up step ran but changed nothing in the schema".into());
    }
    validation.lines.push(format!(
        "up: ran {}, the schema changed ({})",
        counted(plan.up.statements.len()),
        differ(differences)
    ));
    let rewritten: Vec<&str> = nodes
        .iter()
        .filter(|(name, node)| {
            changed_nodes
                .iter()
                .any(|(other, after)| other == name && after != node)
        })
        .map(|(name, _)| name.as_str())
        .collect();
    if dialect == Dialect::Postgres {
        if !rewritten.is_empty() {
            return validation.fail(format!(
                "the up step rewrites {} (its filenode changed): it would hold its lock while \
                 the whole table is copied",
                crate::escape::visible(&rewritten.join(", "))
            ));
        }
        validation
            .lines
            .push("up: no table rewritten (filenodes unchanged)".into());
    }
    if let Err(reason) = run_step(trial, &plan.down, "down") {
        validation.down = Ran::Failed;
        return validation.fail(reason);
    }
    validation.down = Ran::Passed;
    let restored = match read(trial) {
        Ok((schema, _)) => schema,
        Err(error) => return validation.fail(format!("could not read the schema: {error}")),
    };
    let left = changed_lines(&original, &restored);
    validation.restored = Some(left == 0);
    if left > 0 {
        let example = first_difference(&original, &restored);
        return validation.fail(format!(
            "the down step does not restore the schema ({} from the original, e.g. {})",
            differ(left),
            crate::escape::visible(&example)
        ));
    }
    validation.lines.push(format!(
        "down: ran {}, the schema is restored (fingerprint equal)",
        counted(plan.down.statements.len())
    ));
    validation
        .lines
        .push("rolled back: nothing was changed".into());
    validation
}

/// Runs a step's statements in the trial; `Err` names the one that failed.
/// Runs `step`'s statements in the trial; the timeouts the step sets
/// itself are left out, as the trial's own limits stand in for them.
fn run_step(trial: &mut Trial<'_>, step: &Step, name: &str) -> Result<(), String> {
    for linted in &step.statements {
        if super::timeout_setting(&linted.sql).is_some() {
            continue;
        }
        trial.run(&linted.sql).map_err(|error| {
            format!(
                "the {name} step failed at `{}`: {}",
                first_line(&linted.sql),
                crate::escape::visible(&error.to_string())
            )
        })?;
    }
    Ok(())
}

fn counted(n: usize) -> String {
    crate::numbers::counted(n as u64, "statement", "statements")
}

/// `n` fingerprint lines (one per column, constraint, index, …) that differ.
fn differ(n: usize) -> String {
    crate::numbers::counted(n as u64, "object differs", "objects differ")
}

/// How many lines one side has that the other has not.
fn changed_lines(before: &[String], after: &[String]) -> usize {
    let missing = before.iter().filter(|line| !after.contains(line)).count();
    let added = after.iter().filter(|line| !before.contains(line)).count();
    missing + added
}

/// One line that differs, marked `-` (gone) or `+` (new).
fn first_difference(before: &[String], after: &[String]) -> String {
    before
        .iter()
        .find(|line| !after.contains(line))
        .map(|line| format!("- {line}"))
        .or_else(|| {
            after
                .iter()
                .find(|line| !before.contains(line))
                .map(|line| format!("+ {line}"))
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_are_counted_both_ways_and_one_is_shown() {
        let before = vec!["a".to_string(), "b".to_string()];
        let after = vec!["a".to_string(), "c".to_string()];
        assert_eq!(changed_lines(&before, &after), 2);
        assert_eq!(changed_lines(&before, &before), 0);
        assert_eq!(first_difference(&before, &after), "- b");
        assert_eq!(
            first_difference(&before, &[before[0].clone(), before[1].clone(), "d".into()]),
            "+ d"
        );
    }
}
