//! Saved queries: `glance run` and `\n` bind their arguments as protocol
//! parameters on PostgreSQL, SQLite and MariaDB (an injection-shaped value
//! matches nothing, and the log keeps it apart from the SQL); defaults and
//! optional parameters; a saved write asks; personal queries hide team
//! ones; `\ns`, `\n`, `\share` and `\nd` in the REPL.

use std::fs;
use std::path::{Path, PathBuf};

use crate::fake_llm::{FakeLlm, Reply};
use crate::harness::{self, glance};
use crate::mariadb_server::mariadb;

const INJECTION: &str = "x' or '1'='1";

/// Writes `NAME.sql` holding `text` into `dir`.
fn put(dir: &Path, name: &str, text: &str) {
    fs::create_dir_all(dir).unwrap();
    fs::write(dir.join(format!("{name}.sql")), text).unwrap();
}

/// The person's saved-query folder under `home`.
fn personal(home: &Path) -> PathBuf {
    home.join(".local/share/glance/queries")
}

/// A SQLite file with a small `items` table.
fn items_file(hint: &str) -> PathBuf {
    let path = harness::scratch_dir(hint).join("shop.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "create table items (id integer primary key, name text, price integer);
         insert into items values (1, 'pen', 3), (2, 'ink', 7), (3, 'pad', 5);",
    )
    .unwrap();
    path
}

