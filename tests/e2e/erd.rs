//! `\erd` and `glance erd`: the demo's diagram in the REPL and one-shot,
//! ASCII without a UTF-8 locale, Mermaid and SVG files (well-formed, never
//! replaced unless asked), the errors, and a PostgreSQL schema with a
//! self-reference and names that need escaping.

use crate::harness::{self, glance};

/// The demo's boxes and some of its `arrows`.
fn assert_demo_drawing(text: &str, arrows: usize) {
    for table in [
        "categories",
        "customers",
        "orders",
        "order_items",
        "products",
        "reviews",
    ] {
        assert!(text.contains(&format!("│ {table} ")), "{table}:\n{text}");
    }
    assert_eq!(
        text.matches('▶').count(),
        arrows,
        "one arrow per foreign key:\n{text}"
    );
    assert!(text.contains("│ FK customer_id ├──┘"), "{text}");
}

#[test]
fn the_demo_is_drawn_in_the_repl_and_one_shot() {
    let out = glance().args(["--demo", "erd"]).run();
    out.success();
    assert_demo_drawing(&out.stdout, 6);
    let repl = glance()
        .args(["--demo", "repl"])
        .stdin("\\erd\n\\erd order*\n\\?\n")
        .run();
    repl.success()
        .stdout_has("│ PK,FK order_id              ├───▶│ PK id ")
        .stdout_has("\\erd [PATTERN] [--out FILE[!]]");
    // Six for the whole shop, one between the two tables `order*` matches.
    assert_demo_drawing(&repl.stdout, 7);
    assert!(
        repl.stdout.contains("│ PK,FK product_id → products │"),
        "a reference outside the pattern is named:\n{}",
        repl.stdout
    );
}

#[test]
fn ascii_without_utf8_and_narrow_terminals_get_boxes_listed() {
    let out = glance()
        .args(["--demo", "erd"])
        .env("LANG", "C")
        .env("COLUMNS", "60")
        .run();
    out.success()
        .stdout_has("The arrows do not fit in 60 columns")
        .stdout_has("| FK customer_id -> customers |")
        .stdout_has("+------------+  +-----------+");
    assert!(out.stdout.is_ascii(), "{}", out.stdout);
}

#[test]
fn json_lists_tables_and_foreign_keys() {
    let out = glance()
        .args(["--demo", "--format", "json", "erd", "product*"])
        .run();
    out.success();
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("JSON");
    assert_eq!(json["tables"][0]["name"], "products");
    assert_eq!(json["foreign_keys"], serde_json::json!([]));
    glance()
        .args(["--demo", "--format", "csv", "erd"])
        .run()
        .code(2)
        .stderr_has("glance erd writes a diagram, not csv");
}

#[test]
fn out_writes_mermaid_and_svg_and_never_replaces_by_surprise() {
    let dir = harness::scratch_dir("erd-out");
    let (mmd, md, svg) = (
        dir.join("shop.mmd"),
        dir.join("shop.md"),
        dir.join("shop.svg"),
    );
    for file in [&mmd, &md, &svg] {
        glance()
            .args(["--demo", "erd", "--out"])
            .arg(file.as_os_str())
            .run()
            .success()
            .stderr_has("glance: wrote a diagram of 6 tables to");
    }
    let mermaid = std::fs::read_to_string(&mmd).unwrap();
    assert!(mermaid.starts_with("erDiagram\n"), "{mermaid}");
    assert!(
        mermaid.contains("main__orders }|--|| main__customers"),
        "{mermaid}"
    );
    let markdown = std::fs::read_to_string(&md).unwrap();
    assert_eq!(markdown, format!("```mermaid\n{mermaid}```\n"));
    let image = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&image).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let paths = doc
        .descendants()
        .filter(|n| n.has_tag_name("path") && n.attribute("marker-end").is_some())
        .count();
    assert_eq!(paths, 6, "an arrow per foreign key");
    // Again: refused, the file kept; in the REPL `!` replaces it.
    glance()
        .args(["--demo", "erd", "--out"])
        .arg(svg.as_os_str())
        .run()
        .code(1)
        .stderr_has("already exists")
        .stderr_has("glance never replaces a file");
    std::fs::write(&svg, "old").unwrap();
    let repl = glance()
        .args(["--demo", "repl"])
        .stdin(format!(
            "\\erd --out {0}\n\\erd order* --out {0}!\n\\erd --out {1}\n",
            svg.display(),
            dir.join("shop.png").display()
        ))
        .run();
    repl.success()
        .stderr_has("already exists")
        .stderr_has("end the file's name with ! to replace it")
        .stdout_has("Wrote a diagram of 2 tables to")
        .stderr_has("--out takes a .mmd or .md file (Mermaid) or a .svg file");
    let replaced = std::fs::read_to_string(&svg).unwrap();
    roxmltree::Document::parse(&replaced).expect("well-formed SVG");
    assert!(replaced.contains(">order_items<"), "{replaced}");
    assert!(!dir.join("shop.png").exists());
}

