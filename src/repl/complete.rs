//! Tab completion as a pure function: from the line, the cursor, the mode
//! and what glance knows (relation and column names, profile names) to the
//! candidates. The rustyline glue is in `helper.rs`.
//!
//! - `\` at the start of a line: meta-commands.
//! - After `\c ` (or `\connect `): profile names.
//! - After `\d`, `\dt` and the other describe commands, and `\erd`: relation names.
//! - After `FROM`, `JOIN`, `UPDATE`, `INTO` or `TABLE`: relation names,
//!   even for an empty word.
//! - SQL (SQL mode, or after `\sql `): relation names, schema-qualified
//!   when outside the default schema or when the name is in several
//!   schemas; after `schema.` that schema's relations; after `table.` or an
//!   alias its columns; plain column names; SQL keywords in the case typed.
//! - A question: relation and column names.
//!
//! Names that need quoting are offered quoted. In the list a relation
//! shows the first line of its comment beside its name (see [`labels`]).

use crate::catalog::Catalog;
use crate::command::COMMANDS;
use crate::escape;
use crate::ident::{Quoting, quote_ident_always};
use crate::render;

/// The names completion offers, refreshed from the catalog and the config.
#[derive(Clone, Debug, Default)]
pub struct Vocabulary {
    relations: Vec<RelationNames>,
    /// Connection profiles from the config, for `\c NAME`.
    pub profiles: Vec<String>,
    /// Saved queries' names, for `\n NAME` and its kin.
    pub saved: Vec<String>,
    /// The open connections' names, for `\c NAME` and `\close NAME`.
    pub connections: Vec<String>,
    /// How the database quotes the names offered.
    quoting: Quoting,
}

#[derive(Clone, Debug)]
struct RelationNames {
    schema: String,
    name: String,
    /// Offered as `schema.name`: outside the default schema, or the name
    /// is in several schemas.
    qualified: bool,
    columns: Vec<String>,
    /// The first line of the relation's comment, when it has one.
    comment: Option<String>,
}

/// Schemas whose relations complete without a qualifier: PostgreSQL's
/// `public` (the usual search path) and SQLite's `main`.
const DEFAULT_SCHEMAS: &[&str] = &["public", "main"];

impl Vocabulary {
    /// Takes the relation and column names from `catalog`.
    pub fn learn(&mut self, catalog: &Catalog) {
        let schemas_of = |name: &str| catalog.relations.iter().filter(|r| r.name == name).count();
        self.quoting = catalog.quoting;
        // MySQL's connected database, the one schema names resolve in.
        let home = match catalog.code.search_path.as_deref() {
            Some([only]) => Some(only.as_str()),
            _ => None,
        };
        self.relations = catalog
            .relations
            .iter()
            .filter(|r| offerable(&r.schema) && offerable(&r.name))
            .map(|r| RelationNames {
                schema: r.schema.clone(),
                name: r.name.clone(),
                qualified: !(DEFAULT_SCHEMAS.contains(&r.schema.as_str())
                    || home == Some(r.schema.as_str()))
                    || schemas_of(&r.name) > 1,
                columns: r
                    .columns
                    .iter()
                    .map(|c| c.name.clone())
                    .filter(|name| offerable(name))
                    .collect(),
                comment: r
                    .comment
                    .as_deref()
                    .and_then(|c| c.lines().map(str::trim).find(|l| !l.is_empty()))
                    .map(str::to_string),
            })
            .collect();
    }
}

/// Terminals narrower than this list plain names, without comments.
const NARROWEST_FOR_COMMENTS: usize = 60;

/// Fewer columns than this left beside the names: no comments.
const LEAST_ROOM_FOR_A_COMMENT: usize = 10;

