//! IAM204 invalid-duration: a max age Kestra's `java.time.Duration` rejects (`30d`, `P1Y`,
//! `P2W`), or a negative or fractional one.

use super::{edits, Context, Declaration, Fixes, Safety};
use crate::duration::{self, DurationError};
use crate::finding::{Finding, Fix, Severity};

pub const RULE: Declaration = Declaration {
    code: "IAM204",
    name: "invalid-duration",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Safe),
    docs: include_str!("../../rules/IAM204.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for token in &cx.ws.tokens {
        let Some(field) = &token.max_age else { continue };
        let Some(text) = field.known() else { continue };
        if text.trim().is_empty() {
            continue; // IAM201: an empty max age means "never expires"
        }
        let Err(error) = duration::parse(text) else { continue };
        // A heredoc's line break, shown as written rather than breaking the message.
        let shown = text.replace('\n', "\\n").replace('\r', "\\r").replace('\t', "\\t");
        let message = match &error {
            DurationError::Invalid { reason, .. } => format!("max age `{shown}` {reason}"),
            DurationError::Negative => format!("max age `{shown}` is negative"),
            DurationError::Fractional => format!("max age `{shown}` has a fraction of a second"),
        };
        let (help, fix) = match error.suggestion() {
            Some(s) => (
                format!("write `{s}`"),
                edits::replace_string(cx.ws, field.span, text, s)
                    .map(|edit| Fix { description: format!("replace with {s}"), edits: vec![edit] }),
            ),
            None => ("use days, hours, minutes or seconds, e.g. P30D, PT12H".to_string(), None),
        };
        out.push(Finding::new(CODE, field.span, message).help(help).fix(fix).reaching(&token.origin));
    }
}
