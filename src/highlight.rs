//! SQL highlighting for the terminal, and a printer for streamed model
//! replies that prints prose as it arrives and each fenced code block
//! highlighted once it is complete. Pure text in, text out.

use owo_colors::OwoColorize;
use sqlparser::dialect::GenericDialect;
use sqlparser::tokenizer::{Token, TokenWithSpan, Tokenizer, Whitespace};

/// `sql` with keywords, strings, numbers and comments coloured. Only SGR
/// codes are added: the visible text is `sql` byte for byte, so the result
/// can stand in for a line being edited. Text that does not tokenize is
/// returned as it is.
pub fn sql(sql: &str) -> String {
    let Ok(tokens) = Tokenizer::new(&GenericDialect {}, sql).tokenize_with_location() else {
        return sql.to_string();
    };
    let Some(starts) = token_starts(sql, &tokens) else {
        return sql.to_string();
    };
    let ends = starts.iter().skip(1).copied().chain([sql.len()]);
    let mut out = String::with_capacity(sql.len() * 2);
    for ((token, start), end) in tokens.iter().zip(&starts).zip(ends) {
        let text = &sql[*start..end];
        let painted = match &token.token {
            Token::Word(word)
                if word.quote_style.is_none()
                    && word.keyword != sqlparser::keywords::Keyword::NoKeyword =>
            {
                text.blue().bold().to_string()
            }
            Token::SingleQuotedString(_)
            | Token::DollarQuotedString(_)
            | Token::EscapedStringLiteral(_) => text.green().to_string(),
            Token::Number(..) => text.cyan().to_string(),
            Token::Whitespace(
                Whitespace::SingleLineComment { .. } | Whitespace::MultiLineComment(_),
            ) => text.dimmed().to_string(),
            _ => text.to_string(),
        };
        out.push_str(&painted);
    }
    out
}

/// `sql` highlighted when `color` is on, as it is otherwise.
pub fn paint(sql: &str, color: bool) -> String {
    if color {
        self::sql(sql)
    } else {
        sql.to_string()
    }
}

/// Byte offset in `text` where each token starts, from the tokenizer's
/// line and column (both counted from 1, columns in characters). `None`
/// unless the offsets start at 0 and never go back, so every byte of
/// `text` is in exactly one token's slice. One pass over `text`: the
/// tokens come in order, so each position is reached from the last one.
fn token_starts(text: &str, tokens: &[TokenWithSpan]) -> Option<Vec<usize>> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(at, _)| at + 1))
        .collect();
    // The last position found: line and column (from 0) and its byte offset.
    let (mut line, mut column, mut offset) = (0usize, 0usize, 0usize);
    let mut starts = Vec::with_capacity(tokens.len());
    for token in tokens {
        let to_line = usize::try_from(token.span.start.line)
            .ok()?
            .checked_sub(1)?;
        let to_column = usize::try_from(token.span.start.column)
            .ok()?
            .checked_sub(1)?;
        if to_line != line {
            if to_line < line {
                return None;
            }
            (line, column, offset) = (to_line, 0, *line_starts.get(to_line)?);
        }
        let ahead = to_column.checked_sub(column)?;
        let rest = &text[offset..];
        offset += rest
            .char_indices()
            .nth(ahead)
            .map_or(rest.len(), |(at, _)| at);
        column = to_column;
        starts.push(offset);
    }
    let ordered = starts.first().is_none_or(|&first| first == 0)
        && starts.windows(2).all(|pair| pair[0] <= pair[1]);
    ordered.then_some(starts)
}

/// Prints a streamed reply: prose immediately, fenced blocks whole and
/// (with colour) highlighted. Feed it deltas, then call [`Reply::finish`].
#[derive(Debug, Default)]
pub struct Reply {
    color: bool,
    /// The current line, held back until it is known not to open or close a fence.
    line: String,
    /// Lines of the open fenced block, without its fences.
    block: Option<String>,
    /// Part of the current line was already shown, so it is no fence.
    mid_line: bool,
}

impl Reply {
    pub fn new(color: bool) -> Reply {
        Reply {
            color,
            ..Reply::default()
        }
    }

    /// Takes the next piece of the reply and returns what can be shown now.
    pub fn push(&mut self, delta: &str) -> String {
        let mut out = String::new();
        for c in delta.chars() {
            self.line.push(c);
            if c == '\n' {
                let line = std::mem::take(&mut self.line);
                if self.mid_line {
                    out.push_str(&line);
                } else {
                    self.end_line(&line, &mut out);
                }
                self.mid_line = false;
            } else if self.block.is_none() && (self.mid_line || !could_be_fence(&self.line)) {
                out.push_str(&std::mem::take(&mut self.line));
                self.mid_line = true;
            }
        }
        out
    }

