//! Comments in raw Terraform and YAML text. A `#` inside a string is not a comment, so the
//! parsers say where the strings are (quoted and block scalars, HCL strings, templates and
//! heredocs) and a small line scanner finds comment markers outside them.

use crate::syntax::yaml::{self, Limits, Node};
use hcl_edit::expr::Expression;
use hcl_edit::structure::BlockLabel;
use hcl_edit::template::{HeredocTemplate, StringTemplate};
use hcl_edit::visit::{self, Visit};
use hcl_edit::Span as _;
use std::ops::Range;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Syntax {
    /// `#` and `//` line comments, `/* */` block comments.
    Hcl,
    /// `#` at the start of a line or after whitespace.
    Yaml,
}

impl Syntax {
    /// Which comment syntax a file has, by its name; `None` for formats without comments
    /// (JSON).
    pub fn of(path: &str) -> Option<Syntax> {
        let ext = path.rsplit_once('.').map(|(_, e)| e)?;
        match ext {
            "tf" | "tfvars" => Some(Syntax::Hcl),
            "yaml" | "yml" => Some(Syntax::Yaml),
            _ => None,
        }
    }
}

/// A line comment: `marker` is where `#` or `//` is, `body` the text after the marker up to
/// the end of the line (without `\r`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comment {
    pub marker: usize,
    pub body: Range<usize>,
    /// Zero-based line number.
    pub line: usize,
    /// Nothing but whitespace precedes it on its line.
    pub own_line: bool,
}

/// Every line comment of a file. A file its parser rejects yields none: its strings cannot be
/// told apart from its comments.
pub fn comments(syntax: Syntax, text: &str, limits: Limits) -> Vec<Comment> {
    let Some(strings) = string_spans(syntax, text, limits) else { return Vec::new() };
    scan(syntax, text, &strings)
}

/// Byte ranges of every string-like token, sorted by start.
fn string_spans(syntax: Syntax, text: &str, limits: Limits) -> Option<Vec<Range<usize>>> {
    let mut spans = match syntax {
        Syntax::Yaml => {
            let docs = yaml::parse(text, limits).ok()?;
            let mut spans = Vec::new();
            for doc in &docs {
                quoted_scalars(text, doc, &mut spans);
            }
            spans
        }
        Syntax::Hcl => {
            crate::syntax::hcl::check_nesting(text).ok()?;
            let body = hcl_edit::parser::parse_body(text).ok()?;
            let mut strings = HclStrings::default();
            strings.visit_body(&body);
            strings.0
        }
    };
    spans.sort_by_key(|r| (r.start, r.end));
    Some(spans)
}

/// Quoted and block scalars (`'a # b'`, `"a # b"`, `|` text): a plain scalar cannot hold
/// ` #`, so only these can hide a `#` that is not a comment.
fn quoted_scalars(text: &str, node: &Node, out: &mut Vec<Range<usize>>) {
    match node {
        Node::Scalar(s) if s.quoted => out.push(yaml::body(text, s)),
        Node::Scalar(_) => {}
        Node::Seq { items, .. } => items.iter().for_each(|n| quoted_scalars(text, n, out)),
        Node::Map { entries, .. } => entries.iter().for_each(|(k, v)| {
            quoted_scalars(text, k, out);
            quoted_scalars(text, v, out);
        }),
    }
}

#[derive(Default)]
struct HclStrings(Vec<Range<usize>>);

impl HclStrings {
    fn push(&mut self, span: Option<Range<usize>>) {
        self.0.extend(span);
    }
}

impl Visit for HclStrings {
    fn visit_string(&mut self, node: &hcl_edit::Decorated<String>) {
        self.push(node.span());
    }

    fn visit_block_label(&mut self, node: &BlockLabel) {
        match node {
            BlockLabel::String(s) => self.push(s.span()),
            BlockLabel::Ident(_) => {}
        }
    }

    fn visit_expr(&mut self, node: &Expression) {
        match node {
            // A template's interpolations are inside its quotes or heredoc: the whole
            // expression is string-like.
            Expression::StringTemplate(_) | Expression::HeredocTemplate(_) | Expression::String(_) => {
                self.push(node.span())
            }
            _ => visit::visit_expr(self, node),
        }
    }

    fn visit_string_template(&mut self, _: &StringTemplate) {}

    fn visit_heredoc_template(&mut self, _: &HeredocTemplate) {}
}

