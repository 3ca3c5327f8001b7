//! Relevance of each relation to a question: question words (lower-cased,
//! stemmed, stop words dropped) found in a relation's name, schema, columns
//! and comments, weighted by where they were found, plus a bonus for the
//! foreign-key neighbours of the best matches. Zero means unrelated; equal
//! inputs always give equal ranks.

use crate::catalog::{Catalog, Relation};

/// Weight of a question word found in a relation's name.
const W_NAME: u32 = 20;
/// … in its schema's name.
const W_SCHEMA: u32 = 8;
/// … in one of its column names.
const W_COLUMN: u32 = 6;
/// … in its comment or a column comment.
const W_COMMENT: u32 = 2;
/// Taken off for each word of the relation's name the question does not
/// mention, so `orders` beats `order_audit_log` for "orders".
const UNMATCHED_NAME_PART: u32 = 2;
/// At most this many best-scored relations pull in their FK neighbours.
const MAX_SEEDS: usize = 10;

/// Each relation's rank for the question: its own score plus a bonus when it
/// is one foreign key away from a top-scored relation. Zero means unrelated.
pub(super) fn rank(catalog: &Catalog, question: &str) -> Vec<u32> {
    let query = Query::new(question);
    let mut scratch = Scratch::default();
    let scores: Vec<u32> = catalog
        .relations
        .iter()
        .map(|r| score(r, &query, &mut scratch))
        .collect();
    let mut ranks = scores.clone();
    let Some(max) = scores.iter().copied().max().filter(|m| *m > 0) else {
        return ranks;
    };

    let mut seeds: Vec<usize> = (0..scores.len())
        .filter(|&i| scores[i] * 2 >= max)
        .collect();
    seeds.sort_by(|&a, &b| scores[b].cmp(&scores[a]).then(a.cmp(&b)));
    seeds.truncate(MAX_SEEDS);

    let seeds: Vec<(usize, u32)> = seeds.into_iter().map(|i| (i, scores[i] / 2)).collect();
    for (rank, bonus) in ranks.iter_mut().zip(neighbour_bonus(catalog, &seeds)) {
        *rank += bonus;
    }
    ranks
}

/// For each relation one foreign key away from a seed (either direction),
/// the largest gift of such a seed; zero for the others. One pass over the
/// catalog, comparing against the few seeds only.
fn neighbour_bonus(catalog: &Catalog, seeds: &[(usize, u32)]) -> Vec<u32> {
    let relations = &catalog.relations;
    let is = |r: &Relation, schema: &str, name: &str| r.schema == schema && r.name == name;
    // (schema, name, gift) of the seeds, and of the relations they point at.
    let mut seed_names = Vec::with_capacity(seeds.len());
    let mut targets = Vec::new();
    for &(s, gift) in seeds {
        let seed = &relations[s];
        seed_names.push((seed.schema.as_str(), seed.name.as_str(), gift));
        for fk in &seed.foreign_keys {
            if !is(seed, &fk.ref_schema, &fk.ref_table) {
                targets.push((fk.ref_schema.as_str(), fk.ref_table.as_str(), gift));
            }
        }
    }
    let mut bonus = vec![0u32; relations.len()];
    for (i, r) in relations.iter().enumerate() {
        for &(schema, name, gift) in &targets {
            if is(r, schema, name) {
                bonus[i] = bonus[i].max(gift);
            }
        }
        for fk in &r.foreign_keys {
            for &(schema, name, gift) in &seed_names {
                if fk.ref_schema == schema && fk.ref_table == name && !is(r, schema, name) {
                    bonus[i] = bonus[i].max(gift);
                }
            }
        }
    }
    bonus
}

/// Reused buffers for scoring, so scoring allocates nothing per relation.
#[derive(Default)]
struct Scratch {
    word: String,
    best: Vec<u32>,
}

/// How well `relation` matches the question words: for each word, the best
/// weight of where it was found, summed; minus a little for name words the
/// question does not mention.
fn score(relation: &Relation, query: &Query, scratch: &mut Scratch) -> u32 {
    let words = &query.words;
    if words.is_empty() {
        return 0;
    }
    let Scratch { word, best } = scratch;
    best.clear();
    best.resize(words.len(), 0);
    let mark = |part: &str, weight: u32, best: &mut Vec<u32>| -> bool {
        if !query.may_match(part) {
            return false;
        }
        let stem = stem(part);
        match words.iter().position(|w| w == stem) {
            Some(k) => {
                best[k] = best[k].max(weight);
                true
            }
            None => false,
        }
    };

    let mut unmatched = 0;
    for_each_word(&relation.name, word, |part| {
        if !mark(part, W_NAME, best) {
            unmatched += 1;
        }
    });
    for_each_word(&relation.schema, word, |part| {
        mark(part, W_SCHEMA, best);
    });
    for column in &relation.columns {
        for_each_word(&column.name, word, |part| {
            mark(part, W_COLUMN, best);
        });
        if let Some(comment) = &column.comment {
            for_each_word(comment, word, |part| {
                mark(part, W_COMMENT, best);
            });
        }
    }
    if let Some(comment) = &relation.comment {
        for_each_word(comment, word, |part| {
            mark(part, W_COMMENT, best);
        });
    }

    let total: u32 = best.iter().sum();
    if total == 0 {
        return 0;
    }
    total.saturating_sub(unmatched * UNMATCHED_NAME_PART).max(1)
}

