//! Baselines: `--write-baseline FILE` records the current findings, `--baseline FILE` then
//! reports only findings not recorded. Findings are matched by fingerprint (rule, path,
//! object and message; `src/fingerprint.rs`), never by line, so lines moving around a
//! recorded finding do not make it new.

use crate::finding::Finding;
use crate::fingerprint;
use crate::model::Workspace;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

const VERSION: u32 = 1;

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
    message: String,
}

/// A baseline holds a line per finding; 256 MiB is a million findings over.
const MAX_SIZE: u64 = 256 << 20;

#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
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
        if file.version != VERSION {
            return Err(format!(
                "baseline `{}` has version {}; this iamlint reads version {VERSION}",
                path.display(),
                file.version
            ));
        }
        Ok(Baseline { fingerprints: file.findings.into_iter().map(|r| r.fingerprint).collect() })
    }

    /// The findings not recorded in the baseline.
    pub fn filter(&self, ws: &Workspace, findings: Vec<Finding>) -> Vec<Finding> {
        let prints = fingerprint::fingerprints(ws, &findings);
        findings.into_iter().zip(prints).filter(|(_, p)| !self.fingerprints.contains(p)).map(|(f, _)| f).collect()
    }
}

/// The baseline file for these findings, sorted so that it diffs well under version control.
pub fn render(ws: &Workspace, findings: &[Finding]) -> String {
    let prints = fingerprint::fingerprints(ws, findings);
    let mut recorded: Vec<Recorded> = findings
        .iter()
        .zip(prints)
        .map(|(f, fingerprint)| Recorded {
            fingerprint,
            code: f.code.to_string(),
            path: ws.sources.get(f.span.file).display.clone(),
            message: f.message.clone(),
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

pub fn write(path: &Path, ws: &Workspace, findings: &[Finding]) -> Result<(), String> {
    std::fs::write(path, render(ws, findings)).map_err(|e| format!("cannot write baseline `{}`: {e}", path.display()))
}
