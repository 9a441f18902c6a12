//! Policies evaluated on small workspaces: every operator and combinator, unknown values,
//! placeholders and fixes. Findings are shown as `file:line:col message`.

use super::eval::check;
use super::parse::parse_file;
use super::Policy;
use crate::finding::Finding;
use crate::model::Workspace;
use crate::rules::{Context, Settings};

fn workspace(files: &[(&str, &str)]) -> Workspace {
    crate::lint::load_texts(files)
}

fn policy(yaml: &str) -> Policy {
    let (mut policies, errors) = parse_file("p.yaml", yaml);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(policies.len(), 1);
    policies.remove(0)
}

fn findings(p: &Policy, ws: &Workspace) -> Vec<Finding> {
    let settings = Settings::default();
    let cx = Context::new(ws, &settings);
    let mut out = Vec::new();
    check(&"ORG001".into(), p, &cx, &mut out);
    out
}

fn show(ws: &Workspace, f: &Finding) -> String {
    let file = ws.sources.get(f.span.file);
    let pos = file.position(f.span.start);
    format!("{}:{}:{} {}", file.display, pos.line, pos.column, f.message)
}

/// Runs a policy (`applies-to` and condition given as YAML lines) over the files.
fn run(kind: &str, body: &str, files: &[(&str, &str)]) -> Vec<String> {
    // Bindings have no name: they are shown by the principal they bind.
    let label = if kind == "binding" { "{external_id}" } else { "{name}" };
    let yaml =
        format!("code: ORG001\nname: t\nseverity: error\napplies-to: {kind}\nmessage: \"{label}\"\nhelp: h\n{body}");
    let ws = workspace(files);
    findings(&policy(&yaml), &ws).iter().map(|f| show(&ws, f)).collect()
}

const SAS: &str = "serviceAccounts:
  - name: ci-deploy
    description: Deploys flows
    groups: [bots]
  - name: etl-nightly
    description: \"\"
    superAdmin: true
  - name: reporter
    groups: [bots, admins]
";

fn sas(body: &str) -> Vec<String> {
    run("service-account", body, &[("iam.yaml", SAS)])
}

#[test]
fn equals_compares_text_and_flags() {
    assert_eq!(
        sas("assert: {field: name, equals: ci-deploy}"),
        ["iam.yaml:5:11 etl-nightly", "iam.yaml:8:11 reporter"]
    );
    // An absent flag has Kestra's default, false, and is reported at the object.
    assert_eq!(sas("assert: {field: super_admin, equals: true}"), ["iam.yaml:2:5 ci-deploy", "iam.yaml:8:5 reporter"]);
    assert_eq!(sas("assert: {field: super_admin, equals: false}"), ["iam.yaml:7:17 etl-nightly"]);
}

#[test]
fn in_tests_membership_and_every_list_item() {
    assert_eq!(sas("assert: {field: name, in: [reporter, ci-deploy]}"), ["iam.yaml:5:11 etl-nightly"]);
    // A list passes when every item is in the set; the first item outside is reported.
    assert_eq!(sas("assert: {field: groups, in: [bots]}"), ["iam.yaml:9:20 reporter"]);
}

#[test]
fn matches_and_not_matches() {
    assert_eq!(sas("assert: {field: name, matches: '^(ci|etl)-'}"), ["iam.yaml:8:11 reporter"]);
    assert_eq!(sas("assert: {field: name, not-matches: 'ly$'}"), ["iam.yaml:5:11 etl-nightly"]);
    // Unanchored: a pattern may match anywhere.
    assert_eq!(sas("assert: {field: name, matches: 'deploy'}").len(), 2);
    // An absent field matches nothing, so `not-matches` holds and `matches` fails.
    assert_eq!(sas("assert: {field: groups, not-matches: 'x'}"), Vec::<String>::new());
    assert_eq!(
        sas("assert: {field: description, matches: '.'}"),
        ["iam.yaml:6:18 etl-nightly", "iam.yaml:8:5 reporter"]
    );
}

