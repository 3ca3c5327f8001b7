//! A database to open and the rules that come with it. A leaf: the session
//! holds one without depending on how it was chosen (flags, profiles, `\c`,
//! which `connection` decides).

use std::time::Duration;

use crate::db::Target;

/// A database to open and the rules that come with it.
#[derive(Clone, Debug)]
pub struct Choice {
    pub target: Target,
    /// The profile it came from, if any.
    pub profile: Option<String>,
    /// Refuse every statement that is not read-only.
    pub read_only: bool,
    pub statement_timeout: Duration,
    /// The profile's `guard_role`: the role the read-only guard switches to.
    pub guard_role: Option<String>,
}
