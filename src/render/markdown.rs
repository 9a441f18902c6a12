//! Markdown for a pull-request comment or a job summary (`$GITHUB_STEP_SUMMARY`): a summary
//! line, then a table per rule (severity, place, message). Text from the input is escaped (`text`), so that a name
//! cannot close a table cell, open a code span, link, mention someone or write HTML; and
//! the report stays under GitHub's 65,536-character limit for a comment (`BUDGET`).

use super::{escape, plural, positions, Error, RenderOptions};
use crate::finding::{Finding, Severity};
use crate::model::Workspace;
use std::collections::BTreeMap;
use std::io;

/// Characters a report may take: GitHub refuses a comment over 65,536, and a bot often
/// wraps the report in a few words of its own.
pub const BUDGET: usize = 60_000;

pub fn write(
    ws: &Workspace,
    findings: &[Finding],
    options: &RenderOptions,
    out: &mut dyn io::Write,
) -> Result<(), Error> {
    let catalogue = options.catalogue;
    let mut doc = String::from("## iamlint\n\n");
    doc.push_str(&summary(findings, options));
    let mut by_rule: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        by_rule.entry(f.code.as_str()).or_default().push(f);
    }
    // Characters so far, counted as GitHub counts them: kept, not recounted per row.
    let mut used = doc.chars().count();
    let mut shown = 0;
    'rules: for (code, list) in &by_rule {
        let name = catalogue.name_of(code);
        // Nested configurations can give one rule several severities: the heading says
        // which occur, most severe first, and each row its own.
        let mut severities: Vec<Severity> = list.iter().map(|f| f.severity).collect();
        severities.sort_by(|a, b| b.cmp(a));
        severities.dedup();
        let severities: Vec<&str> = severities.iter().map(|s| s.as_str()).collect();
        let section = format!(
            "\n### {} {} ({}): {}\n\n| Severity | Location | Message |\n|---|---|---|\n",
            text(code),
            text(name),
            severities.join(", "),
            list.len()
        );
        let section_chars = section.chars().count();
        if used + section_chars > BUDGET {
            break;
        }
        doc.push_str(&section);
        used += section_chars;
        for f in list {
            let (start, _) = positions(ws, f);
            let path = ws.sources.get(f.span.file).display.as_str();
            let mark = if catalogue.safe_fix(f) { " \\[\\*\\]" } else { "" };
            let row =
                format!("| {} | {}:{} | {}{mark} |\n", f.severity.as_str(), text(path), start.line, text(&f.message));
            // A reserve is kept for the last line.
            let row_chars = row.chars().count();
            if used + row_chars > BUDGET - 200 {
                break 'rules;
            }
            doc.push_str(&row);
            used += row_chars;
            shown += 1;
        }
    }
    if shown < findings.len() {
        let rest = findings.len() - shown;
        doc.push_str(&format!(
            "\n{rest} more finding{} not shown: a comment holds 65,536 characters. `--format json` or `--format sarif` lists every one.\n",
            plural(rest)
        ));
    }
    if findings.iter().any(|f| catalogue.safe_fix(f)) {
        doc.push_str("\n\\[\\*\\] fixable with `iamlint check --fix`\n");
    }
    out.write_all(doc.as_bytes())?;
    Ok(())
}

fn summary(findings: &[Finding], options: &RenderOptions) -> String {
    let files = options.files;
    let mut line = if findings.is_empty() {
        format!("All checks passed ({files} file{} checked).", plural(files))
    } else {
        let count = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
        let parts: Vec<String> = [(Severity::Error, "error"), (Severity::Warning, "warning"), (Severity::Info, "info")]
            .iter()
            .filter(|(s, _)| count(*s) > 0)
            .map(|(s, w)| format!("{} {w}{}", count(*s), if *s == Severity::Info { "" } else { plural(count(*s)) }))
            .collect();
        format!(
            "**{} problem{}** ({}) in {files} file{} checked.",
            findings.len(),
            plural(findings.len()),
            parts.join(", "),
            plural(files)
        )
    };
    if let Some(hidden) = options.hidden.describe() {
        line.push_str(&format!(" Not reported: {hidden}."));
    }
    line.push('\n');
    line
}

/// Text that renders as itself in GitHub-flavoured Markdown, in a table cell or a heading:
/// control characters are already visible escapes (`escape::line`); every ASCII
/// punctuation character Markdown gives a meaning to within a line is backslash-escaped (a
/// pipe would end the cell, a backtick open a code span, `<` start HTML, `[` a link, `:` an
/// autolink; a cell or heading never starts with the input, so `#`, `-` and digits are
/// safe); `@` and `#` are kept from mentioning a person or linking an issue by a word
/// joiner after them.
pub fn text(s: &str) -> String {
    let s = escape::line(s);
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '!' | '|' | '~' | '&' | '$'
            | ':' => {
                out.push('\\');
                out.push(c);
            }
            '@' | '#' => {
                out.push(c);
                out.push('\u{2060}');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn input_cannot_write_markdown_or_html() {
        let hostile = "a|b `c` <img src=x> [l](http://e) @team #12 *x*";
        let out = text(hostile);
        assert_eq!(out, "a\\|b \\`c\\` \\<img src=x\\> \\[l\\]\\(http\\://e\\) @\u{2060}team #\u{2060}12 \\*x\\*");
        assert!(!text("a\nb").contains('\n'));
    }
}
