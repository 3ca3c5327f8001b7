//! Ctrl-C: cancels the running statement on the server instead of killing
//! glance. A second Ctrl-C while nothing consumed the first ends the process
//! (exit status 130), so glance can always be stopped. SIGTERM and SIGHUP,
//! for a front end that watches them ([`on_termination`]), stop it the
//! way it chooses; a second one ends the process at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::db::Canceller;

/// Watches SIGTERM and SIGHUP from now on: the first calls `stop` with the
/// signal's name (on a thread of its own, so `stop` must not block); a
/// second ends the process at once with status 128 + the signal, so a
/// stop that hangs can still be ended.
pub fn on_termination(stop: impl Fn(&'static str) + Send + 'static) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        let mut stopping = false;
        for signal in signals.forever() {
            if stopping {
                std::process::exit(128 + signal);
            }
            stopping = true;
            stop(if signal == SIGTERM {
                "SIGTERM"
            } else {
                "SIGHUP"
            });
        }
    });
    Ok(())
}

/// The process's SIGINT flag.
#[derive(Clone)]
pub struct Interrupts {
    flag: Arc<AtomicBool>,
}

impl Interrupts {
    /// Replaces the default SIGINT action (termination) with a flag.
    pub fn install() -> std::io::Result<Interrupts> {
        let flag = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register_conditional_shutdown(
            signal_hook::consts::SIGINT,
            130,
            flag.clone(),
        )?;
        signal_hook::flag::register(signal_hook::consts::SIGINT, flag.clone())?;
        Ok(Interrupts { flag })
    }

    /// Runs `work`, cancelling it through `canceller` when Ctrl-C is pressed.
    pub fn cancellable<T>(&self, canceller: Arc<dyn Canceller>, work: impl FnOnce() -> T) -> T {
        self.flag.store(false, Ordering::SeqCst);
        // The watcher polls the flag every 10 ms and ends as soon as the
        // work does: dropping `done` wakes it at once, so a quick statement
        // does not wait out the rest of a poll.
        let (done, finished) = mpsc::channel::<()>();
        std::thread::scope(|scope| {
            scope.spawn(move || {
                loop {
                    if self.flag.swap(false, Ordering::SeqCst) {
                        canceller.cancel();
                    }
                    match finished.recv_timeout(Duration::from_millis(10)) {
                        Err(RecvTimeoutError::Timeout) => {}
                        Ok(()) | Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
            });
            let result = work();
            drop(done);
            result
        })
    }

    /// Acts as a Ctrl-C would, for a front end told to stop some other way
    /// (an MCP client that closed its end): the running statement is
    /// cancelled.
    pub fn raise(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    /// Forgets a Ctrl-C pressed earlier; true when there was one.
    pub fn take(&self) -> bool {
        self.flag.swap(false, Ordering::SeqCst)
    }

    /// Waits for `duration`, or until Ctrl-C (which it consumes, so a
    /// second press does not end the process); true when Ctrl-C ended it.
    pub fn sleep(&self, duration: Duration) -> bool {
        let end = Instant::now() + duration;
        loop {
            if self.take() {
                return true;
            }
            let now = Instant::now();
            if now >= end {
                return false;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(20)));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Counting(AtomicBool);

    impl Canceller for Counting {
        fn cancel(&self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }

    fn interrupts() -> Interrupts {
        Interrupts {
            flag: Arc::new(AtomicBool::new(false)),
        }
    }

    #[test]
    fn cancellable_returns_what_the_work_returns() {
        let canceller = Arc::new(Counting(AtomicBool::new(false)));
        let answer = interrupts().cancellable(canceller.clone(), || 42);
        assert_eq!(answer, 42);
        assert!(!canceller.0.load(Ordering::SeqCst));
    }

    #[test]
    fn ctrl_c_during_the_work_cancels_it() {
        let interrupts = interrupts();
        let canceller = Arc::new(Counting(AtomicBool::new(false)));
        let watched = canceller.clone();
        interrupts.cancellable(canceller.clone(), || {
            // As the signal handler would.
            interrupts.flag.store(true, Ordering::SeqCst);
            while !watched.0.load(Ordering::SeqCst) {
                std::thread::yield_now();
            }
        });
        assert!(canceller.0.load(Ordering::SeqCst));
        assert!(!interrupts.take(), "the watcher consumed the Ctrl-C");
    }

    #[test]
    fn a_panicking_work_does_not_leave_the_watcher_running() {
        let interrupts = interrupts();
        let canceller = Arc::new(Counting(AtomicBool::new(false)));
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            interrupts.cancellable(canceller, || panic!("the work failed"))
        }));
        assert!(outcome.is_err());
    }
}
