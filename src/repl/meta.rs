//! The REPL's meta-commands: one arm per backslash command, each running
//! it and saying what happened. The read loop ([`super::run`]) hands every
//! parsed [`Meta`] here; statements and questions go back to it.

use std::io::{self, Write};

use super::input::{Input, Read};
use super::{AfterLine, NO_PROVIDER, Repl, confirm_typed, history, output, run_ending, show};
use crate::agent::{Agent, prompt};
use crate::analysis::{explain, health, narrate, slow};
use crate::command::{self, Listing, Meta, ModelChoice};
use crate::connection;
use crate::db::Dialect;
use crate::describe;
use crate::escape;
use crate::llm;
use crate::models;
use crate::render::{Expanded, Format};
use crate::report;
use crate::server_listing::{OnMysql, ServerListing};
use crate::session::{Consent, Session};
use crate::turn;

/// What to say when an EXPLAIN ANALYZE that executes a write meets piped input.
const EXPLAIN_ANALYZE_REFUSED: super::Refusal = (
    "not run: EXPLAIN ANALYZE executes this write, which needs a confirmation, and input is not a terminal",
    Some("start glance with --yes to run it (rolled back) from a script"),
);

/// What to say when planning a statement may run code glance cannot verify
/// (a function the planner may evaluate) and input is piped.
const EXPLAIN_REFUSED: super::Refusal = (
    "not run: planning this statement may run code glance cannot verify, which needs a confirmation, and input is not a terminal",
    Some("start glance with --yes to explain it (rolled back) from a script"),
);

impl Repl {
    /// `\c`: switches connection, keeping the old one when the new one fails.
    fn connect(&mut self, session: &mut Session, input: &mut Input, target: Option<String>) {
        if let Some(name) = &target
            && self.switch_to_open(session, name)
        {
            return;
        }
        let chosen = match target {
            Some(target) => connection::from_argument(&self.config, &target, session.choice()),
            None if self.config.profiles.is_empty() => {
                eprint!(
                    "{}",
                    report::error_line(
                        "neither the config file nor a team folder defines connection profiles",
                        Some(
                            "give an address (\\c postgres://… or \\c file.db), or add [connections.NAME] to the config file or the team folder's profiles.toml"
                        )
                    )
                );
                return;
            }
            None => {
                print!("{}", connection::listing(&self.config, session.profile()));
                if !input.is_terminal() {
                    println!("\\c NAME connects to one of them.");
                    return;
                }
                let Read::Line(answer) = input.read("connect to (number or name, Enter to stay): ")
                else {
                    return;
                };
                if answer.trim().is_empty() {
                    return;
                }
                connection::pick(&self.config, &answer)
            }
        };
        match chosen.and_then(|choice| super::conns::open(&self.config, choice)) {
            Ok((backend, choice)) => {
                session.reconnect(choice, backend);
                self.rename_current(session);
                if input.is_terminal() {
                    // Fresh names for completion; a failure shows when next needed.
                    let _ = session.catalog();
                }
                if let Some(agent) = self.agent.as_mut() {
                    agent.reset();
                }
                println!("{}", conninfo(session));
            }
            Err(failure) => {
                eprint!("{}", failure.message());
                eprintln!(
                    "Still connected to {}.",
                    escape::visible(&session.info().database)
                );
            }
        }
    }

    /// `\slow`: the statements that took the most time, remembered for
    /// [`Repl::slow_entry`].
    fn slow(&mut self, session: &mut Session, order: slow::Order, limit: usize) {
        match slow::gather(session, order, limit) {
            Ok(list) => {
                if session.settings.format == crate::render::Format::Json {
                    print!("{}", list.json());
                } else {
                    let width = self.term.size().map_or(usize::MAX, |(w, _)| usize::from(w));
                    print!("{}", list.text(width));
                }
                self.slow = Some(list);
            }
            Err(error) => eprint!("{}", report::db_error(&error, None)),
        }
    }

