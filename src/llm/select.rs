//! Choosing and configuring a provider from flags, the environment and the
//! config file's `[providers.NAME]` settings.
//!
//! Invariant: [`select`] reads nothing but its arguments; the one network
//! look (is a local Ollama running?) goes through the `probe` it is given,
//! so unit tests stay offline.

use std::collections::BTreeMap;

use super::http::ApiKey;
use super::transport::Transport;
use super::{
    Error, MODEL_VAR, PROVIDER_VAR, Provider, ProviderSettings, anthropic, azure, gemini, ollama,
    openai,
};

/// The canonical name of a provider name or alias (`google` → `gemini`),
/// or `None` when no provider goes by it.
pub fn canonical(name: &str) -> Option<&'static str> {
    Kind::parse(name).map(Kind::name)
}

/// The chosen provider, and what to tell the person about how it was chosen.
pub struct Chosen {
    /// The configured provider.
    pub provider: Box<dyn Provider>,
    /// A line for stderr when glance picked something nobody named (a local
    /// Ollama server).
    pub notice: Option<String>,
}

/// Looks for an Ollama server at a base URL: the models it has pulled, or
/// `None` when nothing answers. [`super::probe_ollama`] is the real one.
pub type Probe<'a> = &'a dyn Fn(&str) -> Option<Vec<String>>;

