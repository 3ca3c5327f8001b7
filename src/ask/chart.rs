//! Charts in `glance ask`: `--chart [KIND]` draws one after the table,
//! `--format chart` draws only the chart (streaming every row of `--sql`
//! into it in bounded memory), `--chart-out FILE.svg` saves it, and a
//! question whose words ask for a chart gets one after its result.

use crate::chart::collect::Charting;
use crate::chart::text::Style;
use crate::chart::{self, Kind, Request};
use crate::cli::AskArgs;
use crate::exit::Failure;
use crate::export;
use crate::render::Format;
use crate::session::Session;
use crate::term::Term;

/// What `ask` does with the result's chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Wanted {
    pub request: Request,
    /// Print it (`--chart`, `--format chart`).
    pub draw: bool,
    /// Save it as SVG here (`--chart-out`).
    pub save: Option<String>,
}

impl Wanted {
    /// A chart drawn because the question asked for one.
    pub fn drawn(request: Request) -> Wanted {
        Wanted {
            request,
            draw: true,
            save: None,
        }
    }
}

/// The chart `ask` draws or saves, if any: `--chart`'s kind, any kind with
/// `--format chart` or `--chart-out`. `--chart` with `--format json` is
/// refused: a JSON document has no place for a drawing. A `--chart-out`
/// name that is no `.svg`, or a file that could not be created (it exists,
/// is a directory, its directory is missing or not writable), is refused
/// before anything runs.
pub fn wanted(args: &AskArgs, format: Format) -> Result<Option<Wanted>, Failure> {
    if args.chart.is_some() && matches!(format, Format::Json | Format::Ndjson) {
        return Err(Failure::Usage {
            message: "--chart draws a chart after the table, and JSON output has no place for one"
                .into(),
            hint: Some(
                "leave out --format json, use --format chart for the chart alone, or --chart-out FILE.svg to save it"
                    .into(),
            ),
        });
    }
    if let Some(file) = &args.chart_out {
        if !file.to_ascii_lowercase().ends_with(".svg") {
            return Err(Failure::Usage {
                message: format!("--chart-out {file}: a chart is saved as SVG"),
                hint: Some("name the file FILE.svg".into()),
            });
        }
        export::check_new_file(file).map_err(save_failure)?;
    }
    let draw = args.chart.is_some() || format == Format::Chart;
    Ok((draw || args.chart_out.is_some()).then(|| Wanted {
        request: Request {
            kind: args.chart.as_deref().and_then(Kind::parse),
            ..Request::default()
        },
        draw,
        save: args.chart_out.clone(),
    }))
}

/// A sink that charts the whole result when the output is only a chart.
pub fn streaming(format: Format, wanted: Option<&Wanted>) -> Option<Charting> {
    (format == Format::Chart)
        .then(|| Charting::new(wanted.map(|w| w.request.clone()).unwrap_or_default()))
}

/// Prints or saves the chart of the result just run: from `streamed` when
/// the result went into it, else from the rows the session kept.
pub fn print(
    session: &Session,
    wanted: &Wanted,
    streamed: Option<Charting>,
    term: Term,
) -> Result<(), Failure> {
    let hint = "run it with --sql … --format chart to draw every row";
    let charted = match streamed {
        Some(sink) => sink.finish(),
        None => session.kept().plot(&wanted.request, hint),
    };
    let (choice, plot) = charted.map_err(|error| Failure::Runtime {
        message: format!("cannot draw a chart: {error}"),
        hint: Some(
            "name the kind with --chart bar|line|hist|scatter, or select a numeric column".into(),
        ),
    })?;
    if wanted.draw {
        print!(
            "{}",
            chart::framed(&choice.sentence, &plot, &Style::for_terminal(&term))
        );
    }
    if let Some(file) = &wanted.save {
        export::write_chart(file, false, &plot).map_err(save_failure)?;
    }
    Ok(())
}

/// `--chart-out` when stdout was closed before the result was read
/// (`| head`): the rows were not all fetched, so no chart is saved, and
/// the command fails rather than end as if it had been.
pub fn unsaved_after_closed_output(file: &str) -> Failure {
    Failure::Runtime {
        message: format!(
            "--chart-out: no chart saved to {file}: the output was closed before the whole result was read"
        ),
        hint: Some(
            "send the output somewhere that reads all of it (e.g. > /dev/null), or use --format chart".into(),
        ),
    }
}

/// `--chart-out`'s file could not be (or would not be) written.
fn save_failure(error: export::Error) -> Failure {
    Failure::Runtime {
        message: format!("--chart-out: {error}"),
        hint: match &error {
            export::Error::Exists(_) => {
                Some("glance never replaces a file: remove it or name another".into())
            }
            error => error.chart_hint().map(str::to_string),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_output_fails_naming_the_file_not_saved() {
        let failure = unsaved_after_closed_output("out.svg");
        assert_eq!(failure.code(), 1);
        assert!(
            failure.message().contains("no chart saved to out.svg"),
            "{}",
            failure.message()
        );
    }
}
