//! GitLab Code Quality report: a JSON array of Code Climate issues. GitLab requires a
//! unique `fingerprint` per issue (iamlint's line-free fingerprint, so an issue keeps its
//! identity across merge requests) and reads `location.path` and `location.lines.begin`.
//! Severities map error -> major, warning -> minor, info -> info: `critical` and
//! `blocker` are left to the reviewer's judgement rather than claimed by a linter.

use super::positions;
use crate::catalogue::Catalogue;
use crate::finding::{Finding, Severity};
use crate::fingerprint;
use crate::model::Workspace;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: String,
    description: String,
    categories: [&'static str; 1],
    fingerprint: &'a str,
    severity: &'static str,
    location: IssueLocation<'a>,
}

#[derive(Serialize)]
struct IssueLocation<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn write(ws: &Workspace, findings: &[Finding], catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    let fingerprints = fingerprint::fingerprints(ws, findings);
    let issues: Vec<Issue> = findings
        .iter()
        .zip(&fingerprints)
        .map(|(f, fp)| {
            let (start, end) = positions(ws, f);
            Issue {
                kind: "issue",
                check_name: format!("{} {}", f.code, catalogue.name_of(&f.code)).trim_end().to_string(),
                description: format!("{}: {}", f.code, f.message),
                categories: ["Security"],
                fingerprint: fp,
                severity: match f.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                location: IssueLocation {
                    path: &ws.sources.get(f.span.file).display,
                    lines: Lines { begin: start.line, end: end.line },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    out.write_all(b"\n")
}
