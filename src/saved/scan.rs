//! Finds the placeholders of a saved query: `:name`, `:name?` (NULL when
//! not given), `:name=default`, `:"name"` (an identifier) and `$1`, `$2`….
//! It reads the SQL as the database would, so nothing inside a string
//! literal, a quoted identifier, a comment or a dollar-quoted body is a
//! placeholder, nor is a `::type` cast, an array slice `a[lo:hi]` or
//! MySQL's `:=`. A default is a literal only (a number, a quoted text,
//! true, false or null): in `:id=col` the placeholder is `:id`, compared
//! with `col`. Pure: text in, positions out.

use crate::db::Dialect;

/// What a placeholder stands for.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// `$N`: the Nth argument.
    Positional(u32),
    /// `:name`: a value.
    Named(String),
    /// `:"name"`: an identifier, quoted for the database and spliced in.
    Ident(String),
}

impl Key {
    /// How the key is written for a person: `$1`, `status`.
    pub fn label(&self) -> String {
        match self {
            Key::Positional(n) => format!("${n}"),
            Key::Named(name) | Key::Ident(name) => name.clone(),
        }
    }
}

/// What a placeholder takes when no argument names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fallback {
    /// Nothing: the argument must be given.
    Required,
    /// `:name?`: NULL.
    Null,
    /// `:name=default`: this text (a number, quoted text, true or false).
    Default(String),
}

/// One placeholder and the bytes of the SQL it spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    pub key: Key,
    pub fallback: Fallback,
    pub start: usize,
    pub end: usize,
}

/// Every placeholder of `sql`, in order.
pub fn placeholders(sql: &str, dialect: Dialect) -> Vec<Placeholder> {
    let b = sql.as_bytes();
    let mysql = dialect == Dialect::Mysql;
    let postgres = dialect == Dialect::Postgres;
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let after_word = i > 0 && is_word(b[i - 1]);
        i = match b[i] {
            b'\'' => {
                let escapes = mysql || (postgres && escape_string(b, i));
                quoted_end(b, i, b'\'', escapes)
            }
            b'"' => quoted_end(b, i, b'"', mysql),
            b'`' if !postgres => quoted_end(b, i, b'`', false),
            b'[' if dialect == Dialect::Sqlite => quoted_end(b, i, b']', false),
            b'-' if b.get(i + 1) == Some(&b'-') => line_end(b, i),
            b'#' if mysql => line_end(b, i),
            b'/' if b.get(i + 1) == Some(&b'*') => block_end(b, i, postgres),
            b'$' if !after_word && b.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                let end = digits_end(b, i + 1);
                match sql[i + 1..end].parse() {
                    Ok(n) if n > 0 => found.push(Placeholder {
                        key: Key::Positional(n),
                        fallback: Fallback::Required,
                        start: i,
                        end,
                    }),
                    _ => {}
                }
                end
            }
            b'$' if postgres && !after_word => dollar_end(sql, i),
            b':' if b.get(i + 1) == Some(&b':') => i + 2,
            b':' if !after_word && b.get(i + 1) != Some(&b']') => match named(sql, i) {
                Some(placeholder) => {
                    let end = placeholder.end;
                    found.push(placeholder);
                    end
                }
                None => i + 1,
            },
            _ => i + 1,
        };
    }
    found
}

/// Letters, digits, `_`, `$` and any byte of a non-ASCII character: what
/// may come before a `:` or `$` inside a word, where it is no placeholder.
fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$' || byte == b']' || byte >= 0x80
}

fn is_name_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_'
}

fn is_name(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_'
}

/// Whether the quote at `quote` opens PostgreSQL's `E'…'`: an `E` right
/// before it that is a word of its own (`else'…'` is no such string).
fn escape_string(b: &[u8], quote: usize) -> bool {
    quote > 0 && b"eE".contains(&b[quote - 1]) && (quote == 1 || !is_word(b[quote - 2]))
}

/// Past the quote closing the one at `start` (a doubled quote stays
/// inside; with `escapes`, so does a backslash-escaped one).
fn quoted_end(b: &[u8], start: usize, close: u8, escapes: bool) -> usize {
    let mut i = start + 1;
    while i < b.len() {
        if escapes && b[i] == b'\\' {
            i += 2;
        } else if b[i] == close {
            if b.get(i + 1) == Some(&close) && close != b']' {
                i += 2;
            } else {
                return i + 1;
            }
        } else {
            i += 1;
        }
    }
    b.len()
}

fn line_end(b: &[u8], start: usize) -> usize {
    b[start..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |at| start + at + 1)
}

