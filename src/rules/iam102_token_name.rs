//! IAM102 token-name: an API token name must match the provider's
//! `^[a-z0-9]+(?:-[a-z0-9]+)*$`, at most 63 characters.

use super::{edits, moved, Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};
use crate::model::{known_str, ObjectRef, Reference, Target};
use crate::names::{self, NameRule};
use std::collections::HashMap;
use std::sync::OnceLock;

pub const RULE: Declaration = Declaration {
    code: "IAM102",
    name: "token-name",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Unsafe),
    docs: include_str!("../../rules/IAM102.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    // Built on the first bad name only: scanning every token once per finding is quadratic
    // on a large workspace.
    let owners = OnceLock::new();
    for (i, token) in cx.ws.tokens.iter().enumerate() {
        let Some(field) = &token.name else { continue };
        let Some(name) = field.known() else { continue };
        let problems = names::check(name, NameRule::TokenName);
        if problems.is_empty() {
            continue;
        }
        let reasons: Vec<String> = problems.iter().map(|p| p.describe()).collect();
        let message = format!("API token name `{name}` {}", reasons.join("; "));
        let normalized = names::normalize(name);
        let moves = normalized.as_ref().map(|new| moved::key_rename(cx.ws, &token.origin, field.span, name, new));
        let blocker = match &moves {
            Some(Err(why)) => Some(why.clone()),
            _ => normalized.as_ref().and_then(|new| rename_blocker(cx, owners.get_or_init(|| Owners::build(cx)), i, new)),
        };
        let help = match (&normalized, &blocker) {
            (Some(new), None) => {
                format!("rename it to `{new}`: lowercase words joined by single hyphens, at most 63 characters")
            }
            (Some(new), Some(why)) => format!("rename it (`{new}` would fit, but {why})"),
            (None, _) => "use lowercase a-z and 0-9 words joined by single hyphens".into(),
        };
        let fix = normalized.filter(|_| blocker.is_none()).and_then(|new| {
            let edit = edits::replace_string(cx.ws, field.span, name, &new)
                .or_else(|| moved::bare_key(cx.ws, field.span, name, &new))?;
            let fix = Fix { description: format!("rename `{name}` to `{new}`"), edits: vec![edit] };
            Some(super::iam101_service_account_name::with_moves(fix, moves?.ok()?))
        });
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix).reaching(&token.origin));
    }
}

/// An owner reference as written, for grouping tokens whose owner did not resolve.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Written<'a> {
    Address(&'a str),
    Name(&'a str),
    External(&'a str),
    Direct(ObjectRef),
}

fn written(target: &Target) -> Option<Written<'_>> {
    match target {
        Target::Address(a) => Some(Written::Address(a)),
        Target::Name(n) => Some(Written::Name(n)),
        Target::External(e) => Some(Written::External(e)),
        Target::Direct(o) => Some(Written::Direct(*o)),
        Target::Unknown => None,
    }
}

/// Tokens grouped by owner, each group in token order.
struct Owners<'a> {
    by_resolved: HashMap<ObjectRef, Vec<usize>>,
    by_written: HashMap<Written<'a>, Vec<usize>>,
}

impl<'a> Owners<'a> {
    fn build(cx: &Context<'a>) -> Self {
        let mut by_resolved: HashMap<ObjectRef, Vec<usize>> = HashMap::new();
        let mut by_written: HashMap<Written, Vec<usize>> = HashMap::new();
        for (j, t) in cx.ws.tokens.iter().enumerate() {
            if let Some(o) = t.owner.resolved {
                by_resolved.entry(o).or_default().push(j);
            }
            if let Some(w) = written(&t.owner.target) {
                by_written.entry(w).or_default().push(j);
            }
        }
        Owners { by_resolved, by_written }
    }

    /// The tokens of the same owner as `owner`, in token order: those resolved to the same
    /// object, and (where either side did not resolve) those written the same way.
    fn candidates(&self, cx: &Context, owner: &Reference) -> Vec<usize> {
        let tokens = &cx.ws.tokens;
        let resolved = owner.resolved.and_then(|o| self.by_resolved.get(&o)).map_or(&[][..], Vec::as_slice);
        let same_text = written(&owner.target).and_then(|w| self.by_written.get(&w)).map_or(&[][..], Vec::as_slice);
        let mut out: Vec<usize> = resolved.to_vec();
        out.extend(same_text.iter().filter(|&&j| owner.resolved.is_none() || tokens[j].owner.resolved.is_none()));
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Why renaming token `i` to `new` would clash: its owner already has a token by that name,
/// or another of its tokens would be renamed to it too.
fn rename_blocker(cx: &Context, owners: &Owners, i: usize, new: &str) -> Option<String> {
    let tokens = &cx.ws.tokens;
    // `candidates` holds exactly the tokens of the same owner.
    for j in owners.candidates(cx, &tokens[i].owner) {
        let other = &tokens[j];
        if j == i {
            continue;
        }
        let Some(name) = known_str(&other.name) else { continue };
        if name == new {
            return Some(format!("its owner already has a token named `{new}`"));
        }
        if !names::check(name, NameRule::TokenName).is_empty() && names::normalize(name).as_deref() == Some(new) {
            return Some(format!("`{name}` would be renamed to `{new}` too"));
        }
    }
    None
}
