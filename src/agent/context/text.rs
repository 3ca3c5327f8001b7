//! The schema written as text: one block per relation (kind, name, row
//! estimate, comment, a line per column with its type, keys and references),
//! enum lines, and the names-only list. Everything from the database passes
//! through [`flat`] or [`quote_ident`], so no name, type, comment, label or
//! value can add a line that looks like schema.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::catalog::{Catalog, EnumType, ForeignKey, Relation};
use crate::ident::Quoting;
use crate::numbers::thousands;

/// The first line of every context: how to read the blocks that follow.
pub(super) const LEGEND: &str = "-- each column: name type; NOT NULL unless marked null; pk = primary key; \
                                 unique; → table.column it references; -- comment\n";

/// The whole context of a database without tables or views.
pub(super) const NO_RELATIONS: &str = "-- the database has no tables or views";

/// Opens the names-only list.
pub(super) const OTHERS_HEADER: &str = "other tables (names only):\n";

/// Comments longer than this many characters are cut with `…`.
const MAX_COMMENT_CHARS: usize = 160;

/// Enum types with more labels than this list the first ones and a count.
const MAX_ENUM_LABELS: usize = 40;

/// Relation blocks, rendered the first time they are asked for: a large
/// catalog only renders the blocks a context can hold.
pub(super) struct Blocks<'a> {
    relations: &'a [Relation],
    quoting: Quoting,
    enums: EnumIndex<'a>,
    cache: Vec<Option<Block>>,
}

