//! The man page and shell completions, generated from the clap definitions
//! in `cli` so they can never disagree with `--help`. The committed copies in
//! `completions/` and `man/` are checked against this output by a test.

use std::io::{self, Write};

use clap::CommandFactory;

use crate::cli::Cli;

/// Writes the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> io::Result<()> {
    clap_complete::generate(shell, &mut Cli::command(), "glance", out);
    out.flush()
}

/// Writes the man page (roff), with the exit codes section.
pub fn man(out: &mut dyn Write) -> io::Result<()> {
    clap_mangen::Man::new(Cli::command()).render(out)?;
    out.flush()
}
