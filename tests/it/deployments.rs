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

const BOT_ACCOUNT: &str = r#"variable "name" {
  type = string
}

variable "group_id" {
  type = string
}

# Every caller sets its own; a year is the module's fallback.
variable "token_max_age" {
  type    = string
  default = "P3650D"
}

resource "kestra_service_account" "this" {
  name        = var.name
  description = "Deploys flows from CI"
  groups {
    id = var.group_id
  }
}

resource "kestra_service_account_api_token" "ci" {
  service_account_id = kestra_service_account.this.id
  name               = "ci"
  description        = "CI deploy token"
  max_age            = var.token_max_age
}
"#;

/// Both environments call `modules/bot-account` with their own name, group and token age;
/// prod's group may manage groups (IAM303 for its members).
fn shared_module(dir: &Path) {
    write(dir, "modules/bot-account/main.tf", BOT_ACCOUNT);
    for (env, name, age, actions) in
        [("prod", "Deploy_Bot", "P30D", "[\"READ\", \"UPDATE\"]"), ("staging", "deploy-bot", "P7D", "[\"READ\"]")]
    {
        write(dir, &format!("envs/{env}/providers.tf"), &provider("main"));
        write(dir, &format!("envs/{env}/terraform.tfvars"), "kestra_url = \"https://kestra.example.com\"\n");
        write(
            dir,
            &format!("envs/{env}/main.tf"),
            &format!(
                r#"resource "kestra_group" "bots" {{
  name        = "bots"
  description = "CI/CD bots"
}}

resource "kestra_role" "group_admin" {{
  name        = "group-admin"
  description = "Manages group members"
  permissions {{
    type        = "GROUP"
    permissions = {actions}
  }}
}}

resource "kestra_binding" "bots" {{
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = kestra_role.group_admin.id
  namespace   = "company"
}}

module "deployer" {{
  source        = "../../modules/bot-account"
  name          = "{name}"
  group_id      = kestra_group.bots.id
  token_max_age = "{age}"
}}
"#
            ),
        );
    }
    git(dir, &["init", "-q"]);
}

