//! Choosing what a schema that does not fit whole sends: relation blocks in
//! rank order while they fit (keeping room for names), then as many of the
//! other names as fit, then a count of the rest. Costs are counted in
//! characters before anything is written, so the text never overruns.

use super::text::{Blocks, LEGEND, OTHERS_HEADER, ident_len, more_line};
use crate::catalog::Catalog;

/// No block is shorter than this (`table s.t` and one column), so selection
/// stops looking once less room than this is left.
const MIN_BLOCK_CHARS: usize = 16;

/// What goes into a context that does not fit whole.
pub(super) struct Selection {
    /// Relations sent in full, in rank order.
    pub(super) full: Vec<usize>,
    /// Enum types those relations use, in catalog order.
    pub(super) enums: Vec<usize>,
    /// Relations named in the final section, and how many more exist.
    pub(super) names: Names,
}

/// The names-only section: relations listed by name, and how many more are
/// only counted (`… and N more`).
pub(super) struct Names {
    pub(super) listed: Vec<usize>,
    pub(super) unlisted: usize,
}

/// Chooses full blocks in rank order within the budget (leaving room for
/// some names), then fills what is left with names.
pub(super) fn select(
    catalog: &Catalog,
    blocks: &mut Blocks,
    enum_lines: &[String],
    ranks: &[u32],
    budget_chars: usize,
) -> Selection {
    let count = catalog.relations.len();
    let mut order: Vec<usize> = (0..count).collect();
    order.sort_by(|&a, &b| {
        ranks[b]
            .cmp(&ranks[a])
            .then_with(|| {
                catalog.relations[a]
                    .schema
                    .cmp(&catalog.relations[b].schema)
            })
            .then_with(|| catalog.relations[a].name.cmp(&catalog.relations[b].name))
            .then(a.cmp(&b))
    });

    let all_names: usize = catalog
        .relations
        .iter()
        .map(|r| ident_len(&r.name, catalog.quoting) + 2)
        .sum::<usize>()
        + OTHERS_HEADER.len();
    let reserve = all_names.min(budget_chars / 4);
    let block_limit = budget_chars.saturating_sub(reserve);

    let mut used = LEGEND.chars().count();
    let mut full = Vec::new();
    let mut enum_used = vec![false; enum_lines.len()];
    let mut is_full = vec![false; count];
    for &i in order.iter().take_while(|&&i| ranks[i] > 0) {
        if block_limit.saturating_sub(used) < MIN_BLOCK_CHARS {
            break;
        }
        let block = blocks.get(i);
        let new_enums: Vec<usize> = block
            .enums
            .iter()
            .copied()
            .filter(|&e| !enum_used[e])
            .collect();
        let cost = block.chars
            + new_enums
                .iter()
                .map(|&e| enum_lines[e].chars().count())
                .sum::<usize>();
        if used + cost <= block_limit {
            used += cost;
            full.push(i);
            is_full[i] = true;
            for e in new_enums {
                enum_used[e] = true;
            }
        }
    }

    let rest: Vec<usize> = order.into_iter().filter(|&i| !is_full[i]).collect();
    let names = fit_names(catalog, &rest, budget_chars.saturating_sub(used));
    let enums = (0..enum_lines.len()).filter(|&e| enum_used[e]).collect();
    Selection { full, enums, names }
}

/// As many of `rest` (in its order) as fit in `room` characters, grouped by
/// schema when drawn; room is kept for the `… and N more` line when needed.
fn fit_names(catalog: &Catalog, rest: &[usize], room: usize) -> Names {
    if rest.is_empty() {
        return Names {
            listed: Vec::new(),
            unlisted: 0,
        };
    }
    let mut schemas_seen: Vec<&str> = Vec::new();
    let cost = |i: usize, seen: &Vec<&str>| -> usize {
        let r = &catalog.relations[i];
        let name = ident_len(&r.name, catalog.quoting);
        if seen.contains(&r.schema.as_str()) {
            name + 2
        } else {
            // "  schema: " + name + "\n"
            2 + ident_len(&r.schema, catalog.quoting) + 2 + name + 1
        }
    };
    let costs_all: usize = {
        let mut seen = Vec::new();
        rest.iter()
            .map(|&i| {
                let c = cost(i, &seen);
                seen.push(catalog.relations[i].schema.as_str());
                c
            })
            .sum()
    };
    if OTHERS_HEADER.len() + costs_all <= room {
        return Names {
            listed: rest.to_vec(),
            unlisted: 0,
        };
    }
    let more_line = more_line(rest.len()).chars().count();
    let mut used = OTHERS_HEADER.len() + more_line;
    let mut listed = Vec::new();
    for &i in rest {
        let c = cost(i, &schemas_seen);
        if used + c > room {
            break;
        }
        used += c;
        listed.push(i);
        let schema = catalog.relations[i].schema.as_str();
        if !schemas_seen.contains(&schema) {
            schemas_seen.push(schema);
        }
    }
    let unlisted = rest.len() - listed.len();
    if listed.is_empty() && more_line > room {
        // Not even the count fits: say nothing rather than overrun.
        return Names {
            listed,
            unlisted: 0,
        };
    }
    Names { listed, unlisted }
}

#[cfg(test)]
mod tests {
    use super::super::{DEFAULT_BUDGET, MIN_BUDGET, build, estimate_tokens};
    use crate::testing::shop;

    #[test]
    fn small_budget_lists_names_and_is_respected() {
        let catalog = shop();
        let whole = build(&catalog, "", DEFAULT_BUDGET).tokens;
        for budget in MIN_BUDGET..whole {
            let ctx = build(&catalog, "which orders are paid", budget);
            assert!(ctx.tokens <= budget, "budget {budget}: {}", ctx.tokens);
            assert_eq!(ctx.tokens, estimate_tokens(&ctx.text));
            assert_eq!(
                ctx.tables_full.len() + ctx.tables_named,
                4,
                "budget {budget}"
            );
        }
        let ctx = build(&catalog, "which orders are paid", 150);
        assert_eq!(ctx.tables_full[0], "public.orders");
        assert!(ctx.text.contains("enum order_status"));
        assert!(ctx.text.contains("other tables (names only):\n  public: "));
    }
}
