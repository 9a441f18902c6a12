//! `--changed-since REF`: keep only findings on lines changed since a git ref, for review and
//! for adopting iamlint in an old repository.
//!
//! The changes are not taken from `git diff`, whose output the repository under review and
//! the user's git settings shape (`.gitattributes` can make every file "binary", a `filter`
//! or `textconv` driver rewrite it, `diff.noprefix` drop the `b/` a parser looks for): a
//! pull request could hide its own lines. Instead each file iamlint read is compared, in
//! memory, with its blob at REF as git stores it (`crate::git`, plumbing only). Only files
//! iamlint lints count, and each blob is read within `--max-file-size`, so history costs no
//! more than the files themselves. A file absent at REF (untracked, or added since), one
//! that was something else there (a symbolic link, a submodule) or too large to read, and
//! one iamlint could not read now, counts as changed throughout.
//!
//! A finding is kept when any of its places (its span or a label: the binding, role or
//! group of a chain) touches a changed line, or, for a place that starts a whole object,
//! when the object's text does, so that deleting `maxAge:` from a token brings its IAM201
//! into review, and adding a binding brings the account it elevates.

use crate::finding::Finding;
use crate::git;
use crate::lint::Loaded;
use crate::model::{Origin, Workspace};
use crate::source::{FileId, SourceFile, Span};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Changes in one file, in 1-based lines of the text they were computed against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineChanges {
    /// The whole file is new (untracked, or absent at REF).
    pub whole: bool,
    /// Lines added or modified, as inclusive ranges `first -> last`, disjoint and apart:
    /// a file of a million new lines is one entry, not a million.
    lines: BTreeMap<usize, usize>,
    /// Deletions: `n` means lines were removed between line `n` and line `n + 1`.
    pub gaps: BTreeSet<usize>,
}

/// Comparing one file with its past gives up after this long and counts the rest of the
/// file as changed: a review may see more, never less.
const DIFF_DEADLINE: Duration = Duration::from_secs(2);

impl LineChanges {
    /// The changes that turn `old` into `new`, line by line. A line ending in `\r\n` equals
    /// the same line ending in `\n` (git's `core.autocrlf` converts them on checkout).
    pub fn between(old: &str, new: &str) -> LineChanges {
        let (old, new) = (split_lines(old), split_lines(new));
        let deadline = std::time::Instant::now() + DIFF_DEADLINE;
        let mut out = LineChanges::default();
        for op in similar::capture_diff_slices_deadline(similar::Algorithm::Myers, &old, &new, Some(deadline)) {
            match op {
                similar::DiffOp::Equal { .. } => {}
                similar::DiffOp::Delete { new_index, .. } => {
                    out.gaps.insert(new_index);
                }
                similar::DiffOp::Insert { new_index, new_len, .. }
                | similar::DiffOp::Replace { new_index, new_len, .. } => {
                    out.add(new_index + 1, new_index + new_len);
                }
            }
        }
        out
    }

    /// Marks lines `first..=last` changed.
    fn add(&mut self, mut first: usize, mut last: usize) {
        if last < first {
            return;
        }
        // Absorb every range that overlaps or touches the new one.
        while let Some((&s, &e)) = self.lines.range(..=last.saturating_add(1)).next_back() {
            if e.saturating_add(1) < first {
                break;
            }
            self.lines.remove(&s);
            first = first.min(s);
            last = last.max(e);
        }
        self.lines.insert(first, last);
    }

    fn contains(&self, line: usize) -> bool {
        self.lines.range(..=line).next_back().is_some_and(|(_, &e)| e >= line)
    }

    /// Whether lines `first..=last` hold a change.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        self.touches_outside(first, last, &[])
    }

    /// Whether lines `first..=last` hold a change outside the `holes` (line ranges of
    /// nested objects, whose changes are their own).
    pub fn touches_outside(&self, first: usize, last: usize, holes: &[(usize, usize)]) -> bool {
        let in_hole = |a: usize, b: usize| holes.iter().any(|&(s, e)| s <= a && b <= e);
        if self.whole || (last > first && self.gaps.range(first..last).any(|&g| !in_hole(g, g + 1))) {
            return true;
        }
        // Changed ranges overlapping `first..=last`, latest first; each is clipped and must
        // lie wholly in holes not to count.
        for (&s, &e) in self.lines.range(..=last).rev() {
            if e < first {
                break;
            }
            if !covered(s.max(first), e.min(last), holes) {
                return true;
            }
        }
        false
    }

    /// The same changes in a text edited since (by fixes in memory): lines the edit kept
    /// carry their state over, lines it wrote count as changed.
    fn rebase(&self, old: &str, new: &str) -> LineChanges {
        if self.whole {
            return self.clone();
        }
        let mut out = LineChanges::default();
        let diff = similar::TextDiff::from_lines(old, new);
        for op in diff.ops() {
            for change in diff.iter_changes(op) {
                match (change.old_index(), change.new_index()) {
                    (Some(o), Some(n)) => {
                        if self.contains(o + 1) {
                            out.add(n + 1, n + 1);
                        }
                        if self.gaps.contains(&(o + 1)) {
                            out.gaps.insert(n + 1);
                        }
                    }
                    (None, Some(n)) => out.add(n + 1, n + 1),
                    _ => {}
                }
            }
        }
        out
    }
}

