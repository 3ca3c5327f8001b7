//! PostgreSQL statements common in migrations that the parser does not
//! read (REINDEX, CLUSTER, REFRESH MATERIALIZED VIEW, CREATE STATISTICS,
//! ALTER TABLE … ATTACH/DETACH PARTITION, SET STATISTICS, SET TABLESPACE,
//! ALTER INDEX … SET TABLESPACE, ALTER SEQUENCE, rules, DO blocks, …),
//! recognised from the tokenizer's words:
//! which form it is and the relations it names. Anything else is not
//! recognised, and stays a parse error.

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// A relation's name: as written (for fixes) and as the server folds its
/// last part (for locks and the file's context).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub written: String,
    pub folded: String,
}

/// What REINDEX rebuilds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReindexOf {
    Index,
    Table,
    Schema,
    Database,
    /// The system catalogs (no CONCURRENTLY form).
    System,
}

impl ReindexOf {
    /// Whether it rebuilds one relation's indexes (not a schema's or
    /// database's: those are refused in a transaction block).
    pub fn one_relation(self) -> bool {
        matches!(self, ReindexOf::Index | ReindexOf::Table)
    }

    pub fn keyword(self) -> &'static str {
        match self {
            ReindexOf::Index => "INDEX",
            ReindexOf::Table => "TABLE",
            ReindexOf::Schema => "SCHEMA",
            ReindexOf::Database => "DATABASE",
            ReindexOf::System => "SYSTEM",
        }
    }
}

/// A statement the recogniser read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Form {
    /// `REINDEX [(options)] {INDEX|TABLE|SCHEMA|DATABASE|SYSTEM} [CONCURRENTLY] name`
    Reindex {
        of: ReindexOf,
        /// The index, table, schema or database (optional for the last two).
        name: Option<Name>,
        concurrently: bool,
    },
    /// `CLUSTER [VERBOSE] [table [USING index]]`
    Cluster {
        table: Option<Name>,
        index: Option<Name>,
    },
    /// `REFRESH MATERIALIZED VIEW [CONCURRENTLY] name [WITH [NO] DATA]`
    Refresh {
        view: Name,
        concurrently: bool,
        /// `WITH NO DATA`: emptied, not run.
        no_data: bool,
    },
    /// `CREATE STATISTICS … FROM table`
    CreateStatistics { table: Name },
    /// `ALTER TABLE [IF EXISTS] [ONLY] name action, …`
    AlterTable { table: Name, actions: Vec<Action> },
    /// `ALTER INDEX [IF EXISTS] name action`
    AlterIndex { index: Name, action: IndexAction },
    /// `ALTER SEQUENCE [IF EXISTS] name …`; `catalog` for RENAME, OWNER TO
    /// and SET SCHEMA (the others change only the sequence's parameters).
    AlterSequence { sequence: Name, catalog: bool },
    /// `CREATE [OR REPLACE] RULE … TO table …` or `DROP RULE … ON table …`
    Rule { table: Name },
    /// `DO [LANGUAGE l] 'code'`: code glance does not read.
    Do,
}

/// An `ALTER TABLE` action the parser does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// `ATTACH PARTITION name {FOR VALUES … | DEFAULT}`
    AttachPartition(Name),
    /// `DETACH PARTITION name [CONCURRENTLY | FINALIZE]`
    DetachPartition { partition: Name, concurrently: bool },
    /// `ALTER [COLUMN] c SET STATISTICS n`, `SET (…)` or `RESET (…)` on a
    /// column, `SET (…)`/`RESET (…)` on the table, `CLUSTER ON index`,
    /// `SET WITHOUT CLUSTER`: catalog only, SHARE UPDATE EXCLUSIVE.
    Settings,
    /// `ALTER [COLUMN] c SET STORAGE …` or `SET COMPRESSION …`, `SET SCHEMA s`
    Catalog,
    /// `SET TABLESPACE name`: the table's files are copied.
    SetTablespace,
    /// `INHERIT parent`
    Inherit(Name),
    /// `NO INHERIT parent`
    NoInherit(Name),
}

/// An `ALTER INDEX` action the parser does not read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexAction {
    /// `SET TABLESPACE name`
    SetTablespace,
    /// `SET (…)` or `RESET (…)`
    Settings,
}

