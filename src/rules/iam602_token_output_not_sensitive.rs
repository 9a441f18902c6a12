//! IAM602 token-output-not-sensitive: a Terraform `output` that exposes an API token
//! (`full_token`, or the whole token resource) without `sensitive = true` prints the token
//! in every plan and apply log, which CI keeps.

use super::edits::{self, Value};
use super::{Context, Declaration, Fixes, Safety};
use crate::finding::{Finding, Fix, Severity};
use crate::model::Val;

pub const RULE: Declaration = Declaration {
    code: "IAM602",
    name: "token-output-not-sensitive",
    severity: Severity::Error,
    enabled: true,
    fix: Fixes::Sometimes(Safety::Safe),
    docs: include_str!("../../rules/IAM602.toml"),
};
pub const CODE: &str = RULE.code;

pub fn check(cx: &Context, out: &mut Vec<Finding>) {
    for output in &cx.ws.outputs {
        let Some(first) = output.tokens.first() else { continue };
        let edit = match &output.sensitive {
            Some(field) => match field.val {
                Val::Known(true) | Val::Unknown => continue,
                Val::Known(false) => edits::replace(cx.ws, field.span, Value::Bool(false), Value::Bool(true)),
                Val::Null => edits::replace(cx.ws, field.span, Value::Null, Value::Bool(true)),
            },
            // After the value's last line (a heredoc or an object spans several).
            None => {
                output.value.and_then(|value| edits::insert_after(cx.ws, &output.origin, value, "sensitive", "true"))
            }
        };
        let fix = edit.map(|e| Fix { description: "set sensitive = true".into(), edits: vec![e] });
        let name = output.origin.address.strip_prefix("output.").unwrap_or(&output.origin.address);
        out.push(
            Finding::new(
                CODE,
                output.origin.span,
                format!("output `{name}` exposes the API token of `{}` without `sensitive = true`", first.address),
            )
            .label(first.span, "the token is read here")
            .help("add `sensitive = true`: Terraform then hides the value in plan and apply output (read it with `terraform output -raw`)")
            .fix(fix),
        );
    }
}
