//! Finding the files of a workspace: the `ignore` crate walks, `.gitignore` files are
//! honoured (read by `gitignore`, within the workspace root), and hidden entries are
//! skipped except CI workflow locations, where credentials hide.

use crate::config::FileFilter;
use crate::confine;
use crate::frontend::FileKind;
use crate::gitignore;
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
    /// A symbolic link to a file outside the workspace root: reported (IAM001), never read.
    pub outside: bool,
}

#[derive(Debug)]
pub enum DiscoverError {
    Missing(PathBuf),
    Unreadable(PathBuf, std::io::Error),
    /// A named folder that a symbolic link on its way takes out of its workspace root.
    Outside(PathBuf, PathBuf),
    /// Something under a named folder that could not be read (a folder, as the walk says,
    /// or a `.gitignore`), said in full.
    Walk(String),
    /// A named folder that holds no file iamlint reads; `excluded` of its files are
    /// excluded by the configuration.
    Empty {
        path: PathBuf,
        excluded: usize,
    },
}

impl std::fmt::Display for DiscoverError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiscoverError::Missing(p) => write!(f, "path `{}` does not exist", p.display()),
            DiscoverError::Unreadable(p, e) => write!(f, "cannot read path `{}`: {e}", p.display()),
            DiscoverError::Outside(p, root) => write!(
                f,
                "path `{}` leads outside the workspace root `{}` through a symbolic link; not read",
                p.display(),
                root.display()
            ),
            DiscoverError::Walk(why) => f.write_str(why),
            DiscoverError::Empty { path, excluded: 0 } => {
                write!(f, "no file iamlint reads under `{}`", path.display())
            }
            DiscoverError::Empty { path, excluded } => write!(
                f,
                "no file iamlint reads under `{}` (the configuration excludes all {excluded} found there)",
                path.display()
            ),
        }
    }
}

/// The files of a run, and what it could not cover.
#[derive(Debug, Default)]
pub struct Discovery {
    pub files: Vec<Candidate>,
    pub coverage: Coverage,
    /// The texts discovery read already (Terraform files, for their module calls), by
    /// candidate path: reading them again cost a tenth of a run on a large repository.
    pub read: crate::lint::Overlay,
}

/// What a run did not cover. `problems` make it fail (status 2) after linting the rest: a
/// run that could not read a folder, or found nothing to read, must not pass. `foreign`
/// files are merely not iamlint's (pre-commit and scripts name files by the dozen).
#[derive(Debug, Default)]
pub struct Coverage {
    pub problems: Vec<DiscoverError>,
    /// Files named on the command line that are of no kind iamlint reads.
    pub foreign: Vec<PathBuf>,
    /// Local module sources that lead outside the workspace root: not read.
    pub unfollowed: Vec<String>,
}

/// Every supported file under `paths`, sorted by displayed path. When a path is a file,
/// the rest of its workspace (the nearest folder up holding `.iamlint.yaml`, `.iamlint.yml` or `.git`) is
/// loaded too, unreported. Anything the walk could not read is an error here.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<Candidate>, DiscoverError> {
    let discovery = discover_filtered(paths, &FileFilter::default())?;
    match discovery.coverage.problems.into_iter().next() {
        Some(problem) => Err(problem),
        None => Ok(discovery.files),
    }
}

/// `discover`, keeping only the files the configuration's include/exclude globs keep, and
/// returning what the walk could not read beside the files it found.
///
/// Each path has a workspace root (`confine::root_for`): a symbolic link found below the
/// path, or named, that resolves outside it becomes a candidate that is never read, and a
/// named folder that resolves outside it is an error.
pub fn discover_filtered(paths: &[PathBuf], filter: &FileFilter) -> Result<Discovery, DiscoverError> {
    discover_with(paths, filter, None)
}

