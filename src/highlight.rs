//! SQL highlighting for the terminal. Pure text in, text out.

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

/// `painted` without its SGR codes (`ESC [ … m`): the text a terminal shows.
#[cfg(test)]
pub fn without_sgr(painted: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(without_sgr(&painted), text, "{painted:?}");
        }
        assert!(sql("select 1").contains('\u{1b}'));
    }

    #[test]
    fn unparseable_text_is_left_alone() {
        assert_eq!(sql("select 'unterminated"), "select 'unterminated");
    }
}
