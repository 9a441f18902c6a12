//! Nested configurations: a team folder's own `.iamlint.yaml` applies to the files below it,
//! as ruff's nearest `pyproject.toml` does. One workspace model is still built for the whole
//! run; a nested configuration changes only what is reported in its files (the per-file
//! keys), and inherits nothing from the configurations above it unless it says `extend`.

use super::{find, Config, ConfigError};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// The nested configurations of a run, and which file each one governs.
#[derive(Debug, Default)]
pub struct Nested {
    /// In the order of their files' paths.
    pub configs: Vec<Config>,
    /// File (as discovery names it) -> index in `configs`; a file absent here is governed
    /// by the workspace configuration.
    pub by_file: HashMap<PathBuf, usize>,
}

/// The configuration nearest to each of `files` that is not `workspace` (the run's own),
/// each read once however many files it governs. A file whose nearest configuration is the
/// workspace's, or which has none, is the workspace configuration's.
pub fn nested<'a>(workspace: &Config, files: impl Iterator<Item = &'a Path>) -> Result<Nested, ConfigError> {
    let canonical = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let own = workspace.file.as_deref().map(canonical);
    // Files of one folder share their nearest configuration: one search per folder.
    let mut by_folder: HashMap<PathBuf, Option<(PathBuf, PathBuf)>> = HashMap::new();
    // Canonical file -> the file as found (which messages name) and the files it governs.
    let mut governed: BTreeMap<PathBuf, (PathBuf, Vec<PathBuf>)> = BTreeMap::new();
    for file in files {
        let folder = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let nearest = by_folder.entry(folder).or_insert_with(|| find(file).map(|c| (canonical(&c), c)));
        match nearest {
            Some((key, found)) if Some(&*key) != own.as_ref() => {
                governed.entry(key.clone()).or_insert_with(|| (found.clone(), Vec::new())).1.push(file.to_path_buf())
            }
            _ => {}
        }
    }
    let mut nested = Nested::default();
    for (_, (file, files)) in governed {
        let index = nested.configs.len();
        nested.configs.push(Config::read_found(&file)?);
        nested.by_file.extend(files.into_iter().map(|f| (f, index)));
    }
    Ok(nested)
}
