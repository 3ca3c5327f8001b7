//! Verification of the code a statement can execute beyond the built-ins:
//! user and extension routines, aggregates, operators, casts into domains,
//! views, row-level security policies and index operator classes, read from the catalog and
//! classified recursively.
//!
//! Invariant: an object counts as harmless only when glance has read it and
//! found nothing but verified reads inside (or the person trusts it by name,
//! or it belongs to an extension known to only compute). Declared
//! volatility never vouches for user code. Definitions are followed to
//! [`MAX_DEPTH`] levels; deeper, or in a cycle, the object asks.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use super::functions::{self, Judged};
use super::{Level, classify, extensions, mysql_functions};
use crate::catalog::{Catalog, FunctionRef, RelationKind, Routine};
use crate::db::Dialect;

/// How many definitions deep verification follows (a view over a view that
/// calls a function whose body calls another…).
const MAX_DEPTH: usize = 8;

/// The verification in progress on this thread: its depth, the objects
/// open on the way down (cycles), and the objects judged so far.
#[derive(Default)]
struct State {
    depth: usize,
    open: HashSet<String>,
    judged: HashMap<String, Judged>,
}

thread_local! {
    static STATE: RefCell<State> = RefCell::new(State::default());
}

/// Judges the object `key` with `judge`, once per outermost verification,
/// refusing cycles and depth beyond [`MAX_DEPTH`].
fn memoised(key: String, judge: impl FnOnce() -> Judged) -> Judged {
    let known = STATE.with_borrow(|s| {
        if let Some(judged) = s.judged.get(&key) {
            return Some(judged.clone());
        }
        if s.open.contains(&key) {
            return Some(ask(format!("{key} refers to itself")));
        }
        (s.depth >= MAX_DEPTH).then(|| {
            ask(format!(
                "{key} is nested more than {MAX_DEPTH} definitions deep"
            ))
        })
    });
    if let Some(judged) = known {
        return judged;
    }
    STATE.with_borrow_mut(|s| {
        s.depth += 1;
        s.open.insert(key.clone());
    });
    let judged = judge();
    STATE.with_borrow_mut(|s| {
        s.depth -= 1;
        s.open.remove(&key);
        if s.depth == 0 {
            s.judged.clear();
        } else {
            s.judged.insert(key, judged.clone());
        }
    });
    judged
}

fn ask(reason: String) -> Judged {
    (Level::Write, Some(reason))
}

/// `judged` with `what` leading its reason, or a plain read.
fn explained(judged: Judged, what: &str) -> Judged {
    match judged {
        (Level::ReadOnly, _) => (Level::ReadOnly, None),
        (level, why) => (level, Some(format!("{what}: {}", why.unwrap_or_default()))),
    }
}

/// The worse of two judgements.
fn worse(a: Judged, b: Judged) -> Judged {
    if b.0 > a.0 { b } else { a }
}

/// Classifies `sql`, the definition of `what`, and says what it runs when
/// that is more than a read.
fn verify_sql(sql: &str, dialect: Dialect, catalog: &Catalog, what: &str) -> Judged {
    let verdict = classify(sql, dialect, Some(catalog));
    if verdict.level == Level::ReadOnly {
        return (Level::ReadOnly, None);
    }
    let level = verdict.level.max(Level::Write);
    let why = verdict.reasons.join("; ");
    (
        level,
        Some(format!(
            "{what} runs SQL that is not a verified read: {why}"
        )),
    )
}

/// Judges the SQL `sql` standing for the MySQL stored function `key`, once
/// per verification like any other object (cycles and depth refused).
pub(super) fn mysql_function(
    key: &str,
    sql: &str,
    dialect: Dialect,
    catalog: &Catalog,
    what: &str,
) -> Judged {
    memoised(key.to_string(), || verify_sql(sql, dialect, catalog, what))
}

