//! The safety gate against a real MariaDB: every MySQL statement of the
//! adversarial corpus (`tests/corpus/safety.tsv`, dialect `mysql`) is the
//! model's answer to `glance ask` through the real binary, without a
//! terminal and without `--allow-*`, and the server's fingerprint
//! (`mysql_fingerprint`) is the same after each batch. On MySQL a read-only
//! transaction does not stop DDL, `SET GLOBAL`, files, locks or
//! non-transactional tables, so this checks the classifier itself: a
//! statement judged read-only runs (exit 0) and changes nothing; any other
//! is refused (exit 3) and changes nothing either. The corpus runs a second
//! time in one `glance repl` session, so that what glance's own connection
//! might keep (a user lock, `LOCK TABLES`) is looked for while it is open.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, Cmd, glance};
use crate::mariadb_server::{TestMariaDb, mariadb};
use crate::mysql_fingerprint::{Fingerprint, lock_names, server_wide};
use crate::safety::{corpus, differences, run_corpus};

/// The schema the MySQL corpus rows are written against: the PostgreSQL
/// differential test's tables in MariaDB types, a non-transactional (MyISAM)
/// table, a sequence, views (two that call a writing function), a trigger,
/// stored routines that read or write (two that write or take a lock while
/// declaring `READS SQL DATA`), an event, and an account with a grant on
/// the database.
const SEED: &str = r#"
    create user if not exists glance_grantee;
    create table film (
        film_id int primary key, title varchar(255) not null,
        rating enum('G', 'PG', 'PG-13', 'R', 'NC-17'), length smallint unsigned,
        rental_rate decimal(5,2), release_year year,
        special_features set('Trailers', 'Commentaries', 'Deleted Scenes', 'Behind the Scenes'),
        description text, tags json, fulltext key film_text (title, description),
        key film_rating (rating)
    ) comment 'Films for rent';
    insert into film values
        (1, 'Academy Dinosaur', 'PG', 86, 0.99, 2006, 'Trailers,Deleted Scenes', 'A drama of a dog', '{"lang": "en"}'),
        (2, 'Ace Goldfinger', 'G', 48, 4.99, 2006, 'Trailers', 'A tale of a cat', '{"lang": "fr"}'),
        (3, 'Adaptation Holes', 'NC-17', 50, 2.99, 2007, '', 'An epic drama', null),
        (4, 'Zorro Ark', 'PG', 129, 4.99, 2007, 'Commentaries', null, '{"lang": "en"}');
    create table customer (
        customer_id int primary key, first_name varchar(45), last_name varchar(45),
        email varchar(50), active tinyint(1), created date
    );
    insert into customer values
        (1, 'Mary', 'Smith', 'mary.smith@example.com', 1, '2023-05-01'),
        (2, 'Linda', 'Williams', 'linda.w@example.com', 0, '2023-06-11'),
        (3, 'Ada', '', null, 1, '2024-01-02');
    create table payment (
        payment_id int auto_increment primary key, customer_id int, film_id int,
        amount decimal(6,2), payment_date datetime,
        foreign key (customer_id) references customer (customer_id),
        foreign key (film_id) references film (film_id)
    );
    insert into payment (customer_id, film_id, amount, payment_date) values
        (1, 1, 2.99, '2024-01-03 10:00'), (1, 2, 0.99, '2024-01-05 12:30'),
        (2, 1, 5.99, '2024-01-05 18:00'), (2, 4, 1.99, '2024-02-01 09:15'),
        (3, 3, 3.99, '2024-02-14 20:45');
    create table docs (id int primary key, body json);
    insert into docs values
        (1, '{"kind": "memo", "author": {"name": "Ann"}, "tags": ["x", "y"], "n": 3}'),
        (2, '{"kind": "note", "tags": ["z"]}');
    create table places (id int primary key, name text, geom point not null, spatial key (geom));
    insert into places values (1, 'Origin', point(0, 0)), (2, 'Near', point(3, 4)),
        (3, 'Far', point(30, 40));
    create table employees (id int primary key, name text, manager_id int, dept text, salary decimal(10,2));
    insert into employees values (1, 'Boss', null, 'exec', 300), (2, 'Ann', 1, 'eng', 200),
        (3, 'Bob', 2, 'eng', 150), (4, 'Cy', 1, 'ops', 120);
    create table t (id int primary key, x int, v text);
    insert into t values (1, 10, 'a'), (2, 20, 'b'), (3, 30, 'c');
    create table s (id int primary key, v text);
    insert into s values (1, 'x'), (4, 'y');
    create table visits (id int auto_increment primary key, note text);
    create table notes (id int auto_increment primary key, note text) engine = MyISAM;
    create sequence seq;
    create view v as select * from film;
    create view film_counts as select rating, count(*) as films from film group by rating;
    create trigger film_touched after update on film for each row
        insert into visits (note) values ('trigger');
    create event nightly on schedule every 1 day disable
        do delete from visits;
    grant select on film to glance_grantee;
    create function film_count() returns bigint reads sql data
        return (select count(*) from film);
    create function add_tax(amount decimal(6,2)) returns decimal(8,2) no sql deterministic
        return amount * 1.2;
    delimiter //
    create function log_visit(note text) returns int modifies sql data
    begin
        insert into visits (note) values (note);
        return 1;
    end //
    create function lying_read() returns int reads sql data deterministic
    begin
        insert into notes (note) values ('lying_read');
        return 1;
    end //
    create function lying_return() returns int reads sql data
        return (select get_lock('glance_lying', 0));
    create function hidden() returns int contains sql
    begin
        insert into notes (note) values ('hidden');
        return 1;
    end //
    delimiter ;
    create view v_logged as select film_id, log_visit('view') as logged from film;
    create view v_nested as select film_id from v_logged;
    create procedure p() modifies sql data insert into visits (note) values ('p');
    create procedure film_list() reads sql data select title from film;
