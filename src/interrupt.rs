//! Ctrl-C: cancels the running statement on the server instead of killing
//! glance. A second Ctrl-C while nothing consumed the first ends the process
//! (exit status 130), so glance can always be stopped.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::db::Canceller;

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
        let done = AtomicBool::new(false);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while !done.load(Ordering::SeqCst) {
                    if self.flag.swap(false, Ordering::SeqCst) {
                        canceller.cancel();
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            });
            let result = work();
            done.store(true, Ordering::SeqCst);
            result
        })
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
