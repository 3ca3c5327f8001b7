//! History entries as result sets, for `\history` (a list) and
//! `\history N` (one entry in full): the REPL's view of the history.
//! Returns data, never prints.

use crate::db::{Column, Value};
use crate::render::Description;
use crate::render::format_duration;

use crate::history::Stored;

/// Longest question or SQL shown in a list, in characters.
const SHORT: usize = 80;

/// A list of entries: number, time, database, level, status, and the
/// question (or the SQL when there is none) on one shortened line.
pub fn describe_list(entries: &[Stored], title: String) -> Description {
    let rows = entries
        .iter()
        .map(|e| {
            vec![
                Value::Int(e.id),
                Value::Text(local_time(e, "%Y-%m-%d %H:%M")),
                Value::Text(e.database.clone()),
                text(e.level.as_deref()),
                Value::Text(status(e).to_string()),
                Value::Text(shorten(
                    e.question.as_deref().or(e.sql.as_deref()).unwrap_or(""),
                )),
            ]
        })
        .collect();
    Description {
        title: Some(title),
        columns: columns(&[
            ("#", "int8"),
            ("Time", "text"),
            ("Database", "text"),
            ("Level", "text"),
            ("Status", "text"),
            ("Question or SQL", "text"),
        ]),
        rows,
        sections: Vec::new(),
    }
}

/// One entry in full as `Field | Value` rows. For people (`human`), the
/// question, SQL and error, which may be long or span lines, follow the
/// table as sections; for machine formats they are rows like the rest.
pub fn describe_entry(e: &Stored, human: bool) -> Description {
    let duration = |d: Option<std::time::Duration>| d.map(format_duration);
    let params = (!e.params.is_empty()).then(|| crate::querylog::params_text(&e.params));
    let tokens = match (e.input_tokens, e.output_tokens) {
        (Some(input), Some(output)) => {
            let mut text = format!("{input} in / {output} out");
            if let Some(cached) = e.cached_tokens.filter(|&n| n > 0) {
                text.push_str(&format!(", {cached} cached"));
            }
            if let Some(reasoning) = e.reasoning_tokens.filter(|&n| n > 0) {
                text.push_str(&format!(", {reasoning} reasoning"));
            }
            Some(text)
        }
        _ => None,
    };
    let mut fields = vec![
        ("#", Some(e.id.to_string())),
        ("Time", Some(local_time(e, "%Y-%m-%d %H:%M:%S %:z"))),
        ("Profile", e.profile.clone()),
        ("Database", Some(e.database.clone())),
        ("Level", e.level.clone()),
        ("Written by", written_by(e).map(str::to_string)),
        ("Status", Some(status(e).to_string())),
        ("Rows", e.rows.map(|n| n.to_string())),
        ("DB time", duration(e.db_time)),
        ("LLM time", duration(e.llm_time)),
        ("Tokens", tokens),
        ("Cost", e.cost_usd.map(crate::price::format_dollars)),
        ("Provider", e.provider.clone()),
        ("Model", e.model.clone()),
        (
            "Tool calls",
            (!e.tool_calls.is_empty()).then(|| e.tool_calls.join("; ")),
        ),
    ];
    let long = [
        ("Question", &e.question),
        ("SQL", &e.sql),
        ("Params", &params),
        ("Error", &e.error),
    ];
    let mut sections = Vec::new();
    for (name, value) in long {
        if !human {
            fields.push((name, value.clone()));
        } else if let Some(value) = value {
            sections.push((
                name.to_string(),
                value.lines().map(str::to_string).collect(),
            ));
        }
    }
    Description {
        title: Some(format!("History entry {}", e.id)),
        columns: columns(&[("Field", "text"), ("Value", "text")]),
        rows: fields
            .into_iter()
            .map(|(name, value)| vec![Value::Text(name.to_string()), text(value.as_deref())])
            .collect(),
        sections,
    }
}

/// Who wrote the entry's SQL: the model when it answered a question (and a
/// rerun keeps it so, with the rules of the model), else the person.
fn written_by(e: &Stored) -> Option<&'static str> {
    e.sql.as_ref().map(|_| {
        if e.question.is_some() {
            "model"
        } else {
            "typed"
        }
    })
}

