//! Inline suppressions: every form docs/suppressions.md names, the policy options (reasons, expiry,
//! unsuppressible rules), and IAM900's report and fix.

use crate::common;
use common::*;
use iamlint::fix;
use iamlint::lint::{self, Options};
use iamlint::render::{self, OutputFormat, RenderOptions};
use iamlint::select::Selection;
use iamlint::suppress::{self, Date};
use std::path::Path;

fn options(dir: &Path) -> Options {
    Options { paths: vec![dir.to_path_buf()], ..Options::default() }
}

/// `path:line:col: CODE message` lines, paths relative to `dir`.
fn lint_with(dir: &Path, options: &Options) -> Vec<String> {
    let outcome = lint::run(options).unwrap();
    let text = render::render(
        OutputFormat::Concise,
        &outcome.ws,
        &outcome.findings,
        &RenderOptions { files: outcome.files, ..RenderOptions::new(&iamlint::catalogue::Catalogue::builtin()) },
    );
    let prefix = format!("{}/", dir.display());
    text.lines().map(|l| l.replace(&prefix, "")).collect()
}

fn lint(dir: &Path) -> Vec<String> {
    lint_with(dir, &options(dir))
}

fn codes(lines: &[String]) -> Vec<String> {
    lines.iter().map(|l| format!("{}:{}", l.split(':').nth(1).unwrap(), l.split_whitespace().nth(1).unwrap())).collect()
}

const TOKEN_TF: &str = "resource \"kestra_service_account_api_token\" \"t\" {\n  service_account_id = \"68xAawPfiJPkTkZJIPX6jQ\"\n  name               = \"deploy\"\n  max_age            = \"P400D\"\n  extended           = true\n}\n";

#[test]
fn without_suppressions_the_fixture_findings_are_there() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.tf", TOKEN_TF);
    assert_eq!(codes(&lint(dir.path())), ["4:IAM202", "5:IAM203"]);
}

#[test]
fn above_an_object_covers_the_whole_object() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("# iamlint-ignore: IAM202, IAM203 -- legacy token, tracked in OPS-1\n{TOKEN_TF}");
    write(dir.path(), "t.tf", &text);
    assert_eq!(lint(dir.path()), Vec::<String>::new());
    // Stacked comments: the directive still reaches the object below them.
    let text = format!("# iamlint-ignore: IAM202 -- legacy\n# owned by the platform team\n{TOKEN_TF}");
    write(dir.path(), "t.tf", &text);
    assert_eq!(codes(&lint(dir.path())), ["7:IAM203"]);
}

#[test]
fn above_a_field_covers_that_line_only() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        TOKEN_TF.replace("  extended", "  # iamlint-ignore: IAM202, IAM203 -- sliding expiry wanted\n  extended");
    write(dir.path(), "t.tf", &text);
    let out = lint(dir.path());
    // IAM203 is silenced on its line; IAM202 is on another line, so it is still reported,
    // and the directive's IAM202 silenced nothing.
    assert_eq!(codes(&out), ["4:IAM202", "5:IAM900"]);
    assert!(out[1].contains("unused suppression: IAM202 silences nothing here"), "{out:?}");
}

#[test]
fn end_of_line_forms_with_hash_and_double_slash() {
    let dir = tempfile::tempdir().unwrap();
    let text = TOKEN_TF
        .replace("\"P400D\"", "\"P400D\" # iamlint-ignore: IAM202 -- yearly rotation")
        .replace("= true", "= true // iamlint-ignore: IAM203 -- reason");
    write(dir.path(), "t.tf", &text);
    assert_eq!(lint(dir.path()), Vec::<String>::new());
    // At the end of the object's first line, it covers the whole object.
    let text = TOKEN_TF.replace("\"t\" {", "\"t\" { // iamlint-ignore: IAM202, IAM203 -- reason");
    write(dir.path(), "t.tf", &text);
    assert_eq!(lint(dir.path()), Vec::<String>::new());
}

