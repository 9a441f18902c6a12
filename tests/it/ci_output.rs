//! What a CI job and a pull request show: reports written to files, several reports in one
//! run, the summary and what it hides, `--show-fixes`, human output in a log without
//! colour, `concise`, SARIF and `github` for GitHub, Markdown for comments, and the
//! shallow-clone advice of `--changed-since`.

use crate::common;
use common::*;
use std::path::Path;
use std::process::{Command, Output};

/// A platform team's repository: manifests with token lifetimes written wrong (IAM204,
/// safely fixable), a Terraform root whose output exposes a token (IAM602, safely fixable),
/// and a chain across three files making a bot able to change IAM (IAM303).
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "iam/ci-tokens.yaml",
        "groups:\n  - name: bots\n    description: CI/CD bots\n\
         serviceAccounts:\n  - name: ci-deployer\n    description: Deploys flows\n    groups: [bots]\n\
         \x20   apiTokens:\n      - name: github-actions\n        description: deploy job\n        maxAge: 30d\n\
         \x20     - name: gitlab\n        description: deploy job\n        maxAge: p2w\n",
    );
    write(
        d,
        "iam/roles.yaml",
        "roles:\n  - name: membership-manager\n    description: Manages group members\n    permissions:\n\
         \x20     GROUP: [VIEW, LIST, MANAGE_MEMBERS]\n      FLOW: [VIEW, LIST]\n",
    );
    write(
        d,
        "terraform/envs/prod/main.tf",
        "resource \"kestra_group\" \"hr_bots\" {\n  name        = \"hr-bots\"\n  description = \"HR automation\"\n}\n\n\
         resource \"kestra_service_account\" \"onboarding\" {\n  name        = \"onboarding-bot\"\n  description = \"Adds new hires\"\n\n  groups {\n    id = kestra_group.hr_bots.id\n  }\n}\n\n\
         resource \"kestra_service_account_api_token\" \"onboarding\" {\n  service_account_id = kestra_service_account.onboarding.id\n  name               = \"onboarding\"\n  description        = \"HR sync\"\n  max_age            = \"P30D\"\n}\n",
    );
    write(
        d,
        "terraform/envs/prod/bindings.tf",
        "resource \"kestra_binding\" \"hr_bots_membership\" {\n  type        = \"GROUP\"\n  external_id = kestra_group.hr_bots.id\n  role_id     = \"membership-manager\"\n  namespace   = \"company\"\n}\n",
    );
    write(
        d,
        "terraform/envs/prod/outputs.tf",
        "output \"onboarding_token\" {\n  description = \"For the HR system\"\n  value       = kestra_service_account_api_token.onboarding.full_token\n}\n",
    );
    dir
}

/// iamlint with the environment of a CI job: no terminal, and only the colour variables
/// given (the usual helper sets NO_COLOR).
fn iamlint_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    command.args(args).current_dir(dir);
    for name in ["NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "COLUMNS"] {
        command.env_remove(name);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("iamlint runs")
}

