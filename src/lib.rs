//! glance: chat with your database from the terminal.
//!
//! The library holds every module; the binary (`main.rs`) only parses the
//! command line, calls [`run`] and turns the outcome into an exit code (see
//! `cli::EXIT_CODES`). Modules stay private so the compiler reports what
//! nothing uses; the few items below are public for `main`, the fuzz
//! targets (`fuzz/`) and the benchmarks (`benches/`).

mod agent;
mod agent_tools;
mod analysis;
mod ask;
mod catalog;
mod chart;
mod choice;
mod cli;
mod clipboard;
mod command;
mod config;
mod confirm;
mod connection;
mod console;
mod copy;
mod db;
mod demo;
mod describe;
mod design;
mod dispatch;
mod docs;
mod erd;
mod escape;
mod exit;
mod export;
mod federate;
mod files;
mod gate;
mod generate;
mod highlight;
mod history;
mod ident;
#[cfg(test)]
mod input_proptests;
mod interrupt;
mod journal;
mod jsonrpc;
mod lint;
mod llm;
mod mcp;
mod migrate;
mod models;
mod numbers;
mod one_line;
mod password;
mod plugins;
mod preview;
mod price;
mod prose;
mod querylog;
mod recall;
mod redact;
mod render;
mod repl;
mod report;
mod safety;
mod saved;
mod server_listing;
mod session;
mod setup_reader;
mod spinner;
mod team;
mod term;
#[doc(hidden)]
pub mod testing;
mod timings;
mod tool_rounds;
mod tools;
mod turn;
mod unrun;
mod usage;
mod yaml;

pub use cli::Cli;
pub use dispatch::run;
pub use exit::Failure;

// What the benchmarks measure and the fuzz targets check.
pub use agent::context;
pub use db::Dialect;
pub use safety::classify;
#[cfg(fuzzing)]
pub use safety::invariants;

/// Parses the command line, once the run's clock has started; a shell asking
/// for completions is answered here and the process ends.
pub fn parse_args() -> Cli {
    timings::start();
    generate::complete_if_asked();
    cli::parse()
}

/// What to print on stderr for `failure`, with any password masked.
pub fn failure_text(failure: &Failure) -> String {
    redact::text(&failure.message())
}
