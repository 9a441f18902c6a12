//! IAM602's fix puts `sensitive = true` inside the output block whatever its layout, and the
//! summary's "fixable" count is what `--diff` then applies.

use crate::common;
use common::*;

const TOKENS_TF: &str = r#"resource "kestra_user_api_token" "jane" {
  user_id     = "4by6NvSLcPXFhCj8nwbZOM"
  name        = "jane-cli"
  description = "Jane's CLI"
  max_age     = "P7D"
}
"#;

/// Every layout an output is written in, and what the fix makes of it.
const LAYOUTS: [(&str, &str); 7] = [
    (
        "output \"one_line\" { value = kestra_user_api_token.jane.full_token }\n",
        "output \"one_line\" {\n  value = kestra_user_api_token.jane.full_token\n  sensitive = true\n}\n",
    ),
    (
        "output \"one_line_comment\" { value = kestra_user_api_token.jane.full_token } # read by CI\n",
        "output \"one_line_comment\" {\n  value = kestra_user_api_token.jane.full_token\n  sensitive = true\n} # read by CI\n",
    ),
    (
        "  output \"indented_tight\" {value=kestra_user_api_token.jane.full_token}\n",
        "  output \"indented_tight\" {\n    value=kestra_user_api_token.jane.full_token\n    sensitive = true\n  }\n",
    ),
    (
        "output \"nested{braces}\" { value = { token = kestra_user_api_token.jane.full_token, id = \"}\" } }\n",
        "output \"nested{braces}\" {\n  value = { token = kestra_user_api_token.jane.full_token, id = \"}\" }\n  sensitive = true\n}\n",
    ),
    (
        "output \"multi_line\" {\n  value = kestra_user_api_token.jane.full_token # the token\n}\n",
        "output \"multi_line\" {\n  value = kestra_user_api_token.jane.full_token # the token\n  sensitive = true\n}\n",
    ),
    (
        "output \"object\" {\n  value = {\n    token = kestra_user_api_token.jane.full_token\n  }\n  description = \"For the CLI\"\n}\n",
        "output \"object\" {\n  value = {\n    token = kestra_user_api_token.jane.full_token\n  }\n  sensitive = true\n  description = \"For the CLI\"\n}\n",
    ),
    (
        "output \"explicit_false\" {\n  value     = kestra_user_api_token.jane.full_token\n  sensitive = false # review\n}\n",
        "output \"explicit_false\" {\n  value     = kestra_user_api_token.jane.full_token\n  sensitive = true # review\n}\n",
    ),
];

#[test]
fn sensitive_goes_inside_every_output_layout() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "terraform/iam/tokens.tf", TOKENS_TF);
    write(d, "terraform/envs/prod/terraform.tfvars", "region = \"eu\"\n");
    let source: String = LAYOUTS.iter().map(|(before, _)| format!("{before}\n")).collect();
    let expected: String = LAYOUTS.iter().map(|(_, after)| format!("{after}\n")).collect();
    write(d, "terraform/iam/outputs.tf", &source);

    let check = iamlint(d, &["check", "--select", "IAM602", "terraform"]);
    assert!(stderr(&check).contains(&format!("{} fixable with `--fix`", LAYOUTS.len())), "{}", stderr(&check));
    let diff = iamlint(d, &["check", "--select", "IAM602", "--diff", "terraform"]);
    assert!(
        stderr(&diff).contains(&format!("Would fix {} problems in 1 file.", LAYOUTS.len())),
        "the summary and --diff disagree: {}",
        stderr(&diff)
    );
    let out = iamlint(d, &["check", "--select", "IAM602", "--fix", "terraform"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let fixed = std::fs::read_to_string(d.join("terraform/iam/outputs.tf")).unwrap();
    assert_eq!(fixed, expected);
    hcl_edit::parser::parse_body(&fixed).unwrap_or_else(|e| panic!("{e}\n{fixed}"));
    let again = iamlint(d, &["check", "--select", "ALL", "--format", "concise", "terraform"]);
    assert!(!stdout(&again).contains("IAM001") && !stdout(&again).contains("IAM602"), "{}", stdout(&again));
}
