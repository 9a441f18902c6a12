//! `iamlint check -`: standard input linted as a file. With `--stdin-filename PATH` it is
//! that file of the workspace (the rest read from disk, the buffer standing in for the file,
//! as an editor's unsaved buffer); without, a lone manifest named `-`. Read within the
//! same size limit as files.

use super::fail;
use iamlint::frontend::FileKind;
use iamlint::lint::{Options, Overlay, Unsaved, STDIN};
use std::io::Read;
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

/// `options` with standard input read into the overlay, as the file it stands for.
pub fn read_into(mut options: Options, stdin_filename: Option<&Path>) -> Result<Options, i32> {
    if let Some(path) = stdin_filename.filter(|p| p.is_dir()) {
        return Err(fail(&format!("--stdin-filename `{}` is a folder, not a file", path.display())));
    }
    let text = read(options.max_file_size)?;
    let unsaved = match stdin_filename {
        Some(path) => Unsaved::Named(path.to_path_buf()),
        None => Unsaved::Alone(kind_of(&text)),
    };
    options.overlay = Arc::new(Overlay::from([(unsaved.path(), Arc::from(text))]));
    options.unsaved = Some(unsaved);
    Ok(options)
}

/// At most one byte past `limit`: more is reported as too large (IAM001), like a file, and
/// never held in memory whole.
fn read(limit: u64) -> Result<String, i32> {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().take(limit.saturating_add(1)).read_to_end(&mut bytes) {
        return Err(fail(&format!("cannot read standard input: {e}")));
    }
    if bytes.len() as u64 > limit {
        // Only its length matters now: it is reported, not read.
        return Ok(String::from_utf8_lossy(&bytes).into_owned());
    }
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        fail(&format!("standard input is not valid UTF-8 (byte 0x{:02X} at offset {at}); not linted", e.as_bytes()[at]))
    })
}

/// A lone buffer is a manifest: JSON when it starts like JSON, else YAML.
fn kind_of(text: &str) -> FileKind {
    match text.trim_start_matches('\u{feff}').trim_start().chars().next() {
        Some('{' | '[') => FileKind::Json,
        _ => FileKind::Yaml,
    }
}
