//! The GitHub Action (`action.yml`): its shell steps are `ci/github/action.sh`, run here as
//! the runner would, with the GitHub variables set, on a pull request's shallow checkout
//! whose base branch is on a local `origin`. The SARIF goes through Microsoft's validator;
//! the summary, the step's output and its exit status are checked.

use crate::common;
use common::sarif::{require_validator, validate};
use common::*;
use iamlint::syntax::yaml::{self, Limits, Node};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BASE: &str = "\
groups:
  - name: bots
    description: Automation
roles:
  - name: deployer
    description: Deploys flows
    permissions:
      FLOW: [VIEW, CREATE]
bindings:
  - type: GROUP
    externalId: bots
    roleId: deployer
    namespace: company.team
serviceAccounts:
  - name: ci
    description: CI
    groups: [bots]
";

/// The pull request: the binding becomes tenant-wide with SECRET access, and a new bot
/// with a bad name, and backticks in it, joins the group.
fn pull_request() -> String {
    BASE.replace("FLOW: [VIEW, CREATE]", "FLOW: [VIEW, CREATE]\n      SECRET: [VIEW]")
        .replace("    namespace: company.team\n", "")
        + "  - name: ETL```Bot\n    description: ETL\n    groups: [bots]\n"
}

/// `origin` (a bare repository) with `main` and `feature`, and the pull request's checkout
/// as actions/checkout makes it: one commit deep, on the branch, without `main`.
struct Workspace {
    dir: tempfile::TempDir,
}

impl Workspace {
    fn new() -> Workspace {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let dev = d.join("dev");
        std::fs::create_dir(&dev).unwrap();
        git(&dev, &["init", "-q", "-b", "main"]);
        write(&dev, "iam/iam.yaml", BASE);
        git(&dev, &["add", "."]);
        git(&dev, &["commit", "-qm", "base"]);
        git(&dev, &["checkout", "-qb", "feature"]);
        write(&dev, "iam/iam.yaml", &pull_request());
        git(&dev, &["commit", "-qam", "pull request"]);
        git(d, &["clone", "-q", "--bare", "dev", "origin.git"]);
        let origin = format!("file://{}", d.join("origin.git").display());
        git(d, &["clone", "-q", "--depth=1", "--branch", "feature", &origin, "checkout"]);
        for file in ["summary.md", "output.txt", "path.txt"] {
            std::fs::write(d.join(file), "").unwrap();
        }
        std::fs::create_dir(d.join("runner-temp")).unwrap();
        Workspace { dir }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.path(name)).unwrap()
    }

    /// `action.sh COMMAND` in the checkout, with the runner's files, `inputs`, and `path`
    /// first on PATH.
    fn action(&self, command: &str, inputs: &[(&str, &str)], path: &Path) -> Output {
        let mut cmd = Command::new("bash");
        cmd.arg(repo_root().join("ci/github/action.sh"))
            .arg(command)
            .current_dir(self.path("checkout"))
            .env("GITHUB_STEP_SUMMARY", self.path("summary.md"))
            .env("GITHUB_OUTPUT", self.path("output.txt"))
            .env("GITHUB_PATH", self.path("path.txt"))
            .env("RUNNER_TEMP", self.path("runner-temp"))
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("NO_COLOR", "1");
        let system = std::env::var_os("PATH").unwrap_or_default();
        let dirs = std::iter::once(path.to_path_buf()).chain(std::env::split_paths(&system));
        cmd.env("PATH", std::env::join_paths(dirs).unwrap());
        for (k, v) in inputs {
            cmd.env(k, v);
        }
        cmd.output().expect("bash runs")
    }
}

/// A folder holding only the binary under test, as `iamlint`.
fn binary_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_iamlint"), dir.path().join("iamlint")).unwrap();
    dir
}

fn log(o: &Output) -> String {
    format!("{}{}", stdout(o), stderr(o))
}

