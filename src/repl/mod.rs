//! `glance repl`: the interactive loop. Reads lines with rustyline on a
//! terminal (or plain lines from a pipe, like `psql < script`), dispatches
//! meta-commands, collects SQL in SQL mode until `;`, and hands statements to
//! the [`Session`]. An error never ends the loop.

#![allow(clippy::print_stdout, clippy::print_stderr)] // the REPL is a front end

mod advise;
mod batch;
mod chart;
mod complete;
mod conns;
mod copy;
pub mod describe;
pub mod design;
mod detect;
mod edit;
pub mod erd;
pub mod explanation;
mod federate;
mod helper;
mod history;
mod history_view;
mod include;
mod input;
mod learn;
mod meta;
pub mod migrate;
mod output;
mod saved;
mod tools;
mod watch;

use std::io::{self, Write};

use sqlparser::tokenizer::{Token, Tokenizer, Whitespace};

use detect::Typed;
use edit::Recall;
use input::{Input, Read};
use meta::conninfo;

use crate::agent::Agent;
use crate::command;
use crate::config::Config;
use crate::confirm;
use crate::connection::{self, Choice};
use crate::db::{Dialect, Transaction};
use crate::escape;
use crate::exit::Failure;
use crate::gate::{self, Allowed, Answerer, Origin};
use crate::highlight;
use crate::llm;
use crate::prose;
use crate::querylog::QuestionNote;
use crate::render::Expanded;
use crate::report;
use crate::safety::{self, Verdict};
use crate::session::{Consent, Decision, Executed, Run, Session};
use crate::term::{Term, dim};
use crate::tool_rounds::Show;
use crate::turn::{self, End};
use crate::unrun;
use crate::usage::{Ledger, Tally};

/// Runs the loop until `\q`, Ctrl-D or the end of piped input.
pub fn run(
    session: &mut Session,
    config: &Config,
    agent: Option<Agent>,
    term: Term,
    assume_yes: bool,
) -> Result<(), Failure> {
    let line_history = session
        .journal
        .history
        .as_ref()
        .map(|history| history.line_history_path().to_path_buf());
    let mut input = Input::open(term, line_history)?;
    input.set_profiles(config.profiles.keys().cloned().collect());
    input.set_saved(saved::names(config));
    if term.stdin_tty {
        greet(session, agent.as_ref(), config.detect_sql);
        // Completion needs the names; a failure here shows again when the
        // catalog is next needed, so it does not stop the REPL.
        let _ = session.catalog();
    }
    let (kit, warnings) = crate::plugins::Kit::start(&config.plugins, &config.mcp_servers);
    for warning in warnings {
        eprintln!("glance: warning: {}", escape::visible(&warning));
    }
    let mut repl = Repl {
        kit,
        sql_mode: false,
        buffer: String::new(),
        allowed: Allowed::everything(assume_yes),
        term,
        agent,
        config: config.clone(),
        usage: Ledger::default(),
        last: None,
        output_closed: false,
        scripts: include::Scripts::default(),
        slow: None,
        design: None,
        learning: learn::Learning::default(),
        conns: conns::Conns::new(session.choice(), &session.info().database),
    };
    let mut learned = false;
    loop {
        warn_deferred(session);
        // A statement that changed the schema (CREATE, COMMENT…) dropped
        // the cached catalog: read it again so completion offers the names
        // and comments there are now. After plain writes it is read when
        // next needed, so a run of INSERTs does not read it each time. A
        // failure waits, as above.
        let dialect = session.info().dialect;
        if learned
            && session.cached_catalog().is_none()
            && session
                .last_sql()
                .is_some_and(|sql| changes_schema(sql, dialect))
        {
            let _ = session.catalog();
        }
        learned = match session.cached_catalog() {
            Some(catalog) => {
                input.learn_names(catalog);
                true
            }
            None => false,
        };
        input.set_sql_mode(repl.collecting_sql());
        input.set_connections(repl.conns.names_open());
        let prompt = repl.prompt(
            Some(repl.conns.current_name()),
            &session.info().database,
            session.transaction(),
        );
        let line = match input.read(&prompt) {
            Read::Line(line) => line,
            Read::Interrupted => {
                repl.buffer.clear();
                continue;
            }
            Read::End => break,
        };
        let connect_again = |choice: &Choice| {
            connection::connect_again(choice, &mut |warning| eprintln!("{warning}"))
                .map_err(|failure| failure.message())
        };
        if let Some(notice) = session.revive(connect_again) {
            eprint!("{notice}");
        }
        if repl.handle(session, &mut input, &line) == AfterLine::Quit || repl.output_closed {
            break;
        }
    }
    repl.learning.settle(session);
    warn_deferred(session);
    Ok(())
}

