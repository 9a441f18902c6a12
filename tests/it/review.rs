//! The review workflow from the command line: `--fix`, `--diff`, baselines and
//! `--changed-since`, on real files and a real git repository.

use crate::common;
use common::*;
use std::path::Path;

const SA_YAML: &str = "groups:\n  - name: bots\nserviceAccounts:\n  - name: ciBot  # the deployer\n    groups: [bots]\n    apiTokens:\n      - name: Deploy_Token\n        maxAge: \"P400D\"\n        extended: true\n";
const BINDINGS_YAML: &str = "roles:\n  - name: deployer\n    permissions:\n      FLOW: [VIEW, CREATE]\nbindings:\n  - type: USER\n    externalId: ciBot\n    roleId: deployer\n    namespace: company.team\n";
const MEMBERSHIP_TF: &str =
    "resource \"kestra_user_group_membership\" \"ci\" {\n  user_id  = \"ciBot\" # by name\n  group_id = \"bots\"\n}\n";

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

fn workspace(dir: &Path) {
    write(dir, "iam/sa.yaml", SA_YAML);
    write(dir, "iam/bindings.yaml", BINDINGS_YAML);
    write(dir, "tf/membership.tf", MEMBERSHIP_TF);
}

#[test]
fn diff_changes_nothing_and_patches_to_what_fix_writes() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    let out = iamlint(dir.path(), &["check", "--diff", "--unsafe-fixes", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let diff = stdout(&out);
    assert!(diff.contains("--- a/iam/sa.yaml\n+++ b/iam/sa.yaml\n"), "{diff}");
    assert_eq!(read(dir.path(), "iam/sa.yaml"), SA_YAML, "--diff must not write");
    assert!(stderr(&out).contains("Would fix"), "{}", stderr(&out));

    let copy = tempfile::tempdir().unwrap();
    workspace(copy.path());
    std::fs::write(copy.path().join("fixes.patch"), &diff).unwrap();
    apply_patch(copy.path(), "fixes.patch").unwrap();

    let fixed = iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "--format", "concise", "."]);
    assert!(stderr(&fixed).contains("Fixed "), "{}", stderr(&fixed));
    for f in ["iam/sa.yaml", "iam/bindings.yaml", "tf/membership.tf"] {
        assert_eq!(read(dir.path(), f), read(copy.path(), f), "{f}");
    }
    // The rename reached every reference, in every file and format, keeping comments.
    assert!(read(dir.path(), "iam/sa.yaml").contains("  - name: ci-bot  # the deployer\n"));
    assert!(read(dir.path(), "iam/sa.yaml")
        .contains("      - name: deploy-token\n        maxAge: \"P90D\"\n        extended: false\n"));
    assert!(read(dir.path(), "iam/bindings.yaml").contains("externalId: ci-bot\n"));
    assert!(read(dir.path(), "tf/membership.tf").contains("user_id  = \"ci-bot\" # by name\n"));
    // Nothing left to fix; the second diff is empty.
    let again = iamlint(dir.path(), &["check", "--diff", "--unsafe-fixes", "."]);
    assert_eq!((again.status.code(), stdout(&again)), (Some(0), String::new()));
}

#[test]
fn exit_status_after_fix_comes_from_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    // The name is fixable; the missing group (a warning) is not.
    write(dir.path(), "iam.yaml", "serviceAccounts:\n  - name: CI_Bot\n");
    let out = iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "iam.yaml:2:5: IAM401 [warning] service account `ci-bot` is in no group\n");
    write(dir.path(), "iam.yaml", "serviceAccounts:\n  - name: CI_Bot\n");
    let out = iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "--fail-on", "error"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert_eq!(read(dir.path(), "iam.yaml"), "serviceAccounts:\n  - name: ci-bot\n");
    assert_eq!(iamlint(dir.path(), &["check", "--fix", "--diff", "--unsafe-fixes"]).status.code(), Some(2));
}

