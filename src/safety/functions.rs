//! Policy lists for built-in functions, system relations and SQLite
//! pragmas: which names are known readers, which write, which reach outside
//! the database, and which system relations hold secrets.
//!
//! Invariant: a name on no list is never read-only by default. A built-in
//! function on no list is a write unless the catalog records a built-in
//! (`pg_catalog`, OID below 16384) of that name as immutable or stable;
//! `pg_`-prefixed and `pg_catalog`-qualified names not on a list are writes
//! whatever the catalog says. User and extension functions are not judged
//! here but verified by reading them (see `verify`).

use super::Level;
use crate::catalog::{Catalog, Volatility};
use crate::db::Dialect;

/// Functions that reach outside the database, into other sessions or into the
/// server's files: exact name and what it does.
const DESTRUCTIVE: &[(&str, &str)] = &[
    ("pg_stat_file", "inspects server files"),
    ("pg_logdir_ls", "lists server directories"),
    ("lo_import", "reads a server file into the database"),
    ("lo_export", "writes a server file"),
    ("lo_unlink", "deletes a large object"),
    ("pg_terminate_backend", "ends another session"),
    ("pg_cancel_backend", "cancels another session's query"),
    ("pg_reload_conf", "reloads the server configuration"),
    ("pg_rotate_logfile", "rotates the server log"),
    ("pg_promote", "promotes a standby server"),
    ("pg_switch_wal", "forces a WAL switch"),
    ("pg_switch_xlog", "forces a WAL switch"),
    ("pg_backup_start", "starts a server backup"),
    ("pg_backup_stop", "stops a server backup"),
    ("pg_start_backup", "starts a server backup"),
    ("pg_stop_backup", "stops a server backup"),
    ("pg_wal_replay_pause", "pauses WAL replay"),
    ("pg_wal_replay_resume", "resumes WAL replay"),
    ("pg_drop_replication_slot", "drops a replication slot"),
    ("pg_log_backend_memory_contexts", "writes to the server log"),
    ("query_to_xml", "runs SQL given as text"),
    ("query_to_xmlschema", "runs SQL given as text"),
    ("query_to_xml_and_xmlschema", "runs SQL given as text"),
    ("cursor_to_xml", "reads from an open cursor"),
    ("cursor_to_xmlschema", "reads from an open cursor"),
    ("ts_stat", "runs SQL given as text"),
    ("ts_rewrite", "can run SQL given as text"),
    ("http", "reaches a remote server"),
    ("http_get", "reaches a remote server"),
    ("http_post", "reaches a remote server"),
    ("http_put", "reaches a remote server"),
    ("http_patch", "reaches a remote server"),
    ("http_delete", "reaches a remote server"),
    ("http_head", "reaches a remote server"),
    // SQLite: extension loading and the shell's file functions.
    ("load_extension", "loads native code"),
    ("readfile", "reads files"),
    ("writefile", "writes files"),
    ("lsdir", "lists directories"),
    ("fsdir", "lists directories"),
    ("edit", "starts an editor"),
    ("fts3_tokenizer", "can load native code"),
    ("zipfile", "reads files"),
];

/// Name prefixes of functions in the same class as [`DESTRUCTIVE`].
const DESTRUCTIVE_PREFIXES: &[(&str, &str)] = &[
    ("pg_read_", "reads server files"),
    ("pg_ls_", "lists server directories"),
    ("pg_file_", "changes server files"),
    ("dblink", "reaches another database"),
    ("pg_replication_", "changes replication state"),
    ("pg_create_", "changes server state"),
    ("pg_copy_", "changes replication state"),
    ("pg_stat_reset", "discards the server's statistics"),
    ("pg_logical_", "changes replication state"),
];

