//! Finding the files of a workspace: the `ignore` crate walks (honouring .gitignore), and
//! hidden entries are skipped except CI workflow locations, where credentials hide.

use crate::config::FileFilter;
use crate::frontend::FileKind;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Candidate {
    pub path: PathBuf,
    pub display: String,
    pub kind: FileKind,
    /// False for files loaded only so that references from the named files resolve.
    pub reported: bool,
    /// Named by `--var-file`: its position among them (a later var file wins).
    pub var_file: Option<usize>,
}

#[derive(Debug)]
pub enum DiscoverError {
    Missing(PathBuf),
    Unreadable(PathBuf, std::io::Error),
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoverError::Missing(p) => write!(f, "path `{}` does not exist", p.display()),
            DiscoverError::Unreadable(p, e) => write!(f, "cannot read path `{}`: {e}", p.display()),
        }
    }
}

/// Every supported file under `paths`, sorted by displayed path. When a path is a file,
/// the rest of its workspace (the nearest folder up holding `.iamlint.yaml` or `.git`) is
/// loaded too, unreported.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Candidate>, DiscoverError> {
    discover_filtered(paths, &FileFilter::default())
}

/// `discover`, keeping only the files the configuration's include/exclude globs keep.
pub fn discover_filtered(paths: &[PathBuf], filter: &FileFilter) -> Result<Vec<Candidate>, DiscoverError> {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    // Keyed by canonical path so a file named twice (or named and found) is read once.
    let mut found: BTreeMap<PathBuf, Candidate> = BTreeMap::new();
    let mut context_roots = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => DiscoverError::Missing(path.clone()),
            _ => DiscoverError::Unreadable(path.clone(), e),
        })?;
        if meta.is_dir() {
            walk(path, true, &mut found);
        } else {
            let kind = FileKind::of(path);
            if let Some(kind) = kind {
                let key = path.canonicalize().unwrap_or_else(|_| path.clone());
                found.insert(
                    key,
                    Candidate {
                        path: path.clone(),
                        display: display_given(path),
                        kind,
                        reported: true,
                        var_file: None,
                    },
                );
            }
            if let Some(root) = workspace_root(path) {
                context_roots.push(root);
            }
        }
    }
    context_roots.sort();
    context_roots.dedup();
    for root in context_roots {
        let mut context = BTreeMap::new();
        walk(&root, false, &mut context);
        for (key, mut c) in context {
            if found.contains_key(&key) {
                continue;
            }
            c.display = display_relative(&key, cwd.as_deref());
            found.insert(key, c);
        }
    }
    found.retain(|key, _| filter.keeps(key));
    let mut files: Vec<Candidate> = found.into_values().collect();
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(files)
}

/// Walks `root` on every core. Keys are canonical paths: the root is canonicalized once and
/// entries below it keep their relative path (the walk follows no symlinked folder, so no
/// folder on the way can be a link); only symlinked files are resolved one by one.
fn walk(root: &Path, reported: bool, found: &mut BTreeMap<PathBuf, Candidate>) {
    let canonical_root = root.canonicalize().ok();
    let entries = std::sync::Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .filter_entry(|e| keep_entry(e.file_name().to_str().unwrap_or(""), e.depth()))
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let Ok(entry) = entry else { return ignore::WalkState::Continue };
                // FIFOs, sockets and devices with a lintable name are kept: reading reports
                // them (without opening them), rather than dropping them without a word.
                let Some(file_type) = entry.file_type().filter(|t| !t.is_dir()) else {
                    return ignore::WalkState::Continue;
                };
                let path = entry.path();
                let Some(kind) = FileKind::of(path) else { return ignore::WalkState::Continue };
                let below_root = path.strip_prefix(root).ok().filter(|_| !file_type.is_symlink());
                let key = match (&canonical_root, below_root) {
                    (Some(canonical), Some(relative)) => canonical.join(relative),
                    _ => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
                };
                let candidate = Candidate {
                    path: path.to_path_buf(),
                    display: display_given(path),
                    kind,
                    reported,
                    var_file: None,
                };
                entries.lock().unwrap_or_else(|e| e.into_inner()).push((key, candidate));
                ignore::WalkState::Continue
            })
        });
    // Threads finish in any order: of several names for one file (a symlink beside its
    // target), the first by displayed path is kept, so the outcome never varies.
    let mut entries = entries.into_inner().unwrap_or_else(|e| e.into_inner());
    entries.sort_by(|(ka, a), (kb, b)| (ka, &a.display).cmp(&(kb, &b.display)));
    for (key, candidate) in entries {
        found.entry(key).or_insert(candidate);
    }
}

/// Hidden files and folders are skipped, except `.github/` and `.gitlab-ci.yml`, which
/// hold CI workflows; `.terraform/` (downloaded modules) and `.git/` always are.
fn keep_entry(name: &str, depth: usize) -> bool {
    if depth == 0 {
        return true;
    }
    match name {
        ".github" | ".gitlab-ci.yml" => true,
        ".terraform" | ".git" => false,
        n => !n.starts_with('.'),
    }
}

fn workspace_root(file: &Path) -> Option<PathBuf> {
    let abs = file.canonicalize().ok()?;
    let mut dir = abs.parent()?;
    loop {
        if dir.join(".iamlint.yaml").exists() || dir.join(".git").exists() {
            return Some(dir.to_path_buf());
        }
        dir = dir.parent()?;
    }
}

fn display_given(path: &Path) -> String {
    let s = path.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

fn display_relative(path: &Path, cwd: Option<&Path>) -> String {
    match cwd.and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => rel.to_string_lossy().into_owned(),
        None => path.to_string_lossy().into_owned(),
    }
}
