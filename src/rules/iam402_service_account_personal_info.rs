//! IAM402 service-account-personal-info: a service account is not a person; email, names
//! and passwords on one are copy-paste from a user and a password is a credential.

use super::{edits, Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};
use crate::model::known_str;

pub const RULE: Declaration = Declaration {
    code: "IAM402",
    name: "service-account-personal-info",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Unsafe),
    docs: include_str!("../../rules/IAM402.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for sa in &cx.ws.service_accounts {
        let Some(first) = sa.personal_info.first() else { continue };
        let keys: Vec<&str> = sa.personal_info.iter().map(|p| p.key.as_str()).collect();
        let name = known_str(&sa.name).unwrap_or(&sa.origin.address);
        let removals: Option<Vec<_>> = sa.personal_info.iter().map(|p| edits::remove_lines(cx.ws, p.entry)).collect();
        let fix = removals.map(|edits| Fix { description: format!("remove {}", keys.join(", ")), edits });
        let mut finding = Finding::new(
            CODE,
            first.key_span,
            format!("service account `{name}` carries personal fields: {}", keys.join(", ")),
        )
        .help("service accounts have no email, name or password; they authenticate only with API tokens")
        .fix(fix);
        for p in &sa.personal_info[1..] {
            finding = finding.label(p.key_span, format!("`{}` here", p.key));
        }
        out.push(finding);
    }
}
