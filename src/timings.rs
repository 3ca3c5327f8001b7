//! Where one run of glance spends its time, phase by phase: start-up,
//! connect, introspection, context build, the LLM, the database, rendering,
//! and the rest (history, clean-up). `--timings` prints the split on
//! stderr; `ask --format json` writes it under `timings`.
//!
//! glance's own time per question is everything but waiting for a server:
//! the total less connecting, introspection (both once per session in the
//! REPL), the LLM and the database.
//!
//! A process-wide ledger: each phase adds its time where it happens, so the
//! measurement needs no plumbing through the layers it measures. Nothing
//! decides anything from it; it only reports.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A phase of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// From the start of `main` until connecting begins: arguments, config.
    Startup,
    Connect,
    Introspect,
    /// Choosing the schema context and writing the prompt.
    Context,
    Llm,
    /// Waiting for the database while a statement runs.
    Db,
    /// Decoding and drawing rows, and the rest of running a statement.
    Render,
}

const PHASES: [(Phase, &str, &str); 7] = [
    (Phase::Startup, "start-up", "startup_ms"),
    (Phase::Connect, "connect", "connect_ms"),
    (Phase::Introspect, "introspection", "introspect_ms"),
    (Phase::Context, "context", "context_ms"),
    (Phase::Llm, "LLM", "llm_ms"),
    (Phase::Db, "database", "db_ms"),
    (Phase::Render, "render", "render_ms"),
];

struct Ledger {
    started: Option<Instant>,
    spent: [Duration; PHASES.len()],
}

static LEDGER: Mutex<Ledger> = Mutex::new(Ledger {
    started: None,
    spent: [Duration::ZERO; PHASES.len()],
});

fn index(phase: Phase) -> usize {
    PHASES
        .iter()
        .position(|(p, _, _)| *p == phase)
        .unwrap_or_default()
}

fn with<T>(f: impl FnOnce(&mut Ledger) -> T) -> T {
    let mut ledger = LEDGER.lock().unwrap_or_else(|e| e.into_inner());
    f(&mut ledger)
}

/// Marks the start of the process; call first thing in `main`.
pub fn start() {
    with(|l| l.started = Some(Instant::now()));
}

/// Adds `spent` to `phase`.
pub fn add(phase: Phase, spent: Duration) {
    with(|l| l.spent[index(phase)] += spent);
}

/// Runs `f`, adding the time it took to `phase`.
pub fn time<T>(phase: Phase, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    add(phase, started.elapsed());
    out
}

/// Ends start-up: the time since [`start`] not yet given to another phase
/// becomes start-up time. Only the first call counts.
pub fn end_startup() {
    with(|l| {
        let startup = index(Phase::Startup);
        if let Some(started) = l.started
            && l.spent[startup].is_zero()
        {
            let others: Duration = l.spent.iter().sum();
            l.spent[startup] = started.elapsed().saturating_sub(others);
        }
    });
}

/// The split so far: every phase by its display name and JSON key, then
/// glance's own time (everything but the LLM and the database).
pub fn split() -> Split {
    with(|l| {
        let phases = PHASES
            .iter()
            .zip(l.spent)
            .map(|(&(phase, name, key), spent)| (phase, name, key, spent))
            .collect::<Vec<_>>();
        let waiting: Duration = phases
            .iter()
            .filter(|(p, ..)| is_waiting(*p))
            .map(|(.., spent)| *spent)
            .sum();
        let total = l.started.map_or(Duration::ZERO, |s| s.elapsed());
        Split {
            other: total.saturating_sub(l.spent.iter().sum()),
            phases,
            own: total.saturating_sub(waiting),
            total,
        }
    })
}

/// Phases spent waiting for a server rather than working.
fn is_waiting(phase: Phase) -> bool {
    matches!(
        phase,
        Phase::Connect | Phase::Introspect | Phase::Llm | Phase::Db
    )
}

/// A snapshot of the ledger.
pub struct Split {
    phases: Vec<(Phase, &'static str, &'static str, Duration)>,
    /// Time in no phase: history, clean-up.
    other: Duration,
    /// Everything but waiting for a server, since the process started.
    own: Duration,
    total: Duration,
}

impl Split {
    /// `timings` entries for JSON in milliseconds, except `llm_ms` and
    /// `db_ms`, which the caller writes from its own measurements.
    pub fn json_entries(&self) -> Vec<(String, f64)> {
        let mut entries: Vec<(String, f64)> = self
            .phases
            .iter()
            .filter(|(p, ..)| !matches!(p, Phase::Llm | Phase::Db))
            .map(|(_, _, key, spent)| (key.to_string(), ms(*spent)))
            .collect();
        entries.push(("other_ms".into(), ms(self.other)));
        entries.push(("glance_ms".into(), ms(self.own)));
        entries
    }

    /// One line for stderr: `timings: start-up 1.2 ms, connect 3.0 ms, …,
    /// other 0.4 ms; glance's own 6.1 ms of 40.2 ms`.
    pub fn line(&self) -> String {
        let parts: Vec<String> = self
            .phases
            .iter()
            .map(|(_, name, _, spent)| (*name, *spent))
            .chain([("other", self.other)])
            .map(|(name, spent)| format!("{name} {:.1} ms", ms(spent)))
            .collect();
        format!(
            "timings: {}; glance's own {:.1} ms of {:.1} ms",
            parts.join(", "),
            ms(self.own),
            ms(self.total)
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_names_every_phase() {
        let split = Split {
            phases: PHASES
                .iter()
                .map(|&(p, n, k)| (p, n, k, Duration::from_millis(2)))
                .collect(),
            other: Duration::from_millis(1),
            own: Duration::from_millis(7),
            total: Duration::from_millis(15),
        };
        let keys: Vec<String> = split.json_entries().into_iter().map(|(k, _)| k).collect();
        assert_eq!(
            keys,
            [
                "startup_ms",
                "connect_ms",
                "introspect_ms",
                "context_ms",
                "render_ms",
                "other_ms",
                "glance_ms"
            ]
        );
        assert_eq!(
            split.line(),
            "timings: start-up 2.0 ms, connect 2.0 ms, introspection 2.0 ms, context 2.0 ms, \
             LLM 2.0 ms, database 2.0 ms, render 2.0 ms, other 1.0 ms; glance's own 7.0 ms of 15.0 ms"
        );
    }
}