/// What the completion list shows for each candidate: a relation's name
/// padded to the longest candidate, then `  — ` and its comment (escaped,
/// cut to fit `width` columns); a plain name when the candidate is not a
/// relation, has no comment, or the terminal is narrower than
/// [`NARROWEST_FOR_COMMENTS`] (or its width is unknown), or the names leave
/// too little room.
pub fn labels(candidates: &[String], vocabulary: &Vocabulary, width: Option<usize>) -> Vec<String> {
    let widest = candidates
        .iter()
        .map(|c| render::width(c))
        .max()
        .unwrap_or(0);
    // One column short of the edge, so a full line never wraps.
    let room = width
        .filter(|&w| w >= NARROWEST_FOR_COMMENTS)
        .map_or(0, |w| w - 1)
        .saturating_sub(widest + render::width("  — "));
    candidates
        .iter()
        .map(|candidate| match vocabulary.comment(candidate) {
            Some(comment) if room >= LEAST_ROOM_FOR_A_COMMENT => {
                let comment = escape::visible(comment).replace('\t', " ");
                let pad = widest - render::width(candidate);
                let cut = render::truncate(&comment, room);
                format!("{candidate}{:pad$}  — {cut}", "")
            }
            _ => candidate.clone(),
        })
        .collect()
}

/// Whether a name from the database may be offered: one with control
/// characters could not be typed, and completing it would send them to the
/// terminal.
fn offerable(name: &str) -> bool {
    !name.chars().any(char::is_control)
}

/// Candidates for the word before the cursor, each replacing the text from
/// `start` to the cursor.
#[derive(Debug, PartialEq, Eq)]
pub struct Completion {
    pub start: usize,
    pub candidates: Vec<String>,
}

/// Completes the word before `pos` in `line`. `sql_mode` says whether a
/// plain line is SQL (SQL mode) or a question.
pub fn complete(line: &str, pos: usize, sql_mode: bool, vocabulary: &Vocabulary) -> Completion {
    let before = &line[..pos];
    let mut start = word_start(before);
    let word = &before[start..];
    let head = before.trim_start();
    let head_at = before.len() - head.len();
    let candidates = if let Some(command) = head.strip_prefix('\\') {
        match command.find(char::is_whitespace) {
            None => {
                start = head_at;
                commands(head)
            }
            Some(end) => {
                let command = &head[..=end];
                let arguments = head_at + end + 2;
                argument(command.trim_end(), line, arguments, start, word, vocabulary)
            }
        }
    } else if expects_relation(&before[..start]) {
        Names::new(vocabulary, line).relations(word)
    } else if sql_mode {
        Names::new(vocabulary, line).any(word, true)
    } else if word.is_empty() {
        Vec::new()
    } else {
        Names::new(vocabulary, line).any(word, false)
    };
    Completion { start, candidates }
}

/// Where the SQL in `line` starts: at 0 for a plain line in SQL mode, after
/// `\sql ` in either mode; `None` for questions and other meta-commands.
pub fn sql_start(line: &str, sql_mode: bool) -> Option<usize> {
    let head = line.trim_start();
    let indent = line.len() - head.len();
    if let Some(rest) = head.strip_prefix("\\sql")
        && rest.starts_with(char::is_whitespace)
    {
        return Some(indent + "\\sql".len() + 1);
    }
    (sql_mode && !head.starts_with('\\')).then_some(0)
}

/// Candidates for an argument of a meta-command.
fn argument(
    command: &str,
    line: &str,
    arguments: usize,
    start: usize,
    word: &str,
    vocabulary: &Vocabulary,
) -> Vec<String> {
    let first_argument = start <= arguments || line[arguments..start].trim().is_empty();
    let starting = |names: &[String]| {
        let mut names: Vec<String> = names
            .iter()
            .filter(|name| name.starts_with(word))
            .cloned()
            .collect();
        names.sort();
        names.dedup();
        names
    };
    match command {
        "\\c" | "\\connect" | "\\c+" if first_argument => {
            let names: Vec<String> = vocabulary
                .profiles
                .iter()
                .chain(&vocabulary.connections)
                .cloned()
                .collect();
            starting(&names)
        }
        "\\close" if first_argument => starting(&vocabulary.connections),
        "\\chart"
            if line[arguments.min(start)..start]
                .split_whitespace()
                .all(|w| w == "all") =>
        {
            let words = ["all", "bar", "line", "hist", "scatter"].map(str::to_string);
            starting(&words)
        }
        "\\n" | "\\ns" | "\\np" | "\\nd" | "\\share" if first_argument => {
            starting(&vocabulary.saved)
        }
        "\\sql" if expects_relation(&line[..start]) => Names::new(vocabulary, line).relations(word),
        "\\sql" => Names::new(vocabulary, line).any(word, true),
        "\\d" | "\\d+" | "\\dt" | "\\dt+" | "\\dv" | "\\dv+" | "\\dm" | "\\dm+" | "\\erd"
            if first_argument =>
        {
            Names::new(vocabulary, line).relations(word)
        }
        _ => Vec::new(),
    }
}

