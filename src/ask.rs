//! `glance ask`: one question (or one statement with `--sql`) from the
//! arguments or a pipe, no prompts without a terminal, and an exit code that
//! says what happened. Results go to stdout; the model's explanation, the
//! verdict and the cost footer go to stderr, so stdout stays data.

use std::io::{self, Read, Write};

use crate::agent::{Agent, extract};
use crate::answer::{self, Answered, End};
use crate::cli::{AskArgs, Global};
use crate::confirm;
use crate::db::{self, Dialect};
use crate::exit::Failure;
use crate::llm;
use crate::render::Format;
use crate::report;
use crate::safety::{self, Level, Verdict};
use crate::session::{Consent, Decision, Executed, Run, Session};
use crate::term::Term;

/// Runs `glance ask`.
pub fn run(
    global: &Global,
    args: &AskArgs,
    term: Term,
    format: Format,
    dialect: Dialect,
    open: impl FnOnce() -> Result<Session, Failure>,
    agent: impl FnOnce() -> Result<Option<Agent>, Failure>,
) -> Result<(), Failure> {
    let Some(sql_arg) = &args.sql else {
        let question = question_text(args, term)?;
        let Some(agent) = agent()? else {
            return Err(Failure::Runtime {
                message: format!(
                    "cannot answer \"{}\": questions need an LLM provider, and none is configured",
                    question.trim()
                ),
                hint: Some(format!(
                    "{} (to run SQL instead, use --sql \"…\")",
                    llm::SETUP_HINT
                )),
            });
        };
        return ask_question(args, term, open()?, agent, question.trim());
    };
    let input = if sql_arg == "-" {
        read_stdin()?
    } else {
        sql_arg.clone()
    };
    db::reject_nul(&input).map_err(|error| Failure::usage(error.to_string()))?;
    let statements = safety::split_statements(&input, dialect);
    if statements.is_empty() {
        return Err(Failure::usage("no SQL to run: --sql was empty"));
    }
    if args.dry_run {
        let verdict = safety::classify(&input, dialect, None);
        print_verdict(&input, &verdict, format == Format::Json).map_err(Failure::from_io)?;
        return Ok(());
    }
    if statements.len() > 1 {
        return Err(Failure::usage(format!(
            "ask --sql runs one statement, and this input holds {} statements; run them one at a time, or use \\sql in glance repl",
            statements.len()
        )));
    }
    let sql = &statements[0];
    let mut session = open()?;
    warn_superuser(&session);
    let json = session.settings.format == Format::Json;
    let prefix = vec![
        ("sql".to_string(), serde_json::Value::from(sql.as_str())),
        (
            "level".to_string(),
            serde_json::Value::from(session.classify(sql).level.as_str()),
        ),
    ];
    let allowed = args.allow_destructive || global.yes;
    let mut confirm = |consent: &Consent| {
        if allowed {
            Decision::Run
        } else if term.can_ask() {
            confirm::ask_on_terminal(consent, term.color)
        } else {
            Decision::Refuse
        }
    };
    let run = Run {
        json_prefix: prefix,
        ..Run::typed(sql)
    };
    match session.execute(run, &mut confirm) {
        Executed::Ran(_) => Ok(()),
        Executed::Output(error) => Err(Failure::from_io(error)),
        Executed::Declined => Err(Failure::Refused("not run: you answered no".into())),
        Executed::Refused { verdict } => Err(Failure::Refused(format!(
            "this statement is destructive ({}) and needs a confirmation, but there is no terminal to ask; \
             pass --allow-destructive to run it anyway",
            verdict.reasons.join("; ")
        ))),
        Executed::Forbidden { verdict } => {
            Err(Failure::Refused(session.read_only_refusal(&verdict)))
        }
        Executed::Failed {
            verdict,
            error,
            shown,
        } => {
            if json && !shown {
                print_json_error(sql, verdict.level, &error).map_err(Failure::from_io)?;
            }
            Err(statement_failed(&error, sql))
        }
    }
}

/// The REPL's superuser warning, once, on stderr.
fn warn_superuser(session: &Session) {
    if let Some(warning) = session.superuser_warning() {
        eprintln!("glance: {warning}");
    }
}

