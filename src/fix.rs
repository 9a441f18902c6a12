//! `--fix` and `--diff`: apply the fixes attached to findings, re-lint the edited texts in
//! memory, and repeat until nothing is left to fix (at most `MAX_PASSES` times). Then either
//! write the files (all or none, see `write`) or print a unified diff.
//!
//! Fixes are byte-span edits. Within a pass, fixes are taken in finding order (path, line,
//! column, code), and a fix whose edits overlap an edit already taken waits for the next
//! pass, when it is recomputed against the edited text. A pass that would make a file that
//! parsed stop parsing is undone for the fixes touching that file, which are then never
//! tried again.

mod write;
pub use write::write;

use crate::finding::{Code, Edit, Finding, Fix};
use crate::lint::{self, Loaded, Options, Outcome};
use crate::model::Workspace;
use crate::source::FileId;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

pub const MAX_PASSES: usize = 10;

/// Which findings are fixed (and reported): the review filters (baseline, changed lines).
pub type Keep<'a> = &'a dyn Fn(&Workspace, Vec<Finding>) -> Vec<Finding>;

pub struct Fixed {
    /// The fixes applied, in order: (rule, file, line, description, safe).
    pub log: Vec<Applied>,
    /// The workspace as fixed, and its remaining findings (already kept).
    pub outcome: Outcome,
    /// The texts as read from disk, by `FileId`.
    pub original: Vec<Loaded>,
    /// How many fixes were applied, over all passes.
    pub applied: usize,
    /// The edits applied in each pass, against that pass's texts.
    pub passes: Vec<Vec<Edit>>,
    /// Where the texts as read hold credentials (by `FileId`), starred out of any diff.
    secrets: Vec<Vec<(usize, usize)>>,
    /// The text of every credential of the workspace as read, line by line: starred
    /// wherever it recurs on either side of a diff.
    pieces: Vec<String>,
    /// The canonical folders of the linted paths: no file is written through a symlink
    /// that leads out of them.
    roots: Vec<PathBuf>,
}

impl Fixed {
    /// Files whose text differs from what was read, in path order: (id, before, after).
    pub fn changed(&self) -> Vec<(FileId, &str, &str)> {
        let mut out: Vec<_> = self
            .original
            .iter()
            .zip(&self.outcome.loaded)
            .enumerate()
            .filter_map(|(i, (a, b))| match (a, b) {
                (Loaded::Text { text: a, .. }, Loaded::Text { text: b, .. }) if a != b => {
                    Some((FileId(i as u32), &**a, &**b))
                }
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| self.display(a.0).cmp(self.display(b.0)));
        out
    }

    fn display(&self, id: FileId) -> &str {
        &self.outcome.ws.sources.get(id).display
    }
}

/// One fix applied, as `--diff` lists it on standard error with its safety.
#[derive(Clone, Debug)]
pub struct Applied {
    pub code: Code,
    /// The file the fixed finding is in, as displayed.
    pub file: String,
    pub place: String,
    pub description: String,
    pub safe: bool,
}

/// A fix's identity across passes (spans move; its rule, description and target text do
/// not), to remember fixes that broke a file.
type FixKey = (Code, String, FileId, String);

fn key(ws: &Workspace, f: &Finding, fix: &Fix) -> FixKey {
    let first = fix.edits.first().map(|e| e.span);
    let (file, text) = first.map_or((f.span.file, String::new()), |s| (s.file, ws.sources.text(s).to_string()));
    (f.code.clone(), fix.description.clone(), file, text)
}

/// Which fixes a run applies: a fix that can change who exists or what Kestra grants is
/// applied only when the user asks for it (`--unsafe-fixes`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    SafeOnly,
    All,
}

impl Applies {
    fn takes(self, catalogue: &crate::catalogue::Catalogue, f: &Finding) -> bool {
        self == Applies::All || catalogue.safe_fix(f)
    }
}

