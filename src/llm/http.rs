//! The HTTP request a provider builds, and the secrets in it: an
//! [`ApiKey`] and the headers that carry it never show in a `Debug`, a
//! preview or an error.

use std::fmt;

use serde_json::{Value, json};

/// An API key. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key, and has the redactor hide it wherever it shows.
    pub fn new(key: impl Into<String>) -> ApiKey {
        let key = key.into();
        crate::redact::remember(&key);
        ApiKey(key)
    }

    /// The key itself, for the one header that carries it.
    pub(super) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// A request a provider wants sent: a JSON `POST` (a model list's `GET`
/// uses only the URL and headers).
#[derive(Clone, PartialEq)]
pub struct HttpRequest {
    /// Full URL.
    pub url: String,
    /// Headers in sending order (secrets included).
    pub headers: Vec<(String, String)>,
    /// The JSON body.
    pub body: Value,
}

impl HttpRequest {
    /// The value of a header (name compared case-insensitively).
    #[cfg(test)]
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Method, URL, headers with secrets redacted, and body, as JSON.
    pub fn redacted(&self) -> Value {
        let headers: serde_json::Map<String, Value> = self
            .headers
            .iter()
            .map(|(name, value)| (name.clone(), Value::String(redact(name, value))))
            .collect();
        json!({"method": "POST", "url": self.url, "headers": headers, "body": self.body})
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted().to_string())
    }
}

/// A header's value with its secret hidden ([`crate::redact::header_value`]).
pub(super) fn redact(name: &str, value: &str) -> String {
    crate::redact::header_value(name, value).unwrap_or_else(|| value.to_string())
}

/// Joins a base URL and a path, accepting a trailing slash on the base:
/// the path goes before the base's query string (`?api-version=…`), and
/// a query of the path's own joins the base's.
pub(super) fn endpoint(base: &str, path: &str) -> String {
    let (base, base_query) = match base.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (base, None),
    };
    let (path, path_query) = match path.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path, None),
    };
    let query: Vec<&str> = [base_query, path_query]
        .into_iter()
        .flatten()
        .filter(|query| !query.is_empty())
        .collect();
    let mut url = format!("{}{path}", base.trim_end_matches('/'));
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query.join("&"));
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_redacted_everywhere_they_could_be_printed() {
        let key = ApiKey::new("sk-very-secret");
        assert_eq!(format!("{key:?}"), "ApiKey(<redacted>)");
        assert_eq!(key.to_string(), "<redacted>");
        assert_eq!(redact("Authorization", "Bearer sk-1"), "Bearer <redacted>");
        assert_eq!(redact("x-api-key", "sk-1"), "<redacted>");
        assert_eq!(redact("anthropic-version", "2023-06-01"), "2023-06-01");
    }

    #[test]
    fn the_path_goes_before_the_query_string() {
        for (base, path, url) in [
            ("https://h/v1", "/models", "https://h/v1/models"),
            ("https://h/v1/", "/models", "https://h/v1/models"),
            (
                "https://h/v1?api_key=k",
                "/chat/completions",
                "https://h/v1/chat/completions?api_key=k",
            ),
            (
                "https://h/?api_key=k",
                "/v1/models?limit=1000",
                "https://h/v1/models?api_key=k&limit=1000",
            ),
            (
                "https://h",
                "/v1/models?limit=1000",
                "https://h/v1/models?limit=1000",
            ),
        ] {
            assert_eq!(endpoint(base, path), url, "{base} + {path}");
        }
    }
}
