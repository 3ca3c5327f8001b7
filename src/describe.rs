//! The describe commands (`\d`, `\dt`, `\dv`, `\dm`, `\dn`, `\di`, `\d NAME`,
//! and their `+` forms) as [`Description`]s built from a [`Catalog`], and
//! the rows of the server's own listings ([`server_listing`]) filtered by pattern.
//! Pure: reads the catalog, never the database, and lays results out the way
//! psql does so they read the same in every output format.
//!
//! Patterns follow psql, simplified: `*` and `?` wildcards, an optional
//! `schema.` part, exact case inside double quotes (or MySQL's backticks
//! for `\d NAME`); unquoted text matches regardless of case (psql
//! lower-cases it, which would hide SQLite's mixed-case names).

use crate::catalog::{Catalog, ForeignKey, Index, Relation, RelationKind};
use crate::db::{Column, Dialect, Row, Value};
use crate::ident::quote_ident_always;
use crate::render::Description;
use crate::server_listing::ServerListing;

/// Lists relations of the given kinds whose names match `pattern` (psql-style
/// `*`/`?` wildcards, optionally `schema.`-qualified); `verbose` adds row
/// estimates, sizes and comments.
pub fn list_relations(
    catalog: &Catalog,
    kinds: &[RelationKind],
    pattern: Option<&str>,
    verbose: bool,
) -> Description {
    let relations = listed(catalog, kinds, pattern);
    let mut names = vec!["Schema", "Name", "Type", "Owner"];
    if verbose {
        names.extend(["Rows", "Size", "Description"]);
    }
    let rows = relations
        .iter()
        .map(|r| {
            let mut row = vec![
                text(&r.schema),
                text(&r.name),
                text(r.kind.label()),
                optional(&r.owner),
            ];
            if verbose {
                row.push(r.row_estimate.map_or(Value::Null, Value::Int));
                row.push(
                    r.size_bytes
                        .map_or(Value::Null, |b| Value::Text(crate::numbers::pg_size(b))),
                );
                row.push(text(r.comment.as_deref().unwrap_or("")));
            }
            row
        })
        .collect();
    without_unknown_owners(Description {
        title: Some("List of relations".into()),
        columns: columns(&names),
        rows,
        sections: Vec::new(),
    })
}

/// The relations of `kinds` matching `pattern` as [`list_relations`]
/// shows them, sorted (`\erd` draws the tables it finds).
pub fn listed<'a>(
    catalog: &'a Catalog,
    kinds: &[RelationKind],
    pattern: Option<&str>,
) -> Vec<&'a Relation> {
    let pattern = pattern.map(Pattern::parse);
    let mut relations: Vec<&Relation> = catalog
        .relations
        .iter()
        .filter(|r| kinds.contains(&r.kind))
        .filter(|r| {
            pattern
                .as_ref()
                .is_none_or(|p| p.matches(Some(&r.schema), &r.name))
        })
        .collect();
    relations.sort_by(|a, b| (&a.schema, &a.name).cmp(&(&b.schema, &b.name)));
    relations
}

/// The tables and materialized views a listing shows, as schema, name
/// pairs: PostgreSQL's sizes are read for them when a verbose listing is
/// drawn, not at introspection.
pub fn sized_listed(
    catalog: &Catalog,
    kinds: &[RelationKind],
    pattern: Option<&str>,
) -> Vec<(String, String)> {
    listed(catalog, kinds, pattern)
        .into_iter()
        .filter(|r| matches!(r.kind, RelationKind::Table | RelationKind::MaterializedView))
        .map(|r| (r.schema.clone(), r.name.clone()))
        .collect()
}

/// `\dn`: schemas.
pub fn list_schemas(catalog: &Catalog, pattern: Option<&str>, verbose: bool) -> Description {
    let pattern = pattern.map(Pattern::parse_single);
    let mut schemas: Vec<_> = catalog
        .schemas
        .iter()
        .filter(|s| pattern.as_ref().is_none_or(|p| p.matches(None, &s.name)))
        .collect();
    schemas.sort_by(|a, b| a.name.cmp(&b.name));
    let mut names = vec!["Name", "Owner"];
    if verbose {
        names.push("Description");
    }
    let rows = schemas
        .iter()
        .map(|s| {
            let mut row = vec![text(&s.name), optional(&s.owner)];
            if verbose {
                row.push(text(s.comment.as_deref().unwrap_or("")));
            }
            row
        })
        .collect();
    without_unknown_owners(Description {
        title: Some("List of schemas".into()),
        columns: columns(&names),
        rows,
        sections: Vec::new(),
    })
}

/// `\di`: indexes, with the table each belongs to; `verbose` adds the
/// definition.
pub fn list_indexes(catalog: &Catalog, pattern: Option<&str>, verbose: bool) -> Description {
    let pattern = pattern.map(Pattern::parse);
    let mut indexes: Vec<(&Relation, &Index)> = catalog
        .relations
        .iter()
        .flat_map(|r| r.indexes.iter().map(move |i| (r, i)))
        .filter(|(r, i)| {
            pattern
                .as_ref()
                .is_none_or(|p| p.matches(Some(&r.schema), &i.name))
        })
        .collect();
    indexes.sort_by(|(ra, ia), (rb, ib)| (&ra.schema, &ia.name).cmp(&(&rb.schema, &ib.name)));
    let mut names = vec!["Schema", "Name", "Type", "Owner", "Table"];
    if verbose {
        names.push("Definition");
    }
    let rows = indexes
        .iter()
        .map(|(r, i)| {
            let mut row = vec![
                text(&r.schema),
                text(&i.name),
                text("index"),
                optional(&r.owner),
                text(&r.name),
            ];
            if verbose {
                row.push(text(&i.definition));
            }
            row
        })
        .collect();
    without_unknown_owners(Description {
        title: Some("List of indexes".into()),
        columns: columns(&names),
        rows,
        sections: Vec::new(),
    })
}

