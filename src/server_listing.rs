//! psql listings the schema catalog does not hold (`\du`, `\dx`, `\l`,
//! `\ds`, `\dT`, `\df`, `\dd`): each is one query on PostgreSQL's system catalogs
//! (and, where MySQL and MariaDB have such objects, one on their
//! `information_schema`), run inside the read-only server guard like any
//! statement that reads.
//! Every name in these queries is `pg_catalog.`-qualified, operators too,
//! so a hostile `search_path` cannot put its own objects in their place.
//! Patterns are applied to the rows afterwards, so no pattern text ever
//! becomes SQL.

/// The condition keeping objects in the person's own schemas (not
/// `pg_catalog`, `pg_toast`, `information_schema`), for queries that join
/// `pg_namespace n`.
macro_rules! in_user_schemas {
    () => {
        "n.nspname OPERATOR(pg_catalog.<>) 'information_schema' \
         AND n.nspname OPERATOR(pg_catalog.!~) '^pg_' "
    };
}

/// One listing: its query, title, and which columns a pattern matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServerListing {
    pub title: &'static str,
    pub sql: &'static str,
    /// The column holding the schema, for `schema.name` patterns.
    pub schema_column: Option<usize>,
    pub name_column: usize,
    /// What to say on SQLite, which has no such objects.
    pub sqlite: &'static str,
    /// The listing on MySQL and MariaDB, with the same columns where they
    /// have them (the schema and name columns at the same places).
    pub mysql: OnMysql,
}

