//! Mermaid `erDiagram`s of relations and their foreign keys. Pure.
//!
//! Mermaid accepts only plain words as entity, type and attribute names, so
//! names from the database never become syntax: each entity gets an
//! identifier made of its name's ASCII letters, digits and `_` (made unique
//! with a number), and shows the real name as a quoted label: shown as on
//! the terminal (`escape::visible_name`: newline, tab, bidi and zero-width
//! characters as `\n`, `\u{202e}`…), the characters Mermaid reads as
//! syntax (`"`, `<`, `#`…) written as its `#60;` entity codes. A column
//! whose name is not a plain word has the word as its attribute name and
//! the real name as the attribute's quoted comment. A foreign key's label
//! is its columns. A column's type is shown as its base type's name
//! ([`type_word`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::catalog::{Catalog, ForeignKey, Relation};
use crate::escape::visible_name;

/// How much a diagram shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Key columns only (primary, unique, foreign), and only the foreign
    /// keys between the relations shown: a whole schema's map.
    Keys,
    /// Every column, and the relations outside the set that its foreign
    /// keys reference, drawn as bare boxes: a few new tables in context.
    Columns,
}

/// A diagram of `shown` (schema, name pairs; every relation when `None`)
/// with their columns as `detail` says, and their foreign keys.
pub fn diagram(
    catalog: &Catalog,
    shown: Option<&BTreeSet<(String, String)>>,
    detail: Detail,
) -> String {
    let relations: Vec<&Relation> = catalog
        .relations
        .iter()
        .filter(|r| shown.is_none_or(|s| s.contains(&(r.schema.clone(), r.name.clone()))))
        .collect();
    let mut ids = identifiers(&relations);
    let mut out = String::from("```mermaid\nerDiagram\n");
    for r in &relations {
        let entity = &ids[&(r.schema.clone(), r.name.clone())];
        let keys: Vec<String> = r
            .columns
            .iter()
            .filter_map(|c| {
                let marks = r.key_marks(&c.name);
                (detail == Detail::Columns || !marks.is_empty()).then(|| {
                    let attribute = word(&c.name, "column");
                    let mut line = format!(
                        "    {} {attribute} {}",
                        type_word(&c.type_name),
                        marks.join(", ")
                    )
                    .trim_end()
                    .to_string();
                    if attribute != c.name {
                        line.push_str(&format!(" \"{}\"", label(&c.name)));
                    }
                    format!("{line}\n")
                })
            })
            .collect();
        let name = label(&format!("{}.{}", r.schema, r.name));
        match keys.is_empty() {
            true => out.push_str(&format!("  {entity}[\"{name}\"]\n")),
            false => out.push_str(&format!(
                "  {entity}[\"{name}\"] {{\n{}  }}\n",
                keys.concat()
            )),
        }
    }
    let mut links = String::new();
    let mut taken: BTreeSet<String> = ids.values().cloned().collect();
    for r in &relations {
        for fk in &r.foreign_keys {
            let parent_key = (fk.ref_schema.clone(), fk.ref_table.clone());
            if detail == Detail::Columns && !ids.contains_key(&parent_key) {
                let id = unused(
                    &mut taken,
                    word(&format!("{}__{}", fk.ref_schema, fk.ref_table), "relation"),
                );
                let name = label(&format!("{}.{}", fk.ref_schema, fk.ref_table));
                out.push_str(&format!("  {id}[\"{name}\"]\n"));
                ids.insert(parent_key.clone(), id);
            }
            let (Some(child), Some(parent)) = (
                ids.get(&(r.schema.clone(), r.name.clone())),
                ids.get(&parent_key),
            ) else {
                continue;
            };
            links.push_str(&format!(
                "  {child} {}--|| {parent} : \"{}\"\n",
                cardinality(r, fk),
                label(&fk.columns.join(", "))
            ));
        }
    }
    out.push_str(&links);
    out.push_str("```\n");
    out
}

/// How many rows of the referencing relation one referenced row may have:
/// `|o` at most one (the key's columns are unique), `}|` one or more when
/// they are all NOT NULL, `}o` otherwise.
pub fn cardinality(relation: &Relation, fk: &ForeignKey) -> &'static str {
    let same = |cols: &[String]| {
        let a: BTreeSet<&String> = cols.iter().collect();
        let b: BTreeSet<&String> = fk.columns.iter().collect();
        a == b
    };
    let unique = relation
        .primary_key
        .iter()
        .chain(&relation.unique_keys)
        .any(|k| same(&k.columns))
        || relation
            .indexes
            .iter()
            .any(|i| i.unique && same(&index_columns(&i.definition)));
    let not_null = fk.columns.iter().all(|name| {
        relation
            .columns
            .iter()
            .any(|c| &c.name == name && !c.nullable)
    });
    match (unique, not_null) {
        (true, _) => "|o",
        (false, true) => "}|",
        (false, false) => "}o",
    }
}

