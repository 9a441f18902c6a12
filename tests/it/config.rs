//! `.iamlint.yaml` as users meet it: discovery up to the repository root, `--config`,
//! errors naming file, line and key (exit 2), command-line flags over the file, and the
//! commands that read it (`rules`, `config`).

use crate::common;
use common::*;
use serde_json::Value;

const DIRTY: &str = "serviceAccounts:\n  - name: CI_Bot\n";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    dir
}

#[test]
fn the_nearest_file_up_to_the_repository_root_applies() {
    let dir = repo();
    let d = dir.path();
    write(d, ".iamlint.yaml", "ignore: [IAM101]\n");
    write(d, "iam/sa.yaml", DIRTY);
    let out = iamlint(&d.join("iam"), &["check", "--format", "concise", "."]);
    let text = stdout(&out);
    assert!(!text.contains("IAM101") && text.contains("IAM401"), "{text}");
    // A file named by pre-commit finds the same configuration.
    let out = iamlint(d, &["check", "--format", "concise", "iam/sa.yaml"]);
    assert!(!stdout(&out).contains("IAM101"), "{}", stdout(&out));
    // A configuration above the repository root does not apply.
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), ".iamlint.yaml", "ignore: [IAM101]\n");
    write(outer.path(), "project/.git/HEAD", "");
    write(outer.path(), "project/sa.yaml", DIRTY);
    let out = iamlint(&outer.path().join("project"), &["check", "--format", "concise"]);
    assert!(stdout(&out).contains("IAM101"), "{}", stdout(&out));
}

#[test]
fn config_flag_overrides_discovery() {
    let dir = repo();
    let d = dir.path();
    write(d, ".iamlint.yaml", "ignore: [IAM101]\n");
    write(d, "ci/strict.yaml", "severity:\n  IAM401: info\n");
    write(d, "sa.yaml", DIRTY);
    let out = iamlint(d, &["check", "--format", "concise", "--config", "ci/strict.yaml"]);
    let text = stdout(&out);
    assert!(text.contains("IAM101 [error]") && text.contains("IAM401 [info]"), "{text}");
}

