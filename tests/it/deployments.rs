//! Terraform as Terraform runs it: root modules are deployments (separate states, usually
//! separate Kestra instances), child modules are evaluated per call, and a root linted alone
//! follows its module sources. Each test lays out a small repository the way platform teams
//! do: `envs/<env>/` roots with their own provider and tfvars, `modules/` shared by them.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::Path;

fn provider(tenant: &str) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    kestra = {{\n      source = \"kestra-io/kestra\"\n    }}\n  }}\n}}\n\nprovider \"kestra\" {{\n  url       = var.kestra_url\n  tenant_id = \"{tenant}\"\n}}\n\nvariable \"kestra_url\" {{\n  type = string\n}}\n"
    )
}

const ENV_IAM: &str = r#"resource "kestra_group" "bots" {
  name        = "bots"
  description = "CI/CD bots"
}

resource "kestra_role" "deployer" {
  name = "flow-deployer"
  permissions {
    type        = "FLOW"
    permissions = ["CREATE", "READ", "UPDATE"]
  }
}

resource "kestra_binding" "bots_deploy" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = kestra_role.deployer.id
  namespace   = "company.team"
}

resource "kestra_service_account" "ci" {
  name        = "ci-deployer"
  description = "Deploys flows from CI"
  groups {
    id = kestra_group.bots.id
  }
}
"#;

/// Two environments, each its own root with a provider block and tfvars, declaring the
/// same objects: a repository as `terraform -chdir=envs/prod apply` runs it.
fn two_environments(dir: &Path) {
    for (env, url) in [("prod", "https://kestra.example.com"), ("staging", "https://kestra-staging.example.com")] {
        write(dir, &format!("envs/{env}/providers.tf"), &provider("main"));
        write(dir, &format!("envs/{env}/iam.tf"), ENV_IAM);
        write(dir, &format!("envs/{env}/terraform.tfvars"), &format!("kestra_url = \"{url}\"\n"));
    }
    write(dir, "README.md", "# platform IAM\n");
    git(dir, &["init", "-q"]);
}

#[test]
fn the_same_names_in_two_roots_are_two_deployments_not_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    two_environments(dir.path());
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM103,IAM501"]);
    assert_eq!(stdout(&out), "", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));

    // Within one deployment a duplicate is still one.
    write(dir.path(), "envs/prod/extra.tf", "resource \"kestra_group\" \"bots_again\" {\n  name = \"bots\"\n}\n");
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM103"]);
    assert_eq!(
        stdout(&out),
        "envs/prod/iam.tf:2:17: IAM103 [error] duplicate group name `bots` in tenant `main` of deployment `envs/prod`\n"
    );
}

#[test]
fn names_resolve_within_their_deployment() {
    let dir = tempfile::tempdir().unwrap();
    two_environments(dir.path());
    // The role exists only in prod's state: staging's binding to it by name finds nothing.
    write(
        dir.path(),
        "envs/staging/viewer.tf",
        "resource \"kestra_binding\" \"viewers\" {\n  type        = \"GROUP\"\n  external_id = \"bots\"\n  role_id     = \"flow-viewer\"\n}\n",
    );
    write(
        dir.path(),
        "envs/prod/viewer.tf",
        "resource \"kestra_role\" \"viewer\" {\n  name = \"flow-viewer\"\n  permissions {\n    type        = \"FLOW\"\n    permissions = [\"READ\"]\n  }\n}\n",
    );
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM501"]);
    let text = stdout(&out);
    assert!(text.starts_with("envs/staging/viewer.tf:4:17: IAM501"), "{text}");
    assert!(text.contains("no role named `flow-viewer`"), "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn access_shows_each_deployment_apart() {
    let dir = tempfile::tempdir().unwrap();
    two_environments(dir.path());
    write(dir.path(), "iam/people.yaml", "users:\n  - email: jane@example.com\n    groups: [bots]\n");
    let out = iamlint(dir.path(), &["access", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rows: Vec<(String, String, String)> = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["deployment"].as_str().unwrap_or("*").to_string(),
                p["name"].as_str().unwrap().to_string(),
                p["path"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("*".into(), "jane@example.com".into(), "iam/people.yaml".into()),
            ("envs/prod".into(), "ci-deployer".into(), "envs/prod/iam.tf".into()),
            ("envs/staging".into(), "ci-deployer".into(), "envs/staging/iam.tf".into()),
        ]
    );
    assert!(report["principals"][0]["deployment"].is_null());
    let out = iamlint(dir.path(), &["access"]);
    let text = stdout(&out);
    let prod = text.find("deployment envs/prod\n").expect(&text);
    let staging = text.find("deployment envs/staging\n").expect(&text);
    assert!(text.starts_with("manifests (every deployment)\n") && prod < staging, "{text}");
}

#[test]
fn the_configuration_merges_roots_and_assigns_manifests() {
    let dir = tempfile::tempdir().unwrap();
    two_environments(dir.path());
    // A second root against prod's instance: its group `bots` is prod's too.
    write(dir.path(), "envs/prod-flows/providers.tf", &provider("main"));
    write(dir.path(), "envs/prod-flows/groups.tf", "resource \"kestra_group\" \"bots\" {\n  name = \"bots\"\n}\n");
    // Staging's people, managed by manifest: their group `bots` is staging's group.
    write(dir.path(), "iam/staging/people.yaml", "groups:\n  - name: bots\n");
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM103"]);
    let text = stdout(&out);
    // Unconfigured: three roots, three deployments; the manifest is in each of them.
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(text.lines().all(|l| l.starts_with("iam/staging/people.yaml:2:11: IAM103")), "{text}");

    write(
        dir.path(),
        ".iamlint.yaml",
        "deployments:\n  production:\n    roots: [envs/prod, envs/prod-flows]\n  staging:\n    roots: [envs/staging]\n    manifests: [\"iam/staging/**\"]\n",
    );
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM103"]);
    assert_eq!(
        stdout(&out),
        "envs/prod/iam.tf:2:17: IAM103 [error] duplicate group name `bots` in tenant `main` of deployment `production`\n\
         iam/staging/people.yaml:2:11: IAM103 [error] duplicate group name `bots` in tenant `main` of deployment `staging`\n",
        "{}",
        stderr(&out)
    );
    let out = iamlint(dir.path(), &["access", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let deployments: Vec<&str> =
        report["principals"].as_array().unwrap().iter().map(|p| p["deployment"].as_str().unwrap()).collect();
    assert_eq!(deployments, ["production", "staging"]);

    write(dir.path(), ".iamlint.yaml", "deployments:\n  prod:\n    roots: [envs/prod]\n    manifest: [\"iam/**\"]\n");
    let out = iamlint(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown field `manifest` of deployment `prod`"), "{}", stderr(&out));
}
