//! Reading a MySQL or MariaDB database into a [`Catalog`] from
//! `information_schema`, and the sample values of text columns.
//!
//! Invariant: a fixed number of queries (six), whatever the size of
//! the schema, each covering every object of the connected database (a
//! MySQL "schema"); rows are matched to relations by name here. The system
//! databases (`mysql`, `sys`, `information_schema`, `performance_schema`)
//! never appear. Every query is a constant text (the text protocol, which
//! the backend allows for glance's own statements); the conversion from
//! rows is pure and unit-tested with rows built in the tests.

use std::collections::HashMap;

use mysql::prelude::Queryable;
use mysql::{Conn, Value};

use crate::catalog::{
    Catalog, ColumnInfo, ForeignKey, FunctionRef, Index, Key, Relation, RelationKind, Routine,
    Schema,
};
use crate::db::Dialect;
use crate::ident::{Quoting, quote_ident_mysql};

/// One row as text: information_schema values are all read as text.
type Text = Vec<Option<String>>;

/// The condition that keeps a query to the connected database's objects.
macro_rules! connected {
    ($column:literal) => {
        concat!(
            $column,
            " = DATABASE() AND ",
            $column,
            " NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')"
        )
    };
}

const SERVER: &str = "SELECT DATABASE(), VERSION()";

/// Tables and views with their comments, estimates, sizes and definitions.
const TABLES: &str = concat!(
    "SELECT t.TABLE_NAME, t.TABLE_TYPE, t.TABLE_COMMENT, t.TABLE_ROWS, \
            t.DATA_LENGTH + t.INDEX_LENGTH, v.VIEW_DEFINITION \
     FROM information_schema.TABLES t \
     LEFT JOIN information_schema.VIEWS v \
       ON v.TABLE_SCHEMA = t.TABLE_SCHEMA AND v.TABLE_NAME = t.TABLE_NAME \
     WHERE ",
    connected!("t.TABLE_SCHEMA"),
    " ORDER BY t.TABLE_NAME"
);

const COLUMNS: &str = concat!(
    "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, \
            GENERATION_EXPRESSION, COLUMN_COMMENT, DATA_TYPE \
     FROM information_schema.COLUMNS WHERE ",
    connected!("TABLE_SCHEMA"),
    " ORDER BY TABLE_NAME, ORDINAL_POSITION"
);

/// Index columns; MySQL 8 names a functional key part's expression (in
/// parentheses), which MariaDB's `STATISTICS` has no column for.
fn statistics_sql(mariadb: bool) -> String {
    let expression = if mariadb { "NULL" } else { "EXPRESSION" };
    format!(
        "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, SUB_PART, INDEX_TYPE, \
                COLLATION, {expression} \
         FROM information_schema.STATISTICS WHERE {} \
         ORDER BY TABLE_NAME, INDEX_NAME = 'PRIMARY' DESC, INDEX_NAME, SEQ_IN_INDEX",
        connected!("TABLE_SCHEMA")
    )
}

const FOREIGN_KEYS: &str = concat!(
    "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA, \
            k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE, r.UPDATE_RULE \
     FROM information_schema.KEY_COLUMN_USAGE k \
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
       ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
      AND r.TABLE_NAME = k.TABLE_NAME \
     WHERE k.REFERENCED_TABLE_NAME IS NOT NULL AND ",
    connected!("k.TABLE_SCHEMA"),
    " ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION"
);

/// Stored functions and procedures with their number of parameters (a
/// function's result is parameter 0 and is not counted).
const ROUTINES: &str = concat!(
    "SELECT r.ROUTINE_SCHEMA, r.ROUTINE_NAME, r.ROUTINE_TYPE, r.ROUTINE_DEFINITION, \
            r.SECURITY_TYPE, r.SQL_DATA_ACCESS, r.IS_DETERMINISTIC, \
            (SELECT COUNT(*) FROM information_schema.PARAMETERS p \
             WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA AND p.SPECIFIC_NAME = r.SPECIFIC_NAME \
               AND p.ROUTINE_TYPE = r.ROUTINE_TYPE AND p.ORDINAL_POSITION > 0) \
     FROM information_schema.ROUTINES r WHERE ",
    connected!("r.ROUTINE_SCHEMA"),
    " ORDER BY r.ROUTINE_NAME, r.ROUTINE_TYPE"
);

