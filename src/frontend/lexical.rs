//! Credentials in text no parser vouches for: a file that failed to parse (IAM001) or is
//! not valid UTF-8, where the front ends' detectors never ran, and shell scripts and CI
//! workflows, which are only ever scanned line by line.
//!
//! The rule, line by line over the raw text:
//! - the value of every `KEY: VALUE`, `KEY = VALUE`, `"KEY": VALUE` or `--KEY VALUE` whose
//!   key looks like a credential (`credential_key`: any case or spelling) is starred. A
//!   quoted value to its closing quote, a YAML block scalar (`|`, `>`) or an empty value to
//!   the end of the lines indented below the key, a heredoc to its closing marker, a flow
//!   collection to its closing bracket, anything else to the end of its line and the
//!   lines indented below. A value with no end (an unclosed quote) is starred to the end of
//!   the file.
//! - whatever looks like a token is starred: `Bearer X`, `Basic X`, `token X`, a JWT
//!   (`eyJ...`), and, in a file that did not parse, the patterns of the CI scanner and any
//!   long string mixing upper case, lower case and digits.
//! - in a file that did not parse, when a credential word (`password`, `secret`, `token`,
//!   `bearer`, ...) is left outside both a starred value and a key whose value was
//!   starred, the value it names could not be delimited (`resource "kestra_user_password"`
//!   around a line the parser never read, `"password"` with its value on another line), so
//!   the file's snippets are not shown at all: its findings give the position and the
//!   message only.

use crate::frontend::credentials::{self, credential_key, KeyClass};
use crate::model::FileModel;
use crate::source::{FileId, Snippet, SourceFile};
use regex::Regex;
use std::sync::LazyLock;

/// What the lexical pass found.
#[derive(Debug, Default)]
pub struct Found {
    pub ranges: Vec<(usize, usize)>,
    /// Nothing credential-like is left outside the ranges and the keys they belong to.
    pub certain: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// A file that did not parse: references are starred too, long mixed strings count as
    /// tokens, and what is left is judged.
    Distrust,
    /// A script or workflow that the CI scanner reads: references (`${{ secrets.X }}`,
    /// `$VAR`) stay readable.
    Redact,
}

/// A scheme word before a credential: `Bearer X`, `Basic X`, and in a file that did not
/// parse `token X`. (No capture group: captures on every line of a script cost more than
/// the rest of its scan.)
static SCHEME: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?-u:\b)(?:bearer|basic|token)[ \t]+").expect("scheme pattern compiles"));
static JWT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"eyJ[A-Za-z0-9_\-]{5,}(?:\.[A-Za-z0-9_\-]*)*").expect("jwt pattern compiles"));
static LONG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/=_\-]{24,}").expect("long-string pattern compiles"));
/// Words that say a credential is near.
/// A `value` key and its value, in YAML or JSON: under a list of credentials (`apiTokens`)
/// it is the credential, though its name says nothing of one.
static HELD_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?-u:\b)value["']?[ \t]*:[ \t]*("[^"\n]*"|'[^'\n]*'|[^\s,}\]#]+)"#)
        .expect("held-value pattern compiles")
});
/// The keys of the lists whose items' `value` is a credential.
static HOLDER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)(?:tokens|passwords|secrets|credentials)["']?[ \t]*:"#).expect("holder pattern compiles")
});

static WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)pass(?:word|wd|phrase)|secret|token|bearer|authori[sz]ation|jwt|api[_\-]?key|private[_\- ]?key|access[_\-]?key|credential",
    )
        .expect("word pattern compiles")
});

/// Redacts a file that did not parse (or is not valid UTF-8): its credentials starred,
/// and its snippets hidden when the pass cannot be sure it found them all.
pub fn distrust(file: &mut SourceFile) {
    let found = scan(&file.text, Mode::Distrust);
    file.secrets.extend(found.ranges);
    if !found.certain {
        file.snippet = Snippet::Hidden;
    }
}

/// Adds the lexical pass's ranges to a script's or workflow's model.
pub fn redact(file: FileId, text: &str, model: &mut FileModel) {
    for (start, end) in scan(text, Mode::Redact).ranges {
        model.secrets.push(crate::source::Span::new(file, start, end));
    }
}

