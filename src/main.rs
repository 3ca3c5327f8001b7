//! glance: chat with your database from the terminal.
//!
//! `main` parses the command line, runs one subcommand and turns the result
//! into an exit code (see `cli::EXIT_CODES`); everything else lives in the
//! modules below.

mod agent;
mod answer;
mod ask;
mod catalog;
mod cli;
mod clipboard;
mod command;
mod confirm;
mod db;
mod demo;
mod describe;
mod exit;
mod export;
mod generate;
mod highlight;
mod interrupt;
mod llm;
mod preview;
mod querylog;
mod render;
mod repl;
mod report;
mod safety;
mod session;
mod term;

use clap::Parser;

use cli::{Cli, Command, Global};
use exit::Failure;
use interrupt::Interrupts;
use session::{Session, Settings};
use term::Term;

fn main() {
    let cli = Cli::parse();
    let code = match run(&cli) {
        Ok(()) => 0,
        Err(failure) => {
            eprint!("{}", failure.message());
            failure.code()
        }
    };
    std::process::exit(code);
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let term = Term::detect(cli.global.no_color);
    match &cli.command {
        Command::Completions { shell } => {
            generate::completions(*shell, &mut std::io::stdout()).map_err(Failure::from_io)
        }
        Command::Man => generate::man(&mut std::io::stdout()).map_err(Failure::from_io),
        Command::Ask(args) => {
            let interrupts = install_interrupts()?;
            ask::run(
                &cli.global,
                args,
                term,
                || open(&cli.global, term, interrupts, false),
                || make_agent(&cli.global),
            )
        }
        Command::Repl => {
            let interrupts = install_interrupts()?;
            let mut session = open(
                &cli.global,
                term,
                interrupts,
                term.stdin_tty && term.stdout_tty,
            )?;
            let agent = make_agent(&cli.global)?;
            repl::run(&mut session, agent, term, cli.global.yes)
        }
    }
}

fn install_interrupts() -> Result<Interrupts, Failure> {
    Interrupts::install()
        .map_err(|e| Failure::runtime(format!("could not install the Ctrl-C handler: {e}")))
}

/// Where `-d`/`--demo` point.
pub fn target(global: &Global) -> Result<db::Target, Failure> {
    if global.demo {
        let path = demo::ensure().map_err(|e| Failure::Runtime {
            message: format!("could not create the demo database: {e:#}"),
            hint: Some(
                "check that the data directory (XDG_DATA_HOME or ~/.local/share) is writable"
                    .into(),
            ),
        })?;
        return Ok(db::Target::Sqlite(path));
    }
    Ok(db::Target::parse(global.database.as_deref()))
}

fn open(
    global: &Global,
    term: Term,
    interrupts: Interrupts,
    paged: bool,
) -> Result<Session, Failure> {
    let target = target(global)?;
    let backend = db::connect(&target, &db::ConnectOptions::default()).map_err(|error| {
        Failure::Database {
            text: report::db_error(&error, None),
        }
    })?;
    let settings = Settings {
        format: global.format.unwrap_or(render::Format::Table),
        expanded: render::Expanded::Off,
        timing: true,
        statement_timeout: global.statement_timeout,
        null: "<null>".to_string(),
        paged,
        share_samples: global.share_samples,
    };
    Ok(Session::new(backend, settings, term, interrupts))
}

/// The agent for questions, when a provider is configured.
fn make_agent(global: &Global) -> Result<Option<agent::Agent>, Failure> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let provider =
        llm::select(global.provider.as_deref(), global.model.as_deref(), &env).map_err(|e| {
            Failure::Runtime {
                message: e.to_string(),
                hint: None,
            }
        })?;
    Ok(provider.map(|p| agent::Agent::new(p, global.context_tokens, global.retries)))
}
