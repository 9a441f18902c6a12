//! Baselines: `--write-baseline FILE` records the current findings, `--baseline FILE` then
//! reports only findings not recorded. Findings are matched by identity (rule, path and
//! object, not message; `fingerprint::identities`), never by line, so lines moving around
//! a recorded finding do not make it new, and neither does improving it without fixing it
//! (a lifetime lowered but still too long). Entries that match nothing any more are
//! counted, so the baseline can shrink (`--write-baseline` writes only what is current).
//! A run over part of the workspace (files pre-commit names, `check envs/prod`) speaks only
//! for the files it covers: entries of other files are neither counted as stale nor
//! dropped by `--write-baseline`, which keeps them as they were.
//! A finding a chain of grants makes (IAM205, IAM303, IAM305: one per account or token,
//! whatever the number of paths) also records each path's hash (`chain`); it matches only
//! while every path it has now was recorded, so a new path to a recorded account (a role
//! bound to it directly, beside the group recorded) is reported, and a path removed is not.
//! An entry with no chain (versions 1 and 2) matches a finding of at most one path: it
//! cannot say which, and never hides a second one.
//! Version 1 files, which matched the message too, are still read that way. Paths are the
//! repository root's (`fingerprint::stable_path`), so the folder iamlint runs from does not
//! matter.

use crate::finding::Finding;
use crate::fingerprint;
use crate::model::Workspace;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const VERSION: u32 = 3;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Recorded>,
}

/// One recorded finding: the fingerprint decides; the rest is for people reading the file.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recorded {
    fingerprint: String,
    code: String,
    path: String,
    /// The object the finding is about (absent from version 1 files).
    #[serde(default)]
    object: String,
    message: String,
    /// The hashes of the paths of a chain finding (`fingerprint::chain`; absent before
    /// version 3 and for other findings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    chain: Vec<String>,
}

/// A baseline holds a line per finding; 256 MiB is a million findings over.
const MAX_SIZE: u64 = 256 << 20;

#[derive(Debug, Default)]
pub struct Baseline {
    /// Each fingerprint with the path hashes recorded for it (none: no chain recorded).
    fingerprints: BTreeMap<String, BTreeSet<String>>,
    /// As read, for the entries a run over part of the workspace keeps.
    entries: Vec<Recorded>,
    /// A version 1 file: its fingerprints include the message.
    legacy: bool,
}

impl Baseline {
    pub fn read(path: &Path) -> Result<Baseline, String> {
        // Named on the command line, but its content is committed with the pull request: a
        // link to /dev/zero must not take all memory.
        let bytes = crate::confine::read_named(path, MAX_SIZE).map_err(|e| match e {
            crate::confine::ReadError::TooLarge => {
                format!("baseline `{}` is larger than {MAX_SIZE} bytes; not read", path.display())
            }
            e => format!("cannot read baseline `{}`: {e}", path.display()),
        })?;
        let text = String::from_utf8(bytes).map_err(|_| format!("baseline `{}` is not UTF-8", path.display()))?;
        let file: BaselineFile = serde_json::from_str(&text)
            .map_err(|e| format!("baseline `{}` is not an iamlint baseline: {e}", path.display()))?;
        if !(1..=VERSION).contains(&file.version) {
            return Err(format!(
                "baseline `{}` has version {}; this iamlint reads versions 1 to {VERSION}",
                path.display(),
                file.version
            ));
        }
        Ok(Baseline {
            fingerprints: file.findings.iter().fold(BTreeMap::new(), |mut m, r| {
                m.entry(r.fingerprint.clone()).or_insert_with(BTreeSet::new).extend(r.chain.iter().cloned());
                m
            }),
            entries: file.findings,
            legacy: file.version == 1,
        })
    }

    fn prints(&self, ws: &Workspace, findings: &[Finding]) -> Vec<String> {
        match self.legacy {
            true => fingerprint::fingerprints(ws, findings),
            false => fingerprint::identities(ws, findings),
        }
    }

    /// The findings not recorded in the baseline.
    pub fn filter(&self, ws: &Workspace, findings: Vec<Finding>) -> Vec<Finding> {
        let prints = self.prints(ws, &findings);
        findings.into_iter().zip(prints).filter(|(f, p)| !self.matches(p, f)).map(|(f, _)| f).collect()
    }

    fn matches(&self, print: &str, f: &Finding) -> bool {
        match self.fingerprints.get(print) {
            None => false,
            Some(paths) if paths.is_empty() => f.chain.len() <= 1,
            Some(paths) => fingerprint::chain(f).iter().all(|p| paths.contains(p)),
        }
    }

