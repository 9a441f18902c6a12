//! YAML and JSON files that Terraform reads (`yamldecode(file("${path.module}/bots.yaml"))`,
//! `jsondecode`, `templatefile`): Terraform's data, not manifests. Their keys are whatever
//! the configuration reads (`each.value.max_age`), so they are never linted or fixed as
//! manifests; a credential in one is still starred in every output. Their literal values
//! feed the evaluator (`terraform/reads.rs`).

use super::{lexical, FileKind, Input};
use crate::model::FileModel;
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The files the Terraform `inputs` read with a literal path, canonical, of those a read
/// can change: `matters(input, path)` (a file the prefilter would not parse anyway reads
/// the same as data or not, when the module reading it is not lowered either).
pub fn files(inputs: &[&Input<'_>], matters: &(dyn Fn(&Input<'_>, &Path) -> bool + Sync)) -> BTreeSet<PathBuf> {
    let reads: Vec<Vec<PathBuf>> = inputs
        .par_iter()
        .filter(|i| i.kind != FileKind::TerraformVars)
        .map(|input| {
            let Some(dir) = input.path.parent() else { return Vec::new() };
            let canonical = |read: String| {
                let path = crate::confine::absolute(&dir.join(read), None);
                path.canonicalize().unwrap_or(path)
            };
            // Every real call is among the texts after `file(`: a file none of whose
            // `file(` is followed by a literal path that matters reads nothing that does,
            // and is not parsed for it.
            // (A comment before the argument hides it from this scan: then parse.)
            let lexical =
                input.text.match_indices("file(").map(|(at, _)| input.text[at + "file(".len()..].trim_start());
            let mut lexical = lexical.filter_map(|a| match a.starts_with(['#', '/']) {
                true => Some(None),
                false => literal_path(a).map(|p| Some(canonical(p))),
            });
            if !lexical.any(|p| p.is_none_or(|p| matters(input, &p))) {
                return Vec::new();
            }
            let reads = literal_reads(input.kind, input.text).into_iter().map(canonical);
            reads.filter(|p| matters(input, p)).collect()
        })
        .collect();
    reads.into_iter().flatten().collect()
}

pub fn is_data(data: &BTreeSet<PathBuf>, path: &Path) -> bool {
    let path = path.canonicalize().unwrap_or_else(|_| crate::confine::absolute(path, None));
    data.contains(&path)
}

/// Why a data file is not linted, in `--show-files`.
const DATA: &str = "Terraform's data, read by a `file()` or `templatefile()` call";

/// A data file's model: nothing of its own, its credential-like values starred.
pub fn model(input: &Input<'_>) -> FileModel {
    // Said by `--show-files`: a manifest that disappears from the lint says why.
    let mut model = FileModel { reading: crate::source::Reading::Skipped(DATA), ..FileModel::default() };
    lexical::redact(input.file, input.text, &mut model);
    model
}

/// The literal paths of `file(...)` and `templatefile(...)` calls, relative to the
/// module's folder (`${path.module}/` and `${path.root}/` dropped: the root is taken for
/// the module, as it is where both are one folder). In HCL, only real calls count: a
/// comment or a string that mentions `file("iam/accounts.yaml")` must not take a manifest
/// out of the lint. The few files that mention `file(` are parsed for it.
fn literal_reads(kind: FileKind, text: &str) -> Vec<String> {
    if !text.contains("file(") {
        return Vec::new();
    }
    let arguments = match kind {
        FileKind::Terraform => calls(text),
        // JSON has no comments: calls are written inside `${...}` strings.
        _ => text.match_indices("file(").map(|(at, _)| text[at + "file(".len()..].trim_start()).collect(),
    };
    arguments.into_iter().filter_map(literal_path).collect()
}

/// The text of the first argument of every `file(...)` and `templatefile(...)` call.
fn calls(text: &str) -> Vec<&str> {
    use hcl_edit::visit::Visit;
    struct Calls<'t> {
        text: &'t str,
        found: Vec<&'t str>,
    }
    impl Visit for Calls<'_> {
        fn visit_func_call(&mut self, call: &hcl_edit::expr::FuncCall) {
            let name = call.name.name.as_str();
            if call.name.namespace.is_empty() && matches!(name, "file" | "templatefile") {
                let first = call.args.iter().next().and_then(hcl_edit::Span::span);
                if let Some(argument) = first.and_then(|r| self.text.get(r)) {
                    self.found.push(argument);
                }
            }
            hcl_edit::visit::visit_func_call(self, call);
        }
    }
    // A file that does not parse reads nothing: its syntax error is reported.
    if crate::syntax::hcl::check_nesting(text).is_err() {
        return Vec::new();
    }
    let Ok(body) = hcl_edit::parser::parse_body(text) else { return Vec::new() };
    let mut calls = Calls { text, found: Vec::new() };
    calls.visit_body(&body);
    calls.found
}

/// A quoted literal path at the start of `argument`, relative to the module's folder.
fn literal_path(argument: &str) -> Option<String> {
    let quoted = argument.strip_prefix('"')?;
    let path = &quoted[..quoted.find('"')?];
    let path =
        ["${path.module}/", "${path.root}/", "${path.cwd}/"].iter().find_map(|p| path.strip_prefix(p)).unwrap_or(path);
    (!path.is_empty() && !path.contains("${") && !path.starts_with('/')).then(|| path.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_paths_of_file_reads() {
        let text = "locals {\n  bots = yamldecode(file(\"${path.module}/bots.yaml\"))\n  t = templatefile( \"tpl/policy.json\", {})\n  x = file(var.p)\n  y = file(\"${var.d}/a.yaml\")\n}\n";
        assert_eq!(literal_reads(FileKind::Terraform, text), ["bots.yaml", "tpl/policy.json"]);
    }

    #[test]
    fn comments_and_strings_read_nothing() {
        let text = "# yamldecode(file(\"../iam/accounts.yaml\"))\n/* file(\"a.yaml\") */\nlocals {\n  d = \"see file(\\\"b.yaml\\\")\"\n}\n";
        assert!(literal_reads(FileKind::Terraform, text).is_empty());
    }
}