/// The form of `text`, one PostgreSQL statement, if it is one of these.
pub fn form(text: &str) -> Option<Form> {
    let tokens = Tokenizer::new(&PostgreSqlDialect {}, text)
        .tokenize()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect::<Vec<_>>();
    let mut words = Words {
        tokens: &tokens,
        at: 0,
    };
    let form = if words.keyword("reindex") {
        reindex(&mut words)?
    } else if words.keyword("cluster") {
        words.keyword("verbose");
        let table = words.name();
        let index = match table {
            Some(_) if words.keyword("using") => Some(words.name()?),
            _ => None,
        };
        Form::Cluster { table, index }
    } else if words.keywords(&["refresh", "materialized", "view"]) {
        let concurrently = words.keyword("concurrently");
        let view = words.name()?;
        let no_data = if words.keyword("with") {
            let no = words.keyword("no");
            words.keyword("data").then_some(no)?
        } else {
            false
        };
        Form::Refresh {
            view,
            concurrently,
            no_data,
        }
    } else if words.keywords(&["create", "statistics"]) {
        let from = words.tokens.iter().rposition(|t| is_word(t, "from"))?;
        words.at = from + 1;
        Form::CreateStatistics {
            table: words.name()?,
        }
    } else if words.keywords(&["alter", "table"]) {
        words.keywords(&["if", "exists"]);
        words.keyword("only");
        let table = words.name()?;
        words.token(&Token::Mul);
        let actions = words
            .split_commas()
            .into_iter()
            .map(|tokens| action(&mut Words { tokens, at: 0 }))
            .collect::<Option<Vec<_>>>()?;
        Form::AlterTable { table, actions }
    } else if words.keywords(&["alter", "sequence"]) {
        words.keywords(&["if", "exists"]);
        let sequence = words.name()?;
        let catalog = words.keyword("rename")
            || words.keywords(&["owner", "to"])
            || words.keywords(&["set", "schema"]);
        words.at = words.tokens.len();
        Form::AlterSequence { sequence, catalog }
    } else if words.keywords(&["create", "or", "replace", "rule"])
        || words.keywords(&["create", "rule"])
    {
        words.name()?;
        if !words.keywords(&["as", "on"]) {
            return None;
        }
        words.name()?;
        if !words.keyword("to") {
            return None;
        }
        let table = words.name()?;
        words.at = words.tokens.len();
        Form::Rule { table }
    } else if words.keywords(&["drop", "rule"]) {
        words.keywords(&["if", "exists"]);
        words.name()?;
        if !words.keyword("on") {
            return None;
        }
        let table = words.name()?;
        if !words.keyword("cascade") {
            words.keyword("restrict");
        }
        Form::Rule { table }
    } else if words.keyword("do") {
        let code = words.tokens[words.at..].iter().any(|t| {
            matches!(
                t,
                Token::DollarQuotedString(_)
                    | Token::SingleQuotedString(_)
                    | Token::EscapedStringLiteral(_)
            )
        });
        if !code {
            return None;
        }
        words.at = words.tokens.len();
        Form::Do
    } else if words.keywords(&["alter", "index"]) {
        words.keywords(&["if", "exists"]);
        let index = words.name()?;
        let action = if words.keywords(&["set", "tablespace"]) {
            words.name()?;
            IndexAction::SetTablespace
        } else if words.keyword("set") || words.keyword("reset") {
            words.parens()?;
            IndexAction::Settings
        } else {
            return None;
        };
        Form::AlterIndex { index, action }
    } else {
        return None;
    };
    words.done().then_some(form)
}

fn reindex(words: &mut Words) -> Option<Form> {
    let options = words.parens().unwrap_or_default();
    let mut concurrently = options.iter().any(|t| is_word(t, "concurrently"));
    let of = if words.keyword("index") {
        ReindexOf::Index
    } else if words.keyword("table") {
        ReindexOf::Table
    } else if words.keyword("schema") {
        ReindexOf::Schema
    } else if words.keyword("database") {
        ReindexOf::Database
    } else if words.keyword("system") {
        ReindexOf::System
    } else {
        return None;
    };
    concurrently |= words.keyword("concurrently");
    let name = words.name();
    if name.is_none() && matches!(of, ReindexOf::Index | ReindexOf::Table | ReindexOf::Schema) {
        return None;
    }
    Some(Form::Reindex {
        of,
        name,
        concurrently,
    })
}

