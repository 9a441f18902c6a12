//! IAM601 hardcoded-credential: a literal API token, password or JWT committed to the
//! repository — in a provider block, a `kestra_user_password`, a manifest, a CI workflow
//! or a script. The front ends find them (and mark them for redaction); the value itself
//! never reaches a message: its SHA-256 fingerprint does (`sha256:1a2b3c4d`), so that two
//! findings on one value can be told from two values.
//!
//! IAM402 reports a `password` key on a service account because the field does not belong
//! there; this rule reports the literal value because it is a leaked secret. A password
//! written as a reference (`${{ secrets.X }}`) is IAM402 only; a literal one is both, and
//! each fix is needed: removing the field does not un-leak the value.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use std::collections::HashSet;

pub const RULE: Declaration = Declaration {
    code: "IAM601",
    name: "hardcoded-credential",
    severity: Severity::Error,
    enabled: true,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM601.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let mut seen = HashSet::new();
    for c in &cx.ws.credentials {
        // One finding per value, however many blocks use it.
        if !seen.insert(c.span) {
            continue;
        }
        let mut finding =
            Finding::new(CODE, c.span, format!("hardcoded {} ({}) in {}", c.kind.noun(), c.fingerprint, c.context))
                .help(
                "keep it in a secret store and reference it (`${{ secrets.KESTRA_API_TOKEN }}`, `$KESTRA_API_TOKEN`, \
                 a sensitive variable without default); revoke and rotate this one: it stays in the history",
            );
        if let Some((span, address)) = &c.used_by {
            finding = finding.label(*span, format!("used by `{address}`"));
        }
        out.push(finding);
    }
}
