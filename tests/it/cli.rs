//! The command line as users and scripts see it: exit statuses, the JSON contract,
//! determinism across thread counts, partial runs, and bad input.

use crate::common;
use common::*;
use serde_json::Value;

const CLEAN: &str = "groups:\n  - name: bots\nserviceAccounts:\n  - name: ci\n    groups: [bots]\n    apiTokens:\n      - name: deploy\n        maxAge: P30D\n";
const DIRTY: &str = "serviceAccounts:\n  - name: CI_Bot\n    apiTokens:\n      - name: deploy\n";

#[test]
fn exit_status_zero_when_clean_one_with_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", CLEAN);
    let out = iamlint(dir.path(), &["check", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stderr(&out).contains("All checks passed"));
    write(dir.path(), "more.yaml", DIRTY);
    let out = iamlint(dir.path(), &["check"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("IAM101"));
}

#[test]
fn fail_on_sets_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    // Only a warning: a service account in no group.
    write(dir.path(), "iam.yaml", "serviceAccounts:\n  - name: ci\n");
    assert_eq!(iamlint(dir.path(), &["check"]).status.code(), Some(1));
    assert_eq!(iamlint(dir.path(), &["check", "--fail-on", "error"]).status.code(), Some(0));
}

#[test]
fn missing_path_and_bad_arguments_are_status_two() {
    let dir = tempfile::tempdir().unwrap();
    let out = iamlint(dir.path(), &["check", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`nope` does not exist"), "{}", stderr(&out));
    let out = iamlint(dir.path(), &["check", "--select", "IAM999"]);
    assert_eq!(out.status.code(), Some(2));
    let out = iamlint(dir.path(), &["check", "--select", "service-acount-name"]);
    assert!(stderr(&out).contains("did you mean `service-account-name`"), "{}", stderr(&out));
    assert_eq!(iamlint(dir.path(), &["check", "--format", "xml"]).status.code(), Some(2));
    assert_eq!(iamlint(dir.path(), &["check", "--max-token-age", "P1Y"]).status.code(), Some(2));
}

#[test]
fn paths_without_subcommand_mean_check() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", DIRTY);
    let out = iamlint(dir.path(), &["iam.yaml", "--format", "concise"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("iam.yaml:2:11: IAM101 [error]"), "{}", stdout(&out));
}

#[test]
fn json_output_has_the_documented_shape() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", DIRTY);
    let out = iamlint(dir.path(), &["check", "--format", "json", "."]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json["version"], 1);
    assert_eq!(json["summary"]["files"], 1);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(json["summary"]["findings"], findings.len());
    let f = findings.iter().find(|f| f["code"] == "IAM101").unwrap();
    let keys: Vec<&str> = f.as_object().unwrap().keys().map(String::as_str).collect();
    for k in
        ["code", "name", "severity", "path", "line", "column", "end_line", "end_column", "message", "help", "fixable"]
    {
        assert!(keys.contains(&k), "missing {k}");
    }
    assert_eq!(f["name"], "service-account-name");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "iam.yaml");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(2), Some(11)));
    assert_eq!((f["end_line"].as_u64(), f["end_column"].as_u64()), (Some(2), Some(17)));
    assert_eq!(f["fixable"], true);
    // Fields appear in the documented order.
    let text = stdout(&out);
    let order: Vec<usize> = ["\"code\"", "\"name\"", "\"severity\"", "\"path\"", "\"line\""]
        .iter()
        .map(|k| text.find(k).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn output_is_identical_with_one_and_eight_threads() {
    let examples = repo_root().join("examples");
    for format in ["human", "json", "concise"] {
        let one = iamlint(repo_root(), &["check", "--threads", "1", "--format", format, examples.to_str().unwrap()]);
        let eight = iamlint(repo_root(), &["check", "--threads", "8", "--format", format, examples.to_str().unwrap()]);
        assert!(!one.stdout.is_empty());
        assert_eq!(one.stdout, eight.stdout, "{format} output differs between thread counts");
        assert_eq!(one.stderr, eight.stderr);
    }
}

#[test]
fn named_files_are_reported_but_the_workspace_resolves() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "groups.tf", "resource \"kestra_group\" \"bots\" {\n  name = \"bots\"\n}\n");
    write(dir.path(), "other.tf", "resource \"kestra_service_account\" \"x\" {\n  name = \"BAD\"\n}\n");
    write(
        dir.path(),
        "sa.tf",
        "resource \"kestra_service_account\" \"ci\" {\n  name = \"ci\"\n}\n\nresource \"kestra_user_group_membership\" \"m\" {\n  user_id  = kestra_service_account.ci.id\n  group_id = kestra_group.bots.id\n}\n\nresource \"kestra_group\" \"dup\" {\n  name = \"bots\"\n}\n",
    );
    let out = iamlint(dir.path(), &["check", "--format", "concise", "sa.tf"]);
    let text = stdout(&out);
    // Cross-file duplicate found through the unreported groups.tf, but other.tf is not reported.
    assert!(text.contains("sa.tf:11:10: IAM103"), "{text}");
    assert!(!text.contains("other.tf"), "{text}");
    assert!(!text.contains("IAM401"), "membership in groups.tf must count: {text}");
}

