//! IAM103 duplicate-name: two service accounts, groups or roles with one name in one
//! tenant, or two tokens of one owner with one name. Kestra keeps only one of them.

use super::Context;
use crate::finding::Finding;
use crate::model::{Kind, Origin, Text};
use std::collections::HashMap;

pub const CODE: &str = "IAM103";

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let mut seen: HashMap<(Kind, String, String), crate::source::Span> = HashMap::new();
    let mut report = |kind: Kind, scope: String, field: &Option<Text>, origin: &Origin, what: &str| {
        let Some(field) = field else { return };
        let Some(name) = field.known() else { return };
        match seen.get(&(kind, scope.clone(), name.clone())) {
            Some(first) => out.push(
                Finding::new(CODE, field.span, format!("duplicate {} name `{name}`{what}", kind.noun()))
                    .label(*first, "first defined here")
                    .help("give each object its own name; Kestra would keep only one of them")
                    .reaching(origin),
            ),
            None => {
                seen.insert((kind, scope, name.clone()), field.span);
            }
        }
    };
    for sa in &ws.service_accounts {
        report(
            Kind::ServiceAccount,
            sa.origin.tenant.clone(),
            &sa.name,
            &sa.origin,
            &format!(" in tenant `{}`", sa.origin.tenant),
        );
    }
    for g in &ws.groups {
        report(Kind::Group, g.origin.tenant.clone(), &g.name, &g.origin, &format!(" in tenant `{}`", g.origin.tenant));
    }
    for r in &ws.roles {
        report(Kind::Role, r.origin.tenant.clone(), &r.name, &r.origin, &format!(" in tenant `{}`", r.origin.tenant));
    }
    for t in &ws.tokens {
        // Tokens are unique per owner; an unresolved owner has no scope to compare in.
        let Some(owner) = t.owner.resolved else { continue };
        report(Kind::Token, format!("{owner:?}"), &t.name, &t.origin, &format!(" for {}", ws.display_name(owner)));
    }
}
