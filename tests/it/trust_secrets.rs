//! Secrets: no character of a credential in any output. A workspace holds a
//! credential in every place one can be written — a Terraform literal, a tfvars value, a
//! token built from parts, a heredoc, YAML keys in any case and spelling, a block scalar,
//! one-line JSON, every copy a Terraform plan makes, files that do not parse and files that
//! are not UTF-8 — and every output iamlint has is searched for every 4-character window of
//! every secret: all formats, `--diff`, `access` (with `--diff REF`), error messages.
//!
//! The secrets are made of letters outside hex and of digits, never four digits in a row,
//! so none of their windows can occur in iamlint's own words, paths or fingerprints.

use crate::common;
use common::*;
use iamlint::lint::{self, Options};
use iamlint::select::Selection;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Every secret planted, line by line (a multi-line secret is two entries), with where.
const SECRETS: &[(&str, &str)] = &[
    ("terraform literal", "YP2HJ7KZ8H6RHJ"),
    ("tfvars value", "33JVJ73H8KV8H8"),
    ("heredoc line 1", "82HVH7PX3P7K8X"),
    ("heredoc line 2", "7QK88RZK7J8H9R"),
    ("part in a local", "J8X65Y4X9JK6"),
    ("literal part of a template", "3QYP53HJ78YY"),
    ("yaml `Password`", "X2ZG4ZQ9K5HRXP"),
    ("yaml `FullToken`", "3Z2VPJQPVVG58Q"),
    ("yaml `full_token`", "WXGP37Z98YP69H"),
    ("yaml `API-TOKEN`", "QKY9HKG8P7KZ9G"),
    ("yaml `apiToken`", "JR92PWZ9Z5KK54"),
    ("yaml `password`", "55XJPKYW5Q6GR6"),
    ("yaml block scalar line 1", "ZP7G6XJW6ZQZV7"),
    ("yaml block scalar line 2", "76YV9RV2VR65ZG"),
    ("one-line json", "GW5WR9Z4ZZJVKV"),
    ("plan password", "6P3RRGWRX6V8YW"),
    ("plan password before the change", "6G4Q9GPQP59K7H"),
    ("plan full_token", "YJV3JRXKPZPWP4"),
    ("plan provider api_token", "6JKVKJWWHQWP3W"),
    ("plan sensitive variable", "GJWJ9VJWK4GY73"),
    ("plan sensitive attribute", "W9PH6VKQWHQRXX"),
    ("broken terraform", "6RX46QWZGWHGG6"),
    ("broken tfvars", "VYRP2ZHPGJW3QH"),
    ("broken yaml", "J26X9VXH4QQW4G"),
    ("broken one-line json", "WZY7YVHXRZQGY2"),
    ("broken heredoc", "H2GXXVJ86P92Y5"),
    ("broken block scalar", "5WG4J67J6J5WJW"),
    ("broken terraform json", "HHRV9G4Y48R6VX"),
    ("broken tfvars json", "5GJ4W37JWYV6XG"),
    ("workflow api token", "J8K2KX2JGGRRH5"),
    ("broken workflow env", "PVKGH45Q7R46RP"),
    ("invalid utf-8 yaml", "PYWX98PG5H5WKR"),
    ("invalid utf-8 terraform", "X4J64W2RRJ8JP6"),
    ("yaml password as a list", "ZK7QWP9RXM4T"),
    ("yaml password as a mapping", "PW8RKZ3XQT6N"),
    ("json fullToken as an object", "XR5TQ8MWZK2P"),
    ("sensitive variable built into a name", "MQ6ZWR8KTX3P"),
];

fn secret(what: &str) -> &'static str {
    SECRETS.iter().find(|(w, _)| *w == what).map(|(_, s)| *s).expect("a planted secret")
}

