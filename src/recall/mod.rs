//! Choosing examples for a question: the pairs learned from accepted
//! answers (in the history) and the team's `examples.tsv` (indexed in
//! memory) are searched alike. FTS5 finds and ranks candidates by BM25 over
//! question, tables and SQL; a candidate is kept only when it holds at
//! least [`CUT_OFF`] of the words the question is about, so an unrelated
//! question gets none, and only while every table it reads still exists.

pub mod tsv;
mod words;

#[cfg(test)]
mod measure;

use std::collections::BTreeSet;
use std::ops::ControlFlow;
use std::path::Path;

use rusqlite::Connection;
use sqlparser::ast::visit_relations;
use sqlparser::parser::Parser;

use crate::agent::knowledge::{Example, Source};
use crate::catalog::Catalog;
use crate::db::{ConnInfo, Dialect};
use crate::history::examples::{self, Learned, Pair};

pub use words::is_rephrasing;

/// Examples sent with a question, at most.
pub const TOP: usize = 3;
/// The share of a question's words a pair must hold to be offered.
pub const CUT_OFF: f64 = 0.5;
/// Candidates BM25 hands to the cut-off from each source.
const CANDIDATES: usize = 20;
/// The team examples' database in their in-memory index.
const TEAM: &str = "";

/// A pair offered for a question, with how well it matched.
#[derive(Clone, Debug, PartialEq)]
pub struct Scored {
    pub number: Number,
    pub pair: Pair,
    /// The share of the question's words it holds (0 to 1).
    pub score: f64,
    /// BM25 rank within its source (more negative is better).
    pub rank: f64,
}

/// How `\examples` numbers a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Number {
    /// Kept in the history: `\examples rm N` forgets it.
    Kept(i64),
    /// Line order in `examples.tsv`, shown `tN`.
    Team(i64),
}

impl std::fmt::Display for Number {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Number::Kept(id) => write!(f, "{id}"),
            Number::Team(id) => write!(f, "t{id}"),
        }
    }
}

/// The team's examples, indexed in memory.
pub struct TeamExamples {
    conn: Connection,
}

impl TeamExamples {
    /// No team examples.
    pub fn none() -> TeamExamples {
        TeamExamples::of(&[])
    }

    /// An index of `pairs` (question, SQL), numbered from 1 in order.
    pub fn of(pairs: &[(String, String)]) -> TeamExamples {
        let conn = Connection::open_in_memory().expect("SQLite opens in memory");
        conn.execute_batch(examples::SCHEMA)
            .expect("the examples schema is valid");
        for (question, sql) in pairs {
            let pair = Pair {
                database: TEAM.into(),
                question: question.clone(),
                sql: sql.clone(),
                tables: Vec::new(),
                fingerprint: String::new(),
                source: Source::Team,
            };
            examples::keep(&conn, &pair).expect("an in-memory insert succeeds");
        }
        TeamExamples { conn }
    }

    /// The examples in `path`, and a warning per line left out
    /// (`path:line: what was wrong`). A missing file is no examples; one
    /// that is not a regular file, too large or not UTF-8 is a warning.
    pub fn load(path: &Path) -> (TeamExamples, Vec<String>) {
        let text = match crate::files::read_text_capped(path, tsv::MAX_BYTES) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return (TeamExamples::none(), Vec::new());
            }
            Err(error) => {
                let warning = format!("cannot read {}: {error}", path.display());
                return (TeamExamples::none(), vec![warning]);
            }
        };
        let (pairs, problems) = tsv::parse(&text);
        let warnings = problems
            .iter()
            .map(|p| {
                format!(
                    "{}:{}: {}; line left out",
                    path.display(),
                    p.line,
                    p.message
                )
            })
            .collect();
        (TeamExamples::of(&pairs), warnings)
    }

    /// Every team example, in file order.
    pub fn all(&self) -> Vec<Scored> {
        let kept = examples::all(&self.conn, TEAM).unwrap_or_default();
        kept.into_iter().map(|l| team_pair(l, 0.0, 0.0)).collect()
    }
}

