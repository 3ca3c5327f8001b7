//! The schema tools: `list_tables` and `describe_table` read the session's
//! catalog through the describe commands' own code (`\d`, `\d NAME`);
//! `distinct_values` reads one column's values with glance's own query in
//! the read-only guard, under the privacy rule of `--share-samples`.

use serde_json::json;

use super::rows::{self, Capped};
use super::{Arguments, Limits, Output, Spec, ToolError};
use crate::catalog::RelationKind;
use crate::describe;
use crate::one_line;
use crate::session::Session;

pub(super) fn list_tables_spec() -> Spec {
    Spec {
        name: "list_tables",
        description: "List the tables, views and materialized views, with row estimates and \
                      comments. Optional pattern: psql-style wildcards (* and ?), optionally \
                      schema-qualified, e.g. \"public.order*\".",
        parameters: json!({
            "type": "object",
            "properties": {
                "pattern": {"type": "string", "description": "e.g. \"order*\" or \"sales.*\""}
            },
            "additionalProperties": false
        }),
        read_only: true,
    }
}

pub(super) fn describe_table_spec() -> Spec {
    Spec {
        name: "describe_table",
        description: "Describe one table or view: columns with types, nullability and \
                      defaults, keys, indexes, foreign keys in and out, triggers, comments.",
        parameters: json!({
            "type": "object",
            "properties": {
                "table": {"type": "string", "description": "the name, optionally schema-qualified"}
            },
            "required": ["table"],
            "additionalProperties": false
        }),
        read_only: true,
    }
}

pub(super) fn distinct_values_spec() -> Spec {
    Spec {
        name: "distinct_values",
        description: "The distinct values of one column, most frequent first, to learn how \
                      a category is spelled. Key columns and columns whose names suggest \
                      private data are refused.",
        parameters: json!({
            "type": "object",
            "properties": {
                "table": {"type": "string"},
                "column": {"type": "string"},
                "limit": {"type": "integer", "minimum": 1, "description": "at most this many values (default 20)"}
            },
            "required": ["table", "column"],
            "additionalProperties": false
        }),
        read_only: true,
    }
}

pub(super) fn list_tables(
    session: &mut Session,
    arguments: &Arguments,
    limits: &Limits,
) -> Result<Output, ToolError> {
    let pattern = arguments.optional_text("pattern")?;
    let catalog = session.catalog()?;
    let listed = describe::list_relations(catalog, &RelationKind::ALL, pattern, true);
    let (data, truncated) = rows::description(&listed, *limits);
    Ok(Output {
        data,
        summary: one_line::call("list_tables", pattern.unwrap_or("")),
        truncated,
    })
}

pub(super) fn describe_table(
    session: &mut Session,
    arguments: &Arguments,
    limits: &Limits,
) -> Result<Output, ToolError> {
    let table = arguments.text("table")?;
    session.read_view_definitions(table);
    let details = relation_details(session, table)?;
    let described = describe::relation_with(session.catalog()?, table, true, &details)
        .ok_or_else(|| missing(table))?;
    let (data, truncated) = rows::description(&described, *limits);
    Ok(Output {
        data,
        summary: one_line::call("describe_table", table),
        truncated,
    })
}

/// What `\d NAME` reads for one relation beyond the catalog (triggers,
/// partitions), in the read-only guard; nothing when no relation is named
/// `name`.
pub fn relation_details(
    session: &mut Session,
    name: &str,
) -> Result<describe::Details, crate::db::Error> {
    let dialect = session.info().dialect;
    let Some((schema, table)) = describe::resolve(session.catalog()?, name) else {
        return Ok(describe::Details::default());
    };
    let (_, rows) = session.catalog_query(&describe::details_sql(dialect, &schema, &table))?;
    Ok(describe::details_from_rows(&rows))
}

/// Values returned when the caller names no limit.
const DEFAULT_VALUES: usize = 20;

