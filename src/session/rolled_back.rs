//! Statements glance builds around the person's own to look at it (an
//! `EXPLAIN` of it): judged by the classifier as built, a read runs inside
//! the read-only guard, and anything that executes a write is asked about
//! whoever typed it and runs in a transaction that is always rolled back.
//! Also: judging a statement glance will only plan ([`Session::screen`]),
//! and glance's own trial statements on SQLite in a transaction it always
//! rolls back ([`Session::run_own_rolled_back`]).

use std::time::Instant;

use super::run::report_notices;
use super::{Confirm, Consent, Decision, Executed, Session, probe::Collect};
use crate::db::{self, Guard};
use crate::gate::{self, Gate, Origin};
use crate::journal::Recorded;
use crate::safety::{Level, Verdict};

/// What a rollback leaves behind, named when a write is executed to be
/// measured.
const ROLLBACK_LEAVES: &str = "it runs for real in a transaction glance always rolls back; \
     a rollback does not undo sequence values it advances, the locks it holds while it runs, \
     or what triggers do outside the database";

impl Session {
    /// Runs `sql`, a statement that looks at another (an `EXPLAIN`), and
    /// returns its rows. When the classifier rates `sql` read-only it runs
    /// inside the read-only guard, unrecorded like a catalog query;
    /// otherwise the gate's forbid holds, `confirm` is asked even for a
    /// typed write, and it runs in a transaction rolled back afterwards,
    /// recorded as rolled back. `Err` is how it ended instead.
    pub fn run_rolled_back(
        &mut self,
        sql: &str,
        confirm: Confirm,
    ) -> Result<Vec<db::Row>, Executed> {
        let verdict = self.screen(sql)?;
        if verdict.level == Level::ReadOnly {
            return match self.catalog_query(sql) {
                Ok((_, rows)) => Ok(rows),
                Err(error) => Err(Executed::Failed {
                    verdict,
                    error,
                    shown: false,
                }),
            };
        }
        if !self.backend.can_preview() {
            let error = db::Error::Other(
                "this executes a write, which glance runs only in a transaction of its own that \
                 it rolls back; COMMIT or ROLLBACK your transaction first"
                    .into(),
            );
            return Err(self.not_run(sql, None, verdict, error));
        }
        let mut asked = verdict.clone();
        asked.reasons.push(ROLLBACK_LEAVES.into());
        let consent = Consent {
            sql,
            verdict: &asked,
            estimate: None,
            can_preview: false,
            previewed: None,
        };
        match confirm(&consent) {
            Decision::Run => {}
            Decision::Refuse => {
                self.record(sql, None, &verdict, Recorded::refused());
                return Err(Executed::Refused { verdict });
            }
            Decision::Preview | Decision::Decline => {
                self.record(sql, None, &verdict, Recorded::NotRun(None));
                return Err(Executed::Declined);
            }
        }
        let canceller = self.backend.canceller();
        let timeout = self.choice.statement_timeout;
        let backend = &mut self.backend;
        let mut answer = Collect::default();
        let started = Instant::now();
        let ran = self
            .interrupts
            .cancellable(canceller, || backend.preview(sql, timeout, &mut answer));
        // A failed preview has already rolled back; a successful one never commits.
        let ended = match ran {
            Ok(_) => self.backend.end_preview(false),
            Err(error) => Err(error),
        };
        let elapsed = started.elapsed();
        report_notices(self.backend.as_mut(), &self.console);
        self.report_restored();
        match ended {
            Ok(()) => {
                self.record(sql, None, &verdict, Recorded::RolledBack(elapsed));
                Ok(answer.rows)
            }
            Err(error) => {
                self.record(sql, None, &verdict, Recorded::failed(&error, elapsed));
                Err(Executed::Failed {
                    verdict,
                    error,
                    shown: false,
                })
            }
        }
    }

