//! The session's query log: every statement glance executed in this session,
//! with when, how dangerous, how long, how many rows, and any error. `\log`
//! shows it as a result set.

use std::time::Duration;

use crate::db::{Column, Value};
use crate::llm::Usage;
use crate::price::Cost;
use crate::render::Description;
use crate::render::format_duration;
use crate::safety::Level;

/// The question a generated statement answered, and what the model call
/// that wrote it took and cost (each attempt is noted on its own, so sums
/// over notes are totals).
#[derive(Clone, Debug, PartialEq)]
pub struct QuestionNote {
    pub question: String,
    pub llm_time: Duration,
    pub usage: Usage,
    pub cost: Cost,
    /// The provider and model that wrote it, for the history; empty for
    /// a statement run again from the history ([`QuestionNote::rerun`]).
    pub provider: String,
    pub model: String,
    /// The tools the model called before it answered, one line each.
    pub tool_calls: Vec<String>,
}

impl QuestionNote {
    /// The note of a model-written statement run again from the history:
    /// the question it answered, so the statement keeps its origin, and no
    /// model call.
    pub fn rerun(question: String) -> QuestionNote {
        QuestionNote {
            question,
            llm_time: Duration::ZERO,
            usage: Usage::default(),
            cost: Cost::Unknown,
            provider: String::new(),
            model: String::new(),
            tool_calls: Vec::new(),
        }
    }

    /// Whether the note stands for a call to the model (not a rerun).
    pub fn is_model_call(&self) -> bool {
        !self.provider.is_empty()
    }
}

/// One executed (or refused) statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub at: jiff::Timestamp,
    pub sql: String,
    /// The values bound to its placeholders (`None` for NULL).
    pub params: Vec<crate::db::Param>,
    pub level: Level,
    /// Whether it reached the database.
    pub ran: bool,
    pub duration: Duration,
    /// Rows returned or affected, when known.
    pub rows: Option<u64>,
    pub error: Option<String>,
    /// For statements the LLM wrote: the question and its cost.
    pub question: Option<QuestionNote>,
}

/// The log of one session, oldest first.
#[derive(Debug, Default)]
pub struct QueryLog {
    entries: Vec<Entry>,
}

impl QueryLog {
    pub fn record(&mut self, entry: Entry) {
        self.entries.push(entry);
    }

    /// The newest entry (`\ns NAME` without SQL saves its statement).
    pub fn last(&self) -> Option<&Entry> {
        self.entries.last()
    }

    /// Gives the newest entry its row count when the database did not report
    /// one (a `COPY … TO STDOUT` counted by whoever read its output).
    pub fn count_rows_of_last(&mut self, rows: u64) {
        if let Some(entry) = self.entries.last_mut()
            && entry.ran
            && entry.error.is_none()
        {
            entry.rows.get_or_insert(rows);
        }
    }

