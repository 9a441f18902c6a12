//! Credentials found and kept out of every output, in the places the review of 0992282
//! found open: a baseline's `object`, the base revision of `access --diff`, misspelt keys,
//! CI `env:` maps and `curl -u`, every argument of a Kestra resource, every copy in a plan,
//! and values that are common words.

use crate::common;
use common::*;
use std::path::Path;

/// Fails when `output` holds any 4-character window of `secret`, in any case and with
/// separators dropped (a name suggestion lowercases and splits what it quotes).
fn assert_hidden(output: &str, secret: &str, what: &str) {
    let fold = |s: &str| s.to_lowercase().replace(['-', '_', '.', ' '], "");
    let folded = fold(output);
    let chars: Vec<char> = fold(secret).chars().collect();
    for window in chars.windows(4) {
        let window: String = window.iter().collect();
        assert!(!folded.contains(&window), "{what} shows `{window}` of `{secret}`:\n{output}");
    }
}

/// A platform repository: service accounts in YAML, groups and roles beside them, and a
/// Terraform root for production. One account is named like its (leaked) password.
fn platform(d: &Path) {
    write(
        d,
        "iam/service-accounts.yaml",
        "serviceAccounts:\n  - name: ci-deployer\n    description: deploys flows\n    groups: [bots]\n  \
         - name: Zq7Wkx9Vjp3Rty\n    description: imported by hand\n    groups: [bots]\n    password: Zq7Wkx9Vjp3Rty\n",
    );
    write(
        d,
        "iam/groups.yaml",
        "groups:\n  - name: bots\n    description: CI bots\nroles:\n  - name: deployer\n    description: deploys\n    \
         namespace: company.team\n    permissions:\n      FLOW: [VIEW, CREATE]\nbindings:\n  - type: GROUP\n    \
         externalId: bots\n    roleId: deployer\n    namespace: company.team\n",
    );
    write(
        d,
        "envs/prod/main.tf",
        "resource \"kestra_group\" \"ops\" {\n  name        = \"ops\"\n  description = \"operators\"\n}\n",
    );
    git(d, &["init", "-q"]);
}

#[test]
fn a_baseline_shows_no_credential_and_still_matches_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    platform(d);
    for args in [
        &["check", "--write-baseline", "baseline.json", "."][..],
        // Fixes take the password out first: its text is still in the name written after.
        &["check", "--fix", "--unsafe-fixes", "--write-baseline", "fixed.json", "."],
    ] {
        let out = iamlint(d, args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        let written = std::fs::read_to_string(d.join(args[args.len() - 2])).unwrap();
        assert!(written.contains("\"object\": \"serviceAccounts[") && written.contains("IAM101"), "{written}");
        assert_hidden(&written, "Zq7Wkx9Vjp3Rty", &format!("{args:?}: the baseline"));
        assert_hidden(&stderr(&out), "Zq7Wkx9Vjp3Rty", &format!("{args:?}: stderr"));
        platform(d);
    }
    // Read back, it hides every finding it recorded: identities are of the text as written.
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "--format", "json", "."]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["findings"].as_array().map(Vec::len), Some(0), "{json}");
    let recorded = std::fs::read_to_string(d.join("baseline.json")).unwrap().matches("\"fingerprint\"").count();
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "."]);
    let said = format!("{}{}", stdout(&out), stderr(&out));
    assert!(recorded >= 3 && said.contains(&format!("{recorded} baselined")), "{recorded}: {said}");
}