    /// Judges `sql`, one statement glance is about to plan or run, as the
    /// gate would if the person had typed it: `Err` when the database
    /// rejects it, it is not one statement, or the connection forbids it
    /// (recorded as forbidden). A statement refused here is never planned.
    pub fn screen(&mut self, sql: &str) -> Result<Verdict, Executed> {
        let verdict = match self.judge(sql, None) {
            Ok(verdict) => verdict,
            Err(error) => return Err(Executed::Rejected { error }),
        };
        if verdict.statements != 1 {
            let error = db::Error::Other("give one statement at a time".into());
            return Err(self.not_run(sql, None, verdict, error));
        }
        if gate::decide(verdict.level, Origin::Typed, self.rules()) == Gate::Forbid {
            self.record(sql, None, &verdict, Recorded::forbidden());
            return Err(Executed::Forbidden { verdict });
        }
        Ok(verdict)
    }

    /// Runs glance's own `setup` statements (a candidate `CREATE INDEX`),
    /// then `query` inside the read-only guard, in a transaction that is
    /// always rolled back, and returns `query`'s rows. SQLite only, whose
    /// DDL is transactional: the transaction holds its write lock while it
    /// runs. Refused on a read-only connection and while the person has a
    /// transaction open; Ctrl-C cancels it. Not recorded: the person did
    /// not write it.
    pub fn run_own_rolled_back(
        &mut self,
        setup: &[String],
        query: &str,
    ) -> Result<Vec<db::Row>, db::Error> {
        if self.info().dialect != db::Dialect::Sqlite {
            return Err(db::Error::Other(
                "statements glance rolls back itself run only on SQLite".into(),
            ));
        }
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
        let canceller = self.backend.canceller();
        let guard = Guard::ReadOnly {
            statement_timeout: self.choice.statement_timeout,
        };
        let backend = &mut self.backend;
        self.interrupts.cancellable(canceller, || {
            backend.run("BEGIN", Guard::Direct, &mut Collect::default())?;
            let mut answer = Collect::default();
            let ran = setup
                .iter()
                .try_for_each(|sql| {
                    backend
                        .run(sql, Guard::Direct, &mut Collect::default())
                        .map(drop)
                })
                .and_then(|()| backend.run(query, guard, &mut answer));
            // An interrupted statement may have ended the transaction already.
            let rolled_back = match backend.run("ROLLBACK", Guard::Direct, &mut Collect::default())
            {
                Err(_) if backend.transaction() == db::Transaction::Idle => Ok(()),
                other => other.map(drop),
            };
            ran?;
            rolled_back?;
            Ok(answer.rows)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::run::tests::session;
    use super::*;
    use crate::session::Run;

    fn schema(session: &mut Session) -> Vec<db::Row> {
        session
            .catalog_query("select name from sqlite_master order by name")
            .unwrap()
            .1
    }

    #[test]
    fn own_statements_are_rolled_back_on_success_and_on_error() {
        let (mut session, _) = session("own", false);
        let before = schema(&mut session);
        let rows = session
            .run_own_rolled_back(
                &["create index trial on t(a)".into()],
                "select count(*) from sqlite_master where name = 'trial'",
            )
            .unwrap();
        assert_eq!(rows, [vec![db::Value::Int(1)]], "seen inside");
        assert_eq!(schema(&mut session), before, "gone after");
        let failed = session.run_own_rolled_back(
            &[
                "create index trial on t(a)".into(),
                "create index nope on missing(a)".into(),
            ],
            "select 1",
        );
        assert!(failed.is_err());
        assert_eq!(schema(&mut session), before);
        assert_eq!(
            session.transaction(),
            db::Transaction::Idle,
            "none left open"
        );
    }

    #[test]
    fn own_statements_are_refused_read_only_or_inside_the_persons_transaction() {
        let (mut read_only, _) = session("own_ro", true);
        let refused =
            read_only.run_own_rolled_back(&["create index trial on t(a)".into()], "select 1");
        assert!(refused.unwrap_err().to_string().contains("read-only"));
        let (mut session, _) = session("own_tx", false);
        let began = session.execute(Run::typed("begin"), &mut |_| Decision::Run);
        assert!(matches!(began, Executed::Ran(_)), "{began:?}");
        let refused =
            session.run_own_rolled_back(&["create index trial on t(a)".into()], "select 1");
        assert!(
            refused
                .unwrap_err()
                .to_string()
                .contains("COMMIT or ROLLBACK")
        );
    }
}
