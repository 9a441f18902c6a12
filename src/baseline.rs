//! Baselines: `--write-baseline FILE` records the current findings, `--baseline FILE` then
//! reports only findings not recorded. Findings are matched by identity (rule, path and
//! object, not message; `fingerprint::identities`), never by line, so lines moving around
//! a recorded finding do not make it new, and neither does improving it without fixing it
//! (a lifetime lowered but still too long). Entries that match nothing any more are
//! counted, so the baseline can shrink (`--write-baseline` writes only what is current).
//! Version 1 files, which matched the message too, are still read that way. Paths are the
//! repository root's (`fingerprint::stable_path`), so the folder iamlint runs from does not
//! matter.

use crate::finding::Finding;
use crate::fingerprint;
use crate::model::Workspace;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

const VERSION: u32 = 2;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<Recorded>,
}

/// One recorded finding: the fingerprint decides; the rest is for people reading the file.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recorded {
    fingerprint: String,
    code: String,
    path: String,
    /// The object the finding is about (absent from version 1 files).
    #[serde(default)]
    object: String,
    message: String,
}

/// A baseline holds a line per finding; 256 MiB is a million findings over.
const MAX_SIZE: u64 = 256 << 20;

#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
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
        if file.version != VERSION && file.version != 1 {
            return Err(format!(
                "baseline `{}` has version {}; this iamlint reads version {VERSION}",
                path.display(),
                file.version
            ));
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|r| r.fingerprint).collect(),
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
        findings.into_iter().zip(prints).filter(|(_, p)| !self.fingerprints.contains(p)).map(|(f, _)| f).collect()
    }

    /// How many recorded entries match none of `findings` (all of the run's): fixed since,
    /// or their object is gone.
    pub fn stale(&self, ws: &Workspace, findings: &[Finding]) -> usize {
        let current: BTreeSet<String> = self.prints(ws, findings).into_iter().collect();
        self.fingerprints.iter().filter(|p| !current.contains(*p)).count()
    }
}

/// The baseline file for these findings, sorted so that it diffs well under version control.
/// Identities are hashed from the text as written, so an entry still matches its finding;
/// every text the file shows passes `secrets` (a name or a path can be a credential's text),
/// as a message does.
pub fn render(ws: &Workspace, findings: &[Finding], secrets: &crate::redact::Masker) -> String {
    let shown = |s: &str| secrets.mask(s).into_owned();
    let prints = fingerprint::identities(ws, findings);
    let index = fingerprint::ObjectIndex::new(ws);
    let mut paths: std::collections::HashMap<crate::source::FileId, String> = Default::default();
    let mut recorded: Vec<Recorded> = findings
        .iter()
        .zip(prints)
        .map(|(f, fingerprint)| Recorded {
            fingerprint,
            code: f.code.to_string(),
            path: paths.entry(f.span.file).or_insert_with(|| shown(&fingerprint::stable_path(ws, f.span.file))).clone(),
            object: shown(index.address_of(f.span)),
            message: shown(&f.message),
        })
        .collect();
    recorded.sort_by(|a, b| {
        (&a.path, &a.code, &a.message, &a.fingerprint).cmp(&(&b.path, &b.code, &b.message, &b.fingerprint))
    });
    let mut text = serde_json::to_string_pretty(&BaselineFile { version: VERSION, findings: recorded })
        .expect("baseline serializes");
    text.push('\n');
    text
}

pub fn write(path: &Path, ws: &Workspace, findings: &[Finding], secrets: &crate::redact::Masker) -> Result<(), String> {
    std::fs::write(path, render(ws, findings, secrets))
        .map_err(|e| format!("cannot write baseline `{}`: {e}", path.display()))
}
