//! Azure OpenAI: the Chat Completions protocol (see `openai`) at an Azure
//! resource, with the key in an `api-key` header.
//!
//! Two address shapes: the classic
//! `{endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`
//! and, when the endpoint ends in `/openai/v1`, the v1 form
//! `{endpoint}/chat/completions` with the deployment as the body's `model`.
//! Invariant: the deployment name is the model; only the URL and the auth
//! header differ from OpenAI, the body and the stream are the same.

use super::client::Client;
use super::error::Callee;
use super::http::ApiKey;
use super::openai::{Auth, ChatCompletions, OpenAi};
use super::transport::Transport;

/// The variable holding the key.
pub const KEY_VAR: &str = "AZURE_OPENAI_API_KEY";
/// The variable holding the resource's address.
pub const ENDPOINT_VAR: &str = "AZURE_OPENAI_ENDPOINT";
/// The variable choosing the classic form's api-version.
pub const VERSION_VAR: &str = "AZURE_OPENAI_API_VERSION";
/// The api-version sent on the classic form when none is set (the latest GA
/// version that takes `max_completion_tokens` and `stream_options`).
pub const DEFAULT_API_VERSION: &str = "2024-10-21";

/// A client for `deployment` at the Azure resource `endpoint`.
pub fn client(
    deployment: &str,
    endpoint: &str,
    api_version: Option<&str>,
    key: ApiKey,
    transport: Transport,
) -> OpenAi {
    let endpoint = endpoint.trim_end_matches('/');
    let (url, models_url) = if endpoint.ends_with("/openai/v1") {
        (
            format!("{endpoint}/chat/completions"),
            Some(format!("{endpoint}/models")),
        )
    } else {
        let version = api_version.unwrap_or(DEFAULT_API_VERSION);
        (
            format!(
                "{endpoint}/openai/deployments/{deployment}/chat/completions?api-version={version}"
            ),
            None,
        )
    };
    let callee = Callee {
        provider: "azure",
        model: deployment.to_string(),
        key_var: KEY_VAR.into(),
        base_var: ENDPOINT_VAR,
    };
    let wire = ChatCompletions::new(url, models_url, Auth::ApiKeyHeader(key));
    Client::with_wire(callee, wire, transport)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::{Error, Provider, Request};

    fn request() -> Request {
        crate::llm::tests::one_question(512)
    }

    #[test]
    fn the_classic_form_names_deployment_and_api_version() {
        let azure = client(
            "prod-gpt",
            "https://res.openai.azure.com/",
            None,
            ApiKey::new("az-secret"),
            Transport::default(),
        );
        let http = azure.build_request(&request());
        assert_eq!(
            http.url,
            "https://res.openai.azure.com/openai/deployments/prod-gpt/chat/completions?api-version=2024-10-21"
        );
        assert_eq!(http.header("api-key"), Some("az-secret"));
        assert_eq!(http.header("authorization"), None);
        assert_eq!(http.body["messages"][0]["role"], "system");
        assert_eq!(http.body["max_completion_tokens"], 512);
        assert_eq!(
            azure.preview(&request())["headers"]["api-key"],
            "<redacted>"
        );
        let error = azure.models().expect_err("no list on the classic form");
        assert!(matches!(error, Error::NoModelList { .. }), "{error:?}");
        assert!(error.to_string().contains("/openai/v1"), "{error}");
    }

    #[test]
    fn the_v1_form_puts_the_deployment_in_the_body() {
        let azure = client(
            "prod-gpt",
            "https://res.openai.azure.com/openai/v1/",
            Some("2025-04-01-preview"),
            ApiKey::new("az-secret"),
            Transport::default(),
        );
        let http = azure.build_request(&request());
        assert_eq!(
            http.url,
            "https://res.openai.azure.com/openai/v1/chat/completions"
        );
        assert_eq!(http.body["model"], "prod-gpt");
        assert_eq!(azure.name(), "azure");
    }
}