/// Fails when `output` holds any 4-character window of any secret.
/// In any case: a name suggestion lowercases what it quotes.
fn assert_no_secret(output: &str, what: &str) {
    let folded = output.to_lowercase();
    for (name, s) in SECRETS {
        let chars: Vec<char> = s.to_lowercase().chars().collect();
        for window in chars.windows(4) {
            let window: String = window.iter().collect();
            assert!(!folded.contains(&window), "{what} shows `{window}` of the {name} `{s}`:\n{output}");
        }
    }
}

const MAIN_TF: &str = r#"locals {
  p = "J8X65Y4X9JK6"
}

provider "kestra" {
  api_token = var.kestra_token
}

provider "kestra" {
  alias    = "eu"
  password = "YP2HJ7KZ8H6RHJ"
}

provider "kestra" {
  alias     = "parts"
  api_token = "${local.p}_3QYP53HJ78YY"
}

provider "kestra" {
  alias    = "here"
  password = <<EOT
82HVH7PX3P7K8X
7QK88RZK7J8H9R
EOT
}
output "tok" {
  value = kestra_service_account_api_token.t.full_token
}

resource "kestra_service_account" "Bad_Name" {
  name = "Bad_Name"
}

resource "kestra_service_account_api_token" "t" {
  service_account_id = kestra_service_account.Bad_Name.id
  name               = "deploy"
  max_age            = "P30D"
}
"#;

const IAM_YAML: &str = "serviceAccounts:
  - name: Ci_Bot
    Password: X2ZG4ZQ9K5HRXP
    apiTokens:
      - name: Deploy_Token
        FullToken: 3Z2VPJQPVVG58Q
        full_token: WXGP37Z98YP69H
        API-TOKEN: QKY9HKG8P7KZ9G
        apiToken: JR92PWZ9Z5KK54
  - name: Block_Bot
    description: holds a block scalar
    password: |
      ZP7G6XJW6ZQZV7
      76YV9RV2VR65ZG
  - name: After_Bot
users:
  - email: jane@example.com
    password: 55XJPKYW5Q6GR6
    username: Joe_Smith
";

/// A plan as `terraform show -json` writes it: the password is in `planned_values`,
/// `resource_changes[].change.after` and `configuration`, its old value in `prior_state`
/// and `change.before`, the token in every one of them and in the outputs.
const PLAN: &str = r#"{
  "format_version": "1.2",
  "terraform_version": "1.9.0",
  "variables": {"kestra_password": {"value": "GJWJ9VJWK4GY73"}},
  "planned_values": {
    "outputs": {"tok": {"sensitive": true, "value": "YJV3JRXKPZPWP4"}},
    "root_module": {"resources": [
      {"address": "kestra_user_password.x", "mode": "managed", "type": "kestra_user_password", "name": "x",
       "values": {"password": "6P3RRGWRX6V8YW", "user_id": "4by6NvSLcPXFhCj8nwbZOM"},
       "sensitive_values": {"password": true}},
      {"address": "kestra_service_account_api_token.t", "mode": "managed", "type": "kestra_service_account_api_token", "name": "t",
       "values": {"name": "Plan_Token", "max_age": "P30D", "full_token": "YJV3JRXKPZPWP4", "description": "W9PH6VKQWHQRXX"},
       "sensitive_values": {"full_token": true, "description": true}}
    ]}
  },
  "resource_changes": [
    {"address": "kestra_user_password.x", "mode": "managed", "type": "kestra_user_password", "name": "x",
     "change": {"actions": ["update"], "before": {"password": "6G4Q9GPQP59K7H"}, "after": {"password": "6P3RRGWRX6V8YW"},
       "before_sensitive": {"password": true}, "after_sensitive": {"password": true}}},
    {"address": "kestra_service_account_api_token.t", "mode": "managed", "type": "kestra_service_account_api_token", "name": "t",
     "change": {"actions": ["no-op"],
       "before": {"name": "Plan_Token", "full_token": "YJV3JRXKPZPWP4", "description": "W9PH6VKQWHQRXX"},
       "after": {"name": "Plan_Token", "full_token": "YJV3JRXKPZPWP4", "description": "W9PH6VKQWHQRXX"},
       "before_sensitive": {"full_token": true, "description": true}, "after_sensitive": {"full_token": true, "description": true}}}
  ],
  "output_changes": {"tok": {"actions": ["no-op"], "before": "YJV3JRXKPZPWP4", "after": "YJV3JRXKPZPWP4",
    "before_sensitive": true, "after_sensitive": true}},
  "prior_state": {"format_version": "1.0", "values": {
    "outputs": {"tok": {"sensitive": true, "value": "YJV3JRXKPZPWP4"}},
    "root_module": {"resources": [
      {"address": "kestra_user_password.x", "mode": "managed", "type": "kestra_user_password", "name": "x",
       "values": {"password": "6G4Q9GPQP59K7H"}, "sensitive_values": {"password": true}},
      {"address": "kestra_service_account_api_token.t", "mode": "managed", "type": "kestra_service_account_api_token", "name": "t",
       "values": {"name": "Plan_Token", "full_token": "YJV3JRXKPZPWP4", "description": "W9PH6VKQWHQRXX"},
       "sensitive_values": {"full_token": true, "description": true}}
    ]}}},
  "configuration": {
    "provider_config": {"kestra": {"name": "kestra", "expressions": {"api_token": {"constant_value": "6JKVKJWWHQWP3W"}}}},
    "root_module": {
      "resources": [{"address": "kestra_user_password.x", "type": "kestra_user_password", "name": "x",
        "expressions": {"password": {"constant_value": "6P3RRGWRX6V8YW"}}}],
      "variables": {"kestra_password": {"sensitive": true}}
    }
  }
}
"#;

