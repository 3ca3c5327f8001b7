//! Anthropic Messages (`POST {base}/v1/messages`).
//!
//! Invariant: requests always stream, carry `anthropic-version: 2023-06-01`
//! and the key in `x-api-key`, and put the system text in the top-level
//! `system` field (there is no system role). Model ids Anthropic has retired
//! are refused when the client is built, so no request is ever sent for them.
//! A `max_tokens` stop is an [`Error::CutOff`] and a `refusal` an
//! [`Error::Blocked`], so an incomplete or refused answer never runs.

use serde_json::{Value, json};

use super::client::{Client, Wire};
use super::error::{self, Callee, ErrorBody};
use super::framing::{Decoder, Step};
use super::http::{ApiKey, HttpRequest};
use super::transport::Transport;
use super::{Error, Message, Reply, Request, ToolCall, Usage, sse};

/// The model used when none is configured: the current Sonnet.
pub const DEFAULT_MODEL: &str = "claude-sonnet-5";
/// The API base when `ANTHROPIC_BASE_URL` is unset (without `/v1`).
pub const DEFAULT_BASE_URL: &str = "https://api.anthropic.com";
/// The variable holding the key.
pub const KEY_VAR: &str = "ANTHROPIC_API_KEY";
/// The variable overriding the base URL.
pub const BASE_VAR: &str = "ANTHROPIC_BASE_URL";
/// The protocol version sent with every request.
pub const API_VERSION: &str = "2023-06-01";

/// Prefixes of retired model ids, and the current model of the same family.
const RETIRED: [(&str, &str); 13] = [
    ("claude-instant", DEFAULT_MODEL),
    ("claude-2", DEFAULT_MODEL),
    ("claude-3-sonnet", DEFAULT_MODEL),
    ("claude-3-5-sonnet", DEFAULT_MODEL),
    ("claude-3-7-sonnet", DEFAULT_MODEL),
    ("claude-sonnet-4-0", DEFAULT_MODEL),
    ("claude-sonnet-4-20250514", DEFAULT_MODEL),
    ("claude-3-haiku", "claude-haiku-4-5"),
    ("claude-3-5-haiku", "claude-haiku-4-5"),
    ("claude-3-opus", "claude-opus-5"),
    ("claude-opus-4-0", "claude-opus-5"),
    ("claude-opus-4-20250514", "claude-opus-5"),
    ("claude-opus-4-1", "claude-opus-5"),
];

/// A model at Anthropic.
pub type Anthropic = Client<Messages>;

/// The Messages protocol at one address.
pub struct Messages {
    base_url: String,
    key: ApiKey,
}

impl Anthropic {
    /// A client for `model`; `base_url` defaults to [`DEFAULT_BASE_URL`].
    /// Any id is accepted except retired ones ([`Error::RetiredModel`]).
    pub fn new(
        model: &str,
        base_url: Option<&str>,
        key: ApiKey,
        transport: Transport,
    ) -> Result<Anthropic, Error> {
        if let Some(current) = retired(model) {
            return Err(Error::RetiredModel {
                provider: "anthropic",
                model: model.to_string(),
                current,
            });
        }
        let callee = Callee {
            provider: "anthropic",
            model: model.to_string(),
            key_var: KEY_VAR.into(),
            base_var: BASE_VAR,
        };
        let wire = Messages {
            base_url: base_url.unwrap_or(DEFAULT_BASE_URL).to_string(),
            key,
        };
        Ok(Client::with_wire(callee, wire, transport))
    }
}

impl Messages {
    fn auth_headers(&self) -> Vec<(String, String)> {
        vec![
            ("x-api-key".into(), self.key.expose().to_string()),
            ("anthropic-version".into(), API_VERSION.into()),
        ]
    }
}

impl Wire for Messages {
    type Stream = Stream;

    fn build(&self, model: &str, request: &Request) -> HttpRequest {
        let messages: Vec<Value> = request.messages.iter().map(message).collect();
        let mut body = json!({
            "model": model,
            "max_tokens": request.max_tokens,
            "messages": messages,
            "stream": true,
        });
        if !request.system.is_empty() {
            body["system"] = Value::String(request.system.clone());
        }
        if !request.tools.is_empty() {
            let tools: Vec<Value> = request
                .tools
                .iter()
                .map(|tool| tool.declaration("input_schema"))
                .collect();
            body["tools"] = Value::Array(tools);
            if request.calls_closed {
                body["tool_choice"] = json!({"type": "none"});
            }
        }
        let mut headers = self.auth_headers();
        headers.push(("content-type".into(), "application/json".into()));
        headers.push(("accept".into(), "text/event-stream".into()));
        HttpRequest {
            url: super::http::endpoint(&self.base_url, "/v1/messages"),
            headers,
            body,
        }
    }

