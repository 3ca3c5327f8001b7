//! Trying a change glance wrote itself (a migration step, a schema design,
//! a candidate index) in one transaction that is always rolled back: every
//! statement is screened first and runs only when a rollback verifiably
//! undoes it ([`crate::safety::Verdict::trial_refusals`]), under short lock
//! and statement timeouts, and glance's own catalog queries read the
//! changed schema inside the same transaction. Nothing is recorded in the
//! history: the person did not write it.

use std::time::Duration;

use super::Session;
use super::probe::Collect;
use crate::catalog::Catalog;
use crate::db::{self, Backend, Guard};
use crate::safety;

/// How long a trial statement may wait for a lock, and run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrialLimits {
    pub lock_timeout: Duration,
    pub statement_timeout: Duration,
}

/// The open trial transaction a [`Session::trial`] body works in.
pub struct Trial<'a> {
    backend: &'a mut dyn Backend,
    catalog: Option<&'a Catalog>,
    dialect: db::Dialect,
    limits: TrialLimits,
}

impl Session {
    /// Runs `body` inside one transaction that is rolled back afterwards,
    /// whether `body` succeeds or fails; Ctrl-C cancels the statement
    /// running. On PostgreSQL the transaction starts with `SET LOCAL
    /// lock_timeout` and `statement_timeout` from `limits`; on SQLite, whose
    /// DDL is transactional too, the transaction holds the database's write
    /// lock and `limits.statement_timeout` bounds the queries. Refused on a
    /// read-only connection and while the person has a transaction open.
    pub fn trial<T>(
        &mut self,
        limits: TrialLimits,
        body: impl FnOnce(&mut Trial<'_>) -> Result<T, db::Error>,
    ) -> Result<T, db::Error> {
        if self.choice.read_only {
            return Err(db::Error::Other(
                "this connection is read-only, and this would write inside a transaction \
                 glance rolls back"
                    .into(),
            ));
        }
        if self.backend.transaction() != db::Transaction::Idle {
            return Err(db::Error::Other(
                "a transaction of yours is open; COMMIT or ROLLBACK it first".into(),
            ));
        }
        // Screening verifies user code against the schema.
        self.catalog()?;
        let dialect = self.info().dialect;
        let canceller = self.backend.canceller();
        let mut trial = Trial {
            backend: self.backend.as_mut(),
            catalog: self.catalog.as_ref(),
            dialect,
            limits,
        };
        self.interrupts.cancellable(canceller, || {
            let ran = trial.begin().and_then(|()| body(&mut trial));
            let rolled_back = trial.rollback();
            let value = ran?;
            rolled_back?;
            Ok(value)
        })
    }
}

impl Trial<'_> {
    /// Runs one statement of the tried change (DDL or DML), screened first:
    /// refused, unrun, unless it is one statement a rollback verifiably
    /// undoes.
    pub fn run(&mut self, sql: &str) -> Result<(), db::Error> {
        let verdict = safety::classify(sql, self.dialect, self.catalog);
        if verdict.statements != 1 {
            return Err(db::Error::Other(
                "a trial runs one statement at a time".into(),
            ));
        }
        if !verdict.trial_refusals.is_empty() {
            return Err(db::Error::Other(format!(
                "glance does not try this in a transaction it rolls back: {}",
                verdict.trial_refusals.join("; ")
            )));
        }
        self.direct(sql)
    }

    /// Runs glance's own read-only catalog query inside the same
    /// transaction (under the read-only guard) and returns its rows.
    pub fn query(&mut self, sql: &str) -> Result<Vec<db::Row>, db::Error> {
        let guard = Guard::ReadOnly {
            statement_timeout: self.limits.statement_timeout,
        };
        let mut answer = Collect::default();
        self.backend.run(sql, &[], guard, &mut answer)?;
        Ok(answer.rows)
    }

    fn begin(&mut self) -> Result<(), db::Error> {
        self.direct("BEGIN")?;
        if self.dialect == db::Dialect::Postgres {
            for (name, limit) in [
                ("lock_timeout", self.limits.lock_timeout),
                ("statement_timeout", self.limits.statement_timeout),
            ] {
                self.direct(&format!("SET LOCAL {name} = {}", limit.as_millis()))?;
            }
        }
        Ok(())
    }

    /// Rolls back; a statement that was interrupted may have ended the
    /// transaction already.
    fn rollback(&mut self) -> Result<(), db::Error> {
        match self.direct("ROLLBACK") {
            Err(_) if self.backend.transaction() == db::Transaction::Idle => Ok(()),
            other => other,
        }
    }

    fn direct(&mut self, sql: &str) -> Result<(), db::Error> {
        self.backend
            .run(sql, &[], Guard::Direct, &mut Collect::default())
            .map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::super::run::tests::session;
    use super::*;
    use crate::session::{Decision, Executed, Run};

    const LIMITS: TrialLimits = TrialLimits {
        lock_timeout: Duration::from_millis(100),
        statement_timeout: Duration::from_secs(2),
    };

    fn schema(session: &mut Session) -> Vec<db::Row> {
        session
            .catalog_query("select name, sql from sqlite_master order by name")
            .unwrap()
            .1
    }

    #[test]
    fn a_trial_sees_its_change_and_leaves_nothing_on_success_or_error() {
        let (mut session, _) = session("trial", false);
        let before = schema(&mut session);
        let seen = session
            .trial(LIMITS, |trial| {
                trial.run("alter table t add column deleted_at text")?;
                trial.run("create index t_deleted on t(deleted_at)")?;
                trial.query("select count(*) from sqlite_master where name = 't_deleted'")
            })
            .unwrap();
        assert_eq!(seen, [vec![db::Value::Int(1)]], "seen inside");
        assert_eq!(schema(&mut session), before, "gone after");
        let failed = session.trial(LIMITS, |trial| {
            trial.run("create index trial on t(a)")?;
            trial.run("create index nope on missing(a)")
        });
        assert!(failed.is_err());
        assert_eq!(schema(&mut session), before);
        assert_eq!(session.transaction(), db::Transaction::Idle, "none left");
    }

    #[test]
    fn a_trial_refuses_what_a_rollback_may_not_undo_before_running_it() {
        let (mut session, _) = session("trial_refused", false);
        let before = schema(&mut session);
        for sql in ["commit", "vacuum", "create index a on t(a); drop table t"] {
            let refused = session.trial(LIMITS, |trial| trial.run(sql));
            let message = refused.unwrap_err().to_string();
            assert!(
                message.contains("glance does not try") || message.contains("one statement"),
                "{sql:?}: {message}"
            );
        }
        assert_eq!(schema(&mut session), before);
        assert_eq!(session.transaction(), db::Transaction::Idle);
    }

    #[test]
    fn a_trial_is_refused_read_only_or_inside_the_persons_transaction() {
        let (mut read_only, _) = session("trial_ro", true);
        let refused = read_only.trial(LIMITS, |trial| trial.run("create index a on t(a)"));
        assert!(refused.unwrap_err().to_string().contains("read-only"));
        let (mut session, _) = session("trial_tx", false);
        let began = session.execute(Run::typed("begin"), &mut |_| Decision::Run);
        assert!(matches!(began, Executed::Ran(_)), "{began:?}");
        let refused = session.trial(LIMITS, |trial| trial.run("create index a on t(a)"));
        assert!(
            refused
                .unwrap_err()
                .to_string()
                .contains("COMMIT or ROLLBACK")
        );
    }
}
