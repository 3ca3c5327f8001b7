//! The man page and shell completions, generated from the clap definitions
//! in `cli` so they can never disagree with `--help`. The committed copies in
//! `completions/` and `man/` are checked against this output by a test.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::{Cli, EXIT_CODES};

/// Writes the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> io::Result<()> {
    clap_complete::generate(shell, &mut Cli::command(), "glance", out);
    out.flush()
}

/// Writes the man page (roff), with an EXIT STATUS section built from
/// [`EXIT_CODES`].
pub fn man(out: &mut dyn Write) -> io::Result<()> {
    let man = clap_mangen::Man::new(Cli::command());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    man.render_subcommands_section(out)?;
    writeln!(out, ".SH \"EXIT STATUS\"")?;
    for line in EXIT_CODES.lines().skip(1) {
        let line = line.trim();
        match line.split_once("  ") {
            Some((code, meaning)) => writeln!(out, ".TP\n{code}\n{}", roff_escape(meaning))?,
            None => writeln!(out, "{}", roff_escape(line))?,
        }
    }
    man.render_version_section(out)?;
    out.flush()
}

/// Escapes text for a roff body line: backslashes and hyphens, and a
/// leading dot or quote that roff would read as a request.
fn roff_escape(text: &str) -> String {
    let escaped = text.replace('\\', "\\e").replace('-', "\\-");
    if escaped.starts_with(['.', '\'']) {
        format!("\\&{escaped}")
    } else {
        escaped
    }
}