#[test]
fn exists_and_absent() {
    // Empty text is not a value: `description: ""` does not exist.
    assert_eq!(
        sas("assert: {field: description, exists: true}"),
        ["iam.yaml:6:18 etl-nightly", "iam.yaml:8:5 reporter"]
    );
    assert_eq!(sas("assert: {field: description, absent: true}"), ["iam.yaml:3:18 ci-deploy"]);
    assert_eq!(sas("assert: {field: groups, exists: false}"), ["iam.yaml:4:14 ci-deploy", "iam.yaml:9:14 reporter"]);
    // A flag exists only when written.
    assert_eq!(sas("assert: {field: super_admin, absent: true}"), ["iam.yaml:7:17 etl-nightly"]);
}

#[test]
fn max_length_counts_characters() {
    let files = [("iam.yaml", "groups:\n  - name: g\n    description: \"ééé\"\n  - name: h\n    description: abcd\n")];
    assert_eq!(run("group", "assert: {field: description, max-length: 3}", &files), ["iam.yaml:5:18 h"]);
    // Absent text is within any length.
    assert!(sas("assert: {field: description, max-length: 0}").len() == 1);
}

#[test]
fn min_items_and_max_items() {
    assert_eq!(sas("assert: {field: groups, min-items: 1}"), ["iam.yaml:5:5 etl-nightly"]);
    assert_eq!(sas("assert: {field: groups, max-items: 1}"), ["iam.yaml:9:14 reporter"]);
    assert_eq!(sas("assert: {field: groups, min-items: 0}"), Vec::<String>::new());
}

const TOKENS: &str = "serviceAccounts:
  - name: ci
    apiTokens:
      - name: month
        maxAge: P30D
      - name: hours
        maxAge: PT720H
      - name: longer
        maxAge: P31D
      - name: never
      - name: zero
        maxAge: PT0S
      - name: typo
        maxAge: 30d
";

#[test]
fn max_duration_compares_lengths() {
    let found = run("token", "assert: {field: max_age, max-duration: P30D}", &[("iam.yaml", TOKENS)]);
    // PT720H is 30 days; a token that never expires (absent, zero) exceeds any limit;
    // `30d` is not a duration Kestra accepts (IAM204's finding) and is not compared.
    assert_eq!(found, ["iam.yaml:9:17 longer", "iam.yaml:10:9 never", "iam.yaml:12:17 zero"]);
    // Thresholds may be in weeks.
    let found = run("token", "assert: {field: max_age, max-duration: P4W}", &[("iam.yaml", TOKENS)]);
    assert_eq!(found.len(), 5, "{found:?}");
}

#[test]
fn terraform_and_manifests_share_field_names() {
    let tf = "resource \"kestra_service_account_api_token\" \"t\" {\n  service_account_id = kestra_service_account.ci.id\n  name               = \"tf\"\n  max_age            = \"P90D\"\n  extended           = true\n}\n";
    let yaml = "serviceAccounts:\n  - name: ci\n    apiTokens:\n      - name: yaml\n        maxAge: P90D\n        extended: true\n";
    let files = [("a.tf", tf), ("b.yaml", yaml)];
    assert_eq!(
        run("token", "assert: {field: max_age, max-duration: P30D}", &files),
        ["a.tf:4:24 tf", "b.yaml:5:17 yaml"]
    );
    assert_eq!(run("token", "assert: {field: extended, equals: false}", &files), ["a.tf:5:24 tf", "b.yaml:6:19 yaml"]);
}

#[test]
fn all_reports_the_first_failing_field() {
    let body = "assert:\n  all:\n    - {field: description, exists: true}\n    - {field: name, matches: '^ci-'}\n";
    assert_eq!(sas(body), ["iam.yaml:6:18 etl-nightly", "iam.yaml:8:5 reporter"]);
}

#[test]
fn any_holds_when_one_part_holds() {
    let body = "assert:\n  any:\n    - {field: super_admin, equals: true}\n    - {field: name, matches: '^ci-'}\n";
    // reporter fails both parts, on two different fields: reported at the object.
    assert_eq!(sas(body), ["iam.yaml:8:5 reporter"]);
    // Both parts fail on one field: reported at that field.
    let body = "assert:\n  any:\n    - {field: name, equals: x}\n    - {field: name, matches: '^ci-'}\n";
    assert_eq!(sas(body), ["iam.yaml:5:11 etl-nightly", "iam.yaml:8:11 reporter"]);
}

