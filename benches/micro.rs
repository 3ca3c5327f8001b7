//! Micro-benchmarks of two hot paths: the safety classifier and the prompt
//! context builder on a 2,000-table catalog (the one the context tests
//! generate, `glance::testing::big_catalog`). Run with `cargo bench`
//! (`cargo bench -- classify` for one group); `cargo test` only checks that
//! they build.

use glance::{Dialect, context};

fn main() {
    divan::main();
}

/// Statements the classifier sees, from a plain read to the traps.
const STATEMENTS: [(&str, &str); 6] = [
    ("select", "select id, name from customers where id = 42"),
    (
        "join_aggregate",
        "select c.name, count(*) as orders, sum(o.total) from sales.customers c \
         join sales.customer_orders o on o.customer_id = c.id \
         where o.created_at >= now() - interval '30 days' \
         group by c.name order by orders desc limit 10",
    ),
    (
        "cte_window",
        "with monthly as (select date_trunc('month', created_at) as m, sum(total) as t \
         from sales.invoices group by 1) \
         select m, t, t - lag(t) over (order by m) as change from monthly order by m",
    ),
    (
        "writing_cte",
        "with gone as (delete from sales.quotes where created_at < '2020-01-01' returning id) \
         select count(*) from gone",
    ),
    (
        "update",
        "update hr.employees set is_active = false where end_date < current_date",
    ),
    ("multi", "select 1; drop table sales.customers; select 2"),
];

#[divan::bench(args = STATEMENTS.iter().map(|(name, _)| *name))]
fn classify(bencher: divan::Bencher, name: &str) {
    let sql = STATEMENTS.iter().find(|(n, _)| *n == name).map(|(_, s)| *s);
    let sql = sql.expect("a statement of the table");
    bencher.bench(|| glance::classify(divan::black_box(sql), Dialect::Postgres, None));
}

/// Questions for the context builder: one naming tables, one vague, one
/// spanning schemas.
const QUESTIONS: [&str; 3] = [
    "Which customers placed the most orders last month?",
    "what changed recently",
    "Total payroll bonus per department for employees in each building",
];

#[divan::bench(args = QUESTIONS)]
fn build_context(bencher: divan::Bencher, question: &str) {
    let catalog = glance::testing::big_catalog();
    bencher.bench(|| {
        context::build(
            divan::black_box(&catalog),
            divan::black_box(question),
            context::DEFAULT_BUDGET,
        )
    });
}
