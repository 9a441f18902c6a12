//! Manifests as Kestra writes them, and every other YAML and JSON left alone: which files
//! are manifests (pre-commit hands iamlint every one), exports in the API's own shape, and
//! YAML read as Kestra's reader reads it (merge keys, coerced booleans, duplicate keys).

use crate::common;
use common::*;
use serde_json::Value;
use std::path::Path;

/// Copies a fixture repository into a fresh git repository, its files committed.
fn repository(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join("fixtures").join(fixture), dir.path());
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "init"]);
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The files git tracks whose names iamlint reads, as pre-commit passes them.
fn tracked_yaml_and_json(dir: &Path) -> Vec<String> {
    git(dir, &["ls-files"])
        .lines()
        .filter(|f| [".yaml", ".yml", ".json"].iter().any(|e| f.ends_with(e)))
        .map(str::to_string)
        .collect()
}

fn findings(out: &std::process::Output) -> Vec<Value> {
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(out)));
    json["findings"].as_array().unwrap().clone()
}

/// `(code, message)` of every finding, in output order.
fn codes_and_messages(out: &std::process::Output) -> Vec<(String, String)> {
    findings(out)
        .iter()
        .map(|f| (f["code"].as_str().unwrap().to_string(), f["message"].as_str().unwrap().to_string()))
        .collect()
}

#[test]
fn foreign_yaml_and_json_yield_nothing_named_or_found() {
    let dir = repository("distractors");
    let files = tracked_yaml_and_json(dir.path());
    // Prometheus rules, Ansible variables, a kubeconfig, Kubernetes RBAC, a Keycloak realm
    // export and its users file, Helm values (one chart's `groups:` shaped like Kestra's,
    // a Keycloak chart's groups with a `path`), a workflow, compose, OpenAPI, Renovate, npm.
    assert!(files.len() >= 15, "{files:?}");
    let mut args = vec!["check", "--format", "json"];
    args.extend(files.iter().map(String::as_str));
    let named = iamlint(dir.path(), &args);
    assert_eq!(findings(&named), Vec::<Value>::new(), "{}", stdout(&named));
    assert_eq!(named.status.code(), Some(0), "{}", stderr(&named));
    let found = iamlint(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(findings(&found), Vec::<Value>::new(), "{}", stdout(&found));
    assert_eq!(found.status.code(), Some(0), "{}", stderr(&found));
    // And the human output a pre-commit user reads.
    let human = iamlint(dir.path(), &["check", "."]);
    assert!(stderr(&human).contains("All checks passed"), "{}", stderr(&human));
}

#[test]
fn an_api_export_gives_the_findings_of_the_same_manifest_written_by_hand() {
    let dir = repository("api_export");
    let exported = iamlint(dir.path(), &["check", "--format", "json", "exported"]);
    let handwritten = iamlint(dir.path(), &["check", "--format", "json", "handwritten"]);
    let (exported, handwritten) = (codes_and_messages(&exported), codes_and_messages(&handwritten));
    assert!(handwritten.iter().any(|(code, _)| code == "IAM303"), "{handwritten:?}");
    assert_eq!(exported, handwritten);
    // Every id the export writes resolves: the group is not "managed elsewhere".
    let access = iamlint(dir.path(), &["access", "exported"]);
    let text = stdout(&access);
    assert!(!text.contains("managed elsewhere"), "{text}");
    assert!(text.contains("deployers"), "{text}");
}

#[test]
fn a_namespaced_binding_written_with_namespace_id_is_not_tenant_wide() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "iam/roles.yaml",
        "roles:\n  - id: secrets-reader\n    name: secrets-reader\n    namespaceId: company.team\n    \
         permissions:\n      SECRET: [READ]\n      FLOW: [READ]\n",
    );
    write(
        dir.path(),
        "iam/bindings.yaml",
        "groups:\n  - name: analysts\n    description: Analysts\nbindings:\n  - type: GROUP\n    \
         externalId: analysts\n    roleId: secrets-reader\n    namespaceId: company.team\n",
    );
    let out = iamlint(dir.path(), &["check", "--format", "json", "."]);
    let codes: Vec<String> = codes_and_messages(&out).into_iter().map(|(c, _)| c).collect();
    for code in ["IAM002", "IAM304", "IAM305"] {
        assert!(!codes.iter().any(|c| c == code), "{code} in {}", stdout(&out));
    }
}

