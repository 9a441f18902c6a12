//! Real Terraform layouts end to end: `--var-file` for root modules only, plans standing in
//! for the configuration they were made from, and fixes that keep Terraform valid.

use crate::common;
use common::*;
use iamlint::lint::{self, Options};
use iamlint::select::Selection;
use std::collections::BTreeMap;
use std::path::Path;

const ROOT: &str = r#"variable "service_accounts" {
  type = map(object({ description = string }))
}

resource "kestra_group" "bots" {
  name = "bots"
}

resource "kestra_service_account" "accounts" {
  for_each    = var.service_accounts
  name        = each.key
  description = each.value.description
  groups {
    id = kestra_group.bots.id
  }
}

module "reporting" {
  source           = "./modules/reporting"
  service_accounts = { "Reporting_Bot" = { description = "from the call" } }
}
"#;

const CHILD: &str = r#"variable "service_accounts" {
  type = map(object({ description = string }))
}

resource "kestra_service_account" "this" {
  for_each = var.service_accounts
  name     = each.key
}
"#;

fn layout(dir: &Path) {
    write(dir, "main.tf", ROOT);
    write(dir, "modules/reporting/main.tf", CHILD);
    write(dir, "envs/prod.tfvars", "service_accounts = {\n  \"Prod_Loader\" = { description = \"loads\" }\n}\n");
    write(dir, "envs/dev.tfvars", "service_accounts = {\n  \"dev-loader\" = { description = \"loads\" }\n}\n");
}

#[test]
fn var_files_feed_the_root_module_in_order() {
    let dir = tempfile::tempdir().unwrap();
    layout(dir.path());
    let concise = ["check", "--format", "concise", "--select", "IAM101"];
    // The child module's variable comes from the call; the root's has no value without
    // --var-file, so nothing else is reported.
    let from_call = "main.tf:20:24: IAM101 [error] service account name `Reporting_Bot` contains uppercase 'R' (only lowercase a-z, 0-9 and '-' are allowed)\n";
    let out = iamlint(dir.path(), &concise);
    assert_eq!(stdout(&out), from_call, "{}", stderr(&out));

    let out = iamlint(dir.path(), &[&concise[..], &["--var-file", "envs/prod.tfvars"]].concat());
    let text = stdout(&out);
    assert_eq!(
        text,
        format!("envs/prod.tfvars:2:3: IAM101 [error] service account name `Prod_Loader` contains uppercase 'P' (only lowercase a-z, 0-9 and '-' are allowed)\n{from_call}"),
        "the child module's same-named variable gets nothing from the var file"
    );
    // A later var file wins, as with terraform -var-file.
    let out = iamlint(
        dir.path(),
        &[&concise[..], &["--var-file", "envs/prod.tfvars", "--var-file", "envs/dev.tfvars"]].concat(),
    );
    assert_eq!(stdout(&out), from_call);

    let out = iamlint(dir.path(), &[&concise[..], &["--var-file", "envs/missing.tfvars"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("envs/missing.tfvars` is not a readable file"), "{}", stderr(&out));
    let out = iamlint(dir.path(), &[&concise[..], &["--var-file", "main.tf"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not a .tfvars or .tfvars.json file"), "{}", stderr(&out));
}

#[test]
fn a_var_file_outside_the_linted_paths_is_read_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    layout(dir.path());
    let out = iamlint(
        dir.path(),
        &["check", "main.tf", "--format", "concise", "--select", "IAM101", "--var-file", "envs/prod.tfvars"],
    );
    assert!(stdout(&out).contains("envs/prod.tfvars:2:3: IAM101"), "{}", stdout(&out));
}

#[test]
fn a_plan_joins_the_configuration_it_was_made_from() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "resource \"kestra_service_account\" \"ci\" {\n  name = \"CI_Bot\"\n  groups {\n    id = \"68xAawPfiJPkTkZJIPX6jQ\"\n  }\n}\n",
    );
    write(
        dir.path(),
        "plan.json",
        r#"{"format_version": "1.2", "planned_values": {"root_module": {"child_modules": [{"resources": [
  {"address": "module.iam.kestra_service_account.ci", "mode": "managed", "type": "kestra_service_account", "name": "ci",
   "values": {"name": "CI_Bot", "groups": [{"id": "68xAawPfiJPkTkZJIPX6jQ"}], "super_admin": false}}
]}]}}}
"#,
    );
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM101,IAM103"]);
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "one object, not a duplicate pair:\n{text}");
    // The configuration writes the name: the finding (and its fix) is there.
    assert!(text.starts_with("main.tf:2:"), "{text}");
}

