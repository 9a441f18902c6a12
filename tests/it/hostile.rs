//! Hostile input (docs/inputs.md, Hostile input): every case runs the real binary on a workspace holding one bad
//! file beside a good one, under a 10-second guard. Each must end with a diagnostic naming
//! the bad file, status 1 (a finding), no panic, and the good file still linted.

use crate::common;
use common::*;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GUARD: Duration = Duration::from_secs(10);

/// A manifest with one known finding: proof that the other files are still linted.
const GOOD: &str = "serviceAccounts:\n  - name: CI_Bot\n    groups: [bots]\n    apiTokens:\n      - name: deploy\n        maxAge: P30D\ngroups:\n  - name: bots\n";
const GOOD_FINDING: &str = "ok.yaml:2:11: IAM101 [error]";

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// A case whose output is itself large: linear work takes a few seconds of CPU in a debug
/// build, and on a loaded CI machine several times that in wall time. The quadratic
/// behaviour such a case guards against takes minutes at its size.
const SLOW_GUARD: Duration = Duration::from_secs(60);

/// Runs iamlint, killing it and failing the test if it outlives the guard.
fn run(dir: &Path, args: &[&str]) -> Run {
    run_within(dir, args, GUARD)
}

fn run_within(dir: &Path, args: &[&str], guard: Duration) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    command.args(args).current_dir(dir).env("NO_COLOR", "1");
    let r = run_guarded(command, Stdio::piped(), guard);
    Run {
        status: r.status,
        stdout: String::from_utf8_lossy(&r.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&r.stderr).into_owned(),
    }
}

/// Lints `dir` (which holds `ok.yaml` and one hostile file) and checks the common contract:
/// status 1, no panic, the good file's finding, and an IAM001 on `bad` whose message
/// contains `why`.
fn assert_reported(dir: &Path, bad: &str, why: &str, extra: &[&str]) -> Run {
    let mut args = vec!["check", "--format", "concise", "."];
    args.extend_from_slice(extra);
    let r = run(dir, &args);
    assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
    assert_eq!(r.status, Some(1), "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains(GOOD_FINDING), "the good file was not linted:\n{}", r.stdout);
    let line = r
        .stdout
        .lines()
        .find(|l| l.starts_with(&format!("{bad}:")) && l.contains("IAM001"))
        .unwrap_or_else(|| panic!("no IAM001 naming `{bad}`:\n{}", r.stdout));
    assert!(line.contains(why), "expected `{why}` in: {line}");
    r
}

fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.yaml", GOOD);
    dir
}

#[test]
fn yaml_alias_bomb() {
    let dir = workspace();
    // "Billion laughs": nine levels of ten aliases each expand to 10^9 nodes.
    let mut text = String::from("lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..10 {
        let p = format!("*lol{}", i - 1);
        text.push_str(&format!("lol{i}: &lol{i} [{}]\n", [p.as_str(); 10].join(", ")));
    }
    text.push_str("roles: *lol9\n");
    write(dir.path(), "bomb.yaml", &text);
    assert_reported(dir.path(), "bomb.yaml", "more than 1000000 nodes", &[]);
}

#[test]
fn yaml_alias_chain_cannot_nest_past_the_limit() {
    let dir = workspace();
    let mut text = String::from("a0: &a0 x\n");
    for i in 1..100 {
        text.push_str(&format!("a{i}: &a{i} {}*a{} {}\n", "[".repeat(50), i - 1, "]".repeat(50)));
    }
    text.push_str("roles: []\n");
    write(dir.path(), "chain.yaml", &text);
    assert_reported(dir.path(), "chain.yaml", "nesting deeper than 256 levels (through an alias)", &[]);
}

#[test]
fn yaml_nested_ten_thousand_deep() {
    let dir = workspace();
    write(dir.path(), "block.yaml", &format!("serviceAccounts:\n{}x\n", "- ".repeat(10_000)));
    write(dir.path(), "flow.yaml", &format!("roles: {}{}\n", "[".repeat(10_000), "]".repeat(10_000)));
    write(dir.path(), "flow.json", &format!("{{\"roles\": {}{}}}\n", "[".repeat(10_000), "]".repeat(10_000)));
    let r = assert_reported(dir.path(), "block.yaml", "nesting deeper than 256 levels", &[]);
    for f in ["flow.yaml", "flow.json"] {
        assert!(r.stdout.lines().any(|l| l.starts_with(f) && l.contains("IAM001")), "{f}:\n{}", r.stdout);
    }
}

