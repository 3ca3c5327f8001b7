//! OpenAI Chat Completions (`POST {base}/chat/completions`), also spoken by
//! many compatible servers.
//!
//! Invariant: requests always stream with `stream_options.include_usage`, cap
//! the answer with `max_completion_tokens` and never send `temperature` (the
//! gpt-5 and o-series reasoning models refuse anything but the default). The
//! system text goes as a `system` message: OpenAI treats it as `developer`
//! for reasoning models, and compatible servers only know `system`. A
//! `length` finish is an [`Error::CutOff`], and `content_filter` or a
//! `refusal` delta an [`Error::Blocked`], so an incomplete, filtered or
//! refused answer never runs.

use serde_json::{Value, json};

use super::client::{Client, Wire};
use super::error::{self, Callee, ErrorBody};
use super::framing::{Decoder, Step};
use super::http::{ApiKey, HttpRequest};
use super::transport::Transport;
use super::{Error, Reply, Request, ToolCall, ToolSpec, Usage, sse};

/// The model used when none is configured.
pub const DEFAULT_MODEL: &str = "gpt-5-mini";
/// The API base when `OPENAI_BASE_URL` is unset (it includes `/v1`).
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The variable holding the key.
pub const KEY_VAR: &str = "OPENAI_API_KEY";
/// The variable overriding the base URL.
pub const BASE_VAR: &str = "OPENAI_BASE_URL";

/// A model at OpenAI, Azure OpenAI or a compatible server.
pub type OpenAi = Client<ChatCompletions>;

/// How a Chat Completions server takes its key.
pub enum Auth {
    /// No key (local compatible servers such as llama.cpp's).
    None,
    /// `Authorization: Bearer KEY` (OpenAI and most compatible servers).
    Bearer(ApiKey),
    /// `api-key: KEY` (Azure OpenAI).
    ApiKeyHeader(ApiKey),
}

/// The Chat Completions protocol at one address.
pub struct ChatCompletions {
    /// The full `…/chat/completions` URL, query included.
    url: String,
    /// Where models are listed (`…/models`), when the server lists them.
    models_url: Option<String>,
    auth: Auth,
}

impl ChatCompletions {
    /// The protocol at `url`, listing models at `models_url`.
    pub fn new(url: String, models_url: Option<String>, auth: Auth) -> ChatCompletions {
        ChatCompletions {
            url,
            models_url,
            auth,
        }
    }

    fn headers(&self) -> Vec<(String, String)> {
        match &self.auth {
            Auth::None => Vec::new(),
            Auth::Bearer(key) => vec![("Authorization".into(), format!("Bearer {}", key.expose()))],
            Auth::ApiKeyHeader(key) => vec![("api-key".into(), key.expose().to_string())],
        }
    }
}

impl OpenAi {
    /// A client for `model` at OpenAI or a compatible server; `base_url`
    /// (ending in `/v1`) defaults to [`DEFAULT_BASE_URL`]. Without a key no
    /// `Authorization` header is sent. Any model id is accepted.
    pub fn new(
        model: &str,
        base_url: Option<&str>,
        key: Option<ApiKey>,
        transport: Transport,
    ) -> OpenAi {
        let base = base_url.unwrap_or(DEFAULT_BASE_URL);
        let auth = key.map_or(Auth::None, Auth::Bearer);
        let wire = ChatCompletions::new(
            super::http::endpoint(base, "/chat/completions"),
            Some(super::http::endpoint(base, "/models")),
            auth,
        );
        let callee = Callee {
            provider: "openai",
            model: model.to_string(),
            key_var: KEY_VAR.into(),
            base_var: BASE_VAR,
        };
        Client::with_wire(callee, wire, transport)
    }
}

/// Whether `base_url` is OpenAI's own API (which always needs a key), as
/// opposed to a compatible server (which may not).
pub fn is_openai_itself(base_url: &str) -> bool {
    base_url.contains("api.openai.com")
}

