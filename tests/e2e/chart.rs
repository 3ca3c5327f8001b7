//! Charts of results: `\chart` in the REPL on the demo database, with
//! input piped and NO_COLOR.

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, glance};

/// Runs `script` in the REPL on the demo database, input piped.
fn repl(script: &str) -> harness::Output {
    glance()
        .args(["--demo", "--no-history"])
        .env("NO_COLOR", "1")
        .stdin(script)
        .run()
}

#[test]
fn chart_draws_the_last_result_as_bars_and_says_what_it_chose() {
    let out = repl(
        "\\sql select status, count(*) as orders from orders group by status order by 2 desc;\n\\chart\n",
    );
    out.success();
    out.stdout_has("Bar chart of orders by status.")
        .stdout_has("delivered │███")
        .stdout_has("1,821");
    assert!(
        !out.stdout.contains('\u{1b}'),
        "no colour with NO_COLOR\n{out}"
    );
}

#[test]
fn chart_picks_a_line_for_dates_and_a_histogram_for_one_number() {
    let out = repl(
        "\\sql select substr(ordered_at, 1, 7) as month, count(*) as n from orders group by 1 order by 1;\n\\chart\n\
         \\sql select price from products;\n\\chart\n",
    );
    out.success();
    out.stdout_has("Line chart of n by month.")
        .stdout_has("2025-01")
        .stdout_has("Histogram of price.")
        .stdout_has("150 values counted");
}

#[test]
fn the_request_wins_and_names_are_checked() {
    let out = repl(
        "\\sql select price, stock from products;\n\\chart\n\\chart hist stock\n\\chart line nope\n",
    );
    out.success();
    out.stdout_has("Scatter chart of stock against price.")
        .stdout_has("Histogram of stock.");
    out.stderr_has("\\chart: no column named `nope`; columns are price (number), stock (number)");
}

#[test]
fn a_result_with_nothing_to_plot_says_why() {
    let out = repl("\\sql select first_name, last_name from customers limit 3;\n\\chart\n");
    out.success();
    out.stderr_has("no numeric column to plot; columns are first_name (text), last_name (text)");
}

#[test]
fn nulls_are_skipped_and_counted() {
    let out = repl("\\sql select shipped_at, id from orders;\n\\chart\n");
    out.success();
    out.stdout_has("Line chart of id by shipped_at.")
        .stdout_has("rows with NULL skipped.");
}

#[test]
fn chart_without_a_result_says_to_run_a_query() {
    let out = repl("\\chart\n\\chart all\n");
    out.success();
    out.stderr_has("there is no result to draw")
        .stderr_has("run a query first")
        .stderr_has("hint: run a query first, then \\chart all");
}

#[test]
fn a_result_longer_than_what_is_kept_says_so_and_chart_all_draws_every_row() {
    let sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 12000) \
               select i % 97 as v from n;";
    let out = repl(&format!("\\sql {sql}\n\\chart\n\\chart all\n"));
    out.success();
    out.stdout_has("Drawn from the first 5,000 of 12,000 rows; \\chart all draws every row.")
        .stdout_has("5,000 values counted")
        .stdout_has("12,000 values counted");
}

#[test]
fn ascii_is_drawn_when_the_locale_is_not_utf8() {
    let out = glance()
        .args(["--demo", "--no-history"])
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .stdin("\\sql select status, count(*) as orders from orders group by status;\n\\chart\n")
        .run();
    out.success();
    out.stdout_has("delivered |###");
}

/// `glance ask` on the demo database.
fn ask(args: &[&str]) -> harness::Output {
    glance()
        .args(["--demo", "--no-history", "ask"])
        .args(args)
        .env("NO_COLOR", "1")
        .run()
}

const BY_STATUS: &str =
    "select status, count(*) as orders from orders group by status order by 2 desc";

#[test]
fn ask_chart_draws_after_the_table() {
    let out = ask(&["--sql", BY_STATUS, "--chart"]);
    out.success();
    out.stdout_has("(5 rows)")
        .stdout_has("Bar chart of orders by status.")
        .stdout_has("delivered │███");
    let table = out.stdout.find("(5 rows)").unwrap();
    assert!(
        out.stdout.find("Bar chart").unwrap() > table,
        "chart after table\n{out}"
    );
}

#[test]
fn ask_chart_takes_a_kind() {
    let out = ask(&[
        "--sql",
        "select price, stock from products",
        "--chart",
        "hist",
    ]);
    out.success();
    out.stdout_has("Histogram of price.");
}

