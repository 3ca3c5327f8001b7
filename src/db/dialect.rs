//! The SQL dialect a backend speaks. A leaf with no dependencies, so that
//! the pure modules built on it (the safety classifier) can be compiled on
//! their own, as the fuzz targets in `fuzz/` do.

/// The SQL dialect a backend speaks; the safety classifier parses with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dialect {
    Postgres,
    Sqlite,
}

impl Dialect {
    /// Human name, as shown in the footer and prompts.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::Postgres => "PostgreSQL",
            Dialect::Sqlite => "SQLite",
        }
    }
}
