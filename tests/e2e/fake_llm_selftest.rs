//! Tests of the fake LLM servers themselves, over raw TCP: the bytes they
//! send must look like the providers' real framing, whatever glance does.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::panic::{self, AssertUnwindSafe};

use serde_json::{Value, json};

use crate::fake_llm::{self, FakeLlm, KEY, Reply};

/// A raw response: status code, head, body.
struct Raw {
    status: u16,
    head: String,
    body: String,
}

impl Raw {
    /// The JSON of every `data:` line that is not `[DONE]`, with the
    /// preceding `event:` name if any.
    fn events(&self) -> Vec<(Option<String>, Value)> {
        let mut events = Vec::new();
        for block in self.body.split("\n\n") {
            let mut name = None;
            for line in block.lines() {
                if let Some(value) = line.strip_prefix("event: ") {
                    name = Some(value.to_string());
                }
                if let Some(value) = line.strip_prefix("data: ")
                    && value != "[DONE]"
                {
                    let json = serde_json::from_str(value)
                        .unwrap_or_else(|e| panic!("data is not JSON ({e}): {value}"));
                    events.push((name.clone(), json));
                }
            }
        }
        events
    }
}

fn post(base: &str, path: &str, headers: &[(&str, &str)], body: &Value) -> Raw {
    exchange(base, "POST", path, headers, Some(&body.to_string()))
}

fn get(base: &str, path: &str, headers: &[(&str, &str)]) -> Raw {
    exchange(base, "GET", path, headers, None)
}