/// Functions that change state that a rollback or a read-only transaction
/// does not fully undo or refuse.
const WRITE: &[(&str, &str)] = &[
    ("nextval", "advances a sequence"),
    ("setval", "sets a sequence"),
    ("set_config", "changes a setting"),
    ("setseed", "changes the session's random seed"),
    ("pg_notify", "sends a notification"),
    ("pg_sleep", "holds the session"),
    ("pg_sleep_for", "holds the session"),
    ("pg_sleep_until", "holds the session"),
    ("txid_current", "assigns a transaction id"),
    ("pg_current_xact_id", "assigns a transaction id"),
    ("pg_export_snapshot", "exports a snapshot"),
    ("pg_import_system_collations", "creates collations"),
    ("lo_create", "creates a large object"),
    ("lo_creat", "creates a large object"),
    ("lo_from_bytea", "creates a large object"),
    ("lo_open", "opens a large object"),
    ("lo_close", "closes a large object"),
    ("lo_put", "writes a large object"),
    ("lo_write", "writes a large object"),
    ("lowrite", "writes a large object"),
    ("loread", "reads an open large object"),
    ("lo_truncate", "truncates a large object"),
    ("lo_lseek", "moves in an open large object"),
    ("lo_tell", "reads an open large object's position"),
    ("lo_lseek64", "moves in an open large object"),
    ("lo_tell64", "reads an open large object's position"),
    ("lo_truncate64", "truncates a large object"),
    // SQLite: the one table-valued pragma that writes (statistics).
    ("pragma_optimize", "runs ANALYZE where it helps"),
];

/// Name prefixes of functions in the same class as [`WRITE`].
const WRITE_PREFIXES: &[(&str, &str)] = &[
    (
        "pg_advisory_",
        "takes or releases an advisory lock that outlives the transaction",
    ),
    (
        "pg_try_advisory_",
        "takes an advisory lock that outlives the transaction",
    ),
];

/// Name prefixes of known read-only functions.
const READ_PREFIXES: &[&str] = &["pg_stat_get_", "pragma_"];

