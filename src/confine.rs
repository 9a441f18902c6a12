//! The workspace root, and reads that stay inside it and within a size: a pull
//! request can commit a symbolic link to any file of the machine that runs iamlint (a
//! credentials file, `/proc/self/pagemap`, `/dev/zero`), so nothing a repository holds is
//! followed out of it, and nothing is read whole on the word of `metadata().len()`.
//!
//! The workspace root of a path named on the command line is
//! 1. the top of the git work tree holding it (the nearest folder up holding `.git`);
//! 2. outside git, the nearest folder up holding `.iamlint.yaml`;
//! 3. else the current folder, when the path is inside it;
//! 4. else the path itself (a folder) or the folder holding it (a file).
//!
//! The search starts from the path as written, made absolute without following links (a
//! symbolic link named on the command line does not choose its own root). Paths named on
//! the command line and in flags are the user's choice and may be anywhere; what iamlint
//! finds below them, and what a committed `.iamlint.yaml` names, must resolve inside.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

/// The canonical workspace root of `path` (see the module documentation).
pub fn root_for(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    let abs = absolute(path, cwd.as_deref());
    // A real folder may be its own root; a link (or a file) starts from its parent.
    let is_real_dir = std::fs::symlink_metadata(&abs).is_ok_and(|m| m.is_dir());
    let start = if is_real_dir { abs.as_path() } else { abs.parent().unwrap_or(&abs) };
    let found = nearest(start, ".git")
        .or_else(|| {
            let configured =
                |d: &Path| crate::config::FILE_NAMES.iter().any(|n| std::fs::symlink_metadata(d.join(n)).is_ok());
            start.ancestors().find(|d| configured(d)).map(Path::to_path_buf)
        })
        .or_else(|| cwd.clone().filter(|c| abs.starts_with(c)))
        .unwrap_or_else(|| start.to_path_buf());
    found.canonicalize().unwrap_or(found)
}

/// The repository root for a file iamlint found (a configuration file): the top of the
/// git work tree holding its folder, else that folder.
pub fn repository_root(file: &Path) -> PathBuf {
    let cwd = std::env::current_dir().ok().and_then(|d| d.canonicalize().ok());
    let abs = absolute(file, cwd.as_deref());
    let folder = abs.parent().unwrap_or(&abs);
    let found = nearest(folder, ".git").unwrap_or_else(|| folder.to_path_buf());
    found.canonicalize().unwrap_or(found)
}

/// The nearest of `start` and its ancestors holding an entry `name`.
fn nearest(start: &Path, name: &str) -> Option<PathBuf> {
    start.ancestors().find(|d| std::fs::symlink_metadata(d.join(name)).is_ok()).map(Path::to_path_buf)
}

/// `path` made absolute against `cwd`, with `.` and `..` resolved as written (as a shell's
/// `cd` does), links not followed.
pub fn absolute(path: &Path, cwd: Option<&Path>) -> PathBuf {
    let joined = match cwd {
        Some(cwd) if path.is_relative() => cwd.join(path),
        _ => path.to_path_buf(),
    };
    let mut out = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// Whether `path` resolves (through every symbolic link on the way) to a place outside
/// `root`. A path that does not resolve (dangling, a loop) is not outside: reading it
/// fails and says why.
///
/// A repository's `.git` folder counts as outside: it is the machine's (a CI checkout keeps
/// its token in `.git/config`), never the workspace's content.
pub fn escapes(root: &Path, path: &Path) -> bool {
    path.canonicalize().is_ok_and(|real| match real.strip_prefix(root) {
        Ok(inside) => inside.components().any(|c| c.as_os_str() == ".git"),
        Err(_) => true,
    })
}

/// Why a bounded read gave no bytes.
#[derive(Debug)]
pub enum ReadError {
    /// A FIFO, socket, device or folder: never opened, since opening a FIFO blocks.
    NotRegular,
    /// Larger than the limit, by its size or by what reading it gave.
    TooLarge,
    Io(std::io::Error),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular => f.write_str("not a regular file"),
            ReadError::TooLarge => f.write_str("too large"),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them. The size the file
/// system reports is only a first check: procfs files report 0 and hold gigabytes, so the
/// read itself stops one byte past the limit.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular);
    }
    if meta.len() > limit {
        return Err(ReadError::TooLarge);
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // Swapped for something else between the two looks: still never read.
    if !file.metadata().map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// At most `limit` bytes of whatever `path` names, a pipe or a device included: for a
/// path the user gave on the command line (`--config /dev/null`, `--config <(...)`),
/// where opening what they named is what they asked for.
pub fn read_named(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    if file.metadata().map_err(ReadError::Io)?.is_dir() {
        return Err(ReadError::NotRegular);
    }
    let mut bytes = Vec::new();
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_resolves_dots_as_written() {
        let cwd = Path::new("/ws/iam");
        assert_eq!(absolute(Path::new("../other/./a.tf"), Some(cwd)), PathBuf::from("/ws/other/a.tf"));
        assert_eq!(absolute(Path::new("."), Some(cwd)), PathBuf::from("/ws/iam"));
        assert_eq!(absolute(Path::new("/x/../y"), Some(cwd)), PathBuf::from("/y"));
    }

    #[cfg(unix)]
    #[test]
    fn bounded_reads_stop_at_the_limit_whatever_the_size_says() {
        // procfs reports a size of 0 for files that hold far more.
        match read_bounded(Path::new("/proc/self/maps"), 16) {
            Err(ReadError::TooLarge) => {}
            other => panic!("{other:?}"),
        }
        assert!(matches!(read_bounded(Path::new("/dev/zero"), 16), Err(ReadError::NotRegular)));
        assert!(matches!(read_bounded(Path::new("/"), 16), Err(ReadError::NotRegular)));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a");
        std::fs::write(&f, "12345").unwrap();
        assert_eq!(read_bounded(&f, 5).unwrap(), b"12345");
        assert!(matches!(read_bounded(&f, 4), Err(ReadError::TooLarge)));
        // What the user names is opened, whatever it is, and still read within the limit.
        assert_eq!(read_named(Path::new("/dev/null"), 16).unwrap(), b"");
        assert!(matches!(read_named(Path::new("/dev/zero"), 16), Err(ReadError::TooLarge)));
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_root_escape_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap().join("ws");
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::write(root.join("in.tf"), "").unwrap();
        std::fs::write(dir.path().join("out.tf"), "").unwrap();
        std::os::unix::fs::symlink("../in.tf", root.join("sub/ok.tf")).unwrap();
        std::os::unix::fs::symlink("../../out.tf", root.join("sub/bad.tf")).unwrap();
        std::os::unix::fs::symlink("nowhere.tf", root.join("dangling.tf")).unwrap();
        assert!(!escapes(&root, &root.join("sub/ok.tf")));
        assert!(escapes(&root, &root.join("sub/bad.tf")));
        assert!(!escapes(&root, &root.join("dangling.tf")));
        // A git work tree is the root, from any folder in it, and a link is not its own root.
        std::fs::create_dir(root.join(".git")).unwrap();
        assert_eq!(root_for(&root.join("sub")), root);
        assert_eq!(root_for(&root.join("sub/bad.tf")), root);
        assert_eq!(repository_root(&root.join("sub/.iamlint.yaml")), root);
    }
}
