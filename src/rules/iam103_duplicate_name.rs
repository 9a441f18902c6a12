//! IAM103 duplicate-name: two service accounts, groups or roles with one name in one
//! tenant, or two tokens of one owner with one name. Kestra keeps only one of them.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::model::{Kind, ObjectRef, Origin, Text};
use crate::source::Span;
use std::collections::HashMap;

pub const RULE: Declaration = Declaration {
    code: "IAM103",
    name: "duplicate-name",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM103.toml"),
};
pub const CODE: &str = RULE.code;

/// Where names must be unique: a tenant of a deployment, or (for tokens) one owner.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Scope<'a> {
    Tenant(Option<&'a str>, &'a str),
    Owner(ObjectRef),
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let mut seen = Seen::new();
    // A manifest in no deployment is in each of them: its names count in every one.
    let mut deployments: Vec<&str> = ws
        .service_accounts
        .iter()
        .map(|x| &x.origin)
        .chain(ws.groups.iter().map(|x| &x.origin))
        .chain(ws.roles.iter().map(|x| &x.origin))
        .filter_map(|o| o.deployment.as_deref())
        .collect();
    deployments.sort_unstable();
    deployments.dedup();
    let several = deployments.len() > 1;
    let where_ = |deployment: Option<&str>, tenant: &str| match deployment {
        Some(d) if several => format!(" in tenant `{tenant}` of deployment `{d}`"),
        _ => format!(" in tenant `{tenant}`"),
    };
    let named = ws
        .service_accounts
        .iter()
        .map(|x| (Kind::ServiceAccount, &x.name, &x.origin))
        .chain(ws.groups.iter().map(|x| (Kind::Group, &x.name, &x.origin)))
        .chain(ws.roles.iter().map(|x| (Kind::Role, &x.name, &x.origin)));
    // Objects grouped by kind, tenant and name first: a manifest object counts in every
    // deployment, and comparing it scope by scope for every object would cost objects ×
    // deployments. Only a name written twice needs the scopes.
    let mut by_name: HashMap<(Kind, &str, &str), Vec<Named<'_>>> = HashMap::new();
    for (kind, field, origin) in named {
        let tenant = origin.tenant.as_str();
        // Two objects in tenants iamlint cannot evaluate may be in different tenants.
        if tenant == crate::resolve::UNKNOWN_TENANT {
            continue;
        }
        let Some(name) = field.as_ref().and_then(Text::known) else { continue };
        by_name.entry((kind, tenant, name.as_str())).or_default().push((field, origin));
    }
    let mut repeated: Vec<_> = by_name.into_iter().filter(|(_, same)| same.len() > 1).collect();
    // The workspace's order, whatever the hash map's: the first written is "first defined".
    repeated.sort_unstable_by_key(|(_, same)| same[0].0.as_ref().map(|t| t.span));
    for ((kind, tenant, _), same) in repeated {
        for (field, origin) in same {
            for deployment in scopes(origin, &deployments) {
                seen.report(out, kind, Scope::Tenant(deployment, tenant), field, origin, || where_(deployment, tenant));
            }
        }
    }
    for t in &ws.tokens {
        // Tokens are unique per owner; an unresolved owner has no scope to compare in.
        let Some(owner) = t.owner.resolved else { continue };
        seen.report(out, Kind::Token, Scope::Owner(owner), &t.name, &t.origin, || {
            format!(" for {}", ws.display_name(owner))
        });
    }
}

/// An object's name field and where it comes from.
type Named<'w> = (&'w Option<Text>, &'w Origin);

/// The deployments whose names `origin`'s object takes.
fn scopes<'w>(origin: &'w Origin, deployments: &[&'w str]) -> Vec<Option<&'w str>> {
    match origin.deployment.as_deref() {
        Some(d) => vec![Some(d)],
        None if deployments.is_empty() => vec![None],
        None => deployments.iter().map(|d| Some(*d)).collect(),
    }
}

/// The first object of each name, by kind and scope. Keys borrow from the workspace and the
/// message suffix is built only for a duplicate: this runs over every object.
struct Seen<'a>(HashMap<(Kind, Scope<'a>, &'a str), Span>);

impl<'a> Seen<'a> {
    fn new() -> Self {
        Seen(HashMap::new())
    }

    fn report(
        &mut self,
        out: &mut Vec<Finding>,
        kind: Kind,
        scope: Scope<'a>,
        field: &'a Option<Text>,
        origin: &Origin,
        what: impl FnOnce() -> String,
    ) {
        let Some(field) = field else { return };
        let Some(name) = field.known() else { return };
        match self.0.get(&(kind, scope, name.as_str())) {
            Some(first) => out.push(
                Finding::new(CODE, field.span, format!("duplicate {} name `{name}`{}", kind.noun(), what()))
                    .label(*first, "first defined here")
                    .help("give each object its own name; Kestra would keep only one of them")
                    .reaching(origin),
            ),
            None => {
                self.0.insert((kind, scope, name.as_str()), field.span);
            }
        }
    }
}
