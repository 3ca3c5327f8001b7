//! The password prompt, as psql's: a server that wants a password nobody
//! gave gets `Password for user NAME: ` on the terminal (no echo), `-W`
//! asks first, `-w` never asks, and without a terminal the error names
//! every place a password can come from. The password never shows.

use crate::harness::{self, PASSWORD, PASSWORD_ROLE, Repl, glance};

const WRONG_PASSWORD: &str = "wrong-pw-789";

/// The password role's URL for `name`, without its password.
fn url_without_password(name: &str) -> String {
    let url = harness::cluster().url_as(PASSWORD_ROLE, PASSWORD, name);
    let bare = url.replace(&format!(":{PASSWORD}@"), "@");
    assert_ne!(url, bare, "the URL carried the password: {url}");
    bare
}

fn prompt() -> String {
    format!("Password for user {PASSWORD_ROLE}: ")
}

fn never_shows(repl: &Repl, secret: &str) {
    assert!(
        !repl.transcript().contains(secret),
        "the password showed on the terminal:\n{}",
        repl.transcript()
    );
}

#[test]
fn a_missing_password_is_asked_for_and_reused_for_another_database() {
    let db = harness::db("pw_prompt");
    let other = harness::db("pw_prompt_other");
    let mut repl = harness::pty(["repl", "-d", &url_without_password(db.name())]);
    repl.expect(&prompt());
    repl.send_line(PASSWORD);
    repl.expect_prompt();
    repl.send_line("\\sql select current_user as who;");
    repl.expect_all(&["who", PASSWORD_ROLE, "1 row"]);
    repl.expect_prompt();
    // As psql's \c: same server and user, so the typed password is reused.
    repl.send_line(&format!("\\c {}", other.name()));
    let shown = repl.expect_prompt();
    assert!(!shown.contains("Password for user"), "{shown}");
    repl.send_line("\\sql select current_database() as here;");
    repl.expect_all(&[other.name(), "1 row"]);
    repl.expect_prompt();
    repl.send_line("\\conninfo");
    repl.expect(PASSWORD_ROLE);
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
    never_shows(&repl, PASSWORD);
}

#[test]
fn a_wrong_typed_password_says_authentication_failed_for_the_user() {
    let db = harness::db("pw_prompt_wrong");
    let mut repl = harness::pty(["repl", "-d", &url_without_password(db.name())]);
    repl.expect(&prompt());
    repl.send_line(WRONG_PASSWORD);
    repl.expect_nocase(&format!(
        "authentication failed for user \"{PASSWORD_ROLE}\""
    ));
    assert_eq!(repl.expect_exit(), 1, "{}", repl.transcript());
    assert!(
        !repl.transcript().contains("server log"),
        "{}",
        repl.transcript()
    );
    never_shows(&repl, WRONG_PASSWORD);
}

#[test]
fn ctrl_c_at_the_prompt_ends_like_a_failed_connection() {
    let db = harness::db("pw_prompt_cancel");
    let mut repl = harness::pty(["repl", "-d", &url_without_password(db.name())]);
    repl.expect(&prompt());
    repl.send("half-typed");
    repl.ctrl('c');
    repl.expect("no password given");
    assert_eq!(repl.expect_exit(), 1, "{}", repl.transcript());
    never_shows(&repl, "half-typed");
}

#[test]
fn dash_capital_w_asks_even_when_the_server_would_not() {
    let db = harness::db("pw_prompt_forced");
    // The superuser logs in without a password (trust), yet -W asks.
    let mut repl = harness::pty(["repl", "-W", "-d", db.url()]);
    repl.expect("Password for user postgres: ");
    repl.send_line("unused-pw-321");
    repl.expect_prompt();
    repl.send_line("\\sql select 40 + 2 as answer;");
    repl.expect_all(&["42", "1 row"]);
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
    never_shows(&repl, "unused-pw-321");
}

