//! JSON-RPC 2.0 as MCP's stdio transport carries it: one message per line,
//! no embedded newlines. Reading a line gives a [`Message`]; the builders
//! give the lines glance writes (as the MCP server `glance mcp`, and as
//! the client of `[mcp.NAME]` servers). Pure: no I/O.

use serde_json::{Value as Json, json};

/// The error codes glance answers with.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const METHOD_NOT_FOUND: i64 = -32601;
pub const INVALID_PARAMS: i64 = -32602;

/// One message from the client.
#[derive(Clone, Debug, PartialEq)]
pub enum Message {
    /// A request: it gets exactly one response with its `id`.
    Request {
        id: Json,
        method: String,
        params: Json,
    },
    /// A notification: no answer.
    Notification { method: String, params: Json },
    /// The answer to a request glance sent (an elicitation).
    Response {
        id: Json,
        result: Result<Json, Json>,
    },
}

/// Reads one line; `Err` is the error response to write (with a null id
/// when the line held none).
pub fn parse(line: &str) -> Result<Message, String> {
    let value: Json = serde_json::from_str(line)
        .map_err(|e| error(&Json::Null, PARSE_ERROR, &format!("not JSON: {e}")))?;
    if value.is_array() {
        return Err(error(
            &Json::Null,
            INVALID_REQUEST,
            "glance does not take batches (MCP dropped them in 2025-06-18); send one message \
             per line",
        ));
    }
    let id = value.get("id").cloned();
    let null = Json::Null;
    let answer_id = match value.get("id") {
        Some(id) if valid_id(id) => id,
        _ => &null,
    };
    let invalid = |why: &str| error(answer_id, INVALID_REQUEST, why);
    if value.get("jsonrpc") != Some(&json!("2.0")) {
        return Err(invalid("expected \"jsonrpc\": \"2.0\""));
    }
    let params = || value.get("params").cloned().unwrap_or(Json::Null);
    match (value.get("method"), id) {
        (Some(Json::String(_)), Some(id)) if !valid_id(&id) => {
            Err(invalid("\"id\" must be a string or an integer"))
        }
        (Some(Json::String(method)), Some(id)) => Ok(Message::Request {
            id,
            method: method.clone(),
            params: params(),
        }),
        (Some(Json::String(method)), None) => Ok(Message::Notification {
            method: method.clone(),
            params: params(),
        }),
        (Some(_), _) => Err(invalid("\"method\" must be a string")),
        (None, Some(id)) => {
            let result = match (value.get("result"), value.get("error")) {
                (Some(result), None) => Ok(result.clone()),
                (None, Some(error)) => Err(error.clone()),
                _ => return Err(invalid("a response holds either \"result\" or \"error\"")),
            };
            Ok(Message::Response { id, result })
        }
        (None, None) => Err(invalid("neither a request, a notification nor a response")),
    }
}

/// Whether `id` may name a request: MCP allows strings and integers.
fn valid_id(id: &Json) -> bool {
    id.is_string() || id.is_i64() || id.is_u64()
}

/// A result line for request `id`.
pub fn result(id: &Json, result: Json) -> String {
    json!({"jsonrpc": "2.0", "id": id, "result": result}).to_string()
}

/// An error line for request `id`.
pub fn error(id: &Json, code: i64, message: &str) -> String {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}}).to_string()
}

/// A notification line: no answer comes.
pub fn notification(method: &str, params: Json) -> String {
    json!({"jsonrpc": "2.0", "method": method, "params": params}).to_string()
}

/// A request line glance sends to the other side.
pub fn request(id: &Json, method: &str, params: Json) -> String {
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_become_requests_notifications_and_responses() {
        assert_eq!(
            parse(r#"{"jsonrpc":"2.0","id":1,"method":"tools/list"}"#),
            Ok(Message::Request {
                id: json!(1),
                method: "tools/list".into(),
                params: Json::Null
            })
        );
        assert_eq!(
            parse(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            Ok(Message::Notification {
                method: "notifications/initialized".into(),
                params: Json::Null
            })
        );
        assert_eq!(
            parse(r#"{"jsonrpc":"2.0","id":"g1","result":{"action":"accept"}}"#),
            Ok(Message::Response {
                id: json!("g1"),
                result: Ok(json!({"action": "accept"}))
            })
        );
        assert_eq!(
            parse(r#"{"jsonrpc":"2.0","id":"g1","error":{"code":-1,"message":"no"}}"#),
            Ok(Message::Response {
                id: json!("g1"),
                result: Err(json!({"code": -1, "message": "no"}))
            })
        );
    }

    #[test]
    fn bad_lines_get_the_error_to_answer() {
        let answer: Json = serde_json::from_str(&parse("{oops").unwrap_err()).unwrap();
        assert_eq!(answer["error"]["code"], PARSE_ERROR);
        assert_eq!(answer["id"], Json::Null);
        let answer: Json =
            serde_json::from_str(&parse(r#"{"id":7,"method":"ping"}"#).unwrap_err()).unwrap();
        assert_eq!(answer["error"]["code"], INVALID_REQUEST);
        assert_eq!(answer["id"], 7);
        let answer: Json =
            serde_json::from_str(&parse(r#"{"jsonrpc":"2.0","id":7,"method":3}"#).unwrap_err())
                .unwrap();
        assert_eq!(answer["error"]["code"], INVALID_REQUEST);
    }

    #[test]
    fn odd_ids_and_batches_are_invalid_requests_with_a_null_id() {
        for line in [
            r#"{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":[1],"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
            r#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#,
        ] {
            let answer: Json = serde_json::from_str(&parse(line).unwrap_err()).unwrap();
            assert_eq!(answer["error"]["code"], INVALID_REQUEST, "{line}");
            assert_eq!(answer["id"], Json::Null, "{line}");
        }
        let batch: Json = serde_json::from_str(&parse("[]").unwrap_err()).unwrap();
        assert!(
            batch["error"]["message"]
                .as_str()
                .unwrap()
                .contains("does not take batches")
        );
        assert!(parse(r#"{"jsonrpc":"2.0","id":-3,"method":"ping"}"#).is_ok());
    }

    #[test]
    fn written_lines_are_one_line_each() {
        let line = result(&json!(1), json!({"text": "a\nb"}));
        assert!(!line.contains('\n'));
        assert_eq!(
            serde_json::from_str::<Json>(&line).unwrap(),
            json!({"jsonrpc": "2.0", "id": 1, "result": {"text": "a\nb"}})
        );
        let line = error(&json!("x"), METHOD_NOT_FOUND, "no such method");
        assert_eq!(
            serde_json::from_str::<Json>(&line).unwrap()["error"]["code"],
            METHOD_NOT_FOUND
        );
    }
}