/// Functions both dialects share or that are harmless in either: aggregates,
/// window functions, math, strings, dates, JSON and arrays.
#[rustfmt::skip]
const READ_ONLY: &[&str] = &[
    // aggregates
    "avg", "count", "sum", "min", "max", "array_agg", "string_agg", "bool_and", "bool_or",
    "every", "bit_and", "bit_or", "bit_xor", "json_agg", "jsonb_agg", "json_object_agg",
    "jsonb_object_agg", "json_agg_strict", "jsonb_agg_strict", "json_object_agg_strict",
    "jsonb_object_agg_strict", "json_object_agg_unique", "jsonb_object_agg_unique",
    "json_objectagg", "json_arrayagg", "xmlagg", "stddev", "stddev_pop", "stddev_samp",
    "variance", "var_pop", "var_samp", "corr", "covar_pop", "covar_samp", "regr_avgx",
    "regr_avgy", "regr_count", "regr_intercept", "regr_r2", "regr_slope", "regr_sxx",
    "regr_sxy", "regr_syy", "mode", "percentile_cont", "percentile_disc", "grouping",
    "any_value", "range_agg", "range_intersect_agg", "total", "group_concat", "median",
    // window functions
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile", "lag", "lead",
    "first_value", "last_value", "nth_value",
    // conditionals and SQL special forms
    "coalesce", "nullif", "greatest", "least", "num_nulls", "num_nonnulls", "ifnull", "iif",
    "row", "array", "current_date", "current_time", "current_timestamp", "localtime",
    "localtimestamp", "current_user", "session_user", "user", "current_role",
    "current_catalog", "current_schema", "current_schemas", "current_database",
    "system_user",
    // math
    "abs", "cbrt", "ceil", "ceiling", "degrees", "div", "exp", "factorial", "floor", "gcd",
    "lcm", "ln", "log", "log10", "log2", "min_scale", "mod", "pi", "power", "pow", "radians",
    "round", "scale", "sign", "sqrt", "trim_scale", "trunc", "width_bucket", 
    "acos", "acosd", "asin", "asind", "atan", "atand", "atan2", "atan2d",
    "cos", "cosd", "cot", "cotd", "sin", "sind", "tan", "tand", "sinh", "cosh", "tanh",
    "asinh", "acosh", "atanh", "erf", "erfc", "gamma", "lgamma",
    // strings and bytes
    "ascii", "bit_length", "btrim", "char_length", "character_length", "chr", "char",
    "concat", "concat_ws", "convert", "convert_from", "convert_to", "decode", "encode",
    "format", "initcap", "left", "length", "lower", "lpad", "ltrim", "md5", "normalize",
    "octet_length", "overlay", "parse_ident", "position", "quote_ident", "quote_literal",
    "quote_nullable", "regexp_count", "regexp_instr", "regexp_like", "regexp_match",
    "regexp_matches", "regexp_replace", "regexp_split_to_array", "regexp_split_to_table",
    "regexp_substr", "repeat", "replace", "reverse", "right", "rpad", "rtrim", "split_part",
    "starts_with", "string_to_array", "string_to_table", "strpos", "substr", "substring",
    "to_ascii", "to_hex", "to_bin", "to_oct", "translate", "trim", "upper", "unistr",
    "casefold", "sha224", "sha256", "sha384", "sha512", "crc32", "crc32c", "get_byte",
    "get_bit", "set_byte", "set_bit", "bit_count", "text", "instr", "hex", "unhex", "quote",
    "printf", "soundex", "unicode", "glob", "like", "likelihood", "likely", "unlikely",
    "zeroblob", "typeof",
    // uuids
    "uuid_extract_timestamp", "uuid_extract_version",
    // formatting, dates and times
    "to_char", "to_date", "to_number", "to_timestamp", "age", "date_add",
    "date_bin", "date_part", "date_subtract", "date_trunc", "extract", "isfinite",
    "justify_days", "justify_hours", "justify_interval", "make_date", "make_interval",
    "make_time", "make_timestamp", "make_timestamptz", "now", "statement_timestamp",
    "transaction_timestamp", "timezone", "overlaps", "date", "time", "datetime",
    "julianday", "unixepoch", "strftime", "timediff",
    // JSON
    "to_json", "to_jsonb", "array_to_json", "row_to_json", "json_build_array",
    "jsonb_build_array", "json_build_object", "jsonb_build_object", "json_object",
    "jsonb_object", "json_array_elements", "jsonb_array_elements", "json_array_elements_text",
    "jsonb_array_elements_text", "json_array_length", "jsonb_array_length", "json_each",
    "jsonb_each", "json_each_text", "jsonb_each_text", "json_extract_path",
    "jsonb_extract_path", "json_extract_path_text", "jsonb_extract_path_text",
    "json_object_keys", "jsonb_object_keys", "json_populate_record", "jsonb_populate_record",
    "jsonb_populate_record_valid", "json_populate_recordset", "jsonb_populate_recordset",
    "json_to_record", "jsonb_to_record", "json_to_recordset", "jsonb_to_recordset",
    "json_strip_nulls", "jsonb_strip_nulls", "jsonb_set", "jsonb_set_lax", "jsonb_insert",
    "jsonb_pretty", "json_typeof", "jsonb_typeof", "jsonb_path_exists", "jsonb_path_match",
    "jsonb_path_query", "jsonb_path_query_array", "jsonb_path_query_first",
    "jsonb_path_exists_tz", "jsonb_path_match_tz", "jsonb_path_query_tz",
    "jsonb_path_query_array_tz", "jsonb_path_query_first_tz", "json_scalar", "json_serialize",
    "json_array", "json_exists", "json_query", "json_value", "json", "jsonb",
    "json_extract", "jsonb_extract", "json_insert", "json_patch", "json_remove",
    "json_replace", "json_set", "json_type", "json_valid", "json_quote", "json_group_array",
    "json_group_object", "json_tree", "json_error_position", "json_pretty", "jsonb_array",
    "jsonb_group_array", "jsonb_group_object", "jsonb_patch", "jsonb_remove",
    "jsonb_replace",
    // full-text search
    "to_tsvector", "to_tsquery", "plainto_tsquery", "phraseto_tsquery", "websearch_to_tsquery",
    "ts_rank", "ts_rank_cd", "ts_headline", "setweight", "strip", "tsvector_to_array",
    "array_to_tsvector", "numnode", "querytree", "ts_debug", "ts_lexize", "ts_parse",
    "ts_token_type", "ts_delete", "ts_filter", "get_current_ts_config", "highlight", "snippet",
    "bm25",
    // arrays and set-returning helpers
    "array_append", "array_cat", "array_dims", "array_fill", "array_length", "array_lower",
    "array_ndims", "array_position", "array_positions", "array_prepend", "array_remove",
    "array_replace", "array_reverse", "array_sort",
    "array_to_string", "array_upper", "cardinality", "trim_array", "unnest",
    "generate_series", "generate_subscripts",
    // ranges
    "isempty", "lower_inc", "upper_inc", "lower_inf", "upper_inf", "range_merge",
    "multirange", "int4range", "int8range", "numrange", "tsrange", "tstzrange", "daterange",
    "int4multirange", "int8multirange", "nummultirange", "tsmultirange", "tstzmultirange",
    "datemultirange",
    // network and geometry
    "host", "hostmask", "masklen", "netmask", "network", "family", "broadcast", "abbrev",
    "inet_merge", "inet_same_family", "set_masklen", "area", "center", "diameter", "height",
    "width", "npoints", "pclose", "popen", "point", "box", "circle", "line", "lseg", "path",
    "polygon", "radius", "slope", "isclosed", "isopen", "bound_box",
    // XML
    "xmlcomment", "xmlconcat", "xmlelement", "xmlforest", "xmlpi", "xmlroot", "xmlparse",
    "xmlserialize", "xpath", "xpath_exists", "xml_is_well_formed",
    "xml_is_well_formed_document", "xml_is_well_formed_content", "xmltext",
    // type-named conversions
    "int2", "int4", "int8", "float4", "float8", "numeric", "bool", "varchar", "bpchar",
    "timestamp", "timestamptz", "timetz", "bytea", "inet", "cidr", "macaddr", "uuid", "oid",
    "money", "interval", "regclass", "regtype", "regproc", "regnamespace", "regrole",
    // SQLite extras
    "if", "percentile",
    // SQLite informational
    "last_insert_rowid", "changes", "total_changes", "sqlite_version", "sqlite_source_id",
    "sqlite_compileoption_get", "sqlite_compileoption_used", "sqlite_offset",
];

