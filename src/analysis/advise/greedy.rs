//! Which indexes a workload gets, chosen greedily: each round plans every
//! statement with the indexes chosen so far, and with each remaining
//! candidate added; the candidate that saves the most weighted cost (calls
//! × planner cost) per byte of its size is chosen and stays in place for
//! the next round. A candidate saves only on statements whose cost it
//! halves from at least [`MIN_COST`] (the single-statement rule). Selection
//! stops when the best saves less than [`MIN_GAIN`] of what the workload
//! still costs, or at [`MAX_INDEXES`]. A later pick can make an earlier
//! one needless (an index on `(kind, occurred_at)` serves what one on
//! `(occurred_at)` did): each pick the others leave without a saving that
//! meets the same rules is dropped, and every kept pick says what it saves
//! with the others in place. Pure: the planning is a closure.

use super::postgres::{FACTOR, MIN_COST};

/// The most indexes suggested for one workload.
pub const MAX_INDEXES: usize = 5;
/// The least share of the workload's remaining weighted cost a chosen
/// index must save.
pub const MIN_GAIN: f64 = 0.1;

/// The planner's costs in one round.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Round {
    /// Each statement's cost with the chosen indexes.
    pub base: Vec<f64>,
    /// Per candidate tried, each statement's cost with it added; `None`
    /// where it was not planned (the candidate cannot serve the statement).
    pub with: Vec<(usize, Vec<Option<f64>>)>,
}

/// One chosen candidate and what it saves.
#[derive(Clone, Debug, PartialEq)]
pub struct Pick {
    pub candidate: usize,
    /// The statements it helps: index, cost before and after it.
    pub statements: Vec<(usize, f64, f64)>,
    /// Σ calls × (before − after) over those statements.
    pub benefit: f64,
}

/// The chosen candidates in order, and each statement's cost before any
/// and with all of them.
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    pub picks: Vec<Pick>,
    pub before: Vec<f64>,
    pub after: Vec<f64>,
}

/// Σ calls × cost.
pub fn weighted(calls: &[f64], costs: &[f64]) -> f64 {
    calls
        .iter()
        .zip(costs)
        .map(|(calls, cost)| calls * cost)
        .sum()
}

/// What adding a candidate with statement costs `with` saves, over the
/// statements where it meets the per-statement rule.
fn benefit(base: &[f64], calls: &[f64], candidate: usize, with: &[Option<f64>]) -> Pick {
    let statements: Vec<(usize, f64, f64)> = with
        .iter()
        .enumerate()
        .filter_map(|(s, cost)| {
            let (before, after) = (base[s], (*cost)?);
            (before >= MIN_COST && after <= before * FACTOR).then_some((s, before, after))
        })
        .collect();
    let benefit = statements
        .iter()
        .map(|&(s, before, after)| calls[s] * (before - after))
        .sum();
    Pick {
        candidate,
        statements,
        benefit,
    }
}

/// The round's best candidate per byte of `sizes`, when it saves at least
/// [`MIN_GAIN`] of the workload's remaining weighted cost.
pub fn pick(round: &Round, calls: &[f64], sizes: &[i64]) -> Option<Pick> {
    let floor = MIN_GAIN * weighted(calls, &round.base);
    let per_byte = |p: &Pick| p.benefit / sizes[p.candidate].max(1) as f64;
    round
        .with
        .iter()
        .map(|(candidate, with)| benefit(&round.base, calls, *candidate, with))
        .filter(|p| p.benefit > 0.0 && p.benefit >= floor)
        .max_by(|a, b| per_byte(a).total_cmp(&per_byte(b)))
}

/// Chooses among `sizes.len()` candidates for statements called `calls`
/// times. `plan(chosen, trying)` plans every statement with the `chosen`
/// candidates in place, and with each of `trying` added.
pub fn select<E>(
    calls: &[f64],
    sizes: &[i64],
    mut plan: impl FnMut(&[usize], &[usize]) -> Result<Round, E>,
) -> Result<Selection, E> {
    let mut chosen: Vec<usize> = Vec::new();
    let mut before = None;
    loop {
        let trying: Vec<usize> = if chosen.len() < MAX_INDEXES {
            (0..sizes.len()).filter(|c| !chosen.contains(c)).collect()
        } else {
            Vec::new()
        };
        let round = plan(&chosen, &trying)?;
        before.get_or_insert_with(|| round.base.clone());
        match pick(&round, calls, sizes) {
            Some(chosen_now) => chosen.push(chosen_now.candidate),
            None => break,
        }
    }
    // Earliest first: a cheap early pick is the one a later, wider index
    // may have made needless.
    let mut kept = chosen.clone();
    for candidate in chosen {
        if alone(&kept, candidate, calls, &mut plan)?.is_none() {
            kept.retain(|&k| k != candidate);
        }
    }
    let mut picks = Vec::new();
    for &candidate in &kept {
        picks.extend(alone(&kept, candidate, calls, &mut plan)?);
    }
    let after = plan(&kept, &[])?.base;
    Ok(Selection {
        picks,
        before: before.unwrap_or_default(),
        after,
    })
}

