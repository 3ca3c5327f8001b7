//! The model's prose drawn for a terminal: Markdown headings, bold, italics,
//! inline code, lists, quotes and rules shown with terminal styles instead
//! of their markers, and fenced code shown highlighted without its fences.
//! A streamed reply is rendered a line at a time: the words of a line are
//! shown as they arrive, as written, while they fit on one row; when the
//! line is complete that row is erased and the line drawn rendered. A line
//! longer than the row waits for its end, past what was shown.
//!
//! Without colour the reply passes through as the model wrote it, at once:
//! Markdown is plain text made to be read as it is, and in a pipe or a log
//! the fences and markers keep the SQL and the structure intact to copy.
//!
//! Invariant: only SGR codes (`ESC [ … m`) and the row erase before a
//! rendered line (`CR ESC [2K`) are added, and a row is erased only when
//! what was shown of its line fits in it. The text given must already be
//! escaped ([`crate::escape::visible`]), so those codes are the only control
//! characters in what this module returns.

use unicode_width::UnicodeWidthChar;

use crate::highlight;

/// Back to the start of the row, and erase it.
const ERASE_ROW: &str = "\r\x1b[2K";

const BOLD: (&str, &str) = ("\x1b[1m", "\x1b[22m");
const ITALIC: (&str, &str) = ("\x1b[3m", "\x1b[23m");
const CODE: (&str, &str) = ("\x1b[36m", "\x1b[39m");
const HEADING: (&str, &str) = ("\x1b[1;4m", "\x1b[22;24m");
const DIM: (&str, &str) = ("\x1b[2m", "\x1b[22m");

/// Renders a streamed reply: feed it deltas, then call [`Reply::finish`].
#[derive(Debug, Default)]
pub struct Reply {
    color: bool,
    /// Columns of the terminal (0: show no partial lines).
    width: usize,
    /// The current line, drawn rendered once its newline arrives.
    line: String,
    /// Bytes of `line` already shown as written, and the columns they take.
    shown: (usize, usize),
    /// Lines of the open fenced block, without its fences.
    block: Option<String>,
}

impl Reply {
    /// A renderer for a terminal `width` columns wide (0 when unknown).
    pub fn new(color: bool, width: usize) -> Reply {
        Reply {
            color,
            width,
            ..Reply::default()
        }
    }

    /// Takes the next piece of the reply and returns what can be shown now.
    pub fn push(&mut self, delta: &str) -> String {
        if !self.color {
            return delta.to_string();
        }
        let mut out = String::new();
        for c in delta.chars() {
            if c == '\n' {
                let line = std::mem::take(&mut self.line);
                self.end_line(&line, &mut out);
            } else {
                self.line.push(c);
            }
        }
        self.show_partial(&mut out);
        out
    }

    /// Whatever is still held back at the end of the reply.
    pub fn finish(&mut self) -> String {
        let line = std::mem::take(&mut self.line);
        let mut out = self.unshow();
        if self.block.is_some() && is_fence(&line) {
            // A reply often ends with the closing fence and no newline.
            self.end_line(&line, &mut out);
            return out;
        }
        match self.block.take() {
            Some(mut block) => {
                block.push_str(&line);
                out.push_str(&highlight::paint(&block, self.color));
            }
            None if self.color => out.push_str(&render_line(&line)),
            None => out.push_str(&line),
        }
        out
    }

    /// Shows the new part of the current line as written, while the line
    /// still fits on one row (outside fenced blocks, which wait whole).
    fn show_partial(&mut self, out: &mut String) {
        let (bytes, columns) = self.shown;
        if self.block.is_some() || bytes == self.line.len() {
            return;
        }
        if bytes == 0 && could_open_fence(&self.line) {
            return;
        }
        let tail = &self.line[bytes..];
        let added: usize = tail
            .chars()
            .map(|c| if c == '\t' { 8 } else { c.width().unwrap_or(0) })
            .sum();
        if columns + added < self.width {
            out.push_str(tail);
            self.shown = (self.line.len(), columns + added);
        }
    }

    /// Erases what was shown of the current line, for its rendered form.
    fn unshow(&mut self) -> String {
        let shown = std::mem::take(&mut self.shown);
        if shown.0 > 0 {
            ERASE_ROW.to_string()
        } else {
            String::new()
        }
    }

