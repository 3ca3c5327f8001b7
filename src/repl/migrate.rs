//! `\migrate TEXT` and `glance migrate` at the front: the steps from the
//! model (or a hand-written pair), their lint, the live validation, and
//! on a confirmation the up step applied as the person's write through the
//! gate, with its timeouts. Text on stdout (SQL highlighted), or one JSON
//! document; a failed or refused validation still prints everything and
//! ends in exit status 1.

use std::path::PathBuf;

use crate::agent::Agent;
use crate::escape;
use crate::exit::Failure;
use crate::gate::Origin;
use crate::highlight;
use crate::llm;
use crate::migrate::check::{self, Validation};
use crate::migrate::files::{self, Tool};
use crate::migrate::report::{self, Outcome};
use crate::migrate::{Plan, Steps, draft, scratch};
use crate::safety;
use crate::session::{Consent, Decision, Session};
use crate::usage::Tally;

use super::batch::{self, Batch, NotApplied};

/// Where the steps come from.
pub enum Source<'a> {
    /// The change in words, for the model.
    Request(&'a str),
    /// A hand-written pair, read from files.
    Pair(Steps),
}

/// Where a validated migration's files go.
pub struct Files {
    pub dir: PathBuf,
    /// The tool's layout; detected from the files in `dir` when `None`.
    pub tool: Option<Tool>,
    /// The name in the file names.
    pub name: String,
}

/// What the person chose for a validated migration.
pub enum Offer {
    Apply,
    Save(Files),
    Neither,
}

/// How the front end runs a migration.
pub struct Setup<'a> {
    pub source: Source<'a>,
    pub json: bool,
    /// Validate on this scratch database instead of live.
    pub scratch: Option<&'a mut Session>,
    pub files: Option<Files>,
    /// Apply the up step once validated (asked through `confirm`).
    pub apply: bool,
    /// Once validated, ask what to do: apply, save files, or neither.
    pub offer: Option<&'a mut dyn FnMut() -> Offer>,
    pub color: bool,
    /// A spinner on stderr while the model is silent.
    pub progress: bool,
}

/// Writes or reads the steps, lints and validates them, prints the report,
/// and applies the up step when `setup.apply` and `confirm` agrees.
/// Returns what asking the model cost and how it ended.
pub fn run(
    session: &mut Session,
    agent: Option<&Agent>,
    setup: Setup,
    confirm: &mut dyn FnMut(&Consent) -> Decision,
) -> (Tally, Result<(), Failure>) {
    let dialect = session.info().dialect;
    if !dialect.transactional_ddl() {
        let refused = super::design::without_transactional_ddl("migrate", dialect);
        return (Tally::default(), Err(refused));
    }
    let (tally, steps, request) = match setup.source {
        Source::Pair(steps) => (Tally::default(), steps, None),
        Source::Request(request) => {
            let Some(agent) = agent else {
                return (
                    Tally::default(),
                    Err(Failure::Runtime {
                        message: "writing a migration needs an LLM provider, and none is \
                                  configured"
                            .into(),
                        hint: Some(format!(
                            "{}; or check a pair you wrote with --up FILE --down FILE",
                            llm::SETUP_HINT
                        )),
                    }),
                );
            };
            let (tally, steps) = draft::steps(session, agent, request, setup.progress);
            match steps {
                Ok(steps) => (tally, steps, Some(request.to_string())),
                Err(error) => {
                    let message = escape::visible(&error.to_string()).into_owned();
                    return (tally, Err(Failure::runtime(message)));
                }
            }
        }
    };
    let plan = match Plan::new(request, &steps, session.info().dialect) {
        Ok(plan) => plan,
        Err(message) => {
            let message = format!("cannot read {}", escape::visible(&message));
            let hint = Some("each step must be SQL the linter can read".into());
            return (tally, Err(Failure::Usage { message, hint }));
        }
    };
    if !setup.json {
        print!("{}", steps_text(&plan, setup.color));
    }
    let validation = match setup.scratch {
        Some(scratch) => scratch::validate(session, scratch, &plan),
        None => check::live(session, &plan),
    };
    if !setup.json {
        print!("{}", report::validation_text(&validation));
    }
    let mut outcome = Outcome {
        plan: &plan,
        validation: Some(&validation),
        files: Vec::new(),
        applied: false,
        reason: None,
    };
    let (mut target, mut apply_it) = (setup.files, setup.apply);
    if validation.passed()
        && let Some(offer) = setup.offer
    {
        match offer() {
            Offer::Apply => apply_it = true,
            Offer::Save(files) => target = Some(files),
            Offer::Neither => eprintln!("Not applied."),
        }
    }
    if validation.passed()
        && let Some(files) = &target
    {
        match write_files(files, &plan) {
            Ok(written) => {
                for path in &written {
                    if !setup.json {
                        println!("Wrote {}.", escape::visible(path));
                    }
                }
                outcome.files = written;
            }
            Err(reason) => outcome.reason = Some(reason),
        }
    }
    let mut refused = false;
    if validation.passed() && outcome.reason.is_none() && apply_it {
        match apply(session, &plan, setup.json, confirm) {
            Ok(applied) => outcome.applied = applied,
            Err(NotApplied::Refused(reason)) => {
                refused = true;
                outcome.reason = Some(reason);
            }
            Err(NotApplied::Failed(reason)) => outcome.reason = Some(reason),
        }
    }
    if setup.json {
        print!("{}", report::json(&outcome));
    }
    let ended = match outcome.reason() {
        None => Ok(()),
        Some(reason) if refused => Err(Failure::Refused(reason.to_string())),
        Some(reason) => Err(failed(reason, &validation)),
    };
    (tally, ended)
}