/// The changes from a blob at REF to the text read now (after a byte-order mark if `bom`).
/// A Git LFS pointer stands for a file stored elsewhere: the file is unchanged when the
/// pointer names exactly its bytes, and changed throughout otherwise (there is nothing to
/// compare lines with).
fn past_changes(blob: &[u8], text: &str, bom: bool) -> LineChanges {
    if let Some(oid) = lfs_pointer(blob) {
        let mark: &[u8] = if bom { "\u{feff}".as_bytes() } else { b"" };
        let whole = crate::fingerprint::sha256_hex(&[mark, text.as_bytes()], 32) != oid;
        return LineChanges { whole, ..LineChanges::default() };
    }
    let old = String::from_utf8_lossy(blob);
    LineChanges::between(old.strip_prefix('\u{feff}').unwrap_or(&old), text)
}

/// The SHA-256 a Git LFS pointer file names, if `blob` is one.
fn lfs_pointer(blob: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(blob).ok().filter(|t| t.len() < 1024)?;
    text.strip_prefix("version https://git-lfs.github.com/spec/")?;
    text.lines().find_map(|l| l.strip_prefix("oid sha256:")).filter(|o| o.len() == 64)
}

/// A text's lines, without their line endings.
fn split_lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').map(|l| l.trim_end_matches(['\n', '\r'])).collect()
}

/// Whether every line of `first..=last` lies in one of `holes`.
fn covered(first: usize, last: usize, holes: &[(usize, usize)]) -> bool {
    let mut next = first;
    while next <= last {
        match holes.iter().filter(|&&(s, e)| s <= next && next <= e).map(|&(_, e)| e).max() {
            Some(end) => next = end.saturating_add(1),
            None => return false,
        }
    }
    true
}

/// The changes since a ref for every file of a workspace, remembered against the texts the
/// workspace was read with.
pub struct Changes {
    by_file: HashMap<FileId, (Arc<str>, LineChanges)>,
}

impl Changes {
    /// The changes since `reference` of the files `ws` reports on (`loaded` is what was read
    /// for each), in the repository holding `dir`.
    pub fn since(
        reference: &str,
        dir: &Path,
        ws: &Workspace,
        loaded: &[Loaded],
        max_file_size: u64,
    ) -> Result<Changes, String> {
        let top = git::toplevel(dir).map_err(|e| {
            format!("--changed-since needs a git repository, and `{}` is not in one ({e})", dir.display())
        })?;
        let commit = git::commit(&top, reference).map_err(|_| {
            let hint = git::missing_history_hint(&top);
            format!("--changed-since: `{reference}` is not a commit in this repository{hint}")
        })?;
        // The files reported on, by their path in the repository (a link by its target's).
        let mut wanted: HashMap<Vec<u8>, Vec<FileId>> = HashMap::new();
        for (id, file) in ws.sources.iter().filter(|(_, f)| f.reported) {
            let Ok(path) = file.path.canonicalize() else { continue };
            let Ok(relative) = path.strip_prefix(&top) else { continue };
            wanted.entry(git::repository_path(relative)).or_default().push(id);
        }
        let past = git::tree(&top, &commit, |path| wanted.contains_key(path))?;
        let mut by_file = HashMap::new();
        let mut compare: Vec<(&str, FileId)> = Vec::new();
        for (path, ids) in &wanted {
            for &id in ids {
                let text = ws.sources.get(id).text.clone();
                let readable = matches!(loaded.get(id.0 as usize), Some(Loaded::Text { .. }));
                match past.get(path) {
                    Some(entry) if readable && entry.is_file() && entry.size.is_some_and(|s| s <= max_file_size) => {
                        compare.push((entry.oid.as_str(), id))
                    }
                    _ => {
                        by_file.insert(id, (text, LineChanges { whole: true, ..LineChanges::default() }));
                    }
                }
            }
        }
        let oids: Vec<&str> = compare.iter().map(|(oid, _)| *oid).collect();
        git::blobs(&top, &oids, max_file_size, |i, blob| {
            let id = compare[i].1;
            let text = ws.sources.get(id).text.clone();
            let bom = matches!(loaded.get(id.0 as usize), Some(Loaded::Text { bom: true, .. }));
            let changes = match blob {
                Some(bytes) => past_changes(&bytes, &text, bom),
                None => LineChanges { whole: true, ..LineChanges::default() },
            };
            by_file.insert(id, (text, changes));
            Ok(())
        })?;
        Ok(Changes { by_file })
    }

