//! Several connections in one REPL: `\c+`, `\conns`, `\c NAME` back to an
//! open one (same server session), `\close`, `@NAME` routing, and
//! federated questions over two PostgreSQL databases.

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Repl, TestDb};

/// The number after the last `pid:` in `text`.
fn last_pid(text: &str) -> String {
    text.rsplit("pid:")
        .map(|after| {
            after
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
        })
        .find(|digits| !digits.is_empty())
        .unwrap_or_else(|| panic!("no pid in:\n{text}"))
}

/// Prints this connection's server process id and returns it.
fn backend_pid(repl: &mut Repl) -> String {
    repl.send_line("\\sql select 'pid:' || pg_backend_pid() as p");
    let seen = repl.expect("1 row");
    repl.expect_prompt();
    last_pid(&seen)
}

/// Two databases: `customers` in the first holds ids 1, 2, 3; in the
/// second 1 and 3.
fn prod_and_staging(hint: &str) -> (TestDb, TestDb) {
    let prod = harness::db(&format!("{hint}_prod"));
    prod.execute(
        "create table customers (id int primary key, email text);
         insert into customers values (1, 'ada@x'), (2, 'bea@x'), (3, 'cy@x');",
    );
    let staging = harness::db(&format!("{hint}_stage"));
    staging.execute(
        "create table customers (id int primary key, email text);
         insert into customers values (1, 'ada@x'), (3, 'cy@x');",
    );
    (prod, staging)
}

fn start(first: &TestDb, fake: &FakeLlm, extra: &[&str]) -> Repl {
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let mut args = vec!["repl", "-d", first.url()];
    args.extend_from_slice(extra);
    let mut repl = harness::pty_with_env(args, &env);
    repl.expect_prompt();
    repl
}

#[test]
fn switching_back_keeps_the_first_server_session() {
    let (a, b) = prod_and_staging("conns_switch");
    let fake = FakeLlm::openai(Vec::new());
    let mut repl = start(&a, &fake, &[]);
    let first = backend_pid(&mut repl);

    repl.send_line(&format!("\\c+ {}", b.url()));
    repl.expect(&format!("Opened connection \"{}\"", b.name()));
    repl.expect(&format!("{}=> ", b.name()));
    let second = backend_pid(&mut repl);
    assert_ne!(first, second, "{}", repl.transcript());

    repl.send_line("\\x on");
    repl.expect_prompt();
    repl.send_line("\\conns");
    repl.expect_all(&[
        "Open connections",
        a.name(),
        b.name(),
        "asks before writes",
        "*",
    ]);
    repl.expect_prompt();

    repl.send_line(&format!("\\c {}", a.name()));
    repl.expect("same server session");
    repl.expect(&format!("{}=> ", a.name()));
    assert_eq!(backend_pid(&mut repl), first, "{}", repl.transcript());

    // An open transaction keeps its connection open.
    repl.send_line("begin;");
    repl.expect("=*> ");
    repl.send_line(&format!("\\close {}", a.name()));
    repl.expect("has a transaction open");
    repl.expect_prompt();
    repl.send_line("rollback;");
    repl.expect(&format!("{}=> ", a.name()));

    // Closing the current one moves to the other.
    repl.send_line(&format!("\\close {}", a.name()));
    repl.expect_all(&["Closed connection", "Now on connection"]);
    repl.expect(&format!("{}=> ", b.name()));
    assert_eq!(backend_pid(&mut repl), second, "{}", repl.transcript());
    repl.send_line(&format!("\\close {}", b.name()));
    repl.expect("is the only open connection");
    repl.expect_prompt();
    repl.send_line("\\conninfo");
    repl.expect(b.name());
}

#[test]
fn at_name_runs_sql_and_questions_on_another_connection() {
    let (a, b) = prod_and_staging("conns_route");
    a.execute("create table only_in_a (x int); insert into only_in_a values (41);");
    let fake = FakeLlm::openai(vec![Reply::sql("select x + 1 as answer from only_in_a")]);
    let mut repl = start(&a, &fake, &[]);
    repl.send_line(&format!("\\c+ {}", b.url()));
    repl.expect(&format!("{}=> ", b.name()));

    repl.send_line(&format!(
        "@{} select 'from_a_' || x as v from only_in_a;",
        a.name()
    ));
    repl.expect("from_a_41");
    repl.expect(&format!("{}=> ", b.name()));

    repl.send_line(&format!(
        "@{} \\sql select count(*) as n_a from customers",
        a.name()
    ));
    repl.expect_all(&["n_a", "3"]);
    repl.expect(&format!("{}=> ", b.name()));

    repl.send_line(&format!("@{} what is the answer?", a.name()));
    repl.expect_all(&["answer", "42"]);
    repl.expect(&format!("{}=> ", b.name()));
    let requests = fake.requests();
    let system = requests[0].body["messages"][0]["content"].to_string();
    assert!(system.contains("only_in_a"), "a's schema: {system}");

    repl.send_line("@nowhere select 1;");
    repl.expect_all(&[
        "no open connection is named \"nowhere\"; open ones:",
        a.name(),
        b.name(),
    ]);
    repl.expect(&format!("{}=> ", b.name()));

    // A line starting with @ that names no connection is an error, never a
    // question for the model (the fake model has no reply left for one).
    repl.send_line("@no;such delete from t;");
    repl.expect("\"@no;such\" is not a connection name");
    repl.expect(&format!("{}=> ", b.name()));
    repl.send_line(&format!("@{a},@{a} how many?", a = a.name()));
    repl.expect("is named twice");
    repl.expect(&format!("{}=> ", b.name()));
    repl.send_line(&format!("@{},@{} \\d", a.name(), b.name()));
    repl.expect("a command runs on one connection");
    repl.expect(&format!("{}=> ", b.name()));
}

