//! Nested configuration: a team folder's own `.iamlint.yaml` applies to the files below it
//! (the nearest one wins, as in ruff), over one workspace model; `extend` inherits;
//! workspace-wide keys are read from the run's configuration only; `--config` forces one
//! configuration; `iamlint config` shows the values in effect and where each comes from.

use crate::common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// A repository with two teams, each with its own configuration: payments extends the
/// root's (a 30-day token limit) and tightens it to 7 days, and does not enforce names;
/// data starts from the defaults (90 days) and reports names as info only.
fn two_teams() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "README.md", "# Kestra IAM\n");
    write(d, ".iamlint.yaml", "max-token-age: P30D\nexclude: [\"vendor/**\"]\n");
    write(d, "vendor/legacy.yaml", "serviceAccounts:\n  - name: Vendor_Bot\n");
    write(
        d,
        "teams/payments/.iamlint.yaml",
        "# Payments tokens are rotated weekly.\nextend: ../../.iamlint.yaml\nignore: [service-account-name]\nmax-token-age: P7D\n",
    );
    write(
        d,
        "teams/payments/envs/prod/main.tf",
        r#"terraform {
  required_providers {
    kestra = { source = "kestra-io/kestra", version = "~> 1.0" }
  }
}

resource "kestra_service_account" "ci" {
  name        = "CI_Bot"
  description = "deploys payment flows"
}

resource "kestra_service_account_api_token" "ci" {
  service_account_id = kestra_service_account.ci.id
  name               = "deploy"
  description        = "CI deploy token"
  max_age            = "P14D"
}
"#,
    );
    write(d, "teams/payments/envs/prod/terraform.tfvars", "region = \"eu\"\n");
    write(d, "teams/data/.iamlint.yaml", "severity:\n  service-account-name: info\n");
    write(
        d,
        "teams/data/iam/service-accounts.yaml",
        "groups:\n  - name: etl\nserviceAccounts:\n  - name: Data_Bot\n    groups: [etl]\n    apiTokens:\n      - name: nightly\n        maxAge: P60D\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "teams"]);
    dir
}

/// The concise lines about `path`.
fn lines_of<'a>(text: &'a str, path: &str) -> Vec<&'a str> {
    text.lines().filter(|l| l.starts_with(path)).collect()
}

/// `teams`: how the output names the teams folder.
fn assert_each_team_has_its_settings(text: &str, teams: &str) {
    let payments = lines_of(text, &format!("{teams}payments/envs/prod/main.tf"));
    assert!(payments.iter().any(|l| l.contains("IAM202") && l.contains("maximum P7D")), "{text}");
    assert!(!payments.iter().any(|l| l.contains("IAM101")), "{text}");
    let data = lines_of(text, &format!("{teams}data/iam/service-accounts.yaml"));
    assert!(data.iter().any(|l| l.contains("IAM101 [info]")), "{text}");
    // P60D is within the default 90 days: data does not inherit the root's 30.
    assert!(!data.iter().any(|l| l.contains("IAM202")), "{text}");
}

#[test]
fn a_commit_touching_two_teams_is_checked_with_each_teams_configuration() {
    let dir = two_teams();
    let d = dir.path();
    // Both teams change in one commit; pre-commit passes the staged files of both.
    write(
        d,
        "teams/payments/envs/prod/main.tf",
        &std::fs::read_to_string(d.join("teams/payments/envs/prod/main.tf")).unwrap().replace("P14D", "P10D"),
    );
    write(
        d,
        "teams/data/iam/service-accounts.yaml",
        &std::fs::read_to_string(d.join("teams/data/iam/service-accounts.yaml")).unwrap().replace("P60D", "P45D"),
    );
    git(d, &["add", "-A"]);
    let staged = git(d, &["diff", "--cached", "--name-only"]);
    let mut args = vec!["check", "--format", "concise"];
    args.extend(staged.lines());
    assert_eq!(args.len(), 5, "{staged}");
    let out = iamlint(d, &args);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("token max age P10D (10 days) is above the maximum P7D"), "{text}");
    let payments = lines_of(&text, "teams/payments/envs/prod/main.tf");
    assert!(!payments.iter().any(|l| l.contains("IAM101")), "{text}");
    let data = lines_of(&text, "teams/data/iam/service-accounts.yaml");
    assert!(data.iter().any(|l| l.contains("IAM101 [info]")) && !data.iter().any(|l| l.contains("IAM202")), "{text}");
    assert!(!stderr(&out).contains("warning:"), "{}", stderr(&out));
}

