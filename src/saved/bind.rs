//! From a saved query and the arguments given to it, the statement to run:
//! each value placeholder rewritten into the database's own syntax (`$1`
//! on PostgreSQL, `?1` on SQLite, `?` on MySQL) with its value bound
//! beside it, never pasted into the text; each identifier placeholder
//! quoted by the connection's dialect and spliced in.

use std::collections::BTreeMap;

use super::scan::{Fallback, Key, Placeholder, placeholders};
use crate::db::{Dialect, Param};

/// One parameter of a saved query, as listed and asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    pub key: Key,
    pub fallback: Fallback,
}

impl Parameter {
    /// How `\n` lists it: `status`, `note?`, `limit=10`, `"column"`, `$1`.
    pub fn summary(&self) -> String {
        let key = match &self.key {
            Key::Ident(name) => format!("\"{name}\""),
            other => other.label(),
        };
        match &self.fallback {
            Fallback::Required => key,
            Fallback::Null => format!("{key}?"),
            Fallback::Default(value) => format!("{key}={value}"),
        }
    }
}

/// The parameters of `sql`, each once, in order of first use; a later
/// use may give the fallback an earlier one did not.
pub fn parameters(sql: &str, dialect: Dialect) -> Vec<Parameter> {
    let mut out: Vec<Parameter> = Vec::new();
    for placeholder in placeholders(sql, dialect) {
        match out.iter_mut().find(|p| p.key == placeholder.key) {
            Some(known) if known.fallback == Fallback::Required => {
                known.fallback = placeholder.fallback;
            }
            Some(_) => {}
            None => out.push(Parameter {
                key: placeholder.key,
                fallback: placeholder.fallback,
            }),
        }
    }
    out
}

/// Why the arguments do not fit the query.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ArgError {
    #[error("unknown parameter `{name}`; this query takes {known}")]
    Unknown { name: String, known: String },
    #[error("too many arguments: this query takes {takes} ({known})")]
    TooMany { takes: usize, known: String },
    #[error("too many bare arguments: they fill only {slots}; give the others by name, as {named}")]
    NamedOnly { slots: String, named: String },
    #[error("the identifier parameter `{0}` needs a name, not NULL or nothing")]
    EmptyIdent(String),
    #[error(
        "the identifier parameter `{0}` takes only letters, digits, `_`, `-` and spaces, \
         not quotes, backslashes, `$`, `;` or control characters"
    )]
    BadIdent(String),
    #[error("a saved query runs one statement, and this one holds {0}: save each on its own")]
    Several(usize),
}

/// Refuses SQL holding more than one statement: a saved query is run as
/// one prepared statement.
pub fn one_statement(sql: &str, dialect: Dialect) -> Result<(), ArgError> {
    match crate::safety::split_statements(sql, dialect).len() {
        0 | 1 => Ok(()),
        n => Err(ArgError::Several(n)),
    }
}

/// The value each parameter takes, the arguments and fallbacks resolved;
/// `missing` lists the required parameters nothing gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolved {
    pub values: BTreeMap<Key, Param>,
    pub missing: Vec<Key>,
}

/// Matches `args` to `params`. `name=value` sets the parameter `name`;
/// other arguments fill `$1`, `$2`… in order when the query has such
/// placeholders, else its named parameters in order of first use.
pub fn resolve(params: &[Parameter], args: &[String]) -> Result<Resolved, ArgError> {
    let known = || {
        let names: Vec<String> = params.iter().map(|p| p.key.label()).collect();
        if names.is_empty() {
            "no parameters".to_string()
        } else {
            names.join(", ")
        }
    };
    let positional_query = params.iter().any(|p| matches!(p.key, Key::Positional(_)));
    let mut slots: Vec<&Key> = params
        .iter()
        .map(|p| &p.key)
        .filter(|key| matches!(key, Key::Positional(_)) == positional_query)
        .collect();
    // `$N` in number order; names in order of first use.
    if positional_query {
        slots.sort();
    }
    let mut values = BTreeMap::new();
    let mut next = slots.into_iter();
    for arg in args {
        if let Some((name, value)) = keyed(arg) {
            let key = params
                .iter()
                .map(|p| &p.key)
                .find(|key| matches!(key, Key::Named(n) | Key::Ident(n) if n == name))
                .ok_or_else(|| ArgError::Unknown {
                    name: name.to_string(),
                    known: known(),
                })?;
            values.insert(key.clone(), Some(value.to_string()));
            continue;
        }
        let key = next.by_ref().find(|key| !values.contains_key(*key));
        let key = key.ok_or_else(|| too_many(params, &values, known()))?;
        values.insert(key.clone(), Some(arg.clone()));
    }
    let mut missing = Vec::new();
    for param in params {
        if values.contains_key(&param.key) {
            continue;
        }
        match &param.fallback {
            Fallback::Required => missing.push(param.key.clone()),
            Fallback::Null => {
                values.insert(param.key.clone(), None);
            }
            Fallback::Default(value) => {
                values.insert(param.key.clone(), Some(value.clone()));
            }
        }
    }
    Ok(Resolved { values, missing })
}

