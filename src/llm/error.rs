//! Errors from talking to an LLM provider, and the one function that turns a
//! provider's HTTP status and error body into them.
//!
//! Invariant: every message names the provider (and the model once one is
//! chosen) and says what to do next; no message ever contains an API key.
//! Variants are typed so callers can branch (ask again, change the model, fix
//! the key), and [`Error::is_retryable`] is the single retry rule.

use std::time::Duration;

use serde_json::Value;

use crate::numbers::counted;

/// Everything that can go wrong choosing a provider or getting an answer.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A provider was chosen explicitly but its key variable is not set.
    #[error(
        "{provider} is selected but {var} is not set; export {var}=… or pick another provider with --provider"
    )]
    MissingKey { provider: &'static str, var: String },
    /// `--provider`/`GLANCE_PROVIDER` names no known provider.
    #[error("unknown LLM provider `{name}`; use openai, anthropic, gemini, azure or ollama")]
    UnknownProvider { name: String },
    /// A chosen provider lacks a setting other than its key (Azure's
    /// endpoint or deployment).
    #[error("{provider} is selected but {what} is not set; {hint}")]
    MissingSetting {
        provider: &'static str,
        what: &'static str,
        hint: &'static str,
    },
    /// The provider refused to answer for safety or policy reasons (Gemini
    /// `finishReason` or `promptFeedback.blockReason`, Anthropic's `refusal`
    /// stop reason, OpenAI's `content_filter`).
    #[error(
        "{provider} ({model}) blocked the answer ({reason}); rephrase the question, or try another model"
    )]
    Blocked {
        provider: &'static str,
        model: String,
        reason: String,
    },
    /// Nothing answers at the Ollama address.
    #[error(
        "Ollama is not running at {url} (model {model}): {detail}; start it with `ollama serve`, or point OLLAMA_HOST at it"
    )]
    OllamaDown {
        url: String,
        model: String,
        detail: String,
    },
    /// Ollama runs but has not pulled the model.
    #[error(
        "Ollama does not have the model `{model}`: {detail}; fetch it with `ollama pull {model}`, or choose another with --model (see `glance models ollama`)"
    )]
    NotPulled { model: String, detail: String },
    /// The provider has no model list that glance can read.
    #[error("{provider} cannot list its models: {reason}")]
    NoModelList {
        provider: &'static str,
        reason: &'static str,
    },
    /// The model id is known to be retired; caught before any request.
    #[error(
        "{provider} retired the model `{model}`; use `{current}` instead (--model or GLANCE_MODEL)"
    )]
    RetiredModel {
        provider: &'static str,
        model: String,
        current: &'static str,
    },
    /// 401/403: the key was refused.
    #[error(
        "{provider} rejected the API key (HTTP {status}, model {model}): {detail}; check {var}"
    )]
    Auth {
        provider: &'static str,
        model: String,
        status: u16,
        var: String,
        detail: String,
    },
    /// 404 or the provider's model-not-found error.
    #[error(
        "{provider} does not offer the model `{model}`: {detail}; choose another with --model or GLANCE_MODEL"
    )]
    UnknownModel {
        provider: &'static str,
        model: String,
        detail: String,
    },
    /// 429 that did not clear within the retries.
    #[error(
        "{provider} ({model}) is rate limiting requests (HTTP 429, {n}): {detail}; wait a minute and ask again",
        n = attempts(*.tries)
    )]
    RateLimited {
        provider: &'static str,
        model: String,
        tries: u32,
        detail: String,
    },
    /// The account has no quota or credit left (not worth retrying).
    #[error(
        "{provider} ({model}) refused the request: the account is out of quota or credit: {detail}; check the plan and billing"
    )]
    Quota {
        provider: &'static str,
        model: String,
        detail: String,
    },
    /// 503, Anthropic 529 or an `overloaded_error` event.
    #[error(
        "{provider} ({model}) is overloaded ({status}, {n}): {detail}; try again in a little while",
        n = attempts(*.tries)
    )]
    Overloaded {
        provider: &'static str,
        model: String,
        status: String,
        tries: u32,
        detail: String,
    },
    /// Any other 5xx or server-side error event.
    #[error(
        "{provider} ({model}) failed with a server error ({status}, {n}): {detail}; try again later",
        n = attempts(*.tries)
    )]
    Server {
        provider: &'static str,
        model: String,
        status: String,
        tries: u32,
        detail: String,
    },
    /// Any other 4xx: the request itself was refused.
    #[error("{provider} ({model}) rejected the request (HTTP {status}): {detail}")]
    Rejected {
        provider: &'static str,
        model: String,
        status: u16,
        detail: String,
    },
    /// Connecting, or waiting between two pieces of the answer, took too long.
    #[error(
        "{provider} ({model}) timed out {phase} after {secs:.1} s; check the network, or raise GLANCE_LLM_TIMEOUT_MS",
        secs = .after.as_secs_f64()
    )]
    Timeout {
        provider: &'static str,
        model: String,
        phase: &'static str,
        after: Duration,
    },
    /// The answer stopped at the reply token limit (Anthropic `max_tokens`,
    /// OpenAI and Ollama `length`, Gemini `MAX_TOKENS`): it is incomplete,
    /// so nothing from it runs.
    #[error(
        "{provider} ({model}) cut the answer off at the reply token limit ({reason}), so nothing from it was run; raise `reply_tokens` under [agent] in the config file (4096 by default), or ask for less at a time"
    )]
    CutOff {
        provider: &'static str,
        model: String,
        reason: String,
    },
    /// The stream closed before its end marker: the answer is incomplete.
    #[error("{provider} ({model}) closed the connection before the answer was complete; ask again")]
    Truncated {
        provider: &'static str,
        model: String,
    },
    /// The answer passed glance's bound on its size or its time without
    /// ending: glance stopped reading it.
    #[error(
        "{provider} ({model}) sent an answer that had not ended after {limit}; glance stopped reading it and nothing was run; ask again"
    )]
    TooLong {
        provider: &'static str,
        model: String,
        /// The bound that was passed, in words (`32 MiB`, `600 s`).
        limit: String,
    },
    /// The provider answered something that is not its protocol.
    #[error(
        "{provider} ({model}) sent a response glance cannot read: {detail}; check {base_var} if it is set"
    )]
    BadResponse {
        provider: &'static str,
        model: String,
        base_var: &'static str,
        detail: String,
    },
    /// The person pressed Ctrl-C while the answer was coming: the request
    /// was abandoned and its connection closed.
    #[error("cancelled: the question to {provider} ({model}) was abandoned; nothing was run")]
    Cancelled { provider: String, model: String },
    /// The model went on calling tools after its calls were closed and
    /// wrote no SQL.
    #[error(
        "{provider} ({model}) kept calling tools after its {calls} calls; no SQL was written — raise `max_tool_calls` under [agent] in the config file, or ask more precisely"
    )]
    KeptCalling {
        provider: String,
        model: String,
        calls: usize,
    },
    /// The provider could not be reached.
    #[error(
        "could not reach {provider} at {url} (model {model}): {detail}; check the network and {base_var}"
    )]
    Network {
        provider: &'static str,
        model: String,
        url: String,
        base_var: &'static str,
        detail: String,
    },
}

