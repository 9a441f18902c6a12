//! IAM101 service-account-name: a service-account name must be a DNS label.

use super::{edits, Context};
use crate::finding::{Finding, Fix};
use crate::model::{known_str, ObjectRef, Target};
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
        let blocker = normalized.as_ref().and_then(|new| rename_blocker(cx, i, name, new));
        let fix = match (&normalized, &blocker) {
            (Some(new), None) => Some(rename(cx, ObjectRef::ServiceAccount(i), field.span, name, new)),
            _ => None,
        };
        let help = match (&normalized, blocker) {
            (Some(new), None) => format!("rename it to `{new}`: lowercase a-z, 0-9 and '-', at most 63 characters"),
            (Some(new), Some(why)) => format!("rename it (`{new}` would fit, but {why})"),
            (None, _) => "use lowercase a-z, 0-9 and '-', starting and ending with a letter or digit".into(),
        };
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix).reaching(&sa.origin));
    }
}

/// Why renaming service account `i` from `old` to `new` would not be safe: the new name is
/// taken in its tenant (service accounts and users share one namespace for bindings and
/// memberships), another account would be renamed to it too, or its id is the old name (so
/// references by that name may mean the id).
fn rename_blocker(cx: &Context, i: usize, old: &str, new: &str) -> Option<String> {
    let ws = cx.ws;
    let sa = &ws.service_accounts[i];
    let tenant = &sa.origin.tenant;
    if known_str(&sa.id) == Some(old) {
        return Some(format!("its id is also `{old}`, and references by that name may mean the id"));
    }
    let taken = format!("`{new}` is already taken in tenant `{tenant}`");
    for (j, other) in ws.service_accounts.iter().enumerate() {
        if j == i || &other.origin.tenant != tenant {
            continue;
        }
        if known_str(&other.id) == Some(new) || known_str(&other.name) == Some(new) {
            return Some(taken);
        }
        if let Some(other_name) = known_str(&other.name) {
            if !names::check(other_name, NameRule::DnsLabel).is_empty()
                && names::normalize(other_name).as_deref() == Some(new)
            {
                return Some(format!("`{other_name}` would be renamed to `{new}` too"));
            }
        }
    }
    let user_taken = ws
        .users
        .iter()
        .any(|u| &u.origin.tenant == tenant && [&u.id, &u.name, &u.email].iter().any(|f| known_str(f) == Some(new)));
    user_taken.then_some(taken)
}

/// Renames the object and every reference that names it by its old name (references by
/// Terraform address or by id do not change).
fn rename(cx: &Context, object: ObjectRef, span: crate::source::Span, old: &str, new: &str) -> Fix {
    let ws = cx.ws;
    let mut edits = vec![edits::replace_name(ws, span, new)];
    let by_name = |r: &crate::model::Reference| r.resolved == Some(object) && r.target == Target::Name(old.to_string());
    for b in &ws.bindings {
        if by_name(&b.principal) {
            edits.push(edits::replace_name(ws, b.principal.span, new));
        }
    }
    for m in &ws.memberships {
        if by_name(&m.user) {
            edits.push(edits::replace_name(ws, m.user.span, new));
        }
    }
    for t in &ws.tokens {
        if by_name(&t.owner) {
            edits.push(edits::replace_name(ws, t.owner.span, new));
        }
    }
    Fix { description: format!("rename `{old}` to `{new}`"), edits }
}