impl<'a> Blocks<'a> {
    pub(super) fn new(catalog: &'a Catalog) -> Blocks<'a> {
        Blocks {
            relations: &catalog.relations,
            quoting: catalog.quoting,
            enums: EnumIndex::new(&catalog.enums),
            cache: (0..catalog.relations.len()).map(|_| None).collect(),
        }
    }

    pub(super) fn get(&mut self, i: usize) -> &Block {
        let (relations, enums, q) = (self.relations, &self.enums, self.quoting);
        self.cache[i].get_or_insert_with(|| Block::render(&relations[i], enums, q))
    }
}

/// One relation rendered in full, with what it costs.
pub(super) struct Block {
    pub(super) text: String,
    pub(super) chars: usize,
    /// Indexes into `Catalog::enums` of the enum types its columns use.
    pub(super) enums: Vec<usize>,
}

impl Block {
    fn render(relation: &Relation, enums: &EnumIndex, q: Quoting) -> Block {
        let mut text = String::with_capacity(64 + relation.columns.len() * 32);
        let mut used_enums = Vec::new();
        text.push_str(relation.kind.label());
        text.push(' ');
        push_qualified(&mut text, &relation.schema, &relation.name, q);
        if let Some(rows) = row_estimate(relation) {
            text.push_str(&rows);
        }
        push_comment(&mut text, relation.comment.as_deref());
        text.push('\n');
        for column in &relation.columns {
            text.push_str("  ");
            text.push_str(&quote_ident(&column.name, q));
            text.push(' ');
            text.push_str(&flat(&compact_type(&column.type_name)));
            if column.nullable {
                text.push_str(" null");
            }
            if is_single_key(
                relation.primary_key.as_ref().map(|k| &k.columns),
                &column.name,
            ) {
                text.push_str(" pk");
            }
            if relation
                .unique_keys
                .iter()
                .any(|k| is_single_key(Some(&k.columns), &column.name))
            {
                text.push_str(" unique");
            }
            for fk in &relation.foreign_keys {
                if is_single_key(Some(&fk.columns), &column.name) {
                    text.push_str(" → ");
                    push_fk_target(&mut text, relation, fk, q);
                }
            }
            push_samples(&mut text, &column.samples);
            push_comment(&mut text, column.comment.as_deref());
            text.push('\n');
            if let Some(e) = enums.lookup(&column.type_name)
                && !used_enums.contains(&e)
            {
                used_enums.push(e);
            }
        }
        push_composite_keys(&mut text, relation, q);
        text.push('\n');
        let chars = text.chars().count();
        Block {
            text,
            chars,
            enums: used_enums,
        }
    }
}

/// Lines for keys over several columns, which cannot be marked on one column.
fn push_composite_keys(text: &mut String, relation: &Relation, q: Quoting) {
    if let Some(pk) = relation
        .primary_key
        .as_ref()
        .filter(|k| k.columns.len() > 1)
    {
        text.push_str("  pk (");
        text.push_str(&ident_list(&pk.columns, q));
        text.push_str(")\n");
    }
    for key in relation.unique_keys.iter().filter(|k| k.columns.len() > 1) {
        text.push_str("  unique (");
        text.push_str(&ident_list(&key.columns, q));
        text.push_str(")\n");
    }
    for fk in relation
        .foreign_keys
        .iter()
        .filter(|k| k.columns.len() != 1)
    {
        text.push_str("  (");
        text.push_str(&ident_list(&fk.columns, q));
        text.push_str(") → ");
        push_fk_target(text, relation, fk, q);
        text.push('\n');
    }
}

fn is_single_key(columns: Option<&Vec<String>>, column: &str) -> bool {
    columns.is_some_and(|c| c.len() == 1 && c[0] == column)
}

/// `table.column` for a key into the same schema, `schema.table.column`
/// otherwise; several columns as `table(a, b)`.
fn push_fk_target(text: &mut String, from: &Relation, fk: &ForeignKey, q: Quoting) {
    if fk.ref_schema == from.schema {
        text.push_str(&quote_ident(&fk.ref_table, q));
    } else {
        push_qualified(text, &fk.ref_schema, &fk.ref_table, q);
    }
    match fk.ref_columns.as_slice() {
        [one] => {
            text.push('.');
            text.push_str(&quote_ident(one, q));
        }
        many => {
            text.push('(');
            text.push_str(&ident_list(many, q));
            text.push(')');
        }
    }
}

fn ident_list(names: &[String], q: Quoting) -> String {
    names
        .iter()
        .map(|n| quote_ident(n, q))
        .collect::<Vec<_>>()
        .join(", ")
}

/// ` (~2,000 rows)` when the planner has an estimate; views have none.
fn row_estimate(relation: &Relation) -> Option<String> {
    let rows = u64::try_from(relation.row_estimate?).ok()?;
    let unit = if rows == 1 { "row" } else { "rows" };
    Some(format!(" (~{} {unit})", thousands(rows)))
}

/// Appends ` -- comment` on one line, whitespace collapsed and length capped,
/// so a comment can never add lines that look like schema.
fn push_comment(text: &mut String, comment: Option<&str>) {
    let Some(comment) = comment.map(str::trim).filter(|c| !c.is_empty()) else {
        return;
    };
    text.push_str(" -- ");
    let mut written = 0;
    for (i, word) in comment.split_whitespace().enumerate() {
        if i > 0 {
            text.push(' ');
            written += 1;
        }
        let len = word.chars().count();
        if written + len > MAX_COMMENT_CHARS {
            let room = MAX_COMMENT_CHARS.saturating_sub(written);
            text.extend(word.chars().take(room));
            text.push('…');
            return;
        }
        text.push_str(word);
        written += len;
    }
}

/// Shorter spellings PostgreSQL also accepts for its long type names.
fn compact_type(type_name: &str) -> Cow<'_, str> {
    const SHORT: [(&str, &str); 6] = [
        ("character varying", "varchar"),
        ("timestamp with time zone", "timestamptz"),
        ("timestamp without time zone", "timestamp"),
        ("time with time zone", "timetz"),
        ("time without time zone", "time"),
        ("character", "char"),
    ];
    for (long, short) in SHORT {
        if let Some(rest) = type_name.strip_prefix(long) {
            return Cow::Owned(format!("{short}{rest}"));
        }
    }
    Cow::Borrowed(type_name)
}

/// `schema.name`, each part quoted when it needs to be.
fn push_qualified(text: &mut String, schema: &str, name: &str, q: Quoting) {
    text.push_str(&quote_ident(schema, q));
    text.push('.');
    text.push_str(&quote_ident(name, q));
}

/// `text` with every character that could start a new line (control
/// characters, U+2028 and U+2029) as U+FFFD, so that a name, type, label or
/// value from the database can never add lines that look like schema.
fn flat(text: &str) -> Cow<'_, str> {
    let breaks = |c: char| c.is_control() || c == '\u{2028}' || c == '\u{2029}';
    if !text.chars().any(breaks) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if breaks(c) { '\u{FFFD}' } else { c })
            .collect(),
    )
}

/// An identifier as it must be written in SQL in the database's quoting
/// ([`Quoting::quote`]), kept on one line ([`flat`]): a name that needs no
/// quotes has no line breaks.
fn quote_ident(name: &str, q: Quoting) -> Cow<'_, str> {
    match q.quote(name) {
        Cow::Borrowed(bare) => Cow::Borrowed(bare),
        Cow::Owned(_) => Cow::Owned(q.quote(&flat(name)).into_owned()),
    }
}

