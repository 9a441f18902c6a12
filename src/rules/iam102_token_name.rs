//! IAM102 token-name: an API token name must match the provider's
//! `^[a-z0-9]+(?:-[a-z0-9]+)*$`, at most 63 characters.

use super::{edits, Context};
use crate::finding::{Finding, Fix};
use crate::model::{known_str, Reference, Target};
use crate::names::{self, NameRule};

pub const CODE: &str = "IAM102";

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
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
        let blocker = normalized.as_ref().and_then(|new| rename_blocker(cx, i, new));
        let help = match (&normalized, &blocker) {
            (Some(new), None) => {
                format!("rename it to `{new}`: lowercase words joined by single hyphens, at most 63 characters")
            }
            (Some(new), Some(why)) => format!("rename it (`{new}` would fit, but {why})"),
            (None, _) => "use lowercase a-z and 0-9 words joined by single hyphens".into(),
        };
        let fix = normalized.filter(|_| blocker.is_none()).map(|new| Fix {
            description: format!("rename `{name}` to `{new}`"),
            edits: vec![edits::replace_name(cx.ws, field.span, &new)],
        });
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix).reaching(&token.origin));
    }
}

/// Why renaming token `i` to `new` would clash: its owner already has a token by that name,
/// or another of its tokens would be renamed to it too.
fn rename_blocker(cx: &Context, i: usize, new: &str) -> Option<String> {
    let tokens = &cx.ws.tokens;
    let owner = &tokens[i].owner;
    let same_owner = |other: &Reference| match (owner.resolved, other.resolved) {
        (Some(a), Some(b)) => a == b,
        _ => owner.target == other.target && owner.target != Target::Unknown,
    };
    for (j, other) in tokens.iter().enumerate() {
        if j == i || !same_owner(&other.owner) {
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
