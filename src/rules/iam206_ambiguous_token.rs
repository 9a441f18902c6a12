//! IAM206 ambiguous-token: an API token without a description on a service account that
//! has several tokens. When one of them leaks or must be rotated, nobody can tell which job
//! holds which token without revoking them all.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::model::{known_str, ObjectRef, Val};
use std::collections::BTreeMap;

pub const RULE: Declaration = Declaration {
    code: "IAM206",
    name: "ambiguous-token",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM206.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let mut by_owner: BTreeMap<ObjectRef, Vec<usize>> = BTreeMap::new();
    for (i, token) in ws.tokens.iter().enumerate() {
        if let Some(owner @ ObjectRef::ServiceAccount(_)) = token.owner.resolved {
            by_owner.entry(owner).or_default().push(i);
        }
    }
    for (owner, tokens) in by_owner.iter().filter(|(_, t)| t.len() > 1) {
        let account = ws.display_name(*owner);
        for &i in tokens {
            let token = &ws.tokens[i];
            // An unknown description (a variable) may well say what the token is for.
            let (span, what) = match &token.description {
                None => (token.origin.span, "has no description"),
                Some(d) => match &d.val {
                    Val::Null => (d.span, "has a null description"),
                    Val::Known(text) if text.trim().is_empty() => (d.span, "has an empty description"),
                    _ => continue,
                },
            };
            let name = known_str(&token.name).map_or_else(|| token.origin.address.clone(), |n| format!("`{n}`"));
            let message = format!("API token {name} {what}, and its service account `{account}` has {} tokens", tokens.len());
            out.push(
                Finding::new(CODE, span, message)
                    .help("say which job or system holds the token, so a leaked one can be revoked alone")
                    .label(ws.origin(*owner).span, format!("`{account}` owns {} tokens", tokens.len())),
            );
        }
    }
}