/// A listing the server produced (`\\du`, `\\df`…) as a [`Description`],
/// keeping the rows whose name (and schema, when the listing has one)
/// match `pattern`.
pub fn server_listing(
    listing: &ServerListing,
    columns: Vec<Column>,
    rows: Vec<Row>,
    pattern: Option<&str>,
) -> Description {
    let pattern = pattern.map(|p| match listing.schema_column {
        Some(_) => Pattern::parse(p),
        None => Pattern::parse_single(p),
    });
    let cell = |row: &Row, at: usize| match row.get(at) {
        Some(Value::Text(s)) => s.clone(),
        _ => String::new(),
    };
    let rows = rows
        .into_iter()
        .filter(|row| {
            pattern.as_ref().is_none_or(|p| {
                let schema = listing.schema_column.map(|at| cell(row, at));
                p.matches(schema.as_deref(), &cell(row, listing.name_column))
            })
        })
        .collect();
    Description {
        title: Some(listing.title.into()),
        columns,
        rows,
        sections: Vec::new(),
    }
}

/// Drops the Owner column when no row knows its owner (SQLite has none).
fn without_unknown_owners(mut description: Description) -> Description {
    let Some(at) = description.columns.iter().position(|c| c.name == "Owner") else {
        return description;
    };
    if description.rows.iter().all(|row| row[at] == Value::Null) {
        description.columns.remove(at);
        for row in &mut description.rows {
            row.remove(at);
        }
    }
    description
}

/// `\d NAME` / `\d+ NAME`: one relation's columns, keys, indexes, foreign
/// keys out and in, and comment. `None` when nothing matches.
#[cfg(test)]
pub fn relation(catalog: &Catalog, name: &str, verbose: bool) -> Option<Description> {
    relation_with(catalog, name, verbose, &Details::default())
}

/// [`relation`] with what the catalog does not hold, read for this one
/// relation when it is described ([`details_sql`]): triggers and partitions.
pub fn relation_with(
    catalog: &Catalog,
    name: &str,
    verbose: bool,
    details: &Details,
) -> Option<Description> {
    let r = lookup(catalog, name)?;
    let mut names = vec!["Column", "Type", "Nullable", "Default"];
    if verbose {
        names.push("Description");
    }
    let rows: Vec<Row> = r
        .columns
        .iter()
        .map(|c| {
            let mut row = vec![
                text(&c.name),
                text(&c.type_name),
                text(if c.nullable { "" } else { "not null" }),
                text(c.default.as_deref().unwrap_or("")),
            ];
            if verbose {
                row.push(text(c.comment.as_deref().unwrap_or("")));
            }
            row
        })
        .collect();
    let title = format!("{} \"{}.{}\"", title_word(r.kind), r.schema, r.name);
    Some(Description {
        title: Some(title),
        columns: columns(&names),
        rows,
        sections: sections(catalog, r, verbose, details),
    })
}

/// The schema and name of the relation `\d NAME` means, if any.
pub fn resolve(catalog: &Catalog, name: &str) -> Option<(String, String)> {
    lookup(catalog, name).map(|r| (r.schema.clone(), r.name.clone()))
}

/// What `\d NAME` shows beyond the catalog: read when one relation is
/// described, so introspection does not pay for it on every relation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Details {
    /// psql's `Partition key:` of a partitioned table (`RANGE (d)`).
    pub partition_key: Option<String>,
    /// The parent and bound of a partition
    /// (`t`, `FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')`).
    pub partition_of: Option<(String, String)>,
    /// A partitioned table's partitions and their bounds, in psql's order.
    pub partitions: Vec<(String, String)>,
    pub triggers: Vec<Trigger>,
    /// psql's `Check constraints:` lines (`"qty_positive" CHECK (qty > 0)`).
    pub checks: Vec<String>,
}

/// One trigger as `\d` lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    /// The definition from the trigger's name on
    /// (`trg BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()`).
    pub definition: String,
    /// `pg_trigger.tgenabled`: `O` fires normally, `D` is disabled, `A`
    /// fires always, `R` on replicas only.
    pub firing: char,
    /// The partitioned table a partition's trigger was cloned from.
    pub parent: Option<String>,
}

