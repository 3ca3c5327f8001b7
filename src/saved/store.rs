//! Where saved queries live: one `NAME.sql` per query in the person's
//! `$XDG_DATA_HOME/glance/queries/`, and the team's in the team folder's
//! `queries/`. A personal query hides a team one of the same name. Files
//! are written whole to a temporary file and then moved into place; an
//! existing file is replaced only when the caller says so.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::file::{self, Saved};
use crate::team::Team;

/// The largest saved-query file read.
const FILE_CAP: u64 = 1 << 20;

/// Whose a saved query is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    Personal,
    Team,
}

impl Place {
    pub fn word(self) -> &'static str {
        match self {
            Place::Personal => "personal",
            Place::Team => "team",
        }
    }
}

/// A saved query found by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub name: String,
    pub place: Place,
    pub path: PathBuf,
    pub saved: Saved,
}

/// Why a saved query could not be read, written or found.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("`{0}` is not a saved query name: use letters, digits, `_` and `-`")]
    BadName(String),
    #[error("there is no saved query named `{0}`")]
    NotFound(String),
    #[error("a saved query named `{name}` already exists: {}", .path.display())]
    Exists { name: String, path: PathBuf },
    #[error("`{name}` is a team query ({}); only your own queries are deleted here", .path.display())]
    TeamOnly { name: String, path: PathBuf },
    #[error("there is no team folder to share `{0}` into")]
    NoTeam(String),
    #[error("cannot find the data directory for saved queries (set XDG_DATA_HOME or HOME)")]
    NoDataDir,
    #[error("could not {action} {}: {source}", .path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

impl StoreError {
    /// What to do about it.
    pub fn hint(&self) -> Option<String> {
        match self {
            StoreError::BadName(_) => Some("for example orders_by_status or top-10".into()),
            StoreError::NotFound(_) => Some("\\n (or glance run --list) lists them".into()),
            StoreError::Exists { name, .. } => Some(format!(
                "delete it first (\\nd {name} for your own; remove the file for a team one), or choose another name"
            )),
            StoreError::TeamOnly { .. } => {
                Some("remove the file from the team folder to delete it for everyone".into())
            }
            StoreError::NoTeam(_) => Some(
                "create one beside the project's code (mkdir -p .glance/queries), or name one with --team-dir or GLANCE_TEAM_DIR"
                    .into(),
            ),
            StoreError::NoDataDir | StoreError::Io { .. } => None,
        }
    }
}

/// Whether `name` may name a saved query: letters, digits, `_` and `-`,
/// not starting with `-` (it would read as a flag).
pub fn check_name(name: &str) -> Result<(), StoreError> {
    let fits = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('-')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if fits {
        Ok(())
    } else {
        Err(StoreError::BadName(name.to_string()))
    }
}

/// The two folders saved queries are read from.
#[derive(Clone, Debug, Default)]
pub struct Store {
    personal: Option<PathBuf>,
    team: Option<PathBuf>,
}

impl Store {
    /// The person's folder in glance's data directory, and the team's.
    pub fn open(team: Option<&Team>) -> Store {
        Store {
            personal: dirs::data_dir().map(|dir| dir.join("glance").join("queries")),
            team: team.map(Team::queries_dir),
        }
    }

    /// Every saved query, by name; a personal one hides a team one.
    pub fn list(&self) -> Result<Vec<Found>, StoreError> {
        let mut found = Vec::new();
        for (dir, place) in self.folders() {
            for (name, path) in sql_files(dir)? {
                if !found.iter().any(|f: &Found| f.name == name) {
                    let saved = read(&path)?;
                    found.push(Found {
                        name,
                        place,
                        path,
                        saved,
                    });
                }
            }
        }
        found.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(found)
    }

    /// The saved query `name`: the person's, else the team's.
    pub fn find(&self, name: &str) -> Result<Found, StoreError> {
        check_name(name)?;
        for (dir, place) in self.folders() {
            let path = dir.join(format!("{name}.sql"));
            if path.is_file() {
                return Ok(Found {
                    name: name.to_string(),
                    place,
                    saved: read(&path)?,
                    path,
                });
            }
        }
        Err(StoreError::NotFound(name.to_string()))
    }

    /// Whether the person has a query `name` of their own.
    pub fn has_personal(&self, name: &str) -> bool {
        self.personal_path(name)
            .is_ok_and(|path| path.symlink_metadata().is_ok())
    }

    /// Saves `saved` as the person's `name`, replacing one only when
    /// `replace`.
    pub fn save(&self, name: &str, saved: &Saved, replace: bool) -> Result<PathBuf, StoreError> {
        let path = self.personal_path(name)?;
        write(&path, &file::render(saved), replace)?;
        Ok(path)
    }

    /// Deletes the person's `name`; a team query is left alone, said so.
    pub fn delete(&self, name: &str) -> Result<PathBuf, StoreError> {
        let found = self.find(name)?;
        if found.place == Place::Team {
            return Err(StoreError::TeamOnly {
                name: found.name,
                path: found.path,
            });
        }
        fs::remove_file(&found.path).map_err(io_error("delete", &found.path))?;
        Ok(found.path)
    }