/// The plain column names of an index definition's `(…)` list; an
/// expression makes it match no key.
fn index_columns(definition: &str) -> Vec<String> {
    let Some(open) = definition.find(" (") else {
        return Vec::new();
    };
    let inner = &definition[open + 2..];
    let Some(close) = inner.find(')') else {
        return Vec::new();
    };
    inner[..close]
        .split(',')
        .map(|c| c.trim().trim_matches('"').to_string())
        .collect()
}

/// A unique Mermaid identifier for every relation, from its name.
fn identifiers(relations: &[&Relation]) -> BTreeMap<(String, String), String> {
    let mut taken = BTreeSet::new();
    let mut ids = BTreeMap::new();
    for r in relations {
        let id = unused(
            &mut taken,
            word(&format!("{}__{}", r.schema, r.name), "relation"),
        );
        ids.insert((r.schema.clone(), r.name.clone()), id);
    }
    ids
}

/// `base`, or `base_2`, `base_3`, …: the first not in `taken`, which
/// then holds it.
fn unused(taken: &mut BTreeSet<String>, base: String) -> String {
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}_{n}");
        n += 1;
    }
    taken.insert(id.clone());
    id
}

/// `text` as a Mermaid word: ASCII letters, digits and `_`, every other
/// character `_`; never empty, never starting with a digit.
fn word(text: &str, fallback: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if out.chars().all(|c| c == '_') {
        out = fallback.to_string();
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// A column type as a Mermaid attribute type: the base type's name
/// without its modifiers (`varchar(20)` → `varchar`, `numeric(10,2)` →
/// `numeric`), PostgreSQL's spelled-out names shortened
/// (`character varying` → `varchar`, `timestamp with time zone` →
/// `timestamptz`), the schema dropped, an array marked `_array`. Only ASCII
/// letters, digits and `_`, starting with a letter: the subset every
/// Mermaid version takes as a type.
fn type_word(type_name: &str) -> String {
    let mut base = String::new();
    let mut depth = 0usize;
    for c in type_name.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => base.push(c),
            _ => {}
        }
    }
    let mut base = base.split_whitespace().collect::<Vec<_>>().join(" ");
    let array = base.ends_with("[]");
    base = base.trim_end_matches("[]").trim_end().to_string();
    if let Some((_, name)) = base.rsplit_once('.') {
        base = name.to_string();
    }
    base.retain(|c| c != '"');
    let short = match base.to_ascii_lowercase().as_str() {
        "character varying" => "varchar",
        "character" => "char",
        "bit varying" => "varbit",
        "double precision" => "double",
        "timestamp with time zone" => "timestamptz",
        "timestamp without time zone" => "timestamp",
        "time with time zone" => "timetz",
        "time without time zone" => "time",
        _ => base.as_str(),
    };
    let mut out = word(short, "type");
    if !out.starts_with(|c: char| c.is_ascii_alphabetic()) {
        out.insert(0, 't');
    }
    if array {
        out.push_str("_array");
    }
    out
}

