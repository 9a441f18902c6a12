//! IAM202 token-max-age-too-long: a max age above the configured maximum (P90D).

use super::{edits, Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};
use crate::duration;

pub const RULE: Declaration = Declaration {
    code: "IAM202",
    name: "token-max-age-too-long",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: true,
    fix: Fixes::Always(Safety::Unsafe),
    docs: include_str!("../../rules/IAM202.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    let limit = cx.settings.max_token_age;
    for token in &cx.ws.tokens {
        let Some(field) = token.max_age.as_ref().filter(|f| cx.wants(f.span)) else { continue };
        let Some(text) = field.known() else { continue };
        let Ok(age) = duration::parse(text) else { continue };
        if age <= limit {
            continue;
        }
        let fix = edits::replace_string(cx.ws, field.span, text, &limit.to_iso())
            .map(|edit| Fix { description: format!("lower the max age to {}", limit.to_iso()), edits: vec![edit] });
        out.push(
            Finding::new(
                CODE,
                field.span,
                format!(
                    "token max age {text} ({}) is above the maximum {} ({})",
                    age.human(),
                    limit.to_iso(),
                    limit.human()
                ),
            )
            .help(format!("lower it to {} or less and rotate the token", limit.to_iso()))
            .fix(fix)
            .reaching(&token.origin),
        );
    }
}