#[test]
fn the_whole_repository_from_any_folder_applies_the_nearest_configuration() {
    let dir = two_teams();
    let d = dir.path();
    let out = iamlint(d, &["check", "--format", "concise"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert_each_team_has_its_settings(&text, "teams/");
    // The root's exclude still holds: it is the run's configuration.
    assert!(!text.contains("vendor/"), "{text}");
    let out = iamlint(&d.join("teams"), &["check", "--format", "concise", "payments", "data"]);
    assert_each_team_has_its_settings(&stdout(&out), "");
    let out = iamlint(&d.join("teams/data"), &["check", "--format", "concise", ".."]);
    assert_each_team_has_its_settings(&stdout(&out), "../");
}

#[test]
fn config_flag_forces_one_configuration_for_every_file() {
    let dir = two_teams();
    let d = dir.path();
    let out = iamlint(d, &["check", "--format", "concise", "--config", "teams/data/.iamlint.yaml", "teams"]);
    let text = stdout(&out);
    // Data's settings everywhere: names are info in payments too, and 14 days is fine.
    let payments = lines_of(&text, "teams/payments/envs/prod/main.tf");
    assert!(payments.iter().any(|l| l.contains("IAM101 [info]")), "{text}");
    assert!(!payments.iter().any(|l| l.contains("IAM202")), "{text}");
}

#[test]
fn command_line_flags_win_over_every_configuration() {
    let dir = two_teams();
    let d = dir.path();
    let out = iamlint(d, &["check", "--format", "concise", "--max-token-age", "P1D", "--extend-select", "IAM101"]);
    let text = stdout(&out);
    assert!(text.contains("P14D (14 days) is above the maximum P1D"), "{text}");
    assert!(text.contains("P60D (60 days) is above the maximum P1D"), "{text}");
    // The flags add to each team's settings, which still hold otherwise: payments' ignore
    // wins over an extend-select, data's severity stays.
    assert!(!lines_of(&text, "teams/payments/").iter().any(|l| l.contains("IAM101")), "{text}");
    assert!(lines_of(&text, "teams/data/").iter().any(|l| l.contains("IAM101 [info]")), "{text}");
}

#[test]
fn a_workspace_wide_key_in_a_nested_configuration_is_a_warning_naming_it() {
    let dir = two_teams();
    let d = dir.path();
    write(d, "teams/data/.iamlint.yaml", "severity:\n  service-account-name: info\nmax-file-size: 10\n");
    let out = iamlint(d, &["check", "--format", "concise"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("warning: teams/data/.iamlint.yaml:3: `max-file-size` is a workspace-wide setting, read only from the run's configuration (.iamlint.yaml)"),
        "{err}"
    );
    // Ignored: the file is linted, not reported as too large.
    assert!(!stdout(&out).contains("IAM001"), "{}", stdout(&out));
    // Linted from its own folder, the team's configuration is still nested in the
    // repository's: the key is ignored the same way.
    let out = iamlint(&d.join("teams/data"), &["check", "--format", "concise"]);
    assert!(!stdout(&out).contains("IAM001"), "{}", stdout(&out));
    assert!(stderr(&out).contains("`max-file-size` is a workspace-wide setting"), "{}", stderr(&out));
}

/// A team folder's `exclude` is ignored (with a warning) whether CI lints the repository or
/// pre-commit names the team's staged files: the run's configuration is the repository's
/// either way, so the same findings are reported.
#[test]
fn a_nested_exclude_is_ignored_alike_whether_the_repository_or_its_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".iamlint.yaml", "ignore: [IAM401]\n");
    write(d, "teams/data/.iamlint.yaml", "# the data team would rather not be linted\nexclude: [\"**\"]\n");
    write(
        d,
        "teams/data/iam/accounts.yaml",
        "serviceAccounts:\n  - name: Data_Bot\n    description: loads the warehouse\n    superAdmin: true\n",
    );
    write(d, "teams/data/iam/groups.yaml", "groups:\n  - name: etl\n    description: ETL jobs\n");
    write(d, "teams/web/iam.yaml", "groups:\n  - name: web\n    description: web deploys\n");
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "teams"]);
    let whole = iamlint(d, &["check", "--format", "concise", "."]);
    let named =
        iamlint(d, &["check", "--format", "concise", "teams/data/iam/accounts.yaml", "teams/data/iam/groups.yaml"]);
    let from_team = iamlint(&d.join("teams/data"), &["check", "--format", "concise", "iam/accounts.yaml"]);
    let findings = |o: &std::process::Output| stdout(o).lines().map(str::to_string).collect::<Vec<_>>();
    assert!(
        findings(&whole).iter().any(|l| l.starts_with("teams/data/iam/accounts.yaml:4:17: IAM301")),
        "{}",
        stdout(&whole)
    );
    assert_eq!(findings(&named), findings(&whole), "{}", stderr(&named));
    let from_team: Vec<String> = findings(&from_team).iter().map(|l| format!("teams/data/{l}")).collect();
    assert_eq!(from_team, findings(&whole));
    for out in [&whole, &named] {
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(out).contains("warning: teams/data/.iamlint.yaml:2: `exclude` is a workspace-wide setting"),
            "{}",
            stderr(out)
        );
    }
}

