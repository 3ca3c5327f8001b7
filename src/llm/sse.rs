//! A server-sent-events parser that is fed raw network bytes.
//!
//! Reads may split anywhere (inside a line, inside a multi-byte UTF-8
//! character), so bytes are buffered and only whole lines are decoded. Lines
//! may end in `\n`, `\r\n` or `\r`. An event is dispatched at a blank line when
//! it carried at least one `data:` line; `event:` names it, several `data:`
//! lines join with `\n`, `:` comments and unknown fields (`id:`, `retry:`) are
//! ignored. The parser never fails: malformed input yields fewer events, and
//! the decoders above it decide what a missing end marker means.

/// One dispatched event.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Event {
    /// The `event:` name, if the event had one.
    pub name: Option<String>,
    /// The `data:` lines joined with `\n`.
    pub data: String,
}

/// Incremental parser state: a partial line and the event being built.
#[derive(Debug, Default)]
pub struct Parser {
    line: Vec<u8>,
    after_cr: bool,
    name: Option<String>,
    data: Option<String>,
}

impl Parser {
    /// A parser with nothing buffered.
    pub fn new() -> Parser {
        Parser::default()
    }

    /// Feeds the next bytes read from the network; returns the events they
    /// completed, in order.
    pub fn feed(&mut self, bytes: &[u8]) -> Vec<Event> {
        let mut events = Vec::new();
        for &byte in bytes {
            let after_cr = std::mem::replace(&mut self.after_cr, false);
            match byte {
                b'\n' if after_cr => {}
                b'\n' => self.end_line(&mut events),
                b'\r' => {
                    self.after_cr = true;
                    self.end_line(&mut events);
                }
                _ => self.line.push(byte),
            }
        }
        events
    }

    /// Ends the input: a last line without a line end counts, and an event
    /// still being built is dispatched.
    pub fn finish(&mut self) -> Option<Event> {
        let mut events = Vec::new();
        if !self.line.is_empty() {
            self.end_line(&mut events);
        }
        self.end_line(&mut events);
        events.pop()
    }

    fn end_line(&mut self, events: &mut Vec<Event>) {
        let line = std::mem::take(&mut self.line);
        if line.is_empty() {
            if let Some(data) = self.data.take() {
                events.push(Event {
                    name: self.name.take(),
                    data,
                });
            }
            self.name = None;
            return;
        }
        let line = String::from_utf8_lossy(&line);
        if line.starts_with(':') {
            return;
        }
        let (field, value) = match line.split_once(':') {
            Some((field, value)) => (field, value.strip_prefix(' ').unwrap_or(value)),
            None => (line.as_ref(), ""),
        };
        match field {
            "data" => match &mut self.data {
                Some(data) => {
                    data.push('\n');
                    data.push_str(value);
                }
                None => self.data = Some(value.to_string()),
            },
            "event" => self.name = Some(value.to_string()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(name: Option<&str>, data: &str) -> Event {
        Event {
            name: name.map(str::to_string),
            data: data.to_string(),
        }
    }

    fn parse_all(input: &[u8]) -> Vec<Event> {
        let mut parser = Parser::new();
        let mut events = parser.feed(input);
        events.extend(parser.finish());
        events
    }

    #[test]
    fn all_three_line_ends_are_accepted() {
        for input in [
            &b"data: a\n\ndata: b\n\n"[..],
            &b"data: a\r\n\r\ndata: b\r\n\r\n"[..],
            &b"data: a\r\rdata: b\r\r"[..],
        ] {
            assert_eq!(
                parse_all(input),
                vec![event(None, "a"), event(None, "b")],
                "{input:?}"
            );
        }
    }

    #[test]
    fn named_events_multi_line_data_comments_and_unknown_fields() {
        let input =
            b": keep-alive\nevent: message_start\nid: 7\nretry: 10\ndata: {\"a\":\ndata:1}\n\n";
        assert_eq!(
            parse_all(input),
            vec![event(Some("message_start"), "{\"a\":\n1}")]
        );
    }

    #[test]
    fn only_one_leading_space_is_dropped_and_a_bare_field_is_empty() {
        assert_eq!(
            parse_all(b"data:  two\ndata\n\n"),
            vec![event(None, " two\n")]
        );
    }

    #[test]
    fn a_block_without_data_is_not_an_event_and_its_name_does_not_leak() {
        assert_eq!(
            parse_all(b"event: ping\n\ndata: x\n\n"),
            vec![event(None, "x")]
        );
    }

    #[test]
    fn bytes_split_anywhere_give_the_same_events() {
        let input = "event: delta\r\ndata: héllo ✓\r\n\r\ndata: [DONE]\r\n\r\n".as_bytes();
        let whole = parse_all(input);
        for size in 1..input.len() {
            let mut parser = Parser::new();
            let mut events = Vec::new();
            for piece in input.chunks(size) {
                events.extend(parser.feed(piece));
            }
            events.extend(parser.finish());
            assert_eq!(events, whole, "split into pieces of {size}");
        }
        assert_eq!(
            whole,
            vec![event(Some("delta"), "héllo ✓"), event(None, "[DONE]")]
        );
    }

    #[test]
    fn a_last_event_without_its_blank_line_is_dispatched_at_the_end() {
        let mut parser = Parser::new();
        assert!(parser.feed(b"data: tail").is_empty());
        assert_eq!(parser.finish(), Some(event(None, "tail")));
        assert_eq!(parser.finish(), None);
    }
}