#[test]
fn access_diff_stars_the_credentials_of_both_revisions_and_keeps_one_account() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    platform(d);
    git(d, &["add", "."]);
    git(d, &["commit", "-qm", "base"]);
    // The pull request takes the password out (the name no longer matches a credential of
    // the work tree) and grants the bots one more action.
    let accounts = std::fs::read_to_string(d.join("iam/service-accounts.yaml")).unwrap();
    write(d, "iam/service-accounts.yaml", &accounts.replace("    password: Zq7Wkx9Vjp3Rty\n", ""));
    let groups = std::fs::read_to_string(d.join("iam/groups.yaml")).unwrap();
    write(d, "iam/groups.yaml", &groups.replace("FLOW: [VIEW, CREATE]", "FLOW: [VIEW, CREATE, DELETE]"));
    let out = iamlint(d, &["access", "--diff", "HEAD", "."]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let table = stdout(&out);
    assert_hidden(&table, "Zq7Wkx9Vjp3Rty", "`access --diff` table");
    // One account that gains DELETE, not one removed and one new.
    assert!(!table.contains("[new]") && !table.contains("[removed]"), "{table}");
    assert_eq!(table.matches("service account **************  (tenant main)\n").count(), 1, "{table}");
    assert_eq!(table.matches("+ company.team  FLOW  DELETE").count(), 2, "{table}");
    for format in ["json", "markdown"] {
        let out = iamlint(d, &["access", "--diff", "HEAD", "--format", format, "."]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert_hidden(&stdout(&out), "Zq7Wkx9Vjp3Rty", &format!("`access --diff --format {format}`"));
        assert!(!stdout(&out).contains("\"added\"") && !stdout(&out).contains("(new)"), "{}", stdout(&out));
    }
}

/// Every output format: those with snippets (human, json, sarif, github, markdown) and
/// the rest.
const FORMATS: [&str; 10] =
    ["human", "concise", "json", "sarif", "github", "gitlab", "junit", "checkstyle", "rdjson", "markdown"];

/// The concise report of `check .`, after every format was searched for `secrets`.
fn check_hides(d: &Path, secrets: &[&str]) -> String {
    for format in FORMATS {
        let out = iamlint(d, &["check", "--format", format, "."]);
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(&out));
        for secret in secrets {
            assert_hidden(&stdout(&out), secret, &format!("`--format {format}`"));
            assert_hidden(&stderr(&out), secret, &format!("`--format {format}` stderr"));
        }
    }
    stdout(&iamlint(d, &["check", "--format", "concise", "."]))
}

#[test]
fn a_misspelt_credential_key_is_a_credential() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    platform(d);
    write(
        d,
        "iam/bots.yaml",
        "serviceAccounts:\n  - name: etl-bot\n    description: nightly loads\n    groups: [bots]\n    \
         pasword: Hq8Vtw3Kzr7Pxy\n    apiTokens:\n      - name: etl\n        description: loads\n        \
         maxAge: P30D\n        api_tokne: Wv6Jyk8Qzt3Hpr\n        secert: Kj4Rzq9Xvw2Tpy\n",
    );
    let report = check_hides(d, &["Hq8Vtw3Kzr7Pxy", "Wv6Jyk8Qzt3Hpr", "Kj4Rzq9Xvw2Tpy"]);
    for (line, noun) in [(5, "password"), (10, "API token"), (11, "secret")] {
        let unknown = format!("iam/bots.yaml:{line}:");
        assert!(report.lines().any(|l| l.starts_with(&unknown) && l.contains("IAM002")), "{report}");
        let reported = report
            .lines()
            .any(|l| l.starts_with(&unknown) && l.contains(&format!("IAM601 [error] hardcoded {noun} (sha256:")));
        assert!(reported, "no IAM601 on line {line}:\n{report}");
    }
    // The snippet of the IAM002 finding shows the key, the value starred.
    let human = stdout(&iamlint(d, &["check", "--select", "IAM002", "iam/bots.yaml"]));
    assert!(human.contains("pasword: **************"), "{human}");
}

/// A repository that deploys from GitHub Actions and GitLab CI with credentials written in
/// each way the review found unreported: secrets, and where each is written.
const CI_SECRETS: [(&str, usize, &str); 10] = [
    (".github/workflows/deploy.yml", 10, "Gx4Pwq8Zkv7Rtj"),
    (".github/workflows/deploy.yml", 11, "Gx5Jwk9Zrv6Qtp"),
    (".github/workflows/deploy.yml", 17, "Gx6Vkr8Pzq4Wty"),
    (".github/workflows/deploy.yml", 19, "Gx7Qzv3Kwr8Pjt"),
    (".gitlab-ci.yml", 2, "Lb3Wqz7Kvr9Ptx"),
    (".gitlab-ci.yml", 3, "Lb4Rkw8Zqv6Tpj"),
    ("scripts/deploy.sh", 3, "Sh5Kqw7Zvr4Ptj"),
    ("scripts/deploy.sh", 6, "Sh6Wzq8Krv3Tpx"),
    ("envs/prod/users.tf", 4, "Tf7Qwk9Zrv5Ptj"),
    ("envs/prod/users.tf", 9, "Tf8Zvq4Kwr7Ptx"),
];

