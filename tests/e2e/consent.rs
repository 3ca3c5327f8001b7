//! What happens before the person answers, and what `p` may run: the row
//! estimate runs only where planning evaluates nothing unverified (never an
//! `EXECUTE`), and the preview is offered only for statements whose every
//! effect a rollback undoes. Each test answers in a pseudo-terminal and then
//! looks at the database and at a second session (the victim) for effects.

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, Repl, TestDb, glance};

fn shop(hint: &str) -> TestDb {
    let db = harness::db(hint);
    db.execute(
        "create table customers (id int primary key, name text not null);
         create table orders (id int primary key, customer_id int not null references customers(id),
                              status text not null, total numeric(10,2) not null);
         create table notes (id serial primary key, body text);
         create table tickets (id int generated always as identity primary key, body text,
                               shout text generated always as (upper(body)) stored);
         insert into customers values (1, 'Ada'), (2, 'Brendan');
         insert into orders values (10, 1, 'paid', 12.50), (11, 1, 'shipped', 7.00),
                                   (12, 2, 'pending', 3.25);
         analyze;",
    );
    db
}

fn repl(db: &TestDb, fake: &FakeLlm) -> Repl {
    let env: Vec<(&str, String)> = fake.env().into_iter().collect();
    let mut repl = harness::pty_with_env(["repl", "-d", db.url()], &env);
    repl.expect_prompt();
    repl
}

/// Another session of the same user, which a statement could end.
struct Victim {
    client: postgres::Client,
    pid: i32,
}

impl Victim {
    fn connect(db: &TestDb) -> Victim {
        let mut client = db.client();
        let pid = client
            .query_one("select pg_backend_pid()", &[])
            .expect("the victim's pid")
            .get(0);
        Victim { client, pid }
    }

    /// Panics unless the session still answers and the server still lists it.
    fn assert_alive(&mut self, db: &TestDb, transcript: &str) {
        let listed = db.query_scalar(&format!(
            "select count(*) from pg_stat_activity where pid = {} and pid <> pg_backend_pid()",
            self.pid
        ));
        assert_eq!(
            listed.as_deref(),
            Some("1"),
            "the other session is gone\n{transcript}"
        );
        assert!(
            self.client.simple_query("select 1").is_ok(),
            "the other session no longer answers\n{transcript}"
        );
    }
}

/// Asks a question whose answer is `sql`, waits for the confirmation and
/// answers `answer`; returns everything shown from the question on.
fn answer(repl: &mut Repl, answer: &str) -> String {
    repl.send_line("do it");
    let shown = repl.expect("Run it? [y/N]");
    repl.send_line(answer);
    let rest = repl.expect("Not run");
    repl.expect_prompt();
    format!("{shown}Run it? [y/N]{rest}")
}

#[test]
fn an_execute_is_never_planned_before_the_answer() {
    let db = shop("consent_execute");
    let mut victim = Victim::connect(&db);
    let fake = FakeLlm::openai(vec![Reply::sql(&format!(
        "execute s(pg_terminate_backend({})::int)",
        victim.pid
    ))]);
    let mut repl = repl(&db, &fake);
    // A prepared statement on glance's connection, as the driver can leave.
    repl.send_line("\\sql prepare s(int) as select $1;");
    // The prompt is redrawn with every key typed: wait for the result first.
    repl.expect("PREPARE");
    repl.expect_prompt();
    let shown = answer(&mut repl, "n");
    assert!(!shown.contains("planner estimates"), "{shown}");
    assert!(!shown.contains("p to preview"), "{shown}");
    victim.assert_alive(&db, repl.transcript());
}

