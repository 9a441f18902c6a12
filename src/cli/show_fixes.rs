//! `check --fix --show-fixes`: what the fixes changed, per file and rule, as ruff lists it.

use iamlint::catalogue::Catalogue;
use iamlint::fix::Applied;
use iamlint::render::escape;
use std::collections::BTreeMap;

/// ```text
/// Fixes applied:
/// - iam/tokens.tf:
///     2 × IAM204 (invalid-duration)
/// ```
pub fn list(fixed: &[Applied], catalogue: &Catalogue) -> String {
    if fixed.is_empty() {
        return "No fixes applied.".to_string();
    }
    let mut by_file: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for a in fixed {
        *by_file.entry(a.file.as_str()).or_default().entry(a.code.as_str()).or_default() += 1;
    }
    let mut out = String::from("Fixes applied:");
    for (file, codes) in by_file {
        out.push_str(&format!("\n- {}:", escape::line(file)));
        for (code, n) in codes {
            out.push_str(&format!("\n    {n} × {} ({})", escape::line(code), escape::line(catalogue.name_of(code))));
        }
    }
    out
}
