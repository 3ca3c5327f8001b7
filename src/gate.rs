//! The safety gate's decision, and nothing else: from how dangerous a
//! statement is, who wrote it and the connection's rules, whether glance
//! forbids it, asks the person first, or runs it — and under which guard.
//! Pure: it reads no database and asks nobody, so every combination is
//! checked by a table below; the session acts on what it says.

use std::time::Duration;

use crate::db::Guard;
use crate::safety::Level;

/// Who wrote a statement, which decides when glance asks before running it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Typed by the person: only destructive statements are confirmed.
    Typed,
    /// Written by the LLM: writes are confirmed too.
    Generated,
    /// Rows the person loads with `\copy … from`: a load writes whoever
    /// typed it, so it is always confirmed.
    Load,
}

/// The connection's rules that bear on the decision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rules {
    /// Only `read_only` statements may run (a `read_only` profile).
    pub read_only: bool,
    /// The limit a guarded statement runs under.
    pub statement_timeout: Duration,
}

/// What the gate says about one statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    /// The connection is read-only and the statement is not: it never runs
    /// and nobody is asked.
    Forbid,
    /// The person (or a flag standing for them) must agree first; if they
    /// do, it runs under the guard.
    Ask(Guard),
    /// It runs at once, under the guard.
    Run(Guard),
}

/// Decides what happens to a statement judged `level`, written by
/// `origin`, on a connection with `rules`.
pub fn decide(level: Level, origin: Origin, rules: Rules) -> Gate {
    if rules.read_only && level > Level::ReadOnly {
        return Gate::Forbid;
    }
    let guard = guard(level, rules.statement_timeout);
    let asks = match origin {
        Origin::Typed => level >= Level::Destructive,
        Origin::Generated => level >= Level::Write,
        Origin::Load => true,
    };
    if asks {
        Gate::Ask(guard)
    } else {
        Gate::Run(guard)
    }
}

/// Reads run inside the server guard (read-only transaction, timeout);
/// writes run as typed, since the guard would stop them.
fn guard(level: Level, statement_timeout: Duration) -> Guard {
    match level {
        Level::ReadOnly => Guard::ReadOnly { statement_timeout },
        Level::Write | Level::Destructive => Guard::Direct,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(30);
    const GUARDED: Guard = Guard::ReadOnly {
        statement_timeout: TIMEOUT,
    };

    #[test]
    fn every_level_origin_and_rule_has_its_decision() {
        use Gate::{Ask, Forbid, Run};
        use Level::{Destructive, ReadOnly, Write};
        use Origin::{Generated, Load, Typed};
        let d = Guard::Direct;
        // (level, origin, read-only connection) → decision
        let table = [
            (ReadOnly, Typed, false, Run(GUARDED)),
            (Write, Typed, false, Run(d)),
            (Destructive, Typed, false, Ask(d)),
            (ReadOnly, Generated, false, Run(GUARDED)),
            (Write, Generated, false, Ask(d)),
            (Destructive, Generated, false, Ask(d)),
            (ReadOnly, Load, false, Ask(GUARDED)),
            (Write, Load, false, Ask(d)),
            (Destructive, Load, false, Ask(d)),
            (ReadOnly, Typed, true, Run(GUARDED)),
            (Write, Typed, true, Forbid),
            (Destructive, Typed, true, Forbid),
            (ReadOnly, Generated, true, Run(GUARDED)),
            (Write, Generated, true, Forbid),
            (Destructive, Generated, true, Forbid),
            (ReadOnly, Load, true, Ask(GUARDED)),
            (Write, Load, true, Forbid),
            (Destructive, Load, true, Forbid),
        ];
        for (level, origin, read_only, expected) in table {
            let rules = Rules {
                read_only,
                statement_timeout: TIMEOUT,
            };
            assert_eq!(
                decide(level, origin, rules),
                expected,
                "{level:?} {origin:?} read_only={read_only}"
            );
        }
    }

    #[test]
    fn the_guard_carries_the_connections_timeout() {
        let rules = Rules {
            read_only: false,
            statement_timeout: Duration::from_millis(250),
        };
        assert_eq!(
            decide(Level::ReadOnly, Origin::Typed, rules),
            Gate::Run(Guard::ReadOnly {
                statement_timeout: Duration::from_millis(250)
            })
        );
    }
}