/// What `candidate` saves with the rest of `kept` in place, when that still
/// meets the per-statement rule and the workload floor.
fn alone<E>(
    kept: &[usize],
    candidate: usize,
    calls: &[f64],
    plan: &mut impl FnMut(&[usize], &[usize]) -> Result<Round, E>,
) -> Result<Option<Pick>, E> {
    let others: Vec<usize> = kept.iter().copied().filter(|&k| k != candidate).collect();
    let round = plan(&others, &[candidate])?;
    let floor = MIN_GAIN * weighted(calls, &round.base);
    Ok(round
        .with
        .iter()
        .find(|(c, _)| *c == candidate)
        .map(|(_, with)| benefit(&round.base, calls, candidate, with))
        .filter(|p| p.benefit > 0.0 && p.benefit >= floor))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A planner where each statement costs its table's scan unless an
    /// index it can use is in place: `serves[c]` lists (statement, cost).
    fn planner(
        scans: Vec<f64>,
        serves: Vec<Vec<(usize, f64)>>,
    ) -> impl FnMut(&[usize], &[usize]) -> Result<Round, ()> {
        move |chosen, trying| {
            let cost = |s: usize, set: &[usize]| {
                set.iter()
                    .flat_map(|c| serves[*c].iter())
                    .filter(|(st, _)| *st == s)
                    .map(|(_, cost)| *cost)
                    .fold(scans[s], f64::min)
            };
            let base: Vec<f64> = (0..scans.len()).map(|s| cost(s, chosen)).collect();
            let with = trying
                .iter()
                .map(|&c| {
                    let mut set = chosen.to_vec();
                    set.push(c);
                    let costs = (0..scans.len())
                        .map(|s| {
                            serves[c]
                                .iter()
                                .any(|(st, _)| *st == s)
                                .then(|| cost(s, &set))
                        })
                        .collect();
                    (c, costs)
                })
                .collect();
            Ok(Round { base, with })
        }
    }

    #[test]
    fn the_best_saving_per_byte_is_chosen_first_and_the_rest_replanned() {
        // Candidate 0 serves both statements, 1 only the first but is
        // smaller, 2 serves the second nearly as well as 0 does.
        let calls = [100.0, 50.0];
        let sizes = [1_000, 400, 800];
        let serves = vec![vec![(0, 10.0), (1, 20.0)], vec![(0, 8.0)], vec![(1, 15.0)]];
        let selection = select(&calls, &sizes, planner(vec![1_000.0, 2_000.0], serves)).unwrap();
        let chosen: Vec<usize> = selection.picks.iter().map(|p| p.candidate).collect();
        // 1 saves 99,200 / 400 bytes; then 2 saves 99,250 / 800 bytes, more
        // than 0 would on the second statement alone (99,000 / 1,000); then
        // 0 saves nothing: both statements cost under MIN_COST.
        assert_eq!(chosen, [1, 2]);
        assert_eq!(selection.picks[0].statements, [(0, 1_000.0, 8.0)]);
        assert_eq!(selection.picks[1].statements, [(1, 2_000.0, 15.0)]);
        assert_eq!(selection.before, [1_000.0, 2_000.0]);
        assert_eq!(selection.after, [8.0, 15.0]);
    }

    #[test]
    fn savings_under_the_per_statement_rule_or_the_workload_floor_choose_nothing() {
        let calls = [10.0, 10.0];
        // Halving a statement that costs under MIN_COST counts nothing;
        // cutting 40 % of an expensive one counts nothing either.
        let serves = vec![vec![(0, 10.0)], vec![(1, 600.0)]];
        let selection = select(&calls, &[100, 100], planner(vec![80.0, 1_000.0], serves)).unwrap();
        assert!(selection.picks.is_empty());
        assert_eq!(selection.after, selection.before);
        // A real saving on a statement that is a sliver of the workload.
        let round = Round {
            base: vec![200.0, 100_000.0],
            with: vec![(0, vec![Some(50.0), None])],
        };
        assert_eq!(pick(&round, &[1.0, 1.0], &[100]), None);
    }

    #[test]
    fn a_pick_a_later_one_makes_needless_is_dropped() {
        // 0 (small) halves the statement; 1 (wider, bigger) cuts it to a
        // tenth of that, and also serves all 0 served.
        let calls = [10.0];
        let serves = vec![vec![(0, 400.0)], vec![(0, 40.0)]];
        let selection = select(&calls, &[100, 1_000], planner(vec![1_000.0], serves)).unwrap();
        let chosen: Vec<usize> = selection.picks.iter().map(|p| p.candidate).collect();
        assert_eq!(chosen, [1]);
        assert_eq!(selection.picks[0].statements, [(0, 1_000.0, 40.0)]);
        assert_eq!(selection.after, [40.0]);
    }

    #[test]
    fn at_most_max_indexes_are_chosen() {
        let n = MAX_INDEXES + 2;
        let calls = vec![1.0; n];
        let serves = (0..n).map(|s| vec![(s, 1.0)]).collect();
        let selection = select(&calls, &vec![10; n], planner(vec![1_000.0; n], serves)).unwrap();
        assert_eq!(selection.picks.len(), MAX_INDEXES);
        let helped = selection.after.iter().filter(|cost| **cost == 1.0).count();
        assert_eq!(helped, MAX_INDEXES);
        assert_eq!(weighted(&calls, &selection.before), 1_000.0 * n as f64);
    }
}
