//! IAM503's fix: a role's 1.x permissions rewritten in the 2.0 model with the provider's
//! mapping (`access::vocab`), as span edits that keep the file's formatting. A Terraform
//! `permissions { type, permissions }` block becomes `resources { type, actions }`; a
//! manifest's `TYPE: [actions]` entry keeps its shape. Renamed types are renamed, split types
//! (SETTING) gain a sibling, merged types join their target's entry, dropped types go.
//! Fails, saying why, unless every part maps and every edit can be made safely.

use crate::access::vocab::{vocab, NoMigration, WILDCARD};
use crate::finding::Edit;
use crate::model::{Format, Grant, PermissionStyle, Role, Workspace};
use crate::rules::edits;
use crate::source::Span;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Terraform,
    Yaml,
    Json,
}

/// Where a migrated type is written: in place of a grant, or as a new entry after one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    Grant(usize),
    After(usize),
}

struct Host {
    ty: String,
    actions: Vec<String>,
    at: At,
}

pub fn migrate(ws: &Workspace, role: &Role) -> Result<Vec<Edit>, String> {
    let unsafe_edit = || "the change needs commas, dashes or blocks iamlint does not rewrite here".to_string();
    if !role.grants_known {
        return Err("some permissions are written as expressions iamlint cannot evaluate".into());
    }
    let v = vocab();
    let blocks = role.grants.iter().any(|g| g.style == PermissionStyle::LegacyBlocks);
    if let (true, Some(pin)) = (blocks, super::provider_pin::blocking_v2(ws, role.origin.span.file)) {
        return Err(format!(
            "`required_providers` pins the kestra provider to \"{}\", which has no `resources {{}}` block \
             (provider 2.0 introduced it); raise the pin to \"~> 2.0\" first",
            pin.constraint
        ));
    }
    let syntax = match role.origin.format {
        Format::Terraform => Syntax::Terraform,
        Format::Manifest if ws.sources.get(role.origin.span.file).display.ends_with(".json") => Syntax::Json,
        Format::Manifest => Syntax::Yaml,
    };
    let mut written: Vec<(&str, Vec<&str>)> = Vec::new();
    let unknown = || "some permissions are written as expressions iamlint cannot evaluate".to_string();
    for g in &role.grants {
        let t = g.resource_type.known().ok_or_else(unknown)?;
        let actions =
            g.actions.iter().map(|a| a.known().map(String::as_str)).collect::<Option<Vec<_>>>().ok_or_else(unknown)?;
        written.push((t, actions));
    }
    // A role written only in CRUD terms means 1.x CRUD, which the provider expands; once a
    // 2.0 action appears, CREATE/UPDATE/DELETE are taken as the 2.0 actions they also are.
    let crud = written.iter().flat_map(|(_, a)| a).all(|a| v.is_crud(a) || *a == WILDCARD);
    let mut hosts: Vec<Host> = Vec::new();
    let mut removed: Vec<usize> = Vec::new();
    for (gi, (t, actions)) in written.iter().enumerate() {
        let mut placed = false;
        let migrated = v.migrate(t, actions, crud).map_err(|e| match e {
            NoMigration::Type(t, None) => format!("type {t} has no Kestra 2.0 successor"),
            NoMigration::Type(t, Some(why)) => format!("type {t} has no Kestra 2.x successor ({why})"),
            NoMigration::Action(a) => format!("{a} is not a Kestra 2.0 action of {t}"),
            NoMigration::NoEquivalent { ty, action, why } => {
                format!("1.x {t} {action} has no Kestra 2.x equivalent on {ty} ({why}); choose its replacement by hand")
            }
        })?;
        for (ty, new) in migrated {
            match hosts.iter_mut().find(|h| h.ty == ty) {
                Some(h) => union(&mut h.actions, new),
                None => {
                    hosts.push(Host { ty, actions: new, at: if placed { At::After(gi) } else { At::Grant(gi) } });
                    placed = true;
                }
            }
        }
        if !placed {
            removed.push(gi);
        }
    }
    let mut out: Vec<Edit> = Vec::new();
    let mut inserts: Vec<Edit> = Vec::new();
    for h in &hosts {
        match h.at {
            At::Grant(gi) if h.actions.is_empty() => removed.push(gi),
            At::Grant(gi) => {
                out.extend(rewrite(ws, syntax, &role.grants[gi], &written[gi], h).ok_or_else(unsafe_edit)?)
            }
            At::After(_) if h.actions.is_empty() => {}
            At::After(gi) => inserts.push(insert_after(ws, syntax, &role.grants[gi], h).ok_or_else(unsafe_edit)?),
        }
    }
    for h in &hosts {
        if let At::After(gi) = h.at {
            if removed.contains(&gi) && !h.actions.is_empty() {
                return Err(unsafe_edit());
            }
        }
    }
    for gi in removed {
        out.push(remove(ws, syntax, &role.grants[gi]).ok_or_else(unsafe_edit)?);
    }
    // An insertion where a replacement ends joins it, so no applier sees two edits touch.
    for ins in inserts {
        match out.iter_mut().find(|e| e.span.end == ins.span.start && e.span.file == ins.span.file) {
            Some(e) => e.replacement.push_str(&ins.replacement),
            None => out.push(ins),
        }
    }
    out.sort();
    if out.is_empty() || out.windows(2).any(|w| w[0].span.end > w[1].span.start) {
        return Err(unsafe_edit());
    }
    Ok(out)
}

