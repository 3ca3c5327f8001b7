//! Schema diagrams for `\erd` and `glance erd`: tables as boxes with their
//! key columns, foreign keys as arrows. Pure: [`Diagram`] is read from the
//! catalog's relations; [`layout`] places the boxes and routes the arrows;
//! [`text`] draws that on a terminal (box-drawing characters or ASCII) and
//! [`svg`] as an SVG image. The Mermaid form is `docs::mermaid`'s.
//!
//! Hand-written: no crate draws entity-relationship diagrams as terminal
//! text, and the SVG is the same layout, so it is drawn here too.

pub mod layout;
pub mod svg;
pub mod text;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, Relation, RelationKind};

/// The most tables drawn on a terminal; more and the diagram stops
/// reading well, so the front ends ask for a narrower pattern.
pub const MAX_DRAWN: usize = 20;

/// The kinds of relation a diagram draws: those that hold rows and keys.
pub const KINDS: [RelationKind; 3] = [
    RelationKind::Table,
    RelationKind::PartitionedTable,
    RelationKind::ForeignTable,
];

/// Whether `relation` is a partition of a partitioned table: diagrams
/// leave it out, the partitioned table standing for all its partitions.
pub fn is_partition(catalog: &Catalog, relation: &Relation) -> bool {
    catalog.code.children.iter().any(|c| {
        c.child_schema == relation.schema
            && c.child == relation.name
            && catalog.relations.iter().any(|p| {
                p.schema == c.schema
                    && p.name == c.table
                    && p.kind == RelationKind::PartitionedTable
            })
    })
}

/// What a diagram shows: its tables and the foreign keys between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagram {
    pub tables: Vec<Table>,
    pub links: Vec<Link>,
}

/// One table's box.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    pub schema: String,
    pub name: String,
    /// The name shown: schema-qualified when the diagram spans schemas
    /// or the name is in several, parts with dots or quotes quoted.
    pub title: String,
    pub keys: Vec<KeyColumn>,
}

/// A key column: its marks (`PK`, `FK`, `UK`; `FK(1)`, `FK(2)`… for the
/// columns of a table's first, second… foreign key of more than one
/// column) and the tables its foreign keys reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyColumn {
    pub marks: String,
    pub name: String,
    pub references: Vec<Reference>,
}

/// A table a foreign key references, by its shown name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    pub title: String,
    /// For a column of a foreign key of several columns, the referenced
    /// column it pairs with.
    pub column: Option<String>,
    /// Drawn as a box of this diagram (an arrow points at it); otherwise
    /// only named in the box that references it.
    pub drawn: bool,
}

/// A foreign key between two drawn tables: `from` references `to`
/// (indexes into [`Diagram::tables`]); `key` is the row in `from`'s keys of
/// its first column, `target_key` the row in `to`'s keys of the first
/// column it references.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    pub from: usize,
    pub to: usize,
    pub key: usize,
    pub target_key: Option<usize>,
    pub name: String,
    pub columns: Vec<String>,
    pub ref_columns: Vec<String>,
}

/// A name part as a diagram shows it: in double quotes (doubled inside)
/// when it holds a dot or a quote, so `schema.table` reads one way.
pub fn quoted(part: &str) -> String {
    match part.contains(['.', '"']) {
        true => format!("\"{}\"", part.replace('"', "\"\"")),
        false => part.to_string(),
    }
}

/// The marks of `r`'s key column `column`: `key_marks`' with `FK` kept for
/// a foreign key of that one column and `FK(n)` for the n-th of several.
fn marks(r: &Relation, column: &str) -> Vec<String> {
    let composite = r.foreign_keys.iter().filter(|fk| fk.columns.len() > 1);
    let mut foreign = Vec::new();
    if r.foreign_keys.iter().any(|fk| fk.columns == [column]) {
        foreign.push("FK".to_string());
    }
    for (n, fk) in composite.enumerate() {
        if fk.columns.iter().any(|c| c == column) {
            foreign.push(format!("FK({})", n + 1));
        }
    }
    r.key_marks(column)
        .into_iter()
        .flat_map(|m| match m {
            "FK" => std::mem::take(&mut foreign),
            m => vec![m.to_string()],
        })
        .collect()
}

