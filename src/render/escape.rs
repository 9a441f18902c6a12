//! Text from the input (names, paths, messages that quote them) printed as it is could act
//! on whoever reads the output: a line break followed by `::warning file=...::` is a GitHub
//! workflow command, an ESC sequence clears or recolours a terminal, a bidi override makes
//! the reader see other text than what is there. Every format shows such
//! characters as visible escapes instead, never dropping them silently: the reader should
//! see that the name is odd.

use std::borrow::Cow;
use std::fmt::Write;

/// Text for one line of output: every control, line separator and bidi control escaped.
pub fn line(s: &str) -> Cow<'_, str> {
    escape(s, |_| false)
}

/// Text that may span lines (documentation, error notes): line breaks and tabs kept,
/// everything else that `line` escapes escaped.
pub fn lines(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\n' || c == '\t')
}

/// A source line: tabs kept (the snippet renderer lays them out), the rest as `line`.
pub(super) fn source(s: &str) -> Cow<'_, str> {
    escape(s, |c| c == '\t')
}

/// Whether `c` could act on a terminal or change how the text around it reads.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() // C0, DEL, C1 (U+009B is a one-byte CSI on some terminals)
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' // line and paragraph separators
                | '\u{061C}' | '\u{200E}' | '\u{200F}' // bidi marks
                | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
                | '\u{2066}'..='\u{2069}' // bidi isolates
        )
}

fn escape(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) || keep(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_become_visible() {
        assert_eq!(line("ci\n::warning file=x.tf::ok"), "ci\\n::warning file=x.tf::ok");
        assert_eq!(line("\x1b[2J\x1b[31mred\r\t\x7f\u{9b}"), "\\u{1b}[2J\\u{1b}[31mred\\r\\t\\u{7f}\\u{9b}");
        assert_eq!(line("a\u{202E}b\u{2028}c\u{2067}"), "a\\u{202e}b\\u{2028}c\\u{2067}");
        assert_eq!(lines("a\n\tb\x1b"), "a\n\tb\\u{1b}");
        assert_eq!(source("\ta\rb"), "\ta\\rb");
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        for s in ["service account `Équipe données` R&D<ops>%,:", "名前", ""] {
            assert!(matches!(line(s), Cow::Borrowed(_)), "{s}");
        }
    }
}
