//! `iamlint access --diff REF` in a real temporary git repository: what a pull request
//! grants and takes away, per principal.

use crate::common;
use common::*;

const SA: &str = "resource \"kestra_service_account\" \"ci\" {\n  name = \"ci\"\n  groups {\n    id = \"bots\"\n  }\n}\n\nresource \"kestra_service_account_api_token\" \"t\" {\n  service_account_id = kestra_service_account.ci.id\n  name = \"deploy\"\n  max_age = \"P30D\"\n}\n";
const GROUPS: &str = "groups:\n  - name: bots\nroles:\n  - name: deployer\n    permissions:\n      FLOW: [VIEW, CREATE]\nbindings:\n  - type: GROUP\n    externalId: bots\n    roleId: deployer\n    namespace: company.team\n";

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "iam/sa.tf", SA);
    write(d, "iam/groups.yaml", GROUPS);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    dir
}

#[test]
fn reports_gains_losses_new_principals_and_tokens() {
    let dir = repo();
    let d = dir.path();
    // The pull request: the binding becomes tenant-wide with SECRET access, a new bot joins
    // the group, and the deploy token is replaced.
    write(
        d,
        "iam/groups.yaml",
        &GROUPS
            .replace("FLOW: [VIEW, CREATE]", "FLOW: [VIEW, CREATE]\n      SECRET: [VIEW]")
            .replace("    namespace: company.team\n", ""),
    );
    write(d, "iam/new.yaml", "serviceAccounts:\n  - name: etl\n    groups: [bots]\n");
    write(d, "iam/sa.tf", &SA.replace("\"deploy\"", "\"deploy-2\""));
    let out = iamlint(d, &["access", "--diff", "HEAD", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let expected = "\
Access changes since HEAD (+ gained, - lost):

service account ci  (tenant main)
  + (tenant-wide)  FLOW    CREATE
  + (tenant-wide)  FLOW    VIEW
  + (tenant-wide)  SECRET  VIEW
  - company.team   FLOW    CREATE
  - company.team   FLOW    VIEW
  + token deploy-2
  - token deploy

service account etl  (tenant main)  [new]
  + (tenant-wide)  FLOW    CREATE
  + (tenant-wide)  FLOW    VIEW
  + (tenant-wide)  SECRET  VIEW

";
    assert_eq!(stdout(&out), expected);

    let out = iamlint(d, &["access", "--diff", "HEAD", "--format", "json", "."]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["reference"], "HEAD");
    let etl = &json["changes"][1];
    assert_eq!((etl["name"].as_str(), etl["status"].as_str()), (Some("etl"), Some("added")));
    assert_eq!(etl["gained"][2], serde_json::json!({"namespace": null, "type": "SECRET", "action": "VIEW"}));
}

#[test]
fn no_change_and_removed_principals() {
    let dir = repo();
    let d = dir.path();
    let out = iamlint(d, &["access", "--diff", "HEAD"]);
    assert_eq!(stdout(&out), "No access changes since HEAD.\n");
    std::fs::remove_file(d.join("iam/sa.tf")).unwrap();
    let out = iamlint(d, &["access", "--diff", "HEAD"]);
    let text = stdout(&out);
    assert!(text.contains("service account ci  (tenant main)  [removed]\n  - company.team  FLOW  CREATE\n"), "{text}");
    assert!(text.contains("  - token deploy\n"), "{text}");
}

#[test]
fn bad_reference_and_no_repository_are_status_two() {
    let dir = repo();
    let out = iamlint(dir.path(), &["access", "--diff", "no-such-ref"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`no-such-ref` is not a revision"), "{}", stderr(&out));
    let plain = tempfile::tempdir().unwrap();
    let out = iamlint(plain.path(), &["access", "--diff", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Both sides are read as `check` reads them: a change in a file the configuration
/// excludes is no access change.
#[test]
fn excluded_files_are_excluded_at_the_revision_too() {
    let dir = repo();
    let d = dir.path();
    write(d, ".iamlint.yaml", "exclude: [\"iam/vendor/**\"]\n");
    write(d, "iam/vendor/old.yaml", "serviceAccounts:\n  - name: vendored\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "vendored"]);
    std::fs::remove_file(d.join("iam/vendor/old.yaml")).unwrap();
    write(d, "iam/vendor/new.yaml", "serviceAccounts:\n  - name: vendored-too\n");
    let out = iamlint(d, &["access", "--diff", "HEAD", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "{\n  \"version\": 1,\n  \"reference\": \"HEAD\",\n  \"changes\": []\n}\n");
    write(d, ".iamlint.yaml", "exclude: []\n");
    let out = iamlint(d, &["access", "--diff", "HEAD", "--format", "json", "."]);
    assert!(stdout(&out).contains("vendored-too"), "{}", stdout(&out));
}
