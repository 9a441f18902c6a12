//! The default report: miette's graphical diagnostics, with the source line, the span
//! underlined, the fix as help. Each opens with `CODE severity name: message` on one line,
//! so that a CI log without colour can be grepped for `IAM204 error`. Labels in other files
//! (the links of a chain) are notes of the same diagnostic, `path:line:col: what`, and the
//! last note points to `iamlint explain CODE`.

use super::excerpt::Excerpt;
use super::{escape, Error, RenderOptions};
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

/// Bounds of a terminal's width as `COLUMNS` or the terminal reports it: narrower leaves no
/// room for the gutter, wider is a wrong value (lines are clipped around spans anyway).
const MIN_WIDTH: usize = 40;
const MAX_WIDTH: usize = 1000;

/// Writes each finding as soon as it is rendered: the report is never held whole.
pub fn write(
    ws: &Workspace,
    findings: &[Finding],
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> Result<(), Error> {
    let catalogue = options.catalogue;
    let theme = if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    let handler = match options.width {
        Some(width) => handler.with_width(width.clamp(MIN_WIDTH, MAX_WIDTH)),
        None => handler.with_wrap_lines(false),
    };
    let mut shown = ShownTexts::default();
    let mut text = String::new();
    for f in findings {
        text.clear();
        // A renderer bug on hostile input must end the run with a message naming the
        // finding, not a crash (or a silently shortened report).
        let rendered = catch_unwind(AssertUnwindSafe(|| {
            let report = Report::new(ws, f, catalogue, &mut shown);
            handler.render_report(&mut text, &report)?;
            for note in &report.notes {
                fmt::Write::write_fmt(&mut text, format_args!("  note: {note}\n"))?;
            }
            Ok::<(), fmt::Error>(())
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

struct Report {
    severity: Severity,
    /// `CODE severity name: message`.
    headline: String,
    help: Option<String>,
    source: Excerpt,
    /// Ranges in `source`, message, primary.
    labels: Vec<(Range<usize>, Option<String>, bool)>,
    /// Lines after the help: the places in other files, the pointer to `explain`.
    notes: Vec<String>,
}

impl Report {
    fn new(ws: &Workspace, f: &Finding, catalogue: &crate::catalogue::Catalogue, shown: &mut ShownTexts) -> Self {
        let safe_fix = catalogue.safe_fix(f);
        let name = escape::line(catalogue.name_of(&f.code));
        let headline = format!("{} {} {name}: {}", escape::line(&f.code), f.severity.as_str(), f.message);
        let mut parts: Vec<String> = f.help.iter().cloned().collect();
        if let Some(fix) = &f.fix {
            parts.push(match safe_fix {
                true => format!("fix: {} (`--fix`)", fix.description),
                false => format!("unsafe fix: {} (`--fix --unsafe-fixes`)", fix.description),
            });
        }
        let mut labels = vec![(f.span.start..f.span.end, None, true)];
        let mut notes = Vec::new();
        for l in f.labels.iter().take(MAX_LABELS) {
            if l.span.file == f.span.file {
                labels.push((l.span.start..l.span.end, Some(l.message.clone()), false));
            } else {
                notes.push(note(ws, l));
            }
        }
        let hidden = f.labels.len().saturating_sub(MAX_LABELS);
        if hidden > 0 {
            notes.push(format!("{hidden} more related places are not shown (`--format sarif` lists them)"));
        }
        notes.push(format!("`iamlint explain {}` tells why this matters and how to fix it", escape::line(&f.code)));
        let help = (!parts.is_empty()).then(|| parts.join("\n"));
        let (source, labels) = excerpt(ws, f.span.file, labels, shown);
        Report { severity: f.severity, headline, help, source, labels, notes }
    }
}

/// A place in another file that takes part in the finding: where it is, and what it does.
fn note(ws: &Workspace, l: &Label) -> String {
    let file = ws.sources.get(l.span.file);
    let at = file.position(l.span.start);
    format!("{}:{}:{}: {}", escape::line(&file.display), at.line, at.column, l.message)
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

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline)
    }
}

impl std::error::Error for Report {}

/// No `code`: miette would print it on a line of its own, apart from the message; the
/// headline carries it.
impl Diagnostic for Report {
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
}