#[test]
fn format_chart_prints_only_the_chart_of_every_row() {
    let sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000) \
               select i % 100 as v from n";
    let out = ask(&["--sql", sql, "--format", "chart"]);
    out.success();
    out.stdout_has("Histogram of v.")
        .stdout_has("20,000 values counted");
    assert!(!out.stdout.contains("rows)"), "no table\n{out}");
}

#[test]
fn format_chart_with_nothing_to_plot_fails_saying_why() {
    let out = ask(&[
        "--sql",
        "select first_name, last_name from customers limit 2",
        "--format",
        "chart",
    ]);
    out.code(1);
    out.stderr_has("no numeric column to plot; columns are first_name (text), last_name (text)");
}

#[test]
fn chart_with_json_output_is_refused() {
    let out = ask(&["--sql", BY_STATUS, "--chart", "--format", "json"]);
    out.code(2);
    out.stdout_has("JSON output has no place for one");
}

#[test]
fn a_question_that_asks_for_a_chart_draws_one() {
    let fake = FakeLlm::openai(vec![Reply::sql(BY_STATUS)]);
    let out = fake
        .on(glance().args([
            "--demo",
            "--no-history",
            "ask",
            "show orders by status as a bar chart",
        ]))
        .env("NO_COLOR", "1")
        .run();
    out.success();
    out.stdout_has("(5 rows)")
        .stdout_has("Bar chart of orders by status.");
    let system = fake.requests()[0].body["messages"][0]["content"].to_string();
    assert!(
        system.contains("-- chart: KIND"),
        "the model is told it may ask for a chart: {system}"
    );
}

#[test]
fn the_models_chart_line_draws_one_and_plain_questions_get_none() {
    let sql = "-- chart: hist\nselect price from products";
    let fake = FakeLlm::openai(vec![Reply::sql(sql), Reply::sql(BY_STATUS)]);
    let run = |question: &str| {
        fake.on(glance().args(["--demo", "--no-history", "ask", question]))
            .env("NO_COLOR", "1")
            .run()
    };
    let out = run("what do product prices look like?");
    out.success();
    out.stdout_has("Histogram of price.");
    let out = run("how many orders per status?");
    out.success();
    assert!(!out.stdout.contains("chart of"), "no chart unasked\n{out}");
}

#[test]
fn a_question_in_the_repl_that_asks_for_a_chart_draws_one() {
    let fake = FakeLlm::openai(vec![Reply::sql(BY_STATUS)]);
    let out = fake
        .on(glance().args(["--demo", "--no-history"]))
        .env("NO_COLOR", "1")
        .stdin("plot the orders by status\n")
        .run();
    out.success();
    out.stdout_has("(5 rows)")
        .stdout_has("Bar chart of orders by status.")
        .stdout_has("delivered │███");
}

/// The text of every `<text>` element of an SVG document, after checking
/// that it is well-formed XML with an `svg` root.
fn svg_texts(path: &std::path::Path) -> Vec<String> {
    let svg = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text().map(|t| t.trim().to_string()))
        .collect()
}

#[test]
fn chart_save_writes_svg_and_replaces_a_file_only_with_a_bang() {
    let dir = harness::scratch_dir("chart-save");
    let file = dir.join("by-status.svg");
    let out = repl(&format!(
        "\\sql {BY_STATUS};\n\\chart save {f}\n\\chart save {f}\n\\chart save {f}!\n\\chart save {txt}\n",
        f = file.display(),
        txt = dir.join("by-status.txt").display()
    ));
    out.success();
    out.stdout_has(&format!(
        "Saved the bar chart of orders by status to {}.",
        file.display()
    ));
    out.stderr_has("already exists")
        .stderr_has("end the file's name with ! to replace it")
        .stderr_has("a chart is saved as SVG, so the file's name must end in .svg");
    let texts = svg_texts(&file);
    assert!(texts.iter().any(|t| t == "delivered"), "{texts:?}");
    assert!(!dir.join("by-status.txt").exists());
    // The first save and the one that ends in `!`.
    assert_eq!(out.stdout.matches("Saved the").count(), 2, "{out}");
}

