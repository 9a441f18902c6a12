//! IAM002 unknown-key: a key iamlint does not know inside a manifest section. A typo such
//! as `max_age` for `maxAge` silently disables the check that field feeds.

use super::{Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Severity};

pub const RULE: Declaration = Declaration {
    code: "IAM002",
    name: "unknown-key",
    severity: Severity::Warning,
    enabled: true,
    reads_settings: false,
    fix: Fixes::Sometimes(Safety::Unsafe),
    docs: include_str!("../../rules/IAM002.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for p in cx.ws.problems.iter().filter(|p| p.code == CODE) {
        let mut f = Finding::new(CODE, p.span, p.message.clone());
        f.help = p.help.clone();
        f.labels = p.labels.clone();
        f.fix = p.fix.as_deref().cloned();
        out.push(f);
    }
}
