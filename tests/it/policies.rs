//! Organisation policies end to end: the example pack in `rules/examples/` on its golden
//! fixtures (`fixtures/policies/<CODE>/bad*|good*`), and policies behaving like built-in
//! rules in selection, severity, output formats, `rules`, `explain` and errors.
//! `UPDATE_EXPECT=1 cargo test --test it policies` rewrites the expectations for review.

use crate::common::*;
use iamlint::catalogue::Catalogue;
use iamlint::finding::Severity;
use iamlint::lint::{self, Options};
use iamlint::render::{self, OutputFormat, RenderOptions};
use iamlint::select::Selection;
use serde_json::Value;
use std::path::{Path, PathBuf};

const PACK: &str = "rules/examples";

/// The built-in rules and the example pack.
fn catalogue() -> Catalogue {
    Catalogue::load(&[PathBuf::from(PACK)]).expect("the example pack loads")
}

fn options(paths: Vec<PathBuf>, selection: Selection) -> Options {
    Options { paths, selection, catalogue: std::sync::Arc::new(catalogue()), ..Options::default() }
}

fn select(codes: &[&str]) -> Selection {
    Selection { select: Some(codes.iter().map(|c| c.to_string()).collect()), ..Selection::default() }
}

fn pack() -> Vec<iamlint::policy::Policy> {
    iamlint::policy::load(&[PathBuf::from(PACK)]).expect("the example pack loads")
}

fn cases() -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    for code in std::fs::read_dir("fixtures/policies").expect("fixtures/policies exists") {
        let code = code.unwrap().path();
        let name = code.file_name().unwrap().to_string_lossy().to_string();
        for case in std::fs::read_dir(&code).unwrap() {
            let case = case.unwrap().path();
            if case.is_dir() {
                out.push((name.clone(), case));
            }
        }
    }
    out.sort();
    out
}

fn snapshot(code: &str, case: &Path) -> (String, usize) {
    let options = options(vec![case.to_path_buf()], select(&[code]));
    let outcome = lint::run(&options).expect("fixture lints");
    let render_options = RenderOptions { files: outcome.files, ..RenderOptions::new(&options.catalogue) };
    let concise = render::render(OutputFormat::Concise, &outcome.ws, &outcome.findings, &render_options);
    let human = render::render(OutputFormat::Human, &outcome.ws, &outcome.findings, &render_options);
    (format!("{concise}--- human ---\n{human}"), outcome.findings.len())
}

#[test]
fn example_pack_fixtures_match_their_expectations() {
    check_golden_cases(&cases(), snapshot);
}

#[test]
fn every_example_policy_has_fixtures_and_documentation() {
    let cases = cases();
    let readme = std::fs::read_to_string(Path::new(PACK).join("README.md")).unwrap();
    let policies = pack();
    assert!(policies.len() >= 6, "the pack has {} policies", policies.len());
    for p in &policies {
        let has = |prefix: &str| {
            cases
                .iter()
                .any(|(c, path)| *c == p.code && path.file_name().unwrap().to_string_lossy().starts_with(prefix))
        };
        assert!(
            has("bad") && has("good"),
            "{} needs bad and good fixtures under fixtures/policies/{}/",
            p.code,
            p.code
        );
        assert!(readme.contains(&format!("| {} | {} |", p.code, p.name)), "{PACK}/README.md has no row for {}", p.code);
    }
}

#[test]
fn policies_run_with_built_in_rules_and_follow_selection() {
    let case = PathBuf::from("fixtures/policies/ORG005/bad_manifest");
    let codes = |selection: Selection| -> Vec<String> {
        let outcome = lint::run(&options(vec![case.clone()], selection)).unwrap();
        let codes: std::collections::BTreeSet<String> = outcome.findings.iter().map(|f| f.code.to_string()).collect();
        codes.into_iter().collect()
    };
    // On by default, next to the built-in rules.
    assert_eq!(codes(Selection::default()), ["IAM203", "IAM206", "IAM401", "ORG003", "ORG005", "ORG007"]);
    assert_eq!(codes(select(&["token-not-extended"])), ["ORG005"]);
    assert_eq!(codes(select(&["ORG"])), ["ORG003", "ORG005", "ORG007"]);
    let ignored = Selection { ignore: vec!["ORG".into(), "IAM4".into()], ..Selection::default() };
    assert_eq!(codes(ignored), ["IAM203", "IAM206"]);
    assert!(select(&["ORG005", "sa-team-prefix"]).validate(&catalogue()).is_ok());
    assert!(select(&["ORG099"]).validate(&catalogue()).is_err());
    assert!(select(&["ORG005"]).validate(&Catalogue::builtin()).is_err(), "policies belong to their catalogue");
}

