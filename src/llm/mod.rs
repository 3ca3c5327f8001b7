//! LLM providers: one request type, one reply type, one [`Provider`] trait,
//! and the single sender every provider goes through.
//!
//! Providers are pure request builders ([`HttpRequest`] values, tested without
//! a network) plus a stream decoder; [`send`] posts the request with `ureq`,
//! reads the server-sent events as they arrive and retries rate limits and
//! server errors, but only before any text has been handed to the caller.
//! Invariant: answers always stream, and an API key never leaves this module
//! except in the one header that carries it (every `Debug`, preview and error
//! redacts it).

mod anthropic;
mod error;
mod openai;
mod sse;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Read;
use std::time::Duration;

use serde_json::{Value, json};

pub use anthropic::Anthropic;
pub use error::Error;
pub use openai::OpenAi;

use error::{Context, ErrorBody};

/// How to configure a provider, for when none is.
pub const SETUP_HINT: &str = "set an API key to ask questions: export OPENAI_API_KEY=… (OpenAI) \
or export ANTHROPIC_API_KEY=… (Anthropic); optionally choose with GLANCE_PROVIDER=openai|anthropic \
and GLANCE_MODEL=<model id>, or per run with --provider and --model";

/// Environment variable overriding both the connect and the idle timeout, in
/// milliseconds (an operations and test knob).
pub const TIMEOUT_VAR: &str = "GLANCE_LLM_TIMEOUT_MS";
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
    /// `openai` or `anthropic`.
    fn name(&self) -> &str;
    /// The model id sent with each request.
    fn model(&self) -> &str;
    /// Sends `request` and streams the answer: each text delta goes to
    /// `on_text` as it arrives; the whole reply is returned at the end.
    fn stream(&self, request: &Request, on_text: &mut dyn FnMut(&str)) -> Result<Reply, Error>;
    /// The exact HTTP request (method, URL, headers with secrets redacted,
    /// JSON body) that [`Provider::stream`] would send, for `--show-prompt`.
    fn preview(&self, request: &Request) -> Value;
}

/// An API key. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> ApiKey {
        ApiKey(key.into())
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
const SECRET_HEADERS: [&str; 3] = ["authorization", "x-api-key", "api-key"];

/// A request a provider wants sent: always a JSON `POST`.
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
}

