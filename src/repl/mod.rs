//! `glance repl`: the interactive loop. Reads lines with rustyline on a
//! terminal (or plain lines from a pipe, like `psql < script`), dispatches
//! meta-commands, collects SQL in SQL mode until `;`, and hands statements to
//! the [`Session`]. An error never ends the loop.

mod complete;
mod input;
mod output;

use std::io::{self, Write};

use sqlparser::tokenizer::{Token, Tokenizer};

use input::{Input, Read};

use crate::agent::Agent;
use crate::answer::{self, End};
use crate::command::{self, Listing, Meta};
use crate::confirm;
use crate::db::Dialect;
use crate::describe;
use crate::exit::Failure;
use crate::highlight;
use crate::llm;
use crate::render::Expanded;
use crate::report;
use crate::safety::{self, Verdict};
use crate::session::{Consent, Decision, Executed, Run, Session};
use crate::term::Term;

/// Runs the loop until `\q`, Ctrl-D or the end of piped input.
pub fn run(
    session: &mut Session,
    agent: Option<Agent>,
    term: Term,
    assume_yes: bool,
) -> Result<(), Failure> {
    let mut input = Input::open(term)?;
    if term.stdin_tty {
        greet(session, agent.as_ref());
    }
    let mut repl = Repl {
        sql_mode: false,
        buffer: String::new(),
        assume_yes,
        term,
        agent,
    };
    loop {
        let prompt = repl.prompt(&session.info().database);
        let line = match input.read(&prompt) {
            Read::Line(line) => line,
            Read::Interrupted => {
                repl.buffer.clear();
                continue;
            }
            Read::End => break,
        };
        if repl.handle(session, &mut input, &line) == Flow::Quit {
            break;
        }
    }
    Ok(())
}

#[derive(PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

struct Repl {
    sql_mode: bool,
    /// SQL typed so far in SQL mode, waiting for its `;`.
    buffer: String,
    assume_yes: bool,
    term: Term,
    /// The model questions go to; `None` when no provider is configured.
    agent: Option<Agent>,
}

impl Repl {
    fn prompt(&self, database: &str) -> String {
        match (self.sql_mode, self.buffer.is_empty()) {
            (false, _) => format!("{database}=> "),
            (true, true) => format!("{database} sql=> "),
            (true, false) => format!("{database} sql-> "),
        }
    }

    fn handle(&mut self, session: &mut Session, input: &mut Input, line: &str) -> Flow {
        let trimmed = line.trim();
        if trimmed.is_empty() && self.buffer.is_empty() {
            return Flow::Continue;
        }
        match command::parse(trimmed) {
            Ok(Some(meta)) => return self.meta(session, input, meta),
            Err(message) => {
                eprint!("{}", report::error_line(&message, None));
                return Flow::Continue;
            }
            Ok(None) => {}
        }
        if !self.sql_mode {
            self.question(session, input, trimmed);
            return Flow::Continue;
        }
        if !self.buffer.is_empty() {
            self.buffer.push('\n');
        }
        self.buffer.push_str(line);
        if statement_complete(&self.buffer, session.info().dialect) {
            let text = std::mem::take(&mut self.buffer);
            self.run_sql(session, input, &text);
        }
        Flow::Continue
    }

    fn meta(&mut self, session: &mut Session, input: &mut Input, meta: Meta) -> Flow {
        match meta {
            Meta::Sql(Some(sql)) => self.run_sql(session, input, &sql),
            Meta::Sql(None) => {
                self.sql_mode = !self.sql_mode;
                self.buffer.clear();
                if self.sql_mode {
                    println!("SQL mode is on: lines are SQL and run at `;`. \\sql again to leave.");
                } else {
                    println!("SQL mode is off.");
                }
            }
            Meta::Describe { name, verbose } => {
                match session
                    .catalog()
                    .map(|catalog| describe::relation(catalog, &name, verbose))
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
                let listed = session.catalog().map(|catalog| {
                    input.learn_names(catalog);
                    match listing {
                        Listing::Relations => {
                            describe::list_relations(catalog, ALL_RELATIONS, pattern, verbose)
                        }
                        Listing::Kinds(kinds) => {
                            describe::list_relations(catalog, kinds, pattern, verbose)
                        }
                        Listing::Schemas => describe::list_schemas(catalog, pattern, verbose),
                        Listing::Indexes => describe::list_indexes(catalog, pattern, verbose),
                    }
                });
                match listed {
                    Ok(description) => show(session, &description, true),
                    Err(error) => eprint!("{}", report::db_error(&error, None)),
                }
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
            } => output::export(session, format, &file, overwrite),
            Meta::Yank(what) => output::yank(session, what),
            Meta::Output(file) => output::output(session, file.as_deref()),
            Meta::Log => show(session, &session.log.describe(), true),
            Meta::ConnInfo => println!("{}", conninfo(session)),
            Meta::Help => print!("{}", command::help()),
            Meta::Prompt(question) => self.show_prompt(session, &question),
            Meta::Reset => {
                if let Some(agent) = self.agent.as_mut() {
                    agent.reset();
                }
                println!("Conversation cleared: the next question starts fresh.");
            }
            Meta::Quit => return Flow::Quit,
        }
        Flow::Continue
    }

