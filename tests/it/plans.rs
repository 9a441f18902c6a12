//! Plans and configuration together: a plan (`terraform show -json`) adds the values the
//! configuration cannot evaluate, the configuration keeps the references a plan loses ("known
//! after apply"), and a plan is matched to the root module it was made from, wherever it is
//! saved. Each test lays out a repository as platform teams do: `envs/<env>/` roots, secrets
//! in var files CI writes (not committed), plans saved beside the root or under `plans/`.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::Path;

const PROVIDERS: &str = r#"terraform {
  required_providers {
    kestra = {
      source = "kestra-io/kestra"
    }
  }
}

provider "kestra" {
  url       = var.kestra_url
  tenant_id = "main"
}
"#;

/// The name and token lifetime come from a var file CI writes from its secrets: not in the
/// repository, so the configuration alone cannot evaluate them.
const VARIABLES: &str = r#"variable "kestra_url" {
  type = string
}

variable "bot_name" {
  type = string
}

variable "token_max_age" {
  type = string
}
"#;

const IAM: &str = r#"resource "kestra_group" "bots" {
  name        = "bots"
  description = "CI/CD bots"
}

resource "kestra_role" "iam_admin" {
  name        = "iam-admin"
  description = "Manages users"
  resources {
    type    = "USER"
    actions = ["VIEW", "CREATE", "UPDATE"]
  }
}

resource "kestra_binding" "bots_admin" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = kestra_role.iam_admin.id
  namespace   = "company.team"
}

resource "kestra_service_account" "ci" {
  name        = var.bot_name
  description = "Deploys flows from CI"
  groups {
    id = kestra_group.bots.id
  }
}

resource "kestra_service_account_api_token" "ci" {
  service_account_id = kestra_service_account.ci.id
  name               = "github-actions"
  description        = "GitHub Actions deploy job"
  max_age            = var.token_max_age
  extended           = false
}
"#;