/// `discover_filtered`, where `unsaved` (an editor's buffer piped on standard input, named
/// by `--stdin-filename`) is a file even when nothing is on disk by that name yet: named, it
/// is read from the overlay, with its workspace as context.
pub fn discover_with(
    paths: &[PathBuf],
    filter: &FileFilter,
    unsaved: Option<&Path>,
) -> Result<Discovery, DiscoverError> {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    // Keyed by canonical path so a file named twice (or named and found) is read once.
    let mut found: BTreeMap<PathBuf, Candidate> = BTreeMap::new();
    let mut coverage = Coverage::default();
    let mut context_roots = Vec::new();
    let mut roots = Vec::new();
    for path in paths {
        let meta = match std::fs::metadata(path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && unsaved == Some(path.as_path()) => None,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(DiscoverError::Missing(path.clone())),
            Err(e) => return Err(DiscoverError::Unreadable(path.clone(), e)),
            Ok(meta) => Some(meta),
        };
        let root = confine::root_for(path);
        roots.push(root.clone());
        if meta.is_some_and(|m| m.is_dir()) {
            if confine::escapes(&root, path) {
                return Err(DiscoverError::Outside(path.clone(), root));
            }
            let mut here = BTreeMap::new();
            walk(path, &root, true, &mut here, &mut coverage.problems);
            let kept = here.keys().filter(|k| filter.keeps(k)).count();
            if kept == 0 {
                coverage.problems.push(DiscoverError::Empty { path: path.clone(), excluded: here.len() });
            }
            for (key, c) in here {
                found.entry(key).or_insert(c);
            }
            continue;
        }
        let Some(kind) = FileKind::of(path) else {
            coverage.foreign.push(path.clone());
            continue;
        };
        let outside = confine::escapes(&root, path);
        let key = if outside {
            confine::absolute(path, cwd.as_deref())
        } else {
            path.canonicalize().unwrap_or_else(|_| unsaved_key(path, cwd.as_deref()))
        };
        found.insert(
            key,
            Candidate {
                path: path.clone(),
                display: display_given(path),
                kind,
                reported: true,
                var_file: None,
                outside,
            },
        );
        // The context a file resolves against stays inside its workspace root.
        if let Some(context) = workspace_root(path).filter(|c| !outside && c.starts_with(&root)) {
            context_roots.push((context, root));
        }
    }
    context_roots.sort();
    context_roots.dedup();
    for (context_root, root) in context_roots {
        let mut context = BTreeMap::new();
        walk(&context_root, &root, false, &mut context, &mut coverage.problems);
        for (key, mut c) in context {
            if found.contains_key(&key) {
                continue;
            }
            c.display = display_relative(&key, cwd.as_deref());
            found.insert(key, c);
        }
    }
    let mut texts = follow_modules(&mut found, &roots, cwd.as_deref(), &mut coverage);
    found.retain(|key, _| filter.keeps(key));
    let read = found.iter().filter_map(|(key, c)| Some((c.path.clone(), texts.remove(key)?))).collect();
    let mut files: Vec<Candidate> = found.into_values().collect();
    files.sort_by(|a, b| a.display.cmp(&b.display));
    Ok(Discovery { files, coverage, read })
}

/// Adds the editor buffers (`buffers`, an overlay's paths) of files not on disk yet that a
/// walk of `roots` would find once saved: inside a root, of a kind iamlint reads, in no
/// hidden folder, kept by `filter`. A new file is linted as that file of its workspace
/// from the first keystroke, not only once saved.
pub fn add_unsaved<'a>(
    discovery: &mut Discovery,
    roots: &[PathBuf],
    filter: &FileFilter,
    buffers: impl IntoIterator<Item = &'a PathBuf>,
) {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    let roots: Vec<PathBuf> = roots.iter().filter_map(|r| r.canonicalize().ok()).collect();
    for path in buffers {
        if std::fs::symlink_metadata(path).is_ok() || discovery.files.iter().any(|c| c.path == *path) {
            continue;
        }
        let Some(kind) = FileKind::of(path) else { continue };
        let key = unsaved_key(path, cwd.as_deref());
        let Some(relative) = roots.iter().find_map(|r| key.strip_prefix(r).ok()) else { continue };
        let names: Vec<&str> = relative.iter().map(|n| n.to_str().unwrap_or(".")).collect();
        if !names.iter().enumerate().all(|(i, n)| keep_entry(n, i + 1)) || !filter.keeps(&key) {
            continue;
        }
        discovery.files.push(Candidate {
            path: path.clone(),
            display: display_given(path),
            kind,
            reported: true,
            var_file: None,
            outside: false,
        });
    }
    discovery.files.sort_by(|a, b| a.display.cmp(&b.display));
}

