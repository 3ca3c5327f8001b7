//! Imports between glance's top-level modules run one way: no module may
//! reach, through `crate::` paths in its non-test code, a module that reaches
//! it back. Test-only code (`#[cfg(test)]` blocks, and modules declared
//! under `#[cfg(test)]` or `#[cfg(any(test, fuzzing))]`) is left out: tests
//! may look anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file before its first `#[cfg(test)]` item (glance keeps
/// unit tests at the end of a file).
fn non_test_code(text: &str) -> &str {
    text.find("#[cfg(test)]").map_or(text, |at| &text[..at])
}

/// Modules declared test-only in `text`: `mod NAME;` right after a
/// `#[cfg(test)]` or `#[cfg(any(test, fuzzing))]` line.
fn test_only_modules(text: &str) -> BTreeSet<String> {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines
        .windows(2)
        .filter(|pair| pair[0] == "#[cfg(test)]" || pair[0] == "#[cfg(any(test, fuzzing))]")
        .filter_map(|pair| {
            let name = pair[1]
                .strip_prefix("pub mod ")
                .or_else(|| pair[1].strip_prefix("mod "))?;
            Some(name.trim_end_matches(';').to_string())
        })
        .collect()
}

/// The top-level modules `code` names after `crate::`, including each
/// one of a group (`use crate::{a, b::c};`).
fn named_modules(code: &str) -> Vec<String> {
    let leading = |text: &str| -> String {
        text.trim_start()
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            names.push(leading(rest));
            continue;
        };
        // Split the group at its own commas, not those of nested groups.
        let (mut depth, mut start) = (0, 0);
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    names.push(leading(&group[start..i]));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    names.push(leading(&group[start..i]));
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    names.retain(|name| !name.is_empty());
    names
}

/// The top-level modules each top-level module names with `crate::`.
fn module_graph(src: &Path) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut files = Vec::new();
    sources(src, &mut files);
    let texts: BTreeMap<PathBuf, String> = files
        .into_iter()
        .map(|path| {
            let text = fs::read_to_string(&path).expect("a source file is readable");
            (path, text)
        })
        .collect();
    let mut graph: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (path, text) in &texts {
        let relative = path.strip_prefix(src).expect("under src/");
        let parts: Vec<String> = relative
            .with_extension("")
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        if parts == ["main"] || parts == ["lib"] {
            continue;
        }
        // A file declared test-only by its parent module is test code.
        let parent = match parts.as_slice() {
            [dirs @ .., _] if !dirs.is_empty() => src.join(dirs.join("/")).join("mod.rs"),
            _ => src.join("lib.rs"),
        };
        let name = parts.last().expect("a file name");
        if texts
            .get(&parent)
            .is_some_and(|parent| test_only_modules(parent).contains(name))
        {
            continue;
        }
        let top = parts[0].clone();
        let code = non_test_code(text);
        for target in named_modules(code) {
            if target != top {
                graph
                    .entry(top.clone())
                    .or_default()
                    .entry(target)
                    .or_default()
                    .insert(relative.display().to_string());
            }
        }
    }
    graph
}

/// The modules `from` reaches by following imports.
fn reachable(
    graph: &BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    from: &str,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(module) = todo.pop() {
        for next in graph
            .get(&module)
            .into_iter()
            .flat_map(|edges| edges.keys())
        {
            if seen.insert(next.clone()) {
                todo.push(next.clone());
            }
        }
    }
    seen
}

#[test]
fn top_level_modules_import_one_way() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = module_graph(&src);
    let mut circular = BTreeMap::new();
    for (module, edges) in &graph {
        for (target, files) in edges {
            if reachable(&graph, target).contains(module) {
                let files: Vec<&str> = files.iter().map(String::as_str).collect();
                circular.insert(format!("{module} -> {target}"), files.join(", "));
            }
        }
    }
    let found: Vec<String> = circular
        .iter()
        .map(|(edge, files)| format!("{edge} (in {files})"))
        .collect();
    assert!(
        found.is_empty(),
        "these imports close a circle between top-level modules; move the shared \
         piece to a module both can use, or pass it in:\n  {}",
        found.join("\n  ")
    );
}

#[test]
fn test_only_declarations_are_recognised() {
    let text = "mod a;\n#[cfg(test)]\nmod b;\n#[cfg(any(test, fuzzing))]\npub mod c;\n";
    let found = test_only_modules(text);
    assert_eq!(found, BTreeSet::from(["b".to_string(), "c".to_string()]));
    assert_eq!(
        non_test_code("use x;\n#[cfg(test)]\nmod tests {}"),
        "use x;\n"
    );
}

#[test]
fn grouped_imports_name_each_module() {
    let code = "use crate::db::Row;\nuse crate::{\n    agent,\n    render::{self, Format},\n    term::Term,\n};\n";
    assert_eq!(named_modules(code), ["db", "agent", "render", "term"]);
}