#[test]
fn not_reports_the_field_that_held() {
    assert_eq!(sas("assert:\n  not: {field: name, matches: '^ci-'}\n"), ["iam.yaml:2:11 ci-deploy"]);
    assert_eq!(
        sas("assert:\n  not:\n    not: {field: name, equals: reporter}\n"),
        ["iam.yaml:2:11 ci-deploy", "iam.yaml:5:11 etl-nightly"]
    );
}

#[test]
fn when_selects_objects() {
    let body = "when: {field: groups, min-items: 1}\nassert: {field: name, matches: '^ci-'}\n";
    assert_eq!(sas(body), ["iam.yaml:8:11 reporter"]);
    let body = "when:\n  any:\n    - {field: name, equals: reporter}\n    - {field: super_admin, equals: true}\nassert: {field: description, exists: true}\n";
    assert_eq!(sas(body), ["iam.yaml:6:18 etl-nightly", "iam.yaml:8:5 reporter"]);
}

const UNKNOWN_TF: &str = "resource \"kestra_service_account\" \"x\" {
  name        = var.name
  description = \"\"
  groups {
    id = kestra_group.bots.id
  }
}
";

#[test]
fn unknown_values_never_decide_a_finding() {
    let files = [("sa.tf", UNKNOWN_TF)];
    let run = |body: &str| run("service-account", body, &files);
    assert!(run("assert: {field: name, matches: '^ci-'}").is_empty());
    assert!(run("assert: {field: name, not-matches: '^ci-'}").is_empty());
    assert!(run("assert: {field: name, exists: true}").is_empty());
    assert!(run("assert: {field: name, absent: true}").is_empty());
    assert!(run("assert:\n  not: {field: name, equals: x}\n").is_empty());
    assert!(run("when: {field: name, equals: x}\nassert: {field: description, exists: true}").is_empty());
    assert!(run("when:\n  not: {field: name, equals: x}\nassert: {field: description, exists: true}").is_empty());
    // `all` fails on a known part whatever the unknown part is; `any` needs a known success.
    assert_eq!(
        run("assert:\n  all:\n    - {field: name, equals: x}\n    - {field: description, exists: true}\n"),
        ["sa.tf:3:17 unknown"]
    );
    assert!(
        run("assert:\n  any:\n    - {field: name, equals: x}\n    - {field: description, exists: true}\n").is_empty()
    );
    assert!(
        run("assert:\n  any:\n    - {field: name, matches: x}\n    - {field: description, absent: true}\n").is_empty()
    );
    // The group reference does not resolve (no kestra_group.bots here): the list item is unknown.
    assert!(run("assert: {field: groups, in: [admins]}").is_empty());
    assert!(run("assert: {field: groups, min-items: 1}").is_empty());
    assert_eq!(run("assert: {field: groups, max-items: 0}"), ["sa.tf:5:10 unknown"]);
}

#[test]
fn dynamic_group_blocks_make_the_list_incomplete() {
    let tf = "resource \"kestra_service_account\" \"x\" {\n  name = \"x\"\n  dynamic \"groups\" {\n    for_each = var.groups\n    content {\n      id = groups.value\n    }\n  }\n}\n";
    let files = [("sa.tf", tf)];
    assert!(run("service-account", "assert: {field: groups, min-items: 1}", &files).is_empty());
    assert!(run("service-account", "assert: {field: groups, exists: false}", &files).is_empty());
}

#[test]
fn groups_include_membership_resources() {
    let tf = "resource \"kestra_group\" \"bots\" {\n  name = \"bots\"\n}\n\nresource \"kestra_service_account\" \"ci\" {\n  name = \"ci\"\n}\n\nresource \"kestra_user_group_membership\" \"m\" {\n  user_id  = kestra_service_account.ci.id\n  group_id = kestra_group.bots.id\n}\n";
    let files = [("iam.tf", tf)];
    assert!(run("service-account", "assert: {field: groups, min-items: 1}", &files).is_empty());
    assert_eq!(run("service-account", "assert: {field: groups, in: [ops]}", &files), ["iam.tf:11:14 ci"]);
}

