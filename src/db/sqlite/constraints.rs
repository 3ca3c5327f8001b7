//! The constraint names a SQLite `CREATE TABLE` declares
//! (`CONSTRAINT [PK_Invoice] PRIMARY KEY (…)`, `… CONSTRAINT fk REFERENCES
//! t`). SQLite keeps no constraint names in its catalog, so they are read
//! from the stored text; a constraint declared without one has none, and
//! glance invents none.

use sqlparser::dialect::SQLiteDialect;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The names declared for a table's primary key and foreign keys.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct Declared {
    pub primary_key: Option<String>,
    /// (the foreign key's columns, its name).
    pub foreign_keys: Vec<(Vec<String>, String)>,
}

impl Declared {
    /// The name declared for the foreign key on `columns`, compared
    /// case-insensitively as SQLite compares names.
    pub fn foreign_key(&self, columns: &[String]) -> Option<&str> {
        self.foreign_keys
            .iter()
            .find(|(declared, _)| {
                declared.len() == columns.len()
                    && declared
                        .iter()
                        .zip(columns)
                        .all(|(a, b)| a.eq_ignore_ascii_case(b))
            })
            .map(|(_, name)| name.as_str())
    }
}

/// Reads the names from `sql`, a `CREATE TABLE` statement: each item of
/// its column list is a column (its first word) or a table constraint, and
/// `CONSTRAINT name` before `PRIMARY KEY` or `REFERENCES` / `FOREIGN KEY
/// (…)` names that constraint.
pub(super) fn declared(sql: &str) -> Declared {
    let tokens = code_tokens(sql);
    let mut out = Declared::default();
    let Some(open) = tokens.iter().position(|t| *t == Token::LParen) else {
        return out;
    };
    let mut items: Vec<Vec<&Token>> = vec![Vec::new()];
    let mut depth = 0usize;
    for token in &tokens[open + 1..] {
        match token {
            Token::LParen => depth += 1,
            Token::RParen if depth == 0 => break,
            Token::RParen => depth -= 1,
            Token::Comma if depth == 0 => {
                items.push(Vec::new());
                continue;
            }
            _ => {}
        }
        if let Some(item) = items.last_mut() {
            item.push(token);
        }
    }
    for item in &items {
        read_item(item, &mut out);
    }
    out
}

/// The tokens of SQLite `sql` without white space and comments; what the
/// tokenizer read before an error when it stops early.
pub fn code_tokens(sql: &str) -> Vec<Token> {
    Tokenizer::new(&SQLiteDialect {}, sql)
        .tokenize()
        .unwrap_or_default()
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect()
}

fn is(token: Option<&&Token>, keyword: &str) -> bool {
    matches!(token, Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(keyword))
}

fn name(token: Option<&&Token>) -> Option<String> {
    match token {
        Some(Token::Word(w)) => Some(w.value.clone()),
        Some(Token::SingleQuotedString(s) | Token::DoubleQuotedString(s)) => Some(s.clone()),
        _ => None,
    }
}

/// One item of the column list: a table constraint, or a column with its
/// own constraints.
fn read_item(item: &[&Token], out: &mut Declared) {
    let table_constraint = ["CONSTRAINT", "PRIMARY", "FOREIGN", "UNIQUE", "CHECK"]
        .iter()
        .any(|k| is(item.first(), k));
    let column = (!table_constraint).then(|| name(item.first())).flatten();
    for at in 0..item.len() {
        if !is(item.get(at), "CONSTRAINT") {
            continue;
        }
        let Some(constraint) = name(item.get(at + 1)) else {
            continue;
        };
        let kind = item.get(at + 2);
        if is(kind, "PRIMARY") {
            out.primary_key = Some(constraint);
        } else if is(kind, "REFERENCES") {
            if let Some(column) = &column {
                out.foreign_keys.push((vec![column.clone()], constraint));
            }
        } else if is(kind, "FOREIGN") {
            let columns = item[at + 3..]
                .iter()
                .skip_while(|t| ***t != Token::LParen)
                .skip(1)
                .take_while(|t| ***t != Token::RParen)
                .filter_map(|t| name(Some(t)))
                .collect();
            out.foreign_keys.push((columns, constraint));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_the_text_or_not_at_all() {
        let d = declared(
            "CREATE TABLE [Invoice] ([InvoiceId] INTEGER NOT NULL, [CustomerId] INTEGER NOT NULL,
             CONSTRAINT [PK_Invoice] PRIMARY KEY ([InvoiceId]),
             CONSTRAINT [FK_InvoiceCustomerId] FOREIGN KEY ([CustomerId]) REFERENCES [Customer] ([CustomerId]))",
        );
        assert_eq!(d.primary_key.as_deref(), Some("PK_Invoice"));
        assert_eq!(
            d.foreign_key(&["customerid".into()]),
            Some("FK_InvoiceCustomerId")
        );
        let d = declared(
            "create table t (id integer constraint t_id primary key, \
             a int constraint \"a fk\" references p(id), b int references p(id), \
             check (a > 0), foreign key (b) references p(id))",
        );
        assert_eq!(d.primary_key.as_deref(), Some("t_id"));
        assert_eq!(d.foreign_key(&["a".into()]), Some("a fk"));
        assert_eq!(d.foreign_key(&["b".into()]), None);
        assert_eq!(
            declared("create table u (id integer primary key)"),
            Declared::default()
        );
    }
}
