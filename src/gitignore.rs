//! `.gitignore` (and `.ignore`) files, read by iamlint rather than by the `ignore` crate's
//! walker, which opens each with no question asked: a pull request can commit
//! `.gitignore -> /dev/zero` (the walker read it until memory ran out and the process
//! aborted), a link to a file of the machine, or, in a work tree, a FIFO (the walk blocked
//! for ever). Here each is read like a configuration file: inside the workspace root,
//! regular, within 1 MiB; one that is not is a problem the run reports (status 2), and its
//! rules are not applied, so more is linted, never less.
//!
//! The rules are git's: a file's rules apply below its folder, a deeper file's rules (and a
//! later line's) win, and an ignored folder is not entered. Files from the workspace root
//! down to the walked folder apply; above the root, none. `.git/info/exclude` and the
//! user's `core.excludesFile` are local to the machine and stay with the `ignore` crate.
//! In a git repository no rule hides a file git tracks (`Tracked`).

use crate::confine;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::Match;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

/// The files git tracks under a repository root, for the ignore rules to leave alone: a
/// rules file decides what is left out of a commit, never what of the commit is linted.
/// A pull request that adds `evil.tf` with `git add -f` and `.gitignore: evil.tf` (or a
/// `.ignore`, which git does not read) would otherwise hide it from every run.
#[derive(Default)]
pub struct Tracked {
    files: HashSet<PathBuf>,
    /// Every folder holding a tracked file iamlint reads: an ignored one is still entered.
    folders: HashSet<PathBuf>,
}

impl Tracked {
    /// The tracked files of kinds iamlint reads, when `root` is the top of a git work tree;
    /// none otherwise, or when git cannot say (then the rules alone decide, as before).
    pub fn in_repository(root: &Path) -> Tracked {
        let mut tracked = Tracked::default();
        if std::fs::symlink_metadata(root.join(".git")).is_err() {
            return tracked;
        }
        let Ok(listing) = crate::git::run(root, &["ls-files", "-z", "--cached", "--full-name"]) else {
            return tracked;
        };
        for name in listing.split(|&b| b == 0).filter(|n| !n.is_empty()) {
            let Ok(name) = std::str::from_utf8(name) else { continue };
            let path = root.join(name);
            if crate::frontend::FileKind::of(&path).is_none() {
                continue;
            }
            for folder in path.ancestors().skip(1).take_while(|f| f.starts_with(root) && *f != root) {
                if !tracked.folders.insert(folder.to_path_buf()) {
                    break;
                }
            }
            tracked.files.insert(path);
        }
        tracked
    }

    /// Whether `path` (canonical, below the root) is a tracked file, or a folder holding one.
    pub fn holds(&self, path: &Path, is_dir: bool) -> bool {
        if is_dir {
            self.folders.contains(path)
        } else {
            self.files.contains(path)
        }
    }
}

/// The names whose rules are read in every folder, in increasing precedence.
const NAMES: [&str; 2] = [".gitignore", ".ignore"];

/// A rules file larger than this is not one.
const MAX_SIZE: u64 = 1 << 20;

/// The rules that apply in one folder: its own, then its parent's.
struct Level {
    rules: Option<Gitignore>,
    parent: Option<Arc<Level>>,
}

/// The rules of every folder of a walk, read once each, from any worker thread.
pub struct Rules {
    /// The workspace root: no rules file is followed out of it, none above it is read.
    root: PathBuf,
    /// Read by every entry of the walk, written once per folder.
    levels: RwLock<HashMap<PathBuf, Arc<Level>>>,
    problems: Mutex<Vec<String>>,
}

impl Rules {
    pub fn new(root: &Path) -> Rules {
        Rules { root: root.to_path_buf(), levels: RwLock::new(HashMap::new()), problems: Mutex::new(Vec::new()) }
    }

    /// Whether `path` (canonical, below the root; a folder if `is_dir`) is ignored.
    pub fn ignores(&self, path: &Path, is_dir: bool) -> bool {
        let Some(folder) = path.parent() else { return false };
        let mut level = Some(self.level(folder));
        while let Some(l) = level {
            match l.rules.as_ref().map(|r| r.matched(path, is_dir)) {
                Some(Match::Ignore(_)) => return true,
                Some(Match::Whitelist(_)) => return false,
                _ => level = l.parent.clone(),
            }
        }
        false
    }

