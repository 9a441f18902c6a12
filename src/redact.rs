//! Starring credentials out of text iamlint shows (snippets, `--diff`).
//!
//! Two rules hold everywhere. A mask replaces each byte of a secret with `*` except line
//! breaks, so a multi-line secret (a YAML block scalar, a heredoc) keeps its lines and
//! every line number, column and byte offset after it stays right. And a secret is starred
//! wherever its text recurs, not only where a front end found it: a plan repeats a value in
//! several places, a fix moves text, a value is pasted twice. Text is searched line by line
//! of the secret (its "pieces"), so a multi-line secret re-indented by a fix, or a part of a
//! token built from parts, is still found.

use aho_corasick::AhoCorasick;

/// Pieces shorter than this are starred only where a front end found them: searching for a
/// three-letter password would star every word holding those letters.
pub const MIN_SEARCHED: usize = 4;

/// The lines of the secrets at `ranges` of `text`, trimmed, without blanks and repeats.
pub fn pieces(text: &str, ranges: &[(usize, usize)]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for &(start, end) in ranges {
        let (start, end) = widen(text, start, end);
        for line in text[start..end].split('\n') {
            let line = line.trim();
            if !line.is_empty() {
                out.push(line.to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A range widened to whole characters and clamped to the text: a range that cut a
/// character must not leave part of it (or make the starred text invalid UTF-8).
pub fn widen(text: &str, start: usize, end: usize) -> (usize, usize) {
    let (mut start, mut end) = (start.min(text.len()), end.min(text.len()));
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end.max(start))
}

/// Stars `bytes[start..end]` except line breaks and the indentation that starts a line (a
/// block scalar's lines are indented; the indentation is layout, not secret). The caller
/// widens to characters first.
fn star(bytes: &mut [u8], start: usize, end: usize) {
    let mut line_start = start == 0 || bytes[start - 1] == b'\n';
    for b in &mut bytes[start..end] {
        match *b {
            b'\n' => line_start = true,
            b'\r' => {}
            b' ' | b'\t' if line_start => {}
            _ => {
                line_start = false;
                *b = b'*';
            }
        }
    }
}

/// `text` with the `ranges` and every occurrence of `pieces` starred, byte for byte.
pub fn mask(text: &str, ranges: &[(usize, usize)], pieces: &[String]) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for &(start, end) in ranges {
        let (start, end) = widen(text, start, end);
        star(&mut bytes, start, end);
    }
    let pieces: Vec<&str> = pieces.iter().map(String::as_str).filter(|p| !p.is_empty()).collect();
    if !pieces.is_empty() {
        // One automaton for every piece: a script of fifty thousand tokens stays linear.
        if let Ok(search) = AhoCorasick::new(&pieces) {
            for m in search.find_overlapping_iter(text) {
                star(&mut bytes, m.start(), m.end());
            }
        }
    }
    // Whole characters were replaced by as many ASCII bytes: still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Secrets' text searched for in text iamlint wrote itself (a message quoting a name built
/// from a sensitive value, a fix's replacement): one automaton for every piece of every file.
pub struct Masker {
    search: Option<AhoCorasick>,
}

impl Masker {
    /// Pieces shorter than `MIN_SEARCHED` are dropped (see there).
    pub fn new<'p>(pieces: impl IntoIterator<Item = &'p str>) -> Self {
        let mut pieces: Vec<Vec<u8>> =
            pieces.into_iter().map(|p| fold(p).0).filter(|p| p.len() >= MIN_SEARCHED).collect();
        pieces.sort_unstable();
        pieces.dedup();
        let search = if pieces.is_empty() { None } else { AhoCorasick::new(&pieces).ok() };
        Masker { search }
    }

    pub fn finds(&self, text: &str) -> bool {
        self.search.as_ref().is_some_and(|s| s.is_match(&fold(text).0))
    }

    /// `text` with every occurrence starred; borrowed when there is none.
    pub fn mask<'t>(&self, text: &'t str) -> std::borrow::Cow<'t, str> {
        let Some(search) = &self.search else { return text.into() };
        let (folded, at) = fold(text);
        let mut bytes: Option<Vec<u8>> = None;
        for m in search.find_overlapping_iter(&folded) {
            let (start, end) = widen(text, at[m.start()], at[m.end() - 1] + 1);
            star(bytes.get_or_insert_with(|| text.as_bytes().to_vec()), start, end);
        }
        match bytes {
            None => text.into(),
            Some(b) => {
                String::from_utf8(b).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()).into()
            }
        }
    }
}

/// A secret's text as a message may quote it after a name suggestion: ASCII lowercased,
/// separators dropped (a suggestion splits `NameSecret` into `name-secret`), with each
/// folded byte's offset in `text`, so a match stars the original characters.
fn fold(text: &str) -> (Vec<u8>, Vec<usize>) {
    let mut folded = Vec::with_capacity(text.len());
    let mut at = Vec::with_capacity(text.len());
    for (i, b) in text.bytes().enumerate() {
        if !matches!(b, b'-' | b'_' | b'.' | b' ') {
            folded.push(b.to_ascii_lowercase());
            at.push(i);
        }
    }
    (folded, at)
}

/// Every character but line breaks and indentation starred: the layout of a text none of
/// which may show.
pub fn blank(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let len = bytes.len();
    star(&mut bytes, 0, len);
    String::from_utf8(bytes).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_lines_and_offsets() {
        let text = "a: |\n  one1\n  two2\nb: é1 x\n";
        let (s, e) = (text.find("one1").unwrap(), text.find("two2").unwrap() + 4);
        let shown = mask(text, &[(s, e)], &[]);
        assert_eq!(shown, "a: |\n  ****\n  ****\nb: é1 x\n");
        let at = text.find('é').unwrap();
        // A range cutting `é` stars all of it, byte for byte.
        assert_eq!(mask(text, &[(at + 1, at + 3)], &[]), "a: |\n  one1\n  two2\nb: *** x\n");
    }

    #[test]
    fn every_copy_of_every_line_is_starred() {
        let text = "p: |\n  one1\n  two2\nq: one1 two2\n";
        let (s, e) = (text.find("one1").unwrap(), text.find("two2").unwrap() + 4);
        let pieces = pieces(text, &[(s, e)]);
        assert_eq!(pieces, ["one1", "two2"]);
        assert_eq!(mask(text, &[], &pieces), "p: |\n  ****\n  ****\nq: **** ****\n");
    }

    #[test]
    fn blank_keeps_only_line_breaks() {
        assert_eq!(blank("ab\r\n  çd\n"), "**\r\n  ***\n");
    }
}
