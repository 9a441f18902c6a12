//! GitHub Actions workflow commands: one `::error|warning|notice ...::message` line a
//! finding, which the runner turns into annotations on the pull request. Escaping follows
//! the runner's rules (actions/toolkit `command.ts`): `%`, CR and LF in the message;
//! additionally `:` and `,` in property values. Text from the input is escaped first
//! (`escape::line`), so that a name holds no line break to encode and no terminal escape
//! reaches the log: only the break before `help:` is a real one, encoded.
//!
//! GitHub shows at most 10 annotations of each kind (error, warning, notice) per step and
//! drops the rest without a word (actions/toolkit `docs/problem-matchers.md`); when a run
//! has more, a notice written first, so that it is never the one dropped, says how many
//! and where they all are.

use super::{escape, positions};
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use std::io::{self, Write};

/// Annotations of one kind GitHub shows per step.
pub const ANNOTATIONS_PER_KIND: usize = 10;

fn command(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

pub fn write(ws: &Workspace, findings: &[Finding], out: &mut dyn Write) -> io::Result<()> {
    let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let unseen: usize = [Severity::Error, Severity::Warning, Severity::Info]
        .into_iter()
        .map(|s| count(s).saturating_sub(ANNOTATIONS_PER_KIND))
        .sum();
    if unseen > 0 {
        let message = format!(
            "{unseen} of {} findings are not shown as annotations: GitHub shows {ANNOTATIONS_PER_KIND} errors, {ANNOTATIONS_PER_KIND} warnings and {ANNOTATIONS_PER_KIND} notices per step. This step's log lists every finding; upload `--output-format sarif=iamlint.sarif` to code scanning, or write `--output-format markdown=$GITHUB_STEP_SUMMARY`, to see them all.",
            findings.len()
        );
        writeln!(out, "::notice title={}::{}", property("iamlint: more findings than annotations"), data(&message))?;
    }
    for f in findings {
        let (start, end) = positions(ws, f);
        let command = command(f.severity);
        let path = escape::line(&ws.sources.get(f.span.file).display);
        let message = match &f.help {
            Some(help) => format!("{}\nhelp: {help}", f.message),
            None => f.message.clone(),
        };
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&path),
            start.line,
            start.column,
            end.line,
            end.column,
            property(&format!("iamlint ({})", f.code)),
            data(&message)
        )?;
    }
    Ok(())
}

fn data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }
}
