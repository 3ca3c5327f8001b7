//! Runs one parsed command line: each subcommand's setup (config file,
//! terminal, interrupts, connection, agent) and the front end it hands over
//! to. Failures come back as a [`Failure`]; `main` turns them into the exit
//! code.

// Subcommands print their results and notes: this is the front end for
// everything but the REPL and `ask`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use crate::analysis::{explain, narrate};
use crate::cli::{
    AdviseArgs, CheckArgs, Cli, Command, ConfigAction, ExplainArgs, Global, IndexesAction,
};
use crate::config::Config;
use crate::connection::{self, Choice, Start};
use crate::exit::Failure;
use crate::interrupt::Interrupts;
use crate::session::{Executed, Session, Settings};
use crate::term::Term;
use crate::{
    agent, analysis, ask, config, console, generate, history, models, render, repl, setup_reader,
    timings,
};

/// Runs the subcommand `cli` names (the REPL when it names none).
pub fn run(cli: &Cli) -> Result<(), Failure> {
    let global = &cli.global;
    connection::set_password_prompt(global.password_prompt());
    // Bare `glance` opens the session, as bare `psql` does.
    match cli.command.as_ref().unwrap_or(&Command::Repl) {
        Command::Completions { shell } => {
            generate::completions(*shell, &mut std::io::stdout()).map_err(Failure::from_io)
        }
        Command::Man => generate::man(&mut std::io::stdout()).map_err(Failure::from_io),
        Command::Config { action } => config_command(global, *action),
        Command::Usage { days } => usage_command(global, *days),
        Command::Models { provider } => {
            let config = load_config(global)?;
            let listing = models::list(&config, provider.as_deref())?;
            print!("{}", listing.text(config.format));
            if let Some(note) = listing.unlisted_note() {
                eprintln!("glance: {note}");
            }
            Ok(())
        }
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
            let choice = match connection::at_start(&global.requested(), &config) {
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
        Command::Slow { by, limit } => {
            let order = analysis::slow::Order::named(by).unwrap_or_default();
            let Analysis {
                mut session,
                format,
                width,
                ..
            } = open_for_analysis(global)?;
            let list = analysis::slow::gather(&mut session, order, usize::from(*limit))
                .map_err(|error| Failure::database(&error, None))?;
            if format == render::Format::Json {
                print!("{}", list.json());
            } else {
                print!("{}", list.text(width));
            }
            Ok(())
        }
        Command::Indexes {
            action: IndexesAction::Health,
        } => {
            let Analysis {
                mut session,
                format,
                ..
            } = open_for_analysis(global)?;
            let found = analysis::health::gather(&mut session)
                .map_err(|error| Failure::database(&error, None))?;
            if format == render::Format::Json {
                print!("{}", found.json());
            } else {
                print!("{}", found.text());
            }
            Ok(())
        }
        Command::Indexes {
            action: IndexesAction::Advise(args),
        } => advise_command(global, args),
        Command::Explain(args) => explain_command(global, args),
        Command::Check(args) => check_command(global, args),
        Command::Repl => {
            let config = load_config(global)?;
            let term = Term::detect(config.color);
            let interrupts = install_interrupts()?;
            let choice = match connection::at_start(&global.requested(), &config)? {
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

/// What an analysis command runs with: a session, the output format asked
/// for, the terminal, and its width (unbounded when stdout is no terminal).
struct Analysis {
    session: Session,
    format: render::Format,
    term: Term,
    width: usize,
    config: Config,
}

fn open_for_analysis(global: &Global) -> Result<Analysis, Failure> {
    let config = load_config(global)?;
    let term = Term::detect(config.color);
    let interrupts = install_interrupts()?;
    let choice = match connection::at_start(&global.requested(), &config)? {
        Start::Chosen(choice) => choice,
        Start::Pick => return Err(unpicked()),
    };
    let session = open(&choice, &config, term, interrupts, false)?;
    let width = term.size().map_or(usize::MAX, |(w, _)| usize::from(w));
    Ok(Analysis {
        session,
        format: config.format,
        term,
        width,
        config,
    })
}

/// `glance explain [--analyze] SQL`: the plan and findings on stdout (a
/// JSON document with --format json); a write under --analyze that nobody
/// confirmed is refused (exit 3).
fn explain_command(global: &Global, args: &ExplainArgs) -> Result<(), Failure> {
    let sql = statement_argument(&args.sql, "nothing to explain")?;
    let Analysis {
        mut session,
        format,
        term,
        config,
        ..
    } = open_for_analysis(global)?;
    let allowed = crate::gate::Allowed {
        write: args.allow_write || global.yes,
        destructive: args.allow_destructive || global.yes,
    };
    let mut confirm = |consent: &crate::session::Consent| ask::confirm_by(consent, allowed, term);
    match explain::explain(&mut session, &sql, args.analyze, &mut confirm) {
        Ok(report) if format == render::Format::Json => {
            let explained = explanation(&config, args, |agent| {
                narrate::explain(&mut session, agent, &report, term.stderr_tty, &mut |_| {})
            });
            let mut document = report.json();
            document["explanation"] = explained.as_ref().ok().cloned().flatten().into();
            println!("{document}");
            explained.map(drop)
        }
        Ok(report) => {
            print!("{}", report.text());
            explanation(&config, args, |agent| {
                repl::explanation::print(&mut session, agent, &report, term)
            })
            .map(drop)
        }
        Err(explain::Failed::Other(message)) => Err(Failure::usage(message)),
        Err(explain::Failed::Executed(executed)) => {
            Err(explain_failure(&session, executed, &sql, args.analyze))
        }
    }
}

/// `glance indexes advise [--plans] SQL`: the suggestions on stdout (a
/// JSON document with --format json); glance creates none of them.
fn advise_command(global: &Global, args: &AdviseArgs) -> Result<(), Failure> {
    if args.workload {
        return workload_command(global);
    }
    let sql = statement_argument(&args.sql, "nothing to advise on")?;
    let Analysis {
        mut session,
        format,
        ..
    } = open_for_analysis(global)?;
    match analysis::advise::advise(&mut session, &sql, args.plans) {
        Ok(advice) if format == render::Format::Json => {
            println!("{}", render::json_text(&advice.json()));
            Ok(())
        }
        Ok(advice) => {
            print!("{}", advice.text());
            Ok(())
        }
        Err(explain::Failed::Other(message)) => Err(Failure::usage(message)),
        Err(explain::Failed::Executed(executed)) => {
            Err(explain_failure(&session, executed, &sql, false))
        }
    }
}

/// `glance indexes advise --workload`: the suggestions for the top of
/// pg_stat_statements; without it, or on SQLite, an error saying why.
fn workload_command(global: &Global) -> Result<(), Failure> {
    use analysis::advise::workload::{self, Error};
    let Analysis {
        mut session,
        format,
        ..
    } = open_for_analysis(global)?;
    match workload::advise(&mut session) {
        Ok(advice) if format == render::Format::Json => {
            println!("{}", render::json_text(&advice.json()));
            Ok(())
        }
        Ok(advice) => {
            print!("{}", advice.text());
            Ok(())
        }
        Err(Error::NeedsPostgres(message)) => Err(Failure::usage(message)),
        Err(Error::NoStatistics(message) | Error::Failed(explain::Failed::Other(message))) => {
            Err(Failure::runtime(message))
        }
        Err(Error::Failed(explain::Failed::Executed(
            Executed::Failed { error, .. } | Executed::Rejected { error },
        ))) => Err(Failure::database(&error, None)),
        Err(Error::Failed(explain::Failed::Executed(executed))) => {
            Err(explain_failure(&session, executed, "", false))
        }
    }
}

/// The statement a one-shot analysis command is about: its arguments, or
/// stdin when there are none; `nothing` says what is missing otherwise.
fn statement_argument(words: &[String], nothing: &str) -> Result<String, Failure> {
    let sql = if words.is_empty() {
        ask::read_stdin()?
    } else {
        words.join(" ")
    };
    if sql.trim().is_empty() {
        return Err(Failure::usage(format!(
            "{nothing}: give a statement, or pipe one on stdin"
        )));
    }
    Ok(sql)
}

/// How an EXPLAIN the gate or the database stopped ends `glance explain`.
fn explain_failure(session: &Session, executed: Executed, sql: &str, analyze: bool) -> Failure {
    match executed {
        Executed::Declined => Failure::Refused("not run: you answered no".into()),
        Executed::Refused { verdict } => Failure::Refused(format!(
            "{} ({}; rolled back afterwards) and needs a confirmation, but there is no \
             terminal to ask; pass {} to run it anyway",
            if analyze {
                "with --analyze this statement runs"
            } else {
                "planning this statement may run code glance cannot verify"
            },
            verdict.reasons.join("; "),
            match verdict.level {
                crate::safety::Level::Destructive => "--allow-destructive",
                _ => "--allow-write",
            }
        )),
        Executed::Forbidden { verdict } => Failure::Refused(session.read_only_refusal(&verdict)),
        Executed::Failed { error, .. } | Executed::Rejected { error } => {
            Failure::database(&error, Some(sql))
        }
        Executed::Output(error) => Failure::from_io(error),
        Executed::Ran(_) => Failure::runtime("the plan was not read"),
    }
}

/// `glance check`: the data-quality checks, as text or JSON on stdout.
fn check_command(global: &Global, args: &CheckArgs) -> Result<(), Failure> {
    let Analysis {
        mut session,
        format,
        ..
    } = open_for_analysis(global)?;
    let options = analysis::check::Options {
        table: args.table.clone(),
        sample: args.sample,
        exact: args.exact,
    };
    let report = analysis::check::run(&mut session, &options)
        .map_err(|error| Failure::database(&error, None))?;
    if format == render::Format::Json {
        println!("{}", render::json_text(&report.json()));
        return Ok(());
    }
    session
        .present(&report.describe(args.show_sql), false)
        .map_err(Failure::from_io)
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
    let history = open_history(true).ok_or_else(no_history)?;
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
        null: config.null.clone(),
        ..render::RenderOptions::default()
    };
    render::present(&ledger.describe(title), &options, &mut || {
        Box::new(std::io::BufWriter::new(std::io::stdout().lock()))
    })
    .map_err(Failure::from_io)
}

/// Reads the config file and says what is wrong with it, without failing on
/// what can be ignored.
fn load_config(global: &Global) -> Result<Config, Failure> {
    let config = Config::load(&global.overrides())?;
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
    if let Some(note) = connection::ignored_password_note(choice) {
        eprintln!("glance: {note}");
    }
    let backend = timings::time(timings::Phase::Connect, || {
        connection::connect(choice, &mut |warning| eprintln!("{warning}"))
    })?;
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
    let console = console::Console::default();
    let mut session = Session::new(choice.clone(), backend, settings, term, interrupts, console);
    session.journal.history = open_history(config.history);
    Ok(session)
}

/// The history when `enabled`, after saying what is wrong with it.
fn open_history(enabled: bool) -> Option<history::History> {
    let (history, warnings) = history::open(enabled);
    for warning in warnings {
        eprintln!("glance: {warning}");
    }
    history
}

/// The model's explanation of a plan through `explain`: `None` without a
/// model or with `--no-explanation`. A model that cannot be set up or
/// fails is a runtime failure (the plan is already out).
fn explanation(
    config: &Config,
    args: &ExplainArgs,
    explain: impl FnOnce(&agent::Agent) -> Result<narrate::Explained, crate::llm::Error>,
) -> Result<Option<String>, Failure> {
    if args.no_explanation {
        return Ok(None);
    }
    let Some(agent) = make_agent(config)? else {
        return Ok(None);
    };
    explain(&agent)
        .map(|explained| Some(explained.text))
        .map_err(|error| Failure::runtime(narrate::failed(&error)))
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
