//! The stable JSON output (docs/formats.md): scripts and tests read it, so fields never move.

use super::positions;
use crate::catalogue::Catalogue;
use crate::finding::Finding;
use crate::model::Workspace;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    code: &'a str,
    name: &'a str,
    severity: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    message: &'a str,
    help: Option<&'a str>,
    fixable: bool,
    /// "safe", "unsafe" (applied only with `--unsafe-fixes`), or null without a fix.
    fix_safety: Option<&'static str>,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
}

pub fn write(
    ws: &Workspace,
    findings: &[Finding],
    files: usize,
    catalogue: &Catalogue,
    out: &mut dyn Write,
) -> io::Result<()> {
    let findings: Vec<JsonFinding> = findings
        .iter()
        .map(|f| {
            let (start, end) = positions(ws, f);
            JsonFinding {
                code: &f.code,
                name: catalogue.name_of(&f.code),
                severity: f.severity.as_str(),
                path: &ws.sources.get(f.span.file).display,
                line: start.line,
                column: start.column,
                end_line: end.line,
                end_column: end.column,
                message: &f.message,
                help: f.help.as_deref(),
                fixable: f.fix.is_some(),
                fix_safety: f.fix.as_ref().map(|_| catalogue.fix_safety(&f.code).as_str()),
            }
        })
        .collect();
    let count = findings.len();
    let output = Output { version: 1, findings, summary: Summary { files, findings: count } };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    out.write_all(b"\n")
}