impl Diagram {
    /// The diagram of `relations` (as `describe::listed` finds them): every
    /// foreign key between two of them is a link; one to a table not among
    /// them is named in the referencing box instead. Titles carry their
    /// schema when the diagram spans schemas or when a table of the same
    /// name is in another schema of `everything` (the catalog's relations).
    pub fn new(relations: &[&Relation], everything: &[Relation]) -> Diagram {
        let schemas: BTreeSet<&str> = relations.iter().map(|r| r.schema.as_str()).collect();
        let qualified = schemas.len() > 1;
        let mut homes: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for r in everything.iter().chain(relations.iter().copied()) {
            homes.entry(&r.name).or_default().insert(&r.schema);
        }
        let title = |schema: &str, name: &str, home: &str| {
            let ambiguous = homes.get(name).is_some_and(|s| s.len() > 1);
            match qualified || ambiguous || schema != home {
                true => format!("{}.{}", quoted(schema), quoted(name)),
                false => quoted(name),
            }
        };
        let index: BTreeMap<(&str, &str), usize> = relations
            .iter()
            .enumerate()
            .map(|(i, r)| ((r.schema.as_str(), r.name.as_str()), i))
            .collect();
        let mut tables = Vec::new();
        let mut links = Vec::new();
        for (from, r) in relations.iter().enumerate() {
            let mut keys: Vec<KeyColumn> = r
                .columns
                .iter()
                .filter_map(|c| {
                    let marks = marks(r, &c.name);
                    (!marks.is_empty()).then(|| KeyColumn {
                        marks: marks.join(","),
                        name: c.name.clone(),
                        references: Vec::new(),
                    })
                })
                .collect();
            for fk in &r.foreign_keys {
                let to = index.get(&(fk.ref_schema.as_str(), fk.ref_table.as_str()));
                let several = fk.columns.len() > 1;
                for (i, column) in fk.columns.iter().enumerate() {
                    if let Some(key) = keys.iter_mut().find(|k| &k.name == column) {
                        key.references.push(Reference {
                            title: title(&fk.ref_schema, &fk.ref_table, &r.schema),
                            column: fk.ref_columns.get(i).filter(|_| several).cloned(),
                            drawn: to.is_some(),
                        });
                    }
                }
                let first = fk
                    .columns
                    .first()
                    .and_then(|first| keys.iter().position(|k| &k.name == first));
                if let (Some(&to), Some(key)) = (to, first) {
                    links.push(Link {
                        from,
                        to,
                        key,
                        target_key: None,
                        name: fk.name.clone(),
                        columns: fk.columns.clone(),
                        ref_columns: fk.ref_columns.clone(),
                    });
                }
            }
            tables.push(Table {
                schema: r.schema.clone(),
                name: r.name.clone(),
                title: title(&r.schema, &r.name, &r.schema),
                keys,
            });
        }
        for link in &mut links {
            link.target_key = link
                .ref_columns
                .first()
                .and_then(|first| tables[link.to].keys.iter().position(|k| &k.name == first));
        }
        Diagram { tables, links }
    }

    /// The tables and foreign keys as JSON (`--format json`).
    pub fn json(&self) -> serde_json::Value {
        use serde_json::json;
        let tables: Vec<_> = self
            .tables
            .iter()
            .map(|t| {
                let keys: Vec<_> = t
                    .keys
                    .iter()
                    .map(|k| json!({"column": k.name, "keys": plain_marks(&k.marks)}))
                    .collect();
                json!({"schema": t.schema, "name": t.name, "key_columns": keys})
            })
            .collect();
        let links: Vec<_> = self
            .links
            .iter()
            .map(|l| {
                let (from, to) = (&self.tables[l.from], &self.tables[l.to]);
                json!({
                    "name": l.name,
                    "from": {"schema": from.schema, "table": from.name, "columns": l.columns},
                    "to": {"schema": to.schema, "table": to.name, "columns": l.ref_columns},
                })
            })
            .collect();
        json!({"tables": tables, "foreign_keys": links})
    }
}

/// A key column's marks as JSON lists them: `PK`, `FK`, `UK`, each once
/// (`FK(1)` is `FK`: the foreign keys list says which key).
fn plain_marks(marks: &str) -> Vec<&str> {
    let mut plain: Vec<&str> = Vec::new();
    for mark in marks.split(',').map(|m| m.split('(').next().unwrap_or(m)) {
        if !plain.contains(&mark) {
            plain.push(mark);
        }
    }
    plain
}

