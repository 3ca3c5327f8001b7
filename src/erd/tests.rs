use super::layout::{self, Layout};
use super::*;
use crate::catalog::{Catalog, Key, Relation};
use crate::testing::{column, fk, relation};

/// A table `name` with an `id` primary key and a column per foreign key
/// `(column, referenced table)`.
fn table(name: &str, refs: &[(&str, &str)]) -> Relation {
    let mut columns = vec![column("id", "integer", false)];
    columns.extend(refs.iter().map(|(c, _)| column(c, "integer", true)));
    let mut r = relation("public", name, columns);
    r.primary_key = Some(Key {
        name: format!("{name}_pkey"),
        columns: vec!["id".into()],
    });
    r.foreign_keys = refs
        .iter()
        .map(|(c, t)| fk(&[c], "public", t, &["id"]))
        .collect();
    r
}

fn diagram_of(tables: &[Relation]) -> Diagram {
    let refs: Vec<&Relation> = tables.iter().collect();
    Diagram::new(&refs, tables)
}

fn placed(d: &Diagram) -> Layout {
    let lines = text::box_lines(d, false, false);
    layout::place(&lines, &text::edges(d))
}

/// No two boxes share a cell, no arrow runs through a box (but for the
/// border cell it leaves from), and every link has its arrow.
fn assert_sound(d: &Diagram, l: &Layout) {
    for (i, a) in l.boxes.iter().enumerate() {
        for b in &l.boxes[i + 1..] {
            let apart = a.x + a.width <= b.x
                || b.x + b.width <= a.x
                || a.y + a.height <= b.y
                || b.y + b.height <= a.y;
            assert!(apart, "boxes overlap: {a:?} {b:?}");
        }
    }
    assert_eq!(l.arrows.len(), d.links.len(), "every foreign key an arrow");
    // No two arrows run along the same cells the same way.
    let mut runs = std::collections::HashMap::new();
    for arrow in &l.arrows {
        for p in arrow.points.windows(2) {
            let ((x1, y1), (x2, y2)) = (p[0], p[1]);
            let cells: Vec<(usize, usize, bool)> = if y1 == y2 {
                (x1.min(x2)..x1.max(x2)).map(|x| (x, y1, true)).collect()
            } else {
                (y1.min(y2)..y1.max(y2)).map(|y| (x1, y, false)).collect()
            };
            for cell in cells {
                if let Some(other) = runs.insert(cell, arrow.link) {
                    assert_eq!(other, arrow.link, "arrows run together at {cell:?}");
                }
            }
        }
    }
    for arrow in &l.arrows {
        let cells: Vec<(usize, usize)> = arrow
            .points
            .windows(2)
            .flat_map(|p| {
                let ((x1, y1), (x2, y2)) = (p[0], p[1]);
                assert!(x1 == x2 || y1 == y2, "orthogonal: {:?}", arrow.points);
                let xs = x1.min(x2)..=x1.max(x2);
                let ys = y1.min(y2)..=y1.max(y2);
                xs.flat_map(move |x| ys.clone().map(move |y| (x, y)))
            })
            .collect();
        for &(x, y) in cells.iter().filter(|&&c| c != arrow.points[0]) {
            assert!(x < l.width && y < l.height, "inside the drawing");
            for b in &l.boxes {
                let inside = x >= b.x && x < b.x + b.width && y >= b.y && y < b.y + b.height;
                assert!(!inside, "arrow {:?} runs through {b:?}", arrow.points);
            }
        }
        let link = &d.links[arrow.link];
        let (&(hx, hy), target) = (arrow.points.last().unwrap(), l.boxes[link.to]);
        let beside = if arrow.leftward {
            hx == target.x + target.width
        } else {
            hx + 1 == target.x
        };
        assert!(beside && hy > target.y && hy < target.y + target.height - 1);
    }
}

#[test]
fn references_point_one_way_and_every_key_is_an_arrow() {
    let d = diagram_of(&[
        table("a", &[("b_id", "b"), ("c_id", "c")]),
        table("b", &[("c_id", "c")]),
        table("c", &[]),
        table("lonely", &[]),
    ]);
    let l = placed(&d);
    assert_sound(&d, &l);
    let x = |name: &str| l.boxes[d.tables.iter().position(|t| t.name == name).unwrap()].x;
    assert!(x("a") < x("b") && x("b") < x("c"), "{l:?}");
    assert!(l.arrows.iter().all(|a| !a.leftward));
    let drawn = text::draw(&d, 200, false);
    assert_eq!(drawn.matches('▶').count(), 3, "{drawn}");
    assert!(drawn.contains('┼') || drawn.contains("┌"), "{drawn}");
}