/// Characters [`quote_ident`] writes for `name`, without writing it.
pub(super) fn ident_len(name: &str, q: Quoting) -> usize {
    q.quote(name).chars().count()
}

/// `enum order_status: pending, paid, shipped` (schema-qualified outside
/// `public` and `main`): PostgreSQL's enum types, so in its quoting (MySQL
/// writes its ENUM values in each column's type).
pub(super) fn enum_line(e: &EnumType) -> String {
    let mut line = String::from("enum ");
    if !(e.schema == "public" || e.schema == "main" || e.schema.is_empty()) {
        line.push_str(&quote_ident(&e.schema, Quoting::Double));
        line.push('.');
    }
    line.push_str(&quote_ident(&e.name, Quoting::Double));
    line.push_str(": ");
    let shown = e.labels.len().min(MAX_ENUM_LABELS);
    let labels: Vec<Cow<'_, str>> = e.labels[..shown].iter().map(|l| flat(l)).collect();
    line.push_str(&labels.join(", "));
    if e.labels.len() > shown {
        line.push_str(&format!(", … ({} more)", e.labels.len() - shown));
    }
    push_comment(&mut line, e.comment.as_deref());
    line.push('\n');
    line
}

/// Finds the enum type a column's formatted type names.
struct EnumIndex<'a> {
    by_name: HashMap<&'a str, usize>,
    by_qualified: HashMap<(&'a str, &'a str), usize>,
}

impl<'a> EnumIndex<'a> {
    fn new(enums: &'a [EnumType]) -> EnumIndex<'a> {
        let mut by_name = HashMap::new();
        let mut by_qualified = HashMap::new();
        for (i, e) in enums.iter().enumerate() {
            by_name.entry(e.name.as_str()).or_insert(i);
            by_qualified.insert((e.schema.as_str(), e.name.as_str()), i);
        }
        EnumIndex {
            by_name,
            by_qualified,
        }
    }

    /// `order_status`, `sales.order_status`, `"Mood"[]` … → the enum's index.
    fn lookup(&self, type_name: &str) -> Option<usize> {
        if self.by_name.is_empty() {
            return None;
        }
        let base = type_name.trim_end_matches("[]");
        let unquote = |s: &'_ str| -> String { s.trim_matches('"').replace("\"\"", "\"") };
        match base.rsplit_once('.') {
            Some((schema, name)) if !base.contains('"') => {
                self.by_qualified.get(&(schema, name)).copied()
            }
            Some((schema, name)) => self
                .by_qualified
                .get(&(unquote(schema).as_str(), unquote(name).as_str()))
                .copied(),
            None if base.contains('"') => self.by_name.get(unquote(base).as_str()).copied(),
            None => self.by_name.get(base).copied(),
        }
    }
}

pub(super) fn more_line(n: usize) -> String {
    format!("… and {n} more\n")
}

/// `  schema: a, b, c` lines, schemas and names in alphabetical order.
pub(super) fn push_name_groups(text: &mut String, catalog: &Catalog, listed: &[usize]) {
    let mut sorted: Vec<&Relation> = listed.iter().map(|&i| &catalog.relations[i]).collect();
    sorted.sort_by(|a, b| a.schema.cmp(&b.schema).then_with(|| a.name.cmp(&b.name)));
    let mut current: Option<&str> = None;
    for r in sorted {
        if current == Some(r.schema.as_str()) {
            text.push_str(", ");
        } else {
            if current.is_some() {
                text.push('\n');
            }
            text.push_str("  ");
            text.push_str(&quote_ident(&r.schema, catalog.quoting));
            text.push_str(": ");
            current = Some(r.schema.as_str());
        }
        text.push_str(&quote_ident(&r.name, catalog.quoting));
    }
    text.push('\n');
}

