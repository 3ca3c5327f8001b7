//! glance's pure modules, compiled from the main crate's own sources for the
//! fuzz targets (glance is a binary crate, so there is no library to link):
//! the safety classifier, the schema model it consults, the dialect, and
//! SQL extraction from model replies. The checks the targets run are
//! `safety::invariants`, shared with the property tests.

#[path = "../../src/catalog.rs"]
pub mod catalog;
#[path = "../../src/safety/mod.rs"]
pub mod safety;

#[path = "../../src/agent/extract.rs"]
pub mod extract;
#[path = "../../src/db/dialect.rs"]
pub mod dialect;

pub mod agent {
    pub use super::extract;
}

pub mod db {
    pub use super::dialect::Dialect;
}
