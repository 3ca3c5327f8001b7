//! What the team folder adds to the settings: `profiles.toml` (connection
//! profiles without secrets, below the config file's personal ones) and
//! `glossary.toml` (business terms sent to the model). Both are read with
//! the config file's parser, so their mistakes are located the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::file::{self, FileError, Profile};
use crate::agent::knowledge::Term;
use crate::exit::Failure;
use crate::team::Team;

/// What the team folder's files hold.
#[derive(Debug, Default)]
pub struct Shared {
    pub profiles: BTreeMap<String, Profile>,
    pub glossary: Vec<Term>,
    /// Unknown keys, as the config file's are reported.
    pub warnings: Vec<String>,
}

/// `glossary.toml`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Glossary {
    /// `"active customer" = "ordered in the last 90 days"`.
    terms: BTreeMap<String, Spanned<String>>,
}

/// `profiles.toml`: the config file's `[connections.NAME]` tables.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Profiles {
    connections: BTreeMap<String, Spanned<Profile>>,
}

/// Reads `glossary.toml` and `profiles.toml` from `team`; a missing file
/// holds nothing.
pub fn read(team: &Team) -> Result<Shared, Failure> {
    let mut shared = Shared::default();
    if let Some(text) = read_text(&team.glossary_path())? {
        let (terms, warnings) = glossary(&team.glossary_path(), &text).map_err(located)?;
        shared.glossary = terms;
        shared.warnings.extend(warnings);
    }
    if let Some(text) = read_text(&team.profiles_path())? {
        let (profiles, warnings) = profiles(&team.profiles_path(), &text).map_err(located)?;
        shared.profiles = profiles;
        shared.warnings.extend(warnings);
    }
    Ok(shared)
}

/// Which team profiles are used, and which a personal profile replaces.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Merged {
    pub used: BTreeSet<String>,
    pub replaced: BTreeSet<String>,
}

/// Adds the team's profiles to the personal ones: a personal profile wins
/// over a team profile of the same name, and a personal default over a
/// team default.
pub fn merge_profiles(
    personal: &mut BTreeMap<String, Profile>,
    team: BTreeMap<String, Profile>,
) -> Merged {
    let personal_default = personal.values().any(|profile| profile.default);
    let mut merged = Merged::default();
    for (name, mut profile) in team {
        if personal.contains_key(&name) {
            merged.replaced.insert(name);
            continue;
        }
        profile.default &= !personal_default;
        merged.used.insert(name.clone());
        personal.insert(name, profile);
    }
    merged
}

