//! Output formats. Every renderer gets findings already sorted, so output is
//! byte-identical across runs and thread counts. Renderers write to the output as they
//! go, so a report is never held whole in memory, and text taken from the input is escaped
//! (`escape`) so that it cannot act on a terminal or a CI runner.

mod checkstyle;
mod concise;
pub mod escape;
mod excerpt;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
pub mod markdown;
mod rdjson;
mod sarif;

use crate::catalogue::Catalogue;
use crate::finding::Finding;
use crate::model::Workspace;
use crate::source::Position;
use std::fmt;
use std::io;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Diagnostics with the source line and the span underlined, for people
    Human,
    /// One line a finding: path:line:col: CODE [severity] message
    Concise,
    /// The stable JSON report, for scripts
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands (annotations on the pull request)
    Github,
    /// GitLab Code Quality report
    Gitlab,
    /// JUnit XML, one test case per finding
    Junit,
    /// Checkstyle XML
    Checkstyle,
    /// Reviewdog diagnostic format (rdjson), with fixes as suggestions
    Rdjson,
    /// A summary and a table per rule, for a pull-request comment or a job summary
    Markdown,
}

impl OutputFormat {
    /// The name `--format` takes.
    pub fn name(self) -> String {
        clap::ValueEnum::to_possible_value(&self).map(|v| v.get_name().to_string()).unwrap_or_default()
    }
}

pub struct RenderOptions<'a> {
    pub color: bool,
    pub files: usize,
    /// The run's rules, for their names and documentation.
    pub catalogue: &'a Catalogue,
    /// Where `human` wraps its text; `None` never wraps (a CI log, a file: a reader's
    /// window wraps better than a guess, and grep finds a whole message on one line).
    pub width: Option<usize>,
    /// Findings the run found but does not report, for the summaries that count them.
    pub hidden: Hidden,
}

impl<'a> RenderOptions<'a> {
    /// No colour, no wrapping, nothing hidden, no file counted.
    pub fn new(catalogue: &'a Catalogue) -> Self {
        RenderOptions { color: false, files: 0, catalogue, width: None, hidden: Hidden::default() }
    }
}

/// How many findings a run left out of its report, and why.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Hidden {
    /// Recorded in `--baseline`.
    pub baselined: usize,
    /// Silenced by an `iamlint-ignore` comment.
    pub suppressed: usize,
    /// Silenced by the configuration's `per-file-ignores` or `object-ignores`.
    pub ignored: usize,
    /// Outside the lines changed since `--changed-since`.
    pub unchanged: usize,
    /// Wholly in files read only to resolve references (files named on the command line, as
    /// pre-commit names them, are reported; the rest of the workspace is not).
    pub elsewhere: usize,
}

impl Hidden {
    /// `14 baselined, 2 suppressed`, or nothing when nothing was hidden.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.baselined, "baselined"),
            (self.suppressed, "suppressed"),
            (self.ignored, "ignored by configuration"),
            (self.unchanged, "outside the changed lines"),
            (self.elsewhere, "in files not named"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// Why a report was not written whole.
#[derive(Debug)]
pub enum Error {
    /// The output refused it: a full disk, a closed pipe.
    Write(io::Error),
    /// A renderer failed on a finding (a bug, reported rather than hidden).
    Render(String),
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error::Write(e)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Write(e) => write!(f, "cannot write the report: {e}"),
            Error::Render(what) => write!(f, "cannot render the report: {what}"),
        }
    }
}

