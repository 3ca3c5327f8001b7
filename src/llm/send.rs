//! Sending: one request posted and its stream decoded, retried on rate
//! limits and server errors only before any text reached the caller; one
//! `GET` for model lists; and every HTTP failure mapped to an [`Error`].

use std::io::Read;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::error::{self, Callee, ErrorBody};
use super::framing::{Decoder, decode};
use super::http::{HttpRequest, redact};
use super::transport::Transport;
use super::{Error, Reply};

/// A failed attempt and the wait the server asked for.
struct FailedAttempt {
    error: Error,
    retry_after: Option<Duration>,
}

impl From<Error> for FailedAttempt {
    fn from(error: Error) -> FailedAttempt {
        FailedAttempt {
            error,
            retry_after: None,
        }
    }
}

/// Sends `http` and decodes the stream with `D`, retrying rate limits and
/// server errors with backoff while no text has been passed on, nothing
/// was `cancelled`, and the waits stay within [`Transport::max_total_wait`].
pub(super) fn send<D: Decoder>(
    callee: &Callee,
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
        let failure = match attempt::<D>(callee, transport, agent, http, &mut forward) {
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
    callee: &Callee,
    transport: &Transport,
    agent: &ureq::Agent,
    http: &HttpRequest,
    on_text: &mut dyn FnMut(&str),
) -> Result<Reply, FailedAttempt> {
    let body = serde_json::to_vec(&http.body).map_err(|e| callee.bad_response(e.to_string()))?;
    let started = Instant::now();
    let mut request = agent.post(&http.url);
    for (name, value) in &http.headers {
        request = request.header(name, value);
    }
    let response = request
        .send(&body[..])
        .map_err(|e| transport_error(callee, transport, &http.url, e))?;
    let status = response.status().as_u16();
    if let Some(error) = redirect(callee, &response) {
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
        return Err(FailedAttempt {
            error: error::classify(callee, Some(status), &body),
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
        return Err(not_a_stream(callee, &content_type, reader, http).into());
    }
    decode::<D>(callee, transport, &http.url, reader, started, on_text).map_err(FailedAttempt::from)
}

/// One `GET` returning JSON (model lists); errors are classified like the
/// answers' and not retried.
pub(super) fn get_json(
    callee: &Callee,
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
        .map_err(|e| transport_error(callee, transport, &http.url, e))?;
    let status = response.status().as_u16();
    if let Some(error) = redirect(callee, &response) {
        return Err(error);
    }
    if !(200..300).contains(&status) {
        let text = read_error_body(response.into_body().into_reader(), http);
        return Err(error::classify(
            callee,
            Some(status),
            &ErrorBody::parse(&text),
        ));
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
            Err(e) => return Err(read_error(callee, transport, &http.url, e)),
        };
        bytes.extend_from_slice(&buf[..read]);
        if bytes.len() as u64 > MODEL_LIST_LIMIT {
            return Err(callee.bad_response(format!(
                "the model list is larger than {} MiB",
                MODEL_LIST_LIMIT >> 20
            )));
        }
        if bytes.len() as u64 > transport.max_answer_bytes {
            return Err(transport.too_big(callee));
        }
        if started.elapsed() > transport.max_answer_time {
            return Err(transport.too_slow(callee));
        }
    }
    let text = String::from_utf8_lossy(&bytes);
    serde_json::from_str(&text)
        .map_err(|e| callee.bad_response(format!("the model list is not JSON ({e})")))
}

/// The most a model list may hold: large lists (model routers) are about
/// 1 MB; more is a server that does not stop.
const MODEL_LIST_LIMIT: u64 = 16 << 20;

/// A redirect answer as an error naming where it pointed (its origin only:
/// a location's path and query may carry tokens).
fn redirect(callee: &Callee, response: &ureq::http::Response<ureq::Body>) -> Option<Error> {
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
    Some(callee.bad_response(format!(
        "a redirect (HTTP {}) to {origin}, which glance does not follow so that the API key \
         goes only to the configured address; point the base URL at the address that answers",
        status.as_u16()
    )))
}

/// A 200 answer that is not an event stream: an error in JSON, or a
/// server that does not speak this protocol.
fn not_a_stream(
    callee: &Callee,
    content_type: &str,
    reader: impl Read,
    http: &HttpRequest,
) -> Error {
    let text = read_error_body(reader, http);
    let is_error = serde_json::from_str::<Value>(&text)
        .is_ok_and(|value| value.get("error").is_some_and(|e| !e.is_null()));
    if is_error {
        return error::classify(callee, None, &ErrorBody::parse(&text));
    }
    callee.bad_response(format!(
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
fn transport_error(callee: &Callee, transport: &Transport, url: &str, error: ureq::Error) -> Error {
    match error {
        ureq::Error::Timeout(which) => timeout(callee, transport, which),
        ureq::Error::Io(e) => callee.network(url, e.to_string()),
        other => callee.network(url, other.to_string()),
    }
}

/// Maps a failure while reading the stream body.
pub(super) fn read_error(
    callee: &Callee,
    transport: &Transport,
    url: &str,
    error: std::io::Error,
) -> Error {
    match ureq::Error::from(error) {
        ureq::Error::Timeout(which) => timeout(callee, transport, which),
        ureq::Error::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => callee.truncated(),
        ureq::Error::Io(e) => callee.network(url, e.to_string()),
        other => callee.network(url, other.to_string()),
    }
}

fn timeout(callee: &Callee, transport: &Transport, which: ureq::Timeout) -> Error {
    match which {
        ureq::Timeout::Connect | ureq::Timeout::Resolve => {
            callee.timeout("connecting", transport.connect_timeout)
        }
        _ => callee.timeout("waiting for the answer", transport.idle_timeout),
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
    use crate::llm::http::ApiKey;
    use crate::llm::openai::OpenAi;
    use crate::llm::tests::{empty_request, serve};
    use crate::llm::{Provider, Request};

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
                    tools: Vec::new(),
                    calls_closed: false,
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
}