#[test]
fn a_write_with_an_unverified_call_is_not_planned_before_the_answer() {
    let db = shop("consent_unverified");
    let mut victim = Victim::connect(&db);
    // The planner evaluates a stable call compared with a column while it
    // estimates; query_to_xml runs SQL given as text.
    let fake = FakeLlm::openai(vec![Reply::sql(&format!(
        "delete from orders where status = query_to_xml('select pg_terminate_backend({})', true, false, '')::text",
        victim.pid
    ))]);
    let mut repl = repl(&db, &fake);
    let shown = answer(&mut repl, "n");
    assert!(!shown.contains("planner estimates"), "{shown}");
    victim.assert_alive(&db, repl.transcript());
    assert_eq!(
        db.query_scalar("select count(*) from orders").as_deref(),
        Some("3")
    );
}

#[test]
fn a_plain_write_gets_its_estimate_and_the_preview() {
    let db = shop("consent_plain");
    let fake = FakeLlm::openai(vec![Reply::sql(
        "update orders set status = 'shipped' where customer_id = 1",
    )]);
    let mut repl = repl(&db, &fake);
    let shown = answer(&mut repl, "n");
    assert!(shown.contains("the planner estimates"), "{shown}");
    assert!(shown.contains("p to preview"), "{shown}");
    assert!(!shown.contains("sequences advance"), "{shown}");
}

#[test]
fn p_runs_nothing_for_statements_a_rollback_cannot_undo() {
    let db = shop("consent_not_undone");
    let mut victim = Victim::connect(&db);
    let dir = harness::scratch_dir("consent_program");
    let file = dir.join("made-by-copy");
    let statements = [
        format!("select pg_terminate_backend({})", victim.pid),
        format!(
            "copy (select 1) to program 'touch {}'",
            file.to_str().expect("a UTF-8 path")
        ),
        "select pg_advisory_lock(4242)".to_string(),
        "select pg_notify('chan', 'x')".to_string(),
    ];
    let fake = FakeLlm::openai(statements.iter().map(|sql| Reply::sql(sql)).collect());
    let mut repl = repl(&db, &fake);
    for sql in &statements {
        let shown = answer(&mut repl, "p");
        assert!(!shown.contains("p to preview"), "{sql}: {shown}");
        assert!(
            !shown.contains("Nothing is committed yet"),
            "{sql}: {shown}"
        );
    }
    victim.assert_alive(&db, repl.transcript());
    assert!(
        !file.exists(),
        "COPY … TO PROGRAM ran\n{}",
        repl.transcript()
    );
    assert_eq!(
        db.query_scalar("select count(*) from pg_locks where locktype = 'advisory'")
            .as_deref(),
        Some("0"),
        "an advisory lock is held\n{}",
        repl.transcript()
    );
}

#[test]
fn code_a_write_runs_unnamed_means_no_preview() {
    let setups = [
        "create function note_it() returns trigger language plpgsql as
             $$ begin perform pg_notify('chan', 'changed'); return new; end $$;
         create trigger orders_note after update on orders for each row execute function note_it();",
        "create function fine(s text) returns boolean language sql immutable as 'select true';
         alter table orders add constraint orders_fine check (fine(status));",
        "alter table orders enable row level security;
         create policy everyone on orders using (true);",
        "create rule orders_notify as on update to orders do also notify chan;",
    ];
    for (i, setup) in setups.iter().enumerate() {
        let db = shop(&format!("consent_hidden_{i}"));
        db.execute(setup);
        let fake = FakeLlm::openai(vec![Reply::sql(
            "update orders set status = 'shipped' where customer_id = 1",
        )]);
        let mut repl = repl(&db, &fake);
        let shown = answer(&mut repl, "p");
        assert!(!shown.contains("p to preview"), "{setup}\n{shown}");
        assert_eq!(
            db.query_scalar("select count(*) from orders where status = 'shipped'")
                .as_deref(),
            Some("1"),
            "{setup}\n{}",
            repl.transcript()
        );
    }
}

