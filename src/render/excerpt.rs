//! What a human report shows of a file: a bounded excerpt per diagnostic. miette prints
//! every line a label touches in full, so a finding on a many-megabyte line (every
//! `terraform show -json` plan is one line) reprinted the whole line, and a column past
//! 65,535 overflowed its formatting and panicked. An excerpt holds only the lines around
//! the labels, each long line cut to windows around them with `…` where text is left out,
//! and the labels re-based into it. As miette's `SourceCode` it reports real line numbers
//! and columns, so headers still name the real place; lines that need no clipping come out
//! exactly as miette printed them from the whole file.
//!
//! The text comes from the file's shown (redacted) text, so a window can only ever cut
//! through stars, never through a secret.

use super::escape;
use crate::source::SourceFile;
use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};
use std::ops::Range;

/// A line of at most this many characters is shown whole.
const WIDTH: usize = 160;
/// Characters shown on either side of a label on a clipped line.
const CONTEXT: usize = 40;
/// A label longer than HEAD + TAIL characters on a clipped line shows its ends only.
const HEAD: usize = 40;
const TAIL: usize = 20;
/// Lines of a multi-line label shown; the line after them shows only `…`.
const SPAN_LINES: usize = 6;
/// Lines between two labels' snippets shown rather than left out, so that nearby labels
/// keep sharing one snippet as they did when miette read the whole file.
const GAP_LINES: usize = 8;
/// Windows of one line closer than this many bytes are joined.
const JOIN: usize = 8;
const MARK: &str = "…";

pub struct Excerpt {
    name: String,
    language: &'static str,
    text: String,
    lines: Vec<Line>,
    /// The real 0-based column of each label's start, by its offset in `text`.
    columns: Vec<(usize, usize)>,
    /// Line breaks in the whole file: miette's line count for a snippet reaching its end.
    breaks: usize,
}

struct Line {
    /// 0-based, in the file.
    number: usize,
    /// Where the line starts in `text`, and where it ends after its line break.
    start: usize,
    end: usize,
}

/// A label as the excerpt shows it, in the coordinates of the shown text.
struct Label {
    start: usize,
    end: usize,
    first_line: usize,
    /// The last line miette shows for the label before its context (it counts one more
    /// for a span ending with a line break), and the line its end is on.
    last_line: usize,
    end_line: usize,
    /// The line shown as `…` after a multi-line label cut short.
    cut: Option<usize>,
}

impl Excerpt {
    /// The excerpt of `file` around `spans` (byte ranges of the file, the first being the
    /// primary label), and where each span lies in it. `shown` is the file's redacted text.
    pub fn new(
        file: &SourceFile,
        shown: &str,
        name: String,
        language: &'static str,
        spans: &[Range<usize>],
    ) -> (Excerpt, Vec<Range<usize>>) {
        let text = &*file.text;
        let last = file.line_count() - 1;
        let map = |byte: usize| shown_offset(file, shown, byte);
        let mut columns = Vec::new();
        let labels: Vec<Label> = spans
            .iter()
            .map(|r| {
                let start = floor(text, r.start.min(text.len()));
                let mut end = floor(text, r.end.min(text.len())).max(start);
                let first_line = file.line_index(start);
                let mut last_line = (file.line_index(end.saturating_sub(1).max(start))
                    + usize::from(ends_with_break(text, start, end)))
                .min(last);
                let mut cut = None;
                if last_line - first_line >= SPAN_LINES {
                    last_line = first_line + SPAN_LINES - 1;
                    cut = Some(last_line + 1);
                    end = content(file, last_line).0.end;
                }
                columns.push(file.position(start).column - 1);
                // An end between CR and LF is drawn after both, as miette drew it.
                let in_crlf = end > start && text[..end].ends_with('\r') && text[end..].starts_with('\n');
                let end_line = file.line_index(end) + usize::from(in_crlf);
                Label { start: map(start), end: map(end), first_line, last_line, end_line, cut }
            })
            .collect();

        // Each label's lines with one line of context (miette's default) either side.
        let mut wanted: Vec<(usize, usize)> = labels
            .iter()
            .map(|l| (l.first_line.saturating_sub(1), (l.cut.unwrap_or(l.last_line) + 1).min(last)))
            .collect();
        wanted.sort_unstable();
        let mut groups: Vec<(usize, usize)> = Vec::new();
        for (lo, hi) in wanted {
            match groups.last_mut() {
                Some(g) if lo <= g.1 + GAP_LINES + 1 => g.1 = g.1.max(hi),
                _ => groups.push((lo, hi)),
            }
        }

        let mut out = Builder { shown, text: String::new(), points: Vec::new() };
        for (i, l) in labels.iter().enumerate() {
            out.points.push(Point { line: l.first_line, at: l.start, end: false, label: i, placed: None });
            out.points.push(Point { line: l.end_line, at: l.end, end: true, label: i, placed: None });
        }
        let mut lines = Vec::new();
        for number in groups.into_iter().flat_map(|(lo, hi)| lo..=hi) {
            let (range, newline) = content(file, number);
            let bounds = map(range.start)..map(range.end).max(map(range.start));
            let on_line: Vec<(usize, usize)> = labels
                .iter()
                .filter(|l| (l.first_line..=l.last_line).contains(&number))
                .map(|l| {
                    let start = l.start.clamp(bounds.start, bounds.end);
                    (start, l.end.clamp(start, bounds.end))
                })
                .collect();
            let cut_only = on_line.is_empty() && labels.iter().any(|l| l.cut == Some(number));
            let start = out.text.len();
            out.line(number, bounds, &on_line, cut_only);
            out.text.push_str(newline);
            lines.push(Line { number, start, end: out.text.len() });
        }

        let mut ranges = vec![0..0; labels.len()];
        for p in &out.points {
            let at = p.placed.unwrap_or(out.text.len());
            if p.end {
                ranges[p.label].end = at;
            } else {
                ranges[p.label].start = at;
            }
        }
        for r in &mut ranges {
            r.end = r.end.max(r.start);
        }
        let columns = ranges.iter().zip(columns).map(|(r, c)| (r.start, c)).collect();
        let excerpt = Excerpt { name, language, text: out.text, lines, columns, breaks: last };
        (excerpt, ranges)
    }

