//! Whether a question asks for a chart, from its words: "plot monthly
//! revenue", "orders by status as a chart", "histogram of order totals".
//! Pure.

use super::{Kind, Request};

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
