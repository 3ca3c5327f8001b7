//! What an answer costs: list prices for common models, in US dollars per
//! million tokens, which the config file can override or extend
//! (`[prices."MODEL"]`). Models served by Ollama run locally and cost
//! nothing; any other unknown model's cost is unknown, never guessed.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::llm::Usage;

/// Prices of one model, per million tokens.
#[derive(Clone, Copy, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Price {
    pub input_per_mtok: f64,
    pub output_per_mtok: f64,
    /// Prompt tokens read from the provider's cache; the input price when unset.
    #[serde(default)]
    pub cached_input_per_mtok: Option<f64>,
}

const fn price(input: f64, cached: f64, output: f64) -> Price {
    Price {
        input_per_mtok: input,
        output_per_mtok: output,
        cached_input_per_mtok: Some(cached),
    }
}

/// A price without a separate cached-input rate (cached tokens are charged
/// as input, an upper bound).
const fn uncached(input: f64, output: f64) -> Price {
    Price {
        input_per_mtok: input,
        output_per_mtok: output,
        cached_input_per_mtok: None,
    }
}

/// List prices as published by the providers (standard tier, short prompts).
const BUILT_IN: &[(&str, Price)] = &[
    ("gpt-5", price(1.25, 0.125, 10.0)),
    ("gpt-5-mini", price(0.25, 0.025, 2.0)),
    ("gpt-5-nano", price(0.05, 0.005, 0.40)),
    ("gpt-5-chat-latest", price(1.25, 0.125, 10.0)),
    ("gpt-4.1", price(2.0, 0.50, 8.0)),
    ("gpt-4.1-mini", price(0.40, 0.10, 1.60)),
    ("gpt-4.1-nano", price(0.10, 0.025, 0.40)),
    ("gpt-4o", price(2.50, 1.25, 10.0)),
    ("gpt-4o-mini", price(0.15, 0.075, 0.60)),
    ("o3", price(2.0, 0.50, 8.0)),
    ("o4-mini", price(1.10, 0.275, 4.40)),
    ("claude-opus-4-5", price(5.0, 0.50, 25.0)),
    ("claude-sonnet-4-5", price(3.0, 0.30, 15.0)),
    ("claude-haiku-4-5", price(1.0, 0.10, 5.0)),
    ("gemini-2.5-pro", uncached(1.25, 10.0)),
    ("gemini-2.5-flash", uncached(0.30, 2.50)),
    ("gemini-2.5-flash-lite", uncached(0.10, 0.40)),
];

/// What a model costs, if known.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Cost {
    /// US dollars.
    Dollars(f64),
    /// A local model (Ollama): no charge.
    Local,
    Unknown,
}

impl Cost {
    /// `$0.0012`, `free (local)` or `cost unknown`.
    pub fn text(self) -> String {
        match self {
            Cost::Dollars(dollars) => format_dollars(dollars),
            Cost::Local => "free (local)".to_string(),
            Cost::Unknown => "cost unknown".to_string(),
        }
    }

    /// Dollars for JSON: `0` for local models, `null` when unknown.
    pub fn json(self) -> serde_json::Value {
        self.dollars().map_or(serde_json::Value::Null, |dollars| {
            serde_json::json!(round(dollars))
        })
    }

    /// Dollars, `0` for local models, `None` when unknown.
    pub fn dollars(self) -> Option<f64> {
        match self {
            Cost::Dollars(dollars) => Some(dollars),
            Cost::Local => Some(0.0),
            Cost::Unknown => None,
        }
    }
}

/// The price table in force: the config's entries over the built-in ones.
#[derive(Clone, Debug, Default)]
pub struct Prices {
    configured: BTreeMap<String, Price>,
}

impl Prices {
    pub fn new(configured: BTreeMap<String, Price>) -> Prices {
        Prices { configured }
    }

    /// The price of `model`; a dated snapshot (`gpt-5-mini-2025-08-07`,
    /// `claude-haiku-4-5-20251001`) is priced as its model.
    pub fn lookup(&self, model: &str) -> Option<Price> {
        let names = [model, undated(model)];
        names.iter().find_map(|name| {
            self.configured.get(*name).copied().or_else(|| {
                BUILT_IN
                    .iter()
                    .find(|(known, _)| known == name)
                    .map(|(_, price)| *price)
            })
        })
    }

    /// What `usage` of `model` from `provider` cost.
    pub fn cost(&self, provider: &str, model: &str, usage: &Usage) -> Cost {
        if let Some(price) = self.lookup(model) {
            return Cost::Dollars(dollars(&price, usage));
        }
        if provider == "ollama" {
            return Cost::Local;
        }
        Cost::Unknown
    }
}

