//! glance: chat with your database from the terminal.

mod catalog;
mod cli;
mod db;
mod demo;
mod describe;
mod render;
mod safety;

use clap::Parser;

fn main() {
    let cli = cli::Cli::parse();
    let _ = cli;
}
