//! Google Gemini (Generative Language API):
//! `POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse`.
//!
//! Invariant: requests always stream as server-sent events, carry the key in
//! `x-goog-api-key` (never in the URL), put the system text in
//! `systemInstruction` and use the roles `user` and `model`. Each chunk is a
//! whole response object with a new piece of text and running usage; the
//! chunk with a `finishReason` ends the answer, and a safety or policy
//! reason (or a blocked prompt) is an [`Error::Blocked`] naming it, and
//! `MAX_TOKENS` an [`Error::CutOff`].

use serde_json::{Value, json};

use super::client::{Client, Wire};
use super::error::{self, Callee, ErrorBody};
use super::framing::{Decoder, Step};
use super::http::{ApiKey, HttpRequest};
use super::transport::Transport;
use super::{Error, Message, Reply, Request, Role, ToolCall, Usage, sse};

/// The model used when none is configured.
pub const DEFAULT_MODEL: &str = "gemini-3.5-flash";
/// The API's address when `GEMINI_BASE_URL` is unset (without the version).
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";
/// The variable holding the key.
pub const KEY_VAR: &str = "GEMINI_API_KEY";
/// The variable read for the key when [`KEY_VAR`] is unset.
pub const ALT_KEY_VAR: &str = "GOOGLE_API_KEY";
/// The variable overriding the address.
pub const BASE_VAR: &str = "GEMINI_BASE_URL";

/// Finish reasons that mean the answer was withheld, not completed.
const BLOCKED: [&str; 7] = [
    "SAFETY",
    "RECITATION",
    "LANGUAGE",
    "BLOCKLIST",
    "PROHIBITED_CONTENT",
    "SPII",
    "IMAGE_SAFETY",
];

/// A model at Gemini.
pub type Gemini = Client<GenerateContent>;

/// The generateContent protocol at one address.
pub struct GenerateContent {
    /// The base with its API version (`…/v1beta`).
    versioned: String,
    key: ApiKey,
}

impl Gemini {
    /// A client for `model` (`gemini-2.5-flash` or `models/gemini-2.5-flash`);
    /// `base_url` defaults to [`DEFAULT_BASE_URL`] and gets `/v1beta` unless
    /// it already ends in an API version.
    pub fn new(model: &str, base_url: Option<&str>, key: ApiKey, transport: Transport) -> Gemini {
        let base = base_url.unwrap_or(DEFAULT_BASE_URL).trim_end_matches('/');
        let versioned = if base.ends_with("/v1beta") || base.ends_with("/v1") {
            base.to_string()
        } else {
            format!("{base}/v1beta")
        };
        let callee = Callee {
            provider: "gemini",
            model: model.strip_prefix("models/").unwrap_or(model).to_string(),
            key_var: KEY_VAR.into(),
            base_var: BASE_VAR,
        };
        Client::with_wire(callee, GenerateContent { versioned, key }, transport)
    }
}

impl GenerateContent {
    fn key_header(&self) -> (String, String) {
        ("x-goog-api-key".into(), self.key.expose().to_string())
    }
}

impl Wire for GenerateContent {
    type Stream = Stream;

    fn build(&self, model: &str, request: &Request) -> HttpRequest {
        let contents: Vec<Value> = request.messages.iter().map(content).collect();
        let mut body = json!({
            "contents": contents,
            "generationConfig": {"maxOutputTokens": request.max_tokens},
        });
        if !request.tools.is_empty() {
            let declarations: Vec<Value> = request
                .tools
                .iter()
                .map(|tool| tool.declaration("parametersJsonSchema"))
                .collect();
            body["tools"] = json!([{"functionDeclarations": declarations}]);
            if request.calls_closed {
                body["toolConfig"] = json!({"functionCallingConfig": {"mode": "NONE"}});
            }
        }
        if !request.system.is_empty() {
            body["systemInstruction"] = json!({"parts": [{"text": request.system}]});
        }
        HttpRequest {
            url: format!(
                "{}/models/{model}:streamGenerateContent?alt=sse",
                self.versioned
            ),
            headers: vec![
                self.key_header(),
                ("Content-Type".into(), "application/json".into()),
                ("Accept".into(), "text/event-stream".into()),
            ],
            body,
        }
    }

    fn models_request(&self, _ctx: &Callee) -> Result<HttpRequest, Error> {
        Ok(HttpRequest {
            url: format!("{}/models?pageSize=1000", self.versioned),
            headers: vec![self.key_header()],
            body: Value::Null,
        })
    }