/// The most bytes [`stem`] takes off a word (`ies`, then `y`).
const MAX_STEM_CUT: usize = 4;

/// The question's words, with a cheap first-letter-and-length filter for
/// the many schema words that cannot match.
struct Query {
    words: Vec<String>,
    /// Bit `n` of `lengths[b]` is set when a word of `n` bytes starting
    /// with byte `b` may stem to a query word; bit 63 stands for every
    /// length from 63 up.
    lengths: [u64; 256],
}

impl Query {
    fn new(question: &str) -> Query {
        let words = question_words(question);
        let mut lengths = [0u64; 256];
        for w in &words {
            if let Some(&b) = w.as_bytes().first() {
                for n in w.len()..=w.len() + MAX_STEM_CUT {
                    lengths[usize::from(b)] |= 1 << n.min(63);
                }
            }
        }
        Query { words, lengths }
    }

    /// False when `part` (a lower-case word) cannot stem to a query word:
    /// a stem is a prefix at most [`MAX_STEM_CUT`] bytes shorter.
    fn may_match(&self, part: &str) -> bool {
        part.as_bytes()
            .first()
            .is_some_and(|&b| self.lengths[usize::from(b)] >> part.len().min(63) & 1 == 1)
    }
}

/// The question's content words, lower-cased and stemmed, without stop
/// words or repeats, in first-seen order.
fn question_words(question: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut buf = String::new();
    for_each_word(question, &mut buf, |w| {
        if w.chars().count() < 2 || is_stop_word(w) {
            return;
        }
        let s = stem(w);
        if !words.iter().any(|x| x == s) {
            words.push(s.to_string());
        }
    });
    words
}

/// Calls `f` with each word of `text`, lower-cased: words are runs of letters
/// and digits, also split at camelCase boundaries (`customerId` → `customer`,
/// `id`; `HTTPServer` → `http`, `server`).
fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str)) {
    if !text
        .bytes()
        .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
    {
        // Plain lower-case ASCII (most identifiers): slice, do not copy.
        text.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .for_each(f);
        return;
    }
    buf.clear();
    let mut chars = text.chars().peekable();
    let mut prev: Option<char> = None;
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            flush(buf, &mut f);
            prev = None;
            continue;
        }
        if let Some(p) = prev {
            let lower_to_upper = p.is_lowercase() && c.is_uppercase();
            let acronym_end = p.is_uppercase()
                && c.is_uppercase()
                && chars.peek().is_some_and(|n| n.is_lowercase());
            if lower_to_upper || acronym_end {
                flush(buf, &mut f);
            }
        }
        if c.is_ascii() {
            buf.push(c.to_ascii_lowercase());
        } else {
            buf.extend(c.to_lowercase());
        }
        prev = Some(c);
    }
    flush(buf, &mut f);
}

fn flush(buf: &mut String, f: &mut impl FnMut(&str)) {
    if !buf.is_empty() {
        f(buf);
        buf.clear();
    }
}

/// A crude English stem, as a prefix of the word, so that singular and plural
/// meet: `orders`/`order` → `order`, `categories`/`category` → `categor`,
/// `addresses`/`address` → `address`, `bonuses`/`bonus` → `bonus`,
/// `boxes`/`box` → `box`. Words that end
/// in `ss`, `us` or `is` keep their `s` (`status`, `analysis`).
fn stem(word: &str) -> &str {
    let len = word.len();
    let singular = if len > 4 && word.ends_with("ies") {
        &word[..len - 3]
    } else if len > 4
        && ["sses", "uses", "xes", "ches", "shes", "zes"]
            .iter()
            .any(|s| word.ends_with(s))
    {
        &word[..len - 2]
    } else if len > 3
        && word.ends_with('s')
        && !["ss", "us", "is"].iter().any(|s| word.ends_with(s))
    {
        &word[..len - 1]
    } else {
        word
    };
    if singular.len() > 3 && singular.ends_with('y') {
        &singular[..singular.len() - 1]
    } else {
        singular
    }
}

