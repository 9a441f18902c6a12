//! `iamlint access --diff REF`: the access diff (`iamlint::access::diff`) as a table or JSON.

use super::access::{esc, pad, AccessFormat};
use iamlint::access::diff::{diff, Change, Perm};
use iamlint::lint::Options;
use serde::Serialize;

#[derive(Serialize)]
struct DiffReport<'a> {
    version: u32,
    reference: &'a str,
    changes: Vec<Change>,
}

pub fn run(options: &Options, reference: &str, format: AccessFormat) -> i32 {
    match diff(options, reference) {
        Ok(changes) => {
            let text = match format {
                AccessFormat::Json => {
                    let report = DiffReport { version: 1, reference, changes };
                    let mut t = serde_json::to_string_pretty(&report).expect("access diff serializes");
                    t.push('\n');
                    iamlint::render::escape::json(&t).into_owned()
                }
                AccessFormat::Markdown => markdown(reference, &changes),
                AccessFormat::Table => table(reference, &changes),
            };
            super::printed(super::print(&text))
        }
        Err(e) => super::fail(&e),
    }
}

/// Names, namespaces and references come from the input: escaped, and padded by hand
/// (as in `access::table`).
fn table(reference: &str, changes: &[Change]) -> String {
    let reference = esc(reference);
    if changes.is_empty() {
        return format!("No access changes since {reference}.\n");
    }
    let mut out = format!("Access changes since {reference} (+ gained, - lost):\n\n");
    for c in changes {
        let kind = if c.kind == "user" { "user" } else { "service account" };
        let status = match c.status {
            "added" => "  [new]",
            "removed" => "  [removed]",
            _ => "",
        };
        out.push_str(&format!("{kind} {}  (tenant {}){status}\n", esc(&c.name), esc(&c.tenant)));
        match (c.super_admin_before, c.super_admin_after) {
            (false, true) => out.push_str("  + super admin: every permission, on every tenant\n"),
            (true, false) => out.push_str("  - super admin\n"),
            _ => {}
        }
        let width = c.gained.iter().chain(&c.lost).map(|p| namespace(p).chars().count()).max().unwrap_or(0);
        let type_width =
            c.gained.iter().chain(&c.lost).map(|p| esc(&p.resource_type).chars().count()).max().unwrap_or(0);
        for (sign, list) in [('+', &c.gained), ('-', &c.lost)] {
            for p in list {
                out.push_str(&format!("  {sign} "));
                pad(&mut out, &namespace(p), width);
                out.push_str("  ");
                pad(&mut out, &esc(&p.resource_type), type_width);
                out.push_str(&format!("  {}\n", esc(&p.action)));
            }
        }
        for t in &c.tokens_added {
            out.push_str(&format!("  + token {}\n", esc(t)));
        }
        for t in &c.tokens_removed {
            out.push_str(&format!("  - token {}\n", esc(t)));
        }
        out.push('\n');
    }
    out
}

fn namespace(p: &Perm) -> String {
    p.namespace.as_deref().map_or_else(|| "(tenant-wide)".into(), esc)
}

/// A section per principal with a table of what it gains and loses, under GitHub's comment
/// limit (`markdown::BUDGET`); every text from the input is escaped (`markdown::text`).
fn markdown(reference: &str, changes: &[Change]) -> String {
    use iamlint::render::markdown::{text, BUDGET};
    let mut out = format!("## Access changes since {}\n\n", text(reference));
    if changes.is_empty() {
        out.push_str("No service account or user gains or loses a permission.\n");
        return out;
    }
    let gained = changes.iter().filter(|c| !c.gained.is_empty() || (c.super_admin_after && !c.super_admin_before));
    out.push_str(&format!(
        "{} principal{} changed, {} gain{} access.\n",
        changes.len(),
        if changes.len() == 1 { "" } else { "s" },
        gained.clone().count(),
        if gained.count() == 1 { "s" } else { "" }
    ));
    let mut shown = 0;
    for c in changes {
        let kind = if c.kind == "user" { "user" } else { "service account" };
        let status = match c.status {
            "added" => " (new)",
            "removed" => " (removed)",
            _ => "",
        };
        let place = match &c.deployment {
            Some(d) => format!("deployment {}, tenant {}", text(d), text(&c.tenant)),
            None => format!("tenant {}", text(&c.tenant)),
        };
        let mut rows = String::new();
        match (c.super_admin_before, c.super_admin_after) {
            (false, true) => rows.push_str("| **gained** | every namespace | super admin | every action |\n"),
            (true, false) => rows.push_str("| lost | every namespace | super admin | every action |\n"),
            _ => {}
        }
        for (change, list) in [("**gained**", &c.gained), ("lost", &c.lost)] {
            for p in list {
                let namespace = p.namespace.as_deref().map_or_else(|| "(tenant-wide)".into(), text);
                rows.push_str(&format!(
                    "| {change} | {namespace} | {} | {} |\n",
                    text(&p.resource_type),
                    text(&p.action)
                ));
            }
        }
        for (change, list) in [("**gained**", &c.tokens_added), ("lost", &c.tokens_removed)] {
            for t in list {
                rows.push_str(&format!("| {change} | | API token | {} |\n", text(t)));
            }
        }
        let mut section = format!("\n### {kind} {} ({place}){status}\n\n", text(&c.name));
        if rows.is_empty() {
            section.push_str("Holds no permission and no token.\n");
        } else {
            section.push_str("| Change | Namespace | Type | Action |\n|---|---|---|---|\n");
            section.push_str(&rows);
        }
        if out.chars().count() + section.chars().count() > BUDGET {
            break;
        }
        out.push_str(&section);
        shown += 1;
    }
    if shown < changes.len() {
        let rest = changes.len() - shown;
        out.push_str(&format!(
            "\n{rest} more principal{} not shown: a comment holds 65,536 characters. `iamlint access --diff {} --format json` lists every one.\n",
            if rest == 1 { "" } else { "s" },
            text(reference)
        ));
    }
    out
}
