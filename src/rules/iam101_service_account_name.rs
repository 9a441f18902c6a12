//! IAM101 service-account-name: a service-account name must be a DNS label.

use super::{edits, Context};
use crate::finding::{Finding, Fix};
use crate::model::{ObjectRef, Target};
use crate::names::{self, NameRule};
use crate::source::Span;
use std::collections::HashMap;
use std::sync::OnceLock;

pub const CODE: &str = "IAM101";

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Built on the first bad name only: scanning every reference once per finding is
    // quadratic on a large workspace.
    let by_name = OnceLock::new();
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
        let fix = normalized.as_ref().map(|new| {
            let refs = by_name.get_or_init(|| references_by_name(cx));
            rename(cx, refs, ObjectRef::ServiceAccount(i), field.span, name, new)
        });
        let help = match &normalized {
            Some(new) => format!("rename it to `{new}`: lowercase a-z, 0-9 and '-', at most 63 characters"),
            None => "use lowercase a-z, 0-9 and '-', starting and ending with a letter or digit".into(),
        };
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix));
    }
}

/// Every reference that names an account by a literal name, per account, in the order the
/// fix edits them: bindings, then memberships, then tokens.
fn references_by_name<'a>(cx: &Context<'a>) -> HashMap<ObjectRef, Vec<(&'a str, Span)>> {
    let ws = cx.ws;
    let mut map: HashMap<ObjectRef, Vec<(&str, Span)>> = HashMap::new();
    let refs = ws
        .bindings
        .iter()
        .map(|b| &b.principal)
        .chain(ws.memberships.iter().map(|m| &m.user))
        .chain(ws.tokens.iter().map(|t| &t.owner));
    for r in refs {
        if let (Some(object), Target::Name(name)) = (r.resolved, &r.target) {
            map.entry(object).or_default().push((name.as_str(), r.span));
        }
    }
    map
}

/// Renames the object and every reference that names it by its old name (references by
/// Terraform address or by id do not change).
fn rename(
    cx: &Context,
    refs: &HashMap<ObjectRef, Vec<(&str, Span)>>,
    object: ObjectRef,
    span: Span,
    old: &str,
    new: &str,
) -> Fix {
    let ws = cx.ws;
    let mut edits = vec![edits::replace_value(ws, span, new)];
    for &(name, at) in refs.get(&object).into_iter().flatten() {
        if name == old {
            edits.push(edits::replace_value(ws, at, new));
        }
    }
    Fix { description: format!("rename `{old}` to `{new}`"), edits }
}
