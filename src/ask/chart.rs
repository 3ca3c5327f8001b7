//! Charts in `glance ask`: `--chart [KIND]` draws one after the table,
//! `--format chart` draws only the chart (streaming every row of `--sql`
//! into it in bounded memory), and a question whose words ask for a chart
//! gets one after its result.

use crate::chart::collect::Charting;
use crate::chart::text::Style;
use crate::chart::{self, Kind, Request};
use crate::cli::AskArgs;
use crate::exit::Failure;
use crate::render::Format;
use crate::session::Session;
use crate::term::Term;

/// The chart `ask` draws, if any: `--chart`'s kind, or any kind with
/// `--format chart`. `--chart` with `--format json` is refused: a JSON
/// document has no place for a drawing.
pub fn wanted(args: &AskArgs, format: Format) -> Result<Option<Request>, Failure> {
    let kind = args.chart.as_deref().and_then(Kind::parse);
    match (&args.chart, format) {
        (Some(_), Format::Json | Format::Ndjson) => Err(Failure::Usage {
            message: "--chart draws a chart after the table, and JSON output has no place for one"
                .into(),
            hint: Some("leave out --format json, or use --format chart for the chart alone".into()),
        }),
        (Some(_), _) | (None, Format::Chart) => Ok(Some(Request {
            kind,
            ..Request::default()
        })),
        (None, _) => Ok(None),
    }
}

/// A sink that charts the whole result when the output is only a chart.
pub fn streaming(format: Format, request: Option<&Request>) -> Option<Charting> {
    (format == Format::Chart).then(|| Charting::new(request.cloned().unwrap_or_default()))
}

/// Prints the chart of the result just run: from `streamed` when the
/// result went into it, else from the rows the session kept.
pub fn print(
    session: &Session,
    request: &Request,
    streamed: Option<Charting>,
    term: Term,
) -> Result<(), Failure> {
    let style = Style::for_terminal(&term);
    let hint = "run it with --sql … --format chart to draw every row";
    let drawn = match streamed {
        Some(sink) => sink
            .finish()
            .map(|(choice, plot)| chart::framed(&choice.sentence, &plot, &style, None)),
        None => session.kept().chart(request, &style, hint),
    };
    match drawn {
        Ok(text) => {
            print!("{text}");
            Ok(())
        }
        Err(error) => Err(Failure::Runtime {
            message: format!("cannot draw a chart: {error}"),
            hint: Some(
                "name the kind with --chart bar|line|hist|scatter, or select a numeric column"
                    .into(),
            ),
        }),
    }
}