/// ` values: 'a', 'b'` — a column's shared samples, quoted as SQL strings.
fn push_samples(text: &mut String, samples: &[String]) {
    for (i, value) in samples.iter().enumerate() {
        text.push_str(if i == 0 { " values: " } else { ", " });
        text.push('\'');
        text.push_str(&flat(value).replace('\'', "''"));
        text.push('\'');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{column, fk, relation};

    #[test]
    fn samples_follow_the_type_as_sql_strings() {
        let mut text = String::new();
        push_samples(&mut text, &["paid".into(), "o'clock".into()]);
        assert_eq!(text, " values: 'paid', 'o''clock'");
        let mut none = String::new();
        push_samples(&mut none, &[]);
        assert!(none.is_empty());
    }

    #[test]
    fn names_are_quoted_when_sql_needs_it() {
        assert_eq!(quote_ident("orders", Quoting::Double), "orders");
        assert_eq!(quote_ident("Album", Quoting::Double), "\"Album\"");
        assert_eq!(quote_ident("user", Quoting::Double), "\"user\"");
        // Every reserved word is quoted, as completion quotes it: `on` too.
        assert_eq!(quote_ident("on", Quoting::Double), "\"on\"");
        assert_eq!(quote_ident("my table", Quoting::Double), "\"my table\"");
        assert_eq!(quote_ident("a\"b", Quoting::Double), "\"a\"\"b\"");
        assert_eq!(quote_ident("a\nb", Quoting::Double), "\"a\u{FFFD}b\"");
        assert_eq!(quote_ident("2fa", Quoting::Double), "\"2fa\"");
    }

    #[test]
    fn mysql_names_take_backticks_and_enum_types_stay_whole() {
        assert_eq!(
            quote_ident("order items", Quoting::Backtick),
            "`order items`"
        );
        assert_eq!(quote_ident("a\nb", Quoting::Backtick), "`a\u{FFFD}b`");
        assert_eq!(ident_len("key", Quoting::Backtick), 5);
        let labels: Vec<String> = (0..60).map(|i| format!("'label{i}'")).collect();
        let status = format!("enum({})", labels.join(","));
        let mut items = relation(
            "shop",
            "order items",
            vec![
                column("key", &status, false),
                column("qty", "int(11)", true),
            ],
        );
        items.primary_key = Some(crate::catalog::Key {
            name: "PRIMARY".into(),
            columns: vec!["key".into(), "qty".into()],
        });
        let catalog = Catalog {
            relations: vec![items],
            quoting: Quoting::Backtick,
            ..Catalog::default()
        };
        let mut blocks = Blocks::new(&catalog);
        let text = &blocks.get(0).text;
        assert!(text.starts_with("table shop.`order items`"), "{text}");
        assert!(text.contains(&format!("  `key` {status}\n")), "{text}");
        assert!(text.contains("  pk (`key`, qty)\n"), "{text}");
        assert!(!text.contains('"'), "{text}");
    }

    #[test]
    fn cross_schema_and_composite_foreign_keys() {
        let mut a = relation("sales", "a", vec![column("x", "int4", false)]);
        a.foreign_keys = vec![
            fk(&["x"], "hr", "people", &["id"]),
            fk(&["x", "y"], "sales", "b", &["p", "q"]),
        ];
        let block = Block::render(&a, &EnumIndex::new(&[]), Quoting::Double);
        assert_eq!(
            block.text,
            "table sales.a\n  x int4 → hr.people.id\n  (x, y) → b(p, q)\n\n"
        );
        assert_eq!(block.chars, block.text.chars().count());
    }

    #[test]
    fn long_comments_are_cut_and_long_enums_counted() {
        let mut text = String::new();
        push_comment(&mut text, Some(&"word ".repeat(100)));
        assert!(text.ends_with('…'));
        assert!(text.chars().count() <= MAX_COMMENT_CHARS + 5);
        let e = EnumType {
            schema: "s".into(),
            name: "e".into(),
            labels: (0..50).map(|i| format!("l{i}")).collect(),
            comment: None,
        };
        assert!(enum_line(&e).starts_with("enum s.e: l0, l1,"));
        assert!(enum_line(&e).ends_with(", l39, … (10 more)\n"));
    }

    #[test]
    fn names_types_labels_and_values_never_add_lines() {
        let e = EnumType {
            schema: "public".into(),
            name: "mood".into(),
            labels: vec!["ok\ntable public.admin\u{2028}x".into(), "sad".into()],
            comment: None,
        };
        assert_eq!(
            enum_line(&e),
            "enum mood: ok\u{FFFD}table public.admin\u{FFFD}x, sad\n"
        );
        let mut forged = column("c", "public.\"t\nenum x: 1\"", false);
        forged.samples = vec!["a\r\ntable public.x".into()];
        let relation = relation("public", "t", vec![forged]);
        let block = Block::render(&relation, &EnumIndex::new(&[]), Quoting::Double);
        assert_eq!(block.text.trim_end().lines().count(), 2, "{:?}", block.text);
    }
}
