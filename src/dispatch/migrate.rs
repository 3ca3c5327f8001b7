//! `glance migrate`: a migration from the model (or `--up`/`--down`
//! files), linted and validated; applied with `--apply` once confirmed.

use super::{Analysis, make_agent, open_for_analysis};
use crate::cli::{Global, MigrateArgs};
use crate::console::OutputFile;
use crate::exit::Failure;
use crate::migrate::Steps;
use crate::migrate::files::Tool;
use crate::repl::migrate::{self, Files, Setup, Source};
use crate::{escape, render};

pub(super) fn command(global: &Global, args: &MigrateArgs) -> Result<(), Failure> {
    let source = match (&args.request, &args.up, &args.down) {
        (_, Some(up), Some(down)) => Source::Pair(Steps {
            up: read(up)?,
            down: read(down)?,
        }),
        (Some(request), _, _) if !request.trim().is_empty() => Source::Request(request),
        _ => {
            return Err(Failure::Usage {
                message: "glance migrate needs the change in words, or --up FILE --down FILE"
                    .into(),
                hint: Some("glance migrate \"add a soft delete column to customers\"".into()),
            });
        }
    };
    let files = match &args.dir {
        None => None,
        Some(dir) => Some(Files {
            dir: crate::export::expand_home(dir),
            tool: args
                .tool
                .as_deref()
                .map(Tool::parse)
                .transpose()
                .map_err(|error| Failure::Usage {
                    message: error.to_string(),
                    hint: None,
                })?,
            name: match (&args.name, &args.request, &args.up) {
                (Some(name), _, _) | (None, Some(name), _) => name.clone(),
                (None, None, Some(up)) => stem(up),
                (None, None, None) => "migration".into(),
            },
        }),
    };
    let Analysis {
        mut session,
        format,
        term,
        config,
        ..
    } = open_for_analysis(global)?;
    let mut scratch = match &args.scratch {
        None => None,
        Some(url) => {
            let choice = crate::connection::from_argument(&config, url, session.choice())?;
            let interrupts = session.interrupts().clone();
            let mut scratch = super::open(&choice, &config, term, interrupts, false)?;
            // What its statements report goes aside: stdout is the report's.
            let aside = OutputFile::stderr().map_err(Failure::from_io)?;
            scratch.console_mut().redirect(Some(aside));
            Some(scratch)
        }
    };
    let agent = match source {
        Source::Request(_) => make_agent(&config)?,
        Source::Pair(_) => None,
    };
    let (_, mut confirm) = super::confirmation(global, term, false, false);
    let setup = Setup {
        source,
        json: format == render::Format::Json,
        scratch: scratch.as_mut(),
        files,
        apply: args.apply,
        offer: None,
        color: term.color,
        progress: term.stderr_tty,
    };
    migrate::run(&mut session, agent.as_ref(), setup, &mut confirm).1
}

/// A step's file.
fn read(path: &str) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|error| Failure::Usage {
        message: format!(
            "cannot read {}: {}",
            escape::visible(path),
            escape::visible(&error.to_string())
        ),
        hint: Some("--up and --down name files holding SQL".into()),
    })
}

/// The name of the `--up` file without its extensions (`add_x.up.sql`:
/// `add_x`).
fn stem(path: &str) -> String {
    let name = std::path::Path::new(path)
        .file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split('.').next().unwrap_or_default().to_string()
}
