//! Completion through the binary: the scripts `glance completions SHELL`
//! prints call `COMPLETE=SHELL glance -- WORDS…`, and `-p/--profile` offers
//! the profile names of the config file in effect.

use std::fs;
use std::path::{Path, PathBuf};

use crate::harness::{Cmd, glance, glance_bin, scratch_dir};

/// A config file with two profiles, one with a password in its URL.
fn two_profiles() -> PathBuf {
    let dir = scratch_dir("completion");
    let path = dir.join("config.toml");
    fs::write(
        &path,
        "[connections.prod]\nurl = \"postgres://ann:s3cret@db.example.com/shop\"\n\n\
         [connections.staging]\nhost = \"stage.example.com\"\ndatabase = \"shop\"\n",
    )
    .unwrap();
    path
}

/// What the binary answers when `shell` asks it to complete `words`, the
/// last being the word under the cursor.
fn complete(shell: &str, words: &[&str], config: Option<&Path>) -> String {
    let mut cmd = glance()
        .env("COMPLETE", shell)
        .env("_CLAP_COMPLETE_INDEX", (words.len() - 1).to_string())
        .arg("--")
        .args(words);
    if let Some(config) = config {
        cmd = cmd.env("GLANCE_CONFIG", config);
    }
    let out = cmd.run();
    out.success();
    out.stdout.clone()
}

#[test]
fn profile_completion_offers_the_config_profiles_in_every_shell() {
    let config = two_profiles();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = complete(shell, &["glance", "-p", ""], Some(&config));
        assert!(
            out.contains("prod") && out.contains("staging"),
            "{shell}: {out:?}"
        );
        assert!(!out.contains("s3cret"), "{shell} shows a password: {out:?}");
        let out = complete(shell, &["glance", "ask", "--profile", "st"], Some(&config));
        assert!(
            out.contains("staging") && !out.contains("prod"),
            "{shell}: {out:?}"
        );
    }
    let described = complete("fish", &["glance", "-p", ""], Some(&config));
    assert!(
        described.contains("prod\tpostgres://ann:<redacted>@db.example.com/shop")
            && described.contains("staging\tstage.example.com/shop"),
        "{described:?}"
    );
}

#[test]
fn profile_completion_reads_the_config_named_on_the_line() {
    let config = two_profiles();
    let named = config.to_str().unwrap();
    let out = complete("bash", &["glance", "--config", named, "-p", ""], None);
    assert!(out.contains("prod") && out.contains("staging"), "{out:?}");
    let equals = format!("--config={named}");
    let out = complete("bash", &["glance", &equals, "-p", ""], None);
    assert!(out.contains("prod") && out.contains("staging"), "{out:?}");
    // No config file: nothing to offer, and no error.
    let out = complete("bash", &["glance", "-p", ""], None);
    assert_eq!(out.trim(), "", "{out:?}");
}

#[test]
fn subcommands_and_options_complete_too() {
    let out = complete("bash", &["glance", ""], None);
    for word in ["ask", "repl", "config", "--profile", "--database"] {
        assert!(out.lines().any(|line| line == word), "{word}: {out:?}");
    }
    let out = complete("bash", &["glance", "config", "s"], None);
    assert!(out.lines().any(|line| line == "show"), "{out:?}");
    let out = complete("bash", &["glance", "--format", "j"], None);
    assert!(out.lines().any(|line| line == "json"), "{out:?}");
}

/// The committed bash script, sourced by a real bash with glance on PATH,
/// completes `glance -p ` to the profile names.
#[test]
fn the_bash_script_completes_profiles_in_bash() {
    let config = two_profiles();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/glance.bash");
    let bin_dir = Path::new(glance_bin()).parent().unwrap().to_owned();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into())
    );
    let body = format!(
        "source '{}'\n\
         COMP_WORDS=(glance -p '')\n\
         COMP_CWORD=2\n\
         COMP_TYPE=9\n\
         _clap_complete_glance glance '' -p\n\
         printf '<%s>\\n' \"${{COMPREPLY[@]}}\"\n",
        script.display()
    );
    let out = Cmd::new("bash")
        .args(["--noprofile", "--norc", "-c", &body])
        .env("PATH", path)
        .env("GLANCE_CONFIG", &config)
        .run();
    out.success();
    assert_eq!(out.stdout, "<prod>\n<staging>\n", "stderr: {}", out.stderr);
}
