//! Calls on MySQL and MariaDB: which built-in functions only compute, which
//! change state a rollback does not undo (user locks, sequences, the
//! session's `LAST_INSERT_ID`), which reach the server's files, and how a
//! stored function is verified by reading its body.
//!
//! Invariant: a name on no list is never read-only. An unqualified name on
//! the allow-list is the built-in (MySQL resolves a built-in's name before a
//! stored function's, and refuses loadable functions that take a
//! built-in's name); any other name must be a stored function of the
//! catalog whose body glance reads as a verified read. The stored labels
//! (`DETERMINISTIC`, `READS SQL DATA`) never vouch for a body; `MODIFIES SQL
//! DATA` makes a call ask whatever the body says.

use sqlparser::ast::{Expr, Function, FunctionArg, FunctionArgExpr, Value};

use super::functions::Judged;
use super::{Level, last_part, settings, verify};
use crate::catalog::{Catalog, Routine};
use crate::db::Dialect;

/// The longest `SLEEP(n)`, in seconds, that stays read-only. Neither
/// `SLEEP` nor `BENCHMARK` changes anything; what they can do is hold the
/// session and the server, and the guard's statement timeout bounds a
/// statement whatever it repeats. The literal bounds keep a call from being
/// a deliberate stall that only the timeout ends.
const SLEEP_BOUND: f64 = 1.0;

/// The most `BENCHMARK(n, expr)` repetitions that stay read-only (see
/// [`SLEEP_BOUND`]); `expr` is judged like any other expression.
const BENCHMARK_BOUND: f64 = 1000.0;

/// Built-ins that reach the server's files or run programs.
const DESTRUCTIVE: &[(&str, &str)] = &[
    ("load_file", "reads a file on the database server"),
    ("sys_exec", "runs a program on the database server"),
    ("sys_eval", "runs a program on the database server"),
];

/// Built-ins whose effect outlives a rollback or reaches other sessions.
const WRITE: &[(&str, &str)] = &[
    (
        "get_lock",
        "takes a user lock, which survives a rollback and blocks other sessions",
    ),
    ("release_lock", "releases a user lock"),
    ("release_all_locks", "releases the session's user locks"),
    ("is_free_lock", "probes a user lock other sessions hold"),
    ("is_used_lock", "probes a user lock other sessions hold"),
    ("master_pos_wait", "waits on replication"),
    ("source_pos_wait", "waits on replication"),
    ("master_gtid_wait", "waits on replication"),
    ("wait_for_executed_gtid_set", "waits on replication"),
    ("wait_until_sql_thread_after_gtids", "waits on replication"),
    ("uuid_short", "advances a server-wide counter"),
    ("nextval", "advances a sequence"),
    ("setval", "sets a sequence"),
    (
        "lastval",
        "reads the session's sequence state (asked like NEXTVAL)",
    ),
];