#[test]
fn yaml_depth_limit_is_configurable() {
    let dir = workspace();
    let ten_deep = format!("roles:\n  - name: r\n    description: {}x{}\n", "[".repeat(8), "]".repeat(8));
    write(dir.path(), "roles.yaml", &ten_deep);
    let r = run(dir.path(), &["check", "--format", "concise", "."]);
    assert!(!r.stdout.contains("roles.yaml"), "{}", r.stdout);
    assert_reported(dir.path(), "roles.yaml", "nesting deeper than 8 levels", &["--max-yaml-depth", "8"]);
    for bad in ["0", "1001", "deep"] {
        let r = run(dir.path(), &["check", "--max-yaml-depth", bad]);
        assert_eq!(r.status, Some(2), "--max-yaml-depth {bad}: {}", r.stderr);
    }
}

#[test]
fn hcl_nested_ten_thousand_deep() {
    let dir = workspace();
    // A module of Kestra's: the others are not parsed at all (docs/inputs.md).
    write(dir.path(), "iam.tf", "resource \"kestra_group\" \"bots\" {\n  name = \"bots\"\n}\n");
    write(dir.path(), "expr.tf", &format!("locals {{\n  x = {}{}\n}}\n", "[".repeat(10_000), "]".repeat(10_000)));
    write(dir.path(), "blocks.tf", &format!("{}{}", "a {\n".repeat(10_000), "}\n".repeat(10_000)));
    let r = assert_reported(dir.path(), "expr.tf", "nesting deeper than 32 levels", &[]);
    assert!(r.stdout.lines().any(|l| l.starts_with("blocks.tf") && l.contains("nesting deeper")), "{}", r.stdout);
}

#[test]
fn hundred_megabyte_file_is_rejected_unread() {
    let dir = workspace();
    // Sparse: the test writes no 100 MB, and iamlint must not read them either.
    let f = std::fs::File::create(dir.path().join("huge.tf")).unwrap();
    f.set_len(100 * 1024 * 1024).unwrap();
    let start = Instant::now();
    assert_reported(dir.path(), "huge.tf", "larger than the 16777216-byte limit", &[]);
    assert!(start.elapsed() < Duration::from_secs(5), "took {:?}", start.elapsed());
}

#[test]
fn file_size_limit_is_configurable() {
    let dir = workspace();
    let description = "Bots of the platform team. ".repeat(10);
    write(
        dir.path(),
        "groups.tf",
        &format!("resource \"kestra_group\" \"g\" {{\n  description = \"{description}\"\n}}\n"),
    );
    assert!(GOOD.len() < 200);
    let r = run(dir.path(), &["check", "--format", "concise", "."]);
    assert!(!r.stdout.contains("groups.tf"), "{}", r.stdout);
    assert_reported(dir.path(), "groups.tf", "larger than the 200-byte limit", &["--max-file-size", "200"]);
    for bad in ["0", "-1", "1MB"] {
        let r = run(dir.path(), &["check", "--max-file-size", bad]);
        assert_eq!(r.status, Some(2), "--max-file-size {bad}: {}", r.stderr);
    }
}

#[test]
fn binary_file_named_tf() {
    let dir = workspace();
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    std::fs::write(dir.path().join("image.tf"), [b"\x7fELF\x02\x01\x01\x00".as_slice(), &bytes].concat()).unwrap();
    assert_reported(dir.path(), "image.tf", "binary file", &[]);
}

#[test]
fn invalid_utf8() {
    let dir = workspace();
    std::fs::write(dir.path().join("latin1.yaml"), b"serviceAccounts:\n  - name: caf\xe9\n").unwrap();
    std::fs::write(dir.path().join("latin1.tf"), b"resource \"kestra_group\" \"g\" {\n  name = \"\xff\"\n}\n").unwrap();
    let r = assert_reported(dir.path(), "latin1.yaml", "not valid UTF-8 (byte 0xE9)", &[]);
    assert!(r.stdout.contains("latin1.tf:2:11: IAM001 [error] file is not valid UTF-8 (byte 0xFF)"), "{}", r.stdout);
}