/// The one catalog query that reads [`Details`] for `schema.name`, in the
/// connection's dialect. Names travel hex-encoded, so no quoting of theirs
/// can change the query. Rows: kind, text, text, text. Kinds: `k` partition
/// key, `o` partition of, `p` partition, `t` trigger, `c` check constraint
/// (MySQL, whose checks the catalog does not hold).
pub fn details_sql(dialect: Dialect, schema: &str, name: &str) -> String {
    match dialect {
        Dialect::Postgres => {
            let text = |s: &str| {
                format!(
                    "pg_catalog.convert_from(pg_catalog.decode('{}', 'hex'), 'UTF8')",
                    hex(s)
                )
            };
            let rel = format!(
                "(SELECT c.oid FROM pg_catalog.pg_class c \
                  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
                  WHERE n.nspname OPERATOR(pg_catalog.=) {} AND c.relname OPERATOR(pg_catalog.=) {})",
                text(schema),
                text(name)
            );
            format!(
                "WITH r AS MATERIALIZED {rel} \
                 SELECT 'k'::pg_catalog.text AS kind, pg_catalog.pg_get_partkeydef(c.oid) AS a, \
                        NULL::pg_catalog.text AS b, NULL::pg_catalog.text AS c, \
                        NULL::pg_catalog.text AS d \
                 FROM pg_catalog.pg_class c JOIN r ON r.oid OPERATOR(pg_catalog.=) c.oid \
                 WHERE c.relkind OPERATOR(pg_catalog.=) 'p' \
                 UNION ALL \
                 SELECT 'o', pg_catalog.pg_get_expr(c.relpartbound, c.oid, true), \
                        i.inhparent::pg_catalog.regclass::pg_catalog.text, NULL, NULL \
                 FROM pg_catalog.pg_class c JOIN r ON r.oid OPERATOR(pg_catalog.=) c.oid \
                      JOIN pg_catalog.pg_inherits i ON i.inhrelid OPERATOR(pg_catalog.=) c.oid \
                 WHERE c.relispartition \
                 UNION ALL \
                 SELECT 'p', pg_catalog.pg_get_expr(c.relpartbound, c.oid, true), \
                        c.oid::pg_catalog.regclass::pg_catalog.text, \
                        (pg_catalog.pg_get_expr(c.relpartbound, c.oid) OPERATOR(pg_catalog.=) 'DEFAULT')::pg_catalog.text, \
                        NULL \
                 FROM pg_catalog.pg_inherits i JOIN r ON r.oid OPERATOR(pg_catalog.=) i.inhparent \
                      JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.inhrelid \
                 WHERE c.relispartition \
                 UNION ALL \
                 SELECT 't', pg_catalog.pg_get_triggerdef(t.oid, true), t.tgname::pg_catalog.text, \
                        t.tgenabled::pg_catalog.text, \
                        CASE WHEN t.tgparentid OPERATOR(pg_catalog.<>) 0 THEN \
                          (SELECT u.tgrelid::pg_catalog.regclass::pg_catalog.text \
                           FROM pg_catalog.pg_trigger u, \
                                pg_catalog.pg_partition_ancestors(t.tgrelid) WITH ORDINALITY AS a(relid, depth) \
                           WHERE u.tgname OPERATOR(pg_catalog.=) t.tgname \
                             AND u.tgrelid OPERATOR(pg_catalog.=) a.relid \
                             AND u.tgparentid OPERATOR(pg_catalog.=) 0 \
                           ORDER BY a.depth LIMIT 1) END \
                 FROM pg_catalog.pg_trigger t JOIN r ON r.oid OPERATOR(pg_catalog.=) t.tgrelid \
                 WHERE NOT t.tgisinternal \
                 ORDER BY 1, 4, 3"
            )
        }
        Dialect::Mysql => {
            let text = |s: &str| format!("CONVERT(X'{}' USING utf8mb4)", hex(s));
            // The NATURAL JOIN also matches TABLE_NAME where CHECK_CONSTRAINTS
            // has one (MariaDB, whose column checks share names across
            // tables); MySQL 8's has none, and names checks uniquely.
            format!(
                "SELECT 't' AS kind, CONCAT('CREATE TRIGGER ', TRIGGER_NAME, ' ', ACTION_TIMING, ' ', \
                        EVENT_MANIPULATION, ' ON ', EVENT_OBJECT_TABLE, ' FOR EACH ', \
                        ACTION_ORIENTATION, ' ', ACTION_STATEMENT) AS a, \
                        TRIGGER_NAME AS b, 'O' AS c, NULL AS d \
                 FROM information_schema.TRIGGERS \
                 WHERE EVENT_OBJECT_SCHEMA = {schema} AND EVENT_OBJECT_TABLE = {name} \
                 UNION ALL \
                 SELECT 'c', CONCAT('\"', CONSTRAINT_NAME, '\" CHECK (', CHECK_CLAUSE, ')'), \
                        CONSTRAINT_NAME, NULL, NULL \
                 FROM information_schema.CHECK_CONSTRAINTS \
                      NATURAL JOIN information_schema.TABLE_CONSTRAINTS \
                 WHERE CONSTRAINT_TYPE = 'CHECK' AND CONSTRAINT_SCHEMA = {schema} \
                   AND TABLE_NAME = {name} \
                 ORDER BY 1, 3",
                schema = text(schema),
                name = text(name)
            )
        }
        Dialect::Sqlite => {
            let text = |s: &str| format!("CAST(X'{}' AS TEXT)", hex(s));
            format!(
                "SELECT 't' AS kind, sql AS a, name AS b, 'O' AS c, NULL AS d \
                 FROM {}.sqlite_master \
                 WHERE type = 'trigger' AND tbl_name = {} AND sql IS NOT NULL ORDER BY name",
                quote_ident_always(schema),
                text(name)
            )
        }
    }
}

/// Reads the rows of [`details_sql`].
pub fn details_from_rows(rows: &[Row]) -> Details {
    let mut details = Details::default();
    for row in rows {
        let cell = |i: usize| match row.get(i) {
            Some(Value::Text(s)) => Some(s.clone()),
            _ => None,
        };
        let (Some(kind), a) = (cell(0), cell(1)) else {
            continue;
        };
        match kind.as_str() {
            "k" => details.partition_key = a,
            "o" => {
                details.partition_of = Some((cell(2).unwrap_or_default(), a.unwrap_or_default()))
            }
            "p" => details
                .partitions
                .push((cell(2).unwrap_or_default(), a.unwrap_or_default())),
            "c" => details.checks.extend(a),
            "t" => {
                let Some(definition) = a else { continue };
                details.triggers.push(Trigger {
                    definition: after_trigger_keyword(&definition),
                    firing: cell(3).and_then(|c| c.chars().next()).unwrap_or('O'),
                    parent: cell(4),
                });
            }
            _ => {}
        }
    }
    details
}

/// `CREATE TRIGGER trg BEFORE …` from `trg` on, as psql shows it.
fn after_trigger_keyword(definition: &str) -> String {
    let upper = definition.to_ascii_uppercase();
    match upper.find(" TRIGGER ") {
        Some(at) => definition[at + " TRIGGER ".len()..].trim().to_string(),
        None => definition.trim().to_string(),
    }
}

