//! `path:line:col: CODE [severity] message`, one finding a line, for editors and grep. A
//! finding `--fix` fixes is marked `[*]` before its message, as ruff marks them.

use super::{escape, positions};
use crate::catalogue::Catalogue;
use crate::finding::Finding;
use crate::model::Workspace;
use std::io::{self, Write};

pub fn write(ws: &Workspace, findings: &[Finding], catalogue: &Catalogue, out: &mut dyn Write) -> io::Result<()> {
    for f in findings {
        let (start, _) = positions(ws, f);
        let path = escape::line(&ws.sources.get(f.span.file).display);
        let message = &f.message;
        let fixable = if catalogue.safe_fix(f) { "[*] " } else { "" };
        writeln!(
            out,
            "{path}:{}:{}: {} [{}] {fixable}{message}",
            start.line,
            start.column,
            f.code,
            f.severity.as_str()
        )?;
    }
    Ok(())
}