/// A listing on MySQL and MariaDB.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnMysql {
    /// Its query on `information_schema`.
    Query(&'static str),
    /// What to say where they have no such objects.
    Absent(&'static str),
}

/// `\du`: roles, their attributes as psql words them, and what they belong to.
pub const ROLES: ServerListing = ServerListing {
    title: "List of roles",
    sql: "SELECT r.rolname AS \"Role name\", \
          pg_catalog.array_to_string(pg_catalog.array_remove(ARRAY[ \
            CASE WHEN r.rolsuper THEN 'Superuser' END, \
            CASE WHEN NOT r.rolinherit THEN 'No inheritance' END, \
            CASE WHEN r.rolcreaterole THEN 'Create role' END, \
            CASE WHEN r.rolcreatedb THEN 'Create DB' END, \
            CASE WHEN NOT r.rolcanlogin THEN 'Cannot login' END, \
            CASE WHEN r.rolreplication THEN 'Replication' END, \
            CASE WHEN r.rolbypassrls THEN 'Bypass RLS' END \
          ]::pg_catalog.text[], NULL::pg_catalog.text), ', ') AS \"Attributes\", \
          pg_catalog.array_to_string(ARRAY( \
            SELECT b.rolname::pg_catalog.text FROM pg_catalog.pg_auth_members m \
            JOIN pg_catalog.pg_roles b ON b.oid OPERATOR(pg_catalog.=) m.roleid \
            WHERE m.member OPERATOR(pg_catalog.=) r.oid ORDER BY 1), ', ') AS \"Member of\" \
          FROM pg_catalog.pg_roles r \
          WHERE r.rolname OPERATOR(pg_catalog.!~) '^pg_' \
          ORDER BY 1",
    schema_column: None,
    name_column: 0,
    sqlite: "\\du lists PostgreSQL roles; SQLite has no roles",
    mysql: OnMysql::Query(
        "SELECT GRANTEE AS `Role name`, \
                GROUP_CONCAT(PRIVILEGE_TYPE ORDER BY PRIVILEGE_TYPE SEPARATOR ', ') \
                  AS `Global privileges` \
         FROM information_schema.USER_PRIVILEGES GROUP BY GRANTEE ORDER BY 1",
    ),
};

/// `\dx`: installed extensions.
pub const EXTENSIONS: ServerListing = ServerListing {
    title: "List of installed extensions",
    sql: "SELECT e.extname AS \"Name\", e.extversion AS \"Version\", \
          n.nspname AS \"Schema\", d.description AS \"Description\" \
          FROM pg_catalog.pg_extension e \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) e.extnamespace \
          LEFT JOIN pg_catalog.pg_description d \
            ON d.objoid OPERATOR(pg_catalog.=) e.oid \
           AND d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_extension'::pg_catalog.regclass \
           AND d.objsubid OPERATOR(pg_catalog.=) 0 \
          ORDER BY 1",
    schema_column: None,
    name_column: 0,
    sqlite: "\\dx lists PostgreSQL extensions; SQLite has none",
    mysql: OnMysql::Absent(
        "\\dx lists PostgreSQL extensions; MySQL and MariaDB have plugins instead (SHOW PLUGINS lists them)",
    ),
};

/// `\l`: databases.
pub const DATABASES: ServerListing = ServerListing {
    title: "List of databases",
    sql: "SELECT d.datname AS \"Name\", pg_catalog.pg_get_userbyid(d.datdba) AS \"Owner\", \
          pg_catalog.pg_encoding_to_char(d.encoding) AS \"Encoding\", \
          d.datcollate AS \"Collate\", d.datctype AS \"Ctype\", \
          pg_catalog.array_to_string(d.datacl, ', ') AS \"Access privileges\" \
          FROM pg_catalog.pg_database d \
          ORDER BY 1",
    schema_column: None,
    name_column: 0,
    sqlite: "\\l lists PostgreSQL databases; a SQLite database is one file (\\conninfo shows it)",
    mysql: OnMysql::Query(
        "SELECT SCHEMA_NAME AS `Name`, DEFAULT_CHARACTER_SET_NAME AS `Encoding`, \
                DEFAULT_COLLATION_NAME AS `Collate` \
         FROM information_schema.SCHEMATA ORDER BY 1",
    ),
};

/// `\ds`: sequences, laid out like `\dt`.
pub const SEQUENCES: ServerListing = ServerListing {
    title: "List of relations",
    sql: concat!(
        "SELECT n.nspname AS \"Schema\", c.relname AS \"Name\", \
          'sequence'::pg_catalog.text AS \"Type\", \
          pg_catalog.pg_get_userbyid(c.relowner) AS \"Owner\" \
          FROM pg_catalog.pg_class c \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
          WHERE c.relkind OPERATOR(pg_catalog.=) 'S'::pg_catalog.\"char\" \
            AND ",
        in_user_schemas!(),
        "ORDER BY 1, 2"
    ),
    schema_column: Some(0),
    name_column: 1,
    sqlite: "\\ds lists PostgreSQL sequences; SQLite has none (AUTOINCREMENT keeps its counters in sqlite_sequence)",
    mysql: OnMysql::Query(
        "SELECT TABLE_SCHEMA AS `Schema`, TABLE_NAME AS `Name`, 'sequence' AS `Type` \
         FROM information_schema.TABLES \
         WHERE TABLE_TYPE = 'SEQUENCE' AND TABLE_SCHEMA = DATABASE() ORDER BY 1, 2",
    ),
};

/// `\dT`: user-defined types (enums, domains, composites, ranges, base
/// types), without array types and the row types of tables.
pub const TYPES: ServerListing = ServerListing {
    title: "List of data types",
    sql: concat!(
        "SELECT n.nspname AS \"Schema\", t.typname AS \"Name\", \
          pg_catalog.obj_description(t.oid, 'pg_type') AS \"Description\" \
          FROM pg_catalog.pg_type t \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) t.typnamespace \
          WHERE (t.typrelid OPERATOR(pg_catalog.=) 0::pg_catalog.oid \
                 OR EXISTS (SELECT FROM pg_catalog.pg_class c \
                            WHERE c.oid OPERATOR(pg_catalog.=) t.typrelid \
                              AND c.relkind OPERATOR(pg_catalog.=) 'c'::pg_catalog.\"char\")) \
            AND NOT EXISTS (SELECT FROM pg_catalog.pg_type e \
                            WHERE e.oid OPERATOR(pg_catalog.=) t.typelem \
                              AND e.typarray OPERATOR(pg_catalog.=) t.oid) \
            AND ",
        in_user_schemas!(),
        "ORDER BY 1, 2"
    ),
    schema_column: Some(0),
    name_column: 1,
    sqlite: "\\dT lists PostgreSQL types; SQLite has no user-defined types",
    mysql: OnMysql::Absent(
        "\\dT lists PostgreSQL types; MySQL and MariaDB have no user-defined types (ENUM and SET values are written on each column: \\d NAME shows them)",
    ),
};

/// `\df`: user functions, aggregates, window functions and procedures.
pub const FUNCTIONS: ServerListing = ServerListing {
    title: "List of functions",
    sql: concat!(
        "SELECT n.nspname AS \"Schema\", p.proname AS \"Name\", \
          pg_catalog.pg_get_function_result(p.oid) AS \"Result data type\", \
          pg_catalog.pg_get_function_arguments(p.oid) AS \"Argument data types\", \
          CASE WHEN p.prokind OPERATOR(pg_catalog.=) 'a'::pg_catalog.\"char\" THEN 'agg' \
               WHEN p.prokind OPERATOR(pg_catalog.=) 'w'::pg_catalog.\"char\" THEN 'window' \
               WHEN p.prokind OPERATOR(pg_catalog.=) 'p'::pg_catalog.\"char\" THEN 'proc' \
               ELSE 'func' END AS \"Type\" \
          FROM pg_catalog.pg_proc p \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace \
          WHERE ",
        in_user_schemas!(),
        "ORDER BY 1, 2, 4"
    ),
    schema_column: Some(0),
    name_column: 1,
    sqlite: "\\df lists PostgreSQL functions; SQLite's functions are built in or registered by the application",
    mysql: OnMysql::Query(
        "SELECT r.ROUTINE_SCHEMA AS `Schema`, r.ROUTINE_NAME AS `Name`, \
                COALESCE(r.DTD_IDENTIFIER, '') AS `Result data type`, \
                COALESCE((SELECT GROUP_CONCAT(CONCAT_WS(' ', p.PARAMETER_MODE, p.PARAMETER_NAME, \
                                                        p.DTD_IDENTIFIER) \
                                              ORDER BY p.ORDINAL_POSITION SEPARATOR ', ') \
                          FROM information_schema.PARAMETERS p \
                          WHERE p.SPECIFIC_SCHEMA = r.ROUTINE_SCHEMA \
                            AND p.SPECIFIC_NAME = r.SPECIFIC_NAME \
                            AND p.ROUTINE_TYPE = r.ROUTINE_TYPE AND p.ORDINAL_POSITION > 0), '') \
                  AS `Argument data types`, \
                IF(r.ROUTINE_TYPE = 'PROCEDURE', 'proc', 'func') AS `Type` \
         FROM information_schema.ROUTINES r \
         WHERE r.ROUTINE_SCHEMA = DATABASE() ORDER BY 1, 2, 4",
    ),
};

/// `\dd`: the comments (`COMMENT ON`) of tables, views, columns and
/// functions; a column is named `table.column`. psql's own `\dd` lists
/// the comments of other kinds of object (constraints, operator classes…).
pub const DESCRIPTIONS: ServerListing = ServerListing {
    title: "Object descriptions",
    sql: concat!(
        "SELECT n.nspname AS \"Schema\", c.relname::pg_catalog.text AS \"Name\", \
          CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'v'::pg_catalog.\"char\" THEN 'view' \
               WHEN c.relkind OPERATOR(pg_catalog.=) 'm'::pg_catalog.\"char\" THEN 'materialized view' \
               WHEN c.relkind OPERATOR(pg_catalog.=) 'f'::pg_catalog.\"char\" THEN 'foreign table' \
               ELSE 'table' END AS \"Object\", \
          d.description AS \"Description\" \
          FROM pg_catalog.pg_description d \
          JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.objoid \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
          WHERE d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass \
            AND d.objsubid OPERATOR(pg_catalog.=) 0 \
            AND c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'v', 'm', 'f']::pg_catalog.\"char\"[]) \
            AND ",
        in_user_schemas!(),
        "UNION ALL \
          SELECT n.nspname, c.relname::pg_catalog.text OPERATOR(pg_catalog.||) '.' \
                 OPERATOR(pg_catalog.||) a.attname::pg_catalog.text, 'column', d.description \
          FROM pg_catalog.pg_description d \
          JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) d.objoid \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace \
          JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) c.oid \
           AND a.attnum OPERATOR(pg_catalog.=) d.objsubid \
          WHERE d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass \
            AND d.objsubid OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped \
            AND ",
        in_user_schemas!(),
        "UNION ALL \
          SELECT n.nspname, p.proname::pg_catalog.text, 'function', d.description \
          FROM pg_catalog.pg_description d \
          JOIN pg_catalog.pg_proc p ON p.oid OPERATOR(pg_catalog.=) d.objoid \
          JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) p.pronamespace \
          WHERE d.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass \
            AND ",
        in_user_schemas!(),
        "ORDER BY 1, 2, 3"
    ),
    schema_column: Some(0),
    name_column: 1,
    sqlite: "\\dd lists comments made with COMMENT ON, which SQLite does not have; \\d+ NAME shows the -- comments glance reads from CREATE TABLE",
    mysql: OnMysql::Query(
        "SELECT TABLE_SCHEMA AS `Schema`, TABLE_NAME AS `Name`, 'table' AS `Object`, \
                TABLE_COMMENT AS `Description` \
         FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE <> 'VIEW' AND TABLE_COMMENT <> '' \
         UNION ALL \
         SELECT TABLE_SCHEMA, CONCAT(TABLE_NAME, '.', COLUMN_NAME), 'column', COLUMN_COMMENT \
         FROM information_schema.COLUMNS \
         WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_COMMENT <> '' \
         UNION ALL \
         SELECT ROUTINE_SCHEMA, ROUTINE_NAME, 'function', ROUTINE_COMMENT \
         FROM information_schema.ROUTINES \
         WHERE ROUTINE_SCHEMA = DATABASE() AND ROUTINE_COMMENT <> '' \
         ORDER BY 1, 2, 3",
    ),
};

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [ServerListing; 7] = [
        ROLES,
        EXTENSIONS,
        DATABASES,
        SEQUENCES,
        TYPES,
        FUNCTIONS,
        DESCRIPTIONS,
    ];

    /// MySQL reads `"…"` as a string: its column titles are backticked,
    /// and each listing of objects keeps to the connected database.
    #[test]
    fn mysql_queries_quote_titles_with_backticks() {
        for listing in ALL {
            match listing.mysql {
                OnMysql::Query(sql) => {
                    assert!(!sql.contains('"'), "{}", listing.title);
                    let everywhere = [ROLES.title, DATABASES.title].contains(&listing.title);
                    assert_eq!(
                        sql.contains("= DATABASE()"),
                        !everywhere,
                        "{}",
                        listing.title
                    );
                }
                OnMysql::Absent(why) => assert!(why.contains("MySQL"), "{why}"),
            }
        }
    }

    /// Every `=`, `<>` and `!~` goes through `OPERATOR(pg_catalog.…)`, and
    /// every function call is `pg_catalog.`-qualified.
    #[test]
    fn queries_name_only_pg_catalog_objects() {
        for listing in ALL {
            let sql = listing.sql;
            let bare_operators = sql
                .replace("OPERATOR(pg_catalog.=)", "")
                .replace("OPERATOR(pg_catalog.<>)", "")
                .replace("OPERATOR(pg_catalog.!~)", "");
            for op in [" = ", "<>", "!~", " ~ "] {
                assert!(!bare_operators.contains(op), "{op} in {}", listing.title);
            }
            for (at, _) in sql.match_indices('(') {
                let before = &sql[..at];
                let start = before
                    .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
                    .map_or(0, |i| i + 1);
                let called = &before[start..];
                if !called.is_empty() && !["ARRAY", "OPERATOR"].contains(&called) {
                    assert!(
                        called.starts_with("pg_catalog."),
                        "{called} in {}",
                        listing.title
                    );
                }
            }
        }
    }
}
