//! Edits shared by fixes: replacing a value in the style it is written in, and inserting a
//! sibling field with the object's own indentation and syntax.

use crate::finding::Edit;
use crate::frontend::FileKind;
use crate::model::{Field, Format, Origin, Workspace};
use crate::source::Span;
use crate::syntax::rewrite::{self, Syntax};
use std::path::Path;

pub use crate::syntax::rewrite::Value;

/// Replaces the value written at `at`, which reads as `old`, with `new`: in the value's own
/// style where that style can hold `new`, else in the nearest one that can (a block scalar
/// or a heredoc becomes a quoted string). `None` when the text at `at` is not `old` as
/// written (a template, a reference, an alias), or when no replacement within it reads
/// back as `new`: no fix is better than one that rewrites what it does not mean to.
pub fn replace(ws: &Workspace, at: Span, old: Value, new: Value) -> Option<Edit> {
    let file = ws.sources.get(at.file);
    let r = rewrite::replace(syntax(&file.path)?, &file.text, at.start..at.end, old, new)?;
    Some(Edit { span: Span::new(at.file, r.range.start, r.range.end), replacement: r.text })
}

/// `replace` for a string value.
pub fn replace_string(ws: &Workspace, at: Span, old: &str, new: &str) -> Option<Edit> {
    replace(ws, at, Value::Str(old), Value::Str(new))
}

/// The syntax of the values of a file.
fn syntax(path: &Path) -> Option<Syntax> {
    let json = path.extension().is_some_and(|e| e == "json");
    match FileKind::of(path)? {
        FileKind::Terraform => Some(Syntax::Hcl),
        FileKind::TerraformVars if json => Some(Syntax::Json),
        FileKind::TerraformVars => Some(Syntax::Hcl),
        FileKind::TerraformJson => Some(Syntax::TerraformJson),
        FileKind::Json => Some(Syntax::Json),
        FileKind::Yaml | FileKind::Workflow => Some(Syntax::Yaml),
        FileKind::Script => None,
    }
}

/// The value as it must be written where a plain string goes, for the object's format.
pub fn string_literal(format: Format, value: &str) -> String {
    match format {
        Format::Terraform => format!("\"{value}\""),
        Format::Manifest => value.to_string(),
    }
}

/// A field as written in its object: from its key to the end of its value, so that a line
/// inserted after it never lands inside a value written over several lines (a block
/// scalar, a heredoc); the key alone when the value is written elsewhere (a local, a
/// variable). `None` when the value keeps its trailing blank lines (`|+`), which a line
/// inserted after it would take away from it.
pub fn written_entry<T>(ws: &Workspace, origin: &Origin, field: &Field<T>) -> Option<Span> {
    let (key, value) = (field.key, field.span);
    let text = &ws.sources.get(key.file).text;
    // Only a separator, an anchor or a tag between the key and the value: `key: &a |`.
    let separated = |between: &str| {
        let rest = between.trim_start().strip_prefix([':', '=']);
        rest.is_some_and(|r| r.split_whitespace().all(|w| w.starts_with(['&', '!'])))
    };
    let own = value.file == key.file
        && value.start >= key.end
        && origin.extent.contains(value)
        && separated(&text[key.end..value.start]);
    if !own {
        return Some(key);
    }
    let written = &text[value.start..value.end];
    let header = written.lines().next().unwrap_or_default();
    if written.starts_with(['|', '>']) && header.split('#').next().unwrap_or_default().contains('+') {
        return None;
    }
    Some(Span::new(key.file, key.start, value.end))
}

/// Inserts `key = value` (Terraform) or `key: value` (YAML) on a new line after the last
/// line of `anchor`, indented like its first. `None` for JSON and one-line flow mappings,
/// where a safe insertion would need commas iamlint does not rewrite.
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
    let line_end = file.offset(file.position(anchor.end).line, usize::MAX);
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
