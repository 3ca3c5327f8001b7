//! What the team folder adds to the settings: `profiles.toml` (connection
//! profiles without secrets, below the config file's personal ones, used
//! only by name) and `glossary.toml` (business terms sent to the model).
//! Both are read with the config file's parser, so their mistakes are
//! located the same way; a team file's mistake skips that file with a
//! warning and never stops glance.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::file::{self, FileError, Profile};
use crate::agent::knowledge::Term;
use crate::db::Target;
use crate::db::mysql::params::{Defaults, Params};
use crate::db::postgres::conninfo;
use crate::team::Team;

/// What the team folder's files hold.
#[derive(Debug, Default)]
pub struct Shared {
    pub profiles: BTreeMap<String, Profile>,
    pub glossary: Vec<Term>,
    /// Unknown keys and ignored settings, as the config file's are reported.
    pub warnings: Vec<String>,
    /// Files skipped because they cannot be read or hold a mistake.
    pub problems: Vec<String>,
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
/// holds nothing, and a file with a problem is skipped.
pub fn read(team: &Team) -> Shared {
    let mut shared = Shared::default();
    if let Some(terms) = load(&team.glossary_path(), glossary, &mut shared) {
        shared.glossary = terms;
    }
    if let Some(profiles) = load(&team.profiles_path(), profiles, &mut shared) {
        shared.profiles = profiles;
    }
    shared
}

/// What a skipped team file's problem ends with.
const SKIPPED: &str = "this team file is skipped until it is fixed \
     (`glance team` shows which team folder is read; --team-dir names another)";

/// What a team file's parser gives: what it read, and its warnings.
type Parsed<T> = Result<(T, Vec<String>), FileError>;

/// Reads the team file at `path` with `parse`: `None` when it is missing,
/// or when it cannot be read or parsed (then the problem is in `shared`).
fn load<T>(path: &Path, parse: fn(&Path, &str) -> Parsed<T>, shared: &mut Shared) -> Option<T> {
    let text = match crate::files::read_text_capped(path, super::MAX_FILE_BYTES) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return None,
        Err(error) => {
            let problem = format!("cannot read the team file {}: {error}", path.display());
            shared.problems.push(format!("{problem}; {SKIPPED}"));
            return None;
        }
    };
    match parse(path, &text) {
        Ok((read, warnings)) => {
            shared.warnings.extend(warnings);
            Some(read)
        }
        Err(error) => {
            shared
                .problems
                .push(format!("in the team folder's {error}\n  {SKIPPED}"));
            None
        }
    }
}

/// Which team profiles are used, and which a personal profile replaces.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Merged {
    pub used: BTreeSet<String>,
    pub replaced: BTreeSet<String>,
}

/// Adds the team's profiles to the personal ones: a personal profile wins
/// over a team profile of the same name.
pub fn merge_profiles(
    personal: &mut BTreeMap<String, Profile>,
    team: BTreeMap<String, Profile>,
) -> Merged {
    let mut merged = Merged::default();
    for (name, profile) in team {
        if personal.contains_key(&name) {
            merged.replaced.insert(name);
            continue;
        }
        merged.used.insert(name.clone());
        personal.insert(name, profile);
    }
    merged
}