#[cfg(unix)]
#[test]
fn symlink_loops() {
    use std::os::unix::fs::symlink;
    let dir = workspace();
    symlink("loop.tf", dir.path().join("loop.tf")).unwrap();
    std::fs::create_dir(dir.path().join("sub")).unwrap();
    symlink("..", dir.path().join("sub/up")).unwrap();
    let r = assert_reported(dir.path(), "loop.tf", "symbolic links", &[]);
    // The folder loop is not followed: the good file is read once, from one place.
    assert_eq!(r.stdout.matches("IAM101").count(), 1, "{}", r.stdout);
    // Named on the command line, the loop is a path iamlint cannot read: status 2.
    let r = run(dir.path(), &["check", "loop.tf"]);
    assert_eq!(r.status, Some(2), "{}", r.stderr);
    assert!(r.stderr.contains("cannot read path `loop.tf`"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn unreadable_files() {
    use std::os::unix::fs::{symlink, PermissionsExt};
    let dir = workspace();
    symlink("nowhere.tf", dir.path().join("dangling.tf")).unwrap();
    let locked = dir.path().join("locked.tf");
    std::fs::write(&locked, "resource \"kestra_group\" \"g\" {\n  name = \"Locked Group\"\n}\n").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let r = assert_reported(dir.path(), "dangling.tf", "cannot read file", &[]);
    // Mode 000 stops everyone but root, and tests may run as root: expect whichever
    // this process itself sees.
    if std::fs::File::open(&locked).is_err() {
        assert!(
            r.stdout.lines().any(|l| l.starts_with("locked.tf") && l.contains("Permission denied")),
            "{}",
            r.stdout
        );
    } else {
        assert!(!r.stdout.lines().any(|l| l.starts_with("locked.tf") && l.contains("IAM001")), "{}", r.stdout);
    }
}

#[cfg(unix)]
#[test]
fn fifo_does_not_hang() {
    let dir = workspace();
    let made = Command::new("mkfifo").arg(dir.path().join("pipe.yaml")).status().expect("mkfifo runs");
    assert!(made.success());
    assert_reported(dir.path(), "pipe.yaml", "not a regular file", &[]);
    // Named directly, too.
    let r = run(dir.path(), &["check", "--format", "concise", "pipe.yaml", "ok.yaml"]);
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("pipe.yaml:1:1: IAM001 [error] not a regular file"), "{}", r.stdout);
}

#[test]
fn paths_with_spaces_and_non_ascii() {
    let dir = tempfile::tempdir().unwrap();
    let name = "team folder/sérvice äccounts ✓.yaml";
    write(dir.path(), name, GOOD);
    let r = run(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains(&format!("{name}:2:11: IAM101")), "{}", r.stdout);
    let r = run(dir.path(), &["check", "--format", "json", name]);
    let json: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    assert_eq!(json["findings"][0]["path"], name);
}

#[cfg(unix)]
#[test]
fn file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let dir = workspace();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.tf");
    std::fs::write(dir.path().join(name), "resource \"kestra_service_account\" \"a\" {\n  name = \"Bad_Name\"\n}\n")
        .unwrap();
    let r = run(dir.path(), &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    assert!(r.stdout.contains("caf\u{fffd}.tf:2:10: IAM101"), "{}", r.stdout);
    assert!(r.stdout.contains(GOOD_FINDING), "{}", r.stdout);
}

/// Thousands of unresolved references against thousands of names: "did you mean" compares
/// each with each, which took minutes here before the comparisons had a budget. The first
/// references still get their suggestion, and a case-only typo gets one at any point.
#[test]
fn many_unresolved_references_against_many_names() {
    let dir = workspace();
    let mut yaml = String::from("groups:\n");
    for i in 0..10_000 {
        yaml.push_str(&format!("  - name: team-{i:05}-platform-engineering\n"));
    }
    yaml.push_str("serviceAccounts:\n");
    for i in 0..2_000 {
        yaml.push_str(&format!("  - name: sa-{i}\n    groups: [tem-{i:05}-platform-engineerin]\n"));
    }
    yaml.push_str("  - name: last\n    groups: [TEAM-09999-PLATFORM-ENGINEERING]\n");
    write(dir.path(), "teams.yaml", &yaml);
    let r = run(dir.path(), &["check", "--format", "json", "--select", "IAM501", "."]);
    assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
    assert_eq!(r.status, Some(1));
    let json: serde_json::Value = serde_json::from_str(&r.stdout).expect("valid JSON");
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2_001);
    assert_eq!(findings[0]["help"], "did you mean `team-00000-platform-engineering`?");
    let last = findings.last().unwrap();
    assert_eq!(last["message"], "no group named `TEAM-09999-PLATFORM-ENGINEERING` in tenant `main`");
    assert_eq!(last["help"], "did you mean `team-09999-platform-engineering`?");
}

/// A module that calls itself ten thousand times at every level: instances spend the root's
/// allowance, so it ends quickly with a bounded model.
#[test]
fn module_calls_that_multiply_stay_bounded() {
    let dir = workspace();
    let d = dir.path();
    write(d, "main.tf", "module \"m\" {\n  source = \"./m\"\n  count  = 10000\n}\n");
    write(
        d,
        "m/main.tf",
        "module \"n\" {\n  source = \"../m\"\n  count  = 10000\n}\n\nresource \"kestra_group\" \"g\" {\n  count = 10000\n  name  = \"g\"\n}\n",
    );
    let r = run(d, &["check", "--format", "concise", "--select", "IAM103", "."]);
    assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
    assert_eq!(r.status, Some(1), "{}", r.stderr);
    // Every group is named `g`: one finding, at the name.
    assert_eq!(r.stdout, "m/main.tf:8:11: IAM103 [error] duplicate group name `g` in tenant `main`\n");
}

/// A script of a hundred thousand literal tokens: each is recorded once, without comparing it
/// with every earlier one (that took minutes for 200,000).
#[test]
fn many_credentials_in_one_script() {
    let dir = workspace();
    let script: String = (0..100_000).map(|i| format!("kestra flow update --api-token tok{i:07}abcdef\n")).collect();
    write(dir.path(), "deploy.sh", &script);
    let r = run_within(dir.path(), &["check", "--format", "concise", "--select", "IAM601", "."], SLOW_GUARD);
    assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
    assert_eq!(r.status, Some(1));
    assert_eq!(r.stdout.lines().count(), 100_000);
    assert!(r.stdout.lines().all(|l| l.contains("IAM601") && l.contains("(sha256:")), "{}", &r.stdout[..200]);
}

/// Many findings on one long line (every plan is one line): a column is counted from a
/// mark near it, not from the start of the line. Counting from the line start made this
/// case quadratic: 68.6 s in a debug build, against 8.6 s now.
#[test]
fn many_findings_on_one_long_line() {
    let dir = workspace();
    let accounts: Vec<String> = (0..120_000)
        .map(|i| {
            format!("{{\"name\": \"Bad_Name_{i}\", \"description\": \"{}\", \"groups\": [\"bots\"]}}", "é".repeat(5))
        })
        .collect();
    let manifest = format!("{{\"groups\": [{{\"name\": \"bots\"}}], \"serviceAccounts\": [{}]}}", accounts.join(", "));
    write(dir.path(), "iam.json", &manifest);
    let r = run_within(dir.path(), &["check", "--format", "concise", "--select", "IAM101", "iam.json"], SLOW_GUARD);
    assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
    assert_eq!(r.status, Some(1));
    assert_eq!(r.stdout.lines().count(), 120_000);
    let last = r.stdout.lines().last().unwrap();
    // A JSON string's span starts at its opening quote.
    let column: usize = manifest.find("\"Bad_Name_119999").map(|b| manifest[..b].chars().count() + 1).unwrap();
    assert!(last.starts_with(&format!("iam.json:1:{column}: IAM101")), "{last}");
}

/// The YAML depth limit also bounds Terraform JSON, which goes through the same tree.
#[test]
fn yaml_depth_limit_bounds_terraform_json() {
    let dir = workspace();
    let deep = format!(
        "{{\"locals\": {{\"x\": {}1{}}}, \"resource\": {{\"kestra_group\": {{\"g\": {{\"name\": \"g\"}}}}}}}}",
        "[".repeat(8),
        "]".repeat(8)
    );
    write(dir.path(), "main.tf.json", &deep);
    let r = run(dir.path(), &["check", "--format", "concise", "."]);
    assert!(!r.stdout.contains("main.tf.json:1:1: IAM001"), "{}", r.stdout);
    assert_reported(dir.path(), "main.tf.json", "nesting deeper than 8 levels", &["--max-yaml-depth", "8"]);
}

/// A long value quoted by many findings: a 50 KB name that 200 accounts take from one local
/// made every message about them 50 KB (32 MB of output for a 118 KB file, and a minute in
/// a debug build). Quoted input is cut, and the name's suggestion looks at its start only.
#[test]
fn a_long_name_quoted_by_many_findings_keeps_output_in_proportion() {
    let dir = workspace();
    let name = "A".repeat(50_000);
    let mut tf = format!("locals {{\n  n = \"{name}\"\n}}\n");
    for i in 0..200 {
        tf.push_str(&format!("resource \"kestra_service_account\" \"s{i}\" {{\n  name = local.n\n}}\n"));
    }
    write(dir.path(), "main.tf", &tf);
    for format in ["human", "concise", "json", "sarif", "github", "gitlab", "junit", "checkstyle", "rdjson"] {
        let r = run_within(dir.path(), &["check", "--format", format, "."], SLOW_GUARD);
        assert_eq!(r.status, Some(1), "{format}: {}", r.stderr);
        assert!(r.stdout.len() < 1_000_000, "{format}: {} bytes of output for {} of input", r.stdout.len(), tf.len());
        assert!(r.stdout.contains("AAAA…AAAA"), "{format}: the name is not shown cut");
    }
}

/// RAYON_NUM_THREADS gets --threads' bound: 100000 started 15,000 spinning threads.
#[test]
fn the_thread_variable_is_bounded() {
    let dir = workspace();
    write(dir.path(), "iam.yaml", "serviceAccounts:\n  - name: Bad_Name\n");
    let mut command = Command::new(env!("CARGO_BIN_EXE_iamlint"));
    command.args(["check", "--format", "concise", "."]).current_dir(dir.path()).env("RAYON_NUM_THREADS", "100000");
    let r = run_guarded(command, Stdio::piped(), GUARD);
    assert_eq!(r.status, Some(1), "{}", String::from_utf8_lossy(&r.stderr));
}
