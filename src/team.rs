//! The team folder: a `.glance/` directory meant to be committed beside a
//! project's code, holding what a team shares (saved queries, a glossary of
//! business terms, verified question/SQL examples, connection profiles
//! without secrets). Found like `.git`, in the current directory or a
//! parent, unless `--team-dir`, `GLANCE_TEAM_DIR` or `[team] dir` names it.

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
/// `cwd` or one of its parents. A folder named but missing is not used; the
/// warning says so and how to create it.
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
            "warning: {by} names {}, which is not a directory; no team folder is used (create it with `glance team init`)",
            dir.display()
        );
        return (None, Some(warning));
    }
    let searched = cwd.and_then(|cwd| {
        cwd.ancestors()
            .map(|dir| dir.join(FOLDER))
            .find(|dir| dir.is_dir())
    });
    let team = searched.map(|dir| Team {
        dir,
        found: Found::Searched,
    });
    (team, None)
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
    }

    #[test]
    fn no_folder_anywhere_is_no_team() {
        let root = tempfile::tempdir().unwrap();
        assert_eq!(find(None, None, Some(root.path())), (None, None));
    }
}
