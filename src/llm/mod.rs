//! LLM providers: one request type, one reply type, one [`Provider`] trait,
//! and the single sender every provider goes through.
//!
//! Each provider is a [`Wire`]: a pure request builder ([`HttpRequest`]
//! values, tested without a network), a stream decoder and a model-list
//! reader. A [`Client`] wraps a wire: [`send`] posts the request with `ureq`,
//! reads the server-sent events (or, for Ollama, NDJSON lines) as they
//! arrive and retries rate limits and server errors, but only before any
//! text has been handed to the caller. One module per protocol: `openai`
//! (also Azure, in `azure`, and compatible servers), `anthropic`, `gemini`,
//! `ollama`; `select` picks one.
//! Invariant: answers always stream, and an API key never leaves this module
//! except in the one header that carries it (every `Debug`, preview and error
//! redacts it).

mod anthropic;
mod azure;
mod error;
mod gemini;
mod ndjson;
mod ollama;
mod openai;
mod select;
mod sse;

use std::fmt;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub use error::Error;
pub use ollama::probe as probe_ollama;
pub use select::{Chosen, InEffect, canonical, in_effect, select};

use error::{Context, ErrorBody};

/// How to configure a provider, for when none is.
pub const SETUP_HINT: &str = "set an API key to ask questions: export OPENAI_API_KEY=… (OpenAI), \
ANTHROPIC_API_KEY=… (Anthropic), GEMINI_API_KEY=… (Gemini) or AZURE_OPENAI_API_KEY=… with \
AZURE_OPENAI_ENDPOINT=… (Azure OpenAI), or start a local model with `ollama serve`; optionally \
choose with GLANCE_PROVIDER=openai|anthropic|gemini|azure|ollama and GLANCE_MODEL=<model id>, \
or per run with --provider and --model";

/// Environment variable overriding both the connect and the idle timeout, in
/// milliseconds (an operations and test knob).
pub const TIMEOUT_VAR: &str = "GLANCE_LLM_TIMEOUT_MS";
/// Environment variable overriding the bound on an answer's size, in bytes
/// as received (an operations and test knob).
pub const MAX_ANSWER_BYTES_VAR: &str = "GLANCE_LLM_MAX_ANSWER_BYTES";
/// Environment variable overriding the bound on an answer's total time, in
/// milliseconds (an operations and test knob).
pub const MAX_ANSWER_MS_VAR: &str = "GLANCE_LLM_MAX_ANSWER_MS";
/// Environment variable naming the provider when `--provider` is absent.
pub const PROVIDER_VAR: &str = "GLANCE_PROVIDER";
/// Environment variable naming the model when `--model` is absent.
pub const MODEL_VAR: &str = "GLANCE_MODEL";

/// Who wrote a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The person asking (or glance speaking for them).
    User,
    /// The model's earlier answers.
    Assistant,
}

impl Role {
    /// The wire name both providers use.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }
}

/// One turn of the conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Who wrote it.
    pub role: Role,
    /// Plain text.
    pub content: String,
}

/// What to ask: system instructions, the conversation so far, and a cap on
/// the answer's length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// System instructions; left out of the request when empty.
    pub system: String,
    /// The conversation, oldest first, ending with the user's turn.
    pub messages: Vec<Message>,
    /// Upper bound on output tokens (reasoning tokens included for OpenAI).
    pub max_tokens: u32,
}

/// Token counts reported by the provider.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Prompt tokens, cached ones included.
    pub input_tokens: u64,
    /// Answer tokens, reasoning included.
    pub output_tokens: u64,
    /// Prompt tokens read from the provider's cache, when reported.
    pub cached_tokens: Option<u64>,
    /// Output tokens spent on hidden reasoning, when reported.
    pub reasoning_tokens: Option<u64>,
}

impl Usage {
    /// Adds another call's counts; a detail either call reported is kept.
    pub fn add(&mut self, other: &Usage) {
        let sum = |a: Option<u64>, b: Option<u64>| match (a, b) {
            (None, None) => None,
            (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
        };
        self.input_tokens += other.input_tokens;
        self.output_tokens += other.output_tokens;
        self.cached_tokens = sum(self.cached_tokens, other.cached_tokens);
        self.reasoning_tokens = sum(self.reasoning_tokens, other.reasoning_tokens);
    }
}

/// A complete answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// The whole text, as streamed.
    pub text: String,
    /// Token counts, if the provider sent them.
    pub usage: Option<Usage>,
    /// Why generation stopped, in the provider's words (`stop`, `length`,
    /// `end_turn`, `max_tokens`, …).
    pub finish_reason: Option<String>,
}

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

