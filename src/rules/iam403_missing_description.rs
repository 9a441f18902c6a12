//! IAM403 missing-description (opt-in): a service account, token, group or role that does
//! not say what it is for. Reviewers and auditors read descriptions to decide whether a
//! bot still needs its rights.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::model::{known_str, Origin, Text, Val};

pub const RULE: Declaration = Declaration {
    code: "IAM403",
    name: "missing-description",
    severity: Severity::Info,
    enabled: false,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM403.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let ws = cx.ws;
    let objects = ws
        .service_accounts
        .iter()
        .map(|x| ("service account", &x.origin, &x.name, &x.description))
        .chain(ws.tokens.iter().map(|x| ("API token", &x.origin, &x.name, &x.description)))
        .chain(ws.groups.iter().map(|x| ("group", &x.origin, &x.name, &x.description)))
        .chain(ws.roles.iter().map(|x| ("role", &x.origin, &x.name, &x.description)));
    for (noun, origin, name, description) in objects {
        if let Some(finding) = missing(noun, origin, name, description) {
            out.push(finding);
        }
    }
}

fn missing(noun: &str, origin: &Origin, name: &Option<Text>, description: &Option<Text>) -> Option<Finding> {
    let (span, what) = match description {
        None => (origin.span, "has no description"),
        Some(field) => match &field.val {
            Val::Null => (field.span, "has a null description"),
            Val::Known(text) if text.trim().is_empty() => (field.span, "has an empty description"),
            _ => return None,
        },
    };
    let label = known_str(name).map_or_else(|| origin.address.clone(), |n| format!("`{n}`"));
    Some(
        Finding::new(CODE, span, format!("{noun} {label} {what}"))
            .help("say what it is for and who owns it, so reviewers can tell whether it still needs its rights"),
    )
}