    /// The log as a result set for `\log`.
    /// The Params column appears once a statement had values bound, the
    /// question and LLM columns once a question has been asked.
    pub fn describe(&self) -> Description {
        let params = self.entries.iter().any(|e| !e.params.is_empty());
        let questions = self.entries.iter().any(|e| e.question.is_some());
        let names = [
            "#", "Time", "Level", "Status", "Rows", "Duration", "SQL", "Params", "Question", "LLM",
        ];
        let types = [
            "int8", "text", "text", "text", "int8", "text", "text", "text", "text", "text",
        ];
        let shown: Vec<bool> = (0..names.len())
            .map(|i| match i {
                7 => params,
                8 | 9 => questions,
                _ => true,
            })
            .collect();
        let columns = names
            .iter()
            .zip(types)
            .zip(&shown)
            .filter(|(_, shown)| **shown)
            .map(|((name, type_name), _)| Column {
                name: name.to_string(),
                type_name: type_name.to_string(),
            })
            .collect();
        let rows = self
            .entries
            .iter()
            .enumerate()
            .map(|(index, e)| {
                let status = match (&e.error, e.ran) {
                    (Some(error), _) => format!("error: {error}"),
                    (None, true) => "ok".to_string(),
                    (None, false) => "not run".to_string(),
                };
                let local = e.at.to_zoned_datetime(jiff::tz::TimeZone::system());
                vec![
                    Value::Int(index as i64 + 1),
                    Value::Text(local.strftime("%H:%M:%S").to_string()),
                    Value::Text(e.level.as_str().to_string()),
                    Value::Text(status),
                    e.rows.map_or(Value::Null, |n| Value::Int(n as i64)),
                    Value::Text(format_duration(e.duration)),
                    Value::Text(e.sql.clone()),
                    Value::Text(params_text(&e.params)),
                    e.question
                        .as_ref()
                        .map_or(Value::Null, |q| Value::Text(q.question.clone())),
                    e.question.as_ref().map_or(Value::Null, |q| {
                        let mut text = format!(
                            "{} in / {} out tokens · {} · {}",
                            q.usage.input_tokens,
                            q.usage.output_tokens,
                            q.cost.text(),
                            format_duration(q.llm_time)
                        );
                        if !q.tool_calls.is_empty() {
                            text.push_str(&format!(" · tools: {}", q.tool_calls.join("; ")));
                        }
                        Value::Text(text)
                    }),
                ]
                .into_iter()
                .zip(&shown)
                .filter_map(|(value, shown)| shown.then_some(value))
                .collect()
            })
            .collect();
        Description {
            title: Some("Query log".to_string()),
            columns,
            rows,
            sections: Vec::new(),
        }
    }
}

/// Bound values as the log shows them: `$1='shipped', $2=NULL`, each
/// value quoted as a literal so spaces and quotes stay visible.
pub fn params_text(params: &[crate::db::Param]) -> String {
    params
        .iter()
        .enumerate()
        .map(|(i, p)| format!("${}={}", i + 1, param_literal(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One bound value as a literal: `'text'` with quotes doubled, or NULL.
pub fn param_literal(param: &crate::db::Param) -> String {
    param
        .as_deref()
        .map_or_else(|| "NULL".to_string(), crate::ident::quote_literal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_lists_entries_in_order_with_status() {
        let mut log = QueryLog::default();
        let base = Entry {
            at: jiff::Timestamp::UNIX_EPOCH,
            sql: "select 1".into(),
            params: Vec::new(),
            level: Level::ReadOnly,
            ran: true,
            duration: Duration::from_millis(2),
            rows: Some(1),
            error: None,
            question: None,
        };
        log.record(base.clone());
        log.record(Entry {
            sql: "drop table t".into(),
            level: Level::Destructive,
            ran: false,
            rows: None,
            ..base
        });
        let d = log.describe();
        assert_eq!(d.rows.len(), 2);
        assert_eq!(d.rows[0][0], Value::Int(1));
        assert_eq!(d.rows[0][3], Value::Text("ok".into()));
        assert_eq!(d.rows[1][2], Value::Text("destructive".into()));
        assert_eq!(d.rows[1][3], Value::Text("not run".into()));
        assert_eq!(d.rows[1][4], Value::Null);
        assert_eq!(d.columns.len(), 7, "no question columns before a question");
        log.record(Entry {
            question: Some(QuestionNote {
                question: "how many?".into(),
                llm_time: Duration::from_millis(1500),
                usage: Usage {
                    input_tokens: 10,
                    output_tokens: 2,
                    ..Usage::default()
                },
                cost: Cost::Unknown,
                provider: "openai".into(),
                model: "gpt-5-mini".into(),
                tool_calls: Vec::new(),
            }),
            ..log.entries[0].clone()
        });
        let d = log.describe();
        assert_eq!(d.columns.len(), 9);
        assert_eq!(d.rows[2][7], Value::Text("how many?".into()));
        assert_eq!(
            d.rows[2][8],
            Value::Text("10 in / 2 out tokens · cost unknown · 1.50 s".into())
        );
        assert!(d.rows.iter().all(|row| row.len() == 9));
    }
}