pub(super) fn distinct_values(
    session: &mut Session,
    arguments: &Arguments,
    limits: &Limits,
) -> Result<Output, ToolError> {
    if !session.settings.share_samples {
        return Err(ToolError::Declined(
            "distinct_values reads the database's values, which this session does not share \
             (start glance with --share-samples to allow it)"
                .into(),
        ));
    }
    let table = arguments.text("table")?;
    let column = arguments.text("column")?;
    let limit = arguments
        .count("limit", limits.max_rows)?
        .unwrap_or(DEFAULT_VALUES.min(limits.max_rows));
    let dialect = session.info().dialect;
    let catalog = session.catalog()?;
    let relation = describe::resolve(catalog, table)
        .and_then(|(schema, name)| {
            catalog
                .relations
                .iter()
                .find(|r| r.schema == schema && r.name == name)
        })
        .ok_or_else(|| missing(table))?;
    let Some(found) = relation
        .columns
        .iter()
        .find(|c| c.name == column)
        .or_else(|| {
            relation
                .columns
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(column))
        })
    else {
        return Err(super::bad(
            "column",
            &format!(
                "\"{}\" has no column \"{}\"",
                crate::escape::visible(&relation.name),
                crate::escape::visible(column)
            ),
        ));
    };
    if relation.private(&found.name) {
        return Err(ToolError::Declined(format!(
            "the values of \"{}\" are not shared: it is a key or its name suggests private data",
            crate::escape::visible(&found.name)
        )));
    }
    let quote = |name: &str| dialect.quote_ident_always(name);
    let sql = format!(
        "SELECT {c} AS value, count(*) AS count FROM {s}.{t} GROUP BY {c} ORDER BY 2 DESC, 1 LIMIT {limit}",
        c = quote(&found.name),
        s = quote(&relation.schema),
        t = quote(&relation.name),
    );
    let (columns, found_rows) = session.catalog_query(&sql)?;
    let mut capped = Capped::new(*limits);
    use crate::db::RowSink;
    capped.columns(&columns);
    capped.rows(found_rows);
    let truncated = capped.truncated;
    Ok(Output {
        data: capped.json(),
        summary: one_line::call("distinct_values", &format!("{table}.{column}")),
        truncated,
    })
}

fn missing(table: &str) -> ToolError {
    super::bad(
        "table",
        &format!(
            "there is no table or view named \"{}\"; list_tables lists them",
            crate::escape::visible(table)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::tests::{call, fail, session};

    #[test]
    fn list_tables_lists_and_filters() {
        let mut session = session();
        let all = call(&mut session, "list_tables", json!({}));
        let names: Vec<&serde_json::Value> = all.data["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["Name"])
            .collect();
        assert_eq!(names, [&json!("customers"), &json!("orders")]);
        let some = call(&mut session, "list_tables", json!({"pattern": "ord*"}));
        assert_eq!(some.data["rows"].as_array().unwrap().len(), 1);
        assert_eq!(some.summary, "list_tables(ord*)");
    }

    #[test]
    fn describe_table_gives_columns_and_sections() {
        let mut session = session();
        let out = call(&mut session, "describe_table", json!({"table": "orders"}));
        let columns: Vec<&serde_json::Value> = out.data["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| &r["Column"])
            .collect();
        assert_eq!(
            columns,
            [&json!("id"), &json!("customer_id"), &json!("status")]
        );
        assert!(
            out.data["sections"]["Foreign-key constraints"].is_array(),
            "{}",
            out.data
        );
        let error = fail(&mut session, "describe_table", json!({"table": "nope"}));
        assert!(
            error
                .to_string()
                .starts_with("argument \"table\": there is no table"),
            "{error}"
        );
        let error = fail(&mut session, "describe_table", json!({}));
        assert_eq!(error.to_string(), "argument \"table\": is required");
        let error = fail(&mut session, "describe_table", json!({"table": 3}));
        assert_eq!(error.to_string(), "argument \"table\": expected a string");
    }

    #[test]
    fn distinct_values_needs_shared_samples_and_keeps_private_columns_private() {
        let mut session = session();
        let error = fail(
            &mut session,
            "distinct_values",
            json!({"table": "orders", "column": "status"}),
        );
        assert!(error.to_string().contains("--share-samples"), "{error}");
        session.settings.share_samples = true;
        let out = call(
            &mut session,
            "distinct_values",
            json!({"table": "orders", "column": "status", "limit": 1}),
        );
        assert_eq!(out.data["rows"], json!([{"value": "paid", "count": 2}]));
        let error = fail(
            &mut session,
            "distinct_values",
            json!({"table": "customers", "column": "email"}),
        );
        assert!(error.to_string().contains("not shared"), "{error}");
        let error = fail(
            &mut session,
            "distinct_values",
            json!({"table": "orders", "column": "id"}),
        );
        assert!(error.to_string().contains("not shared"), "{error}");
        let error = fail(
            &mut session,
            "distinct_values",
            json!({"table": "orders", "column": "nope"}),
        );
        assert!(
            error.to_string().starts_with("argument \"column\""),
            "{error}"
        );
        let error = fail(
            &mut session,
            "distinct_values",
            json!({"table": "orders", "column": "status", "limit": 0}),
        );
        assert!(
            error.to_string().starts_with("argument \"limit\""),
            "{error}"
        );
    }
}