/// Applies fixes until none is left (or `MAX_PASSES`). `outcome.findings` must already be
/// filtered by `keep`.
pub fn fix(outcome: Outcome, options: &Options, keep: Keep, applies: Applies) -> Fixed {
    let original = outcome.loaded.clone();
    let secrets: Vec<Vec<(usize, usize)>> = outcome.ws.sources.iter().map(|(_, f)| f.secrets.clone()).collect();
    let mut pieces: Vec<String> =
        outcome.ws.sources.iter().flat_map(|(_, f)| crate::redact::pieces(&f.text, &f.secrets)).collect();
    pieces.sort();
    pieces.dedup();
    // A pass may remove a secret (IAM402 takes out a `password`): what later passes say
    // and write is still checked against the secrets as read.
    let as_read = crate::redact::Masker::new(pieces.iter().map(String::as_str));
    let Outcome { mut ws, mut findings, files, candidates, mut loaded, coverage, mut left_out } = outcome;
    let mut rejected: HashSet<FixKey> = HashSet::new();
    let mut passes = Vec::new();
    let mut applied = 0;
    let mut log = Vec::new();
    // Each pass either applies fixes or rejects at least one: bounded either way.
    let mut attempts = 0;
    while passes.len() < MAX_PASSES && attempts < 2 * MAX_PASSES {
        attempts += 1;
        let wanted: Vec<&Finding> = findings.iter().filter(|f| applies.takes(&options.catalogue, f)).collect();
        let chosen = choose(&ws, &wanted, &rejected);
        if chosen.is_empty() {
            break;
        }
        let edits: Vec<Edit> = chosen.iter().flat_map(|(_, fix)| fix.edits.iter().cloned()).collect();
        let next_loaded = apply_all(&loaded, &edits);
        let next_ws = lint::build_with(
            &candidates,
            &next_loaded,
            options.yaml_limits(),
            &options.filter,
            crate::frontend::prefilter::enabled(),
        );
        let mut broken = newly_broken(&ws, &next_ws);
        broken.extend(new_duplicate_keys(&ws, &next_ws, options.yaml_limits()));
        if !broken.is_empty() {
            for (f, fix) in &chosen {
                if fix.edits.iter().any(|e| broken.contains(&e.span.file)) {
                    rejected.insert(key(&ws, f, fix));
                }
            }
            continue;
        }
        applied += chosen.len();
        for (f, fix) in &chosen {
            let file = ws.sources.get(f.span.file);
            log.push(Applied {
                code: f.code.clone(),
                file: file.display.clone(),
                place: format!("{}:{}", file.display, file.position(f.span.start).line),
                description: fix.description.clone(),
                safe: options.catalogue.safe_fix(f),
            });
        }
        passes.push(edits);
        loaded = next_loaded;
        ws = next_ws;
        let (mut found, now_left_out) = lint::analyze_counted(&ws, options);
        lint::star_secrets(&as_read, &mut found);
        left_out = now_left_out;
        findings = keep(&ws, found);
    }
    let roots = options.paths.iter().filter_map(|p| write::root_of(p)).collect();
    Fixed {
        outcome: Outcome { ws, findings, files, candidates, loaded, coverage, left_out },
        log,
        original,
        applied,
        passes,
        secrets,
        pieces,
        roots,
    }
}

/// The fixes to apply in one pass: in finding order, each whole or not at all, none
/// overlapping another.
fn choose<'a>(ws: &Workspace, findings: &[&'a Finding], rejected: &HashSet<FixKey>) -> Vec<(&'a Finding, Fix)> {
    let mut taken: Vec<Edit> = Vec::new();
    let mut out = Vec::new();
    for &f in findings {
        let Some(fix) = &f.fix else { continue };
        let mut edits = fix.edits.clone();
        edits.sort();
        edits.dedup();
        let valid = edits.iter().all(|e| {
            let text = &ws.sources.get(e.span.file).text;
            e.span.end <= text.len() && text.is_char_boundary(e.span.start) && text.is_char_boundary(e.span.end)
        });
        let conflict = edits
            .iter()
            .enumerate()
            .any(|(i, a)| edits[i + 1..].iter().any(|b| overlaps(a, b)) || taken.iter().any(|b| overlaps(a, b)));
        let fix = Fix { description: fix.description.clone(), edits };
        if !valid || conflict || fix.edits.is_empty() || rejected.contains(&key(ws, f, &fix)) {
            continue;
        }
        taken.extend(fix.edits.iter().cloned());
        out.push((f, fix));
    }
    out
}

/// Two edits conflict when their ranges intersect, or when an insertion falls inside or at
/// an edge of the other (the order of the two results would be a guess).
fn overlaps(a: &Edit, b: &Edit) -> bool {
    let (a, b) = (a.span, b.span);
    if a.file != b.file {
        return false;
    }
    if a.is_empty() || b.is_empty() {
        a.start <= b.end && b.start <= a.end
    } else {
        a.start < b.end && b.start < a.end
    }
}

