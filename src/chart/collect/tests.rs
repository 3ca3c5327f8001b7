use super::*;
use crate::chart::pick::pick;

fn col(name: &str) -> Column {
    Column {
        name: name.into(),
        type_name: String::new(),
    }
}

fn collect(kind: Kind, columns: &[Column], rows: impl Iterator<Item = Row>) -> Plot {
    let rows: Vec<Row> = rows.collect();
    let request = Request {
        kind: Some(kind),
        ..Request::default()
    };
    let choice = pick(columns, &rows[..rows.len().min(50)], &request).unwrap();
    let mut collector = Collector::new(&choice, columns);
    for row in &rows {
        collector.push(row);
    }
    collector.finish()
}

#[test]
fn nulls_are_skipped_and_counted() {
    let columns = [col("label"), col("n")];
    let rows = [("a", Value::Int(1)), ("b", Value::Null), ("c", Value::Null)]
        .into_iter()
        .map(|(l, v)| vec![Value::Text(l.into()), v]);
    let plot = collect(Kind::Bar, &columns, rows);
    assert_eq!(plot.notes, ["2 rows with NULL skipped."]);
    let Data::Bars { labels, .. } = plot.data else {
        panic!()
    };
    assert_eq!(labels, ["a"]);
}

#[test]
fn bars_keep_the_first_labels_and_count_the_rest() {
    let columns = [col("label"), col("n")];
    let rows = (0..MAX_BARS + 5).map(|i| vec![Value::Text(format!("r{i}")), Value::Int(i as i64)]);
    let plot = collect(Kind::Bar, &columns, rows);
    let Data::Bars { labels, .. } = &plot.data else {
        panic!()
    };
    assert_eq!(labels.len(), MAX_BARS);
    assert_eq!(
        plot.notes,
        ["Only the first 200 bars are drawn; 5 rows more not shown."]
    );
}

#[test]
fn long_lines_keep_their_extremes_in_bounded_memory() {
    let columns = [col("x"), col("y")];
    let n = 1_000_000i64;
    let rows = (0..n).map(|i| {
        let y = if i == 777_777 { 1e9 } else { (i % 100) as f64 };
        vec![Value::Int(i), Value::Float(y)]
    });
    let plot = collect(Kind::Line, &columns, rows);
    let Data::Points { series, .. } = &plot.data else {
        panic!()
    };
    let points = &series[0].points;
    assert!(points.len() <= 2 * MAX_BUCKETS, "{}", points.len());
    assert!(points.iter().any(|p| p.1 == 1e9), "the spike survives");
    assert!(points.windows(2).all(|w| w[0].0 <= w[1].0), "in X order");
    assert_eq!(
        plot.notes,
        ["y: the lowest and highest of every 1,024 points drawn (1,000,000 in all)."]
    );
}

#[test]
fn scatter_points_are_thinned_evenly() {
    let columns = [col("x"), col("y")];
    let rows = (0..10_000i64).map(|i| vec![Value::Int(i), Value::Int(-i)]);
    let plot = collect(Kind::Scatter, &columns, rows);
    let Data::Points { series, .. } = &plot.data else {
        panic!()
    };
    let points = &series[0].points;
    assert!(points.len() <= MAX_POINTS);
    assert_eq!(points[1].0 - points[0].0, 8.0);
    assert_eq!(plot.notes, ["y: 1 point in every 8 drawn (10,000 in all)."]);
}

#[test]
fn histogram_bins_cover_every_value_as_the_range_grows() {
    let columns = [col("v")];
    let rows =
        (0..100_000i64).map(|i| vec![Value::Int(if i == 99_999 { 5_000_000 } else { i % 1000 })]);
    let plot = collect(Kind::Histogram, &columns, rows);
    let Data::Bins { bins, .. } = &plot.data else {
        panic!()
    };
    assert!(bins.len() as i64 <= SHOWN_BINS);
    assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 100_000);
    assert!(bins[0].low <= 0.0 && bins[bins.len() - 1].high > 5_000_000.0);
    let width = bins[0].high - bins[0].low;
    assert!(bins.iter().all(|b| b.high - b.low == width), "equal widths");
}

#[test]
fn small_histograms_get_round_whole_bins() {
    let columns = [col("v")];
    let rows = [1, 2, 2, 3, 3, 3, 9]
        .into_iter()
        .map(|v| vec![Value::Int(v)]);
    let plot = collect(Kind::Histogram, &columns, rows);
    let Data::Bins { bins, .. } = &plot.data else {
        panic!()
    };
    assert_eq!(
        bins[0],
        Bin {
            low: 0.0,
            high: 2.0,
            count: 1
        }
    );
    assert_eq!(
        bins.iter().map(|b| b.count).collect::<Vec<_>>(),
        [1, 5, 0, 0, 1]
    );
    assert_eq!(plot.notes, ["7 values counted in equal bins."]);
}

#[test]
fn the_streaming_sink_charts_a_whole_result() {
    let mut sink = Charting::new(Request::default());
    sink.columns(&[col("v")]);
    for chunk in 0..10 {
        sink.rows(
            (0..100)
                .map(|i| vec![Value::Int(chunk * 100 + i)])
                .collect(),
        );
    }
    let (choice, plot) = sink.finish().unwrap();
    assert_eq!(choice.kind, Kind::Histogram);
    let Data::Bins { bins, .. } = plot.data else {
        panic!()
    };
    assert_eq!(bins.iter().map(|b| b.count).sum::<u64>(), 1000);

    let mut sink = Charting::new(Request::default());
    sink.columns(&[col("a")]);
    sink.rows(vec![vec![Value::Text("x".into())]]);
    assert!(sink.finish().is_err());
}
