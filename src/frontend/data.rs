//! YAML and JSON files that Terraform reads (`yamldecode(file("${path.module}/bots.yaml"))`,
//! `jsondecode`, `templatefile`): Terraform's data, not manifests. Their keys are whatever
//! the configuration reads (`each.value.max_age`), so they are never linted or fixed as
//! manifests; a credential in one is still starred in every output.

use super::{lexical, FileKind, Input};
use crate::model::FileModel;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files the Terraform `inputs` read with a literal path, canonical.
pub fn files(inputs: &[&Input<'_>]) -> BTreeSet<PathBuf> {
    let mut out = BTreeSet::new();
    for input in inputs.iter().filter(|i| i.kind != FileKind::TerraformVars) {
        let Some(dir) = input.path.parent() else { continue };
        for read in literal_reads(input.text) {
            let path = crate::confine::absolute(&dir.join(read), None);
            out.insert(path.canonicalize().unwrap_or(path));
        }
    }
    out
}

pub fn is_data(data: &BTreeSet<PathBuf>, path: &Path) -> bool {
    let path = path.canonicalize().unwrap_or_else(|_| crate::confine::absolute(path, None));
    data.contains(&path)
}

/// A data file's model: nothing of its own, its credential-like values starred.
pub fn model(input: &Input<'_>) -> FileModel {
    let mut model = FileModel::default();
    lexical::redact(input.file, input.text, &mut model);
    model
}

/// The literal paths of `file(...)` and `templatefile(...)` calls, relative to the
/// module's folder (`${path.module}/` and `${path.root}/` dropped: the root is taken for
/// the module, as it is where both are one folder).
fn literal_reads(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("file(") {
        let after = &rest[at + "file(".len()..];
        rest = after;
        let Some(quoted) = after.trim_start().strip_prefix('"') else { continue };
        let Some(end) = quoted.find('"') else { continue };
        let path = &quoted[..end];
        let path = ["${path.module}/", "${path.root}/", "${path.cwd}/"]
            .iter()
            .find_map(|p| path.strip_prefix(p))
            .unwrap_or(path);
        if !path.is_empty() && !path.contains("${") && !path.starts_with('/') {
            out.push(path.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_paths_of_file_reads() {
        let text = "locals {\n  bots = yamldecode(file(\"${path.module}/bots.yaml\"))\n  t = templatefile( \"tpl/policy.json\", {})\n  x = file(var.p)\n  y = file(\"${var.d}/a.yaml\")\n}\n";
        assert_eq!(literal_reads(text), ["bots.yaml", "tpl/policy.json"]);
    }
}