#[test]
fn no_rename_when_the_new_name_is_taken() {
    let dir = tempfile::tempdir().unwrap();
    let text = "serviceAccounts:\n  - name: ciBot\n    groups: [bots]\n  - name: ci-bot\n    groups: [bots]\ngroups:\n  - name: bots\n";
    write(dir.path(), "iam.yaml", text);
    write(dir.path(), "users.tf", "resource \"kestra_user\" \"u\" {\n  username = \"ops-bot\"\n}\n");
    write(dir.path(), "ops.yaml", "serviceAccounts:\n  - name: OPS_Bot\n    groups: [bots]\n");
    let out = iamlint(dir.path(), &["check", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let renames: Vec<(String, bool)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "IAM101")
        .map(|f| (f["help"].as_str().unwrap().to_string(), f["fixable"].as_bool().unwrap()))
        .collect();
    assert_eq!(renames.len(), 2);
    assert!(renames.iter().all(|(_, fixable)| !fixable), "{renames:?}");
    assert!(renames[0].0.contains("`ci-bot` is already taken in tenant `main`"), "{renames:?}");
    assert!(renames[1].0.contains("`ops-bot` is already taken"), "{renames:?}");
    iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(read(dir.path(), "iam.yaml"), text);
}

#[cfg(unix)]
#[test]
fn fix_keeps_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    // The link's target is inside the workspace: a link out of it is never written through
    // (tests/trust_fix.rs).
    write(dir.path(), "ws/real/iam.yaml", "serviceAccounts:\n  - name: CI_Bot\n");
    let real = dir.path().join("ws/real/iam.yaml");
    std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o640)).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("ws/link.yaml")).unwrap();
    iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "ws"]);
    let link = dir.path().join("ws/link.yaml");
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link was replaced");
    assert_eq!(read(dir.path(), "ws/real/iam.yaml"), "serviceAccounts:\n  - name: ci-bot\n");
    assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o640);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("ws/real")).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "temporary files left behind");
}

#[test]
fn a_file_changed_since_it_was_read_is_not_written() {
    use iamlint::lint::{self, Options};
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    let options = Options { paths: vec![dir.path().to_path_buf()], ..Options::default() };
    let fixed = iamlint::fix::fix(lint::run(&options).unwrap(), &options, &|_, f| f, iamlint::fix::Applies::All);
    let edited = "# edited meanwhile\n".to_string() + BINDINGS_YAML;
    write(dir.path(), "iam/bindings.yaml", &edited);
    let messages = iamlint::fix::write(&fixed).unwrap_err();
    assert!(messages[0].contains("iam/bindings.yaml` changed on disk since iamlint read it"), "{messages:?}");
    // Half a rename is worse than none: no file is written.
    assert_eq!(read(dir.path(), "iam/bindings.yaml"), edited);
    assert_eq!(read(dir.path(), "iam/sa.yaml"), SA_YAML);
}

