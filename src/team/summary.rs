//! `glance team` and `\team`: which team folder is read, how it was found,
//! and what it holds; or, without one, how glance looks for one. Returns
//! text and JSON; the front ends print them.

use std::path::Path;

use serde_json::json;

use super::{Found, Team};

/// What the team folder holds.
#[derive(Debug)]
pub struct Summary {
    pub team: Team,
    /// `.sql` files in `queries/`.
    pub queries: usize,
    pub glossary_terms: usize,
    /// Pairs `examples.tsv` holds (bad lines are a problem, not a pair).
    pub examples: usize,
    pub profiles: Profiles,
    /// Files that could not be read.
    pub problems: Vec<String>,
}

/// The profiles of `profiles.toml`, by name.
#[derive(Debug, Default)]
pub struct Profiles {
    /// In use.
    pub used: Vec<String>,
    /// Replaced by a personal profile of the same name.
    pub replaced: Vec<String>,
}

/// How glance looks for a team folder, and how to make one.
const NONE_FOUND: &str = "No team folder is used. glance reads the one --team-dir, GLANCE_TEAM_DIR or [team] dir in the config file names, else the first .glance/ directory in the current directory or a parent. Create one with `glance team init`.";

/// Counts what `team` holds; `glossary_terms`, `profiles` and the team
/// files skipped (`skipped`) come from the settings, which have read those
/// files already.
pub fn gather(
    team: &Team,
    glossary_terms: usize,
    profiles: Profiles,
    skipped: &[String],
) -> Summary {
    let mut problems = skipped.to_vec();
    let queries = match std::fs::read_dir(team.queries_dir()) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "sql"))
            .count(),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => 0,
        Err(error) => {
            problems.push(unreadable(&team.queries_dir(), &error));
            0
        }
    };
    let examples = match crate::files::read_text_capped(
        &team.examples_path(),
        crate::recall::tsv::MAX_BYTES,
    ) {
        Ok(text) => {
            let (pairs, bad) = crate::recall::tsv::parse(&text);
            if !bad.is_empty() {
                problems.push(format!(
                    "{}: {} left out (line {} first)",
                    team.examples_path().display(),
                    crate::numbers::counted(bad.len() as u64, "line", "lines"),
                    bad[0].line
                ));
            }
            pairs.len()
        }
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => 0,
        Err(error) => {
            problems.push(unreadable(&team.examples_path(), &error));
            0
        }
    };
    Summary {
        team: team.clone(),
        queries,
        glossary_terms,
        examples,
        profiles,
        problems,
    }
}

fn unreadable(path: &Path, error: &std::io::Error) -> String {
    format!("cannot read {}: {error}", path.display())
}

/// The summary in lines, or how to get a team folder.
pub fn text(summary: Option<&Summary>) -> String {
    let Some(summary) = summary else {
        return format!("{NONE_FOUND}\n");
    };
    let visible = |text: &str| crate::escape::visible(text).into_owned();
    let count = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    let Profiles { used, replaced } = &summary.profiles;
    let mut profiles = match used.as_slice() {
        [] => "no profiles".to_string(),
        names => format!(
            "{}: {}",
            count(names.len(), "profile", "profiles"),
            visible(&names.join(", "))
        ),
    };
    if !replaced.is_empty() {
        profiles.push_str(&format!(
            " (your config file's {} over the team's)",
            visible(&replaced.join(", "))
        ));
    }
    let mut text = format!(
        "Team folder: {} ({})\n  queries/       {}\n  glossary.toml  {}\n  examples.tsv   {}\n  profiles.toml  {profiles}\n",
        visible(&summary.team.dir.display().to_string()),
        summary.team.origin(),
        count(summary.queries, "saved query", "saved queries"),
        count(summary.glossary_terms, "term", "terms"),
        count(summary.examples, "example", "examples"),
    );
    for problem in &summary.problems {
        text.push_str(&format!("  {}\n", visible(problem)));
    }
    text
}

/// The summary as a JSON document; `"team": null` without a folder.
pub fn json(summary: Option<&Summary>) -> serde_json::Value {
    let Some(summary) = summary else {
        return json!({ "team": null, "how_found": NONE_FOUND });
    };
    json!({
        "team": {
            "dir": summary.team.dir.display().to_string(),
            "found": summary.team.origin(),
            "queries": summary.queries,
            "glossary_terms": summary.glossary_terms,
            "examples": summary.examples,
            "how": match summary.team.found {
                Found::Named => "named",
                Found::Config => "config",
                Found::Searched => "searched",
            },
            "profiles": summary.profiles.used,
            "profiles_replaced": summary.profiles.replaced,
            "problems": summary.problems,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_the_folder_holds_is_counted() {
        let root = tempfile::tempdir().unwrap();
        let team = Team {
            dir: root.path().to_path_buf(),
            found: Found::Named,
        };
        std::fs::create_dir(team.queries_dir()).unwrap();
        std::fs::write(team.queries_dir().join("a.sql"), "select 1").unwrap();
        std::fs::write(team.queries_dir().join("README.md"), "x").unwrap();
        std::fs::write(team.examples_path(), "question\tsql\nq\tselect 1\n\n").unwrap();
        let profiles = Profiles {
            used: vec!["dev".into()],
            replaced: vec!["prod".into()],
        };
        let skipped = ["profiles.toml, line 1: bad".to_string()];
        let summary = gather(&team, 2, profiles, &skipped);
        assert_eq!((summary.queries, summary.examples), (1, 1));
        let shown = text(Some(&summary));
        assert!(shown.contains("1 saved query"), "{shown}");
        assert!(shown.contains("2 terms"), "{shown}");
        assert!(
            shown.contains("1 profile: dev (your config file's prod over the team's)"),
            "{shown}"
        );
        assert!(shown.contains("--team-dir"), "{shown}");
        assert!(shown.contains("  profiles.toml, line 1: bad\n"), "{shown}");
        let doc = json(Some(&summary));
        assert_eq!(doc["team"]["examples"], 1);
        assert_eq!(doc["team"]["how"], "named");
        assert_eq!(doc["team"]["profiles_replaced"][0], "prod");
        assert!(text(None).contains("glance team init"));
        assert!(json(None)["team"].is_null());
    }
}