/// `s`'s UTF-8 bytes in hex, for names that travel inside SQL unquoted.
pub fn hex(s: &str) -> String {
    s.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The trigger sections of `\d`, psql's headings by how each fires.
fn trigger_sections(triggers: &[Trigger]) -> Vec<(String, Vec<String>)> {
    let groups = [
        ('O', "Triggers"),
        ('D', "Disabled user triggers"),
        ('R', "Triggers firing on replica only"),
        ('A', "Triggers firing always"),
    ];
    groups
        .iter()
        .map(|(firing, heading)| {
            let lines = triggers
                .iter()
                .filter(|t| t.firing == *firing)
                .flat_map(|t| {
                    let mut text = t.definition.clone();
                    if let Some(parent) = &t.parent {
                        text.push_str(&format!(", ON TABLE {parent}"));
                    }
                    text.lines().map(str::to_string).collect::<Vec<_>>()
                })
                .collect();
            (heading.to_string(), lines)
        })
        .collect()
}

/// The sections under `\d NAME`, in psql's order; empty ones are left out.
/// A section with no lines is printed as its heading alone
/// (`Partition key: RANGE (d)`), as psql prints one-line facts.
fn sections(
    catalog: &Catalog,
    r: &Relation,
    verbose: bool,
    details: &Details,
) -> Vec<(String, Vec<String>)> {
    let referenced_by = catalog
        .referencing(r)
        .into_iter()
        .map(|(from, fk)| {
            format!(
                "TABLE \"{}\" CONSTRAINT {}",
                visible_name(&from.schema, &from.name, home(catalog)),
                foreign_key_line(fk, home(catalog))
            )
        })
        .collect();
    let mut before = Vec::new();
    if let Some((parent, bound)) = &details.partition_of {
        before.push(format!("Partition of: {parent} {bound}"));
    }
    if let Some(key) = &details.partition_key {
        before.push(format!("Partition key: {key}"));
    }
    let mut after = Vec::new();
    if r.kind == RelationKind::PartitionedTable || !details.partitions.is_empty() {
        if !verbose {
            let n = details.partitions.len();
            after.push(if n == 0 {
                "Number of partitions: 0".to_string()
            } else {
                format!("Number of partitions: {n} (Use \\d+ to list them.)")
            });
        } else {
            let count = details.partitions.len();
            for (i, (name, bound)) in details.partitions.iter().enumerate() {
                let lead = if i == 0 {
                    "Partitions: "
                } else {
                    "            "
                };
                let comma = if i + 1 < count { "," } else { "" };
                after.push(format!("{lead}{name} {bound}{comma}"));
            }
        }
    }
    let candidates = [
        ("Indexes", index_lines(r)),
        ("Check constraints", details.checks.clone()),
        ("Unique constraints", unique_lines(r)),
        (
            "Foreign-key constraints",
            r.foreign_keys
                .iter()
                .map(|fk| foreign_key_line(fk, home(catalog)))
                .collect(),
        ),
        ("Referenced by", referenced_by),
    ];
    let rest = [
        ("Enum values", enum_lines(catalog, r)),
        (
            "View definition",
            if verbose {
                r.definition
                    .iter()
                    .flat_map(|d| d.lines())
                    .map(str::to_string)
                    .collect()
            } else {
                Vec::new()
            },
        ),
        ("Description", r.comment.iter().cloned().collect()),
    ];
    let inline = |lines: Vec<String>| lines.into_iter().map(|line| (line, Vec::new()));
    let listed =
        |list: Vec<(String, Vec<String>)>| list.into_iter().filter(|(_, lines)| !lines.is_empty());
    let named = |list: Vec<(&str, Vec<String>)>| {
        list.into_iter()
            .map(|(h, lines)| (h.to_string(), lines))
            .collect::<Vec<_>>()
    };
    inline(before)
        .chain(listed(named(candidates.into())))
        .chain(listed(trigger_sections(&details.triggers)))
        .chain(inline(after))
        .chain(listed(named(rest.into())))
        .collect()
}

/// `"orders_pkey" PRIMARY KEY, btree (id)` lines, primary key first; a primary
/// key without an index of its own (SQLite's rowid) gets a line too.
fn index_lines(r: &Relation) -> Vec<String> {
    let mut indexes: Vec<&Index> = r.indexes.iter().collect();
    indexes.sort_by(|a, b| (!a.primary, &a.name).cmp(&(!b.primary, &b.name)));
    let mut lines: Vec<String> = indexes
        .iter()
        .map(|i| {
            let kind = if i.primary {
                "PRIMARY KEY, "
            } else if r.unique_keys.iter().any(|k| k.name == i.name) {
                "UNIQUE CONSTRAINT, "
            } else if i.unique {
                "UNIQUE, "
            } else {
                ""
            };
            format!("\"{}\" {kind}{}", i.name, index_tail(&i.definition))
        })
        .collect();
    if let Some(pk) = r
        .primary_key
        .as_ref()
        .filter(|_| !r.indexes.iter().any(|i| i.primary))
    {
        lines.insert(
            0,
            format!("{}PRIMARY KEY ({})", named(&pk.name), pk.columns.join(", ")),
        );
    }
    lines
}

/// A constraint's name quoted and followed by a space, as psql starts its
/// line; nothing for a constraint without one (SQLite's, undeclared).
fn named(name: &str) -> String {
    match name {
        "" => String::new(),
        name => format!("\"{name}\" "),
    }
}

/// What follows the table in an index definition: `btree (id)` after
/// `USING`, `fulltext (note)` for MySQL's `FULLTEXT KEY ft (note)` (and
/// `SPATIAL`), else the column list and any `WHERE` (SQLite's form).
fn index_tail(definition: &str) -> String {
    if let Some((_, tail)) = definition.split_once(" USING ") {
        return tail.trim().to_string();
    }
    for kind in ["FULLTEXT KEY ", "SPATIAL KEY "] {
        if definition.starts_with(kind)
            && let Some(at) = definition.find('(')
        {
            let word = kind.trim_end_matches(" KEY ").to_lowercase();
            return format!("{word} {}", definition[at..].trim());
        }
    }
    let after_on = definition
        .find(" ON ")
        .map_or(definition, |i| &definition[i..]);
    after_on
        .find('(')
        .map_or(definition, |i| after_on[i..].trim())
        .to_string()
}

/// Unique constraints that no index of the same name already shows.
fn unique_lines(r: &Relation) -> Vec<String> {
    r.unique_keys
        .iter()
        .filter(|k| !r.indexes.iter().any(|i| i.name == k.name))
        .map(|k| format!("\"{}\" UNIQUE ({})", k.name, k.columns.join(", ")))
        .collect()
}

/// The schema unqualified names resolve in when it is the only one: the
/// connected database on MySQL.
fn home(catalog: &Catalog) -> Option<&str> {
    match catalog.code.search_path.as_deref() {
        Some([only]) => Some(only),
        _ => None,
    }
}

/// A relation's name as psql prints it with the default search path:
/// bare in `public` (PostgreSQL), `main` (SQLite) or `home` (MySQL's
/// database), schema-qualified elsewhere.
fn visible_name(schema: &str, name: &str, home: Option<&str>) -> String {
    if schema == "public" || schema == "main" || home == Some(schema) {
        name.to_string()
    } else {
        format!("{schema}.{name}")
    }
}

/// `"fk" FOREIGN KEY (a) REFERENCES t(b) ON DELETE CASCADE`; the referenced
/// table is qualified unless it is in the default schema.
fn foreign_key_line(fk: &ForeignKey, home: Option<&str>) -> String {
    let table = visible_name(&fk.ref_schema, &fk.ref_table, home);
    let mut line = format!(
        "{}FOREIGN KEY ({}) REFERENCES {table}({})",
        named(&fk.name),
        fk.columns.join(", "),
        fk.ref_columns.join(", ")
    );
    if let Some(action) = &fk.on_update {
        line.push_str(&format!(" ON UPDATE {action}"));
    }
    if let Some(action) = &fk.on_delete {
        line.push_str(&format!(" ON DELETE {action}"));
    }
    line
}

/// `order_status: 'pending', 'paid'` for each enum type the columns use.
fn enum_lines(catalog: &Catalog, r: &Relation) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for e in &catalog.enums {
        let qualified = format!("{}.{}", e.schema, e.name);
        let used = r.columns.iter().any(|c| {
            let base = c.type_name.trim_end_matches("[]");
            base == e.name || base == qualified || base == format!("\"{}\"", e.name)
        });
        if used {
            let labels: Vec<String> = e
                .labels
                .iter()
                .map(|l| format!("'{}'", l.replace('\'', "''")))
                .collect();
            lines.push(format!("{}: {}", e.name, labels.join(", ")));
        }
    }
    lines
}

