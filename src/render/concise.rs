//! `path:line:col: CODE [severity] message`, one finding a line, for editors and grep.

use super::positions;
use crate::finding::Finding;
use crate::model::Workspace;
use std::io::{self, Write};

pub fn write(ws: &Workspace, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let (start, _) = positions(ws, f);
        let path = &ws.sources.get(f.span.file).display;
        writeln!(out, "{path}:{}:{}: {} [{}] {}", start.line, start.column, f.code, f.severity.as_str(), f.message)?;
    }
    Ok(())
}
