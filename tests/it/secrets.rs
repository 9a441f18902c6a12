//! Secrets never leave iamlint: a workspace with credentials planted in every place IAM601
//! looks (provider blocks, tfvars, kestra_user_password, manifests, plans, CI workflows,
//! scripts) is rendered in every output format, with every rule on, and no output may
//! contain a planted value — not in a message, not in a source snippet, not in a label in
//! another file.

use crate::common;
use clap::ValueEnum;
use common::*;
use iamlint::lint::{self, Options};
use iamlint::render::{self, OutputFormat, RenderOptions};
use iamlint::select::Selection;

const SECRETS: [&str; 11] = [
    "kst_tfvars_SECRET_0001",
    "Provider-Pass-SECRET-0002",
    "UserPassword-SECRET-0003",
    "ManifestPass-SECRET-0004",
    "SaPassword-SECRET-0005",
    "kst_fulltoken_SECRET_0006",
    "PlanPassword-SECRET-0007",
    "kst_workflow_SECRET_0008",
    "kst_bearer_SECRET_0009",
    "GitlabPass-SECRET-0010",
    "kst_script_SECRET_0011",
];

fn plant(dir: &std::path::Path) {
    write(dir, "terraform/variables.tf", "variable \"kestra_token\" {\n  type      = string\n  sensitive = true\n}\n");
    write(dir, "terraform/terraform.tfvars", &format!("kestra_token = \"{}\"\n", SECRETS[0]));
    write(
        dir,
        "terraform/main.tf",
        &format!(
            "provider \"kestra\" {{\n  api_token = var.kestra_token\n}}\n\nprovider \"kestra\" {{\n  alias    = \"eu\"\n  password = \"{}\"\n}}\n\n\
             resource \"kestra_user_password\" \"jane\" {{\n  user_id  = \"4by6NvSLcPXFhCj8nwbZOM\"\n  password = \"{}\"\n}}\n\n\
             resource \"kestra_service_account\" \"Bad_Name\" {{\n  name = \"Bad_Name\"\n}}\n",
            SECRETS[1], SECRETS[2]
        ),
    );
    // IAM101, IAM401 and IAM402 report on the lines around these values: their snippets
    // show the secret lines too.
    write(
        dir,
        "iam.yaml",
        &format!(
            "users:\n  - email: jane@example.com\n    password: {}\nserviceAccounts:\n  - name: Ci_Bot\n    password: \"{}\"\n    apiTokens:\n      - name: Deploy_Token\n        fullToken: {}\n",
            SECRETS[3], SECRETS[4], SECRETS[5]
        ),
    );
    write(
        dir,
        "plan.json",
        &format!(
            "{{\"format_version\": \"1.2\", \"planned_values\": {{\"root_module\": {{\"resources\": [{{\"address\": \"kestra_user_password.x\", \"mode\": \"managed\", \"type\": \"kestra_user_password\", \"name\": \"x\", \"values\": {{\"password\": \"{}\"}}}}]}}}}}}\n",
            SECRETS[6]
        ),
    );
    write(
        dir,
        ".github/workflows/deploy.yml",
        &format!(
            "on: push\njobs:\n  deploy:\n    steps:\n      - run: |\n          kestra flow namespace update t flows/ --api-token {}\n          curl -H \"Authorization: Bearer {}\" https://kestra.example.com\n",
            SECRETS[7], SECRETS[8]
        ),
    );
    write(
        dir,
        ".gitlab-ci.yml",
        &format!("deploy:\n  script:\n    - kestra flow validate flows/ --user admin@example.com:{}\n", SECRETS[9]),
    );
    write(dir, "deploy.sh", &format!("#!/bin/sh\nkestra flow validate flows/ --api-token=\"{}\"\n", SECRETS[10]));
}

fn assert_clean(output: &str, what: &str) {
    for secret in SECRETS {
        assert!(!output.contains(secret), "{what} leaks `{secret}`:\n{output}");
    }
}

#[test]
fn no_output_format_contains_a_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let options = Options {
        paths: vec![dir.path().to_path_buf()],
        selection: Selection { select: Some(vec!["ALL".into()]), ..Selection::default() },
        ..Options::default()
    };
    let outcome = lint::run(&options).unwrap();
    let credentials = outcome.findings.iter().filter(|f| f.code == "IAM601").count();
    assert_eq!(credentials, SECRETS.len(), "every planted secret is a finding");
    assert!(outcome.findings.iter().any(|f| f.code == "IAM402"), "a snippet next to a secret is rendered");
    let catalogue = iamlint::catalogue::Catalogue::builtin();
    let render_options = RenderOptions { files: outcome.files, ..RenderOptions::new(&catalogue) };
    for format in OutputFormat::value_variants() {
        let text = render::render(*format, &outcome.ws, &outcome.findings, &render_options);
        assert!(!text.is_empty(), "{format:?} rendered nothing");
        assert_clean(&text, &format!("{format:?} output"));
    }
    let human = render::render(OutputFormat::Human, &outcome.ws, &outcome.findings, &render_options);
    assert!(human.contains("password: ************************"), "the snippet is starred, not dropped:\n{human}");
    assert_clean(
        &render::summary(&outcome.findings, outcome.files, 0, &Default::default(), &options.catalogue),
        "the summary",
    );
}

#[test]
fn the_command_line_never_prints_a_planted_secret() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    for format in OutputFormat::value_variants() {
        let name = format.to_possible_value().unwrap().get_name().to_string();
        for color in ["never", "always"] {
            let out = iamlint(dir.path(), &["check", "--select", "ALL", "--format", &name, "--color", color]);
            assert_eq!(out.status.code(), Some(1), "{name}: {}", stderr(&out));
            assert_clean(&stdout(&out), &format!("`--format {name} --color {color}` stdout"));
            assert_clean(&stderr(&out), &format!("`--format {name} --color {color}` stderr"));
        }
    }
    // A diff shows whole source lines, and a baseline records findings.
    let out = iamlint(dir.path(), &["check", "--select", "ALL", "--diff", "--unsafe-fixes"]);
    assert!(stdout(&out).contains("-    password: \"***"), "a removed credential line, starred: {}", stdout(&out));
    assert_clean(&stdout(&out), "`--diff` stdout");
    assert_clean(&stderr(&out), "`--diff` stderr");
    let out = iamlint(dir.path(), &["check", "--select", "ALL", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_clean(&std::fs::read_to_string(dir.path().join("baseline.json")).unwrap(), "the baseline file");
}

/// A header value whose text is not the value byte for byte (an escape, a heredoc) is
/// pointed at whole: its credential's offset in the value is not its offset in the file.
#[test]
fn extra_headers_credentials_with_escapes_are_pointed_at_whole() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "main.tf",
        "provider \"kestra\" {\n  extra_headers = {\n    Authorization = \"Bearer ab\\\"cdTok99\"\n    authorization = <<EOT\nBasic aGVyZWRvYw\nEOT\n  }\n}\n",
    );
    let out = iamlint(dir.path(), &["check", "--format", "concise", "--select", "IAM601", "."]);
    let lines: Vec<String> = stdout(&out).lines().map(|l| l.split(": IAM601").next().unwrap().to_string()).collect();
    assert_eq!(lines, ["main.tf:3:21", "main.tf:4:21"], "{}", stdout(&out));
}
