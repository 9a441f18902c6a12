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
use crate::model::known_str;
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
    let names: HashSet<String> = object_names(cx.ws).map(str::to_ascii_lowercase).collect();
    for c in &cx.ws.credentials {
        // One finding per value, however many blocks use it.
        if !seen.insert(c.span) {
            continue;
        }
        let text = cx.ws.sources.get(c.span.file).text.get(c.span.start..c.span.end).unwrap_or_default();
        let weak = weakness(text, &names);
        let (said, advice) = match weak {
            Some(why) => (format!(", weak: {why}"), "; choose a generated one: this one can be guessed"),
            None => (String::new(), ""),
        };
        let mut finding = Finding::new(
            CODE,
            c.span,
            format!("hardcoded {} ({}{said}) in {}", c.kind.noun(), c.fingerprint, c.context),
        )
        .help(format!(
            "{}; revoke and rotate this one: it stays in the history{advice}",
            where_to_keep(&cx.ws.sources.get(c.span.file).path)
        ));
        if let Some((span, address)) = &c.used_by {
            finding = finding.label(*span, format!("used by `{address}`"));
        }
        out.push(finding);
    }
}

/// Credentials shorter than this are weak: a guess finds them.
const MIN_STRONG: usize = 8;

/// Why a credential's text is weak, if it is: short, a single word, or the name of an
/// object of the workspace. Such a text recurs in ordinary words and names, where every
/// output still stars it (a secret is never printed, however common): the finding says so,
/// so that starred words in other messages are understood, and each finding stays
/// identified by its place (file, line, object address), not by a name the star may hide.
fn weakness(text: &str, names: &HashSet<String>) -> Option<&'static str> {
    if text.chars().count() < MIN_STRONG {
        Some("shorter than 8 characters")
    } else if names.contains(&text.to_ascii_lowercase()) {
        Some("the name of an object of the workspace")
    } else if text.chars().all(|c| c.is_alphabetic()) {
        Some("a single word")
    } else {
        None
    }
}

fn object_names(ws: &crate::model::Workspace) -> impl Iterator<Item = &str> {
    let sa = ws.service_accounts.iter().filter_map(|o| known_str(&o.name));
    let users = ws.users.iter().filter_map(|o| known_str(&o.name));
    let groups = ws.groups.iter().filter_map(|o| known_str(&o.name));
    let roles = ws.roles.iter().filter_map(|o| known_str(&o.name));
    let tokens = ws.tokens.iter().filter_map(|o| known_str(&o.name));
    sa.chain(users).chain(groups).chain(roles).chain(tokens)
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