    /// The query text of entry `n` (from 1) of the last `\slow` list.
    pub(super) fn slow_entry(&self, n: usize) -> Option<&str> {
        self.slow.as_ref()?.query(n)
    }

    /// The statement a command such as `\explain` is about: its SQL, the
    /// entry of the last `\slow` list a number names, or else the last
    /// statement. `None`, said, when there is none.
    pub(super) fn statement_argument(
        &self,
        session: &Session,
        sql: Option<String>,
        command: &str,
    ) -> Option<String> {
        let sql = match sql.as_deref().map(str::trim).map(str::parse::<usize>) {
            Some(Ok(n)) => match self.slow_entry(n) {
                Some(query) => Some(query.to_string()),
                None => {
                    eprint!(
                        "{}",
                        report::error_line(
                            &format!("the last \\slow list has no entry {n}"),
                            Some(
                                format!(
                                    "run \\slow first, then {command} N with one of its numbers"
                                )
                                .as_str()
                            )
                        )
                    );
                    return None;
                }
            },
            _ => sql,
        };
        let sql = sql.or_else(|| session.last_sql().map(str::to_string));
        if sql.is_none() {
            eprint!(
                "{}",
                report::error_line(
                    "there is no statement yet",
                    Some(format!("give one: {command} SELECT …").as_str())
                )
            );
        }
        sql
    }

