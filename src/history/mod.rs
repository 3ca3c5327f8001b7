//! Persistent history: every statement glance ran (or was asked to run) and
//! every question answered without SQL, in SQLite at
//! `$XDG_DATA_HOME/glance/history.db`, searchable with FTS5. Also names the
//! file of the REPL's line history, which lives beside it.
//!
//! History never stops glance: when the file cannot be opened or written,
//! it hands the front end a [`Warning`] to show once, and glance carries on
//! without it.

pub mod examples;
mod store;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, params};

pub use store::{MovedAside, OpenError};

use crate::querylog::{Entry, QuestionNote};
use crate::usage::{Ledger, Tally};

/// The history database's file name in glance's data directory.
const FILE_NAME: &str = "history.db";
/// The REPL's line history (arrow-up), beside the database.
const LINE_FILE_NAME: &str = "line_history";

/// An open history database.
pub struct History {
    conn: Connection,
    line_history: PathBuf,
    /// Whether a write has failed (it is reported once per process).
    write_warned: bool,
    /// The first failed write, until the front end takes it.
    unreported: Option<Warning>,
    /// Files and the directory that others could read, made private at open.
    tightened: Vec<PathBuf>,
}

/// Something the person should know about the history, shown by the front
/// end after `glance: ` (the text starts with its kind, `warning:` or
/// `notice:`). glance carries on, with the history or without it.
#[derive(Debug, thiserror::Error)]
pub enum Warning {
    #[error("warning: cannot find the data directory (set XDG_DATA_HOME or HOME); history is off")]
    NoDataDirectory,
    #[error(
        "notice: other users could read {}; it is now private to you (0700 for the directory, 0600 for files)",
        listed(.0)
    )]
    MadePrivate(Vec<PathBuf>),
    #[error(
        "warning: the history file could not be read ({}); it was moved to {} and a new one started",
        .0.reason,
        .0.to.display()
    )]
    MovedAside(MovedAside),
    #[error("warning: {0}; continuing without history")]
    Unavailable(OpenError),
    #[error("warning: could not write to the history: {0}")]
    WriteFailed(rusqlite::Error),
}

/// `paths`, comma-separated.
fn listed(paths: &[PathBuf]) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    names.join(", ")
}

/// The history in glance's data directory, or `None` when `enabled` is
/// false or it cannot be opened; with what the person should be told. An
/// unreadable file is moved aside, with a warning, and a fresh one started.
pub fn open(enabled: bool) -> (Option<History>, Vec<Warning>) {
    if !enabled {
        return (None, Vec::new());
    }
    let Some(dir) = dirs::data_dir() else {
        return (None, vec![Warning::NoDataDirectory]);
    };
    match History::open_in(&dir.join("glance")) {
        Ok((history, moved)) => {
            let mut warnings = Vec::new();
            if !history.tightened.is_empty() {
                warnings.push(Warning::MadePrivate(history.tightened.clone()));
            }
            warnings.extend(moved.map(Warning::MovedAside));
            (Some(history), warnings)
        }
        Err(error) => (None, vec![Warning::Unavailable(error)]),
    }
}

/// What to record about one statement or question.
#[derive(Clone, Debug)]
pub struct Record<'a> {
    pub at: jiff::Timestamp,
    pub profile: Option<&'a str>,
    pub database: &'a str,
    pub question: Option<&'a QuestionNote>,
    pub sql: Option<&'a str>,
    /// The values bound to its placeholders.
    pub params: &'a [crate::db::Param],
    /// The classifier's level, `read_only`/`write`/`destructive`.
    pub level: Option<&'static str>,
    pub ran: bool,
    pub db_time: Option<Duration>,
    pub rows: Option<u64>,
    pub error: Option<&'a str>,
}

impl<'a> Record<'a> {
    /// A statement from the session's query log.
    pub fn statement(entry: &'a Entry, profile: Option<&'a str>, database: &'a str) -> Self {
        Record {
            at: entry.at,
            profile,
            database,
            question: entry.question.as_ref(),
            sql: Some(&entry.sql),
            params: &entry.params,
            level: Some(entry.level.as_str()),
            ran: entry.ran,
            db_time: entry.ran.then_some(entry.duration),
            rows: entry.rows,
            error: entry.error.as_deref(),
        }
    }

    /// A question that produced no statement: answered in prose, or failed
    /// at the model (`error`).
    pub fn question(
        note: &'a QuestionNote,
        error: Option<&'a str>,
        profile: Option<&'a str>,
        database: &'a str,
    ) -> Self {
        Record {
            at: jiff::Timestamp::now(),
            profile,
            database,
            question: Some(note),
            sql: None,
            params: &[],
            level: None,
            ran: false,
            db_time: None,
            rows: None,
            error,
        }
    }
}