/// Sends one request over raw TCP and reads the response to the close.
fn exchange(
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Raw {
    let address = base
        .trim_start_matches("http://")
        .split('/')
        .next()
        .expect("host:port");
    let mut stream = TcpStream::connect(address).expect("connect to the fake");
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\n");
    if let Some(body) = body {
        request.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body.unwrap_or_default());
    stream.write_all(request.as_bytes()).expect("send");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read to close");
    let response = String::from_utf8(response).expect("UTF-8 response");
    let (head, body) = response.split_once("\r\n\r\n").expect("a head");
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    Raw {
        status,
        head: head.to_string(),
        body: body.to_string(),
    }
}

const ANSWER: &str = "Here:\n```sql\nSELECT count(*) FROM film;\n```\nDone — ✓";

fn bearer() -> String {
    format!("Bearer {KEY}")
}

fn openai_post(fake: &FakeLlm, auth: &str) -> Raw {
    post(
        &fake.url(),
        "/v1/chat/completions",
        &[("Authorization", auth)],
        &json!({"model": "gpt-5-mini", "stream": true, "messages": [{"role": "user", "content": "hi"}]}),
    )
}

fn anthropic_post(fake: &FakeLlm, key: &str) -> Raw {
    post(
        &fake.url(),
        "/v1/messages",
        &[("x-api-key", key), ("anthropic-version", "2023-06-01")],
        &json!({"model": "claude-sonnet-5", "max_tokens": 10, "stream": true,
                "messages": [{"role": "user", "content": "hi"}]}),
    )
}

#[test]
fn deltas_split_words_and_code_fences() {
    let pieces = fake_llm::deltas(ANSWER);
    assert_eq!(pieces.concat(), ANSWER);
    assert!(pieces.len() > 5);
    assert!(pieces.iter().any(|p| p.contains('`') && !p.contains("```")));
    assert!(!pieces.contains(&"SELECT".to_string()));
}

#[test]
fn openai_text_streams_in_the_wire_format() {
    let fake = FakeLlm::openai(vec![Reply::text(ANSWER)]);
    fake.set_usage(100, 7);
    assert!(fake.url().ends_with("/v1"));
    let raw = openai_post(&fake, &bearer());
    assert_eq!(raw.status, 200);
    assert!(raw.head.contains("Content-Type: text/event-stream"));
    assert!(raw.body.contains("\n\n: keep-alive\n\n"));
    assert!(raw.body.ends_with("data: [DONE]\n\n"));
    let events = raw.events();
    assert_eq!(
        events[0].1["choices"][0]["delta"],
        json!({"role": "assistant", "content": "", "refusal": null})
    );
    let text: String = events
        .iter()
        .filter_map(|(_, e)| e["choices"][0]["delta"]["content"].as_str())
        .collect();
    assert_eq!(text, ANSWER);
    let finish = &events[events.len() - 2].1;
    assert_eq!(finish["choices"][0]["finish_reason"], "stop");
    let usage = &events[events.len() - 1].1;
    assert_eq!(usage["choices"], json!([]));
    assert_eq!(usage["usage"]["prompt_tokens"], 100);
    assert_eq!(usage["usage"]["completion_tokens"], 7);
    assert_eq!(fake.remaining(), 0);
}

#[test]
fn anthropic_text_streams_in_the_wire_format() {
    let fake = FakeLlm::anthropic(vec![Reply::text(ANSWER)]);
    assert!(!fake.url().ends_with("/v1"));
    let raw = anthropic_post(&fake, KEY);
    assert_eq!(raw.status, 200);
    let events = raw.events();
    let names: Vec<&str> = events.iter().filter_map(|(n, _)| n.as_deref()).collect();
    assert_eq!(names.first(), Some(&"message_start"));
    assert_eq!(names.last(), Some(&"message_stop"));
    assert!(names.iter().filter(|n| **n == "ping").count() >= 2);
    for (name, data) in &events {
        assert_eq!(name.as_deref(), data["type"].as_str(), "name repeats type");
    }
    let text: String = events
        .iter()
        .filter_map(|(_, e)| e["delta"]["text"].as_str())
        .collect();
    assert_eq!(text, ANSWER);
    assert_eq!(events[0].1["message"]["usage"]["input_tokens"], 812);
    let delta = events
        .iter()
        .find(|(n, _)| n.as_deref() == Some("message_delta"))
        .expect("message_delta");
    assert_eq!(delta.1["usage"]["output_tokens"], 64);
    assert_eq!(delta.1["delta"]["stop_reason"], "end_turn");
}

#[test]
fn truncated_replies_stop_before_the_end_marker() {
    let fake = FakeLlm::openai(vec![Reply::Truncated("SELECT 1".into())]);
    let raw = openai_post(&fake, &bearer());
    assert!(raw.body.contains("\"SE\""));
    assert!(!raw.body.contains("[DONE]") && !raw.body.contains("finish_reason\":\"stop"));
    let fake = FakeLlm::anthropic(vec![Reply::Truncated("SELECT 1".into())]);
    let raw = anthropic_post(&fake, KEY);
    assert!(!raw.body.contains("message_stop") && !raw.body.contains("message_delta"));
}

#[test]
fn statuses_carry_real_bodies_and_retry_after() {
    let fake = FakeLlm::anthropic(vec![
        Reply::Status(529, String::new(), Some(2)),
        Reply::Status(400, "{\"custom\":true}".into(), None),
    ]);
    let raw = anthropic_post(&fake, KEY);
    assert_eq!(raw.status, 529);
    assert!(raw.head.contains("retry-after: 2"));
    let body: Value = serde_json::from_str(&raw.body).expect("JSON");
    assert_eq!(body["error"]["type"], "overloaded_error");
    let raw = anthropic_post(&fake, KEY);
    assert_eq!((raw.status, raw.body.as_str()), (400, "{\"custom\":true}"));
    let raw = anthropic_post(&fake, KEY);
    assert_eq!(raw.status, 400);
    assert!(raw.body.contains("no more replies"));
}

#[test]
fn a_wrong_key_or_path_is_refused_without_using_the_script() {
    let fake = FakeLlm::openai(vec![Reply::text("SELECT 1;")]);
    let raw = openai_post(&fake, "Bearer sk-wrong");
    assert_eq!(raw.status, 401);
    let body: Value = serde_json::from_str(&raw.body).expect("JSON");
    assert_eq!(body["error"]["code"], "invalid_api_key");
    let raw = post(&fake.url(), "/v1/completions", &[], &json!({}));
    assert_eq!(raw.status, 404);
    assert_eq!(fake.remaining(), 1);
    fake.expect_unused(1);
    let fake = FakeLlm::anthropic(vec![Reply::text("x")]);
    assert_eq!(anthropic_post(&fake, "nope").status, 401);
    assert_eq!(fake.remaining(), 1);
    fake.expect_unused(1);
}

#[test]
fn requests_are_recorded_with_headers_and_json_bodies() {
    let fake = FakeLlm::openai(vec![Reply::text("ok")]);
    assert!(fake.requests().is_empty());
    openai_post(&fake, &bearer());
    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/v1/chat/completions");
    assert_eq!(request.header("AUTHORIZATION"), Some(bearer().as_str()));
    assert_eq!(request.body["model"], "gpt-5-mini");
    assert_eq!(request.body["stream"], true);
    let env = fake.env();
    assert_eq!(env[0], ("OPENAI_BASE_URL", fake.url()));
    assert_eq!((env[1].0, env[1].1.as_str()), ("OPENAI_API_KEY", KEY));
    let fake = FakeLlm::anthropic(Vec::new());
    assert_eq!(fake.env()[1].0, "ANTHROPIC_API_KEY");
}

fn gemini_post(fake: &FakeLlm, model: &str, key: &str) -> Raw {
    post(
        &fake.url(),
        &format!("/v1beta/models/{model}:streamGenerateContent?alt=sse"),
        &[("x-goog-api-key", key)],
        &json!({"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}),
    )
}

#[test]
fn gemini_streams_whole_chunks_with_running_usage_and_no_end_marker() {
    let fake = FakeLlm::gemini(vec![Reply::text(ANSWER), Reply::Blocked("SAFETY".into())]);
    fake.set_usage(31, 9);
    let raw = gemini_post(&fake, "gemini-3.5-flash", KEY);
    assert_eq!(raw.status, 200);
    assert!(raw.head.contains("text/event-stream"));
    let events = raw.events();
    assert!(events.len() > 1);
    let text: String = events
        .iter()
        .filter_map(|(_, e)| e["candidates"][0]["content"]["parts"][0]["text"].as_str())
        .collect();
    assert_eq!(text, ANSWER);
    let last = &events[events.len() - 1].1;
    assert_eq!(last["candidates"][0]["finishReason"], "STOP");
    assert_eq!(last["usageMetadata"]["promptTokenCount"], 31);
    assert_eq!(last["usageMetadata"]["candidatesTokenCount"], 9);
    assert!(events[0].1["candidates"][0].get("finishReason").is_none());
    assert!(!raw.body.contains("[DONE]"));
    let raw = gemini_post(&fake, "gemini-3.5-flash", KEY);
    assert_eq!(raw.events()[0].1["candidates"][0]["finishReason"], "SAFETY");
}

#[test]
fn gemini_refuses_a_bad_key_with_400_and_an_unknown_model_with_404() {
    let fake = FakeLlm::gemini(vec![Reply::text("x")]);
    let raw = gemini_post(&fake, "gemini-3.5-flash", "AIza-wrong");
    assert_eq!(raw.status, 400);
    let body: Value = serde_json::from_str(&raw.body).expect("JSON");
    assert_eq!(body["error"]["status"], "INVALID_ARGUMENT");
    assert_eq!(body["error"]["details"][0]["reason"], "API_KEY_INVALID");
    let raw = gemini_post(&fake, "gemini-9", KEY);
    assert_eq!(raw.status, 404);
    assert!(raw.body.contains("models/gemini-9 is not found"));
    let raw = gemini_post(&fake, "text-embedding-004", KEY);
    assert_eq!(raw.status, 404, "an embedding model does not generate");
    assert_eq!(fake.remaining(), 1);
    fake.expect_unused(1);
    let raw = get(
        &fake.url(),
        "/v1beta/models?pageSize=1000",
        &[("x-goog-api-key", KEY)],
    );
    let body: Value = serde_json::from_str(&raw.body).expect("JSON");
    assert_eq!(body["models"][0]["name"], "models/gemini-3.5-flash");
    assert_eq!(body["models"].as_array().map(Vec::len), Some(3));
}

#[test]
fn azure_answers_both_url_shapes_with_the_api_key_header_and_a_filter_chunk() {
    let fake = FakeLlm::azure(vec![Reply::text("SELECT 1;")]);
    let body = json!({"messages": [{"role": "user", "content": "hi"}], "stream": true});
    let raw = post(
        &fake.url(),
        "/openai/deployments/prod/chat/completions",
        &[("api-key", KEY)],
        &body,
    );
    assert_eq!(raw.status, 404, "the classic form needs an api-version");
    let path = "/openai/deployments/prod/chat/completions?api-version=2024-10-21";
    let raw = post(&fake.url(), path, &[("Authorization", &bearer())], &body);
    assert_eq!(raw.status, 401, "Azure wants the api-key header");
    let raw = post(&fake.url(), path, &[("api-key", KEY)], &body);
    assert_eq!(raw.status, 200);
    let events = raw.events();
    assert_eq!(events[0].1["choices"], json!([]));
    assert!(events[0].1["prompt_filter_results"].is_array());
    assert!(raw.body.ends_with("data: [DONE]\n\n"));
    assert_eq!(fake.env()[0], ("AZURE_OPENAI_ENDPOINT", fake.url()));

    let fake = FakeLlm::azure_v1(vec![Reply::text("SELECT 1;")]);
    assert!(fake.url().ends_with("/openai/v1"));
    let raw = post(
        &fake.url(),
        "/openai/v1/chat/completions",
        &[("api-key", KEY)],
        &body,
    );
    assert_eq!(raw.status, 200);
    let raw = get(&fake.url(), "/openai/v1/models", &[("api-key", KEY)]);
    assert!(raw.body.contains("\"gpt-5-mini\""));
}

#[test]
fn ollama_streams_ndjson_lists_tags_and_refuses_a_model_not_pulled() {
    let fake = FakeLlm::ollama(vec![Reply::text(ANSWER)]);
    fake.set_usage(26, 282);
    assert_eq!(fake.env()[0].0, "OLLAMA_HOST");
    assert!(!fake.url().contains("://"));
    let body = json!({"model": "llama3.2", "stream": true, "messages": [{"role": "user", "content": "hi"}]});
    let raw = post(&fake.url(), "/api/chat", &[], &body);
    assert_eq!(raw.status, 200);
    assert!(raw.head.contains("application/x-ndjson"));
    let lines: Vec<Value> = raw
        .body
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is JSON"))
        .collect();
    let text: String = lines
        .iter()
        .filter_map(|l| l["message"]["content"].as_str())
        .collect();
    assert_eq!(text, ANSWER);
    let last = lines.last().expect("a last line");
    assert_eq!(last["done"], true);
    assert_eq!(
        (
            last["prompt_eval_count"].as_u64(),
            last["eval_count"].as_u64()
        ),
        (Some(26), Some(282))
    );
    let missing = json!({"model": "llama9", "messages": []});
    let raw = post(&fake.url(), "/api/chat", &[], &missing);
    assert_eq!(raw.status, 404);
    assert!(
        raw.body
            .contains("model \\\"llama9\\\" not found, try pulling it first")
    );
    let raw = get(&fake.url(), "/api/tags", &[]);
    let tags: Value = serde_json::from_str(&raw.body).expect("JSON");
    assert_eq!(tags["models"][0]["name"], fake_llm::OLLAMA_MODELS[0]);
}

/// The message of the panic `run` ends in, or `None` when it returns.
fn panic_message(run: impl FnOnce()) -> Option<String> {
    let payload = panic::catch_unwind(AssertUnwindSafe(run)).err()?;
    Some(
        payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default(),
    )
}

#[test]
fn a_fake_dropped_with_replies_never_requested_fails_naming_them() {
    let message = panic_message(|| {
        let fake = FakeLlm::openai(vec![
            Reply::text("SELECT 1;"),
            Reply::text("the answer nobody asked for"),
        ]);
        assert_eq!(openai_post(&fake, &bearer()).status, 200);
    })
    .expect("dropping a fake with an unused reply fails");
    assert!(
        message.contains("1 scripted reply never requested"),
        "{message}"
    );
    assert!(message.contains("the answer nobody asked for"), "{message}");
    assert!(message.contains("received 1 request"), "{message}");
    assert!(
        !message.contains("SELECT 1;"),
        "the served reply is not named: {message}"
    );

    // Refused requests (wrong key, wrong path) consume nothing, so they do
    // not count as using the script.
    let message = panic_message(|| {
        let fake = FakeLlm::anthropic(vec![Reply::Status(529, String::new(), None)]);
        assert_eq!(anthropic_post(&fake, "wrong-key").status, 401);
    })
    .expect("a script only refused requests reached is unused");
    assert!(message.contains("Status(529"), "{message}");
}

#[test]
fn a_fake_whose_script_was_served_or_empty_drops_quietly() {
    let served = panic_message(|| {
        let fake = FakeLlm::gemini(vec![Reply::text("SELECT 1;")]);
        assert_eq!(gemini_post(&fake, "gemini-3.5-flash", KEY).status, 200);
    });
    assert_eq!(served, None);
    let empty = panic_message(|| {
        let fake = FakeLlm::ollama(Vec::new());
        // Model lists are not scripted replies.
        assert_eq!(get(&fake.url(), "/api/tags", &[]).status, 200);
    });
    assert_eq!(empty, None);
}

#[test]
fn expect_unused_allows_exactly_that_many_replies_left() {
    let exact = panic_message(|| {
        let fake = FakeLlm::openai(vec![Reply::text("SELECT 1;"), Reply::text("spare")]);
        assert_eq!(openai_post(&fake, &bearer()).status, 200);
        fake.expect_unused(1);
    });
    assert_eq!(exact, None);
    let too_many = panic_message(|| {
        let fake = FakeLlm::openai(vec![Reply::text("a"), Reply::text("b"), Reply::text("c")]);
        fake.expect_unused(1);
    })
    .expect("more replies left than expected fails");
    assert!(
        too_many.contains("3 scripted replies never requested"),
        "{too_many}"
    );
    assert!(too_many.contains("expected 1"), "{too_many}");
    let too_few = panic_message(|| {
        let fake = FakeLlm::openai(vec![Reply::text("SELECT 1;")]);
        fake.expect_unused(1);
        assert_eq!(openai_post(&fake, &bearer()).status, 200);
    })
    .expect("fewer replies left than expected fails too");
    assert!(
        too_few.contains("0 scripted replies never requested"),
        "{too_few}"
    );
}

#[test]
fn a_test_already_failing_keeps_its_own_message() {
    let message = panic_message(|| {
        let _fake = FakeLlm::openai(vec![Reply::text("never served")]);
        panic!("the test's own failure");
    });
    assert_eq!(message.as_deref(), Some("the test's own failure"));
}