#[test]
fn a_shared_child_module_is_evaluated_per_call() {
    let dir = tempfile::tempdir().unwrap();
    shared_module(dir.path());
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM101,IAM202"]);
    // The bad name prod passes is reported where prod wrote it; the module's lax default,
    // which every caller overrides, is not a finding.
    assert_eq!(
        stdout(&out),
        "envs/prod/main.tf:24:19: IAM101 [error] service account name `Deploy_Bot` contains uppercase 'D' (only lowercase a-z, 0-9 and '-' are allowed)\n",
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_resource_passed_to_a_module_keeps_its_identity() {
    let dir = tempfile::tempdir().unwrap();
    shared_module(dir.path());
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM303,IAM401,IAM501"]);
    let text = stdout(&out);
    // The account is in prod's group `bots`, which may change group members: IAM303, once,
    // for prod's instance only; staging's group may only read.
    assert!(!text.contains("IAM501") && !text.contains("IAM401"), "{text}");
    let iam303: Vec<&str> = text.lines().filter(|l| l.contains("IAM303")).collect();
    assert_eq!(iam303.len(), 1, "{text}");
    assert!(iam303[0].starts_with("modules/bot-account/main.tf:15:") && iam303[0].contains("Deploy_Bot"), "{text}");
    let out = iamlint(dir.path(), &["access", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let groups: Vec<(String, String)> = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["deployment"].as_str().unwrap().to_string(), p["groups"].to_string()))
        .collect();
    assert_eq!(groups, [("envs/prod".into(), "[\"bots\"]".into()), ("envs/staging".into(), "[\"bots\"]".into())]);

    // With prod its only caller, the module is prod's alone: the same holds.
    std::fs::remove_dir_all(dir.path().join("envs/staging")).unwrap();
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM303,IAM401,IAM501"]);
    let text = stdout(&out);
    assert!(!text.contains("IAM501") && !text.contains("IAM401"), "{text}");
    assert_eq!(text.lines().filter(|l| l.contains("IAM303")).count(), 1, "{text}");
}

#[test]
fn linting_one_root_follows_its_module_sources() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("platform");
    shared_module(&repo);
    // A module no caller can fix: its token never expires.
    write(
        &repo,
        "modules/bot-account/tokens.tf",
        "resource \"kestra_service_account_api_token\" \"ops\" {\n  service_account_id = kestra_service_account.this.id\n  name               = \"ops\"\n  description        = \"Ops token\"\n}\n",
    );
    // A module outside the repository is never read.
    write(dir.path(), "outside/main.tf", "resource \"kestra_group\" \"Never_Read\" {\n  name = \"Never_Read\"\n}\n");
    write(&repo, "envs/prod/extra.tf", "module \"external\" {\n  source = \"../../../outside\"\n}\n");
    let select = ["--format", "concise", "--select", "IAM101,IAM201"];
    let out = iamlint(&repo, &[&["check", "envs/prod"][..], &select].concat());
    let text = stdout(&out);
    assert!(text.contains("envs/prod/main.tf:24:19: IAM101"), "{text}\n{}", stderr(&out));
    assert!(text.contains("modules/bot-account/tokens.tf:"), "{text}");
    assert!(text.contains("IAM201"), "{text}");
    assert!(!text.contains("Never_Read"), "{text}");
    assert!(
        stderr(&out).contains("calls module `../../../outside`, outside the workspace root; not read"),
        "{}",
        stderr(&out)
    );
    assert_eq!(out.status.code(), Some(1));

    // Inside the root's folder, as a per-environment CI job runs it.
    let out = iamlint(&repo.join("envs/prod"), &["check", "--format", "concise", "--select", "IAM101,IAM201"]);
    let text = stdout(&out);
    assert!(text.contains("main.tf:24:19: IAM101"), "{text}\n{}", stderr(&out));
    assert!(text.contains("../../modules/bot-account/tokens.tf:"), "{text}");
    assert_eq!(out.status.code(), Some(1));
}

const TEAM_BOTS: &str = r#"variable "team" {
  type = string
}

resource "kestra_group" "bots" {
  name        = "bots"
  description = "CI/CD bots of ${var.team}"
}

resource "kestra_service_account" "ci" {
  name        = "${var.team}-ci"
  description = "Deploys ${var.team} flows"
  groups {
    id = kestra_group.bots.id
  }
}
"#;

