//! Text shown on one short line: whitespace folded, secrets redacted,
//! outside characters escaped, cut with an ellipsis; and a call written
//! `name(arguments)` that way, as tool calls are shown and recorded. Pure.

use crate::{escape, redact};

/// The longest argument text a call's line shows.
const SHOWN_ARGUMENT: usize = 60;

/// `text` on one line: runs of whitespace (newlines too) made one space,
/// known secrets redacted, control, bidi and zero-width characters escaped.
pub fn fold(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    escape::visible(&redact::text(&joined)).into_owned()
}

/// `text` cut to `width` characters, an ellipsis marking the cut.
pub fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `describe_table(orders)`: a call's name and its argument text on one
/// short line, folded and cut as above (it is shown, kept in `\log` and in
/// the history).
pub fn call(name: &str, arguments: &str) -> String {
    format!(
        "{}({})",
        escape::visible(name),
        cut(&fold(arguments), SHOWN_ARGUMENT)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_reads_as_one_short_escaped_redacted_line() {
        assert_eq!(
            call("explain", "select *\n  from orders\twhere id = 1"),
            "explain(select * from orders where id = 1)"
        );
        assert!(!call("explain", "select 'postgres://u:hunter2@h/db'").contains("hunter2"));
        let long = call("explain", &"x".repeat(100));
        assert!(long.ends_with("x…)"), "{long}");
        assert_eq!(long.chars().count(), "explain()".len() + SHOWN_ARGUMENT);
        assert!(!call("a\u{1b}[2J", "b\u{1b}[2J").contains('\u{1b}'));
    }

    #[test]
    fn cut_keeps_short_text_and_marks_a_cut() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("ééééé", 3), "éé…");
    }
}
