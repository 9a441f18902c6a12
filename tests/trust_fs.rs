//! Trust on untrusted pull requests (SPEC 5 and 6), on the file system and git side: reads
//! stay inside the workspace root, `--changed-since` cannot be silenced by the repository or
//! the user's git settings, every numeric setting is bounded, history and policies are read
//! within the file limits, and a run that could not read what it was given never passes.
//!
//! Every case runs the real binary under a guard (a hostile input must not hang it). Git
//! cases run with `HOME` and `GIT_CONFIG_GLOBAL` in a temporary folder and no system
//! configuration, so this machine's git settings cannot leak in; each hostile setting is
//! written to the repository's own `.git/config`.

mod common;
use common::write;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const GUARD: Duration = Duration::from_secs(20);

struct Run {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        format!("status {:?}\nstdout:\n{}\nstderr:\n{}", self.status, self.stdout, self.stderr)
    }
}

/// Runs iamlint in `dir` with git isolated from this machine, killing it and failing the
/// test if it outlives the guard.
fn run(dir: &Path, args: &[&str]) -> Run {
    let home = git_home();
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env("HOME", &home)
        .env("GIT_CONFIG_GLOBAL", home.join("gitconfig"))
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("iamlint starts");
    // Drain both pipes while waiting, so a large output cannot block the child.
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = out.read_to_end(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        let _ = err.read_to_end(&mut s);
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > GUARD {
            let _ = child.kill();
            let _ = child.wait();
            panic!("iamlint {args:?} did not finish within {GUARD:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let run = Run {
        status: status.code(),
        stdout: String::from_utf8_lossy(&out.join().unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap()).into_owned(),
    };
    assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.text());
    run
}

/// The binary under test; `IAMLINT_BIN` runs these tests against another build (to see
/// them fail on one from before a fix).
fn binary() -> PathBuf {
    std::env::var_os("IAMLINT_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_iamlint")), PathBuf::from)
}

/// A `HOME` of its own for git, with an empty global configuration.
fn git_home() -> PathBuf {
    static HOME: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    let home = HOME.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("gitconfig"), "").unwrap();
        dir
    });
    home.path().to_path_buf()
}

/// A manifest with one known finding (IAM101 at 2:11).
const DIRTY: &str = "serviceAccounts:\n  - name: CI_Bot\n    groups: [bots]\ngroups:\n  - name: bots\n";

// ---- Item 7: every numeric setting is bounded -------------------------------------------

#[test]
fn numeric_settings_out_of_range_are_errors_naming_key_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "sa.yaml", DIRTY);
    for (text, expected) in [
        // u64::MAX once overflowed `max + 1`, and every file read as empty: "All checks passed".
        ("max-file-size: 18446744073709551615\n", ".iamlint.yaml:1:16: `max-file-size`: expected a positive whole number up to 1073741824, found `18446744073709551615`"),
        ("# limits\nmax-file-size: 1073741825\n", ".iamlint.yaml:2:16: `max-file-size`: expected a positive whole number up to 1073741824"),
        ("max-file-size: 0\n", ".iamlint.yaml:1:16: `max-file-size`"),
        ("max-yaml-depth: 1001\n", ".iamlint.yaml:1:17: `max-yaml-depth`: expected a positive whole number up to 1000, found `1001`"),
        ("max-yaml-depth: 99999999999999999999999\n", ".iamlint.yaml:1:17: `max-yaml-depth`: expected a positive whole number up to 1000"),
    ] {
        write(d, ".iamlint.yaml", text);
        let r = run(d, &["check", "--format", "concise", "."]);
        assert_eq!(r.status, Some(2), "{text}{}", r.text());
        assert!(r.stderr.contains(expected), "{text:?}: {}", r.text());
        assert!(r.stdout.is_empty(), "{}", r.text());
    }
    // The largest values are accepted.
    write(d, ".iamlint.yaml", "max-file-size: 1073741824\nmax-yaml-depth: 1000\n");
    let r = run(d, &["check", "--format", "concise", "."]);
    assert_eq!(r.status, Some(1), "{}", r.text());
    assert!(r.stdout.contains("sa.yaml:2:11: IAM101"), "{}", r.text());
}

#[test]
fn numeric_flags_out_of_range_are_errors_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "sa.yaml", DIRTY);
    // `--threads 100000` once spawned 100,000 threads; the guard fails the test if any of
    // these starts work at all.
    for (flag, value) in [
        ("--threads", "100000"),
        ("--threads", "4294967296"),
        ("--threads", "0"),
        ("-j", "1025"),
        ("--max-file-size", "18446744073709551615"),
        ("--max-file-size", "1073741825"),
        ("--max-yaml-depth", "1001"),
    ] {
        for command in ["check", "access"] {
            let r = run(d, &[command, flag, value, "."]);
            assert_eq!(r.status, Some(2), "{command} {flag} {value}: {}", r.text());
            let long = if flag == "-j" { "--threads" } else { flag };
            assert!(r.stderr.contains(long) && r.stderr.contains(value), "{command} {flag} {value}: {}", r.text());
        }
    }
    for (flag, value) in [("--threads", "1"), ("-j", "1024"), ("--max-file-size", "1073741824")] {
        let r = run(d, &["check", "--format", "concise", flag, value, "."]);
        assert_eq!(r.status, Some(1), "{flag} {value}: {}", r.text());
        assert!(r.stdout.contains("sa.yaml:2:11: IAM101"), "{}", r.text());
    }
}