#[test]
fn no_color_and_no_terminal_mean_plain_output() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", DIRTY);
    let out = iamlint(dir.path(), &["check"]);
    assert!(!stdout(&out).contains('\u{1b}'), "escape codes in non-terminal output");
    let forced = std::process::Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(["check", "--color", "always"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&forced.stdout).contains('\u{1b}'));
}

#[test]
fn bad_input_is_reported_and_other_files_still_linted() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("latin1.tf"), b"resource \"kestra_group\" \"g\" {\n  name = \"caf\xe9\"\n}\n").unwrap();
    std::fs::write(d.join("blob.yaml"), [0u8, 159, 146, 150, 0, 1]).unwrap();
    write(d, "empty.tf", "");
    write(d, "empty.yaml", "");
    std::fs::create_dir(d.join("dir.tf")).unwrap();
    write(d, "broken.tf", "resource \"kestra_group\" {\n");
    write(d, "iam.yaml", DIRTY);
    let out = iamlint(d, &["check", "--format", "concise"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("latin1.tf:2:14: IAM001 [error] file is not valid UTF-8 (byte 0xE9)"), "{text}");
    assert!(text.contains("blob.yaml:1:1: IAM001 [error] binary file"), "{text}");
    assert!(text.contains("broken.tf:"), "{text}");
    assert!(text.contains("iam.yaml:2:11: IAM101"), "{text}");
    assert!(!text.contains("empty"), "empty files are valid: {text}");
}

#[cfg(unix)]
#[test]
fn unreadable_file_names_the_path() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.tf", "resource \"kestra_group\" \"g\" {}\n");
    let path = dir.path().join("secret.tf");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&path).is_ok() {
        eprintln!("running as a user who can read mode-000 files (root): nothing to test");
        return;
    }
    let out = iamlint(dir.path(), &["check", "--format", "concise"]);
    assert!(stdout(&out).contains("secret.tf:1:1: IAM001 [error] cannot read file"), "{}", stdout(&out));
}

#[test]
fn hidden_files_and_terraform_modules_are_skipped_except_ci() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, ".hidden/iam.yaml", DIRTY);
    write(d, ".terraform/modules/x/main.tf", "resource \"kestra_service_account\" \"x\" {\n  name = \"BAD\"\n}\n");
    write(d, "ignored/iam.yaml", DIRTY);
    write(d, ".gitignore", "ignored/\n");
    write(d, ".github/workflows/iam.yaml", DIRTY);
    let out = iamlint(d, &["check", "--format", "concise"]);
    let text = stdout(&out);
    assert!(text.contains(".github/workflows/iam.yaml"), "{text}");
    assert!(!text.contains(".hidden") && !text.contains(".terraform") && !text.contains("ignored/"), "{text}");
}

#[test]
fn rules_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let out = iamlint(dir.path(), &["rules"]);
    let text = stdout(&out);
    assert!(text.contains("IAM101   service-account-name"), "{text}");
    let out = iamlint(dir.path(), &["explain", "token-never-expires"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("# IAM201 token-never-expires"));
    assert!(stdout(&out).contains("## Why is this bad?"));
    assert_eq!(iamlint(dir.path(), &["explain", "IAM999"]).status.code(), Some(2));
}

#[test]
fn opt_in_rules_run_only_when_selected() {
    let dir = tempfile::tempdir().unwrap();
    // Clean but for descriptions: IAM403 is opt-in.
    write(dir.path(), "iam.yaml", CLEAN);
    let out = iamlint(dir.path(), &["check", "--format", "concise"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()));
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--extend-select", "missing-description"]);
    assert_eq!(out.status.code(), Some(0), "info does not fail at the default --fail-on warning");
    assert!(
        stdout(&out).contains("iam.yaml:4:5: IAM403 [info] service account `ci` has no description"),
        "{}",
        stdout(&out)
    );
    let out = iamlint(dir.path(), &["check", "--extend-select", "IAM403", "--fail-on", "info"]);
    assert_eq!(out.status.code(), Some(1));
}

