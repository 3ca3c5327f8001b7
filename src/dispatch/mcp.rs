//! `glance mcp`: connects as every command does, sends results and
//! messages away from stdout (which carries the protocol), and serves.

use std::io::Write;

use crate::cli::{Global, McpArgs};
use crate::connection::{self, PasswordPrompt, Start};
use crate::console::OutputFile;
use crate::exit::Failure;
use crate::mcp;
use crate::term::Term;

/// Runs the MCP server until the client closes stdin (or SIGTERM or
/// SIGHUP arrives).
pub fn command(global: &Global, args: &McpArgs) -> Result<(), Failure> {
    // stdin is the client's: a password cannot be asked for there.
    connection::set_password_prompt(PasswordPrompt::Never);
    let log: Box<dyn Write> = match &args.log {
        Some(path) => Box::new(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|error| {
                    Failure::usage(format!("cannot open the log {}: {error}", path.display()))
                })?,
        ),
        None => Box::new(std::io::stderr()),
    };
    let config = super::load_config(global)?;
    let term = Term::detect(config.color);
    let interrupts = super::install_interrupts()?;
    let choice = match connection::at_start(&global.requested(), &config)? {
        Start::Chosen(choice) => choice,
        Start::Pick => return Err(super::unpicked()),
    };
    let mut session = super::open(&choice, &config, term, interrupts, false)?;
    let aside = OutputFile::stderr()
        .map_err(|error| Failure::runtime(format!("cannot set stderr aside: {error}")))?;
    session.console_mut().redirect(Some(aside));
    mcp::serve(
        &mut session,
        mcp::Options {
            allow_write: args.allow_write,
            log,
        },
    )
    .map_err(|error| Failure::runtime(format!("cannot watch for SIGTERM and SIGHUP: {error}")))
}
