//! Baselines over part of a workspace, and baselines of findings made by a chain of grants.

use crate::common;
use common::*;
use std::path::Path;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

/// The entries of a baseline as written, each the text of its object, by its path.
fn entries(text: &str) -> Vec<(String, String)> {
    let json: serde_json::Value = serde_json::from_str(text).unwrap();
    let paths: Vec<String> =
        json["findings"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    let body = text.split_once("\"findings\": [\n").unwrap().1;
    let texts: Vec<String> = body.split("\n    },\n").map(|e| e.trim_end_matches("\n  ]\n}\n").to_string()).collect();
    assert_eq!(texts.len(), paths.len(), "{text}");
    paths.into_iter().zip(texts).collect()
}

/// A platform repository: two Terraform deployments and the teams' manifests, each with
/// findings of its own.
fn platform() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    for env in ["prod", "staging"] {
        write(
            d,
            &format!("envs/{env}/main.tf"),
            &format!(
                "resource \"kestra_group\" \"bots\" {{\n  name        = \"bots\"\n  description = \"automation\"\n}}\n\nresource \"kestra_service_account\" \"deployer\" {{\n  name        = \"Deployer_{env}\"\n  description = \"deploys flows\"\n  group {{ group_id = kestra_group.bots.id }}\n}}\n\nresource \"kestra_service_account_api_token\" \"deploy\" {{\n  service_account_id = kestra_service_account.deployer.id\n  name               = \"deploy\"\n  description        = \"CI\"\n  max_age            = \"P365D\"\n}}\n"
            ),
        );
        write(d, &format!("envs/{env}/terraform.tfvars"), "region = \"eu-west-1\"\n");
    }
    write(
        d,
        "teams/data/iam.yaml",
        "serviceAccounts:\n  - name: Data_Loader\n    description: loads\n    groups: [data]\ngroups:\n  - name: data\n    description: data team\n",
    );
    write(
        d,
        "teams/web/iam.yaml",
        "serviceAccounts:\n  - name: web-publisher\n    description: publishes\n    apiTokens:\n      - name: publish\n        description: d\n        maxAge: P200D\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "platform"]);
    dir
}

#[test]
fn a_run_over_part_of_the_workspace_neither_stales_nor_drops_other_files_entries() {
    let dir = platform();
    let d = dir.path();
    let out = iamlint(d, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = read(d, "baseline.json");
    let recorded = entries(&before);
    assert!(["envs/prod/", "envs/staging/", "teams/data/", "teams/web/"]
        .iter()
        .all(|p| recorded.iter().any(|(path, _)| path.starts_with(p))));

    // A deployment, then files named as pre-commit names them: nothing stale, all baselined.
    for paths in [&["envs/prod"][..], &["teams/data/iam.yaml", "envs/staging/main.tf"], &["./envs/prod/"]] {
        let mut args = vec!["check", "--baseline", "baseline.json", "--format", "concise"];
        args.extend_from_slice(paths);
        let out = iamlint(d, &args);
        assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()), "{paths:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("no longer"), "{paths:?}: {}", stderr(&out));
    }

    // Fixed in prod: stale for a run over prod, which also prunes it, keeping the rest.
    let main = read(d, "envs/prod/main.tf").replace("P365D", "P30D");
    write(d, "envs/prod/main.tf", &main);
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "envs/prod"]);
    assert!(stderr(&out).contains("1 baseline entry no longer matches a finding"), "{}", stderr(&out));
    let out = iamlint(d, &["check", "--write-baseline", "baseline.json", "envs/prod"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let after = entries(&read(d, "baseline.json"));
    let outside = |e: &[(String, String)]| -> Vec<(String, String)> {
        e.iter().filter(|(p, _)| !p.starts_with("envs/prod/")).cloned().collect()
    };
    assert_eq!(outside(&after), outside(&recorded), "entries of other files changed");
    let prod = |e: &[(String, String)]| e.iter().filter(|(p, _)| p.starts_with("envs/prod/")).count();
    assert_eq!(prod(&after), prod(&recorded) - 1);
    let kept = outside(&recorded).len();
    assert!(
        stderr(&out).contains(&format!("kept the {kept} entries of files this run does not cover")),
        "{}",
        stderr(&out)
    );

    // Named files, as pre-commit passes them: the same.
    let out = iamlint(d, &["check", "--write-baseline", "baseline.json", "teams/web/iam.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(entries(&read(d, "baseline.json")), after);
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "--format", "concise"]);
    assert_eq!((out.status.code(), stdout(&out)), (Some(0), String::new()), "{}", stderr(&out));
    assert!(!stderr(&out).contains("no longer"), "{}", stderr(&out));

    // A file deleted from a folder the run covers takes its entries with it.
    std::fs::remove_file(d.join("teams/data/iam.yaml")).unwrap();
    let out = iamlint(d, &["check", "--baseline", "baseline.json", "teams"]);
    assert!(stderr(&out).contains("no longer"), "{}", stderr(&out));
    iamlint(d, &["check", "--write-baseline", "baseline.json", "teams"]);
    assert!(entries(&read(d, "baseline.json")).iter().all(|(p, _)| !p.starts_with("teams/data/")));
}