#[test]
fn a_module_call_chooses_its_tenant_through_providers() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "modules/team-bots/main.tf", TEAM_BOTS);
    write(
        d,
        "envs/prod/providers.tf",
        &format!(
            "{}\nprovider \"kestra\" {{\n  alias     = \"payments\"\n  url       = var.kestra_url\n  tenant_id = \"payments\"\n}}\n\nprovider \"kestra\" {{\n  alias     = \"tenant\"\n  url       = var.kestra_url\n  tenant_id = var.tenant\n}}\n\nvariable \"tenant\" {{\n  type = string\n}}\n",
            provider("main")
        ),
    );
    write(d, "envs/prod/terraform.tfvars", "kestra_url = \"https://kestra.example.com\"\n");
    write(
        d,
        "envs/prod/teams.tf",
        "module \"core\" {\n  source = \"../../modules/team-bots\"\n  team   = \"core\"\n}\n\nmodule \"payments\" {\n  source    = \"../../modules/team-bots\"\n  team      = \"payments\"\n  providers = {\n    kestra = kestra.payments\n  }\n}\n\nmodule \"dynamic\" {\n  source    = \"../../modules/team-bots\"\n  team      = \"dynamic\"\n  providers = {\n    kestra = kestra.tenant\n  }\n}\n",
    );
    git(d, &["init", "-q"]);
    // Three groups `bots`: core's in main, payments' in payments, and one in a tenant
    // iamlint cannot know. None is a duplicate of another.
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM103,IAM501"]);
    assert_eq!(stdout(&out), "", "{}", stderr(&out));
    let out = iamlint(d, &["access", "--format", "json"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let tenants: Vec<(String, String)> = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["name"].as_str().unwrap().to_string(), p["tenant"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(
        tenants,
        [
            ("dynamic-ci".into(), "?".into()),
            ("core-ci".into(), "main".into()),
            ("payments-ci".into(), "payments".into())
        ]
    );
}

#[test]
fn a_file_terraform_reads_is_data_not_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "envs/prod/providers.tf", &provider("main"));
    write(d, "envs/prod/terraform.tfvars", "kestra_url = \"https://kestra.example.com\"\n");
    let bots = "serviceAccounts:\n  - name: ci-deployer\n    description: Deploys flows\n    max_age: P30D\n";
    write(d, "envs/prod/bots.yaml", bots);
    write(
        d,
        "envs/prod/bots.tf",
        r#"locals {
  bots = { for b in yamldecode(file("${path.module}/bots.yaml")).serviceAccounts : b.name => b }
}

resource "kestra_service_account" "bots" {
  for_each    = local.bots
  name        = each.key
  description = each.value.description
}

resource "kestra_service_account_api_token" "ci" {
  for_each           = local.bots
  service_account_id = kestra_service_account.bots[each.key].id
  name               = "ci"
  description        = "CI token"
  max_age            = each.value.max_age
}
"#,
    );
    // The same content where no Terraform reads it is a manifest, with its typo.
    write(d, "iam/bots.yaml", bots);
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM002,IAM201"]);
    let text = stdout(&out);
    assert!(!text.contains("envs/prod/bots.yaml"), "{text}");
    assert!(text.contains("iam/bots.yaml:4:5: IAM002"), "{text}");
    let out = iamlint(d, &["check", "--diff", "--select", "IAM002"]);
    assert!(!stdout(&out).contains("envs/prod/bots.yaml"), "{}", stdout(&out));
    let out = iamlint(d, &["check", "--fix", "--select", "IAM002"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(d.join("envs/prod/bots.yaml")).unwrap(), bots, "never edited");
    // A file that leaves the lint says why.
    let out = iamlint(d, &["check", "--show-files", "--format", "concise"]);
    assert!(
        stderr(&out).contains("skipped  envs/prod/bots.yaml: not IAM, Terraform's data, read by a `file()`"),
        "{}",
        stderr(&out)
    );
}

/// The monorepo sample the README shows reads as the README says.
#[test]
fn the_monorepo_example_reads_as_documented() {
    let out = iamlint(repo_root(), &["check", "--format", "concise", "examples/monorepo"]);
    let text = stdout(&out);
    assert!(!text.contains("IAM103") && !text.contains("IAM501"), "{text}");
    assert!(text.contains("examples/monorepo/envs/prod/main.tf:24:19: IAM101"), "{text}");
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(readme.contains(&text), "README shows another output:\n{text}");
    let out = iamlint(repo_root(), &["access", "--format", "json", "examples/monorepo"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rows: Vec<String> = report["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            format!(
                "{} {} {}",
                p["deployment"].as_str().unwrap(),
                p["tenant"].as_str().unwrap(),
                p["name"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "examples/monorepo/envs/prod main Flow_Deployer",
            "examples/monorepo/envs/prod payments payments-deployer",
            "examples/monorepo/envs/staging main flow-deployer",
        ]
    );
}

/// A pull request cannot take a manifest out of the lint by mentioning it: only real
/// `file()` calls make a file Terraform's data, not a comment or a string that reads like one.
#[test]
fn a_mention_of_file_in_a_comment_or_string_does_not_hide_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "iam/accounts.yaml", "serviceAccounts:\n  - name: ci-bot\n    description: CI\n    superAdmin: true\n");
    write(
        d,
        "envs/prod/main.tf",
        "# docs: we used to read yamldecode(file(\"../../iam/accounts.yaml\")) here\n\
         /* file(\"../../iam/accounts.yaml\") */\n\
         resource \"kestra_group\" \"bots\" {\n  name        = \"bots\"\n  description = \"see file(\\\"../../iam/accounts.yaml\\\")\"\n}\n",
    );
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM301"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("iam/accounts.yaml:4:17: IAM301"), "{}", stdout(&out));
}

