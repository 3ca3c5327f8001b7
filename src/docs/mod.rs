//! `glance docs` and `\docs`: documentation of the connected database as
//! Markdown pages (`index.md` and one page per table or view, with Mermaid
//! diagrams) or one `schema.json`, and the comment coverage of the schema.
//! [`model`] gathers what is documented through the session; the renderers
//! are pure; [`write`] puts the files in a directory. Nothing here prints.
//!
//! Writing into a directory replaces only the files glance writes there
//! (`index.md`, the pages, `schema.json`, `coverage.md` or `coverage.json`)
//! and removes nothing, so the
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

/// What `\docs` is asked for: the choices `glance docs` takes, from the
/// words after the command (`-o DIR` or `DIR`, `--coverage`, `--format`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Where to write; `None` is [`DEFAULT_DIR`], or with `coverage` the screen.
    pub dir: Option<String>,
    pub coverage: bool,
    /// `--format`; `None` follows the session's output format.
    pub form: Option<Form>,
}

/// How `\docs` is used, for its errors and `\?`.
pub const USAGE: &str = "use \\docs [-o DIR | DIR] [--coverage] [--format markdown|json]";

impl Options {
    /// Parses the words after `\docs`. A word starting with `-` is an
    /// option, never a directory: unknown ones are refused (write `./-x`
    /// for a directory of that name).
    pub fn parse(rest: &str) -> Result<Options, String> {
        let mut options = Options::default();
        let mut words = rest.split_whitespace();
        while let Some(word) = words.next() {
            let (name, inline) = match word.split_once('=') {
                Some((name, value)) if name.starts_with("--") => (name, Some(value)),
                _ => (word, None),
            };
            let mut value = |what: &str| match inline.or_else(|| words.next()) {
                Some(value) if !value.is_empty() && !value.starts_with('-') => Ok(value),
                _ => Err(format!("\\docs: {name} needs {what}; {USAGE}")),
            };
            match name {
                "--coverage" if inline.is_none() => options.coverage = true,
                "-o" | "--output" => {
                    let dir = value("a directory")?;
                    options.set_dir(dir)?;
                }
                "--format" => {
                    options.form = Some(match value("markdown or json")? {
                        "markdown" | "md" => Form::Markdown,
                        "json" => Form::Json,
                        other => {
                            return Err(format!("\\docs: unknown format `{other}`; {USAGE}"));
                        }
                    })
                }
                _ if word.starts_with('-') => {
                    return Err(format!("\\docs: unknown option `{word}`; {USAGE}"));
                }
                _ => options.set_dir(word)?,
            }
        }
        Ok(options)
    }

    fn set_dir(&mut self, dir: &str) -> Result<(), String> {
        if self.dir.is_some() {
            return Err(format!("\\docs takes one directory; {USAGE}"));
        }
        self.dir = Some(dir.to_string());
        Ok(())
    }
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
    fn options_parse_like_glance_docs() {
        let parsed = |rest: &str| Options::parse(rest);
        assert_eq!(parsed("").unwrap(), Options::default());
        assert_eq!(parsed("out").unwrap().dir.as_deref(), Some("out"));
        assert_eq!(parsed("-o /tmp/x").unwrap().dir.as_deref(), Some("/tmp/x"));
        assert_eq!(parsed("--output=d").unwrap().dir.as_deref(), Some("d"));
        assert_eq!(parsed("./-x").unwrap().dir.as_deref(), Some("./-x"));
        let both = parsed("--coverage -o d --format json").unwrap();
        assert_eq!(
            both,
            Options {
                dir: Some("d".into()),
                coverage: true,
                form: Some(Form::Json),
            }
        );
        assert_eq!(parsed("--format=md").unwrap().form, Some(Form::Markdown));
        for (rest, error) in [
            ("--covrage", "unknown option `--covrage`"),
            ("-x", "unknown option `-x`"),
            ("-o", "-o needs a directory"),
            ("-o --coverage", "-o needs a directory"),
            ("--format csv", "unknown format `csv`"),
            ("a b", "takes one directory"),
            ("--coverage=yes", "unknown option"),
        ] {
            let message = parsed(rest).unwrap_err();
            assert!(message.contains(error), "{rest}: {message}");
            assert!(message.contains(USAGE), "{rest}: {message}");
        }
    }

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