#[test]
fn dash_w_never_asks() {
    let db = harness::db("pw_never");
    let mut repl = harness::pty(["repl", "-w", "-d", &url_without_password(db.name())]);
    repl.expect("PGPASSWORD");
    assert_eq!(repl.expect_exit(), 1, "{}", repl.transcript());
    assert!(
        !repl.transcript().contains("Password for user"),
        "-w must not ask:\n{}",
        repl.transcript()
    );
}

#[test]
fn without_a_terminal_the_error_names_every_password_source() {
    let db = harness::db("pw_piped");
    let out = glance()
        .args([
            "ask",
            "--sql",
            "select 1",
            "-d",
            &url_without_password(db.name()),
        ])
        .stdin("")
        .run();
    out.code(1)
        .stderr_has(&format!("password for user \"{PASSWORD_ROLE}\""))
        .stderr_has("PGPASSWORD")
        .stderr_has("~/.pgpass")
        .stderr_has("password_env")
        .stderr_has("postgres://USER:PASSWORD@HOST/DB")
        .never_shows(PASSWORD);
    assert!(!out.stderr.contains("Password for user"), "{out}");
    assert!(!out.stderr.contains("server log"), "{out}");
    // -W cannot ask either, and says so the same way.
    let out = glance()
        .args(["ask", "-W", "--sql", "select 1", "-d", db.url()])
        .stdin("")
        .run();
    out.code(1)
        .stderr_has("no terminal")
        .stderr_has("PGPASSWORD");
}

#[test]
fn backslash_c_asks_and_keeps_the_old_connection_when_cancelled() {
    let db = harness::db("pw_c_start");
    let target = harness::db("pw_c_target");
    let mut repl = harness::pty(["repl", "-d", db.url()]);
    repl.expect_prompt();
    let url = url_without_password(target.name());
    repl.send_line(&format!("\\c {url}"));
    repl.expect(&prompt());
    repl.ctrl('d');
    repl.expect_all(&["no password given", "Still connected to"]);
    repl.expect_prompt();
    repl.send_line(&format!("\\c {url}"));
    repl.expect(&prompt());
    repl.send_line(PASSWORD);
    repl.expect_prompt();
    repl.send_line("\\sql select current_user as who, current_database() as here;");
    repl.expect_all(&[PASSWORD_ROLE, target.name(), "1 row"]);
    repl.expect_prompt();
    repl.send_line("\\q");
    assert_eq!(repl.expect_exit(), 0, "{}", repl.transcript());
    never_shows(&repl, PASSWORD);
}

#[test]
fn dash_capital_w_with_sqlite_is_ignored_with_a_note() {
    let out = glance()
        .args(["-W", "--demo", "ask", "--sql", "select 1 as one"])
        .stdin("")
        .run();
    out.success()
        .stdout_has("1")
        .stderr_has("SQLite databases have no password");
}

/// As libpq: a password file that group or others may read is ignored with
/// a warning on stderr (so the server's question goes unanswered); once it
/// is private, its password is used.
#[test]
fn a_password_file_others_can_read_is_ignored_with_a_warning() {
    use std::os::unix::fs::PermissionsExt;
    let db = harness::db("pw_pgpass");
    let cluster = harness::cluster();
    let file = harness::scratch_dir("pgpass").join("pgpass");
    std::fs::write(
        &file,
        format!(
            "{}:{}:*:{PASSWORD_ROLE}:{PASSWORD}\n",
            cluster.host(),
            cluster.port()
        ),
    )
    .expect("write the password file");
    let url = url_without_password(db.name());
    let run = || {
        glance()
            .args(["ask", "--sql", "select 1 as one", "-d", &url])
            .env("PGPASSFILE", &file)
            .stdin("")
            .run()
    };
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    run()
        .code(1)
        .stderr_has(&format!(
            "WARNING: password file \"{}\" has group or world access; \
             permissions should be u=rw (0600) or less\n",
            file.display()
        ))
        .stderr_has("PGPASSWORD")
        .never_shows(PASSWORD);
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let out = run();
    out.success().never_shows(PASSWORD);
    assert!(!out.stderr.contains("WARNING"), "{out}");
}
