//! The glance binary: parses the command line, runs it in the library on a
//! thread with a large stack, and turns the outcome into an exit code (see
//! `cli::EXIT_CODES`). Everything else lives in the library (`lib.rs`).

use glance::Failure;

/// Stack for the thread glance runs on. Parsing, classifying and dropping a
/// statement recurse once per nested expression, and a pasted 1 MB
/// statement (`1+1+…`) nests hundreds of thousands deep; the space is only
/// reserved, not used, until such a statement comes.
const STACK_BYTES: usize = 1 << 30;

#[allow(clippy::print_stderr)] // the binary is a front end: it prints the final error
fn main() {
    let cli = glance::parse_args();
    // With a file size limit (`ulimit -f`) a write past it fails with EFBIG
    // instead of killing glance, so an export removes its temporary file and
    // says why. Without the handler glance still runs; only that case dies.
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    quiet_when_stdout_closes();
    let worker = std::thread::Builder::new()
        .name("glance".into())
        .stack_size(STACK_BYTES)
        .spawn(move || glance::run(&cli));
    let outcome = match worker {
        Ok(handle) => handle.join().unwrap_or_else(|panic| {
            if is_closed_stdout(panic.as_ref()) {
                Err(Failure::OutputClosed)
            } else {
                std::panic::resume_unwind(panic)
            }
        }),
        Err(error) => Err(Failure::Runtime {
            message: format!("could not start: {error}"),
            hint: None,
        }),
    };
    let code = match outcome {
        Ok(()) => 0,
        Err(failure) => {
            eprint!("{}", glance::failure_text(&failure));
            failure.code()
        }
    };
    std::process::exit(code);
}

/// `println!` panics when stdout is a pipe whose reader has gone
/// (`glance … | head`); that is the end of the output, not a crash, so the
/// panic passes without a message and `main` exits 0.
fn quiet_when_stdout_closes() {
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !is_closed_stdout(info.payload()) {
            report(info);
        }
    }));
}

/// Whether a panic is `println!` failing on a closed stdout.
fn is_closed_stdout(payload: &(dyn std::any::Any + Send)) -> bool {
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or_default();
    message.starts_with("failed printing to stdout") && message.contains("Broken pipe")
}