"#;

/// `glance ask` against `url` with the model answering through `fake`, no
/// terminal, no --allow-*, no second try, JSON output.
fn ask_with(url: &str, fake: &FakeLlm) -> Cmd {
    fake.on(glance().args([
        "ask",
        "--retries",
        "0",
        "--format",
        "json",
        "-d",
        url,
        "answer the question",
    ]))
}

fn seeded(hint: &str) -> TestMariaDb {
    let db = mariadb().create_db(hint);
    db.execute(SEED);
    db
}

#[test]
#[allow(clippy::print_stdout)] // the counts are this test's report
fn mysql_every_corpus_statement_changes_nothing_and_only_reads_run() {
    let _server_wide = server_wide();
    let started = Instant::now();
    let db = seeded("mysql_differential");
    let rows = corpus("mysql");
    assert!(rows.len() >= 150, "only {} MySQL corpus rows", rows.len());
    let mut fingerprint = Fingerprint::new(
        &db,
        lock_names(
            rows.iter().map(|(_, _, sql)| sql.as_str()).chain([SEED]),
            &[],
        ),
    );
    let baseline = fingerprint.take();
    let url = db.url();
    let mut tally = run_corpus(
        &rows,
        |fake| ask_with(&url, fake),
        || differences(&baseline, &fingerprint.take()),
    );
    println!(
        "{}",
        tally.report("MySQL differential test", rows.len(), started)
    );
    // On MariaDB every read-only row is written to run on the seeded schema.
    tally.problems.extend(
        tally
            .failed_on_server
            .iter()
            .map(|failure| format!("read-only but did not run: {failure}")),
    );
    assert!(
        tally.problems.is_empty(),
        "{} problems:\n{}",
        tally.problems.len(),
        tally.problems.join("\n")
    );
}

#[test]
fn mysql_a_routine_that_writes_is_refused_and_writes_nothing() {
    // The seed creates an account the other tests here watch.
    let _server_wide = server_wide();
    let db = seeded("mysql_routines");
    for sql in [
        "select log_visit('from a select')",
        "select lying_read()",
        "select lying_return()",
        "select hidden()",
        "select * from v_nested",
        "call p()",
        "select film_id, log_visit('per row') from film",
    ] {
        let fake = FakeLlm::openai(vec![Reply::sql(sql)]);
        let out = ask_with(&db.url(), &fake).run();
        out.code(3);
        for table in ["visits", "notes"] {
            assert_eq!(
                db.query_scalar(&format!("select count(*) from {table}"))
                    .as_deref(),
                Some("0"),
                "{sql:?} wrote to {table}\n{out}"
            );
        }
    }
    // A function that only reads, by its declaration and its body, runs.
    for sql in ["select film_count()", "select add_tax(10)"] {
        let fake = FakeLlm::openai(vec![Reply::sql(sql)]);
        ask_with(&db.url(), &fake).run().success();
    }
}

/// A `glance repl` whose stdin and stdout are pipes, fed one line at a
/// time, so the session stays open while the test looks at the server.
struct PipedRepl {
    child: std::process::Child,
    stdin: std::process::ChildStdin,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
    /// `\timing on` lines sent so far: each answers with a line of its own
    /// once everything typed before it is done.
    marks: usize,
}