/// How a chat API carries a tool call's arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Arguments {
    /// A JSON string, with the call's id and `type` (OpenAI, Azure).
    Encoded,
    /// A JSON object, results named by tool (Ollama's native API).
    Object,
}

/// The request as chat messages, a system message first: the shape OpenAI,
/// Azure, compatible servers and Ollama's native API share. Tool calls ride
/// on the assistant's message; each result is a `tool` message of its own.
pub(super) fn chat_messages(request: &Request, style: Arguments) -> Vec<Value> {
    let system =
        (!request.system.is_empty()).then(|| json!({"role": "system", "content": request.system}));
    let mut messages: Vec<Value> = system.into_iter().collect();
    for m in &request.messages {
        if !m.tool_results.is_empty() {
            messages.extend(m.tool_results.iter().map(|r| match style {
                Arguments::Encoded => {
                    json!({"role": "tool", "tool_call_id": r.call_id, "content": r.content})
                }
                Arguments::Object => {
                    json!({"role": "tool", "tool_name": r.name, "content": r.content})
                }
            }));
            if !m.content.is_empty() {
                messages.push(json!({"role": "user", "content": m.content}));
            }
            continue;
        }
        let mut message = json!({"role": m.role.as_str(), "content": m.content});
        if !m.tool_calls.is_empty() {
            let calls: Vec<Value> = m
                .tool_calls
                .iter()
                .map(|call| match style {
                    Arguments::Encoded => json!({
                        "id": call.id,
                        "type": "function",
                        "function": {"name": call.name, "arguments": call.arguments.to_string()},
                    }),
                    Arguments::Object => json!({
                        "function": {"name": call.name, "arguments": call.arguments},
                    }),
                })
                .collect();
            message["tool_calls"] = Value::Array(calls);
        }
        messages.push(message);
    }
    messages
}

/// The request's tools as OpenAI-style function tools (also Ollama's).
pub(super) fn function_tools(tools: &[ToolSpec]) -> Value {
    tools
        .iter()
        .map(|tool| json!({"type": "function", "function": tool.declaration("parameters")}))
        .collect()
}

impl Wire for ChatCompletions {
    type Stream = Stream;

    fn build(&self, model: &str, request: &Request) -> HttpRequest {
        let messages = chat_messages(request, Arguments::Encoded);
        let mut headers = self.headers();
        headers.push(("Content-Type".into(), "application/json".into()));
        headers.push(("Accept".into(), "text/event-stream".into()));
        let mut body = json!({
            "model": model,
            "messages": messages,
            "stream": true,
            "stream_options": {"include_usage": true},
            "max_completion_tokens": request.max_tokens,
        });
        if !request.tools.is_empty() {
            body["tools"] = function_tools(&request.tools);
            if request.calls_closed {
                body["tool_choice"] = "none".into();
            }
        }
        HttpRequest {
            url: self.url.clone(),
            headers,
            body,
        }
    }

    fn models_request(&self, callee: &Callee) -> Result<HttpRequest, Error> {
        let url = self.models_url.clone().ok_or(Error::NoModelList {
            provider: callee.provider,
            reason: "an Azure OpenAI key cannot list the resource's deployments; \
                     find their names in the Azure portal (or `az cognitiveservices account deployment list`), \
                     or use an AZURE_OPENAI_ENDPOINT ending in /openai/v1",
        })?;
        Ok(HttpRequest {
            url,
            headers: self.headers(),
            body: Value::Null,
        })
    }

    fn parse_models(&self, body: &Value) -> Vec<String> {
        ids(body, "/data", "id")
    }
}

/// The sorted string values of `key` in the array at `pointer`.
pub(super) fn ids(body: &Value, pointer: &str, key: &str) -> Vec<String> {
    let mut ids: Vec<String> = body
        .pointer(pointer)
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|item| item.get(key).and_then(Value::as_str))
        .map(str::to_string)
        .collect();
    ids.sort();
    ids
}

/// Decoder state for one Chat Completions stream.
#[derive(Default)]
pub struct Stream {
    reply: Reply,
    /// The model sent a `refusal` instead of an answer.
    refused: bool,
    /// Tool calls by stream index: id, name and the argument text so far.
    calls: Vec<(String, String, String)>,
}