    /// The excerpt line holding `offset`.
    fn line_of(&self, offset: usize) -> usize {
        self.lines.partition_point(|l| l.start <= offset).saturating_sub(1)
    }
}

/// A label's start or end, placed in the excerpt as its line is written.
struct Point {
    line: usize,
    /// Offset in the shown text.
    at: usize,
    end: bool,
    label: usize,
    placed: Option<usize>,
}

struct Builder<'a> {
    shown: &'a str,
    text: String,
    points: Vec<Point>,
}

impl Builder<'_> {
    /// Writes line `number` (`bounds` in the shown text, line break excluded), clipped
    /// around `labels` (their parts on this line) when it is long.
    fn line(&mut self, number: usize, bounds: Range<usize>, labels: &[(usize, usize)], cut_only: bool) {
        let s = self.shown;
        let (lo, hi) = (bounds.start, bounds.end);
        let whole = hi - lo <= WIDTH || s[lo..hi].chars().nth(WIDTH).is_none();
        let windows = if cut_only {
            Vec::new()
        } else if whole {
            vec![(lo, hi)]
        } else if labels.is_empty() {
            vec![(lo, forward(s, lo, hi, WIDTH))]
        } else {
            windows(s, lo, hi, labels)
        };
        // A label's end past the line's text (on its CR) is placed where the text ends.
        for p in self.points.iter_mut().filter(|p| p.line == number) {
            p.at = p.at.clamp(lo, hi);
        }
        let mut cursor = lo;
        for &(a, b) in &windows {
            if a > cursor {
                self.mark(number, cursor, a - 1);
            }
            self.piece(number, a, b);
            cursor = b;
        }
        if windows.is_empty() || hi > cursor {
            self.mark(number, cursor, hi);
        }
    }

    /// Shown text from `a` to `b`, escaped, placing the points it holds.
    fn piece(&mut self, number: usize, a: usize, b: usize) {
        let mut from = a;
        for (i, c) in self.shown[a..b].char_indices() {
            self.place(number, from, a + i, self.text.len(), self.text.len());
            from = a + i + 1;
            let mut buf = [0; 4];
            self.text.push_str(&escape::source(c.encode_utf8(&mut buf)));
        }
        self.place(number, from, b, self.text.len(), self.text.len());
    }

    /// `…` for the shown text from `a` to `b` (inclusive): a label starting there starts at
    /// the mark, one ending there ends after it.
    fn mark(&mut self, number: usize, a: usize, b: usize) {
        let at = self.text.len();
        self.text.push_str(MARK);
        self.place(number, a, b, at, self.text.len());
    }

    fn place(&mut self, number: usize, a: usize, b: usize, start: usize, end: usize) {
        for p in self.points.iter_mut().filter(|p| p.line == number && p.placed.is_none()) {
            if (a..=b).contains(&p.at) {
                p.placed = Some(if p.end { end } else { start });
            }
        }
    }
}

/// Windows of a long line around each label part on it, sorted and joined where they meet.
fn windows(s: &str, lo: usize, hi: usize, labels: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut windows = Vec::new();
    for &(a, b) in labels {
        if forward(s, a, b, HEAD + TAIL + 1) < b {
            windows.push((back(s, lo, a, CONTEXT), forward(s, a, hi, HEAD)));
            windows.push((back(s, lo, b, TAIL), forward(s, b, hi, CONTEXT)));
        } else {
            windows.push((back(s, lo, a, CONTEXT), forward(s, b, hi, CONTEXT)));
        }
    }
    windows.sort_unstable();
    let mut joined: Vec<(usize, usize)> = Vec::new();
    for (a, b) in windows {
        match joined.last_mut() {
            Some(w) if a <= w.1 + JOIN => w.1 = w.1.max(b),
            _ => joined.push((a, b)),
        }
    }
    joined
}

/// The offset `n` characters before `from`, not before `lo`.
fn back(s: &str, lo: usize, from: usize, n: usize) -> usize {
    s[lo..from].char_indices().rev().nth(n - 1).map_or(lo, |(i, _)| lo + i)
}