#[test]
fn a_typo_in_a_section_never_hides_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let text = "serviceAcounts:\n  - name: ci-deployer\n    description: Deploys flows\n    superAdmin: true\n";
    write(dir.path(), "iam/accounts.yaml", text);
    let out = iamlint(dir.path(), &["check", "--format", "json", "."]);
    let found = findings(&out);
    assert_eq!(found.len(), 1, "{}", stdout(&out));
    assert_eq!(found[0]["code"], "IAM002");
    assert_eq!(out.status.code(), Some(1));
    let fixed = iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    let after = std::fs::read_to_string(dir.path().join("iam/accounts.yaml")).unwrap();
    assert_eq!(after, text.replace("serviceAcounts", "serviceAccounts"), "{}", stderr(&fixed));
    // Fixed, the file is read: its super-admin service account is reported.
    let out = iamlint(dir.path(), &["check", "--format", "json", "."]);
    assert!(findings(&out).iter().any(|f| f["code"] == "IAM301"), "{}", stdout(&out));
}

#[test]
fn merge_keys_merge() {
    let dir = tempfile::tempdir().unwrap();
    let text = "groups:\n  - name: bots\n    description: CI bots\n\
                serviceAccounts:\n  - name: ci-deployer\n    description: Deploys flows\n    groups: [bots]\n    \
                apiTokens:\n      - &token\n        name: deploy\n        description: Deploy job\n        \
                maxAge: P30D\n        extended: false\n      - <<: *token\n        name: release\n        \
                description: Release job\n";
    write(dir.path(), "iam/accounts.yaml", text);
    let out = iamlint(dir.path(), &["check", "--format", "json", "."]);
    assert_eq!(findings(&out), Vec::<Value>::new(), "{}", stdout(&out));
    // Nothing to fix: in particular no `maxAge: P90D` inserted into the merged token.
    iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "."]);
    assert_eq!(std::fs::read_to_string(dir.path().join("iam/accounts.yaml")).unwrap(), text);
}

#[test]
fn booleans_are_read_as_jackson_reads_them_and_written_plain() {
    let dir = tempfile::tempdir().unwrap();
    let yaml = "groups:\n  - name: bots\n    description: CI bots\n\
                serviceAccounts:\n  - name: ci-deployer\n    description: Deploys flows\n    groups: [bots]\n    \
                superAdmin: \"true\"\n    apiTokens:\n      - name: deploy\n        description: Deploy job\n        \
                maxAge: P30D\n        extended: yes\n";
    write(dir.path(), "iam/accounts.yaml", yaml);
    let json =
        "{\n  \"users\": [\n    {\n      \"username\": \"jane\",\n      \"email\": \"jane@example.com\",\n      \
                \"superAdmin\": \"TRUE\"\n    }\n  ]\n}\n";
    write(dir.path(), "iam/users.json", json);
    let out = iamlint(dir.path(), &["check", "--format", "json", "."]);
    let found = codes_and_messages(&out);
    assert!(found.iter().any(|(c, _)| c == "IAM301"), "{found:?}");
    assert!(found.iter().any(|(c, _)| c == "IAM203"), "{found:?}");
    let coerced: Vec<&String> = found.iter().filter(|(c, _)| c == "IAM002").map(|(_, m)| m).collect();
    assert_eq!(coerced.len(), 3, "{found:?}");
    iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "--select", "IAM002", "."]);
    let after = std::fs::read_to_string(dir.path().join("iam/accounts.yaml")).unwrap();
    assert_eq!(after, yaml.replace("\"true\"", "true").replace("extended: yes", "extended: true"));
    let after = std::fs::read_to_string(dir.path().join("iam/users.json")).unwrap();
    assert_eq!(after, json.replace("\"TRUE\"", "true"));
}