/// Chooses and configures a provider.
///
/// `provider` and `model` are the `--provider`/`--model` flags (or the
/// config file's `[llm]`); when one is `None` it is read here from
/// `GLANCE_PROVIDER`/`GLANCE_MODEL` through `env`. Without a provider, a
/// model id starting with `claude` picks Anthropic and one starting with
/// `gemini` picks Gemini; otherwise the first of these wins: OpenAI (its key
/// is set, or its base URL points at another, OpenAI-compatible server),
/// Anthropic, Gemini (key set), Azure OpenAI (key and endpoint set), then an
/// Ollama server that answers `probe` at its address (with a notice).
///
/// Keys come from each provider's usual variable (or the one its
/// `api_key_env` names); addresses from the provider's variable
/// (`OPENAI_BASE_URL`, `ANTHROPIC_BASE_URL`, `GEMINI_BASE_URL`,
/// `AZURE_OPENAI_ENDPOINT`, `OLLAMA_HOST`), then `base_url` in `settings`,
/// then the default; the model falls back to the provider's `model` setting,
/// then its default (Ollama: the first model the server lists; Azure has no
/// default: the model is the deployment). Timeouts come from
/// `GLANCE_LLM_TIMEOUT_MS`. Empty values count as unset. `Ok(None)` means
/// nothing is configured (show [`super::SETUP_HINT`]); a chosen provider
/// without its key or address, an unknown provider name and a retired model
/// are errors, found before any request is sent.
pub fn select(
    provider: Option<&str>,
    model: Option<&str>,
    settings: &BTreeMap<String, ProviderSettings>,
    env: &dyn Fn(&str) -> Option<String>,
    probe: Probe<'_>,
) -> Result<Option<Chosen>, Error> {
    let var = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let provider = provider.map(str::to_string).or_else(|| var(PROVIDER_VAR));
    let model = model.map(str::to_string).or_else(|| var(MODEL_VAR));
    let setup = Setup {
        settings,
        var: &var,
    };
    let named = match provider.as_deref() {
        Some(name) => Some(Kind::parse(name).ok_or_else(|| Error::UnknownProvider {
            name: name.to_string(),
        })?),
        None => model.as_deref().and_then(Kind::from_model),
    };
    let (kind, pulled) = match named {
        Some(kind) => (kind, None),
        None => match Kind::AUTO
            .into_iter()
            .find(|kind| setup.has_credentials(*kind))
        {
            Some(kind) => (kind, None),
            None => match probe(&setup.ollama_url()) {
                Some(models) => (Kind::Ollama, Some(models)),
                None => return Ok(None),
            },
        },
    };
    let setting = setup.setting(kind);
    let model = model.or(setting.model.clone());
    let transport = Transport::from_env(env);
    let provider: Box<dyn Provider> = match kind {
        Kind::OpenAi => {
            let base = var(openai::BASE_VAR).or(setting.base_url);
            let key_var = setup.key_var(kind);
            let key = var(&key_var).map(|k| ApiKey::new(k.trim()));
            let needs_key = base.as_deref().is_none_or(openai::is_openai_itself);
            if key.is_none() && needs_key {
                return Err(Error::MissingKey {
                    provider: kind.name(),
                    var: key_var,
                });
            }
            Box::new(
                openai::OpenAi::new(
                    model.as_deref().unwrap_or(openai::DEFAULT_MODEL),
                    base.as_deref(),
                    key,
                    transport,
                )
                .key_from(&key_var),
            )
        }
        Kind::Anthropic => Box::new(
            anthropic::Anthropic::new(
                model.as_deref().unwrap_or(anthropic::DEFAULT_MODEL),
                var(anthropic::BASE_VAR).or(setting.base_url).as_deref(),
                setup.key(kind)?,
                transport,
            )?
            .key_from(&setup.key_var(kind)),
        ),
        Kind::Gemini => Box::new(
            gemini::Gemini::new(
                model.as_deref().unwrap_or(gemini::DEFAULT_MODEL),
                var(gemini::BASE_VAR).or(setting.base_url).as_deref(),
                setup.key(kind)?,
                transport,
            )
            .key_from(&setup.key_var(kind)),
        ),
        Kind::Azure => {
            let key = setup.key(kind)?;
            let endpoint =
                var(azure::ENDPOINT_VAR)
                    .or(setting.base_url)
                    .ok_or(Error::MissingSetting {
                        provider: "azure",
                        what: azure::ENDPOINT_VAR,
                        hint: "export AZURE_OPENAI_ENDPOINT=https://RESOURCE.openai.azure.com \
                           (or set base_url under [providers.azure])",
                    })?;
            let deployment = model.ok_or(Error::MissingSetting {
                provider: "azure",
                what: "the deployment",
                hint: "name it with --model DEPLOYMENT, GLANCE_MODEL, or model under [providers.azure]",
            })?;
            Box::new(
                azure::client(
                    &deployment,
                    &endpoint,
                    var(azure::VERSION_VAR).as_deref(),
                    key,
                    transport,
                )
                .key_from(&setup.key_var(kind)),
            )
        }
        Kind::Ollama => {
            let url = setup.ollama_url();
            let detected = pulled.is_some();
            let model = model.unwrap_or_else(|| {
                pulled
                    .or_else(|| probe(&url))
                    .and_then(|models| models.into_iter().next())
                    .unwrap_or_else(|| ollama::DEFAULT_MODEL.to_string())
            });
            let notice = detected.then(|| {
                format!("using Ollama at {url} (model {model}); set a provider to change this")
            });
            return Ok(Some(Chosen {
                provider: Box::new(ollama::Ollama::new(&model, Some(&url), transport)),
                notice,
            }));
        }
    };
    Ok(Some(Chosen {
        provider,
        notice: None,
    }))
}

/// The provider and model [`select`] would choose, each with where it comes
/// from, for `glance config show`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InEffect {
    pub provider: String,
    pub provider_from: String,
    pub model: String,
    pub model_from: String,
}

