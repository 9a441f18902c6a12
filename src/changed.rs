//! `--changed-since REF`: keep only findings on lines changed since a git ref, for review and
//! for adopting iamlint in an old repository. The changes come from `git diff --unified=0
//! REF` against the work tree (via the git CLI, with external diff drivers and text
//! conversion off, since the repository may be an untrusted pull request); untracked files
//! count as changed throughout.
//!
//! A finding is kept when its span touches a changed line, or, for findings about a whole
//! object (reported on the line where it starts), when the object's text does, so that
//! deleting `maxAge:` from a token brings its IAM201 into review.

use crate::finding::Finding;
use crate::model::{Origin, Workspace};
use crate::source::{FileId, SourceFile, Span};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

/// Changes in one file, in 1-based lines of the text they were computed against.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineChanges {
    /// The whole file is new (untracked, or absent at REF).
    pub whole: bool,
    /// Lines added or modified.
    pub lines: BTreeSet<usize>,
    /// Deletions: `n` means lines were removed between line `n` and line `n + 1`.
    pub gaps: BTreeSet<usize>,
}

impl LineChanges {
    /// Whether lines `first..=last` hold a change.
    pub fn touches(&self, first: usize, last: usize) -> bool {
        self.touches_outside(first, last, &[])
    }

    /// Whether lines `first..=last` hold a change outside the `holes` (line ranges of
    /// nested objects, whose changes are their own).
    pub fn touches_outside(&self, first: usize, last: usize, holes: &[(usize, usize)]) -> bool {
        let in_hole = |a: usize, b: usize| holes.iter().any(|&(s, e)| s <= a && b <= e);
        self.whole
            || self.lines.range(first..=last).any(|&l| !in_hole(l, l))
            || (last > first && self.gaps.range(first..last).any(|&g| !in_hole(g, g + 1)))
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
                        if self.lines.contains(&(o + 1)) {
                            out.lines.insert(n + 1);
                        }
                        if self.gaps.contains(&(o + 1)) {
                            out.gaps.insert(n + 1);
                        }
                    }
                    (None, Some(n)) => {
                        out.lines.insert(n + 1);
                    }
                    _ => {}
                }
            }
        }
        out
    }
}

/// The changes since a ref for every file of a workspace, remembered against the texts the
/// workspace was read with.
pub struct Changes {
    by_file: HashMap<FileId, (Arc<str>, LineChanges)>,
}

impl Changes {
    /// Runs git in the repository holding `dir`.
    pub fn since(reference: &str, dir: &Path, ws: &Workspace) -> Result<Changes, String> {
        let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|e| {
            format!("--changed-since needs a git repository, and `{}` is not in one ({e})", dir.display())
        })?;
        let top = PathBuf::from(top.trim_end_matches(['\n', '\r']));
        let top = top.canonicalize().unwrap_or(top);
        if reference.starts_with('-') {
            return Err(format!("--changed-since: `{reference}` is not a commit"));
        }
        let commit = git(&top, &["rev-parse", "--verify", "--quiet", &format!("{reference}^{{commit}}")])
            .map_err(|_| format!("--changed-since: `{reference}` is not a commit in this repository"))?;
        let commit = commit.trim().to_string();
        let patch = git(
            &top,
            &["diff", "--no-color", "--no-ext-diff", "--no-textconv", "--no-renames", "--unified=0", &commit, "--"],
        )?;
        let mut files: HashMap<PathBuf, LineChanges> =
            parse_diff(&patch).into_iter().map(|(p, c)| (top.join(p), c)).collect();
        let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z"])?;
        for p in untracked.split('\0').filter(|p| !p.is_empty()) {
            files.insert(top.join(p), LineChanges { whole: true, ..LineChanges::default() });
        }
        let mut by_file = HashMap::new();
        for (id, file) in ws.sources.iter() {
            let Ok(path) = file.path.canonicalize() else { continue };
            if let Some(c) = files.remove(&path) {
                by_file.insert(id, (file.text.clone(), c));
            }
        }
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
        findings
            .into_iter()
            .filter(|f| {
                let Some(changes) = current.get(&f.span.file) else { return false };
                let file = ws.sources.get(f.span.file);
                let (first, last) = lines(file, f.span);
                let objects = origins.get(&f.span.file).map_or(&[][..], Vec::as_slice);
                changes.touches(first, last)
                    || objects.iter().any(|o| o.span == f.span && touches_own(objects, file, changes, o.extent))
            })
            .collect()
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

/// Runs git in `dir`; what it printed, decoded leniently: a patch may hold text in any
/// encoding (a Latin-1 file anywhere in the repository), of which only headers are read.
pub(crate) fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    git_bytes(dir, args).map(|out| String::from_utf8_lossy(&out).into_owned())
}

/// Runs git in `dir` and returns what it printed; the error is git's first line of
/// complaint. Paths are printed unquoted (`core.quotePath=false`).
pub(crate) fn git_bytes(dir: &Path, args: &[&str]) -> Result<Vec<u8>, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "core.quotePath=false"])
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        return Err(err.lines().next().unwrap_or("git failed").trim().to_string());
    }
    Ok(out.stdout)
}