#[test]
fn baseline_survives_lines_moving_and_reports_only_new_findings() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    let out = iamlint(dir.path(), &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains("Wrote 5 findings to the baseline `baseline.json`"), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&read(dir.path(), "baseline.json")).unwrap();
    assert_eq!(json["version"], 3);
    // IAM101, IAM102, IAM202, IAM203, and IAM306 for the binding straight to the account.
    assert_eq!(json["findings"].as_array().unwrap().len(), 5);
    let out = iamlint(dir.path(), &["check", "--baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));

    // Lines inserted above every finding: a comment, a blank line, another group.
    let moved = SA_YAML.replace(
        "groups:\n  - name: bots\n",
        "# IAM for CI\n\ngroups:\n  - name: bots\n  - name: ops\n    description: operators\n",
    );
    write(dir.path(), "iam/sa.yaml", &moved);
    let out = iamlint(dir.path(), &["check", "--baseline", "baseline.json", "--format", "concise"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));

    // A new problem is reported, and only it.
    write(dir.path(), "iam/new.yaml", "serviceAccounts:\n  - name: Other_Bot\n    groups: [bots]\n");
    let out = iamlint(dir.path(), &["check", "--baseline", "baseline.json", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.starts_with("iam/new.yaml:2:11: IAM101"), "{text}");
}

#[test]
fn unreadable_or_foreign_baselines_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    workspace(dir.path());
    let out = iamlint(dir.path(), &["check", "--baseline", "missing.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read baseline `missing.json`"), "{}", stderr(&out));
    write(dir.path(), "other.json", "{\"version\": 1, \"results\": []}");
    let out = iamlint(dir.path(), &["check", "--baseline", "other.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not an iamlint baseline"), "{}", stderr(&out));
}

const OLD_TOKENS: &str = "serviceAccounts:\n  - name: Old_Bot\n    apiTokens:\n      - name: a\n        maxAge: P400D\n      - name: b\n        maxAge: P30D\n      - name: c\n        maxAge: P30D\n        description: keeps its max age\n";

#[test]
fn changed_since_reports_only_changed_lines() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, "iam.yaml", OLD_TOKENS);
    write(d, "untouched.tf", "resource \"kestra_service_account\" \"x\" {\n  name = \"Legacy_X\"\n}\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "old"]);
    // Everything old is reported without the option.
    let all = stdout(&iamlint(d, &["check", "--format", "concise"]));
    assert_eq!(all.lines().count(), 7, "{all}");

    // Token b becomes extended (a changed line); token c loses its max age (a deleted line
    // inside it: the finding on its first line is about that change); a new file appears.
    let changed = OLD_TOKENS
        .replace(
            "      - name: b\n        maxAge: P30D\n",
            "      - name: b\n        maxAge: P30D\n        extended: true\n",
        )
        .replace("        maxAge: P30D\n        description", "        description");
    write(d, "iam.yaml", &changed);
    write(d, "new.tf", "resource \"kestra_service_account\" \"n\" {\n  name = \"New_Bot\"\n}\n");
    let out = iamlint(d, &["check", "--changed-since", "HEAD", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    let got: Vec<&str> = text.lines().map(|l| l.split(" [").next().unwrap()).collect();
    assert_eq!(
        got,
        // Token b changed: its missing description (IAM206) is part of the change too.
        [
            "iam.yaml:6:9: IAM206",
            "iam.yaml:8:19: IAM203",
            "iam.yaml:9:9: IAM201",
            "new.tf:1:1: IAM401",
            "new.tf:2:10: IAM101"
        ],
        "{text}"
    );

    // --fix with --changed-since fixes only what it reports.
    iamlint(d, &["check", "--changed-since", "main", "--fix", "--unsafe-fixes"]);
    let fixed = read(d, "iam.yaml");
    assert!(
        fixed.contains("extended: false") && fixed.contains("name: Old_Bot") && fixed.contains("maxAge: P400D"),
        "{fixed}"
    );
    assert!(read(d, "new.tf").contains("\"new-bot\""));
}

#[test]
fn changed_since_needs_a_repository_and_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", OLD_TOKENS);
    let out = iamlint(dir.path(), &["check", "--changed-since", "HEAD"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("needs a git repository"), "{}", stderr(&out));
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "x"]);
    for bad in ["no-such-branch", "--output=/tmp/x"] {
        let out = iamlint(dir.path(), &["check", &format!("--changed-since={bad}")]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
        assert!(stderr(&out).contains("is not a commit"), "{}", stderr(&out));
    }
}

/// A changed file iamlint never reads, in another encoding, does not stop the review.
#[test]
fn changed_since_reads_past_text_in_other_encodings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    std::fs::write(d.join("notes.txt"), b"caf\xe9\n").unwrap();
    write(d, "sa.tf", "resource \"kestra_service_account\" \"x\" {\n  name = \"x\"\n}\n");
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "old"]);
    std::fs::write(d.join("notes.txt"), b"caf\xe9 cr\xe8me\n").unwrap();
    write(d, "sa.tf", "resource \"kestra_service_account\" \"x\" {\n  name = \"X_Bot\"\n}\n");
    let out = iamlint(d, &["check", "--changed-since", "HEAD", "--format", "concise", "--select", "IAM101"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("sa.tf:2:10: IAM101"), "{}", stdout(&out));
}

/// A workspace with one safe fix (a duration respelt) and unsafe ones (a rename, a lifetime
/// lowered): `--fix` applies only the safe one unless `--unsafe-fixes` is given.
fn mixed_safety(d: &Path) {
    write(d, "iam/groups.yaml", "groups:\n  - name: bots\n    description: Automation accounts\n");
    write(
        d,
        "iam/accounts.yaml",
        "serviceAccounts:\n  - name: ETL_Bot\n    description: Nightly loads\n    groups: [bots]\n    apiTokens:\n      - name: nightly\n        description: Loads at 2am\n        maxAge: 30d\n      - name: yearly\n        description: Audit export\n        maxAge: P400D\n",
    );
}

