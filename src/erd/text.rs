//! A diagram drawn as terminal text: boxes and arrows in box-drawing
//! characters (`┌─┐`, `▶`, `┼` where arrows cross), or ASCII (`+-|>`,
//! a crossing drawn as the upright line running through, `-|-`, so it is
//! not read as a corner) for a terminal that is not UTF-8. Names pass
//! through `escape::visible_name` (newline and tab shown as `\n`, `\t`; in
//! ASCII every non-ASCII character as `\u{…}`). Pure.
//!
//! When the arrows do not fit the width, the boxes are flowed into rows
//! instead and each foreign key column names the table it references, so
//! nothing is cut.

use unicode_width::UnicodeWidthChar;

use super::Diagram;
use super::layout::{self, Edge, Layout};
use crate::escape;

/// The diagram in at most `width` columns (a single box wider than that
/// still stands whole), box-drawing characters unless `ascii`.
pub fn draw(diagram: &Diagram, width: usize, ascii: bool) -> String {
    let lines = box_lines(diagram, ascii, false);
    let placed = layout::place(&lines, &edges(diagram));
    if placed.width <= width {
        return render(&placed, &lines, ascii);
    }
    let lines = box_lines(diagram, ascii, true);
    let flowed = layout::flow(&lines, width);
    format!(
        "The arrows do not fit in {width} columns, so each foreign key names the table it\n\
         references (a narrower pattern or a wider terminal draws them).\n\n{}",
        render(&flowed, &lines, ascii)
    )
}

/// The layout's edges: one per link.
pub(super) fn edges(diagram: &Diagram) -> Vec<Edge> {
    diagram
        .links
        .iter()
        .map(|l| Edge {
            from: l.from,
            to: l.to,
            line: l.key,
            target_line: l.target_key,
        })
        .collect()
}

/// Each box's lines: the title, then a line per key column (its marks,
/// its name, and the tables it references that no arrow points at; with
/// `every_reference`, all of them; for a column of a key of several
/// columns, with the column it pairs with: `→ table(column)`).
pub(super) fn box_lines(diagram: &Diagram, ascii: bool, every_reference: bool) -> Vec<Vec<String>> {
    lines_with(
        diagram,
        if ascii { "->" } else { "→" },
        every_reference,
        |s| escape::visible_name(s, ascii).into_owned(),
    )
}

/// [`box_lines`] with the arrow word and how names are shown given.
pub(super) fn lines_with(
    diagram: &Diagram,
    arrow: &str,
    every_reference: bool,
    shown: impl Fn(&str) -> String,
) -> Vec<Vec<String>> {
    diagram
        .tables
        .iter()
        .map(|t| {
            let marks_width = t.keys.iter().map(|k| k.marks.len()).max().unwrap_or(0);
            let mut lines = vec![shown(&t.title)];
            for k in &t.keys {
                let mut line = format!("{:<marks_width$} {}", k.marks, shown(&k.name));
                for r in k.references.iter().filter(|r| every_reference || !r.drawn) {
                    line.push_str(&format!(" {arrow} {}", shown(&r.title)));
                    if let Some(column) = &r.column {
                        line.push_str(&format!("({})", shown(&super::quoted(column))));
                    }
                }
                lines.push(line);
            }
            lines
        })
        .collect()
}

const NORTH: u8 = 1;
const EAST: u8 = 2;
const SOUTH: u8 = 4;
const WEST: u8 = 8;