/// Judges a call of `key` (lower-cased unless quoted), qualified with
/// `schema` or not, with `args` arguments (`None` when unknown).
pub(super) fn call(
    schema: Option<&str>,
    key: &str,
    args: Option<usize>,
    dialect: Dialect,
    catalog: Option<&Catalog>,
) -> Judged {
    if dialect == Dialect::Mysql {
        return mysql_functions::call(schema, key, args, catalog);
    }
    if let Some(judged) = functions::judge_listed(key) {
        return judged;
    }
    let in_pg_catalog = schema == Some("pg_catalog");
    let Some(catalog) = catalog.filter(|_| dialect == Dialect::Postgres) else {
        return match schema {
            Some(s) if !in_pg_catalog && dialect == Dialect::Postgres => {
                ask(format!("{s}.{key} is not a known function"))
            }
            _ => functions::judge_builtin(key, in_pg_catalog, dialect, catalog, false),
        };
    };
    let mut user = (Level::ReadOnly, None);
    let mut found = false;
    for routine in catalog.code.routines_named(schema, key, args) {
        found = true;
        user = worse(user, verify_routine(routine, catalog));
    }
    if user.0 > Level::ReadOnly {
        return user;
    }
    if let Some(s) = schema.filter(|_| !in_pg_catalog) {
        return match found {
            true => user,
            false => ask(format!("{s}.{key} is not a known function")),
        };
    }
    if functions::READS_RELATIONS.contains(&key) {
        return every_relation(key, catalog);
    }
    functions::judge_builtin(key, in_pg_catalog, dialect, Some(catalog), found)
}

/// Judges a field name `key` that PostgreSQL may read as the call `key(row)`.
pub(super) fn attribute(key: &str, catalog: Option<&Catalog>) -> Option<Judged> {
    let catalog = catalog?;
    if functions::volatile_builtin(key, catalog) {
        return Some(ask(format!(
            "the field name {key} may call the volatile function {key} (attribute notation)"
        )));
    }
    let judged = catalog
        .code
        .routines_named(None, key, Some(1))
        .map(|r| verify_routine(r, catalog))
        .fold((Level::ReadOnly, None), worse);
    (judged.0 > Level::ReadOnly).then(|| {
        let why = judged.1.unwrap_or_default();
        ask(format!(
            "the field name {key} may call the function {key} (attribute notation): {why}"
        ))
    })
}

/// Judges a routine that is not built in: trusted by name, a member of an
/// extension known to only compute, an aggregate whose functions are
/// verified, or a SQL routine whose body is a verified read.
fn verify_routine(routine: &Routine, catalog: &Catalog) -> Judged {
    let f = &routine.function;
    memoised(format!("function {f}#{}", f.oid), || {
        if catalog.code.trusts(f) {
            return (Level::ReadOnly, None);
        }
        if let Some(extension) = &routine.extension
            && extensions::computes(extension, &f.name)
        {
            return (Level::ReadOnly, None);
        }
        worse(signature(routine, catalog), definition(routine, catalog))
    })
}

/// Judges what a call evaluates besides the routine's definition: its
/// argument defaults, and the coercions to its argument and result types
/// (a domain's CHECKs, a user cast into the type).
fn signature(routine: &Routine, catalog: &Catalog) -> Judged {
    let f = &routine.function;
    let defaults = routine.defaults.iter().map(|defaults| {
        let what = format!("a default argument of {f}");
        verify_sql(
            &format!("SELECT {defaults}"),
            Dialect::Postgres,
            catalog,
            &what,
        )
    });
    let types = routine.types.iter().map(|(schema, name)| {
        let judged = cast_into(Some(schema), name, catalog, Some(f.oid));
        explained(judged, &format!("{f} takes or returns {schema}.{name}"))
    });
    defaults.chain(types).fold((Level::ReadOnly, None), worse)
}

