//! Which rules run, at which severity: `--select`, `--ignore` (codes, names, code
//! prefixes such as `IAM2`, or `ALL`) over each rule's default.

use crate::catalogue::{Catalogue, Rule};
use crate::config::PerFileIgnore;
use crate::finding::Severity;
use std::collections::HashMap;
use std::path::Path;

#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// `None`: every rule on by default.
    pub select: Option<Vec<String>>,
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub severities: HashMap<String, Severity>,
    /// Rules not reported in files matching a glob (the configuration's `per-file-ignores`).
    pub per_file_ignores: Vec<PerFileIgnore>,
    /// Rules not reported on an object, by its address (the configuration's `object-ignores`).
    pub object_ignores: Vec<(String, Vec<String>)>,
}

impl Selection {
    /// Checks every selector names at least one rule of `catalogue`.
    pub fn validate(&self, catalogue: &Catalogue) -> Result<(), String> {
        self.validate_names(catalogue.rules().iter().map(|r| (r.code.as_str(), r.meta.name.as_str())))
    }

    /// Checks every selector names at least one of the rules `(code, name)`.
    pub fn validate_names<'a>(&self, rules: impl Iterator<Item = (&'a str, &'a str)> + Clone) -> Result<(), String> {
        let all = self.select.iter().flatten().chain(&self.extend_select).chain(&self.ignore);
        for s in all.chain(self.severities.keys()) {
            if !rules.clone().any(|(code, name)| matches_rule(s, code, name)) {
                let names = rules.clone().flat_map(|(code, name)| [code, name]);
                let hint =
                    crate::suggest::closest(s, names).map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default();
                return Err(format!("unknown rule `{s}`{hint}"));
            }
        }
        Ok(())
    }

    pub fn enabled(&self, rule: &Rule) -> bool {
        let any = |list: &[String]| list.iter().any(|s| matches(s, rule));
        let on = match &self.select {
            Some(select) => any(select),
            None => rule.meta.enabled,
        } || any(&self.extend_select);
        on && !any(&self.ignore)
    }

    /// Whether `rule` is ignored in the file at `path` (absolute, canonical) by
    /// per-file-ignores, each glob matched relative to its own folder.
    pub fn ignored_in(&self, rule: &Rule, path: &Path) -> bool {
        self.per_file_ignores.iter().any(|p| {
            path.strip_prefix(&p.root).is_ok_and(|relative| p.glob.is_match(relative))
                && p.rules.iter().any(|s| matches(s, rule))
        })
    }

    /// Whether `rule` is ignored on the object at `address` by object-ignores. An address
    /// without an instance key covers every instance (`kestra_service_account.bots` covers
    /// `kestra_service_account.bots["nightly"]`).
    pub fn ignored_on(&self, rule: &Rule, address: &str) -> bool {
        let names = |a: &str| address == a || address.strip_prefix(a).is_some_and(|rest| rest.starts_with('['));
        !address.is_empty()
            && self.object_ignores.iter().any(|(a, rules)| names(a) && rules.iter().any(|s| matches(s, rule)))
    }

    /// The configured severity; when several selectors match (`IAM2` and `IAM201`), the
    /// most specific wins, so the result never depends on map order.
    pub fn severity(&self, rule: &Rule) -> Severity {
        self.severities
            .iter()
            .filter(|(s, _)| matches(s, rule))
            .max_by_key(|(s, _)| (specificity(s, rule), s.as_str()))
            .map_or(rule.meta.severity, |(_, sev)| *sev)
    }
}

fn matches(selector: &str, rule: &Rule) -> bool {
    matches_rule(selector, &rule.code, &rule.meta.name)
}

fn matches_rule(selector: &str, code: &str, name: &str) -> bool {
    let s = selector.trim();
    s.eq_ignore_ascii_case("ALL")
        || s.eq_ignore_ascii_case(name)
        || (s.len() >= 3 && code.to_ascii_uppercase().starts_with(&s.to_ascii_uppercase()))
}

/// Exact code or name beats a prefix, a longer prefix beats a shorter one, ALL is last.
fn specificity(selector: &str, rule: &Rule) -> usize {
    let s = selector.trim();
    if s.eq_ignore_ascii_case(&rule.code) || s.eq_ignore_ascii_case(&rule.meta.name) {
        usize::MAX
    } else if s.eq_ignore_ascii_case("ALL") {
        0
    } else {
        s.len()
    }
}

pub fn parse_list(value: &str) -> Vec<String> {
    value.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn most_specific_severity_wins() {
        let catalogue = Catalogue::builtin();
        let rule = catalogue.find("IAM201").unwrap();
        let mut selection = Selection::default();
        for (k, v) in [("ALL", Severity::Info), ("IAM2", Severity::Warning), ("token-never-expires", Severity::Error)] {
            selection.severities.insert(k.into(), v);
        }
        assert_eq!(selection.severity(rule), Severity::Error);
        selection.severities.remove("token-never-expires");
        assert_eq!(selection.severity(rule), Severity::Warning);
    }

    #[test]
    fn selectors() {
        let catalogue = Catalogue::builtin();
        let rule = catalogue.find("IAM201").unwrap();
        let sel = |s: &str| Selection { select: Some(vec![s.into()]), ..Selection::default() };
        assert!(sel("IAM2").enabled(rule));
        assert!(sel("iam201").enabled(rule));
        assert!(sel("token-never-expires").enabled(rule));
        assert!(!sel("IAM3").enabled(rule));
        let ignored = Selection { ignore: vec!["IAM201".into()], ..Selection::default() };
        assert!(!ignored.enabled(rule));
        // No rule code starts with IAM7 (IAM9 has IAM900).
        assert!(Selection { select: Some(vec!["IAM7".into()]), ..Selection::default() }.validate(&catalogue).is_err());
    }
}
