//! Learning from accepted answers: pairs kept in the history come back as
//! examples in the request for a similar question and not for an unrelated
//! one; `\good`, `\bad`, a rephrasing and `\reset` decide what is kept;
//! `\examples` lists and forgets; a dropped table evicts its pairs; the
//! team's `examples.tsv` takes part, its bad lines reported.

use std::path::{Path, PathBuf};

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, glance};

/// A SQLite shop with orders and customers.
fn shop() -> PathBuf {
    let path = harness::scratch_dir("learning-db").join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch(
        "create table customers (id integer primary key, name text, city text);
         create table orders (id integer primary key, customer_id integer, total real);
         insert into customers values (1, 'Ann', 'Paris'), (2, 'Bob', 'Oslo');
         insert into orders values (1, 1, 10.5), (2, 2, 99);",
    )
    .expect("seed sqlite file");
    path
}

fn with_fake(mut cmd: Cmd, fake: &FakeLlm) -> Cmd {
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd
}

/// `glance repl -d FILE` reading `script` from a pipe.
fn repl(home: &Path, file: &Path, script: &str, fake: &FakeLlm) -> Cmd {
    let cmd = glance()
        .home(home)
        .arg("repl")
        .arg("-d")
        .arg(file)
        .stdin(script);
    with_fake(cmd, fake)
}

/// `glance ask QUESTION -d FILE`.
fn ask(home: &Path, file: &Path, question: &str, fake: &FakeLlm) -> Cmd {
    let cmd = glance().home(home).args(["ask", question, "-d"]).arg(file);
    with_fake(cmd, fake)
}

