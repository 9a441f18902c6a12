//! Writing the fixed files: all of them or none. A rename edits several files, and half a
//! rename breaks the references it leaves, so:
//!
//! 1. every file is checked first: one changed on disk since it was read, one that is
//!    read-only, or one reached through a symlink that leads out of the workspace stops the
//!    whole write (nothing is read or written through such a link);
//! 2. every new text is staged in a temporary file beside its target, with the target's
//!    mode and (where the process may) owner; if any staging fails, the staged files are
//!    deleted and nothing is written;
//! 3. only then are the staged files renamed over their targets. A rename failing there
//!    (rare: the folder changed under us) is reported, and the files already renamed are
//!    put back from the texts as read.

use super::Fixed;
use crate::lint::Loaded;
use crate::source::FileId;
use std::fs::{self, Metadata};
use std::io::Write as _;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use tempfile::NamedTempFile;

/// One changed file, checked and ready to stage.
struct Target {
    display: String,
    /// The canonical path written: a symlink inside the workspace is followed and kept.
    path: PathBuf,
    metadata: Metadata,
    before: Vec<u8>,
    after: Vec<u8>,
}

/// Writes every changed file, or none; the number written, else the messages saying why
/// nothing was.
pub fn write(fixed: &Fixed) -> Result<usize, Vec<String>> {
    let changed = fixed.changed();
    let mut targets = Vec::new();
    let mut refused = Vec::new();
    for (id, before, after) in &changed {
        match check(fixed, *id, before, after) {
            Ok(t) => targets.push(t),
            Err(why) => refused.push(why),
        }
    }
    if !refused.is_empty() {
        refused.push("no file was written".into());
        return Err(refused);
    }
    let mut staged = Vec::new();
    for t in &targets {
        match stage(&t.path, &t.after, &t.metadata) {
            Ok(tmp) => staged.push(tmp),
            // Dropping the staged files deletes them.
            Err(e) => return Err(vec![format!("cannot write `{}`: {e}", t.display), "no file was written".into()]),
        }
    }
    for (i, (tmp, t)) in staged.into_iter().zip(&targets).enumerate() {
        if let Err(e) = tmp.persist(&t.path) {
            let mut errors = vec![format!("cannot write `{}`: {}", t.display, e.error)];
            errors.extend(restore(&targets[..i]));
            return Err(errors);
        }
    }
    Ok(targets.len())
}

/// The file as a target, or why it must not be written.
fn check(fixed: &Fixed, id: FileId, before: &str, after: &str) -> Result<Target, String> {
    let file = fixed.outcome.ws.sources.get(id);
    let display = file.display.clone();
    let unreadable = |e: std::io::Error| format!("cannot write `{display}`: {e}");
    let path = fs::canonicalize(&file.path).map_err(unreadable)?;
    let as_named = crate::confine::absolute(&file.path, std::env::current_dir().ok().as_deref());
    if path != as_named && !fixed.roots.iter().any(|r| path.starts_with(r)) {
        return Err(format!("`{display}` not written: symlink to outside the workspace"));
    }
    let metadata = fs::metadata(&path).map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(format!("`{display}` not written: not a regular file"));
    }
    let bom = matches!(fixed.original[id.0 as usize], Loaded::Text { bom: true, .. });
    let with_bom = |text: &str| if bom { format!("\u{feff}{text}") } else { text.to_string() }.into_bytes();
    let before = with_bom(before);
    if fs::read(&path).ok().as_deref() != Some(before.as_slice()) {
        return Err(format!("`{display}` changed on disk since iamlint read it; run iamlint again"));
    }
    // Root may write anything: the mode bits still say the file is not to be changed.
    // Opening for writing (without truncating) asks the kernel for everyone else.
    let writable = fs::OpenOptions::new().write(true).open(&path).is_ok();
    if metadata.permissions().readonly() || !writable {
        return Err(format!("`{display}` not written: the file is read-only"));
    }
    Ok(Target { display, path, metadata, before, after: with_bom(after) })
}

/// The new text in a temporary file beside the target, with its mode and owner.
fn stage(target: &Path, bytes: &[u8], metadata: &Metadata) -> std::io::Result<NamedTempFile> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new().prefix(".iamlint-").tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    // Owner before mode: changing the owner clears the set-id bits. Only root may give a
    // file away; anyone else writes a file of their own, as an editor would.
    let _ = std::os::unix::fs::fchown(tmp.as_file(), Some(metadata.uid()), Some(metadata.gid()));
    tmp.as_file().set_permissions(metadata.permissions())?;
    tmp.as_file().sync_all()?;
    Ok(tmp)
}

/// Puts back the texts of files already renamed over; what could not be, as messages.
fn restore(written: &[Target]) -> Vec<String> {
    let mut out = Vec::new();
    for t in written {
        let back = stage(&t.path, &t.before, &t.metadata).and_then(|tmp| tmp.persist(&t.path).map_err(|e| e.error));
        match back {
            Ok(_) => out.push(format!("`{}` was put back as it was", t.display)),
            Err(e) => {
                out.push(format!("`{}` was fixed but the others were not, and it cannot be put back: {e}", t.display))
            }
        }
    }
    out
}

/// The canonical folder a linted path stands for: itself when it is a folder, else the
/// workspace around a named file (the nearest folder up holding `.iamlint.yaml` or `.git`,
/// from which discovery loaded the rest), else its folder.
pub(super) fn root_of(path: &Path) -> Option<PathBuf> {
    let path = fs::canonicalize(path).ok()?;
    if path.is_dir() {
        return Some(path);
    }
    let dir = path.parent()?;
    let workspace = dir
        .ancestors()
        .find(|d| [".iamlint.yaml", ".iamlint.yml", ".git"].iter().any(|marker| d.join(marker).exists()));
    Some(workspace.unwrap_or(dir).to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A path is compared, as named, with `confine::absolute`.
    #[test]
    fn paths_as_named_resolve_dots_by_name() {
        let named = |p: &str| crate::confine::absolute(Path::new(p), std::env::current_dir().ok().as_deref());
        assert_eq!(named("/a/./b/../c"), PathBuf::from("/a/c"));
        let relative = named("x/../y");
        assert!(relative.is_absolute() && relative.ends_with("y") && !relative.ends_with("x/y"));
    }

    #[test]
    fn a_named_file_stands_for_its_workspace() {
        let dir = tempfile::tempdir().unwrap();
        let root = fs::canonicalize(dir.path()).unwrap();
        fs::create_dir_all(root.join("ws/.git")).unwrap();
        fs::create_dir_all(root.join("ws/envs/prod")).unwrap();
        fs::write(root.join("ws/envs/prod/main.tf"), "").unwrap();
        fs::write(root.join("loose.yaml"), "").unwrap();
        assert_eq!(root_of(&root.join("ws/envs/prod")), Some(root.join("ws/envs/prod")));
        assert_eq!(root_of(&root.join("ws/envs/prod/main.tf")), Some(root.join("ws")));
        // No workspace marker up to the filesystem root: the file's own folder.
        let outside = root_of(&root.join("loose.yaml")).unwrap();
        assert!(outside == root || root.starts_with(&outside), "{outside:?}");
    }
}