#[test]
fn ask_chart_out_saves_svg_beside_json_and_never_replaces_a_file() {
    let dir = harness::scratch_dir("chart-out");
    let file = dir.join("by-status.svg");
    let path = file.to_str().unwrap();
    let out = ask(&["--sql", BY_STATUS, "--format", "json", "--chart-out", path]);
    out.success();
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("stdout stays JSON");
    assert_eq!(doc["rows"].as_array().map(Vec::len), Some(5), "{out}");
    assert!(svg_texts(&file).iter().any(|t| t == "delivered"));

    let before = std::fs::read(&file).unwrap();
    let again = ask(&["--sql", "select price from products", "--chart-out", path]);
    again.code(1);
    again
        .stderr_has("already exists")
        .stderr_has("glance never replaces a file");
    assert!(!again.stdout.contains("rows)"), "nothing ran\n{again}");
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "the file is untouched"
    );

    let png = dir.join("by-status.png");
    let refused = ask(&["--sql", BY_STATUS, "--chart-out", png.to_str().unwrap()]);
    refused.code(2);
    refused
        .stderr_has("a chart is saved as SVG")
        .stderr_has("FILE.svg");
    assert!(
        !refused.stdout.contains("(5 rows)"),
        "nothing ran\n{refused}"
    );
}

#[test]
fn ask_chart_out_checks_the_file_before_anything_runs() {
    let dir = harness::scratch_dir("chart-out-first");
    let taken = dir.join("taken.svg");
    std::fs::write(&taken, "mine").unwrap();
    let missing = dir.join("no-such-dir").join("c.svg");
    let cases = [
        (taken.to_str().unwrap(), "already exists"),
        (missing.to_str().unwrap(), "does not exist"),
    ];
    for (path, said) in cases {
        let out = ask(&["--sql", BY_STATUS, "--chart-out", path]);
        out.code(1);
        out.stderr_has(said);
        assert!(!out.stdout.contains("(5 rows)"), "nothing ran\n{out}");
    }
    assert_eq!(std::fs::read_to_string(&taken).unwrap(), "mine");
}

#[test]
fn json_output_stays_one_document_when_the_chart_cannot_be_drawn() {
    let dir = harness::scratch_dir("chart-out-json");
    let file = dir.join("names.svg");
    let out = ask(&[
        "--sql",
        "select first_name from customers limit 2",
        "--format",
        "json",
        "--chart-out",
        file.to_str().unwrap(),
    ]);
    out.code(1);
    let doc: serde_json::Value = serde_json::from_str(&out.stdout).expect("one JSON document");
    assert_eq!(doc["rows"].as_array().map(Vec::len), Some(2), "{out}");
    out.stderr_has("cannot draw a chart: no numeric column to plot");
    assert!(!file.exists());
}

#[test]
fn ask_chart_out_into_a_closed_stdout_fails_saying_no_chart_was_saved() {
    let dir = harness::scratch_dir("chart-out-head");
    let file = dir.join("n.svg");
    // 50,000 rows outgrow the pipe, so glance writes after head left.
    let sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 50000) \
               select i, i % 7 as v from n";
    let out = harness::Cmd::new("sh")
        .env("GLANCE", harness::glance_bin())
        .env("SQL", sql)
        .env("OUT", &file)
        .env("NO_COLOR", "1")
        .args([
            "-c",
            "{ \"$GLANCE\" --demo --no-history ask --sql \"$SQL\" --chart-out \"$OUT\"; echo \"exit=$?\" >&2; } | head -n 2",
        ])
        .run();
    out.stderr_has("exit=1")
        .stderr_has("no chart saved to")
        .stderr_has("the output was closed before the whole result was read");
    out.never_shows("Broken pipe");
    assert!(!file.exists());
}

#[test]
fn key_columns_are_labels_not_values() {
    let out = repl(
        "\\sql select customer_id, count(*) as n from orders group by 1 order by 2 desc limit 10;\n\\chart\n\
         \\sql select id, price from products;\n\\chart hist\n",
    );
    out.success();
    out.stdout_has("Bar chart of n by customer_id.")
        .stdout_has("Histogram of price.");
}

#[test]
fn bar_values_show_the_databases_own_digits() {
    let db = harness::db("chart_digits");
    let out = glance()
        .args(["--no-history", "-d", db.url(), "ask", "--sql"])
        .arg(
            "select 'big' as k, 9007199254740993::bigint as n, \
             12345678901234567890.123456789::numeric as m",
        )
        .args(["--chart", "bar"])
        .env("NO_COLOR", "1")
        .run();
    out.success();
    out.stdout_has("9,007,199,254,740,993")
        .stdout_has("12,345,678,901,234,567,890.123456789");
}

