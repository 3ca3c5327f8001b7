//! `glance ask`: one question (or one statement with `--sql`) from the
//! arguments or a pipe, no prompts without a terminal, and an exit code that
//! says what happened. Results go to stdout; the model's explanation, the
//! SQL it wrote (highlighted when stderr is a terminal), the verdict, the
//! SQL of the reply that was not run and the cost footer go to stderr, so
//! stdout stays data.
//!
//! With `--format json` stdout always holds one document, also when `ask`
//! fails: the result, the question's document with its `error`, or for a
//! failure before or around them (connection, model, refusal, usage)
//! `{"error": {"kind": …, "message": …, "hint": …}, "exit_code": N}`.

#![allow(clippy::print_stdout, clippy::print_stderr)] // ask is a front end

use std::io::{self, Read, Write};

mod chart;

use crate::agent::{Agent, extract, prompt};
use crate::cli::{AskArgs, Global};
use crate::config::Plugin;
use crate::confirm;
use crate::db::{self, Dialect};
use crate::escape;
use crate::exit::Failure;
use crate::gate::{self, Allowed, Answerer};
use crate::highlight;
use crate::llm;
use crate::plugins::Kit;
use crate::render::{self, Format};
use crate::report;
use crate::safety::{self, Level, Verdict};
use crate::session::{Consent, Decision, Executed, Run, Session};
use crate::term::Term;
use crate::tool_rounds::Show;
use crate::turn::{self, Answered, End};
use crate::unrun::{self, Unrun};

/// A failure of `ask`, what kind it is, and whether stdout already holds a
/// JSON document describing it.
pub struct Failed {
    failure: Failure,
    kind: &'static str,
    described: bool,
}

impl Failed {
    /// The failure for `main`, after printing its JSON document when the
    /// output is `format` JSON and none was printed.
    pub fn into_failure(self, format: Format) -> Failure {
        let closed = matches!(self.failure, Failure::OutputClosed);
        if format == Format::Json && !self.described && !closed {
            // The failure is on stderr too; a second failure to write is moot.
            let _ = print_line(&render::json_text(&failure_doc(self.kind, &self.failure)));
        }
        self.failure
    }

    /// A failure of `kind` (`connection`, `model`…).
    pub fn of(kind: &'static str) -> impl FnOnce(Failure) -> Failed {
        move |failure| Failed {
            failure,
            kind,
            described: false,
        }
    }

    /// A failure whose JSON document was printed, or that comes after the
    /// result's document, which stays the only one on stdout.
    fn described(failure: Failure) -> Failed {
        Failed {
            described: true,
            ..Failed::from(failure)
        }
    }
}

impl From<Failure> for Failed {
    fn from(failure: Failure) -> Failed {
        Failed::of(kind_of(&failure))(failure)
    }
}

/// The `kind` of a failure whose cause is not known more precisely.
fn kind_of(failure: &Failure) -> &'static str {
    match failure {
        Failure::Usage { .. } => "usage",
        Failure::Runtime { .. } | Failure::OutputClosed => "runtime",
        Failure::Database { .. } => "database",
        Failure::Refused(_) => "refused",
    }
}

/// `{"error": {"kind": …, "message": …, "hint": …}, "exit_code": N}`.
fn failure_doc(kind: &str, failure: &Failure) -> serde_json::Value {
    let (message, hint) = match failure {
        Failure::Usage { message, hint } | Failure::Runtime { message, hint } => {
            (message.clone(), hint.clone())
        }
        Failure::Database { text } => split_report(text),
        Failure::Refused(message) => (message.clone(), None),
        Failure::OutputClosed => (String::new(), None),
    };
    let mut error = serde_json::Map::new();
    error.insert("kind".into(), kind.into());
    error.insert("message".into(), message.into());
    if let Some(hint) = hint {
        error.insert("hint".into(), hint.into());
    }
    serde_json::json!({ "error": error, "exit_code": failure.code() })
}

/// The message and hint of an error already written for stderr: `glance:
/// error: …` and `hint: …` lines, or psql's `ERROR:  …` block as a whole.
fn split_report(text: &str) -> (String, Option<String>) {
    let mut message = Vec::new();
    let mut hint = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("hint: ") {
            hint = Some(rest.to_string());
        } else {
            message.push(line.strip_prefix("glance: error: ").unwrap_or(line));
        }
    }
    (message.join("\n"), hint)
}

