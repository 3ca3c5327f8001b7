//! The adversarial corpus (`tests/corpus/safety.tsv`) run through the
//! classifier: every row must get its expected level. The test prints the
//! corpus size, the writes judged read-only (must be 0) and the over-blocking
//! rate, and fails listing every mismatch.
//!
//! Rows are classified with the catalog of the differential test's seeded
//! schema (its user code, as introspection reads it), as glance classifies a
//! model's SQL once it has read the schema.

use std::collections::HashMap;

use super::{Level, classify};
use crate::catalog::{
    Cast, Catalog, Child, Code, Domain, FunctionRef, IndexCode, Operator, Policy, Relation,
    RelationKind, Routine, Volatility,
};
use crate::db::Dialect;

const CORPUS: &str = include_str!("../../tests/corpus/safety.tsv");

/// One corpus row.
struct Row {
    line: usize,
    level: Level,
    dialect: Dialect,
    sql: String,
    /// Read-only in effect, asked about on purpose.
    harmless: bool,
}

fn parse(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        let [level, dialect, sql, note] = fields[..] else {
            panic!("corpus line {}: expected 4 tab-separated fields", i + 1);
        };
        let level = match level {
            "read_only" => Level::ReadOnly,
            "write" => Level::Write,
            "destructive" => Level::Destructive,
            other => panic!("corpus line {}: unknown level {other:?}", i + 1),
        };
        let dialect = match dialect {
            "pg" => Dialect::Postgres,
            "sqlite" => Dialect::Sqlite,
            "mysql" => Dialect::Mysql,
            other => panic!("corpus line {}: unknown dialect {other:?}", i + 1),
        };
        assert!(!note.is_empty(), "corpus line {}: the note is empty", i + 1);
        rows.push(Row {
            line: i + 1,
            level,
            dialect,
            sql: sql.replace('↵', "\n"),
            harmless: note.starts_with("harmless:"),
        });
    }
    rows
}

/// A routine of the seeded schema: `oid`, `schema.name`, language, body.
pub(super) fn routine(oid: u32, name: &str, language: &str, body: Option<&str>) -> Routine {
    let (schema, name) = name.split_once('.').expect("schema.name");
    Routine {
        function: FunctionRef {
            oid,
            schema: schema.into(),
            name: name.into(),
        },
        min_args: 0,
        max_args: None,
        language: language.into(),
        body: body.map(str::to_string),
        extension: None,
        security_definer: false,
        support: Vec::new(),
        defaults: None,
        types: Vec::new(),
        settings: Vec::new(),
    }
}

/// A member of `extension`, written in C.
fn member(oid: u32, name: &str, extension: &str) -> Routine {
    Routine {
        extension: Some(extension.into()),
        ..routine(oid, name, "c", None)
    }
}

fn view(name: &str, definition: &str) -> Relation {
    view_in("public", name, definition)
}

fn view_in(schema: &str, name: &str, definition: &str) -> Relation {
    Relation {
        definition: Some(definition.into()),
        ..Relation::new(schema, name, RelationKind::View)
    }
}

fn table(name: &str) -> Relation {
    Relation::new("public", name, RelationKind::Table)
}