/// Says what introspection skipped, and that the history could not be
/// written, once each.
fn warn_deferred(session: &mut Session) {
    for warning in session.take_catalog_warnings() {
        eprintln!("glance: warning: {warning}");
    }
    if let Some(warning) = session.take_history_warning() {
        eprintln!("glance: {warning}");
    }
}

/// What the read loop does after a line.
#[derive(PartialEq, Eq)]
enum AfterLine {
    Continue,
    Quit,
}

struct Repl {
    sql_mode: bool,
    /// SQL typed so far, waiting for its `;`: in SQL mode, or after a line
    /// at the question prompt that starts a statement ([`detect`]).
    buffer: String,
    /// What `--yes` lets run without asking.
    allowed: Allowed,
    term: Term,
    /// The model questions go to; `None` when no provider is configured.
    agent: Option<Agent>,
    /// Profiles for `\c`.
    config: Config,
    /// Tokens and cost of this session's questions (`\usage`).
    usage: Ledger,
    /// The last SQL or question run, for `\e`.
    last: Option<Recall>,
    /// stdout's reader has gone (`glance repl | head`): the loop ends
    /// quietly, as psql does.
    output_closed: bool,
    /// The files `\i` is reading, for nesting and error locations.
    scripts: include::Scripts,
    /// The last `\slow` list, whose entry N `\explain N` plans.
    slow: Option<crate::analysis::slow::Report>,
    /// The DDL of the current `\design` draft, which `\design TEXT` refines.
    design: Option<String>,
    /// The last answer, to keep as an example or not.
    learning: learn::Learning,
    /// The open connections; the session holds the current one.
    conns: conns::Conns,
    /// The person's plugins and the MCP servers' tools.
    kit: crate::plugins::Kit,
}

impl Repl {
    /// Counts a side request's tokens and cost (a draft, a design, a
    /// migration) in the session's ledger.
    fn count_aside(&mut self, tally: crate::usage::Tally) {
        if let Some(agent) = self.agent.as_ref().filter(|_| tally.calls > 0) {
            let provider = agent.provider();
            self.usage.add(provider.name(), provider.model(), tally);
        }
    }

    /// Whether lines are read as SQL now: SQL mode, or a statement begun
    /// at the question prompt waits for its end.
    fn collecting_sql(&self) -> bool {
        self.sql_mode || !self.buffer.is_empty()
    }

    /// psql's prompt: `db=> `, or `profile:db=> ` for a connection from a
    /// profile (the name with its control characters escaped), `sql` in SQL
    /// mode. While a statement is being typed, `=` becomes what it waits
    /// for: `-`, or `'`, `"`, `$`, `*`, `(` inside a string, quoted name,
    /// dollar quote, comment or parentheses. Inside a transaction `*`
    /// follows (`db=*> `), inside a failed one `!` (`db=!> `).
    fn prompt(&self, profile: Option<&str>, database: &str, transaction: Transaction) -> String {
        let place = match profile {
            Some(profile) if profile != database => format!("{profile}:{database}"),
            _ => database.to_string(),
        };
        let place = escape::visible(&place);
        let mark = if self.buffer.is_empty() {
            '='
        } else {
            detect::open_at_end(&self.buffer).mark()
        };
        let state = match transaction {
            Transaction::Idle => "",
            Transaction::Open => "*",
            Transaction::Failed => "!",
        };
        let mode = if self.sql_mode { " sql" } else { "" };
        format!("{place}{mode}{mark}{state}> ")
    }

