//! The rules for MySQL and MariaDB, where `START TRANSACTION READ ONLY`
//! holds far less than on PostgreSQL: every DDL statement and many
//! administrative ones commit the open transaction implicitly (so the
//! guard's rollback undoes nothing), and user locks, `LOCK TABLES`, `SET
//! GLOBAL` and files written by `INTO OUTFILE` outlive a rollback. So the
//! classifier carries most of the safety there:
//!
//! - every statement kind but queries, SHOW/DESCRIBE/EXPLAIN, INSERT and
//!   UPDATE, session `SET`, savepoints and `CREATE TEMPORARY TABLE` is
//!   destructive ([`statement_kind`]); a trial in a transaction that is
//!   rolled back is refused for anything but a query ([`trial_refusal`]),
//!   and no DML counts as undone by a rollback (a MyISAM table keeps it);
//! - what the server runs whatever a parser thinks is judged from the raw
//!   tokens: executable comments `/*! … */` and `/*M! … */`, a `--` the
//!   server and the parser may read differently, optimizer hints that set
//!   variables, `INTO OUTFILE`/`DUMPFILE`, `:=` assignments
//!   ([`comment_trap`], [`token_traps`]);
//! - statements the parser does not read are judged by their first words
//!   when those settle it ([`recognise`]), else they stay unreadable.
//!
//! Invariant: the fallback of every judgement here is destructive (or, for
//! tokens, no finding, leaving the parsed statement to the walk).

use std::ops::Range;

use sqlparser::ast::{ContextModifier, ObjectName, Set, Statement};
use sqlparser::tokenizer::{Token, Whitespace};

use super::functions::Judged;
use super::{Level, statement_kind as generic};

fn judged(level: Level, reason: impl Into<String>) -> Judged {
    (level, Some(reason.into()))
}

/// Why a statement that commits implicitly is destructive.
fn implicit_commit(what: &str) -> Judged {
    judged(
        Level::Destructive,
        format!(
            "{what} commits the open transaction implicitly on MySQL, so no rollback undoes it"
        ),
    )
}

/// The level of a statement by its kind alone on MySQL.
pub(super) fn statement_kind(stmt: &Statement, tag: impl FnOnce() -> String) -> Judged {
    use Level::{Destructive, Write};
    match stmt {
        Statement::Insert(insert) if insert.replace_into => judged(
            Destructive,
            "REPLACE deletes the rows whose keys collide before it inserts",
        ),
        Statement::Query(_)
        | Statement::Insert(_)
        | Statement::Update(_)
        | Statement::Delete(_)
        | Statement::Kill { .. }
        | Statement::Call(_)
        | Statement::Execute { .. } => generic::statement_kind(stmt),
        s if generic::reports(s) => generic::statement_kind(stmt),
        Statement::Set(set) => judge_set(set),
        Statement::CreateTable(t) if t.temporary => {
            judged(Write, "CREATE TEMPORARY TABLE creates a table")
        }
        Statement::Savepoint { .. } | Statement::ReleaseSavepoint { .. } => {
            judged(Write, "transaction control")
        }
        Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. } => judged(
            Destructive,
            "transaction control ends the transaction glance runs in, so what follows is not rolled back",
        ),
        Statement::LockTables { .. } | Statement::UnlockTables => judged(
            Destructive,
            "LOCK/UNLOCK TABLES commits implicitly, and table locks survive a rollback",
        ),
        Statement::Prepare { .. } | Statement::Deallocate { .. } => judged(
            Destructive,
            "prepared statements run SQL glance does not see here",
        ),
        Statement::Analyze(_) => judged(
            Destructive,
            "ANALYZE commits implicitly on MySQL, and MariaDB's ANALYZE <statement> runs it",
        ),
        Statement::Flush { .. } => judged(
            Destructive,
            "FLUSH commits implicitly and changes server state",
        ),
        Statement::Reset(_) => judged(
            Destructive,
            "RESET discards server state (logs, caches, replication) and commits implicitly",
        ),
        Statement::Use(_) => judged(
            Destructive,
            "USE switches to another database, whose views and functions glance has not read",
        ),
        Statement::CreateTable(_)
        | Statement::CreateView(_)
        | Statement::CreateIndex(_)
        | Statement::CreateDatabase { .. }
        | Statement::CreateSchema { .. }
        | Statement::CreateFunction(_)
        | Statement::CreateProcedure { .. }
        | Statement::CreateTrigger(_)
        | Statement::CreateSequence { .. }
        | Statement::CreateServer(_)
        | Statement::CreateRole(_)
        | Statement::CreateUser(_)
        | Statement::AlterTable(_)
        | Statement::AlterView { .. }
        | Statement::AlterIndex { .. }
        | Statement::AlterSchema(_)
        | Statement::AlterFunction(_)
        | Statement::AlterUser(_)
        | Statement::AlterRole { .. }
        | Statement::Drop { .. }
        | Statement::DropFunction(_)
        | Statement::DropProcedure { .. }
        | Statement::DropTrigger(_)
        | Statement::Truncate(_)
        | Statement::RenameTable(_)
        | Statement::Grant(_)
        | Statement::Revoke(_) => implicit_commit(&tag()),
        _ => judged(
            Destructive,
            format!("{} is not a statement glance knows on MySQL", tag()),
        ),
    }
}