#[test]
fn only_safe_fixes_are_applied_without_unsafe_fixes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    mixed_safety(d);
    let before = read(d, "iam/accounts.yaml");

    let summary = stderr(&iamlint(d, &["check", "."]));
    assert!(summary.contains("1 fixable with `--fix`. 2 more with `--fix --unsafe-fixes`"), "{summary}");
    let human = stdout(&iamlint(d, &["check", "--color", "never", "."]));
    assert!(human.contains("unsafe fix: rename `ETL_Bot` to `etl-bot` (`--fix --unsafe-fixes`)"), "{human}");
    assert!(human.contains("fix: replace with P30D (`--fix`)"), "{human}");
    let json: serde_json::Value =
        serde_json::from_slice(&iamlint(d, &["check", "--format", "json", "."]).stdout).unwrap();
    let safety: Vec<(String, serde_json::Value)> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fixable"] == true)
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["fix_safety"].clone()))
        .collect();
    assert_eq!(
        safety,
        [("IAM101".into(), "unsafe".into()), ("IAM204".into(), "safe".into()), ("IAM202".into(), "unsafe".into())]
    );

    // --diff shows what --fix would do: the safe fix, each change listed with its safety.
    let diff = iamlint(d, &["check", "--diff", "."]);
    let (patch, notes) = (stdout(&diff), stderr(&diff));
    assert!(patch.contains("+        maxAge: P30D\n"), "{patch}");
    assert!(!patch.contains("etl-bot") && !patch.contains("P90D"), "{patch}");
    assert!(notes.contains("iam/accounts.yaml:8 IAM204 [safe] replace with P30D"), "{notes}");
    assert!(notes.contains("2 unsafe fixes not applied"), "{notes}");
    let all = iamlint(d, &["check", "--diff", "--unsafe-fixes", "."]);
    let (patch, notes) = (stdout(&all), stderr(&all));
    assert!(patch.contains("+  - name: etl-bot\n") && patch.contains("+        maxAge: P90D\n"), "{patch}");
    assert!(notes.contains("IAM101 [unsafe] rename `ETL_Bot` to `etl-bot`"), "{notes}");
    assert!(notes.contains("IAM202 [unsafe] lower the max age to P90D"), "{notes}");

    let out = iamlint(d, &["check", "--fix", "."]);
    assert_eq!(out.status.code(), Some(1), "the unsafe findings remain");
    assert_eq!(read(d, "iam/accounts.yaml"), before.replace("maxAge: 30d", "maxAge: P30D"));
    assert!(stderr(&out).contains("--unsafe-fixes"), "{}", stderr(&out));
    iamlint(d, &["check", "--fix", "--unsafe-fixes", "."]);
    let fixed = read(d, "iam/accounts.yaml");
    assert!(fixed.contains("name: etl-bot") && fixed.contains("maxAge: P90D"), "{fixed}");
}

#[test]
fn rules_and_explain_state_each_fix_safety() {
    let dir = tempfile::tempdir().unwrap();
    let table = stdout(&iamlint(dir.path(), &["rules"]));
    let row = |code: &str| table.lines().find(|l| l.starts_with(code)).unwrap().to_string();
    for (code, fix) in [
        ("IAM101", "some unsafe"),
        ("IAM202", "yes  unsafe"),
        ("IAM204", "some safe"),
        ("IAM503", "some unsafe"),
        ("IAM602", "some safe"),
        ("IAM303", "-"),
    ] {
        assert!(
            row(code).split_whitespace().skip(4).collect::<Vec<_>>().join(" ")
                == fix.split_whitespace().collect::<Vec<_>>().join(" "),
            "{}",
            row(code)
        );
    }
    let explain = stdout(&iamlint(dir.path(), &["explain", "IAM101"]));
    assert!(explain.contains("Fix: sometimes available, unsafe"), "{explain}");
    let explain = stdout(&iamlint(dir.path(), &["explain", "IAM204"]));
    assert!(explain.contains("Fix: sometimes available, safe (applied by `--fix`)"), "{explain}");
}