fn apply_all(loaded: &[Loaded], edits: &[Edit]) -> Vec<Loaded> {
    let mut by_file: BTreeMap<FileId, Vec<&Edit>> = BTreeMap::new();
    for e in edits {
        by_file.entry(e.span.file).or_default().push(e);
    }
    let mut out = loaded.to_vec();
    for (file, edits) in by_file {
        if let Loaded::Text { text, bom } = &loaded[file.0 as usize] {
            out[file.0 as usize] = Loaded::Text { text: Arc::from(apply(text, edits)), bom: *bom };
        }
    }
    out
}

/// The text with non-overlapping edits applied.
pub fn apply(text: &str, mut edits: Vec<&Edit>) -> String {
    edits.sort_by_key(|e| (e.span.start, e.span.end));
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for e in edits {
        out.push_str(&text[at..e.span.start]);
        out.push_str(&e.replacement);
        at = e.span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// Files that parsed before and do not after.
fn newly_broken(before: &Workspace, after: &Workspace) -> BTreeSet<FileId> {
    let syntax_errors = |ws: &Workspace| -> BTreeSet<FileId> {
        ws.problems.iter().filter(|p| p.code == crate::rules::SYNTAX_ERROR.code).map(|p| p.span.file).collect()
    };
    let was = syntax_errors(before);
    syntax_errors(after).into_iter().filter(|f| !was.contains(f)).collect()
}

/// Manifests in which a pass wrote a key twice into one mapping: two fixes that each
/// supply a field (one inserting `maxAge`, another respelling `max_age`) without knowing of
/// each other. Kestra keeps one of the two values, so such a pass is undone like one that
/// breaks a file.
fn new_duplicate_keys(before: &Workspace, after: &Workspace, limits: crate::syntax::yaml::Limits) -> BTreeSet<FileId> {
    let mut out = BTreeSet::new();
    for (id, file) in after.sources.iter() {
        let old = &before.sources.get(id).text;
        let manifest = matches!(
            crate::frontend::FileKind::of(&file.path),
            Some(crate::frontend::FileKind::Yaml | crate::frontend::FileKind::Json)
        );
        if !manifest || old == &file.text {
            continue;
        }
        if duplicate_keys(&file.text, limits) > duplicate_keys(old, limits) {
            out.insert(id);
        }
    }
    out
}

/// How many mapping entries repeat a key of their mapping.
fn duplicate_keys(text: &str, limits: crate::syntax::yaml::Limits) -> usize {
    use crate::syntax::yaml::Node;
    fn walk(node: &Node, count: &mut usize) {
        match node {
            Node::Map { entries, .. } => {
                let mut seen = std::collections::HashSet::new();
                for (key, value) in entries {
                    if key.as_str().is_some_and(|k| !seen.insert(k.to_string())) {
                        *count += 1;
                    }
                    walk(value, count);
                }
            }
            Node::Seq { items, .. } => items.iter().for_each(|i| walk(i, count)),
            Node::Scalar(_) => {}
        }
    }
    let mut count = 0;
    for doc in crate::syntax::yaml::parse(text, limits).unwrap_or_default() {
        walk(&doc, &mut count);
    }
    count
}

/// The fixes as a unified diff, `a/PATH` and `b/PATH` headers, for `patch -p1` or
/// `git apply` from the current directory. A credential is never printed: its characters
/// are starred on both sides, line breaks kept so that hunk headers count the file's real
/// lines (a hunk showing one does not apply; IAM601 comes first). The side as read is
/// starred where the front ends found credentials, the fixed side where they find them
/// after the fixes, and both wherever any credential's text of the workspace recurs.
pub fn diff(fixed: &Fixed) -> String {
    let mut out = String::new();
    for (id, before, after) in fixed.changed() {
        let display = fixed.display(id);
        let own = crate::redact::pieces(before, &fixed.secrets[id.0 as usize]);
        let fixed_file = fixed.outcome.ws.sources.get(id);
        let mut pieces = fixed.searched(&own);
        pieces.extend(crate::redact::pieces(&fixed_file.text, &fixed_file.secrets));
        let before = crate::redact::mask(before, &fixed.secrets[id.0 as usize], &pieces);
        let after = crate::redact::mask(after, &fixed_file.secrets, &pieces);
        let (before, after) = (before.as_str(), after.as_str());
        let bom = matches!(fixed.original[id.0 as usize], Loaded::Text { bom: true, .. });
        let (before, after) = if bom {
            (format!("\u{feff}{before}"), format!("\u{feff}{after}"))
        } else {
            (before.to_string(), after.to_string())
        };
        let (before, after) = (crate::render::escape::patch(&before), crate::render::escape::patch(&after));
        let display = crate::render::escape::line(display);
        let diff = similar::TextDiff::from_lines(&*before, &*after);
        out.push_str(&format!(
            "{}",
            diff.unified_diff().context_radius(3).header(&format!("a/{display}"), &format!("b/{display}"))
        ));
    }
    out
}

impl Fixed {
    /// Every secret's text as read and as fixed: a fix that removed a `password` left its
    /// text in the names it was copied to.
    pub fn secret_masker(&self) -> crate::redact::Masker {
        let now = self.outcome.ws.sources.iter().flat_map(|(_, f)| crate::redact::pieces(&f.text, &f.secrets));
        let pieces: Vec<String> = self.pieces.iter().cloned().chain(now).collect();
        crate::redact::Masker::new(pieces.iter().map(String::as_str))
    }

    /// The pieces a file's diff searches for: its own credentials' lines, however short,
    /// and the workspace's long enough to search everywhere.
    fn searched(&self, own: &[String]) -> Vec<String> {
        let mut out: Vec<String> = own.to_vec();
        out.extend(self.pieces.iter().filter(|p| p.len() >= crate::redact::MIN_SEARCHED).cloned());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::Span;

    fn edit(start: usize, end: usize, r: &str) -> Edit {
        Edit { span: Span::new(FileId(0), start, end), replacement: r.into() }
    }

    #[test]
    fn applies_edits_in_order() {
        let (a, b, c) = (edit(0, 1, "X"), edit(3, 3, "+"), edit(4, 6, ""));
        assert_eq!(apply("abcdefg", vec![&c, &a, &b]), "Xbc+dg");
    }

    #[test]
    fn diffs_never_show_credentials() {
        let dir = tempfile::tempdir().unwrap();
        let text = "serviceAccounts:\n  - name: CI_Bot\n    password: hunter2-secret\n    groups: [bots]\n";
        std::fs::write(dir.path().join("iam.yaml"), text).unwrap();
        let options = Options {
            paths: vec![dir.path().to_path_buf()],
            selection: crate::select::Selection { select: Some(vec!["IAM101".into()]), ..Default::default() },
            ..Options::default()
        };
        let mut outcome = lint::run(&options).unwrap();
        let at = text.find("hunter2").unwrap();
        outcome.ws.sources.get_mut(FileId(0)).secrets.push((at, at + "hunter2-secret".len()));
        let fixed = fix(outcome, &options, &|_, f| f, Applies::All);
        let diff = diff(&fixed);
        assert!(diff.contains("+  - name: ci-bot\n"), "{diff}");
        assert!(diff.contains("     password: **************\n"), "{diff}");
        assert!(!diff.contains("hunter2"), "{diff}");
    }

    #[test]
    fn duplicate_keys_are_counted_per_mapping() {
        let limits = crate::syntax::yaml::Limits::default();
        assert_eq!(duplicate_keys("a:\n  maxAge: P1D\n  \"maxAge\": P2D\nb:\n  maxAge: P3D\n", limits), 1);
        assert_eq!(duplicate_keys("- {x: 1, x: 2, y: 3}\n- {x: 1}\n", limits), 1);
        assert_eq!(duplicate_keys("{\"a\": {\"k\": 1}, \"b\": {\"k\": 2}}", limits), 0);
        assert_eq!(duplicate_keys(": : [", limits), 0);
    }

    #[test]
    fn overlap_rules() {
        assert!(overlaps(&edit(0, 4, ""), &edit(3, 5, "")));
        assert!(!overlaps(&edit(0, 3, ""), &edit(3, 5, "")));
        assert!(overlaps(&edit(3, 3, "a"), &edit(3, 3, "b")));
        assert!(overlaps(&edit(3, 3, "a"), &edit(0, 3, "b")));
        assert!(!overlaps(&edit(2, 2, "a"), &edit(3, 5, "b")));
        let other = Edit { span: Span::new(FileId(1), 0, 4), replacement: String::new() };
        assert!(!overlaps(&edit(0, 4, ""), &other));
    }
}
