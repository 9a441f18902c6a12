//! `--fix` on untrusted input (SPEC 4 "Fix safety", 5, 6): a fix replaces exactly the value
//! it fixes, in every YAML scalar style and HCL string form, and writes what the target
//! reads back as the intended string; a run's writes are staged and renamed together;
//! read-only files and symlinks out of the workspace are reported, never written.

mod common;
use common::*;
use std::path::Path;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// `iamlint check --fix .` in a workspace of `files`; the texts afterwards.
fn fixed(files: &[(&str, &str)]) -> (std::process::Output, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        write(dir.path(), name, text);
    }
    let out = iamlint(dir.path(), &["check", "--fix", "."]);
    let texts = files.iter().map(|(name, _)| read(dir.path(), name)).collect();
    (out, texts)
}

/// The string an HCL attribute of the first block holds, if it is a quoted string.
fn hcl_string(text: &str, block: usize, key: &str) -> Option<String> {
    let body = hcl_edit::parser::parse_body(text).expect("fixed Terraform parses");
    let block = body.blocks().nth(block)?;
    match &block.body.get_attribute(key)?.value {
        hcl_edit::expr::Expression::String(s) => Some(s.value().clone()),
        _ => None,
    }
}

#[test]
fn yaml_block_scalar_fixes_touch_only_the_scalar() {
    // The case: the fix replaced everything up to the next section.
    let before = "serviceAccounts:\n  - name: >-\n      Bad_Name\n    description: keep me\n    groups: [bots]\n    apiTokens:\n      - name: tok\n        maxAge: |\n          30d\n        extended: false\ngroups:\n  - name: bots\n";
    let after = "serviceAccounts:\n  - name: >-\n      bad-name\n    description: keep me\n    groups: [bots]\n    apiTokens:\n      - name: tok\n        maxAge: P30D\n        extended: false\ngroups:\n  - name: bots\n";
    let (out, texts) = fixed(&[("iam.yaml", before)]);
    assert_eq!(texts[0], after, "{}", stderr(&out));
}

#[test]
fn yaml_scalar_styles_keep_anchors_tags_comments_and_neighbours() {
    let before = "\
groups:
  - name: bots
serviceAccounts:
  - name: &one 'Bad_One'  # c1
    groups: [bots]
  - {name: Bad_Two, groups: [bots]}
  - name: !!str Bad_Three
    groups: [bots]
  - name: |2
       Bad_Four
    groups: [bots]
  - name: \"Bad_\\
      Five\"
    groups: [bots]
  - name: | # c6
      Bad_Six
    groups: [bots]
  - name: >+
      Bad_Seven

    groups: [bots]
";
    let after = "\
groups:
  - name: bots
serviceAccounts:
  - name: &one 'bad-one'  # c1
    groups: [bots]
  - {name: bad-two, groups: [bots]}
  - name: !!str bad-three
    groups: [bots]
  - name: bad-four
    groups: [bots]
  - name: \"bad-five\"
    groups: [bots]
  - name: bad-six # c6
    groups: [bots]
  - name: bad-seven

    groups: [bots]
";
    let (out, texts) = fixed(&[("iam.yaml", before)]);
    assert_eq!(texts[0], after, "{}", stderr(&out));
}

#[test]
fn terraform_heredoc_names_become_quoted_strings() {
    let before = "\
resource \"kestra_service_account\" \"sa\" {
  name = <<EOT
Bad_Name
EOT
  description = \"x\"
}

resource \"kestra_service_account_api_token\" \"t\" {
  service_account_id = kestra_service_account.sa.id
  name = <<-EOT
    Deploy_Token
    EOT
  max_age = \"P30D\"
}
";
    let after = "\
resource \"kestra_service_account\" \"sa\" {
  name = \"bad-name\"
  description = \"x\"
}

resource \"kestra_service_account_api_token\" \"t\" {
  service_account_id = kestra_service_account.sa.id
  name = \"deploy-token\"
  max_age = \"P30D\"
}
";
    let (out, texts) = fixed(&[("main.tf", before)]);
    assert_eq!(texts[0], after, "{}", stderr(&out));
    assert_eq!(hcl_string(&texts[0], 0, "name").as_deref(), Some("bad-name"));
    assert_eq!(hcl_string(&texts[0], 1, "name").as_deref(), Some("deploy-token"));
}

#[test]
fn iam204_on_a_heredoc_names_the_trailing_line_break() {
    let text = "\
resource \"kestra_service_account\" \"sa\" {
  name = \"ci\"
}

resource \"kestra_service_account_api_token\" \"t\" {
  service_account_id = kestra_service_account.sa.id
  name = \"deploy\"
  max_age = <<EOT
P30D
EOT
}
";
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", text);
    let out = iamlint(dir.path(), &["check", "--select", "IAM204", "--format", "concise", "."]);
    let report = stdout(&out);
    assert!(report.contains("IAM204"), "{report}");
    assert!(!report.contains("years or months"), "{report}");
    assert!(report.contains("line break"), "{report}");
    let out = iamlint(dir.path(), &["check", "--select", "IAM204", "--fix", "."]);
    let fixed = read(dir.path(), "main.tf");
    assert!(fixed.contains("  max_age = \"P30D\"\n}\n"), "{}\n{fixed}", stderr(&out));
    assert_eq!(hcl_string(&fixed, 1, "max_age").as_deref(), Some("P30D"));
}

#[test]
fn a_name_built_by_a_template_gets_no_fix() {
    let text = "\
variable \"team\" {
  default = \"Data\"
}

resource \"kestra_service_account\" \"sa\" {
  name = \"${var.team}_Bot\"
}
";
    let (_, texts) = fixed(&[("main.tf", text)]);
    assert_eq!(texts[0], text);
}