/// Judges a routine's own definition: an aggregate's functions, a SQL
/// body, or anything else, which glance cannot read.
fn definition(routine: &Routine, catalog: &Catalog) -> Judged {
    let f = &routine.function;
    if !routine.support.is_empty() {
        return routine
            .support
            .iter()
            .map(|g| match function(g, catalog) {
                (Level::ReadOnly, _) => (Level::ReadOnly, None),
                (level, why) => (
                    level.max(Level::Write),
                    Some(format!(
                        "the aggregate {f} calls {g}: {}",
                        why.unwrap_or_default()
                    )),
                ),
            })
            .fold((Level::ReadOnly, None), worse);
    }
    let definer = if routine.security_definer {
        " (SECURITY DEFINER)"
    } else {
        ""
    };
    match (&routine.body, routine.language.as_str()) {
        (Some(body), "sql") => match own_settings(routine, catalog) {
            Ok(None) => verify_sql(body, Dialect::Postgres, catalog, &format!("{f}{definer}")),
            Ok(Some(own)) => verify_sql(body, Dialect::Postgres, &own, &format!("{f}{definer}")),
            Err(judged) => judged,
        },
        (_, language) => {
            let member = routine
                .extension
                .as_ref()
                .map(|e| format!(" from the extension {e}"))
                .unwrap_or_default();
            ask(format!(
                "{f}{definer} is {language}{member}: glance cannot read it"
            ))
        }
    }
}

/// The catalog a SQL routine's body is read with when the routine brings
/// its own settings (`SET search_path = …` resolves the body's names through
/// that path), `None` when it brings none; an error judgement when a
/// setting changes how glance would have to read the body (the role, how
/// strings are read) or the path names the role's own schema.
fn own_settings(routine: &Routine, catalog: &Catalog) -> Result<Option<Catalog>, Judged> {
    let f = &routine.function;
    let mut own = None;
    for setting in &routine.settings {
        let (name, value) = setting.split_once('=').unwrap_or((setting, ""));
        if let Some(what) = super::settings::gate_setting(name) {
            return Err(ask(format!("{f} sets {name} while it runs, which {what}")));
        }
        if !name.eq_ignore_ascii_case("search_path") {
            continue;
        }
        let mut path: Vec<String> = value
            .split(',')
            .map(|s| s.trim().trim_matches('"').replace("\"\"", "\""))
            .filter(|s| !s.is_empty())
            .collect();
        if path.iter().any(|s| s == "$user") {
            return Err(ask(format!(
                "{f} runs with a search_path naming \"$user\", which glance cannot resolve"
            )));
        }
        // Relations still resolve in the session's temporary schema.
        let session = catalog.code.search_path.iter().flatten();
        path.extend(session.filter(|s| s.starts_with("pg_temp_")).cloned());
        let mut with_path = catalog.clone();
        with_path.code.search_path = Some(path);
        own = Some(with_path);
    }
    Ok(own)
}

/// Judges a function the catalog names by reference: a built-in by its
/// name, anything else by reading it.
fn function(f: &FunctionRef, catalog: &Catalog) -> Judged {
    if f.is_builtin() {
        let key = f.name.to_lowercase();
        return functions::judge_listed(&key).unwrap_or_else(|| {
            functions::judge_builtin(&key, true, Dialect::Postgres, Some(catalog), false)
        });
    }
    match catalog.code.routine(f.oid) {
        Some(routine) => verify_routine(routine, catalog),
        None => ask(format!("{f} is not a known function")),
    }
}

/// Judges an operator `symbol`: every operator of that symbol outside the
/// built-ins must call a verified function.
pub(super) fn operator(symbol: &str, catalog: Option<&Catalog>) -> Judged {
    let Some(catalog) = catalog else {
        return (Level::ReadOnly, None);
    };
    catalog
        .code
        .operators
        .iter()
        .filter(|op| op.symbol == symbol)
        .map(|op| match function(&op.function, catalog) {
            (Level::ReadOnly, _) => (Level::ReadOnly, None),
            (level, why) => (
                level.max(Level::Write),
                Some(format!(
                    "the operator {symbol} calls {}: {}",
                    op.function,
                    why.unwrap_or_default()
                )),
            ),
        })
        .fold((Level::ReadOnly, None), worse)
}

/// Judges a cast to the type `schema.name` (schema optional): the CHECK
/// constraints of a domain of that name, and user casts into it.
pub(super) fn cast(schema: Option<&str>, name: &str, catalog: Option<&Catalog>) -> Judged {
    match catalog {
        Some(catalog) => cast_into(schema, name, catalog, None),
        None => (Level::ReadOnly, None),
    }
}

