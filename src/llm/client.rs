//! A provider as glance talks to it: a [`Wire`] (the protocol) sending
//! through a [`CancellableAgent`], which another thread can shut down to
//! abandon the answer being waited for.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use serde_json::Value;

use super::error::Callee;
use super::framing::Decoder;
use super::http::HttpRequest;
use super::send::{get_json, send};
use super::transport::Transport;
use super::{Error, Provider, Reply, Request};

/// One provider's protocol: how a question becomes an HTTP request, how its
/// answer is decoded, and how its model list is fetched. Wires are pure; a
/// [`Client`] sends what they build.
pub(crate) trait Wire: Send + Sync {
    /// The decoder for this protocol's answer stream.
    type Stream: Decoder;
    /// The streaming request for `request` to `model`.
    fn build(&self, model: &str, request: &Request) -> HttpRequest;
    /// The `GET` that lists models (URL and headers), or why there is none.
    fn models_request(&self, callee: &Callee) -> Result<HttpRequest, Error>;
    /// The model ids in the model list's JSON.
    fn parse_models(&self, body: &Value) -> Vec<String>;
    /// Rewords an error where the provider has a better hint (Ollama: start
    /// the server, pull the model).
    fn refine(&self, error: Error) -> Error {
        error
    }
}

/// A provider: a [`Wire`] plus who is being talked to and how.
pub struct Client<W> {
    callee: Callee,
    wire: W,
    transport: Transport,
    agent: Arc<CancellableAgent>,
}

/// The slot holding the HTTP agent a client sends through: a [`Cancel`]
/// can shut the agent down (closing its sockets) and put a fresh one in its
/// place from another thread.
struct CancellableAgent {
    transport: Transport,
    current: Mutex<ureq::Agent>,
    /// Set by [`Cancel`] since the current request began.
    cancelled: AtomicBool,
}

impl CancellableAgent {
    fn new(transport: &Transport) -> CancellableAgent {
        CancellableAgent {
            transport: transport.clone(),
            current: Mutex::new(transport.agent()),
            cancelled: AtomicBool::new(false),
        }
    }

    /// The agent for a new request, which a cancel from now on shuts down.
    fn begin(&self) -> ureq::Agent {
        self.cancelled.store(false, Ordering::SeqCst);
        self.current().clone()
    }

    fn current(&self) -> std::sync::MutexGuard<'_, ureq::Agent> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }
}

/// Abandons a client's request in flight ([`Provider::canceller`]).
struct Cancel(Arc<CancellableAgent>);

impl crate::db::Canceller for Cancel {
    fn cancel(&self) {
        let slot = &self.0;
        slot.cancelled.store(true, Ordering::SeqCst);
        let mut current = slot.current();
        let old = std::mem::replace(&mut *current, slot.transport.agent());
        old.shutdown();
    }
}

impl<W: Wire> Client<W> {
    pub(super) fn with_wire(callee: Callee, wire: W, transport: Transport) -> Client<W> {
        Client {
            callee,
            wire,
            agent: Arc::new(CancellableAgent::new(&transport)),
            transport,
        }
    }

    /// The HTTP request for `request`, without sending it.
    pub fn build_request(&self, request: &Request) -> HttpRequest {
        self.wire.build(&self.callee.model, request)
    }

    /// Names the variable the key came from (when it is not the provider's
    /// usual one), so a refused key's message points at it.
    pub fn key_from(mut self, var: &str) -> Client<W> {
        self.callee.key_var = var.to_string();
        self
    }
}

impl<W: Wire> Provider for Client<W> {
    fn name(&self) -> &str {
        self.callee.provider
    }

    fn model(&self) -> &str {
        &self.callee.model
    }

    fn stream(&self, request: &Request, on_text: &mut dyn FnMut(&str)) -> Result<Reply, Error> {
        let http = self.build_request(request);
        let agent = self.agent.begin();
        let result = send::<W::Stream>(
            &self.callee,
            &self.transport,
            &agent,
            &http,
            on_text,
            &|| self.agent.is_cancelled(),
        );
        match result {
            Err(_) if self.agent.is_cancelled() => Err(self.callee.cancelled()),
            other => other.map_err(|error| self.wire.refine(error)),
        }
    }

    fn preview(&self, request: &Request) -> Value {
        self.build_request(request).redacted()
    }

    fn models(&self) -> Result<Vec<String>, Error> {
        let http = self.wire.models_request(&self.callee)?;
        let body = get_json(&self.callee, &self.transport, &self.agent.begin(), &http)
            .map_err(|error| self.wire.refine(error))?;
        Ok(self.wire.parse_models(&body))
    }

    fn canceller(&self) -> Arc<dyn crate::db::Canceller> {
        Arc::new(Cancel(self.agent.clone()))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::llm::http::ApiKey;
    use crate::llm::openai::OpenAi;
    use crate::llm::tests::{empty_request, serve};

    #[test]
    fn a_cancel_abandons_a_stalled_stream_at_once() {
        let stalled = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n<stall>";
        let (base, _) = serve(vec![stalled.to_string()]);
        let provider = OpenAi::new(
            "m",
            Some(&base),
            Some(ApiKey::new("k")),
            Transport::default(),
        );
        let canceller = provider.canceller();
        let started = Instant::now();
        let error = std::thread::scope(|scope| {
            scope.spawn(|| {
                std::thread::sleep(Duration::from_millis(300));
                canceller.cancel();
            });
            provider
                .stream(&empty_request(), &mut |_| {})
                .expect_err("cancelled")
        });
        assert!(matches!(error, Error::Cancelled { .. }), "{error:?}");
        // The server stalls for 1 s; the cancel came after 0.3 s.
        assert!(started.elapsed() < Duration::from_millis(900));
        // The next request goes through a fresh connection.
        let (base, _) = serve(vec![stalled.replace("<stall>", "data: [DONE]\n\n")]);
        let provider = OpenAi::new(
            "m",
            Some(&base),
            Some(ApiKey::new("k")),
            Transport::default(),
        );
        provider.canceller().cancel();
        let reply = provider
            .stream(&empty_request(), &mut |_| {})
            .expect("answer");
        assert_eq!(reply.text, "Hi");
    }
}
