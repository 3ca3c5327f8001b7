//! Analysis commands: each file reads plans, statistics or the data itself
//! through the session's guarded paths, draws findings from them, and gives
//! a report as text and as JSON for the front ends to print.

pub mod advise;
pub mod aside;
pub mod check;
pub mod comment_file;
pub mod comments;
pub mod dbt;
pub mod explain;
pub mod generic;
pub mod health;
pub mod narrate;
mod scan_sizes;
pub mod slow;
