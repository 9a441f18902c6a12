//! `iamlint access`: effective permissions through groups and bindings across files, with
//! namespace scoping, as a table and as JSON.

use crate::common;
use common::*;
use serde_json::Value;

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "sa.tf",
        r#"resource "kestra_service_account" "ci" {
  name = "ci-deployer"

  groups {
    id = kestra_group.bots.id
  }
}

resource "kestra_service_account_api_token" "gha" {
  service_account_id = kestra_service_account.ci.id
  name               = "github-actions"
  max_age            = "P30D"
}
"#,
    );
    write(
        d,
        "bindings.tf",
        r#"resource "kestra_group" "bots" {
  name = "bots"
}

resource "kestra_binding" "team" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = "team-deployer"
  namespace   = "company"
}

resource "kestra_binding" "other" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = "x-admin"
  namespace   = "company"
}

resource "kestra_binding" "secrets" {
  type        = "GROUP"
  external_id = kestra_group.bots.id
  role_id     = "secret-reader"
}
"#,
    );
    write(
        d,
        "roles.yaml",
        "roles:
  - name: team-deployer
    namespace: company.team
    permissions:
      FLOW: [VIEW, CREATE]
  - name: x-admin
    namespace: companyx
    permissions:
      ROLE: [CREATE]
  - name: secret-reader
    permissions:
      SECRET: [VIEW]
      FLOW: [READ]
users:
  - email: jane@example.com
    groups: [nobody]
",
    );
    dir
}

#[test]
fn table_shows_scoped_permissions_groups_and_tokens() {
    let dir = workspace();
    let out = iamlint(dir.path(), &["access"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let expected = "service account ci-deployer  (tenant main, sa.tf:1)
  groups: bots
  tokens: github-actions (sa.tf:9)
  NAMESPACE      TYPE    ACTIONS       VIA
  (tenant-wide)  FLOW    READ          secret-reader via group bots
  (tenant-wide)  SECRET  VIEW          secret-reader via group bots
  company.team   FLOW    CREATE, VIEW  team-deployer via group bots

user jane@example.com  (tenant main, roles.yaml:15)
  groups: none
  tokens: none
  no permissions
  unknown: group `nobody` is not in the workspace

";
    assert_eq!(text, expected);
    // `company` does not cover `companyx`: the x-admin role grants nothing.
    assert!(!text.contains("ROLE"));
}

#[test]
fn json_is_sorted_and_stable() {
    let dir = workspace();
    let out = iamlint(dir.path(), &["access", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["version"], 1);
    let principals = json["principals"].as_array().unwrap();
    assert_eq!(principals.len(), 2);
    let ci = &principals[0];
    assert_eq!(ci["kind"], "service_account");
    assert_eq!(ci["name"], "ci-deployer");
    assert_eq!(ci["super_admin"], false);
    assert_eq!(ci["groups"], serde_json::json!(["bots"]));
    assert_eq!(ci["tokens"][0]["name"], "github-actions");
    let rows = ci["permissions"].as_array().unwrap();
    assert_eq!(rows[0]["namespace"], Value::Null);
    assert_eq!(rows[2]["namespace"], "company.team");
    assert_eq!(rows[2]["type"], "FLOW");
    assert_eq!(rows[2]["actions"], serde_json::json!(["CREATE", "VIEW"]));
    assert_eq!(rows[2]["via"], serde_json::json!(["team-deployer via group bots"]));
    assert_eq!(principals[1]["kind"], "user");
    let again = iamlint(dir.path(), &["access", "--format", "json", "."]);
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn named_files_list_only_their_principals_and_missing_paths_fail() {
    let dir = workspace();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let out = iamlint(dir.path(), &["access", "sa.tf"]);
    let text = stdout(&out);
    // The rest of the workspace still resolves the chain.
    assert!(text.contains("company.team   FLOW"), "{text}");
    assert!(!text.contains("jane@example.com"), "{text}");
    assert_eq!(iamlint(dir.path(), &["access", "nope"]).status.code(), Some(2));
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(stdout(&iamlint(empty.path(), &["access"])), "No service accounts or users found.\n");
}

/// `access` reads the workspace `check` reads: the configuration's exclude, and var files.
#[test]
fn honours_the_configuration_and_var_files() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    write(d, ".iamlint.yaml", "exclude: [\"vendor/**\"]\n");
    write(d, "vendor/other.yaml", "serviceAccounts:\n  - name: vendored\n");
    write(
        d,
        "iam/main.tf",
        "variable \"admin\" {\n  default = false\n}\n\nresource \"kestra_service_account\" \"ci\" {\n  name        = \"ci\"\n  super_admin = var.admin\n}\n",
    );
    write(d, "prod.tfvars", "admin = true\n");
    let principals = |args: &[&str]| {
        let out = iamlint(d, &[&["access", "--format", "json"], args].concat());
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let json: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
        json["principals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| (p["name"].to_string(), p["super_admin"].clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(principals(&["."]), [("\"ci\"".to_string(), Value::Bool(false))]);
    assert_eq!(principals(&["--var-file", "prod.tfvars", "iam"]), [("\"ci\"".to_string(), Value::Bool(true))]);
    // Without the configuration's exclude the vendored account is there.
    write(d, ".iamlint.yaml", "exclude: []\n");
    assert_eq!(principals(&["."]).len(), 2);
    let out = iamlint(d, &["access", "--max-file-size", "10", "--format", "json", "iam"]);
    assert_eq!(stdout(&out), "{\n  \"version\": 1,\n  \"principals\": []\n}\n");
}