fn ci_repository(d: &Path) {
    platform(d);
    write(
        d,
        ".github/workflows/deploy.yml",
        "name: deploy\non: push\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    \
         env:\n      KESTRA_URL: https://kestra.example.com\n      KESTRA_API_TOKEN: ${{ secrets.KESTRA_API_TOKEN }}\n      \
         KESTRA_USERNAME: admin@example.com\n      KESTRA_PASSWORD: Gx4Pwq8Zkv7Rtj\n      \
         KESTRA_USER: \"admin@example.com:Gx5Jwk9Zrv6Qtp\"\n    steps:\n      - uses: actions/checkout@v4\n      \
         - name: validate\n        run: kestra flow validate flows/\n      - name: deploy\n        \
         run: kestra flow namespace update company flows/ --user admin@example.com:'Gx6Vkr8Pzq4Wty'\n      - name: smoke\n        \
         run: curl -fsS -u admin@example.com:Gx7Qzv3Kwr8Pjt https://kestra.example.com/api/v1/flows\n",
    );
    write(
        d,
        ".gitlab-ci.yml",
        "variables:\n  KESTRA_PASSWORD: Lb3Wqz7Kvr9Ptx\n  KESTRA_USER: admin@example.com:Lb4Rkw8Zqv6Tpj\n\
         deploy:\n  script:\n    - kestra flow namespace update company flows/ --user \"$KESTRA_USER\"\n",
    );
    write(
        d,
        "scripts/deploy.sh",
        "#!/bin/sh\nset -eu\nkestra flow namespace update company flows/ --user=admin@example.com:\"Sh5Kqw7Zvr4Ptj\"\n\
         sort -u flows.txt\ncurl --fail \\\n  --user ops:Sh6Wzq8Krv3Tpx https://kestra.example.com/api/v1/executions\n",
    );
    write(
        d,
        "envs/prod/users.tf",
        "resource \"kestra_user\" \"jane\" {\n  username = \"jane\"\n  email    = \"jane@example.com\"\n  \
         password = \"Tf7Qwk9Zrv5Ptj\"\n}\n\nresource \"kestra_user_password\" \"ops\" {\n  user_id  = kestra_user.jane.id\n  \
         password = \"Tf8Zvq4Kwr7Ptx\"\n}\n",
    );
}

#[test]
fn credentials_in_ci_env_maps_curl_and_kestra_resources_are_reported_and_starred() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ci_repository(d);
    let secrets: Vec<&str> = CI_SECRETS.iter().map(|(_, _, s)| *s).collect();
    let report = check_hides(d, &secrets);
    for (path, line, _) in CI_SECRETS {
        let at = format!("{path}:{line}:");
        assert!(
            report.lines().any(|l| l.starts_with(&at) && l.contains("IAM601 [error] hardcoded password (sha256:")),
            "no IAM601 at {at}:\n{report}"
        );
    }
    // References, usernames and other tools' `-u` are not credentials.
    let reported = report.lines().filter(|l| l.contains("IAM601") && !l.starts_with("iam/")).count();
    assert_eq!(reported, CI_SECRETS.len(), "{report}");
    // The neighbours' snippets show the lines around each value, starred.
    let human = stdout(&iamlint(d, &["check", ".github/workflows/deploy.yml"]));
    assert!(
        human.contains("KESTRA_PASSWORD: **************") && human.contains("admin@example.com:**************"),
        "{human}"
    );
}

