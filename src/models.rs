//! Choosing the model at run time: building a provider from the merged
//! config (shared by start-up, `\model` and `glance models`), and
//! `glance models [PROVIDER]`, which lists what a provider offers.
//!
//! Invariant: this is the only place that hands the process environment and
//! the real Ollama probe to [`llm::select`].

use crate::config::Config;
use crate::exit::Failure;
use crate::llm::{self, Chosen};
use crate::render::Format;

/// The provider for `provider`/`model` (each `None` meaning "as configured":
/// `GLANCE_PROVIDER`/`GLANCE_MODEL`, then detection), with the config file's
/// per-provider settings. `Ok(None)` when nothing is configured.
pub fn choose(
    config: &Config,
    provider: Option<&str>,
    model: Option<&str>,
) -> Result<Option<Chosen>, llm::Error> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    llm::select(provider, model, &config.providers, &env, &llm::probe_ollama)
}

/// What `glance models` found: the ids a provider offers and the one
/// questions go to.
pub struct Listing {
    pub ids: Vec<String>,
    /// The model questions go to.
    pub current: String,
    /// The provider's name.
    pub provider: String,
}

/// `glance models [PROVIDER]`: what the provider (the configured one by
/// default) offers.
pub fn list(config: &Config, provider: Option<&str>) -> Result<Listing, Failure> {
    let same_provider = match (provider, config.provider.as_deref()) {
        (Some(asked), Some(configured)) => llm::canonical(asked) == llm::canonical(configured),
        (Some(_), None) => false,
        (None, _) => true,
    };
    let model = config.model.as_deref().filter(|_| same_provider);
    let chosen = choose(config, provider.or(config.provider.as_deref()), model)
        .map_err(|e| Failure::runtime(e.to_string()))?
        .ok_or_else(|| Failure::Runtime {
            message: "no LLM provider is configured, so there are no models to list".into(),
            hint: Some(llm::SETUP_HINT.into()),
        })?;
    let provider = chosen.provider;
    let ids = provider
        .models()
        .map_err(|e| Failure::runtime(e.to_string()))?;
    Ok(Listing {
        ids,
        current: provider.model().to_string(),
        provider: provider.name().to_string(),
    })
}

impl Listing {
    /// One model id per line with the one questions go to marked
    /// `(default)`, or in `Format::Json` an array of
    /// `{"id": …, "default": bool}`.
    pub fn text(&self, format: Format) -> String {
        if format == Format::Json {
            let list: Vec<serde_json::Value> = self
                .ids
                .iter()
                .map(|id| serde_json::json!({"id": id, "default": *id == self.current}))
                .collect();
            return format!("{}\n", serde_json::Value::Array(list));
        }
        self.ids
            .iter()
            .map(|id| {
                if *id == self.current {
                    format!("{id}  (default)\n")
                } else {
                    format!("{id}\n")
                }
            })
            .collect()
    }

    /// A note when the model questions go to is not in the provider's list.
    pub fn unlisted_note(&self) -> Option<String> {
        (!self.ids.contains(&self.current)).then(|| {
            format!(
                "note: the model questions go to, `{}`, is not in {}'s list",
                self.current, self.provider
            )
        })
    }
}