/// Applies every fix of `code` to the files of `dir`, as `--fix` would.
fn apply_fixes(dir: &Path, code: &str) -> usize {
    let options = Options {
        paths: vec![dir.to_path_buf()],
        selection: Selection { select: Some(vec![code.into()]), ..Selection::default() },
        ..Options::default()
    };
    let outcome = lint::run(&options).unwrap();
    let mut by_file: BTreeMap<_, Vec<_>> = BTreeMap::new();
    for f in &outcome.findings {
        for e in f.fix.iter().flat_map(|fix| &fix.edits) {
            by_file.entry(e.span.file).or_default().push(e.clone());
        }
    }
    let mut applied = 0;
    for (file, mut edits) in by_file {
        edits.sort_by(|a, b| b.cmp(a));
        edits.dedup();
        let source = outcome.ws.sources.get(file);
        let mut text = source.text.to_string();
        for e in &edits {
            text.replace_range(e.span.start..e.span.end, &e.replacement);
            applied += 1;
        }
        std::fs::write(&source.path, text).unwrap();
    }
    applied
}

fn count(dir: &Path, code: &str) -> usize {
    let options = Options {
        paths: vec![dir.to_path_buf()],
        selection: Selection { select: Some(vec![code.into(), "IAM001".into()]), ..Selection::default() },
        ..Options::default()
    };
    lint::run(&options).unwrap().findings.len()
}

#[test]
fn token_output_fixes_keep_terraform_valid_and_silence_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = repo_root().join("fixtures/rules/IAM602/bad_outputs");
    for name in ["tokens.tf", "outputs.tf"] {
        std::fs::copy(fixture.join(name), dir.path().join(name)).unwrap();
    }
    assert_eq!(count(dir.path(), "IAM602"), 4);
    assert_eq!(apply_fixes(dir.path(), "IAM602"), 4);
    assert_eq!(
        count(dir.path(), "IAM602"),
        0,
        "fixed, and no IAM001:\n{}",
        std::fs::read_to_string(dir.path().join("outputs.tf")).unwrap()
    );
    let fixed = std::fs::read_to_string(dir.path().join("outputs.tf")).unwrap();
    assert!(fixed.contains("  value       = kestra_service_account_api_token.deployer[\"github-actions\"].full_token\n  sensitive = true\n"), "{fixed}");
    assert!(fixed.contains("    expires = \"P7D\"\n  }\n  sensitive = true\n}"), "after the whole value: {fixed}");
    assert_eq!(apply_fixes(dir.path(), "IAM602"), 0, "applying twice changes nothing");
}

#[test]
fn fixes_never_overwrite_computed_values() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "locals {\n  team = \"Data\"\n}\n\nresource \"kestra_service_account\" \"a\" {\n  name = \"${local.team}_loader\"\n}\n\nresource \"kestra_service_account\" \"b\" {\n  name = local.team\n}\n",
    );
    let options = Options {
        paths: vec![dir.path().to_path_buf()],
        selection: Selection { select: Some(vec!["IAM101".into()]), ..Selection::default() },
        ..Options::default()
    };
    let outcome = lint::run(&options).unwrap();
    let fixable: Vec<bool> = outcome.findings.iter().map(|f| f.fix.is_some()).collect();
    // `local.team` is written as a literal in locals: renaming it there is a real fix.
    // The template is computed: replacing it with a literal would drop the local.
    assert_eq!(fixable, [true, false]);
}

#[test]
fn addresses_are_local_to_their_module() {
    let dir = tempfile::tempdir().unwrap();
    let module = "resource \"kestra_service_account\" \"sa\" {\n  name = \"NAME\"\n  groups {\n    id = \"68xAawPfiJPkTkZJIPX6jQ\"\n  }\n}\n\nresource \"kestra_service_account_api_token\" \"deploy\" {\n  service_account_id = kestra_service_account.sa.id\n  name               = \"deploy\"\n  description        = \"CI\"\n  max_age            = \"P30D\"\n}\n";
    write(dir.path(), "team-a/main.tf", &module.replace("NAME", "team-a-bot"));
    write(dir.path(), "team-b/main.tf", &module.replace("NAME", "team-b-bot"));
    // Each token belongs to its own module's `kestra_service_account.sa`: two owners, no
    // duplicate token name.
    let out = iamlint(dir.path(), &["check", "--format", "concise"]);
    assert_eq!(stdout(&out), "", "{}", stderr(&out));
}