pub fn scan(text: &str, mode: Mode) -> Found {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut keys: Vec<(usize, usize)> = Vec::new();
    // Keys come in text order. A key inside a value already delimited is part of it, and
    // each value is scanned once: the pass stays linear in the text however it is built
    // (a 16 MB line of keys, a bracket that never closes).
    let mut consumed = 0usize;
    let (mut line_start, mut seen) = (0usize, 0usize);
    // Found through the words a credential's key holds (a literal search): a regex for
    // every `key:` of a file cost more than all the rest of a script's scan.
    for word in WORD.find_iter(text) {
        if word.start() < consumed {
            continue;
        }
        let Some(key) = key_around(text, word.start(), word.end()) else { continue };
        consumed = key.end;
        let Some(class) = credential_key(&text[key.start..key.end]) else { continue };
        if let Some(i) = text[seen..key.start].rfind('\n') {
            line_start = seen + i + 1;
        }
        seen = key.start;
        keys.push((key.start, key.end));
        let Some((start, end)) = value(text, line_start, key.after, class, key.word, key.enclosed) else { continue };
        consumed = consumed.max(end);
        let shown = text[start..end].trim().trim_matches(['"', '\'']);
        if mode == Mode::Redact && credentials::is_reference(shown) {
            continue;
        }
        ranges.push((start, end));
    }
    for m in SCHEME.find_iter(text) {
        if mode == Mode::Redact && m.as_str().to_ascii_lowercase().starts_with("token") {
            continue;
        }
        let rest = &text.as_bytes()[m.end()..];
        let len = rest.iter().position(|b| b.is_ascii_whitespace() || b"\"'`,;)]}".contains(b)).unwrap_or(rest.len());
        let value = &text[m.end()..m.end() + len];
        if len > 0 && (mode == Mode::Distrust || !credentials::is_reference(value)) {
            ranges.push((m.end(), m.end() + len));
        }
    }
    ranges.extend(JWT.find_iter(text).map(|m| (m.start(), m.end())));
    if mode == Mode::Distrust {
        // (A script or workflow had the CI scanner run on it already.)
        let mut scanned = FileModel::default();
        credentials::scan_text(FileId(0), text, &mut scanned);
        ranges.extend(scanned.secrets.iter().map(|s| (s.start, s.end)));
        ranges.extend(LONG.find_iter(text).filter(|m| mixed(m.as_str())).map(|m| (m.start(), m.end())));
        // The parsed path knows which `value` an item of `apiTokens` holds; a file that
        // does not parse gives no such structure, so any `value` of a file with such a list
        // is starred.
        if HOLDER.is_match(text) {
            ranges.extend(HELD_VALUE.captures_iter(text).filter_map(|c| c.get(1)).map(|m| (m.start(), m.end())));
        }
    }
    ranges.sort_unstable();
    ranges.dedup();
    let certain = mode == Mode::Redact || !leftover(text, &ranges, &keys);
    Found { ranges, certain }
}

/// A key around a credential word, and how its value starts.
struct Key {
    start: usize,
    end: usize,
    /// Where the value may start: after the separator and a flag's spaces.
    after: usize,
    /// `--flag VALUE` and `NAME=VALUE` (a shell assignment) take one word.
    word: bool,
    /// `"Authorization: Bearer X"`: a key opened by a quote it does not close is inside a
    /// string, and so is its value, up to that quote.
    enclosed: Option<u8>,
}

/// Keys longer than this are not keys (and the search around a word stays bounded).
const MAX_KEY: usize = 256;

