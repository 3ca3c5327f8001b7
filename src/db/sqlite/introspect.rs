//! Reading a SQLite schema into a [`Catalog`] in a constant number of
//! queries, through the table-valued pragma functions, and the sample values
//! of text columns when the person asked to share them. A view whose
//! definition no longer resolves is left out with a warning, never an error.

use std::collections::HashMap;

use rusqlite::Connection;
use sqlparser::dialect::SQLiteDialect;
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Token, Tokenizer};

use crate::catalog::{Catalog, ColumnInfo, ForeignKey, Index, Key, Relation, RelationKind, Schema};
use crate::ident::quote_ident_always;

use super::comments::apply_comments;

/// Databases up to this size get per-relation sizes from `dbstat` (which
/// reads every page); larger ones report no sizes.
const SIZE_SCAN_LIMIT: i64 = 256 * 1024 * 1024;

/// Adds the distinct values of text columns of tables that have few of
/// them. SQLite keeps no value statistics, so this asks each text column for
/// one more distinct value than may be shared; it reads tables, and runs only
/// when the person asked to share samples.
pub(super) fn load_samples(conn: &Connection, catalog: &mut Catalog) -> rusqlite::Result<()> {
    let mut found = Vec::new();
    for relation in catalog
        .relations
        .iter()
        .filter(|r| r.kind == RelationKind::Table)
    {
        let text_columns: Vec<&ColumnInfo> = relation
            .columns
            .iter()
            .filter(|c| is_text_type(&c.type_name))
            .collect();
        if text_columns.is_empty() {
            continue;
        }
        let count = format!(
            "SELECT count(*) FROM {}",
            quote_ident_always(&relation.name)
        );
        let rows: i64 = conn.query_row(&count, [], |row| row.get(0))?;
        for column in text_columns {
            let sql = format!(
                "SELECT DISTINCT CAST({col} AS TEXT) FROM {table} WHERE {col} IS NOT NULL ORDER BY 1 LIMIT {limit}",
                col = quote_ident_always(&column.name),
                table = quote_ident_always(&relation.name),
                limit = crate::catalog::MAX_SAMPLES + 1,
            );
            let mut stmt = conn.prepare(&sql)?;
            let values = stmt
                .query_map([], |row| row.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            found.push((
                relation.schema.clone(),
                relation.name.clone(),
                column.name.clone(),
                values,
                rows,
            ));
        }
    }
    for (schema, table, column, values, rows) in found {
        catalog.set_samples(
            &schema,
            &table,
            &column,
            values,
            u64::try_from(rows).unwrap_or(0),
        );
    }
    Ok(())
}

/// Declared types SQLite gives text affinity (or none at all).
fn is_text_type(declared: &str) -> bool {
    let upper = declared.to_ascii_uppercase();
    upper.is_empty() || ["CHAR", "CLOB", "TEXT"].iter().any(|t| upper.contains(t))
}

/// Matches user objects in `sqlite_schema` (internal `sqlite_*` ones excluded).
const USER_OBJECT: &str = r"m.name NOT LIKE 'sqlite\_%' ESCAPE '\'";

/// Reads the whole schema in a constant number of queries.
pub(super) fn introspect(conn: &Connection) -> rusqlite::Result<Catalog> {
    let mut round_trips = 0;
    let mut query = |sql: &str| {
        round_trips += 1;
        conn.prepare(sql)
    };

    // Every object: relations, index definitions, whether sqlite_stat1 exists.
    let mut stmt =
        query("SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_schema ORDER BY name")?;
    let objects: Vec<(String, String, String, String)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
        .collect::<Result<_, _>>()?;
    drop(stmt);
    let has_stat1 = objects
        .iter()
        .any(|(kind, name, _, _)| kind == "table" && name == "sqlite_stat1");
    let index_sql: HashMap<&str, &str> = objects
        .iter()
        .filter(|(kind, _, _, sql)| kind == "index" && !sql.is_empty())
        .map(|(_, name, _, sql)| (name.as_str(), sql.as_str()))
        .collect();

    // Columns and primary keys, in one query; a view or virtual table whose
    // definition no longer resolves makes it fail, so then each relation is
    // read alone and the ones that cannot be read are left out.
    let joined = query(&columns_sql()).and_then(|mut stmt| read_columns(&mut stmt, []));
    let (columns, warnings) = match joined {
        Ok(columns) => (columns, Vec::new()),
        Err(_) => columns_one_by_one(&mut query(RELATION_COLUMNS_SQL)?, &objects),
    };
    let readable = |object: &SchemaObject| {
        is_user_relation(object) && !warnings.iter().any(|w| w.relation == object.1)
    };
    let mut relations: Vec<Relation> = objects
        .iter()
        .filter(|o| readable(o))
        .map(|(kind, name, _, sql)| new_relation(kind, name, sql))
        .collect();
    let position: HashMap<String, usize> = relations
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.clone(), i))
        .collect();
    let mut pk_columns: HashMap<usize, Vec<(i64, String)>> = HashMap::new();
    for column in columns {
        let Some(&i) = position.get(&column.relation) else {
            continue;
        };
        if column.hidden {
            continue;
        }
        if column.pk > 0 {
            pk_columns
                .entry(i)
                .or_default()
                .push((column.pk, column.info.name.clone()));
        }
        relations[i].columns.push(column.info);
    }
    // SQLite keeps no constraint names: a key has the name its CREATE
    // TABLE declares, or none (an empty name).
    for (i, mut cols) in pk_columns {
        cols.sort();
        relations[i].primary_key = Some(Key {
            name: String::new(),
            columns: cols.into_iter().map(|(_, c)| c).collect(),
        });
    }

    let plain_tables =
        format!("m.type = 'table' AND {USER_OBJECT} AND m.sql NOT LIKE 'CREATE VIRTUAL%'");
    read_foreign_keys(
        &mut query(&format!(
            "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         FROM sqlite_schema m JOIN pragma_foreign_key_list(m.name) f \
         WHERE {plain_tables} ORDER BY m.name, f.id DESC, f.seq"
        ))?,
        &position,
        &mut relations,
    )?;
    read_indexes(
        &mut query(&format!(
            "SELECT m.name, l.name, l.\"unique\", l.origin, i.name \
         FROM sqlite_schema m JOIN pragma_index_list(m.name) l LEFT JOIN pragma_index_info(l.name) i \
         WHERE {plain_tables} ORDER BY m.name, l.name, i.seqno"
        ))?,
        &position,
        &index_sql,
        &mut relations,
    )?;

    if has_stat1 {
        let mut stmt =
            query("SELECT tbl, max(CAST(stat AS INTEGER)) FROM sqlite_stat1 GROUP BY tbl")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = position.get(&r.get::<_, String>(0)?) {
                relations[i].row_estimate = r.get(1)?;
            }
        }
    }
    read_sizes(conn, &position, &mut relations, &mut round_trips);
    for (relation, (_, _, _, sql)) in relations
        .iter_mut()
        .zip(objects.iter().filter(|o| readable(o)))
    {
        if relation.kind == RelationKind::Table {
            apply_comments(relation, sql);
            name_constraints(relation, sql);
        }
    }
    let referenced_pks: Vec<Option<Key>> =
        relations.iter().map(|r| r.primary_key.clone()).collect();
    for relation in &mut relations {
        for fk in &mut relation.foreign_keys {
            if fk.ref_columns.is_empty()
                && let Some(Some(pk)) = position.get(&fk.ref_table).map(|&j| &referenced_pks[j])
            {
                fk.ref_columns = pk.columns.clone();
            }
        }
    }
    Ok(Catalog {
        schemas: vec![Schema {
            name: "main".into(),
            owner: None,
            comment: None,
        }],
        relations,
        round_trips,
        warnings: warnings.into_iter().map(|w| w.to_string()).collect(),
        ..Catalog::default()
    })
}

