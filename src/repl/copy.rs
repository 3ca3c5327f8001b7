//! `\copy` in the REPL: runs it through [`crate::copy`] and reports as psql
//! does: `COPY N` (or `Not run.`) on stdout, errors on stderr.

use std::io::{self, BufWriter};

use crate::copy::{self, Copied, CopySpec};
use crate::session::{Confirm, Session};

/// Runs a `\copy`; `confirm` answers for loads (`from`). `place`
/// (`file:line: ` inside `\i`) goes before errors.
pub fn run(session: &mut Session, spec: &CopySpec, place: &str, confirm: Confirm) {
    let copied = if spec.from {
        copy::prepare_load(session, spec).and_then(|load| {
            println!("{}", load.summary());
            load.run(session, confirm)
        })
    } else {
        copy::unload(session, spec, || {
            Box::new(BufWriter::new(io::stdout().lock()))
        })
    };
    match copied {
        Ok(Copied::Rows(count)) => println!("COPY {count}"),
        Ok(Copied::Declined) => println!("Not run."),
        Err(text) => eprint!("{place}{text}"),
    }
}