const ROLES: &str = "roles:
  - name: prod-reader
    namespace: prod.payments
    permissions:
      SECRET: [VIEW]
  - name: dev-reader
    namespace: dev
    permissions:
      FLOW: [VIEW]
      SECRET: [VIEW, LIST]
  - name: dev-flows
    namespace: dev
    permissions:
      FLOW: [VIEW, CREATE]
";

#[test]
fn role_permissions_by_type() {
    let run = |body: &str| run("role", body, &[("iam.yaml", ROLES)]);
    let body = "when:\n  not: {field: namespace, matches: '^prod(\\.|$)'}\nassert: {field: permissions.SECRET, absent: true}\n";
    assert_eq!(run(body), ["iam.yaml:10:7 dev-reader"]);
    // Every SECRET action is VIEW: a role without SECRET passes too (no action breaks it).
    assert_eq!(run("assert: {field: permissions.SECRET, in: [VIEW]}"), ["iam.yaml:10:22 dev-reader"]);
    assert_eq!(run("assert: {field: permissions.SECRET, min-items: 1}"), ["iam.yaml:11:5 dev-flows"]);
    assert_eq!(run("assert: {field: permissions.flow, max-items: 1}"), ["iam.yaml:14:7 dev-flows"]);
    assert_eq!(
        run("assert: {field: permissions, in: [SECRET]}"),
        ["iam.yaml:9:7 dev-reader", "iam.yaml:14:7 dev-flows"]
    );
}

#[test]
fn role_grants_hidden_in_expressions_are_unknown() {
    let tf = "resource \"kestra_role\" \"r\" {\n  name = \"r\"\n  dynamic \"permissions\" {\n    for_each = var.p\n    content {\n      type = permissions.key\n    }\n  }\n}\n";
    assert!(run("role", "assert: {field: permissions.SECRET, absent: true}", &[("r.tf", tf)]).is_empty());
    assert!(run("role", "assert: {field: permissions.SECRET, exists: true}", &[("r.tf", tf)]).is_empty());
}

#[test]
fn tokens_owner_tenant_and_bindings() {
    let yaml = "tenant: prod\nserviceAccounts:\n  - name: ci\n    apiTokens:\n      - name: a\n        maxAge: P1D\nusers:\n  - email: jane@example.com\n    apiTokens:\n      - name: b\n        maxAge: P1D\nbindings:\n  - type: USER\n    externalId: ci\n    roleId: admin\n";
    let files = [("iam.yaml", yaml)];
    assert_eq!(run("token", "assert: {field: owner, equals: ci}", &files), ["iam.yaml:8:5 b"]);
    assert_eq!(run("token", "assert: {field: owner_kind, equals: user}", &files), ["iam.yaml:5:9 a"]);
    assert!(run("token", "assert: {field: tenant, equals: prod}", &files).is_empty());
    let b = |body: &str| run("binding", body, &files);
    assert_eq!(b("assert: {field: type, equals: GROUP}"), ["iam.yaml:13:11 ci"]);
    assert_eq!(b("assert: {field: role_id, not-matches: admin}"), ["iam.yaml:15:13 ci"]);
    assert_eq!(b("assert: {field: external_id, equals: bots}"), ["iam.yaml:14:17 ci"]);
    assert_eq!(b("assert: {field: namespace, exists: true}"), ["iam.yaml:13:5 ci"]);
}

