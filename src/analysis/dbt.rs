//! `glance check --export dbt` and `\check … --export dbt`: the checks that
//! held, as a dbt properties file (`schema.yml`). A check is exported only
//! when it found nothing after reading every row (no sample, bound or
//! estimate) and dbt has a generic test for it: `not_null`, `unique`,
//! `relationships`, `accepted_values`. The form is the one dbt's
//! documentation gives today: `data_tests:`, with a test's inputs under
//! `arguments:`.
//!
//! The YAML is written by hand: it is a fixed shape of lists and maps
//! whose only variable parts are names and values, and every one of those
//! is written as a double-quoted YAML scalar (see [`quoted`]), which no
//! name or value can break out of. That is less to trust than a
//! serialiser crate (the common one, serde_yaml, is no longer maintained).

use super::check::{CATEGORY_LIMIT, Check, Kind, Report, guarded};
use crate::db::{self, Value};
use crate::session::Session;
use crate::yaml::quoted;

/// A dbt generic test on one column.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    NotNull,
    Unique,
    /// `to: ref('table')`, `field: column`.
    Relationships {
        to: String,
        field: String,
    },
    AcceptedValues(Vec<String>),
}

/// Where `\check … --export dbt` writes: a file (an existing one replaced
/// only with `overwrite`), or the screen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub file: Option<String>,
    pub overwrite: bool,
}

/// The exported file and what was left out of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Export {
    pub yaml: String,
    /// Tests written.
    pub tests: usize,
    /// Checks left out, each reason with how many.
    pub left_out: Vec<(&'static str, usize)>,
}

impl Export {
    /// `Exported 5 checks that held as dbt tests; left out 4: 3 found
    /// something, 1 with no dbt test (…).`
    pub fn summary(&self) -> String {
        let left: usize = self.left_out.iter().map(|(_, n)| n).sum();
        let tests = match self.tests {
            1 => "1 check".to_string(),
            n => format!("{n} checks"),
        };
        let mut text = format!("Exported {tests} that held as dbt tests");
        if left > 0 {
            let reasons: Vec<String> = self
                .left_out
                .iter()
                .map(|(reason, n)| format!("{n} {reason}"))
                .collect();
            text.push_str(&format!("; left out {left}: {}", reasons.join(", ")));
        }
        text.push('.');
        text
    }
}

const FOUND: &str = "found something";
const PART: &str = "read a sample or an estimate (--exact reads every row)";
const NO_TEST: &str = "with no dbt test (out_of_range, check_violation, keys of several columns)";
const JINJA: &str = "with values dbt would read as Jinja";
const NOT_CATEGORY: &str = "not categories (no values, or more than 50)";

