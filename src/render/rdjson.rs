//! Reviewdog Diagnostic Format (rdjson), so reviewdog posts findings as pull-request
//! review comments, with fixes as suggested changes. rdjson columns count UTF-8 bytes
//! (reviewdog's `Position.column`), unlike iamlint's character columns elsewhere.

use super::help_uri;
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use crate::source::Span;
use serde::Serialize;
use std::io::{self, Write};

#[derive(Serialize)]
struct Output<'a> {
    source: Source,
    diagnostics: Vec<Diagnostic<'a>>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
struct Diagnostic<'a> {
    message: String,
    location: Location<'a>,
    severity: &'static str,
    source: Source,
    code: Code<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Code<'a> {
    value: &'a str,
    url: String,
}

#[derive(Serialize)]
struct Suggestion<'a> {
    range: Range,
    text: &'a str,
}

const SOURCE: Source = Source { name: "iamlint", url: "https://github.com/iamlint/iamlint" };

pub fn write(ws: &Workspace, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = findings
        .iter()
        .map(|f| {
            let message = match &f.help {
                Some(help) => format!("{}\nhelp: {help}", f.message),
                None => f.message.clone(),
            };
            Diagnostic {
                message,
                location: Location { path: &ws.sources.get(f.span.file).display, range: range(ws, f.span) },
                severity: match f.severity {
                    Severity::Error => "ERROR",
                    Severity::Warning => "WARNING",
                    Severity::Info => "INFO",
                },
                source: SOURCE,
                code: Code { value: &f.code, url: help_uri(&f.code) },
                suggestions: suggestions(ws, f),
            }
        })
        .collect();
    let output = Output { source: SOURCE, diagnostics };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    out.write_all(b"\n")
}

/// A suggestion can only change the diagnostic's own file, so a fix that also edits other
/// files (a rename updating references elsewhere) is not offered: half a fix would break
/// the references.
fn suggestions<'a>(ws: &Workspace, f: &'a Finding) -> Vec<Suggestion<'a>> {
    let Some(fix) = &f.fix else { return Vec::new() };
    if fix.edits.iter().any(|e| e.span.file != f.span.file) {
        return Vec::new();
    }
    let mut edits: Vec<_> = fix.edits.iter().collect();
    edits.sort();
    edits.into_iter().map(|e| Suggestion { range: range(ws, e.span), text: &e.replacement }).collect()
}

fn range(ws: &Workspace, span: Span) -> Range {
    let file = ws.sources.get(span.file);
    let at = |byte: usize| {
        let line = file.position(byte).line;
        Position { line, column: byte.min(file.text.len()) - file.offset(line, 1) + 1 }
    };
    Range { start: at(span.start), end: at(span.end) }
}