#[test]
fn patterns_that_match_nothing_and_bad_words_are_said() {
    glance()
        .args(["--demo", "erd", "nothing*"])
        .run()
        .code(2)
        .stderr_has("no tables match \"nothing*\"");
    glance()
        .args(["--demo", "erd", "--out", "x.png"])
        .run()
        .code(2)
        .stderr_has("cannot tell what to write into x.png");
    glance()
        .args(["--demo", "repl"])
        .stdin("\\erd a b\n\\erd --outt x\n\\erd --out\n")
        .run()
        .success()
        .stderr_has("\\erd takes one pattern")
        .stderr_has("\\erd: unknown option `--outt`")
        .stderr_has("\\erd: --out needs a file");
}

#[test]
fn a_postgres_schema_with_a_self_reference_and_too_many_tables() {
    let db = harness::db("erd");
    let mut ddl = String::from(
        r#"create schema hr;
         create table hr.departments (id int primary key, name text unique);
         create table hr.staff (
             id int primary key,
             department_id int not null references hr.departments,
             manager_id int references hr.staff);
         create table hr."odd ""name""" (id int primary key, staff_id int references hr.staff);
         create schema many;
         create table many.staff (id int primary key);
        "#,
    );
    for i in 0..25 {
        ddl.push_str(&format!("create table many.t{i} (id int primary key);\n"));
    }
    db.execute(&ddl);
    let out = glance().args(["erd", "-d", db.url(), "hr.*"]).run();
    out.success()
        .stdout_has("│ FK manager_id    ├")
        .stdout_has("◀")
        .stdout_has("│ \"odd \"\"name\"\"\" ")
        // Another schema has a `staff`: this one's title says which.
        .stdout_has("│ hr.staff ")
        .stdout_has("│ departments ");
    assert_eq!(
        out.stdout.matches('▶').count() + out.stdout.matches('◀').count(),
        3,
        "{out}"
    );
    glance()
        .args(["erd", "-d", db.url()])
        .run()
        .code(2)
        .stderr_has("29 tables match; a diagram on the terminal shows at most 20")
        .stderr_has("glance erd hr.*");
    let svg = harness::scratch_dir("erd-pg").join("all.svg");
    glance()
        .args(["erd", "-d", db.url(), "--out"])
        .arg(svg.as_os_str())
        .run()
        .success()
        .stderr_has("wrote a diagram of 29 tables");
    let image = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&image).expect("well-formed SVG");
    assert!(
        doc.descendants()
            .any(|n| n.text() == Some("hr.\"odd \"\"name\"\"\"")),
        "{image}"
    );
}

/// A SQLite file with a composite key, a two-table cycle and names that
/// need showing: a newline and tab, a bidi override, a zero-width space,
/// `<&>`, a dot, CJK.
fn odd_sqlite() -> std::path::PathBuf {
    let path = harness::scratch_dir("erd-odd").join("odd.db");
    rusqlite::Connection::open(&path)
        .expect("create sqlite file")
        .execute_batch(
            "create table comp_parent (a integer, b integer, primary key (a, b));
             create table comp_child (id integer primary key, pa integer, pb integer,
                 foreign key (pa, pb) references comp_parent (a, b));
             create table cyc1 (id integer primary key, c2 integer references cyc2 (id));
             create table cyc2 (id integer primary key, c1 integer references cyc1 (id));
             create table \"odd\nline\ttab\" (id integer primary key);
             create table \"evil\u{202e}txt.exe\" (id integer primary key,
                 \"a<b&c>\" integer references cyc1 (id));
             create table \"zw\u{200b}sp\" (id integer primary key, \"列\" integer unique);",
        )
        .expect("seed sqlite file");
    path
}