/// Parses `glossary.toml`: every term needs a meaning.
fn glossary(path: &Path, text: &str) -> Parsed<Vec<Term>> {
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
/// a password (the `password` key, or one inside `url`), since the folder
/// is shared, and never the default: `default = true` is ignored with a
/// warning, so a team profile connects only when it is named.
fn profiles(path: &Path, text: &str) -> Parsed<BTreeMap<String, Profile>> {
    let (profiles, mut warnings) = file::parse_toml::<Profiles>(path, text)?;
    for (name, profile) in &profiles.connections {
        let url_password = profile.get_ref().url.as_deref().and_then(url_password);
        let (password, key) = match (&profile.get_ref().password, url_password) {
            (Some(password), _) => (password.clone(), "a `password`"),
            (None, Some(password)) => (password, "a password in its `url`"),
            (None, None) => continue,
        };
        crate::redact::remember(&password);
        let message = format!(
            "profile \"{name}\" holds {key}, and this file is shared with everyone \
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
    file::check_profiles(path, text, &profiles.connections)?;
    let mut read = BTreeMap::new();
    for (name, profile) in profiles.connections {
        let (line, _) = file::line_column(text, profile.span().start);
        let mut profile = profile.into_inner();
        if profile.default {
            profile.default = false;
            warnings.push(format!(
                "{}, line {line}: `default = true` in team profile \"{name}\" is ignored: \
                 team profiles are used only by name (-p {name}, \\c {name}); \
                 mark a profile of your own config file as the default instead",
                path.display()
            ));
        }
        read.insert(name, profile);
    }
    Ok((read, warnings))
}

/// The password a profile's `url` holds (`user:secret@` in a URL, or
/// `password=` in a URL's query or a `key=value` string), if any.
fn url_password(url: &str) -> Option<String> {
    let password = match Target::parse(Some(url)) {
        Target::Postgres(conninfo) => conninfo::parse(&conninfo).ok()?.remove("password"),
        Target::Mysql(url) => Params::resolve(&url, &Defaults::default()).ok()?.password,
        Target::Sqlite(_) => None,
    };
    password.filter(|password| !password.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glossary_of(text: &str) -> Parsed<Vec<Term>> {
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

    #[test]
    fn a_password_inside_a_url_is_refused_without_showing_it() {
        for url in [
            "postgres://ann:urlS3cret@db/shop",
            "postgresql://ann@db/shop?password=urlS3cret",
            "host=db dbname=shop password=urlS3cret",
            "mysql://ann:urlS3cret@db/shop",
        ] {
            let text = format!("[connections.prod]\nurl = \"{url}\"\n");
            let shown = profiles_of(&text).unwrap_err().to_string();
            assert!(shown.contains("profile \"prod\""), "{shown}");
            assert!(shown.contains("a password in its `url`"), "{shown}");
            assert!(shown.contains("password_env"), "{shown}");
            assert!(!shown.contains("urlS3cret"), "{url}: {shown}");
        }
        let read = profiles_of("[connections.ok]\nurl = \"postgres://ann@db/shop\"\n").unwrap();
        assert!(read.contains_key("ok"));
    }

    #[test]
    fn a_team_default_is_ignored_with_a_warning() {
        let (read, warnings) = profiles(
            Path::new("/t/.glance/profiles.toml"),
            "[connections.evil]\nhost = \"attacker\"\npassword_env = \"OPENAI_API_KEY\"\ndefault = true\n",
        )
        .unwrap();
        assert!(!read["evil"].default);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("/t/.glance/profiles.toml, line 1: "),
            "{warnings:?}"
        );
        assert!(warnings[0].contains("used only by name (-p evil, \\c evil)"));
    }

    #[test]
    fn a_bad_team_file_is_skipped_with_the_problem_said() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("glossary.toml"), "[terms\n").unwrap();
        std::fs::write(
            root.path().join("profiles.toml"),
            "[connections.dev]\nurl = \"dev.db\"\n",
        )
        .unwrap();
        let team = Team {
            dir: root.path().to_path_buf(),
            found: crate::team::Found::Named,
        };
        let shared = read(&team);
        assert!(shared.glossary.is_empty());
        assert!(shared.profiles.contains_key("dev"));
        assert_eq!(shared.problems.len(), 1, "{:?}", shared.problems);
        assert!(shared.problems[0].contains("glossary.toml, line 1"));
        assert!(shared.problems[0].contains("skipped until it is fixed"));
        std::fs::remove_file(root.path().join("glossary.toml")).unwrap();
        std::fs::create_dir(root.path().join("glossary.toml")).unwrap();
        let shared = read(&team);
        assert!(
            shared.problems[0].contains("not a regular file"),
            "{:?}",
            shared.problems
        );
    }

    fn profile(host: &str) -> Profile {
        Profile {
            host: Some(host.into()),
            ..Profile::default()
        }
    }

    #[test]
    fn personal_profiles_win_over_team_ones() {
        let mut personal = BTreeMap::from([("prod".to_string(), profile("mine"))]);
        let team = BTreeMap::from([
            ("prod".to_string(), profile("theirs")),
            ("dev".to_string(), profile("dev")),
        ]);
        let merged = merge_profiles(&mut personal, team);
        assert_eq!(merged.used, BTreeSet::from(["dev".to_string()]));
        assert_eq!(merged.replaced, BTreeSet::from(["prod".to_string()]));
        assert_eq!(personal["prod"].host.as_deref(), Some("mine"));
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
