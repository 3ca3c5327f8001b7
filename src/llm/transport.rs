//! How a provider is reached: timeouts, retry policy and the bounds on an
//! answer, with the environment knobs that override them.

use std::time::Duration;

use super::Error;
use super::error::Callee;

/// Environment variable overriding both the connect and the idle timeout, in
/// milliseconds (an operations and test knob).
pub const TIMEOUT_VAR: &str = "GLANCE_LLM_TIMEOUT_MS";
/// Environment variable overriding the bound on an answer's size, in bytes
/// as received (an operations and test knob).
pub const MAX_ANSWER_BYTES_VAR: &str = "GLANCE_LLM_MAX_ANSWER_BYTES";
/// Environment variable overriding the bound on an answer's total time, in
/// milliseconds (an operations and test knob).
pub const MAX_ANSWER_MS_VAR: &str = "GLANCE_LLM_MAX_ANSWER_MS";

/// Timeouts and retry policy for one provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transport {
    /// Budget for connecting (DNS, TCP, TLS).
    pub connect_timeout: Duration,
    /// Longest silence allowed while waiting for the response or between two
    /// reads of the stream (keep-alive comments and pings count as activity).
    pub idle_timeout: Duration,
    /// Attempts in all, the first included.
    pub max_tries: u32,
    /// First backoff wait when the server gives no `retry-after`; doubles
    /// per retry, capped at 8 s.
    pub backoff: Duration,
    /// A `retry-after` longer than this is not waited for: the error is
    /// reported instead.
    pub max_retry_after: Duration,
    /// Upper bound on the time spent waiting between tries, over all the
    /// retries of one request: a retry whose wait would pass it is not made.
    pub max_total_wait: Duration,
    /// Upper bound on the bytes of one answer (or model list) as received,
    /// framing included: a reply that never ends stops here.
    pub max_answer_bytes: u64,
    /// Upper bound on the time from sending a request to the end of its
    /// answer: a stream that keeps sending pings or text stops here.
    pub max_answer_time: Duration,
}

impl Default for Transport {
    /// 10 s to connect; 90 s of silence (reasoning models may think quietly
    /// before the first token); 3 tries; 0.5 s first backoff; waits of up to
    /// 60 s each and 90 s in all; answers of up to 32 MiB and 10 minutes.
    fn default() -> Transport {
        Transport {
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(90),
            max_tries: 3,
            backoff: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(60),
            max_total_wait: Duration::from_secs(90),
            max_answer_bytes: 32 << 20,
            max_answer_time: Duration::from_secs(600),
        }
    }
}

impl Transport {
    /// The defaults, with both timeouts replaced by `GLANCE_LLM_TIMEOUT_MS`
    /// and the answer's bounds by `GLANCE_LLM_MAX_ANSWER_BYTES` and
    /// `GLANCE_LLM_MAX_ANSWER_MS`, each when it holds a positive number.
    pub fn from_env(env: &dyn Fn(&str) -> Option<String>) -> Transport {
        let mut transport = Transport::default();
        let positive = |name: &str| {
            env(name)
                .and_then(|v| v.trim().parse::<u64>().ok())
                .filter(|n| *n > 0)
        };
        if let Some(ms) = positive(TIMEOUT_VAR) {
            transport.connect_timeout = Duration::from_millis(ms);
            transport.idle_timeout = Duration::from_millis(ms);
        }
        if let Some(bytes) = positive(MAX_ANSWER_BYTES_VAR) {
            transport.max_answer_bytes = bytes;
        }
        if let Some(ms) = positive(MAX_ANSWER_MS_VAR) {
            transport.max_answer_time = Duration::from_millis(ms);
        }
        transport
    }

    /// The error for an answer that passed its size bound.
    pub(super) fn too_big(&self, callee: &Callee) -> Error {
        callee.too_long(match self.max_answer_bytes {
            bytes if bytes % (1 << 20) == 0 => format!("{} MiB", bytes >> 20),
            bytes => format!("{bytes} bytes"),
        })
    }

    /// The error for an answer that passed its time bound.
    pub(super) fn too_slow(&self, callee: &Callee) -> Error {
        callee.too_long(format!("{:.1} s", self.max_answer_time.as_secs_f64()))
    }

    pub(super) fn agent(&self) -> ureq::Agent {
        // Redirects are not followed: the API key would go along to
        // wherever the redirect points. A redirect is reported instead.
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_connect(Some(self.connect_timeout))
            .timeout_per_read(Some(self.idle_timeout))
            .build();
        ureq::Agent::new_with_config(config)
    }

    /// How long to wait before try number `tries + 1`.
    pub(super) fn wait(&self, tries: u32, retry_after: Option<Duration>) -> Duration {
        retry_after.unwrap_or_else(|| {
            let factor = 2u32.saturating_pow(tries.saturating_sub(1));
            self.backoff
                .saturating_mul(factor)
                .min(Duration::from_secs(8))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::tests::env;

    #[test]
    fn the_timeout_knob_sets_both_timeouts() {
        let transport = Transport::from_env(&env(&[(TIMEOUT_VAR, "250")]));
        assert_eq!(transport.connect_timeout, Duration::from_millis(250));
        assert_eq!(transport.idle_timeout, Duration::from_millis(250));
        for ignored in ["soon", "0", "-5"] {
            let transport = Transport::from_env(&env(&[(TIMEOUT_VAR, ignored)]));
            assert_eq!(transport, Transport::default(), "{ignored}");
        }
    }

    #[test]
    fn backoff_doubles_is_capped_and_yields_to_retry_after() {
        let transport = Transport::default();
        assert_eq!(transport.wait(1, None), Duration::from_millis(500));
        assert_eq!(transport.wait(2, None), Duration::from_secs(1));
        assert_eq!(transport.wait(10, None), Duration::from_secs(8));
        assert_eq!(transport.wait(1, Some(Duration::ZERO)), Duration::ZERO);
    }
}