/// Walks `start` on every core. Keys are canonical paths: the start is canonicalized once
/// and entries below it keep their relative path (the walk follows no symlinked folder, so
/// no folder on the way can be a link); only symlinked files are resolved one by one, and
/// one that leads outside `root` is kept under its own path, marked, to be reported.
/// Folders the walk cannot read are `problems`: what they hold was not linted.
fn walk(
    start: &Path,
    root: &Path,
    reported: bool,
    found: &mut BTreeMap<PathBuf, Candidate>,
    problems: &mut Vec<DiscoverError>,
) {
    let canonical_start = start.canonicalize().ok();
    let entries = std::sync::Mutex::new(Vec::new());
    let errors = std::sync::Mutex::new(Vec::new());
    let rules = std::sync::Arc::new(gitignore::Rules::new(root));
    let tracked = std::sync::Arc::new(gitignore::Tracked::in_repository(root));
    let filter = {
        let (rules, start, canonical_start) = (rules.clone(), start.to_path_buf(), canonical_start.clone());
        move |e: &ignore::DirEntry| {
            if !keep_entry(e.file_name().to_str().unwrap_or(""), e.depth()) {
                return false;
            }
            // Only folders and files iamlint reads need the rules: the rest is dropped anyway.
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            if !is_dir && FileKind::of(e.path()).is_none() {
                return true;
            }
            let below = e.path().strip_prefix(&start).ok().filter(|r| !r.as_os_str().is_empty());
            match (&canonical_start, below) {
                (Some(canonical), Some(relative)) => {
                    let path = canonical.join(relative);
                    !rules.ignores(&path, is_dir) || tracked.holds(&path, is_dir)
                }
                _ => true,
            }
        }
    };
    // In-tree rules files are read by `gitignore::Rules`, never by the walker (see there);
    // the machine's own (.git/info/exclude, core.excludesFile) stay with the walker.
    ignore::WalkBuilder::new(start)
        .hidden(false)
        .parents(false)
        .ignore(false)
        .git_ignore(false)
        .git_exclude(true)
        .git_global(true)
        .require_git(false)
        .follow_links(false)
        .filter_entry(filter)
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(entry) => entry,
                    Err(e) => {
                        // Only reading the file system counts: a malformed .gitignore line is
                        // the ignore crate's business, not a hole in the run.
                        if e.io_error().is_some() {
                            errors.lock().unwrap_or_else(|e| e.into_inner()).push(format!("cannot read {e}"));
                        }
                        return ignore::WalkState::Continue;
                    }
                };
                // FIFOs, sockets and devices with a lintable name are kept: reading reports
                // them (without opening them), rather than dropping them without a word.
                let Some(file_type) = entry.file_type().filter(|t| !t.is_dir()) else {
                    return ignore::WalkState::Continue;
                };
                let path = entry.path();
                let Some(kind) = FileKind::of(path) else { return ignore::WalkState::Continue };
                let outside = file_type.is_symlink() && confine::escapes(root, path);
                let relative = path.strip_prefix(start).ok();
                let below_start = relative.filter(|_| !file_type.is_symlink() || outside);
                let key = match (&canonical_start, below_start) {
                    (Some(canonical), Some(relative)) => canonical.join(relative),
                    _ if outside => path.to_path_buf(),
                    _ => path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
                };
                let candidate = Candidate {
                    path: path.to_path_buf(),
                    display: display_given(path),
                    kind,
                    reported,
                    var_file: None,
                    outside,
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
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    errors.extend(rules.problems());
    errors.sort();
    problems.extend(errors.into_iter().map(DiscoverError::Walk));
}

/// Hidden files and folders are skipped, except `.github/`, `.gitlab/` and
/// `.gitlab-ci.yml`, which hold CI workflows, actions and includes; `.terraform/` (downloaded modules) and `.git/` always are.
fn keep_entry(name: &str, depth: usize) -> bool {
    if depth == 0 {
        return true;
    }
    match name {
        ".github" | ".gitlab" | ".gitlab-ci.yml" => true,
        ".terraform" | ".git" => false,
        n => !n.starts_with('.'),
    }
}

/// Module folders are followed this many calls deep from the paths given.
const MAX_FOLLOWED_DEPTH: usize = 8;