/// Reads the connected database's schema in six queries.
pub(crate) fn catalog(conn: &mut Conn) -> Result<Catalog, mysql::Error> {
    let mut round_trips = 0;
    let mut read = |conn: &mut Conn, sql: &str| -> Result<Vec<Text>, mysql::Error> {
        round_trips += 1;
        let rows: Vec<mysql::Row> = conn.query(sql)?;
        Ok(rows
            .into_iter()
            .map(|row| row.unwrap().into_iter().map(text).collect())
            .collect())
    };
    let server = read(conn, SERVER)?;
    let first = server.first();
    let database = first.and_then(|r| r.first().cloned().flatten());
    let version = first
        .and_then(|r| r.get(1).cloned().flatten())
        .unwrap_or_default();
    let mariadb = version.to_ascii_lowercase().contains("mariadb");
    let rows = Rows {
        tables: read(conn, TABLES)?,
        columns: read(conn, COLUMNS)?,
        statistics: read(conn, &statistics_sql(mariadb))?,
        foreign_keys: read(conn, FOREIGN_KEYS)?,
        routines: read(conn, ROUTINES)?,
    };
    let mut catalog = build(database.as_deref(), mariadb, rows);
    catalog.round_trips = round_trips;
    Ok(catalog)
}

/// A value of the text protocol as text; `None` for NULL.
fn text(value: Value) -> Option<String> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Value::Int(n) => Some(n.to_string()),
        Value::UInt(n) => Some(n.to_string()),
        Value::Float(n) => Some(n.to_string()),
        Value::Double(n) => Some(n.to_string()),
        other => Some(other.as_sql(false)),
    }
}

/// The rows of each catalog query, in the order of their `SELECT` lists.
struct Rows {
    tables: Vec<Text>,
    columns: Vec<Text>,
    statistics: Vec<Text>,
    foreign_keys: Vec<Text>,
    routines: Vec<Text>,
}

/// Cell `i` of `row`, `""` when NULL or missing.
fn cell(row: &Text, i: usize) -> &str {
    row.get(i).and_then(|c| c.as_deref()).unwrap_or("")
}

/// Cell `i` of `row` when it holds something.
fn some(row: &Text, i: usize) -> Option<String> {
    row.get(i).cloned().flatten().filter(|s| !s.is_empty())
}

/// The catalog the rows describe; `database` is the connected one (none
/// chosen: an empty catalog).
fn build(database: Option<&str>, mariadb: bool, rows: Rows) -> Catalog {
    let Some(database) = database else {
        return Catalog {
            quoting: Quoting::Backtick,
            ..Catalog::default()
        };
    };
    let mut relations: Vec<Relation> = rows
        .tables
        .iter()
        .filter_map(|row| relation(database, row))
        .collect();
    let position: HashMap<String, usize> = relations
        .iter()
        .enumerate()
        .map(|(i, r)| (r.name.clone(), i))
        .collect();
    for row in &rows.columns {
        if let Some(&i) = position.get(cell(row, 0)) {
            let mut column = column(row, mariadb);
            // MariaDB gives a view's columns made-up defaults (`0`); a view
            // has none of its own.
            if relations[i].kind == RelationKind::View {
                column.default = None;
            }
            relations[i].columns.push(column);
        }
    }
    for (table, index) in indexes(&rows.statistics) {
        let Some(&i) = position.get(&table) else {
            continue;
        };
        let r = &mut relations[i];
        if index.primary {
            r.primary_key = Some(Key {
                name: index.name.clone(),
                columns: index.columns.clone(),
            });
        } else if index.unique {
            r.unique_keys.push(Key {
                name: index.name.clone(),
                columns: index.columns.clone(),
            });
        }
        r.indexes.push(Index {
            name: index.name,
            definition: index.definition,
            unique: index.unique,
            primary: index.primary,
        });
    }
    for (table, fk) in foreign_keys(&rows.foreign_keys) {
        if let Some(&i) = position.get(&table) {
            relations[i].foreign_keys.push(fk);
        }
    }
    let mut catalog = Catalog {
        schemas: vec![Schema {
            name: database.to_string(),
            owner: None,
            comment: None,
        }],
        relations,
        ..Catalog::default()
    };
    catalog.code.routines = rows.routines.iter().map(routine).collect();
    catalog.code.search_path = Some(vec![database.to_string()]);
    catalog.quoting = Quoting::Backtick;
    catalog
}