#[test]
fn of_a_key_written_twice_the_last_counts_and_the_first_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let text = "groups:\n  - name: bots\n    description: CI bots\n\
                serviceAccounts:\n  - name: ci-deployer\n    superAdmin: false\n    description: Deploys flows\n    \
                groups: [bots]\n    superAdmin: true\n    apiTokens:\n      - name: deploy\n        \
                description: Deploy job\n        maxAge: P30D\n        extended: false\n        maxAge: P3650D\n";
    write(dir.path(), "iam/accounts.yaml", text);
    let out = iamlint(dir.path(), &["check", "--format", "json", "."]);
    let found = findings(&out);
    let line_of = |code: &str| -> Vec<i64> {
        found.iter().filter(|f| f["code"] == code).map(|f| f["line"].as_i64().unwrap()).collect()
    };
    assert_eq!(line_of("IAM301"), [9], "{}", stdout(&out));
    assert_eq!(line_of("IAM202"), [15], "{}", stdout(&out));
    assert_eq!(line_of("IAM002"), [6, 13], "{}", stdout(&out));
    // The human output labels the later key, the one that counts.
    let human = stdout(&iamlint(dir.path(), &["check", "--select", "IAM002", "."]));
    assert!(human.contains("9 │     superAdmin: true") && human.contains("this one counts"), "{human}");
    // A fix edits the value that counts, never the dead one above it.
    iamlint(dir.path(), &["check", "--fix", "--unsafe-fixes", "--select", "IAM202", "."]);
    let after = std::fs::read_to_string(dir.path().join("iam/accounts.yaml")).unwrap();
    assert!(after.contains("        maxAge: P30D\n        extended: false\n        maxAge: P"), "{after}");
    assert!(!after.contains("P3650D"), "{after}");
}

#[test]
fn a_manifest_with_the_keys_of_a_plan_is_linted_and_a_real_plan_is_still_a_plan() {
    let dir = tempfile::tempdir().unwrap();
    // An account that is a super admin, in a manifest that also carries a plan's keys.
    let disguised = "{\n  \"format_version\": \"1.2\",\n  \"planned_values\": {\"root_module\": {}},\n  \
                     \"groups\": [{\"name\": \"bots\", \"description\": \"CI bots\"}],\n  \
                     \"serviceAccounts\": [\n    {\"name\": \"ci-deployer\", \"description\": \"Deploys flows\", \
                     \"groups\": [\"bots\"], \"superAdmin\": true}\n  ]\n}\n";
    write(dir.path(), "iam/export.json", disguised);
    let plan = std::fs::read_to_string(repo_root().join("fixtures/rules/IAM101/bad_plan_json/tfplan.json")).unwrap();
    write(dir.path(), "plans/tfplan.json", &plan);
    let out = iamlint(dir.path(), &["check", "--format", "json", "."]);
    let found = findings(&out);
    let at = |code: &str, path: &str| found.iter().any(|f| f["code"] == code && f["path"] == path);
    assert!(at("IAM301", "iam/export.json"), "{}", stdout(&out));
    // Its plan keys are no Kestra fields.
    assert!(at("IAM002", "iam/export.json"), "{}", stdout(&out));
    assert!(at("IAM101", "plans/tfplan.json"), "{}", stdout(&out));
}

#[test]
fn a_configuration_named_iamlint_yml_is_found_like_iamlint_yaml() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    write(dir.path(), ".iamlint.yml", "ignore: [IAM101]\nmax-token-age: P7D\n");
    write(
        dir.path(),
        "iam/accounts.yaml",
        "groups:\n  - name: bots\n    description: CI bots\nserviceAccounts:\n  - name: CI_Bot\n    \
         description: Deploys flows\n    groups: [bots]\n    apiTokens:\n      - name: deploy\n        \
         description: Deploy job\n        maxAge: P30D\n",
    );
    // Named as pre-commit names it, from a sub-folder, and found.
    for args in [&["check", "--format", "json", "iam/accounts.yaml"][..], &["check", "--format", "json", "."]] {
        let out = iamlint(dir.path(), args);
        let codes: Vec<String> = codes_and_messages(&out).into_iter().map(|(c, _)| c).collect();
        assert_eq!(codes, ["IAM202"], "{args:?}: {}", stdout(&out));
    }
}