/// An API key. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, and has the redactor hide it wherever it shows.
    pub fn new(key: impl Into<String>) -> ApiKey {
        let key = key.into();
        crate::redact::remember(&key);
        ApiKey(key)
    }

    /// The key itself, for the one header that carries it.
    fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// Headers whose values are secrets.
const SECRET_HEADERS: [&str; 4] = ["authorization", "x-api-key", "api-key", "x-goog-api-key"];

/// A request a provider wants sent: a JSON `POST` (a model list's `GET`
/// uses only the URL and headers).
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// Full URL.
    pub url: String,
    /// Headers in sending order (secrets included).
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Value,
}

impl HttpRequest {
    /// The value of a header (name compared case-insensitively).
    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Method, URL, headers with secrets redacted, and body, as JSON.
    pub fn redacted(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(redact(name, value))))
            .collect();
        json!({"method": "POST", "url": self.url, "headers": headers, "body": self.body})
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted().to_string())
    }
}

fn redact(name: &str, value: &str) -> String {
    if !SECRET_HEADERS
        .iter()
        .any(|secret| name.eq_ignore_ascii_case(secret))
    {
        return value.to_string();
    }
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} <redacted>"),
        None => "<redacted>".to_string(),
    }
}

/// Timeouts and retry policy for one provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transport {
    /// Budget for connecting (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Longest silence allowed while waiting for the response or between two
    /// reads of the stream (keep-alive comments and pings count as activity).
    pub idle_timeout: Duration,
    /// Attempts in all, the first included.
    pub max_tries: u32,
    /// First backoff wait when the server gives no `retry-after`; doubles
    /// per retry, capped at 8 s.
    pub backoff: Duration,
    /// A `retry-after` longer than this is not waited for: the error is
    /// reported instead.
    pub max_retry_after: Duration,
    /// Upper bound on the time spent waiting between tries, over all the
    /// retries of one request: a retry whose wait would pass it is not made.
    pub max_total_wait: Duration,
    /// Upper bound on the bytes of one answer (or model list) as received,
    /// framing included: a reply that never ends stops here.
    pub max_answer_bytes: u64,
    /// Upper bound on the time from sending a request to the end of its
    /// answer: a stream that keeps sending pings or text stops here.
    pub max_answer_time: Duration,
}

impl Default for Transport {
    /// 10 s to connect; 90 s of silence (reasoning models may think quietly
    /// before the first token); 3 tries; 0.5 s first backoff; waits of up to
    /// 60 s each and 90 s in all; answers of up to 32 MiB and 10 minutes.
    fn default() -> Transport {
        Transport {
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(90),
            max_tries: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            max_total_wait: Duration::from_secs(90),
            max_answer_bytes: 32 << 20,
            max_answer_time: Duration::from_secs(600),
        }
    }
}

