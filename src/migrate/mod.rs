//! Migrations: an up and a down step (the model's, from `reply`, or a
//! hand-written pair), linted per statement, written with glance's
//! timeouts at the top, and validated without touching data (`check`:
//! live in a transaction always rolled back, or on a scratch database);
//! `report` gives the text and the JSON document the front ends print;
//! `files` writes a validated migration in the layout of the project's
//! migration tool.

pub mod check;
pub mod draft;
pub mod files;
pub mod fingerprint;
pub mod reply;
pub mod report;
pub mod scratch;

use crate::db::Dialect;
use crate::lint::{self, Linted};

pub use reply::Steps;

/// The lock timeout the written steps set: how long a statement may wait
/// for its lock before it gives up (and can be retried).
pub const LOCK_TIMEOUT: &str = "2s";

/// The statement timeout a transactional step sets: schema changes that
/// need longer hold their locks too long.
pub const STATEMENT_TIMEOUT: &str = "30s";

/// One step as written out, linted.
#[derive(Clone, Debug)]
pub struct Step {
    /// The text glance writes: the timeouts, the statements, the resets.
    pub text: String,
    /// The step's own statements, linted within `text` (so a finding about
    /// a missing lock timeout does not appear), without the timeouts.
    pub statements: Vec<Linted>,
    /// Whether every statement may run inside a transaction block.
    pub transactional: bool,
}

/// A migration to check: what was asked, and its two steps.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The change in the person's words; `None` for a hand-written pair.
    pub request: Option<String>,
    pub up: Step,
    pub down: Step,
}

impl Plan {
    /// Lints both steps of `steps` for `dialect`; `Err` names the step and
    /// place the parser could not read.
    pub fn new(request: Option<String>, steps: &Steps, dialect: Dialect) -> Result<Self, String> {
        Ok(Plan {
            request,
            up: step(&steps.up, dialect).map_err(|e| format!("the up step: {e}"))?,
            down: step(&steps.down, dialect).map_err(|e| format!("the down step: {e}"))?,
        })
    }
}

/// `body` with the timeouts around it, linted. On PostgreSQL the text
/// starts with `SET lock_timeout` and `SET statement_timeout` and ends
/// with their `RESET`: plain `SET` works whether the migration tool runs
/// the file in a transaction or not (`SET LOCAL` outside one does
/// nothing), and the `RESET`s keep the values from outliving the step on
/// the tool's connection (inside a transaction a failure rolls them back).
/// A step that cannot run in a transaction (an index built
/// `CONCURRENTLY`) sets no statement timeout: cut short, it would leave an
/// invalid index behind; the lock timeout still bounds its wait. A
/// timeout the step sets itself is left as it wrote it.
fn step(body: &str, dialect: Dialect) -> Result<Step, String> {
    let body = body.trim().trim_end_matches(';').trim();
    let parse_error =
        |e: lint::ParseError| format!("line {}, column {}: {}", e.line, e.column, e.message);
    let own = lint::statements(body, dialect).map_err(parse_error)?;
    if own.is_empty() {
        return Err("it holds no statement".into());
    }
    let transactional = own.iter().all(|s| s.effect.transactional);
    if dialect == Dialect::Sqlite {
        return Ok(Step {
            text: format!("{body};\n"),
            statements: own,
            transactional,
        });
    }
    // A setting the step makes itself is left as it wrote it.
    let statement_timeout = if transactional {
        format!("'{STATEMENT_TIMEOUT}'")
    } else {
        "0".to_string()
    };
    let added: Vec<(&str, String)> = [
        ("lock_timeout", format!("'{LOCK_TIMEOUT}'")),
        ("statement_timeout", statement_timeout),
    ]
    .into_iter()
    .filter(|(name, _)| !own.iter().any(|l| timeout_setting(&l.sql) == Some(name)))
    .collect();
    let head: String = added
        .iter()
        .map(|(name, value)| format!("SET {name} = {value};\n"))
        .collect();
    let tail: String = added
        .iter()
        .rev()
        .map(|(name, _)| format!("RESET {name};\n"))
        .collect();
    let text = if added.is_empty() {
        format!("{body};\n")
    } else {
        format!("{head}\n{body};\n\n{tail}")
    };
    // A transactional step runs in one transaction, whichever tool runs it
    // (the ones that do not open it get BEGIN and COMMIT in the file), so
    // a lock taken early is held to its end.
    let linted = if transactional {
        lint::statements_in_one_transaction(&text, dialect)
    } else {
        lint::statements(&text, dialect)
    };
    let mut linted = linted.map_err(parse_error)?;
    // The SETs before, the RESETs after.
    linted.truncate(linted.len().saturating_sub(added.len()));
    let statements = linted.split_off(added.len().min(linted.len()));
    Ok(Step {
        text,
        statements,
        transactional,
    })
}

