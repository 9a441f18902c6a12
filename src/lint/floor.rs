//! The organisation's floor under nested configurations. The run's configuration (the
//! repository's) marks rules `unsuppressible` and may require a reason for every
//! suppression; a team folder's configuration starts from the defaults, so without a floor
//! it could turn such a rule off (`ignore`, a `select` without it, `per-file-ignores`,
//! `object-ignores`, a lower `severity`) or silence it with comments. A nested
//! configuration may add to the floor, never lower it: what would is overridden, with a
//! warning naming the nested file and line.

use super::Scope;
use crate::catalogue::{Catalogue, Rule};
use crate::config::{self, Config};
use crate::select::Selection;
use std::path::Path;

/// Holds `scope` (built from the nested configuration `nested`) to the floor `workspace`
/// sets, saying in `warnings` what it overrode.
pub(super) fn hold(
    workspace: &Config,
    nested: &Config,
    scope: &mut Scope,
    catalogue: &Catalogue,
    warnings: &mut Vec<String>,
) {
    let ours = |file: &Path| workspace.file.as_deref().is_some_and(|w| same_file(w, file));
    let org = workspace.selection();
    let floor: Vec<&Rule> =
        catalogue.rules().iter().filter(|r| names(&workspace.unsuppressible, r) && org.enabled(r)).collect();
    let mut warn = |key: &str, rule: &Rule, what: &str| {
        let (file, line) = match nested.set.get(key) {
            Some(origin) => (origin.file.as_path(), origin.line),
            None => (nested.file.as_deref().unwrap_or(Path::new("")), 1),
        };
        warnings.push(format!(
            "{}:{line}: `{key}` {what} {} ({}), which the run's configuration ({}) makes unsuppressible; overridden: it is reported here as elsewhere",
            config::shown(file),
            rule.code,
            rule.meta.name,
            workspace.file.as_deref().map_or(String::new(), config::shown),
        ));
    };
    let selection = &mut scope.selection;
    for rule in &floor {
        if !selection.enabled(rule) {
            let key = if names(&selection.ignore, rule) { "ignore" } else { "select" };
            warn(key, rule, "would turn off");
            selection.ignore = without(&selection.ignore, &floor, catalogue);
            if !selection.enabled(rule) {
                selection.extend_select.push(rule.code.to_string());
            }
        }
        // The organisation's own entries, taken through `extend`, are its choice.
        for entry in selection.per_file_ignores.iter_mut().filter(|e| e.root != workspace.root) {
            if names(&entry.rules, rule) {
                warn("per-file-ignores", rule, "would not report");
                entry.rules = without(&entry.rules, &floor, catalogue);
            }
        }
        let object_ignores_ours = nested.set.get("object-ignores").is_some_and(|o| ours(&o.file));
        for (_, rules) in selection.object_ignores.iter_mut().filter(|_| !object_ignores_ours) {
            if names(rules, rule) {
                warn("object-ignores", rule, "would not report");
                *rules = without(rules, &floor, catalogue);
            }
        }
        let least = org.severity(rule);
        if selection.severity(rule) < least {
            warn("severity", rule, "would lower");
            // Every entry naming it lower goes (`super-admin-service-account: info`,
            // `iam301: info` outrank a code by specificity or spelling), then the floor.
            selection.severities.retain(|selector, severity| {
                let s = selector.trim();
                *severity >= least || !(s.eq_ignore_ascii_case(&rule.code) || s.eq_ignore_ascii_case(&rule.meta.name))
            });
            selection.severities.insert(rule.code.to_string(), least);
        }
    }
    let suppress = &mut scope.suppress;
    for selector in &workspace.unsuppressible {
        if !suppress.unsuppressible.contains(selector) {
            suppress.unsuppressible.push(selector.clone());
        }
    }
    if workspace.require_suppression_reason && !suppress.require_reason {
        suppress.require_reason = true;
        if let Some(origin) = nested.set.get("require-suppression-reason").filter(|o| !ours(&o.file)) {
            warnings.push(format!(
                "{}:{}: `require-suppression-reason: false` is overridden: the run's configuration ({}) requires a reason for every suppression",
                config::shown(&origin.file),
                origin.line,
                workspace.file.as_deref().map_or(String::new(), config::shown),
            ));
        }
    }
}

/// Whether one of `selectors` names `rule`.
fn names(selectors: &[String], rule: &Rule) -> bool {
    Selection { select: Some(selectors.to_vec()), ..Selection::default() }.enabled(rule)
}

/// `selectors` naming none of `floor`: a selector that names one (`IAM3`, `ALL`) is replaced
/// by the codes of the other rules it names.
fn without(selectors: &[String], floor: &[&Rule], catalogue: &Catalogue) -> Vec<String> {
    let mut kept = Vec::new();
    for selector in selectors {
        let one = std::slice::from_ref(selector);
        if !floor.iter().any(|r| names(one, r)) {
            kept.push(selector.clone());
            continue;
        }
        let others = catalogue.rules().iter().filter(|r| names(one, r) && !floor.iter().any(|f| f.code == r.code));
        kept.extend(others.map(|r| r.code.to_string()));
    }
    kept
}

fn same_file(a: &Path, b: &Path) -> bool {
    a == b || a.canonicalize().ok().is_some_and(|a| b.canonicalize().ok() == Some(a))
}