/// A relation from a `TABLES` row; `None` for sequences and system views.
fn relation(database: &str, row: &Text) -> Option<Relation> {
    let kind = match cell(row, 1) {
        "BASE TABLE" | "SYSTEM VERSIONED" => RelationKind::Table,
        "VIEW" => RelationKind::View,
        _ => return None,
    };
    let number = |i: usize| cell(row, i).parse::<i64>().ok();
    let table = kind == RelationKind::Table;
    Some(Relation {
        comment: some(row, 2).filter(|_| table),
        row_estimate: number(3).filter(|_| table),
        size_bytes: number(4).filter(|_| table),
        definition: some(row, 5),
        ..Relation::new(database, cell(row, 0), kind)
    })
}

/// A column from a `COLUMNS` row.
fn column(row: &Text, mariadb: bool) -> ColumnInfo {
    ColumnInfo {
        name: cell(row, 1).to_string(),
        type_name: cell(row, 2).to_string(),
        nullable: cell(row, 3) == "YES",
        default: column_default(
            row.get(4).cloned().flatten().as_deref(),
            cell(row, 5),
            cell(row, 6),
            cell(row, 8),
            mariadb,
        ),
        comment: some(row, 7),
        samples: Vec::new(),
    }
}

/// A column's default as `\d` shows it and a `DEFAULT` clause takes it:
/// `auto_increment`, `generated always as (…) stored|virtual`, or the
/// expression. MariaDB prints defaults as SQL (`'free'`, `NULL` for none);
/// MySQL 8 prints a literal's bare value and marks expressions
/// `DEFAULT_GENERATED`. `on update …` from `EXTRA` follows the default.
fn column_default(
    default: Option<&str>,
    extra: &str,
    generation: &str,
    data_type: &str,
    mariadb: bool,
) -> Option<String> {
    let extra_lower = extra.to_ascii_lowercase();
    if extra_lower.contains("auto_increment") {
        return Some("auto_increment".into());
    }
    if !generation.is_empty()
        && extra_lower.contains("generated")
        && !extra_lower.contains("default_generated")
    {
        let stored = extra_lower.contains("stored") || extra_lower.contains("persistent");
        let how = if stored { "stored" } else { "virtual" };
        return Some(format!("generated always as ({generation}) {how}"));
    }
    let value = match default {
        None => None,
        Some("NULL") if mariadb => None,
        Some(text) if mariadb || extra_lower.contains("default_generated") => Some(text.into()),
        Some(text) if is_numeric(data_type) => Some(text.into()),
        Some(text) => Some(Dialect::Mysql.quote_literal(text)),
    };
    let on_update = extra_lower
        .find("on update ")
        .map(|at| extra[at..].trim().to_string());
    match (value, on_update) {
        (Some(v), Some(u)) => Some(format!("{v} {u}")),
        (v, None) => v,
        (None, Some(u)) => Some(u),
    }
}

