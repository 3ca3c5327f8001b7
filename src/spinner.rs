//! Signs of life on stderr while glance waits: one line such as
//! `⠹ asking gpt-5-mini… 3 s`, redrawn by its own thread, then erased.
//!
//! Invariants: nothing is drawn unless the caller says stderr is a terminal;
//! the thread writes only while holding the lock that [`Spinner::stop`]
//! takes, and `stop` joins it and erases the line before returning, so once
//! `stop` (or drop) has returned the spinner never writes again and leaves
//! no residue: text printed after it starts on a clean line.

use std::io::{self, Write};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use unicode_width::UnicodeWidthChar;

use crate::escape;

const FRAMES: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const TICK: Duration = Duration::from_millis(100);
/// Moves to the start of the line and erases it.
const ERASE: &str = "\r\x1b[2K";

/// A running spinner; erased when stopped or dropped.
pub struct Spinner {
    running: Option<Running>,
}

struct Running {
    shared: Arc<Shared>,
    thread: JoinHandle<()>,
}

struct Shared {
    /// Whether to stop, and whether a frame is on screen.
    state: Mutex<State>,
    wake: Condvar,
}

#[derive(Default)]
struct State {
    stop: bool,
    drawn: bool,
}

impl Spinner {
    /// A spinner that draws nothing.
    pub fn off() -> Spinner {
        Spinner { running: None }
    }

    /// Shows `label` at once when `show` (stderr is a terminal), with the
    /// seconds since now.
    pub fn start(label: &str, show: bool) -> Spinner {
        Spinner::start_after(label, show, Duration::ZERO)
    }

    /// As [`Spinner::start`], but draws only once `delay` has passed, so
    /// work that is usually quick does not flash a line.
    pub fn start_after(label: &str, show: bool, delay: Duration) -> Spinner {
        if !show {
            return Spinner::off();
        }
        let label = escape::visible(label).into_owned();
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
        });
        let started = Instant::now();
        if delay.is_zero() {
            // The first frame is drawn before the caller goes on, so it is
            // on screen before anything it waits for can arrive.
            let mut state = shared.lock();
            draw(&mut state, &label, 0, Duration::ZERO);
        }
        let thread = {
            let shared = Arc::clone(&shared);
            thread::spawn(move || spin(&shared, &label, started, delay))
        };
        Spinner {
            running: Some(Running { shared, thread }),
        }
    }

    /// Stops the thread and erases the line; does nothing the second time.
    pub fn stop(&mut self) {
        let Some(running) = self.running.take() else {
            return;
        };
        running.shared.lock().stop = true;
        running.shared.wake.notify_all();
        let _ = running.thread.join();
        let state = running.shared.lock();
        if state.drawn {
            let mut err = io::stderr().lock();
            let _ = err.write_all(ERASE.as_bytes());
            let _ = err.flush();
        }
    }
}

impl Drop for Spinner {
    fn drop(&mut self) {
        self.stop();
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The thread: redraws every tick until told to stop.
fn spin(shared: &Shared, label: &str, started: Instant, delay: Duration) {
    let mut frame = 0;
    let mut state = shared.lock();
    loop {
        let elapsed = started.elapsed();
        let next = if elapsed < delay {
            delay - elapsed
        } else {
            TICK
        };
        let (next_state, _) = shared
            .wake
            .wait_timeout_while(state, next, |state| !state.stop)
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        state = next_state;
        if state.stop {
            return;
        }
        frame += 1;
        draw(&mut state, label, frame, started.elapsed());
    }
}

/// Draws one frame over the previous one.
fn draw(state: &mut State, label: &str, frame: usize, elapsed: Duration) {
    let width = crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
    let line = frame_text(label, frame, elapsed, width);
    let mut err = io::stderr().lock();
    let _ = write!(err, "{ERASE}{line}");
    let _ = err.flush();
    state.drawn = true;
}

/// `⠹ asking gpt-5-mini… 3 s`, cut to fit in `width` columns without
/// wrapping (a wrapped line could not be erased).
fn frame_text(label: &str, frame: usize, elapsed: Duration, width: usize) -> String {
    let full = format!(
        "{} {label} {} s",
        FRAMES[frame % FRAMES.len()],
        elapsed.as_secs()
    );
    let mut used = 0;
    full.chars()
        .take_while(|c| {
            used += c.width().unwrap_or(0);
            used < width
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_names_the_wait_and_the_whole_seconds() {
        assert_eq!(
            frame_text("asking gpt-5-mini…", 2, Duration::from_millis(3400), 80),
            "⠹ asking gpt-5-mini… 3 s"
        );
        assert_eq!(
            frame_text("asking gpt-5-mini…", 11, Duration::ZERO, 80),
            "⠙ asking gpt-5-mini… 0 s"
        );
    }

    #[test]
    fn a_frame_never_fills_the_line() {
        assert_eq!(frame_text("asking m…", 0, Duration::ZERO, 9), "⠋ asking");
        assert_eq!(frame_text("asking m…", 0, Duration::ZERO, 0), "");
    }

    #[test]
    fn a_spinner_that_is_off_never_runs() {
        let mut spinner = Spinner::start("asking m…", false);
        assert!(spinner.running.is_none());
        spinner.stop();
    }
}