/// Draws `placed` with each box's `lines` into text, trailing blanks cut.
fn render(placed: &Layout, lines: &[Vec<String>], ascii: bool) -> String {
    // `None` is the second cell of a wide character.
    let mut cells: Vec<Vec<Option<char>>> = vec![vec![Some(' '); placed.width]; placed.height];
    let mut lines_mask = vec![vec![0u8; placed.width]; placed.height];
    let mut in_box = vec![vec![false; placed.width]; placed.height];
    let (h, v, corners) = if ascii {
        ('-', '|', ['+'; 6])
    } else {
        ('─', '│', ['┌', '┐', '└', '┘', '├', '┤'])
    };
    for (b, text) in placed.boxes.iter().zip(lines) {
        let (right, bottom) = (b.x + b.width - 1, b.y + b.height - 1);
        for y in b.y..=bottom {
            for x in b.x..=right {
                in_box[y][x] = true;
                let edge_row = y == b.y || y == bottom || (y == b.y + 2 && b.height > 3);
                cells[y][x] = Some(match (x == b.x, x == right, edge_row) {
                    (true, _, _) if y == b.y => corners[0],
                    (_, true, _) if y == b.y => corners[1],
                    (true, _, _) if y == bottom => corners[2],
                    (_, true, _) if y == bottom => corners[3],
                    (true, _, true) => corners[4],
                    (_, true, true) => corners[5],
                    (true, _, false) | (_, true, false) => v,
                    (false, false, true) => h,
                    _ => ' ',
                });
            }
        }
        for (i, line) in text.iter().enumerate() {
            let y = b.y + if i == 0 { 1 } else { i + 2 };
            let mut x = b.x + 2;
            for c in line.chars() {
                let w = c.width().unwrap_or(0);
                if w == 0 {
                    continue;
                }
                cells[y][x] = Some(c);
                if w == 2 {
                    cells[y][x + 1] = None;
                }
                x += w;
            }
        }
    }
    for arrow in &placed.arrows {
        for pair in arrow.points.windows(2) {
            let ((x1, y1), (x2, y2)) = (pair[0], pair[1]);
            if y1 == y2 {
                let (a, b) = (x1.min(x2), x1.max(x2));
                for (x, mask) in lines_mask[y1].iter_mut().enumerate().take(b + 1).skip(a) {
                    *mask |= if x > a { WEST } else { 0 } | if x < b { EAST } else { 0 };
                }
            } else {
                let (a, b) = (y1.min(y2), y1.max(y2));
                for (y, row) in lines_mask.iter_mut().enumerate().take(b + 1).skip(a) {
                    row[x1] |= if y > a { NORTH } else { 0 } | if y < b { SOUTH } else { 0 };
                }
            }
        }
        let (bx, by) = arrow.points[0];
        let leaves_right = arrow.points.get(1).is_some_and(|&(x, _)| x > bx);
        cells[by][bx] = Some(match (ascii, leaves_right) {
            (true, _) => '+',
            (false, true) => '├',
            (false, false) => '┤',
        });
    }
    for (y, row) in lines_mask.iter().enumerate() {
        for (x, &mask) in row.iter().enumerate() {
            if mask != 0 && !in_box[y][x] {
                cells[y][x] = Some(line_char(mask, ascii));
            }
        }
    }
    for arrow in &placed.arrows {
        if let Some(&(x, y)) = arrow.points.last() {
            cells[y][x] = Some(match (ascii, arrow.leftward) {
                (true, false) => '>',
                (true, true) => '<',
                (false, false) => '▶',
                (false, true) => '◀',
            });
        }
    }
    let mut out = String::new();
    for row in cells {
        let line: String = row.into_iter().flatten().collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The character for a cell where lines run out to the sides in `mask`.
fn line_char(mask: u8, ascii: bool) -> char {
    let straight = |m: u8| m & !(EAST | WEST) == 0 || m & !(NORTH | SOUTH) == 0;
    if ascii {
        return match mask {
            m if m & (NORTH | SOUTH) == 0 => '-',
            m if m & (EAST | WEST) == 0 => '|',
            m if m == NORTH | SOUTH | EAST | WEST => '|',
            _ => '+',
        };
    }
    match mask {
        m if straight(m) && m & (NORTH | SOUTH) == 0 => '─',
        m if straight(m) => '│',
        m if m == EAST | SOUTH => '┌',
        m if m == WEST | SOUTH => '┐',
        m if m == EAST | NORTH => '└',
        m if m == WEST | NORTH => '┘',
        m if m == NORTH | SOUTH | EAST => '├',
        m if m == NORTH | SOUTH | WEST => '┤',
        m if m == EAST | WEST | SOUTH => '┬',
        m if m == EAST | WEST | NORTH => '┴',
        _ => '┼',
    }
}