/// Every column of every user table and view, joined in one query.
fn columns_sql() -> String {
    format!(
        "SELECT m.name, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
         FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p \
         WHERE m.type IN ('table', 'view') AND {USER_OBJECT} ORDER BY m.name, p.cid"
    )
}

/// The columns of one relation, in the shape of [`columns_sql`].
const RELATION_COLUMNS_SQL: &str = "SELECT ?1, p.name, p.type, p.\"notnull\", p.dflt_value, p.pk, p.hidden \
     FROM pragma_table_xinfo(?1) p ORDER BY p.cid";

/// A column as `pragma_table_xinfo` describes it.
struct ColumnRow {
    relation: String,
    info: ColumnInfo,
    /// Position in the primary key (from 1), or 0.
    pk: i64,
    /// A hidden column of a virtual table.
    hidden: bool,
}

fn read_columns(
    stmt: &mut rusqlite::Statement<'_>,
    params: impl rusqlite::Params,
) -> rusqlite::Result<Vec<ColumnRow>> {
    stmt.query_map(params, |r| {
        let not_null: bool = r.get(3)?;
        let pk: i64 = r.get(5)?;
        Ok(ColumnRow {
            relation: r.get(0)?,
            info: ColumnInfo {
                name: r.get(1)?,
                type_name: r.get(2)?,
                nullable: !not_null && pk == 0,
                default: r.get(4)?,
                comment: None,
                samples: Vec::new(),
            },
            pk,
            hidden: r.get::<_, i64>(6)? == 1,
        })
    })?
    .collect()
}

