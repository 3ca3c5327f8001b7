//! `glance ask`: one statement (or, later, one question) from arguments or a
//! pipe, no prompts, and an exit code that says what happened.

use std::io::{self, Read, Write};

use crate::cli::{AskArgs, Global};
use crate::db::{self, Dialect};
use crate::exit::Failure;
use crate::render::Format;
use crate::report;
use crate::safety::{self, Level, Verdict};
use crate::session::{Decision, Executed, Session};
use crate::term::Term;

/// Runs `glance ask`.
pub fn run(
    global: &Global,
    args: &AskArgs,
    term: Term,
    open: impl FnOnce() -> Result<Session, Failure>,
) -> Result<(), Failure> {
    let Some(sql_arg) = &args.sql else {
        let question = question_text(args)?;
        return Err(Failure::Usage(format!(
            "cannot answer \"{}\": questions need an LLM provider, and none is configured yet; \
             to run SQL use --sql \"…\"",
            question.trim()
        )));
    };
    let input = if sql_arg == "-" {
        read_stdin()?
    } else {
        sql_arg.clone()
    };
    let dialect = crate::target(global).map(|t| match t {
        db::Target::Postgres(_) => Dialect::Postgres,
        db::Target::Sqlite(_) => Dialect::Sqlite,
    })?;
    let statements = safety::split_statements(&input, dialect);
    if statements.is_empty() {
        return Err(Failure::Usage("no SQL to run: --sql was empty".into()));
    }
    if args.dry_run {
        let verdict = safety::classify(&input, dialect, None);
        print_verdict(&input, &verdict, global.format == Some(Format::Json))
            .map_err(Failure::from_io)?;
        return Ok(());
    }
    if statements.len() > 1 {
        return Err(Failure::Usage(format!(
            "ask --sql runs one statement, and this input holds {} statements; run them one at a time, or use \\sql in glance repl",
            statements.len()
        )));
    }
    let sql = &statements[0];
    let mut session = open()?;
    let json = session.settings.format == Format::Json;
    let prefix = vec![
        ("sql".to_string(), serde_json::Value::from(sql.as_str())),
        (
            "level".to_string(),
            serde_json::Value::from(session.classify(sql).level.as_str()),
        ),
    ];
    let allowed = args.allow_destructive || global.yes;
    let mut confirm = |statement: &str, verdict: &Verdict| {
        if allowed {
            Decision::Run
        } else if term.can_ask() {
            crate::confirm::ask_on_terminal(statement, verdict, term.color)
        } else {
            Decision::Refuse
        }
    };
    match session.execute(sql, &mut confirm, prefix) {
        Executed::Ran => Ok(()),
        Executed::Output(error) => Err(Failure::from_io(error)),
        Executed::Declined => Err(Failure::Refused("not run: you answered no".into())),
        Executed::Refused { verdict } => Err(Failure::Refused(format!(
            "this statement is destructive ({}) and needs a confirmation, but there is no terminal to ask; \
             pass --allow-destructive to run it anyway",
            verdict.reasons.join("; ")
        ))),
        Executed::Failed { verdict, error } => {
            if json {
                print_json_error(sql, verdict.level, &error).map_err(Failure::from_io)?;
            }
            Err(Failure::Database {
                text: report::db_error(&error, Some(sql)),
            })
        }
    }
}

fn question_text(args: &AskArgs) -> Result<String, Failure> {
    let question = if args.question.is_empty() {
        read_stdin()?
    } else {
        args.question.join(" ")
    };
    if question.trim().is_empty() {
        return Err(Failure::Usage(
            "nothing to ask: give a question, pipe one on stdin, or use --sql".into(),
        ));
    }
    Ok(question)
}

fn read_stdin() -> Result<String, Failure> {
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|e| Failure::Usage(format!("could not read stdin: {e}")))?;
    Ok(text)
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
    let mut detail = serde_json::Map::new();
    detail.insert("message".into(), error.to_string().into());
    if let db::Error::Server(server) = error {
        let fields = [
            ("sqlstate", &server.sqlstate),
            ("detail", &server.detail),
            ("hint", &server.hint),
        ];
        for (key, value) in fields {
            if let Some(value) = value {
                detail.insert(key.into(), value.as_str().into());
            }
        }
        if let Some(position) = server.position {
            detail.insert("position".into(), position.into());
        }
    }
    let doc = serde_json::json!({ "sql": sql, "level": level.as_str(), "error": detail });
    writeln!(io::stdout().lock(), "{doc}")
}
