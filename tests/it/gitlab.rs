//! The GitLab CI job template (`ci/gitlab/iamlint.gitlab-ci.yml`): parsed, and its
//! `script:` lines run as GitLab's runner runs them (one bash script, `set -eo pipefail`,
//! the job's variables in the environment) with the binary under test on PATH. The reports
//! the job declares as artifacts must exist and hold the findings; the job's status follows
//! IAMLINT_FAIL_ON.

use crate::common;
use common::*;
use iamlint::syntax::yaml::{self, Limits, Node};
use std::path::Path;
use std::process::{Command, Output};

struct Job {
    variables: Vec<(String, String)>,
    before_script: Vec<String>,
    script: Vec<String>,
    codequality: String,
    paths: Vec<String>,
}

fn strings(node: Option<&Node>) -> Vec<String> {
    match node {
        Some(Node::Seq { items, .. }) => items.iter().map(|i| i.as_str().expect("a string").to_string()).collect(),
        _ => Vec::new(),
    }
}

fn job() -> Job {
    let text = std::fs::read_to_string(repo_root().join("ci/gitlab/iamlint.gitlab-ci.yml")).unwrap();
    let docs = yaml::parse(&text, Limits::default()).expect("the template parses");
    let job = docs[0].get("iamlint").expect("an `iamlint` job");
    let Some(Node::Map { entries, .. }) = job.get("variables") else { panic!("no variables") };
    let variables = entries.iter().map(|(k, v)| (k.as_str().unwrap().into(), v.as_str().unwrap().into())).collect();
    let artifacts = job.get("artifacts").expect("artifacts");
    assert_eq!(artifacts.get("when").and_then(Node::as_str), Some("always"), "reports are kept when the job fails");
    let codequality = artifacts.get("reports").and_then(|r| r.get("codequality")).and_then(Node::as_str).unwrap();
    Job {
        variables,
        before_script: strings(job.get("before_script")),
        script: strings(job.get("script")),
        codequality: codequality.into(),
        paths: strings(artifacts.get("paths")),
    }
}

/// The job's `script:` in `dir`, with `overrides` on top of its variables.
fn run_job(job: &Job, dir: &Path, overrides: &[(&str, &str)]) -> Output {
    let bin = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_iamlint"), bin.path().join("iamlint")).unwrap();
    let system = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(std::iter::once(bin.path().to_path_buf()).chain(std::env::split_paths(&system)));
    let script = format!("set -eo pipefail\n{}\n", job.script.join("\n"));
    let mut cmd = Command::new("bash");
    cmd.args(["-c", &script]).current_dir(dir).env("PATH", path.unwrap()).env("NO_COLOR", "1");
    for (k, v) in &job.variables {
        cmd.env(k, v);
    }
    for (k, v) in overrides {
        cmd.env(k, v);
    }
    cmd.output().expect("bash runs")
}

fn log(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

fn json(dir: &Path, name: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn the_template_installs_the_wheel_and_keeps_both_reports() {
    let job = job();
    assert_eq!(job.before_script.len(), 1);
    assert!(
        job.before_script[0].contains("pip install") && job.before_script[0].contains("iamlint==${IAMLINT_VERSION}")
    );
    assert!(job.paths.contains(&"iamlint.sarif".to_string()) && job.paths.contains(&job.codequality));
}

#[test]
fn the_job_fails_on_findings_with_both_reports_written() {
    let job = job();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam/sa.yaml", "serviceAccounts:\n  - name: CI_Bot\n");
    write(dir.path(), "README.md", "# not linted\n");
    let out = run_job(&job, dir.path(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", log(&out));
    assert!(stdout(&out).starts_with("iamlint "), "the version line: {}", log(&out));

    let quality = json(dir.path(), &job.codequality);
    let issues = quality.as_array().expect("Code Quality is a JSON array");
    assert!(issues.iter().any(|i| i["check_name"].as_str().is_some_and(|c| c.starts_with("IAM101"))), "{quality}");
    for issue in issues {
        assert_eq!(issue["location"]["path"], "iam/sa.yaml", "{issue}");
        assert!(issue["fingerprint"].is_string() && issue["description"].is_string(), "{issue}");
    }
    let sarif = json(dir.path(), "iamlint.sarif");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), issues.len());

    // With IAMLINT_FAIL_ON=error and only warnings left, the job passes.
    write(dir.path(), "iam/sa.yaml", "serviceAccounts:\n  - name: ci-bot\n    description: CI\n");
    let out = run_job(&job, dir.path(), &[("IAMLINT_FAIL_ON", "error")]);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert!(!json(dir.path(), &job.codequality).as_array().unwrap().is_empty(), "the warnings are still reported");
}

#[test]
fn a_clean_workspace_passes_and_a_broken_run_fails() {
    let job = job();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam/groups.yaml", "groups:\n  - name: bots\n    description: Automation\n");
    let out = run_job(&job, dir.path(), &[("IAMLINT_PATHS", "iam")]);
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    assert_eq!(json(dir.path(), &job.codequality), serde_json::json!([]));

    // A path that does not exist is iamlint's status 2: the SARIF line, which lets status 1
    // through, stops the job there.
    let fresh = tempfile::tempdir().unwrap();
    let out = run_job(&job, fresh.path(), &[("IAMLINT_PATHS", "missing/")]);
    assert_ne!(out.status.code(), Some(0), "{}", log(&out));
    assert!(stderr(&out).contains("does not exist"), "{}", log(&out));
    assert!(!fresh.path().join(&job.codequality).exists(), "the job went on after status 2");
}