impl Default for Transport {
    /// 10 s to connect; 90 s of silence (reasoning models may think quietly
    /// before the first token); 3 tries; 0.5 s first backoff; waits of up to
    /// 60 s.
    fn default() -> Transport {
        Transport {
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(90),
            max_tries: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl Transport {
    /// The defaults, with both timeouts replaced by `GLANCE_LLM_TIMEOUT_MS`
    /// when it holds a positive number of milliseconds.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Transport {
        let mut transport = Transport::default();
        let ms = env(TIMEOUT_VAR).and_then(|v| v.trim().parse::<u64>().ok());
        if let Some(ms) = ms.filter(|ms| *ms > 0) {
            transport.connect_timeout = Duration::from_millis(ms);
            transport.idle_timeout = Duration::from_millis(ms);
        }
        transport
    }

    fn agent(&self) -> ureq::Agent {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
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

/// Chooses and configures a provider.
///
/// `provider` and `model` are the `--provider`/`--model` flags (or the
/// config file's `[llm]`); when one is `None` it is read here from
/// `GLANCE_PROVIDER`/`GLANCE_MODEL` through `env`. Without a provider, a
/// model id starting with `claude` picks Anthropic; otherwise the first
/// provider whose key is set wins (OpenAI, then Anthropic). Keys come from
/// `OPENAI_API_KEY` and `ANTHROPIC_API_KEY` (or the variable a provider's
/// `api_key_env` names), base URLs from `OPENAI_BASE_URL` and
/// `ANTHROPIC_BASE_URL`, then `base_url` in `settings`; the model falls back
/// to the provider's `model` setting, then its default. Timeouts come from
/// `GLANCE_LLM_TIMEOUT_MS`. Empty values count as unset. `Ok(None)` means
/// nothing is configured (show [`SETUP_HINT`]); a chosen provider without
/// its key, an unknown provider name and a retired model are errors, found
/// before any request is sent.
pub fn select(
    provider: Option<&str>,
    model: Option<&str>,
    settings: &BTreeMap<String, ProviderSettings>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<Box<dyn Provider>>, Error> {
    let var = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let provider = provider.map(str::to_string).or_else(|| var(PROVIDER_VAR));
    let model = model.map(str::to_string).or_else(|| var(MODEL_VAR));
    let kind = match provider.as_deref().map(|p| p.trim().to_ascii_lowercase()) {
        Some(name) => Some(match name.as_str() {
            "openai" => Kind::OpenAi,
            "anthropic" | "claude" => Kind::Anthropic,
            _ => {
                return Err(Error::UnknownProvider {
                    name: provider.unwrap_or_default(),
                });
            }
        }),
        None if model.as_deref().is_some_and(|m| m.starts_with("claude")) => Some(Kind::Anthropic),
        None => None,
    };
    let setting = |kind: Kind| settings.get(kind.name()).cloned().unwrap_or_default();
    let key_var = |kind: Kind| {
        setting(kind)
            .api_key_env
            .unwrap_or(kind.key_var().to_string())
    };
    let kind = match kind {
        Some(kind) => kind,
        None if var(&key_var(Kind::OpenAi)).is_some() => Kind::OpenAi,
        None if var(&key_var(Kind::Anthropic)).is_some() => Kind::Anthropic,
        None => return Ok(None),
    };
    let ProviderSettings {
        base_url,
        model: configured_model,
        ..
    } = setting(kind);
    let model = model.or(configured_model);
    let key_var = key_var(kind);
    let key = var(&key_var)
        .map(|value| ApiKey::new(value.trim()))
        .ok_or(Error::MissingKey {
            provider: kind.name(),
            var: key_var,
        })?;
    let transport = Transport::from_env(env);
    let provider: Box<dyn Provider> = match kind {
        Kind::OpenAi => Box::new(OpenAi::new(
            model.as_deref().unwrap_or(openai::DEFAULT_MODEL),
            var(openai::BASE_VAR).or(base_url).as_deref(),
            key,
            transport,
        )),
        Kind::Anthropic => Box::new(Anthropic::new(
            model.as_deref().unwrap_or(anthropic::DEFAULT_MODEL),
            var(anthropic::BASE_VAR).or(base_url).as_deref(),
            key,
            transport,
        )?),
    };
    Ok(Some(provider))
}

#[derive(Clone, Copy)]
enum Kind {
    OpenAi,
    Anthropic,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::OpenAi => "openai",
            Kind::Anthropic => "anthropic",
        }
    }

    fn key_var(self) -> &'static str {
        match self {
            Kind::OpenAi => openai::KEY_VAR,
            Kind::Anthropic => anthropic::KEY_VAR,
        }
    }
}

/// Joins a base URL and a path, accepting a trailing slash on the base.
fn endpoint(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
}

/// What a decoder wants after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    /// Keep reading.
    More,
    /// The end marker arrived: the reply is complete.
    Done,
}

/// Turns one provider's stream events into text deltas and a reply.
trait Decoder: Default {
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
/// server errors with backoff while no text has been passed on.
fn send<D: Decoder>(
    ctx: &Context,
    transport: &Transport,
    agent: &ureq::Agent,
    http: &HttpRequest,
    on_text: &mut dyn FnMut(&str),
) -> Result<Reply, Error> {
    let mut streamed = false;
    let mut tries = 0;
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
            && wait <= transport.max_retry_after;
        if !retry {
            return Err(failure.error.with_tries(tries));
        }
        std::thread::sleep(wait);
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
    let mut request = agent.post(&http.url);
    for (name, value) in &http.headers {
        request = request.header(name, value);
    }
    let response = request
        .send(&body[..])
        .map_err(|e| transport_error(ctx, transport, &http.url, e))?;
    let status = response.status().as_u16();
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
        let text = read_error_body(response.into_body().into_reader());
        return Err(Failure {
            error: error::classify(ctx, Some(status), &ErrorBody::parse(&text)),
            retry_after,
        });
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("text/event-stream")
        .to_string();
    let reader = response.into_body().into_reader();
    if !content_type.contains("event-stream") {
        return Err(not_a_stream(ctx, &content_type, reader).into());
    }
    decode::<D>(ctx, transport, &http.url, reader, on_text).map_err(Failure::from)
}

/// Reads an event stream to its end marker.
fn decode<D: Decoder>(
    ctx: &Context,
    transport: &Transport,
    url: &str,
    mut reader: impl Read,
    on_text: &mut dyn FnMut(&str),
) -> Result<Reply, Error> {
    let mut parser = sse::Parser::new();
    let mut decoder = D::default();
    let mut buf = [0u8; 8192];
    loop {
        let read = match reader.read(&mut buf) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(ctx, transport, url, e)),
        };
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
fn not_a_stream(ctx: &Context, content_type: &str, reader: impl Read) -> Error {
    let text = read_error_body(reader);
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

fn read_error_body(reader: impl Read) -> String {
    let mut bytes = Vec::new();
    // A partial body still explains the error; a read failure leaves it short.
    let _ = reader.take(64 * 1024).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
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
    use super::*;
    use std::collections::HashMap;
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::thread::JoinHandle;

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
            key_var: "KEY",
            base_var: "BASE",
        };
        let mut deltas = Vec::new();
        let reply = decode::<D>(
            &ctx,
            &Transport::default(),
            "http://test",
            Drip(stream.as_bytes()),
            &mut |text| deltas.push(text.to_string()),
        )?;
        Ok((reply, deltas))
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn chosen(
        provider: Option<&str>,
        model: Option<&str>,
        pairs: &[(&str, &str)],
    ) -> Option<(String, String)> {
        select(provider, model, &BTreeMap::new(), &env(pairs))
            .expect("a valid configuration")
            .map(|p| (p.name().to_string(), p.model().to_string()))
    }

    fn pair(provider: &str, model: &str) -> Option<(String, String)> {
        Some((provider.to_string(), model.to_string()))
    }

    #[test]
    fn nothing_configured_selects_nothing() {
        assert_eq!(chosen(None, None, &[]), None);
        assert_eq!(chosen(None, None, &[("OPENAI_API_KEY", " ")]), None);
        assert_eq!(chosen(None, Some("gpt-5"), &[]), None);
    }

    #[test]
    fn the_first_provider_with_a_key_wins_with_its_default_model() {
        let both = [("OPENAI_API_KEY", "sk-1"), ("ANTHROPIC_API_KEY", "sk-ant")];
        assert_eq!(chosen(None, None, &both), pair("openai", "gpt-5-mini"));
        assert_eq!(
            chosen(None, None, &both[1..]),
            pair("anthropic", "claude-sonnet-5")
        );
    }

    #[test]
    fn flags_win_over_environment_and_claude_models_pick_anthropic() {
        let all = [
            ("OPENAI_API_KEY", "sk-1"),
            ("ANTHROPIC_API_KEY", "sk-ant"),
            ("GLANCE_PROVIDER", "openai"),
            ("GLANCE_MODEL", "gpt-5"),
        ];
        assert_eq!(chosen(None, None, &all), pair("openai", "gpt-5"));
        assert_eq!(
            chosen(Some("anthropic"), Some("claude-opus-5"), &all),
            pair("anthropic", "claude-opus-5")
        );
        assert_eq!(
            chosen(None, Some("claude-haiku-4-5"), &all[..2]),
            pair("anthropic", "claude-haiku-4-5")
        );
        assert_eq!(
            chosen(Some("Claude"), None, &all[..2]),
            pair("anthropic", "claude-sonnet-5")
        );
    }

    #[test]
    fn a_chosen_provider_without_its_key_names_the_variable() {
        let error = select(
            Some("anthropic"),
            None,
            &BTreeMap::new(),
            &env(&[("OPENAI_API_KEY", "k")]),
        )
        .err()
        .expect("no anthropic key");
        assert!(matches!(&error, Error::MissingKey { var, .. } if var == "ANTHROPIC_API_KEY"));
        assert!(error.to_string().contains("export ANTHROPIC_API_KEY="));
        let error = select(
            None,
            None,
            &BTreeMap::new(),
            &env(&[("GLANCE_PROVIDER", "openai")]),
        )
        .err()
        .expect("no openai key");
        assert!(error.to_string().contains("OPENAI_API_KEY"));
    }

    #[test]
    fn unknown_providers_and_retired_models_are_errors() {
        let keys = [("OPENAI_API_KEY", "k"), ("ANTHROPIC_API_KEY", "k")];
        let error = select(Some("gemeni"), None, &BTreeMap::new(), &env(&keys))
            .err()
            .expect("unknown");
        assert!(error.to_string().contains("`gemeni`"));
        let error = select(
            None,
            Some("claude-3-5-sonnet-20241022"),
            &BTreeMap::new(),
            &env(&keys),
        )
        .err()
        .expect("retired");
        assert!(matches!(error, Error::RetiredModel { .. }));
    }

    #[test]
    fn config_settings_name_key_variable_address_and_model() {
        let settings = BTreeMap::from([(
            "openai".to_string(),
            ProviderSettings {
                api_key_env: Some("WORK_KEY".into()),
                base_url: Some("http://127.0.0.1:2/v1".into()),
                model: Some("gpt-5-nano".into()),
            },
        )]);
        let provider = select(None, None, &settings, &env(&[("WORK_KEY", "k")]))
            .expect("valid")
            .expect("the configured variable is set");
        assert_eq!(provider.model(), "gpt-5-nano");
        let preview = provider.preview(&Request {
            system: String::new(),
            messages: Vec::new(),
            max_tokens: 10,
        });
        assert_eq!(preview["url"], "http://127.0.0.1:2/v1/chat/completions");
        let from_env = select(
            None,
            Some("gpt-5"),
            &settings,
            &env(&[
                ("WORK_KEY", "k"),
                ("OPENAI_BASE_URL", "http://127.0.0.1:3/v1"),
            ]),
        )
        .expect("valid")
        .expect("configured");
        assert_eq!(from_env.model(), "gpt-5");
        assert_eq!(
            from_env.preview(&Request {
                system: String::new(),
                messages: Vec::new(),
                max_tokens: 10,
            })["url"],
            "http://127.0.0.1:3/v1/chat/completions"
        );
        let missing = select(
            Some("openai"),
            None,
            &settings,
            &env(&[("OPENAI_API_KEY", "k")]),
        )
        .err()
        .expect("the configured variable is unset");
        assert!(missing.to_string().contains("WORK_KEY"), "{missing}");
    }

    #[test]
    fn base_urls_come_from_the_environment() {
        let provider = select(
            None,
            None,
            &BTreeMap::new(),
            &env(&[
                ("ANTHROPIC_API_KEY", "k"),
                ("ANTHROPIC_BASE_URL", "http://127.0.0.1:1"),
            ]),
        )
        .expect("valid")
        .expect("configured");
        let preview = provider.preview(&Request {
            system: String::new(),
            messages: Vec::new(),
            max_tokens: 10,
        });
        assert_eq!(preview["url"], "http://127.0.0.1:1/v1/messages");
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
            ApiKey::new("k"),
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
        let provider = OpenAi::new("m", Some(&base), ApiKey::new("k"), transport.clone());
        let error = provider
            .stream(&empty_request(), &mut |_| {})
            .expect_err("error");
        assert!(matches!(error, Error::Server { tries: 3, .. }), "{error:?}");
        let (base, _) = serve(vec![html.to_string()]);
        let provider = OpenAi::new("m", Some(&base), ApiKey::new("k"), transport);
        let error = provider
            .stream(&empty_request(), &mut |_| {})
            .expect_err("html");
        assert!(matches!(error, Error::BadResponse { .. }), "{error:?}");
        assert!(error.to_string().contains("text/html"), "{error}");
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
            PROVIDER_VAR,
            MODEL_VAR,
            "--provider",
            "--model",
        ] {
            assert!(SETUP_HINT.contains(name), "{name}");
        }
    }
}
