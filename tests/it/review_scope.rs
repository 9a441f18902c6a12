//! Review scope follows the chain (SPEC 4): a pull request that elevates an account it does
//! not touch is seen by every reviewer, whatever part of the chain it adds.

use crate::common;
use common::*;
use std::path::Path;

const ACCOUNTS_TF: &str = r#"resource "kestra_service_account" "deployer" {
  name        = "deploy-bot"
  description = "Deploys flows from CI"

  groups {
    id = kestra_group.deployers.id
  }
}
"#;

const GROUPS_TF: &str = r#"resource "kestra_group" "deployers" {
  name        = "deployers"
  description = "CI deployers"
}
"#;

const FLOWS_ROLE_TF: &str = r#"resource "kestra_role" "flow_writer" {
  name        = "flow-writer"
  description = "Writes flows"

  resources {
    type    = "FLOW"
    actions = ["VIEW", "LIST", "CREATE", "UPDATE"]
  }
}

resource "kestra_binding" "deployers_flows" {
  type        = "GROUP"
  external_id = kestra_group.deployers.id
  role_id     = kestra_role.flow_writer.id
  namespace   = "company.team"
}
"#;

const PROVIDER_TF: &str = r#"terraform {
  required_providers {
    kestra = {
      source = "kestra-io/kestra"
    }
  }
}
"#;

/// The pull request: a role that may create bindings, bound to the account's group, in a
/// new file. The account's own file is untouched.
const ESCALATION_TF: &str = r#"resource "kestra_role" "binding_admin" {
  name        = "binding-admin"
  description = "Manages bindings for the platform team"

  resources {
    type    = "BINDING"
    actions = ["CREATE"]
  }
}

resource "kestra_binding" "deployers_bindings" {
  type        = "GROUP"
  external_id = kestra_group.deployers.id
  role_id     = kestra_role.binding_admin.id
}
"#;

/// A repository whose `main` is clean and whose branch `escalate` adds the escalation.
fn repository(d: &Path) {
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "terraform/iam/providers.tf", PROVIDER_TF);
    write(d, "terraform/iam/service_accounts.tf", ACCOUNTS_TF);
    write(d, "terraform/iam/groups.tf", GROUPS_TF);
    write(d, "terraform/iam/flow_roles.tf", FLOWS_ROLE_TF);
    write(d, "terraform/envs/prod/terraform.tfvars", "tenant = \"main\"\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "IAM as code"]);
    git(d, &["checkout", "-q", "-b", "escalate"]);
    write(d, "terraform/iam/binding_admin.tf", ESCALATION_TF);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "Let the platform team manage bindings"]);
}

fn codes(out: &std::process::Output) -> Vec<String> {
    stdout(out).lines().map(|l| l.split(" [").next().unwrap().to_string()).collect()
}

#[test]
fn the_escalation_pull_request_fails_every_review_mode() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repository(d);
    // main was clean.
    git(d, &["checkout", "-q", "main"]);
    let on_main = iamlint(d, &["check", "--format", "concise", "--select", "IAM303"]);
    assert_eq!((on_main.status.code(), stdout(&on_main)), (Some(0), String::new()));
    git(d, &["checkout", "-q", "escalate"]);

    let expected = ["terraform/iam/service_accounts.tf:1:1: IAM303".to_string()];
    let full = iamlint(d, &["check", "--format", "concise", "--select", "IAM303"]);
    assert_eq!((full.status.code(), codes(&full)), (Some(1), expected.to_vec()), "{}", stdout(&full));

    // CI on the pull request.
    let changed = iamlint(d, &["check", "--changed-since", "main", "--format", "concise", "--select", "IAM303"]);
    assert_eq!((changed.status.code(), codes(&changed)), (Some(1), expected.to_vec()), "{}", stderr(&changed));

    // pre-commit names the staged file only.
    let named = iamlint(d, &["check", "--format", "json", "terraform/iam/binding_admin.tf"]);
    assert_eq!(named.status.code(), Some(1), "{}", stdout(&named));
    let json: serde_json::Value = serde_json::from_slice(&named.stdout).unwrap();
    let iam303: Vec<&serde_json::Value> =
        json["findings"].as_array().unwrap().iter().filter(|f| f["code"] == "IAM303").collect();
    assert_eq!(iam303.len(), 1, "{json:#}");
    assert_eq!(iam303[0]["path"], "terraform/iam/service_accounts.tf");
    assert!(iam303[0]["message"].as_str().unwrap().contains("BINDING: CREATE"), "{json:#}");

    // The human report shows the new binding and role as the chain's links.
    let human = stdout(&iamlint(d, &["check", "--color", "never", "terraform/iam/binding_admin.tf"]));
    assert!(human.contains("binds role `binding-admin` to group `deployers`"), "{human}");
    assert!(human.contains("terraform/iam/binding_admin.tf"), "{human}");

    // Both at once, as a pre-commit run in CI does.
    let both =
        iamlint(d, &["check", "--changed-since", "main", "--format", "concise", "terraform/iam/binding_admin.tf"]);
    assert_eq!(both.status.code(), Some(1), "{}", stdout(&both));
    assert!(codes(&both).contains(&expected[0]), "{}", stdout(&both));

    // A change elsewhere in the repository brings nothing of this chain.
    git(d, &["checkout", "-q", "main"]);
    let unrelated = iamlint(d, &["check", "--format", "concise", "terraform/envs/prod/terraform.tfvars"]);
    assert_eq!(unrelated.status.code(), Some(0), "{}", stdout(&unrelated));
}

#[test]
fn access_diff_shows_what_the_untouched_account_gains() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    repository(d);
    for args in [&["access", "--diff", "main"][..], &["access", "--diff", "main", "terraform/iam/binding_admin.tf"]] {
        let out = iamlint(d, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains("service account deploy-bot"), "{args:?}: {text}");
        let gained: Vec<&str> = text.lines().filter(|l| l.trim_start().starts_with('+')).collect();
        assert!(gained.iter().any(|l| l.contains("BINDING") && l.contains("CREATE")), "{args:?}: {text}");
    }
    // Naming the file alone, `access` lists the account the new binding reaches.
    let out = stdout(&iamlint(d, &["access", "terraform/iam/binding_admin.tf"]));
    assert!(out.contains("deploy-bot"), "{out}");
}