/// Built-in MySQL and MariaDB functions that only compute: strings,
/// numbers, dates, JSON, aggregates and window functions, conversions,
/// conditionals, hashing, spatial functions and reads of session facts.
#[rustfmt::skip]
const READ_ONLY: &[&str] = &[
    // aggregates and window functions
    "avg", "bit_and", "bit_or", "bit_xor", "count", "group_concat", "json_arrayagg",
    "json_objectagg", "max", "min", "std", "stddev", "stddev_pop", "stddev_samp", "sum",
    "var_pop", "var_samp", "variance", "any_value", "grouping", "cume_dist", "dense_rank",
    "first_value", "lag", "last_value", "lead", "nth_value", "ntile", "percent_rank", "rank",
    "row_number", "percentile_cont", "percentile_disc", "median",
    // conditionals and conversions
    "if", "ifnull", "nullif", "coalesce", "isnull", "interval", "nvl", "nvl2", "greatest",
    "least", "cast", "convert", "binary", "charset", "coercibility", "collation", "default",
    "values", "name_const",
    // strings
    "ascii", "bin", "bit_length", "char", "chr", "char_length", "character_length", "concat",
    "concat_ws", "elt", "export_set", "field", "find_in_set", "format", "from_base64", "hex",
    "insert", "instr", "lcase", "left", "length", "lengthb", "locate", "lower", "lpad",
    "ltrim", "make_set", "mid", "oct", "octet_length", "ord", "position", "quote",
    "regexp_instr", "regexp_like", "regexp_replace", "regexp_substr", "repeat", "replace",
    "reverse", "right", "rpad", "rtrim", "soundex", "space", "strcmp", "substr", "substring",
    "substring_index", "to_base64", "trim", "ucase", "unhex", "upper", "weight_string",
    "sformat", "natural_sort_key", "to_char", "format_bytes", "format_pico_time",
    // numbers
    "abs", "acos", "asin", "atan", "atan2", "ceil", "ceiling", "conv", "cos", "cot", "crc32",
    "degrees", "div", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi", "pow",
    "power", "radians", "rand", "round", "sign", "sin", "sqrt", "tan", "truncate",
    "bit_count",
    // dates and times
    "adddate", "addtime", "add_months", "convert_tz", "curdate", "current_date",
    "current_time", "current_timestamp", "curtime", "date", "date_add", "date_format",
    "date_sub", "datediff", "day", "dayname", "dayofmonth", "dayofweek", "dayofyear",
    "extract", "from_days", "from_unixtime", "get_format", "hour", "last_day", "localtime",
    "localtimestamp", "makedate", "maketime", "microsecond", "minute", "month", "monthname",
    "now", "period_add", "period_diff", "quarter", "sec_to_time", "second", "str_to_date",
    "subdate", "subtime", "sysdate", "time", "time_format", "time_to_sec", "timediff",
    "timestamp", "timestampadd", "timestampdiff", "to_days", "to_seconds", "unix_timestamp",
    "utc_date", "utc_time", "utc_timestamp", "week", "weekday", "weekofyear", "year",
    "yearweek",
    // JSON
    "json_array", "json_array_append", "json_array_insert", "json_contains",
    "json_contains_path", "json_depth", "json_extract", "json_insert", "json_keys",
    "json_length", "json_merge", "json_merge_patch", "json_merge_preserve", "json_object",
    "json_overlaps", "json_pretty", "json_quote", "json_remove", "json_replace",
    "json_schema_valid", "json_schema_validation_report", "json_search", "json_set",
    "json_storage_free", "json_storage_size", "json_type", "json_unquote", "json_valid",
    "json_value", "json_compact", "json_detailed", "json_loose", "json_exists", "json_query",
    "json_normalize", "json_equals", "json_key_value", "json_array_intersect",
    "json_object_filter_keys", "json_object_to_array",
    // MariaDB dynamic columns
    "column_get", "column_json", "column_list", "column_exists", "column_check",
    "column_create", "column_add", "column_delete",
    // hashing, encoding and identifiers
    "aes_decrypt", "aes_encrypt", "compress", "uncompress", "uncompressed_length", "md5",
    "sha", "sha1", "sha2", "random_bytes", "statement_digest", "statement_digest_text",
    "uuid", "sys_guid", "uuid_v4", "uuid_v7", "bin_to_uuid", "uuid_to_bin", "is_uuid",
    "inet_aton", "inet_ntoa", "inet6_aton", "inet6_ntoa", "is_ipv4", "is_ipv4_compat",
    "is_ipv4_mapped", "is_ipv6", "validate_password_strength",
    // the session and the server, as facts
    "connection_id", "current_role", "current_user", "database", "schema", "found_rows",
    "row_count", "session_user", "system_user", "user", "version", "icu_version",
    "roles_graphml", "last_insert_id",
    // spatial
    "point", "linestring", "polygon", "multipoint", "multilinestring", "multipolygon",
    "geometrycollection", "st_area", "st_asbinary", "st_asgeojson", "st_astext", "st_aswkb",
    "st_aswkt", "st_buffer", "st_centroid", "st_contains", "st_convexhull", "st_crosses",
    "st_difference", "st_dimension", "st_disjoint", "st_distance", "st_distance_sphere",
    "st_endpoint", "st_envelope", "st_equals", "st_exteriorring", "st_geomfromgeojson",
    "st_geomfromtext", "st_geomfromwkb", "st_geometrytype", "st_intersection",
    "st_intersects", "st_isclosed", "st_isempty", "st_isvalid", "st_length", "st_numpoints",
    "st_overlaps", "st_pointn", "st_srid", "st_startpoint", "st_symdifference", "st_touches",
    "st_union", "st_within", "st_x", "st_y", "st_latitude", "st_longitude",
    "st_pointfromtext", "mbrcontains", "mbrwithin", "mbrintersects", "mbroverlaps",
];