#[test]
fn placeholders_are_filled_from_the_object() {
    let yaml = "code: ORG001\nname: t\nseverity: error\napplies-to: token\n\
        message: \"{name} ({max_age}) of {owner}, {{literal}} {description}\"\nhelp: \"ext={extended} {tenant}\"\n\
        assert: {field: max_age, max-duration: PT1H}\n";
    let ws = workspace(&[("iam.yaml", TOKENS)]);
    let found = findings(&policy(yaml), &ws);
    assert_eq!(found[0].message, "month (P30D) of ci, {literal} none");
    assert_eq!(found[0].help.as_deref(), Some("ext=false main"));
    let groups = "code: ORG001\nname: t\nseverity: error\napplies-to: service-account\nmessage: \"in {groups}\"\nhelp: h\nassert: {field: name, equals: x}\n";
    let ws = workspace(&[("iam.yaml", SAS)]);
    let messages: Vec<String> = findings(&policy(groups), &ws).into_iter().map(|f| f.message).collect();
    assert_eq!(messages, ["in bots", "in none", "in bots, admins"]);
}

fn fixed(ws: &Workspace, f: &Finding) -> String {
    let fix = f.fix.as_ref().expect("a fix");
    let edit = &fix.edits[0];
    let mut text = ws.sources.get(edit.span.file).text.to_string();
    text.replace_range(edit.span.start..edit.span.end, &edit.replacement);
    text
}

fn with_fix(kind: &str, assert: &str, fix: &str) -> String {
    format!("code: ORG001\nname: t\nseverity: error\napplies-to: {kind}\nmessage: m\nhelp: h\nassert: {assert}\nfix: {fix}\n")
}

#[test]
fn fixes_replace_written_values_keeping_quotes() {
    let p = policy(&with_fix("token", "{field: max_age, max-duration: P30D}", "{field: max_age, value: P30D}"));
    let tf = "resource \"kestra_user_api_token\" \"t\" {\n  name    = \"t\"\n  max_age = \"P90D\"\n}\n";
    let ws = workspace(&[("t.tf", tf)]);
    let f = &findings(&p, &ws)[0];
    assert_eq!(f.fix.as_ref().unwrap().description, "set `max_age` to `P30D`");
    assert!(fixed(&ws, f).contains("max_age = \"P30D\""));
    for (yaml, want) in [
        ("maxAge: P90D", "maxAge: P30D"),
        ("maxAge: 'P90D'", "maxAge: 'P30D'"),
        ("maxAge: null", "maxAge: P30D"),
        ("maxAge:", "maxAge: P30D"),
    ] {
        let text = format!("users:\n  - email: a@b.c\n    apiTokens:\n      - name: t\n        {yaml}\n");
        let ws = workspace(&[("u.yaml", &text)]);
        let f = &findings(&p, &ws)[0];
        assert!(fixed(&ws, f).contains(want), "{yaml}: {}", fixed(&ws, f));
    }
    let json = "{\"users\": [{\"email\": \"a@b.c\", \"apiTokens\": [{\"name\": \"t\", \"maxAge\": null}]}]}";
    let ws = workspace(&[("u.json", json)]);
    assert!(fixed(&ws, &findings(&p, &ws)[0]).contains("\"maxAge\": \"P30D\""));
    // Absent: nothing to replace, so no fix.
    let ws = workspace(&[("u.yaml", "users:\n  - email: a@b.c\n    apiTokens:\n      - name: t\n")]);
    assert!(findings(&p, &ws)[0].fix.is_none());
}

#[test]
fn fixes_set_flags_and_quote_text_that_needs_it() {
    let p = policy(&with_fix("token", "{field: extended, equals: false}", "{field: extended, value: false}"));
    let tf = "resource \"kestra_user_api_token\" \"t\" {\n  extended = true\n}\n";
    let ws = workspace(&[("t.tf", tf)]);
    assert!(fixed(&ws, &findings(&p, &ws)[0]).contains("extended = false"));
    let p = policy(&with_fix(
        "group",
        "{field: description, matches: '^Team'}",
        "{field: description, value: 'Team: \"x\"'}",
    ));
    let ws = workspace(&[("g.yaml", "groups:\n  - name: g\n    description: old\n")]);
    assert!(fixed(&ws, &findings(&p, &ws)[0]).contains("description: 'Team: \"x\"'"));
    let ws = workspace(&[("g.tf", "resource \"kestra_group\" \"g\" {\n  description = \"old\"\n}\n")]);
    assert!(fixed(&ws, &findings(&p, &ws)[0]).contains("description = \"Team: \\\"x\\\"\""));
}
