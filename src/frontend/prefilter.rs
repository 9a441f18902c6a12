//! What can matter, told from the raw bytes before anything is parsed. Real repositories are
//! mostly other Terraform and other YAML, and parsing them (hcl-edit, the YAML parser) cost
//! several times reading them while yielding nothing: such a file is never parsed.
//!
//! - Terraform is decided a module at a time, and a module with its callers and callees:
//!   a resource's values come from its module's locals, variables and tfvars, and from the
//!   modules it calls. Every Terraform folder connected by local `module` calls (either
//!   way) to a file that says `kestra` (a resource, the provider, `required_providers`, a
//!   variable named after it) or `iamlint` (a suppression) is lowered as before; the other
//!   folders are not.
//! - A YAML or JSON file is parsed when it names Kestra or iamlint, is a Kestra flow
//!   (scanned for credentials), or has a top-level key that is a manifest section or one
//!   typo away from one (IAM002 respells it), or may have one where a line scan cannot
//!   tell (a flow mapping, an indented root); a Terraform plan is always read (one that
//!   does not parse is IAM001). A file Terraform reads (`file()`) is its data when the
//!   module reading it is lowered or the file would be parsed itself: Terraform that is not
//!   lowered is parsed for its reads only then (`frontend::data`).
//! - CI workflows and scripts are always scanned: credentials are their whole point.
//!
//! A file not parsed still has its credential-like values starred by the lexical pass (a
//! message quoting the same text elsewhere stays masked), and is said to be skipped by
//! `--show-files`. `IAMLINT_NO_PREFILTER=1` parses everything, as a check that the
//! shortcut changes no finding.

use super::{lexical, plan, FileKind, Input};
use crate::model::FileModel;
use crate::source::{FileId, Reading};
use aho_corasick::AhoCorasick;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Whether the shortcut is on: `IAMLINT_NO_PREFILTER` (any value) turns it off.
pub fn enabled() -> bool {
    static ON: LazyLock<bool> = LazyLock::new(|| std::env::var_os("IAMLINT_NO_PREFILTER").is_none());
    *ON
}

/// What `--show-files` says of a file the shortcut left unparsed.
const NOT_PARSED: &str = "nothing of Kestra in it (no Kestra object, reference, manifest section or flow); not parsed";

/// Words that make any file worth parsing, in any case.
static KESTRA: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder().ascii_case_insensitive(true).build(["kestra", "iamlint"]).expect("words compile")
});

fn names_kestra(text: &str) -> bool {
    KESTRA.is_match(text)
}

/// The model of a file not parsed: nothing of its own, its credential-like values starred.
pub fn skipped(input: &Input<'_>) -> FileModel {
    let mut model = FileModel { reading: Reading::Skipped(NOT_PARSED), ..FileModel::default() };
    lexical::redact(input.file, input.text, &mut model);
    model
}

/// The Terraform files to lower: every file of a folder connected by local module calls to
/// a folder that names Kestra, and every `--var-file` (they feed all roots).
pub fn terraform(inputs: &[&Input<'_>], var_files: &[FileId]) -> HashSet<FileId> {
    let mut dirs: BTreeMap<PathBuf, Vec<&Input<'_>>> = BTreeMap::new();
    let mut canonical: HashMap<&Path, PathBuf> = HashMap::new();
    for input in inputs.iter().filter(|i| !var_files.contains(&i.file)) {
        // As `terraform::Modules` groups them: by canonical folder.
        let dir = input.path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let dir = canonical.entry(dir).or_insert_with(|| dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf()));
        dirs.entry(dir.clone()).or_default().push(input);
    }
    let index: HashMap<&Path, usize> = dirs.keys().enumerate().map(|(i, d)| (d.as_path(), i)).collect();
    let mut sets = Components::new(dirs.len());
    let mut seeds = Vec::new();
    for (i, (dir, files)) in dirs.iter().enumerate() {
        for f in files {
            if names_kestra(f.text) {
                seeds.push(i);
            }
            if f.kind == FileKind::TerraformVars || !f.text.contains("source") {
                continue;
            }
            // Read from the text as `terraform::local_source` reads the parsed block, and
            // more (a `source` in a comment joins two folders too): a superset of the calls.
            for source in crate::discover::local_sources(f.text) {
                let called = crate::confine::absolute(&dir.join(&source), None);
                let called = called.canonicalize().unwrap_or(called);
                if let Some(&j) = index.get(called.as_path()) {
                    sets.join(i, j);
                }
            }
        }
    }
    let kept: HashSet<usize> = seeds.into_iter().map(|i| sets.find(i)).collect();
    let mut files: HashSet<FileId> = var_files.iter().copied().collect();
    for (i, inputs) in dirs.values().enumerate() {
        if kept.contains(&sets.find(i)) {
            files.extend(inputs.iter().map(|i| i.file));
        }
    }
    files
}

/// Union-find over folders.
struct Components(Vec<usize>);

