//! Microsoft's SARIF validator (npm `@microsoft/sarif-multitool`, installed by `.ci/run`),
//! for the tests that check iamlint's SARIF.

use super::{repo_root, require};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The validator's native binary: `$SARIF_MULTITOOL`, else the one `.ci/run` installed into
/// `.ci/node_modules`, resolved by node as the npm package resolves its platform package.
/// npm's `sarif-multitool` wrapper is not used: it passes arguments through a shell,
/// which splits the validator's `;`-separated lists.
pub fn validator() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("SARIF_MULTITOOL") {
        return Some(PathBuf::from(p));
    }
    let ci = repo_root().join(".ci");
    if !ci.join("node_modules/@microsoft/sarif-multitool").is_dir() {
        return None;
    }
    let out = Command::new("node")
        .args(["-p", "require('./node_modules/@microsoft/sarif-multitool')"])
        .current_dir(&ci)
        .output()
        .ok()?;
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    (out.status.success() && path.is_file()).then_some(path)
}

pub fn require_validator() -> Option<PathBuf> {
    require(validator(), "the SARIF validator (npm @microsoft/sarif-multitool) is not installed; `.ci/run` installs it")
}

pub struct Counts {
    pub errors: Vec<String>,
    pub warnings: Vec<String>,
    pub notes: Vec<String>,
}

/// Runs `validate` on `target` (a file or folder) and sorts the validator's own results.
pub fn validate(tool: &Path, target: &Path, extra: &[&str]) -> Counts {
    let out_dir = tempfile::tempdir().unwrap();
    let log = out_dir.path().join("validation.sarif");
    let output = Command::new(tool)
        .arg("validate")
        .args(extra)
        .args(["--level", "Error;Warning;Note", "--output"])
        .arg(&log)
        .arg(target)
        .output()
        .expect("the SARIF validator runs");
    let text = std::fs::read_to_string(&log).unwrap_or_else(|_| {
        panic!(
            "the validator wrote no log (status {:?}):\n{}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let log: serde_json::Value = serde_json::from_str(&text).expect("the validator's log is JSON");
    let mut counts = Counts { errors: Vec::new(), warnings: Vec::new(), notes: Vec::new() };
    for run in log["runs"].as_array().expect("the log has runs") {
        for r in run["results"].as_array().into_iter().flatten() {
            let what = format!("{} {}", r["ruleId"].as_str().unwrap_or("?"), r["message"]["arguments"]);
            // SARIF's default level is "warning".
            match r["level"].as_str().unwrap_or("warning") {
                "error" => counts.errors.push(what),
                "warning" => counts.warnings.push(what),
                _ => counts.notes.push(what),
            }
        }
    }
    counts
}