impl PipedRepl {
    /// Starts `glance repl --no-history -d URL ARGS…` in `home` with the
    /// variables `env` (a fake model's).
    fn start(url: &str, args: &[&str], env: Vec<(&str, String)>, home: &Path) -> PipedRepl {
        let mut child = Command::new(harness::glance_bin())
            .args(["repl", "--no-history", "-d", url])
            .args(args)
            .env_clear()
            .envs(harness::clean_env(home))
            .envs(env)
            .current_dir(home)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start glance repl");
        let stdin = child.stdin.take().expect("stdin");
        let collect = |mut pipe: Box<dyn Read + Send>| {
            let text = Arc::new(Mutex::new(String::new()));
            let sink = Arc::clone(&text);
            std::thread::spawn(move || {
                let mut buffer = [0u8; 8192];
                while let Ok(n) = pipe.read(&mut buffer) {
                    if n == 0 {
                        break;
                    }
                    let chunk = String::from_utf8_lossy(&buffer[..n]).into_owned();
                    sink.lock().expect("output lock").push_str(&chunk);
                }
            });
            text
        };
        let stdout = collect(Box::new(child.stdout.take().expect("stdout")));
        let stderr = collect(Box::new(child.stderr.take().expect("stderr")));
        PipedRepl {
            child,
            stdin,
            stdout,
            stderr,
            marks: 0,
        }
    }

    /// Types `line`, then waits until the session has finished with it.
    fn type_and_wait(&mut self, line: &str) {
        writeln!(self.stdin, "{line}\n\\timing on").expect("type into glance repl");
        self.marks += 1;
        let marks = self.marks;
        let stdout = Arc::clone(&self.stdout);
        harness::wait_until(&format!("glance repl finishes {line:?}"), || {
            stdout
                .lock()
                .expect("output lock")
                .matches("Timing is on.")
                .count()
                >= marks
        });
    }

    /// Quits and returns the session's stderr.
    fn quit(mut self) -> String {
        writeln!(self.stdin, "\\q").expect("type \\q");
        let status = self.child.wait().expect("wait for glance repl");
        assert!(status.success(), "glance repl ended with {status}");
        self.stderr.lock().expect("output lock").clone()
    }
}

/// The same corpus in one `glance repl` session: glance's connection stays
/// open from one statement to the next, so the fingerprint, its user locks
/// and tables in use among the rest, is taken while that connection still
/// holds whatever a statement left behind (one `ask` per statement lets go
/// of it all when the process ends).
#[test]
fn mysql_the_corpus_in_one_session_leaves_nothing_held() {
    let _server_wide = server_wide();
    let db = seeded("mysql_one_session");
    let rows = corpus("mysql");
    let fake = FakeLlm::openai(rows.iter().map(|(_, _, sql)| Reply::sql(sql)).collect());
    let mut fingerprint = Fingerprint::new(
        &db,
        lock_names(
            rows.iter().map(|(_, _, sql)| sql.as_str()).chain([SEED]),
            &[],
        ),
    );
    let mut baseline = fingerprint.take();
    let home = harness::scratch_dir("mysql_one_session");
    let mut repl = PipedRepl::start(&db.url(), &["--retries", "0"], fake.env(), &home);
    let mut problems = Vec::new();
    for (n, (line, _, _)) in rows.iter().enumerate() {
        repl.type_and_wait(&format!("answer question {n}"));
        let now = fingerprint.take();
        let changed = differences(&baseline, &now);
        if !changed.is_empty() {
            problems.push(format!(
                "line {line} changed the server or left something held:\n  {}",
                changed.join("\n  ")
            ));
            baseline = now;
        }
    }
    let stderr = repl.quit();
    // The session really went through the rows: the model was asked each
    // question (the fake fails the test otherwise), and what is not a read
    // was refused, bar the few the server's parse rejects first.
    let not_reads = rows
        .iter()
        .filter(|(_, level, _)| level != "read_only")
        .count();
    let refused = stderr.matches("needs a confirmation").count();
    assert!(
        refused * 10 >= not_reads * 9,
        "only {refused} of {not_reads} statements that are not reads were refused\n{stderr:.4000}"
    );
    assert!(
        problems.is_empty(),
        "{} problems:\n{}\n--- glance's stderr ---\n{stderr:.4000}",
        problems.len(),
        problems.join("\n")
    );
}

/// The control for the test above: a user lock that a statement run with
/// `--yes` takes in a live session shows in the fingerprint until the
/// session ends.
#[test]
fn mysql_a_lock_a_live_session_holds_shows_until_it_ends() {
    let _server_wide = server_wide();
    let db = mariadb().create_db("mysql_held_lock");
    let mut fingerprint = Fingerprint::new(&db, vec!["glance_held".into()]);
    let locks = |fingerprint: &mut Fingerprint| fingerprint.take()["user locks"].clone();
    let free = locks(&mut fingerprint);
    let home = harness::scratch_dir("mysql_held_lock");
    let mut repl = PipedRepl::start(&db.url(), &["--yes"], Vec::new(), &home);
    repl.type_and_wait("\\sql select get_lock('glance_held', 0)");
    let held = locks(&mut fingerprint);
    assert_ne!(held, free, "the lock glance holds went unseen");
    repl.quit();
    let fingerprint = Mutex::new(fingerprint);
    harness::wait_until("the session's lock is let go", || {
        locks(&mut fingerprint.lock().expect("fingerprint lock")) == free
    });
}