/// [`cast`], leaving out the casts carried out by the routine `except` (a
/// cast function returns its target type without casting to it again).
fn cast_into(schema: Option<&str>, name: &str, catalog: &Catalog, except: Option<u32>) -> Judged {
    let code = &catalog.code;
    let matches = |s: &str, n: &str| {
        n == name && schema.map_or_else(|| code.on_search_path(s), |q| code.names_schema(q, s))
    };
    let domains = code
        .domains
        .iter()
        .filter(|d| matches(&d.schema, &d.name))
        .map(|d| domain(&d.schema, &d.name, catalog));
    let casts = code
        .casts
        .iter()
        .filter(|c| matches(&c.schema, &c.target) && Some(c.function.oid) != except)
        .map(|c| match function(&c.function, catalog) {
            (Level::ReadOnly, _) => (Level::ReadOnly, None),
            (level, why) => (
                level.max(Level::Write),
                Some(format!(
                    "the cast to {}.{} calls {}: {}",
                    c.schema,
                    c.target,
                    c.function,
                    why.unwrap_or_default()
                )),
            ),
        });
    domains.chain(casts).fold((Level::ReadOnly, None), worse)
}

/// Judges a name that may be a type's written anywhere (a column type in a
/// function's alias list, `XMLTABLE` columns…): when it names a domain or
/// the target of a user cast, converting to it runs that code.
pub(super) fn type_mention(name: &str, catalog: Option<&Catalog>) -> Option<Judged> {
    let code = &catalog?.code;
    let named =
        code.domains.iter().any(|d| d.name == name) || code.casts.iter().any(|c| c.target == name);
    named.then(|| cast(None, name, catalog))
}

/// Judges the CHECK constraints of the domain `schema.name` and of the
/// domains it is based on.
fn domain(schema: &str, name: &str, catalog: &Catalog) -> Judged {
    memoised(format!("domain {schema}.{name}"), || {
        let Some(d) = catalog
            .code
            .domains
            .iter()
            .find(|d| d.schema == schema && d.name == name)
        else {
            return (Level::ReadOnly, None);
        };
        let what = format!("a CHECK of the domain {schema}.{name}");
        let checks = d.checks.iter().map(|check| {
            let expr = check
                .trim()
                .trim_end_matches("NOT VALID")
                .trim()
                .strip_prefix("CHECK")
                .unwrap_or(check);
            verify_sql(&format!("SELECT {expr}"), Dialect::Postgres, catalog, &what)
        });
        let base = d.base.iter().map(|(s, n)| domain(s, n, catalog));
        checks.chain(base).fold((Level::ReadOnly, None), worse)
    })
}

/// Judges reading the relation `schema.name` (schema optional): a view's
/// definition; the read policies of a table with row-level security, the
/// user functions of its indexes' operator classes (an index scan calls
/// them), and its partitions and inheritance children, read with it.
pub(super) fn relation(
    schema: Option<&str>,
    name: &str,
    dialect: Dialect,
    catalog: Option<&Catalog>,
) -> Judged {
    let Some(catalog) = catalog else {
        return (Level::ReadOnly, None);
    };
    let code = &catalog.code;
    if let Some(other) = schema.filter(|s| dialect == Dialect::Mysql && !mysql_read(s, code)) {
        return ask(format!(
            "{other}.{name} is in the database {other}, whose views and functions glance has \
             not read: a view there may run code that has effects"
        ));
    }
    catalog
        .relations
        .iter()
        .filter(|r| {
            // SQLite compares names without regard to ASCII case.
            let same_name = match dialect {
                Dialect::Postgres => r.name == name,
                Dialect::Sqlite | Dialect::Mysql => r.name.eq_ignore_ascii_case(name),
            };
            // An unquoted MySQL database name is lower-cased by `split_name`
            // but may be written in capitals on the server: match either.
            let same_schema = |s: &str| match dialect {
                Dialect::Mysql => s.eq_ignore_ascii_case(&r.schema),
                Dialect::Postgres | Dialect::Sqlite => code.names_schema(s, &r.schema),
            };
            same_name && schema.map_or_else(|| code.on_search_path(&r.schema), same_schema)
        })
        .map(|r| read_relation(&r.schema, &r.name, r.kind, dialect, catalog))
        .fold((Level::ReadOnly, None), worse)
}