impl Components {
    fn new(n: usize) -> Self {
        Components((0..n).collect())
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.0[i] != i {
            self.0[i] = self.0[self.0[i]];
            i = self.0[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        self.0[a.max(b)] = a.min(b);
    }
}

/// Whether a YAML or JSON file (not a workflow, not Terraform's data) may hold anything
/// iamlint reports or reads: see the module's documentation.
pub fn may_matter(input: &Input<'_>) -> bool {
    let text = input.text;
    if names_kestra(text) || super::is_flow(text) || super::manifest::looks_like_manifest(text) {
        return true;
    }
    match input.kind {
        // A plan that does not parse is IAM001, whatever it plans.
        FileKind::Json => plan::looks_like_plan(text) || json_top_keys(text),
        FileKind::Yaml => yaml_top_keys(text),
        _ => true,
    }
}

/// A key that is a manifest section, or one typo away from one.
fn is_section(key: &str) -> bool {
    // Sections fold to 5-15 letters; with separators and one typo a key is rarely longer.
    (3..=40).contains(&key.len())
        && (crate::schema::sections().any(|s| s == key) || super::manifest::misspelt_section(key).is_some())
}

/// Whether a YAML value, written after a key's colon (`rest`) or on the lines below
/// (`below`), may be a list: only a list of objects makes a section (Helm's
/// `serviceAccount: {create: true}` is no typo of one).
fn may_be_list<'t>(rest: &str, below: impl Iterator<Item = &'t str>) -> bool {
    let rest = rest.trim();
    if !rest.is_empty() && !rest.starts_with('#') {
        return rest.starts_with(['[', '*', '&', '!']);
    }
    let next = below.map(str::trim_start).find(|l| !l.is_empty() && !l.starts_with('#'));
    next.is_some_and(|l| l.starts_with(['-', '[', '*', '&', '!']))
}

/// Whether a YAML text has, or may have, a top-level key that is a section. Top-level keys
/// of a block mapping start at column 0; a document that starts indented, a flow
/// collection, a tag, an anchor or a complex key at column 0 may hide one, so it counts.
fn yaml_top_keys(text: &str) -> bool {
    let mut document_start = true;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let bytes = line.as_bytes();
        let Some(&first) = bytes.first() else { continue };
        if first == b'#' || first == b'%' {
            continue;
        }
        if line.starts_with("---") || line.starts_with("...") {
            // Content after the marker (`--- {roles: []}`) is the document itself.
            let rest = line[3..].trim();
            if !rest.is_empty() && !rest.starts_with('#') {
                return true;
            }
            document_start = true;
            continue;
        }
        if first == b' ' || first == b'\t' {
            if document_start && !line.trim().is_empty() && !line.trim_start().starts_with('#') {
                return true;
            }
            continue;
        }
        document_start = false;
        match first {
            b'-' => continue,
            b'{' | b'[' | b'?' | b'&' | b'!' | b'*' | b'|' | b'>' => return true,
            _ => {}
        }
        let (key, rest) = match first {
            b'"' | b'\'' => {
                let (key, rest) = line[1..].split_once(first as char).unwrap_or((&line[1..], ""));
                (key, rest.trim_start().strip_prefix(':').unwrap_or(""))
            }
            _ => line.split_once(':').unwrap_or((line, "")),
        };
        if is_section(key.trim()) && may_be_list(rest, lines.clone()) {
            return true;
        }
    }
    false
}

/// Whether a JSON text has a key of its top-level object that is a section (JSON that does
/// not scan as such is left to the parser).
fn json_top_keys(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut depth, mut i) = (0usize, 0usize);
    let mut top_is_object = false;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = i.min(bytes.len());
                i += 1;
                if depth == 1 && top_is_object {
                    let mut j = i;
                    while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if bytes.get(j) == Some(&b':') {
                        let key = text.get(start..end).unwrap_or("");
                        let value = text.get(j + 1..).unwrap_or("").trim_start();
                        // An escaped key is unusual: the parser decides.
                        if key.contains('\\') || (is_section(key) && value.starts_with('[')) {
                            return true;
                        }
                    }
                }
                continue;
            }
            b'{' | b'[' => {
                if depth == 0 {
                    top_is_object = bytes[i] == b'{';
                }
                depth += 1;
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_sections_and_their_misspellings_at_the_top_count() {
        assert!(yaml_top_keys("tenant: main\nserviceAcounts:\n  - name: x\n"));
        assert!(yaml_top_keys("# c\nRoles:\n  - name: x\n"));
        assert!(yaml_top_keys("\"groups\": []\n"));
        assert!(yaml_top_keys("  roles:\n    - name: x\n"));
        assert!(yaml_top_keys("--- {roles: []}\n"));
        assert!(!yaml_top_keys("apiVersion: v1\nkind: Service\nmetadata:\n  name: roles\nspec:\n  roles: []\n"));
        assert!(yaml_top_keys("serviceAccount:\n- name: x\n"));
        assert!(yaml_top_keys("rolse: [{name: x}]\n"));
        // Helm's account is a mapping, not a list of accounts.
        assert!(!yaml_top_keys("replicaCount: 2\nserviceAccount:\n  create: true\n  name: \"\"\n"));
    }

    #[test]
    fn json_top_level_keys_only() {
        assert!(json_top_keys(r#"{"a": {"x": 1}, "bindings": []}"#));
        assert!(json_top_keys(r#"{"serviceAcounts": []}"#));
        assert!(!json_top_keys(r#"{"a": {"roles": []}, "b": "roles"}"#));
        assert!(!json_top_keys(r#"["roles", {"roles": 1}]"#));
    }
}
