//! How an answer's body becomes events and the events a reply: the
//! framing (server-sent events or NDJSON), the [`Decoder`] each protocol
//! implements, and the read loop that keeps an answer within its bounds.

use std::io::Read;
use std::time::Instant;

use super::error::Callee;
use super::send::read_error;
use super::transport::Transport;
use super::{Error, Reply, ndjson, sse};

/// What a decoder wants after an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Step {
    /// Keep reading.
    More,
    /// The end marker arrived: the reply is complete.
    Done,
}

/// How an answer's body is cut into pieces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Framing {
    /// Server-sent events (OpenAI, Azure, Anthropic, Gemini).
    Sse,
    /// One JSON object per line (Ollama); each line arrives as an event's data.
    Ndjson,
}

impl Framing {
    /// What the `Content-Type` of such a body contains.
    pub(super) fn content_type(self) -> &'static str {
        match self {
            Framing::Sse => "event-stream",
            Framing::Ndjson => "ndjson",
        }
    }
}

/// A framing parser fed raw network bytes.
enum Frames {
    Sse(sse::Parser),
    Ndjson(ndjson::Parser),
}

impl Frames {
    fn new(framing: Framing) -> Frames {
        match framing {
            Framing::Sse => Frames::Sse(sse::Parser::new()),
            Framing::Ndjson => Frames::Ndjson(ndjson::Parser::default()),
        }
    }

    fn feed(&mut self, bytes: &[u8]) -> Vec<sse::Event> {
        match self {
            Frames::Sse(parser) => parser.feed(bytes),
            Frames::Ndjson(parser) => parser.feed(bytes),
        }
    }

    fn finish(&mut self) -> Option<sse::Event> {
        match self {
            Frames::Sse(parser) => parser.finish(),
            Frames::Ndjson(parser) => parser.finish(),
        }
    }
}

/// Turns one provider's stream events into text deltas and a reply.
pub(crate) trait Decoder: Default {
    /// How the stream is framed.
    const FRAMING: Framing = Framing::Sse;
    /// Handles one event, passing any text to `on_text`.
    fn event(
        &mut self,
        event: &sse::Event,
        callee: &Callee,
        on_text: &mut dyn FnMut(&str),
    ) -> Result<Step, Error>;
    /// The reply, once the end marker has been seen.
    fn finish(self) -> Reply;
}

/// Reads an event stream to its end marker, within the transport's bounds
/// on the answer's size and on the time since `started`.
pub(super) fn decode<D: Decoder>(
    callee: &Callee,
    transport: &Transport,
    url: &str,
    mut reader: impl Read,
    started: Instant,
    on_text: &mut dyn FnMut(&str),
) -> Result<Reply, Error> {
    let mut parser = Frames::new(D::FRAMING);
    let mut decoder = D::default();
    let mut buf = [0u8; 8192];
    let mut received = 0u64;
    loop {
        let read = match reader.read(&mut buf) {
            Ok(read) => read,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(read_error(callee, transport, url, e)),
        };
        received += read as u64;
        if received > transport.max_answer_bytes {
            return Err(transport.too_big(callee));
        }
        if started.elapsed() > transport.max_answer_time {
            return Err(transport.too_slow(callee));
        }
        let events = if read == 0 {
            parser.finish().into_iter().collect()
        } else {
            parser.feed(&buf[..read])
        };
        for event in &events {
            if decoder.event(event, callee, on_text)? == Step::Done {
                return Ok(decoder.finish());
            }
        }
        if read == 0 {
            return Err(callee.truncated());
        }
    }
}