/// A relation introspection left out.
struct Skipped {
    relation: String,
    kind: String,
    reason: String,
}

impl std::fmt::Display for Skipped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "skipped the {} `{}`, which cannot be read: {}",
            self.kind, self.relation, self.reason
        )
    }
}

/// The columns of each user relation read one at a time, with the
/// relations that fail (a view over a dropped table) skipped.
fn columns_one_by_one(
    stmt: &mut rusqlite::Statement<'_>,
    objects: &[SchemaObject],
) -> (Vec<ColumnRow>, Vec<Skipped>) {
    let mut columns = Vec::new();
    let mut skipped = Vec::new();
    for (kind, name, _, _) in objects.iter().filter(|o| is_user_relation(o)) {
        match read_columns(stmt, [name]) {
            Ok(found) => columns.extend(found),
            Err(error) => skipped.push(Skipped {
                relation: name.clone(),
                kind: kind.clone(),
                reason: error.to_string(),
            }),
        }
    }
    (columns, skipped)
}

/// A row of `sqlite_schema`: type, name, table name, SQL text.
type SchemaObject = (String, String, String, String);

/// Tables and views the user made (not SQLite's internal `sqlite_*` tables).
fn is_user_relation((kind, name, _, _): &SchemaObject) -> bool {
    (kind == "table" || kind == "view") && !name.starts_with("sqlite_")
}

/// A relation with what `sqlite_schema` alone says about it.
fn new_relation(kind: &str, name: &str, sql: &str) -> Relation {
    let view = kind == "view";
    let kind = if view {
        RelationKind::View
    } else {
        RelationKind::Table
    };
    Relation {
        definition: view.then(|| view_body(sql).to_string()),
        ..Relation::new("main", name, kind)
    }
}

/// The query of a `CREATE VIEW … AS query` statement: what follows its
/// first `AS` outside parentheses, quotes and comments (the whole text when
/// there is none).
fn view_body(sql: &str) -> &str {
    let mut read = Vec::new();
    let _ = Tokenizer::new(&SQLiteDialect {}, sql).tokenize_with_location_into_buf(&mut read);
    let mut depth = 0usize;
    for token in read {
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => depth = depth.saturating_sub(1),
            Token::Word(word)
                if depth == 0 && word.quote_style.is_none() && word.keyword == Keyword::AS =>
            {
                return sql[byte_offset(sql, token.span.end)..].trim();
            }
            _ => {}
        }
    }
    sql
}

/// The byte offset in `text` of a tokenizer location (1-based line and
/// character column).
fn byte_offset(text: &str, at: Location) -> usize {
    let skipped = usize::try_from(at.line.saturating_sub(1)).unwrap_or(usize::MAX);
    let line_start: usize = text.split_inclusive('\n').take(skipped).map(str::len).sum();
    let line = &text[line_start..];
    let column = usize::try_from(at.column.saturating_sub(1)).unwrap_or(usize::MAX);
    line_start
        + line
            .char_indices()
            .nth(column)
            .map_or(line.len(), |(i, _)| i)
}