/// Runs `glance ask`.
pub fn run(
    global: &Global,
    (args, kit): (&AskArgs, &mut Kit),
    term: Term,
    format: Format,
    dialect: Dialect,
    open: impl FnOnce() -> Result<Session, Failure>,
    agent: impl FnOnce() -> Result<Option<Agent>, Failure>,
) -> Result<(), Failed> {
    let charted = chart::wanted(args, format)?;
    let Some(sql_arg) = &args.sql else {
        let question = question_text(args, term)?;
        let Some(agent) = agent().map_err(Failed::of("model"))? else {
            return Err(Failure::Runtime {
                message: format!(
                    "cannot answer \"{}\": questions need an LLM provider, and none is configured",
                    question.trim()
                ),
                hint: Some(format!(
                    "{} (to run SQL instead, use --sql \"…\")",
                    llm::SETUP_HINT
                )),
            })
            .map_err(Failed::of("model"));
        };
        let mut session = open().map_err(Failed::of("connection"))?;
        let asked = (args, kit, charted);
        let result = ask_question(asked, term, &mut session, agent, question.trim());
        warn_about_history(&mut session);
        session.leak_catalog();
        return result;
    };
    let input = if sql_arg == "-" {
        read_stdin()?
    } else {
        sql_arg.clone()
    };
    db::reject_nul(&input).map_err(|error| Failure::usage(error.to_string()))?;
    let statements = safety::split_statements(&input, dialect);
    if statements.is_empty() {
        return Err(Failure::usage("no SQL to run: --sql was empty").into());
    }
    if args.dry_run {
        let verdict = dry_run_verdict(&input, dialect, open, format == Format::Json)?;
        let shown = Shown {
            sql: &input,
            verdict: &verdict,
            color: term.color,
        };
        shown
            .print(format == Format::Json, None)
            .map_err(Failure::from_io)?;
        return Ok(());
    }
    if statements.len() > 1 {
        return Err(Failure::usage(format!(
            "ask --sql runs one statement, and this input holds {} statements; run them one at a time, or use \\sql in glance repl",
            statements.len()
        ))
        .into());
    }
    let sql = &statements[0];
    let mut session = open().map_err(Failed::of("connection"))?;
    warn_superuser(&session);
    let prefix = vec![
        ("sql".to_string(), serde_json::Value::from(sql.as_str())),
        (
            "level".to_string(),
            serde_json::Value::from(session.classify(sql).level.as_str()),
        ),
    ];
    let allowed = Allowed::everything(args.allow_destructive || global.yes);
    let mut confirm = |consent: &Consent| confirm_by(consent, allowed, term);
    let run = Run {
        json_prefix: prefix,
        ..Run::typed(sql)
    };
    let mut streamed = chart::streaming(format, charted.as_ref());
    let executed = match streamed.as_mut() {
        Some(sink) => session.execute_into(run, &mut confirm, sink),
        None => session.execute(run, &mut confirm),
    };
    conclude(&mut session, executed, sql, |verdict| {
        format!(
            "this statement is destructive ({}) and needs a confirmation, but there is no terminal to ask; \
             pass --allow-destructive to run it anyway",
            verdict.reasons.join("; ")
        )
    })
    .map_err(|failed| match charted.as_ref().and_then(|w| w.save.as_deref()) {
        Some(file) if matches!(failed.failure, Failure::OutputClosed) => {
            Failed::described(chart::unsaved_after_closed_output(file))
        }
        _ => failed,
    })?;
    match &charted {
        // The result (its JSON document too) is out: a chart that cannot
        // be drawn or saved is said on stderr alone.
        Some(request) => chart::print(&session, request, streamed, term).map_err(Failed::described),
        None => Ok(()),
    }
}

/// How one statement run without prompts ends the command: success, or
/// the failure with its exit code (its JSON document printed when the
/// output is JSON). `refused` words the refusal of a statement that
/// needed a confirmation nobody could give.
pub fn conclude(
    session: &mut Session,
    executed: Executed,
    sql: &str,
    refused: impl FnOnce(&Verdict) -> String,
) -> Result<(), Failed> {
    let json = session.settings.format == Format::Json;
    warn_about_history(session);
    let failure = match executed {
        Executed::Ran(_) => return Ok(()),
        Executed::Output(error) => Failure::from_io(error),
        Executed::Declined => Failure::Refused("not run: you answered no".into()),
        Executed::Refused { verdict } => Failure::Refused(refused(&verdict)),
        Executed::Forbidden { verdict } => Failure::Refused(session.read_only_refusal(&verdict)),
        Executed::Rejected { error } => {
            let failure = statement_failed(&error, sql);
            if json {
                print_json_error(sql, None, &error, failure.code()).map_err(Failure::from_io)?;
            }
            return Err(Failed::described(failure));
        }
        Executed::Failed {
            verdict,
            error,
            shown,
        } => {
            let failure = statement_failed(&error, sql);
            if json && !shown {
                print_json_error(sql, Some(verdict.level), &error, failure.code())
                    .map_err(Failure::from_io)?;
            }
            return Err(Failed::described(failure));
        }
    };
    Err(failure.into())
}