/// The key holding the word at `from..to`: `KEY:`, `KEY =`, `"KEY":`, `--KEY VALUE`,
/// `--KEY=VALUE`. None when the word is not part of a key followed by its separator.
fn key_around(text: &str, from: usize, to: usize) -> Option<Key> {
    let bytes = text.as_bytes();
    let key_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-');
    let mut start = from;
    while start > 0 && from - start < MAX_KEY && key_byte(bytes[start - 1]) {
        start -= 1;
    }
    let mut end = to;
    while end < bytes.len() && end - to < MAX_KEY && key_byte(bytes[end]) {
        end += 1;
    }
    let dashes = bytes[start..from].iter().take_while(|&&b| b == b'-').count();
    start += dashes;
    if start >= end || !(bytes[start].is_ascii_alphabetic() || bytes[start] == b'_') {
        return None;
    }
    let skip_blanks = |mut at: usize| {
        while at < bytes.len() && matches!(bytes[at], b' ' | b'\t') {
            at += 1;
        }
        at
    };
    if dashes >= 2 {
        let after = skip_blanks(end);
        let after = if bytes.get(end) == Some(&b'=') { end + 1 } else { after };
        return (after > end).then_some(Key { start, end, after, word: true, enclosed: None });
    }
    let open = start.checked_sub(1).map(|i| bytes[i]).filter(|b| matches!(b, b'"' | b'\''));
    let close = bytes.get(end).copied().filter(|&b| Some(b) == open);
    let at = skip_blanks(end + usize::from(close.is_some()));
    let separator = bytes.get(at).copied().filter(|b| matches!(b, b':' | b'='))?;
    let after = at + 1;
    let word = separator == b'=' && at == end && bytes.get(after).is_some_and(|b| !b.is_ascii_whitespace());
    Some(Key { start, end, after, word, enclosed: if close.is_some() { None } else { open } })
}

/// Upper case, lower case and digits together: a generated token rather than a word or a
/// path.
fn mixed(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_uppercase())
        && s.bytes().any(|b| b.is_ascii_lowercase())
        && s.bytes().any(|b| b.is_ascii_digit())
}

/// Whether a credential word is left outside the starred ranges and the keys whose values
/// were delimited. `SECRET` alone is Kestra's resource type (a role's permissions).
fn leftover(text: &str, ranges: &[(usize, usize)], keys: &[(usize, usize)]) -> bool {
    let mut spans: Vec<(usize, usize)> = ranges.iter().chain(keys).copied().collect();
    spans.sort_unstable();
    // Disjoint, so that one binary search answers whether a byte is covered.
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    let covered = |at: usize| {
        let i = merged.partition_point(|&(s, _)| s <= at);
        i > 0 && at < merged[i - 1].1
    };
    let bytes = text.as_bytes();
    let ident =
        |i: Option<usize>| i.and_then(|i| bytes.get(i)).is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_');
    WORD.find_iter(text).any(|m| {
        let resource_type = m.as_str() == "SECRET" && !ident(m.start().checked_sub(1)) && !ident(Some(m.end()));
        !resource_type && !covered(m.start())
    })
}

/// The extent of the value of the key at `key_start`, whose separator ends at `after`: one
/// word or quoted string if `word`, up to the quote `enclosed` if the key is inside a
/// string. None when there is nothing to star (a key with no value, a container key whose
/// items follow on their own lines).
fn value(
    text: &str,
    line_start: usize,
    after: usize,
    class: KeyClass,
    word: bool,
    enclosed: Option<u8>,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let indent = indentation(&text[line_start..]);
    let mut at = after;
    while at < bytes.len() && (bytes[at] == b' ' || bytes[at] == b'\t') {
        at += 1;
    }
    // Only as much of the line is read as the value needs (see `scan`).
    let line_end = |from: usize| text[from..].find('\n').map_or(text.len(), |i| from + i);
    let first = bytes.get(at).copied().unwrap_or(b'\n');
    if matches!(first, b'\n' | b'\r' | b'#') {
        if class == KeyClass::Container {
            return None;
        }
        // A value on the lines indented below (YAML): as far as they go.
        let eol = line_end(at);
        let end = indented_below(text, eol, indent);
        return (end > eol).then_some((eol, end));
    }
    let until = |stop: &dyn Fn(u8) -> bool| {
        at + bytes[at..].iter().position(|&b| b == b'\n' || stop(b)).unwrap_or(bytes.len() - at)
    };
    let end = match first {
        b'"' | b'\'' if enclosed.is_none() => closing_quote(text, at + 1, first).unwrap_or(text.len()),
        _ if enclosed.is_some() => until(&|b| Some(b) == enclosed),
        _ if word => until(&|b| b.is_ascii_whitespace() || matches!(b, b';' | b'&' | b'|')),
        b'|' | b'>' if block_indicator(&bytes[at..]) => indented_below(text, line_end(at), indent),
        b'<' if bytes.get(at + 1) == Some(&b'<') => heredoc_end(text, at),
        b'[' | b'{' => closing_bracket(text, at).unwrap_or(text.len()),
        _ => {
            let eol = line_end(at);
            indented_below(text, eol, indent).max(at + text[at..eol].trim_end().len())
        }
    };
    let mut start = if matches!(first, b'"' | b'\'') && enclosed.is_none() { at + 1 } else { at };
    // The scheme of an `Authorization` value is not secret: `Bearer ****`.
    let head = bytes[start..end.max(start)].iter().take(7).map(u8::to_ascii_lowercase).collect::<Vec<u8>>();
    if let Some(scheme) = [&b"bearer "[..], b"basic "].iter().find(|s| head.starts_with(s)) {
        start += scheme.len();
    }
    Some((start, end.max(start)))
}

fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches([' ', '\t', '-']).len()
}

/// The end of the run of lines after `from` (a line end) that are blank or indented
/// deeper than `indent`.
fn indented_below(text: &str, from: usize, indent: usize) -> usize {
    let mut end = from;
    let mut at = from;
    while at < text.len() {
        let start = at + 1;
        if start > text.len() {
            break;
        }
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = &text[start..line_end];
        if line.trim().is_empty() {
            at = line_end;
            continue;
        }
        if line.len() - line.trim_start_matches([' ', '\t']).len() <= indent {
            break;
        }
        end = line_end;
        at = line_end;
    }
    end
}

/// `|`, `>`, `|-`, `>+2` and the like, then the end of the line or a comment.
fn block_indicator(rest: &[u8]) -> bool {
    let mut at = 1;
    while at < rest.len().min(3) && matches!(rest[at], b'-' | b'+' | b'1'..=b'9') {
        at += 1;
    }
    while at < rest.len() && matches!(rest[at], b' ' | b'\t') {
        at += 1;
    }
    matches!(rest.get(at), None | Some(b'\n' | b'\r' | b'#'))
}

/// The byte after the content of a string opened before `from`; None when it never closes.
fn closing_quote(text: &str, from: usize, quote: u8) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut at = from;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' if quote == b'"' => at += 2,
            b if b == quote && quote == b'\'' && bytes.get(at + 1) == Some(&b'\'') => at += 2,
            b if b == quote => return Some(at),
            _ => at += 1,
        }
    }
    None
}

/// The byte after the bracket closing the one at `open`, skipping quoted strings.
fn closing_bracket(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut at = open;
    while at < bytes.len() {
        match bytes[at] {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(at + 1);
                }
            }
            q @ (b'"' | b'\'') => at = closing_quote(text, at + 1, q)?,
            _ => {}
        }
        at += 1;
    }
    None
}

