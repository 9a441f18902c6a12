//! Hover and go to definition: a rule's documentation over a finding or a rule code, a
//! service account's effective permissions over the account, and the object a reference
//! names (a group address, a role name in a binding).

use super::analysis::Analysis;
use super::convert;
use crate::access;
use crate::model::{ObjectRef, Reference};
use crate::render::escape;
use crate::source::FileId;
use lsp_types::{Hover, HoverContents, Location, MarkupContent, MarkupKind};

pub fn hover(a: &Analysis, id: FileId, at: usize) -> Option<Hover> {
    let mut parts: Vec<String> = Vec::new();
    let mut codes: Vec<&str> = Vec::new();
    for f in a.findings.iter().filter(|f| f.span.file == id && f.span.start <= at && at <= f.span.end) {
        if !codes.contains(&f.code.as_str()) {
            codes.push(f.code.as_str());
        }
    }
    let word = word_at(&a.ws.sources.get(id).text, at);
    if a.catalogue.find(word).is_some() && !codes.contains(&word) {
        codes.push(word);
    }
    for code in codes {
        if let Some(rule) = a.catalogue.find(code) {
            parts.push(crate::catalogue::explain(rule));
        }
    }
    if let Some(access) = service_account_at(a, id, at).and_then(|sa| permissions(a, sa)) {
        parts.push(access);
    }
    if parts.is_empty() {
        return None;
    }
    let value = a.mask(&escape::lines(&parts.join("\n---\n\n")));
    Some(Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }), range: None })
}

/// The rule code or name under the cursor: letters, digits, `-` and `_`.
fn word_at(text: &str, at: usize) -> &str {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    let at = at.min(text.len());
    if !text.is_char_boundary(at) {
        return "";
    }
    let start = text[..at].rfind(|c: char| !is_word(c)).map_or(0, |i| i + 1);
    let end = text[at..].find(|c: char| !is_word(c)).map_or(text.len(), |i| at + i);
    &text[start..end]
}

fn service_account_at(a: &Analysis, id: FileId, at: usize) -> Option<usize> {
    a.ws.service_accounts.iter().position(|sa| {
        let e = sa.origin.extent;
        e.file == id && e.start <= at && at <= e.end
    })
}

/// The `iamlint access` entry of a service account, as Markdown.
fn permissions(a: &Analysis, sa: usize) -> Option<String> {
    let origin = &a.ws.service_accounts[sa].origin;
    let file = a.ws.sources.get(origin.span.file);
    let line = file.position(origin.span.start).line;
    let report = access::report::report(&a.ws);
    let e =
        report.principals.iter().find(|e| e.kind == "service_account" && e.path == file.display && e.line == line)?;
    let mut out = format!("**{}** (service account, tenant `{}`): effective permissions\n\n", e.name, e.tenant);
    if e.super_admin {
        out.push_str("- super admin: every permission in the tenant\n");
    }
    if !e.groups.is_empty() {
        out.push_str(&format!("- groups: {}\n", e.groups.join(", ")));
    }
    for row in &e.permissions {
        let ns = row.namespace.as_deref().unwrap_or("(tenant-wide)");
        out.push_str(&format!(
            "- `{ns}` {}: {} (via {})\n",
            row.resource_type,
            row.actions.join(", "),
            row.via.join(", ")
        ));
    }
    if e.permissions.is_empty() && !e.super_admin {
        out.push_str("- no permission granted\n");
    }
    for u in &e.unknown {
        out.push_str(&format!("- unknown: {u}\n"));
    }
    Some(out)
}

/// Where the object that the reference under the cursor names is declared.
pub fn definition(a: &Analysis, id: FileId, at: usize) -> Option<Location> {
    let ws = &a.ws;
    let refs = ws
        .service_accounts
        .iter()
        .flat_map(|s| s.groups.iter())
        .chain(ws.users.iter().flat_map(|u| u.groups.iter()))
        .chain(ws.tokens.iter().map(|t| &t.owner))
        .chain(ws.bindings.iter().flat_map(|b| [&b.principal, &b.role]))
        .chain(ws.memberships.iter().flat_map(|m| [&m.user, &m.group]));
    let hit: &Reference = refs
        .filter(|r| r.span.file == id && r.span.start <= at && at <= r.span.end && r.resolved.is_some())
        .min_by_key(|r| r.span.len())?;
    let target: ObjectRef = hit.resolved?;
    let origin = ws.origin(target);
    let file = ws.sources.get(origin.span.file);
    Some(Location { uri: convert::uri(&file.path), range: convert::range(file, origin.span.start, origin.span.end) })
}

#[cfg(test)]
mod tests {
    use super::word_at;

    #[test]
    fn words_stop_at_punctuation() {
        let t = "# iamlint-ignore: IAM303 -- why";
        assert_eq!(word_at(t, t.find("303").unwrap()), "IAM303");
        assert_eq!(word_at(t, t.len()), "why");
    }
}
