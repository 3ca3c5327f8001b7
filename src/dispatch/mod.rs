//! Runs one parsed command line: each subcommand's setup (config file,
//! terminal, interrupts, connection, agent) and the front end it hands over
//! to. Failures come back as a [`Failure`]; `main` turns them into the exit
//! code.

// Subcommands print their results and notes: this is the front end for
// everything but the REPL and `ask`.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod design;
mod erd;
mod mcp;
mod migrate;
mod saved;
mod team;

use crate::analysis::{explain, narrate};
use crate::cli::{
    AdviseArgs, CheckArgs, Cli, Command, ConfigAction, DescribeArgs, DescribeExport, DocsArgs,
    ExplainArgs, Global, IndexesAction, LintArgs, LintDialect,
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
        Command::Team { action } => team::command(global, action.as_ref()),
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
            // MCP servers start only for a question, which may call their tools.
            let servers = if args.sql.is_none() {
                config.mcp_servers.as_slice()
            } else {
                &[]
            };
            let (mut kit, warnings) = crate::plugins::Kit::start(&config.plugins, servers);
            for warning in warnings {
                eprintln!("glance: warning: {}", crate::escape::visible(&warning));
            }
            let result = ask::run(
                global,
                (args, &mut kit),
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
        Command::Run(args) => saved::command(global, args),
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
        Command::Lint(args) => lint_command(global, args),
        Command::Mcp(args) => mcp::command(global, args),
        Command::Explain(args) => explain_command(global, args),
        Command::Check(args) => check_command(global, args),
        Command::Docs(args) => docs_command(global, args),
        Command::Erd(args) => erd::command(global, args),
        Command::Describe(args) => describe_command(global, args),
        Command::Migrate(args) => migrate::command(global, args),
        Command::Design(args) => design::command(global, args),
        Command::Repl => {
            let config = load_config(global)?;
            if config.format == render::Format::Chart {
                return Err(Failure::Usage {
                    message: "--format chart is for glance ask; the REPL draws a chart of the last result with \\chart".into(),
                    hint: Some("start glance without --format chart, and type \\chart after a result".into()),
                });
            }
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

/// What the write flags let run without a person to confirm (`--yes`
/// allows writes and destructive statements alike), and the confirmation
/// that asks at the terminal for the rest.
fn confirmation(
    global: &Global,
    term: Term,
    write: bool,
    destructive: bool,
) -> (
    crate::gate::Allowed,
    impl FnMut(&crate::session::Consent) -> crate::session::Decision + use<>,
) {
    let allowed = crate::gate::Allowed {
        write: write || global.yes,
        destructive: destructive || global.yes,
    };
    (allowed, move |consent: &crate::session::Consent| {
        ask::confirm_by(consent, allowed, term)
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
    let (_, mut confirm) = confirmation(global, term, args.allow_write, args.allow_destructive);
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

/// `glance lint FILE…`: the report on stdout (one JSON document with
/// --format json); exit 1 when a finding is a warning or worse, 2 when a
/// file cannot be read or parsed. Connects to nothing.
fn lint_command(global: &Global, args: &LintArgs) -> Result<(), Failure> {
    let json = match global.format {
        None | Some(render::Format::Table) => false,
        Some(render::Format::Json) => true,
        Some(other) => return Err(format_refused("lint", "text or JSON", other, "text")),
    };
    let dialect = match args.dialect {
        Some(LintDialect::Postgres) => crate::db::Dialect::Postgres,
        Some(LintDialect::Sqlite) => crate::db::Dialect::Sqlite,
        None if global.demo => crate::db::Dialect::Sqlite,
        None => crate::db::Target::parse(global.database.as_deref()).dialect(),
    };
    let paths = if args.files.is_empty() {
        vec!["-".to_string()]
    } else {
        args.files.clone()
    };
    let mut files = Vec::with_capacity(paths.len());
    for path in paths {
        let sql = if path == "-" {
            ask::read_stdin()?
        } else {
            std::fs::read_to_string(&path).map_err(|e| Failure::Usage {
                message: format!("cannot read {path}: {e}"),
                hint: None,
            })?
        };
        let linted = crate::lint::file(&sql, dialect, args.assume_in_transaction);
        let statements = linted.map_err(|e| Failure::Usage {
            message: format!(
                "{path}:{}:{}: cannot parse: {}",
                e.line, e.column, e.message
            ),
            hint: Some(format!(
                "glance lint reads {} SQL (--dialect); fix the statement, or lint it apart",
                dialect.name()
            )),
        })?;
        files.push(crate::lint::report::File { path, statements });
    }
    if json {
        print!("{}", crate::lint::report::json(&files));
    } else {
        print!("{}", crate::lint::report::text(&files));
    }
    if crate::lint::report::fails(&files) {
        return Err(Failure::runtime(
            "lint found warnings or errors (see above)",
        ));
    }
    Ok(())
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
    if args.export.is_some() {
        let export = analysis::dbt::export(&mut session, &report)
            .map_err(|error| Failure::database(&error, None))?;
        match &args.output {
            None => print!("{}", export.yaml),
            Some(file) => {
                crate::export::write_text(file, false, &export.yaml).map_err(
                    |error| match error {
                        crate::export::Error::Database(error) => Failure::database(&error, None),
                        crate::export::Error::Exists(_) => Failure::Runtime {
                            message: error.to_string(),
                            hint: Some(
                                "glance never replaces a file: remove it or name another".into(),
                            ),
                        },
                        error => Failure::Runtime {
                            hint: error.hint().map(str::to_string),
                            message: error.to_string(),
                        },
                    },
                )?;
            }
        }
        eprintln!("{}", export.summary());
        return Ok(());
    }
    if format == render::Format::Json {
        println!("{}", render::json_text(&report.json()));
        return Ok(());
    }
    session
        .present(&report.describe(args.show_sql), false)
        .map_err(Failure::from_io)
}

/// `glance docs`: the documentation files written into a directory, or
/// with `--coverage` the comment coverage printed.
fn docs_command(global: &Global, args: &DocsArgs) -> Result<(), Failure> {
    use crate::docs::coverage;
    // Printed coverage is a table in any format; files are Markdown or JSON.
    let printed = args.coverage && args.output.is_none();
    let form = if printed {
        None
    } else {
        Some(docs_form(global.format)?)
    };
    let Analysis {
        mut session,
        format,
        ..
    } = open_for_analysis(global)?;
    let database = |error| Failure::database(&error, None);
    let files = match form {
        None => {
            let catalog = session.catalog().map_err(database)?;
            if format == render::Format::Json {
                println!("{}", render::json_text(&coverage::json(catalog)));
                return Ok(());
            }
            let description = coverage::describe(catalog);
            return session
                .present(&description, false)
                .map_err(Failure::from_io);
        }
        Some(form) if args.coverage => {
            vec![coverage::file(session.catalog().map_err(database)?, form)]
        }
        Some(form) => {
            crate::docs::files(&crate::docs::gather(&mut session).map_err(database)?, form)
        }
    };
    let dir = args
        .output
        .clone()
        .unwrap_or_else(|| crate::docs::DEFAULT_DIR.into());
    let written = crate::docs::write(&dir, &files).map_err(|error| match error {
        crate::docs::WriteError::NotADirectory(_) => Failure::Usage {
            message: error.to_string(),
            hint: Some("give a directory with -o DIR".into()),
        },
        crate::docs::WriteError::Io { .. } => Failure::runtime(error.to_string()),
    })?;
    eprintln!(
        "glance: wrote {} to {}",
        crate::numbers::counted(written as u64, "file", "files"),
        crate::escape::visible(&dir.display().to_string())
    );
    Ok(())
}

/// `glance describe TABLE`: the model's draft of comments, run after the
/// editor and a confirmation (or `--allow-write`/`--yes` without a
/// terminal), or written out with `--export`/`-o`, or printed as JSON.
fn describe_command(global: &Global, args: &DescribeArgs) -> Result<(), Failure> {
    let Analysis {
        mut session,
        format,
        term,
        config,
        ..
    } = open_for_analysis(global)?;
    let options = analysis::comments::Options {
        table: args.table.clone(),
        all: args.all,
        export: args.export.map(|export| match export {
            DescribeExport::Sql => analysis::comments::Export::Sql,
            DescribeExport::Tbls => analysis::comments::Export::Tbls,
        }),
        output: args.output.clone(),
    };
    let (allowed, mut confirm) = confirmation(global, term, args.allow_write, false);
    let setup = repl::describe::Setup {
        options: &options,
        json: format == render::Format::Json,
        editor: term.can_ask() && term.stdout_tty,
        confirmable: term.can_ask() || allowed.write,
        unconfirmed_hint: "pass --allow-write to run the draft, or --export to write it out",
        progress: term.stderr_tty,
    };
    let agent = make_agent(&config)?;
    repl::describe::run(&mut session, agent.as_ref(), &setup, &mut confirm).1
}

/// What `--format` makes `glance docs` write: Markdown unless JSON is asked
/// for; the other formats are for results.
fn docs_form(format: Option<render::Format>) -> Result<crate::docs::Form, Failure> {
    match format {
        None | Some(render::Format::Table) | Some(render::Format::Markdown) => {
            Ok(crate::docs::Form::Markdown)
        }
        Some(render::Format::Json) => Ok(crate::docs::Form::Json),
        Some(other) => Err(format_refused(
            "docs",
            "Markdown or JSON",
            other,
            "Markdown",
        )),
    }
}

/// The error for a `--format` that `command` does not write: it writes
/// `writes`, and without --format its `default`.
fn format_refused(command: &str, writes: &str, other: render::Format, default: &str) -> Failure {
    Failure::Usage {
        message: format!(
            "glance {command} writes {writes}, not {}",
            format!("{other:?}").to_lowercase()
        ),
        hint: Some(format!(
            "leave --format out for {default}, or give --format json"
        )),
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
        ConfigAction::Show if global.format == Some(render::Format::Json) => {
            println!("{:#}", load_config(global)?.show_json());
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
    // Warnings quote the config and team files, which may hold anything.
    for warning in &config.warnings {
        eprintln!("glance: warning: {}", crate::escape::visible(warning));
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
    if let Some(note) = connection::team_note(config, choice) {
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
        share_rows: config.share_rows,
        trusted_functions: config.trusted_functions.clone(),
    };
    let console = console::Console::default();
    let mut session = Session::new(choice.clone(), backend, settings, term, interrupts, console);
    session.journal.history = open_history(config.history);
    if let Some(team) = &config.team {
        let (examples, warnings) = crate::recall::TeamExamples::load(&team.examples_path());
        for warning in warnings {
            eprintln!("glance: warning: {}", crate::escape::visible(&warning));
        }
        session.set_team_examples(examples);
    }
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
