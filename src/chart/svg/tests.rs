use super::*;
use crate::chart::test_plot as plot;

const WIDTH: u32 = 800;
const HEIGHT: u32 = 500;

fn bars(labels: &[&str], series: &[(&str, &[Option<f64>])]) -> Plot {
    let y_name = if series.len() == 1 { series[0].0 } else { "" };
    plot(
        Kind::Bar,
        "city",
        y_name,
        Data::Bars {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            series: series
                .iter()
                .map(|(name, values)| Series {
                    name: name.to_string(),
                    values: values.to_vec(),
                    digits: Vec::new(),
                })
                .collect(),
        },
    )
}

fn points(kind: Kind, x_scale: Scale, series: &[(&str, &[(f64, f64)])]) -> Plot {
    let y_name = if series.len() == 1 { series[0].0 } else { "" };
    plot(
        kind,
        "day",
        y_name,
        Data::Points {
            x_scale,
            series: series
                .iter()
                .map(|(name, points)| Points {
                    name: name.to_string(),
                    points: points.to_vec(),
                })
                .collect(),
        },
    )
}

fn svg(plot: &Plot) -> String {
    render(plot, WIDTH, HEIGHT).expect("the plot renders")
}

/// Checks `svg` is well-formed XML and calls `check` with it parsed.
fn parsed(svg: &str, check: impl FnOnce(&roxmltree::Document)) {
    let doc = roxmltree::Document::parse(svg).expect("the SVG is well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    check(&doc);
}

/// The series' colour as the backend writes it.
fn hex(series: usize) -> String {
    let RGBColor(r, g, b) = color(series);
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// Elements `tag` whose `attr` is `value`: the marks of one series are the
/// only shapes drawn in its colour (plus its legend entry).
fn count(doc: &roxmltree::Document, tag: &str, attr: &str, value: &str) -> usize {
    doc.descendants()
        .filter(|n| n.has_tag_name(tag) && n.attribute(attr) == Some(value))
        .count()
}

fn texts(doc: &roxmltree::Document) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| n.text().unwrap_or_default().trim().to_string())
        .collect()
}

/// The `y` of the text element reading `label`.
fn text_y(doc: &roxmltree::Document, label: &str) -> f64 {
    doc.descendants()
        .find(|n| n.has_tag_name("text") && n.text().map(str::trim) == Some(label))
        .and_then(|n| n.attribute("y"))
        .and_then(|y| y.parse().ok())
        .unwrap_or_else(|| panic!("no text {label:?}"))
}

#[test]
fn bars_are_one_rect_per_value_with_a_legend_entry_per_series() {
    let plot = bars(
        &["Oslo", "Lima", "Pune"],
        &[
            ("2023", &[Some(1200.0), Some(800.0), Some(-150.0)]),
            ("2024", &[Some(1300.0), None, Some(90.0)]),
        ],
    );
    parsed(&svg(&plot), |doc| {
        // Each series' bars plus its legend swatch.
        assert_eq!(count(doc, "rect", "fill", &hex(0)), 3 + 1);
        assert_eq!(count(doc, "rect", "fill", &hex(1)), 2 + 1);
        let texts = texts(doc);
        for expected in ["Oslo", "Lima", "Pune", "2023", "2024", "city", "1,200"] {
            assert!(
                texts.iter().any(|t| t == expected),
                "{expected} in {texts:?}"
            );
        }
    });
}

#[test]
fn bar_labels_run_top_to_bottom_in_the_results_order() {
    let plot = bars(
        &["first", "second", "third"],
        &[("n", &[Some(1.0), Some(3.0), Some(2.0)])],
    );
    parsed(&svg(&plot), |doc| {
        let (first, second, third) = (
            text_y(doc, "first"),
            text_y(doc, "second"),
            text_y(doc, "third"),
        );
        assert!(first < second && second < third, "{first} {second} {third}");
        // One series with a name on its axis: no legend, so only the bars.
        assert_eq!(count(doc, "rect", "fill", &hex(0)), 3);
    });
}

#[test]
fn text_from_the_database_is_escaped_and_loses_control_characters() {
    let label = "a<b & \"c\"\u{7}d\u{202e}";
    let plot = bars(
        &[label, "plain"],
        &[
            ("n<1>", &[Some(1.0), Some(2.0)]),
            ("m", &[Some(2.0), Some(1.0)]),
        ],
    );
    let svg = svg(&plot);
    assert!(svg.contains("a&lt;b &amp; &quot;c&quot;d"), "{svg}");
    assert!(svg.contains("n&lt;1&gt;"));
    assert!(!svg.contains('\u{7}') && !svg.contains('\u{202e}'));
    parsed(&svg, |doc| {
        let texts = texts(doc);
        assert!(texts.iter().any(|t| t == "a<b & \"c\"d"), "{texts:?}");
    });
}

#[test]
fn long_labels_are_cut_and_many_are_thinned_but_every_bar_is_drawn() {
    let long = "x".repeat(100);
    let labels: Vec<String> = (0..200).map(|i| format!("{long}{i}")).collect();
    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
    let values: Vec<Option<f64>> = (0..200).map(|i| Some(i as f64)).collect();
    let plot = bars(&labels, &[("n", &values)]);
    parsed(&svg(&plot), |doc| {
        // Bar 0 has value 0: a rectangle of no width, still one element.
        assert_eq!(count(doc, "rect", "fill", &hex(0)), 200);
        let shown: Vec<String> = texts(doc)
            .into_iter()
            .filter(|t| t.starts_with("xxx"))
            .collect();
        assert!(!shown.is_empty() && shown.len() < 40, "{}", shown.len());
        assert!(
            shown
                .iter()
                .all(|t| t.ends_with('…') && t.chars().count() <= 32)
        );
    });
}