fn plant(dir: &Path) {
    write(dir, "tf/variables.tf", "variable \"kestra_token\" {\n  type      = string\n  sensitive = true\n}\n");
    write(dir, "tf/terraform.tfvars", "kestra_token = \"33JVJ73H8KV8H8\"\n");
    write(dir, "tf/main.tf", MAIN_TF);
    write(dir, "yaml/iam.yaml", IAM_YAML);
    write(
        dir,
        "json/iam.json",
        "{\"serviceAccounts\": [{\"name\": \"Json_Bot\", \"password\": \"GW5WR9Z4ZZJVKV\"}]}\n",
    );
    write(dir, "plan/plan.json", PLAN);
    // Credentials written as a list or a mapping are not what Kestra reads, but are secrets.
    write(
        dir,
        "yaml/structured.yaml",
        "users:\n  - email: list@example.com\n    password: [ZK7QWP9RXM4T]\n  - email: map@example.com\n    password: {value: PW8RKZ3XQT6N}\n",
    );
    write(
        dir,
        "json/export.json",
        "{\"serviceAccounts\": [{\"name\": \"Export_Bot\", \"apiTokens\": [{\"name\": \"t\", \"maxAge\": \"P30D\", \"fullToken\": {\"v\": \"XR5TQ8MWZK2P\"}}]}]}\n",
    );
    // A sensitive value built into a name: the messages and the access report quote it.
    write(
        dir,
        "tf/seeded.tf",
        "variable \"seed\" {\n  sensitive = true\n  default   = \"MQ6ZWR8KTX3P\"\n}\n\nresource \"kestra_service_account\" \"seeded\" {\n  name = \"Seed_${var.seed}\"\n}\n",
    );
    // Files that do not parse: the error is next to the credential.
    write(
        dir,
        "broken/tf/main.tf",
        "resource \"kestra_user_password\" \"p\" {\n  user_id  = \"x\"\n  password = \"6RX46QWZGWHGG6\"\n  oops = = 1\n}\n",
    );
    write(dir, "broken/vars/terraform.tfvars", "kestra_password = \"VYRP2ZHPGJW3QH\"\nx = = 1\n");
    write(dir, "broken/yaml/iam.yaml", "users:\n  - email: a@b.c\n    password: J26X9VXH4QQW4G\n    name: [unclosed\n");
    write(dir, "broken/json/iam.json", "{\"users\": [{\"email\": \"a@b.c\", \"password\": \"WZY7YVHXRZQGY2\", }]}\n");
    write(
        dir,
        "broken/heredoc/main.tf",
        "provider \"kestra\" {\n  password = <<EOT\nH2GXXVJ86P92Y5\nEOT\n  x = = 1\n}\n",
    );
    write(
        dir,
        "broken/block/iam.yaml",
        "users:\n  - email: a@b.c\n    password: >-\n      5WG4J67J6J5WJW\n    name: [unclosed\n",
    );
    write(dir, "broken/tfjson/main.tf.json", "{\"provider\": {\"kestra\": {\"password\": \"HHRV9G4Y48R6VX\", }}}\n");
    write(dir, "broken/tfjson/prod.tfvars.json", "{\"kestra_password\": \"5GJ4W37JWYV6XG\",}\n");
    // A workflow the YAML parser rejects is still scanned for credentials (IAM601): its
    // snippet shows the lines around, one of them another credential.
    write(
        dir,
        ".github/workflows/deploy.yml",
        "on: push\njobs:\n  d:\n    steps:\n      - env:\n          DB_PASSWORD: PVKGH45Q7R46RP\n        run: kestra flow validate f/ --api-token J8K2KX2JGGRRH5\n      - name: \"broken\n",
    );
    // Not UTF-8: the bad byte is on the line after the credential.
    std::fs::create_dir_all(dir.join("utf8")).unwrap();
    std::fs::write(
        dir.join("utf8/iam.yaml"),
        b"users:\n  - email: a@b.c\n    password: PYWX98PG5H5WKR\n    name: bad\xff\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("utf8/main.tf"),
        b"resource \"kestra_user_password\" \"p\" {\n  password = \"X4J64W2RRJ8JP6\"\n  user_id  = \"\xff\"\n}\n",
    )
    .unwrap();
}

