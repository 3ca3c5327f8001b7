//! `glance docs` and `\docs`: documentation of the connected database as
//! Markdown pages (`index.md` and one page per table or view, with Mermaid
//! diagrams) or one `schema.json`, and the comment coverage of the schema.
//! [`model`] gathers what is documented through the session; the renderers
//! are pure; [`write`] puts the files in a directory. Nothing here prints.
//!
//! Writing into a directory replaces only the files glance writes there
//! (`index.md`, the pages, `schema.json`) and removes nothing, so the
//! directory may hold other files and docs can live in git.

pub mod coverage;
pub mod json;
mod markdown;
pub mod mermaid;
pub mod model;

use std::io;
use std::path::{Path, PathBuf};

pub use model::gather;

/// The directory written when none is given (as tbls).
pub const DEFAULT_DIR: &str = "dbdoc";

/// What the documentation is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `index.md` and one page per relation.
    Markdown,
    /// One `schema.json`.
    Json,
}

/// The files of `model` in `form`, as (file name, text).
pub fn files(model: &model::Model, form: Form) -> Vec<(String, String)> {
    match form {
        Form::Markdown => markdown::pages(model),
        Form::Json => vec![(json::FILE.to_string(), json::document(model))],
    }
}

/// Why the files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("{} is a file, not a directory", .0.display())]
    NotADirectory(PathBuf),
    #[error("cannot write {}: {source}", .path.display())]
    Io { path: PathBuf, source: io::Error },
}

/// Writes `files` into `dir`, creating it when missing; a file of the same
/// name is replaced, other files are left alone. Returns how many it wrote.
pub fn write(dir: &Path, files: &[(String, String)]) -> Result<usize, WriteError> {
    if dir.exists() && !dir.is_dir() {
        return Err(WriteError::NotADirectory(dir.to_path_buf()));
    }
    let failed = |path: &Path| {
        let path = path.to_path_buf();
        move |source| WriteError::Io { path, source }
    };
    std::fs::create_dir_all(dir).map_err(failed(dir))?;
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(failed(&path))?;
    }
    Ok(files.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_only_its_own_files_and_refuses_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("notes.md"), "mine").unwrap();
        std::fs::write(out.join("index.md"), "old").unwrap();
        let files = vec![("index.md".to_string(), "new".to_string())];
        assert_eq!(write(&out, &files).unwrap(), 1);
        assert_eq!(
            std::fs::read_to_string(out.join("index.md")).unwrap(),
            "new"
        );
        assert_eq!(
            std::fs::read_to_string(out.join("notes.md")).unwrap(),
            "mine"
        );
        let nested = dir.path().join("a/b");
        write(&nested, &files).unwrap();
        assert!(nested.join("index.md").is_file());
        let file = out.join("notes.md");
        assert!(matches!(
            write(&file, &files),
            Err(WriteError::NotADirectory(_))
        ));
    }
}
