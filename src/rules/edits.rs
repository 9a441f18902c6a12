//! Edits shared by fixes: replacing a value while keeping its quoting, and inserting a
//! sibling field with the object's own indentation and syntax.

use crate::finding::Edit;
use crate::frontend::FileKind;
use crate::model::{Format, Origin, Workspace};
use crate::source::Span;
use regex::Regex;
use std::sync::LazyLock;

/// Replaces the content of a written value, keeping its quotes (`"x"` -> `"y"`).
pub fn replace_value(ws: &Workspace, value: Span, new: &str) -> Edit {
    let text = ws.sources.text(value);
    let quoted = text.len() >= 2 && matches!(text.as_bytes()[0], b'"' | b'\'') && text.ends_with(&text[..1]);
    let span = if quoted { Span::new(value.file, value.start + 1, value.end - 1) } else { value };
    Edit { span, replacement: new.to_string() }
}

/// Replaces a name, quoting it where YAML would read the bare word as something else
/// (`true`, `no`, `1e3`): a rename must not turn a name into a boolean or a number.
pub fn replace_name(ws: &Workspace, value: Span, new: &str) -> Edit {
    static NOT_A_STRING: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?i:y|n|yes|no|on|off|true|false|null|~|[0-9]+(e[0-9]+)?|0x[0-9a-f]+|0o[0-7]+)$")
            .expect("valid regex")
    });
    let file = ws.sources.get(value.file);
    let yaml = matches!(FileKind::of(&file.path), Some(FileKind::Yaml));
    let bare = !ws.sources.text(value).starts_with(['"', '\'']);
    if yaml && bare && NOT_A_STRING.is_match(new) {
        return Edit { span: value, replacement: format!("'{new}'") };
    }
    replace_value(ws, value, new)
}

/// The value as it must be written where a plain string goes, for the object's format.
pub fn string_literal(format: Format, value: &str) -> String {
    match format {
        Format::Terraform => format!("\"{value}\""),
        Format::Manifest => value.to_string(),
    }
}

/// Inserts `key = value` (Terraform) or `key: value` (YAML) on a new line after the line
/// holding `anchor`, indented like it. `None` for JSON and one-line flow mappings, where a
/// safe insertion would need commas iamlint does not rewrite.
pub fn insert_after(ws: &Workspace, origin: &Origin, anchor: Span, key: &str, value: &str) -> Option<Edit> {
    let file = ws.sources.get(anchor.file);
    let pos = file.position(anchor.start);
    let line = file.line_text(pos.line);
    let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let first = line.trim_start();
    let entry = match origin.format {
        // An HCL attribute line never starts with a quote or a brace; Terraform JSON does.
        Format::Terraform if first.starts_with('"') || first.starts_with('{') => return None,
        Format::Terraform => format!("{key} = {value}"),
        Format::Manifest if !first.starts_with('"') && !first.starts_with('{') && !first.contains('{') => {
            format!("{key}: {value}")
        }
        Format::Manifest => return None,
    };
    // A YAML list item's first key sits after "- ": align with the key, not the dash.
    let indent = if first.starts_with("- ") { format!("{indent}  ") } else { indent };
    let line_end = file.offset(pos.line, usize::MAX);
    if line_end > origin.extent.end {
        return None;
    }
    // In a CRLF file the new line ends like the others, before the anchor line's `\r`.
    let (at, newline) = match file.text[..line_end].strip_suffix('\r') {
        Some(rest) => (rest.len(), "\r\n"),
        None => (line_end, "\n"),
    };
    Some(Edit { span: Span::new(anchor.file, at, at), replacement: format!("{newline}{indent}{entry}") })
}

/// Removes whole lines holding `span`, when nothing else shares them.
pub fn remove_lines(ws: &Workspace, span: Span) -> Option<Edit> {
    let file = ws.sources.get(span.file);
    let text = &file.text;
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i + 1);
    let before = &text[line_start..span.start];
    let after = text[span.end..line_end].trim_end();
    let before_ok = before.trim().is_empty() || before.trim() == "-";
    if !before_ok || !(after.is_empty() || after.starts_with('#')) || before.trim() == "-" {
        return None;
    }
    Some(Edit { span: Span::new(span.file, line_start, line_end), replacement: String::new() })
}