impl Error {
    /// Whether trying the same request again may succeed (rate limits,
    /// overload and server errors).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Error::RateLimited { .. } | Error::Overloaded { .. } | Error::Server { .. }
        )
    }

    /// The person pressed Ctrl-C during a question to `model` at `provider`.
    pub fn cancelled(provider: &str, model: &str) -> Error {
        Error::Cancelled {
            provider: provider.to_string(),
            model: model.to_string(),
        }
    }

    /// Whether the request was refused because it offered tools the model or
    /// server does not take (Ollama's 400 "does not support tools", a
    /// compatible server's "tools are not supported", a 400 naming `tools`).
    pub fn refuses_tools(&self) -> bool {
        match self {
            Error::Rejected { status, detail, .. } => {
                let detail = detail.to_ascii_lowercase();
                (400..500).contains(status)
                    && (detail.contains("tool") || detail.contains("function call"))
            }
            _ => false,
        }
    }

    /// Records how many attempts were made, for the retryable variants.
    pub(crate) fn with_tries(mut self, count: u32) -> Error {
        if let Error::RateLimited { tries, .. }
        | Error::Overloaded { tries, .. }
        | Error::Server { tries, .. } = &mut self
        {
            *tries = count;
        }
        self
    }
}

/// The model being called, at which provider, and the variables that set
/// its key and address: what every error needs to name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Callee {
    /// `openai`, `anthropic`, `gemini`, `azure` or `ollama`.
    pub provider: &'static str,
    /// The model id sent.
    pub model: String,
    /// The variable the key came from.
    pub key_var: String,
    /// The variable that overrides the base URL.
    pub base_var: &'static str,
}

