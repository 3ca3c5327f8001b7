//! Extensions glance knows to only compute, and which of their members do
//! more. A function counts as an extension's member only when the catalog
//! says so (`pg_depend`), never by its name.

/// An extension whose members are plain computations: their names (or the
/// name prefixes that are; empty for every member), and the members that
/// change state all the same.
struct Computing {
    extension: &'static str,
    prefixes: &'static [&'static str],
    except: &'static [&'static str],
}

const fn all(extension: &'static str, except: &'static [&'static str]) -> Computing {
    Computing {
        extension,
        prefixes: &[],
        except,
    }
}

const COMPUTING: &[Computing] = &[
    // `set_limit` changes the session's similarity threshold.
    all("pg_trgm", &["set_limit"]),
    all("fuzzystrmatch", &[]),
    all("unaccent", &[]),
    all("citext", &[]),
    all("hstore", &[]),
    all("ltree", &[]),
    all("cube", &[]),
    all("earthdistance", &[]),
    all("pgcrypto", &[]),
    // `isn_weak(bool)` switches the session's validation mode.
    all("isn", &["isn_weak"]),
    all("uuid-ossp", &[]),
    all("intarray", &[]),
    all("btree_gin", &[]),
    all("btree_gist", &[]),
    all("seg", &[]),
    all("intagg", &[]),
    // pgvector.
    all("vector", &[]),
    // Its view reads statement statistics; resetting them is an effect.
    all("pg_stat_statements", &["pg_stat_statements_reset"]),
    // PostGIS: the ST_ functions and the types' own functions; the rest of
    // the extension manages tables and settings.
    Computing {
        extension: "postgis",
        prefixes: &["st_", "_st_", "geometry", "geography", "box2d", "box3d"],
        except: &[],
    },
];

/// Whether `function`, a member of `extension`, only computes.
pub(super) fn computes(extension: &str, function: &str) -> bool {
    let name = function.to_lowercase();
    COMPUTING.iter().any(|known| {
        known.extension == extension
            && !known.except.contains(&name.as_str())
            && (known.prefixes.is_empty() || known.prefixes.iter().any(|p| name.starts_with(p)))
    })
}

#[cfg(test)]
mod tests {
    use super::computes;

    #[test]
    fn members_of_known_extensions_compute_except_those_with_effects() {
        assert!(computes("pg_trgm", "similarity"));
        assert!(!computes("pg_trgm", "set_limit"));
        assert!(!computes("isn", "isn_weak"));
        assert!(computes("postgis", "ST_Distance"));
        assert!(!computes("postgis", "addgeometrycolumn"));
        assert!(!computes("tablefunc", "crosstab"));
    }
}