/// psql's title word for a relation kind.
fn title_word(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Table => "Table",
        RelationKind::PartitionedTable => "Partitioned table",
        RelationKind::View => "View",
        RelationKind::MaterializedView => "Materialized view",
        RelationKind::ForeignTable => "Foreign table",
    }
}

/// Finds the relation `\d NAME` means: quoted parts exactly, unquoted ones as
/// typed, then lower-cased, then regardless of case.
fn lookup<'a>(catalog: &'a Catalog, name: &str) -> Option<&'a Relation> {
    let parts = split_name(name);
    let (schema, table) = match parts.as_slice() {
        [table] => (None, table),
        [schema, table] => (Some(schema), table),
        _ => return None,
    };
    let joined = match schema {
        Some((s, _)) => format!("{s}.{}", table.0),
        None => table.0.clone(),
    };
    if let Some(r) = catalog.find(&joined) {
        return Some(r);
    }
    let same = |quoted: bool, want: &str, have: &str| {
        if quoted {
            want == have
        } else {
            want.eq_ignore_ascii_case(have)
        }
    };
    catalog.relations.iter().find(|r| {
        same(table.1, &table.0, &r.name)
            && schema.is_none_or(|(s, quoted)| same(*quoted, s, &r.schema))
    })
}

/// Splits `a.b` / `"A"."b.c"` (or MySQL's `` `b.c` ``) at dots outside
/// quotes into (text, was quoted) parts; a doubled quote inside is a
/// literal one.
fn split_name(name: &str) -> Vec<(String, bool)> {
    let mut parts = Vec::new();
    let (mut current, mut quoted) = (String::new(), false);
    // The quote that opened the part being read: `"`, or MySQL's backtick.
    let mut open: Option<char> = None;
    let mut chars = name.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            c if open == Some(c) && chars.peek() == Some(&c) => {
                chars.next();
                current.push(c);
            }
            c if open == Some(c) => open = None,
            '"' | '`' if open.is_none() => {
                open = Some(c);
                quoted = true;
            }
            '.' if open.is_none() => {
                parts.push((std::mem::take(&mut current), std::mem::take(&mut quoted)))
            }
            c => current.push(c),
        }
    }
    parts.push((current, quoted));
    parts
}

/// A psql name pattern: an optional schema part and a name part.
struct Pattern {
    schema: Option<Glob>,
    name: Glob,
}

impl Pattern {
    /// `schema.name` or `name`; an empty part matches everything.
    fn parse(pattern: &str) -> Pattern {
        let mut parts = split_glob_parts(pattern);
        let name = parts.pop().unwrap_or_default();
        Pattern {
            schema: parts.pop(),
            name,
        }
    }

    /// A pattern for objects that have no schema (schemas themselves).
    fn parse_single(pattern: &str) -> Pattern {
        Pattern {
            schema: None,
            name: split_glob_parts(pattern).pop().unwrap_or_default(),
        }
    }

    fn matches(&self, schema: Option<&str>, name: &str) -> bool {
        let schema_ok = match (&self.schema, schema) {
            (Some(glob), Some(s)) => glob.matches(s),
            _ => true,
        };
        schema_ok && self.name.matches(name)
    }
}

/// One pattern part, as a sequence of pieces to match.
#[derive(Default)]
struct Glob(Vec<Piece>);

#[derive(Clone, Copy)]
enum Piece {
    /// `*`: any run of characters.
    Any,
    /// `?`: exactly one character.
    One,
    /// A literal character; `exact` when it was inside quotes.
    Char { c: char, exact: bool },
}

impl Glob {
    fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        glob_match(&self.0, &chars)
    }
}

fn glob_match(pieces: &[Piece], text: &[char]) -> bool {
    match pieces.split_first() {
        None => text.is_empty(),
        Some((Piece::Any, rest)) => (0..=text.len()).any(|skip| glob_match(rest, &text[skip..])),
        Some((Piece::One, rest)) => !text.is_empty() && glob_match(rest, &text[1..]),
        Some((Piece::Char { c, exact }, rest)) => text.split_first().is_some_and(|(t, tail)| {
            let same = if *exact {
                t == c
            } else {
                t.to_lowercase().eq(c.to_lowercase())
            };
            same && glob_match(rest, tail)
        }),
    }
}

/// Splits a pattern at dots outside quotes into globs; an empty part (as in
/// `public.`) matches everything.
fn split_glob_parts(pattern: &str) -> Vec<Glob> {
    let mut parts = Vec::new();
    let mut pieces = Vec::new();
    let mut in_quotes = false;
    let mut chars = pattern.trim().chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                chars.next();
                pieces.push(Piece::Char {
                    c: '"',
                    exact: true,
                });
            }
            '"' => in_quotes = !in_quotes,
            '.' if !in_quotes => parts.push(finish_glob(std::mem::take(&mut pieces))),
            '*' if !in_quotes => pieces.push(Piece::Any),
            '?' if !in_quotes => pieces.push(Piece::One),
            c => pieces.push(Piece::Char {
                c,
                exact: in_quotes,
            }),
        }
    }
    parts.push(finish_glob(pieces));
    parts
}