/// What identifies a database across sessions: its kind and where it is
/// (`postgresql:host:5432/shop`, `sqlite:/path/shop.db`, a file's path
/// made absolute so the same file is the same database from anywhere).
pub fn database_id(info: &ConnInfo) -> String {
    let location = match info.dialect {
        Dialect::Sqlite => std::fs::canonicalize(&info.location)
            .map_or_else(|_| info.location.clone(), |path| path.display().to_string()),
        _ => info.location.clone(),
    };
    format!("{}:{location}", info.dialect.name())
}

/// The relations `sql` reads that `catalog` knows, as it names them
/// (`schema.name` outside the default schema), sorted, each once.
pub fn tables_read(sql: &str, dialect: Dialect, catalog: &Catalog) -> Vec<String> {
    let parser = dialect.parser();
    let Ok(statements) = Parser::parse_sql(parser.as_ref(), sql) else {
        return Vec::new();
    };
    let mut tables = BTreeSet::new();
    let _ = visit_relations(&statements, |name| {
        let written: Vec<String> = name
            .0
            .iter()
            .filter_map(|part| part.as_ident().map(|ident| ident.value.clone()))
            .collect();
        if let Some(relation) = catalog.find(&written.join(".")) {
            tables.insert(
                if matches!(relation.schema.as_str(), "public" | "main" | "") {
                    relation.name.clone()
                } else {
                    format!("{}.{}", relation.schema, relation.name)
                },
            );
        }
        ControlFlow::<()>::Continue(())
    });
    tables.into_iter().collect()
}

/// The columns of `tables` as `catalog` has them: `orders(id,total);…`.
/// A pair kept under another fingerprint was written for another schema.
pub fn fingerprint(tables: &[String], catalog: &Catalog) -> String {
    let described: Vec<String> = tables
        .iter()
        .filter_map(|table| catalog.find(table))
        .map(|relation| {
            let columns: Vec<&str> = relation.columns.iter().map(|c| c.name.as_str()).collect();
            format!("{}({})", relation.name, columns.join(","))
        })
        .collect();
    described.join(";")
}

/// Up to [`TOP`] pairs for `question`: the history's for `database` (when
/// there is a history) and the team's, each holding at least [`CUT_OFF`]
/// of the question's words, whose tables all still `exist`; best first.
pub fn choose(
    question: &str,
    history: Option<&Connection>,
    database: &str,
    team: &TeamExamples,
    exist: &dyn Fn(&str) -> bool,
) -> Vec<Scored> {
    let mut chosen = matching(question, history, database, team);
    chosen.retain(|s| s.score >= CUT_OFF && s.pair.tables.iter().all(|t| exist(t)));
    chosen.truncate(TOP);
    chosen
}

/// Every pair that shares a word with `question`, scored, best first.
pub fn matching(
    question: &str,
    history: Option<&Connection>,
    database: &str,
    team: &TeamExamples,
) -> Vec<Scored> {
    let terms = words::terms(question);
    let expression = words::any_of(&terms);
    let score = |learned: &Learned| {
        let pair = &learned.pair;
        let named = words::terms(&format!("{} {}", pair.question, pair.tables.join(" ")));
        words::coverage(&terms, &named, &words::terms(&pair.sql))
    };
    let mut found: Vec<Scored> = Vec::new();
    if let Some(conn) = history {
        let kept = examples::nearest(conn, database, &expression, CANDIDATES).unwrap_or_default();
        found.extend(kept.into_iter().map(|(learned, rank)| Scored {
            number: Number::Kept(learned.id),
            score: score(&learned),
            pair: learned.pair,
            rank,
        }));
    }
    let shared = examples::nearest(&team.conn, TEAM, &expression, CANDIDATES).unwrap_or_default();
    found.extend(
        shared
            .into_iter()
            .map(|(learned, rank)| team_pair(learned.clone(), score(&learned), rank)),
    );
    found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.rank.total_cmp(&b.rank)));
    found
}