    pub(super) fn meta(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        meta: Meta,
    ) -> AfterLine {
        match meta {
            Meta::Ask(question) => self.question(session, input, &question),
            Meta::Sql(Some(sql)) => match run_ending(&sql, "", session.info().dialect) {
                Some((body, expanded)) => self.run_sql(session, input, body, expanded),
                None => self.run_sql(session, input, &sql, false),
            },
            Meta::Go { expanded } => self.go(session, input, "", expanded),
            Meta::Sql(None) => {
                self.sql_mode = !self.sql_mode;
                self.buffer.clear();
                if self.sql_mode {
                    println!(
                        "SQL mode is on: lines are SQL and run at `;` or \\g. \\sql again to leave."
                    );
                } else {
                    println!("SQL mode is off.");
                }
            }
            Meta::Describe { name, verbose } => {
                if verbose {
                    // The view definition `\\d+` shows.
                    session.read_view_definitions(&name);
                }
                let details = describe_details(session, &name);
                match session
                    .catalog()
                    .map(|catalog| describe::relation_with(catalog, &name, verbose, &details))
                {
                    Ok(Some(description)) => show(session, &description, false),
                    Ok(None) => eprint!(
                        "{}",
                        report::error_line(
                            &format!("did not find any relation named \"{name}\""),
                            Some("\\d lists them")
                        )
                    ),
                    Err(error) => eprint!("{}", report::db_error(&error, None)),
                }
            }
            Meta::List {
                listing,
                pattern,
                verbose,
            } => {
                let pattern = pattern.as_deref();
                if verbose {
                    match listing {
                        Listing::Relations => {
                            read_sizes(session, &crate::catalog::RelationKind::ALL, pattern)
                        }
                        Listing::Kinds(kinds) => read_sizes(session, kinds, pattern),
                        _ => {}
                    }
                }
                let listed = session.catalog().map(|catalog| match listing {
                    Listing::Relations => describe::list_relations(
                        catalog,
                        &crate::catalog::RelationKind::ALL,
                        pattern,
                        verbose,
                    ),
                    Listing::Kinds(kinds) => {
                        describe::list_relations(catalog, kinds, pattern, verbose)
                    }
                    Listing::Schemas => describe::list_schemas(catalog, pattern, verbose),
                    Listing::Indexes => describe::list_indexes(catalog, pattern, verbose),
                });
                match listed {
                    Ok(description) => show(session, &description, true),
                    Err(error) => eprint!("{}", report::db_error(&error, None)),
                }
            }
            Meta::ServerList { listing, pattern } => {
                list_from_server(session, &listing, pattern.as_deref())
            }
            Meta::Expanded(setting) => {
                let next = setting.unwrap_or(match session.settings.expanded {
                    Expanded::Off => Expanded::On,
                    Expanded::On | Expanded::Auto => Expanded::Off,
                });
                session.settings.expanded = next;
                let word = match next {
                    Expanded::On => "on",
                    Expanded::Off => "off",
                    Expanded::Auto => "used automatically",
                };
                println!("Expanded display is {word}.");
            }
            Meta::Timing(setting) => {
                session.settings.timing = setting.unwrap_or(!session.settings.timing);
                println!(
                    "Timing is {}.",
                    if session.settings.timing { "on" } else { "off" }
                );
            }
            Meta::Export {
                format,
                file,
                overwrite,
            } => output::export(session, format, &file, overwrite, self.term.stderr_tty),
            Meta::Chart { all, request, save } => self.chart(session, all, request, save),
            Meta::Yank(what) => output::yank(session, what, self.term.stderr_tty),
            Meta::Output(file) => output::output(session, file.as_deref()),
            Meta::Log => show(session, &session.journal.log.describe(), true),
            Meta::Slow { order, limit } => self.slow(session, order, limit),
            Meta::IndexHealth => match health::gather(session) {
                Ok(found) if session.settings.format == crate::render::Format::Json => {
                    print!("{}", found.json());
                }
                Ok(found) => print!("{}", found.text()),
                Err(error) => eprint!("{}", report::db_error(&error, None)),
            },
            Meta::IndexAdvise { sql, plans } => self.advise(session, input, sql, plans),
            Meta::Docs(options) => write_docs(session, &options),
            Meta::Erd(options) => self.erd(session, &options),
            Meta::IndexAdviseWorkload => self.advise_workload(session, input),
            Meta::DescribeDraft(options) => self.describe_draft(session, input, &options),
            Meta::Migrate(request) => self.migrate(session, input, &request),
            Meta::Design { text, new } => self.design(session, input, &text, new),
            Meta::Connect(target) => {
                // The waiting answer belongs to the database being left.
                self.learning.settle(session);
                self.connect(session, input, target);
            }
            Meta::ConnectAlso(target) => {
                self.learning.settle(session);
                self.connect_also(session, input, &target);
            }
            Meta::Close(name) => self.close(session, &name),
            Meta::Conns => self.list_conns(session),
            Meta::Tools => print!("{}", super::tools::list(session, &self.kit)),
            Meta::Tool { name, arguments } => {
                let terminal = input.is_terminal();
                super::tools::call(session, &mut self.kit, &name, &arguments, terminal);
            }
            Meta::ConnInfo => println!("{}", conninfo(session)),
            Meta::Team => {
                let summary = self.config.team_summary();
                if session.settings.format == Format::Json {
                    println!("{}", crate::team::summary::json(summary.as_ref()));
                } else {
                    print!("{}", crate::team::summary::text(summary.as_ref()));
                }
            }
            Meta::History(words) => history::list(session, words.as_deref()),
            Meta::HistoryEntry(number) => history::show_entry(session, number),
            Meta::Good => self.learning.good(session),
            Meta::Bad => self.learning.bad(session),
            Meta::Examples(words) => super::learn::list(session, words.as_deref()),
            Meta::ExamplesRemove(number) => super::learn::remove(session, number),
            Meta::Rerun(number) => match history::to_rerun(session, number) {
                Some(history::Rerun {
                    sql,
                    question: Some(note),
                    ..
                }) => self.run_generated(session, input, &sql, note),
                Some(history::Rerun { sql, params, .. }) if !params.is_empty() => {
                    let bound = crate::saved::bind::Bound { sql, params };
                    self.run_bound(session, input, bound, Vec::new());
                }
                Some(rerun) => self.run_sql(session, input, &rerun.sql, false),
                None => {}
            },
            Meta::Saved(command) => self.saved(session, input, command),
            Meta::Include { file, relative } => {
                return self.include(session, input, &file, relative);
            }
            Meta::Watch { every, count } => self.watch(session, every, count),
            Meta::Copy(spec) => {
                let (allowed, color) = (self.allowed, self.term.color);
                let prefix = self.scripts.prefix();
                super::copy::run(session, &spec, &prefix, &mut |consent: &Consent| {
                    confirm_typed(input, consent, allowed, color)
                });
            }
            Meta::Help => self.help(session),
            Meta::Prompt(question) => self.show_prompt(session, &question),
            Meta::Explain { analyze, sql } => self.explain(session, input, analyze, sql),
            Meta::Usage => show(
                session,
                &self.usage.describe("Model use in this session".to_string()),
                false,
            ),
            Meta::Reset => {
                if let Some(agent) = self.agent.as_mut() {
                    agent.reset();
                }
                self.learning.reset();
                println!("Conversation cleared: the next question starts fresh.");
            }
            Meta::Edit => self.edit(session, input),
            Meta::Model(None) => match &self.agent {
                Some(agent) => println!(
                    "Questions go to {}/{}; switch with \\model PROVIDER/MODEL or \\model MODEL.",
                    agent.provider().name(),
                    agent.provider().model()
                ),
                None => eprint!("{}", report::error_line(NO_PROVIDER, Some(llm::SETUP_HINT))),
            },
            Meta::Model(Some(choice)) => self.switch_model(&choice),
            Meta::Check {
                options,
                show_sql,
                export,
            } => match (crate::analysis::check::run(session, &options), export) {
                (Ok(report), Some(target)) => super::output::dbt(session, &report, &target),
                (Ok(report), None)
                    if matches!(session.settings.format, crate::render::Format::Json) =>
                {
                    println!("{}", crate::render::json_text(&report.json()))
                }
                (Ok(report), None) => show(session, &report.describe(show_sql), false),
                (Err(error), _) => eprint!("{}", report::db_error(&error, None)),
            },
            Meta::Quit => return AfterLine::Quit,
        }
        AfterLine::Continue
    }