    /// Only the models that answer `generateContent`, without `models/`.
    fn parse_models(&self, body: &Value) -> Vec<String> {
        let mut ids: Vec<String> = body
            .get("models")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter(|model| {
                model["supportedGenerationMethods"]
                    .as_array()
                    .is_some_and(|methods| methods.iter().any(|m| m == "generateContent"))
            })
            .filter_map(|model| model["name"].as_str())
            .map(|name| name.strip_prefix("models/").unwrap_or(name).to_string())
            .collect();
        ids.sort();
        ids
    }
}

/// One turn as Gemini content: text parts, `functionCall` parts for the
/// model's calls (with the `thoughtSignature` each came with: Gemini 3
/// refuses a call sent back without it) and `functionResponse` parts (in a
/// user turn) for results.
fn content(m: &Message) -> Value {
    if !m.tool_results.is_empty() {
        let text = (!m.content.is_empty()).then(|| json!({"text": m.content}));
        let parts: Vec<Value> = m
            .tool_results
            .iter()
            .map(|r| {
                json!({"functionResponse": {
                    "name": r.name,
                    "response": {"content": r.content},
                }})
            })
            .chain(text)
            .collect();
        return json!({"role": "user", "parts": parts});
    }
    let role = match m.role {
        Role::User => "user",
        Role::Assistant => "model",
    };
    let text =
        (!m.content.is_empty() || m.tool_calls.is_empty()).then(|| json!({"text": m.content}));
    let parts: Vec<Value> = text
        .into_iter()
        .chain(m.tool_calls.iter().map(|call| {
            let mut part = json!({"functionCall": {"name": call.name, "args": call.arguments}});
            if let Some(signature) = &call.signature {
                part["thoughtSignature"] = signature.as_str().into();
            }
            part
        }))
        .collect();
    json!({"role": role, "parts": parts})
}

/// Decoder state for one streamGenerateContent stream.
#[derive(Default)]
pub struct Stream {
    reply: Reply,
}

