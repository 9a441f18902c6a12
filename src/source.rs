//! Source files and byte spans. Every value in the model points back here, so a finding
//! can always name a file, a line and a column.

use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A half-open byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span { file, start, end: end.max(start) }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// Whether `other` lies within this span, in the same file.
    pub fn contains(&self, other: Span) -> bool {
        self.file == other.file && self.start <= other.start && other.end <= self.end
    }
}

/// 1-based line and column; the column counts characters, not bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[derive(Debug)]
pub struct SourceFile {
    /// The path as it is displayed: relative to the current directory where possible.
    pub display: String,
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Made on first use: most files of a large workspace have no finding to place.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    /// Made for the first long line a position is asked on: see `chars_before`.
    char_marks: std::sync::OnceLock<Vec<(usize, usize)>>,
    /// Whether the user named this file (or a folder holding it); others are loaded
    /// only so that references resolve.
    pub reported: bool,
    /// Byte ranges holding credentials: never shown in any output.
    pub secrets: Vec<(usize, usize)>,
    /// Whether source snippets of this file may be shown at all.
    pub snippet: Snippet,
    /// What its front end made of it, for the summary and `--show-files`.
    pub reading: Reading,
}

/// What a file was read as. A YAML or JSON file that is neither a manifest nor a plan is
/// `Skipped`, with the reason: pre-commit names every such file, and most are not Kestra's.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Reading {
    /// As its name says (Terraform, a workflow, a script), or unreadable.
    #[default]
    ByName,
    As(&'static str),
    Skipped(&'static str),
}

/// Whether a file's snippets may be shown. `Hidden` when iamlint could not delimit every
/// credential in it (a file that does not parse, where what remains after the lexical
/// redaction still looks like one): a finding there gives its position and message only.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Snippet {
    #[default]
    Shown,
    Hidden,
}

impl SourceFile {
    pub fn new(display: String, path: PathBuf, text: Arc<str>, reported: bool) -> Self {
        SourceFile {
            display,
            path,
            text,
            line_starts: Default::default(),
            char_marks: Default::default(),
            reported,
            secrets: Vec::new(),
            snippet: Snippet::Shown,
            reading: Reading::ByName,
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![0];
            starts.extend(self.text.match_indices('\n').map(|(i, _)| i + 1));
            starts
        })
    }

    pub fn position(&self, byte: usize) -> Position {
        let byte = floor_char_boundary(&self.text, byte.min(self.text.len()));
        let line = self.line_starts().partition_point(|&s| s <= byte) - 1;
        let start = self.line_starts()[line];
        let column = if byte - start <= MARK_STEP {
            self.text[start..byte].chars().count()
        } else {
            self.chars_before(byte) - self.chars_before(start)
        };
        Position { line: line + 1, column: column + 1 }
    }

    /// The characters before `byte` (a char boundary). Counting from the start of the line
    /// for every finding made a one-line plan with many findings quadratic; marks every
    /// `MARK_STEP` bytes bound each count to one step.
    fn chars_before(&self, byte: usize) -> usize {
        let marks = self.char_marks.get_or_init(|| {
            let mut marks = vec![(0, 0)];
            let (mut at, mut chars) = (0, 0);
            while at + MARK_STEP < self.text.len() {
                let next = floor_char_boundary(&self.text, at + MARK_STEP);
                chars += self.text[at..next].chars().count();
                at = next;
                marks.push((at, chars));
            }
            marks
        });
        let (at, chars) = marks[marks.partition_point(|&(b, _)| b <= byte) - 1];
        chars + self.text[at..byte].chars().count()
    }

    /// Byte offset of a 1-based line and character column, clamped to the text.
    pub fn offset(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        let end_of_line = rest.find('\n').unwrap_or(rest.len());
        rest[..end_of_line].char_indices().nth(column.saturating_sub(1)).map_or(start + end_of_line, |(i, _)| start + i)
    }

    /// The 0-based line holding `byte`, found without counting characters (snippets of a
    /// many-megabyte line must not walk it once per finding).
    pub fn line_index(&self, byte: usize) -> usize {
        self.line_starts().partition_point(|&s| s <= byte).saturating_sub(1)
    }

    /// The byte range of a 0-based line, its line break excluded.
    pub fn line_range(&self, line: usize) -> Option<std::ops::Range<usize>> {
        let starts = self.line_starts();
        let start = *starts.get(line)?;
        Some(start..starts.get(line + 1).map_or(self.text.len(), |next| next - 1))
    }

    pub fn line_text(&self, line: usize) -> &str {
        let Some(&start) = self.line_starts().get(line.saturating_sub(1)) else {
            return "";
        };
        let rest = &self.text[start..];
        rest[..rest.find('\n').unwrap_or(rest.len())].trim_end_matches('\r')
    }

    /// The text as it may be shown: every secret, and every other copy of its text in the
    /// file, starred byte for byte (line breaks kept), so snippets keep their layout, line
    /// numbers and offsets but never the credential. A file whose snippets are hidden shows
    /// as stars only: a renderer that forgets the flag still shows nothing of it.
    pub fn shown_text(&self) -> Arc<str> {
        if self.snippet == Snippet::Hidden {
            return Arc::from(crate::redact::blank(&self.text));
        }
        if self.secrets.is_empty() {
            return self.text.clone();
        }
        let mut pieces = crate::redact::pieces(&self.text, &self.secrets);
        pieces.retain(|p| p.len() >= crate::redact::MIN_SEARCHED);
        Arc::from(crate::redact::mask(&self.text, &self.secrets, &pieces))
    }

    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

