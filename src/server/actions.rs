//! Code actions on a file: each finding's fix (an unsafe one says so in its title), a
//! suppression comment with a reason to fill in, and every safe fix of the file at once.

use super::analysis::Analysis;
use super::convert;
use crate::finding::{Edit, Finding};
use crate::rules::Safety;
use crate::source::FileId;
use crate::suppress::comments::Syntax;
use lsp_types::{CodeAction, CodeActionKind, CodeActionOrCommand, Range, TextEdit, Uri, WorkspaceEdit};
use std::collections::HashMap;

/// The kind of the fix-all action, under `source.fixAll` so that editors that fix on save
/// find it.
pub const FIX_ALL: &str = "source.fixAll.iamlint";

/// The actions for `range` of file `id`. `only`: the kinds the client asked for, if any.
pub fn actions(a: &Analysis, id: FileId, range: Range, only: Option<&[CodeActionKind]>) -> Vec<CodeActionOrCommand> {
    let wants = |kind: &CodeActionKind| {
        only.is_none_or(|only| {
            only.iter().any(|o| kind.as_str() == o.as_str() || kind.as_str().starts_with(&format!("{}.", o.as_str())))
        })
    };
    let file = a.ws.sources.get(id);
    let (start, end) = (convert::offset(file, range.start), convert::offset(file, range.end));
    let mut out = Vec::new();
    let here: Vec<&Finding> =
        a.findings.iter().filter(|f| f.span.file == id && f.span.start <= end && start <= f.span.end).collect();
    if wants(&CodeActionKind::QUICKFIX) {
        for f in &here {
            if let Some(action) = fix_action(a, f) {
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
        for f in &here {
            if let Some(action) = suppress_action(a, f) {
                out.push(CodeActionOrCommand::CodeAction(action));
            }
        }
    }
    let fix_all = CodeActionKind::from(FIX_ALL);
    if wants(&fix_all) {
        if let Some(action) = fix_all_action(a, id) {
            out.push(CodeActionOrCommand::CodeAction(action));
        }
    }
    out
}

fn safety(a: &Analysis, f: &Finding) -> Safety {
    a.catalogue.find(&f.code).and_then(|r| r.meta.safety).unwrap_or(Safety::Unsafe)
}

/// A fix the editor may be shown: its edits lie in the text as linted, and none writes a
/// credential's text into the buffer (an edit is sent to the client like any message).
fn usable<'f>(a: &Analysis, f: &'f Finding) -> Option<&'f [Edit]> {
    let fix = f.fix.as_ref()?;
    let ok = fix.edits.iter().all(|e| {
        let file = a.ws.sources.get(e.span.file);
        let text = &file.text;
        let inside = e.span.start <= e.span.end
            && e.span.end <= text.len()
            && text.is_char_boundary(e.span.start)
            && text.is_char_boundary(e.span.end);
        inside && !a.shows_secret(&e.replacement)
    });
    (ok && !fix.edits.is_empty()).then_some(&fix.edits[..])
}

// lsp-types keys edits by `Uri`, whose interior cell is a parse cache: hashing and equality
// read only its text.
#[allow(clippy::mutable_key_type)]
fn workspace_edit(a: &Analysis, edits: &[&Edit]) -> WorkspaceEdit {
    let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
    for e in edits {
        let file = a.ws.sources.get(e.span.file);
        changes
            .entry(convert::uri(&file.path))
            .or_default()
            .push(TextEdit { range: convert::range(file, e.span.start, e.span.end), new_text: e.replacement.clone() });
    }
    WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }
}

fn fix_action(a: &Analysis, f: &Finding) -> Option<CodeAction> {
    let edits = usable(a, f)?;
    let description = &f.fix.as_ref()?.description;
    let safe = safety(a, f) == Safety::Safe;
    let title =
        if safe { format!("{}: {description}", f.code) } else { format!("{} (unsafe fix): {description}", f.code) };
    Some(CodeAction {
        title,
        kind: Some(CodeActionKind::QUICKFIX),
        edit: Some(workspace_edit(a, &edits.iter().collect::<Vec<_>>())),
        is_preferred: Some(safe),
        ..CodeAction::default()
    })
}

/// `# iamlint-ignore: CODE -- reason` on its own line above the finding's line, indented as
/// that line, which covers the object or field the line holds (docs/suppressions.md).
fn suppress_action(a: &Analysis, f: &Finding) -> Option<CodeAction> {
    let file = a.ws.sources.get(f.span.file);
    let syntax = Syntax::of(&file.path.to_string_lossy())?;
    let line = file.line_index(f.span.start);
    let start = file.line_range(line)?.start;
    let indent: String = file.text[start..].chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let marker = match syntax {
        Syntax::Hcl | Syntax::Yaml => "#",
    };
    let comment = format!("{indent}{marker} iamlint-ignore: {} -- reason\n", f.code);
    let edit = Edit { span: crate::source::Span::new(f.span.file, start, start), replacement: comment };
    Some(CodeAction {
        title: format!("Suppress {} on this line (fill in the reason)", f.code),
        kind: Some(CodeActionKind::QUICKFIX),
        edit: Some(workspace_edit(a, &[&edit])),
        ..CodeAction::default()
    })
}

/// Every safe fix of the file whose edits stay in it, in finding order, none overlapping
/// another (as one pass of `--fix`: what is left shows when the file is linted again).
fn fix_all_action(a: &Analysis, id: FileId) -> Option<CodeAction> {
    let mut taken: Vec<&Edit> = Vec::new();
    for f in a.findings.iter().filter(|f| f.span.file == id && safety(a, f) == Safety::Safe) {
        let Some(edits) = usable(a, f) else { continue };
        let clash = edits.iter().any(|e| {
            e.span.file != id
                || taken.iter().any(|t| {
                    t.span.start < e.span.end.max(e.span.start + 1) && e.span.start < t.span.end.max(t.span.start + 1)
                })
        });
        if !clash {
            taken.extend(edits);
        }
    }
    if taken.is_empty() {
        return None;
    }
    Some(CodeAction {
        title: format!("Fix all safe iamlint problems in this file ({})", taken.len()),
        kind: Some(CodeActionKind::from(FIX_ALL)),
        edit: Some(workspace_edit(a, &taken)),
        ..CodeAction::default()
    })
}
