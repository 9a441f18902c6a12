//! `iamlint access --diff REF`: the access diff (`iamlint::access::diff`) as a table or JSON.

use super::access::{esc, pad};
use iamlint::access::diff::{diff, Change, Perm};
use iamlint::lint::Options;
use serde::Serialize;

#[derive(Serialize)]
struct DiffReport<'a> {
    version: u32,
    reference: &'a str,
    changes: Vec<Change>,
}

pub fn run(options: &Options, reference: &str, json: bool) -> i32 {
    match diff(options, reference) {
        Ok(changes) => {
            let text = if json {
                let report = DiffReport { version: 1, reference, changes };
                let mut t = serde_json::to_string_pretty(&report).expect("access diff serializes");
                t.push('\n');
                iamlint::render::escape::json(&t).into_owned()
            } else {
                table(reference, &changes)
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