    /// `\?`: the help, paged like a result when it is longer than the
    /// window and a person is at the terminal.
    fn help(&mut self, session: &Session) {
        let text = command::help();
        let size = self
            .term
            .size()
            .filter(|_| self.term.stdin_tty && session.settings.paged);
        let shown = match size {
            Some(size) => {
                crate::render::show_paged(&text, size, self.term.color, &mut io::stdout().lock())
            }
            None => {
                print!("{text}");
                io::stdout().flush()
            }
        };
        if let Err(error) = shown {
            self.output_failed(&error);
        }
    }

    /// `\model [PROVIDER/]MODEL`: rebuilds the provider with the same
    /// settings and keeps the conversation; on an error the old model stays.
    fn switch_model(&mut self, choice: &ModelChoice) {
        let provider = choice.provider.or_else(|| {
            self.agent
                .as_ref()
                .and_then(|agent| llm::canonical(agent.provider().name()))
        });
        match models::choose(&self.config, provider, Some(&choice.model)) {
            Ok(Some(chosen)) => {
                println!(
                    "Questions now go to {}/{}.",
                    chosen.provider.name(),
                    chosen.provider.model()
                );
                match self.agent.as_mut() {
                    Some(agent) => agent.set_provider(chosen.provider),
                    None => {
                        self.agent =
                            Some(Agent::new(chosen.provider, self.config.agent_settings()));
                    }
                }
            }
            Ok(None) => eprint!("{}", report::error_line(NO_PROVIDER, Some(llm::SETUP_HINT))),
            Err(error) => eprint!(
                "{}",
                report::error_line(&error.to_string(), Some("the model is unchanged"))
            ),
        }
    }