/// The offset `n` characters after `from`, not after `hi`.
fn forward(s: &str, from: usize, hi: usize, n: usize) -> usize {
    s[from..hi].char_indices().nth(n).map_or(hi, |(i, _)| from + i)
}

/// A line's text (a CR before its line feed excluded) and its line break.
fn content(file: &SourceFile, line: usize) -> (Range<usize>, &'static str) {
    let text = file.text.as_bytes();
    let range = file.line_range(line).unwrap_or(text.len()..text.len());
    if range.end >= text.len() {
        (range, "")
    } else if range.end > range.start && text[range.end - 1] == b'\r' {
        (range.start..range.end - 1, "\r\n")
    } else {
        (range, "\n")
    }
}

/// Whether miette takes the span from `start` to `end` to end with a line break, and so
/// shows one more line after it: its last byte is one, or it is empty at the very start
/// of a text that opens with one (miette looks at the byte before an empty span, or at
/// the first byte when there is none).
fn ends_with_break(text: &str, start: usize, end: usize) -> bool {
    let last = match (end > start, start) {
        (true, _) => end - 1,
        (false, 0) => 0,
        (false, _) => return false,
    };
    let bytes = text.as_bytes();
    match bytes.get(last) {
        Some(b'\n') => true,
        Some(b'\r') => bytes.get(last + 1) == Some(&b'\n'),
        _ => false,
    }
}

/// Where a byte of the file is in its shown text. Redaction stars out each character of a
/// secret but line breaks, so the two differ in length only when a secret holds non-ASCII
/// characters: offsets after one move back by the bytes its characters lost. Were
/// redaction ever to change shape, this would misplace a window, never reveal a secret:
/// every character shown comes from the shown text.
fn shown_offset(file: &SourceFile, shown: &str, byte: usize) -> usize {
    let text = &*file.text;
    if shown.len() == text.len() {
        return floor(shown, byte.min(shown.len()));
    }
    let mut secrets = file.secrets.clone();
    secrets.sort_unstable();
    let mut lost = 0;
    let mut done = 0;
    for (start, end) in secrets {
        let (start, end) = (start.max(done), end.min(byte).min(text.len()));
        if start >= end {
            continue;
        }
        let from = ceil(text, start);
        lost += text[from..]
            .char_indices()
            .take_while(|&(i, _)| from + i < end)
            .filter(|&(_, c)| c != '\n')
            .map(|(_, c)| c.len_utf8() - 1)
            .sum::<usize>();
        done = end;
    }
    floor(shown, byte.saturating_sub(lost).min(shown.len()))
}

fn floor(text: &str, mut byte: usize) -> usize {
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

fn ceil(text: &str, mut byte: usize) -> usize {
    while !text.is_char_boundary(byte) {
        byte += 1;
    }
    byte
}

impl SourceCode for Excerpt {
    /// What miette's own `read_span` returns for the whole file, in excerpt offsets: the
    /// lines of `span` with context, their real line number, the real column of a span read
    /// without context, and miette's line count (which decides when it joins snippets). A
    /// span reaching over lines the excerpt left out cannot be read, so miette shows its
    /// labels in separate snippets.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (offset, len) = (span.offset(), span.len());
        if offset + len > self.text.len() || self.lines.is_empty() {
            return Err(MietteError::OutOfBounds);
        }
        // A span over lines the excerpt leaves out cannot be read; its context is what the
        // excerpt holds next to it (all miette asks for, wherever the file has it).
        let joined = |i: usize| i + 1 < self.lines.len() && self.lines[i].number + 1 == self.lines[i + 1].number;
        let first = self.line_of(offset);
        let mut last = self.line_of((offset + len).saturating_sub(1).max(offset));
        let in_file = offset > 0 || self.lines[0].number == 0;
        if in_file && ends_with_break(&self.text, offset, offset + len) && joined(last) {
            last += 1;
        }
        if !(first..last).all(joined) {
            return Err(MietteError::OutOfBounds);
        }
        let mut lo = first;
        while lo > 0 && first - lo < before && joined(lo - 1) {
            lo -= 1;
        }
        let mut hi = last;
        while hi - last < after && joined(hi) {
            hi += 1;
        }
        let (start, line, column) = match before {
            0 => {
                let column = self
                    .columns
                    .iter()
                    .find(|(at, _)| *at == offset)
                    .map_or_else(|| self.text[self.lines[first].start..offset].chars().count(), |&(_, column)| column);
                (offset, self.lines[first].number, column)
            }
            _ => (self.lines[lo].start, self.lines[lo].number, 0),
        };
        let end = if after == 0 { offset + len } else { self.lines[hi].end };
        let line_count = (self.lines[hi].number + 1).min(self.breaks);
        let contents = MietteSpanContents::new_named(
            self.name.clone(),
            &self.text.as_bytes()[start..end],
            (start, end - start).into(),
            line,
            column,
            line_count,
        )
        .with_language(self.language);
        Ok(Box::new(contents))
    }
}

#[cfg(test)]
mod tests;
