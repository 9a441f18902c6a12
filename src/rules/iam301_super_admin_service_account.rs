//! IAM301 super-admin-service-account: a bot with every permission on every tenant.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};
use crate::model::known_str;

pub const RULE: Declaration = Declaration {
    code: "IAM301",
    name: "super-admin-service-account",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM301.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for sa in &cx.ws.service_accounts {
        let Some(flag) = &sa.super_admin else { continue };
        if flag.known() != Some(&true) {
            continue;
        }
        let name = known_str(&sa.name).unwrap_or(&sa.origin.address);
        out.push(
            Finding::new(CODE, flag.span, format!("service account `{name}` is a super admin"))
                .label(sa.origin.span, "service account defined here")
                .help("grant a role with only the permissions it needs, through a group, limited to its namespaces"),
        );
    }
}
