//! "Did you mean" suggestions by edit distance.

/// The closest candidate, if it is close enough to be a plausible typo. Case, `_` and `-`
/// are ignored first, so `max_age` finds `maxAge`.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let folded = fold(word);
    let mut best = Best::default();
    for c in candidates {
        best.consider(&folded, c, &fold(c));
    }
    best.0.map(|(_, c)| c)
}

/// How similar two folded words must be to suggest one for the other.
const THRESHOLD: f64 = 0.85;

/// The best-scoring candidate so far; the first of equal scores wins.
#[derive(Default)]
struct Best<'a>(Option<(f64, &'a str)>);

impl<'a> Best<'a> {
    fn consider(&mut self, folded_word: &str, candidate: &'a str, folded: &str) {
        let score = if folded == folded_word { 1.0 } else { strsim::jaro_winkler(folded_word, folded) };
        if score >= THRESHOLD && self.0.is_none_or(|(b, _)| score > b) {
            self.0 = Some((score, candidate));
        }
    }
}

/// Candidates folded once, for many look-ups (every unresolved reference of a workspace
/// against its names). A look-up compares with every candidate, so a workspace with
/// thousands of both would take minutes: look-ups share a budget of comparisons, and once it
/// is spent only exact matches (up to case, `_` and `-`) are suggested.
pub struct Dictionary<'a> {
    entries: Vec<(&'a str, String)>,
    exact: std::collections::HashMap<String, &'a str>,
}

/// Comparisons all look-ups of one rule run may make together: about a quarter of a
/// second (a comparison of two 30-character names takes about 0.5 µs).
pub const COMPARISON_BUDGET: usize = 500_000;

impl<'a> Dictionary<'a> {
    pub fn new(words: impl IntoIterator<Item = &'a str>) -> Self {
        let entries: Vec<(&'a str, String)> = words.into_iter().map(|w| (w, fold(w))).collect();
        let mut exact = std::collections::HashMap::new();
        for (word, folded) in &entries {
            exact.entry(folded.clone()).or_insert(*word);
        }
        Dictionary { entries, exact }
    }

    /// The closest word of any of `dictionaries`, as `closest` would find it among all of
    /// their words in order; `budget` is what comparisons remain, and is spent.
    pub fn closest_in(dictionaries: &[&Dictionary<'a>], word: &str, budget: &mut usize) -> Option<&'a str> {
        let folded = fold(word);
        let size: usize = dictionaries.iter().map(|d| d.entries.len()).sum();
        if size > *budget {
            *budget = 0;
            return dictionaries.iter().find_map(|d| d.exact.get(&folded).copied());
        }
        *budget -= size;
        let mut best = Best::default();
        for (candidate, folded_candidate) in dictionaries.iter().flat_map(|d| &d.entries) {
            best.consider(&folded, candidate, folded_candidate);
        }
        best.0.map(|(_, c)| c)
    }
}

/// Every candidate within a small edit distance, best first (for vocabularies, where
/// several may be equally plausible).
pub fn near<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let folded = fold(word);
    let mut scored: Vec<(usize, &str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let d = strsim::damerau_levenshtein(&folded, &fold(c));
            let limit = (c.len() / 4).clamp(1, 3);
            (d <= limit).then_some((d, c))
        })
        .collect();
    scored.sort();
    let best = scored.first().map(|(d, _)| *d);
    scored.into_iter().take_while(|(d, _)| Some(*d) == best).map(|(_, c)| c).collect()
}

/// A word without case, `_` or `-`: what typos of one key have in common.
pub fn fold(s: &str) -> String {
    s.chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(closest("max_age", ["name", "maxAge"]), Some("maxAge"));
        assert_eq!(closest("serviceAcounts", ["serviceAccounts", "users"]), Some("serviceAccounts"));
        assert_eq!(closest("zzz", ["name"]), None);
        assert_eq!(near("FLOWW", ["FLOW", "KVSTORE"]), vec!["FLOW"]);
        assert_eq!(near("EXECUTON", ["EXECUTION", "EXECUTE"]), vec!["EXECUTION"]);
    }

    #[test]
    fn dictionaries_suggest_like_closest_until_the_budget_is_spent() {
        let words = ["deploy-bots", "Report_Builders", "admins"];
        let dictionary = Dictionary::new(words);
        let mut budget = 7;
        for typo in ["deploy-bot", "report-builders"] {
            let found = Dictionary::closest_in(&[&dictionary], typo, &mut budget);
            assert_eq!(found, closest(typo, words), "{typo}");
            assert!(found.is_some());
        }
        assert_eq!(budget, 1);
        // Spent: a fuzzy match is no longer looked for, an exact one (up to case) still is.
        assert_eq!(Dictionary::closest_in(&[&dictionary], "deploy-bot", &mut budget), None);
        assert_eq!(budget, 0);
        assert_eq!(Dictionary::closest_in(&[&dictionary], "ADMINS", &mut budget), Some("admins"));
    }
}