    /// How many recorded entries of the files the run covers match none of `findings` (all
    /// of the run's): fixed since, or their object is gone.
    pub fn stale(&self, ws: &Workspace, findings: &[Finding], covered: &Covered) -> usize {
        let current: BTreeSet<String> = self.prints(ws, findings).into_iter().collect();
        let stale: BTreeSet<&String> = self
            .entries
            .iter()
            .filter(|r| covered.covers(&r.path) && !current.contains(&r.fingerprint))
            .map(|r| &r.fingerprint)
            .collect();
        stale.len()
    }

    /// The entries of files the run does not cover, which a baseline it writes keeps.
    fn outside(&self, covered: &Covered) -> Vec<Recorded> {
        self.entries.iter().filter(|r| !covered.covers(&r.path)).cloned().collect()
    }
}

/// The files a run covers, as baselines name them (`fingerprint::stable_path`): each path
/// named, or everything below a folder named. A file deleted since the baseline was written
/// is covered by the folder it was in, so its entries still go stale and are pruned.
#[derive(Debug)]
pub struct Covered {
    /// Files and folders; "" is the whole repository.
    prefixes: Vec<String>,
}

impl Covered {
    pub fn of(paths: &[PathBuf]) -> Covered {
        let prefixes = paths
            .iter()
            .map(|path| {
                // The repository path of a file inside the folder, less that file: the
                // folder's own, even for the repository's root.
                let inside = path.is_dir().then(|| crate::source::repository_path(&path.join("x"))).flatten();
                match inside {
                    Some(p) => p.strip_suffix('x').unwrap_or(&p).trim_end_matches('/').to_string(),
                    None => crate::source::repository_path(path).unwrap_or_else(|| given(path)),
                }
            })
            .collect();
        Covered { prefixes }
    }

    fn covers(&self, path: &str) -> bool {
        self.prefixes.iter().any(|p| {
            p.is_empty() || path == p || path.strip_prefix(p.as_str()).is_some_and(|rest| rest.starts_with('/'))
        })
    }
}

/// A path outside any repository as baselines record it: as given, without `./`.
fn given(path: &Path) -> String {
    let s = path.to_string_lossy();
    let s = s.strip_prefix("./").unwrap_or(&s);
    if s == "." {
        String::new()
    } else {
        s.trim_end_matches('/').to_string()
    }
}

/// The baseline file for these findings, with `kept` (entries of files the run does not
/// cover), sorted so that it diffs well under version control. Identities are hashed from
/// the text as written, so an entry still matches its finding; every text the file shows
/// passes `secrets` (a name or a path can be a credential's text), as a message does.
fn render(ws: &Workspace, findings: &[Finding], kept: Vec<Recorded>, secrets: &crate::redact::Masker) -> String {
    let shown = |s: &str| secrets.mask(s).into_owned();
    let prints = fingerprint::identities(ws, findings);
    let index = fingerprint::ObjectIndex::new(ws);
    let mut paths: std::collections::HashMap<crate::source::FileId, String> = Default::default();
    let mut recorded: Vec<Recorded> = findings
        .iter()
        .zip(prints)
        .map(|(f, fingerprint)| Recorded {
            fingerprint,
            chain: fingerprint::chain(f),
            code: f.code.to_string(),
            path: paths.entry(f.span.file).or_insert_with(|| shown(&fingerprint::stable_path(ws, f.span.file))).clone(),
            object: shown(index.address_of(f.span)),
            message: shown(&f.message),
        })
        .collect();
    // Kept entries may come from a file written before credentials were starred in it.
    recorded.extend(kept.into_iter().map(|r| Recorded {
        path: shown(&r.path),
        object: shown(&r.object),
        message: shown(&r.message),
        ..r
    }));
    recorded.sort_by(|a, b| {
        (&a.path, &a.code, &a.message, &a.fingerprint).cmp(&(&b.path, &b.code, &b.message, &b.fingerprint))
    });
    let mut text = serde_json::to_string_pretty(&BaselineFile { version: VERSION, findings: recorded })
        .expect("baseline serializes");
    text.push('\n');
    text
}

/// Writes the baseline of `findings`, keeping the entries `previous` (the file as it was)
/// holds for files the run does not cover; returns how many were kept.
pub fn write(
    path: &Path,
    ws: &Workspace,
    findings: &[Finding],
    previous: Option<&Baseline>,
    covered: &Covered,
    secrets: &crate::redact::Masker,
) -> Result<usize, String> {
    let kept = previous.map(|b| b.outside(covered)).unwrap_or_default();
    let n = kept.len();
    std::fs::write(path, render(ws, findings, kept, secrets))
        .map_err(|e| format!("cannot write baseline `{}`: {e}", path.display()))?;
    Ok(n)
}
