//! `--fix` on untrusted input: a fix replaces exactly the value
//! it fixes, in every YAML scalar style and HCL string form, and writes what the target
//! reads back as the intended string; a run's writes are staged and renamed together;
//! read-only files and symlinks out of the workspace are reported, never written.

use crate::common;
use common::*;
use iamlint::fix;
use iamlint::lint::{self, Options};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
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
    let out = iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
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
    let out = iamlint(dir.path(), &["check", "--select", "IAM204", "--fix", "--unsafe-fixes", "."]);
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

/// Two files renamed together, where staging the second fails for real: a file-size limit
/// (`ulimit -f`, which binds root too) lets the small first file be written and not the
/// large second one. Before staging, the first file was renamed and the second was not.
#[test]
fn a_rename_whose_second_file_cannot_be_staged_writes_neither() {
    let dir = tempfile::tempdir().unwrap();
    let accounts = "groups:\n  - name: bots\nserviceAccounts:\n  - name: CI_Bot\n    groups: [bots]\n";
    let padding = format!("# {}\n", "x".repeat(2000));
    let bindings = format!(
        "{padding}roles:\n  - name: viewer\n    namespace: team\n    permissions:\n      FLOW: [VIEW]\nbindings:\n  - type: GROUP\n    externalId: bots\n    roleId: viewer\n    namespace: team\n  - type: USER\n    externalId: CI_Bot\n    roleId: viewer\n    namespace: team\n"
    );
    write(dir.path(), "a.yaml", accounts);
    write(dir.path(), "b.yaml", &bindings);
    // The rename is one fix over both files.
    let diff = stdout(&iamlint(dir.path(), &["check", "--diff", "--unsafe-fixes", "."]));
    assert!(diff.contains("+  - name: ci-bot") && diff.contains("+    externalId: ci-bot"), "{diff}");
    // 1 KiB: a.yaml fits, b.yaml does not. SIGXFSZ is ignored so that the write fails
    // with EFBIG instead of killing iamlint.
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 1; exec \"$0\" check --fix --unsafe-fixes .",
            env!("CARGO_BIN_EXE_iamlint"),
        ])
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("b.yaml"), "{}", stderr(&out));
    assert_eq!(read(dir.path(), "a.yaml"), accounts, "the first file was written alone");
    assert_eq!(read(dir.path(), "b.yaml"), bindings);
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left.len(), 2, "temporary files left: {left:?}");
}

const BAD: &str = "groups:\n  - name: bots\nserviceAccounts:\n  - name: CI_Bot\n    groups: [bots]\n";
const GOOD: &str = "groups:\n  - name: bots\nserviceAccounts:\n  - name: ci-bot\n    groups: [bots]\n";

#[test]
fn a_fixed_file_keeps_its_mode_and_owner() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", BAD);
    let path = dir.path().join("iam.yaml");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    // Tests run as root: hand the file to another owner, as a checkout by a CI user would be.
    let chowned = std::os::unix::fs::chown(&path, Some(4321), Some(4321)).is_ok();
    let out = iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(read(dir.path(), "iam.yaml"), GOOD, "{}", stderr(&out));
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!(meta.mode() & 0o7777, 0o640);
    if chowned {
        assert_eq!((meta.uid(), meta.gid()), (4321, 4321));
    }
}

#[test]
fn a_read_only_file_is_reported_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", BAD);
    write(dir.path(), "b.yaml", &BAD.replace("CI_Bot", "Other_Bot"));
    let b = dir.path().join("b.yaml");
    std::fs::set_permissions(&b, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("b.yaml") && stderr(&out).contains("read-only"), "{}", stderr(&out));
    assert_eq!(read(dir.path(), "a.yaml"), BAD);
    assert_eq!(read(dir.path(), "b.yaml"), BAD.replace("CI_Bot", "Other_Bot"));
}

/// A workspace file that is a symlink to a file outside: whether discovery skips it or
/// the write refuses it, the outside file is never written, nor a temporary file beside it.
#[test]
fn fix_never_writes_through_a_symlink_out_of_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("victim.yaml");
    std::fs::write(&target, BAD).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("iam.yaml")).unwrap();
    write(dir.path(), "other.yaml", "groups:\n  - name: team\n");
    let out = iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(std::fs::read_to_string(&target).unwrap(), BAD, "{}", stderr(&out));
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
}

/// The write-time defence on its own: the file was a regular file when linted and is
/// swapped for a symlink to an identical file outside before the write.
#[test]
fn a_file_swapped_for_a_symlink_out_of_the_workspace_is_not_written() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", BAD);
    let options = Options { paths: vec![dir.path().to_path_buf()], ..Options::default() };
    let fixed = fix::fix(lint::run(&options).unwrap(), &options, &|_, f| f, iamlint::fix::Applies::All);
    assert_eq!(fixed.changed().len(), 1);
    let target = outside.path().join("victim.yaml");
    std::fs::write(&target, BAD).unwrap();
    std::fs::remove_file(dir.path().join("iam.yaml")).unwrap();
    std::os::unix::fs::symlink(&target, dir.path().join("iam.yaml")).unwrap();
    let messages = fix::write(&fixed).unwrap_err().join("\n");
    assert!(messages.contains("iam.yaml") && messages.contains("symlink to outside the workspace"), "{messages}");
    assert_eq!(std::fs::read_to_string(&target).unwrap(), BAD);
    assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
}

/// IAM201 inserts `max_age` after the token's name: after its value's last line, not inside
/// a block scalar or a heredoc (where the line became part of the name, ten times over).
#[test]
fn an_inserted_field_goes_after_a_multi_line_value() {
    let yaml = "groups:\n  - name: bots\nserviceAccounts:\n  - name: ci\n    groups: [bots]\n    apiTokens:\n      - name: >-\n          tok\n        extended: false\n";
    let yaml_after = "groups:\n  - name: bots\nserviceAccounts:\n  - name: ci\n    groups: [bots]\n    apiTokens:\n      - name: >-\n          tok\n        maxAge: P90D\n        extended: false\n";
    let tf = "resource \"kestra_service_account\" \"sa\" {\n  name = \"ci\"\n}\n\nresource \"kestra_service_account_api_token\" \"t\" {\n  service_account_id = kestra_service_account.sa.id\n  name = <<EOT\ndeploy\nEOT\n}\n";
    let tf_after = "resource \"kestra_service_account\" \"sa\" {\n  name = \"ci\"\n}\n\nresource \"kestra_service_account_api_token\" \"t\" {\n  service_account_id = kestra_service_account.sa.id\n  name = <<EOT\ndeploy\nEOT\n  max_age = \"P90D\"\n}\n";
    for (name, before, after) in [("iam.yaml", yaml, yaml_after), ("main.tf", tf, tf_after)] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), name, before);
        let out = iamlint(dir.path(), &["check", "--select", "IAM201", "--fix", "--unsafe-fixes", "."]);
        assert_eq!(read(dir.path(), name), after, "{}", stderr(&out));
    }
}

/// IAM402 removes a personal field written as a block scalar: its lines, not the next key.
#[test]
fn a_removed_block_scalar_field_takes_only_its_lines() {
    let before = "groups:\n  - name: bots\nserviceAccounts:\n  - name: ci\n    email: |\n      ci@example.com\n    groups: [bots]\n";
    let after = "groups:\n  - name: bots\nserviceAccounts:\n  - name: ci\n    groups: [bots]\n";
    let (out, texts) = fixed(&[("iam.yaml", before)]);
    assert_eq!(texts[0], after, "{}", stderr(&out));
}