/// Judges a call written in an expression: `SLEEP` and `BENCHMARK` by their
/// literal bound, `LAST_INSERT_ID(expr)` as the write it is, anything else
/// by name (see [`call`]).
pub(super) fn expression_call(f: &Function, args: usize, catalog: Option<&Catalog>) -> Judged {
    let name = last_part(&f.name).to_ascii_lowercase();
    let qualified = f.name.0.len() > 1;
    let first = settings::call_arguments(f).first();
    match name.as_str() {
        "sleep" if !qualified => bounded("SLEEP", first, SLEEP_BOUND, "longer than", "s"),
        "benchmark" if !qualified => bounded(
            "BENCHMARK",
            first,
            BENCHMARK_BOUND,
            "of more than",
            "repetitions",
        ),
        "last_insert_id" if !qualified && args > 0 => (
            Level::Write,
            Some("LAST_INSERT_ID(expr) sets the value the session reports next".into()),
        ),
        _ => call_by_name(f, args, catalog),
    }
}

fn call_by_name(f: &Function, args: usize, catalog: Option<&Catalog>) -> Judged {
    let parts: Vec<String> = f
        .name
        .0
        .iter()
        .filter_map(|p| p.as_ident().map(|i| i.value.clone()))
        .collect();
    match parts.as_slice() {
        [name] => call(None, name, Some(args), catalog),
        [schema, name] => call(Some(schema), name, Some(args), catalog),
        _ => (
            Level::Write,
            Some(format!("{} is not a function glance knows", f.name)),
        ),
    }
}

/// `SLEEP(n)` or `BENCHMARK(n, …)`: read-only when `n` is a number literal
/// no larger than `bound`.
fn bounded(
    what: &str,
    first: Option<&FunctionArg>,
    bound: f64,
    beyond: &str,
    unit: &str,
) -> Judged {
    let literal = match first {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))) => match &v.value {
            Value::Number(n, _) => n.parse::<f64>().ok(),
            _ => None,
        },
        _ => None,
    };
    match literal {
        Some(n) if (0.0..=bound).contains(&n) => (Level::ReadOnly, None),
        Some(_) => (
            Level::Write,
            Some(format!(
                "{what} {beyond} {bound} {unit} holds the server and the session"
            )),
        ),
        None => (
            Level::Write,
            Some(format!(
                "{what} with a computed argument may hold the server and the session"
            )),
        ),
    }
}