/// `text` for a quoted Mermaid label: shown as `visible_name` shows it,
/// the characters Mermaid could read as syntax as entity codes (`#60;`),
/// which Mermaid turns back into the character when it draws.
fn label(text: &str) -> String {
    visible_name(text, false)
        .chars()
        .map(|c| match c {
            '"' | '`' | '#' | ';' | '<' | '>' | '{' | '}' | '[' | ']' | '|' | '&' => {
                format!("#{};", c as u32)
            }
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{ColumnInfo, Key, RelationKind};

    fn column(name: &str, nullable: bool) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            type_name: "integer".into(),
            nullable,
            ..Default::default()
        }
    }

    fn fk(name: &str, column: &str) -> ForeignKey {
        ForeignKey {
            name: name.into(),
            columns: vec![column.into()],
            ref_schema: "s".into(),
            ref_table: "parent".into(),
            ref_columns: vec!["id".into()],
            ..Default::default()
        }
    }

    fn catalog() -> Catalog {
        let mut parent = Relation::new("s", "parent", RelationKind::Table);
        parent.columns = vec![column("id", false)];
        parent.primary_key = Some(Key {
            name: "parent_pkey".into(),
            columns: vec!["id".into()],
        });
        let mut child = Relation::new("s", "child \"x\"\n", RelationKind::Table);
        child.columns = vec![
            column("a", true),
            column("b", false),
            column("c", true),
            column("note", true),
        ];
        child.foreign_keys = vec![fk("fa", "a"), fk("fb", "b"), fk("fc", "c")];
        child.unique_keys = vec![Key {
            name: "child_c_key".into(),
            columns: vec!["c".into()],
        }];
        let same = Relation::new("s", "child__x__", RelationKind::Table);
        Catalog {
            relations: vec![parent, child, same],
            ..Default::default()
        }
    }

    #[test]
    fn cardinality_follows_nullability_and_uniqueness() {
        let text = diagram(&catalog(), None, Detail::Keys);
        assert!(
            text.contains("  s__child__x__ }o--|| s__parent : \"a\"\n"),
            "{text}"
        );
        assert!(
            text.contains("  s__child__x__ }|--|| s__parent : \"b\"\n"),
            "{text}"
        );
        assert!(
            text.contains("  s__child__x__ |o--|| s__parent : \"c\"\n"),
            "{text}"
        );
    }

    #[test]
    fn names_never_become_syntax() {
        let text = diagram(&catalog(), None, Detail::Keys);
        assert!(
            text.contains("  s__child__x__[\"s.child #34;x#34;\\n\"] {\n"),
            "{text}"
        );
        assert!(
            text.contains("  s__child__x___2[\"s.child__x__\"]\n"),
            "{text}"
        );
        assert!(text.contains("    integer c FK, UK\n"), "{text}");
        assert!(!text.contains("note"), "only key columns: {text}");
        assert_eq!(word("1 é", "x"), "_1__");
        assert_eq!(
            label("a<b&c>\u{202e}#"),
            "a#60;b#38;c#62;\\u#123;202e#125;#35;"
        );
        assert_eq!(word("é", "column"), "column");
    }

    #[test]
    fn a_foreign_key_is_labelled_by_its_columns_and_names_stay_whole() {
        let mut parent = Relation::new("s", "parent", RelationKind::Table);
        parent.columns = vec![column("id", false), column("k", false)];
        let mut child = Relation::new("s", "child", RelationKind::Table);
        child.columns = vec![column("列", false), column("b", false)];
        child.foreign_keys = vec![ForeignKey {
            name: "named_constraint".into(),
            columns: vec!["列".into(), "b".into()],
            ref_schema: "s".into(),
            ref_table: "parent".into(),
            ref_columns: vec!["id".into(), "k".into()],
            ..Default::default()
        }];
        let catalog = Catalog {
            relations: vec![parent, child],
            ..Default::default()
        };
        let text = diagram(&catalog, None, Detail::Keys);
        assert!(text.contains(": \"列, b\"\n"), "{text}");
        assert!(!text.contains("named_constraint"), "{text}");
        assert!(text.contains("    integer column FK \"列\"\n"), "{text}");
    }

    #[test]
    fn types_become_their_base_name() {
        for (sql, mermaid) in [
            ("integer", "integer"),
            ("INTEGER", "INTEGER"),
            ("character varying(20)", "varchar"),
            ("varchar(20)", "varchar"),
            ("NVARCHAR(70)", "NVARCHAR"),
            ("numeric(10,2)", "numeric"),
            ("timestamp(3) with time zone", "timestamptz"),
            ("timestamp without time zone", "timestamp"),
            ("double precision", "double"),
            ("character varying(20)[]", "varchar_array"),
            ("integer[]", "integer_array"),
            ("public.mood", "mood"),
            ("\"my type\"", "my_type"),
            ("1x", "t_1x"),
            ("unsigned big int", "unsigned_big_int"),
            ("", "type"),
        ] {
            assert_eq!(type_word(sql), mermaid, "{sql}");
        }
    }

    #[test]
    fn a_subset_shows_only_its_relations_and_keys_between_them() {
        let shown: BTreeSet<(String, String)> = [("s".to_string(), "parent".to_string())].into();
        let text = diagram(&catalog(), Some(&shown), Detail::Keys);
        assert!(
            !text.contains("child") && text.contains("s__parent"),
            "{text}"
        );
    }

    #[test]
    fn unique_indexes_count_as_unique_keys() {
        let mut r = Relation::new("s", "t", RelationKind::Table);
        r.columns = vec![column("a", false)];
        r.indexes = vec![crate::catalog::Index {
            name: "i".into(),
            definition: "CREATE UNIQUE INDEX i ON s.t USING btree (a)".into(),
            unique: true,
            primary: false,
        }];
        assert_eq!(cardinality(&r, &fk("f", "a")), "|o");
    }

    #[test]
    fn columns_detail_shows_every_column_and_the_tables_referenced_outside() {
        let shown: BTreeSet<(String, String)> =
            [("s".to_string(), "child \"x\"\n".to_string())].into();
        let keys = diagram(&catalog(), Some(&shown), Detail::Keys);
        assert!(
            !keys.contains("note") && !keys.contains("s__parent"),
            "{keys}"
        );
        let text = diagram(&catalog(), Some(&shown), Detail::Columns);
        assert!(text.contains("    integer note\n"), "{text}");
        assert!(text.contains("  s__parent[\"s.parent\"]\n"), "{text}");
        assert_eq!(text.matches("s__parent[").count(), 1, "drawn once: {text}");
        assert!(text.contains("}o--|| s__parent : \"a\""), "{text}");
    }
}