    /// Copies the person's `name` into the team folder, never over a team
    /// file already there.
    pub fn share(&self, name: &str) -> Result<PathBuf, StoreError> {
        let found = self.find(name)?;
        let Some(team) = &self.team else {
            return Err(StoreError::NoTeam(found.name));
        };
        if found.place == Place::Team {
            return Err(StoreError::Exists {
                name: found.name,
                path: found.path,
            });
        }
        let target = team.join(format!("{name}.sql"));
        write(&target, &file::render(&found.saved), false)?;
        Ok(target)
    }

    fn folders(&self) -> impl Iterator<Item = (&PathBuf, Place)> {
        let personal = self.personal.iter().map(|dir| (dir, Place::Personal));
        personal.chain(self.team.iter().map(|dir| (dir, Place::Team)))
    }

    fn personal_path(&self, name: &str) -> Result<PathBuf, StoreError> {
        check_name(name)?;
        let dir = self.personal.as_ref().ok_or(StoreError::NoDataDir)?;
        Ok(dir.join(format!("{name}.sql")))
    }
}

/// The `NAME.sql` files of `dir` whose names are query names; none when
/// `dir` does not exist.
fn sql_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, StoreError> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(error) => return Err(io_error("read", dir)(error)),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(io_error("read", dir))?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".sql"));
        if let Some(name) = name.filter(|n| check_name(n).is_ok())
            && path.is_file()
        {
            out.push((name.to_string(), path.clone()));
        }
    }
    Ok(out)
}

fn read(path: &Path) -> Result<Saved, StoreError> {
    crate::files::read_text_capped(path, FILE_CAP)
        .map(|text| file::parse(&text))
        .map_err(io_error("read", path))
}

/// Writes `text` to a temporary file beside `path`, then moves it there:
/// over an existing file only when `replace`, else through a hard link,
/// which fails rather than replace.
fn write(path: &Path, text: &str, replace: bool) -> Result<(), StoreError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(io_error("create", dir))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("query");
    let temp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = fs::File::create(&temp)
        .and_then(|mut f| f.write_all(text.as_bytes()).and_then(|()| f.sync_all()));
    if let Err(error) = written {
        let _ = fs::remove_file(&temp);
        return Err(io_error("write", &temp)(error));
    }
    let placed = if replace {
        fs::rename(&temp, path)
    } else {
        let linked = fs::hard_link(&temp, path);
        let _ = fs::remove_file(&temp);
        linked
    };
    match placed {
        Ok(()) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => {
            let name = name.trim_end_matches(".sql").to_string();
            Err(StoreError::Exists {
                name,
                path: path.to_path_buf(),
            })
        }
        Err(error) => {
            let _ = fs::remove_file(&temp);
            Err(io_error("write", path)(error))
        }
    }
}

fn io_error<'a>(action: &'static str, path: &'a Path) -> impl Fn(io::Error) -> StoreError + 'a {
    move |source| StoreError::Io {
        action,
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn saved(sql: &str) -> Saved {
        Saved {
            sql: sql.into(),
            ..Saved::default()
        }
    }

    fn store(root: &Path, team: bool) -> Store {
        Store {
            personal: Some(root.join("mine")),
            team: team.then(|| root.join("team")),
        }
    }

    #[test]
    fn names_are_letters_digits_underscores_and_dashes() {
        for good in ["orders", "top-10", "by_status", "A1"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["", "-x", "a b", "../x", "a.sql", "naïve", "a/b"] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn personal_queries_win_over_team_ones() {
        let root = tempfile::tempdir().unwrap();
        let s = store(root.path(), true);
        fs::create_dir_all(root.path().join("team")).unwrap();
        fs::write(root.path().join("team/shared.sql"), "select 'team'").unwrap();
        fs::write(root.path().join("team/both.sql"), "select 'team'").unwrap();
        fs::write(root.path().join("team/not a name.sql"), "select 0").unwrap();
        s.save("both", &saved("select 'mine'"), false).unwrap();
        let listed: Vec<(String, Place)> = s
            .list()
            .unwrap()
            .into_iter()
            .map(|f| (f.name, f.place))
            .collect();
        assert_eq!(
            listed,
            [
                ("both".to_string(), Place::Personal),
                ("shared".to_string(), Place::Team)
            ]
        );
        assert_eq!(s.find("both").unwrap().saved.sql, "select 'mine'");
        assert!(matches!(
            s.delete("shared"),
            Err(StoreError::TeamOnly { .. })
        ));
        s.delete("both").unwrap();
        assert_eq!(s.find("both").unwrap().place, Place::Team);
    }

    #[test]
    fn saving_and_sharing_never_replace_unasked() {
        let root = tempfile::tempdir().unwrap();
        let s = store(root.path(), true);
        s.save("q", &saved("select 1"), false).unwrap();
        assert!(matches!(
            s.save("q", &saved("select 2"), false),
            Err(StoreError::Exists { .. })
        ));
        assert_eq!(s.find("q").unwrap().saved.sql, "select 1");
        s.save("q", &saved("select 2"), true).unwrap();
        assert_eq!(s.find("q").unwrap().saved.sql, "select 2");
        let shared = s.share("q").unwrap();
        assert_eq!(fs::read_to_string(shared).unwrap(), "select 2\n");
        assert!(matches!(s.share("q"), Err(StoreError::Exists { .. })));
        let leftovers: Vec<_> = fs::read_dir(root.path().join("mine"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["q.sql"], "no temporary file stays");
        let alone = store(root.path(), false);
        assert!(matches!(alone.share("q"), Err(StoreError::NoTeam(_))));
    }
}
