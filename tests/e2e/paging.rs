//! The pager on big results: rows beyond its memory bound spill to a private
//! temporary file, paging back reads them from it, and nothing is left
//! behind after `q`. `GLANCE_PAGER_MEMORY` makes the bound small.

use std::fs;
use std::path::Path;

use crate::harness::{self, Repl};

/// The rows a page shows, as trimmed cells, from a chunk of screen text.
fn table_rows(screen: &str) -> Vec<Vec<String>> {
    screen
        .lines()
        .filter_map(|line| line.rsplit('\r').next())
        .filter(|line| line.matches('|').count() == 2)
        .map(|line| line.split('|').map(|cell| cell.trim().to_owned()).collect())
        .filter(|cells: &Vec<String>| cells[0] != "g")
        .collect()
}

/// The cells of row `g` of the query below.
fn expected(g: usize) -> Vec<String> {
    let n = if g.is_multiple_of(4) {
        "<null>".to_owned()
    } else {
        g.to_string()
    };
    vec![g.to_string(), format!("{}ü", "é".repeat(g % 7)), n]
}

/// Open descriptors of this user's processes that point into `dir`.
fn open_files_in(dir: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(procs) = fs::read_dir("/proc") else {
        return found;
    };
    for proc in procs.flatten() {
        let Ok(fds) = fs::read_dir(proc.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            if let Ok(target) = fs::read_link(fd.path())
                && target.starts_with(dir)
            {
                found.push(target.display().to_string());
            }
        }
    }
    found
}

/// Sends `keys` and waits for the status line of `page` of `pages`; returns
/// the rows drawn above it.
fn go(repl: &mut Repl, keys: &str, page: usize, pages: usize) -> Vec<Vec<String>> {
    repl.send(keys);
    let screen = repl.expect(&format!("-- page {page} of {pages} · 3,000 rows ·"));
    table_rows(&screen)
}

#[test]
fn paging_to_the_end_and_back_reads_spilled_rows_and_leaves_no_file() {
    let db = harness::db("paging_spill");
    let tmp = harness::scratch_dir("paging_spill_tmp");
    fs::create_dir_all(&tmp).unwrap();
    let tmp = tmp.canonicalize().unwrap();
    let mut repl = harness::pty_with_env(
        ["repl", "-d", db.url()],
        &[
            ("TMPDIR", tmp.display().to_string()),
            // About twenty rows stay in memory; the rest spill.
            ("GLANCE_PAGER_MEMORY", "4096".to_owned()),
        ],
    );
    repl.expect_prompt();
    // 24 lines: 21 rows a page, 3,000 rows in 143 pages.
    repl.send_line(
        "\\sql select g, repeat('é', g % 7) || 'ü' as t, \
         case when g % 4 = 0 then null else g end as n \
         from generate_series(1, 3000) g;",
    );
    repl.expect("-- page 1 of");

    let last = go(&mut repl, "G", 143, 143);
    assert_eq!(last, (2983..=3000).map(expected).collect::<Vec<_>>());
    let open = open_files_in(&tmp);
    assert!(
        open.iter().any(|f| f.ends_with("(deleted)")),
        "the rows spilled to an unlinked file in TMPDIR while paging: {open:?}"
    );

    let first = go(&mut repl, "g", 1, 143);
    assert_eq!(first, (1..=21).map(expected).collect::<Vec<_>>());
    let middle = go(&mut repl, "70\r", 70, 143);
    assert_eq!(middle, (1450..=1470).map(expected).collect::<Vec<_>>());
    let back = go(&mut repl, "b", 69, 143);
    assert_eq!(back, (1429..=1449).map(expected).collect::<Vec<_>>());

    repl.send("q");
    repl.expect("3000 rows");
    repl.expect_prompt();
    let open = open_files_in(&tmp);
    assert!(
        open.is_empty(),
        "the spill file is closed after q: {open:?}"
    );
    let left: Vec<_> = fs::read_dir(&tmp).unwrap().flatten().collect();
    assert!(left.is_empty(), "nothing is left in TMPDIR: {left:?}");
    // The session goes on.
    repl.send_line("\\sql select 'still here' as s;");
    repl.expect("still here");
    repl.expect_prompt();
}
