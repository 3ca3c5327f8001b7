//! Where a diagram's boxes go and how its arrows run, in character cells.
//! Pure.
//!
//! Boxes stand in columns by foreign-key depth: tables that reference
//! nothing on the right, each referencing table left of everything it
//! references, so most arrows run left to right. A foreign key that closes
//! a cycle runs right to left; one to its own table loops out of the box's
//! right side and back. Arrows are orthogonal: out of the box's side into
//! the gutter between two columns, along a lane of their own in that
//! gutter, into the next column's box; an arrow between columns further
//! apart climbs to a band of rows above the boxes, runs along its own row
//! there and comes down the gutter beside its target.

use unicode_width::UnicodeWidthStr;

/// A drawn diagram's cells: its size, boxes and arrows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub width: usize,
    pub height: usize,
    pub boxes: Vec<Placed>,
    pub arrows: Vec<Arrow>,
}

/// A box: its top-left cell and size. Row 1 holds the title; when the box
/// has a body, row 2 is a rule and rows 3… the body's lines.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    pub x: usize,
    pub y: usize,
    pub width: usize,
    pub height: usize,
}

/// A foreign key's arrow: `points` are the corners of its path, the first
/// the source box's border cell it leaves from, the last its head, the cell
/// beside the target box; `leftward` when the head points left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arrow {
    pub link: usize,
    pub points: Vec<(usize, usize)>,
    pub leftward: bool,
}

/// A foreign key to lay out: `from` references `to` (box indexes), leaving
/// `from` beside its body line `line` and entering `to` beside its body
/// line `target_line` (the referenced column's) when given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
    pub from: usize,
    pub to: usize,
    pub line: usize,
    pub target_line: Option<usize>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// How one edge runs: its sides and gutters, and after placement its rows
/// and lanes.
struct Route {
    exit: Side,
    entry: Side,
    exit_gutter: usize,
    entry_gutter: usize,
    band: Option<usize>,
    exit_row: usize,
    entry_row: usize,
}

/// Blank cells between a gutter's edge and its first lane.
const GUTTER_MARGIN: usize = 1;
/// A gutter's width beyond its lanes: the margin, and a cell of line and
/// the arrow's head before the next column.
const GUTTER_EXTRA: usize = GUTTER_MARGIN + 2;

