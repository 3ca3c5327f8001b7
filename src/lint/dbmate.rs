//! dbmate's migration files: one file, an up section after `-- migrate:up`
//! and a down section after `-- migrate:down`, each run on its own and, by
//! default, in a transaction of its own (`transaction:false` on the marker
//! says not).

use std::ops::Range;

/// One section of a file: where its statements are, and whether dbmate
/// runs it in a transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// Byte range of the section's text (after its marker line).
    pub range: Range<usize>,
    pub transaction: bool,
}

/// The file's sections when it has dbmate markers, in file order; `None`
/// when it has none. Text before the first marker is not a section (dbmate
/// runs none of it).
pub fn sections(sql: &str) -> Option<Vec<Section>> {
    let mut markers = Vec::new();
    let mut offset = 0;
    for line in sql.split_inclusive('\n') {
        if let Some(options) = marker(line) {
            let transaction = !options.split_whitespace().any(|o| o == "transaction:false");
            markers.push((offset, offset + line.len(), transaction));
        }
        offset += line.len();
    }
    if markers.is_empty() {
        return None;
    }
    let ends = markers.iter().skip(1).map(|m| m.0).chain([sql.len()]);
    Some(
        markers
            .iter()
            .zip(ends)
            .map(|(&(_, start, transaction), end)| Section {
                range: start..end,
                transaction,
            })
            .collect(),
    )
}

/// The options after `-- migrate:up` or `-- migrate:down` when `line` is
/// such a marker (as dbmate matches it: at the start of the line, any
/// blanks after the dashes).
fn marker(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("--")?.trim_start();
    rest.strip_prefix("migrate:up")
        .or_else(|| rest.strip_prefix("migrate:down"))
        .filter(|options| options.is_empty() || options.starts_with(char::is_whitespace))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn up_and_down_with_their_options() {
        let sql = "-- a comment\n-- migrate:up\ncreate table t (id int);\n\n\
                   --migrate:down transaction:false\ndrop table t;\n";
        let sections = sections(sql).unwrap();
        assert_eq!(sections.len(), 2);
        assert_eq!(
            &sql[sections[0].range.clone()],
            "create table t (id int);\n\n"
        );
        assert!(sections[0].transaction);
        assert_eq!(&sql[sections[1].range.clone()], "drop table t;\n");
        assert!(!sections[1].transaction);
    }

    #[test]
    fn files_without_markers_have_no_sections() {
        assert_eq!(
            sections("create table t (id int);\n-- migrate:upper\n"),
            None
        );
        assert_eq!(sections("select 1; -- migrate:up\n"), None);
    }
}