/// PostgreSQL informational functions, mostly from `pg_catalog`.
#[rustfmt::skip]
const PG_READ_ONLY: &[&str] = &[
    "pg_typeof", "current_setting", "version", "pg_size_pretty", "pg_size_bytes",
    "pg_relation_size", "pg_total_relation_size", "pg_table_size", "pg_indexes_size",
    "pg_database_size", "pg_tablespace_size", "pg_column_size", "format_type",
    "has_table_privilege", "has_column_privilege", "has_schema_privilege",
    "has_database_privilege", "has_function_privilege", "has_sequence_privilege",
    "has_any_column_privilege", "has_tablespace_privilege", "has_type_privilege",
    "has_language_privilege", "has_foreign_data_wrapper_privilege", "has_server_privilege",
    "has_parameter_privilege", "pg_has_role", "row_security_active", "obj_description",
    "col_description", "shobj_description", "pg_get_viewdef", "pg_get_indexdef",
    "pg_get_constraintdef", "pg_get_functiondef", "pg_get_function_arguments",
    "pg_get_function_identity_arguments", "pg_get_function_result", "pg_get_triggerdef",
    "pg_get_ruledef", "pg_get_expr", "pg_get_keywords", "pg_get_serial_sequence",
    "pg_get_userbyid", "pg_get_statisticsobjdef", "pg_get_partkeydef",
    "pg_get_partition_constraintdef", "pg_table_is_visible", "pg_type_is_visible",
    "pg_function_is_visible", "pg_opclass_is_visible", "pg_operator_is_visible",
    "pg_collation_is_visible", "pg_conversion_is_visible", "pg_statistics_obj_is_visible",
    "pg_index_column_has_property", "pg_indexam_has_property", "pg_index_has_property",
    "pg_backend_pid", "pg_postmaster_start_time", "pg_conf_load_time", "pg_is_in_recovery",
    "pg_encoding_to_char", "pg_char_to_encoding", "pg_client_encoding", "inet_client_addr",
    "inet_client_port", "inet_server_addr", "inet_server_port", "pg_my_temp_schema",
    "pg_is_other_temp_schema", "pg_trigger_depth", "pg_jit_available", "pg_blocking_pids",
    "pg_safe_snapshot_blocking_pids", "pg_current_xact_id_if_assigned",
    "txid_current_if_assigned", "pg_current_snapshot", "txid_current_snapshot",
    "pg_snapshot_xmin", "pg_snapshot_xmax", "pg_snapshot_xip", "pg_visible_in_snapshot",
    "pg_xact_status", "txid_snapshot_xmin", "txid_snapshot_xmax",
    "txid_visible_in_snapshot", "to_regclass", "to_regproc", "to_regprocedure", "to_regtype",
    "to_regnamespace", "to_regrole", "to_regoper", "to_regoperator", "to_regcollation",
    "to_regtypemod", "pg_relation_filenode", "pg_relation_filepath", "pg_filenode_relation",
    "pg_tablespace_location", "pg_tablespace_databases", "pg_options_to_table",
    "pg_settings_get_flags", "pg_get_catalog_foreign_keys", "pg_describe_object",
    "pg_identify_object", "pg_identify_object_as_address", "pg_get_object_address",
    "pg_input_is_valid", "pg_input_error_info", "pg_column_compression",
    "pg_column_toast_chunk_id", "pg_partition_tree", "pg_partition_ancestors",
    "pg_partition_root", "pg_collation_actual_version", "pg_database_collation_actual_version",
    "pg_sequence_last_value", "pg_last_committed_xact", "pg_control_checkpoint",
    "pg_control_system", "pg_control_init", "pg_control_recovery", "pg_available_extensions",
    "pg_available_extension_versions", "pg_listening_channels",
    "pg_notification_queue_usage", "pg_is_wal_replay_paused", "pg_get_wal_replay_pause_state",
    "pg_last_wal_receive_lsn", "pg_last_wal_replay_lsn", "pg_last_xact_replay_timestamp",
    "pg_wal_lsn_diff", "pg_walfile_name", "pg_walfile_name_offset", "pg_current_wal_lsn",
    "pg_current_wal_insert_lsn", "pg_current_wal_flush_lsn", "pg_show_all_settings",
    "pg_timezone_names", "pg_timezone_abbrevs", "pg_cursor", "pg_prepared_statement",
    "pg_prepared_xact", "pg_lock_status", "pg_get_backend_memory_contexts",
    "pg_get_shmem_allocations", "pg_event_trigger_ddl_commands",
    "pg_column_is_updatable", "pg_relation_is_updatable",
    "pg_get_replica_identity_index", "pg_mcv_list_items", "pg_get_acl",
    "acldefault", "aclexplode", "makeaclitem",
    "table_to_xmlschema", "schema_to_xmlschema", "database_to_xmlschema",
];