    /// Whatever is still held back at the end of the reply.
    pub fn finish(&mut self) -> String {
        let mut out = String::new();
        let line = std::mem::take(&mut self.line);
        self.mid_line = false;
        match self.block.take() {
            Some(mut block) => {
                block.push_str(&line);
                out.push_str(&self.paint(&block));
            }
            None => out.push_str(&line),
        }
        out
    }

    fn end_line(&mut self, line: &str, out: &mut String) {
        let fence = is_fence(line);
        match (&mut self.block, fence) {
            (None, true) => {
                out.push_str(line);
                self.block = Some(String::new());
            }
            (None, false) => out.push_str(line),
            (Some(_), true) => {
                let block = self.block.take().unwrap_or_default();
                out.push_str(&self.paint(&block));
                out.push_str(line);
            }
            (Some(block), false) => block.push_str(line),
        }
    }

    fn paint(&self, block: &str) -> String {
        paint(block, self.color)
    }
}

/// A line that opens or closes a fenced block: ``` or ~~~ after optional spaces.
fn is_fence(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("```") || trimmed.starts_with("~~~")
}

/// True while the start of a line may still turn into a fence.
fn could_be_fence(partial: &str) -> bool {
    let trimmed = partial.trim_start();
    trimmed.len() < 3 && trimmed.chars().all(|c| c == '`' || c == '~') || is_fence(partial)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(reply: &mut Reply, text: &str, piece: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        for chunk in chars.chunks(piece) {
            out.push_str(&reply.push(&chunk.iter().collect::<String>()));
        }
        out + &reply.finish()
    }

    #[test]
    fn without_colour_the_reply_comes_through_unchanged_in_any_split() {
        let text = "Here it is:\n\n```sql\nselect 1\n  from t;\n```\nDone.";
        for piece in 1..8 {
            assert_eq!(
                stream(&mut Reply::new(false), text, piece),
                text,
                "pieces of {piece}"
            );
        }
    }

    #[test]
    fn prose_is_shown_before_the_line_ends() {
        let mut reply = Reply::new(false);
        assert_eq!(reply.push("Count"), "Count");
        assert_eq!(reply.push("ing "), "ing ");
        assert_eq!(reply.push("them:\n"), "them:\n");
        assert_eq!(
            reply.push("``"),
            "",
            "a line start that may open a fence waits"
        );
        assert_eq!(reply.push("`sql\n"), "```sql\n");
        assert_eq!(
            reply.push("select 1\n"),
            "",
            "the block waits for its fence"
        );
        assert_eq!(reply.push("```\n"), "select 1\n```\n");
    }

    #[test]
    fn code_is_highlighted_with_colour() {
        let out = stream(
            &mut Reply::new(true),
            "```sql\nselect 'a', 42 -- n\n```\n",
            3,
        );
        assert!(out.contains("\u{1b}["), "{out:?}");
        assert!(out.contains("select") && out.contains("'a'") && out.contains("42"));
    }

    #[test]
    fn an_unterminated_block_is_shown_at_the_end() {
        assert_eq!(
            stream(&mut Reply::new(false), "```sql\nselect 1", 2),
            "```sql\nselect 1"
        );
    }

    /// The text without its SGR codes (`ESC [ … m`).
    fn visible(painted: &str) -> String {
        let mut out = String::new();
        let mut chars = painted.chars();
        while let Some(c) = chars.next() {
            if c == '\u{1b}' {
                chars.by_ref().find(|&c| c == 'm');
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn highlighting_adds_colour_and_never_changes_the_text() {
        for text in [
            "select 1",
            "SELECT a, 'it''s', E'x\\ny', $tag$ a; $tag$ FROM \"Odd Name\" -- note",
            "select  1e3,\t0x1f /* multi\nline */ from t where é = 'ü';",
            "insert into t values (N'x', X'ff', U&'d\\0061t')",
            "",
        ] {
            let painted = sql(text);
            assert_eq!(visible(&painted), text, "{painted:?}");
        }
        assert!(sql("select 1").contains('\u{1b}'));
    }

    #[test]
    fn unparseable_text_is_left_alone() {
        assert_eq!(sql("select 'unterminated"), "select 'unterminated");
    }
}
