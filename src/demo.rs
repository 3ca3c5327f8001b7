//! The built-in demo: a small shop in SQLite, generated deterministically in
//! the user's data directory so glance can be tried with nothing installed.

use std::path::PathBuf;

/// Returns the path of the demo database, creating (or refreshing an
/// outdated) one first.
pub fn ensure() -> anyhow::Result<PathBuf> {
    todo!()
}