#[test]
fn ci_files_named_by_pre_commit_are_scanned() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(
        dir.path(),
        ".github/workflows/deploy.yml",
        "jobs:\n  d:\n    steps:\n      - run: kestra flow validate f/ --api-token abcdefgh12345678\n",
    );
    write(dir.path(), "ci/deploy.bash", "kestra flow validate f/ --api-token=\"$KESTRA_API_TOKEN\"\n");
    let out = iamlint(dir.path(), &["check", "--format", "concise", ".github/workflows/deploy.yml", "ci/deploy.bash"]);
    assert_eq!(
        stdout(&out),
        ".github/workflows/deploy.yml:4:50: IAM601 [error] hardcoded API token (sha256:25f94a2a) in `--api-token` of a kestra command\n"
    );
}

#[test]
fn references_resolve_to_the_instance() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        r#"locals {
  teams = toset(["data", "web"])
}

resource "kestra_group" "team" {
  for_each = local.teams
  name     = "${each.key}-bots"
}

resource "kestra_service_account" "bot" {
  for_each = local.teams
  name     = "${each.key}-deployer"
  groups {
    id = kestra_group.team[each.key].id
  }
  groups {
    id = kestra_group.team["data"].id
  }
  groups {
    id = kestra_group.team["missing"].id
  }
}
"#,
    );
    let options = Options { paths: vec![dir.path().to_path_buf()], ..Options::default() };
    let ws = lint::run(&options).unwrap().ws;
    let group_name = |r: &iamlint::model::Reference| match r.resolved {
        Some(iamlint::model::ObjectRef::Group(i)) => iamlint::model::known_str(&ws.groups[i].name).map(str::to_string),
        _ => None,
    };
    let web = ws.service_accounts.iter().find(|s| s.origin.address == "kestra_service_account.bot[\"web\"]").unwrap();
    let resolved: Vec<Option<String>> = web.groups.iter().map(group_name).collect();
    assert_eq!(resolved, [Some("web-bots".into()), Some("data-bots".into()), None]);
}

/// A child module called once per bot, through `for_each`, and once more directly: each
/// call is an instance with the call's arguments as its variables and its own addresses
/// (`module.bots["ci-bot"].kestra_service_account.this`), so references inside an instance
/// resolve within it, and a bad name is reported where the caller wrote it.
#[test]
fn child_modules_are_instantiated_per_call() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(
        d,
        "main.tf",
        r#"locals {
  bots = { "ci-bot" = "deploys", "Report_Bot" = "reports" }
}

module "bots" {
  for_each    = local.bots
  source      = "./modules/bot"
  name        = each.key
  description = each.value
}

module "admin" {
  source = "./modules/bot"
  name   = "admin-bot"
}
"#,
    );
    write(
        d,
        "modules/bot/main.tf",
        r#"variable "name" {}

variable "description" {
  default = "a bot"
}

resource "kestra_group" "own" {
  name = "${var.name}-group"
}

resource "kestra_service_account" "this" {
  name        = var.name
  description = var.description
  groups {
    id = kestra_group.own.id
  }
}

resource "kestra_service_account_api_token" "deploy" {
  service_account_id = kestra_service_account.this.id
  name               = "deploy"
  max_age            = "P30D"
}
"#,
    );
    let out = iamlint(d, &["check", "--format", "concise", "."]);
    assert_eq!(
        stdout(&out),
        "main.tf:2:34: IAM101 [error] service account name `Report_Bot` contains uppercase 'R' (only lowercase a-z, 0-9 and '-' are allowed)\n",
        "{}",
        stderr(&out)
    );
    let out = iamlint(d, &["access", "--format", "json", "."]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let accounts: Vec<(String, String, String)> = json["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (p["name"].as_str().unwrap().into(), p["groups"][0].as_str().unwrap().into(), p["description"].to_string())
        })
        .collect();
    let names: Vec<&str> = accounts.iter().map(|(n, _, _)| n.as_str()).collect();
    assert_eq!(names, ["admin-bot", "ci-bot", "Report_Bot"]);
    for (name, group, _) in &accounts {
        assert_eq!(group, &format!("{name}-group"));
    }
    for p in json["principals"].as_array().unwrap() {
        assert_eq!(p["tokens"][0]["name"], "deploy", "{p}");
        assert_eq!(p["tokens"].as_array().unwrap().len(), 1, "{p}");
    }
}