#[test]
fn the_report_goes_to_a_file_and_the_summary_to_the_log() {
    let dir = repository();
    let d = dir.path();
    std::fs::create_dir(d.join("reports")).unwrap();
    std::fs::write(d.join("reports/iamlint.json"), "an old report").unwrap();
    let out = iamlint(d, &["check", "--format", "json", "--output-file", "reports/iamlint.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "the report went to the file: {}", stdout(&out));
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("reports/iamlint.json")).unwrap()).unwrap();
    let findings = report["findings"].as_array().unwrap().len();
    assert!(findings >= 4, "{report}");
    // One line on stderr, so that the job's log is not empty.
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with(&format!("Found {findings} problems (")), "{err}");
    // Written whole, by a rename: no temporary file is left beside it.
    let left: Vec<String> = std::fs::read_dir(d.join("reports"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into())
        .collect();
    assert_eq!(left, ["iamlint.json"]);
    // -q: nothing at all on the terminal.
    let out = iamlint(d, &["check", "-q", "--format", "json", "--output-file", "reports/iamlint.json"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{}", stderr(&out));
}

#[test]
fn a_report_file_that_cannot_be_written_is_status_2_naming_it() {
    let dir = repository();
    let d = dir.path();
    for (args, named) in [
        (vec!["check", "--output-file", "missing/dir/report.txt"], "missing/dir/report.txt"),
        (vec!["check", "--output-format", "sarif=missing/x.sarif"], "missing/x.sarif"),
        (vec!["check", "--output-file", "iam"], "`iam`"),
    ] {
        let out = iamlint(d, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains(&format!("error: cannot write the report `{}", named.trim_matches('`'))),
            "{}",
            stderr(&out)
        );
    }
    // --exit-zero is about findings, not about a report that was lost.
    let out = iamlint(d, &["check", "--exit-zero", "--output-file", "missing/r.txt"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn several_reports_in_one_run() {
    let dir = repository();
    let d = dir.path();
    let out = iamlint(
        d,
        &[
            "check",
            "--format",
            "concise",
            "--output-format",
            "sarif=iamlint.sarif",
            "--output-format",
            "markdown=summary.md",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let concise = stdout(&out);
    assert!(concise.contains("iam/ci-tokens.yaml:11:17: IAM204 [error] [*] max age `30d`"), "{concise}");
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("iamlint.sarif")).unwrap()).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), concise.lines().count(), "{concise}");
    let markdown = std::fs::read_to_string(d.join("summary.md")).unwrap();
    assert!(markdown.starts_with("## iamlint\n\n**"), "{markdown}");
    assert!(markdown.contains("### IAM204 invalid-duration (error): 2\n"), "{markdown}");
    // The format is checked before anything is linted.
    let out = iamlint(d, &["check", "--output-format", "sarif"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is not FORMAT=FILE (e.g. sarif=iamlint.sarif)"), "{}", stderr(&out));
    let out = iamlint(d, &["check", "--output-format", "serif=x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("`serif` is not a format; one of: human, concise"), "{}", stderr(&out));
}

#[test]
fn show_fixes_lists_what_was_fixed_per_file_and_rule() {
    let dir = repository();
    let d = dir.path();
    let out = iamlint(d, &["check", "--fix", "--show-fixes", "--format", "concise"]);
    let err = stderr(&out);
    assert!(err.contains("Fixed 3 problems in 2 files."), "{err}");
    assert!(
        err.contains(
            "Fixes applied:\n- iam/ci-tokens.yaml:\n    2 × IAM204 (invalid-duration)\n- terraform/envs/prod/outputs.tf:\n    1 × IAM602 (token-output-not-sensitive)\n"
        ),
        "{err}"
    );
    assert!(std::fs::read_to_string(d.join("iam/ci-tokens.yaml")).unwrap().contains("maxAge: P30D"));
    // Nothing left to fix: said, not an empty list.
    let out = iamlint(d, &["check", "--fix", "--show-fixes"]);
    assert!(stderr(&out).contains("No fixes applied."), "{}", stderr(&out));
    // Without --fix there is nothing to show.
    assert_eq!(iamlint(d, &["check", "--show-fixes"]).status.code(), Some(2));
}

#[test]
fn the_summary_counts_what_was_not_reported() {
    let dir = repository();
    let d = dir.path();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    let out = iamlint(d, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let all: usize = stderr(&out).split_whitespace().nth(1).unwrap().parse().unwrap();
    // A new account out of any group, and one with a suppression.
    let text = std::fs::read_to_string(d.join("iam/ci-tokens.yaml")).unwrap();
    write(
        d,
        "iam/ci-tokens.yaml",
        &format!(
            "{text}  - name: reporter\n    description: Reports\n\
             \x20 # iamlint-ignore: IAM401 -- a pilot, grouped next sprint\n  - name: pilot\n    description: Pilot\n"
        ),
    );
    let out = iamlint(d, &["check", "--baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains(&format!("; not reported: {all} baselined, 1 suppressed.")), "{err}");
    assert!(err.starts_with("Found 1 problem (1 warning)"), "{err}");
    // On changed lines only: the findings of untouched lines are counted apart.
    let out = iamlint(d, &["check", "--changed-since", "HEAD"]);
    let err = stderr(&out);
    assert!(err.contains(&format!("; not reported: 1 suppressed, {all} outside the changed lines.")), "{err}");
    // A run that reports nothing still says what it hid.
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "--select", "IAM204"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // (baseline.json is JSON that is not IAM: skipped.)
    let passed = "All checks passed (5 files checked; 1 skipped as not IAM, listed by `--show-files`; not reported: 2 baselined).";
    assert!(stderr(&out).contains(passed), "{}", stderr(&out));
}

/// Files named as pre-commit names them: the rest of the workspace is read, and what it
/// holds is counted, not reported.
#[test]
fn the_summary_counts_findings_in_files_not_named() {
    let dir = repository();
    // The workspace reaches up to the repository root.
    git(dir.path(), &["init", "-q"]);
    let out = iamlint(dir.path(), &["check", "iam/roles.yaml"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    // The escalation and its token are reported through the role; the three fixable
    // findings elsewhere are not.
    assert_eq!(stdout(&out).matches(" × ").count(), 2, "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.starts_with("Found 2 problems (2 errors) in 1 file checked; not reported: 3 in files not named."),
        "{err}"
    );
}

#[test]
fn human_output_in_a_log_is_greppable_and_unwrapped() {
    let dir = repository();
    let d = dir.path();
    let out = iamlint_env(d, &["check", "--select", "IAM303,IAM204"], &[("COLUMNS", "80")]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "no colour in a pipe:\n{text}");
    // One line: code, severity in words, name and the whole message, however long.
    let headline = "  × IAM303 error iam-escalation: service account `onboarding-bot` can change IAM (GROUP: MANAGE_MEMBERS): it can grant itself more\n";
    assert!(text.contains(headline), "{text}");
    assert!(text.contains("  × IAM204 error invalid-duration: max age `30d` is not an ISO 8601 duration\n"), "{text}");
    // The chain's links in other files are notes of the same diagnostic, not diagnostics.
    assert!(!text.contains("Advice"), "{text}");
    assert!(
        text.contains("  note: terraform/envs/prod/bindings.tf:1:1: binds role `membership-manager` to group `hr-bots` on namespace `company`\n"),
        "{text}"
    );
    assert!(text.contains("  note: iam/roles.yaml:5:7: role `membership-manager`"), "{text}");
    assert!(text.contains("  note: `iamlint explain IAM303` tells why this matters and how to fix it\n"), "{text}");
    assert_eq!(text.matches(" × ").count(), 3, "{text}");
}

#[test]
fn colour_follows_the_conventions() {
    let dir = repository();
    let d = dir.path();
    let args = ["check", "--select", "IAM204"];
    let coloured = |env: &[(&str, &str)]| stdout(&iamlint_env(d, &args, env)).contains('\u{1b}');
    assert!(!coloured(&[]), "a pipe gets no colour");
    assert!(coloured(&[("FORCE_COLOR", "1")]));
    assert!(coloured(&[("CLICOLOR_FORCE", "1")]));
    assert!(!coloured(&[("FORCE_COLOR", "0")]));
    assert!(!coloured(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins");
    assert!(!coloured(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), "NO_COLOR wins");
    let never = stdout(&iamlint_env(d, &["check", "--select", "IAM204", "--color", "never"], &[("FORCE_COLOR", "1")]));
    assert!(!never.contains('\u{1b}'), "--color never wins");
    // A report written to a file is never coloured.
    let out = iamlint_env(d, &["check", "--select", "IAM204", "--output-file", "r.txt"], &[("FORCE_COLOR", "1")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!std::fs::read_to_string(d.join("r.txt")).unwrap().contains('\u{1b}'));
}

#[test]
fn concise_marks_fixable_findings_and_ends_with_the_summary() {
    let dir = repository();
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM204,IAM303"]);
    let text = stdout(&out);
    assert!(text.contains("iam/ci-tokens.yaml:11:17: IAM204 [error] [*] max age `30d`"), "{text}");
    assert!(text.contains("terraform/envs/prod/main.tf:6:1: IAM303 [error] service account"), "{text}");
    assert_eq!(
        stderr(&out),
        "Found 3 problems (3 errors) in 5 files checked. 2 fixable with `--fix`.\n",
        "the summary closes the report"
    );
}

#[test]
fn sarif_gives_github_a_base_and_a_security_severity_per_rule() {
    let dir = repository();
    let out = iamlint(dir.path(), &["check", "--format", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let run = &sarif["runs"][0];
    assert!(run["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"].is_string(), "{run}");
    let uri = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(uri["uriBaseId"], "%SRCROOT%");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let score = |code: &str| {
        let rule = rules.iter().find(|r| r["id"] == code).unwrap();
        rule["properties"]["security-severity"].as_str().unwrap().parse::<f64>().unwrap()
    };
    for rule in rules {
        let s: f64 = rule["properties"]["security-severity"].as_str().unwrap().parse().unwrap();
        assert!((0.0..=10.0).contains(&s), "{rule}");
    }
    assert!(score("IAM601") >= 9.0, "a committed credential is Critical");
    assert!((7.0..9.0).contains(&score("IAM303")), "an error is High");
    assert!((4.0..7.0).contains(&score("IAM304")), "a warning is Medium");
    assert!(score("IAM306") < 4.0, "an info is Low");
}

#[test]
fn github_annotations_say_when_github_will_not_show_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut manifest = String::from("groups:\n  - name: bots\n    description: bots\nserviceAccounts:\n");
    for i in 0..12 {
        manifest.push_str(&format!("  - name: Bot_{i}\n    description: bot\n    groups: [bots]\n"));
    }
    write(d, "iam/accounts.yaml", &manifest);
    let out = iamlint(d, &["check", "--format", "github", "--select", "IAM101"]);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 13, "{text}");
    assert!(
        lines[0].starts_with(
            "::notice title=iamlint%3A more findings than annotations::2 of 12 findings are not shown as annotations"
        ),
        "{text}"
    );
    assert!(lines[1].contains(",title=iamlint (IAM101)::"), "{text}");
    // Ten of a kind fit: no notice.
    write(d, "iam/accounts.yaml", &manifest.replace("Bot_10", "bot-10").replace("Bot_11", "bot-11"));
    let text = stdout(&iamlint(d, &["check", "--format", "github", "--select", "IAM101"]));
    assert_eq!(text.lines().count(), 10, "{text}");
    assert!(text.lines().all(|l| l.starts_with("::error ")), "{text}");
}

#[test]
fn changed_since_in_a_shallow_clone_says_to_fetch_more_history() {
    let origin = repository();
    let o = origin.path();
    git(o, &["init", "-q", "-b", "main"]);
    git(o, &["add", "."]);
    git(o, &["commit", "-qm", "base"]);
    write(o, "iam/roles.yaml", "roles: []\n");
    git(o, &["commit", "-qam", "second"]);
    let clones = tempfile::tempdir().unwrap();
    let url = format!("file://{}", o.display());
    git(clones.path(), &["clone", "-q", "--depth", "1", &url, "shallow"]);
    let shallow = clones.path().join("shallow");
    let out = iamlint(&shallow, &["check", "--changed-since", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("`HEAD~1` is not a commit in this repository; this is a shallow clone"), "{err}");
    assert!(err.contains("fetch-depth: 0") && err.contains("git fetch --unshallow"), "{err}");
    let out = iamlint(&shallow, &["access", "--diff", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("shallow clone"), "{}", stderr(&out));
    // A full clone with an unknown ref gets no such advice.
    let out = iamlint(o, &["check", "--changed-since", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!stderr(&out).contains("shallow"), "{}", stderr(&out));
}

#[test]
fn markdown_for_a_pull_request_is_escaped_and_bounded() {
    let dir = repository();
    let d = dir.path();
    write(d, "iam/hostile.yaml", "serviceAccounts:\n  - name: \"Evil|<img src=x onerror=alert(1)>`@org/team`\"\n    description: x\n    groups: [bots]\n");
    let out = iamlint(d, &["check", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("| Severity | Location | Message |\n|---|---|---|\n"), "{text}");
    assert!(
        text.contains("| error | iam/ci-tokens.yaml:11 | max age \\`30d\\` is not an ISO 8601 duration \\[\\*\\] |"),
        "{text}"
    );
    assert!(text.contains("\\[\\*\\] fixable with `iamlint check --fix`"), "{text}");
    // The name cannot end a cell, open HTML or a code span, or mention a team.
    let row = text.lines().find(|l| l.contains("Evil")).unwrap();
    assert!(row.contains("Evil\\|\\<img src=x onerror=alert\\(1\\)\\>\\`@\u{2060}org/team\\`"), "{row}");
    assert_eq!(row.matches(" | ").count(), 2, "three cells: {row}");
    // A legacy repository's thousands of findings fit in a comment.
    let mut manifest = String::from("groups:\n  - name: bots\n    description: bots\nserviceAccounts:\n");
    for i in 0..3000 {
        manifest.push_str(&format!("  - name: Legacy_Bot_{i}\n    description: bot\n    groups: [bots]\n"));
    }
    write(d, "iam/legacy.yaml", &manifest);
    let text = stdout(&iamlint(d, &["check", "--format", "markdown"]));
    assert!(text.chars().count() <= 65_536, "{} characters", text.chars().count());
    assert!(
        text.contains(" more findings not shown: a comment holds 65,536 characters."),
        "{}",
        &text[text.len() - 400..]
    );
}

#[test]
fn access_diff_in_markdown_tables_gains_and_losses_per_principal() {
    let dir = repository();
    let d = dir.path();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    write(
        d,
        "iam/roles.yaml",
        "roles:\n  - name: membership-manager\n    description: Manages group members\n    permissions:\n\
         \x20     GROUP: [VIEW, LIST]\n      FLOW: [VIEW, LIST, CREATE]\n",
    );
    let out = iamlint(d, &["access", "--diff", "HEAD", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("## Access changes since HEAD\n\n1 principal changed, 1 gains access.\n"), "{text}");
    assert!(text.contains("### service account onboarding-bot ("), "{text}");
    assert!(text.contains("| **gained** | company | FLOW | CREATE |"), "{text}");
    assert!(text.contains("| lost | company | GROUP | MANAGE\\_MEMBERS |"), "{text}");
    let out = iamlint(d, &["access", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Findings that `per-file-ignores` and `object-ignores` silence are counted like suppressed
/// ones, in every report that carries the summary, under the repository's configuration and
/// a nested one alike.
#[test]
fn the_summary_counts_findings_ignored_by_configuration() {
    let dir = repository();
    let d = dir.path();
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise"]);
    let before = stdout(&out);
    let count = |code: &str, path: &str| before.lines().filter(|l| l.starts_with(path) && l.contains(code)).count();
    let (tokens, escalation) = (count("IAM204", "iam/ci-tokens.yaml"), count("IAM303", "terraform/"));
    assert_eq!((tokens, escalation), (2, 1), "{before}");
    write(d, ".iamlint.yaml", "per-file-ignores:\n  \"iam/ci-tokens.yaml\": [invalid-duration]\n");
    // The platform team's folder reviewed its escalation (SEC-12).
    write(d, "terraform/.iamlint.yaml", "object-ignores:\n  \"kestra_service_account.onboarding\": [IAM303]\n");
    let hidden = "not reported: 3 ignored by configuration";
    let out = iamlint(d, &["check"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(!stdout(&out).contains("IAM204") && !stdout(&out).contains("IAM303"), "{}", stdout(&out));
    assert!(stderr(&out).contains(&format!("; {hidden}.")), "{}", stderr(&out));
    let out = iamlint(d, &["check", "--format", "concise"]);
    assert!(stderr(&out).contains(&format!("; {hidden}.")), "{}", stderr(&out));
    let out = iamlint(d, &["check", "--format", "markdown"]);
    assert!(stdout(&out).contains("Not reported: 3 ignored by configuration."), "{}", stdout(&out));
}

/// A report named like a file the run reads (a tfvars, a manifest, the baseline, or a link
/// to one) is refused before anything is written: no report, and no fix either.
#[test]
fn a_report_never_overwrites_a_file_the_run_reads() {
    let dir = repository();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, "terraform/envs/prod/terraform.tfvars", "region = \"eu\"\n");
    std::os::unix::fs::symlink("iam/roles.yaml", d.join("roles-report.txt")).unwrap();
    let out = iamlint(d, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let snapshot = |files: &[&str]| files.iter().map(|f| std::fs::read(d.join(f)).unwrap()).collect::<Vec<_>>();
    let inputs = ["terraform/envs/prod/terraform.tfvars", "iam/roles.yaml", "iam/ci-tokens.yaml", "baseline.json"];
    let before = snapshot(&inputs);
    for (report, input) in [
        ("terraform/envs/prod/terraform.tfvars", "terraform/envs/prod/terraform.tfvars"),
        ("./iam/../iam/roles.yaml", "iam/roles.yaml"),
        ("roles-report.txt", "iam/roles.yaml"),
        ("baseline.json", "baseline.json"),
    ] {
        for args in [
            vec!["check", "--fix", "--baseline", "baseline.json", "--output-file", report],
            vec![
                "check",
                "--format",
                "concise",
                "--baseline",
                "baseline.json",
                "--output-format",
                &format!("sarif={report}"),
            ],
        ] {
            let out = iamlint(d, &args);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
            assert!(
                err.contains(&format!("error: the report `{report}` would overwrite `{input}`")),
                "{args:?}: {err}"
            );
            assert_eq!(snapshot(&inputs), before, "{args:?}");
        }
    }
    // A baseline written over a manifest too; over the baseline it reads, as meant.
    let out = iamlint(d, &["check", "--write-baseline", "iam/roles.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("error: the report `iam/roles.yaml` would overwrite `iam/roles.yaml`"));
    assert_eq!(snapshot(&inputs), before);
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// Two reports naming one file (spelt differently) would leave only the last: refused
/// before anything is written.
#[test]
fn two_reports_naming_one_file_are_refused() {
    let dir = repository();
    let d = dir.path();
    std::fs::create_dir(d.join("out")).unwrap();
    for (args, flags) in [
        (
            vec![
                "check",
                "--format",
                "json",
                "--output-file",
                "out/r.json",
                "--output-format",
                "sarif=out/../out/r.json",
            ],
            "--output-file and --output-format sarif=out/../out/r.json both write `out/../out/r.json`",
        ),
        (
            vec!["check", "--output-format", "json=out/a", "--output-format", "markdown=./out/a"],
            "--output-format json=out/a and --output-format markdown=./out/a both write `./out/a`",
        ),
        (
            vec!["check", "--output-file", "out/b.json", "--write-baseline", "out/b.json"],
            "--output-file and --write-baseline both write `out/b.json`",
        ),
    ] {
        let out = iamlint(d, &args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(flags), "{args:?}: {}", stderr(&out));
        assert_eq!(std::fs::read_dir(d.join("out")).unwrap().count(), 0, "{args:?}");
    }
}

/// A report file is created as `File::create` would create it: the umask decides a new
/// file's mode, and a report written again keeps the mode its file had.
#[test]
fn report_files_are_created_as_the_umask_says() {
    let dir = repository();
    let d = dir.path();
    let mode = |f: &str| {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(d.join(f)).unwrap().permissions().mode() & 0o777
    };
    for (umask, expected) in [("027", 0o640), ("077", 0o600), ("002", 0o664)] {
        let report = format!("report-{umask}.sarif");
        let script = format!(
            "umask {umask} && exec \"$0\" check -q --format sarif --output-file {report} --output-format markdown=summary-{umask}.md"
        );
        let out =
            Command::new("sh").args(["-c", &script, env!("CARGO_BIN_EXE_iamlint")]).current_dir(d).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!((mode(&report), mode(&format!("summary-{umask}.md"))), (expected, expected), "umask {umask}");
    }
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(d.join("report-002.sarif"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let out = iamlint(d, &["check", "-q", "--format", "sarif", "--output-file", "report-002.sarif"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(mode("report-002.sarif"), 0o600);
}

/// `--diff` writes its patch to `--output-file`, like any report, whole; the log keeps the
/// list of fixes.
#[test]
fn diff_goes_to_the_output_file() {
    let dir = repository();
    let d = dir.path();
    git(d, &["init", "-q"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    let out = iamlint(d, &["check", "--diff", "--output-file", "fixes.diff"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert!(stderr(&out).contains("Would fix"), "{}", stderr(&out));
    let diff = std::fs::read_to_string(d.join("fixes.diff")).unwrap();
    assert!(diff.contains("+++ b/iam/ci-tokens.yaml") && diff.contains("+        maxAge: P30D"), "{diff}");
    git(d, &["apply", "fixes.diff"]);
    let out = iamlint(d, &["check", "--diff", "--output-file", "fixes.diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(d.join("fixes.diff")).unwrap(), "");
}

#[test]
fn a_report_never_overwrites_what_configures_iamlint_or_git() {
    // The configuration is hidden and never linted, so "a file the run reads" missed it: a
    // report over `.iamlint.yaml` made the next run fail, and one in `.git` broke the clone.
    let dir = repository();
    let d = dir.path();
    git(d, &["init", "-q"]);
    write(d, ".iamlint.yaml", "select: [ALL]\n");
    write(d, "teams/data/.iamlint.yml", "ignore: [IAM101]\n");
    write(d, "ci/iamlint.yaml", "select: [ALL]\n");
    let protected = [".iamlint.yaml", "teams/data/.iamlint.yml", "ci/iamlint.yaml", ".git/HEAD"];
    let snapshot = || protected.iter().map(|f| std::fs::read(d.join(f)).unwrap()).collect::<Vec<_>>();
    let before = snapshot();
    for report in [".iamlint.yaml", "./teams/data/.iamlint.yml", ".git/HEAD", ".git/new-file"] {
        for flag in ["--output-file", "--write-baseline"] {
            let out = iamlint(d, &["check", flag, report, "."]);
            let err = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{flag} {report}: {err}");
            assert!(err.contains("which configures iamlint or git; nothing was written"), "{flag} {report}: {err}");
        }
    }
    let out = iamlint(d, &["check", "--config", "ci/iamlint.yaml", "--output-format", "sarif=ci/iamlint.yaml", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(snapshot(), before);
    assert!(!d.join(".git/new-file").exists());
    // Beside them, a report is written as usual.
    let out = iamlint(d, &["check", "--output-file", "iamlint-report.txt", "."]);
    assert_ne!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(d.join("iamlint-report.txt").exists());
}

#[test]
fn output_format_beside_diff_or_write_baseline_is_refused_not_silently_dropped() {
    let dir = repository();
    let d = dir.path();
    git(d, &["init", "-q"]);
    for mode in [vec!["--diff"], vec!["--write-baseline", "baseline.json"]] {
        let mut args = vec!["check", "--output-format", "sarif=iamlint.sarif"];
        args.extend(mode.iter().copied());
        let out = iamlint(d, &args);
        assert_eq!(out.status.code(), Some(2), "{mode:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("--output-format writes reports of findings"), "{}", stderr(&out));
        assert!(!d.join("iamlint.sarif").exists() && !d.join("baseline.json").exists(), "{mode:?}");
    }
}