/// Why a trial in a transaction glance rolls back may not run `stmt` on
/// MySQL: anything but a query commits, locks or reaches beyond the
/// transaction there, and even plain DML is only undone on tables of a
/// transactional engine, which glance cannot tell from the catalog (a
/// MyISAM, Aria or MEMORY table keeps the change, and `AUTO_INCREMENT`
/// counters advance either way).
pub(super) fn trial_refusal(stmt: &Statement, tag: impl FnOnce() -> String) -> Option<String> {
    match stmt {
        Statement::Query(_) => None,
        Statement::Insert(_) | Statement::Update(_) | Statement::Delete(_) => Some(format!(
            "{}: on MySQL a table of a non-transactional engine (MyISAM, Aria, MEMORY) keeps \
             the change after a rollback, and glance cannot tell which engine a table uses",
            tag()
        )),
        _ => Some(format!(
            "{} commits, locks or reaches beyond the transaction on MySQL, which has no \
             transactional DDL",
            tag()
        )),
    }
}

/// Session variables the gate depends on: how the server reads statement
/// text, the transaction glance runs in, and its statement timeout.
fn gate_variable(name: &str) -> Option<&'static str> {
    match name.to_ascii_lowercase().as_str() {
        "sql_mode"
        | "character_set_client"
        | "character_set_connection"
        | "collation_connection" => Some(
            "changes how the server reads statement text, so glance and the server would read later statements differently",
        ),
        "autocommit" => Some("commits the open transaction"),
        "password" => Some("changes a password"),
        "transaction_read_only" | "tx_read_only" => {
            Some("switches off the read-only transaction glance runs statements in")
        }
        "max_statement_time" | "max_execution_time" => {
            Some("lifts the statement timeout glance sets")
        }
        _ => None,
    }
}

/// What assigning `name` (in `scope`) does, as a judgement.
fn judge_assignment(scope: Option<&ContextModifier>, name: &ObjectName) -> Judged {
    let parts: Vec<String> = name
        .0
        .iter()
        .map(|p| p.as_ident().map(|i| i.value.clone()).unwrap_or_default())
        .collect();
    let first = parts.first().map(String::as_str).unwrap_or_default();
    let lower = first.to_ascii_lowercase();
    let global = matches!(scope, Some(ContextModifier::Global))
        || matches!(lower.as_str(), "@@global" | "@@persist" | "@@persist_only");
    if global {
        return judged(
            Level::Destructive,
            "SET GLOBAL changes the server for every session, and no rollback undoes it",
        );
    }
    if first.starts_with('@') && !first.starts_with("@@") {
        return judged(Level::Write, "SET @variable writes a user variable");
    }
    let variable = parts.last().map(String::as_str).unwrap_or_default();
    let variable = variable.trim_start_matches('@');
    match gate_variable(variable) {
        Some(what) => judged(Level::Destructive, format!("SET {variable} {what}")),
        None => judged(Level::Write, "SET changes a session setting"),
    }
}

