//! `iamlint check -`: an editor's or a script's buffer on standard input, linted as the file
//! `--stdin-filename` names inside its workspace (the rest read from disk), or alone as a
//! manifest; `--fix` prints the fixed buffer and writes nothing.

use crate::common;
use common::*;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// iamlint run in `dir` with `input` on standard input.
fn piped(dir: &Path, args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_iamlint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iamlint runs");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // Written from a thread: iamlint may stop reading (a size limit) before the end.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().expect("iamlint ends");
    writer.join().unwrap();
    out
}

const GROUPS: &str = "# Groups of the data platform.\ngroups:\n  - name: bots\n    description: Automation accounts\n";
const ACCOUNTS: &str =
    "serviceAccounts:\n  - name: loader\n    groups: [bots]\n    apiTokens:\n      - name: nightly\n        maxAge: 30d\n";

/// A repository whose `iam/accounts.yaml` on disk has an invalid duration (IAM204), a group
/// defined in another file, a legacy file with problems of its own, and Terraform.
fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    write(d, ".iamlint.yaml", "max-token-age: P7D\n");
    write(d, "iam/groups.yaml", GROUPS);
    write(d, "iam/accounts.yaml", ACCOUNTS);
    write(d, "iam/legacy.yaml", "serviceAccounts:\n  - name: Legacy_Bot\n");
    write(
        d,
        "terraform/prod/main.tf",
        "resource \"kestra_group\" \"deployers\" {\n  name        = \"deployers\"\n  description = \"CI\"\n}\n",
    );
    git(d, &["add", "-A"]);
    git(d, &["commit", "-q", "-m", "iam"]);
    dir
}

#[test]
fn a_buffer_is_linted_as_the_named_file_inside_its_workspace() {
    let dir = repository();
    let d = dir.path();
    // The editor's buffer: the duration repaired, an account added with a bad name.
    let buffer = ACCOUNTS.replace("30d", "P30D") + "  - name: ETL_Bot\n    groups: [bots, deployers]\n";
    let args = ["check", "-", "--stdin-filename", "iam/accounts.yaml", "--format", "concise"];
    let out = piped(d, &args, buffer.as_bytes());
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    // The buffer, not the file on disk: no IAM204, and lines of the buffer.
    assert!(!text.contains("IAM204"), "{text}");
    assert!(text.contains("iam/accounts.yaml:7:11: IAM101"), "{text}");
    // The configuration found from the named file applies (P7D, not the default P90D).
    assert!(
        text.contains("iam/accounts.yaml:6:17: IAM202 [warning] token max age P30D (30 days) is above the maximum P7D"),
        "{text}"
    );
    // The groups resolve from disk, Terraform's too; only the buffer is reported on.
    assert!(!text.contains("IAM401") && !text.contains("IAM501"), "{text}");
    assert!(text.lines().all(|l| l.starts_with("iam/accounts.yaml:")), "{text}");
    assert_eq!(std::fs::read_to_string(d.join("iam/accounts.yaml")).unwrap(), ACCOUNTS);
}

#[test]
fn a_buffer_for_a_file_not_yet_on_disk_is_linted_in_its_workspace() {
    let dir = repository();
    let d = dir.path();
    let buffer = "serviceAccounts:\n  - name: reports\n    groups: [bots, auditors]\n";
    let out = piped(
        &d.join("iam"),
        &["check", "-", "--stdin-filename", "new.yaml", "--format", "concise"],
        buffer.as_bytes(),
    );
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    // `bots` is found on disk; `auditors` is nowhere.
    assert!(text.contains("new.yaml:3:20: IAM501") && text.contains("auditors"), "{text}");
    assert!(!text.contains("`bots`"), "{text}");
    assert!(!d.join("iam/new.yaml").exists());
}