const FORMATS: [&str; 10] =
    ["human", "concise", "json", "sarif", "github", "gitlab", "junit", "checkstyle", "rdjson", "markdown"];

#[test]
fn no_output_format_shows_any_character_of_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    for format in FORMATS {
        for color in ["never", "always"] {
            let out = iamlint(dir.path(), &["check", "--select", "ALL", "--format", format, "--color", color]);
            assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
            assert_no_secret(&stdout(&out), &format!("`--format {format} --color {color}` stdout"));
            assert_no_secret(&stderr(&out), &format!("`--format {format} --color {color}` stderr"));
        }
    }
    // The cases are exercised: every broken file is a finding, every literal one.
    let out = iamlint(dir.path(), &["check", "--select", "ALL", "--format", "concise"]);
    let text = stdout(&out);
    for broken in [
        "broken/tf/main.tf:4:",
        "broken/vars/terraform.tfvars:2:",
        "broken/yaml/iam.yaml:",
        "broken/json/iam.json:1:",
        "broken/heredoc/main.tf:5:",
        "broken/block/iam.yaml:",
        "broken/tfjson/main.tf.json:1:",
        "broken/tfjson/prod.tfvars.json:1:",
        "utf8/iam.yaml:4:",
        "utf8/main.tf:3:",
    ] {
        assert!(text.lines().any(|l| l.starts_with(broken) && l.contains("IAM001")), "no IAM001 at {broken}:\n{text}");
    }
    let credentials = text.lines().filter(|l| l.contains("IAM601")).count();
    assert!(credentials >= 13, "{credentials} IAM601 findings:\n{text}");
    assert!(text.contains(".github/workflows/deploy.yml:7:"), "{text}");
}