/// Lays out boxes holding `lines` (each box's title first, then its body)
/// with arrows for `edges`.
pub fn place(lines: &[Vec<String>], edges: &[Edge]) -> Layout {
    let n = lines.len();
    let column = columns(n, edges);
    let columns_count = column.iter().max().map_or(0, |c| c + 1);
    let order = order_in_columns(&column, columns_count, edges);
    let mut routes: Vec<Route> = edges
        .iter()
        .map(|e| {
            let (exit, entry) = match column[e.from].cmp(&column[e.to]) {
                std::cmp::Ordering::Less => (Side::Right, Side::Left),
                std::cmp::Ordering::Greater => (Side::Left, Side::Right),
                std::cmp::Ordering::Equal => (Side::Right, Side::Right),
            };
            let gutter = |side, c: usize| if side == Side::Right { c + 1 } else { c };
            Route {
                exit,
                entry,
                exit_gutter: gutter(exit, column[e.from]),
                entry_gutter: gutter(entry, column[e.to]),
                band: None,
                exit_row: 0,
                entry_row: 0,
            }
        })
        .collect();
    let mut bands = 0;
    for route in routes.iter_mut() {
        if route.exit_gutter != route.entry_gutter {
            route.band = Some(bands);
            bands += 1;
        }
    }
    // Body lines each box needs: its own, and a row per arrow on a side.
    let mut body: Vec<usize> = lines.iter().map(|l| l.len().saturating_sub(1)).collect();
    let mut ends = vec![[0usize; 2]; n];
    for (e, r) in edges.iter().zip(&routes) {
        ends[e.from][r.exit as usize] += 1;
        ends[e.to][r.entry as usize] += 1;
    }
    for (b, sides) in body.iter_mut().zip(&ends) {
        *b = (*b).max(sides.iter().max().unwrap_or(&0).saturating_sub(1));
    }
    let mut boxes: Vec<Placed> = (0..n)
        .map(|i| Placed {
            x: 0,
            y: 0,
            width: lines[i].iter().map(|l| l.width()).max().unwrap_or(0) + 4,
            height: if body[i] == 0 { 3 } else { body[i] + 4 },
        })
        .collect();
    let top = if bands == 0 { 0 } else { bands + 1 };
    let mut height = 0;
    for members in &order {
        let mut y = top;
        for &i in members {
            boxes[i].y = y;
            y += boxes[i].height + 1;
        }
        height = height.max(y.saturating_sub(1));
    }
    assign_rows(&boxes, edges, &mut routes);
    // Lanes: each edge gets its own in every gutter it runs along.
    let mut lanes: Vec<Vec<Lane>> = vec![Vec::new(); columns_count + 1];
    for (i, (e, r)) in edges.iter().zip(&routes).enumerate() {
        let exit = (boxes[e.from].y + r.exit_row, r.exit == Side::Left);
        let entry = (boxes[e.to].y + r.entry_row, r.entry == Side::Left);
        match r.band {
            None => lanes[r.exit_gutter].push(Lane::new(i, &[exit, entry])),
            Some(band) => {
                let rightward = r.entry_gutter > r.exit_gutter;
                lanes[r.exit_gutter].push(Lane::new(i, &[exit, (band, rightward)]));
                let back = (band, !rightward);
                lanes[r.entry_gutter].push(Lane::new(i + edges.len(), &[entry, back]));
            }
        }
    }
    for gutter in &mut lanes {
        fewer_crossings(gutter);
    }
    let gutter_width = |g: usize| match lanes[g].len() {
        0 if g == 0 || g == columns_count => 0,
        used => used + GUTTER_EXTRA,
    };
    let mut x = 0;
    let mut gutter_x = Vec::new();
    for (c, members) in order.iter().enumerate() {
        gutter_x.push(x);
        x += gutter_width(c);
        let width = members.iter().map(|&i| boxes[i].width).max().unwrap_or(0);
        for &i in members {
            boxes[i].x = x;
        }
        x += width;
    }
    gutter_x.push(x);
    let width = x + gutter_width(columns_count);
    let lane_x = |g: usize, key: usize| {
        let slot = lanes[g].iter().position(|l| l.key == key).unwrap_or(0);
        gutter_x[g] + GUTTER_MARGIN + slot
    };
    let arrows = edges
        .iter()
        .zip(&routes)
        .enumerate()
        .map(|(i, (e, r))| {
            let (from, to) = (boxes[e.from], boxes[e.to]);
            let border = match r.exit {
                Side::Right => from.x + from.width - 1,
                Side::Left => from.x,
            };
            let head = match r.entry {
                Side::Left => to.x - 1,
                Side::Right => to.x + to.width,
            };
            let (ey, ty) = (from.y + r.exit_row, to.y + r.entry_row);
            let first = lane_x(r.exit_gutter, i);
            let mut points = vec![(border, ey), (first, ey)];
            if let Some(band) = r.band {
                let second = lane_x(r.entry_gutter, i + edges.len());
                points.extend([(first, band), (second, band), (second, ty)]);
            } else {
                points.push((first, ty));
            }
            points.push((head, ty));
            points.dedup();
            Arrow {
                link: i,
                points,
                leftward: r.entry == Side::Right,
            }
        })
        .collect();
    Layout {
        width,
        height,
        boxes,
        arrows,
    }
}

/// An edge's use of a gutter: the rows its lane spans and the lines that
/// leave the lane, each at a row, to the right or to the left.
#[derive(Clone)]
struct Lane {
    key: usize,
    top: usize,
    bottom: usize,
    branches: Vec<(usize, bool)>,
}

impl Lane {
    fn new(key: usize, branches: &[(usize, bool)]) -> Lane {
        let rows = branches.iter().map(|&(row, _)| row);
        Lane {
            key,
            top: rows.clone().min().unwrap_or(0),
            bottom: rows.max().unwrap_or(0),
            branches: branches.to_vec(),
        }
    }

    /// How often lines cross when this lane stands left of `right`: a line
    /// of this one running right over the other's span, and the other's
    /// running left over this one's. Two lines on one row running towards
    /// each other would read as one: that counts as many crossings.
    fn crossings(&self, right: &Lane) -> usize {
        const MERGED: usize = 100;
        let over = |lane: &Lane, row: usize| row >= lane.top && row <= lane.bottom;
        let mut count = 0;
        for &(row, rightward) in &self.branches {
            if rightward && right.branches.contains(&(row, false)) {
                count += MERGED;
            } else if rightward && over(right, row) {
                count += 1;
            }
        }
        let theirs = right
            .branches
            .iter()
            .filter(|&&(row, r)| !r && over(self, row));
        count + theirs.count()
    }
}

