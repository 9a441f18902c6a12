//! The default report: miette's graphical diagnostics, with the source line, the span
//! underlined, the rule code, the message and the fix as help. Labels in other files are
//! shown as related diagnostics, each with its own source.

use super::Error;
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use crate::source::{FileId, Span};
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// Writes each finding as soon as it is rendered: the report is never held whole.
pub fn write(ws: &Workspace, findings: &[Finding], color: bool, out: &mut dyn io::Write) -> Result<(), Error> {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut shown = ShownTexts::default();
    let mut text = String::new();
    for f in findings {
        text.clear();
        let report = Report::new(ws, f, &mut shown);
        // A renderer bug on hostile input must end the run with a message naming the
        // finding, not a crash (or a silently shortened report).
        let rendered = catch_unwind(AssertUnwindSafe(|| handler.render_report(&mut text, &report)));
        if !matches!(rendered, Ok(Ok(()))) {
            let file = ws.sources.get(f.span.file);
            let at = file.position(f.span.start);
            return Err(Error::Render(format!(
                "cannot render {} at {}:{}:{}",
                f.code, file.display, at.line, at.column
            )));
        }
        text.push('\n');
        out.write_all(text.as_bytes())?;
    }
    Ok(())
}

/// Each file's text with secrets starred out, made once per file rather than once per
/// finding (a file with a secret is copied to redact it).
#[derive(Default)]
struct ShownTexts(HashMap<FileId, Arc<str>>);

impl ShownTexts {
    fn get(&mut self, ws: &Workspace, file: FileId) -> Arc<str> {
        self.0.entry(file).or_insert_with(|| ws.sources.get(file).shown_text()).clone()
    }
}

struct Report<'a> {
    code: &'a str,
    severity: Severity,
    message: String,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<(Span, Option<String>, bool)>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    fn new(ws: &'a Workspace, f: &'a Finding, shown: &mut ShownTexts) -> Self {
        let file = ws.sources.get(f.span.file);
        let help = match (&f.help, &f.fix) {
            (Some(h), Some(fix)) => Some(format!("{h}\nfix: {} (`--fix`)", fix.description)),
            (Some(h), None) => Some(h.clone()),
            (None, Some(fix)) => Some(format!("fix: {} (`--fix`)", fix.description)),
            (None, None) => None,
        };
        let mut labels = vec![(f.span, None, true)];
        let mut related = Vec::new();
        for l in &f.labels {
            if l.span.file == f.span.file {
                labels.push((l.span, Some(l.message.clone()), false));
            } else {
                let other = ws.sources.get(l.span.file);
                related.push(Report {
                    code: f.code,
                    severity: Severity::Info,
                    message: l.message.clone(),
                    help: None,
                    source: NamedSource::new(other.display.clone(), shown.get(ws, l.span.file)),
                    labels: vec![(l.span, Some(l.message.clone()), true)],
                    related: Vec::new(),
                });
            }
        }
        Report {
            code: f.code,
            severity: f.severity,
            message: f.message.clone(),
            help,
            source: NamedSource::new(file.display.clone(), shown.get(ws, f.span.file))
                .with_language(language(&file.display)),
            labels,
            related,
        }
    }
}

/// The language of a file for highlighting and Markdown fences, by its name.
pub fn language(path: &str) -> &'static str {
    if path.ends_with(".tf") || path.ends_with(".tfvars") {
        "hcl"
    } else if path.ends_with(".json") {
        "json"
    } else if path.ends_with(".sh") || path.ends_with(".bash") {
        "sh"
    } else {
        "yaml"
    }
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().map(|(span, message, primary)| {
            let range = span.start..span.end;
            if *primary {
                LabeledSpan::new_primary_with_span(message.clone(), range)
            } else {
                LabeledSpan::new_with_span(message.clone(), range)
            }
        })))
    }

    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn Diagnostic> + 'b>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}