/// The tests of the checks in `report` that held; a held `variants` check
/// reads its column's values (through the read-only guard) for
/// `accepted_values`.
pub fn export(session: &mut Session, report: &Report) -> Result<Export, db::Error> {
    let mut tests: Vec<(&Check, Test)> = Vec::new();
    let mut left_out: Vec<(&'static str, usize)> = Vec::new();
    let mut leave = |reason| match left_out.iter_mut().find(|(r, _)| *r == reason) {
        Some((_, n)) => *n += 1,
        None => left_out.push((reason, 1)),
    };
    for check in &report.checks {
        if check.count > 0 {
            leave(FOUND);
            continue;
        }
        if !check.whole {
            leave(PART);
            continue;
        }
        let test = match (check.kind, &check.parent, &check.values_sql) {
            (Kind::Nulls, _, _) => Test::NotNull,
            (Kind::Duplicates, _, _) => Test::Unique,
            (Kind::Orphans, Some((to, field)), _) => Test::Relationships {
                to: to.clone(),
                field: field.clone(),
            },
            (Kind::Variants, _, Some(sql)) => match values(session, sql)? {
                Some(values) if values.iter().any(|v| is_jinja(v)) => {
                    leave(JINJA);
                    continue;
                }
                Some(values) if !values.is_empty() => Test::AcceptedValues(values),
                _ => {
                    leave(NOT_CATEGORY);
                    continue;
                }
            },
            _ => {
                leave(NO_TEST);
                continue;
            }
        };
        tests.push((check, test));
    }
    let models = models(&tests);
    Ok(Export {
        yaml: yaml(&models),
        tests: tests.len(),
        left_out,
    })
}

/// The distinct values `sql` reads; `None` when there are more than a
/// category has.
fn values(session: &mut Session, sql: &str) -> Result<Option<Vec<String>>, db::Error> {
    let (_, rows) = guarded(session, sql)?;
    let values: Vec<String> = rows
        .iter()
        .filter_map(|row| match row.first() {
            Some(Value::Text(text)) => Some(text.clone()),
            _ => None,
        })
        .collect();
    Ok((values.len() <= CATEGORY_LIMIT).then_some(values))
}

/// dbt renders Jinja in test inputs: such a value would not stay itself.
fn is_jinja(value: &str) -> bool {
    ["{{", "{%", "{#"].iter().any(|open| value.contains(open))
}

/// A model (table) and its columns' tests, in the order of the report.
type Model = (String, Vec<(String, Vec<Test>)>);

fn models(tests: &[(&Check, Test)]) -> Vec<Model> {
    let mut models: Vec<Model> = Vec::new();
    for (check, test) in tests {
        // dbt names a model by its file, without a schema.
        let name = check.name.clone();
        let at = match models.iter().position(|(n, _)| *n == name) {
            Some(at) => at,
            None => {
                models.push((name, Vec::new()));
                models.len() - 1
            }
        };
        let column = check.columns.join(", ");
        let columns = &mut models[at].1;
        match columns.iter_mut().find(|(c, _)| *c == column) {
            Some((_, tests)) => tests.push(test.clone()),
            None => columns.push((column, vec![test.clone()])),
        }
    }
    models
}

/// The properties file for `models`.
pub fn yaml(models: &[Model]) -> String {
    if models.is_empty() {
        return "version: 2\n\nmodels: []\n".to_string();
    }
    let mut out = String::from("version: 2\n\nmodels:\n");
    for (model, columns) in models {
        out.push_str(&format!("  - name: {}\n    columns:\n", quoted(model)));
        for (column, tests) in columns {
            out.push_str(&format!(
                "      - name: {}\n        data_tests:\n",
                quoted(column)
            ));
            for test in tests {
                out.push_str(&test_yaml(test));
            }
        }
    }
    out
}

fn test_yaml(test: &Test) -> String {
    const ITEM: &str = "          - ";
    const ARGUMENTS: &str = "              arguments:\n";
    const ARGUMENT: &str = "                ";
    match test {
        Test::NotNull => format!("{ITEM}not_null\n"),
        Test::Unique => format!("{ITEM}unique\n"),
        Test::Relationships { to, field } => format!(
            "{ITEM}relationships:\n{ARGUMENTS}{ARGUMENT}to: {}\n{ARGUMENT}field: {}\n",
            quoted(&format!("ref('{}')", jinja_string(to))),
            quoted(field)
        ),
        Test::AcceptedValues(values) => {
            let values: Vec<String> = values.iter().map(|v| quoted(v)).collect();
            format!(
                "{ITEM}accepted_values:\n{ARGUMENTS}{ARGUMENT}values: [{}]\n",
                values.join(", ")
            )
        }
    }
}

/// `text` inside a single-quoted Jinja string.
fn jinja_string(text: &str) -> String {
    text.replace('\\', "\\\\").replace('\'', "\\'")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ref_to_a_strange_table_name_is_a_jinja_string_in_a_yaml_string() {
        let test = Test::Relationships {
            to: "o'brien\\s".into(),
            field: "id".into(),
        };
        assert_eq!(
            test_yaml(&test),
            "          - relationships:\n              arguments:\n                \
             to: \"ref('o\\\\'brien\\\\\\\\s')\"\n                field: \"id\"\n"
        );
    }

    #[test]
    fn the_file_has_dbt_s_shape() {
        let models = vec![
            (
                "orders".to_string(),
                vec![
                    (
                        "customer_id".to_string(),
                        vec![
                            Test::NotNull,
                            Test::Relationships {
                                to: "customers".into(),
                                field: "id".into(),
                            },
                        ],
                    ),
                    (
                        "status".to_string(),
                        vec![Test::AcceptedValues(vec!["open".into(), "shipped".into()])],
                    ),
                ],
            ),
            (
                "customers".to_string(),
                vec![("email".to_string(), vec![Test::Unique])],
            ),
        ];
        assert_eq!(
            yaml(&models),
            r#"version: 2

models:
  - name: "orders"
    columns:
      - name: "customer_id"
        data_tests:
          - not_null
          - relationships:
              arguments:
                to: "ref('customers')"
                field: "id"
      - name: "status"
        data_tests:
          - accepted_values:
              arguments:
                values: ["open", "shipped"]
  - name: "customers"
    columns:
      - name: "email"
        data_tests:
          - unique
"#
        );
        assert_eq!(yaml(&[]), "version: 2\n\nmodels: []\n");
    }

    #[test]
    fn jinja_in_a_value_is_noticed() {
        assert!(is_jinja("{{ var('x') }}"));
        assert!(is_jinja("a {% if %}"));
        assert!(!is_jinja("{curly}"));
    }
}