/// Orders a gutter's lanes so that fewer lines cross: by the row they
/// end at, then each lane moved to the place where it crosses least, in
/// a few rounds.
fn fewer_crossings(lanes: &mut Vec<Lane>) {
    lanes.sort_by_key(|l| (l.bottom, l.key));
    // What `lane` costs at `slot` among `others`.
    let cost = |others: &[Lane], lane: &Lane, slot: usize| -> usize {
        let left: usize = others[..slot].iter().map(|o| o.crossings(lane)).sum();
        let right: usize = others[slot..].iter().map(|o| lane.crossings(o)).sum();
        left + right
    };
    for _ in 0..3 {
        let mut moved = false;
        for i in 0..lanes.len() {
            let lane = lanes.remove(i);
            let best = (0..=lanes.len())
                .min_by_key(|&slot| (cost(lanes, &lane, slot), slot.abs_diff(i)))
                .unwrap_or(i);
            moved |= best != i;
            lanes.insert(best, lane);
        }
        if !moved {
            break;
        }
    }
}

/// Each box's column: its foreign-key depth counted from the right, so a
/// table stands left of every table it references (a reference that closes
/// a cycle, found depth-first in box order, is left out of the count).
fn columns(n: usize, edges: &[Edge]) -> Vec<usize> {
    let mut refs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for e in edges.iter().filter(|e| e.from != e.to) {
        refs[e.from].push(e.to);
    }
    for r in &mut refs {
        r.sort_unstable();
        r.dedup();
    }
    // Depth-first: 0 unseen, 1 on the path, 2 done; references to a table
    // on the path close a cycle and are dropped.
    fn visit(u: usize, refs: &mut [Vec<usize>], state: &mut [u8]) {
        state[u] = 1;
        let targets = refs[u].clone();
        let mut kept = Vec::new();
        for v in targets {
            match state[v] {
                1 => {}
                0 => {
                    visit(v, refs, state);
                    kept.push(v);
                }
                _ => kept.push(v),
            }
        }
        refs[u] = kept;
        state[u] = 2;
    }
    let mut state = vec![0u8; n];
    for u in 0..n {
        if state[u] == 0 {
            visit(u, &mut refs, &mut state);
        }
    }
    fn depth(u: usize, refs: &[Vec<usize>], memo: &mut [Option<usize>]) -> usize {
        if let Some(d) = memo[u] {
            return d;
        }
        let d = refs[u]
            .iter()
            .map(|&v| depth(v, refs, memo) + 1)
            .max()
            .unwrap_or(0);
        memo[u] = Some(d);
        d
    }
    let mut memo = vec![None; n];
    let depths: Vec<usize> = (0..n).map(|u| depth(u, &refs, &mut memo)).collect();
    let deepest = depths.iter().copied().max().unwrap_or(0);
    depths.iter().map(|d| deepest - d).collect()
}

/// The boxes of each column, top to bottom: in box order, then moved
/// towards the tables they are linked with in the neighbouring column
/// (one sweep each way), so fewer arrows cross.
fn order_in_columns(column: &[usize], count: usize, edges: &[Edge]) -> Vec<Vec<usize>> {
    let mut order: Vec<Vec<usize>> = vec![Vec::new(); count];
    for (i, &c) in column.iter().enumerate() {
        order[c].push(i);
    }
    let sweep = |order: &mut Vec<Vec<usize>>, c: usize, beside: usize| {
        let mut rank = vec![None; column.len()];
        for (r, &i) in order[beside].iter().enumerate() {
            rank[i] = Some(r as f64);
        }
        let keys: Vec<(usize, f64)> = order[c]
            .iter()
            .enumerate()
            .map(|(own, &i)| {
                let near: Vec<f64> = edges
                    .iter()
                    .filter_map(|e| match (e.from == i, e.to == i) {
                        (true, false) => rank[e.to],
                        (false, true) => rank[e.from],
                        _ => None,
                    })
                    .collect();
                let key = match near.len() {
                    0 => own as f64,
                    len => near.iter().sum::<f64>() / len as f64,
                };
                (i, key)
            })
            .collect();
        let mut sorted = keys;
        sorted.sort_by(|a, b| a.1.total_cmp(&b.1));
        order[c] = sorted.into_iter().map(|(i, _)| i).collect();
    };
    for c in 1..count {
        sweep(&mut order, c, c - 1);
    }
    for c in (0..count.saturating_sub(1)).rev() {
        sweep(&mut order, c, c + 1);
    }
    order
}