#[test]
fn the_confirmation_says_sequences_advance_and_still_offers_the_preview() {
    let db = shop("consent_sequence");
    let fake = FakeLlm::openai(vec![Reply::sql("insert into notes (body) values ('x')")]);
    let mut repl = repl(&db, &fake);
    let shown = answer(&mut repl, "n");
    assert!(
        shown.contains("sequences advance (nextval): a rollback would not undo that"),
        "{shown}"
    );
    assert!(shown.contains("p to preview"), "{shown}");
}

#[test]
fn an_identity_column_advances_its_sequence_and_the_confirmation_says_so() {
    let db = shop("consent_identity");
    let fake = FakeLlm::openai(vec![Reply::sql("insert into tickets (body) values ('x')")]);
    let mut repl = repl(&db, &fake);
    let shown = answer(&mut repl, "n");
    assert!(
        shown.contains("sequences advance (nextval): a rollback would not undo that"),
        "{shown}"
    );
    repl.send_line("\\d tickets");
    repl.expect_all(&[
        "generated always as identity",
        "generated always as (upper(body)) stored",
    ]);
}

/// `glance ask` on a SQLite file with the model answering `sql`.
fn ask_sqlite(path: &std::path::Path, fake: &FakeLlm) -> Cmd {
    let mut cmd = glance()
        .args(["ask", "--retries", "0", "--format", "json", "-d"])
        .arg(path)
        .arg("answer the question");
    for (name, value) in fake.env() {
        cmd = cmd.env(name, value);
    }
    cmd
}

#[test]
fn sqlite_reading_pragmas_run_and_explained_assignments_ask() {
    let path = harness::scratch_dir("consent_sqlite").join("shop.db");
    let conn = rusqlite::Connection::open(&path).expect("create sqlite file");
    conn.execute_batch("create table items (id integer primary key, name text);")
        .expect("seed sqlite file");
    for (sql, shown) in [
        ("pragma table_info(items)", "\"name\""),
        ("pragma journal_mode", "delete"),
    ] {
        let fake = FakeLlm::openai(vec![Reply::sql(sql)]);
        let out = ask_sqlite(&path, &fake).run();
        out.success().stdout_has(shown);
        assert_eq!(out.json()["level"], "read_only", "{out}");
    }
    for sql in [
        "explain pragma foreign_keys = 0",
        "explain query plan pragma ignore_check_constraints = 1",
        "select * from pragma_optimize",
    ] {
        let fake = FakeLlm::openai(vec![Reply::sql(sql)]);
        let out = ask_sqlite(&path, &fake).run();
        out.code(3);
        assert!(out.stdout.contains("\"level\":\"write\""), "{sql}: {out}");
    }
}

#[test]
fn keys_typed_before_the_question_appears_do_not_answer_it() {
    let db = shop("consent_typeahead");
    let fake = FakeLlm::openai(vec![]);
    let mut repl = repl(&db, &fake);
    // Another session holds a lock the planner's estimate must wait for, so
    // the keys below are typed while glance is busy, before it asks.
    let mut holder = db.client();
    holder
        .batch_execute("begin; lock table orders in access exclusive mode")
        .expect("the holder takes the lock");
    repl.send_line("\\sql delete from orders;");
    let estimate_waits = || {
        db.query_scalar(
            "select count(*) from pg_stat_activity \
             where wait_event_type = 'Lock' and query like 'EXPLAIN%delete from orders%' \
             and pid <> pg_backend_pid()",
        )
        .as_deref()
            == Some("1")
    };
    harness::wait_until("the planner's estimate waits for the lock", estimate_waits);
    repl.send_line("y");
    assert!(
        estimate_waits(),
        "the estimate stopped waiting before the key was typed; the test proves nothing\n{}",
        repl.transcript()
    );
    holder
        .batch_execute("rollback")
        .expect("the holder lets go");
    repl.expect("Run it? [y/N]");
    repl.send_line("n");
    repl.expect("Not run.");
    repl.expect_prompt();
    assert_eq!(
        db.query_scalar("select count(*) from orders").as_deref(),
        Some("3"),
        "a key typed before the question deleted the rows\n{}",
        repl.transcript()
    );
}