#[test]
fn a_self_reference_loops_back_into_its_box() {
    let d = diagram_of(&[table("staff", &[("manager_id", "staff")])]);
    let l = placed(&d);
    assert_sound(&d, &l);
    let drawn = text::draw(&d, 80, false);
    assert!(drawn.contains('◀'), "{drawn}");
    assert_eq!(
        drawn,
        "\
┌───────────────┐
│ staff         │
├───────────────┤
│ PK id         │◀┐
│ FK manager_id ├─┘
└───────────────┘
"
    );
}

#[test]
fn a_cycle_runs_one_arrow_back() {
    let d = diagram_of(&[
        table("a", &[("b_id", "b")]),
        table("b", &[("c_id", "c")]),
        table("c", &[("a_id", "a")]),
    ]);
    let l = placed(&d);
    assert_sound(&d, &l);
    assert_eq!(l.arrows.iter().filter(|a| a.leftward).count(), 1);
    let ascii = text::draw(&d, 200, true);
    assert!(ascii.is_ascii(), "{ascii}");
    assert_eq!(ascii.matches('>').count(), 2, "{ascii}");
    assert_eq!(ascii.matches('<').count(), 1, "{ascii}");
}

#[test]
fn references_outside_are_named_and_too_wide_flows_into_rows() {
    let d = diagram_of(&[table("a", &[("x_id", "x"), ("b_id", "b")]), table("b", &[])]);
    assert_eq!(d.links.len(), 1);
    let drawn = text::draw(&d, 200, false);
    assert!(drawn.contains("FK x_id → x"), "{drawn}");
    assert!(!drawn.contains("→ b"), "{drawn}");
    let narrow = text::draw(&d, 20, false);
    assert!(
        narrow.starts_with("The arrows do not fit in 20 columns"),
        "{narrow}"
    );
    assert!(narrow.contains("FK b_id → b"), "{narrow}");
    assert!(!narrow.contains('▶'), "{narrow}");
}

#[test]
fn many_tables_and_many_links_stay_apart() {
    let tables: Vec<Relation> = (0..25)
        .map(|i| {
            let refs: Vec<(String, String)> = [i / 2, i / 3, (i * 7) % 25]
                .iter()
                .filter(|&&j| j != i)
                .map(|j| (format!("t{j}_id"), format!("t{j}")))
                .collect();
            let refs: Vec<(&str, &str)> =
                refs.iter().map(|(c, t)| (c.as_str(), t.as_str())).collect();
            table(&format!("t{i}"), &refs)
        })
        .collect();
    let d = diagram_of(&tables);
    let l = placed(&d);
    assert_sound(&d, &l);
    assert!(
        d.tables.len() > MAX_DRAWN,
        "the front ends refuse this many"
    );
    let svg = svg::draw(&d);
    assert_eq!(svg.matches("marker-end").count(), d.links.len());
}

#[test]
fn names_are_shown_alike_on_the_terminal_and_in_svg() {
    let d = diagram_of(&[table("a<&>\u{1b}[31m\n\tz\u{202e}\u{200b}", &[])]);
    let drawn = text::draw(&d, 80, false);
    let shown = "a<&>\\x1b[31m\\n\\tz\\u{202e}\\u{200b}";
    assert!(drawn.contains(&format!("│ {shown} │")), "{drawn}");
    let svg = svg::draw(&d);
    assert!(
        svg.contains("a&lt;&amp;&gt;\\x1b[31m\\n\\tz\\u{202e}\\u{200b}<"),
        "{svg}"
    );
    assert!(
        !svg.contains(['\u{1b}', '\u{202e}', '\u{200b}', '\t']),
        "{svg}"
    );
    assert_eq!(svg, svg::draw(&d), "deterministic");
}