/// The model's answer to "customers in prod missing from staging".
const MISSING: &str = "```sql @PROD p\nselect id, email from customers\n```\n\
     ```sql @STAGE s\nselect id from customers\n```\n\
     ```sql join\nselect id, email from p where id not in (select id from s) order by id\n```\n\
     Customers in prod only.";

fn script(prod: &TestDb, staging: &TestDb, text: &str) -> String {
    text.replace("PROD", prod.name())
        .replace("STAGE", staging.name())
}

#[test]
fn a_federated_question_joins_rows_from_two_databases_each_read_in_its_guard() {
    let (prod, staging) = prod_and_staging("conns_fed");
    let fake = FakeLlm::openai(vec![Reply::text(&script(&prod, &staging, MISSING))]);
    let mut repl = start(&prod, &fake, &[]);
    repl.send_line(&format!("\\c+ {}", staging.url()));
    repl.expect(&format!("{}=> ", staging.name()));
    repl.send_line(&format!(
        "@{},@{} customers in prod missing from staging",
        prod.name(),
        staging.name()
    ));
    repl.expect_all(&[
        &format!("-- on @{}, loaded into p:", prod.name()),
        &format!("-- on @{}, loaded into s:", staging.name()),
        "-- joined in SQLite:",
    ]);
    repl.expect_all(&["bea@x", "1 row"]);
    repl.expect(&format!("{}=> ", staging.name()));
    assert!(
        !repl.transcript().contains("cy@x |"),
        "{}",
        repl.transcript()
    );

    let requests = fake.requests();
    let system = requests[0].body["messages"][0]["content"].to_string();
    assert!(
        system.contains(&format!("Source @{}: PostgreSQL", prod.name()))
            && system.contains(&format!("Source @{}: PostgreSQL", staging.name()))
            && system.contains("<schema>"),
        "each source's schema and dialect: {system}"
    );

    // Each source query, and the join, ran as a read.
    repl.send_line("\\x on");
    repl.expect_prompt();
    repl.send_line("\\log");
    repl.expect_all(&[
        "select id, email from customers",
        "select id from customers",
        "RECORD 2",
        "read_only",
    ]);
    repl.expect("-- page 1 of 2");
    repl.send("q");
    repl.expect_prompt();
}

#[test]
fn a_federated_write_or_attach_is_refused_and_the_cap_is_said() {
    let (prod, staging) = prod_and_staging("conns_fed_refuse");
    let write = "```sql @PROD p\nselect id from customers\n```\n\
         ```sql @STAGE s\ndelete from customers returning id\n```\n\
         ```sql join\nselect * from p\n```";
    let attach = "```sql @PROD p\nselect id from customers\n```\n\
         ```sql join\nattach database '/tmp/x.db' as x\n```";
    let fake = FakeLlm::openai(vec![
        Reply::text(&script(&prod, &staging, write)),
        Reply::text(&script(&prod, &staging, attach)),
        Reply::text(&script(&prod, &staging, MISSING)),
    ]);
    let mut repl = start(&prod, &fake, &["--federate-rows", "2"]);
    repl.send_line(&format!("\\c+ {}", staging.url()));
    repl.expect(&format!("{}=> ", staging.name()));
    let both = format!("@{},@{}", prod.name(), staging.name());

    repl.send_line(&format!("{both} remove the staging customers"));
    repl.expect_all(&[
        &format!("the query on @{} is not read-only", staging.name()),
        "nothing ran",
    ]);
    repl.expect(&format!("{}=> ", staging.name()));
    assert_eq!(
        staging
            .query_scalar("select count(*) from customers")
            .as_deref(),
        Some("2")
    );

    repl.send_line(&format!("{both} attach something"));
    repl.expect("the joining query is a destructive statement (ATTACH");
    repl.expect("it may only read the rows fetched, so nothing ran");
    repl.expect(&format!("{}=> ", staging.name()));

    repl.send_line(&format!("{both} customers in prod missing from staging"));
    repl.expect(&format!(
        "the query on @{} was stopped at 2 rows (--federate-rows)",
        prod.name()
    ));
    repl.expect_all(&["bea@x", "1 row"]);
    repl.expect(&format!("{}=> ", staging.name()));
}

#[test]
fn each_connection_keeps_its_own_conversation() {
    let (a, b) = prod_and_staging("conns_memory");
    let fake = FakeLlm::openai(vec![
        Reply::sql("select 'first_' || count(*) as r from customers"),
        Reply::sql("select 'second_' || count(*) as r from customers"),
        Reply::sql("select 'third_' || count(*) as r from customers"),
    ]);
    let mut repl = start(&a, &fake, &[]);
    repl.send_line("how many customers does alpha have?");
    repl.expect("first_3");
    repl.expect(&format!("{}=> ", a.name()));

    repl.send_line(&format!("\\c+ {}", b.url()));
    repl.expect(&format!("{}=> ", b.name()));
    repl.send_line("how many customers does beta have?");
    repl.expect("second_2");
    repl.expect(&format!("{}=> ", b.name()));

    repl.send_line(&format!("\\c {}", a.name()));
    repl.expect(&format!("{}=> ", a.name()));
    repl.send_line("and now?");
    repl.expect("third_3");
    repl.expect(&format!("{}=> ", a.name()));

    let requests = fake.requests();
    let said = |i: usize| requests[i].body["messages"].to_string();
    assert!(!said(1).contains("alpha"), "b starts fresh: {}", said(1));
    assert!(
        said(2).contains("alpha") && !said(2).contains("beta"),
        "a's conversation comes back with it: {}",
        said(2)
    );
}
