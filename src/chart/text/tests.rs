//! Golden snapshots: each kind drawn at two widths, colour off, compared
//! with the files in `src/chart/golden/`. After a deliberate change to the
//! drawing, write them again with `GLANCE_TEST_UPDATE_GOLDEN=1 cargo test --lib
//! chart::text` and read the difference before committing.

use super::*;
use crate::chart::test_plot as plot;

fn golden(name: &str, plot: &Plot, glyphs: Glyphs) {
    for width in [60, 100] {
        let style = Style {
            width,
            height: 16,
            glyphs,
            color: false,
        };
        let drawn = render(plot, &style);
        for line in drawn.lines() {
            assert!(text_width(line) <= width, "too wide: {line:?}");
        }
        assert!(drawn.lines().count() <= 16, "too high:\n{drawn}");
        let path = format!(
            "{}/src/chart/golden/{name}-{width}.txt",
            env!("CARGO_MANIFEST_DIR")
        );
        if std::env::var_os("GLANCE_TEST_UPDATE_GOLDEN").is_some() {
            std::fs::write(&path, &drawn).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!("cannot read {path}: {e}; write it with GLANCE_TEST_UPDATE_GOLDEN=1")
        });
        assert_eq!(drawn, expected, "{path} differs; drawn:\n{drawn}");
    }
}

/// Seconds at the start of a day, `2024-MM-DD`.
fn day(month: i8, day: i8) -> f64 {
    let date = jiff::civil::Date::new(2024, month, day).unwrap();
    let utc = jiff::tz::TimeZone::UTC;
    let at = utc.to_timestamp(date.to_datetime(jiff::civil::Time::midnight()));
    at.unwrap().as_second() as f64
}

fn bars() -> Plot {
    let labels = ["delivered", "shipped", "paid", "pending", "cancelled"];
    plot(
        Kind::Bar,
        "status",
        "orders",
        Data::Bars {
            labels: labels.iter().map(|l| l.to_string()).collect(),
            series: vec![Series {
                name: "orders".into(),
                values: vec![Some(1234.0), Some(310.0), Some(95.5), None, Some(12.0)],
                digits: Vec::new(),
            }],
        },
    )
}

#[test]
fn bars_are_drawn_with_eighths() {
    golden("bar", &bars(), Glyphs::Unicode);
}

#[test]
fn bars_in_ascii() {
    golden("bar-ascii", &bars(), Glyphs::Ascii);
}

#[test]
fn several_bar_series_have_a_legend() {
    let data = Data::Bars {
        labels: vec!["north".into(), "south".into()],
        series: vec![
            Series {
                name: "2023".into(),
                values: vec![Some(40.0), Some(-10.0)],
                digits: Vec::new(),
            },
            Series {
                name: "2024".into(),
                values: vec![Some(55.0), Some(20.0)],
                digits: Vec::new(),
            },
        ],
    };
    golden(
        "bar-series",
        &plot(Kind::Bar, "region", "", data),
        Glyphs::Unicode,
    );
}

fn monthly() -> Vec<(f64, f64)> {
    (1..=12)
        .map(|m| {
            (
                day(m, 1),
                1000.0 + 250.0 * f64::from(m) + if m % 3 == 0 { 900.0 } else { 0.0 },
            )
        })
        .collect()
}

#[test]
fn lines_over_dates() {
    let data = Data::Points {
        x_scale: Scale::Time,
        series: vec![Points {
            name: "revenue".into(),
            points: monthly(),
        }],
    };
    golden(
        "line",
        &plot(Kind::Line, "month", "revenue", data),
        Glyphs::Unicode,
    );
}

#[test]
fn several_lines_in_ascii_have_marks() {
    let cost = monthly().into_iter().map(|(x, y)| (x, y / 2.0)).collect();
    let data = Data::Points {
        x_scale: Scale::Time,
        series: vec![
            Points {
                name: "revenue".into(),
                points: monthly(),
            },
            Points {
                name: "cost".into(),
                points: cost,
            },
        ],
    };
    golden(
        "line-ascii",
        &plot(Kind::Line, "month", "", data),
        Glyphs::Ascii,
    );
}