/// The text of a team file, `None` when it does not exist.
fn read_text(path: &Path) -> Result<Option<String>, Failure> {
    match crate::files::read_text_capped(path, super::MAX_FILE_BYTES) {
        Ok(text) => Ok(Some(text)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(error) => Err(Failure::Usage {
            message: format!("cannot read the team file {}: {error}", path.display()),
            hint: Some("fix its permissions, or name another team folder with --team-dir".into()),
        }),
    }
}

fn located(error: FileError) -> Failure {
    Failure::Usage {
        message: format!("in the team folder's {error}"),
        hint: Some(
            "fix the file (`glance team` shows which team folder is read), or name another with --team-dir"
                .into(),
        ),
    }
}

/// Parses `glossary.toml`: every term needs a meaning.
fn glossary(path: &Path, text: &str) -> Result<(Vec<Term>, Vec<String>), FileError> {
    let (glossary, warnings) = file::parse_toml::<Glossary>(path, text)?;
    let mut terms = Vec::new();
    for (term, meaning) in glossary.terms {
        let problem = if term.trim().is_empty() {
            Some("a term cannot be empty: write the words people use on the left")
        } else if meaning.get_ref().trim().is_empty() {
            Some("the term has no meaning: write what it means in this database on the right")
        } else {
            None
        };
        if let Some(problem) = problem {
            let key = Some(format!("terms.{term}"));
            let span = Some(meaning.span());
            return Err(FileError::at(path, text, span, key, problem.into()));
        }
        terms.push(Term {
            term,
            meaning: meaning.into_inner(),
        });
    }
    Ok((terms, warnings))
}

/// Parses `profiles.toml`: profiles as in the config file, but never with
/// a `password`, since the folder is shared.
fn profiles(
    path: &Path,
    text: &str,
) -> Result<(BTreeMap<String, Profile>, Vec<String>), FileError> {
    let (profiles, warnings) = file::parse_toml::<Profiles>(path, text)?;
    for (name, profile) in &profiles.connections {
        if let Some(password) = &profile.get_ref().password {
            crate::redact::remember(password);
            let message = format!(
                "profile \"{name}\" holds a `password`, and this file is shared with everyone \
                 who reads the team folder: remove it and use `password_env`, ~/.pgpass \
                 (~/.my.cnf for MySQL), or a personal profile named \"{name}\" in your config file"
            );
            let key = Some(format!("connections.{name}"));
            return Err(FileError::at(
                path,
                text,
                Some(profile.span()),
                key,
                message,
            ));
        }
    }
    file::check_profiles(path, text, &profiles.connections)?;
    let profiles = profiles
        .connections
        .into_iter()
        .map(|(name, profile)| (name, profile.into_inner()))
        .collect();
    Ok((profiles, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary_of(text: &str) -> Result<(Vec<Term>, Vec<String>), FileError> {
        glossary(Path::new("/t/.glance/glossary.toml"), text)
    }

    fn profiles_of(text: &str) -> Result<BTreeMap<String, Profile>, FileError> {
        profiles(Path::new("/t/.glance/profiles.toml"), text).map(|(profiles, _)| profiles)
    }

    #[test]
    fn terms_are_read_and_unknown_sections_warned() {
        let (terms, warnings) = glossary_of(
            "[terms]\n\"active customer\" = \"ordered in the last 90 days\"\nchurn = \"no order for a year\"\n\n[term]\nx = \"y\"\n",
        )
        .unwrap();
        assert_eq!(
            terms,
            [
                Term {
                    term: "active customer".into(),
                    meaning: "ordered in the last 90 days".into()
                },
                Term {
                    term: "churn".into(),
                    meaning: "no order for a year".into()
                },
            ]
        );
        assert_eq!(
            warnings,
            ["/t/.glance/glossary.toml, line 5: unknown key `term` is ignored"]
        );
        assert!(glossary_of("").unwrap().0.is_empty());
    }

    #[test]
    fn glossary_mistakes_name_the_file_line_and_fix() {
        let shown = glossary_of("[terms]\nchurn = 3\n").unwrap_err().to_string();
        assert!(
            shown.starts_with("/t/.glance/glossary.toml, line 2, column 9, key `terms.churn`: "),
            "{shown}"
        );
        let shown = glossary_of("[terms]\nchurn = \"\"\n")
            .unwrap_err()
            .to_string();
        assert!(shown.contains("line 2"), "{shown}");
        assert!(shown.contains("no meaning"), "{shown}");
        let shown = glossary_of("[terms]\nchurn = \"x\n")
            .unwrap_err()
            .to_string();
        assert!(shown.contains("glossary.toml, line 2"), "{shown}");
    }

    #[test]
    fn a_password_is_refused_with_where_to_put_it() {
        let error =
            profiles_of("[connections.prod]\nhost = \"db\"\npassword = \"hunter22secret\"\n")
                .unwrap_err();
        let shown = error.to_string();
        assert!(
            shown.starts_with("/t/.glance/profiles.toml, line "),
            "{shown}"
        );
        assert!(shown.contains("\"prod\""), "{shown}");
        assert!(shown.contains("password_env"), "{shown}");
        assert!(shown.contains("~/.pgpass"), "{shown}");
        assert!(shown.contains("personal profile"), "{shown}");
        assert!(!shown.contains("hunter22secret"), "{shown}");
    }

    #[test]
    fn team_profiles_are_checked_like_personal_ones() {
        let read =
            profiles_of("[connections.dev]\nurl = \"sqlite:///tmp/dev.db\"\nread_only = true\n")
                .unwrap();
        assert!(read["dev"].read_only);
        let error = profiles_of("[connections.a]\nread_only = true\n").unwrap_err();
        assert!(error.message.contains("needs `url`"), "{}", error.message);
    }

    fn profile(host: &str, default: bool) -> Profile {
        Profile {
            host: Some(host.into()),
            default,
            ..Profile::default()
        }
    }

    #[test]
    fn personal_profiles_win_over_team_ones() {
        let mut personal = BTreeMap::from([("prod".to_string(), profile("mine", false))]);
        let team = BTreeMap::from([
            ("prod".to_string(), profile("theirs", false)),
            ("dev".to_string(), profile("dev", true)),
        ]);
        let merged = merge_profiles(&mut personal, team.clone());
        assert_eq!(merged.used, BTreeSet::from(["dev".to_string()]));
        assert_eq!(merged.replaced, BTreeSet::from(["prod".to_string()]));
        assert_eq!(personal["prod"].host.as_deref(), Some("mine"));
        assert!(personal["dev"].default, "a team default counts alone");
        let mut personal = BTreeMap::from([("mine".to_string(), profile("m", true))]);
        merge_profiles(&mut personal, team);
        assert!(!personal["dev"].default, "a personal default wins");
        assert!(personal["mine"].default);
    }

    #[test]
    fn the_skeleton_files_read_as_empty() {
        let (terms, warnings) =
            glossary_of(include_str!("../team/skeleton/glossary.toml")).unwrap();
        assert!(terms.is_empty() && warnings.is_empty());
        let read = profiles_of(include_str!("../team/skeleton/profiles.toml")).unwrap();
        assert!(read.is_empty());
    }
}