    fn end_line(&mut self, line: &str, out: &mut String) {
        out.push_str(&self.unshow());
        if is_fence(line) {
            match self.block.take() {
                Some(block) => out.push_str(&highlight::paint(&block, true)),
                None => self.block = Some(String::new()),
            }
            return;
        }
        match &mut self.block {
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {
                out.push_str(&render_line(line));
                out.push('\n');
            }
        }
    }
}

/// Whether `reply` holds `sql` as one of its fenced blocks, which are drawn
/// as written (only coloured): then the reply showed the statement exactly.
/// SQL in prose lines may lose characters to Markdown (`a*b*c`), so it
/// does not count.
pub fn shows_exactly(reply: &str, sql: &str) -> bool {
    let wanted = sql.trim().trim_end_matches(';').trim_end();
    let mut block: Option<String> = None;
    for line in reply.lines() {
        match (&mut block, is_fence(line)) {
            (None, true) => block = Some(String::new()),
            (Some(lines), true) => {
                if lines.trim().trim_end_matches(';').trim_end() == wanted {
                    return true;
                }
                block = None;
            }
            (Some(lines), false) => {
                lines.push_str(line);
                lines.push('\n');
            }
            (None, false) => {}
        }
    }
    block.is_some_and(|lines| lines.trim().trim_end_matches(';').trim_end() == wanted)
}

/// True while a line start may still turn into a fence.
fn could_open_fence(partial: &str) -> bool {
    partial.trim_start().chars().all(|c| c == '`' || c == '~')
}

/// A line that opens or closes a fenced block: ``` or ~~~ after optional spaces.
fn is_fence(line: &str) -> bool {
    let trimmed = line.trim_start();
    trimmed.starts_with("```") || trimmed.starts_with("~~~")
}

/// One line of prose (outside fenced blocks), styled.
fn render_line(line: &str) -> String {
    let body = line.trim_start();
    let indent = &line[..line.len() - body.len()];
    if let Some(text) = heading(body) {
        return format!("{indent}{}", styled(HEADING, &inline(text)));
    }
    if is_rule(body) {
        return format!("{indent}{}", styled(DIM, &"─".repeat(40)));
    }
    if let Some(text) = body.strip_prefix("> ").or(body.strip_prefix('>')) {
        return format!("{indent}{} {}", styled(DIM, "│"), inline(text));
    }
    if let Some(text) = ["- ", "* ", "+ "]
        .iter()
        .find_map(|marker| body.strip_prefix(marker))
    {
        return format!("{indent}• {}", inline(text));
    }
    format!("{indent}{}", inline(body))
}

/// The text of an ATX heading (`## Title ##`).
fn heading(body: &str) -> Option<&str> {
    let level = body.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &body[level..];
    if !(rest.is_empty() || rest.starts_with(' ')) {
        return None;
    }
    Some(rest.trim().trim_end_matches('#').trim_end())
}

/// A thematic break: three or more of one of `-`, `*`, `_`, spaces allowed.
fn is_rule(body: &str) -> bool {
    let marks: Vec<char> = body.chars().filter(|c| !c.is_whitespace()).collect();
    marks.len() >= 3
        && ['-', '*', '_']
            .iter()
            .any(|&m| marks.iter().all(|&c| c == m))
}

fn styled((on, off): (&str, &str), text: &str) -> String {
    format!("{on}{text}{off}")
}

