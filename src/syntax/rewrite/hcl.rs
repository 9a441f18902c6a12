//! HCL values: `null`, booleans, quoted strings (a template only when it has no
//! interpolation or directive) and heredocs (`<<EOT`, and `<<-EOT`, whose indentation
//! hcl-edit strips). A heredoc's value always ends with a line break, so a new value
//! that has none is written as a quoted string instead.

use super::{reads_as, Replacement, Value};
use hcl_edit::expr::Expression;
use hcl_edit::template::Element;
use std::ops::Range;

enum Read {
    Null,
    Bool(bool),
    Quoted(String),
    Heredoc(String),
}

impl Read {
    fn value(&self) -> Value<'_> {
        match self {
            Read::Null => Value::Null,
            Read::Bool(b) => Value::Bool(*b),
            Read::Quoted(s) | Read::Heredoc(s) => Value::Str(s),
        }
    }
}

pub(super) fn replace(text: &str, at: Range<usize>, old: Value, new: Value) -> Option<Replacement> {
    let written = read(&text[at.clone()])?;
    if !reads_as(written.value(), old) {
        return None;
    }
    let quoted = matches!(written, Read::Quoted(_));
    let (range, replacement, full) = match new {
        Value::Str(s) if quoted => (at.start + 1..at.end - 1, escape(s), format!("\"{}\"", escape(s))),
        Value::Bool(b) if quoted => (at.start + 1..at.end - 1, b.to_string(), format!("\"{b}\"")),
        Value::Str(s) => (at, format!("\"{}\"", escape(s)), format!("\"{}\"", escape(s))),
        Value::Bool(b) => (at, b.to_string(), b.to_string()),
        Value::Null => (at, "null".to_string(), "null".to_string()),
    };
    reads_as(read(&full)?.value(), new).then_some(Replacement { range, text: replacement })
}

fn read(written: &str) -> Option<Read> {
    match hcl_edit::parser::parse_expr(written).ok()? {
        Expression::Null(_) => Some(Read::Null),
        Expression::Bool(b) => Some(Read::Bool(*b.value())),
        Expression::String(s) => Some(Read::Quoted(s.value().clone())),
        Expression::StringTemplate(t) => literal(t.iter()).map(Read::Quoted),
        Expression::HeredocTemplate(h) => literal(h.template.iter()).map(Read::Heredoc),
        _ => None,
    }
}

/// A template's text when it is only text.
fn literal<'a>(elements: impl Iterator<Item = &'a Element>) -> Option<String> {
    elements
        .map(|e| match e {
            Element::Literal(l) => Some(l.value().as_str()),
            _ => None,
        })
        .collect()
}

/// A template string (Terraform JSON's) when it is only text, `$${` read as `${`.
pub(super) fn literal_template(s: &str) -> Option<String> {
    literal(hcl_edit::parser::parse_template(s).ok()?.iter())
}

/// The text of a quoted HCL string that reads as `s`: escapes for the quote, the
/// backslash and control characters, and `$${`/`%%{` so that no interpolation starts.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out
}