#[test]
fn no_bars_is_still_a_valid_document_that_says_so() {
    let plot = bars(&[], &[("n", &[])]);
    parsed(&svg(&plot), |doc| {
        assert_eq!(count(doc, "rect", "fill", &hex(0)), 0);
        assert!(texts(doc).iter().any(|t| t == "No values to draw."));
    });
    let nulls = bars(&["a"], &[("n", &[None])]);
    parsed(&svg(&nulls), |doc| {
        assert_eq!(count(doc, "rect", "fill", &hex(0)), 0);
    });
}

const JAN_1_2024: f64 = 1_704_067_200.0;

#[test]
fn lines_are_one_polyline_per_series_over_dated_ticks() {
    let day = 86_400.0;
    let a: Vec<(f64, f64)> = (0..30)
        .map(|i| (JAN_1_2024 + i as f64 * day, i as f64))
        .collect();
    let b: Vec<(f64, f64)> = (0..30)
        .map(|i| (JAN_1_2024 + i as f64 * day, 1000.0 * i as f64))
        .collect();
    let plot = points(Kind::Line, Scale::Time, &[("orders", &a), ("revenue", &b)]);
    parsed(&svg(&plot), |doc| {
        // The series' line plus its legend's line.
        assert_eq!(count(doc, "polyline", "stroke", &hex(0)), 1 + 1);
        assert_eq!(count(doc, "polyline", "stroke", &hex(1)), 1 + 1);
        assert_eq!(count(doc, "circle", "fill", &hex(0)), 0);
        let texts = texts(doc);
        assert!(texts.iter().any(|t| t.starts_with("2024-01-")), "{texts:?}");
        assert!(texts.iter().any(|t| t == "25,000"), "{texts:?}");
        assert!(texts.iter().any(|t| t == "orders") && texts.iter().any(|t| t == "revenue"));
    });
}

#[test]
fn extreme_values_still_draw() {
    let data = [
        (-f64::MAX, f64::MAX),
        (f64::MAX, -f64::MAX),
        (0.0, f64::INFINITY),
    ];
    let plot = points(Kind::Scatter, Scale::Number, &[("y", &data)]);
    parsed(&svg(&plot), |doc| {
        assert_eq!(count(doc, "circle", "fill", &hex(0)), 2);
    });
    let times = [(-1e15, 1.0), (1e15, 2.0)];
    let plot = points(Kind::Line, Scale::Time, &[("y", &times)]);
    parsed(&svg(&plot), |doc| {
        assert_eq!(count(doc, "polyline", "stroke", &hex(0)), 1);
    });
}

#[test]
fn scatter_is_one_circle_per_point() {
    let data = [(1.0, 2.0), (2.5, 3.0), (4.0, -1.0), (f64::NAN, 1.0)];
    let plot = points(Kind::Scatter, Scale::Number, &[("y", &data)]);
    parsed(&svg(&plot), |doc| {
        assert_eq!(count(doc, "circle", "fill", &hex(0)), 3);
    });
}

#[test]
fn a_histogram_has_a_rect_per_bin_with_values_and_whole_counts() {
    let bins = [
        (0.0, 10.0, 4),
        (10.0, 20.0, 0),
        (20.0, 30.0, 7),
        (30.0, 40.0, 1),
    ];
    let plot = plot(
        Kind::Histogram,
        "price",
        "",
        Data::Bins {
            x_scale: Scale::Number,
            bins: bins
                .iter()
                .map(|(low, high, count)| Bin {
                    low: *low,
                    high: *high,
                    count: *count,
                })
                .collect(),
        },
    );
    parsed(&svg(&plot), |doc| {
        assert_eq!(count(doc, "rect", "fill", &hex(0)), 3);
        let texts = texts(doc);
        assert!(texts.iter().any(|t| t == "count") && texts.iter().any(|t| t == "price"));
        assert!(!texts.iter().any(|t| t.contains('.')), "{texts:?}");
    });
}

#[test]
fn notes_are_a_caption_under_the_chart() {
    let mut plot = bars(&["a", "b"], &[("n", &[Some(1.0), Some(2.0)])]);
    plot.notes = vec![
        "3 rows with NULL were skipped.".into(),
        format!(
            "Only the first {} rows are drawn. {}",
            1000,
            "word ".repeat(60)
        ),
    ];
    parsed(&svg(&plot), |doc| {
        let lines: Vec<String> = texts(doc);
        let skipped = text_y(doc, "3 rows with NULL were skipped.");
        assert!(skipped > text_y(doc, "a") && skipped > text_y(doc, "b"));
        let wrapped = lines.iter().filter(|t| t.starts_with("word")).count();
        assert!(wrapped >= 1, "{lines:?}");
    });
}

#[test]
fn the_same_plot_gives_the_same_bytes() {
    let a = [(JAN_1_2024, 1.0), (JAN_1_2024 + 3600.0, 2.0)];
    let plot = points(Kind::Line, Scale::Time, &[("a", &a), ("b", &a)]);
    assert_eq!(svg(&plot), svg(&plot));
}

#[test]
fn a_too_small_size_is_refused_with_the_size_needed() {
    let plot = bars(&["a"], &[("n", &[Some(1.0)])]);
    let error = render(&plot, 100, 100).unwrap_err();
    assert!(matches!(error, SvgError::TooSmall { min_width: 240, .. }));
    assert!(error.to_string().contains("give at least 240×"), "{error}");
}