/// Built-in functions that read relations named at run time (one, a
/// schema's, or the whole database's), running whatever views and
/// row-level security policies those hold.
pub(super) const READS_RELATIONS: &[&str] = &[
    "table_to_xml",
    "table_to_xml_and_xmlschema",
    "schema_to_xml",
    "schema_to_xml_and_xmlschema",
    "database_to_xml",
    "database_to_xml_and_xmlschema",
];

/// System relations whose rows are secrets or the server's files: reading
/// them asks. Each with what it shows.
const SECRET_RELATIONS: &[(&str, &str)] = &[
    ("pg_authid", "holds password hashes"),
    ("pg_shadow", "holds password hashes"),
    ("pg_user_mapping", "holds foreign-server passwords"),
    ("pg_user_mappings", "holds foreign-server passwords"),
    (
        "pg_subscription",
        "holds replication connection strings with passwords",
    ),
    ("pg_hba_file_rules", "reads the server's pg_hba.conf"),
    ("pg_ident_file_mappings", "reads the server's pg_ident.conf"),
    ("pg_file_settings", "reads the server's configuration files"),
    (
        "pg_statistic",
        "holds values sampled from every table's rows",
    ),
    (
        "pg_statistic_ext_data",
        "holds values sampled from every table's rows",
    ),
    (
        "pg_largeobject",
        "holds every large object's data, whoever owns it",
    ),
    ("user_mapping_options", "holds foreign-server passwords"),
];

/// SQLite pragmas that only report, when called without an argument.
#[rustfmt::skip]
const PRAGMA_READ: &[&str] = &[
    "database_list", "collation_list", "function_list", "module_list", "pragma_list",
    "compile_options",
    "user_version", "schema_version", "application_id", "foreign_keys", "journal_mode",
    "page_size", "page_count", "freelist_count", "encoding", "cache_size", "busy_timeout",
    "synchronous", "auto_vacuum", "query_only", "recursive_triggers", "temp_store",
    "data_version", "max_page_count", "legacy_alter_table", "locking_mode", "mmap_size",
    "secure_delete", "automatic_index", "cell_size_check", "defer_foreign_keys",
    "ignore_check_constraints", "reverse_unordered_selects", "trusted_schema",
    "wal_autocheckpoint", "soft_heap_limit", "hard_heap_limit", "threads", "analysis_limit",
    "case_sensitive_like", "cache_spill", "checkpoint_fullfsync", "fullfsync",
];

/// SQLite pragmas whose argument names an object to report on.
#[rustfmt::skip]
const PRAGMA_READ_WITH_ARGUMENT: &[&str] = &[
    "table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
    "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check", "table_list",
];

/// Volatile functions (`provolatile = 'v'`) that change nothing: random
/// values, clocks, and reads of session state. The catalog's volatility does
/// not make these ask.
#[rustfmt::skip]
const HARMLESS_VOLATILE: &[&str] = &[
    "random", "random_normal", "clock_timestamp", "timeofday",
    "gen_random_uuid", "uuidv4", "uuidv7", "uuid_generate_v1", "uuid_generate_v1mc",
    "uuid_generate_v4", "current_query", "currval", "lastval", "lo_get", "txid_status",
    "array_shuffle", "array_sample", "randomblob",
];

