//! JUnit XML for CI test-report viewers: one test suite per file, one failing test case
//! per finding. A clean run is one passing test case, so viewers show a green check
//! rather than "no tests". Written with quick-xml, which escapes attributes and text.

use super::{positions, xml_document, xml_safe};
use crate::finding::Finding;
use crate::model::Workspace;
use quick_xml::escape::partial_escape;
use quick_xml::events::BytesText;
use quick_xml::Writer;
use std::io;

pub fn write(ws: &Workspace, findings: &[Finding], out: &mut dyn io::Write) -> io::Result<()> {
    xml_document(out, |w| elements(w, ws, findings))
}

fn elements(w: &mut Writer<&mut dyn io::Write>, ws: &Workspace, findings: &[Finding]) -> io::Result<()> {
    let total = findings.len().max(1).to_string();
    let failures = findings.len().to_string();
    w.create_element("testsuites")
        .with_attributes([
            ("name", "iamlint"),
            ("tests", total.as_str()),
            ("failures", failures.as_str()),
            ("errors", "0"),
        ])
        .write_inner_content(|w| {
            if findings.is_empty() {
                return w
                    .create_element("testsuite")
                    .with_attributes([("name", "iamlint"), ("tests", "1"), ("failures", "0"), ("errors", "0")])
                    .write_inner_content(|w| {
                        w.create_element("testcase")
                            .with_attributes([("name", "no findings"), ("classname", "iamlint")])
                            .write_empty()
                            .map(|_| ())
                    })
                    .map(|_| ());
            }
            // Findings arrive sorted by path, so each file's findings are contiguous.
            for group in findings.chunk_by(|a, b| a.span.file == b.span.file) {
                let path = xml_safe(&ws.sources.get(group[0].span.file).display);
                let count = group.len().to_string();
                w.create_element("testsuite")
                    .with_attributes([
                        ("name", path.as_str()),
                        ("tests", count.as_str()),
                        ("failures", count.as_str()),
                        ("errors", "0"),
                    ])
                    .write_inner_content(|w| {
                        for f in group {
                            testcase(w, ws, f, &path)?;
                        }
                        Ok(())
                    })?;
            }
            Ok(())
        })?;
    Ok(())
}

fn testcase(w: &mut Writer<&mut dyn io::Write>, ws: &Workspace, f: &Finding, path: &str) -> io::Result<()> {
    let (start, _) = positions(ws, f);
    let name = format!("{} at line {}, column {}", f.code, start.line, start.column);
    let line = start.line.to_string();
    let message = xml_safe(&f.message);
    let mut body = format!("{path}:{}:{}: {} [{}] {message}", start.line, start.column, f.code, f.severity.as_str());
    if let Some(help) = &f.help {
        body.push_str(&format!("\nhelp: {}", xml_safe(help)));
    }
    w.create_element("testcase")
        .with_attributes([("name", name.as_str()), ("classname", path), ("file", path), ("line", line.as_str())])
        .write_inner_content(|w| {
            w.create_element("failure")
                .with_attributes([("message", message.as_str()), ("type", f.code.as_str())])
                .write_text_content(BytesText::from_escaped(partial_escape(&body)))
                .map(|_| ())
        })?;
    Ok(())
}
