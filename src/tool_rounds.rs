//! The model's look before it answers: a question offers the tools of a
//! [`Toolbox`] (the front end's), the calls the model makes run there, and
//! each result goes back fenced as data. After `[agent] max_tool_calls`
//! calls the model is asked for its final answer with calls closed. A
//! model or server that refuses tools gets today's single request instead,
//! said once.

use crate::agent::{Agent, Proposal, prompt};
use crate::escape;
use crate::llm::{self, Message, Request, ToolCall, ToolResult, ToolSpec};
use crate::session::Session;

/// The tools a question may call.
pub trait Toolbox {
    /// The tools offered to the model on `session`.
    fn specs(&self, session: &Session) -> Vec<ToolSpec>;
    /// Runs `call`: its result, or why there is none, as text for the model;
    /// `Err` when Ctrl-C stopped it.
    fn call(&mut self, session: &mut Session, call: &ToolCall) -> Result<String, Stopped>;
}

/// How the front end shows a question's model calls as they go.
pub trait Show {
    /// A piece of the model's reply, as it streams.
    fn reply_text(&mut self, text: &str);
    /// The model called a tool: `line` is `describe_table(orders)`, escaped.
    fn tool_call(&mut self, line: &str);
    /// Something worth saying once about how the question is asked (tools
    /// refused, the tool call limit reached); escaped.
    fn notice(&mut self, text: &str);
    /// Whether to show a spinner on stderr while waiting (stderr is a
    /// terminal).
    fn shows_progress(&self) -> bool {
        false
    }
}

/// Ctrl-C stopped a tool call.
#[derive(Debug)]
pub struct Stopped;

/// One question's tool calls.
pub struct Rounds {
    /// The calls a question may make.
    allowed: u32,
    /// The tokens their results may take, and those they took so far.
    budget: usize,
    spent: usize,
    /// What each call was, as its line shows it: `describe_table(orders)`.
    pub calls: Vec<String>,
}

impl Rounds {
    /// No calls yet; as many allowed as `agent` lets its model make.
    pub fn new(agent: &Agent) -> Rounds {
        Rounds {
            allowed: agent.tool_calls_allowed(),
            budget: agent.tool_tokens(),
            spent: 0,
            calls: Vec::new(),
        }
    }

    /// Calls still allowed: none once the results fill the token budget.
    fn left(&self) -> usize {
        if self.spent >= self.budget {
            return 0;
        }
        (self.allowed as usize).saturating_sub(self.calls.len())
    }

    /// Why no calls are left, for the notice.
    fn spent_why(&self) -> String {
        if self.spent >= self.budget {
            format!(
                "the tool results filled the question's budget of {} tokens",
                self.budget
            )
        } else {
            format!(
                "the model made the {} tool calls a question may make",
                self.allowed
            )
        }
    }
}

/// Asks the model `request`, running the tools it calls while calls are
/// left; the final proposal comes back with the usage and time of every
/// round summed. `request` grows by the calls and their results, so a
/// correction continues the same conversation.
pub fn propose(
    session: &mut Session,
    agent: &mut Agent,
    request: &mut Request,
    (toolbox, rounds): (&mut dyn Toolbox, &mut Rounds),
    ui: &mut dyn Show,
) -> Result<Proposal, llm::Error> {
    if rounds.left() > 0 && request.tools.is_empty() {
        request.tools = toolbox.specs(session);
        if request.tools.is_empty() {
            rounds.allowed = 0;
        } else {
            request.system.push_str(prompt::TOOLS_NOTE);
        }
    }
    let mut spent = (llm::Usage::default(), std::time::Duration::ZERO, false);
    loop {
        let mut proposal = match ask(session, agent, request, ui) {
            Err(error) if !request.tools.is_empty() && error.refuses_tools() => {
                agent.refuse_tools();
                ui.notice(&format!(
                    "{} does not take tool calls; it answers from the schema alone",
                    escape::visible(agent.provider().model())
                ));
                request.tools.clear();
                request.system = request.system.replace(prompt::TOOLS_NOTE, "");
                rounds.allowed = 0;
                continue;
            }
            other => other?,
        };
        if let Some(usage) = &proposal.usage {
            spent.0.add(usage);
            spent.2 = true;
        }
        spent.1 += proposal.llm_time;
        let calls = std::mem::take(&mut proposal.tool_calls);
        if !calls.is_empty() && request.calls_closed && proposal.sql.is_none() {
            return Err(llm::Error::KeptCalling {
                provider: agent.provider().name().to_string(),
                model: agent.provider().model().to_string(),
                calls: rounds.calls.len(),
            });
        }
        if calls.is_empty() || request.calls_closed || rounds.left() == 0 {
            proposal.usage = spent.2.then_some(spent.0);
            proposal.llm_time = spent.1;
            return Ok(proposal);
        }
        let mut called = Message::assistant(proposal.reply.clone());
        let mut results = Message::user("");
        for call in calls {
            let content = if rounds.left() == 0 {
                "not run: no tool calls are left for this question".to_string()
            } else {
                let line = line(&call);
                ui.tool_call(&line);
                rounds.calls.push(line);
                let content = toolbox.call(session, &call).map_err(|Stopped| {
                    llm::Error::cancelled(agent.provider().name(), agent.provider().model())
                })?;
                rounds.spent += crate::agent::context::estimate_tokens(&content);
                content
            };
            results.tool_results.push(ToolResult {
                call_id: call.id.clone(),
                name: call.name.clone(),
                content: prompt::tool_result(&content),
            });
            called.tool_calls.push(call);
        }
        if rounds.left() == 0 {
            request.calls_closed = true;
            results.content = prompt::TOOLS_SPENT.to_string();
            ui.notice(&format!("{}; asking it for its answer", rounds.spent_why()));
        }
        request.messages.extend([called, results]);
    }
}