/// One entry read back from the history.
#[derive(Clone, Debug, PartialEq)]
pub struct Stored {
    /// The entry's number, as `\history N` and `\rerun N` take it.
    pub id: i64,
    pub at: jiff::Timestamp,
    pub profile: Option<String>,
    pub database: String,
    pub question: Option<String>,
    pub sql: Option<String>,
    pub level: Option<String>,
    pub ran: bool,
    pub db_time: Option<Duration>,
    pub llm_time: Option<Duration>,
    pub rows: Option<u64>,
    pub input_tokens: Option<u64>,
    pub output_tokens: Option<u64>,
    pub cached_tokens: Option<u64>,
    pub reasoning_tokens: Option<u64>,
    /// What the model call cost in US dollars, when the price was known.
    pub cost_usd: Option<f64>,
    pub provider: Option<String>,
    pub model: Option<String>,
    pub error: Option<String>,
    /// The values bound to the statement's placeholders.
    pub params: Vec<crate::db::Param>,
    /// The tools the model called before it answered, one line each.
    pub tool_calls: Vec<String>,
}

/// One statement's runs on a database, summed ([`History::slowest`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Timed {
    pub sql: String,
    pub calls: u64,
    pub total_ms: f64,
    pub rows: Option<u64>,
}

const COLUMNS: &str = "id, at, profile, database_name, question, sql, level, ran, db_ms, llm_ms, \
     row_count, input_tokens, output_tokens, cached_tokens, reasoning_tokens, cost_usd, \
     provider, model, error, params, tool_calls";

