//! What is said to a model and what it says back: the roles, messages and
//! request glance builds, and the reply and token counts a provider returns.
//! Plain values, the same for every provider.

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
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Who wrote it.
    pub role: Role,
    /// Plain text.
    pub content: String,
    /// The tools the model called in this turn (assistant turns only).
    pub tool_calls: Vec<ToolCall>,
    /// What those calls returned (a user-side turn that answers them).
    pub tool_results: Vec<ToolResult>,
}

impl Message {
    /// A plain-text turn by the person.
    pub fn user(content: impl Into<String>) -> Message {
        Message::text(Role::User, content)
    }

    /// A plain-text turn by the model.
    pub fn assistant(content: impl Into<String>) -> Message {
        Message::text(Role::Assistant, content)
    }

    /// A plain-text turn by `role`.
    pub fn text(role: Role, content: impl Into<String>) -> Message {
        Message {
            role,
            content: content.into(),
            tool_calls: Vec::new(),
            tool_results: Vec::new(),
        }
    }
}

/// A tool offered to the model: its name, what it does and its arguments'
/// JSON Schema.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// A JSON Schema of type `object`.
    pub parameters: serde_json::Value,
}

impl ToolSpec {
    /// `{"name", "description", KEY: parameters}`: the declaration every
    /// provider takes, under its own key for the schema (`parameters`,
    /// `input_schema`, `parametersJsonSchema`).
    pub fn declaration(&self, schema_key: &str) -> serde_json::Value {
        let mut declaration = serde_json::json!({
            "name": self.name,
            "description": self.description,
        });
        declaration[schema_key] = self.parameters.clone();
        declaration
    }
}

/// One call the model asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolCall {
    /// The provider's id for the call (made up from the name and position
    /// when the provider gives none, as Gemini and Ollama may not).
    pub id: String,
    pub name: String,
    /// The arguments, a JSON object (`{}` when the model sent none).
    pub arguments: serde_json::Value,
    /// An opaque token the provider wants back with the call (Gemini's
    /// `thoughtSignature`, which Gemini 3 models require).
    pub signature: Option<String>,
}

impl ToolCall {
    /// A call from its wire parts: `arguments` as the JSON text the model
    /// wrote (kept as a string when it is not JSON, for the tool to refuse),
    /// and an id made from the name and `position` when `id` is empty.
    pub fn decoded(id: String, name: String, arguments: &str, position: usize) -> ToolCall {
        let arguments = if arguments.trim().is_empty() {
            serde_json::json!({})
        } else {
            serde_json::from_str(arguments)
                .unwrap_or_else(|_| serde_json::Value::String(arguments.to_string()))
        };
        ToolCall::new(id, name, arguments, position)
    }

    /// A call whose arguments arrived as JSON already (Gemini, Ollama).
    pub fn new(
        id: String,
        name: String,
        arguments: serde_json::Value,
        position: usize,
    ) -> ToolCall {
        let id = if id.is_empty() {
            format!("{name}-{position}")
        } else {
            id
        };
        ToolCall {
            id,
            name,
            arguments,
            signature: None,
        }
    }
}

/// What one call returned, sent back to the model.
#[derive(Clone, Debug, PartialEq)]
pub struct ToolResult {
    /// The [`ToolCall::id`] it answers.
    pub call_id: String,
    /// The tool's name (Gemini and Ollama match results by name).
    pub name: String,
    /// The result as text (fenced as data by the agent).
    pub content: String,
}

/// What to ask: system instructions, the conversation so far, and a cap on
/// the answer's length.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    /// System instructions; left out of the request when empty.
    pub system: String,
    /// The conversation, oldest first, ending with the user's turn.
    pub messages: Vec<Message>,
    /// Upper bound on output tokens (reasoning tokens included for OpenAI).
    pub max_tokens: u32,
    /// Tools the model may call; none offered when empty.
    pub tools: Vec<ToolSpec>,
    /// The tools stay declared (the conversation refers to them) but the
    /// model may call none of them: it must answer now.
    pub calls_closed: bool,
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
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Reply {
    /// The whole text, as streamed.
    pub text: String,
    /// Token counts, if the provider sent them.
    pub usage: Option<Usage>,
    /// Why generation stopped, in the provider's words (`stop`, `length`,
    /// `end_turn`, `max_tokens`, …).
    pub finish_reason: Option<String>,
    /// The tools the model called instead of (or before) answering.
    pub tool_calls: Vec<ToolCall>,
}