fn is_stop_word(word: &str) -> bool {
    const STOP: [&str; 96] = [
        "about", "across", "after", "all", "also", "an", "and", "any", "are", "as", "at", "be",
        "been", "before", "between", "but", "by", "can", "could", "count", "did", "do", "does",
        "each", "ever", "every", "find", "for", "from", "get", "give", "had", "has", "have", "how",
        "i", "if", "in", "into", "is", "it", "its", "just", "least", "less", "list", "many", "me",
        "more", "most", "much", "my", "no", "not", "of", "on", "one", "only", "or", "other", "our",
        "over", "per", "please", "show", "so", "some", "than", "that", "the", "their", "them",
        "then", "there", "these", "they", "this", "those", "to", "top", "under", "up", "us", "was",
        "we", "were", "what", "when", "where", "which", "who", "whose", "why", "with", "would",
        "you",
    ];
    STOP.binary_search(&word).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{column, relation, shop};

    #[test]
    fn stems_cut_at_most_max_stem_cut_bytes() {
        assert_eq!(stem("abcyies"), "abc");
        for w in [
            "abcyies",
            "orders",
            "categories",
            "addresses",
            "boxes",
            "journeys",
            "status",
        ] {
            assert!(w.len() - stem(w).len() <= MAX_STEM_CUT, "{w}");
            let query = Query::new(w);
            assert!(query.may_match(w), "{w} must pass its own filter");
        }
        let query = Query::new("orders");
        assert!(!query.may_match("o"));
        assert!(!query.may_match("orderliness"));
        assert!(query.may_match("orderss"));
    }

    #[test]
    fn stems_meet_across_singular_and_plural() {
        for (a, b) in [
            ("orders", "order"),
            ("categories", "category"),
            ("addresses", "address"),
            ("bonuses", "bonus"),
            ("boxes", "box"),
            ("branches", "branch"),
            ("employees", "employee"),
            ("entries", "entry"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_eq!(stem("orders"), "order");
        assert_eq!(stem("status"), "status");
        assert_eq!(stem("analysis"), "analysis");
        assert_eq!(stem("address"), "address");
        assert_eq!(stem("days"), "day");
    }

    #[test]
    fn words_split_on_case_and_punctuation() {
        let mut words = Vec::new();
        for_each_word(
            "customerId HTTPServer order_items, Näive",
            &mut String::new(),
            |w| words.push(w.to_string()),
        );
        assert_eq!(
            words,
            [
                "customer", "id", "http", "server", "order", "items", "näive"
            ]
        );
        assert_eq!(
            question_words("Which customers placed the most orders? Orders!"),
            ["customer", "placed", "order"]
        );
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        // binary_search only works on a sorted table; every entry must be found.
        for w in ["about", "you", "the", "most", "which", "i"] {
            assert!(is_stop_word(w), "{w}");
        }
        assert!(!is_stop_word("orders"));
    }

    #[test]
    fn relevance_prefers_names_then_columns_then_comments() {
        let words = Query::new("orders");
        let mut s = Scratch::default();
        let named = relation("x", "orders", vec![column("id", "int", false)]);
        let longer = relation("x", "order_audit_log", vec![]);
        let by_column = relation("x", "t", vec![column("order_id", "int", false)]);
        let mut by_comment = relation("x", "u", vec![]);
        by_comment.comment = Some("Lines of orders".into());
        let unrelated = relation("x", "v", vec![column("id", "int", false)]);
        let scores: Vec<u32> = [&named, &longer, &by_column, &by_comment, &unrelated]
            .iter()
            .map(|r| score(r, &words, &mut s))
            .collect();
        assert!(scores.windows(2).all(|w| w[0] > w[1]), "{scores:?}");
        assert_eq!(scores[4], 0);
    }

    #[test]
    fn foreign_key_neighbours_of_the_best_match_rank_above_zero() {
        let catalog = shop();
        let names: Vec<&str> = catalog.relations.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            ["customers", "orders", "order_lines", "big_spenders"]
        );
        // order_lines → orders (outgoing); customers is two keys away.
        let ranks = rank(&catalog, "lines");
        assert!(ranks[2] > ranks[1] && ranks[1] > 0, "{ranks:?}");
        assert_eq!((ranks[0], ranks[3]), (0, 0));
        // orders → customers (incoming to the seed).
        let ranks = rank(&catalog, "customers email");
        assert!(ranks[0] > ranks[1] && ranks[1] > 0, "{ranks:?}");
        assert_eq!(rank(&catalog, "the of which"), [0, 0, 0, 0]);
    }
}