#[test]
fn ascii_shows_other_characters_escaped_and_crossings_apart_from_corners() {
    let d = diagram_of(&[table("列é", &[])]);
    let ascii = text::draw(&d, 80, true);
    assert!(ascii.is_ascii(), "{ascii}");
    assert!(ascii.contains("| \\u{5217}\\u{e9} |"), "{ascii}");
    let widths: Vec<usize> = ascii.lines().map(str::len).collect();
    assert!(widths.iter().all(|&w| w == widths[0]), "{ascii}");
    let d = diagram_of(&[
        table("a", &[("b_id", "b"), ("c_id", "c")]),
        table("b", &[("c_id", "c")]),
        table("c", &[]),
    ]);
    let unicode = text::draw(&d, 200, false);
    let ascii = text::draw(&d, 200, true);
    let mut crossings = 0;
    for (u, a) in unicode.lines().zip(ascii.lines()) {
        for (cu, ca) in u.chars().zip(a.chars()) {
            if cu == '┼' {
                crossings += 1;
                assert_eq!(ca, '|', "a crossing is the upright line: {unicode}{ascii}");
            }
        }
    }
    assert!(crossings > 0, "{unicode}");
}

#[test]
fn a_composite_key_is_one_arrow_onto_the_referenced_column() {
    let mut parent = relation(
        "public",
        "parent",
        vec![column("a", "integer", false), column("b", "integer", false)],
    );
    parent.primary_key = Some(Key {
        name: "parent_pkey".into(),
        columns: vec!["a".into(), "b".into()],
    });
    let mut child = table("child", &[]);
    child.columns.push(column("pa", "integer", true));
    child.columns.push(column("pb", "integer", true));
    child.foreign_keys = vec![fk(&["pa", "pb"], "public", "parent", &["a", "b"])];
    let d = diagram_of(&[child, parent]);
    assert_eq!(d.links.len(), 1, "one arrow per foreign key");
    assert_eq!(
        d.json()["tables"][0]["key_columns"][1]["keys"],
        serde_json::json!(["FK"])
    );
    assert_eq!((d.links[0].key, d.links[0].target_key), (1, Some(0)));
    let drawn = text::draw(&d, 200, false);
    assert_eq!(
        drawn,
        "\
┌──────────┐    ┌────────┐
│ child    │    │ parent │
├──────────┤    ├────────┤
│ PK    id │ ┌─▶│ PK a   │
│ FK(1) pa ├─┘  │ PK b   │
│ FK(1) pb │    └────────┘
└──────────┘
"
    );
    let listed = text::draw(&d, 20, false);
    assert!(listed.contains("│ FK(1) pa → parent(a) │"), "{listed}");
    assert!(listed.contains("│ FK(1) pb → parent(b) │"), "{listed}");
}

#[test]
fn a_two_table_cycle_draws_two_arrows_apart() {
    let d = diagram_of(&[
        table("cyc1", &[("c2", "cyc2")]),
        table("cyc2", &[("c1", "cyc1")]),
    ]);
    let l = placed(&d);
    assert_sound(&d, &l);
    let rows: Vec<usize> = l
        .arrows
        .iter()
        .map(|a| a.points.last().unwrap().1)
        .collect();
    assert_ne!(rows[0], rows[1], "the heads on rows of their own: {l:?}");
    let drawn = text::draw(&d, 80, false);
    assert!(!drawn.contains("┬┬") && !drawn.contains("┴┴"), "{drawn}");
    assert_eq!(
        drawn.matches('▶').count() + drawn.matches('◀').count(),
        2,
        "{drawn}"
    );
}

#[test]
fn names_with_dots_or_quotes_are_quoted_and_the_schema_shown_when_ambiguous() {
    let mut t = relation("s.x", "t.y", vec![column("id", "integer", false)]);
    t.primary_key = Some(Key {
        name: "k".into(),
        columns: vec!["id".into()],
    });
    let mut r = relation("public", "r", vec![column("x", "integer", true)]);
    r.foreign_keys = vec![fk(&["x"], "s.x", "t.y", &["id"])];
    let d = diagram_of(&[r]);
    assert_eq!(d.tables[0].keys[0].references[0].title, "\"s.x\".\"t.y\"");
    assert_eq!(quoted("say \"hi\""), "\"say \"\"hi\"\"\"");
    let (sales, public) = (table("orders", &[]), {
        let mut o = table("orders", &[]);
        o.schema = "archive".into();
        o
    });
    let one = Diagram::new(&[&sales], &[sales.clone(), public]);
    assert_eq!(one.tables[0].title, "public.orders");
    let alone = Diagram::new(&[&sales], std::slice::from_ref(&sales));
    assert_eq!(alone.tables[0].title, "orders");
}