/// The organisation's configuration at the repository root makes super admins
/// unsuppressible and requires a reason for every suppression. Two team folders try every
/// way a configuration has to lower that; each is overridden, with a warning naming the
/// team's file and line, and the team's other settings still hold.
#[test]
fn a_team_configuration_cannot_lower_the_organisations_unsuppressible_rules() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".iamlint.yaml", "unsuppressible: [super-admin-service-account]\nrequire-suppression-reason: true\n");
    write(
        d,
        "teams/payments/.iamlint.yaml",
        "# payments reviews its own admins\nignore: [IAM3, IAM101]\nper-file-ignores:\n  \"envs/**\": [IAM301]\nrequire-suppression-reason: false\n",
    );
    write(
        d,
        "teams/payments/envs/prod/main.tf",
        r#"resource "kestra_group" "ops" {
  name        = "ops"
  description = "payments operators"
}

resource "kestra_service_account" "admin" {
  name        = "Payments_Admin"
  description = "payments automation"
  super_admin = true
  group { group_id = kestra_group.ops.id }
}

# iamlint-ignore: IAM301 -- break-glass account
resource "kestra_service_account" "breakglass" {
  name        = "breakglass"
  description = "emergency access"
  super_admin = true
  group { group_id = kestra_group.ops.id }
}

# iamlint-ignore: IAM401
resource "kestra_service_account" "loner" {
  name        = "loner"
  description = "in no group"
}
"#,
    );
    write(d, "teams/payments/envs/prod/terraform.tfvars", "region = \"eu\"\n");
    write(
        d,
        "teams/data/.iamlint.yaml",
        "select: [IAM1, IAM2, IAM4]\nobject-ignores:\n  \"serviceAccounts[data-admin]\": [IAM301]\nseverity:\n  IAM301: info\n",
    );
    write(
        d,
        "teams/data/iam/accounts.yaml",
        "groups:\n  - name: etl\n    description: ETL jobs\nserviceAccounts:\n  - name: data-admin\n    description: warehouse admin\n    superAdmin: true\n    groups: [etl]\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "teams"]);
    let out = iamlint(d, &["check", "--format", "concise"]);
    let (text, err) = (stdout(&out), stderr(&out));
    assert_eq!(out.status.code(), Some(1), "{text}{err}");
    let payments = lines_of(&text, "teams/payments/envs/prod/main.tf");
    let data = lines_of(&text, "teams/data/iam/accounts.yaml");
    // Reported, as an error, despite ignore, per-file-ignores, a suppression comment,
    // select, object-ignores and severity.
    assert_eq!(payments.iter().filter(|l| l.contains("IAM301 [error]")).count(), 2, "{text}");
    assert!(data.iter().any(|l| l.contains("IAM301 [error]")), "{text}");
    // The comment on IAM301 silences nothing, and a comment without a reason neither.
    assert!(payments.iter().any(|l| l.contains("IAM900") && l.contains("cannot be suppressed")), "{text}");
    assert!(payments.iter().any(|l| l.contains("IAM401")), "{text}");
    // What the teams may decide still holds: payments ignores names, data selects no IAM3.
    assert!(!payments.iter().any(|l| l.contains("IAM101")), "{text}");
    assert!(!data.iter().any(|l| l.contains("IAM3") && !l.contains("IAM301")), "{text}");
    for warning in [
        "warning: teams/payments/.iamlint.yaml:2: `ignore` would turn off IAM301 (super-admin-service-account), which the run's configuration (.iamlint.yaml) makes unsuppressible",
        "warning: teams/payments/.iamlint.yaml:3: `per-file-ignores` would not report IAM301",
        "warning: teams/payments/.iamlint.yaml:5: `require-suppression-reason: false` is overridden",
        "warning: teams/data/.iamlint.yaml:1: `select` would turn off IAM301",
        "warning: teams/data/.iamlint.yaml:2: `object-ignores` would not report IAM301",
        "warning: teams/data/.iamlint.yaml:4: `severity` would lower IAM301",
    ] {
        assert!(err.contains(warning), "{warning}\n{err}");
    }
}