impl Callee {
    /// An [`Error::CutOff`]: the answer stopped at the reply token limit
    /// with the provider's stop reason `reason`.
    pub fn cut_off(&self, reason: &str) -> Error {
        Error::CutOff {
            provider: self.provider,
            model: self.model.clone(),
            reason: reason.to_string(),
        }
    }

    /// An [`Error::Blocked`]: the provider refused to answer, for `reason`.
    pub fn blocked(&self, reason: String) -> Error {
        Error::Blocked {
            provider: self.provider,
            model: self.model.clone(),
            reason,
        }
    }

    /// A [`Error::BadResponse`] for this provider.
    pub fn bad_response(&self, detail: impl Into<String>) -> Error {
        Error::BadResponse {
            provider: self.provider,
            model: self.model.clone(),
            base_var: self.base_var,
            detail: detail.into(),
        }
    }

    /// A [`Error::Truncated`] for this provider.
    pub fn truncated(&self) -> Error {
        Error::Truncated {
            provider: self.provider,
            model: self.model.clone(),
        }
    }

    /// A [`Error::Timeout`] for this provider.
    pub fn timeout(&self, phase: &'static str, after: Duration) -> Error {
        Error::Timeout {
            provider: self.provider,
            model: self.model.clone(),
            phase,
            after,
        }
    }

    /// A [`Error::Cancelled`] for this provider.
    pub fn cancelled(&self) -> Error {
        Error::cancelled(self.provider, &self.model)
    }

    /// A [`Error::TooLong`] for this provider.
    pub fn too_long(&self, limit: String) -> Error {
        Error::TooLong {
            provider: self.provider,
            model: self.model.clone(),
            limit,
        }
    }

    /// A [`Error::Network`] for this provider.
    pub fn network(&self, url: &str, detail: impl Into<String>) -> Error {
        Error::Network {
            provider: self.provider,
            model: self.model.clone(),
            url: crate::redact::text(url),
            base_var: self.base_var,
            detail: crate::redact::text(&detail.into()),
        }
    }
}

/// The useful parts of an error body, in any provider's envelope:
/// OpenAI `{"error":{"message","type","code"}}`, Anthropic
/// `{"type":"error","error":{"type","message"}}`, Gemini's google.rpc.Status
/// `{"error":{"code":400,"message","status","details":[…]}}`, Ollama
/// `{"error":"…"}`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErrorBody {
    /// `error.type`, or Gemini's `error.status`.
    pub kind: Option<String>,
    /// `error.code` (OpenAI), or Gemini's `ErrorInfo.reason`.
    pub code: Option<String>,
    /// `error.message`, or the raw body when it is not JSON.
    pub message: String,
    /// Gemini's `RetryInfo.retryDelay` (`"32s"`).
    pub retry_delay: Option<Duration>,
}

impl ErrorBody {
    /// Reads an error body; anything that is not the JSON envelope becomes
    /// its first line, shortened.
    pub fn parse(body: &str) -> ErrorBody {
        match serde_json::from_str::<Value>(body) {
            Ok(value) => ErrorBody::from_json(&value),
            Err(_) => ErrorBody {
                message: shorten(body.lines().next().unwrap_or("").trim()),
                ..ErrorBody::default()
            },
        }
    }

    /// Reads the `error` object of a parsed body or stream event.
    pub fn from_json(value: &Value) -> ErrorBody {
        let error = value.get("error").unwrap_or(value);
        let text = |key: &str| error.get(key).and_then(Value::as_str).map(str::to_string);
        let details = error.get("details").and_then(Value::as_array);
        let detail = |key: &str| {
            details
                .into_iter()
                .flatten()
                .find_map(|d| d.get(key).and_then(Value::as_str))
        };
        ErrorBody {
            kind: text("type").or_else(|| text("status")),
            code: text("code").or_else(|| detail("reason").map(str::to_string)),
            message: text("message")
                .or_else(|| error.as_str().map(str::to_string))
                .map(|m| shorten(&m))
                .unwrap_or_default(),
            retry_delay: detail("retryDelay")
                .and_then(|d| d.strip_suffix('s')?.parse::<f64>().ok())
                .filter(|secs| secs.is_finite() && *secs >= 0.0)
                .map(|secs| Duration::from_secs_f64(secs.min(86_400.0))),
        }
    }

    fn is(&self, names: &[&str]) -> bool {
        [&self.kind, &self.code]
            .into_iter()
            .flatten()
            .any(|value| names.contains(&value.as_str()))
    }
}

/// "1 try", "3 tries".
fn attempts(count: u32) -> String {
    counted(u64::from(count), "try", "tries")
}