impl Transport {
    /// The defaults, with both timeouts replaced by `GLANCE_LLM_TIMEOUT_MS`
    /// and the answer's bounds by `GLANCE_LLM_MAX_ANSWER_BYTES` and
    /// `GLANCE_LLM_MAX_ANSWER_MS`, each when it holds a positive number.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Transport {
        let mut transport = Transport::default();
        let positive = |name: &str| {
            env(name)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|n| *n > 0)
        };
        if let Some(ms) = positive(TIMEOUT_VAR) {
            transport.connect_timeout = Duration::from_millis(ms);
            transport.idle_timeout = Duration::from_millis(ms);
        }
        if let Some(bytes) = positive(MAX_ANSWER_BYTES_VAR) {
            transport.max_answer_bytes = bytes;
        }
        if let Some(ms) = positive(MAX_ANSWER_MS_VAR) {
            transport.max_answer_time = Duration::from_millis(ms);
        }
        transport
    }

    /// The error for an answer that passed its size bound.
    fn too_big(&self, ctx: &Context) -> Error {
        ctx.too_long(match self.max_answer_bytes {
            bytes if bytes % (1 << 20) == 0 => format!("{} MiB", bytes >> 20),
            bytes => format!("{bytes} bytes"),
        })
    }

    /// The error for an answer that passed its time bound.
    fn too_slow(&self, ctx: &Context) -> Error {
        ctx.too_long(format!("{:.1} s", self.max_answer_time.as_secs_f64()))
    }

    fn agent(&self) -> ureq::Agent {
        // Redirects are not followed: the API key would go along to
        // wherever the redirect points. A redirect is reported instead.
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(self.connect_timeout))
            .timeout_per_read(Some(self.idle_timeout))
            .build();
        ureq::Agent::new_with_config(config)
    }

    /// How long to wait before try number `tries + 1`.
    fn wait(&self, tries: u32, retry_after: Option<Duration>) -> Duration {
        retry_after.unwrap_or_else(|| {
            let factor = 2u32.saturating_pow(tries.saturating_sub(1));
            self.backoff
                .saturating_mul(factor)
                .min(Duration::from_secs(8))
        })
    }
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

/// One provider's protocol: how a question becomes an HTTP request, how its
/// answer is decoded, and how its model list is fetched. Wires are pure; a
/// [`Client`] sends what they build.
pub(crate) trait Wire: Send + Sync {
    /// The decoder for this protocol's answer stream.
    type Stream: Decoder;
    /// The streaming request for `request` to `model`.
    fn build(&self, model: &str, request: &Request) -> HttpRequest;
    /// The `GET` that lists models (URL and headers), or why there is none.
    fn models_request(&self, ctx: &Context) -> Result<HttpRequest, Error>;
    /// The model ids in the model list's JSON.
    fn parse_models(&self, body: &Value) -> Vec<String>;
    /// Rewords an error where the provider has a better hint (Ollama: start
    /// the server, pull the model).
    fn refine(&self, error: Error) -> Error {
        error
    }
}

/// A provider: a [`Wire`] plus who is being talked to and how.
pub struct Client<W> {
    ctx: Context,
    wire: W,
    transport: Transport,
    line: Arc<Line>,
}

/// The HTTP agent a client sends through, which a [`Cancel`] can shut down
/// (closing its sockets) and replace from another thread.
struct Line {
    transport: Transport,
    agent: Mutex<ureq::Agent>,
    /// Set by [`Cancel`] since the current request began.
    cancelled: AtomicBool,
}

impl Line {
    fn new(transport: &Transport) -> Line {
        Line {
            transport: transport.clone(),
            agent: Mutex::new(transport.agent()),
            cancelled: AtomicBool::new(false),
        }
    }

    /// The agent for a new request, which a cancel from now on shuts down.
    fn begin(&self) -> ureq::Agent {
        self.cancelled.store(false, Ordering::SeqCst);
        self.agent().clone()
    }

    fn agent(&self) -> std::sync::MutexGuard<'_, ureq::Agent> {
        self.agent
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Abandons a client's request in flight ([`Provider::canceller`]).
struct Cancel(Arc<Line>);

impl crate::db::Canceller for Cancel {
    fn cancel(&self) {
        let line = &self.0;
        line.cancelled.store(true, Ordering::SeqCst);
        let mut agent = line.agent();
        let old = std::mem::replace(&mut *agent, line.transport.agent());
        old.shutdown();
    }
}

impl<W: Wire> Client<W> {
    fn with_wire(ctx: Context, wire: W, transport: Transport) -> Client<W> {
        Client {
            ctx,
            wire,
            line: Arc::new(Line::new(&transport)),
            transport,
        }
    }

    /// The HTTP request for `request`, without sending it.
    pub fn build_request(&self, request: &Request) -> HttpRequest {
        self.wire.build(&self.ctx.model, request)
    }

    /// Names the variable the key came from (when it is not the provider's
    /// usual one), so a refused key's message points at it.
    pub fn key_from(mut self, var: &str) -> Client<W> {
        self.ctx.key_var = var.to_string();
        self
    }
}

impl<W: Wire> Provider for Client<W> {
    fn name(&self) -> &str {
        self.ctx.provider
    }

