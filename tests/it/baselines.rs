//! Baselines over part of a workspace, and baselines of findings made by a chain of grants.

use crate::common;
use common::*;
use std::path::Path;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The entries of a baseline as written, each the text of its object, by its path.
fn entries(text: &str) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    let paths: Vec<String> =
        json["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    let body = text.split_once("\"findings\": [\n").unwrap().1;
    let texts: Vec<String> = body.split("\n    },\n").map(|e| e.trim_end_matches("\n  ]\n}\n").to_string()).collect();
    assert_eq!(texts.len(), paths.len(), "{text}");
    paths.into_iter().zip(texts).collect()
}

/// A platform repository: two Terraform deployments and the teams' manifests, each with
/// findings of its own.
fn platform() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    for env in ["prod", "staging"] {
        write(
            d,
            &format!("envs/{env}/main.tf"),
            &format!(
                "resource \"kestra_group\" \"bots\" {{\n  name        = \"bots\"\n  description = \"automation\"\n}}\n\nresource \"kestra_service_account\" \"deployer\" {{\n  name        = \"Deployer_{env}\"\n  description = \"deploys flows\"\n  group {{ group_id = kestra_group.bots.id }}\n}}\n\nresource \"kestra_service_account_api_token\" \"deploy\" {{\n  service_account_id = kestra_service_account.deployer.id\n  name               = \"deploy\"\n  description        = \"CI\"\n  max_age            = \"P365D\"\n}}\n"
            ),
        );
        write(d, &format!("envs/{env}/terraform.tfvars"), "region = \"eu-west-1\"\n");
    }
    write(
        d,
        "teams/data/iam.yaml",
        "serviceAccounts:\n  - name: Data_Loader\n    description: loads\n    groups: [data]\ngroups:\n  - name: data\n    description: data team\n",
    );
    write(
        d,
        "teams/web/iam.yaml",
        "serviceAccounts:\n  - name: web-publisher\n    description: publishes\n    apiTokens:\n      - name: publish\n        description: d\n        maxAge: P200D\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "platform"]);
    dir
}

#[test]
fn a_run_over_part_of_the_workspace_neither_stales_nor_drops_other_files_entries() {
    let dir = platform();
    let d = dir.path();
    let out = iamlint(d, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = read(d, "baseline.json");
    let recorded = entries(&before);
    assert!(["envs/prod/", "envs/staging/", "teams/data/", "teams/web/"]
        .iter()
        .all(|p| recorded.iter().any(|(path, _)| path.starts_with(p))));

    // A deployment, then files named as pre-commit names them: nothing stale, all baselined.
    for paths in [&["envs/prod"][..], &["teams/data/iam.yaml", "envs/staging/main.tf"], &["./envs/prod/"]] {
        let mut args = vec!["check", "--baseline", "baseline.json", "--format", "concise"];
        args.extend_from_slice(paths);
        let out = iamlint(d, &args);
        assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()), "{paths:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("no longer"), "{paths:?}: {}", stderr(&out));
    }

    // Fixed in prod: stale for a run over prod, which also prunes it, keeping the rest.
    let main = read(d, "envs/prod/main.tf").replace("P365D", "P30D");
    write(d, "envs/prod/main.tf", &main);
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "envs/prod"]);
    assert!(stderr(&out).contains("1 baseline entry no longer matches a finding"), "{}", stderr(&out));
    let out = iamlint(d, &["check", "--write-baseline", "baseline.json", "envs/prod"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = entries(&read(d, "baseline.json"));
    let outside = |e: &[(String, String)]| -> Vec<(String, String)> {
        e.iter().filter(|(p, _)| !p.starts_with("envs/prod/")).cloned().collect()
    };
    assert_eq!(outside(&after), outside(&recorded), "entries of other files changed");
    let prod = |e: &[(String, String)]| e.iter().filter(|(p, _)| p.starts_with("envs/prod/")).count();
    assert_eq!(prod(&after), prod(&recorded) - 1);
    let kept = outside(&recorded).len();
    assert!(
        stderr(&out).contains(&format!("kept the {kept} entries of files this run does not cover")),
        "{}",
        stderr(&out)
    );

    // Named files, as pre-commit passes them: the same.
    let out = iamlint(d, &["check", "--write-baseline", "baseline.json", "teams/web/iam.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(entries(&read(d, "baseline.json")), after);
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "--format", "concise"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()), "{}", stderr(&out));
    assert!(!stderr(&out).contains("no longer"), "{}", stderr(&out));

    // A file deleted from a folder the run covers takes its entries with it.
    std::fs::remove_file(d.join("teams/data/iam.yaml")).unwrap();
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "teams"]);
    assert!(stderr(&out).contains("no longer"), "{}", stderr(&out));
    iamlint(d, &["check", "--write-baseline", "baseline.json", "teams"]);
    assert!(entries(&read(d, "baseline.json")).iter().all(|(p, _)| !p.starts_with("teams/data/")));
}

/// A deployment where the bot `ci` can change IAM through its group, and a team manifest
/// whose exporter can too; every binding is limited to a namespace (no IAM304 to mask the
/// question).
fn escalations() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        "envs/prod/main.tf",
        r#"resource "kestra_group" "ops" {
  name        = "ops"
  description = "operators"
}

resource "kestra_service_account" "ci" {
  name        = "ci"
  description = "deploys flows"
  group { group_id = kestra_group.ops.id }
}

