//! IAM203 token-extended-expiry: `extended = true` moves the expiry forward on every use,
//! so a token in regular use never expires.

use super::{edits, Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};

pub const RULE: Declaration = Declaration {
    code: "IAM203",
    name: "token-extended-expiry",
    severity: Severity::Warning,
    enabled: true,
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
        let fix = Fix {
            description: "set extended to false".into(),
            edits: vec![edits::replace_value(cx.ws, field.span, "false")],
        };
        out.push(
            Finding::new(
                CODE,
                field.span,
                "token has a sliding expiry (`extended`): a token in regular use never expires",
            )
            .help("set it to false, and rotate the token on a schedule instead")
            .fix(Some(fix))
            .reaching(&token.origin),
        );
    }
}