/// Bytes between the marks `SourceFile::chars_before` keeps.
const MARK_STEP: usize = 4096;

fn floor_char_boundary(text: &str, mut byte: usize) -> usize {
    while !text.is_char_boundary(byte) {
        byte -= 1;
    }
    byte
}

/// `path` relative to the root of the git repository that holds it (the nearest folder
/// above holding `.git`), with `/` between folders: the same whichever folder iamlint runs
/// from, for baselines and code-scanning services. `None` outside any repository. The path
/// is taken as named, links not followed, so a link inside the repository keeps its own
/// name.
pub fn repository_path(path: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    let absolute = crate::confine::absolute(path, cwd.as_deref());
    let root = absolute.parent()?.ancestors().find(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())?;
    let relative = absolute.strip_prefix(root).ok()?;
    let parts: Vec<_> = relative.components().map(|c| c.as_os_str().to_string_lossy()).collect();
    Some(parts.join("/"))
}

/// `path` as messages show it: relative to the current folder when it lies below it.
pub fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let relative = cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd).ok()).unwrap_or(path);
    relative.display().to_string()
}

/// The language of a file for highlighting and Markdown fences, by its name.
pub fn language(path: &str) -> &'static str {
    if path.ends_with(".tf") || path.ends_with(".tfvars") {
        "hcl"
    } else if path.ends_with(".json") {
        "json"
    } else if path.ends_with(".sh") || path.ends_with(".bash") {
        "sh"
    } else {
        "yaml"
    }
}

/// All files of one run, indexed by `FileId`.
#[derive(Debug, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    pub fn get_mut(&mut self, id: FileId) -> &mut SourceFile {
        &mut self.files[id.0 as usize]
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    pub fn text(&self, span: Span) -> &str {
        let text = &self.get(span.file).text;
        text.get(span.start..span.end).unwrap_or("")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns on a line longer than a mark step, with multi-byte characters on both sides
    /// of every mark, equal a plain count from the line start.
    #[test]
    fn positions_on_long_lines_count_characters() {
        let line: String = (0..3 * MARK_STEP)
            .map(|i| {
                if i % 7 == 0 {
                    'é'
                } else if i % 11 == 0 {
                    '😀'
                } else {
                    'a'
                }
            })
            .collect();
        let text = format!("x\n{line}\nz");
        let f = SourceFile::new("a".into(), "a".into(), text.as_str().into(), true);
        for (byte, _) in text.char_indices().step_by(97).chain(text.char_indices().rev().take(3)) {
            let start = text[..byte].rfind('\n').map_or(0, |i| i + 1);
            let line_no = text[..byte].matches('\n').count() + 1;
            let expected = Position { line: line_no, column: text[start..byte].chars().count() + 1 };
            assert_eq!(f.position(byte), expected, "at byte {byte}");
        }
    }

    #[test]
    fn positions_count_characters() {
        let f = SourceFile::new("a".into(), "a".into(), "ab\nçd e\n".into(), true);
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        assert_eq!(f.position(6), Position { line: 2, column: 3 });
        assert_eq!(f.offset(2, 3), 6);
        assert_eq!(f.line_text(2), "çd e");
    }

    #[test]
    fn secrets_are_starred_out() {
        let mut f = SourceFile::new("a".into(), "a".into(), "k = \"abc\"\nt = \"é1\"\n".into(), true);
        f.secrets = vec![(5, 8)];
        assert_eq!(&*f.shown_text(), "k = \"***\"\nt = \"é1\"\n");
        f.secrets.push((15, 18));
        // Byte for byte: `é` is two stars, so offsets after it stay right.
        assert_eq!(&*f.shown_text(), "k = \"***\"\nt = \"***\"\n");
    }

    #[test]
    fn multi_line_secrets_keep_their_lines_and_copies_are_starred() {
        let text = "p: |\n  line-one\n  line-two\nq: line-two\n";
        let mut f = SourceFile::new("a".into(), "a".into(), text.into(), true);
        f.secrets = vec![(text.find("line-one").unwrap(), text.find("q:").unwrap())];
        assert_eq!(&*f.shown_text(), "p: |\n  ********\n  ********\nq: ********\n");
        f.snippet = Snippet::Hidden;
        assert_eq!(&*f.shown_text(), "****\n  ********\n  ********\n***********\n");
    }
}
