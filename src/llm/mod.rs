//! LLM providers: one request type, one reply type, one [`Provider`] trait,
//! and the single sender every provider goes through.
//!
//! Each provider is a [`Wire`](client::Wire): a pure request builder
//! ([`HttpRequest`](http::HttpRequest) values, tested without a network), a
//! stream decoder and a model-list reader. A [`Client`](client::Client)
//! wraps a wire: `send` posts the request with `ureq`, reads the server-sent
//! events (or, for Ollama, NDJSON lines) as they arrive and retries rate
//! limits and server errors, but only before any text has been handed to the
//! caller.
//!
//! The parts, one job each: `conversation` (what is asked and answered),
//! `http` (the request a wire builds and its secrets), `transport` (timeouts,
//! retries and bounds), `client` (a wire plus cancellation), `framing`
//! (bytes to events to a reply), `send` (sending, retrying and mapping
//! failures), `error` (what can go wrong, in words for people). One module
//! per protocol: `openai` (also Azure, in `azure`, and compatible servers),
//! `anthropic`, `gemini`, `ollama`; `select` picks one.
//!
//! Invariant: answers always stream, and an API key never leaves this module
//! except in the one header that carries it (every `Debug`, preview and error
//! redacts it).

mod anthropic;
mod azure;
mod client;
mod conversation;
mod error;
mod framing;
mod gemini;
mod http;
mod ndjson;
mod ollama;
mod openai;
mod select;
mod send;
mod sse;
mod transport;

use std::sync::Arc;

use serde_json::Value;

pub use conversation::{Message, Reply, Request, Role, ToolCall, ToolResult, ToolSpec, Usage};
pub use error::Error;
pub use ollama::probe as probe_ollama;
pub use select::{Chosen, InEffect, canonical, in_effect, select};

/// How to configure a provider, for when none is.
pub const SETUP_HINT: &str = "set an API key to ask questions: export OPENAI_API_KEY=… (OpenAI), \
ANTHROPIC_API_KEY=… (Anthropic), GEMINI_API_KEY=… (Gemini) or AZURE_OPENAI_API_KEY=… with \
AZURE_OPENAI_ENDPOINT=… (Azure OpenAI), or start a local model with `ollama serve`; optionally \
choose with GLANCE_PROVIDER=openai|anthropic|gemini|azure|ollama and GLANCE_MODEL=<model id>, \
or per run with --provider and --model";

/// Environment variable naming the provider when `--provider` is absent.
pub const PROVIDER_VAR: &str = "GLANCE_PROVIDER";
/// Environment variable naming the model when `--model` is absent.
pub const MODEL_VAR: &str = "GLANCE_MODEL";

/// A configured model at one provider.
pub trait Provider: Send + Sync {
    /// `openai`, `anthropic`, `gemini`, `azure` or `ollama`.
    fn name(&self) -> &str;
    /// The model id sent with each request.
    fn model(&self) -> &str;
    /// Sends `request` and streams the answer: each text delta goes to
    /// `on_text` as it arrives; the whole reply is returned at the end.
    fn stream(&self, request: &Request, on_text: &mut dyn FnMut(&str)) -> Result<Reply, Error>;
    /// The exact HTTP request (method, URL, headers with secrets redacted,
    /// JSON body) that [`Provider::stream`] would send; `--show-prompt`
    /// shows its address.
    fn preview(&self, request: &Request) -> Value;
    /// The model ids the provider offers, as its API lists them.
    fn models(&self) -> Result<Vec<String>, Error>;
    /// A handle that abandons the answer [`Provider::stream`] is waiting
    /// for, from any thread: its connection is closed and `stream` returns
    /// [`Error::Cancelled`].
    fn canceller(&self) -> Arc<dyn crate::db::Canceller>;
}