    /// `\explain [analyze] [SQL]`: the plan of SQL, or of the last
    /// statement, as a tree with findings (a JSON document under `--format json`).
    fn explain(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        analyze: bool,
        sql: Option<String>,
    ) {
        let Some(sql) = self.statement_argument(session, sql, "\\explain") else {
            return;
        };
        let (allowed, color) = (self.allowed, self.term.color);
        let mut confirm = |consent: &Consent| confirm_typed(input, consent, allowed, color);
        match explain::explain(session, &sql, analyze, &mut confirm) {
            Ok(report) if session.settings.format == Format::Json => {
                let mut document = report.json();
                document["explanation"] = self.narrate(session, &report, false).into();
                println!("{document}");
            }
            Ok(report) => {
                print!("{}", report.text());
                self.narrate(session, &report, true);
            }
            Err(explain::Failed::Executed(executed)) => {
                let refusal = if analyze {
                    EXPLAIN_ANALYZE_REFUSED
                } else {
                    EXPLAIN_REFUSED
                };
                self.report_executed(session, executed, &sql, refusal);
            }
            Err(explain::Failed::Other(message)) => {
                eprint!("{}", report::error_line(&message, None));
            }
        }
    }

    /// The model's explanation of `report`, streamed to stdout when `shown`:
    /// `None` without a model, or when it failed (said on stderr). Its cost
    /// joins the session's tally.
    fn narrate(
        &mut self,
        session: &mut Session,
        report: &explain::Report,
        shown: bool,
    ) -> Option<String> {
        let agent = self.agent.as_ref()?;
        let explained = if shown {
            super::explanation::print(session, agent, report, self.term)
        } else {
            narrate::explain(session, agent, report, self.term.stderr_tty, &mut |_| {})
        };
        match explained {
            Ok(explained) => {
                let provider = agent.provider();
                self.usage
                    .add(provider.name(), provider.model(), explained.tally);
                Some(explained.text)
            }
            Err(error) => {
                eprint!("{}", report::error_line(&narrate::failed(&error), None));
                None
            }
        }
    }

    /// `\prompt QUESTION`: prints the request that would go to the model.
    fn show_prompt(&mut self, session: &mut Session, question: &str) {
        let Some(agent) = self.agent.as_ref() else {
            eprint!("{}", report::error_line(NO_PROVIDER, Some(llm::SETUP_HINT)));
            return;
        };
        match turn::request(session, agent, question) {
            Ok((request, context)) => {
                let json = matches!(session.settings.format, crate::render::Format::Json);
                let tools = crate::agent_tools::offered(session, agent, &mut self.kit);
                let text =
                    prompt::show(agent.provider(), &request, &context, json, tools.as_deref());
                println!("{}", text.trim_end_matches('\n'));
            }
            Err(error) => eprint!("{}", report::db_error(&error, None)),
        }
    }
}

/// `\\docs`: the documentation written into a directory (Markdown, or
/// `schema.json` under `--format json`), then where it went; with
/// `--coverage` the comment coverage shown, or written into the directory
/// named.
fn write_docs(session: &mut Session, options: &crate::docs::Options) {
    use crate::docs::{Form, coverage};
    let form = options.form.unwrap_or(match session.settings.format {
        Format::Json => Form::Json,
        _ => Form::Markdown,
    });
    let files = if options.coverage {
        let catalog = match session.catalog() {
            Ok(catalog) => catalog,
            Err(error) => return eprint!("{}", report::db_error(&error, None)),
        };
        if options.dir.is_none() {
            if form == Form::Json {
                return println!("{}", crate::render::json_text(&coverage::json(catalog)));
            }
            let description = coverage::describe(catalog);
            if let Err(error) = session.present(&description, false) {
                eprint!("{}", report::error_line(&error.to_string(), None));
            }
            return;
        }
        vec![coverage::file(catalog, form)]
    } else {
        match crate::docs::gather(session) {
            Ok(model) => crate::docs::files(&model, form),
            Err(error) => return eprint!("{}", report::db_error(&error, None)),
        }
    };
    let dir = std::path::PathBuf::from(options.dir.as_deref().unwrap_or(crate::docs::DEFAULT_DIR));
    match crate::docs::write(&dir, &files) {
        Ok(written) => println!(
            "Wrote {} to {}.",
            crate::numbers::counted(written as u64, "file", "files"),
            escape::visible(&dir.display().to_string())
        ),
        Err(error) => eprint!("{}", report::error_line(&error.to_string(), None)),
    }
}