/// Whether the word after `before` names a relation: the last word of
/// `before` is `FROM`, `JOIN`, `UPDATE`, `INTO` or `TABLE` (any case). Then
/// relations are listed even for an empty word, as psql does.
fn expects_relation(before: &str) -> bool {
    if !before.ends_with(char::is_whitespace) {
        return false;
    }
    word_spans(before).last().is_some_and(|span| {
        ["FROM", "JOIN", "UPDATE", "INTO", "TABLE"]
            .iter()
            .any(|k| before[span.clone()].eq_ignore_ascii_case(k))
    })
}

fn commands(word: &str) -> Vec<String> {
    COMMANDS
        .iter()
        .map(|spec| spec.name)
        .filter(|name| name.starts_with(word))
        .map(str::to_string)
        .collect()
}

/// The start of the identifier-like word that ends `before` (its end when
/// `before` ends between words).
fn word_start(before: &str) -> usize {
    word_spans(before)
        .last()
        .filter(|span| span.end == before.len())
        .map_or(before.len(), |span| span.start)
}

/// Where the identifier-like words of `text` are: letters, digits, `_`,
/// `$` and `.`, with double-quoted or backticked (MySQL) parts, spaces and
/// all, inside a word.
fn word_spans(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut start = None;
    let mut open: Option<char> = None;
    for (at, c) in text.char_indices() {
        let quote = matches!(c, '"' | '`');
        let inside = open.is_some() || quote || c.is_alphanumeric() || matches!(c, '_' | '$' | '.');
        match open {
            Some(q) if q == c => open = None,
            None if quote => open = Some(c),
            _ => {}
        }
        match (inside, start) {
            (true, None) => start = Some(at),
            (false, Some(from)) => {
                spans.push(from..at);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(from) = start {
        spans.push(from..text.len());
    }
    spans
}

/// The vocabulary seen from one line: which relations it mentions.
struct Names<'a> {
    vocabulary: &'a Vocabulary,
    /// Relations named in the line, and the aliases given to them.
    mentioned: Vec<(&'a RelationNames, Option<String>)>,
}

impl<'a> Names<'a> {
    fn new(vocabulary: &'a Vocabulary, line: &str) -> Names<'a> {
        let words = words(line);
        let mut mentioned = Vec::new();
        for (i, word) in words.iter().enumerate() {
            let Some(relation) = vocabulary.find(word) else {
                continue;
            };
            let alias = match words.get(i + 1).map(String::as_str) {
                Some(w) if w.eq_ignore_ascii_case("as") => words.get(i + 2),
                Some(w) if !is_keyword(w) => words.get(i + 1),
                _ => None,
            };
            mentioned.push((relation, alias.map(|a| unquote(a))));
        }
        Names {
            vocabulary,
            mentioned,
        }
    }

    /// Relations, columns and, for SQL, keywords.
    fn any(&self, word: &str, keywords: bool) -> Vec<String> {
        if let Some((qualifier, partial)) = word.rsplit_once('.') {
            return self.qualified(qualifier, partial);
        }
        let mut out = self.relations(word);
        out.extend(self.columns(word));
        if keywords && !word.is_empty() && !word.starts_with('"') {
            out.extend(self::keywords(word));
        }
        dedup(out)
    }

    /// `name` as the database quotes it, bare when it may be.
    fn quote(&self, name: &str) -> String {
        self.vocabulary.quoting.quote(name).into_owned()
    }

    /// Relations matching `word` by name or by `schema.name`, and the
    /// schemas (as `schema.`) whose relations are offered qualified.
    fn relations(&self, word: &str) -> Vec<String> {
        if let Some((qualifier, partial)) = word.rsplit_once('.') {
            return self.in_schema(qualifier, partial);
        }
        let mut out = Vec::new();
        let mut schemas = Vec::new();
        for r in &self.vocabulary.relations {
            let name = self.quote(&r.name);
            let full = if r.qualified {
                if matches(word, &r.schema) {
                    schemas.push(format!("{}.", self.quote(&r.schema)));
                }
                format!("{}.{name}", self.quote(&r.schema))
            } else {
                name.clone()
            };
            if matches(word, &r.name) || starts_ignoring_case(&full, word) {
                out.push(full);
            }
        }
        out.sort();
        schemas.sort();
        schemas.extend(out);
        dedup(schemas)
    }

    /// Column names: those of the relations the line mentions, or of every
    /// relation when it mentions none.
    fn columns(&self, word: &str) -> Vec<String> {
        let all: Vec<&RelationNames> = if self.mentioned.is_empty() {
            self.vocabulary.relations.iter().collect()
        } else {
            self.mentioned.iter().map(|(r, _)| *r).collect()
        };
        let mut out: Vec<String> = all
            .iter()
            .flat_map(|r| &r.columns)
            .filter(|c| matches(word, c))
            .map(|c| self.quote(c))
            .collect();
        out.sort();
        out
    }

    /// After `qualifier.`: the schema's relations, or the columns of the
    /// relation (or alias) it names, each after the qualifier as typed.
    fn qualified(&self, qualifier: &str, partial: &str) -> Vec<String> {
        let mut out = self.in_schema(qualifier, partial);
        let target = unquote(qualifier);
        let aliased = self.mentioned.iter().find_map(|(r, alias)| {
            alias
                .as_ref()
                .is_some_and(|a| a == &target || a.eq_ignore_ascii_case(&target))
                .then_some(*r)
        });
        if let Some(relation) = aliased.or_else(|| self.vocabulary.find(qualifier)) {
            let mut columns: Vec<String> = relation
                .columns
                .iter()
                .filter(|c| matches(partial, c))
                .map(|c| format!("{qualifier}.{}", self.quote(c)))
                .collect();
            columns.sort();
            out.extend(columns);
        }
        dedup(out)
    }

    /// Relations in `schema` whose names start with `partial`, after the
    /// schema as typed.
    fn in_schema(&self, typed: &str, partial: &str) -> Vec<String> {
        let schema = unquote(typed);
        let mut out: Vec<String> = self
            .vocabulary
            .relations
            .iter()
            .filter(|r| r.schema == schema || r.schema == schema.to_lowercase())
            .filter(|r| matches(partial, &r.name))
            .map(|r| format!("{typed}.{}", self.quote(&r.name)))
            .collect();
        out.sort();
        out
    }
}

impl Vocabulary {
    /// The comment of the relation a candidate names, if any.
    fn comment(&self, candidate: &str) -> Option<&str> {
        self.find(candidate)?.comment.as_deref()
    }

    /// The relation `word` names (`name` or `schema.name`, quoted or not);
    /// an unqualified name prefers the default schemas.
    fn find(&self, word: &str) -> Option<&RelationNames> {
        let (schema, name) = split_qualified(word);
        let fits = |r: &&RelationNames, name: &str| {
            r.name == name
                && schema
                    .as_ref()
                    .is_none_or(|s| r.schema == *s || r.schema == s.to_lowercase())
        };
        let lower = name.to_lowercase();
        let found: Vec<&RelationNames> = self
            .relations
            .iter()
            .filter(|r| fits(r, &name) || fits(r, &lower))
            .collect();
        found
            .iter()
            .find(|r| DEFAULT_SCHEMAS.contains(&r.schema.as_str()))
            .or(found.first())
            .copied()
    }
}

/// `schema.name` or `name`, each part unquoted.
fn split_qualified(word: &str) -> (Option<String>, String) {
    match word.rsplit_once('.') {
        Some((schema, name)) => (Some(unquote(schema)), unquote(name)),
        None => (None, unquote(word)),
    }
}

/// Whether the typed `word` starts `name`: exactly when the word opens a
/// quoted identifier, ignoring case otherwise (unquoted SQL names fold).
fn matches(word: &str, name: &str) -> bool {
    if word.starts_with('"') {
        quote_ident_always(name).starts_with(word)
    } else if word.starts_with('`') {
        format!("`{}`", name.replace('`', "``")).starts_with(word)
    } else {
        starts_ignoring_case(name, word)
    }
}

/// Whether `text` (already SQL) starts with `word`, ignoring case.
fn starts_ignoring_case(text: &str, word: &str) -> bool {
    text.to_lowercase().starts_with(&word.to_lowercase())
}

/// A typed identifier without its quotes.
fn unquote(word: &str) -> String {
    for q in ['"', '`'] {
        if let Some(rest) = word.strip_prefix(q) {
            let doubled = format!("{q}{q}");
            return rest
                .strip_suffix(q)
                .unwrap_or(rest)
                .replace(&doubled, &q.to_string());
        }
    }
    word.to_string()
}

/// The identifier-like words of a line, in order.
fn words(line: &str) -> Vec<String> {
    word_spans(line)
        .into_iter()
        .map(|span| line[span].to_string())
        .collect()
}

fn dedup(list: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    list.into_iter()
        .filter(|item| seen.insert(item.clone()))
        .collect()
}

/// Keywords starting with `word`, in lower case when the word is lower
/// case, in upper case otherwise.
fn keywords(word: &str) -> Vec<String> {
    let upper = word.to_uppercase();
    let lower = word == word.to_lowercase();
    KEYWORDS
        .iter()
        .filter(|k| k.starts_with(&upper))
        .map(|k| {
            if lower {
                k.to_lowercase()
            } else {
                k.to_string()
            }
        })
        .collect()
}

fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word.to_uppercase().as_str())
}

/// The SQL keywords offered in completion: the everyday ones, not every
/// word the parser knows.
const KEYWORDS: &[&str] = &[
    "ALL",
    "ALTER",
    "AND",
    "ANY",
    "AS",
    "ASC",
    "BEGIN",
    "BETWEEN",
    "BY",
    "CASCADE",
    "CASE",
    "CAST",
    "COALESCE",
    "COLUMN",
    "COMMIT",
    "CONSTRAINT",
    "COPY",
    "COUNT",
    "CREATE",
    "CROSS",
    "CURRENT_DATE",
    "CURRENT_TIMESTAMP",
    "DEFAULT",
    "DELETE",
    "DESC",
    "DISTINCT",
    "DROP",
    "ELSE",
    "END",
    "EXCEPT",
    "EXISTS",
    "EXPLAIN",
    "FALSE",
    "FETCH",
    "FILTER",
    "FIRST",
    "FOR",
    "FOREIGN",
    "FROM",
    "FULL",
    "GRANT",
    "GROUP",
    "HAVING",
    "ILIKE",
    "IN",
    "INDEX",
    "INNER",
    "INSERT",
    "INTERSECT",
    "INTERVAL",
    "INTO",
    "IS",
    "JOIN",
    "KEY",
    "LAST",
    "LATERAL",
    "LEFT",
    "LIKE",
    "LIMIT",
    "NOT",
    "NULL",
    "NULLS",
    "OFFSET",
    "ON",
    "OR",
    "ORDER",
    "OUTER",
    "OVER",
    "PARTITION",
    "PRIMARY",
    "REFERENCES",
    "RETURNING",
    "RIGHT",
    "ROLLBACK",
    "SELECT",
    "SET",
    "SHOW",
    "TABLE",
    "THEN",
    "TRUE",
    "TRUNCATE",
    "UNION",
    "UNIQUE",
    "UPDATE",
    "USING",
    "VALUES",
    "VIEW",
    "WHEN",
    "WHERE",
    "WINDOW",
    "WITH",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ColumnInfo, Relation, RelationKind};

    fn relation(schema: &str, name: &str, columns: &[&str]) -> Relation {
        Relation {
            columns: columns
                .iter()
                .map(|c| ColumnInfo {
                    name: c.to_string(),
                    type_name: "text".into(),
                    ..Default::default()
                })
                .collect(),
            ..Relation::new(schema, name, RelationKind::Table)
        }
    }

    fn vocabulary() -> Vocabulary {
        let catalog = Catalog {
            relations: vec![
                relation("public", "film", &["film_id", "title", "rating"]),
                relation("public", "film_actor", &["actor_id", "film_id"]),
                relation("public", "orders", &["order_id", "total"]),
                relation("sales", "orders", &["id", "placed_at"]),
                relation("sales", "invoices", &["id", "amount"]),
                relation("public", "Mixed Case", &["Weird Col", "user"]),
            ],
            ..Default::default()
        };
        let mut vocabulary = Vocabulary {
            profiles: vec!["prod".into(), "staging".into(), "local".into()],
            saved: vec!["by_status".into(), "busy".into()],
            connections: vec!["prod".into(), "shop-2".into()],
            ..Default::default()
        };
        vocabulary.learn(&catalog);
        vocabulary
    }

    /// Candidates with the cursor at the end of `line`.
    fn at_end(line: &str, sql_mode: bool) -> Completion {
        complete(line, line.len(), sql_mode, &vocabulary())
    }

    fn candidates(line: &str, sql_mode: bool) -> Vec<String> {
        at_end(line, sql_mode).candidates
    }

    #[test]
    fn mysql_names_complete_in_backticks_without_their_database() {
        let mut catalog = Catalog {
            relations: vec![relation("shop", "order items", &["key", "qty"])],
            quoting: Quoting::Backtick,
            ..Default::default()
        };
        catalog.code.search_path = Some(vec!["shop".into()]);
        let mut vocabulary = Vocabulary::default();
        vocabulary.learn(&catalog);
        let offered = |line: &str| complete(line, line.len(), true, &vocabulary).candidates;
        assert_eq!(offered("select * from ord"), ["`order items`"]);
        assert_eq!(offered("select * from `ord"), ["`order items`"]);
        assert!(offered("select k").contains(&"`key`".to_string()));
        assert_eq!(offered("select * from `order items` where q"), ["qty"]);
    }

    #[test]
    fn names_with_control_characters_are_never_offered() {
        let catalog = Catalog {
            relations: vec![
                relation("public", "film", &["film_id", "film\x1b[8m"]),
                relation("public", "film\x1b]52;c;eA==\x07", &["id"]),
                relation("evil\x1b[2A", "films", &["id"]),
            ],
            ..Default::default()
        };
        let mut vocabulary = Vocabulary::default();
        vocabulary.learn(&catalog);
        let tables = complete("select * from fil", 17, true, &vocabulary).candidates;
        assert!(tables.contains(&"film".to_string()), "{tables:?}");
        let line = "select fil from film";
        let columns = complete(line, "select fil".len(), true, &vocabulary).candidates;
        assert!(columns.contains(&"film_id".to_string()), "{columns:?}");
        for candidate in tables.iter().chain(&columns) {
            assert!(!candidate.chars().any(char::is_control), "{candidate:?}");
        }
    }

    #[test]
    fn an_empty_word_where_a_relation_goes_lists_the_relations() {
        let all = candidates("select * from ", true);
        assert!(!all.is_empty(), "{all:?}");
        assert_eq!(all, candidates("\\sql select * from ", false));
        assert_eq!(all, candidates("select * from a join ", false));
        assert!(
            !all.iter().any(|c| c == "SELECT" || c == "select"),
            "{all:?}"
        );
        assert!(candidates("select * from a where ", false).is_empty());
        assert!(!expects_relation("select * from"));
        assert!(expects_relation("insert INTO "));
    }

    #[test]
    fn a_table_prefix_gives_the_tables() {
        let got = at_end("\\sql select * from fil", false);
        assert_eq!(got.start, "\\sql select * from ".len());
        assert!(
            got.candidates
                .starts_with(&["film".into(), "film_actor".into()]),
            "{got:?}"
        );
        assert!(candidates("select * from FIL", true).contains(&"film".to_string()));
    }

    #[test]
    fn names_outside_the_default_schema_or_in_several_are_qualified() {
        let got = candidates("select * from ord", true);
        assert!(got.contains(&"public.orders".to_string()), "{got:?}");
        assert!(got.contains(&"sales.orders".to_string()), "{got:?}");
        assert!(!got.contains(&"orders".to_string()), "{got:?}");
        let got = candidates("select * from inv", true);
        assert_eq!(got, ["sales.invoices"]);
        let got = candidates("select * from sal", true);
        assert!(got.contains(&"sales.".to_string()), "{got:?}");
    }

    #[test]
    fn after_a_schema_its_relations_complete() {
        let got = at_end("select * from sales.", true);
        assert_eq!(got.start, "select * from ".len());
        assert_eq!(got.candidates, ["sales.invoices", "sales.orders"]);
        assert_eq!(
            candidates("select * from sales.in", true),
            ["sales.invoices"]
        );
        assert_eq!(candidates("\\d sales.o", false), ["sales.orders"]);
    }

    #[test]
    fn after_a_table_or_alias_its_columns_complete() {
        let got = at_end("select film.t", true);
        assert_eq!(got.start, "select ".len());
        assert_eq!(got.candidates, ["film.title"]);
        for line in ["select f. from film as f", "select f. from film f where"] {
            let got = complete(line, "select f.".len(), true, &vocabulary());
            assert_eq!(
                got.candidates,
                ["f.film_id", "f.rating", "f.title"],
                "{line}"
            );
        }
        assert_eq!(
            candidates("select sales.orders.p", true),
            ["sales.orders.placed_at"]
        );
    }

    #[test]
    fn plain_columns_come_from_the_tables_the_line_names() {
        let line = "select ra from film";
        let got = complete(line, "select ra".len(), true, &vocabulary());
        assert_eq!(got.candidates, ["rating"]);
        let got = candidates("select amo", true);
        assert_eq!(got, ["amount"], "no table named: every column");
    }

    #[test]
    fn names_that_need_quotes_are_quoted() {
        assert_eq!(candidates("select * from Mix", true), ["\"Mixed Case\""]);
        assert_eq!(candidates("select * from \"Mi", true), ["\"Mixed Case\""]);
        let got = candidates("select \"Mixed Case\".", true);
        assert_eq!(
            got,
            ["\"Mixed Case\".\"Weird Col\"", "\"Mixed Case\".\"user\""]
        );
        assert_eq!(crate::ident::quote_ident("user"), "\"user\"");
        assert_eq!(crate::ident::quote_ident("say\"hi"), "\"say\"\"hi\"");
        assert_eq!(crate::ident::quote_ident("film_2"), "film_2");
    }

    #[test]
    fn keywords_complete_in_sql_in_the_case_typed() {
        assert!(candidates("sel", true).contains(&"select".to_string()));
        assert!(candidates("SEL", true).contains(&"SELECT".to_string()));
        assert!(candidates("Sel", true).contains(&"SELECT".to_string()));
        assert!(candidates("\\sql sel", false).contains(&"select".to_string()));
        assert!(
            !candidates("sel", false).contains(&"select".to_string()),
            "questions get no keywords"
        );
        assert!(candidates("how many fil", false).contains(&"film".to_string()));
    }

    #[test]
    fn meta_commands_complete_after_a_backslash() {
        let got = at_end("\\ti", false);
        assert_eq!(got.start, 0);
        assert_eq!(got.candidates, ["\\timing"]);
        assert!(candidates("\\d", true).contains(&"\\dt".to_string()));
        assert!(candidates("\\dt fi", false).contains(&"film".to_string()));
        assert!(candidates("\\erd fi", false).contains(&"film".to_string()));
        assert!(candidates("\\x o", false).is_empty());
    }

    #[test]
    fn profile_names_complete_after_backslash_c() {
        let got = at_end("\\c st", false);
        assert_eq!(got.start, 3);
        assert_eq!(got.candidates, ["staging"]);
        assert_eq!(candidates("\\c ", false).len(), 4);
        assert_eq!(candidates("\\n b", false).len(), 2);
        assert_eq!(candidates("\\np by", false), ["by_status"]);
        assert!(candidates("\\n by_status b", false).is_empty(), "one name");
        assert!(candidates("\\c prod p", false).is_empty(), "one argument");
        assert_eq!(candidates("\\c sh", false), ["shop-2"]);
        assert_eq!(candidates("\\c+ l", false), ["local"]);
        assert_eq!(candidates("\\close ", false), ["prod", "shop-2"]);
    }

    fn commented() -> Vocabulary {
        let mut customers = relation("public", "customers", &["id"]);
        customers.comment = Some("People who buy\nfrom us, with \x1b[31mred".into());
        let mut orders = relation("sales", "orders", &["id"]);
        orders.comment = Some("One row a sale, placed by a customer".into());
        let catalog = Catalog {
            relations: vec![customers, orders, relation("public", "cups", &["id"])],
            ..Default::default()
        };
        let mut vocabulary = Vocabulary::default();
        vocabulary.learn(&catalog);
        vocabulary
    }

    #[test]
    fn the_list_shows_a_relations_comment_beside_its_name() {
        let vocabulary = commented();
        let found = complete("\\d c", 4, false, &vocabulary).candidates;
        assert_eq!(found, ["cups", "customers"]);
        assert_eq!(
            labels(&found, &vocabulary, Some(80)),
            ["cups", "customers  — People who buy"]
        );
        let qualified = ["sales.orders".to_string()];
        assert_eq!(
            labels(&qualified, &vocabulary, Some(60)),
            ["sales.orders  — One row a sale, placed by a customer"]
        );
    }

    #[test]
    fn comments_are_cut_to_fit_and_escaped() {
        let vocabulary = commented();
        let qualified = ["sales.orders".to_string()];
        let cut = &labels(&qualified, &vocabulary, Some(40))[0];
        assert_eq!(cut, "sales.orders");
        let mut long = vocabulary.clone();
        long.relations[1].comment = Some("word ".repeat(40));
        let cut = &labels(&qualified, &long, Some(70))[0];
        assert!(cut.ends_with('…') && render::width(cut) == 69, "{cut:?}");
        let mut evil = vocabulary.clone();
        evil.relations[0].comment = Some("\x1b]52;c;eA==\x07 sneaky".into());
        let label = &labels(&["customers".to_string()], &evil, Some(80))[0];
        assert!(!label.chars().any(char::is_control), "{label:?}");
        assert!(label.contains("\\x1b]52"), "{label:?}");
    }

    #[test]
    fn narrow_terminals_and_unknown_widths_list_plain_names() {
        let vocabulary = commented();
        let names = ["customers".to_string()];
        assert_eq!(labels(&names, &vocabulary, Some(59)), ["customers"]);
        assert_eq!(labels(&names, &vocabulary, None), ["customers"]);
    }

    #[test]
    fn the_sql_part_of_a_line() {
        assert_eq!(sql_start("select 1", true), Some(0));
        assert_eq!(sql_start("select 1", false), None);
        assert_eq!(sql_start("\\sql select 1", false), Some(5));
        assert_eq!(sql_start("  \\sql select 1", true), Some(7));
        assert_eq!(sql_start("\\d film", true), None);
        assert_eq!(sql_start("\\sqlx", true), None);
    }
}