    fn handle(&mut self, session: &mut Session, input: &mut Input, line: &str) -> AfterLine {
        let trimmed = line.trim();
        if trimmed.is_empty() && self.buffer.is_empty() {
            return AfterLine::Continue;
        }
        if !self.collecting_sql()
            && let Some(route) = conns::route(trimmed)
        {
            return match route {
                Ok(route) => self.routed(session, input, route),
                Err(message) => {
                    eprint!(
                        "{}",
                        report::error_line(&message, Some("\\conns lists the open ones"))
                    );
                    AfterLine::Continue
                }
            };
        }
        let dialect = session.info().dialect;
        // A meta-command's own line (`\sql STATEMENT \gx`) is left to it.
        if self.collecting_sql()
            && let Some((body, expanded)) = run_ending(line, &self.buffer, dialect)
            && (body.trim().is_empty() || !trimmed.starts_with('\\'))
        {
            self.go(session, input, body, expanded);
            return AfterLine::Continue;
        }
        match command::parse(trimmed) {
            Ok(Some(meta)) => return self.meta(session, input, meta),
            Err(message) => {
                if let Some((name, rest)) = tools::shortcut_of(&self.kit, trimmed) {
                    let terminal = input.is_terminal();
                    tools::shortcut(session, &mut self.kit, name, rest, terminal);
                    return AfterLine::Continue;
                }
                eprint!(
                    "{}{}",
                    self.scripts.prefix(),
                    report::error_line(&message, None)
                );
                return AfterLine::Continue;
            }
            Ok(None) => {}
        }
        if !self.collecting_sql() {
            match self.detect(line, dialect) {
                Typed::Question => self.question(session, input, trimmed),
                Typed::Sql => self.run_sql(session, input, line.trim(), false),
                Typed::Unfinished => {
                    if let Some((body, expanded)) = run_ending(line, "", dialect) {
                        self.go(session, input, body, expanded);
                    } else {
                        self.buffer.push_str(line);
                    }
                }
            }
            return AfterLine::Continue;
        }
        if !self.buffer.is_empty() {
            self.buffer.push('\n');
        }
        self.buffer.push_str(line);
        if statement_complete(&self.buffer, session.info().dialect) {
            let text = std::mem::take(&mut self.buffer);
            self.run_sql(session, input, &text, false);
        }
        AfterLine::Continue
    }

    /// How a line typed at the question prompt is taken: SQL, the start of
    /// a statement, or a question ([`detect::detect`]; always a question
    /// when `[repl] detect_sql` is off). A line ending in `\g` or `\gx`
    /// counts as ending its statement.
    fn detect(&self, line: &str, dialect: Dialect) -> Typed {
        if !self.config.detect_sql {
            return Typed::Question;
        }
        match run_ending(line, "", dialect) {
            Some((body, _)) => match detect::detect(body, dialect) {
                Typed::Question => Typed::Question,
                // Run by `\g`, through [`Repl::go`].
                Typed::Sql | Typed::Unfinished => Typed::Unfinished,
            },
            None => detect::detect(line, dialect),
        }
    }

    /// Answers a question through the model, or says how to configure one.
    fn question(&mut self, session: &mut Session, input: &mut Input, question: &str) {
        self.last = Some(Recall::Question(question.to_string()));
        let Some(agent) = self.agent.as_mut() else {
            eprint!("{}", no_provider_for(question));
            return;
        };
        self.learning.before_question(session, question);
        let plan = explanation::plan_for_question(session, question, self.term);
        let mut ui = TerminalUi {
            input,
            color: self.term.color,
            progress: self.term.stderr_tty,
            reply: prose::Reply::new(
                self.term.color,
                self.term.size().map_or(0, |(width, _)| usize::from(width)),
            ),
            streamed: false,
            shown_sql: None,
        };
        let mut permit = tools::permit(ui.input.is_terminal());
        let mut toolbox = crate::agent_tools::Tools {
            kit: &mut self.kit,
            permit: &mut permit,
        };
        let answered = turn::answer_with(
            session,
            (agent, &mut toolbox),
            question,
            plan.as_deref(),
            &mut ui,
        );
        print!("{}", ui.reply.finish());
        if ui.streamed {
            println!();
        }
        let model = agent.provider().model().to_string();
        let cost = agent.cost(&answered.usage);
        if answered.attempts > 0 {
            self.usage.add(
                agent.provider().name(),
                &model,
                Tally::of(u64::from(answered.attempts), &answered.usage, cost),
            );
        }
        match &answered.end {
            // Only a read that returned rows can be an example.
            End::Ran(ran) if !ran.columns.is_empty() => {
                let last = session.journal.log.last();
                if let Some(entry) = last.filter(|e| e.level == crate::safety::Level::ReadOnly) {
                    self.learning.answered(question, &entry.sql);
                }
                self.chart_for_question(session, question, &answered.reply);
            }
            End::Prose | End::Ran(_) => {}
            End::Declined => println!("Not run."),
            End::Refused { .. } => eprint!(
                "{}",
                report::error_line(
                    "not run: this statement needs a confirmation, and input is not a terminal",
                    Some("start glance with --yes to run destructive statements from a script"),
                )
            ),
            End::Forbidden { verdict, .. } => eprint!(
                "{}",
                report::error_line(&session.read_only_refusal(verdict), None)
            ),
            End::Failed { sql, error, .. } => eprint!("{}", report::db_error(error, Some(sql))),
            // Ctrl-C is the person's choice, not a failure.
            End::Llm(error @ llm::Error::Cancelled { .. }) => eprintln!("{error}"),
            End::Llm(error) => eprint!("{}", report::error_line(&error.to_string(), None)),
            End::Catalog(error) => eprint!("{}", report::db_error(error, None)),
            End::Output(error) => self.output_failed(error),
        }
        // The reply was shown whole as it streamed; model text is printed as is.
        if let Some(note) = unrun::note(&unrun::of(session, &answered.reply)) {
            print!("{note}");
        }
        if answered.attempts > 0 && !matches!(answered.end, End::Llm(_)) {
            println!("{}", dim(&answered.footer(&model, cost), self.term.color));
        }
    }