#[test]
fn bad_configuration_is_status_two_naming_file_line_and_key() {
    let dir = repo();
    let d = dir.path();
    write(d, "sa.yaml", DIRTY);
    for (text, expected) in [
        (
            "select: [IAM101]\nmax-tokn-age: P30D\n",
            ".iamlint.yaml:2:1: `max-tokn-age`: unknown setting (did you mean `max-token-age`?)",
        ),
        ("severity:\n  IAM401: loud\n", ".iamlint.yaml:2:11: `severity`: unknown severity `loud`"),
        (
            "ignore: [service-acount-name]\n",
            ".iamlint.yaml:1:10: `ignore`: unknown rule `service-acount-name` (did you mean `service-account-name`?)",
        ),
        ("max-token-age: P1Y\n", ".iamlint.yaml:1:16: `max-token-age`: `P1Y` is not a duration"),
        ("include: [\"a/[\"]\n", ".iamlint.yaml:1:11: `include`: invalid glob `a/[`"),
        ("max-file-size: big\n", ".iamlint.yaml:1:16: `max-file-size`: expected a positive whole number"),
        ("select: [IAM101\n", ".iamlint.yaml:2:1: "),
    ] {
        write(d, ".iamlint.yaml", text);
        let out = iamlint(d, &["check"]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(stderr(&out).contains(expected), "{text:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    let out = iamlint(d, &["check", "--config", "missing.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.yaml:1:1: cannot read the configuration file"), "{}", stderr(&out));
}

#[test]
fn command_line_flags_override_the_file() {
    let dir = repo();
    let d = dir.path();
    write(d, ".iamlint.yaml", "select: [IAM101]\nmax-token-age: P7D\n");
    write(d, "iam.yaml", "groups:\n  - name: bots\nserviceAccounts:\n  - name: CI_Bot\n    groups: [bots]\n    apiTokens:\n      - name: t\n        maxAge: P30D\n");
    let concise = |args: &[&str]| {
        let mut all = vec!["check", "--format", "concise"];
        all.extend_from_slice(args);
        stdout(&iamlint(d, &all))
    };
    let text = concise(&[]);
    assert!(text.contains("IAM101") && !text.contains("IAM202"), "select from the file: {text}");
    let text = concise(&["--select", "IAM202"]);
    assert!(!text.contains("IAM101") && text.contains("above the maximum P7D"), "--select replaces: {text}");
    let text = concise(&["--extend-select", "IAM202", "--max-token-age", "P60D"]);
    assert!(text.contains("IAM101") && !text.contains("IAM202"), "--max-token-age wins: {text}");
    let text = concise(&["--extend-select", "IAM202", "--ignore", "IAM101"]);
    assert!(!text.contains("IAM101") && text.contains("IAM202"), "{text}");
}

#[test]
fn include_exclude_and_per_file_ignores() {
    let dir = repo();
    let d = dir.path();
    write(
        d,
        ".iamlint.yaml",
        "exclude: [\"vendor/**\"]\nper-file-ignores:\n  \"legacy/*.yaml\": [service-account-name]\n  \"*.tf\": [IAM401]\n",
    );
    write(d, "vendor/iam.yaml", DIRTY);
    write(d, "legacy/iam.yaml", DIRTY);
    write(d, "main.tf", "resource \"kestra_service_account\" \"x\" {\n  name = \"ok\"\n}\n");
    let text = stdout(&iamlint(d, &["check", "--format", "concise"]));
    assert!(!text.contains("vendor/"), "excluded: {text}");
    assert!(text.contains("legacy/iam.yaml:2:5: IAM401"), "{text}");
    assert!(!text.contains("IAM101") && !text.contains("main.tf"), "{text}");
    // An excluded file stays excluded when named (as pre-commit names files).
    let out = iamlint(d, &["check", "--format", "concise", "vendor/iam.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    write(d, ".iamlint.yaml", "include: [\"legacy/**\"]\n");
    let text = stdout(&iamlint(d, &["check", "--format", "concise"]));
    assert!(text.contains("legacy/iam.yaml") && !text.contains("vendor/"), "{text}");
}

#[test]
fn max_file_size_comes_from_the_file() {
    let dir = repo();
    write(dir.path(), ".iamlint.yaml", "max-file-size: 10\n");
    write(dir.path(), "iam.yaml", DIRTY);
    let text = stdout(&iamlint(dir.path(), &["check", "--format", "concise"]));
    assert!(text.contains("iam.yaml:1:1: IAM001 [error] file is larger than the 10-byte limit"), "{text}");
}

#[test]
fn rules_reflect_the_configuration() {
    let dir = repo();
    write(dir.path(), ".iamlint.yaml", "ignore: [IAM301]\nseverity:\n  IAM401: error\n");
    let table = stdout(&iamlint(dir.path(), &["rules"]));
    assert!(table.contains("IAM301   super-admin-service-account            error    off"), "{table}");
    assert!(table.contains("IAM401   service-account-missing-group          error    on"), "{table}");
    let out = iamlint(dir.path(), &["rules", "--format", "json"]);
    let rules: Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = rules.as_array().unwrap();
    assert_eq!(rules.len(), iamlint::rules::BUILTIN.len());
    let r = rules.iter().find(|r| r["code"] == "IAM301").unwrap();
    assert_eq!((r["enabled"].as_bool(), r["enabled_by_default"].as_bool()), (Some(false), Some(true)));
    let r = rules.iter().find(|r| r["code"] == "IAM401").unwrap();
    assert_eq!((r["severity"].as_str(), r["default_severity"].as_str()), (Some("error"), Some("warning")));
    assert_eq!(r["help_uri"], "https://github.com/iamlint/iamlint/blob/main/rules/IAM401.toml");
}

#[test]
fn config_command_shows_the_file_and_prints_the_schema() {
    let dir = repo();
    write(dir.path(), ".iamlint.yaml", "max-token-age: p30d\nrules-dir: policies\n");
    let shown: Value = serde_json::from_slice(&iamlint(dir.path(), &["config"]).stdout).unwrap();
    assert!(shown["file"].as_str().unwrap().ends_with(".iamlint.yaml"));
    assert_eq!(shown["max-token-age"], "P30D");
    assert!(shown["rules-dir"].as_str().unwrap().ends_with("policies"));
    let out = iamlint(dir.path(), &["config", "--schema"]);
    assert_eq!(out.status.code(), Some(0));
    let schema: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = schema["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    let accepted: Vec<&str> = iamlint::config::KEYS.iter().map(|k| k.name).collect();
    assert_eq!(keys.len(), accepted.len());
    for k in accepted {
        assert!(keys.contains(&k), "schema lacks {k}");
    }
}

#[test]
fn completions_and_man_page_come_from_the_clap_definitions() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = iamlint(dir.path(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = stdout(&out);
        assert!(text.contains("iamlint") && text.contains("max-token-age"), "{shell}:\n{text}");
        // Value completion (the output formats) exists only for some shells in clap_complete.
        if matches!(shell, "bash" | "zsh" | "fish") {
            assert!(text.contains("sarif"), "{shell}:\n{text}");
        }
    }
    assert_eq!(iamlint(dir.path(), &["completions", "tcsh"]).status.code(), Some(2));
    let out = iamlint(dir.path(), &["man"]);
    let page = stdout(&out);
    assert!(page.starts_with(".ie") || page.contains(".TH iamlint"), "{page}");
    assert!(page.contains("completions") && page.contains("explain"), "{page}");
}

#[test]
fn the_published_schema_file_is_current() {
    // iamlint.schema.json is what editors fetch by URL; it must equal `config --schema`.
    let out = iamlint(repo_root(), &["config", "--schema"]);
    let path = repo_root().join("iamlint.schema.json");
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        std::fs::write(&path, &out.stdout).unwrap();
    }
    let published = std::fs::read(&path).unwrap_or_default();
    assert!(published == out.stdout, "iamlint.schema.json is stale: UPDATE_EXPECT=1 cargo test --test it config");
}

#[test]
fn the_documented_example_configuration_is_valid() {
    let readme = std::fs::read_to_string(repo_root().join("docs/configuration.md")).unwrap();
    let start = readme.find("# .iamlint.yaml\n").expect("docs/configuration.md shows a .iamlint.yaml");
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let config = iamlint::config::parse(std::path::Path::new("docs/configuration.md"), block, "/repo".into())
        .unwrap_or_else(|e| panic!("the documented example: {e}"));
    // Every documented key is in the example.
    for key in iamlint::config::KEYS {
        assert!(block.contains(&format!("\n{}:", key.name)), "the documented example lacks {}", key.name);
    }
    assert_eq!(config.max_token_age, iamlint::duration::parse("P30D").ok());
}
