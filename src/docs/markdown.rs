//! The Markdown pages of `glance docs`: `index.md` and one page per
//! relation. Pure and deterministic: the same model gives the same bytes.
//!
//! Names, comments and definitions come from the database and are
//! untrusted: inline text is escaped so it stays text (no links, HTML,
//! emphasis or table cells of its own, one line), definitions go in code
//! fences longer than any backtick run they hold, and file names keep only
//! letters, digits, `_` and `-`, the rest percent-encoded.

use std::collections::BTreeSet;

use super::mermaid;
use super::model::Model;
use crate::catalog::{Catalog, ForeignKey, Relation, RelationKind};
use crate::db::Value as Cell;
use crate::escape;
use crate::numbers::thousands;
use crate::render::Description;

/// The name of the index page.
pub const INDEX: &str = "index.md";

/// Every page: `index.md`, then one per relation, as (file name, text).
pub fn pages(model: &Model) -> Vec<(String, String)> {
    let mut pages = vec![(INDEX.to_string(), index(model))];
    for r in &model.catalog.relations {
        pages.push((file_name(&r.schema, &r.name), page(model, r)));
    }
    pages
}

/// The file of `schema.name`'s page: each part with every character but
/// letters, digits, `_` and `-` percent-encoded (so `.` only separates),
/// then `.md`. Never `index.md`, never a path.
pub fn file_name(schema: &str, name: &str) -> String {
    format!("{}.{}.md", encode(schema), encode(name))
}