#[test]
fn scatter_points() {
    let points = (0..60)
        .map(|i| {
            let x = f64::from(i) * 2.5;
            (x, (x * 0.8 + f64::from((i * 37) % 23)).round())
        })
        .collect();
    let data = Data::Points {
        x_scale: Scale::Number,
        series: vec![Points {
            name: "stock".into(),
            points,
        }],
    };
    golden(
        "scatter",
        &plot(Kind::Scatter, "price", "stock", data),
        Glyphs::Unicode,
    );
}

#[test]
fn histogram_bins_become_bars() {
    let counts = [3, 14, 40, 95, 120, 80, 33, 9, 2, 1];
    let bins = counts
        .iter()
        .enumerate()
        .map(|(i, &count)| Bin {
            low: i as f64 * 50.0,
            high: (i + 1) as f64 * 50.0,
            count,
        })
        .collect();
    let data = Data::Bins {
        x_scale: Scale::Number,
        bins,
    };
    golden(
        "hist",
        &plot(Kind::Histogram, "total", "", data),
        Glyphs::Unicode,
    );
}

#[test]
fn x_labels_all_show_and_carry_the_date_on_a_new_day() {
    let hour = 3_600.0;
    let start = day(1, 1) + 18.0 * hour;
    let axis = x_ticks(Scale::Time, start, start + 12.0 * hour, 6, 54);
    assert!(labels_fit(&axis, (start, start + 12.0 * hour), 6, 54));
    assert_eq!(
        axis.labels.first().map(String::as_str),
        Some("2024-01-01 18:00")
    );
    assert!(
        axis.labels.iter().any(|l| l == "2024-01-02 00:00"),
        "{:?}",
        axis.labels
    );
}

#[test]
fn colour_paints_each_series() {
    let style = Style {
        width: 60,
        height: 10,
        glyphs: Glyphs::Unicode,
        color: true,
    };
    let drawn = render(&bars(), &style);
    assert!(drawn.contains("\u{1b}[36m"), "{drawn}");
}

#[test]
fn bar_values_show_the_databases_own_digits() {
    assert_eq!(grouped_digits("9007199254740993"), "9,007,199,254,740,993");
    assert_eq!(
        grouped_digits("-1234567.123456789012"),
        "-1,234,567.123456789012"
    );
    assert_eq!(grouped_digits("12"), "12");
    let data = Data::Bars {
        labels: vec!["big".into()],
        series: vec![Series {
            name: "n".into(),
            values: vec![Some(9007199254740993.0)],
            digits: vec![Some("9007199254740993".into())],
        }],
    };
    let drawn = render(
        &plot(Kind::Bar, "k", "n", data),
        &Style {
            width: 60,
            height: 16,
            glyphs: Glyphs::Ascii,
            color: false,
        },
    );
    assert!(drawn.contains("9,007,199,254,740,993"), "{drawn}");
}

#[test]
fn ascii_cuts_with_three_dots() {
    assert_eq!(cut("abcdefghij", 6, Glyphs::Ascii), "abc...");
    assert_eq!(cut("abcdefghij", 6, Glyphs::Unicode), "abcde…");
    assert_eq!(cut("abc", 6, Glyphs::Ascii), "abc");
    let labels: Vec<String> = (0..40).map(|i| format!("{}{i}", "x".repeat(50))).collect();
    let data = Data::Bars {
        series: vec![Series {
            name: "n".into(),
            values: labels.iter().map(|_| Some(1.0)).collect(),
            digits: Vec::new(),
        }],
        labels,
    };
    let style = Style {
        width: 60,
        height: 16,
        glyphs: Glyphs::Ascii,
        color: false,
    };
    let drawn = render(&plot(Kind::Bar, "k", "n", data), &style);
    assert!(drawn.is_ascii(), "{drawn}");
    assert!(drawn.contains("... ") && drawn.contains("more"), "{drawn}");
}