/// One model call, which Ctrl-C abandons.
fn ask(
    session: &Session,
    agent: &Agent,
    request: &Request,
    ui: &mut dyn Show,
) -> Result<Proposal, llm::Error> {
    let canceller = agent.provider().canceller();
    let label = format!("asking {}…", agent.provider().model());
    let mut waiting = crate::spinner::Spinner::start(&label, ui.shows_progress());
    let asked = session.interrupts().cancellable(canceller, || {
        agent.propose(request, &mut |text| {
            waiting.stop();
            ui.reply_text(text)
        })
    });
    // An error or Ctrl-C before any text: erased before it is reported.
    waiting.stop();
    asked
}

/// `describe_table(orders)`: the call's name and its argument values on
/// one short line (see [`crate::one_line::call`]).
pub fn line(call: &ToolCall) -> String {
    let values: Vec<String> = match &call.arguments {
        serde_json::Value::Object(map) => map
            .values()
            .map(|value| match value {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            })
            .collect(),
        serde_json::Value::Null => Vec::new(),
        other => vec![other.to_string()],
    };
    crate::one_line::call(&call.name, &values.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, arguments: serde_json::Value) -> ToolCall {
        ToolCall {
            id: "c".into(),
            name: name.into(),
            arguments,
            signature: None,
        }
    }

    #[test]
    fn calls_run_out_by_count_or_by_the_token_budget() {
        let mut rounds = Rounds {
            allowed: 2,
            budget: 100,
            spent: 0,
            calls: Vec::new(),
        };
        assert_eq!(rounds.left(), 2);
        rounds.calls.push("list_tables()".into());
        assert_eq!(rounds.left(), 1);
        rounds.spent = 100;
        assert_eq!(rounds.left(), 0);
        assert!(rounds.spent_why().contains("budget of 100 tokens"));
        rounds.spent = 10;
        rounds.calls.push("describe_table(orders)".into());
        assert_eq!(rounds.left(), 0);
        assert!(rounds.spent_why().contains("the 2 tool calls"));
    }

    #[test]
    fn a_call_reads_as_one_short_escaped_line() {
        let table = serde_json::json!({"table": "orders"});
        assert_eq!(
            line(&call("describe_table", table)),
            "describe_table(orders)"
        );
        let sql =
            serde_json::json!({"sql": "select *\n  from orders\twhere id = 1", "max_rows": 5});
        assert_eq!(
            line(&call("run_read_only_sql", sql)),
            "run_read_only_sql(select * from orders where id = 1, 5)"
        );
        let secret =
            serde_json::json!({"sql": "select 1 from t where dsn = 'postgres://u:hunter2@h/db'"});
        assert!(!line(&call("explain", secret)).contains("hunter2"));
        let long = serde_json::json!({"sql": "x".repeat(100)});
        assert!(line(&call("explain", long)).ends_with("x…)"));
        let escaped = line(&call(
            "describe_table",
            serde_json::json!({"table": "a\u{1b}[2Jb"}),
        ));
        assert!(!escaped.contains('\u{1b}'), "{escaped}");
    }
}
