//! IAM601 over a repository laid out as teams commit one (`fixtures/credentials/repo`): every
//! place SPEC 2.3 names is found, every reference, substitution and placeholder is not,
//! and no output shows a character of a credential. Each planted credential's line carries
//! a `must-find` comment above it; `must-not-find` lines hold none.

use crate::common;
use common::*;
use std::path::Path;

const SECRETS: [&str; 12] = [
    "kstApiTokenFromActionInput42",
    "Deploy-Pass-Ci-2026",
    "kstFoldedContinuationToken77",
    "kstCompositeActionToken31",
    "kstGitlabIncludeToken58",
    "kstDefaultValueToken93",
    "kstGitlabFoldedToken21",
    "YWRtaW5Aa2VzdHJhLmlvOmtzdEJhc2ljMTI=",
    "kstFlowHeaderToken64",
    "kstFlowScriptToken15",
    "kstExtraHeaderToken86",
    "b3BzQGtlc3RyYS5pbzpFeHRyYUJhc2ljNTU=",
];

fn corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = repo_root().join("fixtures/credentials/repo");
    copy(&src, dir.path());
    dir
}

fn copy(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `path:line` of every line below a `must-find` comment, skipping comment lines.
fn planted(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, l) in lines.iter().enumerate() {
                if !l.contains("must-find") {
                    continue;
                }
                // The credential is on the first line below that holds one of the secrets.
                let at = (i + 1..lines.len()).find(|&j| SECRETS.iter().any(|s| lines[j].contains(s))).unwrap();
                let rel = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                out.push(format!("{rel}:{}", at + 1));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn credentials_where_teams_commit_them() {
    let dir = corpus();
    let d = dir.path();
    let expected = planted(d);
    assert_eq!(expected.len(), SECRETS.len(), "{expected:?}");
    let out = iamlint(d, &["check", "--select", "IAM601", "--format", "concise", "."]);
    let mut found: Vec<String> = stdout(&out)
        .lines()
        .map(|l| {
            let mut parts = l.splitn(3, ':');
            format!("{}:{}", parts.next().unwrap(), parts.next().unwrap())
        })
        .collect();
    found.sort();
    assert_eq!(found, expected, "{}", stdout(&out));

    // Named on the command line, as pre-commit does, CI includes and actions are read too.
    for file in [".gitlab/ci/deploy.yml", ".github/actions/kestra-deploy/action.yml"] {
        let out = iamlint(d, &["check", "--select", "IAM601", "--format", "concise", file]);
        let n = expected.iter().filter(|e| e.starts_with(file)).count();
        assert_eq!(stdout(&out).lines().count(), n, "{file}: {}", stdout(&out));
    }

    // The help fits the file.
    let json: serde_json::Value =
        serde_json::from_slice(&iamlint(d, &["check", "--select", "IAM601", "--format", "json", "."]).stdout).unwrap();
    for f in json["findings"].as_array().unwrap() {
        let (path, help) = (f["path"].as_str().unwrap(), f["help"].as_str().unwrap());
        if path.starts_with(".gitlab") {
            assert!(help.contains("GitLab CI/CD variable") && !help.contains("secrets."), "{path}: {help}");
        } else if path.starts_with(".github") {
            assert!(help.contains("secrets.KESTRA_API_TOKEN"), "{path}: {help}");
        } else if path.starts_with("flows") {
            assert!(help.contains("secret('KESTRA_API_TOKEN')"), "{path}: {help}");
        }
    }

    // No output shows a character run of any credential.
    for args in [
        &["check", "--select", "ALL", "."][..],
        &["check", "--select", "ALL", "--format", "json", "."],
        &["check", "--select", "ALL", "--format", "sarif", "."],
        &["check", "--select", "ALL", "--format", "github", "."],
        &["check", "--select", "ALL", "--diff", "--unsafe-fixes", "."],
    ] {
        let out = iamlint(d, args);
        let all = format!("{}{}", stdout(&out), stderr(&out));
        for s in SECRETS {
            for window in s.as_bytes().windows(12) {
                let piece = std::str::from_utf8(window).unwrap();
                assert!(!all.contains(piece), "{args:?} shows `{piece}` of a credential");
            }
        }
    }
}
