//! Connection failures: exit 1, a message naming where glance tried to go,
//! and never a password in the output.

use crate::harness::{self, PASSWORD, PASSWORD_ROLE, glance};

const WRONG_PASSWORD: &str = "wrong-pw-456";

#[test]
fn nothing_listening_names_the_location_and_hints_the_server_is_down() {
    let port = harness::free_port();
    let url = format!("postgres://postgres:{PASSWORD}@127.0.0.1:{port}/somedb?sslmode=disable");
    let out = glance()
        .args(["ask", "--sql", "select 1", "-d", &url])
        .run();
    out.code(1)
        .stderr_has(&format!("127.0.0.1:{port}"))
        .stderr_has("somedb")
        .stderr_has_nocase("running")
        .never_shows(PASSWORD);
}

#[test]
fn a_wrong_password_is_an_authentication_error_without_the_password() {
    let db = harness::db("wrong_pw");
    let cluster = harness::cluster();
    let url = cluster.url_as(PASSWORD_ROLE, WRONG_PASSWORD, db.name());
    let out = glance()
        .args(["ask", "--sql", "select 1", "-d", &url])
        .run();
    out.code(1)
        .stderr_has_nocase("authentication")
        .stderr_has(&format!("{}:{}", cluster.host(), cluster.port()))
        .stderr_has(db.name())
        .never_shows(WRONG_PASSWORD)
        .never_shows(PASSWORD);
}

#[test]
fn the_right_password_connects_and_is_never_shown() {
    let db = harness::db("right_pw");
    let url = harness::cluster().url_as(PASSWORD_ROLE, PASSWORD, db.name());
    let out = glance()
        .args([
            "ask",
            "--sql",
            "select current_user",
            "-d",
            &url,
            "--format",
            "csv",
        ])
        .run();
    out.success()
        .stdout_has(PASSWORD_ROLE)
        .never_shows(PASSWORD);
}

#[test]
fn a_malformed_url_is_an_error_without_a_panic() {
    let out = glance()
        .args(["ask", "--sql", "select 1", "-d", "postgres://[bad"])
        .run();
    out.code(1);
    assert!(
        !out.stderr.trim().is_empty(),
        "the error explains itself\n{out}"
    );
    assert!(!out.stderr.contains("panicked"), "{out}");
}

#[test]
fn an_unknown_database_says_it_does_not_exist() {
    let cluster = harness::cluster();
    let url = cluster.url("no_such_database_here");
    let out = glance()
        .args(["ask", "--sql", "select 1", "-d", &url])
        .run();
    out.code(1)
        .stderr_has("no_such_database_here")
        .stderr_has("does not exist")
        .stderr_has(&format!("{}:{}", cluster.host(), cluster.port()));
}