#[test]
fn a_broken_nested_configuration_fails_the_run_naming_its_file() {
    let dir = two_teams();
    let d = dir.path();
    for (text, expected) in [
        (
            "ignore: [servce-account-name]\n",
            "teams/data/.iamlint.yaml:1:10: `ignore`: unknown rule `servce-account-name`",
        ),
        ("max-token-age: 7d\n", "teams/data/.iamlint.yaml:1:16: `max-token-age`"),
        ("extend: ../missing.yaml\n", "teams/data/.iamlint.yaml:1:1: `extend`: `"),
        ("extend: .iamlint.yaml\n", "extends this file again: a cycle"),
    ] {
        write(d, "teams/data/.iamlint.yaml", text);
        let out = iamlint(d, &["check", "teams/payments/envs/prod/main.tf", "teams/data/iam/service-accounts.yaml"]);
        assert_eq!(out.status.code(), Some(2), "{text}: {}", stdout(&out));
        assert!(stderr(&out).contains(expected), "{text}: {}", stderr(&out));
    }
}

#[test]
fn extend_cannot_leave_the_repository() {
    let outer = tempfile::tempdir().unwrap();
    write(outer.path(), "shared.yaml", "max-token-age: P1D\n");
    let d = &outer.path().join("repo");
    write(d, ".git/HEAD", "");
    write(d, ".iamlint.yaml", "extend: ../shared.yaml\n");
    write(d, "iam.yaml", "serviceAccounts:\n  - name: ci\n");
    let out = iamlint(d, &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("extends a file outside the repository"), "{}", stderr(&out));
    // Named with --config, the user's own choice is read wherever it is.
    let out = iamlint(d, &["check", "--config", ".iamlint.yaml", "--format", "concise"]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
}

fn shown_config(dir: &Path, args: &[&str]) -> Value {
    let out = iamlint(dir, args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn config_command_shows_the_values_in_effect_for_a_path_and_where_each_comes_from() {
    let dir = two_teams();
    let d = dir.path();
    let shown = shown_config(d, &["config", "teams/payments/envs/prod/main.tf"]);
    assert_eq!(shown["file"], "teams/payments/.iamlint.yaml");
    assert_eq!(shown["workspace-file"], ".iamlint.yaml");
    assert_eq!(shown["max-token-age"], "P7D");
    assert_eq!(shown["sources"]["max-token-age"], "teams/payments/.iamlint.yaml:4");
    assert_eq!(shown["sources"]["ignore"], "teams/payments/.iamlint.yaml:3");
    assert_eq!(shown["sources"]["exclude"], ".iamlint.yaml:2");
    assert!(!shown["enabled"].as_array().unwrap().contains(&Value::from("IAM101")), "{shown}");
    // Data inherits nothing: the default, named as such.
    let shown = shown_config(d, &["config", "teams/data"]);
    assert_eq!(shown["max-token-age"], "P90D");
    assert_eq!(shown["sources"]["max-token-age"], "default");
    assert_eq!(shown["severity"]["service-account-name"], "info");
    assert_eq!(shown["max-file-size"], 16777216);
    assert_eq!(shown["max-yaml-depth"], 256);
    // A value taken through `extend` is named by the file that writes it.
    write(d, "teams/payments/.iamlint.yaml", "extend: ../../.iamlint.yaml\n");
    let shown = shown_config(d, &["config", "teams/payments"]);
    assert_eq!(shown["max-token-age"], "P30D");
    assert_eq!(shown["sources"]["max-token-age"], ".iamlint.yaml:1");
    // No configuration at all: every value is the default, not null.
    let empty = tempfile::tempdir().unwrap();
    write(empty.path(), ".git/HEAD", "");
    let shown = shown_config(empty.path(), &["config"]);
    assert_eq!(shown["max-token-age"], "P90D");
    assert_eq!(shown["file"], Value::Null);
    assert!(shown["sources"].as_object().unwrap().values().all(|v| v == "default"), "{shown}");
}

#[test]
fn suppression_settings_are_each_teams_own() {
    let dir = two_teams();
    let d = dir.path();
    write(d, "teams/data/.iamlint.yaml", "severity:\n  service-account-name: info\nrequire-suppression-reason: true\n");
    let accounts = std::fs::read_to_string(d.join("teams/data/iam/service-accounts.yaml")).unwrap();
    write(
        d,
        "teams/data/iam/service-accounts.yaml",
        &accounts.replace("  - name: Data_Bot\n", "  # iamlint-ignore: IAM101\n  - name: Data_Bot\n"),
    );
    let main = std::fs::read_to_string(d.join("teams/payments/envs/prod/main.tf")).unwrap();
    write(d, "teams/payments/envs/prod/main.tf", &main.replace("  max_age ", "  # iamlint-ignore: IAM202\n  max_age "));
    let out = iamlint(d, &["check", "--format", "concise"]);
    let text = stdout(&out);
    // Data requires a reason: its suppression is reported and silences nothing.
    let data = lines_of(&text, "teams/data/");
    assert!(data.iter().any(|l| l.contains("IAM900")) && data.iter().any(|l| l.contains("IAM101 [info]")), "{text}");
    // Payments does not: its suppression silences the 7-day limit's finding.
    assert!(!lines_of(&text, "teams/payments/").iter().any(|l| l.contains("IAM900") || l.contains("IAM202")), "{text}");
}

/// With nested configurations one rule has several severities: the Markdown section of the
/// rule says which occur, and each row gives its finding's own.
#[test]
fn markdown_shows_each_findings_severity_when_teams_differ() {
    let dir = two_teams();
    let d = dir.path();
    write(d, "iam/platform.yaml", "groups:\n  - name: ops\n    description: ops\nserviceAccounts:\n  - name: Platform_Bot\n    description: platform\n    groups: [ops]\n");
    let out = iamlint(d, &["check", "--format", "markdown"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("### IAM101 service-account-name (error, info): 2\n"), "{text}");
    assert!(text.contains("\n| error | iam/platform.yaml:5 | service account name \\`Platform\\_Bot\\`"), "{text}");
    assert!(
        text.contains("\n| info | teams/data/iam/service-accounts.yaml:4 | service account name \\`Data\\_Bot\\`"),
        "{text}"
    );
}

#[test]
fn a_team_cannot_lower_an_unsuppressible_rule_by_its_name_or_in_lower_case() {
    // A severity keyed by the rule's name, or its code in lower case, outranked the floor's
    // entry by the code: the warning said "overridden" and the finding came out as info.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".iamlint.yaml", "unsuppressible: [IAM301]\n");
    let admin = |name: &str| {
        format!(
            "groups:\n  - name: ops\n    description: operators\nserviceAccounts:\n  - name: {name}\n    description: break glass\n    superAdmin: true\n    groups: [ops]\n"
        )
    };
    for (team, key) in [("a", "super-admin-service-account"), ("b", "iam301"), ("c", "Super-Admin-Service-Account")] {
        write(d, &format!("teams/{team}/.iamlint.yaml"), &format!("severity:\n  {key}: info\n"));
        write(d, &format!("teams/{team}/iam.yaml"), &admin(&format!("{team}-admin")));
    }
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise", "--select", "IAM301", "."]);
    let text = stdout(&out);
    for team in ["a", "b", "c"] {
        let line = text.lines().find(|l| l.starts_with(&format!("teams/{team}/iam.yaml:"))).unwrap_or_default();
        assert!(line.contains("IAM301 [error]"), "team {team}:\n{text}");
    }
    assert_eq!(out.status.code(), Some(1), "{text}");
}
