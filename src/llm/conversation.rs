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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// Who wrote it.
    pub role: Role,
    /// Plain text.
    pub content: String,
}

/// What to ask: system instructions, the conversation so far, and a cap on
/// the answer's length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    /// System instructions; left out of the request when empty.
    pub system: String,
    /// The conversation, oldest first, ending with the user's turn.
    pub messages: Vec<Message>,
    /// Upper bound on output tokens (reasoning tokens included for OpenAI).
    pub max_tokens: u32,
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
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reply {
    /// The whole text, as streamed.
    pub text: String,
    /// Token counts, if the provider sent them.
    pub usage: Option<Usage>,
    /// Why generation stopped, in the provider's words (`stop`, `length`,
    /// `end_turn`, `max_tokens`, …).
    pub finish_reason: Option<String>,
}