/// A module both environments call: its token is `extended` whatever the caller passes,
/// and only prod grants the bots group an IAM role.
const BOT_MODULE: &str = r#"variable "name" {
  type = string
}

variable "group_id" {
  type = string
}

resource "kestra_service_account" "this" {
  name        = var.name
  description = "CI bot"
  groups {
    id = var.group_id
  }
}

resource "kestra_service_account_api_token" "deploy" {
  service_account_id = kestra_service_account.this.id
  name               = "deploy"
  description        = "CI deploy job"
  max_age            = "P30D"
  extended           = true
}
"#;

fn caller(env: &str, admin: bool) -> String {
    let mut text = format!(
        "resource \"kestra_group\" \"bots\" {{\n  name        = \"bots\"\n  description = \"CI/CD bots\"\n}}\n\nmodule \"bots\" {{\n  source   = \"../../modules/bot-account\"\n  name     = \"ci-{env}\"\n  group_id = kestra_group.bots.id\n}}\n"
    );
    if admin {
        text.push_str("\nresource \"kestra_role\" \"iam\" {\n  name        = \"iam-admin\"\n  description = \"Manages users\"\n  resources {\n    type    = \"USER\"\n    actions = [\"VIEW\", \"CREATE\"]\n  }\n}\n\nresource \"kestra_binding\" \"bots_iam\" {\n  type        = \"GROUP\"\n  external_id = kestra_group.bots.id\n  role_id     = kestra_role.iam.id\n  namespace   = \"company.team\"\n}\n");
    }
    text
}

#[test]
fn a_finding_inside_a_shared_module_names_the_calls_it_comes_from() {
    let dir = tempfile::tempdir().unwrap();
    for (env, admin) in [("prod", true), ("staging", false)] {
        write(dir.path(), &format!("envs/{env}/providers.tf"), &provider("main"));
        write(dir.path(), &format!("envs/{env}/main.tf"), &caller(env, admin));
        write(dir.path(), &format!("envs/{env}/terraform.tfvars"), "kestra_url = \"https://kestra.example.com\"\n");
    }
    write(dir.path(), "modules/bot-account/main.tf", BOT_MODULE);
    git(dir.path(), &["init", "-q"]);
    let options = iamlint::lint::Options {
        paths: vec![dir.path().to_path_buf()],
        selection: iamlint::select::Selection {
            select: Some(vec!["IAM203".into(), "IAM303".into()]),
            ..Default::default()
        },
        ..Default::default()
    };
    let outcome = iamlint::lint::run(&options).unwrap();
    let ws = &outcome.ws;
    let place = |span: iamlint::source::Span| {
        let file = ws.sources.get(span.file);
        let line = file.text[..span.start].lines().count() + usize::from(file.text[..span.start].ends_with('\n'));
        let root = format!("{}/", dir.path().display());
        format!("{}:{line}", file.display.strip_prefix(&root).unwrap_or(&file.display))
    };
    let shown: Vec<(String, String, Vec<String>)> = outcome
        .findings
        .iter()
        .map(|f| {
            let labels = f.labels.iter().map(|l| format!("{} {}", place(l.span), l.message)).collect();
            (f.code.to_string(), place(f.span), labels)
        })
        .collect();
    // The module's literal: one finding for both callers, each call labelled.
    let extended: Vec<_> = shown.iter().filter(|(code, _, _)| code == "IAM203").collect();
    assert_eq!(extended.len(), 1, "{shown:#?}");
    assert_eq!(extended[0].1, "modules/bot-account/main.tf:22");
    assert_eq!(
        extended[0].2,
        ["envs/prod/main.tf:6 in `module.bots`, called here", "envs/staging/main.tf:6 in `module.bots`, called here"],
        "{shown:#?}"
    );
    // Prod's account only: its call alone.
    let escalation: Vec<_> = shown.iter().filter(|(code, _, _)| code == "IAM303").collect();
    assert_eq!(escalation.len(), 1, "{shown:#?}");
    assert!(escalation[0].2.contains(&"envs/prod/main.tf:6 in `module.bots`, called here".to_string()), "{shown:#?}");
    assert!(!escalation[0].2.iter().any(|l| l.starts_with("envs/staging/")), "{shown:#?}");
}