/// That the history could not be written, when it could not.
fn warn_about_history(session: &mut Session) {
    if let Some(warning) = session.take_history_warning() {
        eprintln!("glance: {warning}");
    }
}

/// The REPL's superuser warning, once, on stderr.
pub fn warn_superuser(session: &Session) {
    if let Some(warning) = session.superuser_warning() {
        eprintln!("glance: {warning}");
    }
}

/// How a statement that failed ends `ask`: SQL glance refused to send is
/// bad input (exit 2), anything else a database error (exit 1).
fn statement_failed(error: &db::Error, sql: &str) -> Failure {
    match error {
        db::Error::BadInput(message) => Failure::usage(message.clone()),
        _ => Failure::database(error, Some(sql)),
    }
}

/// The question from the arguments, or from stdin when it is a pipe (a
/// terminal would only wait for input nobody announced).
fn question_text(args: &AskArgs, term: Term) -> Result<String, Failure> {
    let question = if args.question.is_empty() && !term.stdin_tty {
        read_stdin()?
    } else {
        args.question.join(" ")
    };
    if question.trim().is_empty() {
        return Err(Failure::usage(
            "nothing to ask: give a question, pipe one on stdin, or use --sql",
        ));
    }
    Ok(question)
}

pub fn read_stdin() -> Result<String, Failure> {
    let mut bytes = Vec::new();
    io::stdin()
        .read_to_end(&mut bytes)
        .map_err(|e| Failure::usage(format!("could not read stdin: {e}")))?;
    String::from_utf8(bytes).map_err(|e| Failure::Usage {
        message: format!(
            "stdin is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ),
        hint: Some(
            "glance reads SQL and questions as UTF-8; convert the input, e.g. with iconv".into(),
        ),
    })
}

/// A dry run's statement and verdict, printed on stdout.
struct Shown<'a> {
    sql: &'a str,
    verdict: &'a Verdict,
    /// Highlight the SQL (stdout is a terminal).
    color: bool,
}

impl Shown<'_> {
    /// The SQL, level, statement count and reasons as text, or one JSON
    /// document; a question's document also gets `not_run`.
    fn print(&self, json: bool, unrun: Option<&[Unrun]>) -> io::Result<()> {
        let mut out = io::stdout().lock();
        let verdict = self.verdict;
        if json {
            let mut doc = serde_json::json!({
                "sql": self.sql.trim(),
                "level": verdict.level.as_str(),
                "reasons": verdict.reasons,
                "statements": verdict.statements,
            });
            if let Some(unrun) = unrun {
                doc["not_run"] = unrun::json(unrun);
            }
            return writeln!(out, "{}", render::json_text(&doc));
        }
        writeln!(out, "{}", sql_text(self.sql, self.color))?;
        writeln!(out, "level: {}", verdict.level.as_str())?;
        writeln!(out, "statements: {}", verdict.statements)?;
        for reason in &verdict.reasons {
            writeln!(out, "reason: {}", escape::visible(reason))?;
        }
        Ok(())
    }
}

/// A statement as `ask` shows it: trimmed, ending in `;`, highlighted when
/// `color` is on.
fn sql_text(sql: &str, color: bool) -> String {
    let sql = sql
        .trim()
        .trim_end_matches(|c: char| c == ';' || c.is_whitespace());
    format!("{};", highlight::paint(&escape::visible(sql), color))
}

/// The JSON document of a statement the database rejected; `level` is
/// `None` (`null`) for one it rejected when asked to parse it, which
/// never got a verdict.
fn print_json_error(
    sql: &str,
    level: Option<Level>,
    error: &db::Error,
    exit_code: i32,
) -> io::Result<()> {
    let mut detail = report::error_json(error);
    detail["kind"] = "database".into();
    let doc = serde_json::json!({
        "sql": sql,
        "level": level.map(Level::as_str),
        "error": detail,
        "exit_code": exit_code,
    });
    writeln!(io::stdout().lock(), "{}", render::json_text(&doc))
}

