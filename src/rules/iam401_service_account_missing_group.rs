//! IAM401 service-account-missing-group: a service account in no group escapes the
//! group-level governance ("Bots") that CI/CD access is meant to go through.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::model::{known_str, ObjectRef, Origin, Target};
use std::collections::{HashMap, HashSet};

pub const RULE: Declaration = Declaration {
    code: "IAM401",
    name: "service-account-missing-group",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM401.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let members: HashSet<ObjectRef> = ws.memberships.iter().filter_map(|m| m.user.resolved).collect();
    // A membership whose user iamlint cannot evaluate might name any account of its tenant.
    // (in its deployment: another deployment's tenant of the same name is another instance's)
    // By tenant, then deployment (`None`: every deployment): a lookup per account, where a
    // scan of every opaque membership made the rule accounts × memberships.
    let mut opaque: HashMap<&str, HashSet<Option<&str>>> = HashMap::new();
    for m in ws.memberships.iter().filter(|m| m.user.target == Target::Unknown) {
        opaque.entry(m.origin.tenant.as_str()).or_default().insert(m.origin.deployment.as_deref());
    }
    for (i, sa) in ws.service_accounts.iter().enumerate() {
        if !sa.groups.is_empty() || !sa.groups_known || members.contains(&ObjectRef::ServiceAccount(i)) {
            continue;
        }
        if opaque.get(sa.origin.tenant.as_str()).is_some_and(|deployments| seen_by(deployments, &sa.origin)) {
            continue;
        }
        let name = known_str(&sa.name).unwrap_or(&sa.origin.address);
        out.push(
            Finding::new(CODE, sa.origin.span, format!("service account `{name}` is in no group"))
                .help("add it to a group (e.g. `bots`) and bind roles to the group, not to the account"),
        );
    }
}

/// Whether an opaque membership in one of `deployments` shares a deployment with `origin`
/// (`Origin::shares_deployment`: the same one, or either in every deployment).
fn seen_by(deployments: &HashSet<Option<&str>>, origin: &Origin) -> bool {
    match origin.deployment.as_deref() {
        None => !deployments.is_empty(),
        Some(d) => deployments.contains(&None) || deployments.contains(&Some(d)),
    }
}