/// Whether MySQL database `schema` is one whose relations glance can
/// judge: the connected database, which introspection read, or the
/// server's own `information_schema` and `performance_schema`, which hold
/// no user views.
fn mysql_read(schema: &str, code: &crate::catalog::Code) -> bool {
    let connected = code.search_path.as_deref().unwrap_or_default();
    ["information_schema", "performance_schema"]
        .iter()
        .copied()
        .chain(connected.iter().map(String::as_str))
        .any(|known| known.eq_ignore_ascii_case(schema))
}

fn read_relation(
    schema: &str,
    name: &str,
    kind: RelationKind,
    dialect: Dialect,
    catalog: &Catalog,
) -> Judged {
    memoised(format!("relation {schema}.{name}"), || {
        if kind == RelationKind::ForeignTable {
            return ask(format!(
                "{schema}.{name} is a foreign table: reading it runs its foreign-data wrapper, which glance cannot read"
            ));
        }
        if kind == RelationKind::View {
            let definition = catalog
                .relations
                .iter()
                .find(|r| r.schema == schema && r.name == name)
                .and_then(|r| r.definition.as_deref());
            return match definition {
                Some(sql) => {
                    verify_sql(sql, dialect, catalog, &format!("the view {schema}.{name}"))
                }
                None => ask(format!(
                    "the view {schema}.{name} has no definition glance can read"
                )),
            };
        }
        let policies = catalog
            .code
            .policies
            .iter()
            .filter(|p| p.schema == schema && p.table == name)
            .filter_map(|p| {
                let using = p.using.as_deref()?;
                let what = format!(
                    "the row-level security policy {} on {schema}.{name}",
                    p.name
                );
                Some(verify_sql(
                    &format!("SELECT {using}"),
                    Dialect::Postgres,
                    catalog,
                    &what,
                ))
            });
        let indexes = catalog
            .code
            .index_code
            .iter()
            .filter(|x| x.schema == schema && x.table == name)
            .flat_map(|x| {
                x.functions.iter().map(|f| {
                    let what = format!(
                        "an index on {schema}.{name} uses the operator class {}, which calls {f}",
                        x.opclass
                    );
                    explained(function(f, catalog), &what)
                })
            });
        let children = catalog
            .code
            .children
            .iter()
            .filter(|c| c.schema == schema && c.table == name)
            .map(|c| {
                let what = format!("{schema}.{name} reads its partition or child table");
                explained(
                    descendant(&c.child_schema, &c.child, dialect, catalog),
                    &what,
                )
            });
        policies
            .chain(indexes)
            .chain(children)
            .fold((Level::ReadOnly, None), worse)
    })
}

/// Judges reading a partition or inheritance child: like any relation, and
/// asking when glance does not know it (another session's temporary table,
/// which the server skips, excepted).
fn descendant(schema: &str, name: &str, dialect: Dialect, catalog: &Catalog) -> Judged {
    let known = catalog
        .relations
        .iter()
        .find(|r| r.schema == schema && r.name == name);
    match known {
        Some(r) => read_relation(&r.schema, &r.name, r.kind, dialect, catalog),
        None if schema.starts_with("pg_temp_") && !catalog.code.on_search_path(schema) => {
            (Level::ReadOnly, None)
        }
        None => ask(format!("{schema}.{name} is not a relation glance knows")),
    }
}

/// Judges `key`, a function that reads relations named at run time: every
/// relation in the catalog must be a verified read.
fn every_relation(key: &str, catalog: &Catalog) -> Judged {
    let judged = catalog
        .relations
        .iter()
        .map(|r| read_relation(&r.schema, &r.name, r.kind, Dialect::Postgres, catalog))
        .fold((Level::ReadOnly, None), worse);
    match judged {
        (Level::ReadOnly, _) => judged,
        (level, why) => (
            level,
            Some(format!(
                "{key} reads relations named at run time, and {}",
                why.unwrap_or_default()
            )),
        ),
    }
}