/// The timeout `sql` sets or resets (`SET [SESSION|LOCAL] lock_timeout …`,
/// `RESET statement_timeout`), if that is what it does.
pub fn timeout_setting(sql: &str) -> Option<&'static str> {
    let lower = sql.to_ascii_lowercase();
    let mut words = lower
        .split(|c: char| c.is_whitespace() || c == '=')
        .filter(|w| !w.is_empty());
    if !matches!(words.next(), Some("set" | "reset")) {
        return None;
    }
    let mut name = words.next()?;
    if matches!(name, "session" | "local") {
        name = words.next()?;
    }
    ["lock_timeout", "statement_timeout"]
        .into_iter()
        .find(|timeout| *timeout == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_sets_and_resets_its_timeouts_and_lints_only_its_statements() {
        let steps = Steps {
            up: "alter table t add column d timestamptz;".into(),
            down: "alter table t drop column d".into(),
        };
        let plan = Plan::new(None, &steps, Dialect::Postgres).unwrap();
        assert!(
            plan.up.text.starts_with(
                "SET lock_timeout = '2s';\nSET statement_timeout = '30s';\n\nalter table t"
            ),
            "{}",
            plan.up.text
        );
        assert!(
            plan.up
                .text
                .ends_with("d timestamptz;\n\nRESET statement_timeout;\nRESET lock_timeout;\n")
        );
        assert_eq!(plan.up.statements.len(), 1);
        let rules: Vec<&str> = plan.down.statements[0]
            .findings
            .iter()
            .map(|f| f.rule)
            .collect();
        assert!(!rules.contains(&"require-lock-timeout"), "{rules:?}");
        assert!(rules.contains(&"drop-column"), "{rules:?}");
        assert!(plan.up.transactional);
    }

    #[test]
    fn a_concurrent_index_sets_no_statement_timeout() {
        let steps = Steps {
            up: "create index concurrently i on t (a)".into(),
            down: "drop index concurrently i".into(),
        };
        let plan = Plan::new(None, &steps, Dialect::Postgres).unwrap();
        assert!(!plan.up.transactional);
        assert!(
            plan.up.text.contains("SET statement_timeout = 0;"),
            "{}",
            plan.up.text
        );
    }

    #[test]
    fn a_step_is_linted_as_the_one_transaction_it_runs_in() {
        let steps = Steps {
            up: "alter table t add constraint k check (a > 0) not valid;\n\
                 alter table t validate constraint k"
                .into(),
            down: "alter table t drop constraint k".into(),
        };
        let plan = Plan::new(None, &steps, Dialect::Postgres).unwrap();
        let rules: Vec<&str> = plan.up.statements[1]
            .findings
            .iter()
            .map(|f| f.rule)
            .collect();
        assert_eq!(rules, ["validate-in-transaction"]);
    }

    #[test]
    fn a_timeout_the_step_sets_itself_is_left_as_written() {
        let steps = Steps {
            up: "SET lock_timeout = '5s';\nalter table t add column d timestamptz".into(),
            down: "alter table t drop column d".into(),
        };
        let plan = Plan::new(None, &steps, Dialect::Postgres).unwrap();
        assert!(
            plan.up.text.starts_with(
                "SET statement_timeout = '30s';\n\nSET lock_timeout = '5s';\nalter table t"
            ),
            "{}",
            plan.up.text
        );
        assert!(
            !plan.up.text.contains("RESET lock_timeout"),
            "{}",
            plan.up.text
        );
        assert_eq!(plan.up.statements.len(), 2);
        assert_eq!(
            timeout_setting(&plan.up.statements[0].sql),
            Some("lock_timeout")
        );
        assert_eq!(
            timeout_setting("reset STATEMENT_TIMEOUT"),
            Some("statement_timeout")
        );
        assert_eq!(
            timeout_setting("set local lock_timeout to 0"),
            Some("lock_timeout")
        );
        assert_eq!(timeout_setting("set search_path = x"), None);
    }

    #[test]
    fn an_unreadable_step_is_named() {
        let steps = Steps {
            up: "create table a (id int)".into(),
            down: "drop tabel a".into(),
        };
        let error = Plan::new(None, &steps, Dialect::Postgres).unwrap_err();
        assert!(error.starts_with("the down step: line 1"), "{error}");
    }
}