/// Answers one question: generate, classify, confirm by flag or terminal,
/// run, correct; or with `--show-prompt` / `--dry-run` stop early.
fn ask_question(
    (args, kit, charted): (&AskArgs, &mut Kit, Option<chart::Wanted>),
    term: Term,
    session: &mut Session,
    mut agent: Agent,
    question: &str,
) -> Result<(), Failed> {
    let json = session.settings.format == Format::Json;
    if args.show_prompt {
        return show_prompt(session, (&agent, kit), question, json);
    }
    if args.dry_run {
        return dry_run(session, &agent, question, json, term);
    }
    warn_superuser(session);
    let mut ui = AskUi {
        term,
        allowed: Allowed {
            write: args.allow_write,
            destructive: args.allow_destructive,
        },
        json,
    };
    let mut told = false;
    let mut permit = |plugin: &Plugin, _: &serde_json::Value| {
        if args.allow_tools {
            return Ok(());
        }
        if !std::mem::replace(&mut told, true) {
            eprintln!(
                "glance: tool {} was not run: it is not read-only (--allow-tools lets it run)",
                escape::visible(&plugin.name)
            );
        }
        Err(format!(
            "not run: tool {} is not read-only, and this one-shot run may not call such tools",
            plugin.name
        ))
    };
    let mut toolbox = crate::agent_tools::Tools {
        kit,
        permit: &mut permit,
    };
    let answered = turn::answer(session, (&mut agent, &mut toolbox), question, &mut ui);
    for warning in session.take_catalog_warnings() {
        eprintln!("glance: warning: {warning}");
    }
    let unrun = unrun::of(session, &answered.reply);
    if let Some(note) = unrun::note(&unrun).filter(|_| !json) {
        eprint!("{note}");
    }
    if !json && !matches!(answered.end, End::Llm(_)) {
        eprintln!(
            "{}",
            answered.footer(agent.provider().model(), agent.cost(&answered.usage))
        );
    }
    let failed = |sql, verdict| QuestionFailed {
        question,
        sql,
        verdict,
        answered: &answered,
        agent: &agent,
        unrun: &unrun,
    };
    match &answered.end {
        End::Ran(_) => {
            let model_kind = extract::chart_kind(&answered.reply);
            let worded = crate::chart::words::for_question(question, model_kind);
            match charted {
                Some(mut wanted) => {
                    wanted.request.kind = wanted.request.kind.or(worded.and_then(|r| r.kind));
                    chart::print(session, &wanted, None, term).map_err(Failed::described)
                }
                None if json => Ok(()),
                None => {
                    if let Some(request) = worded
                        && let Err(failure) =
                            chart::print(session, &chart::Wanted::drawn(request), None, term)
                    {
                        eprintln!("glance: no chart: {}", failure.message());
                    }
                    Ok(())
                }
            }
        }
        End::Prose => {
            print_prose(question, &answered, &agent, json)
                .map_err(Failure::from_io)
                .map_err(Failed::from)?;
            if let Some(file) = charted.as_ref().and_then(|w| w.save.as_deref()) {
                eprintln!(
                    "glance: no chart saved to {}: the answer is text, not a result",
                    escape::visible(file)
                );
            }
            Ok(())
        }
        End::Declined => Err(Failure::Refused("not run: you answered no".into()).into()),
        End::Refused { sql, verdict } => {
            let flag = if verdict.level == Level::Destructive {
                "--allow-destructive"
            } else {
                "--allow-write"
            };
            let failure = Failure::Refused(format!(
                "the model wrote a {} statement ({}), which needs a confirmation, but there is no terminal to ask; \
                 the SQL is printed above: run it yourself, or pass {flag}",
                verdict.level.as_str(),
                verdict.reasons.join("; ")
            ));
            failed(sql, Some(verdict)).not_run(json, "refused: needs confirmation", failure)
        }
        End::Forbidden { sql, verdict } => {
            let message = session.read_only_refusal(verdict);
            let failure = Failure::Refused(message.clone());
            failed(sql, Some(verdict)).not_run(json, &message, failure)
        }
        End::Failed {
            sql,
            error,
            shown,
            rejected,
        } => {
            let failure = statement_failed(error, sql);
            if json && !shown {
                let verdict = (!rejected).then(|| session.classify(sql));
                let doc = failed(sql, verdict.as_ref()).doc(&error.to_string(), &failure);
                print_line(&doc).map_err(Failure::from_io)?;
            }
            Err(Failed::described(failure))
        }
        End::Llm(error) => Err(Failed::of("model")(Failure::Runtime {
            message: error.to_string(),
            hint: None,
        })),
        End::Catalog(error) => Err(Failure::database(error, None).into()),
        End::Output(error) => {
            Err(Failure::from_io(io::Error::new(error.kind(), error.to_string())).into())
        }
    }
}

