//! `\indexes advise[+] [SQL|N]`: the suggestions for one statement, then,
//! at a terminal, one question per suggestion whether to create it. A yes
//! runs its CREATE INDEX as a statement the person typed, through the gate
//! (a read-only connection refuses it); PostgreSQL's CREATE INDEX
//! CONCURRENTLY needs to run outside a transaction block. `\indexes
//! advise --workload` asks the same for a workload's suggestions.

use super::input::{Input, Read};
use super::{Repl, TYPED_REFUSED, confirm_typed};
use crate::analysis::advise::{self, workload};
use crate::analysis::explain;
use crate::db::{Dialect, Transaction};
use crate::render::Format;
use crate::report;
use crate::session::{Consent, Executed, Run, Session};

impl Repl {
    pub(super) fn advise(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        sql: Option<String>,
        plans: bool,
    ) {
        let Some(sql) = self.statement_argument(session, sql, "\\indexes advise") else {
            return;
        };
        let advice = match advise::advise(session, &sql, plans) {
            Ok(advice) => advice,
            Err(explain::Failed::Executed(executed)) => {
                self.report_executed(session, executed, &sql, TYPED_REFUSED);
                return;
            }
            Err(explain::Failed::Other(message)) => {
                eprint!("{}", report::error_line(&message, None));
                return;
            }
        };
        if session.settings.format == Format::Json {
            println!("{}", crate::render::json_text(&advice.json()));
        } else {
            print!("{}", advice.text());
        }
        self.offer(session, input, advice.suggestions.iter());
    }

    /// `\indexes advise --workload`: the suggestions for the top of
    /// pg_stat_statements, then the same question for each.
    pub(super) fn advise_workload(&mut self, session: &mut Session, input: &mut Input) {
        let advice = match workload::advise(session) {
            Ok(advice) => advice,
            Err(
                workload::Error::NeedsPostgres(message)
                | workload::Error::NoStatistics(message)
                | workload::Error::Failed(explain::Failed::Other(message)),
            ) => {
                eprint!("{}", report::error_line(&message, None));
                return;
            }
            Err(workload::Error::Failed(explain::Failed::Executed(
                Executed::Failed { error, .. } | Executed::Rejected { error },
            ))) => {
                eprint!("{}", report::db_error(&error, None));
                return;
            }
            Err(workload::Error::Failed(explain::Failed::Executed(executed))) => {
                self.report_executed(session, executed, "", TYPED_REFUSED);
                return;
            }
        };
        if session.settings.format == Format::Json {
            println!("{}", crate::render::json_text(&advice.json()));
        } else {
            print!("{}", advice.text());
        }
        self.offer(
            session,
            input,
            advice.suggestions.iter().map(|a| &a.suggestion),
        );
    }

    /// At a terminal, asks for each suggestion whether to create it, and
    /// runs a yes through the gate.
    fn offer<'a>(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        suggestions: impl ExactSizeIterator<Item = &'a advise::Suggestion>,
    ) {
        if !input.is_terminal() || suggestions.len() == 0 {
            return;
        }
        let concurrently = session.info().dialect == Dialect::Postgres;
        if concurrently && session.transaction() != Transaction::Idle {
            eprint!(
                "{}",
                report::error_line(
                    "CREATE INDEX CONCURRENTLY cannot run inside a transaction block, and yours is open",
                    Some("COMMIT or ROLLBACK it, then \\indexes advise again to create them")
                )
            );
            return;
        }
        for suggestion in suggestions {
            let question = format!(
                "create the index on {} ({})? [y/N] ",
                suggestion.table,
                suggestion.columns.join(", ")
            );
            let answer = match input.read(&crate::escape::visible(&question)) {
                Read::Line(answer) => answer,
                Read::Interrupted | Read::End => return,
            };
            if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
                println!("Not created.");
                continue;
            }
            let (allowed, color) = (self.allowed, self.term.color);
            let mut confirm = |consent: &Consent| confirm_typed(input, consent, allowed, color);
            let executed = session.execute(Run::typed(&suggestion.create), &mut confirm);
            if !self.report_executed(session, executed, &suggestion.create, TYPED_REFUSED) {
                return;
            }
        }
    }
}
