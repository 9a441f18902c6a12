//! Output formats. Every renderer gets findings already sorted, so output is
//! byte-identical across runs and thread counts.

mod checkstyle;
mod concise;
mod github;
mod gitlab;
mod human;
pub use human::language;
mod json;
mod junit;
mod rdjson;
mod sarif;

use crate::catalogue::Catalogue;
use crate::finding::Finding;
use crate::model::Workspace;
use crate::source::Position;

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
}

pub struct RenderOptions<'a> {
    pub color: bool,
    pub files: usize,
    /// The run's rules, for their names and documentation.
    pub catalogue: &'a Catalogue,
}

pub fn render(format: OutputFormat, ws: &Workspace, findings: &[Finding], options: &RenderOptions) -> String {
    match format {
        OutputFormat::Human => human::render(ws, findings, options.color),
        OutputFormat::Concise => concise::render(ws, findings),
        OutputFormat::Json => json::render(ws, findings, options.files, options.catalogue),
        OutputFormat::Sarif => sarif::render(ws, findings, options.catalogue),
        OutputFormat::Github => github::render(ws, findings),
        OutputFormat::Gitlab => gitlab::render(ws, findings, options.catalogue),
        OutputFormat::Junit => junit::render(ws, findings),
        OutputFormat::Checkstyle => checkstyle::render(ws, findings),
        OutputFormat::Rdjson => rdjson::render(ws, findings),
    }
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

/// Text that XML 1.0 can carry: characters it forbids outright (most C0 controls,
/// U+FFFE, U+FFFF) become U+FFFD, and line breaks in attribute values would be folded
/// to spaces by any parser, so they are spaces already.
/// An indented UTF-8 XML document: the declaration, then what `body` writes.
fn xml_document(body: impl FnOnce(&mut quick_xml::Writer<Vec<u8>>) -> std::io::Result<()>) -> String {
    use quick_xml::events::{BytesDecl, Event};
    let mut writer = quick_xml::Writer::new_with_indent(Vec::new(), b' ', 2);
    writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| body(&mut writer))
        .expect("writing to memory cannot fail");
    let mut text = String::from_utf8(writer.into_inner()).expect("the XML writer emits UTF-8");
    text.push('\n');
    text
}

fn xml_safe(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\t' => c,
            '\n' | '\r' => ' ',
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => '\u{FFFD}',
            c => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Edit, Fix};
    use crate::source::{SourceFile, Span};

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
            let out = render(*format, &ws, &findings, &RenderOptions { color: false, files: 1, catalogue: &catalogue });
            assert!(out.contains("a literal credential"), "{format:?}: {out}");
            assert!(!out.contains("s3cr3t"), "{format:?} leaks the secret:\n{out}");
        }
    }
}
