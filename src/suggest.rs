//! "Did you mean" suggestions by edit distance.

/// The closest candidate, if it is close enough to be a plausible typo. Case, `_` and `-`
/// are ignored first, so `max_age` finds `maxAge`.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let folded = fold(word);
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = if fold(c) == folded { 1.0 } else { strsim::jaro_winkler(&folded, &fold(c)) };
        if score >= 0.85 && best.is_none_or(|(b, _)| score > b) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
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

fn fold(s: &str) -> String {
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
}
