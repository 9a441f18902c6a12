//! IAM203 token-extended-expiry: `extended = true` moves the expiry forward on every use,
//! so a token in regular use never expires.

use super::edits::{self, Value};
use super::{Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};

pub const RULE: Declaration = Declaration {
    code: "IAM203",
    name: "token-extended-expiry",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Always(Safety::Unsafe),
    docs: include_str!("../../rules/IAM203.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for token in &cx.ws.tokens {
        let Some(field) = &token.extended else { continue };
        if field.known() != Some(&true) {
            continue;
        }
        let fix = edits::replace(cx.ws, field.span, Value::Bool(true), Value::Bool(false))
            .map(|edit| Fix { description: "set extended to false".into(), edits: vec![edit] });
        out.push(
            Finding::new(
                CODE,
                field.span,
                "token has a sliding expiry (`extended`): a token in regular use never expires",
            )
            .help("set it to false, and rotate the token on a schedule instead")
            .fix(fix)
            .reaching(&token.origin),
        );
    }
}
