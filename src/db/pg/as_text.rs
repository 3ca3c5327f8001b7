//! Columns read as text instead of binary: `aclitem` has no binary output
//! at all (so `select relacl from pg_class` failed), the binary form of
//! `regclass`, `regtype` and the other reg* types is only an OID where a
//! person wants the name, and glance does not decode the binary forms of
//! the geometric types other than point, of tsvector/tsquery, tid and
//! snapshots. A query with such columns is prepared again as
//! `SELECT q.c1 AS "name", q.c2::pg_catalog.text AS "relacl" … FROM (query) AS q(c1, c2 …)`,
//! which keeps every column's name and order; their type is then `text`.
//! Only statements that start with SELECT, VALUES or TABLE are wrapped, as
//! those are always valid in a subquery.

use postgres::Column;
use postgres::types::{Kind, Type};

use crate::ident::quote_ident_always;

/// Whether a column of type `ty` is better read as text.
fn needs_text(ty: &Type) -> bool {
    let element = match ty.kind() {
        Kind::Array(element) => element,
        _ => ty,
    };
    [
        Type::ACLITEM,
        Type::LINE,
        Type::LSEG,
        Type::BOX,
        Type::PATH,
        Type::POLYGON,
        Type::CIRCLE,
        Type::TS_VECTOR,
        Type::TSQUERY,
        Type::GTS_VECTOR,
        Type::TID,
        Type::TXID_SNAPSHOT,
        Type::PG_SNAPSHOT,
        Type::REGCLASS,
        Type::REGTYPE,
        Type::REGPROC,
        Type::REGPROCEDURE,
        Type::REGOPER,
        Type::REGOPERATOR,
        Type::REGNAMESPACE,
        Type::REGROLE,
        Type::REGCONFIG,
        Type::REGDICTIONARY,
        Type::REGCOLLATION,
    ]
    .contains(element)
}

/// `sql` wrapped so that its columns that [`needs_text`] come back as text,
/// or `None` when no column needs it or the statement cannot be wrapped.
pub fn wrapped(sql: &str, columns: &[Column]) -> Option<String> {
    if !columns.iter().any(|c| needs_text(c.type_())) {
        return None;
    }
    let first = super::control::leading_words(sql, 1);
    if !matches!(
        first.first().map(String::as_str),
        Some("SELECT" | "VALUES" | "TABLE")
    ) {
        return None;
    }
    let inner = sql.trim_end().trim_end_matches(';').trim_end();
    let list: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, column)| {
            let cast = if needs_text(column.type_()) {
                "::pg_catalog.text"
            } else {
                ""
            };
            format!("q.c{i}{cast} AS {}", quote_ident_always(column.name()))
        })
        .collect();
    let aliases: Vec<String> = (0..columns.len()).map(|i| format!("c{i}")).collect();
    // The newline ends a trailing `--` comment before the closing parenthesis.
    Some(format!(
        "SELECT {} FROM ({inner}\n) AS q({})",
        list.join(", "),
        aliases.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reg_and_acl_types_and_their_arrays_need_text() {
        assert!(needs_text(&Type::ACLITEM));
        assert!(needs_text(&Type::ACLITEM_ARRAY));
        assert!(needs_text(&Type::REGCLASS));
        assert!(needs_text(&Type::REGTYPE_ARRAY));
        assert!(!needs_text(&Type::OID));
        assert!(!needs_text(&Type::TEXT_ARRAY));
    }
}
