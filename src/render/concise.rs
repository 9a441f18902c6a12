//! `path:line:col: CODE [severity] message`, one finding a line, for editors and grep.

use super::positions;
use crate::finding::Finding;
use crate::model::Workspace;
use std::fmt::Write;

pub fn render(ws: &Workspace, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        let (start, _) = positions(ws, f);
        let path = &ws.sources.get(f.span.file).display;
        let _ =
            writeln!(out, "{path}:{}:{}: {} [{}] {}", start.line, start.column, f.code, f.severity.as_str(), f.message);
    }
    out
}