/// A judgement on one name: the level and, unless harmless, why.
pub(super) type Judged = (Level, Option<String>);

/// Judges a call of `key` (lower-cased unless quoted) by the lists of
/// functions with effects, whatever schema holds it: `None` when it is on
/// none of them.
pub(super) fn judge_listed(key: &str) -> Option<Judged> {
    if let Some(what) = lookup(DESTRUCTIVE, DESTRUCTIVE_PREFIXES, key) {
        return Some((Level::Destructive, Some(format!("{key} {what}"))));
    }
    lookup(WRITE, WRITE_PREFIXES, key).map(|what| (Level::Write, Some(format!("{key} {what}"))))
}

/// Judges a call of the built-in function `key` (not on the lists of
/// [`judge_listed`]). `in_pg_catalog` says the call was qualified with
/// `pg_catalog`; `verified_user` that the name also reaches user functions,
/// all verified.
///
/// Order matters: the catalog's word that a built-in of that name is
/// volatile outranks the reader lists unless the name is a known harmless
/// volatile one; then the reader lists; then the catalog's immutable and
/// stable built-ins, never for `pg_` names.
pub(super) fn judge_builtin(
    key: &str,
    in_pg_catalog: bool,
    dialect: Dialect,
    catalog: Option<&Catalog>,
    verified_user: bool,
) -> Judged {
    let volatility = catalog.and_then(|c| c.functions.get(key).copied());
    let harmless_volatile = HARMLESS_VOLATILE.contains(&key);
    if volatility == Some(Volatility::Volatile) && !harmless_volatile {
        return (
            Level::Write,
            Some(format!(
                "{key} is a volatile function (pg_proc) and may change data"
            )),
        );
    }
    let known_reader = harmless_volatile
        || READ_ONLY.contains(&key)
        || READ_PREFIXES.iter().any(|p| key.starts_with(p))
        || (dialect == Dialect::Postgres && PG_READ_ONLY.contains(&key));
    if known_reader {
        return (Level::ReadOnly, None);
    }
    if in_pg_catalog || key.starts_with("pg_") {
        return (
            Level::Write,
            Some(format!("{key} is not a known read-only system function")),
        );
    }
    match (catalog, volatility) {
        (_, Some(_)) => (Level::ReadOnly, None),
        _ if verified_user => (Level::ReadOnly, None),
        (Some(_), None) => (Level::Write, Some(format!("{key} is not a known function"))),
        (None, None) => (
            Level::Write,
            Some(format!("{key} is not a known read-only function")),
        ),
    }
}

/// Whether a field name `key`, read as `row.key`, may be the call `key(row)`
/// of a volatile built-in (PostgreSQL's attribute notation).
pub(super) fn volatile_builtin(key: &str, catalog: &Catalog) -> bool {
    catalog.functions.get(key) == Some(&Volatility::Volatile) && !HARMLESS_VOLATILE.contains(&key)
}

/// What reading the system relation `key` would show that asks, if it is
/// one of the [`SECRET_RELATIONS`].
pub(super) fn secret_relation(key: &str) -> Option<&'static str> {
    SECRET_RELATIONS
        .iter()
        .find(|(name, _)| *name == key)
        .map(|(_, what)| *what)
}

/// Judges `PRAGMA name`, `PRAGMA name(arg)` or `PRAGMA name = value`.
pub(super) fn judge_pragma(name: &str, has_value: bool, is_assignment: bool) -> Judged {
    let reads = if is_assignment {
        false
    } else if has_value {
        PRAGMA_READ_WITH_ARGUMENT.contains(&name)
    } else {
        PRAGMA_READ.contains(&name) || PRAGMA_READ_WITH_ARGUMENT.contains(&name)
    };
    if reads {
        (Level::ReadOnly, None)
    } else if has_value {
        (
            Level::Write,
            Some(format!("PRAGMA {name} with a value changes a setting")),
        )
    } else {
        (
            Level::Write,
            Some(format!("PRAGMA {name} is not a known read-only pragma")),
        )
    }
}

fn lookup(
    exact: &[(&str, &'static str)],
    prefixes: &[(&str, &'static str)],
    key: &str,
) -> Option<&'static str> {
    exact
        .iter()
        .find(|(name, _)| *name == key)
        .or_else(|| prefixes.iter().find(|(p, _)| key.starts_with(p)))
        .map(|(_, what)| *what)
}
