//! `iamlint check -`: standard input linted as a file. With `--stdin-filename PATH` it is
//! that file of the workspace (the rest read from disk, the buffer standing in for the file,
//! as an editor's unsaved buffer); without, a lone manifest named `-`. Read within the
//! same size limit as files. With `--fix`, standard output is the buffer whatever happens
//! once it is read: fixed, or as read when iamlint cannot or will not fix it (the reason on
//! standard error), as an editor replaces its buffer with what it gets back.

use super::fail;
use iamlint::frontend::FileKind;
use iamlint::lint::{Options, Overlay, Unsaved, STDIN};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether the paths ask for standard input; an error when `-` is mixed with paths, or
/// `--stdin-filename` comes without it.
pub fn requested(paths: &[PathBuf], stdin_filename: Option<&Path>) -> Result<bool, i32> {
    let dash = paths.iter().filter(|p| p.as_os_str() == STDIN).count();
    match (dash, paths.len(), stdin_filename) {
        (0, _, Some(_)) => Err(fail("--stdin-filename names the file standard input stands for: pass `-` as the path")),
        (0, _, None) => Ok(false),
        (1, 1, _) => Ok(true),
        _ => Err(fail("`-` (standard input) must be the only path")),
    }
}

/// The paths a run over standard input is configured and discovered from.
pub fn paths(stdin_filename: Option<&Path>) -> Vec<PathBuf> {
    vec![stdin_filename.map_or_else(|| PathBuf::from("."), Path::to_path_buf)]
}

/// `options` with standard input (`buffer`) in the overlay, as the file it stands for.
pub fn read_into(mut options: Options, stdin_filename: Option<&Path>, buffer: &Buffer) -> Result<Options, i32> {
    if let Some(path) = stdin_filename.filter(|p| p.is_dir()) {
        return Err(fail(&format!("--stdin-filename `{}` is a folder, not a file", path.display())));
    }
    let text = buffer.text()?;
    let unsaved = match stdin_filename {
        Some(path) => Unsaved::Named(path.to_path_buf()),
        None => Unsaved::Alone(kind_of(&text)),
    };
    options.overlay = Arc::new(Overlay::from([(unsaved.path(), Arc::from(text))]));
    options.unsaved = Some(unsaved);
    Ok(options)
}

/// Standard input as read: at most one byte past the size limit. More is reported as too
/// large (IAM001), like a file, and never held in memory whole.
pub struct Buffer {
    bytes: Vec<u8>,
    /// Whether `bytes` is all of it.
    complete: bool,
}

impl Buffer {
    pub fn read(limit: u64) -> Result<Buffer, i32> {
        let mut bytes = Vec::new();
        if let Err(e) = std::io::stdin().lock().take(limit.saturating_add(1)).read_to_end(&mut bytes) {
            return Err(fail(&format!("cannot read standard input: {e}")));
        }
        let complete = bytes.len() as u64 <= limit;
        Ok(Buffer { bytes, complete })
    }

    fn text(&self) -> Result<String, i32> {
        if !self.complete {
            // Only its length matters now: it is reported, not read.
            return Ok(String::from_utf8_lossy(&self.bytes).into_owned());
        }
        String::from_utf8(self.bytes.clone()).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            fail(&format!(
                "standard input is not valid UTF-8 (byte 0x{:02X} at offset {at}); not linted",
                e.as_bytes()[at]
            ))
        })
    }

    /// Prints the buffer as read, byte for byte; what lies past the size limit is copied
    /// through unread, so an oversized buffer comes back whole without being held.
    pub fn echo(&self) -> Result<(), i32> {
        let mut out = std::io::stdout().lock();
        let mut written = out.write_all(&self.bytes);
        if written.is_ok() && !self.complete {
            written = std::io::copy(&mut std::io::stdin().lock(), &mut out).map(|_| ());
        }
        match written.and_then(|()| out.flush()) {
            Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                Err(fail(&format!("cannot write standard output: {e}")))
            }
            _ => Ok(()),
        }
    }
}

/// A lone buffer is a manifest: JSON when it starts like JSON, else YAML.
fn kind_of(text: &str) -> FileKind {
    match text.trim_start_matches('\u{feff}').trim_start().chars().next() {
        Some('{' | '[') => FileKind::Json,
        _ => FileKind::Yaml,
    }
}