/// A plan of a token rotation, saved under `plans/` for review: the old token in the prior
/// state and the change's `before`, the new one in `after`, and the provider's password as an
/// input variable. `planned_values` holds none of them (the token is being replaced).
const ROTATION_PLAN: &str = r#"{"format_version":"1.2","terraform_version":"1.9.0","variables":{"kestra_url":{"value":"https://kestra.example.com"},"kestra_password":{"value":"Pv3Qzk8Wrt6Jxy"}},"planned_values":{"root_module":{"resources":[{"address":"kestra_service_account_api_token.ci","mode":"managed","type":"kestra_service_account_api_token","name":"ci","values":{"name":"ci","description":"ci","max_age":"P30D","extended":false,"service_account_id":"68xAawPfiJPkTkZJIPX6jQ"}}]}},"resource_changes":[{"address":"kestra_service_account_api_token.ci","mode":"managed","type":"kestra_service_account_api_token","name":"ci","change":{"actions":["delete","create"],"before":{"full_token":"Ps4Wkq7Zrv9Ptx","name":"ci"},"after":{"full_token":"Pa5Rzw8Kqv3Tjy","name":"ci"}}}],"prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"kestra_service_account_api_token.ci","mode":"managed","type":"kestra_service_account_api_token","name":"ci","values":{"full_token":"Ps4Wkq7Zrv9Ptx","name":"ci","max_age":"P30D"}}]}}},"configuration":{"root_module":{"variables":{"kestra_password":{"sensitive":true}}}}}"#;

#[test]
fn credentials_anywhere_in_a_committed_plan_are_reported_once_each() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    platform(d);
    write(
        d,
        "envs/prod/tokens.tf",
        "resource \"kestra_service_account_api_token\" \"ci\" {\n  service_account_id = \"68xAawPfiJPkTkZJIPX6jQ\"\n  \
         name        = \"ci\"\n  description = \"ci\"\n  max_age     = \"P30D\"\n}\n",
    );
    write(d, "plans/prod.json", ROTATION_PLAN);
    let report = check_hides(d, &["Pv3Qzk8Wrt6Jxy", "Ps4Wkq7Zrv9Ptx", "Pa5Rzw8Kqv3Tjy"]);
    let found: Vec<&str> =
        report.lines().filter(|l| l.starts_with("plans/prod.json:") && l.contains("IAM601")).collect();
    // The old token is in two places, one finding; the new token and the password one each.
    assert_eq!(found.len(), 3, "{report}");
    for path in [
        "at `variables.kestra_password.value`",
        // (The old token is met first in the prior state.)
        "at `prior_state.values.root_module.resources[0].values.full_token`",
        "at `resource_changes[0].change.after.full_token`",
    ] {
        assert!(found.iter().any(|l| l.contains(path)), "no finding {path}:\n{report}");
    }
}

#[test]
fn a_credential_that_is_a_common_word_is_weak_starred_and_findings_keep_their_place() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "iam/sa.yaml",
        "serviceAccounts:\n  - name: report-service\n    description: reports\n    groups: [bots]\n  \
         - name: deploy-service\n    description: deploys\n    superAdmin: true\n    groups: [bots]\n\
         groups:\n  - name: bots\n    description: bots\n",
    );
    // Planted: a "password" that is a word of every account's name, and one that is a
    // group's name.
    write(
        d,
        "scripts/deploy.sh",
        "#!/bin/sh\nkestra flow namespace update company flows/ --user admin@example.com:service\n",
    );
    write(d, ".gitlab-ci.yml", "variables:\n  KESTRA_PASSWORD: Bots\n");
    git(d, &["init", "-q"]);
    let report = stdout(&iamlint(d, &["check", "--format", "concise", "."]));
    for (at, why) in [
        ("scripts/deploy.sh:2:", "weak: shorter than 8 characters"),
        (".gitlab-ci.yml:2:", "weak: shorter than 8 characters"),
    ] {
        assert!(
            report.lines().any(|l| l.starts_with(at) && l.contains("IAM601") && l.contains(why)),
            "{at}:\n{report}"
        );
    }
    // Never printed, even as part of a name...
    assert!(!report.contains("deploy-service") && !report.contains("report-service"), "{report}");
    // ...and yet the super admin is told apart by its place.
    let json: serde_json::Value =
        serde_json::from_slice(&iamlint(d, &["check", "--format", "json", "--select", "IAM301", "."]).stdout).unwrap();
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 1, "{json}");
    assert_eq!((findings[0]["path"].as_str(), findings[0]["line"].as_u64()), (Some("iam/sa.yaml"), Some(7)));
    let access: serde_json::Value =
        serde_json::from_slice(&iamlint(d, &["access", "--format", "json", "."]).stdout).unwrap();
    let admins: Vec<_> = access["principals"].as_array().unwrap().iter().filter(|p| p["super_admin"] == true).collect();
    assert_eq!(admins.len(), 1, "{access}");
    assert_eq!((admins[0]["path"].as_str(), admins[0]["line"].as_u64()), (Some("iam/sa.yaml"), Some(5)), "{access}");
    assert!(!admins[0]["name"].as_str().unwrap().contains("service"), "{access}");
}