#[test]
fn fix_prints_the_fixed_buffer_and_writes_nothing() {
    let dir = repository();
    let d = dir.path();
    let buffer = ACCOUNTS.replace("loader", "Loader");
    let args =
        ["check", "-", "--stdin-filename", "iam/accounts.yaml", "--fix", "--unsafe-fixes", "--format", "concise"];
    let out = piped(d, &args, buffer.as_bytes());
    // Standard output is the buffer as fixed, whole and nothing else: the rename, the
    // duration, and the lifetime lowered to the configuration's P7D.
    assert_eq!(stdout(&out), ACCOUNTS.replace("30d", "P7D"), "{}", stderr(&out));
    assert!(stderr(&out).contains("Fixed 3 problems in 1 file."), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Nothing written: not the named file, nor any other.
    assert_eq!(git(d, &["status", "--porcelain", "--untracked-files=all"]), "");
    // With findings left, the report goes to standard error beside the fixed text.
    let args = ["check", "-", "--stdin-filename", "iam/accounts.yaml", "--fix", "--format", "concise"];
    let out = piped(d, &args, ACCOUNTS.as_bytes());
    assert_eq!(stdout(&out), ACCOUNTS.replace("30d", "P30D"));
    assert!(stderr(&out).contains("iam/accounts.yaml:6:17: IAM202"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(git(d, &["status", "--porcelain", "--untracked-files=all"]), "");
}

#[test]
fn without_a_file_name_standard_input_is_a_lone_manifest() {
    let dir = repository();
    let d = dir.path();
    let out =
        piped(d, &["check", "-", "--format", "concise"], b"serviceAccounts:\n  - name: CI_Bot\n    groups: [bots]\n");
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}{}", stderr(&out));
    assert!(text.contains("-:2:11: IAM101"), "{text}");
    // Alone: nothing is read from disk, so `bots` is unknown and the legacy file is not linted.
    assert!(text.contains("IAM501") && !text.contains("Legacy_Bot"), "{text}");
    let out = piped(d, &["check", "-", "--format", "concise"], b"{\"serviceAccounts\": [{\"name\": \"Json_Bot\"}]}\n");
    assert!(stdout(&out).contains("-:1:31: IAM101"), "{}", stdout(&out));
    let lone = b"serviceAccounts:\n  - name: x\n    apiTokens:\n      - name: t\n        maxAge: 30d\n";
    let out = piped(d, &["check", "-", "--fix", "--select", "IAM204"], lone);
    assert_eq!(stdout(&out), String::from_utf8_lossy(lone).replace("30d", "P30D"), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn standard_input_is_bounded_and_checked_like_a_file() {
    let dir = repository();
    let d = dir.path();
    let big = "# padding\n".repeat(100_000);
    let out = piped(d, &["check", "-", "--max-file-size", "1000", "--format", "concise"], big.as_bytes());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("-:1:1: IAM001 [error] file is larger than the 1000-byte limit"), "{}", stdout(&out));
    let out = piped(d, &["check", "-", "--format", "concise"], b"serviceAccounts:\n  - name: \xff\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("standard input is not valid UTF-8"), "{}", stderr(&out));
    let out = piped(d, &["check", "-", "--format", "concise"], b"serviceAccounts:\0\n");
    assert!(stdout(&out).contains("IAM001 [error] binary file"), "{}", stdout(&out));
    for args in [&["check", "-", "iam"][..], &["check", "--stdin-filename", "iam/a.yaml", "iam"][..]] {
        let out = piped(d, args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains("error:"), "{}", stderr(&out));
    }
    let out = piped(d, &["check", "-", "--stdin-filename", "iam"], b"groups: []\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a folder"), "{}", stderr(&out));
}

/// `--fix` of standard input prints the buffer whatever stops iamlint fixing it (an editor
/// replaces its buffer with standard output): as read, byte for byte, the reason on
/// standard error. Each way fixing is refused, beside a buffer that is fixed.
#[test]
fn fix_prints_the_buffer_unchanged_when_it_cannot_fix_it() {
    let dir = repository();
    let d = dir.path();
    write(d, ".iamlint.yaml", "max-token-age: P7D\nexclude: [\"vendor/**\"]\n");
    write(d, "vendor/acme/accounts.yaml", ACCOUNTS);
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "shared.yaml", ACCOUNTS);
    std::os::unix::fs::symlink(outside.path().join("shared.yaml"), d.join("iam/shared.yaml")).unwrap();
    let fix = |name: &str, input: &[u8], extra: &[&str]| {
        let mut args = vec!["check", "--fix", "-", "--stdin-filename", name];
        args.extend_from_slice(extra);
        piped(d, &args, input)
    };
    let unchanged = |out: &Output, input: &[u8], status: i32, reason: &str| {
        let err = stderr(out);
        assert_eq!(out.status.code(), Some(status), "{err}");
        assert!(out.stdout == input, "stdout is not the buffer as read: {:?}\n{err}", stdout(out));
        assert!(err.contains(reason), "{err}");
    };

    // Fixed, for comparison: P30D written, only on standard output.
    let out = fix("iam/accounts.yaml", ACCOUNTS.as_bytes(), &[]);
    assert!(stdout(&out).contains("maxAge: P30D"), "{}", stderr(&out));

    let out = fix("iam/shared.yaml", ACCOUNTS.as_bytes(), &[]);
    unchanged(&out, ACCOUNTS.as_bytes(), 1, "symbolic link to a file outside the workspace root");
    assert!(stderr(&out).contains("Standard input printed unchanged: `iam/shared.yaml`"), "{}", stderr(&out));

    for excluded in ["vendor/acme/accounts.yaml", "vendor/acme/new.yaml"] {
        let out = fix(excluded, ACCOUNTS.as_bytes(), &[]);
        unchanged(&out, ACCOUNTS.as_bytes(), 0, "is excluded by the configuration");
    }

    let broken = format!("{ACCOUNTS}  - name: [unclosed\n");
    let out = fix("iam/accounts.yaml", broken.as_bytes(), &[]);
    unchanged(&out, broken.as_bytes(), 1, "IAM001");

    // Larger than the limit: never held whole, still printed whole.
    let big = format!("{ACCOUNTS}{}", "# padding\n".repeat(50_000));
    let out = fix("iam/accounts.yaml", big.as_bytes(), &["--max-file-size", "1000"]);
    unchanged(&out, big.as_bytes(), 1, "larger than the 1000-byte limit");

    let latin1 = b"serviceAccounts:\n  - name: caf\xe9\n";
    let out = fix("iam/accounts.yaml", latin1, &[]);
    unchanged(&out, latin1, 2, "not valid UTF-8");

    assert_eq!(std::fs::read_to_string(d.join("iam/accounts.yaml")).unwrap(), ACCOUNTS);
    assert_eq!(std::fs::read_to_string(outside.path().join("shared.yaml")).unwrap(), ACCOUNTS);
}