/// The number `sql` reads from the SQLite file `file`.
fn number(file: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(file)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn postgres_binds_values_and_an_injection_matches_nothing() {
    let db = harness::db("saved_pg");
    db.execute(
        "create table orders (id int primary key, status text not null);
         insert into orders values (1, 'shipped'), (2, 'pending'), (3, 'shipped');",
    );
    let home = harness::scratch_dir("saved-pg-home");
    put(
        &personal(&home),
        "by_status",
        "-- description: orders in one status\n\
         select id from orders where status = :status order by id",
    );
    put(
        &personal(&home),
        "by_id",
        "select status from orders where id = $1",
    );
    // An `e` ending a word opens no E'' string, and a non-ASCII tag opens a
    // dollar quote: neither `:"c"` below is a placeholder.
    put(
        &personal(&home),
        "else_string",
        "select id from orders where status = case when id < 0 then 'q' else'\\' end \
         or status = ' :\"c\" '",
    );
    put(&personal(&home), "tagged", "select $ä$ :\"c\" $ä$ as label");
    put(
        &personal(&home),
        "column",
        "select :\"c\" from orders order by id",
    );
    let run = |args: &[&str]| {
        glance()
            .home(&home)
            .args(["-d", db.url(), "--format", "csv", "run"])
            .args(args)
            .run()
    };
    run(&["by_status", "shipped"])
        .success()
        .stdout_has("1\n3\n");
    let injected = run(&["by_status", INJECTION]);
    injected.success();
    assert_eq!(injected.stdout, "id\n");
    run(&["else_string", "c=x' or id>0 or status = 'y"])
        .code(2)
        .stderr_has("unknown parameter `c`; this query takes no parameters");
    let leak = "c=x$ä$ || current_setting($$data_directory$$) || $ä$y";
    run(&["tagged", leak])
        .code(2)
        .stderr_has("unknown parameter `c`")
        .never_shows("/");
    run(&["column", "status"])
        .success()
        .stdout_has("shipped\npending\n");
    run(&["column", "status\" from orders; --"])
        .code(2)
        .stderr_has("the identifier parameter `c` takes only letters");
    // `id = $1` with an integer id: the value goes as text and the server
    // reads it as an integer.
    run(&["by_id", "2"]).success().stdout_has("pending");
    let json = glance()
        .home(&home)
        .args([
            "-d",
            db.url(),
            "--format",
            "json",
            "run",
            "by_status",
            "status=pending",
        ])
        .run()
        .json();
    assert_eq!(json["saved"], "by_status");
    assert_eq!(json["params"]["status"], "pending");
    assert_eq!(
        json["sql"],
        "select id from orders where status = $1 order by id"
    );
    assert_eq!(json["rows"][0]["id"], 2);
    // In the REPL the log shows the SQL and, apart, the value bound.
    let log = glance()
        .home(&home)
        .args(["repl", "-d", db.url()])
        .stdin(format!("\\n by_status \"{INJECTION}\"\n\\log\n"))
        .run();
    log.success()
        .stdout_has("status = $1")
        .stdout_has("$1='x'' or ''1''=''1'")
        .stdout_has("(0 rows)");
    // A saved write binds its values too, and needs --yes without a terminal.
    put(
        &personal(&home),
        "set_status",
        "update orders set status = :status where id = :id",
    );
    run(&["set_status", "2", "delivered"]).code(3);
    assert_eq!(
        db.query_scalar("select status from orders where id = 2")
            .as_deref(),
        Some("pending")
    );
    glance()
        .home(&home)
        .args([
            "-d",
            db.url(),
            "--yes",
            "run",
            "set_status",
            "id=2",
            "status=delivered",
        ])
        .run()
        .success()
        .stdout_has("UPDATE, 1 row affected");
    assert_eq!(
        db.query_scalar("select status from orders where id = 2")
            .as_deref(),
        Some("delivered")
    );
}

#[test]
fn sqlite_defaults_optional_parameters_and_missing_arguments() {
    let file = items_file("saved-sqlite");
    let home = harness::scratch_dir("saved-sqlite-home");
    put(
        &personal(&home),
        "cheap",
        "select name from items\n\
         where price <= :max=5 and (:name? is null or name = :name?)\n\
         order by id limit :n=10",
    );
    put(
        &personal(&home),
        "named",
        "select price from items where name = :name",
    );
    put(
        &personal(&home),
        "mixed",
        "select name from items where id = $1 or name = :nm",
    );
    let run = |args: &[&str]| {
        glance()
            .home(&home)
            .arg("-d")
            .arg(&file)
            .args(["--format", "csv", "run"])
            .args(args)
            .run()
    };
    let all = run(&["cheap"]);
    all.success();
    assert_eq!(all.stdout, "name\npen\npad\n");
    let one = run(&["cheap", "n=1"]);
    assert_eq!(one.stdout, "name\npen\n");
    let named = run(&["cheap", "9", "ink"]);
    assert_eq!(named.stdout, "name\nink\n");
    run(&["named", INJECTION]).success().never_shows("3");
    run(&["named"])
        .code(2)
        .stderr_has("the saved query `named` needs the argument name");
    run(&["named", "colour=red"])
        .code(2)
        .stderr_has("unknown parameter `colour`; this query takes name");
    // Bare arguments fill `$1` only; the message says how to give `nm`.
    run(&["mixed", "1", "n1"])
        .code(2)
        .stderr_has("they fill only $1; give the others by name, as nm=…");
    run(&["nothing"])
        .code(2)
        .stderr_has("there is no saved query named `nothing`");
    run(&["../x"])
        .code(2)
        .stderr_has("is not a saved query name");
}

#[test]
fn mariadb_binds_values_and_limits() {
    let db = mariadb().create_db("saved_mysql");
    db.execute(
        "create table film (film_id int primary key, title varchar(100));
         insert into film values (1, 'Academy Dinosaur'), (2, 'Ace Goldfinger'), (3, 'Adaptation Holes');",
    );
    let home = harness::scratch_dir("saved-mysql-home");
    put(
        &personal(&home),
        "films",
        "select film_id from film where title like :prefix order by film_id limit :n=2",
    );
    let run = |args: &[&str]| {
        glance()
            .home(&home)
            .args(["-d", &db.url(), "--format", "csv", "run"])
            .args(args)
            .run()
    };
    let two = run(&["films", "A%"]);
    two.success();
    assert_eq!(two.stdout, "film_id\n1\n2\n");
    let three = run(&["films", "A%", "n=3"]);
    assert_eq!(three.stdout, "film_id\n1\n2\n3\n");
    let none = run(&["films", INJECTION]);
    none.success();
    assert_eq!(none.stdout, "film_id\n");
}

#[test]
fn a_saved_write_asks_and_without_a_terminal_needs_yes() {
    let file = items_file("saved-write");
    let home = harness::scratch_dir("saved-write-home");
    put(
        &personal(&home),
        "reprice",
        "update items set price = :price where id = :id",
    );
    // `:pid=id` compares the value with the column: `id` is no default.
    put(
        &personal(&home),
        "drop_one",
        "delete from items where :pid=id",
    );
    let price = || number(&file, "select price from items where id = 1");
    glance()
        .home(&home)
        .arg("-d")
        .arg(&file)
        .args(["run", "reprice", "9", "1"])
        .run()
        .code(3)
        .stderr_has("pass --yes");
    assert_eq!(price(), 3);
    let mut repl = harness::pty_with_home(["repl", "-d", &file.to_string_lossy()], &home);
    repl.expect_prompt();
    repl.send_line("\\n reprice 8 1");
    // The values are shown under the SQL they are bound to.
    repl.expect("update items set price = ?1 where id = ?2");
    repl.expect("?1 = '8'");
    repl.expect("?2 = '1'");
    repl.expect("[y/N]");
    repl.send_line("n");
    repl.expect("Not run.");
    repl.expect_prompt();
    repl.send_line("\\n reprice price=\"1 or 1=1\" id=1");
    repl.expect("?1 = '1 or 1=1'");
    repl.expect("[y/N]");
    repl.send_line("n");
    repl.expect("Not run.");
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
    assert_eq!(price(), 3);
    let file_arg = file.to_string_lossy();
    let mut run = harness::pty_with_home(["-d", &file_arg, "run", "reprice", "4", "1"], &home);
    run.expect("?1 = '4'");
    run.expect("Run it? [y/N]");
    run.send_line("n");
    run.expect_exit();
    assert_eq!(price(), 3);
    glance()
        .home(&home)
        .arg("-d")
        .arg(&file)
        .args(["--yes", "run", "reprice", "id=1", "price=9"])
        .run()
        .success();
    assert_eq!(price(), 9);
    let count = || number(&file, "select count(*) from items");
    let drop_one = |args: &[&str]| {
        glance()
            .home(&home)
            .arg("-d")
            .arg(&file)
            .args(["--yes", "--format", "csv", "run"])
            .args(args)
            .run()
    };
    drop_one(&["drop_one"])
        .code(2)
        .stderr_has("needs the argument pid");
    assert_eq!(count(), 3);
    drop_one(&["drop_one", "2"]).success();
    assert_eq!(count(), 2);
    drop_one(&["--list"])
        .success()
        .stdout_has("drop_one,personal,,pid\n");
}

#[test]
fn personal_queries_hide_team_ones_and_only_personal_ones_are_deleted() {
    let file = items_file("saved-team");
    let home = harness::scratch_dir("saved-team-home");
    let team = harness::scratch_dir("saved-team-folder");
    put(&team.join("queries"), "which", "select 'team' as who");
    put(&team.join("queries"), "shared", "select 'shared' as who");
    put(&personal(&home), "which", "select 'mine' as who");
    let base = || {
        glance()
            .home(&home)
            .arg("-d")
            .arg(&file)
            .arg("--team-dir")
            .arg(&team)
    };
    base()
        .args(["run", "which"])
        .run()
        .success()
        .stdout_has("mine");
    base()
        .args(["run", "shared"])
        .run()
        .success()
        .stdout_has("shared");
    let listed = base()
        .args(["--format", "json", "run", "--list"])
        .run()
        .json();
    let rows = listed["rows"].as_array().unwrap();
    let marks: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            (
                r["Name"].as_str().unwrap().into(),
                r["Where"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        [
            ("shared".to_string(), "team".to_string()),
            ("which".to_string(), "personal".to_string())
        ]
    );
    base()
        .args(["repl"])
        .stdin("\\nd shared\n\\nd which\n\\n which\n")
        .run()
        .success()
        .stderr_has("`shared` is a team query")
        .stdout_has("Deleted `which`")
        .stdout_has("team");
    assert!(team.join("queries/shared.sql").exists());
}

#[test]
fn save_in_the_repl_then_run_list_print_and_share() {
    let file = items_file("saved-repl");
    let home = harness::scratch_dir("saved-repl-home");
    let mut repl = harness::pty_with_home(["repl", "-d", &file.to_string_lossy()], &home);
    repl.expect_prompt();
    repl.send_line("\\ns pick select name from items where id = :id");
    repl.expect("Saved `pick`");
    repl.expect_prompt();
    repl.send_line("\\n pick 2");
    repl.expect("ink");
    repl.expect_prompt();
    // A missing argument is asked for.
    repl.send_line("\\n pick");
    repl.expect("id: ");
    repl.send_line("3");
    repl.expect("pad");
    repl.expect_prompt();
    repl.send_line("\\n");
    repl.expect_all(&["pick", "personal", "id"]);
    repl.expect_prompt();
    repl.send_line("\\ns pick select 1");
    repl.expect("Replace it? [y/N]");
    repl.send_line("n");
    repl.expect("Kept the saved query `pick`");
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
    let text = fs::read_to_string(personal(&home).join("pick.sql")).unwrap();
    assert_eq!(
        text,
        "-- param: id\nselect name from items where id = :id\n"
    );
    // Sharing needs a team folder, and never replaces a team file.
    let script = |team: Option<&Path>, input: &str| {
        let mut cmd = glance().home(&home).arg("-d").arg(&file);
        if let Some(team) = team {
            cmd = cmd.arg("--team-dir").arg(team);
        }
        cmd.arg("repl").stdin(input.to_string()).run()
    };
    script(None, "\\share pick\n")
        .success()
        .stderr_has("there is no team folder")
        .stderr_has("mkdir -p .glance/queries");
    let team = harness::scratch_dir("saved-repl-team");
    script(Some(&team), "\\share pick\n\\share pick\n\\np pick\n")
        .success()
        .stdout_has("Shared `pick`")
        .stderr_has("already exists")
        .stdout_has("-- personal query");
    assert_eq!(
        fs::read_to_string(team.join("queries/pick.sql")).unwrap(),
        text
    );
}

#[test]
fn after_an_answer_the_question_is_saved_and_a_rerun_binds_the_values_again() {
    let file = items_file("saved-question");
    let home = harness::scratch_dir("saved-question-home");
    let fake = FakeLlm::openai(vec![Reply::text(
        "Here it is.\n\n```sql\nselect name from items where id = 2\n```\n",
    )]);
    fake.on(glance().home(&home).arg("repl").arg("-d").arg(&file))
        .stdin("which item is number two?\n\\ns second\n\\n\n")
        .run()
        .success()
        .stdout_has("Saved `second`")
        .stdout_has("which item is number two?");
    let text = fs::read_to_string(personal(&home).join("second.sql")).unwrap();
    assert_eq!(
        text,
        "-- question: which item is number two?\nselect name from items where id = 2\n"
    );
    put(
        &personal(&home),
        "named",
        "select price from items where name = :name",
    );
    let script = |input: &str| {
        glance()
            .home(&home)
            .arg("repl")
            .arg("-d")
            .arg(&file)
            .stdin(input.to_string())
            .run()
    };
    script("\\n named ink\n").success().stdout_has("7");
    let history = rusqlite::Connection::open(home.join(".local/share/glance/history.db")).unwrap();
    let (sql, params): (String, String) = history
        .query_row(
            "select sql, params from entries where params is not null",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(sql, "select price from items where name = ?1");
    assert_eq!(params, r#"["ink"]"#);
    let id: i64 = history
        .query_row("select id from entries where params is not null", [], |r| {
            r.get(0)
        })
        .unwrap();
    script(&format!("\\rerun {id}\n\\history {id}\n"))
        .success()
        .stdout_has("$1='ink'")
        .stdout_has("7");
    // Saved as it ran, the statement would hold a bare `?1`: glance says so.
    script("\\n named ink\n\\ns copy\n")
        .success()
        .stderr_has("not saved: that statement ran a saved query with bound values")
        .stderr_has("\\np OTHER");
    assert!(!personal(&home).join("copy.sql").exists());
}