/// Accounts listed in a data file: prod decodes YAML, staging a JSON export of the same.
const BOTS_TF: &str = r#"locals {
  bots = { for b in yamldecode(file("${path.module}/bots.yaml")).bots : b.name => b }
}

resource "kestra_service_account" "bots" {
  for_each    = local.bots
  name        = each.key
  description = each.value.description
}

resource "kestra_service_account_api_token" "deploy" {
  for_each           = local.bots
  service_account_id = kestra_service_account.bots[each.key].id
  name               = "deploy"
  description        = "CI deploy token"
  max_age            = each.value.max_age
}
"#;

const BOTS_YAML: &str = "# Read by bots.tf; keys are what it reads.\nbots:\n  - name: etl-loader\n    description: Loads the warehouse\n    max_age: P30D\n  - name: Report_Bot\n    description: Builds reports\n    max_age: P365D\n";

#[test]
fn a_data_file_feeds_its_values_to_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for env in ["prod", "staging"] {
        write(d, &format!("envs/{env}/providers.tf"), &provider("main"));
        write(d, &format!("envs/{env}/terraform.tfvars"), "kestra_url = \"https://kestra.example.com\"\n");
    }
    write(d, "envs/prod/bots.tf", BOTS_TF);
    write(d, "envs/prod/bots.yaml", BOTS_YAML);
    write(
        d,
        "envs/staging/bots.tf",
        &BOTS_TF
            .replace("yamldecode(file(\"${path.module}/bots.yaml\"))", "jsondecode(templatefile(\"bots.json\", {}))"),
    );
    write(
        d,
        "envs/staging/bots.json",
        "{\"bots\": [{\"name\": \"etl-loader\", \"description\": \"Loads the warehouse\", \"max_age\": \"P7D\"}]}\n",
    );
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM002,IAM101,IAM201,IAM202,IAM401"]);
    let text = stdout(&out);
    // One account per entry, with the data file's name and max age, reported where written.
    let lines: Vec<&str> = text.lines().filter(|l| !l.contains("IAM401")).collect();
    assert_eq!(
        lines,
        [
            "envs/prod/bots.yaml:6:11: IAM101 [error] service account name `Report_Bot` contains uppercase 'R' (only lowercase a-z, 0-9 and '-' are allowed)",
            "envs/prod/bots.yaml:8:14: IAM202 [warning] token max age P365D (365 days) is above the maximum P90D (90 days)",
        ],
        "{text}"
    );
    assert_eq!(text.matches("IAM401").count(), 3, "one per account of both environments:\n{text}");
    // Never edited: a data file's keys and values are what Terraform reads.
    let out = iamlint(d, &["check", "--select", "IAM101,IAM202", "--unsafe-fixes", "--fix"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(d.join("envs/prod/bots.yaml")).unwrap(), BOTS_YAML);
}

