//! `scripts/new-rule` (CONTRIBUTING.md) on a copy of the tree: it writes the rule's file,
//! documentation and fixtures, and registers it in code order; it refuses a taken code.

use crate::common::*;
use std::path::Path;
use std::process::Command;

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn new_rule_scaffolds_and_registers_in_code_order() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for folder in ["scripts", "src/rules", "rules"] {
        copy_tree(&repo_root().join(folder), &d.join(folder));
    }
    std::fs::create_dir_all(d.join("docs")).unwrap();
    std::fs::copy(repo_root().join("docs/rules.md"), d.join("docs/rules.md")).unwrap();
    let run = |args: &[&str]| Command::new("python3").arg(d.join("scripts/new-rule")).args(args).output();
    let Ok(out) = run(&["IAM207", "token-owner-unknown", "--severity", "info", "--fix", "safe"]) else {
        assert!(std::env::var_os("CI").is_none(), "python3 is missing in CI");
        eprintln!("SKIPPED: python3 is not installed");
        return;
    };
    assert!(out.status.success(), "{}", stderr(&out));
    let source = std::fs::read_to_string(d.join("src/rules/iam207_token_owner_unknown.rs")).unwrap();
    assert!(source.contains("code: \"IAM207\",\n    name: \"token-owner-unknown\",\n    severity: Severity::Info,"));
    assert!(source.contains("fix: Fixes::Sometimes(Safety::Safe),"), "{source}");
    assert!(d.join("rules/IAM207.toml").is_file());
    assert!(d.join("fixtures/rules/IAM207/bad_manifest/iam.yaml").is_file());
    assert!(d.join("fixtures/rules/IAM207/good_manifest/expected.txt").is_file());
    let registry = std::fs::read_to_string(d.join("src/rules/mod.rs")).unwrap();
    assert!(
        registry.contains("    iam206_ambiguous_token,\n    iam207_token_owner_unknown,\n    iam301_"),
        "{registry}"
    );
    let readme = std::fs::read_to_string(d.join("docs/rules.md")).unwrap();
    let rows: Vec<&str> = readme.lines().filter(|l| l.starts_with("| IAM20")).collect();
    assert!(rows.iter().position(|r| r.starts_with("| IAM207 | token-owner-unknown | info |")) == Some(rows.len() - 1));
    // A code or name that exists is refused, and nothing is written.
    let again = run(&["IAM207", "other-name"]).unwrap();
    assert!(!again.status.success());
    assert!(stderr(&again).contains("IAM207 exists already"), "{}", stderr(&again));
    let taken = run(&["IAM208", "ambiguous-token"]).unwrap();
    assert!(stderr(&taken).contains("the name `ambiguous-token` is taken"), "{}", stderr(&taken));
    assert!(!d.join("rules/IAM208.toml").exists());
}