/// The code of the seeded schema (see `tests/e2e/safety.rs`) as
/// introspection reads it: user routines with their bodies, the hostile
/// objects (lying functions, an aggregate, an overload, a domain, views, a
/// row-level security policy, extension members), and a few built-ins with
/// their volatility.
pub(super) fn seeded_catalog() -> Catalog {
    let sql = |oid, name, body| routine(oid, name, "sql", Some(body));
    let plpgsql = |oid, name| {
        routine(
            oid,
            name,
            "plpgsql",
            Some("begin insert into visits (note) values ('x'); return 1; end"),
        )
    };
    let mut logging_sum = routine(16420, "public.logging_sum", "internal", None);
    logging_sum.support = vec![FunctionRef {
        oid: 16419,
        schema: "public".into(),
        name: "logging_state".into(),
    }];
    let mut audit = plpgsql(16430, "public.audit_read");
    audit.security_definer = true;
    let routines = vec![
        sql(16400, "public.st_dwithin", "select a <-> b <= d"),
        sql(16401, "public.st_astext", "select p::text"),
        sql(16402, "public.st_distance", "select a <-> b"),
        sql(16403, "public.st_x", "select p[0]"),
        sql(
            16404,
            "public.full_name",
            "select c.first_name || ' ' || c.last_name",
        ),
        plpgsql(16405, "public.log_visit"),
        sql(
            16406,
            "public.touch",
            "insert into visits (note) values ('touch'); select 1",
        ),
        sql(
            16407,
            "public.volatile_cmp",
            "insert into visits (note) values ('operator'); select a = b",
        ),
        sql(16408, "public.p", "insert into visits (note) values ('p')"),
        sql(
            16410,
            "public.lying_kill",
            "select count(pg_terminate_backend(pid)) from pg_stat_activity where application_name = 'glance_victim'",
        ),
        plpgsql(16411, "public.lying_write"),
        sql(
            16412,
            "public.remote_write",
            "select dblink_exec('dbname=' || current_database(), 'insert into visits (note) values (''remote'')')",
        ),
        sql(16413, "public.film_count", "SELECT count(*) FROM film"),
        sql(
            16414,
            "public.atomic_count",
            "SELECT count(*) AS count\n   FROM film;\n",
        ),
        sql(
            16415,
            "public.atomic_write",
            "INSERT INTO visits (note)\n   VALUES ('atomic'::text);\n SELECT 1;\n",
        ),
        plpgsql(16416, "public.text_to_mood"),
        Routine {
            defaults: Some("public.lying_write('default'::text)".into()),
            ..sql(16460, "public.defaulted_write", "select n + 0")
        },
        Routine {
            types: vec![("public".into(), "logged_int".into())],
            ..sql(16461, "public.takes_logged", "select n + 0")
        },
        plpgsql(16462, "public.logging_cmp"),
        plpgsql(16463, "public.int_to_tally"),
        Routine {
            settings: vec!["search_path=evil, pg_catalog".into()],
            ..sql(16465, "public.path_lower", "select lower(t)")
        },
        Routine {
            settings: vec!["work_mem=64MB".into()],
            ..sql(16467, "public.same_film", "select a = b")
        },
        plpgsql(16468, "public.logging_ne"),
        Routine {
            settings: vec!["search_path=pg_catalog, public".into()],
            ..sql(16466, "public.path_count", "select count(*) from film")
        },
        Routine {
            types: vec![("public".into(), "tally".into())],
            ..sql(16464, "public.tally_n", "select t.n")
        },
        Routine {
            min_args: 1,
            max_args: Some(1),
            ..plpgsql(16418, "public.random")
        },
        plpgsql(16419, "public.logging_state"),
        logging_sum,
        plpgsql(16421, "public.check_logs"),
        audit,
        plpgsql(16431, "evil.lower"),
        plpgsql(16432, "evil.similarity"),
        member(16440, "public.crosstab", "tablefunc"),
        member(16441, "public.connectby", "tablefunc"),
        member(16442, "public.xpath_table", "xml2"),
        member(16443, "public.dblink", "dblink"),
        member(16444, "public.isn_weak", "isn"),
        member(16445, "public.is_valid", "isn"),
        member(16446, "trgm.similarity", "pg_trgm"),
        member(16447, "trgm.set_limit", "pg_trgm"),
        member(16448, "trgm.word_similarity", "pg_trgm"),
    ];
    let builtins = [
        ("random", Volatility::Volatile),
        ("gen_random_uuid", Volatility::Volatile),
        ("clock_timestamp", Volatility::Volatile),
        ("timeofday", Volatility::Volatile),
        ("brin_summarize_new_values", Volatility::Volatile),
        ("lower", Volatility::Immutable),
        ("textlen", Volatility::Immutable),
    ];
    let mut relations: Vec<Relation> = [
        "film",
        "customer",
        "payment",
        "docs",
        "places",
        "employees",
        "t",
        "s",
        "visits",
        "ledger",
        "ranked",
        "archive",
        "archive_2024",
        "readings_local",
    ]
    .into_iter()
    .map(table)
    .collect();
    relations.push(Relation::new("public", "ft", RelationKind::ForeignTable));
    relations.push(Relation::new(
        "public",
        "readings",
        RelationKind::PartitionedTable,
    ));
    relations.push(Relation::new(
        "public",
        "readings_remote",
        RelationKind::ForeignTable,
    ));
    relations.extend([
        view("v", "SELECT film.film_id, film.title FROM film;"),
        view(
            "v_volatile",
            "SELECT film.film_id, log_visit('view'::text) AS log_visit FROM film;",
        ),
        view("v_nested", "SELECT v_volatile.film_id FROM v_volatile;"),
    ]);
    Catalog {
        functions: builtins
            .iter()
            .map(|(n, v)| (n.to_string(), *v))
            .collect::<HashMap<_, _>>(),
        relations,
        code: Code {
            routines,
            operators: [
                ("<%>", 16407, "volatile_cmp"),
                // `%=` calls same_film, and its negator `%%` logging_ne.
                ("%=", 16467, "same_film"),
                ("%=", 16468, "logging_ne"),
                ("%%", 16468, "logging_ne"),
            ]
            .into_iter()
            .map(|(symbol, oid, name)| Operator {
                symbol: symbol.into(),
                function: FunctionRef {
                    oid,
                    schema: "public".into(),
                    name: name.into(),
                },
            })
            .collect(),
            casts: vec![
                Cast {
                    schema: "public".into(),
                    target: "mood".into(),
                    function: FunctionRef {
                        oid: 16416,
                        schema: "public".into(),
                        name: "text_to_mood".into(),
                    },
                    implicit: false,
                },
                Cast {
                    schema: "public".into(),
                    target: "tally".into(),
                    function: FunctionRef {
                        oid: 16463,
                        schema: "public".into(),
                        name: "int_to_tally".into(),
                    },
                    implicit: true,
                },
            ],
            domains: vec![Domain {
                schema: "public".into(),
                name: "logged_int".into(),
                checks: vec!["CHECK (check_logs(VALUE))".into()],
                base: None,
            }],
            policies: vec![Policy {
                schema: "public".into(),
                table: "ledger".into(),
                name: "audited".into(),
                using: Some("audit_read()".into()),
            }],
            index_code: ["ranked", "archive_2024"]
                .into_iter()
                .map(|table| IndexCode {
                    schema: "public".into(),
                    table: table.into(),
                    opclass: "logging_ops".into(),
                    functions: vec![FunctionRef {
                        oid: 16462,
                        schema: "public".into(),
                        name: "logging_cmp".into(),
                    }],
                })
                .collect(),
            children: [
                ("archive", "archive_2024"),
                ("readings", "readings_local"),
                ("readings", "readings_remote"),
            ]
            .into_iter()
            .map(|(table, child)| Child {
                schema: "public".into(),
                table: table.into(),
                child_schema: "public".into(),
                child: child.into(),
            })
            .collect(),
            search_path: Some(vec!["pg_catalog".into(), "public".into()]),
            ..Code::default()
        },
        ..Catalog::default()
    }
}

