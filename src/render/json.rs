//! The stable JSON output (README, Output formats): scripts and tests read it, so fields never move.

use super::positions;
use crate::catalogue::Catalogue;
use crate::finding::Finding;
use crate::model::Workspace;
use serde::Serialize;

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
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    findings: usize,
}

pub fn render(ws: &Workspace, findings: &[Finding], files: usize, catalogue: &Catalogue) -> String {
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
            }
        })
        .collect();
    let count = findings.len();
    let output = Output { version: 1, findings, summary: Summary { files, findings: count } };
    let mut text = serde_json::to_string_pretty(&output).expect("JSON output serializes");
    text.push('\n');
    text
}