/// Reads the on-disk sizes of the tables a verbose PostgreSQL listing
/// shows, in one catalog query through the read-only guard (introspection
/// leaves them out). On an error the sizes stay empty and the error is shown.
fn read_sizes(
    session: &mut Session,
    kinds: &[crate::catalog::RelationKind],
    pattern: Option<&str>,
) {
    if session.info().dialect != Dialect::Postgres {
        return;
    }
    let Ok(catalog) = session.catalog() else {
        return;
    };
    let shown = describe::sized_listed(catalog, kinds, pattern);
    if shown.is_empty() {
        return;
    }
    match session.catalog_query(&crate::db::postgres::sizes_sql(&shown)) {
        Ok((_, rows)) => {
            let Some(catalog) = session.cached_catalog_mut() else {
                return;
            };
            let mut sizes = std::collections::HashMap::new();
            for row in rows {
                if let [
                    crate::db::Value::Text(schema),
                    crate::db::Value::Text(name),
                    crate::db::Value::Int(bytes),
                ] = row.as_slice()
                {
                    sizes.insert((schema.clone(), name.clone()), *bytes);
                }
            }
            for r in &mut catalog.relations {
                if let Some(bytes) = sizes.remove(&(r.schema.clone(), r.name.clone())) {
                    r.size_bytes = Some(bytes);
                }
            }
        }
        Err(error) => eprint!("{}", report::db_error(&error, None)),
    }
}

/// What `\\d NAME` reads for that one relation beyond the catalog
/// (triggers, partitions), through the read-only guard; on an error the
/// relation is described without them and the error is shown.
fn describe_details(session: &mut Session, name: &str) -> describe::Details {
    crate::tools::relation_details(session, name).unwrap_or_else(|error| {
        eprint!("{}", report::db_error(&error, None));
        describe::Details::default()
    })
}

/// `\\du`, `\\df` and the other listings the server's catalogs answer;
/// on SQLite, and on MySQL where it has no such objects, says what the
/// command is for instead.
fn list_from_server(session: &mut Session, listing: &ServerListing, pattern: Option<&str>) {
    let sql = match (session.info().dialect, listing.mysql) {
        (Dialect::Postgres, _) => listing.sql,
        (Dialect::Mysql, OnMysql::Query(sql)) => sql,
        (Dialect::Mysql, OnMysql::Absent(why)) => {
            eprint!("{}", report::error_line(why, None));
            return;
        }
        (Dialect::Sqlite, _) => {
            eprint!("{}", report::error_line(listing.sqlite, None));
            return;
        }
    };
    match session.catalog_query(sql) {
        Ok((columns, rows)) => show(
            session,
            &describe::server_listing(listing, columns, rows, pattern),
            true,
        ),
        Err(error) => eprint!("{}", report::db_error(&error, None)),
    }
}

/// What `\conninfo` and the greeting say about the connection; names from
/// the server and the address have their control characters escaped.
pub(super) fn conninfo(session: &Session) -> String {
    let info = session.info();
    let mut text = match session.profile() {
        Some(profile) => format!("profile {profile}: "),
        None => String::new(),
    };
    // MySQL's server_version names the product already: "MariaDB 10.11.6".
    let server = match info.dialect {
        Dialect::Mysql => info.server_version.clone(),
        _ => format!("{} {}", info.dialect.name(), info.server_version),
    };
    text.push_str(&format!("connected to {server} at {}", info.location));
    if let Some(user) = &info.user {
        text.push_str(&format!(" as {user}"));
    }
    if info.dialect != Dialect::Sqlite {
        match &info.tls {
            Some(tls) => text.push_str(&format!(" ({tls})")),
            None => text.push_str(" (not encrypted)"),
        }
    }
    if session.choice().read_only {
        text.push_str("; read-only: only read-only statements run");
    }
    if info.grants_only_reads {
        text.push_str("; the server allows this user only reads");
    }
    escape::visible(&text).into_owned()
}
