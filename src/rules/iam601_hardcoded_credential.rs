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
    reads_settings: false,
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
                .help(format!(
                    "{}; revoke and rotate this one: it stays in the history",
                    where_to_keep(&cx.ws.sources.get(c.span.file).path)
                ));
        if let Some((span, address)) = &c.used_by {
            finding = finding.label(*span, format!("used by `{address}`"));
        }
        out.push(finding);
    }
}

/// Where a credential belongs instead, in the terms of the file it was found in: a GitLab
/// job is told about CI/CD variables, not `secrets.X`.
fn where_to_keep(path: &std::path::Path) -> &'static str {
    let text = path.to_string_lossy();
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if name == ".gitlab-ci.yml" || text.contains(".gitlab/") {
        "store it as a masked, protected GitLab CI/CD variable and use `$KESTRA_API_TOKEN` in the job"
    } else if text.contains(".github/") {
        "store it as a GitHub Actions secret and reference it (`${{ secrets.KESTRA_API_TOKEN }}`)"
    } else if name.ends_with(".tf") || name.ends_with(".tfvars") || name.ends_with(".tf.json") || name.ends_with(".tfvars.json") {
        "declare a `sensitive` variable without default and set it from the environment (`TF_VAR_kestra_api_token`)"
    } else if name.ends_with(".sh") || name.ends_with(".bash") {
        "read it from the environment (`\"$KESTRA_API_TOKEN\"`), set by the CI system's secret store"
    } else {
        "keep it in a secret store and reference it (a Kestra flow: `{{ secret('KESTRA_API_TOKEN') }}`; CI: the CI system's secrets)"
    }
}