#[test]
fn renames_suggestions_and_opaque_memberships_stay_in_their_deployment() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for env in ["prod", "staging"] {
        write(d, &format!("envs/{env}/providers.tf"), &provider("main"));
        write(d, &format!("envs/{env}/terraform.tfvars"), "kestra_url = \"https://kestra.example.com\"\n");
    }
    // Prod: an account to rename, a group staging lacks, a membership of an account
    // iamlint cannot name.
    write(
        d,
        "envs/prod/iam.tf",
        "variable \"oncall_account\" {\n  type = string\n}\n\nresource \"kestra_group\" \"deployers\" {\n  name        = \"deployers\"\n  description = \"Deploy jobs\"\n}\n\nresource \"kestra_service_account\" \"ci\" {\n  name        = \"CI_Bot\"\n  description = \"CI\"\n  groups {\n    id = kestra_group.deployers.id\n  }\n}\n\nresource \"kestra_user_group_membership\" \"oncall\" {\n  user_id  = var.oncall_account\n  group_id = kestra_group.deployers.id\n}\n",
    );
    // Staging already has `ci-bot`, its own instance's, and binds a group it does not have.
    write(
        d,
        "envs/staging/iam.tf",
        "resource \"kestra_group\" \"viewers\" {\n  name        = \"viewers\"\n  description = \"Read only\"\n}\n\nresource \"kestra_service_account\" \"ci\" {\n  name        = \"ci-bot\"\n  description = \"CI\"\n}\n\nresource \"kestra_role\" \"viewer\" {\n  name        = \"viewer\"\n  description = \"Views flows\"\n  resources {\n    type    = \"FLOW\"\n    actions = [\"VIEW\"]\n  }\n}\n\nresource \"kestra_binding\" \"deployers\" {\n  type        = \"GROUP\"\n  external_id = \"deployer\"\n  role_id     = kestra_role.viewer.id\n  namespace   = \"company.team\"\n}\n",
    );
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "json", "--select", "IAM101,IAM401,IAM501"]);
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let find = |code: &str| findings.iter().filter(|f| f["code"] == code).collect::<Vec<_>>();
    // Staging's `ci-bot` does not block prod's rename.
    let rename = find("IAM101");
    assert_eq!(rename.len(), 1, "{report:#}");
    assert_eq!(rename[0]["fixable"], true, "{report:#}");
    // Prod's unknown membership says nothing of staging's account.
    let missing = find("IAM401");
    assert_eq!(missing.len(), 1, "{report:#}");
    assert_eq!(missing[0]["path"], "envs/staging/iam.tf");
    // Staging is not told about prod's group.
    let unknown = find("IAM501");
    assert_eq!(unknown.len(), 1, "{report:#}");
    assert!(!unknown[0]["help"].as_str().unwrap().contains("deployers"), "{report:#}");
}

#[test]
fn a_finding_is_labelled_only_with_the_call_of_the_object_it_names() {
    // Every call of `modules/bot-account` makes a token named `deploy`; only the token of
    // `payments-deployer` (one call) is privileged. Its finding names both the token and the
    // owner: the owner, which one call makes, decides the label, not the name all share.
    let out = iamlint(repo_root(), &["check", "--select", "IAM205", "examples/monorepo"]);
    let text = stdout(&out);
    let calls: Vec<&str> = text.lines().filter(|l| l.contains("called here")).collect();
    assert_eq!(calls.len(), 1, "{text}");
    assert!(calls[0].contains("examples/monorepo/envs/prod/payments.tf:25:1: in `module.payments_deployer`"), "{text}");
}

#[test]
fn a_module_called_by_several_roots_reports_the_same_whatever_the_threads() {
    // Each root's instances of the shared module arrive from its own thread: the findings,
    // their "called here" notes among them, must not follow which thread finished first.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "modules/bot/main.tf",
        "variable \"k\" {}\n\nresource \"kestra_service_account\" \"sa\" {\n  name        = \"BAD\"\n  description = var.k\n}\n",
    );
    for root in ["a", "b", "c"] {
        let keys: Vec<String> = (1..=4).map(|i| format!("\"{root}{i}\"")).collect();
        write(
            d,
            &format!("envs/{root}/main.tf"),
            &format!(
                "module \"bots\" {{\n  source   = \"../../modules/bot\"\n  for_each = toset([{}])\n  k        = each.key\n}}\n",
                keys.join(", ")
            ),
        );
    }
    git(d, &["init", "-q"]);
    let run = |threads: &str| {
        stdout(&iamlint(d, &["check", "--format", "sarif", "--select", "IAM101", "--threads", threads]))
    };
    let one = run("1");
    assert!(one.contains("called here"), "{one}");
    for _ in 0..16 {
        assert_eq!(run("4"), one);
    }
}

