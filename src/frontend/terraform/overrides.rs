//! Override files (`override.tf`, `*_override.tf`, and their `.tf.json` forms), merged as
//! Terraform merges them: override files are read after the others, in lexicographical
//! order, and each of their top-level blocks merges into the block of the other files with
//! the same header (type and labels). `locals` merge by name (an override's local replaces
//! the one of that name). Findings so point at the text that wins, and fixes edit it.

use super::syntax::{BlockRef, BodyRef};
use super::TfFile;
use crate::source::FileId;
use std::collections::{HashMap, HashSet};

/// Whether Terraform reads a file of this name as an override file.
pub fn is_override(name: &str) -> bool {
    let stem = name.strip_suffix(".tf").or_else(|| name.strip_suffix(".tf.json"));
    stem.is_some_and(|s| s == "override" || s.ends_with("_override"))
}

/// Blocks written headers merge by; `locals` merge by name instead, and `terraform`
/// settings are not read through overrides.
fn merges(ident: &str) -> bool {
    !matches!(ident, "locals" | "terraform")
}

type Header = (String, Vec<String>);

/// A module's override files and the blocks they merge into.
#[derive(Default)]
pub struct Overrides<'a> {
    files: HashSet<FileId>,
    /// Per overridden block: its body, then each override's, in merge order.
    merged: HashMap<Header, Vec<BodyRef<'a>>>,
}

fn header(block: &BlockRef<'_>) -> Header {
    (block.ident.to_string(), block.labels.iter().map(|l| l.to_string()).collect())
}

impl<'a> Overrides<'a> {
    pub fn new(files: &'a [TfFile]) -> Self {
        let mut overrides: Vec<&TfFile> = files.iter().filter(|f| f.is_config() && is_override(&f.name)).collect();
        if overrides.is_empty() {
            return Overrides::default();
        }
        overrides.sort_by(|a, b| a.name.cmp(&b.name));
        let mut layers: HashMap<Header, Vec<BodyRef<'a>>> = HashMap::new();
        for f in &overrides {
            for block in f.body().top_blocks().into_iter().filter(|b| merges(b.ident)) {
                layers.entry(header(&block)).or_default().push(block.body);
            }
        }
        let mut merged = HashMap::new();
        for f in files.iter().filter(|f| f.is_config() && !is_override(&f.name)) {
            for block in f.body().top_blocks() {
                let key = header(&block);
                if merged.contains_key(&key) {
                    continue;
                }
                if let Some(over) = layers.get(&key) {
                    let mut all = vec![block.body];
                    all.extend(over.iter().copied());
                    merged.insert(key, all);
                }
            }
        }
        Overrides { files: overrides.iter().map(|f| f.file).collect(), merged }
    }

    /// Whether the file is an override file: its blocks exist only merged into others.
    pub fn is_override_file(&self, file: FileId) -> bool {
        self.files.contains(&file)
    }

    /// A top-level block as Terraform sees it: merged with its overrides. None for a block
    /// of an override file (merged into its base, or an error Terraform reports).
    pub fn block<'s>(&'s self, block: BlockRef<'s>) -> Option<BlockRef<'s>> {
        if self.files.is_empty() {
            return Some(block);
        }
        if self.files.contains(&block.span.file) && merges(block.ident) {
            return None;
        }
        if !merges(block.ident) {
            return Some(block);
        }
        match self.merged.get(&header(&block)) {
            Some(layers) => Some(BlockRef { body: BodyRef::Merged(layers), ..block }),
            None => Some(block),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn override_file_names() {
        assert!(is_override("override.tf"));
        assert!(is_override("bots_override.tf"));
        assert!(is_override("override.tf.json"));
        assert!(is_override("ci_override.tf.json"));
        assert!(!is_override("overrides.tf"));
        assert!(!is_override("my-override.tf"));
        assert!(!is_override("override.tfvars"));
    }
}
