//! Newline-delimited JSON framing (Ollama's native API), fed raw network
//! bytes like the SSE parser.
//!
//! Reads may split anywhere, so bytes are buffered and only whole lines are
//! decoded; each non-blank line becomes one event whose data is the line.
//! The parser never fails: deciding what a line means is the decoder's job.

use super::sse::Event;

/// Incremental state: the partial line read so far.
#[derive(Debug, Default)]
pub struct Parser {
    line: Vec<u8>,
}

impl Parser {
    /// Feeds the next bytes; returns the lines they completed, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for &byte in bytes {
            if byte == b'\n' {
                events.extend(self.take());
            } else {
                self.line.push(byte);
            }
        }
        events
    }

    /// Ends the input: a last line without a line end counts.
    pub fn finish(&mut self) -> Option<Event> {
        self.take()
    }

    fn take(&mut self) -> Option<Event> {
        let line = std::mem::take(&mut self.line);
        let text = String::from_utf8_lossy(&line);
        let text = text.trim();
        (!text.is_empty()).then(|| Event {
            name: None,
            data: text.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_split_anywhere_give_the_same_events() {
        let input = "{\"a\":\"héllo ✓\"}\r\n\n{\"b\":2}\n{\"c\":3}".as_bytes();
        for size in 1..input.len() {
            let mut parser = Parser::default();
            let mut events = Vec::new();
            for piece in input.chunks(size) {
                events.extend(parser.feed(piece));
            }
            events.extend(parser.finish());
            let data: Vec<&str> = events.iter().map(|e| e.data.as_str()).collect();
            assert_eq!(
                data,
                ["{\"a\":\"héllo ✓\"}", "{\"b\":2}", "{\"c\":3}"],
                "pieces of {size}"
            );
        }
    }
}