    fn model(&self) -> &str {
        &self.ctx.model
    }

    fn stream(&self, request: &Request, on_text: &mut dyn FnMut(&str)) -> Result<Reply, Error> {
        let http = self.build_request(request);
        let agent = self.line.begin();
        let result = send::<W::Stream>(&self.ctx, &self.transport, &agent, &http, on_text, &|| {
            self.line.is_cancelled()
        });
        match result {
            Err(_) if self.line.is_cancelled() => Err(self.ctx.cancelled()),
            other => other.map_err(|error| self.wire.refine(error)),
        }
    }

    fn preview(&self, request: &Request) -> Value {
        self.build_request(request).redacted()
    }

    fn models(&self) -> Result<Vec<String>, Error> {
        let http = self.wire.models_request(&self.ctx)?;
        let body = get_json(&self.ctx, &self.transport, &self.line.begin(), &http)
            .map_err(|error| self.wire.refine(error))?;
        Ok(self.wire.parse_models(&body))
    }

    fn canceller(&self) -> Arc<dyn crate::db::Canceller> {
        Arc::new(Cancel(self.line.clone()))
    }
}

/// One `GET` returning JSON (model lists); errors are classified like the
/// answers' and not retried.
fn get_json(
    ctx: &Context,
    transport: &Transport,
    agent: &ureq::Agent,
    http: &HttpRequest,
) -> Result<Value, Error> {
    let mut request = agent.get(&http.url);
    for (name, value) in &http.headers {
        request = request.header(name, value);
    }
    let response = request
        .call()
        .map_err(|e| transport_error(ctx, transport, &http.url, e))?;
    let status = response.status().as_u16();
    if let Some(error) = redirect(ctx, &response) {
        return Err(error);
    }
    if !(200..300).contains(&status) {
        let text = read_error_body(response.into_body().into_reader(), http);
        return Err(error::classify(ctx, Some(status), &ErrorBody::parse(&text)));
    }
    let mut bytes = Vec::new();
    let started = Instant::now();
    let mut reader = response.into_body().into_reader();
    let mut buf = [0u8; 8192];
    loop {
        let read = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(ctx, transport, &http.url, e)),
        };
        bytes.extend_from_slice(&buf[..read]);
        if bytes.len() as u64 > MODEL_LIST_LIMIT {
            return Err(ctx.bad_response(format!(
                "the model list is larger than {} MiB",
                MODEL_LIST_LIMIT >> 20
            )));
        }
        if bytes.len() as u64 > transport.max_answer_bytes {
            return Err(transport.too_big(ctx));
        }
        if started.elapsed() > transport.max_answer_time {
            return Err(transport.too_slow(ctx));
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    serde_json::from_str(&text)
        .map_err(|e| ctx.bad_response(format!("the model list is not JSON ({e})")))
}

/// The most a model list may hold: large lists (model routers) are about
/// 1 MB; more is a server that does not stop.
const MODEL_LIST_LIMIT: u64 = 16 << 20;

/// A redirect answer as an error naming where it pointed (its origin only:
/// a location's path and query may carry tokens).
fn redirect(ctx: &Context, response: &ureq::http::Response<ureq::Body>) -> Option<Error> {
    let status = response.status();
    if !status.is_redirection() {
        return None;
    }
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let origin = match location.split_once("://") {
        Some((scheme, rest)) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = authority.rsplit('@').next().unwrap_or("");
            format!("{scheme}://{host}")
        }
        None => "the same server".to_string(),
    };
    Some(ctx.bad_response(format!(
        "a redirect (HTTP {}) to {origin}, which glance does not follow so that the API key \
         goes only to the configured address; point the base URL at the address that answers",
        status.as_u16()
    )))
}

/// Joins a base URL and a path, accepting a trailing slash on the base.
fn endpoint(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// What a decoder wants after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Keep reading.
    More,
    /// The end marker arrived: the reply is complete.
    Done,
}

/// How an answer's body is cut into pieces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Server-sent events (OpenAI, Azure, Anthropic, Gemini).
    Sse,
    /// One JSON object per line (Ollama); each line arrives as an event's data.
    Ndjson,
}