/// Types whose literal defaults MySQL 8 prints as bare numbers.
fn is_numeric(data_type: &str) -> bool {
    matches!(
        data_type.to_ascii_lowercase().as_str(),
        "tinyint"
            | "smallint"
            | "mediumint"
            | "int"
            | "integer"
            | "bigint"
            | "decimal"
            | "numeric"
            | "float"
            | "double"
            | "real"
            | "year"
    )
}

/// One index as read from `STATISTICS`.
struct ReadIndex {
    name: String,
    columns: Vec<String>,
    definition: String,
    unique: bool,
    primary: bool,
}

/// Indexes by table, with definitions as MySQL writes them in a
/// `CREATE TABLE`: `PRIMARY KEY USING btree (id)`,
/// `UNIQUE KEY email USING btree (email)`, `KEY idx USING btree (a, b(10) DESC)`,
/// `FULLTEXT KEY ft (note)`.
fn indexes(rows: &[Text]) -> Vec<(String, ReadIndex)> {
    let mut out: Vec<(String, ReadIndex, Vec<String>, String)> = Vec::new();
    for row in rows {
        let (table, name) = (cell(row, 0), cell(row, 1));
        let mut part = match (some(row, 3), some(row, 7)) {
            (Some(column), _) => quote_ident_mysql(&column).into_owned(),
            (None, Some(expression)) => expression,
            (None, None) => continue,
        };
        if let Some(length) = some(row, 4) {
            part.push_str(&format!("({length})"));
        }
        if cell(row, 6) == "D" {
            part.push_str(" DESC");
        }
        let same = out
            .last()
            .is_some_and(|(t, i, _, _)| t == table && i.name == name);
        if !same {
            let primary = name == "PRIMARY";
            out.push((
                table.to_string(),
                ReadIndex {
                    name: name.to_string(),
                    columns: Vec::new(),
                    definition: String::new(),
                    unique: primary || cell(row, 2) == "0",
                    primary,
                },
                Vec::new(),
                cell(row, 5).to_string(),
            ));
        }
        let (_, index, parts, _) = out.last_mut().expect("pushed above");
        index.columns.extend(some(row, 3));
        parts.push(part);
    }
    out.into_iter()
        .map(|(table, mut index, parts, kind)| {
            let name = quote_ident_mysql(&index.name);
            let head = match kind.as_str() {
                "FULLTEXT" | "SPATIAL" => format!("{kind} KEY {name}"),
                _ if index.primary => format!("PRIMARY KEY USING {}", kind.to_lowercase()),
                _ if index.unique => format!("UNIQUE KEY {name} USING {}", kind.to_lowercase()),
                _ => format!("KEY {name} USING {}", kind.to_lowercase()),
            };
            index.definition = format!("{head} ({})", parts.join(", "));
            (table, index)
        })
        .collect()
}

/// Foreign keys by table, from rows ordered by table, name and position.
fn foreign_keys(rows: &[Text]) -> Vec<(String, ForeignKey)> {
    let mut out: Vec<(String, ForeignKey)> = Vec::new();
    for row in rows {
        let (table, name) = (cell(row, 0), cell(row, 1));
        if !out
            .last()
            .is_some_and(|(t, fk)| t == table && fk.name == name)
        {
            let action =
                |i: usize| some(row, i).filter(|a| !matches!(a.as_str(), "NO ACTION" | "RESTRICT"));
            out.push((
                table.to_string(),
                ForeignKey {
                    name: name.to_string(),
                    ref_schema: cell(row, 3).to_string(),
                    ref_table: cell(row, 4).to_string(),
                    on_delete: action(6),
                    on_update: action(7),
                    ..ForeignKey::default()
                },
            ));
        }
        let (_, fk) = out.last_mut().expect("pushed above");
        fk.columns.push(cell(row, 2).to_string());
        fk.ref_columns.push(cell(row, 5).to_string());
    }
    out
}

