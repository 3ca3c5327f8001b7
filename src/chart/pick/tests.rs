use super::*;

fn col(name: &str, type_name: &str) -> Column {
    Column {
        name: name.into(),
        type_name: type_name.into(),
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.into())
}

fn auto(columns: &[Column], rows: &[Row]) -> Result<Choice, PickError> {
    pick(columns, rows, &Request::default())
}

#[test]
fn dates_and_numbers_make_a_line() {
    let columns = [col("month", "TEXT"), col("revenue", "REAL")];
    let rows = vec![
        vec![text("2024-01"), Value::Float(10.0)],
        vec![text("2024-02"), Value::Float(12.5)],
    ];
    let choice = auto(&columns, &rows).unwrap();
    assert_eq!(choice.kind, Kind::Line);
    assert_eq!((choice.x, choice.y.clone()), (Some(0), vec![1]));
    assert_eq!(choice.x_scale, Scale::Time);
    assert_eq!(choice.sentence, "line chart of revenue by month");
}

#[test]
fn short_text_and_a_number_make_bars() {
    let columns = [col("status", "TEXT"), col("orders", "INTEGER")];
    let rows = vec![vec![text("paid"), Value::Int(3)]];
    let choice = auto(&columns, &rows).unwrap();
    assert_eq!(choice.kind, Kind::Bar);
    assert_eq!(choice.sentence, "bar chart of orders by status");
}

#[test]
fn one_number_makes_a_histogram_and_two_a_scatter() {
    let one = [col("total", "numeric")];
    let rows = vec![vec![Value::Numeric("1.50".into())]];
    let choice = auto(&one, &rows).unwrap();
    assert_eq!(
        (choice.kind, choice.x, choice.y),
        (Kind::Histogram, None, vec![0])
    );
    assert_eq!(choice.sentence, "histogram of total");

    let two = [col("price", "REAL"), col("stock", "INTEGER")];
    let rows = vec![vec![Value::Float(1.0), Value::Int(2)]];
    let choice = auto(&two, &rows).unwrap();
    assert_eq!(choice.kind, Kind::Scatter);
    assert_eq!(choice.sentence, "scatter chart of stock against price");
}

#[test]
fn nothing_numeric_is_an_error_naming_the_columns() {
    let columns = [col("a", "TEXT"), col("b", "TEXT")];
    let rows = vec![vec![text("x"), text("y")]];
    let error = auto(&columns, &rows).unwrap_err();
    assert_eq!(
        error.to_string(),
        "no numeric column to plot; columns are a (text), b (text)"
    );
}

#[test]
fn the_request_wins_and_unknown_names_list_the_columns() {
    let columns = [
        col("status", "TEXT"),
        col("n", "INTEGER"),
        col("total", "REAL"),
    ];
    let rows = vec![vec![text("paid"), Value::Int(3), Value::Float(2.0)]];
    let request = Request {
        kind: Some(Kind::Histogram),
        x: None,
        y: vec!["total".into()],
    };
    let choice = pick(&columns, &rows, &request).unwrap();
    assert_eq!((choice.kind, choice.y), (Kind::Histogram, vec![2]));

    let request = Request {
        kind: Some(Kind::Bar),
        x: Some("STATUS".into()),
        y: vec!["n".into()],
    };
    assert_eq!(pick(&columns, &rows, &request).unwrap().y, vec![1]);

    let request = Request {
        kind: None,
        x: Some("nope".into()),
        y: vec![],
    };
    assert_eq!(
        pick(&columns, &rows, &request).unwrap_err().to_string(),
        "no column named `nope`; columns are status (text), n (number), total (number)"
    );
    let request = Request {
        kind: Some(Kind::Line),
        x: None,
        y: vec!["status".into()],
    };
    assert!(matches!(
        pick(&columns, &rows, &request),
        Err(PickError::NotNumeric { .. })
    ));
}

#[test]
fn all_null_columns_are_judged_by_their_type() {
    let columns = [col("day", "date"), col("n", "bigint")];
    let rows = vec![vec![Value::Null, Value::Null]];
    assert_eq!(auto(&columns, &rows).unwrap().kind, Kind::Line);
}

#[test]
fn dates_and_timestamps_are_read_as_utc_seconds() {
    assert_eq!(seconds_of("1970-01-02"), Some(86_400));
    assert_eq!(seconds_of("1970-02"), Some(31 * 86_400));
    assert_eq!(seconds_of("1970-01-01 00:01:00"), Some(60));
    assert_eq!(seconds_of("1970-01-01T00:00:10Z"), Some(10));
    assert_eq!(seconds_of("1970-01-01 02:00:00+02"), Some(0));
    assert_eq!(seconds_of("1970-01-01 00:00:00.5"), Some(0));
    assert_eq!(seconds_of("paid"), None);
    assert_eq!(seconds_of("12345"), None);
    assert_eq!(number_of(&text("2024-01-01")), Some(1_704_067_200.0));
    assert_eq!(number_of(&Value::Null), None);
}

#[test]
fn ids_and_years_are_labels_not_measures() {
    let columns = [col("customer_id", "int8"), col("n", "int8")];
    let rows = vec![
        vec![Value::Int(17), Value::Int(9)],
        vec![Value::Int(4), Value::Int(8)],
    ];
    let choice = auto(&columns, &rows).unwrap();
    assert_eq!(
        (choice.kind, choice.x, choice.y),
        (Kind::Bar, Some(0), vec![1])
    );

    let columns = [col("y", "INTEGER"), col("revenue", "REAL")];
    let rows = vec![
        vec![Value::Int(2023), Value::Float(10.5)],
        vec![Value::Int(2024), Value::Float(12.0)],
    ];
    let choice = auto(&columns, &rows).unwrap();
    assert_eq!(choice.sentence, "bar chart of revenue by y");

    let columns = [
        col("n", "INTEGER"),
        col("price", "REAL"),
        col("stock", "INTEGER"),
    ];
    let rows: Vec<Row> = (1..=3)
        .map(|i| {
            vec![
                Value::Int(i),
                Value::Float(1.5 * i as f64),
                Value::Int(7 - i),
            ]
        })
        .collect();
    let choice = auto(&columns, &rows).unwrap();
    assert_eq!(choice.sentence, "bar chart of price and stock by n");
}

#[test]
fn a_named_histogram_skips_the_key_column() {
    let columns = [col("id", "INTEGER"), col("total", "REAL")];
    let rows = vec![vec![Value::Int(1), Value::Float(3.0)]];
    let request = Request {
        kind: Some(Kind::Histogram),
        ..Request::default()
    };
    let choice = pick(&columns, &rows, &request).unwrap();
    assert_eq!(choice.y, vec![1]);
}

#[test]
fn one_long_label_keeps_the_bars() {
    let columns = [col("name", "TEXT"), col("n", "INTEGER")];
    let rows = vec![
        vec![text("short"), Value::Int(1)],
        vec![text(&"long ".repeat(20)), Value::Int(5)],
        vec![text("also short"), Value::Int(2)],
    ];
    assert_eq!(auto(&columns, &rows).unwrap().kind, Kind::Bar);
}

#[test]
fn an_empty_result_says_it_has_no_rows() {
    let columns = [col("status", "TEXT"), col("n", "INTEGER")];
    assert_eq!(auto(&columns, &[]), Err(PickError::NoRows));
}