/// Changed lines per path (relative to the repository root) from `git diff --unified=0`.
pub fn parse_diff(patch: &str) -> BTreeMap<String, LineChanges> {
    let mut out: BTreeMap<String, LineChanges> = BTreeMap::new();
    let mut current: Option<String> = None;
    // File headers come between `diff --git` and the first hunk: inside a hunk, an added
    // line that starts with `++ ` reads `+++ ` too.
    let mut in_header = false;
    for line in patch.lines() {
        if line.starts_with("diff --git ") {
            in_header = true;
        } else if line.starts_with("@@ ") {
            in_header = false;
        }
        if let Some(path) = line.strip_prefix("+++ ").filter(|_| in_header) {
            current = unquote(path).and_then(|p| p.strip_prefix("b/").map(str::to_string));
            if let Some(p) = &current {
                out.entry(p.clone()).or_default();
            }
        } else if let (Some(rest), Some(path)) = (line.strip_prefix("@@ "), &current) {
            let Some(new) = rest.split(' ').find(|s| s.starts_with('+')) else { continue };
            let mut parts = new[1..].splitn(2, ',');
            let start: usize = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
            let count: usize = parts.next().map_or(Some(1), |s| s.parse().ok()).unwrap_or(1);
            let changes = out.entry(path.clone()).or_default();
            if count == 0 {
                changes.gaps.insert(start);
            } else {
                changes.lines.extend(start..start + count);
            }
        }
    }
    out
}

/// A path as git prints it: as is, or C-quoted (`"b/caf\303\251.tf"`) when it holds
/// unusual bytes. `None` for `/dev/null`.
fn unquote(path: &str) -> Option<String> {
    let path = path.trim_end_matches('\t');
    if path == "/dev/null" {
        return None;
    }
    let Some(inner) = path.strip_prefix('"').and_then(|p| p.strip_suffix('"')) else {
        return Some(path.to_string());
    };
    let mut bytes = Vec::new();
    let mut chars = inner.bytes().peekable();
    while let Some(b) = chars.next() {
        if b != b'\\' {
            bytes.push(b);
            continue;
        }
        match chars.next()? {
            b'n' => bytes.push(b'\n'),
            b't' => bytes.push(b'\t'),
            b'"' => bytes.push(b'"'),
            b'\\' => bytes.push(b'\\'),
            d @ b'0'..=b'7' => {
                let mut v = u32::from(d - b'0');
                for _ in 0..2 {
                    let Some(&n @ b'0'..=b'7') = chars.peek() else { break };
                    v = v * 8 + u32::from(n - b'0');
                    chars.next();
                }
                bytes.push(v as u8);
            }
            other => bytes.push(other),
        }
    }
    String::from_utf8(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_unified_zero_hunks() {
        let patch = "diff --git a/a.tf b/a.tf\n--- a/a.tf\n+++ b/a.tf\n@@ -3 +3 @@\n-x\n+y\n@@ -10,2 +9,0 @@\n-a\n-b\n@@ -20,0 +21,2 @@\n+c\n+d\ndiff --git a/gone.tf b/gone.tf\n--- a/gone.tf\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\ndiff --git \"a/caf\\303\\251.yaml\" \"b/caf\\303\\251.yaml\"\n--- a/\"caf\\303\\251.yaml\"\n+++ \"b/caf\\303\\251.yaml\"\n@@ -1 +1 @@\n";
        let parsed = parse_diff(patch);
        let a = &parsed["a.tf"];
        assert_eq!(a.lines, BTreeSet::from([3, 21, 22]));
        assert_eq!(a.gaps, BTreeSet::from([9]));
        assert!(!parsed.contains_key("gone.tf"));
        assert_eq!(parsed["café.yaml"].lines, BTreeSet::from([1]));
        // Inside a hunk, a removed `-- x` and an added `++ y` are lines, not headers.
        let patch =
            "diff --git a/a.yml b/a.yml\n--- a/a.yml\n+++ b/a.yml\n@@ -1 +1 @@\n--- x\n+++ y\n@@ -5,0 +6 @@\n+z\n";
        let parsed = parse_diff(patch);
        assert_eq!(parsed.keys().collect::<Vec<_>>(), ["a.yml"]);
        assert_eq!(parsed["a.yml"].lines, BTreeSet::from([1, 6]));
    }

    #[test]
    fn touching_lines_and_gaps() {
        let c = LineChanges { whole: false, lines: BTreeSet::from([5]), gaps: BTreeSet::from([9]) };
        assert!(c.touches(5, 5) && c.touches(3, 7));
        assert!(!c.touches(6, 9) && !c.touches(10, 12));
        assert!(c.touches(9, 10) && c.touches(8, 12));
        assert!(!c.touches_outside(1, 12, &[(4, 6), (8, 12)]));
        assert!(c.touches_outside(1, 12, &[(4, 6), (10, 12)]));
    }

    #[test]
    fn rebase_follows_edits() {
        let c = LineChanges { whole: false, lines: BTreeSet::from([3]), gaps: BTreeSet::new() };
        let old = "a\nb\nc\nd\n";
        let new = "a\nnew\nb\nc\nd\n";
        let r = c.rebase(old, new);
        assert_eq!(r.lines, BTreeSet::from([2, 4]));
    }
}
