//! IAM503 legacy-permissions: a role written in the Kestra 1.x permission model (Terraform
//! `permissions {}` blocks, the READ action, or a type 2.0 renamed, merged or dropped).
//! Kestra 2.0 replaced CRUD actions with per-type actions; the fix migrates the role the
//! way the Terraform provider migrates its state.

use super::{legacy_migration, Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};
use crate::access::vocab::vocab;
use crate::model::{ObjectRef, PermissionStyle, Role};
use crate::source::Span;

pub const RULE: Declaration = Declaration {
    code: "IAM503",
    name: "legacy-permissions",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Unsafe),
    docs: include_str!("../../rules/IAM503.toml"),
};
pub const CODE: &str = RULE.code;

enum Mark {
    Block,
    Read,
    Type(String),
}

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for (i, role) in cx.ws.roles.iter().enumerate() {
        let mut marks = legacy_marks(role);
        if marks.is_empty() {
            continue;
        }
        marks.sort_by_key(|(span, _)| (span.file, span.start));
        let name = cx.ws.display_name(ObjectRef::Role(i));
        let mut help = "Kestra 2.0 replaced READ, CREATE, UPDATE and DELETE with per-resource actions and renamed, \
                        merged or dropped several types; `iamlint explain IAM503` shows the mapping"
            .to_string();
        let fix = match legacy_migration::migrate(cx.ws, role) {
            Ok(edits) => Some(Fix {
                description: "migrate the role to Kestra 2.0 resource actions, as the Terraform provider does".into(),
                edits,
            }),
            Err(why) => {
                help.push_str(&format!("; no automatic fix: {why}"));
                None
            }
        };
        let mut finding = Finding::new(
            CODE,
            marks[0].0,
            format!("role `{name}` uses the Kestra 1.x permission model: {}", summary(&marks)),
        )
        .help(help)
        .fix(fix);
        let blocks = role.grants.iter().any(|g| g.style == PermissionStyle::LegacyBlocks);
        if let (true, Some(pin)) = (blocks, super::provider_pin::blocking_v2(cx.ws, role.origin.span.file)) {
            finding = finding.label(pin.span, "this provider version has no `resources {}` block");
        }
        for (span, mark) in &marks[1..] {
            let label = match mark {
                Mark::Block => "1.x `permissions {}` block".to_string(),
                Mark::Read => "1.x action READ".to_string(),
                Mark::Type(t) => format!("1.x type {t}"),
            };
            finding = finding.label(*span, label);
        }
        out.push(finding);
    }
}

/// `permissions {} blocks, action READ, types SETTING and TEMPLATE`.
fn summary(marks: &[(Span, Mark)]) -> String {
    let mut parts = Vec::new();
    if marks.iter().any(|(_, m)| matches!(m, Mark::Block)) {
        parts.push("`permissions {}` blocks".to_string());
    }
    if marks.iter().any(|(_, m)| matches!(m, Mark::Read)) {
        parts.push("action READ".to_string());
    }
    let mut types: Vec<&str> = Vec::new();
    for (_, m) in marks {
        if let Mark::Type(t) = m {
            if !types.contains(&t.as_str()) {
                types.push(t);
            }
        }
    }
    match types.as_slice() {
        [] => {}
        [one] => parts.push(format!("type {one}")),
        [rest @ .., last] => parts.push(format!("types {} and {last}", rest.join(", "))),
    }
    parts.join(", ")
}

/// Every place that makes the role legacy.
fn legacy_marks(role: &Role) -> Vec<(Span, Mark)> {
    let v = vocab();
    let mut marks = Vec::new();
    for g in &role.grants {
        if g.style == PermissionStyle::LegacyBlocks {
            marks.push((Span::new(g.span.file, g.span.start, g.span.start + "permissions".len()), Mark::Block));
        }
        if let Some(t) = g.resource_type.known().filter(|t| v.is_v1_only_type(t)) {
            marks.push((g.resource_type.span, Mark::Type(t.clone())));
        }
        for a in g.actions.iter().filter(|a| a.known().is_some_and(|a| a == "READ")) {
            marks.push((a.span, Mark::Read));
        }
    }
    marks
}