    fn models_request(&self, _ctx: &Callee) -> Result<HttpRequest, Error> {
        Ok(HttpRequest {
            url: super::http::endpoint(&self.base_url, "/v1/models?limit=1000"),
            headers: self.auth_headers(),
            body: Value::Null,
        })
    }

    fn parse_models(&self, body: &Value) -> Vec<String> {
        super::openai::ids(body, "/data", "id")
    }
}

/// One turn as Messages content: plain text, or blocks when it carries
/// `tool_use` calls (the assistant's) or `tool_result`s (in a user turn).
fn message(m: &Message) -> Value {
    if !m.tool_results.is_empty() {
        let text = (!m.content.is_empty()).then(|| json!({"type": "text", "text": m.content}));
        let results: Vec<Value> = m
            .tool_results
            .iter()
            .map(|r| json!({"type": "tool_result", "tool_use_id": r.call_id, "content": r.content}))
            .chain(text)
            .collect();
        return json!({"role": "user", "content": results});
    }
    if m.tool_calls.is_empty() {
        return json!({"role": m.role.as_str(), "content": m.content});
    }
    let text = (!m.content.is_empty()).then(|| json!({"type": "text", "text": m.content}));
    let blocks: Vec<Value> = text
        .into_iter()
        .chain(m.tool_calls.iter().map(|call| {
            json!({"type": "tool_use", "id": call.id, "name": call.name, "input": call.arguments})
        }))
        .collect();
    json!({"role": m.role.as_str(), "content": blocks})
}

/// The current replacement when `model` is a retired id.
fn retired(model: &str) -> Option<&'static str> {
    RETIRED
        .iter()
        .find(|(prefix, _)| model.starts_with(prefix))
        .map(|(_, current)| *current)
}

/// Decoder state for one Messages stream.
#[derive(Default)]
pub struct Stream {
    reply: Reply,
    /// Prompt tokens: uncached, cache writes and cache reads.
    input: [u64; 3],
    output: u64,
    seen_usage: bool,
    /// `tool_use` blocks by content index: id, name and the input JSON so far.
    calls: Vec<(u64, String, String, String)>,
}

impl Stream {
    fn read_usage(&mut self, usage: &Value) {
        let count = |key: &str| usage.get(key).and_then(Value::as_u64);
        let keys = [
            "input_tokens",
            "cache_creation_input_tokens",
            "cache_read_input_tokens",
        ];
        for (slot, key) in self.input.iter_mut().zip(keys) {
            if let Some(value) = count(key) {
                *slot = value;
                self.seen_usage = true;
            }
        }
        if let Some(value) = count("output_tokens") {
            self.output = value;
            self.seen_usage = true;
        }
    }
}

impl Decoder for Stream {
    fn event(
        &mut self,
        event: &sse::Event,
        callee: &Callee,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Step, Error> {
        let data: Value = serde_json::from_str(&event.data)
            .map_err(|e| callee.bad_response(format!("a stream event is not JSON ({e})")))?;
        let kind = event
            .name
            .as_deref()
            .or_else(|| data.get("type").and_then(Value::as_str))
            .unwrap_or("");
        match kind {
            "message_start" => {
                if let Some(usage) = data.pointer("/message/usage") {
                    self.read_usage(usage);
                }
            }
            "content_block_start" => {
                let block = &data["content_block"];
                if block["type"] == "tool_use" {
                    let text = |key: &str| block[key].as_str().unwrap_or_default().to_string();
                    let index = data["index"].as_u64().unwrap_or(0);
                    self.calls
                        .push((index, text("id"), text("name"), String::new()));
                }
            }
            "content_block_delta" => {
                let delta = &data["delta"];
                if delta["type"] == "text_delta"
                    && let Some(text) = delta["text"].as_str()
                {
                    self.reply.text.push_str(text);
                    on_text(text);
                }
                if delta["type"] == "input_json_delta" {
                    let index = data["index"].as_u64().unwrap_or(0);
                    let piece = delta["partial_json"].as_str().unwrap_or_default();
                    if let Some(call) = self.calls.iter_mut().find(|call| call.0 == index) {
                        call.3.push_str(piece);
                    }
                }
            }
            "message_delta" => {
                if let Some(reason) = data.pointer("/delta/stop_reason").and_then(Value::as_str) {
                    match reason {
                        "max_tokens" | "model_context_window_exceeded" => {
                            return Err(callee.cut_off(reason));
                        }
                        "refusal" => return Err(callee.blocked(format!("stop reason {reason}"))),
                        _ => self.reply.finish_reason = Some(reason.to_string()),
                    }
                }
                if let Some(usage) = data.get("usage") {
                    self.read_usage(usage);
                }
            }
            "error" => return Err(error::classify(callee, None, &ErrorBody::from_json(&data))),
            "message_stop" => return Ok(Step::Done),
            _ => {}
        }
        Ok(Step::More)
    }

    fn finish(mut self) -> Reply {
        self.reply.tool_calls = std::mem::take(&mut self.calls)
            .into_iter()
            .enumerate()
            .map(|(n, (_, id, name, input))| ToolCall::decoded(id, name, &input, n))
            .collect();
        if self.seen_usage {
            self.reply.usage = Some(Usage {
                input_tokens: self.input.iter().sum(),
                output_tokens: self.output,
                cached_tokens: Some(self.input[2]),
                reasoning_tokens: None,
            });
        }
        self.reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::Provider;
    use crate::llm::tests::{collect, quick, serve};

    fn request() -> Request {
        crate::llm::tests::one_question(1024)
    }

    fn client(model: &str, base: Option<&str>) -> Result<Anthropic, Error> {
        let transport = quick();
        Anthropic::new(model, base, ApiKey::new("sk-ant-secret"), transport)
    }

    /// The stream from the protocol notes (text block, ping, tool block).
    const STREAM: &str = concat!(
        "event: message_start\n",
        "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5-20250929\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":472,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":100,\"output_tokens\":2}}}\n\n",
        "event: content_block_start\n",
        "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: ping\n",
        "data: {\"type\": \"ping\"}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"SELECT\"}}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" 1;\"}}\n\n",
        "event: content_block_stop\n",
        "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: content_block_start\n",
        "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"run_sql\",\"input\":{}}}\n\n",
        "event: content_block_delta\n",
        "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"sql\\\": \\\"SELECT 1\\\"}\"}}\n\n",
        "event: content_block_stop\n",
        "data: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
        "event: message_delta\n",
        "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":47}}\n\n",
        "event: message_stop\n",
        "data: {\"type\":\"message_stop\"}\n\n",
    );