/// A stored MySQL routine as introspection reads it from
/// `information_schema.ROUTINES` (see the catalog interface): `kind` is
/// FUNCTION or PROCEDURE, `access` its SQL DATA ACCESS.
fn mysql_routine(
    name: &str,
    kind: &str,
    access: &str,
    params: usize,
    body: Option<&str>,
) -> Routine {
    Routine {
        min_args: params,
        max_args: Some(params),
        settings: vec![
            format!("kind={kind}"),
            format!("sql_data_access={access}"),
            "deterministic=NO".into(),
        ],
        ..routine(0, &format!("glance.{name}"), "sql", body)
    }
}

/// The MySQL differential test's seeded schema (database `glance`) as
/// introspection reads it: its tables, its views with their definitions as
/// MariaDB prints them, and its stored routines, one that writes while
/// declaring READS SQL DATA and one whose body is hidden.
fn mysql_catalog() -> Catalog {
    let table = |name: &str| Relation::new("glance", name, RelationKind::Table);
    let view = |name: &str, definition: &str| view_in("glance", name, definition);
    let tables = "film customer payment docs places employees t s visits notes seq";
    let mut relations: Vec<Relation> = tables.split(' ').map(table).collect();
    relations.extend([
        view(
            "v",
            "select `glance`.`film`.`film_id` AS `film_id`,`glance`.`film`.`title` AS `title` from `glance`.`film`",
        ),
        view(
            "film_counts",
            "select `glance`.`film`.`rating` AS `rating`,count(0) AS `films` from `glance`.`film` group by `glance`.`film`.`rating`",
        ),
        view(
            "v_logged",
            "select `glance`.`film`.`film_id` AS `film_id`,`glance`.`log_visit`('view') AS `logged` from `glance`.`film`",
        ),
        view(
            "v_nested",
            "select `glance`.`v_logged`.`film_id` AS `film_id` from `glance`.`v_logged`",
        ),
    ]);
    let routines = vec![
        mysql_routine(
            "film_count",
            "FUNCTION",
            "READS SQL DATA",
            0,
            Some("return (select count(*) from film)"),
        ),
        mysql_routine(
            "add_tax",
            "FUNCTION",
            "NO SQL",
            1,
            Some("return amount * 1.2"),
        ),
        mysql_routine(
            "log_visit",
            "FUNCTION",
            "MODIFIES SQL DATA",
            1,
            Some("begin\n    insert into visits (note) values (note);\n    return 1;\nend"),
        ),
        mysql_routine(
            "lying_read",
            "FUNCTION",
            "READS SQL DATA",
            0,
            Some("begin\n    insert into notes (note) values ('lying_read');\n    return 1;\nend"),
        ),
        mysql_routine(
            "lying_return",
            "FUNCTION",
            "READS SQL DATA",
            0,
            Some("return (select get_lock('glance_lying', 0))"),
        ),
        mysql_routine("hidden", "FUNCTION", "CONTAINS SQL", 0, None),
        mysql_routine(
            "p",
            "PROCEDURE",
            "MODIFIES SQL DATA",
            0,
            Some("insert into visits (note) values ('p')"),
        ),
        mysql_routine(
            "film_list",
            "PROCEDURE",
            "READS SQL DATA",
            0,
            Some("select title from film"),
        ),
    ];
    Catalog {
        relations,
        code: Code {
            routines,
            search_path: Some(vec!["glance".into()]),
            ..Code::default()
        },
        ..Catalog::default()
    }
}

