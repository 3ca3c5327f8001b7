//! Micro-benchmarks of two hot paths: the safety classifier and the prompt
//! context builder on a 2,000-table catalog. Run with `cargo bench`
//! (`cargo bench -- classify` for one group); `cargo test` only checks that
//! they build.
//!
//! glance is a binary crate, so the modules measured (and the two they use,
//! `catalog` and `db`) are compiled into this benchmark from their source
//! files. Most of what they define is unused here, hence `dead_code`; and
//! `clippy --all-targets` checks this file with `cfg(test)` on but without
//! the test harness, so the modules' test blocks come in without their
//! `#[test]` functions, leaving their imports unused.

#![allow(dead_code)]
#![cfg_attr(test, allow(unused_imports))]

#[path = "../src/catalog.rs"]
mod catalog;
#[path = "../src/agent/context.rs"]
mod context;
#[path = "../src/db/mod.rs"]
mod db;
#[path = "../src/files.rs"]
mod files;
#[path = "../src/ident.rs"]
mod ident;
#[path = "../src/safety/mod.rs"]
mod safety;

// The classifier's test-only checks reach the SQL extractor through
// `crate::agent`.
#[path = "../src/agent/extract.rs"]
pub mod extract;
mod agent {
    pub use super::extract;
}

use catalog::{Catalog, ColumnInfo, EnumType, ForeignKey, Key, Relation, RelationKind};
use db::Dialect;

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
    bencher.bench(|| safety::classify(divan::black_box(sql), Dialect::Postgres, None));
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
    let catalog = wide_catalog();
    bencher.bench(|| {
        context::build(
            divan::black_box(&catalog),
            divan::black_box(question),
            context::DEFAULT_BUDGET,
        )
    });
}

/// 20 schemas × 100 tables of 5–30 columns, each table pointing at one or
/// two earlier tables of its schema and some at another schema's first
/// table: about 3,000 foreign keys, an enum per schema, some comments.
fn wide_catalog() -> Catalog {
    const SCHEMAS: [&str; 20] = [
        "sales",
        "hr",
        "inventory",
        "finance",
        "marketing",
        "support",
        "logistics",
        "procurement",
        "manufacturing",
        "crm",
        "billing",
        "analytics",
        "legal",
        "it",
        "facilities",
        "payroll",
        "training",
        "compliance",
        "projects",
        "catalog",
    ];
    const NOUNS: [&str; 25] = [
        "customer",
        "order",
        "invoice",
        "employee",
        "department",
        "building",
        "payment",
        "shipment",
        "ticket",
        "product",
        "account",
        "budget",
        "contract",
        "device",
        "course",
        "bonus",
        "project",
        "task",
        "vendor",
        "campaign",
        "lead",
        "audit",
        "machine",
        "route",
        "plan",
    ];
    const FILLER: [(&str, &str); 12] = [
        ("name", "character varying(120)"),
        ("description", "text"),
        ("created_at", "timestamp with time zone"),
        ("amount", "numeric(12,2)"),
        ("quantity", "integer"),
        ("code", "character varying(32)"),
        ("start_date", "date"),
        ("is_active", "boolean"),
        ("metadata", "jsonb"),
        ("score", "double precision"),
        ("notes", "text"),
        ("status", "record_status"),
    ];
    let mut relations = Vec::with_capacity(2_000);
    let mut enums = Vec::new();
    for (s, schema) in SCHEMAS.iter().enumerate() {
        enums.push(EnumType {
            schema: schema.to_string(),
            name: "record_status".into(),
            labels: vec!["active".into(), "pending".into(), "archived".into()],
            comment: None,
        });
        for t in 0..100 {
            let n = s * 100 + t;
            let name = format!("{}_{}", NOUNS[t % 25], NOUNS[(t / 25 + n) % 25]);
            let name = if t < 25 {
                NOUNS[t].to_string() + "s"
            } else {
                format!("{name}_{t}")
            };
            let mut columns = vec![column("id", "integer")];
            let mut foreign_keys = Vec::new();
            let mut refer = |columns: &mut Vec<ColumnInfo>, ref_schema: &str, target: usize| {
                let col = format!("{}_id", NOUNS[target]);
                if columns.iter().all(|c| c.name != col) {
                    columns.push(column(&col, "integer"));
                    foreign_keys.push(ForeignKey {
                        name: format!("{name}_{col}_fkey"),
                        columns: vec![col],
                        ref_schema: ref_schema.to_string(),
                        ref_table: format!("{}s", NOUNS[target]),
                        ref_columns: vec!["id".into()],
                        ..ForeignKey::default()
                    });
                }
            };
            if t > 0 {
                refer(&mut columns, schema, (t - 1) % 25);
            }
            if t % 2 == 0 && t > 2 {
                refer(&mut columns, schema, (t * 7) % t.min(25));
            }
            if n % 10 < 3 {
                refer(&mut columns, SCHEMAS[(s + 1) % 20], n % 25);
            }
            for k in 0..(5 + n * 11 % 26).saturating_sub(columns.len()) {
                let (col, ty) = FILLER[(n + k) % FILLER.len()];
                let col = if k < FILLER.len() {
                    col.to_string()
                } else {
                    format!("{col}_{k}")
                };
                let ty = if ty == "record_status" {
                    format!("{schema}.{ty}")
                } else {
                    ty.into()
                };
                let mut info = column(&col, &ty);
                info.nullable = (n + k) % 2 == 0;
                if (n + k) % 8 == 0 {
                    info.comment = Some(format!("The {} of this record", col.replace('_', " ")));
                }
                columns.push(info);
            }
            relations.push(Relation {
                schema: schema.to_string(),
                name: name.clone(),
                kind: RelationKind::Table,
                owner: None,
                columns,
                primary_key: Some(Key {
                    name: format!("{name}_pkey"),
                    columns: vec!["id".into()],
                }),
                unique_keys: Vec::new(),
                foreign_keys,
                indexes: Vec::new(),
                comment: (n % 5 == 0).then(|| format!("One row per {}", name.replace('_', " "))),
                row_estimate: Some((n as i64 * 7_919) % 5_000_000),
                size_bytes: None,
                definition: None,
            });
        }
    }
    Catalog {
        relations,
        enums,
        ..Catalog::default()
    }
}

fn column(name: &str, type_name: &str) -> ColumnInfo {
    ColumnInfo {
        name: name.into(),
        type_name: type_name.into(),
        ..ColumnInfo::default()
    }
}
