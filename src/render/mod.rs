//! Output formats. Every renderer gets findings already sorted, so output is
//! byte-identical across runs and thread counts.

mod concise;
mod human;
mod json;

use crate::finding::Finding;
use crate::model::Workspace;
use crate::source::Position;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Human,
    Concise,
    Json,
}

pub struct RenderOptions {
    pub color: bool,
    pub files: usize,
}

pub fn render(format: OutputFormat, ws: &Workspace, findings: &[Finding], options: &RenderOptions) -> String {
    match format {
        OutputFormat::Human => human::render(ws, findings, options.color),
        OutputFormat::Concise => concise::render(ws, findings),
        OutputFormat::Json => json::render(ws, findings, options.files),
    }
}

/// Start and end positions of a finding, 1-based.
pub fn positions(ws: &Workspace, f: &Finding) -> (Position, Position) {
    let file = ws.sources.get(f.span.file);
    (file.position(f.span.start), file.position(f.span.end))
}

/// The line printed on stderr after human output.
pub fn summary(findings: &[Finding], files: usize) -> String {
    use crate::finding::Severity;
    if findings.is_empty() {
        return format!("All checks passed ({files} file{} checked).", plural(files));
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let fixable = findings.iter().filter(|f| f.fix.is_some()).count();
    let mut parts = Vec::new();
    for (s, word) in [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")] {
        let n = count(s);
        if n > 0 {
            parts.push(format!("{n} {word}{}", if s == Severity::Info { "" } else { plural(n) }));
        }
    }
    let mut line = format!(
        "Found {} problem{} ({}) in {files} file{} checked.",
        findings.len(),
        plural(findings.len()),
        parts.join(", "),
        plural(files)
    );
    if fixable > 0 {
        line.push_str(&format!(" {fixable} fixable with `--fix`."));
    }
    line
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
