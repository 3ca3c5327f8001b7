//! The committed shell completions and man page must match what the binary
//! generates from its command-line definitions.

use std::fs;
use std::path::Path;

use crate::harness::glance;

const REGENERATE: &str = "regenerate them with scripts/generate.sh \
    (e.g. `cargo run -- completions bash > completions/glance.bash`, \
    `cargo run -- man > man/glance.1`) and commit the result";

fn assert_current(args: &[&str], committed: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(committed);
    let expected = fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {committed}: {e}; {REGENERATE}"));
    let out = glance().args(args).run();
    out.success();
    assert!(
        out.stdout == expected,
        "{committed} is stale: `glance {}` prints something else; {REGENERATE}",
        args.join(" ")
    );
}

#[test]
fn bash_completions_are_current() {
    assert_current(&["completions", "bash"], "completions/glance.bash");
}

#[test]
fn zsh_completions_are_current() {
    assert_current(&["completions", "zsh"], "completions/_glance");
}

#[test]
fn fish_completions_are_current() {
    assert_current(&["completions", "fish"], "completions/glance.fish");
}

#[test]
fn powershell_completions_are_current() {
    assert_current(&["completions", "powershell"], "completions/_glance.ps1");
}

#[test]
fn man_page_is_current() {
    assert_current(&["man"], "man/glance.1");
}