    /// Answers a question through the model, or says how to configure one.
    fn question(&mut self, session: &mut Session, input: &mut Input, question: &str) {
        let Some(agent) = self.agent.as_mut() else {
            eprint!("{}", report::error_line(NO_PROVIDER, Some(llm::SETUP_HINT)));
            return;
        };
        let mut ui = TerminalUi {
            input,
            color: self.term.color,
            reply: highlight::Reply::new(self.term.color),
            streamed: false,
        };
        let answered = answer::answer(session, agent, question, &mut ui);
        print!("{}", ui.reply.finish());
        if ui.streamed {
            println!();
        }
        let model = agent.provider().model().to_string();
        match &answered.end {
            End::Prose | End::Ran(_) => {}
            End::Declined => println!("Not run."),
            End::Refused { .. } => eprint!(
                "{}",
                report::error_line(
                    "not run: this statement needs a confirmation, and input is not a terminal",
                    Some("start glance with --yes to run destructive statements from a script"),
                )
            ),
            End::Failed { sql, error } => eprint!("{}", report::db_error(error, Some(sql))),
            End::Llm(error) => eprint!("{}", report::error_line(&error.to_string(), None)),
            End::Catalog(error) => eprint!("{}", report::db_error(error, None)),
            End::Output(error) => eprint!(
                "{}",
                report::error_line(&format!("could not write output: {error}"), None)
            ),
        }
        if answered.attempts > 0 && !matches!(answered.end, End::Llm(_)) {
            println!("{}", dim(&answered.footer(&model), self.term.color));
        }
    }

    /// `\prompt QUESTION`: prints the request that would go to the model.
    fn show_prompt(&mut self, session: &mut Session, question: &str) {
        let Some(agent) = self.agent.as_ref() else {
            eprint!("{}", report::error_line(NO_PROVIDER, Some(llm::SETUP_HINT)));
            return;
        };
        match answer::request(session, agent, question) {
            Ok((request, context)) => {
                let preview = agent.provider().preview(&request);
                println!(
                    "{}",
                    serde_json::to_string_pretty(&preview).unwrap_or_default()
                );
                println!(
                    "{} tables sent in full, {} by name only, about {} schema tokens",
                    context.tables_full.len(),
                    context.tables_named,
                    context.tokens
                );
            }
            Err(error) => eprint!("{}", report::db_error(&error, None)),
        }
    }

    fn run_sql(&mut self, session: &mut Session, input: &mut Input, text: &str) {
        let assume_yes = self.assume_yes;
        let color = self.term.color;
        for sql in safety::split_statements(text, session.info().dialect) {
            let mut confirm = |consent: &Consent| {
                if assume_yes {
                    Decision::Run
                } else {
                    input.confirm(consent, color)
                }
            };
            match session.execute(Run::typed(&sql), &mut confirm) {
                Executed::Ran(_) => {}
                Executed::Declined => println!("Not run."),
                Executed::Refused { .. } => eprint!(
                    "{}",
                    report::error_line(
                        "not run: destructive statements need a confirmation, and input is not a terminal",
                        Some("start glance with --yes to run them from a script"),
                    )
                ),
                Executed::Failed { error, .. } => {
                    eprint!("{}", report::db_error(&error, Some(&sql)));
                    break;
                }
                Executed::Output(error) => {
                    eprint!(
                        "{}",
                        report::error_line(&format!("could not write output: {error}"), None)
                    );
                    break;
                }
            }
        }
    }
}

const ALL_RELATIONS: &[crate::catalog::RelationKind] = &[
    crate::catalog::RelationKind::Table,
    crate::catalog::RelationKind::PartitionedTable,
    crate::catalog::RelationKind::View,
    crate::catalog::RelationKind::MaterializedView,
    crate::catalog::RelationKind::ForeignTable,
];

fn show(session: &Session, description: &crate::catalog::Description, footer: bool) {
    if let Err(error) = session.present(description, footer) {
        eprint!(
            "{}",
            report::error_line(&format!("could not write output: {error}"), None)
        );
    }
}