/// The system text of each request the fake received.
fn systems(fake: &FakeLlm) -> Vec<String> {
    fake.requests()
        .iter()
        .map(|request| {
            let messages = request.body["messages"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            messages
                .iter()
                .find(|m| m["role"] == "system" || m["role"] == "developer")
                .and_then(|m| m["content"].as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

/// (question, source) of every kept pair, in order.
fn kept(home: &Path) -> Vec<(String, String)> {
    let path = home.join(".local/share/glance/history.db");
    let conn = rusqlite::Connection::open(&path).expect("open history");
    conn.prepare("select question, source from examples order by id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
}

const ORDERS_SQL: &str = "select count(*) as n from orders";
const PARIS_SQL: &str = "select name from customers where city = 'Paris'";

#[test]
fn accepted_answers_are_sent_for_similar_questions_only_and_listed() {
    let home = harness::scratch_dir("learning-home");
    let file = shop();
    let fake = FakeLlm::openai(vec![Reply::sql(ORDERS_SQL), Reply::sql(PARIS_SQL)]);
    let script = "how many orders are there?\nwhich customers live in Paris?\n";
    repl(&home, &file, script, &fake).run().success();
    assert_eq!(
        kept(&home),
        [
            (
                "how many orders are there?".to_string(),
                "accepted".to_string()
            ),
            (
                "which customers live in Paris?".to_string(),
                "accepted".to_string()
            ),
        ],
        "the first is kept at the next question, the second at the exit"
    );

    let fake = FakeLlm::openai(vec![Reply::sql(ORDERS_SQL), Reply::text("No idea.")]);
    ask(&home, &file, "count the orders", &fake).run().success();
    ask(&home, &file, "what is the weather on Mars?", &fake)
        .run()
        .success();
    let sent = systems(&fake);
    assert!(
        sent[0].contains("<examples>") && sent[0].contains("Question: how many orders are there?"),
        "{}",
        sent[0]
    );
    assert!(
        !sent[0].contains("Paris"),
        "only the similar pair\n{}",
        sent[0]
    );
    assert!(!sent[1].contains("<examples>"), "{}", sent[1]);
    assert_eq!(kept(&home).len(), 2, "ask keeps nothing by itself");

    let unused = FakeLlm::openai(vec![]);
    let out = repl(
        &home,
        &file,
        "\\examples\n\\examples orders\n\\examples rm 1\n\\examples rm 9\n",
        &unused,
    )
    .run();
    out.success()
        .stdout_has("Examples (\\examples rm N forgets one)")
        .stdout_has("which customers live in Paris?")
        .stdout_has("customers")
        .stdout_has("Examples matching \"orders\"")
        .stdout_has("1.00")
        .stdout_has("Forgot example 1: how many orders are there?")
        .stderr_has("there is no kept example 9 for this database");
    assert_eq!(kept(&home).len(), 1);
}

#[test]
fn good_bad_rephrasing_and_reset_decide_what_is_kept() {
    let home = harness::scratch_dir("learning-marks");
    let file = shop();
    let fake = FakeLlm::openai(vec![
        Reply::sql(ORDERS_SQL),
        Reply::sql(PARIS_SQL),
        Reply::sql("select max(total) as top from orders"),
        Reply::text("A foreign key names a row of another table."),
        Reply::sql("select city from customers"),
        Reply::sql("select sum(total) as revenue from orders"),
        Reply::sql("select total from orders"),
    ]);
    let script = "how many orders are there?\n\
                  \\bad\n\
                  which customers live in Paris?\n\
                  \\good\n\
                  what is the largest order total?\n\
                  what is a foreign key?\n\
                  \\bad\n\
                  which cities do customers live in?\n\
                  no, I meant the revenue of all orders\n\
                  \\reset\n\
                  show every order total\n";
    let out = repl(&home, &file, script, &fake).run();
    out.success()
        .stdout_has("Not kept as an example: how many orders are there?")
        .stdout_has("(marked good): which customers live in Paris?")
        .stdout_has("Forgot example 2: what is the largest order total?");
    assert_eq!(
        kept(&home),
        [
            (
                "which customers live in Paris?".to_string(),
                "marked".to_string()
            ),
            ("show every order total".to_string(), "accepted".to_string()),
        ],
        "\\bad, a rephrasing and \\reset each kept nothing\n{out}"
    );
}

#[test]
fn a_dropped_table_evicts_its_examples() {
    let home = harness::scratch_dir("learning-drop");
    let file = shop();
    let fake = FakeLlm::openai(vec![Reply::sql(ORDERS_SQL)]);
    repl(&home, &file, "how many orders are there?\n\\good\n", &fake)
        .run()
        .success();
    let conn = rusqlite::Connection::open(&file).unwrap();
    conn.execute_batch("drop table orders").unwrap();
    drop(conn);
    let fake = FakeLlm::openai(vec![Reply::text("There is no orders table.")]);
    ask(&home, &file, "how many orders are there?", &fake)
        .run()
        .success();
    assert!(
        !systems(&fake)[0].contains("<examples>"),
        "{}",
        systems(&fake)[0]
    );
    let unused = FakeLlm::openai(vec![]);
    repl(&home, &file, "\\examples\n", &unused)
        .run()
        .success()
        .stdout_has("orders (gone: not sent)");
}

#[test]
fn team_examples_take_part_without_history_and_bad_lines_are_reported() {
    let home = harness::scratch_dir("learning-team");
    let file = shop();
    let team = harness::scratch_dir("learning-team-dir");
    std::fs::write(
        team.join("examples.tsv"),
        "question\tsql\n\
         revenue per customer\tselect c.name, sum(o.total)\\n  from orders o join customers c on c.id = o.customer_id\\n  group by c.name\n\
         a line without its sql\n",
    )
    .unwrap();
    let fake = FakeLlm::openai(vec![]);
    let cmd = glance()
        .home(&home)
        .arg("--team-dir")
        .arg(&team)
        .args(["--no-history", "repl", "-d"])
        .arg(&file)
        .stdin("\\prompt total revenue of each customer\n\\examples\n\\examples rm t1\n\\good\n");
    let out = with_fake(cmd, &fake).run();
    out.success()
        .stderr_has("examples.tsv:3: expected a question and its SQL separated by one tab")
        .stdout_has("Knowledge: 0 glossary terms, 1 example (team)")
        .stdout_has("Question: revenue per customer")
        .stdout_has("  group by c.name")
        .stdout_has(" t1 ")
        .stderr_has("t1 is a team example: edit examples.tsv")
        .stderr_has("nothing to mark");
}