#[test]
fn diff_shows_no_character_of_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let out = iamlint(dir.path(), &["check", "--select", "ALL", "--diff", "--unsafe-fixes"]);
    let diff = stdout(&out);
    // The fixes next to the secrets are in the diff: its context lines show them starred.
    for renamed in [
        "+  - name: ci-bot",
        "+      - name: deploy-token",
        "+  - name: block-bot",
        "+  - name: after-bot",
        "json-bot",
        "+  sensitive = true",
    ] {
        assert!(diff.contains(renamed), "no `{renamed}` in\n{diff}");
    }
    assert!(diff.contains("    Password: **************\n"), "{diff}");
    assert_no_secret(&diff, "`--diff` stdout");
    assert_no_secret(&stderr(&out), "`--diff` stderr");
}

#[test]
fn other_commands_and_error_messages_show_no_character_of_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let d = dir.path();
    let runs: Vec<Vec<&str>> = vec![
        vec!["access"],
        vec!["access", "--format", "json"],
        vec!["access", "yaml", "tf", "plan", "broken", "utf8"],
        vec!["check", "--select", "ALL", "--var-file", "broken/vars/terraform.tfvars", "tf"],
        vec!["check", "--select", "ALL", "--var-file", "tf/terraform.tfvars", "broken/tf"],
        // Files holding credentials named where a configuration or a policy is expected.
        vec!["check", "--config", "yaml/iam.yaml"],
        vec!["check", "--config", "broken/yaml/iam.yaml"],
        vec!["check", "--rules", "broken/block"],
        vec!["check", "--var-file", "yaml/iam.yaml"],
        vec!["check", "--select", "ALL", "--write-baseline", "baseline.json"],
        vec!["check", "--select", "ALL", "--baseline", "baseline.json", "--format", "json"],
        // Reports written to files, and the summary that goes to stderr instead.
        vec!["check", "--select", "ALL", "--output-file", "report.txt", "--color", "always"],
        vec!["check", "--select", "ALL", "--output-format", "markdown=report.md", "--output-format", "sarif=r.sarif"],
        vec!["check", "--select", "ALL", "--fix", "--unsafe-fixes", "--show-fixes"],
    ];
    for args in &runs {
        let out = iamlint(d, args);
        assert_no_secret(&stdout(&out), &format!("{args:?} stdout"));
        assert_no_secret(&stderr(&out), &format!("{args:?} stderr"));
    }
    assert_no_secret(&std::fs::read_to_string(d.join("baseline.json")).unwrap(), "the baseline");
    for report in ["report.txt", "report.md", "r.sarif"] {
        let text = std::fs::read_to_string(d.join(report)).unwrap();
        assert!(text.contains("IAM601"), "{report} holds the findings:\n{text}");
        assert_no_secret(&text, report);
    }
}

#[test]
fn access_diff_shows_no_character_of_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    plant(d);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    // The change: new credentials and a new principal beside the old ones.
    write(d, "yaml/iam.yaml", &IAM_YAML.replace("Ci_Bot", "Other_Bot").replace("Joe_Smith", "Joe_Smythe"));
    write(d, "tf/main.tf", &MAIN_TF.replace("\"deploy\"", "\"deploy-2\""));
    for args in [
        &["access", "--diff", "HEAD"][..],
        &["access", "--diff", "HEAD", "--format", "json"],
        &["access", "--diff", "HEAD", "--format", "markdown"],
    ] {
        let out = iamlint(d, args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        // (Markdown escapes the underscore.)
        assert!(stdout(&out).replace("\\_", "_").contains("Other_Bot"), "{}", stdout(&out));
        assert_no_secret(&stdout(&out), &format!("{args:?} stdout"));
        assert_no_secret(&stderr(&out), &format!("{args:?} stderr"));
    }
}

/// IAM601 names a credential by the start of its SHA-256, never by its characters.
#[test]
fn messages_name_credentials_by_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let out = iamlint(dir.path(), &["check", "--select", "IAM601", "--format", "concise"]);
    let text = stdout(&out);
    let fingerprint = |s: &str| {
        let hex: String = Sha256::digest(s.as_bytes()).iter().take(4).map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    };
    for what in ["terraform literal", "yaml `password`", "yaml `FullToken`", "one-line json", "plan full_token"] {
        let expected = fingerprint(secret(what));
        assert!(text.contains(&expected), "no `{expected}` for the {what}:\n{text}");
    }
    // Two secrets, two fingerprints: a reviewer can tell them apart.
    assert_ne!(fingerprint(secret("yaml `password`")), fingerprint(secret("yaml `Password`")));
    assert!(!text.contains('…'), "a message still quotes the start of a credential:\n{text}");
}