/// What `\erd` and `glance erd` are asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// A psql-style pattern (`\d`'s); `None` draws every table.
    pub pattern: Option<String>,
    /// `--out FILE`: write the diagram there instead of drawing it.
    pub out: Option<String>,
    /// `--out FILE!` (the REPL's way, as `\export`): replace a file.
    pub overwrite: bool,
}

/// How `\erd` is used, for its errors and `\?`.
pub const USAGE: &str = "use \\erd [PATTERN] [--out FILE.mmd|FILE.md|FILE.svg[!]]";

impl Options {
    /// Parses the words after `\erd`: at most one pattern (double quotes
    /// keep a name with spaces together) and `--out FILE` (`-o FILE`,
    /// `--out=FILE`), a trailing `!` replacing an existing file.
    pub fn parse(rest: &str) -> Result<Options, String> {
        let mut options = Options::default();
        let mut words = words(rest).into_iter();
        while let Some(word) = words.next() {
            let out = match word.split_once('=') {
                Some(("--out", file)) => Some(file.to_string()),
                _ if word == "--out" || word == "-o" => Some(
                    words
                        .next()
                        .ok_or_else(|| format!("\\erd: {word} needs a file; {USAGE}"))?,
                ),
                _ if word.starts_with('-') => {
                    return Err(format!("\\erd: unknown option `{word}`; {USAGE}"));
                }
                _ if options.pattern.is_some() => {
                    return Err(format!("\\erd takes one pattern; {USAGE}"));
                }
                _ => {
                    options.pattern = Some(word);
                    None
                }
            };
            if let Some(file) = out {
                let (file, overwrite) = match file.strip_suffix('!') {
                    Some(file) => (file.to_string(), true),
                    None => (file, false),
                };
                if file.is_empty() {
                    return Err(format!("\\erd: --out needs a file; {USAGE}"));
                }
                if options.out.is_some() {
                    return Err(format!("\\erd writes one file: give --out once; {USAGE}"));
                }
                options.out = Some(file);
                options.overwrite = overwrite;
            }
        }
        Ok(options)
    }
}

/// `text` split at blanks outside double quotes, the quotes kept (the
/// pattern matcher reads them).
fn words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let (mut word, mut quoted) = (String::new(), false);
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                word.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
            }
            c => word.push(c),
        }
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// What a `--out` file holds, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileForm {
    /// `.mmd`: a Mermaid `erDiagram` alone.
    Mermaid,
    /// `.md`: the same inside a ```` ```mermaid ```` fence.
    MermaidMarkdown,
    /// `.svg`: the drawing as an image.
    Svg,
}

impl FileForm {
    /// The form `file`'s extension names, or why none.
    pub fn of(file: &str) -> Result<FileForm, String> {
        let extension = std::path::Path::new(file)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        match extension.as_deref() {
            Some("mmd") => Ok(FileForm::Mermaid),
            Some("md") => Ok(FileForm::MermaidMarkdown),
            Some("svg") => Ok(FileForm::Svg),
            _ => Err(format!(
                "cannot tell what to write into {file}: --out takes a .mmd or .md file (Mermaid) or a .svg file"
            )),
        }
    }
}

/// A narrower pattern to suggest for `tables` (more than [`MAX_DRAWN`]):
/// one schema when they span several, else the most common name prefix
/// (the part before the first `_`) that matches few enough tables.
pub fn narrower(tables: &[&Relation]) -> Option<String> {
    let mut schemas: BTreeMap<&str, usize> = BTreeMap::new();
    let mut prefixes: BTreeMap<&str, usize> = BTreeMap::new();
    for t in tables {
        *schemas.entry(&t.schema).or_default() += 1;
        if let Some((prefix, _)) = t.name.split_once('_') {
            *prefixes.entry(prefix).or_default() += 1;
        }
    }
    let best = |counts: &BTreeMap<&str, usize>| {
        counts
            .iter()
            .filter(|&(_, &n)| n > 1 && n <= MAX_DRAWN)
            .max_by_key(|&(name, &n)| (n, std::cmp::Reverse(*name)))
            .map(|(name, _)| name.to_string())
    };
    match schemas.len() {
        1 => best(&prefixes).map(|p| format!("{p}_*")),
        _ => best(&schemas)
            .map(|s| format!("{s}.*"))
            .or_else(|| best(&prefixes).map(|p| format!("{p}_*"))),
    }
}