#[test]
#[allow(clippy::print_stdout)] // the over-blocking rate is this test's report
fn corpus_rows_get_their_expected_level() {
    let rows = parse(CORPUS);
    let catalog = seeded_catalog();
    let mysql = mysql_catalog();
    let mut mismatches = Vec::new();
    let mut writes_judged_read_only = 0;
    let mut read_only_rows = 0;
    let mut over_blocked = 0;
    for row in &rows {
        let catalog = match row.dialect {
            Dialect::Postgres => Some(&catalog),
            Dialect::Mysql => Some(&mysql),
            Dialect::Sqlite => None,
        };
        let verdict = classify(&row.sql, row.dialect, catalog);
        if row.level > Level::ReadOnly && verdict.level == Level::ReadOnly {
            writes_judged_read_only += 1;
        }
        if row.level == Level::ReadOnly || row.harmless {
            read_only_rows += 1;
            if verdict.level > Level::ReadOnly {
                over_blocked += 1;
            }
        }
        if verdict.level != row.level {
            mismatches.push(format!(
                "line {}: {:?}: expected {}, got {} {:?}",
                row.line,
                row.sql,
                row.level.as_str(),
                verdict.level.as_str(),
                verdict.reasons
            ));
        }
    }
    let rate = 100.0 * over_blocked as f64 / read_only_rows.max(1) as f64;
    println!(
        "safety corpus: {} statements, {} writes judged read-only, over-blocking {over_blocked} of {read_only_rows} read-only statements ({rate:.1}%)",
        rows.len(),
        writes_judged_read_only
    );
    assert!(rows.len() >= 300, "the corpus has only {} rows", rows.len());
    assert!(
        mismatches.is_empty(),
        "{} of {} corpus rows misclassified:\n{}",
        mismatches.len(),
        rows.len(),
        mismatches.join("\n")
    );
}
