//! A draft of comments ([`super::comments`]) written out: as `COMMENT ON`
//! statements (for a file, or for the editor, with a header saying what to
//! do), as a tbls `comments:` config, or as JSON; and the edited file read
//! back, where only `COMMENT ON` statements are accepted.

use serde_json::{Value as Json, json};

use super::comments::{Comment, Draft};
use crate::catalog::{Relation, RelationKind};
use crate::db::Dialect;
use crate::ident::{quote_ident, quote_literal};
use crate::numbers::counted;
use crate::safety;
use crate::yaml::quoted;

/// The object word `COMMENT ON` takes for a relation of `kind`.
fn object(kind: RelationKind) -> &'static str {
    match kind {
        RelationKind::Table | RelationKind::PartitionedTable => "TABLE",
        RelationKind::View => "VIEW",
        RelationKind::MaterializedView => "MATERIALIZED VIEW",
        RelationKind::ForeignTable => "FOREIGN TABLE",
    }
}

fn qualified(relation: &Relation) -> String {
    format!(
        "{}.{}",
        quote_ident(&relation.schema),
        quote_ident(&relation.name)
    )
}

/// The `COMMENT ON` statement of one comment.
fn statement(relation: &Relation, comment: &Comment) -> String {
    let text = quote_literal(&comment.text);
    match &comment.column {
        None => format!(
            "COMMENT ON {} {} IS {text};",
            object(relation.kind),
            qualified(relation)
        ),
        Some(column) => format!(
            "COMMENT ON COLUMN {}.{} IS {text};",
            qualified(relation),
            quote_ident(column)
        ),
    }
}

/// The drafted comments as `COMMENT ON` statements, one a line; the
/// existing comments are not written again.
pub fn statements(draft: &Draft) -> String {
    draft
        .drafted()
        .map(|comment| statement(&draft.relation, comment) + "\n")
        .collect()
}

/// What the editor opens on: a header of SQL comments saying what saving
/// does, then [`statements`].
pub fn editor_text(draft: &Draft) -> String {
    format!(
        "-- Comments drafted for {}. Edit them, save and quit: glance asks, then\n\
         -- runs them. Only COMMENT ON statements are accepted; an empty file, or\n\
         -- quitting without saving, runs nothing.\n\n{}",
        qualified(&draft.relation),
        statements(draft)
    )
}

/// Why an edited file is not run.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("only COMMENT ON statements can be run from this file, and it holds `{statement}`")]
pub struct NotAComment {
    pub statement: String,
}

/// The statements of the edited `text`, each a single `COMMENT ON`
/// statement without the `--` lines before it; the first that is anything
/// else refuses the whole file.
pub fn accept(text: &str, dialect: Dialect) -> Result<Vec<String>, NotAComment> {
    let statements: Vec<String> = safety::split_statements(text, dialect)
        .iter()
        .map(|sql| without_leading_remarks(sql).to_string())
        .collect();
    match statements
        .iter()
        .find(|sql| !safety::is_comment(sql, dialect))
    {
        Some(statement) => Err(NotAComment {
            statement: statement.clone(),
        }),
        None => Ok(statements),
    }
}

/// `sql` after the whole `--` lines that start it.
fn without_leading_remarks(sql: &str) -> &str {
    let mut rest = sql.trim_start();
    while rest.starts_with("--") {
        rest = rest
            .split_once('\n')
            .map_or("", |(_, after)| after)
            .trim_start();
    }
    rest
}

/// The table's name as tbls writes it: without the default schema.
fn tbls_name(relation: &Relation) -> String {
    match relation.schema.as_str() {
        "public" | "main" => relation.name.clone(),
        schema => format!("{schema}.{}", relation.name),
    }
}

/// The draft, existing comments included, as a tbls config file's
/// `comments:` (tbls reads it with `--config`).
pub fn tbls(draft: &Draft) -> String {
    let mut out = format!(
        "comments:\n  - table: {}\n",
        quoted(&tbls_name(&draft.relation))
    );
    if let Some(table) = draft.comments.iter().find(|c| c.column.is_none()) {
        out.push_str(&format!("    tableComment: {}\n", quoted(&table.text)));
    }
    let columns: Vec<String> = draft
        .comments
        .iter()
        .filter_map(|comment| {
            let column = comment.column.as_ref()?;
            Some(format!(
                "      {}: {}\n",
                quoted(column),
                quoted(&comment.text)
            ))
        })
        .collect();
    if !columns.is_empty() {
        out.push_str("    columnComments:\n");
        out.push_str(&columns.concat());
    }
    out
}