/// A stored function or procedure, as the safety classifier reads it.
fn routine(row: &Text) -> Routine {
    let args = cell(row, 7).parse::<usize>().unwrap_or(0);
    Routine {
        function: FunctionRef {
            oid: 0,
            schema: cell(row, 0).to_string(),
            name: cell(row, 1).to_string(),
        },
        min_args: args,
        max_args: Some(args),
        language: "sql".into(),
        body: row.get(3).cloned().flatten(),
        extension: None,
        security_definer: cell(row, 4) == "DEFINER",
        support: Vec::new(),
        defaults: None,
        settings: vec![
            format!("kind={}", cell(row, 2)),
            format!("sql_data_access={}", cell(row, 5)),
            format!("deterministic={}", cell(row, 6)),
        ],
        types: Vec::new(),
    }
}

/// Text types whose distinct values may be shared as samples (an ENUM's
/// or SET's values are in its type already).
const SAMPLE_TYPES: [&str; 4] = ["char", "varchar", "tinytext", "text"];

/// How long one column's sample query may take, in milliseconds: a large
/// table read without an index on the column is left without samples
/// rather than read whole.
const SAMPLE_MS: u32 = 2000;

/// Adds the distinct values of text columns of tables with few of them.
/// `information_schema` keeps no value statistics, so each text column of
/// each table is asked for one more distinct value than may be shared,
/// each query bounded by [`SAMPLE_MS`] (a column whose query runs out of
/// time gets no samples); it runs only when the person asked to share
/// samples. The row count is the table's estimate.
pub(crate) fn sample_values(conn: &mut Conn, catalog: &mut Catalog) -> Result<(), mysql::Error> {
    let version: Option<String> = conn.query_first("SELECT VERSION()")?;
    let mariadb = version.is_some_and(|v| v.to_ascii_lowercase().contains("mariadb"));
    let mut found = Vec::new();
    for (sql, (schema, table, column, rows)) in samples_sql(catalog) {
        let values: Vec<mysql::Row> = match conn.query(timed(&sql, mariadb)) {
            Ok(values) => values,
            Err(mysql::Error::MySqlError(e)) if TIMED_OUT.contains(&e.code) => continue,
            Err(e) => return Err(e),
        };
        let values = values
            .into_iter()
            .filter_map(|row| row.unwrap().into_iter().next().and_then(text))
            .collect();
        found.push((schema, table, column, values, rows));
    }
    for (schema, table, column, values, rows) in found {
        catalog.set_samples(&schema, &table, &column, values, rows);
    }
    Ok(())
}

/// The errors of a statement stopped at its time limit: MariaDB's
/// `max_statement_time` (1969), MySQL's `MAX_EXECUTION_TIME` (3024).
const TIMED_OUT: [u16; 2] = [1969, 3024];

/// `select` (a `SELECT …`) with the [`SAMPLE_MS`] limit in the server's
/// own words.
fn timed(select: &str, mariadb: bool) -> String {
    if mariadb {
        format!(
            "SET STATEMENT max_statement_time = {} FOR {select}",
            f64::from(SAMPLE_MS) / 1000.0
        )
    } else {
        select.replacen(
            "SELECT ",
            &format!("SELECT /*+ MAX_EXECUTION_TIME({SAMPLE_MS}) */ "),
            1,
        )
    }
}

/// The query for each column [`sample_values`] reads, with the column's
/// schema, table, name and the table's row estimate: text-like columns of
/// tables whose estimate could hold repeated categories.
fn samples_sql(catalog: &Catalog) -> Vec<(String, (String, String, String, u64))> {
    let mut out = Vec::new();
    for relation in catalog
        .relations
        .iter()
        .filter(|r| r.kind == RelationKind::Table)
    {
        let rows = relation
            .row_estimate
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(0);
        if rows == 0 {
            continue;
        }
        for column in relation.columns.iter().filter(|c| {
            let base = c.type_name.split('(').next().unwrap_or("").trim();
            SAMPLE_TYPES.contains(&base) && !c.default.as_deref().is_some_and(is_generated)
        }) {
            let sql = format!(
                "SELECT DISTINCT CAST({col} AS CHAR) FROM {schema}.{table} \
                 WHERE {col} IS NOT NULL ORDER BY 1 LIMIT {limit}",
                col = quote_backtick(&column.name),
                schema = quote_backtick(&relation.schema),
                table = quote_backtick(&relation.name),
                limit = crate::catalog::MAX_SAMPLES + 1,
            );
            out.push((
                sql,
                (
                    relation.schema.clone(),
                    relation.name.clone(),
                    column.name.clone(),
                    rows,
                ),
            ));
        }
    }
    out
}