/// Writes the report to `out` as it is produced.
pub fn write(
    format: OutputFormat,
    ws: &Workspace,
    findings: &[Finding],
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> Result<(), Error> {
    let findings = &*inert(findings);
    // JSON keeps paths exact; written with `\uXXXX` escapes, they are exact and inert.
    let mut json_out;
    let out: &mut dyn io::Write = match format {
        OutputFormat::Json | OutputFormat::Sarif | OutputFormat::Gitlab | OutputFormat::Rdjson => {
            json_out = escape::JsonWriter::new(out);
            &mut json_out
        }
        _ => out,
    };
    match format {
        OutputFormat::Human => return human::write(ws, findings, options, out),
        OutputFormat::Markdown => return markdown::write(ws, findings, options, out),
        OutputFormat::Concise => concise::write(ws, findings, options.catalogue, out),
        OutputFormat::Json => json::write(ws, findings, options.files, options.catalogue, out),
        OutputFormat::Sarif => sarif::write(ws, findings, options.catalogue, out),
        OutputFormat::Github => github::write(ws, findings, out),
        OutputFormat::Gitlab => gitlab::write(ws, findings, options.catalogue, out),
        OutputFormat::Junit => junit::write(ws, findings, out),
        OutputFormat::Checkstyle => checkstyle::write(ws, findings, out),
        OutputFormat::Rdjson => rdjson::write(ws, findings, out),
    }?;
    out.flush()?;
    Ok(())
}

/// The findings with every text that comes from the input (message, help, labels, fix
/// descriptions) escaped once, here, so that no format can forget to (`escape::line`).
/// (Secrets' text is starred where findings are made: `lint::check`.) Paths are each
/// format's to escape: JSON keeps them exact. Borrowed when nothing needs it.
pub fn inert(findings: &[Finding]) -> std::borrow::Cow<'_, [Finding]> {
    let unsafe_text = |s: &str| s.chars().any(escape::is_unsafe);
    let needs = |f: &Finding| {
        unsafe_text(&f.message)
            || f.help.as_deref().is_some_and(unsafe_text)
            || f.labels.iter().any(|l| unsafe_text(&l.message))
            || f.fix.as_ref().is_some_and(|fix| unsafe_text(&fix.description))
    };
    if !findings.iter().any(needs) {
        return std::borrow::Cow::Borrowed(findings);
    }
    let line = |s: &str| escape::line(s).into_owned();
    std::borrow::Cow::Owned(
        findings
            .iter()
            .map(|f| {
                let mut f = f.clone();
                f.message = line(&f.message);
                f.help = f.help.as_deref().map(line);
                for l in &mut f.labels {
                    l.message = line(&l.message);
                }
                if let Some(fix) = &mut f.fix {
                    fix.description = line(&fix.description);
                }
                f
            })
            .collect(),
    )
}

/// The whole report as a string (for tests and benchmarks; the command line streams it).
pub fn render(format: OutputFormat, ws: &Workspace, findings: &[Finding], options: &RenderOptions) -> String {
    let mut out = Vec::new();
    if let Err(e) = write(format, ws, findings, options, &mut out) {
        panic!("{e}");
    }
    String::from_utf8(out).expect("reports are UTF-8")
}

/// Where a rule's documentation is published (the `rules/<CODE>.toml` it is compiled from).
pub fn help_uri(code: &str) -> String {
    format!("https://github.com/iamlint/iamlint/blob/main/rules/{code}.toml")
}

/// Start and end positions of a finding, 1-based.
pub fn positions(ws: &Workspace, f: &Finding) -> (Position, Position) {
    let file = ws.sources.get(f.span.file);
    (file.position(f.span.start), file.position(f.span.end))
}