impl History {
    /// Opens (or creates) `dir/history.db`; the second value says where an
    /// unreadable file was moved.
    /// The directory and the files are made private to their owner
    /// (0700, 0600); those that were not are listed in `tightened`.
    pub fn open_in(dir: &Path) -> Result<(History, Option<MovedAside>), OpenError> {
        let mut tightened = Vec::new();
        if crate::files::private_dir(dir).map_err(|source| OpenError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })? {
            tightened.push(dir.to_path_buf());
        }
        let path = dir.join(FILE_NAME);
        let line_history = dir.join(LINE_FILE_NAME);
        for file in [&path, &line_history] {
            if crate::files::regular_or_missing(file).is_err() {
                return Err(OpenError::NotAFile { path: file.clone() });
            }
        }
        // SQLite creates the file as the umask says; create it private first.
        match crate::files::create_private(&path) {
            Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => {
                return Err(OpenError::Private {
                    path,
                    source: error,
                });
            }
            _ => {}
        }
        let companions = ["-wal", "-shm"].map(|suffix| {
            let mut name = path.clone().into_os_string();
            name.push(suffix);
            PathBuf::from(name)
        });
        let files: Vec<PathBuf> = [&path, &line_history]
            .into_iter()
            .chain(&companions)
            .cloned()
            .collect();
        // Which files others could read before: a file moved aside as
        // unreadable is replaced by a new one, which is no news.
        let loose_before: Vec<bool> = files
            .iter()
            .map(|file| crate::files::is_loose(file))
            .collect();
        let (conn, moved) = store::open(&path)?;
        for (file, loose) in files.iter().zip(loose_before) {
            crate::files::private_file(file).map_err(|source| OpenError::Private {
                path: file.clone(),
                source,
            })?;
            let replaced = moved.is_some() && *file != line_history;
            if loose && !replaced {
                tightened.push(file.clone());
            }
        }
        let history = History {
            conn,
            line_history,
            write_warned: false,
            unreported: None,
            tightened,
        };
        Ok((history, moved))
    }

    /// Where the REPL keeps its line history.
    pub fn line_history_path(&self) -> &Path {
        &self.line_history
    }

    /// Adds `record`. The first failure waits in [`History::take_warning`]
    /// and later ones are ignored: history never stops a statement.
    pub fn record(&mut self, record: &Record) {
        if let Err(error) = self.insert(record) {
            if !self.write_warned {
                self.unreported = Some(Warning::WriteFailed(error));
            }
            self.write_warned = true;
        }
    }

    /// The warning about a failed write, once, for the front end to show.
    pub fn take_warning(&mut self) -> Option<Warning> {
        self.unreported.take()
    }

    fn insert(&self, r: &Record) -> rusqlite::Result<()> {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        // A rerun keeps its question (the statement's origin) but made no
        // model call, so it has no provider, time, tokens or cost.
        let call = r.question.filter(|note| note.is_model_call());
        let note = r.question;
        let redacted = |text: &str| crate::redact::text(text);
        self.conn
            .prepare_cached(
                "INSERT INTO entries (at, profile, database_name, question, sql, level, ran, \
                 db_ms, llm_ms, row_count, input_tokens, output_tokens, cached_tokens, \
                 reasoning_tokens, cost_usd, provider, model, error, params, tool_calls) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)",
            )?
            .execute(params![
                r.at.to_string(),
                r.profile,
                r.database,
                note.map(|n| redacted(&n.question)),
                r.sql.map(redacted),
                r.level,
                r.ran,
                r.db_time.map(ms),
                call.map(|n| ms(n.llm_time)),
                r.rows.map(saturating_i64),
                call.map(|n| saturating_i64(n.usage.input_tokens)),
                call.map(|n| saturating_i64(n.usage.output_tokens)),
                call.and_then(|n| n.usage.cached_tokens).map(saturating_i64),
                call.and_then(|n| n.usage.reasoning_tokens).map(saturating_i64),
                call.and_then(|n| n.cost.dollars()),
                call.map(|n| &n.provider),
                call.map(|n| &n.model),
                r.error.map(redacted),
                (!r.params.is_empty()).then(|| serde_json::json!(r.params).to_string()),
                call.filter(|n| !n.tool_calls.is_empty())
                    .map(|n| redacted(&serde_json::json!(n.tool_calls).to_string())),
            ])?;
        Ok(())
    }

    /// The `limit` newest entries, newest first.
    pub fn recent(&self, limit: usize) -> rusqlite::Result<Vec<Stored>> {
        self.select(
            &format!("SELECT {COLUMNS} FROM entries ORDER BY id DESC LIMIT ?1"),
            params![saturating_i64(limit as u64)],
        )
    }

    /// The `limit` newest entries whose question or SQL has words starting
    /// with each of `words` (whitespace-separated), newest first.
    pub fn search(&self, words: &str, limit: usize) -> rusqlite::Result<Vec<Stored>> {
        self.select(
            &format!(
                "SELECT {COLUMNS} FROM entries WHERE id IN \
                 (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?1) \
                 ORDER BY id DESC LIMIT ?2"
            ),
            params![match_expression(words), saturating_i64(limit as u64)],
        )
    }

    /// Entry number `id`, if there is one.
    pub fn get(&self, id: i64) -> rusqlite::Result<Option<Stored>> {
        self.conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM entries WHERE id = ?1"),
                [id],
                stored,
            )
            .optional()
    }

    /// Model use since `since`, per provider and model.
    pub fn usage_since(&self, since: jiff::Timestamp) -> rusqlite::Result<Ledger> {
        let mut statement = self.conn.prepare(
            "SELECT provider, model, count(*), total(input_tokens), total(output_tokens), \
                    total(cached_tokens), total(reasoning_tokens), total(cost_usd), \
                    count(*) - count(cost_usd) \
             FROM entries WHERE provider IS NOT NULL AND at >= ?1 \
             GROUP BY provider, model",
        )?;
        let mut ledger = Ledger::default();
        let mut rows = statement.query([since.to_string()])?;
        while let Some(row) = rows.next()? {
            let count = |index: usize| -> rusqlite::Result<u64> {
                Ok(row.get::<_, f64>(index)?.max(0.0) as u64)
            };
            let provider: String = row.get(0)?;
            let model: String = row.get(1)?;
            let tally = Tally {
                calls: row.get::<_, i64>(2)?.max(0) as u64,
                input: count(3)?,
                output: count(4)?,
                cached: count(5)?,
                reasoning: count(6)?,
                dollars: row.get(7)?,
                unpriced: row.get::<_, i64>(8)?.max(0) as u64,
            };
            ledger.add(&provider, &model, tally);
        }
        Ok(ledger)
    }

    /// The statements that ran on `database`, grouped by their text, the
    /// `limit` slowest first by total time or (`by_mean`) mean time.
    pub fn slowest(
        &self,
        database: &str,
        by_mean: bool,
        limit: usize,
    ) -> rusqlite::Result<Vec<Timed>> {
        let key = if by_mean {
            "total(db_ms) / count(*)"
        } else {
            "total(db_ms)"
        };
        let mut statement = self.conn.prepare(&format!(
            "SELECT sql, count(*), total(db_ms), sum(row_count) FROM entries \
             WHERE ran AND sql IS NOT NULL AND db_ms IS NOT NULL AND database_name = ?1 \
             GROUP BY sql ORDER BY {key} DESC LIMIT ?2"
        ))?;
        statement
            .query_map(params![database, saturating_i64(limit as u64)], |row| {
                Ok(Timed {
                    sql: row.get(0)?,
                    calls: row.get::<_, i64>(1)?.max(0) as u64,
                    total_ms: row.get(2)?,
                    rows: row.get::<_, Option<i64>>(3)?.map(|n| n.max(0) as u64),
                })
            })?
            .collect()
    }

    fn select(&self, sql: &str, params: impl rusqlite::Params) -> rusqlite::Result<Vec<Stored>> {
        self.conn.prepare(sql)?.query_map(params, stored)?.collect()
    }
}