#[test]
fn an_empty_result_says_it_has_no_rows() {
    let out =
        repl("\\sql select status, count(*) as n from orders where 1 = 0 group by 1;\n\\chart\n");
    out.success();
    out.stderr_has("\\chart: the result has no rows");
}

#[test]
fn ascii_charts_cut_with_three_dots() {
    let sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 30) \
               select case when i % 2 = 0 then 'item ' || i \
               else 'a very long product name that goes on and on ' || i end as name, i as n from n;";
    let out = glance()
        .args(["--demo", "--no-history"])
        .env("NO_COLOR", "1")
        .env("LANG", "C")
        .env("LC_ALL", "C")
        .stdin(format!("\\sql {sql}\n\\chart\n"))
        .run();
    out.success();
    let chart = &out.stdout[out.stdout.find("Bar chart").expect("a bar chart")..];
    assert!(chart.is_ascii(), "{chart}");
    assert!(
        chart.contains("... |") && chart.contains("\n... "),
        "{chart}"
    );
}

#[test]
fn chart_save_takes_a_quoted_path_with_spaces() {
    let dir = harness::scratch_dir("chart-save-quoted");
    let file = dir.join("by status.svg");
    let out = repl(&format!(
        "\\sql {BY_STATUS};\n\\chart save '{}'\n",
        file.display()
    ));
    out.success();
    out.stdout_has("Saved the bar chart of orders by status to");
    assert!(svg_texts(&file).iter().any(|t| t == "delivered"));
}

#[test]
fn chart_out_on_a_text_answer_says_no_chart_was_saved() {
    let dir = harness::scratch_dir("chart-out-prose");
    let file = dir.join("x.svg");
    let fake = FakeLlm::openai(vec![Reply::text("Orders have five statuses.")]);
    let out = fake
        .on(glance().args(["--demo", "--no-history", "ask", "what statuses are there?"]))
        .args(["--chart-out", file.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .run();
    out.success();
    out.stderr_has("no chart saved to")
        .stderr_has("the answer is text, not a result");
    assert!(!file.exists());

    let folder = dir.join("folder.svg");
    std::fs::create_dir(&folder).unwrap();
    let out = ask(&["--sql", BY_STATUS, "--chart-out", folder.to_str().unwrap()]);
    out.code(1);
    out.stderr_has("is a directory")
        .stderr_has("e.g. charts/out.svg");
}

#[test]
fn newlines_and_tabs_in_labels_and_names_are_shown_escaped_on_one_line() {
    let out = ask(&[
        "--sql",
        "select 'line' || char(10) || 'break' as \"k\nk\", 5 as v \
         union all select 'tab' || char(9) || 'here', 1",
        "--format",
        "chart",
    ]);
    out.success();
    out.stdout_has("Bar chart of v by k\\nk.");
    let row = out
        .stdout
        .lines()
        .find(|line| line.contains("line\\nbreak"))
        .unwrap_or_else(|| panic!("a bar labelled line\\nbreak\n{out}"));
    assert!(
        row.contains('5'),
        "the label and its bar share a line\n{out}"
    );
    assert!(
        out.stdout.lines().any(|l| l.contains("tab\\there")),
        "{out}"
    );
}

#[test]
fn numeric_columns_beyond_the_fourth_are_named_as_not_drawn() {
    let out = ask(&[
        "--sql",
        "select substr(ordered_at, 1, 7) as month, count(*) as a, count(*) + 1 as b, \
         count(*) + 2 as c, count(*) + 3 as d, count(*) + 4 as e, count(*) + 5 as f \
         from orders group by 1 order by 1",
        "--format",
        "chart",
    ]);
    out.success();
    out.stdout_has("Line chart of a, b, c and d by month.")
        .stdout_has(
            "2 numeric columns not drawn, since at most 4 series are chosen unasked: e, f; \
             name the columns to draw them.",
        );
}

#[test]
fn a_chart_after_a_failed_statement_says_whose_result_it_draws() {
    let out = repl(&format!(
        "\\sql {BY_STATUS};\n\\sql select nope from orders;\n\\chart\n\\sql {BY_STATUS};\n\\chart\n"
    ));
    out.success();
    out.stdout_has(
        "The last statement returned no rows to draw; this is the result of: select status",
    );
    assert_eq!(
        out.stdout.matches("this is the result of").count(),
        1,
        "only the chart after the failure says so\n{out}"
    );
}
