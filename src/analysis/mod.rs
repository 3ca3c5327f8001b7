//! Analysis commands: each reads the catalog, builds its own read-only SQL,
//! runs it through the session's guard and returns a report the front ends
//! print as text or JSON.

pub mod check;
