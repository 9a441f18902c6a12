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

/// A root output that unwraps a sensitive module output with `nonsensitive()` prints the
/// token; reading it plainly does not (Terraform refuses a non-sensitive output then).
/// The fix hides the output and leaves `nonsensitive()` alone.
#[test]
fn nonsensitive_module_output_is_a_token_output() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "modules/bot/main.tf",
        "variable \"name\" {\n  type = string\n}\n\nresource \"kestra_service_account\" \"bot\" {\n  name = var.name\n}\n\n\
         resource \"kestra_service_account_api_token\" \"t\" {\n  service_account_id = kestra_service_account.bot.id\n  \
         name               = \"${var.name}-ci\"\n  max_age            = \"P30D\"\n}\n",
    );
    write(
        d,
        "modules/bot/outputs.tf",
        "output \"token\" {\n  value     = kestra_service_account_api_token.t.full_token\n  sensitive = true\n}\n\n\
         output \"id\" {\n  value = kestra_service_account.bot.id\n}\n",
    );
    write(d, "envs/prod/main.tf", "module \"bot\" {\n  source = \"../../modules/bot\"\n  name   = \"deployer\"\n}\n");
    write(d, "envs/prod/terraform.tfvars", "region = \"eu\"\n");
    let outputs = "output \"t\" {\n  value = nonsensitive(module.bot.token)\n}\n\n\
                   output \"t_plain\" {\n  value = module.bot.token\n}\n\n\
                   output \"bot_id\" {\n  value = module.bot.id\n}\n";
    write(d, "envs/prod/outputs.tf", outputs);

    let check = iamlint(d, &["check", "--select", "IAM602", "--format", "concise", "."]);
    let text = stdout(&check);
    let lines: Vec<&str> = text.lines().filter(|l| l.contains("IAM602")).collect();
    assert_eq!(lines.len(), 1, "{text}");
    assert!(lines[0].starts_with("envs/prod/outputs.tf:1:1:"), "{}", lines[0]);
    assert!(lines[0].contains("module.bot.kestra_service_account_api_token.t"), "{}", lines[0]);
    let human = iamlint(d, &["check", "--select", "IAM602", "."]);
    assert!(stdout(&human).contains("module output `token` is sensitive"), "{}", stdout(&human));

    let fix = iamlint(d, &["check", "--select", "IAM602", "--fix", "."]);
    assert_eq!(fix.status.code(), Some(0), "{}", stdout(&fix));
    let fixed = std::fs::read_to_string(d.join("envs/prod/outputs.tf")).unwrap();
    let expected = outputs.replacen(
        "nonsensitive(module.bot.token)\n}",
        "nonsensitive(module.bot.token)\n  sensitive = true\n}",
        1,
    );
    assert_eq!(fixed, expected);
    hcl_edit::parser::parse_body(&fixed).unwrap_or_else(|e| panic!("{e}\n{fixed}"));
}