fn team_pair(learned: Learned, score: f64, rank: f64) -> Scored {
    Scored {
        number: Number::Team(learned.id),
        pair: learned.pair,
        score,
        rank,
    }
}

impl Scored {
    /// The example as the prompt takes it.
    pub fn example(&self) -> Example {
        Example {
            question: self.pair.question.clone(),
            sql: self.pair.sql.clone(),
            source: self.pair.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Relation, RelationKind};

    fn shop() -> Catalog {
        let mut catalog = Catalog::default();
        for name in ["orders", "customers"] {
            catalog
                .relations
                .push(Relation::new("public", name, RelationKind::Table));
        }
        catalog
            .relations
            .push(Relation::new("sales", "targets", RelationKind::Table));
        catalog
    }

    #[test]
    fn tables_read_are_those_the_catalog_knows() {
        let sql = "with recent as (select * from orders) \
                   select * from recent join Customers c on true join sales.targets t on true";
        assert_eq!(
            tables_read(sql, Dialect::Postgres, &shop()),
            ["customers", "orders", "sales.targets"]
        );
        assert!(tables_read("select 1", Dialect::Postgres, &shop()).is_empty());
        assert!(tables_read("not sql", Dialect::Postgres, &shop()).is_empty());
    }

    #[test]
    fn team_examples_are_chosen_by_their_words_and_cut_off() {
        let team = TeamExamples::of(&[
            (
                "revenue by month".into(),
                "select sum(total) from orders".into(),
            ),
            (
                "customers in Berlin".into(),
                "select * from customers".into(),
            ),
        ]);
        let exist = |_: &str| true;
        let chosen = choose("monthly revenue, by month", None, "db", &team, &exist);
        assert_eq!(chosen.len(), 1, "{chosen:?}");
        assert_eq!(chosen[0].number, Number::Team(1));
        assert_eq!(chosen[0].number.to_string(), "t1");
        assert!(choose("weather in Paris", None, "db", &team, &exist).is_empty());
    }

    #[test]
    fn a_pair_whose_table_is_gone_is_not_offered() {
        let history = Connection::open_in_memory().unwrap();
        history.execute_batch(examples::SCHEMA).unwrap();
        let pair = Pair {
            database: "db".into(),
            question: "biggest orders".into(),
            sql: "select * from orders order by total desc".into(),
            tables: vec!["orders".into()],
            fingerprint: String::new(),
            source: Source::Accepted,
        };
        examples::keep(&history, &pair).unwrap();
        let none = TeamExamples::none();
        let with = |exist: &dyn Fn(&str) -> bool| {
            choose("the biggest orders", Some(&history), "db", &none, exist).len()
        };
        assert_eq!(with(&|_| true), 1);
        assert_eq!(with(&|t| t != "orders"), 0);
    }

    #[test]
    fn a_team_file_reports_bad_lines_with_their_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("examples.tsv");
        std::fs::write(&path, "question\tsql\nbroken\nok\tselect 1\n").unwrap();
        let (team, warnings) = TeamExamples::load(&path);
        assert_eq!(team.all().len(), 1);
        assert_eq!(warnings.len(), 1);
        assert!(
            warnings[0].starts_with(&format!("{}:2: ", path.display())),
            "{warnings:?}"
        );
        let (team, warnings) = TeamExamples::load(&dir.path().join("missing.tsv"));
        assert!(team.all().is_empty() && warnings.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_place_of_the_file_is_a_warning_not_a_hang() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("examples.tsv");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        assert!(made.unwrap().success());
        let (team, warnings) = TeamExamples::load(&path);
        assert!(team.all().is_empty());
        assert!(warnings[0].contains("not a regular file"), "{warnings:?}");
    }
}