/// Adds the Terraform files of child modules that found Terraform calls with a local
/// `source` outside the given paths (`iamlint check envs/prod` calling
/// `../../modules/bot`), as Terraform would read them: a root linted alone is linted with
/// its modules, whose findings are reported. A source that leads outside the workspace
/// root is never read, and is named in `coverage.unfollowed`. Returns the texts it read
/// that are UTF-8, by key.
fn follow_modules(
    found: &mut BTreeMap<PathBuf, Candidate>,
    roots: &[PathBuf],
    cwd: Option<&Path>,
    coverage: &mut Coverage,
) -> BTreeMap<PathBuf, std::sync::Arc<str>> {
    let mut texts = BTreeMap::new();
    let mut seen: std::collections::BTreeSet<PathBuf> =
        found.keys().filter_map(|k| k.parent().map(Path::to_path_buf)).collect();
    let mut callers: Vec<PathBuf> = found
        .iter()
        .filter(|(_, c)| matches!(c.kind, FileKind::Terraform | FileKind::TerraformJson) && !c.outside)
        .map(|(k, _)| k.clone())
        .collect();
    for _ in 0..MAX_FOLLOWED_DEPTH {
        let mut next = Vec::new();
        for caller in &callers {
            let Some(dir) = caller.parent() else { continue };
            let Ok(bytes) = confine::read_bounded(caller, 16 * 1024 * 1024) else { continue };
            let text: std::sync::Arc<str> = match String::from_utf8(bytes) {
                Ok(text) => {
                    let text: std::sync::Arc<str> = std::sync::Arc::from(text);
                    texts.insert(caller.clone(), std::sync::Arc::clone(&text));
                    text
                }
                Err(e) => std::sync::Arc::from(String::from_utf8_lossy(e.as_bytes()).as_ref()),
            };
            for source in local_sources(&text) {
                let Ok(module) = dir.join(&source).canonicalize() else { continue };
                if !module.is_dir() || !seen.insert(module.clone()) {
                    continue;
                }
                if !roots.iter().any(|r| !confine::escapes(r, &module)) {
                    let shown = relative_display(caller, cwd);
                    coverage.unfollowed.push(format!("`{shown}` calls module `{source}`, outside the workspace root"));
                    continue;
                }
                let Ok(entries) = std::fs::read_dir(&module) else { continue };
                let mut files: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
                files.sort();
                for file in files {
                    let kind = FileKind::of(&file);
                    // A link is not followed: it may lead anywhere.
                    let regular = std::fs::symlink_metadata(&file).is_ok_and(|m| m.is_file());
                    let Some(kind @ (FileKind::Terraform | FileKind::TerraformJson)) = kind.filter(|_| regular) else {
                        continue;
                    };
                    let display = relative_display(&file, cwd);
                    next.push(file.clone());
                    found.entry(file.clone()).or_insert(Candidate {
                        path: file,
                        display,
                        kind,
                        reported: true,
                        var_file: None,
                        outside: false,
                    });
                }
            }
        }
        if next.is_empty() {
            break;
        }
        callers = next;
    }
    texts
}

/// The literal local `source` of every `module` block (`"./x"`, `"../x"`), in HCL or
/// Terraform JSON; read from the text, before any file is parsed.
pub(crate) fn local_sources(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("source") {
        let after = &rest[at + "source".len()..];
        rest = after;
        let value = after.trim_start_matches('"').trim_start();
        let Some(value) = value.strip_prefix('=').or_else(|| value.strip_prefix(':')) else { continue };
        let Some(value) = value.trim_start().strip_prefix('"') else { continue };
        let Some(end) = value.find('"') else { continue };
        let source = &value[..end];
        if source.starts_with("./") || source.starts_with("../") {
            out.push(source.to_string());
        }
    }
    out
}

/// A path relative to `cwd`, with `..` where it lies beside it (`../../modules/x/main.tf`).
fn relative_display(path: &Path, cwd: Option<&Path>) -> String {
    let Some(cwd) = cwd else { return path.to_string_lossy().into_owned() };
    let mut base = cwd.to_path_buf();
    let mut ups = 0;
    while !path.starts_with(&base) {
        if !base.pop() {
            return path.to_string_lossy().into_owned();
        }
        ups += 1;
    }
    let rest = path.strip_prefix(&base).unwrap_or(path);
    let mut shown = "../".repeat(ups);
    shown.push_str(&rest.to_string_lossy());
    shown
}

fn workspace_root(file: &Path) -> Option<PathBuf> {
    // The folder the file is named in, not the one a link leads to (`config::find`).
    let parent = file.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let abs = parent.canonicalize().ok()?;
    let mut dir = abs.as_path();
    loop {
        if crate::config::FILE_NAMES.iter().any(|n| dir.join(n).exists()) || dir.join(".git").exists() {
            return Some(dir.to_path_buf());
        }
        dir = dir.parent()?;
    }
}

/// The key of a file not on disk yet (an editor's new buffer): its folder's canonical path
/// and its name, as a file found there would have, so `include`/`exclude` judge it alike.
fn unsaved_key(path: &Path, cwd: Option<&Path>) -> PathBuf {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    match (parent.canonicalize(), path.file_name()) {
        (Ok(folder), Some(name)) => folder.join(name),
        _ => confine::absolute(path, cwd),
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
