//! A rename that changes a Terraform `for_each` key writes the `moved {}` blocks and updates
//! explicit references, or is not offered (SPEC 4).

use crate::common;
use common::*;
use std::path::Path;

const LOCALS_TF: &str = r#"# One entry per bot: the key is the service-account name.
locals {
  bots = {
    "NightlyBilling" = {
      description = "Bills customers every night"
    }
    report-builder = {
      description = "Builds weekly reports"
    }
  }
}
"#;

const ACCOUNTS_TF: &str = r#"resource "kestra_service_account" "sa" {
  for_each    = local.bots
  name        = each.key
  description = each.value.description

  groups {
    id = kestra_group.bots.id
  }
}

resource "kestra_group" "bots" {
  name        = "bots"
  description = "Automation accounts"
}
"#;

const TOKENS_TF: &str = r#"resource "kestra_service_account_api_token" "ci" {
  for_each           = local.bots
  service_account_id = kestra_service_account.sa[each.key].id
  name               = "ci"
  description        = "CI token"
  max_age            = "P30D"
}
"#;

const OUTPUTS_TF: &str = r#"output "billing_account_id" {
  value = kestra_service_account.sa["NightlyBilling"].id
}

output "billing_token" {
  value     = kestra_service_account_api_token.ci["NightlyBilling"].full_token
  sensitive = true
}
"#;

fn workspace(d: &Path) {
    write(d, "terraform/iam/locals.tf", LOCALS_TF);
    write(d, "terraform/iam/service_accounts.tf", ACCOUNTS_TF);
    write(d, "terraform/iam/tokens.tf", TOKENS_TF);
    write(d, "terraform/iam/outputs.tf", OUTPUTS_TF);
    write(d, "terraform/envs/prod/main.tf", "module \"iam\" {\n  source = \"../../iam\"\n}\n");
}

fn read(d: &Path, name: &str) -> String {
    std::fs::read_to_string(d.join(name)).unwrap()
}

#[test]
fn a_for_each_key_rename_writes_moved_blocks_and_updates_references() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    workspace(d);
    let out = iamlint(d, &["check", "--fix", "--unsafe-fixes", "--select", "IAM101", "terraform"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    assert!(read(d, "terraform/iam/locals.tf").contains("    \"nightly-billing\" = {\n"));
    let accounts = read(d, "terraform/iam/service_accounts.tf");
    assert!(
        accounts.ends_with(
            "moved {\n  from = kestra_service_account.sa[\"NightlyBilling\"]\n  to   = kestra_service_account.sa[\"nightly-billing\"]\n}\n\n\
             # Renamed by iamlint: keeps the object instead of replacing it.\nmoved {\n  from = kestra_service_account_api_token.ci[\"NightlyBilling\"]\n  to   = kestra_service_account_api_token.ci[\"nightly-billing\"]\n}\n"
        ),
        "{accounts}"
    );
    let outputs = read(d, "terraform/iam/outputs.tf");
    assert_eq!(outputs, OUTPUTS_TF.replace("[\"NightlyBilling\"]", "[\"nightly-billing\"]"));
    // Every fixed file is Terraform a parser accepts, and the moved blocks say what they must.
    for f in ["locals.tf", "service_accounts.tf", "tokens.tf", "outputs.tf"] {
        let text = read(d, &format!("terraform/iam/{f}"));
        let body = hcl_edit::parser::parse_body(&text).unwrap_or_else(|e| panic!("{f}: {e}\n{text}"));
        if f == "service_accounts.tf" {
            let moved: Vec<(String, String)> = body
                .blocks()
                .filter(|b| b.ident.as_str() == "moved")
                .map(|b| {
                    let attr = |k: &str| {
                        b.body.attributes().find(|a| a.key.as_str() == k).unwrap().value.to_string().trim().to_string()
                    };
                    (attr("from"), attr("to"))
                })
                .collect();
            assert_eq!(
                moved,
                [
                    (
                        "kestra_service_account.sa[\"NightlyBilling\"]".into(),
                        "kestra_service_account.sa[\"nightly-billing\"]".into()
                    ),
                    (
                        "kestra_service_account_api_token.ci[\"NightlyBilling\"]".into(),
                        "kestra_service_account_api_token.ci[\"nightly-billing\"]".into()
                    ),
                ]
            );
        }
    }
    // Nothing left dangling or to fix.
    let again = iamlint(d, &["check", "--format", "concise", "terraform"]);
    assert!(!stdout(&again).contains("IAM101") && !stdout(&again).contains("IAM501"), "{}", stdout(&again));
    let diff = iamlint(d, &["check", "--diff", "--unsafe-fixes", "terraform"]);
    assert_eq!(stdout(&diff), "");
}

#[test]
fn no_rename_when_the_key_cannot_be_followed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    workspace(d);
    // The key is computed from the name: renaming the list entry changes it.
    write(
        d,
        "terraform/iam/computed.tf",
        "locals {\n  reporters = [\"WeeklyReport\"]\n}\n\nresource \"kestra_service_account\" \"reporters\" {\n  for_each    = { for n in local.reporters : lower(n) => n }\n  name        = each.value\n  description = \"Reports\"\n}\n",
    );
    // A resource iamlint does not model iterates over the same map: its address would move.
    write(
        d,
        "terraform/iam/ci_secrets.tf",
        "resource \"github_actions_secret\" \"token\" {\n  for_each        = local.bots\n  repository      = \"flows\"\n  secret_name     = \"KESTRA_TOKEN\"\n  plaintext_value = kestra_service_account_api_token.ci[each.key].full_token\n}\n",
    );
    let out = iamlint(d, &["check", "--format", "json", "--select", "IAM101", "terraform"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{json:#}");
    for f in findings {
        assert_eq!(f["fixable"], false, "{f:#}");
    }
    let help: Vec<&str> = findings.iter().map(|f| f["help"].as_str().unwrap()).collect();
    assert!(help[1].contains("iterate over `local.bots`"), "{help:?}");
    assert!(help[0].contains("cannot tie to the name"), "{help:?}");
    let before = read(d, "terraform/iam/computed.tf");
    iamlint(d, &["check", "--fix", "--unsafe-fixes", "terraform"]);
    assert_eq!(read(d, "terraform/iam/computed.tf"), before);
    assert!(!read(d, "terraform/iam/service_accounts.tf").contains("moved"));
}
