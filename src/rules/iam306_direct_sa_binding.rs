//! IAM306 direct-sa-binding: a role bound to a service account itself rather than to a
//! group: access granted one bot at a time drifts and is hard to review.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::access::chain;
use crate::model::ObjectRef;

pub const RULE: Declaration = Declaration {
    code: "IAM306",
    name: "direct-sa-binding",
    severity: Severity::Info,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM306.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    for b in &ws.bindings {
        let Some(sa @ ObjectRef::ServiceAccount(_)) = b.principal.resolved else { continue };
        let role = match b.role.resolved {
            Some(r) => format!("role `{}`", ws.display_name(r)),
            None => "a role".to_string(),
        };
        out.push(
            Finding::new(CODE, b.origin.span, format!("{role} is bound directly to {}", chain::noun(ws, sa)))
                .label(b.principal.span, "bound to the service account itself")
                .label(ws.origin(sa).span, format!("{} defined here", chain::noun(ws, sa)))
                .help("put the service account in a group (e.g. `bots`) and bind the role to the group"),
        );
    }
}
