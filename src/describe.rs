//! The describe commands (`\d`, `\dt`, `\dv`, `\dm`, `\dn`, `\di`, `\d NAME`,
//! and their `+` forms) as [`Description`]s built from a [`Catalog`].
//! Pure: reads the catalog, never the database.

use crate::catalog::{Catalog, Description, RelationKind};

/// Lists relations of the given kinds whose names match `pattern` (psql-style
/// `*`/`?` wildcards, optionally `schema.`-qualified); `verbose` adds row
/// estimates, sizes and comments.
pub fn list_relations(
    catalog: &Catalog,
    kinds: &[RelationKind],
    pattern: Option<&str>,
    verbose: bool,
) -> Description {
    let _ = (catalog, kinds, pattern, verbose);
    todo!()
}

/// `\dn`: schemas.
pub fn list_schemas(catalog: &Catalog, pattern: Option<&str>, verbose: bool) -> Description {
    let _ = (catalog, pattern, verbose);
    todo!()
}

/// `\di`: indexes, with the table each belongs to.
pub fn list_indexes(catalog: &Catalog, pattern: Option<&str>, verbose: bool) -> Description {
    let _ = (catalog, pattern, verbose);
    todo!()
}

/// `\d NAME` / `\d+ NAME`: one relation's columns, keys, indexes, foreign
/// keys out and in, and comment. `None` when nothing matches.
pub fn relation(catalog: &Catalog, name: &str, verbose: bool) -> Option<Description> {
    let _ = (catalog, name, verbose);
    todo!()
}