/// Judges a call of `name` (as written), qualified with `schema` or not,
/// with `args` arguments.
pub(super) fn call(
    schema: Option<&str>,
    name: &str,
    args: Option<usize>,
    catalog: Option<&Catalog>,
) -> Judged {
    let key = name.to_ascii_lowercase();
    if schema.is_none() {
        if key == "last_insert_id" && args.is_some_and(|n| n > 0) {
            return (
                Level::Write,
                Some("LAST_INSERT_ID(expr) sets the value the session reports next".into()),
            );
        }
        if let Some((_, what)) = DESTRUCTIVE.iter().find(|(n, _)| *n == key) {
            return (Level::Destructive, Some(format!("{key} {what}")));
        }
        if let Some((_, what)) = WRITE.iter().find(|(n, _)| *n == key) {
            return (Level::Write, Some(format!("{key} {what}")));
        }
    }
    let builtin = schema.is_none() && READ_ONLY.contains(&key.as_str());
    let Some(catalog) = catalog else {
        return match builtin {
            true => (Level::ReadOnly, None),
            false => (
                Level::Write,
                Some(format!("{name} is not a known read-only function")),
            ),
        };
    };
    let code = &catalog.code;
    let routines = code.routines.iter().filter(|r| {
        r.function.name.eq_ignore_ascii_case(name)
            && schema.map_or_else(
                || code.on_search_path(&r.function.schema),
                |s| s.eq_ignore_ascii_case(&r.function.schema),
            )
            && args.is_none_or(|n| n >= r.min_args && r.max_args.is_none_or(|max| n <= max))
    });
    // A name on the allow-list that this server does not define (MySQL and
    // MariaDB each lack some) reaches a stored function of that name: every
    // such function must be a verified read too.
    let mut found = false;
    let mut judged = (Level::ReadOnly, None);
    for routine in routines {
        found = true;
        let own = verify_routine(routine, catalog);
        if own.0 > judged.0 {
            judged = own;
        }
    }
    match (found || builtin, judged) {
        (true, judged) => judged,
        (false, _) => (
            Level::Write,
            Some(format!(
                "{name} is not a built-in glance knows as read-only nor a stored function it can read"
            )),
        ),
    }
}

/// Judges `seq.nextval`-style names (MariaDB's Oracle mode reads
/// `name.nextval` as a sequence call): `None` for other names.
pub(super) fn sequence_attribute(last: &str) -> Option<Judged> {
    ["nextval", "currval", "lastval"]
        .iter()
        .any(|n| last.eq_ignore_ascii_case(n))
        .then(|| {
            (
                Level::Write,
                Some(format!(
                    "name.{last} is a sequence call in MariaDB's Oracle mode"
                )),
            )
        })
}

/// The value of a `name=value` setting the catalog records for a routine.
fn setting<'a>(routine: &'a Routine, name: &str) -> Option<&'a str> {
    routine.settings.iter().find_map(|s| {
        let (n, v) = s.split_once('=')?;
        n.eq_ignore_ascii_case(name).then_some(v)
    })
}

/// Judges a stored routine by reading it: a FUNCTION whose body is a
/// `RETURN expr` that is a verified read, unless it declares `MODIFIES SQL
/// DATA`.
fn verify_routine(routine: &Routine, catalog: &Catalog) -> Judged {
    let f = &routine.function;
    let what = format!("{}.{}", f.schema, f.name);
    let ask = |why: String| (Level::Write, Some(why));
    if setting(routine, "kind").is_some_and(|k| !k.eq_ignore_ascii_case("FUNCTION")) {
        return ask(format!("{what} is a procedure, not a function"));
    }
    if setting(routine, "sql_data_access")
        .is_some_and(|a| a.eq_ignore_ascii_case("MODIFIES SQL DATA"))
    {
        return ask(format!("{what} declares MODIFIES SQL DATA"));
    }
    let Some(body) = routine.body.as_deref() else {
        return ask(format!(
            "the body of {what} is not readable with these privileges"
        ));
    };
    let trimmed = body.trim();
    let expression = trimmed
        .get(..6)
        .filter(|w| w.eq_ignore_ascii_case("return"))
        .map(|_| &trimmed[6..])
        .filter(|rest| rest.starts_with(|c: char| c.is_whitespace() || c == '('));
    match expression {
        Some(rest) => verify::mysql_function(
            &format!("function {what}"),
            &format!("SELECT {}", rest.trim_end().trim_end_matches(';')),
            Dialect::Mysql,
            catalog,
            &what,
        ),
        None => ask(format!(
            "the body of {what} is not a single RETURN expression glance can verify"
        )),
    }
}

/// System tables whose rows are secrets: reading them asks.
pub(super) fn secret_relation(schema: Option<&str>, name: &str) -> Option<&'static str> {
    let in_mysql = schema.is_some_and(|s| s.eq_ignore_ascii_case("mysql"));
    match name.to_ascii_lowercase().as_str() {
        "user" | "global_priv" | "password_history" if in_mysql => {
            Some("(in the mysql database), which holds password hashes")
        }
        _ => None,
    }
}
