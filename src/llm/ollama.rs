//! Ollama's native chat API (`POST {host}/api/chat`, NDJSON stream), its
//! model list (`GET /api/tags`) and the quick probe that finds a local
//! server when no provider is configured.
//!
//! Invariant: requests always stream, put the system text in a `system`
//! message and the answer cap in `options.num_predict`; the answer is
//! complete only at the line with `"done": true`, which carries the token
//! counts; a `done_reason` of `length` there is an [`Error::CutOff`]. A
//! refused connection says to start Ollama, a missing model says to pull it.

use std::time::Duration;

use serde_json::{Value, json};

use super::client::{Client, Wire};
use super::error::{self, Callee, ErrorBody};
use super::framing::{Decoder, Framing, Step};
use super::http::HttpRequest;
use super::openai::Arguments;
use super::transport::Transport;
use super::{Error, Reply, Request, ToolCall, Usage, sse};

/// The model used when none is configured and the server lists none.
pub const DEFAULT_MODEL: &str = "llama3.2";
/// The server's address when `OLLAMA_HOST` is unset.
pub const DEFAULT_HOST: &str = "http://127.0.0.1:11434";
/// The variable holding the server's address.
pub const HOST_VAR: &str = "OLLAMA_HOST";
/// The port of a host given without one (and without a scheme).
const DEFAULT_PORT: u16 = 11434;
/// How long the start-up probe waits for an answer.
pub const PROBE_TIMEOUT: Duration = Duration::from_millis(300);

/// A model at an Ollama server.
pub type Ollama = Client<Chat>;

/// The native chat protocol at one server.
pub struct Chat {
    base_url: String,
}

impl Ollama {
    /// A client for `model` at `host` (see [`base_url`]).
    pub fn new(model: &str, host: Option<&str>, transport: Transport) -> Ollama {
        let callee = Callee {
            provider: "ollama",
            model: model.to_string(),
            key_var: String::new(),
            base_var: HOST_VAR,
        };
        let wire = Chat {
            base_url: base_url(host),
        };
        Client::with_wire(callee, wire, transport)
    }
}

/// The server's URL from an `OLLAMA_HOST`-style value: `host`, `host:port`,
/// `http://host:port` or `https://host`. A host without scheme or port gets
/// port 11434; a scheme without a port keeps the scheme's own port.
pub fn base_url(host: Option<&str>) -> String {
    let host = host.map(str::trim).filter(|h| !h.is_empty());
    let Some(host) = host else {
        return DEFAULT_HOST.to_string();
    };
    let host = host.trim_end_matches('/');
    if host.contains("://") {
        return host.to_string();
    }
    let has_port = host
        .rsplit_once(':')
        .is_some_and(|(_, port)| port.parse::<u16>().is_ok());
    if has_port {
        format!("http://{host}")
    } else {
        format!("http://{host}:{DEFAULT_PORT}")
    }
}

/// Whether an Ollama server answers at `base_url` within
/// [`PROBE_TIMEOUT`]: the models it has pulled (newest first, possibly
/// none), or `None` when nothing answers.
pub fn probe(base_url: &str) -> Option<Vec<String>> {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(PROBE_TIMEOUT))
        .build();
    let agent = ureq::Agent::new_with_config(config);
    let mut response = agent
        .get(&super::http::endpoint(base_url, "/api/tags"))
        .call()
        .ok()?;
    let text = response.body_mut().read_to_string().ok()?;
    let body: Value = serde_json::from_str(&text).ok()?;
    let models = body.get("models")?.as_array()?;
    Some(
        models
            .iter()
            .filter_map(|m| m.get("name").and_then(Value::as_str))
            .map(str::to_string)
            .collect(),
    )
}

impl Wire for Chat {
    type Stream = Stream;

    fn build(&self, model: &str, request: &Request) -> HttpRequest {
        let messages = super::openai::chat_messages(request, Arguments::Object);
        let mut body = json!({
            "model": model,
            "messages": messages,
            "stream": true,
            "options": {"num_predict": request.max_tokens},
        });
        // Ollama has no way to forbid calls but to offer no tools.
        if !request.tools.is_empty() && !request.calls_closed {
            body["tools"] = super::openai::function_tools(&request.tools);
        }
        HttpRequest {
            url: super::http::endpoint(&self.base_url, "/api/chat"),
            headers: vec![
                ("Content-Type".into(), "application/json".into()),
                ("Accept".into(), "application/x-ndjson".into()),
            ],
            body,
        }
    }

