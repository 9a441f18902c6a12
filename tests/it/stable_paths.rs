//! Paths that outlive the folder iamlint runs from: a baseline records paths (and hashes
//! identities) relative to the repository root, so `--baseline ../x.json` from a subfolder
//! matches what a run at the root wrote, and the other way round.

use crate::common;
use common::*;
use std::path::Path;

/// The fixture repository (Terraform root module, a child module, manifests) copied into a
/// fresh git repository, with a version 2 baseline an earlier iamlint wrote at its root.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let fixture = repo_root().join("fixtures/baseline/written_at_root");
    for file in ["envs/prod/main.tf", "envs/prod/terraform.tfvars", "modules/bot/main.tf", "iam/accounts.yaml"] {
        write(d, file, &std::fs::read_to_string(fixture.join(file)).unwrap());
    }
    let recorded = repo_root().join("fixtures/baseline/written_at_root.baseline-v2.json");
    write(d, ".iamlint-baseline.json", &std::fs::read_to_string(recorded).unwrap());
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "iam"]);
    dir
}

fn quiet_with(dir: &Path, args: &[&str]) {
    let out = iamlint(dir, args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}{}", stdout(&out), stderr(&out));
    assert_eq!(stdout(&out), "", "{args:?}");
    assert!(!stderr(&out).contains("no longer"), "{args:?}: {}", stderr(&out));
}

#[test]
fn a_baseline_written_at_the_root_matches_from_a_subfolder() {
    let dir = repository();
    let d = dir.path();
    let concise = ["check", "--format", "concise", "--baseline"];
    quiet_with(d, &[&concise[..], &[".iamlint-baseline.json"]].concat());
    quiet_with(&d.join("envs/prod"), &[&concise[..], &["../../.iamlint-baseline.json", "../.."]].concat());
    quiet_with(&d.join("iam"), &[&concise[..], &["../.iamlint-baseline.json", ".."]].concat());
    // A new finding is still new from the subfolder, and named as seen from there.
    let accounts = std::fs::read_to_string(d.join("iam/accounts.yaml")).unwrap();
    write(
        d,
        "iam/accounts.yaml",
        &accounts.replace("  - name: loader", "  - name: Loader_Two\n    groups: [bots]\n  - name: loader"),
    );
    let out = iamlint(&d.join("iam"), &[&concise[..], &["../.iamlint-baseline.json", ".."]].concat());
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out).lines().collect::<Vec<_>>().len(), 1, "{}", stdout(&out));
    assert!(stdout(&out).starts_with("../iam/accounts.yaml:7:11: IAM101"), "{}", stdout(&out));
}

#[test]
fn a_baseline_written_from_a_subfolder_is_the_one_written_at_the_root() {
    let dir = repository();
    let d = dir.path();
    let out = iamlint(&d.join("envs/prod"), &["check", "--write-baseline", "../../from-subfolder.json", "../.."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let at_root = std::fs::read_to_string(d.join(".iamlint-baseline.json")).unwrap();
    // Version 3 records chains of grants, of which this workspace has none: else the same.
    let at_root_v3 = at_root.replacen("\"version\": 2", "\"version\": 3", 1);
    assert_eq!(std::fs::read_to_string(d.join("from-subfolder.json")).unwrap(), at_root_v3);
    assert!(at_root.contains("\"path\": \"envs/prod/main.tf\""), "{at_root}");
    // And it is read back from the root.
    quiet_with(d, &["check", "--format", "concise", "--baseline", "from-subfolder.json"]);
}
