//! IAM504 invalid-binding-type: a binding whose `type` is neither USER nor GROUP. Kestra
//! rejects it, so the apply (or import) fails, and the access it was meant to grant is not
//! there; a service account is bound as a USER.

use super::{edits, Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};

pub const RULE: Declaration = Declaration {
    code: "IAM504",
    name: "invalid-binding-type",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Unsafe),
    docs: include_str!("../../rules/IAM504.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for binding in &cx.ws.bindings {
        let Some(field) = &binding.principal_type else { continue };
        let Some(written) = field.known() else { continue };
        if matches!(written.as_str(), "USER" | "GROUP") {
            continue;
        }
        let shown = written.escape_debug().to_string();
        let message = format!("binding type `{shown}` is not one Kestra accepts: only USER and GROUP");
        let fix = meant(written).and_then(|right| {
            let edit = edits::replace_string(cx.ws, field.span, written, right)?;
            Some(Fix { description: format!("write {right}"), edits: vec![edit] })
        });
        let help = match meant(written) {
            Some("USER") if !written.eq_ignore_ascii_case("user") => {
                "a service account is bound as a user: `type: USER` with its id as the external id".to_string()
            }
            Some(right) => format!("write `{right}`: Kestra reads the type case-sensitively"),
            None => "bind a group (`GROUP`), or a user or service account (`USER`)".to_string(),
        };
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix).reaching(&binding.origin));
    }
}

/// The type a written one stands for: another case of USER or GROUP, or a service account,
/// which Kestra binds as a user.
fn meant(written: &str) -> Option<&'static str> {
    let folded: String = written.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase();
    match folded.as_str() {
        "USER" | "USERS" => Some("USER"),
        "GROUP" | "GROUPS" => Some("GROUP"),
        "SERVICEACCOUNT" | "SA" => Some("USER"),
        _ => None,
    }
}