/// More files than one lowering batch, and a Terraform module whose files lie on both sides
/// of them in path order and outnumber a parse wave: the module is evaluated whole (a local
/// from its first file names the accounts in all others), every manifest's nested tokens
/// keep their own owner after the merge, and the output is the same whatever the thread
/// count.
#[test]
fn workspace_larger_than_a_lowering_batch() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    write(dir.path(), "iam/a.tf", "locals {\n  prefix = \"CI\"\n}\n");
    const MANIFESTS: usize = 1_500;
    for i in 0..MANIFESTS {
        let yaml = format!(
            "serviceAccounts:\n  - name: sa-{i}\n    apiTokens:\n      - name: deploy\n        maxAge: P7D\n      - name: deploy\n        maxAge: P7D\n"
        );
        write(dir.path(), &format!("iam/m/sa-{i:04}.yaml"), &yaml);
    }
    write(
        dir.path(),
        "iam/z.tf",
        "resource \"kestra_service_account\" \"bot\" {\n  name = \"${local.prefix}-bot\"\n}\n",
    );
    // More files in the module than are parsed in one wave: each still sees the local.
    const BOTS: usize = 150;
    for i in 0..BOTS {
        let tf =
            format!("resource \"kestra_service_account\" \"bot_{i}\" {{\n  name = \"${{local.prefix}}-bot-{i}\"\n}}\n");
        write(dir.path(), &format!("iam/bot-{i:03}.tf"), &tf);
    }

    let run = |threads: &str| iamlint(dir.path(), &["check", "--threads", threads, "--format", "json", "iam"]);
    let (one, eight) = (run("1"), run("8"));
    assert_eq!(one.stdout, eight.stdout, "output differs between thread counts");
    let json: serde_json::Value = serde_json::from_slice(&one.stdout).expect("valid JSON");
    let findings = json["findings"].as_array().unwrap();
    let of = |code: &'static str| findings.iter().filter(move |f| f["code"] == code);

    let duplicates: Vec<_> = of("IAM103").collect();
    assert_eq!(duplicates.len(), MANIFESTS);
    for f in duplicates {
        // The owner named in the message is the account of the file the token is in.
        let path = f["path"].as_str().unwrap();
        let i: usize = path.trim_start_matches("iam/m/sa-").trim_end_matches(".yaml").parse().unwrap();
        assert_eq!(f["message"], format!("duplicate API token name `deploy` for sa-{i}"), "{path}");
    }
    let names: Vec<_> = of("IAM101").map(|f| (f["path"].as_str().unwrap(), f["message"].as_str().unwrap())).collect();
    assert_eq!(names.len(), BOTS + 1, "{names:?}");
    for (i, (path, message)) in names.iter().take(BOTS).enumerate() {
        assert_eq!(*path, format!("iam/bot-{i:03}.tf"));
        assert!(message.contains(&format!("`CI-bot-{i}`")), "{message}");
    }
    assert_eq!(names[BOTS].0, "iam/z.tf");
    assert!(names[BOTS].1.contains("`CI-bot`"), "{}", names[BOTS].1);
}

/// `--statistics` counts findings per rule (most first, `[*]` for what `--fix` fixes, `[!]`
/// for what needs `--unsafe-fixes`), as a table or JSON; `--exit-zero` reports without
/// failing, but an error of iamlint's own is still status 2; `-q` drops the summary.
#[test]
fn statistics_exit_zero_and_quiet() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "iam/accounts.yaml",
        "serviceAccounts:\n  - name: Bad_One\n    groups: [bots]\n  - name: Bad_Two\n    groups: [bots]\n    apiTokens:\n      - name: t\n        maxAge: 30d\ngroups:\n  - name: bots\n",
    );
    let out = iamlint(d, &["check", "--statistics", "."]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("2  IAM101  service-account-name  [!]"), "{text}");
    assert!(lines.iter().any(|l| l.starts_with("1  IAM204  invalid-duration") && l.ends_with("[*]")), "{text}");
    assert!(!text.contains("Bad_One"), "the findings themselves are not listed:\n{text}");
    let out = iamlint(d, &["check", "--statistics", "--format", "json", "."]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(rows[0]["code"], "IAM101");
    assert_eq!((rows[0]["count"].as_u64(), rows[0]["unsafe_fixable"].as_u64()), (Some(2), Some(2)));
    let out = iamlint(d, &["check", "--exit-zero", "--format", "concise", "."]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("IAM101"), "{}", stdout(&out));
    let out = iamlint(d, &["check", "--exit-zero", "--config", "missing.yaml", "."]);
    assert_eq!(out.status.code(), Some(2));
    // `-q`: the findings, without the summary line.
    let loud = iamlint(d, &["check", "."]);
    assert!(stderr(&loud).contains("Found 3 problems"), "{}", stderr(&loud));
    let quiet = iamlint(d, &["check", "-q", "."]);
    assert_eq!(quiet.status.code(), Some(1));
    assert_eq!(stdout(&quiet), stdout(&loud));
    assert!(!stderr(&quiet).contains("Found"), "{}", stderr(&quiet));
}