/// What [`select`] would choose from the same inputs, and why, without
/// building a provider or looking for an Ollama server. `provider` and
/// `model` come with their origin (a flag, a variable, a config file
/// section); when absent they are read from `GLANCE_PROVIDER` and
/// `GLANCE_MODEL` through `env`, as [`select`] does.
pub fn in_effect(
    provider: Option<(&str, &str)>,
    model: Option<(&str, &str)>,
    settings: &BTreeMap<String, ProviderSettings>,
    env: &dyn Fn(&str) -> Option<String>,
) -> InEffect {
    let var = |name: &str| env(name).filter(|value| !value.trim().is_empty());
    let setup = Setup {
        settings,
        var: &var,
    };
    let provider = provider
        .map(|(name, from)| (name.to_string(), from.to_string()))
        .or_else(|| {
            var(PROVIDER_VAR).map(|name| {
                (
                    name,
                    format!("from the environment variable {PROVIDER_VAR}"),
                )
            })
        });
    let model = model
        .map(|(name, from)| (name.to_string(), from.to_string()))
        .or_else(|| {
            var(MODEL_VAR).map(|name| (name, format!("from the environment variable {MODEL_VAR}")))
        });
    let (kind, provider_from) = match &provider {
        Some((name, from)) => match Kind::parse(name) {
            Some(kind) => (kind, from.clone()),
            None => {
                return InEffect {
                    provider: name.clone(),
                    provider_from: format!("{from}; not a provider glance knows"),
                    model: model.map(|(name, _)| name).unwrap_or_default(),
                    model_from: "none: the provider is unknown".into(),
                };
            }
        },
        None => match model.as_ref().and_then(|(name, _)| {
            Kind::from_model(name).map(|kind| (kind, format!("inferred from the model id {name}")))
        }) {
            Some(found) => found,
            None => match Kind::AUTO
                .into_iter()
                .find(|kind| setup.has_credentials(*kind))
            {
                Some(kind) => (kind, detected_because(&setup, kind)),
                None => (
                    Kind::Ollama,
                    format!(
                        "nothing else is set up: a local Ollama at {}, if one answers",
                        setup.ollama_url()
                    ),
                ),
            },
        },
    };
    let setting = setup.setting(kind);
    let (model, model_from) = match (model, setting.model) {
        (Some((name, from)), _) => (name, from),
        (None, Some(name)) => (
            name,
            format!(
                "from model under [providers.{}] in the config file",
                kind.name()
            ),
        ),
        (None, None) => match kind {
            Kind::OpenAi => (openai::DEFAULT_MODEL.into(), "openai's default".into()),
            Kind::Anthropic => (
                anthropic::DEFAULT_MODEL.into(),
                "anthropic's default".into(),
            ),
            Kind::Gemini => (gemini::DEFAULT_MODEL.into(), "gemini's default".into()),
            Kind::Azure => (
                String::new(),
                "none: name the deployment with --model, GLANCE_MODEL or [providers.azure] model"
                    .into(),
            ),
            Kind::Ollama => (
                String::new(),
                format!(
                    "the first model the Ollama server lists ({} when it lists none)",
                    ollama::DEFAULT_MODEL
                ),
            ),
        },
    };
    InEffect {
        provider: kind.name().to_string(),
        provider_from,
        model,
        model_from,
    }
}

/// Why `kind` was picked with no provider named.
fn detected_because(setup: &Setup<'_>, kind: Kind) -> String {
    let key_var = setup.key_var(kind);
    let key = (setup.var)(&key_var).is_some();
    match kind {
        Kind::OpenAi if !key => match (setup.var)(openai::BASE_VAR) {
            Some(_) => format!(
                "detected: {} names an OpenAI-compatible server",
                openai::BASE_VAR
            ),
            None => "detected: base_url under [providers.openai] names an OpenAI-compatible server"
                .into(),
        },
        Kind::Azure => format!("detected: {key_var} and the endpoint are set"),
        _ => format!("detected: {key_var} is set"),
    }
}

/// The providers [`select`] knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    OpenAi,
    Anthropic,
    Gemini,
    Azure,
    Ollama,
}

impl Kind {
    /// The providers detected by their credentials, in order (Ollama is
    /// probed after them).
    const AUTO: [Kind; 4] = [Kind::OpenAi, Kind::Anthropic, Kind::Gemini, Kind::Azure];

    fn parse(name: &str) -> Option<Kind> {
        match name.trim().to_ascii_lowercase().as_str() {
            "openai" => Some(Kind::OpenAi),
            "anthropic" | "claude" => Some(Kind::Anthropic),
            "gemini" | "google" => Some(Kind::Gemini),
            "azure" | "azure-openai" | "azure_openai" => Some(Kind::Azure),
            "ollama" => Some(Kind::Ollama),
            _ => None,
        }
    }

