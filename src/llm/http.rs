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

/// Headers whose values are secrets.
const SECRET_HEADERS: [&str; 4] = ["authorization", "x-api-key", "api-key", "x-goog-api-key"];

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

pub(super) fn redact(name: &str, value: &str) -> String {
    if !SECRET_HEADERS
        .iter()
        .any(|secret| name.eq_ignore_ascii_case(secret))
    {
        return value.to_string();
    }
    match value.split_once(' ') {
        Some((scheme, _)) => format!("{scheme} <redacted>"),
        None => "<redacted>".to_string(),
    }
}

/// Joins a base URL and a path, accepting a trailing slash on the base.
pub(super) fn endpoint(base: &str, path: &str) -> String {
    format!("{}{path}", base.trim_end_matches('/'))
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
}