#[test]
fn json_lists_tables_keys_and_links() {
    let d = diagram_of(&[table("a", &[("b_id", "b")]), table("b", &[])]);
    let json = d.json();
    assert_eq!(json["tables"][0]["key_columns"][1]["keys"][0], "FK");
    assert_eq!(json["foreign_keys"][0]["to"]["table"], "b");
}

/// The demo's shop, read back from SQLite as `--demo` does.
fn demo_diagram() -> Diagram {
    use crate::db::Backend;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.sqlite");
    rusqlite::Connection::open(&path)
        .unwrap()
        .execute_batch(crate::demo::SCHEMA)
        .unwrap();
    let mut db = crate::db::sqlite::SqliteBackend::open(&path).unwrap();
    let catalog: Catalog = db.introspect().unwrap();
    let tables = crate::describe::listed(&catalog, &KINDS, None);
    Diagram::new(&tables, &catalog.relations)
}

#[test]
fn the_demo_at_two_widths() {
    let d = demo_diagram();
    let wide = text::draw(&d, 100, false);
    assert_eq!(wide, include_str!("golden/demo_wide.txt"), "\n{wide}");
    let narrow = text::draw(&d, 60, false);
    assert_eq!(narrow, include_str!("golden/demo_narrow.txt"), "\n{narrow}");
}

#[test]
fn options_take_a_pattern_and_an_out_file() {
    let parsed = Options::parse("\"My Table\" --out x.svg!").unwrap();
    assert_eq!(parsed.pattern.as_deref(), Some("\"My Table\""));
    assert_eq!(parsed.out.as_deref(), Some("x.svg"));
    assert!(parsed.overwrite);
    let parsed = Options::parse("-o x.mmd sales.*").unwrap();
    assert_eq!(
        (parsed.pattern.as_deref(), parsed.out.as_deref()),
        (Some("sales.*"), Some("x.mmd"))
    );
    assert_eq!(
        Options::parse("--out=y.md").unwrap().out.as_deref(),
        Some("y.md")
    );
    assert!(Options::parse("a b").unwrap_err().contains("one pattern"));
    assert!(
        Options::parse("--out")
            .unwrap_err()
            .contains("needs a file")
    );
    assert!(
        Options::parse("a --out q.svg --out r.svg")
            .unwrap_err()
            .contains("give --out once")
    );
    assert!(
        Options::parse("--x")
            .unwrap_err()
            .contains("unknown option")
    );
    assert_eq!(FileForm::of("a.MMD"), Ok(FileForm::Mermaid));
    assert_eq!(FileForm::of("a.md"), Ok(FileForm::MermaidMarkdown));
    assert_eq!(FileForm::of("a.svg"), Ok(FileForm::Svg));
    assert!(FileForm::of("a.png").unwrap_err().contains(".mmd or .md"));
}

#[test]
fn a_narrower_pattern_names_a_schema_or_a_prefix() {
    let named = |names: &[(&str, &str)]| {
        let tables: Vec<Relation> = names.iter().map(|(s, n)| relation(s, n, vec![])).collect();
        narrower(&tables.iter().collect::<Vec<_>>())
    };
    let mut many: Vec<(&str, &str)> = vec![("public", "order_a"), ("public", "order_b")];
    many.extend(std::iter::repeat_n(("public", "x"), 30));
    assert_eq!(named(&many).as_deref(), Some("order_*"));
    let mut schemas = vec![("sales", "a"), ("sales", "b")];
    schemas.extend(std::iter::repeat_n(("hr", "x"), 30));
    assert_eq!(named(&schemas).as_deref(), Some("sales.*"));
    assert_eq!(named(&[("public", "x"), ("public", "y")]), None);
}

#[test]
fn partitions_stand_behind_their_partitioned_table() {
    let mut parent = table("payment", &[]);
    parent.kind = crate::catalog::RelationKind::PartitionedTable;
    let (part, plain) = (table("payment_p1", &[]), table("other", &[]));
    let mut catalog = Catalog {
        relations: vec![parent.clone(), part.clone(), plain.clone()],
        ..Default::default()
    };
    catalog.code.children.push(crate::catalog::Child {
        schema: "public".into(),
        table: "payment".into(),
        child_schema: "public".into(),
        child: "payment_p1".into(),
    });
    assert!(is_partition(&catalog, &part));
    assert!(!is_partition(&catalog, &parent) && !is_partition(&catalog, &plain));
}
