//! `glance run NAME [ARGS…]` and `glance run --list`: a saved query run
//! once without prompts, its arguments bound as parameters, through the
//! session's gate as a saved query (a write needs `--yes` without a
//! terminal); its ending and exit code as `ask --sql` has them.

use super::{install_interrupts, load_config, open, unpicked};
use crate::ask::{self, Failed};
use crate::cli::{Global, RunArgs};
use crate::connection::{self, Start};
use crate::db::Dialect;
use crate::exit::Failure;
use crate::gate::{Allowed, Origin};
use crate::render::{self, Format, RenderOptions};
use crate::saved::bind;
use crate::saved::store::{Store, StoreError};
use crate::saved::{self, params_json};
use crate::session::{Consent, Run};
use crate::term::Term;

/// Runs `glance run`.
pub fn command(global: &Global, args: &RunArgs) -> Result<(), Failure> {
    let flagged = global.format.unwrap_or(Format::Table);
    let config = load_config(global).map_err(|f| Failed::from(f).into_failure(flagged))?;
    let format = config.format;
    let failed = |failure: Failure| Failed::from(failure).into_failure(format);
    let store = Store::open(config.team.as_ref());
    let chosen = connection::at_start(&global.requested(), &config);
    if args.list {
        // Parameters read the same in every dialect but for quoting rules:
        // the connection's when one is named, else PostgreSQL's.
        let dialect = match &chosen {
            Ok(Start::Chosen(choice)) => choice.target.dialect(),
            _ => Dialect::default(),
        };
        let found = store.list().map_err(|e| failed(store_failure(&e)))?;
        let options = RenderOptions {
            format,
            footer: false,
            null: config.null.clone(),
            ..RenderOptions::default()
        };
        let listing = saved::listing(&found, dialect);
        return render::present(&listing, &options, &mut || Box::new(std::io::stdout()))
            .map_err(Failure::from_io);
    }
    let name = args.name.as_deref().unwrap_or_default();
    let found = store.find(name).map_err(|e| failed(store_failure(&e)))?;
    let choice = match chosen {
        Ok(Start::Chosen(choice)) => choice,
        Ok(Start::Pick) => return Err(failed(unpicked())),
        Err(failure) => return Err(failed(failure)),
    };
    let dialect = choice.target.dialect();
    let params = bind::parameters(&found.saved.sql, dialect);
    let usage = |message: String| {
        failed(Failure::Usage {
            message,
            hint: Some(format!(
                "give arguments in order or as NAME=VALUE: glance run {name} VALUE …; \
                 glance run --list shows the parameters"
            )),
        })
    };
    let resolved = bind::resolve(&params, &args.args).map_err(|e| usage(e.to_string()))?;
    if !resolved.missing.is_empty() {
        return Err(usage(saved::missing_message(name, &resolved.missing)));
    }
    let bound = bind::bind(&found.saved.sql, dialect, &resolved.values)
        .map_err(|e| usage(e.to_string()))?;
    let term = Term::detect(config.color);
    let interrupts = install_interrupts().map_err(failed)?;
    let mut session = open(&choice, &config, term, interrupts, false).map_err(failed)?;
    ask::warn_superuser(&session);
    let prefix = vec![
        ("saved".to_string(), serde_json::Value::from(name)),
        (
            "sql".to_string(),
            serde_json::Value::from(bound.sql.as_str()),
        ),
        ("params".to_string(), params_json(&resolved.values)),
        (
            "level".to_string(),
            serde_json::Value::from(session.classify(&bound.sql).level.as_str()),
        ),
    ];
    let run = Run {
        sql: &bound.sql,
        params: bound.params.clone(),
        origin: Origin::Saved,
        question: None,
        json_prefix: prefix,
        json_timings: Vec::new(),
    };
    let allowed = Allowed::everything(global.yes);
    let executed = session.execute(run, &mut |consent: &Consent| {
        ask::confirm_by(consent, allowed, term)
    });
    ask::conclude(&mut session, executed, &bound.sql, |verdict| {
        format!(
            "the saved query `{name}` writes ({}) and needs a confirmation, but there is no terminal to ask; \
             pass --yes to run it anyway",
            verdict.reasons.join("; ")
        )
    })
    .map_err(|failed| failed.into_failure(format))
}

/// A saved query that cannot be found or read: bad input (exit 2).
fn store_failure(error: &StoreError) -> Failure {
    Failure::Usage {
        message: error.to_string(),
        hint: error.hint(),
    }
}