/// A plan of `IAM` as `terraform show -json` prints it (one line): every id is known only
/// after apply, so references are absent from `values`.
fn plan(bot_name: &str, max_age: &str) -> String {
    let resources = [
        ("kestra_group.bots", "kestra_group", r#"{"name":"bots","description":"CI/CD bots"}"#.to_string()),
        (
            "kestra_role.iam_admin",
            "kestra_role",
            r#"{"name":"iam-admin","description":"Manages users","resources":[{"type":"USER","actions":["VIEW","CREATE","UPDATE"]}]}"#
                .to_string(),
        ),
        ("kestra_binding.bots_admin", "kestra_binding", r#"{"type":"GROUP","namespace":"company.team"}"#.to_string()),
        (
            "kestra_service_account.ci",
            "kestra_service_account",
            format!(r#"{{"name":"{bot_name}","description":"Deploys flows from CI","super_admin":false,"groups":[{{}}]}}"#),
        ),
        (
            "kestra_service_account_api_token.ci",
            "kestra_service_account_api_token",
            format!(
                r#"{{"name":"github-actions","description":"GitHub Actions deploy job","max_age":"{max_age}","extended":false}}"#
            ),
        ),
    ];
    let planned: Vec<String> = resources
        .iter()
        .map(|(address, kind, values)| {
            let name = address.rsplit('.').next().unwrap();
            format!(
                r#"{{"address":"{address}","mode":"managed","type":"{kind}","name":"{name}","provider_name":"registry.terraform.io/kestra-io/kestra","schema_version":0,"values":{values},"sensitive_values":{{}}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"format_version":"1.2","terraform_version":"1.9.5","variables":{{"bot_name":{{"value":"{bot_name}"}}}},"planned_values":{{"root_module":{{"resources":[{}]}}}},"configuration":{{"provider_config":{{"kestra":{{"name":"kestra","full_name":"registry.terraform.io/kestra-io/kestra","expressions":{{"tenant_id":{{"constant_value":"main"}}}}}}}}}}}}"#,
        planned.join(",")
    ) + "\n"
}

/// `envs/prod` and `envs/staging`: staging's values are committed, prod's come from CI.
fn environments(dir: &Path) {
    for env in ["prod", "staging"] {
        write(dir, &format!("envs/{env}/providers.tf"), PROVIDERS);
        write(dir, &format!("envs/{env}/variables.tf"), VARIABLES);
        write(dir, &format!("envs/{env}/iam.tf"), IAM);
    }
    write(dir, "envs/prod/terraform.tfvars", "kestra_url = \"https://kestra.example.com\"\n");
    write(
        dir,
        "envs/staging/terraform.tfvars",
        "kestra_url    = \"https://kestra-staging.example.com\"\nbot_name      = \"ci-staging\"\ntoken_max_age = \"P30D\"\n",
    );
    write(dir, ".gitignore", "*.tfstate\nsecrets.auto.tfvars\n");
    git(dir, &["init", "-q"]);
}

fn concise(dir: &Path, select: &str) -> String {
    let out = iamlint(dir, &["check", "--format", "concise", "--select", select]);
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn a_plan_beside_the_configuration_keeps_its_references() {
    let dir = tempfile::tempdir().unwrap();
    environments(dir.path());
    let before = concise(dir.path(), "IAM303");
    assert!(before.contains("envs/prod/iam.tf:22:1: IAM303"), "{before}");
    write(dir.path(), "envs/prod/plan.json", &plan("ci-prod", "P30D"));
    // The plan says the account's group and the binding's principal are known only after
    // apply: the configuration still says which they are.
    let text = concise(dir.path(), "IAM303");
    assert!(text.contains("envs/prod/iam.tf:22:1: IAM303"), "{text}");
    // ... and the plan names the account, which the configuration could not.
    assert_eq!(text, before.replace("`kestra_service_account.ci`", "`ci-prod`"));
    // One object per resource, not the configuration's and the plan's.
    assert_eq!(concise(dir.path(), "IAM103,IAM401,IAM501"), "");
}

#[test]
fn a_plan_gives_the_values_the_configuration_cannot_evaluate() {
    let dir = tempfile::tempdir().unwrap();
    environments(dir.path());
    write(dir.path(), "envs/prod/plan.json", &plan("CI_Prod", "P365D"));
    let text = concise(dir.path(), "IAM101,IAM202,IAM303");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    // The relation is the configuration's, the name the plan's.
    assert!(lines[0].starts_with("envs/prod/iam.tf:22:1: IAM303") && lines[0].contains("`CI_Prod`"), "{text}");
    assert!(lines[1].starts_with("envs/prod/plan.json:1:") && lines[1].contains("IAM101"), "{text}");
    assert!(lines[1].contains("`CI_Prod`"), "{text}");
    assert!(lines[2].starts_with("envs/prod/plan.json:1:") && lines[2].contains("IAM202"), "{text}");
    assert!(lines[3].starts_with("envs/staging/iam.tf:22:1: IAM303"), "{text}");
    // The plan is generated: no fix edits it.
    let out = iamlint(dir.path(), &["check", "--select", "IAM101,IAM202", "--unsafe-fixes", "--diff"]);
    assert!(!stdout(&out).contains("plan.json"), "{}", stdout(&out));
}

#[test]
fn a_plan_saved_apart_joins_the_root_it_was_made_from() {
    let dir = tempfile::tempdir().unwrap();
    environments(dir.path());
    write(dir.path(), "plans/prod.json", &plan("ci-prod", "P30D"));
    assert_eq!(concise(dir.path(), "IAM103,IAM401,IAM501"), "");
    let out = iamlint(dir.path(), &["access", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut accounts: Vec<(String, String, String)> = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "service_account")
        .map(|p| {
            let field = |k: &str| p[k].as_str().unwrap_or("*").to_string();
            (field("deployment"), field("name"), field("path"))
        })
        .collect();
    accounts.sort();
    assert_eq!(
        accounts,
        [
            ("envs/prod".into(), "ci-prod".into(), "envs/prod/iam.tf".into()),
            ("envs/staging".into(), "ci-staging".into(), "envs/staging/iam.tf".into()),
        ],
        "{report:#}"
    );
    // The prod account is still reached through its group, which the plan cannot say.
    let text = concise(dir.path(), "IAM303");
    assert!(text.contains("envs/prod/iam.tf:22:1: IAM303") && text.contains("envs/staging/iam.tf:22:1"), "{text}");
}

#[test]
fn the_configuration_says_whose_plan_a_plan_is_when_its_path_does_not() {
    let dir = tempfile::tempdir().unwrap();
    environments(dir.path());
    // Both roots declare the same resources and the path names neither: the plan is kept
    // apart (joined to both, it duplicated every object in each) and the tie said once.
    write(dir.path(), "plans/latest.json", &plan("ci-prod", "P30D"));
    assert_eq!(concise(dir.path(), "IAM103,IAM501"), "");
    let tie = concise(dir.path(), "IAM001");
    assert_eq!(tie.lines().count(), 1, "{tie}");
    assert!(
        tie.starts_with(
            "plans/latest.json:1:1: IAM001 [error] plan `plans/latest.json` matches the root modules `envs/prod` and \
             `envs/staging` equally"
        ),
        "{tie}"
    );
    let out = iamlint(dir.path(), &["check", "--select", "IAM001"]);
    assert!(stdout(&out).contains("deployments.<name>.manifests"), "{}", stdout(&out));
    write(
        dir.path(),
        ".iamlint.yaml",
        "deployments:\n  production:\n    roots: [envs/prod]\n    manifests: [\"plans/**\"]\n  staging:\n    roots: [envs/staging]\n",
    );
    assert_eq!(concise(dir.path(), "IAM001,IAM103,IAM401,IAM501"), "");
    let text = concise(dir.path(), "IAM303");
    assert!(text.contains("envs/prod/iam.tf:22:1: IAM303 [error] service account `ci-prod`"), "{text}");
}

#[test]
fn a_plan_joins_the_root_its_whole_folder_name_names() {
    // `prod-eu` is not `prod`: each plan joins its own root, and nothing is duplicated.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (env, url) in [("prod", "https://kestra.example.com"), ("prod-eu", "https://kestra.eu.example.com")] {
        write(d, &format!("envs/{env}/providers.tf"), PROVIDERS);
        write(d, &format!("envs/{env}/variables.tf"), VARIABLES);
        write(d, &format!("envs/{env}/iam.tf"), IAM);
        write(d, &format!("envs/{env}/terraform.tfvars"), &format!("kestra_url = \"{url}\"\n"));
    }
    write(d, "plans/prod.json", &plan("ci-prod", "P30D"));
    write(d, "plans/prod-eu.json", &plan("ci-prod-eu", "P30D"));
    git(d, &["init", "-q"]);
    assert_eq!(concise(d, "IAM001,IAM103,IAM401,IAM501"), "");
    let out = iamlint(d, &["access", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let mut accounts: Vec<(String, String)> = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["kind"] == "service_account")
        .map(|p| (p["deployment"].as_str().unwrap_or("*").to_string(), p["name"].as_str().unwrap_or("*").to_string()))
        .collect();
    accounts.sort();
    assert_eq!(
        accounts,
        [("envs/prod".into(), "ci-prod".into()), ("envs/prod-eu".into(), "ci-prod-eu".into())],
        "{report:#}"
    );
}

/// A plan of a root kept in another repository, whose module call passes a group to a
/// shared module: `configuration` records what `planned_values` cannot (ids known after
/// apply).
const PLATFORM_PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{"resources":[{"address":"kestra_group.bots","mode":"managed","type":"kestra_group","name":"bots","values":{"name":"bots","description":"CI/CD bots"}},{"address":"kestra_role.iam_admin","mode":"managed","type":"kestra_role","name":"iam_admin","values":{"name":"iam-admin","description":"Manages users","namespace":null,"resources":[{"type":"USER","actions":["VIEW","CREATE"]}]}},{"address":"kestra_binding.bots_admin","mode":"managed","type":"kestra_binding","name":"bots_admin","values":{"type":"GROUP","namespace":"company.team"}}],"child_modules":[{"address":"module.bots[\"ci\"]","resources":[{"address":"module.bots[\"ci\"].kestra_service_account.this","mode":"managed","type":"kestra_service_account","name":"this","index":null,"values":{"name":"ci","description":"CI bot","super_admin":false,"groups":[{}]}},{"address":"module.bots[\"ci\"].kestra_service_account_api_token.this","mode":"managed","type":"kestra_service_account_api_token","name":"this","values":{"name":"deploy","description":"deploy","max_age":"P30D","extended":false}}]}]}},"configuration":{"root_module":{"resources":[{"address":"kestra_group.bots","mode":"managed","type":"kestra_group","name":"bots","expressions":{"name":{"constant_value":"bots"}}},{"address":"kestra_binding.bots_admin","mode":"managed","type":"kestra_binding","name":"bots_admin","expressions":{"type":{"constant_value":"GROUP"},"external_id":{"references":["kestra_group.bots.id","kestra_group.bots"]},"role_id":{"references":["kestra_role.iam_admin.id","kestra_role.iam_admin"]}}}],"module_calls":{"bots":{"source":"../modules/bot","for_each_expression":{"constant_value":["ci"]},"expressions":{"group_id":{"references":["kestra_group.bots.id","kestra_group.bots"]}},"module":{"resources":[{"address":"kestra_service_account.this","mode":"managed","type":"kestra_service_account","name":"this","expressions":{"groups":[{"id":{"references":["var.group_id"]}}]}},{"address":"kestra_service_account_api_token.this","mode":"managed","type":"kestra_service_account_api_token","name":"this","expressions":{"service_account_id":{"references":["kestra_service_account.this.id","kestra_service_account.this"]}}}]}}}}}}
"#;

#[test]
fn a_plan_alone_takes_its_references_from_its_configuration_section() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plans/platform.json", PLATFORM_PLAN);
    write(dir.path(), "README.md", "Plans of the platform root, saved by CI for review.\n");
    git(dir.path(), &["init", "-q"]);
    // The account is in `bots` through the call's `group_id`; the token is the account's.
    let text = concise(dir.path(), "IAM205,IAM303,IAM401,IAM501");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines.iter().all(|l| l.starts_with("plans/platform.json:1:")), "{text}");
    assert!(lines.iter().any(|l| l.contains("IAM303") && l.contains("`ci`")), "{text}");
    assert!(lines.iter().any(|l| l.contains("IAM205")), "{text}");
}

#[test]
fn a_plan_never_fills_what_the_configuration_leaves_out() {
    // The token has no `max_age` in the configuration: a plan beside it that says P30D
    // (stale, or written for the pull request) must not silence IAM201.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "main.tf",
        "resource \"kestra_group\" \"g\" {\n  name        = \"g\"\n  description = \"x\"\n}\n\nresource \"kestra_service_account\" \"s\" {\n  name        = \"s\"\n  description = \"x\"\n  group {\n    group_id = kestra_group.g.id\n  }\n}\n\nresource \"kestra_service_account_api_token\" \"t\" {\n  service_account_id = kestra_service_account.s.id\n  name               = \"t\"\n  description        = \"x\"\n}\n",
    );
    write(
        d,
        "plan.json",
        r#"{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"kestra_service_account_api_token.t","mode":"managed","type":"kestra_service_account_api_token","name":"t","values":{"name":"t","description":"x","max_age":"P30D"}}]}}}"#,
    );
    git(d, &["init", "-q"]);
    let text = stdout(&iamlint(d, &["check", "--format", "concise", "--select", "IAM201", "."]));
    assert!(text.contains("main.tf:14:1: IAM201"), "{text}");
}