fn shorten(text: &str) -> String {
    const MAX: usize = 300;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_string(),
    }
}

/// Turns an HTTP status (None for an error inside a 200 stream) and an error
/// body into the matching [`Error`]. Retryable variants start at one try.
pub fn classify(callee: &Callee, status: Option<u16>, body: &ErrorBody) -> Error {
    let provider = callee.provider;
    let model = callee.model.clone();
    let detail = if body.message.is_empty() {
        match status {
            Some(code) => format!("HTTP {code} without an explanation"),
            None => "an error without an explanation".to_string(),
        }
    } else {
        body.message.clone()
    };
    let shown = match status {
        Some(code) => format!("HTTP {code}"),
        None => format!("{} in the stream", body.kind.as_deref().unwrap_or("error")),
    };
    let code = status.unwrap_or(0);
    if code == 401
        || code == 403
        || body.is(&[
            "authentication_error",
            "permission_error",
            "invalid_api_key",
            "API_KEY_INVALID",
            "PERMISSION_DENIED",
        ])
        || body.message.contains("API key not valid")
    {
        return Error::Auth {
            provider,
            model,
            status: code,
            var: callee.key_var.clone(),
            detail,
        };
    }
    if code == 404 || body.is(&["not_found_error", "model_not_found", "NOT_FOUND"]) {
        return Error::UnknownModel {
            provider,
            model,
            detail,
        };
    }
    if code == 402 || body.is(&["insufficient_quota", "billing_error"]) {
        return Error::Quota {
            provider,
            model,
            detail,
        };
    }
    if code == 429
        || body.is(&[
            "rate_limit_error",
            "rate_limit_exceeded",
            "RESOURCE_EXHAUSTED",
        ])
    {
        return Error::RateLimited {
            provider,
            model,
            tries: 1,
            detail,
        };
    }
    if code == 503 || code == 529 || body.is(&["overloaded_error", "UNAVAILABLE"]) {
        return Error::Overloaded {
            provider,
            model,
            status: shown,
            tries: 1,
            detail,
        };
    }
    if code >= 500 || status.is_none() {
        return Error::Server {
            provider,
            model,
            status: shown,
            tries: 1,
            detail,
        };
    }
    Error::Rejected {
        provider,
        model,
        status: code,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn callee() -> Callee {
        Callee {
            provider: "openai",
            model: "gpt-5-mini".into(),
            key_var: "OPENAI_API_KEY".into(),
            base_var: "OPENAI_BASE_URL",
        }
    }

    fn classify_body(status: Option<u16>, body: &str) -> Error {
        classify(&callee(), status, &ErrorBody::parse(body))
    }

    type Check = fn(&Error) -> bool;

    #[test]
    fn statuses_map_to_typed_errors() {
        let cases: [(u16, Check); 9] = [
            (401, |e| matches!(e, Error::Auth { status: 401, .. })),
            (403, |e| matches!(e, Error::Auth { status: 403, .. })),
            (404, |e| matches!(e, Error::UnknownModel { .. })),
            (429, |e| matches!(e, Error::RateLimited { .. })),
            (500, |e| matches!(e, Error::Server { .. })),
            (502, |e| matches!(e, Error::Server { .. })),
            (503, |e| matches!(e, Error::Overloaded { .. })),
            (529, |e| matches!(e, Error::Overloaded { .. })),
            (400, |e| matches!(e, Error::Rejected { status: 400, .. })),
        ];
        for (status, check) in cases {
            let error = classify_body(Some(status), "");
            assert!(check(&error), "HTTP {status} gave {error:?}");
        }
    }

    #[test]
    fn openai_error_bodies_are_read() {
        let error = classify_body(
            Some(401),
            r#"{"error":{"message":"Incorrect API key provided: sk-abc***","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
        );
        let text = error.to_string();
        assert!(text.contains("openai rejected the API key"), "{text}");
        assert!(text.contains("check OPENAI_API_KEY"), "{text}");
        assert!(text.contains("Incorrect API key provided"), "{text}");

        let error = classify_body(
            Some(404),
            r#"{"error":{"message":"The model `gpt-9` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}"#,
        );
        assert!(matches!(error, Error::UnknownModel { .. }));
        assert!(error.to_string().contains("--model"));

        let error = classify_body(
            Some(429),
            r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}"#,
        );
        assert!(matches!(error, Error::Quota { .. }), "{error:?}");
        assert!(!error.is_retryable());
    }

    #[test]
    fn anthropic_error_bodies_and_stream_events_are_read() {
        let error = classify_body(
            Some(529),
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"},"request_id":"req_1"}"#,
        );
        assert!(matches!(error, Error::Overloaded { .. }), "{error:?}");
        assert!(error.is_retryable());
        let event: Value = serde_json::from_str(
            r#"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#,
        )
        .expect("valid JSON");
        let error = classify(&callee(), None, &ErrorBody::from_json(&event));
        assert!(matches!(error, Error::Overloaded { .. }), "{error:?}");
        assert!(error.to_string().contains("overloaded_error in the stream"));
        let error = classify_body(
            Some(404),
            r#"{"type":"error","error":{"type":"not_found_error","message":"model: claude-x"}}"#,
        );
        assert!(matches!(error, Error::UnknownModel { .. }));
    }

    #[test]
    fn gemini_status_bodies_are_read() {
        let error = classify_body(
            Some(400),
            r#"{"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID","domain":"googleapis.com"}]}}"#,
        );
        assert!(
            matches!(error, Error::Auth { status: 400, .. }),
            "{error:?}"
        );
        let error = classify_body(
            Some(404),
            r#"{"error":{"code":404,"message":"models/gemini-9 is not found for API version v1beta","status":"NOT_FOUND"}}"#,
        );
        assert!(matches!(error, Error::UnknownModel { .. }), "{error:?}");
        let body = ErrorBody::parse(
            r#"{"error":{"code":429,"message":"Please retry in 32.8s.","status":"RESOURCE_EXHAUSTED","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"32s"}]}}"#,
        );
        assert_eq!(body.retry_delay, Some(Duration::from_secs(32)));
        assert!(matches!(
            classify(&callee(), Some(429), &body),
            Error::RateLimited { .. }
        ));
        let error = classify_body(
            Some(503),
            r#"{"error":{"code":503,"message":"The model is overloaded.","status":"UNAVAILABLE"}}"#,
        );
        assert!(matches!(error, Error::Overloaded { .. }), "{error:?}");
    }

    #[test]
    fn ollama_plain_error_strings_are_read() {
        let body =
            ErrorBody::parse(r#"{"error":"model \"llama9\" not found, try pulling it first"}"#);
        assert_eq!(
            body.message,
            "model \"llama9\" not found, try pulling it first"
        );
    }

    #[test]
    fn a_body_that_is_not_json_is_quoted_shortly() {
        let body = ErrorBody::parse(&format!("<html>{}\nsecond line", "x".repeat(500)));
        assert!(body.message.starts_with("<html>xxx"));
        assert!(body.message.ends_with('…'));
        assert_eq!(body.message.chars().count(), 301);
        let error = classify(&callee(), Some(502), &ErrorBody::parse(""));
        assert!(
            error
                .to_string()
                .contains("HTTP 502 without an explanation")
        );
    }

    #[test]
    fn tries_are_recorded_on_retryable_errors_only() {
        let error = classify_body(Some(429), "");
        assert!(error.to_string().contains("HTTP 429, 1 try)"), "{error}");
        let error = error.with_tries(3);
        assert!(error.to_string().contains("HTTP 429, 3 tries)"), "{error}");
        let error = classify_body(Some(400), "").with_tries(3);
        assert!(matches!(error, Error::Rejected { .. }));
    }

    #[test]
    fn every_message_names_provider_and_model() {
        let callee = callee();
        for error in [
            callee.truncated(),
            callee.bad_response("not JSON"),
            callee.timeout("waiting for the answer", Duration::from_millis(1500)),
            callee.network("https://api.openai.com/v1", "connection refused"),
            callee.cut_off("length"),
            callee.blocked("finish reason content_filter".into()),
            classify_body(Some(500), ""),
        ] {
            let text = error.to_string();
            assert!(
                text.contains("openai") && text.contains("gpt-5-mini"),
                "{text}"
            );
        }
        assert!(
            callee
                .timeout("connecting", Duration::from_millis(1500))
                .to_string()
                .contains("after 1.5 s")
        );
    }

    #[test]
    fn a_400_about_tools_means_the_model_takes_none() {
        let refused = |status, detail: &str| Error::Rejected {
            provider: "ollama",
            model: "gemma".into(),
            status,
            detail: detail.into(),
        };
        assert!(
            refused(
                400,
                "registry.ollama.ai/library/gemma:latest does not support tools"
            )
            .refuses_tools()
        );
        assert!(refused(400, "Function calling is not enabled for this model").refuses_tools());
        assert!(!refused(400, "max_tokens is too large").refuses_tools());
        assert!(!refused(500, "tools broke").refuses_tools());
    }
}