/// Calls that cannot be followed stay bounded: a module that calls itself; and a child that
/// two roots call is lowered once per call, with the call's name, never with its default.
#[test]
fn module_cycles_and_shared_children_stay_bounded() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    let call = |source: &str| format!("module \"m\" {{\n  source = \"{source}\"\n  name   = \"Called\"\n}}\n");
    let account = "variable \"name\" {\n  default = \"Default_Name\"\n}\n\nresource \"kestra_service_account\" \"this\" {\n  name = var.name\n}\n";
    write(d, "a/main.tf", &call("../b"));
    write(d, "b/main.tf", &format!("{account}\n{}", call("../a")));
    write(d, "root/main.tf", &call("../a"));
    write(d, "one/main.tf", &call("../shared"));
    write(d, "two/main.tf", &call("../shared"));
    write(d, "shared/main.tf", account);
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM101", "."]);
    let text = stdout(&out);
    // root -> a -> b -> a ...: b's account once per level, up to the depth limit.
    let called = text.lines().filter(|l| l.contains("`Called`")).count();
    assert!((1..=8).contains(&called), "{text}");
    assert!(!text.contains("shared/main.tf"), "{text}");
    assert!(text.contains("one/main.tf:3:12: IAM101") && text.contains("two/main.tf:3:12: IAM101"), "{text}");
    assert!(!text.contains("panicked"));
}

/// A reference a child module cannot resolve is one finding, however many instances the
/// module has, named as its file writes it.
#[test]
fn an_unresolved_reference_in_a_child_module_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(
        d,
        "main.tf",
        "module \"bots\" {\n  source = \"./bot\"\n  count  = 3\n}\n\nresource \"kestra_group\" \"shared\" {\n  name = \"shared\"\n}\n",
    );
    write(
        d,
        "bot/main.tf",
        "resource \"kestra_service_account\" \"this\" {\n  name = \"bot\"\n  groups {\n    id = kestra_group.shared.id\n  }\n}\n",
    );
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM501", "."]);
    assert_eq!(
        stdout(&out),
        "bot/main.tf:4:10: IAM501 [warning] `kestra_group.shared` is not defined in this module (it is defined in `main.tf`)\n"
    );
}

/// A root binding that names a child module's account through the call's outputs
/// (`module.bots["ci-bot"].id`) grants that instance's account, and no other.
#[test]
fn module_outputs_reach_the_instance_they_come_from() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(
        d,
        "main.tf",
        r#"module "bots" {
  for_each = toset(["ci-bot", "etl-bot"])
  source   = "./bot"
  name     = each.key
}

module "solo" {
  source = "./bot"
  name   = "solo-bot"
}

resource "kestra_role" "deployer" {
  name = "deployer"
  resources {
    type    = "FLOW"
    actions = ["VIEW", "CREATE"]
  }
}

resource "kestra_binding" "ci" {
  type        = "USER"
  external_id = module.bots["ci-bot"].id
  role_id     = kestra_role.deployer.id
  namespace   = "company"
}

resource "kestra_binding" "solo" {
  type        = "USER"
  external_id = module.solo.id
  role_id     = kestra_role.deployer.id
  namespace   = "company.solo"
}
"#,
    );
    write(
        d,
        "bot/main.tf",
        "variable \"name\" {}\n\nresource \"kestra_service_account\" \"this\" {\n  name = var.name\n}\n\noutput \"id\" {\n  value = kestra_service_account.this.id\n}\n",
    );
    let out = iamlint(d, &["access", "--format", "json", "."]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let granted: Vec<(String, Vec<String>)> = json["principals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let namespaces = p["permissions"].as_array().unwrap().iter().map(|r| r["namespace"].to_string()).collect();
            (p["name"].as_str().unwrap().to_string(), namespaces)
        })
        .collect();
    assert_eq!(
        granted,
        [
            ("ci-bot".to_string(), vec!["\"company\"".to_string()]),
            ("etl-bot".to_string(), vec![]),
            ("solo-bot".to_string(), vec!["\"company.solo\"".to_string()]),
        ]
    );
}

/// A literal credential in a child module called twice is one finding, named as the
/// module's file writes the resource.
#[test]
fn a_credential_in_a_child_module_is_one_finding() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, "main.tf", "module \"users\" {\n  source   = \"./user\"\n  for_each = toset([\"a\", \"b\"])\n}\n");
    write(d, "user/main.tf", "resource \"kestra_user_password\" \"p\" {\n  password = \"hunter2hunter2\"\n}\n");
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM601", "."]);
    assert_eq!(
        stdout(&out),
        "user/main.tf:2:15: IAM601 [error] hardcoded password (sha256:76880d60) in `password` of `kestra_user_password.p`\n"
    );
}