fn greet(session: &Session, agent: Option<&Agent>) {
    println!(
        "glance {} · {}",
        env!("CARGO_PKG_VERSION"),
        conninfo(session)
    );
    match agent {
        Some(agent) => println!(
            "Ask a question, or type \\sql for SQL ({} · {}). \\? for help, Ctrl-D to quit.",
            agent.provider().name(),
            agent.provider().model()
        ),
        None => println!(
            "No LLM provider is configured, so type SQL after \\sql. \\? for help, Ctrl-D to quit."
        ),
    }
    if session.info().superuser {
        eprintln!(
            "warning: connected as a superuser, who can read server files and run programs; \
             a less privileged role is safer for everyday use"
        );
    }
}

fn conninfo(session: &Session) -> String {
    let info = session.info();
    let mut text = format!(
        "connected to {} {} at {}",
        info.dialect.name(),
        info.server_version,
        info.location
    );
    if let Some(user) = &info.user {
        text.push_str(&format!(" as {user}"));
    }
    if info.dialect == Dialect::Postgres {
        match &info.tls {
            Some(tls) => text.push_str(&format!(" ({tls})")),
            None => text.push_str(" (not encrypted)"),
        }
    }
    text
}

const NO_PROVIDER: &str = "questions need an LLM provider, and none is configured";

/// Shows an answer's steps on the terminal and asks there.
struct TerminalUi<'a> {
    input: &'a mut Input,
    color: bool,
    /// Holds back fenced SQL until it can be shown highlighted.
    reply: highlight::Reply,
    /// Whether reply text has been printed (so the verdict starts a new line).
    streamed: bool,
}

impl answer::Ui for TerminalUi<'_> {
    fn reply_text(&mut self, text: &str) {
        self.streamed = true;
        print!("{}", self.reply.push(text));
        let _ = io::stdout().flush();
    }

    fn proposed(&mut self, _reply: &str, _sql: &str, verdict: &Verdict) {
        print!("{}", self.reply.finish());
        if self.streamed {
            println!();
            self.streamed = false;
        }
        println!("{}", confirm::verdict_line(verdict, self.color));
    }

    /// Generated statements are always confirmed by the person: `--yes`
    /// covers only SQL they typed themselves.
    fn confirm(&mut self, consent: &Consent) -> Decision {
        self.input.confirm(consent, self.color)
    }

    fn retrying(&mut self, attempt: u32, _sql: &str, error: &crate::db::Error) {
        eprintln!("attempt {attempt} failed: {error}; asking the model for a corrected statement");
    }
}

fn dim(text: &str, color: bool) -> String {
    if color {
        use owo_colors::OwoColorize;
        text.dimmed().to_string()
    } else {
        text.to_string()
    }
}

/// True when `text` ends with a `;` outside strings and comments.
fn statement_complete(text: &str, dialect: Dialect) -> bool {
    let tokens = match dialect {
        Dialect::Postgres => {
            Tokenizer::new(&sqlparser::dialect::PostgreSqlDialect {}, text).tokenize()
        }
        Dialect::Sqlite => Tokenizer::new(&sqlparser::dialect::SQLiteDialect {}, text).tokenize(),
    };
    let Ok(tokens) = tokens else { return false };
    tokens
        .iter()
        .rev()
        .find(|t| !matches!(t, Token::Whitespace(_)))
        == Some(&Token::SemiColon)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_complete_at_a_semicolon_outside_quotes() {
        assert!(statement_complete("select 1;", Dialect::Postgres));
        assert!(statement_complete("select 1;  -- done", Dialect::Postgres));
        assert!(!statement_complete("select 1", Dialect::Postgres));
        assert!(!statement_complete("select ';", Dialect::Postgres));
        assert!(!statement_complete("select $$ a; $$", Dialect::Postgres));
        assert!(statement_complete("select $$ a; $$;", Dialect::Postgres));
    }

    #[test]
    fn prompts_show_the_mode() {
        let mut repl = Repl {
            sql_mode: false,
            buffer: String::new(),
            assume_yes: false,
            term: Term {
                stdin_tty: false,
                stdout_tty: false,
                stderr_tty: false,
                color: false,
            },
            agent: None,
        };
        assert_eq!(repl.prompt("shop"), "shop=> ");
        repl.sql_mode = true;
        assert_eq!(repl.prompt("shop"), "shop sql=> ");
        repl.buffer.push_str("select");
        assert_eq!(repl.prompt("shop"), "shop sql-> ");
    }
}