/// The error for a bare argument with no slot left: when the query mixes
/// `$N` with names, it says how to give the named ones.
fn too_many(params: &[Parameter], values: &BTreeMap<Key, Param>, known: String) -> ArgError {
    let (positional, named): (Vec<&Key>, Vec<&Key>) = params
        .iter()
        .map(|p| &p.key)
        .partition(|key| matches!(key, Key::Positional(_)));
    let unset: Vec<String> = named
        .iter()
        .filter(|key| !values.contains_key(**key))
        .map(|key| format!("{}=…", key.label()))
        .collect();
    if positional.is_empty() || unset.is_empty() {
        return ArgError::TooMany {
            takes: params.len(),
            known,
        };
    }
    let mut slots: Vec<&Key> = positional;
    slots.sort();
    ArgError::NamedOnly {
        slots: slots
            .iter()
            .map(|k| k.label())
            .collect::<Vec<_>>()
            .join(", "),
        named: unset.join(" "),
    }
}

/// Whether `value` may name a table or column: Unicode letters, digits,
/// `_`, `-` and spaces, nothing that could end a quoted name.
fn plain_identifier(value: &str) -> bool {
    value
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' '))
}

/// `name=value`, when the argument starts with a parameter name and `=`.
fn keyed(arg: &str) -> Option<(&str, &str)> {
    let (name, value) = arg.split_once('=')?;
    let mut bytes = name.bytes();
    let starts = bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_');
    (starts && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')).then_some((name, value))
}

/// A statement ready to run: SQL in the database's placeholder syntax and
/// the values for it, in its order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    pub sql: String,
    pub params: Vec<Param>,
}