/// An FTS5 query matching entries with every word as a prefix. Each word is
/// quoted (with `"` doubled), so nothing a person types is FTS syntax.
fn match_expression(words: &str) -> String {
    words
        .split_whitespace()
        .map(|word| format!("\"{}\"*", word.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" ")
}

fn stored(row: &Row) -> rusqlite::Result<Stored> {
    // A value no duration can hold (written by hand, or by a broken clock)
    // reads as unknown.
    let duration =
        |ms: Option<f64>| ms.and_then(|ms| Duration::try_from_secs_f64(ms.max(0.0) / 1000.0).ok());
    let count = |n: Option<i64>| n.map(|n| n.max(0) as u64);
    let at: String = row.get(1)?;
    Ok(Stored {
        id: row.get(0)?,
        at: at.parse().map_err(|e: jiff::Error| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, e.into())
        })?,
        profile: row.get(2)?,
        database: row.get(3)?,
        question: row.get(4)?,
        sql: row.get(5)?,
        level: row.get(6)?,
        ran: row.get(7)?,
        db_time: duration(row.get(8)?),
        llm_time: duration(row.get(9)?),
        rows: count(row.get(10)?),
        input_tokens: count(row.get(11)?),
        output_tokens: count(row.get(12)?),
        cached_tokens: count(row.get(13)?),
        reasoning_tokens: count(row.get(14)?),
        cost_usd: row.get(15)?,
        provider: row.get(16)?,
        model: row.get(17)?,
        error: row.get(18)?,
        params: row
            .get::<_, Option<String>>(19)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default(),
        tool_calls: row
            .get::<_, Option<String>>(20)?
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default(),
    })
}