/// `--show-prompt`: the request as readable text, or with `--format json`
/// as one JSON document.
fn show_prompt(
    session: &mut Session,
    (agent, kit): (&Agent, &mut Kit),
    question: &str,
    json: bool,
) -> Result<(), Failed> {
    let (request, context) =
        turn::request(session, agent, question).map_err(|e| Failure::database(&e, None))?;
    let tools = crate::agent_tools::offered(session, agent, kit);
    let text = prompt::show(agent.provider(), &request, &context, json, tools.as_deref());
    print_line(text.trim_end_matches('\n')).map_err(|e| Failure::from_io(e).into())
}

/// The verdict `--dry-run --sql` prints: with the database's catalog, as a
/// model's SQL is judged, when the database can be reached (and for input
/// glance cannot read, after the database checked it without running it:
/// a typo fails with the database's error); without it (and saying so)
/// when not.
fn dry_run_verdict(
    input: &str,
    dialect: Dialect,
    open: impl FnOnce() -> Result<Session, Failure>,
    json: bool,
) -> Result<Verdict, Failed> {
    let failure = match open() {
        Ok(mut session) => match session.catalog() {
            Ok(_) => {
                return session.judge(input, None).map_err(|error| {
                    let failure = statement_failed(&error, input);
                    if json {
                        let _ = print_json_error(input, None, &error, failure.code());
                    }
                    Failed::described(failure)
                });
            }
            Err(error) => report::db_error(&error, None),
        },
        Err(failure) => failure.message(),
    };
    eprint!("{failure}");
    eprintln!(
        "glance: note: judged without the database's schema: functions and views glance cannot verify count as writes"
    );
    Ok(safety::classify(input, dialect, None))
}

/// `--dry-run` with a question: generate and classify, run nothing.
fn dry_run(
    session: &mut Session,
    agent: &Agent,
    question: &str,
    json: bool,
    term: Term,
) -> Result<(), Failed> {
    let (request, _) =
        turn::request(session, agent, question).map_err(|e| Failure::database(&e, None))?;
    let proposal = agent
        .propose(&request, &mut |_| {})
        .map_err(|e| Failure::Runtime {
            message: e.to_string(),
            hint: None,
        })
        .map_err(Failed::of("model"))?;
    let Some(sql) = proposal.sql else {
        return print_line(&escape::visible(&proposal.reply))
            .map_err(|e| Failure::from_io(e).into());
    };
    let verdict = match session.judge(&sql, None) {
        Ok(verdict) => verdict,
        Err(error) => {
            if !json {
                print_explanation(&proposal.reply);
                print_line(&sql_text(&sql, term.color)).map_err(Failure::from_io)?;
            }
            let failure = statement_failed(&error, &sql);
            if json {
                print_json_error(&sql, None, &error, failure.code()).map_err(Failure::from_io)?;
            }
            return Err(Failed::described(failure));
        }
    };
    let unrun = unrun::of(session, &proposal.reply);
    if !json {
        print_explanation(&proposal.reply);
    }
    let shown = Shown {
        sql: &sql,
        verdict: &verdict,
        color: term.color,
    };
    shown
        .print(json, Some(&unrun))
        .map_err(|e| Failed::from(Failure::from_io(e)))?;
    if let Some(note) = unrun::note(&unrun).filter(|_| !json) {
        eprint!("{note}");
    }
    Ok(())
}

/// Answers the gate's question: yes when a flag covers the statement,
/// else by asking on a terminal, else no.
pub fn confirm_by(consent: &Consent, allowed: Allowed, term: Term) -> Decision {
    match gate::answerer(consent.verdict.level, allowed, term.can_ask()) {
        Answerer::Flags => Decision::Run,
        Answerer::Person => confirm::ask_on_terminal(consent, term.color),
        Answerer::Nobody => Decision::Refuse,
    }
}