fn encode(part: &str) -> String {
    let mut out = String::new();
    for c in part.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// A Markdown link to `schema.name`'s page.
fn link(schema: &str, name: &str) -> String {
    format!(
        "[{}]({})",
        inline(&format!("{schema}.{name}")),
        file_name(schema, name).replace('%', "%25")
    )
}

/// Untrusted text as one line of inline Markdown that renders as itself,
/// for a table cell or inside a link: what could start emphasis, a link,
/// HTML, an entity, code or a new cell is escaped; parentheses and quotes
/// need nothing once `[`, `]` and `<` are.
fn inline(raw: &str) -> String {
    let visible = escape::visible(raw);
    let chars: Vec<char> = visible.trim().chars().collect();
    let mut out = String::new();
    for (at, &c) in chars.iter().enumerate() {
        let word = |i: Option<usize>| {
            i.and_then(|i| chars.get(i))
                .is_some_and(|c| c.is_alphanumeric())
        };
        match c {
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\t' => out.push(' '),
            '_' if word(at.checked_sub(1)) && word(Some(at + 1)) => out.push('_'),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// Untrusted text as a line of its own (a heading, a paragraph): inline
/// escaping, and nothing at its start that would open a block (a heading,
/// a list, a rule).
pub fn text(raw: &str) -> String {
    let mut out = inline(raw);
    if out.starts_with(['#', '+', '-', '=', '.']) {
        out.insert(0, '\\');
    }
    // `1. …` or `1) …` would start a list.
    if let Some(end) = out.find(|c: char| !c.is_ascii_digit())
        && end > 0
        && out[end..].starts_with(['.', ')'])
    {
        out.insert(end, '\\');
    }
    out
}

/// Untrusted code-like text (a type, a default, a definition) as an inline
/// code span for a table cell: delimited by a backtick run longer than any
/// inside, one line. Text holding a `|` is escaped as [`inline`] instead,
/// since a table splits its cells on `|` even inside a code span.
fn code(raw: &str) -> String {
    let visible = escape::visible(raw).replace(['\n', '\r', '\t'], " ");
    let code = visible.trim();
    if code.is_empty() || code.contains('|') {
        return inline(code);
    }
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if code.starts_with('`') || code.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{code}{pad}{fence}")
}

/// `code` in a fenced block of `language`, the fence longer than any run
/// of backticks inside.
fn fenced(language: &str, code: &str) -> String {
    let code = escape::visible(code);
    let longest = code.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}{language}\n{}\n{fence}\n", code.trim_end())
}

/// A Markdown table; an empty string when there are no rows.
fn table(heading: &str, columns: &[&str], rows: Vec<Vec<String>>) -> String {
    if rows.is_empty() {
        return String::new();
    }
    format!("\n## {heading}\n\n{}", grid(columns, &[], rows))
}

/// The rows of a Markdown table under its header; the columns whose
/// index is in `right` are right-aligned (`--:`).
fn grid(columns: &[&str], right: &[usize], rows: Vec<Vec<String>>) -> String {
    let mut out = format!("| {} |\n|", columns.join(" | "));
    for at in 0..columns.len() {
        out.push_str(if right.contains(&at) {
            " --: |"
        } else {
            " --- |"
        });
    }
    out.push('\n');
    for row in rows {
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
    out
}

/// A constraint's name; `(unnamed)` for one declared without a name
/// (SQLite keeps none unless `CONSTRAINT name` is written).
fn constraint(name: &str) -> String {
    match name {
        "" => "(unnamed)".to_string(),
        name => inline(name),
    }
}

fn optional(value: Option<&str>) -> String {
    value.map(inline).unwrap_or_default()
}

fn names(columns: &[String]) -> String {
    inline(&columns.join(", "))
}

/// `coverage.md`: the comment coverage table under a heading, numbers
/// right-aligned.
pub fn coverage(description: &Description) -> String {
    let columns: Vec<&str> = description
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    let right: Vec<usize> = (description.rows.first().into_iter())
        .flat_map(|row| row.iter().enumerate())
        .filter(|(_, cell)| cell.is_number())
        .map(|(at, _)| at)
        .collect();
    let rows = description
        .rows
        .iter()
        .map(|row| {
            row.iter()
                .map(|cell| match cell {
                    Cell::Int(n) => n.to_string(),
                    Cell::Numeric(s) => s.clone(),
                    Cell::Text(s) => inline(s),
                    _ => String::new(),
                })
                .collect()
        })
        .collect();
    let title = description.title.as_deref().unwrap_or_default();
    format!("# {}\n\n{}", text(title), grid(&columns, &right, rows))
}

/// What the Rows column shows for a table without an estimate.
const UNKNOWN: &str = "—";

/// The Rows cell: the estimate, [`UNKNOWN`] for a table without one
/// (nothing is counted: a count reads the whole table), nothing for a view.
fn rows(r: &Relation) -> String {
    match (r.row_estimate, r.kind) {
        (Some(n), _) => thousands(n.max(0) as u64),
        (None, RelationKind::View) => String::new(),
        (None, _) => UNKNOWN.to_string(),
    }
}

/// `index.md`: schemas, relations with kind, row estimate and comment, and
/// the diagram of every relation.
fn index(model: &Model) -> String {
    let catalog = &model.catalog;
    let mut out = format!("# {}\n", text(&model.database));
    out.push_str(&table(
        "Schemas",
        &["Name", "Comment"],
        catalog
            .schemas
            .iter()
            .map(|s| vec![inline(&s.name), optional(s.comment.as_deref())])
            .collect(),
    ));
    out.push_str(&table(
        "Tables and views",
        &["Name", "Kind", "Rows", "Comment"],
        catalog
            .relations
            .iter()
            .map(|r| {
                vec![
                    link(&r.schema, &r.name),
                    r.kind.label().to_string(),
                    rows(r),
                    optional(r.comment.as_deref()),
                ]
            })
            .collect(),
    ));
    if catalog.relations.iter().any(|r| rows(r) == UNKNOWN) {
        out.push_str(&format!(
            "\nRows are the database's estimates; {UNKNOWN} where it has none \
             (SQLite keeps them only after `ANALYZE`).\n"
        ));
    }
    if !catalog.relations.is_empty() {
        out.push_str("\n## Diagram\n\n");
        out.push_str(&mermaid::diagram(catalog, None, mermaid::Detail::Keys));
    }
    out
}

/// One relation's page.
fn page(model: &Model, r: &Relation) -> String {
    let catalog = &model.catalog;
    let extras = model.extras(&r.schema, &r.name);
    let mut out = format!("# {}\n\n", text(&format!("{}.{}", r.schema, r.name)));
    out.push_str(&format!(
        "{} in [{}]({INDEX})\n",
        capitalised(r.kind.label()),
        text(&model.database)
    ));
    if let Some(comment) = &r.comment {
        out.push_str(&format!("\n{}\n", text(comment)));
    }
    if let Some(key) = &extras.partition_key {
        out.push_str(&format!("\nPartition key: {}\n", code(key)));
    }
    if let Some(((schema, name), partition)) = model.partition_of(&r.schema, &r.name) {
        out.push_str(&format!(
            "\nPartition of {}: {}\n",
            relation_link(catalog, schema, name),
            code(&partition.bound)
        ));
    }
    out.push_str(&table(
        "Columns",
        &["Name", "Type", "Nullable", "Default", "Comment"],
        r.columns
            .iter()
            .map(|c| {
                vec![
                    inline(&c.name),
                    code(&c.type_name),
                    if c.nullable { "yes" } else { "no" }.to_string(),
                    c.default.as_deref().map(code).unwrap_or_default(),
                    optional(c.comment.as_deref()),
                ]
            })
            .collect(),
    ));
    let keys = r
        .primary_key
        .iter()
        .map(|k| (k, "primary key"))
        .chain(r.unique_keys.iter().map(|k| (k, "unique")));
    out.push_str(&table(
        "Keys",
        &["Name", "Kind", "Columns"],
        keys.map(|(k, kind)| vec![constraint(&k.name), kind.to_string(), names(&k.columns)])
            .collect(),
    ));
    out.push_str(&table(
        "Indexes",
        &["Name", "Definition"],
        r.indexes
            .iter()
            .map(|i| vec![inline(&i.name), code(&i.definition)])
            .collect(),
    ));
    out.push_str(&table(
        "Partitions",
        &["Name", "Bound"],
        extras
            .partitions
            .iter()
            .map(|p| vec![relation_link(catalog, &p.schema, &p.name), code(&p.bound)])
            .collect(),
    ));
    out.push_str(&table(
        "Foreign keys",
        &["Name", "Columns", "References", "On delete", "On update"],
        r.foreign_keys
            .iter()
            .map(|fk| {
                vec![
                    constraint(&fk.name),
                    names(&fk.columns),
                    target(catalog, fk),
                    optional(fk.on_delete.as_deref()),
                    optional(fk.on_update.as_deref()),
                ]
            })
            .collect(),
    ));
    let mut incoming = catalog.referencing(r);
    incoming.sort_by(|(a, x), (b, y)| {
        (&a.schema, &a.name, &x.name).cmp(&(&b.schema, &b.name, &y.name))
    });
    out.push_str(&table(
        "Referenced by",
        &["Table", "Name", "Columns", "Referenced columns"],
        incoming
            .iter()
            .map(|(from, fk)| {
                vec![
                    link(&from.schema, &from.name),
                    constraint(&fk.name),
                    names(&fk.columns),
                    names(&fk.ref_columns),
                ]
            })
            .collect(),
    ));
    out.push_str(&table(
        "Check constraints",
        &["Name", "Definition"],
        extras
            .checks
            .iter()
            .map(|c| vec![inline(&c.name), code(&c.definition)])
            .collect(),
    ));
    out.push_str(&table(
        "Triggers",
        &["Name", "Timing", "Event", "For each", "Runs"],
        extras
            .triggers
            .iter()
            .map(|t| {
                vec![
                    inline(&t.name),
                    inline(&t.timing),
                    inline(&t.event),
                    inline(&t.level),
                    code(&t.runs),
                ]
            })
            .collect(),
    ));
    if let Some(definition) = &r.definition {
        out.push_str("\n## Definition\n\n");
        out.push_str(&fenced("sql", definition));
    }
    out.push_str("\n## Diagram\n\n");
    out.push_str(&mermaid::diagram(
        catalog,
        Some(&neighbours(catalog, r)),
        mermaid::Detail::Keys,
    ));
    out
}

/// The referenced relation of `fk` as a link when it is documented, and its columns.
fn target(catalog: &Catalog, fk: &ForeignKey) -> String {
    format!(
        "{} ({})",
        relation_link(catalog, &fk.ref_schema, &fk.ref_table),
        names(&fk.ref_columns)
    )
}

/// `schema.name` as a link to its page when it is documented, else as text.
fn relation_link(catalog: &Catalog, schema: &str, name: &str) -> String {
    let documented = catalog
        .relations
        .iter()
        .any(|r| r.schema == schema && r.name == name);
    match documented {
        true => link(schema, name),
        false => inline(&format!("{schema}.{name}")),
    }
}

/// `r` and the relations its foreign keys point at or that point at it.
fn neighbours(catalog: &Catalog, r: &Relation) -> BTreeSet<(String, String)> {
    let mut shown: BTreeSet<(String, String)> = r
        .foreign_keys
        .iter()
        .map(|fk| (fk.ref_schema.clone(), fk.ref_table.clone()))
        .collect();
    shown.insert((r.schema.clone(), r.name.clone()));
    shown.extend(
        catalog
            .referencing(r)
            .into_iter()
            .map(|(from, _)| (from.schema.clone(), from.name.clone())),
    );
    shown
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrusted_text_stays_text() {
        assert_eq!(inline("order_items"), "order_items");
        assert_eq!(inline("_x_ *b*"), "\\_x\\_ \\*b\\*");
        assert_eq!(inline("a|b `c` <script>"), "a\\|b \\`c\\` \\<script\\>");
        assert_eq!(inline("[x](http://e)"), "\\[x\\](http://e)");
        assert_eq!(inline("f('a'::text) \"q\""), "f('a'::text) \"q\"");
        assert_eq!(inline("line\nnext"), "line<br>next");
        assert_eq!(inline("# h"), "# h");
        assert_eq!(inline("bell\u{7}"), "bell\\\\x07");
        assert_eq!(inline("café & co ~x~"), "café \\& co \\~x\\~");
        assert_eq!(text("# h"), "\\# h");
        assert_eq!(text("1. item"), "1\\. item");
        assert_eq!(text("2) item"), "2\\) item");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("a (b) - c"), "a (b) - c");
    }

    #[test]
    fn code_spans_hold_code_as_it_is() {
        assert_eq!(code("varchar(20)"), "`varchar(20)`");
        assert_eq!(code("nextval('s'::regclass)"), "`nextval('s'::regclass)`");
        assert_eq!(code("a `b` c"), "``a `b` c``");
        assert_eq!(code("`x`"), "`` `x` ``");
        assert_eq!(code("<b>*x*</b>"), "`<b>*x*</b>`");
        assert_eq!(code("a\nb"), "`a b`");
        assert_eq!(code("a | b"), "a \\| b");
        assert_eq!(code("a \\| b"), "a \\\\\\| b");
        assert_eq!(code(""), "");
    }

    #[test]
    fn file_names_are_never_paths() {
        assert_eq!(file_name("public", "orders"), "public.orders.md");
        assert_eq!(file_name("a.b", "../x y"), "a%2Eb.%2E%2E%2Fx%20y.md");
        assert_eq!(file_name("main", "café"), "main.café.md");
        assert_eq!(link("s", "a b"), "[s.a b](s.a%2520b.md)");
    }

    #[test]
    fn fences_outgrow_backticks_inside() {
        assert_eq!(fenced("sql", "SELECT 1"), "```sql\nSELECT 1\n```\n");
        assert_eq!(
            fenced("sql", "SELECT '````'"),
            "`````sql\nSELECT '````'\n`````\n"
        );
    }
}