/// An empty part means "anything", as in psql's `schema.`.
fn finish_glob(pieces: Vec<Piece>) -> Glob {
    if pieces.is_empty() {
        Glob(vec![Piece::Any])
    } else {
        Glob(pieces)
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn optional(s: &Option<String>) -> Value {
    s.as_deref().map_or(Value::Null, text)
}

fn columns(names: &[&str]) -> Vec<Column> {
    names
        .iter()
        .map(|n| Column {
            name: (*n).to_string(),
            type_name: "text".into(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_owner_column_goes_when_no_owner_is_known() {
        let owned = |owner: Option<&str>| Description {
            columns: columns(&["Name", "Owner"]),
            rows: vec![vec![text("a"), owner.map_or(Value::Null, text)]],
            ..Description::default()
        };
        let anonymous = without_unknown_owners(owned(None));
        assert_eq!(anonymous.columns.len(), 1);
        assert_eq!(anonymous.rows, vec![vec![text("a")]]);
        assert_eq!(
            without_unknown_owners(owned(Some("postgres")))
                .columns
                .len(),
            2
        );
    }
    use crate::catalog::{ColumnInfo, EnumType, Key, Schema};

    fn column(name: &str, type_name: &str, nullable: bool, default: Option<&str>) -> ColumnInfo {
        ColumnInfo {
            name: name.into(),
            type_name: type_name.into(),
            nullable,
            default: default.map(Into::into),
            comment: None,
            samples: Vec::new(),
        }
    }

    fn relation_named(schema: &str, name: &str, kind: RelationKind) -> Relation {
        Relation {
            owner: Some("shop".into()),
            ..Relation::new(schema, name, kind)
        }
    }

    fn shop() -> Catalog {
        let mut customers = relation_named("public", "customers", RelationKind::Table);
        customers.columns = vec![
            column("id", "integer", false, None),
            column("email", "text", false, None),
        ];
        customers.columns[1].comment = Some("login address".into());
        customers.comment = Some("people who buy".into());
        customers.row_estimate = Some(500);
        customers.size_bytes = Some(16384);
        customers.unique_keys = vec![Key {
            name: "customers_email_key".into(),
            columns: vec!["email".into()],
        }];
        customers.indexes = vec![
            Index {
                name: "customers_email_key".into(),
                definition: "CREATE UNIQUE INDEX customers_email_key ON public.customers USING btree (email)".into(),
                unique: true,
                primary: false,
            },
            Index {
                name: "customers_pkey".into(),
                definition: "CREATE UNIQUE INDEX customers_pkey ON public.customers USING btree (id)".into(),
                unique: true,
                primary: true,
            },
        ];
        let mut orders = relation_named("public", "orders", RelationKind::Table);
        orders.columns = vec![
            column(
                "id",
                "integer",
                false,
                Some("nextval('orders_id_seq'::regclass)"),
            ),
            column("customer_id", "integer", false, None),
            column(
                "status",
                "order_status",
                true,
                Some("'pending'::order_status"),
            ),
        ];
        orders.foreign_keys = vec![ForeignKey {
            name: "orders_customer_id_fkey".into(),
            columns: vec!["customer_id".into()],
            ref_schema: "public".into(),
            ref_table: "customers".into(),
            ref_columns: vec!["id".into()],
            on_delete: Some("CASCADE".into()),
            on_update: None,
        }];
        orders.indexes = vec![Index {
            name: "orders_customer_id_idx".into(),
            definition:
                "CREATE INDEX orders_customer_id_idx ON orders(customer_id) WHERE status <> 'x'"
                    .into(),
            unique: false,
            primary: false,
        }];
        orders.primary_key = Some(Key {
            name: "orders_pkey".into(),
            columns: vec!["id".into()],
        });
        let mut totals = relation_named("public", "order_totals", RelationKind::View);
        totals.definition = Some("SELECT 1".into());
        let mut audit = relation_named("Audit", "Log", RelationKind::Table);
        audit.owner = None;
        Catalog {
            schemas: vec![
                Schema {
                    name: "public".into(),
                    owner: Some("shop".into()),
                    comment: Some("standard".into()),
                },
                Schema {
                    name: "Audit".into(),
                    owner: None,
                    comment: None,
                },
            ],
            relations: vec![
                orders,
                totals,
                customers,
                audit,
                relation_named("public", "mv", RelationKind::MaterializedView),
            ],
            enums: vec![EnumType {
                schema: "public".into(),
                name: "order_status".into(),
                labels: vec!["pending".into(), "paid".into()],
                comment: None,
            }],
            ..Catalog::default()
        }
    }

    fn cell_texts(d: &Description, column: usize) -> Vec<String> {
        d.rows
            .iter()
            .map(|r| match &r[column] {
                Value::Text(t) => t.clone(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    const TABLES: [RelationKind; 2] = [RelationKind::Table, RelationKind::PartitionedTable];

    #[test]
    fn lists_relations_sorted_and_filtered_by_kind() {
        let d = list_relations(&shop(), &TABLES, None, false);
        assert_eq!(d.title.as_deref(), Some("List of relations"));
        let names: Vec<&str> = d.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["Schema", "Name", "Type", "Owner"]);
        assert_eq!(cell_texts(&d, 1), ["Log", "customers", "orders"]);
        assert_eq!(d.rows[0][3], Value::Null, "an unknown owner is NULL");

        let views = list_relations(&shop(), &[RelationKind::View], None, false);
        assert_eq!(cell_texts(&views, 1), ["order_totals"]);
        assert_eq!(cell_texts(&views, 2), ["view"]);
    }

    #[test]
    fn verbose_listing_adds_rows_size_and_description() {
        let d = list_relations(&shop(), &TABLES, Some("customers"), true);
        assert_eq!(d.columns.len(), 7);
        assert_eq!(
            d.rows,
            vec![vec![
                Value::Text("public".into()),
                Value::Text("customers".into()),
                Value::Text("table".into()),
                Value::Text("shop".into()),
                Value::Int(500),
                Value::Text("16 kB".into()),
                Value::Text("people who buy".into()),
            ]]
        );
    }

    #[test]
    fn patterns_follow_psql() {
        let all = [
            RelationKind::Table,
            RelationKind::View,
            RelationKind::MaterializedView,
        ];
        let names = |p: &str| cell_texts(&list_relations(&shop(), &all, Some(p), false), 1);
        assert_eq!(names("order*"), ["order_totals", "orders"]);
        assert_eq!(names("public.*s"), ["customers", "order_totals", "orders"]);
        assert_eq!(names("*.log"), ["Log"], "unquoted text matches any case");
        assert_eq!(
            names("\"Audit\".\"log\""),
            Vec::<String>::new(),
            "quoted text is exact"
        );
        assert_eq!(names("\"Audit\".\"Log\""), ["Log"]);
        assert_eq!(names("m?"), ["mv"]);
        assert_eq!(
            names("audit."),
            ["Log"],
            "an empty name part matches everything"
        );
        let schemas = list_schemas(&shop(), Some("pub*"), true);
        assert_eq!(cell_texts(&schemas, 0), ["public"]);
        assert_eq!(cell_texts(&schemas, 2), ["standard"]);
    }

    #[test]
    fn lists_indexes_with_their_tables() {
        let d = list_indexes(&shop(), None, false);
        assert_eq!(d.title.as_deref(), Some("List of indexes"));
        assert_eq!(
            cell_texts(&d, 1),
            [
                "customers_email_key",
                "customers_pkey",
                "orders_customer_id_idx"
            ]
        );
        assert_eq!(cell_texts(&d, 4), ["customers", "customers", "orders"]);
        let verbose = list_indexes(&shop(), Some("*pkey"), true);
        assert_eq!(
            cell_texts(&verbose, 5),
            ["CREATE UNIQUE INDEX customers_pkey ON public.customers USING btree (id)"]
        );
    }

    /// The lines under heading `name` of `d`, none when it has no such section.
    fn section(d: &Description, name: &str) -> Vec<String> {
        d.sections
            .iter()
            .find(|(h, _)| h == name)
            .map(|(_, lines)| lines.clone())
            .unwrap_or_default()
    }

    #[test]
    fn describes_a_mysql_table_like_psql() {
        let key = |name: &str, definition: &str, unique| Index {
            name: name.into(),
            definition: definition.into(),
            unique,
            primary: name == "PRIMARY",
        };
        let mut customers = relation_named("shop", "customers", RelationKind::Table);
        customers.columns = vec![column(
            "id",
            "int(10) unsigned",
            false,
            Some("auto_increment"),
        )];
        customers.indexes = vec![key("PRIMARY", "PRIMARY KEY USING btree (id)", true)];
        let mut orders = relation_named("shop", "orders", RelationKind::Table);
        orders.columns = vec![column(
            "status",
            "enum('new','paid','it''s done')",
            false,
            Some("'new'"),
        )];
        orders.indexes = vec![
            key("PRIMARY", "PRIMARY KEY USING btree (id)", true),
            key("ft", "FULLTEXT KEY ft (note)", false),
        ];
        orders.foreign_keys = vec![ForeignKey {
            name: "orders_customer".into(),
            columns: vec!["customer_id".into()],
            ref_schema: "shop".into(),
            ref_table: "customers".into(),
            ref_columns: vec!["id".into()],
            on_delete: Some("CASCADE".into()),
            on_update: None,
        }];
        let mut catalog = Catalog {
            relations: vec![customers, orders],
            ..Catalog::default()
        };
        catalog.code.search_path = Some(vec!["shop".into()]);
        let d = relation(&catalog, "orders", false).expect("found");
        assert_eq!(d.title.as_deref(), Some("Table \"shop.orders\""));
        assert_eq!(cell_texts(&d, 1), ["enum('new','paid','it''s done')"]);
        assert_eq!(
            section(&d, "Indexes"),
            [
                "\"PRIMARY\" PRIMARY KEY, btree (id)",
                "\"ft\" fulltext (note)"
            ]
        );
        assert_eq!(
            section(&d, "Foreign-key constraints"),
            [
                "\"orders_customer\" FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE"
            ],
            "the connected database's tables are named bare"
        );
        let c = relation(&catalog, "customers", false).expect("found");
        assert_eq!(cell_texts(&c, 3), ["auto_increment"]);
        assert_eq!(
            section(&c, "Referenced by"),
            [
                "TABLE \"orders\" CONSTRAINT \"orders_customer\" FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE"
            ]
        );
    }

    #[test]
    fn names_split_at_dots_outside_double_quotes_or_backticks() {
        let parts = |name: &str| split_name(name);
        assert_eq!(
            parts("`shop`.`order ``items``.x`"),
            [
                ("shop".to_string(), true),
                ("order `items`.x".to_string(), true)
            ]
        );
        assert_eq!(
            parts("\"a\"\"b\".`c\"d`"),
            [("a\"b".to_string(), true), ("c\"d".to_string(), true)]
        );
        assert_eq!(
            parts("s.t"),
            [("s".to_string(), false), ("t".to_string(), false)]
        );
    }

    #[test]
    fn describes_a_table_like_psql() {
        let catalog = shop();
        let d = relation(&catalog, "customers", false).expect("found");
        assert_eq!(d.title.as_deref(), Some("Table \"public.customers\""));
        assert_eq!(cell_texts(&d, 2), ["not null", "not null"]);
        assert_eq!(
            section(&d, "Indexes"),
            [
                "\"customers_pkey\" PRIMARY KEY, btree (id)",
                "\"customers_email_key\" UNIQUE CONSTRAINT, btree (email)"
            ]
        );
        assert_eq!(
            section(&d, "Referenced by"),
            [
                "TABLE \"orders\" CONSTRAINT \"orders_customer_id_fkey\" FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE"
            ]
        );
        assert_eq!(section(&d, "Description"), ["people who buy"]);
        assert!(
            section(&d, "Unique constraints").is_empty(),
            "already shown as an index"
        );

        let orders = relation(&catalog, "public.orders", true).expect("found");
        assert_eq!(
            orders.columns.last().map(|c| c.name.as_str()),
            Some("Description")
        );
        assert_eq!(
            cell_texts(&orders, 3)[0],
            "nextval('orders_id_seq'::regclass)"
        );
        assert_eq!(cell_texts(&orders, 2)[2], "");
        assert_eq!(
            section(&orders, "Indexes"),
            [
                "\"orders_pkey\" PRIMARY KEY (id)",
                "\"orders_customer_id_idx\" (customer_id) WHERE status <> 'x'"
            ]
        );
        assert_eq!(
            section(&orders, "Foreign-key constraints"),
            [
                "\"orders_customer_id_fkey\" FOREIGN KEY (customer_id) REFERENCES customers(id) ON DELETE CASCADE"
            ]
        );
        assert_eq!(
            section(&orders, "Enum values"),
            ["order_status: 'pending', 'paid'"]
        );
        let names: Vec<&str> = orders.sections.iter().map(|(h, _)| h.as_str()).collect();
        assert_eq!(names, ["Indexes", "Foreign-key constraints", "Enum values"]);
    }

    #[test]
    fn details_become_psql_sections() {
        let t = |s: &str| Value::Text(s.to_string());
        let rows = vec![
            vec![
                t("k"),
                t("RANGE (d)"),
                Value::Null,
                Value::Null,
                Value::Null,
            ],
            vec![
                t("p"),
                t("FOR VALUES FROM (1) TO (2)"),
                t("p1"),
                t("false"),
                Value::Null,
            ],
            vec![t("p"), t("DEFAULT"), t("p_def"), t("true"), Value::Null],
            vec![
                t("t"),
                t("CREATE TRIGGER a BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()"),
                t("a"),
                t("O"),
                Value::Null,
            ],
            vec![
                t("t"),
                t("CREATE TRIGGER b AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()"),
                t("b"),
                t("D"),
                t("up"),
            ],
        ];
        let details = details_from_rows(&rows);
        let mut catalog = shop();
        catalog.relations.push(relation_named(
            "public",
            "t",
            RelationKind::PartitionedTable,
        ));
        let headings = |verbose: bool| {
            relation_with(&catalog, "t", verbose, &details)
                .expect("found")
                .sections
        };
        assert_eq!(
            headings(false),
            vec![
                ("Partition key: RANGE (d)".to_string(), vec![]),
                (
                    "Triggers".to_string(),
                    vec!["a BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION f()".to_string()]
                ),
                (
                    "Disabled user triggers".to_string(),
                    vec![
                        "b AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f(), ON TABLE up"
                            .to_string()
                    ]
                ),
                (
                    "Number of partitions: 2 (Use \\d+ to list them.)".to_string(),
                    vec![]
                ),
            ]
        );
        let verbose = headings(true);
        assert_eq!(
            verbose[3..],
            [
                (
                    "Partitions: p1 FOR VALUES FROM (1) TO (2),".to_string(),
                    vec![]
                ),
                ("            p_def DEFAULT".to_string(), vec![]),
            ]
        );
    }

    #[test]
    fn details_queries_carry_names_hex_encoded() {
        let sql = details_sql(Dialect::Postgres, "pub'lic", "t\"x");
        assert!(
            !sql.contains("pub'lic") && sql.contains("707562276c6963"),
            "{sql}"
        );
        let sql = details_sql(Dialect::Sqlite, "main", "it's");
        assert!(sql.contains("X'69742773'"), "{sql}");
        let sql = details_sql(Dialect::Mysql, "shop", "it's");
        assert!(
            sql.contains("CONVERT(X'69742773' USING utf8mb4)") && !sql.contains("it's"),
            "{sql}"
        );
    }

    #[test]
    fn mysql_triggers_and_checks_become_sections() {
        let row = |cells: [&str; 3]| -> Row { cells.iter().map(|c| text(c)).collect() };
        let details = details_from_rows(&[
            row([
                "c",
                "\"amount_small\" CHECK (`amount` < 10)",
                "amount_small",
            ]),
            row([
                "t",
                "CREATE TRIGGER audit BEFORE UPDATE ON orders FOR EACH ROW SET NEW.n = 1",
                "audit",
            ]),
        ]);
        assert_eq!(details.checks, ["\"amount_small\" CHECK (`amount` < 10)"]);
        assert_eq!(
            details.triggers[0].definition,
            "audit BEFORE UPDATE ON orders FOR EACH ROW SET NEW.n = 1"
        );
        assert_eq!(details.triggers[0].firing, 'O');
    }

    #[test]
    fn describes_views_and_resolves_names() {
        let catalog = shop();
        let view = relation(&catalog, "order_totals", true).expect("found");
        assert_eq!(view.title.as_deref(), Some("View \"public.order_totals\""));
        assert_eq!(
            view.sections,
            vec![("View definition".to_string(), vec!["SELECT 1".to_string()])]
        );
        assert!(
            relation(&catalog, "order_totals", false)
                .expect("found")
                .sections
                .is_empty()
        );
        let mv = relation(&catalog, "mv", false).expect("found");
        assert_eq!(mv.title.as_deref(), Some("Materialized view \"public.mv\""));

        assert!(
            relation(&catalog, "audit.log", false).is_some(),
            "unquoted names ignore case"
        );
        assert!(relation(&catalog, "\"Audit\".\"Log\"", false).is_some());
        assert!(
            relation(&catalog, "\"Audit\".\"log\"", false).is_none(),
            "quoted names are exact"
        );
        assert!(relation(&catalog, "nowhere", false).is_none());
        assert!(relation(&catalog, "a.b.c", false).is_none());
    }

    #[test]
    fn constraints_without_a_name_get_no_quoted_name() {
        let fk = ForeignKey {
            columns: vec!["customer_id".into()],
            ref_schema: "main".into(),
            ref_table: "customers".into(),
            ref_columns: vec!["id".into()],
            ..Default::default()
        };
        assert_eq!(
            foreign_key_line(&fk, None),
            "FOREIGN KEY (customer_id) REFERENCES customers(id)"
        );
        let mut r = Relation::new("main", "t", RelationKind::Table);
        r.primary_key = Some(Key {
            name: String::new(),
            columns: vec!["id".into()],
        });
        assert_eq!(index_lines(&r), ["PRIMARY KEY (id)"]);
    }
}