fn dollars(price: &Price, usage: &Usage) -> f64 {
    let cached = usage.cached_tokens.unwrap_or(0).min(usage.input_tokens);
    let fresh = usage.input_tokens - cached;
    let per_token = |per_mtok: f64| per_mtok / 1_000_000.0;
    fresh as f64 * per_token(price.input_per_mtok)
        + cached as f64 * per_token(price.cached_input_per_mtok.unwrap_or(price.input_per_mtok))
        + usage.output_tokens as f64 * per_token(price.output_per_mtok)
}

/// `model` without a trailing `-YYYY-MM-DD` or `-YYYYMMDD` date. The date
/// is ASCII, so a tail that does not start on a character boundary (a
/// model id in other scripts) is no date.
fn undated(model: &str) -> &str {
    let tail = |len: usize| {
        let cut = model.len().checked_sub(len).filter(|cut| *cut > 0)?;
        Some((model.get(..cut)?, model.get(cut..)?))
    };
    let is_date = |tail: &str, dashes: &[usize]| {
        tail.starts_with('-')
            && tail[1..].chars().enumerate().all(|(i, c)| {
                if dashes.contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_digit()
                }
            })
    };
    if let Some((head, date)) = tail(11)
        && is_date(date, &[4, 7])
    {
        return head;
    }
    match tail(9) {
        Some((head, date)) if is_date(date, &[]) => head,
        _ => model,
    }
}

/// Enough digits to see small amounts: `$0.000412`, `$0.0123`, `$1.23`.
pub fn format_dollars(dollars: f64) -> String {
    if dollars == 0.0 {
        "$0".to_string()
    } else if dollars < 0.01 {
        format!("${}", round(dollars))
    } else {
        format!("${dollars:.4}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string()
    }
}

/// Six decimal places, without float noise.
fn round(dollars: f64) -> f64 {
    (dollars * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usage(input: u64, output: u64, cached: Option<u64>) -> Usage {
        Usage {
            input_tokens: input,
            output_tokens: output,
            cached_tokens: cached,
            reasoning_tokens: None,
        }
    }

    #[test]
    fn known_models_are_priced_with_cached_tokens_cheaper() {
        let prices = Prices::default();
        let Cost::Dollars(full) =
            prices.cost("openai", "gpt-5-mini", &usage(1_000_000, 100_000, None))
        else {
            panic!("known")
        };
        assert!((full - 0.45).abs() < 1e-9, "{full}");
        let Cost::Dollars(cached) = prices.cost(
            "openai",
            "gpt-5-mini",
            &usage(1_000_000, 100_000, Some(800_000)),
        ) else {
            panic!("known")
        };
        assert!((cached - (0.05 + 0.02 + 0.2)).abs() < 1e-9, "{cached}");
    }

    #[test]
    fn snapshots_are_priced_as_their_model() {
        let prices = Prices::default();
        assert_eq!(
            prices.lookup("gpt-5-mini-2025-08-07"),
            prices.lookup("gpt-5-mini")
        );
        assert_eq!(
            prices.lookup("claude-haiku-4-5-20251001"),
            prices.lookup("claude-haiku-4-5")
        );
        assert!(prices.lookup("gpt-5-minimal").is_none());
        assert!(prices.lookup("gpt-5").is_some());
    }

    #[test]
    fn the_config_overrides_and_unknowns_stay_unknown() {
        let prices = Prices::new(BTreeMap::from([(
            "my-model".to_string(),
            Price {
                input_per_mtok: 1.0,
                output_per_mtok: 2.0,
                cached_input_per_mtok: None,
            },
        )]));
        assert_eq!(
            prices.cost("openai", "my-model", &usage(1000, 1000, Some(500))),
            Cost::Dollars(0.003)
        );
        assert_eq!(
            prices.cost("openai", "mystery", &usage(1, 1, None)),
            Cost::Unknown
        );
        assert_eq!(
            prices.cost("ollama", "llama3.2", &usage(1, 1, None)),
            Cost::Local
        );
        assert_eq!(Cost::Unknown.text(), "cost unknown");
    }

    #[test]
    fn model_ids_in_any_script_are_looked_up_without_panicking() {
        let prices = Prices::new(BTreeMap::new());
        for model in [
            "é💥",
            "ééééééééééé💥",
            "💥-2025-01-01",
            "模型-20250101",
            "-2025-01-01",
            "",
        ] {
            let _ = prices.lookup(model);
        }
        assert_eq!(undated("模型-20250101"), "模型");
        assert_eq!(undated("x-2025-01-01"), "x");
    }

    #[test]
    fn dollars_read_well() {
        assert_eq!(format_dollars(0.000412), "$0.000412");
        assert_eq!(format_dollars(0.0123), "$0.0123");
        assert_eq!(format_dollars(1.5), "$1.5");
        assert_eq!(format_dollars(0.0), "$0");
    }
}
