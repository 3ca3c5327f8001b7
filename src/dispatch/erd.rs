//! `glance erd [PATTERN] [--out FILE]`: the tables' diagram on stdout (as
//! JSON with --format json), or written into a Mermaid or SVG file, never
//! replacing one.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use super::{Analysis, format_refused, open_for_analysis};
use crate::cli::{ErdArgs, Global};
use crate::exit::Failure;
use crate::render;
use crate::repl::erd::{Drawn, View, draw, written_line};

pub(super) fn command(global: &Global, args: &ErdArgs) -> Result<(), Failure> {
    let json = match global.format {
        None | Some(render::Format::Table) => false,
        Some(render::Format::Json) => true,
        Some(other) => return Err(format_refused("erd", "a diagram", other, "the diagram")),
    };
    let options = crate::erd::Options {
        pattern: args.pattern.clone(),
        out: args.out.clone(),
        overwrite: false,
    };
    let Analysis {
        mut session, term, ..
    } = open_for_analysis(global)?;
    let catalog = session
        .catalog()
        .map_err(|error| Failure::database(&error, None))?;
    let view = View {
        width: term.columns(),
        ascii: !crate::term::utf8_locale(),
        json,
        command: "glance erd",
        exists_hint: "glance never replaces a file: remove it or name another",
    };
    match draw(catalog, &options, &view)? {
        Drawn::Text(text) => print!("{text}"),
        Drawn::Json(value) => println!("{}", render::json_text(&value)),
        Drawn::Written { path, tables } => eprintln!("glance: {}", written_line(&path, tables)),
    }
    Ok(())
}
