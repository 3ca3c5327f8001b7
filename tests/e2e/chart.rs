//! Charts of results: `\chart` in the REPL on the demo database, with
//! input piped and NO_COLOR.

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
        .stdout_has("150 values in");
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
    let out = repl("\\chart\n");
    out.success();
    out.stderr_has("there is no result to draw")
        .stderr_has("run a query first");
}

#[test]
fn a_result_longer_than_what_is_kept_says_so_and_chart_all_draws_every_row() {
    let sql = "with recursive n(i) as (select 1 union all select i + 1 from n where i < 12000) \
               select i % 97 as v from n;";
    let out = repl(&format!("\\sql {sql}\n\\chart\n\\chart all\n"));
    out.success();
    out.stdout_has("Drawn from the first 5,000 of 12,000 rows; \\chart all draws every row.")
        .stdout_has("5,000 values in")
        .stdout_has("12,000 values in");
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
