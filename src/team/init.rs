//! `glance team init`: a commented skeleton of the team folder. Files that
//! exist already are kept as they are and reported, never overwritten.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The skeleton: each file's place inside the folder, and its text.
const SKELETON: &[(&str, &str)] = &[
    ("README.md", include_str!("skeleton/README.md")),
    ("glossary.toml", include_str!("skeleton/glossary.toml")),
    ("profiles.toml", include_str!("skeleton/profiles.toml")),
    ("examples.tsv", include_str!("skeleton/examples.tsv")),
    (
        "queries/README.md",
        include_str!("skeleton/queries_README.md"),
    ),
];

/// What `init` did with one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placed {
    pub path: PathBuf,
    /// False when the file existed and was left alone.
    pub written: bool,
}

/// Writes the skeleton into `folder`, creating it and `queries/`, skipping
/// every file that exists.
pub fn init(folder: &Path) -> io::Result<Vec<Placed>> {
    std::fs::create_dir_all(folder.join("queries"))?;
    let mut placed = Vec::new();
    for (name, text) in SKELETON {
        let path = folder.join(name);
        let written = write_new(&path, text)?;
        placed.push(Placed { path, written });
    }
    Ok(placed)
}

/// Creates `path` with `text`; `false` when something is already there.
/// A file left half written by an error is removed.
fn write_new(path: &Path, text: &str) -> io::Result<bool> {
    let mut file = match OpenOptions::new().write(true).create_new(true).open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(error) => return Err(error),
    };
    if let Err(error) = file
        .write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
    {
        drop(file);
        let _ = std::fs::remove_file(path);
        return Err(error);
    }
    Ok(true)
}

/// What was written and what was kept, one file a line.
pub fn text(folder: &Path, placed: &[Placed]) -> String {
    let shown = |path: &Path| crate::escape::visible(&path.display().to_string()).into_owned();
    let mut text = format!("Team folder {}:\n", shown(folder));
    for file in placed {
        let name = file.path.strip_prefix(folder).unwrap_or(&file.path);
        let what = if file.written {
            "written"
        } else {
            "exists, left as it is"
        };
        text.push_str(&format!("  {:<18} {what}\n", shown(name)));
    }
    let written = placed.iter().filter(|file| file.written).count();
    if written == 0 {
        text.push_str("Nothing was written: every file exists already.\n");
    } else {
        text.push_str("Edit the files, then commit the folder with your code.\n");
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_run_keeps_every_file() {
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("team");
        let first = init(&folder).unwrap();
        assert!(first.iter().all(|file| file.written));
        std::fs::write(folder.join("glossary.toml"), "[terms]\nmine = \"kept\"\n").unwrap();
        let second = init(&folder).unwrap();
        assert!(second.iter().all(|file| !file.written));
        assert_eq!(
            std::fs::read_to_string(folder.join("glossary.toml")).unwrap(),
            "[terms]\nmine = \"kept\"\n"
        );
        assert!(text(&folder, &second).contains("Nothing was written"));
        assert_eq!(
            std::fs::read_to_string(folder.join("examples.tsv")).unwrap(),
            "question\tsql\n"
        );
    }
}
