//! `\erd [PATTERN] [--out FILE]` and `glance erd`: the matching tables'
//! diagram drawn for the terminal, printed as JSON, or written into a
//! Mermaid or SVG file. Shared by the REPL and the one-shot command, which
//! each print what [`draw`] returns.

use crate::catalog::Catalog;
use crate::docs::mermaid;
use crate::erd::{self, Diagram, FileForm, MAX_DRAWN, Options};
use crate::escape;
use crate::exit::Failure;

/// What a diagram request came to.
pub enum Drawn {
    /// The drawing, for the terminal.
    Text(String),
    /// The tables and foreign keys (`--format json`).
    Json(serde_json::Value),
    /// The file written, and how many tables it shows.
    Written {
        path: std::path::PathBuf,
        tables: usize,
    },
}

/// How the terminal is drawn on, and how the front end's command is named.
pub struct View<'a> {
    pub width: usize,
    pub ascii: bool,
    pub json: bool,
    /// `\erd` or `glance erd`, for the hints.
    pub command: &'a str,
    /// The hint when `--out` names a file that exists.
    pub exists_hint: &'a str,
}

/// The diagram `options` ask for, from `catalog`. More than
/// [`MAX_DRAWN`] tables are refused for the terminal (with a narrower
/// pattern suggested) but written to a file.
pub fn draw(catalog: &Catalog, options: &Options, view: &View) -> Result<Drawn, Failure> {
    let form = options
        .out
        .as_deref()
        .map(FileForm::of)
        .transpose()
        .map_err(|message| Failure::Usage {
            message: escape::visible(&message).into_owned(),
            hint: Some("name the file FILE.mmd, FILE.md or FILE.svg".into()),
        })?;
    let tables: Vec<_> = crate::describe::listed(catalog, &erd::KINDS, options.pattern.as_deref())
        .into_iter()
        .filter(|r| !erd::is_partition(catalog, r))
        .collect();
    if tables.is_empty() {
        return Err(match &options.pattern {
            Some(pattern) => Failure::Usage {
                message: format!("no tables match \"{}\"", escape::visible(pattern)),
                hint: Some("\\dt lists the tables; patterns take * and ? and schema.".into()),
            },
            None => Failure::runtime("the database has no tables to draw"),
        });
    }
    let diagram = Diagram::new(&tables, &catalog.relations);
    let (Some(file), Some(form)) = (&options.out, form) else {
        if view.json {
            return Ok(Drawn::Json(diagram.json()));
        }
        if tables.len() > MAX_DRAWN {
            let suggestion = erd::narrower(&tables)
                .map(|p| format!("{} {}, ", view.command, escape::visible(&p)))
                .unwrap_or_default();
            return Err(Failure::Usage {
                message: format!(
                    "{} tables match; a diagram on the terminal shows at most {MAX_DRAWN}",
                    tables.len()
                ),
                hint: Some(format!(
                    "narrow the pattern ({suggestion}a schema as SCHEMA.*, a prefix as NAME*) \
                     or write them all with --out FILE.svg"
                )),
            });
        }
        return Ok(Drawn::Text(erd::text::draw(
            &diagram, view.width, view.ascii,
        )));
    };
    let text = match form {
        FileForm::Svg => erd::svg::draw(&diagram),
        FileForm::Mermaid | FileForm::MermaidMarkdown => {
            let shown = tables
                .iter()
                .map(|r| (r.schema.clone(), r.name.clone()))
                .collect();
            let fenced = mermaid::diagram(catalog, Some(&shown), mermaid::Detail::Keys);
            match form {
                FileForm::Mermaid => unfenced(&fenced),
                _ => fenced,
            }
        }
    };
    let path = crate::export::write_text(file, options.overwrite, &text).map_err(|error| {
        let hint = match &error {
            crate::export::Error::Exists(_) => Some(view.exists_hint.to_string()),
            error => error.hint().map(str::to_string),
        };
        Failure::Runtime {
            message: escape::visible(&error.to_string()).into_owned(),
            hint,
        }
    })?;
    Ok(Drawn::Written {
        path,
        tables: tables.len(),
    })
}

/// A Mermaid diagram without its Markdown fence.
fn unfenced(fenced: &str) -> String {
    let inner = fenced.strip_prefix("```mermaid\n").unwrap_or(fenced);
    inner.strip_suffix("```\n").unwrap_or(inner).to_string()
}

/// `Wrote a diagram of 6 tables to FILE.`
pub fn written_line(path: &std::path::Path, tables: usize) -> String {
    format!(
        "wrote a diagram of {} to {}",
        crate::numbers::counted(tables as u64, "table", "tables"),
        escape::visible(&path.display().to_string())
    )
}

impl super::Repl {
    /// `\erd`: drawn from the session's catalog; a failure is said and the
    /// session goes on.
    pub(super) fn erd(&self, session: &mut crate::session::Session, options: &Options) {
        let json = session.settings.format == crate::render::Format::Json;
        let catalog = match session.catalog() {
            Ok(catalog) => catalog,
            Err(error) => return eprint!("{}", crate::report::db_error(&error, None)),
        };
        let view = View {
            width: self.term.columns(),
            ascii: !crate::term::utf8_locale(),
            json,
            command: "\\erd",
            exists_hint: "end the file's name with ! to replace it (--out FILE!)",
        };
        match draw(catalog, options, &view) {
            Ok(Drawn::Text(text)) => print!("{text}"),
            Ok(Drawn::Json(value)) => println!("{}", crate::render::json_text(&value)),
            Ok(Drawn::Written { path, tables }) => {
                let line = written_line(&path, tables);
                println!("{}{}.", line[..1].to_uppercase(), &line[1..]);
            }
            Err(failure) => eprint!("{}", failure.message()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;

    fn view() -> View<'static> {
        View {
            width: 80,
            ascii: false,
            json: false,
            command: "\\erd",
            exists_hint: "",
        }
    }

    #[test]
    fn more_than_twenty_tables_are_refused_on_the_terminal() {
        let catalog = Catalog {
            relations: (0..25)
                .map(|i| crate::testing::relation("public", &format!("t{i}"), vec![]))
                .collect(),
            ..Default::default()
        };
        let Err(Failure::Usage { message, .. }) = draw(&catalog, &Options::default(), &view())
        else {
            panic!("25 tables drawn");
        };
        assert_eq!(
            message,
            "25 tables match; a diagram on the terminal shows at most 20"
        );
        let some = Options {
            pattern: Some("t1*".into()),
            ..Default::default()
        };
        assert!(matches!(
            draw(&catalog, &some, &view()),
            Ok(Drawn::Text(text)) if text.contains("│ t19 │")
        ));
    }
}
