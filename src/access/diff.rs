//! What each service account and user gains and loses between a git revision and the work
//! tree. One changed binding or group membership can grant a bot rights that no single
//! file shows: this is the view a reviewer needs on a pull request that touches IAM.
//!
//! The revision's files are read with `git ls-tree` and `git cat-file --batch` (one process,
//! no checkout, the repository is never modified) into a temporary folder, and both
//! workspaces go through the same loading and access-graph code.

use super::report::{unmasked, Entry};
use crate::config::FileFilter;
use crate::frontend::FileKind;
use crate::git;
use crate::lint::{self, Options};
use crate::model::Workspace;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// One permission as a set element: namespace (None = tenant-wide), type, action.
pub type Permission = (Option<String>, String, String);

#[derive(Serialize, Debug, PartialEq)]
pub struct Change {
    pub kind: &'static str,
    pub name: String,
    pub deployment: Option<String>,
    pub tenant: String,
    /// `added`, `removed` or `changed`.
    pub status: &'static str,
    pub gained: Vec<Perm>,
    pub lost: Vec<Perm>,
    pub super_admin_before: bool,
    pub super_admin_after: bool,
    pub tokens_added: Vec<String>,
    pub tokens_removed: Vec<String>,
}

#[derive(Serialize, Debug, PartialEq)]
pub struct Perm {
    pub namespace: Option<String>,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub action: String,
}

/// Both workspaces are read with the same options: the revision's paths, configuration
/// root and var files are the current ones moved into the folder the revision is written to.
pub fn diff(options: &Options, reference: &str) -> Result<Vec<Change>, String> {
    let cwd = std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let top = git::toplevel(&cwd)?;
    let commit = git::commit(&top, reference).map_err(|_| {
        format!("`{reference}` is not a revision of this repository{}", git::missing_history_hint(&top))
    })?;
    let old_root = tempfile::tempdir().map_err(|e| format!("cannot create a temporary folder: {e}"))?;
    materialize(&top, &commit, old_root.path(), options.max_file_size)?;
    // Canonical, as the configuration's root is: include/exclude compare paths below it.
    let old_top = old_root.path().canonicalize().unwrap_or_else(|_| old_root.path().to_path_buf());
    // A path as it was at the revision (none if it is outside the repository: then it is
    // the same file in both).
    let at_revision = |p: &Path| {
        let abs = cwd.join(p).canonicalize().ok()?;
        let rel = abs.strip_prefix(&top).ok()?;
        Some(old_top.join(rel))
    };

    let current = load(options, false)?;
    let mut secrets = secret_pieces(&current);
    // A path that did not exist yet contributes nothing: everything under it is new.
    let old_paths: Vec<PathBuf> =
        options.paths.iter().map(|p| at_revision(p).unwrap_or_else(|| p.clone())).filter(|p| p.exists()).collect();
    let before = if old_paths.is_empty() {
        Vec::new()
    } else {
        let old_options = Options {
            paths: old_paths,
            filter: FileFilter {
                root: old_top.join(options.filter.root.strip_prefix(&top).unwrap_or(Path::new(""))),
                ..options.filter.clone()
            },
            var_files: options
                .var_files
                .iter()
                .filter_map(|p| match at_revision(p) {
                    Some(old) => old.exists().then_some(old),
                    None => Some(p.clone()),
                })
                .collect(),
            max_file_size: options.max_file_size,
            max_yaml_depth: options.max_yaml_depth,
            ..Options::default()
        };
        let old_ws = load(&old_options, true)?;
        secrets.extend(secret_pieces(&old_ws));
        let mut principals = unmasked(&old_ws).principals;
        // The revision's files are shown by their path in the temporary folder: a
        // deployment (a root's folder) is named as the work tree names it.
        let here = cwd.canonicalize().ok().and_then(|c| c.strip_prefix(&top).ok().map(Path::to_path_buf));
        for e in &mut principals {
            if let Some(d) = &mut e.deployment {
                let rel = Path::new(d.as_str()).strip_prefix(&old_top).ok().map(Path::to_path_buf);
                if let Some(rel) = rel {
                    let rel = here.as_deref().and_then(|h| rel.strip_prefix(h).ok()).unwrap_or(&rel);
                    let shown = rel.to_string_lossy().replace('\\', "/");
                    *d = if shown.is_empty() { ".".into() } else { shown };
                }
            }
        }
        principals
    };
    // Principals are matched by their names as written: starred first, an account whose
    // name was a credential's text at one revision only would be two accounts. Then the
    // secrets of both revisions star both: a value committed at the base and removed since
    // is still a leaked secret.
    let mut changes = compare(&before, &unmasked(&current).principals);
    let secrets = crate::redact::Masker::new(secrets.iter().map(String::as_str));
    changes.iter_mut().for_each(|c| c.mask(&secrets));
    Ok(changes)
}

fn secret_pieces(ws: &Workspace) -> Vec<String> {
    ws.sources.iter().flat_map(|(_, f)| crate::redact::pieces(&f.text, &f.secrets)).collect()
}

impl Change {
    fn mask(&mut self, secrets: &crate::redact::Masker) {
        let star = |s: &mut String| {
            if let std::borrow::Cow::Owned(m) = secrets.mask(s) {
                *s = m;
            }
        };
        star(&mut self.name);
        star(&mut self.tenant);
        self.deployment.as_mut().map(star);
        for p in self.gained.iter_mut().chain(&mut self.lost) {
            p.namespace.as_mut().map(star);
            star(&mut p.resource_type);
            star(&mut p.action);
        }
        self.tokens_added.iter_mut().chain(&mut self.tokens_removed).for_each(star);
    }
}