    /// `\e`: edits the SQL being typed, else the last SQL or question, and
    /// runs what the editor saved as SQL or as a question ([`edit::decide`]).
    fn edit(&mut self, session: &mut Session, input: &mut Input) {
        if !self.term.stdin_tty {
            eprint!(
                "{}",
                report::error_line(
                    "\\e needs a terminal to open an editor in",
                    Some("in a script, write the SQL or the question itself"),
                )
            );
            return;
        }
        let start = if self.buffer.is_empty() {
            self.last.clone()
        } else {
            Some(Recall::Sql(std::mem::take(&mut self.buffer)))
        };
        let text = match edit::edit(start.as_ref()) {
            Ok(Some(text)) => text,
            Ok(None) => {
                println!("Nothing to run.");
                return;
            }
            Err(error) => {
                eprint!("{}", report::error_line(&error.to_string(), error.hint()));
                return;
            }
        };
        match edit::decide(text, start.as_ref(), self.sql_mode, session.info().dialect) {
            Recall::Sql(sql) => {
                println!(
                    "{}",
                    highlight::paint(&escape::visible(&sql), self.term.color)
                );
                self.run_sql(session, input, &sql, false);
            }
            Recall::Question(question) => {
                println!("{}", escape::visible(&question));
                self.question(session, input, &question);
            }
        }
    }

    /// Reports a failed write of results, or notes that stdout's reader has
    /// gone, which ends the loop.
    fn output_failed(&mut self, error: &io::Error) {
        self.output_closed |= output_failed(error);
    }

    /// Says how a statement ended; false when the statements after it should
    /// not run.
    fn report_executed(
        &mut self,
        session: &Session,
        executed: Executed,
        sql: &str,
        refused: Refusal,
    ) -> bool {
        if !matches!(executed, Executed::Ran(_) | Executed::Declined) {
            eprint!("{}", self.scripts.prefix());
        }
        match executed {
            Executed::Ran(_) => true,
            Executed::Declined => {
                println!("Not run.");
                true
            }
            Executed::Refused { .. } => {
                eprint!("{}", report::error_line(refused.0, refused.1));
                true
            }
            Executed::Forbidden { verdict } => {
                eprint!(
                    "{}",
                    report::error_line(&session.read_only_refusal(&verdict), None)
                );
                false
            }
            Executed::Failed { error, .. } | Executed::Rejected { error } => {
                self.scripts.cancelled |=
                    !self.scripts.files.is_empty() && matches!(error, crate::db::Error::Cancelled);
                eprint!("{}", report::db_error(&error, Some(sql)));
                false
            }
            Executed::Output(error) => {
                self.output_failed(&error);
                false
            }
        }
    }

    /// `\g` or `\gx`: runs the SQL typed so far followed by `body`, or,
    /// when there is none, the last SQL again, as psql does.
    fn go(&mut self, session: &mut Session, input: &mut Input, body: &str, expanded: bool) {
        if !body.trim().is_empty() {
            if !self.buffer.is_empty() {
                self.buffer.push('\n');
            }
            self.buffer.push_str(body);
        }
        let text = std::mem::take(&mut self.buffer);
        if !text.trim().is_empty() {
            self.run_sql(session, input, &text, expanded);
        } else if let Some(Recall::Sql(last)) = &self.last {
            let last = last.clone();
            self.run_sql(session, input, &last, expanded);
        } else {
            eprint!(
                "{}",
                report::error_line(
                    "there is no SQL to run",
                    Some("type a statement before \\g, e.g. select 1 \\g")
                )
            );
        }
    }

