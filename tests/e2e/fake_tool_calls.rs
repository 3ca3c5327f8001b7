//! Tool-call answers for the fake LLM servers, each in its provider's
//! framing: OpenAI and Azure `delta.tool_calls` fragments by index, the
//! arguments split mid-token, ending `finish_reason: "tool_calls"`;
//! Anthropic a `tool_use` block streamed as `input_json_delta` pieces,
//! `stop_reason: "tool_use"`; Gemini a whole `functionCall` part with the
//! `thoughtSignature` Gemini 3 wants back; Ollama
//! `message.tool_calls` with object arguments. And [`results`], which reads
//! the tool results a later request carries back, in each provider's shape.

use serde_json::{Value, json};

use crate::fake_llm::{Kind, data, stream_start};

/// The whole HTTP response calling `calls` (name, arguments).
pub(crate) fn response(kind: Kind, calls: &[(String, Value)], usage: (u64, u64)) -> Vec<u8> {
    let mut out = stream_start(kind);
    match kind {
        Kind::OpenAi | Kind::Keyless | Kind::Azure | Kind::AzureV1 => {
            openai(&mut out, calls, usage)
        }
        Kind::Anthropic => anthropic(&mut out, calls, usage),
        Kind::Gemini => gemini(&mut out, calls, usage),
        Kind::Ollama => ollama(&mut out, calls, usage),
    }
    out.into_bytes()
}

/// `text` cut in two near its middle (on a character boundary).
fn halves(text: &str) -> (&str, &str) {
    let mut middle = text.len() / 2;
    while !text.is_char_boundary(middle) {
        middle += 1;
    }
    text.split_at(middle)
}

fn openai(out: &mut String, calls: &[(String, Value)], (input, output): (u64, u64)) {
    let chunk = |delta: Value, finish: Value| {
        json!({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 1_760_000_000,
               "model": "gpt-5-mini-2025-08-07",
               "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
               "usage": null})
    };
    data(
        out,
        &chunk(json!({"role": "assistant", "content": null}), Value::Null),
    );
    for (index, (name, arguments)) in calls.iter().enumerate() {
        let opening = json!({"tool_calls": [{"index": index, "id": format!("call_{index}"), "type": "function",
                             "function": {"name": name, "arguments": ""}}]});
        data(out, &chunk(opening, Value::Null));
        let text = arguments.to_string();
        let (first, second) = halves(&text);
        for piece in [first, second] {
            let fragment =
                json!({"tool_calls": [{"index": index, "function": {"arguments": piece}}]});
            data(out, &chunk(fragment, Value::Null));
        }
    }
    data(out, &chunk(json!({}), json!("tool_calls")));
    let mut last = chunk(json!({}), Value::Null);
    last["choices"] = json!([]);
    last["usage"] = json!({"prompt_tokens": input, "completion_tokens": output,
                           "total_tokens": input + output});
    data(out, &last);
    out.push_str("data: [DONE]\n\n");
}

fn anthropic(out: &mut String, calls: &[(String, Value)], (input, output): (u64, u64)) {
    let mut event = |name: &str, value: Value| {
        out.push_str(&format!("event: {name}\ndata: {value}\n\n"));
    };
    event(
        "message_start",
        json!({"type": "message_start", "message": {"id": "msg_fake", "type": "message",
            "role": "assistant", "content": [], "model": "claude-sonnet-5", "stop_reason": null,
            "usage": {"input_tokens": input, "output_tokens": 1}}}),
    );
    for (index, (name, arguments)) in calls.iter().enumerate() {
        event(
            "content_block_start",
            json!({"type": "content_block_start", "index": index, "content_block":
                   {"type": "tool_use", "id": format!("toolu_{index}"), "name": name, "input": {}}}),
        );
        let text = arguments.to_string();
        let (first, second) = halves(&text);
        for piece in ["", first, second] {
            event(
                "content_block_delta",
                json!({"type": "content_block_delta", "index": index,
                       "delta": {"type": "input_json_delta", "partial_json": piece}}),
            );
        }
        event("ping", json!({"type": "ping"}));
        event(
            "content_block_stop",
            json!({"type": "content_block_stop", "index": index}),
        );
    }
    event(
        "message_delta",
        json!({"type": "message_delta", "delta": {"stop_reason": "tool_use", "stop_sequence": null},
               "usage": {"output_tokens": output}}),
    );
    event("message_stop", json!({"type": "message_stop"}));
}