    #[test]
    fn the_request_has_version_key_system_and_stream() {
        let provider = client("claude-sonnet-4-5", None).expect("a current model");
        let http = provider.build_request(&request());
        assert_eq!(http.url, "https://api.anthropic.com/v1/messages");
        assert_eq!(http.header("x-api-key"), Some("sk-ant-secret"));
        assert_eq!(http.header("anthropic-version"), Some("2023-06-01"));
        assert_eq!(http.header("content-type"), Some("application/json"));
        assert_eq!(
            http.body,
            json!({
                "model": "claude-sonnet-4-5",
                "max_tokens": 1024,
                "messages": [{"role": "user", "content": "How many films?"}],
                "stream": true,
                "system": "You write PostgreSQL.",
            })
        );
        let preview = provider.preview(&request());
        assert_eq!(preview["headers"]["x-api-key"], "<redacted>");
        assert!(!preview.to_string().contains("sk-ant-secret"));
    }

    #[test]
    fn an_empty_system_is_left_out_and_the_base_may_end_in_a_slash() {
        let provider = client(DEFAULT_MODEL, Some("http://127.0.0.1:9/")).expect("current");
        let http = provider.build_request(&Request {
            system: String::new(),
            ..request()
        });
        assert_eq!(http.url, "http://127.0.0.1:9/v1/messages");
        assert!(http.body.get("system").is_none());
    }

    #[test]
    fn retired_models_are_refused_naming_a_current_one() {
        for (model, current) in [
            ("claude-3-5-sonnet-20241022", DEFAULT_MODEL),
            ("claude-3-5-sonnet-latest", DEFAULT_MODEL),
            ("claude-3-7-sonnet-20250219", DEFAULT_MODEL),
            ("claude-3-5-haiku-20241022", "claude-haiku-4-5"),
            ("claude-3-opus-20240229", "claude-opus-5"),
            ("claude-opus-4-1-20250805", "claude-opus-5"),
            ("claude-sonnet-4-20250514", DEFAULT_MODEL),
        ] {
            let error = client(model, None).err().expect(model);
            let text = error.to_string();
            assert!(text.contains(model) && text.contains(current), "{text}");
        }
        for model in [
            "claude-sonnet-4-5",
            "claude-sonnet-4-5-20250929",
            "claude-haiku-4-5",
            "claude-opus-4-8",
            "claude-sonnet-5",
            "some-gateway-model",
        ] {
            assert!(client(model, None).is_ok(), "{model} should be accepted");
        }
    }

    #[test]
    fn the_recorded_stream_decodes_into_text_usage_and_reason() {
        let (reply, deltas) = collect::<Stream>(STREAM).expect("complete");
        assert_eq!(deltas, vec!["SELECT", " 1;"]);
        assert_eq!(reply.text, "SELECT 1;");
        assert_eq!(reply.finish_reason.as_deref(), Some("end_turn"));
        assert_eq!(
            reply.usage,
            Some(Usage {
                input_tokens: 572,
                output_tokens: 47,
                cached_tokens: Some(100),
                reasoning_tokens: None,
            })
        );
    }

