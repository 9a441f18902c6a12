//! IAM302 wildcard-role: a role granting `*` as a type or an action, or every type of the
//! vocabulary it is written in: an admin role under another name.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::access::{wildcard, Wildcard};
use crate::model::ObjectRef;

pub const RULE: Declaration = Declaration {
    code: "IAM302",
    name: "wildcard-role",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM302.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, role) in cx.ws.roles.iter().enumerate() {
        let Some(why) = wildcard(role) else { continue };
        let name = cx.ws.display_name(ObjectRef::Role(i));
        let (span, message) = match why {
            Wildcard::Star { span, on: None } => {
                (span, format!("role `{name}` grants `*` as a resource type: every type Kestra has, or will have"))
            }
            Wildcard::Star { span, on: Some(t) } => {
                (span, format!("role `{name}` grants `*` as an action on {t}: every action it has, or will have"))
            }
            Wildcard::EveryType(model) => (
                role.origin.span,
                format!("role `{name}` grants every resource type of the {} model, like the Admin role", model.label()),
            ),
        };
        out.push(
            Finding::new(CODE, span, message)
                .help("list the resource types and actions the role's holders need, and no more"),
        );
    }
}