/// The steps as written (highlighted) and their lint.
fn steps_text(plan: &Plan, color: bool) -> String {
    let mut out = String::new();
    for (name, step) in [("Up", &plan.up), ("Down", &plan.down)] {
        let transaction = if step.transactional {
            ""
        } else {
            " (cannot run in a transaction)"
        };
        out.push_str(&format!("{name}{transaction}:\n"));
        out.push_str(&highlight::paint(&escape::visible(&step.text), color));
        if !out.ends_with('\n') {
            out.push('\n');
        }
        out.push('\n');
    }
    out.push_str("Lint:\n");
    out.push_str(&report::lint_text(plan));
    out.push('\n');
    out
}

/// Writes the validated migration in its tool's layout; the paths written.
fn write_files(target: &Files, plan: &Plan) -> Result<Vec<String>, String> {
    let tool = match target.tool {
        Some(tool) => tool,
        None => match files::detect(&target.dir) {
            Ok(Some(tool)) => tool,
            Ok(None) => {
                return Err(format!(
                    "{} holds no migration files to tell the tool from: pass --tool",
                    target.dir.display()
                ));
            }
            Err(error) => return Err(error.to_string()),
        },
    };
    let migration = files::Migration {
        up: plan.up.text.clone(),
        down: plan.down.text.clone(),
        transactional: plan.up.transactional && plan.down.transactional,
    };
    let written = files::write(&target.dir, tool, &target.name, &migration)
        .map_err(|error| error.to_string())?;
    Ok(written
        .iter()
        .map(|path| path.display().to_string())
        .collect())
}

/// The failure a failed or refused migration ends in: exit status 1.
fn failed(reason: &str, validation: &Validation) -> Failure {
    let hint = (validation.restored == Some(false))
        .then(|| "write a down step that undoes exactly what the up step does".to_string());
    Failure::Runtime {
        message: format!("the migration did not pass: {}", escape::visible(reason)),
        hint,
    }
}

/// Asks once for the whole up step, then runs it as the person's typed
/// write ([`batch::apply`]): in one transaction with its timeouts when it
/// may run in one, else as written. `Ok(false)` when the person said no.
fn apply(
    session: &mut Session,
    plan: &Plan,
    json: bool,
    confirm: &mut dyn FnMut(&Consent) -> Decision,
) -> Result<bool, NotApplied> {
    let batch = Batch {
        text: &plan.up.text,
        statements: safety::split_statements(&plan.up.text, session.info().dialect),
        origin: Origin::Typed,
        transaction: plan.up.transactional,
        // The step sets its own.
        lock_timeout: None,
        what: "the up step",
        unconfirmed_hint: "give --yes",
        done: "Applied the up step.".into(),
        declined: "Not applied.",
        json,
    };
    batch::apply(session, &batch, confirm)
}

impl super::Repl {
    /// `\migrate TEXT`: writes, lints and validates the migration, then
    /// offers to apply it or save it as files; a failure is said and the
    /// session goes on.
    pub(super) fn migrate(
        &mut self,
        session: &mut Session,
        input: &mut super::input::Input,
        request: &str,
    ) {
        let mut ask = || offer(request);
        let setup = Setup {
            source: Source::Request(request),
            json: matches!(session.settings.format, crate::render::Format::Json),
            scratch: None,
            files: None,
            apply: false,
            offer: if input.is_terminal() {
                Some(&mut ask)
            } else {
                None
            },
            color: self.term.color,
            progress: self.term.stderr_tty,
        };
        let color = self.term.color;
        let agent = self.agent.as_ref();
        let (tally, ended) = run(session, agent, setup, &mut |consent: &Consent| {
            input.confirm(consent, color, false)
        });
        self.count_aside(tally);
        if let Err(failure) = ended {
            eprint!("{}", failure.message());
        }
    }
}

/// Asks at the terminal what to do with a validated migration; `s` asks
/// for the directory, and the tool when its files do not tell.
fn offer(request: &str) -> Offer {
    let ask = |prompt: &str| {
        crate::term::discard_typeahead();
        rustyline::DefaultEditor::new()
            .and_then(|mut fresh| fresh.readline(prompt))
            .ok()
            .map(|answer| answer.trim().to_string())
    };
    let prompt = "Apply the up step (y), save it as migration files (s), or neither (n)? [y/s/N] ";
    match ask(prompt).as_deref() {
        Some("y" | "Y" | "yes") => Offer::Apply,
        Some("s" | "S") => {
            let Some(dir) = ask("Directory for the files: ").filter(|d| !d.is_empty()) else {
                return Offer::Neither;
            };
            let dir = crate::export::expand_home(&dir);
            let tool = match files::detect(&dir) {
                Ok(Some(tool)) => Some(tool),
                _ => {
                    let names = Tool::ALL.map(Tool::name).join(", ");
                    let answer = ask(&format!("Migration tool ({names}): ")).unwrap_or_default();
                    match Tool::parse(&answer) {
                        Ok(tool) => Some(tool),
                        Err(error) => {
                            eprintln!("{}", escape::visible(&error.to_string()));
                            return Offer::Neither;
                        }
                    }
                }
            };
            Offer::Save(Files {
                dir,
                tool,
                name: request.to_string(),
            })
        }
        _ => Offer::Neither,
    }
}