/// Per-provider settings from the config file (`[providers.NAME]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct ProviderSettings {
    /// The variable that holds the API key, instead of the provider's usual one.
    pub api_key_env: Option<String>,
    /// The API's address; the provider's `*_BASE_URL` variable wins over it.
    pub base_url: Option<String>,
    /// The model used when no other setting names one.
    pub model: Option<String>,
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader, Read, Write};
    use std::net::TcpListener;
    use std::thread::JoinHandle;
    use std::time::{Duration, Instant};

    use super::error::Callee;
    use super::framing::{Decoder, decode};
    use super::transport::Transport;
    use super::*;

    /// A transport that retries at once and gives up on silence in 5 s.
    pub(super) fn quick() -> Transport {
        Transport {
            backoff: Duration::from_millis(1),
            idle_timeout: Duration::from_secs(5),
            ..Transport::default()
        }
    }

    /// A one-question request, as the protocol tests send it.
    pub(super) fn one_question(max_tokens: u32) -> Request {
        Request {
            system: "You write PostgreSQL.".into(),
            messages: vec![Message::user("How many films?")],
            max_tokens,
            tools: Vec::new(),
            calls_closed: false,
        }
    }

    /// A request offering one tool, after the model called it once and
    /// got its result.
    pub(super) fn tool_round() -> Request {
        let mut request = one_question(2048);
        request.tools = vec![ToolSpec {
            name: "describe_table".into(),
            description: "Columns of a table".into(),
            parameters: serde_json::json!({
                "type": "object",
                "properties": {"table": {"type": "string"}},
                "required": ["table"],
            }),
        }];
        let mut called = Message::assistant("");
        called.tool_calls = vec![ToolCall {
            id: "call_1".into(),
            name: "describe_table".into(),
            arguments: serde_json::json!({"table": "film"}),
            signature: None,
        }];
        let mut answered = Message::user("");
        answered.tool_results = vec![ToolResult {
            call_id: "call_1".into(),
            name: "describe_table".into(),
            content: "film(id int)".into(),
        }];
        request.messages.extend([called, answered]);
        request
    }

    /// A follow-up request carrying an earlier turn.
    pub(super) fn conversation() -> Request {
        let mut request = one_question(2048);
        request.messages.extend([
            Message::assistant("SELECT count(*) FROM film;"),
            Message::user("And actors?"),
        ]);
        request
    }

    /// A server on 127.0.0.1 answering one connection per raw response, in
    /// order. A response containing `<stall>` sends what precedes it and then
    /// stays silent for a second. The handle yields every request received
    /// (head and body as text).
    pub(super) fn serve(responses: Vec<String>) -> (String, JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let handle = std::thread::spawn(move || {
            let mut seen = Vec::new();
            for response in responses {
                let Ok((stream, _)) = listener.accept() else {
                    break;
                };
                let mut reader = BufReader::new(stream);
                seen.push(read_request(&mut reader));
                let mut stream = reader.into_inner();
                match response.split_once("<stall>") {
                    Some((before, _)) => {
                        let _ = stream.write_all(before.as_bytes());
                        let _ = stream.flush();
                        std::thread::sleep(Duration::from_secs(1));
                    }
                    None => {
                        let _ = stream.write_all(response.as_bytes());
                    }
                }
            }
            seen
        });
        (base, handle)
    }

    fn read_request(reader: &mut impl BufRead) -> String {
        let mut head = String::new();
        let mut length = 0;
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
            head.push_str(&line);
        }
        let mut body = vec![0; length];
        let _ = reader.read_exact(&mut body);
        head + "\r\n" + &String::from_utf8_lossy(&body)
    }

    /// Decodes a whole recorded stream, delivered a few bytes per read;
    /// returns the reply and the deltas passed on.
    pub(super) fn collect<D: Decoder>(stream: &str) -> Result<(Reply, Vec<String>), Error> {
        struct Drip<'a>(&'a [u8]);
        impl Read for Drip<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let n = self.0.len().min(buf.len()).min(7);
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let callee = Callee {
            provider: "test",
            model: "m".into(),
            key_var: "KEY".into(),
            base_var: "BASE",
        };
        let mut deltas = Vec::new();
        let reply = decode::<D>(
            &callee,
            &Transport::default(),
            "http://test",
            Drip(stream.as_bytes()),
            Instant::now(),
            &mut |text| deltas.push(text.to_string()),
        )?;
        Ok((reply, deltas))
    }

    pub(super) fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    /// A request with nothing in it, for tests of the transport.
    pub(super) fn empty_request() -> Request {
        Request {
            system: String::new(),
            messages: Vec::new(),
            max_tokens: 10,
            tools: Vec::new(),
            calls_closed: false,
        }
    }

    #[test]
    fn the_setup_hint_names_every_variable() {
        for name in [
            "OPENAI_API_KEY",
            "ANTHROPIC_API_KEY",
            "GEMINI_API_KEY",
            "AZURE_OPENAI_API_KEY",
            "AZURE_OPENAI_ENDPOINT",
            "ollama serve",
            PROVIDER_VAR,
            MODEL_VAR,
            "--provider",
            "--model",
        ] {
            assert!(SETUP_HINT.contains(name), "{name}");
        }
    }
}
