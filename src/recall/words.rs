//! The words of a question that say what it is about: lowercased, common
//! English words left out, and a light stemming (`orders`, `ordered` →
//! `order`) so small changes of form still match. Also the rule that says
//! a new question rephrases the previous one.

use std::collections::BTreeSet;

/// Words that say nothing of what a question is about.
const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "also", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but",
    "by", "can", "could", "did", "do", "does", "each", "for", "from", "get", "give", "had", "has",
    "have", "how", "i", "if", "in", "into", "is", "it", "its", "just", "list", "many", "me",
    "much", "my", "of", "on", "or", "our", "please", "show", "so", "some", "tell", "than", "that",
    "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "us", "was",
    "we", "were", "what", "whats", "when", "where", "which", "who", "whom", "whose", "why", "will",
    "with", "would", "you", "your",
];

/// Words of data questions that mean the same, and the one each stands
/// for.
const SYNONYMS: &[(&str, &str)] = &[
    ("avg", "average"),
    ("mean", "average"),
    ("number", "count"),
    ("sales", "revenue"),
    ("sold", "sell"),
    ("biggest", "largest"),
    ("staff", "employee"),
    ("highest", "top"),
    ("best", "top"),
    ("most", "top"),
];

/// How a question that corrects the previous answer begins.
const CORRECTIONS: &[&str] = &[
    "no",
    "nope",
    "not",
    "wrong",
    "instead",
    "actually",
    "rather",
    "i meant",
    "i mean",
    "that's not",
    "that is not",
    "thats not",
    "try again",
];

/// A new question that shares this share of its words with the previous
/// one (of the words either has) asks it again in other words.
const REPHRASED_OVERLAP: f64 = 0.6;

/// The distinct stemmed words of `text` that are not stop words.
pub fn terms(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .map(str::to_lowercase)
        .filter(|word| !word.is_empty() && !STOP_WORDS.contains(&word.as_str()))
        .map(|word| {
            let same = SYNONYMS.iter().find(|(synonym, _)| *synonym == word);
            stem(same.map_or(&word, |(_, meaning)| meaning))
        })
        .collect()
}

/// `word` without a plural or verb ending and a final `e`: `categories` →
/// `category`, `placed` and `place` → `plac`.
fn stem(word: &str) -> String {
    let mut stem = word.to_string();
    for (suffix, replacement) in [("ies", "y"), ("ing", ""), ("ed", ""), ("ly", ""), ("s", "")] {
        let keeps = stem.chars().count() >= suffix.len() + 3;
        if keeps && stem.ends_with(suffix) && !(suffix == "s" && stem.ends_with("ss")) {
            stem.truncate(stem.len() - suffix.len());
            stem.push_str(replacement);
            break;
        }
    }
    if stem.chars().count() > 3 && stem.ends_with('e') {
        stem.pop();
    }
    stem
}

/// The share of `question`'s terms a pair holds: a term in the pair's
/// question or tables (`named`) counts whole, one only in its SQL
/// (`used`) half, since SQL's keywords and functions echo many questions.
/// 1 when every word the question is about is named, 0 when none is there
/// (or it has none).
pub fn coverage(
    question: &BTreeSet<String>,
    named: &BTreeSet<String>,
    used: &BTreeSet<String>,
) -> f64 {
    if question.is_empty() {
        return 0.0;
    }
    let held: f64 = question
        .iter()
        .map(|term| {
            if named.contains(term) {
                1.0
            } else if used.contains(term) {
                0.5
            } else {
                0.0
            }
        })
        .sum();
    held / question.len() as f64
}

/// An FTS5 query matching text that holds any of `terms`, each quoted so
/// nothing in a question is FTS syntax.
pub fn any_of(terms: &BTreeSet<String>) -> String {
    terms
        .iter()
        .map(|term| format!("\"{}\"", term.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(" OR ")
}

/// Whether `next` asks `previous` again: it begins like a correction
/// ("no, …", "I meant …", "instead …", "wrong …") or shares most of its
/// words with it.
pub fn is_rephrasing(previous: &str, next: &str) -> bool {
    let lower = next.trim().to_lowercase();
    let begins = |opening: &&str| {
        lower
            .strip_prefix(*opening)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(|c: char| !c.is_alphanumeric()))
    };
    if CORRECTIONS.iter().any(begins) {
        return true;
    }
    let (before, after) = (terms(previous), terms(next));
    let either = before.union(&after).count();
    either > 0 && before.intersection(&after).count() as f64 / either as f64 >= REPHRASED_OVERLAP
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(words: &[&str]) -> BTreeSet<String> {
        words.iter().map(|w| w.to_string()).collect()
    }

    #[test]
    fn terms_leave_out_common_words_and_endings() {
        assert_eq!(
            terms("How many orders were placed in the categories?"),
            set(&["category", "order", "plac"])
        );
        assert_eq!(
            terms("ordered, placing, address"),
            set(&["address", "order", "plac"])
        );
        assert_eq!(
            terms("order_items.unit_price"),
            set(&["item", "order", "pric", "unit"])
        );
        assert!(terms("what is the").is_empty());
    }

    #[test]
    fn coverage_is_the_share_of_the_questions_words_known() {
        let question = set(&["order", "month"]);
        let none = set(&[]);
        assert_eq!(
            coverage(&question, &set(&["order", "month", "count"]), &none),
            1.0
        );
        assert_eq!(coverage(&question, &set(&["order"]), &none), 0.5);
        assert_eq!(
            coverage(&question, &set(&["order"]), &set(&["month"])),
            0.75
        );
        assert_eq!(coverage(&none, &set(&["order"]), &none), 0.0);
    }

    #[test]
    fn a_query_quotes_every_term() {
        assert_eq!(any_of(&set(&["a\"b", "order"])), "\"a\"\"b\" OR \"order\"");
        assert_eq!(any_of(&set(&[])), "");
    }

    #[test]
    fn corrections_and_near_copies_are_rephrasings() {
        let before = "how many orders were placed last month";
        for next in [
            "no, I meant shipped orders",
            "Instead count the customers",
            "wrong: use order_items",
            "how many orders were placed during last month?",
            "That's not it",
        ] {
            assert!(is_rephrasing(before, next), "{next}");
        }
        for next in [
            "now only for Germany",
            "which products sell best",
            "nothing else? show the top customers",
        ] {
            assert!(!is_rephrasing(before, next), "{next}");
        }
    }
}
