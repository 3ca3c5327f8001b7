//! Token use and cost added up per provider and model: for the session
//! (`\usage`) and over days from the history (`glance usage`).

use std::collections::BTreeMap;

use crate::db::{Column, Value};
use crate::llm::Usage;
use crate::price::Cost;
use crate::render::Description;

/// What one provider and model used.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    /// Model calls (a question with corrections makes several).
    pub calls: u64,
    pub input: u64,
    pub output: u64,
    pub cached: u64,
    pub reasoning: u64,
    /// The cost of the calls whose price was known, in US dollars.
    pub dollars: f64,
    /// Calls of a model whose price is unknown.
    pub unpriced: u64,
}

impl Tally {
    /// One or more calls with their summed `usage` and `cost`.
    pub fn of(calls: u64, usage: &Usage, cost: Cost) -> Tally {
        Tally {
            calls,
            input: usage.input_tokens,
            output: usage.output_tokens,
            cached: usage.cached_tokens.unwrap_or(0),
            reasoning: usage.reasoning_tokens.unwrap_or(0),
            dollars: cost.dollars().unwrap_or(0.0),
            unpriced: if cost == Cost::Unknown { calls } else { 0 },
        }
    }

    pub fn add(&mut self, other: &Tally) {
        self.calls += other.calls;
        self.input += other.input;
        self.output += other.output;
        self.cached += other.cached;
        self.reasoning += other.reasoning;
        self.dollars += other.dollars;
        self.unpriced += other.unpriced;
    }
}

/// Tallies by provider and model.
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    rows: BTreeMap<(String, String), Tally>,
}

impl Ledger {
    pub fn add(&mut self, provider: &str, model: &str, tally: Tally) {
        self.rows
            .entry((provider.to_string(), model.to_string()))
            .or_default()
            .add(&tally);
    }

    /// The ledger as a result set, with a total row when there are several.
    pub fn describe(&self, title: String) -> Description {
        let columns = [
            ("Provider", "text"),
            ("Model", "text"),
            ("Calls", "int8"),
            ("Input tokens", "int8"),
            ("Output tokens", "int8"),
            ("Cached", "int8"),
            ("Reasoning", "int8"),
            ("Cost (USD)", "numeric"),
            ("Unpriced calls", "int8"),
        ]
        .into_iter()
        .map(|(name, type_name)| Column {
            name: name.to_string(),
            type_name: type_name.to_string(),
        })
        .collect();
        let mut rows: Vec<Vec<Value>> = self
            .rows
            .iter()
            .map(|((provider, model), tally)| row(provider, model, tally))
            .collect();
        if self.rows.len() > 1 {
            let mut total = Tally::default();
            self.rows.values().for_each(|tally| total.add(tally));
            rows.push(row("total", "", &total));
        }
        Description {
            title: Some(title),
            columns,
            rows,
            sections: Vec::new(),
        }
    }
}

fn row(provider: &str, model: &str, tally: &Tally) -> Vec<Value> {
    let count = |n: u64| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let priced = tally.unpriced < tally.calls;
    vec![
        Value::Text(provider.to_string()),
        Value::Text(model.to_string()),
        count(tally.calls),
        count(tally.input),
        count(tally.output),
        count(tally.cached),
        count(tally.reasoning),
        if priced {
            Value::Numeric(format!("{:.6}", tally.dollars))
        } else {
            Value::Null
        },
        count(tally.unpriced),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(input: u64, output: u64) -> Usage {
        Usage {
            input_tokens: input,
            output_tokens: output,
            cached_tokens: Some(10),
            reasoning_tokens: None,
        }
    }

    #[test]
    fn tallies_add_up_per_model_with_a_total() {
        let mut ledger = Ledger::default();
        ledger.add(
            "openai",
            "gpt-5-mini",
            Tally::of(1, &usage(100, 20), Cost::Dollars(0.001)),
        );
        ledger.add(
            "openai",
            "gpt-5-mini",
            Tally::of(2, &usage(300, 40), Cost::Dollars(0.002)),
        );
        ledger.add(
            "openai",
            "mystery",
            Tally::of(1, &usage(5, 5), Cost::Unknown),
        );
        let d = ledger.describe("Usage".into());
        assert_eq!(d.rows.len(), 3);
        assert_eq!(d.rows[0][2], Value::Int(3));
        assert_eq!(d.rows[0][3], Value::Int(400));
        assert_eq!(d.rows[0][5], Value::Int(20));
        assert_eq!(d.rows[0][7], Value::Numeric("0.003000".into()));
        assert_eq!(d.rows[1][7], Value::Null, "no known price at all");
        assert_eq!(d.rows[1][8], Value::Int(1));
        assert_eq!(d.rows[2][0], Value::Text("total".into()));
        assert_eq!(d.rows[2][2], Value::Int(4));
        assert_eq!(d.rows[2][8], Value::Int(1));
    }

    #[test]
    fn local_models_cost_nothing() {
        let tally = Tally::of(1, &usage(100, 20), Cost::Local);
        assert_eq!((tally.dollars, tally.unpriced), (0.0, 0));
    }
}