/// The 1-based number of the line holding `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).expect("needle in text") + 1
}

/// A multi-line secret is starred line by line: the lines after it keep their numbers in
/// the human report and in the snippets.
#[test]
fn masks_keep_line_numbers_in_snippets() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let out = iamlint(dir.path(), &["check", "--select", "IAM101,IAM102,IAM601,IAM002"]);
    let human = stdout(&out);
    // The snippet line numbered `n`, without miette's gutter.
    let numbered = |file: &str, n: usize| -> Vec<String> {
        let mut in_file = false;
        let mut out = Vec::new();
        for l in human.lines() {
            if l.contains("╭─[") {
                in_file = l.contains(file);
            } else if let Some((gutter, rest)) = l.split_once(" │ ") {
                if in_file && gutter.trim() == n.to_string() {
                    out.push(rest.trim_start_matches(['╭', '│', '╰', '─', '▶', ' ']).to_string());
                }
            }
        }
        out
    };
    let after_block = line_of(IAM_YAML, "- name: After_Bot");
    assert!(
        numbered("yaml/iam.yaml", after_block).iter().any(|l| l == "- name: After_Bot"),
        "line {after_block} is not numbered {after_block}:\n{human}"
    );
    let first = line_of(IAM_YAML, "password: |") + 1;
    assert!(numbered("yaml/iam.yaml", first).iter().any(|l| l == "**************"), "{human}");
    let heredoc_end = line_of(MAIN_TF, "EOT") + 3;
    assert!(numbered("tf/main.tf", heredoc_end).iter().any(|l| l == "***"), "the heredoc keeps its lines:\n{human}");
    assert!(numbered("tf/main.tf", heredoc_end + 1).iter().any(|l| l == "}"), "{human}");
}

/// Every line a diff shows as old or context is the real file's line of that number, with
/// only secret characters starred: hunk headers count the real lines.
#[test]
fn diff_hunks_number_the_real_lines() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let out = iamlint(dir.path(), &["check", "--select", "ALL", "--diff", "--unsafe-fixes"]);
    let diff = stdout(&out);
    let mut file: Option<String> = None;
    let mut old_line = 0usize;
    let mut checked = 0;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("--- a/") {
            file = Some(std::fs::read_to_string(dir.path().join(path)).unwrap());
        } else if line.starts_with("+++ ") {
        } else if let Some(header) = line.strip_prefix("@@ -") {
            old_line = header.split([',', ' ']).next().unwrap().parse().unwrap();
        } else if let Some(shown) = line.strip_prefix(' ').or_else(|| line.strip_prefix('-')) {
            let real = file.as_ref().unwrap().lines().nth(old_line - 1).unwrap_or("");
            let same = shown.chars().count() == real.chars().count()
                && shown.chars().zip(real.chars()).all(|(s, r)| s == r || s == '*');
            assert!(same, "diff line {old_line} `{shown}` is not the file's `{real}`:\n{diff}");
            old_line += 1;
            checked += 1;
        }
    }
    assert!(checked > 20, "{diff}");
}

/// The library view, independent of which lines a snippet happens to show: the text every
/// renderer shows of every planted file holds no character of a secret, and keeps the
/// file's lines and byte offsets.
#[test]
fn shown_text_of_every_file_has_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let options = Options {
        paths: vec![dir.path().to_path_buf()],
        selection: Selection { select: Some(vec!["ALL".into()]), ..Selection::default() },
        ..Options::default()
    };
    let outcome = lint::run(&options).unwrap();
    assert!(outcome.ws.sources.iter().count() >= 14);
    for (_, file) in outcome.ws.sources.iter() {
        let shown = file.shown_text();
        assert_no_secret(&shown, &format!("the shown text of {}", file.display));
        assert_eq!(shown.len(), file.text.len(), "{}", file.display);
        assert_eq!(shown.lines().count(), file.text.lines().count(), "{}", file.display);
    }
}