/// Rewrites `sql` with `values` (every parameter resolved) for `dialect`.
pub fn bind(sql: &str, dialect: Dialect, values: &BTreeMap<Key, Param>) -> Result<Bound, ArgError> {
    let mut text = String::with_capacity(sql.len());
    let mut params: Vec<Param> = Vec::new();
    let mut numbers: Vec<Key> = Vec::new();
    let mut at = 0;
    for Placeholder {
        key, start, end, ..
    } in placeholders(sql, dialect)
    {
        text.push_str(&sql[at..start]);
        at = end;
        let value = values.get(&key).cloned().flatten();
        if let Key::Ident(name) = &key {
            match value.filter(|v| !v.is_empty()) {
                Some(ident) if plain_identifier(&ident) => {
                    text.push_str(&dialect.quote_ident_always(&ident));
                }
                Some(_) => return Err(ArgError::BadIdent(name.clone())),
                None => return Err(ArgError::EmptyIdent(name.clone())),
            }
            continue;
        }
        let number = match numbers.iter().position(|k| *k == key) {
            Some(index) if dialect != Dialect::Mysql => index + 1,
            _ => {
                params.push(value);
                numbers.push(key.clone());
                params.len()
            }
        };
        text.push_str(&dialect.placeholder(number));
    }
    text.push_str(&sql[at..]);
    one_statement(&text, dialect)?;
    Ok(Bound { sql: text, params })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn run(sql: &str, dialect: Dialect, given: &[&str]) -> Result<Bound, String> {
        let params = parameters(sql, dialect);
        let resolved = resolve(&params, &args(given)).map_err(|e| e.to_string())?;
        if !resolved.missing.is_empty() {
            return Err(format!("missing {:?}", resolved.missing));
        }
        bind(sql, dialect, &resolved.values).map_err(|e| e.to_string())
    }

    fn some(text: &str) -> Param {
        Some(text.to_string())
    }

    #[test]
    fn values_become_the_databases_own_placeholders() {
        let sql = "select * from t where a = :a and b = :b and c = :a";
        let pg = run(sql, Dialect::Postgres, &["1", "x"]).unwrap();
        assert_eq!(pg.sql, "select * from t where a = $1 and b = $2 and c = $1");
        assert_eq!(pg.params, [some("1"), some("x")]);
        let lite = run(sql, Dialect::Sqlite, &["b=x", "a=1"]).unwrap();
        assert_eq!(
            lite.sql,
            "select * from t where a = ?1 and b = ?2 and c = ?1"
        );
        assert_eq!(lite.params, [some("1"), some("x")]);
        let my = run(sql, Dialect::Mysql, &["1", "x"]).unwrap();
        assert_eq!(my.sql, "select * from t where a = ? and b = ? and c = ?");
        assert_eq!(my.params, [some("1"), some("x"), some("1")]);
    }

    #[test]
    fn a_comparison_after_a_placeholder_stays_in_the_sql() {
        let sql = "delete from t where :pid=PlaylistId";
        let bound = run(sql, Dialect::Sqlite, &["3"]).unwrap();
        assert_eq!(bound.sql, "delete from t where ?1=PlaylistId");
        assert_eq!(bound.params, [some("3")]);
        assert!(
            run(sql, Dialect::Sqlite, &[])
                .unwrap_err()
                .contains("missing")
        );
    }

    #[test]
    fn an_injection_shaped_value_stays_a_value() {
        let bound = run(
            "select * from t where s = :s",
            Dialect::Postgres,
            &["x' or '1'='1"],
        )
        .unwrap();
        assert_eq!(bound.sql, "select * from t where s = $1");
        assert_eq!(bound.params, [some("x' or '1'='1")]);
    }

    #[test]
    fn defaults_optional_and_positional() {
        let sql = "select * from t where s = :s and n is not distinct from :n? limit :lim=10";
        let bound = run(sql, Dialect::Postgres, &["a"]).unwrap();
        assert_eq!(bound.params, [some("a"), None, some("10")]);
        let bound = run(sql, Dialect::Postgres, &["a", "b", "c"]).unwrap();
        assert_eq!(bound.params, [some("a"), some("b"), some("c")]);
        let bound = run(sql, Dialect::Postgres, &["a", "lim=3", "n=7"]).unwrap();
        assert_eq!(bound.params, [some("a"), some("7"), some("3")]);
        let positional = run("select $2, $1, $2", Dialect::Sqlite, &["one", "two"]).unwrap();
        assert_eq!(positional.sql, "select ?1, ?2, ?1");
        assert_eq!(positional.params, [some("two"), some("one")]);
        // Bare arguments fill $N first when both kinds are used, and one
        // too many says how to give the named ones.
        let mixed = run("select $1, :s", Dialect::Postgres, &["one", "s=two"]).unwrap();
        assert_eq!(mixed.params, [some("one"), some("two")]);
        let extra = run("select $1, :nm, :o?", Dialect::Postgres, &["1", "n1"]).unwrap_err();
        assert_eq!(
            extra,
            "too many bare arguments: they fill only $1; give the others by name, as nm=… o=…"
        );
    }

    #[test]
    fn identifiers_are_quoted_by_the_dialect() {
        let sql = "select :\"col\" from t where :\"col\" = :v";
        let pg = run(sql, Dialect::Postgres, &["col=unit price", "1"]).unwrap();
        assert_eq!(
            pg.sql,
            "select \"unit price\" from t where \"unit price\" = $1"
        );
        let my = run(sql, Dialect::Mysql, &["straße_2-b", "1"]).unwrap();
        assert_eq!(my.sql, "select `straße_2-b` from t where `straße_2-b` = ?");
        assert_eq!(my.params, [some("1")]);
        for bad in [
            "we\"ird",
            "na`me",
            "x' or id>0 or name = 'y",
            "a\\b",
            "x$ä$",
            "a;b",
            "a\tb",
        ] {
            let refused = run(sql, Dialect::Postgres, &[&format!("col={bad}"), "1"]).unwrap_err();
            assert!(
                refused.starts_with("the identifier parameter `col` takes only letters"),
                "{bad}: {refused}"
            );
        }
        let empty = run(sql, Dialect::Postgres, &["col=", "1"]).unwrap_err();
        assert!(empty.contains("identifier parameter `col`"), "{empty}");
    }

    #[test]
    fn bad_arguments_say_what_the_query_takes() {
        let sql = "select :a, :b?";
        let unknown = run(sql, Dialect::Postgres, &["c=1"]).unwrap_err();
        assert_eq!(unknown, "unknown parameter `c`; this query takes a, b");
        let many = run(sql, Dialect::Postgres, &["1", "2", "3"]).unwrap_err();
        assert!(many.starts_with("too many arguments"), "{many}");
        let missing = run(sql, Dialect::Postgres, &[]).unwrap_err();
        assert!(missing.contains("Named(\"a\")"), "{missing}");
        // A value that only looks like key=value is one when its key is
        // no name: `1=1` fills the next slot.
        let odd = run("select :a", Dialect::Postgres, &["1=1"]).unwrap();
        assert_eq!(odd.params, [some("1=1")]);
    }

    #[test]
    fn one_statement_only() {
        let several = run("select :a; delete from t", Dialect::Sqlite, &["1"]).unwrap_err();
        assert!(several.contains("holds 2"), "{several}");
        assert!(run("select ';' || :a;", Dialect::Sqlite, &["1"]).is_ok());
    }

    #[test]
    fn a_later_use_may_give_the_fallback() {
        let params = parameters("select :a, :a=5", Dialect::Postgres);
        assert_eq!(params.len(), 1);
        assert_eq!(params[0].fallback, Fallback::Default("5".into()));
        assert_eq!(params[0].summary(), "a=5");
    }
}