impl Stream {
    /// Adds one `delta.tool_calls` fragment: the first names the call, the
    /// rest carry pieces of its arguments.
    fn call_fragment(&mut self, fragment: &Value) {
        let index = fragment.get("index").and_then(Value::as_u64).unwrap_or(0) as usize;
        if self.calls.len() <= index {
            self.calls.resize(index + 1, Default::default());
        }
        let call = &mut self.calls[index];
        if let Some(id) = fragment.get("id").and_then(Value::as_str) {
            call.0 = id.to_string();
        }
        if let Some(name) = fragment.pointer("/function/name").and_then(Value::as_str) {
            call.1.push_str(name);
        }
        if let Some(piece) = fragment
            .pointer("/function/arguments")
            .and_then(Value::as_str)
        {
            call.2.push_str(piece);
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
        if event.data.trim() == "[DONE]" {
            return Ok(Step::Done);
        }
        let chunk: Value = serde_json::from_str(&event.data)
            .map_err(|e| callee.bad_response(format!("a stream chunk is not JSON ({e})")))?;
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            return Err(error::classify(callee, None, &ErrorBody::from_json(&chunk)));
        }
        let first = chunk
            .get("choices")
            .and_then(Value::as_array)
            .and_then(|choices| {
                choices
                    .iter()
                    .find(|c| c.get("index").and_then(Value::as_u64).unwrap_or(0) == 0)
            });
        if let Some(choice) = first {
            if let Some(text) = choice
                .pointer("/delta/content")
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
            {
                self.reply.text.push_str(text);
                on_text(text);
            }
            if choice
                .pointer("/delta/refusal")
                .and_then(Value::as_str)
                .is_some_and(|text| !text.is_empty())
            {
                self.refused = true;
            }
            if let Some(fragments) = choice
                .pointer("/delta/tool_calls")
                .and_then(Value::as_array)
            {
                for fragment in fragments {
                    self.call_fragment(fragment);
                }
            }
            match choice.get("finish_reason").and_then(Value::as_str) {
                Some(_) if self.refused => return Err(callee.blocked("refusal".to_string())),
                Some(reason @ "length") => return Err(callee.cut_off(reason)),
                Some(reason @ "content_filter") => {
                    return Err(callee.blocked(format!("finish reason {reason}")));
                }
                Some(reason) => self.reply.finish_reason = Some(reason.to_string()),
                None => {}
            }
        }
        if let Some(usage) = chunk.get("usage").filter(|u| u.is_object()) {
            self.reply.usage = Some(parse_usage(usage));
        }
        Ok(Step::More)
    }

    fn finish(mut self) -> Reply {
        self.reply.tool_calls = self
            .calls
            .into_iter()
            .enumerate()
            .filter(|(_, (_, name, _))| !name.is_empty())
            .map(|(n, (id, name, arguments))| ToolCall::decoded(id, name, &arguments, n))
            .collect();
        self.reply
    }
}