#[test]
fn severity_override_and_opt_in() {
    let mut selection = select(&["ORG005"]);
    selection.severities.insert("token-not-extended".into(), Severity::Info);
    let outcome = lint::run(&options(vec!["fixtures/policies/ORG005/bad_terraform".into()], selection)).unwrap();
    assert_eq!(outcome.findings.len(), 1);
    assert_eq!(outcome.findings[0].severity, Severity::Info);
    // ORG008 is `enabled: false`: off by default, on with extend-select.
    let case = PathBuf::from("fixtures/policies/ORG008/bad_manifest");
    let outcome = lint::run(&options(vec![case.clone()], Selection::default())).unwrap();
    assert!(outcome.findings.iter().all(|f| f.code != "ORG008"));
    let selection = Selection { extend_select: vec!["ORG008".into()], ..Selection::default() };
    let outcome = lint::run(&options(vec![case], selection)).unwrap();
    assert!(outcome.findings.iter().any(|f| f.code == "ORG008"));
}

#[test]
fn json_output_names_the_policy() {
    let root = repo_root();
    let out = iamlint(
        root,
        &["check", "--rules", PACK, "--select", "ORG002", "--format", "json", "fixtures/policies/ORG002/bad_terraform"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let f = &json["findings"][0];
    assert_eq!(f["code"], "ORG002");
    assert_eq!(f["name"], "prod-token-max-age");
    assert_eq!(f["severity"], "error");
    assert_eq!(f["path"], "fixtures/policies/ORG002/bad_terraform/tokens.tf");
    assert_eq!((f["line"].as_u64(), f["column"].as_u64()), (Some(9), Some(24)));
    assert_eq!(f["message"], "production token deploy lives longer than 30 days (max age: P31D)");
    assert_eq!(f["help"], "set its max age to P30D or less and rotate it monthly");
    assert_eq!(f["fixable"], true);
}

#[test]
fn rules_and_explain_list_policies() {
    let root = repo_root();
    let out = iamlint(root, &["rules", "--rules", PACK]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("IAM101   service-account-name"), "{text}");
    let row = text.lines().find(|l| l.starts_with("ORG008")).expect("ORG008 listed");
    assert!(row.contains("user-token-short-lived"), "{row}");
    assert!(row.contains(" off "), "{row}");
    assert!(row.ends_with("policy rules/examples/org008-user-token-short-lived.yaml"), "{row}");
    let out = iamlint(root, &["explain", "sa-team-prefix", "--rules", PACK]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.starts_with("# ORG001 sa-team-prefix\n"), "{text}");
    assert!(text.contains("Organisation policy from rules/examples/org001-sa-team-prefix.yaml:3."), "{text}");
    assert!(text.contains("Applies to service accounts.\nMust hold:\n  - `name` matches `^(ci|etl|tf)-`"), "{text}");
    assert!(text.contains("```yaml\ncode: ORG001\n"), "{text}");
    // Without the pack, the policy does not exist.
    assert_eq!(iamlint(root, &["explain", "ORG001"]).status.code(), Some(2));
    assert_eq!(iamlint(root, &["check", "--select", "ORG001", "examples"]).status.code(), Some(2));
}

#[test]
fn a_malformed_policy_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "iam.yaml", "serviceAccounts:\n  - name: reporter\n");
    write(
        dir.path(),
        "policies/ok.yaml",
        "code: ORG1\nname: ok\nseverity: error\napplies-to: service-account\nmessage: m\nhelp: h\nassert: {field: name, exists: true}\n",
    );
    write(
        dir.path(),
        "policies/typo.yaml",
        "code: ORG2\nname: typo\nseverity: error\napplies-to: service-account\nmessage: m\nhelp: h\nassert: {field: name, match: '^ci-'}\n",
    );
    let out = iamlint(dir.path(), &["check", "--rules", "policies", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing is linted: {}", stdout(&out));
    assert_eq!(
        stderr(&out),
        "error: policies/typo.yaml:7:23: unknown operator `match`\n  help: did you mean `matches`?\n"
    );
    let out = iamlint(dir.path(), &["check", "--rules", "nowhere"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: nowhere: policy path does not exist\n");
    let out = iamlint(dir.path(), &["rules", "--rules", "policies"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Catalogues are values: runs with different policy sets share one process (this test
/// binary, an editor's server), each seeing only its own rules.
#[test]
fn catalogues_with_different_policies_share_a_process() {
    let policy_codes = |c: &Catalogue| -> Vec<String> {
        c.rules().iter().filter(|r| r.policy().is_some()).map(|r| r.code.to_string()).collect()
    };
    let full = catalogue();
    let one = Catalogue::load(&[PathBuf::from(format!("{PACK}/org001-sa-team-prefix.yaml"))]).unwrap();
    assert_eq!(policy_codes(&full), ["ORG001", "ORG002", "ORG003", "ORG004", "ORG005", "ORG006", "ORG007", "ORG008"]);
    assert_eq!(policy_codes(&one), ["ORG001"]);
    assert!(policy_codes(&Catalogue::builtin()).is_empty());
    let case = PathBuf::from("fixtures/policies/ORG005/bad_manifest");
    let run = |catalogue: Catalogue| {
        let options =
            Options { paths: vec![case.clone()], catalogue: std::sync::Arc::new(catalogue), ..Options::default() };
        lint::run(&options).unwrap().findings.iter().filter(|f| f.code.starts_with("ORG")).count()
    };
    assert!(run(full) > 0);
    assert_eq!(run(Catalogue::builtin()), 0);
}

#[test]
fn the_documented_policy_loads_and_fires() {
    let readme = std::fs::read_to_string(repo_root().join("docs/rules.md")).unwrap();
    let section = &readme[readme.find("## Organisation policies").expect("a policy section")..];
    let start = section.find("```yaml\n").unwrap() + "```yaml\n".len();
    let yaml = &section[start..start + section[start..].find("```").unwrap()];
    assert!(yaml.lines().count() <= 12, "the documented example should stay about ten lines");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "policy.yaml", yaml);
    let policies = iamlint::policy::load(&[dir.path().to_path_buf()]).expect("the documented policy loads");
    let candidates = iamlint::discover::discover(&["fixtures/policies/ORG002/bad_terraform".into()]).unwrap();
    let ws = lint::load(&candidates, 1 << 20);
    let settings = iamlint::rules::Settings::default();
    let cx = iamlint::rules::Context::new(&ws, &settings);
    let mut found = Vec::new();
    iamlint::policy::check(&"ORG002".into(), &policies[0], &cx, &mut found);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].message, "production token deploy lives longer than 30 days (P31D)");
    assert!(found[0].fix.is_some());
}

/// A configuration that names rules (built-in or a policy's) beside its `rules-dir`: the
/// names are checked once the policies are in the catalogue, so that neither stops them
/// from joining it; a name nothing answers to still fails, at its line.
#[test]
fn a_configuration_naming_rules_and_policies_runs() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join(".git")).unwrap();
    let pack = repo_root().join(PACK).join("org001-sa-team-prefix.yaml");
    write(d, "policies/org001.yaml", &std::fs::read_to_string(pack).unwrap());
    write(d, "iam.yaml", "serviceAccounts:\n  - name: ci\n");
    write(d, ".iamlint.yaml", "rules-dir: policies\nignore: [IAM401]\nseverity:\n  ORG001: warning\n");
    let out = iamlint(d, &["check", "--format", "concise", "."]);
    assert_eq!(stdout(&out), "iam.yaml:2:11: ORG001 [warning] service account ci must start with a team prefix\n");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(iamlint(d, &["rules"]).status.code(), Some(0));
    assert_eq!(iamlint(d, &["config"]).status.code(), Some(0));
    write(d, ".iamlint.yaml", "rules-dir: policies\nignore: [ORG0001]\n");
    let out = iamlint(d, &["check", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".iamlint.yaml:2:10: `ignore`: unknown rule `ORG0001`"), "{}", stderr(&out));
}

/// `help` is optional: a policy without one points whoever meets its finding at the policy
/// itself, by name, file and line, in every format.
#[test]
fn a_policy_without_help_points_at_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".iamlint.yaml", "rules-dir: policies\n");
    write(
        d,
        "policies/naming.yaml",
        "# Platform team conventions.\n- code: ORG010\n  name: sa-has-description\n  severity: warning\n  applies-to: service-account\n  message: \"service account {name} has no description\"\n  assert: {field: description, exists: true}\n- code: ORG011\n  name: sa-lowercase\n  severity: error\n  applies-to: service-account\n  message: \"service account {name} is not lowercase\"\n  help: \"rename {name}\"\n  assert: {field: name, matches: '^[a-z-]+$'}\n",
    );
    write(d, "iam/accounts.yaml", "groups:\n  - name: bots\nserviceAccounts:\n  - name: ci-bot\n    groups: [bots]\n");
    let out = iamlint(d, &["check", "--format", "json", "--select", "ORG"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let json: Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json:#}");
    assert_eq!(findings[0]["code"], "ORG010");
    assert_eq!(findings[0]["help"], "see the organisation policy `sa-has-description` in policies/naming.yaml:2");
    let out = iamlint(d, &["explain", "ORG010", "--rules", "policies"]);
    assert!(
        stdout(&out).contains("help: see the organisation policy `sa-has-description` in policies/naming.yaml:2"),
        "{}",
        stdout(&out)
    );
}
