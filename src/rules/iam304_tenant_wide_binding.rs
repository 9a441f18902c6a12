//! IAM304 tenant-wide-binding: a binding that reaches a service account (directly or through
//! a group) where neither the binding nor its role has a namespace: the bot holds the role
//! on every namespace of the tenant, present and future.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Label, Severity};
use crate::access::{chain, scope::Scope};
use crate::model::ObjectRef;
use std::collections::BTreeMap;

pub const RULE: Declaration = Declaration {
    code: "IAM304",
    name: "tenant-wide-binding",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM304.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    // binding -> the service accounts it reaches tenant-wide, with how.
    let mut reached: BTreeMap<usize, Vec<(ObjectRef, Option<Label>)>> = BTreeMap::new();
    for p in cx.access().principals() {
        // IAM301 already reports a super admin.
        if !matches!(p.object, ObjectRef::ServiceAccount(_)) || p.super_admin.is_some() {
            continue;
        }
        for path in p.paths.iter().filter(|path| path.scope == Some(Scope::Tenant)) {
            // A principal reaches a binding once: the binding names it, or one of its groups
            // (each listed once), so no account is pushed twice.
            reached.entry(path.binding).or_default().push((p.object, chain::membership_label(ws, p.object, path)));
        }
    }
    for (bi, accounts) in reached {
        let b = &ws.bindings[bi];
        let Some(ObjectRef::Role(role)) = b.role.resolved else { continue };
        let role_name = ws.display_name(ObjectRef::Role(role));
        let to = match b.principal.resolved {
            Some(o) => format!(" to {}", chain::noun(ws, o)),
            None => String::new(),
        };
        let names: Vec<String> = accounts.iter().map(|(o, _)| format!("`{}`", ws.display_name(*o))).collect();
        let mut finding = Finding::new(
            CODE,
            b.origin.span,
            format!(
                "binding of role `{role_name}`{to} has no namespace, and neither has the role: {} {} it on the whole tenant",
                names.join(", "),
                if names.len() == 1 { "holds" } else { "hold" }
            ),
        )
        .label(ws.roles[role].origin.span, format!("role `{role_name}` has no namespace"))
        .help("set `namespace` on the binding (or the role) to the namespaces the bot works in");
        for (object, link) in accounts {
            finding = match link {
                Some(l) => finding.label(l.span, l.message),
                None => finding.label(ws.origin(object).span, format!("{} is bound directly", chain::noun(ws, object))),
            };
        }
        finding.labels = chain::dedup(finding.labels);
        out.push(finding);
    }
}