    fn from_model(model: &str) -> Option<Kind> {
        if model.starts_with("claude") {
            Some(Kind::Anthropic)
        } else if model.starts_with("gemini") || model.starts_with("models/gemini") {
            Some(Kind::Gemini)
        } else {
            None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::OpenAi => "openai",
            Kind::Anthropic => "anthropic",
            Kind::Gemini => "gemini",
            Kind::Azure => "azure",
            Kind::Ollama => "ollama",
        }
    }

    fn key_var(self) -> &'static str {
        match self {
            Kind::OpenAi => openai::KEY_VAR,
            Kind::Anthropic => anthropic::KEY_VAR,
            Kind::Gemini => gemini::KEY_VAR,
            Kind::Azure => azure::KEY_VAR,
            Kind::Ollama => "",
        }
    }
}

/// The settings and environment [`select`] reads.
struct Setup<'a> {
    settings: &'a BTreeMap<String, ProviderSettings>,
    var: &'a dyn Fn(&str) -> Option<String>,
}

impl Setup<'_> {
    fn setting(&self, kind: Kind) -> ProviderSettings {
        self.settings.get(kind.name()).cloned().unwrap_or_default()
    }

    /// The variable holding `kind`'s key: `api_key_env`, or the usual one
    /// (Gemini: `GEMINI_API_KEY`, else `GOOGLE_API_KEY` when only that is set).
    fn key_var(&self, kind: Kind) -> String {
        match self.setting(kind).api_key_env {
            Some(name) => name,
            None if kind == Kind::Gemini => self.gemini_key_var().to_string(),
            None => kind.key_var().to_string(),
        }
    }

    fn gemini_key_var(&self) -> &'static str {
        if (self.var)(gemini::KEY_VAR).is_none() && (self.var)(gemini::ALT_KEY_VAR).is_some() {
            gemini::ALT_KEY_VAR
        } else {
            gemini::KEY_VAR
        }
    }

    fn key(&self, kind: Kind) -> Result<ApiKey, Error> {
        let var = self.key_var(kind);
        match (self.var)(&var) {
            Some(key) => Ok(ApiKey::new(key.trim())),
            None => Err(Error::MissingKey {
                provider: kind.name(),
                var,
            }),
        }
    }

    /// Whether `kind` is set up well enough to be picked unnamed.
    fn has_credentials(&self, kind: Kind) -> bool {
        let key = (self.var)(&self.key_var(kind)).is_some();
        match kind {
            Kind::OpenAi => {
                let base = (self.var)(openai::BASE_VAR).or(self.setting(kind).base_url);
                key || base.is_some_and(|base| !openai::is_openai_itself(&base))
            }
            Kind::Azure => {
                key && ((self.var)(azure::ENDPOINT_VAR).is_some()
                    || self.setting(kind).base_url.is_some())
            }
            Kind::Anthropic | Kind::Gemini => key,
            Kind::Ollama => false,
        }
    }

    fn ollama_url(&self) -> String {
        let host = (self.var)(ollama::HOST_VAR).or(self.setting(Kind::Ollama).base_url);
        ollama::base_url(host.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::Request;
    use crate::llm::tests::env;
    use std::cell::Cell;

    fn no_ollama(_: &str) -> Option<Vec<String>> {
        None
    }

    /// `select` with no Ollama running, returning only the provider.
    fn pick(
        provider: Option<&str>,
        model: Option<&str>,
        settings: &BTreeMap<String, ProviderSettings>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Option<Box<dyn Provider>>, Error> {
        select(provider, model, settings, env, &no_ollama).map(|c| c.map(|c| c.provider))
    }

    fn chosen(
        provider: Option<&str>,
        model: Option<&str>,
        pairs: &[(&str, &str)],
    ) -> Option<(String, String)> {
        pick(provider, model, &BTreeMap::new(), &env(pairs))
            .expect("a valid configuration")
            .map(|p| (p.name().to_string(), p.model().to_string()))
    }

    fn pair(provider: &str, model: &str) -> Option<(String, String)> {
        Some((provider.to_string(), model.to_string()))
    }

    fn url(provider: &dyn Provider) -> String {
        let preview = provider.preview(&Request {
            system: String::new(),
            messages: Vec::new(),
            max_tokens: 10,
            tools: Vec::new(),
            calls_closed: false,
        });
        preview["url"].as_str().unwrap_or_default().to_string()
    }
    #[test]
    fn nothing_configured_selects_nothing() {
        assert_eq!(chosen(None, None, &[]), None);
        assert_eq!(chosen(None, None, &[("OPENAI_API_KEY", " ")]), None);
        assert_eq!(chosen(None, Some("gpt-5"), &[]), None);
    }

    #[test]
    fn the_first_provider_with_a_key_wins_with_its_default_model() {
        let both = [("OPENAI_API_KEY", "sk-1"), ("ANTHROPIC_API_KEY", "sk-ant")];
        assert_eq!(chosen(None, None, &both), pair("openai", "gpt-5-mini"));
        assert_eq!(
            chosen(None, None, &both[1..]),
            pair("anthropic", "claude-sonnet-5")
        );
    }

    #[test]
    fn flags_win_over_environment_and_claude_models_pick_anthropic() {
        let all = [
            ("OPENAI_API_KEY", "sk-1"),
            ("ANTHROPIC_API_KEY", "sk-ant"),
            ("GLANCE_PROVIDER", "openai"),
            ("GLANCE_MODEL", "gpt-5"),
        ];
        assert_eq!(chosen(None, None, &all), pair("openai", "gpt-5"));
        assert_eq!(
            chosen(Some("anthropic"), Some("claude-opus-5"), &all),
            pair("anthropic", "claude-opus-5")
        );
        assert_eq!(
            chosen(None, Some("claude-haiku-4-5"), &all[..2]),
            pair("anthropic", "claude-haiku-4-5")
        );
        assert_eq!(
            chosen(Some("Claude"), None, &all[..2]),
            pair("anthropic", "claude-sonnet-5")
        );
    }

    #[test]
    fn a_chosen_provider_without_its_key_names_the_variable() {
        let error = pick(
            Some("anthropic"),
            None,
            &BTreeMap::new(),
            &env(&[("OPENAI_API_KEY", "k")]),
        )
        .err()
        .expect("no anthropic key");
        assert!(matches!(&error, Error::MissingKey { var, .. } if var == "ANTHROPIC_API_KEY"));
        assert!(error.to_string().contains("export ANTHROPIC_API_KEY="));
        let error = pick(
            None,
            None,
            &BTreeMap::new(),
            &env(&[("GLANCE_PROVIDER", "openai")]),
        )
        .err()
        .expect("no openai key");
        assert!(error.to_string().contains("OPENAI_API_KEY"));
    }

    #[test]
    fn unknown_providers_and_retired_models_are_errors() {
        let keys = [("OPENAI_API_KEY", "k"), ("ANTHROPIC_API_KEY", "k")];
        let error = pick(Some("gemeni"), None, &BTreeMap::new(), &env(&keys))
            .err()
            .expect("unknown");
        assert!(error.to_string().contains("`gemeni`"));
        let error = pick(
            None,
            Some("claude-3-5-sonnet-20241022"),
            &BTreeMap::new(),
            &env(&keys),
        )
        .err()
        .expect("retired");
        assert!(matches!(error, Error::RetiredModel { .. }));
    }

    #[test]
    fn config_settings_name_key_variable_address_and_model() {
        let settings = BTreeMap::from([(
            "openai".to_string(),
            ProviderSettings {
                api_key_env: Some("WORK_KEY".into()),
                base_url: Some("http://127.0.0.1:2/v1".into()),
                model: Some("gpt-5-nano".into()),
            },
        )]);
        let provider = pick(None, None, &settings, &env(&[("WORK_KEY", "k")]))
            .expect("valid")
            .expect("the configured variable is set");
        assert_eq!(provider.model(), "gpt-5-nano");
        let preview = provider.preview(&Request {
            system: String::new(),
            messages: Vec::new(),
            max_tokens: 10,
            tools: Vec::new(),
            calls_closed: false,
        });
        assert_eq!(preview["url"], "http://127.0.0.1:2/v1/chat/completions");
        let from_env = pick(
            None,
            Some("gpt-5"),
            &settings,
            &env(&[
                ("WORK_KEY", "k"),
                ("OPENAI_BASE_URL", "http://127.0.0.1:3/v1"),
            ]),
        )
        .expect("valid")
        .expect("configured");
        assert_eq!(from_env.model(), "gpt-5");
        assert_eq!(
            from_env.preview(&Request {
                system: String::new(),
                messages: Vec::new(),
                max_tokens: 10,
                tools: Vec::new(),
                calls_closed: false,
            })["url"],
            "http://127.0.0.1:3/v1/chat/completions"
        );
        let without_address = BTreeMap::from([(
            "openai".to_string(),
            ProviderSettings {
                base_url: None,
                ..settings["openai"].clone()
            },
        )]);
        let missing = pick(
            Some("openai"),
            None,
            &without_address,
            &env(&[("OPENAI_API_KEY", "k")]),
        )
        .err()
        .expect("the configured variable is unset");
        assert!(missing.to_string().contains("WORK_KEY"), "{missing}");
    }

    #[test]
    fn base_urls_come_from_the_environment() {
        let provider = pick(
            None,
            None,
            &BTreeMap::new(),
            &env(&[
                ("ANTHROPIC_API_KEY", "k"),
                ("ANTHROPIC_BASE_URL", "http://127.0.0.1:1"),
            ]),
        )
        .expect("valid")
        .expect("configured");
        let preview = provider.preview(&Request {
            system: String::new(),
            messages: Vec::new(),
            max_tokens: 10,
            tools: Vec::new(),
            calls_closed: false,
        });
        assert_eq!(preview["url"], "http://127.0.0.1:1/v1/messages");
    }

    #[test]
    fn gemini_azure_and_ollama_are_chosen_by_name_or_alias() {
        let keys = [
            ("GOOGLE_API_KEY", "AIza"),
            ("AZURE_OPENAI_API_KEY", "az"),
            ("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com"),
        ];
        assert_eq!(
            chosen(Some("google"), None, &keys),
            pair("gemini", "gemini-3.5-flash")
        );
        assert_eq!(
            chosen(None, Some("gemini-2.5-pro"), &keys),
            pair("gemini", "gemini-2.5-pro")
        );
        assert_eq!(
            chosen(Some("azure-openai"), Some("prod-gpt"), &keys),
            pair("azure", "prod-gpt")
        );
        assert_eq!(
            chosen(Some("ollama"), Some("qwen2.5-coder:7b"), &[]),
            pair("ollama", "qwen2.5-coder:7b")
        );
        assert_eq!(canonical("Azure_OpenAI"), Some("azure"));
        assert_eq!(canonical("gpt-5"), None);
        assert_eq!(
            chosen(Some("ollama"), None, &[]),
            pair("ollama", "llama3.2"),
            "the documented default when the server lists nothing"
        );
    }

    #[test]
    fn unnamed_providers_are_tried_in_order() {
        let gemini = [("GEMINI_API_KEY", "AIza"), ("AZURE_OPENAI_API_KEY", "az")];
        assert_eq!(
            chosen(None, None, &gemini),
            pair("gemini", "gemini-3.5-flash")
        );
        let azure_without_endpoint = [("AZURE_OPENAI_API_KEY", "az")];
        assert_eq!(chosen(None, None, &azure_without_endpoint), None);
        let azure = [
            ("AZURE_OPENAI_API_KEY", "az"),
            (
                "AZURE_OPENAI_ENDPOINT",
                "https://res.openai.azure.com/openai/v1",
            ),
            ("GLANCE_MODEL", "prod-gpt"),
        ];
        assert_eq!(chosen(None, None, &azure), pair("azure", "prod-gpt"));
        let compatible = [("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")];
        assert_eq!(
            chosen(None, None, &compatible),
            pair("openai", "gpt-5-mini")
        );
        let official = [("OPENAI_BASE_URL", "https://api.openai.com/v1")];
        assert_eq!(chosen(None, None, &official), None);
    }

    #[test]
    fn a_compatible_server_needs_no_key_but_openai_does() {
        let provider = pick(
            Some("openai"),
            Some("local"),
            &BTreeMap::new(),
            &env(&[("OPENAI_BASE_URL", "http://127.0.0.1:8080/v1")]),
        )
        .expect("no key needed")
        .expect("chosen");
        assert_eq!(
            url(provider.as_ref()),
            "http://127.0.0.1:8080/v1/chat/completions"
        );
        let error = pick(Some("openai"), None, &BTreeMap::new(), &env(&[]))
            .err()
            .expect("OpenAI itself needs a key");
        assert!(error.to_string().contains("OPENAI_API_KEY"), "{error}");
    }

    #[test]
    fn azure_needs_an_endpoint_and_a_deployment() {
        let key = [("AZURE_OPENAI_API_KEY", "az")];
        let error = pick(Some("azure"), Some("d"), &BTreeMap::new(), &env(&key))
            .err()
            .expect("no endpoint");
        assert!(
            error.to_string().contains("AZURE_OPENAI_ENDPOINT"),
            "{error}"
        );
        let both = [
            ("AZURE_OPENAI_API_KEY", "az"),
            ("AZURE_OPENAI_ENDPOINT", "https://res.openai.azure.com"),
            ("AZURE_OPENAI_API_VERSION", "2025-04-01-preview"),
        ];
        let error = pick(Some("azure"), None, &BTreeMap::new(), &env(&both))
            .err()
            .expect("no deployment");
        assert!(error.to_string().contains("--model DEPLOYMENT"), "{error}");
        let provider = pick(Some("azure"), Some("prod"), &BTreeMap::new(), &env(&both))
            .expect("valid")
            .expect("chosen");
        assert_eq!(
            url(provider.as_ref()),
            "https://res.openai.azure.com/openai/deployments/prod/chat/completions?api-version=2025-04-01-preview"
        );
        let error = pick(
            Some("azure"),
            Some("prod"),
            &BTreeMap::new(),
            &env(&key[..0]),
        )
        .err()
        .expect("no key");
        assert!(
            error.to_string().contains("AZURE_OPENAI_API_KEY"),
            "{error}"
        );
    }

    #[test]
    fn addresses_come_from_the_environment_then_the_config() {
        let settings = BTreeMap::from([
            (
                "gemini".to_string(),
                ProviderSettings {
                    base_url: Some("http://127.0.0.1:4".into()),
                    ..ProviderSettings::default()
                },
            ),
            (
                "ollama".to_string(),
                ProviderSettings {
                    base_url: Some("127.0.0.1:5".into()),
                    model: Some("mistral".into()),
                    ..ProviderSettings::default()
                },
            ),
        ]);
        let key = [("GEMINI_API_KEY", "k")];
        let gemini = pick(Some("gemini"), None, &settings, &env(&key))
            .expect("valid")
            .expect("chosen");
        assert!(url(gemini.as_ref()).starts_with("http://127.0.0.1:4/v1beta/models/"));
        let overridden = [
            ("GEMINI_API_KEY", "k"),
            ("GEMINI_BASE_URL", "http://127.0.0.1:6"),
        ];
        let gemini = pick(Some("gemini"), None, &settings, &env(&overridden))
            .expect("valid")
            .expect("chosen");
        assert!(url(gemini.as_ref()).starts_with("http://127.0.0.1:6/v1beta/"));
        let ollama = pick(Some("ollama"), None, &settings, &env(&[]))
            .expect("valid")
            .expect("chosen");
        assert_eq!(ollama.model(), "mistral");
        assert_eq!(url(ollama.as_ref()), "http://127.0.0.1:5/api/chat");
        let ollama = pick(
            Some("ollama"),
            None,
            &settings,
            &env(&[("OLLAMA_HOST", "http://127.0.0.1:7")]),
        )
        .expect("valid")
        .expect("chosen");
        assert_eq!(url(ollama.as_ref()), "http://127.0.0.1:7/api/chat");
    }

    #[test]
    fn a_running_ollama_is_used_only_when_nothing_else_is_configured() {
        let probed = Cell::new(None);
        let running = |url: &str| {
            probed.set(Some(url.to_string()));
            Some(vec![
                "qwen2.5-coder:7b".to_string(),
                "llama3.2:latest".to_string(),
            ])
        };
        let chosen = select(None, None, &BTreeMap::new(), &env(&[]), &running)
            .expect("valid")
            .expect("ollama answers");
        assert_eq!(chosen.provider.name(), "ollama");
        assert_eq!(chosen.provider.model(), "qwen2.5-coder:7b");
        assert_eq!(
            chosen.notice.as_deref(),
            Some(
                "using Ollama at http://127.0.0.1:11434 (model qwen2.5-coder:7b); set a provider to change this"
            )
        );
        assert_eq!(probed.take().as_deref(), Some("http://127.0.0.1:11434"));

        let keyed = select(
            None,
            None,
            &BTreeMap::new(),
            &env(&[("ANTHROPIC_API_KEY", "k")]),
            &running,
        )
        .expect("valid")
        .expect("anthropic");
        assert_eq!(keyed.provider.name(), "anthropic");
        assert!(keyed.notice.is_none());
        assert_eq!(probed.take(), None, "no probe when a key is set");

        let named = select(Some("ollama"), None, &BTreeMap::new(), &env(&[]), &running)
            .expect("valid")
            .expect("ollama");
        assert!(named.notice.is_none(), "a named provider needs no notice");
        assert_eq!(named.provider.model(), "qwen2.5-coder:7b");
    }

    /// `in_effect` names what `select` picks, and says why.
    #[test]
    fn in_effect_agrees_with_select_and_names_the_origin() {
        type Case<'a> = (
            Option<&'a str>,
            Option<&'a str>,
            &'a [(&'a str, &'a str)],
            &'a str,
            &'a str,
        );
        let cases: &[Case] = &[
            (
                None,
                None,
                &[("OPENAI_API_KEY", "k")],
                "detected: OPENAI_API_KEY is set",
                "openai's default",
            ),
            (
                None,
                None,
                &[("GEMINI_API_KEY", "k"), ("GLANCE_MODEL", "gemini-x")],
                "inferred from the model id gemini-x",
                "from the environment variable GLANCE_MODEL",
            ),
            (
                None,
                None,
                &[("ANTHROPIC_API_KEY", "k"), ("GLANCE_PROVIDER", "claude")],
                "from the environment variable GLANCE_PROVIDER",
                "anthropic's default",
            ),
            (
                Some("openai"),
                Some("gpt-x"),
                &[("OPENAI_API_KEY", "k"), ("ANTHROPIC_API_KEY", "k")],
                "from the --provider flag",
                "from the --model flag",
            ),
            (
                None,
                None,
                &[("OPENAI_BASE_URL", "http://127.0.0.1:9/v1")],
                "detected: OPENAI_BASE_URL names an OpenAI-compatible server",
                "openai's default",
            ),
        ];
        for (provider, model, pairs, provider_from, model_from) in cases {
            let effect = in_effect(
                provider.map(|p| (p, "from the --provider flag")),
                model.map(|m| (m, "from the --model flag")),
                &BTreeMap::new(),
                &env(pairs),
            );
            let picked = chosen(*provider, *model, pairs).expect("a provider");
            assert_eq!(
                (effect.provider.clone(), effect.model.clone()),
                picked,
                "{pairs:?}"
            );
            assert_eq!(effect.provider_from, *provider_from, "{pairs:?}");
            assert_eq!(effect.model_from, *model_from, "{pairs:?}");
        }
        let mut settings = BTreeMap::new();
        settings.insert(
            "gemini".to_string(),
            ProviderSettings {
                model: Some("gemini-pro".into()),
                ..ProviderSettings::default()
            },
        );
        let effect = in_effect(Some(("gemini", "from [llm]")), None, &settings, &env(&[]));
        assert_eq!(effect.model, "gemini-pro");
        assert_eq!(
            effect.model_from,
            "from model under [providers.gemini] in the config file"
        );
        let effect = in_effect(None, None, &BTreeMap::new(), &env(&[]));
        assert_eq!(effect.provider, "ollama");
        assert!(effect.model.is_empty() && effect.model_from.contains("first model"));
    }
}