fn judge_set(set: &Set) -> Judged {
    match set {
        Set::SingleAssignment {
            scope, variable, ..
        } => judge_assignment(scope.as_ref(), variable),
        Set::MultipleAssignments { assignments } => assignments
            .iter()
            .map(|a| judge_assignment(a.scope.as_ref(), &a.name))
            .max_by_key(|j| j.0)
            .unwrap_or((Level::Destructive, Some("an empty SET".into()))),
        Set::ParenthesizedAssignments { variables, .. } => variables
            .iter()
            .map(|v| judge_assignment(None, v))
            .max_by_key(|j| j.0)
            .unwrap_or((Level::Destructive, Some("an empty SET".into()))),
        Set::SetNames { .. } | Set::SetNamesDefault {} => judged(
            Level::Destructive,
            "SET NAMES changes how the server reads statement text",
        ),
        Set::SetRole { .. } | Set::SetSessionAuthorization(_) => {
            judged(Level::Destructive, "SET ROLE switches to other privileges")
        }
        Set::SetTransaction { .. } => judged(
            Level::Write,
            "SET TRANSACTION changes how later transactions run",
        ),
        Set::SetSessionParam(_) | Set::SetTimeZone { .. } => {
            judged(Level::Write, "SET changes a session setting")
        }
    }
}

/// Hints of `/*+ … */` that only steer the optimizer.
#[rustfmt::skip]
const PLANNING_HINTS: &[&str] = &[
    "BKA", "NO_BKA", "BNL", "NO_BNL", "DERIVED_CONDITION_PUSHDOWN",
    "NO_DERIVED_CONDITION_PUSHDOWN", "GROUP_INDEX", "NO_GROUP_INDEX", "HASH_JOIN",
    "NO_HASH_JOIN", "INDEX", "NO_INDEX", "INDEX_MERGE", "NO_INDEX_MERGE", "JOIN_FIXED_ORDER",
    "JOIN_INDEX", "NO_JOIN_INDEX", "JOIN_ORDER", "JOIN_PREFIX", "JOIN_SUFFIX", "MERGE",
    "NO_MERGE", "MRR", "NO_MRR", "NO_ICP", "NO_RANGE_OPTIMIZATION", "ORDER_INDEX",
    "NO_ORDER_INDEX", "QB_NAME", "SEMIJOIN", "NO_SEMIJOIN", "SKIP_SCAN", "NO_SKIP_SCAN",
    "SUBQUERY",
];

/// What a comment token holds that the server reads differently: a `--`
/// not followed by the whitespace the server needs, optimizer hints beyond
/// planning.
pub(super) fn comment_trap(token: &Token) -> Option<(Level, String)> {
    match token {
        Token::Whitespace(Whitespace::MultiLineComment(text)) if text.starts_with('+') => {
            hint_trap(&text[1..])
        }
        Token::Whitespace(Whitespace::SingleLineComment { prefix, comment })
            if prefix == "--" && !comment.starts_with([' ', '\t', '\n', '\r']) =>
        {
            Some((Level::Destructive, dash_reason()))
        }
        _ => None,
    }
}

/// An executable comment `/*! … */` or `/*M! … */` anywhere in `sql` but
/// inside a token that holds text (a string, a quoted name, another
/// comment), given every token's byte span: the tokenizer reads the first
/// kind's content as tokens and the second as a comment, and the server
/// runs both, empty ones included.
pub(super) fn executable_comment(sql: &str, spans: &[Range<usize>]) -> Option<(Level, String)> {
    let inside = |p: usize| spans.iter().any(|s| s.start < p && p < s.end);
    let found = ["/*!", "/*M!"].iter().find_map(|marker| {
        sql.match_indices(marker)
            .map(|(p, _)| p)
            .find(|&p| !inside(p))
            .map(|_| *marker)
    })?;
    let who = if found == "/*M!" {
        "MariaDB"
    } else {
        "the server"
    };
    Some((
        Level::Destructive,
        format!("an executable comment {found} … */: {who} runs what is inside it"),
    ))
}

fn dash_reason() -> String {
    "`--` without a space or tab after it: MySQL reads it differently from glance's parser, so glance refuses it".into()
}

