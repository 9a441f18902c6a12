//! A policy's fix: set a field that is written on the object to a value, as one span edit
//! that keeps the value's quoting and escapes what the quoting needs. A field that is not
//! written is left alone (inserting keys is a layout decision a policy cannot make).

use super::fields::{self, Object};
use super::{FixSpec, Scalar};
use crate::finding::{Edit, Fix};
use crate::model::{Format, Workspace};
use crate::source::Span;

pub fn describe(spec: &FixSpec) -> String {
    format!("set `{}` to `{}`", spec.field.text, spec.value)
}

pub fn fix(ws: &Workspace, obj: Object, spec: &FixSpec) -> Option<Fix> {
    let written = fields::written(obj, &spec.field)?;
    let new = spec.value.to_string();
    if written.current.as_deref() == Some(new.as_str()) {
        return None;
    }
    let format = obj.origin().format;
    let edit = replace(ws, format, written.span, &spec.value);
    Some(Fix { description: describe(spec), edits: vec![edit] })
}

fn replace(ws: &Workspace, format: Format, span: Span, value: &Scalar) -> Edit {
    let written = ws.sources.text(span);
    let quote = written.chars().next().filter(|c| matches!(c, '"' | '\'') && written.len() >= 2);
    let replacement = match value {
        Scalar::Bool(b) => return Edit { span, replacement: b.to_string() },
        Scalar::Text(t) => t,
    };
    if let Some(q) = quote {
        let inner = Span::new(span.file, span.start + 1, span.end - 1);
        return Edit { span: inner, replacement: escape(format, q, replacement) };
    }
    let json = ws.sources.get(span.file).path.extension().is_some_and(|e| e == "json");
    let literal = match format {
        Format::Terraform => format!("\"{}\"", escape(format, '"', replacement)),
        Format::Manifest if !json && plain_yaml(replacement) => replacement.clone(),
        Format::Manifest => format!("\"{}\"", escape(format, '"', replacement)),
    };
    if span.is_empty() {
        // A bare `key:` is a null with an empty span just before the colon: the value
        // goes after the colon, with a space.
        let text = &ws.sources.get(span.file).text;
        let at = if text[span.start..].starts_with(':') { span.start + 1 } else { span.start };
        return Edit { span: Span::new(span.file, at, at), replacement: format!(" {literal}") };
    }
    Edit { span, replacement: literal }
}

/// The text of a string inside the given quotes.
fn escape(format: Format, quote: char, s: &str) -> String {
    match (format, quote) {
        (_, '\'') => s.replace('\'', "''"),
        (Format::Terraform, _) => {
            s.replace('\\', "\\\\").replace('"', "\\\"").replace("${", "$${").replace("%{", "%%{")
        }
        (Format::Manifest, _) => s.replace('\\', "\\\\").replace('"', "\\\""),
    }
}

/// Text that YAML (1.1 and 1.2) reads back as the same string when written unquoted.
fn plain_yaml(s: &str) -> bool {
    let special = ["true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"];
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !special.iter().any(|w| s.eq_ignore_ascii_case(w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_yaml_scalars() {
        assert!(plain_yaml("P30D"));
        assert!(plain_yaml("ci-bots"));
        assert!(!plain_yaml("yes"));
        assert!(!plain_yaml("a: b"));
        assert!(!plain_yaml("30"));
        assert!(!plain_yaml(""));
    }

    #[test]
    fn escapes_per_quoting() {
        assert_eq!(escape(Format::Terraform, '"', "a\"${b}"), "a\\\"$${b}");
        assert_eq!(escape(Format::Manifest, '\'', "it's"), "it''s");
        assert_eq!(escape(Format::Manifest, '"', "a\\b"), "a\\\\b");
    }
}