/// One `ALTER TABLE` action, all of its tokens.
fn action(words: &mut Words) -> Option<Action> {
    let action = if words.keywords(&["attach", "partition"]) {
        let partition = words.name()?;
        if words.keywords(&["for", "values"]) {
            words.at = words.tokens.len();
        } else if !words.keyword("default") {
            return None;
        }
        Action::AttachPartition(partition)
    } else if words.keywords(&["detach", "partition"]) {
        let partition = words.name()?;
        let concurrently = words.keyword("concurrently");
        if !concurrently {
            words.keyword("finalize");
        }
        Action::DetachPartition {
            partition,
            concurrently,
        }
    } else if words.keyword("alter") {
        words.keyword("column");
        words.name()?;
        if words.keywords(&["set", "statistics"]) {
            words.token(&Token::Minus);
            words.number()?;
            Action::Settings
        } else if words.keyword("set") || words.keyword("reset") {
            if words.keyword("storage") || words.keyword("compression") {
                words.name()?;
                Action::Catalog
            } else {
                words.parens()?;
                Action::Settings
            }
        } else {
            return None;
        }
    } else if words.keywords(&["set", "tablespace"]) {
        words.name()?;
        Action::SetTablespace
    } else if words.keywords(&["set", "schema"]) {
        words.name()?;
        Action::Catalog
    } else if words.keywords(&["set", "without", "cluster"]) {
        Action::Settings
    } else if words.keywords(&["cluster", "on"]) {
        words.name()?;
        Action::Settings
    } else if words.keyword("set") || words.keyword("reset") {
        words.parens()?;
        Action::Settings
    } else if words.keyword("inherit") {
        Action::Inherit(words.name()?)
    } else if words.keywords(&["no", "inherit"]) {
        Action::NoInherit(words.name()?)
    } else {
        return None;
    };
    words.done().then_some(action)
}

fn is_word(token: &Token, keyword: &str) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword))
}

/// A statement's tokens without blanks and comments, read from the front.
struct Words<'a> {
    tokens: &'a [Token],
    at: usize,
}

