//! The agent: turns a question into a proposal — the model's reply, the SQL
//! in it, and what the call cost — and keeps the memory of recent turns for
//! follow-up questions. It proposes; the front end decides what runs.

pub mod context;
pub mod extract;
pub mod feedback;
pub mod knowledge;
pub mod prompt;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::catalog::Catalog;
use crate::db::ConnInfo;
use crate::llm::{self, Message, Provider, Request, Usage};
use crate::price::{Cost, Price, Prices};
use crate::timings::{self, Phase};

/// Turns remembered for follow-up questions (a question and its summary each).
const MEMORY_TURNS: usize = 4;
/// Upper bound on the reply length asked of the model, unless the config
/// file sets `[agent] reply_tokens`.
pub const DEFAULT_REPLY_TOKENS: u32 = 4096;
/// Tool calls one question may make, unless the config file sets
/// `[agent] max_tool_calls`.
pub const DEFAULT_MAX_TOOL_CALLS: u32 = 6;
/// The smallest `reply_tokens` accepted: less cannot hold a statement.
pub const MIN_REPLY_TOKENS: u32 = 256;

/// What the model answered.
#[derive(Clone, Debug)]
pub struct Proposal {
    /// The whole reply text, as streamed.
    pub reply: String,
    /// The SQL taken from the reply; `None` for a prose answer.
    pub sql: Option<String>,
    pub usage: Option<Usage>,
    pub llm_time: Duration,
    /// The tools the model called instead of answering.
    pub tool_calls: Vec<llm::ToolCall>,
}

/// What the agent takes from the configuration.
#[derive(Clone, Debug, Default)]
pub struct AgentSettings {
    /// Token budget of the schema part of the prompt.
    pub context_tokens: usize,
    /// Upper bound on the reply length asked of the model.
    pub reply_tokens: u32,
    /// Corrections after a failed statement.
    pub retries: u32,
    /// Tool calls one question may make; 0 offers no tools.
    pub max_tool_calls: u32,
    /// Prices that override the built-in table, by model id.
    pub prices: BTreeMap<String, Price>,
    /// The team's glossary, sent with every question.
    pub glossary: Vec<knowledge::Term>,
}

/// A configured model plus the conversation so far.
pub struct Agent {
    provider: Box<dyn Provider>,
    memory: Vec<Message>,
    context_tokens: usize,
    reply_tokens: u32,
    retries: u32,
    max_tool_calls: u32,
    /// The model refused a request that offered tools: none are offered
    /// to it again.
    refused_tools: bool,
    prices: Prices,
    glossary: Vec<knowledge::Term>,
}

impl Agent {
    /// An agent for `provider` with these budgets, retries and prices.
    pub fn new(provider: Box<dyn Provider>, settings: AgentSettings) -> Agent {
        Agent {
            provider,
            memory: Vec::new(),
            context_tokens: settings.context_tokens,
            reply_tokens: settings.reply_tokens,
            retries: settings.retries,
            max_tool_calls: settings.max_tool_calls,
            refused_tools: false,
            prices: Prices::new(settings.prices),
            glossary: settings.glossary,
        }
    }

    pub fn provider(&self) -> &dyn Provider {
        self.provider.as_ref()
    }

    /// What `usage` of the current model cost.
    pub fn cost(&self, usage: &Usage) -> Cost {
        self.prices
            .cost(self.provider.name(), self.provider.model(), usage)
    }

    /// Sends later questions to `provider`, keeping the conversation.
    pub fn set_provider(&mut self, provider: Box<dyn Provider>) {
        self.provider = provider;
        self.refused_tools = false;
    }

    /// How many tools calls a question may make: 0 when tools are off or
    /// the model refused them.
    pub fn tool_calls_allowed(&self) -> u32 {
        if self.refused_tools {
            0
        } else {
            self.max_tool_calls
        }
    }

    /// The tokens one question's tool results may add to the conversation:
    /// the schema's budget again.
    pub fn tool_tokens(&self) -> usize {
        self.context_tokens
    }

    /// Offers no more tools to this model (it refused them).
    pub fn refuse_tools(&mut self) {
        self.refused_tools = true;
    }

