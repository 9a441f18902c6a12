//! IAM001 syntax-error: a file that cannot be parsed. The front ends record the parser's
//! location; this rule turns those records into findings.

use super::{Context, Declaration, Fixes};
use crate::finding::{Finding, Severity};

pub const RULE: Declaration = Declaration {
    code: "IAM001",
    name: "syntax-error",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
    fix: Fixes::None,
    docs: include_str!("../../rules/IAM001.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for p in cx.ws.problems.iter().filter(|p| p.code == CODE) {
        let mut f = Finding::new(CODE, p.span, p.message.clone());
        f.help = p.help.clone();
        out.push(f);
    }
}
