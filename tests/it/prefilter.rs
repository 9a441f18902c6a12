//! The byte-search shortcut (src/frontend/prefilter.rs) leaves files that cannot matter
//! unparsed: it must change no finding. Every sample repository, fixture case and generated
//! workspace is linted with it and without it (`IAMLINT_NO_PREFILTER=1`), and the JSON
//! reports compared byte for byte.

use crate::common::{repo_root, stderr, stdout, write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

#[path = "../../benches/mixed.rs"]
mod mixed;
#[path = "../../benches/workspace.rs"]
mod workspace;

fn run(dir: &Path, args: &[&str], prefilter: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    if !prefilter {
        command.env("IAMLINT_NO_PREFILTER", "1");
    }
    command.output().expect("iamlint runs")
}

/// The JSON report (and exit status) with the shortcut and without it are the same.
fn same_findings(dir: &Path) -> usize {
    let args = ["check", "--format", "json", "--exit-zero", "."];
    let (fast, full) = (run(dir, &args, true), run(dir, &args, false));
    assert_eq!(fast.status.code(), full.status.code(), "exit status in {}", dir.display());
    assert_eq!(stdout(&fast), stdout(&full), "findings differ with the prefilter in {}", dir.display());
    stdout(&full).matches("\"code\"").count()
}

fn folders(parent: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(parent).unwrap().flatten().map(|e| e.path()).collect();
    out.retain(|p| p.is_dir());
    out.sort();
    out
}

#[test]
fn findings_are_the_same_without_the_prefilter_on_examples_and_fixtures() {
    let root = repo_root();
    let mut dirs = folders(&root.join("examples"));
    for sample in ["api_export", "credentials", "distractors", "formats", "policies"] {
        dirs.push(root.join("fixtures").join(sample));
    }
    for rule in folders(&root.join("fixtures/rules")) {
        dirs.extend(folders(&rule));
    }
    let findings: usize = dirs.iter().map(|d| same_findings(d)).sum();
    assert!(dirs.len() > 100 && findings > 100, "{} folders, {findings} findings", dirs.len());
}

#[test]
fn findings_are_the_same_without_the_prefilter_on_generated_workspaces() {
    for (share, files) in [(None, 400), (Some(5.0), 600), (Some(25.0), 300)] {
        let dir = tempfile::tempdir().unwrap();
        let stats = match share {
            Some(share) => mixed::generate(dir.path(), files, share, 50, 7, 0.2).unwrap(),
            None => workspace::generate(dir.path(), files, 50, 7, 0.2).unwrap(),
        };
        let planted: usize = stats.planted.values().sum();
        assert_eq!(same_findings(dir.path()), planted, "share {share:?}");
    }
}

/// A repository where the files that must still be read say so only in ways a careless
/// byte test would miss: a Kestra module reached through two module calls from a root that
/// names no Kestra object, a child whose locals name the accounts, a misspelt section
/// whose list is on the next line, a JSON manifest, and a non-Kestra module beside them.
#[test]
fn what_can_matter_is_read_and_the_rest_is_not() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "envs/prod/main.tf",
        "module \"platform\" {\n  source = \"../../modules/platform\"\n  prefix = \"Prod_\"\n}\n",
    );
    write(d, "envs/prod/terraform.tfvars", "region = \"eu-west-1\"\n");
    write(
        d,
        "modules/platform/main.tf",
        "variable \"prefix\" {}\nmodule \"bots\" {\n  source = \"../bots\"\n  names  = local.names\n}\nlocals {\n  names = [\"${var.prefix}Deployer\"]\n}\n",
    );
    write(
        d,
        "modules/bots/main.tf",
        "variable \"names\" {}\nresource \"kestra_service_account\" \"bot\" {\n  for_each = toset(var.names)\n  name     = each.value\n}\n",
    );
    write(d, "modules/vpc/main.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n");
    // Terraform that is not lowered reads an AWS policy: neither is parsed for it.
    write(
        d,
        "modules/vpc/iam.tf",
        "resource \"aws_iam_policy\" \"p\" {\n  policy = file(\"${path.module}/policy.json\")\n}\n",
    );
    write(d, "modules/vpc/policy.json", "{\"Version\": \"2012-10-17\", \"Statement\": []}\n");
    // ... and one that reads a manifest-shaped file keeps it Terraform's data, not linted.
    write(d, "modules/legacy/main.tf", "locals {\n  seed = yamldecode(file(\"seed.yaml\"))\n}\n");
    write(d, "modules/legacy/seed.yaml", "serviceAccounts:\n- name: Bad_Name\n");
    // Terraform rejects it; it is not iamlint's to report (docs/inputs.md).
    write(d, "modules/vpc/broken.tf", "resource \"aws_subnet\" \"a\" {\n  vpc_id = aws_vpc.main.id\n");
    write(d, "iam/accounts.yaml", "serviceAcounts:\n- name: Bad_Name\n  groups: [ops]\n");
    write(
        d,
        "iam/roles.json",
        "{\n  \"tenant\": \"main\", \"rolse\": [{\"name\": \"r\", \"permissions\": {\"FLOWS\": [\"VIEW\"]}}]\n}\n",
    );
    write(d, "charts/app/values.yaml", "serviceAccount:\n  create: true\nimage:\n  tag: \"1.0\"\n");
    let out = run(d, &["check", "--format", "concise", "--exit-zero", "--show-files", "."], true);
    // Findings on stdout, the files on stderr.
    let text = stdout(&out) + &stderr(&out);
    let line = |path: &str| {
        let listed = |l: &&str| l.starts_with("  ") && l.contains(path);
        text.lines().find(listed).unwrap_or_default().to_string()
    };
    // The account, named by the root's argument two calls down.
    assert!(text.lines().any(|l| l.starts_with("modules/") && l.contains(": IAM101")), "{text}");
    assert!(line("iam/accounts.yaml").contains("linted") && text.contains("IAM002"), "{text}");
    assert!(line("iam/roles.json").contains("linted"), "{text}");
    assert!(line("envs/prod/terraform.tfvars").contains("linted"), "{text}");
    assert!(line("modules/legacy/seed.yaml").contains("Terraform's data"), "{text}");
    let unread = ["modules/vpc/main.tf", "modules/vpc/iam.tf", "modules/vpc/policy.json", "modules/vpc/broken.tf"];
    for unread in unread.into_iter().chain(["charts/app/values.yaml", "modules/legacy/main.tf"]) {
        assert!(line(unread).contains("not parsed"), "{unread} should not be parsed:\n{text}");
    }
    let findings = text.lines().filter(|l| l.contains(": IAM")).count();
    assert!(!text.lines().any(|l| l.starts_with("modules/vpc/broken.tf:")), "{text}");
    // Without the shortcut, the broken file is parsed and reported.
    let full = run(d, &["check", "--format", "concise", "--exit-zero", "."], false);
    let reported = |l: &str| l.starts_with("modules/vpc/broken.tf:") && l.contains(": IAM001");
    assert!(stdout(&full).lines().any(reported), "{}", stdout(&full));
    assert_eq!(stdout(&full).lines().filter(|l| l.contains(": IAM")).count(), findings + 1);
}