    #[test]
    fn an_error_event_fails_and_a_missing_message_stop_is_truncated() {
        let overloaded = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        let error = collect::<Stream>(overloaded).expect_err("error event");
        assert!(matches!(error, Error::Overloaded { .. }), "{error:?}");
        let cut = STREAM
            .replace("event: message_stop\n", "")
            .replace("data: {\"type\":\"message_stop\"}\n\n", "");
        assert!(matches!(
            collect::<Stream>(&cut),
            Err(Error::Truncated { .. })
        ));
    }

    #[test]
    fn stream_sends_the_headers_and_retries_an_overload() {
        let busy = "HTTP/1.1 529 Overloaded\r\nretry-after: 0\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}";
        let ok = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n{}",
            STREAM.replace('\n', "\r\n")
        );
        let (base, seen) = serve(vec![busy.to_string(), ok]);
        let provider = client("claude-sonnet-4-5", Some(&base)).expect("current");
        let mut deltas = String::new();
        let reply = provider
            .stream(&request(), &mut |text| deltas.push_str(text))
            .expect("second try");
        assert_eq!(reply.text, "SELECT 1;");
        assert_eq!(deltas, "SELECT 1;");
        let requests = seen.join().expect("server thread");
        assert_eq!(requests.len(), 2);
        let first = requests[0].to_ascii_lowercase();
        assert!(first.starts_with("post /v1/messages http/1.1"), "{first}");
        assert!(first.contains("x-api-key: sk-ant-secret"));
        assert!(first.contains("anthropic-version: 2023-06-01"));
    }

    #[test]
    fn an_unknown_model_is_reported_with_the_model_name() {
        let missing = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: claude-nope\"},\"request_id\":\"req_1\"}";
        let (base, _) = serve(vec![missing.to_string()]);
        let error = client("claude-nope", Some(&base))
            .expect("unknown ids are allowed")
            .stream(&request(), &mut |_| {})
            .expect_err("404");
        assert!(matches!(error, Error::UnknownModel { .. }), "{error:?}");
        assert!(error.to_string().contains("`claude-nope`"));
    }

    #[test]
    fn a_reply_cut_off_at_max_tokens_or_refused_is_an_error() {
        let cut = STREAM.replace("\"end_turn\"", "\"max_tokens\"");
        let error = collect::<Stream>(&cut).expect_err("cut off");
        assert!(matches!(error, Error::CutOff { .. }), "{error:?}");
        assert!(error.to_string().contains("reply_tokens"), "{error}");
        let refused = STREAM.replace("\"end_turn\"", "\"refusal\"");
        let error = collect::<Stream>(&refused).expect_err("refused");
        assert!(matches!(error, Error::Blocked { .. }), "{error:?}");
        assert!(error.to_string().contains("refusal"), "{error}");
    }

    const TOOL_STREAM: &str = concat!(
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":40,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Looking.\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"describe_table\",\"input\":{}}}\n\n",
        "event: ping\ndata: {\"type\": \"ping\"}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"table\\\": \\\"fi\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"lm\\\"}\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"},\"usage\":{\"output_tokens\":30}}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    );

    #[test]
    fn tool_use_blocks_stream_as_input_json_deltas() {
        let (reply, deltas) = collect::<Stream>(TOOL_STREAM).expect("complete");
        assert_eq!(deltas, vec!["Looking."]);
        assert_eq!(reply.finish_reason.as_deref(), Some("tool_use"));
        assert_eq!(reply.tool_calls.len(), 1);
        assert_eq!(reply.tool_calls[0].id, "toolu_1");
        assert_eq!(reply.tool_calls[0].name, "describe_table");
        assert_eq!(reply.tool_calls[0].arguments, json!({"table": "film"}));
    }

    #[test]
    fn tools_calls_and_results_go_as_blocks() {
        let provider = client(DEFAULT_MODEL, None).expect("current");
        let body = provider
            .build_request(&crate::llm::tests::tool_round())
            .body;
        assert_eq!(body["tools"][0]["name"], "describe_table");
        assert_eq!(body["tools"][0]["input_schema"]["type"], "object");
        assert_eq!(
            body["messages"][1],
            json!({"role": "assistant", "content": [
                {"type": "tool_use", "id": "call_1", "name": "describe_table", "input": {"table": "film"}}
            ]})
        );
        assert_eq!(
            body["messages"][2],
            json!({"role": "user", "content": [
                {"type": "tool_result", "tool_use_id": "call_1", "content": "film(id int)"}
            ]})
        );
    }
}