/// `ok`, `failed`, `not run` (declined, refused, or rolled back after a
/// preview), or `answered` (a question answered without SQL).
fn status(e: &Stored) -> &'static str {
    match (e.ran, e.sql.is_some(), e.error.is_some()) {
        (true, _, false) => "ok",
        (true, _, true) | (false, false, true) => "failed",
        (false, false, false) => "answered",
        (false, true, _) => "not run",
    }
}

fn local_time(e: &Stored, format: &str) -> String {
    e.at.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime(format)
        .to_string()
}

fn text(value: Option<&str>) -> Value {
    value.map_or(Value::Null, |v| Value::Text(v.to_string()))
}

pub fn columns(spec: &[(&str, &str)]) -> Vec<Column> {
    spec.iter()
        .map(|(name, type_name)| Column {
            name: name.to_string(),
            type_name: type_name.to_string(),
        })
        .collect()
}

/// `text` on one line with runs of whitespace collapsed, cut to [`SHORT`]
/// characters with `…`.
pub fn shorten(text: &str) -> String {
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= SHORT {
        return line;
    }
    let mut cut: String = line.chars().take(SHORT - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn stored() -> Stored {
        Stored {
            id: 7,
            params: Vec::new(),
            tool_calls: Vec::new(),
            at: jiff::Timestamp::UNIX_EPOCH,
            profile: None,
            database: "shop".into(),
            question: None,
            sql: Some("select *\n  from orders".into()),
            level: Some("read_only".into()),
            ran: true,
            db_time: Some(Duration::from_millis(4)),
            llm_time: None,
            rows: Some(3),
            input_tokens: None,
            output_tokens: None,
            cached_tokens: None,
            reasoning_tokens: None,
            cost_usd: None,
            provider: None,
            model: None,
            error: None,
        }
    }

    #[test]
    fn lists_show_the_question_or_the_sql_on_one_line() {
        let asked = Stored {
            id: 8,
            question: Some("how many orders?".into()),
            ..stored()
        };
        let d = describe_list(&[asked, stored()], "History".into());
        assert_eq!(d.rows[0][0], Value::Int(8));
        assert_eq!(d.rows[0][5], Value::Text("how many orders?".into()));
        assert_eq!(d.rows[1][5], Value::Text("select * from orders".into()));
        assert_eq!(d.rows[1][4], Value::Text("ok".into()));
    }

    #[test]
    fn statuses_say_what_happened() {
        let failed = Stored {
            error: Some("boom".into()),
            ..stored()
        };
        let declined = Stored {
            ran: false,
            ..stored()
        };
        let prose = Stored {
            ran: false,
            sql: None,
            question: Some("what is SQL?".into()),
            ..stored()
        };
        let model_failed = Stored {
            error: Some("rate limited".into()),
            ..prose.clone()
        };
        assert_eq!(status(&stored()), "ok");
        assert_eq!(status(&failed), "failed");
        assert_eq!(status(&declined), "not run");
        assert_eq!(status(&prose), "answered");
        assert_eq!(status(&model_failed), "failed");
    }

    #[test]
    fn one_entry_puts_long_text_in_sections_for_people_and_rows_for_machines() {
        let human = describe_entry(&stored(), true);
        assert_eq!(
            human.sections,
            vec![(
                "SQL".to_string(),
                vec!["select *".to_string(), "  from orders".to_string()]
            )]
        );
        assert!(human.rows.iter().all(|r| r[0] != Value::Text("SQL".into())));
        let machine = describe_entry(&stored(), false);
        assert!(machine.sections.is_empty());
        let sql = machine
            .rows
            .iter()
            .find(|r| r[0] == Value::Text("SQL".into()))
            .expect("SQL row");
        assert_eq!(sql[1], Value::Text("select *\n  from orders".into()));
        let question = machine
            .rows
            .iter()
            .find(|r| r[0] == Value::Text("Question".into()))
            .expect("Question row");
        assert_eq!(question[1], Value::Null);
    }

    #[test]
    fn long_text_is_cut_with_an_ellipsis() {
        let long = "x".repeat(200);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), SHORT);
        assert!(short.ends_with('…'));
        assert_eq!(shorten("a \n\t b"), "a b");
    }
}