/// The rows (counted from each box's top) where arrows leave and enter:
/// an arrow leaves beside its key column's line when that row is free on
/// that side, and enters beside the referenced column's line when that
/// row is free, else at the first free row (the title's, then the body's).
/// Entering arrows are taken in the order of the rows they come from (the
/// band's rows above every box), and none enters on a row where another
/// arrow already runs in the same gutter (a two-table cycle's arrows would
/// run into one line).
fn assign_rows(boxes: &[Placed], edges: &[Edge], routes: &mut [Route]) {
    let mut used: Vec<[Vec<usize>; 2]> = vec![[Vec::new(), Vec::new()]; boxes.len()];
    let gutters = routes
        .iter()
        .map(|r| r.exit_gutter.max(r.entry_gutter) + 1)
        .max()
        .unwrap_or(0);
    // The rows where arrows run out of each gutter to a box, and whose.
    let mut gutter_rows: Vec<Vec<(usize, usize)>> = vec![Vec::new(); gutters];
    let free_rows = |b: &Placed| std::iter::once(1).chain(3..b.height.saturating_sub(1));
    for (i, (e, r)) in edges.iter().zip(routes.iter_mut()).enumerate() {
        let b = &boxes[e.from];
        let taken = &mut used[e.from][r.exit as usize];
        let wanted = 3 + e.line;
        r.exit_row = if taken.contains(&wanted) || wanted + 1 >= b.height {
            free_rows(b).find(|row| !taken.contains(row)).unwrap_or(1)
        } else {
            wanted
        };
        taken.push(r.exit_row);
        gutter_rows[r.exit_gutter].push((b.y + r.exit_row, i));
    }
    let mut entering: Vec<usize> = (0..edges.len()).collect();
    // An arrow from the band above comes in from the top.
    entering.sort_by_key(|&i| {
        let from = routes[i]
            .band
            .unwrap_or(boxes[edges[i].from].y + routes[i].exit_row);
        (from, i)
    });
    for i in entering {
        let (e, r) = (&edges[i], &mut routes[i]);
        let b = &boxes[e.to];
        let taken = &mut used[e.to][r.entry as usize];
        let busy = &gutter_rows[r.entry_gutter];
        let wanted = e
            .target_line
            .map(|line| 3 + line)
            .filter(|&row| row + 1 < b.height);
        let candidates = || wanted.into_iter().chain(free_rows(b));
        r.entry_row = candidates()
            .find(|row| {
                let theirs = busy.iter().any(|&(y, other)| y == b.y + row && other != i);
                !taken.contains(row) && !theirs
            })
            .or_else(|| candidates().find(|row| !taken.contains(row)))
            .unwrap_or(1);
        taken.push(r.entry_row);
        gutter_rows[r.entry_gutter].push((b.y + r.entry_row, i));
    }
}

/// Boxes without arrows, left to right in rows no wider than `width` (a
/// box wider than that stands alone in its row): the form a diagram takes
/// when its arrows would not fit.
pub fn flow(lines: &[Vec<String>], width: usize) -> Layout {
    const GAP: usize = 2;
    let mut boxes = Vec::new();
    let (mut x, mut y, mut row_height, mut widest) = (0, 0, 0, 0);
    for box_lines in lines {
        let w = box_lines.iter().map(|l| l.width()).max().unwrap_or(0) + 4;
        let h = if box_lines.len() > 1 {
            box_lines.len() + 3
        } else {
            3
        };
        if x > 0 && x + w > width {
            y += row_height + 1;
            (x, row_height) = (0, 0);
        }
        boxes.push(Placed {
            x,
            y,
            width: w,
            height: h,
        });
        widest = widest.max(x + w);
        x += w + GAP;
        row_height = row_height.max(h);
    }
    Layout {
        width: widest,
        height: y + row_height,
        boxes,
        arrows: Vec::new(),
    }
}