#[test]
fn composite_keys_cycles_and_odd_names_read_one_way_everywhere() {
    let db = odd_sqlite();
    let erd = || glance().arg("-d").arg(db.as_os_str()).arg("erd");
    let comp = erd().arg("comp*").run();
    comp.success()
        .stdout_has("│ PK    id   │ ┌─▶│ PK a ")
        .stdout_has("│ FK(1) pa   ├─┘")
        .stdout_has("│ FK(1) pb   │");
    assert_eq!(
        comp.stdout.matches('▶').count(),
        1,
        "one arrow per key: {comp}"
    );
    erd()
        .args(["comp*"])
        .env("COLUMNS", "20")
        .run()
        .success()
        .stdout_has("│ FK(1) pa → comp_parent(a) │")
        .stdout_has("│ FK(1) pb → comp_parent(b) │");
    let cycle = erd().arg("cyc*").run();
    cycle.success();
    assert!(!cycle.stdout.contains("┬┬"), "{cycle}");
    assert_eq!(cycle.stdout.matches(['▶', '◀']).count(), 2, "{cycle}");

    let all = erd().env("COLUMNS", "300").run();
    all.success()
        .stdout_has("│ odd\\nline\\ttab │")
        .stdout_has("│ \"evil\\u{202e}txt.exe\" │")
        .stdout_has("│ zw\\u{200b}sp │");
    let ascii = erd().arg("zw*").env("LANG", "C").run();
    ascii.success().stdout_has("| UK \\u{5217}  |");
    assert!(ascii.stdout.is_ascii(), "{ascii}");

    let dir = harness::scratch_dir("erd-odd-out");
    let (svg, mmd) = (dir.join("odd.svg"), dir.join("odd.mmd"));
    for file in [&svg, &mmd] {
        erd().arg("--out").arg(file.as_os_str()).run().success();
    }
    let image = std::fs::read_to_string(&svg).unwrap();
    roxmltree::Document::parse(&image).expect("well-formed SVG");
    assert!(image.contains(">odd\\nline\\ttab<"), "{image}");
    let mermaid = std::fs::read_to_string(&mmd).unwrap();
    assert!(mermaid.contains("[\"main.odd\\nline\\ttab\"]"), "{mermaid}");
    assert!(mermaid.contains("INTEGER column UK \"列\""), "{mermaid}");
    assert!(mermaid.contains("a#60;b#38;c#62;"), "{mermaid}");
    assert!(
        mermaid.contains("main__comp_child }o--|| main__comp_parent : \"pa, pb\""),
        "{mermaid}"
    );
    assert!(
        mermaid.contains("main__cyc1 }o--|| main__cyc2 : \"c2\""),
        "{mermaid}"
    );
    for text in [&image, &mermaid] {
        assert!(!text.contains(['\u{202e}', '\u{200b}', '\t']), "{text}");
    }
}

#[test]
fn a_second_out_is_refused() {
    let dir = harness::scratch_dir("erd-two-outs");
    let (q, r) = (dir.join("q.svg"), dir.join("r.svg"));
    glance()
        .args(["--demo", "erd", "--out"])
        .arg(q.as_os_str())
        .arg("--out")
        .arg(r.as_os_str())
        .run()
        .code(2)
        .stderr_has("'--out <FILE>' cannot be used multiple times");
    glance()
        .args(["--demo", "repl"])
        .stdin(format!(
            "\\erd cat* --out {} --out {}\n",
            q.display(),
            r.display()
        ))
        .run()
        .success()
        .stderr_has("\\erd writes one file: give --out once");
    assert!(!q.exists() && !r.exists());
}
