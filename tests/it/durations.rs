//! Token lifetimes at the edge of what Kestra reads: a max age Java's `Duration` (or the
//! expiry it gives) cannot hold is invalid (IAM204), never merely too long (IAM202); the
//! configured maximum is bounded, and no fix writes a lifetime Kestra would reject.

use crate::common;
use common::*;
use std::path::Path;

/// A repository with Terraform tokens (a root and a module it calls) and a manifest, each
/// with lifetimes Java rejects or cannot turn into an expiry, beside ordinary ones.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(
        d,
        "modules/bot/main.tf",
        r#"variable "name" {}
variable "max_age" {}
resource "kestra_service_account" "this" {
  name        = var.name
  description = "CI bot"
}
resource "kestra_service_account_api_token" "ci" {
  service_account_id = kestra_service_account.this.id
  name               = "${var.name}-ci"
  description        = "CI"
  max_age            = var.max_age
}
"#,
    );
    write(
        d,
        "envs/prod/main.tf",
        r#"module "loader" {
  source  = "../../modules/bot"
  name    = "loader"
  max_age = var.loader_max_age
}
variable "loader_max_age" {}
resource "kestra_service_account" "deployer" {
  name        = "deployer"
  description = "deploys flows"
}
resource "kestra_service_account_api_token" "deploy" {
  service_account_id = kestra_service_account.deployer.id
  name               = "deploy"
  description        = "deploys"
  max_age            = "PT9999999999999999999H"
}
"#,
    );
    write(d, "envs/prod/terraform.tfvars", "loader_max_age = \"P999999999999D\"\n");
    write(
        d,
        "iam/accounts.yaml",
        "serviceAccounts:\n  - name: exporter\n    description: exports\n    apiTokens:\n      - name: beyond-long\n        description: d\n        maxAge: P106751991167301D\n      - name: yearly\n        description: d\n        maxAge: P365D\n      - name: forever\n        description: d\n",
    );
    dir
}

fn concise(d: &Path, extra: &[&str]) -> (String, String, Option<i32>) {
    let mut args = vec!["check", "--format", "concise", "--select", "IAM201,IAM202,IAM204"];
    args.extend_from_slice(extra);
    let out = iamlint(d, &args);
    (stdout(&out), stderr(&out), out.status.code())
}

#[test]
fn lifetimes_java_cannot_hold_are_invalid_not_too_long() {
    let dir = repository();
    let (out, err, status) = concise(dir.path(), &[]);
    assert_eq!(status, Some(1), "{out}{err}");
    for (place, value) in [
        ("envs/prod/main.tf:15:", "PT9999999999999999999H"),
        ("envs/prod/terraform.tfvars:1:", "P999999999999D"),
        ("iam/accounts.yaml:7:", "P106751991167301D"),
    ] {
        let line = out.lines().find(|l| l.starts_with(place)).unwrap_or_else(|| panic!("{place}\n{out}"));
        assert!(line.contains("IAM204") && line.contains(value), "{line}");
    }
    assert!(out.lines().filter(|l| l.contains("IAM202")).all(|l| l.contains("P365D")), "{out}");
    assert_eq!(out.lines().filter(|l| l.contains("IAM202")).count(), 1, "{out}");
}

#[test]
fn the_configured_maximum_is_bounded_with_the_place_named() {
    let dir = repository();
    let d = dir.path();
    write(d, ".iamlint.yaml", "# Tokens are rotated by hand.\nmax-token-age: P999999999999999999D\n");
    let (out, err, status) = concise(d, &[]);
    assert_eq!(status, Some(2), "{out}{err}");
    assert!(err.contains(".iamlint.yaml:2:16") && err.contains("max-token-age"), "{err}");
    write(d, ".iamlint.yaml", "max-token-age: P36501D\n");
    let (_, err, status) = concise(d, &[]);
    assert_eq!(status, Some(2), "{err}");
    assert!(err.contains(".iamlint.yaml:1:16") && err.contains("P36500D"), "{err}");
    std::fs::remove_file(d.join(".iamlint.yaml")).unwrap();
    for flag in ["P36501D", "P999999999999999999D", "PT9999999999999999999H"] {
        let (out, err, status) = concise(d, &["--max-token-age", flag]);
        assert_eq!(status, Some(2), "{flag}: {out}{err}");
        assert!(err.contains("--max-token-age"), "{err}");
    }
    let (out, err, status) = concise(d, &["--max-token-age", "P36500D"]);
    assert_eq!(status, Some(1), "{out}{err}");
}

#[test]
fn no_fix_writes_a_lifetime_kestra_rejects() {
    let dir = repository();
    let d = dir.path();
    write(d, ".iamlint.yaml", "max-token-age: P36500D\n");
    write(
        d,
        "iam/casual.yaml",
        "serviceAccounts:\n  - name: archiver\n    description: d\n    apiTokens:\n      - name: casual\n        description: d\n        maxAge: 99999999999999d\n      - name: weeks\n        description: d\n        maxAge: 9999999999999w\n      - name: long\n        description: d\n        maxAge: P40000D\n",
    );
    let out = iamlint(d, &["check", "--fix", "--unsafe-fixes", "--select", "IAM201,IAM202,IAM204"]);
    assert_eq!(out.status.code(), Some(1), "{}{}", stdout(&out), stderr(&out));
    // Every lifetime now written parses: what is left is the invalid input, untouched.
    let (out, err, _) = concise(d, &[]);
    let remaining: Vec<&str> = out.lines().collect();
    assert!(remaining.iter().all(|l| l.contains("IAM204")), "{out}{err}");
    for value in ["PT9999999999999999999H", "P999999999999D", "P106751991167301D", "99999999999999d", "9999999999999w"]
    {
        assert!(out.contains(value), "{value} was rewritten: {out}");
    }
    assert_eq!(remaining.len(), 5, "{out}");
    let casual = std::fs::read_to_string(d.join("iam/casual.yaml")).unwrap();
    assert!(casual.contains("maxAge: P36500D") && !casual.contains("P40000D"), "{casual}");
}
