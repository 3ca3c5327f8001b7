//! TLS against a real server: a TLS-only throwaway cluster whose certificate
//! (signed by a CA the harness made) names `127.0.0.1` and `localhost`, and
//! the plain cluster for `prefer` without TLS.
//!
//! Every connection that succeeds is checked from the server's side too:
//! `pg_stat_ssl` says whether this very backend is encrypted, so a test
//! cannot pass on a plain-text session.

use std::path::Path;

use crate::harness::{self, Output, glance};

/// The server's view of the session: `true,TLSv1.3` when encrypted, `false,` when not.
const SSL_QUERY: &str = "select s.ssl, s.version from pg_stat_ssl s where s.pid = pg_backend_pid()";

/// `glance ask --sql SSL_QUERY` against `url`.
fn ask_ssl(url: &str) -> Output {
    glance()
        .args(["ask", "--sql", SSL_QUERY, "-d", url, "--format", "csv"])
        .run()
}

/// Asserts the session was encrypted with TLS 1.2 or 1.3.
#[track_caller]
fn assert_encrypted(out: &Output) {
    out.success();
    assert!(
        out.stdout.contains("true,TLSv1.3") || out.stdout.contains("true,TLSv1.2"),
        "the server does not see an encrypted session\n{out}"
    );
}

fn rootcert(path: &Path) -> String {
    path.display().to_string()
}

#[test]
fn require_encrypts_without_checking_the_certificate() {
    let tls = harness::tls_cluster();
    // The CA is in no trusted set and 127.0.0.2 is not in the certificate.
    assert_encrypted(&ask_ssl(&tls.url("127.0.0.1", "sslmode=require")));
    assert_encrypted(&ask_ssl(&tls.url("127.0.0.2", "sslmode=require")));
}

#[test]
fn verify_ca_with_the_right_root_connects() {
    let tls = harness::tls_cluster();
    let query = format!("sslmode=verify-ca&sslrootcert={}", rootcert(tls.ca_file()));
    assert_encrypted(&ask_ssl(&tls.url("127.0.0.1", &query)));
    // verify-ca does not check the name: an address the certificate does
    // not name is accepted.
    assert_encrypted(&ask_ssl(&tls.url("127.0.0.2", &query)));
}

#[test]
fn verify_full_by_ip_address_connects() {
    let tls = harness::tls_cluster();
    let query = format!(
        "sslmode=verify-full&sslrootcert={}",
        rootcert(tls.ca_file())
    );
    assert_encrypted(&ask_ssl(&tls.url("127.0.0.1", &query)));
}

#[test]
fn verify_full_by_host_name_connects() {
    let tls = harness::tls_cluster();
    let query = format!(
        "sslmode=verify-full&sslrootcert={}",
        rootcert(tls.ca_file())
    );
    assert_encrypted(&ask_ssl(&tls.url("localhost", &query)));
}

#[test]
fn a_wrong_ca_is_refused_with_a_hint_about_sslrootcert() {
    let tls = harness::tls_cluster();
    for mode in ["verify-full", "verify-ca", "require"] {
        let query = format!(
            "sslmode={mode}&sslrootcert={}",
            rootcert(tls.wrong_ca_file())
        );
        let out = ask_ssl(&tls.url("127.0.0.1", &query));
        out.code(1)
            .stderr_has("is not signed by a CA glance trusts")
            .stderr_has("set sslrootcert to the PEM file of the CA")
            .stderr_has(&format!("127.0.0.1:{}", tls.port()));
        assert!(out.stdout.is_empty(), "{mode}: nothing ran\n{out}");
    }
}

#[test]
fn a_host_name_not_in_the_certificate_is_refused_under_verify_full() {
    let tls = harness::tls_cluster();
    let query = format!(
        "sslmode=verify-full&sslrootcert={}",
        rootcert(tls.ca_file())
    );
    let out = ask_ssl(&tls.url("127.0.0.2", &query));
    out.code(1)
        .stderr_has("not valid for name \"127.0.0.2\"")
        .stderr_has("does not name the host glance connected to")
        .stderr_has("sslmode=verify-ca");
    assert!(out.stdout.is_empty(), "nothing ran\n{out}");
}

#[test]
fn prefer_uses_tls_when_the_server_offers_it() {
    let tls = harness::tls_cluster();
    assert_encrypted(&ask_ssl(&tls.url("127.0.0.1", "sslmode=prefer")));
}

#[test]
fn prefer_against_a_server_without_tls_connects_in_plain_text() {
    let db = harness::db("tls_prefer_plain");
    let cluster = harness::cluster();
    let url = format!(
        "postgres://postgres@{}:{}/{}?sslmode=prefer",
        cluster.host(),
        cluster.port(),
        db.name()
    );
    let out = ask_ssl(&url);
    out.success().stdout_has("false,");
    let info = glance()
        .args(["-d", &url, "repl"])
        .stdin("\\conninfo\n")
        .run();
    info.success().stdout_has("(not encrypted)");
}

#[test]
fn conninfo_shows_the_tls_version() {
    let tls = harness::tls_cluster();
    let query = format!(
        "sslmode=verify-full&sslrootcert={}",
        rootcert(tls.ca_file())
    );
    let out = glance()
        .args(["-d", &tls.url("localhost", &query), "repl"])
        .stdin("\\conninfo\n")
        .run();
    out.success();
    let line = out
        .stdout
        .lines()
        .rev()
        .find(|line| line.contains("connected to"))
        .unwrap_or_else(|| panic!("no \\conninfo line\n{out}"));
    assert!(
        line.contains("(TLSv1.3)") || line.contains("(TLSv1.2)"),
        "\\conninfo does not name the TLS version: {line}\n{out}"
    );
}

#[test]
fn disable_against_a_tls_only_server_is_refused_by_the_server() {
    let tls = harness::tls_cluster();
    let out = ask_ssl(&tls.url("127.0.0.1", "sslmode=disable"));
    out.code(1).stderr_has("no encryption");
}
