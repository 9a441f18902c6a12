//! The default report: miette's graphical diagnostics, with the source line, the span
//! underlined, the rule code, the message and the fix as help. Labels in other files are
//! shown as related diagnostics, each with its own source.

use super::excerpt::Excerpt;
use super::{escape, Error};
use crate::finding::{Finding, Label, Severity};
use crate::model::Workspace;
use crate::source::FileId;
use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};
use std::collections::HashMap;
use std::fmt;
use std::io;
use std::ops::Range;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

/// Labels shown per finding: each is a snippet, so a finding with thousands of them (every
/// use of one credential) would print thousands. The rest are counted in the help.
const MAX_LABELS: usize = 16;

/// Writes each finding as soon as it is rendered: the report is never held whole.
pub fn write(
    ws: &Workspace,
    findings: &[Finding],
    color: bool,
    catalogue: &crate::catalogue::Catalogue,
    out: &mut dyn io::Write,
) -> Result<(), Error> {
    let theme = if color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(100).with_links(false);
    let mut shown = ShownTexts::default();
    let mut text = String::new();
    for f in findings {
        text.clear();
        // A renderer bug on hostile input must end the run with a message naming the
        // finding, not a crash (or a silently shortened report).
        let rendered = catch_unwind(AssertUnwindSafe(|| {
            let report = Report::new(ws, f, catalogue.safe_fix(f), &mut shown);
            handler.render_report(&mut text, &report)
        }));
        if !matches!(rendered, Ok(Ok(()))) {
            let file = ws.sources.get(f.span.file);
            let at = file.position(f.span.start);
            return Err(Error::Render(format!(
                "cannot render {} at {}:{}:{}",
                f.code,
                escape::line(&file.display),
                at.line,
                at.column
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
    source: Excerpt,
    /// Ranges in `source`, message, primary.
    labels: Vec<(Range<usize>, Option<String>, bool)>,
    related: Vec<Report<'a>>,
}

impl<'a> Report<'a> {
    fn new(ws: &'a Workspace, f: &'a Finding, safe_fix: bool, shown: &mut ShownTexts) -> Self {
        let mut parts: Vec<String> = f.help.iter().cloned().collect();
        if let Some(fix) = &f.fix {
            parts.push(match safe_fix {
                true => format!("fix: {} (`--fix`)", fix.description),
                false => format!("unsafe fix: {} (`--fix --unsafe-fixes`)", fix.description),
            });
        }
        let hidden = f.labels.len().saturating_sub(MAX_LABELS);
        if hidden > 0 {
            parts.push(format!("{hidden} more related places are not shown (`--format sarif` lists them)"));
        }
        let help = (!parts.is_empty()).then(|| parts.join("\n"));
        let mut labels = vec![(f.span.start..f.span.end, None, true)];
        let mut related = Vec::new();
        for l in f.labels.iter().take(MAX_LABELS) {
            let message = Some(l.message.clone());
            if l.span.file == f.span.file {
                labels.push((l.span.start..l.span.end, message, false));
            } else {
                related.push(Report::related(ws, &f.code, l, shown));
            }
        }
        let (source, labels) = excerpt(ws, f.span.file, labels, shown);
        Report { code: &f.code, severity: f.severity, message: f.message.clone(), help, source, labels, related }
    }

    /// A label in another file, shown as a diagnostic of its own.
    fn related(ws: &'a Workspace, code: &'a str, l: &Label, shown: &mut ShownTexts) -> Self {
        let message = l.message.clone();
        let label = (l.span.start..l.span.end, Some(message.clone()), true);
        let (source, labels) = excerpt(ws, l.span.file, vec![label], shown);
        Report { code, severity: Severity::Info, message, help: None, source, labels, related: Vec::new() }
    }
}

type Labels = Vec<(Range<usize>, Option<String>, bool)>;

/// The excerpt of `file` around `labels` (file offsets), and the labels re-based into it.
fn excerpt(ws: &Workspace, file: FileId, labels: Labels, shown: &mut ShownTexts) -> (Excerpt, Labels) {
    let source = ws.sources.get(file);
    let spans: Vec<Range<usize>> = labels.iter().map(|l| l.0.clone()).collect();
    let name = escape::line(&source.display).into_owned();
    let (excerpt, ranges) =
        Excerpt::new(source, &shown.get(ws, file), name, crate::source::language(&source.display), &spans);
    let labels =
        labels.into_iter().zip(ranges).map(|((_, message, primary), range)| (range, message, primary)).collect();
    (excerpt, labels)
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
        Some(Box::new(self.labels.iter().map(|(range, message, primary)| {
            let range = range.clone();
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
