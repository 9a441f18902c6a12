//! iamlint's SARIF is checked by Microsoft's SARIF validator (npm `@microsoft/sarif-multitool`,
//! installed by `.ci/run`), with its SARIF rules and its GitHub code-scanning rules (`Gh`).
//! The bar is zero errors and zero warnings; the validator's notes are listed in README.
//! Under CI (`CI=true`) a missing validator fails the test; locally it is skipped loudly.

use crate::common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The validator's native binary: `$SARIF_MULTITOOL`, else the one `.ci/run` installed into
/// `.ci/node_modules`, resolved by node as the npm package resolves its platform package.
/// npm's `sarif-multitool` wrapper is not used: it passes arguments through a shell,
/// which splits the validator's `;`-separated lists.
fn validator() -> Option<PathBuf> {
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

fn require_validator() -> Option<PathBuf> {
    let found = validator();
    if found.is_none() {
        let message = "the SARIF validator (npm @microsoft/sarif-multitool) is not installed; `.ci/run` installs it";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("{message}");
        }
        // Straight to stderr: the test harness captures eprintln! of passing tests.
        use std::io::Write;
        let _ = writeln!(std::io::stderr(), "\n!!!!! SKIPPED: {message} !!!!!\n");
    }
    found
}

struct Counts {
    errors: Vec<String>,
    warnings: Vec<String>,
    notes: Vec<String>,
}

/// Runs `validate` on `target` (a file or folder) and sorts the validator's own results.
fn validate(tool: &Path, target: &Path, extra: &[&str]) -> Counts {
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

fn sarif_of(path: &Path) -> String {
    let out = iamlint(repo_root(), &["check", "--format", "sarif", path.to_str().unwrap()]);
    assert!(out.status.code().is_some_and(|c| c <= 1), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn sarif_output_passes_microsofts_validator() {
    let Some(tool) = require_validator() else { return };
    let dir = tempfile::tempdir().unwrap();
    let clean = tempfile::tempdir().unwrap();
    write(clean.path(), "iam.yaml", "groups:\n  - name: bots\n");
    std::fs::write(dir.path().join("formats.sarif"), sarif_of(Path::new("fixtures/formats/workspace"))).unwrap();
    std::fs::write(dir.path().join("examples.sarif"), sarif_of(Path::new("examples"))).unwrap();
    std::fs::write(dir.path().join("clean.sarif"), sarif_of(clean.path())).unwrap();

    for (kind, extra) in [("SARIF rules", &[][..]), ("GitHub rules", &["--rule-kind", "Gh"][..])] {
        let counts = validate(&tool, dir.path(), extra);
        // Straight to stderr, so CI logs show the validator's verdict.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SARIF validator, {kind}: {} errors, {} warnings, {} notes",
            counts.errors.len(),
            counts.warnings.len(),
            counts.notes.len()
        );
        assert!(counts.errors.is_empty(), "{kind}: validator errors: {:#?}", counts.errors);
        assert!(counts.warnings.is_empty(), "{kind}: validator warnings: {:#?}", counts.warnings);
    }
}

#[test]
fn the_validator_does_catch_broken_sarif() {
    // Guards the test above against passing vacuously (a validator that checks nothing).
    let Some(tool) = require_validator() else { return };
    let mut log: serde_json::Value = serde_json::from_str(&sarif_of(Path::new("fixtures/formats/workspace"))).unwrap();
    let region = &mut log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    region.as_object_mut().unwrap().remove("startLine");
    log["runs"][0]["results"][1].as_object_mut().unwrap().remove("locations");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("broken.sarif");
    std::fs::write(&path, serde_json::to_string(&log).unwrap()).unwrap();
    assert!(!validate(&tool, &path, &[]).errors.is_empty(), "a region without startLine must be an error");
    assert!(
        !validate(&tool, &path, &["--rule-kind", "Gh"]).errors.is_empty(),
        "a result without locations must be a GitHub error"
    );
}