/// The library view: every copy a plan makes of a sensitive value is starred in the text
/// that snippets show, not only the one IAM601 reports.
#[test]
fn every_copy_in_a_plan_is_starred() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "plan.json", PLAN);
    write(dir.path(), "one-line/plan.json", &PLAN.replace('\n', " "));
    let options = Options {
        paths: vec![dir.path().to_path_buf()],
        selection: Selection { select: Some(vec!["ALL".into()]), ..Selection::default() },
        ..Options::default()
    };
    let outcome = lint::run(&options).unwrap();
    for (_, file) in outcome.ws.sources.iter() {
        let shown = file.shown_text();
        assert_no_secret(&shown, &format!("the shown text of {}", file.display));
        assert_eq!(shown.lines().count(), file.text.lines().count());
        assert_eq!(shown.len(), file.text.len(), "{}", file.display);
    }
    let full_token = outcome.findings.iter().filter(|f| f.code == "IAM601" && f.message.contains("full_token")).count();
    assert_eq!(full_token, 2, "the plan's `full_token` is a credential, once per plan");
}

/// A file that does not parse has no credential detector: its snippet is starred lexically
/// where the value can be delimited, and starred out entirely (position, message and a word
/// why) when something credential-like is left that cannot be.
#[test]
fn broken_files_show_positions_and_no_secret() {
    let dir = tempfile::tempdir().unwrap();
    plant(dir.path());
    let out = iamlint(dir.path(), &["check", "--select", "IAM001", "broken", "utf8"]);
    let human = stdout(&out);
    assert_no_secret(&human, "IAM001 snippets");
    // Delimited: the snippet is kept, the value starred.
    assert!(human.contains("3 │     password: **************\n"), "{human}");
    assert!(human.contains("1 │ kestra_password = \"**************\"\n"), "{human}");
    assert!(human.contains("\"password\": \"**************\", }]}"), "{human}");
    // `resource "kestra_user_password"` names a credential the pass cannot delimit.
    for path in ["broken/tf/main.tf:4:10", "utf8/main.tf:3:15"] {
        let report = human.split("IAM001").find(|r| r.contains(path)).unwrap_or_else(|| panic!("{path}:\n{human}"));
        assert!(!report.contains("resource") && !report.contains("user_id"), "{report}");
        assert!(report.contains("its source is starred out"), "{report}");
    }
    let out = iamlint(dir.path(), &["check", "--select", "IAM001", "--format", "json", "broken", "utf8"]);
    assert_no_secret(&stdout(&out), "IAM001 as JSON");
    assert_eq!(stdout(&out).matches("\"code\": \"IAM001\"").count(), 10, "{}", stdout(&out));
}

#[test]
fn a_name_suggested_from_a_secret_is_starred_too() {
    // The name is the account's password: a suggestion that lowercases it and splits its
    // words (`name-secret-kk77-oo`) still spells the secret.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "named.yaml",
        "serviceAccounts:\n  - name: NameSecretKk77Oo\n    description: x\n    groups: [bots]\n    password: NameSecretKk77Oo\ngroups:\n  - name: bots\n    description: x\n",
    );
    git(d, &["init", "-q"]);
    for args in [
        &["check", "--format", "json", "."][..],
        &["check", "--format", "human", "."],
        &["check", "--diff", "--unsafe-fixes", "."],
    ] {
        let out = iamlint(d, args);
        let all = format!("{}{}", stdout(&out), stderr(&out)).to_ascii_lowercase().replace(['-', '_'], "");
        assert!(!all.contains("namesecret") && !all.contains("kk77oo"), "{args:?}: {all}");
    }
}