/// Decides by flags and, with a terminal, by asking.
struct AskUi {
    term: Term,
    /// What `--allow-write` and `--allow-destructive` let run unasked.
    allowed: Allowed,
    json: bool,
}

impl Show for AskUi {
    fn reply_text(&mut self, _text: &str) {}

    /// A spinner while the model is silent, when stderr is a terminal
    /// (stdout, where results go, is never touched).
    fn shows_progress(&self) -> bool {
        self.term.stderr_tty
    }

    /// Tool calls go to stderr, dim on a colour terminal: stdout keeps the
    /// data (the JSON document lists them in `tool_calls`).
    fn tool_call(&mut self, line: &str) {
        eprintln!(
            "{}",
            crate::term::dim(&format!("→ {line}"), self.term.stderr_color)
        );
    }

    fn notice(&mut self, text: &str) {
        eprintln!("{}", crate::term::dim(text, self.term.stderr_color));
    }
}

impl turn::Ui for AskUi {
    /// The explanation, the SQL and the verdict go to stderr, keeping
    /// stdout for data.
    fn proposed(&mut self, reply: &str, sql: &str, verdict: Option<&Verdict>) {
        if !self.json {
            print_explanation(reply);
            let color = self.term.stderr_color;
            eprintln!("{}", sql_text(sql, color));
            if let Some(verdict) = verdict {
                eprintln!("{}", confirm::verdict_line(verdict, color));
            }
        }
    }

    fn confirm(&mut self, consent: &Consent) -> Decision {
        confirm_by(consent, self.allowed, self.term)
    }

    fn retrying(&mut self, attempt: u32, _sql: &str, error: &db::Error) {
        eprint!("{}", turn::retrying_line(attempt, error));
    }
}

/// The reply's words around its SQL, on stderr.
fn print_explanation(reply: &str) {
    let explanation = extract::prose(reply);
    if !explanation.is_empty() {
        eprintln!("{}", escape::visible(&explanation));
    }
}

/// A prose answer: the whole text on stdout, or a JSON document.
fn print_prose(question: &str, answered: &Answered, agent: &Agent, json: bool) -> io::Result<()> {
    if !json {
        return print_line(&escape::visible(answered.reply.trim()));
    }
    let mut doc = serde_json::json!({
        "question": question,
        "sql": null,
        "level": null,
        "reasons": [],
        "executed": false,
        "answer": answered.reply.trim(),
        "timings": { "llm_ms": answered.llm_time.as_secs_f64() * 1000.0 },
        "llm": turn::llm_json(agent, &answered.usage),
        "attempts": answered.attempts,
        "not_run": [],
    });
    if !answered.tool_calls.is_empty() {
        doc["tool_calls"] = answered.tool_calls.clone().into();
    }
    print_line(&render::json_text(&doc))
}

/// A question whose SQL did not run (or failed).
struct QuestionFailed<'a> {
    question: &'a str,
    sql: &'a str,
    /// `None` for a statement the database rejected when asked to parse it.
    verdict: Option<&'a Verdict>,
    answered: &'a Answered,
    agent: &'a Agent,
    unrun: &'a [Unrun],
}

impl QuestionFailed<'_> {
    /// Its JSON document, with `message` and the kind and exit code of
    /// `failure`.
    fn doc(&self, message: &str, failure: &Failure) -> String {
        render::json_text(&serde_json::json!({
            "question": self.question,
            "sql": self.sql,
            "level": self.verdict.map(|v| v.level.as_str()),
            "reasons": self.verdict.map_or(&[][..], |v| &v.reasons[..]),
            "executed": false,
            "timings": { "llm_ms": self.answered.llm_time.as_secs_f64() * 1000.0 },
            "llm": turn::llm_json(self.agent, &self.answered.usage),
            "attempts": self.answered.attempts,
            "not_run": unrun::json(self.unrun),
            "error": { "kind": kind_of(failure), "message": message },
            "exit_code": failure.code(),
        }))
    }

    /// Prints the document (JSON) or the SQL for a person to run, and
    /// fails with `failure`.
    fn not_run(&self, json: bool, message: &str, failure: Failure) -> Result<(), Failed> {
        let text = if json {
            self.doc(message, &failure)
        } else {
            format!("{};", escape::visible(self.sql))
        };
        print_line(&text).map_err(Failure::from_io)?;
        Err(Failed::described(failure))
    }
}

fn print_line(text: &str) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{text}")
}