    /// The findings that touch changed lines of `ws` (whose texts may have been edited in
    /// memory since the changes were computed).
    pub fn filter(&self, ws: &Workspace, findings: Vec<Finding>) -> Vec<Finding> {
        let mut current: BTreeMap<FileId, LineChanges> = BTreeMap::new();
        for (&id, (text, changes)) in &self.by_file {
            let now = &ws.sources.get(id).text;
            let c = if Arc::ptr_eq(text, now) || text == now { changes.clone() } else { changes.rebase(text, now) };
            current.insert(id, c);
        }
        let mut origins: BTreeMap<FileId, Vec<&Origin>> = BTreeMap::new();
        for o in ws.origins().filter(|o| current.contains_key(&o.span.file)) {
            origins.entry(o.span.file).or_default().push(o);
        }
        // A place is in review when its lines changed, or, for a place that starts an object
        // (findings and labels about a whole object), when the object's own text did.
        let in_review = |span: Span| {
            let Some(changes) = current.get(&span.file) else { return false };
            let file = ws.sources.get(span.file);
            let (first, last) = lines(file, span);
            let objects = origins.get(&span.file).map_or(&[][..], Vec::as_slice);
            changes.touches(first, last)
                || objects.iter().any(|o| o.span == span && touches_own(objects, file, changes, o.extent))
        };
        // Every place of a finding counts: a pull request that adds the binding elevating an
        // account in an untouched file is reviewed through the binding's label.
        findings.into_iter().filter(|f| in_review(f.span) || f.labels.iter().any(|l| in_review(l.span))).collect()
    }
}

/// Whether an object's own text changed: its lines, less those of objects nested in it (a
/// token inside a manifest's service account).
fn touches_own(objects: &[&Origin], file: &SourceFile, changes: &LineChanges, extent: Span) -> bool {
    let holes: Vec<(usize, usize)> = objects
        .iter()
        .map(|o| o.extent)
        .filter(|e| e != &extent && extent.contains(*e))
        .map(|e| lines(file, e))
        .collect();
    let (first, last) = lines(file, extent);
    changes.touches_outside(first, last, &holes)
}

fn lines(file: &SourceFile, span: Span) -> (usize, usize) {
    let first = file.position(span.start).line;
    let last = if span.end > span.start { file.position(span.end - 1).line } else { first };
    (first, last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(c: &LineChanges) -> Vec<usize> {
        c.lines.iter().flat_map(|(&s, &e)| s..=e).collect()
    }

    #[test]
    fn changes_between_two_texts() {
        let c = LineChanges::between("a\nb\nc\nd\n", "a\nB\nc\nnew\nd\n");
        assert_eq!((lines(&c), c.gaps.clone()), (vec![2, 4], BTreeSet::new()));
        let c = LineChanges::between("a\nb\nc\n", "a\nc\n");
        assert_eq!((lines(&c), c.gaps.clone()), (vec![], BTreeSet::from([1])));
        // Line endings alone are no change; a last line without one neither.
        let c = LineChanges::between("a\r\nb\r\n", "a\nb");
        assert_eq!(c, LineChanges::default());
        // A million new lines are one range.
        let big = "x\n".repeat(1_000_000);
        let c = LineChanges::between("", &big);
        assert_eq!(c.lines.len(), 1);
        assert!(c.touches(999_999, 1_000_000) && !c.touches(1_000_001, 1_000_002));
    }

    #[test]
    fn lfs_pointers_compare_by_hash() {
        let text = "groups:\n  - name: ops\n";
        let pointer = |oid: &str| format!("version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize 23\n");
        let other = "f7d7d4a5f2e64c3ffc1c6ae1ab55b0b1ad0e49e5e7b5e6b3bb3b98f23dd5bdbd";
        use sha2::{Digest, Sha256};
        let actual: String = Sha256::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(past_changes(pointer(&actual).as_bytes(), text, false), LineChanges::default());
        assert!(past_changes(pointer(other).as_bytes(), text, false).whole);
        assert!(past_changes(pointer(&actual).as_bytes(), text, true).whole, "the mark is part of the bytes");
    }

    #[test]
    fn ranges_merge() {
        let mut c = LineChanges::default();
        for (a, b) in [(5, 6), (1, 2), (8, 9), (3, 3), (7, 7)] {
            c.add(a, b);
        }
        assert_eq!(c.lines, BTreeMap::from([(1, 3), (5, 9)]));
        assert!(c.contains(9) && !c.contains(4) && !c.contains(10));
    }

    #[test]
    fn touching_lines_and_gaps() {
        let mut c = LineChanges { gaps: BTreeSet::from([9]), ..LineChanges::default() };
        c.add(5, 5);
        assert!(c.touches(5, 5) && c.touches(3, 7));
        assert!(!c.touches(6, 9) && !c.touches(10, 12));
        assert!(c.touches(9, 10) && c.touches(8, 12));
        assert!(!c.touches_outside(1, 12, &[(4, 6), (8, 12)]));
        assert!(c.touches_outside(1, 12, &[(4, 6), (10, 12)]));
    }

    #[test]
    fn rebase_follows_edits() {
        let mut c = LineChanges::default();
        c.add(3, 3);
        let old = "a\nb\nc\nd\n";
        let new = "a\nnew\nb\nc\nd\n";
        let r = c.rebase(old, new);
        assert_eq!(lines(&r), vec![2, 4]);
    }
}