#[test]
fn deployment_roots_written_with_a_leading_dot_merge_the_same_roots() {
    // Two roots the configuration merges into one instance share their names: the
    // duplicate is found whether the roots are written `envs/a` or `./envs/a/`.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "modules/bot/main.tf", "resource \"kestra_service_account\" \"sa\" {\n  name = \"dup\"\n}\n");
    for root in ["a", "b"] {
        write(
            d,
            &format!("envs/{root}/main.tf"),
            &format!("module \"bot_{root}\" {{\n  source = \"../../modules/bot\"\n}}\n"),
        );
    }
    git(d, &["init", "-q"]);
    for roots in ["[envs/a, envs/b]", "[./envs/a, ./envs/b/]"] {
        write(d, ".iamlint.yaml", &format!("deployments: {{prod: {{roots: {roots}}}}}\n"));
        let text = stdout(&iamlint(d, &["check", "--format", "concise", "--select", "IAM103", "."]));
        assert!(text.contains("IAM103"), "{roots}: {text}");
    }
}

#[test]
fn a_call_past_the_instance_limit_is_still_checked_and_the_cut_is_reported() {
    // Twenty regions of 5,000 bots each spend the root's allowance of module instances:
    // the break-glass account a later call creates must still be seen, and each call whose
    // instances were cut short is named.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "envs/prod/providers.tf", &provider("main"));
    write(
        d,
        "envs/prod/main.tf",
        r#"variable "regions" {
  type = list(string)
}

variable "bots_per_region" {
  type = number
}

module "region_bots" {
  source   = "../../modules/region-bots"
  for_each = toset(var.regions)
  region   = each.key
  bots     = var.bots_per_region
}

module "break_glass" {
  source = "../../modules/break-glass"
  name   = "break-glass"
}
"#,
    );
    let regions: Vec<String> = (0..20).map(|i| format!("\"eu-{i:02}\"")).collect();
    write(
        d,
        "envs/prod/terraform.tfvars",
        &format!(
            "kestra_url      = \"https://kestra.example.com\"\nregions         = [{}]\nbots_per_region = 5000\n",
            regions.join(", ")
        ),
    );
    write(
        d,
        "modules/region-bots/main.tf",
        r#"variable "region" {}
variable "bots" {}

module "bot" {
  source = "../bot"
  count  = var.bots
  name   = "bot-${var.region}-${count.index}"
}
"#,
    );
    write(
        d,
        "modules/bot/main.tf",
        "variable \"name\" {}\n\nresource \"kestra_group\" \"bots\" {\n  name = var.name\n}\n",
    );
    write(
        d,
        "modules/break-glass/main.tf",
        r#"variable "name" {}

resource "kestra_service_account" "admin" {
  name        = var.name
  description = "Emergency access"
  super_admin = true
}
"#,
    );
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM001,IAM301", "envs/prod"]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "modules/break-glass/main.tf:6:17: IAM301 [error] service account `break-glass` is a super admin"
        ),
        "{text}"
    );
    let cut: Vec<&str> = text.lines().filter(|l| l.contains("IAM001")).collect();
    assert_eq!(cut.len(), 2, "{text}");
    assert!(cut[0].starts_with("envs/prod/main.tf:9:1: IAM001 [error] module `region_bots` is not fully evaluated"));
    assert!(cut[0].ends_with("of its instances were not checked"), "{text}");
    assert!(cut[1].starts_with("modules/region-bots/main.tf:4:1: IAM001 [error] module `bot` is not fully evaluated"));
    assert_eq!(out.status.code(), Some(1));
    let access = stdout(&iamlint(d, &["access", "envs/prod"]));
    assert!(access.contains("service account break-glass"), "{access}");
}