/// The workspace `options` describe; a folder that could not be read is an error, since a
/// difference against part of a workspace is no difference at all. In the `past`, a folder
/// that held nothing iamlint reads is no error: everything in it now is new.
fn load(options: &Options, past: bool) -> Result<Workspace, String> {
    let (_, _, ws, coverage) = lint::load_workspace(options).map_err(|e| e.to_string())?;
    let problems: Vec<String> = coverage
        .problems
        .iter()
        .filter(|p| !(past && matches!(p, crate::discover::DiscoverError::Empty { .. })))
        .map(ToString::to_string)
        .collect();
    match problems.is_empty() {
        true => Ok(ws),
        false => Err(problems.join("\nerror: ")),
    }
}

/// Writes the files iamlint would read, as they are at `commit`, under `root`: blobs of a
/// lintable kind (and `.gitignore` files, which decide what is linted) no larger than
/// `max_file_size`, as the work tree's files are read. A larger blob is skipped, as a
/// larger file is reported unread; a symbolic link or a submodule is not a file. Blobs
/// stream from git one at a time, so the revision's size costs no memory.
fn materialize(top: &Path, commit: &str, root: &Path, max_file_size: u64) -> Result<(), String> {
    let wanted_name = |path: &[u8]| {
        let path = Path::new(std::str::from_utf8(path).unwrap_or(""));
        FileKind::of(path).is_some() || path.file_name().is_some_and(|n| n == ".gitignore")
    };
    let listing = git::tree(top, commit, wanted_name)?;
    let mut wanted: Vec<(String, PathBuf)> = Vec::new();
    for (path, entry) in listing {
        let Ok(path) = String::from_utf8(path) else { continue };
        let rel = Path::new(&path);
        // git never records `..`, but a path from outside is never trusted to stay inside.
        let safe = rel.components().all(|c| matches!(c, Component::Normal(_)));
        if safe && entry.is_file() && entry.size.is_some_and(|s| s <= max_file_size) {
            wanted.push((entry.oid, root.join(rel)));
        }
    }
    wanted.sort();
    let oids: Vec<&str> = wanted.iter().map(|(oid, _)| oid.as_str()).collect();
    git::blobs(top, &oids, max_file_size, |i, blob| {
        let Some(bytes) = blob else { return Ok(()) };
        let dest = &wanted[i].1;
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot write {}: {e}", dest.display()))?;
        }
        std::fs::write(dest, bytes).map_err(|e| format!("cannot write {}: {e}", dest.display()))
    })
}

fn permissions(e: &Entry) -> BTreeSet<Permission> {
    e.permissions
        .iter()
        .flat_map(|r| r.actions.iter().map(|a| (r.namespace.clone(), r.resource_type.clone(), a.clone())))
        .collect()
}

/// A principal is the same before and after when its deployment, tenant, kind and name are.
fn key(e: &Entry) -> (Option<String>, String, &'static str, String) {
    (e.deployment.clone(), e.tenant.clone(), e.kind, e.name.clone())
}

pub fn compare(before: &[Entry], after: &[Entry]) -> Vec<Change> {
    let index =
        |entries: &[Entry]| -> BTreeMap<_, usize> { entries.iter().enumerate().map(|(i, e)| (key(e), i)).collect() };
    let (old, new) = (index(before), index(after));
    let keys: BTreeSet<_> = old.keys().chain(new.keys()).cloned().collect();
    let mut changes = Vec::new();
    for k in keys {
        let (b, a) = (old.get(&k).map(|&i| &before[i]), new.get(&k).map(|&i| &after[i]));
        let perms = |e: Option<&Entry>| e.map(permissions).unwrap_or_default();
        let tokens = |e: Option<&Entry>| -> BTreeSet<String> {
            e.map(|e| e.tokens.iter().map(|t| t.name.clone()).collect()).unwrap_or_default()
        };
        let (pb, pa) = (perms(b), perms(a));
        let (tb, ta) = (tokens(b), tokens(a));
        let admin = |e: Option<&Entry>| e.is_some_and(|e| e.super_admin);
        let to_perm = |(namespace, resource_type, action): &Permission| Perm {
            namespace: namespace.clone(),
            resource_type: resource_type.clone(),
            action: action.clone(),
        };
        let change = Change {
            kind: k.2,
            name: k.3.clone(),
            deployment: k.0.clone(),
            tenant: k.1.clone(),
            status: match (b, a) {
                (None, _) => "added",
                (_, None) => "removed",
                _ => "changed",
            },
            gained: pa.difference(&pb).map(to_perm).collect(),
            lost: pb.difference(&pa).map(to_perm).collect(),
            super_admin_before: admin(b),
            super_admin_after: admin(a),
            tokens_added: ta.difference(&tb).cloned().collect(),
            tokens_removed: tb.difference(&ta).cloned().collect(),
        };
        let changed = change.status != "changed"
            || !change.gained.is_empty()
            || !change.lost.is_empty()
            || change.super_admin_before != change.super_admin_after
            || !change.tokens_added.is_empty()
            || !change.tokens_removed.is_empty();
        if changed {
            changes.push(change);
        }
    }
    changes
}