fn union(into: &mut Vec<String>, new: Vec<String>) {
    for a in new {
        if !into.contains(&a) {
            into.push(a);
        }
    }
}

fn text(ws: &Workspace, span: Span) -> &str {
    ws.sources.text(span)
}

/// Edits turning one grant into `host`, in place.
fn rewrite(ws: &Workspace, syntax: Syntax, g: &Grant, written: &(&str, Vec<&str>), host: &Host) -> Option<Vec<Edit>> {
    let mut out = Vec::new();
    if g.style == PermissionStyle::LegacyBlocks {
        let ident = Span::new(g.span.file, g.span.start, g.span.start + "permissions".len());
        let key = g.actions_key?;
        if text(ws, ident) != "permissions" || text(ws, key) != "permissions" {
            return None;
        }
        out.push(Edit { span: ident, replacement: "resources".into() });
        out.push(Edit { span: key, replacement: "actions".into() });
    }
    if host.ty != written.0 {
        out.push(edits::replace_string(ws, g.resource_type.span, written.0, &host.ty)?);
    }
    if host.actions.iter().map(String::as_str).ne(written.1.iter().copied()) {
        out.push(replace_actions(ws, syntax, g, &host.actions)?);
    }
    Some(out)
}

/// Replaces the written actions, from the first to the last, keeping the list's layout.
fn replace_actions(ws: &Workspace, syntax: Syntax, g: &Grant, new: &[String]) -> Option<Edit> {
    let (first, last) = (g.actions.first()?, g.actions.last()?);
    let file = ws.sources.get(first.span.file);
    let source = &file.text;
    let line_start = source[..first.span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = &source[line_start..first.span.start];
    let quote = match source.as_bytes().get(first.span.start) {
        Some(b'"') => "\"",
        Some(b'\'') => "'",
        _ if syntax == Syntax::Yaml => "",
        _ => "\"",
    };
    let items: Vec<String> = new.iter().map(|a| format!("{quote}{a}{quote}")).collect();
    let indent: String = before.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    let previous = before.trim_end().chars().last();
    let replacement = match previous {
        // A YAML block sequence: one `- ACTION` a line.
        Some('-') if syntax == Syntax::Yaml => items.join(&format!("\n{indent}- ")),
        // A YAML scalar written where a list goes (`FLOW: READ`).
        Some(':') if syntax == Syntax::Yaml => format!("[{}]", items.join(", ")),
        _ if file.position(first.span.start).line != file.position(last.span.end).line => {
            items.join(&format!(",\n{indent}"))
        }
        _ => items.join(", "),
    };
    Some(Edit { span: Span::new(first.span.file, first.span.start, last.span.end), replacement })
}

/// The grant from its first byte to its last written value (a YAML block collection's end
/// marker may sit on the next line).
fn extent(g: &Grant) -> Span {
    let end = g.actions.iter().map(|a| a.span.end).chain([g.resource_type.span.end]).max().unwrap_or(g.span.end);
    Span::new(g.span.file, g.span.start, end)
}

fn remove(ws: &Workspace, syntax: Syntax, g: &Grant) -> Option<Edit> {
    match (syntax, g.actions_key, g.style) {
        (Syntax::Terraform, _, _) => edits::remove_lines(ws, g.span),
        // A `TYPE: [actions]` entry of a block mapping: its lines, from the key's to the last
        // value's (a closing `]` or a comment after it belongs to the entry). List items
        // and JSON need dashes or commas handled, which iamlint does not rewrite.
        (Syntax::Yaml, None, PermissionStyle::Map) => {
            let text = &ws.sources.get(g.span.file).text;
            let span = extent(g);
            let start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
            if !text[start..span.start].trim().is_empty() {
                return None;
            }
            let end = text[span.end..].find('\n').map_or(text.len(), |i| span.end + i + 1);
            Some(Edit { span: Span::new(g.span.file, start, end), replacement: String::new() })
        }
        _ => None,
    }
}

fn insert_after(ws: &Workspace, syntax: Syntax, g: &Grant, host: &Host) -> Option<Edit> {
    let file = ws.sources.get(g.span.file);
    let line = file.line_text(file.position(g.span.start).line);
    let indent: String = line.chars().take_while(|c| *c == ' ' || *c == '\t').collect();
    match (syntax, g.actions_key, g.style) {
        (Syntax::Terraform, _, _) => {
            let actions: Vec<String> = host.actions.iter().map(|a| format!("\"{a}\"")).collect();
            let block = format!(
                "\n\n{indent}resources {{\n{indent}  type    = \"{}\"\n{indent}  actions = [{}]\n{indent}}}",
                host.ty,
                actions.join(", ")
            );
            Some(Edit { span: Span::new(g.span.file, g.span.end, g.span.end), replacement: block })
        }
        (Syntax::Yaml, None, PermissionStyle::Map) if line.trim_start().starts_with(text(ws, g.resource_type.span)) => {
            let end = extent(g).end;
            let line_end = end + file.text[end..].find('\n').unwrap_or(file.text.len() - end);
            let entry = format!("\n{indent}{}: [{}]", host.ty, host.actions.join(", "));
            Some(Edit { span: Span::new(g.span.file, line_end, line_end), replacement: entry })
        }
        _ => None,
    }
}