resource "kestra_service_account_api_token" "deploy" {
  service_account_id = kestra_service_account.ci.id
  name               = "deploy"
  description        = "CI"
  max_age            = "P30D"
}

resource "kestra_role" "group_admin" {
  name        = "group-admin"
  description = "manages groups"
  resources {
    type    = "GROUP"
    actions = ["CREATE", "UPDATE"]
  }
}

resource "kestra_binding" "ops_group_admin" {
  type        = "GROUP"
  external_id = kestra_group.ops.id
  role_id     = kestra_role.group_admin.id
  namespace   = "company.ops"
}
"#,
    );
    write(
        d,
        "envs/prod/roles.tf",
        r#"resource "kestra_role" "user_admin" {
  name        = "user-admin"
  description = "manages users"
  resources {
    type    = "USER"
    actions = ["UPDATE"]
  }
}
"#,
    );
    write(d, "envs/prod/terraform.tfvars", "region = \"eu-west-1\"\n");
    write(
        d,
        "teams/data/iam.yaml",
        "serviceAccounts:\n  - name: exporter\n    description: exports\n    groups: [data]\ngroups:\n  - name: data\n    description: data team\nroles:\n  - name: data-admin\n    description: d\n    permissions:\n      GROUP: [UPDATE]\nbindings:\n  - type: GROUP\n    externalId: data\n    roleId: data-admin\n    namespace: company.data\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "iam"]);
    dir
}

/// The direct binding that gives `ci` a second path to IAM management.
const SECOND_PATH: &str = r#"
resource "kestra_binding" "ci_user_admin" {
  type        = "USER"
  external_id = kestra_service_account.ci.id
  role_id     = kestra_role.user_admin.id
  namespace   = "company.ops"
}
"#;

fn escalations_reported(d: &Path, baseline: &str) -> Vec<String> {
    let out = iamlint(d, &["check", "--baseline", baseline, "--format", "concise", "--select", "IAM205,IAM303"]);
    assert!(out.status.code().is_some_and(|c| c < 2), "{}", stderr(&out));
    stdout(&out).lines().map(str::to_string).collect()
}

#[test]
fn a_baselined_escalation_does_not_hide_a_new_path_to_the_same_account() {
    let dir = escalations();
    let d = dir.path();
    assert_eq!(iamlint(d, &["check", "--write-baseline", "baseline.json"]).status.code(), Some(0));
    assert_eq!(escalations_reported(d, "baseline.json"), Vec::<String>::new());
    let roles = read(d, "envs/prod/roles.tf");

    // A second path, a role bound to the account directly: reported, though the account's
    // finding is recorded.
    write(d, "envs/prod/roles.tf", &format!("{roles}{SECOND_PATH}"));
    let new = escalations_reported(d, "baseline.json");
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new[0].starts_with("envs/prod/main.tf:6:") && new[0].contains("`ci` can change IAM"), "{new:?}");
    assert!(new[1].starts_with("envs/prod/main.tf:12:") && new[1].contains("IAM205"), "{new:?}");

    // Recorded with both paths, then one removed: an improvement, still recorded.
    assert_eq!(iamlint(d, &["check", "--write-baseline", "baseline.json"]).status.code(), Some(0));
    let recorded: serde_json::Value = serde_json::from_str(&read(d, "baseline.json")).unwrap();
    assert_eq!(recorded["version"], 3);
    let ci = recorded["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == "IAM303" && f["path"] == "envs/prod/main.tf")
        .unwrap();
    assert_eq!(ci["chain"].as_array().unwrap().len(), 2, "{ci:#}");
    let hashed =
        |p: &serde_json::Value| p.as_str().is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    assert!(ci["chain"].as_array().unwrap().iter().all(hashed), "{ci:#}");
    write(d, "envs/prod/roles.tf", &roles);
    assert_eq!(escalations_reported(d, "baseline.json"), Vec::<String>::new());

    // Lines moving, and a binding added above the exporter's in the manifest (its list
    // position changes), are no new path.
    let manifest = read(d, "teams/data/iam.yaml").replace(
        "bindings:\n",
        "bindings:\n  - type: GROUP\n    externalId: data\n    roleId: reader\n    namespace: company.data\n",
    );
    write(d, "teams/data/iam.yaml", &format!("# Data team.\n\n{manifest}"));
    write(d, "envs/prod/main.tf", &format!("# Production.\n{}", read(d, "envs/prod/main.tf")));
    assert_eq!(escalations_reported(d, "baseline.json"), Vec::<String>::new());
}

/// A version 2 entry records no chain: it matches the account's finding while it has one
/// path, whichever, and never a finding of two.
#[test]
fn a_baseline_entry_without_a_chain_matches_one_path_at_most() {
    let dir = escalations();
    let d = dir.path();
    assert_eq!(iamlint(d, &["check", "--write-baseline", "baseline.json"]).status.code(), Some(0));
    let mut v2: serde_json::Value = serde_json::from_str(&read(d, "baseline.json")).unwrap();
    v2["version"] = 2.into();
    for f in v2["findings"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("chain");
    }
    write(d, "v2.json", &serde_json::to_string_pretty(&v2).unwrap());
    assert_eq!(escalations_reported(d, "v2.json"), Vec::<String>::new());
    let roles = read(d, "envs/prod/roles.tf");
    write(d, "envs/prod/roles.tf", &format!("{roles}{SECOND_PATH}"));
    let new = escalations_reported(d, "v2.json");
    assert_eq!(new.len(), 2, "{new:?}");
    assert!(new[0].contains("`ci` can change IAM"), "{new:?}");
}
