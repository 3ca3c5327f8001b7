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
mod config;
mod confirm;
mod connection;
mod copy;
mod db;
mod demo;
mod describe;
mod escape;
mod exit;
mod export;
mod files;
mod generate;
mod highlight;
mod history;
mod ident;
#[cfg(test)]
mod input_proptests;
mod interrupt;
mod llm;
mod models;
mod password;
mod preview;
mod price;
mod prose;
mod querylog;
mod redact;
mod render;
mod repl;
mod report;
mod safety;
mod server_listing;
mod session;
mod setup_reader;
mod spinner;
mod term;
mod timings;
mod unrun;
mod usage;

use cli::{Cli, Command, ConfigAction, Global};
use config::Config;
use connection::{Choice, Start};
use exit::Failure;
use interrupt::Interrupts;
use session::{Session, Settings};
use term::Term;

/// Stack for the thread glance runs on. Parsing, classifying and dropping a
/// statement recurse once per nested expression, and a pasted 1 MB
/// statement (`1+1+…`) nests hundreds of thousands deep; the space is only
/// reserved, not used, until such a statement comes.
const STACK_BYTES: usize = 1 << 30;

fn main() {
    timings::start();
    generate::complete_if_asked();
    let cli = cli::parse();
    // With a file size limit (`ulimit -f`) a write past it fails with EFBIG
    // instead of killing glance, so an export removes its temporary file and
    // says why. Without the handler glance still runs; only that case dies.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    quiet_when_stdout_closes();
    let worker = std::thread::Builder::new()
        .name("glance".into())
        .stack_size(STACK_BYTES)
        .spawn(move || run(&cli));
    let outcome = match worker {
        Ok(handle) => handle.join().unwrap_or_else(|panic| {
            if is_closed_stdout(panic.as_ref()) {
                Err(Failure::OutputClosed)
            } else {
                std::panic::resume_unwind(panic)
            }
        }),
        Err(error) => Err(Failure::Runtime {
            message: format!("could not start: {error}"),
            hint: None,
        }),
    };
    let code = match outcome {
        Ok(()) => 0,
        Err(failure) => {
            eprint!("{}", redact::text(&failure.message()));
            failure.code()
        }
    };
    std::process::exit(code);
}

/// `println!` panics when stdout is a pipe whose reader has gone
/// (`glance … | head`); that is the end of the output, not a crash, so the
/// panic passes without a message and `main` exits 0.
fn quiet_when_stdout_closes() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_closed_stdout(info.payload()) {
            report(info);
        }
    }));
}

/// Whether a panic is `println!` failing on a closed stdout.
fn is_closed_stdout(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.starts_with("failed printing to stdout") && message.contains("Broken pipe")
}

fn run(cli: &Cli) -> Result<(), Failure> {
    let global = &cli.global;
    connection::set_password_prompt(global);
    // Bare `glance` opens the session, as bare `psql` does.
    match cli.command.as_ref().unwrap_or(&Command::Repl) {
        Command::Completions { shell } => {
            generate::completions(*shell, &mut std::io::stdout()).map_err(Failure::from_io)
        }
        Command::Man => generate::man(&mut std::io::stdout()).map_err(Failure::from_io),
        Command::Config { action } => config_command(global, *action),
        Command::Usage { days } => usage_command(global, *days),
        Command::Models { provider } => models::run(&load_config(global)?, provider.as_deref()),
        Command::SetupReader { role, login } => {
            setup_reader::check_name(role).map_err(|message| Failure::Usage {
                message: format!("cannot set up reader role: {message}"),
                hint: Some("give a role name such as glance_reader".into()),
            })?;
            print!("{}", setup_reader::script(role, *login));
            Ok(())
        }
        Command::Ask(args) => {
            // With --format json a failure is also a JSON document on stdout.
            let described = |format| move |failure| ask::Failed::from(failure).into_failure(format);
            let flagged = global.format.unwrap_or(render::Format::Table);
            let config = load_config(global).map_err(described(flagged))?;
            let term = Term::detect(config.color);
            let interrupts = install_interrupts().map_err(described(config.format))?;
            let choice = match connection::at_start(global, &config) {
                Ok(Start::Chosen(choice)) => choice,
                Ok(Start::Pick) => return Err(described(config.format)(unpicked())),
                Err(failure) => return Err(described(config.format)(failure)),
            };
            let result = ask::run(
                global,
                args,
                term,
                config.format,
                choice.target.dialect(),
                || {
                    let mut session = open(&choice, &config, term, interrupts, false)?;
                    session.glance_timings = true;
                    Ok(session)
                },
                || make_agent(&config),
            )
            .map_err(|failed| failed.into_failure(config.format));
            if args.timings {
                eprintln!("glance: {}", timings::split().line());
            }
            result
        }
        Command::Repl => {
            let config = load_config(global)?;
            let term = Term::detect(config.color);
            let interrupts = install_interrupts()?;
            let choice = match connection::at_start(global, &config)? {
                Start::Chosen(choice) => choice,
                Start::Pick if term.can_ask() => repl::pick_at_start(&config)?,
                Start::Pick => return Err(unpicked()),
            };
            let mut session = open(
                &choice,
                &config,
                term,
                interrupts,
                term.stdin_tty && term.stdout_tty,
            )?;
            let agent = make_agent(&config)?;
            repl::run(&mut session, &config, agent, term, global.yes)
        }
    }
}

