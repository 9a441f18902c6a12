//! IAM502 unknown-permission: a resource type or action in neither of Kestra's vocabularies
//! (1.x CRUD, 2.0 per-type actions). Kestra rejects the role, or the permission never
//! matches anything; one finding per unknown value, each with its own suggestion.

use super::{edits, Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};
use crate::access::vocab::{vocab, Model};
use crate::model::{ObjectRef, Text};
use crate::suggest;

pub const RULE: Declaration = Declaration {
    code: "IAM502",
    name: "unknown-permission",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Unsafe),
    docs: include_str!("../../rules/IAM502.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let v = vocab();
    let all_types = v.all_types();
    let all_actions: Vec<&str> = v.valid_actions(crate::access::vocab::WILDCARD).unwrap_or_default();
    for (i, role) in cx.ws.roles.iter().enumerate() {
        let role_name = cx.ws.display_name(ObjectRef::Role(i));
        for grant in &role.grants {
            let Some(t) = grant.resource_type.known() else { continue };
            // The type the actions are checked against: the written one, or the only
            // plausible correction of a typo.
            let checked: Option<&str> = if v.is_known_type(t) {
                Some(t.as_str())
            } else {
                let near = suggest::near(t, all_types.iter().copied());
                out.push(report(
                    cx,
                    &grant.resource_type,
                    format!("unknown resource type `{t}` in role `{role_name}`"),
                    &near,
                    &format!("Kestra 2.0 resource types: {}", v.core_types(Model::V2).join(", ")),
                ));
                (near.len() == 1).then(|| near[0])
            };
            let valid = checked.and_then(|t| v.valid_actions(t)).unwrap_or_else(|| all_actions.clone());
            for action in &grant.actions {
                let Some(a) = action.known() else { continue };
                if valid.contains(&a.as_str()) {
                    continue;
                }
                let near = suggest::near(a, valid.iter().copied());
                let message = match checked {
                    Some(t) if all_actions.contains(&a.as_str()) => format!("`{a}` is not an action of {t}"),
                    _ => format!("unknown action `{a}` in role `{role_name}`"),
                };
                let listing = match checked {
                    Some(t) => format!(
                        "{t} accepts {}",
                        valid.iter().filter(|x| **x != "*").copied().collect::<Vec<_>>().join(", ")
                    ),
                    None => "fix the resource type first; its valid actions follow from it".to_string(),
                };
                out.push(report(cx, action, message, &near, &listing));
            }
        }
    }
}

fn report(cx: &Context, field: &Text, message: String, near: &[&str], otherwise: &str) -> Finding {
    let help = match near {
        [] => otherwise.to_string(),
        [one] => format!("did you mean `{one}`?"),
        many => {
            format!("did you mean one of {}?", many.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "))
        }
    };
    let fix = match (near, field.known()) {
        ([one], Some(old)) => edits::replace_string(cx.ws, field.span, old, one)
            .map(|edit| Fix { description: format!("replace with {one}"), edits: vec![edit] }),
        _ => None,
    };
    Finding::new(CODE, field.span, message).help(help).fix(fix)
}