fn gemini(out: &mut String, calls: &[(String, Value)], (input, output): (u64, u64)) {
    let parts: Vec<Value> = calls
        .iter()
        .enumerate()
        .map(|(n, (name, arguments))| {
            json!({"functionCall": {"name": name, "args": arguments},
                   "thoughtSignature": format!("fake-signature-{n}")})
        })
        .collect();
    data(
        out,
        &json!({"candidates": [{"content": {"parts": parts, "role": "model"}, "finishReason": "STOP", "index": 0}],
                "usageMetadata": {"promptTokenCount": input, "candidatesTokenCount": output,
                                  "totalTokenCount": input + output},
                "modelVersion": "gemini-3.5-flash", "responseId": "fake-response"}),
    );
}

fn ollama(out: &mut String, calls: &[(String, Value)], (input, output): (u64, u64)) {
    let tool_calls: Vec<Value> = calls
        .iter()
        .map(|(name, arguments)| json!({"function": {"name": name, "arguments": arguments}}))
        .collect();
    for line in [
        json!({"model": "fake", "created_at": "2025-05-01T10:00:00Z",
               "message": {"role": "assistant", "content": "", "tool_calls": tool_calls}, "done": false}),
        json!({"model": "fake", "created_at": "2025-05-01T10:00:01Z",
               "message": {"role": "assistant", "content": ""}, "done": true, "done_reason": "stop",
               "prompt_eval_count": input, "eval_count": output}),
    ] {
        out.push_str(&format!("{line}\n"));
    }
}

/// The tool results a request's body carries back, as (call id or tool
/// name, text), in the order sent: OpenAI/Azure `role: "tool"` messages
/// (by `tool_call_id`), Anthropic `tool_result` blocks in a user turn (by
/// `tool_use_id`), Gemini `functionResponse` parts (by name), Ollama
/// `role: "tool"` messages (by `tool_name`).
pub fn results(body: &Value) -> Vec<(String, String)> {
    let text = |value: &Value| value.as_str().unwrap_or_default().to_string();
    let mut found = Vec::new();
    for message in body["messages"].as_array().into_iter().flatten() {
        if message["role"] == "tool" {
            let by = if message.get("tool_call_id").is_some() {
                &message["tool_call_id"]
            } else {
                &message["tool_name"]
            };
            found.push((text(by), text(&message["content"])));
        }
        for block in message["content"].as_array().into_iter().flatten() {
            if block["type"] == "tool_result" {
                found.push((text(&block["tool_use_id"]), text(&block["content"])));
            }
        }
    }
    for content in body["contents"].as_array().into_iter().flatten() {
        for part in content["parts"].as_array().into_iter().flatten() {
            if let Some(response) = part.get("functionResponse") {
                found.push((
                    text(&response["name"]),
                    text(&response["response"]["content"]),
                ));
            }
        }
    }
    found
}

/// The names of the tools a request offers, in any provider's shape.
pub fn offered(body: &Value) -> Vec<String> {
    let tools = body["tools"].as_array().cloned().unwrap_or_default();
    let declarations = tools.iter().flat_map(|tool| {
        tool["functionDeclarations"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    });
    tools
        .iter()
        .filter_map(|tool| tool["function"]["name"].as_str().or(tool["name"].as_str()))
        .map(str::to_string)
        .chain(declarations.filter_map(|d| d["name"].as_str().map(str::to_string)))
        .collect()
}