/// Foreign keys from `pragma_foreign_key_list`, one row per column pair
/// (SQLite numbers them last-declared first; the query reverses that).
fn read_foreign_keys(
    stmt: &mut rusqlite::Statement<'_>,
    position: &HashMap<String, usize>,
    relations: &mut [Relation],
) -> rusqlite::Result<()> {
    let mut rows = stmt.query([])?;
    let mut current: Option<(usize, i64)> = None;
    while let Some(r) = rows.next()? {
        let Some(&i) = position.get(&r.get::<_, String>(0)?) else {
            continue;
        };
        let id: i64 = r.get(1)?;
        let from: String = r.get(3)?;
        let to: Option<String> = r.get(4)?;
        if current != Some((i, id)) {
            current = Some((i, id));
            let action = |word: String| (word != "NO ACTION").then_some(word);
            relations[i].foreign_keys.push(ForeignKey {
                name: String::new(),
                columns: Vec::new(),
                ref_schema: "main".into(),
                ref_table: r.get(2)?,
                ref_columns: Vec::new(),
                on_update: action(r.get(5)?),
                on_delete: action(r.get(6)?),
            });
        }
        if let Some(fk) = relations[i].foreign_keys.last_mut() {
            fk.columns.push(from);
            fk.ref_columns.extend(to);
        }
    }
    Ok(())
}

/// Gives the primary key and foreign keys of `relation` the names its
/// `CREATE TABLE` text declares.
fn name_constraints(relation: &mut Relation, sql: &str) {
    let declared = super::constraints::declared(sql);
    if let (Some(pk), Some(name)) = (&mut relation.primary_key, declared.primary_key.clone()) {
        pk.name = name;
    }
    for fk in &mut relation.foreign_keys {
        if let Some(name) = declared.foreign_key(&fk.columns) {
            fk.name = name.to_string();
        }
    }
}

/// Indexes from `pragma_index_list` joined to their columns; automatic ones
/// (for PRIMARY KEY and UNIQUE constraints) get a synthesised definition.
fn read_indexes(
    stmt: &mut rusqlite::Statement<'_>,
    position: &HashMap<String, usize>,
    index_sql: &HashMap<&str, &str>,
    relations: &mut [Relation],
) -> rusqlite::Result<()> {
    struct Found {
        relation: usize,
        name: String,
        unique: bool,
        origin: String,
        columns: Vec<String>,
    }
    let mut found: Vec<Found> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(&relation) = position.get(&r.get::<_, String>(0)?) else {
            continue;
        };
        let name: String = r.get(1)?;
        let column = r
            .get::<_, Option<String>>(4)?
            .unwrap_or_else(|| "<expression>".into());
        match found.last_mut() {
            Some(f) if f.relation == relation && f.name == name => f.columns.push(column),
            _ => found.push(Found {
                relation,
                name,
                unique: r.get(2)?,
                origin: r.get(3)?,
                columns: vec![column],
            }),
        }
    }
    for f in found {
        let relation = &mut relations[f.relation];
        let definition = match index_sql.get(f.name.as_str()) {
            Some(sql) => (*sql).to_string(),
            None => format!(
                "CREATE {}INDEX {} ON {} ({})",
                if f.unique { "UNIQUE " } else { "" },
                f.name,
                relation.name,
                f.columns.join(", ")
            ),
        };
        if f.origin == "u" {
            relation.unique_keys.push(Key {
                name: f.name.clone(),
                columns: f.columns.clone(),
            });
        }
        relation.indexes.push(Index {
            name: f.name,
            definition,
            unique: f.unique,
            primary: f.origin == "pk",
        });
    }
    Ok(())
}