impl<'a> Words<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.tokens.get(self.at)
    }

    fn done(&self) -> bool {
        self.at == self.tokens.len()
    }

    /// Takes `token` if it comes next.
    fn token(&mut self, token: &Token) -> bool {
        let next = self.peek() == Some(token);
        self.at += usize::from(next);
        next
    }

    /// Takes the unquoted word `keyword` (any case) if it comes next.
    fn keyword(&mut self, keyword: &str) -> bool {
        let next = self.peek().is_some_and(|t| is_word(t, keyword));
        self.at += usize::from(next);
        next
    }

    /// Takes all of `keywords` in order, or nothing.
    fn keywords(&mut self, keywords: &[&str]) -> bool {
        let start = self.at;
        if keywords.iter().all(|k| self.keyword(k)) {
            return true;
        }
        self.at = start;
        false
    }

    fn number(&mut self) -> Option<()> {
        matches!(self.peek(), Some(Token::Number(..))).then(|| self.at += 1)
    }

    /// A possibly qualified name: `a`, `s."B"`.
    fn name(&mut self) -> Option<Name> {
        let mut parts = Vec::new();
        while let Some(Token::Word(word)) = self.peek() {
            parts.push(word);
            self.at += 1;
            if !self.token(&Token::Period) {
                break;
            }
        }
        let last = parts.last()?;
        Some(Name {
            written: parts
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("."),
            folded: match last.quote_style {
                Some(_) => last.value.clone(),
                None => last.value.to_lowercase(),
            },
        })
    }

    /// A parenthesised group, balanced: the tokens inside.
    fn parens(&mut self) -> Option<&'a [Token]> {
        if self.peek() != Some(&Token::LParen) {
            return None;
        }
        let start = self.at + 1;
        let mut depth = 0usize;
        while let Some(token) = self.peek() {
            self.at += 1;
            match token {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(&self.tokens[start..self.at - 1]);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// The rest, split at the commas outside parentheses.
    fn split_commas(&mut self) -> Vec<&'a [Token]> {
        let rest = &self.tokens[self.at..];
        self.at = self.tokens.len();
        let mut parts = Vec::new();
        let (mut depth, mut start) = (0i32, 0);
        for (i, token) in rest.iter().enumerate() {
            match token {
                Token::LParen => depth += 1,
                Token::RParen => depth -= 1,
                Token::Comma if depth == 0 => {
                    parts.push(&rest[start..i]);
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(&rest[start..]);
        parts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(written: &str, folded: &str) -> Name {
        Name {
            written: written.into(),
            folded: folded.into(),
        }
    }

    #[test]
    fn reindex_in_its_forms() {
        assert_eq!(
            form("REINDEX TABLE CONCURRENTLY app.\"Orders\"").unwrap(),
            Form::Reindex {
                of: ReindexOf::Table,
                name: Some(name("app.\"Orders\"", "Orders")),
                concurrently: true,
            }
        );
        assert_eq!(
            form("reindex (verbose, concurrently) index Orders_Idx").unwrap(),
            Form::Reindex {
                of: ReindexOf::Index,
                name: Some(name("Orders_Idx", "orders_idx")),
                concurrently: true,
            }
        );
        assert_eq!(
            form("reindex -- all of it\n database").unwrap(),
            Form::Reindex {
                of: ReindexOf::Database,
                name: None,
                concurrently: false,
            }
        );
        assert_eq!(form("reindex table"), None);
        assert_eq!(form("reindex schema"), None);
        assert_eq!(form("reindex view v"), None);
    }

    #[test]
    fn cluster_and_refresh() {
        assert_eq!(
            form("CLUSTER verbose t USING t_idx").unwrap(),
            Form::Cluster {
                table: Some(name("t", "t")),
                index: Some(name("t_idx", "t_idx")),
            }
        );
        assert_eq!(
            form("cluster").unwrap(),
            Form::Cluster {
                table: None,
                index: None
            }
        );
        assert_eq!(
            form("refresh /* nightly */ materialized view concurrently s.m with data").unwrap(),
            Form::Refresh {
                view: name("s.m", "m"),
                concurrently: true,
                no_data: false,
            }
        );
        assert_eq!(
            form("refresh materialized view m with no data").unwrap(),
            Form::Refresh {
                view: name("m", "m"),
                concurrently: false,
                no_data: true,
            }
        );
        assert_eq!(form("refresh materialized view m with"), None);
        assert_eq!(form("cluster t using"), None);
    }

    #[test]
    fn alter_table_actions() {
        let table = |sql: &str| match form(sql) {
            Some(Form::AlterTable { table, actions }) => (table, actions),
            other => panic!("{sql}: {other:?}"),
        };
        assert_eq!(
            table(
                "alter table r attach partition r_2024 for values from ('2024-01-01') to ('2025-01-01')"
            ),
            (
                name("r", "r"),
                vec![Action::AttachPartition(name("r_2024", "r_2024"))]
            )
        );
        assert_eq!(
            table("ALTER TABLE IF EXISTS ONLY \"R\" DETACH PARTITION s.r1 CONCURRENTLY").1,
            [Action::DetachPartition {
                partition: name("s.r1", "r1"),
                concurrently: true
            }]
        );
        assert_eq!(
            table("alter table t alter c set statistics -1, alter column v set (n_distinct = 5)").1,
            [Action::Settings, Action::Settings]
        );
        assert_eq!(
            table("alter table t set tablespace fast, alter column v set storage external").1,
            [Action::SetTablespace, Action::Catalog]
        );
        assert_eq!(
            table("alter table t cluster on i, set without cluster, reset (fillfactor)").1,
            [Action::Settings, Action::Settings, Action::Settings]
        );
        assert_eq!(
            table("alter table t no inherit p").1,
            [Action::NoInherit(name("p", "p"))]
        );
        assert_eq!(form("alter table t attach partition p1"), None);
        assert_eq!(form("alter table t alter column c set statistics"), None);
        assert_eq!(form("alter table t set statistics 5, frobnicate"), None);
        assert_eq!(form("alter tabel t set tablespace x"), None);
    }

    #[test]
    fn alter_index_and_create_statistics() {
        assert_eq!(
            form("alter index if exists i set tablespace slow").unwrap(),
            Form::AlterIndex {
                index: name("i", "i"),
                action: IndexAction::SetTablespace,
            }
        );
        assert_eq!(
            form("alter index i reset (fillfactor)").unwrap(),
            Form::AlterIndex {
                index: name("i", "i"),
                action: IndexAction::Settings,
            }
        );
        assert_eq!(
            form("create statistics if not exists s (ndistinct) on a, b from public.T").unwrap(),
            Form::CreateStatistics {
                table: name("public.T", "t"),
            }
        );
        assert_eq!(form("alter index i rename"), None);
    }

    #[test]
    fn alter_sequence_and_rules() {
        assert_eq!(
            form("alter sequence if exists s.Seq restart with 5 cache 2").unwrap(),
            Form::AlterSequence {
                sequence: name("s.Seq", "seq"),
                catalog: false,
            }
        );
        assert_eq!(
            form("alter sequence s owner to bob").unwrap(),
            Form::AlterSequence {
                sequence: name("s", "s"),
                catalog: true,
            }
        );
        assert_eq!(
            form("create or replace rule r as on update to T where old.id > 0 do instead nothing")
                .unwrap(),
            Form::Rule {
                table: name("T", "t")
            }
        );
        assert_eq!(
            form("drop rule if exists r on t cascade").unwrap(),
            Form::Rule {
                table: name("t", "t")
            }
        );
        assert_eq!(form("create rule r as on insert do nothing"), None);
        assert_eq!(form("drop rule r"), None);
    }

    #[test]
    fn do_blocks() {
        assert_eq!(form("do $$ begin perform 1; end $$"), Some(Form::Do));
        assert_eq!(
            form("DO LANGUAGE plpgsql $body$ begin null; end $body$"),
            Some(Form::Do)
        );
        assert_eq!(
            form("do 'begin null; end' language plpgsql"),
            Some(Form::Do)
        );
        assert_eq!(form("do nothing"), None);
    }
}
