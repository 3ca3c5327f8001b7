//! glance as an MCP client: a `[mcp.NAME]` server started over stdio (as
//! plugins are: clean environment, own process group), initialized, its
//! tools listed and offered as `NAME__tool`. Each call waits at most the
//! server's timeout; a server that does not answer in time is stopped.
//! Ctrl-C during a call sends the server `notifications/cancelled` and a
//! `ping`; a server that does not answer the ping soon is stopped too.
//! A server that was stopped or has ended is started again at the next
//! call of one of its tools.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value as Json, json};

use super::run::{self, MAX_OUTPUT, Printed};
use crate::config::{McpServer, Plugin};
use crate::jsonrpc::{self, Message};
use crate::tool_rounds::Stopped;

/// How long a server may take, after a call is cancelled, to answer a
/// `ping` before it is stopped (at most its timeout).
const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// A running MCP server.
pub struct Client {
    pub server: McpServer,
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    next_id: u64,
    /// glance stopped it (a call timed out, or a cancelled one hung).
    stopped: bool,
    /// Its tools as glance offers them, named `NAME__tool`.
    pub tools: Vec<Plugin>,
}

impl Client {
    /// Starts `server`, initializes it and lists its tools.
    pub fn start(server: &McpServer) -> Result<Client, String> {
        let mut child = run::start(&server.command, Stdio::null()).map_err(|e| e.to_string())?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (send, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            server: server.clone(),
            child,
            stdin,
            lines,
            next_id: 0,
            stopped: false,
            tools: Vec::new(),
        };
        let hello = json!({
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "glance", "version": env!("CARGO_PKG_VERSION")},
        });
        client
            .ask("initialize", hello, &|| false)
            .unwrap_or_else(|Stopped| Err("stopped".into()))?;
        client.send(&jsonrpc::notification(
            "notifications/initialized",
            serde_json::json!({}),
        ))?;
        let listed = client
            .ask("tools/list", json!({}), &|| false)
            .unwrap_or_else(|Stopped| Err("stopped".into()))?;
        let tools = listed["tools"].as_array().cloned().unwrap_or_default();
        client.tools = tools
            .iter()
            .filter_map(|tool| {
                let name = tool["name"].as_str()?;
                Some(Plugin {
                    name: format!("{}__{name}", server.name),
                    command: server.command.clone(),
                    description: tool["description"].as_str().unwrap_or_default().to_string(),
                    parameters: tool
                        .get("inputSchema")
                        .cloned()
                        .unwrap_or_else(|| json!({"type": "object"})),
                    read_only: tool["annotations"]["readOnlyHint"] == json!(true),
                    timeout: server.timeout,
                    last_result: false,
                })
            })
            .collect();
        Ok(client)
    }

    /// Calls `tool` (offered as `NAME__tool`) with `arguments`, starting
    /// the server again first when it was stopped or has ended; `Err` when
    /// `stopped` (Ctrl-C) said to stop first.
    pub fn call(
        &mut self,
        tool: &str,
        arguments: &Json,
        stopped: &dyn Fn() -> bool,
    ) -> Result<Result<Printed, String>, Stopped> {
        if let Err(error) = self.restart_if_ended() {
            return Ok(Err(error));
        }
        let own = tool
            .strip_prefix(&format!("{}__", self.server.name))
            .unwrap_or(tool);
        let params = json!({"name": own, "arguments": arguments});
        Ok(match self.ask("tools/call", params, stopped)? {
            Ok(result) => Self::printed(&result),
            Err(error) => Err(error),
        })
    }

    /// Starts the server again when glance stopped it or it has ended; the
    /// old process group is stopped and reaped as the old client drops.
    fn restart_if_ended(&mut self) -> Result<(), String> {
        if !self.stopped && matches!(self.child.try_wait(), Ok(None)) {
            return Ok(());
        }
        *self = Client::start(&self.server)
            .map_err(|error| format!("the server had ended and did not start again: {error}"))?;
        Ok(())
    }

    /// A `tools/call` result as the tool's output, or its error text.
    fn printed(result: &Json) -> Result<Printed, String> {
        let text: Vec<&str> = result["content"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|block| block["text"].as_str())
            .collect();
        let text = text.join("\n");
        if result["isError"] == json!(true) {
            return Err(text);
        }
        let data = match result.get("structuredContent") {
            Some(data) => data.clone(),
            None => serde_json::from_str(&text).unwrap_or(Json::String(text)),
        };
        let written = data.to_string();
        if written.len() <= MAX_OUTPUT {
            return Ok(Printed {
                data,
                truncated: false,
            });
        }
        let mut end = MAX_OUTPUT;
        while !written.is_char_boundary(end) {
            end -= 1;
        }
        Ok(Printed {
            data: Json::String(written[..end].to_string()),
            truncated: true,
        })
    }

    fn send(&mut self, line: &str) -> Result<(), String> {
        writeln!(self.stdin, "{line}")
            .and_then(|()| self.stdin.flush())
            .map_err(|_| "the server has ended".to_string())
    }

    /// Sends a request and waits for its answer, at most the timeout;
    /// `Err` when `stopped` said to stop first (the request is cancelled,
    /// see [`Client::cancel`]).
    fn ask(
        &mut self,
        method: &str,
        params: Json,
        stopped: &dyn Fn() -> bool,
    ) -> Result<Result<Json, String>, Stopped> {
        self.next_id += 1;
        let id = json!(self.next_id);
        if let Err(error) = self.send(&jsonrpc::request(&id, method, params)) {
            return Ok(Err(error));
        }
        let deadline = Instant::now() + self.server.timeout;
        Ok(loop {
            if stopped() {
                self.cancel(&id);
                return Err(Stopped);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left.min(Duration::from_millis(10))) {
                Ok(line) => {
                    if let Ok(Message::Response {
                        id: answered,
                        result,
                    }) = jsonrpc::parse(&line)
                        && answered == id
                    {
                        break result.map_err(|error| {
                            let message = error["message"].as_str().unwrap_or_default();
                            format!("{method}: {message}")
                        });
                    }
                }
                Err(RecvTimeoutError::Timeout) if Instant::now() < deadline => {}
                Err(RecvTimeoutError::Timeout) => {
                    self.stop();
                    break Err(format!(
                        "{method}: no answer within {}s; the server was stopped (it starts again at the next call)",
                        self.server.timeout.as_secs_f64()
                    ));
                }
                Err(RecvTimeoutError::Disconnected) => {
                    break Err(format!("{method}: the server has ended"));
                }
            }
        })
    }

    /// Tells the server request `id` is cancelled, then pings it: a server
    /// that does not answer within [`CANCEL_GRACE`] is stopped with its
    /// process group.
    fn cancel(&mut self, id: &Json) {
        let cancelled = jsonrpc::notification(
            "notifications/cancelled",
            json!({"requestId": id, "reason": "the person pressed Ctrl-C"}),
        );
        if self.send(&cancelled).is_err() {
            return;
        }
        let grace = self.server.timeout;
        self.server.timeout = grace.min(CANCEL_GRACE);
        let answered = matches!(self.ask("ping", json!({}), &|| false), Ok(Ok(_)));
        self.server.timeout = grace;
        if !answered {
            self.stop();
        }
    }

    /// Stops the server with its process group, to be started again at
    /// the next call.
    fn stop(&mut self) {
        run::kill_group(&self.child);
        self.stopped = true;
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        run::kill_group(&self.child);
        let _ = self.child.wait();
    }
}