    /// What could not be read, sorted; taken once the walk is over.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = std::mem::take(&mut *self.problems.lock().unwrap_or_else(|e| e.into_inner()));
        problems.sort();
        problems.dedup();
        problems
    }

    fn level(&self, folder: &Path) -> Arc<Level> {
        if let Some(level) = self.levels.read().unwrap_or_else(|e| e.into_inner()).get(folder) {
            return level.clone();
        }
        // Built outside the lock (it reads files); two threads may both build one level,
        // and the first stored wins.
        let parent = match folder.parent() {
            Some(p) if folder != self.root && folder.starts_with(&self.root) => Some(self.level(p)),
            _ => None,
        };
        let rules = if folder.starts_with(&self.root) { self.read(folder) } else { None };
        let level = Arc::new(Level { rules, parent });
        self.levels.write().unwrap_or_else(|e| e.into_inner()).entry(folder.to_path_buf()).or_insert(level).clone()
    }

    /// The rules of `folder`'s own files, if it has any that can be read.
    fn read(&self, folder: &Path) -> Option<Gitignore> {
        let mut builder = GitignoreBuilder::new(folder);
        let mut any = false;
        for name in NAMES {
            let path = folder.join(name);
            let Ok(meta) = std::fs::symlink_metadata(&path) else { continue };
            let problem = |why: &str| format!("`{}`: {why}; its rules are not applied", path.display());
            if meta.file_type().is_symlink() && confine::escapes(&self.root, &path) {
                self.problem(problem("a symbolic link to outside the workspace root, not read"));
                continue;
            }
            let text = match confine::read_bounded(&path, MAX_SIZE) {
                Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
                Err(confine::ReadError::TooLarge) => {
                    self.problem(problem("larger than 1 MiB, not read"));
                    continue;
                }
                Err(confine::ReadError::NotRegular) => {
                    self.problem(problem("not a regular file, not read"));
                    continue;
                }
                // Dangling, or not ours to read: git would not read it either.
                Err(confine::ReadError::Io(_)) => continue,
            };
            for line in text.lines() {
                // A line git would not understand either is skipped, as the walker did.
                let _ = builder.add_line(Some(path.clone()), line);
            }
            any = true;
        }
        any.then(|| builder.build().ok()).flatten()
    }

    fn problem(&self, message: String) {
        self.problems.lock().unwrap_or_else(|e| e.into_inner()).push(message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deeper_rules_win_and_parents_apply() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::write(root.join(".gitignore"), "*.tf\n/top.yaml\n").unwrap();
        std::fs::write(root.join("a/.gitignore"), "!keep.tf\n").unwrap();
        std::fs::write(root.join("a/b/.ignore"), "x.yaml\n").unwrap();
        let rules = Rules::new(&root);
        assert!(rules.ignores(&root.join("main.tf"), false));
        assert!(rules.ignores(&root.join("a/b/main.tf"), false));
        assert!(!rules.ignores(&root.join("a/keep.tf"), false));
        assert!(rules.ignores(&root.join("top.yaml"), false) && !rules.ignores(&root.join("a/top.yaml"), false));
        assert!(rules.ignores(&root.join("a/b/x.yaml"), false) && !rules.ignores(&root.join("a/x.yaml"), false));
        assert!(rules.problems().is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn rules_files_out_of_the_root_or_not_regular_are_problems() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("ws");
        std::fs::create_dir_all(root.join("a")).unwrap();
        std::fs::write(dir.path().join("outside"), "*.tf\n").unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join(".gitignore")).unwrap();
        std::os::unix::fs::symlink("../../outside", root.join("a/.gitignore")).unwrap();
        std::fs::create_dir(root.join("a/.ignore")).unwrap();
        let rules = Rules::new(&root);
        assert!(!rules.ignores(&root.join("a/main.tf"), false));
        let problems = rules.problems();
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("ws/.gitignore`: a symbolic link to outside")), "{problems:?}");
        assert!(problems.iter().any(|p| p.contains("a/.ignore`: not a regular file")), "{problems:?}");
    }
}