/// Inline Markdown: code spans, `**strong**`/`__strong__` and
/// `*emphasis*`/`_emphasis_`. A marker that opens nothing stays as typed:
/// `2 * 3`, `order_items`, an unmatched backtick.
fn inline(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let run = run_length(&chars, i);
        if c == '`' {
            match find_run(&chars, i + run, '`', run) {
                Some(end) => {
                    let code: String = chars[i + run..end].iter().collect();
                    out.push_str(&styled(CODE, code_text(&code)));
                    i = end + run;
                }
                None => {
                    out.extend(&chars[i..i + run]);
                    i += run;
                }
            }
            continue;
        }
        if (c == '*' || c == '_') && opens(&chars, i, run) {
            let (width, style) = if run >= 2 { (2, BOLD) } else { (1, ITALIC) };
            if let Some(end) = closing(&chars, i + width, c, width) {
                let inner: String = chars[i + width..end].iter().collect();
                out.push_str(&styled(style, &inline(&inner)));
                i = end + width;
                continue;
            }
        }
        if c == '*' || c == '_' {
            out.extend(&chars[i..i + run]);
            i += run;
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// How many times the character at `at` repeats from there.
fn run_length(chars: &[char], at: usize) -> usize {
    chars[at..].iter().take_while(|&&c| c == chars[at]).count()
}

/// The start of the next run of exactly `len` `mark`s from `from`.
fn find_run(chars: &[char], from: usize, mark: char, len: usize) -> Option<usize> {
    let mut at = from;
    while at < chars.len() {
        if chars[at] == mark {
            let run = run_length(chars, at);
            if run == len {
                return Some(at);
            }
            at += run;
        } else {
            at += 1;
        }
    }
    None
}

/// A code span's text: one space of padding on each side is dropped.
fn code_text(code: &str) -> &str {
    match code.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
        Some(inner) if !inner.trim().is_empty() => inner,
        _ => code,
    }
}

/// Whether the run of `run` markers at `at` can open emphasis: text follows
/// at once, and `_` does not sit inside a word.
fn opens(chars: &[char], at: usize, run: usize) -> bool {
    let next = chars.get(at + run);
    let inside_word = at > 0 && chars[at - 1].is_alphanumeric();
    next.is_some_and(|c| !c.is_whitespace()) && !(chars[at] == '_' && inside_word)
}

/// Where the emphasis opened before `from` closes: `width` `mark`s right
/// after text, and for `_` not followed by a letter or digit.
fn closing(chars: &[char], from: usize, mark: char, width: usize) -> Option<usize> {
    let mut at = from + 1;
    while at + width <= chars.len() {
        let here = chars[at..at + width].iter().all(|&c| c == mark);
        let after = chars.get(at + width);
        let closes = here
            && !chars[at - 1].is_whitespace()
            && after != Some(&mark)
            && !(mark == '_' && after.is_some_and(|c| c.is_alphanumeric()));
        if closes {
            return Some(at);
        }
        at += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::highlight::without_sgr as visible;

    fn stream(reply: &mut Reply, text: &str, piece: usize) -> String {
        let chars: Vec<char> = text.chars().collect();
        let mut out = String::new();
        for chunk in chars.chunks(piece) {
            out.push_str(&reply.push(&chunk.iter().collect::<String>()));
        }
        out + &reply.finish()
    }

    #[test]
    fn markers_become_styles() {
        assert_eq!(
            inline("a **bold** and *it* with `x`"),
            "a \x1b[1mbold\x1b[22m and \x1b[3mit\x1b[23m with \x1b[36mx\x1b[39m"
        );
        assert_eq!(inline("__b__ _i_"), "\x1b[1mb\x1b[22m \x1b[3mi\x1b[23m");
        assert_eq!(
            inline("**the `n` column**"),
            "\x1b[1mthe \x1b[36mn\x1b[39m column\x1b[22m"
        );
        assert_eq!(inline("``a ` b``"), "\x1b[36ma ` b\x1b[39m");
    }

    #[test]
    fn markers_that_open_nothing_stay() {
        for text in [
            "select * from t",
            "2 * 3 * 4",
            "order_items and customer_id",
            "an ` alone",
            "**unclosed",
            "a_b_c",
            "* not emphasis *",
        ] {
            assert_eq!(inline(text), text);
        }
    }

    #[test]
    fn lines_lose_their_block_markers() {
        assert_eq!(visible(&render_line("## Revenue ##")), "Revenue");
        assert_eq!(visible(&render_line("  - first")), "  • first");
        assert_eq!(visible(&render_line("* second")), "• second");
        assert_eq!(visible(&render_line("1. one")), "1. one");
        assert_eq!(visible(&render_line("> quoted")), "│ quoted");
        assert_eq!(visible(&render_line("---")), "─".repeat(40));
        assert_eq!(visible(&render_line("#hashtag")), "#hashtag");
    }

    #[test]
    fn a_streamed_reply_renders_whole_lines_and_highlights_code_without_fences() {
        let text = "Counting **orders**:\n\n```sql\nselect count(*)\n  from orders;\n```\nDone.";
        for piece in 1..8 {
            let out = stream(&mut Reply::new(true, 0), text, piece);
            assert_eq!(
                visible(&out),
                "Counting orders:\n\nselect count(*)\n  from orders;\nDone.",
                "pieces of {piece}"
            );
            assert!(out.contains("\x1b[1morders\x1b[22m"), "{out:?}");
        }
        let mut reply = Reply::new(true, 0);
        assert_eq!(reply.push("Partial **li"), "", "a line waits for its end");
        assert_eq!(visible(&reply.push("ne**\n")), "Partial line\n");
        assert_eq!(visible(&reply.push("tail")), "");
        assert_eq!(visible(&reply.finish()), "tail");
    }

    #[test]
    fn a_closing_fence_without_a_newline_ends_the_block() {
        let text = "Here:\n\n```sql\nselect 1;\n```";
        for piece in 1..8 {
            let with_newline = stream(&mut Reply::new(true, 0), &format!("{text}\n"), piece);
            let without = stream(&mut Reply::new(true, 0), text, piece);
            assert_eq!(
                visible(&without),
                "Here:\n\nselect 1;\n",
                "pieces of {piece}"
            );
            assert_eq!(without, with_newline, "pieces of {piece}");
        }
    }

    #[test]
    fn a_partial_line_shows_as_written_while_it_fits_then_is_redrawn() {
        let mut reply = Reply::new(true, 20);
        assert_eq!(reply.push("Let me **th"), "Let me **th");
        assert_eq!(reply.push("ink**"), "ink**");
        assert_eq!(
            reply.push(" it over\n"),
            "\r\x1b[2KLet me \x1b[1mthink\x1b[22m it over\n",
            "past the row's width nothing more is shown; the row is redrawn"
        );
        assert_eq!(reply.push("``"), "", "a possible fence waits");
        assert_eq!(reply.push("`sql\nselect 1\n"), "", "the block waits whole");
        let block = reply.push("```\nok");
        assert!(
            block.contains('\x1b') && !block.contains("\x1b[2K"),
            "{block:?}"
        );
        assert_eq!(visible(&block), "select 1\nok");
        assert_eq!(reply.finish(), "\r\x1b[2Kok");
    }

    #[test]
    fn only_sql_in_a_fenced_block_counts_as_shown_exactly() {
        let reply = "Here:\n\n```sql\nselect a*b*c\n  from t;\n```\nDone.";
        assert!(shows_exactly(reply, "select a*b*c\n  from t"));
        assert!(shows_exactly(reply, "select a*b*c\n  from t;"));
        assert!(shows_exactly("```\nselect 1\n", "select 1"));
        assert!(!shows_exactly(reply, "select a*b*c"));
        assert!(!shows_exactly("select a*b*c from t", "select a*b*c from t"));
    }

    #[test]
    fn an_unterminated_block_is_shown_at_the_end() {
        let out = stream(&mut Reply::new(true, 0), "```sql\nselect 1", 2);
        assert_eq!(visible(&out), "select 1");
    }

    #[test]
    fn without_colour_the_reply_comes_through_unchanged_at_once() {
        let text = "## Title\n\n**b** and `c`:\n\n```sql\nselect 1;\n```\n";
        let mut reply = Reply::new(false, 0);
        assert_eq!(reply.push("## Ti"), "## Ti");
        assert_eq!(stream(&mut reply, &text[5..], 3), &text[5..]);
    }

    #[test]
    fn only_sgr_codes_are_added() {
        let escaped = crate::escape::visible("**\x1b]52;c;eA==\x07** `\x1b[2A` _\u{9b}_");
        let out = inline(&escaped);
        let controls: Vec<char> = visible(&out).chars().filter(|c| c.is_control()).collect();
        assert!(controls.is_empty(), "{out:?}");
        assert_eq!(visible(&out), "\\x1b]52;c;eA==\\x07 \\x1b[2A \\u{9b}");
    }
}
