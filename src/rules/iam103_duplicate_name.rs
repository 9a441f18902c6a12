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
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM103.toml"),
};
pub const CODE: &str = RULE.code;

/// Where names must be unique: a tenant, or (for tokens) one owner.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Scope<'a> {
    Tenant(&'a str),
    Owner(ObjectRef),
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let mut seen = Seen::new();
    let in_tenant = |tenant: &str| format!(" in tenant `{tenant}`");
    for sa in &ws.service_accounts {
        let tenant = sa.origin.tenant.as_str();
        seen.report(out, Kind::ServiceAccount, Scope::Tenant(tenant), &sa.name, &sa.origin, || in_tenant(tenant));
    }
    for g in &ws.groups {
        let tenant = g.origin.tenant.as_str();
        seen.report(out, Kind::Group, Scope::Tenant(tenant), &g.name, &g.origin, || in_tenant(tenant));
    }
    for r in &ws.roles {
        let tenant = r.origin.tenant.as_str();
        seen.report(out, Kind::Role, Scope::Tenant(tenant), &r.name, &r.origin, || in_tenant(tenant));
    }
    for t in &ws.tokens {
        // Tokens are unique per owner; an unresolved owner has no scope to compare in.
        let Some(owner) = t.owner.resolved else { continue };
        seen.report(out, Kind::Token, Scope::Owner(owner), &t.name, &t.origin, || {
            format!(" for {}", ws.display_name(owner))
        });
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