    fn models_request(&self, _ctx: &Callee) -> Result<HttpRequest, Error> {
        Ok(HttpRequest {
            url: super::http::endpoint(&self.base_url, "/api/tags"),
            headers: Vec::new(),
            body: Value::Null,
        })
    }

    fn parse_models(&self, body: &Value) -> Vec<String> {
        super::openai::ids(body, "/models", "name")
    }

    fn refine(&self, error: Error) -> Error {
        match error {
            Error::Network { model, detail, .. } => Error::OllamaDown {
                url: self.base_url.clone(),
                model,
                detail,
            },
            Error::UnknownModel { model, detail, .. } => Error::NotPulled { model, detail },
            other => other,
        }
    }
}

/// Decoder state for one `/api/chat` stream.
#[derive(Default)]
pub struct Stream {
    reply: Reply,
}

impl Decoder for Stream {
    const FRAMING: Framing = Framing::Ndjson;

    fn event(
        &mut self,
        event: &sse::Event,
        callee: &Callee,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Step, Error> {
        let line: Value = serde_json::from_str(&event.data)
            .map_err(|e| callee.bad_response(format!("a stream line is not JSON ({e})")))?;
        if line.get("error").is_some_and(|e| !e.is_null()) {
            return Err(error::classify(callee, None, &ErrorBody::from_json(&line)));
        }
        if let Some(text) = line
            .pointer("/message/content")
            .and_then(Value::as_str)
            .filter(|text| !text.is_empty())
        {
            self.reply.text.push_str(text);
            on_text(text);
        }
        let calls = line
            .pointer("/message/tool_calls")
            .and_then(Value::as_array);
        for call in calls.into_iter().flatten() {
            let position = self.reply.tool_calls.len();
            let function = &call["function"];
            let arguments = match &function["arguments"] {
                Value::String(text) => {
                    serde_json::from_str(text).unwrap_or(Value::String(text.clone()))
                }
                Value::Null => json!({}),
                other => other.clone(),
            };
            self.reply.tool_calls.push(ToolCall::new(
                call["id"].as_str().unwrap_or_default().to_string(),
                function["name"].as_str().unwrap_or_default().to_string(),
                arguments,
                position,
            ));
        }
        if line.get("done").and_then(Value::as_bool) != Some(true) {
            return Ok(Step::More);
        }
        let reason = line.get("done_reason").and_then(Value::as_str);
        if let Some(reason @ "length") = reason {
            return Err(callee.cut_off(reason));
        }
        self.reply.finish_reason = reason.map(str::to_string);
        let count = |key: &str| line.get(key).and_then(Value::as_u64);
        if count("prompt_eval_count").is_some() || count("eval_count").is_some() {
            self.reply.usage = Some(Usage {
                input_tokens: count("prompt_eval_count").unwrap_or(0),
                output_tokens: count("eval_count").unwrap_or(0),
                cached_tokens: None,
                reasoning_tokens: None,
            });
        }
        Ok(Step::Done)
    }

    fn finish(self) -> Reply {
        self.reply
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::Provider;
    use crate::llm::tests::{collect, quick, serve};

    fn request() -> Request {
        crate::llm::tests::one_question(512)
    }

    const STREAM: &str = concat!(
        "{\"model\":\"llama3.2\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"SELECT\"},\"done\":false}\n",
        "{\"model\":\"llama3.2\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\" 1; ✓\"},\"done\":false}\n",
        "{\"model\":\"llama3.2\",\"created_at\":\"2025-01-01T00:00:00Z\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"total_duration\":4883583458,\"prompt_eval_count\":26,\"prompt_eval_duration\":342546000,\"eval_count\":282,\"eval_duration\":4535599000}\n",
    );

    #[test]
    fn hosts_are_read_with_or_without_scheme_and_port() {
        for (host, url) in [
            (None, "http://127.0.0.1:11434"),
            (Some(""), "http://127.0.0.1:11434"),
            (Some("127.0.0.1:9000"), "http://127.0.0.1:9000"),
            (Some("gpu-box"), "http://gpu-box:11434"),
            (Some("http://gpu-box:8080/"), "http://gpu-box:8080"),
            (
                Some("https://ollama.example.com"),
                "https://ollama.example.com",
            ),
        ] {
            assert_eq!(base_url(host), url, "{host:?}");
        }
    }

    #[test]
    fn the_request_streams_with_system_message_and_num_predict() {
        let http = Ollama::new("llama3.2", Some("127.0.0.1:9"), quick()).build_request(&request());
        assert_eq!(http.url, "http://127.0.0.1:9/api/chat");
        assert_eq!(
            http.body,
            json!({
                "model": "llama3.2",
                "messages": [
                    {"role": "system", "content": "You write PostgreSQL."},
                    {"role": "user", "content": "How many films?"},
                ],
                "stream": true,
                "options": {"num_predict": 512},
            })
        );
    }

    #[test]
    fn the_recorded_stream_decodes_into_text_usage_and_reason() {
        let (reply, deltas) = collect::<Stream>(STREAM).expect("complete");
        assert_eq!(deltas, vec!["SELECT", " 1; ✓"]);
        assert_eq!(reply.text, "SELECT 1; ✓");
        assert_eq!(reply.finish_reason.as_deref(), Some("stop"));
        assert_eq!(
            reply.usage,
            Some(Usage {
                input_tokens: 26,
                output_tokens: 282,
                cached_tokens: None,
                reasoning_tokens: None,
            })
        );
    }

    #[test]
    fn a_stream_without_done_is_truncated_and_an_error_line_fails() {
        let cut: String = STREAM.lines().take(2).map(|l| format!("{l}\n")).collect();
        let error = collect::<Stream>(&cut).expect_err("cut");
        assert!(matches!(error, Error::Truncated { .. }), "{error:?}");
        let error = collect::<Stream>("{\"error\":\"out of memory\"}\n").expect_err("error line");
        assert!(error.to_string().contains("out of memory"), "{error}");
    }

    #[test]
    fn a_missing_model_says_to_pull_it_and_a_dead_server_to_start_it() {
        let missing = "HTTP/1.1 404 Not Found\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n{\"error\":\"model \\\"llama9\\\" not found, try pulling it first\"}";
        let (base, _) = serve(vec![missing.to_string()]);
        let error = Ollama::new("llama9", Some(&base), quick())
            .stream(&request(), &mut |_| {})
            .expect_err("not pulled");
        assert!(matches!(error, Error::NotPulled { .. }), "{error:?}");
        assert!(error.to_string().contains("ollama pull llama9"), "{error}");

        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("address").port();
        drop(listener);
        let host = format!("127.0.0.1:{port}");
        let error = Ollama::new("llama3.2", Some(&host), quick())
            .stream(&request(), &mut |_| {})
            .expect_err("nothing listens");
        assert!(matches!(error, Error::OllamaDown { .. }), "{error:?}");
        let text = error.to_string();
        assert!(
            text.contains("ollama serve") && text.contains(&host),
            "{text}"
        );
        assert_eq!(probe(&base_url(Some(&host))), None);
    }

    #[test]
    fn the_probe_lists_pulled_models_in_order() {
        let tags = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"models\":[{\"name\":\"qwen2.5-coder:7b\",\"model\":\"qwen2.5-coder:7b\"},{\"name\":\"llama3.2:latest\",\"model\":\"llama3.2:latest\"}]}";
        let (base, _) = serve(vec![tags.to_string()]);
        assert_eq!(
            probe(&base),
            Some(vec![
                "qwen2.5-coder:7b".to_string(),
                "llama3.2:latest".to_string()
            ])
        );
    }

    #[test]
    fn a_reply_cut_off_at_the_length_limit_is_an_error() {
        let cut = STREAM.replace("\"done_reason\":\"stop\"", "\"done_reason\":\"length\"");
        let error = collect::<Stream>(&cut).expect_err("cut off");
        assert!(matches!(error, Error::CutOff { .. }), "{error:?}");
    }

    #[test]
    fn tool_calls_arrive_with_object_arguments() {
        let stream = concat!(
            "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"describe_table\",\"arguments\":{\"table\":\"film\"}}}]},\"done\":false}\n",
            "{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\",\"prompt_eval_count\":20,\"eval_count\":5}\n",
        );
        let (reply, _) = collect::<Stream>(stream).expect("complete");
        assert_eq!(reply.tool_calls.len(), 1);
        assert_eq!(reply.tool_calls[0].name, "describe_table");
        assert_eq!(reply.tool_calls[0].arguments, json!({"table": "film"}));
    }

    #[test]
    fn tools_calls_and_results_go_in_the_native_shape() {
        let body = Ollama::new("m", None, quick())
            .build_request(&crate::llm::tests::tool_round())
            .body;
        assert_eq!(body["tools"][0]["function"]["name"], "describe_table");
        assert_eq!(
            body["messages"][2]["tool_calls"][0],
            json!({"function": {"name": "describe_table", "arguments": {"table": "film"}}})
        );
        assert_eq!(
            body["messages"][3],
            json!({"role": "tool", "tool_name": "describe_table", "content": "film(id int)"})
        );
    }
}
