//! IAM502 and IAM503 fixes applied: the edited file is what a person would write, keeps
//! its comments and layout, re-parses, and no longer has the finding.

use iamlint::lint::{self, Options};
use iamlint::select::Selection;
use std::path::Path;

/// Lints one file alone with one rule; returns the messages and the file fixed by every
/// fix offered (edits never overlap).
fn fix(name: &str, text: &str, code: &str) -> (Vec<String>, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    let outcome = lint(dir.path(), code);
    let mut edits: Vec<_> =
        outcome.findings.iter().filter_map(|f| f.fix.as_ref()).flat_map(|f| f.edits.iter().cloned()).collect();
    edits.sort();
    assert!(edits.windows(2).all(|w| w[0].span.end <= w[1].span.start), "overlapping edits: {edits:?}");
    let mut fixed = text.to_string();
    for e in edits.iter().rev() {
        fixed.replace_range(e.span.start..e.span.end, &e.replacement);
    }
    (outcome.findings.iter().map(|f| f.message.clone()).collect(), fixed)
}

fn lint(dir: &Path, code: &str) -> lint::Outcome {
    let options = Options {
        paths: vec![dir.to_path_buf()],
        selection: Selection { select: Some(vec![code.to_string()]), ..Selection::default() },
        ..Options::default()
    };
    lint::run(&options).unwrap()
}

/// The fixed text parses and is clean for IAM001, IAM502 and IAM503.
fn assert_clean(name: &str, text: &str) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    for code in ["IAM001", "IAM002", "IAM502", "IAM503"] {
        let outcome = lint(dir.path(), code);
        assert!(outcome.findings.is_empty(), "{code} after the fix: {:?}\n{text}", outcome.findings);
    }
}

#[test]
fn terraform_blocks_migrate_like_the_provider_guide() {
    let before = r#"resource "kestra_role" "developer" {
  name = "Developer"

  # Flows of every team.
  permissions {
    type        = "FLOW"
    permissions = ["READ", "CREATE", "UPDATE", "DELETE"]
  }

  permissions {
    type        = "EXECUTION"
    permissions = [
      "READ",
      "UPDATE",
    ]
  }

  permissions {
    type        = "SETTING"
    permissions = ["READ", "UPDATE"]
  }

  permissions {
    type        = "TEMPLATE"
    permissions = ["READ", "UPDATE"]
  }
}
"#;
    let after = r#"resource "kestra_role" "developer" {
  name = "Developer"

  # Flows of every team.
  resources {
    type        = "FLOW"
    actions = ["VIEW", "LIST", "EXPORT", "CREATE", "IMPORT", "UPDATE", "EXECUTE", "DISABLE", "ENABLE", "VALIDATE", "DELETE"]
  }

  resources {
    type        = "EXECUTION"
    actions = [
      "VIEW",
      "LIST",
      "ACCESS_LOGS",
      "ACCESS_OUTPUTS",
      "ACCESS_FILES",
      "EXPORT",
      "FOLLOW",
      "UPDATE",
      "RESTART",
      "KILL",
      "REPLAY",
      "PAUSE",
      "RESUME",
      "CHANGE_LABELS",
      "UNQUEUE",
      "FORCE_RUN",
    ]
  }

  resources {
    type        = "SYSTEM_SETTINGS"
    actions = ["VIEW", "UPDATE"]
  }

  resources {
    type    = "TENANT_SETTINGS"
    actions = ["VIEW", "UPDATE"]
  }

}
"#;
    let (_, fixed) = fix("roles.tf", before, "IAM503");
    assert_eq!(fixed, after);
    assert_clean("roles.tf", &fixed);
    // Applying the fix again changes nothing: the role is no longer legacy.
    assert_eq!(fix("roles.tf", &fixed, "IAM503").1, fixed);
}

#[test]
fn a_role_already_in_2_0_terms_only_loses_read() {
    let before = "resource \"kestra_role\" \"viewer\" {\n  name = \"viewer\"\n\n  resources {\n    type    = \"FLOW\"\n    actions = [\"READ\", \"CREATE\", \"EXECUTE\"]\n  }\n}\n";
    let (_, fixed) = fix("roles.tf", before, "IAM503");
    assert!(fixed.contains("actions = [\"VIEW\", \"LIST\", \"EXPORT\", \"CREATE\", \"EXECUTE\"]"), "{fixed}");
    assert_clean("roles.tf", &fixed);
}

