//! IAM602 token-output-not-sensitive: a Terraform `output` that exposes an API token
//! (`full_token`, or the whole token resource) without `sensitive = true` prints the token
//! in every plan and apply log, which CI keeps.

use super::edits::{self, Value};
use super::{Context, Declaration, Fixes, Safety};
use crate::finding::{Edit, Finding, Fix, Severity};
use crate::model::{Origin, Val, Workspace};
use crate::source::Span;

pub const RULE: Declaration = Declaration {
    code: "IAM602",
    name: "token-output-not-sensitive",
    severity: Severity::Error,
    enabled: true,
    reads_settings: false,
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
                Val::Known(false) => edits::replace(cx.ws, field.span, Value::Bool(false), Value::Bool(true)).map(|e| vec![e]),
                Val::Null => edits::replace(cx.ws, field.span, Value::Null, Value::Bool(true)).map(|e| vec![e]),
            },
            None => output.value.and_then(|value| insert_sensitive(cx.ws, &output.origin, value)),
        };
        let fix = edit.map(|edits| Fix { description: "set sensitive = true".into(), edits });
        let name = output.origin.address.strip_prefix("output.").unwrap_or(&output.origin.address);
        let mut help = "add `sensitive = true`: Terraform then hides the value in plan and apply output (read it with `terraform output -raw`)".to_string();
        let mut finding = Finding::new(
            CODE,
            output.origin.span,
            format!("output `{name}` exposes the API token of `{}` without `sensitive = true`", first.address),
        )
        .label(first.span, "the token is read here");
        if let Some((header, module_output, sensitive)) = &first.via {
            let label = if *sensitive {
                format!("module output `{module_output}` is sensitive; `nonsensitive()` strips the mark")
            } else {
                format!("module output `{module_output}` carries the token")
            };
            finding = finding.label(*header, label);
            if *sensitive {
                help = format!(
                    "`nonsensitive()` prints what the module output `{module_output}` hides: {help}, or read the output without `nonsensitive()`"
                );
            }
        }
        out.push(finding.help(help).fix(fix));
    }
}

/// `sensitive = true` on a line of its own after the `value` attribute (after its last line:
/// a heredoc or an object spans several). When the block closes on that line (`output "o" {
/// value = x }`, or `value = x }`), a line after it would fall outside the block: the
/// attribute then goes before the closing brace, and a one-line block is opened up, since
/// HCL allows one attribute at most in a one-line block. The value itself is not touched.
fn insert_sensitive(ws: &Workspace, origin: &Origin, value: Span) -> Option<Vec<Edit>> {
    let file = ws.sources.get(value.file);
    let text = &file.text;
    let close = origin.extent.end.checked_sub(1).filter(|&c| text.as_bytes().get(c) == Some(&b'}'));
    let value_line = file.position(value.end).line;
    let Some(close) = close.filter(|&c| file.position(c).line == value_line) else {
        return edits::insert_after(ws, origin, value, "sensitive", "true").map(|e| vec![e]);
    };
    if file.path.extension().is_none_or(|e| e != "tf") {
        return None;
    }
    let header = file.line_text(file.position(origin.extent.start).line);
    let block_indent: String = header.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let inner = format!("{block_indent}  ");
    // Only blanks may stand between the value and the brace.
    if !text[value.end..close].chars().all(|c| c == ' ' || c == '\t') {
        return None;
    }
    let mut out =
        vec![Edit { span: Span::new(value.file, value.end, close), replacement: format!("\n{inner}sensitive = true\n{block_indent}") }];
    let open = opening_brace(&text[origin.extent.start..close])? + origin.extent.start;
    if file.position(open).line == value_line {
        let blanks = text[open + 1..value.start].len();
        if !text[open + 1..value.start].chars().all(|c| c == ' ' || c == '\t') {
            return None;
        }
        out.push(Edit { span: Span::new(value.file, open + 1, open + 1 + blanks), replacement: format!("\n{inner}") });
    }
    Some(out)
}

/// The block's own `{`: the first outside the quoted labels.
fn opening_brace(block: &str) -> Option<usize> {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in block.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if quoted => escaped = true,
            '"' => quoted = !quoted,
            '{' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}