/// `{"table", "comments": [{"column", "comment", "existing"}],
/// "unknown_columns", "missing_columns", "written"}`; `written` is null
/// here, and set by the front end when it wrote the draft to a file.
pub fn json(draft: &Draft) -> Json {
    let comments: Vec<Json> = draft
        .comments
        .iter()
        .map(|comment| {
            json!({
                "column": comment.column,
                "comment": comment.text,
                "existing": comment.existing,
            })
        })
        .collect();
    json!({
        "table": format!("{}.{}", draft.relation.schema, draft.relation.name),
        "comments": comments,
        "unknown_columns": draft.unknown,
        "missing_columns": draft.missing,
        "written": null,
    })
}

/// `Drafted 3 comments for public.orders; kept 1 existing. The reply named
/// no column "ghost"; left without a draft: "Status".`
pub fn summary(draft: &Draft) -> String {
    let drafted = draft.drafted().count();
    let kept = draft.comments.len() - drafted;
    let mut text = format!(
        "Drafted {} for {}",
        counted(drafted as u64, "comment", "comments"),
        qualified(&draft.relation)
    );
    if kept > 0 {
        text.push_str(&format!("; kept {kept} existing (--all redrafts them)"));
    }
    text.push('.');
    let names = |names: &[String]| {
        let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
        quoted.join(", ")
    };
    if !draft.unknown.is_empty() {
        text.push_str(&format!(
            " The reply named {}, which the table has no column of; ignored.",
            names(&draft.unknown)
        ));
    }
    if !draft.missing.is_empty() {
        text.push_str(&format!(
            " Left without a draft: {}.",
            names(&draft.missing)
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::ColumnInfo;

    fn draft() -> Draft {
        let mut relation = Relation::new("sales", "Order", RelationKind::Table);
        relation.columns = ["id", "note", "user"]
            .into_iter()
            .map(|name| ColumnInfo {
                name: name.into(),
                ..ColumnInfo::default()
            })
            .collect();
        let comment = |column: Option<&str>, text: &str, existing| Comment {
            column: column.map(str::to_string),
            text: text.into(),
            existing,
        };
        Draft {
            relation,
            comments: vec![
                comment(None, "Orders: one a sale.", false),
                comment(Some("id"), "It's the number.", false),
                comment(Some("user"), "Who: \"placed\" it", true),
            ],
            unknown: vec!["ghost".into()],
            missing: vec!["note".into()],
        }
    }

    #[test]
    fn statements_quote_names_and_text_and_skip_existing_comments() {
        assert_eq!(
            statements(&draft()),
            "COMMENT ON TABLE sales.\"Order\" IS 'Orders: one a sale.';\n\
             COMMENT ON COLUMN sales.\"Order\".id IS 'It''s the number.';\n"
        );
        let mut view = draft();
        view.relation.kind = RelationKind::MaterializedView;
        assert!(statements(&view).starts_with("COMMENT ON MATERIALIZED VIEW sales.\"Order\""));
    }

    #[test]
    fn the_editor_text_reads_back_as_the_statements() {
        let d = draft();
        let accepted = accept(&editor_text(&d), Dialect::Postgres).expect("accepted");
        assert_eq!(
            accepted,
            [
                "COMMENT ON TABLE sales.\"Order\" IS 'Orders: one a sale.'",
                "COMMENT ON COLUMN sales.\"Order\".id IS 'It''s the number.'"
            ]
        );
    }

    #[test]
    fn anything_but_comment_on_refuses_the_file() {
        let text = "COMMENT ON TABLE t IS 'a';\ndrop table t;\n";
        assert_eq!(
            accept(text, Dialect::Postgres),
            Err(NotAComment {
                statement: "drop table t".into()
            })
        );
        assert_eq!(accept("-- nothing\n", Dialect::Postgres), Ok(Vec::new()));
    }

    #[test]
    fn tbls_config_holds_every_comment() {
        assert_eq!(
            tbls(&draft()),
            "comments:\n  - table: \"sales.Order\"\n    tableComment: \"Orders: one a sale.\"\n    \
             columnComments:\n      \"id\": \"It's the number.\"\n      \"user\": \"Who: \\\"placed\\\" it\"\n"
        );
        let mut public = draft();
        public.relation.schema = "public".into();
        public.comments.clear();
        assert_eq!(tbls(&public), "comments:\n  - table: \"Order\"\n");
    }

    #[test]
    fn json_and_summary() {
        let d = draft();
        let document = json(&d);
        assert_eq!(document["table"], "sales.Order");
        assert_eq!(document["comments"][0]["column"], Json::Null);
        assert_eq!(document["comments"][2]["existing"], true);
        assert_eq!(
            summary(&d),
            "Drafted 2 comments for sales.\"Order\"; kept 1 existing (--all redrafts them). \
             The reply named \"ghost\", which the table has no column of; ignored. \
             Left without a draft: \"note\"."
        );
    }
}
