//! IAM301 super-admin-service-account: a bot with every permission on every tenant.

use super::Context;
use crate::finding::Finding;
use crate::model::known_str;

pub const CODE: &str = "IAM301";

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