/// `glance config init|path|show`.
fn config_command(global: &Global, action: ConfigAction) -> Result<(), Failure> {
    let path = config::path(global.config.as_deref())?;
    match action {
        ConfigAction::Path => println!("{}", path.display()),
        ConfigAction::Init => {
            config::init(&path)?;
            println!("Wrote a commented config file to {}.", path.display());
        }
        ConfigAction::Show => print!("{}", load_config(global)?.show()),
    }
    Ok(())
}

/// `glance usage`: model use from the history.
fn usage_command(global: &Global, days: u32) -> Result<(), Failure> {
    let config = load_config(global)?;
    let term = Term::detect(config.color);
    let no_history = || Failure::Usage {
        message: "glance usage reads the history, and history is off".into(),
        hint: Some(
            "remove --no-history, or set [history] enabled = true in the config file".into(),
        ),
    };
    if !config.history {
        return Err(no_history());
    }
    let history = history::open(true).ok_or_else(no_history)?;
    // More days than the calendar holds count from its start.
    let since = jiff::Timestamp::now()
        .checked_sub(jiff::SignedDuration::from_hours(24 * i64::from(days)))
        .unwrap_or(jiff::Timestamp::MIN);
    let ledger = history
        .usage_since(since)
        .map_err(|error| Failure::runtime(format!("could not read the history: {error}")))?;
    let title = format!("Model use over the last {days} days");
    let options = render::RenderOptions {
        format: config.format,
        expanded: config.expanded,
        color: term.color,
        terminal: term.size(),
        paged: false,
        null: config.null.clone(),
        page_size: None,
        footer: false,
        timing: false,
        command_tag: String::new(),
        json_prefix: Vec::new(),
        json_timings: Vec::new(),
        json_late_timings: None,
    };
    render::present(&ledger.describe(title), &options, &mut || {
        Box::new(std::io::BufWriter::new(std::io::stdout().lock()))
    })
    .map_err(Failure::from_io)
}

/// Reads the config file and says what is wrong with it, without failing on
/// what can be ignored.
fn load_config(global: &Global) -> Result<Config, Failure> {
    let config = Config::load(global)?;
    for warning in &config.warnings {
        eprintln!("glance: warning: {warning}");
    }
    Ok(config)
}

fn unpicked() -> Failure {
    Failure::Usage {
        message: "the config file has several connection profiles and none is the default".into(),
        hint: Some("choose one with -p NAME (or -d URL), or mark one with `default = true`".into()),
    }
}

fn install_interrupts() -> Result<Interrupts, Failure> {
    Interrupts::install()
        .map_err(|e| Failure::runtime(format!("could not install the Ctrl-C handler: {e}")))
}

/// Connects and starts a session with the merged settings.
fn open(
    choice: &Choice,
    config: &Config,
    term: Term,
    interrupts: Interrupts,
    paged: bool,
) -> Result<Session, Failure> {
    timings::end_startup();
    let backend = timings::time(timings::Phase::Connect, || connection::connect(choice))?;
    let settings = Settings {
        format: config.format,
        expanded: config.expanded,
        timing: true,
        null: config.null.clone(),
        page_size: config.page_size,
        paged,
        share_samples: config.share_samples,
        trusted_functions: config.trusted_functions.clone(),
    };
    let mut session = Session::new(choice.clone(), backend, settings, term, interrupts);
    session.history = history::open(config.history);
    Ok(session)
}

/// The agent for questions, when a provider is configured; says so when
/// glance picked a provider nobody named (a local Ollama).
fn make_agent(config: &Config) -> Result<Option<agent::Agent>, Failure> {
    let chosen = models::choose(config, config.provider.as_deref(), config.model.as_deref())
        .map_err(|e| Failure::runtime(e.to_string()))?;
    Ok(chosen.map(|chosen| {
        if let Some(notice) = &chosen.notice {
            eprintln!("glance: {notice}");
        }
        agent::Agent::new(chosen.provider, config.agent_settings())
    }))
}