#[test]
fn a_bad_name_a_module_makes_from_a_callers_argument_notes_the_argument() {
    // `modules/bot` names its account `"${var.prefix}-bot"`. The finding stays at the
    // template, where the value is made (its literal part may be what is wrong, and a help
    // about the whole name fits there), and notes prod's argument: a pull request that
    // changes only that argument is still reported by `--changed-since`.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "modules/bot/main.tf",
        "variable \"prefix\" {\n  type = string\n}\n\nvariable \"group_id\" {\n  type = string\n}\n\n\
         resource \"kestra_service_account\" \"this\" {\n  name        = \"${var.prefix}-bot\"\n  \
         description = \"CI bot\"\n  groups {\n    id = var.group_id\n  }\n}\n",
    );
    let long = "payments-platform-continuous-delivery-deployer-for-the-europe-west-cluster";
    let env_main = |prefix: &str| {
        format!(
            "resource \"kestra_group\" \"bots\" {{\n  name        = \"bots\"\n  description = \"CI bots\"\n}}\n\n\
             module \"deployer\" {{\n  source   = \"../../modules/bot\"\n  group_id = kestra_group.bots.id\n  \
             prefix   = \"{prefix}\"\n}}\n"
        )
    };
    for env in ["prod", "staging"] {
        write(d, &format!("envs/{env}/providers.tf"), &provider("main"));
        write(d, &format!("envs/{env}/terraform.tfvars"), &format!("kestra_url = \"https://{env}.example.com\"\n"));
        write(d, &format!("envs/{env}/main.tf"), &env_main(&format!("{env}-deployer")));
    }
    git(d, &["init", "-q"]);
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "bots"]);
    write(d, "envs/prod/main.tf", &env_main(long));
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM101", "."]);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("modules/bot/main.tf:10:17: IAM101 [error] service account name `payments-"), "{text}");
    let human = stdout(&iamlint(d, &["check", "--select", "IAM101", "."]));
    assert!(human.contains("envs/prod/main.tf:9:14: the call passes the interpolated value here"), "{human}");
    // Only prod's argument changed since the commit: the finding is the pull request's.
    let review = iamlint(d, &["check", "--format", "concise", "--select", "IAM101", "--changed-since", "HEAD", "."]);
    assert!(stdout(&review).starts_with("modules/bot/main.tf:10:17: IAM101"), "{}", stderr(&review));
    // A fix would write the whole name over prod's prefix, or the template for every
    // caller: none is offered.
    let diff = iamlint(d, &["check", "--select", "IAM101", "--unsafe-fixes", "--diff", "."]);
    assert_eq!(stdout(&diff), "", "{}", stderr(&diff));
}

#[test]
fn a_resource_past_the_instance_limit_is_reported_not_silently_checked_as_one() {
    // 10,001 accounts from a var file, one of them a super admin: past the per-block limit
    // the block is modelled as one instance whose values are unknown, so the super admin
    // cannot be seen; that must be said at the block, never passed over in silence.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "envs/prod/providers.tf", &provider("main"));
    write(
        d,
        "envs/prod/accounts.tf",
        r#"variable "accounts" {
  type = map(object({ admin = bool }))
}

resource "kestra_service_account" "fleet" {
  for_each    = var.accounts
  name        = each.key
  description = "Fleet account"
  super_admin = each.value.admin
}
"#,
    );
    let mut tfvars = String::from("kestra_url = \"https://kestra.example.com\"\naccounts = {\n");
    for i in 0..10_001 {
        let admin = i == 10_000;
        tfvars.push_str(&format!("  \"bot-{i}\" = {{ admin = {admin} }}\n"));
    }
    tfvars.push_str("}\n");
    write(d, "envs/prod/terraform.tfvars", &tfvars);
    write(d, "envs/staging/providers.tf", &provider("main"));
    write(d, "envs/staging/main.tf", ENV_IAM);
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM001,IAM301", "."]);
    let text = stdout(&out);
    let cut: Vec<&str> = text.lines().filter(|l| l.contains("IAM001")).collect();
    assert_eq!(cut.len(), 1, "{text}");
    assert!(
        cut[0].starts_with(
            "envs/prod/accounts.tf:5:1: IAM001 [error] resource `kestra_service_account.fleet` is not fully evaluated"
        ),
        "{text}"
    );
    assert_eq!(out.status.code(), Some(1));
}