#[test]
fn the_action_reports_sarif_a_summary_and_fails_on_findings() {
    let ws = Workspace::new();
    let bin = binary_folder();
    let inputs = [("INPUT_PATHS", "iam"), ("INPUT_FAIL_ON", "warning"), ("INPUT_BASE_REF", "main")];
    let out = ws.action("run", &inputs, bin.path());
    assert_eq!(out.status.code(), Some(1), "{}", log(&out));

    // The step's output names the SARIF file, which holds the findings.
    assert_eq!(ws.read("output.txt"), "sarif-file=iamlint.sarif\n");
    let sarif: serde_json::Value = serde_json::from_str(&ws.read("checkout/iamlint.sarif")).expect("SARIF is JSON");
    assert_eq!(sarif["version"], "2.1.0");
    let rules: BTreeSet<&str> =
        sarif["runs"][0]["results"].as_array().unwrap().iter().map(|r| r["ruleId"].as_str().unwrap()).collect();
    assert!(rules.contains("IAM101") && rules.contains("IAM305"), "{rules:?}");
    if let Some(tool) = require_validator() {
        for extra in [&[][..], &["--rule-kind", "Gh"][..]] {
            let counts = validate(&tool, &ws.path("checkout/iamlint.sarif"), extra);
            assert!(counts.errors.is_empty() && counts.warnings.is_empty(), "{extra:?}: {:?}", counts.errors);
        }
    }

    // The summary: the findings by rule, then the access diff against the base branch,
    // fetched from origin, in a fence the bot's backticks cannot close.
    let summary = ws.read("summary.md");
    assert!(summary.starts_with("## iamlint\n"), "{summary}");
    assert!(summary.contains("| count | code | name | severity |"), "{summary}");
    assert!(summary.contains("| 1 | IAM101 | service-account-name | error |"), "{summary}");
    assert!(summary.contains("the check fails on warning and above."), "{summary}");
    let diff = &summary[summary.find("### Access changes against `main`").expect("an access section")..];
    assert!(diff.contains("\n````text\nAccess changes since origin/main (+ gained, - lost):\n"), "{diff}");
    assert!(diff.contains("  + (tenant-wide)  SECRET  VIEW"), "{diff}");
    assert!(diff.contains("service account ETL```Bot  (tenant main)  [new]"), "{diff}");
    assert!(diff.trim_end().ends_with("\n````"), "{diff}");
    // Each count is what `check --format json` says.
    let json: serde_json::Value =
        serde_json::from_slice(&iamlint(&ws.path("checkout"), &["check", "--format", "json", "iam"]).stdout).unwrap();
    let total = json["findings"].as_array().unwrap().len();
    assert!(summary.contains(&format!("\n{total} findings (")), "{summary}");
}

#[test]
fn fail_on_args_and_a_broken_run() {
    let ws = Workspace::new();
    let bin = binary_folder();
    // Only the warnings remain once IAM101 is ignored: `fail-on: error` passes the step.
    let inputs = [
        ("INPUT_PATHS", "iam"),
        ("INPUT_FAIL_ON", "error"),
        ("INPUT_ARGS", "--ignore IAM101"),
        ("INPUT_SARIF_FILE", "out.sarif"),
    ];
    let out = ws.action("run", &inputs, bin.path());
    assert_eq!(out.status.code(), Some(0), "{}", log(&out));
    let summary = ws.read("summary.md");
    assert!(!summary.contains("IAM101") && summary.contains("| IAM305 |"), "{summary}");
    assert!(!summary.contains("### Access"), "no base branch, no access section: {summary}");
    assert_eq!(ws.read("output.txt"), "sarif-file=out.sarif\n");

    // iamlint cannot run: the step fails with status 2, and there is no SARIF to upload.
    std::fs::write(ws.path("output.txt"), "").unwrap();
    let out = ws.action("run", &[("INPUT_CONFIG", "missing.yaml")], bin.path());
    assert_eq!(out.status.code(), Some(2), "{}", log(&out));
    assert!(stdout(&out).contains("::error title=iamlint::iamlint could not run (exit status 2)"), "{}", log(&out));
    assert_eq!(ws.read("output.txt"), "");
    assert!(!ws.path("checkout/iamlint.sarif").exists());
}