fn parse_usage(usage: &Value) -> Usage {
    let count = |pointer: &str| usage.pointer(pointer).and_then(Value::as_u64);
    Usage {
        input_tokens: count("/prompt_tokens").unwrap_or(0),
        output_tokens: count("/completion_tokens").unwrap_or(0),
        cached_tokens: count("/prompt_tokens_details/cached_tokens"),
        reasoning_tokens: count("/completion_tokens_details/reasoning_tokens"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::Provider;
    use crate::llm::tests::{collect, quick, serve};
    use std::time::Duration;

    fn request() -> Request {
        crate::llm::tests::conversation()
    }

    fn client(base: Option<&str>, transport: Transport) -> OpenAi {
        OpenAi::new(
            "gpt-5-mini",
            base,
            Some(ApiKey::new("sk-secret-123")),
            transport,
        )
    }

    /// The stream from the protocol notes, with the usage chunk.
    const STREAM: &str = concat!(
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"x1\"}\n\n",
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"SELECT\"},\"finish_reason\":null}],\"usage\":null}\n\n",
        ": keep-alive\n\n",
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" 1;\"},\"finish_reason\":null}],\"usage\":null}\n\n",
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}\n\n",
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-5-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":812,\"completion_tokens\":3,\"total_tokens\":815,\"prompt_tokens_details\":{\"cached_tokens\":512,\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0}}}\n\n",
        "data: [DONE]\n\n",
    );

    fn ok_response(body: &str) -> String {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n{body}"
        )
    }

    #[test]
    fn the_request_streams_with_usage_and_caps_completion_tokens() {
        let http = client(None, Transport::default()).build_request(&request());
        assert_eq!(http.url, "https://api.openai.com/v1/chat/completions");
        assert_eq!(http.header("authorization"), Some("Bearer sk-secret-123"));
        assert_eq!(http.header("content-type"), Some("application/json"));
        assert_eq!(
            http.body,
            json!({
                "model": "gpt-5-mini",
                "messages": [
                    {"role": "system", "content": "You write PostgreSQL."},
                    {"role": "user", "content": "How many films?"},
                    {"role": "assistant", "content": "SELECT count(*) FROM film;"},
                    {"role": "user", "content": "And actors?"},
                ],
                "stream": true,
                "stream_options": {"include_usage": true},
                "max_completion_tokens": 2048,
            })
        );
        assert!(http.body.get("temperature").is_none());
        assert!(http.body.get("max_tokens").is_none());
    }

    #[test]
    fn the_base_url_may_end_in_a_slash_and_an_empty_system_is_left_out() {
        let empty = Request {
            system: String::new(),
            ..request()
        };
        let http =
            client(Some("http://127.0.0.1:9/v1/"), Transport::default()).build_request(&empty);
        assert_eq!(http.url, "http://127.0.0.1:9/v1/chat/completions");
        assert_eq!(http.body["messages"][0]["role"], "user");
    }

    #[test]
    fn the_preview_redacts_the_key() {
        let provider = client(None, Transport::default());
        let preview = provider.preview(&request());
        assert_eq!(preview["headers"]["Authorization"], "Bearer <redacted>");
        assert_eq!(preview["method"], "POST");
        assert_eq!(preview["body"]["max_completion_tokens"], 2048);
        assert!(!preview.to_string().contains("sk-secret-123"));
        let debug = format!("{:?}", provider.build_request(&request()));
        assert!(!debug.contains("sk-secret-123"), "{debug}");
    }

    #[test]
    fn the_recorded_stream_decodes_into_text_usage_and_reason() {
        let (reply, deltas) = collect::<Stream>(STREAM).expect("a complete stream");
        assert_eq!(deltas, vec!["SELECT", " 1;"]);
        assert_eq!(reply.text, "SELECT 1;");
        assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
        assert_eq!(
            reply.usage,
            Some(Usage {
                input_tokens: 812,
                output_tokens: 3,
                cached_tokens: Some(512),
                reasoning_tokens: Some(0),
            })
        );
    }

    #[test]
    fn chunks_without_choices_are_tolerated_and_an_error_chunk_fails() {
        let stream = "data: {\"choices\":[],\"prompt_filter_results\":[]}\n\ndata: {\"id\":\"x\"}\n\ndata: {\"choices\":null}\n\ndata: [DONE]\n\n";
        let (reply, _) = collect::<Stream>(stream).expect("complete");
        assert_eq!(reply.text, "");
        let stream = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"SEL\"}}]}\n\ndata: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n";
        let error = collect::<Stream>(stream).expect_err("an error chunk");
        assert!(matches!(error, Error::Server { .. }), "{error:?}");
    }

    #[test]
    fn a_stream_without_done_is_truncated_and_garbage_is_a_bad_response() {
        let cut = STREAM.replace("data: [DONE]\n\n", "");
        assert!(matches!(
            collect::<Stream>(&cut),
            Err(Error::Truncated { .. })
        ));
        assert!(matches!(
            collect::<Stream>("data: <html>\n\n"),
            Err(Error::BadResponse { .. })
        ));
    }

    #[test]
    fn stream_posts_to_the_server_and_passes_deltas_on() {
        let (base, seen) = serve(vec![ok_response(STREAM)]);
        let provider = client(Some(&format!("{base}/v1")), quick());
        let mut deltas = String::new();
        let reply = provider
            .stream(&request(), &mut |text| deltas.push_str(text))
            .expect("a reply");
        assert_eq!(reply.text, "SELECT 1;");
        assert_eq!(deltas, "SELECT 1;");
        let requests = seen.join().expect("server thread");
        assert_eq!(requests.len(), 1);
        assert!(requests[0].starts_with("POST /v1/chat/completions HTTP/1.1"));
        assert!(
            requests[0]
                .to_ascii_lowercase()
                .contains("authorization: bearer sk-secret-123")
        );
        assert!(requests[0].contains("\"stream\":true"));
    }

    #[test]
    fn rate_limits_are_retried_honouring_retry_after() {
        let limited = "HTTP/1.1 429 Too Many Requests\r\nretry-after: 0\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}";
        let (base, seen) = serve(vec![limited.to_string(), ok_response(STREAM)]);
        let reply = client(Some(&base), quick())
            .stream(&request(), &mut |_| {})
            .expect("the second try succeeds");
        assert_eq!(reply.text, "SELECT 1;");
        assert_eq!(seen.join().expect("server thread").len(), 2);
    }

    #[test]
    fn retries_stop_after_three_tries_with_a_clear_message() {
        let busy =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        let (base, seen) = serve(vec![busy.to_string(); 3]);
        let error = client(Some(&base), quick())
            .stream(&request(), &mut |_| {})
            .expect_err("always busy");
        assert!(
            matches!(error, Error::Overloaded { tries: 3, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("openai (gpt-5-mini)"));
        assert_eq!(seen.join().expect("server thread").len(), 3);
    }

    #[test]
    fn a_rejected_key_is_not_retried() {
        let denied = "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"error\":{\"message\":\"Incorrect API key provided: sk-sec***123.\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}";
        let (base, seen) = serve(vec![denied.to_string()]);
        let error = client(Some(&base), quick())
            .stream(&request(), &mut |_| {})
            .expect_err("denied");
        assert!(
            matches!(error, Error::Auth { status: 401, .. }),
            "{error:?}"
        );
        assert!(error.to_string().contains("check OPENAI_API_KEY"));
        assert_eq!(seen.join().expect("server thread").len(), 1);
    }

    #[test]
    fn silence_longer_than_the_idle_timeout_is_a_timeout() {
        let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\ndata: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"SEL\"}}]}\n\n";
        let (base, _seen) = serve(vec![format!("{head}<stall>")]);
        let transport = Transport {
            idle_timeout: Duration::from_millis(200),
            ..quick()
        };
        let mut deltas = String::new();
        let error = client(Some(&base), transport)
            .stream(&request(), &mut |text| deltas.push_str(text))
            .expect_err("stalled");
        assert!(
            matches!(
                error,
                Error::Timeout {
                    phase: "waiting for the answer",
                    ..
                }
            ),
            "{error:?}"
        );
        assert_eq!(deltas, "SEL");
    }

    #[test]
    fn without_a_key_no_authorization_is_sent_and_models_are_listed() {
        let keyless = OpenAi::new("local", Some("http://127.0.0.1:9/v1"), None, quick());
        let http = keyless.build_request(&request());
        assert_eq!(http.header("authorization"), None);
        let list = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"object\":\"list\",\"data\":[{\"id\":\"gpt-5\",\"object\":\"model\"},{\"id\":\"gpt-5-mini\",\"object\":\"model\"}]}";
        let (base, seen) = serve(vec![list.to_string()]);
        let models = client(Some(&format!("{base}/v1")), quick())
            .models()
            .expect("a list");
        assert_eq!(models, ["gpt-5", "gpt-5-mini"]);
        let requests = seen.join().expect("server thread");
        assert!(
            requests[0].starts_with("GET /v1/models HTTP/1.1"),
            "{}",
            requests[0]
        );
        assert!(
            requests[0]
                .to_ascii_lowercase()
                .contains("authorization: bearer sk-secret-123")
        );
    }

    #[test]
    fn an_unreachable_server_is_a_network_error() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        drop(listener);
        let error = client(Some(&format!("http://127.0.0.1:{port}/v1")), quick())
            .stream(&request(), &mut |_| {})
            .expect_err("nothing listens");
        assert!(matches!(error, Error::Network { .. }), "{error:?}");
        assert!(error.to_string().contains("OPENAI_BASE_URL"));
    }

    #[test]
    fn a_reply_cut_off_at_the_length_limit_or_filtered_is_an_error() {
        let cut = STREAM.replace("\"finish_reason\":\"stop\"", "\"finish_reason\":\"length\"");
        let error = collect::<Stream>(&cut).expect_err("cut off");
        assert!(matches!(error, Error::CutOff { .. }), "{error:?}");
        let filtered = STREAM.replace(
            "\"finish_reason\":\"stop\"",
            "\"finish_reason\":\"content_filter\"",
        );
        let error = collect::<Stream>(&filtered).expect_err("filtered");
        assert!(matches!(error, Error::Blocked { .. }), "{error:?}");
        let refused = STREAM.replace(
            "\"delta\":{\"content\":\"SELECT\"}",
            "\"delta\":{\"refusal\":\"I can't help with that.\"}",
        );
        let error = collect::<Stream>(&refused).expect_err("refused");
        assert!(error.to_string().contains("refusal"), "{error}");
    }

    const TOOL_STREAM: &str = concat!(
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"describe_table\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"tab\"}}]},\"finish_reason\":null}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"le\\\": \\\"film\\\"}\"}},{\"index\":1,\"id\":\"call_2\",\"type\":\"function\",\"function\":{\"name\":\"list_tables\",\"arguments\":\"{}\"}}]},\"finish_reason\":null}]}\n\n",
        "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n",
        "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":9}}\n\n",
        "data: [DONE]\n\n",
    );

    #[test]
    fn tool_calls_stream_by_index_with_argument_fragments() {
        let (reply, deltas) = collect::<Stream>(TOOL_STREAM).expect("complete");
        assert!(deltas.is_empty());
        assert_eq!(reply.finish_reason.as_deref(), Some("tool_calls"));
        let calls: Vec<_> = reply
            .tool_calls
            .iter()
            .map(|c| (c.id.as_str(), c.name.as_str(), c.arguments.to_string()))
            .collect();
        assert_eq!(
            calls,
            vec![
                (
                    "call_1",
                    "describe_table",
                    r#"{"table":"film"}"#.to_string()
                ),
                ("call_2", "list_tables", "{}".to_string()),
            ]
        );
    }

    #[test]
    fn tools_calls_and_results_go_in_the_chat_completions_shape() {
        let http =
            client(None, Transport::default()).build_request(&crate::llm::tests::tool_round());
        let body = &http.body;
        assert_eq!(body["tools"][0]["type"], "function");
        assert_eq!(body["tools"][0]["function"]["name"], "describe_table");
        assert_eq!(
            body["tools"][0]["function"]["parameters"]["required"][0],
            "table"
        );
        let called = &body["messages"][2];
        assert_eq!(called["role"], "assistant");
        assert_eq!(called["tool_calls"][0]["id"], "call_1");
        assert_eq!(called["tool_calls"][0]["type"], "function");
        assert_eq!(
            called["tool_calls"][0]["function"]["arguments"],
            r#"{"table":"film"}"#
        );
        assert_eq!(
            body["messages"][3],
            json!({"role": "tool", "tool_call_id": "call_1", "content": "film(id int)"})
        );
        assert!(
            client(None, Transport::default())
                .build_request(&request())
                .body
                .get("tools")
                .is_none()
        );
    }
}
