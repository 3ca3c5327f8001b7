//! SQL identifiers as they must be written: one rule and one reserved-word
//! list for every place glance writes a name into SQL or shows one to be
//! typed (the schema text of the prompt, completion, the SQL glance sends
//! itself). A leaf with no dependencies.
//!
//! Invariant: what [`quote_ident`] writes bare reads back as the same name
//! in PostgreSQL and SQLite (both fold unquoted names to lower case, and
//! neither takes a reserved word as a column name); everything else is
//! double-quoted, with any `"` doubled.

use std::borrow::Cow;

/// PostgreSQL's reserved key words, both kinds (Appendix C of its manual:
/// "reserved" and "reserved (can be function or type)"): neither kind may
/// name a column unquoted. SQLite reserves fewer and reads quoted names as
/// names too. Sorted, for the binary search.
const RESERVED: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "binary",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "group",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "intersect",
    "into",
    "is",
    "isnull",
    "join",
    "lateral",
    "leading",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "natural",
    "not",
    "notnull",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "outer",
    "overlaps",
    "placing",
    "primary",
    "references",
    "returning",
    "right",
    "select",
    "session_user",
    "similar",
    "some",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
];

/// Whether `name` must be double-quoted: anything but lower-case ASCII
/// letters, digits, `_` and `$` (not first), or a reserved word.
pub fn needs_quotes(name: &str) -> bool {
    let bare = name
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == b'_')
        && name
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'$')
        && RESERVED.binary_search(&name).is_err();
    !bare
}

/// `name` as SQL: bare when it may be ([`needs_quotes`]), double-quoted
/// otherwise. For SQL a person reads or types.
pub fn quote_ident(name: &str) -> Cow<'_, str> {
    if needs_quotes(name) {
        Cow::Owned(quote_ident_always(name))
    } else {
        Cow::Borrowed(name)
    }
}

/// `name` double-quoted, with any `"` doubled, whatever it is. For SQL
/// glance builds and sends itself, where the name's case must be kept.
pub fn quote_ident_always(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Words MySQL and MariaDB reserve beyond [`RESERVED`] (their manuals'
/// keyword lists, marked R): none may name a column unquoted there.
const MYSQL_RESERVED: &[&str] = &[
    "accessible",
    "add",
    "alter",
    "before",
    "between",
    "bigint",
    "blob",
    "by",
    "call",
    "cascade",
    "change",
    "char",
    "character",
    "condition",
    "continue",
    "convert",
    "cursor",
    "database",
    "databases",
    "dec",
    "decimal",
    "declare",
    "delayed",
    "delete",
    "describe",
    "deterministic",
    "distinctrow",
    "div",
    "double",
    "drop",
    "dual",
    "each",
    "elseif",
    "enclosed",
    "escaped",
    "exists",
    "exit",
    "explain",
    "float",
    "force",
    "fulltext",
    "function",
    "generated",
    "get",
    "groups",
    "high_priority",
    "if",
    "ignore",
    "index",
    "infile",
    "insert",
    "int",
    "integer",
    "interval",
    "iterate",
    "key",
    "keys",
    "kill",
    "lag",
    "lead",
    "leave",
    "linear",
    "lines",
    "load",
    "lock",
    "long",
    "loop",
    "low_priority",
    "match",
    "mod",
    "modifies",
    "numeric",
    "optimize",
    "option",
    "optionally",
    "out",
    "outfile",
    "over",
    "partition",
    "precision",
    "procedure",
    "purge",
    "range",
    "rank",
    "read",
    "reads",
    "real",
    "recursive",
    "regexp",
    "release",
    "rename",
    "repeat",
    "replace",
    "require",
    "restrict",
    "return",
    "revoke",
    "rlike",
    "row",
    "rows",
    "schema",
    "schemas",
    "separator",
    "set",
    "show",
    "signal",
    "smallint",
    "spatial",
    "specific",
    "sql",
    "sqlexception",
    "sqlstate",
    "starting",
    "stored",
    "straight_join",
    "terminated",
    "tinyint",
    "trigger",
    "undo",
    "unlock",
    "unsigned",
    "update",
    "usage",
    "use",
    "values",
    "varchar",
    "varying",
    "virtual",
    "while",
    "write",
    "xor",
    "year_month",
    "zerofill",
];

/// `name` as MySQL and MariaDB read it: bare when [`quote_ident`] would
/// leave it bare and MySQL does not reserve it, otherwise in backticks
/// with any backtick doubled (`"…"` is a string there).
pub fn quote_ident_mysql(name: &str) -> Cow<'_, str> {
    if needs_quotes(name) || MYSQL_RESERVED.contains(&name) {
        Cow::Owned(format!("`{}`", name.replace('`', "``")))
    } else {
        Cow::Borrowed(name)
    }
}

/// How a database quotes identifiers: in double quotes (PostgreSQL,
/// SQLite) or backticks (MySQL and MariaDB, where `"…"` is a string).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Quoting {
    #[default]
    Double,
    Backtick,
}

impl Quoting {
    /// `name` as SQL in this quoting: bare when it may be.
    pub fn quote(self, name: &str) -> Cow<'_, str> {
        match self {
            Quoting::Double => quote_ident(name),
            Quoting::Backtick => quote_ident_mysql(name),
        }
    }
}

/// `'text'`, with any `'` doubled: an SQL string literal.
pub fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysql_names_take_backticks_where_needed() {
        assert_eq!(quote_ident_mysql("orders"), "orders");
        assert_eq!(quote_ident_mysql("order items"), "`order items`");
        assert_eq!(quote_ident_mysql("key"), "`key`");
        assert_eq!(quote_ident_mysql("select"), "`select`");
        assert_eq!(quote_ident_mysql("a`b"), "`a``b`");
        assert_eq!(quote_ident_mysql("Orders"), "`Orders`");
    }

    #[test]
    fn the_reserved_list_is_sorted_lower_case_and_unique() {
        assert!(RESERVED.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(RESERVED.iter().all(|w| *w == w.to_ascii_lowercase()));
    }

    #[test]
    fn plain_lower_case_names_stay_bare() {
        for name in ["orders", "film_2", "_private", "price$", "onion", "users"] {
            assert_eq!(quote_ident(name), name, "{name}");
        }
    }

    #[test]
    fn reserved_words_case_spaces_and_quotes_are_quoted() {
        let cases = [
            // Reserved words, as columns are often named.
            ("on", "\"on\""),
            ("user", "\"user\""),
            ("order", "\"order\""),
            ("left", "\"left\""),
            ("is", "\"is\""),
            // Upper case would fold to lower case unquoted.
            ("Album", "\"Album\""),
            ("my table", "\"my table\""),
            ("2fa", "\"2fa\""),
            ("a\"b", "\"a\"\"b\""),
            ("", "\"\""),
        ];
        for (name, want) in cases {
            assert_eq!(quote_ident(name), want, "{name}");
        }
    }

    #[test]
    fn always_quoted_keeps_case_and_doubles_quotes() {
        assert_eq!(quote_ident_always("orders"), "\"orders\"");
        assert_eq!(quote_ident_always("a\"b"), "\"a\"\"b\"");
        assert_eq!(quote_ident_always("Say \"hi\""), "\"Say \"\"hi\"\"\"");
    }
}