#[test]
fn yaml_list_items_fields_and_names_instead_of_codes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "serviceAccounts:\n  # iamlint-ignore: service-account-missing-group, IAM101 -- bootstrap\n  - name: Bootstrap_Bot\n    apiTokens:\n      - name: t\n        maxAge: P400D  # iamlint-ignore: token-max-age-too-long -- reason\n        extended: true\n  - name: other\n";
    write(dir.path(), "iam.yaml", text);
    // IAM203 inside the covered object is not named: still reported; the second account
    // is outside the object: still reported.
    assert_eq!(codes(&lint(dir.path())), ["7:IAM203", "8:IAM401"]);
}

#[test]
fn file_level_suppression() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "t.tf", &format!("{TOKEN_TF}\n# iamlint-ignore-file: IAM203 -- sliding expiry is our policy\n"));
    write(dir.path(), "other.tf", &TOKEN_TF.replace("\"t\"", "\"u\""));
    assert_eq!(codes(&lint(dir.path())), ["4:IAM202", "5:IAM203", "4:IAM202"]);
}

#[test]
fn a_hash_inside_a_string_is_not_a_suppression() {
    let dir = tempfile::tempdir().unwrap();
    let tf = TOKEN_TF.replace("\"deploy\"", "\"deploy # iamlint-ignore: IAM202\"");
    write(dir.path(), "t.tf", &tf);
    let yaml = "serviceAccounts:\n  - name: ci\n    description: 'see # iamlint-ignore: IAM401'\n";
    write(dir.path(), "iam.yaml", yaml);
    let out = codes(&lint(dir.path()));
    assert!(out.contains(&"2:IAM401".to_string()), "{out:?}");
    assert!(out.contains(&"4:IAM202".to_string()), "{out:?}");
    assert!(!out.iter().any(|c| c.ends_with("IAM900")), "{out:?}");
}

#[test]
fn reasons_can_be_required() {
    let dir = tempfile::tempdir().unwrap();
    let text = TOKEN_TF
        .replace("\"P400D\"", "\"P400D\" # iamlint-ignore: IAM202")
        .replace("= true", "= true # iamlint-ignore: IAM203 -- agreed with security");
    write(dir.path(), "t.tf", &text);
    assert_eq!(lint(dir.path()), Vec::<String>::new());
    let strict =
        Options { suppress: suppress::Options { require_reason: true, ..Default::default() }, ..options(dir.path()) };
    let out = lint_with(dir.path(), &strict);
    assert_eq!(codes(&out), ["4:IAM202", "4:IAM900"]);
    assert!(out[1].contains("without a reason"), "{out:?}");
}

#[test]
fn expired_suppressions_stop_silencing() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("# iamlint-ignore: IAM202, IAM203 -- migration window, until 2027-03-31\n{TOKEN_TF}");
    write(dir.path(), "t.tf", &text);
    let on = |y, m, d| Options {
        suppress: suppress::Options { today: Some(Date { year: y, month: m, day: d }), ..Default::default() },
        ..options(dir.path())
    };
    assert_eq!(lint_with(dir.path(), &on(2027, 3, 31)), Vec::<String>::new(), "the last day still counts");
    let out = lint_with(dir.path(), &on(2027, 4, 1));
    assert_eq!(codes(&out), ["1:IAM900", "5:IAM202", "6:IAM203"]);
    assert!(out[0].contains("suppression expired on 2027-03-31"), "{out:?}");
}

#[test]
fn unsuppressible_rules_are_reported_with_the_suppression() {
    let dir = tempfile::tempdir().unwrap();
    let text = "groups:\n  - name: bots\nserviceAccounts:\n  - name: ops  # iamlint-ignore: IAM301 -- break-glass account\n    groups: [bots]\n    superAdmin: true\n";
    write(dir.path(), "iam.yaml", text);
    assert_eq!(lint(dir.path()), Vec::<String>::new());
    let regulated = Options {
        suppress: suppress::Options {
            unsuppressible: vec!["super-admin-service-account".into()],
            ..Default::default()
        },
        ..options(dir.path())
    };
    let out = lint_with(dir.path(), &regulated);
    assert_eq!(codes(&out), ["4:IAM900", "6:IAM301"]);
    assert!(out[0].contains("IAM301 cannot be suppressed"), "{out:?}");
}