/// The hint names at the top level of an optimizer hint's text, each on
/// [`PLANNING_HINTS`], or why not.
fn hint_trap(text: &str) -> Option<(Level, String)> {
    let mut depth = 0usize;
    let mut word = String::new();
    let mut words = Vec::new();
    for c in text.chars().chain([' ']) {
        if depth == 0 && (c.is_ascii_alphanumeric() || c == '_') {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    let other = words
        .into_iter()
        .find(|w| !PLANNING_HINTS.contains(&w.to_ascii_uppercase().as_str()))?;
    Some((
        Level::Write,
        format!(
            "the optimizer hint {other} does more than steer the plan (SET_VAR and \
             MAX_EXECUTION_TIME change settings)"
        ),
    ))
}

/// What a statement's significant tokens show that the parser may not
/// read: `INTO OUTFILE`/`DUMPFILE`, `INTO @variable`, `:=` assignments, a `--` written
/// together (the server may read a comment there).
pub(super) fn token_traps(tokens: &[Token], spans: &[Range<usize>]) -> Vec<(Level, String)> {
    let mut traps = Vec::new();
    for (i, t) in tokens.iter().enumerate() {
        let next = tokens.get(i + 1);
        match t {
            Token::Word(w)
                if w.quote_style.is_none()
                    && w.value.eq_ignore_ascii_case("into")
                    && next
                        .and_then(keyword)
                        .is_some_and(|k| k == "OUTFILE" || k == "DUMPFILE") =>
            {
                traps.push((
                    Level::Destructive,
                    "INTO OUTFILE/DUMPFILE writes a file on the database server, which no rollback removes".to_string(),
                ));
            }
            Token::Assignment => {
                traps.push((Level::Write, "`:=` assigns a user variable".to_string()))
            }
            Token::Word(w)
                if w.quote_style.is_none()
                    && w.value.eq_ignore_ascii_case("into")
                    && matches!(next, Some(Token::Word(v)) if v.value.starts_with('@')) =>
            {
                traps.push((
                    Level::Write,
                    "INTO @variable writes user variables".to_string(),
                ))
            }
            Token::Minus if next == Some(&Token::Minus) && spans[i].end == spans[i + 1].start => {
                traps.push((Level::Destructive, dash_reason()));
            }
            _ => {}
        }
    }
    traps
}

/// An unquoted word, upper-cased.
fn keyword(token: &Token) -> Option<String> {
    match token {
        Token::Word(w) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    }
}

/// First words of statements the parser does not read that are destructive
/// whatever follows, and why.
const DESTRUCTIVE_STARTS: &[(&[&str], &str)] = &[
    (
        &["SET", "PERSIST"],
        "SET PERSIST changes the server's configuration for good",
    ),
    (
        &["SET", "PERSIST_ONLY"],
        "SET PERSIST_ONLY changes the server's configuration for good",
    ),
    (
        &["SET", "GLOBAL"],
        "SET GLOBAL changes the server for every session",
    ),
    (&["SET", "PASSWORD"], "SET PASSWORD changes a password"),
    (
        &["SET", "DEFAULT", "ROLE"],
        "SET DEFAULT ROLE changes a user's privileges",
    ),
    (
        &["SET", "CHARACTER"],
        "SET CHARACTER SET changes how the server reads statement text",
    ),
    (
        &["SET", "CHARSET"],
        "SET CHARSET changes how the server reads statement text",
    ),
    (
        &["LOAD"],
        "LOAD DATA/XML/INDEX reads files or changes server caches",
    ),
    (
        &["HANDLER"],
        "HANDLER opens tables outside the transaction's statements",
    ),
    (&["DO"], "DO evaluates expressions only for their effects"),
    (&["SHUTDOWN"], "SHUTDOWN stops the server"),
    (&["RESTART"], "RESTART restarts the server"),
    (
        &["INSTALL"],
        "INSTALL PLUGIN/SONAME loads native code into the server",
    ),
    (&["UNINSTALL"], "UNINSTALL removes a plugin"),
    (
        &["FLUSH"],
        "FLUSH changes server state and commits implicitly",
    ),
    (
        &["RESET"],
        "RESET discards server state and commits implicitly",
    ),
    (&["PURGE"], "PURGE removes binary logs"),
    (&["CHANGE"], "CHANGE MASTER/REPLICATION changes replication"),
    (&["START"], "START SLAVE/REPLICA changes replication"),
    (&["STOP"], "STOP SLAVE/REPLICA changes replication"),
    (
        &["XA"],
        "XA transactions commit or prepare outside glance's transaction",
    ),
    (&["PREPARE"], "PREPARE stores SQL glance does not see here"),
    (
        &["EXECUTE"],
        "EXECUTE runs a prepared statement not shown here",
    ),
    (&["BINLOG"], "BINLOG replays binary-log events"),
    (
        &["ANALYZE"],
        "ANALYZE commits implicitly, and MariaDB's ANALYZE <statement> runs it",
    ),
    (&["CHECK"], "CHECK TABLE commits implicitly"),
    (
        &["OPTIMIZE"],
        "OPTIMIZE TABLE rebuilds a table and commits implicitly",
    ),
    (
        &["REPAIR"],
        "REPAIR TABLE rewrites a table and commits implicitly",
    ),
    (
        &["CACHE"],
        "CACHE INDEX changes server caches and commits implicitly",
    ),
    (
        &["LOCK"],
        "LOCK commits implicitly, and its locks survive a rollback",
    ),
    (&["UNLOCK"], "UNLOCK commits implicitly"),
    (&["BACKUP"], "BACKUP STAGE/LOCK blocks the server's writes"),
    (&["CLONE"], "CLONE copies or replaces a data directory"),
    (&["IMPORT"], "IMPORT TABLE adds tables from files"),
    (&["CREATE"], "CREATE commits implicitly on MySQL"),
    (&["ALTER"], "ALTER commits implicitly on MySQL"),
    (&["DROP"], "DROP commits implicitly on MySQL"),
    (&["RENAME"], "RENAME commits implicitly on MySQL"),
    (
        &["TRUNCATE"],
        "TRUNCATE removes every row and commits implicitly",
    ),
    (
        &["GRANT"],
        "GRANT changes privileges and commits implicitly",
    ),
    (
        &["REVOKE"],
        "REVOKE changes privileges and commits implicitly",
    ),
    (&["KILL"], "KILL ends another session or its query"),
    (&["CALL"], "CALL runs a procedure"),
    (
        &["SIGNAL"],
        "SIGNAL raises a condition in stored-program context",
    ),
    (
        &["RESIGNAL"],
        "RESIGNAL raises a condition in stored-program context",
    ),
    (&["BEGIN"], "BEGIN ends the transaction glance runs in"),
    (&["COMMIT"], "COMMIT ends the transaction glance runs in"),
    (
        &["ROLLBACK"],
        "ROLLBACK ends the transaction glance runs in",
    ),
];

/// Judges a statement the parser rejected, when its first words settle it:
/// the destructive starts above, and `SHOW`, `DESCRIBE`, `DESC` and `HELP`
/// written in words, names and literals only (no call can hide there).
pub(super) fn recognise(tokens: &[Token]) -> Option<Judged> {
    let first = keyword(tokens.first()?)?;
    if let Some((_, reason)) = DESTRUCTIVE_STARTS.iter().find(|(words, _)| {
        words.len() <= tokens.len()
            && words
                .iter()
                .zip(tokens)
                .all(|(w, t)| keyword(t).is_some_and(|k| k == *w))
    }) {
        return Some(judged(Level::Destructive, *reason));
    }
    let plain = tokens.iter().all(|t| {
        matches!(
            t,
            Token::Word(_)
                | Token::Number(..)
                | Token::SingleQuotedString(_)
                | Token::DoubleQuotedString(_)
                | Token::Period
                | Token::Comma
                | Token::AtSign
                | Token::Eq
        )
    });
    let words: Vec<String> = tokens.iter().take(3).filter_map(keyword).collect();
    if words == ["SHOW", "CREATE", "USER"] {
        return Some(judged(
            Level::Write,
            "SHOW CREATE USER shows the account's password hash, as mysql.user holds it",
        ));
    }
    match first.as_str() {
        "SHOW" | "DESCRIBE" | "DESC" | "HELP" if plain => Some((Level::ReadOnly, None)),
        "CHECKSUM" if plain => Some(judged(
            Level::Write,
            "CHECKSUM TABLE reads whole tables under a lock",
        )),
        _ => None,
    }
}