/// Per-relation sizes from `dbstat`, for databases small enough to scan.
/// Sizes are a nicety: any failure leaves them unknown.
fn read_sizes(
    conn: &Connection,
    position: &HashMap<String, usize>,
    relations: &mut [Relation],
    round_trips: &mut usize,
) {
    *round_trips += 1;
    let total: rusqlite::Result<i64> = conn.query_row(
        "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()",
        [],
        |r| r.get(0),
    );
    if !total.is_ok_and(|bytes| bytes <= SIZE_SCAN_LIMIT) {
        return;
    }
    *round_trips += 1;
    let sizes = conn
        .prepare("SELECT name, pgsize FROM dbstat WHERE aggregate = TRUE")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
                .collect::<Result<Vec<_>, _>>()
        });
    for (name, bytes) in sizes.unwrap_or_default() {
        if let Some(&i) = position.get(&name) {
            relations[i].size_bytes = Some(bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Backend;
    use crate::db::sqlite::SqliteBackend;

    fn backend(setup: &str) -> SqliteBackend {
        let b = SqliteBackend::in_memory().unwrap();
        b.conn.execute_batch(setup).expect("setup runs");
        b
    }

    #[test]
    fn introspection_skips_a_view_that_no_longer_resolves() {
        let mut b = backend(
            "CREATE TABLE t (id INTEGER PRIMARY KEY, note TEXT);
             CREATE VIEW good AS SELECT note FROM t;
             CREATE VIEW broken AS SELECT * FROM nosuch;
             CREATE TABLE z (id INTEGER REFERENCES t);",
        );
        let catalog = b.introspect().expect("introspects");
        let names: Vec<&str> = catalog.relations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["good", "t", "z"]);
        assert_eq!(catalog.relations[0].columns[0].name, "note");
        assert_eq!(catalog.relations[2].foreign_keys[0].ref_table, "t");
        assert_eq!(
            catalog.warnings,
            ["skipped the view `broken`, which cannot be read: no such table: main.nosuch"]
        );
    }
    #[test]
    fn introspection_reads_keys_indexes_views_and_comments() {
        let mut b = backend(
            "CREATE TABLE customers ( -- people who buy things
                id INTEGER PRIMARY KEY,
                email TEXT NOT NULL UNIQUE, -- login and contact address
                note TEXT DEFAULT 'n/a' -- free text, '--' allowed
             );
             CREATE TABLE orders (
                id INTEGER PRIMARY KEY,
                customer_id INTEGER NOT NULL REFERENCES customers ON DELETE CASCADE,
                status TEXT NOT NULL
             );
             CREATE INDEX orders_customer_id_idx ON orders(customer_id);
             CREATE VIEW big AS SELECT * FROM orders WHERE id > 10;
             INSERT INTO customers(email) VALUES ('a@x'), ('b@x');
             ANALYZE;",
        );
        let catalog = b.introspect().expect("introspects");
        assert!(catalog.round_trips <= 8, "{}", catalog.round_trips);
        assert_eq!(catalog.schemas[0].name, "main");
        let names: Vec<&str> = catalog.relations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["big", "customers", "orders"]);

        let customers = catalog.find("customers").expect("customers");
        assert_eq!(customers.comment.as_deref(), Some("people who buy things"));
        assert_eq!(
            customers.primary_key.as_ref().map(|k| k.columns.clone()),
            Some(vec!["id".to_string()])
        );
        assert_eq!(customers.row_estimate, Some(2));
        assert!(customers.size_bytes.is_some());
        let email = &customers.columns[1];
        assert_eq!((email.type_name.as_str(), email.nullable), ("TEXT", false));
        assert_eq!(email.comment.as_deref(), Some("login and contact address"));
        assert_eq!(customers.columns[2].default.as_deref(), Some("'n/a'"));
        assert_eq!(
            customers.columns[2].comment.as_deref(),
            Some("free text, '--' allowed")
        );
        assert_eq!(customers.unique_keys.len(), 1);
        assert!(customers.indexes[0].unique && !customers.indexes[0].primary);

        let orders = catalog.find("orders").expect("orders");
        let fk = &orders.foreign_keys[0];
        assert_eq!(fk.name, "", "SQLite keeps no name, and none was declared");
        assert_eq!(
            (fk.ref_table.as_str(), fk.ref_columns.clone()),
            ("customers", vec!["id".to_string()])
        );
        assert_eq!(
            (fk.on_delete.as_deref(), fk.on_update.as_deref()),
            (Some("CASCADE"), None)
        );
        assert_eq!(
            orders.indexes[0].definition,
            "CREATE INDEX orders_customer_id_idx ON orders(customer_id)"
        );
        assert_eq!(
            orders.row_estimate, None,
            "an empty table has no statistics"
        );

        let view = catalog.find("big").expect("view");
        assert_eq!(view.kind, RelationKind::View);
        assert_eq!(
            view.definition.as_deref(),
            Some("SELECT * FROM orders WHERE id > 10")
        );
        assert_eq!(view.columns.len(), 3);
    }

    #[test]
    fn a_view_body_starts_after_the_first_as_outside_quotes_and_comments() {
        let cases = [
            ("CREATE VIEW v AS SELECT 1", "SELECT 1"),
            ("CREATE VIEW v(a, b) AS\nSELECT 1, 2", "SELECT 1, 2"),
            (
                "CREATE VIEW \"sales as of today\" /* as */ AS SELECT 'as' AS x",
                "SELECT 'as' AS x",
            ),
            ("CREATE VIEW \"é\"\n  as select 'é'", "select 'é'"),
            ("CREATE VIEW v", "CREATE VIEW v"),
        ];
        for (sql, body) in cases {
            assert_eq!(view_body(sql), body, "{sql}");
        }
    }
}