#[test]
fn suppressions_of_rules_not_selected_are_judged_by_what_they_would_report() {
    let dir = tempfile::tempdir().unwrap();
    let text = "groups:\n  - name: bots\nserviceAccounts:\n  - name: lonely  # iamlint-ignore: IAM401 -- bootstrap\n  - name: grouped  # iamlint-ignore: IAM401 -- stale\n    groups: [bots]\n";
    write(dir.path(), "iam.yaml", text);
    let only_900 = Options {
        selection: Selection { select: Some(vec!["IAM900".into()]), ..Selection::default() },
        ..options(dir.path())
    };
    assert_eq!(codes(&lint_with(dir.path(), &only_900)), ["5:IAM900"]);
    // With IAM900 off, nothing about suppressions is reported.
    let without = Options {
        selection: Selection { ignore: vec!["IAM900".into()], ..Selection::default() },
        ..options(dir.path())
    };
    assert_eq!(lint_with(dir.path(), &without), Vec::<String>::new());
}

#[test]
fn iam900_fix_removes_unused_comments_and_codes() {
    let dir = tempfile::tempdir().unwrap();
    let text = "groups:\n  - name: bots\nserviceAccounts:\n  # iamlint-ignore: IAM401 -- stale\n  - name: ci  # iamlint-ignore: IAM999, IAM101 -- stale\n    groups: [bots]  # keep this comment\n    apiTokens:\n      - name: t\n        maxAge: P400D # iamlint-ignore: IAM203, IAM202 -- long-lived\n";
    write(dir.path(), "iam.yaml", text);
    let opts = options(dir.path());
    let outcome = lint::run(&opts).unwrap();
    let fixed = fix::fix(outcome, &opts, &|_, f| f, fix::Applies::All);
    let changed = fixed.changed();
    assert_eq!(changed.len(), 1);
    assert_eq!(
        changed[0].2,
        "groups:\n  - name: bots\nserviceAccounts:\n  - name: ci\n    groups: [bots]  # keep this comment\n    apiTokens:\n      - name: t\n        maxAge: P400D # iamlint-ignore: IAM202 -- long-lived\n"
    );
    assert!(fixed.outcome.findings.is_empty(), "{:?}", fixed.outcome.findings);
}

#[test]
fn suppressed_findings_are_not_fixed() {
    let dir = tempfile::tempdir().unwrap();
    let text = TOKEN_TF.replace("= true", "= true # iamlint-ignore: IAM203 -- reason");
    write(dir.path(), "t.tf", &text);
    let opts = options(dir.path());
    let fixed = fix::fix(lint::run(&opts).unwrap(), &opts, &|_, f| f, fix::Applies::All);
    let changed = fixed.changed();
    assert_eq!(changed.len(), 1);
    assert!(changed[0].2.contains("= true # iamlint-ignore: IAM203 -- reason"));
    assert!(changed[0].2.contains("\"P90D\""));
}