/// Past the `*/` closing the comment at `start`; PostgreSQL nests them.
fn block_end(b: &[u8], start: usize, nests: bool) -> usize {
    let (mut depth, mut i) = (0usize, start);
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') if depth == 0 || nests => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

fn digits_end(b: &[u8], start: usize) -> usize {
    let mut i = start;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    i
}

/// Past a dollar-quoted body (`$$…$$`, `$tag$…$tag$`) opening at `start`,
/// or just past the `$` when none opens there. A tag is what PostgreSQL
/// takes: letters (any alphabet's), `_`, and digits after the first.
fn dollar_end(sql: &str, start: usize) -> usize {
    let b = sql.as_bytes();
    let mut i = start + 1;
    if i < b.len() && (is_name_start(b[i]) || b[i] >= 0x80) {
        while i < b.len() && (is_name(b[i]) || b[i] >= 0x80) {
            i += 1;
        }
    }
    if b.get(i) != Some(&b'$') {
        return start + 1;
    }
    let tag = &sql[start..=i];
    match sql[i + 1..].find(tag) {
        Some(at) => i + 1 + at + tag.len(),
        None => b.len(),
    }
}

/// The `:name`, `:name?`, `:name=default` or `:"name"` at `start`.
fn named(sql: &str, start: usize) -> Option<Placeholder> {
    let b = sql.as_bytes();
    let (name, ident, mut i) = if b.get(start + 1) == Some(&b'"') {
        let close = sql[start + 2..].find('"')? + start + 2;
        let name = &sql[start + 2..close];
        if name.is_empty() || !name.bytes().all(is_name) {
            return None;
        }
        (name, true, close + 1)
    } else {
        if !b.get(start + 1).copied().is_some_and(is_name_start) {
            return None;
        }
        let mut end = start + 1;
        while end < b.len() && is_name(b[end]) {
            end += 1;
        }
        (&sql[start + 1..end], false, end)
    };
    let fallback = match b.get(i) {
        Some(b'?') => {
            i += 1;
            Fallback::Null
        }
        Some(b'=') => match default_value(sql, i + 1) {
            Some((fallback, end)) => {
                i = end;
                fallback
            }
            None => Fallback::Required,
        },
        _ => Fallback::Required,
    };
    let key = if ident {
        Key::Ident(name.to_string())
    } else {
        Key::Named(name.to_string())
    };
    Some(Placeholder {
        key,
        fallback,
        start,
        end: i,
    })
}

/// The literal default after `=` and where it ends: a number
/// (`-?digits[.digits]`), a `'quoted'` text (`''` for a quote), or true,
/// false or null in any case. Anything else is no default.
fn default_value(sql: &str, start: usize) -> Option<(Fallback, usize)> {
    let b = sql.as_bytes();
    if b.get(start) == Some(&b'\'') {
        let end = quoted_end(b, start, b'\'', false);
        // Closed: a final quote, and the quotes before it all doubled.
        let inner = sql[start + 1..end].strip_suffix('\'')?;
        if inner.matches('\'').count() % 2 == 1 {
            return None;
        }
        return Some((Fallback::Default(inner.replace("''", "'")), end));
    }
    let word_end = sql[start..]
        .bytes()
        .position(|c| !is_word(c))
        .map_or(b.len(), |at| start + at);
    let word = &sql[start..word_end];
    for literal in ["true", "false", "null"] {
        if word.eq_ignore_ascii_case(literal) {
            let fallback = if literal == "null" {
                Fallback::Null
            } else {
                Fallback::Default(literal.to_string())
            };
            return Some((fallback, word_end));
        }
    }
    let mut end = start + usize::from(b.get(start) == Some(&b'-'));
    let whole = digits_end(b, end);
    if whole == end {
        return None;
    }
    end = whole;
    if b.get(end) == Some(&b'.') && b.get(end + 1).is_some_and(u8::is_ascii_digit) {
        end = digits_end(b, end + 1);
    }
    // `:n=5x` or `:n=5.x` is no number.
    if b.get(end).is_some_and(|&c| is_word(c) || c == b'.') {
        return None;
    }
    Some((Fallback::Default(sql[start..end].to_string()), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(sql: &str, dialect: Dialect) -> Vec<String> {
        placeholders(sql, dialect)
            .iter()
            .map(|p| match (&p.key, &p.fallback) {
                (key, Fallback::Required) => key_text(key),
                (key, Fallback::Null) => format!("{}?", key_text(key)),
                (key, Fallback::Default(d)) => format!("{}={d}", key_text(key)),
            })
            .collect()
    }

    fn key_text(key: &Key) -> String {
        match key {
            Key::Ident(name) => format!("\"{name}\""),
            other => other.label(),
        }
    }

    #[test]
    fn finds_each_kind_of_placeholder() {
        let pg = Dialect::Postgres;
        let table: &[(&str, &[&str])] = &[
            ("select * from t where id = :id", &["id"]),
            ("select :a, :b, :a", &["a", "b", "a"]),
            ("where note is not distinct from :note?", &["note?"]),
            ("limit :n=10", &["n=10"]),
            (
                "where s = :s='a b' and t = :t='it''s'",
                &["s=a b", "t=it's"],
            ),
            ("where s = :s='x', 1", &["s=x"]),
            (
                "select * from :\"table\" where id = $1",
                &["\"table\"", "$1"],
            ),
            ("where a = $1 and b = $2 and c = $1", &["$1", "$2", "$1"]),
            ("where a=:a and b=:b", &["a", "b"]),
            ("(:a,:b)", &["a", "b"]),
        ];
        for (sql, expected) in table {
            assert_eq!(keys(sql, pg), *expected, "{sql}");
        }
    }

    #[test]
    fn a_default_is_a_literal_and_anything_else_is_compared() {
        let pg = Dialect::Postgres;
        let table: &[(&str, &[&str])] = &[
            ("where :id=ArtistId", &["id"]),
            ("delete from t where :pid=PlaylistId", &["pid"]),
            ("where :a=b and :c=-1.5", &["a", "c=-1.5"]),
            ("limit :n=20;", &["n=20"]),
            ("where :f=TRUE or :g=false", &["f=true", "g=false"]),
            ("where :x=NULL", &["x?"]),
            ("where :x=nullable", &["x"]),
            ("where :n=5x or :m=1.y or :k=1.2.3", &["n", "m", "k"]),
            ("where :s='unclosed", &["s"]),
            ("where :s='a''", &["s"]),
            ("where :a==1", &["a"]),
        ];
        for (sql, expected) in table {
            assert_eq!(keys(sql, pg), *expected, "{sql}");
        }
        let sql = "where :id=ArtistId";
        let found = placeholders(sql, pg);
        assert_eq!(&sql[found[0].start..found[0].end], ":id");
    }

    #[test]
    fn strings_and_dollar_tags_read_as_postgresql_reads_them() {
        let pg = Dialect::Postgres;
        // `else'\'` is a plain string holding a backslash, so what follows
        // is SQL again and the quoted text after it holds no placeholder.
        let sql = "select case when id < 0 then 'q' else'\\' end or name = ' :\"c\" '";
        assert_eq!(keys(sql, pg), Vec::<String>::new(), "{sql}");
        assert_eq!(keys("select E'\\' :c', :d", pg), ["d"]);
        assert_eq!(keys("select (E'\\' :c'), :d", pg), ["d"]);
        for sql in [
            "select $ä$ :\"c\" $ä$ as label",
            "select $tag_ü1$ :c $tag_ü1$",
            "select $_$ :c $_$",
        ] {
            assert_eq!(keys(sql, pg), Vec::<String>::new(), "{sql}");
        }
        // A digit cannot start a tag: `$1` stays a placeholder.
        assert_eq!(keys("select $1$", pg), ["$1"]);
    }

    #[test]
    fn quoted_text_comments_and_casts_hold_no_placeholders() {
        let pg = Dialect::Postgres;
        let none: &[&str] = &[
            "select ':a', 'it''s :b'",
            "select E'\\' :c'",
            "select \":d\" from t",
            "select 1 -- where :e\n",
            "select /* :f /* nested :g */ :h */ 1",
            "select $$ :i $1 $$",
            "select $body$ :j $$ $1 $body$",
            "select 1::int, x::text, '1'::numeric(3,1)",
            "select a[1:2], a[lo:hi], a[:2]",
            "select price$1 from t",
            "select a:b",
            "select $0",
            "select :",
            "select :1",
        ];
        for sql in none {
            assert_eq!(keys(sql, pg), Vec::<String>::new(), "{sql}");
        }
        assert_eq!(keys("select 1::int where id = :id", pg), ["id"]);
        assert_eq!(keys("select :x::int", pg), ["x"]);
        assert_eq!(keys("select $$x$$, :y", pg), ["y"]);
    }

    #[test]
    fn each_dialect_quotes_its_own_way() {
        let my = Dialect::Mysql;
        assert_eq!(keys("select 'a\\' :x', :y", my), ["y"]);
        assert_eq!(keys("select \"a\\\" :x\", :y", my), ["y"]);
        assert_eq!(keys("select `:x` from t # :z\n where a = :y", my), ["y"]);
        assert_eq!(keys("set @a := 1, @b = :v", my), ["v"]);
        assert_eq!(keys("select $1 from t where a = :a", my), ["$1", "a"]);
        let lite = Dialect::Sqlite;
        assert_eq!(keys("select [:x], `:y`, :z", lite), ["z"]);
        // Outside MySQL a backslash does not escape a quote.
        assert_eq!(keys("select 'a\\', :y", Dialect::Postgres), ["y"]);
    }

    #[test]
    fn spans_cover_the_placeholder_and_its_fallback() {
        let sql = "select :a=5 , :b? , $12";
        let found = placeholders(sql, Dialect::Postgres);
        let spans: Vec<&str> = found.iter().map(|p| &sql[p.start..p.end]).collect();
        assert_eq!(spans, [":a=5", ":b?", "$12"]);
    }

    #[test]
    fn unterminated_quotes_and_comments_end_the_scan() {
        for sql in ["select ':a", "select /* :a", "select $q$ :a", "select \":a"] {
            assert!(placeholders(sql, Dialect::Postgres).is_empty(), "{sql}");
        }
    }
}