/// The line printed on stderr after human output: `files` linted, and how many more were
/// `skipped` as not IAM (YAML and JSON that are neither manifests nor plans), and how many
/// findings were `hidden` (a passing run that hides 14 findings says so).
pub fn summary(findings: &[Finding], files: usize, skipped: usize, hidden: &Hidden, catalogue: &Catalogue) -> String {
    use crate::finding::Severity;
    let mut skipped = match skipped {
        0 => String::new(),
        n => format!("; {n} skipped as not IAM, listed by `--show-files`"),
    };
    if let Some(hidden) = hidden.describe() {
        skipped.push_str(&format!("; not reported: {hidden}"));
    }
    if findings.is_empty() {
        return format!("All checks passed ({files} file{} checked{skipped}).", plural(files));
    }
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let fixable = findings.iter().filter(|f| catalogue.safe_fix(f)).count();
    let unsafe_fixable = findings.iter().filter(|f| f.fix.is_some()).count() - fixable;
    let mut parts = Vec::new();
    for (s, word) in [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")] {
        let n = count(s);
        if n > 0 {
            parts.push(format!("{n} {word}{}", if s == Severity::Info { "" } else { plural(n) }));
        }
    }
    let mut line = format!(
        "Found {} problem{} ({}) in {files} file{} checked{skipped}.",
        findings.len(),
        plural(findings.len()),
        parts.join(", "),
        plural(files)
    );
    if fixable > 0 {
        line.push_str(&format!(" {fixable} fixable with `--fix`."));
    }
    if unsafe_fixable > 0 {
        let more = if fixable > 0 { " more" } else { "" };
        line.push_str(&format!(" {unsafe_fixable}{more} with `--fix --unsafe-fixes` (review them: they can change who exists or what is granted)."));
    }
    line
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// An indented UTF-8 XML document: the declaration, then what `body` writes.
fn xml_document(
    out: &mut dyn io::Write,
    body: impl FnOnce(&mut quick_xml::Writer<&mut dyn io::Write>) -> io::Result<()>,
) -> io::Result<()> {
    use quick_xml::events::{BytesDecl, Event};
    let mut writer = quick_xml::Writer::new_with_indent(out, b' ', 2);
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    body(&mut writer)?;
    writer.into_inner().write_all(b"\n")
}

/// Text that XML 1.0 can carry, with what the input put in it escaped: characters XML
/// forbids outright (U+FFFE, U+FFFF) become U+FFFD, and controls become visible escapes
/// (`escape::line`), line breaks included, which any parser would fold in attributes.
fn xml_safe(s: &str) -> String {
    escape::line(s).chars().map(|c| if c == '\u{FFFE}' || c == '\u{FFFF}' { '\u{FFFD}' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Edit, Fix};
    use crate::source::{SourceFile, Span};

    /// Every text of a finding that comes from the input (message, help, label, fix
    /// description) reaches every format escaped: none can print a control character or
    /// start a line of its own.
    #[test]
    fn no_format_prints_a_control_character_of_the_input() {
        let mut ws = Workspace::default();
        let id = ws.sources.add(SourceFile::new("a.yaml".into(), "a.yaml".into(), "name: x\n".into(), true));
        let span = Span::new(id, 6, 7);
        let forged = "x\u{1b}[31m\n::warning file=a.tf::passed\u{202e}";
        let finding = Finding::new("IAM101", span, format!("message {forged}"))
            .help(format!("help {forged}"))
            .label(span, format!("label {forged}"))
            .fix(Some(Fix {
                description: format!("fix {forged}"),
                edits: vec![Edit { span, replacement: "y".into() }],
            }));
        let catalogue = Catalogue::builtin();
        for format in <OutputFormat as clap::ValueEnum>::value_variants() {
            let options = RenderOptions { files: 1, ..RenderOptions::new(&catalogue) };
            let out = render(*format, &ws, std::slice::from_ref(&finding), &options);
            assert!(!out.contains('\u{1b}') && !out.contains('\u{202e}'), "{format:?}:\n{out}");
            assert!(!out.lines().any(|l| l.trim_start().starts_with("::warning")), "{format:?}:\n{out}");
        }
    }

    /// No format shows source text, so a secret under a finding's span cannot leak; this
    /// keeps it that way for every format, with a fix and a label on the secret too.
    #[test]
    fn no_format_shows_a_secret() {
        let mut ws = Workspace::default();
        let text = "token: s3cr3t-VALUE-123\nname: x\n";
        let mut file = SourceFile::new("ci.yaml".into(), "ci.yaml".into(), text.into(), true);
        file.secrets.push((7, 23));
        let id = ws.sources.add(file);
        let span = Span::new(id, 7, 23);
        let finding = Finding::new("IAM001", span, "a literal credential")
            .help("use a secret reference")
            .label(span, "the value")
            .fix(Some(Fix {
                description: "remove it".into(),
                edits: vec![Edit { span: Span::new(id, 0, 24), replacement: String::new() }],
            }));
        let findings = vec![finding];
        for format in <OutputFormat as clap::ValueEnum>::value_variants() {
            let catalogue = Catalogue::builtin();
            let out = render(*format, &ws, &findings, &RenderOptions { files: 1, ..RenderOptions::new(&catalogue) });
            assert!(out.contains("a literal credential"), "{format:?}: {out}");
            assert!(!out.contains("s3cr3t"), "{format:?} leaks the secret:\n{out}");
        }
    }
}