fn scan(syntax: Syntax, text: &str, strings: &[Range<usize>]) -> Vec<Comment> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut next_string = 0;
    let mut line = 0;
    let mut line_start = 0;
    let mut i = 0;
    while i < bytes.len() {
        // Skip a string token in one step.
        while next_string < strings.len() && strings[next_string].end <= i {
            next_string += 1;
        }
        if let Some(s) = strings.get(next_string) {
            if s.start <= i && i < s.end {
                line += bytes[i..s.end].iter().filter(|b| **b == b'\n').count();
                if let Some(nl) = text[i..s.end].rfind('\n') {
                    line_start = i + nl + 1;
                }
                i = s.end;
                continue;
            }
        }
        let b = bytes[i];
        if b == b'\n' {
            line += 1;
            line_start = i + 1;
            i += 1;
            continue;
        }
        let marker_len = match (syntax, b, bytes.get(i + 1)) {
            (Syntax::Hcl, b'/', Some(b'*')) => {
                // A block comment: skip it whole (it may span lines). One on a single line
                // is a comment like `#` (`/* iamlint-ignore: IAM101 -- why */`), its body
                // ending before the `*/`.
                let end = text[i + 2..].find("*/").map_or(bytes.len(), |e| i + 2 + e + 2);
                if end >= i + 4 && text[..end].ends_with("*/") && !text[i..end].contains('\n') {
                    out.push(Comment {
                        marker: i,
                        body: i + 2..end - 2,
                        line,
                        own_line: text[line_start..i].trim().is_empty(),
                    });
                }
                line += bytes[i..end].iter().filter(|b| **b == b'\n').count();
                if let Some(nl) = text[i..end].rfind('\n') {
                    line_start = i + nl + 1;
                }
                i = end;
                continue;
            }
            (Syntax::Hcl, b'#', _) => 1,
            (Syntax::Hcl, b'/', Some(b'/')) => 2,
            (Syntax::Yaml, b'#', _) if i == line_start || matches!(bytes[i - 1], b' ' | b'\t') => 1,
            _ => 0,
        };
        if marker_len == 0 {
            i += 1;
            continue;
        }
        let end_of_line = text[i..].find('\n').map_or(bytes.len(), |e| i + e);
        let body_end = if end_of_line > i && bytes[end_of_line - 1] == b'\r' { end_of_line - 1 } else { end_of_line };
        out.push(Comment {
            marker: i,
            body: (i + marker_len).min(body_end)..body_end,
            line,
            own_line: text[line_start..i].trim().is_empty(),
        });
        i = end_of_line;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(syntax: Syntax, text: &str) -> Vec<(usize, String, bool)> {
        comments(syntax, text, Limits::default())
            .into_iter()
            .map(|c| (c.line, text[c.body].to_string(), c.own_line))
            .collect()
    }

    #[test]
    fn yaml_hash_in_strings_is_not_a_comment() {
        let text = "a: 'x # y'  # one\nb: \"p # q\"\nc: http://h#frag\n# two\nd: |\n  # not a comment\n  text\ne: >-\n  # nor this\n";
        assert_eq!(bodies(Syntax::Yaml, text), vec![(0, " one".into(), false), (3, " two".into(), true)]);
    }

    #[test]
    fn yaml_multiline_quoted_scalar() {
        let text = "a: \"first\n  # inside\n  last\" # after\nb: 1\n";
        assert_eq!(bodies(Syntax::Yaml, text), vec![(2, " after".into(), false)]);
    }

    #[test]
    fn hcl_comment_forms() {
        let text = "# top\nresource \"kestra_group\" \"g#1\" { // trailing\n  name = \"a # b // c\" # end\n  description = \"${var.x}#\"\n  /* block # not\n   # still not */\n  x = <<EOT\n# heredoc\nEOT\n}\r\n";
        assert_eq!(
            bodies(Syntax::Hcl, text),
            vec![(0, " top".into(), true), (1, " trailing".into(), false), (2, " end".into(), false)]
        );
    }

    #[test]
    fn crlf_and_unparsable_files() {
        assert_eq!(bodies(Syntax::Yaml, "a: 1 # c\r\nb: 2\r\n"), vec![(0, " c".into(), false)]);
        assert!(bodies(Syntax::Hcl, "resource {\n# x\n").is_empty());
        assert_eq!(Syntax::of("a/b.tf"), Some(Syntax::Hcl));
        assert_eq!(Syntax::of("x.json"), None);
    }
}