impl Decoder for Stream {
    fn event(
        &mut self,
        event: &sse::Event,
        callee: &Callee,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Step, Error> {
        let chunk: Value = serde_json::from_str(&event.data)
            .map_err(|e| callee.bad_response(format!("a stream chunk is not JSON ({e})")))?;
        if chunk.get("error").is_some_and(|e| !e.is_null()) {
            return Err(error::classify(callee, None, &ErrorBody::from_json(&chunk)));
        }
        if let Some(usage) = chunk.get("usageMetadata").filter(|u| u.is_object()) {
            self.reply.usage = Some(parse_usage(usage));
        }
        if let Some(reason) = chunk
            .pointer("/promptFeedback/blockReason")
            .and_then(Value::as_str)
        {
            return Err(callee.blocked(format!("the question was blocked: {reason}")));
        }
        let Some(candidate) = chunk.pointer("/candidates/0") else {
            return Ok(Step::More);
        };
        let parts = candidate
            .pointer("/content/parts")
            .and_then(Value::as_array);
        for part in parts.into_iter().flatten() {
            if part.get("thought").and_then(Value::as_bool) == Some(true) {
                continue;
            }
            if let Some(text) = part.get("text").and_then(Value::as_str)
                && !text.is_empty()
            {
                self.reply.text.push_str(text);
                on_text(text);
            }
            if let Some(call) = part.get("functionCall") {
                let position = self.reply.tool_calls.len();
                let mut decoded = ToolCall::new(
                    call["id"].as_str().unwrap_or_default().to_string(),
                    call["name"].as_str().unwrap_or_default().to_string(),
                    call.get("args").cloned().unwrap_or_else(|| json!({})),
                    position,
                );
                // A sibling of the call in the part; older models nested it.
                decoded.signature = part
                    .get("thoughtSignature")
                    .or_else(|| call.get("thoughtSignature"))
                    .and_then(Value::as_str)
                    .map(str::to_string);
                self.reply.tool_calls.push(decoded);
            }
        }
        match candidate.get("finishReason").and_then(Value::as_str) {
            Some(reason) if BLOCKED.contains(&reason) => {
                Err(callee.blocked(format!("finish reason {reason}")))
            }
            Some(reason @ "MAX_TOKENS") => Err(callee.cut_off(reason)),
            Some(reason) => {
                self.reply.finish_reason = Some(reason.to_string());
                Ok(Step::Done)
            }
            None => Ok(Step::More),
        }
    }

    fn finish(self) -> Reply {
        self.reply
    }
}

/// Reasoning (`thoughtsTokenCount`) is billed as output but not counted in
/// `candidatesTokenCount`, so it is added to the output.
fn parse_usage(usage: &Value) -> Usage {
    let count = |key: &str| usage.get(key).and_then(Value::as_u64);
    let thoughts = count("thoughtsTokenCount");
    Usage {
        input_tokens: count("promptTokenCount").unwrap_or(0),
        output_tokens: count("candidatesTokenCount").unwrap_or(0) + thoughts.unwrap_or(0),
        cached_tokens: count("cachedContentTokenCount"),
        reasoning_tokens: thoughts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::Provider;
    use crate::llm::tests::{collect, quick, serve};

    fn request() -> Request {
        crate::llm::tests::conversation()
    }

    fn client(base: Option<&str>) -> Gemini {
        let transport = quick();
        Gemini::new(
            "gemini-2.5-flash",
            base,
            ApiKey::new("AIza-secret"),
            transport,
        )
    }

    /// The stream from the protocol notes: running usage, no end marker.
    const STREAM: &str = concat!(
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"SELECT count(*)\"}],\"role\":\"model\"},\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":31,\"candidatesTokenCount\":4,\"totalTokenCount\":35},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}\r\n\r\n",
        "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" FROM film;\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":31,\"candidatesTokenCount\":9,\"totalTokenCount\":52,\"thoughtsTokenCount\":12,\"cachedContentTokenCount\":16},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}\r\n\r\n",
    );

    #[test]
    fn the_request_has_system_instruction_roles_and_the_key_header() {
        let http = client(None).build_request(&request());
        assert_eq!(
            http.url,
            "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
        );
        assert_eq!(http.header("x-goog-api-key"), Some("AIza-secret"));
        assert_eq!(
            http.body,
            json!({
                "systemInstruction": {"parts": [{"text": "You write PostgreSQL."}]},
                "contents": [
                    {"role": "user", "parts": [{"text": "How many films?"}]},
                    {"role": "model", "parts": [{"text": "SELECT count(*) FROM film;"}]},
                    {"role": "user", "parts": [{"text": "And actors?"}]},
                ],
                "generationConfig": {"maxOutputTokens": 2048},
            })
        );
        let preview = client(None).preview(&request());
        assert!(!preview.to_string().contains("AIza-secret"), "{preview}");
    }

    #[test]
    fn a_versioned_base_and_a_models_prefix_are_accepted() {
        let provider = Gemini::new(
            "models/gemini-2.5-pro",
            Some("http://127.0.0.1:9/v1beta/"),
            ApiKey::new("k"),
            Transport::default(),
        );
        assert_eq!(provider.model(), "gemini-2.5-pro");
        assert_eq!(
            provider.build_request(&request()).url,
            "http://127.0.0.1:9/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse"
        );
    }

    #[test]
    fn the_recorded_stream_decodes_into_text_usage_and_reason() {
        let (reply, deltas) = collect::<Stream>(STREAM).expect("complete");
        assert_eq!(deltas, vec!["SELECT count(*)", " FROM film;"]);
        assert_eq!(reply.text, "SELECT count(*) FROM film;");
        assert_eq!(reply.finish_reason.as_deref(), Some("STOP"));
        assert_eq!(
            reply.usage,
            Some(Usage {
                input_tokens: 31,
                output_tokens: 21,
                cached_tokens: Some(16),
                reasoning_tokens: Some(12),
            })
        );
    }

    #[test]
    fn a_stream_without_a_finish_reason_is_truncated() {
        let first = STREAM.split("\r\n\r\n").next().expect("a chunk");
        let error = collect::<Stream>(&format!("{first}\r\n\r\n")).expect_err("cut");
        assert!(matches!(error, Error::Truncated { .. }), "{error:?}");
    }

    #[test]
    fn safety_finish_reasons_and_blocked_prompts_name_the_reason() {
        let safety = "data: {\"candidates\":[{\"content\":{\"parts\":[],\"role\":\"model\"},\"finishReason\":\"SAFETY\",\"safetyRatings\":[{\"category\":\"HARM_CATEGORY_DANGEROUS_CONTENT\",\"probability\":\"HIGH\",\"blocked\":true}]}]}\n\n";
        let error = collect::<Stream>(safety).expect_err("blocked");
        assert!(matches!(error, Error::Blocked { .. }), "{error:?}");
        assert!(error.to_string().contains("SAFETY"), "{error}");
        let prompt = "data: {\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},\"usageMetadata\":{\"promptTokenCount\":8,\"totalTokenCount\":8}}\n\n";
        let error = collect::<Stream>(prompt).expect_err("blocked prompt");
        assert!(error.to_string().contains("PROHIBITED_CONTENT"), "{error}");
    }

    #[test]
    fn models_are_listed_when_they_generate_content() {
        let list = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"models\":[{\"name\":\"models/gemini-2.5-flash\",\"supportedGenerationMethods\":[\"generateContent\",\"countTokens\"]},{\"name\":\"models/text-embedding-004\",\"supportedGenerationMethods\":[\"embedContent\"]}]}";
        let (base, seen) = serve(vec![list.to_string()]);
        let models = client(Some(&base)).models().expect("a list");
        assert_eq!(models, ["gemini-2.5-flash"]);
        let requests = seen.join().expect("server thread");
        assert!(requests[0].starts_with("GET /v1beta/models?pageSize=1000 HTTP/1.1"));
        assert!(
            requests[0]
                .to_ascii_lowercase()
                .contains("x-goog-api-key: aiza-secret")
        );
    }

    #[test]
    fn a_bad_key_names_the_variable() {
        let denied = "HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"error\":{\"code\":400,\"message\":\"API key not valid. Please pass a valid API key.\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.ErrorInfo\",\"reason\":\"API_KEY_INVALID\"}]}}";
        let (base, _) = serve(vec![denied.to_string()]);
        let error = client(Some(&base))
            .stream(&request(), &mut |_| {})
            .expect_err("denied");
        assert!(matches!(error, Error::Auth { .. }), "{error:?}");
        assert!(error.to_string().contains("GEMINI_API_KEY"), "{error}");
    }

    #[test]
    fn a_reply_cut_off_at_max_tokens_is_an_error() {
        let cut = STREAM.replace(
            "\"finishReason\":\"STOP\"",
            "\"finishReason\":\"MAX_TOKENS\"",
        );
        let error = collect::<Stream>(&cut).expect_err("cut off");
        assert!(matches!(error, Error::CutOff { .. }), "{error:?}");
    }

    #[test]
    fn a_call_keeps_its_thought_signature_and_sends_it_back() {
        let stream = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"list_tables\",\"args\":{}},\"thoughtSignature\":\"c2ln\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}]}\n\n";
        let (reply, _) = collect::<Stream>(stream).expect("complete");
        assert_eq!(reply.tool_calls[0].signature.as_deref(), Some("c2ln"));
        let mut request = crate::llm::tests::tool_round();
        request.messages[1].tool_calls = reply.tool_calls;
        let body = client(None).build_request(&request).body;
        assert_eq!(
            body["contents"][1]["parts"][0],
            json!({"functionCall": {"name": "list_tables", "args": {}}, "thoughtSignature": "c2ln"})
        );
    }

    #[test]
    fn a_function_call_arrives_whole_and_gets_an_id() {
        let stream = "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"describe_table\",\"args\":{\"table\":\"film\"}}}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":31,\"candidatesTokenCount\":4}}\n\n";
        let (reply, deltas) = collect::<Stream>(stream).expect("complete");
        assert!(deltas.is_empty());
        assert_eq!(reply.tool_calls.len(), 1);
        assert_eq!(reply.tool_calls[0].id, "describe_table-0");
        assert_eq!(reply.tool_calls[0].arguments, json!({"table": "film"}));
    }

    #[test]
    fn tools_calls_and_results_go_as_function_parts() {
        let body = client(None)
            .build_request(&crate::llm::tests::tool_round())
            .body;
        let declared = &body["tools"][0]["functionDeclarations"][0];
        assert_eq!(declared["name"], "describe_table");
        assert_eq!(declared["parametersJsonSchema"]["type"], "object");
        assert_eq!(
            body["contents"][1],
            json!({"role": "model", "parts": [
                {"functionCall": {"name": "describe_table", "args": {"table": "film"}}}
            ]})
        );
        assert_eq!(
            body["contents"][2],
            json!({"role": "user", "parts": [
                {"functionResponse": {"name": "describe_table", "response": {"content": "film(id int)"}}}
            ]})
        );
    }
}
