//! Statements glance builds around the person's own to look at it (an
//! `EXPLAIN` of it): judged by the classifier as built, a read runs inside
//! the read-only guard, and anything that executes a write is asked about
//! whoever typed it and runs in a transaction that is always rolled back.
//! Also: judging a statement glance will only plan ([`Session::screen`]).

use std::time::Instant;

use super::run::report_notices;
use super::{Confirm, Consent, Decision, Executed, Session, probe::Collect};
use crate::db;
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
        let consent = Consent::plain(sql, &asked);
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
}
