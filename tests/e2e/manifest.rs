//! Promises the manifest makes about the build itself.
//!
//! `rust-version` in Cargo.toml tells users the oldest compiler that builds
//! glance. No older toolchain can be installed on the test machines, so
//! instead of building with one, this checks the promise against what the
//! locked dependencies declare: glance cannot build on a compiler older than
//! any of them needs.

use std::process::Command;

/// `1.89` or `1.89.0` as comparable numbers; a missing part counts as 0.
fn version(text: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = text
        .split('.')
        .map(|part| {
            part.parse()
                .unwrap_or_else(|_| panic!("rust-version `{text}` is not a version"))
        })
        .collect();
    parts.resize(3, 0);
    parts
}

#[test]
fn rust_version_covers_every_locked_dependency() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // Not `--offline`: metadata covers every platform's dependencies, and a
    // build downloads only this one's, so cargo may need to fetch the rest.
    let out = Command::new(&cargo)
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run `{cargo} metadata`: {e}"));
    assert!(
        out.status.success(),
        "`cargo metadata --locked` failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    let ours = version(env!("CARGO_PKG_RUST_VERSION"));
    let newer: Vec<String> = metadata["packages"]
        .as_array()
        .expect("metadata lists packages")
        .iter()
        .filter_map(|package| {
            let needed = package["rust_version"].as_str()?;
            (version(needed) > ours).then(|| {
                format!(
                    "{} {} needs Rust {needed}",
                    package["name"].as_str().unwrap_or("?"),
                    package["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    assert!(
        newer.is_empty(),
        "Cargo.toml says rust-version = \"{}\", but locked dependencies need a newer compiler:\n  {}\n\
         raise rust-version (and the README's requirement) or pin older versions",
        env!("CARGO_PKG_RUST_VERSION"),
        newer.join("\n  ")
    );
}

#[test]
fn versions_compare_by_number_not_text() {
    assert!(version("1.89") > version("1.88.0"));
    assert!(version("1.100") > version("1.99.9"));
    assert_eq!(version("1.89"), version("1.89.0"));
}
