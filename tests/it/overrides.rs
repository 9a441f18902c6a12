//! Override files (`override.tf`, `*_override.tf`, `*_override.tf.json`) merge into the
//! blocks they override, as Terraform merges them: an argument replaces the one written
//! before, nested blocks of a type replace all of that type, `locals` replace by name.
//! Findings point at the text that wins, and fixes edit it.

use crate::common;
use common::*;
use std::path::Path;

const IAM: &str = r#"locals {
  token_max_age = "P400D"
}

variable "bot_description" {
  type    = string
  default = ""
}

resource "kestra_group" "admins" {
  name        = "admins"
  description = "Tenant administrators"
}

resource "kestra_group" "bots" {
  name        = "bots"
  description = "CI/CD bots"
}

resource "kestra_service_account" "ci" {
  name        = "ci-deployer"
  description = var.bot_description
  groups {
    id = kestra_group.admins.id
  }
}

resource "kestra_service_account_api_token" "ci" {
  service_account_id = kestra_service_account.ci.id
  name               = "github-actions"
  description        = "GitHub Actions deploy job"
  max_age            = local.token_max_age
  extended           = true
}
"#;

/// Written by the platform team's generator for prod: what wins over `iam.tf`.
const OVERRIDE: &str = r#"locals {
  token_max_age = "P30D"
}

variable "bot_description" {
  default = "Deploys flows from CI"
}

resource "kestra_service_account" "ci" {
  name = "CI_Bot"
  groups {
    id = kestra_group.bots.id
  }
}

resource "kestra_service_account_api_token" "ci" {
  extended = false
}
"#;

fn repository(dir: &Path) {
    write(dir, "envs/prod/providers.tf", "provider \"kestra\" {\n  url       = var.kestra_url\n  tenant_id = \"main\"\n}\n\nvariable \"kestra_url\" {\n  type = string\n}\n");
    write(dir, "envs/prod/iam.tf", IAM);
    write(dir, "envs/prod/iam_override.tf", OVERRIDE);
    write(dir, "envs/prod/terraform.tfvars", "kestra_url = \"https://kestra.example.com\"\n");
    write(
        dir,
        "envs/staging/providers.tf",
        "provider \"kestra\" {\n  url       = \"https://kestra-staging.example.com\"\n  tenant_id = \"main\"\n}\n",
    );
    write(dir, "envs/staging/iam.tf", IAM);
    git(dir, &["init", "-q"]);
}

fn concise(dir: &Path, select: &str) -> String {
    let out = iamlint(dir, &["check", "--format", "concise", "--select", select]);
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn an_override_file_merges_into_the_blocks_it_overrides() {
    let dir = tempfile::tempdir().unwrap();
    repository(dir.path());
    let text = concise(dir.path(), "IAM101,IAM103,IAM202,IAM203,IAM403");
    let prod: Vec<&str> = text.lines().filter(|l| l.starts_with("envs/prod/")).collect();
    // One account, named by the override (reported there); its token's lifetime is the
    // override's local and its `extended` the override's; the description the override's
    // variable default.
    assert_eq!(prod.len(), 1, "{text}");
    assert!(prod[0].starts_with("envs/prod/iam_override.tf:10:10: IAM101"), "{text}");
    // Staging has no override: its own values stand.
    let staging: Vec<&str> = text.lines().filter(|l| l.starts_with("envs/staging/")).collect();
    assert_eq!(staging.len(), 3, "{text}");
    assert!(staging[0].starts_with("envs/staging/iam.tf:2:19: IAM202"), "{text}");
    assert!(staging[1].starts_with("envs/staging/iam.tf:7:13: IAM403"), "{text}");
    assert!(staging[2].starts_with("envs/staging/iam.tf:33:24: IAM203"), "{text}");

    // Nested blocks of a type are replaced wholesale: the account is in `bots` only.
    let out = iamlint(dir.path(), &["access", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let ci = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["deployment"] == "envs/prod" && p["kind"] == "service_account")
        .unwrap();
    assert_eq!(ci["name"], "CI_Bot");
    assert_eq!(ci["groups"], serde_json::json!(["bots"]));
}

#[test]
fn a_fix_edits_the_text_that_wins() {
    let dir = tempfile::tempdir().unwrap();
    repository(dir.path());
    // A bad name that an override replaces with a good one is not Terraform's: no finding,
    // no fix.
    let bad_base = IAM.replace("\"ci-deployer\"", "\"CI_Deployer\"");
    write(dir.path(), "envs/prod/iam.tf", &bad_base);
    write(dir.path(), "envs/prod/iam_override.tf", &OVERRIDE.replace("CI_Bot", "ci-bot"));
    assert_eq!(concise(dir.path(), "IAM101"), "");
    let out = iamlint(dir.path(), &["check", "--select", "IAM101", "--unsafe-fixes", "--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(dir.path().join("envs/prod/iam.tf")).unwrap(), bad_base);

    // A bad name in the override is fixed there, never in the file it overrides.
    write(dir.path(), "envs/prod/iam_override.tf", OVERRIDE);
    let out = iamlint(dir.path(), &["check", "--select", "IAM101", "--unsafe-fixes", "--fix"]);
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", stderr(&out));
    let fixed = std::fs::read_to_string(dir.path().join("envs/prod/iam_override.tf")).unwrap();
    assert!(fixed.contains("name = \"ci-bot\""), "{fixed}");
    assert_eq!(std::fs::read_to_string(dir.path().join("envs/prod/iam.tf")).unwrap(), bad_base);
    assert_eq!(concise(dir.path(), "IAM101"), "");
}
