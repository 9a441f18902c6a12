//! Stable identities for findings, for baselines and code-scanning services: the rule, the
//! file, the object the finding is about and its message, never line numbers, so a
//! finding keeps its identity when lines move around it.

use crate::finding::Finding;
use crate::model::{Origin, Workspace};
use crate::source::{FileId, Span};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The first `bytes` bytes of the SHA-256 of `parts` (hashed one after the other), in
/// lowercase hex: finding identities, credential fingerprints and Git LFS object ids.
pub fn sha256_hex(parts: &[&[u8]], bytes: usize) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(2 * bytes);
    for b in digest.iter().take(bytes) {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 15)]));
    }
    out
}

/// Object extents by file, to find the object a finding is about without scanning every
/// object for every finding.
pub struct ObjectIndex<'a> {
    by_file: HashMap<FileId, Vec<(usize, usize, &'a str)>>,
}

impl<'a> ObjectIndex<'a> {
    pub fn new(ws: &'a Workspace) -> Self {
        let mut by_file: HashMap<FileId, Vec<(usize, usize, &'a str)>> = HashMap::new();
        for o in ws.origins() {
            by_file.entry(o.extent.file).or_default().push((o.extent.start, o.extent.end, o.address.as_str()));
        }
        ObjectIndex { by_file }
    }

    /// The address of the innermost object whose text holds the span, or "" at file level.
    pub fn address_of(&self, span: Span) -> &'a str {
        self.by_file
            .get(&span.file)
            .into_iter()
            .flatten()
            .filter(|(start, end, _)| *start <= span.start && span.end <= (*end).max(span.start))
            .min_by_key(|(start, end, address)| (end - start, *address))
            .map_or("", |(_, _, address)| address)
    }
}

/// One fingerprint per finding, in order. Identical findings on one object are told apart
/// by their rank among themselves, which also does not depend on line numbers.
pub fn fingerprints(ws: &Workspace, findings: &[Finding]) -> Vec<String> {
    ranked(ws, findings, "", |_, f| f.message.as_str())
}

/// One baseline identity per finding, in order: its rule, file and object, not its message,
/// so that a finding that changes without going away (a token's lifetime lowered from P365D
/// to P180D, still above the limit) stays the recorded one. A finding on no object (a
/// syntax error, a credential in a script) keeps its message, which is then all there is
/// to tell it from its neighbours. Identical identities are ranked, as in `fingerprints`.
pub fn identities(ws: &Workspace, findings: &[Finding]) -> Vec<String> {
    ranked(ws, findings, "object\0", |address, f| if address.is_empty() { f.message.as_str() } else { "" })
}

/// The hashes a baseline records of a chain finding's paths (`Finding::chain`), sorted:
/// short, and naming no object in clear.
pub fn chain(f: &Finding) -> Vec<String> {
    let mut out: Vec<String> = f.chain.iter().map(|path| sha256_hex(&[b"path\0", path.as_bytes()], 8)).collect();
    out.sort();
    out.dedup();
    out
}

/// Hashes of code, path, object address and `what` (of the address and the finding), with
/// the rank of each among identical keys.
fn ranked<'f>(
    ws: &Workspace,
    findings: &'f [Finding],
    prefix: &str,
    what: impl Fn(&str, &'f Finding) -> &'f str,
) -> Vec<String> {
    let index = ObjectIndex::new(ws);
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut paths: HashMap<FileId, String> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let path = paths.entry(f.span.file).or_insert_with(|| stable_path(ws, f.span.file));
            let address = index.address_of(f.span);
            let key = format!("{}\0{}\0{}\0{}", f.code, path, address, what(address, f));
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            sha256_hex(&[format!("{prefix}{key}\0{n}").as_bytes()], 16)
        })
        .collect()
}

/// The path identities hash: relative to the repository root, so that a baseline written
/// from the root matches a run from a subfolder; outside a repository, as shown.
pub fn stable_path(ws: &Workspace, file: FileId) -> String {
    let source = ws.sources.get(file);
    crate::source::repository_path(&source.path).unwrap_or_else(|| source.display.clone())
}

impl Workspace {
    pub fn origins(&self) -> impl Iterator<Item = &Origin> {
        self.service_accounts
            .iter()
            .map(|x| &x.origin)
            .chain(self.users.iter().map(|x| &x.origin))
            .chain(self.groups.iter().map(|x| &x.origin))
            .chain(self.roles.iter().map(|x| &x.origin))
            .chain(self.bindings.iter().map(|x| &x.origin))
            .chain(self.tokens.iter().map(|x| &x.origin))
            .chain(self.memberships.iter().map(|x| &x.origin))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lint::{self, Options};

    fn lint_text(dir: &std::path::Path, text: &str) -> (Workspace, Vec<Finding>) {
        std::fs::write(dir.join("iam.yaml"), text).unwrap();
        let outcome = lint::run(&Options { paths: vec![dir.to_path_buf()], ..Options::default() }).unwrap();
        (outcome.ws, outcome.findings)
    }

    #[test]
    fn fingerprints_survive_moved_lines() {
        let body = "serviceAccounts:\n  - name: BAD_ONE\n  - name: BAD_TWO\n";
        let dir = tempfile::tempdir().unwrap();
        let (ws, findings) = lint_text(dir.path(), body);
        let before = fingerprints(&ws, &findings);
        let (ws2, findings2) = lint_text(dir.path(), &format!("# a comment\n\n{body}"));
        assert_eq!(before, fingerprints(&ws2, &findings2));
        assert_eq!(ObjectIndex::new(&ws).address_of(findings[1].span), "serviceAccounts[BAD_ONE]");
        let unique: std::collections::HashSet<_> = before.iter().collect();
        assert_eq!(unique.len(), before.len());
    }
}