    /// Runs the statements in `text` through the gate, one by one;
    /// `expanded` shows their results in expanded display (`\gx`).
    fn run_sql(&mut self, session: &mut Session, input: &mut Input, text: &str, expanded: bool) {
        self.last = Some(Recall::Sql(text.to_string()));
        let display = session.settings.expanded;
        if expanded {
            session.settings.expanded = Expanded::On;
        }
        let (allowed, color) = (self.allowed, self.term.color);
        for sql in safety::split_statements(text, session.info().dialect) {
            let mut confirm = |consent: &Consent| confirm_typed(input, consent, allowed, color);
            let executed = session.execute(Run::typed(&sql), &mut confirm);
            if !self.report_executed(session, executed, &sql, TYPED_REFUSED) {
                break;
            }
        }
        session.settings.expanded = display;
    }

    /// Runs again a statement the model wrote (`\rerun` of such an entry):
    /// as one statement, confirmed by the person before any write, like
    /// when the model wrote it; `--yes` does not cover it. As after a
    /// question, `\e` then starts from the question, so the model's SQL does
    /// not come back as SQL the person typed.
    fn run_generated(
        &mut self,
        session: &mut Session,
        input: &mut Input,
        sql: &str,
        note: QuestionNote,
    ) {
        self.last = Some(Recall::Question(note.question.clone()));
        let color = self.term.color;
        let run = Run {
            sql,
            params: Vec::new(),
            origin: Origin::Generated,
            question: Some(note),
            json_prefix: Vec::new(),
            json_timings: Vec::new(),
        };
        let executed = session.execute(run, &mut |consent: &Consent| {
            input.confirm(consent, color, false)
        });
        self.report_executed(session, executed, sql, GENERATED_REFUSED);
    }
}

/// Answers the gate's question about a statement the person typed: yes
/// under `--yes`, else by asking at the terminal, else no.
fn confirm_typed(input: &mut Input, consent: &Consent, allowed: Allowed, color: bool) -> Decision {
    match gate::answerer(consent.verdict.level, allowed, input.is_terminal()) {
        Answerer::Flags => Decision::Run,
        Answerer::Person => input.confirm(consent, color, false),
        Answerer::Nobody => Decision::Refuse,
    }
}

/// What to say when a statement needing consent meets piped input: the
/// message and its hint.
type Refusal = (&'static str, Option<&'static str>);

const TYPED_REFUSED: Refusal = (
    "not run: destructive statements need a confirmation, and input is not a terminal",
    Some("start glance with --yes to run them from a script"),
);

const GENERATED_REFUSED: Refusal = (
    "not run: this statement was written by the model and needs a confirmation, and input is not a terminal",
    None,
);

fn show(session: &Session, description: &crate::render::Description, footer: bool) {
    if let Err(error) = session.present(description, footer) {
        output_failed(&error);
    }
}

/// Reports a failed write of output, except a closed stdout (`glance repl |
/// head`), which is no error; returns whether stdout is closed.
fn output_failed(error: &io::Error) -> bool {
    let closed = error.kind() == io::ErrorKind::BrokenPipe;
    if !closed {
        eprint!(
            "{}",
            report::error_line(&format!("could not write output: {error}"), None)
        );
    }
    closed
}

/// The first lines: what glance is connected to and how to talk to it.
/// `detect_sql`: SQL typed at the prompt runs as SQL (`[repl] detect_sql`).
fn greet(session: &Session, agent: Option<&Agent>, detect_sql: bool) {
    println!(
        "glance {} · {}",
        env!("CARGO_PKG_VERSION"),
        conninfo(session)
    );
    let sql = if detect_sql {
        "type SQL ending in ;"
    } else {
        "type \\sql for SQL"
    };
    match agent {
        Some(agent) => println!(
            "Ask a question, or {sql} ({} · {}). \\? for help, Ctrl-D to quit.",
            agent.provider().name(),
            agent.provider().model()
        ),
        None => println!(
            "No LLM provider is configured: {sql}, or set an API key (e.g. OPENAI_API_KEY) to ask questions. \\? for help, Ctrl-D to quit."
        ),
    }
    if let Some(warning) = session.superuser_warning() {
        eprintln!("{warning}");
    }
}

