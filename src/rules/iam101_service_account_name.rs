//! IAM101 service-account-name: a service-account name must be a DNS label.

use super::{edits, Context};
use crate::finding::{Finding, Fix};
use crate::model::{ObjectRef, Target};
use crate::names::{self, NameRule};

pub const CODE: &str = "IAM101";

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, sa) in cx.ws.service_accounts.iter().enumerate() {
        let Some(field) = &sa.name else { continue };
        let Some(name) = field.known() else { continue };
        let problems = names::check(name, NameRule::DnsLabel);
        if problems.is_empty() {
            continue;
        }
        let reasons: Vec<String> = problems.iter().map(|p| p.describe()).collect();
        let message = format!("service account name `{name}` {}", reasons.join("; "));
        let normalized = names::normalize(name);
        let fix = normalized.as_ref().map(|new| rename(cx, ObjectRef::ServiceAccount(i), field.span, name, new));
        let help = match &normalized {
            Some(new) => format!("rename it to `{new}`: lowercase a-z, 0-9 and '-', at most 63 characters"),
            None => "use lowercase a-z, 0-9 and '-', starting and ending with a letter or digit".into(),
        };
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix).reaching(&sa.origin));
    }
}

/// Renames the object and every reference that names it by its old name (references by
/// Terraform address or by id do not change).
fn rename(cx: &Context, object: ObjectRef, span: crate::source::Span, old: &str, new: &str) -> Fix {
    let ws = cx.ws;
    let mut edits = vec![edits::replace_value(ws, span, new)];
    let by_name = |r: &crate::model::Reference| r.resolved == Some(object) && r.target == Target::Name(old.to_string());
    for b in &ws.bindings {
        if by_name(&b.principal) {
            edits.push(edits::replace_value(ws, b.principal.span, new));
        }
    }
    for m in &ws.memberships {
        if by_name(&m.user) {
            edits.push(edits::replace_value(ws, m.user.span, new));
        }
    }
    for t in &ws.tokens {
        if by_name(&t.owner) {
            edits.push(edits::replace_value(ws, t.owner.span, new));
        }
    }
    Fix { description: format!("rename `{old}` to `{new}`"), edits }
}
