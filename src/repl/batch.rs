//! A batch of statements applied as one: the person confirms the whole
//! text once, then each statement runs through the gate, in one
//! transaction (with `SET LOCAL lock_timeout` on PostgreSQL when asked)
//! so a failure rolls everything back. Front-end code: it says what
//! happened on stderr. `\migrate`, `\design` and
//! `\describe` (and their one-shot commands) apply their writes here.

use crate::console::OutputFile;
use crate::db::{Dialect, Transaction};
use crate::escape;
use crate::exit::Failure;
use crate::gate::Origin;
use crate::session::{Consent, Decision, Executed, Run, Session};

/// What to apply, and how.
pub struct Batch<'a> {
    /// The whole text, shown in the one confirmation.
    pub text: &'a str,
    /// Its statements, without semicolons, run in order.
    pub statements: Vec<String>,
    /// Who wrote them, for the gate.
    pub origin: Origin,
    /// Run them between BEGIN and COMMIT (false for a migration step that
    /// cannot run in a transaction).
    pub transaction: bool,
    /// `SET LOCAL lock_timeout` to this value first (PostgreSQL, in a
    /// transaction only).
    pub lock_timeout: Option<&'a str>,
    /// What the batch is, in words ("the design").
    pub what: &'a str,
    /// How to apply it when nobody can confirm ("give --yes").
    pub unconfirmed_hint: &'a str,
    /// What is said once it is applied ("Created 3 objects.").
    pub done: String,
    /// What is said when the person says no.
    pub declined: &'a str,
    /// What statements report goes to stderr, leaving stdout to one
    /// JSON document.
    pub json: bool,
}

/// Why a batch was not applied.
#[derive(Debug)]
pub enum NotApplied {
    /// Nobody could confirm it: exit status 3.
    Refused(String),
    /// A statement did not run; says whether the rest was rolled back.
    Failed(String),
}

impl From<NotApplied> for Failure {
    fn from(not_applied: NotApplied) -> Failure {
        match not_applied {
            NotApplied::Refused(reason) => Failure::Refused(reason),
            NotApplied::Failed(reason) => Failure::runtime(escape::visible(&reason).into_owned()),
        }
    }
}

/// The lock timeout of the writes glance applies for the person.
pub const LOCK_TIMEOUT: &str = "2s";

/// Asks once for the whole batch, then runs it, saying (on stderr) that
/// it was applied or not. `Ok(false)` when the person said no.
pub fn apply(
    session: &mut Session,
    batch: &Batch,
    confirm: &mut dyn FnMut(&Consent) -> Decision,
) -> Result<bool, NotApplied> {
    if batch.transaction && session.transaction() != Transaction::Idle {
        return Err(NotApplied::Failed(format!(
            "{} runs in a transaction of its own, and one is open: end it with COMMIT or \
             ROLLBACK first",
            batch.what
        )));
    }
    let verdict = session.classify(batch.text);
    let consent = Consent::plain(batch.text, &verdict);
    match confirm(&consent) {
        Decision::Run => {}
        Decision::Refuse => {
            return Err(NotApplied::Refused(format!(
                "{} writes and needs a confirmation, and there is no terminal to ask ({})",
                batch.what, batch.unconfirmed_hint
            )));
        }
        Decision::Preview | Decision::Decline => {
            eprintln!("{}", batch.declined);
            return Ok(false);
        }
    }
    let previous = if batch.json {
        let output = OutputFile::stderr()
            .map_err(|e| NotApplied::Failed(format!("could not open stderr: {e}")))?;
        Some(session.console_mut().redirect(Some(output)))
    } else {
        None
    };
    let ran = run(session, batch);
    if let Some(previous) = previous {
        session.console_mut().redirect(previous);
    }
    ran?;
    eprintln!("{}", batch.done);
    Ok(true)
}

/// `3 objects`, `1 comment`.
pub fn counted(n: usize, thing: &str) -> String {
    format!("{n} {thing}{}", if n == 1 { "" } else { "s" })
}

/// Runs the batch's statements, in a transaction when it asks for one.
fn run(session: &mut Session, batch: &Batch) -> Result<(), NotApplied> {
    let mut statements = Vec::with_capacity(batch.statements.len() + 3);
    if batch.transaction {
        statements.push("BEGIN".to_string());
        if let (Some(timeout), Dialect::Postgres) = (batch.lock_timeout, session.info().dialect) {
            statements.push(format!("SET LOCAL lock_timeout = '{timeout}'"));
        }
    }
    statements.extend(batch.statements.iter().cloned());
    if batch.transaction {
        statements.push("COMMIT".into());
    }
    for sql in &statements {
        let run = Run {
            origin: batch.origin,
            ..Run::typed(sql)
        };
        let other = match session.execute(run, &mut |_| Decision::Run) {
            Executed::Ran(_) => continue,
            other => other,
        };
        let rolled_back = batch.transaction && session.transaction() != Transaction::Idle;
        if rolled_back {
            let _ = session.execute(Run::typed("ROLLBACK"), &mut |_| Decision::Run);
        }
        let why = match other {
            Executed::Forbidden { verdict } => session.read_only_refusal(&verdict),
            Executed::Failed { error, .. } | Executed::Rejected { error } => error.to_string(),
            _ => "it was not run".into(),
        };
        let after = if batch.transaction {
            "; the transaction was rolled back, nothing was applied"
        } else {
            ""
        };
        return Err(NotApplied::Failed(format!(
            "applying {} stopped at `{}`: {why}{after}",
            batch.what,
            sql.lines().next().unwrap_or_default(),
        )));
    }
    Ok(())
}