    /// How many corrected attempts may follow a failed statement.
    pub fn retries(&self) -> u32 {
        self.retries
    }

    /// The request for `question`, and the schema context it carries, with
    /// the glossary and `examples` (chosen for the question) inside the
    /// same token budget. This is exactly what [`Agent::propose`] sends
    /// (and `--show-prompt` prints).
    pub fn request(
        &self,
        question: &str,
        catalog: &Catalog,
        info: &ConnInfo,
        examples: &[knowledge::Example],
    ) -> (Request, context::SchemaText) {
        let (context, system) = timings::time(Phase::Context, || {
            let sent = knowledge::render(
                &self.glossary,
                examples,
                question,
                self.context_tokens / knowledge::SHARE_OF_BUDGET,
            );
            let budget = self.context_tokens.saturating_sub(sent.tokens);
            let mut context = context::build(catalog, question, budget);
            context.knowledge = sent;
            let system = prompt::system(info.dialect, &info.server_version, &context);
            (context, system)
        });
        let mut messages = self.memory.clone();
        messages.push(Message::user(question.to_string()));
        (
            Request {
                system,
                messages,
                max_tokens: self.reply_tokens,
                tools: Vec::new(),
                calls_closed: false,
            },
            context,
        )
    }

    /// Sends `request`, passing the reply's text to `on_text` as it streams.
    pub fn propose(
        &self,
        request: &Request,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Proposal, llm::Error> {
        let started = Instant::now();
        let reply = self.provider.stream(request, on_text);
        let llm_time = started.elapsed();
        timings::add(Phase::Llm, llm_time);
        let reply = reply?;
        Ok(Proposal {
            sql: extract::sql(&reply.text),
            reply: reply.text,
            usage: reply.usage,
            llm_time,
            tool_calls: reply.tool_calls,
        })
    }

    /// The schema text for `question` within this agent's context budget,
    /// for a request of its own ([`Agent::aside`]).
    pub fn schema_text(&self, catalog: &Catalog, question: &str) -> context::SchemaText {
        context::build(catalog, question, self.context_tokens)
    }

    /// Sends a request of its own, outside the conversation: `system` and
    /// one message `content`, with a question's reply cap. Nothing is
    /// remembered; the reply's text goes to `on_text` as it streams.
    pub fn aside(
        &self,
        system: String,
        content: String,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<llm::Reply, llm::Error> {
        let request = Request {
            system,
            messages: vec![Message::user(content)],
            max_tokens: self.reply_tokens,
            tools: Vec::new(),
            calls_closed: false,
        };
        timings::time(Phase::Llm, || self.provider.stream(&request, on_text))
    }

    /// The follow-up request after `sql` from `reply` failed with `error`:
    /// the error goes back as [`feedback::describe`] words it, with the
    /// server's message only when `share_samples` allows data to be sent.
    pub fn correction(
        request: &Request,
        reply: &str,
        sql: &str,
        error: &crate::db::Error,
        share_samples: bool,
    ) -> Request {
        let error = feedback::describe(error, sql, share_samples);
        let mut next = request.clone();
        next.messages.push(Message::assistant(reply.to_string()));
        next.messages
            .push(Message::user(prompt::correction(sql, &error)));
        next
    }

    /// Remembers a finished turn (never its rows) for follow-up questions.
    pub fn remember(
        &mut self,
        question: &str,
        sql: Option<&str>,
        columns: &[String],
        rows: Option<u64>,
    ) {
        self.memory.push(Message::user(question.to_string()));
        self.memory.push(Message::assistant(prompt::turn_summary(
            question, sql, columns, rows,
        )));
        let excess = self.memory.len().saturating_sub(MEMORY_TURNS * 2);
        self.memory.drain(..excess);
    }

    /// Trades the conversation for `memory`: each open connection keeps
    /// its own, handed in when it becomes current.
    pub fn trade_memory(&mut self, memory: &mut Vec<Message>) {
        std::mem::swap(&mut self.memory, memory);
    }

    /// Forgets the conversation (`\reset`).
    pub fn reset(&mut self) {
        self.memory.clear();
    }
}
