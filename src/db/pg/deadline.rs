//! The statement timeout over a whole result. The server's
//! `statement_timeout` starts again with every portal fetch, so a result
//! streamed in many fetches could run far past it, holding its transaction;
//! a [`Watchdog`] thread cancels the statement on the server once the time
//! from the first Execute to the last row passes the limit.
//!
//! Invariant: only time a person spends reading a page (paused out through
//! [`Budget::paused`]) does not count; fetching, decoding and writing rows
//! all do. The watchdog thread ends when the [`Watchdog`] is dropped,
//! whatever happened.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::db::{Error, ServerError};

/// The shortest wait between two looks at the clock.
const TICK: Duration = Duration::from_millis(5);

/// How much time a statement has used and may use.
pub struct Budget {
    limit: Duration,
    started: Instant,
    /// Paused time that has ended, in nanoseconds.
    paused: AtomicU64,
    /// When the pause under way began.
    pause_began: Mutex<Option<Instant>>,
    fired: AtomicBool,
}

impl Budget {
    fn new(limit: Duration) -> Budget {
        Budget {
            limit,
            started: Instant::now(),
            paused: AtomicU64::new(0),
            pause_began: Mutex::new(None),
            fired: AtomicBool::new(false),
        }
    }

    /// Runs `f` (a page waiting for a person) with the clock stopped.
    pub fn paused<T>(&self, f: impl FnOnce() -> T) -> T {
        let began = Instant::now();
        self.set_pause(Some(began));
        let out = f();
        let nanos = u64::try_from(began.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.paused.fetch_add(nanos, Ordering::SeqCst);
        self.set_pause(None);
        out
    }

    fn set_pause(&self, began: Option<Instant>) {
        if let Ok(mut slot) = self.pause_began.lock() {
            *slot = began;
        }
    }

    /// Time left before the limit, as of `now`; `None` while paused.
    fn left(&self, now: Instant) -> Option<Duration> {
        if self
            .pause_began
            .lock()
            .map(|p| p.is_some())
            .unwrap_or(false)
        {
            return None;
        }
        let paused = Duration::from_nanos(self.paused.load(Ordering::SeqCst));
        let used = now.duration_since(self.started).saturating_sub(paused);
        Some(self.limit.saturating_sub(used))
    }

    /// Whether the watchdog cancelled the statement.
    pub fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }

    /// Whether the time is up, checked before each fetch: a cancel that
    /// reaches the server between two fetches finds nothing running and is
    /// lost, so the next fetch must not be asked for.
    pub fn spent(&self) -> bool {
        if self.left(Instant::now()) == Some(Duration::ZERO) {
            self.fired.store(true, Ordering::SeqCst);
        }
        self.fired()
    }

    /// The error for a statement the watchdog cancelled.
    pub fn error(&self) -> Error {
        timed_out(self.limit)
    }
}

/// A thread that calls `cancel` once the [`Budget`] runs out.
pub struct Watchdog {
    budget: Arc<Budget>,
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Watchdog {
    /// Starts watching a statement allowed `limit` of time;
    /// `None` when the limit is zero (no timeout).
    pub fn start(limit: Duration, cancel: impl FnOnce() + Send + 'static) -> Option<Watchdog> {
        if limit.is_zero() {
            return None;
        }
        let budget = Arc::new(Budget::new(limit));
        let (stop, stopped) = mpsc::channel::<()>();
        let watched = Arc::clone(&budget);
        let thread = std::thread::Builder::new()
            .name("glance-timeout".into())
            .spawn(move || {
                loop {
                    let wait = match watched.left(Instant::now()) {
                        Some(left) if left.is_zero() => {
                            watched.fired.store(true, Ordering::SeqCst);
                            cancel();
                            return;
                        }
                        Some(left) => left.max(TICK),
                        None => TICK * 10,
                    };
                    match stopped.recv_timeout(wait) {
                        Err(RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            })
            .ok()?;
        Some(Watchdog {
            budget,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// The budget, to pause it while glance works with rows.
    pub fn budget(&self) -> Arc<Budget> {
        Arc::clone(&self.budget)
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// "the statement timeout of 30 s was reached", with how to raise it.
pub fn timed_out(limit: Duration) -> Error {
    Error::from(ServerError {
        severity: Some("ERROR".into()),
        sqlstate: Some("57014".into()),
        message: format!(
            "canceling statement: the statement timeout of {} was reached (it counts from \
             the start of the statement to its last row, over every fetch)",
            seconds(limit)
        ),
        hint: Some(
            "raise it with --statement-timeout (e.g. --statement-timeout 5m) or statement_timeout \
             in the config file; 0 turns it off"
                .into(),
        ),
        ..ServerError::default()
    })
}

/// `30 s`, `1.5 s`, `500 ms`.
fn seconds(limit: Duration) -> String {
    if limit < Duration::from_secs(1) {
        format!("{} ms", limit.as_millis())
    } else if limit.subsec_millis() == 0 {
        format!("{} s", limit.as_secs())
    } else {
        format!("{:.1} s", limit.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_watchdog_cancels_once_the_budget_is_spent() {
        let (tx, rx) = mpsc::channel();
        let dog = Watchdog::start(Duration::from_millis(50), move || {
            let _ = tx.send(());
        })
        .expect("a watchdog");
        rx.recv_timeout(Duration::from_secs(60))
            .expect("the watchdog cancels");
        assert!(dog.budget().fired());
        assert!(
            dog.budget()
                .error()
                .to_string()
                .contains("timeout of 50 ms")
        );
    }

    #[test]
    fn time_spent_paused_does_not_count() {
        let budget = Budget::new(Duration::from_secs(10));
        budget.paused(|| {
            assert_eq!(budget.left(Instant::now()), None);
            std::thread::sleep(Duration::from_millis(30));
        });
        let paused = Duration::from_nanos(budget.paused.load(Ordering::SeqCst));
        assert!(paused >= Duration::from_millis(30));
        let at = budget.started + Duration::from_secs(4) + paused;
        assert_eq!(budget.left(at), Some(Duration::from_secs(6)));
        assert_eq!(
            budget.left(at + Duration::from_secs(7)),
            Some(Duration::ZERO)
        );
        assert!(!budget.spent());
        let spent = Budget::new(Duration::from_nanos(1));
        std::thread::sleep(Duration::from_millis(1));
        assert!(spent.spent() && spent.fired());
    }

    #[test]
    fn no_limit_no_watchdog_and_a_dropped_watchdog_never_cancels() {
        assert!(Watchdog::start(Duration::ZERO, || {}).is_none());
        let (tx, rx) = mpsc::channel::<()>();
        let dog = Watchdog::start(Duration::from_secs(3600), move || {
            let _ = tx.send(());
        });
        drop(dog);
        assert!(rx.recv_timeout(Duration::from_millis(10)).is_err());
    }

    #[test]
    fn limits_read_in_seconds() {
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(seconds(Duration::from_millis(200)), "200 ms");
    }
}