impl Framing {
    /// What the `Content-Type` of such a body contains.
    fn content_type(self) -> &'static str {
        match self {
            Framing::Sse => "event-stream",
            Framing::Ndjson => "ndjson",
        }
    }
}

/// A framing parser fed raw network bytes.
enum Frames {
    Sse(sse::Parser),
    Ndjson(ndjson::Parser),
}

impl Frames {
    fn new(framing: Framing) -> Frames {
        match framing {
            Framing::Sse => Frames::Sse(sse::Parser::new()),
            Framing::Ndjson => Frames::Ndjson(ndjson::Parser::default()),
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Vec<sse::Event> {
        match self {
            Frames::Sse(parser) => parser.feed(bytes),
            Frames::Ndjson(parser) => parser.feed(bytes),
        }
    }

    fn finish(&mut self) -> Option<sse::Event> {
        match self {
            Frames::Sse(parser) => parser.finish(),
            Frames::Ndjson(parser) => parser.finish(),
        }
    }
}

/// Turns one provider's stream events into text deltas and a reply.
pub(crate) trait Decoder: Default {
    /// How the stream is framed.
    const FRAMING: Framing = Framing::Sse;
    /// Handles one event, passing any text to `on_text`.
    fn event(
        &mut self,
        event: &sse::Event,
        ctx: &Context,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Step, Error>;
    /// The reply, once the end marker has been seen.
    fn finish(self) -> Reply;
}

/// A failed attempt and the wait the server asked for.
struct Failure {
    error: Error,
    retry_after: Option<Duration>,
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure {
            error,
            retry_after: None,
        }
    }
}

/// Sends `http` and decodes the stream with `D`, retrying rate limits and
/// server errors with backoff while no text has been passed on, nothing
/// was `cancelled`, and the waits stay within [`Transport::max_total_wait`].
fn send<D: Decoder>(
    ctx: &Context,
    transport: &Transport,
    agent: &ureq::Agent,
    http: &HttpRequest,
    on_text: &mut dyn FnMut(&str),
    cancelled: &dyn Fn() -> bool,
) -> Result<Reply, Error> {
    let mut streamed = false;
    let mut tries = 0;
    let mut waited = Duration::ZERO;
    loop {
        tries += 1;
        let mut forward = |text: &str| {
            if !text.is_empty() {
                streamed = true;
                on_text(text);
            }
        };
        let failure = match attempt::<D>(ctx, transport, agent, http, &mut forward) {
            Ok(reply) => return Ok(reply),
            Err(failure) => failure,
        };
        let wait = transport.wait(tries, failure.retry_after);
        let retry = failure.error.is_retryable()
            && !streamed
            && tries < transport.max_tries
            && wait <= transport.max_retry_after
            && waited + wait <= transport.max_total_wait;
        if !retry || !pause(wait, cancelled) {
            return Err(failure.error.with_tries(tries));
        }
        waited += wait;
    }
}

/// Sleeps for `wait`, or less when `cancelled` turns true; says whether
/// the whole wait passed.
fn pause(wait: Duration, cancelled: &dyn Fn() -> bool) -> bool {
    let until = Instant::now() + wait;
    loop {
        if cancelled() {
            return false;
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return true;
        }
        std::thread::sleep(left.min(Duration::from_millis(20)));
    }
}

/// One request and its stream.
fn attempt<D: Decoder>(
    ctx: &Context,
    transport: &Transport,
    agent: &ureq::Agent,
    http: &HttpRequest,
    on_text: &mut dyn FnMut(&str),
) -> Result<Reply, Failure> {
    let body = serde_json::to_vec(&http.body).map_err(|e| ctx.bad_response(e.to_string()))?;
    let started = Instant::now();
    let mut request = agent.post(&http.url);
    for (name, value) in &http.headers {
        request = request.header(name, value);
    }
    let response = request
        .send(&body[..])
        .map_err(|e| transport_error(ctx, transport, &http.url, e))?;
    let status = response.status().as_u16();
    if let Some(error) = redirect(ctx, &response) {
        return Err(error.into());
    }
    if !(200..300).contains(&status) {
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let retry_after = retry_after(
            header("retry-after-ms").as_deref(),
            header("retry-after").as_deref(),
        );
        let text = read_error_body(response.into_body().into_reader(), http);
        let body = ErrorBody::parse(&text);
        return Err(Failure {
            error: error::classify(ctx, Some(status), &body),
            retry_after: retry_after.or(body.retry_delay),
        });
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or(D::FRAMING.content_type())
        .to_string();
    let reader = response.into_body().into_reader();
    if !content_type.contains(D::FRAMING.content_type()) {
        return Err(not_a_stream(ctx, &content_type, reader, http).into());
    }
    decode::<D>(ctx, transport, &http.url, reader, started, on_text).map_err(Failure::from)
}

/// Reads an event stream to its end marker, within the transport's bounds
/// on the answer's size and on the time since `started`.
fn decode<D: Decoder>(
    ctx: &Context,
    transport: &Transport,
    url: &str,
    mut reader: impl Read,
    started: Instant,
    on_text: &mut dyn FnMut(&str),
) -> Result<Reply, Error> {
    let mut parser = Frames::new(D::FRAMING);
    let mut decoder = D::default();
    let mut buf = [0u8; 8192];
    let mut received = 0u64;
    loop {
        let read = match reader.read(&mut buf) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(ctx, transport, url, e)),
        };
        received += read as u64;
        if received > transport.max_answer_bytes {
            return Err(transport.too_big(ctx));
        }
        if started.elapsed() > transport.max_answer_time {
            return Err(transport.too_slow(ctx));
        }
        let events = if read == 0 {
            parser.finish().into_iter().collect()
        } else {
            parser.feed(&buf[..read])
        };
        for event in &events {
            if decoder.event(event, ctx, on_text)? == Step::Done {
                return Ok(decoder.finish());
            }
        }
        if read == 0 {
            return Err(ctx.truncated());
        }
    }
}

/// A 200 answer that is not an event stream: an error in JSON, or a
/// server that does not speak this protocol.
fn not_a_stream(ctx: &Context, content_type: &str, reader: impl Read, http: &HttpRequest) -> Error {
    let text = read_error_body(reader, http);
    let is_error = serde_json::from_str::<Value>(&text)
        .is_ok_and(|value| value.get("error").is_some_and(|e| !e.is_null()));
    if is_error {
        return error::classify(ctx, None, &ErrorBody::parse(&text));
    }
    ctx.bad_response(format!(
        "expected an event stream but got `{content_type}`: {}",
        ErrorBody::parse(&text).message
    ))
}

/// The first 64 KiB of an error body, with the request's secrets (a
/// server may echo the key it refused) redacted.
fn read_error_body(reader: impl Read, http: &HttpRequest) -> String {
    let mut bytes = Vec::new();
    // A partial body still explains the error; a read failure leaves it short.
    let _ = reader.take(64 * 1024).read_to_end(&mut bytes);
    let mut text = String::from_utf8_lossy(&bytes).into_owned();
    for (name, value) in &http.headers {
        let token = value.rsplit(' ').next().unwrap_or(value);
        if redact(name, value) != *value && token.len() >= 4 {
            text = text.replace(token, "<redacted>");
        }
    }
    text
}

/// Maps a failure to connect or to receive the response head.
fn transport_error(ctx: &Context, transport: &Transport, url: &str, error: ureq::Error) -> Error {
    match error {
        ureq::Error::Timeout(which) => timeout(ctx, transport, which),
        ureq::Error::Io(e) => ctx.network(url, e.to_string()),
        other => ctx.network(url, other.to_string()),
    }
}

/// Maps a failure while reading the stream body.
fn read_error(ctx: &Context, transport: &Transport, url: &str, error: std::io::Error) -> Error {
    match ureq::Error::from(error) {
        ureq::Error::Timeout(which) => timeout(ctx, transport, which),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => ctx.truncated(),
        ureq::Error::Io(e) => ctx.network(url, e.to_string()),
        other => ctx.network(url, other.to_string()),
    }
}

fn timeout(ctx: &Context, transport: &Transport, which: ureq::Timeout) -> Error {
    match which {
        ureq::Timeout::Connect | ureq::Timeout::Resolve => {
            ctx.timeout("connecting", transport.connect_timeout)
        }
        _ => ctx.timeout("waiting for the answer", transport.idle_timeout),
    }
}

/// The wait a server asked for: `retry-after-ms` (milliseconds) wins over
/// `retry-after` (seconds, possibly fractional, or an HTTP date).
fn retry_after(ms: Option<&str>, seconds: Option<&str>) -> Option<Duration> {
    let positive = |value: f64| value.is_finite() && value >= 0.0;
    let at_most_a_day = |secs: f64| Duration::from_secs_f64(secs.min(86_400.0));
    if let Some(ms) = ms
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|v| positive(*v))
    {
        return Some(at_most_a_day(ms / 1000.0));
    }
    let seconds = seconds?.trim();
    if let Some(secs) = seconds.parse::<f64>().ok().filter(|v| positive(*v)) {
        return Some(at_most_a_day(secs));
    }
    static PARSER: jiff::fmt::rfc2822::DateTimeParser = jiff::fmt::rfc2822::DateTimeParser::new();
    let at = PARSER.parse_timestamp(seconds).ok()?;
    let wait = at.duration_since(jiff::Timestamp::now());
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::openai::OpenAi;
    use super::*;
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::thread::JoinHandle;

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
            messages: vec![Message {
                role: Role::User,
                content: "How many films?".into(),
            }],
            max_tokens,
        }
    }

    /// A follow-up request carrying an earlier turn.
    pub(super) fn conversation() -> Request {
        let mut request = one_question(2048);
        request.messages.extend([
            Message {
                role: Role::Assistant,
                content: "SELECT count(*) FROM film;".into(),
            },
            Message {
                role: Role::User,
                content: "And actors?".into(),
            },
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
        let ctx = Context {
            provider: "test",
            model: "m".into(),
            key_var: "KEY".into(),
            base_var: "BASE",
        };
        let mut deltas = Vec::new();
        let reply = decode::<D>(
            &ctx,
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

    #[test]
    fn the_timeout_knob_sets_both_timeouts() {
        let transport = Transport::from_env(&env(&[(TIMEOUT_VAR, "250")]));
        assert_eq!(transport.connect_timeout, Duration::from_millis(250));
        assert_eq!(transport.idle_timeout, Duration::from_millis(250));
        for ignored in ["soon", "0", "-5"] {
            let transport = Transport::from_env(&env(&[(TIMEOUT_VAR, ignored)]));
            assert_eq!(transport, Transport::default(), "{ignored}");
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_yields_to_retry_after() {
        let transport = Transport::default();
        assert_eq!(transport.wait(1, None), Duration::from_millis(500));
        assert_eq!(transport.wait(2, None), Duration::from_secs(1));
        assert_eq!(transport.wait(10, None), Duration::from_secs(8));
        assert_eq!(transport.wait(1, Some(Duration::ZERO)), Duration::ZERO);
    }

    #[test]
    fn retry_after_headers_are_parsed() {
        assert_eq!(retry_after(None, Some("2")), Some(Duration::from_secs(2)));
        assert_eq!(
            retry_after(None, Some("0.5")),
            Some(Duration::from_millis(500))
        );
        assert_eq!(
            retry_after(Some("1500"), Some("9")),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after(Some("x"), Some("3")),
            Some(Duration::from_secs(3))
        );
        assert_eq!(retry_after(None, Some("-1")), None);
        assert_eq!(retry_after(None, Some("soon")), None);
        assert_eq!(
            retry_after(Some("1e300"), None),
            Some(Duration::from_secs(86_400))
        );
        assert_eq!(retry_after(None, None), None);
        assert_eq!(
            retry_after(None, Some("Wed, 21 Oct 2015 07:28:00 GMT")),
            Some(Duration::ZERO)
        );
        let later = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(30);
        let date = jiff::fmt::rfc2822::to_string(&later.in_tz("UTC").expect("UTC")).expect("date");
        let wait = retry_after(None, Some(&date)).expect("a date");
        assert!(
            wait > Duration::from_secs(25) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
    }

    #[test]
    fn a_long_retry_after_is_not_waited_for() {
        let limited = "HTTP/1.1 429 Too Many Requests\r\nretry-after: 3600\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        let (base, seen) = serve(vec![limited.to_string()]);
        let provider = OpenAi::new(
            "gpt-5-mini",
            Some(&base),
            Some(ApiKey::new("k")),
            Transport::default(),
        );
        let error = provider
            .stream(
                &Request {
                    system: String::new(),
                    messages: Vec::new(),
                    max_tokens: 10,
                },
                &mut |_| {},
            )
            .expect_err("limited");
        assert!(
            matches!(error, Error::RateLimited { tries: 1, .. }),
            "{error:?}"
        );
        assert_eq!(seen.join().expect("server thread").len(), 1);
    }

    #[test]
    fn a_json_answer_instead_of_a_stream_is_read_as_an_error() {
        let json_error = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}";
        let html = "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html>login</html>";
        let transport = Transport {
            backoff: Duration::from_millis(1),
            ..Transport::default()
        };
        let (base, _) = serve(vec![json_error.to_string(); 3]);
        let provider = OpenAi::new("m", Some(&base), Some(ApiKey::new("k")), transport.clone());
        let error = provider
            .stream(&empty_request(), &mut |_| {})
            .expect_err("error");
        assert!(matches!(error, Error::Server { tries: 3, .. }), "{error:?}");
        let (base, _) = serve(vec![html.to_string()]);
        let provider = OpenAi::new("m", Some(&base), Some(ApiKey::new("k")), transport);
        let error = provider
            .stream(&empty_request(), &mut |_| {})
            .expect_err("html");
        assert!(matches!(error, Error::BadResponse { .. }), "{error:?}");
        assert!(error.to_string().contains("text/html"), "{error}");
    }

    #[test]
    fn retries_stop_when_their_waits_would_pass_the_total_limit() {
        let busy = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nretry-after: 1\r\nConnection: close\r\n\r\n{\"error\":{\"message\":\"busy\"}}";
        let transport = Transport {
            max_tries: 5,
            max_total_wait: Duration::from_millis(1500),
            ..Transport::default()
        };
        let (base, _) = serve(vec![busy.to_string(); 5]);
        let provider = OpenAi::new("m", Some(&base), Some(ApiKey::new("k")), transport);
        let started = Instant::now();
        let error = provider
            .stream(&empty_request(), &mut |_| {})
            .expect_err("busy");
        // One wait of 1 s fits in 1.5 s; a second would not.
        assert!(
            matches!(error, Error::Overloaded { tries: 2, .. }),
            "{error:?}"
        );
        assert!(started.elapsed() < Duration::from_millis(1500));
    }

    #[test]
    fn a_cancel_abandons_a_stalled_stream_at_once() {
        let stalled = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n<stall>";
        let (base, _) = serve(vec![stalled.to_string()]);
        let provider = OpenAi::new(
            "m",
            Some(&base),
            Some(ApiKey::new("k")),
            Transport::default(),
        );
        let canceller = provider.canceller();
        let started = Instant::now();
        let error = std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(300));
                canceller.cancel();
            });
            provider
                .stream(&empty_request(), &mut |_| {})
                .expect_err("cancelled")
        });
        assert!(matches!(error, Error::Cancelled { .. }), "{error:?}");
        // The server stalls for 1 s; the cancel came after 0.3 s.
        assert!(started.elapsed() < Duration::from_millis(900));
        // The next request goes through a fresh connection.
        let (base, _) = serve(vec![stalled.replace("<stall>", "data: [DONE]\n\n")]);
        let provider = OpenAi::new(
            "m",
            Some(&base),
            Some(ApiKey::new("k")),
            Transport::default(),
        );
        provider.canceller().cancel();
        let reply = provider
            .stream(&empty_request(), &mut |_| {})
            .expect("answer");
        assert_eq!(reply.text, "Hi");
    }

    fn empty_request() -> Request {
        Request {
            system: String::new(),
            messages: Vec::new(),
            max_tokens: 10,
        }
    }

    #[test]
    fn keys_are_redacted_everywhere_they_could_be_printed() {
        let key = ApiKey::new("sk-very-secret");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.to_string(), "<redacted>");
        assert_eq!(redact("Authorization", "Bearer sk-1"), "Bearer <redacted>");
        assert_eq!(redact("x-api-key", "sk-1"), "<redacted>");
        assert_eq!(redact("anthropic-version", "2023-06-01"), "2023-06-01");
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