/// Asks at start-up which profile to connect to, until one is named.
pub fn pick_at_start(config: &Config) -> Result<Choice, Failure> {
    println!("The config file has several connection profiles:");
    print!("{}", connection::listing(config, None));
    let stdin = io::stdin();
    loop {
        print!("connect to (number or name): ");
        let _ = io::stdout().flush();
        let mut answer = String::new();
        match stdin.read_line(&mut answer) {
            Ok(0) | Err(_) => {
                return Err(Failure::usage("no connection chosen"));
            }
            Ok(_) if answer.trim().is_empty() => {}
            Ok(_) => match connection::pick(config, &answer) {
                Ok(choice) => return Ok(choice),
                Err(failure) => eprint!("{}", failure.message()),
            },
        }
    }
}

const NO_PROVIDER: &str = "questions need an LLM provider, and none is configured";

/// The error for a question asked without a model. A line ending in `;`
/// was most likely meant as SQL whose first word glance did not take for a
/// statement (a typo such as `selct`), so it says how to run it as SQL.
fn no_provider_for(question: &str) -> String {
    if !question.trim_end().ends_with(';') {
        return report::error_line(NO_PROVIDER, Some(llm::SETUP_HINT));
    }
    let word = question.split_whitespace().next().unwrap_or_default();
    report::error_line(
        &format!(
            "\"{}\" does not start an SQL statement glance knows, so the line was taken as a question; {NO_PROVIDER}",
            crate::escape::visible(word)
        ),
        Some(
            "to run it as SQL anyway, type \\sql before it (the database then says what is wrong)",
        ),
    )
}

/// Shows an answer's steps on the terminal and asks there.
struct TerminalUi<'a> {
    input: &'a mut Input,
    color: bool,
    /// stderr is a terminal: a spinner shows while the model is silent.
    progress: bool,
    /// Renders the reply's Markdown a line at a time, SQL highlighted.
    reply: prose::Reply,
    /// Whether reply text has been printed (so the verdict starts a new line).
    streamed: bool,
    /// The statement just shown exactly in the reply, with its verdict line.
    shown_sql: Option<String>,
}

impl Show for TerminalUi<'_> {
    fn reply_text(&mut self, text: &str) {
        self.streamed = true;
        print!("{}", self.reply.push(&escape::visible(text)));
        let _ = io::stdout().flush();
    }

    /// One dim line per call, after any text the model wrote first.
    fn tool_call(&mut self, line: &str) {
        self.end_reply();
        println!("{}", dim(&format!("→ {line}"), self.color));
    }

    fn notice(&mut self, text: &str) {
        self.end_reply();
        println!("{}", dim(text, self.color));
    }

    fn shows_progress(&self) -> bool {
        self.progress
    }
}

impl turn::Ui for TerminalUi<'_> {
    fn proposed(&mut self, reply: &str, sql: &str, verdict: Option<&Verdict>) {
        self.end_reply();
        if let Some(verdict) = verdict {
            println!("{}", confirm::verdict_line(verdict, self.color));
        }
        self.shown_sql = prose::shows_exactly(reply, sql).then(|| sql.to_string());
    }

    /// Generated statements are always confirmed by the person: `--yes`
    /// covers only SQL they typed themselves. A statement the reply just
    /// showed exactly is not printed again.
    fn confirm(&mut self, consent: &Consent) -> Decision {
        let shown = self.shown_sql.as_deref() == Some(consent.sql);
        self.input.confirm(consent, self.color, shown)
    }

    fn retrying(&mut self, attempt: u32, _sql: &str, error: &crate::db::Error) {
        eprint!("{}", turn::retrying_line(attempt, error));
    }
}

impl TerminalUi<'_> {
    /// Prints what the reply renderer still holds and ends its line.
    fn end_reply(&mut self) {
        print!("{}", self.reply.finish());
        if self.streamed {
            println!();
            self.streamed = false;
        }
    }
}

/// `text` split into SQL tokens; `None` when it ends inside a string or
/// a block comment.
fn tokens(text: &str, dialect: Dialect) -> Option<Vec<Token>> {
    Tokenizer::new(dialect.parser().as_ref(), text)
        .tokenize()
        .ok()
}

