//! Analysis commands: each file computes one command's report from
//! glance's own read-only catalog queries through the session's guarded
//! path, and gives it as text and as JSON for the front ends to print.

pub mod health;
pub mod slow;