/// A plan of `accounts` service accounts, each with a token, as `terraform show -json`
/// prints it: one line, with `planned_values`, `resource_changes`, `prior_state` and
/// `configuration` (8,000 accounts are 13 MB, over a million nodes); the last account's name
/// breaks IAM101.
fn large_plan(accounts: usize) -> String {
    let mut planned = Vec::new();
    let mut changes = Vec::new();
    for i in 0..accounts {
        let name = if i + 1 == accounts { "Last_Bot".to_string() } else { format!("bot-{i:05}") };
        let values = format!(
            r#"{{"description":"Team {i} CI","groups":[{{"id":"grp{i:05}aaaaaaaaaaaaaaa"}}],"name":"{name}","super_admin":false,"tenant_id":"main"}}"#
        );
        let address = format!(r#"kestra_service_account.accounts[\"{name}\"]"#);
        planned.push(format!(
            r#"{{"address":"{address}","mode":"managed","type":"kestra_service_account","name":"accounts","index":"{name}","provider_name":"registry.terraform.io/kestra-io/kestra","schema_version":0,"values":{values},"sensitive_values":{{"groups":[{{}}]}}}}"#
        ));
        // Each account's deploy token: its owner's id is known after apply.
        let token = format!(
            r#"{{"address":"kestra_service_account_api_token.deploy[\"{name}\"]","mode":"managed","type":"kestra_service_account_api_token","name":"deploy","index":"{name}","provider_name":"registry.terraform.io/kestra-io/kestra","schema_version":0,"values":{{"description":"CI deploy","extended":false,"max_age":"P30D","name":"ci"}},"sensitive_values":{{}}}}"#
        );
        planned.push(token);
        changes.push(format!(
            r#"{{"address":"{address}","mode":"managed","type":"kestra_service_account","name":"accounts","index":"{name}","provider_name":"registry.terraform.io/kestra-io/kestra","change":{{"actions":["create"],"before":null,"after":{values},"after_unknown":{{"id":true,"groups":[{{}}]}},"before_sensitive":false,"after_sensitive":{{"groups":[{{}}]}}}}}}"#
        ));
    }
    format!(
        r#"{{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{{"root_module":{{"resources":[{}]}}}},"resource_changes":[{}],"prior_state":{{"format_version":"1.0","values":{{"root_module":{{"resources":[{}]}}}}}},"configuration":{{"provider_config":{{"kestra":{{"name":"kestra","full_name":"registry.terraform.io/kestra-io/kestra","expressions":{{"url":{{"constant_value":"https://kestra.example.com"}},"tenant_id":{{"constant_value":"main"}}}}}}}}}}}}"#,
        planned.join(","),
        changes.join(","),
        planned.iter().step_by(2).cloned().collect::<Vec<_>>().join(",")
    )
}

#[test]
fn a_large_plan_is_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "envs/prod/main.tf",
        "provider \"kestra\" {\n  url       = \"https://kestra.example.com\"\n  tenant_id = \"main\"\n}\n",
    );
    let plan = large_plan(8_000);
    assert!(plan.len() > 11_000_000, "{} bytes", plan.len());
    write(dir.path(), "envs/prod/plan.json", &plan);
    git(dir.path(), &["init", "-q"]);
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM001,IAM101"]);
    let text = stdout(&out);
    assert!(!text.contains("IAM001"), "{text}");
    assert!(text.contains("envs/prod/plan.json:1:") && text.contains("`Last_Bot`"), "{text}\n{}", stderr(&out));
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn a_plan_that_does_not_parse_is_reported_not_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let good = large_plan(3);
    let deep = format!(
        r#"{{"format_version":"1.2","planned_values":{{"root_module":{{"resources":[]}}}},"variables":{{"x":{{"value":{}1{}}}}}}}"#,
        "[".repeat(300),
        "]".repeat(300)
    );
    let cases = [
        ("truncated", good[..good.len() / 2].to_string()),
        (
            "trailing-comma",
            good.replacen(r#""super_admin":false,"#, r#""super_admin":false,}"#, 1).replacen(
                r#","tenant_id":"main"}"#,
                "",
                1,
            ),
        ),
        ("deep", deep),
    ];
    for (name, text) in &cases {
        write(dir.path(), &format!("plans/{name}.json"), text);
    }
    git(dir.path(), &["init", "-q"]);
    let out = iamlint(dir.path(), &["check", "--format", "concise"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(!text.contains("All checks passed"), "{text}");
    for (name, _) in &cases {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("plans/{name}.json:")))
            .unwrap_or_else(|| panic!("{name}: {text}"));
        assert!(line.contains("IAM001") && line.contains("cannot parse Terraform plan"), "{line}");
    }
    // The line is where the text breaks: a plan is one line, so line 1.
    assert!(text.contains("plans/truncated.json:1:"), "{text}");
}
