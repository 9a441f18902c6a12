//! The ways to install iamlint agree with the crate: one version everywhere a user
//! picks one up, a packaged crate that holds what the binary is built from, and a wheel
//! that installs into a fresh venv and runs with no Rust toolchain.
//!
//! `.ci/run` also builds each route for real: the wheel (maturin), `cargo package
//! --locked` and `cargo install --locked` from the packaged crate, and the pre-commit hooks
//! (tests/pre_commit.rs).

use crate::common;
use common::*;
use iamlint::syntax::yaml::{self, Limits, Node};
use std::process::Command;
use std::time::Instant;

const VERSION: &str = env!("CARGO_PKG_VERSION");

fn toml_file(name: &str) -> toml::Table {
    let text = std::fs::read_to_string(repo_root().join(name)).unwrap();
    text.parse().unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn yaml_file(name: &str) -> Node {
    let text = std::fs::read_to_string(repo_root().join(name)).unwrap();
    yaml::parse(&text, Limits::default()).unwrap_or_else(|e| panic!("{name}: {e:?}")).remove(0)
}

#[test]
fn every_install_route_names_the_crates_version() {
    let cargo = toml_file("Cargo.toml");
    assert_eq!(cargo["package"]["version"].as_str(), Some(VERSION));

    // The wheel takes its version from Cargo.toml.
    let wheel = toml_file("python/pyproject.toml");
    assert_eq!(wheel["project"]["name"].as_str(), Some("iamlint"));
    assert!(wheel["project"].get("version").is_none(), "python/pyproject.toml sets a version of its own");
    assert_eq!(wheel["project"]["dynamic"].as_array().unwrap(), &[toml::Value::from("version")]);
    assert_eq!(wheel["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
    assert_eq!(wheel["tool"]["maturin"]["manifest-path"].as_str(), Some("../Cargo.toml"));

    // The package pre-commit installs depends on the wheel of the same version.
    let hooks = toml_file("pyproject.toml");
    assert_eq!(hooks["project"]["version"].as_str(), Some(VERSION));
    let dependencies: Vec<&str> =
        hooks["project"]["dependencies"].as_array().unwrap().iter().map(|d| d.as_str().unwrap()).collect();
    assert_eq!(dependencies, [format!("iamlint=={VERSION}")]);

    let action = yaml_file("action.yml");
    let default = action.get("inputs").and_then(|i| i.get("version")).and_then(|v| v.get("default"));
    assert_eq!(default.and_then(Node::as_str), Some(VERSION), "action.yml installs another version");

    let gitlab = yaml_file("ci/gitlab/iamlint.gitlab-ci.yml");
    let pinned = gitlab.get("iamlint").and_then(|j| j.get("variables")).and_then(|v| v.get("IAMLINT_VERSION"));
    assert_eq!(pinned.and_then(Node::as_str), Some(VERSION), "the GitLab template installs another version");

    // The versions users copy from the documentation.
    for (page, lines) in [
        (
            "README.md",
            vec![
                format!("rev: v{VERSION}"),
                format!("iamlint/iamlint@v{VERSION}"),
                format!("iamlint/v{VERSION}/ci/gitlab/"),
            ],
        ),
        (
            "docs/install.md",
            vec![
                format!("rev: v{VERSION}"),
                format!("iamlint/iamlint@v{VERSION}"),
                format!("iamlint/v{VERSION}/ci/gitlab/"),
            ],
        ),
    ] {
        let text = std::fs::read_to_string(repo_root().join(page)).unwrap();
        for line in lines {
            assert!(text.contains(&line), "{page} does not show `{line}`");
        }
    }
}

#[test]
fn the_packaged_crate_holds_what_the_binary_is_built_from() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--locked"])
        .current_dir(repo_root())
        .output()
        .expect("cargo runs");
    assert!(out.status.success(), "cargo package --list: {}", stderr(&out));
    let listed: Vec<String> = stdout(&out).lines().map(String::from).collect();
    let has = |p: &str| listed.iter().any(|l| l == p);
    for file in ["Cargo.toml", "Cargo.lock", "LICENSE", "README.md", "iamlint.schema.json", "src/main.rs"] {
        assert!(has(file), "the crate lacks {file}");
    }
    for rule in iamlint::catalogue::Catalogue::builtin().rules().iter().filter(|r| r.code.starts_with("IAM")) {
        assert!(has(&format!("rules/{}.toml", rule.code)), "the crate lacks rules/{}.toml", rule.code);
    }
    // Every file the sources embed.
    let embed = regex::Regex::new(r#"include_(?:str|bytes)!\(\s*"([^"]+)"\s*\)"#).unwrap();
    for path in listed.iter().filter(|p| p.starts_with("src/") && p.ends_with(".rs")) {
        let text = std::fs::read_to_string(repo_root().join(path)).unwrap();
        for c in embed.captures_iter(&text) {
            let embedded = std::path::Path::new(path).parent().unwrap().join(&c[1]);
            let mut normal = std::path::PathBuf::new();
            for part in embedded.components() {
                match part {
                    std::path::Component::ParentDir => {
                        normal.pop();
                    }
                    other => normal.push(other),
                }
            }
            assert!(has(&normal.to_string_lossy()), "{path} embeds {}, which the crate lacks", normal.display());
        }
    }
    for l in &listed {
        assert!(
            !["fixtures/", "tests/", "benches/", "fuzz/", "examples/", ".ci/", "python/", "ci/"]
                .iter()
                .any(|p| l.starts_with(p)),
            "the crate carries {l}"
        );
    }
}

/// The wheel `.ci/run` builds, in a fresh venv, by pip offline and with no cargo or rustc
/// on PATH: `iamlint` is a command, and it lints the sample workspace.
#[test]
fn the_wheel_installs_into_a_fresh_venv_and_runs() {
    let Some(wheels) = require_wheels() else { return };
    let dir = tempfile::tempdir().unwrap();
    let venv = dir.path().join("venv");
    let path = path_without_rust();
    let start = Instant::now();
    let out = Command::new("python3").arg("-m").arg("venv").arg(&venv).env("PATH", &path).output().unwrap();
    assert!(out.status.success(), "venv: {}", stderr(&out));
    let out = Command::new(venv.join("bin/pip"))
        .args(["install", "--quiet", "--disable-pip-version-check", "--no-cache-dir", &format!("iamlint=={VERSION}")])
        .env("PATH", &path)
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", &wheels)
        .output()
        .unwrap();
    assert!(out.status.success(), "pip install: {}{}", stdout(&out), stderr(&out));
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "wheel installed into a fresh venv in {:.1}s", start.elapsed().as_secs_f64());

    let installed = venv.join("bin/iamlint");
    let out = Command::new(&installed).arg("--version").output().unwrap();
    assert_eq!(stdout(&out).trim(), format!("iamlint {VERSION}"));
    let out = Command::new(&installed)
        .args(["check", "--format", "json", "examples"])
        .current_dir(repo_root())
        .env("PATH", &path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let under_test = iamlint(repo_root(), &["check", "--format", "json", "examples"]);
    let expected: serde_json::Value = serde_json::from_slice(&under_test.stdout).unwrap();
    assert!(
        report == expected,
        "the wheel's binary reports otherwise than this build's: a stale wheel? `.ci/run` rebuilds it"
    );
}
