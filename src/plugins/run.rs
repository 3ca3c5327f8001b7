//! Running one plugin: its program started in a process group of its own
//! with a clean environment, the call as JSON on stdin, its stdout the
//! result, killed with its group at the timeout.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::config::Plugin;

/// The most of a plugin's stdout kept as its result, in bytes.
pub const MAX_OUTPUT: usize = 16 * 1024;
/// The most of its stderr kept for an error, in bytes.
const MAX_STDERR: usize = 2 * 1024;
/// The variables a plugin gets from glance's environment; nothing else.
pub const PASSED_VARIABLES: [&str; 7] = ["PATH", "HOME", "USER", "LANG", "LC_ALL", "TZ", "TMPDIR"];

/// What a plugin printed.
#[derive(Debug, PartialEq)]
pub struct Printed {
    /// Its stdout as JSON, or as a JSON string when it is not JSON.
    pub data: Json,
    /// Bytes past [`MAX_OUTPUT`] were left out.
    pub truncated: bool,
}

/// Why a plugin gave no result.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error("cannot start {command}: {error}")]
    Start {
        command: String,
        error: std::io::Error,
    },
    #[error("{status}{}", stderr_part(.stderr))]
    Failed { status: String, stderr: String },
    #[error("did not finish within {}s and was stopped", .0.as_secs_f64())]
    TimedOut(Duration),
    #[error("stopped by Ctrl-C")]
    Interrupted,
}

fn stderr_part(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!(": {}", stderr.trim())
    }
}

/// Runs `plugin` with `input` on its stdin; `stopped` says whether
/// Ctrl-C was pressed meanwhile, which stops it.
pub fn run(plugin: &Plugin, input: &Json, stopped: &dyn Fn() -> bool) -> Result<Printed, Failure> {
    let mut child = start(&plugin.command, Stdio::piped())?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let text = input.to_string();
    // A plugin that does not read its input must not block the call.
    let writer = thread::spawn(move || {
        let _ = stdin.write_all(text.as_bytes());
    });
    let stdout = capped(child.stdout.take().expect("stdout is piped"), MAX_OUTPUT);
    let stderr = capped(child.stderr.take().expect("stderr is piped"), MAX_STDERR);
    let deadline = Instant::now() + plugin.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ok(status),
            Ok(None) if stopped() => break Err(Failure::Interrupted),
            Ok(None) if Instant::now() >= deadline => break Err(Failure::TimedOut(plugin.timeout)),
            Ok(None) => thread::sleep(Duration::from_millis(10)),
            Err(_) => break Err(Failure::TimedOut(plugin.timeout)),
        }
    };
    // The whole group goes, so nothing the plugin started outlives it.
    kill_group(&child);
    let status = match status {
        Ok(status) => status,
        Err(failure) => {
            let _ = child.wait();
            return Err(failure);
        }
    };
    let _ = writer.join();
    let (out, truncated) = stdout.join().unwrap_or_default();
    let (err, _) = stderr.join().unwrap_or_default();
    if !status.success() {
        return Err(Failure::Failed {
            status: match status.code() {
                Some(code) => format!("exited with status {code}"),
                None => "was killed by a signal".to_string(),
            },
            stderr: String::from_utf8_lossy(&err).into_owned(),
        });
    }
    let text = String::from_utf8_lossy(&out);
    let data = serde_json::from_str(text.trim())
        .unwrap_or_else(|_| Json::String(text.trim_end().to_string()));
    Ok(Printed { data, truncated })
}

/// Starts `command` (program and arguments) in a process group of its own,
/// with only [`PASSED_VARIABLES`] and piped stdin and stdout.
pub(super) fn start(command: &[String], stderr: Stdio) -> Result<Child, Failure> {
    Command::new(&command[0])
        .args(&command[1..])
        .env_clear()
        .envs(
            PASSED_VARIABLES
                .iter()
                .filter_map(|name| Some((name, std::env::var_os(name)?))),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(stderr)
        .process_group(0)
        .spawn()
        .map_err(|error| Failure::Start {
            command: command[0].clone(),
            error,
        })
}

/// Kills `child`'s process group: the child and whatever it started.
pub(super) fn kill_group(child: &Child) {
    if let Some(group) = i32::try_from(child.id())
        .ok()
        .and_then(rustix::process::Pid::from_raw)
    {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
}

/// Reads `stream` to its end on a thread, keeping the first `most` bytes;
/// whether more came.
fn capped(stream: impl Read + Send + 'static, most: usize) -> thread::JoinHandle<(Vec<u8>, bool)> {
    thread::spawn(move || {
        let mut kept = Vec::new();
        let mut stream = stream;
        let _ = stream.by_ref().take(most as u64).read_to_end(&mut kept);
        let more = std::io::copy(&mut stream, &mut std::io::sink()).unwrap_or(0) > 0;
        (kept, more)
    })
}
