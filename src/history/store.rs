//! The history file on disk: opened in WAL mode with a busy timeout (so
//! several glance processes can write at once), its schema migrated by
//! append-only steps numbered with `PRAGMA user_version`, and a file SQLite
//! cannot read moved aside so a fresh one can start. Nothing here ever
//! deletes a file.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags, TransactionBehavior};

/// How long a write waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Schema steps in order: step `i` takes `user_version` from `i` to `i + 1`.
/// Append only; never edit a step that has been released.
const MIGRATIONS: &[&str] = &[
    // 1: one row per statement and per question answered without SQL, and an
    // FTS5 index over question and SQL kept in step by triggers.
    "CREATE TABLE entries (
         id INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         profile TEXT,
         database_name TEXT NOT NULL,
         question TEXT,
         sql TEXT,
         level TEXT,
         ran INTEGER NOT NULL,
         db_ms REAL,
         llm_ms REAL,
         row_count INTEGER,
         input_tokens INTEGER,
         output_tokens INTEGER,
         cached_tokens INTEGER,
         reasoning_tokens INTEGER,
         cost_usd REAL,
         provider TEXT,
         model TEXT,
         error TEXT
     );
     CREATE VIRTUAL TABLE entries_fts USING fts5(
         question, sql, content = 'entries', content_rowid = 'id'
     );
     CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
         INSERT INTO entries_fts (rowid, question, sql) VALUES (new.id, new.question, new.sql);
     END;
     CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
         INSERT INTO entries_fts (entries_fts, rowid, question, sql)
             VALUES ('delete', old.id, old.question, old.sql);
     END;
     CREATE TRIGGER entries_fts_update AFTER UPDATE ON entries BEGIN
         INSERT INTO entries_fts (entries_fts, rowid, question, sql)
             VALUES ('delete', old.id, old.question, old.sql);
         INSERT INTO entries_fts (rowid, question, sql) VALUES (new.id, new.question, new.sql);
     END;",
    // 2: the values bound to a statement's placeholders (a saved query's
    // arguments), kept apart from its SQL as a JSON array of text or null.
    "ALTER TABLE entries ADD COLUMN params TEXT;",
    // 3: question/SQL pairs learned from accepted answers, and their index.
    super::examples::SCHEMA,
    // 4: the tools the model called before it answered, a JSON array of
    // their lines (`describe_table(orders)`).
    "ALTER TABLE entries ADD COLUMN tool_calls TEXT;",
];

