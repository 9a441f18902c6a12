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

/// A file's text as a `--diff` shows it: line breaks (a CRLF's `\r` too) and tabs kept, so
/// that hunks count the file's real lines; any other control escaped, so that a committed
/// file cannot recolour a terminal or start a CI log command (`\r::error::`). A hunk with an
/// escaped character no longer applies as a patch: that file is to be fixed with `--fix`.
pub fn patch(s: &str) -> Cow<'_, str> {
    let bytes = s.as_bytes();
    let crlf = |i: usize| bytes.get(i + 1) == Some(&b'\n');
    if !s.char_indices().any(|(i, c)| is_unsafe(c) && !(c == '\n' || c == '\t' || (c == '\r' && crlf(i)))) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.char_indices() {
        if c == '\n' || c == '\t' || (c == '\r' && crlf(i)) {
            out.push(c);
        } else {
            out.push_str(&line(c.encode_utf8(&mut [0; 4])));
        }
    }
    Cow::Owned(out)
}

/// JSON text with every character `is_unsafe` holds written as a `\uXXXX` escape: the
/// value a parser reads is unchanged, the bytes a log shows are inert (serde_json escapes
/// C0 controls only; DEL, C1, bidi controls and U+2028 pass raw).
pub fn json(s: &str) -> Cow<'_, str> {
    // Raw line breaks and tabs are layout between tokens: serde_json escapes them in strings.
    let unsafe_in_json = |c: char| is_unsafe(c) && !matches!(c, '\n' | '\r' | '\t');
    if !s.chars().any(unsafe_in_json) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if unsafe_in_json(c) {
            // Every unsafe character is in the Basic Multilingual Plane: one escape each.
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// A writer of JSON text that passes it through `json` as it streams: a report is written
/// piece by piece, and a piece may end inside a character, which waits for the next.
pub struct JsonWriter<W: std::io::Write> {
    inner: W,
    pending: Vec<u8>,
}

impl<W: std::io::Write> JsonWriter<W> {
    pub fn new(inner: W) -> Self {
        JsonWriter { inner, pending: Vec::new() }
    }
}

impl<W: std::io::Write> std::io::Write for JsonWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.pending.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.pending) {
            Ok(_) => self.pending.len(),
            // Invalid bytes (never from serde_json) pass as they are, not held forever.
            Err(e) if e.error_len().is_some() => self.pending.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = String::from_utf8_lossy(&self.pending[..valid]);
        self.inner.write_all(json(&text).as_bytes())?;
        self.pending.drain(..valid);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.inner.write_all(&rest)?;
        }
        self.inner.flush()
    }
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
    fn patches_keep_line_breaks_and_json_keeps_values() {
        assert_eq!(patch("a\r\n\tb\rc\x1b\u{2028}\n"), "a\r\n\tb\\rc\\u{1b}\\u{2028}\n");
        let value = "x\u{7f}\u{9b}\u{202e}\u{2028}é";
        let text = json(&serde_json::to_string_pretty(&[value]).unwrap()).into_owned();
        assert!(!text.chars().any(|c| is_unsafe(c) && c != '\n'), "{text}");
        assert_eq!(text.lines().count(), 3, "{text}");
        assert_eq!(serde_json::from_str::<Vec<String>>(&text).unwrap(), [value]);
    }

    #[test]
    fn a_character_split_between_writes_is_escaped_whole() {
        use std::io::Write as _;
        let text = "[\"a\u{202e}b\u{7f}\"]".as_bytes();
        for cut in 0..text.len() {
            let mut out = JsonWriter::new(Vec::new());
            out.write_all(&text[..cut]).unwrap();
            out.write_all(&text[cut..]).unwrap();
            out.flush().unwrap();
            assert_eq!(String::from_utf8(out.inner).unwrap(), "[\"a\\u202eb\\u007f\"]", "cut at {cut}");
        }
    }

    #[test]
    fn ordinary_text_is_borrowed() {
        for s in ["service account `Équipe données` R&D<ops>%,:", "名前", ""] {
            assert!(matches!(line(s), Cow::Borrowed(_)), "{s}");
        }
    }
}