fn saturating_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::safety::Level;

    fn scratch(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("glance-history-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn entry(sql: &str) -> Entry {
        Entry {
            at: jiff::Timestamp::from_second(1_700_000_000).unwrap(),
            sql: sql.to_string(),
            params: Vec::new(),
            level: Level::ReadOnly,
            ran: true,
            duration: Duration::from_millis(3),
            rows: Some(2),
            error: None,
            question: None,
        }
    }

    fn note(question: &str) -> QuestionNote {
        QuestionNote {
            question: question.to_string(),
            llm_time: Duration::from_millis(1500),
            usage: crate::llm::Usage {
                input_tokens: 1200,
                output_tokens: 80,
                ..Default::default()
            },
            cost: crate::price::Cost::Dollars(0.00046),
            provider: "openai".into(),
            model: "gpt-5-mini".into(),
            tool_calls: Vec::new(),
        }
    }

    #[test]
    fn slowest_sums_each_statement_on_one_database() {
        let (mut history, _) = History::open_in(&scratch("slowest")).unwrap();
        let mut slow = entry("select slow");
        slow.duration = Duration::from_millis(40);
        let quick = entry("select quick");
        for _ in 0..20 {
            history.record(&Record::statement(&quick, None, "shop"));
        }
        history.record(&Record::statement(&slow, None, "shop"));
        history.record(&Record::statement(&slow, None, "elsewhere"));

        let by_total = history.slowest("shop", false, 10).unwrap();
        assert_eq!(by_total[0].sql, "select quick");
        assert_eq!((by_total[0].calls, by_total[0].rows), (20, Some(40)));
        assert_eq!(by_total[1].total_ms, 40.0);
        let by_mean = history.slowest("shop", true, 1).unwrap();
        assert_eq!(by_mean.len(), 1);
        assert_eq!(
            (by_mean[0].sql.as_str(), by_mean[0].calls),
            ("select slow", 1)
        );
    }

    #[test]
    fn records_read_back_with_every_field() {
        let (mut history, _) = History::open_in(&scratch("fields")).unwrap();
        let mut generated = entry("select count(*) from orders");
        let mut asked = note("how many orders?");
        asked.tool_calls = vec!["describe_table(orders)".into()];
        generated.question = Some(asked);
        history.record(&Record::statement(&generated, Some("prod"), "shop"));
        let prose = note("what is a foreign key?");
        history.record(&Record::question(&prose, None, None, "shop"));

        let first = history.get(1).unwrap().expect("entry 1");
        assert_eq!(first.id, 1);
        assert_eq!(first.at, generated.at);
        assert_eq!(first.profile.as_deref(), Some("prod"));
        assert_eq!(first.database, "shop");
        assert_eq!(first.question.as_deref(), Some("how many orders?"));
        assert_eq!(first.sql.as_deref(), Some("select count(*) from orders"));
        assert_eq!(first.level.as_deref(), Some("read_only"));
        assert!(first.ran);
        assert_eq!(first.db_time, Some(Duration::from_millis(3)));
        assert_eq!(first.llm_time, Some(Duration::from_millis(1500)));
        assert_eq!(first.rows, Some(2));
        assert_eq!(
            (first.input_tokens, first.output_tokens),
            (Some(1200), Some(80))
        );
        assert_eq!(first.provider.as_deref(), Some("openai"));
        assert_eq!(first.model.as_deref(), Some("gpt-5-mini"));
        assert_eq!(first.error, None);
        assert_eq!(first.tool_calls, ["describe_table(orders)"]);

        let second = history.get(2).unwrap().expect("entry 2");
        assert_eq!(second.sql, None);
        assert_eq!(second.level, None);
        assert!(!second.ran);
        assert_eq!(history.get(3).unwrap(), None);
    }

    #[test]
    fn recent_is_newest_first_and_limited() {
        let (mut history, _) = History::open_in(&scratch("recent")).unwrap();
        for n in 1..=5 {
            history.record(&Record::statement(
                &entry(&format!("select {n}")),
                None,
                "db",
            ));
        }
        let ids: Vec<i64> = history.recent(3).unwrap().iter().map(|s| s.id).collect();
        assert_eq!(ids, [5, 4, 3]);
    }

    #[test]
    fn search_matches_word_prefixes_in_question_and_sql() {
        let (mut history, _) = History::open_in(&scratch("search")).unwrap();
        let mut asked = entry("select name from customers");
        asked.question = Some(note("who are our best customers?"));
        history.record(&Record::statement(&asked, None, "db"));
        history.record(&Record::statement(
            &entry("select * from orders"),
            None,
            "db",
        ));
        history.record(&Record::statement(
            &entry("select total from orders where total > 10"),
            None,
            "db",
        ));
        let ids = |words: &str| -> Vec<i64> {
            history
                .search(words, 10)
                .unwrap()
                .iter()
                .map(|s| s.id)
                .collect()
        };
        assert_eq!(ids("orders"), [3, 2]);
        assert_eq!(ids("ord"), [3, 2], "prefix");
        assert_eq!(ids("orders total"), [3], "every word");
        assert_eq!(ids("best"), [1], "question text");
        assert_eq!(ids("CUSTOMERS"), [1], "case");
        assert_eq!(ids("nothing"), Vec::<i64>::new());
        // FTS syntax typed by a person is only text.
        for tricky in [
            "\"",
            "a\"b",
            "NOT",
            "orders OR",
            "(",
            "*",
            "-x",
            "col:x",
            "^",
            ":",
        ] {
            assert!(history.search(tricky, 10).is_ok(), "{tricky:?}");
        }
    }

    #[test]
    fn two_writers_lose_nothing() {
        let dir = scratch("writers");
        let (mut first, _) = History::open_in(&dir).unwrap();
        let (mut second, _) = History::open_in(&dir).unwrap();
        let writers = [
            std::thread::spawn(move || {
                for n in 0..200 {
                    first.record(&Record::statement(
                        &entry(&format!("select {n}")),
                        None,
                        "a",
                    ));
                }
                first
            }),
            std::thread::spawn(move || {
                for n in 0..200 {
                    second.record(&Record::statement(
                        &entry(&format!("select {n}")),
                        None,
                        "b",
                    ));
                }
                second
            }),
        ];
        let histories: Vec<History> = writers.into_iter().map(|w| w.join().unwrap()).collect();
        assert_eq!(histories[0].recent(1000).unwrap().len(), 400);
        assert!(histories.iter().all(|h| !h.write_warned));
    }

    #[test]
    fn match_expressions_quote_every_word() {
        assert_eq!(match_expression("a b"), "\"a\"* \"b\"*");
        assert_eq!(match_expression(" say \"hi\" "), "\"say\"* \"\"\"hi\"\"\"*");
    }
}