/// IAM201 (insert a missing `maxAge`) and IAM002 (respell a `max_age` key) on one token: the
/// respelling supplies the field, so the insertion is not offered; a token ends with one key.
#[test]
fn fixes_on_one_token_never_write_a_key_twice() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "iam/groups.yaml", "groups:\n  - name: bots\n    description: Automation\n");
    let yaml = "serviceAccounts:\n  - name: etl\n    description: ETL\n    groups: [bots]\n    apiTokens:\n      - name: nightly\n        description: Nightly\n        \"max_age\": P30D\n      - name: weekly\n        description: Weekly\n        'Max-Age': P7D\n      - name: hourly\n        description: Hourly\n        max_age: P1D\n";
    write(d, "iam/etl.yaml", yaml);
    let json = "{\n  \"serviceAccounts\": [\n    {\n      \"name\": \"loader\",\n      \"description\": \"Loads\",\n      \"groups\": [\"bots\"],\n      \"apiTokens\": [\n        {\n          \"name\": \"hourly\",\n          \"description\": \"Hourly\",\n          \"max_age\": \"P1D\"\n        }\n      ]\n    }\n  ]\n}\n";
    write(d, "iam/loader.json", json);
    let out = iamlint(d, &["check", "--fix", "--unsafe-fixes", "--format", "concise", "."]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()), "{}", stderr(&out));
    assert_eq!(
        read(d, "iam/etl.yaml"),
        yaml.replace("\"max_age\"", "\"maxAge\"").replace("'Max-Age'", "'maxAge'").replace("max_age:", "maxAge:")
    );
    assert_eq!(read(d, "iam/loader.json"), json.replace("\"max_age\"", "\"maxAge\""));
}

/// A baseline entry is the rule and the object, not the message: improving a recorded
/// finding without fixing it keeps it recorded; fixing it leaves an entry that matches
/// nothing, which is reported and pruned by `--write-baseline`.
#[test]
fn baselines_reward_improvement_and_shrink() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let tokens = |reporting: &str, exports: &str| {
        format!("resource \"kestra_service_account_api_token\" \"reporting\" {{\n  service_account_id = \"68xAawPfiJPkTkZJIPX6jQ\"\n  name               = \"reporting\"\n  description        = \"Monthly reports\"\n  max_age            = \"{reporting}\"\n}}\n\nresource \"kestra_service_account_api_token\" \"exports\" {{\n  service_account_id = \"68xAawPfiJPkTkZJIPX6jQ\"\n  name               = \"exports\"\n  description        = \"Nightly exports\"\n  max_age            = \"{exports}\"\n}}\n")
    };
    write(d, "terraform/iam/tokens.tf", &tokens("P365D", "P400D"));
    write(d, "terraform/envs/prod/terraform.tfvars", "region = \"eu\"\n");
    let out = iamlint(d, &["check", "--write-baseline", ".iamlint-baseline.json", "terraform"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let recorded: serde_json::Value = serde_json::from_str(&read(d, ".iamlint-baseline.json")).unwrap();
    assert_eq!(recorded["version"], 3);
    let mut objects: Vec<&str> =
        recorded["findings"].as_array().unwrap().iter().map(|f| f["object"].as_str().unwrap()).collect();
    objects.sort();
    assert_eq!(objects, ["kestra_service_account_api_token.exports", "kestra_service_account_api_token.reporting"]);

    // Lowered, still above P90D: the same finding, not a new one.
    write(d, "terraform/iam/tokens.tf", &tokens("P180D", "P400D"));
    let out = iamlint(d, &["check", "--baseline", ".iamlint-baseline.json", "--format", "concise", "terraform"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()), "{}", stderr(&out));
    assert!(!stderr(&out).contains("no longer"), "{}", stderr(&out));

    // Fixed: the entry matches nothing, which is said, and the baseline shrinks.
    write(d, "terraform/iam/tokens.tf", &tokens("P30D", "P400D"));
    let out = iamlint(d, &["check", "--baseline", ".iamlint-baseline.json", "terraform"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains("1 baseline entry no longer matches a finding"), "{}", stderr(&out));
    iamlint(
        d,
        &["check", "--baseline", ".iamlint-baseline.json", "--write-baseline", ".iamlint-baseline.json", "terraform"],
    );
    let pruned: serde_json::Value = serde_json::from_str(&read(d, ".iamlint-baseline.json")).unwrap();
    assert_eq!(pruned["findings"].as_array().unwrap().len(), 1, "{pruned:#}");
    assert_eq!(pruned["findings"][0]["object"], "kestra_service_account_api_token.exports");

    // A new problem on another object is still new.
    write(d, "terraform/iam/tokens.tf", &tokens("P200D", "P400D"));
    let out = iamlint(d, &["check", "--baseline", ".iamlint-baseline.json", "--format", "concise", "terraform"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("IAM202"), "{}", stdout(&out));
}
