//! Stable identities for findings, for baselines and code-scanning services: the rule, the
//! file, the object the finding is about and its message, never line numbers, so a
//! finding keeps its identity when lines move around it.

use crate::finding::Finding;
use crate::model::{Origin, Workspace};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// The address of the innermost object whose text holds the finding, or "" at file level.
pub fn object_address<'a>(ws: &'a Workspace, f: &Finding) -> &'a str {
    let span = f.span;
    ws.origins()
        .filter(|o| {
            o.extent.file == span.file && o.extent.start <= span.start && span.end <= o.extent.end.max(span.start)
        })
        .min_by_key(|o| o.extent.len())
        .map_or("", |o| o.address.as_str())
}

/// One fingerprint per finding, in order. Identical findings on one object are told apart
/// by their rank among themselves, which also does not depend on line numbers.
pub fn fingerprints(ws: &Workspace, findings: &[Finding]) -> Vec<String> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    findings
        .iter()
        .map(|f| {
            let path = &ws.sources.get(f.span.file).display;
            let key = format!("{}\0{}\0{}\0{}", f.code, path, object_address(ws, f), f.message);
            let n = seen.entry(key.clone()).or_insert(0);
            *n += 1;
            let digest = Sha256::digest(format!("{key}\0{n}").as_bytes());
            digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
        })
        .collect()
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
