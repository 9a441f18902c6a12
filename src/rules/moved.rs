//! Renaming a value that is a `for_each` key changes Terraform addresses: without a `moved`
//! block Terraform destroys the object and creates another (a service account loses its
//! tokens), and explicit references such as `kestra_service_account.sa["Old"]` dangle.
//! A rename of such a key therefore comes with a `moved` block for every resource whose
//! address it changes and with its explicit references rewritten, or is not offered.

use crate::finding::Edit;
use crate::frontend::FileKind;
use crate::model::{Format, Origin, Workspace};
use crate::source::{FileId, Span};
use std::collections::BTreeSet;
use std::path::Path;

/// The edits that keep Terraform addresses stable when `old` (written at `value`, the
/// object's name) becomes `new`: none when the name is no instance key, `moved` blocks and
/// reference updates when it is, or why the rename would change addresses iamlint cannot
/// follow.
pub fn key_rename(ws: &Workspace, origin: &Origin, value: Span, old: &str, new: &str) -> Result<Vec<Edit>, String> {
    if origin.format != Format::Terraform {
        return Ok(Vec::new());
    }
    let (old_key, new_key) = (key(old), key(new));
    // A module's own code names its resources without the `module.x.` path of the call
    // (its `moved` blocks then hold for every instance of the module).
    let Some(base) = local_address(&origin.address).strip_suffix(&old_key) else {
        // The name is not the key. A string key computed from values written outside the
        // block (`{ for n in local.names : lower(n) => n }`) may still derive from it.
        if origin.address.ends_with("\"]") && !origin.extent.contains(value) {
            return Err(format!(
                "`{}` is keyed by a `for_each` iamlint cannot tie to the name: a rename may change the address",
                origin.address
            ));
        }
        return Ok(Vec::new());
    };
    if base.contains('[') {
        return Err(format!("it is one of several instance keys of `{}`: add `moved` blocks by hand", origin.address));
    }
    let dir = folder(ws, origin.span.file);
    let Some(collection) = for_each_of(ws, origin) else {
        return Err(format!(
            "it is the `for_each` key of `{}`, and iamlint cannot read its `for_each`",
            origin.address
        ));
    };
    // Every modelled resource of this module iterating over the same collection moves; one
    // keyed by the same name over another collection would not, and cannot be told apart.
    let mut moved: BTreeSet<String> = BTreeSet::new();
    for o in ws.origins().filter(|o| o.format == Format::Terraform && folder(ws, o.span.file) == dir) {
        let Some(other) = local_address(&o.address).strip_suffix(&old_key) else { continue };
        match for_each_of(ws, o) {
            Some(c) if c == collection => {
                moved.insert(other.to_string());
            }
            _ => {
                return Err(format!(
                    "`{}` has the same key over another `for_each`: add `moved` blocks by hand",
                    o.address
                ))
            }
        }
    }
    // Resources iamlint does not model (a CI secret per account) may iterate over it too.
    let module_files = terraform_files(ws, &dir);
    let iterations: usize = module_files.iter().map(|&f| count_for_each(&ws.sources.get(f).text, &collection)).sum();
    if iterations != moved.len() {
        return Err(format!(
            "{} resources iterate over `{collection}` and iamlint models {}: add `moved` blocks by hand",
            iterations,
            moved.len()
        ));
    }
    let mut edits = Vec::new();
    for &f in &module_files {
        let text = &ws.sources.get(f).text;
        for resource in &moved {
            let from = format!("{resource}{old_key}");
            for (at, _) in text.match_indices(&from) {
                let before = text[..at].chars().next_back();
                if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                edits.push(Edit {
                    span: Span::new(f, at, at + from.len()),
                    replacement: format!("{resource}{new_key}"),
                });
            }
        }
    }
    let text = &ws.sources.get(origin.span.file).text;
    let mut blocks = String::from(if text.ends_with('\n') || text.is_empty() { "" } else { "\n" });
    for resource in &moved {
        blocks.push_str(&format!(
            "\n# Renamed by iamlint: keeps the object instead of replacing it.\nmoved {{\n  from = {resource}{old_key}\n  to   = {resource}{new_key}\n}}\n"
        ));
    }
    edits.push(Edit { span: Span::new(origin.span.file, text.len(), text.len()), replacement: blocks });
    Ok(edits)
}

/// An address without the module calls leading to it: `module.iam.kestra_group.g` ->
/// `kestra_group.g`.
fn local_address(address: &str) -> &str {
    let mut rest = address;
    while let Some(after) = rest.strip_prefix("module.") {
        let Some(dot) = next_dot(after) else { break };
        rest = &after[dot + 1..];
    }
    rest
}

/// The first `.` outside brackets and quotes.
fn next_dot(s: &str) -> Option<usize> {
    let (mut depth, mut quoted) = (0usize, false);
    for (i, c) in s.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            '.' if !quoted && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// An instance key as Terraform writes it in an address.
fn key(name: &str) -> String {
    format!("[\"{}\"]", name.replace('\\', "\\\\").replace('"', "\\\""))
}

fn folder(ws: &Workspace, file: FileId) -> std::path::PathBuf {
    ws.sources.get(file).path.parent().map(Path::to_path_buf).unwrap_or_default()
}

fn terraform_files(ws: &Workspace, dir: &Path) -> Vec<FileId> {
    ws.sources
        .iter()
        .filter(|(_, f)| FileKind::of(&f.path) == Some(FileKind::Terraform) && f.path.parent() == Some(dir))
        .map(|(id, _)| id)
        .collect()
}

/// The expression of the object's own `for_each` (the first one in its block: a `dynamic`
/// block's comes after the resource's own arguments by convention, and is indented deeper).
fn for_each_of(ws: &Workspace, origin: &Origin) -> Option<String> {
    let text = ws.sources.text(origin.extent);
    let indent = text.lines().nth(1).map(|l| l.len() - l.trim_start().len())?;
    text.lines().skip(1).filter(|l| l.len() - l.trim_start().len() == indent).find_map(for_each_value)
}

fn for_each_value(line: &str) -> Option<String> {
    let rest = line.trim().strip_prefix("for_each")?.trim_start().strip_prefix('=')?;
    let value = rest.split('#').next().unwrap_or(rest).trim();
    (!value.is_empty()).then(|| value.to_string())
}

/// How many `for_each = COLLECTION` lines a text holds.
fn count_for_each(text: &str, collection: &str) -> usize {
    text.lines().filter(|l| for_each_value(l).as_deref() == Some(collection)).count()
}

/// A map key written bare in Terraform (`etl_nightly = {...}`), which the string rewriter
/// leaves alone: a quoted key is the same key, and the only way to write one with `-`.
pub fn bare_key(ws: &Workspace, at: Span, old: &str, new: &str) -> Option<Edit> {
    let file = ws.sources.get(at.file);
    let is_terraform = matches!(FileKind::of(&file.path), Some(FileKind::Terraform | FileKind::TerraformVars));
    let identifier = old.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-');
    let followed_by_equals = file.text[at.end..].trim_start_matches([' ', '\t']).starts_with(['=', ':']);
    (is_terraform && identifier && ws.sources.text(at) == old && followed_by_equals)
        .then(|| Edit { span: at, replacement: format!("\"{}\"", new.replace('\\', "\\\\").replace('"', "\\\"")) })
}
