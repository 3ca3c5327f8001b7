//! Bound values sent in the protocol's text format: the server reads each
//! as the type it inferred for its placeholder (`id = $1` with an integer
//! `id` takes `'42'` as 42), exactly as it reads a literal typed there, so
//! glance need not know the column types. Values never enter the SQL text.

use std::error::Error;

use postgres::types::private::BytesMut;
use postgres::types::{Format, IsNull, ToSql, Type, to_sql_checked};

use crate::db::Param;

/// One value bound as text, or NULL.
#[derive(Debug)]
pub(super) struct TextParam<'a>(Option<&'a str>);

impl ToSql for TextParam<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, Box<dyn Error + Sync + Send>> {
        match self.0 {
            None => Ok(IsNull::Yes),
            Some(text) => {
                out.extend_from_slice(text.as_bytes());
                Ok(IsNull::No)
            }
        }
    }

    /// Any type: the server parses the text as it would a literal.
    fn accepts(_: &Type) -> bool {
        true
    }

    fn encode_format(&self, _: &Type) -> Format {
        Format::Text
    }

    to_sql_checked!();
}

/// `params` as values to bind.
pub(super) fn text_params(params: &[Param]) -> Vec<TextParam<'_>> {
    params.iter().map(|p| TextParam(p.as_deref())).collect()
}

/// What the client's calls take: references to `params`.
pub(super) fn references<'a>(params: &'a [TextParam<'a>]) -> Vec<&'a (dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}