/// The install step with the wheel `.ci/run` builds, pip offline, and no Rust toolchain.
#[test]
fn the_action_installs_the_wheel_and_puts_it_on_the_path() {
    let Some(wheels) = require_wheels() else { return };
    let ws = Workspace::new();
    let empty = tempfile::tempdir().unwrap();
    let mut cmd_path = path_without_rust();
    cmd_path =
        std::env::join_paths(std::iter::once(empty.path().to_path_buf()).chain(std::env::split_paths(&cmd_path)))
            .unwrap();
    let out = Command::new("bash")
        .arg(repo_root().join("ci/github/action.sh"))
        .arg("install")
        .current_dir(ws.path("checkout"))
        .env("PATH", &cmd_path)
        .env("RUNNER_TEMP", ws.path("runner-temp"))
        .env("GITHUB_PATH", ws.path("path.txt"))
        .env("INPUT_VERSION", env!("CARGO_PKG_VERSION"))
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", &wheels)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", log(&out));
    assert_eq!(stdout(&out).trim(), format!("iamlint {}", env!("CARGO_PKG_VERSION")));
    let added = PathBuf::from(ws.read("path.txt").trim());
    assert!(added.starts_with(ws.path("runner-temp")), "{added:?}");
    // The next steps find it through GITHUB_PATH and run it.
    let out = ws.action("run", &[("INPUT_PATHS", "iam")], &added);
    assert_eq!(out.status.code(), Some(1), "{}", log(&out));
}

/// action.yml and the script agree: every input is declared and used, and each INPUT_*
/// variable the script reads is passed by a step.
#[test]
fn action_yml_passes_the_script_what_it_reads() {
    let text = std::fs::read_to_string(repo_root().join("action.yml")).unwrap();
    let docs = yaml::parse(&text, Limits::default()).expect("action.yml parses");
    let action = &docs[0];
    assert_eq!(action.get("runs").and_then(|r| r.get("using")).and_then(Node::as_str), Some("composite"));
    let Some(Node::Map { entries, .. }) = action.get("inputs") else { panic!("no inputs") };
    let declared: BTreeSet<&str> = entries.iter().filter_map(|(k, _)| k.as_str()).collect();
    // `${{ inputs.X }}` in values, `inputs.X` in `if:` conditions.
    let used: BTreeSet<&str> = text
        .match_indices("inputs.")
        .map(|(i, m)| &text[i + m.len()..])
        .map(|rest| &rest[..rest.find(|c: char| c != '-' && !c.is_ascii_alphanumeric()).unwrap()])
        .collect();
    assert_eq!(declared, used, "inputs declared and inputs used");

    let Some(Node::Seq { items: steps, .. }) = action.get("runs").and_then(|r| r.get("steps")) else {
        panic!("no steps")
    };
    let mut passed = BTreeSet::new();
    let mut commands = Vec::new();
    for step in steps {
        if let Some(run) = step.get("run").and_then(Node::as_str) {
            assert_eq!(step.get("shell").and_then(Node::as_str), Some("bash"), "{run}");
            commands.push(run.rsplit(' ').next().unwrap().to_string());
        }
        if let Some(Node::Map { entries, .. }) = step.get("env") {
            passed.extend(entries.iter().filter_map(|(k, _)| k.as_str()));
        }
    }
    assert_eq!(commands, ["install", "run"]);
    let script = std::fs::read_to_string(repo_root().join("ci/github/action.sh")).unwrap();
    let read: BTreeSet<&str> = script
        .match_indices("${INPUT_")
        .map(|(i, _)| &script[i + 2..])
        .map(|rest| &rest[..rest.find(|c: char| c != '_' && !c.is_ascii_uppercase()).unwrap()])
        .collect();
    assert_eq!(read, passed, "INPUT_* read by the script and passed by action.yml");
}
