//! `glance design TEXT [--save FILE] [--apply]`: one design, shown (or
//! printed as JSON), then saved and applied as asked. A design the
//! database rejects exits 1 and is neither saved nor applied.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use super::{Analysis, make_agent, open_for_analysis};
use crate::cli::{DesignArgs, Global};
use crate::design::Round;
use crate::exit::Failure;
use crate::{render, repl};

pub(super) fn command(global: &Global, args: &DesignArgs) -> Result<(), Failure> {
    let request = args.request.join(" ");
    // A file that cannot be written is said before the model is asked.
    if let Some(file) = &args.save {
        crate::export::check_target(&crate::export::expand_home(file), false).map_err(|error| {
            Failure::Usage {
                message: crate::escape::visible(&error.to_string()).into_owned(),
                hint: Some("glance never replaces a file: remove it or name another".into()),
            }
        })?;
    }
    let Analysis {
        mut session,
        format,
        term,
        config,
        ..
    } = open_for_analysis(global)?;
    let (allowed, mut confirm) = super::confirmation(global, term, args.allow_write, false);
    if args.apply && session.choice().read_only {
        return Err(Failure::Refused(
            "--apply writes, and this connection is read-only; nothing was designed".into(),
        ));
    }
    if args.apply && !term.can_ask() && !allowed.write {
        return Err(Failure::Refused(
            "--apply writes and needs a confirmation, but there is no terminal to ask; \
             nothing was designed (pass --allow-write or --yes to apply without asking)"
                .into(),
        ));
    }
    let agent = make_agent(&config)?;
    let round = Round {
        request: &request,
        previous: None,
        retry: false,
        progress: term.stderr_tty,
    };
    let (_, designed) = repl::design::ask(&mut session, agent.as_ref(), &round);
    let design = designed?;
    repl::design::show(&session, &design, format == render::Format::Json)?;
    if let Some(file) = &args.save {
        repl::design::save(&design, file)?;
    }
    if args.apply {
        let json = format == render::Format::Json;
        repl::design::apply(&mut session, &design, json, &mut confirm)?;
    }
    Ok(())
}
