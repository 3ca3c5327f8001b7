//! What listings hand the renderer: a titled result set plus psql-style
//! text sections. `\d`, `\log`, `\history` and `\usage` build one; only the
//! renderer draws it.

use crate::db::{Column, Row};

/// A describe command's answer (`\dt`, `\d NAME` …): a titled result set,
/// drawn by the same renderer as queries, plus text sections after it
/// (indexes, foreign keys, "Referenced by", comment), psql-style.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Description {
    pub title: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    /// Section heading and its lines, e.g. `("Indexes", ["\"users_pkey\" PRIMARY KEY, btree (id)"])`.
    pub sections: Vec<(String, Vec<String>)>,
}