#[test]
fn manifest_types_merge_into_their_successor_and_keep_layout() {
    let before = "roles:
  - name: team-admin
    namespace: company.team
    permissions:
      GROUP: [READ, UPDATE]   # who is in the team
      GROUP_MEMBERSHIP: [CREATE, UPDATE]
      APPEXECUTION:
        - READ
        - UPDATE
      AI_COPILOT: READ
      SETTING: [READ]
serviceAccounts: []
";
    let after = "roles:
  - name: team-admin
    namespace: company.team
    permissions:
      GROUP: [VIEW, LIST, UPDATE, MANAGE_MEMBERS, CREATE]   # who is in the team
      APP:
        - VIEW
        - LIST
        - UPDATE
        - EXECUTE
        - ACCESS_FILES
        - ACCESS_LOGS
      COPILOT: [USE]
      SYSTEM_SETTINGS: [VIEW]
      TENANT_SETTINGS: [VIEW]
serviceAccounts: []
";
    let (_, fixed) = fix("iam.yaml", before, "IAM503");
    assert_eq!(fixed, after);
    assert_clean("iam.yaml", &fixed);
}

/// Kestra's 2.0 guide said to grant USER: IMPERSONATE by hand; 2.1 rejects that action in
/// a role (impersonation is the Instance Owner's), so the role is left for a person to
/// decide, and the help says why.
#[test]
fn impersonate_has_no_successor_and_the_role_is_not_rewritten() {
    let before = "roles:\n  - name: support\n    permissions:\n      IMPERSONATE: [READ]\n      TEMPLATE: [READ]\n      FLOW: [READ]\n";
    let (_, fixed) = fix("iam.yaml", before, "IAM503");
    assert_eq!(fixed, before);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("iam.yaml"), before).unwrap();
    let outcome = lint(dir.path(), "IAM503");
    let help = outcome.findings[0].help.as_deref().unwrap_or_default();
    assert!(
        help.contains("type IMPERSONATE has no Kestra 2.x successor") && help.contains("Instance Owners"),
        "{help}"
    );
    assert!(!help.contains("USER: [IMPERSONATE]"), "{help}");
}

#[test]
fn json_is_fixed_in_place_when_no_entry_moves() {
    let before = "{\"roles\": [{\"name\": \"auditor\", \"permissions\": {\"AUDITLOG\": [\"READ\"], \"FLOW\": [\"READ\", \"UPDATE\"]}}]}\n";
    let (_, fixed) = fix("iam.json", before, "IAM503");
    assert_eq!(
        fixed,
        "{\"roles\": [{\"name\": \"auditor\", \"permissions\": {\"AUDITLOG\": [\"VIEW\", \"LIST\", \"EXPORT\"], \"FLOW\": [\"VIEW\", \"LIST\", \"EXPORT\", \"UPDATE\", \"EXECUTE\", \"DISABLE\", \"ENABLE\", \"VALIDATE\"]}}]}\n"
    );
    assert_clean("iam.json", &fixed);
    // Dropping an entry would leave a comma to fix by hand: no fix then.
    let dropping =
        "{\"roles\": [{\"name\": \"a\", \"permissions\": {\"TEMPLATE\": [\"READ\"], \"FLOW\": [\"READ\"]}}]}\n";
    let (messages, fixed) = fix("iam.json", dropping, "IAM503");
    assert_eq!(messages.len(), 1);
    assert_eq!(fixed, dropping);
}

#[test]
fn no_fix_without_a_successor_or_with_unknown_values() {
    for (name, text) in [
        ("iam.yaml", "roles:\n  - name: me\n    permissions:\n      ME: [READ]\n      FLOW: [READ]\n"),
        ("iam.yaml", "roles:\n  - name: typo\n    permissions:\n      FLOW: [READ, EXECUTON]\n"),
        (
            "roles.tf",
            "resource \"kestra_role\" \"r\" {\n  name = \"r\"\n  permissions {\n    type        = var.t\n    permissions = [\"READ\"]\n  }\n}\n",
        ),
    ] {
        let (messages, fixed) = fix(name, text, "IAM503");
        assert_eq!(messages.len(), 1, "{text}");
        assert_eq!(fixed, text, "a fix was offered for {text}");
    }
}

#[test]
fn unknown_permissions_are_replaced_by_the_only_suggestion() {
    let before =
        "roles:\n  - name: op\n    permissions:\n      EXECUTON: [VIEW, kill, RESTRT]\n      \"FLOWS\": [\"VIEW\"]\n";
    let (messages, fixed) = fix("iam.yaml", before, "IAM502");
    assert_eq!(messages.len(), 4, "{messages:?}");
    assert_eq!(
        fixed,
        "roles:\n  - name: op\n    permissions:\n      EXECUTION: [VIEW, KILL, RESTART]\n      \"FLOW\": [\"VIEW\"]\n"
    );
    assert_clean("iam.yaml", &fixed);
}
