//! The safety gate's decisions, and nothing else: from how dangerous a
//! statement is, who wrote it and the connection's rules, whether glance
//! forbids it, asks first, or runs it — and under which guard; and, when
//! it asks, whether the flags answer, the person does, or nobody can.
//! Pure: it reads no database and asks nobody, so every combination is
//! checked by a table below; the session and the front ends act on it.

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
    /// A saved query run by name (`\n`, `glance run`): whoever wrote it,
    /// the person running it may not have read it, so writes are
    /// confirmed too.
    Saved,
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
        Origin::Generated | Origin::Saved => level >= Level::Write,
        Origin::Load => true,
    };
    if asks {
        Gate::Ask(guard)
    } else {
        Gate::Run(guard)
    }
}

/// What the person let glance agree to without asking, by flag.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Allowed {
    /// Writes (and loads) run unasked: `--allow-write` in `ask`, `--yes`.
    pub write: bool,
    /// Destructive statements run unasked: `--allow-destructive` in
    /// `ask`, `--yes`.
    pub destructive: bool,
}

impl Allowed {
    /// `--yes`: everything the gate would ask about, when `yes`.
    pub fn everything(yes: bool) -> Allowed {
        Allowed {
            write: yes,
            destructive: yes,
        }
    }
}

/// Who answers when the gate asks about a statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answerer {
    /// A flag already said yes.
    Flags,
    /// The person, at the terminal.
    Person,
    /// Nobody: no flag covers it and there is no terminal, so it is refused.
    Nobody,
}

/// Who answers for a statement judged `level`, given the flags and whether
/// a person can be asked (input is a terminal).
pub fn answerer(level: Level, allowed: Allowed, can_ask: bool) -> Answerer {
    let covered = match level {
        Level::ReadOnly | Level::Write => allowed.write,
        Level::Destructive => allowed.destructive,
    };
    if covered {
        Answerer::Flags
    } else if can_ask {
        Answerer::Person
    } else {
        Answerer::Nobody
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
        use Origin::{Generated, Load, Saved, Typed};
        let d = Guard::Direct;
        // (level, origin, read-only connection) → decision
        let table = [
            (ReadOnly, Typed, false, Run(GUARDED)),
            (Write, Typed, false, Run(d)),
            (Destructive, Typed, false, Ask(d)),
            (ReadOnly, Generated, false, Run(GUARDED)),
            (Write, Generated, false, Ask(d)),
            (Destructive, Generated, false, Ask(d)),
            (ReadOnly, Saved, false, Run(GUARDED)),
            (Write, Saved, false, Ask(d)),
            (Destructive, Saved, false, Ask(d)),
            (ReadOnly, Saved, true, Run(GUARDED)),
            (Write, Saved, true, Forbid),
            (Destructive, Saved, true, Forbid),
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
    fn flags_answer_what_they_cover_and_else_the_person_or_nobody() {
        use Answerer::{Flags, Nobody, Person};
        use Level::{Destructive, ReadOnly, Write};
        let none = Allowed::default();
        let write = Allowed {
            write: true,
            destructive: false,
        };
        let destructive = Allowed {
            write: false,
            destructive: true,
        };
        let yes = Allowed::everything(true);
        // (level, flags, a terminal to ask at) → who answers
        let table = [
            (ReadOnly, none, true, Person),
            (ReadOnly, none, false, Nobody),
            (ReadOnly, write, false, Flags),
            (ReadOnly, destructive, false, Nobody),
            (ReadOnly, yes, false, Flags),
            (Write, none, true, Person),
            (Write, none, false, Nobody),
            (Write, write, false, Flags),
            (Write, destructive, true, Person),
            (Write, destructive, false, Nobody),
            (Write, yes, false, Flags),
            (Destructive, none, true, Person),
            (Destructive, none, false, Nobody),
            (Destructive, write, true, Person),
            (Destructive, write, false, Nobody),
            (Destructive, destructive, false, Flags),
            (Destructive, yes, true, Flags),
        ];
        for (level, allowed, can_ask, expected) in table {
            assert_eq!(
                answerer(level, allowed, can_ask),
                expected,
                "{level:?} {allowed:?} can_ask={can_ask}"
            );
        }
        assert_eq!(Allowed::everything(false), none);
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