fn is_generated(default: &str) -> bool {
    default.starts_with("generated always as (")
}

/// `name` in backticks, with any backtick doubled: for SQL glance sends.
fn quote_backtick(name: &str) -> String {
    format!("`{}`", name.replace('`', "``"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows written one a line, cells split by `|`, `\N` for NULL (as
    /// the mysql client's batch mode writes it).
    fn rows(text: &str) -> Vec<Text> {
        text.lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(|line| {
                line.split('|')
                    .map(|c| (c != "\\N").then(|| c.to_string()))
                    .collect()
            })
            .collect()
    }

    fn shop() -> Rows {
        Rows {
            tables: rows(
                "customers|BASE TABLE|people who buy|3|32768|\\N
                 orders|BASE TABLE||200|65536|\\N
                 paid|VIEW|VIEW|\\N|\\N|select `id` from `orders`
                 ids|SEQUENCE||1|0|\\N",
            ),
            columns: rows(
                "customers|id|int(10) unsigned|NO|\\N|auto_increment|\\N||int
                 customers|tier|enum('free','pro','it''s')|NO|'free'||\\N|plan|enum
                 customers|flags|set('beta','vip')|YES|NULL||\\N||set
                 customers|seen|timestamp|NO|current_timestamp()|on update current_timestamp()|\\N||timestamp
                 orders|id|bigint(20)|NO|\\N|auto_increment|\\N||bigint
                 orders|customer_id|int(10) unsigned|NO|\\N||\\N||int
                 orders|amount|decimal(10,2)|NO|\\N||\\N||decimal
                 orders|tax|decimal(10,2)|YES|\\N|STORED GENERATED|`amount` * 0.2||decimal
                 orders|label|varchar(40)|YES|\\N|VIRTUAL GENERATED|concat(`id`)||varchar
                 paid|id|bigint(20)|NO|0||\\N||bigint",
            ),
            statistics: rows(
                "customers|PRIMARY|0|id|\\N|BTREE|A|\\N
                 customers|tier email|0|tier|4|BTREE|A|\\N
                 orders|PRIMARY|0|id|\\N|BTREE|A|\\N
                 orders|by_customer|1|customer_id|\\N|BTREE|A|\\N
                 orders|by_customer|1|amount|\\N|BTREE|D|\\N
                 orders|ft|1|label|\\N|FULLTEXT|\\N|\\N
                 orders|fx|1|\\N|\\N|BTREE|A|(`amount` * 2)",
            ),
            foreign_keys: rows(
                "orders|orders_customer|customer_id|shop|customers|id|CASCADE|RESTRICT",
            ),
            routines: rows(
                "shop|net|FUNCTION|RETURN a * 0.8|DEFINER|NO SQL|YES|1
                 shop|touch|PROCEDURE|\\N|INVOKER|MODIFIES SQL DATA|NO|2",
            ),
        }
    }

    #[test]
    fn tables_and_views_become_relations_of_the_database() {
        let c = build(Some("shop"), true, shop());
        assert_eq!(c.schemas[0].name, "shop");
        assert_eq!(c.code.search_path, Some(vec!["shop".to_string()]));
        assert_eq!(c.quoting, Quoting::Backtick);
        let names: Vec<_> = c
            .relations
            .iter()
            .map(|r| (r.name.as_str(), r.kind))
            .collect();
        assert_eq!(
            names,
            [
                ("customers", RelationKind::Table),
                ("orders", RelationKind::Table),
                ("paid", RelationKind::View)
            ],
            "a sequence is no relation"
        );
        let customers = &c.relations[0];
        assert_eq!(customers.schema, "shop");
        assert_eq!(customers.comment.as_deref(), Some("people who buy"));
        assert_eq!(
            (customers.row_estimate, customers.size_bytes),
            (Some(3), Some(32768))
        );
        let view = &c.relations[2];
        assert_eq!(view.comment, None, "a view's TABLE_COMMENT reads VIEW");
        assert_eq!(
            view.definition.as_deref(),
            Some("select `id` from `orders`")
        );
        assert_eq!(view.columns[0].default, None, "a view has no defaults");
        let none = build(None, true, shop());
        assert!(none.relations.is_empty(), "no database chosen");
        assert_eq!(none.quoting, Quoting::Backtick);
    }

    #[test]
    fn columns_keep_full_types_and_read_defaults() {
        let c = build(Some("shop"), true, shop());
        let col = |t: usize, i: usize| &c.relations[t].columns[i];
        assert_eq!(col(0, 0).default.as_deref(), Some("auto_increment"));
        assert_eq!(col(0, 1).type_name, "enum('free','pro','it''s')");
        assert_eq!(col(0, 1).default.as_deref(), Some("'free'"));
        assert_eq!(col(0, 1).comment.as_deref(), Some("plan"));
        assert!(!col(0, 1).nullable);
        assert_eq!(
            col(0, 2).default,
            None,
            "MariaDB prints NULL for no default"
        );
        assert!(col(0, 2).nullable);
        assert_eq!(
            col(0, 3).default.as_deref(),
            Some("current_timestamp() on update current_timestamp()")
        );
        assert_eq!(
            col(1, 3).default.as_deref(),
            Some("generated always as (`amount` * 0.2) stored")
        );
        assert_eq!(
            col(1, 4).default.as_deref(),
            Some("generated always as (concat(`id`)) virtual")
        );
        assert_eq!(col(1, 2).comment, None);
    }

    #[test]
    fn mysql_8_literal_defaults_are_quoted_and_expressions_kept() {
        let d =
            |default, extra, data_type| column_default(Some(default), extra, "", data_type, false);
        assert_eq!(d("free", "", "enum").as_deref(), Some("'free'"));
        assert_eq!(d("it's", "", "varchar").as_deref(), Some("'it''s'"));
        assert_eq!(
            d(r"C:\tmp", "", "varchar").as_deref(),
            Some(r"'C:\\tmp'"),
            "a backslash escapes on MySQL"
        );
        assert_eq!(
            d("NULL", "", "varchar").as_deref(),
            Some("'NULL'"),
            "a string that reads NULL"
        );
        assert_eq!(d("1.50", "", "decimal").as_deref(), Some("1.50"));
        assert_eq!(
            d(
                "CURRENT_TIMESTAMP",
                "DEFAULT_GENERATED on update CURRENT_TIMESTAMP",
                "timestamp"
            )
            .as_deref(),
            Some("CURRENT_TIMESTAMP on update CURRENT_TIMESTAMP")
        );
        assert_eq!(column_default(None, "", "", "int", false), None);
    }

    #[test]
    fn keys_and_indexes_read_as_mysql_writes_them() {
        let c = build(Some("shop"), true, shop());
        let customers = &c.relations[0];
        assert_eq!(
            customers.primary_key,
            Some(Key {
                name: "PRIMARY".into(),
                columns: vec!["id".into()]
            })
        );
        assert_eq!(customers.unique_keys[0].columns, ["tier"]);
        let definitions = |r: &Relation| -> Vec<String> {
            r.indexes.iter().map(|i| i.definition.clone()).collect()
        };
        assert_eq!(
            definitions(customers),
            [
                "PRIMARY KEY USING btree (id)",
                "UNIQUE KEY `tier email` USING btree (tier(4))"
            ]
        );
        let orders = &c.relations[1];
        assert_eq!(
            definitions(orders),
            [
                "PRIMARY KEY USING btree (id)",
                "KEY by_customer USING btree (customer_id, amount DESC)",
                "FULLTEXT KEY ft (label)",
                "KEY fx USING btree ((`amount` * 2))",
            ]
        );
        assert!(orders.indexes[0].primary && orders.indexes[0].unique);
        assert!(!orders.indexes[1].unique);
        assert!(orders.unique_keys.is_empty());
    }

    #[test]
    fn foreign_keys_keep_their_actions() {
        let c = build(Some("shop"), true, shop());
        let fk = &c.relations[1].foreign_keys[0];
        assert_eq!(
            fk,
            &ForeignKey {
                name: "orders_customer".into(),
                columns: vec!["customer_id".into()],
                ref_schema: "shop".into(),
                ref_table: "customers".into(),
                ref_columns: vec!["id".into()],
                on_delete: Some("CASCADE".into()),
                on_update: None,
            }
        );
        assert_eq!(c.referencing(&c.relations[0]).len(), 1);
    }

    #[test]
    fn routines_carry_what_the_classifier_reads() {
        let c = build(Some("shop"), true, shop());
        let net = &c.code.routines[0];
        assert_eq!(net.function.to_string(), "shop.net");
        assert_eq!((net.min_args, net.max_args), (1, Some(1)));
        assert_eq!(net.body.as_deref(), Some("RETURN a * 0.8"));
        assert!(net.security_definer);
        assert_eq!(
            net.settings,
            [
                "kind=FUNCTION",
                "sql_data_access=NO SQL",
                "deterministic=YES"
            ]
        );
        let touch = &c.code.routines[1];
        assert_eq!(touch.body, None, "unreadable with the user's privileges");
        assert!(!touch.security_definer);
        assert_eq!(touch.settings[0], "kind=PROCEDURE");
    }

    #[test]
    fn queries_stay_in_the_connected_database() {
        for sql in [
            TABLES,
            COLUMNS,
            FOREIGN_KEYS,
            ROUTINES,
            &statistics_sql(true),
            &statistics_sql(false),
        ] {
            assert!(sql.contains("= DATABASE() AND"), "{sql}");
            assert!(
                sql.contains("NOT IN ('mysql', 'sys', 'information_schema', 'performance_schema')"),
                "{sql}"
            );
        }
        assert!(statistics_sql(false).contains("EXPRESSION"));
        assert!(!statistics_sql(true).contains("EXPRESSION"));
    }

    #[test]
    fn sample_queries_carry_the_servers_time_limit() {
        assert_eq!(
            timed("SELECT DISTINCT a FROM t", true),
            "SET STATEMENT max_statement_time = 2 FOR SELECT DISTINCT a FROM t"
        );
        assert_eq!(
            timed("SELECT DISTINCT a FROM t", false),
            "SELECT /*+ MAX_EXECUTION_TIME(2000) */ DISTINCT a FROM t"
        );
    }

    #[test]
    fn samples_read_text_columns_of_tables_with_rows() {
        let mut c = build(Some("shop"), true, shop());
        c.relations[0].columns[1].name = "ti`er".into();
        c.relations[0].columns[1].type_name = "varchar(20)".into();
        let sql = samples_sql(&c);
        let columns: Vec<_> = sql
            .iter()
            .map(|(_, (_, t, c, n))| (t.as_str(), c.as_str(), *n))
            .collect();
        assert_eq!(
            columns,
            [("customers", "ti`er", 3)],
            "ENUM and SET columns (values in the type), generated columns and views are skipped"
        );
        assert_eq!(
            sql[0].0,
            "SELECT DISTINCT CAST(`ti``er` AS CHAR) FROM `shop`.`customers` \
             WHERE `ti``er` IS NOT NULL ORDER BY 1 LIMIT 13"
        );
    }
}
