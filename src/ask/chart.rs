//! Charts in `glance ask`: `--chart [KIND]` draws one after the table,
//! `--format chart` draws only the chart (streaming every row of `--sql`
//! into it in bounded memory), and a question whose words ask for a chart
//! gets one after its result.

use crate::chart::collect::{self, Charting};
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
    let (drawn, shown) = match streamed {
        Some(sink) => (sink.finish(), None),
        None => {
            let kept = session.kept();
            let shown = (!kept.complete).then_some((kept.rows.len() as u64, kept.seen));
            (
                collect::plot_rows(&kept.columns, &kept.rows, request),
                shown,
            )
        }
    };
    match drawn {
        Ok((choice, plot)) => {
            let hint = "run it with --sql … --format chart to draw every row";
            let shown = shown.map(|(kept, seen)| (kept, seen, hint));
            print!("{}", chart::framed(&choice.sentence, &plot, &style, shown));
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

/// The kind of chart a person's words ask for: `Some(None)` for a chart
/// of any kind ("plot monthly revenue", "as a chart"), `Some(Some(kind))`
/// when they name one ("histogram of totals", "bar chart"), `None` when
/// they ask for no chart.
pub fn asked_in_words(question: &str) -> Option<Option<Kind>> {
    let words: Vec<String> = question
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let has = |w: &str| words.iter().any(|x| x == w);
    let before = |w: &str, next: &[&str]| {
        words
            .windows(2)
            .any(|pair| pair[0] == w && next.contains(&pair[1].as_str()))
    };
    let charted = [
        "chart",
        "charts",
        "graph",
        "plot",
        "plotted",
        "plotting",
        "visualize",
        "visualise",
    ];
    let named = [
        ("histogram", Kind::Histogram),
        ("histograms", Kind::Histogram),
    ];
    if let Some((_, kind)) = named.iter().find(|(w, _)| has(w)) {
        return Some(Some(*kind));
    }
    for (word, kind) in [
        ("bar", Kind::Bar),
        ("line", Kind::Line),
        ("scatter", Kind::Scatter),
    ] {
        if before(word, &["chart", "charts", "graph", "plot"])
            || (word == "scatter" && has("scatter"))
        {
            return Some(Some(kind));
        }
    }
    charted.iter().any(|w| has(w)).then_some(None)
}

/// What a question's chart is: the person's words first, then the
/// model's `-- chart: KIND` line; `None` when neither asks for one.
pub fn for_question(question: &str, model_kind: Option<Kind>) -> Option<Request> {
    let kind = match asked_in_words(question) {
        Some(Some(kind)) => Some(kind),
        Some(None) => model_kind,
        None => Some(model_kind?),
    };
    Some(Request {
        kind,
        ..Request::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_ask_for_a_chart() {
        let cases: &[(&str, Option<Option<Kind>>)] = &[
            ("plot monthly revenue", Some(None)),
            ("show orders by status as a chart", Some(None)),
            ("histogram of order totals", Some(Some(Kind::Histogram))),
            ("a bar chart of sales per city", Some(Some(Kind::Bar))),
            ("line graph of signups per week", Some(Some(Kind::Line))),
            ("scatter of price against stock", Some(Some(Kind::Scatter))),
            ("graph the daily orders", Some(None)),
            ("how many orders per status?", None),
            ("which bar sells the most?", None),
            ("customers on the order line", None),
            ("chartreuse products", None),
        ];
        for (question, expected) in cases {
            assert_eq!(asked_in_words(question), *expected, "{question}");
        }
    }

    #[test]
    fn the_persons_words_win_over_the_model() {
        let kind = |r: Option<Request>| r.map(|r| r.kind);
        assert_eq!(
            kind(for_question("histogram of totals", Some(Kind::Bar))),
            Some(Some(Kind::Histogram))
        );
        assert_eq!(
            kind(for_question("plot revenue", Some(Kind::Line))),
            Some(Some(Kind::Line))
        );
        assert_eq!(kind(for_question("plot revenue", None)), Some(None));
        assert_eq!(
            kind(for_question("revenue per month", Some(Kind::Line))),
            Some(Some(Kind::Line))
        );
        assert_eq!(kind(for_question("revenue per month", None)), None);
    }
}