/// How a statement that failed ends `ask`: SQL glance refused to send is
/// bad input (exit 2), anything else a database error (exit 1).
fn statement_failed(error: &db::Error, sql: &str) -> Failure {
    match error {
        db::Error::BadInput(message) => Failure::usage(message.clone()),
        _ => Failure::Database {
            text: report::db_error(error, Some(sql)),
        },
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

fn read_stdin() -> Result<String, Failure> {
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

fn print_verdict(sql: &str, verdict: &Verdict, json: bool) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        let doc = serde_json::json!({
            "sql": sql.trim(),
            "level": verdict.level.as_str(),
            "reasons": verdict.reasons,
            "statements": verdict.statements,
        });
        writeln!(out, "{doc}")
    } else {
        writeln!(out, "level: {}", verdict.level.as_str())?;
        writeln!(out, "statements: {}", verdict.statements)?;
        for reason in &verdict.reasons {
            writeln!(out, "reason: {reason}")?;
        }
        Ok(())
    }
}

fn print_json_error(sql: &str, level: Level, error: &db::Error) -> io::Result<()> {
    let detail = report::error_json(error);
    let doc = serde_json::json!({ "sql": sql, "level": level.as_str(), "error": detail });
    writeln!(io::stdout().lock(), "{doc}")
}

/// Answers one question: generate, classify, confirm by flag or terminal,
/// run, correct; or with `--show-prompt` / `--dry-run` stop early.
fn ask_question(
    args: &AskArgs,
    term: Term,
    mut session: Session,
    mut agent: Agent,
    question: &str,
) -> Result<(), Failure> {
    let json = session.settings.format == Format::Json;
    if args.show_prompt {
        return show_prompt(&mut session, &agent, question, json);
    }
    if args.dry_run {
        return dry_run(&mut session, &agent, question, json);
    }
    warn_superuser(&session);
    let mut ui = AskUi {
        term,
        allow_write: args.allow_write,
        allow_destructive: args.allow_destructive,
        json,
    };
    let answered = answer::answer(&mut session, &mut agent, question, &mut ui);
    if !json && !matches!(answered.end, End::Llm(_)) {
        eprintln!(
            "{}",
            answered.footer(agent.provider().model(), agent.cost(&answered.usage))
        );
    }
    match &answered.end {
        End::Ran(_) => Ok(()),
        End::Prose => print_prose(question, &answered, &agent, json).map_err(Failure::from_io),
        End::Declined => Err(Failure::Refused("not run: you answered no".into())),
        End::Refused { sql, verdict } => {
            if json {
                let doc = error_doc(
                    question,
                    sql,
                    Some(verdict),
                    &answered,
                    &agent,
                    "refused: needs confirmation",
                );
                print_line(&doc).map_err(Failure::from_io)?;
            } else {
                print_line(&format!("{sql};")).map_err(Failure::from_io)?;
            }
            let flag = if verdict.level == Level::Destructive {
                "--allow-destructive"
            } else {
                "--allow-write"
            };
            Err(Failure::Refused(format!(
                "the model wrote a {} statement ({}), which needs a confirmation, but there is no terminal to ask; \
                 the SQL is printed above: run it yourself, or pass {flag}",
                verdict.level.as_str(),
                verdict.reasons.join("; ")
            )))
        }
        End::Forbidden { sql, verdict } => {
            let message = session.read_only_refusal(verdict);
            if json {
                let doc = error_doc(question, sql, Some(verdict), &answered, &agent, &message);
                print_line(&doc).map_err(Failure::from_io)?;
            } else {
                print_line(&format!("{sql};")).map_err(Failure::from_io)?;
            }
            Err(Failure::Refused(message))
        }
        End::Failed { sql, error, shown } => {
            if json && !shown {
                let level = session.classify(sql);
                let doc = error_doc(
                    question,
                    sql,
                    Some(&level),
                    &answered,
                    &agent,
                    &error.to_string(),
                );
                print_line(&doc).map_err(Failure::from_io)?;
            }
            Err(statement_failed(error, sql))
        }
        End::Llm(error) => Err(Failure::Runtime {
            message: error.to_string(),
            hint: None,
        }),
        End::Catalog(error) => Err(Failure::Database {
            text: report::db_error(error, None),
        }),
        End::Output(error) => Err(Failure::from_io(io::Error::new(
            error.kind(),
            error.to_string(),
        ))),
    }
}

/// `--show-prompt`: the request, exactly as it would be sent.
fn show_prompt(
    session: &mut Session,
    agent: &Agent,
    question: &str,
    json: bool,
) -> Result<(), Failure> {
    let (request, context) =
        answer::request(session, agent, question).map_err(|e| Failure::Database {
            text: report::db_error(&e, None),
        })?;
    let doc = if json {
        serde_json::json!({
            "provider": agent.provider().name(),
            "model": agent.provider().model(),
            "system": request.system,
            "messages": request.messages.iter().map(|m| serde_json::json!({
                "role": m.role.as_str(),
                "content": m.content,
            })).collect::<Vec<_>>(),
            "context": {
                "tables_full": context.tables_full,
                "tables_named": context.tables_named,
                "tokens": context.tokens,
            },
        })
    } else {
        agent.provider().preview(&request)
    };
    let text = if json {
        doc.to_string()
    } else {
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    };
    print_line(&text).map_err(Failure::from_io)
}

/// `--dry-run` with a question: generate and classify, run nothing.
fn dry_run(
    session: &mut Session,
    agent: &Agent,
    question: &str,
    json: bool,
) -> Result<(), Failure> {
    let (request, _) =
        answer::request(session, agent, question).map_err(|e| Failure::Database {
            text: report::db_error(&e, None),
        })?;
    let proposal = agent
        .propose(&request, &mut |_| {})
        .map_err(|e| Failure::Runtime {
            message: e.to_string(),
            hint: None,
        })?;
    let Some(sql) = proposal.sql else {
        return print_line(&proposal.reply).map_err(Failure::from_io);
    };
    let verdict = session.classify(&sql);
    print_verdict(&sql, &verdict, json).map_err(Failure::from_io)
}

/// Decides by flags and, with a terminal, by asking.
struct AskUi {
    term: Term,
    allow_write: bool,
    allow_destructive: bool,
    json: bool,
}

impl answer::Ui for AskUi {
    fn reply_text(&mut self, _text: &str) {}

    /// The explanation and verdict go to stderr, keeping stdout for data.
    fn proposed(&mut self, reply: &str, _sql: &str, verdict: &Verdict) {
        if !self.json {
            let explanation = extract::prose(reply);
            if !explanation.trim().is_empty() {
                eprintln!("{}", explanation.trim());
            }
            eprintln!("{}", confirm::verdict_line(verdict, false));
        }
    }

    fn confirm(&mut self, consent: &Consent) -> Decision {
        let allowed = match consent.verdict.level {
            Level::ReadOnly => true,
            Level::Write => self.allow_write,
            Level::Destructive => self.allow_destructive,
        };
        if allowed {
            Decision::Run
        } else if self.term.can_ask() {
            confirm::ask_on_terminal(consent, self.term.color)
        } else {
            Decision::Refuse
        }
    }

    fn retrying(&mut self, attempt: u32, _sql: &str, error: &db::Error) {
        eprintln!("attempt {attempt} failed: {error}; asking the model for a corrected statement");
    }
}

/// A prose answer: the text on stdout, or a JSON document.
fn print_prose(question: &str, answered: &Answered, agent: &Agent, json: bool) -> io::Result<()> {
    if !json {
        return print_line(answered.reply.trim());
    }
    let doc = serde_json::json!({
        "question": question,
        "sql": null,
        "level": null,
        "reasons": [],
        "executed": false,
        "answer": answered.reply.trim(),
        "timings": { "llm_ms": answered.llm_time.as_secs_f64() * 1000.0 },
        "llm": answer::llm_json(agent, &answered.usage),
        "attempts": answered.attempts,
    });
    print_line(&doc.to_string())
}

/// The JSON document of a question whose SQL did not run.
fn error_doc(
    question: &str,
    sql: &str,
    verdict: Option<&Verdict>,
    answered: &Answered,
    agent: &Agent,
    error: &str,
) -> String {
    serde_json::json!({
        "question": question,
        "sql": sql,
        "level": verdict.map(|v| v.level.as_str()),
        "reasons": verdict.map(|v| v.reasons.clone()).unwrap_or_default(),
        "executed": false,
        "timings": { "llm_ms": answered.llm_time.as_secs_f64() * 1000.0 },
        "llm": answer::llm_json(agent, &answered.usage),
        "attempts": answered.attempts,
        "error": { "message": error },
    })
    .to_string()
}

fn print_line(text: &str) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{text}")
}