/// The end of a heredoc opened at `at` (`<<EOT`, `<<-EOT`, `<<"EOT"`): the end of its
/// closing marker's line, or of the text.
fn heredoc_end(text: &str, at: usize) -> usize {
    let opener = text[at..].trim_start_matches('<').trim_start_matches('-').trim_start_matches(['"', '\'']);
    let marker: &str =
        &opener[..opener.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(opener.len())];
    let mut line = text[at..].find('\n').map_or(text.len(), |i| at + i);
    if marker.is_empty() {
        return line;
    }
    while line < text.len() {
        let start = line + 1;
        let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        if text[start..end].trim() == marker {
            return end;
        }
        line = end;
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text with the distrusted pass's ranges starred, and whether it is certain.
    fn starred(text: &str, mode: Mode) -> (String, bool) {
        let found = scan(text, mode);
        (crate::redact::mask(text, &found.ranges, &[]), found.certain)
    }

    #[test]
    fn values_of_credential_keys_are_starred() {
        let (shown, certain) =
            starred("users:\n  - email: a@b.c\n    Password: hunter2 # x\n    name: [unclosed\n", Mode::Distrust);
        assert_eq!(shown, "users:\n  - email: a@b.c\n    Password: ***********\n    name: [unclosed\n");
        assert!(certain);
        let (shown, _) =
            starred("{\"users\": [{\"password\": \"p1\", \"full_token\": \"t\\\"2\", }]}\n", Mode::Distrust);
        assert_eq!(shown, "{\"users\": [{\"password\": \"**\", \"full_token\": \"****\", }]}\n");
        let (shown, _) = starred("kestra_password = \"pw\"\nx = = 1\n", Mode::Distrust);
        assert_eq!(shown, "kestra_password = \"**\"\nx = = 1\n");
    }

    #[test]
    fn multi_line_values_are_starred_to_their_end() {
        let (shown, certain) = starred("a:\n  password: >-\n    one two\n    three\n  name: [x\n", Mode::Distrust);
        assert_eq!(shown, "a:\n  password: **\n    *******\n    *****\n  name: [x\n");
        assert!(certain);
        let (shown, _) =
            starred("provider \"kestra\" {\n  password = <<EOT\nsecret1\nEOT\n  x = = 1\n}\n", Mode::Distrust);
        assert_eq!(shown, "provider \"kestra\" {\n  password = *****\n*******\n***\n  x = = 1\n}\n");
        let (shown, _) = starred("password: \"never\nclosed\n", Mode::Distrust);
        assert_eq!(shown, "password: \"*****\n******\n");
    }

    #[test]
    fn tokens_are_starred_anywhere() {
        let (shown, _) = starred("run: curl -H 'Authorization: Bearer abc.def' x\n", Mode::Distrust);
        assert_eq!(shown, "run: curl -H 'Authorization: Bearer *******' x\n");
        let (shown, _) = starred("x: [eyJhbGciOi.eyJzdWIi.c2ln, Ab3dEf6hIj9kLm2nOp5qRs8t]\n", Mode::Distrust);
        assert_eq!(shown, format!("x: [{}, {}]\n", "*".repeat(24), "*".repeat(24)));
        let (shown, _) = starred("kestra flow validate --api-token abc1 --server x\n", Mode::Redact);
        assert_eq!(shown, "kestra flow validate --api-token **** --server x\n");
    }

    #[test]
    fn what_cannot_be_delimited_hides_the_snippet() {
        // The value of `password` is on a line the parser never reached.
        let (_, certain) = starred("resource \"kestra_user_password\" \"p\" {\n  x = = 1\n", Mode::Distrust);
        assert!(!certain);
        let (_, certain) = starred("roles:\n  - permissions:\n      SECRET: [VIEW]\n    name: [x\n", Mode::Distrust);
        assert!(certain);
        let (_, certain) = starred("serviceAccounts:\n  - apiTokens:\n      - name: x\n    y: [\n", Mode::Distrust);
        assert!(certain);
    }

    #[test]
    fn scripts_keep_references_readable() {
        let text = "export KESTRA_PASSWORD=\"$PW\"\nexport KESTRA_API_TOKEN=abc123\ncurl -H \"Authorization: Bearer ${{ secrets.T }}\"\n";
        let (shown, _) = starred(text, Mode::Redact);
        assert_eq!(
            shown,
            "export KESTRA_PASSWORD=\"$PW\"\nexport KESTRA_API_TOKEN=******\ncurl -H \"Authorization: Bearer ${{ secrets.T }}\"\n"
        );
    }

    /// Each value is read once: a line of many keys, or brackets that never close, stay
    /// linear (read from each key to the end, these take minutes; linear, seconds in a debug
    /// build).
    #[test]
    fn stays_linear_on_hostile_text() {
        let start = std::time::Instant::now();
        let line = format!("{{{}}}\n", "\"password\": \"a\", ".repeat(50_000));
        let found = scan(&line, Mode::Distrust);
        assert_eq!(found.ranges.len(), 50_000);
        let open = "password: [\n".repeat(50_000);
        assert_eq!(scan(&open, Mode::Distrust).ranges, [(10, open.len())]);
        let plain = "  password: x y\n".repeat(50_000);
        assert_eq!(scan(&plain, Mode::Redact).ranges.len(), 50_000);
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "{:?}", start.elapsed());
    }
}
