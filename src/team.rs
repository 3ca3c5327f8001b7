//! The team folder: a `.glance/` directory meant to be committed beside a
//! project's code, holding what a team shares (saved queries, a glossary of
//! business terms, verified question/SQL examples, connection profiles
//! without secrets). Found like `.git`, in the current directory or a
//! parent, unless `--team-dir`, `GLANCE_TEAM_DIR` or `[team] dir` names it.
//! A folder found so that belongs to another user is not read, as git's
//! `safe.directory` rule: whoever can write a parent directory must not
//! choose glance's connections.

pub mod init;
pub mod summary;

use std::path::{Path, PathBuf};

/// The name of the folder searched for.
pub const FOLDER: &str = ".glance";

/// A team folder glance reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Team {
    /// The folder itself (`…/.glance`).
    pub dir: PathBuf,
    /// How it was found, for `\conninfo`-style reports and errors.
    pub found: Found,
}

/// How the team folder was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Found {
    /// `--team-dir` or `GLANCE_TEAM_DIR`.
    Named,
    /// `[team] dir` in the config file.
    Config,
    /// A `.glance/` in the current directory or one of its parents.
    Searched,
}

impl Team {
    /// `queries/`: shared saved queries, one `.sql` file each.
    pub fn queries_dir(&self) -> PathBuf {
        self.dir.join("queries")
    }

    /// `glossary.toml`: business terms under `[terms]`.
    pub fn glossary_path(&self) -> PathBuf {
        self.dir.join("glossary.toml")
    }

    /// `examples.tsv`: verified question/SQL pairs.
    pub fn examples_path(&self) -> PathBuf {
        self.dir.join("examples.tsv")
    }

    /// `profiles.toml`: connection profiles without secrets.
    pub fn profiles_path(&self) -> PathBuf {
        self.dir.join("profiles.toml")
    }

    /// Where it came from, in words: "named by --team-dir or
    /// GLANCE_TEAM_DIR", "from [team] dir", "found above the current
    /// directory".
    pub fn origin(&self) -> &'static str {
        match self.found {
            Found::Named => "named by --team-dir or GLANCE_TEAM_DIR",
            Found::Config => "named by [team] dir in the config file",
            Found::Searched => "found in the current directory or a parent",
        }
    }
}

/// Picks the team folder: `named` (the flag or variable) wins over
/// `configured` (`[team] dir`), which wins over a `.glance/` directory in
/// `cwd` or one of its parents. A folder named but missing is not used, nor
/// one found that belongs to someone other than the current user or root;
/// the warning says so and what to do.
pub fn find(
    named: Option<&Path>,
    configured: Option<&Path>,
    cwd: Option<&Path>,
) -> (Option<Team>, Option<String>) {
    let explicit = named
        .map(|dir| (dir, Found::Named, "--team-dir or GLANCE_TEAM_DIR"))
        .or_else(|| configured.map(|dir| (dir, Found::Config, "[team] dir in the config file")));
    if let Some((dir, found, by)) = explicit {
        if dir.is_dir() {
            let team = Team {
                dir: dir.to_path_buf(),
                found,
            };
            return (Some(team), None);
        }
        let warning = format!(
            "{by} names {shown}, which is not a directory; no team folder is used \
             (create it with `glance team init {shown}`)",
            shown = dir.display()
        );
        return (None, Some(warning));
    }
    let Some(dir) = cwd.and_then(|cwd| {
        cwd.ancestors()
            .map(|dir| dir.join(FOLDER))
            .find(|dir| dir.is_dir())
    }) else {
        return (None, None);
    };
    if let Some(owner) = foreign_owner(&dir) {
        let warning = format!(
            "the team folder {shown} is ignored: it belongs to another user (uid {owner}), \
             and whoever can write it could choose the servers glance connects to; \
             if you trust it, use it with --team-dir {shown}",
            shown = dir.display()
        );
        return (None, Some(warning));
    }
    let team = Team {
        dir,
        found: Found::Searched,
    };
    (Some(team), None)
}

/// The owner of `dir` when that is neither the current user nor root.
#[cfg(unix)]
fn foreign_owner(dir: &Path) -> Option<u32> {
    use std::os::unix::fs::MetadataExt;
    let owner = std::fs::metadata(dir).ok()?.uid();
    foreign(owner, rustix::process::geteuid().as_raw()).then_some(owner)
}

/// Whether a folder owned by `owner` is someone else's for user `me`:
/// neither theirs nor root's.
#[cfg(unix)]
fn foreign(owner: u32, me: u32) -> bool {
    owner != me && owner != 0
}

/// Ownership is not checked where there are no Unix owners.
#[cfg(not(unix))]
fn foreign_owner(_: &Path) -> Option<u32> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_in_a_parent_is_found_like_git() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(FOLDER)).unwrap();
        let deep = root.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        let (team, warning) = find(None, None, Some(&deep));
        let team = team.unwrap();
        assert_eq!(team.dir, root.path().join(FOLDER));
        assert_eq!(team.found, Found::Searched);
        assert_eq!(team.queries_dir(), root.path().join(".glance/queries"));
        assert!(warning.is_none());
    }

    #[test]
    fn a_named_folder_wins_and_a_missing_one_is_said() {
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join(FOLDER)).unwrap();
        let named = tempfile::tempdir().unwrap();
        let (team, _) = find(Some(named.path()), None, Some(root.path()));
        assert_eq!(team.unwrap().found, Found::Named);
        let (team, _) = find(None, Some(named.path()), Some(root.path()));
        assert_eq!(team.unwrap().found, Found::Config);
        let missing = root.path().join("nowhere");
        let (team, warning) = find(Some(&missing), None, Some(root.path()));
        assert!(team.is_none());
        let warning = warning.unwrap();
        assert!(warning.contains("nowhere"), "{warning}");
        assert!(warning.contains("glance team init"), "{warning}");
        assert!(!warning.starts_with("warning"), "{warning}");
    }

    #[cfg(unix)]
    #[test]
    fn a_found_folder_of_another_user_is_ignored_unless_named() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join(FOLDER);
        std::fs::create_dir(&folder).unwrap();
        assert_eq!(foreign_owner(&folder), None, "my own folder is read");
        assert!(foreign(65534, 1000) && !foreign(1000, 1000) && !foreign(0, 1000));
        std::os::unix::fs::chown(&folder, Some(65534), None).expect(
            "giving a folder to another user needs root: run the tests as root, as .ci/run does",
        );
        assert_eq!(foreign_owner(&folder), Some(65534));
        let (team, warning) = find(None, None, Some(root.path()));
        assert!(team.is_none());
        let warning = warning.unwrap();
        assert!(
            warning.contains("belongs to another user (uid 65534)"),
            "{warning}"
        );
        assert!(
            warning.contains(&format!("--team-dir {}", folder.display())),
            "{warning}"
        );
        let (team, _) = find(Some(&folder), None, Some(root.path()));
        assert_eq!(team.unwrap().found, Found::Named);
    }

    #[test]
    fn no_folder_anywhere_is_no_team() {
        let root = tempfile::tempdir().unwrap();
        assert_eq!(find(None, None, Some(root.path())), (None, None));
    }
}