/// An object's suppression covers the findings about it that iamlint places on the values
/// it takes from elsewhere (a `locals` key, a tfvars value), in `#`, `//` and `/* */` forms;
/// a suppression at the value's own place works too; another object's does not.
#[test]
fn an_object_suppression_follows_its_values() {
    const LOCALS: &str = "locals {\n  service_accounts = {\n    flow-deployer = {\n      description = \"Deploys flows\"\n    }\n    etl_nightly = {\n      description = \"Nightly ETL runs\"\n    }\n  }\n}\n";
    const ACCOUNTS: &str = "resource \"kestra_group\" \"bots\" {\n  name        = \"bots\"\n  description = \"Automation\"\n}\n\nSUPPRESSION\nresource \"kestra_service_account\" \"accounts\" {\n  for_each    = local.service_accounts\n  name        = each.key\n  description = each.value.description\n\n  groups {\n    id = kestra_group.bots.id\n  }\n}\n";
    let run = |suppression: &str, locals: &str| {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "terraform/iam/locals.tf", locals);
        write(d, "terraform/iam/service_accounts.tf", &ACCOUNTS.replace("SUPPRESSION", suppression));
        write(d, "terraform/envs/prod/main.tf", "module \"iam\" {\n  source = \"../../iam\"\n}\n");
        stdout(&iamlint(d, &["check", "--format", "concise", "--select", "IAM101,IAM900", "terraform"]))
    };
    let reason = "-- legacy names, renamed with the Q3 migration";
    for form in [
        format!("# iamlint-ignore: IAM101 {reason}"),
        format!("// iamlint-ignore: IAM101 {reason}"),
        format!("/* iamlint-ignore: service-account-name {reason} */"),
    ] {
        assert_eq!(run(&form, LOCALS), "", "{form}");
    }
    // At the value's own place.
    let at_value =
        LOCALS.replace("    etl_nightly = {\n", "    # iamlint-ignore: IAM101 -- legacy\n    etl_nightly = {\n");
    assert_eq!(run("", &at_value), "");
    // Another object's suppression silences nothing here, and says so.
    let out = run(
        &format!("# iamlint-ignore: IAM101 {reason}\nresource \"kestra_group\" \"other\" {{\n  name = \"other\"\n}}\n"),
        LOCALS,
    );
    let lines: Vec<&str> = out.lines().map(|l| l.split(" [").next().unwrap()).collect();
    assert_eq!(
        lines,
        ["terraform/iam/locals.tf:6:5: IAM101", "terraform/iam/service_accounts.tf:6:1: IAM900"],
        "{out}"
    );
}

/// A JSON manifest (an API export) has no comments: `.iamlint.yaml`'s `object-ignores`
/// silences rules on one object by its address, in JSON as in Terraform, and also on the
/// values the object takes from elsewhere; other objects keep their findings.
#[test]
fn json_manifests_are_suppressed_by_object_in_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        "exports/iam.json",
        r#"{
  "groups": [{"id": "4by6NvSLcPXFhCj8nwbZOM", "name": "deployers"}],
  "roles": [{"id": "2xV9kqPzLm3RtYw8BnCd4e", "name": "iam-admin", "permissions": [{"type": "BINDING", "permissions": ["CREATE"]}]}],
  "bindings": [{"type": "GROUP", "externalId": "deployers", "roleId": "iam-admin", "namespaceId": "company"}],
  "serviceAccounts": [
    {"name": "ci-deployer", "description": "Deploys IAM", "groups": [{"id": "4by6NvSLcPXFhCj8nwbZOM"}]},
    {"name": "report-bot", "description": "Reports", "groups": [{"id": "4by6NvSLcPXFhCj8nwbZOM"}]}
  ]
}
"#,
    );
    write(
        d,
        "envs/prod/main.tf",
        "locals {\n  bots = { \"Nightly_Billing\" = \"billing\" }\n}\n\n\
         resource \"kestra_service_account\" \"bots\" {\n  for_each    = local.bots\n  name        = each.key\n  description = each.value\n}\n",
    );
    let concise = |d: &Path| stdout(&iamlint(d, &["check", "--format", "concise", "--select", "IAM303,IAM101", "."]));
    let before = concise(d);
    assert!(before.contains("IAM303 [error] service account `ci-deployer`"), "{before}");
    assert!(before.contains("IAM101"), "{before}");
    write(
        d,
        ".iamlint.yaml",
        "object-ignores:\n  \"serviceAccounts[ci-deployer]\": [IAM303]   # reviewed in SEC-123\n  \
         \"kestra_service_account.bots\": [service-account-name]\n",
    );
    let after = concise(d);
    assert!(!after.contains("`ci-deployer`"), "{after}");
    assert!(after.contains("IAM303 [error] service account `report-bot`"), "{after}");
    // The IAM101 on the locals key the for_each account is named by is about that account.
    assert!(!after.contains("IAM101"), "{after}");
    // A misspelt rule is an error naming the file and line, never a silent no-op.
    write(d, ".iamlint.yaml", "object-ignores:\n  \"serviceAccounts[ci-deployer]\": [IAM3O3]\n");
    let out = iamlint(d, &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(".iamlint.yaml:2:") && stderr(&out).contains("did you mean `IAM303`"),
        "{}",
        stderr(&out)
    );
}