#[test]
fn a_credential_that_is_a_name_or_a_word_is_weak() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    platform(d);
    write(d, "scripts/deploy.sh", "#!/bin/sh\nkestra flow update --user admin@example.com:ci-deployer\nkestra flow update --user admin@example.com:Reporting\nkestra flow update --api-token Zk8Wq3Rt7Vx2Pm\n");
    let report = stdout(&iamlint(d, &["check", "--format", "concise", "."]));
    assert!(report.contains("weak: the name of an object of the workspace"), "{report}");
    assert!(report.contains("weak: a single word"), "{report}");
    // A generated password is not weak.
    let strong = report.lines().find(|l| l.starts_with("scripts/deploy.sh:4:")).unwrap_or_default();
    assert!(strong.contains("IAM601") && !strong.contains("weak"), "{report}");
}

#[test]
fn the_value_of_an_item_of_a_credential_list_is_a_credential() {
    // `value:` says nothing of a credential by its name, but under `apiTokens` (or any list
    // of tokens, passwords or secrets) it is the token itself: the IAM002 snippet that
    // reports the unknown key printed it.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    platform(d);
    write(
        d,
        "iam/bots.yaml",
        "serviceAccounts:\n  - name: etl-bot\n    description: nightly loads\n    groups: [bots]\n    \
         apiTokens:\n      - name: etl\n        description: loads\n        maxAge: P30D\n        \
         value: Vk7Qzr4Wtp9Xjy\n",
    );
    write(
        d,
        "iam/deploy.json",
        r#"{"serviceAccounts":[{"name":"deploy-bot","description":"deploys","groups":["bots"],"apiTokens":[{"name":"ci","description":"ci","maxAge":"P30D","Value":"Jn3Wqk8Rzv5Tpx"}]}]}"#,
    );
    // A file that does not parse gives no structure: its snippet must star the value too.
    write(
        d,
        "iam/broken.yaml",
        "serviceAccounts:\n  - name: ops-bot\n    apiTokens:\n      - name: ops\n        value: Rw8Kpz3Qvt6Xjy\n  bad: [\n",
    );
    let report = check_hides(d, &["Vk7Qzr4Wtp9Xjy", "Jn3Wqk8Rzv5Tpx", "Rw8Kpz3Qvt6Xjy"]);
    assert!(report.lines().any(|l| l.starts_with("iam/broken.yaml:6:") && l.contains("IAM001")), "{report}");
    assert!(
        report.lines().any(|l| l.starts_with("iam/bots.yaml:9:") && l.contains("IAM601 [error] hardcoded API token")),
        "{report}"
    );
    assert!(report.lines().any(|l| l.starts_with("iam/deploy.json:") && l.contains("IAM601")), "{report}");
}

#[test]
fn a_curl_call_to_kestra_is_named_a_curl_command_and_docker_users_are_no_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    platform(d);
    write(
        d,
        "scripts/deploy.sh",
        "#!/bin/sh\ncurl --fail --user \"ops:Sh6Wzq8Krv3Tpx\" https://kestra.example.com/api/v1/executions\n\
         kestra flow validate --user admin:Adm1nPw9Qz flows/\ndocker run --user kestra:kestra kestra/kestra:latest server local\n",
    );
    let report = check_hides(d, &["Sh6Wzq8Krv3Tpx", "Adm1nPw9Qz"]);
    let script: Vec<&str> = report.lines().filter(|l| l.starts_with("scripts/deploy.sh:")).collect();
    assert_eq!(script.len(), 2, "{report}");
    assert!(script[0].starts_with("scripts/deploy.sh:2:") && script[0].ends_with("of a curl command"), "{report}");
    assert!(script[1].starts_with("scripts/deploy.sh:3:") && script[1].ends_with("of a kestra command"), "{report}");
}
