//! Checkstyle XML, which many CI dashboards and review bots import: one `<file>` per file
//! with findings, one `<error>` per finding. Written with quick-xml, which escapes
//! attribute values.

use super::{positions, xml_document, xml_safe};
use crate::finding::Finding;
use crate::model::Workspace;
use quick_xml::Writer;
use std::io;

pub fn write(ws: &Workspace, findings: &[Finding], out: &mut dyn io::Write) -> io::Result<()> {
    xml_document(out, |w| elements(w, ws, findings))
}

fn elements(w: &mut Writer<&mut dyn io::Write>, ws: &Workspace, findings: &[Finding]) -> io::Result<()> {
    let element = w.create_element("checkstyle").with_attribute(("version", "4.3"));
    if findings.is_empty() {
        element.write_empty()?;
        return Ok(());
    }
    element.write_inner_content(|w| {
        // Findings arrive sorted by path, so each file's findings are contiguous.
        for group in findings.chunk_by(|a, b| a.span.file == b.span.file) {
            let path = xml_safe(&ws.sources.get(group[0].span.file).display);
            w.create_element("file").with_attribute(("name", path.as_str())).write_inner_content(|w| {
                for f in group {
                    let (start, _) = positions(ws, f);
                    let (line, column) = (start.line.to_string(), start.column.to_string());
                    let message = xml_safe(&format!("{} {}", f.code, f.message));
                    let source = format!("iamlint.{}", f.code);
                    w.create_element("error")
                        .with_attributes([
                            ("line", line.as_str()),
                            ("column", column.as_str()),
                            ("severity", f.severity.as_str()),
                            ("message", message.as_str()),
                            ("source", source.as_str()),
                        ])
                        .write_empty()?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })?;
    Ok(())
}
