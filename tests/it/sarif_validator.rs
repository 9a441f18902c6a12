//! iamlint's SARIF is checked by Microsoft's SARIF validator (npm `@microsoft/sarif-multitool`,
//! installed by `.ci/run`), with its SARIF rules and its GitHub code-scanning rules (`Gh`).
//! The bar is zero errors and zero warnings; the validator's notes are listed in docs/formats.md.
//! Under CI (`CI=true`) a missing validator fails the test; locally it is skipped loudly.

use crate::common;
use common::sarif::{require_validator, validate};
use common::*;
use std::path::Path;

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
