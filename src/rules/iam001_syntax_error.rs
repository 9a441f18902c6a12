//! IAM001 syntax-error: a file that cannot be parsed. The front ends record the parser's
//! location; this rule turns those records into findings.

use super::Context;
use crate::finding::Finding;

pub const CODE: &str = "IAM001";

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for p in cx.ws.problems.iter().filter(|p| p.code == CODE) {
        let mut f = Finding::new(CODE, p.span, p.message.clone());
        f.help = p.help.clone();
        out.push(f);
    }
}