/// Why the history file could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "{} was written by a newer glance (history schema {found}; this glance knows up to {known})",
        path.display()
    )]
    Newer {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("cannot open {}: {source}", path.display())]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
    #[error("cannot create {}: {source}", path.display())]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{} is not a regular file (a FIFO or a device cannot hold the history)", path.display())]
    NotAFile { path: PathBuf },
    #[error("cannot make {} private: {source}", path.display())]
    Private {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot move the unreadable {} aside: {source}", path.display())]
    MoveAside {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// An unreadable history file that was renamed so a fresh one could start.
#[derive(Debug)]
pub struct MovedAside {
    pub to: PathBuf,
    /// What SQLite said about the file.
    pub reason: rusqlite::Error,
}

/// Opens (creating and migrating as needed) the history at `path`. A file
/// SQLite cannot read as a database is renamed to
/// `<name>.corrupt-<UTC time>` (with its `-wal`/`-shm` files) and a new one
/// is created in its place.
pub fn open(path: &Path) -> Result<(Connection, Option<MovedAside>), OpenError> {
    let moved = match probe(path) {
        Err(reason) if unreadable(&reason) => {
            let to = move_aside(path)?;
            // SQLite would create the fresh file (and its -wal/-shm, which
            // take the file's mode) as the umask says: create it private.
            crate::files::create_private(path).map_err(|source| OpenError::Private {
                path: path.to_path_buf(),
                source,
            })?;
            Some(MovedAside { to, reason })
        }
        _ => None,
    };
    Ok((connect_when_free(path)?, moved))
}

/// [`connect`], tried again while another process holds a lock: switching
/// to WAL and the first migration take locks SQLite reports as busy at once,
/// without waiting through the busy timeout, when two glance processes
/// start together.
fn connect_when_free(path: &Path) -> Result<Connection, OpenError> {
    let started = std::time::Instant::now();
    loop {
        match connect(path) {
            Err(OpenError::Sqlite { source, .. })
                if is_busy(&source) && started.elapsed() < BUSY_TIMEOUT =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Reads an existing file's header through a read-only connection, which
/// (unlike a read-write one) never checkpoints or removes a `-wal` file when
/// it closes, so a file about to be moved aside keeps its companions.
fn probe(path: &Path) -> rusqlite::Result<()> {
    if !path.exists() {
        return Ok(());
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.query_row("PRAGMA schema_version", [], |_| Ok(()))
}

fn connect(path: &Path) -> Result<Connection, OpenError> {
    let sqlite = |source| OpenError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let mut conn = Connection::open(path).map_err(sqlite)?;
    conn.busy_timeout(BUSY_TIMEOUT).map_err(sqlite)?;
    conn.query_row("PRAGMA journal_mode = WAL", [], |_| Ok(()))
        .map_err(sqlite)?;
    conn.pragma_update(None, "synchronous", "NORMAL")
        .map_err(sqlite)?;
    migrate(&mut conn, path)?;
    Ok(conn)
}

/// Brings the schema up to date inside one write transaction, so two
/// processes starting at once migrate once.
fn migrate(conn: &mut Connection, path: &Path) -> Result<(), OpenError> {
    let sqlite = |source| OpenError::Sqlite {
        path: path.to_path_buf(),
        source,
    };
    let known = MIGRATIONS.len() as i64;
    if user_version(conn).map_err(sqlite)? == known {
        return Ok(());
    }
    let tx = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .map_err(sqlite)?;
    let found = user_version(&tx).map_err(sqlite)?;
    if found > known {
        return Err(OpenError::Newer {
            path: path.to_path_buf(),
            found,
            known,
        });
    }
    for step in &MIGRATIONS[found.max(0) as usize..] {
        tx.execute_batch(step).map_err(sqlite)?;
    }
    tx.pragma_update(None, "user_version", known)
        .map_err(sqlite)?;
    tx.commit().map_err(sqlite)
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |row| row.get(0))
}

/// Errors that mean the file itself cannot be used as a database (as opposed
/// to a busy lock or a full disk, which moving the file would not fix).
fn unreadable(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(
            ErrorCode::NotADatabase
                | ErrorCode::DatabaseCorrupt
                | ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
        )
    )
}

/// Renames `path` (and its `-wal`/`-shm` files, which belong to it) to a
/// name no other file has; returns the new name.
fn move_aside(path: &Path) -> Result<PathBuf, OpenError> {
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%SZ");
    let base = format!("{}.corrupt-{stamp}", path.display());
    let to = (1..)
        .map(|n| match n {
            1 => PathBuf::from(&base),
            n => PathBuf::from(format!("{base}-{n}")),
        })
        .find(|candidate| !candidate.exists())
        .expect("an unused name exists");
    let failed = |source| OpenError::MoveAside {
        path: path.to_path_buf(),
        source,
    };
    for suffix in ["-wal", "-shm"] {
        let companion = sibling(path, suffix);
        if companion.exists() {
            std::fs::rename(&companion, sibling(&to, suffix)).map_err(failed)?;
        }
    }
    std::fs::rename(path, &to).map_err(failed)?;
    Ok(to)
}

/// `path` with `suffix` appended to its file name (`history.db-wal`).
fn sibling(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(tag: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("glance-history-store-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create scratch dir");
        dir
    }

    #[test]
    fn a_new_file_gets_the_schema_wal_and_the_version() {
        let path = scratch("new").join("history.db");
        let (conn, moved) = open(&path).expect("open");
        assert!(moved.is_none());
        assert_eq!(user_version(&conn).unwrap(), MIGRATIONS.len() as i64);
        let mode: String = conn
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        drop(conn);
        let (again, _) = open(&path).expect("reopen");
        assert_eq!(user_version(&again).unwrap(), MIGRATIONS.len() as i64);
    }

    #[test]
    fn fts5_is_compiled_in() {
        let conn = Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE VIRTUAL TABLE t USING fts5(x)")
            .expect("the bundled SQLite has FTS5");
    }

    #[test]
    fn garbage_is_moved_aside_with_its_companions_and_a_fresh_file_made() {
        let dir = scratch("garbage");
        let path = dir.join("history.db");
        let garbage = b"this is not a database, just some bytes ".repeat(100);
        std::fs::write(&path, &garbage).unwrap();
        std::fs::write(sibling(&path, "-wal"), b"stale wal").unwrap();
        let (conn, moved) = open(&path).expect("open after moving aside");
        let moved = moved.expect("the garbage was moved");
        assert_eq!(std::fs::read(&moved.to).unwrap(), garbage);
        assert_eq!(
            std::fs::read(sibling(&moved.to, "-wal")).unwrap(),
            b"stale wal"
        );
        assert!(
            moved
                .to
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("history.db.corrupt-")
        );
        assert_eq!(user_version(&conn).unwrap(), MIGRATIONS.len() as i64);
        drop(conn);
        // A second garbage file in the same second gets a name of its own.
        std::fs::remove_file(&path).unwrap();
        let _ = std::fs::remove_file(sibling(&path, "-wal"));
        let _ = std::fs::remove_file(sibling(&path, "-shm"));
        std::fs::write(&path, b"more garbage, also not a database........").unwrap();
        let (_, second) = open(&path).expect("open");
        let second = second.expect("moved again");
        assert_ne!(second.to, moved.to);
        assert_eq!(std::fs::read(&moved.to).unwrap(), garbage, "kept");
    }

    #[test]
    fn a_first_version_file_keeps_its_entries_and_gains_the_examples() {
        let path = scratch("step1").join("history.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(MIGRATIONS[0]).unwrap();
        conn.execute(
            "INSERT INTO entries (at, database_name, sql, ran) VALUES ('2026-01-01T00:00:00Z', 'shop', 'select 1', 1)",
            [],
        )
        .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        drop(conn);
        let (conn, moved) = open(&path).expect("migrate");
        assert!(moved.is_none());
        assert_eq!(user_version(&conn).unwrap(), MIGRATIONS.len() as i64);
        let kept: String = conn
            .query_row("SELECT sql FROM entries", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kept, "select 1");
        let examples: i64 = conn
            .query_row("SELECT count(*) FROM examples", [], |r| r.get(0))
            .unwrap();
        assert_eq!(examples, 0);
    }

    #[test]
    fn a_file_from_a_newer_glance_is_refused_not_moved() {
        let path = scratch("newer").join("history.db");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 999).unwrap();
        drop(conn);
        let error = open(&path).expect_err("newer schema");
        assert!(
            matches!(error, OpenError::Newer { found: 999, .. }),
            "{error}"
        );
        assert!(error.to_string().contains("newer glance"), "{error}");
        assert!(path.exists());
    }
}