/// `line` without the `\g` or `\gx` that ends it, and whether it was
/// `\gx`; `None` when the line does not end so, or when the backslash sits
/// inside a string or comment of the SQL typed so far (`pending`) and the
/// line.
fn run_ending<'a>(line: &'a str, pending: &str, dialect: Dialect) -> Option<(&'a str, bool)> {
    let line = line.trim_end();
    let (body, expanded) = match line.strip_suffix("\\gx") {
        Some(body) => (body, true),
        None => (line.strip_suffix("\\g")?, false),
    };
    let before = tokens(&format!("{pending}\n{body}"), dialect)?;
    let in_comment = matches!(
        before.last(),
        Some(Token::Whitespace(Whitespace::SingleLineComment { .. }))
    );
    (!in_comment).then_some((body, expanded))
}

/// True when `text` ends with a `;` outside strings and comments.
fn statement_complete(text: &str, dialect: Dialect) -> bool {
    let Some(tokens) = tokens(text, dialect) else {
        return false;
    };
    tokens
        .iter()
        .rev()
        .find(|t| !matches!(t, Token::Whitespace(_)))
        == Some(&Token::SemiColon)
}

/// Whether `sql` changes what completion offers: names or comments.
fn changes_schema(sql: &str, dialect: crate::db::Dialect) -> bool {
    let tag = safety::command_tag(sql, dialect);
    ["CREATE", "ALTER", "DROP", "COMMENT"]
        .iter()
        .any(|verb| tag.split(' ').next() == Some(*verb))
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
    fn backslash_g_ends_a_statement_outside_strings_and_comments() {
        let pg = Dialect::Postgres;
        assert_eq!(
            run_ending("select 1 \\g", "", pg),
            Some(("select 1 ", false))
        );
        assert_eq!(
            run_ending("select 1\\gx  ", "", pg),
            Some(("select 1", true))
        );
        assert_eq!(run_ending("\\g", "select 1", pg), Some(("", false)));
        assert_eq!(run_ending("select 1", "", pg), None);
        assert_eq!(run_ending("select '\\g", "", pg), None);
        assert_eq!(run_ending("\\gx", "select 'a", pg), None);
        assert_eq!(run_ending("select 1 -- \\g", "", pg), None);
        assert_eq!(run_ending("select 1 /* \\g", "", pg), None);
        assert_eq!(run_ending("select 1 \\gy", "", pg), None);
    }

    #[test]
    fn prompts_show_the_mode() {
        let mut repl = Repl {
            kit: crate::plugins::Kit::default(),
            sql_mode: false,
            buffer: String::new(),
            allowed: Allowed::default(),
            term: Term {
                stdin_tty: false,
                stdout_tty: false,
                stderr_tty: false,
                color: false,
                stderr_color: false,
            },
            agent: None,
            config: Config::built_in(),
            usage: Ledger::default(),
            last: None,
            output_closed: false,
            scripts: include::Scripts::default(),
            slow: None,
            design: None,
            learning: learn::Learning::default(),
            conns: conns::Conns::new(
                &crate::choice::Choice {
                    target: crate::db::Target::Sqlite("shop.db".into()),
                    profile: None,
                    read_only: false,
                    statement_timeout: std::time::Duration::ZERO,
                    guard_role: None,
                },
                "shop",
            ),
        };
        let idle = Transaction::Idle;
        assert_eq!(repl.prompt(None, "shop", idle), "shop=> ");
        assert_eq!(repl.prompt(Some("prod"), "shop", idle), "prod:shop=> ");
        assert_eq!(repl.prompt(Some("shop"), "shop", idle), "shop=> ");
        assert_eq!(
            repl.prompt(Some("prod"), "shop", Transaction::Open),
            "prod:shop=*> "
        );
        assert_eq!(repl.prompt(None, "shop", Transaction::Failed), "shop=!> ");
        repl.buffer.push_str("select 'it");
        assert_eq!(repl.prompt(None, "shop", idle), "shop'> ");
        repl.buffer = "select (1,".into();
        assert_eq!(repl.prompt(None, "shop", Transaction::Open), "shop(*> ");
        repl.buffer.clear();
        repl.sql_mode = true;
        assert_eq!(repl.prompt(None, "shop", idle), "shop sql=> ");
        repl.buffer.push_str("select");
        assert_eq!(repl.prompt(None, "shop", idle), "shop sql-> ");
        assert_eq!(
            repl.prompt(None, "shop", Transaction::Failed),
            "shop sql-!> "
        );
    }
}