#[test]
fn the_summary_counts_the_files_skipped_as_not_iam_and_show_files_says_why() {
    let dir = repository("distractors");
    write(dir.path(), "iam/groups.yaml", "groups:\n  - name: bots\n    description: CI bots\n");
    let out = iamlint(dir.path(), &["check", "--show-files", "."]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The workflow and the manifest are linted; the nineteen others are not IAM.
    assert!(err.contains("All checks passed (2 files checked; 19 skipped as not IAM"), "{err}");
    assert!(
        err.contains("  skipped  deploy/helm/team-portal/values.yaml: not IAM, Helm chart values, with keys that are no IAM section"),
        "{err}"
    );
    assert!(err.contains("  linted   iam/groups.yaml (IAM manifest)"), "{err}");
    assert!(err.contains("  linted   .github/workflows/ci.yml (CI workflow, scanned for credentials)"), "{err}");
    assert!(err.contains("  skipped  deploy/k8s/kubeconfig.yaml: not IAM, a Kubernetes object"), "{err}");
    assert!(
        err.contains(
            "  skipped  monitoring/prometheus/rules/kestra.rules.yml: not IAM, its sections do not list Kestra objects"
        ),
        "{err}"
    );
    assert!(err.contains("  skipped  renovate.json: not IAM, no IAM section"), "{err}");
    // Without the flag, no list; the JSON summary keeps its fields.
    let plain = iamlint(dir.path(), &["check", "."]);
    assert!(!stderr(&plain).contains("Files:"), "{}", stderr(&plain));
    let json: Value = serde_json::from_slice(&iamlint(dir.path(), &["check", "--format", "json", "."]).stdout).unwrap();
    assert_eq!(json["summary"], serde_json::json!({"files": 21, "findings": 0}));
}

/// A key one typo away from a section is renamed only where it lists objects: beside a
/// manifest, Helm's `serviceAccount: {create: true}` is an unknown key, never renamed.
#[test]
fn a_section_typo_is_fixed_only_where_it_lists_objects() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.yaml", "serviceAcounts:\n  - name: ci\n    superAdmin: false\ngroups:\n  - name: bots\n");
    write(dir.path(), "b.yaml", "serviceAccount:\n  create: true\ngroups:\n  - name: bots\n");
    let out = iamlint(dir.path(), &["check", "--diff", "--unsafe-fixes", "--select", "IAM002", "."]);
    let diff = stdout(&out);
    assert!(diff.contains("+serviceAccounts:"), "{diff}");
    assert!(!diff.contains("b.yaml"), "{diff}");
}

#[test]
fn a_typo_never_hides_a_manifest_kept_in_a_chart_folder() {
    // A chart's values file is a manifest only when all its keys are IAM's; a misspelt
    // `tenant` or section made the whole file "Helm chart values" and hid its super admin.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "deploy/kestra/Chart.yaml", "apiVersion: v2\nname: kestra-iam\nversion: 0.1.0\n");
    write(d, "deploy/kestra/templates/configmap.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: iam\n");
    write(
        d,
        "deploy/kestra/values-iam.yaml",
        "tennant: main\nserviceAccounts:\n  - name: boss\n    description: break glass\n    superAdmin: true\n",
    );
    write(
        d,
        "deploy/kestra/values-ops.yaml",
        "tenant: main\nserviceAcounts:\n  - name: ops-admin\n    description: operators\n    superAdmin: true\n",
    );
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise", "."]);
    let text = stdout(&out);
    assert!(text.contains("deploy/kestra/values-iam.yaml:1:1: IAM002"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("deploy/kestra/values-iam.yaml:5:") && l.contains("IAM301")), "{text}");
    assert!(text.lines().any(|l| l.starts_with("deploy/kestra/values-ops.yaml:2:") && l.contains("IAM002")), "{text}");
}

#[test]
fn helm_values_kept_apart_from_their_chart_yield_nothing() {
    // An environment's overrides sit away from the chart; their Kestra-shaped `groups:`
    // beside `replicaCount` are the chart's, not a manifest with unknown keys.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let values =
        "replicaCount: 1\nserviceAccount:\n  create: true\ngroups:\n  - name: devs\n    description: developers\n";
    write(d, "values.yaml", values);
    write(d, "deploy/values-prod.yaml", values);
    write(d, "iam/values.yaml", "groups:\n  - name: devs\n    description: developers\nserviceAccounts:\n  - name: Ops\n    description: ops\n    groups: [devs]\n");
    git(d, &["init", "-q"]);
    let out = iamlint(d, &["check", "--format", "concise", "."]);
    let text = stdout(&out);
    assert!(!text.contains("values.yaml:1") && !text.contains("values-prod.yaml"), "{text}");
    // A values file that holds only IAM sections is still a manifest.
    assert!(text.lines().any(|l| l.starts_with("iam/values.yaml:") && l.contains("IAM101")), "{text}");
}
